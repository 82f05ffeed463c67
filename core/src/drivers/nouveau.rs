//! nouveau (`drivers/gpu/drm/nouveau/nouveau_bo.c`, `nouveau_sgdma.c`, 3.4; spec 7.3).

use super::{BoDriver, ManagerSpec, Placement, TtKind};
use crate::bo_state::MemReg;
use crate::config::DriverKind;
use crate::consts::placement::*;
use crate::errno::KResult;
use crate::sim::Sim;

/// The nouveau driver model.
pub struct Nouveau;

/// nouveau_bo_placement_set for one domain: MASK_CACHING | type; busy = the same.
fn domain(t: u32) -> Placement {
    Placement::both(vec![MASK_CACHING | t])
}

impl BoDriver for Nouveau {
    fn kind(&self) -> DriverKind {
        DriverKind::Nouveau
    }

    fn mem_types(&self, sim: &Sim, dev: u8) -> Vec<(u8, u64)> {
        let d = sim.cfg.device_driver(dev);
        vec![
            (PL_VRAM as u8, d.vram_size_pages()),
            (PL_TT as u8, d.gtt_size_pages()),
        ]
    }

    /// nouveau_bo_init_mem_type (spec 7.3). NV50+ VRAM/TT use nouveau's own managers; the model
    /// uses the range manager for both (same best-fit placement).
    fn init_mem_type(&self, sim: &Sim, dev: u8, t: u8) -> Option<ManagerSpec> {
        let d = sim.cfg.device_driver(dev);
        Some(match t as u32 {
            PL_SYSTEM => ManagerSpec::system(MASK_CACHING),
            PL_VRAM => ManagerSpec::pci_vram(d.vram_size_pages()),
            PL_TT => ManagerSpec::pci_gart(sim.cfg.agp, d.gtt_size_pages(), 0),
            _ => return None,
        })
    }

    /// AGP GART → ttm_agp_tt_create; else nouveau_sgdma_create_ttm with the backend chosen by
    /// nouveau_sgdma_init: nv50 on NV50+, nv04 (PDMA) before (the nv41/nv44 ones are disabled).
    /// nv04_sgdma_bind writes (bus address | 3) PTEs from (offset >> 12) + 2; nv50_sgdma_bind only
    /// records the dma_address array (the VM mapping happens in move_notify). Both are traced by
    /// the core; their entries are not model state.
    fn tt_kind(&self, sim: &Sim, dev: u8) -> TtKind {
        if sim.cfg.agp {
            TtKind::Agp
        } else if sim.cfg.device_driver(dev).nv50 {
            TtKind::NouveauNv50
        } else {
            TtKind::NouveauNv04
        }
    }

    /// nouveau_bo_evict_flags: VRAM → TT (busy TT, SYSTEM); otherwise SYSTEM.
    fn evict_flags(&self, sim: &Sim, bo: u32) -> Placement {
        if sim.state.bos[bo as usize].mem.mem_type as u32 == PL_VRAM {
            Placement {
                fpfn: 0,
                lpfn: 0,
                placement: vec![MASK_CACHING | FLAG_TT],
                busy: vec![MASK_CACHING | FLAG_TT, MASK_CACHING | FLAG_SYSTEM],
            }
        } else {
            domain(FLAG_SYSTEM)
        }
    }

    /// nouveau_bo_move (spec 7.3): null move for a fresh SYSTEM BO; memcpy without a channel;
    /// "flipd" to SYSTEM, "flips" from SYSTEM, else a direct M2MF copy; failures → memcpy.
    fn move_bo(&self, sim: &mut Sim, bo: u32, evict: bool, new: MemReg) -> Option<KResult> {
        let b = &sim.state.bos[bo as usize];
        let (old, tt) = (b.mem.mem_type as u32, b.tt);
        if old == PL_SYSTEM && tt.is_none() {
            sim.set_mem_pub(bo, new);
            return Some(Ok(()));
        }
        if !sim.cfg.device_driver(sim.dev_of(bo)).accel {
            return Some(sim.bo_move_memcpy(bo, evict, new));
        }
        let r = if new.mem_type as u32 == PL_SYSTEM {
            super::move_via_tt_to_system(sim, bo, evict, new)
        } else if old == PL_SYSTEM {
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
        super::move_to_visible_vram(sim, bo, domain(FLAG_VRAM))
    }

    fn placements(&self, _sim: &Sim) -> Vec<(&'static str, Placement)> {
        vec![
            ("vram", domain(FLAG_VRAM)),
            ("tt", domain(FLAG_TT)),
            ("system", domain(FLAG_SYSTEM)),
        ]
    }

    fn has_move_notify(&self) -> bool {
        true
    }

    fn is_iomem(&self, sim: &Sim, t: u8) -> bool {
        t as u32 == PL_VRAM || (t as u32 == PL_TT && sim.cfg.agp)
    }
}
