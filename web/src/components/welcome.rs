//! The first-visit welcome: what TTM is, what the stage shows and how to step, in two
//! sentences; dismissed once, remembered in local storage.

use yew::prelude::*;

/// Properties of [`Welcome`].
#[derive(Properties, PartialEq)]
pub struct WelcomeProps {
    /// Dismiss it (for good).
    pub on_dismiss: Callback<()>,
    /// Start lesson 1 (shown when nothing is open).
    #[prop_or_default]
    pub on_start: Option<Callback<()>>,
    /// Above a walkthrough: a slim band (no heading, the button on the same line).
    #[prop_or_default]
    pub compact: bool,
}

/// The welcome banner.
#[component]
pub fn Welcome(props: &WelcomeProps) -> Html {
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <section class={classes!("panel", "welcome", props.compact.then_some("compact"))}
            aria-labelledby="welcome-h" data-testid="welcome">
            <h2 id="welcome-h" class={classes!(props.compact.then_some("visually-hidden"))}>{ "Welcome to TTM Lab" }</h2>
            <p>
                { "TTM is the Linux kernel's memory manager for graphics cards: it hands GPU buffers pages from pools, moves them between system memory, the GPU's aperture (TT) and video memory (VRAM), and swaps them out when memory runs short. " }
                { "The stage draws the whole simulated machine — pools, tt page arrays, zones, memory types — and you step through every kernel call with → and ← (Shift for a whole step), Space to play." }
            </p>
            <div class="row">
                if let Some(start) = &props.on_start {
                    <button type="button" class="primary" data-testid="welcome-start"
                        onclick={start.reform(|_: MouseEvent| ())}>{ "Start lesson 1 ›" }</button>
                }
                <button type="button" data-testid="welcome-dismiss" onclick={dismiss}>{ "Got it, hide this" }</button>
            </div>
        </section>
    }
}
