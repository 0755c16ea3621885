//! Word part → minijinja source. Two steps:
//!
//! 1. [`prepare`] walks the XML tree. In each paragraph it joins the text of all its `w:t`
//!    (whatever runs, `proofErr`, bookmarks or hyperlinks lie between), finds the tags, moves each
//!    tag's text into the run where it starts, and replaces it by a sentinel that indexes the tag
//!    table. `{%p %}`, `{%tr %}` and `{%tc %}` tags are lifted to the paragraph, row or cell
//!    that holds them, which is replaced by the tag's statement; `{% cellbg %}` and `{% vm %}`
//!    change the cell's properties. Image placeholders get their own relationship id.
//! 2. [`source`] writes the tree as one template: literal XML escaped for minijinja, each tag on
//!    a line of its own (so an error's line names the tag), and checks that every block tag is
//!    closed at the same level and place it was opened.

use super::xml::{Elem, Node};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub const SENTINEL_OPEN: char = '\u{E000}';
pub const SENTINEL_CLOSE: char = '\u{E001}';
/// An element holding the `w:pPr` of a cell's paragraph that a `{%p}` tag replaced, removed by
/// the post pass (which gives a cell left without paragraphs one with these properties).
pub const KEPT_PPR: &str = "saksflyt-ppr";
/// An element in a `{% cellbg %}` cell's `w:tcPr` holding the template's own `w:shd`, put back
/// by the post pass when the value gives no colour.
pub const KEPT_SHD: &str = "saksflyt-shd";
/// The `w:vMerge` value that marks a `{% vm %}` cell until the merge pass.
pub const VM_MARK: &str = "saksflyt-vm";
/// An element in a `{% li %}` paragraph's `w:pPr` (attributes `tag`, the tag's index, and
/// `lvl`, the rendered level) until the list pass ([`super::lists`]) numbers the paragraph.
pub const LI_MARK: &str = "saksflyt-li";
/// The `w14:checked` value of a check box whose shown glyph is written by a tag: the post pass
/// sets the state from the glyph (☒ checked, ☐ not), so the box and its state agree.
pub const GLYPH_MARK: &str = "saksflyt-glyph";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Inline,
    P,
    Tr,
    Tc,
}

impl Level {
    fn prefix(self) -> &'static str {
        match self {
            Level::Inline => "",
            Level::P => "p",
            Level::Tr => "tr",
            Level::Tc => "tc",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Print,
    /// A `{{ … }}` in an XML attribute value (a content control's tag, alias, list item …):
    /// its value is attribute-escaped.
    AttrPrint,
    Stmt,
    CellBg,
    Vm,
    /// `{% li level %}`: the paragraph is a list item at that level of its own numbering.
    ListLevel,
    Comment,
}

/// Where a tag stands in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// The part, e.g. `word/document.xml`.
    pub part: String,
    /// 1-based number of the paragraph in the part (every `w:p`, tables included).
    pub paragraph: usize,
    /// Table, row and cell (1-based) when the paragraph is in a table.
    pub cell: Option<(usize, usize, usize)>,
    /// The start of the paragraph's text.
    pub preview: String,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = match self.part.as_str() {
            "word/document.xml" => "body".to_string(),
            p => p.trim_start_matches("word/").trim_end_matches(".xml").to_string(),
        };
        write!(f, "{part}, ")?;
        if let Some((t, r, c)) = self.cell {
            write!(f, "table {t}, row {r}, cell {c}, ")?;
        }
        write!(f, "paragraph {} «{}»", self.paragraph, self.preview)
    }
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub level: Level,
    pub kind: Kind,
    /// What goes between the delimiters (quotes straightened).
    pub code: String,
    /// The tag as written in the document.
    pub text: String,
    pub loc: Loc,
    /// How deep its run lies below the paragraph (1 = a run of the paragraph, 2 = a run in a
    /// hyperlink …); an inline block must open and close at the same depth.
    pub depth: usize,
    /// When set, the tag is written in a form that cannot fail (checking goes on past it).
    pub neutral: bool,
}

/// A problem found before rendering, or the place of a render error.
#[derive(Debug, Clone)]
pub struct Problem {
    pub loc: Loc,
    pub tag: String,
    pub reason: String,
}

pub struct Prepared {
    pub root: Elem,
    pub tags: Vec<Tag>,
    pub problems: Vec<Problem>,
    /// Image name → relationship id given to the placeholders that show it.
    pub image_rels: BTreeMap<String, String>,
    /// Image name → its first placeholder's size (`wp:extent` cx, cy in EMU).
    pub image_extents: BTreeMap<String, (u64, u64)>,
}

