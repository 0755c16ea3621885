//! Case numbers as committees write them: `18/24`, `Sak: 18/24`, `sak 3/24`, `Sak 09-2022`,
//! `sak 003-2022`, `sak 07.24`, `PS 22/2025`. Two-digit years are read as 20xx.
//!
//! In running text a number counts only after a case word (`sak`, `saka`, `saken`, `PS`,
//! `saksnr`); a bare `18/24` counts only where the layout says it is a case number (a heading,
//! the start of a case header, an agenda cell) — see [`parse_bare`]. Archive references
//! (`Vår ref: 2022/1234`, `Arkivsaksnr`, `Arkivreferanse: 2025/311-4`), periods (`2023-2026`),
//! law references (`§ 6-2`, `kapittel 6-11`) and dates are never case numbers.

use super::prefilter::has_digit;
use crate::record::CaseNum;
use regex::Regex;
use std::sync::LazyLock;

/// A case word, alone or as the end of a compound (`styresak`, `utvalssak`, `FSU-sak`, `HT sak`),
/// then the number. The definition: [`PREFIXED`] runs it on the text's shadow
/// ([`casenum_shadow`]).
const PREFIXED_PATTERN: &str = r"(?i)\b(?:(\p{L}+-?)?sak(?:en|a|ene|er)?|ps|saksnr\.?|sak\s+nr\.?)\s*:?\s*([0-9]{1,4})(\s*[/.\-]\s*)([0-9]{4}|[0-9]{1,3})\b";

/// [`PREFIXED_PATTERN`] on the shadow: ASCII only (`-u`, so the regex engine's DFA answers its
/// `\b`), a letter of the text being an ASCII letter of the shadow.
static PREFIXED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&PREFIXED_PATTERN.replacen("(?i)", "(?i-u)", 1).replace(r"\p{L}", "[a-z]"))
        .expect("valid regex")
});

/// [`PREFIXED`] anchored at the text's start: the first match of [`PREFIXED`] when that one
/// starts at 0 (the same paths in the same order), and no match otherwise.
static PREFIXED_AT_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(?:{})", PREFIXED.as_str())).expect("valid regex"));

/// [`PREFIXED_PATTERN`] and its anchored form as written, for a text without a shadow (rare:
/// built on first use).
static PREFIXED_TEXT: LazyLock<Regex> = LazyLock::new(|| Regex::new(PREFIXED_PATTERN).expect("valid regex"));
static PREFIXED_TEXT_AT_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(?:{PREFIXED_PATTERN})")).expect("valid regex"));

/// What the pattern's `(?i)\p{L}` matches (letters, and the few other characters that fold to
/// one), asked of characters outside ASCII.
static LETTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^\p{L}$").expect("valid regex"));

/// [`LETTER`]'s answer for each character of two UTF-8 bytes (U+0080–U+07FF: Latin-1, the
/// Latin extensions, Greek, Cyrillic …), by `c - 0x80`, asked of it once.
static LETTERS_2: LazyLock<Vec<bool>> = LazyLock::new(|| {
    let mut buf = [0u8; 4];
    (0x80..0x800u32)
        .map(|cp| char::from_u32(cp).is_some_and(|c| LETTER.is_match(c.encode_utf8(&mut buf))))
        .collect()
});

/// Characters outside ASCII that the pattern's `(?i)` folds to an ASCII letter (the Kelvin sign ~
/// k, the long s ~ s): a text holding one has no shadow (test `the_shadow_finds_what_the_pattern_finds`).
const SHADOW_FOLDS: &[char] = &['\u{212A}', '\u{017F}'];

