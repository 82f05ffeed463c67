//! Regression tests for the defects an independent harness found (issue 11), each built from the
//! example in the issue. The harness that finds this class of defect is `stress/` (see
//! docs/RELIABILITY.md).

mod common;
use common::*;
use std::rc::Rc;
use ttm_core::config::{Fidelity, SysfsAttr};
use ttm_core::*;

/// A sysfs write with no digits is ignored by the kernel's `sscanf("%llu")` (it reaches no
/// store function), so it records only its user-action Mark: one event.
fn pad_to(s: &mut Sim, len: u64) {
    while s.trace().len() < len {
        let before = s.trace().len();
        let out = s
            .run(&Action::SysfsWrite {
                attr: SysfsAttr::SwapLimit,
                zone: 0,
                value: "not a number".into(),
            })
            .unwrap();
        assert!(matches!(out, Output::Sysfs(_)));
        assert_eq!(
            s.trace().len(),
            before + 1,
            "a rejected write adds one event"
        );
    }
    assert_eq!(s.trace().len(), len);
}

/// Defect 1: the stepper stored no checkpoint for the end of a trace whose length is an exact
/// multiple of the checkpoint spacing (65,536), so `seek(len)` and `call_stack` there panicked.
/// Example from the issue: default machine, fixed fidelity, a 3,090-page wc tt populated, then
/// ignored sysfs writes up to 65,536 events (the stress harness covers the further multiples).
#[test]
fn stepper_reaches_the_end_of_a_trace_of_a_checkpoint_multiple() {
    let mut s = sim_with(|c| c.fidelity = Fidelity::Fixed);
    let tt = create(&mut s, 3090, Caching::Wc); // the example
    populate(&mut s, tt);
    assert!(s.trace().len() < stepper::STATE_CHECKPOINT_EVERY);
    pad_to(&mut s, stepper::STATE_CHECKPOINT_EVERY);
    let mut st = Stepper::new(Rc::new(s.clone()));
    st.seek(st.len());
    assert_eq!(st.pos(), st.len());
    assert_eq!(st.state(), s.state(), "end state at {} events", st.len());
    assert!(
        st.call_stack().is_empty(),
        "no call is open after the last action"
    );
    // Back and forth across the last checkpoint: the replayed state at len - 1, then the end.
    st.seek(st.len() - 1);
    assert_eq!(st.state(), &replay(&s, st.len() - 1));
    st.forward(Zoom::Change);
    assert_eq!(st.pos(), st.len());
}

/// Run `actions` in order on a machine, ignoring what the kernel answers (errors included).
fn run_all(cfg: MachineConfig, actions: &[Action]) -> Sim {
    let mut s = Sim::new(cfg).expect("config boots");
    for a in actions {
        let _ = s.run(a);
    }
    s
}

/// No invariant of spec 11 broke at any step: no finding about pages, counters or accounting.
fn assert_conserved(s: &Sim) {
    for (at, f) in s.findings() {
        assert!(
            !matches!(
                f,
                trace::Finding::PageConservation { .. }
                    | trace::Finding::PoolCountMismatch { .. }
                    | trace::Finding::AccountingMismatch { .. }
                    | trace::Finding::TtStateMismatch { .. }
            ),
            "event {at}: {f:?}"
        );
    }
}

fn bo_create(pages: u32, placement: &str) -> Action {
    Action::BoCreate {
        pages,
        placement: placement.into(),
        kernel: false,
        via_ttm_bo_create: false,
        device: 0,
    }
}

fn validate(bo: u32, placement: &str) -> Action {
    Action::BoValidate {
        bo,
        placement: placement.into(),
        pin: false,
    }
}

