//! A grid of page cells drawn on one `<canvas>` (one pixel buffer, one `putImageData`), so a tt of
//! 262,144 pages costs the same DOM as a tt of 20. Colours come from the CSS custom properties of
//! the legend (`--cell-wc`, ...), so the grid follows the light and dark themes.
//!
//! Pointing at a cell, or focusing the grid and moving with the arrow keys, shows a tooltip with
//! the cell's slot, its colour in words and, when the grid has an `inspect` callback, the page's
//! details (pfn, zone, caching, contents, where it came from: `Walk::page_details`).

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
    /// The details of a page by pfn, as lines (the tooltip shows them under the slot).
    #[prop_or_default]
    pub inspect: Option<Callback<u64, Option<Vec<String>>>>,
}

/// The first line of a cell's tooltip: `slot 3: pfn 0x1f0, page, write-combined`.
fn cell_words(noun: &str, i: usize, cell: u8, pfn: Option<u64>) -> String {
    let what = CELL_LEGEND
        .iter()
        .find(|(k, _, _)| *k as u8 == cell)
        .map_or("", |(_, _, l)| *l);
    match pfn {
        Some(pfn) => format!("{noun} {i}: pfn {pfn:#x}, {what}"),
        None => format!("{noun} {i}: {what}"),
    }
}

/// The cell a key moves to from `i` in a grid of `n` cells, `cols` wide (None: not a move key).
fn key_move(key: &str, i: usize, n: usize, cols: usize) -> Option<usize> {
    let last = n.checked_sub(1)?;
    Some(match key {
        "ArrowRight" => (i + 1).min(last),
        "ArrowLeft" => i.saturating_sub(1),
        "ArrowDown" => (i + cols).min(last),
        "ArrowUp" => i.saturating_sub(cols),
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
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
    // The cell the tooltip is about (pointer or keyboard) and whether the keyboard chose it.
    let tip = use_state(|| None::<usize>);
    let n = props.cells.len();
    let pfn_at = |i: usize| {
        props
            .pfns
            .as_ref()
            .and_then(|p| p.get(i).copied().flatten())
    };
    let onmousemove = {
        let tip = tip.clone();
        let layout = layout.clone();
        Callback::from(move |e: MouseEvent| {
            let (size, cols) = *layout.borrow();
            let size = size.max(1);
            let (x, y) = (
                e.offset_x().max(0) as u32 / size,
                e.offset_y().max(0) as u32 / size,
            );
            let i = (y * cols + x) as usize;
            let at = (x < cols && i < n).then_some(i);
            if *tip != at {
                tip.set(at);
            }
        })
    };
    let onmouseleave = {
        let tip = tip.clone();
        Callback::from(move |_: MouseEvent| tip.set(None))
    };
    let onfocus = {
        let tip = tip.clone();
        Callback::from(move |_: FocusEvent| {
            if tip.is_none() && n > 0 {
                tip.set(Some(0));
            }
        })
    };
    let onblur = {
        let tip = tip.clone();
        Callback::from(move |_: FocusEvent| tip.set(None))
    };
    let onkeydown = {
        let tip = tip.clone();
        let layout = layout.clone();
        Callback::from(move |e: KeyboardEvent| {
            let cols = layout.borrow().1.max(1) as usize;
            if e.key() == "Escape" {
                tip.set(None);
                return;
            }
            if let Some(j) = key_move(&e.key(), tip.unwrap_or(0), n, cols) {
                // The arrows inspect cells here instead of stepping the walkthrough.
                e.prevent_default();
                e.stop_propagation();
                tip.set(Some(j));
            }
        })
    };
    let details = {
        let at = (*tip).filter(|&i| i < n);
        let pfn = at.and_then(pfn_at);
        let inspect = props.inspect.clone();
        use_memo((at, pfn, props.cells.clone()), move |(at, pfn, _)| {
            at.map(|_| {
                pfn.and_then(|p| inspect.as_ref().and_then(|f| f.emit(p)))
                    .unwrap_or_default()
            })
        })
    };
    let tip_html = match (*tip).filter(|&i| i < n) {
        Some(i) => {
            let (size, cols) = *layout.borrow();
            let (size, cols) = (size.max(1), cols.max(1));
            let (x, y) = (i as u32 % cols, i as u32 / cols);
            let style = format!("left: {}px; top: {}px", x * size, (y + 1) * size + 4);
            // With the page's details (which start with its pfn), the first line only names the cell.
            let first = match details.as_ref() {
                Some(d) if !d.is_empty() => cell_words(&props.noun, i, props.cells[i], None),
                _ => cell_words(&props.noun, i, props.cells[i], pfn_at(i)),
            };
            html! {
                <div class="cell-tip" role="tooltip" data-testid="cell-tip" data-style={style}
                    aria-live="polite">
                    <strong>{ first }</strong>
                    { for details.iter().flatten().map(|l| html! { <span>{ l.clone() }</span> }) }
                </div>
            }
        }
        None => Html::default(),
    };
    let label = format!(
        "{}. Focus and use the arrow keys to read each {}.",
        props.label, props.noun
    );
    html! {
        <div class="grid-wrap">
            <canvas ref={canvas} class="grid" role="img" aria-label={label} tabindex="0"
                {onmousemove} {onmouseleave} {onfocus} {onblur} {onkeydown}
                data-testid={props.testid.clone()} data-cells={props.cells.len().to_string()}
                data-anchor={(!props.anchor.is_empty()).then(|| props.anchor.clone())} />
            { tip_html }
        </div>
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
    fn arrow_keys_move_within_the_grid() {
        // 10 cells, 4 columns: 0 1 2 3 / 4 5 6 7 / 8 9
        assert_eq!(key_move("ArrowRight", 3, 10, 4), Some(4));
        assert_eq!(
            key_move("ArrowDown", 7, 10, 4),
            Some(9),
            "clamped to the last cell"
        );
        assert_eq!(key_move("ArrowUp", 2, 10, 4), Some(0));
        assert_eq!(key_move("ArrowLeft", 0, 10, 4), Some(0));
        assert_eq!(key_move("End", 0, 10, 4), Some(9));
        assert_eq!(key_move("a", 0, 10, 4), None);
        assert_eq!(key_move("Home", 0, 0, 4), None, "an empty grid has no cell");
    }

    #[test]
    fn a_cells_words_name_its_slot_pfn_and_colour() {
        assert_eq!(
            cell_words("slot", 3, 2, Some(0x1f0)),
            "slot 3: pfn 0x1f0, page, write-combined"
        );
        assert_eq!(cell_words("slot", 0, 0, None), "slot 0: no page (NULL)");
    }

    #[test]
    fn theme_colours_are_read_from_hex() {
        assert_eq!(parse_hex(" #2b8a3e"), Some([0x2b, 0x8a, 0x3e, 255]));
        assert_eq!(parse_hex("red"), None);
    }
}
