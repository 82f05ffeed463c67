//! `Scenario::to_json` is written by hand (issue 16): its text is what serde_json's
//! `to_string_pretty` gives for the scenario types, byte for byte, and it reads back as the
//! same scenario — for every file in `scenarios/`, `scenarios/kunit/` and
//! `scenarios/kunit-6.12/`, and for a file with every action and every optional field.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use ttm_core::Scenario;

fn same_as_serde_and_round_trips(name: &str, sc: &Scenario) {
    let ours = sc.to_json();
    assert_eq!(ours, serde_json::to_string_pretty(sc).unwrap(), "{name}");
    assert_eq!(&Scenario::from_json(&ours).unwrap(), sc, "{name}");
}

#[test]
fn every_scenario_file_is_written_as_serde_json_writes_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut n = 0;
    for dir in [root.clone(), root.join("kunit"), root.join("kunit-6.12")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let sc = Scenario::from_json(&text).unwrap();
                same_as_serde_and_round_trips(&path.display().to_string(), &sc);
                n += 1;
            }
        }
    }
    // 20 walkthroughs and 57 KUnit translations for 3.3 at least (docs/scenarios.md).
    assert!(n >= 77, "{n} files");
}

#[test]
fn every_action_and_optional_field_is_written_as_serde_json_writes_it() {
    // Read, not run: the actions need not make sense together.
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "all \"of\" it\n\u0001",
      "machine": {"ram_bytes": 2147483648, "arch": "X86_32Highmem", "era": "E1", "fidelity": "Fixed",
        "need_dma32": true, "root": true, "device_name": "dév",
        "driver": {"kind": "vmwgfx", "vram_pages": "1228800 bytes", "visible_vram_pages": 100, "gtt_pages": 7},
        "devices": [{"kind": "nouveau"}],
        "sysfs": [{"attr": "swap_limit", "zone": 1, "value": "12"}],
        "faults": {"page_alloc": [3, 4], "signal": [1]},
        "kernel": "3.3"},
      "steps": [
        {"do": {"action": "tt_create", "pages": "3 pages", "caching": "uncached", "flags": 64, "dma": true},
         "say": "s", "ask": "tt_state",
         "expect": {"b": [1, -2, 2.5, {"z": null, "a": "x"}], "a": {}, "c": [], "é\t": true}},
        {"do": {"action": "tt_populate", "tt": 0}}, {"do": {"action": "tt_unpopulate", "tt": 0}},
        {"do": {"action": "tt_bind", "tt": 0}}, {"do": {"action": "tt_unbind", "tt": 0}},
        {"do": {"action": "tt_set_caching", "tt": 0, "caching": "wc"}},
        {"do": {"action": "tt_swapout", "tt": 0}}, {"do": {"action": "tt_swapout", "tt": 0, "persistent": 2}},
        {"do": {"action": "tt_destroy", "tt": 0}}, {"do": {"action": "tt_get_page", "tt": 0, "index": 3}},
        {"do": {"action": "tt_write", "tt": 0, "seed": 9}}, {"do": {"action": "swap_file_create", "pages": 4}},
        {"do": {"action": "pool_shrink", "nr_to_scan": 5}}, {"do": {"action": "dma_pool_shrink", "nr_to_scan": 6}},
        {"do": {"action": "mem_charge", "bytes": 4096}}, {"do": {"action": "mem_uncharge", "bytes": 4096}},
        {"do": {"action": "run_deferred_work"}},
        {"do": {"action": "sysfs_write", "attr": "pool_max_size", "value": "4"}},
        {"do": {"action": "pool_fini"}}, {"do": {"action": "pool_init"}},
        {"do": {"action": "bo_create", "pages": 2, "placement": "gmr", "kernel": true, "via_ttm_bo_create": true, "device": 1}},
        {"do": {"action": "bo_validate", "bo": 0, "placement": "vram", "pin": true}},
        {"do": {"action": "bo_fault", "bo": 0, "page": 1}}, {"do": {"action": "bo_kmap", "bo": 0, "start": 0, "num": 2}},
        {"do": {"action": "bo_kunmap", "bo": 0}}, {"do": {"action": "evict_mm", "mem_type": 2, "device": 1}},
        {"do": {"action": "bo_swapout"}}, {"do": {"action": "bo_unref", "bo": 0}},
        {"do": {"action": "bo_reserve", "bo": 0}}, {"do": {"action": "bo_reserve", "bo": 0, "ticket": 7}},
        {"do": {"action": "bo_unreserve", "bo": 0}}, {"do": {"action": "gpu_exec", "bo": 0}},
        {"do": {"action": "bo_write", "bo": 0, "seed": 3}}, {"do": {"action": "fence_signal", "fence": 0}},
        {"do": {"action": "bo_create_placement", "pages": 1,
                "placement": {"placement": ["TT|WC", 4], "busy_placement": ["SYSTEM|CACHED"], "fpfn": 1, "lpfn": 9}}},
        {"do": {"action": "bo_validate_placement", "bo": 0, "placement": {"placement": ["VRAM|WC|NO_EVICT"]}}},
        {"do": {"action": "bo_reserve_wait", "bo": 0}},
        {"do": {"action": "bo_create_places", "pages": 8, "caching": "wc", "kernel": true, "priority": 2,
                "places": [{"mem_type": 2, "flags": 8}, {"mem_type": 1, "flags": 16, "fpfn": 1, "lpfn": 4}]}},
        {"do": {"action": "bo_validate_places", "bo": 0, "places": []}},
        {"do": {"action": "bo_pin", "bo": 0}}, {"do": {"action": "bo_unpin", "bo": 0}},
        {"do": {"action": "module_param", "param": "dma32_pages_limit", "value": 10}},
        {"do": {"action": "pool_shrinker_scan", "scans": 2}}
      ]}"#;
    let sc = Scenario::from_json(text).unwrap();
    // Every action of docs/scenarios.md is here once (tt_swapout and bo_reserve twice).
    assert_eq!(sc.steps.len(), 43);
    same_as_serde_and_round_trips("every action", &sc);
}
