//! The browser side of the store: the one place that performs [`Effect`]s (local storage, the
//! address bar, `<html data-theme>`, the play timer, postMessage to and from a host page, scroll,
//! the panic screen's memory) and turns browser events (keys, host commands, the reduced-motion
//! preference, dropped or chosen files) into [`Msg`]s. An embed also reports its content's height to
//! the host page, so the host can size the frame to it (docs/embedding.md).

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Interval;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::KeyboardEvent;
use yew::Callback;

use crate::store::{self, Effect, Env, KeyContext, Msg, Resume};
use crate::url;

const REDUCED_MOTION: &str = "(prefers-reduced-motion: reduce)";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn local_storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.local_storage().ok().flatten())
}

fn media(query: &str) -> Option<web_sys::MediaQueryList> {
    window().and_then(|w| w.match_media(query).ok().flatten())
}

/// The page's query string (`location.search`).
pub fn search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// What the store starts from: stored texts, the reduced-motion preference, the page's address.
pub fn env() -> Env {
    let stored = |k: &str| local_storage().and_then(|s| s.get_item(k).ok().flatten());
    let href = window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    Env {
        reduced_motion: media(REDUCED_MOTION).is_some_and(|m| m.matches()),
        theme: stored(store::THEME_KEY),
        editor: stored(store::EDITOR_KEY),
        draft: stored(store::DRAFT_KEY),
        answers: stored(store::ANSWERS_KEY),
        welcomed: stored(store::WELCOME_KEY).is_some(),
        base: href
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// The listeners and the timer that live as long as the page.
#[derive(Default)]
pub struct Runtime {
    /// The play timer ([`Effect::Timer`]).
    timer: Option<Interval>,
    /// The host page's commands ([`Effect::ListenToHost`]).
    host: Option<EventListener>,
    /// The frame's resizes, after which the embed reports its height again (embed mode).
    resize: Option<EventListener>,
    /// The content height last reported to the host page (0: none yet).
    height: Rc<Cell<u32>>,
    /// The keyboard and reduced-motion listeners: kept only to stay alive (dropping stops them).
    _listeners: Vec<EventListener>,
}

impl Runtime {
    /// Listen to the keyboard and to changes of the reduced-motion preference.
    pub fn start(send: &Callback<Msg>) -> Runtime {
        let keys = window().and_then(|w| w.document()).map(|doc| {
            let send = send.clone();
            EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |ev| {
                    let Some(e) = ev.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if let Some(msg) = key_msg(e) {
                        e.prevent_default();
                        send.emit(msg);
                    }
                },
            )
        });
        let motion = media(REDUCED_MOTION).map(|m| {
            let send = send.clone();
            let list = m.clone();
            EventListener::new(&m, "change", move |_| {
                send.emit(Msg::ReducedMotion(list.matches()))
            })
        });
        // Back and Forward between walkthroughs (Effect::PushUrl made the entries).
        let history = window().map(|w| {
            let send = send.clone();
            EventListener::new(&w, "popstate", move |_| send.emit(Msg::Navigate(search())))
        });
        Runtime {
            _listeners: keys.into_iter().chain(motion).chain(history).collect(),
            ..Runtime::default()
        }
    }

    /// Do what the store asked for.
    pub fn perform(&mut self, effect: Effect, send: &Callback<Msg>) {
        match effect {
            Effect::ReplaceUrl(q) => {
                if let Some(h) = window().and_then(|w| w.history().ok()) {
                    let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&q));
                }
            }
            Effect::PushUrl(q) => {
                if let Some(w) = window() {
                    // The course has no query: its address is the page's path alone.
                    let url = if q.is_empty() {
                        w.location().pathname().unwrap_or_else(|_| "./".into())
                    } else {
                        q
                    };
                    if let Ok(h) = w.history() {
                        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&url));
                    }
                }
            }
            Effect::SetTitle(title) => {
                if let Some(d) = window().and_then(|w| w.document()) {
                    d.set_title(&title);
                }
            }
            Effect::Store(key, value) => {
                if let Some(s) = local_storage() {
                    let _ = match value {
                        Some(v) => s.set_item(key, &v),
                        None => s.remove_item(key),
                    };
                }
            }
            Effect::SetTheme(theme) => {
                if let Some(root) = window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.document_element())
                {
                    let _ = root.set_attribute("data-theme", theme.name());
                }
            }
            Effect::Timer(every) => {
                let send = send.clone();
                self.timer = every.map(|ms| Interval::new(ms, move || send.emit(Msg::Tick)));
            }
            Effect::PostStep {
                step,
                of,
                action,
                position,
            } => {
                post_to_parent(&[
                    ("event", "step".into()),
                    ("step", (step as f64).into()),
                    ("of", (of as f64).into()),
                    ("action", action.into()),
                    ("position", position.into()),
                ]);
                report_height(&self.height);
            }
            Effect::PostAnswer { step, correct } => {
                post_to_parent(&[
                    ("event", "answer".into()),
                    ("step", (step as f64).into()),
                    ("correct", correct.into()),
                ]);
                report_height(&self.height);
            }
            Effect::ListenToHost => {
                let send = send.clone();
                self.host = window().map(|w| {
                    EventListener::new(&w, "message", move |ev| {
                        if let Some(msg) = ev
                            .dyn_ref::<web_sys::MessageEvent>()
                            .and_then(|m| host_command(&m.data()))
                        {
                            send.emit(msg);
                        }
                    })
                });
                let height = self.height.clone();
                self.resize = window()
                    .map(|w| EventListener::new(&w, "resize", move |_| report_height(&height)));
            }
            Effect::ScrollToExercise => {
                if let Some(card) = window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector("[data-testid=exercise]").ok().flatten())
                {
                    let opts = web_sys::ScrollIntoViewOptions::new();
                    opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
                    card.scroll_into_view_with_scroll_into_view_options(&opts);
                    // The keyboard goes into the question: its answer field or first choice.
                    if let Some(first) = card
                        .query_selector("input, .choices button")
                        .ok()
                        .flatten()
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = first.focus();
                    }
                }
            }
            Effect::ShowCompare => {
                if let Some(h) = window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("compare-h"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let opts = web_sys::ScrollIntoViewOptions::new();
                    opts.set_block(web_sys::ScrollLogicalPosition::Start);
                    h.scroll_into_view_with_scroll_into_view_options(&opts);
                    let _ = h.focus();
                }
            }
            Effect::Remember(r) => crate::panic::remember(last_good(r)),
            Effect::ArmPanicTrigger => {
                let send = send.clone();
                crate::panic::arm(move || send.emit(Msg::DebugPanic));
            }
            Effect::StartBench => crate::bench::start(send.clone()),
            Effect::AfterFirstPaint => after_first_paint(send.clone()),
            Effect::MarkFirstScreen => {
                if let Some(p) = window().and_then(|w| w.performance()) {
                    let _ = p.mark(store::FIRST_SCREEN_MARK);
                }
            }
        }
    }
}

