//! Labels: one place that turns the model's numbers into the names the kernel and the UI use,
//! shared by the web app, the command line and the exercises (so no printer decides names on its
//! own). Flag words decode every bit the spec names and show the rest in hex.

use crate::config::{Arch, DriverKind, Fidelity, MachineConfig};
use crate::consts::{page_flags as pf, placement as pl, Caching};
use crate::drivers::event_symbol;
use crate::func::Func;
use crate::hops::Place;
use crate::state::State;

/// The name of memory type `t` as in `TTM_PL_<name>` (spec 1.4): SYSTEM, TT, VRAM, PRIV0…PRIV5;
/// another number as `type N`.
pub fn mem_type_name(t: u8) -> String {
    match u32::from(t) {
        pl::PL_SYSTEM => "SYSTEM".into(),
        pl::PL_TT => "TT".into(),
        pl::PL_VRAM => "VRAM".into(),
        n @ 3..=8 => format!("PRIV{}", n - pl::PL_PRIV0),
        n => format!("type {n}"),
    }
}

/// A manager of some device by its index ([`crate::bo_state::man_index`]): the memory type's
/// name on device 0 (`VRAM`), prefixed by its device elsewhere (`device 1 VRAM`; spec 6.1).
pub fn manager_name(man: u8) -> String {
    let per = crate::bo_state::TTM_NUM_MEM_TYPES as u8;
    match man / per {
        0 => mem_type_name(man),
        d => format!("device {d} {}", mem_type_name(man % per)),
    }
}

/// The kernel's symbol of memory type `t` (`TTM_PL_VRAM`; spec 1.4), or `memory type N` for a
/// number the kernel does not name.
pub fn mem_type_symbol(t: u8) -> String {
    match t {
        0..=8 => format!("TTM_PL_{}", mem_type_name(t)),
        n => format!("memory type {n}"),
    }
}

/// Bits and names of the placement flags (spec 1.4), in the order they are shown.
const PLACEMENT_BITS: &[(u32, &str)] = &[
    (1 << 0, "SYSTEM"),
    (1 << 1, "TT"),
    (1 << 2, "VRAM"),
    (1 << 3, "PRIV0"),
    (1 << 4, "PRIV1"),
    (1 << 5, "PRIV2"),
    (1 << 6, "PRIV3"),
    (1 << 7, "PRIV4"),
    (1 << 8, "PRIV5"),
    (1 << 15, "SWAPPED"),
    (pl::FLAG_CACHED, "CACHED"),
    (pl::FLAG_WC, "WC"),
    (pl::FLAG_UNCACHED, "UNCACHED"),
    (pl::FLAG_SHARED, "SHARED"),
    (pl::FLAG_NO_EVICT, "NO_EVICT"),
];

/// `NAME|NAME|0xbits` of the names in `bits` present in `v`, with unnamed bits in hex; None
/// for 0.
fn flag_names(v: u32, bits: &[(u32, &str)]) -> Option<String> {
    let mut parts: Vec<String> = bits
        .iter()
        .filter(|(b, _)| v & b != 0)
        .map(|(_, n)| (*n).to_string())
        .collect();
    let known: u32 = bits.iter().map(|(b, _)| b).sum();
    if v & !known != 0 {
        parts.push(format!("{:#x}", v & !known));
    }
    (!parts.is_empty()).then(|| parts.join("|"))
}

/// A placement word decoded (spec 1.4): `TT|WC`, `SYSTEM|CACHED|NO_EVICT`; `0` for none.
pub fn placement_names(p: u32) -> String {
    flag_names(p, PLACEMENT_BITS).unwrap_or_else(|| "0".into())
}

/// A placement word decoded with its value: `VRAM|WC|UNCACHED (0x60004)`.
pub fn placement_flags(p: u32) -> String {
    format!("{} ({p:#x})", placement_names(p))
}

