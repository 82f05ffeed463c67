//! Display data derived from the model: plain values the components render.
//!
//! Only formatting and selection happen here (which numbers, in which order, how they are written,
//! which colour a page cell gets); every number comes from `ttm_core` unchanged.

use std::collections::BTreeSet;

use ttm_core::consts::placement;
use ttm_core::state::Loc;
use ttm_core::stepper::Frame;
use ttm_core::{event_symbol, Attr, DriverKind, Event, Func, Sim, State, TtState};

/// What a page cell shows (the canvas colour index; see [`CELL_LEGEND`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cell {
    /// A NULL slot.
    Absent = 0,
    /// A page with a write-back (cached) kernel mapping.
    Cached = 1,
    /// A write-combined page.
    Wc = 2,
    /// An uncached page.
    Uc = 3,
    /// A page of a tt that is bound into the GPU aperture.
    Bound = 4,
    /// A slot whose contents are in the tt's swap storage.
    Swapped = 5,
}

/// Legend entries: (cell, CSS variable holding its colour, label).
pub const CELL_LEGEND: [(Cell, &str, &str); 6] = [
    (Cell::Absent, "--cell-absent", "no page (NULL)"),
    (Cell::Cached, "--cell-cached", "page, cached (WB)"),
    (Cell::Wc, "--cell-wc", "page, write-combined"),
    (Cell::Uc, "--cell-uc", "page, uncached"),
    (Cell::Bound, "--cell-bound", "page of a bound tt"),
    (Cell::Swapped, "--cell-swapped", "swapped out"),
];

/// The colour of a page by its kernel mapping attribute.
pub fn attr_cell(st: &State, pfn: u64) -> Cell {
    match st.phys.page(pfn).map(|p| p.attr) {
        Some(Attr::Wc) => Cell::Wc,
        Some(Attr::Uc) => Cell::Uc,
        _ => Cell::Cached,
    }
}

/// One tt's page array as cells, with its caption.
#[derive(Clone, Debug, PartialEq)]
pub struct TtCells {
    /// Id.
    pub id: u32,
    /// Destroyed tts are listed but greyed.
    pub alive: bool,
    /// `tt_unbound`, ...
    pub state: &'static str,
    /// `tt_wc`, ...
    pub caching: &'static str,
    /// Rendered page flags.
    pub flags: String,
    /// Slots holding a page.
    pub present: u32,
    /// SWAPPED flag.
    pub swapped: bool,
    /// One byte per slot ([`Cell`] as u8).
    pub cells: Vec<u8>,
    /// The page frame number in each slot.
    pub pfns: Vec<Option<u64>>,
}

/// Every tt of the state.
pub fn tts(st: &State) -> Vec<TtCells> {
    st.tts
        .iter()
        .map(|t| {
            let bound = t.state == TtState::Bound;
            let swapped = t.swapped();
            let cells = t
                .pages
                .iter()
                .map(|p| match p {
                    Some(_) if bound => Cell::Bound as u8,
                    Some(pfn) => attr_cell(st, *pfn) as u8,
                    None if swapped => Cell::Swapped as u8,
                    None => Cell::Absent as u8,
                })
                .collect();
            TtCells {
                id: t.id,
                alive: t.alive,
                state: if t.alive {
                    t.state.kernel_name()
                } else {
                    "destroyed"
                },
                caching: t.caching.kernel_name(),
                flags: ttm_core::consts::page_flags::describe(t.page_flags),
                present: t.pages_present(),
                swapped,
                cells,
                pfns: t.pages.clone(),
            }
        })
        .collect()
}

/// A pool's page list as cells (head first).
pub fn pool_cells(st: &State, pfns: impl Iterator<Item = u64>) -> Vec<u8> {
    pfns.map(|pfn| attr_cell(st, pfn) as u8).collect()
}

/// Lowercase, spaces to dashes.
pub fn slug(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(' ', "-")
}

/// `81920` -> `81,920` (the spec's way of writing byte counts).
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Byte count for people: `67108864` -> `64 MiB`, `81920` -> `80 KiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `x` as a share of `of`, 0..=100.
pub fn percent(x: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        (x as f64 * 100.0 / of as f64).min(100.0)
    }
}

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

/// Where a page is, in words (for the pool strip captions).
pub fn loc_text(l: Loc) -> &'static str {
    match l {
        Loc::Fresh | Loc::Free => "system memory",
        Loc::Pool { .. } => "a page pool",
        Loc::Dma { .. } => "a DMA pool",
        Loc::Tt { .. } => "a tt",
        Loc::Local { .. } => "a private batch",
        Loc::Leaked => "leaked",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use ttm_core::{catalog, Stepper, Zoom};

    #[test]
    fn digits_are_grouped_like_the_spec() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(81_920), "81,920");
        assert_eq!(group_digits(33_554_432), "33,554,432");
    }

    #[test]
    fn bytes_for_people() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(81_920), "80 KiB");
        assert_eq!(human_bytes(67_108_864), "64 MiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }

    #[test]
    fn placements_and_types_read_like_the_kernel() {
        assert_eq!(
            placement_caching(placement::FLAG_WC | placement::FLAG_TT),
            "WC"
        );
        assert_eq!(placement_caching(0), "-");
        assert_eq!(mem_type_name(2), "VRAM");
        assert_eq!(slug("wc dma"), "wc-dma");
    }

    /// The cells the page draws for the pool-refill walkthrough (spec W3, W4).
    #[test]
    fn pool_refill_cells() {
        let run = catalog::load("pool-refill")
            .unwrap()
            .unwrap()
            .run()
            .unwrap();
        let populate_end = run.steps[1].end_event;
        let sim = Rc::new(run.sim);
        let mut s = Stepper::new(sim.clone());
        s.seek(populate_end);
        let t = &tts(s.state())[0];
        assert_eq!((t.state, t.present), ("tt_unbound", 20));
        assert!(t.cells.iter().all(|&c| c == Cell::Wc as u8));
        let wc = pool_cells(s.state(), s.state().pools[0].list.iter().copied());
        assert_eq!(wc.len(), 492);
        s.forward(Zoom::Action);
        assert_eq!(s.pos(), s.len());
        assert_eq!(s.state().pools[0].npages, 512);
        assert!(tts(s.state())[0]
            .cells
            .iter()
            .all(|&c| c == Cell::Absent as u8));
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
