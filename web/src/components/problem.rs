//! Seeded random problems: a seed and a difficulty open a fresh exercise scenario
//! (`ttm_core::exercise::random_problem`), and "Links for a class" lists one link per student.

use yew::prelude::*;

use crate::components::copy::CopyButton;
use crate::components::exercise::text_input;

/// Properties of [`ProblemForm`].
#[derive(Properties, PartialEq, Clone)]
pub struct ProblemProps {
    /// The open problem's seed and difficulty, if a problem is open.
    pub current: Option<(u64, u8)>,
    /// The page's address without its query: the links start with it.
    pub base: AttrValue,
    /// Open the problem of a seed and difficulty.
    pub on_open: Callback<(u64, u8)>,
}

/// Difficulty names.
const LEVELS: [(u8, &str); 3] = [
    (1, "1: pool arithmetic"),
    (2, "2: plus pool limit and shrinker"),
    (3, "3: buffer objects competing for VRAM"),
];

/// Largest class the link list is made for.
const MAX_CLASS: u64 = 500;

/// Seeded random problems: a seed and a difficulty open a fresh scenario whose steps all ask;
/// "Links for a class" lists one link per student (consecutive seeds).
#[component]
pub fn ProblemForm(props: &ProblemProps) -> Html {
    let (seed0, level0) = props.current.unwrap_or((1, 1));
    let seed = use_state(|| seed0.to_string());
    let level = use_state(|| level0);
    let class = use_state(|| "30".to_string());
    let links = use_state(|| None::<String>);
    let parsed = seed.trim().parse::<u64>();
    let class_n = class
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_CLASS).contains(n));
    let onsubmit = {
        let on_open = props.on_open.clone();
        let seed = seed.clone();
        let level = level.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(s) = seed.trim().parse::<u64>() {
                on_open.emit((s, *level));
            }
        })
    };
    let on_level = {
        let level = level.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u8>().ok())
            {
                level.set(v);
            }
        })
    };
    let on_random = {
        let seed = seed.clone();
        Callback::from(move |_: MouseEvent| {
            // A fresh seed below 10^9: short enough to read out in class.
            seed.set(((js_sys::Math::random() * 1e9) as u64).to_string());
        })
    };
    let on_links = {
        let links = links.clone();
        let level = *level;
        let start = parsed.clone().ok();
        let base = props.base.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some(start), Some(n)) = (start, class_n) else {
                return;
            };
            links.set(Some(class_links(&base, start, level, n)));
        })
    };
    html! {
        <details class="panel problem" data-testid="problem-form" open={props.current.is_some()}>
            <summary>{ "Random problem: a fresh exercise from a seed, one link per student" }</summary>
            <form class="row" {onsubmit}>
                <label for="problem-seed">{ "Seed " }</label>
                <input id="problem-seed" type="text" inputmode="numeric" size="12" data-testid="problem-seed"
                    value={(*seed).clone()} oninput={text_input(seed.clone())}
                    aria-invalid={parsed.is_err().to_string()} />
                <button type="button" data-testid="problem-random" onclick={on_random}
                    title="Pick a random seed">{ "Random seed" }</button>
                <label for="problem-level">{ " Difficulty " }</label>
                <select id="problem-level" data-testid="problem-level" onchange={on_level}>
                    { for LEVELS.iter().map(|&(v, name)| html! {
                        <option value={v.to_string()} selected={v == *level}>{ name }</option>
                    }) }
                </select>
                <button type="submit" class="primary" data-testid="problem-open" disabled={parsed.is_err()}>
                    { "Open problem" }</button>
            </form>
            if parsed.is_err() {
                <p class="error" data-testid="problem-error">
                    { format!("The seed is a whole number from 0 to {}.", u64::MAX) }</p>
            }
            <div class="row">
                <label for="problem-class">{ "Links for a class of " }</label>
                <input id="problem-class" type="text" inputmode="numeric" size="4" data-testid="problem-class"
                    value={(*class).clone()} oninput={text_input(class.clone())}
                    aria-invalid={class_n.is_none().to_string()} />
                <span>{ " students (seeds from the one above) " }</span>
                <button type="button" data-testid="problem-links-make" onclick={on_links}
                    disabled={parsed.is_err() || class_n.is_none()}>{ "Make links" }</button>
            </div>
            if class_n.is_none() {
                <p class="error">{ format!("A class is 1 to {MAX_CLASS} students.") }</p>
            }
            if let Some(text) = &*links {
                <textarea readonly=true rows="6" data-testid="problem-links" aria-label="One link per student"
                    value={text.clone()} />
                <CopyButton text={AttrValue::from(text.clone())} testid="problem-links-copy" what="the class links" />
            }
        </details>
    }
}

/// One line per student: `Student k: <link to problem start+k-1>`.
pub fn class_links(base: &str, start: u64, difficulty: u8, n: u64) -> String {
    (0..n)
        .map_while(|k| start.checked_add(k).map(|s| (k, s)))
        .map(|(k, s)| {
            format!(
                "Student {}: {base}?problem={s}&difficulty={difficulty}",
                k + 1
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_links_use_consecutive_seeds_and_stop_at_the_largest() {
        let t = class_links("https://x/", 17, 2, 3);
        assert_eq!(
            t,
            "Student 1: https://x/?problem=17&difficulty=2\n\
             Student 2: https://x/?problem=18&difficulty=2\n\
             Student 3: https://x/?problem=19&difficulty=2"
        );
        // Seeds past u64::MAX are not made up: the list is shorter.
        assert_eq!(class_links("b", u64::MAX - 1, 1, 5).lines().count(), 2);
    }
}
