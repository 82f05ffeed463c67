//! The stage (core/src/stage.rs): what it shows of the machine, with numbers from the spec's
//! worked examples.

mod common;
use common::*;
use ttm_core::hops::Place;
use ttm_core::stage::{stage, Cell};
use ttm_core::*;

/// W3: a 20-page wc tt populated on the standard 64 MiB machine (16,384 pages). The empty wc pool
/// refills 512 pages and hands 20 to the tt: system memory keeps 16,384 − 512 = 15,872 pages, the
/// wc shelf shows 492 write-combined pages, the tt's 20 slots are write-combined and the row is
/// unbound. Binding changes its state, not its colours (a bound tt still shows its caching).
#[test]
fn a_populated_wc_tt_shows_its_caching_and_state() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    populate(&mut s, tt);
    let st = stage(s.state());
    assert_eq!(st.ram_pages, 16_384);
    assert_eq!(st.system_pages, 15_872);
    let wc = &st.pools[0];
    assert_eq!(
        (wc.place, wc.npages, wc.cells.len()),
        (Place::Pool(0), 492, 492)
    );
    assert!(wc.cells.iter().all(|&c| c == Cell::Wc as u8));
    let row = &st.tts[0];
    assert_eq!(row.state, TtState::Unbound);
    assert_eq!(row.caption, "tt_unbound, tt_wc");
    assert_eq!(*row.cells, vec![Cell::Wc as u8; 20]);
    s.run(&Action::TtBind { tt }).unwrap();
    let row = &stage(s.state()).tts[0];
    assert_eq!(row.state, TtState::Bound);
    assert_eq!(
        *row.cells,
        vec![Cell::Wc as u8; 20],
        "bound keeps the caching visible"
    );
    let text = stage(s.state()).summary();
    assert!(
        text.contains("System memory holds 15,872 of 16,384 pages."),
        "{text}"
    );
    // 20 charged pages = 80 KiB; the 64 MiB zone's limits are 3/8 and 1/2 of it (spec 5.2).
    assert!(
        text.contains("kernel zone 80 KiB used of 64 MiB (swap_limit 24 MiB, max_mem 32 MiB)"),
        "{text}"
    );
    assert!(text.contains("pool wc 492 pages"), "{text}");
    assert!(
        text.contains("tt 0 (tt_bound, tt_wc): 20 of 20 slots hold a page."),
        "{text}"
    );
}

/// Spec 2.8: a swapped-out tt has no pages; its slots show contents in swap, and the swap file
/// it owns is on the stage with the pages that hold data (a written tt: every page).
#[test]
fn a_swapped_tt_shows_its_contents_in_the_swap_file() {
    let mut s = sim();
    let tt = create(&mut s, 4, Caching::Cached);
    populate(&mut s, tt);
    s.run(&Action::TtWrite { tt, seed: 3 }).unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    let st = stage(s.state());
    assert!(st.tts[0].swapped);
    assert_eq!(*st.tts[0].cells, vec![Cell::Swapped as u8; 4]);
    let f = &st.swap[0];
    assert_eq!(
        (f.place, f.pages, f.written, f.tt),
        (Place::SwapFile(0), 4, 4, Some(0))
    );
    assert!(st
        .summary()
        .contains("swap file 0: 4 pages written of 4 pages."));
}

