//! `struct ttm_bo_driver` (spec 7.1) and the three drivers that implement it: radeon (7.2),
//! nouveau (7.3) and vmwgfx (7.4), plus the AGP backend (7.5).

use crate::bo_state::{ManagerKind, MemReg};
use crate::config::DriverKind;
use crate::errno::KResult;
use crate::func::Func;
use crate::sim::Sim;
use serde::Serialize;

pub mod agp;
pub mod nouveau;
pub mod radeon;
pub mod vmwgfx;

/// `struct ttm_placement` (spec 6.1): preferred placements (tried without evicting) and busy
/// placements (tried with eviction), with an optional page range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// First allowed page (0 = none).
    pub fpfn: u64,
    /// One past the last allowed page (0 = none).
    pub lpfn: u64,
    /// `placement[]`.
    pub placement: Vec<u32>,
    /// `busy_placement[]`.
    pub busy: Vec<u32>,
}

impl Placement {
    /// The same list for both passes, no range.
    pub fn both(list: Vec<u32>) -> Placement {
        Placement {
            fpfn: 0,
            lpfn: 0,
            busy: list.clone(),
            placement: list,
        }
    }
}

/// What `init_mem_type` fills into a memory-type manager (spec 6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagerSpec {
    /// Allocator kind.
    pub kind: ManagerKind,
    /// TTM_MEMTYPE_FLAG_*.
    pub flags: u32,
    /// Available caching bits.
    pub available_caching: u32,
    /// Default caching bit.
    pub default_caching: u32,
    /// GPU offset.
    pub gpu_offset: u64,
    /// Size in pages (GMR: ids).
    pub size: u64,
    /// GMR page budget.
    pub max_pages: u64,
}

impl ManagerSpec {
    /// The SYSTEM type: mappable, any of `available` caching, default CACHED.
    pub(crate) fn system(available: u32) -> ManagerSpec {
        use crate::consts::placement::FLAG_CACHED;
        ManagerSpec {
            kind: ManagerKind::System,
            flags: crate::bo::MEMTYPE_MAPPABLE,
            available_caching: available,
            default_caching: FLAG_CACHED,
            gpu_offset: 0,
            size: 0,
            max_pages: 0,
        }
    }

    /// A range-managed type of `size` pages.
    pub(crate) fn range(
        flags: u32,
        available: u32,
        default: u32,
        size: u64,
        gpu_offset: u64,
    ) -> ManagerSpec {
        ManagerSpec {
            kind: ManagerKind::Range,
            flags,
            available_caching: available,
            default_caching: default,
            gpu_offset,
            size,
            max_pages: 0,
        }
    }

    /// VRAM of radeon and nouveau: FIXED|MAPPABLE, UNCACHED|WC, default WC (spec 7.2, 7.3).
    pub(crate) fn pci_vram(size: u64) -> ManagerSpec {
        use crate::bo::{MEMTYPE_FIXED, MEMTYPE_MAPPABLE};
        use crate::consts::placement::{FLAG_UNCACHED, FLAG_WC};
        Self::range(
            MEMTYPE_FIXED | MEMTYPE_MAPPABLE,
            FLAG_UNCACHED | FLAG_WC,
            FLAG_WC,
            size,
            0,
        )
    }

    /// The GART (TT) type of radeon and nouveau: on AGP mappable, UNCACHED|WC, default WC; on
    /// PCI/PCIe mappable|CMA, any caching, default CACHED (spec 7.2, 7.3).
    pub(crate) fn pci_gart(agp: bool, size: u64, gpu_offset: u64) -> ManagerSpec {
        use crate::bo::{MEMTYPE_CMA, MEMTYPE_MAPPABLE};
        use crate::consts::placement::{FLAG_CACHED, FLAG_UNCACHED, FLAG_WC, MASK_CACHING};
        if agp {
            Self::range(
                MEMTYPE_MAPPABLE,
                FLAG_UNCACHED | FLAG_WC,
                FLAG_WC,
                size,
                gpu_offset,
            )
        } else {
            Self::range(
                MEMTYPE_MAPPABLE | MEMTYPE_CMA,
                MASK_CACHING,
                FLAG_CACHED,
                size,
                gpu_offset,
            )
        }
    }
}

