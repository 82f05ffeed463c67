//! Constants, enums and flags of TTM in the Linux 3.3 era (spec section 1, 0.4).
//!
//! Values are exact copies of the numbers the kernel uses; names follow the kernel
//! with the `TTM_` prefix kept where it helps a reader find the symbol.

use serde::Serialize;

/// Page size of the modelled machine (spec 0.4).
pub const PAGE_SIZE: u64 = 4096;
/// log2 of [`PAGE_SIZE`] (spec 0.4).
pub const PAGE_SHIFT: u32 = 12;
/// Pages per pool refill / free batch on a 64-bit kernel: PAGE_SIZE / sizeof(struct page *) (spec 0.4, 1.6).
pub const NUM_PAGES_TO_ALLOC_64: u32 = 512;
/// The same on a 32-bit kernel (pointers are 4 bytes) (spec 0.4).
pub const NUM_PAGES_TO_ALLOC_32: u32 = 1024;
/// Default "small allocation" threshold of the normal pool (spec 1.6, 3.2).
pub const SMALL_ALLOCATION: u32 = 16;
/// Default "small allocation" threshold of the DMA pool; it is also its refill size (spec 1.6, 4.2).
pub const DMA_SMALL_ALLOCATION: u32 = 4;
/// Number of normal pools (spec 1.6, 3.1).
pub const NUM_POOLS: usize = 4;
/// `FREE_ALL_PAGES = ~0U`: ask ttm_page_pool_free to empty the pool (spec 1.6, 3.8).
pub const FREE_ALL_PAGES: u32 = u32::MAX;
/// Accounting reserve retries (spec 1.6, 5.4).
pub const TTM_MEMORY_ALLOC_RETRIES: u32 = 4;
/// At most this many accounting zones (spec 1.6, 5.1).
pub const TTM_MEM_MAX_ZONES: usize = 2;
/// CPU fault prefault window (spec 1.6, 6.12).
pub const TTM_BO_VM_NUM_PREFAULT: u32 = 16;
/// First page frame at or above 4 GiB (spec 5.3: the dma32 zone test is `pfn > 0x100000`).
pub const PFN_4G: u64 = 0x10_0000;

/// `ttm->page_flags` bits (spec 1.1).
pub mod page_flags {
    /// User-memory backed tt (E0 only).
    pub const USER: u32 = 1 << 1;
    /// User pages dirtied by a bind (E0 only).
    pub const USER_DIRTY: u32 = 1 << 2;
    /// User tt writable (unused by the E3 core).
    pub const WRITE: u32 = 1 << 3;
    /// Contents live in swap storage; the pages are freed.
    pub const SWAPPED: u32 = 1 << 4;
    /// The swap storage belongs to the BO owner and is never released by TTM.
    pub const PERSISTENT_SWAP: u32 = 1 << 5;
    /// Pages must be zero-filled when allocated.
    pub const ZERO_ALLOC: u32 = 1 << 6;
    /// Pages must lie below 4 GiB (selects the "dma" pools).
    pub const DMA32: u32 = 1 << 7;

    /// Render a flags word the way a kernel developer reads it, e.g. `ZERO_ALLOC|DMA32`.
    pub fn describe(flags: u32) -> String {
        const NAMES: [(u32, &str); 7] = [
            (USER, "USER"),
            (USER_DIRTY, "USER_DIRTY"),
            (WRITE, "WRITE"),
            (SWAPPED, "SWAPPED"),
            (PERSISTENT_SWAP, "PERSISTENT_SWAP"),
            (ZERO_ALLOC, "ZERO_ALLOC"),
            (DMA32, "DMA32"),
        ];
        let parts: Vec<&str> = NAMES
            .iter()
            .filter(|(bit, _)| flags & bit != 0)
            .map(|(_, n)| *n)
            .collect();
        if parts.is_empty() {
            "0".to_string()
        } else {
            parts.join("|")
        }
    }
}

