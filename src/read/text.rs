//! Text reader: plain-text and light-markdown files → the block model.
//!
//! Decoding: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, and — when the bytes are not
//! valid UTF-8 — Windows-1252 (a superset of Latin-1 for printable text, common in Norwegian
//! offices). Line ends CRLF, CR and LF are all accepted.
//!
//! Structure, line by line (`Pos.index` is the 1-based line number):
//! - runs of lines containing a tab become a [`Table`] (first row marked as header); HTML
//!   fragments inside cells (`<p>`, `<br>`, `<ul>`/`<ol>`/`<li>`) become paragraphs and list items
//!   inside the cell, and a `<ul>` without `<li>` keeps its text as one list item;
//! - `#`…`######` lines are headings;
//! - `- `, `* `, `• ` bullets and `1.`, `2.1`, `a.`, `a)`, `i.` items are list items, their level
//!   taken from the indentation (spaces, a tab counts four); `- a. text` is an item labelled `a.`;
//! - a line directly under a list item that is not itself an item continues that item;
//! - blank lines separate paragraphs; consecutive lines are joined into one paragraph only where
//!   that is clearly hard wrapping (the next line starts in lower case, the line ends with a
//!   markdown hard break, is long and unpunctuated, or leaves a `**` open);
//! - `**bold**`, `*italic*` become [`Emphasis`] ranges with the markers removed; `[text](url)`
//!   keeps the text; backslash escapes are dropped; a form feed is a page break.

use super::{Limits, ReadError};
use crate::model::{Block, Cell, Document, Emphasis, Format, Pos, Row, Table, Text};
use std::borrow::Cow;
use std::time::Instant;

/// Read a text file's bytes into a document, within the budget of `limits` (file size, blocks,
/// wall time).
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    if bytes.len() as u64 > limits.max_text_file_bytes {
        return Err(ReadError::Budget(format!(
            "a text file of {} bytes, over the limit of {} bytes for plain text",
            bytes.len(),
            limits.max_text_file_bytes
        )));
    }
    let started = Instant::now();
    let (text, warning) = decode(bytes)?;
    let mut doc = parse_within(&text, limits, started)?;
    if let Some(w) = warning {
        doc.warnings.insert(0, w);
    }
    Ok(doc)
}

/// Decode bytes to a string: BOM first, then UTF-8, then Windows-1252. The second value is a
/// warning to carry when the encoding was guessed.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), ReadError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), None))
            .map_err(|e| ReadError::Encoding(format!("invalid UTF-8 after a UTF-8 BOM: {e}")));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc =
            if bytes.starts_with(&[0xFF, 0xFE]) { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, _, had_errors) = enc.decode(bytes);
        let warning = had_errors.then(|| "invalid UTF-16 sequences replaced".to_string());
        return Ok((text.into_owned(), warning));
    }
    if let Some(enc) = sniff_utf16(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return Ok((text.into_owned(), Some(format!("no BOM: decoded as {}", enc.name()))));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), None)),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((text.into_owned(), Some("not UTF-8: decoded as Windows-1252".to_string())))
        }
    }
}

/// UTF-16 without a BOM: most ASCII text has a zero byte in every other position.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let n = bytes.len().min(400) / 2 * 2;
    if n < 8 {
        return None;
    }
    let head = &bytes[..n];
    let even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let pairs = n / 2;
    if odd * 10 >= pairs * 8 && even == 0 {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 8 && odd == 0 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Parse decoded text into blocks (no budget: for text already in memory and known to be small).
pub fn parse(text: &str) -> Document {
    let unlimited = Limits { max_blocks: u64::MAX, max_millis: u64::MAX, ..Limits::default() };
    parse_within(text, &unlimited, Instant::now()).unwrap_or_else(|_| Document::new(Format::Text))
}

/// Most cells kept in a tab-separated row; the text of further cells joins the last one.
const MAX_CELLS: usize = 64;

/// Lines of the text with their 1-based numbers, one line of look-ahead.
struct Lines<'a> {
    it: std::iter::Peekable<std::str::Split<'a, char>>,
    /// Number of the line `peek` returns.
    no: usize,
}

impl<'a> Lines<'a> {
    fn peek(&mut self) -> Option<&'a str> {
        self.it.peek().copied()
    }
    fn advance(&mut self) {
        if self.it.next().is_some() {
            self.no += 1;
        }
    }
}

