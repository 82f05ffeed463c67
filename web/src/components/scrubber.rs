//! The scrubber: a range input over trace positions, with optional step marks.

use std::rc::Rc;

use yew::prelude::*;

/// A mark on the scrubber.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Where, in percent of the width.
    pub left: f64,
    /// The step number, or empty when it would overlap the previous one.
    pub text: String,
    /// The hover text.
    pub title: String,
}

/// Properties of [`Scrubber`].
#[derive(Properties, PartialEq)]
pub struct ScrubberProps {
    /// First position.
    pub min: u64,
    /// Last position.
    pub max: u64,
    /// The position.
    pub pos: u64,
    /// The input's label (screen readers).
    pub label: AttrValue,
    /// The position in words (`aria-valuetext`).
    pub valuetext: AttrValue,
    /// Step marks (none in an embed).
    #[prop_or_default]
    pub ticks: Rc<Vec<Tick>>,
    /// Seek to a position.
    pub on_seek: Callback<u64>,
}

/// The scrubber (`#scrubber`).
#[component]
pub fn Scrubber(props: &ScrubberProps) -> Html {
    let oninput = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(p) = input.value().parse::<u64>() {
                on_seek.emit(p);
            }
        })
    };
    html! {
        <div class="scrub">
            <label for="scrubber" class="sr-only">{ props.label.clone() }</label>
            <input id="scrubber" type="range" min={props.min.to_string()} max={props.max.to_string()} step="1"
                value={props.pos.to_string()} data-testid="scrubber"
                aria-valuetext={props.valuetext.clone()}
                {oninput} />
            if !props.ticks.is_empty() {
                <div class="ticks" aria-hidden="true">
                    { for props.ticks.iter().map(|t| html! {
                        <span class={classes!("tick", t.text.is_empty().then_some("bare"))} data-style={format!("left: {:.3}%", t.left)}
                            title={t.title.clone()}>
                            { t.text.clone() }
                        </span>
                    }) }
                </div>
            }
        </div>
    }
}
