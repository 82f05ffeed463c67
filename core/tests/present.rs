//! `ttm_core::present`: the labels, each decoded by hand from the spec's values (sections 1.1,
//! 1.2, 1.4, 3.1, 7.1) or from the default machine of section 10.
#![cfg(not(target_arch = "wasm32"))]

use ttm_core::hops::Place;
use ttm_core::present::*;
use ttm_core::*;

#[test]
fn memory_types_by_the_kernel_names() {
    // Spec 1.4: SYSTEM / TT / VRAM = 0 / 1 / 2, PRIV0 … PRIV5 = 3 … 8.
    assert_eq!(mem_type_name(0), "SYSTEM");
    assert_eq!(mem_type_name(1), "TT");
    assert_eq!(mem_type_name(2), "VRAM");
    assert_eq!(mem_type_name(3), "PRIV0");
    assert_eq!(mem_type_name(8), "PRIV5");
    assert_eq!(mem_type_name(9), "type 9");
    assert_eq!(mem_type_symbol(2), "TTM_PL_VRAM");
    assert_eq!(mem_type_symbol(9), "memory type 9");
}

#[test]
fn placements_decoded_with_their_value() {
    // Spec 1.4: VRAM = 1 << 2, UNCACHED = 1 << 17, WC = 1 << 18: radeon's VRAM domain (7.2) is
    // 0x4 | 0x20000 | 0x40000 = 0x60004.
    assert_eq!(placement_flags(0x60004), "VRAM|WC|UNCACHED (0x60004)");
    assert_eq!(placement_names((1 << 1) | (1 << 18)), "TT|WC");
    // SYSTEM = 1, CACHED = 1 << 16, NO_EVICT = 1 << 21.
    assert_eq!(
        placement_names(1 | (1 << 16) | (1 << 21)),
        "SYSTEM|CACHED|NO_EVICT"
    );
    // A bit the header does not name (1 << 12) is shown in hex.
    assert_eq!(placement_names((1 << 2) | (1 << 12)), "VRAM|0x1000");
    assert_eq!(placement_names(0), "0");
    assert_eq!(placement_caching(0x70002), "CACHED|WC|UNCACHED");
    assert_eq!(placement_caching(1 << 1), "-");
}

#[test]
fn page_flags_and_caching() {
    // Spec 1.1: ZERO_ALLOC = 1 << 6, DMA32 = 1 << 7, SWAPPED = 1 << 4.
    assert_eq!(
        page_flags(page_flags::ZERO_ALLOC | page_flags::DMA32),
        "ZERO_ALLOC|DMA32"
    );
    assert_eq!(page_flags(1 << 4), "SWAPPED");
    assert_eq!(page_flags(0), "0");
    assert_eq!(page_flags(1 << 9), "0x200");
    // Spec 1.2.
    assert_eq!(present::caching(Caching::Wc), "tt_wc");
    assert_eq!(present::caching(Caching::Cached), "tt_cached");
    assert_eq!(present::caching(Caching::Uncached), "tt_uncached");
}

#[test]
fn places_in_words() {
    let sim = Sim::new(MachineConfig::default()).unwrap();
    let st = sim.state();
    // Spec 3.1: pool index 2 is "wc dma".
    assert_eq!(place(st, Place::Pool(2)), "pool wc dma");
    assert_eq!(place(st, Place::System), "system memory");
    assert_eq!(place(st, Place::Tt(3)), "tt 3");
    assert_eq!(place(st, Place::SwapFile(0)), "swap file 0");
    assert_eq!(place(st, Place::PersistentSwap(1)), "persistent swap 1");
    assert_eq!(place(st, Place::Memory(2)), "VRAM");
}

