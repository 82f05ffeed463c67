//! The trace: every traced call's entry and exit, every state change, every finding, in order.
//!
//! Events are stored as a compact byte stream (LEB128 varints), so a populate of a 1 GiB tt costs a
//! few tens of bytes per page. Every [`CHECKPOINT_EVERY`] events the byte offset is remembered, so
//! any event can be decoded without scanning the whole stream.

use crate::func::Func;
use crate::state::TtBackend;
use crate::state::{Ctr, Delta, End, Loc, OptField, Var, ZoneField};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// How often the byte offset of an event is remembered.
pub const CHECKPOINT_EVERY: u64 = 256;

/// A kernel defect or invariant violation the model observed (spec 9, 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Finding {
    /// D1: populate failed on a page that was never charged, and unpopulate uncharged it anyway.
    D1OverUncharge {
        /// The page that was uncharged without having been charged.
        pfn: u64,
    },
    /// D3: a failed refill counted the wrong list; `npages` disagrees with the pool list.
    D3RefillMiscount {
        /// Pool index.
        pool: u8,
        /// `npages` after the refill.
        npages: u64,
        /// Real list length.
        listed: u64,
    },
    /// D3 consequence: ttm_get_pages wrote more pages than requested, over slot `slot` of tt `tt`,
    /// whose previous page was leaked.
    D3SlotOverwritten {
        /// Tt id.
        tt: u32,
        /// Slot.
        slot: u32,
    },
    /// D3 consequence: ttm_get_pages wrote past the end of `pages[]` (the page is leaked).
    D3ArrayOverrun {
        /// Tt id.
        tt: u32,
        /// Index written.
        index: u64,
    },
    /// D7: the DMA pool freed as many pages as were just returned although it was below max_size.
    D7DmaFreedReturns {
        /// DMA pool id.
        pool: u16,
        /// Pages freed.
        count: u64,
    },
    /// D8: a swapped-out tt was swapped out again; the old swap file is leaked with the data.
    D8SwapStorageOverwritten {
        /// Tt id.
        tt: u32,
        /// The leaked swap file.
        file: u32,
    },
    /// A kernel BUG_ON would have fired; the model refused the operation.
    Bug {
        /// Which check.
        what: BugKind,
        /// Tt id (or 0).
        tt: u32,
    },
    /// Invariant (spec 11): a zone's used_mem differs from what the charged pages and objects explain.
    AccountingMismatch {
        /// Zone index.
        zone: u8,
        /// `used_mem - expected` (negative: below).
        diff: i64,
    },
    /// Invariant: a pool's npages differs from its list length.
    PoolCountMismatch {
        /// Pool index.
        pool: u8,
        /// npages.
        npages: u64,
        /// list length.
        listed: u64,
    },
    /// Invariant: a page is referenced twice, or not at all (conservation of pages).
    PageConservation {
        /// Pages found in more than one place or missing.
        pfn: u64,
    },
    /// Invariant: pages were lost (leaked) by the kernel.
    PagesLeaked {
        /// Pages on the leaked list.
        count: u64,
    },
    /// Invariant: a tt's state disagrees with its pages (U must mean no pages, N/B all pages).
    TtStateMismatch {
        /// Tt id.
        tt: u32,
    },
    /// Invariant: a page's attribute differs from its owner's caching (tt or pool).
    PageAttrMismatch {
        /// Page.
        pfn: u64,
    },
    /// Invariant: a swap file is no longer referenced but was never released.
    SwapFileLeaked {
        /// Swap file id.
        file: u32,
    },
    /// `ttm_dma_unpopulate` found no DMA pool for the tt's current caching (it changed after
    /// populate and the device never had a pool of the new type) and returned: the pages stay
    /// allocated and charged (spec 4.4 step 1; later kernels keep the same early return).
    DmaUnpopulateNoPool {
        /// Tt id.
        tt: u32,
    },
    /// D4(a): `ttm_bo_move_memcpy` between two I/O regions of a BO without a tt dereferences NULL.
    D4NullTt {
        /// Buffer object.
        bo: u32,
    },
    /// D4(b): `ttm_bo_move_memcpy`'s error path frees the old node the BO still owns.
    D4OldNodeFreed {
        /// Buffer object.
        bo: u32,
    },
    /// D5: `ttm_bo_create` charged acc_size, then `ttm_bo_init` charged it again.
    D5DoubleCharge {
        /// Buffer object id it was created for.
        bo: u32,
        /// Bytes charged twice.
        acc_size: u64,
    },
    /// D9: a DMA-mapping failure at page `index`; the unwind leaves page 0 mapped (or, at index 0,
    /// the unsigned index wraps and the loop runs out of bounds).
    D9DmaUnwind {
        /// Tt id.
        tt: u32,
        /// Failing page.
        index: u32,
    },
    /// O8: `ttm_bo_kmap` accepted a range that runs past the end of the BO.
    O8KmapPastEnd {
        /// Buffer object.
        bo: u32,
        /// start_page.
        start: u32,
        /// num_pages.
        num: u32,
    },
    /// D12: `ttm_tt_init` failed to allocate its page directory and called `ttm_tt_destroy`, whose
    /// backend destroy freed the driver's tt object, which the driver's `ttm_tt_create` then
    /// freed again (double free). With `null_dma_walk`, radeon/nouveau's unpopulate also read the
    /// missing dma_address array.
    D12DoubleFree {
        /// Tt id.
        tt: u32,
        /// The unpopulate walked a NULL dma_address array.
        null_dma_walk: bool,
    },
    /// O4: `ttm_agp_bind` of a tt that kept its AGP memory object from an earlier unbind
    /// allocates a new one and overwrites the pointer: the old object leaks.
    O4AgpMemLeak {
        /// Tt id.
        tt: u32,
    },
    /// Linux 6.12: an invariant of mspec 11.1 does not hold (`inv` = its number, `id` = the
    /// tt, pool type, resource or BO it is about).
    ModernInvariant {
        /// The invariant's number (1 = I1 …).
        inv: u8,
        /// The object concerned.
        id: u32,
    },
    /// Invariant: AGP memory objects are held that nothing will free (consequence of O4).
    AgpMemLeaked {
        /// Tt id.
        tt: u32,
    },
    /// Invariant: a BO's LRU membership or its range disagree with its state (spec 11).
    BoListMismatch {
        /// Buffer object.
        bo: u32,
    },
    /// A range was freed twice (a consequence of D4(b)).
    NodeDoubleFree {
        /// Buffer object.
        bo: u32,
        /// Start page.
        start: u64,
    },
}

