//! Buffer-object level state (spec 6.1): buffer objects, memory-type managers with their range or
//! id allocators, the LRU lists and GPU fences. Like everything in [`crate::state`], it changes only
//! through [`crate::state::Delta`]s.

use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// Number of memory-type managers per device (`TTM_NUM_MEM_TYPES`, spec 1.4).
pub const TTM_NUM_MEM_TYPES: usize = 8;
/// List id of the global swap LRU in [`crate::state::Delta::Lru`] (one per machine: it lives in
/// `ttm_bo_global`, spec 6.1, 6.8).
pub const LIST_SWAP: u8 = 8;
/// List id of device 0's delayed-destroy list (`bdev->ddestroy`, spec 6.13); device `d`'s is
/// [`list_id`]`(d, LIST_DDESTROY)`.
pub const LIST_DDESTROY: u8 = 9;
/// List ids per device: its eight memory-type LRUs and its delayed-destroy list (plus the slot of
/// the global swap LRU, 8, which only device 0's block uses).
pub const LISTS_PER_DEVICE: u8 = 10;
/// Most `ttm_bo_device`s a machine may have: list ids (`dev * 10 + 9`) must stay below 128 in the
/// trace's list byte.
pub const MAX_DEVICES: usize = 8;

/// The list id of a device's memory-type LRU (`list` = 0..7) or delayed-destroy list
/// (`list` = [`LIST_DDESTROY`]): `dev * 10 + list`, so device 0's ids are the memory types, 8 is the
/// global swap LRU and 9 device 0's ddestroy list, as before there were several devices.
/// [`LIST_SWAP`] is global and stays 8 whatever `dev` is.
pub fn list_id(dev: u8, list: u8) -> u8 {
    if list == LIST_SWAP {
        LIST_SWAP
    } else {
        dev * LISTS_PER_DEVICE + list
    }
}

/// The device and list (memory type or [`LIST_DDESTROY`]; [`LIST_SWAP`] for the swap LRU) of a
/// list id made by [`list_id`].
pub fn list_parts(id: u8) -> (u8, u8) {
    (id / LISTS_PER_DEVICE, id % LISTS_PER_DEVICE)
}

/// The index of device `dev`'s manager of `mem_type` in [`crate::state::State::managers`] (and the
/// `mem_type` field of the manager deltas): `dev * 8 + mem_type` (`bdev->man[mem_type]`, spec 6.1).
pub fn man_index(dev: u8, mem_type: u8) -> usize {
    dev as usize * TTM_NUM_MEM_TYPES + mem_type as usize
}

/// Where a buffer object's memory is (`struct ttm_mem_reg`, spec 6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MemReg {
    /// Memory type (TTM_PL_SYSTEM / TT / VRAM / PRIV0 ...).
    pub mem_type: u8,
    /// Placement flags: one memory-type bit, one caching bit, extra bits (NO_EVICT).
    pub placement: u32,
    /// Page offset of the allocated range in the manager (valid when `has_node`).
    pub start: u64,
    /// A range (mm_node) is allocated; never for SYSTEM.
    pub has_node: bool,
}

