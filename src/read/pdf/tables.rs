//! Tables: from ruling lines where the page has a grid of them, otherwise from columns of text
//! aligned across rows; cell fills from the background rectangles painted behind cells.
//!
//! Ruled: thin painted rectangles and stroked lines become horizontal and vertical rules;
//! connected rules form a grid; a missing rule between two grid cells makes a span. Aligned:
//! consecutive lines split into chunks whose left edges line up in ≥ 3 columns (2 when a
//! horizontal rule marks the table); rows are cut where the first column starts a new entry or at
//! a rule or wider gap. Either way the lines used are taken off the page and each cell's lines
//! are laid out as paragraphs and list items like the body.

use super::content::{Page, Shape};
use super::layout::{blocks_from_lines, list_marker, Chunk, Line, Style};
use crate::model::{Cell, Pos, Row, Table};

/// Thickness below which a painted rectangle is a rule.
const RULE: f32 = 2.5;
/// Tolerance for aligning positions, in points.
const TOL: f32 = 3.5;

/// The rules and fills of one page.
pub struct Rules {
    /// (y, x0, x1)
    h: Vec<(f32, f32, f32)>,
    /// (x, y0, y1)
    v: Vec<(f32, f32, f32)>,
    fills: Vec<Shape>,
}

/// A table found on a page, with the y of its top edge for ordering.
pub struct Found {
    pub top: f32,
    pub table: Table,
    pub page: u32,
}

impl Rules {
    pub fn from_page(p: &Page) -> Self {
        let mut h = Vec::new();
        let mut v = Vec::new();
        let mut fills = Vec::new();
        let page_area = p.width * p.height;
        for s in &p.shapes {
            let (w, ht) = (s.x1 - s.x0, s.y1 - s.y0);
            if !(w.is_finite() && ht.is_finite()) {
                continue;
            }
            if ht <= RULE && w > RULE {
                h.push(((s.y0 + s.y1) / 2.0, s.x0, s.x1));
            } else if w <= RULE && ht > RULE {
                v.push(((s.x0 + s.x1) / 2.0, s.y0, s.y1));
            } else if w > RULE && ht > RULE && w * ht < page_area * 0.8 {
                if let Some(c) = s.fill {
                    if c != [255, 255, 255] {
                        fills.push(*s);
                    }
                }
            }
        }
        // shaded cells without borders: their edges delimit cells too
        for f in &fills {
            h.push((f.y0, f.x0, f.x1));
            h.push((f.y1, f.x0, f.x1));
            v.push((f.x0, f.y0, f.y1));
            v.push((f.x1, f.y0, f.y1));
        }
        h.truncate(20_000);
        v.truncate(20_000);
        Self::snap_partial_rules(&mut h);
        if std::env::var_os("SAKSFLYT_PDF_DEBUG_RULES").is_some() {
            for r in &h {
                eprintln!("h y{:.1} x{:.1}-{:.1}", r.0, r.1, r.2);
            }
            for r in &v {
                eprintln!("v x{:.1} y{:.1}-{:.1}", r.0, r.1, r.2);
            }
        }
        Rules { h, v, fills }
    }

    /// A browser splitting a row-spanning cell at a page break draws the next cell's top rule in
    /// that column alone, between the other columns' row rules (Chromium: `2. Tidlig innsats`
    /// starts 14 pt above its row). A rule that covers less than a third of the table's width, at a
    /// height where no other rule runs, moves to the nearest height where a wider rule runs.
    fn snap_partial_rules(h: &mut [(f32, f32, f32)]) {
        if h.len() > 5_000 {
            return;
        }
        // (y, covered width, x0, x1) per height
        let mut rows: Vec<(f32, f32, f32, f32)> = Vec::new();
        let mut sorted: Vec<(f32, f32, f32)> = h.to_vec();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (y, a, b) in sorted {
            match rows.last_mut() {
                Some(r) if (y - r.0).abs() <= TOL => {
                    r.1 += b - a;
                    r.2 = r.2.min(a);
                    r.3 = r.3.max(b);
                }
                _ => rows.push((y, b - a, a, b)),
            }
        }
        let mut moves: Vec<(f32, f32)> = Vec::new();
        for r in &rows {
            // rows over the same x range, or meeting it (the other columns' rules of that row end
            // where the partial rule begins)
            let overlapping = rows.iter().filter(|o| o.2 <= r.3 + TOL && o.3 >= r.2 - TOL);
            let width = overlapping.clone().map(|o| o.3 - o.2).fold(0.0f32, f32::max);
            if width <= 0.0 || r.3 - r.2 >= width / 3.0 {
                continue;
            }
            let target = overlapping
                .filter(|o| o.3 - o.2 >= width * 0.6 && (o.0 - r.0).abs() > TOL && (o.0 - r.0).abs() < 40.0)
                .min_by(|a, b| (a.0 - r.0).abs().total_cmp(&(b.0 - r.0).abs()));
            if let Some(t) = target {
                moves.push((r.0, t.0));
            }
        }
        for seg in h.iter_mut() {
            if let Some(&(_, to)) = moves.iter().find(|(from, _)| (seg.0 - from).abs() <= TOL) {
                seg.0 = to;
            }
        }
    }

    /// Vertical rules as (x, y0, y1), for splitting lines into cell chunks.
    pub fn vertical_spans(&self) -> Vec<(f32, f32, f32)> {
        self.v.clone()
    }
}

fn fill_hex(c: [u8; 3]) -> String {
    format!("#{:02X}{:02X}{:02X}", c[0], c[1], c[2])
}

