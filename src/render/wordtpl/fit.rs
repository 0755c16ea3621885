//! After filling: table columns sized from their content, so that no word (and no amount, whose
//! spaces are no-break spaces) is broken inside a cell. A template's column widths are made
//! before the data is known; a long compound word in a narrow column (`rehabiliteringstilbodet`)
//! or in a nested list item inside a cell (its indent taken from the numbering level) would be
//! broken mid-word by Word and LibreOffice alike.
//!
//! Per table, each grid column needs its widest unbreakable piece of text (split at spaces and
//! after hyphens and slashes, where Word and LibreOffice may break) plus the paragraph's indent
//! and the cell margins; a column short of that takes width from columns with room to spare
//! ([`crate::render::docx::fit_columns`]), the table keeping its width. Widths are estimated
//! from the font size and classes of character widths ([`char_milli_em`], as in Calibri and
//! Carlito, with slack for other fonts and for bold) — no renderer's own metrics. A table whose columns all fit is left as the template made it.

use super::lists::Numbering;
use super::xml::{Elem, Node};

/// Bold text is wider: percent of the regular width.
const BOLD_PERCENT: u32 = 108;
/// Room for the difference between fonts (Calibri in Word, Carlito or another substitute in
/// LibreOffice): percent of the estimated width.
const FONT_SLACK_PERCENT: u32 = 106;

/// Advance width of a character in thousandths of an em, by class, as in Calibri and its
/// metric-compatible Carlito (narrow `i`, `l`, `t`, wide `m`, `w`, capitals); half an em for
/// what the table does not list.
fn char_milli_em(ch: char) -> u32 {
    match ch {
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '!' | '\'' | '|' => 250,
        'f' | 't' | 'r' | 'J' | '(' | ')' | '[' | ']' | '-' | '\u{2010}' => 350,
        's' | 'c' | 'z' | 'x' | 'v' | 'y' | 'k' | 'g' | '/' | '«' | '»' => 460,
        'a' | 'b' | 'd' | 'e' | 'h' | 'n' | 'o' | 'p' | 'q' | 'u' | 'ø' | 'å' | 'ö' | 'ä' => 530,
        '0'..='9' | '–' => 510,
        'm' | 'w' | 'æ' => 800,
        'M' | 'W' | 'Æ' | '—' => 900,
        c if c.is_uppercase() => 650,
        _ => 550,
    }
}
/// Word's default left and right cell margin (twips), when the table gives none.
const DEFAULT_CELL_MARGIN: u32 = 108;
/// Font size (half-points) when neither the run nor its style gives one.
const DEFAULT_SIZE: u32 = 22;

/// Fits every table below `root` (nested tables first).
pub fn fit_tables(root: &mut Elem, numbering: &Numbering) {
    for c in root.elems_mut() {
        fit_tables(c, numbering);
    }
    if root.name == "w:tbl" {
        fit_table(root, numbering);
    }
}

