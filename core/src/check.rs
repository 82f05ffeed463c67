//! The invariant checker (spec 11). It runs at the end of every user action and reports what is
//! broken as [`Finding`]s; it never panics. In fixed mode nothing is ever reported for E2/E3.
//!
//! Two ways reach the same findings. [`check`] walks the whole state: every page of every free
//! list, pool and tt. [`Watch`] follows the deltas of an action as [`Sim::d`] applies them and
//! keeps counters (pages per tt, bytes charged by tts, pages whose attribute is wrong for where
//! they are), so that [`Watch::check`] costs what the action touched, not the size of the
//! machine (issue 16: a 10^6-step scenario over a 512-page pool). Where a counter says an
//! invariant is broken, the watch asks the full walk of that invariant for the exact finding;
//! where a delta does something the counters cannot follow, the next check is the full one.
//! Debug builds (the tests and the stress harness) compare both after every action.

use crate::consts::{Attr, TtState, PAGE_SIZE};
use crate::sim::Sim;
use crate::state::{dma_type, Delta, Loc, State, Tt, Var};
use crate::trace::Finding;
use std::collections::{BTreeSet, VecDeque};

/// Check every invariant of spec 11 against the current state, walking all of it.
pub(crate) fn check(sim: &Sim) -> Vec<Finding> {
    if sim.is_modern() {
        // Linux 6.12 has its own invariants (mspec 11.1).
        return crate::modern::check::check(sim);
    }
    let st = sim.state();
    let post_seed = !sim.config().era.pre_seed();
    let mut out = Vec::new();
    out.extend(conservation(st));
    counts(st, &mut out);
    accounting(st, bo_charges(st), &tt_charges(sim), &mut out);
    out.extend(
        st.tts
            .iter()
            .filter(|t| !tt_state_ok(t, t.pages_present(), post_seed))
            .map(|t| Finding::TtStateMismatch { tt: t.id }),
    );
    out.extend(attributes(sim));
    out.extend(bo_lists(st));
    // AGP memory objects: a live tt holds at most one; a destroyed one none (O4 leaks).
    if let Some(t) = st.tts.iter().find(|t| !agp_ok(t)) {
        out.push(Finding::AgpMemLeaked { tt: t.id });
    }
    out.extend(swap_files(st));
    out
}

/// A page is in exactly one place (spec 11): count every reference to every handed-out page;
/// the first page referenced outside memory handed out, or else the lowest referenced other
/// than once.
fn conservation(st: &State) -> Option<Finding> {
    let mut seen: Vec<Vec<u8>> = st
        .phys
        .zones
        .iter()
        .map(|z| vec![0u8; (z.bump - z.start) as usize])
        .collect();
    let mut stray = None;
    let mut mark = |pfn: u64| {
        let zi = st.phys.zone_of(pfn);
        let z = &st.phys.zones[zi];
        match seen[zi].get_mut((pfn.wrapping_sub(z.start)) as usize) {
            Some(c) => *c = c.saturating_add(1),
            None => stray = stray.or(Some(pfn)),
        }
    };
    for z in &st.phys.zones {
        z.free.iter().for_each(|&p| mark(p));
    }
    st.pools
        .iter()
        .for_each(|p| p.list.iter().for_each(|&x| mark(x)));
    st.dma_pools
        .iter()
        .for_each(|p| p.free.iter().for_each(|&x| mark(x)));
    st.tts
        .iter()
        .for_each(|t| t.pages.iter().flatten().for_each(|&x| mark(x)));
    st.phys.locals.iter().flatten().for_each(|&x| mark(x));
    st.phys.leaked.iter().for_each(|&x| mark(x));
    let pfn = stray.or_else(|| {
        seen.iter().enumerate().find_map(|(zi, v)| {
            v.iter()
                .position(|&c| c != 1)
                .map(|i| st.phys.zones[zi].start + i as u64)
        })
    })?;
    Some(Finding::PageConservation { pfn })
}

