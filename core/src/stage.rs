//! The stage: one view of the whole simulated machine at a position, for the app and every embed
//! to draw, and its text alternative for screen readers. Places are the same as the hops' (see
//! [`crate::hops::Place`]), so travel between them can be drawn along the kernel's path.
//!
//! What it shows follows the spec's objects: system memory as the reservoir (spec 3.6 pages come
//! from and return to it), the four pools and the DMA pools as shelves (head first; spec 3.3,
//! 4.2), every tt as a row of slots whose colour is the page's caching and whose frame is the
//! tt's state (spec 2.4: unpopulated / unbound / bound, plus SWAPPED), the swap files (spec 2.8),
//! the accounting zones as gauges with their marks (spec 5.2) and the memory types as bars of BO
//! ranges with their LRU order (spec 6.2, 6.8).

use crate::consts::{Attr, Caching, TtState};
use crate::hops::Place;
use crate::present;
use crate::state::State;
use std::rc::Rc;

/// What one slot or shelf position shows (a byte per page, so a 4,194,304-page tt is cheap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Cell {
    /// A NULL slot.
    Empty = 0,
    /// A page mapped write-back (cached).
    Wb = 1,
    /// A write-combined page.
    Wc = 2,
    /// An uncached page.
    Uc = 3,
    /// A NULL slot whose contents are in the tt's swap storage.
    Swapped = 4,
}

impl Cell {
    /// The cell of a page by its kernel mapping attribute.
    pub fn of_attr(a: Attr) -> Cell {
        match a {
            Attr::Wb => Cell::Wb,
            Attr::Wc => Cell::Wc,
            Attr::Uc => Cell::Uc,
        }
    }

    /// The legend text.
    pub fn label(self) -> &'static str {
        match self {
            Cell::Empty => "no page (NULL slot)",
            Cell::Wb => "page, cached (write-back)",
            Cell::Wc => "page, write-combined",
            Cell::Uc => "page, uncached",
            Cell::Swapped => "contents in swap",
        }
    }

    /// Every cell kind, in legend order.
    pub const ALL: [Cell; 5] = [Cell::Empty, Cell::Wb, Cell::Wc, Cell::Uc, Cell::Swapped];
}

fn page_cell(st: &State, pfn: u64) -> Cell {
    Cell::of_attr(st.phys.page(pfn).map_or(Attr::Wb, |p| p.attr))
}

/// A pool shelf: its pages head first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shelf {
    /// The place (a normal or DMA pool).
    pub place: Place,
    /// `pool wc`, `DMA pool uc dma32`.
    pub label: String,
    /// The pool's page count as the kernel keeps it (`npages` / `npages_free`; may differ from
    /// the list after defect D3).
    pub npages: u64,
    /// One cell per listed page, head first.
    pub cells: Vec<u8>,
    /// The pfns, in the same order.
    pub pfns: Vec<u64>,
    /// `max_size` of the pool options, in pages (the trim threshold, spec 3.7).
    pub max_size: u64,
}

/// Tt rows with more slots than this carry no pfns ([`TtRow::pfns`]).
pub const PFNS_MAX: usize = 1 << 16;

