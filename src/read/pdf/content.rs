//! The content-stream interpreter: runs a page's operators on lopdf's `Content::decode_iter`
//! and records what layout needs — positioned glyphs (text, font size, bold/italic) and painted
//! rectangles and lines (with fill colour) — in display coordinates (points, y up, page
//! rotation applied).
//!
//! Tracks the graphics state stack (`q`/`Q`, `cm`), colours (`g`/`rg`/`k`/`sc`/`scn` in
//! DeviceGray/RGB/CMYK), the text state (`Tf`, `Tc`, `Tw`, `Tz`, `TL`, `Ts`), text positioning
//! (`Td`, `TD`, `Tm`, `T*`, `'`, `"`) and showing (`Tj`, `TJ` with kerning), paths (`re`, `m`,
//! `l`, `h`) painted by `f`/`F`/`f*`/`B`/`b`/`S`/`s`, and Form XObjects (`Do`) with a depth and
//! cycle limit. Work is bounded by a deadline and by caps on operators and glyphs.

use super::fonts::{deref, dict_get, load_font, num, Font, GlyphNames};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

/// Most nested Form XObjects followed.
const MAX_FORM_DEPTH: usize = 12;
/// Most glyphs kept from one page.
const MAX_GLYPHS_PER_PAGE: usize = 500_000;
/// Most text bytes kept from one page (a dense page holds about 10 KB).
const MAX_PAGE_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Most distinct fonts loaded from one document (each holds bounded maps).
const MAX_FONTS: usize = 2_000;
/// Most painted shapes kept from one page.
const MAX_SHAPES_PER_PAGE: usize = 100_000;

/// A positioned glyph in display space.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Left edge of the glyph box.
    pub x0: f32,
    /// Right edge (left + advance).
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// Effective font size in display units.
    pub size: f32,
    /// Byte range of the glyph's text in [`Page::text`].
    pub start: u32,
    pub end: u32,
    pub bold: bool,
    pub italic: bool,
    /// Non-horizontal text (rotated relative to the page).
    pub rotated: bool,
    /// The first glyph shown after a text positioning operator (`BT`, `Td`, `TD`, `Tm`, `T*`,
    /// `'`, `"`): where a producer placed a run of text, e.g. a table cell's.
    pub placed: bool,
}

/// A painted axis-aligned rectangle (filled area or a thin line).
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Fill colour for filled shapes; `None` for strokes.
    pub fill: Option<[u8; 3]>,
}

/// What one page gave.
#[derive(Debug, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub text: String,
    pub shapes: Vec<Shape>,
    /// Images painted (image XObjects and inline images).
    pub images: usize,
    /// Small painted dots, circles and squares (candidate list bullets drawn as shapes).
    pub marks: Vec<[f32; 4]>,
    /// The page's operators could not all be read.
    pub damaged: bool,
    pub truncated: bool,
}

impl Glyph {
    pub fn text<'a>(&self, page: &'a Page) -> &'a str {
        page.text.get(self.start as usize..self.end as usize).unwrap_or("")
    }
}

type M = [f32; 6];

