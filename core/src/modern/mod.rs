//! The Linux 6.12 model (issue 18), beside the 3.3 one: `../shared/ttm-modern-spec.md` ("mspec")
//! is its source of truth, cited as "mspec N.M".
//!
//! It shares with 3.3 what the two kernels really share: the machine's physical pages
//! ([`crate::state::Phys`], system allocation through `Sim::alloc_page`), the `ttm_tt` objects
//! and their page arrays ([`crate::state::Tt`]), the shmem swap files, the trace, the stepper,
//! scenarios and narration. Its own state — the global limits and counters, the pool types and
//! the shrinker list, resource managers, resources, LRUs, the pinned list and buffer objects — is
//! [`MState`], changed only through [`MDelta`] (wrapped in [`crate::Delta::Modern`]).
//!
//! Modules mirror the v6.12 files: [`ttm_device`], [`ttm_tt`], [`ttm_pool`], [`ttm_resource`],
//! [`ttm_range_manager`], [`ttm_sys_manager`], [`ttm_bo`], [`ttm_bo_util`], plus the generic
//! driver of mspec 8.1 ([`gen`]), the user actions and the 3.3 → 6.12 replay rules ([`ops`],
//! mspec 9.6) and the invariant checker ([`check`], mspec 11.1).
//!
//! Modelling notes (choices where the model is coarser than the kernel):
//! * A page block is a run of consecutive slots of a tt's page array (and of consecutive
//!   entries of a pool type's list); its pages are not physically contiguous in the model,
//!   because the shared page allocator is no buddy allocator. A fresh block of order `o`
//!   succeeds when the system has `2^o` free pages and the fault plan's `block_alloc` does not
//!   fail it (mspec 4.3).
//! * The order of a block lives, as in the kernel, in its head page's `private`
//!   ([`MState::private`]; absent = 0).

pub mod check;
pub mod gen;
pub mod ops;
pub mod summary;
pub mod ttm_bo;
pub mod ttm_bo_util;
pub mod ttm_device;
pub mod ttm_pool;
pub mod ttm_range_manager;
pub mod ttm_resource;
pub mod ttm_sys_manager;
pub mod ttm_tt;

use crate::config::MachineConfig;
use crate::consts::Caching;
use crate::sim::Sim;
use crate::state::Delta;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// `MAX_PAGE_ORDER` on x86-64 (mspec 0.3).
pub const MAX_PAGE_ORDER: u8 = 10;
/// `NR_PAGE_ORDERS` (orders 0..10).
pub const NR_PAGE_ORDERS: usize = 11;
/// `TTM_MAX_BO_PRIORITY` (mspec 1.3).
pub const TTM_MAX_BO_PRIORITY: usize = 4;
/// `TTM_NUM_MEM_TYPES` (mspec 1.3).
pub const TTM_NUM_MEM_TYPES: usize = 8;
/// `TTM_PL_SYSTEM`, `TTM_PL_TT`, `TTM_PL_VRAM` (mspec 1.3).
pub const PL_SYSTEM: u8 = 0;
/// `TTM_PL_TT`.
pub const PL_TT: u8 = 1;
/// `TTM_PL_VRAM`.
pub const PL_VRAM: u8 = 2;
/// 2 GiB in pages, the cap of `dma32_pages_limit` (mspec 2.2).
pub const DMA32_CAP_PAGES: u64 = 2 << (30 - 12);
/// The LRU list id of `bdev->pinned` in [`MDelta::Lru`] (ids below are `mem_type * 4 + priority`).
pub const LIST_PINNED: u8 = 32;

/// `ttm->page_flags` bits of v6.12 (mspec 1.1).
pub mod tt_flags {
    /// TTM_TT_FLAG_SWAPPED
    pub const SWAPPED: u32 = 1 << 0;
    /// TTM_TT_FLAG_ZERO_ALLOC
    pub const ZERO_ALLOC: u32 = 1 << 1;
    /// TTM_TT_FLAG_EXTERNAL
    pub const EXTERNAL: u32 = 1 << 2;
    /// TTM_TT_FLAG_EXTERNAL_MAPPABLE
    pub const EXTERNAL_MAPPABLE: u32 = 1 << 3;
    /// TTM_TT_FLAG_DECRYPTED
    pub const DECRYPTED: u32 = 1 << 4;
    /// TTM_TT_FLAG_PRIV_POPULATED
    pub const PRIV_POPULATED: u32 = 1 << 5;

