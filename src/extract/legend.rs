//! A paper's own traffic-light definitions (`Record::status_legend`): what the partnership has
//! adopted that green, yellow and red mean (`Grønn – tiltaket er gjennomført eller i rute`).
//!
//! A legend is a label-and-value structure whose labels are the colour words of the lexicon
//! (`status_colour`, bokmål and nynorsk), in one of these shapes:
//! - **table rows**: the first filled cell is a colour word (a trailing `:` or dash allowed),
//!   the other filled cells are its meaning; every row of the table but a header is such a row;
//! - **lines** (paragraphs, list items, bullets): `Grønn: …`, `Gul = …`, `Raud – …`, one colour
//!   per line, on consecutive lines;
//! - **one line** with several: `grønn = …, gul = … og rød = …`.
//!
//! A structure is a legend when it defines at least [`MIN_COLOURS`] different colours, none
//! twice (a list of measures' statuses repeats colours), and each meaning starts with a letter
//! and has at most [`MAX_MEANING_CHARS`] characters (`Grønn: 4` is a count, not a meaning). A
//! colour word inside a sentence (`Status: Grønn`) is no label. The first legend of a paper wins.

use super::{Flat, LineKind};
use crate::lexicon::{self, c as lc};
use crate::record::{LegendEntry, Status};
use crate::util::fold;
use regex::Regex;
use std::sync::LazyLock;

/// Fewest different colours a legend defines.
pub const MIN_COLOURS: usize = 2;
/// Most characters of one colour's meaning.
pub const MAX_MEANING_CHARS: usize = 240;

/// A colour word used as a label: the word, then `:`, `=`, or a dash with a space before it.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}\p{{N}}])({})\s*(?:[:=]|\s[–—-])\s*",
        lexicon::alternation(lc::STATUS_COLOUR)
    ))
    .expect("valid regex")
});

/// The colour words of [`LABEL`], for its prefilter.
static COLOUR_WORDS: LazyLock<super::prefilter::Words> =
    LazyLock::new(|| super::prefilter::Words::new(lexicon::forms(lc::STATUS_COLOUR)));

/// Most bytes of a colour word as [`LABEL`] matches it, in any case: four (the most a
/// character takes) per character of its longest form.
static COLOUR_WORD_MAX_BYTES: LazyLock<usize> = LazyLock::new(|| {
    lexicon::forms(lc::STATUS_COLOUR).iter().map(|f| f.chars().count() * 4).max().unwrap_or(0)
});

/// The prefilter (see `super::prefilter`) of [`LABEL`]: a colour word ends right before a
/// label mark (`:`, `=`, `-`, `–`, `—`), with only white space between. So at each mark the
/// text before it, white space trimmed, is searched for a colour word in its last
/// [`COLOUR_WORD_MAX_BYTES`] only, not the whole line.
fn may_have_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    let window = *COLOUR_WORD_MAX_BYTES;
    let colour_before = |at: usize| {
        // a mark is ASCII or starts its character: `at` is a character boundary
        let before = text.get(..at).unwrap_or_default().trim_end();
        let mut from = before.len().saturating_sub(window);
        while !before.is_char_boundary(from) {
            from -= 1;
        }
        COLOUR_WORDS.any(before.get(from..).unwrap_or_default())
    };
    // the marks found by byte search: `:`, `=`, `-`, and `–`, `—` (E2 80 93, E2 80 94)
    memchr::memchr3_iter(b':', b'=', b'-', bytes).any(colour_before)
        || memchr::memchr_iter(0xE2, bytes)
            .filter(|&at| bytes.get(at + 1) == Some(&0x80) && matches!(bytes.get(at + 2), Some(0x93 | 0x94)))
            .any(colour_before)
}

/// Bullets and list marks a line may start with.
const BULLETS: &[char] = &['-', '–', '—', '•', '▪', '*', '·', '○', '◦'];

/// The status a colour word names (`grønn`, `grøn`, `green` → green), if it is one.
pub fn colour(word: &str) -> Option<Status> {
    let w = word.trim().trim_end_matches([':', '=', '-', '–', '—']).trim();
    if !lexicon::is(lc::STATUS_COLOUR, w) {
        return None;
    }
    [(lc::STATUS_GREEN, Status::Green), (lc::STATUS_YELLOW, Status::Yellow), (lc::STATUS_RED, Status::Red)]
        .into_iter()
        .find(|(concept, _)| lexicon::is(concept, w))
        .map(|(_, s)| s)
}

/// A meaning as written, or `None` when it is no meaning (empty, a number, too long).
fn meaning(text: &str) -> Option<String> {
    let t = fold(text);
    let t = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '.' | '–' | '-'));
    let starts_with_letter = t.chars().next().is_some_and(char::is_alphabetic);
    (starts_with_letter && t.chars().count() <= MAX_MEANING_CHARS).then(|| t.to_string())
}

