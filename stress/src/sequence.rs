//! One random sequence: a machine, then actions one by one, each followed by the independent
//! check (and, in fixed mode, a look at what the model itself reported); then replay, the
//! stepper at random positions and at checkpoint boundaries, and (fixed mode) a teardown that
//! must return every page and every byte.

use crate::gen;
use crate::invariants::{self, Kind, Violation};
use crate::rng::Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use ttm_core::stepper::STATE_CHECKPOINT_EVERY;
use ttm_core::trace::Event;
use ttm_core::{Action, Fidelity, Finding, MachineConfig, Sim, SimError, State, Stepper, Zoom};

/// A machine and the actions that ran on it (actions the model refused as invalid are left out:
/// they change nothing).
#[derive(Clone, Debug)]
pub struct Case {
    /// The machine.
    pub cfg: MachineConfig,
    /// The actions, in order.
    pub actions: Vec<Action>,
}

/// What went wrong. `class` groups failures for shrinking: a smaller case must fail the same way.
#[derive(Clone, Debug)]
pub struct Failure {
    /// A stable name of the kind of failure (`panic`, `fixed-finding:Bug`, `violation:PagePlace`...).
    pub class: String,
    /// Details for the report.
    pub detail: String,
}

pub fn fail(class: impl Into<String>, detail: impl Into<String>) -> Failure {
    Failure {
        class: class.into(),
        detail: detail.into(),
    }
}

/// Counts over one sequence, summed into the run's totals.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Sequences run (1, or 0 for a refused machine).
    pub sequences: u64,
    /// Machines refused by `Sim::new` (generated invalid on purpose).
    pub refused_configs: u64,
    /// Actions run.
    pub steps: u64,
    /// Actions refused as invalid (bad references, sizes, text).
    pub invalid: u64,
    /// Trace events recorded.
    pub events: u64,
    /// Longest trace.
    pub max_events: u64,
    /// Stepper positions compared with a replay.
    pub seeks: u64,
    /// Of those, positions on or next to a state checkpoint past the first.
    pub checkpoint_seeks: u64,
    /// Fixed-mode teardowns that returned every page and byte.
    pub teardowns: u64,
    /// Defect findings the model reported in faithful mode (documented, spec 9).
    pub faithful_findings: u64,
}

impl Stats {
    /// Add another sequence's counts.
    pub fn add(&mut self, o: &Stats) {
        self.sequences += o.sequences;
        self.refused_configs += o.refused_configs;
        self.steps += o.steps;
        self.invalid += o.invalid;
        self.events += o.events;
        self.max_events = self.max_events.max(o.max_events);
        self.seeks += o.seeks;
        self.checkpoint_seeks += o.checkpoint_seeks;
        self.teardowns += o.teardowns;
        self.faithful_findings += o.faithful_findings;
    }
}

thread_local! {
    /// The last panic message on this thread (the harness's panic hook stores it here).
    pub static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|_| fail("panic", LAST_PANIC.with(|p| p.borrow().clone())))
}

/// Model findings that a faithful run may explain an independent violation with.
fn explains(kind: Kind, f: &Finding) -> bool {
    match kind {
        Kind::PagePlace => false,
        // 3.4's DMA unpopulate returns early when no pool of the tt's current caching exists:
        // the tt keeps its pages (charged) and may be marked SWAPPED or destroyed with them.
        Kind::TtState => matches!(f, Finding::DmaUnpopulateNoPool { .. }),
        Kind::Swapped => matches!(
            f,
            Finding::DmaUnpopulateNoPool { .. } | Finding::D8SwapStorageOverwritten { .. }
        ),
        Kind::Leaked => matches!(f, Finding::PagesLeaked { .. }),
        Kind::PoolCount => matches!(
            f,
            Finding::D3RefillMiscount { .. } | Finding::PoolCountMismatch { .. }
        ),
        Kind::Accounting => matches!(
            f,
            Finding::AccountingMismatch { .. } | Finding::DmaUnpopulateNoPool { .. }
        ),
        Kind::SwapFile => matches!(
            f,
            Finding::SwapFileLeaked { .. } | Finding::D8SwapStorageOverwritten { .. }
        ),
        Kind::PageAttr => matches!(f, Finding::PageAttrMismatch { .. }),
        Kind::BoLists => matches!(
            f,
            Finding::BoListMismatch { .. } | Finding::D4OldNodeFreed { .. }
        ),
        // Linux 6.12 machines run in fixed mode: nothing explains a 6.12 violation.
        Kind::Modern => false,
    }
}

