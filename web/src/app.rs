//! The page: controls for one `ttm_tt`, its page slots, the page pools, the accounting zones and
//! the call trace of the last action. Every button is one call into `ttm_core`.

use std::rc::Rc;

use ttm_core::{Action, Caching, MachineConfig, Output, Sim};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::view::{self, PoolRow, Slot, TraceLine, TraceView, TtView, ZoneRow};

/// Largest tt the page lets you create (keeps the cell grid readable).
pub const MAX_PAGES: u32 = 2048;
/// Default number of pages (spec worked example W3).
pub const DEFAULT_PAGES: u32 = 20;
/// Trace lines shown for the last action.
const TRACE_LINES: usize = 120;

/// Everything the page shows, and the form values.
#[derive(Clone)]
pub struct Lab {
    sim: Sim,
    /// The tt the buttons act on.
    tt: Option<u32>,
    /// The "Pages" field as typed.
    pages: String,
    /// The "Caching" field.
    caching: Caching,
    /// The last action's error, shown until the next action.
    error: Option<String>,
    /// Trace index where the last button's actions start.
    step_start: u64,
}

impl Lab {
    /// A freshly booted default machine (64 MiB, x86-64, E3, faithful).
    pub fn boot() -> Lab {
        let sim =
            Sim::new(MachineConfig::default()).expect("the default machine configuration is valid");
        Lab {
            sim,
            tt: None,
            pages: DEFAULT_PAGES.to_string(),
            caching: Caching::Wc,
            error: None,
            step_start: 0,
        }
    }

    fn current_tt(&self) -> Option<TtView> {
        self.tt.and_then(|id| view::tt(&self.sim, id))
    }
}

/// What the user did.
pub enum Msg {
    /// Typed in the "Pages" field.
    SetPages(String),
    /// Chose a caching state.
    SetCaching(Caching),
    /// "Create tt": a new tt with the form's size and caching (the previous one is destroyed).
    Create,
    /// "Populate" the current tt.
    Populate,
    /// "Unpopulate" the current tt.
    Unpopulate,
    /// Start again from a freshly booted machine.
    Reset,
}

impl Reducible for Lab {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut lab = Rc::unwrap_or_clone(self);
        let step = match msg {
            Msg::SetPages(text) => {
                lab.pages = text;
                return Rc::new(lab);
            }
            Msg::SetCaching(c) => {
                lab.caching = c;
                return Rc::new(lab);
            }
            Msg::Reset => return Rc::new(Lab::boot()),
            Msg::Create => Lab::create,
            Msg::Populate => |lab: &mut Lab| lab.on_tt(|tt| Action::TtPopulate { tt }),
            Msg::Unpopulate => |lab: &mut Lab| lab.on_tt(|tt| Action::TtUnpopulate { tt }),
        };
        lab.error = None;
        lab.step_start = lab.sim.trace().len();
        if let Err(e) = step(&mut lab) {
            lab.error = Some(e);
        }
        Rc::new(lab)
    }
}

impl Lab {
    /// "Create tt": destroy the current tt (its pages go back to the pools), then create a new one.
    fn create(&mut self) -> Result<(), String> {
        let pages = parse_pages(&self.pages)?;
        if let Some(old) = self.tt {
            if view::tt(&self.sim, old).is_some() {
                self.run(&Action::TtDestroy { tt: old })?;
            }
            self.tt = None;
        }
        let created = self.run(&Action::TtCreate {
            pages,
            caching: self.caching,
            flags: 0,
            dma: false,
        })?;
        match created {
            Output::Tt(id) => {
                self.tt = Some(id);
                Ok(())
            }
            other => Err(format!("unexpected answer to TtCreate: {other:?}")),
        }
    }

    /// Run an action on the current tt.
    fn on_tt(&mut self, action: impl FnOnce(u32) -> Action) -> Result<(), String> {
        let tt = self.tt.ok_or("Create a tt first.")?;
        self.run(&action(tt)).map(drop)
    }

    fn run(&mut self, action: &Action) -> Result<Output, String> {
        self.sim
            .run(action)
            .map_err(|e| format!("{}: {e}", action.describe()))
    }
}

