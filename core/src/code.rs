//! The pseudocode view: every traced function's body as a few short lines in our own words (never
//! the kernel's text), each line tagged with the callees it stands for and the kinds of state
//! change it makes itself, so that a trace position can be shown as "the line being executed" in
//! every open frame of the call stack.
//!
//! The tables live next to the code that models each function (`CODE` in `page_alloc.rs`,
//! `tt.rs`, `bo.rs`, `drivers/mod.rs`, ...); [`listing`] looks a function up, [`current_line`]
//! places a position, [`link`] gives the v3.3 source links.

use crate::bo_state::BoField;
use crate::config::DriverKind;
use crate::func::Func;
use crate::sim::Sim;
use crate::state::{Ctr, Delta, Loc, Var};
use crate::stepper::Frame;
use crate::trace::Event;

/// Where a page is, as far as a line of pseudocode cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Where {
    /// System memory (never used or freed).
    System,
    /// A normal pool.
    Pool,
    /// A DMA pool's free list.
    Dma,
    /// A tt's page array.
    Tt,
    /// The calling function's private list or array.
    Local,
    /// Lost by a defect.
    Leaked,
}

impl Where {
    /// The kind of a location.
    pub fn of(l: Loc) -> Where {
        match l {
            Loc::Fresh | Loc::Free => Where::System,
            Loc::Pool { .. } => Where::Pool,
            Loc::Dma { .. } => Where::Dma,
            Loc::Tt { .. } => Where::Tt,
            Loc::Local { .. } => Where::Local,
            Loc::Leaked => Where::Leaked,
            // A 6.12 pool type is a pool as far as a line of pseudocode cares.
            Loc::MPool { .. } => Where::Pool,
        }
    }
}

/// A counter, without the pool or zone it belongs to (see [`Ctr`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum CtrKind {
    PoolNpages,
    PoolNrefills,
    PoolNfrees,
    ZoneUsed,
    DmaFree,
    DmaInUse,
    DmaNrefills,
    DmaNfrees,
    ShrinkStart,
    DmaShrinkStart,
    ObjCharged,
}

impl CtrKind {
    /// The kind of a counter.
    pub fn of(c: Ctr) -> CtrKind {
        match c {
            Ctr::PoolNpages(_) => CtrKind::PoolNpages,
            Ctr::PoolNrefills(_) => CtrKind::PoolNrefills,
            Ctr::PoolNfrees(_) => CtrKind::PoolNfrees,
            Ctr::ZoneUsed(_) => CtrKind::ZoneUsed,
            Ctr::DmaFree(_) => CtrKind::DmaFree,
            Ctr::DmaInUse(_) => CtrKind::DmaInUse,
            Ctr::DmaNrefills(_) => CtrKind::DmaNrefills,
            Ctr::DmaNfrees(_) => CtrKind::DmaNfrees,
            Ctr::ShrinkStart => CtrKind::ShrinkStart,
            Ctr::DmaShrinkStart => CtrKind::DmaShrinkStart,
            Ctr::ObjCharged => CtrKind::ObjCharged,
        }
    }
}

/// A scalar, without the object it belongs to (see [`Var`]); buffer-object fields keep their field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum VarKind {
    TtState,
    TtCaching,
    TtFlags,
    TtSwap,
    TtAlive,
    TtFirstHimem,
    TtLastLomem,
    TtAgpMem,
    SwapReleased,
    PoolFillLock,
    PoolOpt,
    DmaOpt,
    Zone,
    SwapWorkQueued,
    PoolManagerUp,
    Bo(BoField),
    FenceSignaled,
}