/// Cluster sorted values within `TOL`.
fn cluster(mut vals: Vec<f32>) -> Vec<f32> {
    vals.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for v in vals {
        match out.last() {
            Some(&l) if v - l <= TOL => {}
            _ => out.push(v),
        }
    }
    out
}

/// Find the tables on a page; removes the lines (or chunks) they use from `lines`.
pub fn find(lines: &mut Vec<Line>, rules: &Rules, style: &Style, page: u32) -> Vec<Found> {
    let mut found = ruled(lines, rules, style, page);
    found.extend(aligned(lines, rules, style, page));
    found.sort_by(|a, b| b.top.total_cmp(&a.top));
    found
}

// ---- ruled tables ----

struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>, // descending
}

fn components(rules: &Rules) -> Vec<Grid> {
    let n_h = rules.h.len();
    let n = n_h + rules.v.len();
    if n > 4000 {
        return Vec::new();
    }
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while let Some(&q) = p.get(i) {
            if q == i {
                break;
            }
            let gp = p.get(q).copied().unwrap_or(q);
            if let Some(slot) = p.get_mut(i) {
                *slot = gp;
            }
            i = q;
        }
        i
    }
    for (i, &(y, x0, x1)) in rules.h.iter().enumerate() {
        for (j, &(x, y0, y1)) in rules.v.iter().enumerate() {
            if x >= x0 - TOL && x <= x1 + TOL && y >= y0 - TOL && y <= y1 + TOL {
                let (a, b) = (root(&mut parent, i), root(&mut parent, n_h + j));
                if let Some(slot) = parent.get_mut(a) {
                    *slot = b;
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<f32>, Vec<f32>)> = Default::default();
    for i in 0..n {
        let r = root(&mut parent, i);
        let e = groups.entry(r).or_default();
        if i < n_h {
            if let Some(h) = rules.h.get(i) {
                e.1.push(h.0);
            }
        } else if let Some(v) = rules.v.get(i - n_h) {
            e.0.push(v.0);
        }
    }
    let mut out = Vec::new();
    for (_, (xs, ys)) in groups {
        let xs = cluster(xs);
        let mut ys = cluster(ys);
        ys.reverse();
        if xs.len() >= 2 && ys.len() >= 2 && (xs.len() >= 3 || ys.len() >= 3) {
            out.push(Grid { xs, ys });
        }
    }
    out
}

fn has_v(rules: &Rules, x: f32, y0: f32, y1: f32) -> bool {
    let mid = (y0 + y1) / 2.0;
    rules.v.iter().any(|&(vx, a, b)| (vx - x).abs() <= TOL && a - TOL <= mid && b + TOL >= mid)
}

fn has_h(rules: &Rules, y: f32, x0: f32, x1: f32) -> bool {
    let mid = (x0 + x1) / 2.0;
    rules.h.iter().any(|&(hy, a, b)| (hy - y).abs() <= TOL && a - TOL <= mid && b + TOL >= mid)
}

struct CellBox {
    r0: usize,
    r1: usize,
    c0: usize,
    c1: usize,
    x0: f32,
    x1: f32,
    y0: f32,
    y1: f32,
    lines: Vec<Line>,
}

fn ruled(lines: &mut Vec<Line>, rules: &Rules, style: &Style, page: u32) -> Vec<Found> {
    let mut out = Vec::new();
    for g in components(rules) {
        let (nr, nc) = (g.ys.len() - 1, g.xs.len() - 1);
        if nr * nc > 5000 {
            continue;
        }
        // owner[r][c] = index of the cell box covering it
        let mut owner: Vec<Vec<Option<usize>>> = vec![vec![None; nc]; nr];
        let mut boxes: Vec<CellBox> = Vec::new();
        for r in 0..nr {
            for c in 0..nc {
                if owner.get(r).and_then(|row| row.get(c)).copied().flatten().is_some() {
                    continue;
                }
                let (ytop, ybot) = (g.ys[r], g.ys[r + 1]);
                let mut c1 = c;
                while c1 + 1 < nc && !has_v(rules, g.xs[c1 + 1], ybot, ytop) {
                    c1 += 1;
                }
                let (x0, x1) = (g.xs[c], g.xs[c1 + 1]);
                let mut r1 = r;
                while r1 + 1 < nr
                    && !has_h(rules, g.ys[r1 + 1], x0, x1)
                    && (c..=c1)
                        .all(|k| owner.get(r1 + 1).and_then(|row| row.get(k)).copied().flatten().is_none())
                {
                    r1 += 1;
                }
                let id = boxes.len();
                for rr in r..=r1 {
                    for cc in c..=c1 {
                        if let Some(slot) = owner.get_mut(rr).and_then(|row| row.get_mut(cc)) {
                            *slot = Some(id);
                        }
                    }
                }
                boxes.push(CellBox {
                    r0: r,
                    r1,
                    c0: c,
                    c1,
                    x0,
                    x1,
                    y0: g.ys[r1 + 1],
                    y1: ytop,
                    lines: Vec::new(),
                });
            }
        }
        // assign chunks
        let (tx0, tx1, ty0, ty1) = (g.xs[0], g.xs[nc], g.ys[nr], g.ys[0]);
        let mut used = 0usize;
        let mut rest: Vec<Line> = Vec::with_capacity(lines.len());
        for l in lines.drain(..) {
            let cy = l.y + 0.3 * l.size;
            if cy < ty0 || cy > ty1 {
                rest.push(l);
                continue;
            }
            let mut outside: Vec<Chunk> = Vec::new();
            for ch in l.chunks.iter() {
                let cx = (ch.x0 + ch.x1) / 2.0;
                let target = if cx >= tx0 && cx <= tx1 {
                    boxes.iter_mut().find(|b| {
                        cx >= b.x0 - 1.0 && cx <= b.x1 + 1.0 && cy >= b.y0 - 1.0 && cy <= b.y1 + 1.0
                    })
                } else {
                    None
                };
                match target {
                    Some(b) => {
                        used += 1;
                        add_chunk(&mut b.lines, ch, &l);
                    }
                    None => outside.push(ch.clone()),
                }
            }
            if !outside.is_empty() {
                let mut keep = l.clone();
                keep.x0 = outside.first().map_or(l.x0, |c| c.x0);
                keep.x1 = outside.last().map_or(l.x1, |c| c.x1);
                keep.chunks = outside;
                rest.push(keep);
            }
        }
        *lines = rest;
        if used == 0 {
            continue;
        }
        let mut rows: Vec<Row> = (0..nr).map(|_| Row::default()).collect();
        for b in boxes {
            let fill = rules
                .fills
                .iter()
                .rev()
                .find(|f| {
                    let ix = (f.x1.min(b.x1) - f.x0.max(b.x0)).max(0.0);
                    let iy = (f.y1.min(b.y1) - f.y0.max(b.y0)).max(0.0);
                    ix * iy >= 0.5 * (b.x1 - b.x0) * (b.y1 - b.y0)
                })
                .and_then(|f| f.fill)
                .map(fill_hex);
            let blocks = blocks_from_lines(&b.lines, style, b.x1 - 2.0, 0, true);
            if let Some(row) = rows.get_mut(b.r0) {
                row.cells.push(Cell {
                    blocks,
                    fill,
                    col_span: (b.c1 - b.c0 + 1) as u32,
                    row_span: (b.r1 - b.r0 + 1) as u32,
                });
            }
        }
        // drop rows that hold nothing (e.g. thin spacer bands)
        rows.retain(|r| !r.cells.is_empty());
        mark_header(&mut rows);
        out.push(Found { top: ty1, table: Table { rows, pos: Pos::default() }, page });
    }
    out
}

fn add_chunk(dst: &mut Vec<Line>, ch: &Chunk, l: &Line) {
    // chunks of one cell on the same baseline form one line
    if let Some(last) = dst.last_mut() {
        if (last.y - l.y).abs() < 0.3 * l.size && ch.x0 >= last.x1 {
            last.x1 = ch.x1;
            last.chunks.push(ch.clone());
            return;
        }
    }
    dst.push(Line { chunks: vec![ch.clone()], x0: ch.x0, x1: ch.x1, y: l.y, size: l.size, page: l.page });
}

fn mark_header(rows: &mut [Row]) {
    if rows.len() < 2 {
        return;
    }
    if let Some(first) = rows.first_mut() {
        let all_bold = first.cells.iter().all(|c| {
            c.blocks.iter().all(|b| match b {
                crate::model::Block::Paragraph { text, .. } | crate::model::Block::Heading { text, .. } => {
                    text.all_bold()
                }
                _ => false,
            })
        }) && first.cells.iter().any(|c| !c.blocks.is_empty());
        first.header = all_bold;
    }
}

// ---- tables from aligned columns ----

fn col_of(cols: &[f32], x: f32) -> Option<usize> {
    cols.iter().position(|&c| (c - x).abs() <= TOL)
}

/// Does the line fit the columns: each chunk starts at a column and ends before the next one?
/// Once three columns are known, a chunk may also start inside a column (an indented bullet or
/// a wrapped line within a cell) when a chunk at a column start is on the same line, or the
/// line continues the cell above.
fn fits(cols: &[f32], l: &Line, size: f32, right: f32) -> bool {
    let within = cols.len() >= 3;
    l.chunks.iter().all(|ch| {
        let k = match col_of(cols, ch.x0) {
            Some(k) => k,
            // inside the last column only beside text at its start (a justified line's wide gap)
            // or on a line with text at two column starts, or ending where the table's text ends
            // (a right-aligned amount)
            None if within => match col_in(cols, ch.x0) {
                Some(k)
                    if k + 1 < cols.len()
                        || l.chunks.iter().any(|o| col_of(cols, o.x0) == Some(k))
                        || l.chunks.iter().filter(|o| col_of(cols, o.x0).is_some()).count() >= 2
                        || (ch.x1 - right).abs() <= TOL =>
                {
                    k
                }
                _ => return false,
            },
            None => return false,
        };
        // text overflowing into the next column where that column's own text starts on the same
        // line (typst lets a date run under the status word beside it) still fits
        let next_filled = |next: f32| l.chunks.iter().any(|o| (o.x0 - next).abs() <= TOL);
        cols.get(k + 1).is_none_or(|&next| ch.x1 <= next + 0.3 * size || next_filled(next))
    })
}

/// Split the line's chunks at words that start a column further right: typst sets auto-width
/// cells so tight that a cell's text and its neighbour's arrive as one chunk (`09.00-09.10 14/25`),
/// and justified text can leave a wider gap inside a cell than between cells. None when nothing
/// was split.
fn split_at_cols(cols: &[f32], l: &Line) -> Option<Line> {
    let mut chunks: Vec<Chunk> = Vec::with_capacity(l.chunks.len());
    let mut split = false;
    for ch in &l.chunks {
        let mut cur = ch.clone();
        loop {
            let at = cur.words.iter().enumerate().skip(1).find_map(|(k, w)| {
                cols.iter().any(|&c| c > cur.x0 + TOL && (w.x0 - c).abs() <= TOL).then_some(k)
            });
            match at.and_then(|k| cur.split_at_word(k)) {
                Some((left, right)) => {
                    chunks.push(left);
                    cur = right;
                    split = true;
                }
                None => break,
            }
        }
        chunks.push(cur);
    }
    chunks.retain(|c| !c.text.is_empty());
    split.then(|| Line { chunks, ..l.clone() })
}

/// The column a position falls in: the last one starting at or before it.
fn col_in(cols: &[f32], x: f32) -> Option<usize> {
    cols.iter().rposition(|&c| c <= x + TOL)
}

/// A column that marks the first line of each row: filled on several lines, never on two
/// consecutive ones (the header line aside), e.g. a time or number column in a table whose
/// other cells wrap. Rows are cut where it is filled. When another column marks every such line
/// and also one-line rows (consecutive lines that both fill most columns), that one is taken.
fn key_column(region: &[Line], cols: &[f32]) -> Option<usize> {
    let filled = |l: &Line, k: usize| l.chunks.iter().any(|ch| col_in(cols, ch.x0) == Some(k));
    let row_like = |l: &Line| filled_cols(cols, l) * 2 > cols.len();
    // (column, hits per line, count) of the best column; `relaxed` lets two consecutive lines
    // both be filled when both fill most columns (two one-line rows)
    let best = |relaxed: bool| -> Option<(usize, Vec<bool>, usize)> {
        let mut best: Option<(usize, Vec<bool>, usize)> = None;
        for k in 0..cols.len() {
            let hits: Vec<bool> = region.iter().map(|l| filled(l, k)).collect();
            let n = hits.iter().filter(|h| **h).count();
            let consecutive = hits.windows(2).enumerate().skip(1).any(|(j, w)| {
                w.first() == Some(&true)
                    && w.get(1) == Some(&true)
                    && !(relaxed && region.get(j..j + 2).is_some_and(|p| p.iter().all(&row_like)))
            });
            if n >= 3 && !consecutive && n < region.len() && best.as_ref().is_none_or(|b| n > b.2) {
                best = Some((k, hits, n));
            }
        }
        best
    };
    let strict = best(false)?;
    // a column that marks every row the strict one marks and more (one-line rows without a case
    // number: `11.30-12.00 | | Lunsj | | 30` above `12.00-12.45 | 21/25 | …`) marks the rows
    if cols.len() >= 3 {
        if let Some(relaxed) = best(true) {
            let covers = strict.1.iter().zip(&relaxed.1).all(|(s, r)| !*s || *r);
            if relaxed.2 > strict.2 && covers {
                return Some(relaxed.0);
            }
        }
    }
    Some(strict.0)
}

/// How many columns a line has text in.
fn filled_cols(cols: &[f32], l: &Line) -> usize {
    let mut ks: Vec<usize> = l.chunks.iter().filter_map(|ch| col_in(cols, ch.x0)).collect();
    ks.dedup();
    ks.len()
}

fn h_rule_between(rules: &Rules, y_hi: f32, y_lo: f32, x0: f32, x1: f32) -> bool {
    rules.h.iter().any(|&(y, a, b)| y < y_hi && y > y_lo && a <= x0 + 2.0 * TOL && b >= x1 - 2.0 * TOL)
}

fn aligned(lines: &mut Vec<Line>, rules: &Rules, style: &Style, page: u32) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(l) = lines.get(i) else { break };
        let starts = l.chunks.len() >= 2
            && list_marker(&l.text()).is_none()
            && (l.chunks.len() >= 3 || rule_near(rules, l, style));
        if !starts {
            i += 1;
            continue;
        }
        let size = l.size;
        let mut cols: Vec<f32> = l.chunks.iter().map(|c| c.x0).collect();
        let pitch_max = style.pitch * size * 2.6;
        // extend downwards
        let mut end = i + 1;
        while let Some(n) = lines.get(end) {
            let Some(p) = lines.get(end - 1) else { break };
            if p.y - n.y > pitch_max || n.page != p.page {
                break;
            }
            let right =
                lines.get(i..end).map_or(f32::MAX, |r| r.iter().map(|l| l.x1).fold(f32::MIN, f32::max));
            if !fits(&cols, n, size, right) {
                if let Some(s) = split_at_cols(&cols, n).filter(|s| fits(&cols, s, size, right)) {
                    if let Some(slot) = lines.get_mut(end) {
                        *slot = s;
                    }
                    end += 1;
                    continue;
                }
                // a cell's text centred over several rows (LaTeX's multirow: one line, unwrapped,
                // running over its neighbours) sits between two table lines, off their baseline
                // grid (closer than a line pitch to both): it starts at a column and the line below
                // fits again
                let off_grid = p.y - n.y < 0.7 * style.pitch * size && n.chunks.len() == 1;
                let below_fits = lines.get(end + 1).is_some_and(|b| {
                    n.y - b.y < 0.7 * style.pitch * size
                        && (fits(&cols, b, size, right)
                            || split_at_cols(&cols, b).is_some_and(|s| fits(&cols, &s, size, right)))
                });
                if off_grid && below_fits && col_of(&cols, n.x0).is_some() {
                    end += 1;
                    continue;
                }
                // a row with at least two aligned chunks may add a column
                let aligned_n = n.chunks.iter().filter(|c| col_of(&cols, c.x0).is_some()).count();
                if aligned_n >= 2 && n.chunks.len() >= 3 {
                    for c in &n.chunks {
                        if col_of(&cols, c.x0).is_none() {
                            cols.push(c.x0);
                        }
                    }
                    cols.sort_by(f32::total_cmp);
                    if !fits(&cols, n, size, right) {
                        break;
                    }
                } else {
                    break;
                }
            }
            end += 1;
        }
        // extend upwards (wrapped header cells above the first full row)
        let mut begin = i;
        while begin > 0 {
            let (Some(p), Some(n)) = (lines.get(begin - 1), lines.get(begin)) else { break };
            if p.y - n.y > style.pitch * size * 1.4
                || !fits(&cols, p, size, f32::MAX)
                || col_of(&cols, p.x0) == Some(0)
            {
                break;
            }
            begin -= 1;
        }
        let multi = lines.get(begin..end).map_or(0, |s| s.iter().filter(|l| l.chunks.len() >= 2).count());
        if end - begin < 2 || multi < 2 || cols.len() < 2 {
            i += 1;
            continue;
        }
        let region: Vec<Line> = lines.drain(begin..end).collect();
        let top = region.first().map_or(0.0, |l| l.y + l.size);
        let table = build_aligned(&region, &cols, rules, style);
        out.push(Found { top, table, page });
        i = begin;
    }
    out
}

