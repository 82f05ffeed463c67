//! The page pool allocator: `drivers/gpu/drm/ttm/ttm_page_alloc.c` (spec 3), including the
//! `ttm_pool_populate` / `ttm_pool_unpopulate` callbacks the seed commit adds (spec 3.12).

use crate::consts::{page_flags, Attr, Caching, TtState, FREE_ALL_PAGES, NUM_POOLS};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::{FaultKind, Gfp, Sim};
use crate::state::{Ctr, End, Loc, OptField, Var};
use crate::trace::Finding;

/// Where `ttm_get_pages` writes pages or `ttm_put_pages` reads them: a tt's page array from `index`
/// on, or a caller's single local page pointer (the pre-seed `__ttm_tt_get_page`, which holds the
/// page on a list of its own until it is charged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slots {
    /// `&ttm->pages[index]`.
    Tt { tt: u32, index: u32 },
    /// The caller's private list `list` (holding at most one page) while it works for tt `tt`,
    /// slot `index`.
    Local { tt: u32, index: u32, list: u8 },
}

impl Slots {
    fn args(self) -> [u64; 2] {
        match self {
            Slots::Tt { tt, index } | Slots::Local { tt, index, .. } => [tt as u64, index as u64],
        }
    }
}

/// `ttm_get_pool` (spec 3.1): cached pages bypass the pools; otherwise wc = 0, uc = 1, +2 for DMA32.
pub fn pool_index(flags: u32, cstate: Caching) -> Option<u8> {
    let base = match cstate {
        Caching::Cached => return None,
        Caching::Wc => 0,
        Caching::Uncached => 1,
    };
    Some(if flags & page_flags::DMA32 != 0 {
        base | 2
    } else {
        base
    })
}

impl Sim {
    fn npta(&self) -> u64 {
        self.cfg.arch.num_pages_to_alloc() as u64
    }

    /// The page at position `k` of `s`, and where it is.
    fn slot_page(&self, s: Slots, k: u32) -> Option<(u64, Loc)> {
        match s {
            Slots::Tt { tt, index } => {
                let slot = index + k;
                let pfn = (*self.state.tts[tt as usize].pages.get(slot as usize)?)?;
                Some((pfn, Loc::Tt { tt, slot }))
            }
            Slots::Local { list, .. } => {
                let pfn = *self.local(list).front()?;
                (k == 0).then_some((
                    pfn,
                    Loc::Local {
                        list,
                        end: End::Head,
                    },
                ))
            }
        }
    }

    /// Where the `k`-th page written through `dst` lands. Writing more pages than the caller asked
    /// for only happens after defect D3; the model then leaks what the kernel would overwrite or
    /// write past the array, and records the finding.
    fn dest_loc(&mut self, dst: Slots, k: u32) -> Loc {
        match dst {
            Slots::Tt { tt, index } => {
                let slot = index as u64 + k as u64;
                let t = &self.state.tts[tt as usize];
                if slot >= t.num_pages as u64 {
                    self.finding(Finding::D3ArrayOverrun { tt, index: slot });
                    return Loc::Leaked;
                }
                let slot = slot as u32;
                if let Some(old) = t.pages[slot as usize] {
                    self.finding(Finding::D3SlotOverwritten { tt, slot });
                    self.d(crate::state::Delta::PageMove {
                        pfn: old,
                        from: Loc::Tt { tt, slot },
                        to: Loc::Leaked,
                    });
                }
                Loc::Tt { tt, slot }
            }
            Slots::Local { tt, index, list } => {
                if k == 0 && self.local(list).is_empty() {
                    Loc::Local {
                        list,
                        end: End::Tail,
                    }
                } else {
                    self.finding(Finding::D3ArrayOverrun {
                        tt,
                        index: index as u64 + k as u64,
                    });
                    Loc::Leaked
                }
            }
        }
    }

