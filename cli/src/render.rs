//! Readable text for runs: the scenario header, each step, the state summary, mismatches.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use ttm_core::scenario::{Mismatch, ScenarioError, StepRecord};
use ttm_core::{present, Output, Scenario, Summary};

/// Width narration is wrapped to.
const WRAP: usize = 96;

/// Title, goal and a one-line description of the machine.
pub fn run_header(sc: &Scenario) -> String {
    let mut s = String::new();
    let name = if sc.name.is_empty() {
        "(unnamed)"
    } else {
        &sc.name
    };
    let _ = writeln!(s, "{name}: {}", sc.title);
    if !sc.goal.is_empty() {
        s.push_str(&wrap(&sc.goal, "  "));
    }
    let _ = writeln!(s, "machine: {}", present::machine_label(&sc.machine));
    s.push('\n');
    s
}

/// One step: label, result, output, narration, expectations. `notices` are the run's located
/// notices: on a Linux 6.12 machine an expectation with no 6.12 counterpart is one of them
/// (mspec 9.6), printed as `skip` with its reason instead of `ok`, and the step's own notices
/// (what of its action has no counterpart) follow the narration.
pub fn step(
    rec: &StepRecord,
    expect: &BTreeMap<String, serde_json::Value>,
    mismatches: &[Mismatch],
    notices: &[ScenarioError],
) -> String {
    let mut s = String::new();
    let _ = write!(s, "step {}: {} => {}", rec.index, rec.label, rec.result);
    if let Some(o) = rec.output.as_ref().and_then(output) {
        let _ = write!(s, " ({o})");
    }
    s.push('\n');
    if let Some(say) = &rec.say {
        s.push_str(&wrap(say, "    "));
    }
    let at = format!("steps[{}]", rec.index);
    for n in notices.iter().filter(|n| n.path == format!("{at}.do")) {
        s.push_str(&wrap(&format!("note: {}", n.message), "    "));
    }
    for (key, want) in expect {
        let bad = mismatches
            .iter()
            .find(|m| m.step == rec.index && &m.key == key);
        let path = format!("{at}.expect[{}]", serde_json::Value::String(key.clone()));
        let skipped = notices.iter().find(|n| n.path == path);
        match (bad, skipped) {
            (None, Some(n)) => {
                let why = n.message.split(" (this expectation").next().unwrap_or("");
                let _ = writeln!(s, "    skip {key} = {want}: {why}");
            }
            (None, None) => {
                let _ = writeln!(s, "    ok   {key} = {want}");
            }
            (Some(m), _) => {
                let _ = writeln!(s, "    FAIL {key} = {} (expected {want})", m.actual);
            }
        }
    }
    s.push('\n');
    s
}

/// What an action produced, in words (None for "nothing to report").
pub fn output(o: &Output) -> Option<String> {
    Some(match o {
        Output::Done => return None,
        Output::Tt(t) => format!("tt {t}"),
        Output::Page(p) => format!("page {p:#x}"),
        Output::PagesLeft(n) => format!("{n} pages left in the pools"),
        Output::SwapFile(f) => format!("swap file {f}"),
        Output::WorkRan(r) => {
            if *r {
                "deferred work ran".into()
            } else {
                "no work was queued".into()
            }
        }
        Output::Sysfs(x) => format!("sysfs: {x:?}"),
        Output::Bo(b) => format!("BO {b}"),
        Output::Fault(f) => match f {
            ttm_core::FaultResult::NoPage { mapped } => {
                format!("VM_FAULT_NOPAGE, {mapped} PTE(s) inserted")
            }
            ttm_core::FaultResult::Sigbus => "VM_FAULT_SIGBUS".into(),
            ttm_core::FaultResult::Oom => "VM_FAULT_OOM".into(),
        },
        Output::Kmap(k) => format!(
            "{} ({k:#x})",
            match k {
                0x81 => "ttm_bo_map_iomap",
                2 => "ttm_bo_map_vmap",
                3 => "ttm_bo_map_kmap",
                0x84 => "ttm_bo_map_premapped",
                _ => "map type",
            }
        ),
        Output::Fence(f) => format!("fence {f}"),
    })
}

/// The state summary as tables.
pub fn summary(sm: &Summary) -> String {
    let mut s = String::new();
    if let Some(m) = &sm.modern {
        modern_summary(&mut s, m);
        tts(&mut s, sm);
        footer(&mut s, sm);
        return s;
    }
    let _ = writeln!(s, "  pools        npages   refills  pages freed");
    for p in &sm.pools {
        let _ = writeln!(
            s,
            "    {:<10} {:>6} {:>9} {:>12}",
            p.name, p.npages, p.nrefills, p.nfrees
        );
    }
    if !sm.dma_pools.is_empty() {
        let _ = writeln!(s, "  DMA pools        free   in use   refills  pages freed");
        for p in &sm.dma_pools {
            let _ = writeln!(
                s,
                "    {:<12} {:>6} {:>8} {:>9} {:>12}",
                p.name, p.npages_free, p.npages_in_use, p.nrefills, p.nfrees
            );
        }
    }
    let _ = writeln!(
        s,
        "  zones (bytes)     zone_mem       max_mem      emer_mem    swap_limit      used_mem"
    );
    for z in &sm.zones {
        let _ = writeln!(
            s,
            "    {:<8} {:>13} {:>13} {:>13} {:>13} {:>13}",
            z.name, z.zone_mem, z.max_mem, z.emer_mem, z.swap_limit, z.used_mem
        );
    }
    tts(&mut s, sm);
    bos(&mut s, sm);
    footer(&mut s, sm);
    s
}

