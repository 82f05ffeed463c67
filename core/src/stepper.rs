//! Time travel over a trace (issue 5): move forward and backward by user action, by call, or by
//! single state change; jump to any position, to the next call of a function (breakpoint), to the
//! next event of a kind, or to the first finding. The state at any position is rebuilt from the
//! nearest checkpoint of the [`Recording`] plus deltas (never a snapshot per step).
//!
//! Positions run from 0 (the boot state, before any event) to `len()` (after the last event);
//! position `p` shows the state after events `0..p`, and "the current event" is event `p - 1`.

use crate::func::Func;
use crate::hops::Hop;
pub use crate::recording::{Frame, STATE_CHECKPOINT_EVERY};
use crate::recording::{Recording, DEFAULT_CHART_POINTS};
use crate::sim::Sim;
use crate::state::{Delta, State};
use crate::trace::{Event, Finding};
use serde::Serialize;
use std::rc::Rc;

/// How far one step moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Zoom {
    /// To the next user-action boundary.
    Action,
    /// To the next function entry or exit.
    Call,
    /// To the next state change (page move, counter, ...).
    Change,
}

/// Kinds of event to jump to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Landmark {
    /// A pool refill (normal or DMA).
    Refill,
    /// A tt swap-out.
    Swapout,
    /// A tt swap-in.
    Swapin,
    /// A buffer-object eviction.
    Eviction,
    /// A pool shrink.
    Shrink,
    /// A finding (defect, BUG, invariant).
    Finding,
}

impl Landmark {
    fn matches(self, e: &Event) -> bool {
        match (self, e) {
            (Landmark::Finding, Event::Finding(_)) => true,
            (Landmark::Refill, Event::Enter { func, .. }) => {
                matches!(func, Func::AllocNewPages | Func::DmaPoolAllocNewPages)
            }
            (Landmark::Swapout, Event::Enter { func, .. }) => *func == Func::TtSwapout,
            (Landmark::Swapin, Event::Enter { func, .. }) => *func == Func::TtSwapin,
            (Landmark::Eviction, Event::Enter { func, .. }) => *func == Func::BoEvict,
            (Landmark::Shrink, Event::Enter { func, .. }) => {
                matches!(func, Func::PoolMmShrink | Func::DmaPoolMmShrink)
            }
            _ => false,
        }
    }
}

/// A cursor over a trace with the state at its position. It shares the simulated machine and
/// the [`Recording`] of its trace with every other cursor over the same run.
#[derive(Clone, Debug)]
pub struct Stepper {
    rec: Rc<Recording>,
    state: State,
    pos: u64,
}

impl Stepper {
    /// A stepper over everything `sim` recorded, at position 0 (the boot state). Reads the
    /// trace once ([`Recording::new`]); to walk one run with several cursors, build the
    /// recording once and use [`Stepper::over`].
    pub fn new(sim: Rc<Sim>) -> Stepper {
        Stepper::over(Rc::new(Recording::new(sim, DEFAULT_CHART_POINTS)))
    }

    /// A stepper over a recording, at position 0 (the boot state); costs one state clone.
    pub fn over(rec: Rc<Recording>) -> Stepper {
        let state = rec.sim().boot_state().clone();
        Stepper { rec, state, pos: 0 }
    }

    /// The recording this walks.
    pub fn recording(&self) -> &Rc<Recording> {
        &self.rec
    }

    /// The simulated machine whose trace this walks.
    pub fn sim(&self) -> &Rc<Sim> {
        self.rec.sim()
    }

    /// Number of events (the last position).
    pub fn len(&self) -> u64 {
        self.rec.sim().trace().len()
    }

    /// True for an empty trace.
    pub fn is_empty(&self) -> bool {
        self.rec.sim().trace().is_empty()
    }

    /// Current position.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// The state at the current position.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Event indices of the user-action marks.
    pub fn marks(&self) -> &[u64] {
        self.rec.marks()
    }

    /// The user action the current position belongs to (index into the marks), if any.
    pub fn action_index(&self) -> Option<usize> {
        self.rec.action_at(self.pos)
    }

    /// The event just applied (event `pos - 1`).
    pub fn current(&self) -> Option<Event> {
        self.rec.sim().trace().get(self.pos.checked_sub(1)?)
    }

    /// Move to position `target` (clamped): forward by applying, backward by reverting, or from
    /// the nearest checkpoint when that is closer.
    pub fn seek(&mut self, target: u64) {
        let target = target.min(self.len());
        let (cp_pos, cp_state) = self.rec.checkpoint(target);
        let from_cp = target - cp_pos;
        let from_here = self.pos.abs_diff(target);
        // Copying a checkpoint costs about as much as applying `clone_cost` events.
        if from_cp.saturating_add(self.rec.clone_cost()) < from_here {
            self.state.clone_from(cp_state);
            self.pos = cp_pos;
        }
        let trace = self.rec.sim().trace();
        if target > self.pos {
            for e in trace
                .events_from(self.pos)
                .take((target - self.pos) as usize)
            {
                if let Event::Delta(d) = e {
                    self.state.apply(&d);
                }
            }
        } else if target < self.pos {
            // Backwards one chunk of the trace's index at a time, so the deltas held to be
            // reverted in reverse order are at most one chunk, however far the seek goes.
            let chunk = crate::trace::CHECKPOINT_EVERY;
            let mut hi = self.pos;
            let mut back: Vec<Delta> = Vec::new();
            while hi > target {
                let lo = ((hi - 1) / chunk * chunk).max(target);
                back.clear();
                back.extend(trace.events_from(lo).take((hi - lo) as usize).filter_map(
                    |e| match e {
                        Event::Delta(d) => Some(d),
                        _ => None,
                    },
                ));
                for d in back.iter().rev() {
                    self.state.revert(d);
                }
                hi = lo;
            }
        }
        self.pos = target;
    }