    /// The flags by name, `|`-separated ("0" when none).
    pub fn describe(f: u32) -> String {
        let names = [
            "SWAPPED",
            "ZERO_ALLOC",
            "EXTERNAL",
            "EXTERNAL_MAPPABLE",
            "DECRYPTED",
            "PRIV_POPULATED",
        ];
        let v: Vec<&str> = (0..6)
            .filter(|i| f & (1 << i) != 0)
            .map(|i| names[i])
            .collect();
        if v.is_empty() {
            "0".to_string()
        } else {
            v.join("|")
        }
    }
}

/// `ttm_place.flags` (mspec 1.4).
pub mod place_flags {
    /// TTM_PL_FLAG_CONTIGUOUS
    pub const CONTIGUOUS: u32 = 1 << 0;
    /// TTM_PL_FLAG_TOPDOWN
    pub const TOPDOWN: u32 = 1 << 1;
    /// TTM_PL_FLAG_TEMPORARY
    pub const TEMPORARY: u32 = 1 << 2;
    /// TTM_PL_FLAG_DESIRED
    pub const DESIRED: u32 = 1 << 3;
    /// TTM_PL_FLAG_FALLBACK
    pub const FALLBACK: u32 = 1 << 4;
}

/// `enum ttm_bo_type` (mspec 1.5).
pub mod bo_type {
    /// ttm_bo_type_device
    pub const DEVICE: u8 = 0;
    /// ttm_bo_type_kernel
    pub const KERNEL: u8 = 1;
    /// ttm_bo_type_sg
    pub const SG: u8 = 2;
}

/// One pool type: free blocks of one caching and order (`struct ttm_pool_type`, mspec 4.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PoolType {
    /// Caching of its blocks.
    pub caching: Caching,
    /// Block order.
    pub order: u8,
    /// A global dma32 type.
    pub dma32: bool,
    /// Owned by the device's pool (DMA alloc or NUMA node), not global.
    pub device: bool,
    /// The blocks' pages, head block first; each block is `2^order` consecutive entries.
    pub pages: VecDeque<u64>,
}

impl PoolType {
    /// Number of blocks (list entries, what debugfs counts; mspec 4.10).
    pub fn blocks(&self) -> u64 {
        (self.pages.len() >> self.order) as u64
    }

    /// The debugfs-style name: "wc\[4\]", "uc 32\[0\]", "DMA cached\[3\]".
    pub fn name(&self) -> String {
        let c = match self.caching {
            Caching::Wc => "wc",
            Caching::Uncached => "uc",
            Caching::Cached => "cached",
        };
        match (self.device, self.dma32) {
            (true, _) => format!("device {c}[{}]", self.order),
            (false, true) => format!("{c} 32[{}]", self.order),
            (false, false) => format!("{c}[{}]", self.order),
        }
    }
}

/// A resource manager (`struct ttm_resource_manager`, mspec 5.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MMan {
    /// Registered and enabled (`use_type`).
    pub used: bool,
    /// A drm_mm range manager (mspec 5.4); else the SYSTEM manager (mspec 5.3).
    pub range: bool,
    /// `use_tt`: the backing store is a ttm_tt.
    pub use_tt: bool,
    /// Size in pages (range managers; 0 for SYSTEM).
    pub size: u64,
    /// `usage`: bytes of all live resources (mspec 5.1).
    pub usage: u64,
    /// `lru[priority]`: resource ids, head first (mspec 5.5).
    pub lru: [VecDeque<u32>; TTM_MAX_BO_PRIORITY],
}

/// A `struct ttm_resource` (mspec 5.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Res {
    /// Model id.
    pub id: u32,
    /// Owner BO.
    pub bo: u32,
    /// Memory type.
    pub mem_type: u8,
    /// Start page in the manager (0 for SYSTEM).
    pub start: u64,
    /// Pages (`PFN_UP(size)`).
    pub pages: u64,
    /// Place flags it was allocated with.
    pub flags: u32,
    /// Not yet freed.
    pub alive: bool,
}

/// Who holds a BO's reservation lock (the model's stand-in for the ww-mutex, mspec 6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Holder {
    /// Unlocked.
    None,
    /// Locked by the caller of the current operation (a trylock by a walker fails, mspec 3.4).
    Caller,
    /// Locked by another thread (every trylock fails until the user releases it).
    Other,
}

