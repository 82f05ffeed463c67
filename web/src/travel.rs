//! Pages visibly travel (issue 6): after a small move, the pages that `Stepper::movements_since`
//! reports as moved fly from their source (a tt slot, a pool strip cell, "system memory", "swap")
//! to their destination on an overlay `<canvas>` over the page. Nothing here decides where a page
//! went: the movements come from `ttm_core`; this module only picks screen points and tweens.
//!
//! This module builds the animation as data ([`build`]: sprites from anchor to anchor); the
//! overlay that draws it is [`crate::components::travel_layer`].

use std::cell::Cell as StdCell;
use std::collections::HashMap;

use ttm_core::{Movement, Place, State};

use crate::view::{attr_cell, Cell};

/// At most this many pages are drawn (sampled evenly), so a 262,144-page move stays smooth.
pub const MAX_SPRITES: usize = 600;

/// A point of the page a travelling page starts from or lands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Slot of a tt's grid.
    Tt(u32, u32),
    /// Cell of a normal pool's strip (its table row when the strip is not shown).
    Pool(usize, usize),
    /// Cell of a DMA pool's strip (its table row when the strip is not shown).
    Dma(usize, usize),
    /// The "system memory" label; the number spreads pages along it.
    System(usize),
    /// The "swap" label.
    Swap(usize),
    /// The "leaked" label.
    Leaked(usize),
}

/// One drawn page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sprite {
    /// Where it starts.
    pub from: Anchor,
    /// Where it lands.
    pub to: Anchor,
    /// Its colour (a [`Cell`] as u8: the destination's colour).
    pub colour: u8,
    /// When it leaves, as a share of the stagger window (its rank in its group's arrival order).
    pub order: f64,
}

/// One animation: what travels, and for how long.
#[derive(Debug)]
pub struct Travel {
    /// Distinct per animation.
    pub id: u64,
    /// The sampled pages.
    pub sprites: Vec<Sprite>,
    /// Route labels: (a source point, a destination point, "512 pages: system memory → wc pool").
    pub labels: Vec<(Anchor, Anchor, String)>,
    /// Pages that moved (all of them, before sampling).
    pub pages: usize,
    /// Milliseconds.
    pub duration: f64,
}

impl PartialEq for Travel {
    fn eq(&self, other: &Travel) -> bool {
        self.id == other.id
    }
}

thread_local! {
    static NEXT_ID: StdCell<u64> = const { StdCell::new(1) };
}

fn place_name(st: &State, p: Place) -> String {
    match p {
        Place::System => "system memory".into(),
        Place::Pool(i) => st
            .pools
            .get(i as usize)
            .map_or_else(|| format!("pool {i}"), |p| format!("{} pool", p.name)),
        Place::DmaPool(i) => st.dma_pools.get(i as usize).map_or_else(
            || format!("DMA pool {i}"),
            |p| format!("{} DMA pool", p.name),
        ),
        Place::Tt(id) => format!("tt {id}"),
        Place::Leaked => "leaked".into(),
    }
}

/// Which of `n` items to draw so that at most `MAX_SPRITES` of `total` are drawn, evenly.
fn keep(g: usize, total: usize) -> bool {
    total <= MAX_SPRITES || (g * MAX_SPRITES) / total != ((g + 1) * MAX_SPRITES) / total
}

