//! Compare mode: one scenario under machines A and B, aligned by step, with the first divergence,
//! what differs after the chosen step, and both runs' pools, zones and tt pages there. Then and
//! now (A on Linux 3.3, B on Linux 6.12): the facts both kernels share side by side, each
//! difference with the rule behind it, and both machines' stages at the end of the step.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::export::{self, Format};
use crate::components::pages::Pages;
use crate::components::stage::Stage;
use crate::store::{Compare, Side, Walk};
use crate::view::{self, group_digits, human_bytes};

/// Properties of [`ComparePanel`].
#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The walkthrough compared (its name and title name the exports).
    pub walk: Rc<Walk>,
    /// The comparison.
    pub compare: Rc<Compare>,
    /// The step both sides show.
    pub step: usize,
    /// Redraw key for theme changes.
    pub theme: AttrValue,
    /// Show another step.
    pub on_step: Callback<usize>,
    /// Leave compare mode.
    pub on_close: Callback<()>,
}

/// The comparison panel.
#[component]
pub fn ComparePanel(props: &CompareProps) -> Html {
    let c = &props.compare;
    let theme = props.theme.clone();
    let i = props.step.min(c.rows.len().saturating_sub(1));
    let row = c.rows.get(i);
    let n = c.rows.len();
    let on_range = {
        let on_step = props.on_step.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<usize>() {
                on_step.emit(v);
            }
        })
    };
    let side = |name: &str, s: &Side, events: Option<(u64, u64)>| {
        let st = s.stepper.borrow();
        let state = st.state();
        html! {
            <div class="column compare-side" data-testid={format!("compare-{}", name.to_lowercase())}>
                <h3>{ format!("{name}: {}", s.label) }</h3>
                <p class="hint">{ match events {
                    Some((a, b)) => format!("events {a}–{b} of {} (end of the step)", st.len()),
                    None => String::new(),
                } }</p>
                <table class="compact">
                    <thead><tr><th scope="col">{ "pool" }</th><th scope="col">{ "refills" }</th><th scope="col">{ "freed" }</th><th scope="col">{ "size" }</th></tr></thead>
                    <tbody>
                        { for state.pools.iter().map(|p| html! {
                            <tr><th scope="row"><code>{ &p.name }</code></th>
                                <td class="num">{ p.nrefills }</td><td class="num">{ p.nfrees }</td>
                                <td class="num" data-testid={format!("c-pool-{}", view::slug(&p.name))}>{ p.npages }</td></tr>
                        }) }
                    </tbody>
                </table>
                <ul class="plain">
                    { for state.zones.iter().map(|z| html! {
                        <li data-testid={format!("c-zone-{}", view::slug(&z.name))}>
                            <code>{ &z.name }</code>{ format!(" zone: {} bytes used of {}", group_digits(z.used_mem), human_bytes(z.zone_mem)) }
                        </li>
                    }) }
                </ul>
                <Pages tts={Rc::new(view::tts(state))} theme={theme.clone()} />
            </div>
        }
    };
    let export_error = use_state(|| None::<String>);
    let picture = |format: Format| {
        let (walk, c, err) = (
            props.walk.clone(),
            props.compare.clone(),
            export_error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            err.set(export::export_compare_step(&walk, &c, i, format).err());
        })
    };
    let json = {
        let (walk, c) = (props.walk.clone(), props.compare.clone());
        Callback::from(move |_: MouseEvent| export::export_compare_json(&walk, &c))
    };
    let heading = if c.then_now.is_some() {
        "Then and now: Linux 3.3 (A) and Linux 6.12 (B), step by step"
    } else {
        "Compare two machines, step by step"
    };
    html! {
        <section class={classes!("panel", "compare", c.then_now.is_some().then_some("then-now"))}
            aria-labelledby="compare-h" data-testid="compare">
            <div class="row">
                <h2 id="compare-h" tabindex="-1">{ heading }</h2>
                <button type="button" class="small" data-testid="close-compare" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Close comparison" }</button>
            </div>
            <p data-testid="first-divergence" class={classes!(c.first_divergence.is_some().then_some("divergence-note"))}>
                { match c.first_divergence {
                    Some(d) => format!("First divergence: step {} ({}).", d + 1, c.rows[d].label),
                    None => "The two machines agree after every step.".to_string(),
                } }
            </p>
            <div class="row export-compare" role="group" aria-label="Export the comparison">
                <span class="hint">{ format!("Export step {}, A beside B:", i + 1) }</span>
                <button type="button" class="small" data-testid="compare-svg" onclick={picture(Format::Svg)}>{ "SVG" }</button>
                <button type="button" class="small" data-testid="compare-png" onclick={picture(Format::Png)}>{ "PNG" }</button>
                <button type="button" class="small" data-testid="compare-json" onclick={json}>{ "every step (JSON)" }</button>
                if let Some(e) = &*export_error {
                    <span class="error" role="status">{ e }</span>
                }
            </div>
            <div class="scrub">
                <label for="compare-step">{ format!("Step {} of {}", i + 1, n) }</label>
                <input id="compare-step" type="range" min="0" max={n.saturating_sub(1).to_string()} step="1"
                    value={i.to_string()} data-testid="compare-step" oninput={on_range}
                    aria-valuetext={row.map(|r| format!("step {}: {}", r.step + 1, r.label)).unwrap_or_default()} />
            </div>
            <ol class="compare-rows" data-testid="compare-rows">
                { for c.rows.iter().enumerate().map(|(k, r)| {
                    let first = c.first_divergence == Some(k);
                    let differs = !r.differences.is_empty();
                    html! {
                        <li class={classes!(differs.then_some("differs"), first.then_some("first"), (k == i).then_some("current"))}
                            data-testid={format!("compare-row-{k}")} data-differs={differs.to_string()}
                            data-first-divergence={first.to_string()}>
                            <button type="button" class="link" aria-current={(k == i).then_some("step")}
                                onclick={props.on_step.reform(move |_: MouseEvent| k)}>
                                { format!("{}. {}", k + 1, r.label) }
                            </button>
                            { format!(" · A {} · B {}", r.result_a, r.result_b) }
                            if first { <span class="badge">{ "first divergence" }</span> }
                            if differs {
                                <span class="hint">{ format!(" {} difference{}", r.differences.len(), if r.differences.len() == 1 { "" } else { "s" }) }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if let Some(t) = c.then_now.as_ref().and_then(|t| t.rows.get(i)) {
                { then_now(t) }
                <div class="layout">
                    { for [("A", &c.a, "compare-stage-a"), ("B", &c.b, "compare-stage-b")].into_iter().map(|(name, s, id)| {
                        let model = Rc::new(ttm_core::stage::stage(s.stepper.borrow().state()));
                        html! {
                            <div class="column compare-side" data-testid={format!("compare-{}", name.to_lowercase())}>
                                <h3>{ format!("{name}: {}", s.label) }</h3>
                                <Stage stage={model} travel={None} theme={theme.clone()} compact={true}
                                    id={AttrValue::from(id)} heading={AttrValue::from(format!("Stage of machine {name} at the end of the step"))} />
                            </div>
                        }
                    }) }
                </div>
            } else if let Some(r) = row {
                if !r.differences.is_empty() {
                    <details class="differences" open=true>
                        <summary>{ format!("What differs after step {} (A → B)", r.step + 1) }</summary>
                        <ul class="mono" data-testid="compare-differences">
                            { for r.differences.iter().map(|d| html! { <li>{ d }</li> }) }
                        </ul>
                    </details>
                }
            }
            if c.then_now.is_none() {
                <div class="layout">
                    { side("A", &c.a, row.map(|r| r.events_a)) }
                    { side("B", &c.b, row.map(|r| r.events_b)) }
                </div>
            }
        </section>
    }
}

/// One step of then and now: what both kernels share, side by side, the differing rows marked
/// with the rule behind them; then what of the step 6.12 has no counterpart for.
fn then_now(t: &ttm_core::compare::ThenNowRow) -> Html {
    let (a, b) = (&t.then, &t.now);
    let with = |n: u64, how: &str| format!("{} ({how})", group_digits(n));
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join("; ")
        }
    };
    let facts: [(&str, &str, String, String); 9] = [
        ("result", "result", a.result.clone(), b.result.clone()),
        (
            "kernel calls",
            "",
            group_digits(a.calls),
            group_digits(b.calls),
        ),
        (
            "fresh pages",
            "fresh pages",
            with(a.fresh_pages, &a.allocations),
            with(b.fresh_pages, &b.allocations),
        ),
        (
            "caching changes",
            "caching",
            a.caching.clone(),
            b.caching.clone(),
        ),
        (
            "pooled pages",
            "pools",
            with(a.pooled_pages, &a.pooled),
            with(b.pooled_pages, &b.pooled),
        ),
        (
            "counted against the limit",
            "charged",
            human_bytes(a.charged_bytes),
            human_bytes(b.charged_bytes),
        ),
        (
            "swap-outs",
            "swap-outs",
            a.swapouts.to_string(),
            b.swapouts.to_string(),
        ),
        ("tts", "tts", list(&a.tts), list(&b.tts)),
        ("BOs", "bos", list(&a.bos), list(&b.bos)),
    ];
    html! {
        <>
            <table class="then-now-facts" data-testid="then-now-facts">
                <caption>{ format!("After step {}: {}", t.step + 1, t.label) }</caption>
                <thead>
                    <tr><th scope="col">{ "" }</th><th scope="col">{ "Linux 3.3 (A)" }</th><th scope="col">{ "Linux 6.12 (B)" }</th></tr>
                </thead>
                <tbody>
                    { for facts.iter().map(|(label, key, x, y)| {
                        let d = t.divergences.iter().find(|d| d.what == *key);
                        html! {
                            <>
                                <tr class={classes!(d.is_some().then_some("differs"))}
                                    data-testid={format!("fact-{}", crate::view::slug(label))} data-differs={d.is_some().to_string()}>
                                    <th scope="row">{ *label }
                                        if d.is_some() { <span class="badge">{ "differs" }</span> }
                                    </th>
                                    <td>{ x }</td>
                                    <td>{ y }</td>
                                </tr>
                                if let Some(d) = d {
                                    <tr class="why"><td colspan="3">{ format!("Why: {}.", d.why) }</td></tr>
                                }
                            </>
                        }
                    }) }
                </tbody>
            </table>
            if !(t.notes.is_empty() && t.unmatched.is_empty() && t.expectations.is_empty()) {
                <ul class="plain then-now-notes" data-testid="then-now-notes">
                    { for t.notes.iter().map(|n| html! { <li>{ format!("6.12: {n}") }</li> }) }
                    if !t.unmatched.is_empty() {
                        <li>{ format!("The walkthrough's 3.3 expectations with no 6.12 counterpart: {}.", t.unmatched.join(", ")) }</li>
                    }
                    { for t.expectations.iter().map(|e| html! { <li>{ format!("Expected on 3.3, otherwise on 6.12: {e}") }</li> }) }
                </ul>
            }
        </>
    }
}
