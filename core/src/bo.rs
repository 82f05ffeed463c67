//! Buffer objects: `ttm_bo.c`, `ttm_bo_util.c`, `ttm_bo_vm.c`, `ttm_bo_manager.c` (spec 6).

use crate::bo_state::{
    list_id, man_index, BoField, Manager, ManagerKind, MemReg, LIST_DDESTROY, LIST_SWAP,
};
use crate::consts::placement::*;
use crate::consts::{page_flags, Caching, TtState, PAGE_SHIFT, TTM_BO_VM_NUM_PREFAULT};
use crate::drivers::Placement;
use crate::errno::{Errno, KResult};
use crate::func::Func;
use crate::sim::{FaultKind, Sim};
use crate::state::{Delta, TtBackend, Var};
use crate::trace::Finding;

/// TTM_MEMTYPE_FLAG_FIXED (spec 1.5).
pub const MEMTYPE_FIXED: u32 = 1 << 0;
/// TTM_MEMTYPE_FLAG_MAPPABLE.
pub const MEMTYPE_MAPPABLE: u32 = 1 << 1;
/// TTM_MEMTYPE_FLAG_CMA.
pub const MEMTYPE_CMA: u32 = 1 << 3;
/// TTM_PL_MASK_MEMTYPE.
const MASK_MEMTYPE: u32 = MASK_MEM | MASK_CACHING;
/// kmap types (spec 1.6).
pub const MAP_IOMAP: u8 = 1 | 0x80;
/// ttm_bo_map_vmap
pub const MAP_VMAP: u8 = 2;
/// ttm_bo_map_kmap
pub const MAP_KMAP: u8 = 3;
/// ttm_bo_map_premapped
pub const MAP_PREMAPPED: u8 = 4 | 0x80;

/// Result of a CPU page fault (spec 6.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum FaultResult {
    /// VM_FAULT_NOPAGE: the PTEs were inserted (or the fault will be retried).
    NoPage {
        /// PTEs inserted.
        mapped: u32,
    },
    /// VM_FAULT_SIGBUS.
    Sigbus,
    /// VM_FAULT_OOM.
    Oom,
}

/// Lowest memory-type bit of a placement word (`ttm_mem_type_from_flags`, spec 1.4).
pub fn mem_type_of(flags: u32) -> Option<u8> {
    (0..8u8).find(|&i| flags & (1 << i) != 0)
}

impl Sim {
    fn bo_set(&mut self, bo: u32, f: BoField, v: u64) {
        self.set(Var::Bo(bo, f), v);
    }

    /// The device of a BO (`bo->bdev`, spec 6.1).
    pub(crate) fn dev_of(&self, bo: u32) -> u8 {
        self.state.bos[bo as usize].device
    }

    /// `bo->bdev->man[mem_type]`: the manager of `mem_type` on the BO's own device.
    fn man(&self, bo: u32, mem_type: u8) -> &Manager {
        self.state.man(self.dev_of(bo), mem_type)
    }

    fn fixed(&self, bo: u32, mem_type: u8) -> bool {
        self.man(bo, mem_type).flags & MEMTYPE_FIXED != 0
    }

    /// `ttm_mem_reg_is_pci` (spec 6.6), for a region of the BO's device.
    fn mem_is_pci(&self, bo: u32, m: &MemReg) -> bool {
        let flags = self.man(bo, m.mem_type).flags;
        flags & MEMTYPE_FIXED != 0
            || (m.mem_type as u32 != PL_SYSTEM
                && flags & MEMTYPE_CMA == 0
                && m.placement & FLAG_CACHED == 0)
    }

    // ---- device and managers ----------------------------------------------------------------

    /// `ttm_bo_device_init` of device `dev` + its driver's `init_mem_type` for every type it uses
    /// (spec 6.2): the device's own managers; the device joins the global device list (spec 6.1),
    /// which is the machine's list of devices in order.
    pub(crate) fn bo_device_init(&mut self, dev: u8) {
        self.enter(
            Func::BoDeviceInit,
            &[self.cfg.need_dma32 as u64, dev as u64],
        );
        let mut types = vec![(PL_SYSTEM as u8, 0)];
        types.extend(self.drv_of(dev).mem_types(self, dev));
        for (t, size) in types {
            self.enter(Func::BoInitMm, &[t as u64, size, dev as u64]);
            self.enter(
                Func::DrvInitMemType,
                &[self.drv_of(dev).kind() as u64, t as u64],
            );
            let spec = self.drv_of(dev).init_mem_type(self, dev, t);
            self.exit(if spec.is_some() {
                0
            } else {
                Errno::Einval.code()
            });
            if let Some(m) = spec {
                self.d(Delta::ManagerInit {
                    mem_type: man_index(dev, t) as u8,
                    kind: m.kind,
                    flags: m.flags,
                    available_caching: m.available_caching,
                    default_caching: m.default_caching,
                    size: if t as u32 == PL_SYSTEM { 0 } else { size },
                    gpu_offset: m.gpu_offset,
                    max_pages: m.max_pages,
                });
            }
            self.exit(0);
        }
        self.exit(0);
    }

    /// Range manager `get_node` (spec 6.2): best-fit hole inside [fpfn, lpfn or size); no hole is
    /// "no space" (Ok(None)), not an error. GMR id manager (spec 7.4) for vmwgfx's GMR type.
    fn man_get_node(&mut self, bo: u32, mem_type: u8, pl: &Placement) -> Option<u64> {
        let n = self.state.bos[bo as usize].num_pages as u64;
        self.enter(Func::ManGetNode, &[bo as u64, n, pl.fpfn, pl.lpfn]);
        let man = man_index(self.dev_of(bo), mem_type);
        let m = &self.state.managers[man];
        let found = match m.kind {
            ManagerKind::System => None,
            ManagerKind::Range => {
                let limit = if pl.lpfn == 0 {
                    m.size
                } else {
                    pl.lpfn.min(m.size)
                };
                let mut best: Option<(u64, u64)> = None; // (hole size, start)
                let mut cursor = 0u64;
                let mut holes = Vec::new();
                for (&s, node) in &m.nodes {
                    if s > cursor {
                        holes.push((cursor, s));
                    }
                    cursor = cursor.max(s + node.len);
                }
                if cursor < m.size {
                    holes.push((cursor, m.size));
                }
                for (hs, he) in holes {
                    let s = hs.max(pl.fpfn);
                    let e = he.min(limit);
                    if e > s && e - s >= n && best.is_none_or(|(sz, _)| he - hs < sz) {
                        best = Some((he - hs, s));
                    }
                }
                best.map(|(_, s)| s)
            }
            ManagerKind::GmrId => {
                let used = m.used_pages();
                if m.max_pages != 0 && used + n > m.max_pages {
                    None
                } else {
                    (0..m.size).find(|id| !m.nodes.contains_key(id))
                }
            }
        };
        if let Some(start) = found {
            self.d(Delta::Node {
                mem_type: man as u8,
                start,
                len: n,
                bo,
                alloc: true,
            });
        }
        self.exit(found.map_or(0, |s| s as i64 + 1));
        found
    }

    /// `ttm_bo_mem_put`: free a memory region's node.
    fn mem_put(&mut self, bo: u32, m: &MemReg) {
        if !m.has_node {
            return;
        }
        self.enter(Func::BoMemPut, &[bo as u64, m.mem_type as u64, m.start]);
        let man = man_index(self.dev_of(bo), m.mem_type);
        let node = self.state.managers[man].nodes.get(&m.start).copied();
        self.enter(Func::ManPutNode, &[m.start, node.map_or(0, |n| n.len)]);
        match node {
            Some(node) => self.d(Delta::Node {
                mem_type: man as u8,
                start: m.start,
                len: node.len,
                bo: node.bo,
                alloc: false,
            }),
            None => self.finding(Finding::NodeDoubleFree { bo, start: m.start }),
        }
        self.exit(0);
        self.exit(0);
    }

    /// `ttm_bo_mem_put` for driver code.
    pub(crate) fn mem_put_pub(&mut self, bo: u32, m: &MemReg) {
        self.mem_put(bo, m);
    }

    /// Make `m` the BO's memory (driver null moves).
    pub(crate) fn set_mem_pub(&mut self, bo: u32, m: MemReg) {
        self.set_mem(bo, m);
    }

    /// Unbind and destroy the BO's tt, if it has one (pages back to the pools or the system).
    fn bo_destroy_tt(&mut self, bo: u32) {
        if let Some(t) = self.state.bos[bo as usize].tt {
            self.tt_unbind(t);
            self.tt_destroy(t);
            self.bo_set(bo, BoField::Tt, 0);
        }
    }

    /// What page `i` of a BO holds when its memory is `m`: on-card memory has contents of its own;
    /// otherwise the tt's page (or its swap file while swapped out).
    pub(crate) fn bo_page_content(&self, bo: u32, m: &MemReg, i: u32) -> u32 {
        use crate::state::{CONTENT_STALE, CONTENT_ZERO};
        if self.fixed(bo, m.mem_type) {
            // On-card contents are kept per manager (device and type).
            let man = man_index(self.dev_of(bo), m.mem_type) as u8;
            return *self
                .state
                .io_contents
                .get(&(man, m.start + i as u64))
                .unwrap_or(&CONTENT_STALE);
        }
        let Some(tt) = self.state.bos[bo as usize].tt else {
            return CONTENT_ZERO;
        };
        let t = &self.state.tts[tt as usize];
        match t.pages.get(i as usize).copied().flatten() {
            Some(pfn) => self.page_content(pfn),
            None => t
                .swap_storage
                .and_then(|f| {
                    self.state.swap_files[f as usize]
                        .contents
                        .get(i as usize)
                        .copied()
                })
                .unwrap_or(CONTENT_ZERO),
        }
    }

