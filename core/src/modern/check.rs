//! The Linux 6.12 invariant checker (mspec 11.1), run at the end of every action on a 6.12
//! machine. It reports what is broken as [`Finding`]s and never panics. I8, I10, I12, I14 and
//! I15 are properties of single calls and are tested in `tests/modern_worked_examples.rs`.

use super::{tt_flags, MState, LIST_PINNED, TTM_MAX_BO_PRIORITY};
use crate::consts::{Attr, Caching, PAGE_SIZE};
use crate::sim::Sim;
use crate::state::CONTENT_ZERO;
use crate::trace::Finding;

/// What invariant `inv` says about object `id`, for people.
pub fn describe(inv: u8, id: u32) -> String {
    match inv {
        1 => format!("I1: tt {id}'s PRIV_POPULATED flag, state and page slots disagree"),
        2 => format!("I2: tt {id} is SWAPPED but populated or without a swap file"),
        3 => "I3: ttm_pages_allocated (or the dma32 counter) is not the sum over populated tts"
            .into(),
        4 => "I4: the pool's allocated_pages is not the sum over its pool types".into(),
        5 => format!(
            "I5: pool type {id} holds a block with the wrong order, caching or non-zero contents"
        ),
        7 => format!("I7: tt {id}'s blocks do not tile its page array"),
        9 => format!(
            "I9: resource {id} is not on exactly its own LRU or the pinned list, or a usage is off"
        ),
        11 => format!("I11: resource {id} lies outside its range manager or overlaps another"),
        13 => format!("I13: BO {id} is in SYSTEM without a tt, or points at a dead resource"),
        _ => format!("I{inv}: broken at {id}"),
    }
}

fn attr_of(c: Caching) -> Attr {
    match c {
        Caching::Cached => Attr::Wb,
        Caching::Wc => Attr::Wc,
        Caching::Uncached => Attr::Uc,
    }
}

/// Check every state invariant of mspec 11.1.
pub(crate) fn check(sim: &Sim) -> Vec<Finding> {
    let st = sim.state();
    let Some(m) = st.modern.as_deref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let bad = |out: &mut Vec<Finding>, inv: u8, id: u32| {
        out.push(Finding::ModernInvariant { inv, id });
    };

    // I6: every handed-out page is in exactly one place.
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
        match seen[zi].get_mut(pfn.wrapping_sub(z.start) as usize) {
            Some(c) => *c = c.saturating_add(1),
            None => stray = stray.or(Some(pfn)),
        }
    };
    st.phys
        .zones
        .iter()
        .for_each(|z| z.free.iter().for_each(|&p| mark(p)));
    st.pools
        .iter()
        .for_each(|p| p.list.iter().for_each(|&x| mark(x)));
    m.pool_types
        .iter()
        .for_each(|t| t.pages.iter().for_each(|&x| mark(x)));
    st.tts
        .iter()
        .for_each(|t| t.pages.iter().flatten().for_each(|&x| mark(x)));
    st.phys.locals.iter().flatten().for_each(|&x| mark(x));
    st.phys.leaked.iter().for_each(|&x| mark(x));
    if let Some(pfn) = stray.or_else(|| {
        seen.iter().enumerate().find_map(|(zi, v)| {
            v.iter()
                .position(|&c| c != 1)
                .map(|i| st.phys.zones[zi].start + i as u64)
        })
    }) {
        out.push(Finding::PageConservation { pfn });
    }

    // I1, I2, I3, I7 over the tts.
    let mut tpa = 0u64;
    for t in st.tts.iter().filter(|t| t.alive) {
        let flag = t.page_flags & tt_flags::PRIV_POPULATED != 0;
        let present = t.pages_present();
        let state_pop = t.state != crate::consts::TtState::Unpopulated;
        if flag != state_pop || (flag && present != t.num_pages) || (!flag && present != 0) {
            bad(&mut out, 1, t.id);
        }
        if t.page_flags & tt_flags::SWAPPED != 0 && (flag || t.swap_storage.is_none()) {
            bad(&mut out, 2, t.id);
        }
        if flag && t.page_flags & tt_flags::EXTERNAL == 0 {
            tpa += t.num_pages as u64;
        }
        if flag && present == t.num_pages {
            let mut s = 0u64;
            let mut ok = true;
            while s < t.num_pages as u64 {
                let head = t.pages[s as usize].unwrap_or(0);
                let order = m.private.get(&head).copied().unwrap_or(0);
                s += 1 << order;
                ok &= s <= t.num_pages as u64;
            }
            let attr = attr_of(t.caching);
            ok &= t
                .pages
                .iter()
                .flatten()
                .all(|&p| st.phys.page(p).is_some_and(|r| r.attr == attr));
            if !ok {
                bad(&mut out, 7, t.id);
            }
        }
    }
    let dma32 = if m.use_dma32 { tpa } else { 0 };
    if m.pages_allocated != tpa || m.dma32_pages_allocated != dma32 {
        bad(&mut out, 3, 0);
    }

    // I4, I5 over the pool types.
    let pap: u64 = m.pool_types.iter().map(|t| t.pages.len() as u64).sum();
    if pap != m.pool_allocated {
        bad(&mut out, 4, 0);
    }
    for (i, t) in m.pool_types.iter().enumerate() {
        let size = 1usize << t.order;
        let attr = attr_of(t.caching);
        let ok = t.pages.len() % size == 0
            && (t.caching != Caching::Cached || m.use_dma_alloc || t.pages.is_empty())
            && t.pages.iter().enumerate().all(|(k, &p)| {
                let r = st.phys.page(p);
                let head_ok = k % size != 0 || m.private.get(&p).copied().unwrap_or(0) == t.order;
                head_ok && r.is_some_and(|r| r.attr == attr && r.content == CONTENT_ZERO)
            });
        if !ok {
            bad(&mut out, 5, i as u32);
        }
    }

    check_resources(m, &mut out);
    out
}

