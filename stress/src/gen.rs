//! Random machines and random user actions. Actions are generated one at a time against the
//! machine's current state, so most references name objects that exist (and reach deep paths)
//! while a share are deliberately wrong (ids past the end, huge sizes, random sysfs text) to
//! exercise validation.

use crate::rng::Rng;
use ttm_core::config::{Arch, DriverConfig, DriverKind, Era, FaultPlan, Fidelity, SysfsAttr};
use ttm_core::config::{SysfsWrite, MAX_RAM, MIN_RAM};
use ttm_core::{page_flags, Action, Caching, MachineConfig, Sim, MAX_TT_PAGES};

/// Every era, driver variant, fidelity and fault plan the model has; a quarter are Linux 6.12
/// machines.
pub fn machine(r: &mut Rng) -> MachineConfig {
    if r.chance(1, 4) {
        return modern_machine(r);
    }
    let era = *r.pick(&[Era::E0, Era::E1, Era::E2, Era::E3]);
    let arch = if r.chance(1, 4) {
        Arch::X86_32Highmem
    } else {
        Arch::X86_64
    };
    let mib = *r.pick(&[8u64, 8, 12, 16, 16, 32, 64]);
    let mut ram_bytes = mib << 20;
    if arch == Arch::X86_64 && r.chance(1, 200) {
        // Above 4 GiB: a "dma32" accounting zone and pfns past 0x100000 (D10).
        ram_bytes = (4 << 30) + (r.range(1, 64) << 20);
    }
    let gpu = driver(r);
    let kind = gpu.kind;
    let mut faults = FaultPlan::default();
    let lists: [(&mut Vec<u64>, u64); 8] = [
        (&mut faults.page_alloc, 400),
        (&mut faults.set_caching, 30),
        (&mut faults.shmem_create, 10),
        (&mut faults.shmem_read, 60),
        (&mut faults.shmem_write, 60),
        (&mut faults.reserve, 60),
        (&mut faults.dma_map, 60),
        (&mut faults.tt_alloc, 8),
    ];
    let plan = r.chance(1, 2);
    for (list, max) in lists {
        if plan && r.chance(1, 4) {
            for _ in 0..r.range(1, 3) {
                list.push(r.range(1, max));
            }
        }
    }
    let mut sysfs = Vec::new();
    if r.chance(1, 8) {
        for _ in 0..r.range(1, 2) {
            sysfs.push(SysfsWrite {
                attr: sysfs_attr(r),
                zone: r.below(2) as usize,
                value: sysfs_text(r),
            });
        }
    }
    let mut cfg = MachineConfig {
        ram_bytes,
        arch,
        era,
        fidelity: if r.chance(1, 2) {
            Fidelity::Fixed
        } else {
            Fidelity::Faithful
        },
        need_dma32: r.chance(1, 5),
        swiotlb: era == Era::E3 && r.chance(1, 3),
        agp: kind != DriverKind::Vmwgfx && r.chance(1, 4),
        root: r.chance(1, 3),
        driver: gpu,
        sysfs,
        faults,
        ..MachineConfig::default()
    };
    // Several devices (spec 6.1) on a machine without AGP or the DMA pool, which the model
    // keeps to one device: one or two more GPUs of any driver.
    if !cfg.agp && !cfg.swiotlb && r.chance(1, 6) {
        let n = r.range(1, 2);
        cfg.devices = (0..n).map(|_| driver(r)).collect();
    }
    if r.chance(1, 25) {
        break_config(r, &mut cfg);
    }
    cfg
}

/// A random GPU and its driver (small VRAM and GTT so that eviction happens).
fn driver(r: &mut Rng) -> DriverConfig {
    let kind = *r.pick(&[DriverKind::Radeon, DriverKind::Nouveau, DriverKind::Vmwgfx]);
    let vram_mib = r.range(1, 16) as u32;
    DriverConfig {
        kind,
        vram_mib,
        visible_vram_mib: r.range(1, vram_mib as u64) as u32,
        gtt_mib: r.range(1, 32) as u32,
        accel: r.chance(1, 2),
        nv50: r.chance(1, 2),
        gmr_ids: r.range(1, 8) as u32,
        max_gmr_pages: if r.chance(1, 2) {
            0
        } else {
            r.range(1, 600) as u32
        },
        ..DriverConfig::default()
    }
}

