//! Machine configuration: what the simulated computer and kernel look like (issue 3, "The simulated machine").

use crate::consts::PAGE_SIZE;
use serde::Serialize;
use std::fmt;

/// Which kernel tree the model behaves like (spec 0.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Era {
    /// 3.0-3.2 releases: lazy `ttm_tt_get_page` with the highmem/lowmem split (spec 8).
    E0,
    /// The tree just before the seed: lazy per-slot `ttm_tt_get_page`, core `ttm_tt_populate` (spec 8).
    E1,
    /// The seed commit: `ttm_pool_populate` / `ttm_pool_unpopulate` callbacks, no DMA pool (spec 0.2).
    E2,
    /// 3.3/3.4 release state: driver populate wrappers and the DMA-aware pool (spec 0.2). The default.
    #[default]
    E3,
}

impl Era {
    /// True before the seed commit (lazy allocation).
    pub fn pre_seed(self) -> bool {
        matches!(self, Era::E0 | Era::E1)
    }
}

/// Reproduce the defects of 3.3 (spec 9) or behave like later kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Fidelity {
    /// Reproduce D1, D3, D5, D7, D8 and the observations exactly as the era had them.
    #[default]
    Faithful,
    /// Apply the fixes later kernels made.
    Fixed,
}

/// CPU architecture of the simulated kernel (spec 0.4, 5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Arch {
    /// x86-64: no highmem; a "dma32" accounting zone when RAM exceeds 4 GiB.
    #[default]
    X86_64,
    /// 32-bit x86 with CONFIG_HIGHMEM: lowmem is the first 896 MiB, a "highmem" accounting zone when RAM exceeds it.
    X86_32Highmem,
}

impl Arch {
    /// `NUM_PAGES_TO_ALLOC` for this architecture (spec 0.4).
    pub fn num_pages_to_alloc(self) -> u32 {
        match self {
            Arch::X86_64 => crate::consts::NUM_PAGES_TO_ALLOC_64,
            Arch::X86_32Highmem => crate::consts::NUM_PAGES_TO_ALLOC_32,
        }
    }
}

/// Lowmem size of a 32-bit x86 kernel with the default 3G/1G split.
pub const LOWMEM_32: u64 = 896 << 20;

/// Operations a scenario can make fail, counted from boot (1 = the first such operation).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FaultPlan {
    /// Fail these system page allocations (alloc_page inside TTM).
    pub page_alloc: Vec<u64>,
    /// Fail these kernel-mapping attribute changes (set_pages_array_wc/uc, set_memory_*).
    pub set_caching: Vec<u64>,
    /// Fail these shmem swap-file creations.
    pub shmem_create: Vec<u64>,
    /// Fail these shmem page reads (read_mapping_page / shmem_read_mapping_page).
    pub shmem_read: Vec<u64>,
    /// Fail these shmem page lookups for writing during swap-out.
    pub shmem_write: Vec<u64>,
    /// Fail these accounting reservations (ttm_mem_global_reserve attempts).
    pub reserve: Vec<u64>,
    /// Fail these PCI DMA mappings of tt pages (radeon / nouveau populate, D9).
    pub dma_map: Vec<u64>,
    /// Fail these page-directory allocations of `ttm_tt_init` / `ttm_dma_tt_init` (pages[], then
    /// for a ttm_dma_tt dma_address[]; D12).
    pub tt_alloc: Vec<u64>,
    /// Linux 6.12: fail these fresh block allocations of `ttm_pool_alloc` (`alloc_pages_node`
    /// of one order, counted over all orders; mspec 4.3, M15).
    pub block_alloc: Vec<u64>,
    /// Interrupt these interruptible sleeps with a signal: a fence wait that would block
    /// (`ttm_bo_wait` with interruptible set, spec 6.5, 6.9, 6.12) or a reserve that would sleep
    /// (`ttm_bo_reserve` with no_wait false, spec 6.8). The sleeper returns -ERESTARTSYS.
    pub signal: Vec<u64>,
}