    /// `ttm_get_pages` (spec 3.4): get `npages` pages of caching `cstate` into `dst`.
    pub(crate) fn get_pages(
        &mut self,
        dst: Slots,
        npages: u32,
        flags: u32,
        cstate: Caching,
    ) -> KResult {
        let [tt, index] = dst.args();
        self.enter(
            Func::GetPages,
            &[tt, index, npages as u64, flags as u64, cstate as u64],
        );
        let zero = flags & page_flags::ZERO_ALLOC != 0;
        let dma32 = flags & page_flags::DMA32 != 0;
        let Some(pi) = pool_index(flags, cstate) else {
            // spec 3.4 step 2: no pool for cached pages; allocate directly, no caching change.
            let gfp = Gfp {
                highmem: !dma32,
                dma32,
                zero,
            };
            for k in 0..npages {
                let to = self.dest_loc(dst, k);
                if self.alloc_page(gfp, to).is_none() {
                    return self.ret(Err(Errno::Enomem));
                }
            }
            return self.ret(Ok(()));
        };
        // spec 3.4 step 3: take from the pool (which may refill first).
        let (got, shortfall) = self.page_pool_get_pages(pi, dst, npages, zero);
        if shortfall > 0 {
            // spec 3.4 step 5: allocate the rest directly with the pool's gfp (+ __GFP_ZERO);
            // these pages get the caching attribute and are not kept in the pool.
            let pool_dma32 = self.state.pools[pi as usize].dma32;
            let gfp = Gfp {
                highmem: !pool_dma32,
                dma32: pool_dma32,
                zero,
            };
            // The new pages go on this call's own list (`plist`) and are then copied into the
            // caller's array (or its single-page list before the seed; more than one page there
            // only happens after D3, and those are lost).
            let plist = self.local_open();
            let r = self.alloc_new_pages(plist, gfp, cstate, shortfall as u64);
            let mut count = got;
            while let Some(&pfn) = self.local(plist).front() {
                let to = self.dest_loc(dst, count);
                self.d(crate::state::Delta::PageMove {
                    pfn,
                    from: Loc::Local {
                        list: plist,
                        end: End::Head,
                    },
                    to,
                });
                count += 1;
            }
            self.local_close(plist);
            if let Err(e) = r {
                // "Failed to allocate extra pages for large request": hand everything obtained
                // in this call back through ttm_put_pages (so it lands in the pool).
                self.put_pages(dst, count.min(npages), flags, cstate);
                return self.ret(Err(e));
            }
        }
        self.ret(Ok(()))
    }

    /// `ttm_page_pool_get_pages` (spec 3.4 step 3): refill check, then take `count` pages from the
    /// head, or the whole list when `count >= npages`. Returns (pages written, shortfall).
    fn page_pool_get_pages(&mut self, pi: u8, dst: Slots, count: u32, zero: bool) -> (u32, u32) {
        self.enter(Func::PagePoolGetPages, &[pi as u64, count as u64]);
        self.page_pool_fill_locked(pi, count);
        let npages = self.state.pools[pi as usize].npages;
        let (take, shortfall) = if count as u64 >= npages {
            // The whole list is spliced out, whatever its real length (D3 makes them differ).
            let listed = self.state.pools[pi as usize].list.len() as u32;
            self.count(Ctr::PoolNpages(pi), -(npages as i64));
            (listed, (count as u64 - npages) as u32)
        } else {
            self.count(Ctr::PoolNpages(pi), -(count as i64));
            (count, 0)
        };
        for k in 0..take {
            let Some(&pfn) = self.state.pools[pi as usize].list.front() else {
                break;
            };
            let to = self.dest_loc(dst, k);
            self.d(crate::state::Delta::PageMove {
                pfn,
                from: Loc::Pool {
                    pool: pi,
                    end: End::Head,
                },
                to,
            });
            // spec 3.4 step 4: ZERO_ALLOC pages taken from a pool are cleared. (D6, the highmem
            // variant of this clearing, is not modelled: it needs a 32-bit ZERO_ALLOC WC/UC tt.)
            if zero && to != Loc::Leaked {
                self.set_content(pfn, crate::state::CONTENT_ZERO);
            }
        }
        self.exit(shortfall as i64);
        (take, shortfall)
    }

