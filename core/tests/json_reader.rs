//! The scenario files' JSON reader (`ttm_core::json`): no input makes it panic, it accepts and
//! refuses what serde_json accepts and refuses, and what serde_json prints it reads back as the
//! same value.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::Value;
use ttm_core::json;

/// Any JSON value serde_json can hold: finite floats, integers of both signs, strings of any
/// characters, arrays and objects nested a few levels.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Texts made of JSON's own characters, so that most of them get far into the grammar.
fn jsonish() -> impl Strategy<Value = String> {
    "[\\[\\]{}\",:0-9eE.+\\- \ntrufalsn\\\\/bu\u{e9}\u{1f600}]{0,48}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_is_read_or_refused_without_a_panic(text in any::<String>()) {
        let _ = json::parse(&text);
    }

    #[test]
    fn any_bytes_read_as_text_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = json::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn texts_are_accepted_exactly_when_serde_json_accepts_them(text in jsonish()) {
        let ours = json::parse(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?} / {:?}", text, ours, theirs);
        if let Err(e) = ours {
            // An error is inside the text (at its last character when the text ends early).
            prop_assert!(e.at < text.len().max(1), "{:?}: {:?}", text, e);
        }
    }

    #[test]
    fn what_serde_json_prints_reads_back_as_the_same_value(v in value()) {
        for text in [v.to_string(), serde_json::to_string_pretty(&v).unwrap()] {
            let tree = json::parse(&text).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(tree.to_serde(), v.clone());
        }
    }
}

#[test]
fn nesting_stops_where_serde_json_stops() {
    // serde_json starts with 128 levels to spend and fails when none is left: 127 nested
    // arrays read, 128 do not. Both readers agree at the edge.
    for depth in [126, 127, 128, 129, 10_000] {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let ours = json::parse(&text).is_ok();
        assert_eq!(ours, depth <= 127, "{depth}");
        assert_eq!(
            ours,
            serde_json::from_str::<Value>(&text).is_ok(),
            "{depth}"
        );
    }
}
