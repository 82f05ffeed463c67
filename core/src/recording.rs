//! A finished run, read once: one pass over the trace builds everything the views need to move
//! around it — the state checkpoints and open-call stacks a [`Stepper`](crate::Stepper) seeks
//! from, the user-action marks, the chart's samples ([`series`](crate::series)), the functions
//! called (breakpoint choices), and what the page-travel hops ([`crate::hops`]) must know about
//! objects created anywhere in the trace (swap files' persistence, buffer-object sizes).
//!
//! Share one `Rc<Recording>` between the cursors that walk it ([`Stepper::over`](crate::Stepper::over))
//! instead of replaying the trace for each of them.

use crate::drivers::{event_symbol, symbol_varies};
use crate::func::Func;
use crate::hops::Hop;
use crate::series::{Sample, Sampler};
use crate::sim::Sim;
use crate::state::State;
use crate::trace::Event;
use serde::Serialize;
use std::rc::Rc;

/// State checkpoints are kept at least this many events apart: every this many events while
/// they fit the memory budget ([`CHECKPOINT_BYTES_PER_EVENT`], [`MAX_CHECKPOINT_BYTES`]), at a
/// power-of-two multiple of it for traces whose states are too large for that
/// ([`Recording::checkpoint_every`]).
pub const STATE_CHECKPOINT_EVERY: u64 = 1 << 16;

/// The checkpoints of a recording may use this many bytes per event of its trace (the trace
/// itself takes about 3; issue 16 allows 64 per event beyond one state)...
pub const CHECKPOINT_BYTES_PER_EVENT: u64 = 32;

/// ... and never more than this in all (the 4,194,304-page tt must stay steppable in 1 GiB).
pub const MAX_CHECKPOINT_BYTES: u64 = 256 << 20;

/// The bytes a state holds, roughly: its per-page and per-object arrays. Fixed-size parts are
/// small next to those and are left out.
pub fn state_bytes(st: &State) -> u64 {
    state_bytes_apart(st, None)
}

/// The bytes a copy of `st` kept beside `prev` (an earlier copy along the same trace) holds of
/// its own: the arrays it does not share with `prev` ([`crate::state::Chunked`] page arrays
/// share every chunk neither copy has written since), and the other per-page and per-object
/// arrays whole. With `prev` None, all of it ([`state_bytes`]).
pub fn state_bytes_apart(st: &State, prev: Option<&State>) -> u64 {
    use std::mem::size_of;
    let phys: usize = st
        .phys
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let before = prev.and_then(|p| p.phys.zones.get(i)).map(|z| &z.pages);
            z.pages.bytes_apart(before) + z.pages.copy_bytes() + z.free.len() * 8
        })
        .sum();
    let tts: usize = st
        .tts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let before = prev.and_then(|p| p.tts.get(i)).map(|t| &t.pages);
            size_of::<crate::state::Tt>() + t.pages.bytes_apart(before) + t.pages.copy_bytes()
        })
        .sum();
    (phys + tts + unchunked_bytes(st)) as u64
}

/// What copying `st` costs in bytes: its arrays, but only a pointer per chunk of its page
/// arrays.
fn copy_bytes(st: &State) -> u64 {
    let phys: usize = st
        .phys
        .zones
        .iter()
        .map(|z| z.pages.copy_bytes() + z.free.len() * 8)
        .sum();
    let tts: usize = st
        .tts
        .iter()
        .map(|t| std::mem::size_of::<crate::state::Tt>() + t.pages.copy_bytes())
        .sum();
    (phys + tts + unchunked_bytes(st)) as u64
}

/// The per-page and per-object arrays of a state other than its chunked page arrays and free
/// lists: pool lists, swap file contents, BOs, leaked pages, on-card contents.
fn unchunked_bytes(st: &State) -> usize {
    let pools: usize = st.pools.iter().map(|p| p.list.len() * 8).sum::<usize>()
        + st.dma_pools.iter().map(|p| p.free.len() * 8).sum::<usize>();
    let swap: usize = st.swap_files.iter().map(|f| f.contents.len() * 4).sum();
    let bos = st.bos.len() * std::mem::size_of::<crate::bo_state::Bo>();
    pools + swap + bos + st.phys.leaked.len() * 8 + st.io_contents.len() * 48
}