/// The text's ASCII shadow for [`PREFIXED`], byte for byte as long: each character outside
/// ASCII becomes as many `a` as its bytes when the pattern's `(?i)\p{L}` takes it, as many `_`
/// when it is another word character (`\w`, as `_` is), as many `#` otherwise. Letters, word
/// boundaries, digits, white space and byte offsets are the text's, so [`PREFIXED`] finds on the
/// shadow, with the engine's DFA, what [`PREFIXED_PATTERN`] finds on the text with Unicode `\b`
/// (the backtracker). No shadow (`None`) for a text with white space outside ASCII (a single
/// `\s` would meet two bytes) or a [`SHADOW_FOLDS`] character.
fn casenum_shadow(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    use super::prefilter::StandIn;
    super::prefilter::ascii_shadow(text, |ch| {
        if ch.is_whitespace() || SHADOW_FOLDS.contains(&ch) {
            return StandIn::Refuse;
        }
        let mut buf = [0u8; 4];
        let letter = match LETTERS_2.get((ch as usize).wrapping_sub(0x80)) {
            Some(&known) => known,
            None => LETTER.is_match(ch.encode_utf8(&mut buf)),
        };
        StandIn::EachByte(if letter {
            'a'
        } else if regex_syntax::is_word_character(ch) {
            '_'
        } else {
            '#'
        })
    })
}

/// A match of the case-word pattern: the byte ranges of the whole match, the compound's first
/// part, the sequence number, the separator and the year.
struct Prefixed {
    all: std::ops::Range<usize>,
    compound: Option<std::ops::Range<usize>>,
    seq: std::ops::Range<usize>,
    sep: std::ops::Range<usize>,
    year: std::ops::Range<usize>,
}

impl Prefixed {
    fn of(c: &regex::Captures<'_>) -> Option<Prefixed> {
        Some(Prefixed {
            all: c.get(0)?.range(),
            compound: c.get(1).map(|m| m.range()),
            seq: c.get(2)?.range(),
            sep: c.get(3)?.range(),
            year: c.get(4)?.range(),
        })
    }
}

/// The prefilter of [`PREFIXED`] (see [`super::prefilter`]): `sak` or `ps`, at most three
/// letters (`en`, `ene`, `snr`), dots, colons and white space, an optional `nr`, then a digit —
/// what every one of its forms has (`saken 3`, `Saksnr.: 12`, `sak nr. 4`, `PS 22`), without
/// word boundaries or captures, so the regex engine answers it with its DFA.
static PREFIXED_GATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:sak|ps)[a-z]{0,3}[.:\s]*(?:nr[.:\s]*)?[0-9]").expect("valid regex"));

/// A body's code in capitals straight before the number (`KS 142/21`, `FSK-012/26`, `HT 7/2026`):
/// written with a slash only, the code two to [`BODY_CODE_MAX`] capitals.
static BODY_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([A-ZÆØÅ]{2,5})\s*-?\s*([0-9]{1,3})(\s*/\s*)([0-9]{4}|[0-9]{2})\b").expect("valid regex")
});

/// Most capitals of a body's code before a case number ([`BODY_CODE`]).
pub const BODY_CODE_MAX: usize = 5;

/// A bare case number opening a text (`12/25 …`). The word boundary after the year is tested
/// after the match ([`parse_bare`]), not by a Unicode `\b` in the pattern, which would keep the
/// engine off its DFA: the year's alternatives are runs of digits, so the match is the one the
/// pattern with `\b` would find whenever that one exists.
static BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([0-9]{1,3})\s*/\s*([0-9]{4}|[0-9]{2})").expect("valid regex"));

/// Build a case number from its parts, refusing what cannot be one (years out of range,
/// sequence numbers that look like years).
pub fn make(seq: &str, year: &str, as_written: &str) -> Option<CaseNum> {
    // year first (`PS 2025/31`, `Saksnr.: 2026/114`, as some case systems number): a four-digit
    // year before the slash and a sequence number of at most three digits after it
    let year_first = seq.len() == 4
        && year.len() <= 3
        && as_written.contains('/')
        && seq.parse::<u32>().is_ok_and(|y| (1990..=2099).contains(&y));
    // `PS 21/045`: a two-digit year first, then a zero-padded three-digit sequence number (a
    // year is never written with three digits)
    let short_year_first = seq.len() == 2 && year.len() == 3 && as_written.contains('/');
    let (seq, year) = if year_first || short_year_first { (year, seq) } else { (seq, year) };
    let seq: u32 = seq.parse().ok()?;
    let y: u32 = year.parse().ok()?;
    let year = match year.len() {
        2 => 2000 + y,
        4 if (1990..=2099).contains(&y) => y,
        _ => return None,
    };
    if seq == 0 || seq > 999 {
        return None;
    }
    Some(CaseNum { seq, year, as_written: as_written.trim().to_string() })
}

