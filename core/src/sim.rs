//! The simulator: the state, the trace being recorded, injected faults, and the primitives every
//! modelled kernel function uses (record a call, change the state, allocate and free system pages).

use crate::config::{Arch, ConfigError, FaultPlan, Fidelity, MachineConfig, LOWMEM_32};
use crate::consts::{Attr, PAGE_SIZE};
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::state::{Delta, Loc, State, CONTENT_ZERO};
use crate::trace::{Finding, Trace};
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;

/// Why a user action could not run at all (as opposed to a kernel function returning an error).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SimError {
    /// The modelled kernel returned this error code (the action ran; see the trace).
    Kernel(Errno),
    /// The request does not make sense for this machine (no such object, wrong era, bad value).
    Invalid(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Kernel(e) => write!(f, "the kernel returned {e}"),
            SimError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SimError {}

impl From<Errno> for SimError {
    fn from(e: Errno) -> Self {
        SimError::Kernel(e)
    }
}

/// Result of a user action.
pub type SimResult<T = ()> = Result<T, SimError>;

/// Kinds of operation a [`FaultPlan`] can make fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FaultKind {
    PageAlloc,
    SetCaching,
    ShmemCreate,
    ShmemRead,
    ShmemWrite,
    Reserve,
    DmaMap,
    TtAlloc,
    /// Linux 6.12: a fresh block of `ttm_pool_alloc` (mspec 4.3).
    BlockAlloc,
    /// An interruptible sleep (fence wait or waiting reserve) that a signal may interrupt.
    Signal,
}

/// How many operations of each kind have run since boot (for the 1-based [`FaultPlan`] lists).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FaultCounters {
    /// System page allocations.
    pub page_alloc: u64,
    /// Kernel-mapping attribute changes.
    pub set_caching: u64,
    /// shmem file creations.
    pub shmem_create: u64,
    /// shmem page reads during swap-in.
    pub shmem_read: u64,
    /// shmem page lookups during swap-out.
    pub shmem_write: u64,
    /// Accounting reservation attempts.
    pub reserve: u64,
    /// PCI DMA mappings of tt pages.
    pub dma_map: u64,
    /// Page-directory allocations of ttm_tt_init.
    pub tt_alloc: u64,
    /// Linux 6.12: fresh block allocations of `ttm_pool_alloc`.
    pub block_alloc: u64,
    /// Interruptible sleeps (fence waits that would block, waiting reserves).
    pub signal: u64,
}

/// Allocation flags of a system page request (the parts of gfp_t the model needs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Gfp {
    /// __GFP_HIGHMEM (GFP_HIGHUSER).
    pub highmem: bool,
    /// GFP_DMA32.
    pub dma32: bool,
    /// __GFP_ZERO.
    pub zero: bool,
}

/// The simulated machine running TTM.
#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) cfg: MachineConfig,
    pub(crate) state: State,
    boot: State,
    pub(crate) trace: Trace,
    pub(crate) faults: FaultCounters,
    findings: Vec<(u64, Finding)>,
    standing: Vec<Finding>,
    /// The incremental invariant check's counters, kept up to date by [`Sim::d`] (boxed, so
    /// that lending it out for a delta moves a pointer); None on Linux 6.12, whose invariants
    /// are checked by their full walk (mspec 11.1).
    watch: Option<Box<crate::check::Watch>>,
    /// The recording built as the trace is written, when asked for ([`Sim::record`]).
    recorder: Option<Box<crate::recording::Recorder>>,
    /// What the deltas since the last [`Sim::take_touched`] touched, for the summary tracker.
    touched: crate::summary::Touched,
    /// How many kernel calls that own a private page list are open (see [`Loc::Local`]).
    locals_open: u8,
    /// Linux 6.12: notes of the last actions (3.3 items without a counterpart, mspec 9.6).
    pub(crate) notes: Vec<String>,
}

