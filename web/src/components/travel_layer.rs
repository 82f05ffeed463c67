//! The page-travel overlay: a `<canvas>` over the page on which the pages of a [`Travel`] fly
//! from their source to their destination (screen points found through the grids' and labels'
//! `data-anchor` attributes), eased and staggered.
//!
//! The overlay exposes `data-animating` ("true" while running) and `data-moves` (the pages whose
//! travel the last animation showed) for tests; it is `aria-hidden` and never re-renders the page.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Document, HtmlCanvasElement};
use yew::prelude::*;

use crate::travel::{Anchor, Travel};
use crate::view::CELL_LEGEND;

/// A point on the screen (client coordinates) and the cell size there.
#[derive(Clone, Copy, Debug)]
struct Pt {
    x: f64,
    y: f64,
    size: f64,
}

fn attr_f64(el: &web_sys::Element, name: &str) -> Option<f64> {
    el.get_attribute(name)?.parse().ok()
}

/// The screen point of an anchor, if it is on the page.
fn locate(doc: &Document, a: Anchor) -> Option<Pt> {
    let q = |sel: &str| doc.query_selector(sel).ok().flatten();
    let grid_cell = |name: String, idx: usize| -> Option<Pt> {
        let el = q(&format!("canvas[data-anchor=\"{name}\"]"))?;
        let r = el.get_bounding_client_rect();
        let size = attr_f64(&el, "data-size").unwrap_or(4.0).max(1.0);
        let cols = attr_f64(&el, "data-cols").unwrap_or(1.0).max(1.0) as usize;
        let cells = attr_f64(&el, "data-cells").unwrap_or(1.0).max(1.0) as usize;
        let i = idx % cells;
        Some(Pt {
            x: r.left() + (i % cols) as f64 * size + size / 2.0,
            y: r.top() + (i / cols) as f64 * size + size / 2.0,
            size,
        })
    };
    let spread = |name: &str, k: usize| -> Option<Pt> {
        let el = q(&format!("[data-anchor=\"{name}\"]"))?;
        let r = el.get_bounding_client_rect();
        // A deterministic scatter along the label, so a batch reads as a stream of pages.
        let f = ((k as f64) * 0.618_034).fract();
        Some(Pt {
            x: r.left() + 6.0 + f * (r.width() - 12.0).max(1.0),
            y: r.top() + r.height() / 2.0,
            size: 6.0,
        })
    };
    match a {
        Anchor::Tt(id, slot) => grid_cell(format!("tt-{id}"), slot as usize),
        Anchor::Pool(i, k) => {
            grid_cell(format!("pool-{i}"), k).or_else(|| spread(&format!("pool-{i}-row"), k))
        }
        Anchor::Dma(i, k) => {
            grid_cell(format!("dma-{i}"), k).or_else(|| spread(&format!("dma-{i}-row"), k))
        }
        Anchor::System(k) => spread("system", k),
        Anchor::Swap(k) => spread("swap", k),
        Anchor::Leaked(k) => spread("leaked", k),
    }
}

fn css_colours(doc: &Document) -> [String; 8] {
    let mut out: [String; 8] = Default::default();
    for c in out.iter_mut() {
        *c = "#888".into();
    }
    let style = doc
        .document_element()
        .and_then(|e| web_sys::window()?.get_computed_style(&e).ok().flatten());
    for (cell, var, _) in CELL_LEGEND {
        if let Some(v) = style
            .as_ref()
            .and_then(|s| s.get_property_value(var).ok())
            .filter(|v| !v.trim().is_empty())
        {
            out[cell as usize] = v.trim().to_string();
        }
    }
    out
}

/// A resolved sprite: start, end, size, colour, order.
type Path = (Pt, Pt, f64, usize, f64);

/// Sprites, labels and colours resolved to the screen.
type Resolved = (Vec<Path>, Vec<(Pt, Pt, String)>, [String; 8]);

fn ease(t: f64) -> f64 {
    if t < 0.5 {
        4.0 * t * t * t
    } else {
        1.0 - (-2.0 * t + 2.0).powi(3) / 2.0
    }
}