/// How a driver backs a tt (its `ttm_tt_create` subclass and backend).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TtKind {
    /// `struct ttm_agp_backend` (plain ttm_tt, AGP memory).
    Agp,
    /// radeon's `radeon_ttm_tt` (ttm_dma_tt + GART backend).
    RadeonGart,
    /// nouveau's `nouveau_sgdma_be` with the nv04 PDMA backend.
    NouveauNv04,
    /// nouveau's `nouveau_sgdma_be` with the nv50 backend.
    NouveauNv50,
    /// vmwgfx's `vmw_ttm_tt` (GMR binding).
    VmwGmr,
}

impl TtKind {
    /// Trace encoding.
    pub fn index(self) -> u64 {
        self as u64
    }

    /// Decode.
    pub fn from_index(i: u64) -> Option<TtKind> {
        use TtKind::*;
        [Agp, RadeonGart, NouveauNv04, NouveauNv50, VmwGmr]
            .get(i as usize)
            .copied()
    }

    /// The backend's own symbol for bind / unbind / destroy (spec 7.2 - 7.5).
    pub fn backend_symbol(self, f: Func) -> &'static str {
        use TtKind::*;
        match (self, f) {
            (Agp, Func::DrvBackendBind) => "ttm_agp_bind",
            (Agp, Func::DrvBackendUnbind) => "ttm_agp_unbind",
            (Agp, _) => "ttm_agp_destroy",
            (RadeonGart, Func::DrvBackendBind) => "radeon_ttm_backend_bind",
            (RadeonGart, Func::DrvBackendUnbind) => "radeon_ttm_backend_unbind",
            (RadeonGart, _) => "radeon_ttm_backend_destroy",
            (NouveauNv04, Func::DrvBackendBind) => "nv04_sgdma_bind",
            (NouveauNv04, Func::DrvBackendUnbind) => "nv04_sgdma_unbind",
            (NouveauNv50, Func::DrvBackendBind) => "nv50_sgdma_bind",
            (NouveauNv50, Func::DrvBackendUnbind) => "nv50_sgdma_unbind",
            (NouveauNv04 | NouveauNv50, _) => "nouveau_sgdma_destroy",
            (VmwGmr, Func::DrvBackendBind) => "vmw_ttm_bind",
            (VmwGmr, Func::DrvBackendUnbind) => "vmw_ttm_unbind",
            (VmwGmr, _) => "vmw_ttm_destroy",
        }
    }
}

/// Whether [`event_symbol`] of `f` depends on the call's arguments: a callback that names its
/// driver first (several devices), and the backend operations (named by the tt's backend).
/// Every other function has one symbol on a machine.
pub fn symbol_varies(f: Func) -> bool {
    f.arg_names().first() == Some(&"driver")
        || matches!(
            f,
            Func::DrvBackendBind | Func::DrvBackendUnbind | Func::DrvBackendDestroy
        )
}

/// The symbol to show for a traced event: driver callbacks and backend operations resolve to the
/// driver's own function, everything else to the TTM symbol.
pub fn event_symbol(kind: DriverKind, f: Func, args: &[u64]) -> &'static str {
    // A callback traced with its driver as the first argument names that driver: on a machine
    // with several devices (spec 6.1) it may not be `kind`, device 0's.
    let kind = match (f.arg_names().first(), args.first()) {
        (Some(&"driver"), Some(&k)) => DriverKind::from_index(k).unwrap_or(kind),
        _ => kind,
    };
    match f {
        Func::DrvBackendBind | Func::DrvBackendUnbind | Func::DrvBackendDestroy => args
            .first()
            .and_then(|&k| TtKind::from_index(k))
            .map_or(f.symbol(), |k| k.backend_symbol(f)),
        _ => driver_symbol(kind, f),
    }
}

