//! The trace of issue 16's native-against-wasm comparison, shared by `populate_native` and
//! `populate_wasm` so that both time the same code.

use ttm_core::{Action, Caching, MachineConfig, Sim};

/// Boot a machine four times the size of a `pages`-page tt (at least 64 MiB), create a
/// write-combined tt of `pages` pages and populate it through the wc pool (spec 3.3–3.6: refills
/// of the pool, the caching change of each batch, the tt's pages taken from the pool). Returns
/// the number of trace events, so the work cannot be optimised away.
pub fn populate(pages: u32) -> u64 {
    let ram = (u64::from(pages) * 4096 * 4)
        .next_power_of_two()
        .clamp(64 << 20, ttm_core::config::MAX_RAM);
    let Ok(mut sim) = Sim::new(MachineConfig {
        ram_bytes: ram,
        ..Default::default()
    }) else {
        return 0;
    };
    let created = sim.run(&Action::TtCreate {
        pages,
        caching: Caching::Wc,
        flags: 0,
        dma: false,
    });
    if created.is_err() || sim.run(&Action::TtPopulate { tt: 0 }).is_err() {
        return 0;
    }
    sim.trace().len()
}
