//! The scenario language of issue 17: sizes in bytes and pages, placements of the file's own,
//! queries of every observable (a step's output, kernel call counts, tt data and slots, sysfs
//! read back, managers, acc_size, mmap offsets, reservations), interrupted waits and waiting
//! reserves. Every number is reasoned from the spec in the comment next to it.

use serde_json::{json, Value};
use ttm_core::Scenario;

/// A scenario around `machine` and `steps` (JSON texts).
fn file(machine: &str, steps: &str) -> String {
    format!(
        "{{\"format\": \"ttm-lab-scenario\", \"version\": 1, \"title\": \"t\",\n\"machine\": {machine},\n\"steps\": [\n{steps}\n]}}"
    )
}

/// Run a file that must load, and check that every expectation held.
fn passes(machine: &str, steps: &str) -> ttm_core::Run {
    let text = file(machine, steps);
    let run = Scenario::load(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(run.mismatches.is_empty(), "{:?}", run.mismatches);
    run
}

/// The error of a file that must not load.
fn fails(machine: &str, steps: &str) -> ttm_core::ScenarioError {
    Scenario::load(&file(machine, steps)).expect_err("the file must be refused")
}

#[test]
fn sizes_in_bytes_round_up_to_pages_as_the_kernel_does() {
    // spec 6.3 step 2: num_pages = ceil(size / PAGE_SIZE): 8,193 bytes = 2 pages + 1 byte = 3
    // pages; the BO's tt has as many pages (spec 2.3). 4096 bytes is exactly 1 page.
    passes(
        "{}",
        r#"{"do": {"action": "bo_create", "pages": "8193 bytes", "placement": "cpu"},
            "expect": {"bo.0.num_pages": 3, "tt.0.num_pages": 3}},
           {"do": {"action": "tt_create", "pages": "4096 B"}, "expect": {"tt.1.num_pages": 1}},
           {"do": {"action": "tt_create", "pages": "1 MiB"}, "expect": {"tt.2.num_pages": 256}},
           {"do": {"action": "swap_file_create", "pages": "5 pages"}, "expect": {"swap_file.0.num_pages": 5}}"#,
    );
}

#[test]
fn a_bad_size_is_a_located_error_naming_the_units() {
    let e = fails(
        "{}",
        r#"{"do": {"action": "tt_create", "pages": "3 parsecs"}}"#,
    );
    // The size itself: its field in the path, its place the value's first character.
    assert_eq!(e.path, "steps[0].do.pages", "{e}");
    assert!(e.message.contains("unknown unit \"parsecs\""), "{e}");
    assert!(e.message.contains("bytes"), "{e}");
    // Line 1 the header, 2 the machine, 3 `"steps": [`, 4 the step: `{"do": {"action":
    // "tt_create", "pages": "3 parsecs"}}`, where the value's quote is the 41st character.
    assert_eq!((e.line, e.column), (4, 41), "{e}");
}

#[test]
fn vram_and_gtt_in_pages() {
    // 300 pages of VRAM (not a whole MiB): the range manager spans [0, 300) (spec 6.2). A
    // 100-page BO takes the best-fit hole at 0, leaving [100, 300) = 200 pages free. All of the
    // VRAM is CPU-visible by default when only vram_pages is given.
    passes(
        r#"{"driver": {"vram_pages": 300, "gtt_pages": "1228800 bytes"}}"#,
        r#"{"do": {"action": "bo_create", "pages": 100, "placement": "vram"},
            "expect": {"manager.vram.size": 300, "manager.vram.used": 100,
                       "manager.vram.free": [[100, 200]], "manager.tt.size": 300,
                       "bo.0.start": 0, "manager.vram.lru": [0]}}"#,
    );
    let e = fails(
        r#"{"driver": {"vram_pages": 300, "visible_vram_pages": 301}}"#,
        "",
    );
    assert_eq!(e.path, "machine.driver.visible_vram_pages", "{e}");
    let e = fails(r#"{"driver": {"vram_pages": 0}}"#, "");
    assert_eq!(e.path, "machine.driver.vram_pages", "{e}");
}