/// Send [`Msg::Settled`] after the next paint: an animation-frame callback runs just before the
/// browser paints, and a zero timeout set there runs once that paint is done. (A page opened in
/// a background tab gets its frame, and so its lower panels, when it is shown.)
fn after_first_paint(send: Callback<Msg>) {
    let later = send.clone();
    let frame = wasm_bindgen::closure::Closure::once_into_js(move || {
        gloo_timers::callback::Timeout::new(0, move || later.emit(Msg::Settled)).forget();
    });
    let asked = window().is_some_and(|w| w.request_animation_frame(frame.unchecked_ref()).is_ok());
    if !asked {
        send.emit(Msg::Settled);
    }
}

/// The panic screen's link and words for a position.
fn last_good(r: Resume) -> crate::panic::LastGood {
    crate::panic::LastGood {
        href: match &r.query {
            Some(q) => format!("./{q}"),
            None => embed_here(r.pos),
        },
        place: r.place,
        embed: r.embed,
    }
}

/// This embed's own URL (range, theme, machine…) at position `pos`, without the test-only
/// `debug_panic` (a reload must not re-arm it).
fn embed_here(pos: u64) -> String {
    let search = search();
    match web_sys::UrlSearchParams::new_with_str(&search) {
        Ok(p) => {
            p.delete("debug_panic");
            p.set("step", &pos.to_string());
            format!("./?{}", String::from(p.to_string()))
        }
        Err(_) => format!("./{search}"),
    }
}

