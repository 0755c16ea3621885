//! Stage 2 — **extract**: blocks → records in the contract of [`crate::record`].
//! Pure: no I/O, no clock.
//!
//! The document is first flattened into [`Line`]s (one per heading, paragraph, list item, table),
//! then each part of the record is found by its own module:
//! [`meeting`] (date, time, place), [`committee`] (register matching), [`agenda`] (agenda
//! tables), [`case`] (case papers: header, fields, sections, proposal and decision points,
//! references, attachments; [`minutes`] adds protocol lines), [`plan`] (action plans),
//! [`tables`] (other tables with typed cells) and [`kind`] (document kind and language).
//! Patterns live in [`casenum`] and [`dates`].

pub mod agenda;
pub mod case;
pub mod casenum;
pub mod committee;
pub mod dates;
pub mod followup;
pub mod form;
pub mod kind;
pub mod legend;
pub mod meeting;
pub mod minutes;
pub mod plan;
pub mod prefilter;
pub mod review;
pub mod tables;
pub mod votes;

/// Most bytes of text kept on each side of a reference for its context (the sentence around a
/// case number, cut to this window): a sentence naming thousands of cases gives each reference
/// a window, not a copy of the whole sentence.
pub const MAX_CONTEXT_BYTES: usize = 400;

use crate::config::Register;
use crate::lexicon::{self, c as lc};
use crate::model::{Block, Document, Table};
use crate::record::{self, Record, Source};
use std::collections::HashSet;

/// What a line of the flattened document is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    Heading(u8),
    Para,
    Item {
        level: u8,
        label: Option<String>,
        ordered: bool,
    },
    /// A table; `Line::table` indexes [`Flat::tables`].
    Table,
}

/// One block of the body, with its text folded to single spaces.
#[derive(Debug, Clone)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
    /// The whole text is bold (a visual heading).
    pub bold: bool,
    pub table: Option<usize>,
    /// The block the line was read from.
    pub at: Option<record::At>,
}

impl Line {
    /// A plain paragraph line (for rules that build lines, and for tests).
    pub fn para(text: &str) -> Line {
        Line { kind: LineKind::Para, text: text.to_string(), bold: false, table: None, at: None }
    }

    pub fn is_item(&self) -> bool {
        matches!(self.kind, LineKind::Item { .. })
    }
}

/// The flattened document.
pub struct Flat {
    pub lines: Vec<Line>,
    /// Tables in order; a table continued on the next page (same header row) is one table.
    pub tables: Vec<Table>,
    /// Tables read as `Key: value` fields (a header row of labels over one row of values).
    pub field_tables: Vec<usize>,
}

/// Page furniture left in the body (`Side 1 av 2`, `Page 3`, `2 av 5`): not content.
fn page_number(s: &str) -> bool {
    // two to four words, or none of the shapes below (most lines are sentences)
    if !(2..=4).contains(&s.split_whitespace().take(5).count()) {
        return false;
    }
    let words: Vec<String> = s.to_lowercase().split_whitespace().map(str::to_string).collect();
    let num = |w: Option<&String>| w.is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()));
    match words.as_slice() {
        [w, _] if w == "side" || w == "page" => num(words.get(1)),
        [w, _, of, _] if (w == "side" || w == "page") && (of == "av" || of == "of") => {
            num(words.get(1)) && num(words.get(3))
        }
        [_, of, _] if of == "av" || of == "of" => num(words.first()) && num(words.get(2)),
        _ => false,
    }
}

/// A page number printed alone (`3`, `- 3 -`) as the first or last line of a page: page
/// furniture, not content (a running number inside a page, as in a numbered attachment list,
/// stays).
fn lone_page_number(doc: &Document, bi: usize, text: &str) -> bool {
    let core = text.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    if core.is_empty() || core.len() > 3 || !core.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let Some(b) = doc.blocks.get(bi) else { return false };
    let page = b.pos().page;
    let apart = |other: Option<&Block>| match other {
        None => true,
        Some(Block::PageBreak { .. }) => true,
        Some(o) => page.is_some() && o.pos().page.is_some() && o.pos().page != page,
    };
    apart(bi.checked_sub(1).and_then(|i| doc.blocks.get(i))) || apart(doc.blocks.get(bi + 1))
}

fn row_texts(row: Option<&crate::model::Row>) -> Vec<String> {
    row.map(|r| r.cells.iter().map(|c| fold(&c.text())).collect()).unwrap_or_default()
}

