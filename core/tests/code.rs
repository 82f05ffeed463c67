//! The pseudocode tables: coverage against the built-in walkthroughs and random problems, and the
//! current line of each frame.

use std::collections::{BTreeMap, BTreeSet};
use ttm_core::code::{listing, Change};
use ttm_core::scenario::Run;
use ttm_core::*;

/// Every built-in walkthrough and random problems 1–50, run.
fn runs() -> Vec<Run> {
    let mut v: Vec<Run> = catalog::names()
        .map(|n| catalog::load(n).unwrap().unwrap().run().unwrap())
        .collect();
    for seed in 1..=50u64 {
        let (sc, _) = exercise::random_problem(seed, 1 + (seed % 3) as u8);
        v.push(sc.run().unwrap());
    }
    v
}

/// Per function: the callees it calls and the kinds of change it makes itself.
fn facts(runs: &[Run]) -> BTreeMap<String, (Func, BTreeSet<String>, Vec<Change>)> {
    let mut m: BTreeMap<String, (Func, BTreeSet<String>, Vec<Change>)> = BTreeMap::new();
    for r in runs {
        let mut stack: Vec<Func> = Vec::new();
        for e in r.sim.trace().events() {
            match e {
                Event::Enter { func, .. } => {
                    if let Some(&top) = stack.last() {
                        m.entry(format!("{top:?}"))
                            .or_insert((top, BTreeSet::new(), vec![]))
                            .1
                            .insert(format!("{func:?}"));
                    }
                    stack.push(func);
                }
                Event::Exit { .. } => {
                    stack.pop();
                }
                Event::Delta(d) => {
                    if let Some(&top) = stack.last() {
                        let c = Change::of(&d);
                        let ent =
                            m.entry(format!("{top:?}"))
                                .or_insert((top, BTreeSet::new(), vec![]));
                        if !ent.2.contains(&c) {
                            ent.2.push(c);
                        }
                    }
                }
                Event::Mark { .. } => stack.clear(),
                _ => {}
            }
        }
    }
    m
}

#[test]
fn every_function_has_a_short_listing_in_our_own_words() {
    for &f in Func::ALL {
        let l = listing(f);
        assert!((1..=15).contains(&l.len()), "{f:?} has {} lines", l.len());
        for line in l {
            assert!(
                !line.text.is_empty() && line.text.len() <= 100,
                "{f:?}: {:?}",
                line.text
            );
        }
    }
}

#[test]
fn every_callee_and_every_direct_change_has_its_line() {
    let mut missing = Vec::new();
    for (name, (func, calls, does)) in facts(&runs()) {
        let lines = listing(func);
        for c in &calls {
            if !lines
                .iter()
                .any(|l| l.calls.iter().any(|f| format!("{f:?}") == *c))
            {
                missing.push(format!("{name} calls {c}"));
            }
        }
        for d in &does {
            if !lines.iter().any(|l| l.does.contains(d)) {
                missing.push(format!("{name} does {d:?}"));
            }
        }
    }
    assert!(missing.is_empty(), "no line for:\n{}", missing.join("\n"));
}

#[test]
fn ttm_get_pages_is_at_its_refill_line_while_the_pool_refills() {
    use ttm_core::code::current_line;
    let run = catalog::load("pool-refill")
        .unwrap()
        .unwrap()
        .run()
        .unwrap();
    let sim = std::rc::Rc::new(run.sim);
    let events: Vec<Event> = sim.trace().events().collect();
    let enter = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Enter {
                    func: Func::PagePoolFillLocked,
                    ..
                }
            )
        })
        .unwrap() as u64;
    let mut st = Stepper::new(sim.clone());
    let mut pos = enter + 1;
    loop {
        st.seek(pos);
        let frames = st.call_stack();
        let Some(k) = frames
            .iter()
            .position(|f| f.func == Func::PagePoolFillLocked)
        else {
            break; // it has returned
        };
        let lines = current_line(&sim, &frames, pos);
        let g = frames
            .iter()
            .position(|f| f.func == Func::GetPages)
            .unwrap();
        let line = listing(Func::GetPages)[lines[g].unwrap()];
        assert!(
            line.calls.contains(&Func::PagePoolGetPages),
            "{pos}: {line:?}"
        );
        assert!(line.text.contains("refilling it first"), "{pos}: {line:?}");
        if pos == enter + 1 {
            assert_eq!(lines[k], Some(0), "right after entry: the first line");
        }
        if let Event::Delta(Delta::Set { .. }) = &events[pos as usize - 1] {
            if k + 1 == frames.len() && lines[k] != Some(5) {
                let l = listing(Func::PagePoolFillLocked)[lines[k].unwrap()];
                assert!(
                    l.text.contains("too empty for a small request: refill"),
                    "{l:?}"
                );
            }
        }
        pos += 1;
    }
    assert!(pos > enter + 1000, "the refill moves 512 pages twice");
}

