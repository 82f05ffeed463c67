//! drivers/gpu/drm/ttm/ttm_device.c of Linux 6.12 (mspec 2): the global state from RAM and the
//! module parameters, `ttm_device_init`, and the global / per-device swap-out entry points.

use super::{MDelta, MVar, DMA32_CAP_PAGES, PL_SYSTEM, PL_TT, PL_VRAM, TTM_NUM_MEM_TYPES};
use crate::code::{k::*, l, Listing};
use crate::errno::KResult;
use crate::func::Func;
use crate::sim::Sim;

/// Pseudocode of the device functions (our own words; v6.12).
pub(crate) const CODE: &[Listing] = &[
    (
        F::MDeviceInit,
        &[
            l("no vma manager: -EINVAL", &[], &[]),
            l(
                "the first device creates the global state",
                &[F::MGlobalInit],
                &[],
            ),
            l("create the \"ttm\" workqueue", &[], &[]),
            l("set up the built-in SYSTEM manager", &[F::MSysManInit], &[]),
            l(
                "initialise the device's pool (NUMA node, DMA alloc, dma32)",
                &[F::MPoolInit],
                &[],
            ),
            l("put the device on the global device list", &[], &[]),
            l(
                "the driver then registers its TT and VRAM managers",
                &[F::MRangeManInit],
                &[],
            ),
        ],
    ),
    (
        F::MGlobalInit,
        &[
            l(
                "num_pages = half of RAM; num_dma32 = lowmem, at most 2 GiB",
                &[],
                &[],
            ),
            l(
                "pool manager: default page_pool_size, the 44 global pool types, the shrinker",
                &[F::MPoolMgrInit],
                &[],
            ),
            l(
                "tt manager: default pages_limit and dma32_pages_limit",
                &[F::MTtMgrInit],
                &[],
            ),
            l(
                "allocate the dummy read page; bo_count = 0",
                &[],
                &[Modern(MK::Set(MV::GlobalUp))],
            ),
        ],
    ),
    (
        F::MGlobalSwapout,
        &[
            l(
                "for each device on the list: ask it to swap out one BO",
                &[F::MDeviceSwapout],
                &[],
            ),
            l(
                "on the first success move that device to the list tail and stop",
                &[],
                &[],
            ),
            l(
                "return the last result (0: nothing could be swapped)",
                &[],
                &[],
            ),
        ],
    ),
    (
        F::MDeviceSwapout,
        &[
            l(
                "for memory types 0..7 with a manager that uses tts: SYSTEM first, then TT",
                &[],
                &[],
            ),
            l(
                "swap out one BO of that manager; stop at the first non-zero result",
                &[F::MBoSwapout],
                &[],
            ),
        ],
    ),
];

impl Sim {
    /// The driver loads (mspec 2.3, 8.1): `ttm_device_init` then the driver's TT and VRAM range
    /// managers.
    pub(crate) fn mdevice_load(&mut self) {
        let (dma, dma32) = (self.m().use_dma_alloc, self.m().use_dma32);
        self.enter(Func::MDeviceInit, &[dma as u64, dma32 as u64]);
        if !self.m().global_up {
            self.mglobal_init();
        }
        self.msys_man_init();
        self.mpool_init();
        let d = &self.cfg.driver;
        let (gtt, vram) = (d.gtt_size_pages(), d.vram_size_pages());
        self.mrange_man_init(PL_TT, true, gtt);
        self.mrange_man_init(PL_VRAM, false, vram);
        self.exit(0);
    }

    /// `ttm_global_init` (mspec 2.2): the exact formulas.
    fn mglobal_init(&mut self) {
        self.enter(Func::MGlobalInit, &[]);
        // x86-64 has no highmem: totalhigh = 0; mem_unit = PAGE_SIZE.
        let totalram = self.cfg.ram_pages();
        let num_pages = totalram / 2;
        let num_dma32 = totalram.min(DMA32_CAP_PAGES);
        self.enter(Func::MPoolMgrInit, &[num_pages]);
        if self.m().page_pool_size == 0 {
            self.mset(MVar::PagePoolSize, num_pages);
        }
        for pt in 0..44u16 {
            let pos = self.m().shrinker.len() as u32;
            self.md(MDelta::Shrinker {
                pt,
                pos,
                insert: true,
            });
        }
        self.exit(0);
        self.enter(Func::MTtMgrInit, &[num_pages, num_dma32]);
        if self.m().pages_limit == 0 {
            self.mset(MVar::PagesLimit, num_pages);
        }
        if self.m().dma32_pages_limit == 0 {
            self.mset(MVar::Dma32PagesLimit, num_dma32);
        }
        self.exit(0);
        self.mset(MVar::GlobalUp, 1);
        self.exit(0);
    }

    /// `ttm_pool_init` (mspec 4.1, 4.2): the device's own pool types join the shrinker list.
    fn mpool_init(&mut self) {
        let (dma, dma32) = (self.m().use_dma_alloc, self.m().use_dma32);
        self.enter(Func::MPoolInit, &[dma as u64, dma32 as u64]);
        for pt in 44..self.m().pool_types.len() as u16 {
            let pos = self.m().shrinker.len() as u32;
            self.md(MDelta::Shrinker {
                pt,
                pos,
                insert: true,
            });
        }
        self.exit(0);
    }

    /// `ttm_global_swapout` (mspec 3.9 step 1). One device in this model, so the device list
    /// rotation is invisible.
    pub(crate) fn mglobal_swapout(&mut self) -> KResult<u64> {
        self.enter(Func::MGlobalSwapout, &[]);
        let r = self.mdevice_swapout();
        match r {
            Ok(n) => {
                self.exit(n as i64);
                Ok(n)
            }
            Err(e) => self.ret(Err(e)),
        }
    }

    /// `ttm_device_swapout` (mspec 3.9 step 2): managers 0..7 that use tts, SYSTEM first.
    fn mdevice_swapout(&mut self) -> KResult<u64> {
        self.enter(Func::MDeviceSwapout, &[]);
        for mt in PL_SYSTEM..TTM_NUM_MEM_TYPES as u8 {
            let man = &self.m().managers[mt as usize];
            if !man.used || !man.use_tt {
                continue;
            }
            match self.mbo_swapout(mt) {
                Ok(0) => {}
                Ok(n) => {
                    self.exit(n as i64);
                    return Ok(n);
                }
                Err(e) => return self.ret(Err(e)),
            }
        }
        self.exit(0);
        Ok(0)
    }
}