/// A two-row table whose first row holds short labels (`Utval | Møtedato | Saksnr.`), or a case
/// route table (`Saksgang`: `Behandlet av | Møtedato | Saksnr.` over one row per committee): its
/// columns as `Key: value` lines, from the first row that has values (the committee the paper
/// goes to first).
fn field_lines(t: &Table) -> Option<Vec<String>> {
    let grid = t.grid();
    let (keys, values) = match grid.as_slice() {
        [keys, values] => (keys, values),
        [keys, rest @ ..] if is_route_header(keys) => {
            let filled = |r: &&Vec<Option<&crate::model::Cell>>| {
                r.iter().flatten().any(|c| !fold(&c.text()).is_empty())
            };
            (keys, rest.iter().find(filled)?)
        }
        _ => return None,
    };
    let mut out = Vec::new();
    for (k, v) in keys.iter().zip(values) {
        let k = fold(&k.map(|c| c.text()).unwrap_or_default());
        let v = fold(&v.map(|c| c.text()).unwrap_or_default());
        let short = !k.is_empty() && k.split(' ').count() <= 3 && !k.chars().any(|c| c.is_ascii_digit());
        if !short {
            return None;
        }
        if !v.is_empty() {
            out.push(format!("{}: {v}", k.trim_end_matches([':', '.'])));
        }
    }
    (!out.is_empty() && keys.len() >= 2).then_some(out)
}

pub use crate::util::fold;

/// Most words of a label cell in a label/value grid (`Møtedato:`, `Styre, råd, utvalg:`).
const PAIR_LABEL_MAX_WORDS: usize = 4;

/// A header table of label/value pairs side by side (`Møtedato: | 14.12.2021 | Møtetid: |
/// Kl. 14:00`, or `Møtedato: 16.12.2021 | Møtetid: | Kl. 10.00`): each row read left to right,
/// a cell `Label:` takes the next cell as its value, a cell `Label: value` is a pair of its own.
/// Every filled cell must be part of a pair, and one label must be a field the lexicon knows, so
/// a data table is never read as fields.
fn pair_lines(t: &Table) -> Option<Vec<String>> {
    let label = |s: &str| {
        let k = s.strip_suffix(':')?.trim();
        let words = k.split_whitespace().count();
        ((1..=PAIR_LABEL_MAX_WORDS).contains(&words) && !k.chars().any(|c| c.is_ascii_digit()))
            .then(|| k.to_string())
    };
    let known = |k: &str| {
        let k = k.trim_end_matches('.');
        [
            lc::FIELD_MEETING_DATE,
            lc::FIELD_DATE,
            lc::FIELD_TIME,
            lc::FIELD_PLACE,
            lc::FIELD_COMMITTEE,
            lc::FIELD_CASE_NUMBER,
        ]
        .iter()
        .any(|c| lexicon::is(c, k))
    };
    let mut out = Vec::new();
    let mut any_known = false;
    for row in &t.rows {
        let cells: Vec<String> = row.cells.iter().map(|c| fold(&c.text())).collect();
        let mut i = 0;
        while let Some(c) = cells.get(i) {
            i += 1;
            if c.is_empty() {
                continue;
            }
            if let Some(k) = label(c) {
                let v = cells.get(i).filter(|v| label(v).is_none()).cloned().unwrap_or_default();
                if cells.get(i).is_some_and(|v| label(v).is_none()) {
                    i += 1;
                }
                any_known |= known(&k);
                if !v.is_empty() {
                    out.push(format!("{}: {v}", k.trim_end_matches('.')));
                }
                continue;
            }
            match meeting::field(c) {
                Some((k, v)) if !v.is_empty() => {
                    any_known |= known(&k);
                    out.push(c.clone());
                }
                _ => return None,
            }
        }
    }
    (any_known && out.len() >= 2).then_some(out)
}

