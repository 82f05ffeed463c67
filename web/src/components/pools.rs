//! The page pools at the position: the normal and DMA pools' counters (changes since the narrated
//! span marked), their page lists as strips, and the debugfs text.

use std::rc::Rc;

use ttm_core::State;
use yew::prelude::*;

use crate::components::cell_grid::CellGrid;
use crate::store::{Before, Walk};
use crate::view::{self};

/// Properties of [`Pools`].
#[derive(Properties, PartialEq)]
pub struct PoolsProps {
    /// The open run.
    pub walk: Rc<Walk>,
    /// The position (the pools are the cursor's state there).
    pub pos: u64,
    /// The counters at the start of the narrated span.
    pub before: Option<Before>,
    /// Show the debugfs text.
    pub debugfs: bool,
    /// Redraw key for theme changes.
    pub theme: AttrValue,
    /// Show or hide the debugfs text.
    pub on_toggle_debugfs: Callback<()>,
}

/// The debugfs files as the kernel would print them for the state at this position.
fn debugfs_text(st: &State) -> String {
    let mut t = ttm_core::page_alloc_debugfs(st);
    if !st.dma_pools.is_empty() {
        t.push('\n');
        t.push_str(&ttm_core::dma_page_alloc_debugfs(st));
    }
    t
}

