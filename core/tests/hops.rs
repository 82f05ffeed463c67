//! The hops API (`Recording::hops`, `Stepper::hops_since`): pages, contents and buffer objects
//! travel along the path the kernel took. Every expected sequence is reasoned from the spec in
//! the test (W3, W5, W6, W12, W23 and sections 2.8, 2.9, 3.3–3.8, 3.12, 7.2).
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use ttm_core::hops::{Hop, Place, What};
use ttm_core::{Action, Caching, Era, MachineConfig, Recording, Sim, Stepper, SysfsAttr};

/// Run `actions` on `cfg`; return the recording and the position just before each action plus
/// the end (`bounds[k]..bounds[k + 1]` is action k).
fn record(cfg: MachineConfig, actions: &[Action]) -> (Rc<Recording>, Vec<u64>) {
    let mut sim = Sim::new(cfg).expect("machine boots");
    let mut bounds = Vec::new();
    for a in actions {
        bounds.push(sim.trace().len());
        let out = sim.run(a);
        assert!(out.is_ok(), "{a:?}: {out:?}");
    }
    bounds.push(sim.trace().len());
    (Rc::new(Recording::new(Rc::new(sim), 10)), bounds)
}

/// The hops of action `k`.
fn of_action(rec: &Recording, bounds: &[u64], k: usize) -> Vec<Hop> {
    rec.hops(bounds[k], bounds[k + 1])
}

/// (what, from, to, count) of each hop.
fn routes(hops: &[Hop]) -> Vec<(What, Place, Place, u64)> {
    hops.iter()
        .map(|h| (h.what, h.from, h.to, h.count))
        .collect()
}

fn tt_create(pages: u32, caching: Caching) -> Action {
    Action::TtCreate {
        pages,
        caching,
        flags: 0,
        dma: false,
    }
}

const PAGES: What = What::Pages;
const CONTENTS: What = What::Contents;

#[test]
fn a_refill_is_two_hops_system_to_pool_then_pool_to_tt() {
    // W3: page 1 finds the wc pool empty and refills 512 pages (spec 3.5): they are allocated
    // onto ttm_alloc_new_pages' private list and spliced into the pool — one hop system → pool.
    // Then ttm_pool_populate asks for one page per call (spec 3.12); only page 1 refills, so the
    // 20 takes are consecutive moves of one route: one hop pool → tt of 20, after the refill.
    let (rec, b) = record(
        MachineConfig::default(),
        &[tt_create(20, Caching::Wc), Action::TtPopulate { tt: 0 }],
    );
    let hops = of_action(&rec, &b, 1);
    assert_eq!(
        routes(&hops),
        vec![
            (PAGES, Place::System, Place::Pool(0), 512),
            (PAGES, Place::Pool(0), Place::Tt(0), 20),
        ]
    );
    let (refill, take) = (&hops[0], &hops[1]);
    assert!(refill.last_event < take.first_event);
    // Spec 3.3: the batch goes in at the head with the most recently allocated page first, and a
    // get takes from the head: the first page taken is the last one allocated.
    assert_eq!(take.pfns[0], refill.pfns[511]);
    // Slot i gets the i-th page (spec 3.12 step 2 fills pages[i] in order).
    assert_eq!(take.slots, (0..20).map(Some).collect::<Vec<_>>());
    assert_eq!(take.pfns.len(), 20);
}

#[test]
fn a_second_refill_interleaves_w5() {
    // W5: a 600-page wc tt from an empty pool: page 1 refills 512, pages 1..512 drain the pool,
    // page 513 refills again and pages 513..600 (88) are taken from it.
    let (rec, b) = record(
        MachineConfig::default(),
        &[tt_create(600, Caching::Wc), Action::TtPopulate { tt: 0 }],
    );
    assert_eq!(
        routes(&of_action(&rec, &b, 1)),
        vec![
            (PAGES, Place::System, Place::Pool(0), 512),
            (PAGES, Place::Pool(0), Place::Tt(0), 512),
            (PAGES, Place::System, Place::Pool(0), 512),
            (PAGES, Place::Pool(0), Place::Tt(0), 88),
        ]
    );
}

