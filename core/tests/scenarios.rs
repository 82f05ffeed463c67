//! Scenario files: parsing, precise errors, running, expectations; every built-in walkthrough in
//! `scenarios/` runs and meets its expected values.

use ttm_core::scenario::{locate, PathSeg, Scenario};
use ttm_core::*;

const MIN: &str = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t", "steps": []}"#;

/// The error of loading `text` (reading it, or running it: `Scenario::load` places both).
fn err(text: &str) -> ScenarioError {
    Scenario::load(text).expect_err("must be rejected")
}

#[test]
fn minimal_scenario_parses_and_round_trips() {
    let sc = Scenario::from_json(MIN).unwrap();
    let again = Scenario::from_json(&sc.to_json()).unwrap();
    assert_eq!(sc, again);
}

#[test]
fn bad_json_names_line_and_column() {
    let e = err("{\n  \"format\": \"ttm-lab-scenario\",\n  \"version\": 1,,\n}");
    assert_eq!((e.line, e.column), (3, 16));
    assert_eq!(e.path, "", "a syntax error has no value path");
}

#[test]
fn unknown_action_names_the_step() {
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "steps": [
    {"do": {"action": "tt_create", "pages": 4}},
    {"do": {"action": "tt_explode", "tt": 0}}
  ]}"#;
    let e = err(text);
    assert_eq!(e.path, "steps[1].do.action");
    assert!(e.message.contains("tt_explode"), "{e}");
    assert_eq!(e.line, 4, "{e}");
}

#[test]
fn unknown_field_and_wrong_type_are_rejected() {
    let e = err(
        r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t", "steps": [], "colour": 1}"#,
    );
    assert!(e.message.contains("colour"), "{e}");
    let e = err(
        r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
"steps": [{"do": {"action": "tt_populate", "tt": "many"}}]}"#,
    );
    // The field of the action: its path, and its value on line 2, `"steps": [{"do": {"action":
    // "tt_populate", "tt": "many"}}]}`, where `"many"` starts at the 50th character.
    assert_eq!(e.path, "steps[0].do.tt");
    assert_eq!((e.line, e.column), (2, 50), "{e}");
    assert_eq!(e.message, "invalid type: string \"many\", expected u32");
    // A size that is no size names what a size is (issue 17: `pages` takes "8193 bytes").
    let e = err(
        r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
"steps": [{"do": {"action": "tt_create", "pages": "many"}}]}"#,
    );
    assert_eq!(e.path, "steps[0].do.pages");
    assert!(e.message.contains("\"many\" is not a size"), "{e}");
}

#[test]
fn reference_to_a_missing_object_names_its_place() {
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "steps": [
    {"do": {"action": "tt_populate", "tt": 7}}
  ]}"#;
    let e = err(text);
    assert_eq!(e.path, "steps[0].do");
    // Line 3 is `    {"do": {"action": ...`: the value of "do" starts at column 12.
    assert_eq!((e.line, e.column), (3, 12));
    assert!(e.message.contains("no tt 7"), "{e}");
    // Reading the file does not run it, so it cannot know there is no tt 7 yet; the machine
    // is checked when reading (the next test).
    assert!(Scenario::from_json(text).is_ok());
}

#[test]
fn impossible_machine_values_name_the_field() {
    let e = err(
        r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "machine": {"ram_bytes": 12345}, "steps": []}"#,
    );
    assert_eq!(e.path, "machine.ram_bytes");
    assert_eq!(e.line, 2);
    let read = Scenario::from_json(
        r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "machine": {"ram_bytes": 12345}, "steps": []}"#,
    );
    assert_eq!(
        read.map_err(|e| e.path),
        Err("machine.ram_bytes".to_string())
    );
    let e = err(r#"{"format": "ttm-lab-scenario", "version": 2, "title": "t", "steps": []}"#);
    assert_eq!(e.path, "version");
    let e = err(r#"{"format": "something-else", "version": 1, "title": "t", "steps": []}"#);
    assert_eq!(e.path, "format");
}

#[test]
fn kernel_refusals_run_and_record_the_error() {
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "steps": [
    {"do": {"action": "mem_charge", "bytes": 33538048}},
    {"do": {"action": "tt_create", "pages": 10}},
    {"do": {"action": "tt_populate", "tt": 0}, "expect": {"result": "-ENOMEM"}}
  ]}"#;
    let run = Scenario::from_json(text).unwrap().run().unwrap();
    assert_eq!(run.steps[2].result, "-ENOMEM");
    assert!(run.mismatches.is_empty(), "{:?}", run.mismatches);
}

