//! My beliefs about TTM, checked against the model. Natively: `cargo test -p ttm-lab-user-tests`;
//! in headless Chromium: `wasm-pack test --headless --chrome examples/user-tests`. The same
//! `#[test]` functions run in both: on wasm32, `test` is wasm-bindgen-test's attribute.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use user_tests::{check, scenario};

#[test]
fn my_pool_beliefs_hold() {
    let run = check(include_str!("../scenarios/pool-beliefs.json")).unwrap();
    assert_eq!(run.steps.len(), 2);
}

#[test]
fn my_eviction_beliefs_hold() {
    // The file's last step says the 1-page BO evicts BO 2 to GTT: BO 2 is the only member of the
    // VRAM LRU (the pinned BO 1 is on none, spec 6.8), so it is the one evicted (spec 6.9).
    check(include_str!("../scenarios/eviction-beliefs.json")).unwrap();
}

#[test]
fn a_wrong_belief_is_reported_with_its_step_and_path() {
    // I wrongly believe a 1-page WC tt leaves 512 pages in the pool: the refill gives 512 and
    // the populate takes one, so 511 remain (spec 3.5).
    let text = scenario(
        "a wrong belief",
        "{}",
        r#"[{"do": {"action": "tt_create", "pages": 1, "caching": "wc"}},
            {"do": {"action": "tt_populate", "tt": 0}, "expect": {"pool.wc.npages": 512}}]"#,
    );
    let err = check(&text).unwrap_err();
    assert_eq!(err, "step 1: pool.wc.npages expected 512, found 511");
}

#[test]
fn a_typo_is_a_located_error() {
    let text = scenario(
        "a typo",
        "{}",
        r#"[{"do": {"action": "tt_create", "pages": "3 pagse"}}]"#,
    );
    let err = check(&text).unwrap_err();
    assert!(err.contains("at steps[0].do"), "{err}");
    assert!(err.contains("unknown unit \"pagse\""), "{err}");
}

#[test]
fn a_signal_interrupts_my_reserve() {
    // spec 6.8: a reserve that may sleep on a reserved BO, interrupted by a signal: -ERESTARTSYS.
    let text = scenario(
        "interrupted",
        r#"{"faults": {"signal": [1]}}"#,
        r#"[{"do": {"action": "bo_create", "pages": 1, "placement": "cpu"}},
            {"do": {"action": "bo_reserve", "bo": 0}},
            {"do": {"action": "bo_reserve_wait", "bo": 0}, "expect": {"result": "-ERESTARTSYS"}}]"#,
    );
    check(&text).unwrap();
}