#[test]
fn an_unpopulate_with_a_trim_w6() {
    // W6: after W5, pool_max_size "2400" KiB = 600 pages. ttm_pool_unpopulate puts one page per
    // call at the pool tail (spec 3.7, 3.12): the pool holds 424, so after the 177th page it has
    // 601 > 600 and ttm_page_pool_free trims max(1, 512) = 512 from the tail (spec 3.8), through a
    // private batch, back to the system; the remaining 423 pages then go to the pool.
    let (rec, b) = record(
        MachineConfig::default(),
        &[
            tt_create(600, Caching::Wc),
            Action::TtPopulate { tt: 0 },
            Action::SysfsWrite {
                attr: SysfsAttr::PoolMaxSize,
                zone: 0,
                value: "2400".into(),
            },
            Action::TtUnpopulate { tt: 0 },
        ],
    );
    let hops = of_action(&rec, &b, 3);
    assert_eq!(
        routes(&hops),
        vec![
            (PAGES, Place::Tt(0), Place::Pool(0), 177),
            (PAGES, Place::Pool(0), Place::System, 512),
            (PAGES, Place::Tt(0), Place::Pool(0), 423),
        ]
    );
    // The trim starts at the tail: the page just returned (slot 176) is the first one freed.
    assert_eq!(hops[1].pfns[0], hops[0].pfns[176]);
    assert_eq!(hops[0].slots[176], Some(176));
}

#[test]
fn a_swap_out_moves_contents_to_the_file_then_the_pages_to_the_system() {
    // Spec 2.8: the contents of each present page are copied into a new shmem file (step 2),
    // then the unpopulate frees the pages (step 3) — straight to the system, as a swapped tt is
    // cached and cached pages bypass the pools (spec 3.1, 3.7 step 1). A persistent file handed
    // in by the owner is the other kind of swap place.
    let (rec, b) = record(
        MachineConfig::default(),
        &[
            tt_create(20, Caching::Cached),
            Action::TtPopulate { tt: 0 },
            Action::TtWrite { tt: 0, seed: 7 },
            Action::TtSwapout {
                tt: 0,
                persistent: None,
            },
            tt_create(4, Caching::Cached),
            Action::TtPopulate { tt: 1 },
            Action::SwapFileCreate { pages: 4 },
            Action::TtSwapout {
                tt: 1,
                persistent: Some(1),
            },
        ],
    );
    let hops = of_action(&rec, &b, 3);
    assert_eq!(
        routes(&hops),
        vec![
            (CONTENTS, Place::Tt(0), Place::SwapFile(0), 20),
            (PAGES, Place::Tt(0), Place::System, 20),
        ]
    );
    assert!(hops[0].pfns.is_empty());
    assert_eq!(hops[0].slots, (0..20).map(Some).collect::<Vec<_>>());
    // Swap file 0 was made by the first swap-out, so SwapFileCreate made file 1.
    assert_eq!(
        routes(&of_action(&rec, &b, 7)),
        vec![
            (CONTENTS, Place::Tt(1), Place::PersistentSwap(1), 4),
            (PAGES, Place::Tt(1), Place::System, 4),
        ]
    );
}

#[test]
fn a_swap_in_allocates_the_pages_then_copies_the_contents_back() {
    // Spec 3.12: the pages are allocated first (step 2; cached: directly from the system, spec
    // 3.4 step 2), then ttm_tt_swapin copies each swap page into them (step 3, spec 2.9).
    let (rec, b) = record(
        MachineConfig::default(),
        &[
            tt_create(20, Caching::Cached),
            Action::TtPopulate { tt: 0 },
            Action::TtSwapout {
                tt: 0,
                persistent: None,
            },
            Action::TtPopulate { tt: 0 },
        ],
    );
    assert_eq!(
        routes(&of_action(&rec, &b, 3)),
        vec![
            (PAGES, Place::System, Place::Tt(0), 20),
            (CONTENTS, Place::SwapFile(0), Place::Tt(0), 20),
        ]
    );
}

#[test]
fn a_never_populated_tt_swaps_out_nothing_and_swaps_in_every_page_w23() {
    // W23: the copy loop of a swap-out of an unpopulated tt does nothing (no hop at all); the
    // later populate allocates 16 pages and swap-in copies 16 (zero-filled) shmem pages, which
    // changes no page's contents but is still a copy the kernel made.
    let (rec, b) = record(
        MachineConfig::default(),
        &[
            tt_create(16, Caching::Cached),
            Action::TtSwapout {
                tt: 0,
                persistent: None,
            },
            Action::TtPopulate { tt: 0 },
        ],
    );
    assert_eq!(of_action(&rec, &b, 1), vec![]);
    assert_eq!(
        routes(&of_action(&rec, &b, 2)),
        vec![
            (PAGES, Place::System, Place::Tt(0), 16),
            (CONTENTS, Place::SwapFile(0), Place::Tt(0), 16),
        ]
    );
}

