//! `struct ttm_tt` and its state machine: `drivers/gpu/drm/ttm/ttm_tt.c` (spec 2), in every era.
//!
//! E2/E3 go through the driver's `ttm_tt_populate` / `ttm_tt_unpopulate` callbacks (the seed); E0/E1
//! keep the core `ttm_tt_populate` and the lazy `ttm_tt_get_page` (spec 8).

use crate::config::Era;
use crate::consts::{page_flags, Caching, TtState, PAGE_SIZE};
use crate::drivers::TtKind;
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::page_alloc::{pool_index, Slots};
use crate::sim::{FaultKind, Sim};
use crate::state::{Ctr, Delta, End, Loc, TtBackend, Var, CONTENT_ZERO};
use crate::trace::{BugKind, Finding};

impl Sim {
    /// `ttm_tt_init` / `ttm_dma_tt_init` (spec 2.3): a new tt, tt_unpopulated and tt_cached, no
    /// pages. The page directory (pages[], and dma_address[] for a ttm_dma_tt) may fail to
    /// allocate: 3.3 then calls ttm_tt_destroy on the driver's object (D12).
    pub(crate) fn tt_init(
        &mut self,
        num_pages: u32,
        flags: u32,
        backend: TtBackend,
    ) -> KResult<u32> {
        let id = self.state.tts.len() as u32;
        let dma = matches!(
            backend,
            TtBackend::Dma
                | TtBackend::Driver(TtKind::RadeonGart | TtKind::NouveauNv04 | TtKind::NouveauNv50)
        );
        let f = if dma { Func::DmaTtInit } else { Func::TtInit };
        self.enter(f, &[id as u64, num_pages as u64, flags as u64]);
        self.d(Delta::TtNew {
            id,
            num_pages,
            page_flags: flags,
            backend,
        });
        let pages_failed = self.inject(FaultKind::TtAlloc);
        let dma_failed = !pages_failed && dma && self.inject(FaultKind::TtAlloc);
        if pages_failed || dma_failed {
            let driver_tt = matches!(backend, TtBackend::Driver(_));
            if driver_tt && self.faithful() {
                // ttm_tt_destroy: unpopulate only if pages[] exists, then the backend's destroy
                // frees the driver object; the driver's ttm_tt_create frees it once more.
                let null_dma_walk = dma_failed
                    && !self.cfg.agp
                    && !self.cfg.has_dma_pool()
                    && !matches!(backend, TtBackend::Driver(TtKind::VmwGmr));
                if dma_failed {
                    self.tt_destroy(id);
                } else if let TtBackend::Driver(kind) = backend {
                    // pages[] is NULL: ttm_tt_destroy skips the unpopulate.
                    self.enter(Func::TtDestroy, &[id as u64]);
                    self.enter(Func::DrvBackendDestroy, &[kind.index(), id as u64]);
                    self.set(Var::TtAlive(id), 0);
                    self.exit(0);
                    self.exit(0);
                }
                self.finding(Finding::D12DoubleFree {
                    tt: id,
                    null_dma_walk,
                });
            } else {
                // Later kernels: the init just fails and the creator frees the object once.
                self.set(Var::TtAlive(id), 0);
            }
            return self.ret(Err(Errno::Enomem));
        }
        self.exit(0);
        Ok(id)
    }

    /// The driver's `ttm_tt_populate` callback (E2/E3; spec 7): pool or DMA pool by the tt's backend.
    /// Before the seed there is no callback and the core `ttm_tt_populate` runs (spec 8.1).
    pub(crate) fn driver_populate(&mut self, tt: u32) -> KResult {
        match (self.cfg.era, self.state.tts[tt as usize].backend) {
            (Era::E0 | Era::E1, _) => self.tt_populate_core(tt),
            (_, TtBackend::Pool) => self.pool_populate(tt),
            (_, TtBackend::Dma) => self.dma_populate(tt),
            (era, TtBackend::Driver(kind)) => {
                let drv = self.drv_for_tt(kind);
                self.enter(Func::DrvTtPopulate, &[drv.kind() as u64, tt as u64]);
                // E2: every driver points the callback at ttm_pool_populate (the seed).
                let r = if era == Era::E2 {
                    self.pool_populate(tt)
                } else {
                    drv.tt_populate(self, tt)
                };
                self.ret(r)
            }
        }
    }

