//! The AGP backend: `drivers/gpu/drm/ttm/ttm_agp_backend.c` (spec 7.5). A plain ttm_tt whose
//! pages are bound into the AGP aperture; populate is `ttm_pool_populate` (the WC pool's main user).

use crate::consts::TtState;
use crate::errno::KResult;
use crate::sim::Sim;

/// `ttm_agp_tt_populate`: return 0 unless unpopulated, else `ttm_pool_populate`.
pub(crate) fn tt_populate(sim: &mut Sim, tt: u32) -> KResult {
    if sim.state.tts[tt as usize].state != TtState::Unpopulated {
        return Ok(());
    }
    sim.pool_populate(tt)
}

/// `ttm_agp_tt_unpopulate` = `ttm_pool_unpopulate`.
pub(crate) fn tt_unpopulate(sim: &mut Sim, tt: u32) {
    sim.pool_unpopulate(tt);
}
