//! TTM knowledge the web crate still holds: kernel names of memory types and placements, which
//! traced calls are driver callbacks, the functions a trace calls, which tts went to or came back
//! from swap in a move, when a buffer object is busy, how a memory type's range reads, and the
//! machine in words. Everything else in `web/` only renders what `ttm_core` reports.
// moves to ttm-core (issue 12)

use std::collections::BTreeSet;

use ttm_core::bo_state::{Bo, ManagerKind};
use ttm_core::consts::placement;
use ttm_core::stepper::Frame;
use ttm_core::{event_symbol, DriverKind, Event, Func, MachineConfig, Sim, State};

use crate::view;

/// The kernel's name of memory type `t` (`TTM_PL_VRAM`).
pub fn mem_type_name(t: u8) -> String {
    match t as u32 {
        placement::PL_SYSTEM => "SYSTEM".into(),
        placement::PL_TT => "TT (GTT)".into(),
        placement::PL_VRAM => "VRAM".into(),
        placement::PL_PRIV0 => "PRIV0".into(),
        n => format!("type {n}"),
    }
}

/// The caching flags of a placement (`WC`, `CACHED|UNCACHED`, or `-`).
pub fn placement_caching(p: u32) -> String {
    let names: Vec<&str> = [
        (placement::FLAG_CACHED, "CACHED"),
        (placement::FLAG_UNCACHED, "UNCACHED"),
        (placement::FLAG_WC, "WC"),
    ]
    .iter()
    .filter(|(f, _)| p & f != 0)
    .map(|(_, n)| *n)
    .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join("|")
    }
}

/// The symbol shown for a traced call, its elixir link (none for pseudo-symbols) and whether it
/// is a driver callback.
pub fn call_symbol(
    kind: DriverKind,
    func: Func,
    args: &[u64],
) -> (&'static str, Option<String>, bool) {
    let sym = event_symbol(kind, func, args);
    let driver = func.file().starts_with("struct ttm_")
        || matches!(func.file(), "driver" | "driver backend")
        || sym != func.symbol();
    let url = if sym.contains("->") || sym.contains(' ') {
        None
    } else {
        Some(format!(
            "https://elixir.bootlin.com/linux/v3.3/A/ident/{sym}"
        ))
    };
    (sym, url, driver)
}

/// One open call of the call stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameRow {
    /// The displayed symbol.
    pub symbol: &'static str,
    /// elixir link.
    pub url: Option<String>,
    /// A driver callback (or driver backend operation).
    pub driver: bool,
    /// `tt=0, index=3`.
    pub args: String,
    /// Event index of its entry.
    pub at: u64,
}

/// `name=value, ...` of a call's recorded arguments.
pub fn args_text(func: Func, args: &[u64]) -> String {
    func.arg_names()
        .iter()
        .zip(args)
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The call stack, outermost first.
pub fn frames(kind: DriverKind, stack: &[Frame]) -> Vec<FrameRow> {
    stack
        .iter()
        .map(|f| {
            let (symbol, url, driver) = call_symbol(kind, f.func, &f.args);
            FrameRow {
                symbol,
                url,
                driver,
                args: args_text(f.func, &f.args),
                at: f.at,
            }
        })
        .collect()
}

/// Every function called somewhere in the trace, sorted by displayed name (breakpoint choices).
pub fn funcs_seen(sim: &Sim) -> Vec<(Func, &'static str)> {
    let kind = sim.config().driver.kind;
    let mut seen: BTreeSet<(&'static str, usize)> = BTreeSet::new();
    for e in sim.trace().events() {
        if let Event::Enter { func, args } = e {
            seen.insert((event_symbol(kind, func, &args), func.index()));
        }
    }
    let mut out: Vec<(Func, &'static str)> = Vec::new();
    for (sym, i) in seen {
        if let Some(f) = Func::from_index(i) {
            if !out.iter().any(|(g, _)| *g == f) {
                out.push((f, sym));
            }
        }
    }
    out
}

/// "64 MiB · x86-64 · E3 · faithful · radeon".
pub fn machine_label(cfg: &MachineConfig) -> String {
    let arch = match cfg.arch {
        ttm_core::Arch::X86_64 => "x86-64",
        ttm_core::Arch::X86_32Highmem => "x86-32 highmem",
    };
    let fidelity = match cfg.fidelity {
        ttm_core::Fidelity::Faithful => "faithful",
        ttm_core::Fidelity::Fixed => "fixed",
    };
    format!(
        "{} RAM · {arch} · {:?} · {fidelity} · {}",
        view::human_bytes(cfg.ram_bytes),
        cfg.era,
        format!("{:?}", cfg.driver.kind).to_lowercase()
    )
}

/// A buffer object's notes in the table: ghost, evicted, busy (its fence not signalled yet),
/// reserved.
pub fn bo_notes(st: &State, b: &Bo) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if b.ghost {
        notes.push("ghost");
    }
    if b.evicted {
        notes.push("evicted");
    }
    if b.fence
        .is_some_and(|f| st.fences.get(f as usize).is_some_and(|f| !f.signaled))
    {
        notes.push("busy");
    }
    if b.reserved {
        notes.push("reserved");
    }
    notes
}

/// A BO's place in its memory type: a page range, a GMR id, or just its size (SYSTEM).
pub fn range_text(st: &State, b: &Bo) -> String {
    let gmr = st
        .managers
        .get(b.mem.mem_type as usize)
        .is_some_and(|m| m.kind == ManagerKind::GmrId);
    match (b.mem.has_node, gmr) {
        (true, true) => format!("GMR id {} ({} pages)", b.mem.start, b.num_pages),
        (true, false) => format!("[{}, {})", b.mem.start, b.mem.start + b.num_pages as u64),
        (false, _) => format!("{} pages", b.num_pages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use ttm_core::catalog;

    #[test]
    fn placements_and_types_read_like_the_kernel() {
        assert_eq!(
            placement_caching(placement::FLAG_WC | placement::FLAG_TT),
            "WC"
        );
        assert_eq!(placement_caching(0), "-");
        assert_eq!(mem_type_name(2), "VRAM");
    }

    /// The breakpoint choices and call-stack symbols of the pool-refill walkthrough (spec W3).
    #[test]
    fn pool_refill_functions_and_symbols() {
        let run = catalog::load("pool-refill")
            .unwrap()
            .unwrap()
            .run()
            .unwrap();
        let sim = Rc::new(run.sim);
        let seen = funcs_seen(&sim);
        assert!(seen.iter().any(|(_, n)| *n == "ttm_page_pool_fill_locked"));
        let (sym, url, driver) = call_symbol(sim.config().driver.kind, Func::PoolPopulate, &[0]);
        assert_eq!(sym, "ttm_pool_populate");
        assert!(!driver);
        assert_eq!(
            url.as_deref(),
            Some("https://elixir.bootlin.com/linux/v3.3/A/ident/ttm_pool_populate")
        );
    }
}
