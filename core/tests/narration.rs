//! Narration and the built-in catalog.

mod common;
use common::*;
use ttm_core::narrate::narrate;
use ttm_core::*;

#[test]
fn populate_is_narrated_with_the_spec_numbers() {
    // W3: a refill takes 512 pages from the system into the wc pool and 20 go on into tt 0, so
    // over the whole action 492 pages end in the pool and 20 in the tt; the kernel zone is
    // charged 20 × 4096 bytes.
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    let before = s.trace().len();
    let st = s.state().clone();
    populate(&mut s, tt);
    let text = narrate(&s, &st, before, s.trace().len());
    for want in [
        "492 pages moved from system memory to the wc pool",
        "20 pages moved from system memory to tt 0",
        "512 pages set to wc",
        "kernel zone used_mem +81920",
        "wc pool refills +1",
    ] {
        assert!(text.contains(want), "{want:?} not in {text:?}");
    }
}

#[test]
fn single_events_are_described() {
    let mut s = sim();
    let tt = create(&mut s, 1, Caching::Wc);
    let start = s.trace().len();
    populate(&mut s, tt);
    let st = s.boot_state().clone();
    // Event `start` is the Mark, `start + 1` is the Enter of ttm_pool_populate.
    assert_eq!(
        narrate(&s, &st, start, start + 1),
        "Next action: populate tt 0."
    );
    let t = narrate(&s, &st, start + 1, start + 2);
    assert!(
        t.starts_with("ttm_pool_populate(tt=0) is called: allocate every page"),
        "{t}"
    );
}

#[test]
fn findings_are_part_of_the_narration() {
    let mut s = sim();
    s.run(&Action::MemCharge { bytes: 33_538_048 }).unwrap();
    let tt = create(&mut s, 10, Caching::Cached);
    let before = s.trace().len();
    let st = s.state().clone();
    let _ = s.run(&Action::TtPopulate { tt });
    let text = narrate(&s, &st, before, s.trace().len());
    assert!(text.contains("D1:"), "{text}");
}

#[test]
fn the_catalog_embeds_every_walkthrough() {
    let names: Vec<&str> = catalog::names().collect();
    assert!(names.contains(&"pool-refill"));
    for n in names {
        let sc = catalog::load(n)
            .unwrap()
            .unwrap_or_else(|e| panic!("{n}: {e}"));
        assert_eq!(sc.name, n);
    }
    assert!(catalog::get("no-such-walkthrough").is_none());
}