/// Properties of [`TravelLayer`].
#[derive(Properties, PartialEq)]
pub struct TravelProps {
    /// The animation to run (a new id starts it; None stops a running one).
    pub travel: Option<Rc<Travel>>,
}

/// The running animation.
struct Anim {
    el: HtmlCanvasElement,
    travel: Rc<Travel>,
    /// Resolved at the first frame, once every grid of the new position has been drawn.
    paths: Option<Resolved>,
    t0: Option<f64>,
}

/// The animation loop: one frame callback for the page's life (never dropped while a frame is
/// requested), the animation it draws, and whether a frame is requested.
#[derive(Default)]
struct Loop {
    anim: Option<Anim>,
    pending: bool,
    frame: Option<Closure<dyn FnMut(f64)>>,
}

type Shared = Rc<RefCell<Loop>>;

/// The overlay canvas.
#[component]
pub fn TravelLayer(props: &TravelProps) -> Html {
    let canvas = use_node_ref();
    let shared: Shared = use_mut_ref(Loop::default);
    {
        let canvas = canvas.clone();
        let travel = props.travel.clone();
        use_effect_with(travel.as_ref().map(|t| t.id), move |_| {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                match travel {
                    Some(t) => start(&shared, el, t),
                    None => {
                        shared.borrow_mut().anim = None;
                        finish(&el);
                    }
                }
            }
        });
    }
    html! {
        <canvas ref={canvas} class="travel" aria-hidden="true" data-testid="travel"
            data-animating="false" data-moves="0" />
    }
}

fn finish(el: &HtmlCanvasElement) {
    if let Some(ctx) = context(el) {
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, el.width() as f64, el.height() as f64);
    }
    let _ = el.set_attribute("data-animating", "false");
}