/// Parse decoded text into blocks; fails when the document passes `limits.max_blocks` or the
/// time since `started` passes `limits.max_millis`. Every step is linear in the text.
pub fn parse_within(text: &str, limits: &Limits, started: Instant) -> Result<Document, ReadError> {
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let mut lines = Lines { it: text.split('\n').peekable(), no: 1 };
    let mut p = Parser { doc: Document::new(Format::Text), indents: Vec::new(), nodes: 0, last_item: None };
    let mut checked_at = 0usize;
    while let Some(line) = lines.peek() {
        if lines.no >= checked_at + 1024 {
            checked_at = lines.no;
            if started.elapsed().as_millis() >= u128::from(limits.max_millis) {
                return Err(ReadError::Timeout(limits.max_millis));
            }
        }
        if p.nodes > limits.max_blocks {
            return Err(ReadError::Budget(format!(
                "more than {} blocks (paragraphs, list items, table cells)",
                limits.max_blocks
            )));
        }
        let no = lines.no as u32;
        if line.contains('\u{c}') {
            p.push(Block::PageBreak { pos: pos(no) });
        }
        let line_owned;
        let line = if line.contains('\u{c}') {
            line_owned = line.replace('\u{c}', "");
            line_owned.as_str()
        } else {
            line
        };
        if line.trim().is_empty() {
            lines.advance();
            continue;
        }
        let pipes = lines
            .it
            .clone()
            .nth(1)
            .is_some_and(|next| pipe_cells(line).is_some() && pipe_cells(next).is_some());
        if pipes || is_table_start(line) {
            let mut rows = Vec::new();
            while let Some(l) = lines.peek() {
                if l.trim().is_empty() || if pipes { pipe_cells(l).is_none() } else { !l.contains('\t') } {
                    break;
                }
                if pipes && pipe_rule(l) {
                    lines.advance();
                    continue;
                }
                let row = if pipes {
                    pipe_row(l, lines.no as u32, rows.is_empty())
                } else {
                    table_row(l, lines.no as u32, rows.is_empty())
                };
                p.nodes += row.cells.len() as u64;
                rows.push(row);
                lines.advance();
                if p.nodes > limits.max_blocks {
                    break;
                }
            }
            p.indents.clear();
            p.push(Block::Table(Table { rows, pos: pos(no) }));
            continue;
        }
        if let Some((level, rest)) = heading(line) {
            p.indents.clear();
            let t = inline(rest.trim());
            p.push(Block::Heading { level, text: t, pos: pos(no) });
            lines.advance();
            continue;
        }
        if let Some(item) = list_item(line) {
            // continuation lines: directly below, not blank, not themselves structure
            let mut body = item.text.to_string();
            let mut cont_indent: Option<usize> = None;
            lines.advance();
            while let Some(next) = lines.peek() {
                if next.trim().is_empty() || is_structure(next) || starts_with_case_number(next) {
                    break;
                }
                // a bare label line (`1)`) takes the next line as its text; after that, a line
                // that closes with `:` ends the item (it announces what follows), and a short
                // heading-like line (`Vedtak`, `Begrunnelse:`) starts a block of its own
                if !body.trim().is_empty() && (body.trim_end().ends_with(':') || item_heading_like(next)) {
                    break;
                }
                if cont_indent.is_none() {
                    cont_indent = Some(indent_width(next));
                }
                push_line(&mut body, next.trim());
                lines.advance();
            }
            // a bullet like the one above, indented between that bullet and its wrapped lines, is
            // its sibling (a printed list whose bullets drift by a column or two), not its child
            let level = match p.last_item.take() {
                Some(prev)
                    if !item.ordered
                        && prev.label == item.label
                        && item.indent > prev.indent
                        && prev.cont_indent.is_some_and(|c| item.indent < c) =>
                {
                    if let Some(top) = p.indents.last_mut() {
                        *top = item.indent;
                    }
                    prev.level
                }
                _ => p.level_for(item.indent),
            };
            p.last_item =
                Some(LastItem { label: item.label.clone(), indent: item.indent, level, cont_indent });
            let label = item.label.clone();
            p.push(Block::ListItem {
                level,
                label: Some(label),
                ordered: item.ordered,
                text: inline(body.trim()),
                pos: pos(no),
            });
            continue;
        }
        // a paragraph: this line plus hard-wrapped continuations
        p.indents.clear();
        p.last_item = None;
        let mut body = line.trim().to_string();
        let mut bold_markers = body.matches("**").count();
        let mut prev_raw = line;
        lines.advance();
        while let Some(next) = lines.peek() {
            let open_bold = bold_markers % 2 == 1;
            if next.trim().is_empty() || is_structure(next) && !open_bold {
                break;
            }
            if !(open_bold || is_wrapped(prev_raw, next)) {
                break;
            }
            let next_trim = next.trim();
            bold_markers += next_trim.matches("**").count();
            push_line(&mut body, next_trim);
            prev_raw = next;
            lines.advance();
        }
        if body.contains('<') && has_block_tag(&body) {
            for b in html_blocks(&body, no) {
                p.push(b);
            }
        } else {
            p.push(Block::Paragraph { text: inline(&body), pos: pos(no) });
        }
    }
    if p.nodes > limits.max_blocks {
        return Err(ReadError::Budget(format!(
            "more than {} blocks (paragraphs, list items, table cells)",
            limits.max_blocks
        )));
    }
    Ok(p.doc)
}

/// Fewest filled cells of a pipe-delimited row (`Navn | Stilling | Organisasjon |`).
const PIPE_MIN_CELLS: usize = 2;

/// The cells of a pipe-delimited row: at least two `|`, and at least [`PIPE_MIN_CELLS`] filled
/// cells, or a markdown rule row (`|---|:---:|`). A lone `A | B` in a title is no row.
fn pipe_cells(line: &str) -> Option<Vec<&str>> {
    let t = line.trim();
    if t.matches('|').count() < 2 {
        return None;
    }
    let inner = t.strip_prefix('|').unwrap_or(t);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
    let filled = cells.iter().filter(|c| !c.is_empty()).count();
    (filled >= PIPE_MIN_CELLS || pipe_rule(line)).then_some(cells)
}

