//! The trace of a run as an indented call tree.
//!
//! ```text
//! == step 1: populate tt 0
//!   -> radeon_ttm_tt_populate(driver=0, tt=0)
//!     -> ttm_pool_populate(tt=0)
//!       ...
//!       delta Count { ctr: PoolNpages(0), by: 512 }
//!     <- ttm_pool_populate = 0
//! ```

use std::fmt::Write;
use ttm_core::scenario::Run;
use ttm_core::{event_symbol, Errno, Event, Func};

/// Render events `from..to` of the run's trace. Marks become headers naming the step (or the
/// boot-time action they belong to).
pub fn render(run: &Run, from: u64, to: u64) -> String {
    let kind = run.sim.config().driver.kind;
    let trace = run.sim.trace();
    let mut out = String::new();
    let mut stack: Vec<&'static str> = Vec::new();
    for (i, e) in trace.events_from(from).enumerate() {
        let index = from + i as u64;
        if index >= to {
            break;
        }
        let pad = "  ".repeat(stack.len() + 1);
        match e {
            Event::Mark { label } => {
                stack.clear();
                let step = run.steps.iter().find(|s| s.first_event == index);
                match step {
                    Some(s) => {
                        let _ = writeln!(out, "== step {}: {}", s.index, trace.label(label));
                    }
                    None => {
                        let _ = writeln!(out, "== boot: {}", trace.label(label));
                    }
                }
            }
            Event::Enter { func, args } => {
                let sym = event_symbol(kind, func, &args);
                let _ = writeln!(out, "{pad}-> {sym}({})", call_args(func, &args));
                stack.push(sym);
            }
            Event::Exit { ret } => {
                let sym = stack.pop().unwrap_or("?");
                let pad = "  ".repeat(stack.len() + 1);
                let _ = writeln!(out, "{pad}<- {sym} = {}", ret_value(ret));
            }
            Event::Delta(d) => {
                let _ = writeln!(out, "{pad}delta {d:?}");
            }
            Event::Finding(f) => {
                let _ = writeln!(out, "{pad}!! {}", f.describe());
            }
        }
    }
    out
}

/// `name=value, ...` with the function's argument names; page frame numbers in hex.
pub fn call_args(func: Func, args: &[u64]) -> String {
    let names = func.arg_names();
    args.iter()
        .enumerate()
        .map(|(i, v)| {
            let name = names.get(i).copied().unwrap_or("?");
            if name.contains("pfn") {
                format!("{name}={v:#x}")
            } else {
                format!("{name}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A return value, with the errno name when it is one.
pub fn ret_value(ret: i64) -> String {
    match (ret < 0).then(|| Errno::from_code(ret)).flatten() {
        Some(e) => format!("{ret} ({})", e.name()),
        None => ret.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_names_are_shown() {
        assert_eq!(ret_value(-12), "-12 (-ENOMEM)");
        assert_eq!(ret_value(384), "384");
    }

    #[test]
    fn arguments_are_named() {
        assert_eq!(call_args(Func::TtBind, &[3]), "tt=3");
    }
}