    /// `ttm_page_pool_fill_locked` (spec 3.5): refill only for requests smaller than `small` that
    /// exceed what the pool holds, and only if nobody else is refilling.
    fn page_pool_fill_locked(&mut self, pi: u8, count: u32) {
        self.enter(Func::PagePoolFillLocked, &[pi as u64, count as u64]);
        if self.state.pools[pi as usize].fill_lock {
            self.exit(0);
            return;
        }
        // The kernel sets fill_lock on every call and clears it before returning, all under the
        // pool lock; other tasks can only see it while the lock is dropped for the refill's
        // allocation. The model therefore records it only around a refill.
        let opts = self.state.pool_opts;
        let pool = &self.state.pools[pi as usize];
        if (count as u64) < opts.small && count as u64 > pool.npages {
            self.set(Var::PoolFillLock(pi), 1);
            let pool = &self.state.pools[pi as usize];
            let gfp = Gfp {
                highmem: !pool.dma32,
                dma32: pool.dma32,
                zero: false,
            };
            let cstate = pool.caching;
            let old_listed = pool.list.len() as u64;
            let new_pages = self.local_open();
            let r = self.alloc_new_pages(new_pages, gfp, cstate, opts.alloc_size);
            let allocated = self.local(new_pages).len() as u64;
            // Splice the new batch at the pool head, keeping its order (spec 3.3).
            while let Some(&pfn) = self.local(new_pages).back() {
                self.d(crate::state::Delta::PageMove {
                    pfn,
                    from: Loc::Local {
                        list: new_pages,
                        end: End::Tail,
                    },
                    to: Loc::Pool {
                        pool: pi,
                        end: End::Head,
                    },
                });
            }
            self.local_close(new_pages);
            if r.is_ok() {
                self.count(Ctr::PoolNrefills(pi), 1);
                self.count(Ctr::PoolNpages(pi), opts.alloc_size as i64);
            } else {
                // spec 9 D3: 3.3 counts the entries of the pool list (before the splice) instead
                // of the new pages; later kernels count the new list.
                let cpages = if self.faithful() {
                    old_listed
                } else {
                    allocated
                };
                self.count(Ctr::PoolNpages(pi), cpages as i64);
                let p = &self.state.pools[pi as usize];
                if p.npages != p.list.len() as u64 {
                    let f = Finding::D3RefillMiscount {
                        pool: pi,
                        npages: p.npages,
                        listed: p.list.len() as u64,
                    };
                    self.finding(f);
                }
            }
            self.set(Var::PoolFillLock(pi), 0);
        }
        self.exit(0);
    }

    /// Set the caching attribute of a batch of pages (`ttm_set_pages_caching`: set_pages_array_wc /
    /// _uc). Cached needs nothing. Injected failures leave the batch unchanged.
    pub(crate) fn set_pages_caching(&mut self, pages: &[u64], cstate: Caching) -> KResult {
        let func = match cstate {
            Caching::Cached => return Ok(()),
            Caching::Wc => Func::SetPagesArrayWc,
            Caching::Uncached => Func::SetPagesArrayUc,
        };
        self.enter(func, &[pages.len() as u64]);
        if self.inject(FaultKind::SetCaching) {
            return self.ret(Err(Errno::Enomem));
        }
        for &p in pages {
            self.set_attr(p, cstate.attr());
        }
        self.ret(Ok(()))
    }

    /// `ttm_alloc_new_pages` (spec 3.6): allocate `count` pages onto the caller's private list
    /// `list` (each pushed at the head), setting their caching in batches of up to
    /// NUM_PAGES_TO_ALLOC lowmem pages.
    pub(crate) fn alloc_new_pages(
        &mut self,
        list: u8,
        gfp: Gfp,
        cstate: Caching,
        count: u64,
    ) -> KResult {
        self.enter(
            Func::AllocNewPages,
            &[count, cstate as u64, gfp.dma32 as u64, gfp.zero as u64],
        );
        let max_cpages = count.min(self.npta()) as usize;
        let mut batch: Vec<u64> = Vec::with_capacity(max_cpages);
        for _ in 0..count {
            let Some(p) = self.alloc_page(
                gfp,
                Loc::Local {
                    list,
                    end: End::Head,
                },
            ) else {
                // Store what was allocated after setting its caching; failing pages are freed.
                if !batch.is_empty() && self.set_pages_caching(&batch, cstate).is_err() {
                    self.caching_failure(list, &batch);
                }
                return self.ret(Err(Errno::Enomem));
            };
            // Highmem pages have no linear mapping and keep write-back.
            if !self.is_highmem(p) {
                batch.push(p);
                if batch.len() == max_cpages {
                    if let Err(e) = self.set_pages_caching(&batch, cstate) {
                        // (O9: the kernel unlinks the batch-completing page before it is linked;
                        // the model frees the whole batch, which is what the code means to do.)
                        self.caching_failure(list, &batch);
                        return self.ret(Err(e));
                    }
                    batch.clear();
                }
            }
        }
        let mut r = Ok(());
        if !batch.is_empty() {
            if let Err(e) = self.set_pages_caching(&batch, cstate) {
                self.caching_failure(list, &batch);
                r = Err(e);
            }
        }
        self.ret(r)
    }

