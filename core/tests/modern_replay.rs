//! One scenario, two kernels (issue 18): every 3.3 walkthrough replays on Linux 6.12 by the
//! translation rules of mspec 9.6, without a panic or a broken 6.12 invariant, and what has no
//! 6.12 counterpart is a located notice, not a silent skip.

use ttm_core::*;

/// A built-in walkthrough's text with its machine switched to Linux 6.12.
fn on_612(name: &str) -> String {
    let text = catalog::BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["machine"]["kernel"] = "6.12".into();
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn every_walkthrough_replays_on_6_12() {
    for name in catalog::names() {
        let text = on_612(name);
        let run = Scenario::load(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(run.sim.is_modern());
        assert!(
            run.sim.findings().is_empty(),
            "{name}: {:?}",
            run.sim.findings()
        );
        for n in &run.notices {
            // Located at the step's "do" (or the machine's sysfs list), on a real line.
            assert!(
                n.path.starts_with("steps[") || n.path.starts_with("machine"),
                "{name}: {n}"
            );
            assert!(n.line > 1, "{name}: {n}");
            assert!(n.message.contains("6.12"), "{name}: {n}");
        }
    }
}

#[test]
fn the_3_3_refill_of_512_pages_is_two_blocks_on_6_12() {
    // pool-refill's step 1 on 3.3 refills 512 pages (W3); on 6.12 the same step allocates the
    // blocks of 16 and 4 pages of M2 and pools nothing.
    let run = Scenario::load(&on_612("pool-refill")).unwrap();
    let after = run.summary_after(1);
    assert_eq!(after.query("modern.pages_allocated").unwrap(), 20);
    assert_eq!(after.query("modern.pool_allocated").unwrap(), 0);
    let after = run.summary_after(2);
    assert_eq!(
        after.query("modern.pool_blocks.wc").unwrap(),
        serde_json::json!([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    );
    // The 3.3 expectations (pool.wc.npages 492 …) are mismatches on 6.12, not errors.
    assert!(!run.mismatches.is_empty());
}

#[test]
fn binding_has_no_counterpart_and_says_where() {
    let text = r#"{
  "format": "ttm-lab-scenario", "version": 1, "title": "bind on 6.12",
  "machine": { "kernel": "6.12" },
  "steps": [
    { "do": { "action": "tt_create", "pages": 4 } },
    { "do": { "action": "tt_bind", "tt": 0 } },
    { "do": { "action": "mem_charge", "bytes": 4096 } }
  ]
}"#;
    let run = Scenario::load(text).unwrap();
    assert_eq!(run.notices.len(), 2);
    assert_eq!(run.notices[0].path, "steps[1].do");
    assert_eq!(run.notices[0].line, 6);
    assert!(run.notices[0].message.contains("ttm_tt_bind"));
    assert_eq!(run.notices[1].path, "steps[2].do");
    // The step still exists (marked in the trace) and changed nothing.
    assert_eq!(run.steps.len(), 3);
    assert_eq!(run.steps[1].result, "ok");
}

#[test]
fn six_twelve_actions_are_refused_on_3_3_with_a_location() {
    let text = r#"{
  "format": "ttm-lab-scenario", "version": 1, "title": "pin on 3.3",
  "steps": [
    { "do": { "action": "bo_pin", "bo": 0 } }
  ]
}"#;
    let e = Scenario::load(text).unwrap_err();
    assert_eq!(e.path, "steps[0].do");
    assert!(e.message.contains("6.12"), "{e}");
}

#[test]
fn modern_settings_need_the_modern_kernel() {
    let text = r#"{
  "format": "ttm-lab-scenario", "version": 1, "title": "x",
  "machine": { "modern": { "pages_limit": 10 } },
  "steps": []
}"#;
    let e = Scenario::load(text).unwrap_err();
    assert!(e.message.contains("6.12"), "{e}");
}

#[test]
fn the_3_3_placement_words_translate_by_mspec_9_6() {
    use ttm_core::consts::placement as pl;
    use ttm_core::drivers::Placement;
    use ttm_core::modern::{ops::translate_placement, place_flags as pf};
    // placement [VRAM|WC], busy [VRAM|WC, TT|WC]: VRAM in both → no flag; TT only busy →
    // FALLBACK; the caching WC (no CACHED bit) becomes the tt's.
    let p = Placement {
        fpfn: 0,
        lpfn: 0,
        placement: vec![pl::FLAG_VRAM | pl::FLAG_WC],
        busy: vec![pl::FLAG_VRAM | pl::FLAG_WC, pl::FLAG_TT | pl::FLAG_WC],
    };
    let (places, caching, pin) = translate_placement(&p);
    assert_eq!(
        places,
        vec![TtmPlace::new(2, 0), TtmPlace::new(1, pf::FALLBACK)]
    );
    assert_eq!((caching, pin), (Caching::Wc, false));
    // Only in placement[] → DESIRED; NO_EVICT → a pin; CACHED allowed → cached.
    let p = Placement {
        fpfn: 0,
        lpfn: 0,
        placement: vec![pl::FLAG_TT | pl::MASK_CACHING | pl::FLAG_NO_EVICT],
        busy: vec![],
    };
    let (places, caching, pin) = translate_placement(&p);
    assert_eq!(places, vec![TtmPlace::new(1, pf::DESIRED)]);
    assert_eq!((caching, pin), (Caching::Cached, true));
}