/// A Linux 6.12 machine (mspec): small RAM, VRAM and GTT so that limits, eviction and swap-out
/// happen; random module parameters, pool configuration and injected faults. Fixed fidelity: a
/// 6.12 machine must never report a finding, and the teardown must return every page.
fn modern_machine(r: &mut Rng) -> MachineConfig {
    let mib = *r.pick(&[8u64, 8, 12, 16, 32]);
    let vram_mib = r.range(1, 4) as u32;
    let mut faults = FaultPlan::default();
    if r.chance(1, 3) {
        for _ in 0..r.range(1, 3) {
            faults.block_alloc.push(r.range(1, 80));
        }
    }
    if r.chance(1, 4) {
        faults.set_caching.push(r.range(1, 20));
    }
    if r.chance(1, 4) {
        faults.shmem_write.push(r.range(1, 200));
        faults.shmem_create.push(r.range(1, 10));
    }
    let param = |r: &mut Rng| if r.chance(1, 2) { 0 } else { r.range(1, 3000) };
    let mut cfg = MachineConfig {
        ram_bytes: mib << 20,
        kernel: ttm_core::Kernel::V6_12,
        fidelity: Fidelity::Fixed,
        modern: ttm_core::ModernConfig {
            page_pool_size: param(r),
            pages_limit: param(r),
            dma32_pages_limit: 0,
            use_dma_alloc: r.chance(1, 4),
            use_dma32: r.chance(1, 4),
            numa_node: r.chance(1, 4),
        },
        driver: DriverConfig {
            kind: *r.pick(&[DriverKind::Radeon, DriverKind::Nouveau, DriverKind::Vmwgfx]),
            vram_mib,
            visible_vram_mib: vram_mib,
            gtt_mib: r.range(1, 4) as u32,
            ..DriverConfig::default()
        },
        faults,
        ..MachineConfig::default()
    };
    if r.chance(1, 25) {
        cfg.arch = Arch::X86_32Highmem;
    }
    cfg
}

/// A random 6.12 action: mostly ones that reach the pool, LRU, eviction and swap-out paths.
fn modern_action(r: &mut Rng, s: &Sim) -> Action {
    use ttm_core::modern::place_flags as pf;
    use ttm_core::{ModuleParam, TtmPlace};
    let m = s.state().modern.as_deref().expect("a 6.12 machine");
    let nbo = m.bos.len() as u64 + 1;
    let ntt = s.state().tts.len() as u64 + 1;
    let place = |r: &mut Rng| TtmPlace {
        mem_type: *r.pick(&[0u8, 1, 2, 2, 3]),
        flags: *r.pick(&[0, 0, pf::DESIRED, pf::FALLBACK, pf::TOPDOWN, pf::CONTIGUOUS]),
        fpfn: if r.chance(1, 6) { r.range(0, 200) } else { 0 },
        lpfn: if r.chance(1, 6) { r.range(200, 400) } else { 0 },
    };
    let places = |r: &mut Rng| (0..r.range(0, 3)).map(|_| place(r)).collect::<Vec<_>>();
    match r.below(20) {
        0 | 1 => Action::TtCreate {
            pages: r.range(1, 700) as u32,
            caching: caching(r),
            flags: if r.chance(1, 3) {
                page_flags::ZERO_ALLOC
            } else {
                0
            },
            dma: false,
        },
        2 | 3 => Action::TtPopulate {
            tt: r.below(ntt) as u32,
        },
        4 => Action::TtUnpopulate {
            tt: r.below(ntt) as u32,
        },
        5 => Action::TtSwapout {
            tt: r.below(ntt) as u32,
            persistent: None,
        },
        6 => Action::PoolShrinkerScan {
            scans: r.range(0, 4) as u32,
        },
        7 => Action::ModuleParam {
            param: *r.pick(&[
                ModuleParam::PagePoolSize,
                ModuleParam::PagesLimit,
                ModuleParam::Dma32PagesLimit,
            ]),
            value: r.range(0, 4000),
        },
        8..=10 => Action::BoCreatePlaces {
            pages: r.range(1, 400) as u32,
            places: places(r),
            caching: caching(r),
            kernel: r.chance(1, 4),
            priority: r.below(4) as u8,
        },
        11 | 12 => Action::BoValidatePlaces {
            bo: r.below(nbo) as u32,
            places: places(r),
        },
        13 | 14 => Action::BoFault {
            bo: r.below(nbo) as u32,
            page: 0,
        },
        15 => Action::BoPin {
            bo: r.below(nbo) as u32,
        },
        16 => Action::BoUnpin {
            bo: r.below(nbo) as u32,
        },
        17 => match r.below(3) {
            0 => Action::BoReserve {
                bo: r.below(nbo) as u32,
                ticket: None,
            },
            1 => Action::BoUnreserve {
                bo: r.below(nbo) as u32,
            },
            _ => Action::RunDeferredWork,
        },
        18 => Action::BoUnref {
            bo: r.below(nbo) as u32,
        },
        _ => match r.below(3) {
            0 => Action::BoSwapout,
            1 => Action::PoolShrink {
                nr_to_scan: r.range(0, 2000),
            },
            _ => random_action(r, s),
        },
    }
}

