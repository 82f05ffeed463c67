//! Plain-language narration of the trace (issue 6: "The wc pool was empty, so
//! ttm_page_pool_fill_locked allocated 512 pages and set them write-combined"; issue "Explain every
//! step"). Built from the events themselves, so it is right for every scenario, including ones
//! users write.
//!
//! * [`event`]: one event. An entry says what the function is about to do and why in this case
//!   (from its arguments and the state at that moment); an exit names the function that returns,
//!   what it returned and what changed inside the call.
//! * [`narrate`]: any span, in one to a few sentences (a single event is [`event`]).
//!
//! Functions are named as the call stack shows them ([`crate::drivers::event_symbol`]), arguments
//! are decoded (placements as flag names with hex, page flags and caching by name, pfns in hex).

use crate::bo_state::{BoField, LIST_DDESTROY, LIST_SWAP};
use crate::consts::{page_flags, placement as pl, Caching, TtState};
use crate::drivers::{driver_symbol, event_symbol};
use crate::errno::Errno;
use crate::func::Func;
use crate::sim::Sim;
use crate::state::{dma_type, Ctr, Delta, Loc, State, Var};
use crate::trace::Event;
use std::collections::BTreeMap;

// ---- names and decoded values ------------------------------------------------------------

/// A memory type by its TTM_PL_ name. Private: to be unified with the labels of the summary and
/// the web panels.
fn mem_name(t: u64) -> String {
    match t as u32 {
        pl::PL_SYSTEM => "SYSTEM".into(),
        pl::PL_TT => "TT".into(),
        pl::PL_VRAM => "VRAM".into(),
        pl::PL_PRIV0 => "PRIV0 (GMR)".into(),
        t => format!("memory type {t}"),
    }
}

/// A placement word as flag names with its hex value (spec 1.4): `VRAM|WC|UNCACHED (0x60004)`.
pub fn placement_text(p: u32) -> String {
    const NAMES: [(u32, &str); 9] = [
        (pl::FLAG_SYSTEM, "SYSTEM"),
        (pl::FLAG_TT, "TT"),
        (pl::FLAG_VRAM, "VRAM"),
        (pl::FLAG_PRIV0, "PRIV0"),
        (pl::FLAG_WC, "WC"),
        (pl::FLAG_UNCACHED, "UNCACHED"),
        (pl::FLAG_CACHED, "CACHED"),
        (pl::FLAG_SHARED, "SHARED"),
        (pl::FLAG_NO_EVICT, "NO_EVICT"),
    ];
    let known: u32 = NAMES.iter().map(|(b, _)| b).sum();
    let mut parts: Vec<String> = NAMES
        .iter()
        .filter(|(b, _)| p & b != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    if p & !known != 0 {
        parts.push(format!("{:#x}", p & !known));
    }
    if parts.is_empty() {
        parts.push("0".into());
    }
    format!("{} ({p:#x})", parts.join("|"))
}

fn flags_text(f: u64) -> String {
    if f == 0 {
        "0".into()
    } else {
        format!("{} ({f:#x})", page_flags::describe(f as u32))
    }
}

fn caching_name(v: u64) -> &'static str {
    Caching::from_u8(v as u8).map_or("?", Caching::kernel_name)
}

fn state_name(v: u64) -> &'static str {
    TtState::from_u8(v as u8).map_or("?", TtState::kernel_name)
}

fn pool_name(st: &State, i: u64) -> String {
    st.pools
        .get(i as usize)
        .map_or(format!("pool {i}"), |p| format!("{} pool", p.name))
}

fn dma_pool_name(st: &State, i: u64) -> String {
    st.dma_pools
        .get(i as usize)
        .map_or(format!("DMA pool {i}"), |p| format!("{} DMA pool", p.name))
}

fn zone_scope(st: &State, single_zone: u64) -> String {
    match single_zone {
        0 => "every zone".into(),
        z => st
            .zones
            .get(z as usize - 1)
            .map_or(format!("zone {}", z - 1), |z| {
                format!("the {} zone", z.name)
            }),
    }
}

