//! A compact, serializable summary of the state: what the command-line runner prints as JSON and
//! what scenario expectations query (`pool.wc.npages`, `zone.kernel.used_mem`, `tt.0.state`, ...).

use crate::bo_state::LIST_SWAP;
use crate::sim::Sim;
use serde::Serialize;

/// One normal pool (debugfs columns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PoolSummary {
    /// "wc", "uc", "wc dma", "uc dma".
    pub name: String,
    /// npages.
    pub npages: u64,
    /// nrefills.
    pub nrefills: u64,
    /// nfrees.
    pub nfrees: u64,
}

/// One DMA pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DmaPoolSummary {
    /// "wc", "cached dma32", ...
    pub name: String,
    /// npages_free.
    pub npages_free: u64,
    /// npages_in_use.
    pub npages_in_use: u64,
    /// nrefills.
    pub nrefills: u64,
    /// nfrees.
    pub nfrees: u64,
}

/// One accounting zone (bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ZoneSummary {
    /// "kernel", "dma32", "highmem".
    pub name: String,
    /// zone_mem.
    pub zone_mem: u64,
    /// max_mem.
    pub max_mem: u64,
    /// emer_mem.
    pub emer_mem: u64,
    /// swap_limit.
    pub swap_limit: u64,
    /// used_mem.
    pub used_mem: u64,
}

/// One tt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TtSummary {
    /// Id.
    pub id: u32,
    /// "tt_unpopulated", "tt_unbound", "tt_bound", or "destroyed".
    pub state: String,
    /// "tt_cached", "tt_wc", "tt_uncached".
    pub caching: String,
    /// page_flags rendered (`ZERO_ALLOC|DMA32`).
    pub flags: String,
    /// num_pages.
    pub num_pages: u32,
    /// Slots holding a page.
    pub pages: u32,
    /// TTM_PAGE_FLAG_SWAPPED.
    pub swapped: bool,
}

/// One buffer object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BoSummary {
    /// Id.
    pub id: u32,
    /// Alive (not yet released).
    pub alive: bool,
    /// A ghost of a pipelined move.
    pub ghost: bool,
    /// Its device (`bo->bdev`, spec 6.1): 0 = `machine.driver`, 1.. = `machine.devices`
    /// (left out of the JSON for device 0).
    #[serde(skip_serializing_if = "is_device_0")]
    pub device: u8,
    /// Memory type number (0 SYSTEM, 1 TT, 2 VRAM, 3 PRIV0) on its device.
    pub mem_type: u8,
    /// Placement flags.
    pub placement: u32,
    /// Start page of its range.
    pub start: u64,
    /// GPU offset.
    pub offset: u64,
    /// The tt id.
    pub tt: Option<u32>,
    /// evicted.
    pub evicted: bool,
    /// Position in its memory type's LRU (0 = head).
    pub lru_pos: Option<usize>,
    /// Position in the swap LRU.
    pub swap_lru_pos: Option<usize>,
    /// Busy with an unsignalled fence.
    pub busy: bool,
    /// What the BO's pages hold: "seed N" (all written by data write N), "zeros", "stale"
    /// (whatever the memory held before), "mixed", "partial" (only some pages exist, before the
    /// seed) or "none" (no pages yet).
    pub data: String,
}

/// Everything the runner prints and scenarios query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Normal pools in index order.
    pub pools: Vec<PoolSummary>,
    /// DMA pools in creation order.
    pub dma_pools: Vec<DmaPoolSummary>,
    /// Accounting zones.
    pub zones: Vec<ZoneSummary>,
    /// The "ttm_swap" work is queued.
    pub swap_work_queued: bool,
    /// Every tt.
    pub tts: Vec<TtSummary>,
    /// Every buffer object.
    pub bos: Vec<BoSummary>,
    /// Pages out of system memory (pools, tts, leaked).
    pub pages_out_of_system: u64,
    /// Pages leaked by kernel defects.
    pub leaked: u64,
    /// Names of the findings so far, in order (`D1OverUncharge`, ...).
    pub findings: Vec<String>,
    /// Linux 6.12 machines: the modern model's state (queried as `modern.pool_allocated`,
    /// `modern.pool_blocks.wc`, `modern.lru.vram`, `modern.bos`, ...). Absent on 3.3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modern: Option<crate::modern::summary::ModernSummary>,
}

impl Sim {
    /// Summarise the current state.
    pub fn summary(&self) -> Summary {
        summarize(self, self.state(), self.findings().len())
    }
}

