//! drivers/gpu/drm/ttm/ttm_bo_util.c of Linux 6.12 (mspec 6.8, 7.2, 7.3, 7.5): the LRU walker
//! used by eviction and swap-out, the null and memcpy moves (with clear-instead-of-copy), the
//! pipeline gutting of a BO that loses its placement, and kmap's populate.

use super::ttm_resource::TtmPlace;
use super::{tt_flags, Holder, MBoField};
use crate::code::{k::*, l, Listing};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::Sim;
use crate::state::{Delta, CONTENT_STALE, CONTENT_ZERO};
use std::collections::BTreeSet;

/// Pseudocode of the ttm_bo_util.c functions (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (F::MLruWalkForEvict, &[
        l("for each resource of the manager: priority 0 head to tail, then 1, 2, 3", &[], &[]),
        l("trylock its BO; skip it if that fails (held by someone else or the caller)", &[], &[Modern(MK::Set(MV::Bo(MB::Lock)))]),
        l("still a resource of this type: run the callback", &[F::MBoEvictCb, F::MBoSwapoutCb], &[]),
        l("unlock; -EBUSY counts as no progress, another error ends the walk", &[], &[Modern(MK::Set(MV::Bo(MB::Lock)))]),
        l("stop once the progress reaches the target", &[], &[]),
    ]),
    (F::MBoMoveNull, &[
        l("free the old resource and take the new one; no data moves", &[F::MResourceFree], &[Modern(MK::Set(MV::Bo(MB::Res)))]),
    ]),
    (F::MBoMoveMemcpy, &[
        l("no current resource: -EINVAL", &[], &[]),
        l("a tt that is swapped out or goes to tt-backed memory is populated first", &[F::MTtPopulate], &[]),
        l("source is an unpopulated tt: zero the destination (or copy nothing without ZERO_ALLOC)", &[], &[IoContent, Content]),
        l("otherwise copy page by page", &[], &[IoContent, Content]),
        l("wait for idle, drop the tt if the destination has none, switch resources", &[F::MBoMoveSyncCleanup], &[]),
    ]),
    (F::MBoMoveSyncCleanup, &[
        l("wait for the BO to be idle", &[], &[]),
        l("the destination uses no tt: destroy the tt (pages back to pool or system)", &[F::MBoTtDestroy], &[]),
        l("free the old resource; the BO takes the new one", &[F::MResourceFree], &[Modern(MK::Set(MV::Bo(MB::Res)))]),
    ]),
    (F::MBoPipelineGutting, &[
        l("idle BO: no tt → create one; else unpopulate it and mark it for clearing", &[F::MTtCreate, F::MTtUnpopulate], &[Set(V::TtFlags)]),
        l("free the resource: the BO has no placement any more", &[F::MResourceFree], &[]),
    ]),
    (F::MBoKmap, &[
        l("the range must lie inside the BO, else -EINVAL", &[], &[]),
        l("a BO in system memory: populate its tt, then map the pages", &[F::MTtPopulate], &[]),
    ]),
];

/// What the LRU walker does with each locked BO.
#[derive(Clone, Copy, Debug)]
pub(crate) enum WalkCb {
    /// `ttm_bo_evict_cb`: evict, then try to allocate `place` for `evictor`.
    Evict {
        /// The place wanted.
        place: TtmPlace,
        /// The BO that wants it.
        evictor: u32,
    },
    /// `ttm_bo_swapout_cb`.
    Swapout,
}

impl Sim {
    /// `ttm_lru_walk_for_evict` (mspec 6.8), trylock only (the ticket phase of mspec 6.7 step 2
    /// is not modelled). Returns the progress and, for eviction, the evictor's new resource.
    /// Resources already visited are not visited again in the same walk (the hitch).
    pub(crate) fn mlru_walk(
        &mut self,
        mt: u8,
        target: u64,
        cb: WalkCb,
    ) -> KResult<(u64, Option<u32>)> {
        self.enter(Func::MLruWalkForEvict, &[mt as u64, target]);
        let mut seen = BTreeSet::new();
        let mut progress = 0u64;
        let mut got = None;
        while let Some(res) = self.mman_iter(mt).into_iter().find(|r| !seen.contains(r)) {
            seen.insert(res);
            let bo = self.m().resources[res as usize].bo;
            let b = &self.m().bos[bo as usize];
            if b.lock != Holder::None || !b.alive {
                continue;
            }
            self.mbo_set(bo, MBoField::Lock, 1);
            let still = self.m().bos[bo as usize]
                .res
                .is_some_and(|r| self.m().resources[r as usize].mem_type == mt);
            let r = if still {
                match cb {
                    WalkCb::Evict { place, evictor } => self.mbo_evict_cb(bo, &place, evictor),
                    WalkCb::Swapout => self.mbo_swapout_cb(bo),
                }
            } else {
                Ok((0, None))
            };
            if self.m().bos[bo as usize].alive {
                self.mbo_set(bo, MBoField::Lock, 0);
            }
            match r {
                Ok((v, res)) => {
                    progress += v;
                    got = got.or(res);
                }
                Err(Errno::Ebusy) => {}
                Err(e) => return self.ret(Err(e)),
            }
            if progress >= target {
                break;
            }
        }
        self.exit(progress as i64);
        Ok((progress, got))
    }

