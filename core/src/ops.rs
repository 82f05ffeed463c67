//! User actions: what a person (or a scenario) asks the simulated machine to do. Each action is
//! marked in the trace, expands into the modelled kernel calls, and ends with the invariant check.
//!
//! Part 1 of the model has no buffer objects, so these actions reach `ttm_tt` and the pools
//! directly, the way a driver or TTM's buffer-object layer would.

use crate::config::SysfsAttr;
use crate::consts::{page_flags, Caching, TtState};
use crate::errno::Errno;
use crate::sim::{Sim, SimError, SimResult};
use crate::state::{Ctr, TtBackend};
use crate::sysfs::SysfsOutcome;
use serde::Serialize;

/// Largest tt the model accepts: 16 GiB of pages.
pub const MAX_TT_PAGES: u32 = 1 << 22;

/// Page flags a caller may request when creating a tt (the others are TTM's own bookkeeping).
pub const USER_TT_FLAGS: u32 = page_flags::ZERO_ALLOC | page_flags::DMA32 | page_flags::WRITE;

/// A user-level action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The driver's `ttm_tt_create` → `ttm_tt_init` / `ttm_dma_tt_init`: a tt of `pages` pages with
    /// `caching` recorded (no pages yet). Flags may hold ZERO_ALLOC, DMA32, WRITE; DMA32 is added
    /// when the device needs it. `dma` selects a `ttm_dma_tt` (needs swiotlb in E3).
    TtCreate {
        /// Number of pages (or a size in bytes, rounded up: [`crate::config::size`]).
        pages: u32,
        /// Caching state to record right after creation.
        caching: Caching,
        /// Page flags (spec 1.1).
        flags: u32,
        /// Populate from the DMA-aware pool.
        dma: bool,
    },
    /// The driver's `ttm_tt_populate` (E2/E3) or the core `ttm_tt_populate` (E0/E1).
    TtPopulate {
        /// Tt id.
        tt: u32,
    },
    /// The driver's `ttm_tt_unpopulate` (E2/E3) or `ttm_tt_free_alloced_pages` (E0/E1).
    TtUnpopulate {
        /// Tt id.
        tt: u32,
    },
    /// `ttm_tt_bind`.
    TtBind {
        /// Tt id.
        tt: u32,
    },
    /// `ttm_tt_unbind`.
    TtUnbind {
        /// Tt id.
        tt: u32,
    },
    /// `ttm_tt_set_caching`.
    TtSetCaching {
        /// Tt id.
        tt: u32,
        /// New caching state.
        caching: Caching,
    },
    /// `ttm_tt_swapout` to a new shmem file, or to persistent swap storage `persistent`.
    TtSwapout {
        /// Tt id.
        tt: u32,
        /// A swap file made with `SwapFileCreate`.
        persistent: Option<u32>,
    },
    /// `ttm_tt_destroy`.
    TtDestroy {
        /// Tt id.
        tt: u32,
    },
    /// E0/E1 only: `ttm_tt_get_page(tt, index)`.
    TtGetPage {
        /// Tt id.
        tt: u32,
        /// Page index.
        index: u32,
    },
    /// Write recognisable data into every present page of a tt.
    TtWrite {
        /// Tt id.
        tt: u32,
        /// Pattern seed (0..1023 are distinguishable).
        seed: u32,
    },
    /// A shmem file for persistent swap storage, owned by its creator.
    SwapFileCreate {
        /// Size in pages (or in bytes, rounded up).
        pages: u32,
    },
    /// Kernel reclaim calls `ttm_pool_mm_shrink`.
    PoolShrink {
        /// `sc->nr_to_scan` (0 = only ask how many pages the pools hold).
        nr_to_scan: u64,
    },
    /// Kernel reclaim calls `ttm_dma_pool_mm_shrink`.
    DmaPoolShrink {
        /// `sc->nr_to_scan`.
        nr_to_scan: u64,
    },
    /// `ttm_mem_global_alloc(bytes)`: charge memory to create accounting pressure.
    MemCharge {
        /// Bytes.
        bytes: u64,
    },
    /// `ttm_mem_global_free(bytes)` of memory charged by `MemCharge`.
    MemUncharge {
        /// Bytes.
        bytes: u64,
    },
    /// Run the queued "ttm_swap" work item, if any (`ttm_shrink_work`).
    RunDeferredWork,
    /// `echo value > attr` for a pool or zone sysfs attribute.
    SysfsWrite {
        /// Attribute.
        attr: SysfsAttr,
        /// Zone index, for zone attributes.
        zone: usize,
        /// Text written.
        value: String,
    },
    /// `ttm_page_alloc_fini`.
    PoolFini,
    /// `ttm_page_alloc_init` after a fini.
    PoolInit,
    /// The driver creates a buffer object and validates it to a named placement of the driver
    /// (radeon: vram / gtt / cpu; nouveau: vram / tt / system; vmwgfx: vram / gmr / sys / ...).
    /// `via_ttm_bo_create` goes through `ttm_bo_create` (D5) instead of the drivers' `ttm_bo_init`.
    BoCreate {
        /// Pages (or the BO's size in bytes, rounded up as `ttm_bo_init` does, spec 6.3).
        pages: u32,
        /// Driver placement name.
        placement: String,
        /// `ttm_bo_type_kernel` instead of device.
        kernel: bool,
        /// Create through `ttm_bo_create`.
        via_ttm_bo_create: bool,
        /// The device (`bdev`) it is created on: 0 = `machine.driver`, 1.. = `machine.devices`
        /// (spec 6.1, 6.3). Later actions on the BO find its device through the BO.
        device: u8,
    },
    /// reserve → `ttm_bo_validate` to a named placement (with NO_EVICT when `pin`) → unreserve.
    BoValidate {
        /// Buffer object.
        bo: u32,
        /// Driver placement name.
        placement: String,
        /// Pin (TTM_PL_FLAG_NO_EVICT).
        pin: bool,
    },
    /// A CPU access to page `page` of a user mapping of the whole BO: `ttm_bo_vm_fault`.
    BoFault {
        /// Buffer object.
        bo: u32,
        /// Page index.
        page: u32,
    },
    /// reserve → `ttm_bo_kmap(start, num)` → unreserve (the mapping stays until BoKunmap).
    BoKmap {
        /// Buffer object.
        bo: u32,
        /// start_page.
        start: u32,
        /// num_pages.
        num: u32,
    },
    /// `ttm_bo_kunmap`.
    BoKunmap {
        /// Buffer object.
        bo: u32,
    },
    /// `ttm_bo_evict_mm(bdev, mem_type)`: evict everything from a memory type of one device.
    EvictMm {
        /// Memory type (1 = TT, 2 = VRAM, 3 = PRIV0/GMR).
        mem_type: u8,
        /// The device whose manager is emptied (default 0).
        device: u8,
    },
    /// One call of `ttm_bo_swapout` (the accounting shrink callback).
    BoSwapout,
    /// `ttm_bo_unref`: drop the user's reference.
    BoUnref {
        /// Buffer object.
        bo: u32,
    },
    /// `ttm_bo_reserve` held by the user (optionally with a ticket).
    BoReserve {
        /// Buffer object.
        bo: u32,
        /// Reservation ticket (sequence number).
        ticket: Option<u64>,
    },
    /// `ttm_bo_unreserve` of a reservation the user holds.
    BoUnreserve {
        /// Buffer object.
        bo: u32,
    },
    /// The GPU runs a command using the BO: a new fence makes it busy until signalled.
    GpuExec {
        /// Buffer object.
        bo: u32,
    },
    /// The GPU or CPU writes recognisable data into every page of the BO where it is now: on-card
    /// memory, or the tt's pages (which must be populated).
    BoWrite {
        /// Buffer object.
        bo: u32,
        /// Pattern seed (0..1023 are distinguishable).
        seed: u32,
    },
    /// The GPU passes a fence.
    FenceSignal {
        /// Fence id.
        fence: u32,
    },
    /// Like `BoCreate`, with a placement of the caller's own instead of a driver domain: the
    /// lists, range and flags a driver would fill into `struct ttm_placement` (spec 6.1, 6.3).
    BoCreatePlacement {
        /// Pages (or the BO's size in bytes, rounded up, spec 6.3).
        pages: u32,
        /// The placement.
        placement: CustomPlacement,
        /// `ttm_bo_type_kernel` instead of device.
        kernel: bool,
        /// Create through `ttm_bo_create`.
        via_ttm_bo_create: bool,
        /// The device it is created on (as for `bo_create`).
        device: u8,
    },
    /// reserve → `ttm_bo_validate` to a placement of the caller's own → unreserve. NO_EVICT in
    /// its flags pins the BO (spec 6.5: a compatible placement only copies the extra bits).
    BoValidatePlacement {
        /// Buffer object.
        bo: u32,
        /// The placement.
        placement: CustomPlacement,
    },
    /// `ttm_bo_reserve` with no_wait = false, interruptible (spec 6.8): a BO the user holds
    /// reserved puts the caller to sleep, which only a signal ends (`faults.signal`:
    /// -ERESTARTSYS); a free BO is reserved at once and the user then holds it.
    BoReserveWait {
        /// Buffer object.
        bo: u32,
    },
    // ---- Linux 6.12 only (mspec; issue 18) ------------------------------------------------
    /// 6.12: `ttm_bo_init_validate` of a BO to a list of places (mspec 6.2, 1.4).
    BoCreatePlaces {
        /// Pages (or bytes, rounded up).
        pages: u32,
        /// The placement: places with DESIRED / FALLBACK flags.
        places: Vec<crate::modern::ttm_resource::TtmPlace>,
        /// The caching of its tt (a BO property since 6.x, mspec 1.2).
        caching: Caching,
        /// `ttm_bo_type_kernel` instead of device.
        kernel: bool,
        /// LRU priority 0..3.
        priority: u8,
    },
    /// 6.12: reserve → `ttm_bo_validate` to a list of places → unreserve (mspec 6.6).
    BoValidatePlaces {
        /// Buffer object.
        bo: u32,
        /// The placement.
        places: Vec<crate::modern::ttm_resource::TtmPlace>,
    },
    /// 6.12: reserve → `ttm_bo_pin` → unreserve (mspec 6.9).
    BoPin {
        /// Buffer object.
        bo: u32,
    },
    /// 6.12: reserve → `ttm_bo_unpin` → unreserve.
    BoUnpin {
        /// Buffer object.
        bo: u32,
    },
    /// 6.12: write a module parameter of ttm.ko (`/sys/module/ttm/parameters/*`, mspec 2.2).
    ModuleParam {
        /// Which.
        param: ModuleParam,
        /// Pages.
        value: u64,
    },
    /// 6.12: memory pressure as `scans` calls of the pool shrinker's count and scan (mspec 4.7).
    PoolShrinkerScan {
        /// Number of scan calls.
        scans: u32,
    },
}