/// The kernel BUG_ON checks the model can hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BugKind {
    /// ttm_tt_swapout on a bound tt (spec 2.8).
    SwapoutBound,
    /// ttm_tt_swapout on a tt whose caching is not tt_cached (spec 2.8).
    SwapoutNotCached,
    /// ttm_tt_swapin without swap storage (spec 2.9).
    SwapinNoStorage,
    /// The backend's unbind returned an error (spec 2.6).
    UnbindFailed,
}

impl Finding {
    /// A sentence for people.
    pub fn describe(&self) -> String {
        match *self {
            Finding::D1OverUncharge { pfn } => format!(
                "D1: page {pfn:#x} was never charged but ttm_pool_unpopulate uncharged it: used_mem is now 4096 bytes below the pages charged"
            ),
            Finding::D3RefillMiscount { pool, npages, listed } => format!(
                "D3: the failed refill counted the wrong list: pool {pool} npages {npages} != list length {listed}"
            ),
            Finding::D3SlotOverwritten { tt, slot } => format!(
                "D3: ttm_get_pages handed out more pages than asked; tt {tt} slot {slot} was overwritten and its page leaked"
            ),
            Finding::D3ArrayOverrun { tt, index } => format!(
                "D3: ttm_get_pages wrote past the end of tt {tt}'s pages[] (index {index}); that page is leaked"
            ),
            Finding::D7DmaFreedReturns { pool, count } => format!(
                "D7: DMA pool {pool} freed the {count} pages just returned although it is below max_size"
            ),
            Finding::D8SwapStorageOverwritten { tt, file } => format!(
                "D8: tt {tt} was swapped out again while SWAPPED: swap file {file} with its data is leaked, a later swap-in reads zeros"
            ),
            Finding::Bug { what, tt } => format!(
                "kernel BUG: {} (tt {tt}); the model refused the call",
                match what {
                    BugKind::SwapoutBound => "ttm_tt_swapout on a bound tt",
                    BugKind::SwapoutNotCached => "ttm_tt_swapout on a tt that is not tt_cached",
                    BugKind::SwapinNoStorage => "ttm_tt_swapin without swap storage",
                    BugKind::UnbindFailed => "backend unbind failed",
                }
            ),
            Finding::AccountingMismatch { zone, diff } => {
                if diff < 0 {
                    format!("zone {zone}: used_mem is {} bytes below the pages charged", -diff)
                } else {
                    format!("zone {zone}: used_mem is {diff} bytes above the pages charged")
                }
            }
            Finding::PoolCountMismatch { pool, npages, listed } => {
                format!("pool {pool}: npages {npages} != list length {listed}")
            }
            Finding::PageConservation { pfn } => {
                format!("page {pfn:#x} is not in exactly one place")
            }
            Finding::PagesLeaked { count } => format!("{count} page(s) leaked by the kernel"),
            Finding::TtStateMismatch { tt } => {
                format!("tt {tt}: state disagrees with the pages it holds")
            }
            Finding::PageAttrMismatch { pfn } => {
                format!("page {pfn:#x}: attribute differs from its owner's caching")
            }
            Finding::SwapFileLeaked { file } => {
                format!("swap file {file} is referenced by nobody but was never released")
            }
            Finding::D4NullTt { bo } => format!(
                "D4: ttm_bo_move_memcpy of BO {bo} between two I/O regions dereferences its NULL ttm (kernel oops)"
            ),
            Finding::D4OldNodeFreed { bo } => format!(
                "D4: the memcpy error path freed BO {bo}'s old node although the BO still owns it"
            ),
            Finding::D5DoubleCharge { bo, acc_size } => format!(
                "D5: ttm_bo_create charged BO {bo}'s acc_size ({acc_size} bytes) and ttm_bo_init charged it again; one charge will never be released"
            ),
            Finding::D9DmaUnwind { tt, index } => {
                if index == 0 {
                    format!("D9: DMA mapping of tt {tt} failed at page 0: the unwind's unsigned index wraps and runs out of bounds")
                } else {
                    format!("D9: DMA mapping of tt {tt} failed at page {index}: the unwind unmaps pages {}..1 and leaves page 0 mapped", index - 1)
                }
            }
            Finding::O8KmapPastEnd { bo, start, num } => format!(
                "O8: ttm_bo_kmap(BO {bo}, start {start}, num {num}) passed the checks but runs past the end of the BO"
            ),
            Finding::NodeDoubleFree { bo, start } => {
                format!("BO {bo}: the range at page {start} was freed twice")
            }
            Finding::BoListMismatch { bo } => {
                format!("BO {bo}: LRU membership or range ownership disagrees with its state")
            }
            Finding::AgpMemLeaked { tt } => {
                format!("tt {tt}: AGP memory objects are held that nothing will free")
            }
            Finding::O4AgpMemLeak { tt } => format!(
                "O4: ttm_agp_bind of tt {tt} allocated a new AGP memory object over the one kept since the last unbind; the old one leaks"
            ),
            Finding::D12DoubleFree { tt, null_dma_walk } => format!(
                "D12: ttm_tt_init of tt {tt} failed; ttm_tt_destroy freed the driver's object and ttm_tt_create freed it again{}",
                if null_dma_walk { ", after unpopulate walked the NULL dma_address array" } else { "" }
            ),
            Finding::ModernInvariant { inv, id } => crate::modern::check::describe(inv, id),
            Finding::DmaUnpopulateNoPool { tt } => format!(
                "ttm_dma_unpopulate found no DMA pool for tt {tt}'s current caching and returned: its pages stay allocated and charged"
            ),
        }
    }
}

