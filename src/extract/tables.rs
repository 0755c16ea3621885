//! Typed table cells: money (`kr 250 000`, `250 000 kr`, `1,2 mill. kr`, `2,5MNOK` → whole
//! kroner), dates, and traffic-light status from cell shading (tolerant colour mapping), words
//! (`grønn`/`gul`/`rød`, `måloppnåelse`/`delvis`/`ikke gjennomført`) or symbols (🟢🟡🔴).

use super::dates;
use crate::lexicon::{self, c as lc};
use crate::model::{Cell, Table};
use crate::record::{RecordTable, Status, TableCell};
use regex::Regex;
use std::sync::LazyLock;

static MILL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)([0-9]+(?:[.,][0-9]+)?)\s*(mill(?:\.|ioner|ion)?|mnok|mrd\.?|milliarder)\s*(?:kr\.?|kroner|nok)?",
    )
    .expect("valid regex")
});
static KR_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bkr\.?|\bnok)\s*([0-9]{1,3}(?:[  .][0-9]{3})+|[0-9]+)(?:,([0-9]{1,2}|-))?")
        .expect("valid regex")
});
static KR_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)([0-9]{1,3}(?:[  .][0-9]{3})+|[0-9]+)(?:,([0-9]{1,2}|-))?\s*(?:kr\b|kroner\b|nok\b|,-)")
        .expect("valid regex")
});

