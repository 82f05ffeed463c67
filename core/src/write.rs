//! Writing a scenario as pretty JSON by hand ([`crate::Scenario::to_json`]): the text serde_json's
//! `to_string_pretty` gives for the scenario types (two-space indentation, fields in declaration
//! order, an action's `"action"` first, the optional step fields and sizes in pages left out
//! when absent), without a serializer instantiated per type in the web app's wasm (issue 16).
//! Names come from the tables the reader uses ([`crate::read`]), so a written file reads back
//! as the same scenario.

use crate::config::{DriverConfig, MachineConfig};
use crate::modern::ttm_resource::TtmPlace;
use crate::ops::{Action, CustomPlacement, PlacementWord};
use crate::read::{
    ARCHS, ASKS, CACHING, DRIVER_KINDS, ERAS, FIDELITIES, KERNELS, MODULE_PARAMS, SYSFS_ATTRS,
};
use crate::scenario::{Scenario, Step};
use std::fmt::Write;

/// A value to print, borrowing the scenario's strings and expectation values.
enum J<'a> {
    Null,
    Bool(bool),
    Num(u64),
    Str(&'a str),
    Text(String),
    Arr(Vec<J<'a>>),
    Obj(Vec<(&'static str, J<'a>)>),
    Map(&'a std::collections::BTreeMap<String, serde_json::Value>),
}

/// The scenario as pretty JSON.
pub(crate) fn scenario(sc: &Scenario) -> String {
    let j = J::Obj(vec![
        ("format", J::Str(&sc.format)),
        ("version", J::Num(sc.version.into())),
        ("name", J::Str(&sc.name)),
        ("title", J::Str(&sc.title)),
        ("goal", J::Str(&sc.goal)),
        ("machine", machine(&sc.machine)),
        ("steps", J::Arr(sc.steps.iter().map(step).collect())),
    ]);
    let mut out = String::new();
    print(&j, 0, &mut out);
    out
}

/// `s` as a JSON string, escaped as serde_json escapes it (`"`, `\`, and control characters:
/// the short escapes where JSON has them, `\u00XX` otherwise).
pub(crate) fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn indent(depth: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// serde_json's pretty layout: one member or element per line, `[]` and `{}` when empty.
fn print(j: &J, depth: usize, out: &mut String) {
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(n) => {
            let _ = write!(out, "{n}");
        }
        J::Str(s) => string(s, out),
        J::Text(s) => string(s, out),
        J::Arr(items) => list(
            out,
            depth,
            '[',
            ']',
            items.iter().map(|i| (None, Item::J(i))),
        ),
        J::Obj(members) => list(
            out,
            depth,
            '{',
            '}',
            members.iter().map(|(k, v)| (Some(*k), Item::J(v))),
        ),
        J::Map(m) => list(
            out,
            depth,
            '{',
            '}',
            m.iter().map(|(k, v)| (Some(k.as_str()), Item::Value(v))),
        ),
    }
}

/// What a member or element holds: one of ours or an expectation's value.
enum Item<'j, 'a> {
    J(&'j J<'a>),
    Value(&'j serde_json::Value),
}

fn list<'j, 'a: 'j>(
    out: &mut String,
    depth: usize,
    open: char,
    close: char,
    items: impl ExactSizeIterator<Item = (Option<&'j str>, Item<'j, 'a>)>,
) {
    out.push(open);
    let empty = items.len() == 0;
    for (i, (key, item)) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        indent(depth + 1, out);
        if let Some(k) = key {
            string(k, out);
            out.push_str(": ");
        }
        match item {
            Item::J(j) => print(j, depth + 1, out),
            Item::Value(v) => value(v, depth + 1, out),
        }
    }
    if !empty {
        indent(depth, out);
    }
    out.push(close);
}

/// An expectation's value (its numbers as serde_json prints them).
fn value(v: &serde_json::Value, depth: usize, out: &mut String) {
    use serde_json::Value as V;
    match v {
        V::Null => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Number(n) => {
            let _ = write!(out, "{n}");
        }
        V::String(s) => string(s, out),
        V::Array(a) => list(
            out,
            depth,
            '[',
            ']',
            a.iter().map(|v| (None, Item::Value(v))),
        ),
        V::Object(m) => list(
            out,
            depth,
            '{',
            '}',
            m.iter().map(|(k, v)| (Some(k.as_str()), Item::Value(v))),
        ),
    }
}

/// The name `table` gives `v`.
fn name<T: PartialEq>(table: &[(&'static str, T)], v: &T) -> J<'static> {
    J::Str(table.iter().find(|(_, t)| t == v).map_or("", |(n, _)| n))
}

fn num(n: impl Into<u64>) -> J<'static> {
    J::Num(n.into())
}

fn opt(n: Option<impl Into<u64>>) -> J<'static> {
    n.map_or(J::Null, num)
}

fn step(st: &Step) -> J<'_> {
    let mut m = vec![("do", action(&st.action))];
    if let Some(say) = &st.say {
        m.push(("say", J::Str(say)));
    }
    if !st.expect.is_empty() {
        m.push(("expect", J::Map(&st.expect)));
    }
    if let Some(ask) = &st.ask {
        m.push(("ask", name(ASKS, ask)));
    }
    J::Obj(m)
}

fn words(l: &[PlacementWord]) -> J<'static> {
    J::Arr(
        l.iter()
            .map(|w| J::Text(crate::present::placement_names(w.0)))
            .collect(),
    )
}

fn custom(p: &CustomPlacement) -> J<'static> {
    let mut m = vec![
        ("fpfn", num(p.fpfn)),
        ("lpfn", num(p.lpfn)),
        ("placement", words(&p.placement)),
    ];
    if let Some(b) = &p.busy_placement {
        m.push(("busy_placement", words(b)));
    }
    J::Obj(m)
}