/// Placement flags (`ttm_placement.h`, spec 1.4).
pub mod placement {
    /// TTM_PL_SYSTEM
    pub const PL_SYSTEM: u32 = 0;
    /// TTM_PL_TT
    pub const PL_TT: u32 = 1;
    /// TTM_PL_VRAM
    pub const PL_VRAM: u32 = 2;
    /// TTM_PL_PRIV0 (vmwgfx GMR)
    pub const PL_PRIV0: u32 = 3;
    /// TTM_PL_FLAG_SYSTEM
    pub const FLAG_SYSTEM: u32 = 1 << PL_SYSTEM;
    /// TTM_PL_FLAG_TT
    pub const FLAG_TT: u32 = 1 << PL_TT;
    /// TTM_PL_FLAG_VRAM
    pub const FLAG_VRAM: u32 = 1 << PL_VRAM;
    /// TTM_PL_FLAG_PRIV0
    pub const FLAG_PRIV0: u32 = 1 << PL_PRIV0;
    /// TTM_PL_MASK_MEM
    pub const MASK_MEM: u32 = 0x0000_FFFF;
    /// TTM_PL_FLAG_CACHED
    pub const FLAG_CACHED: u32 = 1 << 16;
    /// TTM_PL_FLAG_UNCACHED
    pub const FLAG_UNCACHED: u32 = 1 << 17;
    /// TTM_PL_FLAG_WC
    pub const FLAG_WC: u32 = 1 << 18;
    /// TTM_PL_FLAG_SHARED
    pub const FLAG_SHARED: u32 = 1 << 20;
    /// TTM_PL_FLAG_NO_EVICT
    pub const FLAG_NO_EVICT: u32 = 1 << 21;
    /// TTM_PL_MASK_CACHING
    pub const MASK_CACHING: u32 = FLAG_CACHED | FLAG_UNCACHED | FLAG_WC;
}

/// `enum ttm_caching_state` (spec 1.2). Discriminants are the kernel's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Caching {
    /// `tt_uncached = 0`
    Uncached = 0,
    /// `tt_wc = 1`
    Wc = 1,
    /// `tt_cached = 2`
    Cached = 2,
}

impl Caching {
    /// The kernel's enumerator name (`tt_wc`, ...).
    pub fn kernel_name(self) -> &'static str {
        match self {
            Caching::Uncached => "tt_uncached",
            Caching::Wc => "tt_wc",
            Caching::Cached => "tt_cached",
        }
    }

    /// Decode the kernel value.
    pub fn from_u8(v: u8) -> Option<Caching> {
        match v {
            0 => Some(Caching::Uncached),
            1 => Some(Caching::Wc),
            2 => Some(Caching::Cached),
            _ => None,
        }
    }

    /// The kernel linear-mapping attribute pages of this caching state carry (spec 2.5, 3.1).
    pub fn attr(self) -> Attr {
        match self {
            Caching::Uncached => Attr::Uc,
            Caching::Wc => Attr::Wc,
            Caching::Cached => Attr::Wb,
        }
    }
}

/// Binding state of a `ttm_tt` (spec 1.3). Discriminants are the kernel's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TtState {
    /// `tt_bound = 0`
    Bound = 0,
    /// `tt_unbound = 1`
    Unbound = 1,
    /// `tt_unpopulated = 2`
    Unpopulated = 2,
}

impl TtState {
    /// The kernel's enumerator name.
    pub fn kernel_name(self) -> &'static str {
        match self {
            TtState::Bound => "tt_bound",
            TtState::Unbound => "tt_unbound",
            TtState::Unpopulated => "tt_unpopulated",
        }
    }

    /// Decode the kernel value.
    pub fn from_u8(v: u8) -> Option<TtState> {
        match v {
            0 => Some(TtState::Bound),
            1 => Some(TtState::Unbound),
            2 => Some(TtState::Unpopulated),
            _ => None,
        }
    }
}

/// Kernel linear-mapping attribute of a physical page (x86 PAT; spec 2.5, 3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr {
    /// Write-back (normal cached memory).
    Wb = 0,
    /// Write-combined.
    Wc = 1,
    /// Uncached.
    Uc = 2,
}

impl Attr {
    /// Decode.
    pub fn from_u8(v: u8) -> Option<Attr> {
        match v {
            0 => Some(Attr::Wb),
            1 => Some(Attr::Wc),
            2 => Some(Attr::Uc),
            _ => None,
        }
    }
}

/// Size of a device's mmap address space (`addr_space_mm`) in pages: 0x10000000 (spec 6.2).
pub const ADDR_SPACE_PAGES: u64 = 0x1000_0000;

/// The drivers' `file_page_offset` for `ttm_bo_device_init` (spec 6.2), in pages: radeon and
/// nouveau pass DRM_FILE_PAGE_OFFSET = 4 GiB >> PAGE_SHIFT, vmwgfx VMWGFX_FILE_PAGE_OFFSET =
/// 0x00100000, the same value. UNCONFIRMED: the spec names the parameter, not the drivers' values;
/// these are the constants of the 3.3 drivers' headers.
pub const FILE_PAGE_OFFSET: u64 = 0x10_0000;
