//! Time-travel scale (issue 5): generating a trace of about one million events, building the
//! stepper over it, and jumping to arbitrary positions.
//! Run: `cargo bench -p ttm-core --bench stepper`.

use criterion::{criterion_group, criterion_main, Criterion};
use ttm_core::{Action, Caching, Kernel, MachineConfig, Output, Sim, Stepper};

/// 60,000 WC pages populate into roughly a million events (≈17 per page).
const PAGES: u32 = 60_000;

fn generate() -> Sim {
    let cfg = MachineConfig {
        ram_bytes: 2 << 30,
        ..Default::default()
    };
    let mut sim = Sim::new(cfg).expect("config boots");
    let tt = match sim.run(&Action::TtCreate {
        pages: PAGES,
        caching: Caching::Wc,
        flags: 0,
        dma: false,
    }) {
        Ok(Output::Tt(t)) => t,
        other => panic!("{other:?}"),
    };
    sim.run(&Action::TtPopulate { tt }).expect("populate");
    sim
}

/// Linux 6.12 (issue 18): a 200,000-page WC tt populated (fresh blocks), unpopulated (every
/// page cleared and pushed on its pool type) and populated again (from the pools) on a 2 GiB
/// machine: about a million events too.
fn generate_612() -> Sim {
    let cfg = MachineConfig {
        ram_bytes: 2 << 30,
        kernel: Kernel::V6_12,
        ..Default::default()
    };
    let mut sim = Sim::new(cfg).expect("config boots");
    let tt = match sim.run(&Action::TtCreate {
        pages: 200_000,
        caching: Caching::Wc,
        flags: 0,
        dma: false,
    }) {
        Ok(Output::Tt(t)) => t,
        other => panic!("{other:?}"),
    };
    sim.run(&Action::TtPopulate { tt }).expect("populate");
    sim.run(&Action::TtUnpopulate { tt }).expect("unpopulate");
    sim.run(&Action::TtPopulate { tt }).expect("populate");
    sim
}

fn bench(c: &mut Criterion) {
    bench_612(c);
    let sim = std::rc::Rc::new(generate());
    eprintln!(
        "trace: {} events, {} bytes ({:.1} bytes/event)",
        sim.trace().len(),
        sim.trace().encoded_bytes(),
        sim.trace().encoded_bytes() as f64 / sim.trace().len() as f64
    );
    let mut g = c.benchmark_group("stepper");
    g.sample_size(10);
    g.bench_function("generate ~1M-event trace", |b| b.iter(generate));
    g.bench_function("Stepper::new (checkpoints)", |b| {
        b.iter(|| Stepper::new(sim.clone()))
    });
    let mut st = Stepper::new(sim.clone());
    let n = st.len();
    let mut k: u64 = 1;
    g.bench_function("seek to a pseudo-random step", |b| {
        b.iter(|| {
            k = k
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            st.seek((k >> 11) % n);
        })
    });
    g.finish();
}

fn bench_612(c: &mut Criterion) {
    let sim = std::rc::Rc::new(generate_612());
    eprintln!(
        "6.12 trace: {} events, {} bytes ({:.1} bytes/event)",
        sim.trace().len(),
        sim.trace().encoded_bytes(),
        sim.trace().encoded_bytes() as f64 / sim.trace().len() as f64
    );
    let mut g = c.benchmark_group("stepper 6.12");
    g.sample_size(10);
    g.bench_function("generate the 6.12 trace", |b| b.iter(generate_612));
    g.bench_function("Stepper::new (checkpoints)", |b| {
        b.iter(|| Stepper::new(sim.clone()))
    });
    let mut st = Stepper::new(sim.clone());
    let n = st.len();
    let mut k: u64 = 1;
    g.bench_function("seek to a pseudo-random step", |b| {
        b.iter(|| {
            k = k
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            st.seek((k >> 11) % n);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
