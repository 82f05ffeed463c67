//! The built-in walkthroughs shipped with TTM Lab (the files in `scenarios/`, embedded at build time).

use crate::scenario::{Run, Scenario, ScenarioError};
use serde::{Deserialize, Serialize};

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its name (the file stem; used in URLs).
    pub name: &'static str,
    /// Its title, or `(broken: …)` with the error if the file cannot be read.
    pub title: String,
    /// Its goal paragraph (empty for a broken file).
    pub goal: String,
}

/// Every built-in walkthrough's name, title and goal, sorted by name: the files are read, not run.
pub fn list() -> Vec<Entry> {
    BUILTIN
        .iter()
        .map(|&(name, text)| match Scenario::from_json(text) {
            Ok(sc) => Entry {
                name,
                title: sc.title,
                goal: sc.goal,
            },
            Err(e) => Entry {
                name,
                title: format!("(broken: {e})"),
                goal: String::new(),
            },
        })
        .collect()
}
