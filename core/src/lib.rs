//! # ttm-core: a faithful, traced model of the Linux 3.3 DRM TTM memory manager
//!
//! The model follows `ttm-spec.md` (the project's behavioural specification of TTM around the
//! commit "drm/ttm: introduce callback for ttm_tt populate & unpopulate V4"). Names mirror the
//! kernel's: `struct ttm_tt` is [`Tt`], `ttm_pool_populate` is `pool_populate`, and every traced
//! function names its kernel symbol ([`Func::symbol`]).
//!
//! * [`Sim`] is a simulated machine. [`Sim::run`] performs a user [`Action`], which expands into
//!   the modelled kernel calls.
//! * [`State`] is everything observable. It changes only through [`Delta`]s, which the [`Trace`]
//!   records together with every call's entry and exit; replaying the deltas on
//!   [`Sim::boot_state`] reproduces [`Sim::state`], and reverting them walks back in time.
//! * [`Finding`]s report kernel defects (spec 9) and invariant violations (spec 11).
//!
//! ```
//! use ttm_core::{Action, Caching, MachineConfig, Sim};
//! let mut sim = Sim::new(MachineConfig::default()).unwrap();
//! let tt = match sim.run(&Action::TtCreate { pages: 20, caching: Caching::Wc, flags: 0, dma: false }).unwrap() {
//!     ttm_core::Output::Tt(id) => id,
//!     _ => unreachable!(),
//! };
//! sim.run(&Action::TtPopulate { tt }).unwrap();
//! // Worked example W3: the empty wc pool refills 512 pages, 20 are taken.
//! assert_eq!(sim.state().pools[0].npages, 492);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bo;
pub mod bo_state;
pub mod catalog;
mod check;
pub mod code;
pub mod compare;
pub mod config;
pub mod consts;
pub mod drivers;
mod errno;
pub mod exercise;
mod func;
pub mod hops;
pub mod inspect;
pub mod json;
mod memory;
pub mod modern;
pub mod narrate;
mod ops;
mod page_alloc;
mod page_alloc_dma;
pub mod present;
pub mod query;
mod read;
pub mod recording;
pub mod scenario;
pub mod series;
mod sim;
pub mod stage;
pub mod state;
pub mod stepper;
pub mod summary;
mod sysfs;
pub mod trace;
mod tt;
mod write;

pub use bo::FaultResult;
pub use config::{
    Arch, ConfigError, DriverConfig, DriverKind, Era, FaultPlan, Fidelity, Kernel, MachineConfig,
    ModernConfig, SysfsAttr, SysfsWrite,
};
pub use consts::{page_flags, Attr, Caching, TtState, PAGE_SIZE};
pub use drivers::{driver_symbol, event_symbol, Placement, TtKind};
pub use errno::{Errno, KResult};
pub use func::Func;
pub use hops::{Hop, Place};
pub use memory::{bo_acc_size, round_pot, AccSizes, ChargeScope};
pub use modern::ttm_resource::TtmPlace;
pub use ops::{
    Action, CustomPlacement, ModuleParam, Output, PlacementWord, MAX_TT_PAGES, USER_TT_FLAGS,
};
pub use page_alloc::{page_alloc_debugfs, pool_index};
pub use page_alloc_dma::{dma_page_alloc_debugfs, dma_pool_type};
pub use recording::Recording;
pub use scenario::{Run, Scenario, ScenarioError, Step};
pub use sim::{FaultCounters, Sim, SimError, SimResult};
pub use state::{Delta, Loc, State, Tt, TtBackend};
pub use stepper::{Landmark, Stepper, Zoom};
pub use summary::Summary;
pub use sysfs::SysfsOutcome;
pub use trace::{Event, Finding, Trace};
pub use tt::data_tag;