/// Leaked pages, and pool bookkeeping: npages is the list length.
fn counts(st: &State, out: &mut Vec<Finding>) {
    if !st.phys.leaked.is_empty() {
        out.push(Finding::PagesLeaked {
            count: st.phys.leaked.len() as u64,
        });
    }
    for (i, p) in st.pools.iter().enumerate() {
        if p.npages != p.list.len() as u64 {
            out.push(Finding::PoolCountMismatch {
                pool: i as u8,
                npages: p.npages,
                listed: p.list.len() as u64,
            });
        }
    }
}

/// Bytes charged for the live BOs (their acc_size).
fn bo_charges(st: &State) -> u64 {
    st.bos.iter().filter(|b| b.alive).map(|b| b.acc_size).sum()
}

/// Bytes the pages of live tts charge to each accounting zone (spec 5.3's scope of a page).
fn tt_charges(sim: &Sim) -> Vec<u64> {
    let st = sim.state();
    let mut by_zone = vec![0; st.zones.len()];
    for t in st.tts.iter().filter(|t| t.alive) {
        for &pfn in t.pages.iter().flatten() {
            charge(sim, pfn, &mut by_zone, true);
        }
    }
    by_zone
}

/// Add (or take away) one page's charge to the zones in its scope, wrapping as the counters do.
fn charge(sim: &Sim, pfn: u64, by_zone: &mut [u64], add: bool) {
    let scope = sim.page_charge_scope(pfn);
    for (z, e) in by_zone.iter_mut().enumerate() {
        if scope.has(z) {
            *e = if add {
                e.wrapping_add(PAGE_SIZE)
            } else {
                e.wrapping_sub(PAGE_SIZE)
            };
        }
    }
}

/// Accounting: used_mem = charged tt pages + charged objects (spec 11).
fn accounting(st: &State, bos: u64, tts: &[u64], out: &mut Vec<Finding>) {
    for (z, zone) in st.zones.iter().enumerate() {
        let expected = st.obj_charged.wrapping_add(bos).wrapping_add(tts[z]);
        let diff = zone.used_mem.wrapping_sub(expected) as i64;
        if diff != 0 {
            out.push(Finding::AccountingMismatch {
                zone: z as u8,
                diff,
            });
        }
    }
}

/// tt state: U has no pages, N/B have all (E2/E3 only); destroyed tts hold nothing.
fn tt_state_ok(t: &Tt, present: u32, post_seed: bool) -> bool {
    if !t.alive {
        present == 0
    } else if !post_seed {
        true
    } else if t.state == TtState::Unpopulated {
        present == 0
    } else {
        present == t.num_pages
    }
}

/// A live tt holds at most one AGP memory object, a destroyed one none (O4 leaks).
fn agp_ok(t: &Tt) -> bool {
    t.agp_mem <= u32::from(t.alive)
}

/// The attribute a DMA pool's pages carry (spec 4.2: its type bits).
fn dma_attr(ptype: u8) -> Attr {
    if ptype & dma_type::IS_WC != 0 {
        Attr::Wc
    } else if ptype & dma_type::IS_UC != 0 {
        Attr::Uc
    } else {
        Attr::Wb
    }
}

/// The attribute a live, populated tt's lowmem pages carry (E2/E3), None when its pages are not
/// checked (observation O1 before the seed).
fn tt_want(
    alive: bool,
    state: TtState,
    caching: crate::consts::Caching,
    post_seed: bool,
) -> Option<Attr> {
    (post_seed && alive && state != TtState::Unpopulated).then(|| caching.attr())
}