/// A table used as a frame: at most [`FRAME_MAX_ROWS`] rows with one filled cell each (`Kommunestyret
/// 16.12.2021:` over `Behandling i møtet:`). Its cells are lines of text, not data.
fn frame_lines(t: &Table) -> Option<Vec<String>> {
    if t.rows.is_empty() || t.rows.len() > FRAME_MAX_ROWS {
        return None;
    }
    let mut out = Vec::new();
    for row in &t.rows {
        let filled: Vec<String> =
            row.cells.iter().map(|c| fold(&c.text())).filter(|s| !s.is_empty()).collect();
        match filled.as_slice() {
            [] => {}
            [one] if one.chars().count() <= FRAME_MAX_CHARS => out.push(one.clone()),
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Most rows of a frame table.
const FRAME_MAX_ROWS: usize = 3;
/// Most characters of a frame table's cell.
const FRAME_MAX_CHARS: usize = 120;

/// A header row naming a committee column and a date or case-number column.
fn is_route_header(keys: &[Option<&crate::model::Cell>]) -> bool {
    let key = |c: &Option<&crate::model::Cell>| {
        fold(&c.map(|c| c.text()).unwrap_or_default()).trim_end_matches([':', '.']).to_string()
    };
    let has = |concept: &str| keys.iter().any(|k| lexicon::is(concept, &key(k)));
    has(lc::FIELD_COMMITTEE) && (has(lc::FIELD_MEETING_DATE) || has(lc::FIELD_CASE_NUMBER))
}

/// Most lines a flattened case-route table spans (`Saksgang` and its column labels and values).
const ROUTE_MAX_LINES: usize = 16;

/// A case-route table printed as text loses its grid: `Saksgang`, then each column label on a
/// line of its own followed by its values (`Utvalg` / `Formannskap` / `Kommunestyre` /
/// `Møtedato` / `Utvalgssak`). The first value of each column becomes a `Key: value` line, as a
/// table's first row would.
fn route_lines(lines: &mut Vec<Line>) {
    let Some(start) = lines
        .iter()
        .take(40)
        .position(|l| !l.is_item() && lexicon::is(lc::CASE_ROUTE, l.text.trim_end_matches(':')))
    else {
        return;
    };
    let is_key = |t: &str| {
        let t = t.trim_end_matches([':', '.']);
        [lc::FIELD_COMMITTEE, lc::FIELD_MEETING_DATE, lc::FIELD_CASE_NUMBER].iter().any(|c| lexicon::is(c, t))
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut end = start + 1;
    let mut key: Option<String> = None;
    while let Some(l) = lines.get(end) {
        if end - start > ROUTE_MAX_LINES || l.is_item() || l.kind == LineKind::Table || l.text.contains(':') {
            break;
        }
        if is_key(&l.text) {
            key = Some(l.text.trim_end_matches([':', '.']).to_string());
        } else if let Some(k) = &key {
            if !fields.iter().any(|(f, _)| f == k) {
                fields.push((k.clone(), l.text.clone()));
            }
        } else {
            break;
        }
        end += 1;
    }
    if key.is_none() {
        return;
    }
    let at = lines.get(start).and_then(|l| l.at);
    let new: Vec<Line> = fields
        .into_iter()
        .map(|(k, v)| Line { kind: LineKind::Para, text: format!("{k}: {v}"), bold: false, table: None, at })
        .collect();
    lines.splice(start..end, new);
}

/// `1.Tekst`: a point label glued to its text (a case system's print), read as `1.` + `Tekst`.
/// Not a date (`1.12.2025`), a decimal (`2.5`) or an outline number (`2.1`): the label is one or
/// two digits and a dot, directly followed by a capital letter.
pub fn glued_label(t: &str) -> Option<(String, &str)> {
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let rest = t.get(digits..)?.strip_prefix('.')?;
    rest.chars().next().filter(|c| c.is_uppercase())?;
    Some((t.get(..=digits)?.to_string(), rest))
}

/// Flatten the body into lines.
pub fn flatten(doc: &Document) -> Flat {
    let mut flat = Flat { lines: Vec::new(), tables: Vec::new(), field_tables: Vec::new() };
    for (bi, b) in doc.blocks.iter().enumerate() {
        let at = Some(record::At { block: u32::try_from(bi).unwrap_or(u32::MAX), page: b.pos().page });
        let (kind, text) = match b {
            Block::Heading { level, text, .. } => (LineKind::Heading(*level), text),
            Block::Paragraph { text, .. } => (LineKind::Para, text),
            Block::ListItem { level, label, ordered, text, .. } => {
                (LineKind::Item { level: *level, label: label.clone(), ordered: *ordered }, text)
            }
            Block::Table(t) => {
                // the same header row right after a table: the table goes on (a page break)
                let prev = flat.lines.last().and_then(|l| l.table).and_then(|i| flat.tables.get_mut(i));
                if let Some(prev) = prev {
                    if t.rows.len() > 1 && row_texts(prev.rows.first()) == row_texts(t.rows.first()) {
                        let rows = t.rows.iter().skip(1).cloned();
                        prev.rows.extend(rows);
                        continue;
                    }
                }
                let ti = flat.tables.len();
                flat.tables.push(t.clone());
                match field_lines(t).or_else(|| pair_lines(t)).or_else(|| frame_lines(t)) {
                    Some(fields) => {
                        flat.field_tables.push(ti);
                        for f in fields {
                            flat.lines.push(Line {
                                kind: LineKind::Para,
                                text: f,
                                bold: false,
                                table: None,
                                at,
                            });
                        }
                    }
                    None => flat.lines.push(Line {
                        kind: LineKind::Table,
                        text: String::new(),
                        bold: false,
                        table: Some(ti),
                        at,
                    }),
                }
                continue;
            }
            Block::PageBreak { .. } => continue,
        };
        let mut folded = fold(&text.text);
        if folded.is_empty() && !matches!(kind, LineKind::Item { .. })
            || page_number(&folded)
            || kind == LineKind::Para && lone_page_number(doc, bi, &folded)
        {
            continue;
        }
        let mut kind = kind;
        if kind == LineKind::Para {
            // a paragraph that starts with a list label (typed by hand, or a PDF's list line)
            if let Some((label, rest)) =
                crate::read::text::ordered_label(&folded).or_else(|| glued_label(&folded))
            {
                let rest = rest.to_string();
                kind = LineKind::Item { level: 0, label: Some(label), ordered: true };
                folded = rest;
            }
        }
        flat.lines.push(Line { kind, bold: text.all_bold(), text: folded, table: None, at });
    }
    route_lines(&mut flat.lines);
    flat
}

/// The header-field concepts a line may carry as `Label: value`.
const FIELD_CONCEPTS: &[&str] = &[
    lc::FIELD_COMMITTEE,
    lc::FIELD_MEETING_DATE,
    lc::FIELD_DATE,
    lc::FIELD_TIME,
    lc::FIELD_PLACE,
    lc::FIELD_OWNER,
    lc::FIELD_OFFICER,
    lc::FIELD_CASE_NUMBER,
    lc::FIELD_ARCHIVE,
    lc::FIELD_ATTACHMENTS,
];

/// A field label the lexicon knows, with its colon (`Arkivsaksnr.:`, `Vedlegg (t):`).
static FIELD_LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let alt = FIELD_CONCEPTS.iter().map(|c| lexicon::alternation(c)).collect::<Vec<_>>().join("|");
    regex::Regex::new(&format!(r"(?i)(?:^|\s)((?:{alt})\.?(?:\s*\([^)]{{1,6}}\))?\s*:)"))
        .unwrap_or_else(|_| regex::Regex::new("$^").expect("valid regex"))
});

/// Where [`FIELD_LABEL`]'s labels (its group 1) start in `text`. Found from the matches alone,
/// without captures (which would run the regex engine's capture search on every match): a match
/// is its group 1, after one white-space character unless it starts at the text's start (a
/// label, a lexicon form, never starts with white space, so at the start the `^` branch is the
/// one taken). Test `label_starts_are_group_one`.
fn label_starts(text: &str) -> Vec<usize> {
    FIELD_LABEL
        .find_iter(text)
        .map(|m| {
            let lead = m.as_str().chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8);
            m.start() + lead
        })
        .collect()
}

/// Most words of a person's name in a field without a colon (`Saksbehandler Kari Nordmann`).
const NAME_MAX_WORDS: usize = 4;

/// Header fields in other shapes, made `Label: value` lines: several pairs on one line
/// (`Møtedato: 16.12.2021 Møtetid: Kl. 10.00`, `Sakshandsamar: Kari Li Arkivsaksnr.: 25/1234`)
/// are split at each known label; a known label without its colon at the start of a line
/// (`Utvalg Kommunestyret`, `Dato 12.03.2026`) gets one when its value has the label's type (a
/// body's name, a date, a person's name, an archive number).
fn split_fields(lines: &mut Vec<Line>, register: &Register) {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for l in lines.drain(..) {
        // (a text of at most FIELD_LINE_MAX_CHARS bytes has no more characters: counted only
        // when longer)
        if !matches!(l.kind, LineKind::Para | LineKind::Heading(_))
            || l.text.len() > FIELD_LINE_MAX_CHARS && l.text.chars().count() > FIELD_LINE_MAX_CHARS
        {
            out.push(l);
            continue;
        }
        // a field label ends in a colon: a line without one has none
        let starts: Vec<usize> = if l.text.contains(':') { label_starts(&l.text) } else { Vec::new() };
        if starts.len() >= 2 && starts.first() == Some(&0) {
            let mut bounds = starts.clone();
            bounds.push(l.text.len());
            for w in bounds.windows(2) {
                let part = l.text.get(w[0]..w[1]).unwrap_or_default().trim();
                if !part.is_empty() {
                    out.push(Line { text: part.to_string(), ..l.clone() });
                }
            }
            continue;
        }
        if starts.is_empty() {
            if let Some(text) = colonless_field(&l.text, register) {
                out.push(Line { text, ..l });
                continue;
            }
        }
        out.push(l);
    }
    *lines = out;
}

/// Longest line (in characters) read for header fields ([`split_fields`]): longer ones are text.
const FIELD_LINE_MAX_CHARS: usize = 300;

/// The first words (lower case) of the forms of the [`FIELD_CONCEPTS`].
static FIELD_FIRST_WORDS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| {
    FIELD_CONCEPTS
        .iter()
        .flat_map(|c| lexicon::forms(c))
        .filter_map(|f| first_word(f).map(str::to_string))
        .collect()
});