    /// `ttm_handle_caching_state_failure`: free the pages of private list `list` whose caching
    /// could not be set.
    fn caching_failure(&mut self, list: u8, batch: &[u64]) {
        for &pfn in batch {
            let Some(pos) = self.local(list).iter().position(|&p| p == pfn) else {
                continue;
            };
            // Move it to the head first so the delta names an end of the list.
            let end = if pos == 0 {
                End::Head
            } else if pos + 1 == self.local(list).len() {
                End::Tail
            } else {
                self.rotate_local_to_head(list, pos);
                End::Head
            };
            self.free_page(pfn, Loc::Local { list, end });
        }
    }

    /// Bring the page at `pos` of private list `list` to its head (by cycling head pages to the
    /// tail).
    fn rotate_local_to_head(&mut self, list: u8, pos: usize) {
        for _ in 0..pos {
            let pfn = self.local(list)[0];
            self.d(crate::state::Delta::PageMove {
                pfn,
                from: Loc::Local {
                    list,
                    end: End::Head,
                },
                to: Loc::Local {
                    list,
                    end: End::Tail,
                },
            });
        }
    }

    /// `ttm_put_pages` (spec 3.7): cached pages go straight back to the system; others are appended
    /// to their pool's tail, then the pool is trimmed if it grew above max_size.
    pub(crate) fn put_pages(&mut self, src: Slots, npages: u32, flags: u32, cstate: Caching) {
        let [tt, index] = src.args();
        self.enter(
            Func::PutPages,
            &[tt, index, npages as u64, flags as u64, cstate as u64],
        );
        match pool_index(flags, cstate) {
            None => {
                for k in 0..npages {
                    if let Some((pfn, at)) = self.slot_page(src, k) {
                        self.free_page(pfn, at);
                    }
                }
            }
            Some(pi) => {
                for k in 0..npages {
                    if let Some((pfn, at)) = self.slot_page(src, k) {
                        self.d(crate::state::Delta::PageMove {
                            pfn,
                            from: at,
                            to: Loc::Pool {
                                pool: pi,
                                end: End::Tail,
                            },
                        });
                        self.count(Ctr::PoolNpages(pi), 1);
                    }
                }
                // Trim check once per call (spec 3.7 step 3).
                let npages = self.state.pools[pi as usize].npages;
                let max = self.state.pool_opts.max_size;
                if npages > max {
                    let to_free = (npages - max).max(self.npta());
                    self.page_pool_free(pi, to_free);
                }
            }
        }
        self.exit(0);
    }

    /// `ttm_page_pool_free` (spec 3.8): free up to `nr_free` pages from the tail in batches of
    /// NUM_PAGES_TO_ALLOC; returns how many of the requested pages could not be freed.
    pub(crate) fn page_pool_free(&mut self, pi: u8, mut nr_free: u64) -> u64 {
        self.enter(Func::PagePoolFree, &[pi as u64, nr_free]);
        let batch_max = self.npta();
        let free_all = nr_free == FREE_ALL_PAGES as u64;
        let mut to_free = nr_free.min(batch_max);
        // The batch being freed is this call's own array (`pages_to_free`).
        let pages_to_free = self.local_open();
        loop {
            let listed = self.state.pools[pi as usize].list.len() as u64;
            let n = to_free.min(listed);
            if n == 0 {
                break;
            }
            for _ in 0..n {
                let pfn = *self.state.pools[pi as usize].list.back().unwrap_or(&0);
                self.d(crate::state::Delta::PageMove {
                    pfn,
                    from: Loc::Pool {
                        pool: pi,
                        end: End::Tail,
                    },
                    to: Loc::Local {
                        list: pages_to_free,
                        end: End::Tail,
                    },
                });
            }
            // ttm_pool_update_free_locked
            self.count(Ctr::PoolNpages(pi), -(n as i64));
            self.count(Ctr::PoolNfrees(pi), n as i64);
            self.pages_put_local(pages_to_free);
            if n >= batch_max {
                if !free_all {
                    nr_free -= n;
                }
                to_free = nr_free.min(batch_max);
                if nr_free == 0 {
                    break;
                }
            } else {
                nr_free = nr_free.wrapping_sub(n);
                break;
            }
        }
        self.local_close(pages_to_free);
        self.exit(nr_free as i64);
        nr_free
    }