/// An amount of money in whole kroner, if `text` states one.
pub fn money(text: &str) -> Option<i64> {
    // prefilter: each of the three patterns needs an ASCII digit
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(c) = MILL.captures(text) {
        let num: f64 = c.get(1)?.as_str().replace(',', ".").parse().ok()?;
        let unit = c.get(2)?.as_str().to_lowercase();
        let factor = if unit.starts_with("mrd") || unit.starts_with("milliard") { 1e9 } else { 1e6 };
        return Some((num * factor).round() as i64);
    }
    let c = KR_BEFORE.captures(text).or_else(|| KR_AFTER.captures(text))?;
    let digits: String = c.get(1)?.as_str().chars().filter(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// Most amounts read from one text (a bound on what one sentence can add to a record).
const AMOUNTS_MAX: usize = 64;

/// Every amount of money stated in running text (`kr. 50 000,-`, `kr 12 500 000,-`,
/// `40 000 kr.`, `1,2 mill. kr`), in order, each with the text as written.
pub fn amounts(text: &str) -> Vec<(i64, String)> {
    let lower = text.to_ascii_lowercase();
    if !(lower.contains("kr") || lower.contains("nok") || lower.contains("mill") || lower.contains(",-"))
        || !text.bytes().any(|b| b.is_ascii_digit())
    {
        return Vec::new();
    }
    let mut found: Vec<(usize, usize, i64)> = Vec::new();
    let mut add = |s: usize, e: usize, v: Option<i64>| {
        if let Some(v) = v.filter(|v| *v > 0) {
            if !found.iter().any(|(a, b, _)| s < *b && *a < e) {
                found.push((s, e, v));
            }
        }
    };
    for m in MILL.find_iter(text).take(AMOUNTS_MAX) {
        add(m.start(), m.end(), money(m.as_str()));
    }
    for re in [&*KR_BEFORE, &*KR_AFTER] {
        for c in re.captures_iter(text).take(AMOUNTS_MAX) {
            let Some(m) = c.get(0) else { continue };
            let digits: String = c
                .get(1)
                .map(|d| d.as_str().chars().filter(char::is_ascii_digit).collect())
                .unwrap_or_default();
            add(m.start(), m.end(), digits.parse().ok());
        }
    }
    found.sort_by_key(|(s, _, _)| *s);
    found
        .into_iter()
        .take(AMOUNTS_MAX)
        .filter_map(|(s, e, v)| Some((v, text.get(s..e)?.trim().to_string())))
        .collect()
}

/// Map a fill colour (`#RRGGBB`) to a traffic light, tolerantly: by hue, for saturated colours.
pub fn status_from_fill(fill: &str) -> Option<Status> {
    let hex = fill.trim_start_matches('#');
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok().map(f64::from);
    let (r, g, b) = (p(0)?, p(2)?, p(4)?);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    if max < 90.0 || (max - min) / max < 0.4 {
        return None; // dark, grey or pastel-white: no status
    }
    let d = max - min;
    let hue = if max == r {
        60.0 * (((g - b) / d).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    match hue {
        h if !(20.0..340.0).contains(&h) => Some(Status::Red),
        h if (30.0..=68.0).contains(&h) => Some(Status::Yellow),
        h if (68.0..=170.0).contains(&h) => Some(Status::Green),
        _ => None,
    }
}

/// The first characters of the status words and phrases [`status_from_text`] asks for.
struct StatusFirsts {
    words: Vec<char>,
    phrases: Vec<char>,
}

static STATUS_FIRSTS: LazyLock<StatusFirsts> = LazyLock::new(|| {
    let firsts = |concepts: &[&str]| -> Vec<char> {
        let mut v: Vec<char> =
            concepts.iter().flat_map(|c| lexicon::forms(c)).filter_map(|f| f.chars().next()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    StatusFirsts {
        words: firsts(&[lc::STATUS_GREEN, lc::STATUS_YELLOW, lc::STATUS_RED]),
        phrases: firsts(&[lc::STATUS_RED_PHRASE, lc::STATUS_GREEN_PHRASE]),
    }
});

/// A traffic light from words or symbols in `text`.
pub fn status_from_text(text: &str) -> Option<Status> {
    let t = text.trim();
    // an empty text holds no symbol, and its first word (empty) is no form (test
    // `status_words_are_not_empty`)
    if t.is_empty() {
        return None;
    }
    // prefilter: without a symbol, the lower-cased text must start with a phrase's first
    // character or its first word with a status word's (lower-casing the text is lower-casing
    // each character, but for the sigma: a text with one is not prefiltered)
    let symbol = t.contains(['🟢', '✅', '🟡', '🟠', '🔴', '❌']);
    if !symbol && !t.contains('Σ') {
        let firsts = &*STATUS_FIRSTS;
        let first_char = t.chars().next().and_then(|c| c.to_lowercase().next());
        let first_word_char = t.chars().flat_map(char::to_lowercase).find(|c| c.is_alphanumeric());
        if !first_char.is_some_and(|c| firsts.phrases.contains(&c))
            && !first_word_char.is_some_and(|c| firsts.words.contains(&c))
        {
            return None;
        }
    }
    status_of_lower(&t.to_lowercase())
}

/// The traffic light of a trimmed, lower-cased text (what [`status_from_text`] asks once its
/// prefilter lets the text through): a symbol, a phrase at the start, or a status first word.
fn status_of_lower(t: &str) -> Option<Status> {
    if t.contains('🟢') || t.contains('✅') {
        return Some(Status::Green);
    }
    if t.contains('🟡') || t.contains('🟠') {
        return Some(Status::Yellow);
    }
    if t.contains('🔴') || t.contains('❌') {
        return Some(Status::Red);
    }
    let first = t.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("");
    let starts = |concept: &str| lexicon::forms(concept).iter().any(|f| t.starts_with(f.as_str()));
    if starts(lc::STATUS_RED_PHRASE) {
        return Some(Status::Red);
    }
    if lexicon::is(lc::STATUS_GREEN, first) || starts(lc::STATUS_GREEN_PHRASE) {
        return Some(Status::Green);
    }
    if lexicon::is(lc::STATUS_YELLOW, first) {
        return Some(Status::Yellow);
    }
    if lexicon::is(lc::STATUS_RED, first) {
        return Some(Status::Red);
    }
    None
}

/// A status text that only names its colour (`Grønn.`, `raud`): it says nothing the status does
/// not.
pub fn only_names_status(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').trim();
    t.is_empty() || lexicon::is(lc::STATUS_COLOUR, t)
}

/// One typed cell.
pub fn typed(cell: Option<&Cell>) -> TableCell {
    let text = cell.map(|c| squash(&c.text())).unwrap_or_default();
    let fill = cell.and_then(|c| c.fill.clone());
    let status = fill.as_deref().and_then(status_from_fill).or_else(|| status_from_text(&text));
    let date = (text.chars().count() <= 40).then(|| dates::first_date(&text, None)).flatten();
    TableCell { nok: money(&text), date, status, fill, text }
}

/// Fold white space (cell text keeps its lines joined with ` / `).
pub fn squash(s: &str) -> String {
    // each line's words joined by a space, the lines that hold a word joined by ` / `: one
    // string, written as the words are read
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        for (i, w) in line.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            } else if !out.is_empty() {
                out.push_str(" / ");
            }
            out.push_str(w);
        }
    }
    out
}

/// A whole table with typed cells; the first row is the header. A cell merged down over several
/// rows is given where it starts; the rows it covers below get an empty cell (as a text table
/// writes them).
pub fn record_table(t: &Table, caption: Option<String>) -> RecordTable {
    let grid = t.grid();
    let mut rows = grid.iter().enumerate().map(|(ri, r)| {
        r.iter()
            .enumerate()
            .map(|(ci, c)| {
                let above = ri
                    .checked_sub(1)
                    .and_then(|a| grid.get(a))
                    .and_then(|row| row.get(ci))
                    .copied()
                    .flatten();
                match (c, above) {
                    (Some(c), Some(a)) if std::ptr::eq(*c, a) => typed(None),
                    _ => typed(*c),
                }
            })
            .collect::<Vec<_>>()
    });
    let header = rows.next().unwrap_or_default();
    RecordTable { caption, header, rows: rows.collect(), ..RecordTable::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_running_text() {
        let cases: &[(&str, &[i64])] = &[
            ("Kommunen teiknar aksjar for kr. 50 000,- i selskapet.", &[50000]),
            ("auke beløpet til kr. 100.000,-.", &[100000]),
            ("Det blir løyvd 40 000 kr. til tiltaket og kr 12 500 000,- til bygget.", &[40000, 12500000]),
            ("ei ramme på 1,2 mill. kr", &[1200000]),
            // must not: years, case numbers, percentages, dates, paragraph numbers
            ("i perioden 2022-2025 etter sak 12/21", &[]),
            ("ein auke på 25 % frå 01.01.2026", &[]),
            ("jf. kommunelova § 11-8", &[]),
        ];
        for (t, want) in cases {
            let got: Vec<i64> = amounts(t).into_iter().map(|(v, _)| v).collect();
            assert_eq!(got, want.to_vec(), "{t}");
        }
    }

    #[test]
    fn money_forms() {
        let cases: &[(&str, Option<i64>)] = &[
            ("kr 250 000", Some(250_000)),
            ("250 000 kr", Some(250_000)),
            ("kr 1.250.000,-", Some(1_250_000)),
            ("1,2 mill. kr", Some(1_200_000)),
            ("2,5MNOK", Some(2_500_000)),
            ("16,2 mill.", Some(16_200_000)),
            ("NOK 75000", Some(75_000)),
            ("30 000,-", Some(30_000)),
            ("Tiltak 3", None),
            ("2024", None),
        ];
        for (text, want) in cases {
            assert_eq!(money(text), *want, "{text}");
        }
    }

    #[test]
    fn fills_map_to_status() {
        let cases: &[(&str, Option<Status>)] = &[
            ("#00B050", Some(Status::Green)),
            ("#92D050", Some(Status::Green)),
            ("#FFFF00", Some(Status::Yellow)),
            ("#FFC000", Some(Status::Yellow)),
            ("#FF0000", Some(Status::Red)),
            ("#C00000", Some(Status::Red)),
            ("#FFFFFF", None),
            ("#D9D9D9", None),
            ("#1F3864", None),
            ("bad", None),
        ];
        for (fill, want) in cases {
            assert_eq!(status_from_fill(fill), *want, "{fill}");
        }
    }

    #[test]
    fn squash_forms() {
        // as defined: each line's words joined by one space, lines without words dropped, the
        // rest joined by ` / `
        let defined = |s: &str| {
            s.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" / ")
        };
        for s in [
            "",
            "  ",
            "a",
            " a  b ",
            "a\nb",
            "a\n\n  \nb c\r\n",
            "\n\na\u{a0}b\u{2003}c\n",
            "Tiltak / del\nto",
            "\r\n",
        ] {
            assert_eq!(squash(s), defined(s), "{s:?}");
        }
    }

    #[test]
    fn status_words_are_not_empty() {
        for concept in [
            lc::STATUS_RED_PHRASE,
            lc::STATUS_GREEN_PHRASE,
            lc::STATUS_GREEN,
            lc::STATUS_YELLOW,
            lc::STATUS_RED,
        ] {
            assert!(lexicon::forms(concept).iter().all(|f| !f.is_empty()), "{concept}");
            assert!(!lexicon::is(concept, ""), "{concept}");
        }
        assert_eq!(status_from_text(""), None);
        assert_eq!(status_from_text(" \u{a0} "), None);
    }

    #[test]
    fn money_needs_a_digit() {
        // must not: a unit without digits
        for t in ["kr", "mill. kr", "NOK", ",-", "Kroner"] {
            assert_eq!(money(t), None, "{t}");
        }
    }

    #[test]
    fn status_text_prefilter_as_defined() {
        // the answer without the prefilter
        let defined = |text: &str| -> Option<Status> { status_of_lower(&text.trim().to_lowercase()) };
        let mut texts: Vec<String> = [
            "",
            " ",
            "Kari Nordmann",
            "(Grønn)",
            "- gul",
            "✅ ferdig",
            "x 🔴",
            "İkke",
            "ΣΑ",
            "12 %",
            "«Delvis»",
            "Måloppnåelse god",
            "IKKJE STARTA",
            "ikke gjennomført/prioritert",
            "Pågår",
            "REd",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for c in [
            lc::STATUS_GREEN,
            lc::STATUS_YELLOW,
            lc::STATUS_RED,
            lc::STATUS_RED_PHRASE,
            lc::STATUS_GREEN_PHRASE,
        ] {
            for f in lexicon::forms(c) {
                texts.push(f.to_uppercase());
                texts.push(format!("  {f}, i rute"));
                texts.push(format!("x{f}"));
            }
        }
        for t in &texts {
            assert_eq!(status_from_text(t), defined(t), "{t:?}");
        }
    }

    #[test]
    fn words_map_to_status() {
        assert_eq!(status_from_text("Grønn"), Some(Status::Green));
        assert_eq!(status_from_text("gul – delvis"), Some(Status::Yellow));
        assert_eq!(status_from_text("Raud"), Some(Status::Red));
        assert_eq!(status_from_text("🔴 forsinka"), Some(Status::Red));
        assert_eq!(status_from_text("Ikke gjennomført/prioritert"), Some(Status::Red));
        assert_eq!(status_from_text("Delvis måloppnåelse"), Some(Status::Yellow));
        assert_eq!(status_from_text("Kari Nordmann"), None);
    }
}