/// Defect 2: before the seed, `__ttm_tt_get_page` holds its page on a list of its own while it
/// charges it; the charge can shrink (`ttm_bo_swapout` frees another tt's pages through
/// `ttm_page_pool_free`, which collects its batch in an array of its own). The model used one
/// shared private list, so the nested free took the parked page too. Example from the issue:
/// 8 MiB, x86-32 highmem, E1, nouveau, root; a 57-page BO validated VRAM → TT, 6,046,534 bytes
/// charged, then validated to VRAM and to SYSTEM. Checked in both fidelities: the pages must all
/// be accounted for (no PageConservation), and `pages_out_of_system` must not wrap.
#[test]
fn a_nested_pool_free_leaves_the_callers_page_alone() {
    for fidelity in [Fidelity::Fixed, Fidelity::Faithful] {
        let mut cfg = MachineConfig {
            ram_bytes: 8 << 20,
            arch: config::Arch::X86_32Highmem,
            era: config::Era::E1,
            fidelity,
            root: true,
            ..MachineConfig::default()
        };
        cfg.driver.kind = config::DriverKind::Nouveau;
        let s = run_all(
            cfg,
            &[
                bo_create(57, "vram"),
                validate(0, "tt"),
                Action::MemCharge { bytes: 6_046_534 },
                validate(0, "vram"),
                validate(0, "system"),
            ],
        );
        assert_conserved(&s);
        let ram_pages = (8u64 << 20) / 4096;
        assert!(s.state().pages_out_of_system() <= ram_pages, "{fidelity:?}");
        assert!(
            s.state().phys.locals.is_empty(),
            "no private list outlives its call"
        );
    }
}

fn sysfs(attr: SysfsAttr, value: &str) -> Action {
    Action::SysfsWrite {
        attr,
        zone: 0,
        value: value.into(),
    }
}

/// Defect 3: a validate to GTT changes the tt's caching (ttm_tt_set_placement_caching) before
/// the bind that fails, leaving a write-combined tt under a SYSTEM|CACHED BO; 3.3's
/// `ttm_bo_swapout` tests only the BO's placement, so `ttm_tt_swapout` hits its BUG_ON (spec
/// 2.8). Example from the issue: 8 MiB, E2, AGP; a 1-page BO in "cpu"; available_memory set to
/// 1 KiB so the validate to "gtt" fails with -ENOMEM; available_memory back to 4096 KiB; a CPU
/// fault populates the tt; then ttm_bo_swapout. Faithful mode keeps 3.3's BUG and names it;
/// fixed mode moves the BO to SYSTEM|CACHED first and swaps out.
#[test]
fn a_failed_validate_does_not_lead_fixed_mode_to_a_swapout_bug() {
    let steps = [
        bo_create(1, "cpu"),
        sysfs(SysfsAttr::AvailableMemory, "1"),
        validate(0, "gtt"),
        sysfs(SysfsAttr::AvailableMemory, "4096"),
        Action::BoFault { bo: 0, page: 0 },
        Action::BoSwapout,
    ];
    let machine = |fidelity| MachineConfig {
        ram_bytes: 8 << 20,
        era: config::Era::E2,
        fidelity,
        agp: true,
        ..MachineConfig::default()
    };
    let mut s = Sim::new(machine(Fidelity::Faithful)).unwrap();
    let results: Vec<_> = steps.iter().map(|a| s.run(a)).collect();
    assert!(
        matches!(results[2], Err(SimError::Kernel(Errno::Enomem))),
        "the validate fails: {:?}",
        results[2]
    );
    let tt = s.state().bos[0].tt.expect("the failed validate left a tt") as usize;
    assert!(matches!(results[5], Err(SimError::Kernel(Errno::Bug))));
    assert!(s.findings().iter().any(|(_, f)| matches!(
        f,
        trace::Finding::Bug {
            what: trace::BugKind::SwapoutNotCached,
            ..
        }
    )));
    let mut s = Sim::new(machine(Fidelity::Fixed)).unwrap();
    let results: Vec<_> = steps.iter().map(|a| s.run(a)).collect();
    assert!(matches!(results[2], Err(SimError::Kernel(_))));
    assert_eq!(results[5], Ok(Output::Done), "fixed mode swaps the BO out");
    let t = &s.state().tts[tt];
    assert!(t.swapped() && t.caching == Caching::Cached);
    assert!(!s
        .findings()
        .iter()
        .any(|(_, f)| matches!(f, trace::Finding::Bug { .. })));
    assert_conserved(&s);
}

