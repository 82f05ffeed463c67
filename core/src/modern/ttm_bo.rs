//! drivers/gpu/drm/ttm/ttm_bo.c of Linux 6.12 (mspec 6, 7.1, 3.9): BO creation, reservation,
//! validation in two passes over one place list with DESIRED/FALLBACK, allocation with eviction
//! through the LRU walker, pinning, swap-out of one BO per call, moves with multi-hop bouncing,
//! and release.

use super::ttm_bo_util::WalkCb;
use super::ttm_resource::{pack_placement, TtmPlace};
use super::{bo_type, place_flags, tt_flags, Holder, MBoField, MCtr, MDelta, PL_SYSTEM};
use crate::code::{k::*, l, Listing};
use crate::consts::Caching;
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::Sim;

/// Pseudocode of the ttm_bo.c functions (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (
        F::MBoInitReserved,
        &[
            l(
                "one reference, not pinned, its own reservation locked (a BO starts locked)",
                &[],
                &[Modern(MK::BoNew)],
            ),
            l(
                "bo_count += 1; no accounting charge any more",
                &[],
                &[Modern(MK::Count(MC::BoCount))],
            ),
            l(
                "validate it to the requested placement",
                &[F::MBoValidate],
                &[],
            ),
            l(
                "on failure unlock and drop the reference",
                &[F::MBoUnreserve, F::MBoPut],
                &[],
            ),
        ],
    ),
    (
        F::MBoValidate,
        &[
            l(
                "no places at all: gut the BO (it loses its resource)",
                &[F::MBoPipelineGutting],
                &[],
            ),
            l(
                "pass 1 without FALLBACK places and without eviction, pass 2 without DESIRED ones",
                &[],
                &[],
            ),
            l(
                "the current resource is compatible for this pass: return 0, nothing moves",
                &[F::MResourceCompatible],
                &[],
            ),
            l("pinned: -EINVAL", &[], &[]),
            l(
                "allocate a resource for the pass; -ENOSPC → the next pass",
                &[F::MBoAllocResource],
                &[],
            ),
            l(
                "move there; -EMULTIHOP: move to the hop place first, then again",
                &[F::MBoHandleMoveMem, F::MBoMemSpace],
                &[],
            ),
            l(
                "a failed move frees the new resource",
                &[F::MResourceFree],
                &[],
            ),
            l(
                "both passes full: -ENOMEM (for userspace); a SYSTEM BO always gets a tt",
                &[F::MTtCreate],
                &[],
            ),
        ],
    ),
    (
        F::MBoAllocResource,
        &[
            l(
                "for each place: skip absent managers, DESIRED in pass 2, FALLBACK in pass 1",
                &[],
                &[],
            ),
            l("try the manager", &[F::MResourceAlloc], &[]),
            l(
                "-ENOSPC in pass 2 outside SYSTEM: evict for this place; -EBUSY → next place",
                &[F::MBoEvictAlloc],
                &[],
            ),
            l("all places tried: -ENOSPC", &[], &[]),
        ],
    ),
    (
        F::MBoMemSpace,
        &[l(
            "allocate without eviction, then once more evicting",
            &[F::MBoAllocResource],
            &[],
        )],
    ),
    (
        F::MBoEvictAlloc,
        &[
            l(
                "walk the manager's LRUs with trylocks until one allocation succeeds",
                &[F::MLruWalkForEvict],
                &[],
            ),
            l(
                "progress → 0; none → -EBUSY (the caller tries its next place)",
                &[],
                &[],
            ),
        ],
    ),
    (
        F::MBoEvictCb,
        &[
            l(
                "pinned, or cannot free space in the wanted range: skip it",
                &[],
                &[],
            ),
            l(
                "a zombie: destroy its tt and free its resource; else evict it",
                &[F::MBoTtDestroy, F::MResourceFree, F::MBoEvict],
                &[],
            ),
            l(
                "then try the evictor's allocation; -ENOSPC → walk on to the next BO",
                &[F::MResourceAlloc],
                &[],
            ),
        ],
    ),
    (
        F::MBoEvict,
        &[
            l(
                "ask the driver where evicted BOs of this type go",
                &[F::MDrvEvictFlags],
                &[],
            ),
            l(
                "nowhere: purge the contents (gutting)",
                &[F::MBoPipelineGutting],
                &[],
            ),
            l(
                "find space there, which may evict in the target manager too",
                &[F::MBoMemSpace],
                &[],
            ),
            l(
                "move, bouncing through a hop if the driver asks",
                &[F::MBoHandleMoveMem],
                &[],
            ),
            l("on failure free the new resource", &[F::MResourceFree], &[]),
        ],
    ),
    (
        F::MBoHandleMoveMem,
        &[
            l("unmap the BO's CPU mappings", &[], &[]),
            l(
                "tt-backed destination: make sure there is a tt (zeroed if the old place had one)",
                &[F::MTtCreate],
                &[],
            ),
            l("and outside SYSTEM populate it", &[F::MTtPopulate], &[]),
            l("the driver always moves the data", &[F::MDrvMove], &[]),
            l(
                "bytes_moved += the BO's size",
                &[],
                &[Modern(MK::Count(MC::BytesMoved))],
            ),
            l(
                "on error a tt made for a place without one is destroyed again",
                &[F::MBoTtDestroy],
                &[],
            ),
        ],
    ),
    (
        F::MBoSwapout,
        &[l(
            "walk this manager's LRUs with trylocks; stop after one BO is swapped",
            &[F::MLruWalkForEvict],
            &[],
        )],
    ),
    (
        F::MBoSwapoutCb,
        &[
            l(
                "skip pinned BOs and tts that are missing, unpopulated, EXTERNAL or SWAPPED",
                &[],
                &[],
            ),
            l(
                "a zombie: destroy its tt and resource; its pages count as progress",
                &[F::MBoTtDestroy, F::MResourceFree],
                &[],
            ),
            l(
                "not in SYSTEM: get a SYSTEM resource and move there first",
                &[F::MResourceAlloc, F::MBoHandleMoveMem],
                &[],
            ),
            l(
                "unmap, then swap the tt out; its page count is the progress",
                &[F::MTtSwapout],
                &[],
            ),
        ],
    ),
    (
        F::MBoPin,
        &[l(
            "leave the bulk move; pin_count += 1 (the list changes at the next LRU update)",
            &[],
            &[Modern(MK::Set(MV::Bo(MB::PinCount)))],
        )],
    ),
    (
        F::MBoUnpin,
        &[l(
            "not pinned: warn and return; else pin_count -= 1",
            &[],
            &[Modern(MK::Set(MV::Bo(MB::PinCount)))],
        )],
    ),
    (
        F::MBoReserve,
        &[l(
            "trylock (no_wait) or lock the BO's reservation; it stays on its LRU",
            &[],
            &[Modern(MK::Set(MV::Bo(MB::Lock)))],
        )],
    ),
    (
        F::MBoUnreserve,
        &[l(
            "move its resource to the tail of its list, then unlock",
            &[F::MResourceMoveToLruTail],
            &[Modern(MK::Set(MV::Bo(MB::Lock)))],
        )],
    ),
    (
        F::MBoPut,
        &[l(
            "drop a reference; the last one releases the BO",
            &[F::MBoRelease],
            &[],
        )],
    ),
    (
        F::MBoRelease,
        &[
            l(
                "lock held elsewhere: mark it deleted and queue its delayed delete (a zombie)",
                &[],
                &[Modern(MK::Set(MV::Bo(MB::Deleted)))],
            ),
            l(
                "else clean up now: destroy the tt, free the resource",
                &[F::MBoTtDestroy, F::MResourceFree],
                &[],
            ),
            l(
                "bo_count -= 1; the destroy callback runs",
                &[],
                &[
                    Modern(MK::Count(MC::BoCount)),
                    Modern(MK::Set(MV::Bo(MB::Alive))),
                ],
            ),
        ],
    ),
    (
        F::MBoVmFault,
        &[
            l(
                "reserve the BO; a BO in system memory gets its whole tt populated",
                &[F::MBoReserve, F::MTtPopulate],
                &[],
            ),
            l(
                "populate errors: SIGBUS (NOPAGE for -EINTR/-EAGAIN); map up to 16 pages",
                &[],
                &[],
            ),
            l(
                "unlock the reservation directly: a fault does not bump the LRU",
                &[],
                &[Modern(MK::Set(MV::Bo(MB::Lock)))],
            ),
        ],
    ),
];