/// A module parameter of ttm.ko in Linux 6.12 (mspec 1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleParam {
    /// `page_pool_size`
    PagePoolSize,
    /// `pages_limit`
    PagesLimit,
    /// `dma32_pages_limit`
    Dma32PagesLimit,
}

/// " on device N" for an action on a device other than 0 (empty for device 0).
fn on_device(dev: u8) -> String {
    if dev == 0 {
        String::new()
    } else {
        format!(" on device {dev}")
    }
}

/// A `struct ttm_placement` of the scenario's own (spec 6.1): the page range and both lists of
/// placement words. Each word is a number or its flag names joined by `|` (spec 1.4): memory
/// types `SYSTEM`, `TT`, `VRAM`, `PRIV0` … `PRIV4`, caching `CACHED`, `UNCACHED`, `WC`, and
/// `SHARED`, `NO_EVICT`; a `TTM_PL_FLAG_` prefix is allowed (`"TTM_PL_FLAG_TT|WC"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustomPlacement {
    /// First allowed page (0 = no limit).
    pub fpfn: u64,
    /// One past the last allowed page (0 = no limit).
    pub lpfn: u64,
    /// `placement[]`: tried in order without evicting (spec 6.4 pass 1).
    pub placement: Vec<PlacementWord>,
    /// `busy_placement[]`: tried with eviction (pass 2); absent = the same list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_placement: Option<Vec<PlacementWord>>,
}

