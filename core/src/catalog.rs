//! The built-in walkthroughs shipped with TTM Lab (the files in `scenarios/`, embedded at build time).

use crate::scenario::{Run, Scenario, ScenarioError};
use serde::Serialize;

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The JSON text of a built-in walkthrough.
pub fn get(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Read a built-in walkthrough without running it ([`Scenario::from_json`]).
pub fn load(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    get(name).map(Scenario::from_json)
}

/// Read and run a built-in walkthrough, once ([`Scenario::load`]: errors placed in its text).
pub fn run(name: &str) -> Option<Result<Run, ScenarioError>> {
    get(name).map(Scenario::load)
}

/// Names of all built-in walkthroughs, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

/// What a walkthrough picker shows of one walkthrough.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Its name (the file stem; used in URLs).
    pub name: &'static str,
    /// Its title, or `(broken: …)` with the error if the file cannot be read.
    pub title: String,
    /// Its goal paragraph (empty for a broken file).
    pub goal: String,
}

/// Every built-in walkthrough's name, title and goal, sorted by name: the titles and goals were
/// read when TTM Lab was built; a file without them is read now, to say why (its title is then
/// `(broken: …)`). Whether each file loads is `tests/catalog.rs`'s business.
pub fn list() -> Vec<Entry> {
    BUILTIN
        .iter()
        .zip(HEADINGS)
        .map(|(&(name, text), heading)| match heading {
            Some((title, goal)) => Entry {
                name,
                title: title.to_string(),
                goal: goal.to_string(),
            },
            None => Entry {
                name,
                title: match Scenario::from_json(text) {
                    Ok(sc) => sc.title,
                    Err(e) => format!("(broken: {e})"),
                },
                goal: String::new(),
            },
        })
        .collect()
}

/// How much a lesson asks of its reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// No TTM needed: one object, a few calls.
    FirstSteps,
    /// One mechanism at a time (pools, eviction).
    Basics,
    /// Mechanisms meeting (caching choice, swapping, DMA pools).
    Intermediate,
    /// The seed commit, driver differences and kernel defects.
    Advanced,
}

impl Level {
    /// The level as the picker shows it.
    pub fn label(self) -> &'static str {
        match self {
            Level::FirstSteps => "first steps",
            Level::Basics => "basics",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// One lesson of the curriculum: a built-in walkthrough with its place in the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// The walkthrough's name.
    pub name: &'static str,
    /// The group of lessons it belongs to.
    pub track: &'static str,
    /// How much it asks.
    pub level: Level,
    /// The lessons it builds on (earlier ones).
    pub builds_on: &'static [&'static str],
}

const fn lesson(
    name: &'static str,
    track: &'static str,
    level: Level,
    builds_on: &'static [&'static str],
) -> Lesson {
    Lesson {
        name,
        track,
        level,
        builds_on,
    }
}