/// The checkpoint budget of a trace of `len` events: [`CHECKPOINT_BYTES_PER_EVENT`] per event,
/// at most [`MAX_CHECKPOINT_BYTES`].
fn budget(len: u64) -> u64 {
    len.saturating_mul(CHECKPOINT_BYTES_PER_EVENT)
        .min(MAX_CHECKPOINT_BYTES)
}

/// Keep elements 0, 2, 4, …: the checkpoints at multiples of twice the spacing.
fn every_other<T>(v: &mut Vec<T>) {
    let mut k = 0;
    v.retain(|_| {
        k += 1;
        k % 2 == 1
    });
}

/// What the checkpoints after the boot state's hold of their own, each beside the one before.
fn checkpoints_bytes(checkpoints: &[State]) -> u64 {
    checkpoints
        .windows(2)
        .map(|w| state_bytes_apart(&w[1], Some(&w[0])))
        .sum()
}

/// The count of calls begun is kept every this many positions ([`Recording::calls_begun`] reads
/// at most this many events past it).
const CALL_COUNT_EVERY: u64 = 1 << 12;

/// Chart samples a [`Stepper::new`](crate::Stepper::new) recording keeps (the web chart's width).
pub const DEFAULT_CHART_POINTS: usize = 800;

/// An open call at some position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    checkpoint_every: u64,
    /// What the checkpoints after the boot state's hold of their own ([`state_bytes_apart`]).
    held: u64,
    /// About what copying a checkpoint costs, counted in events applied (its bytes / 32, a
    /// pointer per chunk of its page arrays).
    clone_cost: u64,
    stacks: Vec<Vec<Frame>>,
    marks: Vec<u64>,
    series: Vec<Sample>,
    funcs: Vec<(Func, &'static str)>,
    call_counts: Vec<u64>,
    calls: u64,
}

/// One event as the recorder sees it, borrowed: from the trace when a finished run is read
/// ([`Recording::new`]), or from [`Sim`] as it writes the event ([`Sim::record`]).
#[derive(Clone, Copy)]
pub(crate) enum Seen<'a> {
    /// A call begins.
    Enter(Func, &'a [u64]),
    /// A call returns.
    Exit,
    /// A state change.
    Delta,
    /// A user action begins.
    Mark,
    /// An invariant finding.
    Finding,
}

impl<'a> Seen<'a> {
    fn of(e: &'a Event) -> Seen<'a> {
        match e {
            Event::Enter { func, args } => Seen::Enter(*func, args),
            Event::Exit { .. } => Seen::Exit,
            Event::Delta(_) => Seen::Delta,
            Event::Mark { .. } => Seen::Mark,
            Event::Finding(_) => Seen::Finding,
        }
    }
}

/// A [`Recording`] being built, event by event, with the state before each event: by the one
/// pass over a finished trace, or live while the run writes its trace (issue 16: a
/// 262,144-page walkthrough is then not decoded and replayed a second time at load). Both ways
/// see the same events and states, so they give the same recording.
#[derive(Clone, Debug)]
pub(crate) struct Recorder {
    kind: crate::config::DriverKind,
    chart_points: usize,
    every: u64,
    held: u64,
    checkpoints: Vec<State>,
    stacks: Vec<Vec<Frame>>,
    stack: Vec<Frame>,
    marks: Vec<u64>,
    sampler: Sampler,
    /// Per function, the first (by name) of the symbols it was shown under: one slot per
    /// function, so a call costs a compare, not a set insert (issue 16: 5 M events at load).
    seen: Vec<Option<&'static str>>,
    call_counts: Vec<u64>,
    calls: u64,
}

impl Recorder {
    /// A recorder of `sim`'s trace that has read the events written so far (replaying them
    /// from the boot state); [`Recorder::before`] then takes each further event.
    pub(crate) fn start(sim: &Sim, chart_points: usize) -> Recorder {
        let boot = sim.boot_state();
        let mut rec = Recorder {
            kind: sim.config().driver.kind,
            chart_points,
            every: STATE_CHECKPOINT_EVERY,
            held: 0,
            checkpoints: vec![boot.clone()],
            stacks: vec![Vec::new()],
            stack: Vec::new(),
            marks: Vec::new(),
            sampler: Sampler::new(chart_points, boot),
            seen: vec![None; Func::ALL.len()],
            call_counts: Vec::new(),
            calls: 0,
        };
        let mut state = boot.clone();
        for (i, e) in sim.trace().events().enumerate() {
            rec.before(i as u64, Seen::of(&e), &state);
            if let Event::Delta(d) = e {
                state.apply(&d);
            }
        }
        rec
    }

