//! Reading a scenario file's JSON tree ([`crate::json`]) into the scenario types, by hand and
//! table-like: one helper ([`Obj`]) over an object with typed getters, so that each type is a
//! few lines and the web app's wasm has no generic deserializer per type (issue 16).
//!
//! What each type accepts is what the format says (docs/scenarios.md, "Top level", "Steps",
//! "Actions", "Machine", "Exercises"): objects only where the format has an object, every
//! unknown key refused naming the allowed ones, defaults for optional fields, sizes as pages or
//! with a unit (`config::size`, spec 2.3, 6.3), placement words by name or number (spec 1.4).
//! The messages keep serde's wording ("missing field `title`", "unknown field `x`, expected one
//! of `a`, `b`", "invalid type: string \"x\", expected u32"); every error has the path of the
//! value it is about and the byte offset of that value (of the key, for an unknown key).

use crate::config::{
    size, Arch, DriverConfig, DriverKind, Era, FaultPlan, Fidelity, Kernel, MachineConfig,
    ModernConfig, SysfsAttr, SysfsWrite,
};
use crate::consts::Caching;
use crate::exercise::Ask;
use crate::json::{self, JsonError, Kind, Member, Number, Value};
use crate::modern::ttm_resource::TtmPlace;
use crate::ops::{Action, CustomPlacement, ModuleParam, PlacementWord};
use crate::scenario::{PathSeg, Scenario, Step};
use std::collections::BTreeMap;

/// An error of the file's content: the path of the value, its byte offset, what is wrong.
#[derive(Debug)]
pub(crate) struct Bad {
    pub path: Vec<PathSeg>,
    pub at: usize,
    pub message: String,
}

type Res<T> = Result<T, Bad>;

/// Where a value is, as a chain from the top (turned into [`PathSeg`]s only for an error).
#[derive(Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn segs(&self) -> Vec<PathSeg> {
        let mut out = Vec::new();
        let mut p = self;
        loop {
            match p {
                Path::Root => break,
                Path::Key(up, k) => {
                    out.push(PathSeg::key(k));
                    p = up;
                }
                Path::Index(up, i) => {
                    out.push(PathSeg::Index(*i));
                    p = up;
                }
            }
        }
        out.reverse();
        out
    }
}

fn bad(path: &Path, at: usize, message: String) -> Bad {
    Bad {
        path: path.segs(),
        at,
        message,
    }
}

/// serde's words for what a value is (`serde::de::Unexpected`).
fn unexpected(v: &Value) -> String {
    match &v.kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => format!("boolean `{b}`"),
        Kind::Num(n) => match n.number() {
            Number::U64(u) => format!("integer `{u}`"),
            Number::I64(i) => format!("integer `{i}`"),
            Number::F64(f) => {
                let s = f.to_string();
                let point = if s.contains(['.', 'e', 'i', 'N']) {
                    ""
                } else {
                    ".0"
                };
                format!("floating point `{s}{point}`")
            }
        },
        Kind::Str(s) => format!("string {s:?}"),
        Kind::Arr(_) => "sequence".into(),
        Kind::Obj(_) => "map".into(),
    }
}

fn invalid_type(v: &Value, path: &Path, expected: &str) -> Bad {
    bad(
        path,
        v.at,
        format!("invalid type: {}, expected {expected}", unexpected(v)),
    )
}

/// serde's list of names: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "there are none".into(),
        [a] => format!("expected `{a}`"),
        [a, b] => format!("expected `{a}` or `{b}`"),
        _ => {
            let all: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("expected one of {}", all.join(", "))
        }
    }
}

/// An unsigned integer of at most `max` (`ty` names the type as serde does: `u32`).
fn uint(v: &Value, path: &Path, max: u64, ty: &str) -> Res<u64> {
    let Kind::Num(n) = &v.kind else {
        return Err(invalid_type(v, path, ty));
    };
    match n.number() {
        Number::U64(u) if u <= max => Ok(u),
        Number::U64(_) | Number::I64(_) => Err(bad(
            path,
            v.at,
            format!("invalid value: {}, expected {ty}", unexpected(v)),
        )),
        Number::F64(_) => Err(invalid_type(v, path, ty)),
    }
}

fn u8_of(v: &Value, p: &Path) -> Res<u8> {
    uint(v, p, u8::MAX as u64, "u8").map(|n| n as u8)
}

