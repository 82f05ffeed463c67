//! Expectation paths read from the live machine right after a step (issue 17): what the step
//! returned (`output`), which kernel functions it called (`calls.SYMBOL`), and the observables the
//! [`Summary`](crate::summary::Summary) leaves out to stay small — a tt's data, swap storage and
//! slots, swap files, the pool options and sysfs values read back, a BO's acc_size, mmap offset
//! and reservation, the memory-type managers with their free ranges, `bo_count` and the device
//! list. [`step_query`] answers these paths and leaves every other one to `Summary::query`.
//! The paths are documented in docs/scenarios.md ("Expectations").

use crate::config::SysfsAttr;
use crate::ops::Output;
use crate::sim::Sim;
use crate::state::{State, CONTENT_STALE, CONTENT_ZERO};
use crate::trace::{Event, TracePos};
use serde_json::{json, Value};

/// What a query about one step can see besides the machine: its output and where its events
/// begin.
pub struct StepView<'a> {
    /// The machine right after the step.
    pub sim: &'a Sim,
    /// The step's output (None when it failed).
    pub output: Option<&'a Output>,
    /// The trace position where the step's events begin.
    pub start: TracePos,
}

/// Fields of `tt.ID` answered here; the others are the summary's.
const TT_FIELDS: &[&str] = &["data", "swap_storage", "slots", "page_flags", "dma"];
/// Fields of `tt.ID` the summary has.
const TT_SUMMARY_FIELDS: &[&str] = &[
    "id",
    "state",
    "caching",
    "flags",
    "num_pages",
    "pages",
    "swapped",
];
/// Fields of `bo.ID` answered here.
const BO_FIELDS: &[&str] = &[
    "acc_size",
    "device",
    "addr_space_offset",
    "reserved",
    "kref",
    "num_pages",
    "kernel",
    "moving",
    "fence",
    "ptes",
    "kmap",
    "persistent_swap",
    "val_seq",
    "seq_valid",
];
/// Fields of `bo.ID` the summary has.
const BO_SUMMARY_FIELDS: &[&str] = &[
    "id",
    "alive",
    "ghost",
    "mem_type",
    "placement",
    "start",
    "offset",
    "tt",
    "evicted",
    "lru_pos",
    "swap_lru_pos",
    "busy",
    "data",
];

/// Answer `path` if it is one of this module's; `None` leaves it to the summary.
pub fn step_query(view: &StepView<'_>, path: &str) -> Option<Result<Value, String>> {
    let parts: Vec<&str> = path.split('.').collect();
    let st = view.sim.state();
    let r = match parts.as_slice() {
        ["output", rest @ ..] => output(view.output).and_then(|v| descend(v, rest, path)),
        ["calls", sym] => calls(view, sym),
        ["calls"] => Err(format!(
            "{path:?}: name the kernel function, e.g. calls.ttm_page_pool_fill_locked"
        )),
        ["tt", id, field, rest @ ..] if !TT_SUMMARY_FIELDS.contains(field) => {
            tt_field(st, id, field, path).and_then(|v| descend(v, rest, path))
        }
        ["bo", id, field, rest @ ..] if !BO_SUMMARY_FIELDS.contains(field) => {
            bo_field(st, id, field, path).and_then(|v| descend(v, rest, path))
        }
        ["swap_file", id, rest @ ..] => {
            swap_file(st, id, path).and_then(|v| descend(v, rest, path))
        }
        ["pool_opts", rest @ ..] => descend(opts(&st.pool_opts), rest, path),
        ["dma_pool_opts", rest @ ..] => {
            if view.sim.config().has_dma_pool() {
                descend(opts(&st.dma_opts), rest, path)
            } else {
                Err(format!(
                    "{path:?}: this machine has no DMA-aware pool (swiotlb, era E3)"
                ))
            }
        }
        ["sysfs", rest @ ..] => sysfs(view.sim, rest, path),
        ["manager", ty, rest @ ..] => manager(st, 0, ty, path).and_then(|v| descend(v, rest, path)),
        ["device", d, "manager" | "man", ty, rest @ ..] => device_index(st, d, path)
            .and_then(|d| manager(st, d, ty, path))
            .and_then(|v| descend(v, rest, path)),
        ["device", d, rest @ ..] => device_index(st, d, path)
            .and_then(|d| descend(devices(view.sim), &[&d.to_string()], path))
            .and_then(|v| descend(v, rest, path)),
        ["bo_count"] => Ok(json!(st.bos.iter().filter(|b| b.alive).count())),
        ["devices", rest @ ..] => descend(devices(view.sim), rest, path),
        _ => return None,
    };
    Some(r)
}