/// The callbacks of `struct ttm_bo_driver` this model needs. Each implementation traces its own
/// work; the TTM core traces the callback itself (see [`driver_symbol`]).
pub(crate) trait BoDriver: Sync {
    /// Which driver.
    fn kind(&self) -> DriverKind;
    /// `init_mem_type` of device `dev`: None when the driver does not support the type (-EINVAL).
    fn init_mem_type(&self, sim: &Sim, dev: u8, mem_type: u8) -> Option<ManagerSpec>;
    /// The memory types the driver of device `dev` initialises at load, with their sizes in pages.
    fn mem_types(&self, sim: &Sim, dev: u8) -> Vec<(u8, u64)>;
    /// `ttm_tt_create` on device `dev`: which tt subclass (the core allocates it).
    fn tt_kind(&self, sim: &Sim, dev: u8) -> TtKind;
    /// `ttm_tt_populate` (E3 wrappers; E2 = ttm_pool_populate). Default: the wrapper radeon and
    /// nouveau share (AGP, swiotlb DMA pool, or pool + PCI DMA mapping).
    fn tt_populate(&self, sim: &mut Sim, tt: u32) -> KResult {
        pci_populate(sim, tt)
    }
    /// `ttm_tt_unpopulate`. Default: the radeon/nouveau mirror of [`BoDriver::tt_populate`].
    fn tt_unpopulate(&self, sim: &mut Sim, tt: u32) {
        pci_unpopulate(sim, tt)
    }
    /// The backend's bind of a tt at `mem`. Default: the AGP backend on AGP; radeon's GART and
    /// nouveau's sgdma writes (traced by the core) need no model state.
    fn backend_bind(&self, sim: &mut Sim, tt: u32, _mem: MemReg) -> KResult {
        if sim.cfg.agp {
            return agp::bind(sim, tt);
        }
        Ok(())
    }
    /// The backend's unbind (default as [`BoDriver::backend_bind`]).
    fn backend_unbind(&self, sim: &mut Sim, tt: u32) {
        if sim.cfg.agp {
            agp::unbind(sim, tt);
        }
    }
    /// The backend's destroy, before the tt object is freed (default as [`BoDriver::backend_bind`]).
    fn backend_destroy(&self, sim: &mut Sim, tt: u32) {
        if sim.cfg.agp {
            agp::destroy(sim, tt);
        }
    }
    /// `evict_flags`: where an evicted BO goes.
    fn evict_flags(&self, sim: &Sim, bo: u32) -> Placement;
    /// `move`: None when the driver has no move callback (then TTM uses memcpy).
    fn move_bo(&self, sim: &mut Sim, bo: u32, evict: bool, new_mem: MemReg) -> Option<KResult>;
    /// `fault_reserve_notify`.
    fn fault_reserve_notify(&self, _sim: &mut Sim, _bo: u32) -> KResult {
        Ok(())
    }
    /// Named placements a user can validate to (the driver's domains).
    fn placements(&self, sim: &Sim) -> Vec<(&'static str, Placement)>;
    /// Does `move_notify` exist?
    fn has_move_notify(&self) -> bool;
    /// Is the memory of this type I/O memory for the CPU (mapped through an aperture or BAR)?
    fn is_iomem(&self, sim: &Sim, mem_type: u8) -> bool;
}

static RADEON: radeon::Radeon = radeon::Radeon;
static NOUVEAU: nouveau::Nouveau = nouveau::Nouveau;
static VMWGFX: vmwgfx::Vmwgfx = vmwgfx::Vmwgfx;

impl Sim {
    /// The driver instance of device `dev` (`bdev->driver`, spec 6.1).
    pub(crate) fn drv_of(&self, dev: u8) -> &'static dyn BoDriver {
        match self.cfg.device_driver(dev).kind {
            DriverKind::Radeon => &RADEON,
            DriverKind::Nouveau => &NOUVEAU,
            DriverKind::Vmwgfx => &VMWGFX,
        }
    }