/// Summarise `st` as seen by `sim`'s configuration, with the first `n_findings` findings.
pub fn summarize(sim: &Sim, st: &crate::state::State, n_findings: usize) -> Summary {
    // A Linux 6.12 machine has neither 3.3's four pools nor its accounting zones (mspec 9.2,
    // 9.3): its summary lists none, so a replayed 3.3 query of them is a located notice rather
    // than a 0 read from structures that kernel does not have.
    let v3 = st.modern.is_none();
    Summary {
        pools: if v3 { pools(st) } else { Vec::new() },
        dma_pools: if v3 { dma_pools(st) } else { Vec::new() },
        zones: if v3 { zones(st) } else { Vec::new() },
        swap_work_queued: st.swap_work_queued,
        tts: st
            .tts
            .iter()
            .map(|t| TtChange::of(t, st.modern.is_some()).summary())
            .collect(),
        bos: st.bos.iter().map(|b| bo_summary(st, b)).collect(),
        pages_out_of_system: st.pages_out_of_system(),
        leaked: st.phys.leaked.len() as u64,
        findings: sim.findings()[..n_findings.min(sim.findings().len())]
            .iter()
            .map(|(_, f)| finding_name(f))
            .collect(),
        modern: st.modern.as_deref().map(|m| {
            crate::modern::summary::with_tts(crate::modern::summary::summarize(m), &st.tts)
        }),
    }
}

fn pools(st: &crate::state::State) -> Vec<PoolSummary> {
    st.pools
        .iter()
        .map(|p| PoolSummary {
            name: p.name.clone(),
            npages: p.npages,
            nrefills: p.nrefills,
            nfrees: p.nfrees,
        })
        .collect()
}

fn dma_pools(st: &crate::state::State) -> Vec<DmaPoolSummary> {
    st.dma_pools.iter().map(dma_pool_summary).collect()
}

fn dma_pool_summary(p: &crate::state::DmaPool) -> DmaPoolSummary {
    DmaPoolSummary {
        name: p.name.clone(),
        npages_free: p.npages_free,
        npages_in_use: p.npages_in_use,
        nrefills: p.nrefills,
        nfrees: p.nfrees,
    }
}

fn zones(st: &crate::state::State) -> Vec<ZoneSummary> {
    st.zones.iter().map(zone_summary).collect()
}

fn zone_summary(z: &crate::state::MemZone) -> ZoneSummary {
    ZoneSummary {
        name: z.name.clone(),
        zone_mem: z.zone_mem,
        max_mem: z.max_mem,
        emer_mem: z.emer_mem,
        swap_limit: z.swap_limit,
        used_mem: z.used_mem,
    }
}

fn bo_summary(st: &crate::state::State, b: &crate::bo_state::Bo) -> BoSummary {
    BoSummary {
        id: b.id,
        alive: b.alive,
        ghost: b.ghost,
        device: b.device,
        mem_type: b.mem.mem_type,
        placement: b.mem.placement,
        start: b.mem.start,
        offset: b.offset,
        tt: b.tt,
        evicted: b.evicted,
        lru_pos: st
            .man(b.device, b.mem.mem_type)
            .lru
            .iter()
            .position(|&x| x == b.id),
        swap_lru_pos: st.list(LIST_SWAP).iter().position(|&x| x == b.id),
        busy: b.fence.is_some_and(|f| !st.fences[f as usize].signaled),
        data: bo_data(st, b),
    }
}

/// What one step changed in the [`Summary`]: the entries that differ from the summary before
/// it, so a step record costs what the step changed, not the size of the machine (issue 16).
/// Pools, DMA pools and zones are few and are compared every step; tts and buffer objects are
/// looked at only when the step's deltas touched them (the run's summary tracker).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SummaryChanges {
    /// The changed entries, in summary order (pools, DMA pools, zones, swap work, tts, BOs,
    /// findings).
    pub entries: Vec<Change>,
    /// `pages_out_of_system` after the step.
    pub pages_out_of_system: u64,
    /// `leaked` after the step.
    pub leaked: u64,
}