    /// Write `v` into page `i` of the BO as held in memory `m` (see [`Sim::bo_page_content`]).
    pub(crate) fn bo_set_page_content(&mut self, bo: u32, m: &MemReg, i: u32, v: u32) {
        if self.fixed(bo, m.mem_type) {
            let page = m.start + i as u64;
            let man = man_index(self.dev_of(bo), m.mem_type) as u8;
            let old = *self
                .state
                .io_contents
                .get(&(man, page))
                .unwrap_or(&crate::state::CONTENT_STALE);
            if old != v {
                self.d(Delta::IoContent {
                    mem_type: man,
                    page,
                    old,
                    new: v,
                });
            }
        } else if let Some(tt) = self.state.bos[bo as usize].tt {
            if let Some(pfn) = self.state.tts[tt as usize].pages[i as usize] {
                self.set_content(pfn, v);
            }
        }
    }

    /// The copy a memcpy or GPU move performs: every page from `from` to `to`.
    pub(crate) fn bo_copy_contents(&mut self, bo: u32, from: &MemReg, to: &MemReg) {
        let n = self.state.bos[bo as usize].num_pages;
        for i in 0..n {
            let v = self.bo_page_content(bo, from, i);
            self.bo_set_page_content(bo, to, i, v);
        }
    }

    /// Make `m` the BO's memory (node ownership moves with it).
    fn set_mem(&mut self, bo: u32, m: MemReg) {
        self.bo_set(bo, BoField::MemType, m.mem_type as u64);
        self.bo_set(bo, BoField::Placement, m.placement as u64);
        self.bo_set(bo, BoField::Start, m.start);
        self.bo_set(bo, BoField::HasNode, m.has_node as u64);
    }

    // ---- LRUs and reservation (spec 6.8) -----------------------------------------------------

    /// `ttm_bo_add_to_lru`: memtype LRU tail, and the swap LRU tail if it has a tt (not NO_EVICT).
    fn add_to_lru(&mut self, bo: u32) {
        self.enter(Func::BoAddToLru, &[bo as u64]);
        let b = &self.state.bos[bo as usize];
        if b.mem.placement & FLAG_NO_EVICT == 0 {
            let list = list_id(b.device, b.mem.mem_type);
            let has_tt = b.tt.is_some();
            let pos = self.state.list(list).len() as u32;
            self.d(Delta::Lru {
                list,
                bo,
                pos,
                insert: true,
            });
            if has_tt {
                let pos = self.state.swap_lru.len() as u32;
                self.d(Delta::Lru {
                    list: LIST_SWAP,
                    bo,
                    pos,
                    insert: true,
                });
            }
        }
        self.exit(0);
    }

    fn list_remove(&mut self, list: u8, bo: u32) {
        if let Some(pos) = self.state.list(list).iter().position(|&b| b == bo) {
            self.d(Delta::Lru {
                list,
                bo,
                pos: pos as u32,
                insert: false,
            });
        }
    }

    /// `ttm_bo_del_from_lru`: off the swap LRU and its memtype LRU.
    fn del_from_lru(&mut self, bo: u32) {
        self.enter(Func::BoDelFromLru, &[bo as u64]);
        self.list_remove(LIST_SWAP, bo);
        let dev = self.dev_of(bo);
        for t in 0..crate::bo_state::TTM_NUM_MEM_TYPES as u8 {
            self.list_remove(list_id(dev, t), bo);
        }
        self.exit(0);
    }

    /// `ttm_bo_reserve` (spec 6.8). The model is single-threaded: sleeping for a reservation held by
    /// someone else would never end, so that case answers -EBUSY as with no_wait.
    pub(crate) fn bo_reserve(&mut self, bo: u32, ticket: Option<u64>) -> KResult {
        self.bo_reserve_args(bo, ticket, true)
    }

    /// `ttm_bo_reserve(bo, interruptible, no_wait, use_sequence, sequence)`; the caller of a
    /// waiting reserve (`no_wait` false) has checked that the BO is free.
    fn bo_reserve_args(&mut self, bo: u32, ticket: Option<u64>, no_wait: bool) -> KResult {
        let (use_seq, seq) = (ticket.is_some() as u64, ticket.unwrap_or(0));
        self.enter(Func::BoReserve, &[bo as u64, no_wait as u64, use_seq, seq]);
        let b = &self.state.bos[bo as usize];
        if b.reserved {
            let r = match ticket {
                Some(s) if b.seq_valid && s == b.val_seq => Err(Errno::Edeadlk),
                Some(s) if b.seq_valid && s.wrapping_sub(b.val_seq) < 1 << 31 => Err(Errno::Eagain),
                _ => Err(Errno::Ebusy),
            };
            return self.ret(r);
        }
        self.bo_set(bo, BoField::Reserved, 1);
        self.bo_set(bo, BoField::SeqValid, use_seq);
        if let Some(s) = ticket {
            self.bo_set(bo, BoField::ValSeq, s);
        }
        self.del_from_lru(bo);
        self.ret(Ok(()))
    }

    /// `ttm_bo_unreserve`: back on the LRU tails (LRU order = order of the last unreserve).
    pub(crate) fn bo_unreserve(&mut self, bo: u32) {
        self.enter(Func::BoUnreserve, &[bo as u64]);
        if self.state.bos[bo as usize].alive && !self.on_ddestroy(bo) {
            self.add_to_lru(bo);
        }
        self.bo_set(bo, BoField::Reserved, 0);
        self.exit(0);
    }

    fn on_ddestroy(&self, bo: u32) -> bool {
        self.state.ddestroy[self.dev_of(bo) as usize].contains(&bo)
    }

    // ---- fences -------------------------------------------------------------------------------

    /// Emit a GPU fence (the end of a command the GPU will run).
    pub(crate) fn fence_emit(&mut self) -> u32 {
        let id = self.state.fences.len() as u32;
        self.d(Delta::FenceNew { id });
        id
    }

    fn fence_signaled(&self, f: Option<u32>) -> bool {
        f.is_none_or(|f| self.state.fences[f as usize].signaled)
    }

    /// The GPU reaches a fence.
    pub(crate) fn fence_signal(&mut self, f: u32) {
        self.set(Var::FenceSignaled(f), 1);
    }

    /// `ttm_bo_wait` (spec 6.9 / 6.10): with `no_wait`, a busy BO answers -EBUSY; otherwise the
    /// CPU waits until the GPU passes the fence (in the model, the fence signals), then drops it.
    pub(crate) fn bo_wait(&mut self, bo: u32, no_wait: bool, interruptible: bool) -> KResult {
        self.enter(Func::BoWait, &[bo as u64, no_wait as u64]);
        let f = self.state.bos[bo as usize].fence;
        if let Some(fence) = f {
            let drv = self.drv_arg_bo(bo);
            self.enter(Func::DrvSyncObjSignaled, &[drv, fence as u64]);
            let sig = self.state.fences[fence as usize].signaled;
            self.exit(sig as i64);
            if !sig {
                if no_wait {
                    return self.ret(Err(Errno::Ebusy));
                }
                self.enter(Func::DrvSyncObjWait, &[drv, fence as u64]);
                // An interruptible sleep that a signal ends before the GPU passes the fence:
                // the wait answers -ERESTARTSYS and the fence stays pending (spec 6.4 step 5,
                // 6.9, 6.12 step 3; issue 17, `faults.signal`).
                if interruptible && self.inject(FaultKind::Signal) {
                    self.exit(Errno::Erestartsys.code());
                    return self.ret(Err(Errno::Erestartsys));
                }
                self.fence_signal(fence);
                self.exit(0);
            }
            self.bo_set(bo, BoField::Fence, 0);
            self.bo_set(bo, BoField::Moving, 0);
        }
        self.ret(Ok(()))
    }

    /// `ttm_bo_reserve` with no_wait = false (spec 6.8): a reserved BO puts the caller to sleep
    /// until it is unreserved, and a signal ends an interruptible sleep with -ERESTARTSYS
    /// (`faults.signal`). The model runs one task: the only other holder is the user, who cannot
    /// unreserve while asleep, so a sleep that no signal ends is refused before the call
    /// (`Sim::validate`); here a reserved BO's sleep is the one the plan interrupts. An
    /// unreserved BO is reserved at once.
    pub(crate) fn bo_reserve_wait(&mut self, bo: u32) -> KResult {
        if !self.state.bos[bo as usize].reserved {
            return self.bo_reserve_args(bo, None, false);
        }
        self.enter(Func::BoReserve, &[bo as u64, 0, 0, 0]);
        self.inject(FaultKind::Signal);
        self.ret(Err(Errno::Erestartsys))
    }

    /// Whether the next interruptible sleep is one the fault plan interrupts.
    pub(crate) fn next_sleep_interrupted(&self) -> bool {
        self.cfg.faults.signal.contains(&(self.faults.signal + 1))
    }

