//! Behaviour beyond the worked examples: trace replay, swap data, defects, eras, fault paths.

mod common;
use common::*;
use ttm_core::state::{CONTENT_STALE, CONTENT_ZERO};
use ttm_core::trace::Event;
use ttm_core::*;

/// Apply every delta of the trace to the boot state: the result is the live state. Revert them
/// all: the result is the boot state again.
fn assert_replay(s: &Sim) {
    let mut st = s.boot_state().clone();
    let deltas: Vec<Delta> = s
        .trace()
        .events()
        .filter_map(|e| match e {
            Event::Delta(d) => Some(d),
            _ => None,
        })
        .collect();
    for d in &deltas {
        st.apply(d);
    }
    assert_eq!(&st, s.state(), "replay reproduces the state");
    for d in deltas.iter().rev() {
        st.revert(d);
    }
    assert_eq!(&st, s.boot_state(), "reverting everything returns to boot");
}

#[test]
fn trace_replays_forward_and_backward() {
    let mut s = sim_with(|c| c.swiotlb = true);
    let a = create(&mut s, 30, Caching::Wc);
    let b = create_with(&mut s, 9, Caching::Uncached, page_flags::DMA32, true);
    populate(&mut s, a);
    populate(&mut s, b);
    s.run(&Action::TtWrite { tt: a, seed: 7 }).unwrap();
    s.run(&Action::TtSetCaching {
        tt: a,
        caching: Caching::Cached,
    })
    .unwrap();
    s.run(&Action::TtSwapout {
        tt: a,
        persistent: None,
    })
    .unwrap();
    s.run(&Action::PoolShrink { nr_to_scan: 300 }).unwrap();
    populate(&mut s, a);
    s.run(&Action::TtDestroy { tt: b }).unwrap();
    assert_replay(&s);
}

#[test]
fn trace_events_decode_at_any_index() {
    let mut s = sim();
    let tt = create(&mut s, 700, Caching::Wc);
    populate(&mut s, tt);
    let all: Vec<Event> = s.trace().events().collect();
    assert_eq!(all.len() as u64, s.trace().len());
    for i in [0, 1, 255, 256, 257, 1000, all.len() as u64 - 1] {
        assert_eq!(s.trace().get(i).as_ref(), all.get(i as usize), "event {i}");
    }
    assert_eq!(s.trace().get(all.len() as u64), None);
    // Enters and exits balance; every Enter names a symbol with an elixir link or a backend op.
    let depth = all.iter().fold(0i64, |d, e| match e {
        Event::Enter { .. } => d + 1,
        Event::Exit { .. } => d - 1,
        _ => d,
    });
    assert_eq!(depth, 0);
}

#[test]
fn trace_is_compact() {
    // Issue 3: a populate must cost at most a few tens of bytes per page.
    let mut s = sim_with(|c| c.ram_bytes = 2 << 30);
    let tt = create(&mut s, 65_536, Caching::Wc);
    let before = s.trace().encoded_bytes();
    populate(&mut s, tt);
    let per_page = (s.trace().encoded_bytes() - before) as f64 / 65_536.0;
    eprintln!("trace: {per_page:.1} bytes per populated page");
    assert!(per_page < 64.0, "{per_page} bytes per page");
}