/// W19's first steps (the eviction-order walkthrough): two 100-page BOs in a 1 MiB (256-page)
/// VRAM take [0, 100) and [100, 200), in LRU order A then B.
#[test]
fn memory_types_show_ranges_and_lru_order() {
    let mut s = sim_with(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    for _ in 0..2 {
        s.run(&Action::BoCreate {
            pages: 100,
            placement: "vram".into(),
            kernel: false,
            via_ttm_bo_create: false,
            device: 0,
        })
        .unwrap();
    }
    let st = stage(s.state());
    let vram = st
        .memory
        .iter()
        .find(|m| m.name == "VRAM")
        .expect("a VRAM bar");
    assert_eq!(vram.size, 256);
    let ranges: Vec<(u64, u64, u32)> = vram.ranges.iter().map(|r| (r.start, r.len, r.bo)).collect();
    assert_eq!(ranges, vec![(0, 100, 0), (100, 100, 1)]);
    assert_eq!(vram.lru, vec![0, 1]);
    assert!(st
        .summary()
        .contains("VRAM: BO 0 at [0, 100), BO 1 at [100, 200); LRU 0 → 1."));
}

/// A Linux 6.12 machine draws its pool as pool types by caching and order (mspec 4.1, 4.2): after
/// the M2 populate-and-release of `modern-pool-orders`, the wc blocks wait on their order's
/// shelves (what the run's own `modern.pool_blocks.wc` counts), not on the empty 3.3 pools; its
/// tt rows name the 6.12 flags.
#[test]
fn a_6_12_stage_shows_pool_types_by_order() {
    let run = catalog::run("modern-pool-orders").unwrap().unwrap();
    let st = run.sim.state();
    let stage = stage(st);
    let m = st.modern.as_deref().expect("a 6.12 machine");
    let held: Vec<usize> = (0..m.pool_types.len())
        .filter(|&i| !m.pool_types[i].pages.is_empty())
        .collect();
    // The last steps (M2, mspec 4.4-4.9): after tt 1's release the wc types hold one block of
    // order 2, 3 and 4 (4 + 8 + 16 = 28 pages); the shrinker scan frees 4 of them (28 -> 24, the
    // order-2 block), so an order-3 and an order-4 shelf remain, of 8 and 16 pages.
    let sizes: Vec<u64> = stage.pools.iter().map(|s| s.npages).collect();
    assert_eq!(sizes.iter().sum::<u64>(), 24);
    let mut sorted = sizes.clone();
    sorted.sort();
    assert_eq!(sorted, [8, 16]);
    {
        let places: Vec<Place> = stage.pools.iter().map(|s| s.place).collect();
        let want: Vec<Place> = held.iter().map(|&i| Place::ModernPool(i as u16)).collect();
        assert_eq!(places, want);
        for s in &stage.pools {
            let Place::ModernPool(i) = s.place else {
                unreachable!()
            };
            let t = &m.pool_types[i as usize];
            assert_eq!(
                s.cells.len(),
                t.pages.len(),
                "one cell per page of its blocks"
            );
            assert_eq!(
                s.npages % (1 << t.order),
                0,
                "whole blocks of 2^order pages"
            );
            assert!(s.label.starts_with("pool type "), "{}", s.label);
        }
    }
    assert!(stage
        .pools
        .iter()
        .all(|s| matches!(s.place, Place::ModernPool(_))));
}

/// mspec 2.2, 3.8, 5.4, 5.5: a 6.12 stage has no 3.3 accounting zones; its gauge is
/// ttm_pages_allocated against pages_limit, and its memory bars are the resource managers with
/// their resources and LRUs. In `modern-eviction` after step 3 (M11): BO 0 was evicted from VRAM
/// to TT (100 pages populated and charged), BO 1 sits at [100, 200) and BO 2 at [0, 100); VRAM's
/// LRU is [1, 2] and TT's [0]. The 64 MiB machine's pages_limit is 16,384 / 2 = 8,192 pages
/// = 32 MiB (M1), so 100 pages = 400 KiB are well below it.
#[test]
fn a_6_12_stage_shows_the_page_limit_and_the_managers() {
    let run = catalog::run("modern-eviction").unwrap().unwrap();
    let rec = Recording::new(std::rc::Rc::new(run.sim), 2);
    let st = rec.state_at(run.steps[3].end_event);
    let stage = stage(&st);
    let names: Vec<&str> = stage.zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(names, ["pages_limit"], "no 3.3 zones on 6.12 (mspec 9.3)");
    let g = &stage.zones[0];
    assert_eq!(g.used, 100 * 4096);
    assert_eq!(g.full, 64 << 20);
    assert_eq!(g.marks.len(), 1);
    assert_eq!((g.marks[0].name, g.marks[0].at), ("pages_limit", 32 << 20));
    assert_eq!(g.level(), "ok");
    let bar = |name: &str| {
        stage
            .memory
            .iter()
            .find(|b| b.name == name)
            .unwrap_or_else(|| panic!("no {name} bar: {:?}", stage.memory))
    };
    let vram = bar("VRAM");
    // 1 MiB of VRAM = 256 pages.
    assert_eq!(vram.size, 256);
    let ranges: Vec<(u32, u64, u64)> = vram.ranges.iter().map(|r| (r.bo, r.start, r.len)).collect();
    let mut sorted = ranges.clone();
    sorted.sort_by_key(|r| r.1);
    assert_eq!(sorted, [(2, 0, 100), (1, 100, 100)]);
    assert_eq!(vram.lru, [1, 2]);
    assert_eq!(bar("TT").lru, [0]);
    let text = stage.summary();
    assert!(
        text.contains("ttm_pages_allocated 400 KiB used of 64 MiB (pages_limit 32 MiB)"),
        "{text}"
    );
}
