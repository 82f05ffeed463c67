//! Bad scenario files never panic the parser or the runner (a panic in wasm kills the page):
//! random text, and random byte-level mutations of every built-in walkthrough.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use ttm_core::{catalog, Scenario};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_is_rejected_or_accepted_without_panicking(text in ".{0,400}") {
        let _ = Scenario::from_json(&text);
    }

    #[test]
    fn mutated_walkthroughs_never_panic(
        which in 0usize..64,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let all: Vec<&str> = catalog::names().collect();
        let name = all[which % all.len()];
        let mut bytes = catalog::get(name).unwrap().as_bytes().to_vec();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,                                   // overwrite
                1 => { bytes.remove(i); }                               // delete
                _ => bytes.insert(i, b"0123456789-\",:{}[]"[byte as usize % 18]), // insert JSON-ish
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match Scenario::from_json(&text) {
            Ok(sc) => { let _ = sc.run(); }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }
}