/// The pools panel.
#[component]
pub fn Pools(props: &PoolsProps) -> Html {
    let theme = &props.theme;
    let before = props.before.as_ref();
    let on_toggle = props.on_toggle_debugfs.reform(|_: MouseEvent| ());
    if props.walk.with_state(|st| st.modern.is_some()) {
        return props
            .walk
            .with_state(|st| modern_pools(st, props.debugfs, on_toggle));
    }
    props.walk.with_state(|st| html! {
        <section class="panel" aria-labelledby="pools-h">
            <h2 id="pools-h">{ "Page pools" }</h2>
            <table data-testid="pools">
                <thead>
                    <tr>
                        <th scope="col">{ "pool" }</th>
                        <th scope="col" title="nrefills">{ "refills" }</th>
                        <th scope="col" title="nfrees">{ "pages freed" }</th>
                        <th scope="col" title="npages">{ "size" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for st.pools.iter().enumerate().map(|(i, p)| {
                        let was = before.and_then(|b| b.pools.get(i).copied());
                        let cell = |now: u64, then: Option<u64>, id: &'static str| {
                            let changed = then.is_some_and(|t| t != now);
                            html! {
                                <td class={classes!("num", changed.then_some("changed"))} data-testid={id}
                                    title={then.filter(|t| *t != now).map(|t| format!("was {t}"))}>{ now }</td>
                            }
                        };
                        html! {
                            <tr data-testid={format!("pool-{}", view::slug(&p.name))} data-anchor={format!("pool-{i}-row")}>
                                <th scope="row"><code>{ &p.name }</code></th>
                                { cell(p.nrefills, was.map(|w| w.1), "nrefills") }
                                { cell(p.nfrees, was.map(|w| w.2), "nfrees") }
                                { cell(p.npages, was.map(|w| w.0), "npages") }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if before.is_some() {
                <p class="hint">{ "Highlighted: changed by the step the narration describes (hover for the old value)." }</p>
            }
            if !st.dma_pools.is_empty() {
                <table data-testid="dma-pools" class="dma">
                    <thead>
                        <tr>
                            <th scope="col">{ "DMA pool" }</th>
                            <th scope="col">{ "refills" }</th>
                            <th scope="col">{ "pages freed" }</th>
                            <th scope="col">{ "in use" }</th>
                            <th scope="col">{ "free" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for st.dma_pools.iter().enumerate().map(|(i, p)| html! {
                            <tr data-testid={format!("dma-pool-{}", view::slug(&p.name))} data-anchor={format!("dma-{i}-row")}>
                                <th scope="row"><code>{ &p.name }</code></th>
                                <td class="num">{ p.nrefills }</td>
                                <td class="num">{ p.nfrees }</td>
                                <td class="num">{ p.npages_in_use }</td>
                                <td class="num">{ p.npages_free }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <div class="strips">
                { for st.pools.iter().enumerate().filter(|(_, p)| !p.list.is_empty()).map(|(i, p)| {
                    let cells = view::pool_cells(st, p.list.iter().copied());
                    let pfns: Vec<Option<u64>> = p.list.iter().map(|&x| Some(x)).collect();
                    let label = format!("{} pool: {} pages, head first", p.name, p.list.len());
                    html! {
                        <div class="strip">
                            <p class="strip-label">{ label.clone() }</p>
                            <div class="grid-box"><CellGrid cells={Rc::new(cells)} pfns={Rc::new(pfns)} noun="position"
                                label={label} max_cell={8} theme={theme.clone()} anchor={format!("pool-{i}")} /></div>
                        </div>
                    }
                }) }
                { for st.dma_pools.iter().enumerate().filter(|(_, p)| !p.free.is_empty()).map(|(i, p)| {
                    let cells = view::pool_cells(st, p.free.iter().copied());
                    let pfns: Vec<Option<u64>> = p.free.iter().map(|&x| Some(x)).collect();
                    let label = format!("{} DMA pool: {} free pages, head first", p.name, p.free.len());
                    html! {
                        <div class="strip">
                            <p class="strip-label">{ label.clone() }</p>
                            <div class="grid-box"><CellGrid cells={Rc::new(cells)} pfns={Rc::new(pfns)} noun="position"
                                label={label} max_cell={8} theme={theme.clone()} anchor={format!("dma-{i}")} /></div>
                        </div>
                    }
                }) }
            </div>
            <button type="button" class="small" data-testid="debugfs-toggle"
                aria-expanded={props.debugfs.to_string()} aria-controls="debugfs"
                onclick={on_toggle}>
                { if props.debugfs { "Hide debugfs text" } else { "Show debugfs text" } }
            </button>
            if props.debugfs {
                <div id="debugfs">
                    <p class="hint" data-testid="debugfs-note">
                        { "What the pools' debugfs files read at this position (the DMA pools' too, when they are in use):" }
                    </p>
                    // A named, focusable region, so a keyboard can scroll its long lines (a plain
                    // `pre` may not carry a name).
                    <pre class="debugfs" data-testid="debugfs" tabindex="0" role="region"
                        aria-label="debugfs text of the page pools">{ debugfs_text(st) }</pre>
                </div>
            }
        </section>
    })
}

/// A Linux 6.12 machine's pool: the pool types that hold blocks, by caching and order, with
/// their pages (mspec 4.1), the pool's total against `page_pool_size` (mspec 4.6), and debugfs
/// `page_pool` (mspec 4.10).
fn modern_pools(st: &State, debugfs: bool, on_toggle: Callback<MouseEvent>) -> Html {
    let Some(m) = st.modern.as_deref() else {
        return Html::default();
    };
    let held: Vec<_> = m
        .pool_types
        .iter()
        .filter(|t| !t.pages.is_empty())
        .collect();
    html! {
        <section class="panel" aria-labelledby="pools-h">
            <h2 id="pools-h">{ "Page pool (Linux 6.12: pool types by caching and order)" }</h2>
            <p data-testid="pool-total">{ format!("{} pages pooled of page_pool_size {}", m.pool_allocated, m.page_pool_size) }</p>
            if held.is_empty() {
                <p class="hint">{ "No pool type holds a block." }</p>
            } else {
                <table data-testid="pools">
                    <thead>
                        <tr>
                            <th scope="col">{ "pool type" }</th>
                            <th scope="col">{ "blocks" }</th>
                            <th scope="col">{ "pages" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for held.iter().map(|t| html! {
                            <tr data-testid={format!("pool-{}", view::slug(&t.name()))}>
                                <th scope="row"><code>{ t.name() }</code></th>
                                <td class="num">{ t.blocks() }</td>
                                <td class="num">{ t.pages.len() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <button type="button" class="small" data-testid="debugfs-toggle"
                aria-expanded={debugfs.to_string()} aria-controls="debugfs" onclick={on_toggle}>
                { if debugfs { "Hide debugfs text" } else { "Show debugfs text" } }
            </button>
            if debugfs {
                <div id="debugfs">
                    <p class="hint" data-testid="debugfs-note">{ "What debugfs ttm/page_pool reads at this position:" }</p>
                    <pre class="debugfs" data-testid="debugfs" tabindex="0" role="region"
                        aria-label="debugfs text of the page pool">{ m.debugfs_page_pool() }</pre>
                </div>
            }
        </section>
    }
}