/// The animation of `moves` (and of tts whose contents went to or came back from swap), with
/// `st` the state at the destination position. None when nothing moved.
pub fn build(
    st: &State,
    moves: &[Movement],
    swap_out: &[(u32, Vec<u32>)],
    swap_in: &[(u32, Vec<u32>)],
    duration: f64,
) -> Option<Travel> {
    let pages: usize = moves.iter().map(|m| m.pfns.len()).sum::<usize>()
        + swap_out
            .iter()
            .chain(swap_in)
            .map(|(_, s)| s.len())
            .sum::<usize>();
    if pages == 0 {
        return None;
    }
    // Cell index of each page in the destination pools' lists (built only for pools landed in).
    let mut pool_index: HashMap<Place, HashMap<u64, usize>> = HashMap::new();
    for m in moves {
        if let std::collections::hash_map::Entry::Vacant(e) = pool_index.entry(m.to) {
            let list: Vec<u64> = match m.to {
                Place::Pool(i) => st
                    .pools
                    .get(i as usize)
                    .map(|p| p.list.iter().copied().collect())
                    .unwrap_or_default(),
                Place::DmaPool(i) => st
                    .dma_pools
                    .get(i as usize)
                    .map(|p| p.free.iter().copied().collect())
                    .unwrap_or_default(),
                _ => continue,
            };
            e.insert(list.into_iter().enumerate().map(|(k, p)| (p, k)).collect());
        }
    }
    let anchor = |p: Place, pfn: u64, slot: Option<u32>, k: usize, dest: bool| match p {
        Place::Tt(id) => Anchor::Tt(id, slot.unwrap_or(k as u32)),
        Place::Pool(i) => Anchor::Pool(
            i as usize,
            if dest {
                pool_index
                    .get(&p)
                    .and_then(|m| m.get(&pfn).copied())
                    .unwrap_or(k)
            } else {
                k
            },
        ),
        Place::DmaPool(i) => Anchor::Dma(
            i as usize,
            if dest {
                pool_index
                    .get(&p)
                    .and_then(|m| m.get(&pfn).copied())
                    .unwrap_or(k)
            } else {
                k
            },
        ),
        Place::System => Anchor::System(k),
        Place::Leaked => Anchor::Leaked(k),
    };
    let mut sprites = Vec::new();
    let mut labels = Vec::new();
    let mut g = 0usize;
    for m in moves {
        let n = m.pfns.len();
        for (k, (&pfn, &slot)) in m.pfns.iter().zip(&m.slots).enumerate() {
            if keep(g, pages) {
                sprites.push(Sprite {
                    from: anchor(m.from, pfn, slot, k, false),
                    to: anchor(m.to, pfn, slot, k, true),
                    colour: attr_cell(st, pfn) as u8,
                    order: k as f64 / n.max(1) as f64,
                });
            }
            g += 1;
        }
        labels.push((
            anchor(m.from, m.pfns[0], m.slots[0], 0, false),
            anchor(m.to, m.pfns[0], m.slots[0], 0, true),
            format!(
                "{} page{}: {} → {}",
                crate::view::group_digits(n as u64),
                if n == 1 { "" } else { "s" },
                place_name(st, m.from),
                place_name(st, m.to)
            ),
        ));
    }
    let tt_colour = |id: u32, slot: u32| {
        st.tts
            .get(id as usize)
            .and_then(|t| t.pages.get(slot as usize).copied().flatten())
            .map_or(Cell::Cached as u8, |pfn| attr_cell(st, pfn) as u8)
    };
    for (out, list) in [(true, swap_out), (false, swap_in)] {
        for (id, slots) in list {
            let n = slots.len();
            for (k, &slot) in slots.iter().enumerate() {
                if keep(g, pages) {
                    let (from, to, colour) = if out {
                        (Anchor::Tt(*id, slot), Anchor::Swap(k), Cell::Swapped as u8)
                    } else {
                        (Anchor::Swap(k), Anchor::Tt(*id, slot), tt_colour(*id, slot))
                    };
                    sprites.push(Sprite {
                        from,
                        to,
                        colour,
                        order: k as f64 / n.max(1) as f64,
                    });
                }
                g += 1;
            }
            if let Some(&s0) = slots.first() {
                let (a, b) = if out {
                    (Anchor::Tt(*id, s0), Anchor::Swap(0))
                } else {
                    (Anchor::Swap(0), Anchor::Tt(*id, s0))
                };
                labels.push((
                    a,
                    b,
                    format!(
                        "contents of {} page{}: {}",
                        crate::view::group_digits(n as u64),
                        if n == 1 { "" } else { "s" },
                        if out {
                            format!("tt {id} → swap")
                        } else {
                            format!("swap → tt {id}")
                        }
                    ),
                ));
            }
        }
    }
    let id = NEXT_ID.with(|c| {
        let v = c.get();
        c.set(v + 1);
        v
    });
    Some(Travel {
        id,
        sprites,
        labels,
        pages,
        duration,
    })
}