/// Only the caching flags of a placement (spec 1.4, TTM_PL_MASK_CACHING): `WC`,
/// `CACHED|WC|UNCACHED`, or `-` when none is allowed.
pub fn placement_caching(p: u32) -> String {
    flag_names(p & pl::MASK_CACHING, PLACEMENT_BITS).unwrap_or_else(|| "-".into())
}

/// A tt's page flags decoded (spec 1.1): `ZERO_ALLOC|DMA32`; `0` for none.
pub fn page_flags(f: u32) -> String {
    const BITS: &[(u32, &str)] = &[
        (1 << 0, "VMALLOC"),
        (pf::USER, "USER"),
        (pf::USER_DIRTY, "USER_DIRTY"),
        (pf::WRITE, "WRITE"),
        (pf::SWAPPED, "SWAPPED"),
        (pf::PERSISTENT_SWAP, "PERSISTENT_SWAP"),
        (pf::ZERO_ALLOC, "ZERO_ALLOC"),
        (pf::DMA32, "DMA32"),
        (1 << 8, "SG"),
    ];
    flag_names(f, BITS).unwrap_or_else(|| "0".into())
}

/// A caching state by its kernel name (spec 1.2): `tt_uncached`, `tt_wc`, `tt_cached`.
pub fn caching(c: Caching) -> &'static str {
    match c {
        Caching::Uncached => "tt_uncached",
        Caching::Wc => "tt_wc",
        Caching::Cached => "tt_cached",
    }
}

/// Where pages, contents or a buffer object are, in words: `system memory`, `pool wc`
/// (spec 3.1's debugfs names), `DMA pool uc dma32` (spec 4.2), `tt 3`, `swap file 0`,
/// `persistent swap 1`, `VRAM`.
pub fn place(st: &State, p: Place) -> String {
    match p {
        Place::System => "system memory".into(),
        Place::Pool(i) => st
            .pools
            .get(i as usize)
            .map_or_else(|| format!("pool {i}"), |p| format!("pool {}", p.name)),
        Place::DmaPool(i) => st.dma_pools.get(i as usize).map_or_else(
            || format!("DMA pool {i}"),
            |p| format!("DMA pool {}", p.name),
        ),
        Place::Tt(t) => format!("tt {t}"),
        Place::Leaked => "leaked".into(),
        Place::SwapFile(f) => format!("swap file {f}"),
        Place::PersistentSwap(f) => format!("persistent swap {f}"),
        Place::Memory(t) => manager_name(t),
        Place::ModernPool(i) => crate::modern::pool_type_label(st, i),
    }
}

/// How a traced call is shown: the symbol (the driver's own for a callback), its elixir link,
/// and whether it is a driver callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The displayed symbol (`radeon_ttm_tt_populate` for `Func::DrvTtPopulate` on radeon).
    pub symbol: &'static str,
    /// `https://elixir.bootlin.com/linux/v3.3/A/ident/<symbol>`; None for a pseudo-symbol
    /// (`func->bind`, `gpu copy`).
    pub url: Option<String>,
    /// A driver callback or backend operation (spec 7.1), or a call the driver renames.
    pub driver: bool,
}

/// How the call of `func` with `args` on a `kind` machine is shown.
pub fn call(kind: DriverKind, func: Func, args: &[u64]) -> Call {
    let symbol = event_symbol(kind, func, args);
    let url = (!symbol.contains("->") && !symbol.contains(' '))
        .then(|| format!("https://elixir.bootlin.com/linux/v3.3/A/ident/{symbol}"));
    Call {
        symbol,
        url,
        driver: func.is_driver_callback() || symbol != func.symbol(),
    }
}

