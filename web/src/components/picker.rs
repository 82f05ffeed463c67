//! The walkthrough picker: the built-in walkthroughs (`ttm_core::catalog`) by title, and Open.

use ttm_core::catalog;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Properties of [`Picker`].
#[derive(Properties, PartialEq)]
pub struct PickerProps {
    /// The open walkthrough's name, if any.
    pub current: Option<AttrValue>,
    /// Open a built-in walkthrough by name.
    pub on_load: Callback<String>,
}

/// The walkthrough picker: a select of the catalog (titles shown) and an Open button.
#[component]
pub fn Picker(props: &PickerProps) -> Html {
    let select = use_node_ref();
    // Titles are read once (loading a scenario also dry-runs it).
    let entries = use_memo((), |_| {
        catalog::names()
            .map(|n| {
                let title = catalog::load(n)
                    .and_then(|r| r.ok())
                    .map_or_else(|| n.to_string(), |s| s.title);
                (n, title)
            })
            .collect::<Vec<(&'static str, String)>>()
    });
    {
        // The select shows the open walkthrough (or the first one when none is open or the open
        // one is not built in).
        let select = select.clone();
        let first = entries.first().map(|(n, _)| n.to_string());
        let names: Vec<&'static str> = entries.iter().map(|(n, _)| *n).collect();
        use_effect_with(props.current.clone(), move |current| {
            if let Some(s) = select.cast::<HtmlSelectElement>() {
                // A file, an edited scenario or a random problem is not in the list.
                let builtin = current.as_deref().filter(|c| names.contains(c));
                if let Some(v) = builtin.map(str::to_string).or(first) {
                    s.set_value(&v);
                }
            }
        });
    }
    let on_submit = {
        let select = select.clone();
        let on_load = props.on_load.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(s) = select.cast::<HtmlSelectElement>() {
                on_load.emit(s.value());
            }
        })
    };
    html! {
        <form class="picker" onsubmit={on_submit} data-testid="picker">
            <label for="walkthrough">{ "Walkthrough" }</label>
            <select id="walkthrough" ref={select} data-testid="walkthrough-select">
                { for entries.iter().map(|(n, t)| html! {
                    <option value={*n}>
                        { format!("{t} ({n})") }
                    </option>
                }) }
            </select>
            <button type="submit" class="primary" data-testid="open">{ "Open" }</button>
            <span class="hint">{ format!("{} built-in walkthrough{}", entries.len(), if entries.len() == 1 { "" } else { "s" }) }</span>
        </form>
    }
}