/// A `struct ttm_buffer_object` (mspec 6.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MBo {
    /// Model id.
    pub id: u32,
    /// Pages (`PFN_UP(base.size)`).
    pub num_pages: u32,
    /// [`bo_type`].
    pub btype: u8,
    /// The caching the driver gives its tt (mspec 8.1: per-BO parameter).
    pub caching: Caching,
    /// LRU priority 0..3.
    pub priority: u8,
    /// Current resource.
    pub res: Option<u32>,
    /// Its tt.
    pub tt: Option<u32>,
    /// `pin_count`.
    pub pin_count: u32,
    /// The reservation lock.
    pub lock: Holder,
    /// A zombie awaiting delayed delete (mspec 6.10).
    pub deleted: bool,
    /// Not yet released.
    pub alive: bool,
}

impl MBo {
    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.num_pages as u64 * crate::consts::PAGE_SIZE
    }
}

/// A field of a modern BO set by [`MVar::Bo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub enum MBoField {
    /// resource id + 1 (0 = none)
    Res,
    /// tt id + 1 (0 = none)
    Tt,
    PinCount,
    /// 0 none, 1 caller, 2 other
    Lock,
    Deleted,
    Alive,
}

/// A counter of the modern model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MCtr {
    /// `ttm_pages_allocated` (mspec 3.8).
    PagesAllocated,
    /// `ttm_dma32_pages_allocated`.
    Dma32PagesAllocated,
    /// The pool's `allocated_pages` (mspec 4.6).
    PoolAllocated,
    /// A manager's `usage` in bytes (mspec 5.1).
    Usage(u8),
    /// `ctx->bytes_moved` summed over every operation (mspec 1.5).
    BytesMoved,
    /// `ttm_glob.bo_count`.
    BoCount,
}

/// A scalar of the modern model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MVar {
    /// Module parameter `page_pool_size`.
    PagePoolSize,
    /// Module parameter `pages_limit`.
    PagesLimit,
    /// Module parameter `dma32_pages_limit`.
    Dma32PagesLimit,
    /// `ttm_glob` exists (its use count is 1).
    GlobalUp,
    /// A resource is alive (1) or freed (0).
    ResAlive(u32),
    /// A BO field.
    Bo(u32, MBoField),
}

/// One change to [`MState`]; applying then reverting it is the identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MDelta {
    /// A counter changes by `by`.
    Count {
        /// Which.
        ctr: MCtr,
        /// Signed change.
        by: i64,
    },
    /// A scalar is set.
    Set {
        /// Which.
        var: MVar,
        /// Before.
        old: u64,
        /// After.
        new: u64,
    },
    /// A head page's `private` (the block order; 0 = none) changes.
    Private {
        /// Page.
        pfn: u64,
        /// Before.
        old: u8,
        /// After.
        new: u8,
    },
    /// A pool type enters or leaves the shrinker list at `pos` (mspec 4.2).
    Shrinker {
        /// Pool type index.
        pt: u16,
        /// Position.
        pos: u32,
        /// Insert (true) or remove.
        insert: bool,
    },
    /// A resource enters or leaves an LRU (`mem_type * 4 + priority`) or the pinned list.
    Lru {
        /// List id ([`LIST_PINNED`] for `bdev->pinned`).
        list: u8,
        /// Resource id.
        res: u32,
        /// Position.
        pos: u32,
        /// Insert (true) or remove.
        insert: bool,
    },
    /// A manager is registered and enabled.
    ManInit {
        /// Memory type.
        mem_type: u8,
        /// A range manager (else SYSTEM).
        range: bool,
        /// `use_tt`.
        use_tt: bool,
        /// Size in pages.
        size: u64,
    },
    /// A resource is created (the next id), alive.
    ResNew {
        /// Its id.
        id: u32,
        /// Owner.
        bo: u32,
        /// Memory type.
        mem_type: u8,
        /// Start page.
        start: u64,
        /// Pages.
        pages: u64,
        /// Place flags.
        flags: u32,
    },
    /// A BO is created (the next id): alive, locked by its creator, no resource, no tt.
    BoNew {
        /// Its id.
        id: u32,
        /// Pages.
        num_pages: u32,
        /// [`bo_type`].
        btype: u8,
        /// The caching of its tt.
        caching: Caching,
        /// LRU priority.
        priority: u8,
    },
}

/// The kind of an [`MDelta`] (for the pseudocode tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum MKind {
    Count(MCtrKind),
    Set(MVarKind),
    Private,
    Shrinker(bool),
    Lru(bool),
    ManInit,
    ResNew,
    BoNew,
}

