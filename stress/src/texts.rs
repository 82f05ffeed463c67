//! Scenario-text fuzzing: mutated built-in walkthroughs and random bytes. Loading (reading and
//! running, `Scenario::load_bytes`) never panics; every error, also one only the run finds,
//! carries its place (line and column from 1, inside the text); every text that loads survives
//! a round trip through `to_json`.

use crate::rng::Rng;
use crate::sequence::{fail, guarded, Failure};
use ttm_core::{catalog, Scenario};

/// Tokens that make interesting JSON mutations.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "null",
    "true",
    "-1",
    "0",
    "4294967296",
    "18446744073709551616",
    "1e400",
    "-0",
    "\"\\u0000\"",
    "\n",
    "\"machine\"",
    "\"do\"",
    "\"action\"",
    "\"tt_create\"",
    "\"steps\"",
    "\"expect\"",
    "\"a\\\"b\"",
    "\"\\\\\"",
    "\"é\"",
    "\"e\u{301}\"",
    "[67108864, \"X86_64\", \"E1\"]",
    "\"ask\"",
    "\"auto\"",
    "\u{feff}",
    "\r\n",
    "\t",
    "\"\n\"",
    "\\",
];

/// One fuzzed text: a walkthrough with 1-8 mutations, or (one in five) random bytes.
pub fn text(r: &mut Rng) -> Vec<u8> {
    if r.chance(1, 5) {
        let n = r.range(0, 200);
        return (0..n)
            .map(|_| {
                if r.chance(1, 2) {
                    *r.pick(b"{}[]\":,0123456789 \nabcdefnulltrue-.e\\")
                } else {
                    r.below(256) as u8
                }
            })
            .collect();
    }
    let names: Vec<&str> = catalog::names().collect();
    let name: &&str = r.pick(&names);
    let mut b = catalog::get(name).unwrap_or("{}").as_bytes().to_vec();
    for _ in 0..r.range(1, 8) {
        let len = b.len() as u64;
        let at = r.below(len + 1) as usize;
        match r.below(6) {
            0 if at < b.len() => b[at] = r.below(256) as u8,
            1 => {
                let end = (at + r.range(1, 40) as usize).min(b.len());
                b.drain(at..end);
            }
            2 => {
                let end = (at + r.range(1, 60) as usize).min(b.len());
                let dup = b[at..end].to_vec();
                b.splice(at..at, dup);
            }
            3 => b.truncate(at),
            _ => {
                let t = r.pick(TOKENS).as_bytes().to_vec();
                b.splice(at..at, t);
            }
        }
    }
    b
}

/// Check one text.
pub fn check(bytes: &[u8]) -> Result<bool, Failure> {
    let text = String::from_utf8_lossy(bytes);
    let lines = text.split('\n').count();
    match guarded(|| Scenario::load_bytes(bytes))? {
        Err(e) => {
            let line_len = text
                .split('\n')
                .nth(e.line.wrapping_sub(1))
                .map_or(0, |l| l.chars().count());
            if e.line == 0 || e.column == 0 || e.line > lines || e.column > line_len + 1 {
                return Err(fail(
                    "text-unlocated",
                    format!(
                        "{e} (the text has {lines} lines; that line has {line_len} characters)"
                    ),
                ));
            }
            if e.message.is_empty() {
                return Err(fail("text-unexplained", format!("{e}")));
            }
            Ok(false)
        }
        Ok(run) => {
            let sc = run.scenario;
            let again = guarded(|| Scenario::from_json(&sc.to_json()))?;
            if again.as_ref() != Ok(&sc) {
                return Err(fail("text-round-trip", format!("{again:?}")));
            }
            // Then and now (issue 18): a 3.3 scenario that loads also replays on Linux 6.12 and
            // compares, without a panic; what cannot replay is an error with a message.
            if sc.machine.kernel == ttm_core::Kernel::V3_3 {
                if let Err(e) = guarded(|| ttm_core::compare::then_and_now(&sc))? {
                    if e.message.is_empty() {
                        return Err(fail("then-now-unexplained", format!("{e}")));
                    }
                }
            }
            Ok(true)
        }
    }
}
