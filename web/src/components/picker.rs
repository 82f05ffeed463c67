//! The walkthrough picker: the built-in walkthroughs in the course's order
//! (`ttm_core::catalog::course`: read, not run), grouped by track, lesson 1 first and chosen
//! when nothing is open, and Open.

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
    // The files are read once per page; nothing runs until one is opened.
    let tracks = use_memo((), |_| catalog::tracks());
    let entries: Vec<&catalog::Entry> = tracks
        .iter()
        .flat_map(|t| t.lessons.iter().map(|(_, _, e)| e))
        .collect();
    {
        // The select shows the open walkthrough (or the first one when none is open or the open
        // one is not built in).
        let select = select.clone();
        let first = entries.first().map(|e| e.name.to_string());
        let names: Vec<&'static str> = entries.iter().map(|e| e.name).collect();
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
                { for tracks.iter().map(|t| html! {
                    <optgroup label={t.name}>
                        { for t.lessons.iter().map(|(n, l, e)| html! {
                            <option value={e.name} title={e.goal.clone()}>
                                { format!("{n}. {} ({})", e.title, l.level.label()) }
                            </option>
                        }) }
                    </optgroup>
                }) }
            </select>
            <button type="submit" class="primary" data-testid="open">{ "Open" }</button>
            <span class="hint">{ format!("{} built-in walkthrough{}", entries.len(), if entries.len() == 1 { "" } else { "s" }) }</span>
        </form>
    }
}
