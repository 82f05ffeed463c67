//! The narration panel: the step's own words at an action boundary, what the last step at the
//! current zoom did, and the event at the position.

use yew::prelude::*;

use crate::store::Narration;

/// Properties of [`NarrationPanel`].
#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    /// The narration of the position.
    pub narration: Narration,
    /// The position.
    pub pos: u64,
    /// Playing (announcements are silenced).
    pub playing: bool,
}

/// The narration panel.
#[component]
pub fn NarrationPanel(props: &NarrationProps) -> Html {
    let n = &props.narration;
    let pos = props.pos;
    html! {
        <section class="panel narration-panel" aria-labelledby="narr-h">
            <h2 id="narr-h">{ "Narration" }</h2>
            // Polite announcements while stepping; silent while playing (it would never stop talking).
            // Focusable: in an embed its text may scroll, and a keyboard must reach it (axe).
            <div class="narration" aria-live={if props.playing { "off" } else { "polite" }} aria-atomic="true"
                tabindex="0" data-testid="narration">
                if let Some(say) = &n.say {
                    <p class="say" data-testid="say">{ say }</p>
                }
                if pos == 0 {
                    <p class="did" data-testid="did">{ "The machine has just booted. Press Next (or →) to step through the trace." }</p>
                } else if !n.did.is_empty() {
                    <p class="did" data-testid="did">
                        <span class="tag">{ &n.did_label }</span>
                        { &n.did }
                    </p>
                }
                // The event itself, unless the span above is just this one event.
                if !n.event.is_empty() && n.span.0 + 1 != pos {
                    <p class="event" data-testid="event">
                        <span class="tag">{ "This event: " }</span>{ &n.event }
                    </p>
                }
            </div>
        </section>
    }
}
