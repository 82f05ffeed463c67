//! A loaded walkthrough (`Walk`: the recorded run and the cursor over its trace) and a comparison
//! of one scenario under two machines (`Compare`). Loading records: the scenario runs once through
//! `ttm_core` (`Scenario::run` / `run_with` / `compare_configs`); everything after that scrubs the
//! recording with a `Stepper`.

use std::cell::RefCell;
use std::rc::Rc;

use ttm_core::exercise::Question;
use ttm_core::scenario::StepRecord;
use ttm_core::series::Sample;
use ttm_core::{catalog, Func, MachineConfig, Run, Scenario, State, Stepper};

use crate::legacy_ttm;
use crate::url::{self, Origin};

/// Samples of the chart.
const CHART_POINTS: usize = 800;

/// The `?bench=1` walkthrough: a 1 GiB write-combined tt (262,144 pages) created and populated on
/// a 4 GiB machine.
pub const BENCH_SCENARIO: &str = r#"{
  "format": "ttm-lab-scenario",
  "version": 1,
  "name": "bench-262144",
  "title": "Benchmark: a 262,144-page WC tt is created and populated",
  "goal": "A 1 GiB write-combined tt on a 4 GiB machine: every page comes through the wc pool in 512-page refills.",
  "machine": { "ram_bytes": 4294967296 },
  "steps": [
    { "do": { "action": "tt_create", "pages": 262144, "caching": "wc" } },
    { "do": { "action": "tt_populate", "tt": 0 } }
  ]
}"#;

/// A loaded walkthrough: the run and a cursor over its trace.
///
/// Walks compare by identity (`==` is "the same run"): component properties holding an
/// `Rc<Walk>` change when another run is opened, not when the cursor moves (positions travel
/// next to it).
pub struct Walk {
    /// Catalog name (URL) or the file's `name`.
    pub name: String,
    /// A built-in walkthrough (its name goes into the URL).
    pub builtin: bool,
    /// The scenario as loaded (with its own machine).
    pub scenario: Scenario,
    /// The scenario's JSON (for the URL of a scenario that is not built in).
    pub json: String,
    /// The machine this run used (the scenario's, or the one chosen in the form).
    pub machine: MachineConfig,
    /// The scenario's title.
    pub title: String,
    /// The scenario's goal paragraph.
    pub goal: String,
    /// What each step did.
    pub steps: Vec<StepRecord>,
    /// Expectations of the scenario that did not hold.
    pub mismatches: Vec<ttm_core::scenario::Mismatch>,
    /// The cursor (shared; the reducer moves it, renders read it).
    pub stepper: RefCell<Stepper>,
    /// Functions called in the trace (breakpoint choices), with their displayed symbols.
    pub funcs: Vec<(Func, &'static str)>,
    /// Pool and zone figures over the whole trace (for the chart), computed once.
    pub series: Rc<Vec<Sample>>,
    /// Names of the accounting zones.
    pub zone_names: Rc<Vec<String>>,
    /// The exercises: a question before each step the scenario marks with `ask`, answered by
    /// the model (`ttm_core::exercise::questions`).
    pub questions: Vec<Question>,
    /// The seed and difficulty of a random problem (its URL is `?problem=&difficulty=`).
    pub problem: Option<(u64, u8)>,
}

impl PartialEq for Walk {
    fn eq(&self, other: &Walk) -> bool {
        std::ptr::eq(self, other)
    }
}

/// A scenario error in words: "line L, column C at path: message" (no place when unknown).
pub fn scenario_error(e: &ttm_core::ScenarioError) -> String {
    if e.line == 0 {
        if e.path.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.path, e.message)
        }
    } else {
        e.to_string()
    }
}

impl Walk {
    /// Run a built-in walkthrough.
    pub fn load(name: &str) -> Result<Walk, String> {
        let scenario = catalog::load(name)
            .ok_or_else(|| {
                format!(
                    "There is no built-in walkthrough called {:?}.",
                    url::clip(name)
                )
            })?
            .map_err(|e| format!("The walkthrough {name:?} cannot be read: {e}"))?;
        Walk::run(scenario, true, None)
            .map_err(|e| format!("The walkthrough {name:?} cannot run: {e}"))
    }

    /// Parse and run a scenario's JSON text (a file, a drop, the editor or the URL).
    pub fn from_text(text: &str) -> Result<Walk, String> {
        Scenario::from_json(text)
            .map_err(|e| scenario_error(&e))
            .and_then(|sc| Walk::run(sc, false, None))
    }

    /// Run a scenario, on its own machine or on `machine`.
    pub fn run(
        scenario: Scenario,
        builtin: bool,
        machine: Option<MachineConfig>,
    ) -> Result<Walk, String> {
        let run = match machine {
            Some(m) => {
                m.validate().map_err(|e| format!("machine.{e}"))?;
                scenario.run_with(m)
            }
            None => scenario.run(),
        }
        .map_err(|e| e.to_string())?;
        Ok(Walk::from_run(run, scenario, builtin))
    }

    /// The same scenario (and problem) on another machine.
    pub fn rerun(&self, machine: MachineConfig) -> Result<Walk, String> {
        let w = Walk::run(self.scenario.clone(), self.builtin, Some(machine))?;
        Ok(Walk {
            problem: self.problem,
            ..w
        })
    }