#[test]
fn data_survives_swap_out_and_in() {
    let mut s = sim();
    let tt = create(&mut s, 8, Caching::Cached);
    populate(&mut s, tt);
    s.run(&Action::TtWrite { tt, seed: 42 }).unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    assert_eq!(used(&s, 0), 0);
    assert_eq!(
        pages_out(&s),
        0,
        "cached pages go straight back to the system"
    );
    assert_eq!(s.state().swap_files[0].contents[3], data_tag(42, 3));
    populate(&mut s, tt);
    let t = &s.state().tts[tt as usize];
    for (i, p) in t.pages.iter().enumerate() {
        let c = s.state().phys.page(p.unwrap()).unwrap().content;
        assert_eq!(c, data_tag(42, i as u32));
    }
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn swapout_bugs_on_bound_or_uncached_tt() {
    let mut s = sim();
    let tt = create(&mut s, 4, Caching::Wc);
    assert_eq!(
        s.run(&Action::TtSwapout {
            tt,
            persistent: None
        }),
        Err(SimError::Kernel(Errno::Bug))
    );
    s.run(&Action::TtSetCaching {
        tt,
        caching: Caching::Cached,
    })
    .unwrap();
    s.run(&Action::TtBind { tt }).unwrap();
    assert_eq!(
        s.run(&Action::TtSwapout {
            tt,
            persistent: None
        }),
        Err(SimError::Kernel(Errno::Bug))
    );
    assert!(s
        .findings()
        .iter()
        .all(|f| matches!(f.1, Finding::Bug { .. })));
    assert_eq!(
        s.state().tts[tt as usize].state,
        TtState::Bound,
        "nothing changed"
    );
}

#[test]
fn d8_second_swapout_loses_the_data_in_faithful_mode() {
    let mut s = sim();
    let tt = create(&mut s, 4, Caching::Cached);
    populate(&mut s, tt);
    s.run(&Action::TtWrite { tt, seed: 9 }).unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    let f: Vec<Finding> = s.findings().iter().map(|x| x.1).collect();
    assert!(f.contains(&Finding::D8SwapStorageOverwritten { tt, file: 0 }));
    assert!(f.contains(&Finding::SwapFileLeaked { file: 0 }));
    populate(&mut s, tt);
    let p = s.state().tts[tt as usize].pages[0].unwrap();
    assert_eq!(
        s.state().phys.page(p).unwrap().content,
        CONTENT_ZERO,
        "swap-in read zeros"
    );
}

#[test]
fn d8_fixed_mode_skips_the_second_swapout() {
    let mut s = sim_with(|c| c.fidelity = Fidelity::Fixed);
    let tt = create(&mut s, 4, Caching::Cached);
    populate(&mut s, tt);
    s.run(&Action::TtWrite { tt, seed: 9 }).unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    assert_eq!(
        s.run(&Action::TtSwapout {
            tt,
            persistent: None
        }),
        Err(SimError::Kernel(Errno::Ebusy))
    );
    populate(&mut s, tt);
    let p = s.state().tts[tt as usize].pages[0].unwrap();
    assert_eq!(s.state().phys.page(p).unwrap().content, data_tag(9, 0));
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn persistent_swap_storage_is_kept_and_flagged() {
    let mut s = sim();
    let file = match s.run(&Action::SwapFileCreate { pages: 4 }).unwrap() {
        Output::SwapFile(f) => f,
        o => panic!("{o:?}"),
    };
    let tt = create(&mut s, 4, Caching::Cached);
    populate(&mut s, tt);
    s.run(&Action::TtSwapout {
        tt,
        persistent: Some(file),
    })
    .unwrap();
    let flags = s.state().tts[tt as usize].page_flags;
    assert!(flags & page_flags::PERSISTENT_SWAP != 0);
    populate(&mut s, tt);
    assert!(
        !s.state().swap_files[file as usize].released,
        "never fput by TTM"
    );
    assert!(
        s.state().tts[tt as usize].page_flags & page_flags::PERSISTENT_SWAP != 0,
        "never cleared"
    );
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn d3_failed_refill_miscounts_and_overfills_the_page_array() {
    // RAM 8 MiB = 2048 pages. Take 1800 pages with a cached tt, leaving 248; a wc refill of 512
    // then fails after 248 pages. 3.3 counts the (empty) pool list: npages stays 0 while 248
    // pages sit on the list; the same get takes the whole list (248) plus one direct page →
    // 249 pages into a 4-page array: 3 slots pre-filled (overwritten and leaked later), the rest
    // written past the end.
    let mut s = sim_with(|c| {
        c.ram_bytes = 8 << 20;
        c.sysfs = vec![SysfsWrite {
            attr: SysfsAttr::AvailableMemory,
            zone: 0,
            value: "8192".into(),
        }];
    });
    let big = create(&mut s, 1800, Caching::Cached);
    populate(&mut s, big);
    let tt = create(&mut s, 4, Caching::Wc);
    let r = s.run(&Action::TtPopulate { tt });
    let f: Vec<Finding> = s.findings().iter().map(|x| x.1).collect();
    assert!(
        f.contains(&Finding::D3RefillMiscount {
            pool: 0,
            npages: 0,
            listed: 248
        }),
        "{f:?}"
    );
    assert!(f
        .iter()
        .any(|x| matches!(x, Finding::D3ArrayOverrun { .. })));
    assert!(f.iter().any(|x| matches!(x, Finding::PagesLeaked { .. })));
    // The direct allocation of the shortfall page fails (memory is exhausted), so the populate fails.
    assert_eq!(r, Err(SimError::Kernel(Errno::Enomem)));
}

#[test]
fn d3_fixed_counts_the_new_pages() {
    let mut s = sim_with(|c| {
        c.ram_bytes = 8 << 20;
        c.fidelity = Fidelity::Fixed;
        c.sysfs = vec![SysfsWrite {
            attr: SysfsAttr::AvailableMemory,
            zone: 0,
            value: "8192".into(),
        }];
    });
    let big = create(&mut s, 1800, Caching::Cached);
    populate(&mut s, big);
    let tt = create(&mut s, 4, Caching::Wc);
    populate(&mut s, tt);
    // 248 pages were refilled and counted; 4 taken.
    assert_eq!(s.state().pools[0].npages, 244);
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn fault_page_alloc_during_populate_unwinds_everything() {
    // Cached 10-page tt, the 4th system page allocation fails: pages 0..2 are unpopulated.
    let mut s = sim_with(|c| c.faults.page_alloc = vec![4]);
    let tt = create(&mut s, 10, Caching::Cached);
    assert_eq!(
        s.run(&Action::TtPopulate { tt }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    assert_eq!(pages_out(&s), 0);
    assert_eq!(used(&s, 0), 0);
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn fault_caching_change_reverts_earlier_pages() {
    // Second per-page attribute change fails: page 0 goes back to write-back, caching unchanged.
    let mut s = sim_with(|c| c.faults.set_caching = vec![2]);
    let tt = create(&mut s, 3, Caching::Cached);
    populate(&mut s, tt);
    let r = s.run(&Action::TtSetCaching {
        tt,
        caching: Caching::Uncached,
    });
    assert_eq!(r, Err(SimError::Kernel(Errno::Enomem)));
    let t = &s.state().tts[tt as usize];
    assert_eq!(t.caching, Caching::Cached);
    assert!(t
        .pages
        .iter()
        .flatten()
        .all(|&p| s.state().phys.page(p).unwrap().attr == Attr::Wb));
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn fault_shmem_create_leaves_the_tt_untouched() {
    let mut s = sim_with(|c| c.faults.shmem_create = vec![1]);
    let tt = create(&mut s, 3, Caching::Cached);
    populate(&mut s, tt);
    assert_eq!(
        s.run(&Action::TtSwapout {
            tt,
            persistent: None
        }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    assert_eq!(s.state().tts[tt as usize].pages_present(), 3);
    assert!(!s.state().tts[tt as usize].swapped());
}

#[test]
fn fault_shmem_read_on_swapin_keeps_the_data_for_a_retry() {
    // spec 2.9: the caller unpopulates, the tt stays U + SWAPPED with its file; a retry works.
    let mut s = sim_with(|c| c.faults.shmem_read = vec![2]);
    let tt = create(&mut s, 3, Caching::Cached);
    populate(&mut s, tt);
    s.run(&Action::TtWrite { tt, seed: 5 }).unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    assert_eq!(
        s.run(&Action::TtPopulate { tt }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    let t = &s.state().tts[tt as usize];
    assert!(t.swapped() && t.swap_storage == Some(0) && t.state == TtState::Unpopulated);
    assert_eq!(used(&s, 0), 0);
    populate(&mut s, tt);
    let p = s.state().tts[tt as usize].pages[2].unwrap();
    assert_eq!(s.state().phys.page(p).unwrap().content, data_tag(5, 2));
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn fault_reserve_fails_populate_like_w10() {
    let mut s = sim_with(|c| {
        c.faults.reserve = vec![3, 4, 5, 6, 7];
        c.fidelity = Fidelity::Fixed;
    });
    let tt = create(&mut s, 5, Caching::Cached);
    assert_eq!(
        s.run(&Action::TtPopulate { tt }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    assert_eq!((used(&s, 0), pages_out(&s)), (0, 0));
}

#[test]
fn e1_get_page_allocates_only_the_slot() {
    let mut s = sim_with(|c| c.era = Era::E1);
    let tt = create(&mut s, 100, Caching::Cached);
    s.run(&Action::TtGetPage { tt, index: 10 }).unwrap();
    let t = &s.state().tts[tt as usize];
    assert_eq!(t.pages_present(), 1);
    assert!(t.pages[10].is_some());
    assert_eq!(
        t.state,
        TtState::Unpopulated,
        "demand allocation keeps U (spec 8.2)"
    );
    assert_eq!(used(&s, 0), 4096);
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn e0_get_page_fills_lowmem_slots_from_zero() {
    // spec W15 (E0 part): 64-bit, all pages lowmem: slot 10 is reached after filling 0..10.
    let mut s = sim_with(|c| c.era = Era::E0);
    let tt = create(&mut s, 100, Caching::Cached);
    s.run(&Action::TtGetPage { tt, index: 10 }).unwrap();
    let t = &s.state().tts[tt as usize];
    assert_eq!(t.pages_present(), 11);
    assert!(t.pages.iter().take(11).all(Option::is_some));
    assert_eq!(used(&s, 0), 11 * 4096);
    s.run(&Action::TtUnpopulate { tt }).unwrap();
    assert_eq!((used(&s, 0), pages_out(&s)), (0, 0));
}

#[test]
fn e0_highmem_pages_fill_from_the_top() {
    // 32-bit with 1 GiB: GFP_HIGHUSER takes highmem pages first, which fill slots from the top.
    let mut s = sim_with(|c| {
        c.era = Era::E0;
        c.arch = Arch::X86_32Highmem;
        c.ram_bytes = 1 << 30;
    });
    let tt = create(&mut s, 8, Caching::Cached);
    s.run(&Action::TtGetPage { tt, index: 5 }).unwrap();
    let t = &s.state().tts[tt as usize];
    assert_eq!(
        t.pages.iter().map(Option::is_some).collect::<Vec<_>>(),
        vec![false, false, false, false, false, true, true, true]
    );
    assert_eq!(t.first_himem_page, 5);
    // Highmem pages are charged to the highmem zone only (spec 5.3).
    assert_eq!((used(&s, 0), used(&s, 1)), (0, 3 * 4096));
}

#[test]
fn e1_caching_change_on_partly_allocated_tt_is_observation_o1() {
    // E1: set_caching on a U tt records only; the old WC page keeps WC and is later freed as
    // cached (straight to the system) — a WC page in system memory.
    let mut s = sim_with(|c| c.era = Era::E1);
    let tt = create(&mut s, 4, Caching::Wc);
    s.run(&Action::TtGetPage { tt, index: 0 }).unwrap();
    s.run(&Action::TtSetCaching {
        tt,
        caching: Caching::Cached,
    })
    .unwrap();
    s.run(&Action::TtUnpopulate { tt }).unwrap();
    assert!(s
        .findings()
        .iter()
        .any(|f| matches!(f.1, Finding::PageAttrMismatch { .. })));
}

#[test]
fn e1_fault_mid_populate_keeps_allocated_pages() {
    let mut s = sim_with(|c| {
        c.era = Era::E1;
        c.faults.page_alloc = vec![3];
    });
    let tt = create(&mut s, 5, Caching::Cached);
    assert_eq!(
        s.run(&Action::TtPopulate { tt }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    let t = &s.state().tts[tt as usize];
    assert_eq!((t.pages_present(), t.state), (2, TtState::Unpopulated));
}

#[test]
fn stale_data_of_reused_pages_is_visible() {
    // A cached page freed to the system keeps its old contents; without ZERO_ALLOC the next user
    // sees them, with ZERO_ALLOC it gets zeros.
    let mut s = sim();
    let a = create(&mut s, 1, Caching::Cached);
    populate(&mut s, a);
    assert_eq!(s.state().phys.page(0).unwrap().content, CONTENT_STALE);
    s.run(&Action::TtWrite { tt: a, seed: 3 }).unwrap();
    s.run(&Action::TtDestroy { tt: a }).unwrap();
    let b = create(&mut s, 1, Caching::Cached);
    populate(&mut s, b);
    let p = s.state().tts[b as usize].pages[0].unwrap();
    assert_eq!(s.state().phys.page(p).unwrap().content, data_tag(3, 0));
}

#[test]
fn invalid_requests_are_errors_not_panics() {
    let mut s = sim();
    assert!(matches!(
        s.run(&Action::TtPopulate { tt: 9 }),
        Err(SimError::Invalid(_))
    ));
    assert!(matches!(
        s.run(&Action::TtCreate {
            pages: 0,
            caching: Caching::Wc,
            flags: 0,
            dma: false
        }),
        Err(SimError::Invalid(_))
    ));
    assert!(matches!(
        s.run(&Action::TtCreate {
            pages: 1,
            caching: Caching::Wc,
            flags: page_flags::SWAPPED,
            dma: false
        }),
        Err(SimError::Invalid(_))
    ));
    assert!(matches!(
        s.run(&Action::TtCreate {
            pages: 1,
            caching: Caching::Wc,
            flags: 0,
            dma: true
        }),
        Err(SimError::Invalid(_))
    ));
    let tt = create(&mut s, 1, Caching::Wc);
    assert!(matches!(
        s.run(&Action::TtGetPage { tt, index: 0 }),
        Err(SimError::Invalid(_))
    ));
    s.run(&Action::TtDestroy { tt }).unwrap();
    assert!(matches!(
        s.run(&Action::TtBind { tt }),
        Err(SimError::Invalid(_))
    ));
    assert!(matches!(
        s.run(&Action::MemUncharge { bytes: 1 }),
        Err(SimError::Invalid(_))
    ));
    let bad = MachineConfig {
        ram_bytes: 1000,
        ..Default::default()
    };
    assert_eq!(Sim::new(bad).unwrap_err().field, "ram_bytes");
    let bad = MachineConfig {
        swiotlb: true,
        era: Era::E2,
        ..Default::default()
    };
    assert_eq!(Sim::new(bad).unwrap_err().field, "swiotlb");
}

#[test]
fn config_sysfs_writes_apply_at_boot() {
    let s = sim_with(|c| {
        c.sysfs = vec![SysfsWrite {
            attr: SysfsAttr::PoolMaxSize,
            zone: 0,
            value: "2400".into(),
        }]
    });
    assert_eq!(s.state().pool_opts.max_size, 600);
    let bad = MachineConfig {
        sysfs: vec![SysfsWrite {
            attr: SysfsAttr::SwapLimit,
            zone: 1,
            value: "1".into(),
        }],
        ..Default::default()
    };
    assert_eq!(Sim::new(bad).unwrap_err().field, "sysfs[0].zone");
}

#[test]
fn fini_empties_pools_and_debugfs_says_so() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    populate(&mut s, tt);
    s.run(&Action::TtDestroy { tt }).unwrap();
    s.run(&Action::PoolFini).unwrap();
    assert_eq!(pages_out(&s), 0);
    assert_eq!(s.page_alloc_debugfs(), "No pool allocator running.\n");
    assert!(matches!(
        s.run(&Action::PoolShrink { nr_to_scan: 1 }),
        Err(SimError::Invalid(_))
    ));
    s.run(&Action::PoolInit).unwrap();
    assert_eq!(
        s.state().pools[0].nfrees,
        0,
        "a fresh zero-allocated manager"
    );
}

#[test]
fn config_round_trips_through_json() {
    // A machine and an action are read the way every scenario file is (`Scenario::from_json`).
    let cfg = MachineConfig {
        swiotlb: true,
        ram_bytes: 128 << 20,
        ..Default::default()
    };
    let head = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t", "machine": "#;
    let file = |machine: &str, steps: &str| format!("{head}{machine}, \"steps\": [{steps}]}}");
    let json = serde_json::to_string(&cfg).unwrap();
    let back = Scenario::from_json(&file(&json, "")).unwrap();
    assert_eq!(back.machine, cfg);
    let e = Scenario::from_json(&file(r#"{"ram_byte": 1}"#, "")).unwrap_err();
    assert!(e.message.starts_with("unknown field `ram_byte`"), "{e}");
    let sc = Scenario::from_json(&file(
        "{}",
        r#"{"do": {"action":"tt_create","pages":20,"caching":"wc"}}"#,
    ))
    .unwrap();
    assert_eq!(
        sc.steps[0].action,
        Action::TtCreate {
            pages: 20,
            caching: Caching::Wc,
            flags: 0,
            dma: false
        }
    );
}

#[test]
fn trace_can_name_every_function() {
    // The trace stores an Enter's function in its tag byte (64 + index), so at most 192 functions.
    assert!(Func::ALL.len() <= 192);
    for (i, f) in Func::ALL.iter().enumerate() {
        assert_eq!(f.index(), i);
        assert!(!f.symbol().is_empty() && !f.file().is_empty());
    }
}

#[test]
fn a_16_gib_machine_costs_nothing_until_pages_are_used() {
    // System memory is handed out lazily (a never-used frontier per zone), so state and trace do
    // not grow with RAM: booting 16 GiB keeps no per-page records.
    let mut s = sim_with(|c| c.ram_bytes = 16 << 30);
    assert!(s.state().phys.zones.iter().all(|z| z.pages.is_empty()));
    assert_eq!(s.state().phys.free_pages(), 4 << 20);
    let tt = create(&mut s, 1000, Caching::Uncached);
    populate(&mut s, tt);
    assert_eq!(
        s.state()
            .phys
            .zones
            .iter()
            .map(|z| z.pages.len())
            .sum::<usize>(),
        1024
    );
}

#[test]
fn pool_free_works_in_batches_of_512() {
    // 1100-page WC tt: refills at pages 1, 513, 1025 → 1536 pages; after unpopulate the pool holds
    // all 1536 (below max_size 4096). Shrinking 1000 frees one batch of 512, then the remaining 488.
    let mut s = sim();
    let tt = create(&mut s, 1100, Caching::Wc);
    populate(&mut s, tt);
    assert_eq!(s.state().pools[0].nrefills, 3);
    unpopulate(&mut s, tt);
    assert_eq!(s.state().pools[0].npages, 1536);
    let start = s.trace().len();
    s.run(&Action::PoolShrink { nr_to_scan: 1000 }).unwrap();
    let batches: Vec<u64> = calls_since(&s, start, Func::SetPagesArrayWb)
        .iter()
        .map(|a| a[0])
        .collect();
    assert_eq!(batches, vec![512, 488]);
    assert_eq!(
        (s.state().pools[0].npages, s.state().pools[0].nfrees),
        (536, 1000)
    );
}

#[test]
fn dma_shrinker_walks_newest_pool_first_without_wrapping() {
    // Pools "wc" (id 0) then "uc" (id 1); the list is newest first: [uc, wc]. After the D7
    // unpopulates each keeps 4 free pages.
    let mut s = sim_with(|c| c.swiotlb = true);
    let a = create_with(&mut s, 20, Caching::Wc, 0, true);
    let b = create_with(&mut s, 20, Caching::Uncached, 0, true);
    for tt in [a, b] {
        populate(&mut s, tt);
        unpopulate(&mut s, tt);
    }
    assert_eq!(
        s.state()
            .dma_pools
            .iter()
            .map(|p| p.npages_free)
            .collect::<Vec<_>>(),
        vec![4, 4]
    );
    // Call 1: counter 1, offset 1 % 2 = 1: uc has index 1 (not < 1) → frees 2 from uc.
    assert_eq!(
        s.run(&Action::DmaPoolShrink { nr_to_scan: 2 }).unwrap(),
        Output::PagesLeft(6)
    );
    assert_eq!(s.state().dma_pools[1].npages_free, 2);
    // Call 2: counter 2, offset 0: uc frees its 2, wc frees its 4 (8 asked, 4 left unfreed).
    assert_eq!(
        s.run(&Action::DmaPoolShrink { nr_to_scan: 8 }).unwrap(),
        Output::PagesLeft(0)
    );
}

#[test]
fn root_may_charge_up_to_emer_mem() {
    // Non-root: reserve fails once used_mem > max_mem; root: only above emer_mem (spec 5.4).
    for (root, ok) in [(false, false), (true, true)] {
        let mut s = sim_with(|c| c.root = root);
        s.run(&Action::MemCharge { bytes: 40 << 20 }).unwrap(); // above max (32 MiB), below emer (48 MiB)
        let r = s.run(&Action::MemCharge { bytes: 4096 });
        assert_eq!(r.is_ok(), ok, "root = {root}");
    }
}

#[test]
fn dma_unpopulate_after_a_caching_change_finds_no_pool() {
    // A ttm_dma_tt populated from the "wc" DMA pool, converted to cached in place: unpopulate
    // looks for the "cached" pool, which this device never created, and returns (spec 4.4 step 1).
    let mut s = sim_with(|c| c.swiotlb = true);
    let tt = create_with(&mut s, 3, Caching::Wc, 0, true);
    populate(&mut s, tt);
    s.run(&Action::TtSetCaching {
        tt,
        caching: Caching::Cached,
    })
    .unwrap();
    s.run(&Action::TtDestroy { tt }).unwrap();
    let f: Vec<Finding> = s.findings().iter().map(|x| x.1).collect();
    assert!(f.contains(&Finding::DmaUnpopulateNoPool { tt }), "{f:?}");
    assert_eq!(
        s.state().phys.leaked.len(),
        3,
        "the destroyed tt's pages are lost"
    );
    assert_eq!(used(&s, 0), 3 * 4096, "and never uncharged");
}