/// Attributes: pool pages carry the pool's attribute, system pages are write-back, and the
/// lowmem pages of a populated tt carry its caching (E2/E3; observation O1 before the seed).
/// The first page found that does not.
fn attributes(sim: &Sim) -> Option<Finding> {
    let st = sim.state();
    let post_seed = !sim.config().era.pre_seed();
    let attr = |pfn: u64| attr_of(st, pfn);
    let mut bad_attr = None;
    for z in &st.phys.zones {
        if let Some(&p) = z.free.iter().find(|&&p| attr(p) != Attr::Wb) {
            bad_attr = bad_attr.or(Some(p));
        }
    }
    if post_seed {
        for p in &st.pools {
            let want = p.caching.attr();
            if let Some(&x) = p
                .list
                .iter()
                .find(|&&x| !sim.is_highmem(x) && attr(x) != want)
            {
                bad_attr = bad_attr.or(Some(x));
            }
        }
        for p in &st.dma_pools {
            let want = dma_attr(p.ptype);
            if let Some(&x) = p.free.iter().find(|&&x| attr(x) != want) {
                bad_attr = bad_attr.or(Some(x));
            }
        }
        for t in &st.tts {
            let Some(want) = tt_want(t.alive, t.state, t.caching, post_seed) else {
                continue;
            };
            if let Some(&x) = t
                .pages
                .iter()
                .flatten()
                .find(|&&x| !sim.is_highmem(x) && attr(x) != want)
            {
                bad_attr = bad_attr.or(Some(x));
            }
        }
    }
    bad_attr.map(|pfn| Finding::PageAttrMismatch { pfn })
}

/// A page's kernel-mapping attribute (write-back for a page never handed out).
fn attr_of(st: &State, pfn: u64) -> Attr {
    st.phys.page(pfn).map_or(Attr::Wb, |p| p.attr)
}

/// Buffer objects (spec 11): a BO is on LRUs only while unreserved, on its own type's LRU of its
/// own device (every device's managers are searched, spec 6.1), on the (global) swap LRU only
/// with a tt, on no other device's delayed-destroy list; a BO with a node owns exactly that node
/// of its own device's manager.
fn bo_lists(st: &State) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in st.bos.iter().filter(|b| b.alive) {
        let own = crate::bo_state::man_index(b.device, b.mem.mem_type);
        let on_types: Vec<usize> = (0..st.managers.len())
            .filter(|&t| st.managers[t].lru.contains(&b.id))
            .collect();
        let on_swap = st.swap_lru.contains(&b.id);
        let foreign_ddestroy = st
            .ddestroy
            .iter()
            .enumerate()
            .any(|(d, l)| d != b.device as usize && l.contains(&b.id));
        let lru_ok = on_types.iter().all(|&t| t == own)
            && on_types.len() <= 1
            && !(b.reserved && (on_swap || !on_types.is_empty()))
            && (!on_swap || b.tt.is_some())
            && !foreign_ddestroy;
        let node_ok = !b.mem.has_node
            || st.managers[own]
                .nodes
                .get(&b.mem.start)
                .is_some_and(|n| n.bo == b.id);
        if !lru_ok || !node_ok {
            out.push(Finding::BoListMismatch { bo: b.id });
        }
    }
    out
}

/// Swap files: a TTM-owned file nobody references must have been released (D8 leaks one).
fn swap_files(st: &State) -> Vec<Finding> {
    let referenced: BTreeSet<u32> = st
        .tts
        .iter()
        .filter(|t| t.alive)
        .filter_map(|t| t.swap_storage)
        .collect();
    st.swap_files
        .iter()
        .filter(|f| !f.released && !f.persistent && !referenced.contains(&f.id))
        .map(|f| Finding::SwapFileLeaked { file: f.id })
        .collect()
}

/// Where a handed-out page is, as far as the attribute rule cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Not checked: a private list, leaked.
    Elsewhere,
    /// System free memory (write-back).
    Free,
    /// A normal pool.
    Pool(u8),
    /// A DMA pool's free list.
    Dma(u16),
    /// A tt's page array.
    Tt(u32),
}