/// Defect 4: PERSISTENT_SWAP stays set after a swap-in (spec 2.9), so a later swap-out to a new
/// shmem file is taken for persistent storage and `ttm_tt_destroy` never releases it. Example
/// from the issue: a 1-page tt populated, swapped out to persistent file 0, populated (swapped
/// in), swapped out again without a file, destroyed. Faithful: the second file leaks (a
/// SwapFileLeaked finding); fixed: every file but the persistent one is released.
#[test]
fn a_swap_in_forgets_the_persistent_storage_in_fixed_mode() {
    let steps = [
        Action::TtCreate {
            pages: 1,
            caching: Caching::Cached,
            flags: 0,
            dma: false,
        },
        Action::TtPopulate { tt: 0 },
        Action::SwapFileCreate { pages: 1 },
        Action::TtSwapout {
            tt: 0,
            persistent: Some(0),
        },
        Action::TtPopulate { tt: 0 },
        Action::TtSwapout {
            tt: 0,
            persistent: None,
        },
        Action::TtDestroy { tt: 0 },
    ];
    for fidelity in [Fidelity::Faithful, Fidelity::Fixed] {
        let mut s = Sim::new(MachineConfig {
            fidelity,
            ..MachineConfig::default()
        })
        .unwrap();
        for a in &steps {
            s.run(a).unwrap_or_else(|e| panic!("{a:?}: {e:?}"));
        }
        let files = &s.state().swap_files;
        assert_eq!(files.len(), 2, "the persistent file and one shmem file");
        let leaked = s
            .findings()
            .iter()
            .any(|(_, f)| matches!(f, trace::Finding::SwapFileLeaked { file: 1 }));
        match fidelity {
            Fidelity::Faithful => assert!(leaked && !files[1].released),
            Fidelity::Fixed => assert!(!leaked && files[1].released),
        }
    }
}

/// Found by ttm-stress (seed 1000451, shrunk): with swiotlb, a radeon BO moved VRAM → GTT gets
/// a WC tt from the "wc" DMA pool; `ttm_bo_swapout` moves it to SYSTEM|CACHED, which converts
/// the pages to write-back in place, and `ttm_dma_unpopulate` then finds no "cached" pool and
/// returns (spec 4.4 step 1): the tt is marked SWAPPED while it still holds its 30 pages, which
/// stay charged. Faithful mode keeps that (DmaUnpopulateNoPool); fixed mode frees the 30 pages
/// to the system and uncharges them, so the swapped tt is unpopulated and the zone charges only
/// the BO's acc_size.
#[test]
fn fixed_mode_unpopulates_a_dma_tt_whose_pool_does_not_exist() {
    for fidelity in [Fidelity::Faithful, Fidelity::Fixed] {
        let mut cfg = MachineConfig {
            ram_bytes: 8 << 20,
            fidelity,
            swiotlb: true,
            ..MachineConfig::default()
        };
        cfg.driver.accel = false;
        cfg.driver.vram_mib = 10;
        cfg.driver.visible_vram_mib = 2;
        let s = run_all(
            cfg,
            &[bo_create(30, "vram"), validate(0, "gtt"), Action::BoSwapout],
        );
        let tt = &s.state().tts[s.state().bos[0].tt.unwrap() as usize];
        assert!(tt.swapped());
        let no_pool = s
            .findings()
            .iter()
            .any(|(_, f)| matches!(f, trace::Finding::DmaUnpopulateNoPool { .. }));
        let acc = s.state().bos[0].acc_size;
        match fidelity {
            Fidelity::Faithful => {
                assert!(no_pool);
                assert_eq!(tt.pages_present(), 30);
                assert_eq!(s.state().zones[0].used_mem, acc + 30 * 4096);
            }
            Fidelity::Fixed => {
                assert!(!no_pool);
                assert_eq!((tt.state, tt.pages_present()), (TtState::Unpopulated, 0));
                assert_eq!(s.state().zones[0].used_mem, acc);
                assert_conserved(&s);
            }
        }
    }
}
