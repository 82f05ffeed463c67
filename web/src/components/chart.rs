//! The trace chart: pool sizes and zone usage over the whole run (the recording's
//! `ttm_core::series` samples, taken in its one pass over the trace), drawn with plotters on a
//! `<canvas>` over the trace's events, with a cursor at the current position (named by step and
//! call, as the controls name it). Clicking the chart asks to seek there; the figures are also given as text next to it.

use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use ttm_core::series::Sample;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::store::Walk;
use crate::view::{group_digits, human_bytes};

/// Series colours (pools wc, uc, wc dma, uc dma, DMA free; then zones), readable on both themes.
const COLOURS: [(u8, u8, u8); 7] = [
    (0x3b, 0x82, 0xf6),
    (0xf5, 0x9e, 0x0b),
    (0x10, 0xb9, 0x81),
    (0xa8, 0x55, 0xf7),
    (0xec, 0x48, 0x99),
    (0x06, 0xb6, 0xd4),
    (0x84, 0xcc, 0x16),
];
/// Drawn height of the chart in CSS pixels.
const HEIGHT: u32 = 240;
/// Names of the four normal pools, in `Sample::pools` order.
pub const POOL_NAMES: [&str; 4] = ["wc", "uc", "wc dma", "uc dma"];

/// Properties of [`TraceChart`].
#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// The open run: its recording's samples and its zones' names (`Sample::zones_used` order).
    pub walk: Rc<Walk>,
    /// Current position.
    pub pos: u64,
    /// Trace length.
    pub len: u64,
    /// Redraw key for theme changes.
    #[prop_or_default]
    pub theme: AttrValue,
    /// Seek request (a trace position).
    pub on_seek: Callback<u64>,
    /// Draw nothing after this position (an exercise waits there: the lines must not give its
    /// answer away).
    #[prop_or_default]
    pub hide_after: Option<u64>,
    /// "Show the whole trace" while part of it is hidden (turns the exercises off).
    #[prop_or_default]
    pub on_unhide: Callback<()>,
}

fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

/// The canvas's CSS text colour (follows the theme).
fn text_colour(el: &HtmlCanvasElement) -> RGBColor {
    let css = web_sys::window()
        .and_then(|w| w.get_computed_style(el).ok().flatten())
        .and_then(|s| s.get_property_value("color").ok())
        .unwrap_or_default();
    let nums: Vec<u8> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .filter_map(|p| p.trim().parse::<f64>().ok())
        .map(|v| v.clamp(0.0, 255.0) as u8)
        .collect();
    match nums.as_slice() {
        [r, g, b, ..] => RGBColor(*r, *g, *b),
        _ => RGBColor(0x55, 0x5f, 0x6d),
    }
}

