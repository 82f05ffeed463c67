//! Property tests of the Linux 6.12 model (mspec 11.1): any sequence of 6.12 actions and of 3.3
//! actions replayed by mspec 9.6, with injected faults, never panics; the invariant checker
//! finds nothing after every step; the trace replays to the live state and reverts to boot; the
//! stepper agrees with a replay at every step boundary.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use ttm_core::modern::{place_flags as pf, PL_SYSTEM, PL_TT, PL_VRAM};
use ttm_core::trace::Event;
use ttm_core::*;

fn caching() -> impl Strategy<Value = Caching> {
    prop_oneof![
        Just(Caching::Cached),
        Just(Caching::Wc),
        Just(Caching::Uncached)
    ]
}

fn place() -> impl Strategy<Value = TtmPlace> {
    (
        prop::sample::select(vec![PL_SYSTEM, PL_TT, PL_VRAM]),
        prop::sample::select(vec![
            0,
            pf::DESIRED,
            pf::FALLBACK,
            pf::TOPDOWN,
            pf::CONTIGUOUS,
        ]),
        prop::option::of((0u64..200, 0u64..300)),
    )
        .prop_map(|(mem_type, flags, range)| {
            let (fpfn, lpfn) = match range {
                Some((a, b)) if b > a => (a, b),
                _ => (0, 0),
            };
            TtmPlace {
                mem_type,
                flags,
                fpfn,
                lpfn,
            }
        })
}

fn action() -> impl Strategy<Value = Action> {
    let tt = 0u32..6;
    let bo = 0u32..8;
    prop_oneof![
        3 => (1u32..600, caching(), prop::sample::select(vec![0, page_flags::ZERO_ALLOC, page_flags::DMA32]))
            .prop_map(|(pages, caching, flags)| Action::TtCreate { pages, caching, flags, dma: false }),
        4 => tt.clone().prop_map(|tt| Action::TtPopulate { tt }),
        3 => tt.clone().prop_map(|tt| Action::TtUnpopulate { tt }),
        1 => tt.clone().prop_map(|tt| Action::TtSwapout { tt, persistent: None }),
        1 => tt.clone().prop_map(|tt| Action::TtDestroy { tt }),
        1 => (tt.clone(), 0u32..50).prop_map(|(tt, seed)| Action::TtWrite { tt, seed }),
        1 => tt.clone().prop_map(|tt| Action::TtBind { tt }),
        1 => (0u64..2000).prop_map(|nr_to_scan| Action::PoolShrink { nr_to_scan }),
        2 => (0u32..4).prop_map(|scans| Action::PoolShrinkerScan { scans }),
        1 => (prop::sample::select(vec![ModuleParam::PagePoolSize, ModuleParam::PagesLimit, ModuleParam::Dma32PagesLimit]), 0u64..3000)
            .prop_map(|(param, value)| Action::ModuleParam { param, value }),
        1 => Just(Action::MemCharge { bytes: 4096 }),
        4 => (1u32..300, prop::collection::vec(place(), 0..4), caching(), any::<bool>(), 0u8..4)
            .prop_map(|(pages, places, caching, kernel, priority)| Action::BoCreatePlaces { pages, places, caching, kernel, priority }),
        4 => (bo.clone(), prop::collection::vec(place(), 0..4)).prop_map(|(bo, places)| Action::BoValidatePlaces { bo, places }),
        2 => (bo.clone(), prop::sample::select(vec!["vram", "gtt", "cpu"])).prop_map(|(bo, p)| Action::BoValidate { bo, placement: p.to_string(), pin: false }),
        3 => (bo.clone(), 0u32..300).prop_map(|(bo, page)| Action::BoFault { bo, page }),
        1 => (bo.clone(), 0u32..300, 1u32..300).prop_map(|(bo, start, num)| Action::BoKmap { bo, start, num }),
        2 => bo.clone().prop_map(|bo| Action::BoPin { bo }),
        2 => bo.clone().prop_map(|bo| Action::BoUnpin { bo }),
        1 => bo.clone().prop_map(|bo| Action::BoReserve { bo, ticket: None }),
        1 => bo.clone().prop_map(|bo| Action::BoUnreserve { bo }),
        1 => bo.clone().prop_map(|bo| Action::BoUnref { bo }),
        1 => (bo, 0u32..20).prop_map(|(bo, seed)| Action::BoWrite { bo, seed }),
        2 => Just(Action::BoSwapout),
        1 => Just(Action::RunDeferredWork),
    ]
}

fn config() -> impl Strategy<Value = MachineConfig> {
    (
        prop::sample::select(vec![8u64 << 20, 16 << 20, 64 << 20]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0u64..2000),
        prop::option::of(0u64..2000),
        prop::collection::vec(1u64..60, 0..4),
        prop::collection::vec(1u64..20, 0..2),
        prop::collection::vec(1u64..20, 0..2),
    )
        .prop_map(
            |(ram, dma, dma32, numa, pool, limit, blocks, caching, shmem)| MachineConfig {
                ram_bytes: ram,
                kernel: Kernel::V6_12,
                modern: ModernConfig {
                    page_pool_size: pool.unwrap_or(0),
                    pages_limit: limit.unwrap_or(0),
                    dma32_pages_limit: 0,
                    use_dma_alloc: dma,
                    use_dma32: dma32,
                    numa_node: numa,
                },
                driver: DriverConfig {
                    vram_mib: 1,
                    visible_vram_mib: 1,
                    gtt_mib: 2,
                    ..DriverConfig::default()
                },
                faults: FaultPlan {
                    block_alloc: blocks,
                    set_caching: caching,
                    shmem_write: shmem.clone(),
                    shmem_read: shmem.clone(),
                    shmem_create: shmem,
                    ..FaultPlan::default()
                },
                ..MachineConfig::default()
            },
        )
}

fn replay(s: &Sim) -> State {
    let mut st = s.boot_state().clone();
    for e in s.trace().events() {
        if let Event::Delta(d) = e {
            st.apply(&d);
        }
    }
    st
}

fn revert_all(s: &Sim) -> State {
    let deltas: Vec<Delta> = s
        .trace()
        .events()
        .filter_map(|e| match e {
            Event::Delta(d) => Some(d),
            _ => None,
        })
        .collect();
    let mut st = s.state().clone();
    for d in deltas.iter().rev() {
        st.revert(d);
    }
    st
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_6_12_sequence_keeps_every_invariant(cfg in config(), actions in prop::collection::vec(action(), 1..50)) {
        let mut s = Sim::new(cfg).unwrap();
        let mut bounds = vec![s.trace().len()];
        for a in &actions {
            let _ = s.run(a);
            // The checker runs after every action; nothing may ever be reported (mspec 11.1).
            prop_assert!(s.findings().is_empty(), "after {:?}: {:?}", a, s.findings());
            bounds.push(s.trace().len());
        }
        prop_assert!(&replay(&s) == s.state(), "replay differs from the live state");
        prop_assert!(&revert_all(&s) == s.boot_state(), "reverting everything is not the boot state");
        // The stepper lands on the replayed state at every step boundary.
        let sim = std::rc::Rc::new(s);
        let mut st = Stepper::new(sim.clone());
        for &b in bounds.iter().rev() {
            st.seek(b);
            let mut want = sim.boot_state().clone();
            for e in sim.trace().events().take(b as usize) {
                if let Event::Delta(d) = e {
                    want.apply(&d);
                }
            }
            prop_assert!(st.state() == &want, "stepper at {b}");
        }
    }
}