/// One changed summary entry, as small as it can be: the counters that change often are kept
/// inline, rarer and larger entries boxed (a change is 32 bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A normal pool's counters (its name never changes).
    Pool {
        /// Index in [`Summary::pools`].
        index: u8,
        /// npages.
        npages: u64,
        /// nrefills.
        nrefills: u64,
        /// nfrees.
        nfrees: u64,
    },
    /// A DMA pool that changed or was created, with its index.
    DmaPool(Box<(usize, DmaPoolSummary)>),
    /// A zone whose only change is `used_mem`.
    ZoneUsed {
        /// Index in [`Summary::zones`].
        index: u8,
        /// used_mem.
        used_mem: u64,
    },
    /// A zone whose limits changed, with its index.
    Zone(Box<(usize, ZoneSummary)>),
    /// The new value of `swap_work_queued`.
    SwapWorkQueued(bool),
    /// A tt that changed or was created.
    Tt(TtChange),
    /// A buffer object that changed or was created.
    Bo(Box<BoSummary>),
    /// A finding the step added.
    Finding(String),
    /// A Linux 6.12 machine's modern summary, when the step changed it (compared whole: those
    /// machines are small, and their state is the modern model's own, mspec 1).
    Modern(Box<crate::modern::summary::ModernSummary>),
}

/// A tt's summary in 20 bytes: the enums it is printed from ([`TtChange::summary`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TtChange {
    id: u32,
    num_pages: u32,
    pages: u32,
    page_flags: u32,
    state: crate::consts::TtState,
    caching: crate::consts::Caching,
    alive: bool,
    swapped: bool,
    /// A Linux 6.12 tt (its flags are TTM_TT_FLAG_* bits).
    modern: bool,
}

impl TtChange {
    /// The tt's entry; `modern`: on a Linux 6.12 machine, whose tts carry the TTM_TT_FLAG_* bits
    /// (mspec 1.1).
    fn of(t: &crate::state::Tt, modern: bool) -> TtChange {
        TtChange {
            id: t.id,
            num_pages: t.num_pages,
            pages: t.pages_present(),
            page_flags: t.page_flags,
            state: t.state,
            caching: t.caching,
            alive: t.alive,
            swapped: if modern {
                t.page_flags & crate::modern::tt_flags::SWAPPED != 0
            } else {
                t.swapped()
            },
            modern,
        }
    }

    /// The tt's [`TtSummary`].
    pub fn summary(&self) -> TtSummary {
        TtSummary {
            id: self.id,
            state: if self.alive {
                self.state.kernel_name().to_string()
            } else {
                "destroyed".to_string()
            },
            caching: self.caching.kernel_name().to_string(),
            flags: if self.modern {
                crate::modern::tt_flags::describe(self.page_flags)
            } else {
                crate::consts::page_flags::describe(self.page_flags)
            },
            num_pages: self.num_pages,
            pages: self.pages,
            swapped: self.swapped,
        }
    }
}

impl Serialize for TtChange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.summary().serialize(s)
    }
}

fn put<T: Clone>(list: &mut Vec<T>, i: usize, v: T) {
    match list.get_mut(i) {
        Some(x) => *x = v,
        // Entries are created in index order, so a new one is the next.
        None => list.push(v),
    }
}

impl Summary {
    /// Apply the changes of one step: the summary before the step becomes the one after it.
    pub fn apply(&mut self, c: &SummaryChanges) {
        for e in &c.entries {
            match e {
                Change::Pool {
                    index,
                    npages,
                    nrefills,
                    nfrees,
                } => {
                    if let Some(p) = self.pools.get_mut(*index as usize) {
                        (p.npages, p.nrefills, p.nfrees) = (*npages, *nrefills, *nfrees);
                    }
                }
                Change::DmaPool(b) => put(&mut self.dma_pools, b.0, b.1.clone()),
                Change::ZoneUsed { index, used_mem } => {
                    if let Some(z) = self.zones.get_mut(*index as usize) {
                        z.used_mem = *used_mem;
                    }
                }
                Change::Zone(b) => put(&mut self.zones, b.0, b.1.clone()),
                Change::SwapWorkQueued(q) => self.swap_work_queued = *q,
                Change::Tt(t) => put(&mut self.tts, t.id as usize, t.summary()),
                Change::Bo(b) => put(&mut self.bos, b.id as usize, (**b).clone()),
                Change::Finding(f) => self.findings.push(f.clone()),
                Change::Modern(m) => self.modern = Some((**m).clone()),
            }
        }
        self.pages_out_of_system = c.pages_out_of_system;
        self.leaked = c.leaked;
    }
}

/// The summary kept up to date step by step: after each step, [`SummaryTracker::step`] is told
/// which tts and buffer objects the step's deltas touched ([`Touched`], kept by `Sim::d`),
/// summarises only those (and the few pools and zones), and returns what changed. [`summarize`] of the same state
/// gives the same summary (`core/tests/summary.rs` checks it at every step of every
/// walkthrough and of random problems).
#[derive(Clone, Debug)]
pub(crate) struct SummaryTracker {
    current: Summary,
    /// For each tt, the buffer objects that have held it (a tt change may change their data).
    tt_bos: std::collections::HashMap<u32, Vec<u32>>,
}

