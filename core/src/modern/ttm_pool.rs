//! drivers/gpu/drm/ttm/ttm_pool.c of Linux 6.12 (mspec 4): pool types per (caching, order), the
//! order walk of `ttm_pool_alloc` with `caching_divide`, give/take as stacks, the trim to
//! `page_pool_size`, the shrinker's global rotation and the debugfs text.

use super::{tt_flags, MCtr, MDelta, MAX_PAGE_ORDER};
use crate::code::{k::*, l, Listing};
use crate::consts::{Attr, Caching};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::{FaultKind, Gfp, Sim};
use crate::state::{Loc, CONTENT_ZERO};

/// Pseudocode of the pool functions (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (F::MPoolMgrInit, &[
        l("if the page_pool_size parameter is 0, make it num_pages (half of RAM)", &[], &[Modern(MK::Set(MV::Param))]),
        l("put the 44 global pool types on the shrinker list: per order wc, uc, wc32, uc32", &[], &[Modern(MK::Shrinker(true))]),
        l("register the \"drm-ttm_pool\" shrinker", &[], &[]),
    ]),
    (F::MPoolInit, &[
        l("remember the device, its NUMA node, use_dma_alloc and use_dma32", &[], &[]),
        l("DMA alloc: 33 device types (uc, wc, cached x 11 orders) onto the shrinker list", &[], &[Modern(MK::Shrinker(true))]),
        l("a NUMA node: the 22 device wc/uc types; otherwise none (global types serve)", &[], &[]),
    ]),
    (F::MPoolAlloc, &[
        l("order = the largest order that fits the page count, at most 10", &[], &[]),
        l("pool first: take a block of this caching and order from its type, if any", &[F::MPoolTypeTake], &[]),
        l("before it, apply the tt's caching to the fresh pages gathered so far", &[F::MPoolApplyCaching], &[]),
        l("append the block's pages; take more blocks while they fit", &[F::MPoolTypeTake], &[mv(Pool, Tt)]),
        l("then fresh blocks of this order while they fit", &[F::MPoolAllocPage], &[]),
        l("a fresh block failed: try the next lower order; at order 0 fail with -ENOMEM", &[], &[]),
        l("next order = the smaller of this one and the largest that fits what remains", &[], &[]),
        l("at the end apply the caching to the last run of fresh pages", &[F::MPoolApplyCaching], &[]),
        l("on error free a pending block, then pages before caching_divide with the tt's caching", &[F::MPoolTypeGive, F::MPoolFreePage], &[]),
        l("and the pages after it as cached (they were never converted)", &[F::MPoolTypeGive, F::MPoolFreePage], &[]),
    ]),
    (F::MPoolAllocPage, &[
        l("ask the page allocator for one block of 2^order pages (fails fast above order 0)", &[], &[mv(System, Tt), Content]),
        l("store the order in the head page's private field", &[], &[Modern(MK::Private)]),
    ]),
    (F::MPoolApplyCaching, &[
        l("nothing for cached tts or an empty run of pages", &[], &[]),
        l("write-combined: one batched set_pages_array_wc over the run", &[F::SetPagesArrayWc], &[]),
        l("uncached: one batched set_pages_array_uc over the run", &[F::SetPagesArrayUc], &[]),
    ]),
    (F::MPoolFree, &[
        l("walk the tt block by block, reading each block's order from its head page", &[], &[]),
        l("a pool type for this caching and order: give the block to it", &[F::MPoolTypeGive], &[]),
        l("none: free the block to the system", &[F::MPoolFreePage], &[]),
        l("trim: while the pools hold more than page_pool_size, shrink one block", &[F::MPoolShrink], &[]),
    ]),
    (F::MPoolTypeGive, &[
        l("clear every page of the block", &[], &[Content]),
        l("push the block on the head of the type's list (a stack)", &[], &[mv(Tt, Pool)]),
        l("allocated_pages += 2^order", &[], &[Modern(MK::Count(MC::PoolAllocated))]),
    ]),
    (F::MPoolTypeTake, &[
        l("pop the block at the head of the type's list, if any", &[], &[mv(Pool, Tt)]),
        l("allocated_pages -= 2^order", &[], &[Modern(MK::Count(MC::PoolAllocated))]),
    ]),
    (F::MPoolFreePage, &[
        l("write-combined or uncached pages get write-back back first", &[F::SetPagesArrayWb], &[]),
        l("return the block to the page allocator", &[], &[mv(Tt, System), mv(Pool, System), Modern(MK::Private)]),
    ]),
    (F::MPoolShrink, &[
        l("take the head of the shrinker list and move it to the tail", &[], &[Modern(MK::Shrinker(false)), Modern(MK::Shrinker(true))]),
        l("take one block from that type; if there is one free it and return 2^order", &[F::MPoolTypeTake, F::MPoolFreePage], &[]),
        l("else return 0", &[], &[]),
    ]),
    (F::MPoolShrinkerCount, &[
        l("return allocated_pages, or SHRINK_EMPTY when the pools are empty", &[], &[]),
    ]),
    (F::MPoolShrinkerScan, &[
        l("shrink until one call frees a block or the pools are empty (nr_to_scan unused)", &[F::MPoolShrink], &[]),
        l("return the pages freed", &[], &[]),
    ]),
];

