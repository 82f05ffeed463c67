//! User actions on a Linux 6.12 machine: the 6.12 actions (places with DESIRED/FALLBACK, pin,
//! module parameters, shrinker scans, another thread's lock) and the 3.3 actions replayed by the
//! translation rules of mspec 9.6. A 3.3 action with no 6.12 counterpart runs as a marked step
//! that changes nothing and leaves a note ([`Sim::take_notes`]), which a scenario run places at
//! the step (`Run::notices`).

use super::ttm_resource::TtmPlace;
use super::{bo_type, place_flags, tt_flags, Holder, MBoField, MVar, PL_SYSTEM, PL_TT, PL_VRAM};
use crate::config::SysfsAttr;
use crate::consts::{page_flags, placement as pl, Caching, PAGE_SIZE};
use crate::ops::{Action, ModuleParam, Output, MAX_TT_PAGES};
use crate::sim::{Sim, SimError, SimResult};

/// Why a 3.3 item does not run on 6.12 (mspec 9.6), as the note says it.
fn no_counterpart(what: &str, why: &str) -> String {
    format!("{what} has no Linux 6.12 counterpart (mspec 9.6): {why}; the step changes nothing")
}

/// A 3.3 placement word list translated to 6.12 places, the tt caching and the pin
/// (mspec 9.6): entries only in `placement[]` get DESIRED, only in `busy_placement[]` FALLBACK,
/// in both no flag; the caching the 3.3 core would pick for a new (cached) BO — cached when the
/// first word allows it, else write-combined, else uncached — becomes the BO's tt caching;
/// NO_EVICT becomes a pin after the validate.
pub fn translate_placement(p: &crate::drivers::Placement) -> (Vec<TtmPlace>, Caching, bool) {
    let types = |words: &[u32]| -> Vec<u8> {
        let mut v = Vec::new();
        for w in words {
            for t in 0..16u8 {
                if w & (1 << t) != 0 && !v.contains(&t) {
                    v.push(t);
                }
            }
        }
        v
    };
    let (first, busy) = (types(&p.placement), types(&p.busy));
    let mut order = first.clone();
    order.extend(busy.iter().filter(|t| !first.contains(t)));
    let places = order
        .into_iter()
        .map(|t| {
            let flags = match (first.contains(&t), busy.contains(&t)) {
                (true, false) => place_flags::DESIRED,
                (false, true) => place_flags::FALLBACK,
                _ => 0,
            };
            TtmPlace {
                mem_type: t,
                flags,
                fpfn: p.fpfn,
                lpfn: p.lpfn,
            }
        })
        .collect();
    let w0 = p.placement.first().or(p.busy.first()).copied().unwrap_or(0);
    let caching = if w0 & pl::FLAG_CACHED != 0 || w0 & pl::MASK_CACHING == 0 {
        Caching::Cached
    } else if w0 & pl::FLAG_WC != 0 {
        Caching::Wc
    } else {
        Caching::Uncached
    };
    let pin = p.placement.iter().any(|w| w & pl::FLAG_NO_EVICT != 0);
    (places, caching, pin)
}

impl Sim {
    /// Notes left by the last actions (3.3 items without a 6.12 counterpart, dropped flags).
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// A step that cannot run on 6.12 still gets its mark in the trace (and the check), so
    /// every step has its place on the timeline.
    pub(crate) fn mark_skipped(&mut self, label: String) {
        self.action(format!("{label} (skipped on Linux 6.12)"), |_| Ok(()))
            .unwrap_or(());
    }

    fn note(&mut self, s: String) {
        self.notes.push(s);
    }

    fn mlive_bo(&self, bo: u32) -> SimResult<()> {
        match self.m().bos.get(bo as usize) {
            Some(b) if b.alive && !b.deleted => Ok(()),
            Some(_) => Err(SimError::Invalid(format!("BO {bo} has been released"))),
            None => Err(SimError::Invalid(format!("there is no BO {bo}"))),
        }
    }

    fn mlive_tt(&self, tt: u32) -> SimResult<()> {
        match self.state.tts.get(tt as usize) {
            Some(t) if t.alive => {}
            Some(_) => return Err(SimError::Invalid(format!("tt {tt} has been destroyed"))),
            None => return Err(SimError::Invalid(format!("there is no tt {tt}"))),
        }
        if let Some(b) = self.m().bos.iter().find(|b| b.alive && b.tt == Some(tt)) {
            return Err(SimError::Invalid(format!(
                "tt {tt} belongs to BO {}; act on the buffer object instead",
                b.id
            )));
        }
        Ok(())
    }