/// The built-in walkthroughs as a course, in order: first a tt's life and one pool refill (the
/// objects every later lesson moves), then the pools, buffer objects and swapping, the seed
/// commit's change to CPU faults, the drivers, the kernel's defects (each needs the mechanism it
/// breaks), and last the same mechanisms in Linux 6.12. Every built-in walkthrough is here exactly once, after what it builds
/// on (`tests/catalog.rs`).
pub const LESSONS: &[Lesson] = &[
    lesson("tt-lifecycle", "First steps", Level::FirstSteps, &[]),
    lesson(
        "pool-refill",
        "First steps",
        Level::FirstSteps,
        &["tt-lifecycle"],
    ),
    lesson("pool-trim", "Page pools", Level::Basics, &["pool-refill"]),
    lesson(
        "shrinker-rotation",
        "Page pools",
        Level::Basics,
        &["pool-trim"],
    ),
    lesson(
        "dma-pool",
        "Page pools",
        Level::Intermediate,
        &["pool-refill"],
    ),
    lesson(
        "eviction-order",
        "Buffer objects",
        Level::Basics,
        &["tt-lifecycle"],
    ),
    lesson(
        "caching-selection",
        "Buffer objects",
        Level::Intermediate,
        &["eviction-order"],
    ),
    lesson(
        "memcpy-move",
        "Buffer objects",
        Level::Intermediate,
        &["eviction-order"],
    ),
    lesson(
        "swap-cycle-bo",
        "Swapping",
        Level::Intermediate,
        &["caching-selection"],
    ),
    lesson(
        "background-swap",
        "Swapping",
        Level::Intermediate,
        &["swap-cycle-bo"],
    ),
    lesson(
        "cpu-fault-before-seed",
        "The seed commit",
        Level::Advanced,
        &["tt-lifecycle"],
    ),
    lesson(
        "cpu-fault-after-seed",
        "The seed commit",
        Level::Advanced,
        &["cpu-fault-before-seed"],
    ),
    lesson(
        "kmap-before-after",
        "The seed commit",
        Level::Advanced,
        &["cpu-fault-after-seed"],
    ),
    lesson(
        "nouveau-flip",
        "Drivers",
        Level::Advanced,
        &["eviction-order"],
    ),
    lesson(
        "vmwgfx-gmr",
        "Drivers",
        Level::Advanced,
        &["eviction-order"],
    ),
    lesson(
        "accounting-limit-d1",
        "Kernel defects",
        Level::Advanced,
        &["pool-refill"],
    ),
    lesson(
        "bo-create-d5",
        "Kernel defects",
        Level::Advanced,
        &["eviction-order"],
    ),
    lesson(
        "double-swapout-d8",
        "Kernel defects",
        Level::Advanced,
        &["swap-cycle-bo"],
    ),
    // Then and now: the same mechanisms in Linux 6.12 (../shared/ttm-modern-spec.md).
    lesson(
        "modern-pool-orders",
        "Then and now: Linux 6.12",
        Level::Advanced,
        &["pool-refill"],
    ),
    lesson(
        "modern-eviction",
        "Then and now: Linux 6.12",
        Level::Advanced,
        &["eviction-order"],
    ),
];

/// The lesson of a walkthrough and its number (1-based), if it is one.
pub fn lesson_of(name: &str) -> Option<(usize, &'static Lesson)> {
    LESSONS
        .iter()
        .enumerate()
        .find(|(_, l)| l.name == name)
        .map(|(i, l)| (i + 1, l))
}

/// The lesson after `name` in the course, if any.
pub fn next_lesson(name: &str) -> Option<&'static Lesson> {
    lesson_of(name).and_then(|(n, _)| LESSONS.get(n))
}

/// The catalog in the course's order ([`list`] entries, lessons first; a walkthrough outside the
/// course, which a test forbids, comes last).
pub fn course() -> Vec<(Option<&'static Lesson>, Entry)> {
    let mut v: Vec<(Option<&'static Lesson>, Entry)> = list()
        .into_iter()
        .map(|e| (lesson_of(e.name).map(|(_, l)| l), e))
        .collect();
    v.sort_by_key(|(l, _)| l.map_or(usize::MAX, |l| lesson_of(l.name).map_or(0, |(n, _)| n)));
    v
}

/// A track of the course and its lessons, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Track {
    /// Its name ("First steps").
    pub name: &'static str,
    /// Its lessons: (number in the course, from 1; the lesson; the walkthrough's entry).
    pub lessons: Vec<(usize, &'static Lesson, Entry)>,
}

/// The course grouped by track, in order (what a picker or a course page lists); a walkthrough
/// outside the course (which a test forbids) is left out.
pub fn tracks() -> Vec<Track> {
    let mut out: Vec<Track> = Vec::new();
    for (i, (lesson, entry)) in course().into_iter().enumerate() {
        let Some(l) = lesson else { continue };
        match out.last_mut() {
            Some(t) if t.name == l.track => t.lessons.push((i + 1, l, entry)),
            _ => out.push(Track {
                name: l.track,
                lessons: vec![(i + 1, l, entry)],
            }),
        }
    }
    out
}
