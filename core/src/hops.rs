//! Page travel along the path the kernel took: the ordered hops between two positions of a trace
//! (what the stage animates).
//!
//! * **Pages** move between places with `Delta::PageMove`. A kernel call's private list
//!   (`Loc::Local`) is transit, not a place: a page's way through one is a single hop from where
//!   it came to where it lands. A pool refill is therefore two hops (spec 3.5, 3.6: the batch is
//!   allocated onto a private list and spliced into the pool; spec 3.4: each page taken goes
//!   through the get's list into the tt): system → pool, then pool → tt. A page that comes back
//!   to the place it left makes no hop.
//! * **Contents** move without their pages: `ttm_tt_swapout` copies each present page into the
//!   swap file (spec 2.8 step 2) before the unpopulate frees the pages (step 3; a swapped tt is
//!   cached, so they go straight to the system), and `ttm_tt_swapin` copies each swap page into
//!   the tt (spec 2.9 step 2). One unit of contents is one successful `shmem_read_mapping_page`
//!   whose copy then happens (a zero page copied onto a zero page changes no state, but the
//!   kernel still copied it: W23).
//! * **Buffer objects** move between memory types (spec 6.6, 6.7): every change of `mem.mem_type`
//!   is a hop, so a move through a temporary GTT range (radeon's VRAM → SYSTEM via GTT, spec 7.2)
//!   shows both legs. The ghost a pipelined move creates (spec 6.7, `ttm_buffer_object_transfer`)
//!   takes over the old memory without moving anything, so its memory type does not hop.
//!
//! Consecutive moves of the same route (and kind) merge into one hop: populating a tt one page at
//! a time from a pool (spec 3.12) is one hop of N pages.

use crate::bo_state::BoField;
use crate::func::Func;
use crate::recording::Recording;
use crate::state::{Delta, Loc, Var};
use crate::trace::Event;
use serde::Serialize;
use std::collections::HashMap;

/// A place on the stage: where pages, contents or a buffer object can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Place {
    /// System memory (never used since boot, or freed back to the kernel).
    System,
    /// A normal pool (index 0..3: wc, uc, wc dma, uc dma; spec 3.1).
    Pool(u8),
    /// A DMA pool (id in creation order; spec 4.2).
    DmaPool(u16),
    /// A tt's page array (id).
    Tt(u32),
    /// Lost by a kernel defect.
    Leaked,
    /// A shmem swap file TTM created for a swap-out ("ttm swap", spec 2.8), by id.
    SwapFile(u32),
    /// Persistent swap storage handed to `ttm_tt_swapout` by a buffer-object owner (spec 2.8;
    /// TTM never releases it), by swap file id.
    PersistentSwap(u32),
    /// A memory type of a device (`TTM_PL_SYSTEM`, `TTM_PL_TT`, `TTM_PL_VRAM`, private types;
    /// spec 1.4): where a buffer object's memory is. The number is the manager index
    /// [`crate::bo_state::man_index`]: the memory type on device 0, `8 × device + type` on the
    /// others (each device has its own managers, spec 6.1).
    Memory(u8),
    /// Linux 6.12: a pool type of `ttm_pool` (one caching and order, mspec 4.1), by index.
    ModernPool(u16),
}

impl Place {
    /// The place of a page location; None for a private list (transit).
    pub fn of(l: Loc) -> Option<Place> {
        Some(match l {
            Loc::Fresh | Loc::Free => Place::System,
            Loc::Pool { pool, .. } => Place::Pool(pool),
            Loc::Dma { pool, .. } => Place::DmaPool(pool),
            Loc::Tt { tt, .. } => Place::Tt(tt),
            Loc::Leaked => Place::Leaked,
            Loc::Local { .. } => return None,
            Loc::MPool { pt } => Place::ModernPool(pt),
        })
    }
}

/// What a hop carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum What {
    /// Physical pages (their pfns are in [`Hop::pfns`]).
    Pages,
    /// Page contents copied without the pages (swap-out, swap-in).
    Contents,
    /// A buffer object (id) changing memory type.
    Bo(u32),
}

