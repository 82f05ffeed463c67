//! Display rows derived from the simulator: plain data the components render.
//!
//! Only formatting and selection happen here (which numbers, in which order, how they are written);
//! every number comes from `ttm_core` unchanged.

use ttm_core::{Caching, Event, Sim};

/// One row of the page-pool table (the columns of `ttm_page_alloc_debugfs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolRow {
    /// debugfs name: "wc", "uc", "wc dma", "uc dma".
    pub name: String,
    /// `nrefills`.
    pub nrefills: u64,
    /// `nfrees`.
    pub nfrees: u64,
    /// `npages`.
    pub npages: u64,
}

impl PoolRow {
    /// Stable DOM id fragment: "wc dma" -> "wc-dma".
    pub fn slug(&self) -> String {
        slug(&self.name)
    }
}

/// One TTM memory-accounting zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneRow {
    /// "kernel", "dma32" or "highmem".
    pub name: String,
    /// `used_mem` in bytes.
    pub used_mem: u64,
    /// `max_mem` in bytes.
    pub max_mem: u64,
}

impl ZoneRow {
    /// Stable DOM id fragment.
    pub fn slug(&self) -> String {
        slug(&self.name)
    }

    /// used_mem as a share of max_mem, 0..=100 (for the bar).
    pub fn percent(&self) -> f64 {
        if self.max_mem == 0 {
            0.0
        } else {
            (self.used_mem as f64 * 100.0 / self.max_mem as f64).min(100.0)
        }
    }
}

/// What one page slot of the tt holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// NULL.
    Empty,
    /// A page with this frame number.
    Page(u64),
}

/// The tt the page works with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TtView {
    /// Its id in the simulator.
    pub id: u32,
    /// Kernel name of its binding state (`tt_unbound`, ...).
    pub state: &'static str,
    /// Kernel name of its caching state (`tt_wc`, ...).
    pub caching_name: &'static str,
    /// Its caching state, for colouring the cells.
    pub caching: Caching,
    /// The page array.
    pub slots: Vec<Slot>,
}

impl TtView {
    /// Slots holding a page.
    pub fn present(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(s, Slot::Page(_)))
            .count()
    }
}

/// One line of the call trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceLine {
    /// A user action starts.
    Action {
        /// Event index.
        seq: u64,
        /// The action's label.
        label: String,
    },
    /// A kernel function is called.
    Call {
        /// Event index.
        seq: u64,
        /// Nesting depth (0 = called by the action itself).
        depth: usize,
        /// Kernel symbol.
        symbol: &'static str,
        /// `name=value` pairs.
        args: String,
    },
    /// The model found a defect or broken invariant.
    Finding {
        /// Event index.
        seq: u64,
        /// What happened.
        text: String,
    },
}

/// The trace of the most recent step, shortened to at most `max` lines (head and tail kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceView {
    /// Total events recorded since boot.
    pub total_events: u64,
    /// Lines shown before the gap.
    pub head: Vec<TraceLine>,
    /// Lines left out between `head` and `tail`.
    pub omitted: usize,
    /// Lines shown after the gap.
    pub tail: Vec<TraceLine>,
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

/// The four normal pools, in debugfs order.
pub fn pools(sim: &Sim) -> Vec<PoolRow> {
    sim.state()
        .pools
        .iter()
        .map(|p| PoolRow {
            name: p.name.clone(),
            nrefills: p.nrefills,
            nfrees: p.nfrees,
            npages: p.npages,
        })
        .collect()
}

/// The accounting zones.
pub fn zones(sim: &Sim) -> Vec<ZoneRow> {
    sim.state()
        .zones
        .iter()
        .map(|z| ZoneRow {
            name: z.name.clone(),
            used_mem: z.used_mem,
            max_mem: z.max_mem,
        })
        .collect()
}

/// The tt with this id, if it exists and has not been destroyed.
pub fn tt(sim: &Sim, id: u32) -> Option<TtView> {
    let t = sim.state().tts.get(id as usize).filter(|t| t.alive)?;
    Some(TtView {
        id,
        state: t.state.kernel_name(),
        caching_name: t.caching.kernel_name(),
        caching: t.caching,
        slots: t
            .pages
            .iter()
            .map(|p| p.map_or(Slot::Empty, Slot::Page))
            .collect(),
    })
}

