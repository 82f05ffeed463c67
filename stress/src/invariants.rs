//! The harness's own invariant checker, written from spec 11 and spec 5.3 without calling the
//! model's `check`: it reads only the public state, so a defect in the model's checker cannot
//! hide a defect in the model.

use std::collections::HashMap;
use ttm_core::config::{Arch, LOWMEM_32};
use ttm_core::{Attr, Caching, Era, MachineConfig, State, TtState, PAGE_SIZE};

/// Which invariant a violation breaks. The names appear in reports and shrunk reproducers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A handed-out page is in no place, in two places, or a never-used page is referenced.
    PagePlace,
    /// Pages sit on the model's "leaked" list (lost by a kernel defect).
    Leaked,
    /// A pool's or DMA pool's page counter differs from its list.
    PoolCount,
    /// A zone's used_mem differs from what the charged pages and objects explain (spec 11).
    Accounting,
    /// A tt's state disagrees with its pages, or a destroyed tt still holds pages.
    TtState,
    /// SWAPPED without state U and swap storage.
    Swapped,
    /// A TTM-owned swap file nobody references was never released, or a released file is
    /// still a live tt's storage.
    SwapFile,
    /// A page's kernel-mapping attribute differs from where it is (spec 11).
    PageAttr,
    /// LRU membership or range ownership of a buffer object is wrong.
    BoLists,
    /// Linux 6.12 (mspec 11): a counter, pool type, resource list or usage disagrees.
    Modern,
}

/// One broken invariant with a description naming the objects involved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant.
    pub kind: Kind,
    /// What exactly is wrong.
    pub detail: String,
}

fn v(kind: Kind, detail: String) -> Violation {
    Violation { kind, detail }
}

/// The accounting zones a page is charged to (spec 5.3), as a bit mask over `zones` zones.
/// The D10 boundary page (pfn 0x100000 with a dma32 zone) may go either way: faithful mode
/// treats it as below 4 GiB, a fixed kernel as above; both are accepted there.
fn charge_masks(cfg: &MachineConfig, zones: usize, pfn: u64) -> (u32, u32) {
    let all = (1u32 << zones) - 1;
    match cfg.arch {
        Arch::X86_32Highmem => {
            let highmem = pfn >= LOWMEM_32 / PAGE_SIZE;
            let m = if highmem && zones > 1 { 0b10 } else { all };
            (m, m)
        }
        Arch::X86_64 => {
            const PFN_4G: u64 = 0x10_0000;
            if zones > 1 && pfn > PFN_4G {
                (0b01, 0b01)
            } else if zones > 1 && pfn == PFN_4G {
                (all, 0b01)
            } else {
                (all, all)
            }
        }
    }
}

fn is_highmem(cfg: &MachineConfig, pfn: u64) -> bool {
    cfg.arch == Arch::X86_32Highmem && pfn >= LOWMEM_32 / PAGE_SIZE
}

fn caching_attr(c: Caching) -> Attr {
    match c {
        Caching::Cached => Attr::Wb,
        Caching::Wc => Attr::Wc,
        Caching::Uncached => Attr::Uc,
    }
}

/// Every invariant of spec 11 the public state lets us check.
pub fn check(cfg: &MachineConfig, st: &State) -> Vec<Violation> {
    let mut out = Vec::new();
    if cfg.is_modern() {
        // Linux 6.12: the shared page places, then the modern rules (mspec 11.1), written apart
        // from the model's own checker.
        pages(st, &mut out);
        modern(st, &mut out);
        return out;
    }
    pages(st, &mut out);
    counters(st, &mut out);
    accounting(cfg, st, &mut out);
    tts(cfg, st, &mut out);
    swap_files(st, &mut out);
    attributes(cfg, st, &mut out);
    bos(st, &mut out);
    out
}

