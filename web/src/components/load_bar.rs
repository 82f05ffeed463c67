//! Loading scenarios: a "Load file" button, drag and drop (handled on the page), and a small editor
//! of the current scenario's JSON whose text is kept in localStorage. Parsing and running are
//! `ttm_core::Scenario::from_json` and `Scenario::run`; a broken file or edit only shows its error.
//! What the user types is also kept as a draft under its own key: opening a walkthrough or a file
//! fills the editor with that scenario, and "Restore my draft" brings the typing back.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::store::Msg;

/// Properties of [`LoadBar`].
#[derive(Properties, PartialEq)]
pub struct LoadBarProps {
    /// The editor's text.
    pub editor: AttrValue,
    /// The user's kept draft, if any.
    pub draft: Option<AttrValue>,
    /// Why the last load failed.
    pub error: Option<AttrValue>,
    /// A file was chosen (the shell reads it).
    pub on_file: Callback<web_sys::File>,
    /// Editor intents: typing, running, restoring or discarding the draft.
    pub send: Callback<Msg>,
}

/// The load bar: file button, editor (collapsed), and the last load error.
#[component]
pub fn LoadBar(props: &LoadBarProps) -> Html {
    let onchange = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                on_file.emit(f);
            }
            // Choosing the same file again loads it again.
            input.set_value("");
        })
    };
    let oninput = {
        let send = props.send.clone();
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            send.emit(Msg::EditorInput(t.value()));
        })
    };
    let say = |m: Msg| props.send.reform(move |_: MouseEvent| m.clone());
    let run = say(Msg::RunEditor);
    html! {
        <section class="panel load-bar" aria-label="Load a scenario" data-testid="load-bar">
            <div class="row">
                <label class="file-button" data-testid="load-file-label">
                    { "Load file…" }
                    <input type="file" accept=".json,application/json" data-testid="load-file"
                        aria-label="Load a scenario file (JSON)" {onchange} />
                </label>
                <span class="hint">{ "or drop a scenario .json file anywhere on the page (format: docs/scenarios.md)" }</span>
            </div>
            if let Some(d) = props.draft.as_ref().filter(|d| **d != props.editor) {
                <div class="draft-note" role="status" data-testid="draft-note">
                    <span>{ format!(
                        "Your own draft ({} line{}) is kept in this browser; the editor shows the scenario opened since.",
                        d.lines().count(),
                        if d.lines().count() == 1 { "" } else { "s" }
                    ) }</span>
                    <button type="button" class="small" data-testid="restore-draft"
                        onclick={say(Msg::RestoreDraft)}>
                        { "Restore my draft" }
                    </button>
                    <button type="button" class="small" data-testid="discard-draft"
                        onclick={say(Msg::DiscardDraft)}>
                        { "Discard it" }
                    </button>
                </div>
            }
            if let Some(e) = &props.error {
                <p class="error load-error" role="alert" data-testid="load-error">{ e }</p>
            }
            <details class="editor">
                <summary>{ "Scenario editor (JSON, kept in this browser)" }</summary>
                <label for="scenario-editor" class="sr-only">{ "Scenario JSON" }</label>
                <textarea id="scenario-editor" data-testid="editor" spellcheck="false" rows="14"
                    value={props.editor.clone()} {oninput} />
                <div class="row">
                    <button type="button" class="primary" data-testid="run-editor" onclick={run}>
                        { "Run this scenario" }
                    </button>
                    <span class="hint">{ "Your text is saved as you type; a broken edit shows its line and column and keeps the last good run." }</span>
                </div>
            </details>
        </section>
    }
}
