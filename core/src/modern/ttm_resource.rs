//! drivers/gpu/drm/ttm/ttm_resource.c of Linux 6.12 (mspec 5): resources, their LRUs per
//! manager and priority and the pinned list, compatibility and intersection tests, and the
//! places of a placement (include/drm/ttm/ttm_placement.h, mspec 1.4).

use super::{place_flags, MCtr, MDelta, MVar, LIST_PINNED, PL_SYSTEM, TTM_MAX_BO_PRIORITY};
use crate::code::{k::*, l, Listing};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::Sim;
use serde::Serialize;

/// Pseudocode of the resource functions (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (F::MResourceAlloc, &[
        l("ask the place's manager for a resource", &[F::MSysManAlloc, F::MRangeManAlloc], &[]),
        l("on success add it to the BO's bulk move, if it has one", &[], &[]),
    ]),
    (F::MResourceInit, &[
        l("start 0, size = the BO's size, memory type and flags from the place", &[], &[Modern(MK::ResNew)]),
        l("append it to the pinned list if the BO is pinned, else to lru[priority]", &[], &[Modern(MK::Lru(true))]),
        l("usage += size", &[], &[Modern(MK::Count(MC::Usage))]),
    ]),
    (F::MResourceFree, &[
        l("remove it from the bulk move; the manager frees it", &[F::MResourceFini], &[]),
        l("the BO's pointer becomes NULL", &[], &[Modern(MK::Set(MV::Bo(MB::Res)))]),
    ]),
    (F::MResourceFini, &[
        l("unlink it from whatever list it is on", &[], &[Modern(MK::Lru(false))]),
        l("usage -= size", &[], &[Modern(MK::Count(MC::Usage)), Modern(MK::Set(MV::ResAlive))]),
    ]),
    (F::MResourceCompatible, &[
        l("a TEMPORARY resource is never compatible", &[], &[]),
        l("some place of its memory type not excluded in this pass (FALLBACK in 1, DESIRED in 2)", &[], &[]),
        l("that does not demand CONTIGUOUS and whose range holds the resource", &[], &[]),
    ]),
    (F::MResourceMoveToLruTail, &[
        l("pinned BO: to the tail of the pinned list; else the tail of lru[priority]", &[], &[Modern(MK::Lru(false)), Modern(MK::Lru(true))]),
    ]),
];

/// A `struct ttm_place` (mspec 1.4): one memory type, a page range and flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TtmPlace {
    /// `mem_type` (0 SYSTEM, 1 TT, 2 VRAM, 3+ PRIV).
    pub mem_type: u8,
    /// `TTM_PL_FLAG_*` ([`place_flags`]).
    pub flags: u32,
    /// First page of the allowed range.
    pub fpfn: u64,
    /// One past the last page (0 = to the end).
    pub lpfn: u64,
}

impl TtmPlace {
    /// A whole memory type with flags.
    pub const fn new(mem_type: u8, flags: u32) -> TtmPlace {
        TtmPlace {
            mem_type,
            flags,
            fpfn: 0,
            lpfn: 0,
        }
    }

    fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }
}

/// A placement in words: "[VRAM | DESIRED, TT | FALLBACK]".
pub fn places_text(places: &[TtmPlace]) -> String {
    let names = [
        "SYSTEM", "TT", "VRAM", "PRIV", "PRIV+1", "PRIV+2", "PRIV+3", "PRIV+4",
    ];
    let flags = ["CONTIGUOUS", "TOPDOWN", "TEMPORARY", "DESIRED", "FALLBACK"];
    let one = |p: &TtmPlace| {
        let mut s = names.get(p.mem_type as usize).unwrap_or(&"?").to_string();
        for (i, f) in flags.iter().enumerate() {
            if p.flags & (1 << i) != 0 {
                s.push_str(" | ");
                s.push_str(f);
            }
        }
        if p.fpfn != 0 || p.lpfn != 0 {
            s.push_str(&format!(" [{}, {})", p.fpfn, p.lpfn));
        }
        s
    };
    format!(
        "[{}]",
        places.iter().map(one).collect::<Vec<_>>().join(", ")
    )
}

