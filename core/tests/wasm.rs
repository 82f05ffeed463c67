//! A representative subset of the core tests, run inside headless Chromium by
//! `wasm-pack test --headless --chrome core` (the same model compiled to wasm32).
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use ttm_core::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn w3_w4_populate_and_unpopulate_in_the_browser() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    populate(&mut s, tt);
    let wc = &s.state().pools[0];
    assert_eq!((wc.npages, wc.nrefills, wc.nfrees), (492, 1, 0));
    assert_eq!(used(&s, 0), 81_920);
    unpopulate(&mut s, tt);
    assert_eq!(s.state().pools[0].npages, 512);
    assert_eq!(used(&s, 0), 0);
}

#[wasm_bindgen_test]
fn w8_shrinker_rotation_in_the_browser() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    populate(&mut s, tt);
    unpopulate(&mut s, tt);
    assert_eq!(
        s.run(&Action::PoolShrink { nr_to_scan: 128 }).unwrap(),
        Output::PagesLeft(384)
    );
    assert_eq!(
        s.run(&Action::PoolShrink { nr_to_scan: 0 }).unwrap(),
        Output::PagesLeft(384)
    );
    assert_eq!(
        s.run(&Action::PoolShrink { nr_to_scan: 1000 }).unwrap(),
        Output::PagesLeft(0)
    );
}

#[wasm_bindgen_test]
fn w10_d1_in_the_browser() {
    let mut s = sim();
    s.run(&Action::MemCharge { bytes: 33_538_048 }).unwrap();
    let tt = create(&mut s, 10, Caching::Cached);
    assert_eq!(
        s.run(&Action::TtPopulate { tt }),
        Err(SimError::Kernel(Errno::Enomem))
    );
    assert_eq!(used(&s, 0), 33_533_952);
}

#[wasm_bindgen_test]
fn w13_dma_pool_in_the_browser() {
    let mut s = sim_with(|c| c.swiotlb = true);
    let tt = create_with(&mut s, 20, Caching::Wc, 0, true);
    populate(&mut s, tt);
    let p = &s.state().dma_pools[0];
    assert_eq!((p.nrefills, p.npages_in_use, p.npages_free), (6, 20, 4));
}

#[wasm_bindgen_test]
fn trace_replays_in_the_browser() {
    let mut s = sim();
    let tt = create(&mut s, 40, Caching::Uncached);
    populate(&mut s, tt);
    s.run(&Action::TtSetCaching {
        tt,
        caching: Caching::Cached,
    })
    .unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    assert_eq!(&replay(&s, s.trace().len()), s.state());
}

fn bo_create(s: &mut Sim, pages: u32, placement: &str) -> u32 {
    match s
        .run(&Action::BoCreate {
            pages,
            placement: placement.into(),
            kernel: false,
            via_ttm_bo_create: false,
            device: 0,
        })
        .unwrap()
    {
        Output::Bo(b) => b,
        o => panic!("{o:?}"),
    }
}

#[wasm_bindgen_test]
fn w19_eviction_order_in_the_browser() {
    let mut s = sim_with(|c| {
        c.driver.vram_mib = 1;
        c.driver.visible_vram_mib = 1;
    });
    let a = bo_create(&mut s, 100, "vram");
    let b = bo_create(&mut s, 100, "vram");
    let c = bo_create(&mut s, 100, "vram");
    assert_eq!(s.state().bos[c as usize].mem.start, 0);
    assert_eq!(s.state().managers[2].lru, vec![b, c]);
    assert!(s.state().bos[a as usize].evicted);
}

#[wasm_bindgen_test]
fn w12_swap_cycle_in_the_browser() {
    let mut s = sim();
    let bo = bo_create(&mut s, 20, "vram");
    s.run(&Action::EvictMm {
        mem_type: 2,
        device: 0,
    })
    .unwrap();
    assert_eq!(s.state().pools[0].npages, 492);
    s.run(&Action::BoSwapout).unwrap();
    let tt = s.state().bos[bo as usize].tt.unwrap() as usize;
    assert!(s.state().tts[tt].swapped());
    assert_eq!(s.state().pools[0].npages, 492);
}

#[wasm_bindgen_test]
fn stepper_and_scenarios_in_the_browser() {
    let sc = ttm_core::catalog::load("pool-refill").unwrap().unwrap();
    let run = sc.run().unwrap();
    assert!(run.mismatches.is_empty());
    let sim = std::rc::Rc::new(run.sim);
    let mut st = Stepper::new(sim.clone());
    st.seek(st.len());
    assert_eq!(st.state(), sim.state());
    st.seek(0);
    assert_eq!(st.state(), sim.boot_state());
    assert!(st.next_landmark(Landmark::Refill));
}

#[wasm_bindgen_test]
fn exercises_and_random_problems_in_the_browser() {
    use ttm_core::exercise::{questions, random_problem, Answer};
    // pool-refill asks W3 (492 left in the wc pool) and W4 (512 back).
    let run = ttm_core::catalog::load("pool-refill")
        .unwrap()
        .unwrap()
        .run()
        .unwrap();
    let (qs, missing) = questions(&run);
    assert!(missing.is_empty());
    let answers: Vec<&Answer> = qs.iter().map(|q| &q.answer).collect();
    assert_eq!(answers, [&Answer::Number(492), &Answer::Number(512)]);
    // The xorshift generator gives the same problem in wasm32 as natively (64-bit arithmetic).
    // Seed 17, worked by hand with the same xorshift64* (state = 17 * 0x9e3779b97f4a7c15 | 1):
    // the first two outputs give tt sizes 1 + x % 700 = 276 and 1 + y % 300 = 192, the third
    // picks caching index 0 (wc).
    let (a, qa) = random_problem(17, 2);
    match (&a.steps[0].action, &a.steps[2].action) {
        (
            Action::TtCreate {
                pages: 276,
                caching: Caching::Wc,
                ..
            },
            Action::TtCreate { pages: 192, .. },
        ) => {}
        other => panic!("unexpected problem: {other:?}"),
    }
    assert!(!qa.is_empty());
}
