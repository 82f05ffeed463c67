//! The page's components, one per file. Each takes data and callbacks (`Properties`), never the
//! store's handle; the shell ([`crate::app`]) wires them to the store. A component may show
//! another (`controls` → `scrubber`, `compare` → `pages`); none shows one that shows it.

pub mod bos;
pub mod callstack;
pub mod cell_grid;
pub mod chart;
pub mod code_pane;
pub mod compare;
pub mod controls;
pub mod copy;
pub mod course;
pub mod embed;
pub mod exercise;
pub mod export;
pub mod goal;
pub mod load_bar;
pub mod machine;
pub mod narration;
pub mod next_lesson;
pub mod notices;
pub mod pages;
pub mod picker;
pub mod pools;
pub mod problem;
pub mod scrubber;
pub mod snippet;
pub mod stage;
pub mod travel_layer;
pub mod welcome;
pub mod zones;
