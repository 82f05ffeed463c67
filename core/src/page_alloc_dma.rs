//! The DMA-aware page pool: `drivers/gpu/drm/ttm/ttm_page_alloc_dma.c` (spec 4, E3 only).
//!
//! Pools are per device and per type (WC / UC / cached, each optionally DMA32), refilled by `small`
//! (4) pages whenever fewer are free, and — in 3.4 — freeing on every unpopulate as many pages as
//! were returned (defect D7).

use crate::consts::{page_flags, Caching, TtState};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::{Gfp, Sim};
use crate::state::{dma_type, Ctr, Delta, End, Loc, Var};
use crate::trace::Finding;

/// `ttm_to_type` (spec 4.2): the pool type of a tt's flags and caching.
pub fn dma_pool_type(flags: u32, cstate: Caching) -> u8 {
    let base = match cstate {
        Caching::Wc => dma_type::IS_WC,
        Caching::Uncached => dma_type::IS_UC,
        Caching::Cached => dma_type::IS_CACHED,
    };
    if flags & page_flags::DMA32 != 0 {
        base | dma_type::IS_DMA32
    } else {
        base
    }
}

impl Sim {
    fn dma_find_pool(&self, ptype: u8) -> Option<u16> {
        self.state
            .dma_pools
            .iter()
            .position(|p| p.ptype == ptype)
            .map(|i| i as u16)
    }

    /// `ttm_dma_pool_init`: create the device's pool of this type; its gfp flags (and whether fresh
    /// pages are zeroed) are fixed by the first tt that needs it (spec 4.2).
    fn dma_pool_init(&mut self, ptype: u8, zero: bool) -> u16 {
        self.enter(Func::DmaPoolInit, &[ptype as u64]);
        let id = self.state.dma_pools.len() as u16;
        self.d(Delta::DmaPoolNew { id, ptype, zero });
        self.exit(0);
        id
    }

    /// `ttm_dma_populate` (spec 4.3).
    pub(crate) fn dma_populate(&mut self, tt: u32) -> KResult {
        self.enter(Func::DmaPopulate, &[tt as u64]);
        let t = &self.state.tts[tt as usize];
        if t.state != TtState::Unpopulated {
            return self.ret(Ok(()));
        }
        let (n, flags) = (t.num_pages, t.page_flags);
        let ptype = dma_pool_type(flags, t.caching);
        let pool = match self.dma_find_pool(ptype) {
            Some(p) => p,
            None => self.dma_pool_init(ptype, flags & page_flags::ZERO_ALLOC != 0),
        };
        for i in 0..n {
            if self.dma_pool_get_pages(pool, tt, i).is_err() {
                self.dma_unpopulate_inner(tt, None);
                return self.ret(Err(Errno::Enomem));
            }
            let pfn = self.state.tts[tt as usize].pages[i as usize].unwrap_or_default();
            if self.mem_global_alloc_page(pfn).is_err() {
                // Same over-uncharge as D1 in 3.4; fixed mode uncharges only charged pages.
                self.dma_unpopulate_inner(tt, Some(i));
                return self.ret(Err(Errno::Enomem));
            }
        }
        if self.state.tts[tt as usize].swapped() {
            if let Err(e) = self.tt_swapin(tt) {
                self.dma_unpopulate(tt);
                return self.ret(Err(e));
            }
        }
        self.set(Var::TtState(tt), TtState::Unbound as u64);
        self.ret(Ok(()))
    }

    /// `ttm_dma_pool_get_pages` (spec 4.3 a): refill check, then take the head of the free list
    /// into slot `index` (the tail of the tt's pages_list).
    fn dma_pool_get_pages(&mut self, pool: u16, tt: u32, index: u32) -> KResult {
        self.enter(
            Func::DmaPoolGetPages,
            &[pool as u64, tt as u64, index as u64],
        );
        self.dma_page_pool_fill_locked(pool);
        let Some(&pfn) = self.state.dma_pools[pool as usize].free.front() else {
            return self.ret(Err(Errno::Enomem));
        };
        self.d(Delta::PageMove {
            pfn,
            from: Loc::Dma {
                pool,
                end: End::Head,
            },
            to: Loc::Tt { tt, slot: index },
        });
        self.count(Ctr::DmaInUse(pool), 1);
        self.count(Ctr::DmaFree(pool), -1);
        self.ret(Ok(()))
    }