impl CustomPlacement {
    /// The placement the model's `ttm_bo_validate` takes.
    pub fn to_placement(&self) -> crate::drivers::Placement {
        let words = |l: &[PlacementWord]| l.iter().map(|w| w.0).collect::<Vec<u32>>();
        crate::drivers::Placement {
            fpfn: self.fpfn,
            lpfn: self.lpfn,
            placement: words(&self.placement),
            busy: words(self.busy_placement.as_deref().unwrap_or(&self.placement)),
        }
    }

    /// `[TT|WC, SYSTEM|CACHED]`, with the busy list and range when they differ.
    pub fn describe(&self) -> String {
        let list = |l: &[PlacementWord]| {
            let v: Vec<String> = l
                .iter()
                .map(|w| crate::present::placement_names(w.0))
                .collect();
            format!("[{}]", v.join(", "))
        };
        let mut out = list(&self.placement);
        if let Some(b) = &self.busy_placement {
            out.push_str(&format!(" busy {}", list(b)));
        }
        if self.fpfn != 0 || self.lpfn != 0 {
            out.push_str(&format!(" pages {}..{}", self.fpfn, self.lpfn));
        }
        out
    }
}

/// One placement word (spec 1.4): written as a number or as flag names (`"VRAM|WC|NO_EVICT"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlacementWord(pub u32);

/// The placement flags a scenario may name (spec 1.4). PRIV5 is left out: `ttm_mem_type_from_flags`
/// would index one past the manager array with it (spec 1.4 quirk), and no driver uses it.
const WORD_NAMES: &[(&str, u32)] = &[
    ("SYSTEM", 1 << 0),
    ("TT", 1 << 1),
    ("VRAM", 1 << 2),
    ("PRIV0", 1 << 3),
    ("PRIV1", 1 << 4),
    ("PRIV2", 1 << 5),
    ("PRIV3", 1 << 6),
    ("PRIV4", 1 << 7),
    ("CACHED", 1 << 16),
    ("UNCACHED", 1 << 17),
    ("WC", 1 << 18),
    ("SHARED", 1 << 20),
    ("NO_EVICT", 1 << 21),
];

impl PlacementWord {
    /// Parse `"TT|WC"` (the flag names `TT`, `WC`, …, optionally `TTM_PL_FLAG_`-prefixed).
    pub fn parse(text: &str) -> Result<PlacementWord, String> {
        let mut v = 0;
        for part in text.split('|').map(str::trim) {
            let name = part.strip_prefix("TTM_PL_FLAG_").unwrap_or(part);
            match WORD_NAMES.iter().find(|(n, _)| *n == name) {
                Some((_, bit)) => v |= bit,
                None => {
                    let names: Vec<&str> = WORD_NAMES.iter().map(|(n, _)| *n).collect();
                    return Err(format!(
                        "unknown placement flag {part:?} in {text:?}; flags are {}",
                        names.join(", ")
                    ));
                }
            }
        }
        Ok(PlacementWord(v))
    }

