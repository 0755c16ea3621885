//! The block model: what every reader produces and every extractor consumes.
//!
//! A [`Document`] is a flat sequence of [`Block`]s in reading order — headings, paragraphs, list
//! items (with their level and the label a reader would see), tables (cells hold blocks and keep
//! their fill colour) and page breaks — plus the parts kept apart from the body (headers, footers,
//! footnotes). The model knows nothing of DOCX, PDF or text: format details (numbering definitions,
//! fonts, content streams) stay inside the readers, which lower them to these few kinds.
//!
//! The JSON form (`saksflyt blocks FILE`) is this module's serde form; README documents it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which reader produced a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Docx,
    Pdf,
    Text,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Text => "text",
        }
    }
}

/// One read document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    pub format: Format,
    /// The body, in reading order.
    pub blocks: Vec<Block>,
    /// Running headers (DOCX header parts; PDF lines repeated at the top of pages).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Block>,
    /// Running footers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footers: Vec<Block>,
    /// Footnotes and endnotes, kept apart from the body text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Block>,
    /// Number of pages, where the format has pages (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Problems in the input that did not stop reading (odd but readable input).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Document {
    pub fn new(format: Format) -> Self {
        Document {
            format,
            blocks: Vec::new(),
            headers: Vec::new(),
            footers: Vec::new(),
            notes: Vec::new(),
            pages: None,
            warnings: Vec::new(),
        }
    }
}

/// Characters that mark a bullet list item when they start a line (text and PDF readers), and
/// that extraction treats as no label.
pub const BULLETS: &[char] = &[
    '-', '*', '•', '–', '▪', '◦', '●', '○', '■', '□', '➢', '►', '▶', '‣', '⁃', '✓', '\u{F0B7}', '\u{F0A7}',
    '\u{F0D8}',
];

/// Where a block came from, for error messages and debugging: the index of the source paragraph
/// (DOCX body element, text line) and, for paged formats, the 1-based page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pos {
    pub index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// Inline emphasis over a range of a block's text, in character (not byte) offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Emphasis {
    pub start: u32,
    pub end: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub bold: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub italic: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A run of text with its emphasis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Text {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emphasis: Vec<Emphasis>,
}

impl Text {
    pub fn plain(s: impl Into<String>) -> Self {
        Text { text: s.into(), emphasis: Vec::new() }
    }

    /// True when the whole (non-blank) text is bold.
    pub fn all_bold(&self) -> bool {
        // most texts have no bold span at all: no character counts then
        if !self.emphasis.iter().any(|e| e.bold) {
            return false;
        }
        let n = self.text.trim_end().chars().count() as u32;
        let lead = (self.text.chars().count() - self.text.trim_start().chars().count()) as u32;
        n > lead && self.emphasis.iter().any(|e| e.bold && e.start <= lead && e.end >= n)
    }
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A heading, level 1 (top) to 6.
    Heading {
        level: u8,
        #[serde(flatten)]
        text: Text,
        pos: Pos,
    },
    Paragraph {
        #[serde(flatten)]
        text: Text,
        pos: Pos,
    },
    /// A list item. `level` is 0 for the outermost list; `label` is what a reader sees
    /// (`1.`, `2.1`, `a.`, `ii.`, `-`), `None` when the item has no visible marker.
    ListItem {
        level: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// True for ordered lists (numbers, letters, roman numerals), false for bullets.
        ordered: bool,
        #[serde(flatten)]
        text: Text,
        pos: Pos,
    },
    Table(Table),
    PageBreak {
        pos: Pos,
    },
}

impl Block {
    pub fn pos(&self) -> Pos {
        match self {
            Block::Heading { pos, .. }
            | Block::Paragraph { pos, .. }
            | Block::ListItem { pos, .. }
            | Block::PageBreak { pos } => *pos,
            Block::Table(t) => t.pos,
        }
    }

    /// The block's own text (`None` for tables and page breaks).
    pub fn text(&self) -> Option<&str> {
        match self {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } | Block::ListItem { text, .. } => {
                Some(&text.text)
            }
            _ => None,
        }
    }
}