    /// Wrap a finished run.
    pub fn from_run(run: Run, scenario: Scenario, builtin: bool) -> Walk {
        let questions = ttm_core::exercise::questions(&run).0;
        let sim = Rc::new(run.sim);
        let funcs = legacy_ttm::funcs_seen(&sim);
        let series = Rc::new(ttm_core::series::series(&sim, CHART_POINTS));
        let zone_names = Rc::new(sim.state().zones.iter().map(|z| z.name.clone()).collect());
        Walk {
            name: if scenario.name.is_empty() {
                "scenario".to_string()
            } else {
                scenario.name.clone()
            },
            builtin,
            machine: sim.config().clone(),
            json: if builtin {
                String::new()
            } else {
                scenario.to_json()
            },
            scenario,
            title: run.scenario.title.clone(),
            goal: run.scenario.goal.clone(),
            steps: run.steps,
            mismatches: run.mismatches,
            stepper: RefCell::new(Stepper::new(sim)),
            funcs,
            series,
            zone_names,
            questions,
            problem: None,
        }
    }

    /// A seeded random problem (`ttm_core::exercise::random_problem`).
    pub fn problem(seed: u64, difficulty: u8) -> Result<Walk, String> {
        let (scenario, _) = ttm_core::exercise::random_problem(seed, difficulty);
        let mut w = Walk::run(scenario, false, None)
            .map_err(|e| format!("Problem {seed} cannot run: {e}"))?;
        w.problem = Some((seed, difficulty));
        Ok(w)
    }

    /// The cursor's position.
    pub fn pos(&self) -> u64 {
        self.stepper.borrow().pos()
    }

    /// The trace's length (the last position).
    pub fn trace_len(&self) -> u64 {
        self.stepper.borrow().len()
    }

    /// Read the machine's state at the cursor.
    pub fn with_state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(self.stepper.borrow().state())
    }

    /// Where this run comes from, as the URL names it.
    pub fn origin(&self) -> Origin<'_> {
        match self.problem {
            Some((seed, d)) => Origin::Problem(seed, d),
            None if self.builtin => Origin::Walkthrough(&self.name),
            None => Origin::Scenario(&self.json),
        }
    }

    /// The exercise asked at `pos` (just before its step runs), with its index.
    pub fn question_at(&self, pos: u64) -> Option<(usize, &Question)> {
        self.questions
            .iter()
            .enumerate()
            .find(|(_, q)| self.steps.get(q.step).is_some_and(|s| s.first_event == pos))
    }

    /// The step whose events hold position `pos` (the step just done at a boundary).
    pub fn step_at(&self, pos: u64) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.first_event < pos && pos <= s.end_event)
    }

    /// True at an action boundary (start, end, or between two steps).
    pub fn at_boundary(&self, pos: u64, len: u64) -> bool {
        pos == 0
            || pos == len
            || self
                .steps
                .iter()
                .any(|s| s.first_event == pos || s.end_event == pos)
    }

    /// The label of the action at `pos` (for step events).
    pub fn action_label(&self, pos: u64) -> String {
        match self.step_at(pos) {
            Some(i) => self.steps[i].label.clone(),
            None if pos == 0 => "boot".into(),
            None => "device setup".into(),
        }
    }

    /// The position in words, for the panic screen: which walkthrough, scenario or problem, the
    /// event and the step (`walkthrough “pool-refill”, event 12 of 2097 (populate tt 0)`).
    pub fn place_words(&self, pos: u64) -> String {
        let what = match self.problem {
            Some((seed, d)) => format!("random problem {seed} (difficulty {d})"),
            None if self.builtin => format!("walkthrough “{}”", self.name),
            None => format!("scenario “{}” (from a file or the editor)", self.name),
        };
        format!(
            "{what}, event {pos} of {} ({})",
            self.trace_len(),
            self.action_label(pos)
        )
    }
}

/// One side of a comparison.
pub struct Side {
    /// The machine in words.
    pub label: String,
    /// A cursor over this side's run.
    pub stepper: RefCell<Stepper>,
}

/// The current scenario run under machines A and B, aligned by step. Compares by identity, like
/// [`Walk`].
pub struct Compare {
    /// Run A (the current machine).
    pub a: Side,
    /// Run B (the machine chosen in the form).
    pub b: Side,
    /// The aligned steps with what differs after each.
    pub rows: Vec<ttm_core::compare::Row>,
    /// The first step that differs.
    pub first_divergence: Option<usize>,
}

impl PartialEq for Compare {
    fn eq(&self, other: &Compare) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Compare {
    /// Run `w`'s scenario on its machine (A) and on `b`.
    pub fn of(w: &Walk, b: MachineConfig) -> Result<Compare, String> {
        b.validate().map_err(|e| format!("machine.{e}"))?;
        let (ra, rb, c) = ttm_core::compare::compare_configs(&w.scenario, w.machine.clone(), b)
            .map_err(|e| scenario_error(&e))?;
        let side = |r: Run| Side {
            label: legacy_ttm::machine_label(r.sim.config()),
            stepper: RefCell::new(Stepper::new(Rc::new(r.sim))),
        };
        Ok(Compare {
            a: side(ra),
            b: side(rb),
            rows: c.rows,
            first_divergence: c.first_divergence,
        })
    }

    /// Move both sides to the end of step `i` (false when there is no such step).
    pub fn show(&self, i: usize) -> bool {
        let Some(r) = self.rows.get(i) else {
            return false;
        };
        self.a.stepper.borrow_mut().seek(r.events_a.1);
        self.b.stepper.borrow_mut().seek(r.events_b.1);
        true
    }
}
