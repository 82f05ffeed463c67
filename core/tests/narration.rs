//! Narration and the built-in catalog.

mod common;
use common::*;
use ttm_core::narrate::narrate;
use ttm_core::trace::Event;
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
        // W3 along the kernel's path (spec 3.5, 3.4): the refill brings 512 pages into the wc
        // pool, then the tt takes 20 of them (not a net "492 to the pool, 20 to the tt").
        "512 pages moved from system memory to the wc pool, then 20 pages from the wc pool to tt 0",
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
    let st = s.state().clone();
    populate(&mut s, tt);
    // Event `start` is the Mark, `start + 1` is the Enter of ttm_pool_populate.
    assert_eq!(
        narrate(&s, &st, start, start + 1),
        "Next action: populate tt 0."
    );
    let t = narrate(&s, &st, start + 1, start + 2);
    assert!(
        t.starts_with(
            "ttm_pool_populate(tt=0): fills tt 0 (1 page, tt_wc, tt_unpopulated)'s slots"
        ),
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

/// Every built-in walkthrough and random problems 1–50 (difficulty 1–3), run.
fn runs() -> Vec<ttm_core::scenario::Run> {
    let mut v: Vec<_> = catalog::names()
        .map(|n| catalog::load(n).unwrap().unwrap().run().unwrap())
        .collect();
    for seed in 1..=50u64 {
        let (sc, _) = exercise::random_problem(seed, 1 + (seed % 3) as u8);
        v.push(sc.run().unwrap());
    }
    v
}

/// `word` occurs in `text` as a whole identifier (not inside a longer one).
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word)
        .any(|(i, _)| !text[..i].ends_with(ident) && !text[i + word.len()..].starts_with(ident))
}

#[test]
fn every_call_and_return_is_explained_under_the_call_stack_name() {
    for run in runs() {
        let sim = &run.sim;
        let kind = sim.config().driver.kind;
        let mut st = sim.boot_state().clone();
        let mut stack: Vec<(Func, Vec<u64>)> = Vec::new();
        for (i, e) in sim.trace().events().enumerate() {
            let i = i as u64;
            let frame = match &e {
                Event::Enter { func, args } => Some((*func, args.clone())),
                Event::Exit { .. } => stack.last().cloned(),
                _ => None,
            };
            if let Some((func, args)) = frame {
                let text = ttm_core::narrate::event(sim, &st, i);
                let sym = event_symbol(kind, func, &args);
                let ctx = format!("{} event {i}: {text}", run.scenario.name);
                let want = if matches!(e, Event::Enter { .. }) {
                    format!("{sym}(")
                } else {
                    format!("{sym} returns")
                };
                assert!(text.starts_with(&want), "should start with {want:?}: {ctx}");
                assert!(text.len() > want.len() + 20, "too short: {ctx}");
                assert!(!text.contains("see the kernel source"), "generic: {ctx}");
                if sym != func.symbol() {
                    assert!(
                        !has_word(&text, func.symbol()),
                        "generic name {}: {ctx}",
                        func.symbol()
                    );
                }
                for (at, _) in text.match_indices("placement=") {
                    let rest = &text[at + "placement=".len()..];
                    assert!(
                        rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '0'),
                        "{ctx}"
                    );
                    assert!(rest.contains("(0x"), "placement without hex: {ctx}");
                }
            }
            match e {
                Event::Enter { func, args } => stack.push((func, args)),
                Event::Exit { .. } => {
                    stack.pop();
                }
                Event::Delta(d) => st.apply(&d),
                _ => {}
            }
        }
    }
}

#[test]
fn every_function_has_its_own_entry_text() {
    // A tt 0 with pages and a BO 0 in VRAM, so that every argument 0 names a real object.
    let mut s = sim();
    let tt = create(&mut s, 4, Caching::Wc);
    populate(&mut s, tt);
    s.run(&Action::BoCreate {
        pages: 8,
        placement: "vram".into(),
        kernel: false,
        via_ttm_bo_create: false,
        device: 0,
    })
    .unwrap();
    let st = s.state().clone();
    let mut seen: std::collections::BTreeMap<String, Func> = Default::default();
    for &f in Func::ALL {
        let args = vec![0; f.arg_names().len()];
        let text = ttm_core::narrate::entry(&s, &st, f, &args);
        assert!(text.len() > 20, "{f:?}: {text:?}");
        if let Some(other) = seen.insert(text.clone(), f) {
            panic!("{f:?} and {other:?} share {text:?}");
        }
    }
}

fn walkthrough(name: &str) -> ttm_core::scenario::Run {
    catalog::load(name).unwrap().unwrap().run().unwrap()
}

/// The first event of `func` at or after `from` and the state just before it.
fn first_enter(run: &ttm_core::scenario::Run, func: Func) -> (u64, State) {
    let mut st = run.sim.boot_state().clone();
    for (i, e) in run.sim.trace().events().enumerate() {
        match e {
            Event::Enter { func: f, .. } if f == func => return (i as u64, st),
            Event::Delta(d) => st.apply(&d),
            _ => {}
        }
    }
    panic!("{func:?} never runs");
}

#[test]
fn the_refill_decision_is_explained_with_the_numbers() {
    let run = walkthrough("pool-refill");
    let (i, st) = first_enter(&run, Func::PagePoolFillLocked);
    assert_eq!(
        ttm_core::narrate::event(&run.sim, &st, i),
        "ttm_page_pool_fill_locked(wc pool, count=1): the wc pool holds 0 pages and the request (1) \
         is below small_allocation (16), so it will refill 512 pages"
    );
    // Its exit: which function, and what moved inside it.
    let exit = (i..run.sim.trace().len())
        .find(|&j| {
            ttm_core::narrate::open_call(&run.sim, j).is_some_and(|c| c.0 == i)
                && matches!(run.sim.trace().get(j), Some(Event::Exit { .. }))
        })
        .unwrap();
    let text = ttm_core::narrate::narrate(&run.sim, &st, exit, exit + 1);
    for want in [
        "ttm_page_pool_fill_locked returns.",
        "512 pages moved from system memory to the wc pool",
        "512 pages set to wc",
        "wc pool refills +1",
    ] {
        assert!(text.contains(want), "{want:?} not in {text:?}");
    }
}

#[test]
fn eviction_driver_callbacks_and_placements_are_named() {
    let run = walkthrough("eviction-order");
    let (i, st) = first_enter(&run, Func::BoEvict);
    let text = ttm_core::narrate::event(&run.sim, &st, i);
    assert!(text.starts_with("ttm_bo_evict(bo="), "{text}");
    assert!(
        text.contains("to make room: radeon_evict_flags says where it goes"),
        "{text}"
    );
    assert!(text.contains("in VRAM|WC (0x40004)"), "{text}");
    let (i, st) = first_enter(&run, Func::DrvInitMemType);
    let text = ttm_core::narrate::event(&run.sim, &st, i);
    assert!(
        text.starts_with("radeon_init_mem_type(type=SYSTEM): "),
        "{text}"
    );
    let (i, st) = first_enter(&run, Func::BoValidate);
    let text = ttm_core::narrate::event(&run.sim, &st, i);
    assert!(
        text.contains("placement=VRAM|WC|UNCACHED (0x60004)"),
        "{text}"
    );
}