#[test]
fn a_placement_of_the_files_own() {
    // radeon GTT allows CACHED|WC|UNCACHED and defaults to CACHED (spec 7.2). An entry asking
    // only for TT|WC: the BO's current caching (CACHED) is not among the entry's, the default
    // (CACHED) is not allowed by it, so the first allowed of CACHED, WC, UNCACHED is WC
    // (spec 6.4): placement TT|WC = 0x2 | 0x40000 = 262146.
    // A VRAM entry with fpfn 100, lpfn 200 puts a 10-page BO at the first page the range allows
    // in the empty VRAM: start 100 (spec 6.2, best fit inside [fpfn, lpfn)).
    passes(
        "{}",
        r#"{"do": {"action": "bo_create_placement", "pages": 4, "placement": {"placement": ["TT|WC"]}},
            "expect": {"bo.0.mem_type": 1, "bo.0.placement": 262146}},
           {"do": {"action": "bo_create_placement", "pages": 10,
                   "placement": {"fpfn": 100, "lpfn": 200, "placement": ["TTM_PL_FLAG_VRAM|WC"]}},
            "expect": {"bo.1.mem_type": 2, "bo.1.start": 100}}"#,
    );
}

#[test]
fn a_range_smaller_than_the_bo_is_einval() {
    // spec 6.5: lpfn - fpfn (5) < num_pages (10) → -EINVAL; the BO is dropped (spec 6.3 step 7).
    passes(
        "{}",
        r#"{"do": {"action": "bo_create_placement", "pages": 10,
                   "placement": {"fpfn": 100, "lpfn": 105, "placement": ["VRAM|WC"]}},
            "expect": {"result": "-EINVAL", "bo.0.alive": false}}"#,
    );
}

#[test]
fn busy_placements_and_pinning_directly() {
    // 1 MiB of VRAM = 256 pages. BO 0 (256 pages) fills it. BO 1 asks for VRAM in
    // placement[] and TT in busy_placement[]: pass 1 finds no hole, pass 2 tries TT first and
    // gets a node there without evicting (spec 6.4 step 4), so BO 0 stays in VRAM.
    // Validating BO 0 to VRAM|WC|NO_EVICT is compatible with where it is: only the extra bit
    // NO_EVICT is copied in (spec 6.5), and a NO_EVICT BO is on no LRU (spec 6.8).
    passes(
        r#"{"driver": {"vram_mib": 1, "visible_vram_mib": 1}}"#,
        r#"{"do": {"action": "bo_create", "pages": 256, "placement": "vram"}},
           {"do": {"action": "bo_create_placement", "pages": 16,
                   "placement": {"placement": ["VRAM|WC"], "busy_placement": ["TT|CACHED"]}},
            "expect": {"bo.1.mem_type": 1, "bo.0.mem_type": 2, "bo.0.evicted": false}},
           {"do": {"action": "bo_validate_placement", "bo": 0, "placement": {"placement": ["VRAM|WC|NO_EVICT"]}},
            "expect": {"bo.0.mem_type": 2, "bo.0.start": 0, "bo.0.lru_pos": null, "manager.vram.lru": []}}"#,
    );
}

#[test]
fn an_unknown_placement_flag_is_a_located_error() {
    let e = fails(
        "{}",
        r#"{"do": {"action": "bo_create_placement", "pages": 1, "placement": {"placement": ["TT|WB"]}}}"#,
    );
    // The word itself, the first of the `placement` list of the `placement` field.
    assert_eq!(e.path, "steps[0].do.placement.placement[0]", "{e}");
    assert!(e.message.contains("unknown placement flag \"WB\""), "{e}");
    let e = fails(
        "{}",
        r#"{"do": {"action": "bo_create_placement", "pages": 1, "placement": {"placement": [256]}}}"#,
    );
    assert!(e.message.contains("PRIV5"), "{e}");
}

#[test]
fn a_steps_output_and_its_kernel_calls() {
    // W3: a plain tt is populated by ttm_pool_populate (spec 3.12), which calls ttm_get_pages
    // once per page: 20 calls, each through ttm_page_pool_fill_locked (spec 3.4 step 3), which
    // refills the empty wc pool only the first time (512 pages). The shrink of 100 then frees
    // 100 of the 492 left: "pages left" = 392 (spec 3.9: the shrinker returns what the pools hold).
    passes(
        "{}",
        r#"{"do": {"action": "tt_create", "pages": 20, "caching": "wc"}, "expect": {"output": 0}},
           {"do": {"action": "tt_populate", "tt": 0},
            "expect": {"calls.ttm_pool_populate": 1, "calls.ttm_get_pages": 20,
                       "calls.ttm_page_pool_fill_locked": 20, "pool.wc.nrefills": 1,
                       "calls.ttm_pool_mm_shrink": 0}},
           {"do": {"action": "pool_shrink", "nr_to_scan": 100},
            "expect": {"output": 392, "calls.ttm_pool_mm_shrink": 1}}"#,
    );
    let e = fails(
        "{}",
        r#"{"do": {"action": "tt_create", "pages": 1}, "expect": {"calls.ttm_no_such_thing": 0}}"#,
    );
    assert!(e.message.contains("traces no kernel function"), "{e}");
}

