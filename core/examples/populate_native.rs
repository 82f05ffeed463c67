//! The populate trace of `populate_common` timed natively for `scripts/bench-wasm.sh` (issue 16):
//! `cargo run --profile bench -p ttm-core --example populate_native -- PAGES RUNS` prints one
//! JSON line with the events and each run's time in milliseconds.

use std::time::Instant;

#[path = "populate_common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let pages: u32 = args.next().map_or(262_144, |a| a.parse().expect("PAGES"));
    let runs: usize = args.next().map_or(5, |a| a.parse().expect("RUNS"));
    let mut ms = Vec::new();
    let mut events = 0;
    for _ in 0..runs {
        let t = Instant::now();
        events = common::populate(pages);
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let list: Vec<String> = ms.iter().map(|m| format!("{m:.1}")).collect();
    println!(
        "{{\"pages\": {pages}, \"events\": {events}, \"ms\": [{}]}}",
        list.join(", ")
    );
}
