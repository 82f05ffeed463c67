//! The call stack at the position: the open kernel calls, outermost first, with elixir links and
//! driver-callback badges, as `ttm_core::present::call` shows each.

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
}

/// The call-stack panel.
#[component]
pub fn CallStack(props: &CallStackProps) -> Html {
    let s = props.walk.stepper.borrow();
    let kind = props.walk.machine.driver.kind;
    // Arguments decoded as the narration writes them (placement flags by name with hex, page
    // flags, caching, pool names, pfns in hex).
    let frames: Vec<(present::Call, String)> = s
        .call_stack()
        .iter()
        .map(|f| {
            (
                present::call(kind, f.func, &f.args),
                ttm_core::narrate::args_text(s.state(), f.func, &f.args),
            )
        })
        .collect();
    html! {
        <section class="panel" aria-labelledby="stack-h">
            <h2 id="stack-h">{ "Call stack" }</h2>
            if frames.is_empty() {
                <p class="empty-note" data-testid="call-stack-empty">{ "No call is open here (between actions)." }</p>
            } else {
                <ol class="stack" data-testid="call-stack">
                    { for frames.iter().enumerate().map(|(depth, (f, args))| html! {
                        <li data-style={format!("--depth: {depth}")} class={classes!(f.driver.then_some("driver"))}>
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
                    }) }
                </ol>
            }
        </section>
    }
}
