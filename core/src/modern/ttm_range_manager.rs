//! drivers/gpu/drm/ttm/ttm_range_manager.c of Linux 6.12 (mspec 5.4): a drm_mm range manager
//! over pages [0, size) — best fit, or top-down — that answers -ENOSPC when nothing fits.
//! (UNCONFIRMED commit of the 6.x text, mspec 12 item 3; behaviour stable since the rework.)

use super::ttm_resource::TtmPlace;
use super::MDelta;
use crate::code::{k::*, l, Listing};
use crate::errno::KResult;
use crate::func::Func;
use crate::sim::Sim;

/// Pseudocode of the range manager (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (
        F::MRangeManInit,
        &[l(
            "a drm_mm over pages [0, p_size); register and enable the manager",
            &[],
            &[Modern(MK::ManInit)],
        )],
    ),
    (
        F::MRangeManAlloc,
        &[
            l(
                "upper bound = the place's lpfn, or the manager's size when 0",
                &[],
                &[],
            ),
            l(
                "best fit: the smallest hole in [fpfn, lpfn) that holds the BO, at its bottom",
                &[],
                &[],
            ),
            l("TOPDOWN: the top of the highest hole that fits", &[], &[]),
            l(
                "found: initialise the resource at the hole's start",
                &[F::MResourceInit],
                &[],
            ),
            l("no hole: undo and return -ENOSPC", &[], &[]),
        ],
    ),
];

impl Sim {
    /// `ttm_range_man_init` (mspec 5.4).
    pub(crate) fn mrange_man_init(&mut self, mem_type: u8, use_tt: bool, p_size: u64) {
        self.enter(
            Func::MRangeManInit,
            &[mem_type as u64, use_tt as u64, p_size],
        );
        self.md(MDelta::ManInit {
            mem_type,
            range: true,
            use_tt,
            size: p_size,
        });
        self.exit(0);
    }

    /// `ttm_range_man_alloc` (mspec 5.4).
    pub(crate) fn mrange_man_alloc(&mut self, bo: u32, place: &TtmPlace) -> KResult<u32> {
        let pages = self.m().bos[bo as usize].num_pages as u64;
        self.enter(
            Func::MRangeManAlloc,
            &[bo as u64, pages, place.fpfn, place.lpfn, place.flags as u64],
        );
        let r = self.mrange_alloc_at(bo, place);
        match r {
            Ok(id) => {
                self.exit(id as i64);
                Ok(id)
            }
            Err(e) => self.ret(Err(e)),
        }
    }
}
