//! Scenarios: a versioned JSON file with a machine configuration and a list of steps (user
//! actions with narration and expected values). Broken files are rejected with the place
//! (path, line, column); actions the kernel refuses run and record the kernel's error.
//! The format is documented in `docs/scenarios.md`.
//!
//! Load once, run once: [`Scenario::from_json`] only reads a file (format, version, machine);
//! [`Scenario::load`] reads and runs it, placing run-time errors (an action that makes no sense
//! on the machine, an unknown expectation, an `ask` with nothing to ask) in the same text.

use crate::config::{ConfigError, MachineConfig};
use crate::ops::{Action, Output};
use crate::sim::{Sim, SimError};
use crate::summary::{Summary, SummaryChanges, SummaryTracker};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// The value of the `format` field.
pub const FORMAT: &str = "ttm-lab-scenario";
/// The format version this build reads and writes.
pub const VERSION: u32 = 1;

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Always "ttm-lab-scenario".
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// Short name (used in URLs and file names).
    pub name: String,
    /// Title.
    pub title: String,
    /// One paragraph: what the walkthrough shows.
    pub goal: String,
    /// The machine (defaults: the spec's standard 64 MiB x86-64 E3 radeon).
    pub machine: MachineConfig,
    /// The user-level steps.
    pub steps: Vec<Step>,
}

/// One step: an action, what to say about it, and values to expect after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The action.
    #[serde(rename = "do")]
    pub action: Action,
    /// Narration for this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub say: Option<String>,
    /// Expected values after the step: a [`Summary::query`] path, or `result` ("ok" or the
    /// kernel's error name such as "-ENOMEM"), mapped to the expected JSON value.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub expect: BTreeMap<String, serde_json::Value>,
    /// "Predict, then reveal" (issue 7): ask the reader about this step before it runs; the
    /// model answers. `"auto"` picks the most telling question, a kind picks one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask: Option<crate::exercise::Ask>,
}

/// A scenario that cannot be run, and where the problem is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioError {
    /// JSON path of the offending value as [`format_path`] writes it (`steps[3].do`,
    /// `steps[0].expect["pool.wc.npages"]`), empty for the whole file.
    pub path: String,
    /// 1-based line in the text. 1 when there is no text (a run with another machine).
    pub line: usize,
    /// 1-based column in characters (Unicode scalar values, not bytes) of that line.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            String::new()
        } else {
            format!(" at {}", self.path)
        };
        // Positions are 1-based; a hand-made error with 0 still prints a real place.
        write!(
            f,
            "line {}, column {}{at}: {}",
            self.line.max(1),
            self.column.max(1),
            self.message
        )
    }
}

impl std::error::Error for ScenarioError {}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepRecord {
    /// Step index.
    pub index: usize,
    /// The action's description (shared with the trace's mark of the step).
    pub label: Rc<str>,
    /// First trace event of the step (its Mark).
    pub first_event: u64,
    /// One past its last event.
    pub end_event: u64,
    /// "ok" or the kernel's error name.
    pub result: &'static str,
    /// What it produced, when it succeeded.
    pub output: Option<Output>,
    /// Narration.
    pub say: Option<String>,
    /// What the step changed in the state summary ([`Run::summary_after`] rebuilds the whole
    /// summary after a step; [`Run::summaries`] walks them all). Only the changed entries are
    /// kept, so a record costs what its step changed (issue 16).
    pub changes: SummaryChanges,
}

/// An expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    /// Step index.
    pub step: usize,
    /// Query path.
    pub key: String,
    /// Expected.
    pub expected: serde_json::Value,
    /// Found.
    pub actual: serde_json::Value,
}

