//! Time series over a whole trace for charts (issue 6): pool sizes and zone usage, sampled at
//! every user action boundary and evenly in between, at most `max_points` samples, in one pass.

use crate::sim::Sim;
use crate::state::State;
use crate::trace::Event;
use serde::Serialize;

/// The values at one trace position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// Trace position (events applied).
    pub pos: u64,
    /// npages of the four normal pools (wc, uc, wc dma, uc dma); on 6.12 the pool types' pages
    /// by the same caching and dma32 split.
    pub pools: [u64; 4],
    /// Free pages of all DMA pools together.
    pub dma_free: u64,
    /// used_mem of each accounting zone, in bytes; on 6.12 ttm_pages_allocated × PAGE_SIZE.
    pub zones_used: Vec<u64>,
    /// Pages out of system memory.
    pub pages_out: u64,
}

impl Sample {
    fn of(st: &State, pos: u64) -> Sample {
        match st.modern.as_deref() {
            // Linux 6.12 (mspec 4.1, 3.8): the pages of the pool types by caching, the dma32
            // ones apart (the four series of 3.3's pools: wc, uc and their dma32 twins; a
            // device's own types count with their caching), and ttm_pages_allocated in bytes as
            // the "zones" (the page limits, as `stage::gauges` names them; dma32 when the
            // device uses it).
            Some(m) => {
                let mut pools = [0u64; 4];
                for t in &m.pool_types {
                    let i = match t.caching {
                        crate::consts::Caching::Wc => 0,
                        crate::consts::Caching::Uncached => 1,
                        crate::consts::Caching::Cached => continue,
                    } + if t.dma32 { 2 } else { 0 };
                    pools[i] += t.pages.len() as u64;
                }
                Sample {
                    pos,
                    pools,
                    dma_free: 0,
                    zones_used: std::iter::once(m.pages_allocated)
                        .chain(m.use_dma32.then_some(m.dma32_pages_allocated))
                        .map(|p| p * crate::consts::PAGE_SIZE)
                        .collect(),
                    pages_out: st.pages_out_of_system(),
                }
            }
            None => Sample {
                pos,
                pools: [0, 1, 2, 3].map(|i| st.pools[i].npages),
                dma_free: st.dma_pools.iter().map(|p| p.npages_free).sum(),
                zones_used: st.zones.iter().map(|z| z.used_mem).collect(),
                pages_out: st.pages_out_of_system(),
            },
        }
    }
}

/// Collects the samples while something else walks the trace (the one pass of
/// [`Recording::new`](crate::Recording::new), or a run recording itself as it goes): call
/// [`Sampler::before`] with every event and the state before it, then [`Sampler::finish`] with
/// the final state. The trace's length is not known until the end, so the even spacing is a
/// power of two that doubles whenever more than `max_points` evenly spaced samples are held.
#[derive(Clone, Debug)]
pub(crate) struct Sampler {
    max_points: usize,
    every: u64,
    /// The samples so far, each with whether it is at an action boundary (always kept).
    out: Vec<(Sample, bool)>,
    /// How many of them are evenly spaced (not at a boundary).
    even: usize,
}

impl Sampler {
    /// A sampler starting with the boot state `boot`.
    pub(crate) fn new(max_points: usize, boot: &State) -> Sampler {
        Sampler {
            max_points: max_points.max(2),
            every: 1,
            out: vec![(Sample::of(boot, 0), true)],
            even: 0,
        }
    }

    /// Event `pos` is next (a user action's mark when `at_mark`); `st` is the state before it
    /// (at position `pos`).
    pub(crate) fn before(&mut self, pos: u64, at_mark: bool, st: &State) {
        if pos == 0 || !(at_mark || pos.is_multiple_of(self.every)) {
            return;
        }
        match self.out.last_mut() {
            // An evenly spaced sample that is also a boundary stays as the boundary.
            Some((s, mark)) if s.pos == pos => *mark |= at_mark,
            _ => {
                self.out.push((Sample::of(st, pos), at_mark));
                self.even += usize::from(!at_mark);
            }
        }
        if self.even > self.max_points {
            self.every *= 2;
            let every = self.every;
            self.out
                .retain(|(s, mark)| *mark || s.pos.is_multiple_of(every));
            self.even = self.out.iter().filter(|(_, mark)| !mark).count();
        }
    }

    /// The samples, given the state at the end of the trace and its length.
    pub(crate) fn finish(self, st: &State, len: u64) -> Vec<Sample> {
        let mut out: Vec<Sample> = self.out.into_iter().map(|(s, _)| s).collect();
        if out.last().is_none_or(|s| s.pos != len) {
            out.push(Sample::of(st, len));
        }
        let max_points = self.max_points;
        if out.len() > max_points {
            // Too many samples (action boundaries, and the even ones between): keep an even
            // subset, always with the first and last.
            let n = out.len();
            out = (0..max_points)
                .map(|k| out[k * (n - 1) / (max_points - 1)].clone())
                .collect();
        }
        out
    }
}

/// Sample `sim`'s trace: position 0, every action boundary, and evenly spaced positions, at most
/// `max_points` in all (action boundaries win when there are more of them), ending at the end.
/// [`Recording::series`](crate::Recording::series) gives the same samples from its one pass.
pub fn series(sim: &Sim, max_points: usize) -> Vec<Sample> {
    let mut st = sim.boot_state().clone();
    let mut sampler = Sampler::new(max_points, &st);
    for (i, e) in sim.trace().events().enumerate() {
        sampler.before(i as u64, matches!(e, Event::Mark { .. }), &st);
        if let Event::Delta(d) = e {
            st.apply(&d);
        }
    }
    sampler.finish(&st, sim.trace().len())
}