/// A markdown rule row under a pipe table's header (`|---|:---:|`): no content.
fn pipe_rule(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

fn pipe_row(line: &str, no: u32, header: bool) -> Row {
    let cells = pipe_cells(line)
        .unwrap_or_default()
        .into_iter()
        .take(MAX_CELLS)
        .map(|c| Cell {
            blocks: if c.is_empty() {
                Vec::new()
            } else {
                vec![Block::Paragraph { text: inline(c), pos: pos(no) }]
            },
            ..Cell::default()
        })
        .collect();
    Row { cells, header }
}

/// A line that opens with a case number (`Sak 12/26 …`, `PS 26/012 …`, `012/26 Tittel`, `Sak
/// nr. 4-2026`): a saksliste row or a case header, never the wrapped tail of the line above. A
/// case word must be capitalised (`sak 12/26 …` in lower case goes on a sentence); a bare number
/// must be followed by a capitalised title or nothing (`2/3 av dei` is a fraction).
pub fn starts_with_case_number(line: &str) -> bool {
    static CASE_LINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:(?:[A-ZÆØÅ][a-zæøå]*sak|Sak|Sak\s+nr\.?|Saksnr\.?|PS|RS|OS|SAK)\s*:?\s*)?([0-9]{1,4})\s*[/\-.]\s*([0-9]{2,4})(?:\s*:?\s+(\S)|\s*$)",
        )
        .expect("valid regex")
    });
    let t = line.trim();
    let Some(c) = CASE_LINE.captures(t) else { return false };
    let prefixed = c.get(0).zip(c.get(1)).is_some_and(|(all, seq)| seq.start() > all.start());
    let title_ok = c.get(3).is_none_or(|m| m.as_str().starts_with(|ch: char| ch.is_uppercase() || ch == '«'));
    let (Some(seq), Some(year)) = (c.get(1), c.get(2)) else { return false };
    // `12.03.2024`, `1.2`: a date or a decimal, never a bare case number
    let sep_dot = t[seq.end()..year.start()].contains('.');
    (prefixed || !sep_dot) && title_ok && (seq.as_str().len() <= 3 || year.as_str().len() <= 3)
}

/// A line that starts a table: a tab between two pieces of text (tabs only at the start are
/// indentation, as in a tab-indented list).
fn is_table_start(line: &str) -> bool {
    line.trim_start_matches([' ', '\t', '\u{a0}']).trim_end().contains('\t')
}

struct Parser {
    doc: Document,
    /// Indentation widths of the open list levels.
    indents: Vec<usize>,
    /// Blocks made so far (table cells included), for the budget.
    nodes: u64,
    /// The list item just read (cleared by anything else).
    last_item: Option<LastItem>,
}

struct LastItem {
    label: String,
    indent: usize,
    level: u8,
    /// Indentation of its first wrapped line, if it wrapped.
    cont_indent: Option<usize>,
}

impl Parser {
    fn push(&mut self, b: Block) {
        self.nodes += 1;
        self.doc.blocks.push(b);
    }

    fn level_for(&mut self, indent: usize) -> u8 {
        while let Some(&last) = self.indents.last() {
            if last > indent {
                self.indents.pop();
            } else {
                break;
            }
        }
        if self.indents.last() != Some(&indent) {
            self.indents.push(indent);
        }
        (self.indents.len().saturating_sub(1)).min(8) as u8
    }
}

fn pos(index: u32) -> Pos {
    Pos { index, page: None }
}

/// Append line `b` to `body` with one space between (in place: joining many lines stays linear).
fn push_line(body: &mut String, b: &str) {
    let keep = body.trim_end().len();
    body.truncate(keep);
    if !body.is_empty() {
        body.push(' ');
    }
    body.push_str(b);
}

/// Most words of a line that reads as a heading inside a list (`Vedtak`, `Begrunnelse:`).
const ITEM_HEADING_MAX_WORDS: usize = 2;

/// A short line that starts a block of its own below a list item: at most
/// [`ITEM_HEADING_MAX_WORDS`] words, capitalised, and no sentence punctuation (or a closing `:`).
fn item_heading_like(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    (1..=ITEM_HEADING_MAX_WORDS).contains(&words)
        && t.chars().next().is_some_and(char::is_uppercase)
        && !t.ends_with(['.', ',', ';', '!', '?', ')'])
        && !t.chars().any(|c| c.is_ascii_digit())
}

/// A line that ends in a word that cannot end a sentence (`i`, `og`, `på`: the lexicon's
/// function words): the next line continues it, whatever its case or length.
fn ends_open(prev: &str) -> bool {
    let last = prev.trim_end().rsplit(char::is_whitespace).next().unwrap_or("");
    !last.is_empty() && crate::lexicon::is(crate::lexicon::c::FUNCTION_WORD, last)
}

/// Whether `next` continues the paragraph line `prev` (hard wrapping).
fn is_wrapped(prev: &str, next: &str) -> bool {
    if starts_with_case_number(next) {
        return false;
    }
    if ends_open(prev) && !looks_like_field(next) {
        return true;
    }
    let n = next.trim_start();
    let starts_lower = n.chars().next().is_some_and(|c| c.is_lowercase());
    let p = prev.trim_end();
    let ends_stop = p.ends_with(['.', ':', '!', '?', ';']);
    if prev.ends_with("  ") || prev.ends_with('\\') {
        return true; // markdown hard line break
    }
    if starts_lower && !p.ends_with(':') {
        return true;
    }
    let heading_like = n.split_whitespace().count() <= 4 && !n.trim_end().ends_with(['.', ',', ';']);
    p.chars().count() >= 60 && !ends_stop && !looks_like_field(next) && !heading_like && !bare_item_number(n)
}