    // ---- creation (spec 6.3) ------------------------------------------------------------------

    /// `ttm_bo_create` (charges acc_size itself, then `ttm_bo_init` charges it again: D5) or the
    /// drivers' usual direct `ttm_bo_init`.
    pub(crate) fn bo_create(
        &mut self,
        dev: u8,
        num_pages: u32,
        kernel: bool,
        pl: &Placement,
        via_create: bool,
    ) -> KResult<u32> {
        let acc = self.bo_acc_size(dev, num_pages);
        if via_create {
            self.enter(Func::BoCreate, &[num_pages as u64]);
            // D5: ttm_bo_create charges acc_size before calling ttm_bo_init, which charges again.
            if self.faithful() {
                if let Err(e) = self.mem_global_alloc(acc, false) {
                    return self.ret(Err(e));
                }
            }
            let r = self.bo_init(dev, num_pages, kernel, pl, acc);
            if let (Ok(bo), true) = (r, self.faithful()) {
                self.finding(Finding::D5DoubleCharge { bo, acc_size: acc });
            }
            self.exit(r.map_or_else(|e| e.code(), |b| b as i64));
            return r;
        }
        self.bo_init(dev, num_pages, kernel, pl, acc)
    }

    /// `ttm_bo_dma_acc_size` / `ttm_bo_acc_size` with this driver's struct sizes (model parameters).
    fn bo_acc_size(&self, dev: u8, num_pages: u32) -> u64 {
        let kind = self.cfg.device_driver(dev).kind;
        let dma = kind != crate::config::DriverKind::Vmwgfx;
        let sizes = crate::memory::AccSizes {
            bo_struct: match kind {
                crate::config::DriverKind::Radeon => 560,
                crate::config::DriverKind::Nouveau => 640,
                crate::config::DriverKind::Vmwgfx => 400,
            },
            tt_struct: 96,
            dma_tt_struct: 128,
            pointer: 8,
            dma_addr: 8,
        };
        crate::memory::bo_acc_size(num_pages as u64 * crate::consts::PAGE_SIZE, &sizes, dma)
    }

    /// `ttm_bo_init` (spec 6.3): charge, create reserved in SYSTEM|CACHED, validate, unreserve.
    fn bo_init(
        &mut self,
        dev: u8,
        num_pages: u32,
        kernel: bool,
        pl: &Placement,
        acc: u64,
    ) -> KResult<u32> {
        let id = self.state.bos.len() as u32;
        self.enter(Func::BoInit, &[id as u64, num_pages as u64, acc]);
        if let Err(e) = self.mem_global_alloc(acc, false) {
            return self.ret::<u32>(Err(e));
        }
        self.d(Delta::BoNew {
            id,
            device: dev,
            num_pages,
            kernel,
            ghost: false,
        });
        self.bo_set(id, BoField::AccSize, acc);
        if !kernel {
            self.bo_setup_vm(id);
        }
        let r = self.bo_validate(id, pl);
        self.bo_unreserve(id);
        if let Err(e) = r {
            self.bo_unref(id);
            return self.ret::<u32>(Err(e));
        }
        self.exit(id as i64);
        Ok(id)
    }

    /// `ttm_bo_setup_vm` (spec 6.3 step 5): a range of num_pages pages of the device's mmap
    /// address space, which starts at the driver's file_page_offset and spans 0x10000000 pages
    /// (spec 6.2). UNCONFIRMED (the spec does not say which hole drm_mm picks): the lowest hole
    /// that fits, in address order (drm_mm_search_free without best_match).
    fn bo_setup_vm(&mut self, bo: u32) {
        self.enter(Func::BoSetupVm, &[bo as u64]);
        let n = self.state.bos[bo as usize].num_pages as u64;
        // Each device has its own addr_space_mm (spec 6.1, 6.2).
        let dev = self.dev_of(bo);
        let mut used: Vec<(u64, u64)> = self
            .state
            .bos
            .iter()
            .filter(|b| b.vm_start > 0 && b.device == dev)
            .map(|b| (b.vm_start - 1, b.num_pages as u64))
            .collect();
        used.sort_unstable();
        let mut start = 0;
        for (s, len) in used {
            if s >= start + n {
                break;
            }
            start = start.max(s + len);
        }
        if start + n > crate::consts::ADDR_SPACE_PAGES {
            // drm_mm finds no hole: ttm_bo_setup_vm answers -ENOMEM; the model's BOs never
            // come near 2^28 pages (MAX_TT_PAGES is 2^22), so this is not reached.
            self.exit(Errno::Enomem.code());
            return;
        }
        self.bo_set(bo, BoField::VmStart, start + 1);
        self.exit(0);
    }

    /// `ttm_bo_add_ttm` (spec 6.5): DMA32 if the device needs it; ZERO_ALLOC for device BOs.
    fn bo_add_ttm(&mut self, bo: u32, zero_alloc: bool) -> KResult {
        self.enter(Func::BoAddTtm, &[bo as u64, zero_alloc as u64]);
        let b = &self.state.bos[bo as usize];
        let mut flags = 0;
        if self.cfg.need_dma32 {
            flags |= page_flags::DMA32;
        }
        if !b.kernel && zero_alloc {
            flags |= page_flags::ZERO_ALLOC;
        }
        let n = b.num_pages;
        let drv = self.drv_arg_bo(bo);
        self.enter(Func::DrvTtCreate, &[drv, bo as u64, n as u64, flags as u64]);
        let kind = self.drv_bo(bo).tt_kind(self, self.dev_of(bo));
        let Ok(tt) = self.tt_init(n, flags, TtBackend::Driver(kind)) else {
            // The driver's ttm_tt_create returns NULL → -ENOMEM.
            self.exit(0);
            return self.ret(Err(Errno::Enomem));
        };
        self.exit(tt as i64 + 1);
        self.bo_set(bo, BoField::Tt, tt as u64 + 1);
        self.ret(Ok(()))
    }

    // ---- validate, mem_space, move (spec 6.4 - 6.7) -------------------------------------------

    /// `ttm_bo_mem_compat`: index of the first placement entry compatible with the current memory.
    fn mem_compat(&self, pl: &Placement, m: &MemReg) -> Option<usize> {
        if m.has_node && pl.lpfn != 0 {
            let n = self
                .state
                .bos
                .iter()
                .find_map(|b| (b.mem == *m).then_some(b.num_pages as u64));
            if m.start < pl.fpfn || m.start + n.unwrap_or(0) > pl.lpfn {
                return None;
            }
        }
        pl.placement
            .iter()
            .position(|&e| e & m.placement & MASK_MEM != 0 && e & m.placement & MASK_CACHING != 0)
    }

    /// `ttm_bo_validate` (spec 6.5). The BO must be reserved.
    pub(crate) fn bo_validate(&mut self, bo: u32, pl: &Placement) -> KResult {
        self.enter(
            Func::BoValidate,
            &[bo as u64, pl.placement.first().copied().unwrap_or(0) as u64],
        );
        let n = self.state.bos[bo as usize].num_pages as u64;
        if (pl.fpfn != 0 || pl.lpfn != 0) && (pl.fpfn > pl.lpfn || pl.lpfn - pl.fpfn < n) {
            return self.ret(Err(Errno::Einval));
        }
        let cur = self.state.bos[bo as usize].mem;
        match self.mem_compat(pl, &cur) {
            Some(i) => {
                // Compatible: only the extra bits (e.g. NO_EVICT) are copied (pin / unpin).
                let p = (cur.placement & MASK_MEMTYPE) | (pl.placement[i] & !MASK_MEMTYPE);
                self.bo_set(bo, BoField::Placement, p as u64);
            }
            None => {
                if let Err(e) = self.bo_move_buffer(bo, pl) {
                    return self.ret(Err(e));
                }
            }
        }
        let b = &self.state.bos[bo as usize];
        if b.mem.mem_type as u32 == PL_SYSTEM && b.tt.is_none() {
            if let Err(e) = self.bo_add_ttm(bo, true) {
                return self.ret(Err(e));
            }
        }
        self.ret(Ok(()))
    }

    /// `ttm_bo_move_buffer`: wait for idle, find space, move; free the new node on failure.
    fn bo_move_buffer(&mut self, bo: u32, pl: &Placement) -> KResult {
        self.enter(Func::BoMoveBuffer, &[bo as u64]);
        // The drivers' validate is interruptible (their ioctls pass interruptible = true).
        if let Err(e) = self.bo_wait(bo, false, true) {
            return self.ret(Err(e));
        }
        let mem = match self.bo_mem_space(bo, pl) {
            Ok(m) => m,
            Err(e) => return self.ret(Err(e)),
        };
        let r = self.bo_handle_move_mem(bo, mem, false);
        if r.is_err() {
            self.mem_put(bo, &mem);
        }
        self.ret(r)
    }

    /// `ttm_bo_mt_compatible`: the entry names the type and shares a caching bit with the manager.
    fn mt_compatible(&self, bo: u32, mem_type: u8, entry: u32) -> Option<u32> {
        let cur = 1u32 << mem_type;
        let m = self.man(bo, mem_type);
        if cur & entry & MASK_MEM == 0 || entry & m.available_caching == 0 {
            return None;
        }
        Some(cur | (entry & m.available_caching))
    }

