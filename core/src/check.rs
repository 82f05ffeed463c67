//! The invariant checker (spec 11). It runs at the end of every user action and reports what is
//! broken as [`Finding`]s; it never panics. In fixed mode nothing is ever reported for E2/E3.

use crate::consts::{Attr, TtState};
use crate::sim::Sim;
use crate::state::dma_type;
use crate::trace::Finding;

/// Check every invariant of spec 11 against the current state.
pub(crate) fn check(sim: &Sim) -> Vec<Finding> {
    if sim.is_modern() {
        // Linux 6.12 has its own invariants (mspec 11.1).
        return crate::modern::check::check(sim);
    }
    let st = sim.state();
    let mut out = Vec::new();
    let post_seed = !sim.config().era.pre_seed();

    // A page is in exactly one place (spec 11): count every reference to every handed-out page.
    let mut seen: Vec<Vec<u8>> = st
        .phys
        .zones
        .iter()
        .map(|z| vec![0u8; (z.bump - z.start) as usize])
        .collect();
    let mut stray = None;
    let mut mark = |pfn: u64| {
        let zi = st.phys.zone_of(pfn);
        let z = &st.phys.zones[zi];
        match seen[zi].get_mut((pfn.wrapping_sub(z.start)) as usize) {
            Some(c) => *c = c.saturating_add(1),
            None => stray = stray.or(Some(pfn)),
        }
    };
    for z in &st.phys.zones {
        z.free.iter().for_each(|&p| mark(p));
    }
    st.pools
        .iter()
        .for_each(|p| p.list.iter().for_each(|&x| mark(x)));
    st.dma_pools
        .iter()
        .for_each(|p| p.free.iter().for_each(|&x| mark(x)));
    st.tts
        .iter()
        .for_each(|t| t.pages.iter().flatten().for_each(|&x| mark(x)));
    st.phys.locals.iter().flatten().for_each(|&x| mark(x));
    st.phys.leaked.iter().for_each(|&x| mark(x));
    if let Some(pfn) = stray {
        out.push(Finding::PageConservation { pfn });
    } else if let Some(pfn) = seen.iter().enumerate().find_map(|(zi, v)| {
        v.iter()
            .position(|&c| c != 1)
            .map(|i| st.phys.zones[zi].start + i as u64)
    }) {
        out.push(Finding::PageConservation { pfn });
    }
    if !st.phys.leaked.is_empty() {
        out.push(Finding::PagesLeaked {
            count: st.phys.leaked.len() as u64,
        });
    }

    // Pool bookkeeping: npages is the list length.
    for (i, p) in st.pools.iter().enumerate() {
        if p.npages != p.list.len() as u64 {
            out.push(Finding::PoolCountMismatch {
                pool: i as u8,
                npages: p.npages,
                listed: p.list.len() as u64,
            });
        }
    }

    // Accounting: used_mem = charged tt pages + charged objects (spec 11).
    let acc: u64 = st.bos.iter().filter(|b| b.alive).map(|b| b.acc_size).sum();
    let mut expected = vec![st.obj_charged + acc; st.zones.len()];
    for t in st.tts.iter().filter(|t| t.alive) {
        for &pfn in t.pages.iter().flatten() {
            let scope = sim.page_charge_scope(pfn);
            for (z, e) in expected.iter_mut().enumerate() {
                if scope.has(z) {
                    *e = e.wrapping_add(crate::consts::PAGE_SIZE);
                }
            }
        }
    }
    for (z, zone) in st.zones.iter().enumerate() {
        let diff = zone.used_mem.wrapping_sub(expected[z]) as i64;
        if diff != 0 {
            out.push(Finding::AccountingMismatch {
                zone: z as u8,
                diff,
            });
        }
    }

    // tt state: U has no pages, N/B have all (E2/E3 only); destroyed tts hold nothing.
    for t in &st.tts {
        let present = t.pages_present();
        let ok = if !t.alive {
            present == 0
        } else if !post_seed {
            true
        } else if t.state == TtState::Unpopulated {
            present == 0
        } else {
            present == t.num_pages
        };
        if !ok {
            out.push(Finding::TtStateMismatch { tt: t.id });
        }
    }

    // Attributes: pool pages carry the pool's attribute, system pages are write-back, and the
    // lowmem pages of a populated tt carry its caching (E2/E3; observation O1 before the seed).
    let attr = |pfn: u64| st.phys.page(pfn).map_or(Attr::Wb, |p| p.attr);
    let mut bad_attr = None;
    for z in &st.phys.zones {
        if let Some(&p) = z.free.iter().find(|&&p| attr(p) != Attr::Wb) {
            bad_attr = bad_attr.or(Some(p));
        }
    }
    if post_seed {
        for p in &st.pools {
            let want = p.caching.attr();
            if let Some(&x) = p
                .list
                .iter()
                .find(|&&x| !sim.is_highmem(x) && attr(x) != want)
            {
                bad_attr = bad_attr.or(Some(x));
            }
        }
        for p in &st.dma_pools {
            let want = if p.ptype & dma_type::IS_WC != 0 {
                Attr::Wc
            } else if p.ptype & dma_type::IS_UC != 0 {
                Attr::Uc
            } else {
                Attr::Wb
            };
            if let Some(&x) = p.free.iter().find(|&&x| attr(x) != want) {
                bad_attr = bad_attr.or(Some(x));
            }
        }
        for t in st
            .tts
            .iter()
            .filter(|t| t.alive && t.state != TtState::Unpopulated)
        {
            let want = t.caching.attr();
            if let Some(&x) = t
                .pages
                .iter()
                .flatten()
                .find(|&&x| !sim.is_highmem(x) && attr(x) != want)
            {
                bad_attr = bad_attr.or(Some(x));
            }
        }
    }
    if let Some(pfn) = bad_attr {
        out.push(Finding::PageAttrMismatch { pfn });
    }

    // Buffer objects (spec 11): a BO is on LRUs only while unreserved, on its own type's LRU of
    // its own device (every device's managers are searched, spec 6.1), on the (global) swap LRU
    // only with a tt, on no other device's delayed-destroy list; a BO with a node owns exactly
    // that node of its own device's manager.
    for b in st.bos.iter().filter(|b| b.alive) {
        let own = crate::bo_state::man_index(b.device, b.mem.mem_type);
        let on_types: Vec<usize> = (0..st.managers.len())
            .filter(|&t| st.managers[t].lru.contains(&b.id))
            .collect();
        let on_swap = st.swap_lru.contains(&b.id);
        let foreign_ddestroy = st
            .ddestroy
            .iter()
            .enumerate()
            .any(|(d, l)| d != b.device as usize && l.contains(&b.id));
        let lru_ok = on_types.iter().all(|&t| t == own)
            && on_types.len() <= 1
            && !(b.reserved && (on_swap || !on_types.is_empty()))
            && (!on_swap || b.tt.is_some())
            && !foreign_ddestroy;
        let node_ok = !b.mem.has_node
            || st.managers[own]
                .nodes
                .get(&b.mem.start)
                .is_some_and(|n| n.bo == b.id);
        if !lru_ok || !node_ok {
            out.push(Finding::BoListMismatch { bo: b.id });
        }
    }

    // AGP memory objects: a live tt holds at most one; a destroyed one none (O4 leaks).
    if let Some(t) = st.tts.iter().find(|t| t.agp_mem > u32::from(t.alive)) {
        out.push(Finding::AgpMemLeaked { tt: t.id });
    }

    // Swap files: a TTM-owned file nobody references must have been released (D8 leaks one).
    for f in st
        .swap_files
        .iter()
        .filter(|f| !f.released && !f.persistent)
    {
        let referenced = st
            .tts
            .iter()
            .any(|t| t.alive && t.swap_storage == Some(f.id));
        if !referenced {
            out.push(Finding::SwapFileLeaked { file: f.id });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::{DriverConfig, MachineConfig};
    use crate::consts::placement::PL_VRAM;
    use crate::ops::{Action, Output};
    use crate::sim::Sim;
    use crate::trace::Finding;

    /// The BO checks look at every device (spec 6.1): a BO of device 1 found on device 0's
    /// VRAM LRU, or on device 0's delayed-destroy list, is a list mismatch.
    #[test]
    fn a_bo_on_another_devices_list_is_a_mismatch() {
        let mut sim = Sim::new(MachineConfig {
            devices: vec![DriverConfig::default()],
            ..MachineConfig::default()
        })
        .unwrap();
        let Ok(Output::Bo(bo)) = sim.run(&Action::BoCreate {
            pages: 2,
            placement: "vram".into(),
            kernel: false,
            via_ttm_bo_create: false,
            device: 1,
        }) else {
            panic!("BO created");
        };
        assert!(super::check(&sim).is_empty());
        let vram = PL_VRAM as u8;
        let mut moved = sim.clone();
        let own = crate::bo_state::man_index(1, vram);
        let other = crate::bo_state::man_index(0, vram);
        moved.state.managers[own].lru.clear();
        moved.state.managers[other].lru.push_back(bo);
        assert_eq!(super::check(&moved), vec![Finding::BoListMismatch { bo }]);
        let mut queued = sim.clone();
        queued.state.ddestroy[0].push_back(bo);
        assert_eq!(super::check(&queued), vec![Finding::BoListMismatch { bo }]);
    }
}