/// The trace argument for a placement: 9 bits per place (present, mem_type, flags), at most 7.
pub fn pack_placement(places: &[TtmPlace]) -> u64 {
    places.iter().take(7).enumerate().fold(0, |acc, (i, p)| {
        acc | ((1 | (p.mem_type as u64 & 7) << 1 | (p.flags as u64 & 31) << 4) << (9 * i))
    })
}

/// Decode [`pack_placement`] (ranges are not recorded).
pub fn unpack_placement(v: u64) -> Vec<TtmPlace> {
    (0..7)
        .map(|i| (v >> (9 * i)) & 0x1ff)
        .take_while(|b| b & 1 != 0)
        .map(|b| TtmPlace::new(((b >> 1) & 7) as u8, (b >> 4) as u32))
        .collect()
}

impl Sim {
    /// `ttm_resource_alloc` (mspec 5.2): the manager's alloc; -ENOSPC when it has no room.
    pub(crate) fn mresource_alloc(&mut self, bo: u32, place: &TtmPlace) -> KResult<u32> {
        self.enter(Func::MResourceAlloc, &[bo as u64, place.mem_type as u64]);
        let r = if place.mem_type == PL_SYSTEM {
            self.msys_man_alloc(bo, place)
        } else {
            self.mrange_man_alloc(bo, place)
        };
        self.ret(r)
    }

    /// `ttm_resource_init` (mspec 5.2): the resource joins its list and the manager's usage.
    pub(crate) fn mresource_init(&mut self, bo: u32, place: &TtmPlace, start: u64) -> u32 {
        self.enter(Func::MResourceInit, &[bo as u64, place.mem_type as u64]);
        let id = self.m().resources.len() as u32;
        let b = &self.m().bos[bo as usize];
        let (pages, size) = (b.num_pages as u64, b.size());
        self.md(MDelta::ResNew {
            id,
            bo,
            mem_type: place.mem_type,
            start,
            pages,
            flags: place.flags,
        });
        let list = self.mlist_for(bo, place.mem_type);
        let pos = self.m().list(list).len() as u32;
        self.md(MDelta::Lru {
            list,
            res: id,
            pos,
            insert: true,
        });
        self.mcount(MCtr::Usage(place.mem_type), size as i64);
        self.exit(id as i64);
        id
    }

    /// The list a resource of `bo` in `mem_type` belongs on now (mspec 5.5).
    fn mlist_for(&self, bo: u32, mem_type: u8) -> u8 {
        let b = &self.m().bos[bo as usize];
        if b.pin_count > 0 {
            LIST_PINNED
        } else {
            mem_type * TTM_MAX_BO_PRIORITY as u8 + b.priority
        }
    }

    fn munlink(&mut self, res: u32) {
        if let Some((list, pos)) = self.m().list_of(res) {
            self.md(MDelta::Lru {
                list,
                res,
                pos: pos as u32,
                insert: false,
            });
        }
    }

    /// `ttm_resource_free` (mspec 5.2): the manager frees the resource; the BO's pointer is
    /// cleared when it pointed at it.
    pub(crate) fn mresource_free(&mut self, bo: u32, res: u32) {
        self.enter(Func::MResourceFree, &[bo as u64, res as u64]);
        self.enter(Func::MResourceFini, &[res as u64]);
        self.munlink(res);
        let r = &self.m().resources[res as usize];
        let (mt, pages) = (r.mem_type, r.pages);
        self.mcount(
            MCtr::Usage(mt),
            -((pages * crate::consts::PAGE_SIZE) as i64),
        );
        self.mset(MVar::ResAlive(res), 0);
        self.exit(0);
        if self.m().bos[bo as usize].res == Some(res) {
            self.mbo_set(bo, super::MBoField::Res, 0);
        }
        self.exit(0);
    }

    /// `ttm_resource_compatible` (mspec 6.4).
    pub(crate) fn mresource_compatible(
        &mut self,
        res: u32,
        places: &[TtmPlace],
        evicting: bool,
    ) -> bool {
        self.enter(Func::MResourceCompatible, &[res as u64, evicting as u64]);
        let r = self.m().resources[res as usize].clone();
        let ok = r.flags & place_flags::TEMPORARY == 0
            && places.iter().any(|p| {
                p.mem_type == r.mem_type
                    && !(evicting && p.has(place_flags::DESIRED))
                    && (evicting || !p.has(place_flags::FALLBACK))
                    // A range manager's resource is contiguous; SYSTEM ones are not demanded so.
                    && (!p.has(place_flags::CONTIGUOUS) || r.mem_type != PL_SYSTEM)
                    && self.mman_compatible(&r, p)
            });
        self.exit(ok as i64);
        ok
    }

