//! Populate + unpopulate of a WC tt through the pool, with tracing on (issue 3).
//! Run: `cargo bench -p ttm-core --bench populate`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use ttm_core::{Action, Caching, Kernel, MachineConfig, Output, Sim};

fn machine() -> Sim {
    // 4 GiB of RAM so that a 1 GiB tt fits under the accounting limit (max_mem = 2 GiB).
    let cfg = MachineConfig {
        ram_bytes: 4 << 30,
        ..Default::default()
    };
    Sim::new(cfg).expect("config boots")
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("populate+unpopulate (wc pool, traced)");
    g.sample_size(10);
    for pages in [1u32, 512, 262_144] {
        g.throughput(Throughput::Elements(pages as u64));
        g.bench_with_input(BenchmarkId::from_parameter(pages), &pages, |b, &pages| {
            b.iter_batched(
                || {
                    let mut sim = machine();
                    let tt = match sim.run(&Action::TtCreate {
                        pages,
                        caching: Caching::Wc,
                        flags: 0,
                        dma: false,
                    }) {
                        Ok(Output::Tt(tt)) => tt,
                        other => panic!("{other:?}"),
                    };
                    (sim, tt)
                },
                |(mut sim, tt)| {
                    sim.run(&Action::TtPopulate { tt }).expect("populate");
                    sim.run(&Action::TtUnpopulate { tt }).expect("unpopulate");
                    sim
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
    // Linux 6.12 (issue 18): the same populate + unpopulate through ttm_pool_alloc's order walk
    // and ttm_pool_free on a 4 GiB 6.12 machine (pages_limit = 2 GiB, so nothing swaps).
    let mut g = c.benchmark_group("6.12 populate+unpopulate (wc pool types, traced)");
    g.sample_size(10);
    for pages in [1u32, 512, 262_144] {
        g.throughput(Throughput::Elements(pages as u64));
        g.bench_with_input(BenchmarkId::from_parameter(pages), &pages, |b, &pages| {
            b.iter_batched(
                || {
                    let mut sim = Sim::new(MachineConfig {
                        ram_bytes: 4 << 30,
                        kernel: Kernel::V6_12,
                        ..Default::default()
                    })
                    .expect("config boots");
                    let tt = match sim.run(&Action::TtCreate {
                        pages,
                        caching: Caching::Wc,
                        flags: 0,
                        dma: false,
                    }) {
                        Ok(Output::Tt(tt)) => tt,
                        other => panic!("{other:?}"),
                    };
                    (sim, tt)
                },
                |(mut sim, tt)| {
                    sim.run(&Action::TtPopulate { tt }).expect("populate");
                    sim.run(&Action::TtUnpopulate { tt }).expect("unpopulate");
                    sim
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