/// A text's first word, as [`crate::util::fold`] splits words.
fn first_word(t: &str) -> Option<&str> {
    crate::util::fold_words(t).next()
}

/// Whether `t` may start with a field label without its colon: its first word, lower case, is
/// the first word of a form of a field concept. A cheap test before [`colonless_field`] tries
/// its labels of one to three words (a label that is a form starts with a form's first word).
fn may_start_with_field_label(t: &str) -> bool {
    first_word(t).is_some_and(|w| FIELD_FIRST_WORDS.contains(&w.to_lowercase()))
}

/// `Utvalg Kommunestyret` → `Utvalg: Kommunestyret`, when the value has the label's type.
fn colonless_field(text: &str, register: &Register) -> Option<String> {
    let t = text.trim();
    if !may_start_with_field_label(t) {
        return None;
    }
    let (label, value) = (1..=3).rev().find_map(|n| {
        let mut it = t.splitn(n + 1, ' ');
        let label: Vec<&str> = it.by_ref().take(n).collect();
        let value = it.next()?.trim();
        let label = label.join(" ");
        let concepts = lexicon::concepts_of(&label);
        FIELD_CONCEPTS.iter().any(|c| concepts.iter().any(|k| k == c)).then_some((label, value))
    })?;
    let is = |c: &str| lexicon::is(c, &label);
    let date_first = || dates::find_dates(value, None).first().is_some_and(|(at, _)| *at == 0);
    let name = || {
        let words: Vec<&str> = value.split_whitespace().collect();
        (2..=NAME_MAX_WORDS).contains(&words.len())
            && words.iter().all(|w| {
                w.starts_with(char::is_uppercase)
                    && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
            })
    };
    let ok = if is(lc::FIELD_MEETING_DATE) || is(lc::FIELD_DATE) {
        date_first()
    } else if is(lc::FIELD_COMMITTEE) {
        committee::body_name(value, register).is_some() && value.split_whitespace().count() <= 8
    } else if is(lc::FIELD_OFFICER) || is(lc::FIELD_OWNER) {
        name()
    } else if is(lc::FIELD_ARCHIVE) {
        value.starts_with(|c: char| c.is_ascii_digit()) && value.split_whitespace().count() == 1
    } else {
        false
    };
    ok.then(|| format!("{label}: {value}"))
}

