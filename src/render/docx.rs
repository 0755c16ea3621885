//! The DOCX writer: [`Markup`] → Word document bytes, built with docx-rs and then packaged by
//! [`super::package`] (fixed zip timestamps, our own core properties, header rows, section
//! headers).
//!
//! Word structure: built-in style ids `Title`, `Subtitle`, `Heading1`–`Heading3`, `ListBullet`,
//! `ListNumber`, `Header`, `Footer`, table style `TableGrid`; real numbering (one bullet list
//! definition with id 2, one fresh definition per ordered list from id 3, since `Docx::new()`
//! already uses 1); A4 portrait, landscape for `<section orient="landscape">`; a header with the
//! partnership's name and a footer with PAGE / NUMPAGES fields.

use super::markup::{Block, Cell, Inline, Markup, Table as MTable};
use docx_rs::*;
use std::collections::BTreeMap;

/// A4 in twentieths of a point.
const A4_W: u32 = 11906;
const A4_H: u32 = 16838;
const MARGIN: i32 = 1134;
const HEADER_FILL: &str = "DCE6F2";
const BULLET_NUM: usize = 2;

/// A chart (or other picture) the markup can embed by name.
#[derive(Debug, Clone)]
pub struct Picture {
    pub png: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
}

/// Which part of a document a block goes to: content width in twips.
fn content_width(landscape: bool) -> u32 {
    let page = if landscape { A4_H } else { A4_W };
    page.saturating_sub(2 * MARGIN.unsigned_abs())
}

struct Writer<'a> {
    pictures: &'a BTreeMap<String, Picture>,
    /// Ordered lists made so far: each gets its own abstract and concrete numbering id.
    next_num: usize,
    abstracts: Vec<AbstractNumbering>,
    nums: Vec<Numbering>,
    next_pic: usize,
    missing_pictures: Vec<String>,
    /// The previous block at this level was a table: the next paragraph gets space before it.
    after_table: bool,
}

/// Where a block is written: in a table cell, and with which emphasis.
#[derive(Clone, Copy, Default)]
struct Place {
    in_cell: bool,
    bold: bool,
    small: bool,
}

/// Builds the docx-rs document for `markup`. Pictures are looked up by name; a missing one
/// becomes a note in the text (and is reported back).
pub fn build(markup: &Markup, pictures: &BTreeMap<String, Picture>) -> (Docx, Vec<String>) {
    let mut w = Writer {
        pictures,
        next_num: 3,
        abstracts: Vec::new(),
        nums: Vec::new(),
        next_pic: 1,
        missing_pictures: Vec::new(),
        after_table: false,
    };
    // Split the body into sections: landscape sections and the portrait runs between them.
    let mut segments: Vec<(bool, Vec<&Block>)> = Vec::new();
    for b in &markup.blocks {
        match b {
            Block::Section { landscape, blocks } => segments.push((*landscape, blocks.iter().collect())),
            other => match segments.last_mut() {
                Some((false, v)) => v.push(other),
                _ => segments.push((false, vec![other])),
            },
        }
    }
    if segments.is_empty() {
        segments.push((false, Vec::new()));
    }

    let mut docx = base_document(markup);
    let last = segments.len() - 1;
    for (i, (landscape, blocks)) in segments.into_iter().enumerate() {
        let width = content_width(landscape);
        let mut children: Vec<Child> = Vec::new();
        for b in blocks {
            w.block(b, width, &mut children);
        }
        if i == last {
            for c in children {
                docx = match c {
                    Child::P(p) => docx.add_paragraph(*p),
                    Child::T(t) => docx.add_table(*t),
                };
            }
            let (pw, ph, orient) = page(landscape);
            docx = docx.page_size(pw, ph).page_orient(orient);
        } else {
            let (pw, ph, orient) = page(landscape);
            let mut s =
                Section::new().page_size(PageSize::new().size(pw, ph).orient(orient)).page_margin(margins());
            for c in children {
                s = match c {
                    Child::P(p) => s.add_paragraph(*p),
                    Child::T(t) => s.add_table(*t),
                };
            }
            docx = docx.add_section(s);
        }
    }
    docx =
        docx.add_abstract_numbering(bullet_abstract()).add_numbering(Numbering::new(BULLET_NUM, BULLET_NUM));
    for a in w.abstracts {
        docx = docx.add_abstract_numbering(a);
    }
    for n in w.nums {
        docx = docx.add_numbering(n);
    }
    (docx, w.missing_pictures)
}

