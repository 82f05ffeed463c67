//! `ttm-stress`: TTM Lab's own fuzzing and stress harness (issue 11).
//!
//! Random action sequences over every driver and variant, era, fidelity and fault plan (with
//! deliberately invalid references, extreme sizes and random sysfs text) are run against
//! ttm-core; after every step an independent checker (`invariants`, written from spec 11
//! without the model's own `check`) looks at the state; then the trace must replay to the live
//! state, the stepper must equal a replay at random positions and at checkpoint boundaries, and
//! fixed-mode machines must give every page and byte back on teardown. Scenario texts (mutated
//! walkthroughs and random bytes) must load or fail with a located error. Failures are shrunk
//! and printed as scenario JSON. docs/RELIABILITY.md records the figures of the long run.
//!
//! ```text
//! ttm-stress [--sequences N] [--texts N] [--seed S] [--jobs J] [--max-actions K] [--long-every L]
//! ```

mod gen;
mod invariants;
mod rng;
mod sequence;
mod shrink;
mod texts;

use sequence::{Failure, Options, Stats};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    sequences: u64,
    texts: u64,
    seed: u64,
    jobs: u64,
    opt: Options,
}

const USAGE: &str = "usage: ttm-stress [--sequences N] [--texts N] [--seed S] [--jobs J] [--max-actions K] [--long-every L]";

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        sequences: 2000,
        texts: 2000,
        seed: 1,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get() as u64),
        opt: Options {
            max_actions: 40,
            long_every: 1000,
        },
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = it.next().ok_or(format!("{flag} needs a value\n{USAGE}"))?;
        let n: u64 = value
            .replace('_', "")
            .parse()
            .map_err(|_| format!("{flag}: {value:?} is not a whole number\n{USAGE}"))?;
        match flag.as_str() {
            "--sequences" => a.sequences = n,
            "--texts" => a.texts = n,
            "--seed" => a.seed = n,
            "--jobs" => a.jobs = n.max(1),
            "--max-actions" => a.opt.max_actions = n.max(1),
            "--long-every" => a.opt.long_every = n.max(1),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok(a)
}

/// What one worker found.
#[derive(Default)]
struct Report {
    stats: Stats,
    texts: u64,
    texts_loaded: u64,
    texts_not_utf8: u64,
    /// Failures by class: count, and the first one's seed, detail and shrunk reproducer.
    failures: BTreeMap<String, (u64, u64, String, String)>,
}

impl Report {
    fn record(&mut self, seed: u64, f: &Failure, repro: impl FnOnce() -> String) {
        let e = self
            .failures
            .entry(f.class.clone())
            .or_insert_with(|| (0, seed, f.detail.clone(), repro()));
        e.0 += 1;
    }

    fn merge(&mut self, o: Report) {
        self.stats.add(&o.stats);
        self.texts += o.texts;
        self.texts_loaded += o.texts_loaded;
        self.texts_not_utf8 += o.texts_not_utf8;
        for (k, v) in o.failures {
            let e = self
                .failures
                .entry(k)
                .or_insert((0, v.1, v.2.clone(), v.3.clone()));
            if v.1 < e.1 {
                (e.1, e.2, e.3) = (v.1, v.2, v.3);
            }
            e.0 += v.0;
        }
    }
}

fn worker(a: &Args, job: u64) -> Report {
    let mut rep = Report::default();
    let mut i = job;
    while i < a.sequences {
        let seed = a.seed.wrapping_mul(1_000_003).wrapping_add(i);
        match sequence::generate(seed, a.opt) {
            Ok(s) => rep.stats.add(&s),
            Err(b) => {
                let (f, case) = *b;
                rep.stats.sequences += 1;
                rep.record(seed, &f, || {
                    let small = shrink::shrink(&case, &f);
                    shrink::to_scenario(&small, seed, &shrink::failure_of(&small, &f))
                });
            }
        }
        i += a.jobs;
    }
    let mut i = job;
    while i < a.texts {
        let seed = a.seed.wrapping_mul(7_000_003).wrapping_add(i);
        let mut r = rng::Rng::new(seed);
        let t = texts::text(&mut r);
        rep.texts += 1;
        if std::str::from_utf8(&t).is_err() {
            rep.texts_not_utf8 += 1;
        }
        match texts::check(&t) {
            Ok(loaded) => rep.texts_loaded += loaded as u64,
            Err(f) => rep.record(seed, &f, || String::from_utf8_lossy(&t).into_owned()),
        }
        i += a.jobs;
    }
    rep
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ttm-stress: {e}");
            return ExitCode::from(2);
        }
    };
    // Panics are caught per sequence and reported as failures; keep their message, not the
    // default hook's output.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        sequence::LAST_PANIC.with(|p| *p.borrow_mut() = format!("{msg}{at}"));
    }));
    let t0 = Instant::now();
    let mut total = Report::default();
    std::thread::scope(|sc| {
        let handles: Vec<_> = (0..a.jobs)
            .map(|j| {
                sc.spawn({
                    let a = &a;
                    move || worker(a, j)
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(r) => total.merge(r),
                Err(_) => {
                    // A bug in the harness itself (generation happens outside the guard).
                    let msg = sequence::LAST_PANIC.with(|p| p.borrow().clone());
                    let f = Failure {
                        class: "harness-panic".into(),
                        detail: format!("a worker thread died: {msg}"),
                    };
                    let mut r = Report::default();
                    r.record(0, &f, String::new);
                    total.merge(r);
                }
            }
        }
    });
    let secs = t0.elapsed().as_secs_f64();
    let s = &total.stats;
    println!("ttm-stress seed {} · {} jobs · {secs:.1} s", a.seed, a.jobs);
    println!(
        "  sequences {} ({} machines refused as invalid, on purpose) · steps {} · invalid actions refused {} · events {} (longest {})",
        s.sequences, s.refused_configs, s.steps, s.invalid, s.events, s.max_events
    );
    println!(
        "  stepper positions checked {} ({} at checkpoint boundaries) · fixed-mode teardowns clean {} · faithful findings {}",
        s.seeks, s.checkpoint_seeks, s.teardowns, s.faithful_findings
    );
    println!(
        "  scenario texts {} ({} loaded, {} not UTF-8, the rest refused with a located error)",
        total.texts, total.texts_loaded, total.texts_not_utf8
    );
    if total.failures.is_empty() {
        println!("  failures 0");
        return ExitCode::SUCCESS;
    }
    let n: u64 = total.failures.values().map(|v| v.0).sum();
    println!("  failures {n}");
    for (class, (count, seed, detail, repro)) in &total.failures {
        println!(
            "\n== {class}: {count} (first: seed {seed})\n{detail}\nminimal reproducer:\n{repro}"
        );
    }
    ExitCode::FAILURE
}
