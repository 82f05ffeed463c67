//! The kernel functions and driver callbacks the model traces, with their argument names.
//!
//! Each variant names one kernel symbol; [`Func::symbol`] gives it exactly as in the source so the UI can
//! link to `https://elixir.bootlin.com/linux/v3.3/A/ident/<symbol>`.

use serde::{Deserialize, Serialize};

macro_rules! funcs {
    ($( $(#[$m:meta])* $v:ident = $sym:literal, $file:literal, [$($arg:literal),*]; )*) => {
        /// A traced kernel function or driver callback.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Func {
            $( $(#[$m])* #[doc = concat!("`", $sym, "` (", $file, ")")] $v, )*
        }

        impl Func {
            /// Every function, in declaration order (the index is the trace encoding, so there
            /// may be at most 192).
            pub const ALL: &'static [Func] = &[$(Func::$v),*];

            /// The kernel symbol.
            pub fn symbol(self) -> &'static str {
                match self { $(Func::$v => $sym,)* }
            }

            /// The source file that defines it.
            pub fn file(self) -> &'static str {
                match self { $(Func::$v => $file,)* }
            }

            /// Names of the arguments the trace records, in order.
            pub fn arg_names(self) -> &'static [&'static str] {
                match self { $(Func::$v => &[$($arg),*],)* }
            }
        }
    };
}

