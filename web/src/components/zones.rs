//! The memory accounting zones at the position: used memory against the swap limit, max_mem and
//! emer_mem, and whether the swap work is queued.

use std::rc::Rc;

use yew::prelude::*;

use crate::store::{Before, Walk};
use crate::view::{self, group_digits, human_bytes, percent};

/// Properties of [`Zones`].
#[derive(Properties, PartialEq)]
pub struct ZonesProps {
    /// The open run.
    pub walk: Rc<Walk>,
    /// The position (the zones are the cursor's state there).
    pub pos: u64,
    /// The counters at the start of the narrated span.
    pub before: Option<Before>,
}

/// The zones panel.
#[component]
pub fn Zones(props: &ZonesProps) -> Html {
    let before = props.before.as_ref();
    if props.walk.with_state(|st| st.modern.is_some()) {
        return props.walk.with_state(limits);
    }
    props.walk.with_state(|st| html! {
        <section class="panel" aria-labelledby="zones-h">
            <h2 id="zones-h">{ "Memory accounting zones" }</h2>
            { for st.zones.iter().enumerate().map(|(i, z)| {
                let was_used = before.and_then(|b| b.zones.get(i).copied());
                let id = view::slug(&z.name);
                let of = z.zone_mem;
                let mark = |v: u64, class: &'static str, name: &'static str| html! {
                    <span class={classes!("mark", class)} data-style={format!("left: {:.3}%", percent(v, of))}
                        title={format!("{name} = {}", group_digits(v))} />
                };
                html! {
                    <div class="zone" data-testid={format!("zone-{id}")}>
                        <div class="zone-head">
                            <span><code>{ &z.name }</code></span>
                            <span class="figures">
                                <span data-testid={format!("zone-{id}-used")}
                                    class={classes!(was_used.is_some_and(|w| w != z.used_mem).then_some("changed"))}
                                    title={was_used.filter(|w| *w != z.used_mem).map(|w| format!("was {}", group_digits(w)))}>
                                    { group_digits(z.used_mem) }
                                </span>
                                { format!(" bytes used of {}", human_bytes(z.zone_mem)) }
                            </span>
                        </div>
                        <div class="bar marked" role="img"
                            aria-label={format!("{} zone: used_mem {} of swap_limit {}, max_mem {}, emer_mem {}", z.name, group_digits(z.used_mem), group_digits(z.swap_limit), group_digits(z.max_mem), group_digits(z.emer_mem))}>
                            <span class="fill" data-style={format!("width: {:.3}%", percent(z.used_mem, of))} />
                            { mark(z.swap_limit, "swap", "swap_limit") }
                            { mark(z.max_mem, "max", "max_mem") }
                            { mark(z.emer_mem, "emer", "emer_mem") }
                        </div>
                        <div class="zone-foot">
                            <span class="key swap">{ format!("swap_limit {}", human_bytes(z.swap_limit)) }</span>
                            <span class="key max">{ format!("max_mem {}", human_bytes(z.max_mem)) }</span>
                            <span class="key emer">{ format!("emer_mem {}", human_bytes(z.emer_mem)) }</span>
                        </div>
                    </div>
                }
            }) }
            <p class="swap-work" data-testid="swap-work">
                { if st.swap_work_queued { "Background swap work: queued (a zone is above its swap limit)" } else { "Background swap work: not queued" } }
            </p>
        </section>
    })
}

/// A Linux 6.12 machine has no accounting zones: its panel shows the page limits instead, each
/// count against its limit, as `ttm_core::stage::gauges` gives them.
fn limits(st: &ttm_core::State) -> Html {
    html! {
        <section class="panel" aria-labelledby="zones-h">
            <h2 id="zones-h">{ "Page limits (Linux 6.12: no accounting zones)" }</h2>
            { for ttm_core::stage::gauges(st).iter().map(|g| {
                let of = g.full.max(1);
                let marks: Vec<String> = g.marks.iter().map(|m| format!("{} {}", m.name, human_bytes(m.at))).collect();
                html! {
                    <div class="zone" data-testid={format!("zone-{}", view::slug(&g.name))}>
                        <div class="zone-head">
                            <span><code>{ &g.what }</code></span>
                            <span class="figures">{ format!("{} bytes of {}", group_digits(g.used), human_bytes(g.full)) }</span>
                        </div>
                        <div class="bar marked" role="img"
                            aria-label={format!("{}: {} bytes used; {}", g.what, group_digits(g.used), marks.join(", "))}>
                            <span class="fill" data-style={format!("width: {:.3}%", percent(g.used, of))} />
                            { for g.marks.iter().map(|m| html! {
                                <span class={classes!("mark", m.kind)} data-style={format!("left: {:.3}%", percent(m.at, of))}
                                    title={format!("{} = {}", m.name, group_digits(m.at))} />
                            }) }
                        </div>
                        <div class="zone-foot">
                            { for g.marks.iter().map(|m| html! {
                                <span class={classes!("key", m.kind)}>{ format!("{} {}", m.name, human_bytes(m.at)) }</span>
                            }) }
                        </div>
                    </div>
                }
            }) }
            <p class="hint">{ ttm_core::present::MODERN_LIMITS_NOTE }</p>
        </section>
    }
}
