//! A "Copy" button for a text the page shows (the embed snippet, the class links).

use yew::prelude::*;

/// Properties of [`CopyButton`].
#[derive(Properties, PartialEq, Clone)]
pub struct CopyProps {
    /// The text to copy.
    pub text: AttrValue,
    /// `data-testid` of the button.
    pub testid: AttrValue,
    /// What is copied, for the button's accessible name ("the embed snippet").
    pub what: AttrValue,
}

/// A "Copy" button: puts `text` on the clipboard and says whether that worked.
#[component]
pub fn CopyButton(props: &CopyProps) -> Html {
    let said = use_state(|| None::<&'static str>);
    let onclick = {
        let text = props.text.to_string();
        let said = said.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(w) = web_sys::window() else { return };
            let promise = w.navigator().clipboard().write_text(&text);
            let said = said.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                said.set(Some(if ok {
                    "Copied."
                } else {
                    "The browser refused the clipboard: select the text and press Ctrl+C."
                }));
            });
        })
    };
    html! {
        <>
            <button type="button" data-testid={props.testid.clone()} {onclick}
                aria-label={format!("Copy {}", props.what)}>{ "Copy" }</button>
            if let Some(m) = *said {
                <span class="hint" role="status" data-testid={format!("{}-status", props.testid)}>{ format!(" {m}") }</span>
            }
        </>
    }
}
