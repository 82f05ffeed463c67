//! TTM knowledge the web crate still holds: which tts went to or came back from swap in a move
//! (the page-travel overlay's swap journeys, inferred from the SWAPPED flag and the page cells).
//! Everything else in `web/` only renders what `ttm_core` reports; this goes too when the travel
//! layer reads `Recording::hops`, whose swap files are places.
// moves to ttm-core (issue 12)

use ttm_core::State;

use crate::view::{self, Cell};

/// The SWAPPED flag of every tt, by id.
pub fn swapped_tts(st: &State) -> Vec<bool> {
    st.tts.iter().map(|t| t.swapped()).collect()
}

/// Pages of each tt whose contents went to swap, and of each that came back, in a move that
/// ended in `st` from a position whose SWAPPED flags were `before` (`Stepper::movements_since`
/// has no swap place): (tt id, slots) for swap-out, then for swap-in.
pub type SwapJourneys = (Vec<(u32, Vec<u32>)>, Vec<(u32, Vec<u32>)>);

/// See [`SwapJourneys`]; inferred from the SWAPPED flag and the page cells.
pub fn swap_journeys(st: &State, before: &[bool]) -> SwapJourneys {
    let after = swapped_tts(st);
    // Page cells only when a tt's contents went to or came back from swap (a big tt's cells
    // cost a pass over its pages).
    let tts = if after.as_slice() != before {
        view::tts(st)
    } else {
        Vec::new()
    };
    let mut swap_out = Vec::new();
    let mut swap_in = Vec::new();
    for (i, t) in tts.iter().enumerate() {
        let was = before.get(i).copied().unwrap_or(false);
        let now = after.get(i).copied().unwrap_or(false);
        let slots = |pick: &dyn Fn(u8) -> bool| -> Vec<u32> {
            (0..t.cells.len() as u32)
                .filter(|&k| pick(t.cells[k as usize]))
                .collect()
        };
        const SWAPPED: u8 = Cell::Swapped as u8;
        const ABSENT: u8 = Cell::Absent as u8;
        if now && !was {
            swap_out.push((t.id, slots(&|c| c == SWAPPED)));
        } else if was && !now {
            swap_in.push((t.id, slots(&|c| c != SWAPPED && c != ABSENT)));
        }
    }
    (swap_out, swap_in)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use ttm_core::{catalog, Stepper};

    /// swap-cycle-bo (spec 8): a step sends a tt's pages to swap, a later one brings them back.
    #[test]
    fn swap_journeys_follow_the_swapped_flag() {
        let run = catalog::load("swap-cycle-bo")
            .unwrap()
            .unwrap()
            .run()
            .unwrap();
        let steps = run.steps.clone();
        let mut s = Stepper::new(Rc::new(run.sim));
        let mut outs = 0;
        let mut ins = 0;
        for st in &steps {
            s.seek(st.first_event);
            let before = swapped_tts(s.state());
            s.seek(st.end_event);
            let (o, i) = swap_journeys(s.state(), &before);
            outs += o.iter().filter(|(_, slots)| !slots.is_empty()).count();
            ins += i.iter().filter(|(_, slots)| !slots.is_empty()).count();
        }
        assert!(outs >= 1 && ins >= 1, "swap-out {outs}, swap-in {ins}");
    }
}