/// One leg of travel: `count` units went from `from` to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// Pages or contents moved; for a buffer object, its size in pages.
    pub count: u64,
    /// Where they were.
    pub from: Place,
    /// Where they went.
    pub to: Place,
    /// What moved.
    pub what: What,
    /// Event index of the first move of the hop (never after `last_event`, in both directions).
    pub first_event: u64,
    /// Event index of the last move of the hop.
    pub last_event: u64,
    /// [`What::Pages`]: the pages, in the order they moved (reversed for a backward hop); empty
    /// otherwise.
    pub pfns: Vec<u64>,
    /// Per unit, in the same order: for pages, the tt slot when either end is a tt (the
    /// destination's when both are); for contents, the page index (the tt slot and the swap
    /// file page are the same index); empty for a buffer object.
    pub slots: Vec<Option<u32>>,
}

/// A content copy that has started (its shmem page was obtained) but is known to have happened
/// only once the swap call goes on without failing.
struct Pending {
    from: Place,
    to: Place,
    slot: u32,
    /// Stack depth of the swap call (its frame is `stack[depth - 1]`).
    depth: usize,
}

/// The scan of one forward window.
struct Scan<'a> {
    sim: &'a crate::sim::Sim,
    lo: u64,
    hops: Vec<Hop>,
    /// Where each page on a private list came from, and its tt slot there.
    origin: HashMap<u64, (Place, Option<u32>)>,
    stack: Vec<(Func, Vec<u64>)>,
    pending: Option<Pending>,
}

impl Scan<'_> {
    fn land(
        &mut self,
        i: u64,
        from: Place,
        to: Place,
        what: What,
        pfn: Option<u64>,
        slot: Option<u32>,
    ) {
        if i < self.lo || from == to {
            return;
        }
        let units = match what {
            What::Bo(bo) => self
                .sim
                .state()
                .bos
                .get(bo as usize)
                .map_or(0, |b| u64::from(b.num_pages)),
            _ => 1,
        };
        if let Some(h) = self.hops.last_mut() {
            if h.from == from && h.to == to && h.what == what && !matches!(what, What::Bo(_)) {
                h.count += units;
                h.last_event = i;
                h.pfns.extend(pfn);
                h.slots.push(slot);
                return;
            }
        }
        self.hops.push(Hop {
            count: units,
            from,
            to,
            what,
            first_event: i,
            last_event: i,
            pfns: pfn.into_iter().collect(),
            slots: if matches!(what, What::Bo(_)) {
                Vec::new()
            } else {
                vec![slot]
            },
        });
    }

    fn swap_place(&self, file: u32) -> Place {
        // Objects are never removed from the state, so the final state knows every file.
        if self
            .sim
            .state()
            .swap_files
            .get(file as usize)
            .is_some_and(|f| f.persistent)
        {
            Place::PersistentSwap(file)
        } else {
            Place::SwapFile(file)
        }
    }

    /// Decide a pending copy on the next event `e` (at index `i`): a failing return of the swap
    /// call (or of the page allocation an E0/E1 swap-in makes for it, spec 2.9) means the copy
    /// never happened; anything else after it means it did.
    fn settle(&mut self, i: u64, e: &Event) {
        let Some(p) = &self.pending else { return };
        let failed = matches!(e, Event::Exit { ret } if *ret < 0);
        let in_get_page = if self.stack.len() > p.depth {
            self.stack[p.depth].0 == Func::TtGetPageInner
        } else {
            matches!(
                e,
                Event::Enter {
                    func: Func::TtGetPageInner,
                    ..
                }
            )
        };
        if in_get_page {
            if failed && self.stack.len() == p.depth + 1 {
                self.pending = None;
            }
            return;
        }
        let p = self.pending.take().expect("checked above");
        if !(failed && self.stack.len() == p.depth) {
            self.land(i - 1, p.from, p.to, What::Contents, None, Some(p.slot));
        }
    }

    fn event(&mut self, i: u64, e: Event) {
        self.settle(i, &e);
        match e {
            Event::Enter { func, args } => self.stack.push((func, args)),
            Event::Exit { ret } => {
                let Some((func, args)) = self.stack.pop() else {
                    return;
                };
                if func != Func::ShmemReadMappingPage || ret < 0 {
                    return;
                }
                let (file, idx) = (args[0] as u32, args[1] as u32);
                let swap = self.swap_place(file);
                self.pending = match self.stack.last() {
                    Some((Func::TtSwapout, a)) => Some(Pending {
                        from: Place::Tt(a[0] as u32),
                        to: swap,
                        slot: idx,
                        depth: self.stack.len(),
                    }),
                    Some((Func::TtSwapin, a)) => Some(Pending {
                        from: swap,
                        to: Place::Tt(a[0] as u32),
                        slot: idx,
                        depth: self.stack.len(),
                    }),
                    _ => None,
                };
            }
            Event::Delta(Delta::PageMove { pfn, from, to }) => {
                let slot = |l: Loc| match l {
                    Loc::Tt { slot, .. } => Some(slot),
                    _ => None,
                };
                let src = match Place::of(from) {
                    Some(p) => Some((p, slot(from))),
                    None => self.origin.remove(&pfn),
                };
                match (src, Place::of(to)) {
                    (Some(src), None) => {
                        self.origin.insert(pfn, src);
                    }
                    (Some((a, sa)), Some(b)) => {
                        let s = if matches!(b, Place::Tt(_)) {
                            slot(to)
                        } else {
                            sa
                        };
                        self.land(i, a, b, What::Pages, Some(pfn), s);
                    }
                    // A page already on a private list when the scan began (not at an action
                    // start): its origin is unknown, so it makes no hop.
                    (None, _) => {}
                }
            }
            Event::Delta(Delta::Set {
                var: Var::Bo(bo, BoField::MemType),
                old,
                new,
            }) => {
                let ghost = matches!(self.stack.last(), Some((Func::BufferObjectTransfer, _)));
                if !ghost {
                    // Objects are never removed from the state: the final state knows the BO's
                    // device.
                    let dev = self
                        .sim
                        .state()
                        .bos
                        .get(bo as usize)
                        .map_or(0, |b| b.device);
                    let man = |t: u64| crate::bo_state::man_index(dev, t as u8) as u8;
                    self.land(
                        i,
                        Place::Memory(man(old)),
                        Place::Memory(man(new)),
                        What::Bo(bo),
                        None,
                        None,
                    );
                }
            }
            _ => {}
        }
    }
}

