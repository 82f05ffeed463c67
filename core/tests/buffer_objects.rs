//! Buffer objects and drivers (spec 6, 7): worked examples W12, W15, W16, W17, W19 and the
//! defects of part 2, with the expected values reasoned from the spec in comments.

mod common;
use common::*;
use ttm_core::bo::{FaultResult, MAP_KMAP, MAP_VMAP};
use ttm_core::consts::placement::*;
use ttm_core::trace::Event;
use ttm_core::*;

fn bo_create(s: &mut Sim, pages: u32, placement: &str) -> u32 {
    match s
        .run(&Action::BoCreate {
            pages,
            placement: placement.into(),
            kernel: false,
            via_ttm_bo_create: false,
            device: 0,
        })
        .expect("BO created")
    {
        Output::Bo(b) => b,
        o => panic!("{o:?}"),
    }
}

fn validate(s: &mut Sim, bo: u32, placement: &str) {
    s.run(&Action::BoValidate {
        bo,
        placement: placement.into(),
        pin: false,
    })
    .expect("validated");
}

fn placement(s: &Sim, bo: u32) -> u32 {
    s.state().bos[bo as usize].mem.placement
}

fn tt_of(s: &Sim, bo: u32) -> &Tt {
    &s.state().tts[s.state().bos[bo as usize].tt.expect("BO has a tt") as usize]
}

fn radeon(f: impl FnOnce(&mut MachineConfig)) -> Sim {
    sim_with(f)
}

#[test]
fn device_init_sets_up_radeon_memory_types() {
    let s = sim();
    let m = &s.state().managers;
    // spec 7.2 table: TT = MAPPABLE|CMA, all caching, default CACHED; VRAM = FIXED|MAPPABLE, UC|WC, WC.
    assert_eq!(
        (m[1].flags, m[1].available_caching, m[1].default_caching),
        (0b1010, MASK_CACHING, FLAG_CACHED)
    );
    assert_eq!(
        (m[2].flags, m[2].available_caching, m[2].default_caching),
        (0b0011, FLAG_UNCACHED | FLAG_WC, FLAG_WC)
    );
    assert_eq!(
        (m[1].size, m[2].size),
        (32 << 8, 16 << 8),
        "GTT 32 MiB, VRAM 16 MiB in pages"
    );
    let syms: Vec<&str> = s
        .trace()
        .events()
        .filter_map(|e| match e {
            Event::Enter { func, .. } => Some(driver_symbol(DriverKind::Radeon, func)),
            _ => None,
        })
        .collect();
    assert!(syms.contains(&"radeon_init_mem_type"));
}

#[test]
fn w17_caching_selection_radeon_pcie() {
    let mut s = sim();
    // A fresh BO (SYSTEM|CACHED) validated to GTT keeps CACHED: TT|CACHED, no pool involved.
    let a = bo_create(&mut s, 10, "gtt");
    assert_eq!(placement(&s, a), FLAG_TT | FLAG_CACHED);
    assert_eq!(tt_of(&s, a).state, TtState::Bound);
    assert!(s.state().pools.iter().all(|p| p.nrefills == 0));
    // To VRAM: CACHED is not allowed there → the default WC.
    validate(&mut s, a, "vram");
    assert_eq!(placement(&s, a), FLAG_VRAM | FLAG_WC);
    // A VRAM|WC BO evicted with the ring ready goes to GTT, keeping WC: its new tt is populated
    // from the wc pool (one refill of 512, 10 taken → 502).
    s.run(&Action::EvictMm {
        mem_type: 2,
        device: 0,
    })
    .unwrap();
    assert_eq!(placement(&s, a), FLAG_TT | FLAG_WC);
    assert_eq!(tt_of(&s, a).caching, Caching::Wc);
    assert_eq!(
        (s.state().pools[0].nrefills, s.state().pools[0].npages),
        (1, 502)
    );
    assert!(s.state().bos[a as usize].evicted);
}