    /// `ttm_bo_select_caching` (spec 6.4): keep the current caching if allowed, else the
    /// manager's default, else the first allowed of CACHED, WC, UNCACHED.
    fn select_caching(&self, bo: u32, mem_type: u8, cur: u32, proposed: u32) -> u32 {
        let caching = proposed & MASK_CACHING;
        let mut result = proposed & !MASK_CACHING;
        let default = self.man(bo, mem_type).default_caching;
        if cur & caching != 0 {
            result |= cur & caching;
        } else if default & caching != 0 {
            result |= default;
        } else if let Some(c) = [FLAG_CACHED, FLAG_WC, FLAG_UNCACHED]
            .into_iter()
            .find(|c| c & caching != 0)
        {
            result |= c;
        }
        result
    }

    /// `ttm_bo_mem_space` (spec 6.4): pass 1 without evicting, pass 2 over the busy list with
    /// eviction. Returns the new memory region (with its node, if any).
    pub(crate) fn bo_mem_space(&mut self, bo: u32, pl: &Placement) -> KResult<MemReg> {
        self.enter(Func::BoMemSpace, &[bo as u64]);
        let cur = self.state.bos[bo as usize].mem.placement;
        let mut type_found = false;
        for &entry in &pl.placement {
            let Some(t) = mem_type_of(entry) else {
                return self.ret(Err(Errno::Einval));
            };
            let Some(flags) = self.mt_compatible(bo, t, entry) else {
                continue;
            };
            let flags = self.select_caching(bo, t, cur, flags) | (entry & !MASK_MEMTYPE);
            if t as u32 == PL_SYSTEM {
                let m = MemReg {
                    mem_type: t,
                    placement: flags,
                    start: 0,
                    has_node: false,
                };
                self.exit(0);
                return Ok(m);
            }
            if self.man(bo, t).has_type {
                type_found = true;
                if let Some(start) = self.man_get_node(bo, t, pl) {
                    self.exit(0);
                    return Ok(MemReg {
                        mem_type: t,
                        placement: flags,
                        start,
                        has_node: true,
                    });
                }
            }
        }
        // Step 3: no entry of placement[] named an initialised type, which includes an empty
        // placement[] (a placement of the scenario's own may have one): -EINVAL before pass 2.
        if !type_found {
            return self.ret(Err(Errno::Einval));
        }
        let mut restart = false;
        for &entry in &pl.busy {
            let Some(t) = mem_type_of(entry) else {
                return self.ret(Err(Errno::Einval));
            };
            if !self.man(bo, t).has_type {
                continue;
            }
            let Some(flags) = self.mt_compatible(bo, t, entry) else {
                continue;
            };
            let flags = self.select_caching(bo, t, cur, flags) | (entry & !MASK_MEMTYPE);
            if t as u32 == PL_SYSTEM {
                self.exit(0);
                return Ok(MemReg {
                    mem_type: t,
                    placement: flags,
                    start: 0,
                    has_node: false,
                });
            }
            match self.bo_mem_force_space(bo, t, pl) {
                Ok(start) => {
                    self.exit(0);
                    return Ok(MemReg {
                        mem_type: t,
                        placement: flags,
                        start,
                        has_node: true,
                    });
                }
                Err(Errno::Erestartsys) => restart = true,
                Err(_) => {}
            }
        }
        self.ret(Err(if restart {
            Errno::Erestartsys
        } else {
            Errno::Enomem
        }))
    }

    /// `ttm_bo_mem_force_space`: get a node, evicting the LRU head of the type until one fits.
    fn bo_mem_force_space(&mut self, bo: u32, t: u8, pl: &Placement) -> KResult<u64> {
        self.enter(Func::BoMemForceSpace, &[bo as u64, t as u64]);
        loop {
            if let Some(start) = self.man_get_node(bo, t, pl) {
                self.exit(0);
                return Ok(start);
            }
            // Eviction stays on the BO's own device: `bo->bdev->man[t]` (spec 6.9).
            if let Err(e) = self.mem_evict_first(self.dev_of(bo), t) {
                return self.ret(Err(e));
            }
        }
    }

    /// `ttm_mem_evict_first(bdev, t)` (spec 6.9): evict the head of device `dev`'s LRU of type
    /// `t` (-EBUSY when the LRU is empty). Only that device's BOs are on it.
    pub(crate) fn mem_evict_first(&mut self, dev: u8, t: u8) -> KResult {
        self.enter(Func::MemEvictFirst, &[t as u64, dev as u64]);
        let Some(&bo) = self.state.man(dev, t).lru.front() else {
            return self.ret(Err(Errno::Ebusy));
        };
        if self.on_ddestroy(bo) {
            let r = self.cleanup_refs(bo, false);
            return self.ret(r);
        }
        // LRU members are unreserved by construction (spec 6.8), so this never waits.
        if let Err(e) = self.bo_reserve(bo, None) {
            return self.ret(Err(e));
        }
        let r = self.bo_evict(bo);
        self.bo_unreserve(bo);
        self.ret(r)
    }

    /// `ttm_bo_evict` (spec 6.9): wait, ask the driver where to, find space, move (evict = true).
    fn bo_evict(&mut self, bo: u32) -> KResult {
        self.enter(Func::BoEvict, &[bo as u64]);
        if let Err(e) = self.bo_wait(bo, false, true) {
            return self.ret(Err(e));
        }
        let drv = self.drv_arg_bo(bo);
        self.enter(Func::DrvEvictFlags, &[drv, bo as u64]);
        let pl = self.drv_bo(bo).evict_flags(self, bo);
        self.exit(0);
        let mem = match self.bo_mem_space(bo, &pl) {
            Ok(m) => m,
            Err(e) => return self.ret(Err(e)),
        };
        if let Err(e) = self.bo_handle_move_mem(bo, mem, true) {
            self.mem_put(bo, &mem);
            return self.ret(Err(e));
        }
        self.bo_set(bo, BoField::Evicted, 1);
        self.ret(Ok(()))
    }

    /// `ttm_bo_evict_mm(bdev, t)`: evict until device `dev`'s LRU of the type is empty.
    pub(crate) fn bo_evict_mm(&mut self, dev: u8, t: u8) -> KResult {
        self.enter(Func::BoEvictMm, &[t as u64, dev as u64]);
        while !self.state.man(dev, t).lru.is_empty() {
            if let Err(e) = self.mem_evict_first(dev, t) {
                return self.ret(Err(e));
            }
        }
        self.ret(Ok(()))
    }

    /// `ttm_bo_unmap_virtual`: tear down user-space CPU mappings.
    fn bo_unmap_virtual(&mut self, bo: u32) {
        self.enter(Func::BoUnmapVirtual, &[bo as u64]);
        self.bo_set(bo, BoField::Ptes, 0);
        self.exit(0);
    }

    fn move_notify(&mut self, bo: u32, mem_type: Option<u8>) {
        if self.drv_bo(bo).has_move_notify() {
            let drv = self.drv_arg_bo(bo);
            self.enter(
                Func::DrvMoveNotify,
                &[drv, bo as u64, mem_type.map_or(0, |t| t as u64 + 1)],
            );
            self.exit(0);
        }
    }

    /// `ttm_bo_handle_move_mem` (spec 6.6): unmap if needed; bind for non-FIXED targets (populate
    /// happens here); SYSTEM→TT ends there; otherwise move_ttm, the driver's move, or memcpy.
    pub(crate) fn bo_handle_move_mem(&mut self, bo: u32, mem: MemReg, evict: bool) -> KResult {
        self.enter(
            Func::BoHandleMoveMem,
            &[
                bo as u64,
                mem.mem_type as u64,
                mem.placement as u64,
                evict as u64,
            ],
        );
        let old = self.state.bos[bo as usize].mem;
        if self.mem_is_pci(bo, &old)
            || self.mem_is_pci(bo, &mem)
            || old.placement & mem.placement & MASK_CACHING == 0
        {
            self.bo_unmap_virtual(bo);
        }
        let old_fixed = self.fixed(bo, old.mem_type);
        let new_fixed = self.fixed(bo, mem.mem_type);
        let r = (|| -> KResult<bool> {
            if !new_fixed {
                if self.state.bos[bo as usize].tt.is_none() {
                    self.bo_add_ttm(bo, !old_fixed)?;
                }
                let tt = self.state.bos[bo as usize].tt.unwrap_or(0);
                self.tt_set_placement_caching(tt, mem.placement)?;
                if mem.mem_type as u32 != PL_SYSTEM {
                    self.tt_bind_mem(tt, Some(mem))?;
                }
                if old.mem_type as u32 == PL_SYSTEM {
                    self.move_notify(bo, Some(mem.mem_type));
                    self.set_mem(bo, mem);
                    return Ok(true);
                }
            }
            self.move_notify(bo, Some(mem.mem_type));
            let r = if !old_fixed && !new_fixed {
                self.bo_move_ttm(bo, evict, mem)
            } else {
                let drv = self.drv_arg_bo(bo);
                self.enter(
                    Func::DrvMove,
                    &[drv, bo as u64, evict as u64, mem.mem_type as u64],
                );
                match self.drv_bo(bo).move_bo(self, bo, evict, mem) {
                    Some(r) => self.ret(r),
                    None => {
                        self.exit(Errno::Einval.code());
                        self.bo_move_memcpy(bo, evict, mem)
                    }
                }
            };
            if r.is_err() {
                self.move_notify(bo, Some(old.mem_type));
            }
            r.map(|_| true)
        })();
        match r {
            Ok(_) => {
                if self.state.bos[bo as usize].evicted {
                    let drv = self.drv_arg_bo(bo);
                    self.enter(Func::DrvInvalidateCaches, &[drv, mem.placement as u64]);
                    self.exit(0);
                    self.bo_set(bo, BoField::Evicted, 0);
                }
                let b = &self.state.bos[bo as usize];
                let off = if b.mem.has_node {
                    (b.mem.start << PAGE_SHIFT) + self.man(bo, b.mem.mem_type).gpu_offset
                } else {
                    0
                };
                self.bo_set(bo, BoField::Offset, off);
                self.ret(Ok(()))
            }
            Err(e) => {
                // Error path: a BO still in FIXED memory loses its tt.
                let b = &self.state.bos[bo as usize];
                if self.fixed(bo, b.mem.mem_type) {
                    self.bo_destroy_tt(bo);
                }
                self.ret(Err(e))
            }
        }
    }