fn rule_near(rules: &Rules, l: &Line, style: &Style) -> bool {
    let reach = style.pitch * l.size * 1.5;
    rules.h.iter().any(|&(y, a, b)| (y - l.y).abs() < reach && a <= l.x0 + TOL && b >= l.x1 - TOL)
}

fn build_aligned(region: &[Line], cols: &[f32], rules: &Rules, style: &Style) -> Table {
    let nc = cols.len();
    let x_left = cols.first().copied().unwrap_or(0.0);
    let x_right = region.iter().map(|l| l.x1).fold(x_left, f32::max);
    // cut rows: at a rule, or where the gap between lines is wider than inside a cell; without
    // wider gaps (no cell padding), where the first column starts a new entry
    let gaps: Vec<f32> =
        region.windows(2).map(|w| w.first().map_or(0.0, |a| a.y) - w.get(1).map_or(0.0, |b| b.y)).collect();
    let min_gap = gaps.iter().copied().filter(|g| *g > 0.0).fold(f32::MAX, f32::min);
    // a lone rule inside the table (booktabs' midrule under the header) widens its gap without
    // the rows being padded
    let ruled: Vec<bool> = region
        .windows(2)
        .map(|w| match w {
            [a, b] => h_rule_between(rules, a.y, b.y, x_left, x_right),
            _ => false,
        })
        .collect();
    let lone_rule = ruled.iter().filter(|r| **r).count() == 1;
    let padded = gaps.iter().zip(&ruled).any(|(g, r)| *g > min_gap * 1.12 && !(lone_rule && *r));
    let key = key_column(region, cols);
    let mut rows_lines: Vec<Vec<&Line>> = Vec::new();
    for (k, l) in region.iter().enumerate() {
        let new_row = match k.checked_sub(1).and_then(|p| region.get(p)) {
            None => true,
            Some(p) => {
                let gap = p.y - l.y;
                let rule = h_rule_between(rules, p.y, l.y, x_left, x_right);
                if let Some(kc) = key {
                    // the header is one row unless its cells wrap on (`Sta-` / `tus`)
                    let header_goes_on = k == 1
                        && l.chunks.iter().all(|ch| ch.text.chars().next().is_some_and(char::is_lowercase));
                    rule || (k == 1 && !header_goes_on)
                        || l.chunks.iter().any(|ch| col_in(cols, ch.x0) == Some(kc))
                } else {
                    let first_col = !padded && col_of(cols, l.x0) == Some(0);
                    rule || (padded && gap > min_gap * 1.12) || first_col
                }
            }
        };
        if new_row {
            rows_lines.push(Vec::new());
        }
        if let Some(r) = rows_lines.last_mut() {
            r.push(l);
        }
    }
    // (top baseline, bottom baseline) of each row
    let rows_first_last: Vec<(f32, f32)> =
        rows_lines.iter().map(|r| (r.first().map_or(0.0, |l| l.y), r.last().map_or(0.0, |l| l.y))).collect();
    // each column's right edge: where its longest line ends (a wrapped cell fills it)
    let mut col_right: Vec<f32> = vec![f32::MIN; nc];
    for l in region {
        for ch in &l.chunks {
            let k = col_of(cols, ch.x0).or_else(|| col_in(cols, ch.x0)).unwrap_or(0);
            if let Some(r) = col_right.get_mut(k) {
                *r = r.max(ch.x1);
            }
        }
    }
    let mut grid: Vec<Vec<Vec<Line>>> = Vec::with_capacity(rows_lines.len());
    for rl in rows_lines {
        let mut cell_lines: Vec<Vec<Line>> = vec![Vec::new(); nc];
        for l in rl {
            for ch in &l.chunks {
                let k = col_of(cols, ch.x0).or_else(|| col_in(cols, ch.x0)).unwrap_or(0);
                if let Some(dst) = cell_lines.get_mut(k) {
                    add_chunk(dst, ch, l);
                }
            }
        }
        // a cell above that ended in a broken word (`tjen-`) going on in this row's first line
        // (`ester`) is a row-spanning cell: its word goes back up
        if let Some(above) = grid.last_mut() {
            for (k, cell) in cell_lines.iter_mut().enumerate() {
                let broken = above.get(k).and_then(|a| a.last()).is_some_and(|l| {
                    let t = l.text();
                    t.ends_with('\u{AD}')
                        || t.ends_with('-') && t.chars().rev().nth(1).is_some_and(char::is_lowercase)
                });
                let goes_on =
                    cell.first().is_some_and(|l| l.text().chars().next().is_some_and(char::is_lowercase));
                if broken && goes_on && !cell.is_empty() {
                    let line = cell.remove(0);
                    if let Some(a) = above.get_mut(k) {
                        a.push(line);
                    }
                }
            }
        }
        grid.push(cell_lines);
    }
    let mut rows = Vec::new();
    for cell_lines in grid {
        let cells = cell_lines
            .iter()
            .enumerate()
            .map(|(k, ls)| {
                let next = cols.get(k + 1).copied().unwrap_or(x_right) - 4.0;
                let right = col_right.get(k).copied().filter(|r| *r > f32::MIN).map_or(next, |r| r.min(next));
                Cell { blocks: blocks_from_lines(ls, style, right, 0, true), ..Cell::default() }
            })
            .collect();
        rows.push(Row { cells, header: false });
    }
    // a header row: bold, or set off by a rule between it and the next row
    mark_header(&mut rows);
    if let (Some(first), Some(second)) = (rows_first_last.first(), rows_first_last.get(1)) {
        if h_rule_between(rules, first.1, second.0, x_left, x_right) {
            if let Some(r0) = rows.first_mut() {
                r0.header = true;
            }
        }
    }
    Table { rows, pos: Pos::default() }
}

