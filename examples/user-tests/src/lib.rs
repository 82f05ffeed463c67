//! A user's own helpers for testing beliefs about TTM with `ttm-core` (the example of
//! docs/scenarios.md, "Writing your own tests"). A belief is a scenario file: its `expect` values
//! are what the user thinks the kernel does; [`check`] runs it and turns every unmet expectation
//! into one readable failure. The same code runs natively (`cargo test`) and in a browser
//! (`wasm-pack test --headless --chrome`), because ttm-core is pure Rust and the scenario texts
//! are compiled in with `include_str!` (a wasm test has no file system).

use ttm_core::{Run, Scenario};

/// Load and run a scenario text; `Err` with every unmet expectation (step, path, expected,
/// found), or the file's located error (`line L, column C at PATH: message`).
pub fn check(text: &str) -> Result<Run, String> {
    let run = Scenario::load(text).map_err(|e| e.to_string())?;
    if run.mismatches.is_empty() {
        return Ok(run);
    }
    let lines: Vec<String> = run
        .mismatches
        .iter()
        .map(|m| {
            format!(
                "step {}: {} expected {}, found {}",
                m.step, m.key, m.expected, m.actual
            )
        })
        .collect();
    Err(lines.join("\n"))
}

/// A scenario text written in code: `machine` is a JSON object (`"{}"` for the standard machine
/// of the spec's worked examples) and `steps` a JSON array of steps.
pub fn scenario(title: &str, machine: &str, steps: &str) -> String {
    format!(
        r#"{{"format": "ttm-lab-scenario", "version": 1, "title": {}, "machine": {machine}, "steps": {steps}}}"#,
        serde_json::Value::String(title.to_string())
    )
}
