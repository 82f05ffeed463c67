//! Step records keep only what their step changed (issue 16): the summary rebuilt from those
//! changes must be, after every step, exactly the summary of the replayed state.

use ttm_core::scenario::Run;
use ttm_core::summary::{summarize, Change};
use ttm_core::trace::Event;

/// After every step of `run`, the summary [`Run::summaries`] rebuilds equals [`summarize`] of
/// the state replayed from the boot state with the findings made so far.
fn check_run(name: &str, run: &Run) {
    let sim = &run.sim;
    let mut state = sim.boot_state().clone();
    let mut walk = run.summaries();
    let mut at = 0u64;
    while let Some((rec, summary)) = walk.advance() {
        for e in sim
            .trace()
            .events_from(at)
            .take((rec.end_event - at) as usize)
        {
            if let Event::Delta(d) = e {
                state.apply(&d);
            }
        }
        at = rec.end_event;
        let findings = sim.findings().iter().filter(|(i, _)| *i < at).count();
        assert_eq!(
            summary,
            &summarize(sim, &state, findings),
            "{name}: summary after step {} ({})",
            rec.index,
            rec.label
        );
        assert_eq!(summary, &run.summary_after(rec.index), "{name}");
    }
    assert_eq!(walk.current(), &sim.summary(), "{name}: the final summary");
}

#[test]
fn every_walkthrough_rebuilds_the_summary_after_every_step() {
    for name in ttm_core::catalog::names() {
        let run = ttm_core::catalog::run(name).unwrap().unwrap();
        check_run(name, &run);
    }
}

#[test]
fn random_problems_rebuild_the_summary_after_every_step() {
    // Difficulty 3 has buffer objects competing for VRAM: evictions, LRU moves, fences.
    for difficulty in 1..=3 {
        for seed in 0..40 {
            let (sc, _) = ttm_core::exercise::random_problem(seed, difficulty);
            let run = sc.run().unwrap();
            check_run(&format!("problem {seed} difficulty {difficulty}"), &run);
        }
    }
}

#[test]
fn a_step_that_changes_one_tt_records_one_tt() {
    // Creating tt k on a machine already holding k tts changes that tt only (and, for a
    // write-combined tt, no pool or zone: set_caching on an empty tt moves no page, spec 2.5):
    // the record does not grow with the number of tts.
    let text = |n: usize| {
        let steps: Vec<String> = (0..n)
            .map(|_| r#"{ "do": { "action": "tt_create", "pages": 4, "caching": "wc" } }"#.into())
            .collect();
        format!(
            r#"{{ "format": "ttm-lab-scenario", "version": 1, "title": "t", "steps": [{}] }}"#,
            steps.join(",")
        )
    };
    let run = ttm_core::Scenario::load(&text(50)).unwrap();
    for rec in &run.steps {
        let tts = rec
            .changes
            .entries
            .iter()
            .filter(|c| matches!(c, Change::Tt(_)))
            .count();
        assert_eq!(tts, 1, "step {}: {:?}", rec.index, rec.changes);
    }
    // A change is 32 bytes (its larger, rarer kinds are boxed).
    assert!(std::mem::size_of::<Change>() <= 32);
}
