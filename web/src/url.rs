//! The page's URL state: `?walkthrough=<name>&step=<position>&zoom=<action|call|change>`.
//! Parsing never fails: anything broken becomes a message for the page and a sensible default.

use ttm_core::{DriverKind, Era, Fidelity, MachineConfig, Zoom};

/// What the query string asks for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Query {
    /// A walkthrough name, if given (not yet checked against the catalog).
    pub walkthrough: Option<String>,
    /// The position, if given and a whole number (not yet checked against the trace length).
    pub step: Option<u64>,
    /// The zoom, if given and valid.
    pub zoom: Option<Zoom>,
    /// Problems found while parsing, in words.
    pub problems: Vec<String>,
}

/// URL name of a zoom level.
pub fn zoom_name(z: Zoom) -> &'static str {
    match z {
        Zoom::Action => "action",
        Zoom::Call => "call",
        Zoom::Change => "change",
    }
}

/// Zoom of a URL name.
pub fn zoom_from(name: &str) -> Option<Zoom> {
    match name {
        "action" => Some(Zoom::Action),
        "call" => Some(Zoom::Call),
        "change" => Some(Zoom::Change),
        _ => None,
    }
}

/// Parse decoded `(key, value)` pairs of the query string.
pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Query {
    let mut q = Query::default();
    for (k, v) in pairs {
        match k {
            "walkthrough" => {
                let v = v.trim();
                if v.is_empty() {
                    q.problems
                        .push("The walkthrough parameter is empty.".into());
                } else {
                    q.walkthrough = Some(v.to_string());
                }
            }
            "step" => match v.trim().parse::<u64>() {
                Ok(n) => q.step = Some(n),
                Err(_) => q.problems.push(format!(
                    "The step parameter {:?} is not a whole number; showing step 0.",
                    clip(v)
                )),
            },
            "zoom" => match zoom_from(v.trim()) {
                Some(z) => q.zoom = Some(z),
                None => q.problems.push(format!(
                    "The zoom parameter {:?} is not action, call or change; using call.",
                    clip(v)
                )),
            },
            _ => {}
        }
    }
    q
}

/// At most 40 characters of a user-supplied value (for messages).
pub fn clip(v: &str) -> String {
    let mut s: String = v.chars().take(40).collect();
    if v.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// The query string for a view.
pub fn format(walkthrough: &str, step: u64, zoom: Zoom) -> String {
    format!(
        "?walkthrough={walkthrough}&step={step}&zoom={}",
        zoom_name(zoom)
    )
}

/// The machine parameters of the URL.
pub const MACHINE_KEYS: [&str; 7] = [
    "driver", "era", "fidelity", "ram_mib", "swiotlb", "agp", "accel",
];

fn flag(key: &str, v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(format!(
            "The {key} parameter {:?} is not true or false; using the walkthrough's machine.",
            clip(v)
        )),
    }
}

/// Set one machine parameter of the URL (`era=E1`, `fidelity=Fixed`, `driver=nouveau`,
/// `ram_mib=256`, `swiotlb=`/`agp=`/`accel=` true or false). Broken values are messages.
pub fn apply_machine(m: &mut MachineConfig, key: &str, v: &str) -> Result<(), String> {
    let t = v.trim().to_ascii_lowercase();
    let bad = |what: &str| {
        Err(format!(
            "The {key} parameter {:?} is not {what}; using the walkthrough's machine.",
            clip(v)
        ))
    };
    match key {
        "driver" => {
            m.driver.kind = match t.as_str() {
                "radeon" => DriverKind::Radeon,
                "nouveau" => DriverKind::Nouveau,
                "vmwgfx" => DriverKind::Vmwgfx,
                _ => return bad("radeon, nouveau or vmwgfx"),
            }
        }
        "era" => {
            m.era = match t.as_str() {
                "e0" => Era::E0,
                "e1" => Era::E1,
                "e2" => Era::E2,
                "e3" => Era::E3,
                _ => return bad("E0, E1, E2 or E3"),
            }
        }
        "fidelity" => {
            m.fidelity = match t.as_str() {
                "faithful" => Fidelity::Faithful,
                "fixed" => Fidelity::Fixed,
                _ => return bad("Faithful or Fixed"),
            }
        }
        "ram_mib" => match t.parse::<u64>().ok().and_then(|n| n.checked_mul(1 << 20)) {
            Some(b) => m.ram_bytes = b,
            None => return bad("a whole number of MiB"),
        },
        "swiotlb" => m.swiotlb = flag(key, v)?,
        "agp" => m.agp = flag(key, v)?,
        "accel" => m.driver.accel = flag(key, v)?,
        _ => {}
    }
    Ok(())
}

/// The URL parameters of `m` that differ from the walkthrough's own machine `base`
/// ("&era=E1&fidelity=Fixed"), empty when they are the same.
pub fn machine_params(base: &MachineConfig, m: &MachineConfig) -> String {
    let mut out = String::new();
    if m.driver.kind != base.driver.kind {
        out.push_str(&format!(
            "&driver={}",
            format!("{:?}", m.driver.kind).to_lowercase()
        ));
    }
    if m.era != base.era {
        out.push_str(&format!("&era={:?}", m.era));
    }
    if m.fidelity != base.fidelity {
        out.push_str(&format!("&fidelity={:?}", m.fidelity));
    }
    if m.ram_bytes != base.ram_bytes {
        out.push_str(&format!("&ram_mib={}", m.ram_bytes >> 20));
    }
    if m.swiotlb != base.swiotlb {
        out.push_str(&format!("&swiotlb={}", m.swiotlb));
    }
    if m.agp != base.agp {
        out.push_str(&format!("&agp={}", m.agp));
    }
    if m.driver.accel != base.driver.accel {
        out.push_str(&format!("&accel={}", m.driver.accel));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let q = parse([
            ("walkthrough", "pool-refill"),
            ("step", "42"),
            ("zoom", "change"),
        ]);
        assert_eq!(q.walkthrough.as_deref(), Some("pool-refill"));
        assert_eq!((q.step, q.zoom), (Some(42), Some(Zoom::Change)));
        assert!(q.problems.is_empty());
        assert_eq!(
            format("pool-refill", 42, Zoom::Change),
            "?walkthrough=pool-refill&step=42&zoom=change"
        );
    }

    #[test]
    fn machine_round_trip() {
        let base = MachineConfig::default();
        let mut m = base.clone();
        for (k, v) in [("era", "E1"), ("fidelity", "Fixed"), ("driver", "nouveau")] {
            apply_machine(&mut m, k, v).unwrap();
        }
        let q = machine_params(&base, &m);
        assert_eq!(q, "&driver=nouveau&era=E1&fidelity=Fixed");
        assert!(apply_machine(&mut m, "era", "E9").is_err());
        assert!(apply_machine(&mut m, "ram_mib", "lots").is_err());
    }

    #[test]
    fn garbage_becomes_messages() {
        let q = parse([("step", "-3"), ("zoom", "warp"), ("walkthrough", " ")]);
        assert_eq!((q.step, q.zoom, q.walkthrough), (None, None, None));
        assert_eq!(q.problems.len(), 3);
        assert_eq!(clip(&"x".repeat(50)).chars().count(), 41);
    }
}