/// A counter without its manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum MCtrKind {
    PagesAllocated,
    Dma32PagesAllocated,
    PoolAllocated,
    Usage,
    BytesMoved,
    BoCount,
}

/// A scalar without its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum MVarKind {
    Param,
    GlobalUp,
    ResAlive,
    Bo(MBoField),
}

impl MDelta {
    /// Its kind.
    pub fn kind(&self) -> MKind {
        match *self {
            MDelta::Count { ctr, .. } => MKind::Count(match ctr {
                MCtr::PagesAllocated => MCtrKind::PagesAllocated,
                MCtr::Dma32PagesAllocated => MCtrKind::Dma32PagesAllocated,
                MCtr::PoolAllocated => MCtrKind::PoolAllocated,
                MCtr::Usage(_) => MCtrKind::Usage,
                MCtr::BytesMoved => MCtrKind::BytesMoved,
                MCtr::BoCount => MCtrKind::BoCount,
            }),
            MDelta::Set { var, .. } => MKind::Set(match var {
                MVar::PagePoolSize | MVar::PagesLimit | MVar::Dma32PagesLimit => MVarKind::Param,
                MVar::GlobalUp => MVarKind::GlobalUp,
                MVar::ResAlive(_) => MVarKind::ResAlive,
                MVar::Bo(_, f) => MVarKind::Bo(f),
            }),
            MDelta::Private { .. } => MKind::Private,
            MDelta::Shrinker { insert, .. } => MKind::Shrinker(insert),
            MDelta::Lru { insert, .. } => MKind::Lru(insert),
            MDelta::ManInit { .. } => MKind::ManInit,
            MDelta::ResNew { .. } => MKind::ResNew,
            MDelta::BoNew { .. } => MKind::BoNew,
        }
    }

    /// The trace encoding: a sub-tag and varint values (signed values zig-zagged).
    pub(crate) fn encode(&self) -> (u8, Vec<u64>) {
        let zig = |x: i64| ((x << 1) ^ (x >> 63)) as u64;
        match *self {
            MDelta::Count { ctr, by } => {
                let (c, x) = ctr_code(ctr);
                (0, vec![c, x, zig(by)])
            }
            MDelta::Set { var, old, new } => {
                let (c, x, f) = var_code(var);
                (1, vec![c, x, f, old, new])
            }
            MDelta::Private { pfn, old, new } => (2, vec![pfn, old as u64, new as u64]),
            MDelta::Shrinker { pt, pos, insert } => (3, vec![pt as u64, pos as u64, insert as u64]),
            MDelta::Lru {
                list,
                res,
                pos,
                insert,
            } => (4, vec![list as u64, res as u64, pos as u64, insert as u64]),
            MDelta::ManInit {
                mem_type,
                range,
                use_tt,
                size,
            } => (5, vec![mem_type as u64, range as u64, use_tt as u64, size]),
            MDelta::ResNew {
                id,
                bo,
                mem_type,
                start,
                pages,
                flags,
            } => (
                6,
                vec![
                    id as u64,
                    bo as u64,
                    mem_type as u64,
                    start,
                    pages,
                    flags as u64,
                ],
            ),
            MDelta::BoNew {
                id,
                num_pages,
                btype,
                caching,
                priority,
            } => (
                7,
                vec![
                    id as u64,
                    num_pages as u64,
                    btype as u64,
                    caching as u64,
                    priority as u64,
                ],
            ),
        }
    }

    /// Decode what [`MDelta::encode`] wrote; `None` on a malformed stream.
    pub(crate) fn decode(tag: u8, v: &mut dyn FnMut() -> Option<u64>) -> Option<MDelta> {
        let unzig = |x: u64| ((x >> 1) as i64) ^ -((x & 1) as i64);
        Some(match tag {
            0 => {
                let c = v()?;
                let x = v()?;
                MDelta::Count {
                    ctr: ctr_decode(c, x)?,
                    by: unzig(v()?),
                }
            }
            1 => {
                let (c, x, f) = (v()?, v()?, v()?);
                MDelta::Set {
                    var: var_decode(c, x, f)?,
                    old: v()?,
                    new: v()?,
                }
            }
            2 => MDelta::Private {
                pfn: v()?,
                old: v()? as u8,
                new: v()? as u8,
            },
            3 => MDelta::Shrinker {
                pt: v()? as u16,
                pos: v()? as u32,
                insert: v()? != 0,
            },
            4 => MDelta::Lru {
                list: v()? as u8,
                res: v()? as u32,
                pos: v()? as u32,
                insert: v()? != 0,
            },
            5 => MDelta::ManInit {
                mem_type: v()? as u8,
                range: v()? != 0,
                use_tt: v()? != 0,
                size: v()?,
            },
            6 => MDelta::ResNew {
                id: v()? as u32,
                bo: v()? as u32,
                mem_type: v()? as u8,
                start: v()?,
                pages: v()?,
                flags: v()? as u32,
            },
            7 => MDelta::BoNew {
                id: v()? as u32,
                num_pages: v()? as u32,
                btype: v()? as u8,
                caching: Caching::from_u8(v()? as u8)?,
                priority: v()? as u8,
            },
            _ => return None,
        })
    }
}

