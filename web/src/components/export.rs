//! Export: the current step as PNG or SVG, a step range as an image sequence (a ZIP of
//! PNG or SVG frames with a `frames.json` index), and the run as JSON (what the command-line
//! runner prints with `--json --trace`).
//!
//! The pictures are [`crate::snapshot`] scenes in the page's current colours; a separate
//! [`Stepper`] walks the range, so exporting never moves the view. Which positions become frames
//! is the stepper's business (its zoom levels); this module only names and packs them.

use std::rc::Rc;

use ttm_core::narrate::narrate;
use ttm_core::present::machine_label;
use ttm_core::{Stepper, Zoom};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::snapshot::{self, Caption, Palette, Scene};
use crate::store::{Compare, Walk, ZOOMS};
use crate::view::group_digits;

/// At most this many frames in one image sequence.
pub const MAX_FRAMES: usize = 500;
/// Spans longer than this are described by their size (narrating them would stall the page).
const NARRATE_MAX: u64 = 200_000;

/// Picture file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// PNG (drawn on a canvas).
    Png,
    /// SVG (text).
    Svg,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// The words under the picture at the stepper's position: the step and call
/// ([`Walk::position_words`]; "in progress" inside a step), the machine, and what the step (or
/// the part of it done so far) did.
pub fn caption(walk: &Walk, s: &mut Stepper) -> Caption {
    let pos = s.pos();
    let mut step = walk.position_words(pos);
    let (span, say) = match walk.step_at(pos) {
        Some(i) => {
            let st = &walk.steps[i];
            let done = pos == st.end_event;
            if !done {
                step.push_str(" · in progress");
            }
            ((st.first_event, pos), walk.say(i).filter(|_| done))
        }
        None => ((0, pos), None),
    };
    let narration = match say {
        Some(text) => text,
        None if span.1 - span.0 > NARRATE_MAX => format!(
            "{} events: too many to summarise here.",
            group_digits(span.1 - span.0)
        ),
        None if span.0 == span.1 => String::new(),
        None => {
            let sim = s.sim().clone();
            s.seek(span.0);
            let text = narrate(&sim, s.state(), span.0, span.1);
            s.seek(pos);
            text
        }
    };
    Caption {
        title: walk.title.clone(),
        step,
        machine: machine_label(&walk.machine),
        narration,
    }
}

/// The page's colours (its CSS custom properties, so a dark page exports dark pictures).
fn palette() -> Palette {
    let style = web_sys::window().and_then(|w| {
        let root = w.document()?.document_element()?;
        w.get_computed_style(&root).ok().flatten()
    });
    match style {
        Some(style) => Palette::from_lookup(|name| style.get_property_value(name).ok()),
        None => Palette::light(),
    }
}

/// The scene at the stepper's position.
fn scene_at(walk: &Walk, s: &mut Stepper, palette: &Palette) -> Scene {
    let caption = caption(walk, s);
    snapshot::scene(s.state(), &caption, palette)
}

/// A PNG data URL of `scene` at `scale` device pixels per CSS pixel.
fn png_data_url(scene: &Scene, scale: f64) -> Result<String, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement = doc
        .create_element("canvas")
        .map_err(|_| "cannot create a canvas")?
        .dyn_into()
        .map_err(|_| "not a canvas")?;
    canvas.set_width((scene.width * scale).ceil() as u32);
    canvas.set_height((scene.height * scale).ceil() as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or("this browser gives no 2D canvas")?;
    let _ = ctx.scale(scale, scale);
    snapshot::paint(scene, &ctx);
    canvas
        .to_data_url_with_type("image/png")
        .map_err(|_| "the canvas cannot be read back".to_string())
}

/// The bytes of a base64 data URL.
fn data_url_bytes(url: &str) -> Result<Vec<u8>, String> {
    let b64 = url
        .split_once(',')
        .map(|(_, b)| b)
        .ok_or("not a data URL")?;
    let bin = web_sys::window()
        .ok_or("no window")?
        .atob(b64)
        .map_err(|_| "bad base64 from the canvas")?;
    Ok(bin.chars().map(|c| c as u8).collect())
}

/// Offer `href` as a download named `name` (a temporary `<a download>`).
fn download(name: &str, href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    a.set_href(href);
    a.set_download(name);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    }
}

/// Offer bytes (or text) of type `mime` as a download named `name`.
fn download_blob(name: &str, mime: &str, data: &js_sys::Uint8Array) {
    let parts = js_sys::Array::of1(data);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
        return;
    };
    if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
        download(name, &url);
        let _ = web_sys::Url::revoke_object_url(&url);
    }
}