    fn is_stop(zoom: Zoom, e: &Event) -> bool {
        match zoom {
            Zoom::Action => matches!(e, Event::Mark { .. }),
            Zoom::Call => matches!(e, Event::Enter { .. } | Event::Exit { .. }),
            Zoom::Change => matches!(e, Event::Delta(_)),
        }
    }

    /// Step forward one unit. At action zoom the stops are the action boundaries (the position
    /// before each Mark, and the end); otherwise the position just after the next matching event.
    pub fn forward(&mut self, zoom: Zoom) {
        let target = if zoom == Zoom::Action {
            let next = self.marks().iter().copied().find(|&m| m > self.pos);
            next.unwrap_or(self.len())
        } else {
            self.find_forward(|e| Self::is_stop(zoom, e))
                .map_or(self.len(), |i| i + 1)
        };
        self.seek(target);
    }

    /// Step backward one unit.
    pub fn backward(&mut self, zoom: Zoom) {
        let target = if zoom == Zoom::Action {
            self.marks()
                .iter()
                .rev()
                .copied()
                .find(|&m| m < self.pos)
                .unwrap_or(0)
        } else {
            // The previous stop is just after the previous matching event before the current one.
            let before = self.pos.saturating_sub(1);
            self.find_backward(before, |e| Self::is_stop(zoom, e))
                .map_or(0, |i| i + 1)
        };
        self.seek(target);
    }

    /// Index of the first event at or after the current position matching `f`.
    fn find_forward(&self, f: impl Fn(&Event) -> bool) -> Option<u64> {
        self.rec
            .sim()
            .trace()
            .events_from(self.pos)
            .position(|e| f(&e))
            .map(|i| self.pos + i as u64)
    }

    /// Index of the last event before `end` matching `f` (scans backwards chunk by chunk).
    fn find_backward(&self, end: u64, f: impl Fn(&Event) -> bool) -> Option<u64> {
        let chunk = crate::trace::CHECKPOINT_EVERY;
        let mut hi = end;
        while hi > 0 {
            let lo = hi.saturating_sub(chunk);
            let events: Vec<Event> = self
                .rec
                .sim()
                .trace()
                .events_from(lo)
                .take((hi - lo) as usize)
                .collect();
            if let Some(i) = events.iter().rposition(&f) {
                return Some(lo + i as u64);
            }
            hi = lo;
        }
        None
    }

    /// Jump to just after the next call of `func` (a breakpoint), if there is one.
    pub fn next_call(&mut self, func: Func) -> bool {
        let hit = self.find_forward(|e| matches!(e, Event::Enter { func: f, .. } if *f == func));
        hit.map(|i| self.seek(i + 1)).is_some()
    }

    /// Jump to just after the previous call of `func`.
    pub fn prev_call(&mut self, func: Func) -> bool {
        let before = self.pos.saturating_sub(1);
        let hit = self.find_backward(
            before,
            |e| matches!(e, Event::Enter { func: f, .. } if *f == func),
        );
        hit.map(|i| self.seek(i + 1)).is_some()
    }

    /// Jump to just after the next event of a kind.
    pub fn next_landmark(&mut self, kind: Landmark) -> bool {
        let hit = self.find_forward(|e| kind.matches(e));
        hit.map(|i| self.seek(i + 1)).is_some()
    }

    /// Jump to just after the previous event of a kind.
    pub fn prev_landmark(&mut self, kind: Landmark) -> bool {
        let before = self.pos.saturating_sub(1);
        let hit = self.find_backward(before, |e| kind.matches(e));
        hit.map(|i| self.seek(i + 1)).is_some()
    }

    /// Jump to just after the first finding of the trace.
    pub fn first_finding(&mut self) -> Option<Finding> {
        let i = self
            .rec
            .sim()
            .trace()
            .events()
            .position(|e| matches!(e, Event::Finding(_)))? as u64;
        self.seek(i + 1);
        match self.rec.sim().trace().get(i) {
            Some(Event::Finding(f)) => Some(f),
            _ => None,
        }
    }

    /// The state changes between positions `from` and the current one (for animation): the deltas
    /// of events `from..pos` (empty when `from >= pos`).
    pub fn diff_since(&self, from: u64) -> Vec<Delta> {
        if from >= self.pos {
            return Vec::new();
        }
        self.rec
            .sim()
            .trace()
            .events_from(from)
            .take((self.pos - from) as usize)
            .filter_map(|e| match e {
                Event::Delta(d) => Some(d),
                _ => None,
            })
            .collect()
    }

    /// The hops between position `from` and the current one, in the order the kernel made them
    /// (backward when `from` is after the current position): [`Recording::hops`].
    pub fn hops_since(&self, from: u64) -> Vec<Hop> {
        self.rec.hops(from, self.pos)
    }

    /// The calls open at the current position, outermost first.
    pub fn call_stack(&self) -> Vec<Frame> {
        self.rec.call_stack(self.pos)
    }
}