enum Lift {
    P(usize),
    Tr(usize),
    Tc(usize),
    CellBg(usize),
    Vm(usize),
    Li(usize),
}

struct Walker<'a> {
    part: &'a str,
    tags: Vec<Tag>,
    problems: Vec<Problem>,
    paragraphs: usize,
    tables: usize,
    stack: Vec<(usize, usize, usize)>,
    images: &'a BTreeSet<String>,
    image_rels: BTreeMap<String, String>,
    image_extents: BTreeMap<String, (u64, u64)>,
    /// How many paragraphs enclose the element being walked.
    in_paragraph: usize,
}

/// Prepares one parsed part. `images` are the names an image placeholder may carry as alt text.
pub fn prepare(part: &str, mut root: Elem, images: &BTreeSet<String>) -> Prepared {
    let mut w = Walker {
        part,
        tags: Vec::new(),
        problems: Vec::new(),
        paragraphs: 0,
        tables: 0,
        stack: Vec::new(),
        images,
        image_rels: BTreeMap::new(),
        image_extents: BTreeMap::new(),
        in_paragraph: 0,
    };
    let left = w.walk(&mut root);
    for lift in left {
        let (idx, what) = match lift {
            Lift::P(i) => (i, "a paragraph"),
            Lift::Tr(i) => (i, "a table row"),
            Lift::Tc(i) | Lift::CellBg(i) | Lift::Vm(i) => (i, "a table cell"),
            Lift::Li(i) => (i, "a paragraph"),
        };
        if let Some(t) = w.tags.get(idx) {
            w.problems.push(Problem {
                loc: t.loc.clone(),
                tag: t.text.clone(),
                reason: format!("this tag must stand in {what}"),
            });
        }
    }
    Prepared {
        root,
        tags: w.tags,
        problems: w.problems,
        image_rels: w.image_rels,
        image_extents: w.image_extents,
    }
}

/// The paragraph's `w:t` elements (not those of paragraphs nested in text boxes) with their
/// depth below the paragraph.
fn collect_texts<'a>(e: &'a mut Elem, out: &mut Vec<(&'a mut Elem, usize)>, depth: usize) {
    for c in e.children.iter_mut() {
        if let Node::Elem(c) = c {
            if c.name == "w:p" {
                continue;
            }
            if c.name == "w:t" {
                out.push((c, depth));
            } else {
                collect_texts(c, out, depth + 1);
            }
        }
    }
}

fn text_of(e: &Elem) -> String {
    let mut s = String::new();
    for c in &e.children {
        if let Node::Text(t) = c {
            s.push_str(t);
        }
    }
    s
}

/// Straight quotes and plain spaces for what Word's autocorrect put inside a tag.
pub fn straighten(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => '"',
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\t' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

/// Byte ranges of the tags in a paragraph's text; an unclosed tag is an error at its start.
fn find_tags(s: &str) -> Result<Vec<(usize, usize)>, usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'{' && matches!(b[i + 1], b'{' | b'%' | b'#') {
            let closer = match b[i + 1] {
                b'{' => "}}",
                b'%' => "%}",
                _ => "#}",
            };
            match s.get(i + 2..).and_then(|rest| rest.find(closer)) {
                Some(k) => {
                    let end = i + 2 + k + 2;
                    out.push((i, end));
                    i = end;
                }
                None => return Err(i),
            }
        } else {
            i += 1;
        }
    }
    Ok(out)
}

fn preview(s: &str) -> String {
    let mut p: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        p.push('…');
    }
    p
}