fn fit_table(tbl: &mut Elem, numbering: &Numbering) {
    let mut grid: Vec<usize> =
        super::post::grid_widths(tbl).into_iter().map(|w| usize::try_from(w).unwrap_or(0)).collect();
    if grid.is_empty() || grid.contains(&0) {
        return;
    }
    let margins = cell_margins(tbl) as usize;
    // per column: the need with the lists' own indents, and with list indents at their least
    let mut full = vec![0usize; grid.len()];
    let mut least = vec![0usize; grid.len()];
    for_cells(tbl, |col, tc| {
        let measures: Vec<Measure> =
            tc.elems().filter(|p| p.name == "w:p").map(|p| measure(p, numbering)).collect();
        let base = list_base(&measures);
        for m in &measures {
            if m.widest == 0 {
                continue;
            }
            if let (Some(f), Some(l)) = (full.get_mut(col), least.get_mut(col)) {
                *f = (*f).max((m.indent + m.widest) as usize + margins);
                *l = (*l).max((m.least_indent(base) + m.widest) as usize + margins);
            }
        }
    });
    if grid.iter().zip(&full).all(|(g, n)| n <= g) {
        return;
    }
    // nested lists in a narrow cell give up some of their indent before a word is broken
    let total: usize = grid.iter().sum();
    let need = if full.iter().sum::<usize>() <= total { &full } else { &least };
    crate::render::docx::fit_columns(&mut grid, need);
    if let Some(g) = tbl.child_mut("w:tblGrid") {
        for (gc, w) in g.elems_mut().filter(|c| c.name == "w:gridCol").zip(&grid) {
            gc.set_attr("w:w", &w.to_string());
        }
    }
    // the cells of a column share their widths' attribute list again once it is changed
    let mut edits = super::xml::SharedEdits::default();
    for row in tbl.elems_mut().filter(|r| r.name == "w:tr") {
        let mut col = 0usize;
        for tc in row.elems_mut().filter(|c| c.name == "w:tc") {
            let span = span_of(tc);
            let w: usize = grid.iter().skip(col).take(span).sum();
            if span == 1 && full.get(col).is_some_and(|f| *f > w) {
                compress_lists(tc, numbering, w.saturating_sub(margins) as u32);
            }
            col += span;
            if let Some(tw) = tc.child_mut("w:tcPr").and_then(|p| p.child_mut("w:tcW")) {
                if tw.attr("w:type").is_none_or(|t| t == "dxa") {
                    let w = w.to_string();
                    edits.apply(tw, &w, |tw| {
                        tw.set_attr("w:w", &w);
                        tw.set_attr("w:type", "dxa");
                    });
                }
            }
        }
    }
}

/// Calls `f` with each single-column cell of the table and its grid column.
fn for_cells(tbl: &Elem, mut f: impl FnMut(usize, &Elem)) {
    for row in tbl.elems().filter(|r| r.name == "w:tr") {
        let mut col = 0usize;
        for tc in row.elems().filter(|c| c.name == "w:tc") {
            let span = span_of(tc);
            if span == 1 {
                f(col, tc);
            }
            col += span;
        }
    }
}

/// The list items of a cell whose text would not fit `room` (twips inside the margins) get
/// smaller indents: every item's text starts at the widest hanging indent of the cell (the room
/// of a number or bullet) plus one step per list level, the step as large as the items' own
/// indents allow and small enough for the widest word; levels keep their order. Written as the
/// paragraphs' own `w:ind`.
fn compress_lists(tc: &mut Elem, numbering: &Numbering, room: u32) {
    let measures: Vec<Measure> =
        tc.elems().filter(|p| p.name == "w:p").map(|p| measure(p, numbering)).collect();
    let items: Vec<&Measure> = measures.iter().filter(|m| m.level.is_some()).collect();
    let Some(base) = list_base(&measures) else { return };
    let mut step = u32::MAX;
    for m in &items {
        let level = u32::from(m.level.unwrap_or(0));
        if level == 0 {
            continue;
        }
        // never more than the item's own indent
        step = step.min(m.indent.saturating_sub(base) / level);
        if m.widest > 0 && m.indent + m.widest > room {
            step = step.min(room.saturating_sub(base + m.widest) / level);
        }
    }
    if step == u32::MAX || !items.iter().any(|m| m.widest > 0 && m.indent + m.widest > room) {
        return;
    }
    for (i, p) in tc.elems_mut().filter(|p| p.name == "w:p").enumerate() {
        let Some(m) = measures.get(i) else { break };
        if let Some(level) = m.level {
            set_indent(p, base + u32::from(level) * step, m.hanging);
        }
    }
}

/// Where a cell's compressed list items start: the widest hanging indent of its list items.
fn list_base(measures: &[Measure]) -> Option<u32> {
    measures.iter().filter(|m| m.level.is_some()).map(|m| m.hanging).max()
}