impl VarKind {
    /// The kind of a scalar.
    pub fn of(v: Var) -> VarKind {
        match v {
            Var::TtState(_) => VarKind::TtState,
            Var::TtCaching(_) => VarKind::TtCaching,
            Var::TtFlags(_) => VarKind::TtFlags,
            Var::TtSwap(_) => VarKind::TtSwap,
            Var::TtAlive(_) => VarKind::TtAlive,
            Var::TtFirstHimem(_) => VarKind::TtFirstHimem,
            Var::TtLastLomem(_) => VarKind::TtLastLomem,
            Var::TtAgpMem(_) => VarKind::TtAgpMem,
            Var::SwapReleased(_) => VarKind::SwapReleased,
            Var::PoolFillLock(_) => VarKind::PoolFillLock,
            Var::PoolOpt(_) => VarKind::PoolOpt,
            Var::DmaOpt(_) => VarKind::DmaOpt,
            Var::Zone(..) => VarKind::Zone,
            Var::SwapWorkQueued => VarKind::SwapWorkQueued,
            Var::PoolManagerUp => VarKind::PoolManagerUp,
            Var::Bo(_, f) => VarKind::Bo(f),
            Var::FenceSignaled(_) => VarKind::FenceSignaled,
        }
    }
}

/// The kind of a state change ([`Delta`]) a line of pseudocode makes itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Pages move from one kind of place to another.
    Move(Where, Where),
    /// A page's kernel-mapping attribute changes.
    Attr,
    /// A page's contents change.
    Content,
    /// A counter changes.
    Count(CtrKind),
    /// A scalar is set.
    Set(VarKind),
    /// A tt is created.
    TtNew,
    /// A swap file is created.
    SwapNew,
    /// A page of a swap file is written.
    SwapWrite,
    /// A DMA pool is created.
    DmaPoolNew,
    /// A buffer object (or ghost) is created.
    BoNew,
    /// A buffer object joins (true) or leaves (false) an LRU or the delayed-destroy list.
    Lru(bool),
    /// A range or GMR id is allocated (true) or freed (false).
    Node(bool),
    /// A memory-type manager is initialised.
    ManagerInit,
    /// A page of on-card memory is written.
    IoContent,
    /// A fence is emitted.
    FenceNew,
    /// A change to the Linux 6.12 model's own state (mspec), by kind.
    Modern(crate::modern::MKind),
}

impl Change {
    /// The kind of a state change.
    pub fn of(d: &Delta) -> Change {
        match *d {
            Delta::PageMove { from, to, .. } => Change::Move(Where::of(from), Where::of(to)),
            Delta::PageAttr { .. } => Change::Attr,
            Delta::PageContent { .. } => Change::Content,
            Delta::Count { ctr, .. } => Change::Count(CtrKind::of(ctr)),
            Delta::Set { var, .. } => Change::Set(VarKind::of(var)),
            Delta::TtNew { .. } => Change::TtNew,
            Delta::SwapNew { .. } => Change::SwapNew,
            Delta::SwapWrite { .. } => Change::SwapWrite,
            Delta::DmaPoolNew { .. } => Change::DmaPoolNew,
            Delta::BoNew { .. } => Change::BoNew,
            Delta::Lru { insert, .. } => Change::Lru(insert),
            Delta::Node { alloc, .. } => Change::Node(alloc),
            Delta::ManagerInit { .. } => Change::ManagerInit,
            Delta::IoContent { .. } => Change::IoContent,
            Delta::FenceNew { .. } => Change::FenceNew,
            Delta::Modern(m) => Change::Modern(m.kind()),
        }
    }
}

/// One line of pseudocode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// The line, in our own words.
    pub text: &'static str,
    /// The functions this line calls.
    pub calls: &'static [Func],
    /// The kinds of state change this line makes itself (not through a callee).
    pub does: &'static [Change],
}

/// A line (for the tables).
pub(crate) const fn l(text: &'static str, calls: &'static [Func], does: &'static [Change]) -> Line {
    Line { text, calls, does }
}

