//! The stage: the whole simulated machine at the current position, drawn from
//! [`ttm_core::stage::Stage`]: system memory as the reservoir, the pools and DMA pools as shelves
//! (head on the left), every tt as a row of slots coloured by the page's caching with its state
//! beside it, the swap files, the accounting zones as gauges with their marks, the memory types as
//! bars of BO ranges with their LRU order, and the legs of the last move in words. Every place
//! carries `data-place` (the anchors the travel overlay flies between). The drawing is a
//! labelled region with a text alternative (`Stage::summary`) for screen readers.

use std::rc::Rc;

use ttm_core::stage::{Bar, Gauge, Shelf, Stage as StageModel, TtRow};
use ttm_core::TtState;
use yew::prelude::*;

use crate::components::cell_grid::CellGrid;
use crate::travel::{anchor, Journey};
use crate::view::{group_digits, human_bytes, percent, CELL_LEGEND};

/// Properties of [`Stage`].
#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// The machine at the position.
    pub stage: Rc<StageModel>,
    /// The last small move's legs, if any.
    pub travel: Option<Rc<Journey>>,
    /// Redraw key for theme changes.
    pub theme: AttrValue,
    /// Embed mode: fewer tt rows, smaller cells.
    #[prop_or_default]
    pub compact: bool,
    /// A page's details by pfn (the cells' tooltips).
    #[prop_or_default]
    pub inspect: Option<Callback<u64, Option<Vec<String>>>>,
    /// The element id of the stage (its heading is `{id}-h`): "stage" for the walkthrough's own,
    /// another for each side of a comparison, so a page with several stays valid.
    #[prop_or(AttrValue::Static("stage"))]
    pub id: AttrValue,
    /// The heading screen readers hear.
    #[prop_or(AttrValue::Static("Stage: the whole simulated machine"))]
    pub heading: AttrValue,
}

/// How many tt rows are drawn (the newest live ones); the rest are counted.
const ROWS: usize = 6;
const ROWS_COMPACT: usize = 3;

fn shelf(s: &Shelf, p: &StageProps) -> Html {
    let (theme, compact) = (&p.theme, p.compact);
    let place = anchor(s.place);
    let cells = Rc::new(s.cells.clone());
    let pfns = Rc::new(s.pfns.iter().map(|&p| Some(p)).collect::<Vec<_>>());
    let over = s.npages > s.max_size;
    let label = format!(
        "{}: {} pages (head on the left), trim above {}",
        s.label,
        group_digits(s.npages),
        group_digits(s.max_size)
    );
    html! {
        <div class={classes!("shelf", over.then_some("over"))} data-place={place.clone()}
            data-testid={format!("shelf-{place}")}>
            <span class="shelf-name">{ s.label.trim_start_matches("pool type ").trim_start_matches("pool ").to_string() }</span>
            <span class="shelf-count" data-testid="shelf-count">{ group_digits(s.npages) }</span>
            <div class="shelf-cells">
                if s.cells.is_empty() {
                    <span class="shelf-empty">{ "empty" }</span>
                } else {
                    <CellGrid {cells} pfns={Some(pfns)} {label} theme={theme.clone()} noun="position"
                        inspect={p.inspect.clone()}
                        max_cell={if compact { 8 } else { 10 }} max_height={if compact { 16 } else { 22 }} />
                }
            </div>
        </div>
    }
}

fn state_name(t: &TtRow) -> &'static str {
    if !t.alive {
        "destroyed"
    } else if t.swapped {
        "swapped"
    } else {
        match t.state {
            TtState::Unpopulated => "unpopulated",
            TtState::Unbound => "unbound",
            TtState::Bound => "bound",
        }
    }
}