impl Sim {
    /// `ttm_tt_create` (mspec 3.2): the BO's tt, if it has none yet.
    pub(crate) fn mtt_create(&mut self, bo: u32, zero_alloc: bool) -> KResult {
        self.enter(Func::MTtCreate, &[bo as u64, zero_alloc as u64]);
        let b = &self.m().bos[bo as usize];
        if b.tt.is_some() {
            return self.ret(Ok(()));
        }
        let flags = match b.btype {
            bo_type::DEVICE if zero_alloc => tt_flags::ZERO_ALLOC,
            bo_type::DEVICE | bo_type::KERNEL => 0,
            _ => tt_flags::EXTERNAL,
        };
        match self.mdrv_tt_create(bo, flags) {
            Ok(t) => {
                self.mbo_set(bo, MBoField::Tt, t as u64 + 1);
                self.ret(Ok(()))
            }
            Err(e) => self.ret(Err(e)),
        }
    }

    /// `ttm_bo_tt_destroy` (mspec 3.2): unpopulate and destroy the BO's tt.
    pub(crate) fn mbo_tt_destroy(&mut self, bo: u32) {
        let Some(t) = self.m().bos[bo as usize].tt else {
            return;
        };
        self.enter(Func::MBoTtDestroy, &[bo as u64]);
        self.mtt_unpopulate(t);
        self.mtt_destroy(t);
        self.mbo_set(bo, MBoField::Tt, 0);
        self.exit(0);
    }

