//! Every scenario error is placed: a 1-based line and character column in the text, and the JSON
//! path. One test per defect a fuzzer found (errors at "line 0, column 0", or files that loaded
//! although they were wrong), each built from its example.

use ttm_core::scenario::{locate, PathSeg};
use ttm_core::*;

/// The first line of every example: the required fields, ending in a comma.
const HEAD: &str = r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t","#;

/// The error of loading `text` (reading it, or running it: `Scenario::load` places both).
fn err(text: &str) -> ScenarioError {
    Scenario::load(text).expect_err("must be rejected")
}

/// 1-based character column of the first `needle` on 1-based line `line` of `text`.
fn column_of(text: &str, line: usize, needle: &str) -> usize {
    let l = text.lines().nth(line - 1).unwrap();
    l[..l.find(needle).unwrap()].chars().count() + 1
}

#[test]
fn vram_below_the_default_visible_vram_points_at_vram_mib() {
    // visible_vram_mib is left at its default (16 MiB), larger than the 8 MiB of VRAM.
    let text =
        format!("{HEAD}\n  \"machine\": {{\"driver\": {{\"vram_mib\": 8}}}}, \"steps\": []}}");
    let e = err(&text);
    assert_eq!(e.path, "machine.driver.vram_mib", "{e}");
    assert_eq!((e.line, e.column), (2, column_of(&text, 2, "8}")), "{e}");
    for words in [
        "visible_vram_mib = 16 MiB",
        "vram_mib = 8 MiB",
        "machine.driver.visible_vram_mib is not in the file, so that is its default value",
    ] {
        assert!(e.message.contains(words), "{e}");
    }
    assert!(e
        .to_string()
        .starts_with("line 2, column 38 at machine.driver.vram_mib: "));

    // Set in the file, the visible size itself is the value to blame.
    let text = format!(
        "{HEAD}\n  \"machine\": {{\"driver\": {{\"vram_mib\": 8, \"visible_vram_mib\": 12}}}}, \"steps\": []}}"
    );
    let e = err(&text);
    assert_eq!(e.path, "machine.driver.visible_vram_mib", "{e}");
    assert_eq!((e.line, e.column), (2, column_of(&text, 2, "12")), "{e}");
    assert!(!e.message.contains("default"), "{e}");
}