    /// Check a numeric word: only the bits of [`WORD_NAMES`].
    pub(crate) fn check(v: u32) -> Result<PlacementWord, String> {
        let known: u32 = WORD_NAMES.iter().map(|(_, b)| b).sum();
        if v & !known != 0 {
            return Err(format!(
                "placement word {v:#x} has bits {:#x} that are no placement flag of spec 1.4 (PRIV5 is not allowed)",
                v & !known
            ));
        }
        Ok(PlacementWord(v))
    }
}

impl Serialize for PlacementWord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::present::placement_names(self.0))
    }
}

/// What a successful action produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Output {
    /// Nothing to report.
    Done,
    /// The new tt's id.
    Tt(u32),
    /// A page frame number.
    Page(u64),
    /// Pages left in the pools after a shrink.
    PagesLeft(u64),
    /// The new swap file's id.
    SwapFile(u32),
    /// Whether deferred work was queued and ran.
    WorkRan(bool),
    /// What the sysfs write did.
    Sysfs(SysfsOutcome),
    /// The new buffer object's id.
    Bo(u32),
    /// What the CPU fault did.
    Fault(crate::bo::FaultResult),
    /// The kmap type (`ttm_bo_map_*`).
    Kmap(u8),
    /// The new fence's id.
    Fence(u32),
}

impl Action {
    /// The `device` field of an action that has one (`bo_create`, `bo_create_placement`,
    /// `evict_mm`): the device it acts on.
    pub fn device(&self) -> Option<u8> {
        match self {
            Action::BoCreate { device, .. }
            | Action::BoCreatePlacement { device, .. }
            | Action::EvictMm { device, .. } => Some(*device),
            _ => None,
        }
    }

    /// A short description for the trace and the UI.
    pub fn describe(&self) -> String {
        match self {
            Action::TtCreate {
                pages,
                caching,
                dma,
                ..
            } => format!(
                "create {}tt: {pages} page{}, {}",
                if *dma { "DMA " } else { "" },
                if *pages == 1 { "" } else { "s" },
                caching.kernel_name()
            ),
            Action::TtPopulate { tt } => format!("populate tt {tt}"),
            Action::TtUnpopulate { tt } => format!("unpopulate tt {tt}"),
            Action::TtBind { tt } => format!("bind tt {tt}"),
            Action::TtUnbind { tt } => format!("unbind tt {tt}"),
            Action::TtSetCaching { tt, caching } => {
                format!("set tt {tt} to {}", caching.kernel_name())
            }
            Action::TtSwapout { tt, .. } => format!("swap out tt {tt}"),
            Action::TtDestroy { tt } => format!("destroy tt {tt}"),
            Action::TtGetPage { tt, index } => format!("ttm_tt_get_page(tt {tt}, {index})"),
            Action::TtWrite { tt, seed } => format!("write data #{seed} into tt {tt}"),
            Action::SwapFileCreate { pages } => format!("create a swap file of {pages} pages"),
            Action::PoolShrink { nr_to_scan } => format!("shrink the pools by {nr_to_scan}"),
            Action::DmaPoolShrink { nr_to_scan } => {
                format!("shrink the DMA pools by {nr_to_scan}")
            }
            Action::MemCharge { bytes } => format!("charge {bytes} bytes"),
            Action::MemUncharge { bytes } => format!("uncharge {bytes} bytes"),
            Action::RunDeferredWork => "run deferred work".to_string(),
            Action::SysfsWrite { attr, zone, value } => {
                format!("echo {value:?} > {:?}[{zone}]", attr)
            }
            Action::PoolFini => "ttm_page_alloc_fini".to_string(),
            Action::PoolInit => "ttm_page_alloc_init".to_string(),
            Action::BoCreate {
                pages,
                placement,
                device,
                ..
            } => format!(
                "create a BO of {pages} pages in {placement}{}",
                on_device(*device)
            ),
            Action::BoValidate { bo, placement, pin } => format!(
                "validate BO {bo} to {placement}{}",
                if *pin { " (pinned)" } else { "" }
            ),
            Action::BoCreatePlacement {
                pages,
                placement,
                device,
                ..
            } => format!(
                "create a BO of {pages} pages in {}{}",
                placement.describe(),
                on_device(*device)
            ),
            Action::BoValidatePlacement { bo, placement } => {
                format!("validate BO {bo} to {}", placement.describe())
            }
            Action::BoReserveWait { bo } => format!("reserve BO {bo}, waiting"),
            Action::BoFault { bo, page } => format!("CPU touches page {page} of BO {bo}"),
            Action::BoKmap { bo, start, num } => format!("kmap BO {bo} pages {start}+{num}"),
            Action::BoKunmap { bo } => format!("kunmap BO {bo}"),
            Action::EvictMm { mem_type, device } => {
                format!("evict memory type {mem_type}{}", on_device(*device))
            }
            Action::BoSwapout => "ttm_bo_swapout".to_string(),
            Action::BoUnref { bo } => format!("drop BO {bo}"),
            Action::BoReserve { bo, .. } => format!("reserve BO {bo}"),
            Action::BoUnreserve { bo } => format!("unreserve BO {bo}"),
            Action::GpuExec { bo } => format!("GPU uses BO {bo}"),
            Action::FenceSignal { fence } => format!("fence {fence} signals"),
            Action::BoWrite { bo, seed } => format!("write data #{seed} into BO {bo}"),
            Action::BoCreatePlaces { pages, places, .. } => format!(
                "create a BO of {pages} pages in {}",
                crate::modern::ttm_resource::places_text(places)
            ),
            Action::BoValidatePlaces { bo, places } => format!(
                "validate BO {bo} to {}",
                crate::modern::ttm_resource::places_text(places)
            ),
            Action::BoPin { bo } => format!("pin BO {bo}"),
            Action::BoUnpin { bo } => format!("unpin BO {bo}"),
            Action::ModuleParam { param, value } => {
                format!("echo {value} > /sys/module/ttm/parameters/{param:?}")
            }
            Action::PoolShrinkerScan { scans } => {
                format!("the pool shrinker scans {scans} time(s)")
            }
        }
    }
}