fn places(l: &[TtmPlace]) -> J<'static> {
    J::Arr(
        l.iter()
            .map(|p| {
                J::Obj(vec![
                    ("mem_type", num(p.mem_type)),
                    ("flags", num(p.flags)),
                    ("fpfn", num(p.fpfn)),
                    ("lpfn", num(p.lpfn)),
                ])
            })
            .collect(),
    )
}

/// An action: its name, then its fields in declaration order.
fn action(a: &Action) -> J<'_> {
    use Action::*;
    let (tag, fields): (&str, Vec<(&'static str, J)>) = match a {
        TtCreate {
            pages,
            caching,
            flags,
            dma,
        } => (
            "tt_create",
            vec![
                ("pages", num(*pages)),
                ("caching", name(CACHING, caching)),
                ("flags", num(*flags)),
                ("dma", J::Bool(*dma)),
            ],
        ),
        TtPopulate { tt } => ("tt_populate", vec![("tt", num(*tt))]),
        TtUnpopulate { tt } => ("tt_unpopulate", vec![("tt", num(*tt))]),
        TtBind { tt } => ("tt_bind", vec![("tt", num(*tt))]),
        TtUnbind { tt } => ("tt_unbind", vec![("tt", num(*tt))]),
        TtSetCaching { tt, caching } => (
            "tt_set_caching",
            vec![("tt", num(*tt)), ("caching", name(CACHING, caching))],
        ),
        TtSwapout { tt, persistent } => (
            "tt_swapout",
            vec![("tt", num(*tt)), ("persistent", opt(*persistent))],
        ),
        TtDestroy { tt } => ("tt_destroy", vec![("tt", num(*tt))]),
        TtGetPage { tt, index } => (
            "tt_get_page",
            vec![("tt", num(*tt)), ("index", num(*index))],
        ),
        TtWrite { tt, seed } => ("tt_write", vec![("tt", num(*tt)), ("seed", num(*seed))]),
        SwapFileCreate { pages } => ("swap_file_create", vec![("pages", num(*pages))]),
        PoolShrink { nr_to_scan } => ("pool_shrink", vec![("nr_to_scan", num(*nr_to_scan))]),
        DmaPoolShrink { nr_to_scan } => ("dma_pool_shrink", vec![("nr_to_scan", num(*nr_to_scan))]),
        MemCharge { bytes } => ("mem_charge", vec![("bytes", num(*bytes))]),
        MemUncharge { bytes } => ("mem_uncharge", vec![("bytes", num(*bytes))]),
        RunDeferredWork => ("run_deferred_work", vec![]),
        SysfsWrite { attr, zone, value } => (
            "sysfs_write",
            vec![
                ("attr", name(SYSFS_ATTRS, attr)),
                ("zone", num(*zone as u64)),
                ("value", J::Str(value)),
            ],
        ),
        PoolFini => ("pool_fini", vec![]),
        PoolInit => ("pool_init", vec![]),
        BoCreate {
            pages,
            placement,
            kernel,
            via_ttm_bo_create,
            device,
        } => (
            "bo_create",
            vec![
                ("pages", num(*pages)),
                ("placement", J::Str(placement)),
                ("kernel", J::Bool(*kernel)),
                ("via_ttm_bo_create", J::Bool(*via_ttm_bo_create)),
                ("device", num(*device)),
            ],
        ),
        BoValidate { bo, placement, pin } => (
            "bo_validate",
            vec![
                ("bo", num(*bo)),
                ("placement", J::Str(placement)),
                ("pin", J::Bool(*pin)),
            ],
        ),
        BoFault { bo, page } => ("bo_fault", vec![("bo", num(*bo)), ("page", num(*page))]),
        BoKmap { bo, start, num: n } => (
            "bo_kmap",
            vec![("bo", num(*bo)), ("start", num(*start)), ("num", num(*n))],
        ),
        BoKunmap { bo } => ("bo_kunmap", vec![("bo", num(*bo))]),
        EvictMm { mem_type, device } => (
            "evict_mm",
            vec![("mem_type", num(*mem_type)), ("device", num(*device))],
        ),
        BoSwapout => ("bo_swapout", vec![]),
        BoUnref { bo } => ("bo_unref", vec![("bo", num(*bo))]),
        BoReserve { bo, ticket } => (
            "bo_reserve",
            vec![("bo", num(*bo)), ("ticket", opt(*ticket))],
        ),
        BoUnreserve { bo } => ("bo_unreserve", vec![("bo", num(*bo))]),
        GpuExec { bo } => ("gpu_exec", vec![("bo", num(*bo))]),
        BoWrite { bo, seed } => ("bo_write", vec![("bo", num(*bo)), ("seed", num(*seed))]),
        FenceSignal { fence } => ("fence_signal", vec![("fence", num(*fence))]),
        BoCreatePlacement {
            pages,
            placement,
            kernel,
            via_ttm_bo_create,
            device,
        } => (
            "bo_create_placement",
            vec![
                ("pages", num(*pages)),
                ("placement", custom(placement)),
                ("kernel", J::Bool(*kernel)),
                ("via_ttm_bo_create", J::Bool(*via_ttm_bo_create)),
                ("device", num(*device)),
            ],
        ),
        BoValidatePlacement { bo, placement } => (
            "bo_validate_placement",
            vec![("bo", num(*bo)), ("placement", custom(placement))],
        ),
        BoReserveWait { bo } => ("bo_reserve_wait", vec![("bo", num(*bo))]),
        BoCreatePlaces {
            pages,
            places: p,
            caching,
            kernel,
            priority,
        } => (
            "bo_create_places",
            vec![
                ("pages", num(*pages)),
                ("places", places(p)),
                ("caching", name(CACHING, caching)),
                ("kernel", J::Bool(*kernel)),
                ("priority", num(*priority)),
            ],
        ),
        BoValidatePlaces { bo, places: p } => (
            "bo_validate_places",
            vec![("bo", num(*bo)), ("places", places(p))],
        ),
        BoPin { bo } => ("bo_pin", vec![("bo", num(*bo))]),
        BoUnpin { bo } => ("bo_unpin", vec![("bo", num(*bo))]),
        ModuleParam { param, value } => (
            "module_param",
            vec![
                ("param", name(MODULE_PARAMS, param)),
                ("value", num(*value)),
            ],
        ),
        PoolShrinkerScan { scans } => ("pool_shrinker_scan", vec![("scans", num(*scans))]),
    };
    let mut m = vec![("action", J::Str(tag))];
    m.extend(fields);
    J::Obj(m)
}