/// A sysfs attribute of the memory-accounting or pool kobjects (spec 3.2, 4.2, 5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SysfsAttr {
    /// `memory_accounting/pool/pool_max_size` (KiB)
    PoolMaxSize,
    /// `memory_accounting/pool/pool_small_allocation` (KiB)
    PoolSmallAllocation,
    /// `memory_accounting/pool/pool_allocation_size` (KiB)
    PoolAllocationSize,
    /// `memory_accounting/dma_pool/pool_max_size` (KiB)
    DmaPoolMaxSize,
    /// `memory_accounting/dma_pool/pool_small_allocation` (KiB)
    DmaPoolSmallAllocation,
    /// `memory_accounting/dma_pool/pool_allocation_size` (KiB)
    DmaPoolAllocationSize,
    /// `memory_accounting/<zone>/emergency_memory` (KiB); zone index in [`SysfsWrite::zone`].
    EmergencyMemory,
    /// `memory_accounting/<zone>/available_memory` (KiB)
    AvailableMemory,
    /// `memory_accounting/<zone>/swap_limit` (KiB)
    SwapLimit,
}

/// One write to a sysfs attribute, as `echo value > attr` would do it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SysfsWrite {
    /// The attribute.
    pub attr: SysfsAttr,
    /// For zone attributes: the zone index (0 = "kernel").
    pub zone: usize,
    /// The text written (parsed by the kernel's store rules, spec 3.2 / 5.2).
    pub value: String,
}

/// Which DRM driver runs the GPU (spec 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DriverKind {
    /// radeon (spec 7.2).
    #[default]
    Radeon,
    /// nouveau (spec 7.3).
    Nouveau,
    /// vmwgfx (spec 7.4).
    Vmwgfx,
}

impl DriverKind {
    /// Decode a driver traced as a callback argument (`kind as u64`).
    pub fn from_index(i: u64) -> Option<DriverKind> {
        [DriverKind::Radeon, DriverKind::Nouveau, DriverKind::Vmwgfx]
            .into_iter()
            .find(|k| *k as u64 == i)
    }
}

/// The GPU and its driver: the variants of spec 7 that matter to TTM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriverConfig {
    /// The driver.
    pub kind: DriverKind,
    /// VRAM size in MiB.
    pub vram_mib: u32,
    /// CPU-visible part of VRAM in MiB (radeon's fault_reserve_notify moves BOs into it).
    pub visible_vram_mib: u32,
    /// GTT / aperture size in MiB (vmwgfx: unused).
    pub gtt_mib: u32,
    /// radeon: the GFX ring is ready (VRAM evicts to GTT, blit moves); nouveau: a GPU channel
    /// exists (M2MF moves). False → memcpy moves and VRAM evicts to system.
    pub accel: bool,
    /// nouveau: an NV50-or-later GPU (nv50 sgdma backend) instead of pre-NV50 (nv04 PDMA).
    pub nv50: bool,
    /// vmwgfx: number of GMR ids.
    pub gmr_ids: u32,
    /// vmwgfx: GMR page budget (0 = unlimited).
    pub max_gmr_pages: u32,
    /// VRAM size in pages, overriding `vram_mib` (a [`size`] value: pages, or a string such as
    /// `"1228800 bytes"`). Issue 17: sizes that are not whole MiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vram_pages: Option<u64>,
    /// CPU-visible VRAM in pages, overriding `visible_vram_mib`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_vram_pages: Option<u64>,
    /// GTT / aperture size in pages, overriding `gtt_mib`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtt_pages: Option<u64>,
}

impl DriverConfig {
    /// VRAM size in pages: `vram_pages`, or `vram_mib` × 256.
    pub fn vram_size_pages(&self) -> u64 {
        self.vram_pages.unwrap_or((self.vram_mib as u64) << 8)
    }

    /// CPU-visible VRAM in pages: `visible_vram_pages`, or `visible_vram_mib` × 256 (at most the
    /// VRAM when the VRAM is given in pages: a file setting only `vram_pages` has all of it
    /// CPU-visible by default, as it has with the default MiB sizes).
    pub fn visible_vram_size_pages(&self) -> u64 {
        let mib = (self.visible_vram_mib as u64) << 8;
        match (self.visible_vram_pages, self.vram_pages) {
            (Some(p), _) => p,
            (None, Some(v)) => mib.min(v),
            (None, None) => mib,
        }
    }