/// Make one setting invalid (the machine must then be refused with a message, never panic).
fn break_config(r: &mut Rng, cfg: &mut MachineConfig) {
    match r.below(7) {
        0 => cfg.ram_bytes = MIN_RAM - 4096,
        1 => cfg.ram_bytes = MAX_RAM + (1 << 20),
        2 => cfg.ram_bytes += 1,
        3 => cfg.driver.visible_vram_mib = cfg.driver.vram_mib + 1,
        4 => cfg.driver.vram_mib = 0,
        5 => cfg.swiotlb = cfg.era != Era::E3 || cfg.swiotlb,
        _ => cfg.sysfs.push(SysfsWrite {
            attr: SysfsAttr::SwapLimit,
            zone: 7,
            value: "1".into(),
        }),
    }
}

fn sysfs_attr(r: &mut Rng) -> SysfsAttr {
    *r.pick(&[
        SysfsAttr::PoolMaxSize,
        SysfsAttr::PoolSmallAllocation,
        SysfsAttr::PoolAllocationSize,
        SysfsAttr::DmaPoolMaxSize,
        SysfsAttr::DmaPoolSmallAllocation,
        SysfsAttr::DmaPoolAllocationSize,
        SysfsAttr::EmergencyMemory,
        SysfsAttr::AvailableMemory,
        SysfsAttr::SwapLimit,
    ])
}

/// What a user might echo into a sysfs file: numbers of every size, signs, hex, blanks,
/// overflow, non-ASCII digits and random characters.
pub fn sysfs_text(r: &mut Rng) -> String {
    match r.below(10) {
        0..=3 => r.range(0, 70_000).to_string(),
        4 => format!("  {}\n", r.range(0, 4096)),
        5 => r.next_u64().to_string(),
        6 => (*r.pick(&[
            "",
            "\n",
            "-1",
            "+5",
            "0x10",
            "18446744073709551616",
            "99999999999999999999999",
            "١٢٣",
            "4096 KiB",
            " \t 12",
        ]))
        .to_string(),
        _ => (0..r.range(0, 12))
            .map(|_| char::from_u32(r.range(1, 0x2FF) as u32).unwrap_or('?'))
            .collect(),
    }
}

/// A count: mostly small, sometimes around the batch size, rarely extreme.
/// (The largest tt the format allows, MAX_TT_PAGES, costs 64 MiB per state copy, and the stepper
/// check keeps several: it is drawn once in 100,000 counts.)
fn pages(r: &mut Rng) -> u32 {
    if r.chance(1, 100_000) {
        return MAX_TT_PAGES;
    }
    match r.below(1000) {
        0 => *r.pick(&[0, MAX_TT_PAGES + 1, u32::MAX]),
        1..=4 => *r.pick(&[1 << 18, 1 << 16, 65_535]),
        5..=60 => *r.pick(&[511, 512, 513, 1024, 1536]) + r.below(3) as u32,
        61..=200 => r.range(40, 400) as u32,
        _ => r.range(1, 40) as u32,
    }
}