/// A finding fixed mode may report: a BUG_ON the user reached by calling a tt-level kernel
/// function against its precondition (swapping out a bound tt, say), and observation O1 before
/// the seed (the seed is what fixed it).
fn fixed_allows(cfg: &MachineConfig, action: &Action, f: &Finding) -> bool {
    let tt_level = matches!(
        action,
        Action::TtCreate { .. }
            | Action::TtPopulate { .. }
            | Action::TtUnpopulate { .. }
            | Action::TtBind { .. }
            | Action::TtUnbind { .. }
            | Action::TtSetCaching { .. }
            | Action::TtSwapout { .. }
            | Action::TtDestroy { .. }
            | Action::TtGetPage { .. }
    );
    match f {
        Finding::Bug { .. } => tt_level,
        Finding::PageAttrMismatch { .. } => cfg.era.pre_seed(),
        _ => false,
    }
}

/// Options of a run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Most actions per sequence.
    pub max_actions: u64,
    /// One sequence in this many is long (a big tt, traces past a state checkpoint, sometimes
    /// padded to an exact multiple of the checkpoint spacing).
    pub long_every: u64,
}

/// Generate and run sequence `seed`. On failure, the case that ran (for shrinking).
pub fn generate(seed: u64, opt: Options) -> Result<Stats, Box<(Failure, Case)>> {
    let mut r = Rng::new(seed);
    let mut cfg = gen::machine(&mut r);
    let long = r.below(opt.long_every) == 0;
    if long {
        cfg.ram_bytes = cfg.ram_bytes.max(32 << 20);
    }
    let mut case = Case {
        cfg,
        actions: Vec::new(),
    };
    let n = r.range(1, opt.max_actions);
    let mut source = Source::Random {
        r: &mut r,
        n,
        long,
        pad: false,
    };
    match execute(&mut case, &mut source) {
        Ok(s) => Ok(s),
        Err(f) => Err(Box::new((f, case))),
    }
}

/// Run a fixed case again (shrinking).
pub fn replay_case(case: &Case) -> Result<Stats, Failure> {
    let mut c = case.clone();
    let actions = std::mem::take(&mut c.actions);
    execute(&mut c, &mut Source::Fixed(actions.into_iter()))
}

enum Source<'a> {
    Random {
        r: &'a mut Rng,
        n: u64,
        long: bool,
        pad: bool,
    },
    Fixed(std::vec::IntoIter<Action>),
}

impl Source<'_> {
    fn next(&mut self, s: &Sim, done: u64) -> Option<Action> {
        match self {
            Source::Fixed(it) => it.next(),
            Source::Random { r, n, long, pad } => {
                if *long && done == 0 {
                    return Some(Action::TtCreate {
                        pages: r.range(3000, 5000) as u32,
                        caching: ttm_core::Caching::Wc,
                        flags: 0,
                        dma: false,
                    });
                }
                if *long && done == 1 {
                    return Some(Action::TtPopulate {
                        tt: s.state().tts.len() as u32 - 1,
                    });
                }
                if done < *n {
                    return Some(gen::action(r, s));
                }
                // A quarter of the long sequences end exactly on a checkpoint multiple (one
                // event per ignored sysfs write: a text with no digits reaches no store
                // function). Each such write still runs both checkers, so this is the costly
                // part of a run.
                let len = s.trace().len();
                if *long
                    && (*pad || (done == *n && r.chance(1, 4)))
                    && !len.is_multiple_of(STATE_CHECKPOINT_EVERY)
                {
                    *pad = true;
                    return Some(Action::SysfsWrite {
                        attr: ttm_core::SysfsAttr::SwapLimit,
                        zone: 0,
                        value: "none".into(),
                    });
                }
                None
            }
        }
    }
}