impl Walker<'_> {
    fn loc(&self, preview_text: &str) -> Loc {
        Loc {
            part: self.part.to_string(),
            paragraph: self.paragraphs,
            cell: self.stack.last().copied().filter(|(_, r, c)| *r > 0 && *c > 0),
            preview: preview(preview_text),
        }
    }

    fn walk(&mut self, e: &mut Elem) -> Vec<Lift> {
        match e.name.as_str() {
            "w:tbl" => {
                self.tables += 1;
                self.stack.push((self.tables, 0, 0));
            }
            "w:tr" => {
                if let Some(top) = self.stack.last_mut() {
                    top.1 += 1;
                    top.2 = 0;
                }
            }
            "w:tc" => {
                if let Some(top) = self.stack.last_mut() {
                    top.2 += 1;
                }
            }
            "wp:inline" | "wp:anchor" => self.image(e),
            _ => {}
        }
        let mut up = Vec::new();
        if e.name == "w:p" {
            up.extend(self.paragraph(e));
            self.in_paragraph += 1;
        }
        self.attributes(e);
        let mut kept_ppr: Option<Elem> = None;
        for i in 0..e.children.len() {
            let Some(Node::Elem(child)) = e.children.get_mut(i) else { continue };
            let lifts = self.walk(child);
            if lifts.is_empty() {
                continue;
            }
            let mut here = Vec::new();
            for lift in lifts {
                match (child.name.as_str(), lift) {
                    ("w:p", Lift::P(t)) | ("w:tr", Lift::Tr(t)) | ("w:tc", Lift::Tc(t)) => here.push(t),
                    ("w:tc", Lift::CellBg(t)) => cell_shading(child, t),
                    ("w:tc", Lift::Vm(_)) => cell_vmerge(child),
                    ("w:p", Lift::Li(t)) => list_marker(child, t),
                    (_, lift) => up.push(lift),
                }
            }
            if !here.is_empty() {
                if let Some(slot) = e.children.get_mut(i) {
                    if e.name == "w:tc" && kept_ppr.is_none() {
                        if let Node::Elem(p) = &*slot {
                            kept_ppr = Some(p.child("w:pPr").cloned().unwrap_or_default());
                        }
                    }
                    let section = section_break(slot);
                    let opens =
                        here.first().and_then(|t| self.tags.get(*t)).is_some_and(|t| opens_block(&t.code));
                    *slot = match section {
                        // Word keeps a section break in the last paragraph of the section: when
                        // that paragraph is a `{%p}` tag, the break stays, outside the block
                        // (before an opening tag, after a closing one).
                        Some(br) if opens => Node::Elem(group(vec![Node::Elem(br), Node::Tags(here)])),
                        Some(br) => Node::Elem(group(vec![Node::Tags(here), Node::Elem(br)])),
                        None => Node::Tags(here),
                    };
                }
            }
        }
        // the paragraph properties a cell gets back if its `{%p}` loops leave it empty
        if let Some(ppr) = kept_ppr {
            let mut keep = Elem::new(KEPT_PPR, &[]);
            if !ppr.name.is_empty() {
                keep.children.push(Node::Elem(ppr));
            }
            e.children.push(Node::Elem(keep));
        }
        if e.name == "w:tbl" {
            self.stack.pop();
        }
        if e.name == "w:p" {
            self.in_paragraph = self.in_paragraph.saturating_sub(1);
        }
        if e.name == "w:sdt" {
            mark_glyph_checkbox(e);
        }
        up
    }

    /// Tags in the element's attribute values (`w:tag w:val="saksflyt:status:{{ it.index }}"`):
    /// `{{ … }}` becomes an attribute-escaped value, `{# … #}` goes; a statement can not stand
    /// there (it could cut the element in two).
    fn attributes(&mut self, e: &mut Elem) {
        if !e.attrs.iter().any(|(_, v)| v.contains('{')) {
            return;
        }
        let name = e.name.clone();
        for i in 0..e.attrs.len() {
            let Some((key, value)) = e.attrs.get(i).cloned() else { continue };
            if !value.contains('{') {
                continue;
            }
            let mut loc = self.loc(&format!("<{name} {key}=\"{value}\">"));
            if self.in_paragraph == 0 {
                // a block-level control or a cell's properties: the paragraph that follows
                loc.paragraph += 1;
            }
            let ranges = match find_tags(&value) {
                Ok(r) => r,
                Err(at) => {
                    let tag: String = value.get(at..).unwrap_or_default().chars().take(40).collect();
                    self.problems.push(Problem {
                        loc,
                        tag,
                        reason: "the tag is not closed in this attribute value".into(),
                    });
                    continue;
                }
            };
            if ranges.is_empty() {
                continue;
            }
            let mut out = String::new();
            let mut pos = 0;
            for (s, end) in ranges {
                out.push_str(value.get(pos..s).unwrap_or_default());
                pos = end;
                let text = value.get(s..end).unwrap_or_default();
                let straight = straighten(text);
                match straight.get(..2).unwrap_or_default() {
                    "{#" => {}
                    "{{" => {
                        let inner = straight.get(2..straight.len().saturating_sub(2)).unwrap_or_default();
                        let idx = self.tags.len();
                        self.tags.push(Tag {
                            level: Level::Inline,
                            kind: Kind::AttrPrint,
                            code: trim_code(inner).to_string(),
                            text: text.to_string(),
                            loc: loc.clone(),
                            depth: 0,
                            neutral: false,
                        });
                        out.push_str(&format!("{SENTINEL_OPEN}{idx}{SENTINEL_CLOSE}"));
                    }
                    _ => {
                        self.problems.push(Problem {
                            loc: loc.clone(),
                            tag: text.to_string(),
                            reason: format!(
                                "only {{{{ … }}}} tags can stand in an attribute value ({key} of {name}); write the condition as {{{{ 'a' if x else 'b' }}}}"
                            ),
                        });
                        out.push_str(text);
                    }
                }
            }
            out.push_str(value.get(pos..).unwrap_or_default());
            if let Some(slot) = e.attrs.get_mut(i) {
                slot.1 = out.into();
            }
        }
    }

    /// An image placeholder: a drawing whose alt text, title or name (Word's selection pane) is an
    /// image name.
    fn image(&mut self, e: &mut Elem) {
        let Some(doc_pr) = e.child("wp:docPr") else { return };
        let name = [doc_pr.attr("descr"), doc_pr.attr("title"), doc_pr.attr("name")]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|n| self.images.contains(*n))
            .map(str::to_string);
        let Some(name) = name else { return };
        // the first placeholder of a name gives the box its image is drawn for
        let extent = e.child("wp:extent").and_then(|x| {
            let cx = x.attr("cx")?.trim().parse::<u64>().ok()?;
            let cy = x.attr("cy")?.trim().parse::<u64>().ok()?;
            (cx > 0 && cy > 0).then_some((cx, cy))
        });
        if let Some(ext) = extent {
            self.image_extents.entry(name.clone()).or_insert(ext);
        }
        let next = self.image_rels.len() + 1;
        let rid = self.image_rels.entry(name).or_insert_with(|| format!("rIdSaksflytImage{next}")).clone();
        set_blips(e, &rid);
    }

    fn paragraph(&mut self, p: &mut Elem) -> Vec<Lift> {
        self.paragraphs += 1;
        let mut ts: Vec<(&mut Elem, usize)> = Vec::new();
        collect_texts(p, &mut ts, 0);
        let pieces: Vec<String> = ts.iter().map(|(t, _)| text_of(t)).collect();
        let depths: Vec<usize> = ts.iter().map(|(_, d)| *d).collect();
        let combined: String = pieces.concat();
        if !combined.contains('{') {
            return Vec::new();
        }
        let ranges = match find_tags(&combined) {
            Ok(r) => r,
            Err(at) => {
                let loc = self.loc(&combined);
                let tag: String = combined.get(at..).unwrap_or_default().chars().take(40).collect();
                self.problems.push(Problem {
                    loc,
                    tag,
                    reason: "the tag is not closed in this paragraph".into(),
                });
                return Vec::new();
            }
        };
        if ranges.is_empty() {
            return Vec::new();
        }
        // owner[b] = index of the w:t that byte b came from
        let mut owner = Vec::with_capacity(combined.len());
        for (i, piece) in pieces.iter().enumerate() {
            owner.extend(std::iter::repeat_n(i, piece.len()));
        }
        let mut new: Vec<String> = vec![String::new(); pieces.len()];
        let mut lifts = Vec::new();
        let mut pos = 0;
        let loc = self.loc(&combined);
        for (s, e) in ranges {
            // literal text before the tag stays in its own runs
            for (k, ch) in combined.get(pos..s).unwrap_or_default().char_indices() {
                if let Some(o) = owner.get(pos + k).and_then(|o| new.get_mut(*o)) {
                    o.push(ch);
                }
            }
            let text = combined.get(s..e).unwrap_or_default().to_string();
            let start_owner = owner.get(s).copied().unwrap_or(0);
            let depth = depths.get(start_owner).copied().unwrap_or(0);
            let (replacement, lift) = self.tag(&text, &loc, depth);
            if let Some(o) = new.get_mut(start_owner) {
                o.push_str(&replacement);
            }
            lifts.extend(lift);
            pos = e;
        }
        for (k, ch) in combined.get(pos..).unwrap_or_default().char_indices() {
            if let Some(o) = owner.get(pos + k).and_then(|o| new.get_mut(*o)) {
                o.push(ch);
            }
        }
        if !lifts.is_empty() {
            let literal: String = new.concat();
            let rest: String = literal
                .split(SENTINEL_OPEN)
                .map(|s| s.split_once(SENTINEL_CLOSE).map(|(_, t)| t).unwrap_or(s))
                .collect();
            let structural = lifts.iter().any(|l| matches!(l, Lift::P(_) | Lift::Tr(_) | Lift::Tc(_)));
            if structural && !rest.trim().is_empty() {
                let tag = self.tags.iter().rev().find(|t| t.level != Level::Inline).map(|t| t.text.clone());
                self.problems.push(Problem {
                    loc: loc.clone(),
                    tag: tag.unwrap_or_default(),
                    reason: format!(
                        "the text «{}» beside this tag would be lost with its paragraph: give the tag a paragraph of its own",
                        preview(rest.trim())
                    ),
                });
            }
        }
        for ((t, _), text) in ts.into_iter().zip(new) {
            t.children = if text.is_empty() { Vec::new() } else { vec![Node::Text(text)] };
            t.set_attr("xml:space", "preserve");
        }
        lifts
    }

    /// Registers one tag; returns what replaces it in the text and what it asks of its container.
    fn tag(&mut self, text: &str, loc: &Loc, depth: usize) -> (String, Option<Lift>) {
        let straight = straighten(text);
        let opener = straight.get(..2).unwrap_or_default();
        let inner = straight.get(2..straight.len().saturating_sub(2)).unwrap_or_default();
        let (level, kind, code) = match opener {
            "{#" => (Level::Inline, Kind::Comment, String::new()),
            "{{" => (Level::Inline, Kind::Print, trim_code(inner).to_string()),
            _ => {
                let body = inner.strip_prefix('-').unwrap_or(inner);
                let (level, rest) = if let Some(r) = body.strip_prefix("tr").filter(|r| starts_space(r)) {
                    (Level::Tr, r)
                } else if let Some(r) = body.strip_prefix("tc").filter(|r| starts_space(r)) {
                    (Level::Tc, r)
                } else if let Some(r) = body.strip_prefix('p').filter(|r| starts_space(r)) {
                    (Level::P, r)
                } else {
                    (Level::Inline, body)
                };
                let code = trim_code(rest).to_string();
                let first = code.split_whitespace().next().unwrap_or_default();
                let kind = match (level, first) {
                    (Level::Inline, "cellbg") => Kind::CellBg,
                    (Level::Inline, "vm") if code == "vm" => Kind::Vm,
                    (Level::Inline, "li") => Kind::ListLevel,
                    _ => Kind::Stmt,
                };
                let code = if kind == Kind::CellBg {
                    code.strip_prefix("cellbg").unwrap_or_default().trim().to_string()
                } else if kind == Kind::ListLevel {
                    code.strip_prefix("li").unwrap_or_default().trim().to_string()
                } else {
                    code
                };
                (level, kind, code)
            }
        };
        let idx = self.tags.len();
        self.tags.push(Tag {
            level,
            kind,
            code,
            text: text.to_string(),
            loc: loc.clone(),
            depth,
            neutral: false,
        });
        match (level, kind) {
            (_, Kind::Comment) => (String::new(), None),
            (Level::P, _) => (String::new(), Some(Lift::P(idx))),
            (Level::Tr, _) => (String::new(), Some(Lift::Tr(idx))),
            (Level::Tc, _) => (String::new(), Some(Lift::Tc(idx))),
            (_, Kind::CellBg) => (String::new(), Some(Lift::CellBg(idx))),
            (_, Kind::Vm) => (String::new(), Some(Lift::Vm(idx))),
            (_, Kind::ListLevel) => (String::new(), Some(Lift::Li(idx))),
            _ => (format!("{SENTINEL_OPEN}{idx}{SENTINEL_CLOSE}"), None),
        }
    }
}