fn u32_of(v: &Value, p: &Path) -> Res<u32> {
    uint(v, p, u32::MAX as u64, "u32").map(|n| n as u32)
}

fn u64_of(v: &Value, p: &Path) -> Res<u64> {
    uint(v, p, u64::MAX, "u64")
}

fn usize_of(v: &Value, p: &Path) -> Res<usize> {
    uint(v, p, usize::MAX as u64, "usize").map(|n| n as usize)
}

fn bool_of(v: &Value, p: &Path) -> Res<bool> {
    match v.kind {
        Kind::Bool(b) => Ok(b),
        _ => Err(invalid_type(v, p, "a boolean")),
    }
}

fn string_of(v: &Value, p: &Path) -> Res<String> {
    match &v.kind {
        Kind::Str(s) => Ok(s.to_string()),
        _ => Err(invalid_type(v, p, "a string")),
    }
}

/// Each element of an array read by `f`, with its index in the path.
fn vec_of<T>(v: &Value, p: &Path, f: impl Fn(&Value, &Path) -> Res<T>) -> Res<Vec<T>> {
    let Kind::Arr(items) = &v.kind else {
        return Err(invalid_type(v, p, "a sequence"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| f(item, &Path::Index(p, i)))
        .collect()
}

/// The value `table` gives a name written as a string (or, as serde_json also reads an enum,
/// as `{"name": null}`).
fn choice<T: Copy>(v: &Value, p: &Path, table: &[(&'static str, T)]) -> Res<T> {
    let (name, at) = match &v.kind {
        Kind::Str(s) => (s.as_ref(), v.at),
        Kind::Obj(m) if m.len() == 1 => {
            let inner = &m[0].value;
            if inner.kind != Kind::Null {
                return Err(invalid_type(inner, &Path::Key(p, &m[0].key), "unit"));
            }
            (m[0].key.as_ref(), m[0].key_at)
        }
        _ => {
            let names = names(table);
            let message = format!("invalid type: {}, {}", unexpected(v), one_of(&names));
            return Err(bad(p, v.at, message));
        }
    };
    match table.iter().find(|(n, _)| *n == name) {
        Some((_, t)) => Ok(*t),
        None => {
            let names = names(table);
            let message = format!("unknown variant `{name}`, {}", one_of(&names));
            Err(bad(p, at, message))
        }
    }
}

fn names<T>(table: &[(&'static str, T)]) -> Vec<&'static str> {
    table.iter().map(|(n, _)| *n).collect()
}

/// A page count written as pages or as a size (`"8193 bytes"`, [`size::parse_pages`]).
fn pages_of(v: &Value, p: &Path, example: &str) -> Res<u64> {
    match &v.kind {
        Kind::Num(n) => {
            if let Number::U64(u) = n.number() {
                return Ok(u);
            }
        }
        Kind::Str(s) => return size::parse_pages(s).map_err(|m| bad(p, v.at, m)),
        _ => {}
    }
    Err(bad(
        p,
        v.at,
        format!("expected a number of pages or a size such as \"{example}\""),
    ))
}

/// A `pages` field of an action (a `u32`).
fn pages32(v: &Value, p: &Path) -> Res<u32> {
    let n = pages_of(v, p, "8193 bytes")?;
    u32::try_from(n).map_err(|_| bad(p, v.at, format!("{n} pages is too many")))
}

/// A placement word: a number with only flag bits, or flag names (spec 1.4).
fn word_of(v: &Value, p: &Path) -> Res<PlacementWord> {
    let word = match &v.kind {
        Kind::Num(n) => match n.number() {
            Number::U64(u) if u <= u32::MAX as u64 => PlacementWord::check(u as u32),
            _ => Err(String::new()),
        },
        Kind::Str(s) => PlacementWord::parse(s),
        _ => Err(String::new()),
    };
    word.map_err(|m| {
        let m = if m.is_empty() {
            "expected a placement word: a number or flag names such as \"TT|WC\"".into()
        } else {
            m
        };
        bad(p, v.at, m)
    })
}

/// An object of the format being read: its members checked against the known fields (first
/// unknown or repeated key in file order is the error), then read field by field.
pub(crate) struct Obj<'v, 'a, 'p> {
    at: usize,
    members: &'v [Member<'a>],
    path: &'p Path<'p>,
}

impl<'v, 'a, 'p> Obj<'v, 'a, 'p> {
    /// `v` as an object whose keys are `fields` (and `extra`, a key read apart such as an
    /// action's tag, which the error message does not list); `what` completes "expected ...".
    fn new(
        v: &'v Value<'a>,
        path: &'p Path<'p>,
        what: &str,
        fields: &[&str],
        extra: Option<&str>,
    ) -> Res<Self> {
        let Kind::Obj(members) = &v.kind else {
            return Err(invalid_type(v, path, what));
        };
        let o = Obj {
            at: v.at,
            members,
            path,
        };
        o.check(fields, extra)?;
        Ok(o)
    }

    fn check(&self, fields: &[&str], extra: Option<&str>) -> Res<()> {
        let mut seen = 0u64;
        for m in self.members {
            let key = m.key.as_ref();
            let here = Path::Key(self.path, key);
            let Some(i) = fields
                .iter()
                .position(|f| *f == key)
                .or_else(|| (extra == Some(key)).then_some(63))
            else {
                let allowed = match fields {
                    [] => "there are no fields".to_string(),
                    _ => one_of(fields),
                };
                return Err(bad(
                    &here,
                    m.key_at,
                    format!("unknown field `{key}`, {allowed}"),
                ));
            };
            if seen & (1 << i) != 0 {
                return Err(bad(&here, m.key_at, format!("duplicate field `{key}`")));
            }
            seen |= 1 << i;
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<&'v Member<'a>> {
        self.members.iter().find(|m| m.key == name)
    }

    /// Field `name` read by `f`, or `None` when the object does not have it.
    fn opt<T>(&self, name: &str, f: impl FnOnce(&Value, &Path) -> Res<T>) -> Res<Option<T>> {
        match self.get(name) {
            Some(m) => f(&m.value, &Path::Key(self.path, name)).map(Some),
            None => Ok(None),
        }
    }

    /// Required field `name` read by `f`.
    fn req<T>(&self, name: &str, f: impl FnOnce(&Value, &Path) -> Res<T>) -> Res<T> {
        self.opt(name, f)?
            .ok_or_else(|| bad(self.path, self.at, format!("missing field `{name}`")))
    }

    /// An optional field where `null` also means "none" (serde's `Option`).
    fn nullable<T>(&self, name: &str, f: impl FnOnce(&Value, &Path) -> Res<T>) -> Res<Option<T>> {
        Ok(self
            .opt(name, |v, p| match v.kind {
                Kind::Null => Ok(None),
                _ => f(v, p).map(Some),
            })?
            .flatten())
    }

    fn u8(&self, name: &str) -> Res<u8> {
        self.req(name, u8_of)
    }

    fn u32(&self, name: &str) -> Res<u32> {
        self.req(name, u32_of)
    }

    fn u64(&self, name: &str) -> Res<u64> {
        self.req(name, u64_of)
    }

    fn u8_or(&self, name: &str, d: u8) -> Res<u8> {
        Ok(self.opt(name, u8_of)?.unwrap_or(d))
    }

    fn u32_or(&self, name: &str, d: u32) -> Res<u32> {
        Ok(self.opt(name, u32_of)?.unwrap_or(d))
    }

    fn u64_or(&self, name: &str, d: u64) -> Res<u64> {
        Ok(self.opt(name, u64_of)?.unwrap_or(d))
    }

    fn bool_or(&self, name: &str, d: bool) -> Res<bool> {
        Ok(self.opt(name, bool_of)?.unwrap_or(d))
    }

    fn string(&self, name: &str) -> Res<String> {
        self.req(name, string_of)
    }

    fn string_or(&self, name: &str, d: &str) -> Res<String> {
        Ok(self.opt(name, string_of)?.unwrap_or_else(|| d.to_string()))
    }

    fn u64s_or(&self, name: &str, d: &[u64]) -> Res<Vec<u64>> {
        Ok(self
            .opt(name, |v, p| vec_of(v, p, u64_of))?
            .unwrap_or_else(|| d.to_vec()))
    }

    fn choice_or<T: Copy>(&self, name: &str, table: &[(&'static str, T)], d: T) -> Res<T> {
        Ok(self.opt(name, |v, p| choice(v, p, table))?.unwrap_or(d))
    }
}

// ---- the format's names (docs/scenarios.md) ------------------------------------------------

pub(crate) const CACHING: &[(&str, Caching)] = &[
    ("uncached", Caching::Uncached),
    ("wc", Caching::Wc),
    ("cached", Caching::Cached),
];

pub(crate) const SYSFS_ATTRS: &[(&str, SysfsAttr)] = &[
    ("pool_max_size", SysfsAttr::PoolMaxSize),
    ("pool_small_allocation", SysfsAttr::PoolSmallAllocation),
    ("pool_allocation_size", SysfsAttr::PoolAllocationSize),
    ("dma_pool_max_size", SysfsAttr::DmaPoolMaxSize),
    (
        "dma_pool_small_allocation",
        SysfsAttr::DmaPoolSmallAllocation,
    ),
    ("dma_pool_allocation_size", SysfsAttr::DmaPoolAllocationSize),
    ("emergency_memory", SysfsAttr::EmergencyMemory),
    ("available_memory", SysfsAttr::AvailableMemory),
    ("swap_limit", SysfsAttr::SwapLimit),
];

pub(crate) const MODULE_PARAMS: &[(&str, ModuleParam)] = &[
    ("page_pool_size", ModuleParam::PagePoolSize),
    ("pages_limit", ModuleParam::PagesLimit),
    ("dma32_pages_limit", ModuleParam::Dma32PagesLimit),
];

/// The `ask` kinds (docs/scenarios.md, "Exercises").
pub(crate) const ASKS: &[(&str, Ask)] = &[
    ("auto", Ask::Auto),
    ("result", Ask::Result),
    ("evicted", Ask::Evicted),
    ("data", Ask::Data),
    ("swap", Ask::Swap),
    ("pool", Ask::Pool),
    ("placement", Ask::Placement),
    ("tt_state", Ask::TtState),
    ("pages", Ask::Pages),
    ("zone", Ask::Zone),
];

pub(crate) const ARCHS: &[(&str, Arch)] = &[
    ("X86_64", Arch::X86_64),
    ("X86_32Highmem", Arch::X86_32Highmem),
];

pub(crate) const ERAS: &[(&str, Era)] = &[
    ("E0", Era::E0),
    ("E1", Era::E1),
    ("E2", Era::E2),
    ("E3", Era::E3),
];

pub(crate) const FIDELITIES: &[(&str, Fidelity)] =
    &[("Faithful", Fidelity::Faithful), ("Fixed", Fidelity::Fixed)];

pub(crate) const KERNELS: &[(&str, Kernel)] = &[("3.3", Kernel::V3_3), ("6.12", Kernel::V6_12)];

pub(crate) const DRIVER_KINDS: &[(&str, DriverKind)] = &[
    ("radeon", DriverKind::Radeon),
    ("nouveau", DriverKind::Nouveau),
    ("vmwgfx", DriverKind::Vmwgfx),
];

/// The actions' names (docs/scenarios.md, "Actions"), in the order the error lists them.
const ACTIONS: &[&str] = &[
    "tt_create",
    "tt_populate",
    "tt_unpopulate",
    "tt_bind",
    "tt_unbind",
    "tt_set_caching",
    "tt_swapout",
    "tt_destroy",
    "tt_get_page",
    "tt_write",
    "swap_file_create",
    "pool_shrink",
    "dma_pool_shrink",
    "mem_charge",
    "mem_uncharge",
    "run_deferred_work",
    "sysfs_write",
    "pool_fini",
    "pool_init",
    "bo_create",
    "bo_validate",
    "bo_fault",
    "bo_kmap",
    "bo_kunmap",
    "evict_mm",
    "bo_swapout",
    "bo_unref",
    "bo_reserve",
    "bo_unreserve",
    "gpu_exec",
    "bo_write",
    "fence_signal",
    "bo_create_placement",
    "bo_validate_placement",
    "bo_reserve_wait",
    "bo_create_places",
    "bo_validate_places",
    "bo_pin",
    "bo_unpin",
    "module_param",
    "pool_shrinker_scan",
];

// ---- the types -----------------------------------------------------------------------------

/// A scenario file's text (docs/scenarios.md, "Top level"): its JSON, each step converted as
/// soon as the parser has read it ([`json::parse_streaming`]), so that only one step at a time
/// is a tree.
pub(crate) fn scenario(text: &str) -> Res<Scenario> {
    let mut steps = Vec::new();
    let tree = json::parse_streaming(text, Some("steps"), &mut |v| {
        let st = step(&v, &Path::Root).map_err(|b| JsonError {
            at: b.at,
            message: b.message,
            path: b.path.into_iter().rev().collect(),
        })?;
        steps.push(st);
        Ok(())
    })
    .map_err(|e| Bad {
        path: e.path,
        at: e.at,
        message: e.message,
    })?;
    let o = Obj::new(
        &tree,
        &Path::Root,
        "a JSON object (a scenario file)",
        &[
            "format", "version", "name", "title", "goal", "machine", "steps",
        ],
        None,
    )?;
    Ok(Scenario {
        format: o.string("format")?,
        version: o.u32("version")?,
        name: o.string_or("name", "")?,
        title: o.string("title")?,
        goal: o.string_or("goal", "")?,
        machine: o.opt("machine", machine)?.unwrap_or_default(),
        // The elements were read into `steps` as the parser went.
        steps: o.req("steps", move |v, p| match v.kind {
            Kind::Arr(_) => Ok(steps),
            _ => Err(invalid_type(v, p, "a sequence")),
        })?,
    })
}

/// One step (docs/scenarios.md, "Steps").
fn step(v: &Value, p: &Path) -> Res<Step> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (a step, with its \"do\")",
        &["do", "say", "expect", "ask"],
        None,
    )?;
    Ok(Step {
        action: o.req("do", action)?,
        say: o.nullable("say", string_of)?,
        expect: o.opt("expect", expect)?.unwrap_or_default(),
        ask: o.nullable("ask", |v, p| choice(v, p, ASKS))?,
    })
}

/// `expect`: query paths to JSON values (docs/scenarios.md, "Expectations"); a repeated key
/// keeps its last value.
fn expect(v: &Value, p: &Path) -> Res<BTreeMap<String, serde_json::Value>> {
    match &v.kind {
        Kind::Obj(m) => Ok(m
            .iter()
            .map(|m| (m.key.to_string(), m.value.to_serde()))
            .collect()),
        _ => Err(invalid_type(v, p, "a map")),
    }
}

/// An action: `"action"` names it, the other keys are its fields (docs/scenarios.md,
/// "Actions"). An action without fields takes no notice of other keys.
fn action(v: &Value, p: &Path) -> Res<Action> {
    let what = "a JSON object (an action, with its \"action\" name)";
    let Kind::Obj(members) = &v.kind else {
        return Err(invalid_type(v, p, what));
    };
    let any = Obj {
        at: v.at,
        members,
        path: p,
    };
    if let Some(again) = members.iter().filter(|m| m.key == "action").nth(1) {
        let here = Path::Key(p, "action");
        return Err(bad(&here, again.key_at, "duplicate field `action`".into()));
    }
    let tag = |v: &Value, p: &Path| match &v.kind {
        Kind::Str(s) => ACTIONS.iter().find(|n| **n == s.as_ref()).ok_or_else(|| {
            let message = format!("unknown variant `{s}`, {}", one_of(ACTIONS));
            bad(p, v.at, message)
        }),
        _ => Err(invalid_type(v, p, "variant identifier")),
    };
    let name = *any.req("action", tag)?;
    let with = |fields: &[&str]| Obj::new(v, p, what, fields, Some("action"));
    let tt = |o: &Obj| o.u32("tt");
    let bo = |o: &Obj| o.u32("bo");
    Ok(match name {
        "tt_create" => {
            let o = with(&["pages", "caching", "flags", "dma"])?;
            Action::TtCreate {
                pages: o.req("pages", pages32)?,
                caching: o.choice_or("caching", CACHING, Caching::Cached)?,
                flags: o.u32_or("flags", 0)?,
                dma: o.bool_or("dma", false)?,
            }
        }
        "tt_populate" => Action::TtPopulate {
            tt: tt(&with(&["tt"])?)?,
        },
        "tt_unpopulate" => Action::TtUnpopulate {
            tt: tt(&with(&["tt"])?)?,
        },
        "tt_bind" => Action::TtBind {
            tt: tt(&with(&["tt"])?)?,
        },
        "tt_unbind" => Action::TtUnbind {
            tt: tt(&with(&["tt"])?)?,
        },
        "tt_set_caching" => {
            let o = with(&["tt", "caching"])?;
            Action::TtSetCaching {
                tt: tt(&o)?,
                caching: o.req("caching", |v, p| choice(v, p, CACHING))?,
            }
        }
        "tt_swapout" => {
            let o = with(&["tt", "persistent"])?;
            Action::TtSwapout {
                tt: tt(&o)?,
                persistent: o.nullable("persistent", u32_of)?,
            }
        }
        "tt_destroy" => Action::TtDestroy {
            tt: tt(&with(&["tt"])?)?,
        },
        "tt_get_page" => {
            let o = with(&["tt", "index"])?;
            Action::TtGetPage {
                tt: tt(&o)?,
                index: o.u32("index")?,
            }
        }
        "tt_write" => {
            let o = with(&["tt", "seed"])?;
            Action::TtWrite {
                tt: tt(&o)?,
                seed: o.u32("seed")?,
            }
        }
        "swap_file_create" => Action::SwapFileCreate {
            pages: with(&["pages"])?.req("pages", pages32)?,
        },
        "pool_shrink" => Action::PoolShrink {
            nr_to_scan: with(&["nr_to_scan"])?.u64("nr_to_scan")?,
        },
        "dma_pool_shrink" => Action::DmaPoolShrink {
            nr_to_scan: with(&["nr_to_scan"])?.u64("nr_to_scan")?,
        },
        "mem_charge" => Action::MemCharge {
            bytes: with(&["bytes"])?.u64("bytes")?,
        },
        "mem_uncharge" => Action::MemUncharge {
            bytes: with(&["bytes"])?.u64("bytes")?,
        },
        "run_deferred_work" => Action::RunDeferredWork,
        "sysfs_write" => {
            let o = with(&["attr", "zone", "value"])?;
            Action::SysfsWrite {
                attr: o.req("attr", |v, p| choice(v, p, SYSFS_ATTRS))?,
                zone: o.opt("zone", usize_of)?.unwrap_or(0),
                value: o.string("value")?,
            }
        }
        "pool_fini" => Action::PoolFini,
        "pool_init" => Action::PoolInit,
        "bo_create" => {
            let o = with(&[
                "pages",
                "placement",
                "kernel",
                "via_ttm_bo_create",
                "device",
            ])?;
            Action::BoCreate {
                pages: o.req("pages", pages32)?,
                placement: o.string("placement")?,
                kernel: o.bool_or("kernel", false)?,
                via_ttm_bo_create: o.bool_or("via_ttm_bo_create", false)?,
                device: o.u8_or("device", 0)?,
            }
        }
        "bo_validate" => {
            let o = with(&["bo", "placement", "pin"])?;
            Action::BoValidate {
                bo: bo(&o)?,
                placement: o.string("placement")?,
                pin: o.bool_or("pin", false)?,
            }
        }
        "bo_fault" => {
            let o = with(&["bo", "page"])?;
            Action::BoFault {
                bo: bo(&o)?,
                page: o.u32("page")?,
            }
        }
        "bo_kmap" => {
            let o = with(&["bo", "start", "num"])?;
            Action::BoKmap {
                bo: bo(&o)?,
                start: o.u32("start")?,
                num: o.u32("num")?,
            }
        }
        "bo_kunmap" => Action::BoKunmap {
            bo: bo(&with(&["bo"])?)?,
        },
        "evict_mm" => {
            let o = with(&["mem_type", "device"])?;
            Action::EvictMm {
                mem_type: o.u8("mem_type")?,
                device: o.u8_or("device", 0)?,
            }
        }
        "bo_swapout" => Action::BoSwapout,
        "bo_unref" => Action::BoUnref {
            bo: bo(&with(&["bo"])?)?,
        },
        "bo_reserve" => {
            let o = with(&["bo", "ticket"])?;
            Action::BoReserve {
                bo: bo(&o)?,
                ticket: o.nullable("ticket", u64_of)?,
            }
        }
        "bo_unreserve" => Action::BoUnreserve {
            bo: bo(&with(&["bo"])?)?,
        },
        "gpu_exec" => Action::GpuExec {
            bo: bo(&with(&["bo"])?)?,
        },
        "bo_write" => {
            let o = with(&["bo", "seed"])?;
            Action::BoWrite {
                bo: bo(&o)?,
                seed: o.u32("seed")?,
            }
        }
        "fence_signal" => Action::FenceSignal {
            fence: with(&["fence"])?.u32("fence")?,
        },
        "bo_create_placement" => {
            let o = with(&[
                "pages",
                "placement",
                "kernel",
                "via_ttm_bo_create",
                "device",
            ])?;
            Action::BoCreatePlacement {
                pages: o.req("pages", pages32)?,
                placement: o.req("placement", custom_placement)?,
                kernel: o.bool_or("kernel", false)?,
                via_ttm_bo_create: o.bool_or("via_ttm_bo_create", false)?,
                device: o.u8_or("device", 0)?,
            }
        }
        "bo_validate_placement" => {
            let o = with(&["bo", "placement"])?;
            Action::BoValidatePlacement {
                bo: bo(&o)?,
                placement: o.req("placement", custom_placement)?,
            }
        }
        "bo_reserve_wait" => Action::BoReserveWait {
            bo: bo(&with(&["bo"])?)?,
        },
        "bo_create_places" => {
            let o = with(&["pages", "places", "caching", "kernel", "priority"])?;
            Action::BoCreatePlaces {
                pages: o.req("pages", pages32)?,
                places: o.req("places", |v, p| vec_of(v, p, place))?,
                caching: o.choice_or("caching", CACHING, Caching::Cached)?,
                kernel: o.bool_or("kernel", false)?,
                priority: o.u8_or("priority", 0)?,
            }
        }
        "bo_validate_places" => {
            let o = with(&["bo", "places"])?;
            Action::BoValidatePlaces {
                bo: bo(&o)?,
                places: o.req("places", |v, p| vec_of(v, p, place))?,
            }
        }
        "bo_pin" => Action::BoPin {
            bo: bo(&with(&["bo"])?)?,
        },
        "bo_unpin" => Action::BoUnpin {
            bo: bo(&with(&["bo"])?)?,
        },
        "module_param" => {
            let o = with(&["param", "value"])?;
            Action::ModuleParam {
                param: o.req("param", |v, p| choice(v, p, MODULE_PARAMS))?,
                value: o.u64("value")?,
            }
        }
        _ => Action::PoolShrinkerScan {
            scans: with(&["scans"])?.u32("scans")?,
        },
    })
}

/// A `struct ttm_placement` of the file's own (docs/scenarios.md, "Placements of your own";
/// spec 6.1).
fn custom_placement(v: &Value, p: &Path) -> Res<CustomPlacement> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (a placement: \"placement\", \"busy_placement\", \"fpfn\", \"lpfn\")",
        &["fpfn", "lpfn", "placement", "busy_placement"],
        None,
    )?;
    Ok(CustomPlacement {
        fpfn: o.u64_or("fpfn", 0)?,
        lpfn: o.u64_or("lpfn", 0)?,
        placement: o.req("placement", |v, p| vec_of(v, p, word_of))?,
        busy_placement: o.nullable("busy_placement", |v, p| vec_of(v, p, word_of))?,
    })
}

/// A 6.12 place (docs/scenarios.md, "Linux 6.12 machines"; mspec 1.4).
fn place(v: &Value, p: &Path) -> Res<TtmPlace> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (a place: mem_type, flags, fpfn, lpfn)",
        &["mem_type", "flags", "fpfn", "lpfn"],
        None,
    )?;
    Ok(TtmPlace {
        mem_type: o.u8("mem_type")?,
        flags: o.u32_or("flags", 0)?,
        fpfn: o.u64_or("fpfn", 0)?,
        lpfn: o.u64_or("lpfn", 0)?,
    })
}

/// `machine` (docs/scenarios.md, "Machine"): every field optional, the standard machine's
/// value otherwise.
fn machine(v: &Value, p: &Path) -> Res<MachineConfig> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (the machine)",
        &[
            "ram_bytes",
            "arch",
            "era",
            "fidelity",
            "need_dma32",
            "swiotlb",
            "agp",
            "root",
            "device_name",
            "driver",
            "devices",
            "sysfs",
            "faults",
            "kernel",
            "modern",
        ],
        None,
    )?;
    let d = MachineConfig::default();
    Ok(MachineConfig {
        ram_bytes: o.u64_or("ram_bytes", d.ram_bytes)?,
        arch: o.choice_or("arch", ARCHS, d.arch)?,
        era: o.choice_or("era", ERAS, d.era)?,
        fidelity: o.choice_or("fidelity", FIDELITIES, d.fidelity)?,
        need_dma32: o.bool_or("need_dma32", d.need_dma32)?,
        swiotlb: o.bool_or("swiotlb", d.swiotlb)?,
        agp: o.bool_or("agp", d.agp)?,
        root: o.bool_or("root", d.root)?,
        device_name: o.string_or("device_name", &d.device_name)?,
        driver: o.opt("driver", driver)?.unwrap_or(d.driver),
        devices: o
            .opt("devices", |v, p| vec_of(v, p, driver))?
            .unwrap_or(d.devices),
        sysfs: o
            .opt("sysfs", |v, p| vec_of(v, p, sysfs_write))?
            .unwrap_or(d.sysfs),
        faults: o.opt("faults", faults)?.unwrap_or(d.faults),
        kernel: o.choice_or("kernel", KERNELS, d.kernel)?,
        modern: o.opt("modern", modern)?.unwrap_or(d.modern),
    })
}

/// `driver` and each of `devices` (docs/scenarios.md, "Machine", `driver`).
fn driver(v: &Value, p: &Path) -> Res<DriverConfig> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (the driver)",
        &[
            "kind",
            "vram_mib",
            "visible_vram_mib",
            "gtt_mib",
            "accel",
            "nv50",
            "gmr_ids",
            "max_gmr_pages",
            "vram_pages",
            "visible_vram_pages",
            "gtt_pages",
        ],
        None,
    )?;
    let d = DriverConfig::default();
    let size = |v: &Value, p: &Path| pages_of(v, p, "1228800 bytes");
    Ok(DriverConfig {
        kind: o.choice_or("kind", DRIVER_KINDS, d.kind)?,
        vram_mib: o.u32_or("vram_mib", d.vram_mib)?,
        visible_vram_mib: o.u32_or("visible_vram_mib", d.visible_vram_mib)?,
        gtt_mib: o.u32_or("gtt_mib", d.gtt_mib)?,
        accel: o.bool_or("accel", d.accel)?,
        nv50: o.bool_or("nv50", d.nv50)?,
        gmr_ids: o.u32_or("gmr_ids", d.gmr_ids)?,
        max_gmr_pages: o.u32_or("max_gmr_pages", d.max_gmr_pages)?,
        vram_pages: o.opt("vram_pages", size)?,
        visible_vram_pages: o.opt("visible_vram_pages", size)?,
        gtt_pages: o.opt("gtt_pages", size)?,
    })
}

/// One of `machine.sysfs` (the attributes of `sysfs_write`).
fn sysfs_write(v: &Value, p: &Path) -> Res<SysfsWrite> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (a sysfs write)",
        &["attr", "zone", "value"],
        None,
    )?;
    Ok(SysfsWrite {
        attr: o.req("attr", |v, p| choice(v, p, SYSFS_ATTRS))?,
        zone: o.opt("zone", usize_of)?.unwrap_or(0),
        value: o.string("value")?,
    })
}