fn execute(case: &mut Case, source: &mut Source) -> Result<Stats, Failure> {
    let mut stats = Stats::default();
    let cfg = case.cfg.clone();
    let mut s = match guarded(|| Sim::new(cfg.clone()))? {
        Ok(s) => s,
        Err(e) => {
            if e.message.is_empty() || e.field.is_empty() {
                return Err(fail("config-error-unnamed", format!("{e:?}")));
            }
            stats.refused_configs = 1;
            return Ok(stats);
        }
    };
    stats.sequences = 1;
    let fixed = cfg.fidelity == Fidelity::Fixed;
    let boot_violations = invariants::check(&cfg, s.state());
    if let Some(v) = boot_violations.first() {
        return Err(fail(
            format!("violation:{:?}", v.kind),
            format!("at boot: {}", v.detail),
        ));
    }
    let mut done = 0u64;
    while let Some(a) = source.next(&s, done) {
        done += 1;
        let before_len = s.trace().len();
        let before_findings = s.findings().len();
        let r = guarded(|| s.run(&a)).map_err(|f| Failure {
            detail: format!("{} (running {a:?})", f.detail),
            ..f
        })?;
        if let Err(SimError::Invalid(m)) = &r {
            stats.invalid += 1;
            if s.trace().len() != before_len {
                return Err(fail(
                    "invalid-recorded",
                    format!("{a:?} was refused ({m}) but recorded events"),
                ));
            }
            if m.is_empty() {
                return Err(fail(
                    "invalid-unexplained",
                    format!("{a:?} was refused without a message"),
                ));
            }
            continue;
        }
        case.actions.push(a.clone());
        stats.steps += 1;
        let new: Vec<Finding> = s.findings()[before_findings..]
            .iter()
            .map(|(_, f)| *f)
            .collect();
        if fixed {
            if let Some(f) = new.iter().find(|f| !fixed_allows(&cfg, &a, f)) {
                return Err(fail(
                    format!("fixed-finding:{}", finding_name(f)),
                    format!("step {} ({a:?}): {}", case.actions.len() - 1, f.describe()),
                ));
            }
        } else {
            stats.faithful_findings += new.len() as u64;
        }
        let violations = invariants::check(&cfg, s.state());
        if let Some(v) = violations.iter().find(|v| !accepted(&cfg, &s, v)) {
            return Err(fail(
                format!("violation:{:?}", v.kind),
                format!(
                    "after step {} ({a:?}): {}",
                    case.actions.len() - 1,
                    v.detail
                ),
            ));
        }
    }
    stats.events = s.trace().len();
    stats.max_events = stats.events;
    guarded(|| replay_checks(&s))??;
    let (seeks, at_cp) = guarded(|| stepper_checks(&s, done))??;
    stats.seeks = seeks;
    stats.checkpoint_seeks = at_cp;
    if fixed {
        guarded(|| teardown(&mut s))??;
        stats.teardowns = 1;
    }
    Ok(stats)
}

fn accepted(cfg: &MachineConfig, s: &Sim, v: &Violation) -> bool {
    if cfg.fidelity == Fidelity::Fixed {
        return v.kind == Kind::PageAttr && cfg.era.pre_seed();
    }
    s.findings().iter().any(|(_, f)| explains(v.kind, f))
}