/// floor(log2(n)) for n > 0.
pub(crate) fn fls(n: u64) -> u8 {
    (63 - n.leading_zeros()) as u8
}

impl Sim {
    /// `ttm_pool_select_type` (mspec 4.1): the pool type a block of this caching and order goes
    /// to, or none (never pooled).
    pub fn pool_select_type(&self, caching: Caching, order: u8) -> Option<u16> {
        let m = self.m();
        let o = order as u16;
        if m.use_dma_alloc {
            let c = match caching {
                Caching::Uncached => 0,
                Caching::Wc => 1,
                Caching::Cached => 2,
            };
            return Some(44 + c * 11 + o);
        }
        match (caching, m.numa_node, m.use_dma32) {
            (Caching::Cached, _, _) => None,
            (Caching::Uncached, true, _) => Some(44 + o),
            (Caching::Wc, true, _) => Some(44 + 11 + o),
            (Caching::Wc, false, false) => Some(o * 4),
            (Caching::Uncached, false, false) => Some(o * 4 + 1),
            (Caching::Wc, false, true) => Some(o * 4 + 2),
            (Caching::Uncached, false, true) => Some(o * 4 + 3),
        }
    }

    /// `ttm_pool_alloc` (mspec 4.4): fill the tt's page array block by block.
    pub(crate) fn mpool_alloc(&mut self, tt: u32) -> KResult {
        self.enter(Func::MPoolAlloc, &[tt as u64]);
        let t = &self.state.tts[tt as usize];
        let (n, caching) = (t.num_pages as u64, t.caching);
        let zero = t.page_flags & tt_flags::ZERO_ALLOC != 0;
        let mut remaining = n;
        let mut cur = 0u64;
        let mut divide = 0u64;
        let mut order = MAX_PAGE_ORDER.min(fls(n));
        while remaining > 0 {
            let size = 1u64 << order;
            if let Some(pt) = self.pool_select_type(caching, order) {
                if !self.m().pool_types[pt as usize].pages.is_empty() {
                    // mspec 4.4.1: the pending run of fresh pages gets its caching before a
                    // pool block (which already has it) is appended.
                    if let Err(e) = self.mpool_apply_caching(tt, divide, cur) {
                        return self.mpool_alloc_error(tt, divide, cur, e);
                    }
                    loop {
                        self.mpool_type_take(pt, Some((tt, cur)));
                        cur += size;
                        remaining -= size;
                        divide = cur;
                        if remaining < size || self.m().pool_types[pt as usize].pages.is_empty() {
                            break;
                        }
                    }
                }
            }
            let mut failed = false;
            while remaining >= size {
                if self.mpool_alloc_page(tt, cur, order, zero) {
                    cur += size;
                    remaining -= size;
                } else {
                    failed = true;
                    break;
                }
            }
            if failed {
                if order > 0 {
                    order -= 1;
                    continue;
                }
                return self.mpool_alloc_error(tt, divide, cur, Errno::Enomem);
            }
            if remaining > 0 {
                order = order.min(fls(remaining));
            }
        }
        if let Err(e) = self.mpool_apply_caching(tt, divide, n) {
            return self.mpool_alloc_error(tt, divide, cur, e);
        }
        self.ret(Ok(()))
    }

    /// mspec 4.4.2: free [0, divide) with the tt's caching and [divide, end) as cached.
    fn mpool_alloc_error(&mut self, tt: u32, divide: u64, end: u64, e: Errno) -> KResult {
        let caching = self.state.tts[tt as usize].caching;
        self.mpool_free_range(tt, caching, 0, divide);
        self.mpool_free_range(tt, Caching::Cached, divide, end);
        self.ret(Err(e))
    }

