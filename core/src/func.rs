//! The kernel functions and driver callbacks the model traces, with their argument names.
//!
//! Each variant names one kernel symbol; [`Func::symbol`] gives it exactly as in the source so the UI can
//! link to `https://elixir.bootlin.com/linux/v3.3/A/ident/<symbol>`.

use serde::Serialize;

macro_rules! funcs {
    ($( $(#[$m:meta])* $v:ident = $sym:literal, $file:literal, [$($arg:literal),*]; )*) => {
        /// A traced kernel function or driver callback.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
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
    // ttm_bo.c, ttm_bo_util.c, ttm_bo_vm.c, ttm_bo_manager.c (spec 6)
    BoDeviceInit = "ttm_bo_device_init", "drivers/gpu/drm/ttm/ttm_bo.c", ["need_dma32", "bdev"];
    BoInitMm = "ttm_bo_init_mm", "drivers/gpu/drm/ttm/ttm_bo.c", ["type", "p_size", "bdev"];
    BoCreate = "ttm_bo_create", "drivers/gpu/drm/ttm/ttm_bo.c", ["num_pages"];
    BoInit = "ttm_bo_init", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "num_pages", "acc_size"];
    BoSetupVm = "ttm_bo_setup_vm", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoReserve = "ttm_bo_reserve", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "no_wait", "use_sequence", "sequence"];
    BoUnreserve = "ttm_bo_unreserve", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoAddToLru = "ttm_bo_add_to_lru", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoDelFromLru = "ttm_bo_del_from_lru", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoValidate = "ttm_bo_validate", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "placement"];
    BoMoveBuffer = "ttm_bo_move_buffer", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoMemSpace = "ttm_bo_mem_space", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoMemForceSpace = "ttm_bo_mem_force_space", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "mem_type"];
    MemEvictFirst = "ttm_mem_evict_first", "drivers/gpu/drm/ttm/ttm_bo.c", ["mem_type", "bdev"];
    BoEvict = "ttm_bo_evict", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoEvictMm = "ttm_bo_evict_mm", "drivers/gpu/drm/ttm/ttm_bo.c", ["mem_type", "bdev"];
    BoHandleMoveMem = "ttm_bo_handle_move_mem", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "mem_type", "placement", "evict"];
    BoAddTtm = "ttm_bo_add_ttm", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "zero_alloc"];
    BoMoveTtm = "ttm_bo_move_ttm", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "evict"];
    BoMoveMemcpy = "ttm_bo_move_memcpy", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "evict"];
    BoMoveAccelCleanup = "ttm_bo_move_accel_cleanup", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "fence", "evict"];
    BufferObjectTransfer = "ttm_buffer_object_transfer", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo"];
    BoMemPut = "ttm_bo_mem_put", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "mem_type", "start"];
    ManGetNode = "ttm_bo_man_get_node", "drivers/gpu/drm/ttm/ttm_bo_manager.c", ["bo", "num_pages", "fpfn", "lpfn"];
    ManPutNode = "ttm_bo_man_put_node", "drivers/gpu/drm/ttm/ttm_bo_manager.c", ["start", "num_pages"];
    BoUnmapVirtual = "ttm_bo_unmap_virtual", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoWait = "ttm_bo_wait", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "no_wait"];
    BoKmap = "ttm_bo_kmap", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "start_page", "num_pages"];
    BoKmapTtm = "ttm_bo_kmap_ttm", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "start_page", "num_pages"];
    BoKunmap = "ttm_bo_kunmap", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo"];
    BoVmFault = "ttm_bo_vm_fault", "drivers/gpu/drm/ttm/ttm_bo_vm.c", ["bo", "page_offset"];
    BoUnref = "ttm_bo_unref", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    BoRelease = "ttm_bo_release", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    CleanupRefsOrQueue = "ttm_bo_cleanup_refs_or_queue", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    CleanupMemtypeUse = "ttm_bo_cleanup_memtype_use", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    CleanupRefs = "ttm_bo_cleanup_refs", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    DelayedDelete = "ttm_bo_delayed_delete", "drivers/gpu/drm/ttm/ttm_bo.c", ["remove_all", "bdev"];
    ReleaseList = "ttm_bo_release_list", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MemIoReserve = "ttm_mem_io_reserve", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo"];
    // driver callbacks (spec 7); the driver's own symbol is in the trace argument "driver"
    DrvTtCreate = "ttm_tt_create", "struct ttm_bo_driver", ["driver", "bo", "num_pages", "page_flags"];
    DrvTtPopulate = "ttm_tt_populate", "struct ttm_bo_driver", ["driver", "tt"];
    DrvTtUnpopulate = "ttm_tt_unpopulate", "struct ttm_bo_driver", ["driver", "tt"];
    DrvInitMemType = "init_mem_type", "struct ttm_bo_driver", ["driver", "type"];
    DrvEvictFlags = "evict_flags", "struct ttm_bo_driver", ["driver", "bo"];
    DrvMove = "move", "struct ttm_bo_driver", ["driver", "bo", "evict", "mem_type"];
    // new_mem: the new memory type + 1, or 0 for NULL (the BO is being destroyed).
    DrvMoveNotify = "move_notify", "struct ttm_bo_driver", ["driver", "bo", "new_mem"];
    DrvInvalidateCaches = "invalidate_caches", "struct ttm_bo_driver", ["driver", "placement"];
    DrvFaultReserveNotify = "fault_reserve_notify", "struct ttm_bo_driver", ["driver", "bo"];
    DrvSyncObjWait = "sync_obj_wait", "struct ttm_bo_driver", ["driver", "fence"];
    DrvSyncObjSignaled = "sync_obj_signaled", "struct ttm_bo_driver", ["driver", "fence"];
    DrvIoMemReserve = "io_mem_reserve", "struct ttm_bo_driver", ["driver", "mem_type"];
    DrvCopy = "gpu copy", "driver", ["driver", "bo", "from_type", "to_type", "fence"];
    DrvBackendBind = "bind", "struct ttm_backend_func", ["kind", "tt", "start", "num_pages"];
    DrvBackendUnbind = "unbind", "struct ttm_backend_func", ["kind", "tt"];
    DrvBackendDestroy = "destroy", "struct ttm_backend_func", ["kind", "tt"];
    DrvDmaMap = "pci_map_page", "include/asm-generic/pci-dma-compat.h", ["tt", "index"];
    DrvDmaUnmap = "pci_unmap_page", "include/asm-generic/pci-dma-compat.h", ["tt", "index"];
    // kernel services TTM calls (mm, shmem)
    ShmemFileSetup = "shmem_file_setup", "mm/shmem.c", ["size"];
    ShmemReadMappingPage = "shmem_read_mapping_page", "mm/shmem.c", ["file", "index"];
    Fput = "fput", "fs/file_table.c", ["file"];
    // ---- Linux 6.12 (mspec; issue 18). Everything from MGlobalInit on is a v6.12 symbol. ----
    // ttm_device.c (mspec 2)
    MGlobalInit = "ttm_global_init", "drivers/gpu/drm/ttm/ttm_device.c", [];
    MDeviceInit = "ttm_device_init", "drivers/gpu/drm/ttm/ttm_device.c", ["use_dma_alloc", "use_dma32"];
    MGlobalSwapout = "ttm_global_swapout", "drivers/gpu/drm/ttm/ttm_device.c", [];
    MDeviceSwapout = "ttm_device_swapout", "drivers/gpu/drm/ttm/ttm_device.c", [];
    // ttm_tt.c (mspec 3)
    MTtMgrInit = "ttm_tt_mgr_init", "drivers/gpu/drm/ttm/ttm_tt.c", ["num_pages", "num_dma32"];
    MTtCreate = "ttm_tt_create", "drivers/gpu/drm/ttm/ttm_tt.c", ["bo", "zero_alloc"];
    MTtInit = "ttm_tt_init", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt", "num_pages", "page_flags", "caching"];
    MTtPopulate = "ttm_tt_populate", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    MTtUnpopulate = "ttm_tt_unpopulate", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    MTtSwapout = "ttm_tt_swapout", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    MTtSwapin = "ttm_tt_swapin", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    MTtFini = "ttm_tt_fini", "drivers/gpu/drm/ttm/ttm_tt.c", ["tt"];
    MBoTtDestroy = "ttm_bo_tt_destroy", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    // ttm_pool.c (mspec 4)
    MPoolMgrInit = "ttm_pool_mgr_init", "drivers/gpu/drm/ttm/ttm_pool.c", ["num_pages"];
    MPoolInit = "ttm_pool_init", "drivers/gpu/drm/ttm/ttm_pool.c", ["use_dma_alloc", "use_dma32"];
    MPoolAlloc = "ttm_pool_alloc", "drivers/gpu/drm/ttm/ttm_pool.c", ["tt"];
    MPoolFree = "ttm_pool_free", "drivers/gpu/drm/ttm/ttm_pool.c", ["tt"];
    MPoolAllocPage = "ttm_pool_alloc_page", "drivers/gpu/drm/ttm/ttm_pool.c", ["order"];
    MPoolFreePage = "ttm_pool_free_page", "drivers/gpu/drm/ttm/ttm_pool.c", ["order", "caching"];
    MPoolTypeTake = "ttm_pool_type_take", "drivers/gpu/drm/ttm/ttm_pool.c", ["pt"];
    MPoolTypeGive = "ttm_pool_type_give", "drivers/gpu/drm/ttm/ttm_pool.c", ["pt"];
    MPoolApplyCaching = "ttm_pool_apply_caching", "drivers/gpu/drm/ttm/ttm_pool.c", ["first", "count"];
    MPoolShrink = "ttm_pool_shrink", "drivers/gpu/drm/ttm/ttm_pool.c", [];
    MPoolShrinkerCount = "ttm_pool_shrinker_count", "drivers/gpu/drm/ttm/ttm_pool.c", [];
    MPoolShrinkerScan = "ttm_pool_shrinker_scan", "drivers/gpu/drm/ttm/ttm_pool.c", ["nr_to_scan"];
    // ttm_resource.c (mspec 5)
    MResourceAlloc = "ttm_resource_alloc", "drivers/gpu/drm/ttm/ttm_resource.c", ["bo", "mem_type"];
    MResourceFree = "ttm_resource_free", "drivers/gpu/drm/ttm/ttm_resource.c", ["bo", "res"];
    MResourceInit = "ttm_resource_init", "drivers/gpu/drm/ttm/ttm_resource.c", ["bo", "mem_type"];
    MResourceFini = "ttm_resource_fini", "drivers/gpu/drm/ttm/ttm_resource.c", ["res"];
    MResourceCompatible = "ttm_resource_compatible", "drivers/gpu/drm/ttm/ttm_resource.c", ["res", "evicting"];
    MResourceMoveToLruTail = "ttm_resource_move_to_lru_tail", "drivers/gpu/drm/ttm/ttm_resource.c", ["res"];
    // ttm_sys_manager.c, ttm_range_manager.c (mspec 5.3, 5.4)
    MSysManInit = "ttm_sys_man_init", "drivers/gpu/drm/ttm/ttm_sys_manager.c", [];
    MSysManAlloc = "ttm_sys_man_alloc", "drivers/gpu/drm/ttm/ttm_sys_manager.c", ["bo"];
    MRangeManInit = "ttm_range_man_init", "drivers/gpu/drm/ttm/ttm_range_manager.c", ["type", "use_tt", "p_size"];
    MRangeManAlloc = "ttm_range_man_alloc", "drivers/gpu/drm/ttm/ttm_range_manager.c", ["bo", "num_pages", "fpfn", "lpfn", "flags"];
    // ttm_bo.c (mspec 6, 7.1)
    MBoInitReserved = "ttm_bo_init_reserved", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "num_pages", "type"];
    MBoValidate = "ttm_bo_validate", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "placement"];
    MBoAllocResource = "ttm_bo_alloc_resource", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "force_space"];
    MBoMemSpace = "ttm_bo_mem_space", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "placement"];
    MBoEvictAlloc = "ttm_bo_evict_alloc", "drivers/gpu/drm/ttm/ttm_bo.c", ["mem_type", "evictor"];
    MBoEvictCb = "ttm_bo_evict_cb", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MBoEvict = "ttm_bo_evict", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MBoHandleMoveMem = "ttm_bo_handle_move_mem", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo", "mem_type", "evict"];
    MBoSwapout = "ttm_bo_swapout", "drivers/gpu/drm/ttm/ttm_bo.c", ["mem_type"];
    MBoSwapoutCb = "ttm_bo_swapout_cb", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MBoPin = "ttm_bo_pin", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MBoUnpin = "ttm_bo_unpin", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MBoReserve = "ttm_bo_reserve", "include/drm/ttm/ttm_bo.h", ["bo", "no_wait"];
    MBoUnreserve = "ttm_bo_unreserve", "include/drm/ttm/ttm_bo.h", ["bo"];
    MBoPut = "ttm_bo_put", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MBoRelease = "ttm_bo_release", "drivers/gpu/drm/ttm/ttm_bo.c", ["bo"];
    MBoVmFault = "ttm_bo_vm_fault", "drivers/gpu/drm/ttm/ttm_bo_vm.c", ["bo", "page_offset"];
    MBoPipelineGutting = "ttm_bo_pipeline_gutting", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo"];
    // ttm_bo_util.c (mspec 6.8, 7.2, 7.3)
    MLruWalkForEvict = "ttm_lru_walk_for_evict", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["mem_type", "target"];
    MBoMoveNull = "ttm_bo_move_null", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "mem_type"];
    MBoMoveMemcpy = "ttm_bo_move_memcpy", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "mem_type"];
    MBoMoveSyncCleanup = "ttm_bo_move_sync_cleanup", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo"];
    MBoKmap = "ttm_bo_kmap", "drivers/gpu/drm/ttm/ttm_bo_util.c", ["bo", "start_page", "num_pages"];
    // struct ttm_device_funcs of the generic driver (mspec 8.1)
    MDrvTtCreate = "ttm_tt_create", "struct ttm_device_funcs", ["bo", "page_flags"];
    MDrvTtDestroy = "ttm_tt_destroy", "struct ttm_device_funcs", ["tt"];
    MDrvMove = "move", "struct ttm_device_funcs", ["bo", "evict", "mem_type"];
    MDrvEvictFlags = "evict_flags", "struct ttm_device_funcs", ["bo"];
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

    /// A callback TTM makes into the driver: a `struct ttm_bo_driver` member, a backend
    /// operation (`struct ttm_backend_func`, `func->bind`), or a driver's own work such as its
    /// GPU copy (spec 7.1). The driver's symbol for it is [`crate::event_symbol`]'s.
    pub fn is_driver_callback(self) -> bool {
        self.file().starts_with("struct ttm_") || matches!(self.file(), "driver" | "driver backend")
    }

    /// A function of the Linux 6.12 model (mspec), linked to the v6.12 tree.
    pub fn is_modern(self) -> bool {
        self.index() >= Func::MGlobalInit.index()
    }

    /// Link to the definition in the v3.3 tree (v6.12 for [`Func::is_modern`] ones), or `None`
    /// for pseudo-symbols (backend callbacks).
    pub fn elixir_url(self) -> Option<String> {
        let s = self.symbol();
        let v = if self.is_modern() { "v6.12" } else { "v3.3" };
        if s.contains("->") {
            None
        } else {
            Some(format!("https://elixir.bootlin.com/linux/{v}/A/ident/{s}"))
        }
    }
}