/// Follow the rest of a path into a JSON value (arrays by index).
fn descend(mut v: Value, rest: &[&str], path: &str) -> Result<Value, String> {
    for p in rest {
        let next = match (&v, p.parse::<usize>()) {
            (Value::Array(a), Ok(i)) => a.get(i).cloned(),
            _ => v.get(p).cloned(),
        };
        v = next.ok_or_else(|| format!("{path:?}: no field {p:?}"))?;
    }
    Ok(v)
}

/// The step's output as a plain value: an id or count as a number, a kmap type by its name,
/// a fault and a sysfs store as objects; `null` when the step failed or returns nothing.
fn output(o: Option<&Output>) -> Result<Value, String> {
    use crate::sysfs::SysfsOutcome;
    Ok(match o {
        None | Some(Output::Done) => Value::Null,
        Some(Output::Tt(n))
        | Some(Output::SwapFile(n))
        | Some(Output::Bo(n))
        | Some(Output::Fence(n)) => json!(n),
        Some(Output::Page(p)) | Some(Output::PagesLeft(p)) => json!(p),
        Some(Output::WorkRan(b)) => json!(b),
        // ttm_bo_api.h (spec 1.6): iomap = 1|0x80, vmap = 2, kmap = 3, premapped = 4|0x80.
        Some(Output::Kmap(t)) => json!(match *t {
            0x81 => "ttm_bo_map_iomap",
            2 => "ttm_bo_map_vmap",
            3 => "ttm_bo_map_kmap",
            0x84 => "ttm_bo_map_premapped",
            _ => return Err(format!("unknown kmap type {t:#x}")),
        }),
        Some(Output::Fault(f)) => match f {
            crate::bo::FaultResult::NoPage { mapped } => {
                json!({ "result": "VM_FAULT_NOPAGE", "ptes": mapped })
            }
            crate::bo::FaultResult::Sigbus => json!({ "result": "VM_FAULT_SIGBUS", "ptes": 0 }),
            crate::bo::FaultResult::Oom => json!({ "result": "VM_FAULT_OOM", "ptes": 0 }),
        },
        Some(Output::Sysfs(s)) => match s {
            SysfsOutcome::Stored(v) => json!({ "stored": v }),
            SysfsOutcome::StoredWithWarning(v, w) => json!({ "stored": v, "warning": w }),
            SysfsOutcome::Rejected(e) => json!({ "rejected": e }),
            SysfsOutcome::Ignored => json!("ignored"),
        },
    })
}

/// How many times the step entered the kernel function `sym` (its symbol, or a driver's own
/// symbol for a driver callback: `radeon_ttm_tt_populate`).
fn calls(view: &StepView<'_>, sym: &str) -> Result<Value, String> {
    use crate::func::Func;
    let kind = view.sim.config().driver.kind;
    let matches = |f: Func, args: &[u64]| {
        f.symbol() == sym || crate::drivers::event_symbol(kind, f, args) == sym
    };
    let known = Func::ALL
        .iter()
        .any(|&f| f.symbol() == sym || crate::drivers::driver_symbol(kind, f) == sym);
    let mut n = 0u64;
    for e in view.sim.trace().events_at(view.start) {
        if let Event::Enter { func, args } = e {
            if matches(func, &args) {
                n += 1;
            }
        }
    }
    if n == 0 && !known {
        return Err(format!(
            "calls.{sym}: the model traces no kernel function {sym:?} (names are the kernel's, e.g. ttm_page_pool_fill_locked, ttm_bo_validate)"
        ));
    }
    Ok(json!(n))
}

fn index<T>(list: &[T], id: &str, what: &str, path: &str) -> Result<usize, String> {
    id.parse::<usize>()
        .ok()
        .filter(|&i| i < list.len())
        .ok_or_else(|| format!("{path:?}: there is no {what} {id:?}"))
}

/// What a list of page contents holds, in the words of `bo.ID.data` (`"seed N"`, `"zeros"`,
/// `"stale"`, `"mixed"`, `"partial"`, `"none"`).
pub fn contents_word(pages: &[Option<u32>]) -> String {
    if pages.iter().all(Option::is_none) {
        return "none".to_string();
    }
    let Some(all) = pages.iter().copied().collect::<Option<Vec<u32>>>() else {
        return "partial".to_string();
    };
    if all.iter().all(|&c| c == CONTENT_ZERO) {
        return "zeros".to_string();
    }
    if all.iter().all(|&c| c == CONTENT_STALE) {
        return "stale".to_string();
    }
    let seed = (all[0] >> 20) & 0x3ff;
    let consistent = all
        .iter()
        .enumerate()
        .all(|(i, &c)| c == crate::tt::data_tag(seed, i as u32));
    if consistent {
        format!("seed {seed}")
    } else {
        "mixed".to_string()
    }
}

