//! The trace of a run as an indented call tree ([`render`]), or as a code view with the
//! pseudocode line each call is executing ([`code_view`]).
//!
//! ```text
//! == step 1: populate tt 0
//!   -> radeon_ttm_tt_populate(tt=0)
//!     -> ttm_pool_populate(tt=0)
//!       ...
//!       delta Count { ctr: PoolNpages(0), by: 512 }
//!     <- ttm_pool_populate = 0
//! ```

use crate::stream::{Filter, Out};
use std::fmt::Write;
use ttm_core::code::{advance, link, listing};
use ttm_core::narrate::args_text;
use ttm_core::scenario::Run;
use ttm_core::{event_symbol, Errno, Event};

/// Print events `from..to` of the run's trace that `filter` keeps, line by line as they are
/// decoded. Marks become headers naming the step (or the boot-time action they belong to).
pub fn render(out: &mut Out, run: &Run, from: u64, to: u64, filter: &Filter) {
    let trace = run.sim.trace();
    crate::stream::walk(run, from, to, filter, |st, it| {
        let pad = "  ".repeat(it.depth + 1);
        let sym = it.symbol.unwrap_or("?");
        match it.event {
            Event::Mark { label } => match it.step {
                Some(s) => out.fmt(format_args!("== step {s}: {}\n", trace.label(*label))),
                None => out.fmt(format_args!("== boot: {}\n", trace.label(*label))),
            },
            Event::Enter { func, args } => out.fmt(format_args!(
                "{pad}-> {sym}({})\n",
                args_text(st, *func, args)
            )),
            Event::Exit { ret } => out.fmt(format_args!("{pad}<- {sym} = {}\n", ret_value(*ret))),
            Event::Delta(d) => out.fmt(format_args!("{pad}delta {d:?}\n")),
            Event::Finding(f) => out.fmt(format_args!("{pad}!! {}\n", f.describe())),
        }
    });
}

/// The code view of events `from..to` (see `ttm-lab help code`):
///
/// ```text
/// == step 1: populate tt 0
///   -> ttm_pool_populate(tt=0)
///        > 1  already populated: done
///        > 2  for each slot: get one page of the tt's caching
///     -> ttm_get_pages(tt=0, index=0, npages=1, flags=0, cstate=tt_wc)
/// ```
///
/// Each open call follows its listing with `ttm_core::code::advance`, so a line is printed when
/// the call moves to it. Arguments are decoded from the state at the call (replayed from boot).
pub fn code_view(run: &Run, from: u64, to: u64) -> String {
    let sim = &run.sim;
    let kind = sim.config().driver.kind;
    let trace = sim.trace();
    let mut st = state_at(run, from);
    let mut out = String::new();
    // Open calls: symbol, listing, current line.
    let mut stack: Vec<(&'static str, &'static [ttm_core::code::Line], usize)> = Vec::new();
    let mut sources: Vec<(&'static str, String)> = Vec::new();
    let show = |out: &mut String, depth: usize, lines: &[ttm_core::code::Line], n: usize| {
        if let Some(l) = lines.get(n) {
            let _ = writeln!(out, "{}   > {}  {}", "  ".repeat(depth), n + 1, l.text);
        }
    };
    for (i, e) in trace.events_from(from).enumerate() {
        let index = from + i as u64;
        if index >= to {
            break;
        }
        // The innermost open call moves to the line this event stands for.
        if let Some((_, lines, line)) = stack.last_mut() {
            let next = advance(lines, *line, &e);
            if next != *line && !matches!(e, Event::Exit { .. }) {
                *line = next;
                let lines = *lines;
                show(&mut out, stack.len(), lines, next);
            }
        }
        let pad = "  ".repeat(stack.len() + 1);
        match e {
            Event::Mark { label } => {
                stack.clear();
                match run.steps.iter().find(|s| s.first_event == index) {
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
                let _ = writeln!(out, "{pad}-> {sym}({})", args_text(&st, func, &args));
                if !sources.iter().any(|(s, _)| *s == sym) {
                    if let Some(url) = link(kind, func, &args).ident_url {
                        sources.push((sym, url));
                    }
                }
                let lines = listing(func);
                stack.push((sym, lines, 0));
                show(&mut out, stack.len(), lines, 0);
            }
            Event::Exit { ret } => {
                let sym = stack.pop().map_or("?", |f| f.0);
                let pad = "  ".repeat(stack.len() + 1);
                let _ = writeln!(out, "{pad}<- {sym} = {}", ret_value(ret));
            }
            Event::Delta(d) => st.apply(&d),
            Event::Finding(f) => {
                let _ = writeln!(out, "{pad}!! {}", f.describe());
            }
        }
    }
    if !sources.is_empty() {
        let _ = writeln!(out, "\nSources (Linux v3.3):");
        let w = sources.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
        for (s, url) in &sources {
            let _ = writeln!(out, "  {s:<w$}  {url}");
        }
    }
    out
}

/// The state before event `from` (replayed from boot), for decoding arguments by name.
fn state_at(run: &Run, from: u64) -> ttm_core::State {
    let mut st = run.sim.boot_state().clone();
    for e in run.sim.trace().events().take(from as usize) {
        if let Event::Delta(d) = e {
            st.apply(&d);
        }
    }
    st
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
}
