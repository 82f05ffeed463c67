//! Several `ttm_bo_device`s on one machine (issue 17): each device has its own driver instance,
//! memory-type managers with their LRUs, mmap-offset allocator and delayed-destroy list, while
//! the `ttm_bo_global` (device list, swap LRU, bo_count), the accounting zones and the page pools
//! are shared (spec 6.1, 6.2, 6.8, 6.10, 6.13, 5.6). Every expected value is reasoned from the
//! spec in the comments.

mod common;
use common::*;
use ttm_core::bo_state::{list_id, LIST_DDESTROY, LIST_SWAP};
use ttm_core::consts::placement::*;
use ttm_core::hops::Place;
use ttm_core::trace::Event;
use ttm_core::*;

/// A radeon of `vram` pages of VRAM (all CPU-visible) with the default 32 MiB GTT.
fn radeon(vram: u64) -> DriverConfig {
    DriverConfig {
        vram_pages: Some(vram),
        visible_vram_pages: Some(vram),
        ..DriverConfig::default()
    }
}

/// Two radeon devices with 8 pages of VRAM each.
fn two_devices() -> Sim {
    sim_with(|c| {
        c.driver = radeon(8);
        c.devices = vec![radeon(8)];
    })
}

fn create_on(s: &mut Sim, device: u8, pages: u32, placement: &str) -> u32 {
    match s
        .run(&Action::BoCreate {
            pages,
            placement: placement.into(),
            kernel: false,
            via_ttm_bo_create: false,
            device,
        })
        .expect("BO created")
    {
        Output::Bo(b) => b,
        o => panic!("{o:?}"),
    }
}

fn bo(s: &Sim, id: u32) -> &ttm_core::bo_state::Bo {
    &s.state().bos[id as usize]
}

#[test]
fn each_device_has_its_own_managers_and_the_device_list_has_both() {
    let s = two_devices();
    let st = s.state();
    // spec 6.2: ttm_bo_device_init per device: SYSTEM (size 0), then radeon's TT (32 MiB =
    // 8192 pages) and VRAM (8 pages here), and the device joins glob->device_list.
    assert_eq!(st.device_count(), 2);
    for d in 0..2 {
        assert!(st.man(d, PL_SYSTEM as u8).has_type);
        assert_eq!(st.man(d, PL_SYSTEM as u8).size, 0);
        assert_eq!(st.man(d, PL_TT as u8).size, 8192);
        assert_eq!(st.man(d, PL_VRAM as u8).size, 8);
    }
    assert_eq!(st.ddestroy.len(), 2, "one delayed-destroy list per device");
    // Two boot actions, one ttm_bo_device_init each (its second argument is the device).
    let inits: Vec<u64> = s
        .trace()
        .events()
        .filter_map(|e| match e {
            Event::Enter {
                func: Func::BoDeviceInit,
                args,
            } => Some(args[1]),
            _ => None,
        })
        .collect();
    assert_eq!(inits, vec![0, 1]);
}