/// Which tts and buffer objects a step's deltas touched: kept by [`Sim::d`](crate::sim::Sim)
/// as each delta is applied (issue 16: the step's events are not decoded again to find them),
/// and taken by the run after each step for [`SummaryTracker::step`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Touched {
    /// The tt of the last page move noted: a populate moves its pages one by one into one tt,
    /// so the set is looked up once per run of moves, not once per page.
    last_tt: Option<u32>,
    tts: std::collections::BTreeSet<u32>,
    bos: std::collections::BTreeSet<u32>,
    lists: std::collections::BTreeSet<u8>,
    fences: std::collections::BTreeSet<u32>,
    /// Page, swap or on-card contents changed: every buffer object's data is looked at again.
    contents: bool,
}

impl Touched {
    /// Note what `d` touches. The match names every [`Delta`](crate::state::Delta): a new kind
    /// of state change must say here which summary entries it can change.
    pub(crate) fn delta(&mut self, d: &crate::state::Delta) {
        use crate::state::{Delta, Loc, Var};
        match d {
            Delta::PageMove { from, to, .. } => {
                for l in [from, to] {
                    if let Loc::Tt { tt, .. } = l {
                        if self.last_tt != Some(*tt) {
                            self.tts.insert(*tt);
                            self.last_tt = Some(*tt);
                        }
                    }
                }
            }
            Delta::TtNew { id, .. } => {
                self.tts.insert(*id);
            }
            // The 6.12 model's own state: its summary is compared whole every step
            // (`Change::Modern`); its tts change through the shared deltas.
            Delta::Modern(_) => {}
            Delta::Set { var, .. } => match var {
                Var::TtState(t)
                | Var::TtCaching(t)
                | Var::TtFlags(t)
                | Var::TtSwap(t)
                | Var::TtAlive(t)
                | Var::TtFirstHimem(t)
                | Var::TtLastLomem(t)
                | Var::TtAgpMem(t) => {
                    self.tts.insert(*t);
                }
                Var::Bo(b, _) => {
                    self.bos.insert(*b);
                }
                Var::FenceSignaled(f) => {
                    self.fences.insert(*f);
                }
                // Pools, zones and the swap work are compared every step; the rest is not in
                // the summary.
                _ => {}
            },
            Delta::BoNew { id, .. } => {
                self.bos.insert(*id);
            }
            Delta::Lru { list, bo, .. } => {
                self.bos.insert(*bo);
                self.lists.insert(*list);
            }
            Delta::Node { bo, .. } => {
                self.bos.insert(*bo);
            }
            Delta::PageContent { .. } | Delta::SwapWrite { .. } | Delta::IoContent { .. } => {
                self.contents = true
            }
            // Not in the summary, or compared every step (counters of pools and zones).
            Delta::PageAttr { .. }
            | Delta::Count { .. }
            | Delta::SwapNew { .. }
            | Delta::ManagerInit { .. }
            | Delta::FenceNew { .. }
            | Delta::DmaPoolNew { .. } => {}
        }
    }
}

impl SummaryTracker {
    /// The tracker at `sim`'s boot state (no findings yet).
    pub(crate) fn boot(sim: &Sim) -> SummaryTracker {
        let current = summarize(sim, sim.boot_state(), 0);
        let mut tt_bos: std::collections::HashMap<u32, Vec<u32>> = Default::default();
        for b in &current.bos {
            if let Some(t) = b.tt {
                tt_bos.entry(t).or_default().push(b.id);
            }
        }
        SummaryTracker { current, tt_bos }
    }

    /// The summary after the last step given to [`SummaryTracker::step`].
    pub(crate) fn current(&self) -> &Summary {
        &self.current
    }

