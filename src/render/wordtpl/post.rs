//! After rendering: the part must be well-formed XML again; `{% vm %}` cells are merged; a cell
//! whose paragraphs a `{%p %}` condition removed gets an empty one (Word requires a cell to end
//! with a paragraph) and a table whose rows a `{%tr %}` loop removed is dropped.

use super::template::{GLYPH_MARK, KEPT_PPR, KEPT_SHD, VM_MARK};
use super::xml::{self, Elem, Node};
use std::collections::BTreeMap;

/// The fill `cellbg` gives a value without a colour: its `w:shd` is replaced by the cell's own
/// shading in the template, or removed.
pub const NO_FILL: &str = "saksflyt-none";

/// Checks and repairs a rendered part; an error says why the XML is broken.
/// The rendered markup is freed piece by piece as it is parsed; the repaired tree is returned
/// for the later passes (lists, column fitting), which work on it before it is written once.
pub fn finish(rendered: xml::Markup) -> Result<Elem, String> {
    // a rendered part is read once: what the template wrote goes while the tree grows
    let mut root = xml::parse_markup(rendered)?;
    fix(&mut root);
    let mut id = 0;
    number_controls(&mut root, &mut id);
    Ok(root)
}

/// Content controls repeated by a loop carry the template's `w:id`: every control gets its
/// own, in document order (1, 2, …), as Word requires.
fn number_controls(e: &mut Elem, id: &mut u32) {
    if e.name == "w:sdtPr" {
        if let Some(i) = e.child_mut("w:id") {
            *id += 1;
            i.set_attr("w:val", &id.to_string());
        }
    }
    for c in e.elems_mut() {
        number_controls(c, id);
    }
}

/// A check box whose glyph a tag wrote ([`GLYPH_MARK`]): checked when it shows its checked
/// glyph (`w14:checkedState`, ☒ by default).
fn glyph_state(sdt: &mut Elem) {
    let shown = sdt.child("w:sdtContent").map(|c| c.text()).unwrap_or_default();
    let Some(cb) = sdt.child_mut("w:sdtPr").and_then(|p| p.child_mut("w14:checkbox")) else { return };
    let glyph = |state: &str, default: char| {
        cb.child(state)
            .and_then(|s| s.attr("w14:val"))
            .and_then(|v| u32::from_str_radix(v, 16).ok())
            .and_then(char::from_u32)
            .unwrap_or(default)
    };
    let checked = glyph("w14:checkedState", '\u{2612}');
    let on = shown.contains(checked);
    if let Some(c) = cb.child_mut("w14:checked").filter(|c| c.attr("w14:val") == Some(GLYPH_MARK)) {
        c.set_attr("w14:val", if on { "1" } else { "0" });
    }
}

fn fix(e: &mut Elem) {
    for c in e.elems_mut() {
        fix(c);
    }
    // tables without rows go
    e.children
        .retain(|n| !matches!(n, Node::Elem(t) if t.name == "w:tbl" && !t.elems().any(|r| r.name == "w:tr")));
    match e.name.as_str() {
        "w:tcPr" => {
            // no colour: the template's own shading, or none
            let own = e.elems().find(|c| c.name == KEPT_SHD).and_then(|k| k.child("w:shd")).cloned();
            e.children.retain(|n| !matches!(n, Node::Elem(c) if c.name == KEPT_SHD));
            let none = e.children.iter().position(
                |n| matches!(n, Node::Elem(s) if s.name == "w:shd" && s.attr("w:fill") == Some(NO_FILL)),
            );
            if let Some(i) = none {
                match own {
                    Some(own) => {
                        if let Some(slot) = e.children.get_mut(i) {
                            *slot = Node::Elem(own);
                        }
                    }
                    None => {
                        e.children.remove(i);
                    }
                }
            }
        }
        "w:tbl" => {
            // a row whose cells a column loop removed goes
            e.children.retain(
                |n| !matches!(n, Node::Elem(r) if r.name == "w:tr" && !r.elems().any(|c| c.name == "w:tc")),
            );
            fit_grid(e);
            merge_vm(e);
        }
        "w:sdt" => glyph_state(e),
        "w:tc" => {
            let kept = e.elems().find(|c| c.name == KEPT_PPR).and_then(|k| k.child("w:pPr")).cloned();
            e.children.retain(|n| !matches!(n, Node::Elem(c) if c.name == KEPT_PPR));
            let last_block = e.elems().filter(|c| c.name != "w:tcPr").last().map(|c| c.name.clone());
            if last_block.as_deref() != Some("w:p") {
                let mut p = Elem::new("w:p", &[]);
                if let Some(ppr) = kept {
                    p.children.push(Node::Elem(ppr));
                }
                e.children.push(Node::Elem(p));
            }
        }
        _ => {}
    }
}

