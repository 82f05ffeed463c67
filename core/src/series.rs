//! Time series over a whole trace for charts (issue 6): pool sizes and zone usage, sampled at
//! every user action boundary and evenly in between, at most `max_points` samples, in one pass.

use crate::sim::Sim;
use crate::trace::Event;
use serde::{Deserialize, Serialize};

/// The values at one trace position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// Trace position (events applied).
    pub pos: u64,
    /// npages of the four normal pools (wc, uc, wc dma, uc dma).
    pub pools: [u64; 4],
    /// Free pages of all DMA pools together.
    pub dma_free: u64,
    /// used_mem of each accounting zone, in bytes.
    pub zones_used: Vec<u64>,
    /// Pages out of system memory.
    pub pages_out: u64,
}

/// Sample `sim`'s trace: position 0, every action boundary, and evenly spaced positions, at most
/// `max_points` in all (action boundaries win when there are more of them), ending at the end.
pub fn series(sim: &Sim, max_points: usize) -> Vec<Sample> {
    let len = sim.trace().len();
    let max_points = max_points.max(2);
    let every = (len / max_points as u64).max(1);
    let mut st = sim.boot_state().clone();
    let sample = |st: &crate::state::State, pos: u64| Sample {
        pos,
        pools: [0, 1, 2, 3].map(|i| st.pools[i].npages),
        dma_free: st.dma_pools.iter().map(|p| p.npages_free).sum(),
        zones_used: st.zones.iter().map(|z| z.used_mem).collect(),
        pages_out: st.pages_out_of_system(),
    };
    let mut out = vec![sample(&st, 0)];
    for (i, e) in sim.trace().events().enumerate() {
        let pos = i as u64;
        let at_mark = matches!(e, Event::Mark { .. });
        if pos > 0
            && (at_mark || pos.is_multiple_of(every))
            && out.last().is_none_or(|s| s.pos != pos)
        {
            out.push(sample(&st, pos));
        }
        if let Event::Delta(d) = e {
            st.apply(&d);
        }
    }
    if out.last().is_none_or(|s| s.pos != len) {
        out.push(sample(&st, len));
    }
    if out.len() > max_points {
        // Too many action boundaries: keep an even subset, always with the first and last.
        let n = out.len();
        let keep: Vec<Sample> = (0..max_points)
            .map(|k| out[k * (n - 1) / (max_points - 1)].clone())
            .collect();
        out = keep;
    }
    out
}