    /// The driver of a BO's device.
    pub(crate) fn drv_bo(&self, bo: u32) -> &'static dyn BoDriver {
        self.drv_of(self.dev_of(bo))
    }

    /// The driver of a BO's device as a trace argument (its [`DriverKind`] index).
    pub(crate) fn drv_arg_bo(&self, bo: u32) -> u64 {
        self.drv_bo(bo).kind() as u64
    }

    /// The driver whose `ttm_tt_create` made a driver tt of subclass `kind`: the subclass names
    /// it (the AGP backend is device 0's: a machine with AGP has one device, see
    /// `MachineConfig::devices`).
    pub(crate) fn drv_for_tt(&self, kind: TtKind) -> &'static dyn BoDriver {
        match kind {
            TtKind::Agp => self.drv_of(0),
            TtKind::RadeonGart => &RADEON,
            TtKind::NouveauNv04 | TtKind::NouveauNv50 => &NOUVEAU,
            TtKind::VmwGmr => &VMWGFX,
        }
    }

    /// The named placements (GEM / ioctl domains) of device 0's driver.
    pub fn driver_placements(&self) -> Vec<(&'static str, Placement)> {
        self.driver_placements_of(0)
    }

    /// The named placements of device `dev`'s driver.
    pub fn driver_placements_of(&self, dev: u8) -> Vec<(&'static str, Placement)> {
        self.drv_of(dev).placements(self)
    }
}

/// The driver's own symbol for a traced driver callback (for links and display): e.g.
/// `ttm_tt_populate` of radeon is `radeon_ttm_tt_populate`.
pub fn driver_symbol(kind: DriverKind, f: Func) -> &'static str {
    use DriverKind::*;
    match (kind, f) {
        (Radeon, Func::DrvTtCreate) => "radeon_ttm_tt_create",
        (Radeon, Func::DrvTtPopulate) => "radeon_ttm_tt_populate",
        (Radeon, Func::DrvTtUnpopulate) => "radeon_ttm_tt_unpopulate",
        (Radeon, Func::DrvInitMemType) => "radeon_init_mem_type",
        (Radeon, Func::DrvEvictFlags) => "radeon_evict_flags",
        (Radeon, Func::DrvMove) => "radeon_bo_move",
        (Radeon, Func::DrvMoveNotify) => "radeon_bo_move_notify",
        (Radeon, Func::DrvInvalidateCaches) => "radeon_invalidate_caches",
        (Radeon, Func::DrvFaultReserveNotify) => "radeon_bo_fault_reserve_notify",
        (Radeon, Func::DrvSyncObjWait) => "radeon_sync_obj_wait",
        (Radeon, Func::DrvSyncObjSignaled) => "radeon_sync_obj_signaled",
        (Radeon, Func::DrvIoMemReserve) => "radeon_ttm_io_mem_reserve",
        (Radeon, Func::DrvCopy) => "radeon_move_blit",
        (Nouveau, Func::DrvTtCreate) => "nouveau_ttm_tt_create",
        (Nouveau, Func::DrvTtPopulate) => "nouveau_ttm_tt_populate",
        (Nouveau, Func::DrvTtUnpopulate) => "nouveau_ttm_tt_unpopulate",
        (Nouveau, Func::DrvInitMemType) => "nouveau_bo_init_mem_type",
        (Nouveau, Func::DrvEvictFlags) => "nouveau_bo_evict_flags",
        (Nouveau, Func::DrvMove) => "nouveau_bo_move",
        (Nouveau, Func::DrvMoveNotify) => "nouveau_bo_move_ntfy",
        (Nouveau, Func::DrvInvalidateCaches) => "nouveau_bo_invalidate_caches",
        (Nouveau, Func::DrvFaultReserveNotify) => "nouveau_ttm_fault_reserve_notify",
        (Nouveau, Func::DrvSyncObjWait) => "__nouveau_fence_wait",
        (Nouveau, Func::DrvSyncObjSignaled) => "__nouveau_fence_signalled",
        (Nouveau, Func::DrvIoMemReserve) => "nouveau_ttm_io_mem_reserve",
        (Nouveau, Func::DrvCopy) => "nouveau_bo_move_m2mf",
        (Vmwgfx, Func::DrvTtCreate) => "vmw_ttm_tt_create",
        (Vmwgfx, Func::DrvTtPopulate) => "ttm_pool_populate",
        (Vmwgfx, Func::DrvTtUnpopulate) => "ttm_pool_unpopulate",
        (Vmwgfx, Func::DrvInitMemType) => "vmw_init_mem_type",
        (Vmwgfx, Func::DrvEvictFlags) => "vmw_evict_flags",
        (Vmwgfx, Func::DrvInvalidateCaches) => "vmw_invalidate_caches",
        (Vmwgfx, Func::DrvFaultReserveNotify) => "vmw_ttm_fault_reserve_notify",
        (Vmwgfx, Func::DrvSyncObjWait) => "vmw_sync_obj_wait",
        (Vmwgfx, Func::DrvSyncObjSignaled) => "vmw_sync_obj_signaled",
        (Vmwgfx, Func::DrvIoMemReserve) => "vmw_ttm_io_mem_reserve",
        _ => f.symbol(),
    }
}