    /// Event `i` is next, and `state` is the state before it.
    pub(crate) fn before(&mut self, i: u64, e: Seen, state: &State) {
        if i.is_multiple_of(CALL_COUNT_EVERY) {
            self.call_counts.push(self.calls);
        }
        // Every STATE_CHECKPOINT_EVERY events; the trace's length, and so its budget, is known
        // only at the end ([`Recorder::finish`]), but they never hold more than
        // MAX_CHECKPOINT_BYTES meanwhile: every other one is dropped and the spacing doubles.
        if i > 0 && i.is_multiple_of(self.every) {
            self.held += self
                .checkpoints
                .last()
                .map_or(0, |prev| state_bytes_apart(state, Some(prev)));
            self.checkpoints.push(state.clone());
            self.stacks.push(self.stack.clone());
            self.thin(MAX_CHECKPOINT_BYTES, i + 1);
        }
        self.sampler.before(i, matches!(e, Seen::Mark), state);
        match e {
            Seen::Mark => self.marks.push(i),
            Seen::Enter(func, args) => {
                self.calls += 1;
                if let Some(slot) = self.seen.get_mut(func.index()) {
                    // Most functions have one symbol on a machine: look it up once.
                    if slot.is_none() || symbol_varies(func) {
                        let sym = event_symbol(self.kind, func, args);
                        if slot.is_none_or(|s| sym < s) {
                            *slot = Some(sym);
                        }
                    }
                }
                self.stack.push(Frame {
                    at: i,
                    func,
                    args: args.to_vec(),
                });
            }
            Seen::Exit => {
                self.stack.pop();
            }
            Seen::Delta | Seen::Finding => {}
        }
    }

    /// While the checkpoints hold more than `budget` bytes of their own, drop every other one
    /// and double the spacing (`until`: the spacing stops growing past this position).
    fn thin(&mut self, budget: u64, until: u64) {
        while self.held > budget && self.every < until {
            self.every *= 2;
            every_other(&mut self.checkpoints);
            every_other(&mut self.stacks);
            self.held = checkpoints_bytes(&self.checkpoints);
        }
    }

    /// The recording of `sim`, whose whole trace this recorder has seen.
    fn finish(mut self, sim: Rc<Sim>) -> Recording {
        let len = sim.trace().len();
        // The checkpoints fit the whole trace's budget.
        self.thin(budget(len), len);
        // A trace whose length is a multiple of the spacing ends exactly on a checkpoint
        // position, which `before` never reaches: store it, so seeking to the end and the
        // call stack there find it (issue 11, defect 1).
        if len > 0 && len.is_multiple_of(self.every) {
            self.checkpoints.push(sim.state().clone());
            self.stacks.push(self.stack);
        }
        // The larger of the boot and final states stands for every copy in between.
        let copy = copy_bytes(sim.boot_state()).max(copy_bytes(sim.state()));
        let held = checkpoints_bytes(&self.checkpoints);
        let series = self.sampler.finish(sim.state(), len);
        // Sorted by displayed symbol; a function shown under several symbols keeps the first.
        let mut funcs: Vec<(Func, &'static str)> = self
            .seen
            .iter()
            .enumerate()
            .filter_map(|(i, sym)| Some((Func::from_index(i)?, (*sym)?)))
            .collect();
        funcs.sort_by_key(|&(f, sym)| (sym, f.index()));
        Recording {
            sim,
            checkpoints: self.checkpoints,
            stacks: self.stacks,
            marks: self.marks,
            series,
            funcs,
            call_counts: self.call_counts,
            calls: self.calls,
            checkpoint_every: self.every,
            held,
            clone_cost: copy / 32,
        }
    }
}

impl Recording {
    /// Read `sim`'s trace once; the chart gets at most `chart_points` samples
    /// (see [`series`](crate::series::series) for how they are chosen).
    pub fn new(sim: Rc<Sim>, chart_points: usize) -> Recording {
        Recorder::start(&sim, chart_points).finish(sim)
    }

