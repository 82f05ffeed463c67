//! Plain-language narration of any span of a trace (issue 6: "The wc pool was empty, so
//! ttm_page_pool_fill_locked allocated 512 pages and set them write-combined"). Built from the
//! events themselves, so it is right for every scenario, including ones users write.

use crate::func::Func;
use crate::sim::Sim;
use crate::state::{Ctr, Delta, Loc, State};
use crate::trace::Event;
use std::collections::BTreeMap;

fn place(st: &State, l: Loc) -> String {
    match l {
        Loc::Fresh | Loc::Free => "system memory".to_string(),
        Loc::Pool { pool, .. } => format!("the {} pool", st.pools[pool as usize].name),
        Loc::Dma { pool, .. } => st
            .dma_pools
            .get(pool as usize)
            .map_or("a DMA pool".to_string(), |p| {
                format!("the {} DMA pool", p.name)
            }),
        Loc::Tt { tt, .. } => format!("tt {tt}"),
        Loc::Local { .. } => "a batch being allocated or freed".to_string(),
        Loc::Leaked => "nowhere (leaked)".to_string(),
    }
}

fn counter(st: &State, c: Ctr) -> String {
    match c {
        Ctr::PoolNpages(i) => format!("{} pool npages", st.pools[i as usize].name),
        Ctr::PoolNrefills(i) => format!("{} pool refills", st.pools[i as usize].name),
        Ctr::PoolNfrees(i) => format!("{} pool pages freed", st.pools[i as usize].name),
        Ctr::ZoneUsed(z) => format!("{} zone used_mem", st.zones[z as usize].name),
        Ctr::DmaFree(p) => format!("DMA pool {p} free pages"),
        Ctr::DmaInUse(p) => format!("DMA pool {p} pages in use"),
        Ctr::DmaNrefills(p) => format!("DMA pool {p} refills"),
        Ctr::DmaNfrees(p) => format!("DMA pool {p} pages freed"),
        Ctr::ShrinkStart => "shrinker start counter".to_string(),
        Ctr::DmaShrinkStart => "DMA shrinker start counter".to_string(),
        Ctr::ObjCharged => "object charges".to_string(),
    }
}

/// Describe events `from..to` of `sim`'s trace in one to three sentences. `st` is the state at
/// `from` (names of pools and zones are read from it).
pub fn narrate(sim: &Sim, st: &State, from: u64, to: u64) -> String {
    let n = to.saturating_sub(from) as usize;
    let events: Vec<Event> = sim.trace().events_from(from).take(n).collect();
    if events.is_empty() {
        return String::new();
    }
    // A single event: say exactly what it is.
    if let [e] = events.as_slice() {
        return match e {
            Event::Enter { func, args } => {
                let named: Vec<String> = func
                    .arg_names()
                    .iter()
                    .zip(args)
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect();
                format!(
                    "{}({}) is called: {}.",
                    func.symbol(),
                    named.join(", "),
                    purpose(*func)
                )
            }
            Event::Exit { ret } => match crate::errno::Errno::from_code(*ret) {
                Some(e) if *ret < 0 => format!("The call returns {e}."),
                _ => format!("The call returns {ret}."),
            },
            Event::Delta(d) => describe_delta(st, d),
            Event::Finding(f) => f.describe(),
            Event::Mark { label } => format!("Next action: {}.", sim.trace().label(*label)),
        };
    }
    // A span: aggregate page movements, counter changes, the outermost calls and findings.
    // Per page: where it was at the start of the span and where it ended up.
    let mut journey: BTreeMap<u64, (Loc, Loc)> = BTreeMap::new();
    let mut counters: BTreeMap<String, i64> = BTreeMap::new();
    let mut attrs: BTreeMap<String, u64> = BTreeMap::new();
    let mut calls: Vec<&'static str> = Vec::new();
    let mut findings = Vec::new();
    let mut depth = 0usize;
    for e in &events {
        match e {
            Event::Enter { func, .. } => {
                if depth == 0 && !calls.contains(&func.symbol()) {
                    calls.push(func.symbol());
                }
                depth += 1;
            }
            Event::Exit { .. } => depth = depth.saturating_sub(1),
            Event::Delta(Delta::PageMove { pfn, from, to }) => {
                journey.entry(*pfn).or_insert((*from, *to)).1 = *to;
            }
            Event::Delta(Delta::PageAttr { new, .. }) => {
                *attrs.entry(format!("{new:?}").to_lowercase()).or_default() += 1;
            }
            Event::Delta(Delta::Count { ctr, by }) => {
                *counters.entry(counter(st, *ctr)).or_default() += by;
            }
            Event::Finding(f) => findings.push(f.describe()),
            _ => {}
        }
    }
    let mut parts = Vec::new();
    if !calls.is_empty() {
        parts.push(format!("{} ran", calls.join(", ")));
    }
    let mut moves: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (from, to) in journey.values() {
        let (a, b) = (place(st, *from), place(st, *to));
        if a != b {
            *moves.entry((a, b)).or_default() += 1;
        }
    }
    let m: Vec<String> = moves
        .iter()
        .map(|((a, b), c)| {
            format!(
                "{c} page{} moved from {a} to {b}",
                if *c == 1 { "" } else { "s" }
            )
        })
        .collect();
    if !m.is_empty() {
        parts.push(m.join(", "));
    }
    let a: Vec<String> = attrs
        .iter()
        .map(|(k, c)| format!("{c} page{} set to {k}", if *c == 1 { "" } else { "s" }))
        .collect();
    if !a.is_empty() {
        parts.push(a.join(", "));
    }
    let c: Vec<String> = counters
        .iter()
        .filter(|(_, v)| **v != 0)
        .map(|(k, v)| format!("{k} {v:+}"))
        .collect();
    if !c.is_empty() {
        parts.push(c.join(", "));
    }
    let mut s = parts.join("; ");
    if !s.is_empty() {
        s.push('.');
    }
    for f in findings {
        s.push(' ');
        s.push_str(&f);
        s.push('.');
    }
    s
}

