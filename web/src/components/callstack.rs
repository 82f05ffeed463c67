//! The call stack at the position: the open kernel calls, outermost first, with elixir links and
//! driver-callback badges, as `ttm_core::present::call` shows each. Each frame is a button that
//! shows its code, at its own line, in the code pane.

use std::rc::Rc;

use ttm_core::present;
use yew::prelude::*;

use crate::store::Walk;

/// Properties of [`CallStack`].
#[derive(Properties, PartialEq)]
pub struct CallStackProps {
    /// The open run.
    pub walk: Rc<Walk>,
    /// The position (the stack is the cursor's there).
    pub pos: u64,
    /// The frame the code pane shows (its Enter event).
    pub shown: Option<u64>,
    /// Show a frame's code (its Enter event).
    pub on_select: Callback<u64>,
}

/// The call-stack panel.
#[component]
pub fn CallStack(props: &CallStackProps) -> Html {
    let s = props.walk.stepper.borrow();
    let kind = props.walk.machine.driver.kind;
    // Arguments decoded as the narration writes them (placement flags by name with hex, page
    // flags, caching, pool names, pfns in hex).
    let frames: Vec<(present::Call, String, u64)> = s
        .call_stack()
        .iter()
        .map(|f| {
            (
                present::call(kind, f.func, &f.args),
                ttm_core::narrate::args_text(s.state(), f.func, &f.args),
                f.at,
            )
        })
        .collect();
    let shown = props
        .shown
        .filter(|at| frames.iter().any(|f| f.2 == *at))
        .or(frames.last().map(|f| f.2));
    html! {
        <section class="call-stack" aria-labelledby="stack-h">
            <h2 id="stack-h">{ "Call stack" }</h2>
            if frames.is_empty() {
                <p class="empty-note" data-testid="call-stack-empty">{ "No call is open here (between actions)." }</p>
            } else {
                <ol class="stack" data-testid="call-stack">
                    { for frames.iter().enumerate().map(|(depth, (f, args, at))| {
                        let at = *at;
                        let on = shown == Some(at);
                        let onclick = props.on_select.reform(move |_: MouseEvent| at);
                        html! {
                        <li data-style={format!("--depth: {depth}")}
                            class={classes!(f.driver.then_some("driver"), on.then_some("shown"))}>
                            <button type="button" class="frame-code" aria-pressed={on.to_string()}
                                data-testid="frame-code" {onclick}
                                aria-label={format!("Show the code of {} at its line", f.symbol)}
                                title="Show its code at its line" />
                            if let Some(url) = &f.url {
                                <a href={url.clone()} target="_blank" rel="noopener noreferrer"
                                    title={format!("{} in the Linux v3.3 source (new tab)", f.symbol)}>{ f.symbol }</a>
                            } else {
                                <span class="sym">{ f.symbol }</span>
                            }
                            <span class="args">{ format!("({args})") }</span>
                            if f.driver {
                                <span class="badge">{ "driver callback" }</span>
                            }
                        </li>
                    }}) }
                </ol>
            }
        </section>
    }
}