/// Whether the text just before a match marks an archive reference.
fn archive_context(before: &str) -> bool {
    // the last 30 characters; in ASCII (most texts) lower-casing is ASCII's and needs no copy
    let start = before.char_indices().rev().nth(29).map_or(0, |(i, _)| i);
    let last = &before[start..];
    if last.is_ascii() {
        return ARCHIVE_WORDS
            .iter()
            .any(|w| last.as_bytes().windows(w.len()).any(|win| win.eq_ignore_ascii_case(w.as_bytes())));
    }
    let tail: String = before
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    ARCHIVE_WORDS.iter().any(|w| tail.contains(w))
}

/// Words just before a number that make it an archive reference (lower case).
const ARCHIVE_WORDS: &[&str] = &["ref", "arkiv", "journal", "j.nr", "jnr", "dok"];

/// Every case number written with a case word in `text`, with its byte range.
pub fn find_prefixed(text: &str) -> Vec<(CaseNum, usize, usize)> {
    let mut out = Vec::new();
    for c in prefixed_matches(text) {
        if let Some(found) = accept_prefixed(text, &c) {
            out.push(found);
        }
    }
    out
}

/// A match of [`PREFIXED`] as a case number with its byte range, unless it is something else.
fn accept_prefixed(text: &str, c: &Prefixed) -> Option<(CaseNum, usize, usize)> {
    let part = |r: &std::ops::Range<usize>| text.get(r.clone());
    // `arkivsak 2026/123`, `journalsak`: an archive reference, not a case
    if c.compound.as_ref().and_then(part).is_some_and(archive_word) {
        return None;
    }
    let n = accept(text, c.all.clone(), part(&c.seq)?, part(&c.sep)?, part(&c.year)?)?;
    Some((n, c.all.start, c.all.end))
}

/// The case number written with a case word at the very start of `text` (`Sak 18/24 Title`,
/// `Styresak 3/25: …`), with its byte range: the first of [`find_prefixed`] when it starts at 0.
/// Most texts are ruled out without the pattern: a match at the start holds a prefilter match
/// after nothing but letters and a hyphen (as [`prefixed_matches`] walks back), so a text with
/// anything else before its first prefilter match has none.
pub fn find_prefixed_at_start(text: &str) -> Option<(CaseNum, usize, usize)> {
    if !may_open_with_case_word(text) {
        return None;
    }
    // the first match of the pattern decides: a later one starts after 0
    let c = match casenum_shadow(text) {
        Some(shadow) => Prefixed::of(&PREFIXED_AT_START.captures(&shadow)?),
        None => Prefixed::of(&PREFIXED_TEXT_AT_START.captures(text)?),
    };
    accept_prefixed(text, &c?)
}

/// The prefilter of [`find_prefixed_at_start`], asked of a text's first word only: a match of
/// [`PREFIXED`] at the start is a run of letters (the case word, a compound with it, `saksnr`;
/// a compound's hyphen), then white space, dots and colons, at most an `nr` and more of them,
/// then a digit. A text that does not open so has no case number at its start; most lines are
/// ruled out at their first word, before the prefilter pattern scans them whole.
fn may_open_with_case_word(text: &str) -> bool {
    let letters = text.find(|c: char| !(c.is_alphabetic() || c == '-')).unwrap_or(text.len());
    if letters == 0 {
        return false;
    }
    let gap = |c: char| c.is_whitespace() || c == '.' || c == ':';
    let rest = text[letters..].trim_start_matches(gap);
    let rest = match rest.get(..2) {
        Some(nr) if nr.eq_ignore_ascii_case("nr") => rest[2..].trim_start_matches(gap),
        _ => rest,
    };
    rest.starts_with(|c: char| c.is_ascii_digit())
}