/// A buffer object (`struct ttm_buffer_object`, spec 6.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bo {
    /// Model id.
    pub id: u32,
    /// `bdev`: the index of its device in the machine's device list (0 = the first driver).
    pub device: u8,
    /// `num_pages`.
    pub num_pages: u32,
    /// `ttm_bo_type_kernel` (else device).
    pub kernel: bool,
    /// A ghost object made by a pipelined move (`ttm_buffer_object_transfer`, spec 6.7).
    pub ghost: bool,
    /// `mem`.
    pub mem: MemReg,
    /// `ttm`: the tt id.
    pub tt: Option<u32>,
    /// `evicted`.
    pub evicted: bool,
    /// `reserved`.
    pub reserved: bool,
    /// `val_seq` of the reservation ticket, valid when `seq_valid`.
    pub val_seq: u64,
    /// `seq_valid`.
    pub seq_valid: bool,
    /// User references (`kref`).
    pub kref: u64,
    /// Not yet released (`ttm_bo_release_list` not run).
    pub alive: bool,
    /// `sync_obj`: the fence id.
    pub fence: Option<u32>,
    /// TTM_BO_PRIV_FLAG_MOVING: a pipelined move is in flight.
    pub moving: bool,
    /// `offset`: GPU address.
    pub offset: u64,
    /// `acc_size` charged for the object.
    pub acc_size: u64,
    /// `persistent_swap_storage`: a swap file id.
    pub persistent_swap: Option<u32>,
    /// CPU page-table entries currently mapping the BO (from faults).
    pub ptes: u64,
    /// Active kernel mapping type of `ttm_bo_kmap` (0 = none; spec 1.6 values).
    pub kmap: u8,
    /// The BO's range of the device's mmap address space (`vm_node`, spec 6.1, 6.3 step 5) as
    /// its first page + 1 inside `addr_space_mm` (0 = none: kernel BOs, ghosts, released BOs).
    pub vm_start: u64,
}

/// A kind of memory-type manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ManagerKind {
    /// SYSTEM: no ranges.
    System,
    /// `ttm_bo_manager_func`: best-fit ranges over pages (spec 6.2).
    Range,
    /// vmwgfx `vmw_gmrid_manager_func`: GMR ids with a page budget (spec 7.4).
    GmrId,
}

/// An allocated range or GMR id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Pages.
    pub len: u64,
    /// Owner BO.
    pub bo: u32,
}

/// A memory-type manager (`struct ttm_mem_type_manager`, spec 6.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Manager {
    /// Initialised (`has_type` and `use_type`).
    pub has_type: bool,
    /// Allocator kind.
    pub kind: ManagerKind,
    /// TTM_MEMTYPE_FLAG_* (spec 1.5).
    pub flags: u32,
    /// Caching bits the type supports.
    pub available_caching: u32,
    /// Caching bit used when the current one is not allowed.
    pub default_caching: u32,
    /// Size in pages (GMR: number of ids).
    pub size: u64,
    /// GPU address of page 0.
    pub gpu_offset: u64,
    /// GMR: page budget (0 = unlimited).
    pub max_pages: u64,
    /// Allocated ranges by start page (GMR: by id).
    pub nodes: BTreeMap<u64, Node>,
    /// The per-type eviction LRU, head first.
    pub lru: VecDeque<u32>,
}

impl Manager {
    /// An uninitialised manager.
    pub fn empty() -> Manager {
        Manager {
            has_type: false,
            kind: ManagerKind::System,
            flags: 0,
            available_caching: 0,
            default_caching: 0,
            size: 0,
            gpu_offset: 0,
            max_pages: 0,
            nodes: BTreeMap::new(),
            lru: VecDeque::new(),
        }
    }

    /// Pages (GMR: pages of all ids) in use.
    pub fn used_pages(&self) -> u64 {
        self.nodes.values().map(|n| n.len).sum()
    }
}

/// A GPU fence (`sync_obj`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fence {
    /// Model id.
    pub id: u32,
    /// The GPU has passed it.
    pub signaled: bool,
}

/// A field of a buffer object set by [`crate::state::Var::Bo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BoField {
    /// mem.mem_type
    MemType,
    /// mem.placement
    Placement,
    /// mem.start
    Start,
    /// mem has a node
    HasNode,
    /// ttm (id + 1, 0 = NULL)
    Tt,
    /// evicted
    Evicted,
    /// reserved
    Reserved,
    /// val_seq
    ValSeq,
    /// seq_valid
    SeqValid,
    /// kref
    Kref,
    /// alive
    Alive,
    /// sync_obj (id + 1)
    Fence,
    /// priv_flags MOVING
    Moving,
    /// offset
    Offset,
    /// acc_size
    AccSize,
    /// persistent_swap_storage (id + 1)
    PersistentSwap,
    /// CPU PTEs
    Ptes,
    /// kmap type
    Kmap,
    /// `vm_node`'s start + 1 (0 = none).
    VmStart,
}