/// A tt as a row of slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TtRow {
    /// The place.
    pub place: Place,
    /// Id.
    pub id: u32,
    /// Still exists (false after `ttm_tt_destroy`).
    pub alive: bool,
    /// Its state (spec 2.4).
    pub state: TtState,
    /// The state as the machine's kernel names it: `tt_unbound` (3.3, spec 1.3); `populated`,
    /// `unpopulated`, `swapped out` (6.12 has no bound state, mspec 3.3); `destroyed`.
    pub badge: &'static str,
    /// SWAPPED is set.
    pub swapped: bool,
    /// Its caching state (spec 1.2).
    pub caching: Caching,
    /// `tt_unbound, tt_wc, ZERO_ALLOC|DMA32`: state, caching and page flags in kernel names.
    pub caption: String,
    /// Its page flags decoded (spec 1.1), `0` for none.
    pub flags: String,
    /// Slots holding a page.
    pub present: u32,
    /// One [`Cell`] byte per slot (shared: a 4,194,304-page row is not copied again to draw it).
    pub cells: Rc<Vec<u8>>,
    /// The pfn in each slot; empty for a tt of more than [`PFNS_MAX`] slots (drawn one pixel a
    /// page, where a pointer cannot pick one page anyway), so playing a 262,144-page walkthrough
    /// does not copy 4 MiB of pfns a frame.
    pub pfns: Rc<Vec<Option<u64>>>,
    /// The swap file holding its contents, if any.
    pub swap_storage: Option<u32>,
    /// The buffer object it belongs to, if any.
    pub bo: Option<u32>,
}

/// A swap file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwapBox {
    /// The place (a shmem file TTM created, or persistent storage).
    pub place: Place,
    /// `swap file 0`.
    pub label: String,
    /// Size in pages.
    pub pages: u32,
    /// Pages holding data (not the zero page).
    pub written: u32,
    /// Released by fput.
    pub released: bool,
    /// The tt whose storage it is.
    pub tt: Option<u32>,
}

/// A mark on a gauge: where a rule changes what the kernel does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Which rule, also the mark's style: `swap` (background swapping starts above it), `max`
    /// (the limit of normal callers; on 6.12 the page limit populate swaps out to stay under),
    /// `emer` (the limit of CAP_SYS_ADMIN callers).
    pub kind: &'static str,
    /// The kernel's name of the value (`swap_limit`, `pages_limit`).
    pub name: &'static str,
    /// Where, in bytes.
    pub at: u64,
}

/// A memory limit as a gauge (bytes): a 3.3 accounting zone (spec 5.2) or a 6.12 page limit
/// (mspec 2.2, 3.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gauge {
    /// `kernel`, `highmem`, `dma32` (3.3 zones); `pages_limit`, `dma32_pages_limit` (6.12).
    pub name: String,
    /// What it measures, for its caption ("kernel zone", "ttm_pages_allocated").
    pub what: String,
    /// Full scale: the zone's size, or the memory the limit is a share of.
    pub full: u64,
    /// Charged bytes.
    pub used: u64,
    /// The marks, lowest first.
    pub marks: Vec<Mark>,
}

impl Gauge {
    /// The highest mark `used` is above (its `kind`), or `ok`.
    pub fn level(&self) -> &'static str {
        self.marks
            .iter()
            .rev()
            .find(|m| self.used > m.at)
            .map_or("ok", |m| m.kind)
    }
}

/// A BO's range inside a memory type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// First page (GMR: the id).
    pub start: u64,
    /// Pages.
    pub len: u64,
    /// The owner.
    pub bo: u32,
    /// A ghost of a pipelined move (spec 6.7).
    pub ghost: bool,
    /// Its fence has not signalled.
    pub busy: bool,
}

/// A memory type as a bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// The place.
    pub place: Place,
    /// `VRAM`, `TT`, `PRIV0`.
    pub name: String,
    /// Size in pages (GMR: number of ids); 0 for SYSTEM.
    pub size: u64,
    /// The allocated ranges, by start.
    pub ranges: Vec<Range>,
    /// Its eviction LRU, head first (the next to go).
    pub lru: Vec<u32>,
    /// BOs whose memory is of this type, ranges or not (SYSTEM has none).
    pub bos: Vec<u32>,
}

