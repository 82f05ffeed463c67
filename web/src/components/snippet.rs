//! The "Embed this walkthrough" panel: the `<iframe>` code for the current step's range.

use yew::prelude::*;

use crate::components::copy::CopyButton;

/// Properties of [`Snippet`].
#[derive(Properties, PartialEq)]
pub struct SnippetProps {
    /// The HTML to copy ([`crate::store::Lab::snippet`]).
    pub code: AttrValue,
}

/// The snippet panel.
#[component]
pub fn Snippet(props: &SnippetProps) -> Html {
    let code = props.code.clone();
    html! {
        <section class="panel snippet" aria-labelledby="snippet-h">
            <h2 id="snippet-h">{ "Embed this walkthrough" }</h2>
            <label for="embed-snippet">{ "Copy this into your page (the current step's range):" }</label>
            <textarea id="embed-snippet" readonly=true rows="4" data-testid="embed-snippet"
                onfocus={Callback::from(|e: FocusEvent| {
                    if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() { t.select(); }
                })}
                value={code.clone()} />
            <CopyButton text={code} testid="embed-copy" what="the embed snippet" />
        </section>
    }
}