/// One decoded trace event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Event {
    /// A traced function is entered.
    Enter {
        /// Which.
        func: Func,
        /// Argument values, named by [`Func::arg_names`].
        args: Vec<u64>,
    },
    /// The innermost open function returns.
    Exit {
        /// Return value (0 or a negative errno; counts for functions that return counts).
        ret: i64,
    },
    /// A state change.
    Delta(Delta),
    /// Something went wrong in the kernel (defect, BUG, invariant).
    Finding(Finding),
    /// A user action starts; the label is [`Trace::label`].
    Mark {
        /// Label index.
        label: u32,
    },
}

/// The recorded trace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    bytes: Vec<u8>,
    len: u64,
    checkpoints: Vec<usize>,
    /// The distinct mark labels, in the order they first occur; a mark stores its label's index.
    labels: Vec<Rc<str>>,
    /// Where each label is in `labels`, by the label's hash (a scenario that cycles through a
    /// few actions stores each label once, issue 16).
    #[serde(skip)]
    label_ids: LabelIds,
    regs: Regs,
}

/// [`Trace::labels`]' index: a cache that two equal traces may hold differently (a trace read
/// from JSON starts without one), so it takes no part in comparisons.
#[derive(Clone, Debug, Default)]
struct LabelIds {
    by_hash: HashMap<u64, u32>,
    /// The label of the latest mark.
    latest: u32,
}

impl PartialEq for LabelIds {
    fn eq(&self, _: &LabelIds) -> bool {
        true
    }
}

impl Eq for LabelIds {}

fn label_hash(label: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    label.hash(&mut h);
    h.finish()
}

/// Page frame numbers and slot indices are stored as differences from the previous ones; the
/// registers restart from zero at every checkpoint so decoding can start there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
struct Regs {
    pfn: u64,
    slot: u64,
}

impl Regs {
    fn put_pfn(&mut self, b: &mut Vec<u8>, pfn: u64) {
        put(b, zig(pfn.wrapping_sub(self.pfn) as i64));
        self.pfn = pfn;
    }

    fn put_slot(&mut self, b: &mut Vec<u8>, slot: u64) {
        put(b, zig(slot.wrapping_sub(self.slot) as i64));
        self.slot = slot;
    }
}

/// Enter events store `T_ENTER_BASE + function index` in their tag byte.
const T_ENTER_BASE: u8 = 64;
const T_EXIT: u8 = 1;
const T_FINDING: u8 = 2;
const T_MARK: u8 = 3;
const T_MOVE: u8 = 4;
const T_ATTR: u8 = 5;
const T_CONTENT: u8 = 6;
const T_COUNT: u8 = 7;
const T_SET: u8 = 8;
const T_TTNEW: u8 = 9;
const T_SWAPNEW: u8 = 10;
const T_SWAPWRITE: u8 = 11;
const T_DMANEW: u8 = 12;
const T_EXIT0: u8 = 13;
const T_BONEW: u8 = 14;
const T_LRU: u8 = 15;
const T_NODE: u8 = 16;
const T_MANINIT: u8 = 17;
const T_FENCENEW: u8 = 18;
const T_IOCONTENT: u8 = 19;
/// Linux 6.12 deltas: a sub-tag byte, then varints ([`crate::modern::MDelta::encode`]).
const T_MODERN: u8 = 20;

impl Trace {
    /// Number of events.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes used by the encoded events.
    pub fn encoded_bytes(&self) -> usize {
        self.bytes.len()
    }

    /// The text of a [`Event::Mark`] label.
    pub fn label(&self, i: u32) -> &str {
        self.labels.get(i as usize).map_or("", |l| l)
    }

    /// The label of the latest mark, shared (a step record keeps it without a copy).
    pub fn latest_label(&self) -> Option<&Rc<str>> {
        self.labels.get(self.label_ids.latest as usize)
    }

    fn begin(&mut self, tag: u8) {
        if self.len.is_multiple_of(CHECKPOINT_EVERY) {
            self.checkpoints.push(self.bytes.len());
            self.regs = Regs::default();
        }
        self.len += 1;
        self.bytes.push(tag);
    }

    /// Record a function entry.
    pub fn enter(&mut self, func: Func, args: &[u64]) {
        debug_assert_eq!(args.len(), func.arg_names().len(), "{func:?}");
        self.begin(T_ENTER_BASE + func.index() as u8);
        for (&a, &name) in args.iter().zip(func.arg_names()) {
            match name {
                "pfn" => self.regs.put_pfn(&mut self.bytes, a),
                "index" => self.regs.put_slot(&mut self.bytes, a),
                _ => put(&mut self.bytes, a),
            }
        }
    }

    /// Record a function exit.
    pub fn exit(&mut self, ret: i64) {
        if ret == 0 {
            self.begin(T_EXIT0);
        } else {
            self.begin(T_EXIT);
            put(&mut self.bytes, zig(ret));
        }
    }

