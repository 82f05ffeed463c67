//! A grid of page cells drawn on one `<canvas>` (one pixel buffer, one `putImageData`), so a tt of
//! 262,144 pages costs the same DOM as a tt of 20. Colours come from the CSS custom properties of
//! the legend (`--cell-wc`, ...), so the grid follows the light and dark themes.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

use crate::view::{geometry, CELL_LEGEND};

/// Properties of [`CellGrid`].
#[derive(Properties, PartialEq)]
pub struct GridProps {
    /// One byte per cell (`view::Cell` as u8).
    pub cells: Rc<Vec<u8>>,
    /// Accessible description of the picture.
    pub label: AttrValue,
    /// Largest cell size in CSS pixels (gap included).
    #[prop_or(16)]
    pub max_cell: u32,
    /// Redraw key for theme changes.
    #[prop_or_default]
    pub theme: AttrValue,
    /// data-testid.
    #[prop_or_default]
    pub testid: AttrValue,
    /// The page frame number in each cell (for the hover text), if any.
    #[prop_or_default]
    pub pfns: Option<Rc<Vec<Option<u64>>>>,
    /// What a cell is called in the hover text ("slot", "position").
    #[prop_or(AttrValue::Static("slot"))]
    pub noun: AttrValue,
    /// Anchor name for the travel overlay (`tt-0`, `pool-2`, `dma-1`).
    #[prop_or_default]
    pub anchor: AttrValue,
    /// Tallest drawing in CSS pixels (cells shrink, down to one pixel per page, to fit).
    #[prop_or(crate::view::GRID_MAX_HEIGHT)]
    pub max_height: u32,
}

/// A counter that changes whenever the window is resized: canvases put it in their effect
/// dependencies to redraw at the new size.
#[hook]
pub fn use_resize_count() -> u32 {
    let resized = use_state(|| 0u32);
    {
        let resized = resized.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "resize", move |_| resized.set(resized.wrapping_add(1)))
            });
            move || drop(listener)
        });
    }
    *resized
}

/// The canvas grid.
#[component]
pub fn CellGrid(props: &GridProps) -> Html {
    let canvas = use_node_ref();
    let resized = use_resize_count();
    // (cell size, columns) of the last drawing, for the hover text.
    let layout = use_mut_ref(|| (1u32, 1u32));
    {
        let canvas = canvas.clone();
        let layout = layout.clone();
        use_effect_with(
            (
                props.cells.clone(),
                props.max_cell,
                props.theme.clone(),
                resized,
                props.max_height,
            ),
            move |(cells, max_cell, _, _, max_height)| {
                if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                    *layout.borrow_mut() = draw(&el, cells, *max_cell, *max_height);
                }
            },
        );
    }
    let onmousemove = {
        let cells = props.cells.clone();
        let pfns = props.pfns.clone();
        let noun = props.noun.clone();
        Callback::from(move |e: MouseEvent| {
            let (size, cols) = *layout.borrow();
            let size = size.max(1);
            let (x, y) = (
                e.offset_x().max(0) as u32 / size,
                e.offset_y().max(0) as u32 / size,
            );
            let i = (y * cols + x) as usize;
            let text = match cells.get(i) {
                Some(&c) if x < cols => {
                    let what = CELL_LEGEND
                        .iter()
                        .find(|(k, _, _)| *k as u8 == c)
                        .map_or("", |(_, _, l)| *l);
                    match pfns.as_ref().and_then(|p| p.get(i).copied().flatten()) {
                        Some(pfn) => format!("{noun} {i}: pfn {pfn:#x}, {what}"),
                        None => format!("{noun} {i}: {what}"),
                    }
                }
                _ => String::new(),
            };
            if let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.set_attribute("title", &text);
            }
        })
    };
    html! {
        <canvas ref={canvas} class="grid" role="img" aria-label={props.label.clone()} {onmousemove}
            data-testid={props.testid.clone()} data-cells={props.cells.len().to_string()}
            data-anchor={(!props.anchor.is_empty()).then(|| props.anchor.clone())} />
    }
}

fn parse_hex(s: &str) -> Option<[u8; 4]> {
    let s = s.trim().strip_prefix('#')?;
    if s.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(s, 16).ok()?;
    Some([(v >> 16) as u8, (v >> 8) as u8, v as u8, 255])
}

/// Draw the cells; returns the (cell size, columns) used.
fn draw(el: &HtmlCanvasElement, cells: &[u8], max_cell: u32, max_height: u32) -> (u32, u32) {
    let Some(window) = web_sys::window() else {
        return (1, 1);
    };
    let width = el
        .parent_element()
        .map_or(300, |p| p.client_width().max(8) as u32);
    let (size, cols) = geometry(cells.len(), width, max_cell, max_height);
    let rows = (cells.len() as u32).div_ceil(cols).max(1);
    let scale = window.device_pixel_ratio().round().clamp(1.0, 3.0) as u32;
    let gap = if size >= 5 {
        2
    } else if size >= 3 {
        1
    } else {
        0
    };
    let w = cols * size * scale;
    let h = rows * size * scale;
    el.set_width(w);
    el.set_height(h);
    let _ = el
        .style()
        .set_property("width", &format!("{}px", cols * size));
    let _ = el
        .style()
        .set_property("height", &format!("{}px", rows * size));
    // The layout, for the travel overlay (crate::components::travel_layer) to find a cell on the screen.
    let _ = el.set_attribute("data-size", &size.to_string());
    let _ = el.set_attribute("data-cols", &cols.to_string());

    let style = window.get_computed_style(el).ok().flatten();
    let mut colours = [[128u8, 128, 128, 255]; 8];
    // Indexed by the cell byte (CELL_LEGEND's order).
    for (cell, var, _) in CELL_LEGEND {
        if let Some(c) = style
            .as_ref()
            .and_then(|s| s.get_property_value(var).ok())
            .and_then(|v| parse_hex(&v))
        {
            colours[cell as usize] = c;
        }
    }

    let mut buf = vec![0u8; (w * h * 4) as usize];
    let inner = (size - gap) * scale;
    for (i, &c) in cells.iter().enumerate() {
        let (cx, cy) = (i as u32 % cols, i as u32 / cols);
        let colour = colours[(c as usize).min(7)];
        let (x0, y0) = (cx * size * scale, cy * size * scale);
        for y in y0..y0 + inner {
            let row = (y * w) as usize * 4;
            for x in x0..x0 + inner {
                let p = row + x as usize * 4;
                buf[p..p + 4].copy_from_slice(&colour);
            }
        }
    }
    let Some(ctx) = el
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return (size, cols);
    };
    if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&buf), w, h) {
        let _ = ctx.put_image_data(&img, 0.0, 0.0);
    }
    (size, cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_colours_are_read_from_hex() {
        assert_eq!(parse_hex(" #2b8a3e"), Some([0x2b, 0x8a, 0x3e, 255]));
        assert_eq!(parse_hex("red"), None);
    }
}
