//! After rendering: the part must be well-formed XML again; `{% vm %}` cells are merged; a cell
//! whose paragraphs a `{%p %}` condition removed gets an empty one (Word requires a cell to end
//! with a paragraph) and a table whose rows a `{%tr %}` loop removed is dropped.

use super::template::{GLYPH_MARK, KEPT_PPR, VM_MARK};
use super::xml::{self, Elem, Node};
use std::collections::BTreeMap;

/// The fill `cellbg` gives a value without a colour: its `w:shd` is removed.
pub const NO_FILL: &str = "saksflyt-none";

/// Checks and repairs a rendered part; an error says why the XML is broken.
pub fn finish(rendered: &str) -> Result<String, String> {
    let mut root = xml::parse(rendered)?;
    fix(&mut root);
    let mut id = 0;
    number_controls(&mut root, &mut id);
    Ok(xml::write(&root))
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
        "w:tcPr" => e.children.retain(
            |n| !matches!(n, Node::Elem(s) if s.name == "w:shd" && s.attr("w:fill") == Some(NO_FILL)),
        ),
        "w:tbl" => merge_vm(e),
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