#[test]
fn an_e1_swap_in_alternates_page_and_contents() {
    // Spec 2.9, E0/E1: swap-in allocates each page itself (one __ttm_tt_get_page per index)
    // before copying into it, so a page arrives, then its contents, index by index: the routes
    // alternate and nothing merges.
    let cfg = MachineConfig {
        era: Era::E1,
        ..MachineConfig::default()
    };
    let (rec, b) = record(
        cfg,
        &[
            tt_create(3, Caching::Cached),
            Action::TtPopulate { tt: 0 },
            Action::TtSwapout {
                tt: 0,
                persistent: None,
            },
            Action::TtPopulate { tt: 0 },
        ],
    );
    let one_page = (PAGES, Place::System, Place::Tt(0), 1);
    let one_copy = (CONTENTS, Place::SwapFile(0), Place::Tt(0), 1);
    assert_eq!(
        routes(&of_action(&rec, &b, 3)),
        vec![one_page, one_copy, one_page, one_copy, one_page, one_copy]
    );
}

#[test]
fn a_bounce_move_through_gtt_shows_both_legs() {
    // Spec 7.2, radeon with the ring ready: VRAM → SYSTEM is a bounce: a temporary TT range keeps
    // the current WC caching, binding populates the tt (from the wc pool: refill then takes,
    // W3's two hops), the blit makes the BO TT, then ttm_bo_move_ttm makes it SYSTEM. So the
    // pages arrive first, then the BO goes VRAM → TT, then TT → SYSTEM.
    let (rec, b) = record(
        MachineConfig::default(),
        &[
            Action::BoCreate {
                pages: 16,
                placement: "vram".into(),
                kernel: false,
                via_ttm_bo_create: false,
                device: 0,
            },
            Action::BoValidate {
                bo: 0,
                placement: "cpu".into(),
                pin: false,
            },
        ],
    );
    let hops = of_action(&rec, &b, 1);
    let vram = Place::Memory(2);
    let tt = Place::Memory(1);
    let system = Place::Memory(0);
    let bo = What::Bo(0);
    let legs: Vec<_> = routes(&hops).into_iter().filter(|r| r.0 == bo).collect();
    assert_eq!(legs, vec![(bo, vram, tt, 16), (bo, tt, system, 16)]);
    let first_leg = hops.iter().position(|h| h.what == bo).unwrap();
    let tt_id = match rec.sim().state().bos[0].tt {
        Some(t) => t,
        None => panic!("a SYSTEM BO keeps its tt"),
    };
    assert_eq!(
        routes(&hops[..first_leg]),
        vec![
            (PAGES, Place::System, Place::Pool(0), 512),
            (PAGES, Place::Pool(0), Place::Tt(tt_id), 16),
        ]
    );
}

#[test]
fn backward_hops_are_the_forward_ones_reversed_and_turned_around() {
    // Walking back over W3's populate undoes the take (tt → pool, 20) and then the refill
    // (pool → system, 512), each page list in reverse.
    let (rec, b) = record(
        MachineConfig::default(),
        &[tt_create(20, Caching::Wc), Action::TtPopulate { tt: 0 }],
    );
    let fwd = rec.hops(b[1], b[2]);
    let back = rec.hops(b[2], b[1]);
    assert_eq!(
        routes(&back),
        vec![
            (PAGES, Place::Tt(0), Place::Pool(0), 20),
            (PAGES, Place::Pool(0), Place::System, 512),
        ]
    );
    let mut first: Vec<u64> = fwd[1].pfns.clone();
    first.reverse();
    assert_eq!(back[0].pfns, first);
    assert_eq!(back[0].first_event, fwd[1].first_event);
    // The stepper asks the same question from where it stands.
    let mut st = Stepper::over(rec.clone());
    st.seek(b[1]);
    assert_eq!(st.hops_since(b[2]), back);
    st.seek(b[2]);
    assert_eq!(st.hops_since(b[1]), fwd);
}

#[test]
fn a_window_inside_a_call_sees_pages_in_transit_from_where_they_came() {
    // A window that starts while the refill batch is on ttm_alloc_new_pages' private list still
    // reports those pages as coming from the system (spec 3.6: every page is pushed onto that
    // list), and one that ends before the splice reports no hop for them yet.
    let (rec, b) = record(
        MachineConfig::default(),
        &[tt_create(20, Caching::Wc), Action::TtPopulate { tt: 0 }],
    );
    let all = rec.hops(b[1], b[2]);
    let splice = all[0].first_event;
    assert_eq!(
        routes(&rec.hops(splice - 1, b[2]))[0],
        (PAGES, Place::System, Place::Pool(0), 512)
    );
    assert_eq!(rec.hops(b[1], splice), vec![]);
}
