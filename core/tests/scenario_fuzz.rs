//! Bad scenario files never panic the parser or the runner (a panic in wasm kills the page), and
//! every error they get is placed: a line and a character column that exist in the text. Inputs
//! are random text, random bytes, and byte-level mutations of every built-in walkthrough.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use ttm_core::{catalog, Scenario, ScenarioError};

/// Snippets the mutations insert: JSON structure, a raw line break, escapes, a multi-byte and a
/// combining character, a value below the default visible VRAM, and bytes that are not UTF-8.
const SNIPPETS: [&[u8]; 14] = [
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"\n",
    b"\\",
    "\u{e9}".as_bytes(),
    "\u{301}".as_bytes(),
    b"\"driver\": {\"vram_mib\": 4}, ",
    b"\xff",
    b"\xe2\x82",
];

/// `e` names a real place of `bytes`: line 1 ..= the number of lines (a text ending in a line
/// break has an empty last one), column 1 ..= that line's length in characters + 1.
fn placed(bytes: &[u8], e: &ScenarioError) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.split('\n').collect();
    prop_assert!(!e.message.is_empty());
    prop_assert!(
        e.line >= 1 && e.line <= lines.len(),
        "{e} ({} lines)",
        lines.len()
    );
    let len = lines[e.line - 1].chars().count();
    prop_assert!(
        e.column >= 1 && e.column <= len + 1,
        "{e} (line has {len} characters)"
    );
    let shown = e.to_string();
    prop_assert!(
        shown.starts_with(&format!("line {}, column {}", e.line, e.column)),
        "{shown}"
    );
    Ok(())
}

/// Reading and running (`Scenario::load_bytes`) either works or fails at a place in the text.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Err(e) = Scenario::load_bytes(bytes) {
        placed(bytes, &e)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_is_rejected_in_place_or_accepted(text in ".{0,400}") {
        if let Err(e) = Scenario::load(&text) {
            placed(text.as_bytes(), &e)?;
        }
    }

    #[test]
    fn random_bytes_are_rejected_in_place(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check(&bytes)?;
    }

    #[test]
    fn mutated_walkthroughs_never_panic_and_errors_are_placed(
        which in 0usize..64,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..6),
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
                2 => bytes.insert(i, b"0123456789-\",:{}[]"[byte as usize % 18]), // insert JSON-ish
                _ => {                                                  // insert a snippet
                    let s = SNIPPETS[byte as usize % SNIPPETS.len()];
                    bytes.splice(i..i, s.iter().copied());
                }
            }
        }
        check(&bytes)?;
    }
}