/// A Linux 6.12 machine: its limits and counters (mspec 2.2, 3.8), the pool types that hold
/// blocks by caching and order (mspec 4.1), the managers' usage and LRUs (mspec 5.5), the BOs.
fn modern_summary(s: &mut String, m: &ttm_core::modern::summary::ModernSummary) {
    let _ = writeln!(
        s,
        "  limits       pages_limit {}  dma32_pages_limit {}  page_pool_size {}",
        m.pages_limit, m.dma32_pages_limit, m.page_pool_size
    );
    let _ = writeln!(
        s,
        "  counters     ttm_pages_allocated {}  dma32 {}  pool allocated_pages {}",
        m.pages_allocated, m.dma32_pages_allocated, m.pool_allocated
    );
    let held: Vec<String> = m
        .held_blocks()
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    let _ = writeln!(
        s,
        "  pool blocks  {}",
        if held.is_empty() {
            "none".to_string()
        } else {
            held.join("  ")
        }
    );
    for (name, usage) in &m.usage {
        let lru = m.lru.get(name).map_or(String::new(), |l| {
            l.iter()
                .map(|b| b.to_string())
                .collect::<Vec<_>>()
                .join("→")
        });
        let _ = writeln!(
            s,
            "  {name:<12} usage {usage} bytes  LRU {}",
            if lru.is_empty() { "-" } else { &lru }
        );
    }
    if !m.pinned.is_empty() {
        let pinned: Vec<String> = m.pinned.iter().map(|b| b.to_string()).collect();
        let _ = writeln!(s, "  pinned       {}", pinned.join(", "));
    }
    if !m.bos.is_empty() {
        let _ = writeln!(
            s,
            "  BOs   where    start  tt   populated  swapped  pins  notes"
        );
        for b in &m.bos {
            let mut notes = Vec::new();
            if !b.alive {
                notes.push("released");
            }
            if b.deleted {
                notes.push("deleted");
            }
            let yes = |v: bool| if v { "yes" } else { "no" };
            let _ = writeln!(
                s,
                "    {:<3} {:<8} {:>5}  {:<4} {:<10} {:<8} {:>4}  {}",
                b.id,
                b.mem_type.map_or("-".to_string(), present::mem_type_name),
                b.start.map_or("-".to_string(), |x| x.to_string()),
                b.tt.map_or("-".to_string(), |t| t.to_string()),
                yes(b.populated),
                yes(b.swapped),
                b.pin_count,
                notes.join(", ")
            );
        }
    }
}

fn tts(s: &mut String, sm: &Summary) {
    if !sm.tts.is_empty() {
        let _ = writeln!(
            s,
            "  tts   state           caching       pages   swapped  flags"
        );
        for t in &sm.tts {
            let _ = writeln!(
                s,
                "    {:<3} {:<15} {:<12} {:>6}/{:<6} {:<7}  {}",
                t.id,
                t.state,
                t.caching,
                t.pages,
                t.num_pages,
                if t.swapped { "yes" } else { "no" },
                if t.flags.is_empty() { "-" } else { &t.flags }
            );
        }
    }
}

fn bos(s: &mut String, sm: &Summary) {
    if !sm.bos.is_empty() {
        let _ = writeln!(
            s,
            "  BOs   where        placement                 start  tt   LRU  swap LRU  notes"
        );
        for b in &sm.bos {
            let mut notes = Vec::new();
            if !b.alive {
                notes.push("released");
            }
            if b.ghost {
                notes.push("ghost");
            }
            if b.evicted {
                notes.push("evicted");
            }
            if b.busy {
                notes.push("busy");
            }
            let pos = |p: Option<usize>| p.map_or("-".to_string(), |p| p.to_string());
            let _ = writeln!(
                s,
                "    {:<3} {:<12} {:<24} {:>6}  {:<4} {:<4} {:<8}  {}",
                b.id,
                // `device 1 VRAM` on a machine with several devices (spec 6.1).
                present::manager_name(ttm_core::bo_state::man_index(b.device, b.mem_type) as u8),
                present::placement_names(b.placement),
                b.start,
                b.tt.map_or("-".to_string(), |t| t.to_string()),
                pos(b.lru_pos),
                pos(b.swap_lru_pos),
                notes.join(", ")
            );
        }
    }
}

fn footer(s: &mut String, sm: &Summary) {
    let _ = writeln!(
        s,
        "  pages out of system: {}   leaked: {}   swap work queued: {}",
        sm.pages_out_of_system,
        sm.leaked,
        if sm.swap_work_queued { "yes" } else { "no" }
    );
    let _ = writeln!(
        s,
        "  findings: {}",
        if sm.findings.is_empty() {
            "none".to_string()
        } else {
            sm.findings.join(", ")
        }
    );
}

/// One mismatch on one line.
pub fn mismatch(m: &Mismatch) -> String {
    format!(
        "step {}: {} is {}, expected {}",
        m.step, m.key, m.actual, m.expected
    )
}

/// Every mismatch, for stderr.
pub fn mismatches(file: &Path, ms: &[Mismatch]) -> String {
    let mut s = format!(
        "{}: {} expectation(s) do not hold:\n",
        file.display(),
        ms.len()
    );
    for m in ms {
        let _ = writeln!(s, "  {}", mismatch(m));
    }
    s
}

/// Word-wrap `text` to [`WRAP`] columns with `indent` before every line.
pub fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WRAP {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole() {
        let w = wrap(&"word ".repeat(40), "  ");
        assert!(w
            .lines()
            .all(|l| l.len() <= WRAP && l.starts_with("  word")));
    }
}
