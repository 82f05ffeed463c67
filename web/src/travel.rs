//! Travel on the stage: after a small move, what went where, one leg per hop of
//! [`ttm_core::hops`] (the kernel's own path: a refill is system memory → pool, then pool → tt),
//! in the kernel's order. Nothing here decides where anything went; this module only turns the
//! hops into anchors (the stage's `data-place` names), chip labels and timing. The overlay that
//! plays it is [`crate::components::travel_layer`]; the stage lists the same legs in words.

use std::cell::Cell as StdCell;

use ttm_core::hops::{Hop, Place, What};
use ttm_core::{present, State};

/// The `data-place` name of a place on the stage.
pub fn anchor(p: Place) -> String {
    match p {
        Place::System => "system".into(),
        Place::Pool(i) => format!("pool-{i}"),
        Place::DmaPool(i) => format!("dma-{i}"),
        Place::ModernPool(i) => format!("mpool-{i}"),
        Place::Tt(t) => format!("tt-{t}"),
        Place::Leaked => "leaked".into(),
        Place::SwapFile(f) => format!("swap-{f}"),
        Place::PersistentSwap(f) => format!("pswap-{f}"),
        Place::Memory(t) => format!("mem-{t}"),
    }
}

/// One leg of a journey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leg {
    /// Source anchor.
    pub from: String,
    /// Destination anchor.
    pub to: String,
    /// Pages, contents or a buffer object's pages.
    pub count: u64,
    /// What moved.
    pub what: What,
    /// The chip's text: `512 pages`, `contents of 4 pages`, `BO 2`.
    pub chip: String,
    /// The leg in words: `512 pages: system memory → pool wc`.
    pub text: String,
}

/// The legs of one move, in order.
#[derive(Debug)]
pub struct Journey {
    /// Distinct per journey (the overlay restarts on a new one).
    pub id: u64,
    /// The legs, in the kernel's order.
    pub legs: Vec<Leg>,
    /// Milliseconds per leg (0: listed only, not animated).
    pub leg_ms: f64,
}

impl PartialEq for Journey {
    fn eq(&self, other: &Journey) -> bool {
        self.id == other.id
    }
}

impl Journey {
    /// Pages that moved (the sum of the page legs).
    pub fn pages(&self) -> u64 {
        self.legs
            .iter()
            .filter(|l| l.what == What::Pages)
            .map(|l| l.count)
            .sum()
    }
}

fn units(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

thread_local! {
    static NEXT_ID: StdCell<u64> = const { StdCell::new(1) };
}

/// At most this many legs are listed and played (the rest are summed up in one last line).
pub const MAX_LEGS: usize = 12;

/// The journey of `hops` (labels read from `st`, the state after the move); None when nothing
/// moved. `leg_ms` 0 lists the legs without playing them.
pub fn build(st: &State, hops: &[Hop], leg_ms: f64) -> Option<Journey> {
    if hops.is_empty() {
        return None;
    }
    let mut legs: Vec<Leg> = hops
        .iter()
        .take(MAX_LEGS)
        .map(|h| {
            let chip = match h.what {
                What::Pages => units(h.count, "page", "pages"),
                What::Contents => format!("contents of {}", units(h.count, "page", "pages")),
                What::Bo(b) => format!("BO {b}"),
            };
            let text = format!(
                "{chip}: {} → {}",
                present::place(st, h.from),
                present::place(st, h.to)
            );
            Leg {
                from: anchor(h.from),
                to: anchor(h.to),
                count: h.count,
                what: h.what,
                chip,
                text,
            }
        })
        .collect();
    if hops.len() > MAX_LEGS {
        let rest = &hops[MAX_LEGS..];
        let pages: u64 = rest
            .iter()
            .filter(|h| h.what == What::Pages)
            .map(|h| h.count)
            .sum();
        legs.push(Leg {
            from: String::new(),
            to: String::new(),
            count: pages,
            what: What::Pages,
            chip: String::new(),
            text: format!(
                "and {} more (pages: {})",
                units(rest.len() as u64, "hop", "hops"),
                pages
            ),
        });
    }
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    Some(Journey { id, legs, leg_ms })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttm_core::{catalog, Landmark, Stepper, Zoom};

    /// The pool-refill walkthrough's first refill (spec W3), stepped by action: the legs are the
    /// kernel's two hops in order, system memory → pool wc (512), then pool wc → tt 0 (20).
    #[test]
    fn a_refill_travels_system_to_pool_then_pool_to_tt() {
        let run = catalog::run("pool-refill").unwrap().unwrap();
        let mut st = Stepper::new(std::rc::Rc::new(run.sim));
        st.next_landmark(Landmark::Refill);
        st.backward(Zoom::Action);
        let from = st.pos();
        st.forward(Zoom::Action);
        let j = build(st.state(), &st.hops_since(from), 300.0).expect("pages moved");
        let route: Vec<(&str, &str, u64)> = j
            .legs
            .iter()
            .map(|l| (l.from.as_str(), l.to.as_str(), l.count))
            .collect();
        assert_eq!(
            route,
            vec![("system", "pool-0", 512), ("pool-0", "tt-0", 20)]
        );
        assert_eq!(j.legs[0].chip, "512 pages");
        assert_eq!(j.legs[0].text, "512 pages: system memory → pool wc");
        assert_eq!(j.pages(), 532);
    }

    #[test]
    fn anchors_name_every_place() {
        assert_eq!(anchor(Place::DmaPool(1)), "dma-1");
        assert_eq!(anchor(Place::SwapFile(2)), "swap-2");
        assert_eq!(anchor(Place::PersistentSwap(2)), "pswap-2");
        assert_eq!(anchor(Place::Memory(2)), "mem-2");
    }
}