/// An id among `n` existing objects, or (one time in eight) one that does not exist.
fn id(r: &mut Rng, n: usize) -> u32 {
    if n > 0 && !r.chance(1, 8) {
        r.below(n as u64) as u32
    } else {
        *r.pick(&[n as u32, n as u32 + 1, u32::MAX])
    }
}

fn caching(r: &mut Rng) -> Caching {
    *r.pick(&[Caching::Cached, Caching::Wc, Caching::Uncached])
}

fn big(r: &mut Rng, typical: u64) -> u64 {
    match r.below(40) {
        0 => u64::MAX,
        1 => 0,
        2 => 1 << 40,
        _ => r.range(1, typical),
    }
}

/// The next action for machine `s`: half of the time one that fits the state of an object that
/// exists (a guided step along the tt and BO state machines of spec 2.4 and 6), otherwise any
/// action with any arguments.
pub fn action(r: &mut Rng, s: &Sim) -> Action {
    if s.is_modern() {
        return modern_action(r, s);
    }
    if r.chance(1, 2) {
        if let Some(a) = guided(r, s) {
            return a;
        }
    }
    random_action(r, s)
}

/// An action that a live tt or BO can take in its current state, so that multi-step stories
/// (populate → swap out to persistent storage → swap in → swap out → destroy; validate that
/// fails half-way → fault → swap out) happen often instead of almost never.
fn guided(r: &mut Rng, s: &Sim) -> Option<Action> {
    use ttm_core::TtState;
    let st = s.state();
    let live_tts: Vec<&ttm_core::Tt> = st.tts.iter().filter(|t| t.alive).collect();
    let live_bos: Vec<u32> = st
        .bos
        .iter()
        .filter(|b| b.alive && !b.ghost && b.kref > 0)
        .map(|b| b.id)
        .collect();
    let files = st.swap_files.len() as u32;
    if !live_tts.is_empty() && (live_bos.is_empty() || r.chance(1, 2)) {
        let t = *r.pick(&live_tts);
        let tt = t.id;
        let swapped = t.swapped();
        return Some(match (t.state, swapped) {
            (_, true) => Action::TtPopulate { tt },
            (TtState::Unpopulated, false) => match r.below(4) {
                0 => Action::TtSetCaching {
                    tt,
                    caching: caching(r),
                },
                1 => Action::TtDestroy { tt },
                _ => Action::TtPopulate { tt },
            },
            (TtState::Bound, _) => match r.below(3) {
                0 => Action::TtUnbind { tt },
                1 => Action::TtWrite {
                    tt,
                    seed: r.below(1024) as u32,
                },
                _ => Action::TtDestroy { tt },
            },
            (TtState::Unbound, false) => match r.below(9) {
                0 => Action::TtBind { tt },
                1 => Action::TtUnpopulate { tt },
                2 => Action::TtSetCaching {
                    tt,
                    caching: caching(r),
                },
                3 => Action::TtWrite {
                    tt,
                    seed: r.below(1024) as u32,
                },
                4 => Action::SwapFileCreate {
                    pages: t.num_pages + r.below(2) as u32,
                },
                5 => Action::TtDestroy { tt },
                _ if t.caching != Caching::Cached => Action::TtSetCaching {
                    tt,
                    caching: Caching::Cached,
                },
                _ => Action::TtSwapout {
                    tt,
                    persistent: (files > 0 && r.chance(1, 2)).then(|| r.below(files as u64) as u32),
                },
            },
        });
    }
    if live_bos.is_empty() {
        return None;
    }
    let bo = *r.pick(&live_bos);
    let b = &st.bos[bo as usize];
    // The domains of the BO's own device's driver.
    let names: Vec<&str> = s
        .driver_placements_of(b.device)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    if names.is_empty() {
        return None;
    }
    Some(match r.below(10) {
        0..=3 => Action::BoValidate {
            bo,
            placement: (*r.pick(&names)).to_string(),
            pin: r.chance(1, 10),
        },
        4 => Action::BoFault {
            bo,
            page: r.below(b.num_pages.max(1) as u64) as u32,
        },
        5 => Action::BoWrite {
            bo,
            seed: r.below(1024) as u32,
        },
        6 => Action::BoSwapout,
        7 => Action::GpuExec { bo },
        8 if b.kmap != 0 => Action::BoKunmap { bo },
        8 => Action::BoKmap {
            bo,
            start: 0,
            num: b.num_pages.max(1),
        },
        _ => Action::BoUnref { bo },
    })
}