/// The whole machine at one position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Pages of RAM.
    pub ram_pages: u64,
    /// Pages in system memory (free or never used).
    pub system_pages: u64,
    /// Pages in the four normal pools (wc, uc, wc dma, uc dma).
    pub pools: Vec<Shelf>,
    /// The DMA pools, in creation order.
    pub dma_pools: Vec<Shelf>,
    /// Every tt ever created.
    pub tts: Vec<TtRow>,
    /// Every swap file ever created.
    pub swap: Vec<SwapBox>,
    /// The accounting zones.
    pub zones: Vec<Gauge>,
    /// The "ttm_swap" work item is queued (spec 5.5).
    pub swap_work_queued: bool,
    /// The memory types the device initialised.
    pub memory: Vec<Bar>,
    /// The global swap LRU, head first (spec 6.8).
    pub swap_lru: Vec<u32>,
    /// Pages lost by kernel defects.
    pub leaked: u64,
}

/// The shelf of a pool at `place` holding `pages` (head first), counting `npages` (the kernel's
/// own count, which may differ from the list after defect D3), trimmed above `max_size`.
fn shelf_of<'a>(
    st: &State,
    place: Place,
    npages: u64,
    pages: impl IntoIterator<Item = &'a u64> + Clone,
    max_size: u64,
) -> Shelf {
    Shelf {
        place,
        label: present::place(st, place),
        npages,
        cells: pages
            .clone()
            .into_iter()
            .map(|&x| page_cell(st, x) as u8)
            .collect(),
        pfns: pages.into_iter().copied().collect(),
        max_size,
    }
}

/// A Linux 6.12 machine's pool as shelves (mspec 4.1, 4.2): one per pool type that holds blocks,
/// by caching and order, head block first, each block `2^order` cells; when no type holds any,
/// the four global order-0 types, empty, so the stage keeps its shelves. The trim threshold is the
/// pool's global limit `page_pool_size` (mspec 4.6).
fn modern_shelves(st: &State, m: &crate::modern::MState) -> Vec<Shelf> {
    let shelf = |i: usize, t: &crate::modern::PoolType| {
        let place = Place::ModernPool(i as u16);
        shelf_of(st, place, t.pages.len() as u64, &t.pages, m.page_pool_size)
    };
    let held: Vec<Shelf> = m
        .pool_types
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.pages.is_empty())
        .map(|(i, t)| shelf(i, t))
        .collect();
    if !held.is_empty() {
        return held;
    }
    m.pool_types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.order == 0 && !t.device)
        .map(|(i, t)| shelf(i, t))
        .collect()
}

