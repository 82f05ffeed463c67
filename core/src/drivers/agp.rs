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

/// `ttm_agp_bind`: allocate an AGP memory object for the pages and bind it at the node start.
/// 3.3 does not free a memory object kept by an earlier unbind (O4); fixed mode frees it first.
pub(crate) fn bind(sim: &mut Sim, tt: u32) -> KResult {
    let held = sim.state.tts[tt as usize].agp_mem;
    if held > 0 {
        if sim.faithful() {
            sim.finding(crate::trace::Finding::O4AgpMemLeak { tt });
            sim.set(crate::state::Var::TtAgpMem(tt), held as u64 + 1);
            return Ok(());
        }
        sim.set(crate::state::Var::TtAgpMem(tt), held as u64 - 1);
    }
    let held = sim.state.tts[tt as usize].agp_mem;
    sim.set(crate::state::Var::TtAgpMem(tt), held as u64 + 1);
    Ok(())
}

/// `ttm_agp_unbind` of a bound tt: AGP-unbind and keep the memory object (spec 7.5).
pub(crate) fn unbind(_sim: &mut Sim, _tt: u32) {}

/// `ttm_agp_destroy`: unbind if present, then free the one memory object it still points to.
pub(crate) fn destroy(sim: &mut Sim, tt: u32) {
    let held = sim.state.tts[tt as usize].agp_mem;
    if held > 0 {
        sim.set(crate::state::Var::TtAgpMem(tt), held as u64 - 1);
    }
}