/// A key press as a message ([`store::key_msg`]).
fn key_msg(e: &KeyboardEvent) -> Option<Msg> {
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_uppercase())
        .unwrap_or_default();
    store::key_msg(
        &e.key(),
        KeyContext {
            command: e.ctrl_key() || e.meta_key() || e.alt_key(),
            shift: e.shift_key(),
            target: &tag,
        },
    )
}

/// A host page's message (`{type: "ttm-lab", version, command, step}`) as a message of the store;
/// None for anything else ([`store::host_message`]: a missing `version` means 1, one that is not a
/// number is no version this page speaks).
fn host_command(data: &JsValue) -> Option<Msg> {
    if !data.is_object() {
        return None;
    }
    let field = |k: &str| js_sys::Reflect::get(data, &JsValue::from_str(k)).ok();
    if field("type")?.as_string()? != "ttm-lab" {
        return None;
    }
    let version = field("version")
        .filter(|v| !v.is_undefined())
        .map(|v| v.as_f64().unwrap_or(f64::NAN));
    store::host_message(
        version,
        &field("command")?.as_string()?,
        field("step").and_then(|s| s.as_f64()),
    )
}

/// Post `{type: "ttm-lab", version, ...fields}` to the parent window (embed mode;
/// docs/embedding.md).
fn post_to_parent(fields: &[(&str, JsValue)]) {
    let Some(w) = window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &"ttm-lab".into());
    let _ = js_sys::Reflect::set(
        &msg,
        &"version".into(),
        &f64::from(store::PROTOCOL_VERSION).into(),
    );
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&msg, &(*k).into(), v);
    }
    let _ = parent.post_message(&msg, "*");
}

/// Post `{type: "ttm-lab", version, event: "height", height}` when the embed's content height
/// has changed since `last`: the height the embed's column takes when it is not held to the
/// frame's height (`.page.embed` fills the frame, `height: 100vh`; for a moment it is laid out at
/// `height: auto`, then given back to the stylesheet, in the same task, so nothing is painted in
/// between). It depends on the frame's width only, so sizing the frame to it settles at once.
fn report_height(last: &Cell<u32>) {
    let Some(page) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".page.embed").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let style = page.style();
    if style.set_property("height", "auto").is_err() {
        return;
    }
    let natural = page.get_bounding_client_rect().height().ceil();
    let _ = style.remove_property("height");
    if !(1.0..1.0e6).contains(&natural) {
        return;
    }
    let height = natural as u32;
    if height != last.get() {
        last.set(height);
        post_to_parent(&[("event", "height".into()), ("height", natural.into())]);
    }
}

/// Copy every `data-style` attribute to the element's `style.cssText` (CSSOM; allowed under a
/// strict style-src), after each render.
pub fn apply_data_styles() {
    let Some(doc) = window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(list) = doc.query_selector_all("[data-style]") else {
        return;
    };
    for i in 0..list.length() {
        let Some(el) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        let want = el.get_attribute("data-style").unwrap_or_default();
        if el.get_attribute("data-style-applied").as_deref() != Some(want.as_str()) {
            el.style().set_css_text(&want);
            let _ = el.set_attribute("data-style-applied", &want);
        }
    }
}

/// Read a dropped or chosen file and load it as a scenario (`Msg::LoadText`).
pub fn read_file(file: web_sys::File, send: Callback<Msg>) {
    let name = file.name();
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        let source = format!("The file {:?}", url::clip(&name));
        let text = text.ok().and_then(|t| t.as_string()).unwrap_or_default();
        send.emit(Msg::LoadText(source, text));
    });
}
