//! Memory accounting: `drivers/gpu/drm/ttm/ttm_memory.c` (spec 5).
//!
//! Zones are charged per page or per object; a charge that would exceed a limit first triggers up to
//! four synchronous shrinks; crossing `swap_limit` queues the background "ttm_swap" work item.

use crate::config::Arch;
use crate::consts::{PAGE_SIZE, PFN_4G, TTM_MEMORY_ALLOC_RETRIES};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::{FaultKind, Sim};
use crate::state::{Ctr, Var};

impl Sim {
    /// The zones a page is charged to (spec 5.3). On x86-64 with a dma32 zone, a page whose pfn is
    /// strictly above 0x100000 is charged to the kernel zone only; pfn 0x100000 itself counts as
    /// below 4 GiB (defect D10, kept in both fidelity modes: the spec records no later fix,
    /// UNCONFIRMED). On HIGHMEM a highmem page with a highmem zone is charged to that zone only.
    pub fn page_charge_scope(&self, pfn: u64) -> ChargeScope {
        let zones = self.state.zones.len();
        match self.cfg.arch {
            Arch::X86_64 if zones > 1 && pfn > PFN_4G => ChargeScope::One(0),
            Arch::X86_32Highmem if zones > 1 && self.is_highmem(pfn) => ChargeScope::One(1),
            _ => ChargeScope::All,
        }
    }

    /// `ttm_mem_global_alloc_page` (spec 5.3): charge one page, no_wait = false.
    pub(crate) fn mem_global_alloc_page(&mut self, pfn: u64) -> KResult {
        self.enter(Func::MemGlobalAllocPage, &[pfn]);
        let scope = self.page_charge_scope(pfn);
        let r = self.mem_global_alloc_zone(scope, PAGE_SIZE, false);
        self.ret(r)
    }

    /// `ttm_mem_global_free_page` (spec 5.3): uncharge one page from the same zones (no clamping).
    pub(crate) fn mem_global_free_page(&mut self, pfn: u64) {
        self.enter(Func::MemGlobalFreePage, &[pfn]);
        let scope = self.page_charge_scope(pfn);
        self.mem_global_free_zone(scope, PAGE_SIZE);
        self.exit(0);
    }

    /// `ttm_mem_global_alloc` (spec 5.3): charge `bytes` to all zones.
    pub(crate) fn mem_global_alloc(&mut self, bytes: u64, no_wait: bool) -> KResult {
        self.enter(Func::MemGlobalAlloc, &[bytes]);
        let r = self.mem_global_alloc_zone(ChargeScope::All, bytes, no_wait);
        self.ret(r)
    }

    /// `ttm_mem_global_free` (spec 5.3): uncharge `bytes` from all zones.
    pub(crate) fn mem_global_free(&mut self, bytes: u64) {
        self.enter(Func::MemGlobalFree, &[bytes]);
        self.mem_global_free_zone(ChargeScope::All, bytes);
        self.exit(0);
    }

    fn mem_global_free_zone(&mut self, scope: ChargeScope, amount: u64) {
        self.enter(Func::MemGlobalFreeZone, &[scope.arg(), amount]);
        for z in 0..self.state.zones.len() {
            if scope.has(z) {
                // spec 5.3: plain subtraction; a u64 underflow wraps (the kernel does not clamp).
                self.count(Ctr::ZoneUsed(z as u8), (amount as i64).wrapping_neg());
            }
        }
        self.exit(0);
    }

    /// `ttm_mem_global_alloc_zone` (spec 5.4): up to 5 reserve attempts with 4 synchronous shrinks.
    fn mem_global_alloc_zone(&mut self, scope: ChargeScope, memory: u64, no_wait: bool) -> KResult {
        self.enter(Func::MemGlobalAllocZone, &[scope.arg(), memory]);
        let mut count = TTM_MEMORY_ALLOC_RETRIES;
        let r = loop {
            if self.mem_global_reserve(scope, memory).is_ok() {
                break Ok(());
            }
            if no_wait {
                break Err(Errno::Enomem);
            }
            // spec 5.4: post-decrement test — fails when count was already 0.
            if count == 0 {
                break Err(Errno::Enomem);
            }
            count -= 1;
            self.shrink(false, memory + memory / 4 + 16);
        };
        self.ret(r)
    }