fn page(landscape: bool) -> (u32, u32, PageOrientationType) {
    if landscape {
        (A4_H, A4_W, PageOrientationType::Landscape)
    } else {
        (A4_W, A4_H, PageOrientationType::Portrait)
    }
}

fn margins() -> PageMargin {
    PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN).header(567).footer(567).gutter(0)
}

enum Child {
    P(Box<Paragraph>),
    T(Box<Table>),
}

fn font() -> RunFonts {
    let f = style_sheet().defaults.font.as_str();
    RunFonts::new().ascii(f).hi_ansi(f).cs(f).east_asia(f)
}

fn base_document(m: &Markup) -> Docx {
    let header = Header::new()
        .add_paragraph(Paragraph::new().style("Header").add_run(Run::new().add_text(m.header.clone())));
    let mut footer_p = Paragraph::new().style("Footer").align(AlignmentType::Right);
    // "Side {PAGE} av {NUMPAGES}": literal text between the two fields.
    let mut rest = m.footer.as_str();
    while !rest.is_empty() {
        let next_page = rest.find("{PAGE}");
        let next_num = rest.find("{NUMPAGES}");
        let (pos, is_page) = match (next_page, next_num) {
            (Some(a), Some(b)) if a < b => (a, true),
            (Some(_), Some(b)) => (b, false),
            (Some(a), None) => (a, true),
            (None, Some(b)) => (b, false),
            (None, None) => {
                footer_p = footer_p.add_run(Run::new().add_text(rest));
                break;
            }
        };
        let (before, after) = rest.split_at(pos);
        if !before.is_empty() {
            footer_p = footer_p.add_run(Run::new().add_text(before));
        }
        if is_page {
            footer_p = footer_p.add_page_num(PageNum::new());
            rest = after.get("{PAGE}".len()..).unwrap_or_default();
        } else {
            footer_p = footer_p.add_num_pages(NumPages::new());
            rest = after.get("{NUMPAGES}".len()..).unwrap_or_default();
        }
    }
    let footer = Footer::new().add_paragraph(footer_p);

    let sheet = style_sheet();
    let mut docx = Docx::new()
        .default_fonts(font())
        .default_size(sheet.defaults.size)
        .page_margin(margins())
        .header(header)
        .footer(footer);
    for d in &sheet.style {
        docx = docx.add_style(style(d));
    }
    docx
}

/// The styles, default font and list formats of the built-in templates
/// (`templates/word/styles.toml`).
#[derive(Debug, serde::Deserialize)]
struct StyleSheet {
    defaults: Defaults,
    style: Vec<StyleDef>,
    lists: Lists,
}

#[derive(Debug, serde::Deserialize)]
struct Defaults {
    font: String,
    size: usize,
}

#[derive(Debug, serde::Deserialize)]
struct StyleDef {
    id: String,
    name: String,
    #[serde(default)]
    kind: Option<String>,
    based_on: Option<String>,
    next: Option<String>,
    size: Option<usize>,
    color: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    outline_level: Option<usize>,
    before: Option<u32>,
    after: Option<u32>,
}

#[derive(Debug, serde::Deserialize)]
struct Lists {
    indent: i32,
    bullets: Vec<String>,
    numbers: Vec<(String, String)>,
}