/// The least step between two list levels when a cell's lists give up indent, so that the
/// levels stay apart.
const MIN_LIST_STEP: u32 = 140;

impl Measure {
    /// The least indent the paragraph can make do with: a list item its cell's base and the
    /// least step per level (never more than its own indent), anything else its own indent.
    fn least_indent(&self, base: Option<u32>) -> u32 {
        match (self.level, base) {
            (Some(level), Some(base)) => (base + u32::from(level) * MIN_LIST_STEP).min(self.indent.max(base)),
            _ => self.indent,
        }
    }
}

/// Sets a paragraph's own left and hanging indent.
fn set_indent(p: &mut Elem, left: u32, hanging: u32) {
    if p.child("w:pPr").is_none() {
        p.children.insert(0, Node::Elem(Elem::new("w:pPr", &[])));
    }
    let Some(ppr) = p.child_mut("w:pPr") else { return };
    let ind = Elem::new("w:ind", &[("w:left", &left.to_string()), ("w:hanging", &hanging.to_string())]);
    match ppr.children.iter().position(|n| matches!(n, Node::Elem(e) if e.name == "w:ind")) {
        Some(at) => ppr.children[at] = Node::Elem(ind),
        None => {
            // schema order: w:ind comes after pStyle, keepNext …, numPr, spacing; before jc, rPr
            let after = ppr
                .children
                .iter()
                .position(|n| matches!(n, Node::Elem(e) if matches!(e.name.as_str(), "w:contextualSpacing" | "w:mirrorIndents" | "w:suppressOverlap" | "w:jc" | "w:textDirection" | "w:textAlignment" | "w:textboxTightWrap" | "w:outlineLvl" | "w:divId" | "w:cnfStyle" | "w:rPr" | "w:sectPr" | "w:pPrChange")))
                .unwrap_or(ppr.children.len());
            ppr.children.insert(after, Node::Elem(ind));
        }
    }
}