fn tt_row(t: &TtRow, p: &StageProps) -> Html {
    let (theme, compact) = (&p.theme, p.compact);
    let place = anchor(t.place);
    let state = state_name(t);
    let present = u64::from(t.present);
    let label = format!(
        "tt {}: {}, {} of {} slots hold a page",
        t.id,
        t.caption,
        present,
        t.cells.len()
    );
    html! {
        <div class={classes!("tt-row", format!("state-{state}"))} data-place={place.clone()}
            data-testid={format!("stage-{place}")} data-state={state}>
            <div class="tt-head">
                <span class="tt-badge" data-testid="tt-state"
                    title={format!("tt {}: {state}", t.id)}>{ t.badge }</span>
                <span class="tt-caption" data-testid="tt-detail">
                    { format!("tt {} · {} · {} of {} pages present · page_flags {}", t.id,
                        ttm_core::present::caching(t.caching), group_digits(present),
                        group_digits(t.cells.len() as u64), t.flags) }
                    if t.swapped { { " · SWAPPED" } }
                    if let Some(b) = t.bo { { format!(" · BO {b}") } }
                    if let Some(f) = t.swap_storage { { format!(" · swap file {f}") } }
                </span>
            </div>
            <div class="tt-cells">
                <CellGrid cells={t.cells.clone()} pfns={Some(t.pfns.clone())} {label}
                    theme={theme.clone()} testid={format!("tt-grid-{}", t.id)} inspect={p.inspect.clone()}
                    max_cell={if compact { 10 } else { 14 }} max_height={if compact { 30 } else { 56 }} />
            </div>
        </div>
    }
}

fn gauge(z: &Gauge) -> Html {
    let of = z.full.max(1);
    let at = |x: u64| format!("left: {:.2}%", percent(x, of));
    let marks: Vec<String> = z
        .marks
        .iter()
        .map(|m| format!("{} {}", m.name, human_bytes(m.at)))
        .collect();
    let title = format!(
        "{}: {} used of {}; {}",
        z.what,
        human_bytes(z.used),
        human_bytes(z.full),
        marks.join(", ")
    );
    let level = match z.level() {
        "max" | "emer" => "over-max",
        "swap" => "over-swap",
        _ => "ok",
    };
    html! {
        <div class={classes!("gauge", level)} data-testid={format!("gauge-{}", z.name)} title={title}>
            <span class="gauge-name">{ &z.name }</span>
            <span class="gauge-track">
                <span class="gauge-fill" data-style={format!("width: {:.2}%", percent(z.used, of))} />
                { for z.marks.iter().map(|m| html! {
                    <span class={classes!("mark", m.kind)} data-style={at(m.at)} title={m.name} />
                }) }
            </span>
            <span class="gauge-value">{ human_bytes(z.used) }</span>
        </div>
    }
}

fn bar(m: &Bar) -> Html {
    let place = anchor(m.place);
    let lru = if m.lru.is_empty() {
        String::new()
    } else {
        format!(
            "LRU {}",
            m.lru
                .iter()
                .map(|b| b.to_string())
                .collect::<Vec<_>>()
                .join("→")
        )
    };
    html! {
        <div class="mem-bar" data-place={place.clone()} data-testid={format!("bar-{place}")}>
            <span class="bar-name">{ &m.name }</span>
            if m.size > 0 {
                <span class="bar-track">
                    { for m.ranges.iter().map(|r| {
                        let style = format!(
                            "left: {:.2}%; width: {:.2}%",
                            percent(r.start, m.size),
                            percent(r.len, m.size).max(0.8)
                        );
                        html! {
                            <span class={classes!("range", r.ghost.then_some("ghost"), r.busy.then_some("busy"))}
                                data-style={style}
                                title={format!("BO {} at [{}, {}){}", r.bo, r.start, r.start + r.len,
                                    if r.busy { ", busy (fence not signalled)" } else { "" })}>
                                { r.bo }
                            </span>
                        }
                    }) }
                </span>
            } else {
                <span class="bar-bos">
                    { if m.bos.is_empty() { "—".to_string() } else {
                        m.bos.iter().map(|b| format!("BO {b}")).collect::<Vec<_>>().join(", ") } }
                </span>
            }
            <span class="bar-lru">{ lru }</span>
        </div>
    }
}