    /// One fresh block of `order` into slots `at..` of the tt (`ttm_pool_alloc_page`, mspec 4.3).
    fn mpool_alloc_page(&mut self, tt: u32, at: u64, order: u8, zero: bool) -> bool {
        self.enter(Func::MPoolAllocPage, &[order as u64]);
        let size = 1u64 << order;
        let dma32 = self.m().use_dma32;
        let free: u64 = if dma32 {
            self.state.phys.zones[0].free_pages()
        } else {
            self.state.phys.free_pages()
        };
        if self.inject(FaultKind::BlockAlloc) || free < size {
            self.exit(Errno::Enomem.code());
            return false;
        }
        let gfp = Gfp {
            highmem: !dma32,
            dma32,
            zero,
        };
        let mut head = None;
        for i in 0..size {
            let to = Loc::Tt {
                tt,
                slot: (at + i) as u32,
            };
            let pfn = self.alloc_page(gfp, to);
            debug_assert!(pfn.is_some(), "free pages were counted");
            head = head.or(pfn);
        }
        if let (Some(pfn), true) = (head, order > 0) {
            let old = self.m().private.get(&pfn).copied().unwrap_or(0);
            self.md(MDelta::Private {
                pfn,
                old,
                new: order,
            });
        }
        self.exit(0);
        true
    }

    /// `ttm_pool_apply_caching` (mspec 4.4.1): one batched attribute change over slots
    /// `first..end` (none for cached tts or an empty run).
    fn mpool_apply_caching(&mut self, tt: u32, first: u64, end: u64) -> KResult {
        let caching = self.state.tts[tt as usize].caching;
        if end <= first || caching == Caching::Cached {
            return Ok(());
        }
        self.enter(Func::MPoolApplyCaching, &[first, end - first]);
        let (f, attr) = match caching {
            Caching::Wc => (Func::SetPagesArrayWc, Attr::Wc),
            _ => (Func::SetPagesArrayUc, Attr::Uc),
        };
        self.enter(f, &[end - first]);
        if self.inject(FaultKind::SetCaching) {
            self.exit(Errno::Enomem.code());
            return self.ret(Err(Errno::Enomem));
        }
        for s in first..end {
            if let Some(pfn) = self.state.tts[tt as usize].pages[s as usize] {
                self.set_attr(pfn, attr);
            }
        }
        self.exit(0);
        self.ret(Ok(()))
    }

    /// `ttm_pool_type_take` (mspec 4.9): pop the head block of `pt` into tt slots (or, with
    /// `None`, return it to the caller for the shrinker). Returns the block's pfns.
    fn mpool_type_take(&mut self, pt: u16, into: Option<(u32, u64)>) -> Vec<u64> {
        self.enter(Func::MPoolTypeTake, &[pt as u64]);
        let order = self.m().pool_types[pt as usize].order;
        let size = 1u64 << order;
        let block: Vec<u64> = self.m().pool_types[pt as usize]
            .pages
            .iter()
            .take(size as usize)
            .copied()
            .collect();
        if let Some((tt, at)) = into {
            for (i, &pfn) in block.iter().enumerate() {
                self.d(crate::state::Delta::PageMove {
                    pfn,
                    from: Loc::MPool { pt },
                    to: Loc::Tt {
                        tt,
                        slot: (at + i as u64) as u32,
                    },
                });
            }
        }
        self.mcount(MCtr::PoolAllocated, -(block.len() as i64));
        self.exit(block.len() as i64);
        block
    }

    /// `ttm_pool_free` (mspec 4.5): every block back to its pool type or the system, then trim.
    pub(crate) fn mpool_free(&mut self, tt: u32) {
        self.enter(Func::MPoolFree, &[tt as u64]);
        let t = &self.state.tts[tt as usize];
        let (n, caching) = (t.num_pages as u64, t.caching);
        self.mpool_free_range(tt, caching, 0, n);
        while self.m().pool_allocated > self.m().page_pool_size {
            self.mpool_shrink();
        }
        self.exit(0);
    }

