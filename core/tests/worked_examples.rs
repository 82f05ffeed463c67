//! The spec's worked examples (section 10) in scope of part 1, with the spec's numbers.

mod common;
use common::*;
use ttm_core::state::CONTENT_ZERO;
use ttm_core::trace::Event;
use ttm_core::*;

const MIB: u64 = 1 << 20;

#[test]
fn w1_zones_and_pool_size_for_64_mib() {
    let s = sim();
    let z = &s.state().zones;
    assert_eq!(z.len(), 1, "no dma32 zone below 4 GiB");
    assert_eq!(z[0].name, "kernel");
    assert_eq!(z[0].zone_mem, 67_108_864);
    assert_eq!(z[0].max_mem, 33_554_432);
    assert_eq!(z[0].emer_mem, 50_331_648);
    assert_eq!(z[0].swap_limit, 25_165_824);
    assert_eq!(s.state().pool_opts.max_size, 4096);
    let read = |a| s.sysfs_read(a, 0).unwrap();
    assert_eq!(read(SysfsAttr::AvailableMemory), "32768\n");
    assert_eq!(read(SysfsAttr::EmergencyMemory), "49152\n");
    assert_eq!(read(SysfsAttr::SwapLimit), "24576\n");
    assert_eq!(s.sysfs_read_zone_usage(0), Some((65536, 0)));
    assert_eq!(read(SysfsAttr::PoolMaxSize), "16384\n");
    assert_eq!(read(SysfsAttr::PoolSmallAllocation), "64\n");
    assert_eq!(read(SysfsAttr::PoolAllocationSize), "2048\n");
}

#[test]
fn w2_zones_for_8_gib_and_exactly_4_gib() {
    let s = sim_with(|c| c.ram_bytes = 8 << 30);
    let z = &s.state().zones;
    assert_eq!(
        (z[0].max_mem, z[0].emer_mem, z[0].swap_limit),
        (4_294_967_296, 6_442_450_944, 3_221_225_472)
    );
    assert_eq!(z[1].name, "dma32");
    assert_eq!(
        (z[1].zone_mem, z[1].max_mem, z[1].emer_mem, z[1].swap_limit),
        (4_294_967_296, 2_147_483_648, 3_221_225_472, 1_610_612_736)
    );
    assert_eq!(s.state().pool_opts.max_size, 524_288);
    let s4 = sim_with(|c| c.ram_bytes = 4 << 30);
    assert_eq!(s4.state().zones.len(), 1, "exactly 4 GiB: no dma32 zone");
}

#[test]
fn w3_w4_w21_populate_and_unpopulate_a_20_page_wc_tt() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    populate(&mut s, tt);
    let wc = &s.state().pools[0];
    assert_eq!((wc.npages, wc.nrefills, wc.nfrees), (492, 1, 0));
    assert_eq!(wc.list.len(), 492);
    assert_eq!(
        pages_out(&s),
        512,
        "one refill of 512 pages from the system"
    );
    let t = &s.state().tts[tt as usize];
    assert_eq!(t.state, TtState::Unbound);
    assert_eq!(t.caching, Caching::Wc);
    assert!(t
        .pages
        .iter()
        .flatten()
        .chain(wc.list.iter())
        .all(|&p| { s.state().phys.page(p).unwrap().attr == Attr::Wc }));
    assert_eq!(used(&s, 0), 81_920);
    // W21: the debugfs text, byte for byte.
    assert_eq!(
        s.page_alloc_debugfs(),
        "  pool      refills   pages freed     size\n    wc            1             0      492\n    uc            0             0        0\nwc dma            0             0        0\nuc dma            0             0        0\n"
    );
    // W4.
    unpopulate(&mut s, tt);
    let wc = &s.state().pools[0];
    assert_eq!((wc.npages, wc.nfrees), (512, 0));
    assert_eq!(used(&s, 0), 0);
    let t = &s.state().tts[tt as usize];
    assert_eq!(t.state, TtState::Unpopulated);
    assert!(t.pages.iter().all(Option::is_none));
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn w3_pool_order_refill_at_head_get_from_head_put_at_tail() {
    // spec 3.3: the batch goes to the head with the most recently allocated page first; gets take
    // from the head; puts append at the tail.
    let mut s = sim();
    let tt = create(&mut s, 2, Caching::Wc);
    populate(&mut s, tt);
    // The refill allocated pfns 0..511 in order (fresh memory, bottom up); page 511 was allocated
    // last so it heads the pool and is taken first, then 510.
    assert_eq!(s.state().tts[tt as usize].pages, vec![Some(511), Some(510)]);
    assert_eq!(s.state().pools[0].list.front(), Some(&509));
    unpopulate(&mut s, tt);
    let l = &s.state().pools[0].list;
    assert_eq!(
        l.iter().rev().take(2).copied().collect::<Vec<_>>(),
        vec![510, 511]
    );
}

