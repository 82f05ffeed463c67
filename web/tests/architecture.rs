//! The web crate's layering, read from its sources: no import cycle between modules, and a store
//! that knows nothing of the browser.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `web/src`, by module path (`store`, `components::pools`).
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&root).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|l| l == "mod") {
                parts.pop();
            }
            let name = parts.join("::");
            // The crate root and the binary only declare and mount modules.
            (!matches!(name.as_str(), "lib" | "main"))
                .then(|| (name, fs::read_to_string(&p).unwrap()))
        })
        .collect()
}

/// The modules `text` names through `crate::…` paths in code (`use` lines and inline paths; not
/// in comments, where doc links may point anywhere), resolved to the longest known module path.
fn uses(text: &str, known: &BTreeMap<String, String>) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        // `use crate::{a, b::c}` is not used in this crate; a brace would end the path here.
        if let Some(m) = (1..=segs.len())
            .rev()
            .map(|n| segs[..n].join("::"))
            .find(|m| known.contains_key(m))
        {
            out.insert(m);
        }
    }
    out
}

/// The module graph: who names whom (a parent module naming its own child does not count).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules();
    mods.iter()
        .map(|(name, text)| {
            let mut deps = uses(text, &mods);
            deps.remove(name);
            (name.clone(), deps)
        })
        .collect()
}

/// A cycle in `g`, as the modules on it, if there is one.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, g, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_web_modules_import_no_cycle() {
    let g = graph();
    assert!(g.contains_key("store") && g.contains_key("components::pools"));
    assert!(
        g["app"].contains("store"),
        "the graph sees `use crate::…` lines"
    );
    if let Some(c) = find_cycle(&g) {
        panic!("import cycle in web/src: {}", c.join(" -> "));
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), BTreeSet::new());
    assert_eq!(find_cycle(&g), None);
    g.get_mut("c").unwrap().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

#[test]
fn the_store_imports_no_browser_or_yew_crate() {
    let mods = modules();
    let store: Vec<(&String, &String)> = mods
        .iter()
        .filter(|(n, _)| *n == "store" || n.starts_with("store::"))
        .collect();
    assert!(store.len() >= 2, "store and its submodules are found");
    let browser = |name: &str, text: &str| {
        for krate in ["web_sys", "js_sys", "gloo", "yew", "wasm_bindgen"] {
            assert!(
                !text.contains(&format!("{krate}::")) && !text.contains(&format!("use {krate}")),
                "{name} names {krate}"
            );
        }
    };
    for (name, text) in store {
        browser(name, text);
    }
    // Nor do the modules the store builds on (so it all builds and runs natively).
    let g = graph();
    let mut below: Vec<&String> = g["store"].iter().collect();
    let mut seen = BTreeSet::new();
    while let Some(m) = below.pop() {
        if !seen.insert(m.clone()) {
            continue;
        }
        browser(m, &mods[m]);
        below.extend(g[m].iter());
    }
    assert!(seen.contains("url") && seen.contains("travel"), "{seen:?}");
}

/// Prefixes of the kernel's symbols: TTM's own and the drivers' (`radeon_ttm_tt_populate`,
/// `nv04_sgdma_bind`, `vmw_gmrid_man_get_node`).
const KERNEL_PREFIXES: [&str; 6] = ["ttm_", "radeon_", "nouveau_", "vmw_", "nv04_", "nv50_"];

/// Paths and calls by which code would decide TTM matters itself instead of asking `ttm_core`
/// (`present`, `narrate`, `Recording`, `State::bo_busy`…): kernel constants, flag modules,
/// where a page is, the source file a traced function lives in, the driver's symbol choice.
const KERNEL_RULES: [&str; 11] = [
    "TTM_PL_",
    "TTM_PAGE_FLAG",
    "consts::placement",
    "consts::page_flags",
    "placement::",
    "page_flags::",
    "state::Loc",
    "Loc::",
    ".file()",
    "event_symbol",
    "driver_symbol",
];

/// The code of a module as the rule below reads it: whole-line comments (docs may name any
/// kernel symbol) are blanked and the test module is left out. A test module is the file's last item
/// (clippy's `items_after_test_module`), so everything from its `#[cfg(test)]` on is dropped.
fn code_of(text: &str) -> String {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(l) = lines.next() {
        let t = l.trim_start();
        if t == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with("mod "))
        {
            break;
        }
        // Blank, not dropped: the lines keep their numbers.
        out.push(if t.starts_with("//") { "" } else { l });
    }
    out.join("\n")
}

/// What in `code` names a kernel symbol or decides a TTM rule: every word starting with a kernel
/// prefix (in a string literal or not; the `ttm_core` and `ttm_web` crates are not kernel
/// names) and every [`KERNEL_RULES`] entry, each with its line.
fn kernel_knowledge(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let word_start = |i: usize| {
            i == 0 || {
                let c = line.as_bytes()[i - 1];
                !(c.is_ascii_alphanumeric() || c == b'_')
            }
        };
        for p in KERNEL_PREFIXES {
            for (i, _) in line.match_indices(p) {
                let rest = &line[i..];
                let crate_name = rest.starts_with("ttm_core") || rest.starts_with("ttm_web");
                if word_start(i) && !crate_name {
                    found.push(format!("line {}: {}", n + 1, line.trim()));
                }
            }
        }
        for r in KERNEL_RULES {
            if line.contains(r) {
                found.push(format!("line {}: {r} in {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_web_names_no_kernel_symbol_and_decides_no_ttm_rule() {
    let mods = modules();
    assert!(mods.len() > 20, "every module is read");
    let mut bad = Vec::new();
    for (name, text) in &mods {
        // Test files (`store/tests.rs`) build their cases from kernel facts on purpose.
        if name == "tests" || name.ends_with("::tests") {
            continue;
        }
        for f in kernel_knowledge(&code_of(text)) {
            bad.push(format!("web/src/{name}: {f}"));
        }
    }
    assert!(
        bad.is_empty(),
        "TTM knowledge outside ttm_core:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_kernel_knowledge_rule_reads_code_not_comments_or_tests() {
    let text = r#"//! ttm_tt pages (a doc may name the kernel)
use ttm_core::present;
fn a(f: Func) -> bool {
    f.file() == "driver"
}
const S: &str = "radeon_ttm_tt_populate";
let w = format!("{} (ttm_bo_init)", 1);
let t = placement::PL_TT; // TTM_PL_TT
let legacy_ttm_x = 1;
#[cfg(test)]
mod tests {
    const T: &str = "ttm_pool_populate";
}
"#;
    let code = code_of(text);
    assert!(!code.contains("ttm_pool_populate") && !code.contains("ttm_tt pages"));
    let found = kernel_knowledge(&code);
    let lines: Vec<&str> = found.iter().map(|f| f.split(':').next().unwrap()).collect();
    // `.file()`; the driver symbol; the symbol inside a literal; the flag module and the
    // constant in a trailing comment. Not the crate `ttm_core`, not `legacy_ttm_x`.
    assert_eq!(
        lines,
        ["line 4", "line 6", "line 7", "line 8", "line 8"],
        "{found:#?}"
    );
}