/// A scenario that has run.
#[derive(Clone, Debug)]
pub struct Run {
    /// The scenario.
    pub scenario: Scenario,
    /// The machine after the last step (its trace holds every step).
    pub sim: Sim,
    /// One record per step.
    pub steps: Vec<StepRecord>,
    /// Expectations that did not hold.
    pub mismatches: Vec<Mismatch>,
    /// The questions of the steps marked `ask` ([`crate::exercise::questions`]), computed once
    /// with the run; a marked step with nothing to ask has none.
    pub questions: Vec<crate::exercise::Question>,
    /// Linux 6.12 replays (mspec 9.6): what of the scenario has no 6.12 counterpart or was
    /// translated with a loss, each placed at its step's `do` (or the machine's `sysfs`).
    /// Always empty on 3.3.
    pub notices: Vec<ScenarioError>,
}

impl Run {
    /// The summary of the boot state, before the first step.
    pub fn boot_summary(&self) -> Summary {
        crate::summary::summarize(&self.sim, self.sim.boot_state(), 0)
    }

    /// The summary after step `step` (clamped to the last step; the boot summary for a run
    /// with no steps): the boot summary with the changes of steps `0..=step` applied.
    pub fn summary_after(&self, step: usize) -> Summary {
        let mut s = self.boot_summary();
        for rec in self.steps.iter().take(step.saturating_add(1)) {
            s.apply(&rec.changes);
        }
        s
    }

    /// The summary after each step in turn, built by applying each step's changes to the one
    /// before: `summaries().next()` is after step 0. Walking them all costs the boot summary plus
    /// the changes, not a summary per step.
    pub fn summaries(&self) -> Summaries<'_> {
        Summaries {
            current: self.boot_summary(),
            steps: self.steps.iter(),
        }
    }

    /// The step whose events hold position `pos` (the step just done, at a boundary).
    pub fn step_at(&self, pos: u64) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.first_event < pos && pos <= s.end_event)
    }

    /// True at a step boundary: the start, the end of the trace, or where a step begins or ends.
    pub fn at_boundary(&self, pos: u64) -> bool {
        pos == 0
            || pos == self.sim.trace().len()
            || self
                .steps
                .iter()
                .any(|s| s.first_event == pos || s.end_event == pos)
    }

    /// The question asked at `pos` (just before its step runs), with its index in
    /// [`Run::questions`].
    pub fn question_at(&self, pos: u64) -> Option<(usize, &crate::exercise::Question)> {
        self.questions
            .iter()
            .enumerate()
            .find(|(_, q)| self.steps.get(q.step).is_some_and(|s| s.first_event == pos))
    }
}

/// A lending walk over the summaries after each step ([`Run::summaries`]).
pub struct Summaries<'r> {
    current: Summary,
    steps: std::slice::Iter<'r, StepRecord>,
}

impl Summaries<'_> {
    /// The summary before the next step (the boot summary before the first).
    pub fn current(&self) -> &Summary {
        &self.current
    }

    /// Apply the next step's changes and return the summary after it, with its record; None
    /// after the last step.
    pub fn advance(&mut self) -> Option<(&StepRecord, &Summary)> {
        let rec = self.steps.next()?;
        self.current.apply(&rec.changes);
        Some((rec, &self.current))
    }
}