    /// `ttm_pages_put`: set the batch on private list `list` back to write-back in one call and
    /// free it.
    fn pages_put_local(&mut self, list: u8) {
        let batch: Vec<u64> = self.local(list).iter().copied().collect();
        self.enter(Func::SetPagesArrayWb, &[batch.len() as u64]);
        for &p in &batch {
            self.set_attr(p, Attr::Wb);
        }
        self.exit(0);
        for &p in &batch {
            self.free_page(
                p,
                Loc::Local {
                    list,
                    end: End::Head,
                },
            );
        }
    }

    /// `ttm_pool_mm_shrink` (spec 3.9): round-robin over the four pools starting at
    /// `++start_pool % 4`; returns the pages left in all pools.
    pub(crate) fn pool_mm_shrink(&mut self, nr_to_scan: u64) -> u64 {
        self.enter(Func::PoolMmShrink, &[nr_to_scan]);
        self.count(Ctr::ShrinkStart, 1);
        let offset = (self.state.shrink_start % NUM_POOLS as u64) as usize;
        let mut shrink_pages = nr_to_scan;
        for i in 0..NUM_POOLS {
            if shrink_pages == 0 {
                break;
            }
            shrink_pages = self.page_pool_free(((i + offset) % NUM_POOLS) as u8, shrink_pages);
        }
        let unused: u64 = self.state.pools.iter().map(|p| p.npages).sum();
        self.exit(unused as i64);
        unused
    }

    /// `ttm_page_alloc_fini` (spec 3.10): empty every pool and drop the manager.
    pub(crate) fn page_alloc_fini(&mut self) {
        self.enter(Func::PageAllocFini, &[]);
        for pi in 0..NUM_POOLS as u8 {
            self.page_pool_free(pi, FREE_ALL_PAGES as u64);
        }
        self.set(Var::PoolManagerUp, 0);
        self.exit(0);
    }

    /// `ttm_page_alloc_init` (spec 3.10): a fresh zero-allocated manager with default options.
    pub(crate) fn page_alloc_init(&mut self) {
        let max_pages = self.state.zones[0].max_mem / (2 * crate::consts::PAGE_SIZE);
        self.enter(Func::PageAllocInit, &[max_pages]);
        for pi in 0..NUM_POOLS as u8 {
            let p = &self.state.pools[pi as usize];
            let (n, r, f) = (p.npages, p.nrefills, p.nfrees);
            self.count(Ctr::PoolNpages(pi), -(n as i64));
            self.count(Ctr::PoolNrefills(pi), -(r as i64));
            self.count(Ctr::PoolNfrees(pi), -(f as i64));
        }
        self.set(Var::PoolOpt(OptField::MaxSize), max_pages);
        self.set(
            Var::PoolOpt(OptField::Small),
            crate::consts::SMALL_ALLOCATION as u64,
        );
        self.set(Var::PoolOpt(OptField::AllocSize), self.npta());
        self.set(Var::PoolManagerUp, 1);
        self.exit(0);
    }