    /// Record a user action boundary.
    pub fn mark(&mut self, label: String) {
        let hash = label_hash(&label);
        let i = match self.label_ids.by_hash.get(&hash) {
            Some(&i) if *self.labels[i as usize] == *label => i,
            known => {
                let i = self.labels.len() as u32;
                self.labels.push(Rc::from(label));
                if known.is_none() {
                    self.label_ids.by_hash.insert(hash, i);
                }
                i
            }
        };
        self.label_ids.latest = i;
        self.begin(T_MARK);
        put(&mut self.bytes, u64::from(i));
    }

    /// Record a finding.
    pub fn finding(&mut self, f: &Finding) {
        self.begin(T_FINDING);
        let b = &mut self.bytes;
        match *f {
            Finding::D1OverUncharge { pfn } => {
                b.push(0);
                put(b, pfn);
            }
            Finding::D3RefillMiscount {
                pool,
                npages,
                listed,
            } => {
                b.push(1);
                put(b, pool as u64);
                put(b, npages);
                put(b, listed);
            }
            Finding::D3SlotOverwritten { tt, slot } => {
                b.push(2);
                put(b, tt as u64);
                put(b, slot as u64);
            }
            Finding::D3ArrayOverrun { tt, index } => {
                b.push(3);
                put(b, tt as u64);
                put(b, index);
            }
            Finding::D7DmaFreedReturns { pool, count } => {
                b.push(4);
                put(b, pool as u64);
                put(b, count);
            }
            Finding::D8SwapStorageOverwritten { tt, file } => {
                b.push(5);
                put(b, tt as u64);
                put(b, file as u64);
            }
            Finding::Bug { what, tt } => {
                b.push(6);
                put(b, what as u64);
                put(b, tt as u64);
            }
            Finding::AccountingMismatch { zone, diff } => {
                b.push(7);
                put(b, zone as u64);
                put(b, zig(diff));
            }
            Finding::PoolCountMismatch {
                pool,
                npages,
                listed,
            } => {
                b.push(8);
                put(b, pool as u64);
                put(b, npages);
                put(b, listed);
            }
            Finding::PageConservation { pfn } => {
                b.push(9);
                put(b, pfn);
            }
            Finding::PagesLeaked { count } => {
                b.push(10);
                put(b, count);
            }
            Finding::TtStateMismatch { tt } => {
                b.push(11);
                put(b, tt as u64);
            }
            Finding::PageAttrMismatch { pfn } => {
                b.push(12);
                put(b, pfn);
            }
            Finding::SwapFileLeaked { file } => {
                b.push(13);
                put(b, file as u64);
            }
            Finding::DmaUnpopulateNoPool { tt } => {
                b.push(14);
                put(b, tt as u64);
            }
            Finding::D4NullTt { bo } => {
                b.push(15);
                put(b, bo as u64);
            }
            Finding::D4OldNodeFreed { bo } => {
                b.push(16);
                put(b, bo as u64);
            }
            Finding::D5DoubleCharge { bo, acc_size } => {
                b.push(17);
                put(b, bo as u64);
                put(b, acc_size);
            }
            Finding::D9DmaUnwind { tt, index } => {
                b.push(18);
                put(b, tt as u64);
                put(b, index as u64);
            }
            Finding::O8KmapPastEnd { bo, start, num } => {
                b.push(19);
                put(b, bo as u64);
                put(b, start as u64);
                put(b, num as u64);
            }
            Finding::NodeDoubleFree { bo, start } => {
                b.push(20);
                put(b, bo as u64);
                put(b, start);
            }
            Finding::BoListMismatch { bo } => {
                b.push(21);
                put(b, bo as u64);
            }
            Finding::AgpMemLeaked { tt } => {
                b.push(24);
                put(b, tt as u64);
            }
            Finding::O4AgpMemLeak { tt } => {
                b.push(23);
                put(b, tt as u64);
            }
            Finding::ModernInvariant { inv, id } => {
                b.push(40);
                b.push(inv);
                put(b, id as u64);
            }
            Finding::D12DoubleFree { tt, null_dma_walk } => {
                b.push(22);
                put(b, tt as u64);
                b.push(null_dma_walk as u8);
            }
        }
    }