/// A check box (`w14:checkbox`) whose content text holds a tag: its `w14:checked` state is
/// marked, to be set from the glyph the tag shows ([`GLYPH_MARK`]).
fn mark_glyph_checkbox(sdt: &mut Elem) {
    let tagged = sdt.child("w:sdtContent").is_some_and(|c| c.text().contains(SENTINEL_OPEN));
    if !tagged {
        return;
    }
    let Some(cb) = sdt.child_mut("w:sdtPr").and_then(|p| p.child_mut("w14:checkbox")) else { return };
    match cb.child_mut("w14:checked") {
        Some(c) if !c.attr("w14:val").unwrap_or_default().contains(SENTINEL_OPEN) => {
            c.set_attr("w14:val", GLYPH_MARK)
        }
        Some(_) => {}
        None => cb.children.insert(0, Node::Elem(Elem::new("w14:checked", &[("w14:val", GLYPH_MARK)]))),
    }
}

/// The name of a transparent element whose children stand in its place when written.
pub const GROUP: &str = "saksflyt:group";

fn group(children: Vec<Node>) -> Elem {
    let mut g = Elem::new(GROUP, &[]);
    g.children = children;
    g
}

/// A paragraph holding only the section break of paragraph `n`, when it has one.
fn section_break(n: &Node) -> Option<Elem> {
    let Node::Elem(p) = n else { return None };
    let sect = p.child("w:pPr")?.child("w:sectPr")?.clone();
    let mut ppr = Elem::new("w:pPr", &[]);
    ppr.children.push(Node::Elem(sect));
    let mut out = Elem::new("w:p", &[]);
    out.children.push(Node::Elem(ppr));
    Some(out)
}

