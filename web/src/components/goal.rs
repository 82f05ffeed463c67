//! The walkthrough's title, goal and steps (each a link to the end of its step, with its result and
//! its exercise mark), and how many of its expectations did not hold.

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

use crate::store::{Answered, Walk};

/// Properties of [`Goal`].
#[derive(Properties, PartialEq)]
pub struct GoalProps {
    /// The open run.
    pub walk: Rc<Walk>,
    /// The position (its step is marked current).
    pub pos: u64,
    /// The first step whose result is hidden: until a question is answered, the results of its
    /// step and later ones would give it away.
    pub hide_from: Option<usize>,
    /// Exercises are asked (steps with one are marked).
    pub exercises: bool,
    /// The reader's answers, by question index.
    pub answers: Rc<BTreeMap<usize, Answered>>,
    /// Go to a position (the end of a step).
    pub on_seek: Callback<u64>,
}

/// The goal-and-steps panel.
#[component]
pub fn Goal(props: &GoalProps) -> Html {
    let walk = &props.walk;
    let current = walk.step_at(props.pos);
    let hide_from = props.hide_from;
    html! {
        <section class="panel goal" aria-labelledby="goal-h">
            <h2 id="goal-h" data-testid="walk-title">{ &walk.title }</h2>
            <p data-testid="goal">{ &walk.goal }</p>
            <ol class="steps" aria-label="Steps of the walkthrough">
                { for walk.steps.iter().enumerate().map(|(i, st)| {
                    let end = st.end_event;
                    let here = current == Some(i);
                    let label = format!("Go to the end of step {}: {}", i + 1, st.label);
                    html! {
                        <li class={classes!(here.then_some("current"))}>
                            <button type="button" class="link" aria-label={label}
                                aria-current={here.then_some("step")}
                                onclick={props.on_seek.reform(move |_: MouseEvent| end)}>
                                { format!("{}. {}", i + 1, st.label) }
                            </button>
                            if st.result != "ok" && hide_from.is_none_or(|h| i < h) {
                                <span class="result">{ format!(" → {}", st.result) }</span>
                            }
                            if let Some(k) = walk.questions.iter().position(|q| q.step == i).filter(|_| props.exercises) {
                                <span class="ask-mark" title="An exercise is asked before this step"
                                    data-testid={format!("ask-mark-{i}")}>
                                    { match props.answers.get(&k) {
                                        Some(a) if a.skipped => " – skipped",
                                        Some(a) if a.correct => " ✓ predicted",
                                        Some(_) => " ✗ predicted",
                                        None => " ? predict",
                                    } }
                                </span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if !walk.mismatches.is_empty() {
                <p class="error">{ format!("{} expectation(s) of this walkthrough did not hold on this build.", walk.mismatches.len()) }</p>
            }
        </section>
    }
}