    /// Record a state change.
    pub fn delta(&mut self, d: &Delta) {
        match *d {
            Delta::PageMove { pfn, from, to } => {
                self.begin(T_MOVE);
                self.regs.put_pfn(&mut self.bytes, pfn);
                put_loc(&mut self.bytes, &mut self.regs, from);
                put_loc(&mut self.bytes, &mut self.regs, to);
            }
            Delta::PageAttr { pfn, old, new } => {
                self.begin(T_ATTR);
                self.regs.put_pfn(&mut self.bytes, pfn);
                self.bytes.push(old as u8 | (new as u8) << 4);
            }
            Delta::PageContent { pfn, old, new } => {
                self.begin(T_CONTENT);
                self.regs.put_pfn(&mut self.bytes, pfn);
                put(&mut self.bytes, old as u64);
                put(&mut self.bytes, new as u64);
            }
            Delta::Count { ctr, by } => {
                self.begin(T_COUNT);
                put_ctr(&mut self.bytes, ctr);
                put(&mut self.bytes, zig(by));
            }
            Delta::Set { var, old, new } => {
                self.begin(T_SET);
                put_var(&mut self.bytes, var);
                put(&mut self.bytes, old);
                put(&mut self.bytes, new);
            }
            Delta::TtNew {
                id,
                num_pages,
                page_flags,
                backend,
            } => {
                self.begin(T_TTNEW);
                put(&mut self.bytes, id as u64);
                put(&mut self.bytes, num_pages as u64);
                put(&mut self.bytes, page_flags as u64);
                self.bytes.push(backend.code());
            }
            Delta::SwapNew {
                id,
                num_pages,
                persistent,
            } => {
                self.begin(T_SWAPNEW);
                put(&mut self.bytes, id as u64);
                put(&mut self.bytes, num_pages as u64);
                self.bytes.push(persistent as u8);
            }
            Delta::SwapWrite {
                file,
                idx,
                old,
                new,
            } => {
                self.begin(T_SWAPWRITE);
                put(&mut self.bytes, file as u64);
                put(&mut self.bytes, idx as u64);
                put(&mut self.bytes, old as u64);
                put(&mut self.bytes, new as u64);
            }
            Delta::BoNew {
                id,
                device,
                num_pages,
                kernel,
                ghost,
            } => {
                self.begin(T_BONEW);
                put(&mut self.bytes, id as u64);
                put(&mut self.bytes, num_pages as u64);
                // The device (below MAX_DEVICES = 8) in bits 2..: device 0 encodes as before.
                self.bytes
                    .push(kernel as u8 | (ghost as u8) << 1 | device << 2);
            }
            Delta::Lru {
                list,
                bo,
                pos,
                insert,
            } => {
                self.begin(T_LRU);
                self.bytes.push(list | (insert as u8) << 7);
                put(&mut self.bytes, bo as u64);
                put(&mut self.bytes, pos as u64);
            }
            Delta::Node {
                mem_type,
                start,
                len,
                bo,
                alloc,
            } => {
                self.begin(T_NODE);
                self.bytes.push(mem_type | (alloc as u8) << 7);
                put(&mut self.bytes, start);
                put(&mut self.bytes, len);
                put(&mut self.bytes, bo as u64);
            }
            Delta::ManagerInit {
                mem_type,
                kind,
                flags,
                available_caching,
                default_caching,
                size,
                gpu_offset,
                max_pages,
            } => {
                self.begin(T_MANINIT);
                self.bytes.push(mem_type);
                self.bytes.push(kind as u8);
                for v in [
                    flags as u64,
                    available_caching as u64,
                    default_caching as u64,
                    size,
                    gpu_offset,
                    max_pages,
                ] {
                    put(&mut self.bytes, v);
                }
            }
            Delta::FenceNew { id } => {
                self.begin(T_FENCENEW);
                put(&mut self.bytes, id as u64);
            }
            Delta::IoContent {
                mem_type,
                page,
                old,
                new,
            } => {
                self.begin(T_IOCONTENT);
                self.bytes.push(mem_type);
                put(&mut self.bytes, page);
                put(&mut self.bytes, old as u64);
                put(&mut self.bytes, new as u64);
            }
            Delta::DmaPoolNew { id, ptype, zero } => {
                self.begin(T_DMANEW);
                put(&mut self.bytes, id as u64);
                self.bytes.push(ptype);
                self.bytes.push(zero as u8);
            }
            Delta::Modern(m) => {
                self.begin(T_MODERN);
                let (tag, vals) = m.encode();
                self.bytes.push(tag);
                for v in vals {
                    put(&mut self.bytes, v);
                }
            }
        }
    }

    /// Iterate over all events from the start.
    pub fn events(&self) -> Events<'_> {
        Events {
            bytes: &self.bytes,
            pos: 0,
            index: 0,
            regs: Regs::default(),
        }
    }

    /// Iterate from event `index` (clamped to the end).
    pub fn events_from(&self, index: u64) -> Events<'_> {
        if index >= self.len {
            return Events {
                bytes: &self.bytes,
                pos: self.bytes.len(),
                index: self.len,
                regs: Regs::default(),
            };
        }
        let cp = (index / CHECKPOINT_EVERY) as usize;
        let mut it = Events {
            bytes: &self.bytes,
            pos: self.checkpoints[cp],
            index: cp as u64 * CHECKPOINT_EVERY,
            regs: Regs::default(),
        };
        for _ in 0..(index % CHECKPOINT_EVERY) {
            it.next();
        }
        it
    }

    /// Decode event `index`.
    pub fn get(&self, index: u64) -> Option<Event> {
        self.events_from(index).next()
    }

    /// The place just after the last event: a reader that saved it goes on from there with
    /// [`Trace::events_at`] once more events are recorded, without decoding from a checkpoint.
    pub fn end(&self) -> TracePos {
        TracePos {
            index: self.len,
            pos: self.bytes.len(),
            regs: self.regs,
        }
    }

    /// Iterate from a place [`Trace::end`] or [`Events::at`] gave for this trace.
    pub fn events_at(&self, at: TracePos) -> Events<'_> {
        Events {
            bytes: &self.bytes,
            pos: at.pos.min(self.bytes.len()),
            index: at.index,
            regs: at.regs,
        }
    }
}

/// The deltas of a span of events ([`Events::deltas`]).
pub struct Deltas<'a> {
    events: Events<'a>,
    left: u64,
}

impl Iterator for Deltas<'_> {
    type Item = Delta;

    fn next(&mut self) -> Option<Delta> {
        while self.left > 0 {
            self.left -= 1;
            if let Some(d) = self.events.next_delta()? {
                return Some(d);
            }
        }
        None
    }
}

/// A place in a trace's byte stream where decoding can resume: the event index, its byte
/// offset and the delta registers there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TracePos {
    index: u64,
    pos: usize,
    regs: Regs,
}

impl TracePos {
    /// The index of the next event to decode from here.
    pub fn index(&self) -> u64 {
        self.index
    }
}