impl BoField {
    /// All fields in encoding order.
    pub const ALL: [BoField; 19] = [
        BoField::MemType,
        BoField::Placement,
        BoField::Start,
        BoField::HasNode,
        BoField::Tt,
        BoField::Evicted,
        BoField::Reserved,
        BoField::ValSeq,
        BoField::SeqValid,
        BoField::Kref,
        BoField::Alive,
        BoField::Fence,
        BoField::Moving,
        BoField::Offset,
        BoField::AccSize,
        BoField::PersistentSwap,
        BoField::Ptes,
        BoField::Kmap,
        BoField::VmStart,
    ];
}

fn opt(x: Option<u32>) -> u64 {
    x.map_or(0, |v| v as u64 + 1)
}

fn unopt(x: u64) -> Option<u32> {
    x.checked_sub(1).map(|v| v as u32)
}

impl Bo {
    /// A new BO as `ttm_bo_init` leaves it before validation: reserved, in SYSTEM|CACHED (spec 6.3).
    pub fn new(id: u32, device: u8, num_pages: u32, kernel: bool, ghost: bool) -> Bo {
        Bo {
            id,
            device,
            num_pages,
            kernel,
            ghost,
            mem: MemReg {
                mem_type: crate::consts::placement::PL_SYSTEM as u8,
                placement: crate::consts::placement::FLAG_SYSTEM
                    | crate::consts::placement::FLAG_CACHED,
                start: 0,
                has_node: false,
            },
            tt: None,
            evicted: false,
            reserved: true,
            val_seq: 0,
            seq_valid: false,
            kref: 1,
            alive: true,
            fence: None,
            moving: false,
            offset: 0,
            acc_size: 0,
            persistent_swap: None,
            ptes: 0,
            kmap: 0,
            vm_start: 0,
        }
    }

    /// Current value of a field.
    pub fn get(&self, f: BoField) -> u64 {
        match f {
            BoField::MemType => self.mem.mem_type as u64,
            BoField::Placement => self.mem.placement as u64,
            BoField::Start => self.mem.start,
            BoField::HasNode => self.mem.has_node as u64,
            BoField::Tt => opt(self.tt),
            BoField::Evicted => self.evicted as u64,
            BoField::Reserved => self.reserved as u64,
            BoField::ValSeq => self.val_seq,
            BoField::SeqValid => self.seq_valid as u64,
            BoField::Kref => self.kref,
            BoField::Alive => self.alive as u64,
            BoField::Fence => opt(self.fence),
            BoField::Moving => self.moving as u64,
            BoField::Offset => self.offset,
            BoField::AccSize => self.acc_size,
            BoField::PersistentSwap => opt(self.persistent_swap),
            BoField::Ptes => self.ptes,
            BoField::Kmap => self.kmap as u64,
            BoField::VmStart => self.vm_start,
        }
    }

    /// Set a field.
    pub fn put(&mut self, f: BoField, x: u64) {
        match f {
            BoField::MemType => self.mem.mem_type = x as u8,
            BoField::Placement => self.mem.placement = x as u32,
            BoField::Start => self.mem.start = x,
            BoField::HasNode => self.mem.has_node = x != 0,
            BoField::Tt => self.tt = unopt(x),
            BoField::Evicted => self.evicted = x != 0,
            BoField::Reserved => self.reserved = x != 0,
            BoField::ValSeq => self.val_seq = x,
            BoField::SeqValid => self.seq_valid = x != 0,
            BoField::Kref => self.kref = x,
            BoField::Alive => self.alive = x != 0,
            BoField::Fence => self.fence = unopt(x),
            BoField::Moving => self.moving = x != 0,
            BoField::Offset => self.offset = x,
            BoField::AccSize => self.acc_size = x,
            BoField::PersistentSwap => self.persistent_swap = unopt(x),
            BoField::Ptes => self.ptes = x,
            BoField::Kmap => self.kmap = x as u8,
            BoField::VmStart => self.vm_start = x,
        }
    }
}
