//! The travel overlay: plays a [`Journey`] over the stage, one chip per leg ("512 pages"),
//! leg after leg in the kernel's order, from the source place's box to the destination's (the
//! stage's `data-place` elements). It is decoration (aria-hidden): the stage lists the same legs
//! in words. Chips are positioned and moved through CSS custom properties set with the CSSOM
//! (no inline style attribute, so it runs under `style-src 'self'`); the motion is the
//! `travel-hop` keyframes of static/styles.css.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::travel::Journey;

/// Properties of [`TravelLayer`].
#[derive(Properties, PartialEq)]
pub struct TravelProps {
    /// The journey of the last small move, if any.
    pub travel: Option<Rc<Journey>>,
}

/// The centre of the element named `place` on the stage, in page coordinates.
fn centre(place: &str) -> Option<(f64, f64)> {
    let doc = web_sys::window()?.document()?;
    let el = doc
        .query_selector(&format!("[data-place=\"{place}\"]"))
        .ok()??;
    let r = el.get_bounding_client_rect();
    if r.width() == 0.0 && r.height() == 0.0 {
        return None;
    }
    Some((
        r.left() + r.width() / 2.0 + web_sys::window()?.scroll_x().unwrap_or(0.0),
        r.top() + r.height() / 2.0 + web_sys::window()?.scroll_y().unwrap_or(0.0),
    ))
}

fn set(el: &HtmlElement, name: &str, value: &str) {
    let _ = el.style().set_property(name, value);
}

/// Start the chips of `j` in `layer`; returns how long they play (ms).
fn play(layer: &Element, j: &Journey) -> f64 {
    layer.set_inner_html("");
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return 0.0;
    };
    let mut delay = 0.0;
    for leg in j.legs.iter().filter(|l| !l.from.is_empty()) {
        let (Some(a), Some(b)) = (centre(&leg.from), centre(&leg.to)) else {
            continue;
        };
        let Ok(chip) = doc.create_element("span") else {
            continue;
        };
        chip.set_class_name(&format!("travel-chip what-{}", what_class(leg)));
        chip.set_text_content(Some(&leg.chip));
        if let Ok(el) = chip.dyn_into::<HtmlElement>() {
            set(&el, "left", &format!("{}px", a.0));
            set(&el, "top", &format!("{}px", a.1));
            set(&el, "--dx", &format!("{}px", b.0 - a.0));
            set(&el, "--dy", &format!("{}px", b.1 - a.1));
            set(&el, "--hop-ms", &format!("{}ms", j.leg_ms));
            set(&el, "--hop-delay", &format!("{delay}ms"));
            let _ = layer.append_child(&el);
        }
        delay += j.leg_ms;
    }
    delay
}

fn what_class(leg: &crate::travel::Leg) -> &'static str {
    match leg.what {
        ttm_core::hops::What::Pages => "pages",
        ttm_core::hops::What::Contents => "contents",
        ttm_core::hops::What::Bo(_) => "bo",
    }
}

/// The overlay. `data-animating` is true while chips fly; `data-moves` counts the pages that
/// moved and `data-legs` lists the legs (`system>pool-0:512 pool-0>tt-0:20`) for tests.
#[component]
pub fn TravelLayer(props: &TravelProps) -> Html {
    let layer = use_node_ref();
    let animating = use_state(|| false);
    let timer = use_mut_ref(|| None::<Timeout>);
    {
        let layer = layer.clone();
        let animating = animating.clone();
        let timer = timer.clone();
        use_effect_with(props.travel.clone(), move |travel| {
            *timer.borrow_mut() = None;
            if let Some(el) = layer.cast::<Element>() {
                match travel.as_ref().filter(|j| j.leg_ms > 0.0) {
                    Some(j) => {
                        let total = play(&el, j);
                        if total > 0.0 {
                            animating.set(true);
                            let el = el.clone();
                            let animating = animating.clone();
                            *timer.borrow_mut() =
                                Some(Timeout::new(total as u32 + 60, move || {
                                    el.set_inner_html("");
                                    animating.set(false);
                                }));
                        } else {
                            animating.set(false);
                        }
                    }
                    None => {
                        el.set_inner_html("");
                        animating.set(false);
                    }
                }
            }
        });
    }
    let (moves, legs) = props.travel.as_ref().map_or((0, String::new()), |j| {
        let legs: Vec<String> = j
            .legs
            .iter()
            .filter(|l| !l.from.is_empty())
            .map(|l| format!("{}>{}:{}", l.from, l.to, l.count))
            .collect();
        (j.pages(), legs.join(" "))
    });
    html! {
        <div ref={layer} class="travel-layer" aria-hidden="true" data-testid="travel"
            data-animating={animating.to_string()} data-moves={moves.to_string()} data-legs={legs} />
    }
}