/// The "Pages" field: a whole number in 1..=MAX_PAGES.
pub fn parse_pages(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_PAGES).contains(&n) => Ok(n),
        _ => Err(format!(
            "Pages must be a whole number from 1 to {MAX_PAGES}."
        )),
    }
}

/// Form value of a caching state.
pub fn caching_value(c: Caching) -> &'static str {
    match c {
        Caching::Wc => "wc",
        Caching::Uncached => "uc",
        Caching::Cached => "cached",
    }
}

/// Caching state of a form value.
pub fn caching_from_value(v: &str) -> Option<Caching> {
    match v {
        "wc" => Some(Caching::Wc),
        "uc" => Some(Caching::Uncached),
        "cached" => Some(Caching::Cached),
        _ => None,
    }
}

/// The application.
#[component]
pub fn App() -> Html {
    let lab = use_reducer(Lab::boot);
    let send = |make: fn() -> Msg| {
        let lab = lab.dispatcher();
        Callback::from(move |_| lab.dispatch(make()))
    };
    let on_pages = {
        let lab = lab.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            lab.dispatch(Msg::SetPages(input.value()));
        })
    };
    let on_caching = {
        let lab = lab.dispatcher();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(c) = caching_from_value(&select.value()) {
                lab.dispatch(Msg::SetCaching(c));
            }
        })
    };
    let on_submit = {
        let lab = lab.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            lab.dispatch(Msg::Create);
        })
    };

    let tt = lab.current_tt();
    let populated = tt.as_ref().is_some_and(|t| t.present() > 0);
    let has_tt = tt.is_some();

    html! {
        <div class="page">
            <header class="masthead">
                <div>
                    <h1>{ "TTM Lab" }</h1>
                    <p class="tagline">
                        { "Step through the Linux DRM TTM GPU memory manager: page pools, " }
                        <code>{ "ttm_tt" }</code>{ " states and memory accounting." }
                    </p>
                </div>
                <span class="machine" data-testid="machine" title="Simulated machine">
                    { machine_label(lab.sim.config()) }
                </span>
            </header>

            <main class="layout">
                <div class="column">
                    <section class="panel" aria-labelledby="controls-h">
                        <h2 id="controls-h">{ "Create and populate a " }<code>{ "ttm_tt" }</code></h2>
                        <form class="controls" onsubmit={on_submit} novalidate=true>
                            <div class="field">
                                <label for="pages">{ "Pages" }</label>
                                <input id="pages" name="pages" type="number" inputmode="numeric"
                                    min="1" max={MAX_PAGES.to_string()} step="1"
                                    value={lab.pages.clone()} oninput={on_pages}
                                    data-testid="pages-input" />
                            </div>
                            <div class="field">
                                <label for="caching">{ "Caching" }</label>
                                <select id="caching" name="caching" onchange={on_caching} data-testid="caching-select">
                                    { for [Caching::Wc, Caching::Uncached, Caching::Cached].into_iter().map(|c| html! {
                                        <option value={caching_value(c)} selected={c == lab.caching}>
                                            { format!("{} ({})", caching_value(c), c.kernel_name()) }
                                        </option>
                                    }) }
                                </select>
                            </div>
                            <div class="buttons">
                                <button id="create" type="submit" data-testid="create">{ "Create tt" }</button>
                                <button id="populate" type="button" class="primary" data-testid="populate"
                                    disabled={!has_tt || populated} onclick={send(|| Msg::Populate)}>
                                    { "Populate" }
                                </button>
                                <button id="unpopulate" type="button" data-testid="unpopulate"
                                    disabled={!populated} onclick={send(|| Msg::Unpopulate)}>
                                    { "Unpopulate" }
                                </button>
                                <button id="reset" type="button" data-testid="reset"
                                    onclick={send(|| Msg::Reset)} title="Reboot the simulated machine">
                                    { "Reset" }
                                </button>
                            </div>
                        </form>
                        if let Some(err) = &lab.error {
                            <p class="error" role="alert" data-testid="error">{ err }</p>
                        }
                    </section>

                    <TtPanel tt={tt} />
                    <TracePanel trace={view::trace_since(&lab.sim, lab.step_start, TRACE_LINES)} />
                </div>

                <div class="column">
                    <PoolsPanel pools={view::pools(&lab.sim)} />
                    <ZonesPanel zones={view::zones(&lab.sim)} />
                </div>
            </main>

            <footer class="footer">
                { "Every number on this page comes from the ttm-core model of Linux 3.3/3.4 TTM; the page only renders it." }
            </footer>
        </div>
    }
}