impl Place {
    fn of(at: Loc) -> Place {
        match at {
            Loc::Free => Place::Free,
            Loc::Pool { pool, .. } => Place::Pool(pool),
            Loc::Dma { pool, .. } => Place::Dma(pool),
            Loc::Tt { tt, .. } => Place::Tt(tt),
            Loc::Fresh | Loc::Local { .. } | Loc::Leaked | Loc::MPool { .. } => Place::Elsewhere,
        }
    }
}

/// The page at the `end` of a list.
fn end_of(l: &VecDeque<u64>, end: crate::state::End) -> Option<u64> {
    match end {
        crate::state::End::Head => l.front().copied(),
        crate::state::End::Tail => l.back().copied(),
    }
}

/// The incremental checker: counters kept up to date by every delta of a 3.3 machine (a 6.12
/// machine has none: `Sim` checks it by the full walk), from which
/// the findings of [`check`] follow in time proportional to what an action touched.
///
/// Page conservation needs no counter: starting from a state where every handed-out page is in
/// exactly one place, a move that takes its page from where the delta says and puts it where
/// nothing is overwritten keeps it so. A move that does not (a model bug; debug builds assert
/// it in `State::apply`) makes the next check the full walk, which rebuilds the counters; so
/// does a state in which conservation is already broken.
#[derive(Clone, Debug, Default)]
pub(crate) struct Watch {
    /// The counters describe the current state. False at boot, after a move the counters cannot
    /// follow and while conservation is broken: the next check is then the full walk.
    valid: bool,
    /// Per physical zone, indexed by `pfn - start`: where each handed-out page is.
    place: Vec<Vec<Place>>,
    /// Pages present per tt.
    present: Vec<u32>,
    /// Bytes the pages of live tts charge, per accounting zone.
    tt_charge: Vec<u64>,
    /// Pages whose attribute differs from what their place requires.
    bad_attrs: u64,
    /// Tts whose state disagrees with their pages.
    bad_state: BTreeSet<u32>,
    /// Tts holding AGP memory objects they should not.
    bad_agp: BTreeSet<u32>,
    /// acc_size of the live BOs.
    bo_charge: u64,
    /// The BO-list findings of the last check.
    bo_findings: Vec<Finding>,
    /// The swap-file findings of the last check.
    swap_findings: Vec<Finding>,
    /// Tts touched by the action so far (consecutive repeats dropped).
    dirty_tts: Vec<u32>,
    /// A BO, an LRU, a node or a manager changed.
    bos_dirty: bool,
    /// A swap file, a tt's swap storage or a tt's life changed.
    swap_dirty: bool,
}