/// Append `next` to `prev` when it continues it on the next page (same column count); a
/// repeated header row is dropped. Returns true when appended.
pub fn continue_table(prev: &mut Table, next: &Table) -> bool {
    if prev.width() != next.width() || prev.width() == 0 {
        return false;
    }
    let mut rows = next.rows.clone();
    if let (Some(a), Some(b)) = (prev.rows.first(), rows.first()) {
        let ta: Vec<String> = a.cells.iter().map(|c| c.text()).collect();
        let tb: Vec<String> = b.cells.iter().map(|c| c.text()).collect();
        if ta == tb {
            rows.remove(0);
        }
    }
    // a row cut by the page break: the first row goes on with lower-case words only (a sentence
    // or list item continued); its cells join the last row's cells column by column
    let cut = rows.first().is_some_and(|r| {
        let texts: Vec<String> = r.cells.iter().map(Cell::text).filter(|t| !t.is_empty()).collect();
        let lower = |t: &String| t.chars().next().is_some_and(char::is_lowercase);
        let first_empty = r.cells.first().is_some_and(|c| c.blocks.is_empty());
        if texts.is_empty() {
            return false;
        }
        // with the first column empty (a row span going on), the first text must go on in lower
        // case: a status word (`rød`) further right does not make a new row a continuation
        if texts.iter().all(lower) || (first_empty && texts.first().is_some_and(lower)) {
            return true;
        }
        // a list going on in one cell (`• Pasientens legemiddelliste …` under `• Erfaringer …`),
        // every other cell empty
        let last = prev.rows.last();
        let filled: Vec<usize> =
            (0..r.cells.len()).filter(|&i| r.cells.get(i).is_some_and(|c| !c.blocks.is_empty())).collect();
        let is_item =
            |b: Option<&crate::model::Block>| matches!(b, Some(crate::model::Block::ListItem { .. }));
        if let [i] = filled.as_slice() {
            let item_here = is_item(r.cells.get(*i).and_then(|c| c.blocks.first()));
            let item_above = is_item(last.and_then(|l| l.cells.get(*i)).and_then(|c| c.blocks.last()));
            let plain = r
                .cells
                .iter()
                .chain(last.map(|l| l.cells.iter()).into_iter().flatten())
                .all(|c| c.col_span <= 1);
            if first_empty
                && item_here
                && item_above
                && plain
                && last.is_some_and(|l| l.cells.len() == r.cells.len())
            {
                return true;
            }
        }
        // the first column goes on in lower case, and every other cell either does too or goes
        // on from a cell above that ended unfinished (`… ROP-team for` / `Nordmøre`)
        let first_lower = r.cells.first().is_some_and(|c| lower(&c.text()));
        first_lower
            && r.cells.iter().enumerate().all(|(i, c)| {
                let t = c.text();
                let above = last.and_then(|l| l.cells.get(i)).map(Cell::text).unwrap_or_default();
                t.is_empty()
                    || lower(&t)
                    || (!above.is_empty() && !above.trim_end().ends_with(['.', '!', '?', ':', ';']))
            })
    });
    if cut && !prev.rows.is_empty() {
        let first = rows.remove(0);
        // grid column of the last row → (row, cell) of the cell covering it (maybe a row span)
        let last_idx = prev.rows.len() - 1;
        let mut owner: Vec<Option<(usize, usize)>> = Vec::new();
        {
            let grid = prev.grid();
            if let Some(line) = grid.get(last_idx) {
                for cell in line {
                    owner.push(cell.and_then(|c| {
                        prev.rows.iter().enumerate().find_map(|(ri, row)| {
                            row.cells.iter().position(|d| std::ptr::eq(c, d)).map(|ci| (ri, ci))
                        })
                    }));
                }
            }
        }
        let mut col = 0usize;
        let mut done: Vec<(usize, usize)> = Vec::new();
        for src in first.cells {
            let span = src.col_span.max(1) as usize;
            let target = owner.get(col).copied().flatten();
            col += span;
            let Some((ri, ci)) = target else { continue };
            if done.contains(&(ri, ci)) {
                continue;
            }
            done.push((ri, ci));
            if let Some(dst) = prev.rows.get_mut(ri).and_then(|r| r.cells.get_mut(ci)) {
                // a cell that spans on into the next rows keeps spanning
                dst.row_span += src.row_span.max(1) - 1;
                join_cell(dst, src);
            }
        }
    }
    // a row span going on over the page break: the next page's first row leaves the spanned
    // column empty (browsers do not repeat the text); the cell above spans on instead
    let span_on = rows.first().is_some_and(|r| {
        r.cells.first().is_some_and(|c| c.blocks.is_empty() && c.col_span <= 1)
            && r.cells.iter().skip(1).any(|c| !c.blocks.is_empty())
    });
    if span_on {
        let last_idx = prev.rows.len().saturating_sub(1);
        let owner = {
            let grid = prev.grid();
            grid.get(last_idx).and_then(|line| line.first().copied().flatten()).and_then(|c| {
                prev.rows.iter().enumerate().find_map(|(ri, row)| {
                    row.cells.iter().position(|d| std::ptr::eq(c, d)).map(|ci| (ri, ci))
                })
            })
        };
        if let Some((ri, ci)) = owner {
            let extra = rows.first_mut().map_or(1, |r| r.cells.remove(0).row_span.max(1));
            if let Some(dst) = prev.rows.get_mut(ri).and_then(|r| r.cells.get_mut(ci)) {
                dst.row_span += extra;
            }
        }
    }
    prev.rows.extend(rows);
    true
}

