//! The code pane: the pseudocode of one open call (the innermost, or the frame chosen in the
//! call stack) with the line it is executing highlighted, as `Walk::code_view` gives it; it sits
//! under the call stack, in the same panel. The
//! pane is a labelled region whose name contains "code", and the highlighted line carries
//! `aria-current`, so a screen reader follows it as well.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::store::CodeView;

/// Scroll the list `ol` (when it scrolls) so that its current line is in view, without moving
/// the page.
fn reveal_current(ol: &HtmlElement) {
    let Some(li) = ol
        .query_selector("li.current")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let (top, h, view) = (li.offset_top(), li.offset_height(), ol.client_height());
    let scroll = ol.scroll_top();
    if top < scroll || top + h > scroll + view {
        ol.set_scroll_top((top - view / 3).max(0));
    }
}

/// Properties of [`CodePane`].
#[derive(Properties, PartialEq)]
pub struct CodePaneProps {
    /// What to show; None between actions.
    pub view: Option<CodeView>,
    /// Show the innermost call again.
    pub on_innermost: Callback<()>,
}

/// The code pane.
#[component]
pub fn CodePane(props: &CodePaneProps) -> Html {
    let list = use_node_ref();
    {
        let list = list.clone();
        let key = props.view.as_ref().map(|v| (v.at, v.current));
        use_effect_with(key, move |_| {
            if let Some(ol) = list.cast::<HtmlElement>() {
                reveal_current(&ol);
            }
        });
    }
    let Some(v) = &props.view else {
        return html! {
            <section class="code-pane" aria-label="Pseudocode of the current call" data-testid="code-pane">
                <h3>{ "Pseudocode" }</h3>
                <p class="empty-note">{ "Between actions no kernel code runs." }</p>
            </section>
        };
    };
    let (depth, open) = v.depth;
    let label = format!("Pseudocode of {}", v.link.symbol);
    let inner = depth + 1 == open;
    let onclick = props.on_innermost.reform(|_: MouseEvent| ());
    html! {
        <section class="code-pane" aria-label={label} data-testid="code-pane"
            data-func={v.link.symbol}>
            <h3>
                <span title="In our own words, not the kernel's source: follow the links for that">{ "Pseudocode:" }</span>
                if let Some(url) = &v.link.ident_url {
                    <a href={url.clone()} target="_blank" rel="noopener noreferrer"
                        title={format!("{} in the Linux v3.3 source (new tab)", v.link.symbol)}>
                        <code>{ v.link.symbol }</code>
                    </a>
                } else {
                    <code>{ v.link.symbol }</code>
                }
            </h3>
            <p class="code-where">
                if let (Some(file), Some(url)) = (v.link.file, &v.link.file_url) {
                    <a href={url.clone()} target="_blank" rel="noopener noreferrer">{ file }</a>
                    { " · " }
                }
                { format!("call {} of {} open", depth + 1, open) }
                if !inner {
                    { " · " }
                    <button type="button" class="linkish" data-testid="code-innermost" {onclick}>
                        { "innermost call" }
                    </button>
                }
            </p>
            <ol class="code-lines" data-testid="code-lines" ref={list} tabindex="0"
                aria-label={format!("Lines of {}", v.link.symbol)}>
                { for v.lines.iter().enumerate().map(|(i, text)| {
                    let current = v.current == Some(i);
                    html! {
                        <li class={classes!(current.then_some("current"))}
                            aria-current={current.then_some("step")}>
                            { *text }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
