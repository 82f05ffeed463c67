//! radeon (`drivers/gpu/drm/radeon/radeon_ttm.c`, `radeon_object.c`, 3.4; spec 7.2).

use super::{BoDriver, ManagerSpec, Placement, TtKind};
use crate::bo_state::MemReg;
use crate::config::DriverKind;
use crate::consts::placement::*;
use crate::consts::PAGE_SHIFT;
use crate::errno::KResult;
use crate::sim::Sim;

/// The radeon driver model.
pub struct Radeon;

/// GEM domain VRAM: WC|UNCACHED|VRAM (radeon_ttm_placement_from_domain).
pub fn domain_vram() -> Placement {
    Placement::both(vec![FLAG_WC | FLAG_UNCACHED | FLAG_VRAM])
}

/// GEM domain GTT: MASK_CACHING|TT.
pub fn domain_gtt() -> Placement {
    Placement::both(vec![MASK_CACHING | FLAG_TT])
}

/// GEM domain CPU: MASK_CACHING|SYSTEM.
pub fn domain_cpu() -> Placement {
    Placement::both(vec![MASK_CACHING | FLAG_SYSTEM])
}

impl BoDriver for Radeon {
    fn kind(&self) -> DriverKind {
        DriverKind::Radeon
    }

    fn mem_types(&self, sim: &Sim, dev: u8) -> Vec<(u8, u64)> {
        let d = sim.cfg.device_driver(dev);
        vec![
            (PL_TT as u8, d.gtt_size_pages()),
            (PL_VRAM as u8, d.vram_size_pages()),
        ]
    }

    /// radeon_init_mem_type (spec 7.2 table); GTT sits after VRAM in the GPU address space.
    fn init_mem_type(&self, sim: &Sim, dev: u8, t: u8) -> Option<ManagerSpec> {
        let d = sim.cfg.device_driver(dev);
        let (vram, gtt) = (d.vram_size_pages(), d.gtt_size_pages());
        Some(match t as u32 {
            PL_SYSTEM => ManagerSpec::system(MASK_CACHING),
            PL_TT => ManagerSpec::pci_gart(sim.cfg.agp, gtt, vram << PAGE_SHIFT),
            PL_VRAM => ManagerSpec::pci_vram(vram),
            _ => return None,
        })
    }

    fn tt_kind(&self, sim: &Sim, _dev: u8) -> TtKind {
        if sim.cfg.agp {
            TtKind::Agp
        } else {
            TtKind::RadeonGart
        }
    }

    /// radeon_evict_flags: VRAM → GTT if the GFX ring is ready, else CPU; others → CPU;
    /// non-radeon BOs (ghosts) → SYSTEM with any caching.
    fn evict_flags(&self, sim: &Sim, bo: u32) -> Placement {
        let b = &sim.state.bos[bo as usize];
        if b.ghost {
            return Placement::both(vec![FLAG_SYSTEM | MASK_CACHING]);
        }
        if b.mem.mem_type as u32 == PL_VRAM && sim.cfg.device_driver(sim.dev_of(bo)).accel {
            domain_gtt()
        } else {
            domain_cpu()
        }
    }

    /// radeon_bo_move (spec 7.2).
    fn move_bo(&self, sim: &mut Sim, bo: u32, evict: bool, new: MemReg) -> Option<KResult> {
        let b = &sim.state.bos[bo as usize];
        let (old, tt) = (b.mem.mem_type as u32, b.tt);
        let new_t = new.mem_type as u32;
        let null_move = (old == PL_SYSTEM && tt.is_none())
            || (old == PL_TT && new_t == PL_SYSTEM)
            || (old == PL_SYSTEM && new_t == PL_TT);
        if null_move {
            let oldm = sim.state.bos[bo as usize].mem;
            sim.mem_put_pub(bo, &oldm);
            sim.set_mem_pub(bo, new);
            return Some(Ok(()));
        }
        if !sim.cfg.device_driver(sim.dev_of(bo)).accel {
            return Some(sim.bo_move_memcpy(bo, evict, new));
        }
        let r = if old == PL_VRAM && new_t == PL_SYSTEM {
            super::move_via_tt_to_system(sim, bo, evict, new)
        } else if old == PL_SYSTEM && new_t == PL_VRAM {
            super::move_via_tt_from_system(sim, bo, new)
        } else {
            super::gpu_copy(sim, bo, evict, new)
        };
        Some(match r {
            Ok(()) => Ok(()),
            Err(_) => sim.bo_move_memcpy(bo, evict, new),
        })
    }

    fn fault_reserve_notify(&self, sim: &mut Sim, bo: u32) -> KResult {
        super::move_to_visible_vram(sim, bo, domain_vram())
    }

    fn placements(&self, _sim: &Sim) -> Vec<(&'static str, Placement)> {
        vec![
            ("vram", domain_vram()),
            ("gtt", domain_gtt()),
            ("cpu", domain_cpu()),
        ]
    }

    fn has_move_notify(&self) -> bool {
        true
    }

    /// radeon_ttm_io_mem_reserve: VRAM through the BAR; AGP GTT through the aperture.
    fn is_iomem(&self, sim: &Sim, t: u8) -> bool {
        t as u32 == PL_VRAM || (t as u32 == PL_TT && sim.cfg.agp)
    }
}