/// The style sheet, parsed once. It is compiled in and checked by a unit test, so it parses.
fn style_sheet() -> &'static StyleSheet {
    static SHEET: std::sync::OnceLock<StyleSheet> = std::sync::OnceLock::new();
    SHEET.get_or_init(|| {
        toml::from_str(include_str!("../../templates/word/styles.toml")).unwrap_or_else(|_| StyleSheet {
            defaults: Defaults { font: "Calibri".into(), size: 21 },
            style: Vec::new(),
            lists: Lists {
                indent: 360,
                bullets: vec!["•".into()],
                numbers: vec![("decimal".into(), "%1.".into())],
            },
        })
    })
}

fn style(d: &StyleDef) -> Style {
    let kind = if d.kind.as_deref() == Some("table") { StyleType::Table } else { StyleType::Paragraph };
    let mut s = Style::new(d.id.as_str(), kind).name(d.name.as_str());
    if let Some(b) = &d.based_on {
        s = s.based_on(b.as_str());
    }
    if let Some(n) = &d.next {
        s = s.next(n.as_str());
    }
    if d.bold {
        s = s.bold();
    }
    if d.italic {
        s = s.italic();
    }
    if let Some(size) = d.size {
        s = s.size(size);
    }
    if let Some(c) = &d.color {
        s = s.color(c.as_str());
    }
    if let Some(l) = d.outline_level {
        s = s.outline_lvl(l);
    }
    if d.before.is_some() || d.after.is_some() {
        s = s.line_spacing(LineSpacing::new().before(d.before.unwrap_or(0)).after(d.after.unwrap_or(0)));
    }
    s
}

/// One list definition: `formats[level]` = (number format, level text).
fn list_abstract(id: usize, formats: &[(&str, &str)]) -> AbstractNumbering {
    let indent = style_sheet().lists.indent;
    let mut a = AbstractNumbering::new(id);
    for (lvl, (fmt, text)) in formats.iter().enumerate() {
        a = a.add_level(
            Level::new(
                lvl,
                Start::new(1),
                NumberFormat::new(*fmt),
                LevelText::new(*text),
                LevelJc::new("left"),
            )
            .indent(
                Some(indent * (lvl as i32 + 1)),
                Some(SpecialIndentType::Hanging(indent)),
                None,
                None,
            ),
        );
    }
    a
}

fn bullet_abstract() -> AbstractNumbering {
    let b = &style_sheet().lists.bullets;
    let formats: Vec<(&str, &str)> = b.iter().map(|s| ("bullet", s.as_str())).collect();
    list_abstract(BULLET_NUM, &formats)
}

fn ordered_abstract(id: usize) -> AbstractNumbering {
    let n = &style_sheet().lists.numbers;
    let formats: Vec<(&str, &str)> = n.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
    list_abstract(id, &formats)
}

fn runs(mut p: Paragraph, inlines: &[Inline], force_bold: bool) -> Paragraph {
    for i in inlines {
        if i.br {
            p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            continue;
        }
        let mut r = Run::new().add_text(i.text.clone());
        if i.bold || force_bold {
            r = r.bold();
        }
        if i.italic {
            r = r.italic();
        }
        p = p.add_run(r);
    }
    p
}