/// The stage of `st` (a 3.3 machine's pools, or a 6.12 machine's pool types).
pub fn stage(st: &State) -> Stage {
    let ram_pages: u64 = st.phys.zones.iter().map(|z| z.end - z.start).sum();
    let out = st.pages_out_of_system();
    let pools = match st.modern.as_deref() {
        Some(m) => modern_shelves(st, m),
        None => st
            .pools
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let place = Place::Pool(i as u8);
                shelf_of(st, place, p.npages, &p.list, st.pool_opts.max_size)
            })
            .collect(),
    };
    let dma_pools = st
        .dma_pools
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let place = Place::DmaPool(i as u16);
            shelf_of(st, place, p.npages_free, &p.free, st.dma_opts.max_size)
        })
        .collect();
    let tts = st
        .tts
        .iter()
        .map(|t| {
            // A 6.12 tt carries the TTM_TT_FLAG_* bits (mspec 1.1), a 3.3 one TTM_PAGE_FLAG_*.
            let swapped = match st.modern {
                Some(_) => t.page_flags & crate::modern::tt_flags::SWAPPED != 0,
                None => t.swapped(),
            };
            let cells = t
                .pages
                .iter()
                .map(|p| match p {
                    Some(pfn) => page_cell(st, *pfn) as u8,
                    None if swapped => Cell::Swapped as u8,
                    None => Cell::Empty as u8,
                })
                .collect();
            // 6.12 has no bound state (mspec 3.3): a tt is populated (PRIV_POPULATED) or not,
            // and swapped out or not.
            let state = match (t.alive, st.modern.is_some()) {
                (false, _) => "destroyed",
                (true, false) => t.state.kernel_name(),
                (true, true) if t.page_flags & crate::modern::tt_flags::PRIV_POPULATED != 0 => {
                    "populated"
                }
                (true, true) if swapped => "swapped out",
                (true, true) => "unpopulated",
            };
            let mut caption = format!("{state}, {}", present::caching(t.caching));
            let flags = match st.modern {
                Some(_) => match crate::modern::tt_flags::describe(t.page_flags) {
                    f if f.is_empty() => "0".to_string(),
                    f => f,
                },
                None => present::page_flags(t.page_flags),
            };
            let page_flags = flags.clone();
            if flags != "0" {
                caption.push_str(", ");
                caption.push_str(&flags);
            }
            TtRow {
                place: Place::Tt(t.id),
                id: t.id,
                alive: t.alive,
                state: t.state,
                badge: state,
                swapped,
                caching: t.caching,
                caption,
                flags: page_flags,
                present: t.pages_present(),
                cells: Rc::new(cells),
                pfns: Rc::new(if t.pages.len() <= PFNS_MAX {
                    t.pages.to_vec()
                } else {
                    Vec::new()
                }),
                swap_storage: t.swap_storage,
                bo: st
                    .bos
                    .iter()
                    .find(|b| b.alive && b.tt == Some(t.id))
                    .map(|b| b.id),
            }
        })
        .collect();
    let swap = st
        .swap_files
        .iter()
        .map(|f| {
            let place = if f.persistent {
                Place::PersistentSwap(f.id)
            } else {
                Place::SwapFile(f.id)
            };
            SwapBox {
                place,
                label: present::place(st, place),
                pages: f.num_pages,
                written: f
                    .contents
                    .iter()
                    .filter(|&&c| c != crate::state::CONTENT_ZERO)
                    .count() as u32,
                released: f.released,
                tt: st
                    .tts
                    .iter()
                    .find(|t| t.alive && t.swap_storage == Some(f.id))
                    .map(|t| t.id),
            }
        })
        .collect();
    let zones = gauges(st);
    let memory = match st.modern.as_deref() {
        Some(m) => modern_bars(m),
        None => v3_bars(st),
    };
    Stage {
        ram_pages,
        system_pages: ram_pages.saturating_sub(out),
        pools,
        dma_pools,
        tts,
        swap,
        zones,
        swap_work_queued: st.swap_work_queued,
        memory,
        swap_lru: st.swap_lru.iter().copied().collect(),
        leaked: st.phys.leaked.len() as u64,
    }
}

/// The memory limits of `st` as gauges: a 3.3 machine's accounting zones (spec 5.2), a 6.12
/// machine's page limits (mspec 2.2, 3.8).
pub fn gauges(st: &State) -> Vec<Gauge> {
    match st.modern.as_deref() {
        Some(m) => modern_gauges(st, m),
        None => st
            .zones
            .iter()
            .map(|z| Gauge {
                name: z.name.clone(),
                what: format!("{} zone", z.name),
                full: z.zone_mem,
                used: z.used_mem,
                marks: vec![
                    Mark {
                        kind: "swap",
                        name: "swap_limit",
                        at: z.swap_limit,
                    },
                    Mark {
                        kind: "max",
                        name: "max_mem",
                        at: z.max_mem,
                    },
                    Mark {
                        kind: "emer",
                        name: "emer_mem",
                        at: z.emer_mem,
                    },
                ],
            })
            .collect(),
    }
}

