//! The populate trace of `populate_common` as a wasm module for `scripts/bench-wasm.sh` (issue
//! 16): built with `--target wasm32-unknown-unknown`, it exports `populate(pages) -> events`
//! and needs no imports, so node instantiates it bare and times the call.

#[path = "populate_common/mod.rs"]
mod common;

/// Run the populate trace of a `pages`-page tt; returns its event count.
#[no_mangle]
pub extern "C" fn populate(pages: u32) -> u64 {
    common::populate(pages)
}