/// Draw both panels; returns the x pixel range of the plotting area (for clicks).
fn draw(el: &HtmlCanvasElement, s: &[Sample], len: u64) -> Option<(i32, i32)> {
    let width = (el.client_width().max(240)) as u32;
    el.set_width(width);
    el.set_height(HEIGHT);
    let fg = text_colour(el);
    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    let (top, bottom) = root.split_vertically(HEIGHT / 2 - 6);
    let xmax = len.max(1);
    let label_style = ("sans-serif", 11).into_font().color(&fg);

    let pmax = s
        .iter()
        .flat_map(|x| x.pools.iter().copied().chain([x.dma_free]))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut c1 = ChartBuilder::on(&top)
        .margin_top(6)
        .margin_right(12)
        .x_label_area_size(0)
        .y_label_area_size(64)
        .build_cartesian_2d(0..xmax, 0..pmax + pmax / 10 + 1)
        .ok()?;
    c1.configure_mesh()
        .disable_mesh()
        .y_labels(4)
        .y_desc("pool pages")
        .y_label_formatter(&|y| group_digits(*y))
        .label_style(label_style.clone())
        .axis_style(fg)
        .draw()
        .ok()?;
    // wc last, so it is drawn on top of the (often empty) others.
    for (i, &colour) in COLOURS.iter().take(5).enumerate().rev() {
        let c = rgb(colour);
        let pts = s
            .iter()
            .map(|x| (x.pos, if i < 4 { x.pools[i] } else { x.dma_free }));
        c1.draw_series(LineSeries::new(pts, c.stroke_width(2)))
            .ok()?;
    }
    let range = c1.plotting_area().get_pixel_range().0;

    let zones = s.first().map_or(0, |x| x.zones_used.len());
    let zmax_bytes = s
        .iter()
        .flat_map(|x| x.zones_used.iter().copied())
        .max()
        .unwrap_or(0);
    // KiB for small runs, MiB from 4 MiB up.
    let (unit, unit_name) = if zmax_bytes < 4 << 20 {
        (1u64 << 10, "used KiB")
    } else {
        (1u64 << 20, "used MiB")
    };
    let zmax = (zmax_bytes as f64 / unit as f64).max(1.0);
    let mut c2 = ChartBuilder::on(&bottom)
        .margin_top(6)
        .margin_right(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(0..xmax, 0.0..zmax * 1.1)
        .ok()?;
    c2.configure_mesh()
        .disable_mesh()
        .y_labels(4)
        .x_labels(6)
        .y_desc(unit_name)
        .x_desc("trace position (events)")
        .x_label_formatter(&|x| group_digits(*x))
        .label_style(label_style)
        .axis_style(fg)
        .draw()
        .ok()?;
    for z in 0..zones {
        let c = rgb(COLOURS[5 + z % 2]);
        let pts = s.iter().map(|x| {
            (
                x.pos,
                x.zones_used.get(z).copied().unwrap_or(0) as f64 / unit as f64,
            )
        });
        c2.draw_series(LineSeries::new(pts, c.stroke_width(2)))
            .ok()?;
    }
    root.present().ok()?;
    Some((range.start, range.end))
}

/// "min–max" of a series as text.
fn span(v: impl Iterator<Item = u64>, fmt: fn(u64) -> String) -> String {
    let (lo, hi) = v.fold((u64::MAX, 0), |(lo, hi), x| (lo.min(x), hi.max(x)));
    if lo == u64::MAX {
        "no data".into()
    } else if lo == hi {
        format!("always {}", fmt(lo))
    } else {
        format!("{} to {}", fmt(lo), fmt(hi))
    }
}

/// The chart with its legend and text summary.
#[component]
pub fn TraceChart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let resized = crate::components::cell_grid::use_resize_count();
    // The samples drawn and summarised: all of them, or those up to `hide_after`.
    let shown = use_memo((props.walk.clone(), props.hide_after), |(walk, hide)| {
        let series = walk.recording.series();
        match hide {
            Some(p) => series
                .iter()
                .filter(|x| x.pos <= *p)
                .cloned()
                .collect::<Vec<_>>(),
            None => series.to_vec(),
        }
    });
    // The plot is drawn once per series, size and theme; the cursor is a line element over it,
    // so moving the position (60 times a second while playing) redraws nothing.
    let area = use_state(|| (0i32, 1i32));
    {
        let canvas = canvas.clone();
        let area = area.clone();
        use_effect_with(
            (shown.clone(), props.len, props.theme.clone(), resized),
            move |(series, len, _, _)| {
                if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                    if let Some(r) = draw(&el, series, *len) {
                        area.set(r);
                    }
                }
            },
        );
    }
    let (x0, x1) = *area;
    let cursor_left =
        x0 as f64 + (x1 - x0).max(0) as f64 * props.pos as f64 / props.len.max(1) as f64;
    let onclick = {
        let on_seek = props.on_seek.clone();
        let len = props.len;
        let area = area.clone();
        Callback::from(move |e: MouseEvent| {
            let (x0, x1) = *area;
            let x = e.offset_x().clamp(x0, x1);
            let frac = (x - x0) as f64 / (x1 - x0).max(1) as f64;
            on_seek.emit((frac * len as f64).round() as u64);
        })
    };
    let s = &*shown;
    let pages = |v: u64| format!("{} pages", group_digits(v));
    let mut summary: Vec<(usize, String)> = (0..4)
        .map(|i| {
            (
                i,
                format!(
                    "{} pool: {}",
                    POOL_NAMES[i],
                    span(s.iter().map(|x| x.pools[i]), pages)
                ),
            )
        })
        .collect();
    summary.push((
        4,
        format!(
            "DMA pools free: {}",
            span(s.iter().map(|x| x.dma_free), pages)
        ),
    ));
    for (z, name) in props.walk.zone_names.iter().enumerate() {
        summary.push((
            5 + z % 2,
            format!(
                "{name} zone used_mem: {}",
                span(
                    s.iter().map(|x| x.zones_used.get(z).copied().unwrap_or(0)),
                    human_bytes
                )
            ),
        ));
    }
    let label = format!(
        "Chart of pool sizes and zone usage over the whole trace ({} events), cursor at {}. Click to jump there. {}.",
        group_digits(props.len),
        props.walk.position_words(props.pos),
        summary
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    html! {
        <section class="panel chart-panel" aria-labelledby="chart-h" data-testid="chart-panel">
            <h2 id="chart-h">{ "Over the whole trace" }</h2>
            if props.hide_after.is_some() {
                <p class="hint" data-testid="chart-hidden">
                    { "The rest of the trace is hidden until you answer the next question. " }
                    <button type="button" class="link" data-testid="chart-unhide"
                        onclick={{ let cb = props.on_unhide.clone(); Callback::from(move |_: MouseEvent| cb.emit(())) }}>
                        { "Show the whole trace (exercises off)" }</button>
                </p>
            }
            <div class="chart-box">
                <canvas ref={canvas} class="trace-chart" role="img" aria-label={label}
                    data-testid="chart" data-samples={s.len().to_string()} {onclick}
                    title="Click to jump to this position" height={HEIGHT.to_string()} />
                <span class="chart-cursor" aria-hidden="true" data-testid="chart-cursor"
                    data-style={format!("left: {cursor_left:.1}px")} />
            </div>
            <ul class="chart-summary" data-testid="chart-summary" aria-label="Minimum and maximum of each line">
                { for summary.iter().map(|(c, t)| {
                    let (r, g, b) = COLOURS[*c];
                    html! { <li><span class="swatch" data-style={format!("background: rgb({r}, {g}, {b})")} />{ t }</li> }
                }) }
                <li><span class="swatch cursor" />{ format!("current position: {}", props.walk.position_words(props.pos)) }</li>
            </ul>
        </section>
    }
}