fn mul(a: &M, b: &M) -> M {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &M, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

const IDENTITY: M = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

#[derive(Clone)]
struct GState {
    ctm: M,
    fill: [u8; 3],
    fill_space: ColorSpace,
    line_width: f32,
    font: Option<Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

#[derive(Clone, Copy, PartialEq)]
enum ColorSpace {
    Gray,
    Rgb,
    Cmyk,
    Other,
}

/// Shared across pages of one document: fonts by object id and glyph-name lookups.
pub struct Interp<'d> {
    doc: &'d Document,
    fonts: HashMap<ObjectId, Rc<Font>>,
    names: GlyphNames,
    limit: usize,
    deadline: Instant,
    pub timed_out: bool,
    ops: u64,
    /// A text positioning operator ran since the last glyph was shown.
    placed: bool,
}

impl<'d> Interp<'d> {
    pub fn new(doc: &'d Document, limit: usize, deadline: Instant) -> Self {
        Interp {
            doc,
            fonts: HashMap::new(),
            names: GlyphNames::default(),
            limit,
            deadline,
            timed_out: false,
            ops: 0,
            placed: false,
        }
    }

    /// Move the deadline later (time spent outside the interpreter, e.g. OCR).
    pub fn extend_deadline(&mut self, d: std::time::Duration) {
        self.deadline += d;
    }

    /// Run one page. `page_id` is the page dictionary.
    pub fn page(&mut self, page_id: ObjectId) -> Page {
        let doc = self.doc;
        let mut out = Page::default();
        let Ok(page) = doc.get_dictionary(page_id) else {
            out.damaged = true;
            return out;
        };
        let media = inherited(doc, page, b"CropBox")
            .or_else(|| inherited(doc, page, b"MediaBox"))
            .and_then(|o| match o {
                Object::Array(a) if a.len() == 4 => {
                    let v: Vec<f32> = a.iter().filter_map(|o| deref(doc, o).and_then(num)).collect();
                    (v.len() == 4).then(|| {
                        let (x0, x1) = (v[0].min(v[2]), v[0].max(v[2]));
                        let (y0, y1) = (v[1].min(v[3]), v[1].max(v[3]));
                        [x0, y0, x1, y1]
                    })
                }
                _ => None,
            })
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let (w, h) = ((media[2] - media[0]).max(1.0), (media[3] - media[1]).max(1.0));
        let rotate = inherited(doc, page, b"Rotate").and_then(num).unwrap_or(0.0) as i64;
        let rotate = ((rotate % 360) + 360) % 360;
        let shift: M = [1.0, 0.0, 0.0, 1.0, -media[0], -media[1]];
        let rot: M = match rotate {
            90 => [0.0, -1.0, 1.0, 0.0, 0.0, w],
            180 => [-1.0, 0.0, 0.0, -1.0, w, h],
            270 => [0.0, 1.0, -1.0, 0.0, h, 0.0],
            _ => IDENTITY,
        };
        (out.width, out.height) = if rotate == 90 || rotate == 270 { (h, w) } else { (w, h) };
        let ctm = mul(&shift, &rot);
        let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
        let content = match doc.get_page_content_with_limit(page_id, self.limit) {
            Ok(c) => c,
            Err(_) => {
                out.damaged = true;
                return out;
            }
        };
        let gs = GState {
            ctm,
            fill: [0, 0, 0],
            fill_space: ColorSpace::Gray,
            line_width: 1.0,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut stack = Vec::new();
        self.run(&content, resources, gs, &mut out, &mut stack);
        bullets_from_marks(&mut out);
        out
    }

    fn font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let doc = self.doc;
        let fonts = resources.and_then(|r| dict_get(doc, r, b"Font")).and_then(|o| o.as_dict().ok())?;
        let entry = fonts.get(name).ok()?;
        if let Object::Reference(id) = entry {
            if let Some(f) = self.fonts.get(id) {
                return Some(f.clone());
            }
            if self.fonts.len() >= MAX_FONTS {
                return None;
            }
            let dict = deref(doc, entry)?.as_dict().ok()?;
            let f = Rc::new(load_font(doc, dict, self.limit, &mut self.names));
            self.fonts.insert(*id, f.clone());
            Some(f)
        } else {
            let dict = entry.as_dict().ok()?;
            Some(Rc::new(load_font(doc, dict, self.limit, &mut self.names)))
        }
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        mut gs: GState,
        out: &mut Page,
        forms: &mut Vec<ObjectId>,
    ) {
        let doc = self.doc;
        let mut saved: Vec<GState> = Vec::new();
        let mut tm: M = IDENTITY;
        let mut tlm: M = IDENTITY;
        // current path: rectangles and segments in device space
        let mut rects: Vec<[f32; 4]> = Vec::new();
        let mut segs: Vec<[f32; 4]> = Vec::new();
        let mut cur: Option<(f32, f32)> = None;
        let mut start: Option<(f32, f32)> = None;
        // bounding box of the current path in device space, and whether it has curves
        let mut pbox = EMPTY_BOX;
        let mut curved = false;
        // marked content: an `/ActualText` span replaces the glyphs shown inside it
        let mut marked: Vec<Option<(String, usize)>> = Vec::new();

        for op in Content::decode_iter(content) {
            let Ok(op) = op else {
                out.damaged = true;
                break;
            };
            self.ops += 1;
            if self.ops.is_multiple_of(2048) && Instant::now() > self.deadline {
                self.timed_out = true;
                return;
            }
            if self.timed_out {
                return;
            }
            let a = &op.operands;
            let f = |i: usize| a.get(i).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if saved.len() < 256 => saved.push(gs.clone()),
                "Q" => {
                    if let Some(g) = saved.pop() {
                        gs = g;
                    }
                }
                "cm" => {
                    let m = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    gs.ctm = mul(&m, &gs.ctm);
                }
                "w" => gs.line_width = f(0),
                "g" => {
                    gs.fill_space = ColorSpace::Gray;
                    gs.fill = gray(f(0));
                }
                "rg" => {
                    gs.fill_space = ColorSpace::Rgb;
                    gs.fill = rgb(f(0), f(1), f(2));
                }
                "k" => {
                    gs.fill_space = ColorSpace::Cmyk;
                    gs.fill = cmyk(f(0), f(1), f(2), f(3));
                }
                "cs" => {
                    gs.fill_space = match a.first() {
                        Some(Object::Name(n)) => color_space(doc, resources, n),
                        _ => ColorSpace::Other,
                    };
                    gs.fill = [0, 0, 0];
                }
                "sc" | "scn" => {
                    let nums: Vec<f32> = a.iter().filter_map(num).collect();
                    let space = match nums.len() {
                        1 if gs.fill_space != ColorSpace::Other => ColorSpace::Gray,
                        3 => ColorSpace::Rgb,
                        4 => ColorSpace::Cmyk,
                        _ => gs.fill_space,
                    };
                    match (space, nums.as_slice()) {
                        (ColorSpace::Gray, [v]) => gs.fill = gray(*v),
                        (ColorSpace::Rgb, [r, g, b]) => gs.fill = rgb(*r, *g, *b),
                        (ColorSpace::Cmyk, [c, m, y, k]) => gs.fill = cmyk(*c, *m, *y, *k),
                        _ => {}
                    }
                }
                "re" => {
                    let (x, y, w, h) = (f(0), f(1), f(2), f(3));
                    let p = [apply(&gs.ctm, x, y), apply(&gs.ctm, x + w, y + h)];
                    let q = [apply(&gs.ctm, x + w, y), apply(&gs.ctm, x, y + h)];
                    let xs = [p[0].0, p[1].0, q[0].0, q[1].0];
                    let ys = [p[0].1, p[1].1, q[0].1, q[1].1];
                    if rects.len() < 10_000 {
                        rects.push([min4(xs), min4(ys), max4(xs), max4(ys)]);
                    }
                    pbox = grow(pbox, xs, ys);
                    cur = Some((x, y));
                    start = cur;
                }
                "m" => {
                    cur = Some((f(0), f(1)));
                    start = cur;
                    let (x, y) = apply(&gs.ctm, f(0), f(1));
                    pbox = grow(pbox, [x; 4], [y; 4]);
                }
                "l" => {
                    let to = (f(0), f(1));
                    if let Some(from) = cur {
                        let (x0, y0) = apply(&gs.ctm, from.0, from.1);
                        let (x1, y1) = apply(&gs.ctm, to.0, to.1);
                        if segs.len() < 10_000 {
                            segs.push([x0, y0, x1, y1]);
                        }
                    }
                    let (x, y) = apply(&gs.ctm, to.0, to.1);
                    pbox = grow(pbox, [x; 4], [y; 4]);
                    cur = Some(to);
                }
                "c" | "v" | "y" => {
                    // curves: keep the end point only (rounded corners are not table rules), but
                    // remember the extent: a small closed curve is a drawn bullet
                    let n = a.len();
                    for k in (0..n.saturating_sub(1)).step_by(2) {
                        let (x, y) = apply(&gs.ctm, f(k), f(k + 1));
                        pbox = grow(pbox, [x; 4], [y; 4]);
                    }
                    curved = true;
                    if n >= 2 {
                        cur = Some((f(n - 2), f(n - 1)));
                    }
                }
                "h" => {
                    if let (Some(from), Some(to)) = (cur, start) {
                        let (x0, y0) = apply(&gs.ctm, from.0, from.1);
                        let (x1, y1) = apply(&gs.ctm, to.0, to.1);
                        if segs.len() < 10_000 {
                            segs.push([x0, y0, x1, y1]);
                        }
                    }
                    cur = start;
                }
                "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    note_mark(out, pbox, curved || rects.len() == 1);
                    (pbox, curved) = (EMPTY_BOX, false);
                    if out.shapes.len() < MAX_SHAPES_PER_PAGE {
                        for r in rects.drain(..) {
                            out.shapes.push(Shape {
                                x0: r[0],
                                y0: r[1],
                                x1: r[2],
                                y1: r[3],
                                fill: Some(gs.fill),
                            });
                        }
                        // closed polygons of axis-aligned segments: their bounding box
                        if segs.len() >= 3 && segs.iter().all(axis_aligned) {
                            let xs = segs.iter().flat_map(|s| [s[0], s[2]]);
                            let ys = segs.iter().flat_map(|s| [s[1], s[3]]);
                            let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
                            let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
                            out.shapes.push(Shape { x0, y0, x1, y1, fill: Some(gs.fill) });
                        }
                    }
                    rects.clear();
                    segs.clear();
                    cur = None;
                }
                "S" | "s" => {
                    note_mark(out, pbox, curved);
                    (pbox, curved) = (EMPTY_BOX, false);
                    let lw = (gs.line_width * scale_of(&gs.ctm)).max(0.5) / 2.0;
                    if out.shapes.len() < MAX_SHAPES_PER_PAGE {
                        for r in rects.drain(..) {
                            for e in [
                                [r[0], r[1], r[2], r[1]],
                                [r[0], r[3], r[2], r[3]],
                                [r[0], r[1], r[0], r[3]],
                                [r[2], r[1], r[2], r[3]],
                            ] {
                                segs.push(e);
                            }
                        }
                        for s in segs.drain(..) {
                            if axis_aligned(&s) {
                                out.shapes.push(Shape {
                                    x0: s[0].min(s[2]) - lw,
                                    y0: s[1].min(s[3]) - lw,
                                    x1: s[0].max(s[2]) + lw,
                                    y1: s[1].max(s[3]) + lw,
                                    fill: None,
                                });
                            }
                        }
                    }
                    rects.clear();
                    segs.clear();
                    cur = None;
                }
                "n" => {
                    (pbox, curved) = (EMPTY_BOX, false);
                    rects.clear();
                    segs.clear();
                    cur = None;
                }
                "BT" => {
                    self.placed = true;
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let Some(Object::Name(n)) = a.first() {
                        gs.font = self.font(resources, n);
                    }
                    gs.size = f(1);
                }
                "Tc" => gs.char_space = f(0),
                "Tw" => gs.word_space = f(0),
                "Tz" => gs.hscale = f(0) / 100.0,
                "TL" => gs.leading = f(0),
                "Ts" => gs.rise = f(0),
                "Td" => {
                    self.placed = true;
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    self.placed = true;
                    gs.leading = -f(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    self.placed = true;
                    tlm = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    tm = tlm;
                }
                "T*" => {
                    self.placed = true;
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = a.first() {
                        self.show(s, &gs, &mut tm, out);
                    }
                }
                "'" => {
                    self.placed = true;
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = a.first() {
                        self.show(s, &gs, &mut tm, out);
                    }
                }
                "\"" => {
                    self.placed = true;
                    gs.word_space = f(0);
                    gs.char_space = f(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = a.get(2) {
                        self.show(s, &gs, &mut tm, out);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = a.first() {
                        for it in items {
                            match it {
                                Object::String(s, _) => self.show(s, &gs, &mut tm, out),
                                o => {
                                    if let Some(adj) = num(o) {
                                        let tx = -adj / 1000.0 * gs.size * gs.hscale;
                                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                // inline images (only "any image painted" matters)
                "BI" | "ID" | "EI" => out.images += 1,
                "BMC" if marked.len() < 256 => marked.push(None),
                "BDC" if marked.len() < 256 => {
                    let props = match a.get(1) {
                        Some(Object::Dictionary(d)) => Some(d),
                        Some(Object::Name(n)) => resources
                            .and_then(|r| dict_get(doc, r, b"Properties"))
                            .and_then(|o| o.as_dict().ok())
                            .and_then(|p| dict_get(doc, p, n))
                            .and_then(|o| o.as_dict().ok()),
                        _ => None,
                    };
                    let actual = props.and_then(|d| match dict_get(doc, d, b"ActualText") {
                        Some(Object::String(b, _)) => Some(text_string(b)),
                        _ => None,
                    });
                    marked.push(actual.map(|t| (t, out.glyphs.len())));
                }
                "EMC" => {
                    if let Some(Some((text, first))) = marked.pop() {
                        actual_text(out, &text, first);
                    }
                }
                "Do" => {
                    if let Some(Object::Name(n)) = a.first() {
                        self.form(resources, n, &gs, out, forms);
                    }
                }
                _ => {}
            }
        }
    }

    fn form(
        &mut self,
        resources: Option<&'d Dictionary>,
        name: &[u8],
        gs: &GState,
        out: &mut Page,
        forms: &mut Vec<ObjectId>,
    ) {
        let doc = self.doc;
        if forms.len() >= MAX_FORM_DEPTH {
            return;
        }
        let Some(xobjects) =
            resources.and_then(|r| dict_get(doc, r, b"XObject")).and_then(|o| o.as_dict().ok())
        else {
            return;
        };
        let Ok(Object::Reference(id)) = xobjects.get(name) else { return };
        if forms.contains(id) {
            return;
        }
        let Ok(Object::Stream(stream)) = doc.get_object(*id) else { return };
        if matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Image") {
            out.images += 1;
            return;
        }
        if !matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Form") {
            return;
        }
        let data = if stream.dict.get(b"Filter").is_ok() {
            match stream.decompressed_content_with_limit(self.limit) {
                Ok(d) => d,
                Err(_) => return,
            }
        } else {
            stream.content.clone()
        };
        let mut inner = gs.clone();
        if let Some(Object::Array(m)) = dict_get(doc, &stream.dict, b"Matrix") {
            let v: Vec<f32> = m.iter().filter_map(num).collect();
            if let [a, b, c, d, e, f] = v.as_slice() {
                inner.ctm = mul(&[*a, *b, *c, *d, *e, *f], &inner.ctm);
            }
        }
        let res = dict_get(doc, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok()).or(resources);
        forms.push(*id);
        self.run(&data, res, inner, out, forms);
        forms.pop();
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut M, out: &mut Page) {
        let Some(font) = gs.font.clone() else {
            return;
        };
        let size = gs.size;
        let placed = &mut self.placed;
        font.each_code(bytes, |c| {
            let trm = mul(&[size * gs.hscale, 0.0, 0.0, size, 0.0, gs.rise], &mul(tm, &gs.ctm));
            let w0 = c.width;
            let (x0, y0) = apply(&trm, 0.0, 0.0);
            let (xa, ya) = apply(&trm, w0, 0.0);
            let (xu, yu) = apply(&trm, 0.0, 1.0);
            let eff = ((xu - x0).powi(2) + (yu - y0).powi(2)).sqrt();
            let rotated = (ya - y0).abs() > (xa - x0).abs() * 0.2 + 0.01 || (xu - x0).abs() > (yu - y0).abs();
            let room = out.glyphs.len() < MAX_GLYPHS_PER_PAGE && out.text.len() < MAX_PAGE_TEXT_BYTES;
            if !c.text.is_empty() && room {
                let start = out.text.len() as u32;
                out.text.push_str(c.text);
                out.glyphs.push(Glyph {
                    x0: x0.min(xa),
                    x1: x0.max(xa),
                    y: y0,
                    size: eff,
                    start,
                    end: out.text.len() as u32,
                    bold: font.bold,
                    italic: font.italic,
                    rotated,
                    placed: std::mem::take(placed),
                });
            } else if !room {
                out.truncated = true;
            }
            let ws = if c.is_space_byte { gs.word_space } else { 0.0 };
            let tx = (w0 * size + gs.char_space + ws) * gs.hscale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        });
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one, else PDFDocEncoding
/// (taken as Latin-1, which it equals for letters).
fn text_string(b: &[u8]) -> String {
    let t = if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> =
            rest.chunks(2).map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)])).collect();
        char::decode_utf16(units).filter_map(Result::ok).collect()
    } else if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        b.iter().map(|&c| c as char).collect()
    };
    super::fonts::clean_text(&t)
}

/// Replace the glyphs shown since `first` by one glyph carrying `text` over their extent (a span
/// with `/ActualText`: typst's hyphens, ligatures and symbols drawn from other glyphs).
fn actual_text(out: &mut Page, text: &str, first: usize) {
    let Some(head) = out.glyphs.get(first).cloned() else { return };
    let x0 = out.glyphs.iter().skip(first).map(|g| g.x0).fold(f32::MAX, f32::min);
    let x1 = out.glyphs.iter().skip(first).map(|g| g.x1).fold(f32::MIN, f32::max);
    out.text.truncate(head.start as usize);
    out.glyphs.truncate(first);
    let start = out.text.len() as u32;
    out.text.push_str(text);
    out.glyphs.push(Glyph { x0, x1, start, end: out.text.len() as u32, ..head });
}

const EMPTY_BOX: [f32; 4] = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];

fn grow(b: [f32; 4], xs: [f32; 4], ys: [f32; 4]) -> [f32; 4] {
    [b[0].min(min4(xs)), b[1].min(min4(ys)), b[2].max(max4(xs)), b[3].max(max4(ys))]
}

/// Most candidate bullets kept from one page.
const MAX_MARKS: usize = 2_000;

/// Remember a painted path that could be a bullet: a small, roughly square dot, circle or square.
fn note_mark(out: &mut Page, b: [f32; 4], shape_ok: bool) {
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    let small = (1.0..=8.0).contains(&w) && (1.0..=8.0).contains(&h) && (w / h - 1.0).abs() < 0.35;
    if shape_ok && small && out.marks.len() < MAX_MARKS {
        out.marks.push(b);
    }
}

/// Bullets drawn as shapes (browsers paint `<li>` discs, circles and squares as paths): a mark
/// just left of a line's first glyph, about as high as a lower-case letter's middle and smaller
/// than the text, becomes a `•` glyph on that line, so layout sees a list marker as with text
/// bullets.
fn bullets_from_marks(page: &mut Page) {
    let marks = std::mem::take(&mut page.marks);
    if marks.is_empty() {
        return;
    }
    // glyphs by baseline, so each mark looks only at the lines around it
    let mut by_y: Vec<(f32, usize)> = page
        .glyphs
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.rotated && g.y.is_finite() && g.size.is_finite())
        .map(|(i, g)| (g.y, i))
        .collect();
    by_y.sort_by(|a, b| a.0.total_cmp(&b.0));
    let max_size =
        page.glyphs.iter().map(|g| g.size).filter(|s| s.is_finite()).fold(0.0f32, f32::max).min(200.0);
    let mut added = Vec::new();
    for m in marks {
        let (cx, cy, size) = ((m[0] + m[2]) / 2.0, (m[1] + m[3]) / 2.0, (m[2] - m[0]).max(m[3] - m[1]));
        let lo = by_y.partition_point(|e| e.0 < cy - 0.75 * max_size - 1.0);
        let hi = by_y.partition_point(|e| e.0 <= cy + 1.0);
        let window = by_y.get(lo..hi).unwrap_or(&[]);
        if window.len() > 5_000 {
            continue;
        }
        let mut best: Option<(f32, usize)> = None;
        for &(_, i) in window {
            let Some(g) = page.glyphs.get(i) else { continue };
            if g.x0 < m[2] - 0.5 || g.x0 - m[2] > 3.0 * g.size || size > 0.6 * g.size {
                continue;
            }
            if cy < g.y || cy > g.y + 0.75 * g.size || g.text(page).trim().is_empty() {
                continue;
            }
            let d = g.x0 - m[2];
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
        let Some((_, i)) = best else { continue };
        let Some(g) = page.glyphs.get(i) else { continue };
        // nothing else may stand between the mark and the glyph, or left of it on the same line
        let (y, gsize) = (g.y, g.size);
        let blocked = window.iter().any(|&(_, k)| {
            page.glyphs.get(k).is_some_and(|o| {
                (o.y - y).abs() < 0.3 * gsize && o.x1 > cx - 2.0 * gsize && o.x0 < m[2] - 0.5
            })
        });
        if !blocked {
            added.push((m, y, gsize));
        }
    }
    for (m, y, gsize) in added {
        let start = page.text.len() as u32;
        page.text.push('•');
        let end = page.text.len() as u32;
        page.glyphs.push(Glyph {
            x0: m[0],
            x1: m[2],
            y,
            size: gsize,
            start,
            end,
            bold: false,
            italic: false,
            rotated: false,
            placed: false,
        });
    }
}

fn axis_aligned(s: &[f32; 4]) -> bool {
    (s[0] - s[2]).abs() < 0.5 || (s[1] - s[3]).abs() < 0.5
}

fn scale_of(m: &M) -> f32 {
    ((m[0] * m[3] - m[1] * m[2]).abs()).sqrt()
}

fn min4(v: [f32; 4]) -> f32 {
    v.iter().copied().fold(f32::MAX, f32::min)
}

fn max4(v: [f32; 4]) -> f32 {
    v.iter().copied().fold(f32::MIN, f32::max)
}

fn to_byte(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

fn gray(v: f32) -> [u8; 3] {
    let b = to_byte(v);
    [b, b, b]
}

fn rgb(r: f32, g: f32, b: f32) -> [u8; 3] {
    [to_byte(r), to_byte(g), to_byte(b)]
}

fn cmyk(c: f32, m: f32, y: f32, k: f32) -> [u8; 3] {
    let k = k.clamp(0.0, 1.0);
    [to_byte((1.0 - c) * (1.0 - k)), to_byte((1.0 - m) * (1.0 - k)), to_byte((1.0 - y) * (1.0 - k))]
}

fn color_space(doc: &Document, resources: Option<&Dictionary>, name: &[u8]) -> ColorSpace {
    match name {
        b"DeviceGray" | b"CalGray" | b"G" => return ColorSpace::Gray,
        b"DeviceRGB" | b"CalRGB" | b"RGB" => return ColorSpace::Rgb,
        b"DeviceCMYK" | b"CMYK" => return ColorSpace::Cmyk,
        _ => {}
    }
    let Some(cs) = resources.and_then(|r| dict_get(doc, r, b"ColorSpace")).and_then(|o| o.as_dict().ok())
    else {
        return ColorSpace::Other;
    };
    match dict_get(doc, cs, name) {
        Some(Object::Array(a)) => match a.first() {
            Some(Object::Name(n)) if n == b"ICCBased" => {
                let comps = a
                    .get(1)
                    .and_then(|o| deref(doc, o))
                    .and_then(|o| o.as_stream().ok())
                    .and_then(|s| s.dict.get(b"N").ok())
                    .and_then(num)
                    .unwrap_or(3.0) as i32;
                match comps {
                    1 => ColorSpace::Gray,
                    4 => ColorSpace::Cmyk,
                    _ => ColorSpace::Rgb,
                }
            }
            Some(Object::Name(n)) if n == b"CalRGB" => ColorSpace::Rgb,
            Some(Object::Name(n)) if n == b"CalGray" => ColorSpace::Gray,
            _ => ColorSpace::Other,
        },
        Some(Object::Name(n)) => color_space(doc, None, n),
        _ => ColorSpace::Other,
    }
}

/// A page attribute, looked up through the `Parent` chain (bounded).
pub fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Some(v) = dict_get(doc, node, key) {
            return Some(v);
        }
        node = dict_get(doc, node, b"Parent")?.as_dict().ok()?;
    }
    None
}