#[test]
fn w17_agp_gtt_defaults_to_wc() {
    let mut s = radeon(|c| c.agp = true);
    let a = bo_create(&mut s, 4, "gtt");
    // On AGP, GTT allows only UNCACHED|WC with default WC: a fresh BO becomes TT|WC and its tt
    // (a ttm_agp_backend) is populated from the wc pool.
    assert_eq!(placement(&s, a), FLAG_TT | FLAG_WC);
    assert_eq!(s.state().pools[0].nrefills, 1);
}

#[test]
fn w17_vmwgfx_everything_cached() {
    let mut s = sim_with(|c| c.driver.kind = DriverKind::Vmwgfx);
    let a = bo_create(&mut s, 8, "gmr");
    assert_eq!(placement(&s, a), FLAG_PRIV0 | FLAG_CACHED);
    assert_eq!(s.state().managers[3].nodes.len(), 1, "one GMR id used");
    validate(&mut s, a, "vram");
    assert_eq!(placement(&s, a), FLAG_VRAM | FLAG_CACHED);
    // No move callback: VRAM moves use ttm_bo_move_memcpy; the WC/UC pools are never touched.
    assert!(s.trace().events().any(|e| matches!(
        e,
        Event::Enter {
            func: Func::BoMoveMemcpy,
            ..
        }
    )));
    assert!(s
        .state()
        .pools
        .iter()
        .all(|p| p.nrefills == 0 && p.npages == 0));
}