    /// The recording of a finished run: the one `sim` built while it ran when it was started
    /// with [`Sim::record`] for as many chart points (no second pass over the trace), else
    /// [`Recording::new`]'s pass. Both give the same recording.
    pub fn of(mut sim: Sim, chart_points: usize) -> Recording {
        match sim.take_recorder() {
            Some(rec) if rec.chart_points == chart_points => rec.finish(Rc::new(sim)),
            _ => Recording::new(Rc::new(sim), chart_points),
        }
    }

    /// The spacing of this recording's state checkpoints in events: [`STATE_CHECKPOINT_EVERY`],
    /// or a power-of-two multiple of it when the states are too large to keep that many.
    pub fn checkpoint_every(&self) -> u64 {
        self.checkpoint_every
    }

    /// The bytes the checkpoints after the boot state's hold of their own: each beside the one
    /// before it, sharing the page-array chunks neither changed ([`state_bytes_apart`]); at most
    /// [`CHECKPOINT_BYTES_PER_EVENT`] per event and [`MAX_CHECKPOINT_BYTES`] unless a single
    /// checkpoint takes more.
    pub fn checkpoint_bytes(&self) -> u64 {
        self.held
    }

    /// How many state checkpoints this recording keeps (the boot state included).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// About what copying a checkpoint's state costs, in events applied: a seek starts from a
    /// checkpoint only when that saves more.
    pub(crate) fn clone_cost(&self) -> u64 {
        self.clone_cost
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
        let cp = ((pos / self.checkpoint_every) as usize).min(self.checkpoints.len() - 1);
        (cp as u64 * self.checkpoint_every, &self.checkpoints[cp])
    }

    /// The state at position `pos` (clamped), rebuilt from the nearest checkpoint before it.
    pub fn state_at(&self, pos: u64) -> State {
        let pos = pos.min(self.len());
        let (cp, st) = self.checkpoint(pos);
        let mut st = st.clone();
        for d in self.sim.trace().events_from(cp).deltas(pos - cp) {
            st.apply(&d);
        }
        st
    }

    /// The calls open at position `pos`, outermost first.
    pub fn call_stack(&self, pos: u64) -> Vec<Frame> {
        let pos = pos.min(self.len());
        // Start from the later of the action's Mark (where no call is open) and the nearest
        // checkpoint (whose stack was recorded).
        let mark = self.action_at(pos).map_or(0, |a| self.marks[a]);
        let cp = ((pos / self.checkpoint_every) as usize).min(self.stacks.len() - 1);
        let cp_pos = cp as u64 * self.checkpoint_every;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Delta, Loc, TtBackend};

    #[test]
    fn a_copy_holds_only_the_chunks_written_since() {
        let mut st = State::boot(&crate::MachineConfig::default());
        // A 4,096-slot tt: four chunks of 1,024 slots, 16 bytes each.
        st.apply(&Delta::TtNew {
            id: 0,
            num_pages: 4096,
            page_flags: 0,
            backend: TtBackend::Pool,
        });
        let copy = st.clone();
        // Beside the state it was copied from, a copy holds only what copying costs.
        assert_eq!(state_bytes_apart(&copy, Some(&st)), copy_bytes(&st));
        assert_eq!(state_bytes(&st), copy_bytes(&st) + 4 * 1024 * 16);
        // One page handed out into slot 5: the slot's chunk is copied (1,024 × 16 bytes) and
        // the zone's records get a chunk of one 8-byte record.
        st.apply(&Delta::PageMove {
            pfn: 0,
            from: Loc::Fresh,
            to: Loc::Tt { tt: 0, slot: 5 },
        });
        assert_eq!(
            state_bytes_apart(&st, Some(&copy)),
            copy_bytes(&st) + 1024 * 16 + 8
        );
        assert_eq!(copy.tts[0].pages[5], None);
        assert_eq!(st.tts[0].pages[5], Some(0));
    }