#[test]
fn w5_w6_600_pages_two_refills_then_trim_on_put() {
    let mut s = sim();
    let tt = create(&mut s, 600, Caching::Wc);
    populate(&mut s, tt);
    let wc = &s.state().pools[0];
    assert_eq!((wc.npages, wc.nrefills), (424, 2));
    assert_eq!(pages_out(&s), 1024);
    assert_eq!(used(&s, 0), 2_457_600);
    // W6: "2400" KiB → 600 pages.
    let out = s
        .run(&Action::SysfsWrite {
            attr: SysfsAttr::PoolMaxSize,
            zone: 0,
            value: "2400".into(),
        })
        .unwrap();
    assert_eq!(out, Output::Sysfs(SysfsOutcome::Stored(600)));
    let start = s.trace().len();
    unpopulate(&mut s, tt);
    // After the 177th page npages = 601 > 600 → free max(1, 512) = 512 from the tail.
    let frees = calls_since(&s, start, Func::PagePoolFree);
    assert_eq!(frees, vec![vec![0, 512]]);
    let puts_before_trim = s
        .trace()
        .events_from(start)
        .take_while(|e| {
            !matches!(
                e,
                Event::Enter {
                    func: Func::PagePoolFree,
                    ..
                }
            )
        })
        .filter(|e| {
            matches!(
                e,
                Event::Enter {
                    func: Func::PutPages,
                    ..
                }
            )
        })
        .count();
    assert_eq!(puts_before_trim, 177);
    let wc = &s.state().pools[0];
    assert_eq!((wc.npages, wc.nfrees, wc.nrefills), (512, 512, 2));
    assert_eq!(pages_out(&s), 1024 - 512);
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn w7_cached_tt_bypasses_pools() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Cached);
    let start = s.trace().len();
    populate(&mut s, tt);
    assert!(s
        .state()
        .pools
        .iter()
        .all(|p| p.npages == 0 && p.nrefills == 0));
    assert_eq!(pages_out(&s), 20);
    assert_eq!(used(&s, 0), 81_920);
    assert!(calls_since(&s, start, Func::PagePoolGetPages).is_empty());
    unpopulate(&mut s, tt);
    assert_eq!(pages_out(&s), 0);
    assert!(s
        .state()
        .pools
        .iter()
        .all(|p| p.npages == 0 && p.nfrees == 0));
}

#[test]
fn w7_zero_alloc_and_dma32_gfp() {
    // ZERO_ALLOC pages come zeroed; DMA32 pages come from below 4 GiB even on a big machine.
    let mut s = sim_with(|c| c.ram_bytes = 8 << 30);
    let tt = create_with(
        &mut s,
        4,
        Caching::Cached,
        page_flags::ZERO_ALLOC | page_flags::DMA32,
        false,
    );
    populate(&mut s, tt);
    for &p in s.state().tts[tt as usize].pages.iter().flatten() {
        assert!(p < 0x10_0000, "DMA32 page {p:#x} below 4 GiB");
        assert_eq!(s.state().phys.page(p).unwrap().content, CONTENT_ZERO);
    }
}