#[test]
fn sysfs_stores_and_reads_back() {
    // spec 3.2: 8192 KiB = 2048 pages, above NUM_PAGES_TO_ALLOC (512) but not above 4096: stored
    // with a warning; read back as 2048 × 4 = 8192 KiB. The 64 MiB machine's pool_max_size is
    // max_mem / (2 × PAGE_SIZE) = 32 MiB / 8 KiB = 4096 pages, shown as 16384 KiB.
    let run = passes(
        "{}",
        r#"{"do": {"action": "sysfs_write", "attr": "pool_allocation_size", "value": "8192"},
            "expect": {"output.stored": 2048, "pool_opts.alloc_size": 2048,
                       "sysfs.pool.pool_allocation_size": 8192, "sysfs.pool.pool_max_size": 16384,
                       "pool_opts.max_size": 4096, "pool_opts.small": 16}}"#,
    );
    let warn = ttm_core::query::step_query(
        &ttm_core::query::StepView {
            sim: &run.sim,
            output: run.steps[0].output.as_ref(),
            start: ttm_core::trace::Trace::default().end(),
        },
        "output.warning",
    );
    assert!(matches!(warn, Some(Ok(Value::String(w))) if w.contains("not recommended")));
}

#[test]
fn a_bos_acc_size_mmap_offset_and_reservation() {
    // acc_size of a radeon BO of up to 512 pages (docs/scenarios.md, spec 5.7):
    // round_pot(560) + PAGE_ALIGN(n × 8) + PAGE_ALIGN(n × 8) + round_pot(128) = 1024 + 4096 +
    // 4096 + 128 = 9,344 bytes. mmap offsets: the allocator starts at file_page_offset 0x100000
    // pages (4 GiB); BO 0 (3 pages) gets [0, 3), so 4 GiB; BO 1 gets [3, 5): (0x100000 + 3) <<
    // 12 = 4,294,979,584; a kernel BO has none. After BO 0 is dropped, its hole [0, 3) is the
    // lowest that fits BO 3 (2 pages): 4 GiB again.
    passes(
        "{}",
        r#"{"do": {"action": "bo_create", "pages": 3, "placement": "cpu"},
            "expect": {"bo.0.acc_size": 9344, "bo.0.addr_space_offset": 4294967296, "bo.0.reserved": false, "bo_count": 1}},
           {"do": {"action": "bo_create", "pages": 2, "placement": "cpu"},
            "expect": {"bo.1.addr_space_offset": 4294979584}},
           {"do": {"action": "bo_create", "pages": 2, "placement": "cpu", "kernel": true},
            "expect": {"bo.2.addr_space_offset": null}},
           {"do": {"action": "bo_reserve", "bo": 1}, "expect": {"bo.1.reserved": true}},
           {"do": {"action": "bo_unreserve", "bo": 1}, "expect": {"bo.1.reserved": false}},
           {"do": {"action": "bo_unref", "bo": 0}, "expect": {"bo.0.addr_space_offset": null, "bo_count": 2}},
           {"do": {"action": "bo_create", "pages": 2, "placement": "cpu"},
            "expect": {"bo.3.addr_space_offset": 4294967296, "devices.0.bo_count": 3, "devices.0.mem_types": [0, 1, 2]}}"#,
    );
}

#[test]
fn a_plain_tts_data_slots_and_swap_storage() {
    // A 2-page cached tt without ZERO_ALLOC gets pages as the system hands them out, not
    // cleared (spec 1.1, 3.4 step 2): "stale". Written with seed 7 and swapped out, its pages go
    // to a new shmem file (swap file 0), the slots empty, the data readable there (spec 2.8).
    let run = passes(
        "{}",
        r#"{"do": {"action": "tt_create", "pages": 2}},
           {"do": {"action": "tt_populate", "tt": 0}, "expect": {"tt.0.data": "stale", "tt.0.swap_storage": null}},
           {"do": {"action": "tt_write", "tt": 0, "seed": 7}, "expect": {"tt.0.data": "seed 7"}},
           {"do": {"action": "tt_swapout", "tt": 0},
            "expect": {"tt.0.slots": [null, null], "tt.0.swap_storage": 0, "tt.0.data": "seed 7",
                       "swap_file.0.data": "seed 7", "swap_file.0.persistent": false}}"#,
    );
    let populated = run.summary_after(1);
    assert_eq!(populated.tts[0].pages, 2);
    // Before the swap-out each slot held a page frame: two numbers.
    let text = file(
        "{}",
        r#"{"do": {"action": "tt_create", "pages": 2}}, {"do": {"action": "tt_populate", "tt": 0}}"#,
    );
    let run = Scenario::load(&text).unwrap();
    let slots = ttm_core::query::step_query(
        &ttm_core::query::StepView {
            sim: &run.sim,
            output: None,
            start: run.sim.trace().end(),
        },
        "tt.0.slots",
    );
    let Some(Ok(Value::Array(s))) = slots else {
        panic!("{slots:?}")
    };
    assert!(s.iter().all(Value::is_u64), "{s:?}");
}

