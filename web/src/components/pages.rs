//! The pages of each `ttm_tt` (one canvas grid per tt), the places outside pools and tts that the
//! travel overlay anchors to, and the colour legend.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::cell_grid::CellGrid;
use crate::view::{group_digits, TtCells, CELL_LEGEND};

/// Properties of [`Pages`].
#[derive(Properties, PartialEq)]
pub struct PagesProps {
    /// Every tt of the state ([`crate::view::tts`]).
    pub tts: Rc<Vec<TtCells>>,
    /// Redraw key for theme changes.
    pub theme: AttrValue,
}

fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Cell colours">
            { for CELL_LEGEND.iter().map(|(_, var, label)| html! {
                <li><span class="swatch" data-style={format!("background: var({var})")} />{ *label }</li>
            }) }
        </ul>
    }
}

/// The pages panel.
#[component]
pub fn Pages(props: &PagesProps) -> Html {
    let theme = &props.theme;
    html! {
        <section class="panel" aria-labelledby="pages-h" data-testid="pages">
            <h2 id="pages-h">{ "Pages of each tt" }</h2>
            // Where pages come from and go to outside the pools and tts (anchors of the travel overlay).
            <ul class="places" aria-label="Places outside the pools and tts">
                <li class="place system" data-anchor="system" data-testid="place-system"
                    title="Pages owned by the kernel's page allocator (alloc_page / __free_page)">{ "system memory" }</li>
                <li class="place swap" data-anchor="swap" data-testid="place-swap"
                    title="The shmem swap storage of swapped-out tts">{ "swap (shmem)" }</li>
                <li class="place leaked" data-anchor="leaked"
                    title="Pages lost by a kernel defect">{ "leaked" }</li>
            </ul>
            if props.tts.is_empty() {
                <p class="empty-note">{ "No tt exists yet." }</p>
            }
            { for props.tts.iter().map(|t| {
                let summary = format!(
                    "tt {}: {}, {}, {} of {} slots hold a page{}",
                    t.id, t.state, t.caching, t.present, t.cells.len(),
                    if t.swapped { ", contents swapped out" } else { "" }
                );
                html! {
                    <div class={classes!("tt", (!t.alive).then_some("dead"))} data-testid={format!("tt-{}", t.id)}>
                        <p class="tt-state">
                            <span class="state" data-testid="tt-state">{ t.state }</span>
                            <span class="detail" data-testid="tt-detail">
                                { format!("tt {} · {} · {} of {} pages present", t.id, t.caching, group_digits(t.present as u64), group_digits(t.cells.len() as u64)) }
                                if t.flags != "0" && !t.flags.is_empty() { { format!(" · {}", t.flags) } }
                            </span>
                        </p>
                        <div class="grid-box">
                            <CellGrid cells={t.cells.clone()} pfns={t.pfns.clone()} label={summary} theme={theme.clone()}
                                testid={format!("tt-grid-{}", t.id)} anchor={format!("tt-{}", t.id)} max_cell={22} />
                        </div>
                    </div>
                }
            }) }
            { legend() }
        </section>
    }
}