#[test]
fn eviction_in_one_devices_vram_never_touches_the_other_devices_bos() {
    let mut s = two_devices();
    // Device 0: A = 4 pages of VRAM at [0, 4) (best fit in the empty 8-page range, spec 6.2).
    let a = create_on(&mut s, 0, 4, "vram");
    // Device 1: B at [0, 4), C at [4, 8): device 1's VRAM is full. A's range is in device 0's
    // manager, so it does not count against device 1 (spec 6.1: bdev->man[] per device).
    let b = create_on(&mut s, 1, 4, "vram");
    let c = create_on(&mut s, 1, 4, "vram");
    assert_eq!((bo(&s, b).mem.start, bo(&s, c).mem.start), (0, 4));
    assert_eq!(bo(&s, a).mem.start, 0, "device 0's range is its own");
    // D on device 1: pass 1 finds no hole; pass 2 evicts the head of *device 1's* VRAM LRU
    // (spec 6.4 step 4, 6.9): B, the least recently unreserved. radeon with the ring ready
    // evicts VRAM to GTT (spec 7.2). D then takes B's hole [0, 4).
    let d = create_on(&mut s, 1, 4, "vram");
    assert_eq!(bo(&s, b).mem.mem_type as u32, PL_TT);
    assert!(bo(&s, b).evicted);
    assert_eq!(bo(&s, d).mem.mem_type as u32, PL_VRAM);
    assert_eq!(bo(&s, d).mem.start, 0);
    // A never moved: still device 0's VRAM [0, 4), not evicted, alone on device 0's VRAM LRU.
    assert_eq!(bo(&s, a).mem.mem_type as u32, PL_VRAM);
    assert_eq!(bo(&s, a).mem.start, 0);
    assert!(!bo(&s, a).evicted);
    let st = s.state();
    assert_eq!(
        st.man(0, PL_VRAM as u8)
            .lru
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![a]
    );
    // Device 1's VRAM LRU: C, then D (unreserved last); B is on device 1's TT LRU.
    assert_eq!(
        st.man(1, PL_VRAM as u8)
            .lru
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![c, d]
    );
    assert_eq!(
        st.man(1, PL_TT as u8)
            .lru
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![b]
    );
    assert!(st.man(0, PL_TT as u8).lru.is_empty());
    // Every ttm_mem_evict_first of the run was on device 1 (its second argument).
    let evicts: Vec<Vec<u64>> = calls_since(&s, 0, Func::MemEvictFirst);
    assert_eq!(evicts, vec![vec![PL_VRAM as u64, 1]]);
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn evict_mm_empties_only_the_named_devices_type() {
    let mut s = two_devices();
    let a = create_on(&mut s, 0, 2, "vram");
    let b = create_on(&mut s, 1, 2, "vram");
    // ttm_bo_evict_mm(bdev 1, VRAM) evicts until device 1's VRAM LRU is empty (spec 6.9).
    s.run(&Action::EvictMm {
        mem_type: PL_VRAM as u8,
        device: 1,
    })
    .unwrap();
    assert_eq!(bo(&s, b).mem.mem_type as u32, PL_TT);
    assert_eq!(bo(&s, a).mem.mem_type as u32, PL_VRAM);
}

#[test]
fn swapout_takes_the_head_of_the_global_swap_lru_whatever_its_device() {
    let mut s = two_devices();
    // X on device 1's GTT first, then Y on device 0's GTT: both have tts (bound, so populated,
    // spec 6.6 step 2c), and each unreserve appends to the one global swap LRU (spec 6.8).
    let x = create_on(&mut s, 1, 4, "gtt");
    let y = create_on(&mut s, 0, 4, "gtt");
    assert_eq!(
        s.state()
            .list(LIST_SWAP)
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![x, y]
    );
    // ttm_bo_swapout, the accounting shrink callback (spec 5.6, 6.10): the head is X, on
    // device 1, although nothing of device 0 was asked: it moves to SYSTEM|CACHED (step 3), its
    // tt is swapped out (step 5) and it sits on no LRU (step 6).
    s.run(&Action::BoSwapout).unwrap();
    let xt = bo(&s, x).tt.expect("X keeps its tt");
    assert!(s.state().tts[xt as usize].swapped());
    assert_eq!(bo(&s, x).mem.mem_type as u32, PL_SYSTEM);
    let st = s.state();
    assert!(!st.man(1, PL_TT as u8).lru.contains(&x));
    assert!(!st.man(1, PL_SYSTEM as u8).lru.contains(&x));
    // Y, the next head, is untouched.
    assert_eq!(
        st.list(LIST_SWAP).iter().copied().collect::<Vec<_>>(),
        vec![y]
    );
    assert_eq!(bo(&s, y).mem.mem_type as u32, PL_TT);
    // A second call takes Y, on device 0.
    s.run(&Action::BoSwapout).unwrap();
    let yt = bo(&s, y).tt.expect("Y keeps its tt");
    assert!(s.state().tts[yt as usize].swapped());
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn the_accounting_shrink_swaps_out_across_devices() {
    let mut s = two_devices();
    // X (device 1) then Y (device 0), 4 GTT pages each: swap LRU [X, Y].
    let x = create_on(&mut s, 1, 4, "gtt");
    let y = create_on(&mut s, 0, 4, "gtt");
    // 64 MiB machine, one zone "kernel": max_mem = 32 MiB (spec 5.2). ttm_mem_global_reserve
    // tests the limit before adding (spec 5.4), so a first charge of what is left below max_mem
    // plus one page is accepted and leaves the zone 4096 bytes above max_mem. The next charge
    // (one page) fails its reserve and shrinks (spec 5.4, 5.6): extra = 4096 + 1024 + 16 is
    // below the target (max_mem), so ttm_bo_swapout runs while used_mem > max_mem. Its first
    // call takes the global swap LRU head, X on device 1, and frees X's 4 populated pages
    // (16384 bytes, spec 5.7): used_mem drops to max_mem - 12288, the loop stops, and the
    // retried reserve succeeds. Y on device 0 stays.
    let z = &s.state().zones[0];
    let room = z.max_mem - z.used_mem;
    s.run(&Action::MemCharge {
        bytes: room + PAGE_SIZE,
    })
    .unwrap();
    let before = s.state().zones[0].used_mem;
    assert_eq!(before, s.state().zones[0].max_mem + PAGE_SIZE);
    s.run(&Action::MemCharge { bytes: PAGE_SIZE }).unwrap();
    assert_eq!(
        s.state().zones[0].used_mem,
        before - 4 * PAGE_SIZE + PAGE_SIZE
    );
    let swapped = |s: &Sim, b: u32| {
        let t = s.state().bos[b as usize].tt.unwrap();
        s.state().tts[t as usize].swapped()
    };
    assert!(swapped(&s, x), "the head of the global LRU, on device 1");
    assert!(!swapped(&s, y), "device 0's Y stays");
}

#[test]
fn each_device_has_its_own_mmap_offset_space() {
    let mut s = two_devices();
    // spec 6.2: each device's addr_space_mm starts at the driver's file_page_offset; radeon's
    // is DRM_FILE_PAGE_OFFSET = 0x100000 pages, so the first BO of either device gets the
    // offset 0x100000 << 12 = 4294967296 (the lowest hole of its own, empty, space).
    let a = create_on(&mut s, 0, 4, "gtt");
    let b = create_on(&mut s, 1, 4, "gtt");
    assert_eq!(bo(&s, a).vm_start, bo(&s, b).vm_start);
    let c = create_on(&mut s, 1, 4, "gtt");
    // The second BO of device 1 follows the first: 4 pages later.
    assert_eq!(bo(&s, c).vm_start, bo(&s, b).vm_start + 4);
}

#[test]
fn delayed_destroy_lists_are_per_device_and_the_deferred_work_runs_them_all() {
    let mut s = two_devices();
    let b = create_on(&mut s, 1, 2, "gtt");
    // A busy BO dropped goes on its own device's ddestroy list (spec 6.13).
    s.run(&Action::GpuExec { bo: b }).unwrap();
    s.run(&Action::BoUnref { bo: b }).unwrap();
    assert!(s.state().ddestroy[0].is_empty());
    assert_eq!(
        s.state().ddestroy[1].iter().copied().collect::<Vec<_>>(),
        vec![b]
    );
    let f = s.state().bos[b as usize].fence.unwrap();
    s.run(&Action::FenceSignal { fence: f }).unwrap();
    s.run(&Action::RunDeferredWork).unwrap();
    assert!(s.state().ddestroy[1].is_empty());
    assert!(!bo(&s, b).alive);
}

#[test]
fn trace_list_ids_name_the_device() {
    let mut s = two_devices();
    let from = s.trace().len();
    let b = create_on(&mut s, 1, 2, "vram");
    // Device 1's VRAM LRU is list 10 × 1 + 2 = 12; the swap LRU stays 8 for every device.
    assert_eq!(list_id(1, PL_VRAM as u8), 12);
    assert_eq!(list_id(1, LIST_SWAP), 8);
    assert_eq!(list_id(1, LIST_DDESTROY), 19);
    let lists: Vec<u8> = s
        .trace()
        .events_from(from)
        .filter_map(|e| match e {
            Event::Delta(Delta::Lru { list, bo, .. }) if bo == b => Some(list),
            _ => None,
        })
        .collect();
    assert_eq!(lists, vec![12], "one insert into device 1's VRAM LRU");
    // Replaying the trace on the boot state gives the live state (the encoding round-trips).
    let mut st = s.boot_state().clone();
    for e in s.trace().events() {
        if let Event::Delta(d) = e {
            st.apply(&d);
        }
    }
    assert_eq!(&st, s.state());
}

#[test]
fn the_stage_draws_every_devices_memory_types_with_their_device() {
    let mut s = two_devices();
    let b = create_on(&mut s, 1, 2, "vram");
    let stage = ttm_core::stage::stage(s.state());
    let names: Vec<&str> = stage.memory.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "device 0 SYSTEM",
            "device 0 TT",
            "device 0 VRAM",
            "device 1 SYSTEM",
            "device 1 TT",
            "device 1 VRAM"
        ]
    );
    let vram1 = &stage.memory[5];
    assert_eq!(vram1.place, Place::Memory(8 + PL_VRAM as u8));
    assert_eq!(vram1.bos, vec![b]);
    assert!(stage.memory[2].bos.is_empty());
    // One device: the names stay the plain type names.
    let one = stage_names(&sim());
    assert_eq!(one, vec!["SYSTEM", "TT", "VRAM"]);
}