/// Every handed-out page (below its zone's bump pointer) is in exactly one place: system free
/// memory, one pool, one DMA pool, one tt slot, one call's private list, or the leaked list.
/// Counts first (cheap, run after every step); names of places only when something is wrong.
fn pages(st: &State, out: &mut Vec<Violation>) {
    let zones = &st.phys.zones;
    for z in zones {
        if z.bump < z.start || z.bump > z.end || z.pages.len() as u64 != z.bump - z.start {
            out.push(v(
                Kind::PagePlace,
                format!(
                    "zone {} bump {:#x} outside [{:#x}, {:#x}] or page records disagree",
                    z.name, z.bump, z.start, z.end
                ),
            ));
            return;
        }
    }
    let mut seen: Vec<Vec<u8>> = zones
        .iter()
        .map(|z| vec![0; (z.bump - z.start) as usize])
        .collect();
    let mut stray = None;
    for_each_place(st, |pfn, _| {
        let slot = zones
            .iter()
            .position(|z| (z.start..z.bump).contains(&pfn))
            .map(|zi| &mut seen[zi][(pfn - zones[zi].start) as usize]);
        match slot {
            Some(c) => *c = c.saturating_add(1),
            None => stray = stray.or(Some(pfn)),
        }
    });
    if let Some(pfn) = stray {
        out.push(v(
            Kind::PagePlace,
            format!("page {pfn:#x} was never handed out but is referenced"),
        ));
    }
    let bad: Vec<u64> = zones
        .iter()
        .zip(&seen)
        .flat_map(|(z, c)| {
            c.iter()
                .enumerate()
                .filter(|x| *x.1 != 1)
                .map(move |(i, _)| z.start + i as u64)
        })
        .take(4)
        .collect();
    for pfn in bad {
        let mut places = Vec::new();
        for_each_place(st, |p, place| {
            if p == pfn {
                places.push(place());
            }
        });
        let detail = if places.is_empty() {
            format!("page {pfn:#x} is nowhere")
        } else {
            format!("page {pfn:#x} is in {}", places.join(" and "))
        };
        out.push(v(Kind::PagePlace, detail));
    }
    if !st.phys.leaked.is_empty() {
        out.push(v(
            Kind::Leaked,
            format!("{} pages on the leaked list", st.phys.leaked.len()),
        ));
    }
}

/// Call `f(pfn, name)` for every page reference in the state; `name()` describes the place.
fn for_each_place(st: &State, mut f: impl FnMut(u64, &dyn Fn() -> String)) {
    for (zi, z) in st.phys.zones.iter().enumerate() {
        for &p in &z.free {
            f(p, &|| format!("free memory of zone {zi}"));
        }
    }
    if let Some(m) = st.modern.as_deref() {
        for (i, t) in m.pool_types.iter().enumerate() {
            for &x in &t.pages {
                f(x, &|| format!("6.12 pool type {i}"));
            }
        }
    }
    for (i, p) in st.pools.iter().enumerate() {
        for &x in &p.list {
            f(x, &|| format!("pool {i}"));
        }
    }
    for (i, p) in st.dma_pools.iter().enumerate() {
        for &x in &p.free {
            f(x, &|| format!("dma pool {i}"));
        }
    }
    for t in &st.tts {
        for (slot, x) in t.pages.iter().enumerate() {
            if let Some(x) = *x {
                f(x, &|| format!("tt {} slot {slot}", t.id));
            }
        }
    }
    for (l, list) in st.phys.locals.iter().enumerate() {
        for &x in list {
            f(x, &|| format!("private list {l}"));
        }
    }
    for &x in &st.phys.leaked {
        f(x, &|| "the leaked list".to_string());
    }
}

fn counters(st: &State, out: &mut Vec<Violation>) {
    for (i, p) in st.pools.iter().enumerate() {
        if p.npages != p.list.len() as u64 {
            out.push(v(
                Kind::PoolCount,
                format!("pool {i}: npages {} but {} listed", p.npages, p.list.len()),
            ));
        }
    }
    for (i, p) in st.dma_pools.iter().enumerate() {
        if p.npages_free != p.free.len() as u64 {
            out.push(v(
                Kind::PoolCount,
                format!(
                    "dma pool {i}: npages_free {} but {} free",
                    p.npages_free,
                    p.free.len()
                ),
            ));
        }
    }
}

