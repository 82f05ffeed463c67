//! A compact, serializable summary of the state: what the command-line runner prints as JSON and
//! what scenario expectations query (`pool.wc.npages`, `zone.kernel.used_mem`, `tt.0.state`, ...).

use crate::bo_state::LIST_SWAP;
use crate::sim::Sim;
use serde::{Deserialize, Serialize};

/// One normal pool (debugfs columns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSummary {
    /// "wc", "uc", "wc dma", "uc dma".
    pub name: String,
    /// npages.
    pub npages: u64,
    /// nrefills.
    pub nrefills: u64,
    /// nfrees.
    pub nfrees: u64,
}

/// One DMA pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DmaPoolSummary {
    /// "wc", "cached dma32", ...
    pub name: String,
    /// npages_free.
    pub npages_free: u64,
    /// npages_in_use.
    pub npages_in_use: u64,
    /// nrefills.
    pub nrefills: u64,
    /// nfrees.
    pub nfrees: u64,
}

/// One accounting zone (bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneSummary {
    /// "kernel", "dma32", "highmem".
    pub name: String,
    /// zone_mem.
    pub zone_mem: u64,
    /// max_mem.
    pub max_mem: u64,
    /// emer_mem.
    pub emer_mem: u64,
    /// swap_limit.
    pub swap_limit: u64,
    /// used_mem.
    pub used_mem: u64,
}

/// One tt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TtSummary {
    /// Id.
    pub id: u32,
    /// "tt_unpopulated", "tt_unbound", "tt_bound", or "destroyed".
    pub state: String,
    /// "tt_cached", "tt_wc", "tt_uncached".
    pub caching: String,
    /// page_flags rendered (`ZERO_ALLOC|DMA32`).
    pub flags: String,
    /// num_pages.
    pub num_pages: u32,
    /// Slots holding a page.
    pub pages: u32,
    /// TTM_PAGE_FLAG_SWAPPED.
    pub swapped: bool,
}

/// One buffer object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoSummary {
    /// Id.
    pub id: u32,
    /// Alive (not yet released).
    pub alive: bool,
    /// A ghost of a pipelined move.
    pub ghost: bool,
    /// Memory type number (0 SYSTEM, 1 TT, 2 VRAM, 3 PRIV0).
    pub mem_type: u8,
    /// Placement flags.
    pub placement: u32,
    /// Start page of its range.
    pub start: u64,
    /// GPU offset.
    pub offset: u64,
    /// The tt id.
    pub tt: Option<u32>,
    /// evicted.
    pub evicted: bool,
    /// Position in its memory type's LRU (0 = head).
    pub lru_pos: Option<usize>,
    /// Position in the swap LRU.
    pub swap_lru_pos: Option<usize>,
    /// Busy with an unsignalled fence.
    pub busy: bool,
    /// What the BO's pages hold: "seed N" (all written by data write N), "zeros", "stale"
    /// (whatever the memory held before), "mixed", "partial" (only some pages exist, before the
    /// seed) or "none" (no pages yet).
    pub data: String,
}

/// Everything the runner prints and scenarios query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Normal pools in index order.
    pub pools: Vec<PoolSummary>,
    /// DMA pools in creation order.
    pub dma_pools: Vec<DmaPoolSummary>,
    /// Accounting zones.
    pub zones: Vec<ZoneSummary>,
    /// The "ttm_swap" work is queued.
    pub swap_work_queued: bool,
    /// Every tt.
    pub tts: Vec<TtSummary>,
    /// Every buffer object.
    pub bos: Vec<BoSummary>,
    /// Pages out of system memory (pools, tts, leaked).
    pub pages_out_of_system: u64,
    /// Pages leaked by kernel defects.
    pub leaked: u64,
    /// Names of the findings so far, in order (`D1OverUncharge`, ...).
    pub findings: Vec<String>,
    /// Linux 6.12 machines: the modern model's state (queried as `modern.pool_allocated`,
    /// `modern.pool_blocks.wc`, `modern.lru.vram`, `modern.bos`, ...). Absent on 3.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modern: Option<crate::modern::summary::ModernSummary>,
}

impl Sim {
    /// Summarise the current state.
    pub fn summary(&self) -> Summary {
        summarize(self, self.state(), self.findings().len())
    }
}

