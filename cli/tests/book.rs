//! The book's embeds (docs/book/src/*.md) name real walkthroughs and ranges, and every chapter asks
//! at least one exercise inside the range its frame shows (issue 7).

use std::path::PathBuf;
use ttm_core::exercise::questions;

/// A frame's walkthrough as the embed runs it: the built-in file on its own machine, or replayed
/// on Linux 6.12 when the element says `kernel="6.12"` (issue 18).
fn run_of(walk: &str) -> ttm_core::Run {
    let (name, kernel) = walk.split_once('@').unwrap_or((walk, ""));
    let mut sc = ttm_core::catalog::load(name)
        .unwrap_or_else(|| panic!("no walkthrough {name}"))
        .unwrap();
    if kernel == "6.12" {
        sc.machine.kernel = ttm_core::Kernel::V6_12;
    }
    sc.run().unwrap()
}

/// (walkthrough, from, to, exercises) of every `<ttm-lab walkthrough="…" from="…" to="…" exercises …>`
/// element in `text` (the book's embeds, docs/embedding.md; the open tag is on one line). A frame
/// with `kernel="6.12"` names its walkthrough `name@6.12` (see [`run_of`]).
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
            let walk = get("walkthrough").expect("a walkthrough");
            (
                match get("kernel") {
                    Some(k) => format!("{walk}@{k}"),
                    None => walk,
                },
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
            let run = run_of(&walk);
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
    assert_eq!(chapters, 7, "seven chapters");
}

/// The chapter's text, without its `<details>` blocks (where answers may wait) and without the
/// `<ttm-lab …>` tags (their positions are not prose).
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("<details>") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once("</details>").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out.split("<ttm-lab ")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once('>').map_or("", |(_, r)| r)
            }
        })
        .collect()
}

/// The text just above each `<ttm-lab …>` of `text`: from the heading (or frame) before it to the
/// frame, without `<details>` blocks, paired with the frame's (walkthrough, from, to, exercises).
fn above_frames(text: &str) -> Vec<(String, (String, u64, u64, bool))> {
    let frames = embeds(text);
    let mut out = Vec::new();
    let mut from = 0;
    for (k, (at, _)) in text.match_indices("<ttm-lab ").enumerate() {
        let section = &text[from..at];
        let start = section.rfind("\n## ").map_or(0, |i| i + 1);
        out.push((prose(&section[start..]), frames[k].clone()));
        from = text[at..].find("</ttm-lab>").map_or(text.len(), |e| at + e);
    }
    out
}

/// Issue 14: the book does not state, just above a frame, the number that frame asks the reader
/// to predict (answers may follow it in a `<details>` block). Numbers of two digits or more are
/// checked as whole numbers ("W16" or "E3" name a worked example or an era; a "0" or "1" answer
/// is too common a word to police); a number the question itself states ("of its 100 pages") is
/// its setting, not its answer.
#[test]
fn no_chapter_gives_away_what_its_frames_ask() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/book/src");
    let mut frames = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (words, (walk, from, to, exercises)) in above_frames(&text) {
            frames += 1;
            if !exercises {
                continue;
            }
            let numbers: Vec<String> = words
                .split(|c: char| !c.is_ascii_alphanumeric() && c != ',')
                .map(|w| w.trim_matches(',').replace(',', ""))
                .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
                .collect();
            let run = run_of(&walk);
            for q in questions(&run).0 {
                let s = &run.steps[q.step];
                if !(from <= s.first_event && s.end_event <= to) {
                    continue;
                }
                let answer = q.answer_text().replace(',', "");
                let in_prompt = q
                    .prompt
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == answer);
                if answer.len() >= 2 && answer.chars().all(|c| c.is_ascii_digit()) && !in_prompt {
                    assert!(
                        !numbers.contains(&answer),
                        "{name} states {answer} just above its {walk} frame, which asks it ({})",
                        q.prompt
                    );
                }
            }
        }
    }
    assert!(frames >= 12, "the book's frames were found ({frames})");
}