/// Download the picture of the current position.
pub fn export_step(walk: &Walk, format: Format) -> Result<(), String> {
    let mut s = Stepper::over(walk.recording.clone());
    let pos = walk.stepper.borrow().pos();
    s.seek(pos);
    let scene = scene_at(walk, &mut s, &palette());
    let name = format!("ttm-lab-{}-event-{pos}.{}", walk.name, format.ext());
    match format {
        Format::Png => download(&name, &png_data_url(&scene, 2.0)?),
        Format::Svg => download_blob(
            &name,
            "image/svg+xml",
            &js_sys::Uint8Array::from(scene.to_svg().as_bytes()),
        ),
    }
    Ok(())
}

/// The positions of an image sequence over steps `first..=last` (0-based): the position before
/// step `first`, then every stop of the stepper at `zoom` up to the end of step `last`.
pub fn frame_positions(
    walk: &Walk,
    first: usize,
    last: usize,
    zoom: Zoom,
) -> Result<Vec<u64>, String> {
    let (Some(a), Some(b)) = (walk.steps.get(first), walk.steps.get(last)) else {
        return Err("Choose steps of this walkthrough.".into());
    };
    if first > last {
        return Err("The first step comes after the last one.".into());
    }
    let mut s = Stepper::over(walk.recording.clone());
    s.seek(a.first_event);
    let mut out = vec![s.pos()];
    while s.pos() < b.end_event {
        s.forward(zoom);
        out.push(s.pos().min(b.end_event));
        if out.len() > MAX_FRAMES {
            return Err(format!(
                "Steps {}–{} make more than {MAX_FRAMES} frames at this step size; choose fewer steps or step by action.",
                first + 1,
                last + 1
            ));
        }
    }
    out.dedup();
    Ok(out)
}

/// Frames drawn between two yields to the browser (so the page repaints the progress).
const FRAMES_PER_TICK: usize = 8;

/// Let the browser run (repaint, handle input) before going on: a `setTimeout(0)` promise.
async fn next_tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Download steps `first..=last` as a ZIP of frames (PNG at 960 px wide, or SVG), with
/// `frames.json` naming each frame's event and caption; `progress(done, total)` is told every few
/// frames while the page stays responsive. Returns the number of frames.
pub async fn export_sequence(
    walk: Rc<Walk>,
    first: usize,
    last: usize,
    zoom: Zoom,
    format: Format,
    progress: impl Fn(usize, usize),
) -> Result<usize, String> {
    let walk = &*walk;
    let positions = frame_positions(walk, first, last, zoom)?;
    let palette = palette();
    let mut s = Stepper::over(walk.recording.clone());
    let mut files = Vec::with_capacity(positions.len() + 1);
    let mut index = Vec::with_capacity(positions.len());
    for (k, &pos) in positions.iter().enumerate() {
        if k % FRAMES_PER_TICK == 0 {
            progress(k, positions.len());
            next_tick().await;
        }
        s.seek(pos);
        let caption = caption(walk, &mut s);
        let scene = snapshot::scene(s.state(), &caption, &palette);
        let file = format!("{}-{:04}.{}", walk.name, k + 1, format.ext());
        let bytes = match format {
            Format::Png => data_url_bytes(&png_data_url(&scene, 1.0)?)?,
            Format::Svg => scene.to_svg().into_bytes(),
        };
        index.push(serde_json::json!({
            "file": file,
            "event": pos,
            "step": caption.step,
        }));
        files.push((file, bytes));
    }
    let meta = serde_json::json!({
        "walkthrough": walk.name,
        "title": walk.title,
        "machine": machine_label(s.sim().config()),
        "frames": index,
    });
    files.push((
        "frames.json".to_string(),
        serde_json::to_vec_pretty(&meta).unwrap_or_default(),
    ));
    let zip = crate::zip::store(&files);
    download_blob(
        &format!(
            "ttm-lab-{}-steps-{}-{}-{}.zip",
            walk.name,
            first + 1,
            last + 1,
            format.ext()
        ),
        "application/zip",
        &js_sys::Uint8Array::from(zip.as_slice()),
    );
    Ok(positions.len())
}