/// The E3 populate wrapper radeon and nouveau share (spec 7.2, 7.3): AGP → `ttm_agp_tt_populate`;
/// swiotlb active → `ttm_dma_populate`; else `ttm_pool_populate` followed by a PCI DMA mapping of
/// every page. A mapping failure unwinds (D9) and unpopulates, returning -EFAULT.
pub(crate) fn pci_populate(sim: &mut Sim, tt: u32) -> KResult {
    if sim.state.tts[tt as usize].state != crate::consts::TtState::Unpopulated {
        return Ok(());
    }
    if sim.cfg.agp {
        return agp::tt_populate(sim, tt);
    }
    if sim.cfg.has_dma_pool() {
        return sim.dma_populate(tt);
    }
    sim.pool_populate(tt)?;
    let n = sim.state.tts[tt as usize].num_pages;
    for i in 0..n {
        sim.enter(Func::DrvDmaMap, &[tt as u64, i as u64]);
        if sim.inject(crate::sim::FaultKind::DmaMap) {
            sim.exit(crate::errno::Errno::Efault.code());
            // D9: 3.4 pre-decrements an unsigned index: pages i-1..1 are unmapped, page 0 never
            // (and at i == 0 the index wraps). Fixed: pages i-1..0.
            let last = if sim.faithful() { 1 } else { 0 };
            if sim.faithful() {
                sim.finding(crate::trace::Finding::D9DmaUnwind { tt, index: i });
            }
            for j in (last..i).rev() {
                sim.enter(Func::DrvDmaUnmap, &[tt as u64, j as u64]);
                sim.exit(0);
            }
            sim.pool_unpopulate(tt);
            return Err(crate::errno::Errno::Efault);
        }
        sim.exit(0);
    }
    Ok(())
}

/// The matching unpopulate (spec 7.2): AGP / swiotlb / unmap every page then `ttm_pool_unpopulate`.
pub(crate) fn pci_unpopulate(sim: &mut Sim, tt: u32) {
    if sim.cfg.agp {
        return agp::tt_unpopulate(sim, tt);
    }
    if sim.cfg.has_dma_pool() {
        return sim.dma_unpopulate(tt);
    }
    let n = sim.state.tts[tt as usize].num_pages;
    for i in 0..n {
        if sim.state.tts[tt as usize].pages[i as usize].is_some() {
            sim.enter(Func::DrvDmaUnmap, &[tt as u64, i as u64]);
            sim.exit(0);
        }
    }
    sim.pool_unpopulate(tt);
}

/// A CPU fault on a VRAM BO beyond the CPU-visible part re-validates it into visible VRAM
/// (radeon_bo_fault_reserve_notify, nouveau_ttm_fault_reserve_notify).
pub(crate) fn move_to_visible_vram(sim: &mut Sim, bo: u32, vram: Placement) -> KResult {
    use crate::consts::placement::PL_VRAM;
    let b = &sim.state.bos[bo as usize];
    if b.mem.mem_type as u32 != PL_VRAM {
        return Ok(());
    }
    let visible = sim
        .cfg
        .device_driver(sim.dev_of(bo))
        .visible_vram_size_pages();
    if b.mem.start + b.num_pages as u64 <= visible {
        return Ok(());
    }
    let pl = Placement {
        lpfn: visible,
        ..vram
    };
    sim.bo_validate(bo, &pl)?;
    let b = &sim.state.bos[bo as usize];
    if b.mem.start + b.num_pages as u64 > visible {
        return Err(crate::errno::Errno::Einval);
    }
    Ok(())
}

