//! Stepper memory and seek time on one huge tt (issue 16), a benchmark rather than a test:
//! `cargo run --profile bench -p ttm-core --example stepper_scale -- PAGES` (default 262,144;
//! the format's largest tt is 4,194,304). A write-combined tt of PAGES pages is created and
//! populated through the wc pool on a machine four times its size (at most the 64 GiB the
//! format allows), its [`Recording`] is built, and a [`Stepper`] seeks to pseudo-random
//! positions. Printed: events, trace bytes, the time of each phase, the stepper's seek times
//! (mean, max) and the process's resident memory (`VmRSS`, peak `VmHWM` from /proc).

use std::rc::Rc;
use std::time::Instant;
use ttm_core::recording::{Recording, DEFAULT_CHART_POINTS};
use ttm_core::{Action, Caching, MachineConfig, Sim, Stepper};

/// A `/proc/self/status` field in MiB (0 where there is no /proc).
fn status_mib(field: &str) -> f64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let pages: u32 = std::env::args()
        .nth(1)
        .map_or(262_144, |a| a.parse().expect("PAGES is a number"));
    let ram = (u64::from(pages) * 4096 * 4)
        .next_power_of_two()
        .clamp(64 << 20, ttm_core::config::MAX_RAM);
    let t = Instant::now();
    let mut sim = Sim::new(MachineConfig {
        ram_bytes: ram,
        ..Default::default()
    })
    .expect("the machine boots");
    sim.run(&Action::TtCreate {
        pages,
        caching: Caching::Wc,
        flags: 0,
        dma: false,
    })
    .expect("tt_create");
    sim.run(&Action::TtPopulate { tt: 0 }).expect("tt_populate");
    let run_ms = t.elapsed().as_secs_f64() * 1e3;
    let events = sim.trace().len();
    println!(
        "tt of {pages} pages on {} MiB: {events} events, {} trace bytes ({:.2} B/event); run {run_ms:.0} ms; RSS {:.0} MiB",
        ram >> 20,
        sim.trace().encoded_bytes(),
        sim.trace().encoded_bytes() as f64 / events as f64,
        status_mib("VmRSS:")
    );
    let rss_run = status_mib("VmRSS:");
    let t = Instant::now();
    let rec = Rc::new(Recording::new(Rc::new(sim), DEFAULT_CHART_POINTS));
    let mut st = Stepper::over(rec.clone());
    println!(
        "Recording::new + Stepper::over: {:.0} ms; {} state checkpoints every {} events; RSS {:.0} MiB (+{:.0} MiB over the run = {:.1} B/event)",
        t.elapsed().as_secs_f64() * 1e3,
        rec.checkpoints(),
        rec.checkpoint_every(),
        status_mib("VmRSS:"),
        status_mib("VmRSS:") - rss_run,
        (status_mib("VmRSS:") - rss_run) * 1048576.0 / events as f64
    );
    let mut k: u64 = 1;
    let (mut total, mut worst, n) = (0.0f64, 0.0f64, 200);
    for _ in 0..n {
        k = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let target = (k >> 11) % (events + 1);
        let t = Instant::now();
        st.seek(target);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        total += ms;
        worst = worst.max(ms);
    }
    let t = Instant::now();
    st.seek(0);
    st.seek(events);
    let ends = t.elapsed().as_secs_f64() * 1e3 / 2.0;
    println!(
        "seek to {n} pseudo-random positions: mean {:.2} ms, max {worst:.2} ms; start <-> end: {ends:.2} ms each",
        total / n as f64
    );
    println!("peak RSS (VmHWM) {:.0} MiB", status_mib("VmHWM:"));
}
