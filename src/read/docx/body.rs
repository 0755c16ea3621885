//! Lowering WordprocessingML content (body, cells, text boxes, notes, headers) to blocks.
//!
//! Block level: `w:p` → heading / list item / paragraph (split at page breaks), `w:tbl` →
//! [`Table`], content controls, custom XML and insertions are walked through, deletions
//! (`w:del`, `w:moveFrom`) skipped. Inline level: runs give text (`w:t`, tabs, breaks, symbols)
//! with bold/italic from direct formatting, character style and paragraph style; hidden runs
//! (`w:vanish`) and field instructions are dropped, field results kept. Text boxes found in a
//! paragraph's drawings are emitted as blocks right after that paragraph.

use super::numbering::Numbering;
use super::package::check_deadline;
use super::styles::{hex6, RunStyle, Styles, Theme};
use super::xml::{on_off, Element};
use crate::model::{Block, Cell, Emphasis, Pos, Row, Table, Text};
use crate::read::{Limits, ReadError};
use std::collections::BTreeMap;
use std::time::Instant;

/// Where blocks get their [`Pos`] from.
#[derive(Clone, Copy)]
enum PosMode {
    /// Top level of a part: every paragraph/table takes the next index.
    Counter,
    /// Inside a table cell or text box: the index of the enclosing top-level block.
    Fixed(u32),
}

/// State of one document's lowering.
pub struct Walker<'a> {
    pub styles: &'a Styles,
    pub numbering: &'a mut Numbering,
    pub theme: &'a Theme,
    pub limits: Limits,
    pub started: Instant,
    pub warnings: Vec<String>,
    /// Open complex fields: `true` once past `separate` (showing the result).
    fields: Vec<bool>,
    next_index: u32,
    steps: u32,
}

/// Text being collected for one paragraph segment.
#[derive(Default)]
struct Acc {
    text: String,
    chars: u32,
    /// (start, end, bold, italic) per run piece, char offsets.
    spans: Vec<(u32, u32, bool, bool)>,
}

impl Acc {
    fn push(&mut self, s: &str, bold: bool, italic: bool) {
        if s.is_empty() {
            return;
        }
        let n = s.chars().count() as u32;
        if bold || italic {
            match self.spans.last_mut() {
                Some(last) if last.1 == self.chars && last.2 == bold && last.3 == italic => last.1 += n,
                _ => self.spans.push((self.chars, self.chars + n, bold, italic)),
            }
        }
        self.text.push_str(s);
        self.chars += n;
    }

    /// The trimmed text with emphasis shifted to match.
    fn finish(self) -> Text {
        let lead = self.text.chars().take_while(|c| c.is_whitespace()).count() as u32;
        let trimmed = self.text.trim();
        let end = lead + trimmed.chars().count() as u32;
        let mut emphasis: Vec<Emphasis> = Vec::new();
        for (s, e, bold, italic) in self.spans {
            let (s, e) = (s.max(lead), e.min(end));
            if s >= e {
                continue;
            }
            let (start, end) = (s - lead, e - lead);
            match emphasis.last_mut() {
                Some(l) if l.end == start && l.bold == bold && l.italic == italic => l.end = end,
                _ => emphasis.push(Emphasis { start, end, bold, italic }),
            }
        }
        Text { text: trimmed.to_string(), emphasis }
    }
}

/// A piece of one paragraph: text, or a page break inside it.
enum Seg {
    Text(Acc),
    PageBreak,
}

/// Inline context of one paragraph.
struct Para<'e> {
    /// Finished segments; `cur` is the text segment being filled.
    done: Vec<Seg>,
    cur: Acc,
    boxes: Vec<Element<'e>>,
    base: RunStyle,
}