    /// The driver's `ttm_tt_unpopulate` callback (E2/E3), or `ttm_tt_free_alloced_pages` before the seed.
    pub(crate) fn driver_unpopulate(&mut self, tt: u32) {
        match (self.cfg.era, self.state.tts[tt as usize].backend) {
            (Era::E0 | Era::E1, _) => self.tt_free_alloced_pages(tt),
            (_, TtBackend::Pool) => self.pool_unpopulate(tt),
            (_, TtBackend::Dma) => self.dma_unpopulate(tt),
            (era, TtBackend::Driver(kind)) => {
                let drv = self.drv_for_tt(kind);
                self.enter(Func::DrvTtUnpopulate, &[drv.kind() as u64, tt as u64]);
                if era == Era::E2 {
                    self.pool_unpopulate(tt);
                } else {
                    drv.tt_unpopulate(self, tt);
                }
                self.exit(0);
            }
        }
    }

    /// `ttm_tt_set_caching` (spec 2.5): record only when no pages; otherwise flush if leaving cached,
    /// then change each lowmem page's attribute in index order, undoing on failure.
    pub(crate) fn tt_set_caching(&mut self, tt: u32, c: Caching) -> KResult {
        self.enter(Func::TtSetCaching, &[tt as u64, c as u64]);
        let t = &self.state.tts[tt as usize];
        let old = t.caching;
        if old == c {
            return self.ret(Ok(()));
        }
        if t.state == TtState::Unpopulated {
            // Also before the seed, where an unpopulated tt may hold demand-allocated pages whose
            // attribute is then left as it was (observation O1).
            self.set(Var::TtCaching(tt), c as u64);
            return self.ret(Ok(()));
        }
        let pages: Vec<u64> = t.pages.iter().flatten().copied().collect();
        if old == Caching::Cached {
            self.enter(Func::ClflushPages, &[pages.len() as u64]);
            self.exit(0);
        }
        for (i, &p) in pages.iter().enumerate() {
            if self.is_highmem(p) {
                continue;
            }
            if self.inject(FaultKind::SetCaching) {
                for &q in &pages[..i] {
                    if !self.is_highmem(q) {
                        self.set_attr(q, old.attr());
                    }
                }
                return self.ret(Err(Errno::Enomem));
            }
            // Back to write-back first if not cached, then WC or UC (nothing more for cached).
            self.set_attr(p, c.attr());
        }
        self.set(Var::TtCaching(tt), c as u64);
        self.ret(Ok(()))
    }

    /// `ttm_tt_bind` (spec 2.6): populate (driver callback; E0/E1 core populate), then the backend's
    /// bind; tt_bound on success.
    pub(crate) fn tt_bind(&mut self, tt: u32) -> KResult {
        self.tt_bind_mem(tt, None)
    }

    /// `ttm_tt_bind(ttm, bo_mem)`: a driver tt binds through its backend at `mem`.
    pub(crate) fn tt_bind_mem(&mut self, tt: u32, mem: Option<crate::bo_state::MemReg>) -> KResult {
        self.enter(Func::TtBind, &[tt as u64]);
        if self.state.tts[tt as usize].state == TtState::Bound {
            return self.ret(Ok(()));
        }
        if let Err(e) = self.driver_populate(tt) {
            return self.ret(Err(e));
        }
        let r = match (self.state.tts[tt as usize].backend, mem) {
            (TtBackend::Driver(kind), Some(m)) => {
                let n = self.state.tts[tt as usize].num_pages as u64;
                self.enter(Func::DrvBackendBind, &[kind.index(), tt as u64, m.start, n]);
                let r = self.drv_for_tt(kind).backend_bind(self, tt, m);
                self.ret(r)
            }
            _ => {
                self.enter(Func::BackendBind, &[tt as u64]);
                self.ret(Ok(()))
            }
        };
        if let Err(e) = r {
            return self.ret(Err(e));
        }
        self.set(Var::TtState(tt), TtState::Bound as u64);
        self.ret(Ok(()))
    }

