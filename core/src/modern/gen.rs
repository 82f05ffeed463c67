//! The generic modern driver "gen" (mspec 8.1), modelled on the KUnit helper device and on what
//! amdgpu does at this level: SYSTEM, a TT range manager backed by tts, a VRAM range manager
//! without; tt caching per BO; null moves for SYSTEM↔TT, a multi-hop for VRAM→SYSTEM, memcpy
//! for the rest; VRAM evicts to TT then SYSTEM, TT to SYSTEM.
//!
//! Driver differences (mspec 8.5, 9.6): a 3.3 radeon or nouveau machine runs "gen" with the tt
//! caching its BOs ask for; vmwgfx keeps everything cached.

use super::ttm_resource::TtmPlace;
use super::{place_flags, PL_SYSTEM, PL_TT, PL_VRAM};
use crate::code::{k::*, l, Listing};
use crate::config::DriverKind;
use crate::consts::Caching;
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::Sim;

/// Pseudocode of the generic driver's callbacks (our own words).
pub(crate) const CODE: &[Listing] = &[
    (
        F::MDrvTtCreate,
        &[l(
            "allocate a tt with the BO's caching (vmwgfx: always cached), no extra pages",
            &[F::MTtInit],
            &[],
        )],
    ),
    (
        F::MDrvTtDestroy,
        &[l("finish the tt and free it", &[F::MTtFini], &[])],
    ),
    (
        F::MDrvMove,
        &[
            l(
                "no old resource, or SYSTEM without a tt: a null move",
                &[F::MBoMoveNull],
                &[],
            ),
            l(
                "SYSTEM <-> TT: a null move (the GART binding is the driver's own business)",
                &[F::MBoMoveNull],
                &[],
            ),
            l(
                "VRAM -> SYSTEM: ask for a hop through a TEMPORARY TT place (-EMULTIHOP)",
                &[],
                &[],
            ),
            l(
                "everything else: copy with the CPU",
                &[F::MBoMoveMemcpy],
                &[],
            ),
        ],
    ),
    (
        F::MDrvEvictFlags,
        &[l(
            "VRAM: to TT, else SYSTEM; TT and SYSTEM: to SYSTEM",
            &[],
            &[],
        )],
    ),
];

impl Sim {
    /// The driver's `ttm_tt_create` (mspec 3.2, 8.1).
    pub(crate) fn mdrv_tt_create(&mut self, bo: u32, flags: u32) -> KResult<u32> {
        self.enter(Func::MDrvTtCreate, &[bo as u64, flags as u64]);
        let b = &self.m().bos[bo as usize];
        let caching = if self.cfg.driver.kind == DriverKind::Vmwgfx {
            Caching::Cached
        } else {
            b.caching
        };
        let pages = b.num_pages;
        let r = self.mtt_init(pages, flags, caching);
        match r {
            Ok(t) => {
                self.exit(t as i64);
                Ok(t)
            }
            Err(e) => self.ret(Err(e)),
        }
    }

    /// The driver's `evict_flags` (mspec 8.1).
    pub(crate) fn mdrv_evict_flags(&mut self, bo: u32) -> Vec<TtmPlace> {
        self.enter(Func::MDrvEvictFlags, &[bo as u64]);
        let v = match self.m().bo_mem_type(bo) {
            Some(PL_VRAM) => vec![TtmPlace::new(PL_TT, 0), TtmPlace::new(PL_SYSTEM, 0)],
            _ => vec![TtmPlace::new(PL_SYSTEM, 0)],
        };
        self.exit(v.len() as i64);
        v
    }

    /// The driver's `move` (mspec 8.1). `Err(Emultihop)` asks the caller to bounce through the
    /// returned hop place.
    pub(crate) fn mdrv_move(
        &mut self,
        bo: u32,
        evict: bool,
        new_res: u32,
    ) -> Result<(), (Errno, Option<TtmPlace>)> {
        let new_mt = self.m().resources[new_res as usize].mem_type;
        self.enter(Func::MDrvMove, &[bo as u64, evict as u64, new_mt as u64]);
        let b = &self.m().bos[bo as usize];
        let old_mt = b.res.map(|r| self.m().resources[r as usize].mem_type);
        let has_tt = b.tt.is_some();
        let r = match (old_mt, new_mt) {
            (None, _) => self.mbo_move_null(bo, new_res),
            (Some(PL_SYSTEM), _) if !has_tt => self.mbo_move_null(bo, new_res),
            (Some(PL_SYSTEM), PL_TT) | (Some(PL_TT), PL_SYSTEM) => self.mbo_move_null(bo, new_res),
            (Some(PL_VRAM), PL_SYSTEM) => {
                self.exit(Errno::Emultihop.code());
                return Err((
                    Errno::Emultihop,
                    Some(TtmPlace::new(PL_TT, place_flags::TEMPORARY)),
                ));
            }
            _ => self.mbo_move_memcpy(bo, new_res),
        };
        match r {
            Ok(()) => {
                self.exit(0);
                Ok(())
            }
            Err(e) => {
                self.exit(e.code());
                Err((e, None))
            }
        }
    }
}