fn context(el: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    el.get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

fn request(l: &mut Loop) {
    if l.pending {
        return;
    }
    if let (Some(w), Some(c)) = (web_sys::window(), l.frame.as_ref()) {
        l.pending = w
            .request_animation_frame(c.as_ref().unchecked_ref())
            .is_ok();
    }
}

fn start(shared: &Shared, el: HtmlCanvasElement, travel: Rc<Travel>) {
    let _ = el.set_attribute("data-animating", "true");
    let _ = el.set_attribute("data-moves", &travel.pages.to_string());
    let _ = el.set_attribute("data-sprites", &travel.sprites.len().to_string());
    let mut l = shared.borrow_mut();
    l.anim = Some(Anim {
        el,
        travel,
        paths: None,
        t0: None,
    });
    if l.frame.is_none() {
        let s2 = shared.clone();
        l.frame = Some(Closure::new(move |now: f64| {
            let mut l = s2.borrow_mut();
            l.pending = false;
            let more = l.anim.as_mut().is_some_and(|a| frame(a, now));
            if more {
                request(&mut l);
            } else if let Some(a) = l.anim.take() {
                finish(&a.el);
            }
        }));
    }
    request(&mut l);
}

/// Draw one frame; false when the animation is over.
fn frame(a: &mut Anim, now: f64) -> bool {
    let Some(ctx) = context(&a.el) else {
        return false;
    };
    let Some(window) = web_sys::window() else {
        return false;
    };
    let dpr = window.device_pixel_ratio().clamp(1.0, 3.0);
    if a.paths.is_none() {
        let Some(doc) = window.document() else {
            return false;
        };
        let w = window
            .inner_width()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(800.0);
        let h = window
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(600.0);
        a.el.set_width((w * dpr) as u32);
        a.el.set_height((h * dpr) as u32);
        let ps: Vec<Path> = a
            .travel
            .sprites
            .iter()
            .filter_map(|s| {
                let a = locate(&doc, s.from)?;
                let b = locate(&doc, s.to)?;
                Some((a, b, b.size, s.colour as usize, s.order))
            })
            .collect();
        let ls: Vec<(Pt, Pt, String)> = a
            .travel
            .labels
            .iter()
            .filter_map(|(a, b, text)| Some((locate(&doc, *a)?, locate(&doc, *b)?, text.clone())))
            .collect();
        // Off-screen places: the pages come in from (or leave through) the nearest edge.
        let clamp = |p: Pt| Pt {
            x: p.x.clamp(8.0, (w - 8.0).max(8.0)),
            y: p.y.clamp(8.0, (h - 8.0).max(8.0)),
            size: p.size,
        };
        let ps = ps
            .into_iter()
            .map(|(a, b, size, c, o)| (clamp(a), clamp(b), size, c, o))
            .collect();
        let ls = ls
            .into_iter()
            .map(|(a, b, text)| (clamp(a), clamp(b), text))
            .collect();
        a.paths = Some((ps, ls, css_colours(&doc)));
        a.t0 = Some(now);
    }
    let el = &a.el;
    let (ps, ls, colours) = a.paths.as_ref().expect("resolved above");
    let t = (now - a.t0.unwrap_or(now)) / a.travel.duration.max(1.0);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, el.width() as f64, el.height() as f64);
    if t >= 1.0 {
        return false;
    }
    // Fade in and out at the ends.
    let alpha = (t * 8.0).min(1.0).min((1.0 - t) * 6.0).clamp(0.0, 1.0);
    // The pages: each leaves in its arrival order and flies on an arc to its cell.
    let window_share = 0.45;
    for (a, b, size, colour, order) in ps {
        let local = ((t - order * window_share) / (1.0 - window_share)).clamp(0.0, 1.0);
        let e = ease(local);
        let lift = (std::f64::consts::PI * e).sin() * (30.0 + (a.y - b.y).abs() * 0.15);
        let x = a.x + (b.x - a.x) * e;
        let y = a.y + (b.y - a.y) * e - lift;
        let s = size.clamp(4.0, 10.0) * if local > 0.0 && local < 1.0 { 1.3 } else { 1.0 };
        ctx.set_global_alpha(alpha);
        ctx.set_fill_style_str(&colours[(*colour).min(7)]);
        ctx.fill_rect(x - s / 2.0, y - s / 2.0, s, s);
        ctx.set_stroke_style_str("rgba(0, 0, 0, 0.55)");
        ctx.set_line_width(1.0);
        ctx.stroke_rect(x - s / 2.0, y - s / 2.0, s, s);
    }
    // The routes, on top: a dashed line from source to destination with its page count.
    ctx.set_global_alpha(alpha * 0.9);
    ctx.set_line_width(1.5);
    let _ = ctx.set_line_dash(&js_sys::Array::of2(&6.0.into(), &4.0.into()));
    ctx.set_font("600 12px system-ui, sans-serif");
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for (a, b, text) in ls {
        ctx.set_stroke_style_str("#7a8899");
        ctx.begin_path();
        ctx.move_to(a.x, a.y);
        ctx.quadratic_curve_to((a.x + b.x) / 2.0, a.y.min(b.y) - 40.0, b.x, b.y);
        ctx.stroke();
        let (mx, my) = ((a.x + b.x) / 2.0, (a.y.min(b.y) - 20.0).max(14.0));
        let wdt = ctx.measure_text(text).map_or(100.0, |m| m.width());
        // Keep the label on the screen.
        let vw = el.width() as f64 / dpr;
        let mx = mx.clamp(wdt / 2.0 + 8.0, (vw - wdt / 2.0 - 8.0).max(wdt / 2.0 + 8.0));
        // Labels of routes that start or end close together are stacked, not overlapped.
        let mut my = my;
        while placed.iter().any(|&(x0, y0, x1): &(f64, f64, f64)| {
            (my - y0).abs() < 22.0 && mx - wdt / 2.0 < x1 && x0 < mx + wdt / 2.0
        }) {
            my -= 24.0;
        }
        placed.push((mx - wdt / 2.0 - 6.0, my, mx + wdt / 2.0 + 6.0));
        ctx.set_fill_style_str("rgba(20, 24, 32, 0.85)");
        ctx.fill_rect(mx - wdt / 2.0 - 6.0, my - 11.0, wdt + 12.0, 20.0);
        ctx.set_fill_style_str("#ffffff");
        let _ = ctx.fill_text(text, mx - wdt / 2.0, my + 4.0);
    }
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.set_global_alpha(1.0);
    true
}