/// "64 MiB · x86-64 · E3 · faithful".
fn machine_label(cfg: &MachineConfig) -> String {
    let arch = match cfg.arch {
        ttm_core::Arch::X86_64 => "x86-64",
        ttm_core::Arch::X86_32Highmem => "x86-32 highmem",
    };
    let fidelity = match cfg.fidelity {
        ttm_core::Fidelity::Faithful => "faithful",
        ttm_core::Fidelity::Fixed => "fixed",
    };
    format!(
        "{} RAM · {arch} · {:?} · {fidelity}",
        view::human_bytes(cfg.ram_bytes),
        cfg.era
    )
}

#[derive(Properties, PartialEq)]
struct TtProps {
    tt: Option<TtView>,
}

#[component]
fn TtPanel(props: &TtProps) -> Html {
    let Some(tt) = &props.tt else {
        return html! {
            <section class="panel" aria-labelledby="tt-h" data-testid="tt-panel">
                <h2 id="tt-h"><code>{ "ttm_tt" }</code></h2>
                <p class="tt-state" role="status" aria-live="polite">
                    <span class="state" data-testid="tt-state">{ "no tt" }</span>
                    <span class="detail">{ "Choose a size and caching, then press Create tt." }</span>
                </p>
            </section>
        };
    };
    let class = caching_value(tt.caching);
    html! {
        <section class="panel" aria-labelledby="tt-h" data-testid="tt-panel">
            <h2 id="tt-h"><code>{ format!("ttm_tt #{}", tt.id) }</code></h2>
            <p class="tt-state" role="status" aria-live="polite">
                <span class="state" data-testid="tt-state">{ tt.state }</span>
                <span class="detail" data-testid="tt-detail">
                    { format!("{} · {} of {} slots hold a page", tt.caching_name, tt.present(), tt.slots.len()) }
                </span>
            </p>
            <ul class="cells" data-testid="tt-cells" aria-label="Page slots of the tt"
                style={format!("--cols: {}", cell_columns(tt.slots.len()))}>
                { for tt.slots.iter().enumerate().map(|(i, s)| match s {
                    Slot::Page(pfn) => {
                        let label = format!("slot {i}: page pfn {pfn:#x}");
                        html! { <li class={classes!("cell", "present", class)} title={label.clone()} aria-label={label} /> }
                    }
                    Slot::Empty => {
                        let label = format!("slot {i}: NULL");
                        html! { <li class="cell" title={label.clone()} aria-label={label} /> }
                    }
                }) }
            </ul>
            <ul class="legend" aria-hidden="true">
                <li><span class="cell present wc" />{ "wc page" }</li>
                <li><span class="cell present uc" />{ "uc page" }</li>
                <li><span class="cell present cached" />{ "cached page" }</li>
                <li><span class="cell" />{ "NULL slot" }</li>
            </ul>
        </section>
    }
}

/// Cells per row: rows of 10 for small tts, then 16, then 32.
fn cell_columns(n: usize) -> usize {
    match n {
        0..=40 => n.clamp(1, 10),
        41..=256 => 16,
        _ => 32,
    }
}

#[derive(Properties, PartialEq)]
struct PoolsProps {
    pools: Vec<PoolRow>,
}