/// `machine.faults`: 1-based counts per kind of operation.
fn faults(v: &Value, p: &Path) -> Res<FaultPlan> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (the injected faults)",
        &[
            "page_alloc",
            "set_caching",
            "shmem_create",
            "shmem_read",
            "shmem_write",
            "reserve",
            "dma_map",
            "tt_alloc",
            "block_alloc",
            "signal",
        ],
        None,
    )?;
    Ok(FaultPlan {
        page_alloc: o.u64s_or("page_alloc", &[])?,
        set_caching: o.u64s_or("set_caching", &[])?,
        shmem_create: o.u64s_or("shmem_create", &[])?,
        shmem_read: o.u64s_or("shmem_read", &[])?,
        shmem_write: o.u64s_or("shmem_write", &[])?,
        reserve: o.u64s_or("reserve", &[])?,
        dma_map: o.u64s_or("dma_map", &[])?,
        tt_alloc: o.u64s_or("tt_alloc", &[])?,
        block_alloc: o.u64s_or("block_alloc", &[])?,
        signal: o.u64s_or("signal", &[])?,
    })
}

/// `machine.modern`: the Linux 6.12 settings (docs/scenarios.md, "Linux 6.12 machines").
fn modern(v: &Value, p: &Path) -> Res<ModernConfig> {
    let o = Obj::new(
        v,
        p,
        "a JSON object (the Linux 6.12 settings)",
        &[
            "page_pool_size",
            "pages_limit",
            "dma32_pages_limit",
            "use_dma_alloc",
            "use_dma32",
            "numa_node",
        ],
        None,
    )?;
    Ok(ModernConfig {
        page_pool_size: o.u64_or("page_pool_size", 0)?,
        pages_limit: o.u64_or("pages_limit", 0)?,
        dma32_pages_limit: o.u64_or("dma32_pages_limit", 0)?,
        use_dma_alloc: o.bool_or("use_dma_alloc", false)?,
        use_dma32: o.bool_or("use_dma32", false)?,
        numa_node: o.bool_or("numa_node", false)?,
    })
}