/// A function's listing (for the tables).
pub(crate) type Listing = (Func, &'static [Line]);

/// Shorthands for the tables.
pub(crate) mod k {
    pub(crate) use super::Change::{self, *};
    pub(crate) use super::CtrKind as C;
    pub(crate) use super::VarKind as V;
    pub(crate) use super::Where::*;
    pub(crate) use crate::bo_state::BoField as B;
    pub(crate) use crate::func::Func as F;
    pub(crate) use crate::modern::{MBoField as MB, MCtrKind as MC, MKind as MK, MVarKind as MV};

    /// A page move.
    pub(crate) const fn mv(from: super::Where, to: super::Where) -> Change {
        Change::Move(from, to)
    }
}

const TABLES: &[&[Listing]] = &[
    crate::tt::CODE,
    crate::page_alloc::CODE,
    crate::page_alloc_dma::CODE,
    crate::memory::CODE,
    crate::sysfs::CODE,
    crate::bo::CODE,
    crate::drivers::CODE,
    // Linux 6.12 (mspec)
    crate::modern::ttm_device::CODE,
    crate::modern::ttm_tt::CODE,
    crate::modern::ttm_pool::CODE,
    crate::modern::ttm_resource::CODE,
    crate::modern::ttm_sys_manager::CODE,
    crate::modern::ttm_range_manager::CODE,
    crate::modern::ttm_bo::CODE,
    crate::modern::ttm_bo_util::CODE,
    crate::modern::gen::CODE,
];

/// The pseudocode of a function (empty only if a table misses it, which a test forbids).
pub fn listing(func: Func) -> &'static [Line] {
    TABLES
        .iter()
        .flat_map(|t| t.iter())
        .find(|(f, _)| *f == func)
        .map_or(&[], |(_, lines)| lines)
}

/// The first line at or after `from` that `fits`, else the first one from the top (a loop going
/// round); `None` when no line fits.
fn seek(lines: &[Line], from: usize, fits: impl Fn(&Line) -> bool) -> Option<usize> {
    (from..lines.len())
        .chain(0..from.min(lines.len()))
        .find(|&i| fits(&lines[i]))
}

/// The line a frame is at after one of its own events (an Enter of a callee it calls, or a
/// state change it makes itself), coming from line `line`: the first line at or after it that
/// stands for the event, wrapping round for loops. Other events, or an event no line stands for,
/// leave it at `line`. This is the step [`current_line`] repeats; a viewer walking a trace
/// forward can use it to follow every frame incrementally.
pub fn advance(lines: &[Line], line: usize, e: &Event) -> usize {
    match e {
        Event::Enter { func, .. } => seek(lines, line, |l| l.calls.contains(func)),
        Event::Delta(d) => {
            let c = Change::of(d);
            seek(lines, line, |l| l.does.contains(&c))
        }
        _ => None,
    }
    .unwrap_or(line)
}

/// The line each open frame is executing at trace position `pos` (events `0..pos` applied),
/// outermost first, one entry per frame of `frames` (the call stack at `pos`, as
/// [`crate::Stepper::call_stack`] gives it). A frame with an open callee is at the line that calls
/// it; the innermost frame is at the line whose change is the event just applied, or that called
/// the callee that just returned, or at its first line right after entry. Lines are found in
/// program order from the previous one (wrapping round for loops). `None` only when the function
/// has no listing.
pub fn current_line(sim: &Sim, frames: &[Frame], pos: u64) -> Vec<Option<usize>> {
    (0..frames.len())
        .map(|i| Follow::default().line(sim, frames, i, pos))
        .collect()
}

/// The line of one frame, followed as a cursor moves: [`Follow::line`] gives what
/// [`current_line`] gives for that frame, but when asked again for the same frame at a later
/// position it only reads the events in between, so a viewer playing forward through a call of a
/// million events does not read the call again at every frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Follow {
    /// The frame followed (its Enter event and function), if any.
    frame: Option<(u64, Func)>,
    /// Events of the frame read so far end here (exclusive).
    end: u64,
    /// The line reached.
    line: usize,
    /// How deep in callees the reading is.
    depth: usize,
}