#[test]
fn unknown_fields_list_the_known_ones() {
    let e = fails(
        "{}",
        r#"{"do": {"action": "tt_create", "pages": 1}, "expect": {"tt.0.dataa": "none"}}"#,
    );
    assert_eq!(e.path, "steps[0].expect[\"tt.0.dataa\"]", "{e}");
    assert!(e.message.contains("swap_storage"), "{e}");
}

#[test]
fn a_signal_interrupts_a_fence_wait() {
    // BO 0 is busy (a GPU fence). Validating it to GTT moves it: ttm_bo_move_buffer first waits
    // for idle, interruptibly (spec 6.5); the planned signal ends the first such sleep and the
    // validate answers -ERESTARTSYS with the BO where it was and the fence pending. The same
    // validate again sleeps until the GPU passes the fence, then moves it.
    passes(
        r#"{"faults": {"signal": [1]}}"#,
        r#"{"do": {"action": "bo_create", "pages": 4, "placement": "cpu"}},
           {"do": {"action": "gpu_exec", "bo": 0}},
           {"do": {"action": "bo_validate", "bo": 0, "placement": "gtt"},
            "expect": {"result": "-ERESTARTSYS", "bo.0.mem_type": 0, "bo.0.busy": true}},
           {"do": {"action": "bo_validate", "bo": 0, "placement": "gtt"},
            "expect": {"result": "ok", "bo.0.mem_type": 1, "bo.0.busy": false}}"#,
    );
}

#[test]
fn a_waiting_reserve_sleeps_until_a_signal() {
    // spec 6.8: a reserve with no_wait false of a reserved BO sleeps; interruptible, a signal
    // ends it with -ERESTARTSYS and the user's reservation stays. A free BO is reserved at once.
    passes(
        r#"{"faults": {"signal": [1]}}"#,
        r#"{"do": {"action": "bo_create", "pages": 1, "placement": "cpu"}},
           {"do": {"action": "bo_reserve", "bo": 0}},
           {"do": {"action": "bo_reserve_wait", "bo": 0}, "expect": {"result": "-ERESTARTSYS", "bo.0.reserved": true}},
           {"do": {"action": "bo_unreserve", "bo": 0}},
           {"do": {"action": "bo_reserve_wait", "bo": 0}, "expect": {"result": "ok", "bo.0.reserved": true}}"#,
    );
    // With no signal planned, the sleep would never end: the file is refused at that step.
    let e = fails(
        "{}",
        r#"{"do": {"action": "bo_create", "pages": 1, "placement": "cpu"}},
           {"do": {"action": "bo_reserve", "bo": 0}},
           {"do": {"action": "bo_reserve_wait", "bo": 0}}"#,
    );
    assert_eq!(e.path, "steps[2].do", "{e}");
    assert!(e.message.contains("sleep forever"), "{e}");
}

#[test]
fn placements_round_trip_as_flag_names() {
    let text = file(
        "{}",
        r#"{"do": {"action": "bo_create_placement", "pages": 1, "placement": {"placement": [262146], "busy_placement": ["SYSTEM|CACHED"]}}}"#,
    );
    let sc = Scenario::from_json(&text).unwrap();
    let v: Value = serde_json::from_str(&sc.to_json()).unwrap();
    assert_eq!(
        v["steps"][0]["do"]["placement"],
        json!({"fpfn": 0, "lpfn": 0, "placement": ["TT|WC"], "busy_placement": ["SYSTEM|CACHED"]})
    );
    assert_eq!(Scenario::from_json(&sc.to_json()).unwrap(), sc);
}