impl Watch {
    /// Follow `d`, about to be applied to `sim`'s state.
    pub(crate) fn note(&mut self, sim: &Sim, d: &Delta) {
        if !self.valid {
            return;
        }
        let st = sim.state();
        let post_seed = !sim.config().era.pre_seed();
        match *d {
            Delta::PageMove { pfn, from, to } => {
                if !found_at(st, pfn, from) || !room_at(st, to) {
                    self.valid = false;
                    return;
                }
                let zi = st.phys.zone_of(pfn);
                let idx = (pfn - st.phys.zones[zi].start) as usize;
                if from == Loc::Fresh {
                    if self.place[zi].len() != idx {
                        self.valid = false;
                        return;
                    }
                    self.place[zi].push(Place::Elsewhere);
                }
                let attr = attr_of(st, pfn);
                let (old, new) = (Place::of(from), Place::of(to));
                self.bad_attrs -= u64::from(self.bad(sim, pfn, attr, old));
                self.bad_attrs += u64::from(self.bad(sim, pfn, attr, new));
                for (at, add) in [(from, false), (to, true)] {
                    if let Loc::Tt { tt, .. } = at {
                        let n = &mut self.present[tt as usize];
                        *n = if add { *n + 1 } else { *n - 1 };
                        if st.tts[tt as usize].alive {
                            charge(sim, pfn, &mut self.tt_charge, add);
                        }
                        self.touch(tt);
                    }
                }
                self.place[zi][idx] = new;
            }
            Delta::PageAttr { pfn, new, .. } => {
                if st.phys.page(pfn).is_none() {
                    return; // never handed out: applying it changes nothing
                }
                let zi = st.phys.zone_of(pfn);
                let at = self.place[zi][(pfn - st.phys.zones[zi].start) as usize];
                self.bad_attrs -= u64::from(self.bad(sim, pfn, attr_of(st, pfn), at));
                self.bad_attrs += u64::from(self.bad(sim, pfn, new, at));
            }
            Delta::Set { var, new, .. } if st.var(var) != new => match var {
                Var::TtState(t) | Var::TtCaching(t) | Var::TtAlive(t) => {
                    let tt = &st.tts[t as usize];
                    let (mut alive, mut state, mut caching) = (tt.alive, tt.state, tt.caching);
                    let before = tt_want(alive, state, caching, post_seed);
                    match var {
                        Var::TtState(_) => {
                            state = TtState::from_u8(new as u8).unwrap_or(TtState::Unpopulated)
                        }
                        Var::TtCaching(_) => {
                            caching = crate::consts::Caching::from_u8(new as u8)
                                .unwrap_or(crate::consts::Caching::Cached)
                        }
                        _ => alive = new != 0,
                    }
                    let after = tt_want(alive, state, caching, post_seed);
                    for &pfn in tt.pages.iter().flatten() {
                        let ok = !sim.is_highmem(pfn);
                        let a = attr_of(st, pfn);
                        let was = ok && before.is_some_and(|w| w != a);
                        let now = ok && after.is_some_and(|w| w != a);
                        self.bad_attrs = self.bad_attrs - u64::from(was) + u64::from(now);
                        if alive != tt.alive {
                            charge(sim, pfn, &mut self.tt_charge, alive);
                        }
                    }
                    self.swap_dirty |= alive != tt.alive;
                    self.touch(t);
                }
                Var::TtAgpMem(t) => self.touch(t),
                Var::TtSwap(_) | Var::SwapReleased(_) => self.swap_dirty = true,
                Var::Bo(..) => self.bos_dirty = true,
                _ => {}
            },
            Delta::TtNew { id, .. } => {
                if id as usize != self.present.len() {
                    self.valid = false;
                    return;
                }
                self.present.push(0);
                self.touch(id);
            }
            Delta::SwapNew { .. } => self.swap_dirty = true,
            Delta::BoNew { .. } | Delta::Lru { .. } | Delta::Node { .. } => self.bos_dirty = true,
            Delta::ManagerInit { .. } => self.bos_dirty = true,
            Delta::Modern(_) => self.valid = false,
            Delta::Set { .. }
            | Delta::Count { .. }
            | Delta::PageContent { .. }
            | Delta::SwapWrite { .. }
            | Delta::IoContent { .. }
            | Delta::FenceNew { .. }
            | Delta::DmaPoolNew { .. } => {}
        }
    }

    /// The findings of [`check`] for the current state, from the counters when they are valid.
    pub(crate) fn check(&mut self, sim: &Sim) -> Vec<Finding> {
        if !self.valid {
            let out = check(sim);
            if !out
                .iter()
                .any(|f| matches!(f, Finding::PageConservation { .. }))
            {
                self.rebuild(sim, &out);
            }
            return out;
        }
        let st = sim.state();
        let post_seed = !sim.config().era.pre_seed();
        let mut out = Vec::new();
        counts(st, &mut out);
        if self.bos_dirty {
            self.bo_charge = bo_charges(st);
        }
        accounting(st, self.bo_charge, &self.tt_charge, &mut out);
        for t in std::mem::take(&mut self.dirty_tts) {
            let tt = &st.tts[t as usize];
            mark(
                &mut self.bad_state,
                t,
                tt_state_ok(tt, self.present[t as usize], post_seed),
            );
            mark(&mut self.bad_agp, t, agp_ok(tt));
        }
        out.extend(
            self.bad_state
                .iter()
                .map(|&tt| Finding::TtStateMismatch { tt }),
        );
        if self.bad_attrs > 0 {
            out.extend(attributes(sim));
        }
        if std::mem::take(&mut self.bos_dirty) {
            self.bo_findings = bo_lists(st);
        }
        out.extend_from_slice(&self.bo_findings);
        out.extend(self.bad_agp.first().map(|&tt| Finding::AgpMemLeaked { tt }));
        if std::mem::take(&mut self.swap_dirty) {
            self.swap_findings = swap_files(st);
        }
        out.extend_from_slice(&self.swap_findings);
        out
    }