/// A GPU copy between two placements, finished with `ttm_bo_move_accel_cleanup`
/// (radeon_move_blit / nouveau_bo_move_m2mf).
pub(crate) fn gpu_copy(sim: &mut Sim, bo: u32, evict: bool, new: MemReg) -> KResult {
    let fence = sim.fence_emit();
    let old = sim.state.bos[bo as usize].mem;
    // The GPU copies every page (the model shows the result at once; the fence says when).
    sim.bo_copy_contents(bo, &old, &new);
    let from = old.mem_type as u64;
    sim.enter(
        Func::DrvCopy,
        &[
            sim.drv_arg_bo(bo),
            bo as u64,
            from,
            new.mem_type as u64,
            fence as u64,
        ],
    );
    sim.exit(0);
    sim.bo_move_accel_cleanup(bo, fence, evict, new)
}

/// Move through a temporary GTT range (radeon_move_vram_ram / nouveau "flipd"): bind the tt at a
/// temporary TT range (populate happens here), GPU-copy VRAM → TT, then `ttm_bo_move_ttm` to SYSTEM.
pub(crate) fn move_via_tt_to_system(sim: &mut Sim, bo: u32, evict: bool, new: MemReg) -> KResult {
    use crate::consts::placement::{FLAG_TT, MASK_CACHING};
    let tmp = sim.bo_mem_space(bo, &Placement::both(vec![MASK_CACHING | FLAG_TT]))?;
    let r = (|| -> KResult {
        let tt = sim.state.bos[bo as usize]
            .tt
            .ok_or(crate::errno::Errno::Einval)?;
        sim.tt_set_placement_caching(tt, tmp.placement)?;
        sim.tt_bind_mem(tt, Some(tmp))?;
        gpu_copy(sim, bo, true, tmp)
    })();
    if r.is_err() {
        sim.mem_put_pub(bo, &tmp);
        return r;
    }
    sim.bo_move_ttm(bo, evict, new)
}

/// Move through a temporary GTT range the other way (radeon_move_ram_vram / nouveau "flips"):
/// `ttm_bo_move_ttm` to a temporary TT range (binding populates), then GPU-copy TT → VRAM.
pub(crate) fn move_via_tt_from_system(sim: &mut Sim, bo: u32, new: MemReg) -> KResult {
    use crate::consts::placement::{FLAG_TT, MASK_CACHING};
    let tmp = sim.bo_mem_space(bo, &Placement::both(vec![MASK_CACHING | FLAG_TT]))?;
    if let Err(e) = sim.bo_move_ttm(bo, true, tmp) {
        sim.mem_put_pub(bo, &tmp);
        return Err(e);
    }
    gpu_copy(sim, bo, true, new)
}

