//! drivers/gpu/drm/ttm/ttm_tt.c of Linux 6.12 (mspec 3): tt creation with its caching fixed,
//! populate with the per-tt charge and the swap-out loop above the page limits, unpopulate,
//! swap-out to shmem (any caching) and swap-in from core populate.

use super::{tt_flags, MCtr};
use crate::code::{k::*, l, Listing};
use crate::consts::{Caching, TtState};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::{FaultKind, Sim};
use crate::state::{Delta, TtBackend, Var};

/// Pseudocode of the tt functions (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (
        F::MTtMgrInit,
        &[
            l(
                "pages_limit 0 → num_pages (half of RAM)",
                &[],
                &[Modern(MK::Set(MV::Param))],
            ),
            l(
                "dma32_pages_limit 0 → lowmem, at most 2 GiB",
                &[],
                &[Modern(MK::Set(MV::Param))],
            ),
        ],
    ),
    (
        F::MTtCreate,
        &[
            l("the BO already has a tt: nothing to do", &[], &[]),
            l(
                "flags by BO type: device → ZERO_ALLOC if asked, kernel → none, sg → EXTERNAL",
                &[],
                &[],
            ),
            l(
                "the driver allocates the tt and fixes its caching",
                &[F::MDrvTtCreate],
                &[],
            ),
            l(
                "remember the tt in the BO",
                &[],
                &[Modern(MK::Set(MV::Bo(MB::Tt)))],
            ),
        ],
    ),
    (
        F::MTtInit,
        &[
            l(
                "set page_flags, num_pages and the caching, which never changes afterwards",
                &[],
                &[TtNew, Set(V::TtCaching)],
            ),
            l("allocate the zeroed page array; no pages yet", &[], &[]),
        ],
    ),
    (
        F::MTtPopulate,
        &[
            l("already populated: return 0", &[], &[]),
            l(
                "unless EXTERNAL: charge num_pages to ttm_pages_allocated (and dma32) first",
                &[],
                &[
                    Modern(MK::Count(MC::PagesAllocated)),
                    Modern(MK::Count(MC::Dma32PagesAllocated)),
                ],
            ),
            l(
                "while above pages_limit or dma32_pages_limit: swap one BO out",
                &[F::MGlobalSwapout],
                &[],
            ),
            l(
                "nothing could be swapped: carry on anyway (the limit is soft)",
                &[],
                &[],
            ),
            l(
                "allocate the pages from the device's pool",
                &[F::MPoolAlloc],
                &[],
            ),
            l(
                "on error take the charge back and return it",
                &[],
                &[
                    Modern(MK::Count(MC::PagesAllocated)),
                    Modern(MK::Count(MC::Dma32PagesAllocated)),
                ],
            ),
            l(
                "mark the tt populated",
                &[],
                &[Set(V::TtFlags), Set(V::TtState)],
            ),
            l(
                "if it was swapped out: read it back; on error unpopulate",
                &[F::MTtSwapin, F::MTtUnpopulate],
                &[],
            ),
        ],
    ),
    (
        F::MTtUnpopulate,
        &[
            l("not populated: return", &[], &[]),
            l("give the pages back to the pool", &[F::MPoolFree], &[]),
            l(
                "unless EXTERNAL: subtract num_pages from the counters",
                &[],
                &[
                    Modern(MK::Count(MC::PagesAllocated)),
                    Modern(MK::Count(MC::Dma32PagesAllocated)),
                ],
            ),
            l(
                "clear PRIV_POPULATED",
                &[],
                &[Set(V::TtFlags), Set(V::TtState)],
            ),
        ],
    ),
    (
        F::MTtSwapout,
        &[
            l(
                "create a shmem file \"ttm swap\" of the tt's size",
                &[F::ShmemFileSetup],
                &[],
            ),
            l(
                "copy every page into the file; on error release the file",
                &[F::ShmemReadMappingPage, F::Fput],
                &[SwapWrite],
            ),
            l(
                "unpopulate: WC/UC pages feed the pools, cached ones go to the system",
                &[F::MTtUnpopulate],
                &[],
            ),
            l(
                "keep the file, set SWAPPED and return num_pages",
                &[],
                &[Set(V::TtSwap), Set(V::TtFlags)],
            ),
        ],
    ),
    (
        F::MTtSwapin,
        &[
            l(
                "for each page: read the file page and copy it into the tt page",
                &[F::ShmemReadMappingPage],
                &[Content],
            ),
            l(
                "release the file, forget it and clear SWAPPED",
                &[F::Fput],
                &[Set(V::TtSwap), Set(V::TtFlags)],
            ),
        ],
    ),
    (
        F::MTtFini,
        &[
            l("release the swap file if there is one", &[F::Fput], &[]),
            l("free the page array", &[], &[Set(V::TtAlive)]),
        ],
    ),
    (
        F::MBoTtDestroy,
        &[
            l("unpopulate the tt", &[F::MTtUnpopulate], &[]),
            l("the driver destroys it", &[F::MDrvTtDestroy], &[]),
            l(
                "the BO has no tt any more",
                &[],
                &[Modern(MK::Set(MV::Bo(MB::Tt)))],
            ),
        ],
    ),
];

impl Sim {
    /// `ttm_tt_init` (mspec 3.2): a tt of `pages` with `flags` and its fixed `caching`.
    pub(crate) fn mtt_init(&mut self, pages: u32, flags: u32, caching: Caching) -> KResult<u32> {
        let id = self.state.tts.len() as u32;
        self.enter(
            Func::MTtInit,
            &[id as u64, pages as u64, flags as u64, caching as u64],
        );
        if self.inject(FaultKind::TtAlloc) {
            // "Failed allocating page table": -ENOMEM, nothing created.
            return self.ret(Err(Errno::Enomem));
        }
        self.d(Delta::TtNew {
            id,
            num_pages: pages,
            page_flags: flags,
            backend: TtBackend::Pool,
        });
        self.set(Var::TtCaching(id), caching as u64);
        self.exit(0);
        Ok(id)
    }