/// A set of a paper's words (hashed quickly: [`crate::util::QuickHash`]).
pub type WordSet = HashSet<String, crate::util::QuickBuild>;

/// Lower-case words that the document writes in lower case somewhere: a capitalised word in
/// this set is an ordinary word, not a name (used to split flattened lists). The definition
/// [`Words::contains`] answers without making the set.
#[cfg(test)]
pub fn lexicon(flat: &Flat) -> WordSet {
    let mut set = WordSet::default();
    let mut add = |s: &str| {
        for w in s.split(|c: char| !c.is_alphanumeric() && c != '-') {
            if w.chars().next().is_some_and(|c| c.is_lowercase()) && !set.contains(w) {
                set.insert(w.to_string());
            }
        }
    };
    for l in &flat.lines {
        add(&l.text);
    }
    for t in &flat.tables {
        for r in &t.rows {
            for c in &r.cells {
                add(&c.text());
            }
        }
    }
    set
}

/// A document's lexicon (the lower-case words it writes in lower case somewhere), asked one
/// word at a time: only agenda cells whose list breaks were lost ask ([`agenda::split_flat`], a
/// few words per document), so the set of every word is never made. The document's text (its
/// lines and table cells, each ended by a line break) is joined on first use and searched.
pub struct Words<'a> {
    flat: &'a Flat,
    text: std::cell::OnceCell<String>,
}

impl<'a> Words<'a> {
    pub fn new(flat: &'a Flat) -> Self {
        Words { flat, text: std::cell::OnceCell::new() }
    }

