//! Then and now (issue 18, item 3): one scenario on Linux 3.3 and on Linux 6.12, step by step,
//! with the divergences marked. The numbers are the specifications' worked examples: W3/W4 for
//! 3.3 (a 20-page WC tt populated from an empty pool: one refill of 512 pages, 492 left; 512 back
//! after the unpopulate) against M2/M3 for 6.12 (the same tt: an order-4 and an order-2 block,
//! one set_pages_array_wc over 20 pages; both blocks on their pool types afterwards; a
//! repopulate takes them back with no fresh page and no caching call).

use ttm_core::compare::{then_and_now, ThenAndNow};
use ttm_core::*;

fn pool_refill() -> (scenario::Run, scenario::Run, ThenAndNow) {
    let sc = catalog::load("pool-refill").unwrap().unwrap();
    then_and_now(&sc).unwrap()
}

fn what(c: &ThenAndNow, step: usize) -> Vec<&str> {
    c.rows[step]
        .divergences
        .iter()
        .map(|d| d.what.as_str())
        .collect()
}

#[test]
fn the_two_runs_are_the_two_kernels() {
    let (a, b, _) = pool_refill();
    assert_eq!(a.sim.config().kernel, Kernel::V3_3);
    assert_eq!(b.sim.config().kernel, Kernel::V6_12);
}

#[test]
fn w3_refill_against_m2_blocks() {
    let (_, _, c) = pool_refill();
    // Creating the tt allocates nothing on either kernel (spec 2.3, mspec 3.2).
    assert!(c.rows[0].divergences.is_empty(), "{:?}", c.rows[0]);
    let r = &c.rows[1];
    // W3: the first ttm_get_pages refills the wc pool with 512 pages, 492 stay in the pool.
    assert_eq!(r.then.fresh_pages, 512);
    assert_eq!(r.then.allocations, "1 batch of 512 pages");
    assert_eq!(r.then.caching, "set_pages_array_wc ×1 over 512 pages");
    assert_eq!(
        (r.then.pooled_pages, r.then.pooled.as_str()),
        (492, "wc 492")
    );
    // M2: order 4 (16 pages) then order 2 (4 pages), one batched caching call over 20 pages.
    assert_eq!(r.now.fresh_pages, 20);
    assert_eq!(r.now.allocations, "2 blocks: order 4, order 2");
    assert_eq!(r.now.caching, "set_pages_array_wc ×1 over 20 pages");
    assert_eq!((r.now.pooled_pages, r.now.pooled.as_str()), (0, "empty"));
    // Both count the 20 populated pages against their limit: W3's kernel zone holds
    // 20 × 4096 = 81,920 bytes, M2's ttm_pages_allocated is 20.
    assert_eq!(r.then.charged_bytes, 81_920);
    assert_eq!(r.now.charged_bytes, 20 * 4096);
    assert_eq!(what(&c, 1), ["fresh pages", "caching", "pools"]);
    assert_eq!(c.first_divergence, Some(1));
    let fresh = &r.divergences[0];
    assert!(
        fresh.why.contains("spec 3.4, 3.5") && fresh.why.contains("mspec 4.4"),
        "{fresh:?}"
    );
    // The tt holds 20 pages on both (unbound on 3.3; 6.12 has no bound state at all).
    assert_eq!(r.then.tts, ["tt 0: 20/20 pages"]);
    assert_eq!(r.now.tts, r.then.tts);
}

#[test]
fn w4_list_against_m2_pool_types() {
    let (_, _, c) = pool_refill();
    let r = &c.rows[2];
    // W4: every page goes back to the wc pool: 512 pages, nothing freed.
    assert_eq!((r.then.pooled_pages, r.then.freed_pages), (512, 0));
    // M2: the order-4 block on wc[4], the order-2 block on wc[2]: 20 pages pooled.
    assert_eq!(r.now.pooled_pages, 20);
    assert_eq!(r.now.pooled, "wc[2] ×1, wc[4] ×1");
    assert_eq!((r.then.charged_bytes, r.now.charged_bytes), (0, 0));
    assert_eq!(what(&c, 2), ["pools"]);
}

#[test]
fn the_files_3_3_expectations_are_reported_not_hidden() {
    let (_, _, c) = pool_refill();
    let r = &c.rows[1];
    // The walkthrough states 3.3's pool and zone values: 6.12 has neither (mspec 9.2, 9.3).
    assert!(r.unmatched.contains(&"pool.wc.npages".to_string()), "{r:?}");
    assert!(r.unmatched.contains(&"zone.kernel.used_mem".to_string()));
    // pages_out_of_system exists on both: the file expects W3's 512, 6.12 has taken M2's 20.
    assert_eq!(r.expectations, ["pages_out_of_system: 512 → 20"]);
}

#[test]
fn m3_repopulate_takes_the_blocks_back_without_a_caching_call() {
    let text = r#"{
  "format": "ttm-lab-scenario", "version": 1, "title": "M3 against W3 again",
  "machine": { "ram_bytes": 67108864 },
  "steps": [
    { "do": { "action": "tt_create", "pages": 20, "caching": "wc" } },
    { "do": { "action": "tt_populate", "tt": 0 } },
    { "do": { "action": "tt_unpopulate", "tt": 0 } },
    { "do": { "action": "tt_populate", "tt": 0 } }
  ]
}"#;
    let sc = Scenario::from_json(text).unwrap();
    let (_, _, c) = then_and_now(&sc).unwrap();
    let r = &c.rows[3];
    // M3: 0 fresh allocations, 0 caching calls, pools empty again.
    assert_eq!((r.now.fresh_pages, r.now.allocations.as_str()), (0, "none"));
    assert_eq!(r.now.caching, "none");
    assert_eq!(r.now.pooled_pages, 0);
    // 3.3 serves the 20 pages from the 512 in the pool (W3's second half): 492 stay, no refill.
    assert_eq!((r.then.fresh_pages, r.then.pooled_pages), (0, 492));
    assert_eq!(r.then.caching, "none");
    assert_eq!(what(&c, 3), ["pools"]);
}

