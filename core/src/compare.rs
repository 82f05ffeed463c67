//! Comparing one scenario run under two configurations (issue 5): before vs after the seed,
//! faithful vs fixed, two drivers, swiotlb on vs off. Runs are aligned by user step; each row says
//! what differs after that step, and the first row that differs is the divergence.

use crate::config::MachineConfig;
use crate::scenario::{Run, Scenario, ScenarioError};
use crate::summary::Summary;
use serde::Serialize;

/// One aligned step of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Step index.
    pub step: usize,
    /// Step label.
    pub label: String,
    /// Result in run A ("ok" or the error name).
    pub result_a: String,
    /// Result in run B.
    pub result_b: String,
    /// Trace event range of the step in run A.
    pub events_a: (u64, u64),
    /// Trace event range of the step in run B.
    pub events_b: (u64, u64),
    /// What differs after the step: `path: a → b` (pools, zones, tts, bos, findings).
    pub differences: Vec<String>,
}

/// Two runs side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// One row per step.
    pub rows: Vec<Row>,
    /// The first step whose result or state differs.
    pub first_divergence: Option<usize>,
}

/// Run `sc` under machines `a` and `b` and compare.
pub fn compare_configs(
    sc: &Scenario,
    a: MachineConfig,
    b: MachineConfig,
) -> Result<(Run, Run, Comparison), ScenarioError> {
    let ra = sc.run_with(a)?;
    let rb = sc.run_with(b)?;
    let c = compare(&ra, &rb);
    Ok((ra, rb, c))
}

/// Compare two runs of the same steps.
pub fn compare(a: &Run, b: &Run) -> Comparison {
    let (mut sa, mut sb) = (a.summaries(), b.summaries());
    let rows: Vec<Row> = a
        .steps
        .iter()
        .zip(&b.steps)
        .map(|(x, y)| {
            let mut differences = Vec::new();
            if x.result != y.result {
                differences.push(format!("result: {} → {}", x.result, y.result));
            }
            if let (Some((_, after_a)), Some((_, after_b))) = (sa.advance(), sb.advance()) {
                diff_summaries(after_a, after_b, &mut differences);
            }
            Row {
                step: x.index,
                label: x.label.to_string(),
                result_a: x.result.to_string(),
                result_b: y.result.to_string(),
                events_a: (x.first_event, x.end_event),
                events_b: (y.first_event, y.end_event),
                differences,
            }
        })
        .collect();
    let first_divergence = rows.iter().position(|r| !r.differences.is_empty());
    Comparison {
        rows,
        first_divergence,
    }
}

/// Leaf-by-leaf differences of two summaries as `path: a → b`.
fn diff_summaries(a: &Summary, b: &Summary, out: &mut Vec<String>) {
    let (va, vb) = (
        serde_json::to_value(a).unwrap_or_default(),
        serde_json::to_value(b).unwrap_or_default(),
    );
    diff_values("", &va, &vb, out);
}

