//! The export picture: the machine at one position of a walkthrough as a flat list of drawing
//! primitives ([`Scene`]), with two backends: [`Scene::to_svg`] (a standalone SVG document) and
//! [`paint`] (a 2D canvas, from which the page makes PNGs). Image sequences are one scene per
//! position, packed with [`crate::zip::store`].
//!
//! The scene shows, top to bottom at a fixed width of [`WIDTH`] px: the caption (title, step,
//! machine), each tt's page array as a grid of cells, the page pools (sizes and page strips), the
//! DMA pools, the accounting zones as bars, the live buffer objects, the narration and the colour
//! legend. Like [`crate::view`], it only selects and formats: every number comes from the
//! `ttm_core::State` or the [`Caption`] unchanged. Cell colours and cell order are those of the
//! page ([`view::CELL_LEGEND`], [`view::tts`], [`view::pool_cells`]); horizontal runs of one colour
//! are merged into one rectangle, so a 262,144-page tt costs a few hundred shapes, not 262,144.

use ttm_core::State;
use web_sys::CanvasRenderingContext2d;

use crate::view::{self, geometry, group_digits, CELL_LEGEND};

/// Width of every scene in CSS pixels.
pub const WIDTH: f64 = 960.0;
/// Left and right margin.
const MARGIN: f64 = 24.0;
/// Drawable width between the margins.
const INNER: f64 = WIDTH - 2.0 * MARGIN;
/// Font stack of the SVG and the canvas.
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
/// Grids with more cells than this are drawn without gaps between cells (runs merge).
const GAP_CELLS: usize = 4096;

/// Horizontal alignment of a [`Shape::Text`] relative to its `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is the left end.
    Start,
    /// `x` is the centre.
    Middle,
    /// `x` is the right end.
    End,
}

/// One drawing primitive. Colours are CSS colour strings (`#2b8a3e`); coordinates are CSS pixels
/// from the top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A filled rectangle.
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
        /// Fill colour.
        fill: String,
    },
    /// One line of text; `y` is the alphabetic baseline.
    Text {
        /// Anchor point, horizontally (see `anchor`).
        x: f64,
        /// Baseline.
        y: f64,
        /// Font size in pixels.
        size: f64,
        /// Bold weight.
        bold: bool,
        /// Colour.
        fill: String,
        /// Alignment to `x`.
        anchor: Anchor,
        /// The text (plain, not escaped).
        text: String,
    },
    /// A straight stroked line.
    Line {
        /// Start, x.
        x1: f64,
        /// Start, y.
        y1: f64,
        /// End, x.
        x2: f64,
        /// End, y.
        y2: f64,
        /// Stroke width.
        width: f64,
        /// Stroke colour.
        stroke: String,
    },
}

impl Shape {
    /// The shape moved right by `dx` and down by `dy`.
    fn moved(&self, dx: f64, dy: f64) -> Shape {
        let mut s = self.clone();
        match &mut s {
            Shape::Rect { x, y, .. } | Shape::Text { x, y, .. } => (*x, *y) = (*x + dx, *y + dy),
            Shape::Line { x1, y1, x2, y2, .. } => {
                (*x1, *y1, *x2, *y2) = (*x1 + dx, *y1 + dy, *x2 + dx, *y2 + dy)
            }
        }
        s
    }
}

/// A picture: a background colour and shapes drawn in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Width in CSS pixels.
    pub width: f64,
    /// Height in CSS pixels (grows with the content).
    pub height: f64,
    /// Background colour.
    pub background: String,
    /// Document title (the SVG `<title>`).
    pub title: String,
    /// The shapes, back to front.
    pub shapes: Vec<Shape>,
}

/// The colours of the stage, by the CSS custom properties of static/styles.css.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Palette {
    /// `--bg`.
    pub background: String,
    /// `--text`.
    pub text: String,
    /// `--muted`: secondary text.
    pub muted: String,
    /// The cell colours in [`view::CELL_LEGEND`] order (absent, cached, wc, uc, bound, swapped).
    pub cells: [String; 6],
    /// `--bar-bg`: the empty part of a zone bar.
    pub bar_bg: String,
    /// `--bar-fill`: the used part of a zone bar.
    pub bar_fill: String,
    /// `--mark-swap`: the swap_limit tick.
    pub mark_swap: String,
    /// `--mark-max`: the max_mem tick.
    pub mark_max: String,
    /// `--mark-emer`: the emer_mem tick.
    pub mark_emer: String,
}