impl Sim {
    /// Boot a machine: validate the configuration, initialise accounting zones and pools
    /// (`ttm_mem_global_init`, `ttm_page_alloc_init`, spec 3.10 / 5.2), then apply the
    /// configuration's sysfs writes.
    pub fn new(cfg: MachineConfig) -> Result<Sim, ConfigError> {
        cfg.validate()?;
        let state = State::boot(&cfg);
        let watch = (!cfg.is_modern()).then(Box::default);
        let mut sim = Sim {
            boot: state.clone(),
            state,
            cfg,
            trace: Trace::default(),
            faults: FaultCounters::default(),
            findings: Vec::new(),
            standing: Vec::new(),
            watch,
            touched: Default::default(),
            recorder: None,
            locals_open: 0,
            notes: Vec::new(),
        };
        if sim.cfg.is_modern() {
            // Linux 6.12: the generic driver loads (mspec 2.3, 8.1).
            sim.begin_action("load the generic driver: ttm_device_init".to_string());
            sim.mdevice_load();
            sim.end_action();
        } else {
            // The drivers load, one per device in order: ttm_bo_device_init and the device's
            // memory-type managers (spec 6.2); each joins the global device list (spec 6.1).
            for dev in 0..sim.cfg.device_count() as u8 {
                let kind = sim.cfg.device_driver(dev).kind;
                sim.begin_action(if dev == 0 {
                    format!("load the {kind:?} driver: ttm_bo_device_init")
                } else {
                    format!("load the {kind:?} driver of device {dev}: ttm_bo_device_init")
                });
                sim.bo_device_init(dev);
                sim.end_action();
            }
        }
        for (i, w) in sim.cfg.sysfs.clone().into_iter().enumerate() {
            let a = crate::ops::Action::SysfsWrite {
                attr: w.attr,
                zone: w.zone,
                value: w.value,
            };
            if let Err(e) = sim.run(&a) {
                return Err(ConfigError {
                    field: format!("sysfs[{i}]"),
                    message: e.to_string(),
                    other: None,
                });
            }
        }
        Ok(sim)
    }