#[test]
fn w8_shrinker_rotation() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    populate(&mut s, tt);
    unpopulate(&mut s, tt); // wc 512, counter 0
    let start = s.trace().len();
    assert_eq!(
        s.run(&Action::PoolShrink { nr_to_scan: 128 }).unwrap(),
        Output::PagesLeft(384)
    );
    // counter 1 → offset 1 → uc, wc dma, uc dma, wc.
    let order: Vec<u64> = calls_since(&s, start, Func::PagePoolFree)
        .iter()
        .map(|a| a[0])
        .collect();
    assert_eq!(order, vec![1, 2, 3, 0]);
    assert_eq!(
        (s.state().pools[0].npages, s.state().pools[0].nfrees),
        (384, 128)
    );
    let start = s.trace().len();
    assert_eq!(
        s.run(&Action::PoolShrink { nr_to_scan: 0 }).unwrap(),
        Output::PagesLeft(384)
    );
    assert!(
        calls_since(&s, start, Func::PagePoolFree).is_empty(),
        "a query frees nothing"
    );
    let start = s.trace().len();
    assert_eq!(
        s.run(&Action::PoolShrink { nr_to_scan: 1000 }).unwrap(),
        Output::PagesLeft(0)
    );
    // counter 3 → offset 3 → uc dma, wc (frees 384, 616 remain), uc, wc dma.
    let calls = calls_since(&s, start, Func::PagePoolFree);
    assert_eq!(
        calls,
        vec![vec![3, 1000], vec![0, 1000], vec![1, 616], vec![2, 616]]
    );
    assert_eq!(
        (s.state().pools[0].npages, s.state().pools[0].nfrees),
        (0, 512)
    );
    assert_eq!(s.state().shrink_start, 3);
    assert_eq!(pages_out(&s), 0);
}

#[test]
fn w9a_max_size_zero_frees_a_returned_page_at_once() {
    let mut s = sim();
    for (attr, v) in [
        (SysfsAttr::PoolMaxSize, "0"),
        (SysfsAttr::PoolSmallAllocation, "0"),
    ] {
        s.run(&Action::SysfsWrite {
            attr,
            zone: 0,
            value: v.into(),
        })
        .unwrap();
    }
    let tt = create(&mut s, 1, Caching::Wc);
    populate(&mut s, tt);
    assert_eq!(
        s.state().pools[0].npages,
        0,
        "small = 0: no refill, direct allocation"
    );
    unpopulate(&mut s, tt);
    // npages 1 > 0 → free max(1, 512) → the page is freed at once.
    let wc = &s.state().pools[0];
    assert_eq!((wc.npages, wc.nfrees), (0, 1));
    assert_eq!(pages_out(&s), 0);
}

#[test]
fn w9b_small_zero_means_no_refills() {
    let mut s = sim();
    s.run(&Action::SysfsWrite {
        attr: SysfsAttr::PoolSmallAllocation,
        zone: 0,
        value: "0".into(),
    })
    .unwrap();
    let tt = create(&mut s, 20, Caching::Wc);
    let start = s.trace().len();
    populate(&mut s, tt);
    let allocs = calls_since(&s, start, Func::AllocNewPages);
    assert_eq!(allocs.len(), 20, "20 single-page allocations");
    assert!(allocs.iter().all(|a| a[0] == 1));
    assert_eq!(
        calls_since(&s, start, Func::SetPagesArrayWc).len(),
        20,
        "each set WC"
    );
    assert_eq!(
        (s.state().pools[0].npages, s.state().pools[0].nrefills),
        (0, 0)
    );
    unpopulate(&mut s, tt);
    assert_eq!(s.state().pools[0].npages, 20);
}

