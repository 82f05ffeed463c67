//! The worked examples M1–M15 of the Linux 6.12 specification (`../shared/ttm-modern-spec.md`
//! §10), as tests. Every number comes from the spec's example (its reasoning repeated in the
//! comments), never from the model's output. Standard machine unless stated: x86-64, 64 MiB =
//! 16,384 pages, the generic driver, non-DMA pool, NUMA_NO_NODE, empty pools.

use ttm_core::modern::{bo_type, place_flags as pf, tt_flags, MState, PL_SYSTEM, PL_TT, PL_VRAM};
use ttm_core::*;

fn machine(f: impl FnOnce(&mut MachineConfig)) -> Sim {
    let mut cfg = MachineConfig {
        kernel: Kernel::V6_12,
        ..MachineConfig::default()
    };
    f(&mut cfg);
    Sim::new(cfg).expect("a valid 6.12 machine")
}

fn std_machine() -> Sim {
    machine(|_| {})
}

fn m(sim: &Sim) -> &MState {
    sim.state().modern.as_deref().unwrap()
}

/// Runs an action and returns its output and the trace events it recorded.
fn step(sim: &mut Sim, a: Action) -> (Result<Output, SimError>, Vec<Event>) {
    let from = sim.trace().len();
    let r = sim.run(&a);
    let ev = sim.trace().events_from(from).collect();
    (r, ev)
}

fn calls(ev: &[Event], f: Func) -> Vec<Vec<u64>> {
    ev.iter()
        .filter_map(|e| match e {
            Event::Enter { func, args } if *func == f => Some(args.clone()),
            _ => None,
        })
        .collect()
}