#[test]
fn driver_callbacks_are_shown_under_the_drivers_symbol() {
    // Spec 7.2 (E3): radeon's populate callback is radeon_ttm_tt_populate.
    let c = call(DriverKind::Radeon, Func::DrvTtPopulate, &[0, 0]);
    assert_eq!(c.symbol, "radeon_ttm_tt_populate");
    assert!(c.driver);
    assert!(c.url.unwrap().ends_with("/radeon_ttm_tt_populate"));
    // A TTM function is not a callback. vmwgfx names no GPU copy (its moves are memcpy, spec
    // 7.4), so the pseudo-symbol "gpu copy" has no kernel definition to link; radeon's is its
    // blit (7.2).
    let c = call(DriverKind::Radeon, Func::PoolPopulate, &[0]);
    assert!(!c.driver && c.url.is_some());
    assert!(Func::DrvCopy.is_driver_callback());
    assert_eq!(call(DriverKind::Vmwgfx, Func::DrvCopy, &[]).url, None);
    assert_eq!(
        call(DriverKind::Radeon, Func::DrvCopy, &[]).symbol,
        "radeon_move_blit"
    );
    assert!(!Func::GetPages.is_driver_callback());
    assert_eq!(args(Func::GetPages, &[1, 2]), "tt=1, index=2");
}

#[test]
fn a_bo_is_busy_until_its_fence_signals() {
    let mut sim = Sim::new(MachineConfig::default()).unwrap();
    sim.run(&Action::BoCreate {
        pages: 1,
        placement: "gtt".into(),
        kernel: false,
        via_ttm_bo_create: false,
        device: 0,
    })
    .unwrap();
    assert!(!sim.state().bo_busy(0), "no fence yet");
    sim.run(&Action::GpuExec { bo: 0 }).unwrap();
    assert!(
        sim.state().bo_busy(0),
        "the GPU has not passed the new fence"
    );
    sim.run(&Action::FenceSignal { fence: 0 }).unwrap();
    assert!(!sim.state().bo_busy(0));
    assert!(!sim.state().bo_busy(7), "no such BO");
}

#[test]
fn machine_labels_name_every_difference() {
    let base = MachineConfig::default();
    assert_eq!(machine_label(&base), "radeon, x86-64, 64 MiB, E3, faithful");
    let variants: Vec<MachineConfig> = vec![
        MachineConfig {
            swiotlb: true,
            ..base.clone()
        },
        MachineConfig {
            agp: true,
            ..base.clone()
        },
        MachineConfig {
            need_dma32: true,
            ..base.clone()
        },
        MachineConfig {
            root: true,
            ..base.clone()
        },
        MachineConfig {
            era: Era::E1,
            ..base.clone()
        },
        MachineConfig {
            fidelity: Fidelity::Fixed,
            ..base.clone()
        },
        MachineConfig {
            ram_bytes: 8 << 30,
            ..base.clone()
        },
        MachineConfig {
            arch: Arch::X86_32Highmem,
            ..base.clone()
        },
        MachineConfig {
            device_name: "other".into(),
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                kind: DriverKind::Nouveau,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                nv50: false,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                accel: false,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                vram_mib: 32,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                visible_vram_mib: 8,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                gtt_mib: 8,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                gmr_ids: 8,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            driver: DriverConfig {
                max_gmr_pages: 8,
                ..base.driver.clone()
            },
            ..base.clone()
        },
        MachineConfig {
            sysfs: vec![SysfsWrite {
                attr: SysfsAttr::PoolMaxSize,
                zone: 0,
                value: "2400".into(),
            }],
            ..base.clone()
        },
        MachineConfig {
            sysfs: vec![SysfsWrite {
                attr: SysfsAttr::PoolMaxSize,
                zone: 0,
                value: "2401".into(),
            }],
            ..base.clone()
        },
        MachineConfig {
            faults: FaultPlan {
                page_alloc: vec![3],
                ..Default::default()
            },
            ..base.clone()
        },
        MachineConfig {
            faults: FaultPlan {
                page_alloc: vec![4],
                ..Default::default()
            },
            ..base.clone()
        },
    ];
    let mut labels = vec![machine_label(&base)];
    labels.extend(variants.iter().map(machine_label));
    let distinct: std::collections::BTreeSet<&String> = labels.iter().collect();
    assert_eq!(distinct.len(), labels.len(), "{labels:#?}");
    assert_eq!(
        machine_label(&variants[11]),
        "radeon, x86-64, 64 MiB, E3, faithful, no acceleration"
    );
}