/// Most digits of a bare item number ([`bare_item_number`]).
const BARE_ITEM_NUMBER_MAX_DIGITS: usize = 2;

/// `1 Saksprotokoll i Formannskapet …`: an item number without punctuation, a space and a
/// capitalised word — how case systems print an attachment list without its heading. Such a
/// line starts a block of its own; a wrapped sentence goes on with a lower-case word
/// (`1 million`), a full date or year (`12.03.2024`, `2024 …`) or after a function word.
fn bare_item_number(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > BARE_ITEM_NUMBER_MAX_DIGITS {
        return false;
    }
    let mut rest = t[digits..].chars();
    rest.next() == Some(' ')
        && rest.next().is_some_and(char::is_uppercase)
        && rest.next().is_some_and(char::is_lowercase)
}

/// `Dato: 12.03.2024`, `Saksbehandler: …`: a field line, never a wrapped continuation.
fn looks_like_field(line: &str) -> bool {
    let t = line.trim();
    match t.find(':') {
        Some(i) => {
            let key = &t[..i];
            !key.is_empty() && key.chars().count() <= 25 && key.split_whitespace().count() <= 3
        }
        None => false,
    }
}

/// A line that starts its own block (heading, list item, table row).
fn is_structure(line: &str) -> bool {
    is_table_start(line)
        || pipe_cells(line).is_some() && !pipe_rule(line)
        || heading(line).is_some()
        || list_item(line).is_some()
        || line.contains('\u{c}')
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &t[hashes..];
    if rest.is_empty() {
        return Some((hashes as u8, ""));
    }
    rest.starts_with([' ', '\t']).then_some((hashes as u8, rest.trim().trim_end_matches('#').trim_end()))
}

struct ListLine<'a> {
    indent: usize,
    label: String,
    ordered: bool,
    text: &'a str,
}

fn indent_width(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t' || *c == '\u{a0}')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

fn list_item(line: &str) -> Option<ListLine<'_>> {
    let indent = indent_width(line);
    let t = line.trim_start_matches([' ', '\t', '\u{a0}']);
    // bullets
    // `o` is a bullet only when indented under something (Word's second-level bullet in print)
    if indent > 0 {
        if let Some(rest) = t.strip_prefix("o ").or_else(|| t.strip_prefix("o\t")) {
            if rest.trim_start().starts_with(char::is_uppercase) {
                return Some(ListLine {
                    indent,
                    label: "o".to_string(),
                    ordered: false,
                    text: rest.trim_start(),
                });
            }
        }
    }
    for b in crate::model::BULLETS {
        let b = *b;
        if let Some(rest) = t.strip_prefix(b) {
            if rest.trim().is_empty() && b != '*' {
                return Some(ListLine { indent, label: b.to_string(), ordered: false, text: "" });
            }
            if rest.starts_with([' ', '\t']) {
                let rest = rest.trim_start();
                // `- a. text`: a bullet carrying an ordered label
                if let Some((label, text)) = ordered_label(rest) {
                    return Some(ListLine { indent, label, ordered: true, text });
                }
                if b == '*' && rest.ends_with('*') && !rest.starts_with('*') {
                    // `* text*` is not markdown emphasis; keep as bullet anyway
                }
                return Some(ListLine { indent, label: b.to_string(), ordered: false, text: rest });
            }
        }
    }
    let (label, text) = ordered_label(t)?;
    Some(ListLine { indent, label, ordered: true, text })
}

/// `1.`, `12)`, `2.1`, `2.1.`, `a.`, `B)`, `iv.` followed by white space (or the end of the line).
pub fn ordered_label(t: &str) -> Option<(String, &str)> {
    let end = t.find([' ', '\t']).unwrap_or(t.len());
    let word = &t[..end];
    let rest = t[end..].trim_start();
    if word.is_empty() || word.chars().count() > 12 {
        return None;
    }
    let (core, punct) = match word.strip_suffix(['.', ')']) {
        Some(c) => (c, true),
        None => (word, false),
    };
    if core.is_empty() {
        return None;
    }
    if core.contains('.') {
        // outline numbers 2.1, 2.1.3 — not dates (1.12.23) nor times (13.00)
        let parts: Vec<&str> = core.split('.').collect();
        let ok = parts.len() <= 3
            && parts.iter().all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()))
            && parts.iter().skip(1).all(|p| !p.starts_with('0'))
            && (parts.len() < 3 || parts.iter().all(|p| p.len() == 1))
            && parts.get(1).and_then(|p| p.parse::<u32>().ok()).is_some_and(|n| n < 20);
        return (ok && !rest.is_empty()).then(|| (word.to_string(), rest));
    }
    if !punct {
        return None;
    }
    if core.chars().all(|c| c.is_ascii_digit()) && core.len() <= 3 {
        return Some((word.to_string(), rest));
    }
    if is_roman(core) && core.len() <= 5 {
        return Some((word.to_string(), rest));
    }
    if core.chars().count() == 1 && core.chars().all(|c| c.is_ascii_alphabetic()) && !rest.is_empty() {
        return Some((word.to_string(), rest));
    }
    None
}

fn is_roman(s: &str) -> bool {
    let lower = s.chars().all(|c| "ivxlc".contains(c));
    let upper = s.chars().all(|c| "IVXLC".contains(c));
    !s.is_empty() && (lower || upper)
}