fn ctr_code(c: MCtr) -> (u64, u64) {
    match c {
        MCtr::PagesAllocated => (0, 0),
        MCtr::Dma32PagesAllocated => (1, 0),
        MCtr::PoolAllocated => (2, 0),
        MCtr::Usage(m) => (3, m as u64),
        MCtr::BytesMoved => (4, 0),
        MCtr::BoCount => (5, 0),
    }
}

fn ctr_decode(c: u64, x: u64) -> Option<MCtr> {
    Some(match c {
        0 => MCtr::PagesAllocated,
        1 => MCtr::Dma32PagesAllocated,
        2 => MCtr::PoolAllocated,
        3 => MCtr::Usage(x as u8),
        4 => MCtr::BytesMoved,
        5 => MCtr::BoCount,
        _ => return None,
    })
}

const BO_FIELDS: [MBoField; 6] = [
    MBoField::Res,
    MBoField::Tt,
    MBoField::PinCount,
    MBoField::Lock,
    MBoField::Deleted,
    MBoField::Alive,
];

fn var_code(v: MVar) -> (u64, u64, u64) {
    match v {
        MVar::PagePoolSize => (0, 0, 0),
        MVar::PagesLimit => (1, 0, 0),
        MVar::Dma32PagesLimit => (2, 0, 0),
        MVar::GlobalUp => (3, 0, 0),
        MVar::ResAlive(r) => (4, r as u64, 0),
        MVar::Bo(b, f) => (
            5,
            b as u64,
            BO_FIELDS.iter().position(|&x| x == f).unwrap_or(0) as u64,
        ),
    }
}

fn var_decode(c: u64, x: u64, f: u64) -> Option<MVar> {
    Some(match c {
        0 => MVar::PagePoolSize,
        1 => MVar::PagesLimit,
        2 => MVar::Dma32PagesLimit,
        3 => MVar::GlobalUp,
        4 => MVar::ResAlive(x as u32),
        5 => MVar::Bo(x as u32, *BO_FIELDS.get(f as usize)?),
        _ => return None,
    })
}

/// The Linux 6.12 model's own state (mspec 2–6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MState {
    /// Module parameter `page_pool_size` (pages; mspec 2.2).
    pub page_pool_size: u64,
    /// Module parameter `pages_limit` (pages).
    pub pages_limit: u64,
    /// Module parameter `dma32_pages_limit` (pages).
    pub dma32_pages_limit: u64,
    /// `ttm_pages_allocated` (TPA, mspec 3.8).
    pub pages_allocated: u64,
    /// `ttm_dma32_pages_allocated`.
    pub dma32_pages_allocated: u64,
    /// The pool's `allocated_pages` (PAP, mspec 4.6).
    pub pool_allocated: u64,
    /// `ttm_glob` has been created.
    pub global_up: bool,
    /// Pool configuration of the one device (mspec 4.1): DMA alloc.
    pub use_dma_alloc: bool,
    /// `use_dma32`.
    pub use_dma32: bool,
    /// The device has a NUMA node.
    pub numa_node: bool,
    /// Every pool type: 0..43 the global ones (index = order × 4 + kind, kind wc, uc, wc32,
    /// uc32), then the device's own (mspec 4.1, 4.2).
    pub pool_types: Vec<PoolType>,
    /// The shrinker list, head first: pool type indices (mspec 4.2).
    pub shrinker: VecDeque<u16>,
    /// Head pages' `private` (block order) where it is not 0.
    pub private: BTreeMap<u64, u8>,
    /// Managers by memory type (mspec 5.1).
    pub managers: Vec<MMan>,
    /// `bdev->pinned`: resource ids, head first (mspec 5.5).
    pub pinned: VecDeque<u32>,
    /// Every resource ever created.
    pub resources: Vec<Res>,
    /// Every BO ever created.
    pub bos: Vec<MBo>,
    /// `ctx->bytes_moved` summed over all operations (bytes).
    pub bytes_moved: u64,
    /// `ttm_glob.bo_count`.
    pub bo_count: u64,
}