/// The hops between positions `from` and `to` of `rec`'s trace (see the module documentation).
/// Backward (`to < from`): the hops of the forward window, last first, each turned around.
pub(crate) fn between(rec: &Recording, from: u64, to: u64) -> Vec<Hop> {
    let lo = from.min(to);
    let marks = rec.marks();
    let start = marks
        .partition_point(|&m| m <= lo)
        .checked_sub(1)
        .map_or(0, |k| marks[k]);
    scan(rec.sim(), start.max(lo.saturating_sub(WINDOW)), from, to)
}

/// How far before a window the scan may start. From the start of the window's action, no call
/// is open and no page is in transit, so every hop is known; a window deep inside a huge action
/// (a 262,144-page populate is 4.4 M events) starts at most this far back instead, so a step
/// there stays cheap. A page already on a private list there then makes no hop, and a swap copy
/// whose shmem lookup came before is not seen (only ever at the edge of such a window).
pub const WINDOW: u64 = 4096;

/// The hops between two positions of `sim`'s trace without a [`Recording`] (narration): the
/// scan starts [`WINDOW`] events before the span.
pub fn around(sim: &crate::sim::Sim, from: u64, to: u64) -> Vec<Hop> {
    scan(sim, from.min(to).saturating_sub(WINDOW), from, to)
}

fn scan(sim: &crate::sim::Sim, start: u64, from: u64, to: u64) -> Vec<Hop> {
    let len = sim.trace().len();
    let (lo, hi) = (from.min(to).min(len), from.max(to).min(len));
    let start = start.min(lo);
    let mut scan = Scan {
        sim,
        lo,
        hops: Vec::new(),
        origin: HashMap::new(),
        stack: Vec::new(),
        pending: None,
    };
    for (k, e) in sim
        .trace()
        .events_from(start)
        .take((hi - start) as usize)
        .enumerate()
    {
        scan.event(start + k as u64, e);
    }
    // A copy still pending at `hi` has not happened by that position.
    let mut hops = scan.hops;
    if to < from {
        hops.reverse();
        for h in &mut hops {
            std::mem::swap(&mut h.from, &mut h.to);
            h.pfns.reverse();
            h.slots.reverse();
        }
    }
    hops
}
