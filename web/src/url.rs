//! The page's URL state: `?walkthrough=<name>&step=<position>&zoom=<action|call|change>`, or
//! `?scenario=<base64url of the scenario's UTF-8 JSON>&step=…&zoom=…` for a scenario from a file or
//! the editor.
//! Parsing never fails: anything broken becomes a message for the page and a sensible default.

use ttm_core::{DriverKind, Era, Fidelity, Kernel, MachineConfig, Zoom};

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

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url (RFC 4648 section 5) of `bytes`, without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The bytes of base64url text (padding and surrounding blanks allowed; `+` and `/` accepted too).
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let t = text.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for (i, c) in t.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => {
                return Err(format!(
                    "character {} ({:?}) is not base64url",
                    i + 1,
                    c as char
                ))
            }
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if t.len() % 4 == 1 {
        return Err("its length is not that of base64url text".into());
    }
    Ok(out)
}

/// The scenario JSON in a `scenario` parameter.
pub fn decode_scenario(param: &str) -> Result<String, String> {
    let bytes = base64url_decode(param)?;
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}

/// The query string for a scenario that is not built in.
pub fn format_scenario(json: &str, step: u64, zoom: Zoom) -> String {
    format!(
        "?scenario={}&step={step}&zoom={}",
        base64url_encode(json.as_bytes()),
        zoom_name(zoom)
    )
}

/// The query of a seeded random problem at `step` (`?problem=17&difficulty=2&step=…`).
pub fn format_problem(seed: u64, difficulty: u8, step: u64, zoom: Zoom) -> String {
    format!(
        "?problem={seed}&difficulty={difficulty}&step={step}&zoom={}",
        zoom_name(zoom)
    )
}

/// The seed and difficulty of `?problem=SEED&difficulty=N` (difficulty 1 when absent). None
/// without a `problem` parameter; a message for values that cannot be used.
pub fn parse_problem(
    seed: Option<&str>,
    difficulty: Option<&str>,
) -> Result<Option<(u64, u8)>, String> {
    let Some(seed) = seed else {
        return match difficulty {
            Some(_) => {
                Err("The URL gives a difficulty but no problem seed (add problem=SEED).".into())
            }
            None => Ok(None),
        };
    };
    let seed = seed.trim().parse::<u64>().map_err(|_| {
        format!(
            "The problem seed {:?} is not a whole number from 0 to {}.",
            clip(seed),
            u64::MAX
        )
    })?;
    let difficulty = match difficulty.map(str::trim) {
        None | Some("1") => 1,
        Some("2") => 2,
        Some("3") => 3,
        Some(d) => return Err(format!("The difficulty {:?} is not 1, 2 or 3.", clip(d))),
    };
    Ok(Some((seed, difficulty)))
}

/// The machine parameters of the URL.
pub const MACHINE_KEYS: [&str; 8] = [
    "driver", "era", "fidelity", "ram_mib", "swiotlb", "agp", "accel", "kernel",
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
        "kernel" => {
            m.kernel = match t.as_str() {
                "3.3" => Kernel::V3_3,
                "6.12" => Kernel::V6_12,
                _ => return bad("3.3 or 6.12"),
            };
            if m.kernel == Kernel::V3_3 {
                m.modern = Default::default();
            }
        }
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
    if m.kernel != base.kernel {
        out.push_str(match m.kernel {
            Kernel::V3_3 => "&kernel=3.3",
            Kernel::V6_12 => "&kernel=6.12",
        });
    }
    out
}

/// Compare mode's part of the full app's query: `&compare=1` and machine B's parameters that
/// differ from the walkthrough's own machine `base`, each prefixed `b_` (`&b_driver=nouveau`).
pub fn compare_params(base: &MachineConfig, b: &MachineConfig) -> String {
    format!("&compare=1{}", machine_params(base, b).replace('&', "&b_"))
}