/// The matches of [`PREFIXED`] in `text`, as `captures_iter` gives them, found from the
/// prefilter's candidates: the pattern's Unicode word boundaries keep it on the backtracker,
/// so it is started only at the word run holding a candidate (`_at` keeps the text before in
/// view for `\b`), never over the text between. Every match holds a prefilter match (its case
/// word to the digit) that starts inside it after letters and at most a hyphen, so walking back
/// over letters and hyphens from the leftmost candidate reaches at or before the leftmost match.
fn prefixed_matches(text: &str) -> Vec<Prefixed> {
    let mut out = Vec::new();
    // every match holds its number's digits: a text without a digit (most lines) has none
    if !has_digit(text) {
        return out;
    }
    let mut at = 0;
    // the shadow is made when the prefilter first finds a candidate
    let mut shadow: Option<Option<std::borrow::Cow<'_, str>>> = None;
    while let Some(g) = PREFIXED_GATE.find_at(text, at) {
        let run = text[at..g.start()]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphabetic() || *c == '-')
            .last()
            .map_or(g.start(), |(i, _)| at + i);
        let c = match shadow.get_or_insert_with(|| casenum_shadow(text)) {
            Some(sh) => PREFIXED.captures_at(sh, run).as_ref().and_then(Prefixed::of),
            None => PREFIXED_TEXT.captures_at(text, run).as_ref().and_then(Prefixed::of),
        };
        let Some(c) = c else { break };
        let end = c.all.end;
        // a match is never empty; step on by a character if it were
        at = if end > at { end } else { at + text[at..].chars().next().map_or(1, char::len_utf8) };
        out.push(c);
        if at >= text.len() {
            break;
        }
    }
    out
}

/// Every case number in `text` that refers to a case: [`find_prefixed`], and numbers after a
/// body's code (`KS 142/21`) — a reference in running text, never a case header.
pub fn find_references(text: &str) -> Vec<(CaseNum, usize, usize)> {
    // both kinds are written with digits
    if !has_digit(text) {
        return Vec::new();
    }
    let mut out = find_prefixed(text);
    if !text.contains('/') {
        return out;
    }
    for c in BODY_CODE.captures_iter(text) {
        let (Some(all), Some(seq), Some(sep), Some(year)) = (c.get(0), c.get(2), c.get(3), c.get(4)) else {
            continue;
        };
        // `PS 12/26` and `SAK 12/26` are the case word's; a code inside a found number is not new;
        // a code and number opening the line label a part (`FSK- 137/21 Vedtak:`), they are no
        // reference in running text
        if out.iter().any(|(_, s, e)| all.start() < *e && *s < all.end())
            || text[..all.start()].trim().is_empty()
        {
            continue;
        }
        if let Some(n) = accept(text, all.range(), seq.as_str(), sep.as_str(), year.as_str()) {
            out.push((n, all.start(), all.end()));
        }
    }
    out.sort_by_key(|(_, s, _)| *s);
    out
}

/// Words that make a compound with `sak` an archive reference (its start, lower-cased).
fn archive_word(w: &str) -> bool {
    let starts = |w: &str| ["arkiv", "journal"].iter().any(|a| w.starts_with(a));
    if w.is_ascii() {
        // lower-casing ASCII changes no length: compare the start in place
        return ["arkiv", "journal"]
            .iter()
            .any(|a| w.as_bytes().get(..a.len()).is_some_and(|s| s.eq_ignore_ascii_case(a.as_bytes())));
    }
    starts(&w.to_lowercase())
}