/// Any action, with arguments drawn for this machine (valid most of the time, not always).
fn random_action(r: &mut Rng, s: &Sim) -> Action {
    let st = s.state();
    let (tts, bos, files) = (st.tts.len(), st.bos.len(), st.swap_files.len());
    let names: Vec<&str> = s.driver_placements().into_iter().map(|(n, _)| n).collect();
    let placement = |r: &mut Rng| -> String {
        if names.is_empty() || r.chance(1, 30) {
            (*r.pick(&["vram", "gtt", "gmr", "nowhere", ""])).to_string()
        } else {
            (*r.pick(&names)).to_string()
        }
    };
    let bo_pages = |bo: u32| st.bos.get(bo as usize).map_or(1, |b| b.num_pages.max(1));
    // One of the machine's devices, now and then one it does not have (a located error).
    let device = |r: &mut Rng| -> u8 {
        let n = st.device_count() as u64;
        if n == 1 && !r.chance(1, 40) {
            0
        } else {
            let extra = u64::from(r.chance(1, 40));
            r.below(n + extra) as u8
        }
    };
    let weights = [
        6, 7, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 3, 2, 3, 3, 1, 1, 6, 6, 3, 1, 1, 1, 3, 2, 1, 1, 1,
        2, 2,
    ];
    match r.weighted(&weights) {
        0 => {
            let any = r.next_u64() as u32;
            Action::TtCreate {
                pages: pages(r),
                caching: caching(r),
                flags: *r.pick(&[
                    0,
                    0,
                    page_flags::ZERO_ALLOC,
                    page_flags::DMA32,
                    page_flags::WRITE,
                    page_flags::SWAPPED,
                    any,
                ]),
                dma: r.chance(1, 4),
            }
        }
        1 => Action::TtPopulate { tt: id(r, tts) },
        2 => Action::TtUnpopulate { tt: id(r, tts) },
        3 => Action::TtBind { tt: id(r, tts) },
        4 => Action::TtUnbind { tt: id(r, tts) },
        5 => Action::TtSetCaching {
            tt: id(r, tts),
            caching: caching(r),
        },
        6 => Action::TtSwapout {
            tt: id(r, tts),
            persistent: if files > 0 && r.chance(1, 2) {
                Some(id(r, files))
            } else {
                None
            },
        },
        7 => Action::TtDestroy { tt: id(r, tts) },
        8 => {
            let tt = id(r, tts);
            let n = st.tts.get(tt as usize).map_or(1, |t| t.num_pages.max(1));
            Action::TtGetPage {
                tt,
                index: if r.chance(1, 10) {
                    n
                } else {
                    r.below(n as u64) as u32
                },
            }
        }
        9 => Action::TtWrite {
            tt: id(r, tts),
            seed: r.below(1024) as u32,
        },
        10 => Action::SwapFileCreate { pages: pages(r) },
        11 => Action::PoolShrink {
            nr_to_scan: big(r, 1500),
        },
        12 => Action::DmaPoolShrink {
            nr_to_scan: big(r, 1500),
        },
        13 => Action::MemCharge {
            bytes: if r.chance(1, 2) {
                // Memory pressure: charge up to just below or past a zone's limit, so that the
                // next page charge has to shrink (spec 5.4), which is where nested frees and
                // swap-outs from inside other calls happen.
                let z = &st.zones[r.below(st.zones.len() as u64) as usize];
                let limit = if s.config().root {
                    z.emer_mem
                } else {
                    z.max_mem
                };
                let room = limit.saturating_sub(z.used_mem);
                room.saturating_sub(r.below(64 << 10)) + r.below(3) * 4096
            } else {
                big(r, 8 << 20)
            },
        },
        14 => Action::MemUncharge {
            bytes: if r.chance(1, 2) {
                st.obj_charged.min(big(r, 8 << 20))
            } else {
                big(r, 8 << 20)
            },
        },
        15 => Action::RunDeferredWork,
        16 if r.chance(1, 2) => Action::SysfsWrite {
            // Tighten or release an accounting limit: allocations then fail with -ENOMEM in the
            // middle of a validate or a populate, and succeed again afterwards.
            attr: *r.pick(&[
                SysfsAttr::AvailableMemory,
                SysfsAttr::EmergencyMemory,
                SysfsAttr::SwapLimit,
            ]),
            zone: 0,
            value: (*r.pick(&["0", "1", "64", "4096", "16384", "65536", "1048576"])).to_string(),
        },
        16 => Action::SysfsWrite {
            attr: sysfs_attr(r),
            zone: if r.chance(1, 10) {
                5
            } else {
                r.below(2) as usize
            },
            value: sysfs_text(r),
        },
        17 => Action::PoolFini,
        18 => Action::PoolInit,
        19 => {
            let device = device(r);
            let placement = if (device as usize) < st.device_count() && device > 0 {
                let names = s.driver_placements_of(device);
                r.pick(&names).0.to_string()
            } else {
                placement(r)
            };
            Action::BoCreate {
                pages: if r.chance(1, 2) {
                    r.range(1, 64) as u32
                } else {
                    pages(r)
                },
                placement,
                kernel: r.chance(1, 4),
                via_ttm_bo_create: r.chance(1, 4),
                device,
            }
        }
        20 => Action::BoValidate {
            bo: id(r, bos),
            placement: placement(r),
            pin: r.chance(1, 8),
        },
        21 => {
            let bo = id(r, bos);
            let n = bo_pages(bo);
            Action::BoFault {
                bo,
                page: if r.chance(1, 10) {
                    n + r.below(3) as u32
                } else {
                    r.below(n as u64) as u32
                },
            }
        }
        22 => {
            let bo = id(r, bos);
            let n = bo_pages(bo) as u64;
            Action::BoKmap {
                bo,
                start: r.below(n + 2) as u32,
                num: r.range(0, n + 1) as u32,
            }
        }
        23 => Action::BoKunmap { bo: id(r, bos) },
        24 => Action::EvictMm {
            mem_type: r.below(5) as u8,
            device: device(r),
        },
        25 => Action::BoSwapout,
        26 => Action::BoUnref { bo: id(r, bos) },
        27 => Action::BoReserve {
            bo: id(r, bos),
            ticket: r.chance(1, 3).then(|| r.below(4)),
        },
        28 => Action::BoUnreserve { bo: id(r, bos) },
        29 => Action::GpuExec { bo: id(r, bos) },
        30 => Action::FenceSignal {
            fence: id(r, st.fences.len()),
        },
        _ => Action::BoWrite {
            bo: id(r, bos),
            seed: r.below(1024) as u32,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator makes machines with several devices, and random actions then create BOs
    /// on devices other than 0 (so the per-device invariants are exercised).
    #[test]
    fn some_machines_have_several_devices_with_bos_on_them() {
        let mut r = Rng::new(7);
        let (mut machines, mut bos_elsewhere) = (0, 0);
        for _ in 0..400 {
            let cfg = machine(&mut r);
            if cfg.devices.is_empty() {
                continue;
            }
            let Ok(mut sim) = Sim::new(cfg) else {
                continue;
            };
            machines += 1;
            for _ in 0..60 {
                let a = action(&mut r, &sim);
                let _ = sim.run(&a);
            }
            bos_elsewhere += sim.state().bos.iter().filter(|b| b.device > 0).count();
        }
        assert!(machines >= 10, "{machines} machines with several devices");
        assert!(bos_elsewhere > 0, "no BO on a device other than 0");
    }
}
