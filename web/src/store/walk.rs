//! A loaded walkthrough (`Walk`: the recorded run and the cursor over its trace) and a comparison
//! of one scenario under two machines (`Compare`). Opening records: the scenario is read and run
//! once through `ttm_core` (`Scenario::load_recorded`, or `Scenario::run_recorded` for a read
//! scenario and another machine), the run builds its shared `Recording` as it goes
//! (`Recording::of`), and everything after that scrubs the recording with a `Stepper` over it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use ttm_core::code::Follow;
use ttm_core::compare::ThenNowRow;
use ttm_core::exercise::Question;
use ttm_core::present::machine_label;
use ttm_core::recording::DEFAULT_CHART_POINTS;
use ttm_core::scenario::StepRecord;
use ttm_core::{catalog, Kernel, MachineConfig, Recording, Run, Scenario, State, Stepper};

use crate::url::{self, Origin};
use crate::view::group_digits;

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

/// What can be opened: a built-in walkthrough, a scenario's JSON text (a file, a drop, the
/// editor, the URL) or a seeded random problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source<'a> {
    /// A built-in walkthrough by name.
    Builtin(&'a str),
    /// A scenario file's text.
    Text(&'a str),
    /// `ttm_core::exercise::random_problem(seed, difficulty)`.
    Problem(u64, u8),
}

impl Source<'_> {
    /// Read the scenario without running it (to run it on another machine).
    fn read(self) -> Result<Scenario, String> {
        match self {
            Source::Builtin(name) => catalog::load(name)
                .ok_or_else(|| no_builtin(name))?
                .map_err(|e| format!("The walkthrough {name:?} cannot be read: {e}")),
            Source::Text(text) => Scenario::from_json(text).map_err(|e| scenario_error(&e)),
            Source::Problem(seed, difficulty) => {
                Ok(ttm_core::exercise::random_problem(seed, difficulty).0)
            }
        }
    }

    /// The error of a run that failed, in the words of its source.
    fn failed(self, e: String) -> String {
        match self {
            Source::Builtin(name) => format!("The walkthrough {name:?} cannot run: {e}"),
            Source::Text(_) => e,
            Source::Problem(seed, _) => format!("Problem {seed} cannot run: {e}"),
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Scenario runs made on this thread (the tests check one run per open).
    pub(super) static RUNS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Make `runs` scenario runs with `f`: every run of the web app goes through here, so the tests
/// can count them.
fn running<T>(runs: usize, f: impl FnOnce() -> T) -> T {
    #[cfg(test)]
    RUNS.with(|n| n.set(n.get() + runs));
    #[cfg(not(test))]
    let _ = runs;
    f()
}

/// "There is no built-in walkthrough called …".
fn no_builtin(name: &str) -> String {
    format!(
        "There is no built-in walkthrough called {:?}.",
        url::clip(name)
    )
}

/// A loaded walkthrough: the run, its recording and a cursor over it.
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
    /// The trace read once: checkpoints, call stacks, marks, the chart's series, the functions
    /// called (breakpoint choices). Every cursor over this run shares it.
    pub recording: Rc<Recording>,
    /// The cursor (shared; the reducer moves it, renders read it).
    pub stepper: RefCell<Stepper>,
    /// Names of the accounting zones.
    pub zone_names: Rc<Vec<String>>,
    /// The exercises: a question before each step the scenario marks with `ask`, answered by
    /// the model (computed with the run, `Run::questions`).
    pub questions: Vec<Question>,
    /// Each question's explanation once it has been shown ([`Walk::explanation`]).
    explanations: RefCell<BTreeMap<usize, Rc<str>>>,
    /// The seed and difficulty of a random problem (its URL is `?problem=&difficulty=`).
    pub problem: Option<(u64, u8)>,
    /// The code pane's line, followed as the cursor moves (reads only the new events of a long
    /// call while playing forward).
    follow: RefCell<Follow>,
}

/// What the code pane shows: one open call's pseudocode ([`ttm_core::code::listing`]) with the
/// line it is executing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeView {
    /// The frame shown (its Enter event: what [`crate::store::Msg::SelectFrame`] names).
    pub at: u64,
    /// Its depth in the call stack (0 = outermost) and the number of open calls.
    pub depth: (usize, usize),
    /// Where the function is defined at v3.3 (the symbol as the call stack shows it).
    pub link: ttm_core::code::Link,
    /// The pseudocode, one text per line.
    pub lines: Vec<&'static str>,
    /// The line being executed.
    pub current: Option<usize>,
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
    /// Open `source` on its own machine: read and run once (a file's errors placed in its text).
    pub fn open(source: Source) -> Result<Walk, String> {
        let run = match source {
            Source::Builtin(name) => running(1, || {
                catalog::get(name).map(|t| Scenario::load_recorded(t, CHART_POINTS))
            })
            .ok_or_else(|| no_builtin(name))?
            .map_err(|e| source.failed(e.to_string())),
            Source::Text(text) => running(1, || Scenario::load_recorded(text, CHART_POINTS))
                .map_err(|e| scenario_error(&e)),
            Source::Problem(..) => {
                let scenario = source.read()?;
                running(1, || scenario.run_recorded(None, CHART_POINTS))
                    .map_err(|e| source.failed(e.to_string()))
            }
        }?;
        let scenario = run.scenario.clone();
        Ok(Walk::from_run(run, scenario, source))
    }

    /// Open `source` on the machine `adjust` makes of its own: read first, then run once there.
    /// When `adjust` gives no machine, or the scenario cannot run on it, the scenario runs on
    /// its own machine instead, and the second value says why the other one was not used.
    pub fn open_on(
        source: Source,
        adjust: impl FnOnce(&MachineConfig) -> Option<MachineConfig>,
    ) -> Result<(Walk, Option<String>), String> {
        let scenario = source.read()?;
        let mut refused = None;
        if let Some(m) = adjust(&scenario.machine) {
            match Walk::run(scenario.clone(), source, Some(m)) {
                Ok(w) => return Ok((w, None)),
                Err(e) => refused = Some(e),
            }
        }
        let w = Walk::run(scenario, source, None).map_err(|e| source.failed(e))?;
        Ok((w, refused))
    }

    /// Run a scenario that was read, on its own machine or on `machine` (errors as the model
    /// gives them).
    fn run(
        scenario: Scenario,
        source: Source,
        machine: Option<MachineConfig>,
    ) -> Result<Walk, String> {
        if let Some(m) = &machine {
            m.validate().map_err(|e| format!("machine.{e}"))?;
        }
        let run = running(1, || scenario.run_recorded(machine, CHART_POINTS))
            .map_err(|e| e.to_string())?;
        Ok(Walk::from_run(run, scenario, source))
    }

    /// The same scenario (and problem) on another machine: one more run, of that machine.
    pub fn rerun(&self, machine: MachineConfig) -> Result<Walk, String> {
        let source = match self.problem {
            Some((seed, d)) => Source::Problem(seed, d),
            None if self.builtin => Source::Builtin(&self.name),
            None => Source::Text(&self.json),
        };
        Walk::run(self.scenario.clone(), source, Some(machine))
    }

    /// Wrap a finished run of `scenario` (with its own machine: the URL names what differs),
    /// with the recording every cursor shares, which the run built as it went.
    fn from_run(run: Run, scenario: Scenario, source: Source) -> Walk {
        let recording = Rc::new(Recording::of(run.sim, CHART_POINTS));
        let sim = recording.sim().clone();
        let zone_names = Rc::new(
            ttm_core::stage::gauges(sim.state())
                .into_iter()
                .map(|g| g.name)
                .collect(),
        );
        let machine = sim.config().clone();
        let builtin = matches!(source, Source::Builtin(_));
        Walk {
            name: if scenario.name.is_empty() {
                "scenario".to_string()
            } else {
                scenario.name.clone()
            },
            builtin,
            machine,
            json: if builtin {
                String::new()
            } else {
                scenario.to_json()
            },
            scenario,
            title: run.scenario.title,
            goal: run.scenario.goal,
            steps: run.steps,
            mismatches: run.mismatches,
            stepper: RefCell::new(Stepper::over(recording.clone())),
            recording,
            zone_names,
            questions: run.questions,
            explanations: RefCell::default(),
            problem: match source {
                Source::Problem(seed, d) => Some((seed, d)),
                _ => None,
            },
            follow: RefCell::default(),
        }
    }

    /// Why the model answers question `i` as it does ([`ttm_core::exercise::explanation`], told
    /// from the recording's state at its step): made the first time it is shown, then kept.
    pub fn explanation(&self, i: usize) -> Option<Rc<str>> {
        if let Some(e) = self.explanations.borrow().get(&i) {
            return Some(e.clone());
        }
        let rec = self.steps.get(self.questions.get(i)?.step)?;
        let before = self.recording.state_at(rec.first_event);
        let why: Rc<str> =
            ttm_core::exercise::explanation(self.recording.sim(), &before, rec).into();
        self.explanations.borrow_mut().insert(i, why.clone());
        Some(why)
    }

    /// Where the walkthrough opens: the start of its first user step (after the device setup,
    /// which stepping back shows); the end for a scenario without steps.
    pub fn first_user_step(&self) -> u64 {
        self.steps
            .first()
            .map_or(self.trace_len(), |s| s.first_event)
    }

    /// The key of this walkthrough's answers in local storage: its name when built in, the
    /// problem's seed and difficulty, or a hash of a scenario's JSON (FNV-1a).
    pub fn answers_key(&self) -> String {
        match (self.problem, self.builtin) {
            (Some((seed, d)), _) => format!("problem:{seed}:{d}"),
            (None, true) => self.name.clone(),
            (None, false) => {
                let h = self.json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
                format!("scenario:{h:016x}")
            }
        }
    }

    /// The position in this run that is the same moment of the scenario as `pos` in `other` (a
    /// run of the same scenario on another machine): the same step, as many calls into it
    /// (clamped to its end); before the first step, the boot state or the end of the device
    /// setup; after the last, the end.
    pub fn same_moment(&self, other: &Walk, pos: u64) -> u64 {
        if pos == 0 {
            return 0;
        }
        let Some(i) = other.step_at(pos) else {
            return self.first_user_step().min(pos);
        };
        let Some(mine) = self.steps.get(i) else {
            return self.trace_len();
        };
        let (start, end) = (other.steps[i].first_event, other.steps[i].end_event);
        if pos >= end {
            return mine.end_event;
        }
        let calls = other.recording.calls_begun(pos) - other.recording.calls_begun(start);
        let at_old = other.call_begun_at(start, end, calls);
        let at = self.call_begun_at(mine.first_event, mine.end_event, calls);
        // As many events into that call, but not into the next one.
        let next = self.call_begun_at(mine.first_event, mine.end_event, calls + 1);
        let limit = if next > at { next - 1 } else { mine.end_event };
        (at + (pos - at_old)).min(limit).min(mine.end_event)
    }

    /// The first position in `[from, to]` at which `calls` calls have begun since `from` (`to`
    /// when fewer begin there).
    fn call_begun_at(&self, from: u64, to: u64, calls: u64) -> u64 {
        let base = self.recording.calls_begun(from);
        let (mut lo, mut hi) = (from, to);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.recording.calls_begun(mid) - base < calls {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The code pane at the cursor: the call `selected` names (its Enter event) while it is
    /// open, else the innermost call; None between actions, when no call is open.
    pub fn code_view(&self, selected: Option<u64>) -> Option<CodeView> {
        let s = self.stepper.borrow();
        let frames = s.call_stack();
        let inner = frames.len().checked_sub(1)?;
        let i = selected
            .and_then(|at| frames.iter().position(|f| f.at == at))
            .unwrap_or(inner);
        let fr = &frames[i];
        let sim = s.sim();
        // The innermost frame is followed incrementally; an outer one (shown on request) is
        // read once.
        let current = if i == inner {
            self.follow.borrow_mut().line(sim, &frames, i, s.pos())
        } else {
            Follow::default().line(sim, &frames, i, s.pos())
        };
        Some(CodeView {
            at: fr.at,
            depth: (i, frames.len()),
            link: ttm_core::code::link(self.machine.driver.kind, fr.func, &fr.args),
            lines: ttm_core::code::listing(fr.func)
                .iter()
                .map(|l| l.text)
                .collect(),
            current,
        })
    }

    /// The details of page `pfn` at the cursor, as lines (pfn, zone, caching, contents, where it
    /// came from, with positions as people read them); None for a pfn outside the machine.
    pub fn page_details(&self, pfn: u64) -> Option<Vec<String>> {
        let s = self.stepper.borrow();
        let info = ttm_core::inspect::page(s.sim(), s.state(), s.pos(), pfn)?;
        Some(info.lines(|e| self.position_short(e + 1)))
    }

    /// A position in short words: "step 2 · call 14" ("device setup · call 3" before step 1).
    pub fn position_short(&self, pos: u64) -> String {
        let step = match self.step_at(pos) {
            Some(i) => format!("step {}", i + 1),
            None if pos == 0 => "boot".to_string(),
            None => "device setup".to_string(),
        };
        format!(
            "{step} · call {}",
            group_digits(self.recording.calls_begun(pos))
        )
    }

    /// The cursor's position.
    pub fn pos(&self) -> u64 {
        self.stepper.borrow().pos()
    }

    /// The trace's length (the last position).
    pub fn trace_len(&self) -> u64 {
        self.recording.len()
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

    /// The exercise asked at `pos` (just before its step runs), with its index, as
    /// `Run::question_at`.
    pub fn question_at(&self, pos: u64) -> Option<(usize, &Question)> {
        self.questions
            .iter()
            .enumerate()
            .find(|(_, q)| self.steps.get(q.step).is_some_and(|s| s.first_event == pos))
    }

    /// The step whose events hold position `pos` (the step just done at a boundary). As
    /// `Run::step_at`, whose run gave its machine to the recording.
    pub fn step_at(&self, pos: u64) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.first_event < pos && pos <= s.end_event)
    }

    /// True at a step boundary (the start, the end, or where a step begins or ends), as
    /// `Run::at_boundary`.
    pub fn at_boundary(&self, pos: u64) -> bool {
        pos == 0
            || pos == self.trace_len()
            || self
                .steps
                .iter()
                .any(|s| s.first_event == pos || s.end_event == pos)
    }

    /// The label of the action at `pos` (for step events).
    pub fn action_label(&self, pos: u64) -> String {
        match self.step_at(pos) {
            Some(i) => self.steps[i].label.to_string(),
            None if pos == 0 => "boot".into(),
            None => "device setup".into(),
        }
    }

    /// The walkthrough's own words for step `i` (none on a replay on another kernel:
    /// `Scenario::run_with` leaves them out there).
    pub fn say(&self, i: usize) -> Option<String> {
        self.steps.get(i)?.say.clone()
    }

    /// Position `pos` as people count it: the step and the call ("step 2 of 3 (populate tt 0) ·
    /// call 14 of 61"; before the first step "boot state, before step 1 of 3 · call 0 of 61" or
    /// "device setup, before step 1 of 3 · …"). "Call k" is the k-th call to have begun, nested
    /// ones included ([`Recording::calls_begun`]); the raw event index, which the URL keeps,
    /// is not shown.
    pub fn position_words(&self, pos: u64) -> String {
        let n = self.steps.len();
        let step = match self.step_at(pos) {
            Some(i) => format!("step {} of {n} ({})", i + 1, self.steps[i].label),
            None if pos == 0 => format!("boot state, before step 1 of {n}"),
            // Where a walkthrough opens: the device is set up, step 1 is next.
            None if self.steps.first().is_some_and(|s| s.first_event == pos) => {
                format!("ready for step 1 of {n} ({})", self.steps[0].label)
            }
            None => format!("device setup, before step 1 of {n}"),
        };
        format!(
            "{step} · call {} of {}",
            group_digits(self.recording.calls_begun(pos)),
            group_digits(self.recording.calls())
        )
    }

    /// The position in words, for the panic screen: which walkthrough, scenario or problem, and
    /// where in it (`walkthrough “pool-refill”, step 2 of 3 (populate tt 0) · call 14 of 61`).
    pub fn place_words(&self, pos: u64) -> String {
        let what = match self.problem {
            Some((seed, d)) => format!("random problem {seed} (difficulty {d})"),
            None if self.builtin => format!("walkthrough “{}”", self.name),
            None => format!("scenario “{}” (from a file or the editor)", self.name),
        };
        format!("{what}, {}", self.position_words(pos))
    }
}

/// One side of a comparison.
pub struct Side {
    /// The machine in words.
    pub label: String,
    /// A cursor over this side's run.
    pub stepper: RefCell<Stepper>,
}

impl Side {
    /// This side's machine.
    pub fn machine(&self) -> MachineConfig {
        self.stepper.borrow().sim().config().clone()
    }
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
    /// Then and now: A runs Linux 3.3 and B Linux 6.12 (`ttm_core::compare::then_and_now_of`);
    /// the rows' differences are then its divergences.
    pub then_now: Option<ttm_core::compare::ThenAndNow>,
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
        let across = w.machine.kernel != b.kernel;
        if across && w.machine.kernel == Kernel::V6_12 {
            return Err(
                "this walkthrough is written for Linux 6.12; then and now replays a 3.3 \
                        walkthrough on 6.12, not the other way"
                    .to_string(),
            );
        }
        let (ra, rb, c) = running(2, || {
            // Each side records itself as it runs (its cursor needs no second pass).
            let a = w
                .scenario
                .run_recorded(Some(w.machine.clone()), DEFAULT_CHART_POINTS)?;
            let b = w.scenario.run_recorded(Some(b), DEFAULT_CHART_POINTS)?;
            let c = if across {
                let t = ttm_core::compare::then_and_now_of(&a, &b);
                let c = ttm_core::compare::Comparison {
                    rows: t.rows.iter().map(ThenNowRow::as_row).collect(),
                    first_divergence: t.first_divergence,
                };
                (c, Some(t))
            } else {
                (ttm_core::compare::compare(&a, &b), None)
            };
            Ok::<_, ttm_core::ScenarioError>((a, b, c))
        })
        .map_err(|e| scenario_error(&e))?;
        let side = |r: Run| Side {
            label: machine_label(r.sim.config()),
            stepper: RefCell::new(Stepper::over(Rc::new(Recording::of(
                r.sim,
                DEFAULT_CHART_POINTS,
            )))),
        };
        Ok(Compare {
            a: side(ra),
            b: side(rb),
            rows: c.0.rows,
            first_divergence: c.0.first_divergence,
            then_now: c.1,
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
