//! What `ttm-lab run` prints, written as it is produced: the step records, the trace and the
//! summary go to standard output piece by piece through one buffer, so the output costs
//! constant memory beyond the run itself however long the scenario or its trace (issue 16).
//!
//! The trace can be narrowed ([`Filter`]): to the calls of some functions (each with everything
//! it calls), to a range of steps, to kinds of event.

use std::io::Write;
use ttm_core::scenario::Run;
use ttm_core::{event_symbol, Event, Func};

/// Buffered standard output. A reader that went away ends the program quietly (status 0), any
/// other write error ends it with status 1 and a message (as `print!` does in this crate).
pub struct Out(std::io::BufWriter<std::io::StdoutLock<'static>>);

impl Out {
    /// Standard output, buffered.
    pub fn new() -> Out {
        Out(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        ))
    }

    fn check(r: std::io::Result<()>) {
        if let Err(e) = r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("ttm-lab: cannot write the output: {e}");
            std::process::exit(i32::from(crate::EXIT_ERROR));
        }
    }

    /// Write formatted text.
    pub fn fmt(&mut self, a: std::fmt::Arguments) {
        Out::check(self.0.write_fmt(a));
    }

    /// Write text.
    pub fn str(&mut self, s: &str) {
        Out::check(self.0.write_all(s.as_bytes()));
    }

    /// Write a value as compact JSON.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, v: &T) {
        if let Err(e) = serde_json::to_writer(&mut self.0, v) {
            Out::check(Err(e.into()));
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        Out::check(self.0.flush());
    }
}

/// The kinds of trace event `--kind` names.
pub const KINDS: [&str; 6] = ["enter", "exit", "call", "delta", "finding", "mark"];

/// Which trace events to print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only the calls of these functions and everything they call (empty: every event).
    pub funcs: Vec<String>,
    /// Only these kinds ([`KINDS`]; "call" is enter and exit; empty: every kind).
    pub kinds: Vec<String>,
}

impl Filter {
    /// Check the names: every function is one the model traces, every kind one of [`KINDS`].
    pub fn validate(&self) -> Result<(), String> {
        for f in &self.funcs {
            if !Func::ALL.iter().any(|g| names_func(f, *g)) && !driver_symbol_known(f) {
                return Err(format!(
                    "--func {f:?}: no traced function has that name (kernel symbols such as ttm_pool_populate or pool_populate; ttm-lab run FILE --trace shows them)"
                ));
            }
        }
        for k in &self.kinds {
            if !KINDS.contains(&k.as_str()) {
                return Err(format!("--kind {k:?}: the kinds are {}", KINDS.join(", ")));
            }
        }
        Ok(())
    }

    fn kind_shown(&self, e: &Event) -> bool {
        let kind = match e {
            Event::Enter { .. } => "enter",
            Event::Exit { .. } => "exit",
            Event::Delta(_) => "delta",
            Event::Finding(_) => "finding",
            Event::Mark { .. } => "mark",
        };
        self.kinds.is_empty()
            || self.kinds.iter().any(|k| {
                k == kind || (k == "call" && matches!(e, Event::Enter { .. } | Event::Exit { .. }))
            })
    }
}

/// The symbol a name stands for: `ttm_pool_populate`, or `pool_populate` without the prefix.
fn names_func(name: &str, f: Func) -> bool {
    let sym = f.symbol();
    name == sym || sym.strip_prefix("ttm_") == Some(name)
}

/// Driver callbacks are shown under the driver's own symbol (`radeon_ttm_tt_populate`, a
/// backend's `nv04_sgdma_bind`).
fn driver_symbol_known(name: &str) -> bool {
    use ttm_core::config::DriverKind;
    let kinds = [DriverKind::Radeon, DriverKind::Nouveau, DriverKind::Vmwgfx];
    Func::ALL.iter().any(|&f| {
        kinds.iter().any(|&k| ttm_core::driver_symbol(k, f) == name)
            || (0..16).any(|backend| event_symbol(DriverKind::Radeon, f, &[backend]) == name)
    })
}

/// One event as the walk gives it: its index, the step it belongs to (None before the first
/// step), the depth of open calls before it and, for calls, the symbol shown.
pub struct Item<'e> {
    /// Event index.
    pub index: u64,
    /// The step whose events hold it.
    pub step: Option<usize>,
    /// Calls open before it (an exit's own call not counted).
    pub depth: usize,
    /// The symbol of an entry's or exit's call.
    pub symbol: Option<&'static str>,
    /// The event.
    pub event: &'e Event,
}

/// Visit events `from..to` of the run's trace that `filter` keeps, in order, with the state
/// before each (for decoding arguments); one state and the open calls are all it holds.
pub fn walk(
    run: &Run,
    from: u64,
    to: u64,
    filter: &Filter,
    mut visit: impl FnMut(&ttm_core::State, &Item),
) {
    let kind = run.sim.config().driver.kind;
    let trace = run.sim.trace();
    let mut st = run.sim.boot_state().clone();
    for d in trace.events().deltas(from) {
        st.apply(&d);
    }
    // Open calls: symbol and whether the function filter selected it or a caller.
    let mut stack: Vec<(&'static str, bool)> = Vec::new();
    // Steps in order of their first event: the step of an event is found by moving forward.
    let mut step = run.steps.partition_point(|s| s.end_event <= from);
    for (i, e) in trace.events_from(from).enumerate() {
        let index = from + i as u64;
        if index >= to {
            break;
        }
        while run.steps.get(step).is_some_and(|s| s.end_event <= index) {
            step += 1;
        }
        let in_step = run.steps.get(step).filter(|s| s.first_event <= index);
        let (symbol, selected) = match &e {
            Event::Enter { func, args } => {
                let sym = event_symbol(kind, *func, args);
                let inside = stack.last().is_some_and(|f| f.1)
                    || filter
                        .funcs
                        .iter()
                        .any(|n| n == sym || names_func(n, *func));
                (Some(sym), inside)
            }
            Event::Exit { .. } => (stack.last().map(|f| f.0), stack.last().is_some_and(|f| f.1)),
            Event::Mark { .. } => {
                stack.clear();
                (None, false)
            }
            _ => (None, stack.last().is_some_and(|f| f.1)),
        };
        let depth = match e {
            Event::Exit { .. } => stack.len().saturating_sub(1),
            _ => stack.len(),
        };
        // Marks head the steps: shown unless the kinds leave them out.
        let by_func = filter.funcs.is_empty() || selected || matches!(e, Event::Mark { .. });
        if by_func && filter.kind_shown(&e) {
            visit(
                &st,
                &Item {
                    index,
                    step: in_step.map(|s| s.index),
                    depth,
                    symbol,
                    event: &e,
                },
            );
        }
        match e {
            Event::Enter { .. } => stack.push((symbol.unwrap_or("?"), selected)),
            Event::Exit { .. } => {
                stack.pop();
            }
            Event::Delta(d) => st.apply(&d),
            _ => {}
        }
    }
}