/// Summarise `st` as seen by `sim`'s configuration, with the first `n_findings` findings.
pub fn summarize(sim: &Sim, st: &crate::state::State, n_findings: usize) -> Summary {
    Summary {
        pools: st
            .pools
            .iter()
            .map(|p| PoolSummary {
                name: p.name.clone(),
                npages: p.npages,
                nrefills: p.nrefills,
                nfrees: p.nfrees,
            })
            .collect(),
        dma_pools: st
            .dma_pools
            .iter()
            .map(|p| DmaPoolSummary {
                name: p.name.clone(),
                npages_free: p.npages_free,
                npages_in_use: p.npages_in_use,
                nrefills: p.nrefills,
                nfrees: p.nfrees,
            })
            .collect(),
        zones: st
            .zones
            .iter()
            .map(|z| ZoneSummary {
                name: z.name.clone(),
                zone_mem: z.zone_mem,
                max_mem: z.max_mem,
                emer_mem: z.emer_mem,
                swap_limit: z.swap_limit,
                used_mem: z.used_mem,
            })
            .collect(),
        swap_work_queued: st.swap_work_queued,
        tts: st
            .tts
            .iter()
            .map(|t| TtSummary {
                id: t.id,
                state: if t.alive {
                    t.state.kernel_name().to_string()
                } else {
                    "destroyed".to_string()
                },
                caching: t.caching.kernel_name().to_string(),
                // Linux 6.12 tts carry the TTM_TT_FLAG_* bits (mspec 1.1).
                flags: if st.modern.is_some() {
                    crate::modern::tt_flags::describe(t.page_flags)
                } else {
                    crate::consts::page_flags::describe(t.page_flags)
                },
                num_pages: t.num_pages,
                pages: t.pages_present(),
                swapped: if st.modern.is_some() {
                    t.page_flags & crate::modern::tt_flags::SWAPPED != 0
                } else {
                    t.swapped()
                },
            })
            .collect(),
        bos: st
            .bos
            .iter()
            .map(|b| BoSummary {
                id: b.id,
                alive: b.alive,
                ghost: b.ghost,
                mem_type: b.mem.mem_type,
                placement: b.mem.placement,
                start: b.mem.start,
                offset: b.offset,
                tt: b.tt,
                evicted: b.evicted,
                lru_pos: st.managers[b.mem.mem_type as usize]
                    .lru
                    .iter()
                    .position(|&x| x == b.id),
                swap_lru_pos: st.list(LIST_SWAP).iter().position(|&x| x == b.id),
                busy: b.fence.is_some_and(|f| !st.fences[f as usize].signaled),
                data: bo_data(st, b),
            })
            .collect(),
        pages_out_of_system: st.pages_out_of_system(),
        leaked: st.phys.leaked.len() as u64,
        findings: sim.findings()[..n_findings.min(sim.findings().len())]
            .iter()
            .map(|(_, f)| finding_name(f))
            .collect(),
        modern: st.modern.as_deref().map(|m| {
            crate::modern::summary::with_tts(crate::modern::summary::summarize(m), &st.tts)
        }),
    }
}

/// The variant name of a finding (`D1OverUncharge`).
pub fn finding_name(f: &crate::trace::Finding) -> String {
    let s = format!("{f:?}");
    s.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

impl Summary {
    /// Look up a dotted path: `pool.wc.npages`, `dma_pool.cached.npages_free`,
    /// `zone.kernel.used_mem`, `tt.0.state`, `bo.2.lru_pos`, `pages_out_of_system`, `findings`.
    /// Named collections (pool, dma_pool, zone) take a name; tt and bo take an id.
    pub fn query(&self, path: &str) -> Result<serde_json::Value, String> {
        let v = serde_json::to_value(self).map_err(|e| e.to_string())?;
        let mut parts = path.split('.');
        let head = parts.next().unwrap_or("");
        let (coll, by_name) = match head {
            "pool" => ("pools", true),
            "dma_pool" => ("dma_pools", true),
            "zone" => ("zones", true),
            "tt" => ("tts", false),
            "bo" => ("bos", false),
            _ => {
                let mut cur = &v;
                for p in path.split('.') {
                    // Arrays are indexed by number (`modern.bos.0.pin_count`).
                    let next = match (cur, p.parse::<usize>()) {
                        (serde_json::Value::Array(a), Ok(i)) => a.get(i),
                        _ => cur.get(p),
                    };
                    cur = next.ok_or_else(|| format!("no field {p:?} in {path:?}"))?;
                }
                return Ok(cur.clone());
            }
        };
        let key = parts
            .next()
            .ok_or_else(|| format!("{path:?}: {head} needs a name or id, e.g. {head}.0"))?;
        let list = v[coll].as_array().cloned().unwrap_or_default();
        let item = if by_name {
            // Names may contain spaces ("wc dma"); underscores stand for them in paths.
            let name = key.replace('_', " ");
            list.into_iter().find(|x| x["name"] == name.as_str())
        } else {
            key.parse::<usize>().ok().and_then(|i| list.get(i).cloned())
        }
        .ok_or_else(|| format!("{path:?}: there is no {head} {key:?}"))?;
        let mut cur = item;
        for p in parts {
            cur = cur
                .get(p)
                .cloned()
                .ok_or_else(|| format!("{path:?}: no field {p:?}"))?;
        }
        Ok(cur)
    }
}

/// Classify what a buffer object holds (for "does the data survive?").
fn bo_data(st: &crate::state::State, b: &crate::bo_state::Bo) -> String {
    use crate::state::{CONTENT_STALE, CONTENT_ZERO};
    let fixed = st.managers[b.mem.mem_type as usize].flags & crate::bo::MEMTYPE_FIXED != 0;
    let tt = b.tt.map(|t| &st.tts[t as usize]);
    let page = |i: u32| -> Option<u32> {
        if fixed {
            return Some(
                *st.io_contents
                    .get(&(b.mem.mem_type, b.mem.start + i as u64))
                    .unwrap_or(&CONTENT_STALE),
            );
        }
        let t = tt?;
        match t.pages.get(i as usize).copied().flatten() {
            Some(pfn) => st.phys.page(pfn).map(|p| p.content),
            None => t
                .swap_storage
                .and_then(|f| st.swap_files[f as usize].contents.get(i as usize).copied()),
        }
    };
    let pages: Vec<Option<u32>> = (0..b.num_pages).map(page).collect();
    if pages.iter().all(Option::is_none) {
        return "none".to_string();
    }
    let Some(all) = pages.into_iter().collect::<Option<Vec<u32>>>() else {
        return "partial".to_string();
    };
    if all.iter().all(|&c| c == CONTENT_ZERO) {
        return "zeros".to_string();
    }
    if all.iter().all(|&c| c == CONTENT_STALE) {
        return "stale".to_string();
    }
    let seed = (all[0] >> 20) & 0x3ff;
    let consistent = all
        .iter()
        .enumerate()
        .all(|(i, &c)| c == crate::tt::data_tag(seed, i as u32));
    if consistent {
        format!("seed {seed}")
    } else {
        "mixed".to_string()
    }
}