impl<'a> Events<'a> {
    /// The state changes among the next `n` events (fewer at the end of the trace). Calls,
    /// marks and findings are read past without being built, so replaying state (a seek) costs
    /// no allocation per call entry.
    pub fn deltas(self, n: u64) -> Deltas<'a> {
        Deltas {
            events: self,
            left: n,
        }
    }

    /// Decode the next event if it is a delta; read past any other (None at the end).
    fn next_delta(&mut self) -> Option<Option<Delta>> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        if self.index.is_multiple_of(CHECKPOINT_EVERY) {
            self.regs = Regs::default();
        }
        let mut r = Reader {
            b: self.bytes,
            p: self.pos,
            regs: self.regs,
        };
        let d = match self.bytes[self.pos] {
            t if t >= T_ENTER_BASE => {
                r.p += 1;
                let func = Func::from_index((t - T_ENTER_BASE) as usize)?;
                for &name in func.arg_names() {
                    match name {
                        "pfn" => r.pfn()?,
                        "index" => r.slot()?,
                        _ => r.v()?,
                    };
                }
                None
            }
            _ => match r.event()? {
                Event::Delta(d) => Some(d),
                _ => None,
            },
        };
        self.pos = r.p;
        self.regs = r.regs;
        self.index += 1;
        Some(d)
    }

    /// Where this iterator is: the next event it decodes.
    pub fn at(&self) -> TracePos {
        TracePos {
            index: self.index,
            pos: self.pos,
            regs: self.regs,
        }
    }
}

/// Iterator over decoded events.
pub struct Events<'a> {
    bytes: &'a [u8],
    pos: usize,
    index: u64,
    regs: Regs,
}

impl Iterator for Events<'_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        if self.index.is_multiple_of(CHECKPOINT_EVERY) {
            self.regs = Regs::default();
        }
        let mut r = Reader {
            b: self.bytes,
            p: self.pos,
            regs: self.regs,
        };
        let ev = r.event();
        self.pos = r.p;
        self.regs = r.regs;
        self.index += 1;
        ev
    }
}