/// The step range of an embed (`from`, `to`: positions in a trace of `len` events), clamped to
/// `[0, len]` with `from <= to`; each correction is a message for the page.
pub fn embed_range(from: Option<&str>, to: Option<&str>, len: u64) -> (u64, u64, Vec<String>) {
    let mut problems = Vec::new();
    let mut read = |key: &str, v: Option<&str>, default: u64| -> u64 {
        let Some(v) = v else { return default };
        match v.trim().parse::<u64>() {
            Ok(n) if n > len => {
                problems.push(format!(
                    "The {key} parameter {n} is past the end of the trace ({len} events); using {len}."
                ));
                len
            }
            Ok(n) => n,
            Err(_) => {
                problems.push(format!(
                    "The {key} parameter {:?} is not a whole number; using {default}.",
                    clip(v)
                ));
                default
            }
        }
    };
    let a = read("from", from, 0);
    let b = read("to", to, len);
    if a > b {
        problems.push(format!(
            "The range from {a} to {b} is backwards; showing {b} to {a}."
        ));
        return (b, a, problems);
    }
    (a, b, problems)
}

/// The `(key, value)` pairs of a query string (`?a=1&b=x%20y`), decoded the way the browser's
/// `URLSearchParams` does: `+` is a space, `%XX` a byte, invalid UTF-8 becomes U+FFFD.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The only value of the `debug_panic` URL parameter that arms the panic screen's test trigger
/// (`crate::panic`).
pub const DEBUG_PANIC_TOKEN: &str = "I-know-this-kills-the-page";

/// Everything the page's query string asks for, read but not yet acted on: nothing is loaded or
/// run here (the store opens what this names). Values that cannot be used are already `notices`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// `bench=1`: the benchmark mode (everything else is ignored).
    pub bench: bool,
    /// `debug_panic=<token>` with the right token: arm the test-only panic trigger.
    pub debug_panic: bool,
    /// `embed=1` (or true/yes): the embed mode.
    pub embed: bool,
    /// An embed's `theme=light|dark|auto`, when valid.
    pub theme: Option<String>,
    /// Whether exercises are asked (full app: unless `exercises=0`; embed: only with `exercises=1`).
    pub exercises: bool,
    /// `problem=SEED&difficulty=N`.
    pub problem: Option<(u64, u8)>,
    /// The machine parameters given (`era=E1`…), in [`MACHINE_KEYS`] order, not yet applied.
    pub machine: Vec<(String, String)>,
    /// `walkthrough=`, `step=`, `zoom=`.
    pub query: Query,
    /// The raw `scenario=` parameter (base64url JSON).
    pub scenario: Option<String>,
    /// An embed's raw `from=` and `to=` (clamped once the trace length is known).
    pub range: (Option<String>, Option<String>),
    /// An embed's `loop=1`.
    pub looping: bool,
    /// An embed's `autoplay=1`.
    pub autoplay: bool,
    /// `compare=1`: compare mode, with machine B's parameters (`b_driver=`…, keys without the
    /// prefix, in [`MACHINE_KEYS`] order, not yet applied).
    pub compare: Option<Vec<(String, String)>>,
    /// What could not be used, in words, in the order the page shows them.
    pub notices: Vec<String>,
}