    /// Page `pfn` with attribute `attr` at `at` breaks the attribute rule.
    fn bad(&self, sim: &Sim, pfn: u64, attr: Attr, at: Place) -> bool {
        let st = sim.state();
        let post_seed = !sim.config().era.pre_seed();
        let want = match at {
            Place::Elsewhere => None,
            Place::Free => Some(Attr::Wb),
            Place::Pool(p) => {
                (post_seed && !sim.is_highmem(pfn)).then(|| st.pools[p as usize].caching.attr())
            }
            Place::Dma(p) => post_seed.then(|| dma_attr(st.dma_pools[p as usize].ptype)),
            Place::Tt(t) => {
                let t = &st.tts[t as usize];
                tt_want(t.alive, t.state, t.caching, post_seed).filter(|_| !sim.is_highmem(pfn))
            }
        };
        want.is_some_and(|w| w != attr)
    }

    fn touch(&mut self, tt: u32) {
        if self.dirty_tts.last() != Some(&tt) {
            self.dirty_tts.push(tt);
        }
    }

    /// Count everything afresh from a state whose pages are each in one place; `found` is what
    /// the full check found in it.
    fn rebuild(&mut self, sim: &Sim, found: &[Finding]) {
        let st = sim.state();
        let post_seed = !sim.config().era.pre_seed();
        self.place = st
            .phys
            .zones
            .iter()
            .map(|z| vec![Place::Elsewhere; (z.bump - z.start) as usize])
            .collect();
        let mut put = |pfn: u64, at: Place| {
            let zi = st.phys.zone_of(pfn);
            self.place[zi][(pfn - st.phys.zones[zi].start) as usize] = at;
        };
        for z in &st.phys.zones {
            z.free.iter().for_each(|&p| put(p, Place::Free));
        }
        for (i, p) in st.pools.iter().enumerate() {
            p.list.iter().for_each(|&x| put(x, Place::Pool(i as u8)));
        }
        for (i, p) in st.dma_pools.iter().enumerate() {
            p.free.iter().for_each(|&x| put(x, Place::Dma(i as u16)));
        }
        for t in &st.tts {
            t.pages
                .iter()
                .flatten()
                .for_each(|&x| put(x, Place::Tt(t.id)));
        }
        let mut bad = 0;
        for (zi, z) in st.phys.zones.iter().enumerate() {
            for (i, &at) in self.place[zi].iter().enumerate() {
                let pfn = z.start + i as u64;
                bad += u64::from(self.bad(sim, pfn, attr_of(st, pfn), at));
            }
        }
        self.bad_attrs = bad;
        self.present = st.tts.iter().map(Tt::pages_present).collect();
        self.tt_charge = tt_charges(sim);
        self.bad_state = st
            .tts
            .iter()
            .filter(|t| !tt_state_ok(t, t.pages_present(), post_seed))
            .map(|t| t.id)
            .collect();
        self.bad_agp = st.tts.iter().filter(|t| !agp_ok(t)).map(|t| t.id).collect();
        self.bo_charge = bo_charges(st);
        self.bo_findings = found
            .iter()
            .filter(|f| matches!(f, Finding::BoListMismatch { .. }))
            .copied()
            .collect();
        self.swap_findings = found
            .iter()
            .filter(|f| matches!(f, Finding::SwapFileLeaked { .. }))
            .copied()
            .collect();
        self.dirty_tts.clear();
        self.bos_dirty = false;
        self.swap_dirty = false;
        self.valid = true;
    }
}