fn tt_field(st: &State, id: &str, field: &str, path: &str) -> Result<Value, String> {
    let t = &st.tts[index(&st.tts, id, "tt", path)?];
    Ok(match field {
        // Each slot's page, or the swap file's copy of it when the slot is empty (spec 2.8).
        "data" => {
            let pages: Vec<Option<u32>> = (0..t.num_pages as usize)
                .map(|i| match t.pages.get(i).copied().flatten() {
                    Some(pfn) => st.phys.page(pfn).map(|p| p.content),
                    None => t
                        .swap_storage
                        .and_then(|f| st.swap_files[f as usize].contents.get(i).copied()),
                })
                .collect();
            json!(contents_word(&pages))
        }
        "swap_storage" => json!(t.swap_storage),
        "slots" => json!(t.pages),
        "page_flags" => json!(t.page_flags),
        "dma" => json!(t.backend == crate::state::TtBackend::Dma),
        _ => {
            return Err(format!(
                "{path:?}: a tt has no field {field:?}; fields: {}, {}",
                TT_SUMMARY_FIELDS.join(", "),
                TT_FIELDS.join(", ")
            ))
        }
    })
}

fn bo_field(st: &State, id: &str, field: &str, path: &str) -> Result<Value, String> {
    let b = &st.bos[index(&st.bos, id, "BO", path)?];
    Ok(match field {
        "acc_size" => json!(b.acc_size),
        // `bo->bdev` (spec 6.1): asked here because the summary leaves device 0 out.
        "device" => json!(b.device),
        // addr_space_offset = vm_node->start << PAGE_SHIFT, the allocator starting at the
        // driver's file_page_offset (spec 6.1, 6.2); null without an mmap range.
        "addr_space_offset" => match b.vm_start {
            0 => Value::Null,
            s => json!((crate::consts::FILE_PAGE_OFFSET + s - 1) << crate::consts::PAGE_SHIFT),
        },
        "reserved" => json!(b.reserved),
        "kref" => json!(b.kref),
        "num_pages" => json!(b.num_pages),
        "kernel" => json!(b.kernel),
        "moving" => json!(b.moving),
        "fence" => json!(b.fence),
        "ptes" => json!(b.ptes),
        "kmap" => json!(b.kmap),
        "persistent_swap" => json!(b.persistent_swap),
        "val_seq" => json!(b.val_seq),
        "seq_valid" => json!(b.seq_valid),
        _ => {
            return Err(format!(
                "{path:?}: a BO has no field {field:?}; fields: {}, {}",
                BO_SUMMARY_FIELDS.join(", "),
                BO_FIELDS.join(", ")
            ))
        }
    })
}

fn swap_file(st: &State, id: &str, path: &str) -> Result<Value, String> {
    let f = &st.swap_files[index(&st.swap_files, id, "swap file", path)?];
    let pages: Vec<Option<u32>> = f.contents.iter().map(|&c| Some(c)).collect();
    Ok(json!({
        "id": f.id,
        "num_pages": f.num_pages,
        "persistent": f.persistent,
        "released": f.released,
        "data": contents_word(&pages),
    }))
}

fn opts(o: &crate::state::PoolOpts) -> Value {
    json!({ "max_size": o.max_size, "small": o.small, "alloc_size": o.alloc_size })
}

