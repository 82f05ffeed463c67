//! The built-in walkthroughs shipped with TTM Lab (the files in `scenarios/`, embedded at build time).

use crate::scenario::{Scenario, ScenarioError};

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The JSON text of a built-in walkthrough.
pub fn get(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Parse a built-in walkthrough.
pub fn load(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    get(name).map(Scenario::from_json)
}

/// Names of all built-in walkthroughs, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}