/// CSS variable names of the non-cell colours, in field order.
const VARS: [&str; 8] = [
    "--bg",
    "--text",
    "--muted",
    "--bar-bg",
    "--bar-fill",
    "--mark-swap",
    "--mark-max",
    "--mark-emer",
];

impl Palette {
    /// The light theme (`:root` of static/styles.css).
    pub fn light() -> Palette {
        let s = |v: &str| v.to_string();
        Palette {
            background: s("#f6f7f9"),
            text: s("#1c2430"),
            muted: s("#5b6675"),
            cells: [
                s("#dfe4ea"),
                s("#0b63ce"),
                s("#2b8a3e"),
                s("#c2410c"),
                s("#7c3aed"),
                s("#a16207"),
            ],
            bar_bg: s("#e7ebf0"),
            bar_fill: s("#0b63ce"),
            mark_swap: s("#a16207"),
            mark_max: s("#b42318"),
            mark_emer: s("#6b21a8"),
        }
    }

    /// The colours named by CSS variables, as `lookup` reports them (the page passes a
    /// `getComputedStyle(...).getPropertyValue` lookup, so the export follows the theme).
    /// Missing or empty values keep the [`Palette::light`] colour.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Palette {
        let mut p = Palette::light();
        let get = |var: &str, into: &mut String| {
            if let Some(v) = lookup(var) {
                let v = v.trim();
                if !v.is_empty() {
                    *into = v.to_string();
                }
            }
        };
        for ((_, var, _), slot) in CELL_LEGEND.iter().zip(p.cells.iter_mut()) {
            get(var, slot);
        }
        let Palette {
            background,
            text,
            muted,
            bar_bg,
            bar_fill,
            mark_swap,
            mark_max,
            mark_emer,
            ..
        } = &mut p;
        let slots = [
            background, text, muted, bar_bg, bar_fill, mark_swap, mark_max, mark_emer,
        ];
        for (var, slot) in VARS.iter().zip(slots) {
            get(var, slot);
        }
        p
    }
}

/// The words around the picture: where in which walkthrough it was taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caption {
    /// The walkthrough's title.
    pub title: String,
    /// The position, e.g. "step 2 of 3 (populate tt 0) · call 14 of 61".
    pub step: String,
    /// The machine, e.g. "radeon, x86-64, 64 MiB, E3, faithful" (`present::machine_label`).
    pub machine: String,
    /// The narration of the step (wrapped to the width).
    pub narration: String,
}

/// Lays shapes out top to bottom; `y` is the top of the next free line.
struct Builder<'a> {
    p: &'a Palette,
    y: f64,
    shapes: Vec<Shape>,
}

impl Builder<'_> {
    /// A left-aligned line of text of `size` px, advancing `y` by its line height.
    fn line(&mut self, text: String, size: f64, bold: bool, muted: bool) {
        let fill = if muted { &self.p.muted } else { &self.p.text }.clone();
        self.shapes.push(Shape::Text {
            x: MARGIN,
            y: self.y + size,
            size,
            bold,
            fill,
            anchor: Anchor::Start,
            text,
        });
        self.y += (size * 1.45).round();
    }

    fn heading(&mut self, text: &str) {
        self.y += 14.0;
        self.line(text.to_string(), 16.0, true, false);
        self.y += 2.0;
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        self.shapes.push(Shape::Rect {
            x,
            y,
            w,
            h,
            fill: fill.to_string(),
        });
    }

    /// Cells (`view::Cell` as u8) in rows of the page's geometry, runs of one colour merged.
    fn grid(&mut self, cells: &[u8], max_cell: u32) {
        if cells.is_empty() {
            return;
        }
        let (size, cols) = geometry(
            cells.len(),
            INNER as u32,
            max_cell,
            crate::view::GRID_MAX_HEIGHT,
        );
        let gap = match size {
            _ if cells.len() > GAP_CELLS => 0,
            5.. => 2,
            3.. => 1,
            _ => 0,
        };
        let (size, cols) = (size as f64, cols as usize);
        let colour = |c: u8| &self.p.cells[(c as usize).min(5)];
        let mut out = Vec::new();
        for (r, row) in cells.chunks(cols).enumerate() {
            let top = self.y + r as f64 * size;
            let mut i = 0;
            while i < row.len() {
                let mut j = i + 1;
                if gap == 0 {
                    while j < row.len() && row[j] == row[i] {
                        j += 1;
                    }
                }
                out.push(Shape::Rect {
                    x: MARGIN + i as f64 * size,
                    y: top,
                    w: (j - i) as f64 * size - gap as f64,
                    h: size - gap as f64,
                    fill: colour(row[i]).clone(),
                });
                i = j;
            }
        }
        self.shapes.extend(out);
        self.y += cells.len().div_ceil(cols) as f64 * size + 6.0;
    }

    /// A zone bar: `used` of `of`, with ticks at (value, colour).
    fn bar(&mut self, used: u64, of: u64, ticks: &[(u64, &str)]) {
        let h = 12.0;
        let top = self.y + 4.0;
        let x = |v: u64| MARGIN + (INNER * view::percent(v, of) / 100.0).round();
        let (bg, fill) = (self.p.bar_bg.clone(), self.p.bar_fill.clone());
        self.rect(MARGIN, top, INNER, h, &bg);
        if used > 0 {
            self.rect(MARGIN, top, x(used) - MARGIN, h, &fill);
        }
        for &(v, colour) in ticks {
            self.shapes.push(Shape::Line {
                x1: x(v),
                y1: top - 3.0,
                x2: x(v),
                y2: top + h + 3.0,
                width: 3.0,
                stroke: colour.to_string(),
            });
        }
        self.y = top + h + 8.0;
    }
}

