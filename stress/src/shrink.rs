//! Shrinking a failing case to a minimal reproducer (delta debugging over the actions, then the
//! machine's optional settings), printed as a scenario file anyone can load.

use crate::sequence::{replay_case, Case, Failure};
use ttm_core::config::FaultPlan;
use ttm_core::scenario::{Scenario, Step, FORMAT, VERSION};
use ttm_core::{Sim, SimError};

/// Shrinking stops after this many re-runs or this much time (a long case, such as one padded
/// to a checkpoint multiple, costs tens of thousands of steps per re-run).
const BUDGET_RUNS: u32 = 400;
const BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

struct Budget {
    runs: u32,
    start: std::time::Instant,
}

impl Budget {
    fn left(&self) -> bool {
        self.runs < BUDGET_RUNS && self.start.elapsed() < BUDGET
    }
}

fn fails_alike(case: &Case, class: &str, budget: &mut Budget) -> bool {
    budget.runs += 1;
    matches!(replay_case(case), Err(f) if f.class == class)
}

/// The failure of the shrunk case itself (its details name the shrunk steps).
pub fn failure_of(case: &Case, fallback: &Failure) -> Failure {
    replay_case(case).err().unwrap_or_else(|| fallback.clone())
}

/// The smallest case (by the usual ddmin steps, within a budget of re-runs and time) that still
/// fails with `failure`'s class.
pub fn shrink(case: &Case, failure: &Failure) -> Case {
    let class = failure.class.as_str();
    let mut budget = Budget {
        runs: 0,
        start: std::time::Instant::now(),
    };
    let mut best = case.clone();
    let mut chunks = 2usize;
    while !best.actions.is_empty() && budget.left() {
        let n = best.actions.len();
        let size = n.div_ceil(chunks);
        let mut reduced = false;
        let mut start = 0;
        while start < best.actions.len() && budget.left() {
            let mut trial = best.clone();
            let end = (start + size).min(trial.actions.len());
            trial.actions.drain(start..end);
            if fails_alike(&trial, class, &mut budget) {
                best = trial;
                reduced = true;
            } else {
                start += size;
            }
        }
        if !reduced {
            if size == 1 {
                break;
            }
            chunks = (chunks * 2).min(n);
        }
    }
    // Machine settings that do not matter go back to their defaults.
    let trials: [fn(&mut Case); 4] = [
        |c| c.cfg.faults = FaultPlan::default(),
        |c| c.cfg.sysfs.clear(),
        |c| c.cfg.need_dma32 = false,
        |c| c.cfg.root = false,
    ];
    for t in trials {
        let mut trial = best.clone();
        t(&mut trial);
        if fails_alike(&trial, class, &mut budget) {
            best = trial;
        }
    }
    best
}

/// The case as a scenario file: its machine and the actions that are valid on it.
pub fn to_scenario(case: &Case, seed: u64, failure: &Failure) -> String {
    let mut steps = Vec::new();
    if let Ok(mut s) = Sim::new(case.cfg.clone()) {
        for a in &case.actions {
            if !matches!(s.run(a), Err(SimError::Invalid(_))) {
                steps.push(Step {
                    action: a.clone(),
                    say: None,
                    expect: Default::default(),
                    ask: None,
                });
            }
        }
    }
    Scenario {
        format: FORMAT.into(),
        version: VERSION,
        name: format!("stress-{seed}"),
        title: format!("ttm-stress seed {seed}: {}", failure.class),
        goal: failure.detail.clone(),
        machine: case.cfg.clone(),
        steps,
    }
    .to_json()
}
