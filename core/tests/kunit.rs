//! The kernel's KUnit TTM tests (drivers/gpu/drm/ttm/tests/), translated for the Linux 3.3 model
//! into scenario files under `scenarios/kunit/`, one per KUnit case with a meaning in 3.3 (the
//! README there lists every case, translated or not, and why). Each file must load and run on
//! its 3.3 machine with every expectation met and no invariant broken (a defect the file
//! shows is one it expects); the README must name
//! every file.

use std::path::Path;
use ttm_core::Scenario;

fn files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/kunit");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_translated_kunit_case_passes_on_3_3() {
    let files = files();
    assert!(files.len() >= 40, "{} files", files.len());
    let mut failures = Vec::new();
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let run = match Scenario::load(&text) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        assert_eq!(run.scenario.name, name, "the name is the file stem");
        assert!(!run.sim.is_modern(), "{name}");
        assert!(
            run.scenario.goal.contains("Mirrors"),
            "{name}: the goal says what it mirrors"
        );
        if !run.mismatches.is_empty() {
            failures.push(format!("{name}: {:?}", run.mismatches));
        }
        // A defect the file shows must be one it expects (`"findings": [...]`).
        let expects_findings = run
            .scenario
            .steps
            .iter()
            .any(|s| s.expect.contains_key("findings"));
        if !run.sim.findings().is_empty() && !expects_findings {
            failures.push(format!("{name}: findings {:?}", run.sim.findings()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_lists_every_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/kunit");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for f in files() {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            readme.contains(&format!("`{name}`")),
            "README misses {name}"
        );
    }
}
