//! TTM Lab's browser front end.
//!
//! **Architecture invariant:** this crate holds no TTM logic. It calls `ttm_core` for every change and
//! renders what the core reports; [`view`] turns the core's state into plain display rows, [`app`]
//! holds the view state (walkthrough, position, zoom, play) and turns input into stepper calls,
//! [`panels`] and [`canvas`] draw the state at the current position, [`url`] reads and writes the URL.
//! [`chart`] plots `ttm_core::series` over the whole trace (plotters on a canvas), [`editor`] loads
//! scenario files and edits scenario JSON, [`machine`] is the machine form (re-run and compare), and
//! [`bench`] is the `?bench=1` measurement mode, and [`travel`] animates pages between places.
//! [`panic`] turns a panic (which kills the wasm app) into a message with a link back to the last
//! position that rendered.

pub mod app;
pub mod bench;
pub mod canvas;
pub mod chart;
pub mod editor;
pub mod exercise;
pub mod export;
pub mod machine;
pub mod panels;
pub mod panic;
pub mod snapshot;
pub mod travel;
pub mod url;
pub mod view;
pub mod zip;

/// Install the panic screen, then render the application into the page's `#app` element (falls
/// back to `<body>`).
pub fn mount() {
    panic::install();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(el) => yew::Renderer::<app::App>::with_root(el).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}