impl MState {
    /// Before `ttm_device_init`: every pool type exists (empty) but none is on the shrinker list;
    /// parameters are the load-time values (0 = "default at init", mspec 2.2).
    pub fn boot(cfg: &MachineConfig) -> MState {
        let m = &cfg.modern;
        let mut pool_types = Vec::new();
        // mspec 4.2: global types appended per order as wc, uc, wc32, uc32.
        for order in 0..NR_PAGE_ORDERS as u8 {
            for (caching, dma32) in [
                (Caching::Wc, false),
                (Caching::Uncached, false),
                (Caching::Wc, true),
                (Caching::Uncached, true),
            ] {
                pool_types.push(PoolType {
                    caching,
                    order,
                    dma32,
                    device: false,
                    pages: VecDeque::new(),
                });
            }
        }
        // mspec 4.1/4.2: per-device types, in the order ttm_pool_init appends them.
        let dma = m.use_dma_alloc || cfg.swiotlb;
        let device_cachings: &[Caching] = if dma {
            &[Caching::Uncached, Caching::Wc, Caching::Cached]
        } else if m.numa_node {
            &[Caching::Uncached, Caching::Wc]
        } else {
            &[]
        };
        for &caching in device_cachings {
            for order in 0..NR_PAGE_ORDERS as u8 {
                pool_types.push(PoolType {
                    caching,
                    order,
                    dma32: false,
                    device: true,
                    pages: VecDeque::new(),
                });
            }
        }
        MState {
            page_pool_size: m.page_pool_size,
            pages_limit: m.pages_limit,
            dma32_pages_limit: m.dma32_pages_limit,
            pages_allocated: 0,
            dma32_pages_allocated: 0,
            pool_allocated: 0,
            global_up: false,
            use_dma_alloc: dma,
            use_dma32: m.use_dma32 || cfg.need_dma32,
            numa_node: m.numa_node,
            pool_types,
            shrinker: VecDeque::new(),
            private: BTreeMap::new(),
            managers: vec![MMan::default(); TTM_NUM_MEM_TYPES],
            pinned: VecDeque::new(),
            resources: Vec::new(),
            bos: Vec::new(),
            bytes_moved: 0,
            bo_count: 0,
        }
    }

    /// Apply (`fwd`) or revert a delta.
    pub(crate) fn step(&mut self, d: &MDelta, fwd: bool) {
        match *d {
            MDelta::Count { ctr, by } => {
                let by = if fwd { by } else { by.wrapping_neg() };
                let c = self.counter_mut(ctr);
                *c = c.wrapping_add(by as u64);
            }
            MDelta::Set { var, old, new } => self.set_var(var, if fwd { new } else { old }),
            MDelta::Private { pfn, old, new } => {
                let v = if fwd { new } else { old };
                if v == 0 {
                    self.private.remove(&pfn);
                } else {
                    self.private.insert(pfn, v);
                }
            }
            MDelta::Shrinker { pt, pos, insert } => {
                if insert == fwd {
                    self.shrinker.insert(pos as usize, pt);
                } else {
                    self.shrinker.remove(pos as usize);
                }
            }
            MDelta::Lru {
                list,
                res,
                pos,
                insert,
            } => {
                let l = self.list_mut(list);
                if insert == fwd {
                    l.insert(pos as usize, res);
                } else {
                    l.remove(pos as usize);
                }
            }
            MDelta::ManInit {
                mem_type,
                range,
                use_tt,
                size,
            } => {
                self.managers[mem_type as usize] = if fwd {
                    MMan {
                        used: true,
                        range,
                        use_tt,
                        size,
                        ..MMan::default()
                    }
                } else {
                    MMan::default()
                };
            }
            MDelta::ResNew {
                id,
                bo,
                mem_type,
                start,
                pages,
                flags,
            } => {
                if fwd {
                    debug_assert_eq!(id as usize, self.resources.len());
                    self.resources.push(Res {
                        id,
                        bo,
                        mem_type,
                        start,
                        pages,
                        flags,
                        alive: true,
                    });
                } else {
                    self.resources.pop();
                }
            }
            MDelta::BoNew {
                id,
                num_pages,
                btype,
                caching,
                priority,
            } => {
                if fwd {
                    debug_assert_eq!(id as usize, self.bos.len());
                    self.bos.push(MBo {
                        id,
                        num_pages,
                        btype,
                        caching,
                        priority,
                        res: None,
                        tt: None,
                        pin_count: 0,
                        lock: Holder::Caller,
                        deleted: false,
                        alive: true,
                    });
                } else {
                    self.bos.pop();
                }
            }
        }
    }