#[test]
fn bo_metadata_is_charged_only_on_3_3() {
    // spec 5.7: creating a BO charges its acc_size to the kernel zone; mspec 9.3: 6.12 has no
    // such charge, and a BO in VRAM holds no tt pages.
    let sc = catalog::load("eviction-order").unwrap().unwrap();
    let (_, _, c) = then_and_now(&sc).unwrap();
    let r = &c.rows[0];
    assert!(r.then.charged_bytes > 0);
    assert_eq!(r.now.charged_bytes, 0);
    assert_eq!(what(&c, 0), ["charged"]);
    // Both place the BO in VRAM.
    assert_eq!(r.then.bos, ["BO 0: VRAM"]);
    assert_eq!(r.now.bos, r.then.bos);
    // 3.3's LRU positions have no 6.12 field of that name; the placement itself replays.
    assert!(r.unmatched.contains(&"bo.0.lru_pos".to_string()), "{r:?}");
    assert!(!r.unmatched.iter().any(|k| k == "bo.0.mem_type"), "{r:?}");
}

#[test]
fn every_walkthrough_compares_on_both_kernels() {
    for name in catalog::names() {
        let sc = catalog::load(name).unwrap().unwrap();
        if sc.machine.kernel == Kernel::V6_12 {
            // A walkthrough written for 6.12 has no way back to 3.3 (mspec 9.6 translates
            // only forward): a clear error, not a half-run comparison.
            let e = then_and_now(&sc).unwrap_err();
            assert!(e.message.contains("written for Linux 6.12"), "{name}: {e}");
            continue;
        }
        let (a, b, c) = then_and_now(&sc).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.rows.len(), sc.steps.len(), "{name}");
        assert_eq!(c.rows.len(), a.steps.len().min(b.steps.len()), "{name}");
        for r in &c.rows {
            // A skipped 6.12 step always says why.
            if r.now.result == "skipped" {
                assert!(!r.notes.is_empty(), "{name} step {}: {r:?}", r.step);
            }
            for d in &r.divergences {
                assert_ne!(d.then, d.now, "{name} step {}: {d:?}", r.step);
                assert!(d.why.contains("spec"), "{d:?}");
            }
        }
        assert_eq!(
            c.first_divergence,
            c.rows.iter().position(|r| !r.divergences.is_empty()),
            "{name}"
        );
    }
}

/// A replay on another kernel drops the file's narration (written for 3.3: "refilled it with
/// 512 pages"), so neither the viewer nor an exercise's explanation tells the 3.3 story of a
/// 6.12 run; on the file's own kernel it stays.
#[test]
fn a_replay_leaves_out_the_files_own_words() {
    let sc = catalog::load("pool-refill").unwrap().unwrap();
    let own = sc.run().unwrap();
    assert!(own.steps[1].say.as_deref().unwrap().contains("512"));
    let mut m = sc.machine.clone();
    m.kernel = Kernel::V6_12;
    let replay = sc.run_with(m).unwrap();
    assert!(replay.steps.iter().all(|r| r.say.is_none()));
    // Another machine on the same kernel keeps them (its numbers may differ, its story not).
    let mut e1 = sc.machine.clone();
    e1.era = Era::E1;
    assert!(sc.run_with(e1).unwrap().steps[1].say.is_some());
}

/// The DMA-aware pool against 6.12's device pool types (spec 4.2, W13: a
/// 20-page WC populate from an empty DMA pool refills `small` = 4 pages at a time, at pages 1,
/// 2, 6, 10, 14 and 18: six top-ups, 24 pages; mspec 4.1: with use_dma_alloc the device's own
/// pool types serve, by order, 16 + 4 pages); and cached pages, which 3.3 takes one at a time
/// from the page allocator without a pool (spec 3.1, 3.4: vmwgfx's 8-page BO).
#[test]
fn dma_top_ups_and_cached_single_pages_against_blocks() {
    let sc = catalog::load("dma-pool").unwrap().unwrap();
    let (_, _, c) = then_and_now(&sc).unwrap();
    let r = &c.rows[1];
    assert_eq!(r.then.fresh_pages, 24);
    assert_eq!(r.then.allocations, "6 batches of 4, 4, 4, 4, 4, 4 pages");
    assert_eq!(r.now.allocations, "2 blocks: order 4, order 2");
    // The unpopulate gives 6.12's blocks to the device's own pool types.
    assert_eq!(c.rows[2].now.pooled, "device_wc[2] ×1, device_wc[4] ×1");
    let sc = catalog::load("vmwgfx-gmr").unwrap().unwrap();
    let (_, _, c) = then_and_now(&sc).unwrap();
    assert_eq!(c.rows[0].then.allocations, "8 single pages");
    // 6.12's generic driver has no GMR manager (mspec 8.1): the step says so.
    assert!(!c.rows[0].notes.is_empty(), "{:?}", c.rows[0]);
}
