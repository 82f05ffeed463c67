//! The course: the built-in walkthroughs as lessons in order (`ttm_core::catalog::course`),
//! grouped by track, each with its level and what it builds on. The page without a walkthrough
//! shows it; each lesson is a real link (`?walkthrough=NAME`), opened in place on a plain click.

use ttm_core::catalog;
use yew::prelude::*;

/// Properties of [`Course`].
#[derive(Properties, PartialEq)]
pub struct CourseProps {
    /// Open a lesson by name.
    pub on_open: Callback<String>,
    /// Where the book is (a relative link).
    pub book: AttrValue,
}

/// The course panel.
#[component]
pub fn Course(props: &CourseProps) -> Html {
    let course = use_memo((), |_| catalog::course());
    let tracks = use_memo((), |_| catalog::tracks());
    let title_of = |name: &str| {
        course
            .iter()
            .find(|(_, e)| e.name == name)
            .map_or(name.to_string(), |(_, e)| e.title.clone())
    };
    html! {
        <section class="panel course" aria-labelledby="course-h" data-testid="course">
            <h2 id="course-h">{ "The course: TTM in Linux 3.3, lesson by lesson" }</h2>
            <p class="hint">
                { "Each lesson is a short scenario run on a simulated machine; step through every kernel call it makes. Start with lesson 1, or read the " }
                <a href={props.book.clone()}>{ "book “TTM in pictures”" }</a>{ ", whose chapters embed these lessons." }
            </p>
            { for tracks.iter().map(|track| html! {
                <section class="track" aria-label={format!("Track: {}", track.name)}>
                    <h3>{ track.name }</h3>
                    <ol class="lessons">
                        { for track.lessons.iter().map(|(n, l, e)| {
                            let n = *n;
                            let name = l.name.to_string();
                            let onclick = props.on_open.reform(move |ev: MouseEvent| {
                                ev.prevent_default();
                                name.clone()
                            });
                            html! {
                                <li value={n.to_string()} data-testid={format!("lesson-{}", l.name)}>
                                    <a href={format!("?walkthrough={}", l.name)} {onclick}
                                        aria-describedby={format!("lesson-{}-about", l.name)}>
                                        { format!("Lesson {n}: {}", e.title) }
                                    </a>
                                    <span class="lesson-about" id={format!("lesson-{}-about", l.name)}>
                                        <span class="level">{ l.level.label() }</span>
                                        if !l.builds_on.is_empty() {
                                            { format!(" · builds on: {}", l.builds_on.iter().map(|b| title_of(b)).collect::<Vec<_>>().join("; ")) }
                                        }
                                    </span>
                                </li>
                            }
                        }) }
                    </ol>
                </section>
            }) }
        </section>
    }
}