/// Whether statement `code` opens a block (`if`, `for`, …) rather than closing or continuing one.
fn opens_block(code: &str) -> bool {
    // `code` is the statement without its `p`/`tr`/`tc` form, as `balance` reads it
    let first = code.split_whitespace().next().unwrap_or_default();
    !(first.starts_with("end") || matches!(first, "else" | "elif"))
}

fn starts_space(s: &str) -> bool {
    s.starts_with(' ') || s.is_empty()
}

fn trim_code(s: &str) -> &str {
    let s = s.trim();
    let s = s.strip_prefix('-').unwrap_or(s);
    let s = s.strip_suffix('-').unwrap_or(s);
    s.trim()
}

fn set_blips(e: &mut Elem, rid: &str) {
    for c in e.elems_mut() {
        if c.name == "a:blip" {
            c.set_attr("r:embed", rid);
        } else {
            set_blips(c, rid);
        }
    }
}

/// Puts `el` into the cell's `w:tcPr` (created as the first child when missing).
fn into_tc_pr(tc: &mut Elem, el: Elem) {
    if tc.child("w:tcPr").is_none() {
        tc.children.insert(0, Node::Elem(Elem::new("w:tcPr", &[])));
    }
    if let Some(pr) = tc.child_mut("w:tcPr") {
        put_in_order(pr, el);
    }
}