    /// `ttm_pool_populate` (spec 3.12, added by the seed): one page at a time from the pool for the
    /// tt's caching, each charged to accounting; then swap-in if SWAPPED; state becomes tt_unbound.
    pub(crate) fn pool_populate(&mut self, tt: u32) -> KResult {
        self.enter(Func::PoolPopulate, &[tt as u64]);
        let t = &self.state.tts[tt as usize];
        if t.state != TtState::Unpopulated {
            return self.ret(Ok(()));
        }
        let (n, flags, cstate) = (t.num_pages, t.page_flags, t.caching);
        for i in 0..n {
            if self
                .get_pages(Slots::Tt { tt, index: i }, 1, flags, cstate)
                .is_err()
            {
                self.pool_unpopulate_after_failure(tt, None);
                return self.ret(Err(Errno::Enomem));
            }
            let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] else {
                self.pool_unpopulate_after_failure(tt, None);
                return self.ret(Err(Errno::Enomem));
            };
            if self.mem_global_alloc_page(pfn).is_err() {
                self.pool_unpopulate_after_failure(tt, Some(i));
                return self.ret(Err(Errno::Enomem));
            }
        }
        if self.state.tts[tt as usize].swapped() {
            if let Err(e) = self.tt_swapin(tt) {
                self.pool_unpopulate(tt);
                return self.ret(Err(e));
            }
        }
        self.set(Var::TtState(tt), TtState::Unbound as u64);
        self.ret(Ok(()))
    }

    /// The unpopulate run by a failing populate. `uncharged` is the slot whose charge failed:
    /// 3.3 uncharges it anyway (defect D1); the fixed variant (later `ttm_pool_unpopulate_helper`)
    /// uncharges only the pages charged before it.
    fn pool_unpopulate_after_failure(&mut self, tt: u32, uncharged: Option<u32>) {
        self.pool_unpopulate_inner(tt, uncharged);
    }

    /// `ttm_pool_unpopulate` (spec 3.12): uncharge and put back every page, one at a time.
    pub(crate) fn pool_unpopulate(&mut self, tt: u32) {
        self.pool_unpopulate_inner(tt, None);
    }

    fn pool_unpopulate_inner(&mut self, tt: u32, uncharged: Option<u32>) {
        self.enter(Func::PoolUnpopulate, &[tt as u64]);
        let n = self.state.tts[tt as usize].num_pages;
        for i in 0..n {
            let t = &self.state.tts[tt as usize];
            let Some(pfn) = t.pages[i as usize] else {
                continue;
            };
            let (flags, cstate) = (t.page_flags, t.caching);
            if uncharged == Some(i) {
                if self.faithful() {
                    self.finding(Finding::D1OverUncharge { pfn });
                    self.mem_global_free_page(pfn);
                }
            } else {
                self.mem_global_free_page(pfn);
            }
            self.put_pages(Slots::Tt { tt, index: i }, 1, flags, cstate);
        }
        self.set(Var::TtState(tt), TtState::Unpopulated as u64);
        self.exit(0);
    }

    /// `ttm_page_alloc_debugfs` (spec 3.11), byte for byte, for the current state.
    pub fn page_alloc_debugfs(&self) -> String {
        page_alloc_debugfs(&self.state)
    }
}

/// `ttm_page_alloc_debugfs` (spec 3.11), byte for byte, for any state (e.g. a stepper position).
pub fn page_alloc_debugfs(st: &crate::state::State) -> String {
    if !st.pool_manager_up {
        return "No pool allocator running.\n".to_string();
    }
    let mut s = format!(
        "{:>6} {:>12} {:>13} {:>8}\n",
        "pool", "refills", "pages freed", "size"
    );
    for p in &st.pools {
        s.push_str(&format!(
            "{:>6} {:>12} {:>13} {:>8}\n",
            p.name, p.nrefills, p.nfrees, p.npages as u32 as i32
        ));
    }
    s
}