    fn mplaces_valid(&self, places: &[TtmPlace]) -> SimResult<()> {
        for (i, p) in places.iter().enumerate() {
            if p.mem_type as usize >= super::TTM_NUM_MEM_TYPES {
                return Err(SimError::Invalid(format!(
                    "places[{i}]: memory type {} is outside 0..7",
                    p.mem_type
                )));
            }
            if p.flags & !31 != 0 {
                return Err(SimError::Invalid(format!(
                    "places[{i}]: flags {:#x} are not TTM_PL_FLAG_* bits (CONTIGUOUS 1, TOPDOWN 2, TEMPORARY 4, DESIRED 8, FALLBACK 16)",
                    p.flags
                )));
            }
            if p.lpfn != 0 && p.lpfn <= p.fpfn {
                return Err(SimError::Invalid(format!(
                    "places[{i}]: lpfn {} is not above fpfn {}",
                    p.lpfn, p.fpfn
                )));
            }
        }
        if places.len() > 7 {
            return Err(SimError::Invalid("at most 7 places".into()));
        }
        Ok(())
    }

    fn mdriver_placement(&self, name: &str) -> SimResult<crate::drivers::Placement> {
        self.driver_placements()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p)
            .ok_or_else(|| {
                let names: Vec<&str> = self.driver_placements().iter().map(|(n, _)| *n).collect();
                SimError::Invalid(format!(
                    "the {:?} driver has no placement {name:?} (it has {})",
                    self.cfg.driver.kind,
                    names.join(", ")
                ))
            })
    }

    /// Check that an action can run on this 6.12 machine (objects exist, values possible).
    pub(crate) fn mvalidate(&self, a: &Action) -> SimResult<()> {
        let invalid = |m: String| Err(SimError::Invalid(m));
        match a {
            Action::TtCreate { pages, .. } if *pages == 0 || *pages > MAX_TT_PAGES => {
                invalid(format!("a tt needs 1 to {MAX_TT_PAGES} pages, not {pages}"))
            }
            Action::TtPopulate { tt } | Action::TtUnpopulate { tt } | Action::TtDestroy { tt } => {
                self.mlive_tt(*tt)
            }
            Action::TtSwapout { tt, persistent } => {
                self.mlive_tt(*tt)?;
                // Core TTM swaps out only populated tts (mspec 3.6, 3.9 b); a persistent file
                // is the located no-counterpart notice of mrun.
                if persistent.is_none() && !self.mtt_populated(*tt) {
                    return invalid(format!(
                        "tt {tt} is not populated; ttm_tt_swapout needs a populated tt (mspec 3.6)"
                    ));
                }
                Ok(())
            }
            Action::TtWrite { tt, .. } => match self.state.tts.get(*tt as usize) {
                Some(t) if t.alive => Ok(()),
                _ => invalid(format!("there is no live tt {tt}")),
            },
            Action::BoCreate {
                pages, placement, ..
            } => {
                if *pages == 0 || *pages > MAX_TT_PAGES {
                    return invalid(format!("a BO needs 1 to {MAX_TT_PAGES} pages, not {pages}"));
                }
                self.mdriver_placement(placement).map(|_| ())
            }
            Action::BoCreatePlaces {
                pages,
                places,
                priority,
                ..
            } => {
                if *pages == 0 || *pages > MAX_TT_PAGES {
                    return invalid(format!("a BO needs 1 to {MAX_TT_PAGES} pages, not {pages}"));
                }
                if *priority as usize >= super::TTM_MAX_BO_PRIORITY {
                    return invalid(format!(
                        "priority {priority} is outside 0..3 (TTM_MAX_BO_PRIORITY 4)"
                    ));
                }
                self.mplaces_valid(places)
            }
            Action::BoValidate { bo, placement, .. } => {
                self.mlive_bo(*bo)?;
                self.mdriver_placement(placement).map(|_| ())
            }
            Action::BoValidatePlaces { bo, places } => {
                self.mlive_bo(*bo)?;
                self.mplaces_valid(places)
            }
            Action::BoCreatePlacement { pages, .. } if *pages == 0 || *pages > MAX_TT_PAGES => {
                invalid(format!("a BO needs 1 to {MAX_TT_PAGES} pages, not {pages}"))
            }
            Action::BoValidatePlacement { bo, .. } => self.mlive_bo(*bo),
            Action::BoFault { bo, page } => {
                self.mlive_bo(*bo)?;
                let n = self.m().bos[*bo as usize].num_pages;
                if *page >= n {
                    return invalid(format!("BO {bo} has {n} pages; page {page} is outside it"));
                }
                Ok(())
            }
            Action::BoKmap { bo, .. }
            | Action::BoKunmap { bo }
            | Action::BoUnref { bo }
            | Action::BoPin { bo }
            | Action::BoUnpin { bo }
            | Action::BoWrite { bo, .. } => self.mlive_bo(*bo),
            Action::BoReserve { bo, .. } => {
                self.mlive_bo(*bo)?;
                if self.m().bos[*bo as usize].lock != Holder::None {
                    return invalid(format!("BO {bo} is already locked"));
                }
                Ok(())
            }
            Action::BoUnreserve { bo } => {
                // A zombie's lock can still be released by the thread holding it.
                if !self.m().bos.get(*bo as usize).is_some_and(|b| b.alive) {
                    return invalid(format!("there is no live BO {bo}"));
                }
                if self.m().bos[*bo as usize].lock != Holder::Other {
                    return invalid(format!("BO {bo} is not held by another thread"));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Run a validated action on the 6.12 model.
    pub(crate) fn mrun(&mut self, a: &Action) -> SimResult<Output> {
        let done = Ok(Output::Done);
        match a {
            Action::TtCreate {
                pages,
                caching,
                flags,
                dma,
            } => {
                // mspec 9.1: ZERO_ALLOC keeps its meaning; DMA32 and WRITE are gone.
                let mut f = 0;
                if flags & page_flags::ZERO_ALLOC != 0 {
                    f |= tt_flags::ZERO_ALLOC;
                }
                let dropped = flags & !page_flags::ZERO_ALLOC;
                if dropped != 0 {
                    self.note(format!(
                        "page flags {} have no Linux 6.12 counterpart (mspec 9.1: DMA32 is the pool's use_dma32, WRITE is gone); dropped",
                        page_flags::describe(dropped)
                    ));
                }
                if *dma {
                    self.note("a ttm_dma_tt is a plain ttm_tt in Linux 6.12 (mspec 9.1); the pool's use_dma_alloc decides".into());
                }
                Ok(Output::Tt(self.mtt_init(*pages, f, *caching)?))
            }
            Action::TtPopulate { tt } => {
                self.mtt_populate(*tt)?;
                done
            }
            Action::TtUnpopulate { tt } => {
                self.mtt_unpopulate(*tt);
                done
            }
            Action::TtSwapout { tt, persistent } => {
                if persistent.is_some() {
                    self.note(no_counterpart(
                        "persistent swap storage",
                        "ttm_tt_swapout always creates its own shmem file (mspec 3.6)",
                    ));
                    return done;
                }
                self.mtt_swapout(*tt)?;
                done
            }
            Action::TtDestroy { tt } => {
                self.mtt_unpopulate(*tt);
                self.mtt_destroy(*tt);
                done
            }
            Action::TtWrite { tt, seed } => {
                let pfns: Vec<u64> = self.state.tts[*tt as usize]
                    .pages
                    .iter()
                    .flatten()
                    .copied()
                    .collect();
                for (i, p) in pfns.into_iter().enumerate() {
                    self.set_content(p, crate::tt::data_tag(*seed, i as u32));
                }
                done
            }
            Action::TtBind { .. } | Action::TtUnbind { .. } => {
                self.note(no_counterpart(
                    "ttm_tt_bind / ttm_tt_unbind",
                    "binding is the driver's own business, inside its move (mspec 3.1)",
                ));
                done
            }
            Action::TtSetCaching { .. } => {
                self.note(no_counterpart(
                    "ttm_tt_set_caching",
                    "a tt's caching is fixed when it is created (mspec 1.2)",
                ));
                done
            }
            Action::TtGetPage { .. } => {
                self.note(no_counterpart(
                    "ttm_tt_get_page",
                    "the whole tt is populated at once (mspec 9.5)",
                ));
                done
            }
            Action::SwapFileCreate { .. } => {
                self.note(no_counterpart(
                    "a persistent swap file",
                    "persistent swap storage was removed (mspec 3.6)",
                ));
                done
            }
            Action::PoolShrink { nr_to_scan } | Action::DmaPoolShrink { nr_to_scan } => {
                // mspec 9.6: memory pressure becomes pool-shrinker scans of one block each.
                // Chosen (UNCONFIRMED, mspec 4.7): the shrinker core keeps scanning until it has
                // freed nr_to_scan pages or the count says SHRINK_EMPTY; 0 = count only.
                let mut freed = 0;
                while self.mpool_shrinker_count().is_some() && freed < *nr_to_scan {
                    freed += self.mpool_shrinker_scan(*nr_to_scan - freed);
                }
                Ok(Output::PagesLeft(self.m().pool_allocated))
            }
            Action::PoolShrinkerScan { scans } => {
                for _ in 0..*scans {
                    self.mpool_shrinker_count();
                    self.mpool_shrinker_scan(128);
                }
                Ok(Output::PagesLeft(self.m().pool_allocated))
            }
            Action::MemCharge { .. } | Action::MemUncharge { .. } => {
                self.note(no_counterpart("ttm_mem_global_alloc / free", "the accounting zones are gone; only populated tts count against pages_limit (mspec 3.8)"));
                done
            }
            Action::RunDeferredWork => {
                // 6.12: the device workqueue runs the delayed deletes of zombies whose lock is
                // free (mspec 6.10); there is no background swap work (mspec 9.3).
                let zombies: Vec<u32> = self
                    .m()
                    .bos
                    .iter()
                    .filter(|b| b.alive && b.deleted && b.lock == Holder::None)
                    .map(|b| b.id)
                    .collect();
                for z in &zombies {
                    self.mbo_release_now(*z);
                }
                Ok(Output::WorkRan(!zombies.is_empty()))
            }
            Action::SysfsWrite { attr, value, .. } => match attr {
                SysfsAttr::PoolMaxSize | SysfsAttr::DmaPoolMaxSize => {
                    // mspec 9.6: the pool options become the page_pool_size parameter (pages).
                    match value.trim().parse::<u64>() {
                        Ok(kib) => self.mset(MVar::PagePoolSize, kib.saturating_mul(1024) / PAGE_SIZE),
                        Err(_) => self.note(format!(
                            "{value:?} is not a number of KiB; page_pool_size (the Linux 6.12 counterpart of {attr:?}, mspec 9.6) is unchanged"
                        )),
                    }
                    done
                }
                _ => {
                    self.note(no_counterpart(
                        &format!("the sysfs attribute {attr:?}"),
                        "the accounting zones and pool options became the page_pool_size, pages_limit and dma32_pages_limit parameters",
                    ));
                    done
                }
            },
            Action::ModuleParam { param, value } => {
                let v = match param {
                    ModuleParam::PagePoolSize => MVar::PagePoolSize,
                    ModuleParam::PagesLimit => MVar::PagesLimit,
                    ModuleParam::Dma32PagesLimit => MVar::Dma32PagesLimit,
                };
                self.mset(v, *value);
                done
            }
            Action::PoolFini | Action::PoolInit => {
                self.note(no_counterpart(
                    "ttm_page_alloc_fini / init",
                    "the pool lives and dies with the device and the global state (mspec 4.8)",
                ));
                done
            }
            Action::BoCreate { .. } | Action::BoCreatePlacement { .. } => {
                let (pages, kernel, pl) = match a {
                    Action::BoCreate {
                        pages,
                        placement,
                        kernel,
                        ..
                    } => (pages, kernel, self.mdriver_placement(placement)?),
                    Action::BoCreatePlacement {
                        pages,
                        placement,
                        kernel,
                        ..
                    } => (pages, kernel, placement.to_placement()),
                    _ => unreachable!("matched above"),
                };
                let (places, caching, pin) = translate_placement(&pl);
                self.mnote_missing(&places);
                let btype = if *kernel {
                    bo_type::KERNEL
                } else {
                    bo_type::DEVICE
                };
                let bo = self.mbo_create(*pages, btype, caching, 0, &places)?;
                if pin {
                    self.mbo_reserve(bo)?;
                    self.mbo_pin(bo);
                    self.mbo_unreserve(bo);
                }
                Ok(Output::Bo(bo))
            }
            Action::BoCreatePlaces {
                pages,
                places,
                caching,
                kernel,
                priority,
            } => {
                let btype = if *kernel {
                    bo_type::KERNEL
                } else {
                    bo_type::DEVICE
                };
                Ok(Output::Bo(
                    self.mbo_create(*pages, btype, *caching, *priority, places)?,
                ))
            }
            Action::BoValidate { .. } | Action::BoValidatePlacement { .. } => {
                let (bo, pin, pl) = match a {
                    Action::BoValidate { bo, placement, pin } => {
                        (bo, *pin, self.mdriver_placement(placement)?)
                    }
                    Action::BoValidatePlacement { bo, placement } => {
                        (bo, false, placement.to_placement())
                    }
                    _ => unreachable!("matched above"),
                };
                let (places, _, pin_word) = translate_placement(&pl);
                self.mnote_missing(&places);
                let bo = *bo;
                self.mbo_reserve(bo)?;
                // mspec 9.6: NO_EVICT is a pin after the validate; validating without it unpins.
                let pinned = self.m().bos[bo as usize].pin_count > 0;
                if pinned && !(pin | pin_word) {
                    self.mbo_unpin(bo);
                }
                let r = self.mbo_validate(bo, &places);
                if r.is_ok() && (pin | pin_word) && self.m().bos[bo as usize].pin_count == 0 {
                    self.mbo_pin(bo);
                }
                self.mbo_unreserve(bo);
                r?;
                done
            }
            Action::BoValidatePlaces { bo, places } => {
                self.mbo_reserve(*bo)?;
                let r = self.mbo_validate(*bo, places);
                self.mbo_unreserve(*bo);
                r?;
                done
            }
            Action::BoPin { bo } | Action::BoUnpin { bo } => {
                self.mbo_reserve(*bo)?;
                if matches!(a, Action::BoPin { .. }) {
                    self.mbo_pin(*bo);
                } else {
                    self.mbo_unpin(*bo);
                }
                self.mbo_unreserve(*bo);
                done
            }
            Action::BoFault { bo, page } => {
                self.mbo_vm_fault(*bo, *page)?;
                done
            }
            Action::BoKmap { bo, start, num } => {
                self.mbo_reserve(*bo)?;
                let r = self.mbo_kmap(*bo, *start, *num);
                self.mbo_unreserve(*bo);
                r?;
                done
            }
            Action::BoKunmap { .. } => done,
            Action::EvictMm { .. } => {
                self.note(no_counterpart(
                    "ttm_bo_evict_mm",
                    "not modelled for 6.12 yet (ttm_resource_manager_evict_all)",
                ));
                done
            }
            Action::BoSwapout => {
                // The 3.3 shrink callback becomes one global swap-out (mspec 3.9).
                self.mglobal_swapout()?;
                done
            }
            Action::BoUnref { bo } => {
                self.mbo_put(*bo);
                done
            }
            Action::BoReserveWait { .. } => {
                self.note(no_counterpart(
                    "a waiting ttm_bo_reserve",
                    "dma_resv locks with signals are not modelled for 6.12 (mspec 5.6)",
                ));
                done
            }
            Action::BoReserve { bo, .. } => {
                // Another thread (the user) holds the reservation.
                self.mbo_set(*bo, MBoField::Lock, 2);
                done
            }
            Action::BoUnreserve { bo } => {
                self.mbo_set(*bo, MBoField::Lock, 1);
                self.mbo_unreserve(*bo);
                done
            }
            Action::GpuExec { .. } | Action::FenceSignal { .. } => {
                self.note(no_counterpart(
                    "GPU fences",
                    "fences (dma_resv) are not modelled for 6.12 yet; every BO is idle",
                ));
                done
            }
            Action::BoWrite { bo, seed } => {
                let b = self.m().bos[*bo as usize].clone();
                match b.res.map(|r| self.m().resources[r as usize].clone()) {
                    Some(r) if !self.m().managers[r.mem_type as usize].use_tt => {
                        for i in 0..r.pages {
                            let old = self
                                .state
                                .io_contents
                                .get(&(r.mem_type, r.start + i))
                                .copied()
                                .unwrap_or(crate::state::CONTENT_STALE);
                            let new = crate::tt::data_tag(*seed, i as u32);
                            if old != new {
                                self.d(crate::state::Delta::IoContent {
                                    mem_type: r.mem_type,
                                    page: r.start + i,
                                    old,
                                    new,
                                });
                            }
                        }
                    }
                    _ => {
                        if let Some(t) = b.tt {
                            let pfns: Vec<u64> = self.state.tts[t as usize]
                                .pages
                                .iter()
                                .flatten()
                                .copied()
                                .collect();
                            for (i, p) in pfns.into_iter().enumerate() {
                                self.set_content(p, crate::tt::data_tag(*seed, i as u32));
                            }
                        }
                    }
                }
                done
            }
        }
    }

    fn mnote_missing(&mut self, places: &[TtmPlace]) {
        for p in places {
            if !self.mman_present(p.mem_type) {
                self.note(format!(
                    "memory type {} has no manager on the 6.12 generic driver (SYSTEM {PL_SYSTEM}, TT {PL_TT}, VRAM {PL_VRAM}); allocation skips it (mspec 5.1)",
                    p.mem_type
                ));
            }
        }
    }
}
