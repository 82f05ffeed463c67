//! The observable state of the simulated machine and the only way to change it: [`Delta`].
//!
//! Every mutation the model makes goes through [`State::apply`], which the tracer records. A delta
//! carries what it needs to be undone, so the stepper can walk the trace backwards by
//! [`State::revert`]ing deltas, and replaying a trace on the boot state reproduces the final state
//! exactly (tested in `tests/replay.rs`).

use crate::bo_state::{
    list_parts, man_index, Bo, BoField, Fence, Manager, ManagerKind, Node, LIST_DDESTROY, LIST_SWAP,
};
use crate::config::{Arch, MachineConfig, LOWMEM_32};
use crate::consts::{Attr, Caching, TtState, PFN_4G};
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

/// Content tag of a page that holds zeros.
pub const CONTENT_ZERO: u32 = 0;
/// Content tag of a page holding whatever its previous user left (not zeroed).
pub const CONTENT_STALE: u32 = u32::MAX;

/// Which end of a list a page enters or leaves by (spec 3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum End {
    /// The list head.
    Head,
    /// The list tail.
    Tail,
}

/// Where a physical page is. Every page is in exactly one place at every moment (spec 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Loc {
    /// System memory never handed out since boot.
    Fresh,
    /// System free memory (pages freed back to the kernel; reused last-in first-out).
    Free,
    /// A normal pool (index 0..3 = wc, uc, wc dma, uc dma; spec 3.1).
    Pool {
        /// Pool index.
        pool: u8,
        /// End of the pool list.
        end: End,
    },
    /// The free list of a DMA pool (spec 4.2).
    Dma {
        /// DMA pool id (creation order).
        pool: u16,
        /// End of the free list.
        end: End,
    },
    /// Slot `slot` of tt `tt`'s page array.
    Tt {
        /// Tt id.
        tt: u32,
        /// Page index in the tt.
        slot: u32,
    },
    /// A kernel function's private list or array (a refill batch being allocated, a batch being
    /// freed, a page held until it is charged). Each call that owns one has its own: `list` is
    /// its nesting depth among the calls open at that moment, so a nested call (a shrink run
    /// while a page is being charged) never touches its caller's list.
    Local {
        /// Which open list (0 = the outermost owner).
        list: u8,
        /// End of the local list.
        end: End,
    },
    /// Lost by a kernel defect (the kernel no longer references it; e.g. D3's overwritten slots).
    Leaked,
    /// Linux 6.12: a pool type of `ttm_pool` (one caching and order; mspec 4.1), by
    /// [`crate::modern::MState::pool_types`] index. A stack of blocks: pages enter and leave at
    /// the head (mspec 4.9).
    MPool {
        /// Pool type index.
        pt: u16,
    },
}

impl Loc {
    /// True for the two kinds of system memory.
    pub fn is_system(self) -> bool {
        matches!(self, Loc::Fresh | Loc::Free)
    }
}

/// A counter the model changes by a signed amount (u64 counters use wrapping arithmetic, as the kernel's do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Ctr {
    /// `pool->npages` (spec 3.1).
    PoolNpages(u8),
    /// `pool->nrefills`.
    PoolNrefills(u8),
    /// `pool->nfrees`.
    PoolNfrees(u8),
    /// `zone->used_mem` in bytes (spec 5.1).
    ZoneUsed(u8),
    /// DMA pool `npages_free` (spec 4.2).
    DmaFree(u16),
    /// DMA pool `npages_in_use`.
    DmaInUse(u16),
    /// DMA pool `nrefills`.
    DmaNrefills(u16),
    /// DMA pool `nfrees`.
    DmaNfrees(u16),
    /// The normal pool shrinker's static `start_pool` counter (spec 3.9).
    ShrinkStart,
    /// The DMA pool shrinker's static counter (spec 4.5).
    DmaShrinkStart,
    /// Bytes charged to all zones for objects rather than pages (`ttm_mem_global_alloc`: BO
    /// metadata, or memory a scenario charges to create pressure). Lets the checker explain used_mem.
    ObjCharged,
}

/// A pool's tunable options (`struct ttm_pool_opts`, spec 3.2 / 4.2), in pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PoolOpts {
    /// Pool size above which pages are trimmed.
    pub max_size: u64,
    /// Requests smaller than this may refill (normal pool); refill size of the DMA pool.
    pub small: u64,
    /// Pages allocated per refill (normal pool only).
    pub alloc_size: u64,
}

/// Which option of which pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum OptField {
    /// max_size
    MaxSize,
    /// small
    Small,
    /// alloc_size
    AllocSize,
}

/// Which zone limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ZoneField {
    /// emer_mem
    Emer,
    /// max_mem
    Max,
    /// swap_limit
    SwapLimit,
}

/// A scalar the model sets (old and new value are both recorded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Var {
    /// `ttm->state` (value: [`TtState`] as u8).
    TtState(u32),
    /// `ttm->caching_state` (value: [`Caching`] as u8).
    TtCaching(u32),
    /// `ttm->page_flags`.
    TtFlags(u32),
    /// `ttm->swap_storage` (swap file id + 1; 0 = NULL).
    TtSwap(u32),
    /// The tt object exists (1) or has been destroyed (0).
    TtAlive(u32),
    /// E0 `ttm->first_himem_page`.
    TtFirstHimem(u32),
    /// E0 `ttm->last_lomem_page` (stored + 1 so that -1 is 0).
    TtLastLomem(u32),
    /// AGP backend: AGP memory objects allocated for this tt and not freed (spec 7.5, O4).
    TtAgpMem(u32),
    /// A swap file has been released (fput) (1) or is live (0).
    SwapReleased(u32),
    /// `pool->fill_lock` (spec 3.5).
    PoolFillLock(u8),
    /// An option of the normal pool manager.
    PoolOpt(OptField),
    /// An option of the DMA pool manager.
    DmaOpt(OptField),
    /// A limit of an accounting zone.
    Zone(u8, ZoneField),
    /// The "ttm_swap" work item is queued (spec 5.5).
    SwapWorkQueued,
    /// The page pool manager exists (`_manager != NULL`, spec 3.10).
    PoolManagerUp,
    /// A field of a buffer object.
    Bo(u32, BoField),
    /// A fence has signalled.
    FenceSignaled(u32),
}