/// The colour labels of one line and their meanings: `(status, meaning)`; empty when the line is
/// no legend line (its first label is not at its start and it has only one).
fn line_entries(text: &str) -> Vec<(Status, String)> {
    if !may_have_label(text) {
        return Vec::new();
    }
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || BULLETS.contains(&c));
    let labels: Vec<(usize, usize, Status)> = LABEL
        .captures_iter(t)
        .filter_map(|c| {
            let word = c.get(1)?;
            Some((word.start(), c.get(0)?.end(), colour(word.as_str())?))
        })
        .collect();
    let Some(first) = labels.first() else { return Vec::new() };
    if first.0 != 0 && labels.len() < MIN_COLOURS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, (_, value_start, status)) in labels.iter().enumerate() {
        let value_end = labels.get(i + 1).map_or(t.len(), |next| next.0);
        let mut value = t.get(*value_start..value_end).unwrap_or("").trim_end();
        // `…, gul = … og rød = …`: the joining word before the next label is not the meaning's
        for joiner in lexicon::forms(lc::LIST_JOINER).iter().map(String::as_str) {
            if i + 1 < labels.len() {
                if let Some(v) = value.strip_suffix(joiner).filter(|v| v.ends_with(char::is_whitespace)) {
                    value = v.trim_end();
                }
            }
        }
        match meaning(value) {
            Some(m) => out.push((*status, m)),
            None => return Vec::new(),
        }
    }
    out
}

/// A group of entries as a legend: enough different colours, none twice.
fn as_legend(entries: Vec<LegendEntry>) -> Option<Vec<LegendEntry>> {
    let mut seen: Vec<Status> = Vec::new();
    for e in &entries {
        if seen.contains(&e.status) {
            return None;
        }
        seen.push(e.status);
    }
    (seen.len() >= MIN_COLOURS).then_some(entries)
}

/// The table's rows as legend entries, when every row but a header is one.
fn table_entries(t: &crate::model::Table, at: Option<crate::record::At>) -> Option<Vec<LegendEntry>> {
    let mut out = Vec::new();
    let mut other_rows = 0;
    for row in t.grid() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| fold(&c.map(|c| c.text()).unwrap_or_default()))
            .filter(|s| !s.is_empty())
            .collect();
        let Some(label) = cells.first() else { continue };
        let entry = match (colour(label), cells.len()) {
            (Some(status), n) if n >= 2 => meaning(&cells[1..].join(" ")).map(|m| (status, m)),
            // `Grønn: …` written in one cell
            (_, 1) => match line_entries(label).as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            },
            _ => None,
        };
        match entry {
            Some((status, text)) => out.push(LegendEntry { status, text, at }),
            None => other_rows += 1,
        }
    }
    // one header row (`Farge | Betydning`) at most
    if other_rows > 1 {
        return None;
    }
    as_legend(out)
}