fn plural(n: u64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn pages(n: u64) -> String {
    plural(n, "page")
}

fn tt_desc(st: &State, tt: u64) -> String {
    st.tts.get(tt as usize).map_or(format!("tt {tt}"), |t| {
        format!(
            "tt {tt} ({}, {}, {}{})",
            pages(t.num_pages as u64),
            t.caching.kernel_name(),
            t.state.kernel_name(),
            if t.swapped() { ", swapped out" } else { "" }
        )
    })
}

fn present(st: &State, tt: u64) -> u64 {
    st.tts
        .get(tt as usize)
        .map_or(0, |t| t.pages_present() as u64)
}

fn bo_desc(st: &State, bo: u64) -> String {
    st.bos.get(bo as usize).map_or(format!("BO {bo}"), |b| {
        format!(
            "{} {bo} ({}, in {})",
            if b.ghost { "ghost BO" } else { "BO" },
            pages(b.num_pages as u64),
            placement_text(b.mem.placement)
        )
    })
}

fn bo_mem(st: &State, bo: u64) -> String {
    st.bos
        .get(bo as usize)
        .map_or("?".into(), |b| mem_name(b.mem.mem_type as u64))
}

/// `name=value` for every argument, decoded by its name; the driver (already in the symbol) and
/// the backend kind are left out.
pub fn args_text(st: &State, func: Func, args: &[u64]) -> String {
    let dma_pool_arg = matches!(
        func,
        Func::DmaPoolGetPages
            | Func::DmaPagePoolFillLocked
            | Func::DmaPoolAllocNewPages
            | Func::DmaPagePoolFree
    );
    func.arg_names()
        .iter()
        .zip(args)
        .filter(|(n, _)| !matches!(**n, "driver" | "kind"))
        .map(|(&n, &v)| match n {
            "pool" if dma_pool_arg => dma_pool_name(st, v),
            "pool" => pool_name(st, v),
            "placement" => format!("placement={}", placement_text(v as u32)),
            "flags" | "page_flags" => format!("{n}={}", flags_text(v)),
            "cstate" | "c_state" => format!("{n}={}", caching_name(v)),
            "pfn" => format!("pfn={v:#x}"),
            "type" if func == Func::DmaPoolInit => format!("type={}", dma_type::name(v as u8)),
            "type" | "mem_type" | "from_type" | "to_type" => format!("{n}={}", mem_name(v)),
            "new_mem" if v == 0 => "new_mem=NULL".into(),
            "new_mem" => format!("new_mem={}", mem_name(v - 1)),
            "evict" | "no_wait" | "dma32" | "zero" | "zero_alloc" | "from_wq" | "remove_all"
            | "need_dma32" | "use_sequence" => format!("{n}={}", v != 0),
            "nr_free" if v == crate::consts::FREE_ALL_PAGES as u64 => "nr_free=all".into(),
            "persistent_swap_storage" if v == 0 => "persistent_swap_storage=NULL".into(),
            "persistent_swap_storage" => format!("persistent_swap_storage=file {}", v - 1),
            "single_zone" => format!("single_zone={}", zone_scope(st, v)),
            "zone" => st
                .zones
                .get(v as usize)
                .map_or(format!("zone={v}"), |z| format!("zone={}", z.name)),
            "attr" if func == Func::PoolStore => format!("attr={}", opt_name(v)),
            "attr" => format!("attr={}", zone_attr_name(v)),
            _ => format!("{n}={v}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt_name(v: u64) -> &'static str {
    match v {
        0 => "max_size",
        1 => "small",
        _ => "alloc_size",
    }
}

fn zone_attr_name(v: u64) -> &'static str {
    match v {
        6 => "emergency_memory",
        7 => "available_memory",
        _ => "swap_limit",
    }
}

/// The call as the call stack shows it: `symbol(decoded arguments)`.
pub fn call_head(sim: &Sim, st: &State, func: Func, args: &[u64]) -> String {
    format!(
        "{}({})",
        event_symbol(sim.config().driver.kind, func, args),
        args_text(st, func, args)
    )
}

// ---- events ------------------------------------------------------------------------------

/// Describe event `index` of `sim`'s trace; `st` is the state just before it (at position
/// `index`).
pub fn event(sim: &Sim, st: &State, index: u64) -> String {
    let Some(e) = sim.trace().get(index) else {
        return String::new();
    };
    match e {
        Event::Enter { func, args } => {
            format!(
                "{}: {}",
                call_head(sim, st, func, &args),
                entry(sim, st, func, &args)
            )
        }
        Event::Exit { ret } => match open_call(sim, index) {
            Some((at, func, args)) => returned(sim, st, func, &args, ret, at, index),
            None => format!("A call returns {}.", ret_value(ret)),
        },
        Event::Delta(d) => describe_delta(st, &d),
        Event::Finding(f) => format!("{}.", f.describe()),
        Event::Mark { label } => format!("Next action: {}.", sim.trace().label(label)),
    }
}

/// The call the Exit at `exit` closes: its Enter's index, function and arguments. Calls never
/// span a Mark, so the search stops at one.
pub fn open_call(sim: &Sim, exit: u64) -> Option<(u64, Func, Vec<u64>)> {
    const CHUNK: u64 = 256;
    let mut depth = 0usize;
    let mut end = exit;
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        let chunk: Vec<Event> = sim
            .trace()
            .events_from(start)
            .take((end - start) as usize)
            .collect();
        for (i, e) in chunk.into_iter().enumerate().rev() {
            match e {
                Event::Exit { .. } => depth += 1,
                Event::Enter { func, args } => {
                    if depth == 0 {
                        return Some((start + i as u64, func, args));
                    }
                    depth -= 1;
                }
                Event::Mark { .. } => return None,
                _ => {}
            }
        }
        end = start;
    }
    None
}

fn ret_value(ret: i64) -> String {
    match (ret < 0).then(|| Errno::from_code(ret)).flatten() {
        Some(e) => e.name().to_string(),
        None => ret.to_string(),
    }
}

/// Functions whose return value means nothing (void in the kernel, or always 0 in the model).
fn is_void(f: Func) -> bool {
    use Func::*;
    matches!(
        f,
        TtFini
            | DmaTtFini
            | TtDestroy
            | TtUnbind
            | BackendUnbind
            | BackendDestroy
            | PoolUnpopulate
            | PutPages
            | PagePoolFillLocked
            | MemGlobalFreePage
            | MemGlobalFree
            | MemGlobalFreeZone
            | CheckSwapping
            | Shrink
            | ShrinkWork
            | PageAllocInit
            | PageAllocFini
            | DmaUnpopulate
            | DmaPoolInit
            | BoUnreserve
            | BoAddToLru
            | BoDelFromLru
            | BoMemPut
            | ManPutNode
            | BoUnmapVirtual
            | BoKunmap
            | BoUnref
            | BoRelease
            | CleanupRefsOrQueue
            | CleanupMemtypeUse
            | DelayedDelete
            | ReleaseList
            | TtFreeAllocedPages
            | DrvTtUnpopulate
            | DrvMoveNotify
            | DrvInvalidateCaches
            | DrvEvictFlags
            | DrvCopy
            | DrvBackendUnbind
            | DrvBackendDestroy
            | DrvDmaUnmap
            | ClflushPages
            | SetPagesArrayWb
            | Fput
            | BoDeviceInit
            | PoolStore
            | MemZoneStore
            | DrvSyncObjWait
    )
}

/// What a return value means for this function.
fn result(func: Func, ret: i64) -> String {
    use Func::*;
    let errno = |why: &str| {
        let name = ret_value(ret);
        if why.is_empty() {
            name
        } else {
            format!("{name} ({why})")
        }
    };
    match func {
        BoVmFault => match ret {
            -7 => "VM_FAULT_SIGBUS (the access cannot be served)".into(),
            -12 => "VM_FAULT_OOM (out of memory)".into(),
            n => format!("VM_FAULT_NOPAGE ({} inserted)", plural(n as u64, "PTE")),
        },
        _ if ret < 0 => match Errno::from_code(ret) {
            Some(Errno::Enomem) => errno("out of memory, or over the accounting limit"),
            Some(Errno::Ebusy) => errno("busy, or nothing left to evict or swap out"),
            Some(Errno::Einval) => errno("not possible with these arguments or this driver"),
            Some(Errno::Bug) => errno("a BUG_ON fired: the kernel would stop here"),
            Some(Errno::Efault) => errno("a mapping failed"),
            _ => errno(""),
        },
        PagePoolGetPages if ret == 0 => "0: no page is missing".into(),
        PagePoolGetPages => format!(
            "{ret}: {} still missing, to be allocated directly",
            pages(ret as u64)
        ),
        PagePoolFree | DmaPagePoolFree => {
            format!("{ret}: {} of the request not freed", pages(ret as u64))
        }
        PoolMmShrink | DmaPoolMmShrink => format!("{ret}: {} left in the pools", pages(ret as u64)),
        DmaPagePoolFillLocked => format!("{ret}: {} free in the pool", pages(ret as u64)),
        ManGetNode if ret == 0 => "no node: no hole is big enough (not an error)".into(),
        ManGetNode => format!("a range starting at page {}", ret - 1),
        DrvSyncObjSignaled if ret != 0 => "true: the fence has signalled".into(),
        DrvSyncObjSignaled => "false: the GPU has not reached the fence".into(),
        BoCreate | BoInit => format!("0: BO {ret} is ready"),
        BufferObjectTransfer => format!("ghost BO {ret}"),
        DrvTtCreate if ret == 0 => "NULL".into(),
        DrvTtCreate => format!("tt {}", ret - 1),
        ShmemFileSetup => format!("swap file {ret}"),
        TtGetPage | TtGetPageInner => format!("page {ret:#x}"),
        BoKmap | BoKmapTtm => match ret as u8 {
            crate::bo::MAP_IOMAP => "ttm_bo_map_iomap (an ioremap of I/O memory)".into(),
            crate::bo::MAP_VMAP => "ttm_bo_map_vmap (a vmap of the tt pages)".into(),
            crate::bo::MAP_KMAP => "ttm_bo_map_kmap (the page's own kernel address)".into(),
            _ => ret.to_string(),
        },
        _ => "0 (success)".into(),
    }
}

fn returned(
    sim: &Sim,
    st: &State,
    func: Func,
    args: &[u64],
    ret: i64,
    enter: u64,
    exit: u64,
) -> String {
    let sym = event_symbol(sim.config().driver.kind, func, args);
    let mut s = if is_void(func) && ret == 0 {
        format!("{sym} returns.")
    } else {
        format!("{sym} returns {}.", result(func, ret))
    };
    let inner = changes(sim, st, enter + 1, exit);
    if inner.is_empty() {
        s.push_str(" Nothing the model keeps changed inside it.");
    } else {
        s.push_str(" Inside it: ");
        s.push_str(&inner);
    }
    s
}

// ---- entries -----------------------------------------------------------------------------

/// What `func` is about to do and why, in this case: `args` as recorded, `st` the state at
/// entry. Every function has its own text.
pub fn entry(sim: &Sim, st: &State, func: Func, args: &[u64]) -> String {
    use Func::*;
    let a = |i: usize| args.get(i).copied().unwrap_or(0);
    let cfg = sim.config();
    let bo = |i: usize| st.bos.get(a(i) as usize);
    // The driver of the device the call is about (several devices may run different drivers,
    // spec 6.1): a callback names it in its first argument; a TTM function on a BO has the
    // BO's device's; anything else device 0's.
    let kind = match func.arg_names().first() {
        Some(&"driver") => crate::config::DriverKind::from_index(a(0)).unwrap_or(cfg.driver.kind),
        Some(&"bo") => cfg.device_driver(bo(0).map_or(0, |b| b.device)).kind,
        _ => cfg.driver.kind,
    };
    // The configuration of the BO a driver callback is about (its second argument).
    let drv_cfg = cfg.device_driver(bo(1).map_or(0, |b| b.device));
    let npta = cfg.arch.num_pages_to_alloc() as u64;
    let tt = st.tts.get(a(0) as usize);
    let tt_state = tt.map(|t| t.state);
    match func {
        TtInit | DmaTtInit => format!(
            "creates tt {}: {}, page flags {}, with an empty page array{}; pages come at populate",
            a(0),
            pages(a(1)),
            flags_text(a(2)),
            if func == DmaTtInit {
                " and a DMA address per page"
            } else {
                ""
            }
        ),
        TtFini | DmaTtFini => {
            let left = present(st, a(0));
            format!(
                "frees tt {}'s page array{}{}",
                a(0),
                if func == DmaTtFini {
                    " and DMA addresses"
                } else {
                    ""
                },
                if left > 0 {
                    format!("; the {} still in it are lost with it", pages(left))
                } else {
                    String::new()
                }
            )
        }
        TtDestroy => {
            let mut steps = Vec::new();
            if tt_state == Some(TtState::Bound) {
                steps.push("unbind it".to_string());
            }
            if present(st, a(0)) > 0 {
                steps.push(format!(
                    "give its {} back",
                    pages(present(st, a(0)))
                ));
            }
            if let Some(f) = tt.and_then(|t| t.swap_storage) {
                steps.push(format!("drop swap file {f}"));
            }
            steps.push("free the object".into());
            format!("destroys {}: {}", tt_desc(st, a(0)), steps.join(", then "))
        }
        TtBind => match tt_state {
            Some(TtState::Bound) => format!("{} is already bound: nothing to do", tt_desc(st, a(0))),
            Some(TtState::Unpopulated) => format!(
                "binds {}: it has no pages yet, so it is populated first, then the backend binds it",
                tt_desc(st, a(0))
            ),
            _ => format!(
                "binds {}: its pages exist, so the backend binds them into the aperture",
                tt_desc(st, a(0))
            ),
        },
        TtUnbind => match tt_state {
            Some(TtState::Bound) => format!(
                "{} is bound: the backend removes it from the aperture; the pages stay",
                tt_desc(st, a(0))
            ),
            _ => format!("{} is not bound: nothing to unbind", tt_desc(st, a(0))),
        },
        BackendBind => format!("the tt's backend writes tt {}'s pages into the GPU aperture", a(0)),
        BackendUnbind => format!("the tt's backend removes tt {}'s pages from the aperture", a(0)),
        BackendDestroy => format!("the tt's backend frees tt {} (ttm_tt_fini does the rest)", a(0)),
        TtSetPlacementCaching => {
            let p = a(1) as u32;
            let c = if p & pl::FLAG_WC != 0 {
                Caching::Wc
            } else if p & pl::FLAG_UNCACHED != 0 {
                Caching::Uncached
            } else {
                Caching::Cached
            };
            format!(
                "the placement {} asks for {}: tt {} is {} now",
                placement_text(p),
                c.kernel_name(),
                a(0),
                tt.map_or("?", |t| t.caching.kernel_name())
            )
        }
        TtSetCaching => {
            let new = caching_name(a(1));
            match tt {
                Some(t) if t.caching as u64 == a(1) => {
                    format!("tt {} is already {new}: nothing changes", a(0))
                }
                Some(t) if t.state == TtState::Unpopulated => format!(
                    "tt {} has no pages yet, so only its caching state changes, {} -> {new}",
                    a(0),
                    t.caching.kernel_name()
                ),
                Some(t) => format!(
                    "changes the kernel mapping of tt {}'s {} from {} to {new}{}",
                    a(0),
                    pages(t.pages_present() as u64),
                    t.caching.kernel_name(),
                    if t.caching == Caching::Cached {
                        "; leaving cached, the CPU caches are flushed first"
                    } else {
                        ""
                    }
                ),
                None => format!("sets tt {}'s caching to {new}", a(0)),
            }
        }
        ClflushPages => format!(
            "flushes {} out of the CPU caches, so no stale cached line is written back over them later",
            pages(a(0))
        ),
        TtSwapout => match tt {
            Some(t) if t.state == TtState::Bound => {
                format!("{} is still bound: swapping it out is a BUG", tt_desc(st, a(0)))
            }
            Some(t) if t.caching != Caching::Cached => format!(
                "{} is not cached: swapping it out is a BUG",
                tt_desc(st, a(0))
            ),
            Some(t) => format!(
                "writes {}'s contents to {} and frees the pages{}",
                tt_desc(st, a(0)),
                if a(1) == 0 {
                    "a new shmem file".to_string()
                } else {
                    format!("the owner's persistent swap file {}", a(1) - 1)
                },
                match t.swap_storage {
                    Some(f) if a(1) == 0 || a(1) - 1 != f as u64 => {
                        format!("; it already points to swap file {f}, which is overwritten (D8)")
                    }
                    _ => String::new(),
                }
            ),
            None => format!("swaps tt {} out", a(0)),
        },
        TtSwapin => match tt.and_then(|t| t.swap_storage) {
            None => format!("tt {} has no swap storage: this is a BUG", a(0)),
            Some(f) => format!(
                "copies {}'s contents back from swap file {f}{}",
                tt_desc(st, a(0)),
                if tt.is_some_and(|t| t.page_flags & page_flags::PERSISTENT_SWAP != 0) {
                    "; the file is persistent, so it is kept"
                } else {
                    ", then releases the file"
                }
            ),
        },
        TtPopulate => match tt_state {
            Some(TtState::Unpopulated) => format!(
                "allocates every page of {} on demand, one at a time{}",
                tt_desc(st, a(0)),
                if tt.is_some_and(|t| t.swapped()) {
                    ", after swapping the contents in"
                } else {
                    ""
                }
            ),
            _ => format!("{} already has its pages: nothing to do", tt_desc(st, a(0))),
        },
        TtGetPage => {
            let slot = tt.and_then(|t| t.pages.get(a(1) as usize).copied().flatten());
            format!(
                "the page of slot {} of tt {} is wanted{}: __ttm_tt_get_page {}",
                a(1),
                a(0),
                if tt.is_some_and(|t| t.swapped()) {
                    "; the tt is swapped out, so it is swapped in first"
                } else {
                    ""
                },
                match slot {
                    Some(p) => format!("finds it there ({p:#x})"),
                    None => "allocates it".into(),
                }
            )
        }
        TtGetPageInner => {
            let slot = tt.and_then(|t| t.pages.get(a(1) as usize).copied().flatten());
            match slot {
                Some(p) => format!(
                    "slot {} of tt {} already holds page {p:#x}: it is returned",
                    a(1),
                    a(0)
                ),
                None => format!(
                    "slot {} of tt {} is empty: one {} page is allocated and charged now",
                    a(1),
                    a(0),
                    tt.map_or("?", |t| t.caching.kernel_name()),
                ),
            }
        }
        TtFreeAllocedPages => format!(
            "uncharges {}'s {} and gives them back ({})",
            tt_desc(st, a(0)),
            pages(present(st, a(0))),
            if cfg.era == crate::config::Era::E0 {
                "E0: as one list"
            } else {
                "E1: one at a time"
            }
        ),
        PoolPopulate => match tt {
            Some(t) if t.state != TtState::Unpopulated => {
                format!("{} is already populated: the page pool is not asked", tt_desc(st, a(0)))
            }
            Some(t) => {
                let from = match crate::page_alloc::pool_index(t.page_flags, t.caching) {
                    Some(pi) => format!(
                        "the {} (it holds {} now)",
                        pool_name(st, pi as u64),
                        pages(st.pools[pi as usize].npages)
                    ),
                    None => "the system directly (cached pages have no pool)".into(),
                };
                format!(
                    "fills {}'s slots one page at a time from {from}, charging each{}",
                    tt_desc(st, a(0)),
                    if t.swapped() {
                        "; it is swapped out, so the contents are copied back afterwards"
                    } else {
                        ""
                    }
                )
            }
            None => format!("populates tt {}", a(0)),
        },
        PoolUnpopulate => {
            let to = tt.map_or("its pool".to_string(), |t| {
                match crate::page_alloc::pool_index(t.page_flags, t.caching) {
                    Some(pi) => format!("the tail of the {}", pool_name(st, pi as u64)),
                    None => "the system (cached pages have no pool)".into(),
                }
            });
            format!(
                "uncharges {}'s {} and hands each back to {to}",
                tt_desc(st, a(0)),
                pages(present(st, a(0)))
            )
        }
        GetPages => {
            let what = format!(
                "{} {} for tt {} slot {}",
                pages(a(2)),
                caching_name(a(4)),
                a(0),
                a(1)
            );
            let cstate = Caching::from_u8(a(4) as u8).unwrap_or(Caching::Cached);
            match crate::page_alloc::pool_index(a(3) as u32, cstate) {
                None => format!(
                    "{what}: cached pages have no pool, so they come straight from the system{}",
                    if a(3) as u32 & page_flags::ZERO_ALLOC != 0 {
                        ", zeroed"
                    } else {
                        ""
                    }
                ),
                Some(pi) => {
                    let n = st.pools[pi as usize].npages;
                    format!(
                        "{what}: from the {}, which holds {}{}",
                        pool_name(st, pi as u64),
                        pages(n),
                        if n < a(2) {
                            " (too few: it refills or allocates the rest)"
                        } else {
                            ""
                        }
                    )
                }
            }
        }
        PutPages => {
            let cstate = Caching::from_u8(a(4) as u8).unwrap_or(Caching::Cached);
            match crate::page_alloc::pool_index(a(3) as u32, cstate) {
                None => format!(
                    "{} of tt {}: cached pages have no pool, so they go straight back to the system",
                    pages(a(2)),
                    a(0)
                ),
                Some(pi) => {
                    let n = st.pools[pi as usize].npages;
                    let max = st.pool_opts.max_size;
                    format!(
                        "{} of tt {} go to the tail of the {} ({} now); {}",
                        pages(a(2)),
                        a(0),
                        pool_name(st, pi as u64),
                        n,
                        if n + a(2) > max {
                            format!("that is above max_size ({max}), so the pool is trimmed")
                        } else {
                            format!("that stays within max_size ({max}), so nothing is freed")
                        }
                    )
                }
            }
        }
        PagePoolGetPages => {
            let p = st.pools.get(a(0) as usize);
            let n = p.map_or(0, |p| p.npages);
            let small = st.pool_opts.small;
            let refill = p.is_some_and(|p| !p.fill_lock) && a(1) < small && a(1) > n;
            if refill {
                format!(
                    "the {} holds {}, fewer than the {} asked for: it refills first, then takes them from the head",
                    pool_name(st, a(0)),
                    pages(n),
                    a(1)
                )
            } else if a(1) >= n {
                format!(
                    "the {} holds {}, not more than the {} asked for: it takes the whole list and reports {} missing",
                    pool_name(st, a(0)),
                    pages(n),
                    a(1),
                    a(1) - n
                )
            } else {
                format!(
                    "the {} holds {}: it takes {} from the head",
                    pool_name(st, a(0)),
                    pages(n),
                    a(1)
                )
            }
        }
        PagePoolFillLocked => {
            let p = st.pools.get(a(0) as usize);
            let n = p.map_or(0, |p| p.npages);
            let (small, alloc) = (st.pool_opts.small, st.pool_opts.alloc_size);
            let name = pool_name(st, a(0));
            if p.is_some_and(|p| p.fill_lock) {
                format!("another task is refilling the {name}: it does not refill")
            } else if a(1) >= small {
                format!(
                    "the request ({}) is not below small_allocation ({small}), so it does not refill: ttm_get_pages allocates what the {name} lacks",
                    a(1)
                )
            } else if a(1) <= n {
                format!(
                    "the {name} holds {}, enough for the request ({}), so it does not refill",
                    pages(n),
                    a(1)
                )
            } else {
                format!(
                    "the {name} holds {} and the request ({}) is below small_allocation ({small}), so it will refill {}",
                    pages(n),
                    a(1),
                    pages(alloc)
                )
            }
        }
        AllocNewPages => format!(
            "allocates {} fresh from the system{}{} and sets them {} in batches of up to {npta}",
            pages(a(0)),
            if a(2) != 0 { " below 4 GiB" } else { "" },
            if a(3) != 0 { ", zeroed" } else { "" },
            caching_name(a(1))
        ),
        SetPagesArrayWc => format!("changes the kernel mapping of {} to write-combined", pages(a(0))),
        SetPagesArrayUc => format!("changes the kernel mapping of {} to uncached", pages(a(0))),
        SetPagesArrayWb => format!(
            "changes the kernel mapping of {} back to write-back, as a page must be before it returns to the system",
            pages(a(0))
        ),
        PagePoolFree => format!(
            "frees {} from the tail of the {} (it holds {}) in batches of {npta}: write-back first, then to the system",
            if a(1) == crate::consts::FREE_ALL_PAGES as u64 {
                "all pages".to_string()
            } else {
                pages(a(1))
            },
            pool_name(st, a(0)),
            pages(st.pools.get(a(0) as usize).map_or(0, |p| p.npages))
        ),
        PoolMmShrink => {
            let total: u64 = st.pools.iter().map(|p| p.npages).sum();
            let first = (st.shrink_start + 1) % crate::consts::NUM_POOLS as u64;
            format!(
                "memory reclaim asks the page pools for {}; they hold {}; this round starts with the {}",
                pages(a(0)),
                total,
                pool_name(st, first)
            )
        }
        PageAllocInit => format!(
            "starts the page pool manager: max_size {} (half the kernel zone's limit), small_allocation {}, allocation size {npta}",
            pages(a(0)),
            crate::consts::SMALL_ALLOCATION
        ),
        PageAllocFini => format!(
            "empties the four page pools ({} in all) and stops the pool manager",
            pages(st.pools.iter().map(|p| p.npages).sum())
        ),
        PoolStore => {
            let old = match a(0) {
                0 => st.pool_opts.max_size,
                1 => st.pool_opts.small,
                _ => st.pool_opts.alloc_size,
            };
            format!(
                "a sysfs write sets the pool option {} to {} (the normal pools have {old})",
                opt_name(a(0)),
                pages(a(1))
            )
        }
        DmaPopulate => match tt {
            Some(t) if t.state != TtState::Unpopulated => {
                format!("{} is already populated: the DMA pool is not asked", tt_desc(st, a(0)))
            }
            Some(t) => {
                let ty = crate::page_alloc_dma::dma_pool_type(t.page_flags, t.caching);
                let pool = st.dma_pools.iter().position(|p| p.ptype == ty);
                format!(
                    "fills {}'s slots one page at a time from the device's {} DMA pool{}",
                    tt_desc(st, a(0)),
                    dma_type::name(ty),
                    match pool {
                        Some(p) => format!(
                            " ({} free now)",
                            pages(st.dma_pools[p].npages_free)
                        ),
                        None => ", which does not exist yet and is created first".into(),
                    }
                )
            }
            None => format!("populates tt {} from a DMA pool", a(0)),
        },
        DmaUnpopulate => match tt {
            Some(t) => {
                let ty = crate::page_alloc_dma::dma_pool_type(t.page_flags, t.caching);
                match st.dma_pools.iter().position(|p| p.ptype == ty) {
                    Some(p) => format!(
                        "uncharges {}'s {} and returns them to the {}",
                        tt_desc(st, a(0)),
                        pages(t.pages_present() as u64),
                        dma_pool_name(st, p as u64)
                    ),
                    None => format!(
                        "{}'s caching has no DMA pool ({} does not exist): in 3.3 the pages stay where they are",
                        tt_desc(st, a(0)),
                        dma_type::name(ty)
                    ),
                }
            }
            None => format!("unpopulates tt {}", a(0)),
        },
        DmaPoolInit => format!(
            "no DMA pool of type {} exists for this device yet: it is created",
            dma_type::name(a(0) as u8)
        ),
        DmaPoolGetPages => {
            let free = st.dma_pools.get(a(0) as usize).map_or(0, |p| p.npages_free);
            format!(
                "takes one page from the {} ({} free{}) for tt {} slot {}",
                dma_pool_name(st, a(0)),
                free,
                if free < st.dma_opts.small {
                    format!(", below small_allocation ({}): a refill comes first", st.dma_opts.small)
                } else {
                    String::new()
                },
                a(1),
                a(2)
            )
        }
        DmaPagePoolFillLocked => {
            let free = st.dma_pools.get(a(0) as usize).map_or(0, |p| p.npages_free);
            let small = st.dma_opts.small;
            if free < small {
                format!(
                    "the {} has {free} free, fewer than small_allocation ({small}): it allocates {small} more",
                    dma_pool_name(st, a(0))
                )
            } else {
                format!(
                    "the {} has {free} free, at least small_allocation ({small}): no refill",
                    dma_pool_name(st, a(0))
                )
            }
        }
        DmaPoolAllocNewPages => format!(
            "allocates {} of DMA-coherent memory for the {} and sets their caching",
            pages(a(1)),
            dma_pool_name(st, a(0))
        ),
        DmaPagePoolFree => format!(
            "frees {} from the tail of the {}'s free list ({} free): write-back first, then to the system",
            if a(1) == crate::consts::FREE_ALL_PAGES as u64 {
                "all pages".to_string()
            } else {
                pages(a(1))
            },
            dma_pool_name(st, a(0)),
            st.dma_pools.get(a(0) as usize).map_or(0, |p| p.npages_free)
        ),
        DmaPoolMmShrink => format!(
            "memory reclaim asks the DMA pools for {}; {} hold {} free",
            pages(a(0)),
            plural(st.dma_pools.len() as u64, "pool"),
            st.dma_pools.iter().map(|p| p.npages_free).sum::<u64>()
        ),
        MemGlobalAllocPage | MemGlobalFreePage => {
            let scope = sim.page_charge_scope(a(0));
            let zones = match scope {
                crate::memory::ChargeScope::All => "every accounting zone".to_string(),
                crate::memory::ChargeScope::One(z) => format!(
                    "only the {} zone (the page lies above 4 GiB)",
                    st.zones.get(z as usize).map_or("?", |z| z.name.as_str())
                ),
            };
            if func == MemGlobalAllocPage {
                format!("charges page {:#x} (4096 bytes) to {zones}", a(0))
            } else {
                format!("uncharges page {:#x} (4096 bytes) from {zones}", a(0))
            }
        }
        MemGlobalAlloc => format!(
            "charges {} bytes of object memory to every zone ({})",
            a(0),
            zone_usage(st)
        ),
        MemGlobalFree => format!("uncharges {} bytes of object memory from every zone", a(0)),
        MemGlobalAllocZone => format!(
            "charges {} bytes to {}; over a limit it swaps BOs out and retries, up to {} times ({})",
            a(1),
            zone_scope(st, a(0)),
            crate::consts::TTM_MEMORY_ALLOC_RETRIES,
            zone_usage(st)
        ),
        MemGlobalReserve => {
            let limit = |z: &crate::state::MemZone| if cfg.root { z.emer_mem } else { z.max_mem };
            let over: Vec<String> = st
                .zones
                .iter()
                .enumerate()
                .filter(|(i, _)| a(0) == 0 || a(0) == *i as u64 + 1)
                .filter(|(_, z)| z.used_mem > limit(z))
                .map(|(_, z)| format!("the {} zone uses {} > {}", z.name, z.used_mem, limit(z)))
                .collect();
            if over.is_empty() {
                format!(
                    "no zone concerned is above its {} ({}), so {} bytes are added",
                    if cfg.root { "emer_mem" } else { "max_mem" },
                    zone_usage(st),
                    a(1)
                )
            } else {
                format!("{}: the charge of {} bytes is refused", over.join(", "), a(1))
            }
        }
        MemGlobalFreeZone => format!("subtracts {} bytes from {}", a(1), zone_scope(st, a(0))),
        CheckSwapping => {
            let over: Vec<String> = st
                .zones
                .iter()
                .filter(|z| z.used_mem > z.swap_limit)
                .map(|z| format!("the {} zone uses {} > swap_limit {}", z.name, z.used_mem, z.swap_limit))
                .collect();
            if over.is_empty() {
                "no zone is above its swap_limit: no background swapping".into()
            } else if st.swap_work_queued {
                format!("{}: the ttm_swap work is already queued", over.join(", "))
            } else {
                format!("{}: the ttm_swap work gets queued", over.join(", "))
            }
        }
        Shrink => format!(
            "swaps BOs out from the head of the swap LRU ({} on it) until every zone is below {}",
            plural(st.swap_lru.len() as u64, "BO"),
            if a(0) != 0 {
                "its swap_limit"
            } else if cfg.root {
                "its emer_mem"
            } else {
                "its max_mem"
            }
        ),
        ShrinkWork => format!(
            "the queued background ttm_swap work runs: it shrinks the zones below swap_limit ({})",
            zone_usage(st)
        ),
        MemZoneStore => {
            let z = st.zones.get(a(0) as usize);
            let old = z.map_or(0, |z| match a(1) {
                6 => z.emer_mem,
                7 => z.max_mem,
                _ => z.swap_limit,
            });
            format!(
                "a sysfs write sets the {} zone's {} to {} bytes (was {old})",
                z.map_or("?", |z| z.name.as_str()),
                zone_attr_name(a(1)),
                a(2)
            )
        }
        BoSwapout => match st.swap_lru.front() {
            Some(&b) => format!(
                "the accounting needs memory back: {} heads the swap LRU, so its tt is swapped out",
                bo_desc(st, b as u64)
            ),
            None => "the swap LRU is empty: there is nothing to swap out (-EBUSY)".into(),
        },
        BoDeviceInit => format!(
            "sets up the TTM device{} and its SYSTEM memory type",
            if a(0) != 0 { " (its pages must lie below 4 GiB)" } else { "" }
        ),
        BoInitMm => format!(
            "sets up memory type {} with {}; {} describes it",
            mem_name(a(0)),
            pages(a(1)),
            driver_symbol(cfg.device_driver(a(2) as u8).kind, DrvInitMemType)
        ),
        BoCreate => format!(
            "creates a {}-page buffer object: charges its accounting size, then initialises and validates it",
            a(0)
        ),
        BoInit => format!(
            "initialises BO {}: {}, accounting size {} bytes; it starts in SYSTEM and is then validated into its placement",
            a(0),
            pages(a(1)),
            a(2)
        ),
        BoSetupVm => format!(
            "reserves an mmap offset range for BO {} so user space can map it",
            a(0)
        ),
        BoReserve => match bo(0) {
            Some(b) if b.reserved => format!(
                "BO {} is already reserved: {}",
                a(0),
                if a(1) != 0 { "with no_wait this is -EBUSY" } else { "it waits" }
            ),
            _ => format!(
                "reserves {}: while reserved it is off the LRUs, so nobody evicts or swaps it",
                bo_desc(st, a(0))
            ),
        },
        BoUnreserve => format!(
            "unreserves {}: it goes back to the tail of its LRU",
            bo_desc(st, a(0))
        ),
        BoAddToLru => match bo(0) {
            Some(b) if b.mem.placement & pl::FLAG_NO_EVICT != 0 => {
                format!("BO {} is NO_EVICT: it stays off the LRUs", a(0))
            }
            Some(b) => format!(
                "appends BO {} to the {} LRU ({} there){}",
                a(0),
                mem_name(b.mem.mem_type as u64),
                plural(
                    st.managers
                        .get(crate::bo_state::man_index(b.device, b.mem.mem_type))
                        .map_or(0, |m| m.lru.len() as u64),
                    "BO"
                ),
                if b.tt.is_some() {
                    " and to the swap LRU"
                } else {
                    ""
                }
            ),
            None => format!("appends BO {} to its LRUs", a(0)),
        },
        BoDelFromLru => format!(
            "removes BO {} from the {} LRU and the swap LRU",
            a(0),
            bo_mem(st, a(0))
        ),
        BoValidate => {
            let p = a(1) as u32;
            let fits = bo(0).is_some_and(|b| {
                p & (1 << b.mem.mem_type) != 0 && p & b.mem.placement & pl::MASK_CACHING != 0
            });
            format!(
                "makes {} fit {}: {}",
                bo_desc(st, a(0)),
                placement_text(p),
                if fits {
                    "its memory type and caching are allowed, so it can stay"
                } else {
                    "its current memory is not allowed, so it moves"
                }
            )
        }
        BoMoveBuffer => format!(
            "{} must leave {}: wait for the GPU, find space, then move",
            bo_desc(st, a(0)),
            bo_mem(st, a(0))
        ),
        BoMemSpace => format!(
            "looks for room for BO {}'s {} in the placement list: first without evicting, then evicting",
            a(0),
            pages(bo(0).map_or(0, |b| b.num_pages as u64))
        ),
        BoMemForceSpace => {
            let dev = bo(0).map_or(0, |b| b.device);
            let lru = st
                .managers
                .get(crate::bo_state::man_index(dev, a(1) as u8))
                .map(|m| &m.lru);
            format!(
                "{} has no hole for BO {}'s {}: it evicts from the {} LRU ({}) until one appears",
                mem_name(a(1)),
                a(0),
                pages(bo(0).map_or(0, |b| b.num_pages as u64)),
                mem_name(a(1)),
                match lru.and_then(|l| l.front()) {
                    Some(h) => format!("its head is BO {h}"),
                    None => "it is empty".into(),
                }
            )
        }
        MemEvictFirst => match st
            .managers
            .get(crate::bo_state::man_index(a(1) as u8, a(0) as u8))
            .and_then(|m| m.lru.front())
        {
            Some(&h) => format!(
                "evicts the least recently used BO of {}: {} heads its LRU",
                mem_name(a(0)),
                bo_desc(st, h as u64)
            ),
            None => format!("the {} LRU is empty: nothing to evict (-EBUSY)", mem_name(a(0))),
        },
        BoEvict => format!(
            "evicts {} to make room: {} says where it goes, then it moves there",
            bo_desc(st, a(0)),
            driver_symbol(kind, DrvEvictFlags)
        ),
        BoEvictMm => format!(
            "evicts every BO of {} ({} on its LRU)",
            mem_name(a(0)),
            plural(
                st.managers
                    .get(crate::bo_state::man_index(a(1) as u8, a(0) as u8))
                    .map_or(0, |m| m.lru.len() as u64),
                "BO"
            )
        ),
        BoHandleMoveMem => {
            let dev = bo(0).map_or(0, |b| b.device);
            let fixed = |t: u64| {
                st.managers
                    .get(crate::bo_state::man_index(dev, t as u8))
                    .is_some_and(|m| m.flags & crate::bo::MEMTYPE_FIXED != 0)
            };
            let old = bo(0).map_or(0, |b| b.mem.mem_type as u64);
            let how = if !fixed(a(1)) && old == pl::PL_SYSTEM as u64 {
                "from SYSTEM the tt is just set up and bound there"
            } else if !fixed(a(1)) && !fixed(old) {
                "both sides are system pages, so ttm_bo_move_ttm moves the tt"
            } else {
                "on-card memory is involved, so the driver's move copies it"
            };
            format!(
                "moves {} to {} {}{}: {how}",
                bo_desc(st, a(0)),
                mem_name(a(1)),
                placement_text(a(2) as u32),
                if a(3) != 0 { " (an eviction)" } else { "" }
            )
        }
        BoAddTtm => format!(
            "BO {} has no tt: {} creates one of {}{}",
            a(0),
            driver_symbol(kind, DrvTtCreate),
            pages(bo(0).map_or(0, |b| b.num_pages as u64)),
            if a(1) != 0 { ", zero-filled" } else { "" }
        ),
        BoMoveTtm => format!(
            "moves {}'s tt to its new system-page memory: unbind, set the caching, bind again{}",
            bo_desc(st, a(0)),
            if a(1) != 0 { " (an eviction)" } else { "" }
        ),
        BoMoveMemcpy => format!(
            "copies {} page by page with the CPU{}",
            bo_desc(st, a(0)),
            if a(1) != 0 { " (an eviction)" } else { "" }
        ),
        BoMoveAccelCleanup => format!(
            "the GPU copy of BO {} ends with fence {}: {}",
            a(0),
            a(1),
            if a(2) != 0 {
                "an eviction waits for it, then frees the old memory"
            } else {
                "a ghost BO keeps the old memory until the fence signals"
            }
        ),
        BufferObjectTransfer => format!(
            "creates a ghost of {} that keeps its old memory until the copy is done",
            bo_desc(st, a(0))
        ),
        BoMemPut => format!(
            "frees BO {}'s {} range starting at page {}",
            a(0),
            mem_name(a(1)),
            a(2)
        ),
        ManGetNode => format!(
            "looks for {} free for BO {} between page {} and {}",
            pages(a(1)),
            a(0),
            a(2),
            if a(3) == 0 {
                "the end".to_string()
            } else {
                format!("page {}", a(3))
            }
        ),
        ManPutNode => format!("frees the range of {} starting at page {}", pages(a(1)), a(0)),
        BoUnmapVirtual => format!(
            "zaps the CPU page-table entries of BO {} ({} now): the next CPU access faults",
            a(0),
            bo(0).map_or(0, |b| b.ptes)
        ),
        BoWait => match bo(0).and_then(|b| b.fence) {
            None => format!("BO {} has no fence: it is idle", a(0)),
            Some(f) if st.fences.get(f as usize).is_some_and(|x| x.signaled) => {
                format!("BO {}'s fence {f} has signalled: it is dropped", a(0))
            }
            Some(f) => format!(
                "BO {}'s fence {f} has not signalled: {}",
                a(0),
                if a(1) != 0 { "with no_wait this is -EBUSY" } else { "it waits for the GPU" }
            ),
        },
        BoKmap => format!(
            "maps pages {}..{} of {} into the kernel",
            a(1),
            a(1) + a(2),
            bo_desc(st, a(0))
        ),
        BoKmapTtm => format!(
            "maps {} of BO {}'s tt: {}",
            pages(a(2)),
            a(0),
            if a(2) == 1 && bo(0).is_some_and(|b| b.mem.placement & pl::FLAG_CACHED != 0) {
                "one cached page uses its own kernel address"
            } else {
                "the pages are vmapped with the placement's caching"
            }
        ),
        BoKunmap => format!("undoes BO {}'s kernel mapping", a(0)),
        BoVmFault => match bo(0) {
            Some(b) if b.reserved => format!(
                "the CPU touched page {} of BO {}, which is reserved: the fault is retried",
                a(1),
                a(0)
            ),
            _ => format!(
                "the CPU touched page {} of {}: its pages are mapped into the process",
                a(1),
                bo_desc(st, a(0))
            ),
        },
        BoUnref => match bo(0) {
            Some(b) if b.kref <= 1 => {
                format!("drops the last reference to BO {}: it is released", a(0))
            }
            Some(b) => format!("drops one of BO {}'s {} references", a(0), b.kref),
            None => format!("drops a reference to BO {}", a(0)),
        },
        BoRelease => format!(
            "the last reference to BO {} is gone: it is destroyed now if idle, else queued",
            a(0)
        ),
        CleanupRefsOrQueue => {
            let busy = bo(0)
                .and_then(|b| b.fence)
                .is_some_and(|f| !st.fences.get(f as usize).is_some_and(|x| x.signaled));
            if busy {
                format!(
                    "BO {} is still busy on the GPU: it goes on the delayed-destroy list",
                    a(0)
                )
            } else {
                format!("BO {} is idle: its memory is freed and it is released now", a(0))
            }
        }
        CleanupMemtypeUse => format!(
            "frees {}'s memory and destroys its tt",
            bo_desc(st, a(0))
        ),
        CleanupRefs => format!(
            "finishes destroying BO {} from the delayed-destroy list",
            a(0)
        ),
        DelayedDelete => format!(
            "walks the delayed-destroy list ({}){}",
            plural(
                st.ddestroy.get(a(1) as usize).map_or(0, |l| l.len() as u64),
                "BO"
            ),
            if a(0) != 0 { ", waiting for each" } else { "" }
        ),
        ReleaseList => format!(
            "frees BO {} and uncharges its {} bytes of accounting size",
            a(0),
            bo(0).map_or(0, |b| b.acc_size)
        ),
        MemIoReserve => format!(
            "asks the driver whether BO {}'s {} memory is I/O memory for the CPU",
            a(0),
            bo_mem(st, a(0))
        ),
        DrvTtCreate => format!(
            "the driver allocates its tt object for BO {}: {}, page flags {}",
            a(1),
            pages(a(2)),
            flags_text(a(3))
        ),
        DrvTtPopulate => match st.tts.get(a(1) as usize) {
            Some(t) if t.state != TtState::Unpopulated => {
                format!("{} is already populated: the driver has nothing to do", tt_desc(st, a(1)))
            }
            _ if kind == crate::config::DriverKind::Vmwgfx => format!(
                "vmwgfx populates {} from the page pool",
                tt_desc(st, a(1))
            ),
            _ if cfg.agp => format!(
                "on AGP the pages of {} come from the page pool",
                tt_desc(st, a(1))
            ),
            _ if cfg.has_dma_pool() => format!(
                "swiotlb is active, so {} is populated from the DMA pool",
                tt_desc(st, a(1))
            ),
            _ => format!(
                "{} is populated from the page pool, then each page is DMA-mapped for the device",
                tt_desc(st, a(1))
            ),
        },
        DrvTtUnpopulate => format!(
            "{}'s pages go back: {}",
            tt_desc(st, a(1)),
            if kind == crate::config::DriverKind::Vmwgfx || cfg.agp {
                "to the page pool"
            } else if cfg.has_dma_pool() {
                "to the DMA pool"
            } else {
                "DMA-unmapped, then to the page pool"
            }
        ),
        DrvInitMemType => format!(
            "the driver describes memory type {}: its flags, caching and manager",
            mem_name(a(1))
        ),
        DrvEvictFlags => {
            let to = match bo(1) {
                Some(b) if b.ghost => "a ghost goes to SYSTEM with any caching",
                Some(b) if b.mem.mem_type as u32 == pl::PL_VRAM && drv_cfg.accel => {
                    "a VRAM BO with the GPU running goes to GTT"
                }
                _ => "it goes to system memory",
            };
            format!("the driver picks where {} goes when evicted: {to}", bo_desc(st, a(1)))
        }
        DrvMove => {
            let old = bo(1).map_or(0, |b| b.mem.mem_type as u32);
            let new = a(3) as u32;
            let has_tt = bo(1).is_some_and(|b| b.tt.is_some());
            let how = if kind == crate::config::DriverKind::Vmwgfx {
                "vmwgfx has no move callback, so TTM copies with the CPU"
            } else if (old == pl::PL_SYSTEM && !has_tt)
                || (old == pl::PL_TT && new == pl::PL_SYSTEM)
                || (old == pl::PL_SYSTEM && new == pl::PL_TT)
            {
                "nothing needs copying, so the BO just takes the new memory"
            } else if !drv_cfg.accel {
                "without GPU acceleration the CPU copies it"
            } else if old == pl::PL_VRAM && new == pl::PL_SYSTEM {
                "the GPU copies it into a temporary GTT range, which then becomes system memory"
            } else if old == pl::PL_SYSTEM && new == pl::PL_VRAM {
                "the tt goes to a temporary GTT range, then the GPU copies it into VRAM"
            } else {
                "the GPU copies it"
            };
            format!(
                "moves BO {} from {} to {}{}: {how}",
                a(1),
                mem_name(old as u64),
                mem_name(new as u64),
                if a(2) != 0 { " (an eviction)" } else { "" }
            )
        }
        DrvMoveNotify => {
            if a(2) == 0 {
                format!("the driver hears that BO {} is being destroyed", a(1))
            } else {
                format!(
                    "the driver hears that BO {} moves to {} and drops its own mappings",
                    a(1),
                    mem_name(a(2) - 1)
                )
            }
        }
        DrvInvalidateCaches => format!(
            "the BO was evicted earlier: the GPU caches are flushed for {}",
            placement_text(a(1) as u32)
        ),
        DrvFaultReserveNotify => {
            let visible = drv_cfg.visible_vram_size_pages();
            match bo(1) {
                Some(b)
                    if b.mem.mem_type as u32 == pl::PL_VRAM
                        && b.mem.start + b.num_pages as u64 > visible =>
                {
                    format!(
                        "BO {} lies beyond the CPU-visible {} of VRAM: it is validated into the visible part",
                        a(1),
                        pages(visible)
                    )
                }
                _ => format!(
                    "{} is already CPU-visible: nothing to do",
                    bo_desc(st, a(1))
                ),
            }
        }
        DrvSyncObjWait => format!("waits until the GPU passes fence {}", a(1)),
        DrvSyncObjSignaled => format!(
            "asks whether the GPU has passed fence {} ({})",
            a(1),
            if st.fences.get(a(1) as usize).is_some_and(|f| f.signaled) {
                "it has"
            } else {
                "not yet"
            }
        ),
        DrvIoMemReserve => format!(
            "the driver tells whether {} memory is I/O memory for the CPU (VRAM and AGP are)",
            mem_name(a(1))
        ),
        DrvCopy => format!(
            "the GPU copies BO {}'s {} from {} to {}; fence {} signals when it is done",
            a(1),
            pages(bo(1).map_or(0, |b| b.num_pages as u64)),
            mem_name(a(2)),
            mem_name(a(3)),
            a(4)
        ),
        DrvBackendBind => format!(
            "writes tt {}'s {} into the aperture at page {}",
            a(1),
            pages(a(3)),
            a(2)
        ),
        DrvBackendUnbind => format!("clears tt {}'s entries from the aperture", a(1)),
        DrvBackendDestroy => format!("frees the driver's part of tt {}, then the tt itself", a(1)),
        DrvDmaMap => format!(
            "maps tt {}'s page {}{} for the device's DMA",
            a(0),
            a(1),
            st.tts
                .get(a(0) as usize)
                .and_then(|t| t.pages.get(a(1) as usize).copied().flatten())
                .map_or(String::new(), |p| format!(" ({p:#x})"))
        ),
        DrvDmaUnmap => format!("unmaps tt {}'s page {} from the device's DMA", a(0), a(1)),
        ShmemFileSetup => format!(
            "creates a {}-byte shmem file to hold swapped-out contents",
            a(0)
        ),
        ShmemReadMappingPage => format!("finds page {} of swap file {}", a(1), a(0)),
        Fput => format!("releases swap file {} and its pages", a(0)),
        // ---- Linux 6.12 (mspec; issue 18) ----
        MGlobalInit => "creates TTM's global state on the first device: limits from RAM and the module parameters, the 44 global pool types, the pool shrinker".to_string(),
        MDeviceInit => format!(
            "sets up the device: the global state if it is the first, the SYSTEM manager and its pool{}{}",
            if a(0) != 0 { " with DMA-coherent allocation" } else { "" },
            if a(1) != 0 { " below 4 GiB (dma32)" } else { "" }
        ),
        MGlobalSwapout => "asks the devices, in list order, to swap out one buffer object".to_string(),
        MDeviceSwapout => "looks for one BO to swap out: SYSTEM first, then TT — SYSTEM BOs always go first".to_string(),
        MTtMgrInit => format!(
            "sets pages_limit to {} and dma32_pages_limit to {} unless the module parameters were given",
            pages(a(0)),
            pages(a(1))
        ),
        MTtCreate => format!(
            "gives BO {} a tt if it has none{}",
            a(0),
            if a(1) != 0 { ", asking for zeroed pages" } else { "" }
        ),
        MTtInit => format!(
            "creates tt {} of {} with flags {:#x}; its caching {} is fixed for life",
            a(0),
            pages(a(1)),
            a(2),
            crate::Caching::from_u8(a(3) as u8).map_or("?", crate::present::caching)
        ),
        MTtPopulate => format!(
            "charges tt {}'s pages to ttm_pages_allocated, swaps others out while above pages_limit, then takes the pages from the pool",
            a(0)
        ),
        MTtUnpopulate => format!("gives tt {}'s pages back to the pool and takes the charge back", a(0)),
        MTtSwapout => format!("copies tt {} into a new shmem file and frees its pages (any caching)", a(0)),
        MTtSwapin => format!("copies tt {}'s swapped contents back and drops the file", a(0)),
        MTtFini => format!("frees tt {}'s page array and its swap file, if any", a(0)),
        MBoTtDestroy => format!("unpopulates and destroys BO {}'s tt", a(0)),
        MPoolMgrInit => format!(
            "sets page_pool_size to {} unless given, and puts the 44 global pool types on the shrinker list",
            pages(a(0))
        ),
        MPoolInit => "initialises the device's pool: its own pool types only with DMA alloc or a NUMA node".to_string(),
        MPoolAlloc => {
            let n = tt.map_or(0, |t| t.num_pages as u64);
            format!(
                "fills tt {}'s {} block by block, largest order first (order {}), pool first, then fresh",
                a(0),
                pages(n),
                if n > 0 { crate::modern::ttm_pool::fls(n).min(10) } else { 0 }
            )
        }
        MPoolFree => format!(
            "returns tt {}'s blocks to the pool types of their order (cached ones to the system), then trims to page_pool_size",
            a(0)
        ),
        MPoolAllocPage => format!("asks the page allocator for a fresh block of order {} ({})", a(0), pages(1 << a(0).min(10))),
        MPoolFreePage => format!("returns a block of order {} to the page allocator", a(0)),
        MPoolTypeTake => format!("takes the head block of {}", crate::modern::pool_type_label(st, a(0) as u16)),
        MPoolTypeGive => format!(
            "clears a block and pushes it on the head of {}",
            crate::modern::pool_type_label(st, a(0) as u16)
        ),
        MPoolApplyCaching => format!("changes the caching of {} at once, starting at slot {}", pages(a(1)), a(0)),
        MPoolShrink => {
            let head = st.modern.as_deref().and_then(|m| m.shrinker.front().copied());
            format!(
                "rotates the shrinker list and frees one block of {}",
                head.map_or("the head pool type".to_string(), |p| crate::modern::pool_type_label(st, p))
            )
        }
        MPoolShrinkerCount => "tells reclaim how many pages the pools hold".to_string(),
        MPoolShrinkerScan => format!("frees exactly one block whatever nr_to_scan ({}) says", a(0)),
        MResourceAlloc => format!("asks the {} manager for room for BO {}", mem_name(a(1)), a(0)),
        MResourceFree => format!("frees resource {} of BO {}", a(1), a(0)),
        MResourceInit => format!("creates BO {}'s resource in {} and puts it on an LRU tail", a(0), mem_name(a(1))),
        MResourceFini => format!("takes resource {} off its list and out of its manager's usage", a(0)),
        MResourceCompatible => format!(
            "checks whether resource {} already satisfies the placement (pass {})",
            a(0),
            a(1) + 1
        ),
        MResourceMoveToLruTail => format!("moves resource {} to the tail of its LRU (or the pinned list)", a(0)),
        MSysManInit => "sets up the SYSTEM manager: tt-backed, never full".to_string(),
        MSysManAlloc => format!("gives BO {} a SYSTEM resource (never -ENOSPC)", a(0)),
        MRangeManInit => format!("sets up the {} range manager over {}", mem_name(a(0)), pages(a(2))),
        MRangeManAlloc => format!("looks for the best-fitting hole of {} for BO {}", pages(a(1)), a(0)),
        MBoInitReserved => format!("creates BO {} of {}, locked, and validates it", a(0), pages(a(1))),
        MBoValidate => format!(
            "validates BO {} to {}: pass 1 without eviction, pass 2 with",
            a(0),
            crate::modern::ttm_resource::places_text(&crate::modern::ttm_resource::unpack_placement(a(1)))
        ),
        MBoAllocResource => format!(
            "tries each place for BO {} ({})",
            a(0),
            if a(1) != 0 { "pass 2: evicting, DESIRED places skipped" } else { "pass 1: no eviction, FALLBACK places skipped" }
        ),
        MBoMemSpace => format!("finds room for BO {}, first without eviction, then with", a(0)),
        MBoEvictAlloc => format!("walks the {} LRUs evicting until BO {} fits", mem_name(a(0)), a(1)),
        MBoEvictCb => format!("considers evicting BO {}", a(0)),
        MBoEvict => format!("evicts BO {} where the driver says", a(0)),
        MBoHandleMoveMem => format!(
            "moves buffer object {} to {}{}",
            a(0),
            mem_name(a(1)),
            if a(2) != 0 { " (eviction)" } else { "" }
        ),
        MBoSwapout => format!("walks the {} LRUs for one BO to swap out", mem_name(a(0))),
        MBoSwapoutCb => format!("considers swapping out BO {}", a(0)),
        MBoPin => format!("pins BO {} (it joins the pinned list at its next LRU update)", a(0)),
        MBoUnpin => format!("unpins BO {}: it may be evicted again", a(0)),
        MBoReserve => format!("locks BO {}'s reservation; it stays on its LRU", a(0)),
        MBoUnreserve => format!("moves BO {} to its LRU tail and unlocks it", a(0)),
        MBoPut => format!("drops a reference to BO {}", a(0)),
        MBoRelease => format!("releases BO {}: at once, or as a zombie if it is busy", a(0)),
        MBoVmFault => format!("handles a CPU fault on page {} of BO {}", a(1), a(0)),
        MBoPipelineGutting => format!("drops BO {}'s placement and contents", a(0)),
        MLruWalkForEvict => format!("walks the {} LRUs, lowest priority number first, with trylocks", mem_name(a(0))),
        MBoMoveNull => format!("switches BO {} to its new resource; no data moves", a(0)),
        MBoMoveMemcpy => format!("copies BO {} to {} with the CPU", a(0), mem_name(a(1))),
        MBoMoveSyncCleanup => format!("waits for BO {} and frees its old resource", a(0)),
        MBoKmap => format!("maps {} of BO {} from page {}", pages(a(2)), a(0), a(1)),
        MDrvTtCreate => format!("the driver allocates BO {}'s tt with its caching", a(0)),
        MDrvTtDestroy => format!("the driver destroys tt {}", a(0)),
        MDrvMove => format!("the driver moves BO {} to {}", a(0), mem_name(a(2))),
        MDrvEvictFlags => format!("the driver says where BO {} goes when evicted", a(0)),
    }
}

fn zone_usage(st: &State) -> String {
    st.zones
        .iter()
        .map(|z| format!("{}: {} of {} bytes", z.name, z.used_mem, z.max_mem))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- spans -------------------------------------------------------------------------------

fn place(st: &State, l: Loc) -> String {
    match l {
        Loc::Fresh | Loc::Free => "system memory".to_string(),
        Loc::Pool { pool, .. } => format!("the {}", pool_name(st, pool as u64)),
        Loc::Dma { pool, .. } => format!("the {}", dma_pool_name(st, pool as u64)),
        Loc::Tt { tt, .. } => format!("tt {tt}"),
        Loc::Local { .. } => "a batch being allocated or freed".to_string(),
        Loc::Leaked => "nowhere (leaked)".to_string(),
        Loc::MPool { pt } => crate::modern::pool_type_label(st, pt),
    }
}

fn counter(st: &State, c: Ctr) -> String {
    match c {
        Ctr::PoolNpages(i) => format!("{} npages", pool_name(st, i as u64)),
        Ctr::PoolNrefills(i) => format!("{} refills", pool_name(st, i as u64)),
        Ctr::PoolNfrees(i) => format!("{} pages freed", pool_name(st, i as u64)),
        Ctr::ZoneUsed(z) => format!(
            "{} zone used_mem",
            st.zones.get(z as usize).map_or("?", |z| z.name.as_str())
        ),
        Ctr::DmaFree(p) => format!("{} free pages", dma_pool_name(st, p as u64)),
        Ctr::DmaInUse(p) => format!("{} pages in use", dma_pool_name(st, p as u64)),
        Ctr::DmaNrefills(p) => format!("{} refills", dma_pool_name(st, p as u64)),
        Ctr::DmaNfrees(p) => format!("{} pages freed", dma_pool_name(st, p as u64)),
        Ctr::ShrinkStart => "shrinker start counter".to_string(),
        Ctr::DmaShrinkStart => "DMA shrinker start counter".to_string(),
        Ctr::ObjCharged => "object charges".to_string(),
    }
}

fn var_name(v: Var) -> String {
    match v {
        Var::TtState(t) => format!("tt {t} state"),
        Var::TtCaching(t) => format!("tt {t} caching"),
        Var::TtFlags(t) => format!("tt {t} page_flags"),
        Var::TtSwap(t) => format!("tt {t} swap_storage"),
        Var::TtAlive(t) => format!("tt {t}"),
        Var::TtFirstHimem(t) => format!("tt {t} first_himem_page"),
        Var::TtLastLomem(t) => format!("tt {t} last_lomem_page"),
        Var::TtAgpMem(t) => format!("tt {t} AGP memory objects"),
        Var::SwapReleased(f) => format!("swap file {f}"),
        Var::PoolFillLock(p) => format!("pool {p} fill_lock"),
        Var::PoolOpt(o) => format!("pool option {o:?}"),
        Var::DmaOpt(o) => format!("DMA pool option {o:?}"),
        Var::Zone(z, f) => format!("zone {z} {f:?}"),
        Var::SwapWorkQueued => "ttm_swap work".into(),
        Var::PoolManagerUp => "pool manager".into(),
        Var::Bo(b, f) => format!("BO {b} {}", bo_field(f)),
        Var::FenceSignaled(f) => format!("fence {f}"),
    }
}

/// A buffer object's field by its kernel name.
fn bo_field(f: BoField) -> &'static str {
    match f {
        BoField::MemType => "mem.mem_type",
        BoField::Placement => "mem.placement",
        BoField::Start => "mem.start",
        BoField::HasNode => "mem.mm_node",
        BoField::Tt => "ttm",
        BoField::Evicted => "evicted",
        BoField::Reserved => "reserved",
        BoField::ValSeq => "val_seq",
        BoField::SeqValid => "seq_valid",
        BoField::Kref => "kref",
        BoField::Alive => "(alive)",
        BoField::Fence => "sync_obj",
        BoField::Moving => "MOVING",
        BoField::Offset => "offset",
        BoField::AccSize => "acc_size",
        BoField::PersistentSwap => "persistent_swap_storage",
        BoField::Ptes => "CPU PTEs",
        BoField::Kmap => "kmap",
        BoField::VmStart => "vm_node",
    }
}

fn var_value(v: Var, x: u64) -> String {
    match v {
        Var::TtState(_) => state_name(x).into(),
        Var::TtCaching(_) => caching_name(x).into(),
        Var::TtFlags(_) => flags_text(x),
        Var::TtSwap(_) | Var::Bo(_, BoField::Tt | BoField::Fence | BoField::PersistentSwap) => {
            if x == 0 {
                "NULL".into()
            } else {
                (x - 1).to_string()
            }
        }
        Var::TtAlive(_) => (if x != 0 { "alive" } else { "freed" }).into(),
        Var::SwapReleased(_) => (if x != 0 { "released" } else { "live" }).into(),
        Var::SwapWorkQueued => (if x != 0 { "queued" } else { "not queued" }).into(),
        Var::PoolManagerUp => (if x != 0 { "up" } else { "down" }).into(),
        Var::FenceSignaled(_) => (if x != 0 { "signalled" } else { "pending" }).into(),
        Var::Bo(_, BoField::MemType) => mem_name(x),
        Var::Bo(_, BoField::Placement) => placement_text(x as u32),
        Var::Bo(
            _,
            BoField::HasNode
            | BoField::Evicted
            | BoField::Reserved
            | BoField::SeqValid
            | BoField::Alive
            | BoField::Moving,
        ) => (x != 0).to_string(),
        _ => x.to_string(),
    }
}

/// Spans of at most this many events list their page moves hop by hop.
const HOPS_MAX_SPAN: usize = 1 << 16;

/// A hop's place in the words of [`place`].
fn hop_place(st: &State, p: crate::hops::Place) -> String {
    use crate::hops::Place;
    match p {
        Place::System => "system memory".into(),
        Place::Pool(i) => place(
            st,
            Loc::Pool {
                pool: i,
                end: crate::state::End::Head,
            },
        ),
        Place::DmaPool(i) => place(
            st,
            Loc::Dma {
                pool: i,
                end: crate::state::End::Head,
            },
        ),
        Place::Tt(t) => format!("tt {t}"),
        Place::Leaked => "nowhere (leaked)".into(),
        other => crate::present::place(st, other),
    }
}

/// The state changes of events `from..to`, summed up: pages moved per route, attributes set,
/// counters, scalars (first and last value), objects created, LRU and range changes, findings.
/// Empty when nothing changed.
fn changes(sim: &Sim, st: &State, from: u64, to: u64) -> String {
    let n = to.saturating_sub(from) as usize;
    let mut journey: BTreeMap<u64, (Loc, Loc)> = BTreeMap::new();
    let mut counters: BTreeMap<String, i64> = BTreeMap::new();
    let mut attrs: BTreeMap<String, u64> = BTreeMap::new();
    let mut vars: Vec<(Var, u64, u64)> = Vec::new();
    let mut content = 0u64;
    let mut swapped = 0u64;
    let mut other: Vec<String> = Vec::new();
    let mut findings = Vec::new();
    for e in sim.trace().events_from(from).take(n) {
        match e {
            Event::Delta(Delta::PageMove { pfn, from, to }) => {
                journey.entry(pfn).or_insert((from, to)).1 = to;
            }
            Event::Delta(Delta::PageAttr { new, .. }) => {
                *attrs.entry(format!("{new:?}").to_lowercase()).or_default() += 1;
            }
            Event::Delta(Delta::PageContent { .. }) => content += 1,
            Event::Delta(Delta::Count { ctr, by }) => {
                *counters.entry(counter(st, ctr)).or_default() += by;
            }
            Event::Delta(Delta::Set { var, old, new }) => {
                match vars.iter_mut().find(|(v, ..)| *v == var) {
                    Some(e) => e.2 = new,
                    None => vars.push((var, old, new)),
                }
            }
            Event::Delta(Delta::SwapWrite { .. }) => swapped += 1,
            Event::Delta(d) => {
                if other.len() < 6 {
                    other.push(describe_delta(st, &d).trim_end_matches('.').to_string());
                } else if other.len() == 6 {
                    other.push("more".into());
                }
            }
            Event::Finding(f) => findings.push(f.describe()),
            _ => {}
        }
    }
    let mut parts = Vec::new();
    // Pages along the kernel's own path, hop by hop in its order (crate::hops: a refill is
    // system → pool, then pool → tt), as the stage draws them; net moves per page only when
    // the span is too long to list hop by hop.
    let hops = if n <= HOPS_MAX_SPAN {
        crate::hops::around(sim, from, to)
    } else {
        Vec::new()
    };
    let page_hops: Vec<&crate::hops::Hop> = hops
        .iter()
        .filter(|h| h.what == crate::hops::What::Pages)
        .collect();
    if !page_hops.is_empty() {
        let legs: Vec<String> = page_hops
            .iter()
            .take(6)
            .enumerate()
            .map(|(k, h)| {
                format!(
                    "{}{} from {} to {}",
                    pages(h.count),
                    if k == 0 { " moved" } else { "" },
                    hop_place(st, h.from),
                    hop_place(st, h.to)
                )
            })
            .collect();
        let mut text = legs.join(", then ");
        if page_hops.len() > 6 {
            text.push_str(&format!(", and {} more hops", page_hops.len() - 6));
        }
        parts.push(text);
    } else {
        let mut moves: BTreeMap<(String, String), u64> = BTreeMap::new();
        for (from, to) in journey.values() {
            let (a, b) = (place(st, *from), place(st, *to));
            if a != b {
                *moves.entry((a, b)).or_default() += 1;
            }
        }
        for ((a, b), c) in &moves {
            parts.push(format!("{} moved from {a} to {b}", pages(*c)));
        }
    }
    for (k, c) in &attrs {
        parts.push(format!("{} set to {k}", pages(*c)));
    }
    if content > 0 {
        parts.push(format!("the contents of {} written", pages(content)));
    }
    if swapped > 0 {
        parts.push(format!("{} of swap written", pages(swapped)));
    }
    let c: Vec<String> = counters
        .iter()
        .filter(|(_, v)| **v != 0)
        .map(|(k, v)| format!("{k} {v:+}"))
        .collect();
    if !c.is_empty() {
        parts.push(c.join(", "));
    }
    let v: Vec<String> = vars
        .iter()
        .filter(|(_, a, b)| a != b)
        .take(6)
        .map(|(v, a, b)| {
            format!(
                "{}: {} -> {}",
                var_name(*v),
                var_value(*v, *a),
                var_value(*v, *b)
            )
        })
        .collect();
    if !v.is_empty() {
        parts.push(v.join(", "));
    }
    parts.extend(other);
    let mut s = parts.join("; ");
    if !s.is_empty() {
        s.push('.');
    }
    for f in findings {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&f);
        s.push('.');
    }
    s
}

/// Describe events `from..to` of `sim`'s trace. `st` is the state at `from`. A single event is
/// [`event`]; a span names each outermost call with what it returned (up to four), then sums up
/// the state changes and findings.
pub fn narrate(sim: &Sim, st: &State, from: u64, to: u64) -> String {
    if to <= from {
        return String::new();
    }
    if to - from == 1 {
        return event(sim, st, from);
    }
    let kind = sim.config().driver.kind;
    let n = (to - from) as usize;
    // Outermost calls that complete in the span: (symbol, head arguments, function, return).
    let mut calls: Vec<String> = Vec::new();
    let mut more = 0usize;
    let mut stack: Vec<(Func, Vec<u64>)> = Vec::new();
    for e in sim.trace().events_from(from).take(n) {
        match e {
            Event::Enter { func, args } => stack.push((func, args)),
            Event::Exit { ret } => {
                if let Some((func, args)) = stack.pop() {
                    if stack.is_empty() {
                        if calls.len() < 4 {
                            let sym = event_symbol(kind, func, &args);
                            calls.push(if is_void(func) && ret == 0 {
                                format!("{sym}({}) ran", args_text(st, func, &args))
                            } else {
                                format!(
                                    "{sym}({}) returned {}",
                                    args_text(st, func, &args),
                                    result(func, ret)
                                )
                            });
                        } else {
                            more += 1;
                        }
                    }
                }
            }
            Event::Mark { .. } => stack.clear(),
            _ => {}
        }
    }
    let mut s = String::new();
    if !calls.is_empty() {
        s.push_str(&calls.join("; "));
        if more > 0 {
            s.push_str(&format!(" (and {} more)", plural(more as u64, "call")));
        }
        s.push_str(". ");
    }
    if let Some((func, args)) = stack.first() {
        s.push_str(&format!(
            "{} is still running. ",
            event_symbol(kind, *func, args)
        ));
    }
    s.push_str(&changes(sim, st, from, to));
    s.trim_end().to_string()
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
        Delta::PageAttr { pfn, old, new } => format!(
            "Page {pfn:#x}'s kernel mapping changes from {} to {}.",
            format!("{old:?}").to_lowercase(),
            format!("{new:?}").to_lowercase()
        ),
        Delta::PageContent { pfn, .. } => format!("Page {pfn:#x}'s contents change."),
        Delta::Count { ctr, by } => format!("{} changes by {by:+}.", counter(st, ctr)),
        Delta::Set { var, old, new } => format!(
            "{} changes from {} to {}.",
            var_name(var),
            var_value(var, old),
            var_value(var, new)
        ),
        Delta::TtNew { id, num_pages, .. } => {
            format!("tt {id} of {} is created.", pages(num_pages as u64))
        }
        Delta::SwapNew { id, num_pages, .. } => {
            format!("Swap file {id} of {} is created.", pages(num_pages as u64))
        }
        Delta::SwapWrite { file, idx, .. } => format!("Page {idx} of swap file {file} is written."),
        Delta::Modern(m) => crate::modern::describe_delta(st, &m),
        Delta::DmaPoolNew { ptype, .. } => {
            format!("The {} DMA pool is created.", dma_type::name(ptype))
        }
        Delta::BoNew {
            id,
            num_pages,
            ghost,
            ..
        } => format!(
            "{} {id} of {} is created.",
            if ghost { "Ghost BO" } else { "Buffer object" },
            pages(num_pages as u64)
        ),
        Delta::Lru {
            list, bo, insert, ..
        } => format!(
            "BO {bo} {} {}.",
            if insert { "joins" } else { "leaves" },
            match crate::bo_state::list_parts(list) {
                (_, LIST_SWAP) => "the swap LRU".to_string(),
                (d, LIST_DDESTROY) => format!("the delayed-destroy list{}", of_device(d)),
                (d, t) => format!("the {} LRU{}", mem_name(t as u64), of_device(d)),
            }
        ),
        Delta::Node {
            mem_type,
            start,
            len,
            bo,
            alloc,
        } => format!(
            "{} [{start}, {}) of {} {} BO {bo}.",
            pages(len),
            start + len,
            man_name(mem_type),
            if alloc {
                "are allocated to"
            } else {
                "are freed by"
            }
        ),
        Delta::ManagerInit {
            mem_type,
            size,
            flags,
            available_caching,
            default_caching,
            ..
        } => format!(
            "Memory type {} is initialised: {}, flags {flags:#x}, caching {} (default {}).",
            man_name(mem_type),
            pages(size),
            placement_text(available_caching),
            placement_text(default_caching)
        ),
        Delta::FenceNew { id } => format!("The GPU emits fence {id}."),
        Delta::IoContent { mem_type, page, .. } => {
            format!(
                "Page {page} of {} (on the card) is written.",
                man_name(mem_type)
            )
        }
    }
}

/// " of device N" for a device other than 0 (spec 6.1: each device has its own lists).
fn of_device(dev: u8) -> String {
    if dev == 0 {
        String::new()
    } else {
        format!(" of device {dev}")
    }
}

/// A manager index of the manager deltas ([`crate::bo_state::man_index`]) as words: the memory
/// type, and its device when that is not device 0.
fn man_name(man: u8) -> String {
    let per = crate::bo_state::TTM_NUM_MEM_TYPES as u8;
    format!("{}{}", mem_name((man % per) as u64), of_device(man / per))
}