    /// `ttm_dma_page_pool_fill_locked` (spec 4.3): if fewer than `small` pages are free, allocate
    /// `small` more (not alloc_size). Success: spliced at the head; failure: the pages obtained are
    /// added at the tail and counted correctly.
    fn dma_page_pool_fill_locked(&mut self, pool: u16) {
        self.enter(Func::DmaPagePoolFillLocked, &[pool as u64]);
        let small = self.state.dma_opts.small;
        if small > self.state.dma_pools[pool as usize].npages_free {
            // The new pages go on this call's own list (`d_pages`) first.
            let d_pages = self.local_open();
            let r = self.dma_pool_alloc_new_pages(pool, d_pages, small);
            let got = self.local(d_pages).len() as i64;
            if r.is_ok() {
                while let Some(&pfn) = self.local(d_pages).back() {
                    self.d(Delta::PageMove {
                        pfn,
                        from: Loc::Local {
                            list: d_pages,
                            end: End::Tail,
                        },
                        to: Loc::Dma {
                            pool,
                            end: End::Head,
                        },
                    });
                }
                self.count(Ctr::DmaNrefills(pool), 1);
                self.count(Ctr::DmaFree(pool), small as i64);
            } else {
                while let Some(&pfn) = self.local(d_pages).front() {
                    self.d(Delta::PageMove {
                        pfn,
                        from: Loc::Local {
                            list: d_pages,
                            end: End::Head,
                        },
                        to: Loc::Dma {
                            pool,
                            end: End::Tail,
                        },
                    });
                }
                self.count(Ctr::DmaFree(pool), got);
            }
            self.local_close(d_pages);
        }
        let free = self.state.dma_pools[pool as usize].npages_free;
        self.exit(free as i64);
    }

    /// `ttm_dma_pool_alloc_new_pages`: `count` coherent page allocations onto the caller's private
    /// list `list`, in allocation order, with the pool's caching set in batches (like spec 3.6). Coherent memory is
    /// always lowmem, so DMA pool pages are never highmem (the model's reading; UNCONFIRMED detail).
    fn dma_pool_alloc_new_pages(&mut self, pool: u16, list: u8, count: u64) -> KResult {
        self.enter(Func::DmaPoolAllocNewPages, &[pool as u64, count]);
        let p = &self.state.dma_pools[pool as usize];
        let dma32 = p.ptype & dma_type::IS_DMA32 != 0;
        let gfp = Gfp {
            highmem: false,
            dma32,
            zero: p.zero,
        };
        let cstate = if p.ptype & dma_type::IS_WC != 0 {
            Caching::Wc
        } else if p.ptype & dma_type::IS_UC != 0 {
            Caching::Uncached
        } else {
            Caching::Cached
        };
        let max_cpages = count.min(self.cfg.arch.num_pages_to_alloc() as u64) as usize;
        let mut batch = Vec::new();
        let mut r = Ok(());
        for _ in 0..count {
            let Some(pfn) = self.alloc_page(
                gfp,
                Loc::Local {
                    list,
                    end: End::Tail,
                },
            ) else {
                r = Err(Errno::Enomem);
                break;
            };
            batch.push(pfn);
            if batch.len() == max_cpages {
                if let Err(e) = self.set_pages_caching(&batch, cstate) {
                    self.dma_free_local_batch(list, &batch);
                    return self.ret(Err(e));
                }
                batch.clear();
            }
        }
        // The pending partial batch (also after an allocation failure) gets its caching set.
        if !batch.is_empty() {
            if let Err(e) = self.set_pages_caching(&batch, cstate) {
                self.dma_free_local_batch(list, &batch);
                r = Err(e);
            }
        }
        self.ret(r)
    }

    /// Free the pages of private list `list` whose caching could not be set (they are the list's
    /// tail).
    fn dma_free_local_batch(&mut self, list: u8, batch: &[u64]) {
        for _ in batch {
            if let Some(&pfn) = self.local(list).back() {
                self.free_page(
                    pfn,
                    Loc::Local {
                        list,
                        end: End::Tail,
                    },
                );
            }
        }
    }

    /// `ttm_dma_unpopulate` (spec 4.4).
    pub(crate) fn dma_unpopulate(&mut self, tt: u32) {
        self.dma_unpopulate_inner(tt, None);
    }