impl Writer<'_> {
    fn block(&mut self, b: &Block, width: u32, out: &mut Vec<Child>) {
        self.block_in(b, width, out, Place::default());
        self.after_table = matches!(b, Block::Table(_));
    }

    fn block_in(&mut self, b: &Block, width: u32, out: &mut Vec<Child>, at: Place) {
        let space_before = !at.in_cell && std::mem::take(&mut self.after_table);
        match b {
            Block::Heading { level, inlines } => {
                let style = format!("Heading{}", (*level).clamp(1, 3));
                out.push(Child::P(Box::new(runs(
                    Paragraph::new().style(&style).keep_next(true),
                    inlines,
                    false,
                ))));
            }
            Block::Para { class, inlines } => {
                let style = match class.as_deref() {
                    Some("title") => "Title",
                    Some("subtitle") => "Subtitle",
                    Some("note") | Some("small") => "Note",
                    _ if at.in_cell && at.small => "TableSmall",
                    _ if at.in_cell => "TableText",
                    _ => "Normal",
                };
                let mut p = Paragraph::new().style(style);
                if space_before {
                    p = p.line_spacing(LineSpacing::new().before(160));
                }
                out.push(Child::P(Box::new(runs(p, inlines, at.bold))));
            }
            Block::List { ordered, items, level } => {
                let num = if *ordered {
                    let id = self.next_num;
                    self.next_num += 1;
                    self.abstracts.push(ordered_abstract(id));
                    self.nums.push(Numbering::new(id, id));
                    id
                } else {
                    BULLET_NUM
                };
                self.list(*ordered, items, num, *level, at.in_cell, out);
            }
            Block::Table(t) => out.push(Child::T(Box::new(self.table(t, width)))),
            Block::Image { name, width_mm, .. } => match self.pictures.get(name) {
                Some(pic) => {
                    let id = format!("rIdImage{}", self.next_pic);
                    self.next_pic += 1;
                    // 1 mm = 36 000 EMU; keep the aspect ratio and the page width.
                    let max_mm = u64::from(width) * 254 / 14_400;
                    let w_mm = u64::from(*width_mm).min(max_mm).max(10);
                    let w_emu = w_mm * 36_000;
                    let h_emu = w_emu * u64::from(pic.height_px) / u64::from(pic.width_px.max(1));
                    let p = Pic::new_with_dimensions(pic.png.clone(), pic.width_px, pic.height_px)
                        .size(clamp_u32(w_emu), clamp_u32(h_emu))
                        .id(id);
                    out.push(Child::P(Box::new(
                        Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_image(p)),
                    )));
                }
                None => {
                    self.missing_pictures.push(name.clone());
                    out.push(Child::P(Box::new(
                        Paragraph::new().style("Note").add_run(Run::new().add_text(format!("[{name}]"))),
                    )));
                }
            },
            Block::PageBreak => {
                out.push(Child::P(Box::new(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))));
            }
            Block::Section { blocks, .. } => {
                // Nested sections are flattened: orientation applies at the top level only.
                for b in blocks {
                    self.block_in(b, width, out, at);
                }
            }
        }
    }

    fn list(
        &mut self,
        ordered: bool,
        items: &[super::markup::ListItem],
        num: usize,
        level: usize,
        in_cell: bool,
        out: &mut Vec<Child>,
    ) {
        // In a table cell a list keeps the cell's text size (the numbering gives the indent).
        let style = match (in_cell, ordered) {
            (true, _) => "TableText",
            (false, true) => "ListNumber",
            (false, false) => "ListBullet",
        };
        for item in items {
            let p = Paragraph::new()
                .style(style)
                .numbering(NumberingId::new(num), IndentLevel::new(level.min(4)));
            out.push(Child::P(Box::new(runs(p, &item.inlines, false))));
            for child in &item.children {
                if let Block::List { ordered: sub_ordered, items: sub, .. } = child {
                    // A nested list of the other kind gets its own numbering.
                    let sub_num = if *sub_ordered == ordered {
                        num
                    } else if *sub_ordered {
                        let id = self.next_num;
                        self.next_num += 1;
                        self.abstracts.push(ordered_abstract(id));
                        self.nums.push(Numbering::new(id, id));
                        id
                    } else {
                        BULLET_NUM
                    };
                    self.list(*sub_ordered, sub, sub_num, level + 1, in_cell, out);
                }
            }
        }
    }

    fn table(&mut self, t: &MTable, width: u32) -> Table {
        let width = width * t.width_pct.clamp(10, 100) / 100;
        let ncols = t
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.colspan as usize).sum::<usize>())
            .max()
            .unwrap_or(1)
            .max(t.widths.len())
            .max(1);
        let mut rel: Vec<u64> = t.widths.iter().map(|&w| u64::from(w)).collect();
        rel.resize(ncols, rel.iter().copied().min().unwrap_or(1).max(1));
        let total: u64 = rel.iter().sum::<u64>().max(1);
        let mut grid: Vec<usize> = rel.iter().map(|w| (u64::from(width) * w / total) as usize).collect();
        fit_words(&mut grid, &longest_words(t, ncols));
        let mut rows = Vec::new();
        for r in &t.rows {
            let mut cells = Vec::new();
            let mut col = 0usize;
            for c in &r.cells {
                let span = (c.colspan as usize).max(1);
                let w: usize = grid.iter().skip(col).take(span).sum();
                col += span;
                cells.push(self.cell(c, w, span, r.keep_next));
            }
            if col < ncols {
                // Pad short rows so every row spans the grid.
                let w: usize = grid.iter().skip(col).sum();
                cells.push(
                    TableCell::new()
                        .add_paragraph(Paragraph::new().style("TableText"))
                        .width(w, WidthType::Dxa)
                        .grid_span(ncols - col),
                );
            }
            let mut row = TableRow::new(cells);
            if r.header {
                // Marked with cantSplit; the packager adds <w:tblHeader/> next to it.
                row = row.cant_split();
            }
            if let Some(mm) = r.height_mm {
                row = row.row_height((mm * 57) as f32).height_rule(HeightRule::AtLeast);
            }
            rows.push(row);
        }
        Table::new(rows)
            .style("TableGrid")
            .set_grid(grid)
            .width(width as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(TableCellMargins::new().margin(40, 80, 40, 80))
    }

    fn cell(&mut self, c: &Cell, width: usize, span: usize, keep_next: bool) -> TableCell {
        let status = c.fill.as_deref().map(|f| matches!(f, "00B050" | "FFC000" | "FF0000")).unwrap_or(false);
        let mut children = Vec::new();
        for b in &c.blocks {
            let at = Place { in_cell: true, bold: (c.header && !c.small) || status, small: c.small };
            self.block_in(b, width as u32, &mut children, at);
        }
        let align = match c.align.as_deref() {
            Some("center") => Some(AlignmentType::Center),
            Some("right") => Some(AlignmentType::Right),
            _ => None,
        };
        let mut cell = TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Top);
        let mut any = false;
        for ch in children {
            match ch {
                Child::P(p) => {
                    let mut p = *p;
                    if let Some(a) = align {
                        p = p.align(a);
                    }
                    if keep_next {
                        p = p.keep_next(true);
                    }
                    cell = cell.add_paragraph(p);
                    any = true;
                }
                Child::T(t) => {
                    cell = cell.add_table(*t);
                    // A cell must end with a paragraph.
                    cell = cell.add_paragraph(Paragraph::new().style("TableText"));
                    any = true;
                }
            }
        }
        if !any {
            cell = cell.add_paragraph(Paragraph::new().style("TableText"));
        }
        let fill = c.fill.clone().or_else(|| c.header.then(|| HEADER_FILL.to_string()));
        if let Some(f) = fill {
            cell = cell.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(f));
        }
        if span > 1 {
            cell = cell.grid_span(span);
        }
        cell
    }
}