fn stage_names(s: &Sim) -> Vec<String> {
    ttm_core::stage::stage(s.state())
        .memory
        .into_iter()
        .map(|m| m.name)
        .collect()
}

#[test]
fn a_bad_device_index_is_a_located_error() {
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "name": "x", "title": "x", "goal": "x",
 "machine": {"devices": [{}]},
 "steps": [
  {"do": {"action": "bo_create", "pages": 1, "placement": "vram",
          "device": 2}}
 ]}"#;
    let e = Scenario::load(text).unwrap_err();
    assert_eq!(e.path, "steps[0].do.device");
    assert_eq!(e.line, 5);
    assert!(e.message.contains("no device 2"), "{}", e.message);
    assert!(e.message.contains("2 device(s)"), "{}", e.message);
    // A bad extra driver is located inside machine.devices.
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "name": "x", "title": "x", "goal": "x",
 "machine": {"devices": [{}, {"vram_mib": 0}]},
 "steps": []}"#;
    let e = Scenario::load(text).unwrap_err();
    assert_eq!(e.path, "machine.devices[1].vram_mib", "{e:?}");
    assert!(e.message.contains("0 MiB"), "{}", e.message);
    // Several devices with AGP: a conflict naming both fields.
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "name": "x", "title": "x", "goal": "x",
 "machine": {"agp": true, "devices": [{}]},
 "steps": []}"#;
    let e = Scenario::load(text).unwrap_err();
    assert!(e.path.starts_with("machine."), "{e:?}");
    assert!(e.message.contains("agp"), "{}", e.message);
}