/// Download the run as JSON: the report `ttm-lab run FILE --json --trace` prints (state summary,
/// step records, mismatches, and every trace event), from the same `ttm_core::scenario::report`.
pub fn export_json(w: &Walk) {
    let sim = w.stepper.borrow().sim().clone();
    let v = ttm_core::scenario::report(&w.scenario, &sim, &w.steps, &w.mismatches, None, true);
    let Ok(text) = serde_json::to_string_pretty(&v) else {
        return;
    };
    download_blob(
        &format!("ttm-lab-{}-run.json", w.name),
        "application/json",
        &js_sys::Uint8Array::from(text.as_bytes()),
    );
}

/// The notes under a comparison's picture of step `i`: each difference (A → B) and, across
/// kernels, the rule behind it.
pub fn compare_notes(c: &Compare, i: usize) -> Vec<String> {
    match c.then_now.as_ref().and_then(|t| t.rows.get(i)) {
        Some(r) if r.divergences.is_empty() => vec!["Both kernels agree after this step.".into()],
        Some(r) => r
            .divergences
            .iter()
            .map(|d| {
                format!(
                    "{}: 3.3 {} · 6.12 {}. Why: {}.",
                    d.what, d.then, d.now, d.why
                )
            })
            .collect(),
        None => match c.rows.get(i) {
            Some(r) if r.differences.is_empty() => {
                vec!["Both machines agree after this step.".into()]
            }
            Some(r) => r.differences.clone(),
            None => Vec::new(),
        },
    }
}

/// Download the comparison's step `i` as one picture, machine A beside machine B at the end of
/// the step (their own cursors are not moved), with the differences under both.
pub fn export_compare_step(
    walk: &Walk,
    c: &Compare,
    i: usize,
    format: Format,
) -> Result<(), String> {
    let row = c.rows.get(i).ok_or("no such step")?;
    let palette = palette();
    let side = |name: &str, s: &crate::store::Side, end: u64| {
        let mut cur = Stepper::over(s.stepper.borrow().recording().clone());
        cur.seek(end);
        let caption = Caption {
            title: format!("{name}: {}", s.label),
            step: format!("after step {} of {}: {}", i + 1, c.rows.len(), row.label),
            machine: s.label.clone(),
            narration: String::new(),
        };
        snapshot::scene(cur.state(), &caption, &palette)
    };
    let (a, b) = (
        side("A", &c.a, row.events_a.1),
        side("B", &c.b, row.events_b.1),
    );
    let title = if c.then_now.is_some() {
        format!("{}: then (Linux 3.3) and now (Linux 6.12)", walk.title)
    } else {
        format!("{}: machine A and machine B", walk.title)
    };
    let scene = Scene::beside(&title, &a, &b, &compare_notes(c, i), &palette);
    let name = format!(
        "ttm-lab-{}-compare-step-{}.{}",
        walk.name,
        i + 1,
        format.ext()
    );
    match format {
        Format::Png => download(&name, &png_data_url(&scene, 1.5)?),
        Format::Svg => download_blob(
            &name,
            "image/svg+xml",
            &js_sys::Uint8Array::from(scene.to_svg().as_bytes()),
        ),
    }
    Ok(())
}

/// Download the comparison as JSON: both machines and every step's row (across kernels, the
/// then-and-now facts and divergences of `ttm_core::compare::then_and_now_of`, as `ttm-lab diff`
/// prints them).
pub fn export_compare_json(walk: &Walk, c: &Compare) {
    let v = serde_json::json!({
        "walkthrough": walk.name,
        "title": walk.title,
        "a": c.a.label,
        "b": c.b.label,
        "first_divergence": c.first_divergence,
        "rows": c.rows,
        "then_and_now": c.then_now,
    });
    let Ok(text) = serde_json::to_string_pretty(&v) else {
        return;
    };
    download_blob(
        &format!("ttm-lab-{}-compare.json", walk.name),
        "application/json",
        &js_sys::Uint8Array::from(text.as_bytes()),
    );
}

/// Properties of [`ExportPanel`].
#[derive(Properties, Clone)]
pub struct ExportProps {
    /// The open walkthrough.
    pub walk: Rc<Walk>,
}

impl PartialEq for ExportProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.walk, &other.walk)
    }
}