/// The stage.
#[component]
pub fn Stage(props: &StageProps) -> Html {
    let st = &props.stage;
    let compact = props.compact;
    let rows = if compact { ROWS_COMPACT } else { ROWS };
    let live: Vec<&TtRow> = st.tts.iter().filter(|t| t.alive).collect();
    let hidden = live.len().saturating_sub(rows);
    let shown = &live[hidden..];
    let used_files: Vec<_> = st.swap.iter().filter(|f| !f.released).collect();
    let memory: Vec<&Bar> = st
        .memory
        .iter()
        .filter(|m| m.size > 0 || !m.bos.is_empty())
        .collect();
    let legs = props
        .travel
        .as_ref()
        .map(|j| j.legs.clone())
        .unwrap_or_default();
    let system_pct = percent(st.system_pages, st.ram_pages.max(1));
    html! {
        <section class={classes!("stage", compact.then_some("compact"))} aria-labelledby={format!("{}-h", props.id)}
            data-testid={props.id.clone()}>
            <h2 id={format!("{}-h", props.id)} class="visually-hidden">{ props.heading.clone() }</h2>
            <p class="visually-hidden" data-testid="stage-summary">{ st.summary() }</p>
            <div class="stage-top" aria-hidden="true">
                <div class="reservoir" data-place="system" data-testid="stage-system"
                    title="System memory: pages the kernel's page allocator owns">
                    <span class="reservoir-name">{ "system memory" }</span>
                    <span class="reservoir-track"><span class="reservoir-fill" data-style={format!("width: {system_pct:.2}%")} /></span>
                    <span class="reservoir-value">{ format!("{} / {} pages", group_digits(st.system_pages), group_digits(st.ram_pages)) }</span>
                </div>
                <div class="gauges">
                    { for st.zones.iter().map(gauge) }
                    if st.swap_work_queued {
                        <span class="swap-work" title="Background swapping is queued (spec 5.5)">{ "swap work queued" }</span>
                    }
                </div>
            </div>
            <div class="shelves">
                { for st.pools.iter().map(|s| shelf(s, props)) }
                { for st.dma_pools.iter().map(|s| shelf(s, props)) }
            </div>
            <div class="tts">
                if live.is_empty() {
                    <p class="empty-note">{ "No tt exists yet." }</p>
                }
                if hidden > 0 {
                    <p class="more">{ format!("+ {hidden} older tt{} not drawn", if hidden == 1 { "" } else { "s" }) }</p>
                }
                { for shown.iter().map(|t| tt_row(t, props)) }
            </div>
            <div class="stage-bottom" aria-hidden="true">
                <div class="swapbox">
                    <span class="swap-name">{ "swap" }</span>
                    if used_files.is_empty() {
                        <span class="swap-file empty">{ "no shmem file" }</span>
                    }
                    { for used_files.iter().map(|f| {
                        let place = anchor(f.place);
                        html! {
                            <span class="swap-file" data-place={place.clone()} data-testid={format!("stage-{place}")}
                                title={format!("{}: {} of {} pages hold data", f.label, f.written, f.pages)}>
                                { format!("{} · {}/{}", f.label, f.written, f.pages) }
                            </span>
                        }
                    }) }
                    if st.leaked > 0 {
                        <span class="leaked" data-place="leaked">{ format!("leaked {}", st.leaked) }</span>
                    }
                </div>
                <div class="bars">
                    { for memory.iter().map(|m| bar(m)) }
                    if !st.swap_lru.is_empty() {
                        <span class="swap-lru">{ format!("swap LRU {}", st.swap_lru.iter().map(|b| b.to_string()).collect::<Vec<_>>().join("→")) }</span>
                    }
                </div>
            </div>
            <div class="stage-foot">
                <ol class="legs" data-testid="hops" aria-label="What moved in the last step">
                    { for legs.iter().map(|l| html! {
                        <li data-from={l.from.clone()} data-to={l.to.clone()} data-count={l.count.to_string()}>{ &l.text }</li>
                    }) }
                </ol>
                <ul class="legend" aria-label="Cell colours">
                    { for CELL_LEGEND.iter().map(|(_, var, label)| html! {
                        <li><span class="swatch" data-style={format!("background: var({var})")} />{ *label }</li>
                    }) }
                </ul>
            </div>
        </section>
    }
}
