//! `ttm-lab diff`: the same steps on two machines, aligned step by step (the comparison itself is
//! `ttm_core::compare`, the same one the browser shows).

use crate::{load, CliError};
use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;
use ttm_core::compare::compare;
use ttm_core::scenario::Run;
use ttm_core::{Arch, DriverKind, Era, Fidelity, Kernel, MachineConfig};

/// Apply `KEY=VALUE` overrides to a machine configuration.
pub fn apply(m: &mut MachineConfig, overrides: &[(String, String)]) -> Result<(), String> {
    for (k, v) in overrides {
        let key = k.to_ascii_lowercase();
        let bad = |what: &str| format!("{k}={v}: {what}");
        match key.as_str() {
            "era" => {
                m.era = match v.to_ascii_uppercase().as_str() {
                    "E0" => Era::E0,
                    "E1" => Era::E1,
                    "E2" => Era::E2,
                    "E3" => Era::E3,
                    _ => return Err(bad("the eras are E0, E1, E2 and E3")),
                }
            }
            "fidelity" => {
                m.fidelity = match v.to_ascii_lowercase().as_str() {
                    "faithful" => Fidelity::Faithful,
                    "fixed" => Fidelity::Fixed,
                    _ => return Err(bad("fidelity is faithful or fixed")),
                }
            }
            "driver" => {
                m.driver.kind = match v.to_ascii_lowercase().as_str() {
                    "radeon" => DriverKind::Radeon,
                    "nouveau" => DriverKind::Nouveau,
                    "vmwgfx" => DriverKind::Vmwgfx,
                    _ => return Err(bad("the drivers are radeon, nouveau and vmwgfx")),
                }
            }
            "arch" => {
                m.arch = match v.to_ascii_lowercase().replace('-', "_").as_str() {
                    "x86_64" => Arch::X86_64,
                    "x86_32_highmem" | "x86_32" => Arch::X86_32Highmem,
                    _ => return Err(bad("arch is x86_64 or x86_32_highmem")),
                }
            }
            "swiotlb" => m.swiotlb = boolean(v).ok_or_else(|| bad("expected true or false"))?,
            "agp" => m.agp = boolean(v).ok_or_else(|| bad("expected true or false"))?,
            "root" => m.root = boolean(v).ok_or_else(|| bad("expected true or false"))?,
            "need_dma32" => {
                m.need_dma32 = boolean(v).ok_or_else(|| bad("expected true or false"))?
            }
            "accel" => m.driver.accel = boolean(v).ok_or_else(|| bad("expected true or false"))?,
            "nv50" => m.driver.nv50 = boolean(v).ok_or_else(|| bad("expected true or false"))?,
            "ram_mib" => {
                let n = mib(v).ok_or_else(|| bad("expected a number of MiB"))?;
                m.ram_bytes = n.checked_mul(1 << 20).ok_or_else(|| bad("too large"))?;
            }
            "vram_mib" => {
                m.driver.vram_mib = mib32(v).ok_or_else(|| bad("expected a number of MiB"))?
            }
            "visible_vram_mib" => {
                m.driver.visible_vram_mib =
                    mib32(v).ok_or_else(|| bad("expected a number of MiB"))?
            }
            "kernel" => {
                m.kernel = match v.as_str() {
                    "3.3" => Kernel::V3_3,
                    "6.12" => Kernel::V6_12,
                    _ => return Err(bad("the kernels are 3.3 and 6.12")),
                };
                if m.kernel == Kernel::V3_3 {
                    m.modern = Default::default();
                }
            }
            "gtt_mib" => {
                m.driver.gtt_mib = mib32(v).ok_or_else(|| bad("expected a number of MiB"))?
            }
            _ => {
                return Err(format!(
                    "unknown key {k:?}; the keys are era, fidelity, driver, arch, swiotlb, agp, \
                     root, need_dma32, accel, nv50, ram_mib, vram_mib, visible_vram_mib, gtt_mib, kernel"
                ))
            }
        }
    }
    m.validate()
        .map_err(|e| format!("the resulting machine cannot run: {e}"))
}