/// `sysfs.pool.ATTR`, `sysfs.dma_pool.ATTR`, `sysfs.ZONE.ATTR`: the number a read of the file
/// prints (KiB, spec 3.2, 5.2), through the same `ttm_pool_show` / `ttm_mem_zone_show` rules
/// as [`Sim::sysfs_read`]; a zone also shows `zone_memory` and `used_memory`.
fn sysfs(sim: &Sim, rest: &[&str], path: &str) -> Result<Value, String> {
    let [kobj, attr] = rest else {
        return Err(format!(
            "{path:?}: write sysfs.pool.ATTR, sysfs.dma_pool.ATTR or sysfs.ZONE.ATTR (e.g. sysfs.kernel.swap_limit)"
        ));
    };
    let pool = |dma: bool| -> Result<SysfsAttr, String> {
        Ok(match (dma, *attr) {
            (false, "pool_max_size") => SysfsAttr::PoolMaxSize,
            (false, "pool_small_allocation") => SysfsAttr::PoolSmallAllocation,
            (false, "pool_allocation_size") => SysfsAttr::PoolAllocationSize,
            (true, "pool_max_size") => SysfsAttr::DmaPoolMaxSize,
            (true, "pool_small_allocation") => SysfsAttr::DmaPoolSmallAllocation,
            (true, "pool_allocation_size") => SysfsAttr::DmaPoolAllocationSize,
            _ => return Err(format!(
                "{path:?}: the pool kobject has pool_max_size, pool_small_allocation, pool_allocation_size"
            )),
        })
    };
    let (a, zone) = match *kobj {
        "pool" => (pool(false)?, 0),
        "dma_pool" => (pool(true)?, 0),
        z => {
            let Some(zi) = sim.state().zones.iter().position(|x| x.name == z) else {
                return Err(format!(
                    "{path:?}: no kobject {z:?}: pool, dma_pool or a zone ({})",
                    sim.state()
                        .zones
                        .iter()
                        .map(|x| x.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            };
            let a = match *attr {
                "emergency_memory" => SysfsAttr::EmergencyMemory,
                "available_memory" => SysfsAttr::AvailableMemory,
                "swap_limit" => SysfsAttr::SwapLimit,
                "zone_memory" | "used_memory" => {
                    let (zm, used) = sim.sysfs_read_zone_usage(zi).unwrap_or_default();
                    return Ok(json!(if *attr == "zone_memory" { zm } else { used }));
                }
                _ => return Err(format!(
                    "{path:?}: a zone has emergency_memory, available_memory, swap_limit, zone_memory, used_memory"
                )),
            };
            (a, zi)
        }
    };
    let text = sim
        .sysfs_read(a, zone)
        .map_err(|m| format!("{path:?}: {m}"))?;
    text.trim()
        .parse::<u64>()
        .map(|v| json!(v))
        .map_err(|_| format!("{path:?}: reads {text:?}"))
}

/// The `N` of `device.N.…`: one of the machine's devices (spec 6.1's device list).
fn device_index(st: &State, d: &str, path: &str) -> Result<u8, String> {
    let n = st.device_count();
    d.parse::<u8>()
        .ok()
        .filter(|&i| (i as usize) < n)
        .ok_or_else(|| {
            format!(
                "{path:?}: device {d:?} does not exist; this machine has devices 0 … {}",
                n - 1
            )
        })
}

/// `manager.TYPE` (device 0) and `device.N.manager.TYPE`: a memory-type manager of one device
/// (`bdev->man[TYPE]`, spec 6.1, 6.2) by number (0 … 7) or name (`system`, `tt`, `vram`,
/// `priv0`): size and use in pages, its range nodes, free ranges and LRU.
fn manager(st: &State, dev: u8, ty: &str, path: &str) -> Result<Value, String> {
    let t = match ty {
        "system" => 0,
        "tt" => 1,
        "vram" => 2,
        "priv0" | "gmr" => 3,
        n => n
            .parse::<u8>()
            .ok()
            .filter(|&t| (t as usize) < crate::bo_state::TTM_NUM_MEM_TYPES)
            .ok_or_else(|| {
                format!("{path:?}: a memory type is 0 … 7 or system, tt, vram, priv0")
            })?,
    };
    let m = Some(st.man(dev, t))
        .filter(|m| m.has_type)
        .ok_or_else(|| format!("{path:?}: memory type {ty} is not initialised on device {dev}"))?;
    // Free ranges: the gaps between the allocated nodes in [0, size) (spec 6.2's drm_mm holes).
    let mut free = Vec::new();
    let mut at = 0;
    for (&start, n) in &m.nodes {
        if start > at {
            free.push(json!([at, start - at]));
        }
        at = at.max(start + n.len);
    }
    if m.size > at {
        free.push(json!([at, m.size - at]));
    }
    let nodes: Vec<Value> = m
        .nodes
        .iter()
        .map(|(s, n)| json!({ "start": s, "num_pages": n.len, "bo": n.bo }))
        .collect();
    Ok(json!({
        "size": m.size,
        "used": m.used_pages(),
        "free": free,
        "nodes": nodes,
        "lru": m.lru,
        "flags": m.flags,
        "available_caching": m.available_caching,
        "default_caching": m.default_caching,
        "gpu_offset": m.gpu_offset,
    }))
}

/// The global device list (`glob->device_list`, spec 6.1, 6.2): each `ttm_bo_device` in the
/// order `ttm_bo_device_init` added it at boot (`machine.driver`, then `machine.devices`), with
/// its driver, initialised memory types, the BOs alive on it and its delayed-destroy list.
fn devices(sim: &Sim) -> Value {
    let st = sim.state();
    let cfg = sim.config();
    let list: Vec<Value> = (0..st.device_count() as u8)
        .map(|d| {
            let types: Vec<usize> = (0..crate::bo_state::TTM_NUM_MEM_TYPES as u8)
                .filter(|&t| st.man(d, t).has_type)
                .map(usize::from)
                .collect();
            json!({
                "name": if d == 0 { st.device_name.clone() } else { format!("device {d}") },
                "driver": format!("{:?}", cfg.device_driver(d).kind).to_lowercase(),
                "mem_types": types,
                "need_dma32": cfg.need_dma32,
                "bo_count": st.bos.iter().filter(|b| b.alive && b.device == d).count(),
                "ddestroy": st.ddestroy[d as usize],
            })
        })
        .collect();
    json!(list)
}