    /// `ttm_bo_init_reserved` + `ttm_bo_unreserve` (`ttm_bo_init_validate`, mspec 6.2).
    pub(crate) fn mbo_create(
        &mut self,
        pages: u32,
        btype: u8,
        caching: Caching,
        priority: u8,
        places: &[TtmPlace],
    ) -> KResult<u32> {
        let id = self.m().bos.len() as u32;
        self.enter(
            Func::MBoInitReserved,
            &[id as u64, pages as u64, btype as u64],
        );
        self.md(MDelta::BoNew {
            id,
            num_pages: pages,
            btype,
            caching,
            priority,
        });
        self.mcount(MCtr::BoCount, 1);
        if let Err(e) = self.mbo_validate(id, places) {
            self.mbo_unreserve(id);
            self.mbo_put(id);
            return self.ret(Err(e));
        }
        self.exit(0);
        self.mbo_unreserve(id);
        Ok(id)
    }

    /// `ttm_bo_reserve` with no_wait: -EBUSY when another thread holds the lock (mspec 6.3).
    pub(crate) fn mbo_reserve(&mut self, bo: u32) -> KResult {
        self.enter(Func::MBoReserve, &[bo as u64, 1]);
        if self.m().bos[bo as usize].lock != Holder::None {
            return self.ret(Err(Errno::Ebusy));
        }
        self.mbo_set(bo, MBoField::Lock, 1);
        self.ret(Ok(()))
    }

    /// `ttm_bo_unreserve` (mspec 5.5): LRU tail, then unlock.
    pub(crate) fn mbo_unreserve(&mut self, bo: u32) {
        self.enter(Func::MBoUnreserve, &[bo as u64]);
        if let Some(r) = self.m().bos[bo as usize].res {
            self.mresource_move_to_lru_tail(r);
        }
        self.mbo_set(bo, MBoField::Lock, 0);
        self.exit(0);
    }

    /// `ttm_bo_validate` (mspec 6.6).
    pub(crate) fn mbo_validate(&mut self, bo: u32, places: &[TtmPlace]) -> KResult {
        self.enter(Func::MBoValidate, &[bo as u64, pack_placement(places)]);
        if places.is_empty() {
            let r = self.mbo_pipeline_gutting(bo);
            return self.ret(r);
        }
        let mut all_full = true;
        for force in [false, true] {
            if let Some(res) = self.m().bos[bo as usize].res {
                if self.mresource_compatible(res, places, force) {
                    return self.ret(Ok(()));
                }
            }
            if self.m().bos[bo as usize].pin_count > 0 {
                return self.ret(Err(Errno::Einval));
            }
            let res = match self.mbo_alloc_resource(bo, places, force) {
                Ok(r) => r,
                Err(Errno::Enospc) => continue,
                Err(e) => return self.ret(Err(e)),
            };
            if let Err(e) = self.mbo_move_to(bo, res, false) {
                return self.ret(Err(e));
            }
            all_full = false;
            break;
        }
        if all_full {
            // "for backward compatibility with userspace" (mspec 6.6 step 3).
            return self.ret(Err(Errno::Enomem));
        }
        let in_system = self.m().bo_mem_type(bo).is_none_or(|mt| mt == PL_SYSTEM);
        if in_system {
            if let Err(e) = self.mtt_create(bo, true) {
                return self.ret(Err(e));
            }
        }
        self.ret(Ok(()))
    }