    /// GTT size in pages: `gtt_pages`, or `gtt_mib` × 256.
    pub fn gtt_size_pages(&self) -> u64 {
        self.gtt_pages.unwrap_or((self.gtt_mib as u64) << 8)
    }
}

/// Sizes in a scenario file (issue 17): a JSON integer counts the field's own unit (pages for
/// `pages`), a string names its unit: `"3 pages"`, `"8193 bytes"` (also `B`, `KiB`, `MiB`,
/// `GiB`). Bytes become pages the way the kernel sizes its objects: `ttm_bo_init` takes
/// num_pages = ceil(size / PAGE_SIZE) (spec 6.3 step 2) and the driver's `ttm_tt_create` gets
/// the BO's size in bytes and makes a tt of as many pages (spec 2.3), so 8,193 bytes are 3 pages.
pub mod size {
    use crate::consts::PAGE_SIZE;

    /// Pages of a size text (`"8193 bytes"` → 3); the error says what is accepted.
    pub fn parse_pages(text: &str) -> Result<u64, String> {
        let t = text.trim();
        let split = t
            .find(|c: char| !c.is_ascii_digit() && c != '_' && c != ',')
            .unwrap_or(t.len());
        let (num, unit) = (t[..split].replace(['_', ','], ""), t[split..].trim());
        let n: u64 = num.parse().map_err(|_| {
            format!("{text:?} is not a size: write a number and a unit, such as \"8193 bytes\" or \"3 pages\"")
        })?;
        let bytes = |mult: u64| {
            n.checked_mul(mult)
                .map(|b| b.div_ceil(PAGE_SIZE))
                .ok_or_else(|| format!("{text:?} is too large"))
        };
        match unit {
            "page" | "pages" => Ok(n),
            "B" | "byte" | "bytes" => bytes(1),
            "KiB" => bytes(1 << 10),
            "MiB" => bytes(1 << 20),
            "GiB" => bytes(1 << 30),
            _ => Err(format!(
                "{text:?}: unknown unit {unit:?}; use pages, bytes, B, KiB, MiB or GiB"
            )),
        }
    }
}

impl Default for DriverConfig {
    fn default() -> Self {
        DriverConfig {
            kind: DriverKind::Radeon,
            vram_mib: 16,
            visible_vram_mib: 16,
            gtt_mib: 32,
            accel: true,
            nv50: true,
            gmr_ids: 64,
            max_gmr_pages: 0,
            vram_pages: None,
            visible_vram_pages: None,
            gtt_pages: None,
        }
    }
}

// ---- Linux 6.12 (issue 18; ../shared/ttm-modern-spec.md, "mspec") --------------------------

/// Which kernel the machine runs: Linux 3.3 (its eras E0–E3, spec 0.2) or Linux 6.12 (mspec 0.1).
/// In a scenario file: `"kernel": "3.3"` (the default) or `"kernel": "6.12"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Kernel {
    /// Linux 3.3 and the eras around it (spec 0.2). The default.
    #[default]
    #[serde(rename = "3.3")]
    V3_3,
    /// Linux 6.12 (mspec 0.1): `ttm_device`, `ttm_resource`, `ttm_pool` with a pool type per
    /// caching and order, one global page limit, the LRU walker.
    #[serde(rename = "6.12")]
    V6_12,
}

/// The parts of a 6.12 machine that have no 3.3 counterpart (mspec 1.5, 2.2, 2.3, 8.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ModernConfig {
    /// Module parameter `ttm.page_pool_size` at load (pages; 0 = the default RAM/2, mspec 2.2).
    pub page_pool_size: u64,
    /// Module parameter `ttm.pages_limit` at load (pages; 0 = the default RAM/2).
    pub pages_limit: u64,
    /// Module parameter `ttm.dma32_pages_limit` at load (pages; 0 = min(lowmem, 2 GiB)).
    pub dma32_pages_limit: u64,
    /// `ttm_device_init(use_dma_alloc)`: per-device pool types for all three cachings (mspec 4.1).
    /// A 3.3 machine's `swiotlb` maps to this (mspec 9.6).
    pub use_dma_alloc: bool,
    /// `ttm_device_init(use_dma32)`: GFP_DMA32 pages, the dma32 pool types and counter. A 3.3
    /// machine's `need_dma32` maps to this (mspec 9.6).
    pub use_dma32: bool,
    /// The device has a NUMA node (`dev_to_node` ≠ NUMA_NO_NODE): per-device WC/UC pool types,
    /// cached pages never pooled (mspec 4.1).
    pub numa_node: bool,
}

