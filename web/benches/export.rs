//! Export pictures: building a scene, writing SVG, packing a ZIP (docs/BENCHMARKS.md).
//! `cargo bench -p ttm-web --bench export`

use std::rc::Rc;

use criterion::{criterion_group, criterion_main, Criterion};
use ttm_core::{Scenario, Stepper};
use ttm_web::snapshot::{scene, Caption, Palette};

fn caption() -> Caption {
    Caption {
        title: "bench".into(),
        step: "Step 2 of 3".into(),
        machine: "64 MiB RAM".into(),
        narration: "A walkthrough's narration, a few lines long. ".repeat(6),
    }
}

/// The end of a scenario's step `i`.
fn state_after(sc: &Scenario, i: usize) -> Stepper {
    let run = sc.run().expect("the scenario runs");
    let end = run.steps[i].end_event;
    let mut s = Stepper::new(Rc::new(run.sim));
    s.seek(end);
    s
}

fn bench(c: &mut Criterion) {
    let p = Palette::light();
    // pool-refill after the populate (W3): a 20-page tt and 492 pool pages.
    let small = state_after(&ttm_core::catalog::load("pool-refill").unwrap().unwrap(), 1);
    // The browser benchmark's walkthrough: a 262,144-page tt (1 GiB) populated.
    let big_sc = Scenario::from_json(ttm_web::store::BENCH_SCENARIO).unwrap();
    let big = state_after(&big_sc, 1);
    let cap = caption();
    c.bench_function("scene + svg, pool-refill after populate", |b| {
        b.iter(|| scene(small.state(), &cap, &p).to_svg())
    });
    c.bench_function("scene + svg, 262,144-page tt", |b| {
        b.iter(|| scene(big.state(), &cap, &p).to_svg())
    });
    let frames: Vec<(String, Vec<u8>)> = (0..100)
        .map(|i| (format!("frame-{i:04}.png"), vec![i as u8; 100 * 1024]))
        .collect();
    c.bench_function("zip store, 100 frames of 100 KiB", |b| {
        b.iter(|| ttm_web::zip::store(&frames).len())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