#[test]
fn expectation_keys_with_quotes_backslashes_and_combining_characters_are_located() {
    let step = r#"{"do": {"action": "tt_create", "pages": 1}, "expect": "#;
    // (key as written in the file, path as the error writes it)
    for (key, path) in [
        (r#""a\"b""#, r#"steps[0].expect["a\"b"]"#),
        (r#""a\\b""#, r#"steps[0].expect["a\\b"]"#),
        (
            r#""tab\there\u0001""#,
            r#"steps[0].expect["tab\there\u0001"]"#,
        ),
        // é as e + U+0301 COMBINING ACUTE ACCENT: 2 characters, 3 bytes.
        (
            "\"e\u{301}t\u{e9}\"",
            "steps[0].expect[\"e\u{301}t\u{e9}\"]",
        ),
    ] {
        // Non-ASCII before the key on the same line: columns count characters, not bytes.
        let text =
            format!("{HEAD} \"goal\": \"\u{e9}t\u{e9}\",\n  \"steps\": [{step}{{{key}: 1}}}}]}}");
        let e = err(&text);
        assert_eq!(e.path, path, "{e}");
        let value = text.lines().nth(1).unwrap().rfind(": 1}").unwrap() + 2;
        let chars = text.lines().nth(1).unwrap()[..value].chars().count() + 1;
        assert_eq!((e.line, e.column), (2, chars), "{e}");
        assert!(e.message.contains("no field"), "{e}");
    }
    // The example itself, column by hand: `  "steps": [{"do": ..., "expect": {"a\"b": 1}}]}`.
    let text = format!("{HEAD}\n  \"steps\": [{step}{{\"a\\\"b\": 1}}}}]}}");
    assert_eq!((err(&text).line, err(&text).column), (2, 76));
    // locate takes the key unescaped, as a segment.
    let at = [
        PathSeg::key("steps"),
        PathSeg::Index(0),
        PathSeg::key("expect"),
        PathSeg::key("a\"b"),
    ];
    assert_eq!(locate(&text, &at), Some((2, 76)));
}

#[test]
fn struct_like_values_written_as_arrays_are_rejected_where_they_are() {
    // (line 2 of the file, the path, how the error names the value, where its `[` is)
    let cases = [
        // The fuzzer's example: fields by position used to load.
        (
            r#"  "machine": [67108864, "X86_64", "E1"], "steps": []}"#,
            "machine",
            "(the machine)",
            "[67108864",
        ),
        (
            r#"  "machine": {"driver": ["nouveau", 8]}, "steps": []}"#,
            "machine.driver",
            "(the driver)",
            r#"["nouveau""#,
        ),
        (
            r#"  "machine": {"faults": [[1]]}, "steps": []}"#,
            "machine.faults",
            "(the injected faults)",
            "[[1]]",
        ),
        (
            r#"  "machine": {"sysfs": [["pool_max_size", 0, "1"]]}, "steps": []}"#,
            "machine.sysfs[0]",
            "(a sysfs write)",
            r#"["pool_max_size""#,
        ),
        (
            r#"  "steps": [[{"action": "tt_create", "pages": 1}]]}"#,
            "steps[0]",
            "(a step",
            r#"[{"action""#,
        ),
        // An internally tagged enum took a sequence with the tag first.
        (
            r#"  "steps": [{"do": ["tt_create", 4]}]}"#,
            "steps[0].do",
            "(an action",
            r#"["tt_create""#,
        ),
    ];
    for (line, path, what, open) in cases {
        let text = format!("{HEAD}\n{line}");
        let e = err(&text);
        assert_eq!(e.path, path, "{e}");
        assert_eq!((e.line, e.column), (2, column_of(&text, 2, open)), "{e}");
        assert!(e.message.contains("expected a JSON object"), "{e}");
        assert!(e.message.contains(what), "{e}");
    }
    // The whole file as an array.
    let e = err(r#"["ttm-lab-scenario", 1, "n", "t", "g", {}, []]"#);
    assert_eq!((e.path.as_str(), e.line, e.column), ("", 1, 1), "{e}");
    assert!(e.message.contains("(a scenario file)"), "{e}");

    // Objects still load and serialize as before: the action keeps its tag.
    let v = serde_json::to_value(Action::TtPopulate { tt: 3 }).unwrap();
    assert_eq!(v, serde_json::json!({"action": "tt_populate", "tt": 3}));
    for name in catalog::names() {
        let sc = catalog::load(name).unwrap().unwrap();
        assert_eq!(Scenario::from_json(&sc.to_json()).unwrap(), sc, "{name}");
    }
}

#[test]
fn a_raw_newline_in_a_string_is_placed_where_the_string_broke() {
    let text = "{\"format\": \"ttm-lab-scenario\", \"version\": 1,\n  \"title\": \"abc\ndef\", \"steps\": []}";
    let e = err(text);
    // serde_json says line 3, column 0; the newline ends line 2 after `  "title": "abc`.
    assert_eq!((e.line, e.column), (2, 16), "{e}");
    assert_eq!(e.path, "title");
    assert!(e.message.contains("control character"), "{e}");
    // Column 0 in general: an object cut off after a line break ends on the line before.
    let e = err("{\n");
    assert_eq!((e.line, e.column), (1, 2), "{e}");
    let e = err("");
    assert_eq!((e.line, e.column), (1, 1), "{e}");
}

#[test]
fn bytes_that_are_not_utf8_are_placed_at_the_first_bad_byte() {
    // Line 2 is `  "t\u{e9}": \xff}`: the bad byte is the 9th character.
    let e = Scenario::from_bytes(b"{\n  \"t\xc3\xa9\": \xff}").unwrap_err();
    assert_eq!((e.line, e.column), (2, 9), "{e}");
    assert_eq!(e.path, "");
    assert!(
        e.message.contains("not UTF-8") && e.message.contains("0xFF"),
        "{e}"
    );
    // A character cut off at the end of the file.
    let e = Scenario::from_bytes(b"{\"x\": \"\xe2\x82").unwrap_err();
    assert_eq!((e.line, e.column), (1, 8), "{e}");
    assert!(
        e.message.contains("ends in the middle of a character"),
        "{e}"
    );
    // UTF-8 bytes parse as the text does.
    let text = catalog::get("pool-refill").unwrap();
    assert_eq!(
        Scenario::from_bytes(text.as_bytes()).unwrap(),
        Scenario::from_json(text).unwrap()
    );
}

#[test]
fn errors_without_a_text_are_at_line_1_column_1_never_0() {
    // A dma tt needs swiotlb: fine on the file's machine, impossible on the default one.
    let text = format!(
        "{HEAD} \"machine\": {{\"swiotlb\": true}},\n  \"steps\": [{{\"do\": {{\"action\": \"tt_create\", \"pages\": 1, \"dma\": true}}}}]}}"
    );
    let sc = Scenario::from_json(&text).unwrap();
    let e = sc.run_with(MachineConfig::default()).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.line, e.column),
        ("steps[0].do", 1, 1),
        "{e}"
    );
    assert!(e
        .to_string()
        .starts_with("line 1, column 1 at steps[0].do: "));
    // Even a hand-made error with no place prints a real one.
    let made = ScenarioError {
        path: "machine".into(),
        line: 0,
        column: 0,
        message: "m".into(),
    };
    assert_eq!(made.to_string(), "line 1, column 1 at machine: m");
}

#[test]
fn a_run_placed_by_reading_the_file_again_reads_it_only_to_place_an_error() {
    use std::cell::Cell;
    // Step 1 refers to tt 7, which does not exist: a run-time error at steps[1].do, line 3.
    let text = format!(
        "{HEAD}\n  \"steps\": [{{\"do\": {{\"action\": \"tt_create\", \"pages\": 1}}}},\n    {{\"do\": {{\"action\": \"tt_populate\", \"tt\": 7}}}}]}}"
    );
    let good =
        format!("{HEAD} \"steps\": [{{\"do\": {{\"action\": \"tt_create\", \"pages\": 1}}}}]}}");
    let reads = Cell::new(0);
    let reread = |t: &str| {
        let t = t.to_string();
        let reads = &reads;
        move || {
            reads.set(reads.get() + 1);
            Some(t.clone())
        }
    };
    // A run with nothing to place never reads the file again.
    let sc = Scenario::from_json(&good).unwrap();
    sc.run_placed(&reread(&good)).expect("runs");
    assert_eq!(reads.get(), 0);
    // An error is placed exactly where Scenario::load places it, reading the file once.
    let e = Scenario::from_json(&text)
        .unwrap()
        .run_placed(&reread(&text))
        .expect_err("tt 7 does not exist");
    assert_eq!(reads.get(), 1);
    assert_eq!(e, err(&text));
    assert_eq!((e.path.as_str(), e.line), ("steps[1].do", 3), "{e}");
    assert_eq!(
        e.column,
        column_of(&text, 3, "{\"action\": \"tt_populate\"")
    );
    // A file that cannot be read again (gone, changed, a pipe): the path, at line 1.
    let e = Scenario::from_json(&text)
        .unwrap()
        .run_placed(&|| None)
        .expect_err("tt 7 does not exist");
    assert_eq!(
        (e.path.as_str(), e.line, e.column),
        ("steps[1].do", 1, 1),
        "{e}"
    );
    assert!(e.message.contains("there is no tt 7"), "{e}");
}
