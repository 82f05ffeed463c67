//! What a pointer or the keyboard finds on one page cell of the stage: the page's pfn, the
//! physical zone it lives in, its linear-mapping caching, its contents and where it came from —
//! which refill or which pool handed it over, by which call, at which position.
//!
//! Where it came from is read from the trace: every `PageMove` of the page up to the position,
//! with the kernel calls open at each (spec 3.3–3.6: a refill takes pages from system memory onto
//! a private list in `ttm_alloc_new_pages`, called by `ttm_page_pool_fill_locked`, and splices
//! them onto the pool's tail; `ttm_get_pages` takes them from the pool onto the tt; spec 4.2 for
//! the DMA pools). Private lists are transit, as on the stage ([`Place::of`]), so a route
//! `system → refill list → pool wc` reads as one hop "from system memory, in a refill of pool
//! wc". Only the hops since the page last left system memory are kept: a page that went back
//! to the kernel starts a new life there.
//!
//! The scan is linear in the position (a few milliseconds for the largest built-in walkthrough);
//! it runs once per inspected cell, never per frame.

use crate::consts::Attr;
use crate::drivers::event_symbol;
use crate::func::Func;
use crate::hops::Place;
use crate::present;
use crate::sim::Sim;
use crate::state::{Delta, Loc, State, CONTENT_STALE, CONTENT_ZERO};
use crate::trace::Event;

/// How many hops [`page`] keeps (the newest ones).
const KEPT: usize = 6;

/// One hop of a page between two places (private lists skipped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// The event index of the move that put the page in `to` (the position after it is
    /// `event + 1`).
    pub event: u64,
    /// The place it left.
    pub from: Place,
    /// The place it reached.
    pub to: Place,
    /// `from` and `to` in words ([`present::place`]).
    pub route: (String, String),
    /// The kernel calls open when it left `from`, outermost first, as the call stack names
    /// them (driver symbols): the call that took it.
    pub took: Vec<&'static str>,
    /// The calls open when it reached `to`.
    pub put: Vec<&'static str>,
    /// It left `from` in a pool refill (`ttm_page_pool_fill_locked` or
    /// `ttm_dma_page_pool_fill_locked` was open; spec 3.3, 4.2).
    pub refill: bool,
}

/// Everything the stage shows about one page at a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageInfo {
    /// Page frame number.
    pub pfn: u64,
    /// The physical zone (`DMA32`, `Normal`, `HighMem`).
    pub zone: String,
    /// Where it is now, in words (`pool wc`, `tt 0 slot 3`, `system memory`, `the refill
    /// list of an open call`).
    pub place: String,
    /// Its linear-mapping caching in words (`write-combined`).
    pub caching: &'static str,
    /// Its contents in words (`zeroes`, `stale data`, `data 0x1002`); `None` for a page never
    /// handed out since boot.
    pub contents: Option<String>,
    /// Its hops since it last left system memory, oldest first (at most six, the newest).
    pub arrivals: Vec<Arrival>,
}

impl PageInfo {
    /// The details as lines of text, `when` turning an event index into a position people read
    /// (the web app writes "step 2 · call 14"): pfn and zone, caching and contents, then each hop.
    pub fn lines(&self, when: impl Fn(u64) -> String) -> Vec<String> {
        let mut out = vec![
            format!(
                "pfn {:#x} · zone {} · in {}",
                self.pfn, self.zone, self.place
            ),
            match &self.contents {
                Some(c) => format!("mapped {} · holds {c}", self.caching),
                None => "never handed out since boot".to_string(),
            },
        ];
        for a in &self.arrivals {
            out.push(a.words(&when));
        }
        out
    }
}

impl Arrival {
    /// `from system memory to pool wc in a refill (ttm_page_pool_fill_locked → ttm_alloc_new_pages), step 1 · call 9`.
    fn words(&self, when: &impl Fn(u64) -> String) -> String {
        let chain = |v: &[&str]| {
            // The innermost three calls say who did it; the outer ones are the way there.
            let from = v.len().saturating_sub(3);
            v[from..].join(" → ")
        };
        let how = if self.refill { " in a refill" } else { "" };
        let by = if self.took.is_empty() {
            String::new()
        } else {
            format!(" ({})", chain(&self.took))
        };
        format!(
            "from {} to {}{how}{by}, {}",
            self.route.0,
            self.route.1,
            when(self.event)
        )
    }
}