impl Para<'_> {
    fn acc(&mut self) -> &mut Acc {
        &mut self.cur
    }

    fn page_break(&mut self) {
        self.done.push(Seg::Text(std::mem::take(&mut self.cur)));
        self.done.push(Seg::PageBreak);
    }

    fn is_blank(&self) -> bool {
        self.cur.text.trim().is_empty()
            && self.done.iter().all(|s| matches!(s, Seg::Text(a) if a.text.trim().is_empty()))
    }

    fn segments(mut self) -> Vec<Seg> {
        self.done.push(Seg::Text(self.cur));
        self.done
    }
}

impl<'a> Walker<'a> {
    pub fn new(
        styles: &'a Styles,
        numbering: &'a mut Numbering,
        theme: &'a Theme,
        limits: Limits,
        started: Instant,
    ) -> Self {
        Walker {
            styles,
            numbering,
            theme,
            limits,
            started,
            warnings: Vec::new(),
            fields: Vec::new(),
            next_index: 0,
            steps: 0,
        }
    }

    fn tick(&mut self) -> Result<(), ReadError> {
        self.steps = self.steps.wrapping_add(1);
        if self.steps.is_multiple_of(64) {
            check_deadline(self.started, &self.limits)?;
        }
        Ok(())
    }

    /// Lower a top-level container (body, note, header): indices restart at 0.
    pub fn part(&mut self, container: Element<'_>) -> Result<Vec<Block>, ReadError> {
        self.parts(&[container])
    }