impl Sim {
    fn live_tt(&self, tt: u32) -> SimResult<()> {
        self.live_tt_any(tt)?;
        if let Some(b) = self.state.bos.iter().find(|b| b.alive && b.tt == Some(tt)) {
            return Err(SimError::Invalid(format!(
                "tt {tt} belongs to BO {}; act on the buffer object instead",
                b.id
            )));
        }
        Ok(())
    }

    fn live_tt_any(&self, tt: u32) -> SimResult<()> {
        match self.state.tts.get(tt as usize) {
            Some(t) if t.alive => Ok(()),
            Some(_) => Err(SimError::Invalid(format!("tt {tt} has been destroyed"))),
            None => Err(SimError::Invalid(format!("there is no tt {tt}"))),
        }
    }

    fn pools_up(&self) -> SimResult<()> {
        if self.state.pool_manager_up {
            Ok(())
        } else {
            Err(SimError::Invalid(
                "the page pool allocator has been shut down (ttm_page_alloc_fini)".to_string(),
            ))
        }
    }

    /// Check that an action can run on this machine at all (objects exist, values possible).
    /// Kernel refusals are not errors here: the action runs and the kernel's error is its result.
    pub fn validate(&self, a: &Action) -> SimResult<()> {
        let invalid = |m: String| Err(SimError::Invalid(m));
        // The device an action names must exist (a 6.12 machine has one).
        if let Some(dev) = a.device() {
            self.check_device(dev)?;
        }
        if self.is_modern() {
            return self.mvalidate(a);
        }
        match a {
            Action::BoCreatePlaces { .. }
            | Action::BoValidatePlaces { .. }
            | Action::BoPin { .. }
            | Action::BoUnpin { .. }
            | Action::ModuleParam { .. }
            | Action::PoolShrinkerScan { .. } => invalid(
                "this action exists only on Linux 6.12: set \"kernel\": \"6.12\" in the machine"
                    .into(),
            ),
            Action::TtCreate {
                pages, flags, dma, ..
            } => {
                if *pages == 0 || *pages > MAX_TT_PAGES {
                    return invalid(format!("a tt needs 1 to {MAX_TT_PAGES} pages, not {pages}"));
                }
                if flags & !USER_TT_FLAGS != 0 {
                    return invalid(format!(
                        "page flags {} are TTM's own; a tt may be created with ZERO_ALLOC, DMA32 and WRITE",
                        page_flags::describe(flags & !USER_TT_FLAGS)
                    ));
                }
                if *dma && !self.cfg.has_dma_pool() {
                    return invalid(
                        "a ttm_dma_tt needs the DMA-aware pool: swiotlb active, era E3".into(),
                    );
                }
                self.pools_up()
            }
            Action::TtPopulate { tt } | Action::TtBind { tt } | Action::TtDestroy { tt } => {
                self.live_tt(*tt)?;
                self.pools_up()
            }
            Action::TtUnpopulate { tt } => {
                self.live_tt(*tt)?;
                self.pools_up()?;
                if self.state.tts[*tt as usize].state == TtState::Bound {
                    return invalid(format!(
                        "tt {tt} is bound; TTM never unpopulates a bound tt (spec 2.4): unbind it first"
                    ));
                }
                Ok(())
            }
            Action::TtUnbind { tt } => self.live_tt(*tt),
            // Writing data into a BO's pages is what its user does: allowed on any live tt.
            Action::TtWrite { tt, .. } => self.live_tt_any(*tt),
            Action::TtSetCaching { tt, .. } => self.live_tt(*tt),
            Action::TtSwapout { tt, persistent } => {
                self.live_tt(*tt)?;
                self.pools_up()?;
                if let Some(f) = persistent {
                    let need = self.state.tts[*tt as usize].num_pages;
                    match self.state.swap_files.get(*f as usize) {
                        Some(file) if file.persistent && !file.released => {
                            if file.num_pages < need {
                                return invalid(format!(
                                    "swap file {f} holds {} pages; tt {tt} needs {need}",
                                    file.num_pages
                                ));
                            }
                        }
                        _ => {
                            return invalid(format!(
                            "{f} is not a persistent swap file (create one with swap_file_create)"
                        ))
                        }
                    }
                }
                Ok(())
            }
            Action::TtGetPage { tt, index } => {
                self.live_tt(*tt)?;
                self.pools_up()?;
                if !self.cfg.era.pre_seed() {
                    return invalid(
                        "ttm_tt_get_page was removed by the seed commit; it exists in eras E0 and E1"
                            .into(),
                    );
                }
                let n = self.state.tts[*tt as usize].num_pages;
                if *index >= n {
                    return invalid(format!("page {index} is outside tt {tt} ({n} pages)"));
                }
                Ok(())
            }
            Action::SwapFileCreate { pages } => {
                if *pages == 0 || *pages > MAX_TT_PAGES {
                    return invalid(format!("a swap file needs 1 to {MAX_TT_PAGES} pages"));
                }
                Ok(())
            }
            Action::PoolShrink { .. } => self.pools_up(),
            Action::DmaPoolShrink { .. } => {
                if self.cfg.has_dma_pool() {
                    Ok(())
                } else {
                    invalid("there is no DMA-aware pool on this machine".into())
                }
            }
            Action::MemCharge { bytes } => {
                if *bytes == 0 || *bytes > self.cfg.ram_bytes {
                    return invalid(format!(
                        "charge between 1 byte and the RAM size, not {bytes}"
                    ));
                }
                Ok(())
            }
            Action::MemUncharge { bytes } => {
                if *bytes == 0 || *bytes > self.state.obj_charged {
                    return invalid(format!("only {} bytes are charged", self.state.obj_charged));
                }
                Ok(())
            }
            Action::RunDeferredWork => Ok(()),
            Action::SysfsWrite { attr, zone, .. } => {
                self.sysfs_exists(*attr, *zone).map_err(SimError::Invalid)
            }
            Action::PoolFini => {
                self.pools_up()?;
                // The kernel runs ttm_page_alloc_fini at module unload, when no tt is left.
                match self.state.tts.iter().find(|t| t.alive) {
                    Some(t) => invalid(format!(
                        "tt {} is still alive: destroy every tt (and buffer object) before ttm_page_alloc_fini",
                        t.id
                    )),
                    None => Ok(()),
                }
            }
            Action::PoolInit => {
                if self.state.pool_manager_up {
                    invalid("the page pool allocator is already running".into())
                } else {
                    Ok(())
                }
            }
            Action::BoCreate {
                pages,
                placement,
                device,
                ..
            } => {
                if *pages == 0 || *pages > MAX_TT_PAGES {
                    return invalid(format!("a BO needs 1 to {MAX_TT_PAGES} pages, not {pages}"));
                }
                self.named_placement(*device, placement)?;
                self.pools_up()
            }
            Action::BoValidate { bo, placement, .. } => {
                self.user_bo(*bo, false)?;
                self.named_placement(self.dev_of(*bo), placement)?;
                self.pools_up()
            }
            Action::BoCreatePlacement { pages, .. } => {
                if *pages == 0 || *pages > MAX_TT_PAGES {
                    return invalid(format!("a BO needs 1 to {MAX_TT_PAGES} pages, not {pages}"));
                }
                self.pools_up()
            }
            Action::BoValidatePlacement { bo, .. } => {
                self.user_bo(*bo, false)?;
                self.pools_up()
            }
            Action::BoReserveWait { bo } => {
                self.user_bo(*bo, None)?;
                if self.state.bos[*bo as usize].reserved && !self.next_sleep_interrupted() {
                    return invalid(format!(
                        "BO {bo} is reserved by the user, who cannot unreserve it while this reserve sleeps: it would sleep forever (plan a signal with machine.faults.signal to interrupt it)"
                    ));
                }
                Ok(())
            }
            Action::BoFault { bo, page } => {
                self.user_bo(*bo, false)?;
                let n = self.state.bos[*bo as usize].num_pages;
                if *page >= n {
                    return invalid(format!("page {page} is outside BO {bo} ({n} pages)"));
                }
                self.pools_up()
            }
            Action::BoKmap { bo, .. } => {
                self.user_bo(*bo, false)?;
                self.pools_up()
            }
            Action::BoKunmap { bo } | Action::BoUnref { bo } | Action::GpuExec { bo } => {
                self.user_bo(*bo, None)
            }
            Action::BoReserve { bo, .. } => self.user_bo(*bo, None),
            Action::BoWrite { bo, .. } => {
                self.user_bo(*bo, None)?;
                let b = &self.state.bos[*bo as usize];
                let fixed =
                    self.state.man(b.device, b.mem.mem_type).flags & crate::bo::MEMTYPE_FIXED != 0;
                let populated = b.tt.is_some_and(|t| {
                    self.state.tts[t as usize].state != crate::consts::TtState::Unpopulated
                });
                if fixed || populated {
                    Ok(())
                } else {
                    invalid(format!(
                        "BO {bo} has no pages to write yet: fault, kmap or validate it first"
                    ))
                }
            }
            Action::BoUnreserve { bo } => self.user_bo(*bo, true),
            Action::EvictMm { mem_type, device } => {
                if *mem_type == 0
                    || *mem_type as usize >= crate::bo_state::TTM_NUM_MEM_TYPES
                    || !self.state.man(*device, *mem_type).has_type
                {
                    return invalid(format!(
                        "memory type {mem_type} is not in use by the driver of device {device}"
                    ));
                }
                self.pools_up()
            }
            Action::BoSwapout => self.pools_up(),
            Action::FenceSignal { fence } => match self.state.fences.get(*fence as usize) {
                Some(_) => Ok(()),
                None => invalid(format!("there is no fence {fence}")),
            },
        }
    }