/// used_mem of each zone = bytes charged for objects (user charges and the acc_size of live
/// BOs) + PAGE_SIZE for every page a live tt holds, in the zones spec 5.3 picks.
fn accounting(cfg: &MachineConfig, st: &State, out: &mut Vec<Violation>) {
    let zones = st.zones.len();
    let objects: u64 = st.obj_charged
        + st.bos
            .iter()
            .filter(|b| b.alive)
            .map(|b| b.acc_size)
            .sum::<u64>();
    let mut lo = vec![objects; zones];
    let mut hi = vec![objects; zones];
    for t in st.tts.iter().filter(|t| t.alive) {
        for &pfn in t.pages.iter().flatten() {
            let (a, b) = charge_masks(cfg, zones, pfn);
            for z in 0..zones {
                let (in_a, in_b) = (a >> z & 1 == 1, b >> z & 1 == 1);
                if in_a && in_b {
                    lo[z] += PAGE_SIZE;
                }
                if in_a || in_b {
                    hi[z] += PAGE_SIZE;
                }
            }
        }
    }
    for (z, zone) in st.zones.iter().enumerate() {
        if !(lo[z]..=hi[z]).contains(&zone.used_mem) {
            out.push(v(
                Kind::Accounting,
                format!(
                    "zone {}: used_mem {} but charged pages and objects explain {}",
                    zone.name, zone.used_mem, lo[z]
                ),
            ));
        }
    }
}

fn tts(cfg: &MachineConfig, st: &State, out: &mut Vec<Violation>) {
    let post_seed = matches!(cfg.era, Era::E2 | Era::E3);
    for t in &st.tts {
        let present = t.pages.iter().filter(|p| p.is_some()).count() as u32;
        if t.pages.len() != t.num_pages as usize {
            out.push(v(
                Kind::TtState,
                format!(
                    "tt {}: {} slots for {} pages",
                    t.id,
                    t.pages.len(),
                    t.num_pages
                ),
            ));
        }
        let ok = if !t.alive {
            present == 0
        } else if !post_seed {
            true
        } else if t.state == TtState::Unpopulated {
            present == 0
        } else {
            present == t.num_pages
        };
        if !ok {
            out.push(v(
                Kind::TtState,
                format!(
                    "tt {} (alive {}, {:?}) holds {present} of {} pages",
                    t.id, t.alive, t.state, t.num_pages
                ),
            ));
        }
        if t.alive && t.swapped() && (t.state != TtState::Unpopulated || t.swap_storage.is_none()) {
            out.push(v(
                Kind::Swapped,
                format!(
                    "tt {} is SWAPPED in state {:?} with storage {:?}",
                    t.id, t.state, t.swap_storage
                ),
            ));
        }
    }
}

fn swap_files(st: &State, out: &mut Vec<Violation>) {
    for f in &st.swap_files {
        let users: Vec<u32> = st
            .tts
            .iter()
            .filter(|t| t.alive && t.swap_storage == Some(f.id))
            .map(|t| t.id)
            .collect();
        if !f.released && !f.persistent && users.is_empty() {
            out.push(v(
                Kind::SwapFile,
                format!(
                    "swap file {} is referenced by nobody and never released",
                    f.id
                ),
            ));
        }
        if f.released && !users.is_empty() {
            out.push(v(
                Kind::SwapFile,
                format!(
                    "released swap file {} is still the storage of tt {:?}",
                    f.id, users
                ),
            ));
        }
    }
}