#[test]
fn queries_answer_per_device_paths_and_keep_the_old_ones_for_device_0() {
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "name": "x", "title": "x", "goal": "x",
 "machine": {"devices": [{"kind": "nouveau", "vram_mib": 32, "visible_vram_mib": 32}]},
 "steps": [
  {"do": {"action": "bo_create", "pages": 3, "placement": "vram", "device": 1},
   "expect": {"devices.1.driver": "nouveau", "devices.0.driver": "radeon",
              "device.1.manager.vram.size": 8192, "device.1.man.vram.lru": [0],
              "manager.vram.size": 4096, "manager.vram.lru": [],
              "device.1.driver": "nouveau", "bo.0.device": 1, "bo_count": 1}},
  {"do": {"action": "bo_create", "pages": 1, "placement": "vram"},
   "expect": {"bo.1.device": 0, "manager.vram.lru": [1], "device.0.manager.vram.lru": [1]}}
 ]}"#;
    // nouveau VRAM: vram_mib 32 = 32 × 256 = 8192 pages; radeon's default 16 MiB = 4096 pages.
    let run = Scenario::load(text).unwrap();
    assert!(run.mismatches.is_empty(), "{:?}", run.mismatches);
    // A device the machine does not have is a located error naming the devices, not a panic.
    let bad = text.replace("\"device.1.driver\"", "\"device.7.driver\"");
    let e = Scenario::load(&bad).unwrap_err();
    assert_eq!(e.path, "steps[0].expect[\"device.7.driver\"]");
    assert_eq!(e.line, 8);
    assert!(e.message.contains("devices 0 … 1"), "{}", e.message);
}

#[test]
fn the_stepper_goes_back_and_forth_over_a_run_on_two_devices() {
    // Eviction on device 1, a swap-out across devices and a delayed destroy: every delta kind
    // that names a device (BO creation, LRU and ddestroy lists, nodes of either device's
    // managers, on-card contents) is applied and reverted.
    let mut s = two_devices();
    let a = create_on(&mut s, 0, 4, "vram");
    s.run(&Action::BoWrite { bo: a, seed: 1 }).unwrap();
    for _ in 0..3 {
        let b = create_on(&mut s, 1, 4, "vram");
        s.run(&Action::BoWrite { bo: b, seed: 2 }).unwrap();
    }
    create_on(&mut s, 1, 2, "gtt");
    s.run(&Action::BoSwapout).unwrap();
    let c = create_on(&mut s, 0, 2, "gtt");
    s.run(&Action::GpuExec { bo: c }).unwrap();
    s.run(&Action::BoUnref { bo: c }).unwrap();
    assert!(s.findings().is_empty(), "{:?}", s.findings());
    let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
    let n = st.len();
    st.seek(n);
    assert_eq!(st.state(), s.state());
    while st.pos() > 0 {
        st.backward(Zoom::Change);
    }
    assert_eq!(st.state(), s.boot_state());
    st.seek(n / 2);
    st.seek(n);
    assert_eq!(st.state(), s.state());
}