    /// The manager's `compatible` (mspec 5.4): inside [fpfn, lpfn); SYSTEM always.
    fn mman_compatible(&self, r: &super::Res, p: &TtmPlace) -> bool {
        if !self.m().managers[r.mem_type as usize].range {
            return true;
        }
        !(r.start < p.fpfn || (p.lpfn != 0 && r.start + r.pages > p.lpfn))
    }

    /// The manager's `intersects` (mspec 5.4, used by `ttm_bo_eviction_valuable`).
    pub(crate) fn mman_intersects(&self, res: u32, p: &TtmPlace) -> bool {
        let r = &self.m().resources[res as usize];
        if !self.m().managers[r.mem_type as usize].range {
            return true;
        }
        !(p.fpfn >= r.start + r.pages || (p.lpfn != 0 && p.lpfn <= r.start))
    }

    /// `ttm_resource_move_to_lru_tail` (mspec 5.5; bulk moves are not modelled).
    pub(crate) fn mresource_move_to_lru_tail(&mut self, res: u32) {
        self.enter(Func::MResourceMoveToLruTail, &[res as u64]);
        let r = &self.m().resources[res as usize];
        let (bo, mt) = (r.bo, r.mem_type);
        self.munlink(res);
        let list = self.mlist_for(bo, mt);
        let pos = self.m().list(list).len() as u32;
        self.md(MDelta::Lru {
            list,
            res,
            pos,
            insert: true,
        });
        self.exit(0);
    }

    /// The resources of manager `mt` in walk order (mspec 5.5): priority 0 head to tail, then 1..3.
    pub(crate) fn mman_iter(&self, mt: u8) -> Vec<u32> {
        self.m().managers[mt as usize]
            .lru
            .iter()
            .flat_map(|l| l.iter().copied())
            .collect()
    }

    /// A range manager's allocation (mspec 5.4): best fit (or TOPDOWN) inside [fpfn, lpfn).
    pub(crate) fn mrange_fit(&self, mt: u8, pages: u64, p: &TtmPlace) -> Option<u64> {
        let man = &self.m().managers[mt as usize];
        let lpfn = if p.lpfn == 0 {
            man.size
        } else {
            p.lpfn.min(man.size)
        };
        let mut used: Vec<(u64, u64)> = self
            .m()
            .resources
            .iter()
            .filter(|r| r.alive && r.mem_type == mt)
            .map(|r| (r.start, r.start + r.pages))
            .collect();
        used.sort_unstable();
        let mut holes = Vec::new();
        let mut at = 0;
        for (s, e) in used {
            if s > at {
                holes.push((at, s));
            }
            at = at.max(e);
        }
        if at < man.size {
            holes.push((at, man.size));
        }
        let fitting = holes
            .into_iter()
            .map(|(a, b)| (a.max(p.fpfn), b.min(lpfn)))
            .filter(|(a, b)| b > a && b - a >= pages);
        if p.has(place_flags::TOPDOWN) {
            fitting.max_by_key(|h| h.1).map(|(_, b)| b - pages)
        } else {
            fitting.min_by_key(|(a, b)| (b - a, *a)).map(|(a, _)| a)
        }
    }

    /// `ttm_range_man_alloc` / `ttm_sys_man_alloc` errors end here when a manager is missing.
    pub(crate) fn mman_present(&self, mt: u8) -> bool {
        self.m().managers.get(mt as usize).is_some_and(|m| m.used)
    }

    /// A resource to the caller, or -ENOSPC (used by the range manager).
    pub(crate) fn mrange_alloc_at(&mut self, bo: u32, p: &TtmPlace) -> KResult<u32> {
        let pages = self.m().bos[bo as usize].num_pages as u64;
        match self.mrange_fit(p.mem_type, pages, p) {
            Some(start) => Ok(self.mresource_init(bo, p, start)),
            None => Err(Errno::Enospc),
        }
    }
}