impl Scenario {
    /// Read a scenario file without running it: the JSON, `format`, `version` and the machine
    /// ([`MachineConfig::validate`]). Every error is placed: the JSON path and a 1-based line and
    /// character column in `text` (see [`ScenarioError`]). Whether each action makes sense is
    /// known only by running it: [`Scenario::load`] does both.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        // One reader on every target (issue 16): the text's tree, the types from it.
        let sc = crate::read::scenario(text).map_err(|b| at(text, b.path, b.at, b.message))?;
        let err = |key: &str, message: String| error_at(Some(text), &[PathSeg::key(key)], message);
        if sc.format != FORMAT {
            return Err(err(
                "format",
                format!("expected \"{FORMAT}\", found {:?}", sc.format),
            ));
        }
        if sc.version != VERSION {
            return Err(err(
                "version",
                format!(
                    "this TTM Lab reads version {VERSION}, the file is version {}",
                    sc.version
                ),
            ));
        }
        sc.machine
            .validate()
            .map_err(|e| config_error(Some(text), e))?;
        Ok(sc)
    }

    /// Read a scenario file from its bytes (as read from disk): text that is not UTF-8 is an
    /// error at its first bad byte, placed by the line and column it would have in the text;
    /// UTF-8 text is read by [`Scenario::from_json`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        Scenario::from_json(utf8(bytes)?)
    }

    /// Read a scenario file and run it, once. Errors are placed in `text` like
    /// [`Scenario::from_json`]'s, and so are the run's: an action the machine refuses as
    /// invalid (`steps[3].do`), an expectation naming no value (`steps[0].expect["pool.x"]`),
    /// a step marked `ask` that gives nothing to ask (`steps[2].ask`).
    pub fn load(text: &str) -> Result<Run, ScenarioError> {
        Scenario::from_json(text)?.run_checked(&Text::Held(text), None)
    }

    /// [`Scenario::load`], the run building its [`Recording`](crate::Recording) as it goes
    /// ([`Sim::record`], with `chart_points` chart samples): take it with
    /// [`Recording::of`](crate::Recording::of)`(run.sim, chart_points)`, without a second pass
    /// over the trace.
    pub fn load_recorded(text: &str, chart_points: usize) -> Result<Run, ScenarioError> {
        Scenario::from_json(text)?.run_checked(&Text::Held(text), Some(chart_points))
    }

    /// Run a scenario read from a file that `reread` can read again, placing the run's errors
    /// and notices as [`Scenario::load`] does without holding the file's text during the run:
    /// the text is read again (once) only when something must be placed, so a 10^6-step file's
    /// 53 MB are freed before it runs (issue 16). When `reread` gives `None` (the file is gone
    /// or has changed since it was read) errors keep their path and sit at line 1, column 1.
    pub fn run_placed(self, reread: &dyn Fn() -> Option<String>) -> Result<Run, ScenarioError> {
        self.run_checked(&Text::Reread(reread, std::cell::OnceCell::new()), None)
    }

    /// [`Scenario::load`] from the file's bytes (UTF-8 checked as by [`Scenario::from_bytes`]).
    pub fn load_bytes(bytes: &[u8]) -> Result<Run, ScenarioError> {
        Scenario::load(utf8(bytes)?)
    }

    /// The scenario as pretty JSON, as serde_json's `to_string_pretty` writes it (written by
    /// hand, `write.rs`: no serializer per type in the web app, issue 16); it reads back as the
    /// same scenario.
    pub fn to_json(&self) -> String {
        crate::write::scenario(self)
    }

    /// Run every step. Errors only for configurations or actions that cannot run at all; with
    /// no text to place them in, they are at line 1 (use [`Scenario::load`] for a file).
    pub fn run(&self) -> Result<Run, ScenarioError> {
        self.clone().run_checked(&Text::None, None)
    }

    /// Run with another machine configuration (for comparisons). On another kernel than the
    /// file's (a 3.3 walkthrough replayed on Linux 6.12, mspec 9.6) the steps' `say` texts are
    /// left out of the records: they tell what the file's kernel does ("the wc pool refilled 512
    /// pages"), which the replay does not; the model's own narration stands alone.
    pub fn run_with(&self, machine: MachineConfig) -> Result<Run, ScenarioError> {
        self.on(machine).run_checked(&Text::None, None)
    }

    /// [`Scenario::run`] on its own machine, or [`Scenario::run_with`] on `machine`, the run
    /// building its recording as it goes (as [`Scenario::load_recorded`]).
    pub fn run_recorded(
        &self,
        machine: Option<MachineConfig>,
        chart_points: usize,
    ) -> Result<Run, ScenarioError> {
        let sc = match machine {
            Some(m) => self.on(m),
            None => self.clone(),
        };
        sc.run_checked(&Text::None, Some(chart_points))
    }

    /// This scenario on `machine`, without the `say` texts when that is another kernel (see
    /// [`Scenario::run_with`]).
    fn on(&self, machine: MachineConfig) -> Scenario {
        let mut sc = Scenario {
            machine,
            ..self.clone()
        };
        if sc.machine.kernel != self.machine.kernel {
            for st in &mut sc.steps {
                st.say = None;
            }
        }
        sc
    }

    /// Run the scenario, which the [`Run`] then keeps (moved, not copied: a million-step file's
    /// steps are held once).
    /// With `chart_points`, the run builds its recording as it goes ([`Sim::record`]).
    fn run_checked(self, file: &Text, chart_points: Option<usize>) -> Result<Run, ScenarioError> {
        // The file's text, read again only if a step needs an error placed in it.
        let text = || file.get();
        let in_step =
            |i: usize, key: &str| vec![PathSeg::key("steps"), PathSeg::Index(i), PathSeg::key(key)];
        let mut sim = Sim::new(self.machine.clone()).map_err(|e| config_error(text(), e))?;
        if let Some(n) = chart_points {
            sim.record(n);
        }
        let mut summary = SummaryTracker::boot(&sim);
        let mut steps = Vec::with_capacity(self.steps.len());
        let mut mismatches = Vec::new();
        let machine_sysfs = [PathSeg::key("machine"), PathSeg::key("sysfs")];
        let mut notices: Vec<ScenarioError> = sim
            .take_notes()
            .into_iter()
            .map(|n| error_at(text(), &machine_sysfs, n))
            .collect();
        for (i, step) in self.steps.iter().enumerate() {
            let first_event = sim.trace().len();
            let start = sim.trace().end();
            // The summary follows what this step's deltas touch (boot's sysfs writes, or the
            // step before, are already in it).
            sim.take_touched();
            // Where a refusal points: the step's action, or its `device` when the machine has
            // no such device.
            let refused_at = |sim: &Sim| {
                let mut at = in_step(i, "do");
                if step
                    .action
                    .device()
                    .is_some_and(|d| d as usize >= sim.state().device_count())
                {
                    at.push(PathSeg::key("device"));
                }
                at
            };
            let (result, output) = match sim.run(&step.action) {
                Ok(o) => ("ok", Some(o)),
                Err(SimError::Kernel(e)) => (e.name(), None),
                // On 6.12 an action that cannot run (typically a replayed 3.3 step whose
                // object has no 6.12 counterpart, mspec 9.6) is a located notice; the step is
                // recorded as skipped.
                Err(SimError::Invalid(m)) if sim.is_modern() => {
                    notices.push(error_at(
                        text(),
                        &refused_at(&sim),
                        format!("{m} (Linux 6.12: step skipped)"),
                    ));
                    sim.mark_skipped(step.action.describe());
                    ("skipped", None)
                }
                Err(SimError::Invalid(m)) => return Err(error_at(text(), &refused_at(&sim), m)),
            };
            for n in sim.take_notes() {
                notices.push(error_at(text(), &in_step(i, "do"), n));
            }
            let touched = sim.take_touched();
            let changes = summary.step(&sim, touched);
            let after = summary.current();
            let view = crate::query::StepView {
                sim: &sim,
                output: output.as_ref(),
                start,
            };
            for (key, expected) in &step.expect {
                let actual = if key == "result" {
                    serde_json::Value::String(result.to_string())
                } else {
                    let q =
                        crate::query::step_query(&view, key).unwrap_or_else(|| after.query(key));
                    match q {
                        Ok(v) => v,
                        Err(m) => {
                            let mut path = in_step(i, "expect");
                            path.push(PathSeg::key(key));
                            let e = error_at(text(), &path, m);
                            if !sim.is_modern() {
                                return Err(e);
                            }
                            // A 3.3 expectation replayed on 6.12 that names no 6.12 object
                            // (mspec 9.6): a located notice, the expectation is skipped.
                            notices.push(ScenarioError {
                                message: format!(
                                    "{} (this expectation has no Linux 6.12 counterpart)",
                                    e.message
                                ),
                                ..e
                            });
                            continue;
                        }
                    }
                };
                if &actual != expected {
                    mismatches.push(Mismatch {
                        step: i,
                        key: key.clone(),
                        expected: expected.clone(),
                        actual,
                    });
                }
            }
            // The step's mark in the trace has the same label (but for a skipped step's).
            let described = step.action.describe();
            let label = match sim.trace().latest_label() {
                Some(l) if **l == *described => Rc::clone(l),
                _ => Rc::from(described),
            };
            steps.push(StepRecord {
                index: i,
                label,
                first_event,
                end_event: sim.trace().len(),
                result,
                output,
                say: step.say.clone(),
                changes,
            });
        }
        let mut run = Run {
            scenario: self,
            sim,
            steps,
            mismatches,
            questions: Vec::new(),
            notices,
        };
        let (questions, unanswerable) = crate::exercise::questions(&run);
        // A file's marked steps must have something to ask on the file's own machine.
        if file.is_file() {
            if run.sim.is_modern() {
                // A 3.3 walkthrough replayed on 6.12 (mspec 9.6): a question written for 3.3
                // that has nothing to ask on 6.12 is a located notice, not an error.
                for u in &unanswerable {
                    let m =
                        format!("{u} (on Linux 6.12; the question was written for another kernel)");
                    run.notices
                        .push(error_at(text(), &in_step(u.step, "ask"), m));
                }
            } else if let Some(u) = unanswerable.first() {
                return Err(error_at(text(), &in_step(u.step, "ask"), u.to_string()));
            }
        }
        run.questions = questions;
        Ok(run)
    }
}