/// Everything that describes the simulated machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MachineConfig {
    /// Total RAM in bytes (a multiple of 4096).
    pub ram_bytes: u64,
    /// Architecture.
    pub arch: Arch,
    /// Kernel era.
    pub era: Era,
    /// Faithful (defects reproduced) or fixed.
    pub fidelity: Fidelity,
    /// The device needs pages below 4 GiB (`bdev->need_dma32`; sets TTM_PAGE_FLAG_DMA32 on its tts).
    pub need_dma32: bool,
    /// The software I/O TLB is active (`swiotlb_nr_tbl() != 0`): radeon/nouveau use the DMA pool (spec 4.1).
    pub swiotlb: bool,
    /// The GPU sits on AGP (spec 7.5).
    pub agp: bool,
    /// The calling task has CAP_SYS_ADMIN: limits are emer_mem instead of max_mem (spec 5.4).
    pub root: bool,
    /// Device name used for DMA pools (`dev_name` in debugfs, spec 4.2).
    pub device_name: String,
    /// The GPU and its driver: device 0, the first `ttm_bo_device` (spec 6.2).
    pub driver: DriverConfig,
    /// More GPUs, each a `ttm_bo_device` of its own (devices 1, 2, …): its driver instance,
    /// memory-type managers with their LRUs, mmap-offset allocator and delayed-destroy list
    /// (spec 6.1). They share the `ttm_bo_global` (device list, swap LRU, bo_count), the memory
    /// accounting and the page pools (spec 6.1, 6.10, 5.6). Default none. Linux 3.3 only; not
    /// with `agp` or `swiotlb` (the AGP bridge and the DMA pools, spec 4.2, 7.5, belong to one
    /// device in this model), and `need_dma32` applies to every device.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DriverConfig>,
    /// sysfs writes applied right after boot, in order.
    pub sysfs: Vec<SysfsWrite>,
    /// Injected failures.
    pub faults: FaultPlan,
    /// The kernel: 3.3 (the eras above) or 6.12 (mspec; `era`, `root` and `agp` then play no role).
    pub kernel: Kernel,
    /// Linux 6.12 settings (used only when `kernel` is 6.12).
    pub modern: ModernConfig,
}

impl Default for MachineConfig {
    /// The standard configuration of the spec's worked examples (spec 10): x86-64, 64 MiB, non-root, E3.
    fn default() -> Self {
        MachineConfig {
            ram_bytes: 64 << 20,
            arch: Arch::X86_64,
            era: Era::E3,
            fidelity: Fidelity::Faithful,
            need_dma32: false,
            swiotlb: false,
            agp: false,
            root: false,
            device_name: "radeon 0000:01:00.0".to_string(),
            driver: DriverConfig::default(),
            devices: Vec::new(),
            sysfs: Vec::new(),
            faults: FaultPlan::default(),
            kernel: Kernel::V3_3,
            modern: ModernConfig::default(),
        }
    }
}

/// Smallest RAM the model accepts (enough for one pool refill batch on 32-bit and a kernel zone).
pub const MIN_RAM: u64 = 8 << 20;
/// Largest RAM the model accepts (PAE limit of 32-bit x86; ample for 64-bit teaching).
pub const MAX_RAM: u64 = 64 << 30;

