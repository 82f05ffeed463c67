//! The curriculum (catalog::LESSONS): every built-in walkthrough is a lesson exactly once, each
//! builds only on earlier lessons, and the first one is gentle.

use std::collections::BTreeSet;
use ttm_core::catalog::{self, Level, LESSONS};

#[test]
fn every_walkthrough_is_a_lesson_exactly_once() {
    let names: BTreeSet<&str> = catalog::names().collect();
    let lessons: Vec<&str> = LESSONS.iter().map(|l| l.name).collect();
    let unique: BTreeSet<&str> = lessons.iter().copied().collect();
    assert_eq!(unique.len(), lessons.len(), "a lesson is listed twice");
    assert_eq!(unique, names, "the course and the catalog differ");
}

#[test]
fn lessons_build_on_earlier_ones_and_levels_never_fall_within_a_track() {
    for (i, l) in LESSONS.iter().enumerate() {
        for b in l.builds_on {
            let (n, _) = catalog::lesson_of(b).unwrap_or_else(|| panic!("{}: unknown {b}", l.name));
            assert!(n <= i, "{} builds on the later lesson {b}", l.name);
        }
        if let Some(prev) = i.checked_sub(1).map(|p| &LESSONS[p]) {
            if prev.track == l.track {
                assert!(
                    prev.level <= l.level,
                    "{} is easier than {}",
                    l.name,
                    prev.name
                );
            }
        }
    }
    // Lesson 1 is one object's life, with no prerequisite, at the first level.
    assert_eq!(LESSONS[0].name, "tt-lifecycle");
    assert_eq!(LESSONS[0].level, Level::FirstSteps);
    assert!(LESSONS[0].builds_on.is_empty());
}

#[test]
fn the_course_lists_lessons_in_order_and_each_has_a_next_but_the_last() {
    let course = catalog::course();
    let order: Vec<&str> = course.iter().map(|(_, e)| e.name).collect();
    let lessons: Vec<&str> = LESSONS.iter().map(|l| l.name).collect();
    assert_eq!(order, lessons);
    assert_eq!(
        catalog::next_lesson("tt-lifecycle").map(|l| l.name),
        Some("pool-refill")
    );
    assert_eq!(catalog::next_lesson(LESSONS.last().unwrap().name), None);
    assert_eq!(catalog::next_lesson("no-such-walkthrough"), None);
}

#[test]
fn tracks_group_the_course_in_order() {
    let tracks = catalog::tracks();
    let names: Vec<&str> = tracks.iter().map(|t| t.name).collect();
    assert_eq!(names[..2], ["First steps", "Page pools"]);
    let numbers: Vec<usize> = tracks
        .iter()
        .flat_map(|t| t.lessons.iter().map(|(n, _, _)| *n))
        .collect();
    assert_eq!(
        numbers,
        (1..=LESSONS.len()).collect::<Vec<_>>(),
        "numbered 1..n in order"
    );
    assert!(tracks.iter().all(|t| t
        .lessons
        .iter()
        .all(|(_, l, e)| l.track == t.name && l.name == e.name)));
}

/// The titles and goals read when TTM Lab was built (`build.rs`) are what reading each file
/// gives, and every built-in walkthrough loads and runs.
#[test]
fn listed_titles_and_goals_are_the_files_own() {
    let list = catalog::list();
    assert_eq!(list.len(), catalog::names().count());
    for e in list {
        let sc = catalog::load(e.name).unwrap().unwrap();
        assert_eq!(
            (e.title.as_str(), e.goal.as_str()),
            (sc.title.as_str(), sc.goal.as_str())
        );
        assert!(!e.title.starts_with("(broken"), "{}", e.name);
        assert!(catalog::run(e.name).unwrap().is_ok(), "{}", e.name);
    }
}
