//! Scenarios: a versioned JSON file with a machine configuration and a list of steps (user
//! actions with narration and expected values). Broken files are rejected with the place
//! (path, line, column); actions the kernel refuses run and record the kernel's error.
//! The format is documented in `docs/scenarios.md`.

use crate::config::MachineConfig;
use crate::ops::{Action, Output};
use crate::sim::{Sim, SimError};
use crate::summary::Summary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The value of the `format` field.
pub const FORMAT: &str = "ttm-lab-scenario";
/// The format version this build reads and writes.
pub const VERSION: u32 = 1;

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Always "ttm-lab-scenario".
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// Short name (used in URLs and file names).
    #[serde(default)]
    pub name: String,
    /// Title.
    pub title: String,
    /// One paragraph: what the walkthrough shows.
    #[serde(default)]
    pub goal: String,
    /// The machine (defaults: the spec's standard 64 MiB x86-64 E3 radeon).
    #[serde(default)]
    pub machine: MachineConfig,
    /// The user-level steps.
    pub steps: Vec<Step>,
}

/// One step: an action, what to say about it, and values to expect after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The action.
    #[serde(rename = "do")]
    pub action: Action,
    /// Narration for this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub say: Option<String>,
    /// Expected values after the step: a [`Summary::query`] path, or `result` ("ok" or the
    /// kernel's error name such as "-ENOMEM"), mapped to the expected JSON value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expect: BTreeMap<String, serde_json::Value>,
    /// "Predict, then reveal" (issue 7): ask the reader about this step before it runs; the
    /// model answers. `"auto"` picks the most telling question, a kind picks one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<crate::exercise::Ask>,
}

/// A scenario that cannot be run, and where the problem is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    /// JSON path of the offending value (`steps[3].do.tt`), empty for the whole file.
    pub path: String,
    /// 1-based line, when known.
    pub line: usize,
    /// 1-based column, when known.
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
        write!(
            f,
            "line {}, column {}{at}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ScenarioError {}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Step index.
    pub index: usize,
    /// The action's description.
    pub label: String,
    /// First trace event of the step (its Mark).
    pub first_event: u64,
    /// One past its last event.
    pub end_event: u64,
    /// "ok" or the kernel's error name.
    pub result: String,
    /// What it produced, when it succeeded.
    pub output: Option<Output>,
    /// Narration.
    pub say: Option<String>,
    /// The state after the step.
    pub after: Summary,
}

/// An expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
}

impl Scenario {
    /// Parse a scenario file. Syntax, type and unknown-field errors come with their place.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let sc: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.inner();
            ScenarioError {
                path: if path == "." || path == "?" {
                    String::new()
                } else {
                    path
                },
                line: inner.line(),
                column: inner.column(),
                message: inner
                    .to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or("")
                    .to_string(),
            }
        })?;
        let err = |path: &str, message: String| {
            let (line, column) = locate(text, path).unwrap_or((1, 1));
            ScenarioError {
                path: path.to_string(),
                line,
                column,
                message,
            }
        };
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
        // Dry run: configuration and every action must make sense for this machine.
        sc.run_checked(Some(text)).map(|_| sc.clone())
    }

    /// Serialize as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Run every step. Errors only for configurations or actions that cannot run at all.
    pub fn run(&self) -> Result<Run, ScenarioError> {
        self.run_checked(None)
    }

    /// Run with another machine configuration (for comparisons).
    pub fn run_with(&self, machine: MachineConfig) -> Result<Run, ScenarioError> {
        let sc = Scenario {
            machine,
            ..self.clone()
        };
        sc.run_checked(None)
    }

    fn run_checked(&self, text: Option<&str>) -> Result<Run, ScenarioError> {
        let err = |path: String, message: String| {
            let (line, column) = text.and_then(|t| locate(t, &path)).unwrap_or((0, 0));
            ScenarioError {
                path,
                line,
                column,
                message,
            }
        };
        let mut sim = Sim::new(self.machine.clone())
            .map_err(|e| err(format!("machine.{}", e.field), e.message))?;
        let mut steps = Vec::with_capacity(self.steps.len());
        let mut mismatches = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let first_event = sim.trace().len();
            let (result, output) = match sim.run(&step.action) {
                Ok(o) => ("ok".to_string(), Some(o)),
                Err(SimError::Kernel(e)) => (e.name().to_string(), None),
                Err(SimError::Invalid(m)) => return Err(err(format!("steps[{i}].do"), m)),
            };
            let after = sim.summary();
            for (key, expected) in &step.expect {
                let actual = if key == "result" {
                    serde_json::Value::String(result.clone())
                } else {
                    after
                        .query(key)
                        .map_err(|m| err(format!("steps[{i}].expect[{key:?}]"), m))?
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
            steps.push(StepRecord {
                index: i,
                label: step.action.describe(),
                first_event,
                end_event: sim.trace().len(),
                result,
                output,
                say: step.say.clone(),
                after,
            });
        }
        let run = Run {
            scenario: self.clone(),
            sim,
            steps,
            mismatches,
        };
        // A file's marked steps must have something to ask on the file's own machine.
        if text.is_some() {
            if let Some(u) = crate::exercise::questions(&run).1.first() {
                return Err(err(format!("steps[{}].ask", u.step), u.to_string()));
            }
        }
        Ok(run)
    }
}

