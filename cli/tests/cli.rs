//! The `ttm-lab` binary, run as a user would: output, JSON, exit codes and error places.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scenario(name: &str) -> String {
    root()
        .join("scenarios")
        .join(format!("{name}.json"))
        .display()
        .to_string()
}

fn ttm_lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ttm-lab"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch file in the target directory (unique per test), with any bytes.
fn scratch(name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn run_prints_steps_narration_expectations_and_the_final_state() {
    let o = ttm_lab(&["run", &scenario("pool-refill")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // W3: after populating 20 pages the wc pool holds 492 of its 512-page refill.
    assert!(out.contains("step 1: populate tt 0 => ok"), "{out}");
    assert!(out.contains("ok   pool.wc.npages = 492"), "{out}");
    assert!(out.contains("20 were taken, 492 remain"), "{out}");
    // W4: the final state has all 512 back in the pool.
    let fin = out.split("Final state:").nth(1).expect("final state");
    assert!(
        fin.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["wc", "512", "1", "0"]),
        "{fin}"
    );
}

#[test]
fn step_shows_the_state_after_that_step() {
    let o = ttm_lab(&["run", &scenario("pool-refill"), "--step", "1"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("State after step 1 (populate tt 0):"), "{out}");
    assert!(!out.contains("step 2:"), "{out}");
    let after = out.split("State after step 1").nth(1).unwrap();
    assert!(
        after
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["wc", "492", "1", "0"]),
        "{after}"
    );
    let o = ttm_lab(&["run", &scenario("pool-refill"), "--step", "3"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("numbered 0 to 2"), "{}", stderr(&o));
}

#[test]
fn json_output_is_the_summary_plus_step_records() {
    let o = ttm_lab(&["run", "--json", &scenario("pool-refill")]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["pools"][0]["name"], "wc");
    assert_eq!(v["pools"][0]["npages"], 512);
    assert_eq!(v["zones"][0]["used_mem"], 0);
    assert_eq!(v["steps"].as_array().unwrap().len(), 3);
    assert_eq!(v["steps"][1]["result"], "ok");
    // A record holds what its step changed: W3, populating 20 pages leaves 492 of the 512-page
    // refill in the wc pool (pool 0), and tt 0 now has its 20 pages.
    let changes = &v["steps"][1]["changes"]["entries"];
    assert!(
        changes
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["pool"]["index"] == 0 && c["pool"]["npages"] == 492),
        "{changes}"
    );
    assert!(
        changes
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["tt"]["id"] == 0 && c["tt"]["pages"] == 20),
        "{changes}"
    );
    assert_eq!(v["mismatches"], serde_json::json!([]));
    // With --step the summary is the state after that step.
    let o = ttm_lab(&["run", "--json", "--step", "1", &scenario("pool-refill")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["pools"][0]["npages"], 492);
    assert_eq!(v["steps"].as_array().unwrap().len(), 2);
}

#[test]
fn trace_is_an_indented_call_tree_with_argument_names() {
    let o = ttm_lab(&["run", &scenario("pool-refill"), "--step", "1", "--trace"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let trace = out.split("Trace:").nth(1).expect("a trace section");
    assert!(trace.contains("== boot: load the Radeon driver"), "{trace}");
    assert!(trace.contains("== step 1: populate tt 0"), "{trace}");
    assert!(trace.contains("  -> ttm_pool_populate(tt=0)"), "{trace}");
    assert!(trace.contains("  <- ttm_pool_populate = 0"), "{trace}");
    assert!(trace.contains("delta "), "{trace}");
    assert!(!trace.contains("== step 2"), "stops after step 1");
    // Findings are described in words.
    let o = ttm_lab(&["run", &scenario("accounting-limit-d1"), "--trace"]);
    let findings: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| l.contains("!!"))
        .map(String::from)
        .collect();
    assert!(
        findings.iter().any(|l| l.contains("!! D1: page")),
        "{findings:?}"
    );
}

#[test]
fn a_broken_file_exits_1_naming_line_and_column() {
    let p = scratch(
        "broken.json",
        "{\n  \"format\": \"ttm-lab-scenario\",\n  \"version\": 1,,\n  \"title\": \"t\", \"steps\": []\n}\n",
    );
    let o = ttm_lab(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("column"), "{err}");
    assert!(err.contains("broken.json"), "{err}");
    // A reference to a missing object is placed too.
    let p = scratch(
        "missing-tt.json",
        r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "steps": [
    {"do": {"action": "tt_populate", "tt": 7}}
  ]}"#,
    );
    let o = ttm_lab(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("line 3, column 12 at steps[0].do: there is no tt 7"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_utf8_exits_1_at_its_first_bad_byte() {
    // Latin-1 "é" (0xE9) in the title on line 2: `  "title": "caf\xe9",` has it at column 16.
    let p = scratch(
        "latin1.json",
        b"{\"format\": \"ttm-lab-scenario\", \"version\": 1,\n  \"title\": \"caf\xe9\", \"steps\": []}\n",
    );
    let o = ttm_lab(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("latin1.json: line 2, column 16: "), "{err}");
    assert!(err.contains("not UTF-8") && err.contains("0xE9"), "{err}");
}

#[test]
fn a_machine_written_as_an_array_exits_1_at_machine() {
    let p = scratch(
        "array-machine.json",
        r#"{"format": "ttm-lab-scenario", "version": 1, "title": "t",
  "machine": [67108864, "X86_64", "E1"], "steps": []}"#,
    );
    let o = ttm_lab(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            "line 2, column 14 at machine: invalid type: sequence, expected a JSON object"
        ),
        "{err}"
    );
}

#[test]
fn a_wrong_expectation_exits_2_and_is_printed() {
    let p = scratch(
        "wrong.json",
        r#"{"format": "ttm-lab-scenario", "version": 1, "name": "wrong", "title": "t", "goal": "g",
  "steps": [
    {"do": {"action": "tt_create", "pages": 20, "caching": "wc"}},
    {"do": {"action": "tt_populate", "tt": 0}, "expect": {"pool.wc.npages": 500}}
  ]}"#,
    );
    let o = ttm_lab(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("step 1: pool.wc.npages is 492, expected 500"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("FAIL pool.wc.npages = 492 (expected 500)"));
}

#[test]
fn debugfs_prints_the_kernel_text() {
    // W21, byte for byte, after step 1 of pool-refill.
    let o = ttm_lab(&["debugfs", &scenario("pool-refill"), "--step", "1"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(
        "  pool      refills   pages freed     size\n    wc            1             0      492\n    uc            0             0        0\nwc dma            0             0        0\nuc dma            0             0        0\n"
    ));
    assert!(!stdout(&o).contains("ttm_dma_page_pool"));
    // With swiotlb the DMA pools' file follows (W13/W14 end state of dma-pool).
    let o = ttm_lab(&["debugfs", &scenario("dma-pool")]);
    let out = stdout(&o);
    assert!(out.contains("ttm_dma_page_pool:"), "{out}");
    assert!(
        out.contains(
            "           wc           11            42        0        2 radeon 0000:01:00.0"
        ),
        "{out}"
    );
}

#[test]
fn diff_before_and_after_the_seed_diverges_at_the_fault() {
    let o = ttm_lab(&[
        "diff",
        &scenario("cpu-fault-after-seed"),
        "--a",
        "era=E1",
        "--b",
        "era=E3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // W15: E1 allocates the 16 prefaulted pages, E3 all 100.
    assert!(
        out.contains("step 1: CPU touches page 10 of BO 0   <== first divergence"),
        "{out}"
    );
    assert!(out.contains("tts.0.pages: 16 → 100"), "{out}");
    assert!(out.contains("first divergence: step 1"), "{out}");
    let step0 = out
        .split("step 0:")
        .nth(1)
        .unwrap()
        .split("step 1:")
        .next()
        .unwrap();
    assert!(step0.contains("same state"), "{step0}");
}

/// Then and now (issue 18): pool-refill on 3.3 (A) against the same steps on 6.12 (B): W3's
/// refill of 512 against M2's two blocks, the same 20 pages counted on both, and the file's 3.3
/// expectations that 6.12 has no counterpart for named at their step.
#[test]
fn diff_across_kernels_prints_then_and_now() {
    let o = ttm_lab(&[
        "diff",
        &scenario("pool-refill"),
        "--a",
        "--b",
        "kernel=6.12",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("then and now: the same steps on Linux 3.3 and Linux 6.12"),
        "{out}"
    );
    assert!(
        out.contains("step 1: populate tt 0   <== first divergence"),
        "{out}"
    );
    assert!(
        out.contains(
            "fresh pages: A 512 (1 batch of 512 pages)  B 20 (2 blocks: order 4, order 2)"
        ),
        "{out}"
    );
    assert!(
        out.contains("pools: A 512 (wc 512)  B 20 (wc[2] ×1, wc[4] ×1)"),
        "{out}"
    );
    assert!(!out.contains("charged:"), "both count the 20 pages: {out}");
    assert!(
        out.contains("expectations with no 6.12 counterpart: pool.wc.nfrees"),
        "{out}"
    );
    assert!(
        out.contains("expectation on 6.12: pages_out_of_system: 512 → 20"),
        "{out}"
    );
    assert!(
        out.contains("first divergence: step 1 (populate tt 0)"),
        "{out}"
    );
    // B on 3.3 and A on 6.12 swap the columns, not the story.
    let o = ttm_lab(&[
        "diff",
        &scenario("pool-refill"),
        "--a",
        "kernel=6.12",
        "--b",
    ]);
    assert!(stdout(&o)
        .contains("fresh pages: A 20 (2 blocks: order 4, order 2)  B 512 (1 batch of 512 pages)"));
    let o = ttm_lab(&["diff", &scenario("pool-refill"), "--a", "--b", "kernel=5.4"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the kernels are 3.3 and 6.12"),
        "{}",
        stderr(&o)
    );
}

/// A run on Linux 6.12 prints the 6.12 state (M2 after the unpopulate: wc[4] and wc[2] hold a
/// block each, 20 pages pooled) and marks the replayed 3.3 expectations it cannot answer.
#[test]
fn run_on_6_12_prints_its_own_state_and_skips_what_it_has_not() {
    let text = std::fs::read_to_string(scenario("pool-refill")).unwrap();
    let text = text.replace(
        r#""machine": { "ram_bytes": 67108864 }"#,
        r#""machine": { "ram_bytes": 67108864, "kernel": "6.12" }"#,
    );
    assert!(text.contains("6.12"));
    let f = scratch("pool-refill-612.json", &text);
    let o = ttm_lab(&["run", f.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("pool blocks  wc[2] 1  wc[4] 1"), "{out}");
    assert!(
        out.contains("counters     ttm_pages_allocated 0  dma32 0  pool allocated_pages 20"),
        "{out}"
    );
    assert!(out.contains("skip pool.wc.npages = 492: "), "{out}");
    assert!(
        !out.contains("zones (bytes)"),
        "no 3.3 zones on 6.12: {out}"
    );
}

#[test]
fn diff_rejects_bad_keys_and_values() {
    let f = scenario("pool-refill");
    for (args, want) in [
        (vec!["--a", "colour=red", "--b"], "unknown key \"colour\""),
        (vec!["--a", "era=E9", "--b"], "era=E9"),
        (vec!["--a", "--b", "ram_mib=lots"], "ram_mib=lots"),
        (vec!["--a", "era=E1", "swiotlb=true", "--b"], "swiotlb"),
        (vec!["--a", "era=E1"], "needs both --a and --b"),
    ] {
        let mut all = vec!["diff", f.as_str()];
        all.extend(args);
        let o = ttm_lab(&all);
        assert_eq!(o.status.code(), Some(1), "{all:?}");
        assert!(stderr(&o).contains(want), "{all:?}: {}", stderr(&o));
    }
}

#[test]
fn check_passes_on_the_built_in_walkthroughs() {
    let o = ttm_lab(&["check", root().join("scenarios").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("PASS pool-refill.json"), "{out}");
    assert!(out.contains(" 0 failed"), "{out}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn check_fails_on_a_broken_directory() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-check-broken");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.json"), "{").unwrap();
    std::fs::copy(scenario("pool-refill"), dir.join("pool-refill.json")).unwrap();
    let o = ttm_lab(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("FAIL bad.json"), "{out}");
    assert!(out.contains("PASS pool-refill.json"), "{out}");
    assert!(out.contains("1 passed, 1 failed"), "{out}");
}

#[test]
fn help_and_usage_errors() {
    let o = ttm_lab(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    for cmd in [
        "run FILE",
        "debugfs FILE",
        "diff FILE",
        "check DIR",
        "EXIT STATUS",
    ] {
        assert!(stdout(&o).contains(cmd), "{cmd}");
    }
    let o = ttm_lab(&["run", "--help"]);
    assert!(stdout(&o).contains("--trace"));
    let o = ttm_lab(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown command"));
    let o = ttm_lab(&["run", "x.json", "--colour"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown option"));
}

#[test]
fn built_in_walkthroughs_run_by_name() {
    let o = ttm_lab(&["list"]);
    assert!(stdout(&o).contains("pool-refill"));
    let o = ttm_lab(&["run", "pool-refill", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["name"], "pool-refill");
}

#[test]
fn quiz_prints_the_answer_key_of_the_marked_steps() {
    // pool-refill marks steps 1 and 2: W3 (492 pages left in the wc pool) and W4 (512).
    let o = ttm_lab(&["quiz", &scenario("pool-refill")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Before step 1 (populate tt 0):"), "{out}");
    assert!(
        out.contains("  A: 492\n") && out.contains("  A: 512\n"),
        "{out}"
    );
    assert_eq!(out.matches("  Q: ").count(), 2);
    let o = ttm_lab(&["quiz", "pool-refill", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["answer"]["Number"], 492);
    // Each with the model's why: the step's text and its narration, as the text output's "Why:".
    let why = v[0]["explanation"].as_str().unwrap();
    assert!(
        why.len() > 80 && out.contains(&format!("  Why: {why}\n")),
        "{why}"
    );
    // --all also asks at unmarked steps: tt-lifecycle marks 1 and 3, and its step 5 destroys the tt.
    let all = stdout(&ttm_lab(&["quiz", "tt-lifecycle", "--all"]));
    assert!(all.contains("Before step 5 (destroy tt 0)"), "{all}");
    assert!(!ttm_lab(&["quiz", "pool-refill", "--step", "1"])
        .status
        .success());
}

#[test]
fn problem_prints_a_reproducible_scenario_whose_quiz_runs() {
    let a = stdout(&ttm_lab(&["problem", "17", "--difficulty", "2"]));
    let b = stdout(&ttm_lab(&["problem", "17", "-d", "2"]));
    assert_eq!(a, b, "same seed, same problem");
    assert_ne!(a, stdout(&ttm_lab(&["problem", "18", "-d", "2"])));
    let f = scratch("problem-17.json", &a);
    let o = ttm_lab(&["quiz", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("  Q: "), "{}", stdout(&o));
    for bad in [
        vec!["problem"],
        vec!["problem", "x"],
        vec!["problem", "1", "-d", "4"],
        vec!["problem", "-1"],
    ] {
        let o = ttm_lab(&bad);
        assert_eq!(o.status.code(), Some(1), "{bad:?}");
        assert!(stderr(&o).contains("problem"), "{bad:?}: {}", stderr(&o));
    }
}

/// Random command lines (issue 11): commands, options and values in any combination, including
/// missing values, unknown keys, broken numbers, huge steps, directories and missing files. The
/// runner answers each with exit status 0, 1 or 2 and never panics (a panic exits with 101).
#[test]
fn random_command_lines_never_panic() {
    let pool = scenario("pool-refill");
    let broken = scratch("random-broken.json", b"{\"format\": [1, 2");
    let broken = broken.display().to_string();
    let dir = root().join("scenarios").display().to_string();
    let words: Vec<&str> = vec![
        "run",
        "debugfs",
        "diff",
        "check",
        "list",
        "quiz",
        "problem",
        "help",
        "--help",
        "--json",
        "--trace",
        "--step",
        "--a",
        "--b",
        "--all",
        "--difficulty",
        &pool,
        &broken,
        &dir,
        "pool-refill",
        "no-such-walkthrough",
        "/nonexistent/x.json",
        "0",
        "1",
        "-1",
        "18446744073709551616",
        "99999",
        "era=E1",
        "era=E9",
        "driver=vmwgfx",
        "ram_mib=0",
        "ram_mib=99999999",
        "fidelity=fixed",
        "swiotlb=maybe",
        "=",
        "",
        "x=y",
        "--",
        "-",
    ];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for case in 0..300 {
        let n = 1 + (next() % 5) as usize;
        let args: Vec<&str> = (0..n)
            .map(|_| words[(next() % words.len() as u64) as usize])
            .collect();
        let o = ttm_lab(&args);
        let code = o.status.code();
        assert!(
            matches!(code, Some(0..=2)) && !stderr(&o).contains("panicked"),
            "case {case}: ttm-lab {args:?} exited {code:?}\n{}",
            stderr(&o)
        );
    }
}

/// `ttm-lab code`: the expected text is written by hand from the pseudocode tables (tt.rs).
#[test]
fn code_view_of_creating_a_tt() {
    let o = ttm_lab(&["code", &scenario("pool-refill"), "--step", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "\
== step 0: create tt: 20 pages, tt_wc
  -> ttm_tt_init(tt=0, num_pages=20, page_flags=0)
     > 1  allocate the tt object and its empty page array
  <- ttm_tt_init = 0
  -> ttm_tt_set_caching(tt=0, c_state=tt_wc)
     > 1  if same caching as now: done
     > 2  if unpopulated: just record the new caching
  <- ttm_tt_set_caching = 0

Sources (Linux v3.3):
  ttm_tt_init         https://elixir.bootlin.com/linux/v3.3/A/ident/ttm_tt_init
  ttm_tt_set_caching  https://elixir.bootlin.com/linux/v3.3/A/ident/ttm_tt_set_caching
"
    );
}

/// The refill of the first page of a populate, nested five calls deep (page_alloc.rs tables).
#[test]
fn code_view_follows_the_refill() {
    let o = ttm_lab(&["code", "pool-refill", "--step", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = "\
== step 1: populate tt 0
  -> ttm_pool_populate(tt=0)
     > 1  if already populated: done
     > 2  for each slot: get one page of the tt's caching
    -> ttm_get_pages(tt=0, index=0, npages=1, flags=0, cstate=tt_wc)
       > 1  pick the pool from the caching and DMA32 flag
       > 3  take the pages from the pool (refilling it first if it is too empty for a small request)
      -> ttm_page_pool_get_pages(wc pool, count=1)
         > 1  refill the pool if needed
        -> ttm_page_pool_fill_locked(wc pool, count=1)
           > 1  if someone else is refilling: leave it
           > 2  if the pool is too empty for a small request: refill
           > 3  allocate alloc_size new pages with the pool's caching
          -> ttm_alloc_new_pages(count=512, cstate=tt_wc, dma32=false, zero=false)
             > 1  for each page: allocate one from the system onto the list
             > 3  set the caching of each full batch of lowmem pages, then of the rest
            -> set_pages_array_wc(count=512)
               > 1  change each page's kernel mapping to write-combined
            <- set_pages_array_wc = 0
          <- ttm_alloc_new_pages = 0
           > 4  splice them in at the pool's head
           > 5  count the refill and the new pages (after a failure: D3's count)
           > 6  done refilling
        <- ttm_page_pool_fill_locked = 0
         > 2  count out count pages, or all it holds if that is not more
         > 3  move them from the head into the caller's array (zeroed for ZERO_ALLOC)
      <- ttm_page_pool_get_pages = 0
    <- ttm_get_pages = 0
     > 3  charge the page to the accounting zones
";
    let out = stdout(&o);
    assert!(out.starts_with(want), "{out}");
    assert!(
        out.contains("  ttm_page_pool_fill_locked  "),
        "sources: {out}"
    );
    // An unknown option and a step out of range are errors.
    assert!(!ttm_lab(&["code", "pool-refill", "--json"]).status.success());
    assert!(!ttm_lab(&["code", "pool-refill", "--step", "9"])
        .status
        .success());
}

/// A reader that stops early (`ttm-lab run x --trace | head`) ends the runner quietly: status 0,
/// no panic message (std's `print!` would panic on the closed pipe).
#[test]
fn a_closed_output_pipe_ends_the_runner_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    for args in [
        vec!["run", "pool-refill", "--trace"],
        vec!["code", "pool-refill"],
        vec!["run", "pool-refill", "--json", "--trace"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ttm-lab"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut first = [0u8; 64];
        child
            .stdout
            .take()
            .expect("piped")
            .read_exact(&mut first)
            .expect("some output");
        // The read end is dropped here: every later write meets a closed pipe.
        let out = child.wait_with_output().expect("it ends");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `--ndjson`: one object per line, in order: the run, each step followed by its events, the
/// summary last; `--steps`, `--func` and `--kind` narrow it.
#[test]
fn ndjson_streams_one_object_per_line_and_filters_the_trace() {
    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let o = ttm_lab(args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
            .collect()
    };
    let all = lines(&["run", "pool-refill", "--ndjson", "--trace"]);
    assert_eq!(all[0]["type"], "run");
    assert_eq!(all.last().unwrap()["type"], "summary");
    // W3 again: after the whole walkthrough the summary is the final state.
    assert_eq!(all.last().unwrap()["pools"][0]["name"], "wc");
    let steps: Vec<_> = all.iter().filter(|v| v["type"] == "step").collect();
    assert_eq!(steps.len(), 3);
    let events: Vec<_> = all.iter().filter(|v| v["type"] == "event").collect();
    assert_eq!(
        events.len() as u64,
        all[0]["events"].as_u64().unwrap(),
        "every event once"
    );
    // Each step's events follow its record and carry its index.
    let second = all
        .iter()
        .position(|v| v["type"] == "step" && v["index"] == 1)
        .unwrap();
    assert_eq!(all[second + 1]["step"], 1);
    assert!(all[second + 1]["event"]["Mark"].is_object());

    // Step 1 only, the calls of ttm_page_pool_fill_locked (the refill) and what they call.
    let some = lines(&[
        "run",
        "pool-refill",
        "--ndjson",
        "--trace",
        "--steps",
        "1",
        "--func",
        "ttm_page_pool_fill_locked",
        "--kind",
        "enter",
    ]);
    let steps: Vec<_> = some.iter().filter(|v| v["type"] == "step").collect();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0]["index"], 1);
    let entered: Vec<&str> = some
        .iter()
        .filter(|v| v["type"] == "event")
        .map(|v| v["symbol"].as_str().unwrap())
        .collect();
    assert!(!entered.is_empty());
    assert!(
        entered.contains(&"ttm_page_pool_fill_locked"),
        "{entered:?}"
    );
    // The refill calls ttm_alloc_new_pages (spec 3.5); the populate around it is not shown.
    assert!(entered.contains(&"ttm_alloc_new_pages"), "{entered:?}");
    assert!(!entered.contains(&"ttm_pool_populate"), "{entered:?}");
    assert!(some
        .iter()
        .filter(|v| v["type"] == "event")
        .all(|v| v["step"] == 1 && v["event"]["Enter"].is_object()));
}

#[test]
fn the_text_trace_is_filtered_the_same_way() {
    let o = ttm_lab(&[
        "run",
        "pool-refill",
        "--trace",
        "--steps",
        "1-1",
        "--kind",
        "call,mark",
        "--func",
        "pool_populate",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let trace = out.split("Trace:").nth(1).expect("a trace section");
    assert!(trace.contains("== step 1: populate tt 0"), "{trace}");
    assert!(!trace.contains("== boot"), "{trace}");
    assert!(!trace.contains("delta"), "{trace}");
    assert!(trace.contains("-> ttm_pool_populate(tt=0)"), "{trace}");
    assert!(trace.contains("<- ttm_pool_populate = 0"), "{trace}");
    // The driver's wrapper calling it is outside the filter.
    assert!(!trace.contains("radeon_ttm_tt_populate"), "{trace}");
    // Bad filters are errors that name the value.
    for (args, wants) in [
        (
            vec!["run", "pool-refill", "--trace", "--func", "ttm_nothing"],
            "ttm_nothing",
        ),
        (
            vec!["run", "pool-refill", "--trace", "--kind", "deltas"],
            "deltas",
        ),
        (
            vec!["run", "pool-refill", "--steps", "2-9"],
            "numbered 0 to 2",
        ),
        (vec!["run", "pool-refill", "--kind", "delta"], "--trace"),
    ] {
        let o = ttm_lab(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(wants), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn generate_writes_scenarios_that_run() {
    let o = ttm_lab(&["generate", "churn", "--steps", "6"]);
    assert_eq!(o.status.code(), Some(0));
    let p = scratch("churn-6.json", &o.stdout);
    let o = ttm_lab(&["run", "--ndjson", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().last().unwrap()).unwrap();
    // Steps 0, 2 and 4 create one-page tts 0, 1 and 2; steps 1, 3 and 5 populate them.
    assert_eq!(summary["tts"].as_array().unwrap().len(), 3);
    assert!(summary["tts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["pages"] == 1));
    assert_eq!(
        ttm_lab(&["generate", "spiral", "--steps", "3"])
            .status
            .code(),
        Some(1)
    );
}