#[component]
fn PoolsPanel(props: &PoolsProps) -> Html {
    html! {
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
                    { for props.pools.iter().map(|p| html! {
                        <tr data-testid={format!("pool-{}", p.slug())}>
                            <th scope="row"><code>{ &p.name }</code></th>
                            <td class="num" data-testid="nrefills">{ p.nrefills }</td>
                            <td class="num" data-testid="nfrees">{ p.nfrees }</td>
                            <td class="num" data-testid="npages">{ p.npages }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="hint">{ "The columns of " }<code>{ "ttm_page_alloc_debugfs" }</code>{ "; size is npages." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ZonesProps {
    zones: Vec<ZoneRow>,
}

#[component]
fn ZonesPanel(props: &ZonesProps) -> Html {
    html! {
        <section class="panel" aria-labelledby="zones-h">
            <h2 id="zones-h">{ "Memory accounting" }</h2>
            { for props.zones.iter().map(|z| {
                let slug = z.slug();
                html! {
                    <div class="zone" data-testid={format!("zone-{slug}")}>
                        <div class="zone-head">
                            <span><code>{ &z.name }</code>{ " zone" }</span>
                            <span class="figures">
                                { "used_mem " }
                                <span data-testid={format!("zone-{slug}-used")}>{ view::group_digits(z.used_mem) }</span>
                                { " B" }
                            </span>
                        </div>
                        <div class="bar" role="meter" aria-label={format!("{} zone used_mem", z.name)}
                            aria-valuemin="0" aria-valuemax={z.max_mem.to_string()} aria-valuenow={z.used_mem.to_string()}
                            aria-valuetext={format!("{} of {}", view::human_bytes(z.used_mem), view::human_bytes(z.max_mem))}>
                            <span style={format!("width: {:.2}%", z.percent())} />
                        </div>
                        <div class="zone-foot">
                            { format!("{} of max_mem {} ({:.1} %)", view::human_bytes(z.used_mem), view::human_bytes(z.max_mem), z.percent()) }
                        </div>
                    </div>
                }
            }) }
            <p class="hint">{ "Bytes charged by " }<code>{ "ttm_mem_global_alloc_page" }</code>{ "; the limit is max_mem." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TraceProps {
    trace: TraceView,
}

#[component]
fn TracePanel(props: &TraceProps) -> Html {
    let t = &props.trace;
    let line = |l: &TraceLine| match l {
        TraceLine::Action { seq, label } => html! {
            <li class="action"><span class="seq">{ seq }</span><span>{ format!("▸ {label}") }</span></li>
        },
        TraceLine::Call {
            seq,
            depth,
            symbol,
            args,
        } => html! {
            <li><span class="seq">{ seq }</span>
                <span class="call" style={format!("--depth: {depth}")}>
                    <span class="sym">{ *symbol }</span><span class="detail">{ format!("({args})") }</span>
                </span>
            </li>
        },
        TraceLine::Finding { seq, text } => html! {
            <li class="finding"><span class="seq">{ seq }</span><span>{ format!("⚠ {text}") }</span></li>
        },
    };
    html! {
        <section class="panel" aria-labelledby="trace-h">
            <h2 id="trace-h">{ "Trace of the last step" }</h2>
            if t.head.is_empty() && t.total_events == 0 {
                <p class="empty-note">{ "Nothing yet: every kernel function the model runs will be listed here." }</p>
            } else if t.head.is_empty() {
                <p class="empty-note">{ "The last step ran no kernel function." }</p>
            } else {
                <ol class="trace" data-testid="trace" aria-label="Kernel functions called by the last step">
                    { for t.head.iter().map(line) }
                    if t.omitted > 0 {
                        <li class="gap"><span class="seq" /><span>{ format!("… {} more lines …", t.omitted) }</span></li>
                    }
                    { for t.tail.iter().map(line) }
                </ol>
            }
            <p class="hint">{ format!("{} events recorded since boot.", t.total_events) }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_field_accepts_only_sensible_sizes() {
        assert_eq!(parse_pages("20"), Ok(20));
        assert_eq!(parse_pages(" 7 "), Ok(7));
        assert!(parse_pages("0").is_err());
        assert!(parse_pages("-3").is_err());
        assert!(parse_pages("abc").is_err());
        assert!(parse_pages(&(MAX_PAGES + 1).to_string()).is_err());
    }

    #[test]
    fn cells_wrap_in_tidy_rows() {
        assert_eq!(cell_columns(1), 1);
        assert_eq!(cell_columns(20), 10);
        assert_eq!(cell_columns(100), 16);
        assert_eq!(cell_columns(600), 32);
    }

    #[test]
    fn caching_values_round_trip() {
        for c in [Caching::Wc, Caching::Uncached, Caching::Cached] {
            assert_eq!(caching_from_value(caching_value(c)), Some(c));
        }
    }
}
