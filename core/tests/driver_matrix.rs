//! Every driver and variant through the whole life of a buffer object (issue 4): create, validate
//! to each of its placements, CPU-fault, evict, swap out under pressure and back in, destroy.
//! At each stage: the placement names the requested memory type, its caching is one the manager
//! allows and the tt's caching matches it, LRU membership follows spec 6.8, and the checker finds
//! nothing (fixed mode). At the end every page and byte is back.

mod common;
use common::*;
use ttm_core::consts::placement::*;
use ttm_core::*;

fn variants() -> Vec<(&'static str, MachineConfig)> {
    let base = MachineConfig {
        fidelity: Fidelity::Fixed,
        ram_bytes: 128 << 20,
        ..Default::default()
    };
    let with = |f: &dyn Fn(&mut MachineConfig)| {
        let mut c = base.clone();
        f(&mut c);
        c
    };
    vec![
        ("radeon pcie", base.clone()),
        ("radeon agp", with(&|c| c.agp = true)),
        ("radeon swiotlb", with(&|c| c.swiotlb = true)),
        ("radeon no ring", with(&|c| c.driver.accel = false)),
        ("radeon e2", with(&|c| c.era = Era::E2)),
        (
            "nouveau nv50",
            with(&|c| c.driver.kind = DriverKind::Nouveau),
        ),
        (
            "nouveau nv04",
            with(&|c| {
                c.driver.kind = DriverKind::Nouveau;
                c.driver.nv50 = false;
            }),
        ),
        (
            "nouveau agp",
            with(&|c| {
                c.driver.kind = DriverKind::Nouveau;
                c.agp = true;
            }),
        ),
        (
            "nouveau swiotlb",
            with(&|c| {
                c.driver.kind = DriverKind::Nouveau;
                c.swiotlb = true;
            }),
        ),
        ("vmwgfx", with(&|c| c.driver.kind = DriverKind::Vmwgfx)),
    ]
}

fn check_bo(s: &Sim, bo: u32, want_type: Option<u8>, ctx: &str) {
    let b = &s.state().bos[bo as usize];
    let t = b.mem.mem_type;
    if let Some(w) = want_type {
        assert_eq!(t, w, "{ctx}: memory type");
    }
    assert_eq!(
        b.mem.placement & MASK_MEM,
        1 << t,
        "{ctx}: exactly the memory-type bit"
    );
    let caching = b.mem.placement & MASK_CACHING;
    assert_eq!(caching.count_ones(), 1, "{ctx}: exactly one caching bit");
    assert!(
        caching & s.state().managers[t as usize].available_caching != 0,
        "{ctx}: caching allowed"
    );
    if let Some(tt) = b.tt {
        let c = s.state().tts[tt as usize].caching;
        let want = if caching == FLAG_WC {
            Caching::Wc
        } else if caching == FLAG_UNCACHED {
            Caching::Uncached
        } else {
            Caching::Cached
        };
        assert_eq!(c, want, "{ctx}: tt caching follows the placement");
    }
    // Unreserved, evictable BOs sit on their type's LRU (spec 6.8).
    if !b.reserved && b.mem.placement & FLAG_NO_EVICT == 0 {
        let on_lru = s.state().managers[t as usize].lru.contains(&bo);
        let swapped = b.tt.is_some_and(|tt| s.state().tts[tt as usize].swapped());
        assert!(on_lru || swapped, "{ctx}: on the LRU of its type");
    }
    assert!(s.findings().is_empty(), "{ctx}: {:?}", s.findings());
}

fn mem_type(name: &str) -> u8 {
    match name {
        "vram" => PL_VRAM as u8,
        "gtt" | "tt" => PL_TT as u8,
        "gmr" | "srf" => PL_PRIV0 as u8,
        _ => PL_SYSTEM as u8,
    }
}

