//! The page's URL state: `?walkthrough=<name>&step=<position>&zoom=<action|call|change>`.
//! Parsing never fails: anything broken becomes a message for the page and a sensible default.

use ttm_core::Zoom;

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
    fn garbage_becomes_messages() {
        let q = parse([("step", "-3"), ("zoom", "warp"), ("walkthrough", " ")]);
        assert_eq!((q.step, q.zoom, q.walkthrough), (None, None, None));
        assert_eq!(q.problems.len(), 3);
        assert_eq!(clip(&"x".repeat(50)).chars().count(), 41);
    }
}