    /// The configuration.
    pub fn config(&self) -> &MachineConfig {
        &self.cfg
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The state right after boot, before any traced event: replaying the whole trace on it gives [`Sim::state`].
    pub fn boot_state(&self) -> &State {
        &self.boot
    }

    /// The trace recorded so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Every finding so far, with the index of the trace event that records it.
    pub fn findings(&self) -> &[(u64, Finding)] {
        &self.findings
    }

    /// The invariant findings that hold after the last action (spec 11): what the incremental
    /// check found then; a finding enters [`Sim::findings`] when it first appears here.
    pub fn standing(&self) -> &[Finding] {
        &self.standing
    }

    /// The invariants of spec 11 checked now by walking the whole state (every page of every
    /// free list, pool and tt): after every action this equals [`Sim::standing`], which the
    /// incremental check finds from what the action touched.
    pub fn check_all(&self) -> Vec<Finding> {
        crate::check::check(self)
    }

    /// How many operations of each fault-injectable kind have run.
    pub fn fault_counters(&self) -> &FaultCounters {
        &self.faults
    }

    pub(crate) fn faithful(&self) -> bool {
        self.cfg.fidelity == Fidelity::Faithful
    }

    // ---- recording ------------------------------------------------------------------------

    /// Show the next event to the recorder, if this machine records itself ([`Sim::record`]).
    fn seen(&mut self, e: crate::recording::Seen) {
        if let Some(rec) = self.recorder.as_mut() {
            rec.before(self.trace.len(), e, &self.state);
        }
    }

    pub(crate) fn enter(&mut self, f: Func, args: &[u64]) {
        // The recorder keeps what the trace keeps: the function's named arguments.
        let kept = &args[..args.len().min(f.arg_names().len())];
        self.seen(crate::recording::Seen::Enter(f, kept));
        self.trace.enter(f, args);
    }

    pub(crate) fn exit(&mut self, ret: i64) {
        self.seen(crate::recording::Seen::Exit);
        self.trace.exit(ret);
    }

    /// Exit with a kernel result (0 or the negative errno) and pass it on.
    pub(crate) fn ret<T>(&mut self, r: KResult<T>) -> KResult<T> {
        self.seen(crate::recording::Seen::Exit);
        self.trace.exit(match &r {
            Ok(_) => 0,
            Err(e) => e.code(),
        });
        r
    }

    /// Apply a state change and record it.
    pub(crate) fn d(&mut self, delta: Delta) {
        if let Some(mut watch) = self.watch.take() {
            watch.note(self, &delta);
            self.watch = Some(watch);
        }
        self.touched.delta(&delta);
        self.seen(crate::recording::Seen::Delta);
        self.trace.delta(&delta);
        self.state.apply(&delta);
    }

    /// The tts, BOs, lists and fences the deltas since the last call touched (the summary
    /// tracker's input, [`SummaryTracker::step`](crate::summary::SummaryTracker::step)).
    pub(crate) fn take_touched(&mut self) -> crate::summary::Touched {
        std::mem::take(&mut self.touched)
    }

    /// Record a finding at the current point of the trace.
    pub(crate) fn finding(&mut self, f: Finding) {
        self.findings.push((self.trace.len(), f));
        self.seen(crate::recording::Seen::Finding);
        self.trace.finding(&f);
    }

    /// Start a user action: a mark in the trace.
    pub(crate) fn begin_action(&mut self, label: String) {
        self.seen(crate::recording::Seen::Mark);
        self.trace.mark(label);
    }

    /// From now on, build this run's [`Recording`](crate::Recording) while the trace is
    /// written, with `chart_points` chart samples (what is already in the trace is read first):
    /// [`Recording::of`](crate::Recording::of) then needs no second pass over the trace, which
    /// for a 262,144-page populate is 5 M events decoded and replayed again (issue 16).
    pub fn record(&mut self, chart_points: usize) {
        self.recorder = Some(Box::new(crate::recording::Recorder::start(
            self,
            chart_points,
        )));
    }

    /// The recording built so far, which this machine stops keeping.
    pub(crate) fn take_recorder(&mut self) -> Option<crate::recording::Recorder> {
        self.recorder.take().map(|r| *r)
    }

    /// End a user action: run the invariant checker and record what newly broke (spec 11).
    pub(crate) fn end_action(&mut self) {
        let now = match self.watch.take() {
            Some(mut watch) => {
                let now = watch.check(self);
                self.watch = Some(watch);
                now
            }
            None => crate::check::check(self),
        };
        debug_assert_eq!(
            now,
            crate::check::check(self),
            "the incremental invariant check disagrees with the full one"
        );
        for f in &now {
            if !self.standing.contains(f) {
                self.finding(*f);
            }
        }
        self.standing = now;
    }

    /// Run a user action: mark, body, invariant check.
    pub(crate) fn action<T>(
        &mut self,
        label: String,
        body: impl FnOnce(&mut Sim) -> SimResult<T>,
    ) -> SimResult<T> {
        self.begin_action(label);
        let r = body(self);
        self.end_action();
        r
    }

    /// A call starts using a private page list of its own (a local `list_head` or page array):
    /// the list one deeper than its caller's. Pair with [`Sim::local_close`].
    pub(crate) fn local_open(&mut self) -> u8 {
        let l = self.locals_open;
        self.locals_open += 1;
        l
    }

    /// The call that opened list `l` returns; its list must be empty by then.
    pub(crate) fn local_close(&mut self, l: u8) {
        debug_assert_eq!(self.locals_open, l + 1, "private lists closed out of order");
        debug_assert!(
            self.local(l).is_empty(),
            "private list {l} still holds pages"
        );
        self.locals_open = l;
    }

    /// The pages on private list `l`, head first.
    pub(crate) fn local(&self, l: u8) -> &VecDeque<u64> {
        static EMPTY: VecDeque<u64> = VecDeque::new();
        self.state.phys.locals.get(l as usize).unwrap_or(&EMPTY)
    }

    /// Does the fault plan make this operation fail? Counts the operation.
    pub(crate) fn inject(&mut self, kind: FaultKind) -> bool {
        let (n, plan): (&mut u64, &FaultPlan) = (
            match kind {
                FaultKind::PageAlloc => &mut self.faults.page_alloc,
                FaultKind::SetCaching => &mut self.faults.set_caching,
                FaultKind::ShmemCreate => &mut self.faults.shmem_create,
                FaultKind::ShmemRead => &mut self.faults.shmem_read,
                FaultKind::ShmemWrite => &mut self.faults.shmem_write,
                FaultKind::Reserve => &mut self.faults.reserve,
                FaultKind::DmaMap => &mut self.faults.dma_map,
                FaultKind::TtAlloc => &mut self.faults.tt_alloc,
                FaultKind::BlockAlloc => &mut self.faults.block_alloc,
                FaultKind::Signal => &mut self.faults.signal,
            },
            &self.cfg.faults,
        );
        *n += 1;
        let list = match kind {
            FaultKind::PageAlloc => &plan.page_alloc,
            FaultKind::SetCaching => &plan.set_caching,
            FaultKind::ShmemCreate => &plan.shmem_create,
            FaultKind::ShmemRead => &plan.shmem_read,
            FaultKind::ShmemWrite => &plan.shmem_write,
            FaultKind::Reserve => &plan.reserve,
            FaultKind::DmaMap => &plan.dma_map,
            FaultKind::TtAlloc => &plan.tt_alloc,
            FaultKind::BlockAlloc => &plan.block_alloc,
            FaultKind::Signal => &plan.signal,
        };
        list.contains(n)
    }

    // ---- physical pages -------------------------------------------------------------------

    /// A highmem page has no permanent kernel mapping (32-bit HIGHMEM only).
    pub(crate) fn is_highmem(&self, pfn: u64) -> bool {
        self.cfg.arch == Arch::X86_32Highmem && pfn >= LOWMEM_32 / PAGE_SIZE
    }

    /// Allocate one system page into `to` (the buddy allocator's alloc_page). Zone order follows
    /// the kernel's zonelists: highest allowed zone first. Returns `None` when no page is free or
    /// the fault plan says so.
    pub(crate) fn alloc_page(&mut self, gfp: Gfp, to: Loc) -> Option<u64> {
        if self.inject(FaultKind::PageAlloc) {
            return None;
        }
        let zones: &[usize] = match (self.cfg.arch, gfp.dma32, gfp.highmem) {
            // x86-64: GFP_DMA32 → ZONE_DMA32 only; otherwise Normal (above 4 GiB) then DMA32.
            (Arch::X86_64, true, _) => &[0],
            (Arch::X86_64, false, _) => &[1, 0],
            // x86-32: __GFP_HIGHMEM → HighMem then Normal; otherwise lowmem only (no DMA32 zone).
            (Arch::X86_32Highmem, _, true) => &[1, 0],
            (Arch::X86_32Highmem, _, false) => &[0],
        };
        let found = zones
            .iter()
            .filter(|&&z| z < self.state.phys.zones.len())
            .find_map(|&z| self.state.phys.peek_alloc(z));
        let (pfn, from) = found?;
        self.d(Delta::PageMove { pfn, from, to });
        if gfp.zero {
            self.set_content(pfn, CONTENT_ZERO);
        }
        Some(pfn)
    }

    /// Give a page back to the system (__free_page). Its attribute must already be write-back.
    pub(crate) fn free_page(&mut self, pfn: u64, from: Loc) {
        self.d(Delta::PageMove {
            pfn,
            from,
            to: Loc::Free,
        });
    }

    pub(crate) fn set_content(&mut self, pfn: u64, new: u32) {
        let old = self.state.phys.page(pfn).map_or(new, |p| p.content);
        if old != new {
            self.d(Delta::PageContent { pfn, old, new });
        }
    }

    pub(crate) fn set_attr(&mut self, pfn: u64, new: Attr) {
        let old = self.state.phys.page(pfn).map_or(new, |p| p.attr);
        if old != new {
            self.d(Delta::PageAttr { pfn, old, new });
        }
    }

    pub(crate) fn page_content(&self, pfn: u64) -> u32 {
        self.state
            .phys
            .page(pfn)
            .map_or(CONTENT_ZERO, |p| p.content)
    }

    /// Set a scalar, recording old and new (no event when unchanged).
    pub(crate) fn set(&mut self, var: crate::state::Var, new: u64) {
        let old = self.state.var(var);
        if old != new {
            self.d(Delta::Set { var, old, new });
        }
    }

    /// Change a counter.
    pub(crate) fn count(&mut self, ctr: crate::state::Ctr, by: i64) {
        if by != 0 {
            self.d(Delta::Count { ctr, by });
        }
    }
}