/// System free pages are write-back; after the seed, lowmem pool pages carry their pool's
/// attribute and the lowmem pages of a populated tt carry its caching.
fn attributes(cfg: &MachineConfig, st: &State, out: &mut Vec<Violation>) {
    let attr = |pfn: u64| st.phys.page(pfn).map_or(Attr::Wb, |p| p.attr);
    let mut bad = |pfn: u64, want: Attr, place: String| {
        if attr(pfn) != want && out.iter().all(|x| x.kind != Kind::PageAttr) {
            out.push(v(
                Kind::PageAttr,
                format!("page {pfn:#x} in {place} is {:?}, not {want:?}", attr(pfn)),
            ));
        }
    };
    for z in &st.phys.zones {
        for &p in &z.free {
            bad(p, Attr::Wb, "system free memory".into());
        }
    }
    if !matches!(cfg.era, Era::E2 | Era::E3) {
        return;
    }
    for (i, p) in st.pools.iter().enumerate() {
        for &x in p.list.iter().filter(|&&x| !is_highmem(cfg, x)) {
            bad(x, caching_attr(p.caching), format!("pool {i}"));
        }
    }
    for t in st
        .tts
        .iter()
        .filter(|t| t.alive && t.state != TtState::Unpopulated)
    {
        for &x in t.pages.iter().flatten().filter(|&&x| !is_highmem(cfg, x)) {
            bad(x, caching_attr(t.caching), format!("tt {}", t.id));
        }
    }
}

/// spec 11: a BO is on an LRU only while unreserved, only on its own memory type's LRU of its
/// own device and at most once, on the swap LRU only with a tt; LRUs hold live BOs; a BO with a
/// node owns it. Every device has eight managers, stored device after device (spec 6.1).
const TYPES_PER_DEVICE: usize = 8;
fn bos(st: &State, out: &mut Vec<Violation>) {
    let mut count: HashMap<(usize, u32), usize> = HashMap::new();
    for (t, m) in st.managers.iter().enumerate() {
        for &b in &m.lru {
            *count.entry((t, b)).or_default() += 1;
        }
    }
    for &b in &st.swap_lru {
        *count.entry((usize::MAX, b)).or_default() += 1;
    }
    for (&(t, b), &n) in &count {
        let bo = st.bos.get(b as usize);
        let place = if t == usize::MAX {
            "the swap LRU".to_string()
        } else {
            format!("LRU {t}")
        };
        if n > 1 {
            out.push(v(Kind::BoLists, format!("BO {b} is {n} times on {place}")));
        }
        match bo {
            None => out.push(v(
                Kind::BoLists,
                format!("{place} holds BO {b}, which does not exist"),
            )),
            Some(bo) if !bo.alive => {
                out.push(v(Kind::BoLists, format!("{place} holds released BO {b}")))
            }
            Some(bo) if bo.reserved => {
                out.push(v(Kind::BoLists, format!("reserved BO {b} is on {place}")))
            }
            Some(bo) if t == usize::MAX && bo.tt.is_none() => out.push(v(
                Kind::BoLists,
                format!("BO {b} without a tt is on the swap LRU"),
            )),
            Some(bo)
                if t != usize::MAX
                    && t != bo.device as usize * TYPES_PER_DEVICE + bo.mem.mem_type as usize =>
            {
                out.push(v(
                    Kind::BoLists,
                    format!(
                        "BO {b} of memory type {} on device {} is on LRU {t}",
                        bo.mem.mem_type, bo.device
                    ),
                ))
            }
            _ => {}
        }
    }
    for b in st.bos.iter().filter(|b| b.alive && b.mem.has_node) {
        let owner = st
            .managers
            .get(b.device as usize * TYPES_PER_DEVICE + b.mem.mem_type as usize)
            .and_then(|m| m.nodes.get(&b.mem.start))
            .map(|n| n.bo);
        if owner != Some(b.id) {
            out.push(v(
                Kind::BoLists,
                format!(
                    "BO {} says it owns range {:#x} of type {}, whose owner is {owner:?}",
                    b.id, b.mem.start, b.mem.mem_type
                ),
            ));
        }
    }
}

