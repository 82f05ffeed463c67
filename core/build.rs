//! Embed every built-in walkthrough (`../scenarios/*.json`) so the web app and the runner ship
//! them, with each one's title and goal read here, so that listing the walkthroughs (the
//! course, the picker) reads no file when a page opens (issue 16: first usable render).

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "json"));
    files.sort();
    let mut texts = String::from(
        "/// Built-in walkthroughs: (name, JSON text), sorted by name.\npub static BUILTIN: &[(&str, &str)] = &[\n",
    );
    let mut headings = String::from(
        "/// Each built-in walkthrough's (title, goal) as its file writes them, in [`BUILTIN`]'s order;\n\
         /// None when the file has no string `title` (it is then read to say why, [`list`]).\n\
         static HEADINGS: &[Option<(&str, &str)>] = &[\n",
    );
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let file = p.file_name().and_then(|s| s.to_str()).unwrap_or_default();
        // The text is found from the crate being compiled, not from where this script ran: a
        // target/ directory copied from another checkout embeds this checkout's files.
        texts.push_str(&format!(
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../scenarios/\", {file:?}))),\n"
        ));
        let json: Option<serde_json::Value> = fs::read_to_string(p)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        let field = |k: &str| json.as_ref().and_then(|j| j.get(k)).map(|v| v.as_str());
        headings.push_str(&match (field("title"), field("goal")) {
            (Some(Some(title)), Some(Some(goal))) => format!("    Some(({title:?}, {goal:?})),\n"),
            (Some(Some(title)), None) => format!("    Some(({title:?}, \"\")),\n"),
            _ => "    None,\n".to_string(),
        });
    }
    texts.push_str("];\n");
    headings.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("catalog.rs");
    fs::write(dest, texts + &headings).expect("write catalog");
}