/// Pseudocode of the functions this module models (spec 3; see [`crate::code`]).
#[rustfmt::skip]
pub(crate) const CODE: &[crate::code::Listing] = {
    use crate::code::k::*;
    use crate::code::l;
    &[
        (F::PoolPopulate, &[
            l("if already populated: done", &[], &[]),
            l("for each slot: get one page of the tt's caching", &[F::GetPages], &[]),
            l("charge the page to the accounting zones", &[F::MemGlobalAllocPage], &[]),
            l("if it failed: unpopulate what was done, -ENOMEM", &[F::PoolUnpopulate], &[]),
            l("if swapped out: copy the contents back in", &[F::TtSwapin], &[]),
            l("state: unbound", &[], &[Set(V::TtState)]),
        ]),
        (F::PoolUnpopulate, &[
            l("for each page: uncharge it", &[F::MemGlobalFreePage], &[]),
            l("and hand it back to its pool", &[F::PutPages], &[]),
            l("state: unpopulated", &[], &[Set(V::TtState)]),
        ]),
        (F::GetPages, &[
            l("pick the pool from the caching and DMA32 flag", &[], &[]),
            l("if the pages are cached: no pool, take pages straight from the system", &[], &[mv(System, Tt), mv(System, Local), Content]),
            l("take the pages from the pool (refilling it first if it is too empty for a small request)", &[F::PagePoolGetPages], &[]),
            l("if the pool had too few: allocate the rest with the pool's caching", &[F::AllocNewPages], &[]),
            l("copy the new pages into the caller's array", &[], &[mv(Local, Tt), mv(Local, Leaked)]),
            l("if that failed: put back everything obtained, -ENOMEM", &[F::PutPages], &[]),
        ]),
        (F::PutPages, &[
            l("pick the pool from the caching and DMA32 flag", &[], &[]),
            l("if the pages are cached: free each page straight to the system", &[], &[mv(Tt, System), mv(Local, System)]),
            l("otherwise: append each page at the pool's tail", &[], &[mv(Tt, Pool), mv(Local, Pool), Count(C::PoolNpages)]),
            l("if the pool is above max_size: free the excess (at least one batch)", &[F::PagePoolFree], &[]),
        ]),
        (F::PagePoolGetPages, &[
            l("refill the pool if needed", &[F::PagePoolFillLocked], &[]),
            l("count out count pages, or all it holds if that is not more", &[], &[Count(C::PoolNpages)]),
            l("move them from the head into the caller's array (zeroed for ZERO_ALLOC)", &[], &[mv(Pool, Tt), mv(Pool, Local), mv(Pool, Leaked), Content]),
            l("return how many pages are still missing", &[], &[]),
        ]),
        (F::PagePoolFillLocked, &[
            l("if someone else is refilling: leave it", &[], &[]),
            l("if the pool is too empty for a small request: refill", &[], &[Set(V::PoolFillLock)]),
            l("allocate alloc_size new pages with the pool's caching", &[F::AllocNewPages], &[]),
            l("splice them in at the pool's head", &[], &[mv(Local, Pool)]),
            l("count the refill and the new pages (after a failure: D3's count)", &[], &[Count(C::PoolNrefills), Count(C::PoolNpages)]),
            l("done refilling", &[], &[Set(V::PoolFillLock)]),
        ]),
        (F::AllocNewPages, &[
            l("for each page: allocate one from the system onto the list", &[], &[mv(System, Local), Content]),
            l("if none is left: stop with -ENOMEM (the batch so far gets its caching)", &[], &[]),
            l("set the caching of each full batch of lowmem pages, then of the rest", &[F::SetPagesArrayWc, F::SetPagesArrayUc], &[]),
            l("if setting the caching failed: free that batch, -ENOMEM", &[], &[mv(Local, System), mv(Local, Local)]),
        ]),
        (F::SetPagesArrayWc, &[
            l("change each page's kernel mapping to write-combined", &[], &[Attr]),
            l("if it failed: -ENOMEM, nothing changed", &[], &[]),
        ]),
        (F::SetPagesArrayUc, &[
            l("change each page's kernel mapping to uncached", &[], &[Attr]),
            l("if it failed: -ENOMEM, nothing changed", &[], &[]),
        ]),
        (F::SetPagesArrayWb, &[
            l("change each page's kernel mapping back to write-back", &[], &[Attr]),
            l("(before a page may go back to the system)", &[], &[]),
        ]),
        (F::PagePoolFree, &[
            l("work in batches of NUM_PAGES_TO_ALLOC", &[], &[]),
            l("move up to a batch from the pool's tail onto a private array", &[], &[mv(Pool, Local)]),
            l("count them out of the pool", &[], &[Count(C::PoolNpages), Count(C::PoolNfrees)]),
            l("set the batch back to write-back", &[F::SetPagesArrayWb], &[]),
            l("free the batch to the system", &[], &[mv(Local, System)]),
            l("if a full batch went and more is to be freed: go round again", &[], &[]),
            l("return how many of the requested pages were not freed", &[], &[]),
        ]),
        (F::PoolMmShrink, &[
            l("advance the static start pool", &[], &[Count(C::ShrinkStart)]),
            l("free from each pool in turn until nr_to_scan pages are freed", &[F::PagePoolFree], &[]),
            l("return the pages left in all pools", &[], &[]),
        ]),
        (F::PageAllocInit, &[
            l("allocate the pool manager, zeroed", &[], &[Count(C::PoolNpages), Count(C::PoolNrefills), Count(C::PoolNfrees)]),
            l("max_size = half the kernel zone's limit, small = 16, alloc_size = one batch", &[], &[Set(V::PoolOpt)]),
            l("register the shrinker: the manager is up", &[], &[Set(V::PoolManagerUp)]),
        ]),
        (F::PageAllocFini, &[
            l("unregister the shrinker", &[], &[]),
            l("empty every pool", &[F::PagePoolFree], &[]),
            l("free the manager", &[], &[Set(V::PoolManagerUp)]),
        ]),
    ]
};