/// Linux 6.12 (mspec 11.1, written from the spec): I1 populated tts hold every page and
/// unpopulated ones none; I2 SWAPPED tts are unpopulated with a swap file; I3 TPA is the sum of
/// populated tts; I4 PAP is the sum over pool types; I5 pool blocks are whole, zeroed and carry
/// their type's caching; I9 every live resource is on exactly one list and usages add up;
/// I11 range resources fit and never overlap.
fn modern(st: &State, out: &mut Vec<Violation>) {
    use ttm_core::modern::tt_flags;
    let Some(m) = st.modern.as_deref() else {
        out.push(v(
            Kind::Modern,
            "a 6.12 machine without modern state".into(),
        ));
        return;
    };
    let mut tpa = 0u64;
    for t in st.tts.iter().filter(|t| t.alive) {
        let populated = t.page_flags & tt_flags::PRIV_POPULATED != 0;
        let n = t.pages.iter().filter(|p| p.is_some()).count() as u32;
        if (populated && n != t.num_pages) || (!populated && n != 0) {
            out.push(v(
                Kind::TtState,
                format!(
                    "tt {}: populated {populated}, {n} of {} pages",
                    t.id, t.num_pages
                ),
            ));
        }
        if t.page_flags & tt_flags::SWAPPED != 0 && (populated || t.swap_storage.is_none()) {
            out.push(v(
                Kind::Swapped,
                format!("tt {} SWAPPED but populated or without storage", t.id),
            ));
        }
        if populated && t.page_flags & tt_flags::EXTERNAL == 0 {
            tpa += t.num_pages as u64;
        }
    }
    if m.pages_allocated != tpa {
        out.push(v(
            Kind::Modern,
            format!(
                "ttm_pages_allocated {} but populated tts hold {tpa}",
                m.pages_allocated
            ),
        ));
    }
    let pap: u64 = m.pool_types.iter().map(|t| t.pages.len() as u64).sum();
    if pap != m.pool_allocated {
        out.push(v(
            Kind::Modern,
            format!(
                "allocated_pages {} but pool types hold {pap}",
                m.pool_allocated
            ),
        ));
    }
    for (i, t) in m.pool_types.iter().enumerate() {
        let want = match t.caching {
            Caching::Wc => Attr::Wc,
            Caching::Uncached => Attr::Uc,
            Caching::Cached => Attr::Wb,
        };
        let whole = t.pages.len() % (1usize << t.order) == 0;
        let clean = t.pages.iter().all(|&p| {
            st.phys
                .page(p)
                .is_some_and(|r| r.attr == want && r.content == ttm_core::state::CONTENT_ZERO)
        });
        if !whole || !clean {
            out.push(v(
                Kind::Modern,
                format!("pool type {i}: partial block, or a page not zeroed or not {want:?}"),
            ));
        }
    }
    let mut usage = vec![0u64; m.managers.len()];
    for r in m.resources.iter() {
        // Lists 0..31 are the LRUs (memory type × 4 + priority), then the pinned list.
        let on: usize = (0..=ttm_core::modern::LIST_PINNED)
            .map(|l| m.list(l).iter().filter(|&&x| x == r.id).count())
            .sum();
        if on != r.alive as usize {
            out.push(v(
                Kind::BoLists,
                format!("resource {} (alive {}) is on {on} lists", r.id, r.alive),
            ));
        }
        if r.alive {
            usage[r.mem_type as usize] += r.pages * PAGE_SIZE;
            let man = &m.managers[r.mem_type as usize];
            if man.range && r.start + r.pages > man.size {
                out.push(v(
                    Kind::BoLists,
                    format!("resource {} ends past its manager", r.id),
                ));
            }
            if let Some(o) = m.resources.iter().find(|o| {
                o.alive
                    && o.id != r.id
                    && o.mem_type == r.mem_type
                    && man.range
                    && o.start < r.start + r.pages
                    && r.start < o.start + o.pages
            }) {
                out.push(v(
                    Kind::BoLists,
                    format!("resources {} and {} overlap", r.id, o.id),
                ));
            }
        }
    }
    for (mt, man) in m.managers.iter().enumerate() {
        if man.usage != usage[mt] {
            out.push(v(
                Kind::Modern,
                format!(
                    "manager {mt}: usage {} but live resources hold {}",
                    man.usage, usage[mt]
                ),
            ));
        }
    }
}