#[test]
fn an_interrupted_eviction_makes_mem_space_answer_erestartsys() {
    // 1 MiB of VRAM (256 pages) is full of BO 0, which the GPU is using. BO 1 wants VRAM:
    // pass 2 evicts the LRU head, BO 0 (spec 6.9); ttm_bo_evict first waits for it to be idle,
    // interruptibly, and the planned signal ends that sleep: the eviction fails with
    // -ERESTARTSYS, which aborts the entry, and ttm_bo_mem_space answers -ERESTARTSYS because
    // it saw one (spec 6.4 steps 4, 5). ttm_bo_init drops the new BO (spec 6.3 step 7); BO 0
    // stays in VRAM, still busy.
    passes(
        r#"{"driver": {"vram_mib": 1, "visible_vram_mib": 1}, "faults": {"signal": [1]}}"#,
        r#"{"do": {"action": "bo_create", "pages": 256, "placement": "vram"}},
           {"do": {"action": "gpu_exec", "bo": 0}},
           {"do": {"action": "bo_create", "pages": 1, "placement": "vram"},
            "expect": {"result": "-ERESTARTSYS", "bo.1.alive": false, "bo.0.mem_type": 2,
                       "bo.0.busy": true, "bo.0.evicted": false}}"#,
    );
}

#[test]
fn an_interrupted_wait_in_a_fault_retries_the_fault() {
    // radeon with its ring moves a GTT BO into VRAM with a GPU blit and, not evicting,
    // pipelines it: TTM_BO_PRIV_FLAG_MOVING is set until the fence passes (spec 6.7, 7.2). A CPU
    // fault then waits for that fence, interruptibly (spec 6.12 step 3); the planned signal
    // ends the wait with -ERESTARTSYS, which the fault turns into VM_FAULT_NOPAGE with nothing
    // mapped (the fault is retried). The next fault waits the move out and maps pages.
    passes(
        r#"{"faults": {"signal": [1]}}"#,
        r#"{"do": {"action": "bo_create", "pages": 4, "placement": "gtt"}},
           {"do": {"action": "bo_validate", "bo": 0, "placement": "vram"}, "expect": {"bo.0.moving": true}},
           {"do": {"action": "bo_fault", "bo": 0, "page": 0},
            "expect": {"output": {"result": "VM_FAULT_NOPAGE", "ptes": 0}, "bo.0.moving": true}},
           {"do": {"action": "bo_fault", "bo": 0, "page": 0},
            "expect": {"output.result": "VM_FAULT_NOPAGE", "output.ptes": 4, "bo.0.moving": false}}"#,
    );
}

#[test]
fn kmap_types_and_fault_ptes_as_outputs() {
    // spec 6.11: a SYSTEM|CACHED BO is not I/O memory; one page of a cached placement is
    // kmapped (ttm_bo_map_kmap), more pages are vmapped (ttm_bo_map_vmap). spec 6.12: a fault
    // on page 0 of a 20-page BO prefaults TTM_BO_VM_NUM_PREFAULT = 16 pages.
    passes(
        "{}",
        r#"{"do": {"action": "bo_create", "pages": 20, "placement": "cpu"}},
           {"do": {"action": "bo_kmap", "bo": 0, "start": 0, "num": 1}, "expect": {"output": "ttm_bo_map_kmap"}},
           {"do": {"action": "bo_kunmap", "bo": 0}, "expect": {"output": null}},
           {"do": {"action": "bo_kmap", "bo": 0, "start": 0, "num": 2}, "expect": {"output": "ttm_bo_map_vmap"}},
           {"do": {"action": "bo_kunmap", "bo": 0}},
           {"do": {"action": "bo_fault", "bo": 0, "page": 0}, "expect": {"output.ptes": 16, "bo.0.ptes": 16}}"#,
    );
}

#[test]
fn an_empty_placement_list_names_no_memory_type() {
    // spec 6.4 step 3: pass 1 sets type_found only for an entry of placement[] naming an
    // initialised type; with placement[] empty it stays false and ttm_bo_mem_space answers
    // -EINVAL before pass 2, even with a busy list. The BO stays where it was.
    passes(
        "{}",
        r#"{"do": {"action": "bo_create", "pages": 1, "placement": "cpu"}},
           {"do": {"action": "bo_validate_placement", "bo": 0, "placement": {"placement": []}},
            "expect": {"result": "-EINVAL", "bo.0.mem_type": 0}},
           {"do": {"action": "bo_validate_placement", "bo": 0,
                   "placement": {"placement": [], "busy_placement": ["TT|CACHED"]}},
            "expect": {"result": "-EINVAL", "bo.0.mem_type": 0}}"#,
    );
}