fn diff_values(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => {
            for (k, va) in x {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff_values(&p, va, y.get(k).unwrap_or(&serde_json::Value::Null), out);
            }
        }
        (Array(x), Array(y)) if x.len() == y.len() && x.iter().all(|v| !v.is_string()) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                let key = va
                    .get("name")
                    .and_then(|n| n.as_str())
                    .map_or(i.to_string(), |n| n.replace(' ', "_"));
                diff_values(&format!("{path}.{key}"), va, vb, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} → {b}")),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Then and now (issue 18): one scenario on Linux 3.3 and on Linux 6.12.
// ---------------------------------------------------------------------------------------------

/// What one kernel did during one step and holds after it, in the terms both kernels share
/// (mspec 9: pages taken from and given back to system memory, the pools, the page limit, the
/// tts and the BOs). Counts come from the step's trace events and the summary after the step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// "ok", the kernel's error name, or "skipped" (a step with no 6.12 counterpart, mspec 9.6).
    pub result: String,
    /// Kernel calls made during the step (traced function entries).
    pub calls: u64,
    /// Pages that left system memory during the step (taken from the page allocator).
    pub fresh_pages: u64,
    /// Pages that went back to system memory during the step.
    pub freed_pages: u64,
    /// How the fresh pages were taken: 3.3's refill batches (`ttm_alloc_new_pages`, spec 3.6)
    /// or 6.12's blocks by order (`ttm_pool_alloc_page`, mspec 4.4); "none".
    pub allocations: String,
    /// The kernel-mapping attribute changes: one entry per function, with the pages it covered
    /// (spec 3.6, mspec 4.4.1); "none".
    pub caching: String,
    /// Pages waiting in the page pools after the step.
    pub pooled_pages: u64,
    /// Which pools hold them: 3.3's lists by name (spec 3.1), 6.12's blocks by caching and order
    /// (mspec 4.1); "empty".
    pub pooled: String,
    /// Bytes counted against the memory limit after the step: 3.3's kernel zone `used_mem`
    /// (pages and BO metadata, spec 5.3, 5.7); 6.12's `ttm_pages_allocated` × PAGE_SIZE
    /// (populated tt pages only, mspec 3.8).
    pub charged_bytes: u64,
    /// tts swapped out during the step (`ttm_tt_swapout` calls that returned successfully).
    pub swapouts: u64,
    /// Each tt after the step: "tt 0: 20/20 pages" (", bound" on 3.3, ", swapped", ", destroyed").
    pub tts: Vec<String>,
    /// Each BO after the step (ghosts of pipelined moves left out): "BO 0: VRAM".
    pub bos: Vec<String>,
}

/// One observable on which the two kernels differ after a step, with the rule behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Divergence {
    /// Which observable: `result`, `fresh pages`, `caching`, `pools`, `charged`, `swap-outs`,
    /// `tts`, `bos`.
    pub what: String,
    /// Its value on Linux 3.3.
    pub then: String,
    /// Its value on Linux 6.12.
    pub now: String,
    /// Why they differ, citing both specifications.
    pub why: String,
}

/// One step of a then-and-now comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThenNowRow {
    /// Step index.
    pub step: usize,
    /// Step label (the 3.3 run's).
    pub label: String,
    /// Trace event range of the step on 3.3.
    pub events_then: (u64, u64),
    /// Trace event range of the step on 6.12.
    pub events_now: (u64, u64),
    /// Linux 3.3.
    pub then: Facts,
    /// Linux 6.12.
    pub now: Facts,
    /// Where they differ, in the order of [`Divergence::what`].
    pub divergences: Vec<Divergence>,
    /// What of the step's action has no 6.12 counterpart (the 6.12 run's notices at the step's
    /// `do`, mspec 9.6).
    pub notes: Vec<String>,
    /// The step's expectations (written for 3.3) that name nothing 6.12 has: their keys.
    pub unmatched: Vec<String>,
    /// The step's expectations that 6.12 answers otherwise: `key: expected → 6.12 value`.
    pub expectations: Vec<String>,
}

/// A scenario on Linux 3.3 and on Linux 6.12, step by step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThenAndNow {
    /// One row per step.
    pub rows: Vec<ThenNowRow>,
    /// The first step whose facts differ.
    pub first_divergence: Option<usize>,
}