#[test]
fn a_frame_with_an_open_callee_is_at_the_line_calling_it() {
    use ttm_core::code::current_line;
    for run in runs().into_iter().take(24) {
        let sim = std::rc::Rc::new(run.sim);
        let mut st = Stepper::new(sim.clone());
        let mut pos = 1;
        while pos <= sim.trace().len() {
            st.seek(pos);
            let frames = st.call_stack();
            let lines = current_line(&sim, &frames, pos);
            for (i, w) in frames.windows(2).enumerate() {
                let l = listing(w[0].func)[lines[i].unwrap()];
                assert!(
                    l.calls.contains(&w[1].func),
                    "{}@{pos}: {:?} at {l:?} calls {:?}",
                    run.scenario.name,
                    w[0].func,
                    w[1].func
                );
            }
            pos += 37;
        }
    }
}

#[test]
fn links_name_the_symbol_the_call_stack_shows() {
    use ttm_core::code::link;
    let l = link(DriverKind::Radeon, Func::DrvInitMemType, &[0, 1]);
    assert_eq!(l.symbol, "radeon_init_mem_type");
    assert_eq!(l.file, Some("drivers/gpu/drm/radeon/radeon_ttm.c"));
    assert_eq!(
        l.ident_url.as_deref(),
        Some("https://elixir.bootlin.com/linux/v3.3/A/ident/radeon_init_mem_type")
    );
    let l = link(DriverKind::Nouveau, Func::GetPages, &[]);
    assert_eq!(
        l.file_url.as_deref(),
        Some("https://elixir.bootlin.com/linux/v3.3/source/drivers/gpu/drm/ttm/ttm_page_alloc.c")
    );
    let l = link(DriverKind::Radeon, Func::BackendBind, &[0]);
    assert_eq!(l.file, None);
    assert_eq!(link(DriverKind::Vmwgfx, Func::DrvCopy, &[]).ident_url, None);
    assert_eq!(
        l.ident_url.as_deref(),
        Some("https://elixir.bootlin.com/linux/v3.3/A/ident/ttm_backend_func")
    );
}

/// `Follow` gives the same line as `current_line` at every position of a walkthrough, played
/// forward (where it reads only the new events) and then backward (where it starts again).
#[test]
fn following_a_frame_gives_the_line_current_line_gives() {
    use ttm_core::code::{current_line, Follow};
    for name in ["pool-refill", "eviction-order"] {
        let run = catalog::load(name).unwrap().unwrap().run().unwrap();
        let sim = std::rc::Rc::new(run.sim);
        let mut st = Stepper::new(sim.clone());
        let mut follow = Follow::default();
        let len = sim.trace().len();
        let positions: Vec<u64> = (0..=len).chain((0..=len).rev()).collect();
        for pos in positions {
            st.seek(pos);
            let frames = st.call_stack();
            let Some(inner) = frames.len().checked_sub(1) else {
                assert_eq!(follow.line(&sim, &frames, 0, pos), None);
                continue;
            };
            let want = current_line(&sim, &frames, pos)[inner];
            assert_eq!(
                follow.line(&sim, &frames, inner, pos),
                want,
                "{name} at {pos}"
            );
        }
    }
}