/// How a tt gets its pages: which populate callback runs (spec 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TtBackend {
    /// A plain `ttm_tt` populated from the normal pools (`ttm_pool_populate`).
    Pool,
    /// A `ttm_dma_tt` populated from the DMA-aware pool (`ttm_dma_populate`, spec 2.2, 4.3).
    Dma,
    /// Created by the driver's `ttm_tt_create` for a buffer object: the driver's populate runs.
    Driver(crate::drivers::TtKind),
}

impl TtBackend {
    /// Trace encoding.
    pub fn code(self) -> u8 {
        use crate::drivers::TtKind::*;
        match self {
            TtBackend::Pool => 0,
            TtBackend::Dma => 1,
            TtBackend::Driver(k) => match k {
                Agp => 2,
                RadeonGart => 3,
                NouveauNv04 => 4,
                NouveauNv50 => 5,
                VmwGmr => 6,
            },
        }
    }

    /// Decode.
    pub fn from_code(c: u8) -> Option<TtBackend> {
        use crate::drivers::TtKind::*;
        Some(match c {
            0 => TtBackend::Pool,
            1 => TtBackend::Dma,
            2 => TtBackend::Driver(Agp),
            3 => TtBackend::Driver(RadeonGart),
            4 => TtBackend::Driver(NouveauNv04),
            5 => TtBackend::Driver(NouveauNv50),
            6 => TtBackend::Driver(VmwGmr),
            _ => return None,
        })
    }
}

/// One state change. Applying it and then reverting it leaves the state unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Delta {
    /// A physical page moves.
    PageMove {
        /// Page frame number.
        pfn: u64,
        /// Where it was.
        from: Loc,
        /// Where it goes.
        to: Loc,
    },
    /// A page's kernel linear-mapping attribute changes.
    PageAttr {
        /// Page frame number.
        pfn: u64,
        /// Before.
        old: Attr,
        /// After.
        new: Attr,
    },
    /// A page's contents change.
    PageContent {
        /// Page frame number.
        pfn: u64,
        /// Before.
        old: u32,
        /// After.
        new: u32,
    },
    /// A counter changes by `by`.
    Count {
        /// Which counter.
        ctr: Ctr,
        /// Signed change.
        by: i64,
    },
    /// A scalar is set.
    Set {
        /// Which scalar.
        var: Var,
        /// Before.
        old: u64,
        /// After.
        new: u64,
    },
    /// A tt object is created (it gets the next id).
    TtNew {
        /// Its id (must equal the number of tts created so far).
        id: u32,
        /// `num_pages`.
        num_pages: u32,
        /// Initial `page_flags`.
        page_flags: u32,
        /// Populate path.
        backend: TtBackend,
    },
    /// A swap file is created (it gets the next id).
    SwapNew {
        /// Its id.
        id: u32,
        /// Size in pages.
        num_pages: u32,
        /// Owned by a buffer-object owner (persistent swap storage), not by TTM.
        persistent: bool,
    },
    /// A page of a swap file is written.
    SwapWrite {
        /// Swap file id.
        file: u32,
        /// Page index in the file.
        idx: u32,
        /// Contents before.
        old: u32,
        /// Contents after.
        new: u32,
    },
    /// A buffer object is created (it gets the next id), reserved, in SYSTEM|CACHED (spec 6.3).
    BoNew {
        /// Its id.
        id: u32,
        /// Its device (`bo->bdev`, spec 6.1).
        device: u8,
        /// `num_pages`.
        num_pages: u32,
        /// `ttm_bo_type_kernel`.
        kernel: bool,
        /// A ghost of a pipelined move.
        ghost: bool,
    },
    /// A BO enters (`insert`) or leaves an LRU list at position `pos`. List ids are
    /// [`crate::bo_state::list_id`]s: device `d`'s memory-type LRUs are `10d + 0..7` and its
    /// delayed-destroy list `10d + 9`; 8 is the global swap LRU.
    Lru {
        /// List id.
        list: u8,
        /// Buffer object.
        bo: u32,
        /// Position.
        pos: u32,
        /// Insert (true) or remove (false).
        insert: bool,
    },
    /// A range (or GMR id) is allocated (`alloc`) or freed in a memory-type manager.
    Node {
        /// The manager: [`crate::bo_state::man_index`] (device 0: the memory type).
        mem_type: u8,
        /// Start page (GMR: id).
        start: u64,
        /// Pages.
        len: u64,
        /// Owner.
        bo: u32,
        /// Allocate (true) or free (false).
        alloc: bool,
    },
    /// A memory-type manager is initialised (`ttm_bo_init_mm` + the driver's `init_mem_type`).
    ManagerInit {
        /// The manager: [`crate::bo_state::man_index`] (device 0: the memory type).
        mem_type: u8,
        /// Allocator kind.
        kind: ManagerKind,
        /// TTM_MEMTYPE_FLAG_*.
        flags: u32,
        /// Available caching bits.
        available_caching: u32,
        /// Default caching bit.
        default_caching: u32,
        /// Size in pages (GMR: ids).
        size: u64,
        /// GPU offset.
        gpu_offset: u64,
        /// GMR page budget.
        max_pages: u64,
    },
    /// A page of on-card (FIXED) memory changes contents (VRAM holds data of its own).
    IoContent {
        /// The manager: [`crate::bo_state::man_index`] (device 0: the memory type).
        mem_type: u8,
        /// Page offset in the memory type.
        page: u64,
        /// Contents before.
        old: u32,
        /// Contents after.
        new: u32,
    },
    /// A fence is emitted (it gets the next id).
    FenceNew {
        /// Its id.
        id: u32,
    },
    /// A DMA pool is created (it gets the next id).
    DmaPoolNew {
        /// Its id.
        id: u16,
        /// Type bits (IS_WC / IS_UC / IS_CACHED, IS_DMA32; spec 1.6).
        ptype: u8,
        /// Fresh pages get __GFP_ZERO (the first tt needing this type had ZERO_ALLOC).
        zero: bool,
    },
    /// A change to the Linux 6.12 model's own state (mspec; [`crate::modern::MDelta`]).
    Modern(crate::modern::MDelta),
}