/// The JSON report of a run, as `ttm-lab run FILE --json [--trace]` prints it and the web app
/// exports it: the state summary's fields at the top level (after step `step`, or at the end),
/// plus `name`, `title`, `step`, `steps` (the records up to `step`, each with the summary entries
/// its step changed), `mismatches` and, with `trace`, every trace event up to that point.
pub fn report(
    scenario: &Scenario,
    sim: &Sim,
    steps: &[StepRecord],
    mismatches: &[Mismatch],
    step: Option<usize>,
    trace: bool,
) -> serde_json::Value {
    let step = step.filter(|&n| n < steps.len());
    let summary = match step {
        Some(n) => {
            let mut s = crate::summary::summarize(sim, sim.boot_state(), 0);
            steps[..=n].iter().for_each(|r| s.apply(&r.changes));
            s
        }
        None => sim.summary(),
    };
    let mut v = match serde_json::to_value(&summary) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let shown = step.map_or(steps.len(), |n| n + 1);
    v.insert("name".into(), scenario.name.clone().into());
    v.insert("title".into(), scenario.title.clone().into());
    v.insert(
        "step".into(),
        step.map_or(serde_json::Value::Null, |n| n.into()),
    );
    v.insert(
        "steps".into(),
        serde_json::to_value(&steps[..shown]).unwrap_or_default(),
    );
    v.insert(
        "mismatches".into(),
        serde_json::to_value(mismatches).unwrap_or_default(),
    );
    if trace {
        let end = step.map_or(sim.trace().len(), |n| steps[n].end_event);
        let events: Vec<_> = sim.trace().events().take(end as usize).collect();
        v.insert(
            "trace".into(),
            serde_json::to_value(&events).unwrap_or_default(),
        );
    }
    serde_json::Value::Object(v)
}