    /// `ttm_bo_handle_move_mem` to `res`, bouncing through the driver's hop place on
    /// -EMULTIHOP (mspec 7.6); a failure frees `res`.
    fn mbo_move_to(&mut self, bo: u32, res: u32, evict: bool) -> KResult {
        match self.mbo_handle_move_mem(bo, res, evict) {
            Ok(()) => Ok(()),
            Err((Errno::Emultihop, Some(hop))) => {
                let r = match self.mbo_mem_space(bo, &[hop]) {
                    Ok(h) => match self.mbo_handle_move_mem(bo, h, evict) {
                        Ok(()) => self.mbo_handle_move_mem(bo, res, evict).map_err(|e| e.0),
                        Err((e, _)) => {
                            self.mresource_free(bo, h);
                            Err(e)
                        }
                    },
                    Err(e) => Err(e),
                };
                if r.is_err() && self.m().resources[res as usize].alive {
                    self.mresource_free(bo, res);
                }
                r
            }
            Err((e, _)) => {
                self.mresource_free(bo, res);
                Err(e)
            }
        }
    }

    /// `ttm_bo_alloc_resource` (mspec 6.5).
    fn mbo_alloc_resource(&mut self, bo: u32, places: &[TtmPlace], force: bool) -> KResult<u32> {
        self.enter(Func::MBoAllocResource, &[bo as u64, force as u64]);
        for p in places {
            if !self.mman_present(p.mem_type)
                || (force && p.flags & place_flags::DESIRED != 0)
                || (!force && p.flags & place_flags::FALLBACK != 0)
            {
                continue;
            }
            let may_evict = force && p.mem_type != PL_SYSTEM;
            match self.mresource_alloc(bo, p) {
                Ok(r) => {
                    self.exit(r as i64);
                    return Ok(r);
                }
                Err(Errno::Enospc) if !may_evict => continue,
                Err(Errno::Enospc) => match self.mbo_evict_alloc(p, bo) {
                    Ok(r) => {
                        self.exit(r as i64);
                        return Ok(r);
                    }
                    Err(Errno::Ebusy) => continue,
                    Err(e) => return self.ret(Err(e)),
                },
                Err(e) => return self.ret(Err(e)),
            }
        }
        self.ret(Err(Errno::Enospc))
    }

    /// `ttm_bo_mem_space` (mspec 6.5): without, then with eviction.
    pub(crate) fn mbo_mem_space(&mut self, bo: u32, places: &[TtmPlace]) -> KResult<u32> {
        self.enter(Func::MBoMemSpace, &[bo as u64, pack_placement(places)]);
        let r = match self.mbo_alloc_resource(bo, places, false) {
            Err(Errno::Enospc) => self.mbo_alloc_resource(bo, places, true),
            r => r,
        };
        match r {
            Ok(id) => {
                self.exit(id as i64);
                Ok(id)
            }
            Err(e) => self.ret(Err(e)),
        }
    }

    /// `ttm_bo_evict_alloc` (mspec 6.7), trylock phase only.
    fn mbo_evict_alloc(&mut self, place: &TtmPlace, evictor: u32) -> KResult<u32> {
        self.enter(
            Func::MBoEvictAlloc,
            &[place.mem_type as u64, evictor as u64],
        );
        let cb = WalkCb::Evict {
            place: *place,
            evictor,
        };
        match self.mlru_walk(place.mem_type, 1, cb) {
            Ok((_, Some(r))) => {
                self.exit(r as i64);
                Ok(r)
            }
            Ok(_) => self.ret(Err(Errno::Ebusy)),
            Err(e) => self.ret(Err(e)),
        }
    }

    /// `ttm_bo_eviction_valuable` (mspec 6.7): SYSTEM always; else does the BO's range
    /// intersect the wanted place?
    fn mbo_eviction_valuable(&self, bo: u32, place: &TtmPlace) -> bool {
        match self.m().bos[bo as usize].res {
            Some(r) if self.m().resources[r as usize].mem_type != PL_SYSTEM => {
                self.mman_intersects(r, place)
            }
            _ => true,
        }
    }

