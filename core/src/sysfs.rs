//! sysfs attributes of the pool allocators and the accounting zones, with the kernel's units and
//! store rules (spec 3.2, 4.2, 5.2; worked example W20).

use crate::config::SysfsAttr;
use crate::consts::PAGE_SIZE;
use crate::func::Func;
use crate::sim::Sim;
use crate::state::{OptField, Var, ZoneField};
use serde::Serialize;

/// What a write to a sysfs attribute did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SysfsOutcome {
    /// The value was stored (in the attribute's internal unit: pages or bytes).
    Stored(u64),
    /// Stored, and the kernel logged this warning.
    StoredWithWarning(u64, String),
    /// Not stored; the kernel logged this error (the write itself still "succeeds").
    Rejected(String),
    /// Nothing could be parsed; ignored silently.
    Ignored,
}

/// The kernel's `sscanf(buf, "%u")` / `"%llu"`: skip white space, then decimal digits; no digit →
/// no conversion. There is no sign handling for unsigned conversions and no overflow check.
fn scan_unsigned(s: &str) -> Option<u64> {
    let t = s.trim_start();
    let digits: &str = &t[..t.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    Some(digits.bytes().fold(0u64, |v, d| {
        v.wrapping_mul(10).wrapping_add((d - b'0') as u64)
    }))
}

impl Sim {
    fn pool_attr(attr: SysfsAttr) -> Option<(bool, OptField)> {
        Some(match attr {
            SysfsAttr::PoolMaxSize => (false, OptField::MaxSize),
            SysfsAttr::PoolSmallAllocation => (false, OptField::Small),
            SysfsAttr::PoolAllocationSize => (false, OptField::AllocSize),
            SysfsAttr::DmaPoolMaxSize => (true, OptField::MaxSize),
            SysfsAttr::DmaPoolSmallAllocation => (true, OptField::Small),
            SysfsAttr::DmaPoolAllocationSize => (true, OptField::AllocSize),
            _ => return None,
        })
    }

    pub(crate) fn sysfs_exists(&self, attr: SysfsAttr, zone: usize) -> Result<(), String> {
        match Self::pool_attr(attr) {
            Some((true, _)) if !self.cfg.has_dma_pool() => {
                Err("the dma_pool kobject exists only with swiotlb in era E3".to_string())
            }
            None if zone >= self.state.zones.len() => Err(format!(
                "zone {zone} does not exist; this machine has {} accounting zone(s)",
                self.state.zones.len()
            )),
            _ => Ok(()),
        }
    }

    /// The sysfs path of an attribute (below /sys/devices/virtual/drm/ttm/).
    pub fn sysfs_path(&self, attr: SysfsAttr, zone: usize) -> String {
        let name = match attr {
            SysfsAttr::PoolMaxSize | SysfsAttr::DmaPoolMaxSize => "pool_max_size",
            SysfsAttr::PoolSmallAllocation | SysfsAttr::DmaPoolSmallAllocation => {
                "pool_small_allocation"
            }
            SysfsAttr::PoolAllocationSize | SysfsAttr::DmaPoolAllocationSize => {
                "pool_allocation_size"
            }
            SysfsAttr::EmergencyMemory => "emergency_memory",
            SysfsAttr::AvailableMemory => "available_memory",
            SysfsAttr::SwapLimit => "swap_limit",
        };
        match Self::pool_attr(attr) {
            Some((false, _)) => format!("memory_accounting/pool/{name}"),
            Some((true, _)) => format!("memory_accounting/dma_pool/{name}"),
            None => {
                let z = self.state.zones.get(zone).map_or("?", |z| z.name.as_str());
                format!("memory_accounting/{z}/{name}")
            }
        }
    }

    pub(crate) fn sysfs_store(
        &mut self,
        attr: SysfsAttr,
        zone: usize,
        value: &str,
    ) -> SysfsOutcome {
        if let Some((dma, field)) = Self::pool_attr(attr) {
            // ttm_pool_store (spec 3.2): "%u" KiB → pages (÷4, integer); only alloc_size is checked.
            let Some(raw) = scan_unsigned(value) else {
                return SysfsOutcome::Ignored;
            };
            let pages = (raw as u32 / (PAGE_SIZE >> 10) as u32) as u64;
            self.enter(Func::PoolStore, &[field as u64, pages]);
            let npta = self.cfg.arch.num_pages_to_alloc() as u64;
            let mut outcome = SysfsOutcome::Stored(pages);
            if field == OptField::AllocSize {
                if pages > npta * 8 {
                    self.exit(0);
                    return SysfsOutcome::Rejected(format!(
                        "Setting allocation size to larger than {} is not recommended.",
                        npta * 8 * (PAGE_SIZE >> 10)
                    ));
                } else if pages > npta {
                    outcome = SysfsOutcome::StoredWithWarning(
                        pages,
                        format!(
                            "Setting allocation size to larger than {} is not recommended.",
                            npta * (PAGE_SIZE >> 10)
                        ),
                    );
                }
            }
            let var = if dma {
                Var::DmaOpt(field)
            } else {
                Var::PoolOpt(field)
            };
            self.set(var, pages);
            self.exit(0);
            return outcome;
        }
        // ttm_mem_zone_store (spec 5.2): "%llu" KiB → bytes, clamped to zone_mem.
        let Some(raw) = scan_unsigned(value) else {
            return SysfsOutcome::Ignored;
        };
        let z = zone as u8;
        let zm = &self.state.zones[zone];
        let val = (raw << 10).min(zm.zone_mem);
        let (max, emer) = (zm.max_mem, zm.emer_mem);
        self.enter(Func::MemZoneStore, &[zone as u64, attr as u64, val]);
        match attr {
            SysfsAttr::EmergencyMemory => {
                self.set(Var::Zone(z, ZoneField::Emer), val);
                if max > val {
                    self.set(Var::Zone(z, ZoneField::Max), val);
                }
            }
            SysfsAttr::AvailableMemory => {
                self.set(Var::Zone(z, ZoneField::Max), val);
                if emer < val {
                    self.set(Var::Zone(z, ZoneField::Emer), val);
                }
            }
            _ => self.set(Var::Zone(z, ZoneField::SwapLimit), val),
        }
        self.check_swapping();
        self.exit(0);
        SysfsOutcome::Stored(val)
    }

    /// Read a sysfs attribute as the kernel shows it (KiB, followed by a newline).
    pub fn sysfs_read(&self, attr: SysfsAttr, zone: usize) -> Result<String, String> {
        self.sysfs_exists(attr, zone)?;
        if let Some((dma, field)) = Self::pool_attr(attr) {
            let o = if dma {
                &self.state.dma_opts
            } else {
                &self.state.pool_opts
            };
            let v = match field {
                OptField::MaxSize => o.max_size,
                OptField::Small => o.small,
                OptField::AllocSize => o.alloc_size,
            };
            return Ok(format!(
                "{}\n",
                (v as u32).wrapping_mul((PAGE_SIZE >> 10) as u32)
            ));
        }
        let z = &self.state.zones[zone];
        let v = match attr {
            SysfsAttr::EmergencyMemory => z.emer_mem,
            SysfsAttr::AvailableMemory => z.max_mem,
            _ => z.swap_limit,
        };
        Ok(format!("{}\n", v >> 10))
    }

    /// Read-only zone attributes: `zone_memory` and `used_memory` in KiB.
    pub fn sysfs_read_zone_usage(&self, zone: usize) -> Option<(u64, u64)> {
        self.state
            .zones
            .get(zone)
            .map(|z| (z.zone_mem >> 10, z.used_mem >> 10))
    }
}

/// Pseudocode of the functions this module models (spec 3.2, 5.2; see [`crate::code`]).
#[rustfmt::skip]
pub(crate) const CODE: &[crate::code::Listing] = {
    use crate::code::k::*;
    use crate::code::l;
    &[
        (F::PoolStore, &[
            l("parse the value in KiB and convert it to pages", &[], &[]),
            l("if allocation size above 8 batches: refuse with a warning", &[], &[]),
            l("if above one batch: warn, then store", &[], &[]),
            l("store the option", &[], &[Set(V::PoolOpt), Set(V::DmaOpt)]),
        ]),
        (F::MemZoneStore, &[
            l("parse the value in KiB, clamp it to the zone's size", &[], &[]),
            l("if emergency_memory: store it, lowering max_mem to it if higher", &[], &[Set(V::Zone)]),
            l("if available_memory: store it, raising emer_mem to it if lower", &[], &[Set(V::Zone)]),
            l("if swap_limit: store it", &[], &[Set(V::Zone)]),
            l("queue background swapping if now above swap_limit", &[F::CheckSwapping], &[]),
        ]),
    ]
};