/// The trace from event `start` on (the start of the last button's actions), at most `max` lines.
pub fn trace_since(sim: &Sim, start: u64, max: usize) -> TraceView {
    let trace = sim.trace();
    let mut lines: Vec<TraceLine> = Vec::new();
    let mut depth = 0usize;
    for (seq, ev) in (start..).zip(trace.events_from(start)) {
        match ev {
            Event::Mark { label } => {
                depth = 0;
                lines.push(TraceLine::Action {
                    seq,
                    label: trace.label(label).to_string(),
                });
            }
            Event::Enter { func, args } => {
                let names = func.arg_names();
                let args = names
                    .iter()
                    .zip(&args)
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                lines.push(TraceLine::Call {
                    seq,
                    depth,
                    symbol: func.symbol(),
                    args,
                });
                depth += 1;
            }
            Event::Exit { .. } => depth = depth.saturating_sub(1),
            Event::Finding(f) => lines.push(TraceLine::Finding {
                seq,
                text: f.describe(),
            }),
            Event::Delta(_) => {}
        }
    }
    let total_events = trace.len();
    if lines.len() <= max {
        return TraceView {
            total_events,
            head: lines,
            omitted: 0,
            tail: Vec::new(),
        };
    }
    let head_len = max * 2 / 3;
    let tail_len = max - head_len;
    let tail = lines.split_off(lines.len() - tail_len);
    let omitted = lines.len() - head_len;
    lines.truncate(head_len);
    TraceView {
        total_events,
        head: lines,
        omitted,
        tail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The rows the page renders for spec worked examples W3 and W4.
    #[test]
    fn rows_for_w3_and_w4() {
        use ttm_core::{Action, MachineConfig, Output};
        let mut sim = Sim::new(MachineConfig::default()).unwrap();
        let Ok(Output::Tt(tt)) = sim.run(&Action::TtCreate {
            pages: 20,
            caching: Caching::Wc,
            flags: 0,
            dma: false,
        }) else {
            panic!("TtCreate did not return a tt");
        };
        assert_eq!(tt_view_state(&sim, tt), "tt_unpopulated");

        let start = sim.trace().len();
        sim.run(&Action::TtPopulate { tt }).unwrap();
        let wc = &pools(&sim)[0];
        assert_eq!(
            (wc.name.as_str(), wc.npages, wc.nrefills, wc.nfrees),
            ("wc", 492, 1, 0)
        );
        assert_eq!(wc.slug(), "wc");
        assert_eq!(zones(&sim)[0].used_mem, 81_920);
        let v = self::tt(&sim, tt).unwrap();
        assert_eq!(
            (v.state, v.caching_name, v.present()),
            ("tt_unbound", "tt_wc", 20)
        );
        let trace = trace_since(&sim, start, 1000);
        assert_eq!(trace.omitted, 0);
        assert!(matches!(&trace.head[0], TraceLine::Action { .. }));
        assert!(trace.head.iter().any(|l| matches!(
            l,
            TraceLine::Call {
                symbol: "ttm_pool_populate",
                depth: 0,
                ..
            }
        )));

        sim.run(&Action::TtUnpopulate { tt }).unwrap();
        assert_eq!(pools(&sim)[0].npages, 512);
        assert_eq!(zones(&sim)[0].used_mem, 0);
        let v = self::tt(&sim, tt).unwrap();
        assert_eq!((v.state, v.present()), ("tt_unpopulated", 0));

        let short = trace_since(&sim, 0, 9);
        assert_eq!(short.head.len() + short.tail.len(), 9);
        assert!(short.omitted > 0);
    }

    fn tt_view_state(sim: &Sim, id: u32) -> &'static str {
        tt(sim, id).map_or("none", |t| t.state)
    }

    #[test]
    fn slugs_are_stable_ids() {
        assert_eq!(slug("wc dma"), "wc-dma");
        assert_eq!(slug("kernel"), "kernel");
    }
}