/// Inserts `el` into property element `pr`, replacing an element of the same name, at its place
/// in the schema order (`render::ooxml::order`: after every element the schema puts before it).
pub(crate) fn put_in_order(pr: &mut Elem, el: Elem) {
    let order = crate::render::ooxml::order(&pr.name).unwrap_or(&[]);
    let before = &order[..order.iter().position(|n| *n == el.name).unwrap_or(order.len())];
    pr.children.retain(|n| !matches!(n, Node::Elem(e) if e.name == el.name));
    let at = pr
        .children
        .iter()
        .rposition(|n| matches!(n, Node::Elem(e) if before.contains(&e.name.as_str())))
        .map(|i| i + 1)
        .unwrap_or(0);
    pr.children.insert(at, Node::Elem(el));
}

fn cell_shading(tc: &mut Elem, tag: usize) {
    let fill = format!("{SENTINEL_OPEN}{tag}{SENTINEL_CLOSE}");
    let shd = Elem::new("w:shd", &[("w:val", "clear"), ("w:color", "auto"), ("w:fill", &fill)]);
    // the template's own shading comes back when the value gives no colour
    let own = tc
        .child("w:tcPr")
        .and_then(|p| p.child("w:shd"))
        .filter(|s| !s.attr("w:fill").is_some_and(|f| f.contains(SENTINEL_OPEN)))
        .cloned();
    into_tc_pr(tc, shd);
    if let (Some(own), Some(pr)) = (own, tc.child_mut("w:tcPr")) {
        pr.children.retain(|n| !matches!(n, Node::Elem(e) if e.name == KEPT_SHD));
        let mut keep = Elem::new(KEPT_SHD, &[]);
        keep.children.push(Node::Elem(own));
        pr.children.push(Node::Elem(keep));
    }
}

/// Marks a `{% li %}` paragraph: the marker's `lvl` is the tag's value once rendered.
fn list_marker(p: &mut Elem, tag: usize) {
    if p.child("w:pPr").is_none() {
        p.children.insert(0, Node::Elem(Elem::new("w:pPr", &[])));
    }
    let lvl = format!("{SENTINEL_OPEN}{tag}{SENTINEL_CLOSE}");
    if let Some(pr) = p.child_mut("w:pPr") {
        pr.children.retain(|n| !matches!(n, Node::Elem(e) if e.name == LI_MARK));
        pr.children.push(Node::Elem(Elem::new(LI_MARK, &[("tag", &tag.to_string()), ("lvl", &lvl)])));
    }
}

fn cell_vmerge(tc: &mut Elem) {
    let vm = Elem::new("w:vMerge", &[("w:val", VM_MARK)]);
    into_tc_pr(tc, vm);
}

/// One part as a minijinja template.
pub struct Source {
    pub text: String,
    /// The line each written tag starts on → tag index.
    pub lines: BTreeMap<usize, usize>,
}

/// Writes the prepared tree as a template; problems with block structure are returned.
pub fn source(p: &Prepared) -> (Source, Vec<Problem>) {
    let mut w = SourceWriter {
        out: String::new(),
        line: 1,
        lines: BTreeMap::new(),
        order: Vec::new(),
        tags: &p.tags,
    };
    for n in &p.root.children {
        w.node(n);
    }
    let problems = balance(&p.tags, &w.order);
    (Source { text: w.out, lines: w.lines }, problems)
}