    /// `ttm_bo_move_null` (mspec 7.2).
    pub(crate) fn mbo_move_null(&mut self, bo: u32, new_res: u32) -> KResult {
        self.enter(
            Func::MBoMoveNull,
            &[
                bo as u64,
                self.m().resources[new_res as usize].mem_type as u64,
            ],
        );
        if let Some(old) = self.m().bos[bo as usize].res {
            self.mresource_free(bo, old);
        }
        self.mbo_set(bo, MBoField::Res, new_res as u64 + 1);
        self.ret(Ok(()))
    }

    /// `ttm_bo_move_memcpy` (mspec 7.3).
    pub(crate) fn mbo_move_memcpy(&mut self, bo: u32, new_res: u32) -> KResult {
        let dst = self.m().resources[new_res as usize].clone();
        self.enter(Func::MBoMoveMemcpy, &[bo as u64, dst.mem_type as u64]);
        let Some(old) = self.m().bos[bo as usize].res else {
            return self.ret(Err(Errno::Einval));
        };
        let src = self.m().resources[old as usize].clone();
        let dst_tt = self.m().managers[dst.mem_type as usize].use_tt;
        let src_tt = self.m().managers[src.mem_type as usize].use_tt;
        let tt = self.m().bos[bo as usize].tt;
        if let Some(t) = tt {
            let swapped = self.state.tts[t as usize].page_flags & tt_flags::SWAPPED != 0;
            if swapped || dst_tt {
                if let Err(e) = self.mtt_populate(t) {
                    return self.ret(Err(e));
                }
            }
        }
        let tt_ready = tt.is_some_and(|t| self.mtt_populated(t));
        let clear = src_tt && !tt_ready;
        let zero_alloc =
            tt.is_some_and(|t| self.state.tts[t as usize].page_flags & tt_flags::ZERO_ALLOC != 0);
        if !(clear && tt.is_some() && !zero_alloc) {
            for i in 0..dst.pages {
                let v = if clear {
                    CONTENT_ZERO
                } else if src_tt {
                    tt.and_then(|t| self.state.tts[t as usize].pages[i as usize])
                        .map_or(CONTENT_ZERO, |p| self.page_content(p))
                } else {
                    self.io_content(src.mem_type, src.start + i)
                };
                if dst_tt {
                    if let Some(p) = tt.and_then(|t| self.state.tts[t as usize].pages[i as usize]) {
                        self.set_content(p, v);
                    }
                } else {
                    self.set_io_content(dst.mem_type, dst.start + i, v);
                }
            }
        }
        self.mbo_move_sync_cleanup(bo, new_res);
        self.ret(Ok(()))
    }

    /// `ttm_bo_move_sync_cleanup` (mspec 7.3 step 5).
    fn mbo_move_sync_cleanup(&mut self, bo: u32, new_res: u32) {
        self.enter(Func::MBoMoveSyncCleanup, &[bo as u64]);
        let dst_tt =
            self.m().managers[self.m().resources[new_res as usize].mem_type as usize].use_tt;
        if !dst_tt {
            self.mbo_tt_destroy(bo);
        }
        if let Some(old) = self.m().bos[bo as usize].res {
            self.mresource_free(bo, old);
        }
        self.mbo_set(bo, MBoField::Res, new_res as u64 + 1);
        self.exit(0);
    }

    fn io_content(&self, mt: u8, page: u64) -> u32 {
        self.state
            .io_contents
            .get(&(mt, page))
            .copied()
            .unwrap_or(CONTENT_STALE)
    }

    fn set_io_content(&mut self, mem_type: u8, page: u64, new: u32) {
        let old = self.io_content(mem_type, page);
        if old != new {
            self.d(Delta::IoContent {
                mem_type,
                page,
                old,
                new,
            });
        }
    }

    /// `ttm_bo_pipeline_gutting` (mspec 7.5) for an idle BO (fences are not modelled).
    pub(crate) fn mbo_pipeline_gutting(&mut self, bo: u32) -> KResult {
        self.enter(Func::MBoPipelineGutting, &[bo as u64]);
        match self.m().bos[bo as usize].tt {
            None => {
                if let Err(e) = self.mtt_create(bo, true) {
                    return self.ret(Err(e));
                }
            }
            Some(t) => {
                self.mtt_unpopulate(t);
                if self.m().bos[bo as usize].btype == super::bo_type::DEVICE {
                    let f = self.state.tts[t as usize].page_flags | tt_flags::ZERO_ALLOC;
                    self.set(crate::state::Var::TtFlags(t), f as u64);
                }
            }
        }
        if let Some(r) = self.m().bos[bo as usize].res {
            self.mresource_free(bo, r);
        }
        self.ret(Ok(()))
    }

    /// `ttm_bo_kmap` (mspec 3.10, 7.7): range check, then populate a system-memory BO.
    pub(crate) fn mbo_kmap(&mut self, bo: u32, start: u32, num: u32) -> KResult {
        self.enter(Func::MBoKmap, &[bo as u64, start as u64, num as u64]);
        let size = self.m().bos[bo as usize].num_pages;
        if num > size || start as u64 + num as u64 > size as u64 {
            return self.ret(Err(Errno::Einval));
        }
        let r = self.mbo_populate_if_system(bo);
        self.ret(r)
    }

    /// Populate the tt of a BO whose memory is tt-backed (SYSTEM or TT).
    pub(crate) fn mbo_populate_if_system(&mut self, bo: u32) -> KResult {
        let Some(mt) = self.m().bo_mem_type(bo) else {
            return Ok(());
        };
        if !self.m().managers[mt as usize].use_tt {
            return Ok(());
        }
        match self.m().bos[bo as usize].tt {
            Some(t) => self.mtt_populate(t),
            None => Ok(()),
        }
    }
}