/// Approximate width of one character of table text in twips (9.5 pt Calibri: about half an em).
const CHAR_TWIPS: usize = 95;
/// Left plus right cell margin in twips.
const CELL_MARGINS: usize = 160;

fn inline_words(blocks: &[Block], longest: &mut usize) {
    for b in blocks {
        let inl: Vec<&Inline> = match b {
            Block::Para { inlines, .. } | Block::Heading { inlines, .. } => inlines.iter().collect(),
            Block::List { items, .. } => {
                for it in items {
                    for i in &it.inlines {
                        for w in i.text.split_whitespace() {
                            // a list item is indented by its label
                            *longest = (*longest).max(w.chars().count() + 4);
                        }
                    }
                    inline_words(&it.children, longest);
                }
                continue;
            }
            _ => continue,
        };
        for i in inl {
            for w in i.text.split_whitespace() {
                *longest = (*longest).max(w.chars().count());
            }
        }
    }
}

/// Per grid column, the longest word of its single-column cells (characters).
fn longest_words(t: &MTable, ncols: usize) -> Vec<usize> {
    let mut out = vec![0usize; ncols];
    for r in &t.rows {
        let mut col = 0usize;
        for c in &r.cells {
            let span = (c.colspan as usize).max(1);
            if span == 1 {
                if let Some(slot) = out.get_mut(col) {
                    inline_words(&c.blocks, slot);
                }
            }
            col += span;
        }
    }
    out
}