/// `name=value, …` of a call's recorded arguments ([`Func::arg_names`]).
pub fn args(func: Func, args: &[u64]) -> String {
    func.arg_names()
        .iter()
        .zip(args)
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A RAM or device size: `64 MiB`, `8 GiB`, or bytes.
fn size(bytes: u64) -> String {
    if bytes != 0 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a 6.12 machine's page limits mean, for the panel that shows them (mspec 3.8, 3.9, 9.3).
pub const MODERN_LIMITS_NOTE: &str = "A populate above the limit swaps other BOs out first; \
    nothing is charged per page and there is no background swap work.";

/// The kernel a machine runs, as people name it: "Linux 3.3" or "Linux 6.12".
pub fn kernel_name(k: crate::config::Kernel) -> &'static str {
    match k {
        crate::config::Kernel::V3_3 => "Linux 3.3",
        crate::config::Kernel::V6_12 => "Linux 6.12",
    }
}

/// A machine in one line: the driver, architecture, RAM, era and fidelity, then every other
/// setting that differs from the default ([`MachineConfig::default`], the spec's standard
/// machine of section 10), each with its value, so two different machines never get the same
/// label: `radeon, x86-64, 64 MiB, E3, faithful` for the default.
pub fn machine_label(m: &MachineConfig) -> String {
    let d = &m.driver;
    let base = MachineConfig::default();
    let b = &base.driver;
    let driver = match d.kind {
        DriverKind::Radeon => "radeon",
        DriverKind::Nouveau => "nouveau",
        DriverKind::Vmwgfx => "vmwgfx",
    };
    let arch = match m.arch {
        Arch::X86_64 => "x86-64",
        Arch::X86_32Highmem => "x86-32 highmem",
    };
    let fidelity = match m.fidelity {
        Fidelity::Faithful => "faithful",
        Fidelity::Fixed => "fixed",
    };
    let mut parts = vec![
        driver.to_string(),
        arch.to_string(),
        size(m.ram_bytes),
        format!("{:?}", m.era),
        fidelity.to_string(),
    ];
    if m.is_modern() {
        // Linux 6.12: the era and fidelity play no role; the modern settings do (mspec 2.2).
        parts[3] = "Linux 6.12".to_string();
        parts.remove(4);
        if m.modern != crate::config::ModernConfig::default() {
            let s = serde_json::to_string(&m.modern).unwrap_or_default();
            parts.push(format!("modern {s}"));
        }
    }
    let mut flag = |on: bool, default: bool, yes: &str, no: &str| {
        if on != default {
            parts.push(if on { yes } else { no }.to_string());
        }
    };
    flag(m.swiotlb, base.swiotlb, "swiotlb", "no swiotlb");
    flag(m.agp, base.agp, "AGP", "no AGP");
    flag(m.need_dma32, base.need_dma32, "need_dma32", "no need_dma32");
    flag(m.root, base.root, "root", "not root");
    flag(d.accel, b.accel, "accelerated", "no acceleration");
    flag(d.nv50, b.nv50, "NV50+", "pre-NV50");
    let mib = |v: u32, default: u32, what: &str| (v != default).then(|| format!("{what} {v} MiB"));
    parts.extend(mib(d.vram_mib, b.vram_mib, "VRAM"));
    parts.extend(mib(
        d.visible_vram_mib,
        b.visible_vram_mib,
        "CPU-visible VRAM",
    ));
    parts.extend(mib(d.gtt_mib, b.gtt_mib, "GTT"));
    let pages = |v: Option<u64>, what: &str| v.map(|p| format!("{what} {p} pages"));
    parts.extend(pages(d.vram_pages, "VRAM"));
    parts.extend(pages(d.visible_vram_pages, "CPU-visible VRAM"));
    parts.extend(pages(d.gtt_pages, "GTT"));
    if d.gmr_ids != b.gmr_ids {
        parts.push(format!("{} GMR ids", d.gmr_ids));
    }
    if d.max_gmr_pages != b.max_gmr_pages {
        parts.push(format!("max {} GMR pages", d.max_gmr_pages));
    }
    if m.device_name != base.device_name {
        parts.push(format!("device {:?}", m.device_name));
    }
    for w in &m.sysfs {
        let attr = serde_json::to_value(w.attr)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        parts.push(format!("sysfs {attr}[{}]={:?}", w.zone, w.value));
    }
    if m.faults != base.faults {
        let f = serde_json::to_string(&m.faults).unwrap_or_default();
        parts.push(format!("faults {f}"));
    }
    parts.join(", ")
}