/// A configuration value the model cannot run with, naming the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfigError {
    /// Dotted path of the offending field (`ram_bytes`, `sysfs[2].zone`).
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// The other field of a conflict between two values (`driver.vram_mib` when the visible
    /// VRAM is larger than the VRAM). A scenario file that leaves `field` at its default is
    /// pointed at this one, which it does set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// The error of `field` (its path), with the other field it conflicts with, if any.
    fn at(field: &str, other: Option<&str>, message: String) -> ConfigError {
        ConfigError {
            field: field.to_string(),
            message,
            other: other.map(str::to_string),
        }
    }
}

impl MachineConfig {
    /// Check every value; the first problem found is returned with its field path.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |field: &str, message: String| Err(ConfigError::at(field, None, message));
        let conflict = |field: &str, other: &str, message: String| {
            Err(ConfigError::at(field, Some(other), message))
        };
        if !self.ram_bytes.is_multiple_of(PAGE_SIZE) {
            return err(
                "ram_bytes",
                format!(
                    "{} is not a multiple of the page size (4096)",
                    self.ram_bytes
                ),
            );
        }
        if !(MIN_RAM..=MAX_RAM).contains(&self.ram_bytes) {
            return err(
                "ram_bytes",
                format!(
                    "{} bytes is outside the supported range {} MiB .. {} GiB",
                    self.ram_bytes,
                    MIN_RAM >> 20,
                    MAX_RAM >> 30
                ),
            );
        }
        if self.kernel == Kernel::V6_12 {
            if self.arch != Arch::X86_64 {
                return conflict(
                    "arch",
                    "kernel",
                    "the Linux 6.12 model covers x86-64 only (mspec 0.3)".to_string(),
                );
            }
        } else if self.modern != ModernConfig::default() {
            return conflict(
                "modern",
                "kernel",
                "Linux 6.12 settings need \"kernel\": \"6.12\"".to_string(),
            );
        }
        if self.swiotlb && self.era != Era::E3 && self.kernel == Kernel::V3_3 {
            return conflict(
                "swiotlb",
                "era",
                format!(
                    "the DMA-aware pool exists only in era E3 (3.3/3.4 release), not in {:?}",
                    self.era
                ),
            );
        }
        self.validate_driver("driver", &self.driver)?;
        if !self.devices.is_empty() {
            let extra = |why: &str| {
                conflict(
                    "devices",
                    why,
                    format!("several devices are modelled without {why} only (spec 6.1)"),
                )
            };
            if self.is_modern() {
                return err(
                    "devices",
                    "several devices are modelled on Linux 3.3 only (spec 6.1)".to_string(),
                );
            }
            if self.agp {
                return extra("agp");
            }
            if self.swiotlb {
                return extra("swiotlb");
            }
            if self.devices.len() >= crate::bo_state::MAX_DEVICES {
                return err(
                    "devices",
                    format!(
                        "{} extra devices: a machine has at most {} devices",
                        self.devices.len(),
                        crate::bo_state::MAX_DEVICES
                    ),
                );
            }
        }
        for (i, d) in self.devices.iter().enumerate() {
            self.validate_driver(&format!("devices[{i}]"), d)?;
        }
        if self.device_name.len() > 63 {
            return err(
                "device_name",
                "longer than the kernel's dev_name[64] buffer".to_string(),
            );
        }
        for (i, w) in self.sysfs.iter().enumerate() {
            let zone_attr = matches!(
                w.attr,
                SysfsAttr::EmergencyMemory | SysfsAttr::AvailableMemory | SysfsAttr::SwapLimit
            );
            if zone_attr && w.zone >= self.zone_count() {
                return err(
                    &format!("sysfs[{i}].zone"),
                    format!(
                        "zone {} does not exist; this machine has {} accounting zone(s)",
                        w.zone,
                        self.zone_count()
                    ),
                );
            }
            let dma_attr = matches!(
                w.attr,
                SysfsAttr::DmaPoolMaxSize
                    | SysfsAttr::DmaPoolSmallAllocation
                    | SysfsAttr::DmaPoolAllocationSize
            );
            if dma_attr && !self.has_dma_pool() && !self.is_modern() {
                return err(
                    &format!("sysfs[{i}].attr"),
                    "the dma_pool kobject exists only with swiotlb in era E3".to_string(),
                );
            }
        }
        Ok(())
    }

    /// The checks of one driver configuration, its fields named under `prefix` (`driver`,
    /// `devices[0]`, …).
    fn validate_driver(&self, prefix: &str, d: &DriverConfig) -> Result<(), ConfigError> {
        let f = |name: &str| format!("{prefix}.{name}");
        let err = |field: &str, message: String| Err(ConfigError::at(field, None, message));
        let conflict = |field: &str, other: &str, message: String| {
            Err(ConfigError::at(field, Some(other), message))
        };
        for (field, v) in [(f("vram_mib"), d.vram_mib), (f("gtt_mib"), d.gtt_mib)] {
            if !(1..=4096).contains(&v) {
                return err(&field, format!("{v} MiB is outside 1 .. 4096 MiB"));
            }
        }
        // Sizes in pages (issue 17): the same range, 1 page .. 4096 MiB.
        for (field, v) in [
            (f("vram_pages"), d.vram_pages),
            (f("visible_vram_pages"), d.visible_vram_pages),
            (f("gtt_pages"), d.gtt_pages),
        ] {
            if let Some(v) = v.filter(|v| !(1..=4096 << 8).contains(v)) {
                return err(
                    &field,
                    format!("{v} pages is outside 1 .. 1048576 pages (4096 MiB)"),
                );
            }
        }
        if d.visible_vram_mib == 0 {
            return err(
                &f("visible_vram_mib"),
                "0 MiB: at least 1 MiB of VRAM must be CPU-visible".to_string(),
            );
        }
        if d.visible_vram_size_pages() > d.vram_size_pages() {
            let (vis, vram) = match (d.visible_vram_pages, d.vram_pages) {
                (None, None) => {
                    return conflict(
                        &f("visible_vram_mib"),
                        &f("vram_mib"),
                        format!(
                            "the CPU-visible VRAM (visible_vram_mib = {} MiB) is larger than the VRAM (vram_mib = {} MiB)",
                            d.visible_vram_mib, d.vram_mib
                        ),
                    )
                }
                (Some(_), Some(_)) => (f("visible_vram_pages"), f("vram_pages")),
                _ => (f("visible_vram_pages"), f("vram_mib")),
            };
            return conflict(
                &vis,
                &vram,
                format!(
                    "the CPU-visible VRAM ({} pages) is larger than the VRAM ({} pages)",
                    d.visible_vram_size_pages(),
                    d.vram_size_pages()
                ),
            );
        }
        if d.kind == DriverKind::Vmwgfx && self.agp {
            return conflict(
                "agp",
                &f("kind"),
                "vmwgfx is a virtual PCI device; it has no AGP".to_string(),
            );
        }
        if d.kind == DriverKind::Vmwgfx && d.gmr_ids == 0 {
            return err(
                &f("gmr_ids"),
                "vmwgfx needs at least one GMR id".to_string(),
            );
        }
        Ok(())
    }

    /// How many `ttm_bo_device`s the machine has: the first driver and the extra `devices`.
    pub fn device_count(&self) -> usize {
        1 + self.devices.len()
    }

    /// Device `dev`'s driver configuration (0: `driver`, then `devices`).
    pub fn device_driver(&self, dev: u8) -> &DriverConfig {
        match dev {
            0 => &self.driver,
            d => &self.devices[d as usize - 1],
        }
    }

    /// The machine runs Linux 6.12 (mspec).
    pub fn is_modern(&self) -> bool {
        self.kernel == Kernel::V6_12
    }

    /// Pages of RAM.
    pub fn ram_pages(&self) -> u64 {
        self.ram_bytes / PAGE_SIZE
    }

    /// The DMA-aware pool is built (CONFIG_SWIOTLB) and active (spec 4.1).
    pub fn has_dma_pool(&self) -> bool {
        self.swiotlb && self.era == Era::E3
    }

    /// Number of accounting zones this machine gets (spec 5.2).
    pub fn zone_count(&self) -> usize {
        match self.arch {
            Arch::X86_64 if self.ram_bytes > 1 << 32 => 2,
            Arch::X86_32Highmem if self.ram_bytes > LOWMEM_32 => 2,
            _ => 1,
        }
    }
}