/// One step of a path into a scenario file's JSON.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    /// The value of this key of an object (the key as the file spells it, unescaped).
    Key(String),
    /// The element at this 0-based index of an array.
    Index(usize),
}

impl PathSeg {
    /// The segment of object key `key`.
    pub fn key(key: &str) -> PathSeg {
        PathSeg::Key(key.to_string())
    }
}

/// A path as [`ScenarioError::path`] shows it: `steps[3].do`. A key that is not a plain name
/// (letters, digits and `_`, not starting with a digit) is written as a JSON string in brackets,
/// escaped as JSON escapes it: `steps[0].expect["pool.wc.npages"]`, `expect["a\"b"]`.
pub fn format_path(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) if is_plain_name(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Key(k) => {
                out.push('[');
                crate::write::string(k, &mut out);
                out.push(']');
            }
            PathSeg::Index(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

fn is_plain_name(k: &str) -> bool {
    k.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Find the 1-based line and column (in characters) of the value at `path` in JSON `text`;
/// `None` when the text has no such value (a key left at its default).
pub fn locate(text: &str, path: &[PathSeg]) -> Option<(usize, usize)> {
    let (depth, at) = walk(text.as_bytes(), path);
    (depth == path.len()).then(|| position(text, at))
}

/// How many segments of `path` the text has, and the byte offset of the deepest such value.
fn walk(b: &[u8], path: &[PathSeg]) -> (usize, usize) {
    let mut pos = skip_ws(b, 0);
    for (depth, seg) in path.iter().enumerate() {
        match child(b, pos, seg) {
            Some(p) => pos = p,
            None => return (depth, pos),
        }
    }
    (path.len(), pos)
}

/// Byte offset of the value `seg` names inside the object or array starting at `pos`.
fn child(b: &[u8], mut pos: usize, seg: &PathSeg) -> Option<usize> {
    match (seg, b.get(pos)?) {
        (PathSeg::Key(k), b'{') => {
            pos += 1;
            loop {
                pos = skip_ws(b, pos);
                let (key, after) = read_string(b, pos)?;
                pos = skip_ws(b, after);
                if *b.get(pos)? != b':' {
                    return None;
                }
                pos = skip_ws(b, pos + 1);
                if key == *k {
                    return Some(pos);
                }
                pos = skip_ws(b, skip_value(b, pos)?);
                if *b.get(pos)? != b',' {
                    return None;
                }
                pos += 1;
            }
        }
        (PathSeg::Index(n), b'[') => {
            pos += 1;
            for _ in 0..*n {
                pos = skip_ws(b, pos);
                pos = skip_ws(b, skip_value(b, pos)?);
                if *b.get(pos)? != b',' {
                    return None;
                }
                pos += 1;
            }
            let pos = skip_ws(b, pos);
            (*b.get(pos)? != b']').then_some(pos)
        }
        _ => None,
    }
}

/// 1-based line and character column of byte offset `at` of `text` (an offset inside a
/// character counts as that character; one past the end of a line is its length + 1).
fn position(text: &str, at: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let at = at.min(b.len());
    let line_start = b[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + b[..line_start].iter().filter(|&&c| c == b'\n').count();
    (line, column(text, line_start, at))
}

/// 1-based character column of byte `at` in the line starting at byte `line_start`.
fn column(text: &str, line_start: usize, at: usize) -> usize {
    let rest = text.get(line_start..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    let at = at.saturating_sub(line_start);
    1 + line
        .char_indices()
        .filter(|(i, c)| i + c.len_utf8() <= at)
        .count()
}

/// The text a run's errors are placed in.
enum Text<'a> {
    /// None: a scenario built or replayed in memory; its errors sit at line 1.
    None,
    /// The file's text, held by the caller.
    Held(&'a str),
    /// A file read again when an error must be placed, at most once ([`Scenario::run_placed`]).
    Reread(
        &'a dyn Fn() -> Option<String>,
        std::cell::OnceCell<Option<String>>,
    ),
}

impl Text<'_> {
    /// The text, read now if it has to be read again.
    fn get(&self) -> Option<&str> {
        match self {
            Text::None => None,
            Text::Held(t) => Some(t),
            Text::Reread(read, once) => once.get_or_init(read).as_deref(),
        }
    }

    /// True when the scenario came from a file (whose marked steps must have something to ask).
    fn is_file(&self) -> bool {
        !matches!(self, Text::None)
    }
}

/// An error about the value at `path`: at that value in `text` or, when the text does not have
/// it, at its nearest ancestor that it has (the path then names that ancestor and the message
/// the missing part). Without a text (a run with another machine): line 1, column 1.
fn error_at(text: Option<&str>, path: &[PathSeg], message: String) -> ScenarioError {
    let Some(text) = text else {
        return ScenarioError {
            path: format_path(path),
            line: 1,
            column: 1,
            message,
        };
    };
    let (depth, at) = walk(text.as_bytes(), path);
    let (line, column) = position(text, at);
    let message = if depth < path.len() {
        format!("{message} ({} is not in the file)", format_path(path))
    } else {
        message
    };
    ScenarioError {
        path: format_path(&path[..depth]),
        line,
        column,
        message,
    }
}

/// A machine the model cannot run, at the field's value. A field the file leaves out has its
/// default value; the error then points at the value in the file it conflicts with
/// ([`ConfigError::other`]), or else the field's nearest ancestor in the file, and says so.
fn config_error(text: Option<&str>, e: ConfigError) -> ScenarioError {
    let machine = |field: &str| {
        let mut path = vec![PathSeg::key("machine")];
        path.extend(config_path(field));
        path
    };
    let field = machine(&e.field);
    let Some(t) = text.filter(|t| locate(t, &field).is_none()) else {
        return error_at(text, &field, e.message);
    };
    let message = format!(
        "{}; {} is not in the file, so that is its default value",
        e.message,
        format_path(&field)
    );
    let other = e.other.as_deref().map(machine);
    let target = other.filter(|o| locate(t, o).is_some()).unwrap_or(field);
    let (depth, at) = walk(t.as_bytes(), &target);
    let (line, column) = position(t, at);
    ScenarioError {
        path: format_path(&target[..depth]),
        line,
        column,
        message,
    }
}

/// The segments of a [`ConfigError::field`] (`driver.vram_mib`, `sysfs[2].zone`): the model
/// writes those from its own field names and indices, never from the file's text.
fn config_path(field: &str) -> Vec<PathSeg> {
    let mut path = Vec::new();
    for part in field.split('.') {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            path.push(PathSeg::key(name));
        }
        for index in pieces {
            match index.trim_end_matches(']').parse() {
                Ok(n) => path.push(PathSeg::Index(n)),
                Err(_) => return path,
            }
        }
    }
    path
}

/// An error of the file's JSON or content: its path, placed at byte offset `at` of `text`.
fn at(text: &str, path: Vec<PathSeg>, at: usize, message: String) -> ScenarioError {
    let (line, column) = position(text, at);
    ScenarioError {
        path: format_path(&path),
        line,
        column,
        message,
    }
}

/// The text of a file's bytes, or the error at its first byte that is not UTF-8.
fn utf8(bytes: &[u8]) -> Result<&str, ScenarioError> {
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, &e))
}

fn not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> ScenarioError {
    let good = e.valid_up_to();
    // The text before the bad byte is valid, so the lossy text places it exactly.
    let (line, column) = position(&String::from_utf8_lossy(bytes), good);
    let bad = &bytes[good..good + e.error_len().unwrap_or(bytes.len() - good)];
    let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
    let what = if bad.len() == 1 { "byte" } else { "bytes" };
    let message = match e.error_len() {
        Some(_) => format!(
            "the file is not UTF-8 text: {what} {} (at byte offset {good}) cannot be read as UTF-8; save it as UTF-8",
            hex.join(" ")
        ),
        None => format!(
            "the file is not UTF-8 text: it ends in the middle of a character ({what} {} at byte offset {good}); save it as UTF-8",
            hex.join(" ")
        ),
    };
    ScenarioError {
        path: String::new(),
        line,
        column,
        message,
    }
}

fn skip_ws(b: &[u8], mut p: usize) -> usize {
    while p < b.len() && b[p].is_ascii_whitespace() {
        p += 1;
    }
    p
}

fn read_string(b: &[u8], p: usize) -> Option<(String, usize)> {
    if *b.get(p)? != b'"' {
        return None;
    }
    let end = skip_value(b, p)?;
    let text = std::str::from_utf8(&b[p..end]).ok()?;
    match crate::json::parse(text).ok()?.kind {
        crate::json::Kind::Str(s) => Some((s.into_owned(), end)),
        _ => None,
    }
}

/// Index just past the JSON value starting at `p`.
fn skip_value(b: &[u8], p: usize) -> Option<usize> {
    match *b.get(p)? {
        b'"' => {
            let mut i = p + 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = p;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = skip_value(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = p;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']') && !b[i].is_ascii_whitespace()
            {
                i += 1;
            }
            Some(i)
        }
    }
}