/// The orders of the fresh blocks allocated (`ttm_pool_alloc_page` calls that succeeded).
fn fresh_orders(ev: &[Event]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut open: Vec<Option<u64>> = Vec::new();
    for e in ev {
        match e {
            Event::Enter { func, args } => {
                open.push((*func == Func::MPoolAllocPage).then(|| args[0]))
            }
            Event::Exit { ret } => {
                if let Some(Some(o)) = open.pop() {
                    if *ret == 0 {
                        out.push(o);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `set_pages_array_wc` calls and their page counts.
fn wc_calls(ev: &[Event]) -> Vec<u64> {
    calls(ev, Func::SetPagesArrayWc)
        .into_iter()
        .map(|a| a[0])
        .collect()
}

fn tt_create(sim: &mut Sim, pages: u32, caching: Caching) -> u32 {
    match sim
        .run(&Action::TtCreate {
            pages,
            caching,
            flags: 0,
            dma: false,
        })
        .unwrap()
    {
        Output::Tt(t) => t,
        o => panic!("{o:?}"),
    }
}

/// Blocks per global wc pool type, orders 0..10.
fn wc_blocks(sim: &Sim) -> Vec<u64> {
    (0..11).map(|o| m(sim).pool_types[o * 4].blocks()).collect()
}

fn with(blocks: &[(usize, u64)]) -> Vec<u64> {
    let mut v = vec![0; 11];
    for &(o, n) in blocks {
        v[o] = n;
    }
    v
}

fn bo(sim: &mut Sim, pages: u32, places: &[TtmPlace], caching: Caching) -> u32 {
    match sim
        .run(&Action::BoCreatePlaces {
            pages,
            places: places.to_vec(),
            caching,
            kernel: false,
            priority: 0,
        })
        .unwrap()
    {
        Output::Bo(b) => b,
        o => panic!("{o:?}"),
    }
}

const SYS: TtmPlace = TtmPlace::new(PL_SYSTEM, 0);
const TT: TtmPlace = TtmPlace::new(PL_TT, 0);
const VRAM: TtmPlace = TtmPlace::new(PL_VRAM, 0);

fn no_findings(sim: &Sim) {
    assert!(sim.findings().is_empty(), "{:?}", sim.findings());
}

fn res_of(sim: &Sim, b: u32) -> &ttm_core::modern::Res {
    &m(sim).resources[m(sim).bos[b as usize].res.unwrap() as usize]
}

fn lru(sim: &Sim, mt: u8) -> Vec<u32> {
    m(sim).managers[mt as usize].lru[0]
        .iter()
        .map(|&r| m(sim).resources[r as usize].bo)
        .collect()
}

#[test]
fn m1_globals_from_ram() {
    // 64 MiB: num_pages = 16384 / 2 = 8192; num_dma32 = min(16384, 524288) = 16384.
    let s = std_machine();
    assert_eq!(
        (
            m(&s).page_pool_size,
            m(&s).pages_limit,
            m(&s).dma32_pages_limit
        ),
        (8192, 8192, 16384)
    );
    // 8 GiB = 2,097,152 pages: 1,048,576 / 1,048,576 / min(2,097,152, 524,288).
    let s = machine(|c| c.ram_bytes = 8 << 30);
    assert_eq!(
        (
            m(&s).page_pool_size,
            m(&s).pages_limit,
            m(&s).dma32_pages_limit
        ),
        (1_048_576, 1_048_576, 524_288)
    );
    // 3 GiB = 786,432 pages: 393,216 / 393,216 / 524,288.
    let s = machine(|c| c.ram_bytes = 3 << 30);
    assert_eq!(
        (
            m(&s).page_pool_size,
            m(&s).pages_limit,
            m(&s).dma32_pages_limit
        ),
        (393_216, 393_216, 524_288)
    );
    // ttm.pages_limit=1000 on the command line wins; the others keep their defaults.
    let s = machine(|c| c.modern.pages_limit = 1000);
    assert_eq!(
        (
            m(&s).page_pool_size,
            m(&s).pages_limit,
            m(&s).dma32_pages_limit
        ),
        (8192, 1000, 16384)
    );
    // mspec 4.2: 44 global pool types on the shrinker list, head = position 0 (wc order 0).
    assert_eq!(m(&s).shrinker.len(), 44);
    assert_eq!(m(&s).shrinker.front(), Some(&0));
}

/// M2's populate and unpopulate; returns the tt.
fn m2(sim: &mut Sim) -> u32 {
    let tt = tt_create(sim, 20, Caching::Wc);
    let (r, ev) = step(sim, Action::TtPopulate { tt });
    r.unwrap();
    // order = min(10, floor(log2 20) = 4): fresh order 4 (pages 0..15), remaining 4 → order 2.
    assert_eq!(fresh_orders(&ev), vec![4, 2]);
    // One set_pages_array_wc over all 20 pages at the end.
    assert_eq!(wc_calls(&ev), vec![20]);
    assert_eq!((m(sim).pages_allocated, m(sim).pool_allocated), (20, 0));
    sim.run(&Action::TtUnpopulate { tt }).unwrap();
    tt
}

#[test]
fn m2_populate_then_unpopulate_20_wc_pages() {
    let mut s = std_machine();
    let tt = m2(&mut s);
    // The order-4 block → wc[4], the order-2 block → wc[2]; PAP 20; TPA 0.
    assert_eq!(wc_blocks(&s), with(&[(4, 1), (2, 1)]));
    assert_eq!((m(&s).pool_allocated, m(&s).pages_allocated), (20, 0));
    // The 20 pages were cleared when given to the pools.
    for t in &m(&s).pool_types {
        for &p in &t.pages {
            assert_eq!(
                s.state().phys.page(p).unwrap().content,
                ttm_core::state::CONTENT_ZERO
            );
        }
    }
    assert!(s.state().tts[tt as usize].pages.iter().all(Option::is_none));
    no_findings(&s);
}

#[test]
fn m3_repopulate_from_the_pools() {
    let mut s = std_machine();
    let tt = m2(&mut s);
    let (r, ev) = step(&mut s, Action::TtPopulate { tt });
    r.unwrap();
    // wc[4] then wc[2] taken: 0 fresh allocations, 0 caching calls, pools empty.
    assert!(fresh_orders(&ev).is_empty());
    assert!(wc_calls(&ev).is_empty());
    assert_eq!(calls(&ev, Func::MPoolTypeTake).len(), 2);
    assert_eq!((m(&s).pool_allocated, m(&s).pages_allocated), (0, 20));
    // All 20 pages are zero (cleared when given), although the tt has no ZERO_ALLOC.
    for p in s.state().tts[tt as usize].pages.iter().flatten() {
        assert_eq!(
            s.state().phys.page(*p).unwrap().content,
            ttm_core::state::CONTENT_ZERO
        );
    }
    no_findings(&s);
}

#[test]
fn m4_order_mismatch_12_pages() {
    let mut s = std_machine();
    m2(&mut s);
    let tt = tt_create(&mut s, 12, Caching::Wc);
    let (r, ev) = step(&mut s, Action::TtPopulate { tt });
    r.unwrap();
    // order 3: wc[3] empty → fresh order 3; order 2: convert the 8 fresh pages, take wc[2].
    assert_eq!(fresh_orders(&ev), vec![3]);
    assert_eq!(calls(&ev, Func::MPoolTypeTake).len(), 1);
    assert_eq!(wc_calls(&ev), vec![8]);
    // wc[4]'s 16-page block is never split: PAP 16.
    assert_eq!(m(&s).pool_allocated, 16);
    s.run(&Action::TtUnpopulate { tt }).unwrap();
    assert_eq!(m(&s).pool_allocated, 28);
    assert_eq!(wc_blocks(&s), with(&[(4, 1), (3, 1), (2, 1)]));
    no_findings(&s);
}

/// M5: 1000 WC pages populated and freed, then 600.
fn m5(s: &mut Sim) {
    let a = tt_create(s, 1000, Caching::Wc);
    let (r, ev) = step(s, Action::TtPopulate { tt: a });
    r.unwrap();
    // 1000 = 512+256+128+64+32+8: orders 9, 8, 7, 6, 5, 3; one caching call over 1000 pages.
    assert_eq!(fresh_orders(&ev), vec![9, 8, 7, 6, 5, 3]);
    assert_eq!(wc_calls(&ev), vec![1000]);
    s.run(&Action::TtUnpopulate { tt: a }).unwrap();
    assert_eq!(m(s).pool_allocated, 1000);
    let b = tt_create(s, 600, Caching::Wc);
    let (r, ev) = step(s, Action::TtPopulate { tt: b });
    r.unwrap();
    // wc[9] (0..511), 88 left → order 6: wc[6] (512..575), 24 left → order 4: fresh
    // (576..591), 8 left → order 3: convert 576..591 (16 pages), take wc[3].
    assert_eq!(calls(&ev, Func::MPoolTypeTake).len(), 3);
    assert_eq!(fresh_orders(&ev), vec![4]);
    assert_eq!(wc_calls(&ev), vec![16]);
    // Left: wc[8], wc[7], wc[5] = 256+128+32 = 416 pages; TPA 600.
    assert_eq!(m(s).pool_allocated, 416);
    assert_eq!(m(s).pages_allocated, 600);
}

#[test]
fn m5_mixed_pool_hits_and_the_debugfs_text() {
    let mut s = std_machine();
    m5(&mut s);
    assert_eq!(wc_blocks(&s), with(&[(8, 1), (7, 1), (5, 1)]));
    // mspec 4.10's example, byte for byte (rows count blocks, the total line pages).
    let want = "\t  --- 0--- --- 1--- --- 2--- --- 3--- --- 4--- --- 5--- --- 6--- --- 7--- --- 8--- --- 9--- ---10---\n\
wc\t:        0        0        0        0        0        1        0        1        1        0        0\n\
uc\t:        0        0        0        0        0        0        0        0        0        0        0\n\
wc 32\t:        0        0        0        0        0        0        0        0        0        0        0\n\
uc 32\t:        0        0        0        0        0        0        0        0        0        0        0\n\
\n\
total\t:      416 of     8192\n";
    assert_eq!(m(&s).debugfs_page_pool(), want);
    no_findings(&s);
}

#[test]
fn m6_cached_tt_bypasses_the_pools() {
    let mut s = std_machine();
    let tt = tt_create(&mut s, 3000, Caching::Cached);
    let (r, ev) = step(&mut s, Action::TtPopulate { tt });
    r.unwrap();
    // min(10, 11) = 10; no pool type for cached: 1024+1024+512+256+128+32+16+8.
    assert_eq!(fresh_orders(&ev), vec![10, 10, 9, 8, 7, 5, 4, 3]);
    assert!(wc_calls(&ev).is_empty() && calls(&ev, Func::SetPagesArrayUc).is_empty());
    assert_eq!((m(&s).pages_allocated, m(&s).pool_allocated), (3000, 0));
    let (r, ev) = step(&mut s, Action::TtUnpopulate { tt });
    r.unwrap();
    // The 8 blocks go straight to the system, without set_pages_wb.
    assert!(calls(&ev, Func::SetPagesArrayWb).is_empty());
    assert_eq!(calls(&ev, Func::MPoolFreePage).len(), 8);
    assert_eq!((m(&s).pages_allocated, m(&s).pool_allocated), (0, 0));
    no_findings(&s);
}

#[test]
fn m7_trim_overshoots_to_an_empty_pool() {
    let mut s = machine(|c| c.modern.page_pool_size = 1000);
    let tt = tt_create(&mut s, 1500, Caching::Wc);
    let (r, ev) = step(&mut s, Action::TtPopulate { tt });
    r.unwrap();
    // 1500 = 1024+256+128+64+16+8+4.
    assert_eq!(fresh_orders(&ev), vec![10, 8, 7, 6, 4, 3, 2]);
    let (r, ev) = step(&mut s, Action::TtUnpopulate { tt });
    r.unwrap();
    // PAP 1500 > 1000: shrink calls hit positions 0..40; the last, wc[10], empties the pool.
    assert_eq!(calls(&ev, Func::MPoolShrink).len(), 41);
    assert_eq!(wc_calls(&[]).len(), 0);
    // 7 blocks freed, each with one set_pages_wb call.
    assert_eq!(calls(&ev, Func::SetPagesArrayWb).len(), 7);
    assert_eq!(m(&s).pool_allocated, 0);
    // The list head is now position 41 = order 10, kind 1 (uc): global type 10 × 4 + 1.
    assert_eq!(m(&s).shrinker.front(), Some(&41));
    no_findings(&s);
}

#[test]
fn m8_shrinker_count_and_scan() {
    let mut s = std_machine();
    m5(&mut s);
    // (shrink calls of the scan, pages freed = PAP before − after, head afterwards)
    let want = [(21, 32, 21), (8, 128, 29), (4, 256, 33), (1, 0, 34)];
    let counts = [Some(416u64), Some(384), Some(256), None];
    for (i, &(n, freed, head)) in want.iter().enumerate() {
        let before = m(&s).pool_allocated;
        assert_eq!(
            (before > 0).then_some(before),
            counts[i],
            "count before scan {}",
            i + 1
        );
        let (r, ev) = step(&mut s, Action::PoolShrinkerScan { scans: 1 });
        r.unwrap();
        assert_eq!(calls(&ev, Func::MPoolShrink).len(), n, "scan {}", i + 1);
        assert_eq!(before - m(&s).pool_allocated, freed, "scan {}", i + 1);
        assert_eq!(m(&s).shrinker.front(), Some(&head), "scan {}", i + 1);
    }
    no_findings(&s);
}

/// BO A (6000 pages, `caching`) populated and unlocked, BO B (3000) unpopulated, both SYSTEM.
fn m9_setup(caching: Caching) -> Sim {
    let mut s = std_machine();
    let a = bo(&mut s, 6000, &[SYS], caching);
    s.run(&Action::BoFault { bo: a, page: 0 }).unwrap();
    assert_eq!(m(&s).pages_allocated, 6000);
    let b = bo(&mut s, 3000, &[SYS], Caching::Cached);
    assert_eq!(lru(&s, PL_SYSTEM), vec![a, b]);
    s
}

#[test]
fn m9_the_page_limit_swaps_out_a_system_bo() {
    let mut s = m9_setup(Caching::Cached);
    let (r, ev) = step(&mut s, Action::BoFault { bo: 1, page: 0 });
    r.unwrap();
    // TPA 9000 > 8192 → A swapped (cached: pages to the system), TPA 3000 → B allocated.
    assert_eq!(calls(&ev, Func::MTtSwapout).len(), 1);
    assert_eq!(fresh_orders(&ev), vec![10, 10, 9, 8, 7, 5, 4, 3]);
    assert_eq!((m(&s).pages_allocated, m(&s).pool_allocated), (3000, 0));
    let ta = m(&s).bos[0].tt.unwrap() as usize;
    let t = &s.state().tts[ta];
    assert!(t.page_flags & tt_flags::SWAPPED != 0 && t.page_flags & tt_flags::PRIV_POPULATED == 0);
    // A "ttm swap" file of 24,576,000 bytes = 6000 pages.
    assert_eq!(
        s.state().swap_files[t.swap_storage.unwrap() as usize].num_pages,
        6000
    );
    // v6.12: A's resource stays first on the SYSTEM LRU; usage 9000 × 4096 = 36,864,000.
    assert_eq!(lru(&s, PL_SYSTEM), vec![0, 1]);
    assert_eq!(m(&s).managers[PL_SYSTEM as usize].usage, 36_864_000);
    no_findings(&s);
}

#[test]
fn m9b_m9c_a_write_combined_bo_feeds_the_pools_and_comes_back_from_them() {
    let mut s = m9_setup(Caching::Wc);
    s.run(&Action::BoFault { bo: 1, page: 0 }).unwrap();
    // A's 6000 WC pages go to the pools: 5 × order 10, then 9, 8, 6, 5, 4.
    assert_eq!(
        wc_blocks(&s),
        with(&[(10, 5), (9, 1), (8, 1), (6, 1), (5, 1), (4, 1)])
    );
    assert_eq!((m(&s).pool_allocated, m(&s).pages_allocated), (6000, 3000));
    // M9c: fault on A: TPA 9000 > 8192; A is locked by the caller, B is swapped → TPA 6000.
    let (r, ev) = step(&mut s, Action::BoFault { bo: 0, page: 0 });
    r.unwrap();
    assert_eq!(calls(&ev, Func::MTtSwapout).len(), 1);
    assert_eq!(
        calls(&ev, Func::MTtSwapout)[0][0],
        m(&s).bos[1].tt.unwrap() as u64
    );
    // Every block of A comes from the pools: 0 fresh, 0 caching calls, PAP 0.
    assert!(fresh_orders(&ev).is_empty() && wc_calls(&ev).is_empty());
    assert_eq!(calls(&ev, Func::MPoolTypeTake).len(), 10);
    assert_eq!((m(&s).pool_allocated, m(&s).pages_allocated), (0, 6000));
    let ta = m(&s).bos[0].tt.unwrap() as usize;
    let t = &s.state().tts[ta];
    assert!(t.page_flags & tt_flags::SWAPPED == 0 && t.swap_storage.is_none());
    no_findings(&s);
}

#[test]
fn m10_the_limit_is_soft() {
    let mut s = std_machine();
    let c = bo(&mut s, 10_000, &[SYS], Caching::Cached);
    let (r, ev) = step(&mut s, Action::BoFault { bo: c, page: 0 });
    r.unwrap();
    // TPA 10,000 > 8192 but C is the only BO and locked: nothing swapped, populate goes on.
    assert!(calls(&ev, Func::MTtSwapout).is_empty());
    // 10,000 = 9 × 1024 + 512 + 256 + 16: 12 fresh blocks.
    assert_eq!(
        fresh_orders(&ev),
        vec![10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 8, 4]
    );
    assert_eq!(m(&s).pages_allocated, 10_000);
    let d = bo(&mut s, 1, &[SYS], Caching::Cached);
    let (r, ev) = step(&mut s, Action::BoFault { bo: d, page: 0 });
    r.unwrap();
    // TPA 10,001 > 8192 → C (unlocked, populated) swapped; TPA 1.
    assert_eq!(calls(&ev, Func::MTtSwapout).len(), 1);
    assert_eq!(m(&s).pages_allocated, 1);
    no_findings(&s);
}

/// VRAM of 256 pages (1 MiB), A at [0,100), B at [100,200), C (100) in SYSTEM.
fn m11_setup() -> (Sim, u32, u32, u32) {
    let mut s = machine(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let a = bo(&mut s, 100, &[VRAM], Caching::Cached);
    let b = bo(&mut s, 100, &[VRAM], Caching::Cached);
    let c = bo(&mut s, 100, &[SYS], Caching::Cached);
    assert_eq!((res_of(&s, a).start, res_of(&s, b).start), (0, 100));
    assert_eq!(lru(&s, PL_VRAM), vec![a, b]);
    (s, a, b, c)
}

#[test]
fn m11a_eviction_with_the_lru_walker() {
    let (mut s, a, b, c) = m11_setup();
    let ctc = m(&s).bos[c as usize].tt.unwrap() as usize;
    assert!(s.state().tts[ctc].page_flags & tt_flags::ZERO_ALLOC != 0);
    let moved = m(&s).bytes_moved;
    let tpa = m(&s).pages_allocated;
    s.run(&Action::BoValidatePlaces {
        bo: c,
        places: vec![VRAM],
    })
    .unwrap();
    // A evicted to TT (its new tt without ZERO_ALLOC, populated); C at [0,100) exactly.
    assert_eq!(res_of(&s, c).start, 0);
    assert_eq!(res_of(&s, a).mem_type, PL_TT);
    let ta = m(&s).bos[a as usize].tt.unwrap() as usize;
    assert_eq!(s.state().tts[ta].page_flags & tt_flags::ZERO_ALLOC, 0);
    assert_eq!(lru(&s, PL_VRAM), vec![b, c]);
    assert_eq!(lru(&s, PL_TT), vec![a]);
    // 409,600 for A's eviction + 409,600 for C's move.
    assert_eq!(m(&s).bytes_moved - moved, 819_200);
    assert_eq!(m(&s).pages_allocated - tpa, 100);
    // C's move from an unpopulated ZERO_ALLOC tt clears the VRAM pages and populates nothing;
    // its tt is destroyed.
    assert!(m(&s).bos[c as usize].tt.is_none());
    assert!((0..100).all(|p| s.state().io_contents.get(&(PL_VRAM, p)) == Some(&0)));
    no_findings(&s);
}

#[test]
fn m11b_a_locked_lru_head_is_skipped() {
    let (mut s, a, b, c) = m11_setup();
    s.run(&Action::BoReserve {
        bo: a,
        ticket: None,
    })
    .unwrap();
    s.run(&Action::BoValidatePlaces {
        bo: c,
        places: vec![VRAM],
    })
    .unwrap();
    // The trylock-only walk skips A, evicts B; the holes merge to [100,256) → C at [100,200).
    assert_eq!(res_of(&s, a).mem_type, PL_VRAM);
    assert_eq!(res_of(&s, b).mem_type, PL_TT);
    assert_eq!(res_of(&s, c).start, 100);
    assert_eq!(lru(&s, PL_VRAM), vec![a, c]);
    no_findings(&s);
}

#[test]
fn m12_pinned_bos_are_never_evicted() {
    let mut s = machine(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let p = bo(&mut s, 128, &[VRAM], Caching::Cached);
    s.run(&Action::BoPin { bo: p }).unwrap();
    let e = bo(&mut s, 128, &[VRAM], Caching::Cached);
    assert_eq!(lru(&s, PL_VRAM), vec![e]);
    assert_eq!(m(&s).pinned.len(), 1);
    assert_eq!(m(&s).managers[PL_VRAM as usize].usage, 1_048_576);
    let d = bo(&mut s, 1, &[SYS], Caching::Cached);
    s.run(&Action::BoValidatePlaces {
        bo: d,
        places: vec![VRAM],
    })
    .unwrap();
    // E evicted; D best fit in [128,256) → 128.
    assert_eq!(res_of(&s, d).start, 128);
    assert_eq!(lru(&s, PL_VRAM), vec![d]);
    assert_eq!(
        m(&s)
            .pinned
            .iter()
            .map(|&r| m(&s).resources[r as usize].bo)
            .collect::<Vec<_>>(),
        vec![p]
    );
    // Pinned P cannot move: [TT] → -EINVAL; [VRAM] (compatible) → 0.
    assert_eq!(
        s.run(&Action::BoValidatePlaces {
            bo: p,
            places: vec![TT]
        }),
        Err(SimError::Kernel(Errno::Einval))
    );
    assert!(s
        .run(&Action::BoValidatePlaces {
            bo: p,
            places: vec![VRAM]
        })
        .is_ok());
    no_findings(&s);

    // Two pinned BOs fill VRAM: the walk finds nothing → -ENOMEM; D stays in SYSTEM.
    let mut s = machine(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    for _ in 0..2 {
        let p = bo(&mut s, 128, &[VRAM], Caching::Cached);
        s.run(&Action::BoPin { bo: p }).unwrap();
    }
    let d = bo(&mut s, 1, &[SYS], Caching::Cached);
    assert_eq!(
        s.run(&Action::BoValidatePlaces {
            bo: d,
            places: vec![VRAM]
        }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    assert_eq!(res_of(&s, d).mem_type, PL_SYSTEM);
    no_findings(&s);
}

#[test]
fn m13_desired_and_fallback() {
    let desired = [
        TtmPlace::new(PL_VRAM, pf::DESIRED),
        TtmPlace::new(PL_TT, pf::FALLBACK),
    ];
    let mut s = machine(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let x = bo(&mut s, 256, &[VRAM], Caching::Cached);
    let moved = m(&s).bytes_moved;
    let f = bo(&mut s, 64, &desired, Caching::Cached);
    // Pass 1: VRAM -ENOSPC (no eviction), TT skipped; pass 2: VRAM skipped, TT → F in TT.
    assert_eq!(res_of(&s, f).mem_type, PL_TT);
    assert_eq!(res_of(&s, x).mem_type, PL_VRAM);
    assert_eq!(m(&s).bytes_moved - moved, 262_144);
    // 2nd validate, VRAM still full: pass 1 not compatible, VRAM -ENOSPC; pass 2 compatible.
    let moved = m(&s).bytes_moved;
    s.run(&Action::BoValidatePlaces {
        bo: f,
        places: desired.to_vec(),
    })
    .unwrap();
    assert_eq!(
        (res_of(&s, f).mem_type, m(&s).bytes_moved - moved),
        (PL_TT, 0)
    );
    // 3rd validate after X is freed: pass 1 gets VRAM.
    s.run(&Action::BoUnref { bo: x }).unwrap();
    s.run(&Action::BoValidatePlaces {
        bo: f,
        places: desired.to_vec(),
    })
    .unwrap();
    assert_eq!(res_of(&s, f).mem_type, PL_VRAM);
    no_findings(&s);

    // [VRAM, TT] without flags: F lands in TT in pass 1 and stays there for good.
    let mut s = machine(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let x = bo(&mut s, 256, &[VRAM], Caching::Cached);
    let f = bo(&mut s, 64, &[VRAM, TT], Caching::Cached);
    assert_eq!(res_of(&s, f).mem_type, PL_TT);
    s.run(&Action::BoUnref { bo: x }).unwrap();
    s.run(&Action::BoValidatePlaces {
        bo: f,
        places: vec![VRAM, TT],
    })
    .unwrap();
    assert_eq!(res_of(&s, f).mem_type, PL_TT);
    // [VRAM] alone: pass 2 evicts.
    let mut s = machine(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let x = bo(&mut s, 256, &[VRAM], Caching::Cached);
    let f = bo(&mut s, 64, &[VRAM], Caching::Cached);
    assert_eq!(res_of(&s, f).mem_type, PL_VRAM);
    assert_ne!(res_of(&s, x).mem_type, PL_VRAM);
    no_findings(&s);
}

#[test]
fn m14_swap_out_selection_rules() {
    // S3 (an imported EXTERNAL BO) is left out: the actions create no sg BOs; it would be
    // skipped and is not counted, so the numbers are the same.
    let mut s = std_machine();
    let s1 = bo(&mut s, 400, &[SYS], Caching::Cached);
    let s2 = bo(&mut s, 500, &[SYS], Caching::Cached);
    s.run(&Action::BoFault { bo: s2, page: 0 }).unwrap();
    let s4 = bo(&mut s, 700, &[SYS], Caching::Cached);
    s.run(&Action::BoFault { bo: s4, page: 0 }).unwrap();
    let t1 = bo(&mut s, 900, &[TT], Caching::Wc);
    let z = bo(&mut s, 7000, &[SYS], Caching::Cached);
    s.run(&Action::BoReserve {
        bo: s2,
        ticket: None,
    })
    .unwrap();
    assert_eq!(m(&s).pages_allocated, 500 + 700 + 900);
    assert_eq!(lru(&s, PL_SYSTEM), vec![s1, s2, s4, z]);
    assert_eq!(lru(&s, PL_TT), vec![t1]);
    let (r, ev) = step(&mut s, Action::BoFault { bo: z, page: 0 });
    r.unwrap();
    // #1: S1 unpopulated, S2 locked → S4 swapped (TPA 8400); #2: nothing in SYSTEM → T1.
    let swapped: Vec<u64> = calls(&ev, Func::MTtSwapout)
        .into_iter()
        .map(|a| a[0])
        .collect();
    let tt = |b: u32| m(&s).bos[b as usize].tt.unwrap() as u64;
    assert_eq!(swapped, vec![tt(s4), tt(t1)]);
    // T1's 900 WC pages: blocks 9, 8, 7, 2 into the WC pools.
    assert_eq!(wc_blocks(&s), with(&[(9, 1), (8, 1), (7, 1), (2, 1)]));
    assert_eq!(m(&s).pool_allocated, 900);
    // Z: 7000 = 6 × 1024 + 512 + 256 + 64 + 16 + 8.
    assert_eq!(
        fresh_orders(&ev),
        vec![10, 10, 10, 10, 10, 10, 9, 8, 6, 4, 3]
    );
    assert_eq!(m(&s).pages_allocated, 7500);
    assert_eq!(lru(&s, PL_SYSTEM), vec![s1, s2, s4, z, t1]);
    assert!(lru(&s, PL_TT).is_empty());
    no_findings(&s);
}

#[test]
fn m15_a_failed_populate_grows_the_pool() {
    // Fresh block allocations counted from boot: #1 is the setup's order-2 block; the 20-page
    // populate then tries order 4 (#2, fails), order 3 (#3 succeeds, #4 fails), order 2 (#5
    // fails, after taking wc[2]'s block), order 1 (#6 fails), order 0 (#7 fails).
    let mut s = machine(|c| c.faults.block_alloc = vec![2, 4, 5, 6, 7]);
    let setup = tt_create(&mut s, 4, Caching::Wc);
    s.run(&Action::TtPopulate { tt: setup }).unwrap();
    s.run(&Action::TtUnpopulate { tt: setup }).unwrap();
    assert_eq!(m(&s).pool_allocated, 4);
    let tt = tt_create(&mut s, 20, Caching::Wc);
    let (r, ev) = step(&mut s, Action::TtPopulate { tt });
    assert_eq!(r, Err(SimError::Kernel(Errno::Enomem)));
    // Pages 0..7 were converted (one call, 8 pages) before wc[2]'s block was appended.
    assert_eq!(wc_calls(&ev), vec![8]);
    // caching_divide = 12: both blocks freed with WC caching → wc[3] and wc[2]; PAP 4 → 12.
    assert_eq!(wc_blocks(&s), with(&[(3, 1), (2, 1)]));
    assert_eq!(m(&s).pool_allocated, 12);
    assert_eq!(m(&s).pages_allocated, 0);
    assert_eq!(s.state().tts[tt as usize].pages_present(), 0);
    no_findings(&s);
}

#[test]
fn a_kernel_bo_gets_a_tt_without_zero_alloc() {
    // mspec 3.2: device → ZERO_ALLOC iff asked; kernel → none.
    let mut s = std_machine();
    let b = match s
        .run(&Action::BoCreatePlaces {
            pages: 1,
            places: vec![SYS],
            caching: Caching::Cached,
            kernel: true,
            priority: 0,
        })
        .unwrap()
    {
        Output::Bo(b) => b,
        o => panic!("{o:?}"),
    };
    assert_eq!(m(&s).bos[b as usize].btype, bo_type::KERNEL);
    let t = m(&s).bos[b as usize].tt.unwrap() as usize;
    assert_eq!(s.state().tts[t].page_flags & tt_flags::ZERO_ALLOC, 0);
    // KUnit ttm_bo_init_reserved_sys_man: bytes_moved = 4 KiB, SYSTEM usage 4 KiB.
    assert_eq!(m(&s).bytes_moved, 4096);
    assert_eq!(m(&s).managers[PL_SYSTEM as usize].usage, 4096);
}

#[test]
fn multihop_vram_to_system_moves_twice() {
    // KUnit ttm_bo_validate_multihop: VRAM → SYSTEM through TT gives bytes_moved = 2 × size.
    let mut s = std_machine();
    let b = bo(&mut s, 4, &[VRAM], Caching::Cached);
    let moved = m(&s).bytes_moved;
    s.run(&Action::BoValidatePlaces {
        bo: b,
        places: vec![SYS],
    })
    .unwrap();
    assert_eq!(m(&s).bytes_moved - moved, 2 * 4 * 4096);
    assert_eq!(res_of(&s, b).mem_type, PL_SYSTEM);
    no_findings(&s);
}