/// true/false, yes/no, on/off, 1/0.
fn boolean(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// A size in MiB.
fn mib(v: &str) -> Option<u64> {
    v.parse().ok()
}

/// A size in MiB that fits the driver configuration.
fn mib32(v: &str) -> Option<u32> {
    v.parse().ok()
}

/// Run `sc` on one side's machine: the file's machine with the overrides.
fn side(
    file: &Path,
    base: &Run,
    name: char,
    overrides: &[(String, String)],
) -> Result<Run, CliError> {
    if overrides.is_empty() {
        return Ok(base.clone());
    }
    let sc = &base.scenario;
    let mut m = sc.machine.clone();
    apply(&mut m, overrides).map_err(|e| CliError(format!("--{name}: {e}")))?;
    sc.run_with(m).map_err(|e| {
        CliError(format!(
            "{}: on machine {} ({}) the scenario cannot run: {e}",
            file.display(),
            name.to_ascii_uppercase(),
            describe(overrides)
        ))
    })
}

/// The overrides as typed, or "the file's machine".
fn describe(overrides: &[(String, String)]) -> String {
    if overrides.is_empty() {
        "the file's machine".to_string()
    } else {
        overrides
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `ttm-lab diff`: both runs aligned by step with [`ttm_core::compare::compare`].
pub fn cmd_diff(
    file: &Path,
    a: &[(String, String)],
    b: &[(String, String)],
) -> Result<ExitCode, CliError> {
    let base = load(file)?;
    let sc = &base.scenario;
    let ra = side(file, &base, 'a', a)?;
    let rb = side(file, &base, 'b', b)?;
    if ra.sim.config().kernel != rb.sim.config().kernel {
        return then_and_now(file, (a, &ra), (b, &rb));
    }
    let c = compare(&ra, &rb);
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", sc.name, sc.title);
    for (name, ov, run) in [('A', a, &ra), ('B', b, &rb)] {
        let _ = writeln!(
            out,
            "{name}: {}\n   {}",
            describe(ov),
            ttm_core::present::machine_label(run.sim.config())
        );
    }
    out.push('\n');
    for row in &c.rows {
        let mark = if c.first_divergence == Some(row.step) {
            "   <== first divergence"
        } else {
            ""
        };
        let _ = writeln!(out, "step {}: {}{mark}", row.step, row.label);
        if row.result_a == row.result_b {
            let _ = writeln!(out, "    result: {} (both)", row.result_a);
        } else {
            let _ = writeln!(out, "    result: A {}  B {}", row.result_a, row.result_b);
        }
        let fields: Vec<&String> = row
            .differences
            .iter()
            .filter(|d| !d.starts_with("result: "))
            .collect();
        if fields.is_empty() {
            let _ = writeln!(out, "    same state");
        }
        for d in fields {
            let _ = writeln!(out, "    {d}");
        }
    }
    match c.first_divergence {
        Some(i) => {
            let _ = writeln!(out, "\nfirst divergence: step {i} ({})", c.rows[i].label);
        }
        None => {
            let _ = writeln!(
                out,
                "\nno divergence: every step has the same result and state on both machines"
            );
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// `ttm-lab diff` across kernels: [`ttm_core::compare::then_and_now_of`] printed step by step,
/// A's kernel on the left of each arrow.
fn then_and_now(
    file: &Path,
    (a, ra): (&[(String, String)], &Run),
    (b, rb): (&[(String, String)], &Run),
) -> Result<ExitCode, CliError> {
    // The comparison reads a 3.3 run against a 6.12 one; when A is the 6.12 side, swap them
    // for the comparison and print its values back in A/B order.
    let swapped = ra.sim.config().kernel == Kernel::V6_12;
    let (then, now) = if swapped { (rb, ra) } else { (ra, rb) };
    let c = ttm_core::compare::then_and_now_of(then, now);
    let sc = &ra.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", sc.name, sc.title);
    let _ = writeln!(
        out,
        "then and now: the same steps on Linux 3.3 and Linux 6.12"
    );
    for (name, ov, run) in [('A', a, ra), ('B', b, rb)] {
        let _ = writeln!(
            out,
            "{name}: {} ({})\n   {}",
            ttm_core::present::kernel_name(run.sim.config().kernel),
            describe(ov),
            ttm_core::present::machine_label(run.sim.config())
        );
    }
    out.push('\n');
    let pair = |x: &str, y: &str| {
        if swapped {
            (y.to_string(), x.to_string())
        } else {
            (x.to_string(), y.to_string())
        }
    };
    for row in &c.rows {
        let mark = if c.first_divergence == Some(row.step) {
            "   <== first divergence"
        } else {
            ""
        };
        let _ = writeln!(out, "step {}: {}{mark}", row.step, row.label);
        let (ca, cb) = pair(&row.then.calls.to_string(), &row.now.calls.to_string());
        let _ = writeln!(out, "    kernel calls: A {ca}  B {cb}");
        for n in &row.notes {
            let _ = writeln!(out, "    note (6.12): {n}");
        }
        if !row.unmatched.is_empty() {
            let _ = writeln!(
                out,
                "    expectations with no 6.12 counterpart: {}",
                row.unmatched.join(", ")
            );
        }
        for e in &row.expectations {
            let _ = writeln!(out, "    expectation on 6.12: {e}");
        }
        if row.divergences.is_empty() {
            let _ = writeln!(
                out,
                "    same on both: result {}, {} fresh pages, {} pooled, {} bytes charged",
                row.then.result,
                row.then.fresh_pages,
                row.then.pooled_pages,
                row.then.charged_bytes
            );
        }
        for d in &row.divergences {
            let (x, y) = pair(&d.then, &d.now);
            let _ = writeln!(out, "    {}: A {x}  B {y}", d.what);
            out.push_str(&crate::render::wrap(&format!("why: {}", d.why), "        "));
        }
    }
    match c.first_divergence {
        Some(i) => {
            let _ = writeln!(out, "\nfirst divergence: step {i} ({})", c.rows[i].label);
        }
        None => {
            let _ = writeln!(out, "\nno divergence: both kernels agree after every step");
        }
    }
    if !now.notices.is_empty() {
        let _ = writeln!(
            out,
            "{}: {} item(s) of the file have no Linux 6.12 counterpart (above)",
            file.display(),
            now.notices.len()
        );
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.into(), v.into())
    }

    #[test]
    fn overrides_change_the_machine() {
        let mut m = MachineConfig::default();
        apply(
            &mut m,
            &[
                kv("era", "e1"),
                kv("fidelity", "Fixed"),
                kv("ram_mib", "128"),
                kv("accel", "false"),
            ],
        )
        .unwrap();
        assert_eq!(
            (m.era, m.fidelity, m.ram_bytes, m.driver.accel),
            (Era::E1, Fidelity::Fixed, 128 << 20, false)
        );
    }

    #[test]
    fn bad_keys_values_and_machines_are_explained() {
        let mut m = MachineConfig::default();
        assert!(apply(&mut m, &[kv("colour", "red")])
            .unwrap_err()
            .contains("unknown key"));
        assert!(apply(&mut m, &[kv("era", "E9")])
            .unwrap_err()
            .contains("E3"));
        assert!(apply(&mut m, &[kv("era", "E1"), kv("swiotlb", "true")])
            .unwrap_err()
            .contains("swiotlb"));
    }
}