    fn counter_mut(&mut self, c: MCtr) -> &mut u64 {
        match c {
            MCtr::PagesAllocated => &mut self.pages_allocated,
            MCtr::Dma32PagesAllocated => &mut self.dma32_pages_allocated,
            MCtr::PoolAllocated => &mut self.pool_allocated,
            MCtr::Usage(m) => &mut self.managers[m as usize].usage,
            MCtr::BytesMoved => &mut self.bytes_moved,
            MCtr::BoCount => &mut self.bo_count,
        }
    }

    /// Current value of a scalar.
    pub fn var(&self, v: MVar) -> u64 {
        match v {
            MVar::PagePoolSize => self.page_pool_size,
            MVar::PagesLimit => self.pages_limit,
            MVar::Dma32PagesLimit => self.dma32_pages_limit,
            MVar::GlobalUp => self.global_up as u64,
            MVar::ResAlive(r) => self.resources[r as usize].alive as u64,
            MVar::Bo(b, f) => {
                let b = &self.bos[b as usize];
                match f {
                    MBoField::Res => b.res.map_or(0, |r| r as u64 + 1),
                    MBoField::Tt => b.tt.map_or(0, |t| t as u64 + 1),
                    MBoField::PinCount => b.pin_count as u64,
                    MBoField::Lock => match b.lock {
                        Holder::None => 0,
                        Holder::Caller => 1,
                        Holder::Other => 2,
                    },
                    MBoField::Deleted => b.deleted as u64,
                    MBoField::Alive => b.alive as u64,
                }
            }
        }
    }

    fn set_var(&mut self, v: MVar, x: u64) {
        match v {
            MVar::PagePoolSize => self.page_pool_size = x,
            MVar::PagesLimit => self.pages_limit = x,
            MVar::Dma32PagesLimit => self.dma32_pages_limit = x,
            MVar::GlobalUp => self.global_up = x != 0,
            MVar::ResAlive(r) => self.resources[r as usize].alive = x != 0,
            MVar::Bo(b, f) => {
                let b = &mut self.bos[b as usize];
                match f {
                    MBoField::Res => b.res = x.checked_sub(1).map(|r| r as u32),
                    MBoField::Tt => b.tt = x.checked_sub(1).map(|t| t as u32),
                    MBoField::PinCount => b.pin_count = x as u32,
                    MBoField::Lock => {
                        b.lock = match x {
                            0 => Holder::None,
                            1 => Holder::Caller,
                            _ => Holder::Other,
                        }
                    }
                    MBoField::Deleted => b.deleted = x != 0,
                    MBoField::Alive => b.alive = x != 0,
                }
            }
        }
    }

    /// An LRU (`mem_type * 4 + priority`) or the pinned list.
    pub fn list(&self, id: u8) -> &VecDeque<u32> {
        if id == LIST_PINNED {
            &self.pinned
        } else {
            &self.managers[(id / 4) as usize].lru[(id % 4) as usize]
        }
    }

    fn list_mut(&mut self, id: u8) -> &mut VecDeque<u32> {
        if id == LIST_PINNED {
            &mut self.pinned
        } else {
            &mut self.managers[(id / 4) as usize].lru[(id % 4) as usize]
        }
    }

    /// The list a resource is on, and its position.
    pub fn list_of(&self, res: u32) -> Option<(u8, usize)> {
        let r = self.resources.get(res as usize)?;
        let mut ids: Vec<u8> = (0..TTM_MAX_BO_PRIORITY as u8)
            .map(|p| r.mem_type * 4 + p)
            .collect();
        ids.push(LIST_PINNED);
        ids.into_iter()
            .find_map(|l| self.list(l).iter().position(|&x| x == res).map(|p| (l, p)))
    }

    /// The memory type a BO's resource is in.
    pub fn bo_mem_type(&self, bo: u32) -> Option<u8> {
        let b = self.bos.get(bo as usize)?;
        b.res.map(|r| self.resources[r as usize].mem_type)
    }