fn table_row(line: &str, no: u32, header: bool) -> Row {
    let mut parts: Vec<Cow<'_, str>> = line.splitn(MAX_CELLS, '\t').map(Cow::Borrowed).collect();
    if parts.len() == MAX_CELLS {
        if let Some(last) = parts.last_mut() {
            *last =
                Cow::Owned(last.split('\t').filter(|c| !c.trim().is_empty()).collect::<Vec<_>>().join(" "));
        }
    }
    let cells = parts
        .iter()
        .map(|c| {
            let c = c.trim();
            let blocks = if c.is_empty() {
                Vec::new()
            } else if has_block_tag(c) {
                html_blocks(c, no)
            } else {
                vec![Block::Paragraph { text: inline(c), pos: pos(no) }]
            };
            Cell { blocks, ..Cell::default() }
        })
        .collect();
    Row { cells, header }
}

fn has_block_tag(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    ["<p", "<br", "<ul", "<ol", "<li", "</p", "</li"].iter().any(|t| {
        l.match_indices(t)
            .any(|(i, _)| l[i + t.len()..].starts_with(['>', ' ', '/', '\t']) || l[i + t.len()..].is_empty())
    })
}

/// HTML fragment → blocks: `<p>` and `<br>` separate paragraphs, `<li>` items (nested by
/// `<ul>`/`<ol>` depth), text directly inside a `<ul>` without `<li>` becomes one item.
fn html_blocks(s: &str, no: u32) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut depth: usize = 0;
    let mut ordered_stack: Vec<bool> = Vec::new();
    let mut counters: Vec<u32> = Vec::new();
    let mut in_li = false;
    let flush = |buf: &mut String, out: &mut Vec<Block>, depth: usize, in_li: bool, ordered: bool, n: u32| {
        let text = unescape_html(buf.trim());
        buf.clear();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return;
        }
        if depth > 0 || in_li {
            let label = if ordered { format!("{n}.") } else { "-".to_string() };
            out.push(Block::ListItem {
                level: depth.saturating_sub(1).min(8) as u8,
                label: Some(label),
                ordered,
                text: inline(&text),
                pos: pos(no),
            });
        } else {
            out.push(Block::Paragraph { text: inline(&text), pos: pos(no) });
        }
    };
    let mut rest = s;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            buf.push_str(rest);
            break;
        };
        buf.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            buf.push_str(after);
            break;
        };
        let tag = &after[1..gt];
        rest = &after[gt + 1..];
        let lower = tag.trim().to_ascii_lowercase();
        let closing = lower.starts_with('/');
        let name: String =
            lower.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let ordered = ordered_stack.last().copied().unwrap_or(false);
        let n = counters.last().copied().unwrap_or(1);
        match (name.as_str(), closing) {
            ("p", _) | ("br", _) | ("div", _) => flush(&mut buf, &mut out, depth, in_li, ordered, n),
            ("ul", false) | ("ol", false) => {
                flush(&mut buf, &mut out, depth, in_li, ordered, n);
                depth += 1;
                ordered_stack.push(name == "ol");
                counters.push(1);
                in_li = false;
            }
            ("ul", true) | ("ol", true) => {
                flush(&mut buf, &mut out, depth, in_li, ordered, n);
                depth = depth.saturating_sub(1);
                ordered_stack.pop();
                counters.pop();
                in_li = false;
            }
            ("li", false) => {
                flush(&mut buf, &mut out, depth, in_li, ordered, n);
                in_li = true;
            }
            ("li", true) => {
                let before = out.len();
                flush(&mut buf, &mut out, depth, in_li, ordered, n);
                if out.len() > before {
                    if let Some(c) = counters.last_mut() {
                        *c += 1;
                    }
                }
                in_li = false;
            }
            ("b", false) | ("strong", false) => buf.push_str("**"),
            ("b", true) | ("strong", true) => buf.push_str("**"),
            ("i", false) | ("em", false) | ("i", true) | ("em", true) => buf.push('*'),
            _ => {} // other tags: keep their text only
        }
    }
    let ordered = ordered_stack.last().copied().unwrap_or(false);
    let n = counters.last().copied().unwrap_or(1);
    flush(&mut buf, &mut out, depth, in_li, ordered, n);
    out
}