#[test]
fn every_driver_through_a_buffer_objects_life() {
    for (name, cfg) in variants() {
        let mut s = Sim::new(cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        let placements: Vec<&'static str> =
            s.driver_placements().into_iter().map(|(n, _)| n).collect();
        let simple: Vec<&str> = placements
            .iter()
            .copied()
            .filter(|p| !matches!(*p, "vram_gmr" | "evictable" | "srf"))
            .collect();
        // Create in each placement, then walk one BO through all of them.
        let mut bos = Vec::new();
        for p in &simple {
            let ctx = format!("{name}: create in {p}");
            let bo = match s.run(&Action::BoCreate {
                pages: 16,
                placement: p.to_string(),
                kernel: false,
                via_ttm_bo_create: false,
                device: 0,
            }) {
                Ok(Output::Bo(b)) => b,
                other => panic!("{ctx}: {other:?}"),
            };
            check_bo(&s, bo, Some(mem_type(p)), &ctx);
            bos.push(bo);
        }
        let walker = bos[0];
        for p in simple.iter().chain(simple.iter().rev()) {
            let ctx = format!("{name}: validate to {p}");
            s.run(&Action::BoValidate {
                bo: walker,
                placement: p.to_string(),
                pin: false,
            })
            .unwrap_or_else(|e| panic!("{ctx}: {e}"));
            check_bo(&s, walker, Some(mem_type(p)), &ctx);
            let r = s
                .run(&Action::BoFault {
                    bo: walker,
                    page: 3,
                })
                .unwrap();
            assert!(
                matches!(r, Output::Fault(FaultResult::NoPage { mapped: 13.. })),
                "{ctx}: fault {r:?}"
            );
            check_bo(&s, walker, None, &format!("{ctx} + fault"));
        }
        // Evict VRAM: everything there leaves it.
        s.run(&Action::EvictMm {
            mem_type: PL_VRAM as u8,
            device: 0,
        })
        .unwrap();
        assert!(
            s.state().managers[PL_VRAM as usize].nodes.is_empty(),
            "{name}: VRAM empty after evict"
        );
        for &bo in &bos {
            check_bo(&s, bo, None, &format!("{name}: after evict"));
        }
        // Swap out until nothing is left to swap, then bring one back.
        let mut swapped = 0;
        while s.run(&Action::BoSwapout).is_ok() {
            swapped += 1;
            assert!(swapped < 100, "{name}: swap-out terminates");
        }
        assert!(swapped >= 1, "{name}: something was swapped out");
        let back = placements
            .iter()
            .find(|p| matches!(**p, "gtt" | "tt" | "gmr"))
            .unwrap();
        s.run(&Action::BoValidate {
            bo: walker,
            placement: back.to_string(),
            pin: false,
        })
        .unwrap();
        check_bo(
            &s,
            walker,
            Some(mem_type(back)),
            &format!("{name}: back in {back}"),
        );
        assert!(!s.state().tts[s.state().bos[walker as usize].tt.unwrap() as usize].swapped());
        // Destroy everything; signal every fence; run the delayed work.
        for &bo in &bos {
            s.run(&Action::BoUnref { bo }).unwrap();
        }
        for f in 0..s.state().fences.len() as u32 {
            s.run(&Action::FenceSignal { fence: f }).unwrap();
        }
        s.run(&Action::RunDeferredWork).unwrap();
        let st = s.state();
        assert!(st.bos.iter().all(|b| !b.alive), "{name}: every BO released");
        assert!(
            st.managers
                .iter()
                .all(|m| m.nodes.is_empty() && m.lru.is_empty()),
            "{name}: no ranges"
        );
        assert!(
            st.zones.iter().all(|z| z.used_mem == 0),
            "{name}: accounting back to 0"
        );
        let pooled: u64 = st.pools.iter().map(|p| p.list.len() as u64).sum::<u64>()
            + st.dma_pools
                .iter()
                .map(|p| p.free.len() as u64)
                .sum::<u64>();
        assert_eq!(
            pages_out(&s),
            pooled,
            "{name}: every page is in a pool or the system"
        );
        assert!(s.findings().is_empty(), "{name}: {:?}", s.findings());
    }
}
