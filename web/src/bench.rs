//! Benchmark mode (`?bench=1`): a 262,144-page walkthrough built in memory from
//! [`crate::store::BENCH_SCENARIO`],
//! played at full speed while `requestAnimationFrame` timestamps measure each frame; the time from
//! navigation start to the first interactive render is taken when the page first renders.
//! The figures are printed as JSON in the page (e2e/app.test.mjs reads them).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::Callback;

use crate::store::Msg;

/// Frames to time while playing.
const FRAMES: usize = 240;

/// The animation-frame callback, kept alive while it re-registers itself.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Start the measurement: record the first render, press play, time `FRAMES` animation frames.
pub fn start(send: Callback<Msg>) {
    let first_render = now();
    send.emit(Msg::TogglePlay);
    let stamps = Rc::new(RefCell::new(Vec::<f64>::with_capacity(FRAMES + 1)));
    let slot: FrameSlot = Rc::new(RefCell::new(None));
    let slot2 = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |t: f64| {
        let n = {
            let mut s = stamps.borrow_mut();
            s.push(t);
            s.len()
        };
        if n > FRAMES {
            send.emit(Msg::BenchDone(report(first_render, &stamps.borrow())));
            slot2.borrow_mut().take();
            return;
        }
        request(&slot2);
    }));
    request(&slot);
}

fn request(slot: &FrameSlot) {
    if let (Some(w), Some(c)) = (web_sys::window(), slot.borrow().as_ref()) {
        let _ = w.request_animation_frame(c.as_ref().unchecked_ref());
    }
}

/// The figures as JSON: frame intervals (mean, median, p95, max) and the first render time.
fn report(first_render: f64, stamps: &[f64]) -> String {
    let mut d: Vec<f64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
    let mean = d.iter().sum::<f64>() / d.len().max(1) as f64;
    d.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        d.get(((d.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let r = |v: f64| (v * 100.0).round() / 100.0;
    format!(
        "{{\n  \"tt_pages\": 262144,\n  \"load_to_first_interactive_render_ms\": {},\n  \"frames\": {},\n  \"frame_ms_mean\": {},\n  \"frame_ms_p50\": {},\n  \"frame_ms_p95\": {},\n  \"frame_ms_max\": {},\n  \"fps_mean\": {}\n}}",
        r(first_render),
        d.len(),
        r(mean),
        r(q(0.5)),
        r(q(0.95)),
        r(q(1.0)),
        r(if mean > 0.0 { 1000.0 / mean } else { 0.0 })
    )
}