    /// `ttm_bo_evict_cb` (mspec 6.7): progress 1 with the evictor's new resource.
    pub(crate) fn mbo_evict_cb(
        &mut self,
        bo: u32,
        place: &TtmPlace,
        evictor: u32,
    ) -> KResult<(u64, Option<u32>)> {
        self.enter(Func::MBoEvictCb, &[bo as u64]);
        if self.m().bos[bo as usize].pin_count > 0 || !self.mbo_eviction_valuable(bo, place) {
            self.exit(0);
            return Ok((0, None));
        }
        if self.m().bos[bo as usize].deleted {
            self.mbo_tt_destroy(bo);
            if let Some(r) = self.m().bos[bo as usize].res {
                self.mresource_free(bo, r);
            }
        } else {
            match self.mbo_evict(bo) {
                Ok(()) => {}
                Err(Errno::Enospc) => return self.ret(Err(Errno::Ebusy)),
                Err(e) => return self.ret(Err(e)),
            }
        }
        match self.mresource_alloc(evictor, place) {
            Ok(r) => {
                self.exit(1);
                Ok((1, Some(r)))
            }
            Err(Errno::Enospc) => self.ret(Err(Errno::Ebusy)),
            Err(e) => self.ret(Err(e)),
        }
    }

    /// `ttm_bo_evict` (mspec 6.7).
    fn mbo_evict(&mut self, bo: u32) -> KResult {
        self.enter(Func::MBoEvict, &[bo as u64]);
        let places = self.mdrv_evict_flags(bo);
        if places.is_empty() {
            let r = self.mbo_pipeline_gutting(bo);
            return self.ret(r);
        }
        let res = match self.mbo_mem_space(bo, &places) {
            Ok(r) => r,
            Err(e) => return self.ret(Err(e)),
        };
        let r = self.mbo_move_to(bo, res, true);
        self.ret(r)
    }

    /// `ttm_bo_handle_move_mem` (mspec 7.1). `Err((Emultihop, hop))` leaves `res` to the caller.
    fn mbo_handle_move_mem(
        &mut self,
        bo: u32,
        res: u32,
        evict: bool,
    ) -> Result<(), (Errno, Option<TtmPlace>)> {
        let new_mt = self.m().resources[res as usize].mem_type;
        self.enter(
            Func::MBoHandleMoveMem,
            &[bo as u64, new_mt as u64, evict as u64],
        );
        let old_use_tt = self
            .m()
            .bo_mem_type(bo)
            .is_none_or(|mt| self.m().managers[mt as usize].use_tt);
        let new_use_tt = self.m().managers[new_mt as usize].use_tt;
        if new_use_tt {
            let r = self.mtt_create(bo, old_use_tt).and_then(|()| {
                match (new_mt, self.m().bos[bo as usize].tt) {
                    (PL_SYSTEM, _) | (_, None) => Ok(()),
                    (_, Some(t)) => self.mtt_populate(t),
                }
            });
            if let Err(e) = r {
                if !old_use_tt {
                    self.mbo_tt_destroy(bo);
                }
                self.exit(e.code());
                return Err((e, None));
            }
        }
        match self.mdrv_move(bo, evict, res) {
            Ok(()) => {}
            Err((Errno::Emultihop, hop)) => {
                self.exit(Errno::Emultihop.code());
                return Err((Errno::Emultihop, hop));
            }
            Err((e, _)) => {
                if !old_use_tt {
                    self.mbo_tt_destroy(bo);
                }
                self.exit(e.code());
                return Err((e, None));
            }
        }
        let size = self.m().bos[bo as usize].size();
        self.mcount(MCtr::BytesMoved, size as i64);
        self.exit(0);
        Ok(())
    }

    /// `ttm_bo_swapout` (mspec 3.9 step 3): one BO of manager `mt`; returns pages swapped.
    pub(crate) fn mbo_swapout(&mut self, mt: u8) -> KResult<u64> {
        self.enter(Func::MBoSwapout, &[mt as u64]);
        match self.mlru_walk(mt, 1, WalkCb::Swapout) {
            Ok((n, _)) => {
                self.exit(n as i64);
                Ok(n)
            }
            Err(e) => self.ret(Err(e)),
        }
    }