    /// A live, non-ghost buffer object with the user reference; `reserved` = Some(expected state).
    fn user_bo(&self, bo: u32, reserved: impl Into<Option<bool>>) -> SimResult<()> {
        let Some(b) = self.state.bos.get(bo as usize) else {
            return Err(SimError::Invalid(format!("there is no BO {bo}")));
        };
        if b.ghost {
            return Err(SimError::Invalid(format!(
                "BO {bo} is a ghost of a pipelined move; only TTM holds it"
            )));
        }
        if !b.alive || b.kref == 0 {
            return Err(SimError::Invalid(format!("BO {bo} has been dropped")));
        }
        match reserved.into() {
            Some(true) if !b.reserved => Err(SimError::Invalid(format!("BO {bo} is not reserved"))),
            Some(false) if b.reserved => Err(SimError::Invalid(format!(
                "BO {bo} is reserved; unreserve it first"
            ))),
            _ => Ok(()),
        }
    }

    /// A device index of an action must name one of the machine's devices.
    fn check_device(&self, dev: u8) -> SimResult<()> {
        let n = self.state.device_count();
        if (dev as usize) < n {
            Ok(())
        } else {
            Err(SimError::Invalid(format!(
                "there is no device {dev}; this machine has {n} device(s): 0 = machine.driver{}",
                if n > 1 {
                    format!(", 1..{} = machine.devices", n - 1)
                } else {
                    String::new()
                }
            )))
        }
    }

