//! What a panic leaves on the page. A panic aborts (wasm32 does not unwind): the module traps, Yew
//! stops and the page no longer answers input. [`install`] sets a panic hook that logs the panic
//! (message, location, JS stack) to the console and covers the page with a message built from plain
//! DOM calls, so it works with Yew dead: what happened, the last position that rendered, and a link
//! that reloads the app there. The app calls [`remember`] after each render with that position
//! (`app::App`); the editor's text is already in localStorage, so the reload keeps it.
//!
//! For testing this screen only, `?debug_panic=I-know-this-kills-the-page` ([`DEBUG_PANIC_TOKEN`])
//! defines `window.__ttmLabPanic()` ([`arm`]), which makes the app's reducer panic. Any other value
//! of `debug_panic` is ignored, and nothing in the page's UI sets it (docs/embedding.md).

use std::cell::RefCell;
use std::panic::PanicHookInfo;
use std::sync::atomic::{AtomicBool, Ordering};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use crate::url::DEBUG_PANIC_TOKEN;

/// Longest panic message shown on the page (the console has all of it).
const MESSAGE_MAX: usize = 300;

/// The last position that rendered: what the panic screen names and its link reloads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastGood {
    /// The position's address, relative to the page (`./?walkthrough=…&step=…&zoom=…`).
    pub href: String,
    /// The position in words (`walkthrough “pool-refill”, event 12 of 2097 (populate tt 0)`).
    pub place: String,
    /// Shown in an embed: a small frame without the editor (so no edits to speak of).
    pub embed: bool,
}

thread_local! {
    static LAST_GOOD: RefCell<Option<LastGood>> = const { RefCell::new(None) };
}

/// Set by the first panic: a later one (a timer or key of the dead app) keeps the first screen.
static SHOWN: AtomicBool = AtomicBool::new(false);

/// Set the panic hook (before Yew renders). Through Yew: its renderer replaces a hook set with
/// `std::panic::set_hook` by its own console-only one, but keeps one set this way.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(on_panic));
}

/// Record the position that has just rendered; a panic from now on offers to reload it.
pub fn remember(good: LastGood) {
    LAST_GOOD.with(|g| {
        if let Ok(mut g) = g.try_borrow_mut() {
            *g = Some(good);
        }
    });
}

/// Define `window.__ttmLabPanic()` calling `trigger` (only with [`DEBUG_PANIC_TOKEN`] in the URL).
pub fn arm(trigger: impl Fn() + 'static) {
    if let Some(w) = web_sys::window() {
        let f = Closure::<dyn Fn()>::new(trigger).into_js_value();
        let _ = js_sys::Reflect::set(&w, &"__ttmLabPanic".into(), &f);
    }
}

/// The words and link of the panic screen.
#[derive(Debug, PartialEq, Eq)]
pub struct Texts {
    /// The panic's message (clipped to 300 characters).
    pub message: String,
    /// Where it panicked (`file:line:column`).
    pub location: String,
    /// The last good position, or what the link does when no walkthrough had been shown.
    pub position: String,
    /// The note that the editor's text survives (not in an embed, which has no editor).
    pub edits: Option<&'static str>,
    /// The link's address.
    pub href: String,
    /// The link's text.
    pub link: &'static str,
    /// Laid out for a small frame.
    pub embed: bool,
}

impl Texts {
    /// The screen for a panic with `message` at `location`, after `good` rendered last (None: no
    /// walkthrough had been shown).
    pub fn new(message: &str, location: String, good: Option<LastGood>) -> Texts {
        let mut clipped: String = message.chars().take(MESSAGE_MAX).collect();
        if message.chars().count() > MESSAGE_MAX {
            clipped.push('…');
        }
        let edits = "Your edits are kept: the scenario editor's text is saved in this browser \
                     and is back in the editor after the reload.";
        match good {
            Some(g) => Texts {
                message: clipped,
                location,
                position: format!("Last good position: {}.", g.place),
                edits: (!g.embed).then_some(edits),
                href: g.href,
                link: "Reload at the last good position",
                embed: g.embed,
            },
            None => Texts {
                message: clipped,
                location,
                position: "No walkthrough was open; the link opens the start page.".into(),
                edits: Some(edits),
                href: "./".into(),
                link: "Reload TTM Lab",
                embed: false,
            },
        }
    }
}

