//! A finished run, read once: one pass over the trace builds everything the views need to move
//! around it — the state checkpoints and open-call stacks a [`Stepper`](crate::Stepper) seeks
//! from, the user-action marks, the chart's samples ([`series`](crate::series)), the functions
//! called (breakpoint choices), and what the page-travel hops ([`crate::hops`]) must know about
//! objects created anywhere in the trace (swap files' persistence, buffer-object sizes).
//!
//! Share one `Rc<Recording>` between the cursors that walk it ([`Stepper::over`](crate::Stepper::over))
//! instead of replaying the trace for each of them.

use crate::drivers::event_symbol;
use crate::func::Func;
use crate::hops::Hop;
use crate::series::{Sample, Sampler};
use crate::sim::Sim;
use crate::state::State;
use crate::trace::Event;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::rc::Rc;

/// State checkpoints are kept every this many events.
pub const STATE_CHECKPOINT_EVERY: u64 = 1 << 16;

/// The count of calls begun is kept every this many positions ([`Recording::calls_begun`] reads
/// at most this many events past it).
const CALL_COUNT_EVERY: u64 = 1 << 12;

/// Chart samples a [`Stepper::new`](crate::Stepper::new) recording keeps (the web chart's width).
pub const DEFAULT_CHART_POINTS: usize = 800;

/// An open call at some position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// Event index of its Enter.
    pub at: u64,
    /// The function.
    pub func: Func,
    /// Its arguments.
    pub args: Vec<u64>,
}