/// A matched `seq sep year` as a case number, unless the context says it is something else.
fn accept(text: &str, all: std::ops::Range<usize>, seq: &str, sep: &str, year: &str) -> Option<CaseNum> {
    let after = &text[all.end..];
    // `2025/311-4` style continuations and dates (`sak 12.03.2024`) are something else
    if after.starts_with(['/', '-', '.']) && after[1..].starts_with(|ch: char| ch.is_ascii_digit()) {
        return None;
    }
    let mark = sep.trim();
    if mark != "/" && year.len() == 2 && seq.len() > 3 {
        return None;
    }
    // `sak 1 - 22 deltakarar`, `sak 1. 20 minutt`: a year-less case number followed by a dash
    // or the end of a sentence — never a case of the year that happens to follow
    if mark != "/" && sep.len() > mark.len() {
        return None;
    }
    if archive_context(&text[..all.start]) {
        return None;
    }
    make(seq, year, text.get(all)?)
}

/// A case number standing alone where the layout makes it one: `18/24` or `18/24 Title` at the
/// start of `text` (also after a case word). Returns the number and the rest of the text.
pub fn parse_bare(text: &str) -> Option<(CaseNum, &str)> {
    let t = text.trim_start();
    // a bare number opens with a digit, a case word with a letter: at most one of the two
    if !t.starts_with(|c: char| c.is_ascii_digit()) {
        let (n, _, end) = find_prefixed_at_start(t)?;
        return Some((n, &t[end..]));
    }
    parse_bare_digits(t)
}

/// [`parse_bare`] of a text that opens with a digit: the bare number, or none.
pub fn parse_bare_digits(text: &str) -> Option<(CaseNum, &str)> {
    let t = text.trim_start();
    // prefilter of [`BARE`]: a digit first, a slash later
    let bare = t.starts_with(|c: char| c.is_ascii_digit()) && t.contains('/');
    // the year ends at a word boundary: a digit or letter straight after it makes no match
    let at_boundary = |c: &regex::Captures| {
        c.get(0).is_some_and(|m| !t[m.end()..].chars().next().is_some_and(regex_syntax::is_word_character))
    };
    if let Some(c) = bare.then(|| BARE.captures(t)).flatten().filter(at_boundary) {
        let all = c.get(0)?;
        let after = &t[all.end()..];
        if after.starts_with(['/', '-']) && after[1..].starts_with(|ch: char| ch.is_ascii_digit()) {
            return None;
        }
        let n = make(c.get(1)?.as_str(), c.get(2)?.as_str(), all.as_str())?;
        return Some((n, after));
    }
    None
}

static VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([0-9]{1,4})\s*[-./]\s*([0-9]{4}|[0-9]{1,3})\s*$").expect("valid regex")
});