    /// A named placement of device `dev`'s driver.
    fn named_placement(&self, dev: u8, name: &str) -> SimResult<crate::drivers::Placement> {
        let all = self.driver_placements_of(dev);
        all.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| {
                SimError::Invalid(format!(
                    "{:?} has no placement {name:?}; it has {}",
                    self.cfg.device_driver(dev).kind,
                    all.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ))
            })
    }

    /// Run a user action: validate it, mark it in the trace, run the kernel calls it stands for,
    /// then check the invariants. A kernel error is returned as [`SimError::Kernel`] after the
    /// action has run (its trace shows where it came from).
    pub fn run(&mut self, a: &Action) -> SimResult<Output> {
        self.validate(a)?;
        self.action(a.describe(), |s| s.run_validated(a))
    }

    fn run_validated(&mut self, a: &Action) -> SimResult<Output> {
        if self.is_modern() {
            return self.mrun(a);
        }
        Ok(match *a {
            Action::BoCreatePlaces { .. }
            | Action::BoValidatePlaces { .. }
            | Action::BoPin { .. }
            | Action::BoUnpin { .. }
            | Action::ModuleParam { .. }
            | Action::PoolShrinkerScan { .. } => {
                return Err(SimError::Invalid(
                    "a Linux 6.12 action on a 3.3 machine".into(),
                ))
            }
            Action::TtCreate {
                pages,
                caching,
                flags,
                dma,
            } => {
                let mut flags = flags;
                if self.cfg.need_dma32 {
                    flags |= page_flags::DMA32;
                }
                let backend = if dma { TtBackend::Dma } else { TtBackend::Pool };
                let tt = self.tt_init(pages, flags, backend)?;
                if caching != Caching::Cached {
                    self.tt_set_caching(tt, caching)?;
                }
                Output::Tt(tt)
            }
            Action::TtPopulate { tt } => {
                self.driver_populate(tt)?;
                Output::Done
            }
            Action::TtUnpopulate { tt } => {
                self.driver_unpopulate(tt);
                Output::Done
            }
            Action::TtBind { tt } => {
                self.tt_bind(tt)?;
                Output::Done
            }
            Action::TtUnbind { tt } => {
                self.tt_unbind(tt);
                Output::Done
            }
            Action::TtSetCaching { tt, caching } => {
                self.tt_set_caching(tt, caching)?;
                Output::Done
            }
            Action::TtSwapout { tt, persistent } => {
                // Fixed mode: the caller skips unpopulated or already SWAPPED tts, as
                // ttm_bo_swapout of later kernels does (avoids D8 and O7), answering -EBUSY.
                let t = &self.state.tts[tt as usize];
                if !self.faithful() && (t.swapped() || t.state == TtState::Unpopulated) {
                    return Err(SimError::Kernel(Errno::Ebusy));
                }
                self.tt_swapout(tt, persistent)?;
                Output::Done
            }
            Action::TtDestroy { tt } => {
                self.tt_destroy(tt);
                Output::Done
            }
            Action::TtGetPage { tt, index } => Output::Page(self.tt_get_page(tt, index)?),
            Action::TtWrite { tt, seed } => {
                self.tt_write_pattern(tt, seed);
                Output::Done
            }
            Action::SwapFileCreate { pages } => {
                Output::SwapFile(self.shmem_file_setup(pages, true)?)
            }
            Action::PoolShrink { nr_to_scan } => Output::PagesLeft(self.pool_mm_shrink(nr_to_scan)),
            Action::DmaPoolShrink { nr_to_scan } => {
                Output::PagesLeft(self.dma_pool_mm_shrink(nr_to_scan))
            }
            Action::MemCharge { bytes } => {
                self.mem_global_alloc(bytes, false)?;
                self.count(Ctr::ObjCharged, bytes as i64);
                Output::Done
            }
            Action::MemUncharge { bytes } => {
                self.mem_global_free(bytes);
                self.count(Ctr::ObjCharged, -(bytes as i64));
                Output::Done
            }
            Action::RunDeferredWork => {
                let queued = self.state.swap_work_queued;
                if queued {
                    self.shrink_work();
                }
                // Every device's delayed-destroy work (each device has its own, spec 6.13).
                let mut ddestroy = false;
                for dev in 0..self.state.device_count() as u8 {
                    if !self.state.ddestroy[dev as usize].is_empty() {
                        ddestroy = true;
                        self.delayed_delete(dev);
                    }
                }
                Output::WorkRan(queued || ddestroy)
            }
            Action::SysfsWrite {
                attr,
                zone,
                ref value,
            } => Output::Sysfs(self.sysfs_store(attr, zone, value)),
            Action::PoolFini => {
                self.page_alloc_fini();
                Output::Done
            }
            Action::PoolInit => {
                self.page_alloc_init();
                Output::Done
            }
            Action::BoCreate {
                pages,
                ref placement,
                kernel,
                via_ttm_bo_create,
                device,
            } => {
                let pl = self.named_placement(device, placement)?;
                Output::Bo(self.bo_create(device, pages, kernel, &pl, via_ttm_bo_create)?)
            }
            Action::BoValidate {
                bo,
                ref placement,
                pin,
            } => {
                let mut pl = self.named_placement(self.dev_of(bo), placement)?;
                if pin {
                    use crate::consts::placement::FLAG_NO_EVICT;
                    pl.placement.iter_mut().for_each(|p| *p |= FLAG_NO_EVICT);
                    pl.busy.iter_mut().for_each(|p| *p |= FLAG_NO_EVICT);
                }
                self.bo_reserve(bo, None)?;
                let r = self.bo_validate(bo, &pl);
                self.bo_unreserve(bo);
                r?;
                Output::Done
            }
            Action::BoCreatePlacement {
                pages,
                ref placement,
                kernel,
                via_ttm_bo_create,
                device,
            } => Output::Bo(self.bo_create(
                device,
                pages,
                kernel,
                &placement.to_placement(),
                via_ttm_bo_create,
            )?),
            Action::BoValidatePlacement { bo, ref placement } => {
                self.bo_reserve(bo, None)?;
                let r = self.bo_validate(bo, &placement.to_placement());
                self.bo_unreserve(bo);
                r?;
                Output::Done
            }
            Action::BoReserveWait { bo } => {
                self.bo_reserve_wait(bo)?;
                Output::Done
            }
            Action::BoFault { bo, page } => Output::Fault(self.bo_vm_fault(bo, page)),
            Action::BoKmap { bo, start, num } => {
                self.bo_reserve(bo, None)?;
                let r = self.bo_kmap(bo, start, num);
                self.bo_unreserve(bo);
                Output::Kmap(r?)
            }
            Action::BoKunmap { bo } => {
                self.bo_kunmap(bo);
                Output::Done
            }
            Action::EvictMm { mem_type, device } => {
                self.bo_evict_mm(device, mem_type)?;
                Output::Done
            }
            Action::BoSwapout => {
                self.bo_swapout()?;
                Output::Done
            }
            Action::BoUnref { bo } => {
                self.bo_unref(bo);
                Output::Done
            }
            Action::BoReserve { bo, ticket } => {
                self.bo_reserve(bo, ticket)?;
                Output::Done
            }
            Action::BoUnreserve { bo } => {
                self.bo_unreserve(bo);
                Output::Done
            }
            Action::GpuExec { bo } => {
                let f = self.fence_emit();
                self.set(
                    crate::state::Var::Bo(bo, crate::bo_state::BoField::Fence),
                    f as u64 + 1,
                );
                Output::Fence(f)
            }
            Action::FenceSignal { fence } => {
                self.fence_signal(fence);
                Output::Done
            }
            Action::BoWrite { bo, seed } => {
                let mem = self.state.bos[bo as usize].mem;
                for i in 0..self.state.bos[bo as usize].num_pages {
                    self.bo_set_page_content(bo, &mem, i, crate::tt::data_tag(seed, i));
                }
                Output::Done
            }
        })
    }
}
