//! The end of a lesson: what comes next in the course (`ttm_core::catalog::next_lesson`).

use yew::prelude::*;

/// Properties of [`NextLesson`].
#[derive(Properties, PartialEq)]
pub struct NextLessonProps {
    /// The next lesson's name, number and title; None after the last lesson.
    pub next: Option<(AttrValue, usize, AttrValue)>,
    /// Open a lesson by name.
    pub on_open: Callback<String>,
    /// Go back to the course (the page without a walkthrough).
    pub on_course: Callback<()>,
}

/// The "lesson complete" panel.
#[component]
pub fn NextLesson(props: &NextLessonProps) -> Html {
    let course = props.on_course.reform(|_: MouseEvent| ());
    html! {
        <section class="panel next-lesson" aria-labelledby="next-h" data-testid="next-lesson">
            <h2 id="next-h">{ "End of the walkthrough" }</h2>
            if let Some((name, n, title)) = &props.next {
                <p>{ format!("Next lesson, {n}: {title}") }</p>
                <div class="row">
                    <button type="button" class="primary" data-testid="next-lesson-open"
                        onclick={props.on_open.reform({ let name = name.to_string(); move |_: MouseEvent| name.clone() })}>
                        { format!("Lesson {n} ›") }</button>
                    <button type="button" onclick={course}>{ "All lessons" }</button>
                </div>
            } else {
                <p>{ "That was the last lesson of the course." }</p>
                <button type="button" onclick={course}>{ "All lessons" }</button>
            }
        </section>
    }
}