impl Follow {
    /// The line frame `i` of `frames` (the call stack at `pos`) is executing at `pos`; `None`
    /// when there is no such frame or its function has no listing.
    pub fn line(&mut self, sim: &Sim, frames: &[Frame], i: usize, pos: u64) -> Option<usize> {
        let fr = frames.get(i)?;
        let lines = listing(fr.func);
        if lines.is_empty() {
            return None;
        }
        // This frame's own events end where its open callee starts (that Enter included).
        let end = frames.get(i + 1).map_or(pos, |c| c.at + 1);
        if self.frame != Some((fr.at, fr.func)) || end < self.end {
            *self = Follow {
                frame: Some((fr.at, fr.func)),
                end: fr.at + 1,
                line: 0,
                depth: 0,
            };
        }
        let n = end.saturating_sub(self.end) as usize;
        for e in sim.trace().events_from(self.end).take(n) {
            if self.depth == 0 {
                self.line = advance(lines, self.line, &e);
            }
            match e {
                Event::Enter { .. } => self.depth += 1,
                Event::Exit { .. } => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        self.end = self.end.max(end);
        Some(self.line)
    }
}

/// Where a function is defined in the v3.3 tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The symbol the call stack shows (a driver callback resolves to the driver's function).
    pub symbol: &'static str,
    /// Its source file, when known.
    pub file: Option<&'static str>,
    /// `https://elixir.bootlin.com/linux/v3.3/A/ident/<symbol>` (`None` for a pseudo-symbol that
    /// is no identifier, such as `gpu copy`).
    pub ident_url: Option<String>,
    /// `https://elixir.bootlin.com/linux/v3.3/source/<file>`, when the file is known.
    pub file_url: Option<String>,
}

/// The file of a driver's implementation of a callback. Private: to be unified with the driver
/// labels the call-stack panel uses.
fn driver_file(kind: DriverKind, func: Func) -> &'static str {
    match (kind, func) {
        (_, Func::DrvDmaMap | Func::DrvDmaUnmap) => "include/asm-generic/pci-dma-compat.h",
        (DriverKind::Radeon, _) => "drivers/gpu/drm/radeon/radeon_ttm.c",
        (DriverKind::Nouveau, Func::DrvBackendBind | Func::DrvBackendUnbind) => {
            "drivers/gpu/drm/nouveau/nouveau_sgdma.c"
        }
        (DriverKind::Nouveau, _) => "drivers/gpu/drm/nouveau/nouveau_bo.c",
        (DriverKind::Vmwgfx, _) => "drivers/gpu/drm/vmwgfx/vmwgfx_buffer.c",
    }
}

/// The source links of a traced call (`args` as recorded; they name the backend of a backend
/// call). Backend pseudo-symbols (`func->bind`) link to `struct ttm_backend_func`.
pub fn link(kind: DriverKind, func: Func, args: &[u64]) -> Link {
    let symbol = crate::drivers::event_symbol(kind, func, args);
    let file = if func.file().contains('/') {
        Some(func.file())
    } else if func.is_modern() {
        // The 6.12 generic driver is modelled on the KUnit helper device (mspec 8.1).
        Some("drivers/gpu/drm/ttm/tests/ttm_kunit_helpers.c")
    } else if symbol.starts_with("ttm_agp_") {
        Some("drivers/gpu/drm/ttm/ttm_agp_backend.c")
    } else if symbol == "ttm_pool_populate" || symbol == "ttm_pool_unpopulate" {
        Some("drivers/gpu/drm/ttm/ttm_page_alloc.c")
    } else if symbol.contains("->") || symbol == "gpu copy" {
        None
    } else {
        Some(driver_file(kind, func))
    };
    // A backend pseudo-symbol (`func->bind`) links to the table of backend callbacks.
    let ident = if symbol.contains("->") {
        Some("ttm_backend_func")
    } else {
        symbol
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            .then_some(symbol)
    };
    // Linux 6.12 functions link to the v6.12 tree (mspec).
    let v = if func.is_modern() { "v6.12" } else { "v3.3" };
    Link {
        symbol,
        file,
        ident_url: ident.map(|i| format!("https://elixir.bootlin.com/linux/{v}/A/ident/{i}")),
        file_url: file.map(|f| format!("https://elixir.bootlin.com/linux/{v}/source/{f}")),
    }
}
