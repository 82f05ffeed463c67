//! `ttm-lab generate`: scenario files of any length for the scale benchmarks (docs/BENCHMARKS.md).
//!
//! * `churn`: a new tt every two steps (`tt_create` of a one-page write-combined tt, then
//!   `tt_populate` of it), so the machine holds ever more objects: N steps leave N/2 tts.
//! * `cycle`: four one-page tts, then `tt_populate` / `tt_unpopulate` of them in turn, so the
//!   state stays the same size however long the scenario runs (the 10^6-step benchmark).
//!
//! The text is written piece by piece, so a million steps need no more memory than one step.

use std::fmt::Write;

/// The kinds of generated scenario.
pub const KINDS: [&str; 2] = ["churn", "cycle"];

/// Tts a `cycle` scenario creates before it starts cycling.
const CYCLE_TTS: usize = 4;

/// The machine of a generated scenario: enough RAM that `churn`'s pages are accounted without
/// reaching the zone limit (spec 5.1: max_mem is half the zone; a one-page tt costs one page
/// plus the pool's 512-page refill at the start), at least the default 64 MiB.
fn ram_bytes(kind: &str, steps: usize) -> u64 {
    let pages = match kind {
        "churn" => steps as u64 / 2 + 1024,
        _ => 1024,
    };
    (pages * 4096 * 4).next_power_of_two().max(64 << 20)
}

/// The action of step `i` as a JSON object.
fn action(kind: &str, i: usize) -> String {
    let create = r#"{ "action": "tt_create", "pages": 1, "caching": "wc" }"#;
    match kind {
        "churn" if i.is_multiple_of(2) => create.to_string(),
        "churn" => format!(r#"{{ "action": "tt_populate", "tt": {} }}"#, i / 2),
        _ if i < CYCLE_TTS => create.to_string(),
        _ => {
            let k = i - CYCLE_TTS;
            let tt = (k / 2) % CYCLE_TTS;
            let verb = if k.is_multiple_of(2) {
                "populate"
            } else {
                "unpopulate"
            };
            format!(r#"{{ "action": "tt_{verb}", "tt": {tt} }}"#)
        }
    }
}

/// Write the scenario of `kind` with `steps` steps to `out`, one step per line.
pub fn write(kind: &str, steps: usize, out: &mut impl FnMut(&str)) {
    let mut head = String::new();
    let _ = write!(
        head,
        "{{\n  \"format\": \"ttm-lab-scenario\",\n  \"version\": 1,\n  \"name\": \"{kind}-{steps}\",\n  \"title\": \"Generated: {kind}, {steps} steps\",\n  \"machine\": {{ \"ram_bytes\": {} }},\n  \"steps\": [",
        ram_bytes(kind, steps)
    );
    out(&head);
    for i in 0..steps {
        let sep = if i + 1 < steps { "," } else { "" };
        out(&format!("\n    {{ \"do\": {} }}{sep}", action(kind, i)));
    }
    out("\n  ]\n}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(kind: &str, steps: usize) -> String {
        let mut s = String::new();
        write(kind, steps, &mut |t| s.push_str(t));
        s
    }

    #[test]
    fn churn_creates_a_tt_every_two_steps_and_runs() {
        let run = ttm_core::Scenario::load(&text("churn", 10)).expect("runs");
        assert_eq!(run.steps.len(), 10);
        // Steps 0, 2, 4, 6, 8 create tts 0..4; every step succeeds.
        assert_eq!(run.sim.state().tts.len(), 5);
        assert!(run.steps.iter().all(|s| s.result == "ok"));
    }

    #[test]
    fn cycle_keeps_four_tts() {
        let run = ttm_core::Scenario::load(&text("cycle", 21)).expect("runs");
        assert_eq!(run.sim.state().tts.len(), CYCLE_TTS);
        assert!(run.steps.iter().all(|s| s.result == "ok"));
        assert_eq!(text("cycle", 0).matches("\"do\"").count(), 0);
    }
}