/// Everything one pass over a run's trace yields (see the module documentation).
#[derive(Clone, Debug)]
pub struct Recording {
    sim: Rc<Sim>,
    checkpoints: Vec<State>,
    stacks: Vec<Vec<Frame>>,
    marks: Vec<u64>,
    series: Vec<Sample>,
    funcs: Vec<(Func, &'static str)>,
    call_counts: Vec<u64>,
    calls: u64,
}

impl Recording {
    /// Read `sim`'s trace once; the chart gets at most `chart_points` samples
    /// (see [`series`](crate::series::series) for how they are chosen).
    pub fn new(sim: Rc<Sim>, chart_points: usize) -> Recording {
        let trace = sim.trace();
        let boot = sim.boot_state();
        let kind = sim.config().driver.kind;
        let mut state = boot.clone();
        let mut checkpoints = vec![state.clone()];
        let mut stacks = vec![Vec::new()];
        let mut stack: Vec<Frame> = Vec::new();
        let mut marks = Vec::new();
        let mut sampler = Sampler::new(trace.len(), chart_points, &state);
        let mut seen: BTreeSet<(&'static str, usize)> = BTreeSet::new();
        let mut call_counts = Vec::new();
        let mut calls = 0u64;
        for (i, e) in trace.events().enumerate() {
            let i = i as u64;
            if i.is_multiple_of(CALL_COUNT_EVERY) {
                call_counts.push(calls);
            }
            if i > 0 && i.is_multiple_of(STATE_CHECKPOINT_EVERY) {
                checkpoints.push(state.clone());
                stacks.push(stack.clone());
            }
            sampler.before(i, &e, &state);
            match e {
                Event::Delta(d) => state.apply(&d),
                Event::Mark { .. } => marks.push(i),
                Event::Enter { func, args } => {
                    calls += 1;
                    seen.insert((event_symbol(kind, func, &args), func.index()));
                    stack.push(Frame { at: i, func, args });
                }
                Event::Exit { .. } => {
                    stack.pop();
                }
                Event::Finding(_) => {}
            }
        }
        // A trace whose length is a multiple of the spacing ends exactly on a checkpoint
        // position, which the loop above never reaches: store it, so seeking to the end and the
        // call stack there find it (issue 11, defect 1).
        let len = trace.len();
        if len > 0 && len.is_multiple_of(STATE_CHECKPOINT_EVERY) {
            checkpoints.push(state.clone());
            stacks.push(stack);
        }
        let series = sampler.finish(&state);
        // Sorted by displayed symbol; a function shown under several symbols keeps the first.
        let mut funcs: Vec<(Func, &'static str)> = Vec::new();
        for (sym, i) in seen {
            if let Some(f) = Func::from_index(i) {
                if !funcs.iter().any(|(g, _)| *g == f) {
                    funcs.push((f, sym));
                }
            }
        }
        Recording {
            sim,
            checkpoints,
            stacks,
            marks,
            series,
            funcs,
            call_counts,
            calls,
        }
    }

    /// The simulated machine whose trace this is.
    pub fn sim(&self) -> &Rc<Sim> {
        &self.sim
    }

    /// Number of events (the last position).
    pub fn len(&self) -> u64 {
        self.sim.trace().len()
    }

    /// True for an empty trace.
    pub fn is_empty(&self) -> bool {
        self.sim.trace().is_empty()
    }

    /// Event indices of the user-action marks, in order.
    pub fn marks(&self) -> &[u64] {
        &self.marks
    }

    /// The chart's samples of pool sizes and zone usage over the whole trace.
    pub fn series(&self) -> &[Sample] {
        &self.series
    }

    /// Every function called somewhere in the trace with the symbol it is shown under (a driver
    /// callback under the driver's own, [`event_symbol`]), sorted by that symbol: the breakpoint
    /// choices.
    pub fn funcs_seen(&self) -> &[(Func, &'static str)] {
        &self.funcs
    }

    /// How many calls the whole trace makes: its Enter events, nested calls and driver
    /// callbacks included.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// The calls begun before position `pos` (clamped): the Enter events among events `0..pos`.
    ///
    /// This is what "call k of [`Recording::calls`]" means at a position. Calls are numbered
    /// from 1 in the order they begin, callees after their callers; just after a call's entry k
    /// is that call's number, and k stays until the next call begins: over the call's own state
    /// changes, after its callees return, after it returns itself (so after an exit k names the
    /// last call that began, not the caller execution is back in). 0 at the boot state and
    /// before the first call; `calls()` at the end.
    pub fn calls_begun(&self, pos: u64) -> u64 {
        let pos = pos.min(self.len());
        let k = pos / CALL_COUNT_EVERY;
        let Some(&base) = self.call_counts.get(k as usize) else {
            // Only the end of a trace whose length is a multiple of the spacing has no count.
            return self.calls;
        };
        let from = k * CALL_COUNT_EVERY;
        let entered = self
            .sim
            .trace()
            .events_from(from)
            .take((pos - from) as usize)
            .filter(|e| matches!(e, Event::Enter { .. }))
            .count();
        base + entered as u64
    }

    /// The user action position `pos` belongs to (index into [`Recording::marks`]): the last
    /// mark before `pos`; None at the boot state and before the first mark.
    pub fn action_at(&self, pos: u64) -> Option<usize> {
        let p = pos.checked_sub(1)?;
        self.marks.partition_point(|&m| m <= p).checked_sub(1)
    }

    /// True at an action boundary: the start, the end, or just before a mark (where no call
    /// is open and no page is on a private list).
    pub fn at_boundary(&self, pos: u64) -> bool {
        pos == 0 || pos == self.len() || self.marks.binary_search(&pos).is_ok()
    }

    /// The checkpoint at or before `pos`: its position and state.
    pub(crate) fn checkpoint(&self, pos: u64) -> (u64, &State) {
        let cp = ((pos / STATE_CHECKPOINT_EVERY) as usize).min(self.checkpoints.len() - 1);
        (cp as u64 * STATE_CHECKPOINT_EVERY, &self.checkpoints[cp])
    }

    /// The state at position `pos` (clamped), rebuilt from the nearest checkpoint before it.
    pub fn state_at(&self, pos: u64) -> State {
        let pos = pos.min(self.len());
        let (cp, st) = self.checkpoint(pos);
        let mut st = st.clone();
        for e in self.sim.trace().events_from(cp).take((pos - cp) as usize) {
            if let Event::Delta(d) = e {
                st.apply(&d);
            }
        }
        st
    }

    /// The calls open at position `pos`, outermost first.
    pub fn call_stack(&self, pos: u64) -> Vec<Frame> {
        let pos = pos.min(self.len());
        // Start from the later of the action's Mark (where no call is open) and the nearest
        // checkpoint (whose stack was recorded).
        let mark = self.action_at(pos).map_or(0, |a| self.marks[a]);
        let cp = ((pos / STATE_CHECKPOINT_EVERY) as usize).min(self.stacks.len() - 1);
        let cp_pos = cp as u64 * STATE_CHECKPOINT_EVERY;
        let (start, mut stack) = if cp_pos > mark {
            (cp_pos, self.stacks[cp].clone())
        } else {
            (mark, Vec::new())
        };
        for (i, e) in self
            .sim
            .trace()
            .events_from(start)
            .take((pos - start) as usize)
            .enumerate()
        {
            match e {
                Event::Enter { func, args } => stack.push(Frame {
                    at: start + i as u64,
                    func,
                    args,
                }),
                Event::Exit { .. } => {
                    stack.pop();
                }
                _ => {}
            }
        }
        stack
    }

    /// The journeys between positions `from` and `to`, hop by hop, in the order the kernel made
    /// them (reversed, with every hop turned around, when `to < from`); see [`crate::hops`].
    pub fn hops(&self, from: u64, to: u64) -> Vec<Hop> {
        crate::hops::between(self, from, to)
    }
}