    /// `ttm_tt_set_placement_caching` (spec 2.5): WC wins, then UNCACHED, else cached.
    pub(crate) fn tt_set_placement_caching(&mut self, tt: u32, placement: u32) -> KResult {
        self.enter(Func::TtSetPlacementCaching, &[tt as u64, placement as u64]);
        let c = if placement & FLAG_WC != 0 {
            Caching::Wc
        } else if placement & FLAG_UNCACHED != 0 {
            Caching::Uncached
        } else {
            Caching::Cached
        };
        let r = self.tt_set_caching(tt, c);
        self.ret(r)
    }

    /// `ttm_bo_move_ttm` (spec 6.7): unbind and free the old node, set caching, bind; same pages.
    pub(crate) fn bo_move_ttm(&mut self, bo: u32, evict: bool, new: MemReg) -> KResult {
        self.enter(Func::BoMoveTtm, &[bo as u64, evict as u64]);
        let old = self.state.bos[bo as usize].mem;
        let Some(tt) = self.state.bos[bo as usize].tt else {
            return self.ret(Err(Errno::Einval));
        };
        if old.mem_type as u32 != PL_SYSTEM {
            self.tt_unbind(tt);
            self.mem_put(bo, &old);
            let sys = MemReg {
                mem_type: PL_SYSTEM as u8,
                placement: (old.placement & !MASK_MEM) | FLAG_SYSTEM,
                start: 0,
                has_node: false,
            };
            self.set_mem(bo, sys);
        }
        if let Err(e) = self.tt_set_placement_caching(tt, new.placement) {
            return self.ret(Err(e));
        }
        if new.mem_type as u32 != PL_SYSTEM {
            if let Err(e) = self.tt_bind_mem(tt, Some(new)) {
                return self.ret(Err(e));
            }
        }
        self.set_mem(bo, new);
        self.ret(Ok(()))
    }

    /// Is a memory region CPU I/O memory (`mem->bus.is_iomem`, from the driver's io_mem_reserve)?
    fn is_iomem(&mut self, bo: u32, m: &MemReg) -> bool {
        let drv = self.drv_arg_bo(bo);
        self.enter(Func::DrvIoMemReserve, &[drv, m.mem_type as u64]);
        let io = self.drv_bo(bo).is_iomem(self, m.mem_type);
        self.exit(0);
        io
    }

    /// `ttm_bo_move_memcpy` (spec 6.7), with D4 in faithful mode.
    pub(crate) fn bo_move_memcpy(&mut self, bo: u32, evict: bool, new: MemReg) -> KResult {
        self.enter(Func::BoMoveMemcpy, &[bo as u64, evict as u64]);
        let old = self.state.bos[bo as usize].mem;
        let old_io = self.is_iomem(bo, &old);
        let new_io = self.is_iomem(bo, &new);
        let tt = self.state.bos[bo as usize].tt;
        // Something to copy: an I/O side, and (unless the source is I/O) a tt to copy from.
        let copy = old_io || (new_io && tt.is_some());
        if copy {
            let pre_seed = self.cfg.era.pre_seed();
            match tt {
                // D4(a): both sides I/O and no tt: 3.3 dereferences the NULL ttm.
                None if !pre_seed && self.faithful() => {
                    self.finding(Finding::D4NullTt { bo });
                    return self.ret(Err(Errno::Bug));
                }
                None => {}
                // E0/E1: each page is demand-allocated by the per-page copy.
                Some(t) if pre_seed => {
                    let n = self.state.tts[t as usize].num_pages;
                    for i in 0..n {
                        if let Err(e) = self.tt_get_page(t, i) {
                            return self.ret(Err(e));
                        }
                    }
                }
                // E2/E3: populate the whole tt first (the seed).
                Some(t) => {
                    let unpopulated = self.state.tts[t as usize].state == TtState::Unpopulated;
                    let r = if unpopulated {
                        self.driver_populate(t)
                    } else {
                        Ok(())
                    };
                    if let Err(e) = r {
                        // D4(b): the error path frees the old node the BO still owns.
                        if self.faithful() {
                            self.finding(Finding::D4OldNodeFreed { bo });
                            self.mem_put(bo, &old);
                        }
                        return self.ret(Err(e));
                    }
                }
            }
        }
        if copy {
            self.bo_copy_contents(bo, &old, &new);
        }
        self.set_mem(bo, new);
        if self.fixed(bo, new.mem_type) {
            self.bo_destroy_tt(bo);
        }
        self.mem_put(bo, &old);
        self.ret(Ok(()))
    }

    /// `ttm_bo_move_accel_cleanup` (spec 6.7): evict → wait; pipelined → a ghost BO keeps the old
    /// memory (and the tt, when the target is FIXED) until the fence signals.
    pub(crate) fn bo_move_accel_cleanup(
        &mut self,
        bo: u32,
        fence: u32,
        evict: bool,
        new: MemReg,
    ) -> KResult {
        self.enter(
            Func::BoMoveAccelCleanup,
            &[bo as u64, fence as u64, evict as u64],
        );
        let old = self.state.bos[bo as usize].mem;
        self.bo_set(bo, BoField::Fence, fence as u64 + 1);
        if evict {
            // ttm_bo_move_accel_cleanup waits uninterruptibly for an evicting copy.
            if let Err(e) = self.bo_wait(bo, false, false) {
                return self.ret(Err(e));
            }
            if self.fixed(bo, new.mem_type) {
                self.bo_destroy_tt(bo);
            }
            self.mem_put(bo, &old);
        } else {
            self.bo_set(bo, BoField::Moving, 1);
            let ghost = self.buffer_object_transfer(bo, old, fence);
            if self.fixed(bo, new.mem_type) {
                if let Some(t) = self.state.bos[bo as usize].tt {
                    self.bo_set(ghost, BoField::Tt, t as u64 + 1);
                    self.bo_set(bo, BoField::Tt, 0);
                }
            }
            self.bo_unreserve(ghost);
            self.bo_unref(ghost);
        }
        self.set_mem(bo, new);
        self.ret(Ok(()))
    }

    /// `ttm_buffer_object_transfer`: a ghost holding the old memory and the fence (acc_size 0).
    fn buffer_object_transfer(&mut self, bo: u32, old: MemReg, fence: u32) -> u32 {
        self.enter(Func::BufferObjectTransfer, &[bo as u64]);
        let id = self.state.bos.len() as u32;
        let b = &self.state.bos[bo as usize];
        let (n, kernel, device) = (b.num_pages, b.kernel, b.device);
        self.d(Delta::BoNew {
            id,
            device,
            num_pages: n,
            kernel,
            ghost: true,
        });
        self.set_mem(id, old);
        if old.has_node {
            let m = man_index(device, old.mem_type) as u8;
            if let Some(node) = self.state.managers[m as usize].nodes.get(&old.start) {
                let len = node.len;
                self.d(Delta::Node {
                    mem_type: m,
                    start: old.start,
                    len,
                    bo,
                    alloc: false,
                });
                self.d(Delta::Node {
                    mem_type: m,
                    start: old.start,
                    len,
                    bo: id,
                    alloc: true,
                });
            }
        }
        self.bo_set(id, BoField::Fence, fence as u64 + 1);
        self.exit(id as i64);
        id
    }

    // ---- swap-out (spec 6.10) -----------------------------------------------------------------