/// Split `text` into lines of at most `width` characters at spaces (longer words stand alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// The picture of `st` under `caption`, in `palette`'s colours.
pub fn scene(st: &State, caption: &Caption, palette: &Palette) -> Scene {
    let mut b = Builder {
        p: palette,
        y: MARGIN - 4.0,
        shapes: Vec::new(),
    };
    b.line(caption.title.clone(), 22.0, true, false);
    b.line(caption.step.clone(), 14.0, false, false);
    b.line(caption.machine.clone(), 13.0, false, true);

    b.heading("Pages of each tt");
    let tts = view::tts(st);
    let dead: Vec<String> = tts
        .iter()
        .filter(|t| !t.alive)
        .map(|t| format!("tt {} ({} pages)", t.id, group_digits(t.cells.len() as u64)))
        .collect();
    if tts.iter().all(|t| !t.alive) {
        b.line("No tt exists.".into(), 13.0, false, true);
    }
    for t in tts.iter().filter(|t| t.alive) {
        let mut text = format!(
            "tt {} · {} · {} · {} of {} pages",
            t.id,
            t.state,
            t.caching,
            group_digits(t.present as u64),
            group_digits(t.cells.len() as u64)
        );
        if !t.flags.is_empty() && t.flags != "0" {
            text += &format!(" · {}", t.flags);
        }
        if t.swapped {
            text += " · contents swapped out";
        }
        b.line(text, 13.0, false, false);
        b.grid(&t.cells, 22);
    }
    if !dead.is_empty() {
        b.line(format!("Destroyed: {}", dead.join(", ")), 13.0, false, true);
    }

    // The pools and limits as the stage models them: a 3.3 machine's four pools, DMA pools and
    // accounting zones; a 6.12 machine's pool types by caching and order and its page limits.
    let stage = ttm_core::stage::stage(st);
    b.heading(if st.modern.is_some() {
        "Page pool (pool types by caching and order)"
    } else {
        "Page pools"
    });
    if let Some(m) = st.modern.as_deref() {
        b.line(
            format!(
                "{} pages pooled of page_pool_size {}",
                group_digits(m.pool_allocated),
                group_digits(m.page_pool_size)
            ),
            13.0,
            false,
            true,
        );
    }
    // A 6.12 machine draws its pool types from the stage below instead.
    for p in st.pools.iter().filter(|_| st.modern.is_none()) {
        b.line(
            format!(
                "{} pool: {} pages · refills {} · pages freed {}",
                p.name,
                group_digits(p.npages),
                p.nrefills,
                p.nfrees
            ),
            13.0,
            false,
            false,
        );
        let cells = view::pool_cells(st, p.list.iter().copied());
        b.grid(&cells, 8);
    }
    if st.modern.is_some() {
        for sh in stage.pools.iter().filter(|sh| sh.npages > 0) {
            b.line(
                format!("{}: {} pages", sh.label, group_digits(sh.npages)),
                13.0,
                false,
                false,
            );
            b.grid(&sh.cells, 8);
        }
    }
    for p in &st.dma_pools {
        b.line(
            format!(
                "{} DMA pool: in use {} · free {} · refills {} · pages freed {}",
                p.name,
                group_digits(p.npages_in_use),
                group_digits(p.npages_free),
                p.nrefills,
                p.nfrees
            ),
            13.0,
            false,
            false,
        );
    }

    b.heading(if st.modern.is_some() {
        "Page limits"
    } else {
        "Memory accounting zones"
    });
    for g in &stage.zones {
        b.line(
            format!(
                "{}: {} bytes used of {}",
                g.what,
                group_digits(g.used),
                group_digits(g.full)
            ),
            13.0,
            false,
            false,
        );
        let ticks: Vec<(u64, &str)> = g
            .marks
            .iter()
            .map(|m| {
                let colour = match m.kind {
                    "swap" => palette.mark_swap.as_str(),
                    "emer" => palette.mark_emer.as_str(),
                    _ => palette.mark_max.as_str(),
                };
                (m.at, colour)
            })
            .collect();
        b.bar(g.used, g.full, &ticks);
        let marks: Vec<String> = g
            .marks
            .iter()
            .map(|m| format!("{} {}", m.name, group_digits(m.at)))
            .collect();
        b.line(marks.join(" · "), 12.0, false, true);
    }
    if st.modern.is_some() {
        let bars: Vec<_> = stage.memory.iter().filter(|m| !m.bos.is_empty()).collect();
        if !bars.is_empty() {
            b.heading("Resource managers");
        }
        for m in bars {
            let bos: Vec<String> = m.bos.iter().map(|b| format!("bo {b}")).collect();
            let lru: Vec<String> = m.lru.iter().map(|b| b.to_string()).collect();
            b.line(
                format!(
                    "{}: {} · LRU {}",
                    m.name,
                    bos.join(", "),
                    if lru.is_empty() {
                        "-".to_string()
                    } else {
                        lru.join("→")
                    }
                ),
                13.0,
                false,
                false,
            );
        }
    }

    let live: Vec<_> = st.bos.iter().filter(|o| o.alive).collect();
    if !live.is_empty() {
        b.heading("Buffer objects");
        for o in live {
            let mut text = format!(
                "bo {} · {} pages · {}",
                o.id,
                group_digits(o.num_pages as u64),
                ttm_core::present::mem_type_name(o.mem.mem_type)
            );
            if let Some(t) = o.tt {
                text += &format!(" · tt {t}");
            }
            for (on, note) in [
                (o.ghost, "ghost"),
                (o.evicted, "evicted"),
                (st.bo_busy(o.id), "busy"),
                (o.reserved, "reserved"),
            ] {
                if on {
                    text += &format!(" · {note}");
                }
            }
            b.line(text, 13.0, false, false);
        }
    }

    if !caption.narration.trim().is_empty() {
        b.y += 12.0;
        for l in wrap(&caption.narration, 115) {
            b.line(l, 14.0, false, false);
        }
    }

    // Legend: swatch + label, flowing into rows.
    b.y += 12.0;
    let mut x = MARGIN;
    for (i, (_, _, label)) in CELL_LEGEND.iter().enumerate() {
        let w = 12.0 + 6.0 + label.chars().count() as f64 * 6.5 + 18.0;
        if x > MARGIN && x + w > WIDTH - MARGIN {
            x = MARGIN;
            b.y += 20.0;
        }
        let (y, fill) = (b.y, palette.cells[i].clone());
        b.rect(x, y, 12.0, 12.0, &fill);
        b.shapes.push(Shape::Text {
            x: x + 18.0,
            y: y + 11.0,
            size: 12.0,
            bold: false,
            fill: palette.muted.clone(),
            anchor: Anchor::Start,
            text: label.to_string(),
        });
        x += w;
    }
    b.y += 12.0;

    Scene {
        width: WIDTH,
        height: (b.y + MARGIN).ceil(),
        background: palette.background.clone(),
        title: caption.title.clone(),
        shapes: b.shapes,
    }
}

