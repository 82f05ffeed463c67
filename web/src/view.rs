//! Display data derived from the model: plain values the components render.
//!
//! Only formatting and selection happen here (which numbers, in which order, how they are written,
//! which colour a page cell gets); every number comes from `ttm_core` unchanged.

use std::rc::Rc;

use ttm_core::{Attr, State};

/// What a page cell shows: the canvas colour index, ttm-core's [`ttm_core::stage::Cell`] (the
/// page's caching, or NULL, or contents in swap; a tt's state is drawn apart from its cells).
pub use ttm_core::stage::Cell;

/// Legend entries: (cell, CSS variable holding its colour, label), indexed by the cell byte.
pub const CELL_LEGEND: [(Cell, &str, &str); 5] = [
    (Cell::Empty, "--cell-absent", "no page (NULL)"),
    (Cell::Wb, "--cell-cached", "page, cached (WB)"),
    (Cell::Wc, "--cell-wc", "page, write-combined"),
    (Cell::Uc, "--cell-uc", "page, uncached"),
    (Cell::Swapped, "--cell-swapped", "contents in swap"),
];

/// The colour of a page by its kernel mapping attribute.
pub fn attr_cell(st: &State, pfn: u64) -> Cell {
    Cell::of_attr(st.phys.page(pfn).map_or(Attr::Wb, |p| p.attr))
}

/// One tt's page array as cells, with its caption.
#[derive(Clone, Debug, PartialEq)]
pub struct TtCells {
    /// Id.
    pub id: u32,
    /// Destroyed tts are listed but greyed.
    pub alive: bool,
    /// `tt_unbound`, ...
    pub state: &'static str,
    /// `tt_wc`, ...
    pub caching: &'static str,
    /// Rendered page flags.
    pub flags: String,
    /// Slots holding a page.
    pub present: u32,
    /// SWAPPED flag.
    pub swapped: bool,
    /// One byte per slot ([`Cell`] as u8), shared with the grid that draws it.
    pub cells: Rc<Vec<u8>>,
    /// The page frame number in each slot.
    pub pfns: Rc<Vec<Option<u64>>>,
}

/// Every tt of the state, as rows of [`ttm_core::stage`] (cells, pfns and captions come from
/// there; this only renames them for the pages panel and the export picture).
pub fn tts(st: &State) -> Vec<TtCells> {
    ttm_core::stage::stage(st)
        .tts
        .into_iter()
        .map(|t| TtCells {
            id: t.id,
            alive: t.alive,
            state: if t.alive {
                t.state.kernel_name()
            } else {
                "destroyed"
            },
            caching: t.caching.kernel_name(),
            flags: t.flags,
            present: t.present,
            swapped: t.swapped,
            cells: t.cells,
            pfns: t.pfns,
        })
        .collect()
}

/// A pool's page list as cells (head first).
pub fn pool_cells(st: &State, pfns: impl Iterator<Item = u64>) -> Vec<u8> {
    pfns.map(|pfn| attr_cell(st, pfn) as u8).collect()
}

/// Lowercase, spaces to dashes.
pub fn slug(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(' ', "-")
}

/// `81920` -> `81,920` (the spec's way of writing byte counts).
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Byte count for people: `67108864` -> `64 MiB`, `81920` -> `80 KiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `x` as a share of `of`, 0..=100.
pub fn percent(x: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        (x as f64 * 100.0 / of as f64).min(100.0)
    }
}

/// Tallest page grid in CSS pixels: bigger grids get smaller cells (down to one pixel).
pub const GRID_MAX_HEIGHT: u32 = 420;

/// Cell size (gap included) and columns for `n` cells in `width` CSS pixels.
pub fn geometry(n: usize, width: u32, max_cell: u32, max_height: u32) -> (u32, u32) {
    let width = width.max(8);
    let n = n.max(1) as u64;
    let mut size = max_cell.max(1);
    while size > 1 {
        let cols = (width / size).max(1) as u64;
        let rows = n.div_ceil(cols);
        if rows * size as u64 <= max_height as u64 {
            break;
        }
        size -= 1;
    }
    (size, (width / size).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttm_core::{catalog, Stepper, Zoom};

    #[test]
    fn digits_are_grouped_like_the_spec() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(81_920), "81,920");
        assert_eq!(group_digits(33_554_432), "33,554,432");
    }

    #[test]
    fn bytes_for_people() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(81_920), "80 KiB");
        assert_eq!(human_bytes(67_108_864), "64 MiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }

    #[test]
    fn big_grids_shrink_to_one_pixel_small_ones_stay_readable() {
        assert_eq!(geometry(20, 600, 16, GRID_MAX_HEIGHT), (16, 37));
        assert_eq!(geometry(262_144, 600, 16, GRID_MAX_HEIGHT), (1, 600));
    }

    #[test]
    fn slugs_are_lowercase_with_dashes() {
        assert_eq!(slug("wc dma"), "wc-dma");
    }

    /// The cells the page draws for the pool-refill walkthrough (spec W3, W4).
    #[test]
    fn pool_refill_cells() {
        let run = catalog::load("pool-refill")
            .unwrap()
            .unwrap()
            .run()
            .unwrap();
        let populate_end = run.steps[1].end_event;
        let mut s = Stepper::new(Rc::new(run.sim));
        s.seek(populate_end);
        let t = &tts(s.state())[0];
        assert_eq!((t.state, t.present), ("tt_unbound", 20));
        assert!(t.cells.iter().all(|&c| c == Cell::Wc as u8));
        let wc = pool_cells(s.state(), s.state().pools[0].list.iter().copied());
        assert_eq!(wc.len(), 492);
        s.forward(Zoom::Action);
        assert_eq!(s.pos(), s.len());
        assert_eq!(s.state().pools[0].npages, 512);
        assert!(tts(s.state())[0]
            .cells
            .iter()
            .all(|&c| c == Cell::Empty as u8));
    }
}