#[test]
fn bad_expectation_paths_are_errors_and_wrong_values_are_mismatches() {
    let bad = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "steps": [{"do": {"action": "tt_create", "pages": 1}, "expect": {"pool.nope.npages": 1}}]}"#;
    let e = err(bad);
    assert_eq!(e.path, "steps[0].expect[\"pool.nope.npages\"]");
    // Line 2 is `  "steps": [{"do": ..., "expect": {"pool.nope.npages": 1}}]}`: the value 1.
    assert_eq!(e.line, 2);
    assert!(e.column > 60, "{e}");
    let wrong = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "steps": [{"do": {"action": "tt_create", "pages": 1}, "expect": {"tt.0.pages": 5}}]}"#;
    let run = Scenario::from_json(wrong).unwrap().run().unwrap();
    assert_eq!(run.mismatches.len(), 1);
    assert_eq!(run.mismatches[0].actual, serde_json::json!(0));
}

#[test]
fn locate_walks_nested_paths() {
    let text = "{\"a\": [1, {\"b\": \"x\"}],\n \"c\": {\"d\": [true, null, 3]}}";
    let a1b = [PathSeg::key("a"), PathSeg::Index(1), PathSeg::key("b")];
    assert_eq!(locate(text, &a1b), Some((1, 17)));
    // Line 2 is ` "c": {"d": [true, null, 3]}}`: the 3 is the 26th character.
    let cd2 = [PathSeg::key("c"), PathSeg::key("d"), PathSeg::Index(2)];
    assert_eq!(locate(text, &cd2), Some((2, 26)));
    assert_eq!(locate(text, &[PathSeg::key("c"), PathSeg::key("e")]), None);
    assert_eq!(locate(text, &[PathSeg::key("a"), PathSeg::Index(2)]), None);
}

#[test]
fn every_built_in_walkthrough_meets_its_expectations() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let sc = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !sc.title.is_empty() && !sc.goal.is_empty(),
            "{}: title and goal",
            path.display()
        );
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(
            sc.name,
            stem,
            "{}: name equals the file name",
            path.display()
        );
        let run = sc.run().unwrap();
        assert!(
            run.mismatches.is_empty(),
            "{}: {:#?}",
            path.display(),
            run.mismatches
        );
        assert!(
            run.scenario.steps.iter().any(|s| !s.expect.is_empty()),
            "{}: checks key numbers",
            path.display()
        );
    }
}

#[test]
fn before_and_after_the_seed_diverge_at_the_fault() {
    // W15: a fault on page 10 of a 100-page SYSTEM BO populates everything in E3 but only the
    // 16 prefaulted pages in E1: the runs agree until the fault step and diverge there.
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "steps": [
    {"do": {"action": "bo_create", "pages": 100, "placement": "cpu"}},
    {"do": {"action": "bo_fault", "bo": 0, "page": 10}}
  ]}"#;
    let sc = Scenario::from_json(text).unwrap();
    let e3 = MachineConfig::default();
    let e1 = MachineConfig {
        era: Era::E1,
        ..Default::default()
    };
    let (_, _, c) = ttm_core::compare::compare_configs(&sc, e1, e3).unwrap();
    assert_eq!(c.first_divergence, Some(1));
    assert!(
        c.rows[0].differences.is_empty(),
        "{:?}",
        c.rows[0].differences
    );
    let d = &c.rows[1].differences;
    assert!(d.iter().any(|x| x == "tts.0.pages: 16 → 100"), "{d:?}");
    assert!(
        d.iter()
            .any(|x| x == "tts.0.state: \"tt_unpopulated\" → \"tt_unbound\""),
        "{d:?}"
    );
}

#[test]
fn the_report_is_the_summary_plus_the_run() {
    // What `ttm-lab run --json [--trace]` prints and the web app exports (issue 7).
    let run = ttm_core::catalog::load("pool-refill")
        .unwrap()
        .unwrap()
        .run()
        .unwrap();
    let full = ttm_core::scenario::report(
        &run.scenario,
        &run.sim,
        &run.steps,
        &run.mismatches,
        None,
        true,
    );
    assert_eq!(full["name"], "pool-refill");
    assert_eq!(full["steps"].as_array().unwrap().len(), 3);
    assert_eq!(
        full["trace"].as_array().unwrap().len() as u64,
        run.sim.trace().len()
    );
    // W4 at the end: 512 pages in the wc pool.
    assert_eq!(full["pools"][0]["npages"], 512);
    // After step 1 (W3): 492, the records of steps 0 and 1, the trace up to there, no trace without
    // asking for it.
    let at1 = ttm_core::scenario::report(
        &run.scenario,
        &run.sim,
        &run.steps,
        &run.mismatches,
        Some(1),
        false,
    );
    assert_eq!(at1["pools"][0]["npages"], 492);
    assert_eq!(at1["step"], 1);
    assert_eq!(at1["steps"].as_array().unwrap().len(), 2);
    assert!(at1.get("trace").is_none());
}