    /// The tt is populated (PRIV_POPULATED, mspec 1.1).
    pub(crate) fn mtt_populated(&self, tt: u32) -> bool {
        self.state.tts[tt as usize].page_flags & tt_flags::PRIV_POPULATED != 0
    }

    fn mtt_charge(&mut self, tt: u32, sign: i64) {
        let t = &self.state.tts[tt as usize];
        if t.page_flags & tt_flags::EXTERNAL != 0 {
            return;
        }
        let n = t.num_pages as i64 * sign;
        self.mcount(MCtr::PagesAllocated, n);
        if self.m().use_dma32 {
            self.mcount(MCtr::Dma32PagesAllocated, n);
        }
    }

    fn mtt_set_flag(&mut self, tt: u32, flag: u32, on: bool) {
        let f = self.state.tts[tt as usize].page_flags;
        let new = if on { f | flag } else { f & !flag };
        self.set(Var::TtFlags(tt), new as u64);
    }

    /// `ttm_tt_populate` (mspec 3.4).
    pub(crate) fn mtt_populate(&mut self, tt: u32) -> KResult {
        self.enter(Func::MTtPopulate, &[tt as u64]);
        if self.mtt_populated(tt) {
            return self.ret(Ok(()));
        }
        self.mtt_charge(tt, 1);
        loop {
            let m = self.m();
            let above =
                m.pages_allocated > m.pages_limit || m.dma32_pages_allocated > m.dma32_pages_limit;
            if !above {
                break;
            }
            match self.mglobal_swapout() {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    self.mtt_charge(tt, -1);
                    return self.ret(Err(e));
                }
            }
        }
        if let Err(e) = self.mpool_alloc(tt) {
            self.mtt_charge(tt, -1);
            return self.ret(Err(e));
        }
        self.mtt_set_flag(tt, tt_flags::PRIV_POPULATED, true);
        // The shared tt record's state mirrors PRIV_POPULATED (there is no "bound" in 6.12).
        self.set(Var::TtState(tt), TtState::Unbound as u64);
        if self.state.tts[tt as usize].page_flags & tt_flags::SWAPPED != 0 {
            if let Err(e) = self.mtt_swapin(tt) {
                self.mtt_unpopulate(tt);
                return self.ret(Err(e));
            }
        }
        self.ret(Ok(()))
    }

    /// `ttm_tt_unpopulate` (mspec 3.5).
    pub(crate) fn mtt_unpopulate(&mut self, tt: u32) {
        self.enter(Func::MTtUnpopulate, &[tt as u64]);
        if self.mtt_populated(tt) {
            self.mpool_free(tt);
            self.mtt_charge(tt, -1);
            self.mtt_set_flag(tt, tt_flags::PRIV_POPULATED, false);
            self.set(Var::TtState(tt), TtState::Unpopulated as u64);
        }
        self.exit(0);
    }

    /// `ttm_tt_swapout` (mspec 3.6): returns the pages swapped.
    pub(crate) fn mtt_swapout(&mut self, tt: u32) -> KResult<u64> {
        self.enter(Func::MTtSwapout, &[tt as u64]);
        let n = self.state.tts[tt as usize].num_pages;
        let file = match self.shmem_file_setup(n, false) {
            Ok(f) => f,
            Err(e) => return self.ret(Err(e)),
        };
        for i in 0..n {
            let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] else {
                continue;
            };
            if let Err(e) = self.shmem_page(file, i, FaultKind::ShmemWrite) {
                self.fput(file);
                return self.ret(Err(e));
            }
            let old = self.state.swap_files[file as usize].contents[i as usize];
            let new = self.page_content(pfn);
            if old != new {
                self.d(Delta::SwapWrite {
                    file,
                    idx: i,
                    old,
                    new,
                });
            }
        }
        self.mtt_unpopulate(tt);
        self.set(Var::TtSwap(tt), file as u64 + 1);
        self.mtt_set_flag(tt, tt_flags::SWAPPED, true);
        self.exit(n as i64);
        Ok(n as u64)
    }

    /// `ttm_tt_swapin` (mspec 3.7): copy the file back into the (populated) tt, drop the file.
    fn mtt_swapin(&mut self, tt: u32) -> KResult {
        self.enter(Func::MTtSwapin, &[tt as u64]);
        let Some(file) = self.state.tts[tt as usize].swap_storage else {
            return self.ret(Err(Errno::Bug));
        };
        let n = self.state.tts[tt as usize].num_pages;
        for i in 0..n {
            if let Err(e) = self.shmem_page(file, i, FaultKind::ShmemRead) {
                return self.ret(Err(e));
            }
            let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] else {
                return self.ret(Err(Errno::Enomem));
            };
            let c = self.state.swap_files[file as usize].contents[i as usize];
            self.set_content(pfn, c);
        }
        self.fput(file);
        self.set(Var::TtSwap(tt), 0);
        self.mtt_set_flag(tt, tt_flags::SWAPPED, false);
        self.ret(Ok(()))
    }

    /// `ttm_tt_fini` through the driver's `ttm_tt_destroy` (mspec 3.2).
    pub(crate) fn mtt_destroy(&mut self, tt: u32) {
        self.enter(Func::MDrvTtDestroy, &[tt as u64]);
        self.enter(Func::MTtFini, &[tt as u64]);
        if let Some(f) = self.state.tts[tt as usize].swap_storage {
            self.fput(f);
        }
        self.set(Var::TtAlive(tt), 0);
        self.exit(0);
        self.exit(0);
    }
}