/// A table whose rows no longer fit its grid (a `{%tc for %}` column loop repeated cells, a
/// `{%tc if %}` removed one): the grid gets as many columns as the longest row has cells, in
/// the proportions of that row's cell widths (a repeated cell's copies share alike, a removed
/// column's width goes to the others), the table keeping its width; every cell spans one column
/// and the last cell of a shorter row the rest.
/// A table's grid column widths as written (`w:tblGrid/w:gridCol/@w:w`; 0 when unreadable).
pub(crate) fn grid_widths(tbl: &Elem) -> Vec<u64> {
    tbl.child("w:tblGrid")
        .map(|g| {
            g.elems()
                .filter(|c| c.name == "w:gridCol")
                .map(|c| c.attr("w:w").and_then(|v| v.parse().ok()).unwrap_or(0))
                .collect()
        })
        .unwrap_or_default()
}

fn fit_grid(tbl: &mut Elem) {
    let grid = grid_widths(tbl);
    let rows: Vec<(usize, usize)> = tbl
        .elems()
        .filter(|r| r.name == "w:tr")
        .map(|r| {
            let cells = r.elems().filter(|c| c.name == "w:tc");
            cells.fold((0, 0), |(spans, n), c| (spans + grid_span(c), n + 1))
        })
        .collect();
    if rows.iter().all(|(spans, _)| *spans == grid.len()) {
        return;
    }
    let n = rows.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if n == 0 || n > 63 {
        return;
    }
    // the table's own width when it gives one in twips, else the grid's
    let table_w = tbl
        .child("w:tblPr")
        .and_then(|p| p.child("w:tblW"))
        .filter(|w| w.attr("w:type") == Some("dxa"))
        .and_then(|w| w.attr("w:w"))
        .and_then(|v| v.parse::<u64>().ok());
    let total: u64 = table_w.unwrap_or_else(|| grid.iter().sum::<u64>()).max(n as u64 * 200);
    let shares: Vec<u64> = tbl
        .elems()
        .filter(|r| r.name == "w:tr")
        .find(|r| r.elems().filter(|c| c.name == "w:tc").count() == n)
        .map(|r| {
            r.elems()
                .filter(|c| c.name == "w:tc")
                .map(|c| cell_width(c).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0).clamp(1, 1_000_000))
                .collect()
        })
        .unwrap_or_default();
    let sum: u64 = shares.iter().sum::<u64>().max(1);
    let widths: Vec<u64> = shares.iter().map(|s| total * s / sum).collect();
    if let Some(g) = tbl.child_mut("w:tblGrid") {
        g.children.retain(|c| !matches!(c, Node::Elem(e) if e.name == "w:gridCol"));
        for w in &widths {
            g.children.push(Node::Elem(Elem::new("w:gridCol", &[("w:w", &w.to_string())])));
        }
    }
    for r in tbl.elems_mut().filter(|r| r.name == "w:tr") {
        let count = r.elems().filter(|c| c.name == "w:tc").count();
        for (i, tc) in r.elems_mut().filter(|c| c.name == "w:tc").enumerate() {
            let span = if i + 1 == count { n.saturating_sub(count) + 1 } else { 1 };
            if tc.child("w:tcPr").is_none() {
                tc.children.insert(0, Node::Elem(Elem::new("w:tcPr", &[])));
            }
            let Some(pr) = tc.child_mut("w:tcPr") else { continue };
            pr.children.retain(|c| !matches!(c, Node::Elem(e) if e.name == "w:gridSpan"));
            if let Some(tw) = pr.child_mut("w:tcW") {
                let w: u64 = widths.iter().skip(i).take(span).sum();
                tw.set_attr("w:w", &w.to_string());
                tw.set_attr("w:type", "dxa");
            }
            if span > 1 {
                let at = pr
                    .children
                    .iter()
                    .rposition(|c| matches!(c, Node::Elem(e) if e.name == "w:cnfStyle" || e.name == "w:tcW"))
                    .map(|i| i + 1)
                    .unwrap_or(0);
                pr.children.insert(at, Node::Elem(Elem::new("w:gridSpan", &[("w:val", &span.to_string())])));
            }
        }
    }
}

