//! "Predict, then reveal": the exercise card shown just before a marked step runs. Questions,
//! answers and checking are `ttm_core::exercise`'s; the card only shows them and passes the
//! reader's answer on.

use ttm_core::exercise::{Answer, Question};
use yew::prelude::*;

use crate::store::Answered;

/// An `oninput` that keeps a text field's value in `state`.
pub fn text_input(state: UseStateHandle<String>) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| {
        if let Some(t) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            state.set(t.value());
        }
    })
}

/// Properties of [`ExerciseCard`].
#[derive(Properties, PartialEq, Clone)]
pub struct CardProps {
    /// Index of the question in the walkthrough.
    pub index: usize,
    /// How many questions the walkthrough asks.
    pub total: usize,
    /// The question.
    pub question: Question,
    /// The reader's answer, once given.
    pub answered: Option<Answered>,
    /// Why the model answers so (given once the answer is shown: answered or skipped).
    #[prop_or_default]
    pub explanation: Option<AttrValue>,
    /// (right, answered, skipped) over the whole walkthrough.
    pub score: (usize, usize, usize),
    /// At the question's boundary (false while its step plays after the answer).
    pub at_boundary: bool,
    /// The reader answers.
    pub on_answer: Callback<(usize, String)>,
    /// Skip the question explicitly.
    pub on_skip: Callback<usize>,
    /// Play the step, animated, pausing at its end (reveal).
    pub on_reveal: Callback<()>,
    /// Forget the answers to this walkthrough.
    pub on_reset: Callback<()>,
}

/// The question before a marked step: answer it (a number, a choice, yes or no) or skip it, then
/// see whether the model agrees and why, and play the step. Forward moves wait here until then.
#[component]
pub fn ExerciseCard(props: &CardProps) -> Html {
    let typed = use_state(String::new);
    // Once answered, the control that was used is gone: keyboard focus moves to "Run step".
    let run_ref = use_node_ref();
    let was_answered = use_mut_ref(|| props.answered.is_some());
    {
        let run_ref = run_ref.clone();
        use_effect_with(props.answered.is_some(), move |&answered| {
            if answered && !*was_answered.borrow() {
                if let Some(b) = run_ref.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
            *was_answered.borrow_mut() = answered;
        });
    }
    let q = &props.question;
    let i = props.index;
    let answer = |text: String| {
        let cb = props.on_answer.clone();
        Callback::from(move |_: MouseEvent| cb.emit((i, text.clone())))
    };
    let reveal = {
        let cb = props.on_reveal.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let skip = props.on_skip.reform(move |_: MouseEvent| i);
    let reset = props.on_reset.reform(|_: MouseEvent| ());
    let input: Html = match &q.answer {
        Answer::Number(_) => {
            let oninput = text_input(typed.clone());
            let onsubmit = {
                let cb = props.on_answer.clone();
                let typed = typed.clone();
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    if !typed.trim().is_empty() {
                        cb.emit((i, (*typed).clone()));
                    }
                })
            };
            html! {
                <form class="row" {onsubmit}>
                    <label for="exercise-answer">{ "Your prediction: " }</label>
                    <input id="exercise-answer" type="text" inputmode="numeric" autocomplete="off"
                        data-testid="exercise-input" value={(*typed).clone()} {oninput} />
                    <button type="submit" class="primary" data-testid="exercise-check"
                        disabled={typed.trim().is_empty()}>{ "Check" }</button>
                </form>
            }
        }
        Answer::Choice { options, .. } => html! {
            <div class="choices" role="group" aria-label="Your prediction">
                { for options.iter().enumerate().map(|(k, o)| html! {
                    <button type="button" data-testid={format!("exercise-choice-{k}")}
                        onclick={answer(o.clone())}>{ o }</button>
                }) }
            </div>
        },
        Answer::YesNo(_) => html! {
            <div class="choices" role="group" aria-label="Your prediction">
                <button type="button" data-testid="exercise-yes" onclick={answer("yes".into())}>{ "Yes" }</button>
                <button type="button" data-testid="exercise-no" onclick={answer("no".into())}>{ "No" }</button>
            </div>
        },
    };
    let (right, answered, skipped) = props.score;
    html! {
        <section class="panel exercise" aria-labelledby="exercise-h" data-testid="exercise"
            data-step={q.step.to_string()}>
            <h2 id="exercise-h">
                { format!("Predict, then reveal · question {} of {} · before step {}", i + 1, props.total, q.step + 1) }
            </h2>
            <p class="prompt" data-testid="exercise-prompt" aria-live="polite">{ &q.prompt }</p>
            if props.answered.as_ref().is_some_and(|a| a.skipped) {
                <div role="status" data-testid="exercise-result" class="verdict skipped">
                    <strong>{ format!("Skipped. The model's answer: {}.", q.answer_text()) }</strong>
                    <p class="why" data-testid="exercise-why">{ props.explanation.clone().unwrap_or_default() }</p>
                </div>
                if props.at_boundary {
                    <button type="button" class="primary" data-testid="exercise-reveal" onclick={reveal}
                        ref={run_ref}>{ format!("Play step {} ›", q.step + 1) }</button>
                }
            } else if let Some(a) = &props.answered {
                <div role="status" data-testid="exercise-result"
                    class={classes!("verdict", if a.correct { "right" } else { "wrong" })}>
                    if a.correct {
                        <strong>{ format!("✓ Right: {}.", q.answer_text()) }</strong>
                    } else {
                        <strong>{ format!("✗ Not quite: you said {}; the model says {}.", a.given, q.answer_text()) }</strong>
                    }
                    <p class="why" data-testid="exercise-why">{ props.explanation.clone().unwrap_or_default() }</p>
                </div>
                if props.at_boundary {
                    <button type="button" class="primary" data-testid="exercise-reveal" onclick={reveal}
                        ref={run_ref}>
                        { format!("Play step {} ›", q.step + 1) }</button>
                }
            } else {
                { input }
                <button type="button" class="link" data-testid="exercise-skip" onclick={skip}>
                    { "Skip this question" }</button>
            }
            <p class="hint" data-testid="exercise-score">
                { format!("Score: {right} right of {answered} answered", ) }
                if skipped > 0 { { format!(" · {skipped} skipped") } }
                { format!(" · {} question{} in this walkthrough · ", props.total, if props.total == 1 { "" } else { "s" }) }
                <button type="button" class="linkish" data-testid="exercise-reset" onclick={reset}
                    disabled={answered + skipped == 0}>{ "reset my answers" }</button>
            </p>
        </section>
    }
}