fn unescape_html(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.as_bytes().iter().take(11).position(|b| *b == b';');
        let decoded = end.and_then(|e| {
            let ent = &after[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Inline markdown → text with emphasis: `**bold**`, `*italic*`, `***both***`, `[text](url)`,
/// backslash escapes. Linear in the text (closers and link ends are looked up in indexes built
/// once, never rescanned).
pub fn inline(s: &str) -> Text {
    let chars: Vec<char> = s.chars().collect();
    let closers = Closers::new(&chars);
    let links = if s.contains('[') { Some(Links::new(&chars)) } else { None };
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut emphasis = Vec::new();
    let mut bold_start: Option<usize> = None;
    let mut italic_start: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            if let Some(&n) = chars.get(i + 1) {
                if n.is_ascii_punctuation() {
                    out.push(n);
                    i += 2;
                    continue;
                }
            }
        }
        if c == '[' {
            if let Some((text_end, url_end)) = links.as_ref().and_then(|l| l.at(&chars, i)) {
                out.extend(chars[i + 1..text_end].iter().filter(|c| **c != '\\'));
                i = url_end + 1;
                continue;
            }
        }
        if c == '*' {
            // A run that neither opens nor closes gives one `*` as text and the rest of the run
            // is tried again (as before), without rescanning the run.
            let full = chars[i..].iter().take_while(|c| **c == '*').count();
            let next = chars.get(i + full).copied();
            let can_open = next.is_some_and(|n| !n.is_whitespace());
            let mut k = 0;
            while k < full {
                let at = i + k;
                let run = full - k;
                let prev = if at == 0 { None } else { chars.get(at - 1).copied() };
                let can_close = prev.is_some_and(|p| !p.is_whitespace());
                let mut take = |len: usize, start: &mut Option<usize>, bold: bool| -> bool {
                    if let Some(s0) = *start {
                        if can_close {
                            let end = out.len();
                            if end > s0 {
                                emphasis.push(Emphasis {
                                    start: s0 as u32,
                                    end: end as u32,
                                    bold,
                                    italic: !bold,
                                });
                            }
                            *start = None;
                            return true;
                        }
                    } else if can_open && closers.closes_later(at + run, len) {
                        *start = Some(out.len());
                        return true;
                    }
                    false
                };
                let handled = if run >= 3 {
                    let a = take(2, &mut bold_start, true);
                    let b = take(1, &mut italic_start, false);
                    a || b
                } else if run == 2 {
                    take(2, &mut bold_start, true)
                } else {
                    take(1, &mut italic_start, false)
                };
                if handled {
                    break;
                }
                out.push('*');
                k += 1;
            }
            i += full;
            continue;
        }
        out.push(c);
        i += 1;
    }
    let text: String = out.iter().collect();
    emphasis.sort_by_key(|e| (e.start, e.end));
    Text { text, emphasis }
}

/// The `*` runs of a text that can close emphasis, so that "does a closer follow?" is a binary
/// search instead of a rescan.
struct Closers {
    /// Start of each maximal run.
    starts: Vec<usize>,
    /// `any[k]`: whether a run at index ≥ k can close a 1-star (bit 0) or 2-star (bit 1) opener.
    any: Vec<u8>,
}

impl Closers {
    fn new(chars: &[char]) -> Closers {
        let mut starts = Vec::new();
        let mut kinds = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '*' {
                let run = chars[i..].iter().take_while(|c| **c == '*').count();
                let prev_ok = i > 0 && chars.get(i - 1).is_some_and(|p| !p.is_whitespace());
                let mut k = 0u8;
                if prev_ok && (run == 1 || run >= 3) {
                    k |= 1;
                }
                if prev_ok && run >= 2 {
                    k |= 2;
                }
                starts.push(i);
                kinds.push(k);
                i += run;
            } else {
                i += 1;
            }
        }
        let mut any = vec![0u8; kinds.len() + 1];
        for k in (0..kinds.len()).rev() {
            any[k] = any[k + 1] | kinds[k];
        }
        Closers { starts, any }
    }

    /// Whether a closing `*` run of `len` (or of three or more) starts at or after `from`, after
    /// a non-space.
    fn closes_later(&self, from: usize, len: usize) -> bool {
        let k = self.starts.partition_point(|s| *s < from);
        let bit = if len == 1 { 1 } else { 2 };
        self.any.get(k).is_some_and(|a| a & bit != 0)
    }
}

/// Where `[text](url)` links end: for every position, the next unescaped `]` reached from there
/// and the next `)`.
struct Links {
    bracket: Vec<u32>,
    paren: Vec<u32>,
}

impl Links {
    const NONE: u32 = u32::MAX;

    fn new(chars: &[char]) -> Links {
        let n = chars.len();
        let mut bracket = vec![Self::NONE; n + 2];
        let mut paren = vec![Self::NONE; n + 1];
        for p in (0..n).rev() {
            bracket[p] = match chars[p] {
                ']' => p as u32,
                '\\' => bracket[p + 2],
                _ => bracket[p + 1],
            };
            paren[p] = if chars[p] == ')' { p as u32 } else { paren[p + 1] };
        }
        Links { bracket, paren }
    }

    /// `[text](url)` starting at `i`: (index of `]`, index of `)`).
    fn at(&self, chars: &[char], i: usize) -> Option<(usize, usize)> {
        let j = *self.bracket.get(i + 1)?;
        if j == Self::NONE {
            return None;
        }
        let j = j as usize;
        if chars.get(j + 1) != Some(&'(') {
            return None;
        }
        let close = *self.paren.get(j + 2)?;
        (close != Self::NONE).then_some((j, close as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Heading { level, text, .. } => format!("h{level} {}", text.text),
                Block::Paragraph { text, .. } => format!("p {}", text.text),
                Block::ListItem { level, label, text, .. } => {
                    format!("li{level} {} {}", label.as_deref().unwrap_or(""), text.text)
                }
                Block::Table(t) => format!("table {}x{}", t.rows.len(), t.width()),
                Block::PageBreak { .. } => "pagebreak".into(),
            })
            .collect()
    }

    #[test]
    fn decodes_utf16le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Møte på Ålesund".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (s, w) = decode(&bytes).unwrap();
        assert_eq!(s, "Møte på Ålesund");
        assert!(w.is_none());
    }

    #[test]
    fn decodes_utf16be_with_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "Sak 3/24 – «ok»".encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().0, "Sak 3/24 – «ok»");
    }

    #[test]
    fn decodes_utf16le_without_bom() {
        let mut bytes = Vec::new();
        for u in "Saksframlegg om budsjett".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().0, "Saksframlegg om budsjett");
    }

    #[test]
    fn decodes_cp1252() {
        // "Møte på Ålesund – «sak»" in Windows-1252
        let bytes = b"M\xF8te p\xE5 \xC5lesund \x96 \xABsak\xBB";
        let (s, w) = decode(bytes).unwrap();
        assert_eq!(s, "Møte på Ålesund – «sak»");
        assert!(w.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn decodes_utf8_bom_and_crlf() {
        let doc = read(b"\xEF\xBB\xBFF\xC3\xB8rste\r\n\r\nAndre\r\n", &Limits::default()).unwrap();
        assert_eq!(texts(&doc), vec!["p Første", "p Andre"]);
        assert_eq!(doc.blocks[1].pos().index, 3);
    }

    #[test]
    fn labels_are_recognised() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1. Tekst", Some("1.")),
            ("12) Tekst", Some("12)")),
            ("2.1 Tekst", Some("2.1")),
            ("a. Tekst", Some("a.")),
            ("b) Tekst", Some("b)")),
            ("iv. Tekst", Some("iv.")),
            ("1.12.23 LSU Molde", None),
            ("13.00 Lunsj", None),
            ("19.06.2024 kl. 13", None),
            ("Tekst uten nummer", None),
        ];
        for (line, want) in cases {
            assert_eq!(ordered_label(line).map(|(l, _)| l), want.map(|s| s.to_string()), "{line}");
        }
    }

    #[test]
    fn list_levels_follow_indentation() {
        let doc = parse("1. En\n2. To:\n - a. Under\n   - dypere\n3. Tre\n -");
        assert_eq!(
            texts(&doc),
            vec!["li0 1. En", "li0 2. To:", "li1 a. Under", "li2 - dypere", "li0 3. Tre", "li1 - "]
        );
    }

    #[test]
    fn emphasis_markers_are_removed() {
        let t = inline("Sak: 18/24 **Godkjenning** og *kursiv*");
        assert_eq!(t.text, "Sak: 18/24 Godkjenning og kursiv");
        assert_eq!(t.emphasis.len(), 2);
        assert!(t.emphasis[0].bold && t.emphasis[0].start == 11 && t.emphasis[0].end == 22);
        assert!(t.emphasis[1].italic);
        assert_eq!(inline("5 * 3 = 15").text, "5 * 3 = 15");
    }

    /// The indexed closer/link lookups give what a rescan gives (the forms the old scanner
    /// handled), and the shapes that made it quadratic come out as plain text.
    #[test]
    fn inline_lookups_match_the_scanning_rules() {
        let t = inline("**foo*");
        assert_eq!(t.text, "*foo");
        assert!(t.emphasis.len() == 1 && t.emphasis[0].italic && t.emphasis[0].start == 1);
        let t = inline("***både*** og [lenke](http://x) og \\*ikke\\*");
        assert_eq!(t.text, "både og lenke og *ikke*");
        assert!(t.emphasis.iter().any(|e| e.bold) && t.emphasis.iter().any(|e| e.italic));
        assert_eq!(inline("[a\\]b](u)").text, "a]b");
        assert_eq!(inline("[ikke lenke] (u)").text, "[ikke lenke] (u)");
        let stars = "*".repeat(10_000);
        assert_eq!(inline(&stars).text, stars);
        let brackets = format!("{}{}", "[".repeat(5_000), "](".repeat(2_500));
        assert_eq!(inline(&brackets).text.chars().count(), brackets.chars().count());
        assert_eq!(inline(&"*a ".repeat(1000)).text.matches('a').count(), 1000);
    }

    #[test]
    fn budget_and_indentation_shapes() {
        // leading tabs are indentation, not table cells
        let doc = parse("- en\n\t- to\n\t\t- tre\n");
        assert_eq!(texts(&doc), vec!["li0 - en", "li1 - to", "li2 - tre"]);
        // a row of many cells keeps MAX_CELLS, the rest joined into the last
        let row = format!("a{}\n", "\tb".repeat(200));
        let Some(Block::Table(t)) = parse(&row).blocks.first().cloned() else { panic!("no table") };
        assert_eq!(t.rows[0].cells.len(), MAX_CELLS);
        // over the block budget: refused with the limit named
        let limits = Limits { max_blocks: 10, ..Limits::default() };
        let e = parse_within(&"avsnitt\n\n".repeat(50), &limits, Instant::now()).unwrap_err();
        assert!(matches!(e, ReadError::Budget(ref m) if m.contains("10 blocks")), "{e}");
        // a text file over the plain-text size limit
        let limits = Limits { max_text_file_bytes: 10, ..Limits::default() };
        assert!(matches!(read(b"mer enn ti bytes", &limits), Err(ReadError::Budget(_))));
    }

    #[test]
    fn open_bold_joins_lines() {
        let doc = parse("**Sak: 4/24 Tittel som går\n- over to linjer**\n");
        assert_eq!(texts(&doc), vec!["p Sak: 4/24 Tittel som går - over to linjer"]);
    }

    #[test]
    fn bare_item_numbers_start_a_line() {
        for yes in
            ["1 Saksprotokoll i Formannskapet 12.03.2025", "2 Søknad om tilskudd", " 12 Referat fra møtet"]
        {
            assert!(bare_item_number(yes), "{yes}");
        }
        for no in [
            "1 million kroner til tiltaket",
            "12.03.2024 Kommunestyret",
            "2024 Kommunestyret vedtok",
            "1. Saksprotokoll",
            "1) Saksprotokoll",
            "123 Søknader",
            "1 A",
            "Saksprotokoll 1",
        ] {
            assert!(!bare_item_number(no), "{no}");
        }
        let doc = parse("Søknad om forlenget permisjon fra verv som folkevalgt i perioden 2026 - Kari Nordmann\n1 Saksprotokoll Søknad om fritak fra politiske verv\n\nTekst.");
        assert_eq!(
            texts(&doc),
            vec![
                "p Søknad om forlenget permisjon fra verv som folkevalgt i perioden 2026 - Kari Nordmann",
                "p 1 Saksprotokoll Søknad om fritak fra politiske verv",
                "p Tekst."
            ]
        );
    }

    #[test]
    fn hard_wrapping_joins_but_fields_do_not() {
        let doc = parse("Utvalg: FSU IKT\nDato: 12.03.2024\nDette er en lang linje som er brutt av et program\nog fortsetter her.");
        assert_eq!(
            texts(&doc),
            vec![
                "p Utvalg: FSU IKT",
                "p Dato: 12.03.2024",
                "p Dette er en lang linje som er brutt av et program og fortsetter her."
            ]
        );
    }

    #[test]
    fn tab_rows_become_a_table_with_html_cells() {
        let doc = parse("Kl.\tSak\tSaker\n10.00\t1/24\tTittel <ul style=\"x\"> Underpunkt </ul>\n");
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("no table") };
        assert!(t.rows[0].header);
        let cell = &t.rows[1].cells[2];
        assert_eq!(cell.blocks.len(), 2);
        assert!(matches!(&cell.blocks[1], Block::ListItem { text, .. } if text.text == "Underpunkt"));
        let doc = parse("a\t<ul><li>En</li><li>To</li></ul><p>Slutt<br>her</p>\n");
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("no table") };
        assert_eq!(t.rows[0].cells[1].text(), "En\nTo\nSlutt\nher");
    }

    #[test]
    fn case_number_lines_start_their_own_block() {
        for yes in [
            "Sak 12/26 Godkjenning av innkalling",
            "PS 26/012 Budsjett for eldresenteret",
            "012/26 Referatsaker",
            "12/26",
            "Sak nr. 4-2026 Tilskot til lag",
            "Styresak 7/26 Årsmelding",
            "RS 3/26: Melding frå fylket",
        ] {
            assert!(starts_with_case_number(yes), "{yes}");
        }
        for no in [
            "sak 12/26 om budsjettet vart drøfta",
            "2/3 av dei som svarte",
            "12.03.2026 Kommunestyret",
            "2023-2026 Planperiode",
            "Saka 12/26 vart utsett",
            "Vår ref: 2026/1234",
        ] {
            assert!(!starts_with_case_number(no), "{no}");
        }
        // a list item is not continued by a case line either
        assert_eq!(
            texts(&parse("- Kari Nordmann og\nSak 12/26 Godkjenning\n")),
            vec!["li0 - Kari Nordmann og", "p Sak 12/26 Godkjenning"]
        );
        // a sakskart and a `Forfall:` line: each case its own paragraph, even after a line that
        // ends on a function word or runs past the hard-wrap length
        let doc = parse("Forfall: Kari Nordmann, Ola Nordmann, Per Hansen, Eva Lid, Siri Moe og\nSak 12/26 Godkjenning av innkalling\n013/26 Godkjenning av protokoll frå førre møte i\n014/26 Referatsaker\n");
        assert_eq!(
            texts(&doc),
            vec![
                "p Forfall: Kari Nordmann, Ola Nordmann, Per Hansen, Eva Lid, Siri Moe og",
                "p Sak 12/26 Godkjenning av innkalling",
                "p 013/26 Godkjenning av protokoll frå førre møte i",
                "p 014/26 Referatsaker"
            ]
        );
    }

    #[test]
    fn pipe_rows_become_a_table() {
        let doc = parse("Deltakarar\nNavn | Stilling | Organisasjon |\nKari Li | leiar | Nordvik kommune |\nOla Vik | rådgjevar | Helse Nord |\n\nTekst.");
        let Some(Block::Table(t)) = doc.blocks.get(1) else { panic!("no table: {:?}", texts(&doc)) };
        assert_eq!(t.rows.len(), 3);
        assert!(t.rows[0].header);
        assert_eq!(
            t.rows[2].cells.iter().map(|c| c.text()).collect::<Vec<_>>(),
            vec!["Ola Vik", "rådgjevar", "Helse Nord"]
        );
        // markdown pipes with a rule row
        let doc = parse("| Tiltak | Frist |\n|---|:---:|\n| Kurs | 2026 |\n");
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("no table") };
        assert_eq!(t.rows.len(), 2);
        // must not: one line with pipes, a title with a single bar
        assert_eq!(
            texts(&parse("Helse | Omsorg | Rus\n\nTekst.")),
            vec!["p Helse | Omsorg | Rus", "p Tekst."]
        );
        assert_eq!(
            texts(&parse("Plan A | Plan B\nPlan C | Plan D\n")),
            vec!["p Plan A | Plan B", "p Plan C | Plan D"]
        );
    }
}