fn attr_words(a: Attr) -> &'static str {
    match a {
        Attr::Wb => "write-back (cached)",
        Attr::Wc => "write-combined",
        Attr::Uc => "uncached",
    }
}

fn contents_words(c: u32) -> String {
    match c {
        CONTENT_ZERO => "zeroes".into(),
        CONTENT_STALE => "stale data (never cleared)".into(),
        d => format!("data {d:#x}"),
    }
}

fn loc_words(st: &State, l: Loc) -> String {
    match l {
        Loc::Fresh => "system memory (never used since boot)".into(),
        Loc::Free => "system memory (freed)".into(),
        Loc::Tt { tt, slot } => format!("tt {tt} slot {slot}"),
        Loc::Local { .. } => "the private list of an open call".into(),
        other => Place::of(other).map_or_else(String::new, |p| present::place(st, p)),
    }
}

/// The details of page `pfn` at position `pos` of `sim`'s trace (events `0..pos` applied;
/// `st` is the state there, for names). `None` for a pfn outside the machine's memory.
pub fn page(sim: &Sim, st: &State, pos: u64, pfn: u64) -> Option<PageInfo> {
    let zi = st.phys.zone_of(pfn);
    let zone = st.phys.zones.get(zi)?;
    if pfn < zone.start || pfn >= zone.end {
        return None;
    }
    let kind = sim.config().driver.kind;
    let mut stack: Vec<(Func, &'static str)> = Vec::new();
    let mut loc = Loc::Fresh;
    // The place the page last left and the calls open then, while it is on a private list.
    let mut left: Option<(Place, Vec<&'static str>, bool)> = None;
    let mut arrivals: Vec<Arrival> = Vec::new();
    let syms = |s: &[(Func, &'static str)]| s.iter().map(|&(_, n)| n).collect::<Vec<_>>();
    let refilling = |s: &[(Func, &'static str)]| {
        s.iter()
            .any(|&(f, _)| matches!(f, Func::PagePoolFillLocked | Func::DmaPagePoolFillLocked))
    };
    for (i, e) in sim.trace().events().take(pos as usize).enumerate() {
        match e {
            Event::Enter { func, args } => stack.push((func, event_symbol(kind, func, &args))),
            Event::Exit { .. } => {
                stack.pop();
            }
            Event::Delta(Delta::PageMove { pfn: p, from, to }) if p == pfn => {
                loc = to;
                if let (Some(f), None) = (Place::of(from), Place::of(to)) {
                    left = Some((f, syms(&stack), refilling(&stack)));
                }
                if let Some(t) = Place::of(to) {
                    let (from_place, took, refill) = match (Place::of(from), left.take()) {
                        (Some(f), _) => (f, syms(&stack), refilling(&stack)),
                        (None, Some(l)) => l,
                        (None, None) => (Place::System, Vec::new(), false),
                    };
                    if to.is_system() {
                        arrivals.clear();
                    }
                    arrivals.push(Arrival {
                        event: i as u64,
                        from: from_place,
                        to: t,
                        route: (String::new(), String::new()),
                        took,
                        put: syms(&stack),
                        refill,
                    });
                    if arrivals.len() > KEPT {
                        arrivals.remove(0);
                    }
                }
            }
            _ => {}
        }
    }
    for a in &mut arrivals {
        a.route = (present::place(st, a.from), present::place(st, a.to));
    }
    let rec = st.phys.page(pfn);
    Some(PageInfo {
        pfn,
        zone: zone.name.clone(),
        place: loc_words(st, loc),
        caching: attr_words(rec.map_or(Attr::Wb, |r| r.attr)),
        contents: rec.map(|r| contents_words(r.content)),
        arrivals,
    })
}