fn grid_span(tc: &Elem) -> usize {
    tc.child("w:tcPr")
        .and_then(|p| p.child("w:gridSpan"))
        .and_then(|g| g.attr("w:val"))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}

fn is_vm(tc: &Elem) -> bool {
    tc.child("w:tcPr").and_then(|p| p.child("w:vMerge")).and_then(|v| v.attr("w:val")) == Some(VM_MARK)
}

#[derive(Clone, Copy, PartialEq)]
enum Merge {
    Restart,
    Continue,
    None,
}

/// `{% vm %}` cells: runs of equal text in one grid column over consecutive rows become one
/// vertically merged cell.
fn merge_vm(tbl: &mut Elem) {
    // (row index among children, cell index among the row's children, grid column, text)
    let mut marks: Vec<(usize, usize, usize, String)> = Vec::new();
    let mut row_no = 0;
    for (ri, n) in tbl.children.iter().enumerate() {
        let Node::Elem(tr) = n else { continue };
        if tr.name != "w:tr" {
            continue;
        }
        row_no += 1;
        let mut col = 0;
        for (ci, n) in tr.children.iter().enumerate() {
            let Node::Elem(tc) = n else { continue };
            if tc.name != "w:tc" {
                continue;
            }
            if is_vm(tc) {
                marks.push((ri, ci, col, tc.text()));
            }
            col += grid_span(tc);
        }
        let _ = row_no;
    }
    if marks.is_empty() {
        return;
    }
    let mut decision: BTreeMap<(usize, usize), Merge> = BTreeMap::new();
    // per column: (row position of the previous marked row, text, start key)
    let mut open: BTreeMap<usize, (usize, String, (usize, usize))> = BTreeMap::new();
    let row_pos: Vec<usize> = tbl
        .children
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n, Node::Elem(e) if e.name == "w:tr"))
        .map(|(i, _)| i)
        .collect();
    let pos_of = |ri: usize| row_pos.iter().position(|&r| r == ri).unwrap_or(usize::MAX);
    for (ri, ci, col, text) in &marks {
        let p = pos_of(*ri);
        let cont = matches!(open.get(col), Some((prev, t, _)) if prev.checked_add(1) == Some(p) && t == text && !text.trim().is_empty());
        if cont {
            if let Some((prev, _, start)) = open.get_mut(col) {
                decision.insert(*start, Merge::Restart);
                *prev = p;
            }
            decision.insert((*ri, *ci), Merge::Continue);
        } else {
            decision.insert((*ri, *ci), Merge::None);
            open.insert(*col, (p, text.clone(), (*ri, *ci)));
        }
    }
    for ((ri, ci), m) in decision {
        let Some(Node::Elem(tr)) = tbl.children.get_mut(ri) else { continue };
        let Some(Node::Elem(tc)) = tr.children.get_mut(ci) else { continue };
        if let Some(pr) = tc.child_mut("w:tcPr") {
            match m {
                Merge::None => pr.children.retain(|n| !matches!(n, Node::Elem(e) if e.name == "w:vMerge")),
                Merge::Restart => {
                    if let Some(v) = pr.child_mut("w:vMerge") {
                        v.set_attr("w:val", "restart");
                    }
                }
                Merge::Continue => {
                    if let Some(v) = pr.child_mut("w:vMerge") {
                        v.attrs.clear();
                    }
                }
            }
        }
        if m == Merge::Continue {
            // the merged cell shows the first cell's content: keep one paragraph with its properties
            let ppr = tc.elems().find(|e| e.name == "w:p").and_then(|p| p.child("w:pPr")).cloned();
            tc.children.retain(|n| matches!(n, Node::Elem(e) if e.name == "w:tcPr"));
            let mut p = Elem::new("w:p", &[]);
            if let Some(ppr) = ppr {
                p.children.push(Node::Elem(ppr));
            }
            tc.children.push(Node::Elem(p));
        }
    }
}

/// A table cell's preferred width as written (`w:tcPr/w:tcW/@w:w`).
pub(crate) fn cell_width(tc: &Elem) -> Option<&str> {
    tc.child("w:tcPr")?.child("w:tcW")?.attr("w:w")
}