    /// `ttm_bo_swapout`, the accounting shrink callback: swap out the swap LRU head.
    pub(crate) fn bo_swapout(&mut self) -> KResult {
        self.enter(Func::BoSwapout, &[]);
        let bo = loop {
            // 3.3 takes the head. Later kernels walk the LRU past BOs with an unpopulated or
            // swapped tt (avoiding D8 and O7), leaving them where they are.
            let swappable = |s: &Sim, b: u32| {
                s.state.bos[b as usize].tt.is_some_and(|t| {
                    let t = &s.state.tts[t as usize];
                    t.state != TtState::Unpopulated && !t.swapped()
                })
            };
            let pick = if self.faithful() {
                self.state.swap_lru.front().copied()
            } else {
                self.state
                    .swap_lru
                    .iter()
                    .copied()
                    .find(|&b| self.on_ddestroy(b) || swappable(self, b))
            };
            let Some(bo) = pick else {
                return self.ret(Err(Errno::Ebusy));
            };
            if self.on_ddestroy(bo) {
                let _ = self.cleanup_refs(bo, false);
                continue;
            }
            break bo;
        };
        // LRU members are unreserved: reserve without waiting always succeeds.
        self.bo_set(bo, BoField::Reserved, 1);
        self.del_from_lru(bo);
        let r = (|| -> KResult {
            // ttm_bo_swapout waits uninterruptibly (spec 6.10 step 2).
            self.bo_wait(bo, false, false)?;
            let b = &self.state.bos[bo as usize];
            // 3.3 tests only the BO's placement. A validate that failed after
            // ttm_tt_set_placement_caching (the bind failed) leaves a WC/UC tt under a
            // SYSTEM|CACHED BO, and ttm_tt_swapout then hits its BUG_ON (issue 11, defect 3).
            // Fixed mode also moves when the tt is not cached, as later kernels test
            // `bo->ttm->caching_state != tt_cached` (spec 2.8 precondition); the move to
            // SYSTEM|CACHED sets the tt back to cached.
            let tt_uncached = !self.faithful()
                && b.tt
                    .is_some_and(|t| self.state.tts[t as usize].caching != Caching::Cached);
            if tt_uncached
                || b.mem.placement & (FLAG_SYSTEM | FLAG_CACHED) != FLAG_SYSTEM | FLAG_CACHED
            {
                let m = MemReg {
                    mem_type: PL_SYSTEM as u8,
                    placement: FLAG_SYSTEM | FLAG_CACHED,
                    start: 0,
                    has_node: false,
                };
                self.bo_handle_move_mem(bo, m, true)?;
            }
            self.bo_unmap_virtual(bo);
            let b = &self.state.bos[bo as usize];
            let (tt, persistent) = (b.tt.unwrap_or(0), b.persistent_swap);
            self.tt_swapout(tt, persistent)
        })();
        // Unreserved without going back on any LRU (spec 6.10 step 6).
        self.bo_set(bo, BoField::Reserved, 0);
        self.ret(r)
    }

    // ---- kmap and CPU faults (spec 6.11, 6.12) ------------------------------------------------

    /// `ttm_bo_kmap`. The BO must be reserved by the caller. O8: 3.3 checks start and count
    /// separately, not their sum; fixed mode checks the sum.
    pub(crate) fn bo_kmap(&mut self, bo: u32, start: u32, num: u32) -> KResult<u8> {
        self.enter(Func::BoKmap, &[bo as u64, start as u64, num as u64]);
        let b = &self.state.bos[bo as usize];
        let n = b.num_pages;
        let bad = if self.faithful() {
            num > n || start > n
        } else {
            num > n || start as u64 + num as u64 > n as u64
        };
        if bad || num == 0 {
            return self.ret(Err(Errno::Einval));
        }
        let mem = b.mem;
        self.enter(Func::MemIoReserve, &[bo as u64]);
        let io = self.is_iomem(bo, &mem);
        self.exit(0);
        if io {
            let t = MAP_IOMAP;
            self.bo_set(bo, BoField::Kmap, t as u64);
            self.exit(t as i64);
            return Ok(t);
        }
        self.enter(Func::BoKmapTtm, &[bo as u64, start as u64, num as u64]);
        let r = self.kmap_ttm(bo, start, num, mem.placement);
        self.exit(r.map_or_else(|e| e.code(), |t| t as i64));
        if let Ok(t) = r {
            self.bo_set(bo, BoField::Kmap, t as u64);
        }
        self.exit(r.map_or_else(|e| e.code(), |t| t as i64));
        r
    }

    fn kmap_ttm(&mut self, bo: u32, start: u32, num: u32, placement: u32) -> KResult<u8> {
        let Some(tt) = self.state.bos[bo as usize].tt else {
            return Err(Errno::Einval);
        };
        let n = self.state.tts[tt as usize].num_pages;
        if start as u64 + num as u64 > n as u64 {
            // O8: the range runs past the page array; the kernel would map whatever follows it.
            self.finding(Finding::O8KmapPastEnd { bo, start, num });
            return Err(Errno::Efault);
        }
        let single = num == 1 && placement & FLAG_CACHED != 0;
        if self.cfg.era.pre_seed() {
            let range = if single {
                start..start + 1
            } else {
                start..start + num
            };
            for i in range {
                self.tt_get_page(tt, i)?;
            }
        } else if self.state.tts[tt as usize].state == TtState::Unpopulated {
            self.driver_populate(tt)?;
        }
        Ok(if single { MAP_KMAP } else { MAP_VMAP })
    }

    /// `ttm_bo_kunmap`.
    pub(crate) fn bo_kunmap(&mut self, bo: u32) {
        self.enter(Func::BoKunmap, &[bo as u64]);
        self.bo_set(bo, BoField::Kmap, 0);
        self.exit(0);
    }

    /// `ttm_bo_vm_fault` (spec 6.12) for a mapping of the whole BO from its first page.
    pub(crate) fn bo_vm_fault(&mut self, bo: u32, page: u32) -> FaultResult {
        self.enter(Func::BoVmFault, &[bo as u64, page as u64]);
        if self.state.bos[bo as usize].reserved {
            self.exit(0);
            return FaultResult::NoPage { mapped: 0 };
        }
        self.bo_set(bo, BoField::Reserved, 1);
        let r = self.vm_fault_reserved(bo, page);
        self.bo_unreserve(bo);
        self.exit(match r {
            FaultResult::NoPage { mapped } => mapped as i64,
            FaultResult::Sigbus => -7,
            FaultResult::Oom => -12,
        });
        r
    }

    fn vm_fault_reserved(&mut self, bo: u32, page: u32) -> FaultResult {
        self.del_from_lru(bo);
        let drv = self.drv_arg_bo(bo);
        self.enter(Func::DrvFaultReserveNotify, &[drv, bo as u64]);
        let r = self.drv_bo(bo).fault_reserve_notify(self, bo);
        let _ = self.ret(r);
        match r {
            Ok(()) => {}
            Err(Errno::Ebusy | Errno::Erestartsys) => return FaultResult::NoPage { mapped: 0 },
            Err(_) => return FaultResult::Sigbus,
        }
        // Step 3: an interruptible wait for a pipelined move; -ERESTARTSYS retries the fault.
        if self.state.bos[bo as usize].moving {
            match self.bo_wait(bo, false, true) {
                Ok(()) => {}
                Err(Errno::Erestartsys) => return FaultResult::NoPage { mapped: 0 },
                Err(_) => return FaultResult::Sigbus,
            }
        }
        let b = &self.state.bos[bo as usize];
        let (n, mem, tt) = (b.num_pages, b.mem, b.tt);
        if page >= n {
            return FaultResult::Sigbus;
        }
        self.enter(Func::MemIoReserve, &[bo as u64]);
        let io = self.is_iomem(bo, &mem);
        self.exit(0);
        let last = n; // the VMA maps the whole BO (page_last = num_pages)
        let end = (page + TTM_BO_VM_NUM_PREFAULT).min(last);
        let mut mapped = 0;
        if !io {
            let Some(tt) = tt else {
                return FaultResult::Sigbus;
            };
            if self.cfg.era.pre_seed() {
                for i in page..end {
                    if self.tt_get_page(tt, i).is_err() {
                        if i == page {
                            return FaultResult::Oom;
                        }
                        break;
                    }
                    mapped += 1;
                }
            } else {
                // The seed: "Allocate all page at once, most common usage".
                if self.driver_populate(tt).is_err() {
                    return FaultResult::Oom;
                }
                mapped = end - page;
            }
        } else {
            mapped = end - page;
        }
        let ptes = self.state.bos[bo as usize].ptes;
        self.bo_set(bo, BoField::Ptes, ptes + mapped as u64);
        FaultResult::NoPage { mapped }
    }

    // ---- references and destruction (spec 6.13) ----------------------------------------------

    /// `ttm_bo_unref`: drop a user reference; at zero, release.
    pub(crate) fn bo_unref(&mut self, bo: u32) {
        self.enter(Func::BoUnref, &[bo as u64]);
        let k = self.state.bos[bo as usize].kref;
        self.bo_set(bo, BoField::Kref, k.saturating_sub(1));
        if k == 1 {
            self.enter(Func::BoRelease, &[bo as u64]);
            // ttm_bo_release removes the mmap offset range first (spec 6.13).
            if self.state.bos[bo as usize].vm_start > 0 {
                self.bo_set(bo, BoField::VmStart, 0);
            }
            self.cleanup_refs_or_queue(bo);
            self.exit(0);
        }
        self.exit(0);
    }

    /// `ttm_bo_cleanup_refs_or_queue`: idle and unreserved → clean up now; else delayed destroy.
    fn cleanup_refs_or_queue(&mut self, bo: u32) {
        self.enter(Func::CleanupRefsOrQueue, &[bo as u64]);
        let b = &self.state.bos[bo as usize];
        if self.fence_signaled(b.fence) && !b.reserved {
            self.bo_set(bo, BoField::Reserved, 1);
            self.del_from_lru(bo);
            self.cleanup_memtype_use(bo);
            self.release_list(bo);
        } else {
            // The BO's own device's list (`bo->bdev->ddestroy`, spec 6.13).
            let list = list_id(self.dev_of(bo), LIST_DDESTROY);
            let pos = self.state.list(list).len() as u32;
            self.d(Delta::Lru {
                list,
                bo,
                pos,
                insert: true,
            });
        }
        self.exit(0);
    }

