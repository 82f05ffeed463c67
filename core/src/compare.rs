//! Comparing one scenario run under two configurations (issue 5): before vs after the seed,
//! faithful vs fixed, two drivers, swiotlb on vs off. Runs are aligned by user step; each row says
//! what differs after that step, and the first row that differs is the divergence.

use crate::config::MachineConfig;
use crate::scenario::{Run, Scenario, ScenarioError};
use crate::summary::Summary;
use serde::{Deserialize, Serialize};

/// One aligned step of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Step index.
    pub step: usize,
    /// Step label.
    pub label: String,
    /// Result in run A ("ok" or the error name).
    pub result_a: String,
    /// Result in run B.
    pub result_b: String,
    /// Trace event range of the step in run A.
    pub events_a: (u64, u64),
    /// Trace event range of the step in run B.
    pub events_b: (u64, u64),
    /// What differs after the step: `path: a → b` (pools, zones, tts, bos, findings).
    pub differences: Vec<String>,
}

/// Two runs side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// One row per step.
    pub rows: Vec<Row>,
    /// The first step whose result or state differs.
    pub first_divergence: Option<usize>,
}

/// Run `sc` under machines `a` and `b` and compare.
pub fn compare_configs(
    sc: &Scenario,
    a: MachineConfig,
    b: MachineConfig,
) -> Result<(Run, Run, Comparison), ScenarioError> {
    let ra = sc.run_with(a)?;
    let rb = sc.run_with(b)?;
    let c = compare(&ra, &rb);
    Ok((ra, rb, c))
}

/// Compare two runs of the same steps.
pub fn compare(a: &Run, b: &Run) -> Comparison {
    let (mut sa, mut sb) = (a.summaries(), b.summaries());
    let rows: Vec<Row> = a
        .steps
        .iter()
        .zip(&b.steps)
        .map(|(x, y)| {
            let mut differences = Vec::new();
            if x.result != y.result {
                differences.push(format!("result: {} → {}", x.result, y.result));
            }
            if let (Some((_, after_a)), Some((_, after_b))) = (sa.advance(), sb.advance()) {
                diff_summaries(after_a, after_b, &mut differences);
            }
            Row {
                step: x.index,
                label: x.label.to_string(),
                result_a: x.result.to_string(),
                result_b: y.result.to_string(),
                events_a: (x.first_event, x.end_event),
                events_b: (y.first_event, y.end_event),
                differences,
            }
        })
        .collect();
    let first_divergence = rows.iter().position(|r| !r.differences.is_empty());
    Comparison {
        rows,
        first_divergence,
    }
}

/// Leaf-by-leaf differences of two summaries as `path: a → b`.
fn diff_summaries(a: &Summary, b: &Summary, out: &mut Vec<String>) {
    let (va, vb) = (
        serde_json::to_value(a).unwrap_or_default(),
        serde_json::to_value(b).unwrap_or_default(),
    );
    diff_values("", &va, &vb, out);
}

fn diff_values(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => {
            for (k, va) in x {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff_values(&p, va, y.get(k).unwrap_or(&serde_json::Value::Null), out);
            }
        }
        (Array(x), Array(y)) if x.len() == y.len() && x.iter().all(|v| !v.is_string()) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                let key = va
                    .get("name")
                    .and_then(|n| n.as_str())
                    .map_or(i.to_string(), |n| n.replace(' ', "_"));
                diff_values(&format!("{path}.{key}"), va, vb, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} → {b}")),
        _ => {}
    }
}