#[test]
fn a_callback_on_a_second_driver_is_named_by_that_driver() {
    // radeon is device 0, nouveau device 1 (4 pages of VRAM). Two 4-page BOs on device 1's
    // VRAM: the second evicts the first (spec 6.9), asking nouveau's evict_flags (spec 7.3).
    let mut s = sim_with(|c| {
        c.devices = vec![DriverConfig {
            kind: DriverKind::Nouveau,
            ..radeon(4)
        }];
    });
    create_on(&mut s, 1, 4, "vram");
    let from = s.trace().len();
    create_on(&mut s, 1, 4, "vram");
    let (func, args) = s
        .trace()
        .events_from(from)
        .find_map(|e| match e {
            Event::Enter {
                func: Func::DrvEvictFlags,
                args,
            } => Some((Func::DrvEvictFlags, args)),
            _ => None,
        })
        .expect("an eviction asked the driver");
    assert_eq!(
        event_symbol(s.config().driver.kind, func, &args),
        "nouveau_bo_evict_flags"
    );
    // The narration of ttm_bo_evict names nouveau's callback too.
    let evict = s
        .trace()
        .events_from(from)
        .find_map(|e| match e {
            Event::Enter {
                func: Func::BoEvict,
                args,
            } => Some(args),
            _ => None,
        })
        .unwrap();
    let text = ttm_core::narrate::entry(&s, s.state(), Func::BoEvict, &evict);
    assert!(text.contains("nouveau_bo_evict_flags"), "{text}");
}

#[test]
fn a_linux_6_12_machine_has_one_device() {
    // The 6.12 model keeps one ttm_device: machine.devices is refused, and a step on device 1
    // is a located notice and is skipped (mspec 9.6's rule for steps without a counterpart).
    let text = r#"{"format": "ttm-lab-scenario", "version": 1, "name": "x", "title": "x", "goal": "x",
 "machine": {"kernel": "6.12"},
 "steps": [
  {"do": {"action": "bo_create", "pages": 1, "placement": "vram", "device": 1}}
 ]}"#;
    let run = Scenario::load(text).unwrap();
    assert_eq!(run.notices.len(), 1, "{:?}", run.notices);
    assert_eq!(run.notices[0].path, "steps[0].do.device");
    assert!(
        run.notices[0].message.contains("no device 1"),
        "{:?}",
        run.notices
    );
    assert_eq!(run.steps[0].result, "skipped");
    let e = Scenario::load(&text.replace(
        r#""kernel": "6.12""#,
        r#""kernel": "6.12", "devices": [{}]"#,
    ))
    .unwrap_err();
    assert_eq!(e.path, "machine.devices");
    assert!(e.message.contains("Linux 3.3 only"), "{}", e.message);
}

#[test]
fn a_bo_of_device_1_travels_between_device_1s_memory_types() {
    // W-style move on device 1: VRAM → (radeon's bounce through GTT, spec 7.2) → SYSTEM. The
    // places are device 1's managers, 8 × 1 + type (spec 6.1): VRAM 10, TT 9, SYSTEM 8, named
    // "device 1 …"; device 0's places (0, 1, 2) are not involved.
    let mut s = two_devices();
    let b = create_on(&mut s, 1, 4, "vram");
    let from = s.trace().len();
    s.run(&Action::BoValidate {
        bo: b,
        placement: "cpu".into(),
        pin: false,
    })
    .unwrap();
    let to = s.trace().len();
    let rec = Recording::new(std::rc::Rc::new(s), 10);
    let legs: Vec<(Place, Place)> = rec
        .hops(from, to)
        .into_iter()
        .filter(|h| h.what == ttm_core::hops::What::Bo(b))
        .map(|h| (h.from, h.to))
        .collect();
    assert_eq!(
        legs,
        vec![
            (Place::Memory(10), Place::Memory(9)),
            (Place::Memory(9), Place::Memory(8))
        ]
    );
    assert_eq!(
        ttm_core::present::place(rec.sim().state(), Place::Memory(10)),
        "device 1 VRAM"
    );
}