    /// `ttm_bo_cleanup_memtype_use`: move_notify(NULL), destroy the tt, free the node.
    fn cleanup_memtype_use(&mut self, bo: u32) {
        self.enter(Func::CleanupMemtypeUse, &[bo as u64]);
        self.move_notify(bo, None);
        self.bo_destroy_tt(bo);
        let mem = self.state.bos[bo as usize].mem;
        self.mem_put(bo, &mem);
        self.bo_set(bo, BoField::HasNode, 0);
        self.bo_set(bo, BoField::Reserved, 0);
        self.exit(0);
    }

    /// `ttm_bo_cleanup_refs` (on the delayed-destroy list): wait (or, no-wait, -EBUSY), then clean up.
    fn cleanup_refs(&mut self, bo: u32, no_wait: bool) -> KResult {
        self.enter(Func::CleanupRefs, &[bo as u64]);
        // UNCONFIRMED choice: the delayed-destroy waits are not interrupted in the model.
        if let Err(e) = self.bo_wait(bo, no_wait, false) {
            return self.ret(Err(e));
        }
        self.bo_set(bo, BoField::Reserved, 1);
        self.del_from_lru(bo);
        self.list_remove(list_id(self.dev_of(bo), LIST_DDESTROY), bo);
        self.cleanup_memtype_use(bo);
        self.release_list(bo);
        self.ret(Ok(()))
    }

    /// Device `dev`'s delayed work: `ttm_bo_delayed_delete(bdev, remove_all = false)` over that
    /// device's ddestroy list (spec 6.13); a busy BO stops the pass.
    pub(crate) fn delayed_delete(&mut self, dev: u8) {
        self.enter(Func::DelayedDelete, &[0, dev as u64]);
        while let Some(&bo) = self.state.ddestroy[dev as usize].front() {
            if self.cleanup_refs(bo, true).is_err() {
                break;
            }
        }
        self.exit(0);
    }

    /// `ttm_bo_release_list`: the last list reference is gone: uncharge acc_size, free.
    fn release_list(&mut self, bo: u32) {
        self.enter(Func::ReleaseList, &[bo as u64]);
        let acc = self.state.bos[bo as usize].acc_size;
        if acc > 0 {
            self.mem_global_free(acc);
        }
        self.bo_set(bo, BoField::Alive, 0);
        self.exit(0);
    }
}