/// The export panel: this step as PNG or SVG, a range of steps as an image sequence, the trace.
#[component]
pub fn ExportPanel(props: &ExportProps) -> Html {
    let walk = props.walk.clone();
    let n = walk.steps.len();
    let first = use_state(|| 0usize);
    let last = use_state(|| n.saturating_sub(1));
    let zoom = use_state(|| Zoom::Action);
    let format = use_state(|| Format::Png);
    let status = use_state(|| None::<Result<String, String>>);
    let frames = frame_positions(&walk, *first, *last, *zoom);
    let frames_text = match &frames {
        Ok(f) => format!("{} frames", f.len()),
        Err(e) => e.clone(),
    };
    let step_button = |f: Format, label: &'static str, testid: &'static str| {
        let walk = walk.clone();
        let status = status.clone();
        html! {
            <button type="button" data-testid={testid}
                title={format!("Download the picture of this position as {label}")}
                onclick={Callback::from(move |_: MouseEvent| {
                    status.set(export_step(&walk, f).err().map(Err));
                })}>{ label }</button>
        }
    };
    let pick = |state: UseStateHandle<usize>| {
        Callback::from(move |e: Event| {
            if let Some(v) = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<usize>().ok())
            {
                state.set(v);
            }
        })
    };
    let step_options = |selected: usize| {
        html! {
            { for walk.steps.iter().enumerate().map(|(i, st)| html! {
                <option value={i.to_string()} selected={i == selected}>
                    { format!("{}. {}", i + 1, st.label) }
                </option>
            }) }
        }
    };
    let on_zoom = {
        let zoom = zoom.clone();
        Callback::from(move |e: Event| {
            if let Some(z) = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| crate::url::zoom_from(&s.value()))
            {
                zoom.set(z);
            }
        })
    };
    let on_format = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                format.set(if s.value() == "svg" {
                    Format::Svg
                } else {
                    Format::Png
                });
            }
        })
    };
    let busy = use_state(|| false);
    let on_sequence = {
        let walk = walk.clone();
        let status = status.clone();
        let busy = busy.clone();
        let (first, last, zoom, format) = (*first, *last, *zoom, *format);
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (walk, status, busy) = (walk.clone(), status.clone(), busy.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let shown = status.clone();
                let progress = move |done: usize, total: usize| {
                    shown.set(Some(Ok(format!("Drawing frame {} of {total}…", done + 1))));
                };
                let result = export_sequence(walk, first, last, zoom, format, progress).await;
                status.set(Some(result.map(|k| {
                    format!("Downloaded {k} frames and frames.json in one ZIP.")
                })));
                busy.set(false);
            });
        })
    };
    html! {
        <section class="panel export" aria-labelledby="export-h" data-testid="export-panel">
            <h2 id="export-h">{ "Export" }</h2>
            <div class="row">
                <span>{ "This position: " }</span>
                { step_button(Format::Png, "PNG", "export-png") }
                { step_button(Format::Svg, "SVG", "export-svg") }
                <span class="hint">{ " · the whole trace: " }</span>
                <button type="button" data-testid="export-json" title="Download the run as JSON: the state, the steps and every trace event (ttm-lab run --json --trace)"
                    onclick={{ let walk = walk.clone(); Callback::from(move |_: MouseEvent| export_json(&walk)) }}>
                    { "Run + trace JSON" }</button>
            </div>
            if n > 0 {
                <fieldset class="sequence">
                    <legend>{ "Image sequence" }</legend>
                    <label>{ "From " }
                        <select data-testid="frames-from" onchange={pick(first.clone())}>{ step_options(*first) }</select>
                    </label>
                    <label>{ " to " }
                        <select data-testid="frames-to" onchange={pick(last.clone())}>{ step_options(*last) }</select>
                    </label>
                    <label>{ " one frame per " }
                        <select data-testid="frames-zoom" onchange={on_zoom}>
                            { for ZOOMS.iter().map(|&z| html! {
                                <option value={crate::url::zoom_name(z)} selected={z == *zoom}>
                                    { crate::url::zoom_name(z) }
                                </option>
                            }) }
                        </select>
                    </label>
                    <label>{ " as " }
                        <select data-testid="frames-format" onchange={on_format}>
                            <option value="png" selected={*format == Format::Png}>{ "PNG" }</option>
                            <option value="svg" selected={*format == Format::Svg}>{ "SVG" }</option>
                        </select>
                    </label>
                    <button type="button" data-testid="export-frames" disabled={frames.is_err() || *busy}
                        onclick={on_sequence}>{ "Download ZIP" }</button>
                    <p class="hint" data-testid="frames-count">{ frames_text }</p>
                </fieldset>
            }
            if let Some(r) = &*status {
                <p class={classes!(if r.is_ok() { "hint" } else { "error" })} role="status"
                    data-testid="export-status">
                    { match r { Ok(m) => m.clone(), Err(e) => format!("Export failed: {e}") } }
                </p>
            }
        </section>
    }
}
