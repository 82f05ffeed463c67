//! The full app's stepping controls: start/back/play/forward/end, the step size (zoom), the play
//! speed, the scrubber with step marks, the position in words, the landmark jumps, the breakpoint,
//! the exercises switch and the status of the last jump.

use std::rc::Rc;

use ttm_core::{Func, Zoom};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::scrubber::{Scrubber, Tick};
use crate::store::{landmark_name, Msg, Walk, LANDMARKS, SPEEDS, ZOOMS};
use crate::url::zoom_name;

/// Properties of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// The open run (its steps, functions and questions).
    pub walk: Rc<Walk>,
    /// The position.
    pub pos: u64,
    /// The trace length.
    pub len: u64,
    /// The step size.
    pub zoom: Zoom,
    /// Playing.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// The breakpoint function.
    pub breakpoint: Option<Func>,
    /// Exercises are asked.
    pub exercises: bool,
    /// Why the last jump found nothing.
    pub status: Option<AttrValue>,
    /// The stepping intents.
    pub send: Callback<Msg>,
}

/// The controls bar.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let (walk, pos, len) = (&props.walk, props.pos, props.len);
    let send = &props.send;
    let cb = |m: Msg| send.reform(move |_: MouseEvent| m.clone());
    let z = zoom_name(props.zoom);
    let position = walk.position_words(pos);
    let (play_text, play_label) = if props.playing {
        ("⏸ Pause", "Pause (Space)")
    } else {
        ("▶ Play", "Play (Space)")
    };
    let bp_value = props
        .breakpoint
        .map(|f| f.index().to_string())
        .unwrap_or_default();
    let on_breakpoint = send.reform(|e: Event| {
        let s: HtmlSelectElement = e.target_unchecked_into();
        Msg::SetBreakpoint(s.value().parse::<usize>().ok().and_then(Func::from_index))
    });
    html! {
        <section class="panel controls-bar" aria-label="Stepping controls" data-testid="controls">
            <div class="row">
                <div class="buttons" role="group" aria-label="Move">
                    <button type="button" aria-label="Jump to start (Home)" data-testid="start"
                        disabled={pos == 0} onclick={cb(Msg::Start)}>{ "Start" }</button>
                    <button type="button" aria-label="Back one action (Shift+Left)" data-testid="back-action"
                        disabled={pos == 0} onclick={cb(Msg::Step(false, Some(Zoom::Action)))}>{ "« Action" }</button>
                    <button type="button" aria-label={format!("Back one {z} (Left)")} data-testid="back"
                        disabled={pos == 0} onclick={cb(Msg::Step(false, None))}>{ "‹ Back" }</button>
                    <button type="button" class="primary play" aria-label={play_label} data-testid="play"
                        aria-pressed={props.playing.to_string()} onclick={cb(Msg::TogglePlay)}>{ play_text }</button>
                    <button type="button" aria-label={format!("Next {z} (Right)")} data-testid="forward"
                        disabled={pos == len} onclick={cb(Msg::Step(true, None))}>{ "Next ›" }</button>
                    <button type="button" aria-label="Forward one action (Shift+Right)" data-testid="forward-action"
                        disabled={pos == len} onclick={cb(Msg::Step(true, Some(Zoom::Action)))}>{ "Action »" }</button>
                    <button type="button" aria-label="Jump to end (End)" data-testid="end"
                        disabled={pos == len} onclick={cb(Msg::End)}>{ "End" }</button>
                </div>
                <div class="segmented" role="group" aria-label="Step size">
                    { for ZOOMS.iter().map(|&zz| html! {
                        <button type="button" aria-pressed={(zz == props.zoom).to_string()}
                            aria-label={format!("Step by {}", zoom_name(zz))}
                            data-testid={format!("zoom-{}", zoom_name(zz))}
                            onclick={cb(Msg::SetZoom(zz))}>{ zoom_name(zz) }</button>
                    }) }
                </div>
                <div class="speed" role="group" aria-label="Play speed">
                    <button type="button" aria-label="Slower (minus)" data-testid="slower"
                        disabled={props.speed == 0} onclick={cb(Msg::Speed(false))}>{ "−" }</button>
                    <span class="speed-value" data-testid="speed">{ SPEEDS[props.speed].1 }</span>
                    <button type="button" aria-label="Faster (plus)" data-testid="faster"
                        disabled={props.speed + 1 == SPEEDS.len()} onclick={cb(Msg::Speed(true))}>{ "+" }</button>
                </div>
            </div>
            <Scrubber min={0} max={len} {pos} label="Position in the trace" valuetext={position.clone()}
                ticks={ticks(walk, len)} on_seek={send.reform(Msg::Seek)} />
            <p class="position" data-testid="position" data-pos={pos.to_string()} data-len={len.to_string()}
                title={position.clone()}>
                // The step's label gives way first when the bar is narrow; the numbers stay.
                if let Some((step, call)) = position.split_once(" · ") {
                    <span class="pos-step">{ step }</span><span class="pos-call">{ format!(" · {call}") }</span>
                } else {
                    { position.clone() }
                }
            </p>
            <div class="row">
                <div class="buttons" role="group" aria-label="Jump to the next event of a kind">
                    <span class="group-label">{ "Next:" }</span>
                    { for LANDMARKS.iter().map(|&l| html! {
                        <button type="button" class="small" aria-label={format!("Next {}", landmark_name(l))}
                            data-testid={format!("next-{}", landmark_name(l))}
                            onclick={cb(Msg::Landmark(l, true))}>{ landmark_name(l) }</button>
                    }) }
                </div>
                <div class="breakpoint">
                    <label for="breakpoint">{ "Breakpoint" }</label>
                    <select id="breakpoint" data-testid="breakpoint" onchange={on_breakpoint}>
                        <option value="" selected={props.breakpoint.is_none()}>{ "— function —" }</option>
                        { for walk.recording.funcs_seen().iter().map(|(f, sym)| html! {
                            <option value={f.index().to_string()} selected={bp_value == f.index().to_string()}>{ *sym }</option>
                        }) }
                    </select>
                    <button type="button" class="small" aria-label="Run back to the previous call"
                        data-testid="prev-call" onclick={cb(Msg::RunToBreakpoint(false))}>{ "‹ previous call" }</button>
                    <button type="button" class="small" aria-label="Run to next call"
                        data-testid="next-call" onclick={cb(Msg::RunToBreakpoint(true))}>{ "run to next call ›" }</button>
                </div>
                if !walk.questions.is_empty() {
                    <label class="exercises-toggle"
                        title={format!("Stop before the {} marked step(s) and ask me to predict what they do", walk.questions.len())}>
                        <input type="checkbox" data-testid="exercises-toggle" checked={props.exercises}
                            onchange={send.reform(|_: Event| Msg::ToggleExercises)} />
                        { format!(" Exercises ({}): stop and ask me", walk.questions.len()) }
                    </label>
                }
            </div>
            <p class="status" role="status" data-testid="status">{ props.status.clone().unwrap_or_default() }</p>
        </section>
    }
}

/// Step marks on the scrubber (a number only where it fits without overlapping).
fn ticks(walk: &Walk, len: u64) -> Rc<Vec<Tick>> {
    let mut last = f64::NEG_INFINITY;
    walk.steps
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let left = if len == 0 {
                0.0
            } else {
                st.first_event as f64 * 100.0 / len as f64
            };
            let labelled = left - last >= 2.5;
            if labelled {
                last = left;
            }
            Tick {
                left,
                text: if labelled {
                    (i + 1).to_string()
                } else {
                    String::new()
                },
                title: format!("step {}: {}", i + 1, st.label),
            }
        })
        .collect::<Vec<_>>()
        .into()
}