    fn dma_unpopulate_inner(&mut self, tt: u32, uncharged: Option<u32>) {
        self.enter(Func::DmaUnpopulate, &[tt as u64]);
        let t = &self.state.tts[tt as usize];
        let ptype = dma_pool_type(t.page_flags, t.caching);
        let Some(pool) = self.dma_find_pool(ptype) else {
            if !self.faithful() {
                self.dma_unpopulate_unpooled(tt, uncharged);
                self.exit(0);
                return;
            }
            // No pool of this type: return without even changing the state (spec 4.4 step 1).
            if t.pages_present() > 0 {
                self.finding(Finding::DmaUnpopulateNoPool { tt });
            }
            self.exit(0);
            return;
        };
        let is_cached = ptype & dma_type::IS_CACHED != 0;
        let slots: Vec<(u32, u64)> = t
            .pages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (i as u32, p)))
            .collect();
        let count = slots.len() as u64;
        self.count(Ctr::DmaInUse(pool), -(count as i64));
        let mut to_free = 0;
        if is_cached {
            self.count(Ctr::DmaNfrees(pool), count as i64);
        } else {
            self.count(Ctr::DmaFree(pool), count as i64);
            // The tt's pages_list (slot order) is spliced at the head of the free list.
            for &(slot, pfn) in slots.iter().rev() {
                self.d(Delta::PageMove {
                    pfn,
                    from: Loc::Tt { tt, slot },
                    to: Loc::Dma {
                        pool,
                        end: End::Head,
                    },
                });
            }
            let free = self.state.dma_pools[pool as usize].npages_free;
            let max = self.state.dma_opts.max_size;
            let npta = self.cfg.arch.num_pages_to_alloc() as u64;
            to_free = if self.faithful() {
                // D7: 3.4 frees as many as were returned even below max_size.
                if free > max {
                    (free - max).max(npta)
                } else {
                    count
                }
            } else if free >= max + npta {
                free - max
            } else {
                0
            };
        }
        for &(slot, pfn) in &slots {
            if uncharged == Some(slot) {
                if self.faithful() {
                    self.finding(Finding::D1OverUncharge { pfn });
                    self.mem_global_free_page(pfn);
                }
            } else {
                self.mem_global_free_page(pfn);
            }
            if is_cached {
                // Cached pages are never kept: coherent free at once.
                self.free_page(pfn, Loc::Tt { tt, slot });
            }
        }
        if to_free > 0 {
            let free = self.state.dma_pools[pool as usize].npages_free;
            if self.faithful() && free <= self.state.dma_opts.max_size {
                self.finding(Finding::D7DmaFreedReturns {
                    pool,
                    count: to_free,
                });
            }
            self.dma_page_pool_free(pool, to_free);
        }
        self.set(Var::TtState(tt), TtState::Unpopulated as u64);
        self.exit(0);
    }

    /// Fixed mode's answer to a tt whose caching changed after populate, so that no DMA pool of
    /// its current type exists (3.4 returns and leaves the pages allocated, charged and the tt
    /// populated: `DmaUnpopulateNoPool`, which later kernels kept). The model's fix (no kernel
    /// is known to have done exactly this; UNCONFIRMED): treat the pages as a cached pool
    /// treats its own: uncharge each, set the batch back to write-back if needed and free it to
    /// the system, then mark the tt unpopulated. The `npages_in_use` of the pool the pages came
    /// from is left as it was, because neither the kernel nor the model records which pool that
    /// was.
    fn dma_unpopulate_unpooled(&mut self, tt: u32, uncharged: Option<u32>) {
        let t = &self.state.tts[tt as usize];
        let caching = t.caching;
        let slots: Vec<(u32, u64)> = t
            .pages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (i as u32, p)))
            .collect();
        for &(slot, pfn) in &slots {
            if uncharged != Some(slot) {
                self.mem_global_free_page(pfn);
            }
        }
        if caching != Caching::Cached && !slots.is_empty() {
            self.enter(Func::SetPagesArrayWb, &[slots.len() as u64]);
            for &(_, pfn) in &slots {
                self.set_attr(pfn, crate::consts::Attr::Wb);
            }
            self.exit(0);
        }
        for &(slot, pfn) in &slots {
            self.free_page(pfn, Loc::Tt { tt, slot });
        }
        self.set(Var::TtState(tt), TtState::Unpopulated as u64);
    }

    /// `ttm_dma_page_pool_free` (spec 4.4, mirrors 3.8): batches of up to NUM_PAGES_TO_ALLOC from
    /// the tail; returns what could not be freed.
    pub(crate) fn dma_page_pool_free(&mut self, pool: u16, mut nr_free: u64) -> u64 {
        self.enter(Func::DmaPagePoolFree, &[pool as u64, nr_free]);
        let batch_max = self.cfg.arch.num_pages_to_alloc() as u64;
        let free_all = nr_free == crate::consts::FREE_ALL_PAGES as u64;
        let cached = self.state.dma_pools[pool as usize].ptype & dma_type::IS_CACHED != 0;
        let mut to_free = nr_free.min(batch_max);
        // The batch being freed is this call's own array.
        let pages_to_free = self.local_open();
        loop {
            let n = to_free.min(self.state.dma_pools[pool as usize].free.len() as u64);
            if n == 0 {
                break;
            }
            let mut batch = Vec::with_capacity(n as usize);
            for _ in 0..n {
                let pfn = *self.state.dma_pools[pool as usize]
                    .free
                    .back()
                    .unwrap_or(&0);
                self.d(Delta::PageMove {
                    pfn,
                    from: Loc::Dma {
                        pool,
                        end: End::Tail,
                    },
                    to: Loc::Local {
                        list: pages_to_free,
                        end: End::Tail,
                    },
                });
                batch.push(pfn);
            }
            self.count(Ctr::DmaFree(pool), -(n as i64));
            self.count(Ctr::DmaNfrees(pool), n as i64);
            if !cached {
                self.enter(Func::SetPagesArrayWb, &[n]);
                for &p in &batch {
                    self.set_attr(p, crate::consts::Attr::Wb);
                }
                self.exit(0);
            }
            for _ in &batch {
                if let Some(&pfn) = self.local(pages_to_free).front() {
                    self.free_page(
                        pfn,
                        Loc::Local {
                            list: pages_to_free,
                            end: End::Head,
                        },
                    );
                }
            }
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

    /// `ttm_dma_pool_mm_shrink` (spec 4.5): walk the pools newest first, skipping while a running
    /// 1-based index is below `++counter % npools` (no wrap-around); returns the free pages left.
    pub(crate) fn dma_pool_mm_shrink(&mut self, nr_to_scan: u64) -> u64 {
        self.enter(Func::DmaPoolMmShrink, &[nr_to_scan]);
        let npools = self.state.dma_pools.len() as u64;
        if npools == 0 {
            self.exit(0);
            return 0;
        }
        self.count(Ctr::DmaShrinkStart, 1);
        let offset = self.state.dma_shrink_start % npools;
        let mut shrink_pages = nr_to_scan;
        let mut idx = 0u64;
        for pool in (0..npools as u16).rev() {
            if shrink_pages == 0 {
                break;
            }
            idx += 1;
            if idx < offset {
                continue;
            }
            shrink_pages = self.dma_page_pool_free(pool, shrink_pages);
        }
        let total: u64 = self.state.dma_pools.iter().map(|p| p.npages_free).sum();
        self.exit(total as i64);
        total
    }

    /// `ttm_dma_page_alloc_debugfs` (spec 4.6), byte for byte, for the current state.
    pub fn dma_page_alloc_debugfs(&self) -> String {
        dma_page_alloc_debugfs(&self.state)
    }
}

/// `ttm_dma_page_alloc_debugfs` (spec 4.6), byte for byte, for any state.
pub fn dma_page_alloc_debugfs(st: &crate::state::State) -> String {
    let mut s = format!(
        "{:>13} {:>12} {:>13} {:>8} {:>8} {:>8}\n",
        "pool", "refills", "pages freed", "inuse", "available", "name"
    );
    for p in st.dma_pools.iter().rev() {
        s.push_str(&format!(
            "{:>13} {:>12} {:>13} {:>8} {:>8} {:>8}\n",
            p.name,
            p.nrefills,
            p.nfrees,
            p.npages_in_use as u32 as i32,
            p.npages_free as u32 as i32,
            p.dev_name
        ));
    }
    s
}

/// Pseudocode of the functions this module models (spec 4; see [`crate::code`]).
#[rustfmt::skip]
pub(crate) const CODE: &[crate::code::Listing] = {
    use crate::code::k::*;
    use crate::code::l;
    &[
        (F::DmaPopulate, &[
            l("if already populated: done", &[], &[]),
            l("find the device's pool for this caching and DMA32 flag, or create it", &[F::DmaPoolInit], &[]),
            l("for each slot: take one page from that pool", &[F::DmaPoolGetPages], &[]),
            l("charge the page to the accounting zones", &[F::MemGlobalAllocPage], &[]),
            l("if it failed: unpopulate what was done, -ENOMEM", &[F::DmaUnpopulate], &[]),
            l("if swapped out: copy the contents back in", &[F::TtSwapin], &[]),
            l("state: unbound", &[], &[Set(V::TtState)]),
        ]),
        (F::DmaPoolInit, &[
            l("allocate a pool for this type, named after its caching", &[], &[DmaPoolNew]),
            l("fresh pages of it are zeroed if the first user asked for ZERO_ALLOC", &[], &[]),
            l("add it to the device's list of pools", &[], &[]),
        ]),
        (F::DmaPoolGetPages, &[
            l("refill the free list if it is too short", &[F::DmaPagePoolFillLocked], &[]),
            l("if still empty: -ENOMEM", &[], &[]),
            l("move the first free page into the tt slot", &[], &[mv(Dma, Tt)]),
            l("one more page in use, one fewer free", &[], &[Count(C::DmaInUse), Count(C::DmaFree)]),
        ]),
        (F::DmaPagePoolFillLocked, &[
            l("if fewer than small_allocation pages are free: refill", &[], &[]),
            l("allocate small_allocation new coherent pages", &[F::DmaPoolAllocNewPages], &[]),
            l("if all of them came: put them at the head of the free list", &[], &[mv(Local, Dma), Count(C::DmaNrefills), Count(C::DmaFree)]),
            l("if some failed: keep the ones that came, at the tail", &[], &[mv(Local, Dma), Count(C::DmaFree)]),
            l("return how many pages are free", &[], &[]),
        ]),
        (F::DmaPoolAllocNewPages, &[
            l("for each page: allocate a DMA-coherent page onto the list", &[], &[mv(System, Local), Content]),
            l("set the caching of each full batch, then of the rest", &[F::SetPagesArrayWc, F::SetPagesArrayUc], &[]),
            l("if setting the caching failed: free that batch, -ENOMEM", &[], &[mv(Local, System)]),
        ]),
        (F::DmaUnpopulate, &[
            l("find the pool of the tt's current caching; none: return (pages stay)", &[], &[]),
            l("no longer in use", &[], &[Count(C::DmaInUse)]),
            l("if the pool is cached: count them as freed", &[], &[Count(C::DmaNfrees)]),
            l("otherwise: put every page back at the head of the free list", &[], &[Count(C::DmaFree), mv(Tt, Dma)]),
            l("for each page: uncharge it (a cached page goes to the system)", &[F::MemGlobalFreePage], &[mv(Tt, System)]),
            l("if fixed mode without a pool: restore write-back and free them", &[F::SetPagesArrayWb], &[]),
            l("if over the limit (3.4: always): free some from the pool", &[F::DmaPagePoolFree], &[]),
            l("state: unpopulated", &[], &[Set(V::TtState)]),
        ]),
        (F::DmaPagePoolFree, &[
            l("work in batches of NUM_PAGES_TO_ALLOC", &[], &[]),
            l("move up to a batch from the free list's tail onto a private array", &[], &[mv(Dma, Local)]),
            l("count them out of the pool", &[], &[Count(C::DmaFree), Count(C::DmaNfrees)]),
            l("if not cached: set the batch back to write-back", &[F::SetPagesArrayWb], &[]),
            l("free the batch to the system", &[], &[mv(Local, System)]),
            l("return how many of the requested pages were not freed", &[], &[]),
        ]),
        (F::DmaPoolMmShrink, &[
            l("if no pools: nothing to do", &[], &[]),
            l("advance the static start counter", &[], &[Count(C::DmaShrinkStart)]),
            l("free from each pool in turn until nr_to_scan pages are freed", &[F::DmaPagePoolFree], &[]),
            l("return the pages left in all pools", &[], &[]),
        ]),
    ]
};