struct Reader<'a> {
    b: &'a [u8],
    p: usize,
    regs: Regs,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.p)?;
        self.p += 1;
        Some(v)
    }

    fn v(&mut self) -> Option<u64> {
        let mut x = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            x |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Some(x);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    fn s(&mut self) -> Option<i64> {
        self.v().map(unzig)
    }

    fn pfn(&mut self) -> Option<u64> {
        let d = self.s()?;
        self.regs.pfn = self.regs.pfn.wrapping_add(d as u64);
        Some(self.regs.pfn)
    }

    fn slot(&mut self) -> Option<u64> {
        let d = self.s()?;
        self.regs.slot = self.regs.slot.wrapping_add(d as u64);
        Some(self.regs.slot)
    }

    fn end(&mut self, t: u8) -> End {
        if t & 1 == 0 {
            End::Head
        } else {
            End::Tail
        }
    }

    fn loc(&mut self) -> Option<Loc> {
        let t = self.byte()?;
        Some(match t {
            0 => Loc::Fresh,
            1 => Loc::Free,
            2 | 3 => Loc::Pool {
                end: self.end(t),
                pool: self.v()? as u8,
            },
            4 | 5 => Loc::Dma {
                end: self.end(t),
                pool: self.v()? as u16,
            },
            6 => Loc::Tt {
                tt: self.v()? as u32,
                slot: self.slot()? as u32,
            },
            8 | 9 => Loc::Local {
                end: self.end(t),
                list: self.v()? as u8,
            },
            10 => Loc::Leaked,
            11 => Loc::MPool {
                pt: self.v()? as u16,
            },
            _ => return None,
        })
    }

    fn ctr(&mut self) -> Option<Ctr> {
        let t = self.byte()?;
        Some(match t {
            0 => Ctr::PoolNpages(self.v()? as u8),
            1 => Ctr::PoolNrefills(self.v()? as u8),
            2 => Ctr::PoolNfrees(self.v()? as u8),
            3 => Ctr::ZoneUsed(self.v()? as u8),
            4 => Ctr::DmaFree(self.v()? as u16),
            5 => Ctr::DmaInUse(self.v()? as u16),
            6 => Ctr::DmaNrefills(self.v()? as u16),
            7 => Ctr::DmaNfrees(self.v()? as u16),
            8 => Ctr::ShrinkStart,
            9 => Ctr::DmaShrinkStart,
            10 => Ctr::ObjCharged,
            _ => return None,
        })
    }

    fn opt_field(&mut self) -> Option<OptField> {
        Some(match self.byte()? {
            0 => OptField::MaxSize,
            1 => OptField::Small,
            2 => OptField::AllocSize,
            _ => return None,
        })
    }

    fn var(&mut self) -> Option<Var> {
        let t = self.byte()?;
        Some(match t {
            0 => Var::TtState(self.v()? as u32),
            1 => Var::TtCaching(self.v()? as u32),
            2 => Var::TtFlags(self.v()? as u32),
            3 => Var::TtSwap(self.v()? as u32),
            4 => Var::TtAlive(self.v()? as u32),
            5 => Var::TtFirstHimem(self.v()? as u32),
            6 => Var::TtLastLomem(self.v()? as u32),
            7 => Var::SwapReleased(self.v()? as u32),
            8 => Var::PoolFillLock(self.v()? as u8),
            9 => Var::PoolOpt(self.opt_field()?),
            10 => Var::DmaOpt(self.opt_field()?),
            11 => {
                let z = self.v()? as u8;
                let f = match self.byte()? {
                    0 => ZoneField::Emer,
                    1 => ZoneField::Max,
                    2 => ZoneField::SwapLimit,
                    _ => return None,
                };
                Var::Zone(z, f)
            }
            12 => Var::SwapWorkQueued,
            13 => Var::PoolManagerUp,
            14 => {
                let b = self.v()? as u32;
                let f = *crate::bo_state::BoField::ALL.get(self.byte()? as usize)?;
                Var::Bo(b, f)
            }
            15 => Var::FenceSignaled(self.v()? as u32),
            16 => Var::TtAgpMem(self.v()? as u32),
            _ => return None,
        })
    }

    fn finding(&mut self) -> Option<Finding> {
        Some(match self.byte()? {
            0 => Finding::D1OverUncharge { pfn: self.v()? },
            1 => Finding::D3RefillMiscount {
                pool: self.v()? as u8,
                npages: self.v()?,
                listed: self.v()?,
            },
            2 => Finding::D3SlotOverwritten {
                tt: self.v()? as u32,
                slot: self.v()? as u32,
            },
            3 => Finding::D3ArrayOverrun {
                tt: self.v()? as u32,
                index: self.v()?,
            },
            4 => Finding::D7DmaFreedReturns {
                pool: self.v()? as u16,
                count: self.v()?,
            },
            5 => Finding::D8SwapStorageOverwritten {
                tt: self.v()? as u32,
                file: self.v()? as u32,
            },
            6 => Finding::Bug {
                what: match self.v()? {
                    0 => BugKind::SwapoutBound,
                    1 => BugKind::SwapoutNotCached,
                    2 => BugKind::SwapinNoStorage,
                    3 => BugKind::UnbindFailed,
                    _ => return None,
                },
                tt: self.v()? as u32,
            },
            7 => Finding::AccountingMismatch {
                zone: self.v()? as u8,
                diff: self.s()?,
            },
            8 => Finding::PoolCountMismatch {
                pool: self.v()? as u8,
                npages: self.v()?,
                listed: self.v()?,
            },
            9 => Finding::PageConservation { pfn: self.v()? },
            10 => Finding::PagesLeaked { count: self.v()? },
            11 => Finding::TtStateMismatch {
                tt: self.v()? as u32,
            },
            12 => Finding::PageAttrMismatch { pfn: self.v()? },
            13 => Finding::SwapFileLeaked {
                file: self.v()? as u32,
            },
            14 => Finding::DmaUnpopulateNoPool {
                tt: self.v()? as u32,
            },
            15 => Finding::D4NullTt {
                bo: self.v()? as u32,
            },
            16 => Finding::D4OldNodeFreed {
                bo: self.v()? as u32,
            },
            17 => Finding::D5DoubleCharge {
                bo: self.v()? as u32,
                acc_size: self.v()?,
            },
            18 => Finding::D9DmaUnwind {
                tt: self.v()? as u32,
                index: self.v()? as u32,
            },
            19 => Finding::O8KmapPastEnd {
                bo: self.v()? as u32,
                start: self.v()? as u32,
                num: self.v()? as u32,
            },
            20 => Finding::NodeDoubleFree {
                bo: self.v()? as u32,
                start: self.v()?,
            },
            21 => Finding::BoListMismatch {
                bo: self.v()? as u32,
            },
            24 => Finding::AgpMemLeaked {
                tt: self.v()? as u32,
            },
            23 => Finding::O4AgpMemLeak {
                tt: self.v()? as u32,
            },
            40 => Finding::ModernInvariant {
                inv: self.byte()?,
                id: self.v()? as u32,
            },
            22 => Finding::D12DoubleFree {
                tt: self.v()? as u32,
                null_dma_walk: self.byte()? != 0,
            },
            _ => return None,
        })
    }

    fn event(&mut self) -> Option<Event> {
        let tag = self.byte()?;
        Some(match tag {
            t if t >= T_ENTER_BASE => {
                let func = Func::from_index((t - T_ENTER_BASE) as usize)?;
                let names = func.arg_names();
                let mut args = Vec::with_capacity(names.len());
                for &name in names {
                    args.push(match name {
                        "pfn" => self.pfn()?,
                        "index" => self.slot()?,
                        _ => self.v()?,
                    });
                }
                Event::Enter { func, args }
            }
            T_EXIT => Event::Exit { ret: self.s()? },
            T_EXIT0 => Event::Exit { ret: 0 },
            T_FINDING => Event::Finding(self.finding()?),
            T_MARK => Event::Mark {
                label: self.v()? as u32,
            },
            T_MOVE => Event::Delta(Delta::PageMove {
                pfn: self.pfn()?,
                from: self.loc()?,
                to: self.loc()?,
            }),
            T_ATTR => {
                let pfn = self.pfn()?;
                let b = self.byte()?;
                Event::Delta(Delta::PageAttr {
                    pfn,
                    old: crate::consts::Attr::from_u8(b & 0xf)?,
                    new: crate::consts::Attr::from_u8(b >> 4)?,
                })
            }
            T_CONTENT => Event::Delta(Delta::PageContent {
                pfn: self.pfn()?,
                old: self.v()? as u32,
                new: self.v()? as u32,
            }),
            T_COUNT => Event::Delta(Delta::Count {
                ctr: self.ctr()?,
                by: self.s()?,
            }),
            T_SET => Event::Delta(Delta::Set {
                var: self.var()?,
                old: self.v()?,
                new: self.v()?,
            }),
            T_TTNEW => Event::Delta(Delta::TtNew {
                id: self.v()? as u32,
                num_pages: self.v()? as u32,
                page_flags: self.v()? as u32,
                backend: TtBackend::from_code(self.byte()?)?,
            }),
            T_SWAPNEW => Event::Delta(Delta::SwapNew {
                id: self.v()? as u32,
                num_pages: self.v()? as u32,
                persistent: self.byte()? != 0,
            }),
            T_SWAPWRITE => Event::Delta(Delta::SwapWrite {
                file: self.v()? as u32,
                idx: self.v()? as u32,
                old: self.v()? as u32,
                new: self.v()? as u32,
            }),
            T_BONEW => {
                let id = self.v()? as u32;
                let num_pages = self.v()? as u32;
                let f = self.byte()?;
                Event::Delta(Delta::BoNew {
                    id,
                    device: f >> 2,
                    num_pages,
                    kernel: f & 1 != 0,
                    ghost: f & 2 != 0,
                })
            }
            T_LRU => {
                let b = self.byte()?;
                Event::Delta(Delta::Lru {
                    list: b & 0x7f,
                    insert: b & 0x80 != 0,
                    bo: self.v()? as u32,
                    pos: self.v()? as u32,
                })
            }
            T_NODE => {
                let b = self.byte()?;
                Event::Delta(Delta::Node {
                    mem_type: b & 0x7f,
                    alloc: b & 0x80 != 0,
                    start: self.v()?,
                    len: self.v()?,
                    bo: self.v()? as u32,
                })
            }
            T_MANINIT => {
                let mem_type = self.byte()?;
                let kind = match self.byte()? {
                    0 => crate::bo_state::ManagerKind::System,
                    1 => crate::bo_state::ManagerKind::Range,
                    2 => crate::bo_state::ManagerKind::GmrId,
                    _ => return None,
                };
                Event::Delta(Delta::ManagerInit {
                    mem_type,
                    kind,
                    flags: self.v()? as u32,
                    available_caching: self.v()? as u32,
                    default_caching: self.v()? as u32,
                    size: self.v()?,
                    gpu_offset: self.v()?,
                    max_pages: self.v()?,
                })
            }
            T_FENCENEW => Event::Delta(Delta::FenceNew {
                id: self.v()? as u32,
            }),
            T_IOCONTENT => Event::Delta(Delta::IoContent {
                mem_type: self.byte()?,
                page: self.v()?,
                old: self.v()? as u32,
                new: self.v()? as u32,
            }),
            T_DMANEW => Event::Delta(Delta::DmaPoolNew {
                id: self.v()? as u16,
                ptype: self.byte()?,
                zero: self.byte()? != 0,
            }),
            T_MODERN => {
                let tag = self.byte()?;
                Event::Delta(Delta::Modern(crate::modern::MDelta::decode(
                    tag,
                    &mut || self.v(),
                )?))
            }
            _ => return None,
        })
    }
}