    /// `ttm_bo_swapout_cb` (mspec 3.9 step 3 a–f).
    pub(crate) fn mbo_swapout_cb(&mut self, bo: u32) -> KResult<(u64, Option<u32>)> {
        self.enter(Func::MBoSwapoutCb, &[bo as u64]);
        let b = self.m().bos[bo as usize].clone();
        let mt = self.m().bo_mem_type(bo).unwrap_or(PL_SYSTEM);
        if b.pin_count > 0 || !self.mbo_eviction_valuable(bo, &TtmPlace::new(mt, 0)) {
            return self.ret(Err(Errno::Ebusy));
        }
        let Some(tt) = b.tt else {
            self.exit(0);
            return Ok((0, None));
        };
        let flags = self.state.tts[tt as usize].page_flags;
        if !self.mtt_populated(tt) || flags & (tt_flags::EXTERNAL | tt_flags::SWAPPED) != 0 {
            self.exit(0);
            return Ok((0, None));
        }
        if b.deleted {
            let n = self.state.tts[tt as usize].num_pages as u64;
            self.mbo_tt_destroy(bo);
            if let Some(r) = self.m().bos[bo as usize].res {
                self.mresource_free(bo, r);
            }
            self.exit(n as i64);
            return Ok((n, None));
        }
        if mt != PL_SYSTEM {
            let sys = TtmPlace::new(PL_SYSTEM, 0);
            let r = match self.mresource_alloc(bo, &sys) {
                Ok(r) => r,
                Err(e) => return self.ret(Err(busy(e))),
            };
            if let Err((e, _)) = self.mbo_handle_move_mem(bo, r, true) {
                // mspec 3.9 d: a multi-hop here is a driver bug; any error frees the resource.
                if self.m().resources[r as usize].alive {
                    self.mresource_free(bo, r);
                }
                return self.ret(Err(busy(e)));
            }
        }
        if !self.mtt_populated(tt) {
            self.exit(0);
            return Ok((0, None));
        }
        match self.mtt_swapout(tt) {
            Ok(n) => {
                self.exit(n as i64);
                Ok((n, None))
            }
            Err(e) => self.ret(Err(busy(e))),
        }
    }

    /// `ttm_bo_pin` (mspec 6.9).
    pub(crate) fn mbo_pin(&mut self, bo: u32) {
        self.enter(Func::MBoPin, &[bo as u64]);
        let n = self.m().bos[bo as usize].pin_count;
        self.mbo_set(bo, MBoField::PinCount, n as u64 + 1);
        self.exit(0);
    }

    /// `ttm_bo_unpin` (mspec 6.9).
    pub(crate) fn mbo_unpin(&mut self, bo: u32) {
        self.enter(Func::MBoUnpin, &[bo as u64]);
        let n = self.m().bos[bo as usize].pin_count;
        if n > 0 {
            self.mbo_set(bo, MBoField::PinCount, n as u64 - 1);
        }
        self.exit(0);
    }

    /// `ttm_bo_put` → `ttm_bo_release` (mspec 6.10). Fences are not modelled, so a BO is
    /// busy only when another thread holds its lock: then it becomes a zombie.
    pub(crate) fn mbo_put(&mut self, bo: u32) {
        self.enter(Func::MBoPut, &[bo as u64]);
        self.enter(Func::MBoRelease, &[bo as u64]);
        if self.m().bos[bo as usize].lock == Holder::Other {
            self.mbo_set(bo, MBoField::Deleted, 1);
            self.mbo_set(bo, MBoField::PinCount, 0);
            if let Some(r) = self.m().bos[bo as usize].res {
                self.mresource_move_to_lru_tail(r);
            }
        } else {
            self.mbo_release_now(bo);
        }
        self.exit(0);
        self.exit(0);
    }

    /// The cleanup of a released BO (at once, or by its delayed-delete work item).
    pub(crate) fn mbo_release_now(&mut self, bo: u32) {
        self.mbo_tt_destroy(bo);
        if let Some(r) = self.m().bos[bo as usize].res {
            self.mresource_free(bo, r);
        }
        self.mcount(MCtr::BoCount, -1);
        self.mbo_set(bo, MBoField::Lock, 0);
        self.mbo_set(bo, MBoField::Alive, 0);
    }

    /// `ttm_bo_vm_fault` (mspec 3.10, 7.7): reserve, populate a system-memory BO, unreserve.
    pub(crate) fn mbo_vm_fault(&mut self, bo: u32, page: u32) -> KResult {
        self.enter(Func::MBoVmFault, &[bo as u64, page as u64]);
        if let Err(e) = self.mbo_reserve(bo) {
            return self.ret(Err(e));
        }
        let r = self.mbo_populate_if_system(bo);
        // The fault path unlocks the reservation itself (no ttm_bo_unreserve): the BO keeps its
        // LRU position (M14's final SYSTEM LRU).
        self.mbo_set(bo, MBoField::Lock, 0);
        self.ret(r)
    }
}

/// mspec 3.9 f: -ENOMEM and -ENOSPC are "not this one" for the walker.
fn busy(e: Errno) -> Errno {
    match e {
        Errno::Enomem | Errno::Enospc => Errno::Ebusy,
        e => e,
    }
}