/// Keep `t` in `bad` exactly when it is not `ok`.
fn mark(bad: &mut BTreeSet<u32>, t: u32, ok: bool) {
    if ok {
        bad.remove(&t);
    } else {
        bad.insert(t);
    }
}

/// Page `pfn` is where a move says it takes it from.
fn found_at(st: &State, pfn: u64, at: Loc) -> bool {
    let got = match at {
        Loc::Fresh => {
            let z = &st.phys.zones[st.phys.zone_of(pfn)];
            return z.bump == pfn && pfn < z.end;
        }
        Loc::Free => st.phys.zones[st.phys.zone_of(pfn)].free.last().copied(),
        Loc::Pool { pool, end } => st
            .pools
            .get(pool as usize)
            .and_then(|p| end_of(&p.list, end)),
        Loc::Dma { pool, end } => st
            .dma_pools
            .get(pool as usize)
            .and_then(|p| end_of(&p.free, end)),
        Loc::Tt { tt, slot } => st
            .tts
            .get(tt as usize)
            .and_then(|t| t.pages.get(slot as usize).copied().flatten()),
        Loc::Local { list, end } => st
            .phys
            .locals
            .get(list as usize)
            .and_then(|l| end_of(l, end)),
        Loc::Leaked => st.phys.leaked.last().copied(),
        Loc::MPool { .. } => None,
    };
    got == Some(pfn)
}

/// A move can put a page at `at` without overwriting one (forward moves never go back to
/// never-used memory).
fn room_at(st: &State, at: Loc) -> bool {
    match at {
        Loc::Free | Loc::Local { .. } | Loc::Leaked => true,
        Loc::Pool { pool, .. } => (pool as usize) < st.pools.len(),
        Loc::Dma { pool, .. } => (pool as usize) < st.dma_pools.len(),
        Loc::Tt { tt, slot } => st
            .tts
            .get(tt as usize)
            .and_then(|t| t.pages.get(slot as usize))
            .is_some_and(Option::is_none),
        Loc::Fresh | Loc::MPool { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{DriverConfig, MachineConfig};
    use crate::consts::placement::PL_VRAM;
    use crate::ops::{Action, Output};
    use crate::sim::Sim;
    use crate::trace::Finding;

    /// The BO checks look at every device (spec 6.1): a BO of device 1 found on device 0's
    /// VRAM LRU, or on device 0's delayed-destroy list, is a list mismatch.
    #[test]
    fn a_bo_on_another_devices_list_is_a_mismatch() {
        let mut sim = Sim::new(MachineConfig {
            devices: vec![DriverConfig::default()],
            ..MachineConfig::default()
        })
        .unwrap();
        let Ok(Output::Bo(bo)) = sim.run(&Action::BoCreate {
            pages: 2,
            placement: "vram".into(),
            kernel: false,
            via_ttm_bo_create: false,
            device: 1,
        }) else {
            panic!("BO created");
        };
        assert!(super::check(&sim).is_empty());
        let vram = PL_VRAM as u8;
        let mut moved = sim.clone();
        let own = crate::bo_state::man_index(1, vram);
        let other = crate::bo_state::man_index(0, vram);
        moved.state.managers[own].lru.clear();
        moved.state.managers[other].lru.push_back(bo);
        assert_eq!(super::check(&moved), vec![Finding::BoListMismatch { bo }]);
        let mut queued = sim.clone();
        queued.state.ddestroy[0].push_back(bo);
        assert_eq!(super::check(&queued), vec![Finding::BoListMismatch { bo }]);
    }
}
