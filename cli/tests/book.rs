//! The book's embeds (docs/book/src/*.md) name real walkthroughs and ranges, and every chapter asks
//! at least one exercise inside the range its frame shows (issue 7).

use std::path::PathBuf;
use ttm_core::exercise::questions;

/// (walkthrough, from, to, exercises) of every `<ttm-lab walkthrough="…" from="…" to="…" exercises …>`
/// element in `text` (the book's embeds, docs/embedding.md; the open tag is on one line).
fn embeds(text: &str) -> Vec<(String, u64, u64, bool)> {
    text.split("<ttm-lab ")
        .skip(1)
        .map(|rest| {
            let tag = rest.split('>').next().unwrap();
            let get = |k: &str| {
                tag.split_once(&format!(" {k}=\""))
                    .or_else(|| tag.strip_prefix(&format!("{k}=\"")).map(|r| ("", r)))
                    .map(|(_, v)| v.split('"').next().unwrap().to_string())
            };
            (
                get("walkthrough").expect("a walkthrough"),
                get("from").unwrap().parse().unwrap(),
                get("to").unwrap().parse().unwrap(),
                tag.split_whitespace().any(|a| a == "exercises"),
            )
        })
        .collect()
}

#[test]
fn every_chapter_asks_inside_its_frames() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/book/src");
    let mut chapters = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".md") || name == "SUMMARY.md" || name == "README.md" {
            continue;
        }
        chapters += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let mut asked = 0;
        for (walk, from, to, exercises) in embeds(&text) {
            let run = ttm_core::catalog::load(&walk)
                .unwrap_or_else(|| panic!("{name}: no walkthrough {walk}"))
                .unwrap()
                .run()
                .unwrap();
            let len = run.sim.trace().len();
            assert!(
                from < to && to <= len,
                "{name}: {walk} range {from}..{to} of {len}"
            );
            if exercises {
                asked += questions(&run)
                    .0
                    .iter()
                    .filter(|q| {
                        let s = &run.steps[q.step];
                        from <= s.first_event && s.end_event <= to
                    })
                    .count();
            }
        }
        assert!(asked >= 1, "{name} asks no exercise inside its frames");
    }
    assert_eq!(chapters, 6, "six chapters");
}