    /// Lower several containers as one top-level container of all their children, in order
    /// (the notes of a notes part): indices restart at 0 once.
    pub fn parts(&mut self, containers: &[Element<'_>]) -> Result<Vec<Block>, ReadError> {
        self.next_index = 0;
        self.fields.clear();
        let mut out = Vec::new();
        for &c in containers {
            self.blocks(c, PosMode::Counter, &mut out, 0)?;
        }
        Ok(out)
    }

    fn pos(&mut self, mode: PosMode) -> Pos {
        match mode {
            PosMode::Counter => {
                let p = Pos { index: self.next_index, page: None };
                self.next_index = self.next_index.saturating_add(1);
                p
            }
            PosMode::Fixed(i) => Pos { index: i, page: None },
        }
    }

    fn blocks(
        &mut self,
        container: Element<'_>,
        mode: PosMode,
        out: &mut Vec<Block>,
        depth: usize,
    ) -> Result<(), ReadError> {
        if depth > 64 {
            self.warnings.push("content nested too deeply was skipped".into());
            return Ok(());
        }
        for e in container.elements() {
            match e.name() {
                "p" => {
                    let pos = self.pos(mode);
                    self.paragraph(e, pos, out, depth)?;
                }
                "tbl" => {
                    let pos = self.pos(mode);
                    let mut t = Table { rows: Vec::new(), pos };
                    self.table(e, pos, &mut t, depth)?;
                    if !t.rows.is_empty() {
                        out.push(Block::Table(t));
                    }
                }
                "sdt" => {
                    // a content control that still shows its placeholder holds no value
                    if let Some(c) = e.child("sdtContent").filter(|_| !showing_placeholder(e)) {
                        self.blocks(c, mode, out, depth + 1)?;
                    }
                }
                "sdtContent" | "customXml" | "ins" | "moveTo" | "smartTag" => {
                    self.blocks(e, mode, out, depth + 1)?
                }
                "AlternateContent" => {
                    if let Some(c) = alternate(e) {
                        self.blocks(c, mode, out, depth + 1)?;
                    }
                }
                "altChunk" => {
                    let w =
                        "embedded content (w:altChunk: imported HTML or document) is not read".to_string();
                    if !self.warnings.contains(&w) {
                        self.warnings.push(w);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn paragraph(
        &mut self,
        p: Element<'_>,
        pos: Pos,
        out: &mut Vec<Block>,
        depth: usize,
    ) -> Result<(), ReadError> {
        self.tick()?;
        let ppr = p.child("pPr");
        let style = self.styles.para_style(ppr.and_then(|x| x.child_val("pStyle")));
        let heading = style.and_then(|s| self.styles.heading_level(s));
        let base = self.styles.run_style(style);
        let mut para = Para { done: Vec::new(), cur: Acc::default(), boxes: Vec::new(), base };
        if on_off(ppr.and_then(|x| x.child("pageBreakBefore"))) == Some(true) {
            para.done.push(Seg::PageBreak);
        }
        self.inline(p, &mut para, 0)?;
        self.end_of_paragraph_fields();
        let boxes = std::mem::take(&mut para.boxes);
        // a paragraph whose mark and text are all hidden is not shown (nor numbered) by Word
        let mark_hidden =
            on_off(ppr.and_then(|x| x.child("rPr")).and_then(|r| r.child("vanish"))) == Some(true);
        if mark_hidden && para.is_blank() && boxes.is_empty() {
            return Ok(());
        }
        let label = self.list_label(ppr, style);

        let mut kind_used = false;
        for seg in para.segments() {
            match seg {
                Seg::PageBreak => out.push(Block::PageBreak { pos }),
                Seg::Text(acc) => {
                    let text = acc.finish();
                    if !kind_used && (!text.text.is_empty() || label.is_some() && heading.is_none()) {
                        kind_used = true;
                        out.push(make_block(text, heading, &label, pos));
                    } else if !text.text.is_empty() {
                        out.push(Block::Paragraph { text, pos });
                    }
                }
            }
        }
        if !kind_used && heading.is_none() {
            if let Some(l) = &label {
                // an empty numbered point still shows its label in Word
                out.push(make_block(Text::default(), None, &Some(l.clone()), pos));
            }
        }
        for b in boxes {
            self.blocks(b, PosMode::Fixed(pos.index), out, depth + 1)?;
        }
        Ok(())
    }

    /// The list label of a paragraph from its direct or style numbering; counts the item.
    fn list_label(
        &mut self,
        ppr: Option<Element<'_>>,
        style: Option<&str>,
    ) -> Option<(u8, Option<String>, bool)> {
        let direct = ppr.and_then(|x| x.child("numPr"));
        let d_num = direct.and_then(|n| n.child_val("numId")).map(|v| v.trim().to_string());
        let d_lvl = direct.and_then(|n| n.child_val("ilvl")).and_then(|v| v.trim().parse::<u8>().ok());
        let from_style = style.and_then(|s| self.styles.numbering(s));
        let (num, lvl) = match (d_num, from_style) {
            (Some(n), _) => (n, d_lvl.unwrap_or(0)),
            (None, Some((n, sl))) => {
                // a style without ilvl takes the level whose w:pStyle names it (outline headings)
                let by_style = || style.and_then(|st| self.numbering.level_for_style(&n, st));
                let l = d_lvl.or(sl).or_else(by_style).unwrap_or(0);
                (n, l)
            }
            (None, None) => return None,
        };
        if num == "0" || num.is_empty() {
            return None;
        }
        if !self.numbering.has(&num) {
            let w = format!("numbering {num} is not defined; paragraph read without a list label");
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
            return None;
        }
        let l = self.numbering.next(&num, lvl)?;
        Some((lvl.min(8), l.label, l.ordered))
    }

    /// Field instructions do not run past a paragraph mark: a field still waiting for its
    /// `separate` at the end of a paragraph is malformed and dropped, so that it cannot hide
    /// the rest of the document. Fields showing their result (a TOC) stay open.
    fn end_of_paragraph_fields(&mut self) {
        let before = self.fields.len();
        while self.fields.last() == Some(&false) {
            self.fields.pop();
        }
        if self.fields.len() != before {
            let w = "a field without a result ended at a paragraph mark".to_string();
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
    }

    fn field_visible(&self) -> bool {
        self.fields.iter().all(|f| *f)
    }

    fn inline<'e>(&mut self, e: Element<'e>, para: &mut Para<'e>, depth: usize) -> Result<(), ReadError> {
        if depth > 64 {
            return Ok(());
        }
        for c in e.elements() {
            match c.name() {
                "r" => self.run(c, para)?,
                "hyperlink" | "smartTag" | "customXml" | "ins" | "moveTo" | "fldSimple" | "bdo" | "dir"
                | "sdtContent" | "oMath" | "oMathPara" => self.inline(c, para, depth + 1)?,
                "sdt" => {
                    if showing_placeholder(c) {
                    } else if let Some(iso) = full_date(c) {
                        // a date picker's stored date, whatever format or text it shows
                        para.acc().push(&iso, false, false);
                    } else if let Some(s) = c.child("sdtContent") {
                        self.inline(s, para, depth + 1)?;
                    }
                }
                "AlternateContent" => {
                    if let Some(a) = alternate(c) {
                        self.inline(a, para, depth + 1)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn run<'e>(&mut self, r: Element<'e>, para: &mut Para<'e>) -> Result<(), ReadError> {
        let rpr = r.child("rPr");
        let cs = self.styles.run_style(rpr.and_then(|x| x.child_val("rStyle")));
        let pick = |direct: Option<bool>, ch: Option<bool>, base: Option<bool>| {
            direct.or(ch).or(base).unwrap_or(false)
        };
        let bold = pick(on_off(rpr.and_then(|x| x.child("b"))), cs.bold, para.base.bold);
        let italic = pick(on_off(rpr.and_then(|x| x.child("i"))), cs.italic, para.base.italic);
        let hidden = pick(on_off(rpr.and_then(|x| x.child("vanish"))), cs.vanish, None);
        for c in r.elements() {
            if c.name() == "fldChar" {
                match c.attr("fldCharType") {
                    Some("begin") => self.fields.push(false),
                    Some("separate") => {
                        if let Some(last) = self.fields.last_mut() {
                            *last = true;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                }
                continue;
            }
            if hidden || !self.field_visible() {
                continue;
            }
            match c.name() {
                "t" => para.acc().push(c.text(), bold, italic),
                "tab" | "ptab" => para.acc().push("\t", false, false),
                "br" => match c.attr("type") {
                    Some("page") => para.page_break(),
                    _ => para.acc().push("\n", false, false),
                },
                "cr" => para.acc().push("\n", false, false),
                "noBreakHyphen" => para.acc().push("-", bold, italic),
                "sym" => {
                    if let Some(ch) = c.attr("char").and_then(|h| symbol(c.attr("font"), h)) {
                        para.acc().push(&ch.to_string(), bold, italic);
                    }
                }
                "drawing" | "pict" | "object" | "AlternateContent" => text_boxes(c, &mut para.boxes, 0),
                _ => {}
            }
        }
        Ok(())
    }

    fn table(&mut self, tbl: Element<'_>, pos: Pos, t: &mut Table, depth: usize) -> Result<(), ReadError> {
        // grid column → (row index, cell index) of the cell a vertical merge continues
        let mut origins: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        let mut trs: Vec<Element<'_>> = Vec::new();
        collect_rows(tbl, &mut trs, 0);
        for tr in trs {
            self.tick()?;
            let trpr = tr.child("trPr");
            if trpr.and_then(|x| x.child("del")).is_some() {
                continue;
            }
            let header = on_off(trpr.and_then(|x| x.child("tblHeader"))).unwrap_or(false);
            let before: usize = trpr
                .and_then(|x| x.child_val("gridBefore"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0usize)
                .min(1000);
            let mut tcs: Vec<Element<'_>> = Vec::new();
            collect_cells(tr, &mut tcs, 0);
            let row_index = t.rows.len();
            let mut row = Row { cells: Vec::new(), header };
            if before > 0 {
                // grid columns skipped before the first cell: an empty cell keeps the columns
                // of this row aligned with the others
                row.cells.push(Cell { col_span: before as u32, ..Cell::default() });
            }
            let mut col = before;
            for tc in tcs {
                let tcpr = tc.child("tcPr");
                let span: u32 = tcpr
                    .and_then(|x| x.child_val("gridSpan"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(1u32)
                    .clamp(1, 1000);
                let vmerge = tcpr.and_then(|x| x.child("vMerge")).map(|v| v.attr("val") == Some("restart"));
                let hmerge_cont =
                    tcpr.and_then(|x| x.child("hMerge")).is_some_and(|h| h.attr("val") != Some("restart"));
                let here = col;
                col += span as usize;
                if hmerge_cont {
                    if let Some(prev) = row.cells.last_mut() {
                        prev.col_span = prev.col_span.saturating_add(span);
                        continue;
                    }
                }
                if vmerge == Some(false) {
                    if let Some(&(ri, ci)) = origins.get(&here) {
                        if let Some(origin) = t.rows.get_mut(ri).and_then(|r| r.cells.get_mut(ci)) {
                            if origin.col_span == span {
                                origin.row_span = origin.row_span.saturating_add(1);
                                continue;
                            }
                        }
                    }
                }
                let mut cell = Cell { col_span: span, fill: self.fill(tcpr), ..Cell::default() };
                self.blocks(tc, PosMode::Fixed(pos.index), &mut cell.blocks, depth + 1)?;
                for c in here..here + span as usize {
                    origins.remove(&c);
                }
                if vmerge.is_some() {
                    origins.insert(here, (row_index, row.cells.len()));
                }
                row.cells.push(cell);
            }
            t.rows.push(row);
        }
        Ok(())
    }

    /// A cell's fill as `#RRGGBB`: solid pattern colour, `w:fill`, or the theme fill.
    fn fill(&self, tcpr: Option<Element<'_>>) -> Option<String> {
        let shd = tcpr?.child("shd")?;
        let val = shd.attr("val").unwrap_or("clear");
        if val == "nil" {
            return None;
        }
        if val == "solid" {
            if let Some(c) = shd.attr("color").and_then(hex6) {
                return Some(format!("#{c}"));
            }
        }
        if let Some(f) = shd.attr("fill").and_then(hex6) {
            return Some(format!("#{f}"));
        }
        let theme = shd.attr("themeFill")?;
        self.theme
            .resolve(theme, shd.attr("themeFillTint"), shd.attr("themeFillShade"))
            .map(|c| format!("#{c}"))
    }
}

fn make_block(
    text: Text,
    heading: Option<u8>,
    label: &Option<(u8, Option<String>, bool)>,
    pos: Pos,
) -> Block {
    match (heading, label) {
        (Some(level), None) => Block::Heading { level, text, pos },
        (Some(level), Some((_, l, _))) => {
            // a numbered heading: the number Word shows becomes part of the heading text
            let Some(l) = l else { return Block::Heading { level, text, pos } };
            let shift = l.chars().count() as u32 + 1;
            let emphasis = text
                .emphasis
                .iter()
                .map(|e| Emphasis { start: e.start + shift, end: e.end + shift, ..*e })
                .collect();
            Block::Heading { level, text: Text { text: format!("{l} {}", text.text), emphasis }, pos }
        }
        (None, Some((level, label, ordered))) => {
            Block::ListItem { level: *level, label: label.clone(), ordered: *ordered, text, pos }
        }
        (None, None) => Block::Paragraph { text, pos },
    }
}

/// The branch of `mc:AlternateContent` to read: the first `mc:Choice`, else `mc:Fallback`.
fn alternate(e: Element<'_>) -> Option<Element<'_>> {
    e.child("Choice").or_else(|| e.child("Fallback"))
}

/// Collect `w:txbxContent` under a drawing, reading only one branch of alternate content.
fn text_boxes<'e>(e: Element<'e>, out: &mut Vec<Element<'e>>, depth: usize) {
    if depth > 64 {
        return;
    }
    if e.name() == "txbxContent" {
        out.push(e);
        return;
    }
    if e.name() == "AlternateContent" {
        if let Some(a) = alternate(e) {
            text_boxes(a, out, depth + 1);
        }
        return;
    }
    for c in e.elements() {
        text_boxes(c, out, depth + 1);
    }
}

fn collect_rows<'e>(e: Element<'e>, out: &mut Vec<Element<'e>>, depth: usize) {
    if depth > 16 {
        return;
    }
    for c in e.elements() {
        match c.name() {
            "tr" => out.push(c),
            "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" => collect_rows(c, out, depth + 1),
            _ => {}
        }
    }
}

fn collect_cells<'e>(e: Element<'e>, out: &mut Vec<Element<'e>>, depth: usize) {
    if depth > 16 {
        return;
    }
    for c in e.elements() {
        match c.name() {
            "tc" => out.push(c),
            "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" => collect_cells(c, out, depth + 1),
            _ => {}
        }
    }
}

/// A `w:sym` character as Unicode. Codes outside the private-use area are used as they are;
/// symbol-font codes (`F0xx`) are mapped for the characters committee papers use (Symbol:
/// bullets, arrows, ≤ ≥ ± ×; Wingdings: check marks, boxes, bullets, arrows). Other symbol-font
/// codes are dropped rather than shown as an unrelated letter.
fn symbol(font: Option<&str>, hex: &str) -> Option<char> {
    let code = u32::from_str_radix(hex.trim(), 16).ok()?;
    if !(0xF000..=0xF0FF).contains(&code) {
        return char::from_u32(code).filter(|c| !c.is_control());
    }
    let low = code - 0xF000;
    let font = font.unwrap_or("").to_ascii_lowercase();
    let mapped = if font.starts_with("wingdings") {
        match low {
            0xFC => '✓',
            0xFB => '✗',
            0xFD => '☒',
            0xFE => '☑',
            0x6F | 0xA8 => '☐',
            0x6C | 0x9F => '●',
            0xA7 | 0x6E => '▪',
            0xD8 => '➢',
            0xE0 | 0xE8 => '→',
            _ => return None,
        }
    } else {
        match low {
            0xB7 => '•',
            0xB3 => '≥',
            0xA3 => '≤',
            0xAE => '→',
            0xAC => '←',
            0xDE => '⇒',
            0xB1 => '±',
            0xB4 => '×',
            0xB9 => '≠',
            0xBB => '≈',
            0xB0 => '°',
            0xA5 => '∞',
            0x2D => '−',
            0x20..=0x40 => char::from_u32(low)?,
            _ => return None,
        }
    };
    Some(mapped)
}

/// The date a date-picker control (`w:sdtPr/w:date/@w:fullDate`, `2025-11-20T00:00:00Z`) holds,
/// as `YYYY-MM-DD`.
fn full_date(sdt: Element<'_>) -> Option<String> {
    let full = sdt.child("sdtPr")?.child("date")?.attr("fullDate")?;
    let d = full.get(..10)?;
    let b = d.as_bytes();
    let ok =
        b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    ok.then(|| d.to_string())
}

/// A content control (`w:sdt`) showing its placeholder text (`w:showingPlcHdr`): its value is
/// empty, the shown text is only a prompt.
fn showing_placeholder(sdt: Element<'_>) -> bool {
    sdt.child("sdtPr").is_some_and(|p| {
        p.child("showingPlcHdr").is_some_and(|f| f.attr("val").is_none_or(|v| v != "0" && v != "false"))
    })
}

#[cfg(test)]
mod tests {
    use super::symbol;

    #[test]
    fn symbols() {
        let cases: &[(Option<&str>, &str, Option<char>)] = &[
            (Some("Symbol"), "F0B7", Some('•')),
            (Some("Symbol"), "F0B3", Some('≥')),
            (Some("Symbol"), "F031", Some('1')),
            (Some("Symbol"), "F061", None),
            (Some("Wingdings"), "F0FC", Some('✓')),
            (Some("Wingdings"), "F0FD", Some('☒')),
            (Some("Wingdings"), "F041", None),
            (None, "2265", Some('≥')),
            (None, "0007", None),
            (None, "zz", None),
        ];
        for (font, hex, want) in cases {
            assert_eq!(symbol(*font, hex), *want, "{font:?} {hex}");
        }
    }
}