    /// `ttm_mem_global_reserve` (spec 5.4): the limit is checked *before* adding, so a zone at or
    /// below its limit accepts the charge even if it ends above; the swap check always runs.
    fn mem_global_reserve(&mut self, scope: ChargeScope, amount: u64) -> KResult {
        self.enter(Func::MemGlobalReserve, &[scope.arg(), amount]);
        let mut r = Ok(());
        if self.inject(FaultKind::Reserve) {
            r = Err(Errno::Enomem);
        } else {
            for z in self
                .state
                .zones
                .iter()
                .enumerate()
                .filter(|(i, _)| scope.has(*i))
            {
                let limit = if self.cfg.root {
                    z.1.emer_mem
                } else {
                    z.1.max_mem
                };
                if z.1.used_mem > limit {
                    r = Err(Errno::Enomem);
                    break;
                }
            }
            if r.is_ok() {
                for z in 0..self.state.zones.len() {
                    if scope.has(z) {
                        self.count(Ctr::ZoneUsed(z as u8), amount as i64);
                    }
                }
            }
        }
        self.check_swapping();
        self.ret(r)
    }

    /// `ttm_check_swapping` (spec 5.5): queue the "ttm_swap" work when any zone is above swap_limit.
    pub(crate) fn check_swapping(&mut self) {
        self.enter(Func::CheckSwapping, &[]);
        if self.state.zones.iter().any(|z| z.used_mem > z.swap_limit) {
            // Queuing an already queued work item is a no-op.
            self.set(Var::SwapWorkQueued, 1);
        }
        self.exit(0);
    }

    /// `ttm_zones_above_swap_target` (spec 5.6). `extra` only matters when it exceeds the target,
    /// which then becomes 0; it is never subtracted (observation O2).
    fn zones_above_swap_target(&self, from_wq: bool, extra: u64) -> bool {
        self.state.zones.iter().any(|z| {
            let mut target = if from_wq {
                z.swap_limit
            } else if self.cfg.root {
                z.emer_mem
            } else {
                z.max_mem
            };
            if extra > target {
                target = 0;
            }
            z.used_mem > target
        })
    }

    /// `ttm_shrink` (spec 5.6): call the registered shrink callback (`ttm_bo_swapout`) while a zone
    /// is above its target; a non-zero return stops the loop.
    pub(crate) fn shrink(&mut self, from_wq: bool, extra: u64) {
        self.enter(Func::Shrink, &[from_wq as u64, extra]);
        while self.zones_above_swap_target(from_wq, extra) {
            if self.bo_swapout().is_err() {
                break;
            }
        }
        self.exit(0);
    }

    /// `ttm_shrink_work` (spec 5.5): the queued background work runs `ttm_shrink(from_wq = true, 0)`.
    pub(crate) fn shrink_work(&mut self) {
        self.enter(Func::ShrinkWork, &[]);
        self.set(Var::SwapWorkQueued, 0);
        self.shrink(true, 0);
        self.exit(0);
    }
}

/// Which zones a charge applies to (spec 5.3, 5.4): all of them (`single_zone == NULL`) or one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ChargeScope {
    /// All zones.
    All,
    /// Only this zone index.
    One(u8),
}

impl ChargeScope {
    /// Trace encoding of the `single_zone` argument: 0 = NULL, else zone index + 1.
    fn arg(self) -> u64 {
        match self {
            ChargeScope::All => 0,
            ChargeScope::One(z) => z as u64 + 1,
        }
    }

    /// True when zone `z` is charged.
    pub fn has(self, z: usize) -> bool {
        match self {
            ChargeScope::All => true,
            ChargeScope::One(o) => o as usize == z,
        }
    }
}

/// `ttm_round_pot` (spec 5.7, W22): powers of two unchanged; above a page, page-aligned; else the
/// smallest power of two ≥ `size`, starting from 4.
pub fn round_pot(size: u64) -> u64 {
    if size & size.wrapping_sub(1) == 0 {
        size
    } else if size > PAGE_SIZE {
        size.div_ceil(PAGE_SIZE) * PAGE_SIZE
    } else {
        let mut t = 4;
        while t < size {
            t <<= 1;
        }
        t
    }
}