    /// `ttm_pool_free_range`: the blocks in slots `first..end`, freed as `caching`.
    fn mpool_free_range(&mut self, tt: u32, caching: Caching, first: u64, end: u64) {
        let mut s = first;
        while s < end {
            let Some(head) = self.state.tts[tt as usize].pages[s as usize] else {
                s += 1;
                continue;
            };
            let order = self.m().private.get(&head).copied().unwrap_or(0);
            let size = 1u64 << order;
            let pfns: Vec<(u64, Loc)> = (s..(s + size).min(end))
                .filter_map(|i| {
                    self.state.tts[tt as usize].pages[i as usize]
                        .map(|p| (p, Loc::Tt { tt, slot: i as u32 }))
                })
                .collect();
            match self.pool_select_type(caching, order) {
                Some(pt) => self.mpool_type_give(pt, &pfns),
                None => self.mpool_free_page(caching, order, &pfns),
            }
            s += size;
        }
    }

    /// `ttm_pool_type_give` (mspec 4.5 step 2): clear the pages, push the block on the head.
    fn mpool_type_give(&mut self, pt: u16, pfns: &[(u64, Loc)]) {
        self.enter(Func::MPoolTypeGive, &[pt as u64]);
        for &(pfn, _) in pfns {
            self.set_content(pfn, CONTENT_ZERO);
        }
        // Pushing the last page first leaves the block in slot order at the head (mspec 4.9).
        for &(pfn, from) in pfns.iter().rev() {
            self.d(crate::state::Delta::PageMove {
                pfn,
                from,
                to: Loc::MPool { pt },
            });
        }
        self.mcount(MCtr::PoolAllocated, pfns.len() as i64);
        self.exit(0);
    }

    /// `ttm_pool_free_page`: WC/UC pages get write-back first; the block goes to the system.
    fn mpool_free_page(&mut self, caching: Caching, order: u8, pfns: &[(u64, Loc)]) {
        self.enter(Func::MPoolFreePage, &[order as u64, caching as u64]);
        if caching != Caching::Cached {
            self.enter(Func::SetPagesArrayWb, &[pfns.len() as u64]);
            for &(pfn, _) in pfns {
                self.set_attr(pfn, Attr::Wb);
            }
            self.exit(0);
        }
        if let Some(&(head, _)) = pfns.first() {
            if let Some(&old) = self.m().private.get(&head) {
                self.md(MDelta::Private {
                    pfn: head,
                    old,
                    new: 0,
                });
            }
        }
        for &(pfn, from) in pfns {
            self.free_page(pfn, from);
        }
        self.exit(0);
    }

    /// `ttm_pool_shrink` (mspec 4.7): rotate the shrinker list by one and free one block of the
    /// type that was at its head. Returns the pages freed.
    pub(crate) fn mpool_shrink(&mut self) -> u64 {
        self.enter(Func::MPoolShrink, &[]);
        let Some(&pt) = self.m().shrinker.front() else {
            self.exit(0);
            return 0;
        };
        let last = self.m().shrinker.len() as u32 - 1;
        self.md(MDelta::Shrinker {
            pt,
            pos: 0,
            insert: false,
        });
        self.md(MDelta::Shrinker {
            pt,
            pos: last,
            insert: true,
        });
        let ty = &self.m().pool_types[pt as usize];
        let (order, caching) = (ty.order, ty.caching);
        if ty.pages.is_empty() {
            self.exit(0);
            return 0;
        }
        let block = self.mpool_type_take(pt, None);
        let pfns: Vec<(u64, Loc)> = block.iter().map(|&p| (p, Loc::MPool { pt })).collect();
        self.mpool_free_page(caching, order, &pfns);
        let freed = pfns.len() as u64;
        self.exit(freed as i64);
        freed
    }

    /// The shrinker's count (mspec 4.7): `allocated_pages`, or `None` for SHRINK_EMPTY.
    pub(crate) fn mpool_shrinker_count(&mut self) -> Option<u64> {
        self.enter(Func::MPoolShrinkerCount, &[]);
        let n = self.m().pool_allocated;
        self.exit(n as i64);
        (n > 0).then_some(n)
    }

    /// The shrinker's scan (mspec 4.7): shrink until one call frees a block or the pools are
    /// empty; `nr_to_scan` plays no role. Returns the pages freed.
    pub(crate) fn mpool_shrinker_scan(&mut self, nr_to_scan: u64) -> u64 {
        self.enter(Func::MPoolShrinkerScan, &[nr_to_scan]);
        // A do-while: at least one shrink call, even on empty pools (M8 scan #4).
        let mut freed = self.mpool_shrink();
        while freed == 0 && self.m().pool_allocated > 0 {
            freed = self.mpool_shrink();
        }
        self.exit(freed as i64);
        freed
    }
}