/// The variant name of a finding (its Debug form up to the first brace).
pub fn finding_name(f: &Finding) -> String {
    let d = format!("{f:?}");
    d.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

/// Replaying every delta on the boot state gives the live state; reverting them all gives boot.
fn replay_checks(s: &Sim) -> Result<(), Failure> {
    let mut st = s.boot_state().clone();
    let deltas: Vec<_> = s
        .trace()
        .events()
        .filter_map(|e| match e {
            Event::Delta(d) => Some(d),
            _ => None,
        })
        .collect();
    for d in &deltas {
        st.apply(d);
    }
    if &st != s.state() {
        return Err(fail(
            "replay",
            "replaying the trace does not give the live state",
        ));
    }
    for d in deltas.iter().rev() {
        st.revert(d);
    }
    if &st != s.boot_state() {
        return Err(fail(
            "revert",
            "reverting the whole trace does not give the boot state",
        ));
    }
    Ok(())
}

/// The stepper equals a replay at random positions, at every checkpoint boundary (and next to
/// it) and at both ends, whatever order they are visited in; stepping at each zoom from there
/// never panics.
fn stepper_checks(s: &Sim, salt: u64) -> Result<(u64, u64), Failure> {
    let len = s.trace().len();
    let mut r = Rng::new(len ^ salt.rotate_left(17));
    let mut targets = vec![0, len, len.saturating_sub(1)];
    for _ in 0..6 {
        targets.push(r.below(len + 1));
    }
    let mut k = STATE_CHECKPOINT_EVERY;
    let mut at_cp = 0;
    while k <= len {
        for t in [k - 1, k, k + 1] {
            if t <= len {
                targets.push(t);
                at_cp += 1;
            }
        }
        k += STATE_CHECKPOINT_EVERY;
    }
    // Huge states (a tt of millions of slots) keep only the boundaries and both ends, so that
    // the reference copies stay within a few hundred MiB.
    let slots: usize = s.state().tts.iter().map(|t| t.pages.len()).sum();
    if slots > 1 << 20 {
        targets.retain(|&t| t == 0 || t == len || t.is_multiple_of(STATE_CHECKPOINT_EVERY));
        targets.truncate(6);
    }
    // Reference states from one forward pass.
    let mut sorted = targets.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let mut refs: Vec<(u64, State)> = Vec::with_capacity(sorted.len());
    let mut st = s.boot_state().clone();
    let mut events = s.trace().events();
    let mut pos = 0u64;
    for &t in &sorted {
        while pos < t {
            if let Some(Event::Delta(d)) = events.next() {
                st.apply(&d);
            }
            pos += 1;
        }
        refs.push((t, st.clone()));
    }
    let mut stepper = Stepper::new(Rc::new(s.clone()));
    // Visit in a shuffled order so that both directions and checkpoint restarts are used.
    for i in (1..targets.len()).rev() {
        targets.swap(i, r.below(i as u64 + 1) as usize);
    }
    drop(st);
    for &t in &targets {
        stepper.seek(t);
        let want = &refs[refs.binary_search_by_key(&t, |x| x.0).unwrap_or(0)].1;
        if stepper.pos() != t || stepper.state() != want {
            return Err(fail(
                "stepper",
                format!("the stepper's state at {t} of {len} differs from the replay"),
            ));
        }
        let _ = stepper.call_stack();
        let zoom = *r.pick(&[Zoom::Action, Zoom::Call, Zoom::Change]);
        if r.chance(1, 2) {
            stepper.forward(zoom);
        } else {
            stepper.backward(zoom);
        }
        let _ = stepper.call_stack();
    }
    Ok((targets.len() as u64, at_cp))
}

/// Fixed mode: take everything down the way users and the kernel would (unreserve, unmap and
/// release every BO, signal every fence, run the deferred work, destroy every tt, uncharge what
/// was charged by hand, empty the pools); then every page is back in system memory, every zone
/// charges 0 bytes and every TTM-owned swap file is released.
fn teardown(s: &mut Sim) -> Result<(), Failure> {
    let run = |s: &mut Sim, a: Action| -> Result<(), Failure> {
        match s.run(&a) {
            Err(SimError::Invalid(m)) => Err(fail("teardown-refused", format!("{a:?}: {m}"))),
            _ => Ok(()),
        }
    };
    if s.is_modern() {
        return modern_teardown(s, run);
    }
    for b in 0..s.state().bos.len() as u32 {
        let bo = &s.state().bos[b as usize];
        // Ghosts belong to TTM; a BO whose user reference is gone waits on the delayed-destroy
        // list for its fence and the deferred work below.
        if !bo.alive || bo.ghost || bo.kref == 0 {
            continue;
        }
        if bo.reserved {
            run(s, Action::BoUnreserve { bo: b })?;
        }
        if s.state().bos[b as usize].kmap != 0 {
            run(s, Action::BoKunmap { bo: b })?;
        }
        run(s, Action::BoUnref { bo: b })?;
    }
    for f in 0..s.state().fences.len() as u32 {
        if !s.state().fences[f as usize].signaled {
            run(s, Action::FenceSignal { fence: f })?;
        }
    }
    for _ in 0..3 {
        run(s, Action::RunDeferredWork)?;
    }
    for t in 0..s.state().tts.len() as u32 {
        if s.state().tts[t as usize].alive {
            run(s, Action::TtDestroy { tt: t })?;
        }
    }
    let charged = s.state().obj_charged;
    if charged > 0 {
        run(s, Action::MemUncharge { bytes: charged })?;
    }
    if s.state().pool_manager_up {
        run(s, Action::PoolFini)?;
    }
    // The DMA shrinker may skip pools on one call (spec 4.5): call it until the pools are empty.
    for _ in 0..=s.state().dma_pools.len() {
        if s.state().dma_pools.iter().all(|p| p.free.is_empty()) {
            break;
        }
        run(
            s,
            Action::DmaPoolShrink {
                nr_to_scan: u64::MAX,
            },
        )?;
    }
    let st = s.state();
    let mut left = Vec::new();
    if st.pages_out_of_system() != 0 {
        left.push(format!(
            "{} pages out of system memory",
            st.pages_out_of_system()
        ));
    }
    for z in &st.zones {
        if z.used_mem != 0 {
            left.push(format!("zone {} charges {} bytes", z.name, z.used_mem));
        }
    }
    if let Some(b) = st.bos.iter().find(|b| b.alive) {
        left.push(format!("BO {} is still alive", b.id));
    }
    for f in st
        .swap_files
        .iter()
        .filter(|f| !f.released && !f.persistent)
    {
        left.push(format!("swap file {} was never released", f.id));
    }
    if left.is_empty() {
        Ok(())
    } else {
        Err(fail("teardown", left.join("; ")))
    }
}

/// Linux 6.12: release every lock another thread holds, drop every BO, run the delayed deletes,
/// destroy the remaining tts and let the pool shrinker empty the pools; then every page is back
/// in system memory, nothing is charged and every TTM swap file is released.
fn modern_teardown(
    s: &mut Sim,
    run: impl Fn(&mut Sim, Action) -> Result<(), Failure>,
) -> Result<(), Failure> {
    use ttm_core::modern::Holder;
    let m = |s: &Sim| s.state().modern.as_deref().cloned().expect("6.12 state");
    for b in m(s).bos.iter().filter(|b| b.alive) {
        if b.lock == Holder::Other {
            run(s, Action::BoUnreserve { bo: b.id })?;
        }
        if !b.deleted {
            run(s, Action::BoUnref { bo: b.id })?;
        }
    }
    run(s, Action::RunDeferredWork)?;
    for t in 0..s.state().tts.len() as u32 {
        if s.state().tts[t as usize].alive {
            run(s, Action::TtDestroy { tt: t })?;
        }
    }
    // One scan frees one block (mspec 4.7): scan until the pools are empty.
    let blocks: u64 = m(s).pool_types.iter().map(|t| t.blocks()).sum();
    if blocks > 0 {
        run(
            s,
            Action::PoolShrinkerScan {
                scans: blocks as u32,
            },
        )?;
    }
    let st = s.state();
    let mm = m(s);
    let mut left = Vec::new();
    if st.pages_out_of_system() != 0 {
        left.push(format!(
            "{} pages out of system memory",
            st.pages_out_of_system()
        ));
    }
    if mm.pages_allocated != 0 || mm.pool_allocated != 0 {
        left.push(format!(
            "TPA {} PAP {}",
            mm.pages_allocated, mm.pool_allocated
        ));
    }
    if let Some(b) = mm.bos.iter().find(|b| b.alive) {
        left.push(format!("BO {} is still alive", b.id));
    }
    if let Some(f) = st.swap_files.iter().find(|f| !f.released) {
        left.push(format!("swap file {} was never released", f.id));
    }
    if left.is_empty() {
        Ok(())
    } else {
        Err(fail("teardown-leftovers", left.join("; ")))
    }
}