/// A number without needless decimals (`12`, `12.5`, `0.33`).
fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

/// `text` with the five XML special characters escaped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

impl Anchor {
    /// The SVG `text-anchor` value.
    fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }

    /// The canvas `textAlign` value.
    fn canvas(self) -> &'static str {
        match self {
            Anchor::Start => "left",
            Anchor::Middle => "center",
            Anchor::End => "right",
        }
    }
}

impl Scene {
    /// Two scenes side by side under a heading, with `notes` (one per line, wrapped) below both:
    /// a comparison's picture (A on the left, B on the right; the taller sets the height).
    pub fn beside(title: &str, a: &Scene, b: &Scene, notes: &[String], palette: &Palette) -> Scene {
        let top = 44.0;
        let mut shapes = vec![Shape::Text {
            x: MARGIN,
            y: 30.0,
            size: 20.0,
            bold: true,
            fill: palette.text.clone(),
            anchor: Anchor::Start,
            text: title.to_string(),
        }];
        for (scene, dx) in [(a, 0.0), (b, a.width)] {
            shapes.extend(scene.shapes.iter().map(|sh| sh.moved(dx, top)));
        }
        let mut y = top + a.height.max(b.height) + 8.0;
        for l in notes.iter().flat_map(|n| wrap(n, 230)) {
            y += 18.0;
            shapes.push(Shape::Text {
                x: MARGIN,
                y,
                size: 13.0,
                bold: false,
                fill: palette.text.clone(),
                anchor: Anchor::Start,
                text: l,
            });
        }
        Scene {
            width: a.width + b.width,
            height: y + MARGIN,
            background: a.background.clone(),
            title: title.to_string(),
            shapes,
        }
    }

