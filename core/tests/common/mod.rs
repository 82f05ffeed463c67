//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use ttm_core::trace::Event;
use ttm_core::{Action, Caching, Func, MachineConfig, Output, Sim};

/// The spec's standard machine (spec 10): x86-64, 64 MiB, non-root, E3, faithful.
pub fn sim() -> Sim {
    Sim::new(MachineConfig::default()).expect("default config boots")
}

pub fn sim_with(f: impl FnOnce(&mut MachineConfig)) -> Sim {
    let mut cfg = MachineConfig::default();
    f(&mut cfg);
    Sim::new(cfg).expect("config boots")
}

pub fn create(sim: &mut Sim, pages: u32, caching: Caching) -> u32 {
    create_with(sim, pages, caching, 0, false)
}

pub fn create_with(sim: &mut Sim, pages: u32, caching: Caching, flags: u32, dma: bool) -> u32 {
    match sim
        .run(&Action::TtCreate {
            pages,
            caching,
            flags,
            dma,
        })
        .expect("tt created")
    {
        Output::Tt(id) => id,
        o => panic!("unexpected output {o:?}"),
    }
}

pub fn populate(sim: &mut Sim, tt: u32) {
    sim.run(&Action::TtPopulate { tt })
        .expect("populate succeeds");
}

pub fn unpopulate(sim: &mut Sim, tt: u32) {
    sim.run(&Action::TtUnpopulate { tt })
        .expect("unpopulate succeeds");
}

/// Arguments of every call of `f` recorded since event `from`.
pub fn calls_since(sim: &Sim, from: u64, f: Func) -> Vec<Vec<u64>> {
    sim.trace()
        .events_from(from)
        .filter_map(|e| match e {
            Event::Enter { func, args } if func == f => Some(args),
            _ => None,
        })
        .collect()
}

/// Return values of every call of `f` since event `from` (matching enters and exits by depth).
pub fn returns_since(sim: &Sim, from: u64, f: Func) -> Vec<i64> {
    let mut stack: Vec<Func> = Vec::new();
    let mut out = Vec::new();
    for e in sim.trace().events_from(from) {
        match e {
            Event::Enter { func, .. } => stack.push(func),
            Event::Exit { ret } => {
                let top = stack.pop();
                if top == Some(f) {
                    out.push(ret);
                }
            }
            _ => {}
        }
    }
    out
}

/// Pages currently taken out of system memory (in pools, tts, local lists or leaked).
pub fn pages_out(sim: &Sim) -> u64 {
    sim.state().pages_out_of_system()
}

pub fn used(sim: &Sim, zone: usize) -> u64 {
    sim.state().zones[zone].used_mem
}

/// The state after the first `n` events, rebuilt by applying the trace's deltas to the boot state.
pub fn replay(s: &Sim, n: u64) -> ttm_core::State {
    let mut st = s.boot_state().clone();
    for e in s.trace().events().take(n as usize) {
        if let Event::Delta(d) = e {
            st.apply(&d);
        }
    }
    st
}