    /// `ttm_tt_unbind` (spec 2.6): only if bound.
    pub(crate) fn tt_unbind(&mut self, tt: u32) {
        self.enter(Func::TtUnbind, &[tt as u64]);
        if self.state.tts[tt as usize].state == TtState::Bound {
            if let TtBackend::Driver(kind) = self.state.tts[tt as usize].backend {
                self.enter(Func::DrvBackendUnbind, &[kind.index(), tt as u64]);
                self.drv_for_tt(kind).backend_unbind(self, tt);
            } else {
                self.enter(Func::BackendUnbind, &[tt as u64]);
            }
            self.exit(0);
            self.set(Var::TtState(tt), TtState::Unbound as u64);
        }
        self.exit(0);
    }

    /// `ttm_tt_destroy` (spec 2.7): unbind, unpopulate, release a non-persistent swap file, then the
    /// backend's destroy (`ttm_tt_fini` / `ttm_dma_tt_fini`).
    pub(crate) fn tt_destroy(&mut self, tt: u32) {
        self.enter(Func::TtDestroy, &[tt as u64]);
        if self.state.tts[tt as usize].state == TtState::Bound {
            self.tt_unbind(tt);
        }
        self.driver_unpopulate(tt);
        let t = &self.state.tts[tt as usize];
        if let Some(file) = t.swap_storage {
            if t.page_flags & page_flags::PERSISTENT_SWAP == 0 {
                self.fput(file);
            }
        }
        self.set(Var::TtSwap(tt), 0);
        match self.state.tts[tt as usize].backend {
            TtBackend::Driver(kind) => {
                self.enter(Func::DrvBackendDestroy, &[kind.index(), tt as u64]);
                self.drv_for_tt(kind).backend_destroy(self, tt);
            }
            _ => self.enter(Func::BackendDestroy, &[tt as u64]),
        }
        let fini = match self.state.tts[tt as usize].backend {
            TtBackend::Dma
            | TtBackend::Driver(TtKind::RadeonGart | TtKind::NouveauNv04 | TtKind::NouveauNv50) => {
                Func::DmaTtFini
            }
            _ => Func::TtFini,
        };
        self.enter(fini, &[tt as u64]);
        // fini frees the page array; pages an unpopulate left behind are lost with it.
        for slot in 0..self.state.tts[tt as usize].num_pages {
            if let Some(pfn) = self.state.tts[tt as usize].pages[slot as usize] {
                self.d(Delta::PageMove {
                    pfn,
                    from: Loc::Tt { tt, slot },
                    to: Loc::Leaked,
                });
            }
        }
        self.set(Var::TtAlive(tt), 0);
        self.exit(0);
        self.exit(0);
        self.exit(0);
    }

    pub(crate) fn fput(&mut self, file: u32) {
        self.enter(Func::Fput, &[file as u64]);
        self.set(Var::SwapReleased(file), 1);
        self.exit(0);
    }

    /// `shmem_file_setup("ttm swap", size)`: a new swap file, or an injected failure.
    pub(crate) fn shmem_file_setup(&mut self, num_pages: u32, persistent: bool) -> KResult<u32> {
        self.enter(Func::ShmemFileSetup, &[num_pages as u64 * PAGE_SIZE]);
        if self.inject(FaultKind::ShmemCreate) {
            return self.ret(Err(Errno::Enomem));
        }
        let id = self.state.swap_files.len() as u32;
        self.d(Delta::SwapNew {
            id,
            num_pages,
            persistent,
        });
        self.exit(id as i64);
        Ok(id)
    }

    /// `shmem_read_mapping_page`: look up page `index` of a swap file (fault-injectable).
    pub(crate) fn shmem_page(&mut self, file: u32, index: u32, kind: FaultKind) -> KResult {
        self.enter(Func::ShmemReadMappingPage, &[file as u64, index as u64]);
        let r = if self.inject(kind) {
            Err(Errno::Enomem)
        } else {
            Ok(())
        };
        self.ret(r)
    }