    /// Bring the summary to `sim`'s current state, which the deltas applied since the last
    /// [`Sim::take_touched`] produced from the state of the previous call (the run takes them
    /// before and after each step), and return what changed.
    pub(crate) fn step(&mut self, sim: &Sim, touched: Touched) -> SummaryChanges {
        let st = sim.state();
        let was = &self.current;
        let mut entries = Vec::new();
        // Compared field by field: a step that changes no pool or zone allocates nothing here.
        // A 6.12 machine has no 3.3 pools or zones (see `summarize`).
        let v3 = st.modern.is_none();
        for (i, p) in st.pools.iter().enumerate().filter(|_| v3) {
            let same = was.pools.get(i).is_some_and(|w| {
                (w.npages, w.nrefills, w.nfrees) == (p.npages, p.nrefills, p.nfrees)
            });
            if !same {
                entries.push(Change::Pool {
                    index: i as u8,
                    npages: p.npages,
                    nrefills: p.nrefills,
                    nfrees: p.nfrees,
                });
            }
        }
        for (i, p) in st.dma_pools.iter().enumerate().filter(|_| v3) {
            let same = was.dma_pools.get(i).is_some_and(|w| {
                (w.npages_free, w.npages_in_use, w.nrefills, w.nfrees)
                    == (p.npages_free, p.npages_in_use, p.nrefills, p.nfrees)
            });
            if !same {
                entries.push(Change::DmaPool(Box::new((i, dma_pool_summary(p)))));
            }
        }
        for (i, z) in st.zones.iter().enumerate().filter(|_| v3) {
            let limits = |w: &ZoneSummary| {
                (w.zone_mem, w.max_mem, w.emer_mem, w.swap_limit)
                    == (z.zone_mem, z.max_mem, z.emer_mem, z.swap_limit)
            };
            match was.zones.get(i) {
                Some(w) if limits(w) && w.used_mem == z.used_mem => {}
                Some(w) if limits(w) => entries.push(Change::ZoneUsed {
                    index: i as u8,
                    used_mem: z.used_mem,
                }),
                _ => entries.push(Change::Zone(Box::new((i, zone_summary(z))))),
            }
        }
        if was.swap_work_queued != st.swap_work_queued {
            entries.push(Change::SwapWorkQueued(st.swap_work_queued));
        }
        let mut bos = touched.bos;
        if touched.contents {
            bos.extend(0..st.bos.len() as u32);
        }
        for l in &touched.lists {
            bos.extend(st.list(*l).iter().copied());
        }
        if !touched.fences.is_empty() {
            bos.extend(
                st.bos
                    .iter()
                    .filter(|b| b.fence.is_some_and(|f| touched.fences.contains(&f)))
                    .map(|b| b.id),
            );
        }
        // Sets iterate in id order, so new tts and BOs come in creation order.
        for t in &touched.tts {
            if let Some(v) = self.tt_bos.get(t) {
                bos.extend(v.iter().copied());
            }
            if let Some(tt) = st.tts.get(*t as usize) {
                let c = TtChange::of(tt, st.modern.is_some());
                if was.tts.get(*t as usize) != Some(&c.summary()) {
                    entries.push(Change::Tt(c));
                }
            }
        }
        for b in bos {
            if let Some(bo) = st.bos.get(b as usize) {
                let s = bo_summary(st, bo);
                if was.bos.get(b as usize) != Some(&s) {
                    if let Some(t) = s.tt {
                        let holders = self.tt_bos.entry(t).or_default();
                        if !holders.contains(&s.id) {
                            holders.push(s.id);
                        }
                    }
                    entries.push(Change::Bo(Box::new(s)));
                }
            }
        }
        if let Some(m) = st.modern.as_deref() {
            let now =
                crate::modern::summary::with_tts(crate::modern::summary::summarize(m), &st.tts);
            if was.modern.as_ref() != Some(&now) {
                entries.push(Change::Modern(Box::new(now)));
            }
        }
        let from_finding = was.findings.len().min(sim.findings().len());
        for (_, f) in &sim.findings()[from_finding..] {
            entries.push(Change::Finding(finding_name(f)));
        }
        entries.shrink_to_fit();
        let c = SummaryChanges {
            entries,
            pages_out_of_system: st.pages_out_of_system(),
            leaked: st.phys.leaked.len() as u64,
        };
        self.current.apply(&c);
        c
    }
}