/// A physical memory zone of the buddy allocator (not to be confused with TTM's accounting zones).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhysZone {
    /// "DMA32", "Normal", "Normal" (lowmem) or "HighMem".
    pub name: String,
    /// First pfn.
    pub start: u64,
    /// One past the last pfn.
    pub end: u64,
    /// Next never-used pfn (pages `start..bump` have been handed out at least once).
    pub bump: u64,
    /// Freed pages, reused last-in first-out.
    pub free: Vec<u64>,
    /// Attribute and contents of every page ever handed out, indexed by `pfn - start`.
    pub pages: Chunked<PageRec>,
}

impl PhysZone {
    /// Pages currently free in this zone.
    pub fn free_pages(&self) -> u64 {
        (self.end - self.bump) + self.free.len() as u64
    }
}

/// What the model knows about one physical page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PageRec {
    /// Kernel linear-mapping attribute.
    pub attr: Attr,
    /// Contents tag ([`CONTENT_ZERO`], [`CONTENT_STALE`] or data written by a user).
    pub content: u32,
}

/// Elements per chunk of a [`Chunked`] array.
pub const CHUNK: usize = 1024;

/// A page array (a tt's `pages[]`, a zone's page records) stored in chunks of [`CHUNK`]
/// elements that copies share until one of them writes to a chunk (`Rc::make_mut`): copying
/// the array costs a pointer per chunk, not an element per page, so the stepper's state
/// checkpoints share every chunk a stretch of the trace did not touch (issue 16). It reads like
/// a `Vec`: indexing, `get`, `iter`, `len`, `push` and `pop`.
pub struct Chunked<T> {
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Chunked<T> {
    /// An empty array.
    pub fn new() -> Chunked<T> {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when it holds no element.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Element `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&T> {
        (i < self.len).then(|| &self.chunks[i / CHUNK][i % CHUNK])
    }

    /// The elements in order.
    pub fn iter(&self) -> ChunkedIter<'_, T> {
        ChunkedIter {
            chunks: self.chunks.iter(),
            front: [].iter(),
            back: [].iter(),
            left: self.len,
        }
    }

    /// Bytes of the chunks this array holds that `other` does not share (all of them when
    /// `other` is None): what keeping this copy beside `other` costs.
    pub fn bytes_apart(&self, other: Option<&Chunked<T>>) -> usize {
        let shared = |i: usize, c: &Rc<Vec<T>>| {
            other
                .and_then(|o| o.chunks.get(i))
                .is_some_and(|d| Rc::ptr_eq(c, d))
        };
        self.chunks
            .iter()
            .enumerate()
            .filter(|&(i, c)| !shared(i, c))
            .map(|(_, c)| c.len() * std::mem::size_of::<T>())
            .sum()
    }

    /// Bytes a copy of the array takes: a pointer per chunk.
    pub fn copy_bytes(&self) -> usize {
        self.chunks.len() * std::mem::size_of::<Rc<Vec<T>>>()
    }
}

impl<T: Clone> Chunked<T> {
    /// `n` copies of `v` (the full chunks share one chunk until written).
    pub fn filled(n: usize, v: T) -> Chunked<T> {
        let full = Rc::new(vec![v.clone(); CHUNK]);
        let mut chunks = vec![full; n / CHUNK];
        if !n.is_multiple_of(CHUNK) {
            chunks.push(Rc::new(vec![v; n % CHUNK]));
        }
        Chunked { chunks, len: n }
    }

    /// Element `i` to change, if there is one (its chunk is copied first when shared).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i < self.len {
            Some(&mut Rc::make_mut(&mut self.chunks[i / CHUNK])[i % CHUNK])
        } else {
            None
        }
    }

    /// Append `v`.
    pub fn push(&mut self, v: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        if let Some(c) = self.chunks.last_mut() {
            Rc::make_mut(c).push(v);
        }
        self.len += 1;
    }

    /// Remove and return the last element.
    pub fn pop(&mut self) -> Option<T> {
        let last = self.chunks.last_mut()?;
        let v = Rc::make_mut(last).pop();
        if last.is_empty() {
            self.chunks.pop();
        }
        self.len -= 1;
        v
    }

    /// The elements as a `Vec`.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

impl<T> Default for Chunked<T> {
    fn default() -> Chunked<T> {
        Chunked::new()
    }
}

impl<T> Clone for Chunked<T> {
    fn clone(&self) -> Chunked<T> {
        Chunked {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Chunked<T>) -> bool {
        self.len == other.len
            && self
                .chunks
                .iter()
                .zip(&other.chunks)
                .all(|(a, b)| Rc::ptr_eq(a, b) || a == b)
    }
}

impl<T: Eq> Eq for Chunked<T> {}

impl<T: PartialEq> PartialEq<Vec<T>> for Chunked<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.len == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        assert!(i < self.len, "index {i} out of {} elements", self.len);
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T: Clone> std::ops::IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        let len = self.len;
        self.get_mut(i)
            .unwrap_or_else(|| panic!("index {i} out of {len} elements"))
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(it: I) -> Chunked<T> {
        let mut c = Chunked::new();
        it.into_iter().for_each(|v| c.push(v));
        c
    }
}

impl<T: Clone> From<Vec<T>> for Chunked<T> {
    fn from(v: Vec<T>) -> Chunked<T> {
        v.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = ChunkedIter<'a, T>;
    fn into_iter(self) -> ChunkedIter<'a, T> {
        self.iter()
    }
}

impl<T: Serialize> Serialize for Chunked<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The elements of a [`Chunked`] array, in order (from both ends).
pub struct ChunkedIter<'a, T> {
    chunks: std::slice::Iter<'a, Rc<Vec<T>>>,
    front: std::slice::Iter<'a, T>,
    back: std::slice::Iter<'a, T>,
    left: usize,
}

impl<'a, T> Iterator for ChunkedIter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(x) = self.front.next() {
                self.left -= 1;
                return Some(x);
            }
            match self.chunks.next() {
                Some(c) => self.front = c.iter(),
                None => {
                    let x = self.back.next()?;
                    self.left -= 1;
                    return Some(x);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'a, T> DoubleEndedIterator for ChunkedIter<'a, T> {
    fn next_back(&mut self) -> Option<&'a T> {
        loop {
            if let Some(x) = self.back.next_back() {
                self.left -= 1;
                return Some(x);
            }
            match self.chunks.next_back() {
                Some(c) => self.back = c.iter(),
                None => {
                    let x = self.front.next_back()?;
                    self.left -= 1;
                    return Some(x);
                }
            }
        }
    }
}

impl<T> ExactSizeIterator for ChunkedIter<'_, T> {}

/// Physical memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Phys {
    /// Zones in ascending pfn order.
    pub zones: Vec<PhysZone>,
    /// Pages lost to kernel defects, in the order they were lost.
    pub leaked: Vec<u64>,
    /// The pages on the private lists of the calls that are open, outermost first (see
    /// [`Loc::Local`]); never ends with an empty list, so equal positions compare equal.
    pub locals: Vec<VecDeque<u64>>,
}

impl Phys {
    fn new(cfg: &MachineConfig) -> Phys {
        let total = cfg.ram_pages();
        let split = match cfg.arch {
            Arch::X86_64 => PFN_4G,
            Arch::X86_32Highmem => LOWMEM_32 / crate::consts::PAGE_SIZE,
        };
        let (lo_name, hi_name) = match cfg.arch {
            Arch::X86_64 => ("DMA32", "Normal"),
            Arch::X86_32Highmem => ("Normal", "HighMem"),
        };
        let mut zones = vec![PhysZone {
            name: lo_name.to_string(),
            start: 0,
            end: total.min(split),
            bump: 0,
            free: Vec::new(),
            pages: Chunked::new(),
        }];
        if total > split {
            zones.push(PhysZone {
                name: hi_name.to_string(),
                start: split,
                end: total,
                bump: split,
                free: Vec::new(),
                pages: Chunked::new(),
            });
        }
        Phys {
            zones,
            leaked: Vec::new(),
            locals: Vec::new(),
        }
    }

    /// Index of the physical zone holding `pfn`.
    pub fn zone_of(&self, pfn: u64) -> usize {
        if self.zones.len() > 1 && pfn >= self.zones[1].start {
            1
        } else {
            0
        }
    }

    /// The record of a page that has been handed out at least once.
    pub fn page(&self, pfn: u64) -> Option<&PageRec> {
        let z = &self.zones[self.zone_of(pfn)];
        z.pages.get((pfn - z.start) as usize)
    }

    fn page_mut(&mut self, pfn: u64) -> Option<&mut PageRec> {
        let zi = self.zone_of(pfn);
        let z = &mut self.zones[zi];
        z.pages.get_mut((pfn - z.start) as usize)
    }

    /// Free pages in all zones.
    pub fn free_pages(&self) -> u64 {
        self.zones.iter().map(PhysZone::free_pages).sum()
    }

    /// The pfn the allocator would hand out next from zone `zi`, and from where.
    pub fn peek_alloc(&self, zi: usize) -> Option<(u64, Loc)> {
        let z = &self.zones[zi];
        if let Some(&pfn) = z.free.last() {
            Some((pfn, Loc::Free))
        } else if z.bump < z.end {
            Some((z.bump, Loc::Fresh))
        } else {
            None
        }
    }
}

/// A normal page pool (`struct ttm_page_pool`, spec 3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pool {
    /// debugfs name: "wc", "uc", "wc dma", "uc dma".
    pub name: String,
    /// Caching attribute of its pages.
    pub caching: Caching,
    /// Allocates below 4 GiB (GFP_DMA32).
    pub dma32: bool,
    /// `fill_lock`.
    pub fill_lock: bool,
    /// The free pages, head first.
    pub list: VecDeque<u64>,
    /// `npages` (may disagree with `list.len()` after defect D3).
    pub npages: u64,
    /// `nrefills`.
    pub nrefills: u64,
    /// `nfrees`.
    pub nfrees: u64,
}

/// A DMA-aware pool (`struct dma_pool`, spec 4.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DmaPool {
    /// Type bits (spec 1.6).
    pub ptype: u8,
    /// "wc", "uc dma32", "cached", ...
    pub name: String,
    /// Driver name + device name.
    pub dev_name: String,
    /// Fresh pages are zeroed (pool created by a ZERO_ALLOC tt).
    pub zero: bool,
    /// Free pages, head first.
    pub free: VecDeque<u64>,
    /// `npages_free`.
    pub npages_free: u64,
    /// `npages_in_use`.
    pub npages_in_use: u64,
    /// `nrefills`.
    pub nrefills: u64,
    /// `nfrees`.
    pub nfrees: u64,
}

/// DMA pool type bits (spec 1.6).
pub mod dma_type {
    /// IS_WC
    pub const IS_WC: u8 = 1 << 1;
    /// IS_UC
    pub const IS_UC: u8 = 1 << 2;
    /// IS_CACHED
    pub const IS_CACHED: u8 = 1 << 3;
    /// IS_DMA32
    pub const IS_DMA32: u8 = 1 << 4;

    /// The pool name made of "wc", "uc", "cached", " dma32" for each bit present (spec 4.2).
    pub fn name(t: u8) -> String {
        let mut s = String::new();
        if t & IS_WC != 0 {
            s.push_str("wc");
        }
        if t & IS_UC != 0 {
            s.push_str("uc");
        }
        if t & IS_CACHED != 0 {
            s.push_str("cached");
        }
        if t & IS_DMA32 != 0 {
            s.push_str(" dma32");
        }
        s
    }
}

/// A TTM memory-accounting zone (`struct ttm_mem_zone`, spec 5.1). All values in bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemZone {
    /// "kernel", "dma32" or "highmem".
    pub name: String,
    /// Size of the zone.
    pub zone_mem: u64,
    /// Limit for CAP_SYS_ADMIN callers.
    pub emer_mem: u64,
    /// Limit for everyone else.
    pub max_mem: u64,
    /// Background swap threshold.
    pub swap_limit: u64,
    /// Charged bytes.
    pub used_mem: u64,
}

/// A `ttm_tt` (spec 2.1) or `ttm_dma_tt` (spec 2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tt {
    /// Model id (index in [`State::tts`]).
    pub id: u32,
    /// `num_pages`.
    pub num_pages: u32,
    /// `page_flags` (spec 1.1).
    pub page_flags: u32,
    /// `caching_state`.
    pub caching: Caching,
    /// `state`.
    pub state: TtState,
    /// `swap_storage`: a swap file id.
    pub swap_storage: Option<u32>,
    /// `pages[]`: pfn per slot.
    pub pages: Chunked<Option<u64>>,
    /// Populate path.
    pub backend: TtBackend,
    /// The object exists (false after ttm_tt_destroy).
    pub alive: bool,
    /// E0 `first_himem_page` (highmem pages fill slots from the top down).
    pub first_himem_page: u32,
    /// E0 `last_lomem_page` (lowmem pages fill slots from 0 up); -1 when none.
    pub last_lomem_page: i64,
    /// AGP backend: AGP memory objects held (more than one only after O4's leak).
    pub agp_mem: u32,
}

impl Tt {
    /// Number of slots holding a page.
    pub fn pages_present(&self) -> u32 {
        self.pages.iter().filter(|p| p.is_some()).count() as u32
    }

    /// TTM_PAGE_FLAG_SWAPPED is set.
    pub fn swapped(&self) -> bool {
        self.page_flags & crate::consts::page_flags::SWAPPED != 0
    }
}

/// A shmem file holding swapped-out contents ("ttm swap", spec 2.8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SwapFile {
    /// Model id.
    pub id: u32,
    /// Size in pages.
    pub num_pages: u32,
    /// Contents of each shmem page ([`CONTENT_ZERO`] until written).
    pub contents: Vec<u32>,
    /// Released by fput (its contents are gone for the kernel).
    pub released: bool,
    /// Persistent swap storage owned by a buffer-object owner; TTM never releases it.
    pub persistent: bool,
}

/// The whole observable state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct State {
    /// Physical memory.
    pub phys: Phys,
    /// The four normal pools in fixed order (spec 3.1).
    pub pools: Vec<Pool>,
    /// Normal pool options.
    pub pool_opts: PoolOpts,
    /// `_manager != NULL` (spec 3.10).
    pub pool_manager_up: bool,
    /// The pool shrinker's `start_pool` counter (spec 3.9).
    pub shrink_start: u64,
    /// DMA pools in creation order (spec 4.2).
    pub dma_pools: Vec<DmaPool>,
    /// DMA pool options.
    pub dma_opts: PoolOpts,
    /// The DMA shrinker's counter (spec 4.5).
    pub dma_shrink_start: u64,
    /// Accounting zones (spec 5.2); index 0 is "kernel".
    pub zones: Vec<MemZone>,
    /// The "ttm_swap" work item is queued (spec 5.5).
    pub swap_work_queued: bool,
    /// Bytes charged for objects with `ttm_mem_global_alloc` and not yet freed.
    pub obj_charged: u64,
    /// Every tt ever created (destroyed ones stay with `alive == false`).
    pub tts: Vec<Tt>,
    /// Every swap file ever created.
    pub swap_files: Vec<SwapFile>,
    /// Driver + device name shown by the DMA pools (spec 4.2).
    pub device_name: String,
    /// Every buffer object ever created (released ones stay with `alive == false`).
    pub bos: Vec<Bo>,
    /// Every device's memory-type managers (`bdev->man[]`, spec 6.1), device after device:
    /// device `d`'s manager of type `t` is at [`crate::bo_state::man_index`]`(d, t)` = `8d + t`.
    pub managers: Vec<Manager>,
    /// The global swap LRU (spec 6.8), head first.
    pub swap_lru: VecDeque<u32>,
    /// Each device's delayed-destroy list (`bdev->ddestroy`, spec 6.13), head first, by device.
    pub ddestroy: Vec<VecDeque<u32>>,
    /// Every fence ever emitted.
    pub fences: Vec<Fence>,
    /// Contents of on-card memory pages by (manager index, page) (each device's VRAM is its own:
    /// [`crate::bo_state::man_index`]); absent means never written
    /// ([`CONTENT_STALE`]: whatever the card held).
    pub io_contents: std::collections::BTreeMap<(u8, u64), u32>,
    /// Linux 6.12 machines: the modern model's state (mspec); `None` on 3.3. Pages, tts and swap
    /// files stay in the shared fields above.
    pub modern: Option<Box<crate::modern::MState>>,
}

fn zone(name: &str, zone_mem: u64) -> MemZone {
    // spec 5.2: max = 1/2, emer = 1/2 + 1/4, swap_limit = max - 1/8 of zone_mem (right shifts).
    let max_mem = zone_mem >> 1;
    MemZone {
        name: name.to_string(),
        zone_mem,
        emer_mem: (zone_mem >> 1) + (zone_mem >> 2),
        max_mem,
        swap_limit: max_mem - (zone_mem >> 3),
        used_mem: 0,
    }
}

impl State {
    /// The state right after boot (`ttm_mem_global_init`, `ttm_page_alloc_init`; spec 3.10, 4.2, 5.2).
    /// The configuration must have been validated.
    pub fn boot(cfg: &MachineConfig) -> State {
        let all = cfg.ram_bytes;
        let mut zones = Vec::new();
        match cfg.arch {
            Arch::X86_64 => {
                // spec 5.2: "kernel" = lowmem = all RAM on 64-bit; "dma32" (4 GiB) only when RAM > 4 GiB.
                zones.push(zone("kernel", all));
                if all > 1 << 32 {
                    zones.push(zone("dma32", 1 << 32));
                }
            }
            Arch::X86_32Highmem => {
                // spec 5.2: "kernel" = lowmem; "highmem" = all RAM when there is highmem.
                zones.push(zone("kernel", all.min(LOWMEM_32)));
                if all > LOWMEM_32 {
                    zones.push(zone("highmem", all));
                }
            }
        }
        // spec 3.2: max_pages = zone_kernel->max_mem / (2 * PAGE_SIZE).
        let max_pages = zones[0].max_mem / (2 * crate::consts::PAGE_SIZE);
        let pool = |name: &str, caching, dma32| Pool {
            name: name.to_string(),
            caching,
            dma32,
            fill_lock: false,
            list: VecDeque::new(),
            npages: 0,
            nrefills: 0,
            nfrees: 0,
        };
        State {
            phys: Phys::new(cfg),
            pools: vec![
                pool("wc", Caching::Wc, false),
                pool("uc", Caching::Uncached, false),
                pool("wc dma", Caching::Wc, true),
                pool("uc dma", Caching::Uncached, true),
            ],
            pool_opts: PoolOpts {
                max_size: max_pages,
                small: crate::consts::SMALL_ALLOCATION as u64,
                alloc_size: cfg.arch.num_pages_to_alloc() as u64,
            },
            pool_manager_up: true,
            shrink_start: 0,
            dma_pools: Vec::new(),
            dma_opts: PoolOpts {
                max_size: max_pages,
                small: crate::consts::DMA_SMALL_ALLOCATION as u64,
                alloc_size: cfg.arch.num_pages_to_alloc() as u64,
            },
            dma_shrink_start: 0,
            zones,
            swap_work_queued: false,
            obj_charged: 0,
            tts: Vec::new(),
            swap_files: Vec::new(),
            device_name: cfg.device_name.clone(),
            bos: Vec::new(),
            managers: (0..crate::bo_state::TTM_NUM_MEM_TYPES * cfg.device_count())
                .map(|_| Manager::empty())
                .collect(),
            swap_lru: VecDeque::new(),
            ddestroy: vec![VecDeque::new(); cfg.device_count()],
            fences: Vec::new(),
            io_contents: Default::default(),
            modern: cfg
                .is_modern()
                .then(|| Box::new(crate::modern::MState::boot(cfg))),
        }
    }

    /// Apply a delta (forward).
    pub fn apply(&mut self, d: &Delta) {
        self.step(d, true);
    }

    /// Undo a delta (backward).
    pub fn revert(&mut self, d: &Delta) {
        self.step(d, false);
    }

    fn step(&mut self, d: &Delta, fwd: bool) {
        match *d {
            Delta::PageMove { pfn, from, to } => {
                let (a, b) = if fwd { (from, to) } else { (to, from) };
                self.take(pfn, a);
                self.put(pfn, b);
            }
            Delta::PageAttr { pfn, old, new } => {
                if let Some(p) = self.phys.page_mut(pfn) {
                    p.attr = if fwd { new } else { old };
                }
            }
            Delta::PageContent { pfn, old, new } => {
                if let Some(p) = self.phys.page_mut(pfn) {
                    p.content = if fwd { new } else { old };
                }
            }
            Delta::Count { ctr, by } => {
                let by = if fwd { by } else { by.wrapping_neg() };
                let c = self.counter_mut(ctr);
                *c = c.wrapping_add(by as u64);
            }
            Delta::Set { var, old, new } => self.set_var(var, if fwd { new } else { old }),
            Delta::TtNew {
                id,
                num_pages,
                page_flags,
                backend,
            } => {
                if fwd {
                    debug_assert_eq!(id as usize, self.tts.len());
                    self.tts.push(Tt {
                        id,
                        num_pages,
                        page_flags,
                        caching: Caching::Cached,
                        state: TtState::Unpopulated,
                        swap_storage: None,
                        pages: Chunked::filled(num_pages as usize, None),
                        backend,
                        alive: true,
                        first_himem_page: num_pages,
                        last_lomem_page: -1,
                        agp_mem: 0,
                    });
                } else {
                    self.tts.pop();
                }
            }
            Delta::SwapNew {
                id,
                num_pages,
                persistent,
            } => {
                if fwd {
                    debug_assert_eq!(id as usize, self.swap_files.len());
                    self.swap_files.push(SwapFile {
                        id,
                        num_pages,
                        persistent,
                        contents: vec![CONTENT_ZERO; num_pages as usize],
                        released: false,
                    });
                } else {
                    self.swap_files.pop();
                }
            }
            Delta::SwapWrite {
                file,
                idx,
                old,
                new,
            } => {
                if let Some(c) = self
                    .swap_files
                    .get_mut(file as usize)
                    .and_then(|f| f.contents.get_mut(idx as usize))
                {
                    *c = if fwd { new } else { old };
                }
            }
            Delta::BoNew {
                id,
                device,
                num_pages,
                kernel,
                ghost,
            } => {
                if fwd {
                    debug_assert_eq!(id as usize, self.bos.len());
                    self.bos.push(Bo::new(id, device, num_pages, kernel, ghost));
                } else {
                    self.bos.pop();
                }
            }
            Delta::Lru {
                list,
                bo,
                pos,
                insert,
            } => {
                let l = self.list_mut(list);
                if insert == fwd {
                    l.insert(pos as usize, bo);
                } else {
                    let got = l.remove(pos as usize);
                    debug_assert_eq!(got, Some(bo), "list {list} position {pos}");
                }
            }
            Delta::Node {
                mem_type,
                start,
                len,
                bo,
                alloc,
            } => {
                let m = &mut self.managers[mem_type as usize];
                if alloc == fwd {
                    m.nodes.insert(start, Node { len, bo });
                } else {
                    m.nodes.remove(&start);
                }
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
                let m = &mut self.managers[mem_type as usize];
                if fwd {
                    *m = Manager {
                        has_type: true,
                        kind,
                        flags,
                        available_caching,
                        default_caching,
                        size,
                        gpu_offset,
                        max_pages,
                        nodes: Default::default(),
                        lru: VecDeque::new(),
                    };
                } else {
                    *m = Manager::empty();
                }
            }
            Delta::IoContent {
                mem_type,
                page,
                old,
                new,
            } => {
                let v = if fwd { new } else { old };
                if v == CONTENT_STALE {
                    self.io_contents.remove(&(mem_type, page));
                } else {
                    self.io_contents.insert((mem_type, page), v);
                }
            }
            Delta::FenceNew { id } => {
                if fwd {
                    debug_assert_eq!(id as usize, self.fences.len());
                    self.fences.push(Fence {
                        id,
                        signaled: false,
                    });
                } else {
                    self.fences.pop();
                }
            }
            Delta::DmaPoolNew { id, ptype, zero } => {
                if fwd {
                    debug_assert_eq!(id as usize, self.dma_pools.len());
                    self.dma_pools.push(DmaPool {
                        ptype,
                        name: dma_type::name(ptype),
                        dev_name: self.device_name.clone(),
                        zero,
                        free: VecDeque::new(),
                        npages_free: 0,
                        npages_in_use: 0,
                        nrefills: 0,
                        nfrees: 0,
                    });
                } else {
                    self.dma_pools.pop();
                }
            }
            Delta::Modern(m) => {
                if let Some(ms) = self.modern.as_deref_mut() {
                    ms.step(&m, fwd);
                }
            }
        }
    }

    fn take(&mut self, pfn: u64, at: Loc) {
        let got = match at {
            Loc::Fresh => {
                let zi = self.phys.zone_of(pfn);
                let z = &mut self.phys.zones[zi];
                debug_assert_eq!(z.bump, pfn, "fresh allocation out of order");
                z.bump += 1;
                z.pages.push(PageRec {
                    attr: Attr::Wb,
                    content: CONTENT_STALE,
                });
                Some(pfn)
            }
            Loc::Free => {
                let zi = self.phys.zone_of(pfn);
                self.phys.zones[zi].free.pop()
            }
            Loc::Pool { pool, end } => pop(&mut self.pools[pool as usize].list, end),
            Loc::Dma { pool, end } => pop(&mut self.dma_pools[pool as usize].free, end),
            Loc::Tt { tt, slot } => self.tts[tt as usize].pages[slot as usize].take(),
            Loc::Local { list, end } => {
                let got = self
                    .phys
                    .locals
                    .get_mut(list as usize)
                    .and_then(|l| pop(l, end));
                while self.phys.locals.last().is_some_and(VecDeque::is_empty) {
                    self.phys.locals.pop();
                }
                got
            }
            Loc::Leaked => self.phys.leaked.pop(),
            Loc::MPool { pt } => self
                .modern
                .as_deref_mut()
                .and_then(|m| m.pool_types.get_mut(pt as usize))
                .and_then(|t| t.pages.pop_front()),
        };
        debug_assert_eq!(got, Some(pfn), "page {pfn:#x} was not at {at:?}");
    }

    fn put(&mut self, pfn: u64, at: Loc) {
        match at {
            Loc::Fresh => {
                // Only reached when reverting a fresh allocation: the page becomes never-used again.
                let zi = self.phys.zone_of(pfn);
                let z = &mut self.phys.zones[zi];
                debug_assert_eq!(z.bump, pfn + 1);
                z.bump -= 1;
                z.pages.pop();
            }
            Loc::Free => {
                let zi = self.phys.zone_of(pfn);
                self.phys.zones[zi].free.push(pfn);
            }
            Loc::Pool { pool, end } => push(&mut self.pools[pool as usize].list, end, pfn),
            Loc::Dma { pool, end } => push(&mut self.dma_pools[pool as usize].free, end, pfn),
            Loc::Tt { tt, slot } => {
                let s = &mut self.tts[tt as usize].pages[slot as usize];
                debug_assert!(s.is_none(), "slot {slot} of tt {tt} is occupied");
                *s = Some(pfn);
            }
            Loc::Local { list, end } => {
                let l = list as usize;
                if self.phys.locals.len() <= l {
                    self.phys.locals.resize_with(l + 1, VecDeque::new);
                }
                push(&mut self.phys.locals[l], end, pfn);
            }
            Loc::Leaked => self.phys.leaked.push(pfn),
            Loc::MPool { pt } => {
                if let Some(t) = self
                    .modern
                    .as_deref_mut()
                    .and_then(|m| m.pool_types.get_mut(pt as usize))
                {
                    t.pages.push_front(pfn);
                }
            }
        }
    }

    fn counter_mut(&mut self, c: Ctr) -> &mut u64 {
        match c {
            Ctr::PoolNpages(i) => &mut self.pools[i as usize].npages,
            Ctr::PoolNrefills(i) => &mut self.pools[i as usize].nrefills,
            Ctr::PoolNfrees(i) => &mut self.pools[i as usize].nfrees,
            Ctr::ZoneUsed(z) => &mut self.zones[z as usize].used_mem,
            Ctr::DmaFree(p) => &mut self.dma_pools[p as usize].npages_free,
            Ctr::DmaInUse(p) => &mut self.dma_pools[p as usize].npages_in_use,
            Ctr::DmaNrefills(p) => &mut self.dma_pools[p as usize].nrefills,
            Ctr::DmaNfrees(p) => &mut self.dma_pools[p as usize].nfrees,
            Ctr::ShrinkStart => &mut self.shrink_start,
            Ctr::DmaShrinkStart => &mut self.dma_shrink_start,
            Ctr::ObjCharged => &mut self.obj_charged,
        }
    }

    /// Current value of a counter.
    pub fn counter(&self, c: Ctr) -> u64 {
        match c {
            Ctr::PoolNpages(i) => self.pools[i as usize].npages,
            Ctr::PoolNrefills(i) => self.pools[i as usize].nrefills,
            Ctr::PoolNfrees(i) => self.pools[i as usize].nfrees,
            Ctr::ZoneUsed(z) => self.zones[z as usize].used_mem,
            Ctr::DmaFree(p) => self.dma_pools[p as usize].npages_free,
            Ctr::DmaInUse(p) => self.dma_pools[p as usize].npages_in_use,
            Ctr::DmaNrefills(p) => self.dma_pools[p as usize].nrefills,
            Ctr::DmaNfrees(p) => self.dma_pools[p as usize].nfrees,
            Ctr::ShrinkStart => self.shrink_start,
            Ctr::DmaShrinkStart => self.dma_shrink_start,
            Ctr::ObjCharged => self.obj_charged,
        }
    }

    /// Current value of a scalar.
    pub fn var(&self, v: Var) -> u64 {
        match v {
            Var::TtState(t) => self.tts[t as usize].state as u64,
            Var::TtCaching(t) => self.tts[t as usize].caching as u64,
            Var::TtFlags(t) => self.tts[t as usize].page_flags as u64,
            Var::TtSwap(t) => self.tts[t as usize]
                .swap_storage
                .map_or(0, |s| s as u64 + 1),
            Var::TtAlive(t) => self.tts[t as usize].alive as u64,
            Var::TtFirstHimem(t) => self.tts[t as usize].first_himem_page as u64,
            Var::TtLastLomem(t) => (self.tts[t as usize].last_lomem_page + 1) as u64,
            Var::TtAgpMem(t) => self.tts[t as usize].agp_mem as u64,
            Var::SwapReleased(f) => self.swap_files[f as usize].released as u64,
            Var::PoolFillLock(i) => self.pools[i as usize].fill_lock as u64,
            Var::PoolOpt(f) => opt(&self.pool_opts, f),
            Var::DmaOpt(f) => opt(&self.dma_opts, f),
            Var::Zone(z, f) => {
                let z = &self.zones[z as usize];
                match f {
                    ZoneField::Emer => z.emer_mem,
                    ZoneField::Max => z.max_mem,
                    ZoneField::SwapLimit => z.swap_limit,
                }
            }
            Var::SwapWorkQueued => self.swap_work_queued as u64,
            Var::PoolManagerUp => self.pool_manager_up as u64,
            Var::Bo(b, f) => self.bos[b as usize].get(f),
            Var::FenceSignaled(i) => self.fences[i as usize].signaled as u64,
        }
    }

    fn set_var(&mut self, v: Var, x: u64) {
        match v {
            Var::TtState(t) => {
                self.tts[t as usize].state =
                    TtState::from_u8(x as u8).unwrap_or(TtState::Unpopulated)
            }
            Var::TtCaching(t) => {
                self.tts[t as usize].caching = Caching::from_u8(x as u8).unwrap_or(Caching::Cached)
            }
            Var::TtFlags(t) => self.tts[t as usize].page_flags = x as u32,
            Var::TtSwap(t) => {
                self.tts[t as usize].swap_storage = x.checked_sub(1).map(|s| s as u32)
            }
            Var::TtAlive(t) => self.tts[t as usize].alive = x != 0,
            Var::TtFirstHimem(t) => self.tts[t as usize].first_himem_page = x as u32,
            Var::TtLastLomem(t) => self.tts[t as usize].last_lomem_page = x as i64 - 1,
            Var::TtAgpMem(t) => self.tts[t as usize].agp_mem = x as u32,
            Var::SwapReleased(f) => self.swap_files[f as usize].released = x != 0,
            Var::PoolFillLock(i) => self.pools[i as usize].fill_lock = x != 0,
            Var::PoolOpt(f) => *opt_mut(&mut self.pool_opts, f) = x,
            Var::DmaOpt(f) => *opt_mut(&mut self.dma_opts, f) = x,
            Var::Zone(z, f) => {
                let z = &mut self.zones[z as usize];
                match f {
                    ZoneField::Emer => z.emer_mem = x,
                    ZoneField::Max => z.max_mem = x,
                    ZoneField::SwapLimit => z.swap_limit = x,
                }
            }
            Var::SwapWorkQueued => self.swap_work_queued = x != 0,
            Var::PoolManagerUp => self.pool_manager_up = x != 0,
            Var::Bo(b, f) => self.bos[b as usize].put(f, x),
            Var::FenceSignaled(i) => self.fences[i as usize].signaled = x != 0,
        }
    }

    /// An LRU-like list by [`crate::bo_state::list_id`]: a device's memory-type LRUs and
    /// delayed-destroy list, or (8) the global swap LRU.
    pub fn list(&self, id: u8) -> &VecDeque<u32> {
        match list_parts(id) {
            (_, LIST_SWAP) => &self.swap_lru,
            (d, LIST_DDESTROY) => &self.ddestroy[d as usize],
            (d, t) => &self.managers[man_index(d, t)].lru,
        }
    }

    fn list_mut(&mut self, id: u8) -> &mut VecDeque<u32> {
        match list_parts(id) {
            (_, LIST_SWAP) => &mut self.swap_lru,
            (d, LIST_DDESTROY) => &mut self.ddestroy[d as usize],
            (d, t) => &mut self.managers[man_index(d, t)].lru,
        }
    }

    /// How many `ttm_bo_device`s the machine has (the global `device_list`, spec 6.1).
    pub fn device_count(&self) -> usize {
        self.ddestroy.len()
    }

    /// Device `dev`'s manager of `mem_type` (`bdev->man[mem_type]`, spec 6.1).
    pub fn man(&self, dev: u8, mem_type: u8) -> &Manager {
        &self.managers[man_index(dev, mem_type)]
    }

    /// Buffer object `bo` is busy: its `sync_obj` is a fence the GPU has not passed yet, so
    /// `ttm_bo_wait` would wait (spec 6.7 accel moves, 7.1 `sync_obj_signaled`).
    pub fn bo_busy(&self, bo: u32) -> bool {
        self.bos
            .get(bo as usize)
            .and_then(|b| b.fence)
            .and_then(|f| self.fences.get(f as usize))
            .is_some_and(|f| !f.signaled)
    }

    /// Pages not in system memory (in pools, tts, local lists or leaked).
    pub fn pages_out_of_system(&self) -> u64 {
        self.phys
            .zones
            .iter()
            .map(|z| z.bump - z.start - z.free.len() as u64)
            .sum()
    }
}

fn opt(o: &PoolOpts, f: OptField) -> u64 {
    match f {
        OptField::MaxSize => o.max_size,
        OptField::Small => o.small,
        OptField::AllocSize => o.alloc_size,
    }
}

fn opt_mut(o: &mut PoolOpts, f: OptField) -> &mut u64 {
    match f {
        OptField::MaxSize => &mut o.max_size,
        OptField::Small => &mut o.small,
        OptField::AllocSize => &mut o.alloc_size,
    }
}

fn pop(l: &mut VecDeque<u64>, end: End) -> Option<u64> {
    match end {
        End::Head => l.pop_front(),
        End::Tail => l.pop_back(),
    }
}

fn push(l: &mut VecDeque<u64>, end: End, pfn: u64) {
    match end {
        End::Head => l.push_front(pfn),
        End::Tail => l.push_back(pfn),
    }
}