/// Why an observable differs between 3.3 and 6.12, in a sentence citing both specifications.
fn why(what: &str) -> &'static str {
    match what {
        "result" => "the same request meets different rules: see the notes and the other differences of this step (mspec 9)",
        "fresh pages" => "3.3 refills a pool with a batch of 512 pages when it runs short and hands them out one at a time (spec 3.4, 3.5); 6.12 takes exactly what the tt needs from the page allocator, largest block first, with no fill-ahead (mspec 4.4)",
        "caching" => "3.3 sets the caching of every refill batch, and again when pages leave a pool for another caching (spec 3.6); 6.12 makes one batched call per run of fresh pages, and none for pages taken from a pool type of the same caching (mspec 4.4.1)",
        "pools" => "3.3 keeps order-0 pages in four lists (wc, uc and their dma32 twins) trimmed above max_size (spec 3.1, 3.7, 3.8); 6.12 keeps whole blocks in a pool type per caching and order, trimmed one block at a time above page_pool_size (mspec 4.1, 4.5)",
        "charged" => "3.3 charges every page, and each BO's acc_size, to its accounting zone (spec 5.3, 5.7); 6.12 has no zones: only populated tt pages count, per tt, against pages_limit (mspec 3.8, 9.3)",
        "swap-outs" => "3.3 swaps out from the accounting shrinker and the background work above swap_limit (spec 5.5, 6.10); 6.12 swaps out only inside a populate that would pass pages_limit, one BO at a time (mspec 3.9)",
        "tts" => "6.12 has no bound state in TTM (binding moved into the drivers' move callbacks) and populates, unpopulates and swaps by its own rules (mspec 3.3, 9.1)",
        _ => "6.12 places BOs by one list of places with DESIRED/FALLBACK flags and evicts through the LRU walker (mspec 6.5, 6.7, 9.4); 3.3 by placement and busy placement (spec 6.4)",
    }
}