    /// `ttm_tt_swapout` (spec 2.8): copy the pages into a shmem file, unpopulate, set SWAPPED.
    /// BUG if bound or not cached. No check for an already swapped tt (defect D8).
    pub(crate) fn tt_swapout(&mut self, tt: u32, persistent: Option<u32>) -> KResult {
        self.enter(
            Func::TtSwapout,
            &[tt as u64, persistent.map_or(0, |f| f as u64 + 1)],
        );
        let t = &self.state.tts[tt as usize];
        if t.state == TtState::Bound {
            self.finding(Finding::Bug {
                what: BugKind::SwapoutBound,
                tt,
            });
            return self.ret(Err(Errno::Bug));
        }
        if t.caching != Caching::Cached {
            self.finding(Finding::Bug {
                what: BugKind::SwapoutNotCached,
                tt,
            });
            return self.ret(Err(Errno::Bug));
        }
        let n = t.num_pages;
        let file = match persistent {
            Some(f) => f,
            None => match self.shmem_file_setup(n, false) {
                Ok(f) => f,
                Err(e) => return self.ret(Err(e)),
            },
        };
        for i in 0..n {
            let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] else {
                continue;
            };
            if let Err(e) = self.shmem_page(file, i, FaultKind::ShmemWrite) {
                if persistent.is_none() {
                    self.fput(file);
                }
                return self.ret(Err(e));
            }
            let Some(&old) = self.state.swap_files[file as usize]
                .contents
                .get(i as usize)
            else {
                // Past the end of the file (only a too-small persistent file can do this).
                return self.ret(Err(Errno::Einval));
            };
            let new = self.page_content(pfn);
            if old != new {
                self.d(Delta::SwapWrite {
                    file,
                    idx: i,
                    old,
                    new,
                });
            }
        }
        self.driver_unpopulate(tt);
        let t = &self.state.tts[tt as usize];
        let flags0 = t.page_flags;
        if let Some(prev) = t.swap_storage {
            if prev != file {
                // D8: the previous swap file is overwritten without being released.
                self.finding(Finding::D8SwapStorageOverwritten { tt, file: prev });
            }
        }
        let mut flags = flags0 | page_flags::SWAPPED;
        if persistent.is_some() {
            flags |= page_flags::PERSISTENT_SWAP;
        } else if !self.faithful() {
            // Fixed mode (issue 11, defect 4): the flag describes this swap-out's storage only.
            flags &= !page_flags::PERSISTENT_SWAP;
        }
        self.set(Var::TtSwap(tt), file as u64 + 1);
        self.set(Var::TtFlags(tt), flags as u64);
        self.ret(Ok(()))
    }

    /// `ttm_tt_swapin` (spec 2.9). E2/E3: the pages are already there (called from populate); on
    /// error nothing is freed here. E0/E1: each page is demand-allocated, and an error frees them all.
    pub(crate) fn tt_swapin(&mut self, tt: u32) -> KResult {
        self.enter(Func::TtSwapin, &[tt as u64]);
        let Some(file) = self.state.tts[tt as usize].swap_storage else {
            self.finding(Finding::Bug {
                what: BugKind::SwapinNoStorage,
                tt,
            });
            return self.ret(Err(Errno::Bug));
        };
        let pre_seed = self.cfg.era.pre_seed();
        let n = self.state.tts[tt as usize].num_pages;
        for i in 0..n {
            if let Err(e) = self.shmem_page(file, i, FaultKind::ShmemRead) {
                if pre_seed {
                    self.tt_free_alloced_pages(tt);
                }
                return self.ret(Err(e));
            }
            let page = if pre_seed {
                self.tt_get_page_inner(tt, i).ok()
            } else {
                self.state.tts[tt as usize].pages[i as usize]
            };
            let Some(pfn) = page else {
                if pre_seed {
                    self.tt_free_alloced_pages(tt);
                }
                return self.ret(Err(Errno::Enomem));
            };
            let data = self
                .state
                .swap_files
                .get(file as usize)
                .and_then(|f| f.contents.get(i as usize))
                .copied()
                .unwrap_or(CONTENT_ZERO);
            self.set_content(pfn, data);
        }
        let t = &self.state.tts[tt as usize];
        let flags = t.page_flags;
        if flags & page_flags::PERSISTENT_SWAP == 0 {
            self.fput(file);
        }
        self.set(Var::TtSwap(tt), 0);
        // PERSISTENT_SWAP is never cleared by swapin (spec 2.9): the next swap-out without a
        // persistent file then creates a shmem file that destroy never releases (a
        // SwapFileLeaked finding). Fixed mode clears it with SWAPPED, so the flag always
        // describes the current storage. This is the model's own fix (UNCONFIRMED that a kernel
        // did exactly this; later kernels dropped persistent swap storage altogether).
        let mut cleared = page_flags::SWAPPED;
        if !self.faithful() {
            cleared |= page_flags::PERSISTENT_SWAP;
        }
        self.set(Var::TtFlags(tt), (flags & !cleared) as u64);
        self.ret(Ok(()))
    }

    // ---- before the seed (E0 / E1, spec 8) -----------------------------------------------

    /// E0/E1 core `ttm_tt_populate`: swap in first if SWAPPED, then demand-allocate every slot;
    /// a failure keeps the pages allocated so far and the state stays tt_unpopulated (spec 8.2).
    pub(crate) fn tt_populate_core(&mut self, tt: u32) -> KResult {
        self.enter(Func::TtPopulate, &[tt as u64]);
        if self.state.tts[tt as usize].state != TtState::Unpopulated {
            return self.ret(Ok(()));
        }
        if self.state.tts[tt as usize].swapped() {
            if let Err(e) = self.tt_swapin(tt) {
                return self.ret(Err(e));
            }
        }
        let n = self.state.tts[tt as usize].num_pages;
        for i in 0..n {
            if self.tt_get_page_inner(tt, i).is_err() {
                return self.ret(Err(Errno::Enomem));
            }
        }
        self.set(Var::TtState(tt), TtState::Unbound as u64);
        self.ret(Ok(()))
    }

    /// E0/E1 `ttm_tt_get_page`: swap in a SWAPPED tt, then demand-allocate slot `index`.
    /// Returns the page's pfn (the trace records it as the return value; NULL is -ENOMEM).
    pub(crate) fn tt_get_page(&mut self, tt: u32, index: u32) -> KResult<u64> {
        self.enter(Func::TtGetPage, &[tt as u64, index as u64]);
        if self.state.tts[tt as usize].swapped() {
            if let Err(e) = self.tt_swapin(tt) {
                self.exit(Errno::Enomem.code());
                return Err(e);
            }
        }
        let r = self.tt_get_page_inner(tt, index);
        self.exit(r.map_or_else(|e| e.code(), |p| p as i64));
        r
    }

    /// E0/E1 `__ttm_tt_get_page`. E1: get one page into a local pointer, charge it, store it in
    /// slot `index` (on a charge failure it goes back through ttm_put_pages). E0: repeat until slot
    /// `index` is filled, storing lowmem pages from slot 0 upward and highmem pages from the top
    /// down; a charge failure releases the page with a plain put_page (defect D11).
    fn tt_get_page_inner(&mut self, tt: u32, index: u32) -> KResult<u64> {
        self.enter(Func::TtGetPageInner, &[tt as u64, index as u64]);
        let e0 = self.cfg.era == Era::E0;
        // The page is held on this call's own list until it is charged: the charge may shrink
        // (ttm_bo_swapout → another tt's pages freed), and those nested calls use lists of
        // their own (issue 11, defect 2).
        let list = self.local_open();
        let held = Loc::Local {
            list,
            end: End::Head,
        };
        let r = loop {
            let t = &self.state.tts[tt as usize];
            if let Some(p) = t.pages[index as usize] {
                break Ok(p);
            }
            let (flags, cstate) = (t.page_flags, t.caching);
            let local = Slots::Local { tt, index, list };
            if self.get_pages(local, 1, flags, cstate).is_err() {
                break Err(Errno::Enomem);
            }
            let Some(&p) = self.local(list).front() else {
                break Err(Errno::Enomem);
            };
            if self.mem_global_alloc_page(p).is_err() {
                if e0 && self.faithful() {
                    // D11: put_page frees it without restoring write-back.
                    self.free_page(p, held);
                } else {
                    self.put_pages(local, 1, flags, cstate);
                }
                break Err(Errno::Enomem);
            }
            let slot = if !e0 {
                index
            } else if self.is_highmem(p) {
                let s = self.state.tts[tt as usize].first_himem_page - 1;
                self.set(Var::TtFirstHimem(tt), s as u64);
                s
            } else {
                let s = (self.state.tts[tt as usize].last_lomem_page + 1) as u32;
                self.set(Var::TtLastLomem(tt), s as u64 + 1);
                s
            };
            self.d(Delta::PageMove {
                pfn: p,
                from: held,
                to: Loc::Tt { tt, slot },
            });
        };
        self.local_close(list);
        self.exit(r.map_or_else(|e| e.code(), |p| p as i64));
        r
    }

    /// E0/E1 `ttm_tt_free_alloced_pages`: uncharge every page and put it back. E1 puts each page
    /// with its own ttm_put_pages call (tail of the pool); E0 collects them on a list and puts the
    /// list with one call that splices it at the pool head (the 3.0 list API) and trims once.
    pub(crate) fn tt_free_alloced_pages(&mut self, tt: u32) {
        self.enter(Func::TtFreeAllocedPages, &[tt as u64]);
        let t = &self.state.tts[tt as usize];
        let (n, flags, cstate) = (t.num_pages, t.page_flags, t.caching);
        if self.cfg.era == Era::E1 {
            for i in 0..n {
                if let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] {
                    self.mem_global_free_page(pfn);
                    self.put_pages(Slots::Tt { tt, index: i }, 1, flags, cstate);
                }
            }
        } else {
            let mut count = 0u64;
            for i in 0..n {
                if let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] {
                    self.mem_global_free_page(pfn);
                    count += 1;
                }
            }
            self.put_pages_list_e0(tt, count, flags, cstate);
            self.set(Var::TtFirstHimem(tt), n as u64);
            self.set(Var::TtLastLomem(tt), 0);
        }
        self.set(Var::TtState(tt), TtState::Unpopulated as u64);
        self.exit(0);
    }

    /// The 3.0 list-API `ttm_put_pages` as used by E0's free path: the list (built head-first, so in
    /// reverse slot order) is spliced at the pool head; one trim check. (3.0 source:
    /// ipaccess/linux-yocto-3.0, spec 0.3; the head splice is read from that version.)
    fn put_pages_list_e0(&mut self, tt: u32, count: u64, flags: u32, cstate: Caching) {
        self.enter(
            Func::PutPages,
            &[tt as u64, 0, count, flags as u64, cstate as u64],
        );
        let n = self.state.tts[tt as usize].num_pages;
        let pool = pool_index(flags, cstate);
        for slot in 0..n {
            let Some(pfn) = self.state.tts[tt as usize].pages[slot as usize] else {
                continue;
            };
            let from = Loc::Tt { tt, slot };
            match pool {
                None => self.free_page(pfn, from),
                Some(pi) => self.d(Delta::PageMove {
                    pfn,
                    from,
                    to: Loc::Pool {
                        pool: pi,
                        end: End::Head,
                    },
                }),
            }
        }
        if let Some(pi) = pool {
            self.count(Ctr::PoolNpages(pi), count as i64);
            let npages = self.state.pools[pi as usize].npages;
            let max = self.state.pool_opts.max_size;
            if npages > max {
                let to_free = (npages - max).max(self.cfg.arch.num_pages_to_alloc() as u64);
                self.page_pool_free(pi, to_free);
            }
        }
        self.exit(0);
    }

    /// Fill every present page of a tt with recognisable data (what a GPU or CPU writing the
    /// buffer would leave), so that swap-out and swap-in visibly keep or lose it.
    pub(crate) fn tt_write_pattern(&mut self, tt: u32, seed: u32) {
        let n = self.state.tts[tt as usize].num_pages;
        for i in 0..n {
            if let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] {
                self.set_content(pfn, data_tag(seed, i));
            }
        }
    }
}