/// The paper's traffic-light definitions, if it gives them (the first legend in the paper).
pub fn extract(flat: &Flat) -> Vec<LegendEntry> {
    let mut group: Vec<LegendEntry> = Vec::new();
    for line in &flat.lines {
        if line.kind == LineKind::Table {
            if let Some(found) = as_legend(std::mem::take(&mut group)).or_else(|| {
                let t = flat.tables.get(line.table?)?;
                table_entries(t, line.at)
            }) {
                return found;
            }
            continue;
        }
        let entries = if matches!(line.kind, LineKind::Para | LineKind::Item { .. }) {
            line_entries(&line.text)
        } else {
            Vec::new()
        };
        if entries.is_empty() {
            if let Some(found) = as_legend(std::mem::take(&mut group)) {
                return found;
            }
            continue;
        }
        // a line with a whole legend of its own
        if entries.len() >= MIN_COLOURS {
            if let Some(found) = as_legend(std::mem::take(&mut group)) {
                return found;
            }
        }
        group.extend(entries.into_iter().map(|(status, text)| LegendEntry { status, text, at: line.at }));
        if group.len() >= MIN_COLOURS && as_legend(group.clone()).is_none() {
            // a colour repeated: a list of statuses, not a legend
            group.clear();
        }
    }
    as_legend(group).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Line;

    fn flat(lines: &[&str]) -> Flat {
        Flat {
            lines: lines.iter().map(|l| Line::para(l)).collect(),
            tables: Vec::new(),
            field_tables: Vec::new(),
        }
    }

    fn got(lines: &[&str]) -> Vec<(Status, String)> {
        extract(&flat(lines)).into_iter().map(|e| (e.status, e.text)).collect()
    }

    #[test]
    fn label_prefilter() {
        // must pass: every colour word in any case before each label mark, after long text,
        // with white space (also no-break) between
        for f in lexicon::forms(lc::STATUS_COLOUR) {
            let upper = f.to_uppercase();
            for mark in [":", " =", " – ", " — ", " - ", "\u{a0}:", "  \t:"] {
                for t in [
                    format!("{f}{mark} i rute"),
                    format!("• {upper}{mark} x"),
                    format!("Ein lang tekst om status og framdrift, {f}{mark} i rute"),
                    format!("x–y: z, {upper}{mark}"),
                ] {
                    assert!(LABEL.is_match(&t), "{t}");
                    assert!(may_have_label(&t), "{t}");
                }
            }
        }
        // must not: no mark after a colour word, or no colour word (the pattern agrees)
        for t in [
            "Grønn status i alle ledd",
            "Status: fullført",
            "Tiltak – i gang",
            "Raudt lys: stopp",
            "grønnsaker: to",
            "rød og grønn farge",
        ] {
            assert!(!LABEL.is_match(t), "{t}");
            if !["Raudt lys: stopp", "grønnsaker: to"].contains(&t) {
                assert!(!may_have_label(t), "{t}");
            }
        }
    }

    #[test]
    fn legends_in_lines_that_must_match() {
        use Status::*;
        type Case<'a> = (&'a [&'a str], &'a [(Status, &'a str)]);
        let cases: &[Case] = &[
            (
                &[
                    "Fargekodar:",
                    "Grøn: tiltaket er fullført eller går etter planen",
                    "Gul: tiltaket er sett i gang, men er forseinka",
                    "Raud: tiltaket er ikkje starta",
                ],
                &[
                    (Green, "tiltaket er fullført eller går etter planen"),
                    (Yellow, "tiltaket er sett i gang, men er forseinka"),
                    (Red, "tiltaket er ikkje starta"),
                ],
            ),
            (
                &[
                    "• Grønn – tiltaket er gjennomført",
                    "• Gul – tiltaket er påbegynt",
                    "• Rød – tiltaket er ikke påbegynt",
                ],
                &[
                    (Green, "tiltaket er gjennomført"),
                    (Yellow, "tiltaket er påbegynt"),
                    (Red, "tiltaket er ikke påbegynt"),
                ],
            ),
            (
                &["Statusfargene betyr: grønn = i rute, gul = noe forsinket og rød = stanset."],
                &[(Green, "i rute"), (Yellow, "noe forsinket"), (Red, "stanset")],
            ),
            (&["Grønn = levert", "Rød = ikke levert"], &[(Green, "levert"), (Red, "ikke levert")]),
        ];
        for (lines, want) in cases {
            let want: Vec<(Status, String)> = want.iter().map(|(s, t)| (*s, t.to_string())).collect();
            assert_eq!(got(lines), want, "{lines:?}");
        }
    }

    #[test]
    fn lines_that_must_not_match() {
        let cases: &[&[&str]] = &[
            // a status, not a label
            &["Status: Grønn", "Status: Gul"],
            // one colour only
            &["Gul – tiltaket er forsinket"],
            // counts, not meanings
            &["Grønn: 4", "Gul: 5", "Rød: 3"],
            &["Grønn: 4 tiltak, gul: 5 tiltak"],
            // a colour repeated: the statuses of measures
            &["Grønn: Tiltak A", "Grønn: Tiltak B", "Rød: Tiltak C"],
            // colour words in running text
            &["Tiltaket gikk fra gul til grønn i løpet av høsten."],
            &["Rød-grønn samarbeid i kommunestyret"],
        ];
        for lines in cases {
            assert!(got(lines).is_empty(), "{lines:?}: {:?}", got(lines));
        }
    }

    #[test]
    fn legend_tables() {
        use crate::model::{Block, Cell, Pos, Row, Table, Text};
        let cell = |s: &str| Cell {
            blocks: vec![Block::Paragraph { text: Text::plain(s), pos: Pos::default() }],
            ..Cell::default()
        };
        let table = |rows: &[&[&str]]| Table {
            rows: rows
                .iter()
                .map(|r| Row { cells: r.iter().map(|c| cell(c)).collect(), ..Row::default() })
                .collect(),
            pos: Pos::default(),
        };
        let with = |t: Table| Flat {
            lines: vec![Line {
                kind: LineKind::Table,
                text: String::new(),
                bold: false,
                table: Some(0),
                at: None,
            }],
            tables: vec![t],
            field_tables: Vec::new(),
        };
        let legend = extract(&with(table(&[
            &["Farge", "Betydning"],
            &["Grønn", "Tiltaket er gjennomført eller i rute"],
            &["Gul", "Tiltaket er forsinket"],
            &["Rød", "Tiltaket er stoppet"],
        ])));
        assert_eq!(legend.len(), 3, "{legend:?}");
        assert_eq!(
            (legend[0].status, legend[0].text.as_str()),
            (Status::Green, "Tiltaket er gjennomført eller i rute")
        );
        // must not: a plan's status column, a count per colour
        for t in [
            table(&[&["Tiltak", "Status"], &["Kartlegge behov", "Grønn"], &["Etablere team", "Gul"]]),
            table(&[&["Status", "Antall"], &["Grønn", "4"], &["Gul", "5"], &["Rød", "3"]]),
            table(&[&["Grønn", "Tiltak A"], &["Grønn", "Tiltak B"], &["Gul", "Tiltak C"]]),
        ] {
            assert!(extract(&with(t)).is_empty());
        }
    }
}