struct SourceWriter<'a> {
    out: String,
    line: usize,
    lines: BTreeMap<usize, usize>,
    order: Vec<usize>,
    tags: &'a [Tag],
}

impl SourceWriter<'_> {
    fn node(&mut self, n: &Node) {
        match n {
            Node::Elem(e) if e.name == GROUP => {
                for c in &e.children {
                    self.node(c);
                }
            }
            Node::Elem(e) => {
                self.out.push('<');
                self.out.push_str(&e.name);
                for (k, v) in &e.attrs {
                    self.out.push(' ');
                    self.out.push_str(k);
                    self.out.push_str("=\"");
                    self.mixed(v, true);
                    self.out.push('"');
                }
                if e.children.is_empty() {
                    self.out.push_str("/>");
                } else {
                    self.out.push('>');
                    for c in &e.children {
                        self.node(c);
                    }
                    self.out.push_str("</");
                    self.out.push_str(&e.name);
                    self.out.push('>');
                }
            }
            Node::Text(t) => self.mixed(t, false),
            Node::Raw(r) => self.literal(r),
            Node::Tags(ts) => {
                for t in ts {
                    self.tag(*t);
                }
            }
        }
    }

    /// Text or an attribute value that may hold tag sentinels.
    fn mixed(&mut self, s: &str, attr: bool) {
        let mut rest = s;
        while let Some(i) = rest.find(SENTINEL_OPEN) {
            let (lit, tail) = rest.split_at(i);
            self.escaped(lit, attr);
            let tail = &tail[SENTINEL_OPEN.len_utf8()..];
            match tail.find(SENTINEL_CLOSE).and_then(|j| tail[..j].parse::<usize>().ok().map(|n| (j, n))) {
                Some((j, n)) => {
                    // a tag is written only where its escaping fits: a text tag never in an
                    // attribute (a literal sentinel in the template can not move one there)
                    let kind = self.tags.get(n).map(|t| t.kind);
                    let fits = match kind {
                        Some(Kind::AttrPrint | Kind::CellBg | Kind::ListLevel) => attr,
                        Some(_) => !attr,
                        None => false,
                    };
                    if fits {
                        self.tag(n);
                    }
                    rest = &tail[j + SENTINEL_CLOSE.len_utf8()..];
                }
                None => rest = tail,
            }
        }
        self.escaped(rest, attr);
    }

    fn escaped(&mut self, s: &str, attr: bool) {
        let mut x = String::new();
        if attr {
            super::xml::escape_attr(s, &mut x);
        } else {
            super::xml::escape_text(s, &mut x);
        }
        self.literal(&x);
    }

    /// Literal output: `{` cannot start a tag.
    fn literal(&mut self, s: &str) {
        for c in s.chars() {
            if c == '{' {
                self.out.push_str("{{ '{' }}");
            } else {
                if c == '\n' {
                    self.line += 1;
                }
                self.out.push(c);
            }
        }
    }

    fn tag(&mut self, idx: usize) {
        let Some(t) = self.tags.get(idx) else { return };
        let code = match (t.kind, t.neutral) {
            (Kind::Comment | Kind::Vm, _) => return,
            (Kind::Print, false) => format!("{{{{ {} }}}}", t.code),
            (Kind::Print, true) => String::new(),
            (Kind::AttrPrint, false) => format!("{{{{ ({}) | {} }}}}", t.code, super::ATTR_FILTER),
            (Kind::AttrPrint, true) => String::new(),
            (Kind::CellBg, false) => format!("{{{{ ({}) | cellbg }}}}", t.code),
            (Kind::CellBg, true) => super::post::NO_FILL.to_string(),
            (Kind::ListLevel, false) => format!("{{{{ ({}) | listlevel }}}}", t.code),
            (Kind::ListLevel, true) => "0".to_string(),
            (Kind::Stmt, false) => format!("{{% {} %}}", t.code),
            (Kind::Stmt, true) => format!("{{% {} %}}", neutral_stmt(&t.code)),
        };
        self.out.push_str("{#\n#}");
        self.line += 1;
        self.lines.insert(self.line, idx);
        self.order.push(idx);
        self.out.push_str(&code);
    }
}

/// A statement that cannot fail at run time but keeps the block structure.
fn neutral_stmt(code: &str) -> String {
    let first = code.split_whitespace().next().unwrap_or_default();
    match first {
        "for" => match code.find(" in ") {
            Some(i) => format!("{} in []", &code[..i]),
            None => code.to_string(),
        },
        "if" => "if false".into(),
        "elif" => "elif false".into(),
        "set" if code.contains('=') => match code.find('=') {
            Some(i) => format!("{}= none", &code[..i]),
            None => code.to_string(),
        },
        _ => code.to_string(),
    }
}