funcs! {
    // ttm_tt.c (spec 2)
    TtInit = "ttm_tt_init", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "num_pages", "page_flags"];
    DmaTtInit = "ttm_dma_tt_init", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "num_pages", "page_flags"];
    TtFini = "ttm_tt_fini", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    DmaTtFini = "ttm_dma_tt_fini", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    TtDestroy = "ttm_tt_destroy", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    TtBind = "ttm_tt_bind", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    TtUnbind = "ttm_tt_unbind", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    TtSetPlacementCaching = "ttm_tt_set_placement_caching", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "placement"];
    TtSetCaching = "ttm_tt_set_caching", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "c_state"];
    TtSwapout = "ttm_tt_swapout", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "persistent_swap_storage"];
    TtSwapin = "ttm_tt_swapin", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    TtPopulate = "ttm_tt_populate", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    TtGetPage = "ttm_tt_get_page", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "index"];
    TtGetPageInner = "__ttm_tt_get_page", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "index"];
    TtFreeAllocedPages = "ttm_tt_free_alloced_pages", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    BackendBind = "func->bind", "driver backend", ["tt"];
    BackendUnbind = "func->unbind", "driver backend", ["tt"];
    BackendDestroy = "func->destroy", "driver backend", ["tt"];
    // ttm_page_alloc.c (spec 3)
    PoolPopulate = "ttm_pool_populate", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["tt"];
    PoolUnpopulate = "ttm_pool_unpopulate", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["tt"];
    GetPages = "ttm_get_pages", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["tt", "index", "npages", "flags", "cstate"];
    PutPages = "ttm_put_pages", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["tt", "index", "npages", "flags", "cstate"];
    PagePoolGetPages = "ttm_page_pool_get_pages", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["pool", "count"];
    PagePoolFillLocked = "ttm_page_pool_fill_locked", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["pool", "count"];
    AllocNewPages = "ttm_alloc_new_pages", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["count", "cstate", "dma32", "zero"];
    PagePoolFree = "ttm_page_pool_free", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["pool", "nr_free"];
    PoolMmShrink = "ttm_pool_mm_shrink", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["nr_to_scan"];
    PageAllocInit = "ttm_page_alloc_init", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["max_pages"];
    PageAllocFini = "ttm_page_alloc_fini", "drivers/gpu/drm/ttm/ttm_page_alloc.c", [];
    PoolStore = "ttm_pool_store", "drivers/gpu/drm/ttm/ttm_page_alloc.c", ["attr", "pages"];
    SetPagesArrayWc = "set_pages_array_wc", "arch/x86/mm/pageattr.c", ["count"];
    SetPagesArrayUc = "set_pages_array_uc", "arch/x86/mm/pageattr.c", ["count"];
    SetPagesArrayWb = "set_pages_array_wb", "arch/x86/mm/pageattr.c", ["count"];
    ClflushPages = "drm_clflush_pages", "drivers/gpu/drm/drm_cache.c", ["count"];
    // ttm_page_alloc_dma.c (spec 4)
    DmaPopulate = "ttm_dma_populate", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["tt"];
    DmaUnpopulate = "ttm_dma_unpopulate", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["tt"];
    DmaPoolInit = "ttm_dma_pool_init", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["type"];
    DmaPoolGetPages = "ttm_dma_pool_get_pages", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["pool", "tt", "index"];
    DmaPagePoolFillLocked = "ttm_dma_page_pool_fill_locked", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["pool"];
    DmaPoolAllocNewPages = "ttm_dma_pool_alloc_new_pages", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["pool", "count"];
    DmaPagePoolFree = "ttm_dma_page_pool_free", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["pool", "nr_free"];
    DmaPoolMmShrink = "ttm_dma_pool_mm_shrink", "drivers/gpu/drm/ttm/ttm_page_alloc_dma.c", ["nr_to_scan"];
    // ttm_memory.c (spec 5)
    MemGlobalAllocPage = "ttm_mem_global_alloc_page", "drivers/gpu/drm/ttm/ttm_memory.c", ["pfn"];
    MemGlobalFreePage = "ttm_mem_global_free_page", "drivers/gpu/drm/ttm/ttm_memory.c", ["pfn"];
    MemGlobalAlloc = "ttm_mem_global_alloc", "drivers/gpu/drm/ttm/ttm_memory.c", ["memory"];
    MemGlobalFree = "ttm_mem_global_free", "drivers/gpu/drm/ttm/ttm_memory.c", ["amount"];
    MemGlobalAllocZone = "ttm_mem_global_alloc_zone", "drivers/gpu/drm/ttm/ttm_memory.c", ["single_zone", "memory"];
    MemGlobalReserve = "ttm_mem_global_reserve", "drivers/gpu/drm/ttm/ttm_memory.c", ["single_zone", "amount"];
    MemGlobalFreeZone = "ttm_mem_global_free_zone", "drivers/gpu/drm/ttm/ttm_memory.c", ["single_zone", "amount"];
    CheckSwapping = "ttm_check_swapping", "drivers/gpu/drm/ttm/ttm_memory.c", [];
    Shrink = "ttm_shrink", "drivers/gpu/drm/ttm/ttm_memory.c", ["from_wq", "extra"];
    ShrinkWork = "ttm_shrink_work", "drivers/gpu/drm/ttm/ttm_memory.c", [];
    MemZoneStore = "ttm_mem_zone_store", "drivers/gpu/drm/ttm/ttm_memory.c", ["zone", "attr", "bytes"];
    BoSwapout = "ttm_bo_swapout", "drivers/gpu/drm/ttm/ttm_bo.c", [];
    // kernel services TTM calls (mm, shmem)
    ShmemFileSetup = "shmem_file_setup", "mm/shmem.c", ["size"];
    ShmemReadMappingPage = "shmem_read_mapping_page", "mm/shmem.c", ["file", "index"];
    Fput = "fput", "fs/file_table.c", ["file"];
}

impl Func {
    /// Index used by the trace encoding.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Decode a trace index.
    pub fn from_index(i: usize) -> Option<Func> {
        Func::ALL.get(i).copied()
    }

    /// Link to the definition in the v3.3 tree, or `None` for pseudo-symbols (backend callbacks).
    pub fn elixir_url(self) -> Option<String> {
        let s = self.symbol();
        if s.contains("->") {
            None
        } else {
            Some(format!("https://elixir.bootlin.com/linux/v3.3/A/ident/{s}"))
        }
    }
}
