//! Readable text for runs: the scenario header, each step, the state summary, mismatches.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use ttm_core::scenario::{Mismatch, StepRecord};
use ttm_core::{DriverKind, MachineConfig, Output, Scenario, Summary};

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
    let _ = writeln!(s, "machine: {}", machine(&sc.machine));
    s.push('\n');
    s
}

/// `64 MiB x86-64, era E3, faithful, radeon (VRAM 16 MiB, GTT 32 MiB, accel)`.
pub fn machine(m: &MachineConfig) -> String {
    let ram = if m.ram_bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", m.ram_bytes >> 30)
    } else if m.ram_bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", m.ram_bytes >> 20)
    } else {
        format!("{} bytes", m.ram_bytes)
    };
    let d = &m.driver;
    let mut extras = Vec::new();
    for (on, what) in [
        (m.swiotlb, "swiotlb"),
        (m.agp, "AGP"),
        (m.need_dma32, "need_dma32"),
        (m.root, "root"),
    ] {
        if on {
            extras.push(what.to_string());
        }
    }
    if !m.sysfs.is_empty() {
        extras.push(format!("{} sysfs write(s) at boot", m.sysfs.len()));
    }
    if m.faults != Default::default() {
        extras.push("injected faults".to_string());
    }
    let driver = match d.kind {
        DriverKind::Vmwgfx => format!(
            "vmwgfx (VRAM {} MiB, {} GMR ids{})",
            d.vram_mib,
            d.gmr_ids,
            if d.max_gmr_pages > 0 {
                format!(", max {} GMR pages", d.max_gmr_pages)
            } else {
                String::new()
            }
        ),
        k => format!(
            "{} (VRAM {} MiB of which {} MiB CPU-visible, GTT {} MiB, {}{})",
            if k == DriverKind::Radeon {
                "radeon"
            } else {
                "nouveau"
            },
            d.vram_mib,
            d.visible_vram_mib,
            d.gtt_mib,
            if d.accel {
                "accelerated"
            } else {
                "no acceleration"
            },
            if k == DriverKind::Nouveau {
                if d.nv50 {
                    ", NV50+"
                } else {
                    ", pre-NV50"
                }
            } else {
                ""
            }
        ),
    };
    let mut s = format!(
        "{ram} {:?}, era {:?}, {:?}, {driver}",
        m.arch, m.era, m.fidelity
    );
    if !extras.is_empty() {
        let _ = write!(s, "; {}", extras.join(", "));
    }
    s
}

/// One step: label, result, output, narration, expectations.
pub fn step(
    rec: &StepRecord,
    expect: &BTreeMap<String, serde_json::Value>,
    mismatches: &[Mismatch],
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
    for (key, want) in expect {
        let bad = mismatches
            .iter()
            .find(|m| m.step == rec.index && &m.key == key);
        match bad {
            None => {
                let _ = writeln!(s, "    ok   {key} = {want}");
            }
            Some(m) => {
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

/// Memory-type name (spec 1.4; 3 is vmwgfx's GMR).
pub fn mem_type(t: u8) -> String {
    match t {
        0 => "SYSTEM".into(),
        1 => "TT".into(),
        2 => "VRAM".into(),
        3 => "PRIV0/GMR".into(),
        n => format!("PRIV{}", n - 3),
    }
}

/// A placement word as `TT|WC` (plus `NO_EVICT` and other extra bits).
pub fn placement(p: u32) -> String {
    let mut parts = Vec::new();
    for (bit, name) in [
        (0, "SYSTEM"),
        (1, "TT"),
        (2, "VRAM"),
        (3, "PRIV0"),
        (4, "PRIV1"),
        (5, "PRIV2"),
        (6, "PRIV3"),
        (7, "PRIV4"),
        (8, "PRIV5"),
        (15, "SWAPPED"),
        (16, "CACHED"),
        (17, "UNCACHED"),
        (18, "WC"),
        (20, "SHARED"),
        (21, "NO_EVICT"),
    ] {
        if p & (1 << bit) != 0 {
            parts.push(name.to_string());
        }
    }
    let known: u32 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 18, 20, 21]
        .iter()
        .map(|b| 1u32 << b)
        .sum();
    if p & !known != 0 {
        parts.push(format!("{:#x}", p & !known));
    }
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join("|")
    }
}

/// The state summary as tables.
pub fn summary(sm: &Summary) -> String {
    let mut s = String::new();
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
                mem_type(b.mem_type),
                placement(b.placement),
                b.start,
                b.tt.map_or("-".to_string(), |t| t.to_string()),
                pos(b.lru_pos),
                pos(b.swap_lru_pos),
                notes.join(", ")
            );
        }
    }
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
    s
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
    fn placements_read_like_the_kernel_flags() {
        assert_eq!(placement((1 << 1) | (1 << 18)), "TT|WC");
        assert_eq!(
            placement(1 | (1 << 16) | (1 << 21)),
            "SYSTEM|CACHED|NO_EVICT"
        );
    }

    #[test]
    fn wrap_keeps_words_whole() {
        let w = wrap(&"word ".repeat(40), "  ");
        assert!(w
            .lines()
            .all(|l| l.len() <= WRAP && l.starts_with("  word")));
    }
}