/// The variant name of a finding (`D1OverUncharge`).
pub fn finding_name(f: &crate::trace::Finding) -> String {
    let s = format!("{f:?}");
    s.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

impl Summary {
    /// Look up a dotted path: `pool.wc.npages`, `dma_pool.cached.npages_free`,
    /// `zone.kernel.used_mem`, `tt.0.state`, `bo.2.lru_pos`, `pages_out_of_system`, `findings`.
    /// Named collections (pool, dma_pool, zone) take a name; tt and bo take an id.
    pub fn query(&self, path: &str) -> Result<serde_json::Value, String> {
        // Only the part of the summary the path names is turned into JSON: a query costs the
        // size of one entry, not of the machine.
        fn json<T: Serialize>(v: &T) -> Result<serde_json::Value, String> {
            serde_json::to_value(v).map_err(|e| e.to_string())
        }
        fn by_name<T: Serialize>(
            list: &[T],
            name: &str,
        ) -> Result<Option<serde_json::Value>, String> {
            for x in list {
                let v = json(x)?;
                if v["name"] == name {
                    return Ok(Some(v));
                }
            }
            Ok(None)
        }
        let mut parts = path.split('.');
        let head = parts.next().unwrap_or("");
        let key = || {
            parts
                .clone()
                .next()
                .ok_or_else(|| format!("{path:?}: {head} needs a name or id, e.g. {head}.0"))
        };
        // Names may contain spaces ("wc dma"); underscores stand for them in paths.
        let item = match head {
            "pool" => by_name(&self.pools, &key()?.replace('_', " "))?,
            "dma_pool" => by_name(&self.dma_pools, &key()?.replace('_', " "))?,
            "zone" => by_name(&self.zones, &key()?.replace('_', " "))?,
            "tt" => match key()?.parse::<usize>().ok().and_then(|i| self.tts.get(i)) {
                Some(t) => Some(json(t)?),
                None => None,
            },
            // On a Linux 6.12 machine a replayed 3.3 `bo.N.field` reads the 6.12 BO's field of
            // the same name (mem_type, start, tt, swapped; mspec 9.6); a field 6.12 has not
            // (lru_pos, evicted, placement, ...) is then a located notice.
            "bo" => match (&self.modern, key()?.parse::<usize>().ok()) {
                (Some(m), Some(i)) => m.bos.get(i).map(json).transpose()?,
                (None, Some(i)) => self.bos.get(i).map(json).transpose()?,
                _ => None,
            },
            _ => {
                let top = match head {
                    "pools" => json(&self.pools)?,
                    "dma_pools" => json(&self.dma_pools)?,
                    "zones" => json(&self.zones)?,
                    "swap_work_queued" => json(&self.swap_work_queued)?,
                    "tts" => json(&self.tts)?,
                    "bos" => json(&self.bos)?,
                    "pages_out_of_system" => json(&self.pages_out_of_system)?,
                    "leaked" => json(&self.leaked)?,
                    "findings" => json(&self.findings)?,
                    "modern" => json(&self.modern)?,
                    _ => return Err(format!("no field {head:?} in {path:?}")),
                };
                let mut cur = &top;
                for p in parts {
                    // Arrays are indexed by number (`modern.bos.0.pin_count`).
                    let next = match (cur, p.parse::<usize>()) {
                        (serde_json::Value::Array(a), Ok(i)) => a.get(i),
                        _ => cur.get(p),
                    };
                    cur = next.ok_or_else(|| format!("no field {p:?} in {path:?}"))?;
                }
                return Ok(cur.clone());
            }
        };
        let key = key()?;
        parts.next();
        let mut cur = item.ok_or_else(|| format!("{path:?}: there is no {head} {key:?}"))?;
        for p in parts {
            cur = cur
                .get(p)
                .cloned()
                .ok_or_else(|| format!("{path:?}: no field {p:?}"))?;
        }
        Ok(cur)
    }
}

fn is_device_0(d: &u8) -> bool {
    *d == 0
}

/// Classify what a buffer object holds (for "does the data survive?").
fn bo_data(st: &crate::state::State, b: &crate::bo_state::Bo) -> String {
    use crate::state::CONTENT_STALE;
    let fixed = st.man(b.device, b.mem.mem_type).flags & crate::bo::MEMTYPE_FIXED != 0;
    let man = crate::bo_state::man_index(b.device, b.mem.mem_type) as u8;
    let tt = b.tt.map(|t| &st.tts[t as usize]);
    let page = |i: u32| -> Option<u32> {
        if fixed {
            return Some(
                *st.io_contents
                    .get(&(man, b.mem.start + i as u64))
                    .unwrap_or(&CONTENT_STALE),
            );
        }
        let t = tt?;
        match t.pages.get(i as usize).copied().flatten() {
            Some(pfn) => st.phys.page(pfn).map(|p| p.content),
            None => t
                .swap_storage
                .and_then(|f| st.swap_files[f as usize].contents.get(i as usize).copied()),
        }
    };
    let pages: Vec<Option<u32>> = (0..b.num_pages).map(page).collect();
    crate::query::contents_word(&pages)
}
