//! TTM Lab's browser front end.
//!
//! **Architecture invariant:** this crate renders what `ttm_core` reports, names and narrates
//! (`tests/architecture.rs` fails on kernel symbols and constants in its code): page travel,
//! labels, narration and the stage all come from ttm-core. The layers, each using only those
//! below it (a test checks there is no import cycle):
//!
//! - [`app`]: the shell: the `App` component wiring the store to the components and performing
//!   the store's effects through [`effects`].
//! - [`components`]: one component per file, with data-and-callback properties.
//! - [`effects`] and [`bench`](mod@bench): everything that touches the browser outside rendering (storage,
//!   URL, timers, postMessage, key and media listeners, frame timing).
//! - [`store`]: the page state, its messages and the reducer returning effects as data; no
//!   browser API (tested natively).
//! - [`url`], [`travel`], [`snapshot`], [`view`], [`zip`]: pure helpers (query strings, the
//!   legs of page travel, the export picture, display rows, ZIP files).
//! - [`panic`](mod@panic): the panic screen (plain DOM, independent of Yew).

pub mod app;
pub mod bench;
pub mod components;
pub mod effects;
pub mod panic;
pub mod snapshot;
pub mod store;
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