/// Append a continued cell: a leading paragraph goes on the text of the last block.
fn join_cell(dst: &mut Cell, src: Cell) {
    if dst.fill.is_none() {
        dst.fill = src.fill;
    }
    let mut blocks = src.blocks.into_iter();
    if let Some(first) = blocks.next() {
        match (dst.blocks.last_mut(), first) {
            (
                Some(
                    crate::model::Block::Paragraph { text: a, .. }
                    | crate::model::Block::ListItem { text: a, .. },
                ),
                crate::model::Block::Paragraph { text: b, .. },
            ) => {
                let shift = a.text.chars().count() as u32 + 1;
                a.text.push(' ');
                a.text.push_str(&b.text);
                a.emphasis.extend(b.emphasis.into_iter().map(|e| crate::model::Emphasis {
                    start: e.start + shift,
                    end: e.end + shift,
                    ..e
                }));
            }
            (_, other) => dst.blocks.push(other),
        }
    }
    dst.blocks.extend(blocks);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::pdf::content::Glyph;
    use crate::read::pdf::layout::{page_lines_of, style_of};

    /// Paint `text` on baseline `y` from `x`, each character `w` wide (a space too), as one run.
    fn paint(p: &mut Page, text: &str, x: f32, y: f32, w: f32) {
        let mut x = x;
        let mut placed = true;
        for ch in text.chars() {
            let start = p.text.len() as u32;
            p.text.push(ch);
            p.glyphs.push(Glyph {
                x0: x,
                x1: x + w,
                y,
                size: 11.0,
                start,
                end: p.text.len() as u32,
                bold: false,
                italic: false,
                rotated: false,
                placed,
            });
            placed = false;
            x += w;
        }
    }

    fn cells(t: &Table) -> Vec<Vec<String>> {
        t.rows.iter().map(|r| r.cells.iter().map(Cell::text).collect()).collect()
    }

    fn tables_of(p: &Page) -> Vec<Table> {
        let rules = Rules::from_page(p);
        let mut lines = page_lines_of(p, 1, &rules.vertical_spans());
        let style = style_of(&lines);
        find(&mut lines, &rules, &style, 1).into_iter().map(|f| f.table).collect()
    }

    /// typst's unruled agenda: cells so tight that a time and its case number form one chunk
    /// (`10.00-10.10 18/25`), a one-line row without a case number (`Lunsj`), a wrapped row.
    #[test]
    fn touching_cells_split_at_column_starts() {
        let mut p = Page { width: 595.0, height: 842.0, ..Page::default() };
        let cols = [96.0, 152.0, 201.0, 383.0, 497.0];
        let row = |p: &mut Page, y: f32, texts: [&str; 5]| {
            for (t, x) in texts.iter().zip(cols) {
                paint(p, t, x, y, 4.5);
            }
        };
        row(&mut p, 700.0, ["Kl.", "Saksnr.", "Saker", "Ansvarleg", "Tid"]);
        row(&mut p, 680.0, ["10.00-10.10", "18/25", "Godkjenning av innkalling", "Solfrid Aarflot", "10"]);
        row(&mut p, 660.0, ["10.10-10.50", "19/25", "Status handlingsplan", "Kåre Longva", "40"]);
        row(&mut p, 640.0, ["11.30-12.00", "", "Lunsj", "", "30"]);
        row(&mut p, 620.0, ["12.00-12.45", "21/25", "Søknad om tilskot", "Ålesund kommune", "45"]);
        row(&mut p, 605.6, ["", "", "ambulant team", "v/ Therese Lied", ""]);
        // the time and the case number touch: one chunk before splitting
        let lines = page_lines_of(&p, 1, &[]);
        assert_eq!(
            lines.get(1).and_then(|l| l.chunks.first()).map(|c| c.text.as_str()),
            Some("10.00-10.10 18/25")
        );
        let tables = tables_of(&p);
        assert_eq!(tables.len(), 1);
        let got = cells(&tables[0]);
        assert_eq!(got.len(), 5, "{got:?}");
        assert_eq!(got[1], ["10.00-10.10", "18/25", "Godkjenning av innkalling", "Solfrid Aarflot", "10"]);
        assert_eq!(got[3], ["11.30-12.00", "", "Lunsj", "", "30"]);
        assert_eq!(got[4][2], "Søknad om tilskot ambulant team");
        assert_eq!(got[4][3], "Ålesund kommune v/ Therese Lied");
    }

    /// A date overflowing its narrow cell under the next cell's word: drawn one after the other,
    /// sorted by x they would interleave (`01.06.202g5rønn`); they stay two cells.
    #[test]
    fn overlapping_runs_stay_apart() {
        let mut p = Page { width: 595.0, height: 842.0, ..Page::default() };
        for (y, a, b) in
            [(700.0, "Tiltak", "Frist"), (680.0, "Plan A", "01.06.2025"), (660.0, "Plan B", "31.10.2025")]
        {
            paint(&mut p, a, 100.0, y, 5.0);
            paint(&mut p, b, 300.0, y, 5.0);
        }
        paint(&mut p, "Status", 340.0, 700.0, 5.0);
        paint(&mut p, "grønn", 340.0, 680.0, 5.0);
        paint(&mut p, "gul", 340.0, 660.0, 5.0);
        let lines = page_lines_of(&p, 1, &[]);
        let texts: Vec<Vec<&str>> =
            lines.iter().map(|l| l.chunks.iter().map(|c| c.text.as_str()).collect()).collect();
        assert_eq!(texts[1], ["Plan A", "01.06.2025", "grønn"]);
        let tables = tables_of(&p);
        assert_eq!(tables.len(), 1);
        assert_eq!(cells(&tables[0])[2], ["Plan B", "31.10.2025", "gul"]);
    }

    /// Regrouping a line into runs keeps an accent drawn over its letter inside its word.
    #[test]
    fn regrouped_runs_keep_accents() {
        let mut p = Page { width: 595.0, height: 842.0, ..Page::default() };
        paint(&mut p, "Fet", 100.0, 700.0, 5.0);
        paint(&mut p, "pa", 140.0, 700.0, 5.0);
        paint(&mut p, "\u{2DA}", 145.5, 700.0, 4.0);
        paint(&mut p, "01.06.2025", 300.0, 700.0, 5.0);
        paint(&mut p, "grønn", 340.0, 700.0, 5.0);
        let lines = page_lines_of(&p, 1, &[]);
        let texts: Vec<&str> = lines[0].chunks.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["Fet", "pa\u{2DA}", "01.06.2025", "grønn"]);
    }

    /// booktabs: rules only above and below the header and at the end, one-line rows at an even
    /// pitch, one row wrapping; the midrule's wider gap makes no row padding, so rows are cut
    /// where the first column starts an entry.
    #[test]
    fn booktabs_rows_cut_at_the_first_column() {
        let mut p = Page { width: 595.0, height: 842.0, ..Page::default() };
        let rule = |y: f32| Shape { x0: 56.0, x1: 540.0, y0: y - 0.2, y1: y + 0.2, fill: Some([0, 0, 0]) };
        p.shapes.extend([rule(712.0), rule(694.0), rule(620.0)]);
        let rows = [
            (700.0, "Tiltak", "Søker", "Beløp"),
            (682.0, "Velferdsteknologi", "Aure kommune", "kr 900 000"),
            (670.0, "Kampanje for legevakt", "Smøla kommune og Aure", "kr 650 000"),
            (658.0, "", "kommune", ""),
            (646.0, "Kurs i omsorg", "Sunndal kommune", "kr 450 000"),
            (634.0, "Sum", "", "kr 2 000 000"),
        ];
        for (y, a, b, c) in rows {
            paint(&mut p, a, 57.0, y, 5.0);
            paint(&mut p, b, 295.0, y, 5.0);
            paint(&mut p, c, 476.0, y, 5.0);
        }
        let tables = tables_of(&p);
        assert_eq!(tables.len(), 1);
        let got = cells(&tables[0]);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(tables[0].rows[0].header);
        assert_eq!(got[2], ["Kampanje for legevakt", "Smøla kommune og Aure kommune", "kr 650 000"]);
        assert_eq!(got[4], ["Sum", "", "kr 2 000 000"]);
    }

    #[test]
    fn chunk_splits_at_a_word() {
        let mut p = Page { width: 595.0, height: 842.0, ..Page::default() };
        paint(&mut p, "Barneavdelingen", 100.0, 700.0, 5.0);
        // placed by the producer right where the text before ends: a word start, no space
        paint(&mut p, "01.06.2025", 175.0, 700.0, 5.0);
        let lines = page_lines_of(&p, 1, &[]);
        let c = &lines[0].chunks[0];
        assert_eq!(c.text, "Barneavdelingen01.06.2025");
        assert_eq!(c.words.len(), 2);
        let (a, b) = c.split_at_word(1).expect("split");
        assert_eq!((a.text.as_str(), a.x0, a.x1), ("Barneavdelingen", 100.0, 175.0));
        assert_eq!((b.text.as_str(), b.x0, b.x1), ("01.06.2025", 175.0, 225.0));
        assert_eq!(b.flags.len(), 10);
        assert!(c.split_at_word(0).is_none() && c.split_at_word(2).is_none());
    }
}