const BLOCKS: &[&str] = &["for", "if", "macro", "call", "filter", "with", "autoescape"];

/// Block tags must close at the level (and in the paragraph, row or table) where they open.
fn balance(tags: &[Tag], order: &[usize]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut stack: Vec<(String, usize)> = Vec::new();
    let problem = |t: &Tag, reason: String| Problem { loc: t.loc.clone(), tag: t.text.clone(), reason };
    for &i in order {
        let Some(t) = tags.get(i) else { continue };
        if t.kind != Kind::Stmt {
            continue;
        }
        let first = t.code.split_whitespace().next().unwrap_or_default();
        if matches!(first, "include" | "import" | "from" | "extends" | "block" | "endblock") {
            problems.push(problem(t, format!("`{first}` is not allowed in Word templates")));
            continue;
        }
        let block_set = first == "set" && !t.code.contains('=');
        if BLOCKS.contains(&first) || block_set {
            stack.push((first.to_string(), i));
        } else if matches!(first, "elif" | "else") {
            match stack.last().and_then(|(k, o)| tags.get(*o).map(|ot| (k, ot))) {
                Some((k, ot)) if k == "if" || (k == "for" && first == "else") => {
                    if !same_place(ot, t) {
                        problems.push(problem(t, mismatch(ot, t)));
                    }
                }
                _ => problems.push(problem(t, format!("`{first}` without an open `if`"))),
            }
        } else if let Some(kw) = first.strip_prefix("end") {
            match stack.pop() {
                Some((k, o)) if k == kw => {
                    if let Some(ot) = tags.get(o) {
                        if !same_place(ot, t) {
                            problems.push(problem(t, mismatch(ot, t)));
                        }
                    }
                }
                Some((k, o)) => {
                    let opened =
                        tags.get(o).map(|ot| format!(" ({} at {})", ot.text, ot.loc)).unwrap_or_default();
                    problems.push(problem(t, format!("`{first}` closes an open `{k}`{opened}")));
                }
                None => problems.push(problem(t, format!("`{first}` without an open `{kw}`"))),
            }
        }
    }
    for (k, o) in stack {
        if let Some(t) = tags.get(o) {
            let closer = match t.level {
                Level::Inline => format!("{{% end{k} %}}"),
                l => format!("{{%{} end{k} %}}", l.prefix()),
            };
            problems.push(problem(t, format!("`{k}` is never closed (add {closer})")));
        }
    }
    problems
}

fn same_place(open: &Tag, close: &Tag) -> bool {
    if open.level != close.level || open.loc.part != close.loc.part {
        return false;
    }
    let table = |t: &Tag| t.loc.cell.map(|c| c.0);
    match open.level {
        Level::Inline => open.loc.paragraph == close.loc.paragraph && open.depth == close.depth,
        Level::P => open.loc.cell == close.loc.cell,
        Level::Tr => table(open) == table(close),
        Level::Tc => open.loc.cell.map(|c| (c.0, c.1)) == close.loc.cell.map(|c| (c.0, c.1)),
    }
}

fn mismatch(open: &Tag, close: &Tag) -> String {
    let form = |t: &Tag| match t.level {
        Level::Inline => "{% … %}".to_string(),
        l => format!("{{%{} … %}}", l.prefix()),
    };
    if open.level != close.level {
        format!(
            "closes {} (at {}) with a {} tag: use the same form for both",
            open.text,
            open.loc,
            form(close)
        )
    } else {
        let what = match open.level {
            Level::Inline if open.loc.paragraph == close.loc.paragraph => {
                "at the same run depth (not one inside a hyperlink or field and the other outside)"
            }
            Level::Inline => "in the same paragraph (or use {%p … %} on paragraphs of their own)",
            Level::P => "in the same cell or body",
            Level::Tr => "in the same table",
            Level::Tc => "in the same row",
        };
        format!("closes {} (at {}): a block must close {what}", open.text, open.loc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_found_and_unclosed() {
        assert_eq!(find_tags("a {{ x }} b {%p if y %}").unwrap(), vec![(2, 9), (12, 23)]);
        assert_eq!(find_tags("a { b } {{ x").unwrap_err(), 8);
        assert_eq!(straighten("{{ “a” ‘b’ }}"), "{{ \"a\" 'b' }}");
        assert_eq!(neutral_stmt("for a, b in plann.items"), "for a, b in []");
    }
}