fn span_of(tc: &Elem) -> usize {
    tc.child("w:tcPr")
        .and_then(|p| p.child("w:gridSpan"))
        .and_then(|g| g.attr("w:val"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1)
}

/// Left plus right cell margin of a table (twips).
fn cell_margins(tbl: &Elem) -> u32 {
    let mar = tbl.child("w:tblPr").and_then(|p| p.child("w:tblCellMar"));
    let side = |names: [&str; 2]| {
        mar.and_then(|m| names.iter().find_map(|n| m.child(n)))
            .and_then(|e| e.attr("w:w"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_CELL_MARGIN)
    };
    side(["w:left", "w:start"]) + side(["w:right", "w:end"])
}

/// What a paragraph needs (twips): its indent (a list item's from its numbering level unless
/// it has its own) and hanging indent (the room of its number), and its widest unbreakable
/// piece of text.
struct Measure {
    /// The list level of a list item.
    level: Option<u8>,
    indent: u32,
    hanging: u32,
    widest: u32,
}

fn measure(p: &Elem, numbering: &Numbering) -> Measure {
    let ppr = p.child("w:pPr");
    let style = ppr.and_then(|pr| pr.child("w:pStyle")).and_then(|s| s.attr("w:val"));
    let style_size = numbering.style_size(style).unwrap_or(DEFAULT_SIZE);
    let own = ppr.and_then(|pr| pr.child("w:ind")).and_then(|i| {
        let left = i.attr("w:left").or_else(|| i.attr("w:start"))?.parse::<i64>().ok()?.max(0) as u32;
        let hanging = i.attr("w:hanging").and_then(|v| v.parse().ok()).unwrap_or(0u32);
        Some((left, hanging))
    });
    let mut level = None;
    let list = ppr.and_then(|pr| pr.child("w:numPr")).and_then(|n| {
        let id: u64 = n.child("w:numId")?.attr("w:val")?.parse().ok()?;
        let lvl: u8 =
            n.child("w:ilvl").and_then(|l| l.attr("w:val")).and_then(|v| v.parse().ok()).unwrap_or(0);
        level = Some(lvl);
        numbering.level_indent(id, lvl)
    });
    if list.is_none() {
        level = None;
    }
    let (indent, hanging) = match (own, list) {
        (Some((left, hanging)), _) | (None, Some((left, hanging))) => (left, hanging),
        (None, None) => (0, 0),
    };
    // the paragraph's text with each character's width; a piece ends at a break opportunity
    let mut widest = 0u32;
    let mut current = 0u32;
    let mut runs: Vec<&Elem> = Vec::new();
    collect_runs(p, &mut runs);
    for r in runs {
        let rpr = r.child("w:rPr");
        let size = rpr
            .and_then(|pr| pr.child("w:sz"))
            .and_then(|s| s.attr("w:val"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(style_size);
        let bold = rpr
            .and_then(|pr| pr.child("w:b"))
            .is_some_and(|b| !matches!(b.attr("w:val"), Some("0" | "false")));
        // a half-point is 10 twips: an em of this run is size × 10 twips
        let width = |ch: char| {
            char_milli_em(ch) * size * 10 / 1000 * if bold { BOLD_PERCENT } else { 100 } / 100
                * FONT_SLACK_PERCENT
                / 100
        };
        for n in &r.children {
            let Node::Elem(e) = n else { continue };
            match e.name.as_str() {
                "w:t" => {
                    let text = e.children.iter().filter_map(|c| match c {
                        Node::Text(t) => Some(t.as_str()),
                        _ => None,
                    });
                    for ch in text.flat_map(str::chars) {
                        if ch.is_whitespace() && ch != '\u{a0}' {
                            widest = widest.max(current);
                            current = 0;
                            continue;
                        }
                        current += width(ch);
                        if matches!(ch, '-' | '/' | '\u{2010}') {
                            widest = widest.max(current);
                            current = 0;
                        }
                    }
                }
                "w:tab" | "w:br" | "w:cr" => {
                    widest = widest.max(current);
                    current = 0;
                }
                _ => {}
            }
        }
    }
    widest = widest.max(current);
    Measure { level, indent, hanging, widest }
}

/// The runs of a paragraph, also inside hyperlinks, content controls and fields.
fn collect_runs<'a>(e: &'a Elem, out: &mut Vec<&'a Elem>) {
    for c in e.elems() {
        match c.name.as_str() {
            "w:r" => out.push(c),
            "w:pPr" | "w:rPr" => {}
            _ => collect_runs(c, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::wordtpl::xml;

    fn table(widths: &[usize], cells: &[&str]) -> Elem {
        let grid: String = widths.iter().map(|w| format!("<w:gridCol w:w=\"{w}\"/>")).collect();
        let tcs: String = widths
            .iter()
            .zip(cells)
            .map(|(w, t)| {
                format!(
                    "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr><w:p><w:r><w:rPr><w:sz w:val=\"19\"/></w:rPr><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p></w:tc>"
                )
            })
            .collect();
        let x = format!(
            "<w:tbl xmlns:w=\"w\"><w:tblPr><w:tblCellMar><w:left w:w=\"80\"/><w:right w:w=\"80\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid><w:tr>{tcs}</w:tr></w:tbl>"
        );
        xml::parse(&x).unwrap().elems().next().unwrap().clone()
    }

    fn widths(t: &Elem) -> Vec<usize> {
        t.child("w:tblGrid").unwrap().elems().map(|g| g.attr("w:w").unwrap().parse().unwrap()).collect()
    }

    #[test]
    fn a_long_word_widens_its_column_and_the_table_keeps_its_width() {
        let n = Numbering::new(None, None);
        let mut t = table(&[1000, 6000], &["rehabiliteringstilbodet", "kort tekst"]);
        fit_tables(&mut t, &n);
        let w = widths(&t);
        // 23 characters of 9.5 pt text: about 9 em
        assert!(w[0] >= 9 * 190 + 160, "{w:?}");
        assert_eq!(w.iter().sum::<usize>(), 7000);
        // each cell's width follows the grid
        let tc_w: Vec<usize> = t
            .child("w:tr")
            .unwrap()
            .elems()
            .map(|tc| {
                tc.child("w:tcPr").unwrap().child("w:tcW").unwrap().attr("w:w").unwrap().parse().unwrap()
            })
            .collect();
        assert_eq!(tc_w, w);
        // an amount with no-break spaces is one piece; a hyphen is a break
        let mut t = table(&[900, 6000], &["3\u{a0}450\u{a0}000\u{a0}kr", "x"]);
        fit_tables(&mut t, &n);
        assert!(widths(&t)[0] >= 6 * 190 + 160, "{:?}", widths(&t));
        let mut t = table(&[1200, 6000], &["IKT-prosjekter", "x"]);
        fit_tables(&mut t, &n);
        assert_eq!(widths(&t), [1200, 6000], "fits: left as made");
    }

    #[test]
    fn nested_list_items_give_up_indent_in_order_before_a_word_breaks() {
        // a numbering with 420 twips per level, a cell of 2 000 twips beside one that needs all
        // of its own width
        let numbering = xml::parse(
            "<w:numbering xmlns:w=\"w\"><w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:pPr><w:ind w:left=\"420\" w:hanging=\"420\"/></w:pPr></w:lvl><w:lvl w:ilvl=\"1\"><w:pPr><w:ind w:left=\"840\" w:hanging=\"420\"/></w:pPr></w:lvl><w:lvl w:ilvl=\"2\"><w:pPr><w:ind w:left=\"1260\" w:hanging=\"420\"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId=\"5\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>",
        )
        .unwrap();
        let n = Numbering::new(Some(numbering), None);
        let item = |lvl: u8, text: &str| {
            format!("<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{lvl}\"/><w:numId w:val=\"5\"/></w:numPr></w:pPr><w:r><w:rPr><w:sz w:val=\"19\"/></w:rPr><w:t>{text}</w:t></w:r></w:p>")
        };
        let long = "x".repeat(64);
        let x = format!(
            "<w:tbl xmlns:w=\"w\"><w:tblPr><w:tblCellMar><w:left w:w=\"80\"/><w:right w:w=\"80\"/></w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w=\"2000\"/><w:gridCol w:w=\"7000\"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{}{}{}</w:tc><w:tc><w:tcPr><w:tcW w:w=\"7000\" w:type=\"dxa\"/></w:tcPr><w:p><w:r><w:rPr><w:sz w:val=\"19\"/></w:rPr><w:t>{long}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
            item(0, "tiltak"),
            item(1, "oppsummering"),
            item(2, "kvardagsrehabilitering"),
        );
        let mut t = xml::parse(&x).unwrap().elems().next().unwrap().clone();
        fit_tables(&mut t, &n);
        let w = widths(&t);
        assert_eq!(w.iter().sum::<usize>(), 9000);
        let lefts: Vec<u32> = t
            .child("w:tr")
            .unwrap()
            .elems()
            .next()
            .unwrap()
            .elems()
            .filter(|p| p.name == "w:p")
            .map(|p| {
                p.child("w:pPr").unwrap().child("w:ind").unwrap().attr("w:left").unwrap().parse().unwrap()
            })
            .collect();
        // smaller than the numbering's 420/840/1260, the levels still in order
        assert!(lefts[0] < lefts[1] && lefts[1] < lefts[2] && lefts[2] < 1260, "{lefts:?}");
        let p = t
            .child("w:tr")
            .unwrap()
            .elems()
            .next()
            .unwrap()
            .elems()
            .filter(|p| p.name == "w:p")
            .nth(2)
            .unwrap();
        let m = measure(p, &n);
        assert!((m.indent + m.widest) as usize + 160 <= w[0], "{m:?} in {w:?}", m = (m.indent, m.widest));
    }
}
