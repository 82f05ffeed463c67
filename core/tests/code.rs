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
