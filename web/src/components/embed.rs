//! The embed's chrome (`?embed=1`): its title with an "Open in TTM Lab" link, the URL's messages,
//! and the step controls limited to the embed's range.

use yew::prelude::*;

use crate::components::notices::Notices;
use crate::components::scrubber::Scrubber;
use crate::store::{Embed, Msg};

/// Properties of [`EmbedChrome`].
#[derive(Properties, PartialEq)]
pub struct EmbedChromeProps {
    /// The walkthrough's title.
    pub title: AttrValue,
    /// The machine, when the URL changed the walkthrough's own (`kernel=6.12`, `era=E1`, …):
    /// a reader of two frames side by side must see which is which.
    #[prop_or_default]
    pub machine: Option<AttrValue>,
    /// The full app at this position (`./?walkthrough=…`).
    pub open: AttrValue,
    /// The URL's messages.
    pub notices: Vec<String>,
    /// The position.
    pub pos: u64,
    /// The trace length.
    pub len: u64,
    /// The range shown.
    pub range: Embed,
    /// The position in words ([`crate::store::Walk::position_words`]).
    pub position: AttrValue,
    /// Playing.
    pub playing: bool,
    /// The stepping intents.
    pub send: Callback<Msg>,
}

/// The embed's header and controls.
#[component]
pub fn EmbedChrome(props: &EmbedChromeProps) -> Html {
    let (pos, len, e) = (props.pos, props.len, props.range);
    let send = &props.send;
    let cb = |m: Msg| send.reform(move |_: MouseEvent| m.clone());
    let position = props.position.clone();
    let (play_text, play_label) = if props.playing {
        ("⏸ Pause", "Pause")
    } else {
        ("▶ Play", "Play")
    };
    html! {
        <>
            <header class="embed-head">
                <h1 class="embed-title" data-testid="walk-title">{ props.title.clone() }
                    if let Some(m) = &props.machine {
                        <span class="embed-machine" data-testid="embed-machine">{ format!(" · {m}") }</span>
                    }
                </h1>
                <a href={props.open.clone()} target="_blank" rel="noopener" data-testid="open-full">{ "Open in TTM Lab ↗" }</a>
            </header>
            <Notices notices={props.notices.clone()} />
            <section class="panel controls-bar" aria-label="Stepping controls" data-testid="controls">
                <div class="row">
                    <div class="buttons" role="group" aria-label="Move">
                        <button type="button" aria-label="Jump to the start of the range" data-testid="start"
                            disabled={pos <= e.from} onclick={cb(Msg::Start)}>{ "Start" }</button>
                        <button type="button" aria-label="Back one call" data-testid="back"
                            disabled={pos <= e.from} onclick={cb(Msg::Step(false, None))}>{ "‹ Back" }</button>
                        <button type="button" class="primary play" aria-label={play_label} data-testid="play"
                            aria-pressed={props.playing.to_string()} onclick={cb(Msg::TogglePlay)}>{ play_text }</button>
                        <button type="button" aria-label="Next call" data-testid="forward"
                            disabled={pos >= e.to} onclick={cb(Msg::Step(true, None))}>{ "Next ›" }</button>
                        <button type="button" aria-label="Jump to the end of the range" data-testid="end"
                            disabled={pos >= e.to} onclick={cb(Msg::End)}>{ "End" }</button>
                    </div>
                </div>
                <Scrubber min={e.from} max={e.to} {pos} label="Position in the range"
                    valuetext={position.clone()} on_seek={send.reform(Msg::Seek)} />
                <p class="position" data-testid="position" data-pos={pos.to_string()} data-len={len.to_string()}>{ position }</p>
            </section>
        </>
    }
}