    /// A recording built live and the same run's recording read by the pass hold the same
    /// checkpoints, stacks, marks, chart samples, functions and call counts.
    fn assert_same(live: &Recording, pass: &Recording, what: &str) {
        assert_eq!(live.checkpoint_every, pass.checkpoint_every, "{what}");
        assert!(
            live.checkpoints == pass.checkpoints,
            "{what}: checkpoints differ"
        );
        assert_eq!(live.stacks, pass.stacks, "{what}");
        assert_eq!(live.marks, pass.marks, "{what}");
        assert_eq!(live.series, pass.series, "{what}");
        assert_eq!(live.funcs, pass.funcs, "{what}");
        assert_eq!(live.call_counts, pass.call_counts, "{what}");
        assert_eq!(
            (live.calls, live.held, live.clone_cost),
            (pass.calls, pass.held, pass.clone_cost),
            "{what}"
        );
    }

    #[test]
    fn a_run_recorded_as_it_goes_gives_the_recording_of_the_pass() {
        use crate::scenario::Scenario;
        let mut files: Vec<(String, String)> = crate::catalog::names()
            .map(|n| (n.to_string(), crate::catalog::get(n).unwrap().to_string()))
            .collect();
        for dir in ["kunit", "kunit-6.12"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../scenarios")
                .join(dir);
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                files.push((
                    f.display().to_string(),
                    std::fs::read_to_string(&f).unwrap(),
                ));
            }
        }
        // 40,000 WC pages populated and swapped out: about 1.6 M events, so checkpoints at
        // several spacings, open calls at each of them, and chart samples between marks.
        files.push((
            "large".into(),
            r#"{"format": "ttm-lab-scenario", "version": 1, "title": "large",
              "machine": {"ram_mib": 1024},
              "steps": [{"do": {"action": "tt_create", "pages": 40000, "caching": "wc"}},
                        {"do": {"action": "tt_populate", "tt": 0}},
                        {"do": {"action": "tt_swapout", "tt": 0}}]}"#
                .into(),
        ));
        let mut recorded = 0;
        for (name, text) in &files {
            for points in [2, 50, 800] {
                // kunit files that are refused on purpose have no run.
                let Ok(run) = Scenario::load_recorded(text, points) else {
                    continue;
                };
                let pass = Recording::new(Rc::new(run.sim.clone()), points);
                let live = Recording::of(run.sim, points);
                assert_same(&live, &pass, &format!("{name}, {points} points"));
                if name == "large" {
                    assert!(live.checkpoints.len() > 10, "{}", live.checkpoints.len());
                    assert!(live.stacks.iter().any(|s| !s.is_empty()));
                }
                recorded += 1;
            }
        }
        assert!(
            recorded > 3 * crate::catalog::names().count(),
            "{recorded} runs"
        );
        // Random problems of every difficulty, on their own machines.
        for seed in 0..24 {
            let (sc, _) = crate::exercise::random_problem(seed, (seed % 3) as u8 + 1);
            let run = sc.run_recorded(None, 50).expect("a problem runs");
            let pass = Recording::new(Rc::new(run.sim.clone()), 50);
            assert_same(
                &Recording::of(run.sim, 50),
                &pass,
                &format!("problem {seed}"),
            );
        }
        // Asked for another number of chart points, the pass is used.
        let text = crate::catalog::get("pool-refill").unwrap();
        let run = Scenario::load_recorded(text, 50).unwrap();
        let pass = Recording::new(Rc::new(run.sim.clone()), 10);
        assert_same(
            &Recording::of(run.sim, 10),
            &pass,
            "another number of points",
        );
    }

    #[test]
    fn every_other_keeps_the_even_positions() {
        let mut v = vec![0, 1, 2, 3, 4];
        every_other(&mut v);
        assert_eq!(v, [0, 2, 4]);
    }
}