    /// A standalone SVG document of the scene (same scene, same bytes).
    pub fn to_svg(&self) -> String {
        let (w, h) = (num(self.width), num(self.height));
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"{}\">\n<title>{}</title>\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"{}\"/>\n",
            esc(FONT),
            esc(&self.title),
            esc(&self.background)
        );
        for shape in &self.shapes {
            match shape {
                Shape::Rect { x, y, w, h, fill } => s += &format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                    num(*x),
                    num(*y),
                    num(*w),
                    num(*h),
                    esc(fill)
                ),
                Shape::Text {
                    x,
                    y,
                    size,
                    bold,
                    fill,
                    anchor,
                    text,
                } => s += &format!(
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{}{} fill=\"{}\">{}</text>\n",
                    num(*x),
                    num(*y),
                    num(*size),
                    if *bold { " font-weight=\"bold\"" } else { "" },
                    match anchor {
                        Anchor::Start => String::new(),
                        a => format!(" text-anchor=\"{}\"", a.svg()),
                    },
                    esc(fill),
                    esc(text)
                ),
                Shape::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    stroke,
                } => s += &format!(
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>\n",
                    num(*x1),
                    num(*y1),
                    num(*x2),
                    num(*y2),
                    esc(stroke),
                    num(*width)
                ),
            }
        }
        s += "</svg>\n";
        s
    }
}