    /// The debugfs `page_pool` file, byte for byte (mspec 4.10).
    pub fn debugfs_page_pool(&self) -> String {
        let mut s = String::from("\t ");
        for o in 0..NR_PAGE_ORDERS {
            s.push_str(&format!(" ---{o:2}---"));
        }
        s.push('\n');
        for (k, label) in ["wc\t:", "uc\t:", "wc 32\t:", "uc 32\t:"]
            .iter()
            .enumerate()
        {
            s.push_str(label);
            for o in 0..NR_PAGE_ORDERS {
                s.push_str(&format!(" {:8}", self.pool_types[o * 4 + k].blocks()));
            }
            s.push('\n');
        }
        s.push_str(&format!(
            "\ntotal\t: {:8} of {:8}\n",
            self.pool_allocated, self.page_pool_size
        ));
        s
    }
}

/// A pool type in words: "pool type wc\[4\]" (its index when the machine has no 6.12 state).
pub fn pool_type_label(st: &crate::State, pt: u16) -> String {
    st.modern
        .as_deref()
        .and_then(|m| m.pool_types.get(pt as usize))
        .map_or_else(
            || format!("pool type {pt}"),
            |t| format!("pool type {}", t.name()),
        )
}

/// A modern state change in words (narration of a span).
pub fn describe_delta(st: &crate::State, d: &MDelta) -> String {
    let mem = |t: u8| {
        ["SYSTEM", "TT", "VRAM", "PRIV"]
            .get(t as usize)
            .copied()
            .unwrap_or("PRIV+")
    };
    match *d {
        MDelta::Count { ctr, by } => format!(
            "{} changes by {by:+}.",
            match ctr {
                MCtr::PagesAllocated => "ttm_pages_allocated".to_string(),
                MCtr::Dma32PagesAllocated => "ttm_dma32_pages_allocated".to_string(),
                MCtr::PoolAllocated => "The pool's allocated_pages".to_string(),
                MCtr::Usage(m) => format!("The {} manager's usage (bytes)", mem(m)),
                MCtr::BytesMoved => "bytes_moved".to_string(),
                MCtr::BoCount => "bo_count".to_string(),
            }
        ),
        MDelta::Set { var, old, new } => format!("{var:?} changes from {old} to {new}."),
        MDelta::Private { pfn, new, .. } => {
            format!("Page {pfn:#x}'s private field (block order) becomes {new}.")
        }
        MDelta::Shrinker { pt, insert, .. } => format!(
            "{} {} the shrinker list.",
            pool_type_label(st, pt),
            if insert { "joins" } else { "leaves" }
        ),
        MDelta::Lru {
            list, res, insert, ..
        } => format!(
            "Resource {res} {} {}.",
            if insert { "joins" } else { "leaves" },
            if list == LIST_PINNED {
                "the pinned list".to_string()
            } else {
                format!("the {} LRU of priority {}", mem(list / 4), list % 4)
            }
        ),
        MDelta::ManInit { mem_type, size, .. } => {
            format!("The {} manager is set up ({size} pages).", mem(mem_type))
        }
        MDelta::ResNew {
            id,
            bo,
            mem_type,
            start,
            pages,
            ..
        } => format!(
            "Resource {id} of BO {bo} is created in {} at page {start} ({pages} pages).",
            mem(mem_type)
        ),
        MDelta::BoNew { id, num_pages, .. } => {
            format!("Buffer object {id} of {num_pages} pages is created.")
        }
    }
}

// ---- recording helpers on Sim ----------------------------------------------------------------

impl Sim {
    /// The machine runs Linux 6.12.
    pub fn is_modern(&self) -> bool {
        self.cfg.is_modern()
    }

    /// The modern state (callers run only on 6.12 machines).
    pub(crate) fn m(&self) -> &MState {
        self.state
            .modern
            .as_deref()
            .expect("the Linux 6.12 model runs only on a 6.12 machine")
    }

    /// Apply and record a modern delta.
    pub(crate) fn md(&mut self, d: MDelta) {
        self.d(Delta::Modern(d));
    }

    /// Change a modern counter.
    pub(crate) fn mcount(&mut self, ctr: MCtr, by: i64) {
        if by != 0 {
            self.md(MDelta::Count { ctr, by });
        }
    }

    /// Set a modern scalar (no event when unchanged).
    pub(crate) fn mset(&mut self, var: MVar, new: u64) {
        let old = self.m().var(var);
        if old != new {
            self.md(MDelta::Set { var, old, new });
        }
    }

    /// Set a modern BO field.
    pub(crate) fn mbo_set(&mut self, bo: u32, f: MBoField, new: u64) {
        self.mset(MVar::Bo(bo, f), new);
    }
}