/// I9, I11, I13.
fn check_resources(m: &MState, out: &mut Vec<Finding>) {
    let mut usage = vec![0u64; m.managers.len()];
    for r in &m.resources {
        let mut lists = 0;
        let mut right = false;
        for p in 0..TTM_MAX_BO_PRIORITY as u8 {
            let l = r.mem_type * TTM_MAX_BO_PRIORITY as u8 + p;
            let n = m.list(l).iter().filter(|&&x| x == r.id).count();
            lists += n;
            right |= n > 0 && m.bos.get(r.bo as usize).is_some_and(|b| b.priority == p);
        }
        let pinned = m.list(LIST_PINNED).iter().filter(|&&x| x == r.id).count();
        lists += pinned;
        right |= pinned > 0;
        let others: usize = (0..LIST_PINNED)
            .filter(|l| l / TTM_MAX_BO_PRIORITY as u8 != r.mem_type)
            .map(|l| m.list(l).iter().filter(|&&x| x == r.id).count())
            .sum();
        let ok = if r.alive {
            lists == 1 && right && others == 0
        } else {
            lists + others == 0
        };
        if !ok {
            out.push(Finding::ModernInvariant { inv: 9, id: r.id });
        }
        if r.alive {
            usage[r.mem_type as usize] += r.pages * PAGE_SIZE;
            let man = &m.managers[r.mem_type as usize];
            let overlaps = m.resources.iter().any(|o| {
                o.alive
                    && o.id != r.id
                    && o.mem_type == r.mem_type
                    && o.start < r.start + r.pages
                    && r.start < o.start + o.pages
            });
            if man.range && (r.start + r.pages > man.size || overlaps) {
                out.push(Finding::ModernInvariant { inv: 11, id: r.id });
            }
        }
    }
    if m.managers
        .iter()
        .zip(&usage)
        .any(|(man, &u)| man.usage != u)
    {
        out.push(Finding::ModernInvariant {
            inv: 9,
            id: u32::MAX,
        });
    }
    for b in m.bos.iter().filter(|b| b.alive) {
        let res = b.res.map(|r| &m.resources[r as usize]);
        let dead = res.is_some_and(|r| !r.alive || r.bo != b.id);
        let no_tt = res.is_some_and(|r| r.mem_type == super::PL_SYSTEM) && b.tt.is_none();
        if dead || no_tt {
            out.push(Finding::ModernInvariant { inv: 13, id: b.id });
        }
    }
}