/// Widen columns whose longest word would not fit (a word broken mid-way, `samarbeidsutv|algene`)
/// by taking width from columns with room to spare; the table's total width stays the same.
fn fit_words(grid: &mut [usize], longest: &[usize]) {
    let need: Vec<usize> = grid
        .iter()
        .zip(longest)
        .map(|(_, l)| if *l == 0 { 0 } else { l * CHAR_TWIPS + CELL_MARGINS })
        .collect();
    fit_columns(grid, &need);
}

/// Widen columns narrower than they `need` (twips; 0: no need) by taking width from columns
/// with room to spare, in proportion to that room; the total width stays the same. A column
/// keeps at least three cell margins.
pub(crate) fn fit_columns(grid: &mut [usize], need: &[usize]) {
    let missing: usize = grid.iter().zip(need).map(|(g, n)| n.saturating_sub(*g)).sum();
    let spare: usize = grid.iter().zip(need).map(|(g, n)| g.saturating_sub((*n).max(CELL_MARGINS * 3))).sum();
    if missing == 0 || spare == 0 {
        return;
    }
    let give = missing.min(spare);
    let mut taken = 0usize;
    let n = grid.len();
    for i in 0..n {
        let (g, nd) = (grid[i], need[i]);
        let room = g.saturating_sub(nd.max(CELL_MARGINS * 3));
        let t = room * give / spare;
        grid[i] -= t;
        taken += t;
    }
    for i in 0..n {
        let short = need[i].saturating_sub(grid[i]);
        let add = short.min(taken);
        grid[i] += add;
        taken -= add;
    }
    // rounding leftovers go to the widest column
    if taken > 0 {
        if let Some(max) = grid.iter_mut().max() {
            *max += taken;
        }
    }
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod fit_tests {
    use super::{fit_words, style_sheet, StyleSheet};

    #[test]
    fn the_style_sheet_parses_and_has_every_style_the_markup_uses() {
        let sheet: StyleSheet = toml::from_str(include_str!("../../templates/word/styles.toml")).unwrap();
        let ids: Vec<&str> = sheet.style.iter().map(|s| s.id.as_str()).collect();
        for want in [
            "Normal",
            "Title",
            "Subtitle",
            "Heading1",
            "Heading2",
            "Heading3",
            "ListBullet",
            "ListNumber",
            "Note",
            "TableText",
            "TableSmall",
            "Header",
            "Footer",
            "TableGrid",
        ] {
            assert!(ids.contains(&want), "styles.toml has no {want}");
        }
        for s in &sheet.style {
            if let Some(b) = &s.based_on {
                assert!(ids.contains(&b.as_str()), "{} is based on unknown {b}", s.id);
            }
            assert!(s.kind.as_deref().is_none_or(|k| k == "table" || k == "paragraph"), "{}", s.id);
        }
        assert!(!sheet.lists.bullets.is_empty() && sheet.lists.bullets.len() == sheet.lists.numbers.len());
        assert_eq!(style_sheet().style.len(), sheet.style.len());
    }

    #[test]
    fn narrow_columns_get_room_for_their_longest_word() {
        // "samarbeidsutvalgene" (19 characters) in a 1 000-twip column beside a wide one.
        let mut grid = vec![1000, 6000];
        fit_words(&mut grid, &[19, 8]);
        assert!(grid[0] >= 19 * 95 + 160, "{grid:?}");
        assert_eq!(grid.iter().sum::<usize>(), 7000);
        // Columns that fit are left alone.
        let mut grid = vec![3000, 3000];
        fit_words(&mut grid, &[5, 5]);
        assert_eq!(grid, [3000, 3000]);
    }
}