fn w19_setup() -> (Sim, [u32; 3]) {
    // VRAM manager of 256 pages (1 MiB). A and B (100 pages each) at [0,100) and [100,200).
    let mut s = radeon(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let a = bo_create(&mut s, 100, "vram");
    let b = bo_create(&mut s, 100, "vram");
    assert_eq!(
        (
            s.state().bos[a as usize].mem.start,
            s.state().bos[b as usize].mem.start
        ),
        (0, 100)
    );
    assert_eq!(s.state().managers[2].lru, vec![a, b]);
    // C (100 pages, placement = busy = VRAM): pass 1 finds only the 56-page hole; pass 2 evicts
    // the LRU head A to GTT, then best fit takes [0,100).
    let c = bo_create(&mut s, 100, "vram");
    (s, [a, b, c])
}

#[test]
fn w19_eviction_order() {
    let (s, [a, b, c]) = w19_setup();
    let st = s.state();
    assert_eq!(st.bos[c as usize].mem.start, 0);
    assert_eq!(st.managers[2].lru, vec![b, c]);
    assert_eq!(st.bos[a as usize].mem.mem_type as u32, PL_TT);
    assert!(st.bos[a as usize].evicted);
    assert_eq!(st.managers[1].lru.back(), Some(&a), "A at the TT LRU tail");
    assert_eq!(
        st.swap_lru.back(),
        Some(&a),
        "and, having a tt, at the swap LRU tail"
    );
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn w19_moving_back_invalidates_caches_and_clears_evicted() {
    let (mut s, [a, b, _c]) = w19_setup();
    let start = s.trace().len();
    validate(&mut s, a, "vram");
    // VRAM has only 56 free pages: the LRU head B is evicted to make room.
    assert_eq!(s.state().bos[b as usize].mem.mem_type as u32, PL_TT);
    assert_eq!(s.state().bos[a as usize].mem.mem_type as u32, PL_VRAM);
    assert!(!s.state().bos[a as usize].evicted);
    assert_eq!(calls_since(&s, start, Func::DrvInvalidateCaches).len(), 1);
}

#[test]
fn w12_swap_cycle_of_a_tt_wc_bo() {
    let mut s = sim();
    let bo = bo_create(&mut s, 20, "vram");
    s.run(&Action::EvictMm {
        mem_type: 2,
        device: 0,
    })
    .unwrap();
    assert_eq!(placement(&s, bo), FLAG_TT | FLAG_WC);
    assert_eq!(tt_of(&s, bo).state, TtState::Bound);
    assert_eq!(s.state().pools[0].npages, 492, "W3-like population");
    let used_before = used(&s, 0);
    let start = s.trace().len();
    s.run(&Action::BoSwapout).unwrap();
    // Move to SYSTEM|CACHED: unbind, 20 pages WC → WB without a flush (old state not cached).
    assert!(calls_since(&s, start, Func::ClflushPages).is_empty());
    assert_eq!(
        calls_since(&s, start, Func::ShmemFileSetup),
        vec![vec![81_920]]
    );
    let t = tt_of(&s, bo);
    assert!(t.swapped() && t.state == TtState::Unpopulated && t.caching == Caching::Cached);
    assert_eq!(
        s.state().pools[0].npages,
        492,
        "pages freed directly: the tt is cached now"
    );
    assert_eq!(used(&s, 0), used_before - 81_920);
    assert!(
        !s.state().swap_lru.contains(&bo) && !s.state().managers[1].lru.contains(&bo),
        "on no LRU"
    );
    // Back to GTT: select_caching keeps CACHED → TT|CACHED; bind populates 20 cached pages,
    // swap-in copies the data and releases the file.
    validate(&mut s, bo, "gtt");
    assert_eq!(placement(&s, bo), FLAG_TT | FLAG_CACHED);
    let t = tt_of(&s, bo);
    assert!(!t.swapped() && t.state == TtState::Bound && t.caching == Caching::Cached);
    assert_eq!(used(&s, 0), used_before);
    assert!(s.state().swap_files[0].released);
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn swap_data_survives_a_bo_swap_cycle() {
    let mut s = sim();
    let bo = bo_create(&mut s, 6, "gtt");
    let tt = s.state().bos[bo as usize].tt.unwrap();
    s.run(&Action::TtWrite { tt, seed: 77 }).unwrap();
    s.run(&Action::BoSwapout).unwrap();
    validate(&mut s, bo, "gtt");
    let p = s.state().tts[tt as usize].pages[5].unwrap();
    assert_eq!(s.state().phys.page(p).unwrap().content, data_tag(77, 5));
}

#[test]
fn memory_pressure_swaps_buffer_objects_out() {
    // Charging past max_mem makes ttm_mem_global_alloc_zone shrink synchronously: ttm_bo_swapout
    // now has a BO to swap (its 1000 populated GTT pages), so the charge succeeds after it.
    let mut s = sim();
    let bo = bo_create(&mut s, 1000, "gtt");
    let used0 = used(&s, 0);
    let max = s.state().zones[0].max_mem;
    s.run(&Action::MemCharge {
        bytes: max - used0 + 1,
    })
    .unwrap(); // now above max_mem
    let start = s.trace().len();
    s.run(&Action::MemCharge { bytes: 4096 }).unwrap();
    assert_eq!(
        returns_since(&s, start, Func::BoSwapout)[0],
        0,
        "one BO swapped out"
    );
    assert!(tt_of(&s, bo).swapped());
}

fn w15(era: Era, page: u32) -> (Sim, u32, u64) {
    let mut s = sim_with(|c| c.era = era);
    let bo = bo_create(&mut s, 100, "cpu");
    assert_eq!(
        tt_of(&s, bo).state,
        TtState::Unpopulated,
        "a SYSTEM BO's tt starts unpopulated"
    );
    let used0 = used(&s, 0);
    let r = s.run(&Action::BoFault { bo, page }).unwrap();
    let mapped = match r {
        Output::Fault(FaultResult::NoPage { mapped }) => mapped,
        o => panic!("{o:?}"),
    };
    let present = tt_of(&s, bo).pages_present();
    assert_eq!(used(&s, 0) - used0, present as u64 * 4096);
    (s, mapped, present as u64)
}

#[test]
fn w15_cpu_fault_before_and_after_the_seed() {
    // E3: populate all 100 pages, 16 PTEs (10..25).
    let (s, mapped, present) = w15(Era::E3, 10);
    assert_eq!((mapped, present), (16, 100));
    assert_eq!(tt_of(&s, 0).state, TtState::Unbound);
    // E1: 16 pages (slots 10..25), state stays U.
    let (s, mapped, present) = w15(Era::E1, 10);
    assert_eq!((mapped, present), (16, 16));
    let t = tt_of(&s, 0);
    assert!(t.pages.iter().skip(10).take(16).all(Option::is_some));
    assert_eq!(t.state, TtState::Unpopulated);
    // E0 (64-bit, all lowmem): slot 10 needs 11 pages (0..10), then 11..25 one each → 26.
    let (_, mapped, present) = w15(Era::E0, 10);
    assert_eq!((mapped, present), (16, 26));
    // Page 95: the loop stops at the VMA end: 5 PTEs; E1 allocates those 5.
    let (_, mapped, present) = w15(Era::E1, 95);
    assert_eq!((mapped, present), (5, 5));
    let (_, mapped, present) = w15(Era::E3, 95);
    assert_eq!((mapped, present), (5, 100));
}

fn w16(era: Era, start: u32, num: u32) -> (SimResult<Output>, u32) {
    let mut s = sim_with(|c| c.era = era);
    let bo = bo_create(&mut s, 50, "cpu");
    let r = s.run(&Action::BoKmap { bo, start, num });
    let present = tt_of(&s, bo).pages_present();
    (r, present)
}

#[test]
fn w16_kmap_before_and_after_the_seed() {
    assert_eq!(w16(Era::E3, 3, 1), (Ok(Output::Kmap(MAP_KMAP)), 50));
    assert_eq!(w16(Era::E1, 3, 1), (Ok(Output::Kmap(MAP_KMAP)), 1));
    assert_eq!(w16(Era::E0, 3, 1), (Ok(Output::Kmap(MAP_KMAP)), 4));
    assert_eq!(w16(Era::E3, 0, 4), (Ok(Output::Kmap(MAP_VMAP)), 50));
    assert_eq!(w16(Era::E1, 0, 4), (Ok(Output::Kmap(MAP_VMAP)), 4));
    assert_eq!(w16(Era::E3, 0, 51).0, Err(SimError::Kernel(Errno::Einval)));
}

#[test]
fn o8_kmap_range_check_misses_the_sum() {
    // start 40, num 20 on a 50-page BO passes 3.3's separate checks (O8).
    let (r, _) = w16(Era::E3, 40, 20);
    assert_eq!(r, Err(SimError::Kernel(Errno::Efault)));
    let mut s = sim_with(|c| c.fidelity = Fidelity::Fixed);
    let bo = bo_create(&mut s, 50, "cpu");
    assert_eq!(
        s.run(&Action::BoKmap {
            bo,
            start: 40,
            num: 20
        }),
        Err(SimError::Kernel(Errno::Einval))
    );
}

#[test]
fn d5_ttm_bo_create_charges_twice() {
    for (fidelity, finding) in [(Fidelity::Faithful, true), (Fidelity::Fixed, false)] {
        let mut s = sim_with(|c| c.fidelity = fidelity);
        let bo = match s
            .run(&Action::BoCreate {
                pages: 4,
                placement: "cpu".into(),
                kernel: false,
                via_ttm_bo_create: true,
                device: 0,
            })
            .unwrap()
        {
            Output::Bo(b) => b,
            o => panic!("{o:?}"),
        };
        let acc = s.state().bos[bo as usize].acc_size;
        assert_eq!(used(&s, 0), if finding { 2 * acc } else { acc });
        s.run(&Action::BoUnref { bo }).unwrap();
        assert_eq!(
            used(&s, 0),
            if finding { acc } else { 0 },
            "one charge leaks"
        );
        assert_eq!(
            s.findings()
                .iter()
                .any(|f| matches!(f.1, Finding::D5DoubleCharge { .. })),
            finding
        );
    }
}

#[test]
fn d4_memcpy_between_vram_regions_without_a_tt() {
    // radeon without a ready ring, 2 MiB VRAM of which 1 MiB is CPU-visible. A fills the visible
    // part; B lands above it. A CPU fault on B re-validates it into visible VRAM: A is evicted to
    // the CPU domain, then B moves VRAM→VRAM with ttm_bo_move_memcpy and has no tt (D4 a).
    let mut s = radeon(|c| {
        c.driver.vram_mib = 2;
        c.driver.visible_vram_mib = 1;
        c.driver.accel = false;
    });
    let _a = bo_create(&mut s, 256, "vram");
    let b = bo_create(&mut s, 100, "vram");
    assert_eq!(s.state().bos[b as usize].mem.start, 256);
    let r = s.run(&Action::BoFault { bo: b, page: 0 }).unwrap();
    assert_eq!(r, Output::Fault(FaultResult::Sigbus));
    assert!(s
        .findings()
        .iter()
        .any(|f| f.1 == Finding::D4NullTt { bo: b }));
}

#[test]
fn d9_dma_mapping_failure_unwind() {
    // radeon, no swiotlb: pool populate then pci_map_page per page; the 3rd mapping fails.
    let mut s = sim_with(|c| c.faults.dma_map = vec![3]);
    let r = s.run(&Action::BoCreate {
        pages: 5,
        placement: "gtt".into(),
        kernel: false,
        via_ttm_bo_create: false,
        device: 0,
    });
    assert_eq!(r, Err(SimError::Kernel(Errno::Efault)));
    assert!(s
        .findings()
        .iter()
        .any(|f| f.1 == Finding::D9DmaUnwind { tt: 0, index: 2 }));
    // The failed BO was destroyed; its pages went back.
    assert_eq!(pages_out(&s), 0);
}

#[test]
fn pinned_bos_are_never_evicted() {
    let mut s = radeon(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let a = bo_create(&mut s, 200, "vram");
    s.run(&Action::BoValidate {
        bo: a,
        placement: "vram".into(),
        pin: true,
    })
    .unwrap();
    assert!(
        s.state().managers[2].lru.is_empty(),
        "NO_EVICT keeps it off the LRU"
    );
    let r = s.run(&Action::BoCreate {
        pages: 100,
        placement: "vram".into(),
        kernel: false,
        via_ttm_bo_create: false,
        device: 0,
    });
    assert_eq!(
        r,
        Err(SimError::Kernel(Errno::Enomem)),
        "nothing evictable: -ENOMEM"
    );
    assert_eq!(s.state().bos[a as usize].mem.mem_type as u32, PL_VRAM);
}

#[test]
fn busy_bo_destruction_is_delayed_until_its_fence_signals() {
    let mut s = sim();
    let bo = bo_create(&mut s, 4, "gtt");
    let f = match s.run(&Action::GpuExec { bo }).unwrap() {
        Output::Fence(f) => f,
        o => panic!("{o:?}"),
    };
    s.run(&Action::BoUnref { bo }).unwrap();
    assert_eq!(
        s.state().ddestroy[0],
        vec![bo],
        "busy: queued for delayed destroy"
    );
    assert!(s.state().bos[bo as usize].alive);
    s.run(&Action::RunDeferredWork).unwrap();
    assert!(
        s.state().bos[bo as usize].alive,
        "the delayed work stops at a busy BO"
    );
    s.run(&Action::FenceSignal { fence: f }).unwrap();
    s.run(&Action::RunDeferredWork).unwrap();
    assert!(!s.state().bos[bo as usize].alive);
    assert_eq!(
        (pages_out(&s), used(&s, 0)),
        (0, 0),
        "pages and acc_size released"
    );
}

#[test]
fn pipelined_move_leaves_a_ghost_until_the_fence_signals() {
    // radeon GTT → VRAM with the ring: a blit, then a ghost holding the old GTT range and the tt.
    let mut s = sim();
    let bo = bo_create(&mut s, 8, "gtt");
    validate(&mut s, bo, "vram");
    let ghost = s.state().bos.iter().find(|b| b.ghost).expect("a ghost").id;
    assert!(s.state().bos[bo as usize].moving);
    assert!(s.state().ddestroy[0].contains(&ghost));
    assert_eq!(
        s.state().managers[1].nodes.values().next().unwrap().bo,
        ghost,
        "ghost owns the old range"
    );
    let fence = s.state().bos[ghost as usize].fence.unwrap();
    s.run(&Action::FenceSignal { fence }).unwrap();
    s.run(&Action::RunDeferredWork).unwrap();
    assert!(!s.state().bos[ghost as usize].alive);
    assert!(s.state().managers[1].nodes.is_empty());
    assert_eq!(
        pages_out(&s),
        0,
        "the ghost's tt pages went back to the system"
    );
}

#[test]
fn nouveau_flip_to_system_populates_through_a_temporary_tt() {
    let mut s = sim_with(|c| {
        c.driver.kind = DriverKind::Nouveau;
        c.device_name = "nouveau 0000:01:00.0".into();
    });
    let bo = bo_create(&mut s, 10, "vram");
    let start = s.trace().len();
    validate(&mut s, bo, "system");
    // flipd: temporary TT range, bind (populate), M2MF copy, ttm_bo_move_ttm to SYSTEM.
    assert_eq!(calls_since(&s, start, Func::DrvCopy).len(), 1);
    assert!(!calls_since(&s, start, Func::BoMoveTtm).is_empty());
    assert_eq!(s.state().bos[bo as usize].mem.mem_type as u32, PL_SYSTEM);
    assert_eq!(tt_of(&s, bo).pages_present(), 10);
    assert!(
        s.state().managers[1].nodes.is_empty(),
        "the temporary range is gone"
    );
}

#[test]
fn reservation_tickets() {
    let mut s = sim();
    let bo = bo_create(&mut s, 1, "cpu");
    s.run(&Action::BoReserve {
        bo,
        ticket: Some(5),
    })
    .unwrap();
    assert_eq!(
        s.run(&Action::BoReserve {
            bo,
            ticket: Some(5)
        }),
        Err(SimError::Kernel(Errno::Edeadlk))
    );
    assert_eq!(
        s.run(&Action::BoReserve {
            bo,
            ticket: Some(6)
        }),
        Err(SimError::Kernel(Errno::Eagain))
    );
    assert_eq!(
        s.run(&Action::BoReserve { bo, ticket: None }),
        Err(SimError::Kernel(Errno::Ebusy))
    );
    s.run(&Action::BoUnreserve { bo }).unwrap();
    assert!(s.state().managers[0].lru.contains(&bo));
}

#[test]
fn d12_tt_init_failure_frees_the_driver_object_twice() {
    // radeon's tt is a ttm_dma_tt: init allocates pages[] (1st) then dma_address[] (2nd).
    for (fail, null_walk) in [(1, false), (2, true)] {
        let mut s = sim_with(|c| c.faults.tt_alloc = vec![fail]);
        let r = s.run(&Action::BoCreate {
            pages: 4,
            placement: "cpu".into(),
            kernel: false,
            via_ttm_bo_create: false,
            device: 0,
        });
        assert_eq!(
            r,
            Err(SimError::Kernel(Errno::Enomem)),
            "ttm_tt_create returned NULL"
        );
        assert!(
            s.findings().iter().any(|f| f.1
                == Finding::D12DoubleFree {
                    tt: 0,
                    null_dma_walk: null_walk
                }),
            "{:?}",
            s.findings()
        );
        assert_eq!(used(&s, 0), 0, "the failed BO was released");
    }
    let mut s = sim_with(|c| {
        c.faults.tt_alloc = vec![1];
        c.fidelity = Fidelity::Fixed;
    });
    let r = s.run(&Action::BoCreate {
        pages: 4,
        placement: "cpu".into(),
        kernel: false,
        via_ttm_bo_create: false,
        device: 0,
    });
    assert_eq!(r, Err(SimError::Kernel(Errno::Enomem)));
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn driver_backend_symbols_name_the_real_functions() {
    let mut s = sim();
    let bo = bo_create(&mut s, 2, "gtt");
    let syms: Vec<&str> = s
        .trace()
        .events()
        .filter_map(|e| match e {
            Event::Enter { func, args } => Some(event_symbol(DriverKind::Radeon, func, &args)),
            _ => None,
        })
        .collect();
    for want in [
        "radeon_ttm_tt_create",
        "radeon_ttm_tt_populate",
        "radeon_ttm_backend_bind",
        "pci_map_page",
    ] {
        assert!(syms.contains(&want), "{want} missing");
    }
    let _ = bo;
}

#[test]
fn o4_agp_rebind_leaks_the_kept_memory_object() {
    // AGP radeon: a GTT BO is bound (one AGP memory object); moving it to the CPU domain unbinds
    // but keeps the object; binding again allocates a new one over it (O4).
    for (fidelity, leak) in [(Fidelity::Faithful, true), (Fidelity::Fixed, false)] {
        let mut s = radeon(|c| {
            c.agp = true;
            c.fidelity = fidelity;
        });
        let bo = bo_create(&mut s, 4, "gtt");
        validate(&mut s, bo, "cpu");
        validate(&mut s, bo, "gtt");
        let found = s
            .findings()
            .iter()
            .any(|f| matches!(f.1, Finding::O4AgpMemLeak { .. }));
        assert_eq!(found, leak);
        assert_eq!(tt_of(&s, bo).agp_mem, if leak { 2 } else { 1 });
    }
}

fn data(s: &Sim, bo: u32) -> String {
    s.summary().bos[bo as usize].data.clone()
}

#[test]
fn data_written_in_vram_survives_eviction_swap_and_return() {
    // radeon: VRAM → GTT by a blit (the eviction), GTT → SYSTEM → shmem (swap-out), back to GTT.
    let mut s = sim();
    let bo = bo_create(&mut s, 8, "vram");
    assert_eq!(data(&s, bo), "stale", "fresh VRAM holds whatever was there");
    s.run(&Action::BoWrite { bo, seed: 5 }).unwrap();
    assert_eq!(data(&s, bo), "seed 5");
    s.run(&Action::EvictMm {
        mem_type: 2,
        device: 0,
    })
    .unwrap();
    assert_eq!(
        data(&s, bo),
        "seed 5",
        "the blit copied it into the GTT pages"
    );
    s.run(&Action::BoSwapout).unwrap();
    assert_eq!(data(&s, bo), "seed 5", "in the swap file");
    validate(&mut s, bo, "vram");
    assert_eq!(data(&s, bo), "seed 5", "and back in VRAM");
}

#[test]
fn memcpy_moves_carry_data_and_vram_is_not_cleared() {
    // vmwgfx has no move callback: VRAM ↔ SYSTEM moves are ttm_bo_move_memcpy.
    let mut s = sim_with(|c| c.driver.kind = DriverKind::Vmwgfx);
    let a = bo_create(&mut s, 4, "vram");
    s.run(&Action::BoWrite { bo: a, seed: 9 }).unwrap();
    validate(&mut s, a, "sys");
    assert_eq!(data(&s, a), "seed 9", "copied into the tt's pages");
    // A new BO in the VRAM A left behind sees A's old bytes: TTM does not clear VRAM.
    let b = bo_create(&mut s, 4, "vram");
    assert_eq!(s.state().bos[b as usize].mem.start, 0);
    assert_eq!(data(&s, b), "seed 9");
}

#[test]
fn d8_loses_bo_data() {
    let mut s = sim();
    let bo = bo_create(&mut s, 4, "gtt");
    s.run(&Action::BoWrite { bo, seed: 3 }).unwrap();
    s.run(&Action::BoSwapout).unwrap();
    // Re-validating into SYSTEM puts the still-SWAPPED BO back on the swap LRU (D8 setup).
    validate(&mut s, bo, "cpu");
    s.run(&Action::BoSwapout).unwrap();
    validate(&mut s, bo, "gtt");
    assert_eq!(
        data(&s, bo),
        "zeros",
        "the second, empty swap file was read back"
    );
}