fn w10_run(fidelity: Fidelity) -> Sim {
    let mut s = sim_with(|c| c.fidelity = fidelity);
    // used_mem = max_mem − 16,384.
    s.run(&Action::MemCharge { bytes: 33_538_048 }).unwrap();
    let tt = create(&mut s, 10, Caching::Cached);
    let start = s.trace().len();
    assert_eq!(
        s.run(&Action::TtPopulate { tt }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    // Pages 0..3 bring used to max (not above), page 4 is accepted (check before adding),
    // page 5 fails five reserves with four shrinks of extra 4096 + 1024 + 16 = 5136 in between.
    assert_eq!(calls_since(&s, start, Func::MemGlobalReserve).len(), 5 + 5);
    assert_eq!(calls_since(&s, start, Func::Shrink), vec![vec![0, 5136]; 4]);
    assert_eq!(
        returns_since(&s, start, Func::BoSwapout),
        vec![Errno::Ebusy.code(); 4]
    );
    assert_eq!(pages_out(&s), 0, "pages 0..5 went back to the system");
    assert_eq!(s.state().tts[tt as usize].state, TtState::Unpopulated);
    assert!(s.state().swap_work_queued, "used_mem is above swap_limit");
    s
}

#[test]
fn w10_limit_overshoot_and_d1_faithful() {
    let s = w10_run(Fidelity::Faithful);
    assert_eq!(
        used(&s, 0),
        33_533_952,
        "4096 less than before the populate (D1)"
    );
    let f: Vec<Finding> = s.findings().iter().map(|x| x.1).collect();
    assert!(matches!(f[0], Finding::D1OverUncharge { .. }), "{f:?}");
    assert!(
        f.contains(&Finding::AccountingMismatch {
            zone: 0,
            diff: -4096
        }),
        "{f:?}"
    );
}

#[test]
fn w10_fixed_uncharges_only_charged_pages() {
    let s = w10_run(Fidelity::Fixed);
    assert_eq!(used(&s, 0), 33_538_048);
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn w11_background_swap_threshold() {
    let mut s = sim();
    s.run(&Action::MemCharge { bytes: 25_165_824 }).unwrap();
    assert!(
        !s.state().swap_work_queued,
        "at swap_limit exactly nothing is queued"
    );
    assert_eq!(
        s.run(&Action::RunDeferredWork).unwrap(),
        Output::WorkRan(false)
    );
    s.run(&Action::MemCharge { bytes: 4096 }).unwrap();
    assert_eq!(used(&s, 0), 25_169_920);
    assert!(s.state().swap_work_queued);
    let start = s.trace().len();
    assert_eq!(
        s.run(&Action::RunDeferredWork).unwrap(),
        Output::WorkRan(true)
    );
    assert_eq!(
        calls_since(&s, start, Func::Shrink),
        vec![vec![1, 0]],
        "from_wq = true, extra 0"
    );
    assert_eq!(
        returns_since(&s, start, Func::BoSwapout),
        vec![Errno::Ebusy.code()]
    );
    assert!(!s.state().swap_work_queued);
}

/// Slots (1-based page numbers) whose dma_pool_get_pages refilled the pool.
fn dma_refill_pages(s: &Sim, from: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut current = None;
    for e in s.trace().events_from(from) {
        if let Event::Enter { func, args } = e {
            match func {
                Func::DmaPoolGetPages => current = Some(args[2] + 1),
                Func::DmaPoolAllocNewPages => out.extend(current),
                _ => {}
            }
        }
    }
    out
}

#[test]
fn w13_dma_pool_wc_tt_on_a_fresh_device() {
    let mut s = sim_with(|c| c.swiotlb = true);
    let tt = create_with(&mut s, 20, Caching::Wc, 0, true);
    let start = s.trace().len();
    populate(&mut s, tt);
    assert_eq!(dma_refill_pages(&s, start), vec![1, 2, 6, 10, 14, 18]);
    let p = &s.state().dma_pools[0];
    assert_eq!(p.name, "wc");
    assert_eq!((p.nrefills, p.npages_in_use, p.npages_free), (6, 20, 4));
    assert_eq!(pages_out(&s), 24);
    unpopulate(&mut s, tt);
    let p = &s.state().dma_pools[0];
    assert_eq!((p.npages_in_use, p.npages_free, p.nfrees), (0, 4, 20));
    assert!(s
        .findings()
        .iter()
        .any(|f| matches!(f.1, Finding::D7DmaFreedReturns { count: 20, .. })));
    let start = s.trace().len();
    populate(&mut s, tt);
    assert_eq!(dma_refill_pages(&s, start), vec![2, 6, 10, 14, 18]);
    let p = &s.state().dma_pools[0];
    assert_eq!((p.nrefills, p.npages_free, p.npages_in_use), (11, 4, 20));
    // 44 pages allocated in total, 20 freed.
    assert_eq!(pages_out(&s), 44 - 20);
}

#[test]
fn w13_fixed_keeps_returned_pages() {
    // Later kernels free only at max_size + 512 (spec 9 D7): the pool keeps the 20 returned pages.
    let mut s = sim_with(|c| {
        c.swiotlb = true;
        c.fidelity = Fidelity::Fixed;
    });
    let tt = create_with(&mut s, 20, Caching::Wc, 0, true);
    populate(&mut s, tt);
    unpopulate(&mut s, tt);
    let p = &s.state().dma_pools[0];
    assert_eq!((p.npages_free, p.nfrees), (24, 0));
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn w14_dma_pool_cached_tt() {
    let mut s = sim_with(|c| c.swiotlb = true);
    let tt = create_with(&mut s, 20, Caching::Cached, 0, true);
    populate(&mut s, tt);
    let p = &s.state().dma_pools[0];
    assert_eq!(p.name, "cached");
    assert_eq!((p.nrefills, p.npages_free, p.npages_in_use), (6, 4, 20));
    unpopulate(&mut s, tt);
    let p = &s.state().dma_pools[0];
    assert_eq!((p.npages_in_use, p.nfrees, p.npages_free), (0, 20, 4));
    assert_eq!(pages_out(&s), 4, "the 20 pages were released immediately");
    let text = s.dma_page_alloc_debugfs();
    assert_eq!(
        text.lines().next().unwrap(),
        "         pool      refills   pages freed    inuse available     name"
    );
    assert_eq!(
        text.lines().nth(1).unwrap(),
        "       cached            6            20        0        4 radeon 0000:01:00.0"
    );
}

#[test]
fn w18_zone_selection_per_page() {
    let s = sim_with(|c| c.ram_bytes = 8 << 30);
    assert_eq!(s.page_charge_scope(0x1000), ChargeScope::All);
    assert_eq!(s.page_charge_scope(0x10_0001), ChargeScope::One(0));
    assert_eq!(s.page_charge_scope(0x10_0000), ChargeScope::All, "D10");
    let mut s = s;
    s.run(&Action::MemCharge { bytes: 8192 }).unwrap();
    assert_eq!((used(&s, 0), used(&s, 1)), (8192, 8192));
}

#[test]
fn w18_populate_on_8_gib_charges_by_page_position() {
    // Non-DMA32 pages come from the Normal zone first, i.e. from pfn 0x100000 up. The first one is
    // exactly 0x100000, which D10 charges to both zones; the other 19 are above → kernel only.
    let mut s = sim_with(|c| c.ram_bytes = 8 << 30);
    let tt = create(&mut s, 20, Caching::Cached);
    populate(&mut s, tt);
    assert_eq!(s.state().tts[tt as usize].pages[0], Some(0x10_0000));
    assert_eq!((used(&s, 0), used(&s, 1)), (81_920, 4096));
}

#[test]
fn w20_sysfs_store_rules() {
    let mut s = sim();
    let w = |s: &mut Sim, attr, v: &str| match s
        .run(&Action::SysfsWrite {
            attr,
            zone: 0,
            value: v.into(),
        })
        .unwrap()
    {
        Output::Sysfs(o) => o,
        o => panic!("{o:?}"),
    };
    assert!(matches!(
        w(&mut s, SysfsAttr::PoolAllocationSize, "8192"),
        SysfsOutcome::StoredWithWarning(2048, _)
    ));
    assert_eq!(s.state().pool_opts.alloc_size, 2048);
    assert!(matches!(
        w(&mut s, SysfsAttr::PoolAllocationSize, "20000"),
        SysfsOutcome::Rejected(_)
    ));
    assert_eq!(
        s.state().pool_opts.alloc_size,
        2048,
        "5000 pages > 4096: unchanged"
    );
    assert_eq!(
        w(&mut s, SysfsAttr::PoolMaxSize, "10"),
        SysfsOutcome::Stored(2)
    );
    assert_eq!(s.sysfs_read(SysfsAttr::PoolMaxSize, 0).unwrap(), "8\n");
    assert_eq!(
        w(&mut s, SysfsAttr::PoolMaxSize, "abc"),
        SysfsOutcome::Ignored
    );
    assert_eq!(s.state().pool_opts.max_size, 2);
    // Zone attributes (spec 5.2): KiB → bytes, clamped to zone_mem; emergency lowers max.
    w(&mut s, SysfsAttr::EmergencyMemory, "16384");
    let z = &s.state().zones[0];
    assert_eq!((z.emer_mem, z.max_mem), (16 * MIB, 16 * MIB));
    w(&mut s, SysfsAttr::AvailableMemory, "999999999");
    let z = &s.state().zones[0];
    assert_eq!(
        (z.max_mem, z.emer_mem),
        (64 * MIB, 64 * MIB),
        "clamped; emer raised"
    );
}

#[test]
fn w22_round_pot_and_acc_size() {
    for (a, b) in [
        (1, 1),
        (3, 4),
        (5, 8),
        (100, 128),
        (4096, 4096),
        (5000, 8192),
        (12288, 12288),
    ] {
        assert_eq!(round_pot(a), b, "round_pot({a})");
    }
    // 1 MiB BO: page-array term PAGE_ALIGN(256 × 8) = 4096; struct terms are round_pot'ed.
    let sizes = AccSizes {
        bo_struct: 600,
        tt_struct: 100,
        dma_tt_struct: 140,
        pointer: 8,
        dma_addr: 8,
    };
    assert_eq!(bo_acc_size(MIB, &sizes, false), 1024 + 4096 + 128);
    assert_eq!(bo_acc_size(MIB, &sizes, true), 1024 + 4096 + 4096 + 256);
}

#[test]
fn w23_swap_out_of_a_never_touched_tt() {
    let mut s = sim();
    let tt = create(&mut s, 16, Caching::Cached);
    let start = s.trace().len();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    assert_eq!(
        calls_since(&s, start, Func::ShmemFileSetup),
        vec![vec![65_536]]
    );
    assert!(
        calls_since(&s, start, Func::ShmemReadMappingPage).is_empty(),
        "nothing copied"
    );
    assert!(s.state().tts[tt as usize].swapped());
    assert_eq!(used(&s, 0), 0);
    populate(&mut s, tt);
    assert_eq!(used(&s, 0), 65_536);
    let t = &s.state().tts[tt as usize];
    assert!(!t.swapped() && t.swap_storage.is_none());
    assert!(s.state().swap_files[0].released);
    for &p in t.pages.iter().flatten() {
        assert_eq!(
            s.state().phys.page(p).unwrap().content,
            CONTENT_ZERO,
            "zero-filled shmem pages"
        );
    }
}