    /// Whether `word` is in the document's lexicon: it starts with a lower-case letter, holds
    /// no character that splits words (neither alphanumeric nor `-`), and stands in the text
    /// between two such characters or the text's ends.
    pub fn contains(&self, word: &str) -> bool {
        let splits = |c: char| !c.is_alphanumeric() && c != '-';
        if !word.chars().next().is_some_and(char::is_lowercase) || word.contains(splits) {
            return false;
        }
        let text = self.text.get_or_init(|| {
            let mut text = String::new();
            let mut add = |s: &str| {
                text.push_str(s);
                text.push('\n');
            };
            for l in &self.flat.lines {
                add(&l.text);
            }
            for t in &self.flat.tables {
                for r in &t.rows {
                    for c in &r.cells {
                        add(&c.text());
                    }
                }
            }
            text
        });
        // a match starts and ends on character boundaries (the word is valid UTF-8); matches
        // that overlap a match found are inside a word, so the search need not step into them
        memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()).any(|at| {
            let before = text.get(..at).and_then(|t| t.chars().next_back());
            let after = text.get(at + word.len()..).and_then(|t| t.chars().next());
            before.is_none_or(splits) && after.is_none_or(splits)
        })
    }
}

/// Extract one document's record.
pub fn extract(doc: &Document, source: Source, register: &Register) -> Record {
    let mut r = Record::empty(source);
    r.warnings.extend(doc.warnings.iter().cloned());
    let mut flat = flatten(doc);
    // header fields in other shapes need the register (a committee's name as a field's value)
    split_fields(&mut flat.lines, register);
    let words = Words::new(&flat);

    let (meeting, meeting_committee) = meeting::find(&flat.lines, register);
    let year = meeting.as_ref().and_then(|m| m.date.get(..4)).and_then(|y| y.parse().ok()).or_else(|| {
        flat.lines
            .iter()
            .take(40)
            .find_map(|l| dates::first_date(&l.text, None))
            .and_then(|d| d.get(..4)?.parse().ok())
    });
    let committee = meeting::doc_committee(&flat.lines, register).or(meeting_committee);

    let (mut agenda, agenda_tables) = agenda::extract(&flat, &words);
    if agenda.is_empty() {
        agenda = agenda::from_lines(&flat.lines);
    }
    let ctx = case::Ctx {
        register,
        meeting_date: meeting.as_ref().map(|m| m.date.clone()),
        year,
        committee: committee.clone(),
        field_committees: Default::default(),
    };
    let (mut cases, warnings) = case::extract(&flat.lines, &ctx);
    agenda::strip_case_pages(&agenda, &mut cases);
    r.warnings.extend(warnings);
    // plan tables stay in `tables` too (their typed cells keep fills and status); agenda and
    // header-field tables are fully represented elsewhere
    let (plans, _plan_tables) = plan::extract(&flat, !cases.is_empty());
    for (i, t) in flat.tables.iter().enumerate() {
        if agenda_tables.contains(&i) || flat.field_tables.contains(&i) {
            continue;
        }
        r.tables.push(tables::record_table(t, plan::caption_before(&flat.lines, i)));
    }
    if let Some(start) = meeting.as_ref().and_then(|m| m.start.as_deref()) {
        agenda::fill_times(&mut agenda, start);
    }
    r.kind = kind::classify(&flat, &cases, !agenda.is_empty(), !plans.is_empty());
    if r.kind == record::Kind::Attachment {
        r.attachment_of = kind::attachment_of(&flat);
    }
    r.language = kind::language(&flat);
    r.committee = committee;
    r.meeting = meeting;
    r.agenda = agenda;
    r.cases = cases;
    r.plans = plans;
    followup::annotate(&mut r, register);
    form::apply(&flat, &mut r);
    r.status_legend = legend::extract(&flat);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Pos, Text};

    fn para(s: &str) -> Block {
        Block::Paragraph { text: Text::plain(s), pos: Pos::default() }
    }

    fn table(rows: &[&[&str]]) -> Table {
        use crate::model::{Cell, Row};
        Table {
            rows: rows
                .iter()
                .map(|r| Row {
                    cells: r
                        .iter()
                        .map(|t| Cell {
                            blocks: if t.is_empty() { vec![] } else { vec![para(t)] },
                            ..Cell::default()
                        })
                        .collect(),
                    ..Row::default()
                })
                .collect(),
            pos: Pos::default(),
        }
    }

    #[test]
    fn label_value_grids_and_frames_become_lines() {
        let t = table(&[
            &["Møtedato:", "14.12.2021", "Møtetid:", "Kl. 14:00"],
            &["Møtested:", "Rådhuset", "Saksnr.:", ""],
        ]);
        assert_eq!(
            pair_lines(&t).unwrap(),
            vec!["Møtedato: 14.12.2021", "Møtetid: Kl. 14:00", "Møtested: Rådhuset"]
        );
        let t = table(&[&["Møtedato: 16.12.2021", "Møtetid:", "Kl. 10.00 - 16.15"]]);
        assert_eq!(pair_lines(&t).unwrap(), vec!["Møtedato: 16.12.2021", "Møtetid: Kl. 10.00 - 16.15"]);
        // must not: a data table, labels the lexicon does not know, one pair only
        assert!(
            pair_lines(&table(&[&["Tiltak", "Ansvar", "Frist"], &["Kurs", "Kommunen", "2026"]])).is_none()
        );
        assert!(pair_lines(&table(&[&["Namn:", "Kari", "Parti:", "Sp"]])).is_none());
        assert!(pair_lines(&table(&[&["Møtedato:", "14.12.2021"]])).is_none());
        let t = table(&[&["Kommunestyret 16.12.2021:", ""], &["Behandling i møtet:", ""]]);
        assert_eq!(frame_lines(&t).unwrap(), vec!["Kommunestyret 16.12.2021:", "Behandling i møtet:"]);
        // must not: two filled cells in a row, too many rows
        assert!(frame_lines(&table(&[&["Tiltak", "Ansvar"]])).is_none());
        assert!(frame_lines(&table(&[&["a"], &["b"], &["c"], &["d"]])).is_none());
    }

    #[test]
    fn a_colonless_field_is_looked_for_only_after_a_field_words_first_word() {
        // must pass: the first word of a field form, in any case, nynorsk too, before a
        // no-break space, and each line colonless_field accepts
        for t in [
            "Utvalg Kommunestyret",
            "UTVAL Formannskapet",
            "Dato 12.03.2026",
            "Sakshandsamar Kari Li",
            "Møte\u{a0}i Kommunestyret",
            "Styre, råd, utvalg Eldrerådet",
            "Vår ref 25/1234",
            "Tid og stad Rådhuset",
        ] {
            assert!(may_start_with_field_label(t), "{t}");
        }
        assert_eq!(
            colonless_field("Dato 12.03.2026", &Register::default()).as_deref(),
            Some("Dato: 12.03.2026")
        );
        assert_eq!(
            colonless_field("Saksbehandler Kari Nordmann", &Register::default()).as_deref(),
            Some("Saksbehandler: Kari Nordmann")
        );
        // must not: sentences, a field word later in the line, a word that only starts like one
        for t in [
            "Kommunestyret vedtok planen",
            "Neste møte i utvalget",
            "Datoen er satt",
            "",
            "Utvalgsleder Kari",
        ] {
            assert!(!may_start_with_field_label(t), "{t}");
            assert_eq!(colonless_field(t, &Register::default()), None, "{t}");
        }
    }

    #[test]
    fn lone_page_numbers_at_page_boundaries_are_dropped() {
        let on = |t: &str, page: u32| Block::Paragraph {
            text: Text::plain(t),
            pos: Pos { index: 0, page: Some(page) },
        };
        let mut doc = Document::new(Format::Pdf);
        doc.blocks = vec![
            on("Vedtak:", 1),
            on("Planen vert vedteken.", 1),
            on("1", 1),
            on("2", 2),
            on("Vedlegg", 2),
            on("3", 2),
            on("Kartlegging av tenestene", 2),
        ];
        let texts: Vec<String> = flatten(&doc).lines.into_iter().map(|l| l.text).collect();
        // the last line of page 1 and the first of page 2 go; a running number inside a page stays
        assert_eq!(
            texts,
            vec!["Vedtak:", "Planen vert vedteken.", "Vedlegg", "3", "Kartlegging av tenestene"]
        );
        let mut doc = Document::new(Format::Text);
        doc.blocks = vec![
            para("Planen vert vedteken."),
            para("- 1 -"),
            Block::PageBreak { pos: Pos::default() },
            para("Neste side"),
        ];
        let texts: Vec<String> = flatten(&doc).lines.into_iter().map(|l| l.text).collect();
        assert_eq!(texts, vec!["Planen vert vedteken.", "Neste side"]);
    }

    #[test]
    fn header_fields_in_other_shapes() {
        let split = |ts: &[&str]| {
            let mut ls: Vec<Line> = ts.iter().map(|t| Line::para(t)).collect();
            split_fields(&mut ls, &Register::default());
            ls.into_iter().map(|l| l.text).collect::<Vec<_>>()
        };
        assert_eq!(
            split(&["Møtedato: 16.12.2021 Møtetid: Kl. 10.00"]),
            vec!["Møtedato: 16.12.2021", "Møtetid: Kl. 10.00"]
        );
        assert_eq!(
            split(&["Sakshandsamar: Kari Li Arkivsaksnr.: 25/1234"]),
            vec!["Sakshandsamar: Kari Li", "Arkivsaksnr.: 25/1234"]
        );
        assert_eq!(split(&["Utvalg Kommunestyret"]), vec!["Utvalg: Kommunestyret"]);
        assert_eq!(split(&["Dato 12.03.2026"]), vec!["Dato: 12.03.2026"]);
        assert_eq!(split(&["Saksbehandler Kari Nordmann"]), vec!["Saksbehandler: Kari Nordmann"]);
        // must not: prose that starts with a label word, one pair, a label inside a sentence
        for t in [
            "Dato for neste møte er ikkje fastsett.",
            "Utvalg som skal behandle saken",
            "Saksbehandler har vurdert saken.",
            "Møtedato: 16.12.2021",
            "Saka gjeld vedlegg: plan for helse",
        ] {
            assert_eq!(split(&[t]), vec![t], "{t}");
        }
    }

    #[test]
    fn label_starts_are_group_one() {
        let by_captures = |t: &str| -> Vec<usize> {
            FIELD_LABEL.captures_iter(t).filter_map(|c| c.get(1).map(|m| m.start())).collect()
        };
        let mut texts: Vec<String> = [
            "Møtedato: 16.12.2021 Møtetid: Kl. 10.00",
            "Sakshandsamar: Kari Li Arkivsaksnr.: 25/1234",
            " Møtedato: 16.12.2021",
            "\u{a0}Utval: SSU\u{2009}Møtestad: Rådhuset",
            "Vedlegg (t): 3\tSaksnr.: 12/25",
            "xMøtedato: 1 MØTEDATO : 2  møtedato\u{3000}:3",
            "Saka gjeld vedlegg: plan for helse",
            "ingen felt her: nei",
            "",
            ":",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // every line of the field tests above, glued and spaced in every white space
        let labels = ["Møtedato:", "Utvalg :", "Arkivsaksnr.:", "Vedlegg (t):", "Dato:", "Tid:"];
        for a in labels {
            for b in labels {
                for sep in ["", " ", "\u{a0}", "\u{2003}", "\n", "–", "x"] {
                    texts.push(format!("{a}{sep}{b} 1"));
                    texts.push(format!("{sep}{a} v{sep}{b}"));
                }
            }
        }
        for t in &texts {
            assert_eq!(label_starts(t), by_captures(t), "{t:?}");
        }
    }

    #[test]
    fn glued_labels() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("1.Rapporten tas til orientering", Some(("1.", "Rapporten tas til orientering"))),
            ("12.Saka vert send", Some(("12.", "Saka vert send"))),
            // must not match: dates, decimals, outline numbers, lower case, three digits
            ("1.12.2025 var møtet", None),
            ("2.5 millioner", None),
            ("2.1 Bakgrunn", None),
            ("1.ledd gjelder", None),
            ("123.Tekst", None),
            ("Tekst 1.Punkt", None),
        ];
        for (t, want) in cases {
            assert_eq!(
                glued_label(t).map(|(l, r)| (l, r.to_string())),
                want.map(|(l, r)| (l.to_string(), r.to_string())),
                "{t}"
            );
        }
    }

    #[test]
    fn flattened_route_tables_become_fields() {
        let mut doc = Document::new(Format::Text);
        doc.blocks = [
            "SAKSFRAMLEGG",
            "Saksgang",
            "Utvalg",
            "Eldrerådet",
            "Kommunestyret",
            "Møtedato",
            "Utvalgssak",
            "Arkivsak: 2026/12",
            "Tittel",
        ]
        .iter()
        .map(|t| para(t))
        .collect();
        let flat = flatten(&doc);
        let texts: Vec<&str> = flat.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, vec!["SAKSFRAMLEGG", "Utvalg: Eldrerådet", "Arkivsak: 2026/12", "Tittel"]);
        // not a route: `Saksgang` as an ordinary heading over prose
        let mut doc = Document::new(Format::Text);
        doc.blocks = ["Saksgang", "Saka har vore i fleire utval før."].iter().map(|t| para(t)).collect();
        assert_eq!(flatten(&doc).lines.len(), 2);
    }

    #[test]
    fn labelled_paragraphs_become_items_and_paragraphs_stay_paragraphs() {
        // the PDF reader rejoins wrapped points (`read::pdf::lists`); extraction does not
        let mut doc = Document::new(Format::Docx);
        doc.blocks = vec![
            para("1. Utvalet ber kommunane om å gå gjennom"),
            para("rutinane sine."),
            para("2. Saka vert følgd opp i møte"),
            para("11.02.2026."),
            para("Side 1 av 2"),
            para("Bakgrunn"),
        ];
        let flat = flatten(&doc);
        let items: Vec<bool> = flat.lines.iter().map(|l| l.is_item()).collect();
        assert_eq!(items, vec![true, false, true, false, false]);
    }
}