/// Draw `scene` on a 2D canvas context at CSS-pixel coordinates (the caller sizes the canvas and
/// sets any device-pixel scale first).
pub fn paint(scene: &Scene, ctx: &CanvasRenderingContext2d) {
    ctx.set_fill_style_str(&scene.background);
    ctx.fill_rect(0.0, 0.0, scene.width, scene.height);
    ctx.set_text_baseline("alphabetic");
    for shape in &scene.shapes {
        match shape {
            Shape::Rect { x, y, w, h, fill } => {
                ctx.set_fill_style_str(fill);
                ctx.fill_rect(*x, *y, *w, *h);
            }
            Shape::Text {
                x,
                y,
                size,
                bold,
                fill,
                anchor,
                text,
            } => {
                let weight = if *bold { "bold" } else { "normal" };
                ctx.set_font(&format!("{weight} {}px {FONT}", num(*size)));
                ctx.set_text_align(anchor.canvas());
                ctx.set_fill_style_str(fill);
                let _ = ctx.fill_text(text, *x, *y);
            }
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                stroke,
            } => {
                ctx.begin_path();
                ctx.move_to(*x1, *y1);
                ctx.line_to(*x2, *y2);
                ctx.set_line_width(*width);
                ctx.set_stroke_style_str(stroke);
                ctx.stroke();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use ttm_core::{catalog, Scenario, Stepper};

    fn caption(title: &str) -> Caption {
        Caption {
            title: title.into(),
            step: "Step 2 of 3: populate tt 0".into(),
            machine: "64 MiB RAM".into(),
            narration: "word ".repeat(60),
        }
    }

    /// The state at the end of step `step` of a scenario.
    fn state_after(sc: &Scenario, step: usize) -> State {
        let run = sc.run().unwrap();
        let end = run.steps[step].end_event;
        let mut s = Stepper::new(Rc::new(run.sim));
        s.seek(end);
        s.state().clone()
    }

    fn texts(scene: &Scene) -> Vec<&str> {
        scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Every opened element is closed, in order (a small well-formedness check).
    fn balanced(svg: &str) -> bool {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let Some(j) = rest[i..].find('>') else {
                return false;
            };
            let tag = &rest[i + 1..i + j];
            rest = &rest[i + j + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap_or(""));
            }
        }
        stack.is_empty()
    }

    /// Pool-refill after populate (spec W3): tt 0 holds 20 WC pages, the wc pool keeps 492 of the
    /// 512-page refill, the kernel zone is charged 20 × 4096 = 81,920 bytes.
    #[test]
    fn pool_refill_after_populate() {
        let sc = catalog::load("pool-refill").unwrap().unwrap();
        let st = state_after(&sc, 1);
        let scene = scene(&st, &caption("Pool refill"), &Palette::light());
        let t = texts(&scene);
        assert!(t.contains(&"tt 0 · tt_unbound · tt_wc · 20 of 20 pages"));
        assert!(t.contains(&"wc pool: 492 pages · refills 1 · pages freed 0"));
        assert!(t
            .iter()
            .any(|l| l.starts_with("kernel zone: 81,920 bytes used of ")));
        // 20 cells of 22 px fit in one row of 912 px; the gaps keep them apart: 20 WC rects.
        let wc = &Palette::light().cells[2];
        let wc_rects = scene
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Rect { fill, w, .. } if fill == wc && *w == 20.0))
            .count();
        assert_eq!(wc_rects, 20);
        // 60 four-letter words wrap at 115 characters: 23 words (114 characters) a line, 23 + 23 + 14.
        let narration = t.iter().filter(|l| l.starts_with("word")).count();
        assert_eq!(narration, 3);
        let svg = scene.to_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("20 of 20 pages"));
        assert!(svg.contains("wc pool: 492 pages"));
        assert!(svg.contains("<title>Pool refill</title>"));
        assert!(balanced(&svg));
        assert_eq!(svg.matches("<svg").count(), 1);
        // Deterministic.
        assert_eq!(scene.to_svg(), svg);
        let again = super::scene(&st, &caption("Pool refill"), &Palette::light());
        assert_eq!(again.to_svg(), svg);
    }

    /// The same walkthrough replayed on Linux 6.12 (M2): after the populate the pool holds
    /// nothing, the tt holds 20 pages counted against pages_limit (20 × 4096 = 81,920 bytes of
    /// 64 MiB, limit 8,192 pages = 33,554,432 bytes, M1), and no 3.3 zone or pool is drawn;
    /// after the unpopulate the order-4 and order-2 blocks wait on wc[4] and wc[2].
    #[test]
    fn a_6_12_machine_is_drawn_with_its_pool_types_and_page_limit() {
        let mut sc = catalog::load("pool-refill").unwrap().unwrap();
        sc.machine.kernel = ttm_core::Kernel::V6_12;
        let t_after = |i: usize| {
            let st = state_after(&sc, i);
            let scene = scene(&st, &caption("Then and now"), &Palette::light());
            texts(&scene)
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
        };
        let t = t_after(1);
        assert!(t.contains(&"Page limits".to_string()), "{t:?}");
        assert!(
            t.contains(&"ttm_pages_allocated: 81,920 bytes used of 67,108,864".to_string()),
            "{t:?}"
        );
        assert!(t.contains(&"pages_limit 33,554,432".to_string()), "{t:?}");
        assert!(
            t.contains(&"0 pages pooled of page_pool_size 8,192".to_string()),
            "{t:?}"
        );
        assert!(
            !t.iter()
                .any(|l| l.starts_with("kernel zone") || l.starts_with("wc pool")),
            "{t:?}"
        );
        let t = t_after(2);
        assert!(
            t.contains(&"20 pages pooled of page_pool_size 8,192".to_string()),
            "{t:?}"
        );
        assert!(
            t.iter()
                .any(|l| l.contains("wc[4]") && l.ends_with(": 16 pages")),
            "{t:?}"
        );
        assert!(
            t.iter()
                .any(|l| l.contains("wc[2]") && l.ends_with(": 4 pages")),
            "{t:?}"
        );
    }

    /// Then and now as one picture: pool-refill after the populate on 3.3 (left: the wc pool
    /// keeps 492 of W3's refill) beside 6.12 (right: M2's 20 pages, nothing pooled), with the
    /// divergences under both; twice as wide as one scene, as tall as the taller plus the notes.
    #[test]
    fn then_and_now_is_one_picture_side_by_side() {
        let sc = catalog::load("pool-refill").unwrap().unwrap();
        let mut now = sc.clone();
        now.machine.kernel = ttm_core::Kernel::V6_12;
        let p = Palette::light();
        let a = scene(&state_after(&sc, 1), &caption("Linux 3.3"), &p);
        let b = scene(&state_after(&now, 1), &caption("Linux 6.12"), &p);
        let notes = vec![
            "fresh pages: 512 (1 batch of 512 pages) → 20 (2 blocks: order 4, order 2)".to_string(),
        ];
        let both = Scene::beside("Then and now", &a, &b, &notes, &p);
        assert_eq!(both.width, 2.0 * WIDTH);
        assert!(both.height > a.height.max(b.height));
        let t = texts(&both);
        assert!(t.contains(&"wc pool: 492 pages · refills 1 · pages freed 0"));
        assert!(t.contains(&"0 pages pooled of page_pool_size 8,192"));
        assert!(t.contains(&notes[0].as_str()));
        // B's shapes are on the right half.
        let right = both.shapes.iter().any(
            |s| matches!(s, Shape::Text { x, text, .. } if *x >= WIDTH && text == "Linux 6.12"),
        );
        assert!(right);
        let svg = both.to_svg();
        assert!(balanced(&svg));
        assert!(svg.contains("<title>Then and now</title>"));
    }

    #[test]
    fn caption_text_is_escaped() {
        let sc = catalog::load("pool-refill").unwrap().unwrap();
        let st = state_after(&sc, 0);
        let mut c = caption("a <b> & \"c\" 'd'");
        c.narration = "x < y && y > z".into();
        let svg = scene(&st, &c, &Palette::light()).to_svg();
        assert!(svg.contains("<title>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;</title>"));
        assert!(svg.contains(">x &lt; y &amp;&amp; y &gt; z</text>"));
        assert!(!svg.contains("<b>"));
        assert!(balanced(&svg));
        // Step 0: the tt exists with no page yet.
        assert!(svg.contains("tt 0 · tt_unpopulated · tt_wc · 0 of 20 pages"));
    }

    /// A 262,144-page WC tt (the bench scenario): 1-px cells in rows of 912, so 288 rows; all pages
    /// are WC, so each row is one rect. The wc pool strip is small. Far below 5,000 shapes.
    #[test]
    fn huge_tt_merges_runs() {
        let sc = Scenario::from_json(crate::store::BENCH_SCENARIO).unwrap();
        let st = state_after(&sc, 1);
        let scene = scene(&st, &caption("Bench"), &Palette::light());
        let wc = &Palette::light().cells[2];
        let full_rows = scene
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Rect { fill, w, h, .. } if fill == wc && *w == 912.0 && *h == 1.0))
            .count();
        // 262,144 = 287 × 912 + 400: 287 full rows and one of 400 pages.
        assert_eq!(full_rows, 287);
        assert!(scene.shapes.iter().any(|s| matches!(s, Shape::Rect { fill, w, h, .. } if fill == wc && *w == 400.0 && *h == 1.0)));
        assert!(scene.shapes.len() < 5_000, "{} shapes", scene.shapes.len());
        assert!(texts(&scene).contains(&"tt 0 · tt_unbound · tt_wc · 262,144 of 262,144 pages"));
    }

    #[test]
    fn palette_from_css_variables() {
        let p = Palette::from_lookup(|v| match v {
            "--cell-wc" => Some(" #51cf66".into()),
            "--bg" => Some("#0f1419".into()),
            "--text" => Some("  ".into()),
            _ => None,
        });
        let light = Palette::light();
        assert_eq!(p.cells[2], "#51cf66");
        assert_eq!(p.background, "#0f1419");
        assert_eq!(p.text, light.text);
        assert_eq!(p.cells[0], light.cells[0]);
        assert_eq!(Palette::from_lookup(|_| None), light);
    }

    #[test]
    fn numbers_and_wrapping() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(1.0 / 3.0), "0.33");
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh ij", 4), vec!["abcdefgh", "ij"]);
    }
}