/// Platform struct sizes `ttm_bo_acc_size` depends on (spec 5.7: model parameters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AccSizes {
    /// sizeof the driver's buffer-object struct.
    pub bo_struct: u64,
    /// sizeof(struct ttm_tt).
    pub tt_struct: u64,
    /// sizeof(struct ttm_dma_tt).
    pub dma_tt_struct: u64,
    /// sizeof(void *) (8 on 64-bit).
    pub pointer: u64,
    /// sizeof(dma_addr_t).
    pub dma_addr: u64,
}

/// `ttm_bo_acc_size` / `ttm_bo_dma_acc_size` (spec 5.7): the bytes a buffer object of `bo_size`
/// bytes charges for its metadata.
pub fn bo_acc_size(bo_size: u64, s: &AccSizes, dma: bool) -> u64 {
    let align = |x: u64| x.div_ceil(PAGE_SIZE) * PAGE_SIZE;
    let npages = align(bo_size) / PAGE_SIZE;
    let mut size = round_pot(s.bo_struct) + align(npages * s.pointer);
    if dma {
        size += align(npages * s.dma_addr) + round_pot(s.dma_tt_struct);
    } else {
        size += round_pot(s.tt_struct);
    }
    size
}

/// Pseudocode of the functions this module models (spec 5; see [`crate::code`]).
#[rustfmt::skip]
pub(crate) const CODE: &[crate::code::Listing] = {
    use crate::code::k::*;
    use crate::code::l;
    &[
        (F::MemGlobalAllocPage, &[
            l("which zones: above 4 GiB only the kernel zone, else all", &[], &[]),
            l("charge one page there (may swap BOs out)", &[F::MemGlobalAllocZone], &[]),
        ]),
        (F::MemGlobalFreePage, &[
            l("which zones: above 4 GiB only the kernel zone, else all", &[], &[]),
            l("uncharge one page there", &[F::MemGlobalFreeZone], &[]),
        ]),
        (F::MemGlobalAlloc, &[
            l("charge an object's size to every zone (may swap BOs out)", &[F::MemGlobalAllocZone], &[]),
        ]),
        (F::MemGlobalFree, &[
            l("uncharge an object's size from every zone", &[F::MemGlobalFreeZone], &[]),
        ]),
        (F::MemGlobalAllocZone, &[
            l("try to reserve the amount", &[F::MemGlobalReserve], &[]),
            l("if refused with no_wait: -ENOMEM", &[], &[]),
            l("if still refused after four retries: -ENOMEM", &[], &[]),
            l("otherwise: swap BOs out to make room, and retry", &[F::Shrink], &[]),
        ]),
        (F::MemGlobalReserve, &[
            l("if any zone concerned already above its limit (emer_mem for root): refuse", &[], &[]),
            l("otherwise: add the amount to every zone concerned", &[], &[Count(C::ZoneUsed)]),
            l("queue background swapping if a zone passed swap_limit", &[F::CheckSwapping], &[]),
        ]),
        (F::MemGlobalFreeZone, &[
            l("subtract the amount from every zone concerned (no clamping)", &[], &[Count(C::ZoneUsed)]),
            l("(nothing else: freeing never wakes the swapper)", &[], &[]),
        ]),
        (F::CheckSwapping, &[
            l("if any zone above swap_limit: queue the ttm_swap work", &[], &[Set(V::SwapWorkQueued)]),
            l("(queuing it again is a no-op)", &[], &[]),
        ]),
        (F::Shrink, &[
            l("target: swap_limit from the work item, else the zone limit", &[], &[]),
            l("while a zone is above its target: swap one BO out", &[F::BoSwapout], &[]),
            l("if nothing left to swap out: stop", &[], &[]),
        ]),
        (F::ShrinkWork, &[
            l("the queued ttm_swap work runs", &[], &[Set(V::SwapWorkQueued)]),
            l("shrink down to swap_limit", &[F::Shrink], &[]),
        ]),
    ]
};