/// A field value that is a case number (`Saksnr.: 09-2025`, `Saksnr.: sak 07.25`, `18/24`).
pub fn parse_value(value: &str) -> Option<CaseNum> {
    if let Some(c) = VALUE.captures(value) {
        return make(c.get(1)?.as_str(), c.get(2)?.as_str(), value);
    }
    parse_bare(value).map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_end_at_a_word_boundary() {
        for t in [
            "12/25 Budsjett",
            "12/2025: Budsjett",
            "12 / 25",
            "12/25",
            "12/25, sak",
            "12/25–Tittel",
            "12/25\u{a0}Tittel",
        ] {
            assert!(parse_bare(t).is_some(), "{t}");
        }
        for t in ["12/25å Tittel", "12/2025x", "12/202", "12/20255", "12/25_1", "12/2025/1"] {
            assert!(parse_bare(t).is_none(), "{t}");
        }
    }

    fn key(s: &str) -> Vec<String> {
        find_references(s).into_iter().map(|(n, _, _)| format!("{} {}", n.key(), n.as_written)).collect()
    }

    #[test]
    fn prefixed_forms() {
        let cases: &[(&str, &[&str])] = &[
            ("Sak: 18/24 Godkjenning", &["18/2024 Sak: 18/24"]),
            ("jf. sak 3/24 og saka 4/24", &["3/2024 sak 3/24", "4/2024 saka 4/24"]),
            ("Sak 09-2022 Budsjett", &["9/2022 Sak 09-2022"]),
            ("sak 003-2022", &["3/2022 sak 003-2022"]),
            ("sak 07.24", &["7/2024 sak 07.24"]),
            ("PS 22/2025 Legevakt", &["22/2025 PS 22/2025"]),
            ("Vår ref: 2022/1234", &[]),
            // year first where the layout makes it the case number
            ("PS 2025/31 Budsjett", &["31/2025 PS 2025/31"]),
            ("sak 2026/114", &["114/2026 sak 2026/114"]),
            ("PS 26/012 Budsjett", &["12/2026 PS 26/012"]),
            // must not: an archive reference, a four-digit sequence, a one-digit year, a date
            ("Arkivsak 2025/1234", &[]),
            ("sak 2025/1234", &[]),
            ("sak 12/3", &[]),
            ("sak 2025-31", &[]),
            ("Arkivsaksnr: sak 22/1234", &[]),
            ("Arkivreferanse: 2025/311-4", &[]),
            ("periode 2023-2026 og 2022 -2024", &[]),
            ("lovens § 6-2 og kapittel 6-11", &[]),
            ("møte 19.06.2024", &[]),
            ("sak 12.03.2024", &[]),
            ("2/3 av de som svarte", &[]),
            // issue 17: a body's prefix, compounds with `sak`, two numbers joined by `og`
            ("jf. KS 142/21 og FSK-012/26", &["142/2021 KS 142/21", "12/2026 FSK-012/26"]),
            ("vedtak i styresak 14/26", &["14/2026 styresak 14/26"]),
            ("HT sak 118/25 om legevakt", &["118/2025 sak 118/25"]),
            ("FSU-sak 3/2026", &["3/2026 FSU-sak 3/2026"]),
            ("Sak 12-25 og Sak 31-25", &["12/2025 Sak 12-25", "31/2025 Sak 31-25"]),
            // must not: a year-less `sak 1` before a dash, a count or the next sentence; an
            // archive compound; a code before a fraction or a date; lower-case letters as a code
            ("sak 1 - 22 deltakarar", &[]),
            ("Dette gjeld sak 1. 20 minutt er sett av.", &[]),
            ("i sak 1 og sak 2", &[]),
            ("Arkivsak 2026/123", &[]),
            ("journalsak 12/26", &[]),
            ("KS 12.03.2026", &[]),
            ("Ks 14/26", &[]),
            ("Vår ref: KS 2026/123", &[]),
            // archive words in any case, in ASCII and beside letters outside it
            ("REF sak 3/24", &[]),
            ("Journalnr. for sak 3/24", &[]),
            ("Jnr sak 3/24 sendt", &[]),
            ("Dokumentet til sak 3/24", &[]),
            ("Møtedok. sak 3/24", &[]),
            // (`İ` lower-cases to `i` and a combining dot: no archive word)
            ("ARKİV sak 3/24", &["3/2024 sak 3/24"]),
            // more than 30 characters before the number: out of reach
            ("Dette gjeld ref, men mykje seinare i teksten kjem sak 3/24", &["3/2024 sak 3/24"]),
            ("JOURNALSAK 12/26", &[]),
            ("Journälsak 12/26", &["12/2026 Journälsak 12/26"]),
        ];
        for (text, want) in cases {
            assert_eq!(key(text), want.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{text}");
        }
        // a body's code makes a reference, never a case header (`KS 142/21 Vedtak:` is a label)
        assert!(find_prefixed("KS 142/21 Vedtak:").is_empty());
        // at the start: what find_prefixed finds there, and nothing when it starts later
        for t in [
            "Sak 18/24 Budsjett",
            "Styresak 3/25: Plan",
            "FSU-sak 4/2026 Tittel",
            "PS 22/2025 Tittel",
            "saksnr.: 12/25",
            // the first match at the start is refused: a later one is not at the start
            "Sak 3 - 24 deltakarar og sak 4/24",
            "Arkivsak 2026/123 og sak 4/24",
            "ARKIVSAK 12/26",
            "Sak 12.03.2024 og sak 4/24",
        ] {
            let first = find_prefixed(t).into_iter().next().map(|(n, s, e)| (n.key(), s, e));
            let want = first.filter(|(_, s, _)| *s == 0);
            assert_eq!(find_prefixed_at_start(t).map(|(n, s, e)| (n.key(), s, e)), want, "{t}");
        }
        for t in ["Viser til sak 18/24", "1. sak 3/25", "(sak 4/26)", "Arkivsak 2026/123 Tittel", "Budsjett"]
        {
            assert!(find_prefixed_at_start(t).is_none(), "{t}");
        }
        assert!(find_references("FSK- 137/26 Vedtak:").is_empty(), "a label, not running text");
    }

    /// [`PREFIXED`] on the shadow finds what [`PREFIXED_PATTERN`] finds on the text: the same
    /// matches from every start, each group at the same offsets; and the characters the
    /// pattern's `(?i)` folds to an ASCII letter have no shadow.
    #[test]
    fn the_shadow_finds_what_the_pattern_finds() {
        use crate::extract::prefilter::capture_spans as spans;
        let more = [
            "Møtesak 3/25",
            "ØKONOMISAK 3 - 25",
            "Arkivsak 2026/123",
            "jf. sak 3/24 og saka 4/24",
            "sak 12.03.2024",
        ];
        let forms = PREFIXED_FORMS.iter().chain(more.iter());
        let glue = [
            "", " ", "ø", "Æ", "å", "é", "e\u{301}", "٣", "_", "–", "«", "\u{a0}", "\u{212A}", "ſ", "ͅ", "1",
            "-", "/",
        ];
        let mut texts: Vec<String> = Vec::new();
        for &f in forms {
            for a in glue {
                for b in glue {
                    texts.push(format!("{a}{f}{b}"));
                }
                texts.push(f.replace(' ', a));
                texts.push(f.replacen('s', a, 1));
                texts.push(format!("Viser til{a}{f} og{a}{}", f.to_uppercase()));
            }
        }
        let mut shadowed = 0;
        for t in &texts {
            let Some(sh) = casenum_shadow(t) else { continue };
            shadowed += usize::from(!t.is_ascii());
            assert_eq!(sh.len(), t.len(), "{t:?}");
            for at in (0..=t.len()).filter(|i| t.is_char_boundary(*i)) {
                assert_eq!(spans(&PREFIXED, &sh, at), spans(&PREFIXED_TEXT, t, at), "{t:?} {at}");
            }
            assert_eq!(spans(&PREFIXED_AT_START, &sh, 0), spans(&PREFIXED_TEXT_AT_START, t, 0), "{t:?}");
        }
        assert!(shadowed > 500, "{shadowed}");
        assert!(texts.iter().filter(|t| PREFIXED_TEXT.is_match(t)).count() > 500);
        // the characters outside ASCII that `(?i)` folds to an ASCII letter
        let letter = Regex::new("(?i)^[a-z]$").unwrap();
        let mut buf = [0u8; 4];
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            if letter.is_match(c.encode_utf8(&mut buf)) {
                assert!(SHADOW_FOLDS.contains(&c), "{c:?}");
            }
        }
        for c in SHADOW_FOLDS {
            assert!(casenum_shadow(&format!("sak {c} 3/24")).is_none(), "{c:?}");
        }
    }

    /// Forms of a case number after its case word, as [`PREFIXED`] reads them (tests).
    const PREFIXED_FORMS: &[&str] = &[
        "Sak: 18/24",
        "saka 4/24",
        "SAKEN 3/24",
        "Saksnr.: 09-2025",
        "sak nr. 4/2025",
        "sak  :  7.24",
        "PS 22/2025",
        "FSU-sak 3/2026",
        "styresak 14/26",
        "Utvalssak 2/25",
    ];

    /// The prefilter passes every form [`PREFIXED`] reads and keeps other lines from it.
    #[test]
    fn prefixed_prefilter() {
        for &t in PREFIXED_FORMS {
            assert!(PREFIXED_GATE.is_match(t), "{t}");
            assert!(PREFIXED_TEXT.is_match(t), "{t}");
        }
        for t in ["Saken gjelder 3 kommuner", "sak (3/24)", "Ingen saker", "Møte 12.03.2025", "KS 142/21"] {
            assert!(!PREFIXED_GATE.is_match(t), "{t}");
        }
    }

    /// The first-word prefilter of [`find_prefixed_at_start`] passes every text with a case
    /// number at its start, and rules out texts that open otherwise.
    #[test]
    fn case_word_opening_prefilter() {
        for t in [
            "Sak 18/24 Budsjett",
            "Sak: 18/24",
            "SAK 09-2022",
            "saka 4/24",
            "Sakene 4/24",
            "Saksnr.: 09-2025",
            "Saksnr 09-2025",
            "sak nr. 4/2025",
            "Sak Nr: 4/2025",
            "sak\u{a0}:\u{a0}7.24",
            "PS 22/2025 Tittel",
            "ps22/2025",
            "FSU-sak 3/2026",
            "Styresak 3/25: Plan",
            "Utvalssak 2/25",
        ] {
            assert!(may_open_with_case_word(t), "{t}");
            assert!(find_prefixed_at_start(t).is_some(), "{t}");
        }
        // must not pass: no letters first, a word and then another word, a bracket (a first word
        // right before a number passes: `Møte 12.03.2025`, ruled out by the pattern after it)
        for t in [
            "Viser til sak 18/24",
            "1. sak 3/25",
            "(sak 4/26)",
            " Sak 3/25",
            "Sak om budsjett 3/25",
            "Budsjett",
            "18/24 Tittel",
            "Møte den 12.03.2025",
            "Saksnr (3/25)",
        ] {
            assert!(!may_open_with_case_word(t), "{t}");
            assert!(find_prefixed_at_start(t).is_none(), "{t}");
        }
        // every text with a case number at its start passes (the prefilter changes no answer)
        for t in
            ["Sak 18/24", "Tekst sak 3/24", "Sak 3/24 og sak 4/24", "Arkivsak 2026/123", "sak 12.03.2024"]
        {
            let at_start = find_prefixed(t).into_iter().next().is_some_and(|(_, s, _)| s == 0);
            assert!(!at_start || may_open_with_case_word(t), "{t}");
        }
    }

    /// A text without a digit holds no case number: the prefilter of [`find_prefixed`] and
    /// [`find_references`].
    #[test]
    fn numbers_need_digits() {
        for t in ["Sak om budsjett", "Saksnr.: ikke tildelt", "KS vedtak", ""] {
            assert!(find_prefixed(t).is_empty(), "{t}");
            assert!(find_references(t).is_empty(), "{t}");
        }
        assert_eq!(find_references("jf. sak 3/24 og KS 142/21").len(), 2);
    }

    #[test]
    fn bare_forms() {
        let cases: &[(&str, Option<&str>)] = &[
            ("21/23 Helsefelleskap", Some("21/2023")),
            ("18/24", Some("18/2024")),
            ("Sak: 5/25 Tittel", Some("5/2025")),
            ("2023/2024", None),
            ("2022/1234", None),
            ("Tekst 18/24", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_bare(text).map(|(n, _)| n.key()), want.map(|s| s.to_string()), "{text}");
        }
        assert_eq!(parse_bare("21/23 Helsefelleskap").map(|(_, r)| r.trim()), Some("Helsefelleskap"));
        assert_eq!(parse_value("09-2025").map(|n| n.key()), Some("9/2025".to_string()));
        assert_eq!(parse_value("sak 07.25").map(|n| n.key()), Some("7/2025".to_string()));
        assert_eq!(parse_value("2023-2026"), None);
    }
}