fn on_panic(info: &PanicHookInfo) {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    // `Location` displays as `file:line:column`.
    let location = info
        .location()
        .map_or_else(|| "an unknown place".to_string(), ToString::to_string);
    let stack = js_sys::Reflect::get(&js_sys::Error::new(""), &"stack".into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    web_sys::console::error_1(&format!("TTM Lab {info}\n\nStack:\n{stack}").into());
    if SHOWN.swap(true, Ordering::Relaxed) {
        return;
    }
    let good = LAST_GOOD
        .try_with(|g| g.try_borrow().ok().and_then(|g| g.clone()))
        .ok()
        .flatten();
    show(&Texts::new(message, location, good));
}

/// Hide the app and put the panic screen over the page. Every DOM call is
/// fallible and a failure only leaves that part out: a panic here would abort before anything shows.
fn show(t: &Texts) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let body = doc.body()?;
    if let Some(app) = doc.get_element_by_id("app") {
        let _ = app.set_attribute("hidden", "");
        let _ = app.set_attribute("inert", "");
    }
    let node = |tag: &str, class: &str, text: &str| {
        let el = doc.create_element(tag).ok()?;
        if !class.is_empty() {
            el.set_class_name(class);
        }
        if !text.is_empty() {
            el.set_text_content(Some(text));
        }
        Some(el)
    };
    let screen = node(
        "div",
        if t.embed {
            "panic-screen panic-embed"
        } else {
            "panic-screen"
        },
        "",
    )?;
    let _ = screen.set_attribute("role", "alert");
    let _ = screen.set_attribute("data-testid", "panic");
    let bx = node("div", "panic-box", "")?;
    let _ = screen.append_child(&bx);
    let add = |el: Option<web_sys::Element>, testid: &str| {
        if let Some(el) = el {
            if !testid.is_empty() {
                let _ = el.set_attribute("data-testid", testid);
            }
            let _ = bx.append_child(&el);
        }
    };
    add(node("h1", "", "TTM Lab has stopped"), "");
    add(
        node(
            "p",
            "",
            "A bug in TTM Lab (a Rust panic) stopped the app: this page no longer responds.",
        ),
        "",
    );
    if let Some(what) = node("p", "panic-what", "What happened: ") {
        for (i, part) in [&t.message, &t.location].into_iter().enumerate() {
            if i == 1 {
                let _ = what.append_child(&doc.create_text_node(" at "));
            }
            if let Some(code) = node("code", "", part) {
                let _ = what.append_child(&code);
            }
        }
        add(Some(what), "panic-message");
    }
    add(node("p", "", &t.position), "panic-position");
    if let Some(edits) = t.edits {
        add(node("p", "", edits), "panic-edits");
    }
    let link = node("a", "panic-reload", t.link)?;
    let _ = link.set_attribute("href", &t.href);
    let _ = link.set_attribute("data-testid", "panic-reload");
    if let Some(p) = node("p", "panic-actions", "") {
        let _ = p.append_child(&link);
        add(Some(p), "");
    }
    add(
        node(
            "p",
            "hint",
            "The browser console has the details for a bug report.",
        ),
        "",
    );
    body.append_child(&screen).ok()?;
    // The full app moves the keyboard to the link; an embed must not take the focus (or the
    // scroll position) from its host page, so there it is the frame's first stop for Tab.
    if !t.embed {
        link.dyn_ref::<web_sys::HtmlElement>()?.focus().ok()?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good(embed: bool) -> LastGood {
        LastGood {
            href: "./?walkthrough=pool-refill&step=12&zoom=call".into(),
            place: "walkthrough “pool-refill”, event 12 of 2097 (populate tt 0)".into(),
            embed,
        }
    }

    #[test]
    fn names_the_last_good_position_and_links_to_it() {
        let t = Texts::new("boom", "web/src/app.rs:1:2".into(), Some(good(false)));
        assert_eq!(
            t.position,
            "Last good position: walkthrough “pool-refill”, event 12 of 2097 (populate tt 0)."
        );
        assert_eq!(t.href, "./?walkthrough=pool-refill&step=12&zoom=call");
        assert_eq!(t.link, "Reload at the last good position");
        assert!(t.edits.unwrap().starts_with("Your edits are kept"));
        assert_eq!((t.message.as_str(), t.embed), ("boom", false));
    }

    #[test]
    fn an_embed_has_no_editor_note() {
        let t = Texts::new("boom", String::new(), Some(good(true)));
        assert_eq!((t.edits, t.embed), (None, true));
    }

    #[test]
    fn without_a_walkthrough_the_link_opens_the_start_page() {
        let t = Texts::new("boom", String::new(), None);
        assert_eq!((t.href.as_str(), t.link), ("./", "Reload TTM Lab"));
        assert!(t.position.starts_with("No walkthrough was open"));
    }

    #[test]
    fn long_messages_are_clipped() {
        let t = Texts::new(&"é".repeat(400), String::new(), None);
        assert_eq!(t.message.chars().count(), MESSAGE_MAX + 1);
        assert!(t.message.ends_with('…'));
    }
}