/// A table. Rows hold only the cells that start there: a cell spanning columns has
/// `col_span > 1`; a cell continued into the rows below has `row_span > 1`, and the positions it
/// covers in those rows are absent. [`Table::grid`] expands this into a rectangle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Table {
    pub rows: Vec<Row>,
    pub pos: Pos,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// A header row (DOCX `w:tblHeader`, a first row of `th`, a ruled header in PDF).
    #[serde(default, skip_serializing_if = "is_false")]
    pub header: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cell {
    pub blocks: Vec<Block>,
    /// Background fill as `#RRGGBB` (upper case), if the cell is shaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<String>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub col_span: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub row_span: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

impl Default for Cell {
    fn default() -> Self {
        Cell { blocks: Vec::new(), fill: None, col_span: 1, row_span: 1 }
    }
}

impl Cell {
    /// The cell's text: its blocks' texts joined by newlines (nested tables included).
    pub fn text(&self) -> String {
        let mut out = String::new();
        push_text(&self.blocks, &mut out);
        out
    }
}

fn push_text(blocks: &[Block], out: &mut String) {
    for b in blocks {
        match b {
            Block::Table(t) => {
                for r in &t.rows {
                    for c in &r.cells {
                        push_text(&c.blocks, out);
                    }
                }
            }
            other => {
                if let Some(t) = other.text() {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(t);
                }
            }
        }
    }
}

impl Table {
    /// Number of grid columns (the widest row, spans counted).
    pub fn width(&self) -> usize {
        self.grid().first().map_or(0, |r| r.len())
    }

    /// The table as a rectangle of grid positions: each position refers to the cell covering it
    /// (a spanning cell appears at every position it covers). Ragged rows are padded with `None`.
    pub fn grid(&self) -> Vec<Vec<Option<&Cell>>> {
        let mut grid: Vec<Vec<Option<&Cell>>> = Vec::with_capacity(self.rows.len());
        // (remaining rows, cell) per column carried down from row spans
        let mut carry: Vec<Option<(u32, &Cell)>> = Vec::new();
        for row in &self.rows {
            let mut line: Vec<Option<&Cell>> = Vec::new();
            let mut cells = row.cells.iter();
            let mut col = 0usize;
            loop {
                if col < carry.len() {
                    if let Some((left, c)) = carry[col] {
                        line.push(Some(c));
                        carry[col] = if left > 1 { Some((left - 1, c)) } else { None };
                        col += 1;
                        continue;
                    }
                }
                let Some(cell) = cells.next() else {
                    if col >= carry.len() {
                        break;
                    }
                    line.push(None);
                    col += 1;
                    continue;
                };
                for _ in 0..cell.col_span.clamp(1, 1000) {
                    if carry.len() <= col {
                        carry.resize(col + 1, None);
                    }
                    if cell.row_span > 1 {
                        carry[col] = Some((cell.row_span - 1, cell));
                    }
                    line.push(Some(cell));
                    col += 1;
                }
            }
            grid.push(line);
        }
        let w = grid.iter().map(|r| r.len()).max().unwrap_or(0);
        for r in &mut grid {
            r.resize(w, None);
        }
        grid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str) -> Cell {
        Cell {
            blocks: vec![Block::Paragraph { text: Text::plain(s), pos: Pos::default() }],
            ..Cell::default()
        }
    }

    #[test]
    fn grid_expands_spans() {
        let mut a = cell("a");
        a.row_span = 2;
        let mut b = cell("b");
        b.col_span = 2;
        let t = Table {
            rows: vec![
                Row { cells: vec![a, b], header: false },
                Row { cells: vec![cell("c"), cell("d")], header: false },
            ],
            pos: Pos::default(),
        };
        let g = t.grid();
        let texts: Vec<Vec<String>> =
            g.iter().map(|r| r.iter().map(|c| c.map(|c| c.text()).unwrap_or_default()).collect()).collect();
        assert_eq!(texts, vec![vec!["a", "b", "b"], vec!["a", "c", "d"]]);
        assert_eq!(t.width(), 3);
    }

    #[test]
    fn all_bold_needs_full_cover() {
        let mut t = Text::plain("Forslag til vedtak");
        assert!(!t.all_bold());
        t.emphasis.push(Emphasis { start: 0, end: 18, bold: true, italic: false });
        assert!(t.all_bold());
        t.emphasis[0].end = 7;
        assert!(!t.all_bold());
    }
}