/// Pseudocode of the functions this module models (spec 7; see [`crate::code`]).
#[rustfmt::skip]
pub(crate) const CODE: &[crate::code::Listing] = {
    use crate::code::k::*;
    use crate::code::l;
    &[
        (F::DrvTtCreate, &[
            l("allocate the driver's tt subclass with its backend", &[], &[]),
            l("initialise it (a DMA-address tt for radeon and nouveau)", &[F::TtInit, F::DmaTtInit], &[]),
        ]),
        (F::DrvTtPopulate, &[
            l("if already populated: done", &[], &[]),
            l("if swiotlb is active: populate from the DMA pool", &[F::DmaPopulate], &[]),
            l("otherwise (AGP, vmwgfx, plain PCI): populate from the page pool", &[F::PoolPopulate], &[]),
            l("then, unless AGP or vmwgfx: map each page for the device", &[F::DrvDmaMap], &[]),
            l("if a mapping fails: unmap the ones before, unpopulate, -EFAULT", &[F::DrvDmaUnmap, F::PoolUnpopulate], &[]),
        ]),
        (F::DrvTtUnpopulate, &[
            l("if swiotlb is active: give the pages back to the DMA pool", &[F::DmaUnpopulate], &[]),
            l("unless AGP or vmwgfx: unmap each page for the device", &[F::DrvDmaUnmap], &[]),
            l("give the pages back to the page pool", &[F::PoolUnpopulate], &[]),
        ]),
        (F::DrvInitMemType, &[
            l("SYSTEM: cached memory the CPU maps directly", &[], &[]),
            l("TT: the GART (or AGP aperture) range, cached or WC/UC", &[], &[]),
            l("if VRAM: fixed on-card memory, WC/UC, partly CPU-visible", &[], &[]),
            l("vmwgfx GMR: ids instead of ranges", &[], &[]),
            l("if it is any other type: -EINVAL", &[], &[]),
        ]),
        (F::DrvEvictFlags, &[
            l("if it is a ghost or foreign BO: SYSTEM, any caching", &[], &[]),
            l("if VRAM with the GPU ready: to GTT", &[], &[]),
            l("anything else: to system memory (the CPU domain)", &[], &[]),
        ]),
        (F::DrvMove, &[
            l("if SYSTEM <-> TT, or nothing to copy: just adopt the new memory", &[F::BoMemPut], &[Set(V::Bo(B::MemType)), Set(V::Bo(B::Placement)), Set(V::Bo(B::Start)), Set(V::Bo(B::HasNode))]),
            l("if no GPU acceleration: copy with the CPU", &[F::BoMoveMemcpy], &[]),
            l("if VRAM -> SYSTEM: first bind the tt at a temporary GTT range", &[F::BoMemSpace, F::TtSetPlacementCaching, F::TtBind], &[]),
            l("SYSTEM -> VRAM: first move the tt to a temporary GTT range", &[F::BoMemSpace, F::BoMoveTtm], &[]),
            l("the GPU copies the pages; a fence marks the end", &[F::DrvCopy], &[FenceNew, Content, IoContent]),
            l("finish: the old memory goes when the fence signals", &[F::BoMoveAccelCleanup], &[]),
            l("if VRAM -> SYSTEM: then move the tt from GTT to SYSTEM", &[F::BoMoveTtm], &[]),
            l("if the GPU copy failed: copy with the CPU", &[F::BoMoveMemcpy], &[]),
        ]),
        (F::DrvMoveNotify, &[
            l("the driver drops its own mappings of the old placement", &[], &[]),
            l("(no state the model keeps changes)", &[], &[]),
        ]),
        (F::DrvInvalidateCaches, &[
            l("flush the GPU's caches before it reads the moved BO", &[], &[]),
            l("(no state the model keeps changes)", &[], &[]),
        ]),
        (F::DrvFaultReserveNotify, &[
            l("if it is not in VRAM, or within the CPU-visible part: nothing to do", &[], &[]),
            l("otherwise: validate it into CPU-visible VRAM", &[F::BoValidate], &[]),
            l("if it did not fit there: -EINVAL", &[], &[]),
        ]),
        (F::DrvSyncObjWait, &[
            l("block until the GPU reaches the fence", &[], &[Set(V::FenceSignaled)]),
        ]),
        (F::DrvSyncObjSignaled, &[
            l("report whether the GPU has passed the fence", &[], &[]),
        ]),
        (F::DrvIoMemReserve, &[
            l("if SYSTEM and non-AGP TT: plain memory, not I/O", &[], &[]),
            l("if VRAM and AGP TT: I/O memory behind a BAR or aperture", &[], &[]),
        ]),
        (F::DrvCopy, &[
            l("the GPU's copy engine copies every page", &[], &[]),
            l("and emits the fence", &[], &[]),
        ]),
        (F::DrvBackendBind, &[
            l("write the tt's pages into the GART / sgdma / GMR table at the range", &[], &[]),
            l("if AGP: allocate an AGP memory object and bind it", &[], &[Set(V::TtAgpMem)]),
        ]),
        (F::DrvBackendUnbind, &[
            l("clear the tt's entries from the GART / sgdma / GMR table", &[], &[]),
            l("if AGP: unbind, keeping the memory object", &[], &[]),
        ]),
        (F::DrvBackendDestroy, &[
            l("if AGP: free the memory object it still holds", &[], &[Set(V::TtAgpMem)]),
            l("free the driver's object and the tt", &[F::TtFini, F::DmaTtFini], &[]),
        ]),
        (F::DrvDmaMap, &[
            l("map one page for the device's DMA", &[], &[]),
            l("if the mapping fails: -EFAULT", &[], &[]),
        ]),
        (F::DrvDmaUnmap, &[
            l("unmap one page from the device's DMA", &[], &[]),
        ]),
    ]
};
