//! The 6.12 part of [`crate::Summary`]: what the runner prints and scenario expectations query
//! on a Linux 6.12 machine (`modern.pages_allocated`, `modern.pool_blocks.wc`, `modern.lru.vram`).

use super::{tt_flags, MState, LIST_PINNED};
use serde::Serialize;
use std::collections::BTreeMap;

/// One 6.12 buffer object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MBoSummary {
    /// Id.
    pub id: u32,
    /// Not yet released.
    pub alive: bool,
    /// Memory type of its resource (none after gutting or release).
    pub mem_type: Option<u8>,
    /// Start page of its resource.
    pub start: Option<u64>,
    /// Its tt.
    pub tt: Option<u32>,
    /// The tt is populated.
    pub populated: bool,
    /// The tt is swapped out.
    pub swapped: bool,
    /// `pin_count`.
    pub pin_count: u32,
    /// A zombie awaiting delayed delete.
    pub deleted: bool,
}

/// The Linux 6.12 state in numbers (mspec 2–6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModernSummary {
    /// Module parameter `page_pool_size` (pages).
    pub page_pool_size: u64,
    /// Module parameter `pages_limit`.
    pub pages_limit: u64,
    /// Module parameter `dma32_pages_limit`.
    pub dma32_pages_limit: u64,
    /// `ttm_pages_allocated` (TPA).
    pub pages_allocated: u64,
    /// `ttm_dma32_pages_allocated`.
    pub dma32_pages_allocated: u64,
    /// The pool's `allocated_pages` (PAP).
    pub pool_allocated: u64,
    /// Blocks per pool type, orders 0..10: "wc", "uc", "wc32", "uc32" (global) and the
    /// device's "device_uc", "device_wc", "device_cached" when it has its own.
    pub pool_blocks: BTreeMap<String, Vec<u64>>,
    /// The pool type at the head of the shrinker list (global index = order × 4 + kind).
    pub shrinker_head: Option<u16>,
    /// `bytes_moved` summed over all operations.
    pub bytes_moved: u64,
    /// `ttm_glob.bo_count`.
    pub bo_count: u64,
    /// BO ids on each manager's LRUs in walk order: "system", "tt", "vram".
    pub lru: BTreeMap<String, Vec<u32>>,
    /// BO ids on the pinned list.
    pub pinned: Vec<u32>,
    /// Each manager's usage in bytes.
    pub usage: BTreeMap<String, u64>,
    /// Every BO.
    pub bos: Vec<MBoSummary>,
}

const MEM: [&str; 3] = ["system", "tt", "vram"];

impl ModernSummary {
    /// The pool types that hold blocks, as debugfs names them by caching and order
    /// (`wc[4]`, mspec 4.10), each with its block count.
    pub fn held_blocks(&self) -> Vec<(String, u64)> {
        self.pool_blocks
            .iter()
            .flat_map(|(name, orders)| {
                orders
                    .iter()
                    .enumerate()
                    .filter(|(_, &n)| n > 0)
                    .map(move |(o, &n)| (format!("{name}[{o}]"), n))
            })
            .collect()
    }
}

/// Summarise the modern state.
pub fn summarize(m: &MState) -> ModernSummary {
    let mut pool_blocks = BTreeMap::new();
    for (k, name) in ["wc", "uc", "wc32", "uc32"].iter().enumerate() {
        pool_blocks.insert(
            name.to_string(),
            (0..11).map(|o| m.pool_types[o * 4 + k].blocks()).collect(),
        );
    }
    let dev = &m.pool_types[44..];
    for chunk in dev.chunks(11) {
        let name = match chunk[0].caching {
            crate::consts::Caching::Uncached => "device_uc",
            crate::consts::Caching::Wc => "device_wc",
            crate::consts::Caching::Cached => "device_cached",
        };
        pool_blocks.insert(name.to_string(), chunk.iter().map(|t| t.blocks()).collect());
    }
    let bo_of = |r: &u32| m.resources[*r as usize].bo;
    let mut lru = BTreeMap::new();
    let mut usage = BTreeMap::new();
    for (mt, name) in MEM.iter().enumerate() {
        lru.insert(
            name.to_string(),
            m.managers[mt].lru.iter().flatten().map(bo_of).collect(),
        );
        usage.insert(name.to_string(), m.managers[mt].usage);
    }
    ModernSummary {
        page_pool_size: m.page_pool_size,
        pages_limit: m.pages_limit,
        dma32_pages_limit: m.dma32_pages_limit,
        pages_allocated: m.pages_allocated,
        dma32_pages_allocated: m.dma32_pages_allocated,
        pool_allocated: m.pool_allocated,
        pool_blocks,
        shrinker_head: m.shrinker.front().copied(),
        bytes_moved: m.bytes_moved,
        bo_count: m.bo_count,
        lru,
        pinned: m.list(LIST_PINNED).iter().map(bo_of).collect(),
        usage,
        bos: m
            .bos
            .iter()
            .map(|b| {
                let r = b.res.map(|r| &m.resources[r as usize]);
                MBoSummary {
                    id: b.id,
                    alive: b.alive,
                    mem_type: r.map(|r| r.mem_type),
                    start: r.map(|r| r.start),
                    tt: b.tt,
                    populated: false,
                    swapped: false,
                    pin_count: b.pin_count,
                    deleted: b.deleted,
                }
            })
            .collect(),
    }
}

/// Fill in the tt flags of each BO (they live in the shared tt records).
pub fn with_tts(mut s: ModernSummary, tts: &[crate::state::Tt]) -> ModernSummary {
    for b in &mut s.bos {
        if let Some(t) = b.tt.and_then(|t| tts.get(t as usize)) {
            b.populated = t.page_flags & tt_flags::PRIV_POPULATED != 0;
            b.swapped = t.page_flags & tt_flags::SWAPPED != 0;
        }
    }
    s
}