fn describe_delta(st: &State, d: &Delta) -> String {
    match *d {
        Delta::PageMove { pfn, from, to } => {
            let slot = |l: Loc| match l {
                Loc::Tt { slot, .. } => format!(" (slot {slot})"),
                _ => String::new(),
            };
            format!(
                "Page {pfn:#x} moves from {}{} to {}{}.",
                place(st, from),
                slot(from),
                place(st, to),
                slot(to)
            )
        }
        Delta::PageAttr { pfn, old, new } => {
            format!("Page {pfn:#x}'s kernel mapping changes from {old:?} to {new:?}.")
        }
        Delta::PageContent { pfn, .. } => format!("Page {pfn:#x}'s contents change."),
        Delta::Count { ctr, by } => format!("{} changes by {by:+}.", counter(st, ctr)),
        Delta::Set { var, old, new } => format!("{var:?} changes from {old} to {new}."),
        Delta::TtNew { id, num_pages, .. } => format!("tt {id} of {num_pages} pages is created."),
        Delta::SwapNew { id, num_pages, .. } => {
            format!("Swap file {id} of {num_pages} pages is created.")
        }
        Delta::SwapWrite { file, idx, .. } => format!("Page {idx} of swap file {file} is written."),
        Delta::DmaPoolNew { ptype, .. } => format!(
            "The {} DMA pool is created.",
            crate::state::dma_type::name(ptype)
        ),
        Delta::BoNew {
            id,
            num_pages,
            ghost,
            ..
        } => format!(
            "{} {id} of {num_pages} pages is created.",
            if ghost { "Ghost BO" } else { "Buffer object" }
        ),
        Delta::Lru {
            list, bo, insert, ..
        } => format!(
            "BO {bo} {} {}.",
            if insert { "joins" } else { "leaves" },
            match list {
                crate::bo_state::LIST_SWAP => "the swap LRU".to_string(),
                crate::bo_state::LIST_DDESTROY => "the delayed-destroy list".to_string(),
                t => format!("the LRU of memory type {t}"),
            }
        ),
        Delta::Node {
            mem_type,
            start,
            len,
            bo,
            alloc,
        } => format!(
            "{} pages [{start}, {}) of memory type {mem_type} {} BO {bo}.",
            len,
            start + len,
            if alloc {
                "are allocated to"
            } else {
                "are freed by"
            }
        ),
        Delta::ManagerInit { mem_type, size, .. } => {
            format!("Memory type {mem_type} is initialised ({size} pages).")
        }
        Delta::FenceNew { id } => format!("The GPU emits fence {id}."),
        Delta::IoContent { mem_type, page, .. } => {
            format!("Page {page} of memory type {mem_type} (on the card) is written.")
        }
    }
}

/// What a function is for, in a few words.
pub fn purpose(f: Func) -> &'static str {
    match f {
        Func::PoolPopulate => "allocate every page of the tt from the page pool (the seed's populate)",
        Func::PoolUnpopulate => "uncharge and return every page of the tt",
        Func::GetPages => "get pages of the tt's caching from the pool, or straight from the system if cached",
        Func::PutPages => "return pages to their pool (or to the system if cached), trimming the pool if it is too big",
        Func::PagePoolGetPages => "take pages from the head of the pool list",
        Func::PagePoolFillLocked => "refill the pool if a small request finds it too empty",
        Func::AllocNewPages => "allocate fresh pages from the system and set their caching",
        Func::PagePoolFree => "free pages from the tail of the pool back to the system",
        Func::PoolMmShrink => "the kernel's memory reclaim asks the pools to give pages back",
        Func::MemGlobalAllocPage => "charge one page to the memory-accounting zones",
        Func::MemGlobalFreePage => "uncharge one page",
        Func::MemGlobalReserve => "check the zone limits, then add the charge",
        Func::MemGlobalAllocZone => "reserve, shrinking (swapping BOs out) up to four times if over the limit",
        Func::Shrink => "swap buffer objects out until the zones are below their target",
        Func::CheckSwapping => "queue background swapping if a zone is above its swap limit",
        Func::TtSwapout => "copy the tt's pages into a shmem file and free them",
        Func::TtSwapin => "copy the swapped contents back into freshly allocated pages",
        Func::TtBind => "populate the tt if needed and bind it into the GPU aperture",
        Func::TtSetCaching => "change the kernel mapping attribute of every page",
        Func::DmaPopulate => "allocate every page from the device's DMA-aware pool",
        Func::DmaUnpopulate => "return the pages to the DMA pool (and, in 3.4, free as many)",
        Func::BoValidate => "make the buffer object's placement match the request",
        Func::BoMemSpace => "choose a memory type, caching and range for the buffer object",
        Func::MemEvictFirst => "evict the least recently used buffer object of a memory type",
        Func::BoHandleMoveMem => "move the buffer object's memory to the new region",
        Func::BoMoveMemcpy => "copy the buffer object page by page with the CPU",
        Func::BoSwapout => "swap out the buffer object at the head of the swap LRU",
        Func::BoVmFault => "a CPU access faults in pages of the buffer object",
        Func::BoKmap => "map the buffer object into the kernel's address space",
        _ => "see the kernel source",
    }
}