/// A Linux 6.12 machine's limits (mspec 2.2, 3.8): `ttm_pages_allocated` against
/// `pages_limit` on all of RAM, and the dma32 pages against `dma32_pages_limit` on the memory
/// below 4 GiB when the device uses dma32. Populate swaps out while a count is above its limit
/// (mspec 3.9), so the limit is drawn as the `max` mark.
fn modern_gauges(st: &State, m: &crate::modern::MState) -> Vec<Gauge> {
    let page = crate::consts::PAGE_SIZE;
    let ram = st.phys.zones.iter().map(|z| z.end - z.start).sum::<u64>() * page;
    let mut out = vec![Gauge {
        name: "pages_limit".into(),
        what: "ttm_pages_allocated".into(),
        full: ram,
        used: m.pages_allocated * page,
        marks: vec![Mark {
            kind: "max",
            name: "pages_limit",
            at: m.pages_limit * page,
        }],
    }];
    if m.use_dma32 {
        out.push(Gauge {
            name: "dma32_pages_limit".into(),
            what: "ttm_dma32_pages_allocated".into(),
            full: ram.min(1 << 32),
            used: m.dma32_pages_allocated * page,
            marks: vec![Mark {
                kind: "max",
                name: "dma32_pages_limit",
                at: m.dma32_pages_limit * page,
            }],
        });
    }
    out
}

/// A Linux 6.12 machine's resource managers as bars (mspec 5): SYSTEM with its BOs, the range
/// managers (TT, VRAM) with their resources' ranges; the LRU is every priority's list in walk
/// order (mspec 5.5). Pinned BOs are on no LRU.
fn modern_bars(m: &crate::modern::MState) -> Vec<Bar> {
    m.managers
        .iter()
        .enumerate()
        .filter(|(_, man)| man.used)
        .map(|(t, man)| {
            let res = |r: &u32| m.resources.get(*r as usize);
            let ranges = m
                .resources
                .iter()
                .filter(|r| r.alive && r.mem_type as usize == t && man.range)
                .map(|r| Range {
                    start: r.start,
                    len: r.pages,
                    bo: r.bo,
                    ghost: false,
                    busy: false,
                })
                .collect();
            Bar {
                place: Place::Memory(t as u8),
                name: present::mem_type_name(t as u8),
                size: if man.range { man.size } else { 0 },
                ranges,
                lru: man
                    .lru
                    .iter()
                    .flatten()
                    .filter_map(res)
                    .map(|r| r.bo)
                    .collect(),
                bos: m
                    .bos
                    .iter()
                    .filter(|b| {
                        b.alive
                            && b.res
                                .and_then(|r| res(&r))
                                .is_some_and(|r| r.mem_type as usize == t)
                    })
                    .map(|b| b.id)
                    .collect(),
            }
        })
        .collect()
}

/// A 3.3 machine's memory types as bars (spec 6.2, 6.8), device after device (each
/// `ttm_bo_device` has its own managers, spec 6.1). With more than one device every bar's name
/// says its device (`device 1 VRAM`) and its place is the manager index
/// ([`crate::bo_state::man_index`]); a single device's bars are named and placed by type alone.
fn v3_bars(st: &State) -> Vec<Bar> {
    let per = crate::bo_state::TTM_NUM_MEM_TYPES;
    let several = st.device_count() > 1;
    st.managers
        .iter()
        .enumerate()
        .filter(|(_, m)| m.has_type)
        .map(|(i, m)| {
            let (dev, t) = ((i / per) as u8, (i % per) as u8);
            let ranges = m
                .nodes
                .iter()
                .map(|(&start, n)| Range {
                    start,
                    len: n.len,
                    bo: n.bo,
                    ghost: st.bos.get(n.bo as usize).is_some_and(|b| b.ghost),
                    busy: st.bo_busy(n.bo),
                })
                .collect();
            Bar {
                place: Place::Memory(i as u8),
                name: if several {
                    format!("device {dev} {}", present::mem_type_name(t))
                } else {
                    present::mem_type_name(t)
                },
                size: m.size,
                ranges,
                lru: m.lru.iter().copied().collect(),
                bos: st
                    .bos
                    .iter()
                    .filter(|b| b.alive && b.device == dev && b.mem.mem_type == t)
                    .map(|b| b.id)
                    .collect(),
            }
        })
        .collect()
}

