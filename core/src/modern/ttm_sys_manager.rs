//! drivers/gpu/drm/ttm/ttm_sys_manager.c of Linux 6.12 (mspec 5.3): the SYSTEM manager every
//! device has built in. It never runs out of space.

use super::ttm_resource::TtmPlace;
use super::{MDelta, PL_SYSTEM};
use crate::code::{k::*, l, Listing};
use crate::errno::KResult;
use crate::func::Func;
use crate::sim::Sim;

/// Pseudocode of the SYSTEM manager (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (
        F::MSysManInit,
        &[l(
            "the device's SYSTEM manager: backed by tts, size 0, registered and enabled",
            &[],
            &[Modern(MK::ManInit)],
        )],
    ),
    (
        F::MSysManAlloc,
        &[l(
            "allocate the small resource struct and initialise it (never -ENOSPC)",
            &[F::MResourceInit],
            &[],
        )],
    ),
];

impl Sim {
    /// `ttm_sys_man_init` (mspec 5.3).
    pub(crate) fn msys_man_init(&mut self) {
        self.enter(Func::MSysManInit, &[]);
        self.md(MDelta::ManInit {
            mem_type: PL_SYSTEM,
            range: false,
            use_tt: true,
            size: 0,
        });
        self.exit(0);
    }

    /// `ttm_sys_man_alloc` (mspec 5.3): a resource at offset 0.
    pub(crate) fn msys_man_alloc(&mut self, bo: u32, place: &TtmPlace) -> KResult<u32> {
        self.enter(Func::MSysManAlloc, &[bo as u64]);
        let r = self.mresource_init(bo, place, 0);
        self.exit(r as i64);
        Ok(r)
    }
}