/// Pseudocode of the functions this module models (spec 6; see [`crate::code`]).
#[rustfmt::skip]
pub(crate) const CODE: &[crate::code::Listing] = {
    use crate::code::k::*;
    use crate::code::l;
    &[
        (F::BoDeviceInit, &[
            l("set up the device: LRUs, delayed-destroy work, address space", &[], &[]),
            l("initialise the SYSTEM memory type (other types: the driver at load)", &[F::BoInitMm], &[]),
        ]),
        (F::BoInitMm, &[
            l("ask the driver to describe the memory type", &[F::DrvInitMemType], &[]),
            l("if the driver does not know it: -EINVAL", &[], &[]),
            l("set up its range (or GMR id) manager with that size, flags and caching", &[], &[ManagerInit]),
        ]),
        (F::BoCreate, &[
            l("work out the BO's accounting size", &[], &[]),
            l("charge it to every zone (may swap BOs out)", &[F::MemGlobalAlloc], &[]),
            l("initialise the BO and validate it into the placement", &[F::BoInit], &[]),
        ]),
        (F::BoInit, &[
            l("charge the accounting size (when the caller did not)", &[F::MemGlobalAlloc], &[]),
            l("a new BO, reserved, in SYSTEM|CACHED, with no tt", &[], &[BoNew, Set(V::Bo(B::AccSize))]),
            l("give it an mmap offset", &[F::BoSetupVm], &[]),
            l("validate it into the requested placement", &[F::BoValidate], &[]),
            l("unreserve it: it joins the LRUs", &[F::BoUnreserve], &[]),
        ]),
        (F::BoSetupVm, &[
            l("find the lowest hole of num_pages pages in the device's mmap address space", &[], &[]),
            l("the BO's vm_node holds that range: addr_space_offset = its start in bytes", &[], &[Set(V::Bo(B::VmStart))]),
        ]),
        (F::BoReserve, &[
            l("if already reserved: -EBUSY with no_wait, else wait for it", &[], &[]),
            l("if there is a ticket: record the sequence (an older holder wins: -EAGAIN)", &[], &[Set(V::Bo(B::ValSeq)), Set(V::Bo(B::SeqValid))]),
            l("mark it reserved", &[], &[Set(V::Bo(B::Reserved))]),
            l("take it off the LRUs while reserved", &[F::BoDelFromLru], &[]),
        ]),
        (F::BoUnreserve, &[
            l("put it back on the LRUs (at the tail)", &[F::BoAddToLru], &[]),
            l("clear reserved and wake waiters", &[], &[Set(V::Bo(B::Reserved))]),
        ]),
        (F::BoAddToLru, &[
            l("if not NO_EVICT: append to its memory type's LRU (and to the swap LRU if it has a tt)", &[], &[Lru(true)]),
            l("(a NO_EVICT BO stays off the LRUs: nobody may evict it)", &[], &[]),
        ]),
        (F::BoDelFromLru, &[
            l("remove it from its memory type's LRU and from the swap LRU", &[], &[Lru(false)]),
            l("(each only if it is on it)", &[], &[]),
        ]),
        (F::BoValidate, &[
            l("if the fpfn/lpfn range is bad: -EINVAL", &[], &[]),
            l("if the current memory is compatible: keep it", &[], &[Set(V::Bo(B::Placement))]),
            l("if not compatible: move the buffer", &[F::BoMoveBuffer], &[]),
            l("if in SYSTEM without a tt: create one", &[F::BoAddTtm], &[]),
        ]),
        (F::BoMoveBuffer, &[
            l("wait for the GPU to finish with the BO", &[F::BoWait], &[]),
            l("find space in a placement (may evict)", &[F::BoMemSpace], &[]),
            l("move the memory there", &[F::BoHandleMoveMem], &[]),
            l("if the move failed: give the new space back", &[F::BoMemPut], &[]),
        ]),
        (F::BoMemSpace, &[
            l("first pass: each placement in order, a compatible type and caching", &[], &[]),
            l("SYSTEM needs no space; others: look for a free range", &[F::ManGetNode], &[]),
            l("if one is found: done", &[], &[]),
            l("second pass: each busy placement, evicting until it fits", &[F::BoMemForceSpace], &[]),
            l("if nothing fits anywhere: -ENOMEM", &[], &[]),
        ]),
        (F::BoMemForceSpace, &[
            l("look for a free range", &[F::ManGetNode], &[]),
            l("if there is none: evict the least recently used BO of this type and retry", &[F::MemEvictFirst], &[]),
            l("if nothing left to evict: give up on this type", &[], &[]),
        ]),
        (F::MemEvictFirst, &[
            l("if the LRU of this type is empty: -EBUSY", &[], &[]),
            l("if its head is being destroyed: finish destroying it instead", &[F::CleanupRefs], &[]),
            l("reserve the head BO", &[F::BoReserve], &[]),
            l("evict it", &[F::BoEvict], &[]),
            l("unreserve it", &[F::BoUnreserve], &[]),
        ]),
        (F::BoEvict, &[
            l("wait for the GPU to finish with it", &[F::BoWait], &[]),
            l("ask the driver where evicted BOs of this kind go", &[F::DrvEvictFlags], &[]),
            l("find space there", &[F::BoMemSpace], &[]),
            l("move it there (on failure: give the space back)", &[F::BoHandleMoveMem, F::BoMemPut], &[]),
            l("mark it evicted", &[], &[Set(V::Bo(B::Evicted))]),
        ]),
        (F::BoEvictMm, &[
            l("while the memory type's LRU is not empty: evict its head", &[F::MemEvictFirst], &[]),
            l("stop at the first error", &[], &[]),
        ]),
        (F::BoHandleMoveMem, &[
            l("if PCI memory or caching changes: zap the CPU mappings", &[F::BoUnmapVirtual], &[]),
            l("if going to non-fixed memory: make sure there is a tt", &[F::BoAddTtm], &[]),
            l("set the tt's caching for the new placement", &[F::TtSetPlacementCaching], &[]),
            l("if not SYSTEM: bind the tt there", &[F::TtBind], &[]),
            l("if from SYSTEM: just adopt the new memory", &[F::DrvMoveNotify], &[Set(V::Bo(B::MemType)), Set(V::Bo(B::Placement)), Set(V::Bo(B::Start)), Set(V::Bo(B::HasNode))]),
            l("if both non-fixed: move the tt", &[F::DrvMoveNotify, F::BoMoveTtm], &[]),
            l("otherwise: the driver's move (memcpy if it has none)", &[F::DrvMove, F::BoMoveMemcpy], &[]),
            l("if it was evicted: invalidate the GPU caches", &[F::DrvInvalidateCaches], &[Set(V::Bo(B::Evicted))]),
            l("update the GPU offset", &[], &[Set(V::Bo(B::Offset))]),
            l("if it failed in fixed memory: destroy the tt", &[F::TtUnbind, F::TtDestroy], &[Set(V::Bo(B::Tt))]),
        ]),
        (F::BoAddTtm, &[
            l("device BOs get a tt from the driver (ZERO_ALLOC if asked)", &[F::DrvTtCreate], &[Set(V::Bo(B::Tt))]),
            l("if there is no memory: -ENOMEM", &[], &[]),
        ]),
        (F::TtSetPlacementCaching, &[
            l("choose the tt's caching from the placement's flags (WC, then UC, else cached)", &[], &[]),
            l("apply it to the pages", &[F::TtSetCaching], &[]),
        ]),
        (F::BoMoveTtm, &[
            l("if from a non-SYSTEM type: unbind the tt and free the old range", &[F::TtUnbind, F::BoMemPut], &[]),
            l("set the tt's caching for the new placement", &[F::TtSetPlacementCaching], &[]),
            l("if to a non-SYSTEM type: bind the tt there", &[F::TtBind], &[]),
            l("adopt the new memory", &[], &[Set(V::Bo(B::MemType)), Set(V::Bo(B::Placement)), Set(V::Bo(B::Start)), Set(V::Bo(B::HasNode))]),
        ]),
        (F::BoMoveMemcpy, &[
            l("ask the driver which side is I/O memory", &[F::DrvIoMemReserve], &[]),
            l("make sure the tt has pages", &[F::DrvTtPopulate], &[]),
            l("copy every page with the CPU", &[], &[IoContent, Content]),
            l("if to fixed memory: unbind and destroy the tt", &[F::TtUnbind, F::TtDestroy], &[Set(V::Bo(B::Tt))]),
            l("free the old range and adopt the new memory", &[F::BoMemPut], &[Set(V::Bo(B::MemType)), Set(V::Bo(B::Placement)), Set(V::Bo(B::Start)), Set(V::Bo(B::HasNode))]),
        ]),
        (F::BoMoveAccelCleanup, &[
            l("attach the copy's fence to the BO", &[], &[Set(V::Bo(B::Fence)), Set(V::Bo(B::Moving))]),
            l("if evicting: wait for the copy, then free the old memory", &[F::BoWait, F::BoMemPut], &[]),
            l("otherwise: a ghost BO takes the old memory until the fence signals", &[F::BufferObjectTransfer], &[Set(V::Bo(B::Tt))]),
            l("drop the ghost (it is destroyed once idle)", &[F::BoUnreserve, F::BoUnref], &[]),
            l("adopt the new memory", &[], &[Set(V::Bo(B::MemType)), Set(V::Bo(B::Placement)), Set(V::Bo(B::Start)), Set(V::Bo(B::HasNode))]),
        ]),
        (F::BufferObjectTransfer, &[
            l("a ghost BO copies the BO: same memory and tt", &[], &[BoNew]),
            l("the ghost takes over the old range", &[], &[Node(false), Node(true), Set(V::Bo(B::MemType)), Set(V::Bo(B::Placement)), Set(V::Bo(B::HasNode))]),
            l("it holds the copy's fence, starts reserved, with one reference", &[], &[Set(V::Bo(B::Fence))]),
        ]),
        (F::BoMemPut, &[
            l("if the region has a range: give its range back", &[F::ManPutNode], &[]),
            l("the region has no node any more", &[], &[Set(V::Bo(B::HasNode))]),
        ]),
        (F::ManGetNode, &[
            l("search for a hole of num_pages inside [fpfn, lpfn)", &[], &[]),
            l("if one is found: allocate it to the BO", &[], &[Node(true)]),
            l("if there is none: no node, not an error", &[], &[]),
        ]),
        (F::ManPutNode, &[
            l("free the range (or GMR id)", &[], &[Node(false)]),
        ]),
        (F::BoUnmapVirtual, &[
            l("zap every CPU page-table entry mapping the BO", &[], &[Set(V::Bo(B::Ptes))]),
            l("(the next CPU access faults)", &[], &[]),
        ]),
        (F::BoWait, &[
            l("if there is no fence: idle", &[], &[]),
            l("ask the driver whether the fence has signalled", &[F::DrvSyncObjSignaled], &[]),
            l("if not signalled yet: -EBUSY with no_wait, else wait for it", &[F::DrvSyncObjWait], &[]),
            l("if signalled: drop the fence and the moving flag", &[], &[Set(V::Bo(B::Fence)), Set(V::Bo(B::Moving))]),
        ]),
        (F::BoKmap, &[
            l("if the range runs past the BO's end: -EINVAL", &[], &[]),
            l("reserve the I/O space if the memory is I/O", &[F::MemIoReserve], &[]),
            l("if it is I/O memory: ioremap it", &[], &[Set(V::Bo(B::Kmap))]),
            l("otherwise: map the tt pages", &[F::BoKmapTtm], &[Set(V::Bo(B::Kmap))]),
        ]),
        (F::BoKmapTtm, &[
            l("make sure the tt has pages", &[F::DrvTtPopulate], &[]),
            l("if it is one cached lowmem page: use its kernel address", &[], &[]),
            l("otherwise: vmap the pages with the placement's caching", &[], &[]),
        ]),
        (F::BoKunmap, &[
            l("undo the map by how it was made (iounmap, vunmap, kunmap)", &[], &[Set(V::Bo(B::Kmap))]),
        ]),
        (F::BoVmFault, &[
            l("reserve the BO without waiting (busy: retry the fault)", &[F::BoDelFromLru], &[Set(V::Bo(B::Reserved))]),
            l("let the driver move it somewhere CPU-visible", &[F::DrvFaultReserveNotify], &[]),
            l("if still moving on the GPU: wait or retry", &[F::BoWait], &[]),
            l("if it is I/O memory: reserve it and map its pages", &[F::MemIoReserve], &[]),
            l("otherwise: populate the tt and map up to 16 of its pages", &[F::DrvTtPopulate, F::TtGetPage], &[Set(V::Bo(B::Ptes))]),
            l("unreserve", &[F::BoUnreserve], &[Set(V::Bo(B::Reserved))]),
        ]),
        (F::BoUnref, &[
            l("drop one reference", &[], &[Set(V::Bo(B::Kref))]),
            l("if it was the last one: release the BO", &[F::BoRelease], &[]),
        ]),
        (F::BoRelease, &[
            l("drop the mmap offset and any I/O reservation", &[F::BoUnmapVirtual], &[Set(V::Bo(B::VmStart))]),
            l("destroy now if idle, else queue it", &[F::CleanupRefsOrQueue], &[]),
        ]),
        (F::CleanupRefsOrQueue, &[
            l("reserve it and check whether the GPU is done", &[], &[Set(V::Bo(B::Reserved))]),
            l("if it is idle: off the LRUs, free its memory and tt, release it", &[F::BoDelFromLru, F::CleanupMemtypeUse, F::ReleaseList], &[]),
            l("if it is busy: put it on the delayed-destroy list", &[], &[Lru(true), Set(V::Bo(B::Reserved))]),
        ]),
        (F::CleanupMemtypeUse, &[
            l("tell the driver the BO is going away", &[F::DrvMoveNotify], &[]),
            l("unbind and destroy its tt", &[F::TtUnbind, F::TtDestroy], &[Set(V::Bo(B::Tt))]),
            l("free its range", &[F::BoMemPut], &[Set(V::Bo(B::HasNode))]),
            l("unreserve it (not back on any LRU)", &[], &[Set(V::Bo(B::Reserved))]),
        ]),
        (F::CleanupRefs, &[
            l("wait for the GPU to finish with it", &[F::BoWait], &[]),
            l("reserve it", &[], &[Set(V::Bo(B::Reserved))]),
            l("off the delayed-destroy list and the LRUs", &[F::BoDelFromLru], &[Lru(false)]),
            l("free its memory and tt, release it", &[F::CleanupMemtypeUse, F::ReleaseList], &[]),
        ]),
        (F::DelayedDelete, &[
            l("for each BO on the delayed-destroy list", &[], &[]),
            l("finish destroying it if idle (or all, waiting, with remove_all)", &[F::CleanupRefs], &[]),
        ]),
        (F::ReleaseList, &[
            l("the BO is freed", &[], &[Set(V::Bo(B::Alive))]),
            l("uncharge its accounting size", &[F::MemGlobalFree], &[]),
        ]),
        (F::MemIoReserve, &[
            l("ask the driver for the bus address of the memory", &[F::DrvIoMemReserve], &[]),
            l("(the model keeps no I/O reservation state)", &[], &[]),
        ]),
        (F::BoSwapout, &[
            l("take the head of the swap LRU (none: -EBUSY)", &[], &[]),
            l("if it is being destroyed: finish that and take the next", &[F::CleanupRefs], &[]),
            l("reserve it and take it off the LRUs", &[F::BoDelFromLru], &[Set(V::Bo(B::Reserved))]),
            l("wait for the GPU", &[F::BoWait], &[]),
            l("if not SYSTEM|CACHED: move it there first", &[F::BoHandleMoveMem], &[]),
            l("zap CPU mappings", &[F::BoUnmapVirtual], &[]),
            l("write its tt out to swap", &[F::TtSwapout], &[]),
            l("unreserve without putting it back on any LRU", &[], &[Set(V::Bo(B::Reserved))]),
        ]),
    ]
};