fn driver(d: &DriverConfig) -> J<'_> {
    let mut m = vec![
        ("kind", name(DRIVER_KINDS, &d.kind)),
        ("vram_mib", num(d.vram_mib)),
        ("visible_vram_mib", num(d.visible_vram_mib)),
        ("gtt_mib", num(d.gtt_mib)),
        ("accel", J::Bool(d.accel)),
        ("nv50", J::Bool(d.nv50)),
        ("gmr_ids", num(d.gmr_ids)),
        ("max_gmr_pages", num(d.max_gmr_pages)),
    ];
    for (k, v) in [
        ("vram_pages", d.vram_pages),
        ("visible_vram_pages", d.visible_vram_pages),
        ("gtt_pages", d.gtt_pages),
    ] {
        if let Some(v) = v {
            m.push((k, num(v)));
        }
    }
    J::Obj(m)
}

fn machine(c: &MachineConfig) -> J<'_> {
    let list = |l: &[u64]| J::Arr(l.iter().map(|n| num(*n)).collect());
    let f = &c.faults;
    let mut m = vec![
        ("ram_bytes", num(c.ram_bytes)),
        ("arch", name(ARCHS, &c.arch)),
        ("era", name(ERAS, &c.era)),
        ("fidelity", name(FIDELITIES, &c.fidelity)),
        ("need_dma32", J::Bool(c.need_dma32)),
        ("swiotlb", J::Bool(c.swiotlb)),
        ("agp", J::Bool(c.agp)),
        ("root", J::Bool(c.root)),
        ("device_name", J::Str(&c.device_name)),
        ("driver", driver(&c.driver)),
    ];
    if !c.devices.is_empty() {
        m.push(("devices", J::Arr(c.devices.iter().map(driver).collect())));
    }
    let sysfs = c.sysfs.iter().map(|w| {
        J::Obj(vec![
            ("attr", name(SYSFS_ATTRS, &w.attr)),
            ("zone", num(w.zone as u64)),
            ("value", J::Str(&w.value)),
        ])
    });
    m.push(("sysfs", J::Arr(sysfs.collect())));
    m.push((
        "faults",
        J::Obj(vec![
            ("page_alloc", list(&f.page_alloc)),
            ("set_caching", list(&f.set_caching)),
            ("shmem_create", list(&f.shmem_create)),
            ("shmem_read", list(&f.shmem_read)),
            ("shmem_write", list(&f.shmem_write)),
            ("reserve", list(&f.reserve)),
            ("dma_map", list(&f.dma_map)),
            ("tt_alloc", list(&f.tt_alloc)),
            ("block_alloc", list(&f.block_alloc)),
            ("signal", list(&f.signal)),
        ]),
    ));
    m.push(("kernel", name(KERNELS, &c.kernel)));
    let md = &c.modern;
    m.push((
        "modern",
        J::Obj(vec![
            ("page_pool_size", num(md.page_pool_size)),
            ("pages_limit", num(md.pages_limit)),
            ("dma32_pages_limit", num(md.dma32_pages_limit)),
            ("use_dma_alloc", J::Bool(md.use_dma_alloc)),
            ("use_dma32", J::Bool(md.use_dma32)),
            ("numa_node", J::Bool(md.numa_node)),
        ]),
    ));
    J::Obj(m)
}