/// The content tag user data gets: recognisable (seed in the high bits, page index in the low
/// bits), never [`CONTENT_ZERO`] nor [`crate::state::CONTENT_STALE`].
pub fn data_tag(seed: u32, index: u32) -> u32 {
    0x4000_0000 | ((seed & 0x3ff) << 20) | (index & 0xf_ffff)
}

/// Pseudocode of the functions this module models (spec 2, 8; see [`crate::code`]).
#[rustfmt::skip]
pub(crate) const CODE: &[crate::code::Listing] = {
    use crate::code::k::*;
    use crate::code::l;
    &[
        (F::TtInit, &[
            l("allocate the tt object and its empty page array", &[], &[TtNew]),
            l("state: unpopulated, caching: cached, flags as given", &[], &[]),
            l("if the array cannot be allocated: destroy the tt, -ENOMEM", &[F::TtDestroy, F::DrvBackendDestroy], &[Set(V::TtAlive)]),
        ]),
        (F::DmaTtInit, &[
            l("allocate the tt object, its page array and its DMA address array", &[], &[TtNew]),
            l("state: unpopulated, caching: cached, flags as given", &[], &[]),
            l("if an array cannot be allocated: destroy the tt, -ENOMEM", &[F::TtDestroy, F::DrvBackendDestroy], &[Set(V::TtAlive)]),
        ]),
        (F::TtFini, &[
            l("free the page array (pages still in it are lost with it)", &[], &[mv(Tt, Leaked)]),
            l("the tt object is gone", &[], &[Set(V::TtAlive)]),
        ]),
        (F::DmaTtFini, &[
            l("free the page array and the DMA address array", &[], &[mv(Tt, Leaked)]),
            l("the tt object is gone", &[], &[Set(V::TtAlive)]),
        ]),
        (F::TtDestroy, &[
            l("if bound: unbind it first", &[F::TtUnbind], &[]),
            l("if populated: give the pages back (the driver's unpopulate)", &[F::DrvTtUnpopulate, F::PoolUnpopulate, F::DmaUnpopulate, F::TtFreeAllocedPages], &[]),
            l("if it owns a swap file (not persistent): release it", &[F::Fput], &[]),
            l("forget the swap storage", &[], &[Set(V::TtSwap)]),
            l("the backend destroys the object", &[F::DrvBackendDestroy, F::BackendDestroy], &[]),
        ]),
        (F::BackendDestroy, &[
            l("the backend frees its own part of the tt", &[], &[]),
            l("then the tt itself: ttm_tt_fini", &[F::TtFini, F::DmaTtFini], &[]),
        ]),
        (F::TtBind, &[
            l("if already bound: nothing to do", &[], &[]),
            l("populate first: every page must exist to be bound", &[F::DrvTtPopulate, F::PoolPopulate, F::TtPopulate], &[]),
            l("the backend binds the pages into the GPU aperture", &[F::DrvBackendBind, F::BackendBind], &[]),
            l("state: bound", &[], &[Set(V::TtState)]),
        ]),
        (F::BackendBind, &[
            l("write the tt's pages into the GPU aperture (GART, AGP or GMR)", &[], &[]),
            l("if AGP: one AGP memory object per bind", &[], &[Set(V::TtAgpMem)]),
        ]),
        (F::TtUnbind, &[
            l("only a bound tt is unbound", &[], &[]),
            l("the backend removes the pages from the aperture", &[F::DrvBackendUnbind, F::BackendUnbind], &[]),
            l("state: unbound (the pages stay)", &[], &[Set(V::TtState)]),
        ]),
        (F::BackendUnbind, &[
            l("remove the tt's pages from the GPU aperture", &[], &[]),
            l("AGP keeps its memory object for the next bind", &[], &[]),
        ]),
        (F::TtSetCaching, &[
            l("if same caching as now: done", &[], &[]),
            l("if unpopulated: just record the new caching", &[], &[Set(V::TtCaching)]),
            l("if leaving cached: flush the CPU caches of the pages", &[F::ClflushPages], &[]),
            l("change every lowmem page's kernel mapping to the new attribute", &[], &[Attr]),
            l("if it failed: restore the pages done so far, -ENOMEM", &[], &[]),
            l("record the new caching", &[], &[Set(V::TtCaching)]),
        ]),
        (F::ClflushPages, &[
            l("write back and invalidate each page's cache lines", &[], &[]),
            l("(no state the model keeps changes)", &[], &[]),
        ]),
        (F::TtSwapout, &[
            l("a bound or non-cached tt here is a BUG", &[], &[]),
            l("if no persistent file given: create a shmem file of the tt's size", &[F::ShmemFileSetup], &[]),
            l("for each page: find the file page and copy the contents into it", &[F::ShmemReadMappingPage], &[SwapWrite]),
            l("if it failed: release the new file and return the error", &[F::Fput], &[]),
            l("free the pages: the driver's unpopulate", &[F::DrvTtUnpopulate, F::PoolUnpopulate, F::DmaUnpopulate, F::TtFreeAllocedPages], &[]),
            l("remember the file (an older one is overwritten: D8)", &[], &[Set(V::TtSwap)]),
            l("flags: SWAPPED, and PERSISTENT_SWAP if the file was given", &[], &[Set(V::TtFlags)]),
        ]),
        (F::TtSwapin, &[
            l("no swap storage here is a BUG", &[], &[]),
            l("for each page: read the file page", &[F::ShmemReadMappingPage], &[]),
            l("if before the seed: allocate the tt page on demand", &[F::TtGetPageInner, F::TtFreeAllocedPages], &[]),
            l("copy the saved contents into the tt page", &[], &[Content]),
            l("if not persistent: release the file", &[F::Fput], &[]),
            l("forget the swap storage", &[], &[Set(V::TtSwap)]),
            l("clear SWAPPED (PERSISTENT_SWAP stays)", &[], &[Set(V::TtFlags)]),
        ]),
        (F::ShmemFileSetup, &[
            l("create an unlinked shmem file of the given size", &[], &[SwapNew]),
            l("if there is no memory: -ENOMEM", &[], &[]),
        ]),
        (F::ShmemReadMappingPage, &[
            l("find (or allocate) the file's page at this index", &[], &[]),
            l("if there is no memory: -ENOMEM", &[], &[]),
        ]),
        (F::Fput, &[
            l("drop the last reference to the file", &[], &[]),
            l("the file and its pages are released", &[], &[Set(V::SwapReleased)]),
        ]),
        (F::TtPopulate, &[
            l("if already populated: done", &[], &[]),
            l("if swapped out: read the contents back first", &[F::TtSwapin], &[]),
            l("allocate every page on demand", &[F::TtGetPageInner], &[]),
            l("state: unbound", &[], &[Set(V::TtState)]),
        ]),
        (F::TtGetPage, &[
            l("if swapped out: swap the whole tt in first", &[F::TtSwapin], &[]),
            l("get the page at this index (allocating it if needed)", &[F::TtGetPageInner], &[]),
            l("return its address (NULL on failure)", &[], &[]),
        ]),
        (F::TtGetPageInner, &[
            l("if the slot already has a page: return it", &[], &[]),
            l("get one page of the tt's caching from the pool allocator", &[F::GetPages], &[mv(System, Local)]),
            l("charge it to the accounting zones", &[F::MemGlobalAllocPage], &[]),
            l("if the charge is refused: give the page back, -ENOMEM", &[F::PutPages], &[mv(Local, System)]),
            l("if E0: highmem pages fill from the end, lowmem from the start", &[], &[Set(V::TtFirstHimem), Set(V::TtLastLomem)]),
            l("store the page in the tt", &[], &[mv(Local, Tt)]),
        ]),
        (F::TtFreeAllocedPages, &[
            l("for each page: uncharge it", &[F::MemGlobalFreePage], &[]),
            l("if E1: hand each page back to its pool", &[F::PutPages], &[]),
            l("if E0: hand them all back as one list", &[F::PutPages], &[Set(V::TtFirstHimem), Set(V::TtLastLomem)]),
            l("state: unpopulated", &[], &[Set(V::TtState)]),
        ]),
    ]
};
