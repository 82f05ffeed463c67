//! The kernel's own KUnit TTM tests (drivers/gpu/drm/ttm/tests/, which target modern TTM),
//! translated into scenario files under `scenarios/kunit-6.12/` wherever the model reaches them
//! (the README there lists the rest and why). Each file must run on its 6.12 machine with every
//! expectation met, nothing left untranslated and no invariant broken.

use std::path::Path;
use ttm_core::Scenario;

#[test]
fn every_translated_kunit_case_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/kunit-6.12");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{} files", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let run = Scenario::load(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(run.sim.is_modern(), "{name}");
        assert!(run.mismatches.is_empty(), "{name}: {:?}", run.mismatches);
        assert!(run.notices.is_empty(), "{name}: {:?}", run.notices);
        assert!(
            run.sim.findings().is_empty(),
            "{name}: {:?}",
            run.sim.findings()
        );
    }
}