/// The facts of `run`'s step `i`, with `after` its summary after the step.
fn facts(run: &Run, i: usize, after: &Summary) -> Facts {
    use crate::func::Func as F;
    use crate::state::{Delta, Loc};
    use crate::trace::Event;
    let rec = &run.steps[i];
    let mut f = Facts {
        result: rec.result.to_string(),
        ..Facts::default()
    };
    // Open calls with the first argument of each, to pair each exit with its entry.
    let mut open: Vec<(F, u64)> = Vec::new();
    let (mut batches, mut blocks) = (Vec::new(), Vec::new());
    let mut caching: Vec<(F, u64, u64)> = Vec::new();
    let system = |l: &Loc| matches!(l, Loc::Fresh | Loc::Free);
    let n = rec.end_event - rec.first_event;
    for e in run
        .sim
        .trace()
        .events_from(rec.first_event)
        .take(n as usize)
    {
        match e {
            Event::Enter { func, args } => {
                f.calls += 1;
                // The argument that says how much: a batch's `count`, a block's `order`.
                let a0 = func
                    .arg_names()
                    .iter()
                    .position(|n| matches!(*n, "count" | "order"))
                    .and_then(|i| args.get(i).copied())
                    .unwrap_or(0);
                if matches!(
                    func,
                    F::SetPagesArrayWc | F::SetPagesArrayUc | F::SetPagesArrayWb
                ) {
                    match caching.iter_mut().find(|(g, _, _)| *g == func) {
                        Some(c) => (c.1, c.2) = (c.1 + 1, c.2 + a0),
                        None => caching.push((func, 1, a0)),
                    }
                }
                open.push((func, a0));
            }
            Event::Exit { ret } => match open.pop() {
                Some((F::AllocNewPages | F::DmaPoolAllocNewPages, count)) if ret >= 0 => {
                    batches.push(count)
                }
                Some((F::MPoolAllocPage, order)) if ret >= 0 => blocks.push(order),
                Some((F::TtSwapout | F::MTtSwapout, _)) if ret >= 0 => f.swapouts += 1,
                _ => {}
            },
            Event::Delta(Delta::PageMove { from, to, .. }) => {
                if system(&from) && !system(&to) {
                    f.fresh_pages += 1;
                } else if !system(&from) && system(&to) {
                    f.freed_pages += 1;
                }
            }
            _ => {}
        }
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    f.allocations = if !blocks.is_empty() {
        let orders: Vec<String> = blocks.iter().map(|o| format!("order {o}")).collect();
        format!(
            "{}: {}",
            plural(blocks.len(), "block", "blocks"),
            orders.join(", ")
        )
    } else if !batches.is_empty() {
        let sizes: Vec<String> = batches.iter().map(|c| c.to_string()).collect();
        format!(
            "{} of {} pages",
            plural(batches.len(), "batch", "batches"),
            sizes.join(", ")
        )
    } else if f.fresh_pages > 0 {
        // Cached pages bypass the 3.3 pools: one page at a time from the page allocator
        // (spec 3.1, 3.4).
        plural(f.fresh_pages as usize, "single page", "single pages")
    } else {
        "none".to_string()
    };
    f.caching = if caching.is_empty() {
        "none".to_string()
    } else {
        caching
            .iter()
            .map(|(g, calls, pages)| format!("{} ×{calls} over {pages} pages", g.symbol()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match &after.modern {
        Some(m) => {
            f.pooled_pages = m.pool_allocated;
            let held: Vec<String> = m
                .held_blocks()
                .iter()
                .map(|(t, n)| format!("{t} ×{n}"))
                .collect();
            f.pooled = if held.is_empty() {
                "empty".to_string()
            } else {
                held.join(", ")
            };
            f.charged_bytes = m.pages_allocated * crate::consts::PAGE_SIZE;
        }
        None => {
            let held: Vec<(String, u64)> = after
                .pools
                .iter()
                .map(|p| (p.name.clone(), p.npages))
                .chain(
                    after
                        .dma_pools
                        .iter()
                        .map(|p| (p.name.clone(), p.npages_free)),
                )
                .filter(|(_, n)| *n > 0)
                .collect();
            f.pooled_pages = held.iter().map(|(_, n)| n).sum();
            f.pooled = if held.is_empty() {
                "empty".to_string()
            } else {
                held.iter()
                    .map(|(name, n)| format!("{name} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            f.charged_bytes = after.zones.first().map_or(0, |z| z.used_mem);
        }
    }
    f.tts = after
        .tts
        .iter()
        .map(|t| {
            let mut s = format!("tt {}: {}/{} pages", t.id, t.pages, t.num_pages);
            if t.state == "tt_bound" {
                s.push_str(", bound");
            }
            if t.swapped {
                s.push_str(", swapped");
            }
            if t.state == "destroyed" {
                s.push_str(", destroyed");
            }
            s
        })
        .collect();
    f.bos = match &after.modern {
        Some(m) => m
            .bos
            .iter()
            .map(|b| match (b.alive, b.mem_type) {
                (false, _) => format!("BO {}: released", b.id),
                (true, Some(t)) => format!("BO {}: {}", b.id, crate::present::mem_type_name(t)),
                (true, None) => format!("BO {}: no resource", b.id),
            })
            .collect(),
        None => after
            .bos
            .iter()
            .filter(|b| !b.ghost)
            .map(|b| match b.alive {
                false => format!("BO {}: released", b.id),
                true => format!("BO {}: {}", b.id, crate::present::mem_type_name(b.mem_type)),
            })
            .collect(),
    };
    f
}

/// The observables of two facts that differ, in a fixed order.
fn divergences(a: &Facts, b: &Facts) -> Vec<Divergence> {
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join("; ")
        }
    };
    let fresh = |f: &Facts| format!("{} ({})", f.fresh_pages, f.allocations);
    let pools = |f: &Facts| format!("{} ({})", f.pooled_pages, f.pooled);
    let charged = |f: &Facts| format!("{} bytes", f.charged_bytes);
    let rows = [
        ("result", a.result.clone(), b.result.clone()),
        ("fresh pages", fresh(a), fresh(b)),
        ("caching", a.caching.clone(), b.caching.clone()),
        ("pools", pools(a), pools(b)),
        ("charged", charged(a), charged(b)),
        ("swap-outs", a.swapouts.to_string(), b.swapouts.to_string()),
        ("tts", list(&a.tts), list(&b.tts)),
        ("bos", list(&a.bos), list(&b.bos)),
    ];
    rows.into_iter()
        .filter(|(what, then, now)| match *what {
            // Pages are compared by count: where they sit is the detail, not the divergence.
            "fresh pages" => a.fresh_pages != b.fresh_pages,
            "pools" => a.pooled_pages != b.pooled_pages,
            _ => then != now,
        })
        .map(|(what, then, now)| Divergence {
            what: what.to_string(),
            then,
            now,
            why: why(what).to_string(),
        })
        .collect()
}

/// Run the 3.3 scenario `sc` on its own machine and on Linux 6.12 (the same machine with
/// `kernel: "6.12"`; the steps translated by mspec 9.6), and compare them step by step. A
/// scenario written for 6.12 is an error: the translation runs one way only.
pub fn then_and_now(sc: &Scenario) -> Result<(Run, Run, ThenAndNow), ScenarioError> {
    if sc.machine.kernel == crate::config::Kernel::V6_12 {
        return Err(ScenarioError {
            path: "machine.kernel".to_string(),
            line: 1,
            column: 1,
            message: "this scenario is written for Linux 6.12; then and now replays a 3.3 \
                      scenario on 6.12 (mspec 9.6), and there are no rules for the other way"
                .to_string(),
        });
    }
    let then = sc.machine.clone();
    let mut now = sc.machine.clone();
    now.kernel = crate::config::Kernel::V6_12;
    let a = sc.run_with(then)?;
    let b = sc.run_with(now)?;
    let c = then_and_now_of(&a, &b);
    Ok((a, b, c))
}

/// Compare a Linux 3.3 run `a` and a Linux 6.12 run `b` of the same steps.
pub fn then_and_now_of(a: &Run, b: &Run) -> ThenAndNow {
    let (mut sa, mut sb) = (a.summaries(), b.summaries());
    let mut rows = Vec::with_capacity(a.steps.len().min(b.steps.len()));
    for (i, (x, y)) in a.steps.iter().zip(&b.steps).enumerate() {
        let (Some((_, after_a)), Some((_, after_b))) = (sa.advance(), sb.advance()) else {
            break;
        };
        let (then, now) = (facts(a, i, after_a), facts(b, i, after_b));
        let (at, expect_at) = (format!("steps[{i}].do"), format!("steps[{i}].expect["));
        let notes = b
            .notices
            .iter()
            .filter(|n| n.path == at)
            .map(|n| n.message.clone())
            .collect();
        let unmatched = b
            .notices
            .iter()
            .filter_map(|n| n.path.strip_prefix(&expect_at)?.strip_suffix(']'))
            .map(|k| match crate::json::parse(k).map(|v| v.kind) {
                Ok(crate::json::Kind::Str(s)) => s.into_owned(),
                _ => k.to_string(),
            })
            .collect();
        let expectations = b
            .mismatches
            .iter()
            .filter(|m| m.step == i)
            .map(|m| format!("{}: {} → {}", m.key, m.expected, m.actual))
            .collect();
        rows.push(ThenNowRow {
            step: i,
            label: x.label.to_string(),
            events_then: (x.first_event, x.end_event),
            events_now: (y.first_event, y.end_event),
            divergences: divergences(&then, &now),
            then,
            now,
            notes,
            unmatched,
            expectations,
        });
    }
    let first_divergence = rows.iter().position(|r| !r.divergences.is_empty());
    ThenAndNow {
        rows,
        first_divergence,
    }
}

impl ThenNowRow {
    /// The row as a [`Comparison`] row (A = 3.3, B = 6.12): each divergence as
    /// `what: then → now`, for viewers that show any comparison the same way.
    pub fn as_row(&self) -> Row {
        Row {
            step: self.step,
            label: self.label.clone(),
            result_a: self.then.result.clone(),
            result_b: self.now.result.clone(),
            events_a: self.events_then,
            events_b: self.events_now,
            differences: self
                .divergences
                .iter()
                .map(|d| format!("{}: {} → {}", d.what, d.then, d.now))
                .collect(),
        }
    }
}
