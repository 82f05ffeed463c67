//! vmwgfx (`drivers/gpu/drm/vmwgfx/vmwgfx_buffer.c`, `vmwgfx_gmrid_manager.c`, 3.4; spec 7.4).
//! Everything is cached, so vmwgfx never uses the WC/UC pools; it has no move callback (memcpy).

use super::{BoDriver, ManagerSpec, Placement, TtKind};
use crate::bo::{MEMTYPE_CMA, MEMTYPE_FIXED, MEMTYPE_MAPPABLE};
use crate::bo_state::{ManagerKind, MemReg};
use crate::config::DriverKind;
use crate::consts::placement::*;
use crate::errno::KResult;
use crate::sim::Sim;

/// The vmwgfx driver model.
pub struct Vmwgfx;

/// `VMW_PL_GMR = TTM_PL_PRIV0`.
pub const VMW_PL_GMR: u32 = PL_PRIV0;
/// `VMW_PL_FLAG_GMR`.
pub const VMW_PL_FLAG_GMR: u32 = FLAG_PRIV0;

impl BoDriver for Vmwgfx {
    fn kind(&self) -> DriverKind {
        DriverKind::Vmwgfx
    }

    fn mem_types(&self, sim: &Sim, dev: u8) -> Vec<(u8, u64)> {
        let d = sim.cfg.device_driver(dev);
        vec![
            (PL_VRAM as u8, d.vram_size_pages()),
            (VMW_PL_GMR as u8, d.gmr_ids as u64),
        ]
    }

    /// vmw_init_mem_type: SYSTEM, VRAM (range manager, FIXED) and GMR (id manager, CMA), all CACHED.
    fn init_mem_type(&self, sim: &Sim, dev: u8, t: u8) -> Option<ManagerSpec> {
        let d = sim.cfg.device_driver(dev);
        let cached = |kind, flags, size, max_pages| ManagerSpec {
            kind,
            flags,
            available_caching: FLAG_CACHED,
            default_caching: FLAG_CACHED,
            gpu_offset: 0,
            size,
            max_pages,
        };
        Some(match t as u32 {
            PL_SYSTEM => cached(ManagerKind::System, MEMTYPE_MAPPABLE, 0, 0),
            PL_VRAM => cached(
                ManagerKind::Range,
                MEMTYPE_FIXED | MEMTYPE_MAPPABLE,
                d.vram_size_pages(),
                0,
            ),
            VMW_PL_GMR => cached(
                ManagerKind::GmrId,
                MEMTYPE_CMA | MEMTYPE_MAPPABLE,
                d.gmr_ids as u64,
                d.max_gmr_pages as u64,
            ),
            _ => return None,
        })
    }

    fn tt_kind(&self, _sim: &Sim, _dev: u8) -> TtKind {
        TtKind::VmwGmr
    }

    /// `.ttm_tt_populate = ttm_pool_populate` (E2 and E3).
    fn tt_populate(&self, sim: &mut Sim, tt: u32) -> KResult {
        sim.pool_populate(tt)
    }

    fn tt_unpopulate(&self, sim: &mut Sim, tt: u32) {
        sim.pool_unpopulate(tt)
    }

    /// vmw_ttm_bind: bind the page array to GMR id = mem.start.
    fn backend_bind(&self, _sim: &mut Sim, _tt: u32, _mem: MemReg) -> KResult {
        Ok(())
    }

    fn backend_unbind(&self, _sim: &mut Sim, _tt: u32) {}

    fn backend_destroy(&self, _sim: &mut Sim, _tt: u32) {}

    /// vmw_evict_flags: always vmw_sys_placement.
    fn evict_flags(&self, _sim: &Sim, _bo: u32) -> Placement {
        Placement::both(vec![FLAG_SYSTEM | FLAG_CACHED])
    }

    /// `.move = NULL`: TTM falls back to ttm_bo_move_memcpy.
    fn move_bo(&self, _sim: &mut Sim, _bo: u32, _evict: bool, _new: MemReg) -> Option<KResult> {
        None
    }

    fn placements(&self, _sim: &Sim) -> Vec<(&'static str, Placement)> {
        let c = FLAG_CACHED;
        let p = |placement: Vec<u32>, busy: Vec<u32>| Placement {
            fpfn: 0,
            lpfn: 0,
            placement,
            busy,
        };
        vec![
            ("vram", p(vec![FLAG_VRAM | c], vec![FLAG_VRAM | c])),
            (
                "gmr",
                p(vec![VMW_PL_FLAG_GMR | c], vec![VMW_PL_FLAG_GMR | c]),
            ),
            ("sys", p(vec![FLAG_SYSTEM | c], vec![FLAG_SYSTEM | c])),
            (
                "vram_gmr",
                p(
                    vec![FLAG_VRAM | c, VMW_PL_FLAG_GMR | c],
                    vec![VMW_PL_FLAG_GMR | c],
                ),
            ),
            (
                "evictable",
                p(
                    vec![FLAG_SYSTEM | c, FLAG_VRAM | c, VMW_PL_FLAG_GMR | c],
                    vec![FLAG_SYSTEM | c],
                ),
            ),
            (
                "srf",
                p(
                    vec![VMW_PL_FLAG_GMR | c],
                    vec![VMW_PL_FLAG_GMR | c, FLAG_VRAM | c],
                ),
            ),
        ]
    }

    fn has_move_notify(&self) -> bool {
        false
    }

    /// VRAM is reached through the SVGA BAR; GMRs are guest system pages.
    fn is_iomem(&self, _sim: &Sim, t: u8) -> bool {
        t as u32 == PL_VRAM
    }
}