fn put(b: &mut Vec<u8>, mut x: u64) {
    loop {
        let byte = (x & 0x7f) as u8;
        x >>= 7;
        if x == 0 {
            b.push(byte);
            return;
        }
        b.push(byte | 0x80);
    }
}

fn zig(x: i64) -> u64 {
    ((x << 1) ^ (x >> 63)) as u64
}

fn unzig(x: u64) -> i64 {
    ((x >> 1) as i64) ^ -((x & 1) as i64)
}

fn end_bit(e: End) -> u8 {
    match e {
        End::Head => 0,
        End::Tail => 1,
    }
}

fn put_loc(b: &mut Vec<u8>, regs: &mut Regs, l: Loc) {
    match l {
        Loc::Fresh => b.push(0),
        Loc::Free => b.push(1),
        Loc::Pool { pool, end } => {
            b.push(2 | end_bit(end));
            put(b, pool as u64);
        }
        Loc::Dma { pool, end } => {
            b.push(4 | end_bit(end));
            put(b, pool as u64);
        }
        Loc::Tt { tt, slot } => {
            b.push(6);
            put(b, tt as u64);
            regs.put_slot(b, slot as u64);
        }
        Loc::Local { list, end } => {
            b.push(8 | end_bit(end));
            put(b, list as u64);
        }
        Loc::Leaked => b.push(10),
        Loc::MPool { pt } => {
            b.push(11);
            put(b, pt as u64);
        }
    }
}

fn put_ctr(b: &mut Vec<u8>, c: Ctr) {
    let (t, x) = match c {
        Ctr::PoolNpages(i) => (0, i as u64),
        Ctr::PoolNrefills(i) => (1, i as u64),
        Ctr::PoolNfrees(i) => (2, i as u64),
        Ctr::ZoneUsed(i) => (3, i as u64),
        Ctr::DmaFree(i) => (4, i as u64),
        Ctr::DmaInUse(i) => (5, i as u64),
        Ctr::DmaNrefills(i) => (6, i as u64),
        Ctr::DmaNfrees(i) => (7, i as u64),
        Ctr::ShrinkStart => {
            b.push(8);
            return;
        }
        Ctr::DmaShrinkStart => {
            b.push(9);
            return;
        }
        Ctr::ObjCharged => {
            b.push(10);
            return;
        }
    };
    b.push(t);
    put(b, x);
}

fn opt_byte(f: OptField) -> u8 {
    match f {
        OptField::MaxSize => 0,
        OptField::Small => 1,
        OptField::AllocSize => 2,
    }
}

fn put_var(b: &mut Vec<u8>, v: Var) {
    let (t, x) = match v {
        Var::TtState(i) => (0, i),
        Var::TtCaching(i) => (1, i),
        Var::TtFlags(i) => (2, i),
        Var::TtSwap(i) => (3, i),
        Var::TtAlive(i) => (4, i),
        Var::TtFirstHimem(i) => (5, i),
        Var::TtLastLomem(i) => (6, i),
        Var::SwapReleased(i) => (7, i),
        Var::PoolFillLock(i) => (8, i as u32),
        Var::PoolOpt(f) => {
            b.push(9);
            b.push(opt_byte(f));
            return;
        }
        Var::DmaOpt(f) => {
            b.push(10);
            b.push(opt_byte(f));
            return;
        }
        Var::Zone(z, f) => {
            b.push(11);
            put(b, z as u64);
            b.push(match f {
                ZoneField::Emer => 0,
                ZoneField::Max => 1,
                ZoneField::SwapLimit => 2,
            });
            return;
        }
        Var::SwapWorkQueued => {
            b.push(12);
            return;
        }
        Var::PoolManagerUp => {
            b.push(13);
            return;
        }
        Var::Bo(id, f) => {
            b.push(14);
            put(b, id as u64);
            b.push(f as u8);
            return;
        }
        Var::FenceSignaled(i) => (15, i),
        Var::TtAgpMem(i) => (16, i),
    };
    b.push(t);
    put(b, x as u64);
}