/// Read a query string (`location.search`).
pub fn request(search: &str) -> Request {
    let pairs = query_pairs(search);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let mut r = Request {
        bench: get("bench").is_some_and(|v| v == "1"),
        ..Request::default()
    };
    if r.bench {
        return r;
    }
    r.debug_panic = get("debug_panic").as_deref() == Some(DEBUG_PANIC_TOKEN);
    r.embed = get("embed").is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
    if r.embed {
        match get("theme").as_deref().map(str::trim) {
            Some(t @ ("light" | "dark" | "auto")) => r.theme = Some(t.to_string()),
            Some(t) => r.notices.push(format!(
                "The theme parameter {:?} is not light, dark or auto; using auto.",
                clip(t)
            )),
            None => r.theme = Some("auto".into()),
        }
    }
    r.exercises = match get("exercises").as_deref().map(str::trim) {
        Some("1" | "true" | "yes" | "on") => true,
        Some("0" | "false" | "no" | "off") => false,
        Some(v) => {
            r.notices.push(format!(
                "The exercises parameter {:?} is not 1 or 0; {}.",
                clip(v),
                if r.embed { "not asking" } else { "asking" }
            ));
            !r.embed
        }
        None => !r.embed,
    };
    r.problem = parse_problem(get("problem").as_deref(), get("difficulty").as_deref())
        .unwrap_or_else(|e| {
            r.notices.push(e);
            None
        });
    r.machine = MACHINE_KEYS
        .iter()
        .filter_map(|k| get(k).map(|v| (k.to_string(), v)))
        .collect();
    let known: Vec<(String, String)> = ["walkthrough", "step", "zoom"]
        .iter()
        .filter_map(|k| get(k).map(|v| (k.to_string(), v)))
        .collect();
    r.query = parse(known.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    r.notices.extend(r.query.problems.clone());
    r.scenario = get("scenario");
    r.range = (get("from"), get("to"));
    let on = |k: &str| get(k).is_some_and(|v| v == "1" || v == "true");
    r.looping = on("loop");
    r.autoplay = on("autoplay");
    if !r.embed && on("compare") {
        r.compare = Some(
            MACHINE_KEYS
                .iter()
                .filter_map(|k| get(&format!("b_{k}")).map(|v| (k.to_string(), v)))
                .collect(),
        );
    }
    r
}

/// Where a run comes from, as its URL names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A seeded random problem (seed, difficulty).
    Problem(u64, u8),
    /// A built-in walkthrough, by name.
    Walkthrough(&'a str),
    /// A scenario from a file or the editor, by its JSON.
    Scenario(&'a str),
}

/// The full app's query string at `pos` (walkthrough, scenario or problem, step, zoom, and the
/// machine parameters where `machine` differs from the scenario's own `base`).
pub fn full_query(
    origin: Origin,
    base: &MachineConfig,
    machine: &MachineConfig,
    pos: u64,
    zoom: Zoom,
) -> String {
    let head = match origin {
        Origin::Problem(seed, d) => format_problem(seed, d, pos, zoom),
        Origin::Walkthrough(name) => format(name, pos, zoom),
        Origin::Scenario(json) => format_scenario(json, pos, zoom),
    };
    format!("{head}{}", machine_params(base, machine))
}

/// An embed's query string over the positions `[from, to]`.
pub fn embed_query(
    origin: Origin,
    base: &MachineConfig,
    machine: &MachineConfig,
    from: u64,
    to: u64,
) -> String {
    let head = match origin {
        Origin::Problem(seed, d) => format!("?embed=1&problem={seed}&difficulty={d}"),
        Origin::Walkthrough(name) => format!("?embed=1&walkthrough={name}"),
        Origin::Scenario(json) => {
            format!("?embed=1&scenario={}", base64url_encode(json.as_bytes()))
        }
    };
    format!(
        "{head}&from={from}&to={to}{}",
        machine_params(base, machine)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_like_url_search_params() {
        let pairs = query_pairs("?a=1&b=x%20y+z&&c&d=%E2%9C%93&e=%zz&f=%FF");
        let v = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(v("a"), Some("1"));
        assert_eq!(v("b"), Some("x y z"));
        assert_eq!(v("c"), Some(""));
        assert_eq!(v("d"), Some("✓"));
        assert_eq!(v("e"), Some("%zz"));
        assert_eq!(v("f"), Some("\u{fffd}"));
        assert!(query_pairs("").is_empty());
    }

    #[test]
    fn compare_mode_round_trips_machine_b() {
        let base = MachineConfig::default();
        let mut b = base.clone();
        b.driver.kind = DriverKind::Nouveau;
        b.fidelity = Fidelity::Fixed;
        let q = format!("?walkthrough=x{}", compare_params(&base, &b));
        assert_eq!(
            q,
            "?walkthrough=x&compare=1&b_driver=nouveau&b_fidelity=Fixed"
        );
        let r = request(&q);
        let pairs = r.compare.expect("compare mode");
        let mut m = base.clone();
        for (k, v) in &pairs {
            apply_machine(&mut m, k, v).unwrap();
        }
        assert_eq!(m, b);
        assert!(r.machine.is_empty(), "B's parameters are not A's");
        assert_eq!(request("?walkthrough=x").compare, None);
        assert_eq!(request("?embed=1&walkthrough=x&compare=1").compare, None);
    }

    #[test]
    fn requests_name_what_to_open_and_what_was_wrong() {
        let r = request("?walkthrough=pool-refill&step=12&zoom=change&era=E1&fidelity=Fixed");
        assert!(!r.embed && r.exercises && !r.bench);
        assert_eq!(r.query.walkthrough.as_deref(), Some("pool-refill"));
        assert_eq!((r.query.step, r.query.zoom), (Some(12), Some(Zoom::Change)));
        assert_eq!(
            r.machine,
            [
                ("era".to_string(), "E1".to_string()),
                ("fidelity".into(), "Fixed".into())
            ]
        );
        let r = request("?embed=1&walkthrough=x&theme=pink&exercises=maybe&from=3&to=9&loop=1");
        assert!(r.embed && !r.exercises && r.looping && !r.autoplay);
        assert_eq!(r.theme, None);
        assert_eq!(r.range, (Some("3".into()), Some("9".into())));
        assert_eq!(r.notices.len(), 2, "{:?}", r.notices);
        assert_eq!(request("?embed=1").theme.as_deref(), Some("auto"));
        assert!(request("?bench=1&walkthrough=x")
            .query
            .walkthrough
            .is_none());
        assert!(request(&format!("?debug_panic={DEBUG_PANIC_TOKEN}")).debug_panic);
        assert!(!request("?debug_panic=1").debug_panic);
    }

    #[test]
    fn queries_name_the_origin_and_the_machine() {
        let base = MachineConfig::default();
        let mut m = base.clone();
        m.era = Era::E1;
        assert_eq!(
            full_query(Origin::Walkthrough("w"), &base, &m, 3, Zoom::Call),
            "?walkthrough=w&step=3&zoom=call&era=E1"
        );
        assert_eq!(
            embed_query(Origin::Problem(5, 2), &base, &base, 1, 9),
            "?embed=1&problem=5&difficulty=2&from=1&to=9"
        );
        assert!(embed_query(Origin::Scenario("{}"), &base, &base, 0, 0)
            .starts_with("?embed=1&scenario=e30&from=0"));
    }

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
    fn base64url_round_trip() {
        for s in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "é → ü ✓ {\"a\": 1}",
        ] {
            let e = base64url_encode(s.as_bytes());
            assert!(!e.contains(['+', '/', '=']), "{e}");
            assert_eq!(decode_scenario(&e).unwrap(), s);
        }
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"fo"), "Zm8");
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zm8=").unwrap(), b"fo");
        assert!(base64url_decode("Zm9v!").is_err());
        assert!(base64url_decode("Zm9vY").is_err());
        assert!(decode_scenario(&base64url_encode(&[0xff, 0xfe])).is_err());
        assert!(format_scenario("{}", 3, Zoom::Call).starts_with("?scenario=e30&step=3&zoom=call"));
    }

    #[test]
    fn embed_ranges_are_clamped() {
        assert_eq!(embed_range(Some("3"), Some("40"), 100), (3, 40, vec![]));
        assert_eq!(embed_range(None, None, 100), (0, 100, vec![]));
        let (a, b, p) = embed_range(Some("x"), Some("900"), 100);
        assert_eq!((a, b, p.len()), (0, 100, 2));
        let (a, b, p) = embed_range(Some("50"), Some("10"), 100);
        assert_eq!((a, b, p.len()), (10, 50, 1));
    }

    #[test]
    fn garbage_becomes_messages() {
        let q = parse([("step", "-3"), ("zoom", "warp"), ("walkthrough", " ")]);
        assert_eq!((q.step, q.zoom, q.walkthrough), (None, None, None));
        assert_eq!(q.problems.len(), 3);
        assert_eq!(clip(&"x".repeat(50)).chars().count(), 41);
    }

    #[test]
    fn problem_parameters() {
        assert_eq!(parse_problem(None, None), Ok(None));
        assert_eq!(parse_problem(Some("17"), None), Ok(Some((17, 1))));
        assert_eq!(parse_problem(Some(" 17 "), Some("3")), Ok(Some((17, 3))));
        assert_eq!(
            parse_problem(Some("18446744073709551615"), Some("2")),
            Ok(Some((u64::MAX, 2)))
        );
        for (seed, d, says) in [
            (Some("-1"), None, "not a whole number"),
            (Some("x"), None, "not a whole number"),
            (Some("18446744073709551616"), None, "not a whole number"),
            (Some("1"), Some("4"), "not 1, 2 or 3"),
            (Some("1"), Some(""), "not 1, 2 or 3"),
            (None, Some("2"), "no problem seed"),
        ] {
            let e = parse_problem(seed, d).unwrap_err();
            assert!(e.contains(says), "{seed:?} {d:?}: {e}");
        }
        assert_eq!(
            format_problem(17, 2, 5, Zoom::Action),
            "?problem=17&difficulty=2&step=5&zoom=action"
        );
    }

    /// Random query strings (known and unknown keys, broken numbers, odd text, base64 garbage,
    /// scenario parameters that decode to any bytes) never panic, and every value that cannot
    /// be used becomes a message (issue 11: bad input gets a clear error, never a panic).
    #[test]
    fn random_queries_never_panic() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let keys = [
            "walkthrough",
            "step",
            "zoom",
            "scenario",
            "problem",
            "difficulty",
            "embed",
            "from",
            "to",
            "autoplay",
            "loop",
            "theme",
            "exercises",
            "era",
            "driver",
            "fidelity",
            "ram_mib",
            "swiotlb",
            "agp",
            "accel",
            "debug_panic",
            "",
            "\u{0}",
            "ST\u{e9}P",
        ];
        let values = [
            "",
            " ",
            "0",
            "1",
            "-1",
            "18446744073709551616",
            "1e3",
            "x",
            "pool-refill",
            "E9",
            "true",
            "TRUE",
            "\u{301}",
            "\u{feff}12",
            "%zz",
            "eyJmb3JtYXQiOiJ0dG0ifQ",
            "____",
            "a-b_c",
            "\n",
            "99999999999999999999",
        ];
        for _ in 0..20_000 {
            let n = (next() % 6) as usize;
            let owned: Vec<(String, String)> = (0..n)
                .map(|_| {
                    let k = keys[(next() % keys.len() as u64) as usize].to_string();
                    let v = if next() % 4 == 0 {
                        (0..next() % 12)
                            .map(|_| char::from_u32((next() % 0x3000) as u32).unwrap_or('?'))
                            .collect()
                    } else {
                        values[(next() % values.len() as u64) as usize].to_string()
                    };
                    (k, v)
                })
                .collect();
            let q = parse(owned.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            assert!(q.problems.iter().all(|p| !p.trim().is_empty()));
            let mut m = MachineConfig::default();
            for (k, v) in &owned {
                if MACHINE_KEYS.contains(&k.as_str()) {
                    if let Err(e) = apply_machine(&mut m, k, v) {
                        assert!(e.contains(k.as_str()), "{e}");
                    }
                }
                if k == "scenario" {
                    if let Ok(text) = decode_scenario(v) {
                        if let Err(e) = ttm_core::Scenario::from_json(&text) {
                            assert!(e.line >= 1 && e.column >= 1, "{e}");
                        }
                    }
                }
            }
            let get = |key: &str| {
                owned
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
            };
            let _ = parse_problem(get("problem"), get("difficulty"));
            let len = next() % 1000;
            let (from, to, _) = embed_range(get("from"), get("to"), len);
            assert!(from <= to && to <= len);
        }
    }
}