/// The JSON report of a run, as `ttm-lab run FILE --json [--trace]` prints it and the web app
/// exports it: the state summary's fields at the top level (after step `step`, or at the end),
/// plus `name`, `title`, `step`, `steps` (the records up to `step`), `mismatches` and, with
/// `trace`, every trace event up to that point.
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
        Some(n) => steps[n].after.clone(),
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

/// Find the 1-based line and column of the value at `path` (`steps[3].do.tt`) in JSON `text`.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut segs = Vec::new();
    // A trailing ["quoted key"] names a key that contains dots (expectation paths).
    let (path, quoted) = match path.find("[\"") {
        Some(i) if path.ends_with("\"]") => (&path[..i], Some(&path[i + 2..path.len() - 2])),
        _ => (path, None),
    };
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                segs.push(Seg::Key(rest[..i].to_string()));
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                segs.push(Seg::Index(rest[1..end].parse().ok()?));
                rest = &rest[end + 1..];
            }
        } else {
            segs.push(Seg::Key(rest.to_string()));
        }
    }
    if let Some(k) = quoted {
        segs.push(Seg::Key(k.to_string()));
    }
    let b = text.as_bytes();
    let mut pos = 0;
    for seg in &segs {
        pos = skip_ws(b, pos);
        match (seg, b.get(pos)?) {
            (Seg::Key(k), b'{') => {
                pos += 1;
                loop {
                    pos = skip_ws(b, pos);
                    if *b.get(pos)? == b'}' {
                        return None;
                    }
                    let (key, after) = read_string(b, pos)?;
                    pos = skip_ws(b, after);
                    if *b.get(pos)? != b':' {
                        return None;
                    }
                    pos = skip_ws(b, pos + 1);
                    if key == *k {
                        break;
                    }
                    pos = skip_ws(b, skip_value(b, pos)?);
                    if *b.get(pos)? == b',' {
                        pos += 1;
                    }
                }
            }
            (Seg::Index(n), b'[') => {
                pos += 1;
                for _ in 0..*n {
                    pos = skip_ws(b, pos);
                    pos = skip_ws(b, skip_value(b, pos)?);
                    if *b.get(pos)? != b',' {
                        return None;
                    }
                    pos += 1;
                }
                pos = skip_ws(b, pos);
            }
            _ => return None,
        }
    }
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Some((line, column))
}

enum Seg {
    Key(String),
    Index(usize),
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
    let s: String = serde_json::from_slice(&b[p..end]).ok()?;
    Some((s, end))
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