/// `15872` → `15,872`.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pages(n: u64) -> String {
    format!("{} page{}", grouped(n), if n == 1 { "" } else { "s" })
}

/// Bytes for people: whole MiB as MiB, otherwise KiB (accounting charges are page multiples).
fn bytes(b: u64) -> String {
    if b >= 1 << 20 && b.is_multiple_of(1 << 20) {
        format!("{} MiB", grouped(b >> 20))
    } else {
        format!("{} KiB", grouped(b / 1024))
    }
}

impl Stage {
    /// The text alternative: the whole stage in a few sentences, for screen readers (the drawing
    /// itself is a canvas). Empty pools, destroyed tts and released files are left out.
    pub fn summary(&self) -> String {
        let mut s = vec![format!(
            "System memory holds {} of {} pages.",
            grouped(self.system_pages),
            grouped(self.ram_pages)
        )];
        let shelves: Vec<String> = self
            .pools
            .iter()
            .chain(&self.dma_pools)
            .filter(|p| p.npages > 0 || !p.cells.is_empty())
            .map(|p| format!("{} {}", p.label, pages(p.npages)))
            .collect();
        s.push(if shelves.is_empty() {
            "The pools are empty.".to_string()
        } else {
            format!("Pools: {}.", shelves.join(", "))
        });
        for t in self.tts.iter().filter(|t| t.alive) {
            let present = t.present;
            let mut line = format!(
                "tt {} ({}): {} of {} slots hold a page",
                t.id,
                t.caption,
                present,
                t.cells.len()
            );
            if let Some(f) = t.swap_storage {
                line.push_str(&format!(", contents in swap file {f}"));
            }
            if let Some(b) = t.bo {
                line.push_str(&format!(", of BO {b}"));
            }
            line.push('.');
            s.push(line);
        }
        for f in self.swap.iter().filter(|f| !f.released) {
            s.push(format!(
                "{}: {} written of {}.",
                f.label,
                pages(f.written as u64),
                pages(f.pages as u64)
            ));
        }
        let zones: Vec<String> = self
            .zones
            .iter()
            .map(|z| {
                let marks: Vec<String> = z
                    .marks
                    .iter()
                    .filter(|m| m.kind != "emer")
                    .map(|m| format!("{} {}", m.name, bytes(m.at)))
                    .collect();
                format!(
                    "{} {} used of {} ({})",
                    z.what,
                    bytes(z.used),
                    bytes(z.full),
                    marks.join(", ")
                )
            })
            .collect();
        s.push(format!("Limits: {}.", zones.join("; ")));
        if self.swap_work_queued {
            s.push("Background swap work is queued.".into());
        }
        for m in self.memory.iter().filter(|m| !m.bos.is_empty()) {
            let ranges: Vec<String> = m
                .ranges
                .iter()
                .map(|r| format!("BO {} at [{}, {})", r.bo, r.start, r.start + r.len))
                .collect();
            let mut line = format!("{}: ", m.name);
            if ranges.is_empty() {
                let bos: Vec<String> = m.bos.iter().map(|b| format!("BO {b}")).collect();
                line.push_str(&bos.join(", "));
            } else {
                line.push_str(&ranges.join(", "));
            }
            if !m.lru.is_empty() {
                let lru: Vec<String> = m.lru.iter().map(u32::to_string).collect();
                line.push_str(&format!("; LRU {}", lru.join(" → ")));
            }
            line.push('.');
            s.push(line);
        }
        if !self.swap_lru.is_empty() {
            let lru: Vec<String> = self.swap_lru.iter().map(u32::to_string).collect();
            s.push(format!("Swap LRU: {}.", lru.join(" → ")));
        }
        if self.leaked > 0 {
            s.push(format!("{} lost by kernel defects.", pages(self.leaked)));
        }
        s.join(" ")
    }
}
