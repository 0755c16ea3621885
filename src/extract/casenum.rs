//! Case numbers as committees write them: `18/24`, `Sak: 18/24`, `sak 3/24`, `Sak 09-2022`,
//! `sak 003-2022`, `sak 07.24`, `PS 22/2025`. Two-digit years are read as 20xx.
//!
//! In running text a number counts only after a case word (`sak`, `saka`, `saken`, `PS`,
//! `saksnr`); a bare `18/24` counts only where the layout says it is a case number (a heading,
//! the start of a case header, an agenda cell) — see [`parse_bare`]. Archive references
//! (`Vår ref: 2022/1234`, `Arkivsaksnr`, `Arkivreferanse: 2025/311-4`), periods (`2023-2026`),
//! law references (`§ 6-2`, `kapittel 6-11`) and dates are never case numbers.

use crate::record::CaseNum;
use regex::Regex;
use std::sync::LazyLock;

static PREFIXED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:sak(?:en|a|ene|er)?|ps|saksnr\.?|sak\s+nr\.?)\s*:?\s*(\d{1,4})\s*([/.\-])\s*(\d{4}|\d{1,3})\b",
    )
    .expect("valid regex")
});

static BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,3})\s*/\s*(\d{4}|\d{2})\b").expect("valid regex"));

/// Build a case number from its parts, refusing what cannot be one (years out of range,
/// sequence numbers that look like years).
pub fn make(seq: &str, year: &str, as_written: &str) -> Option<CaseNum> {
    // year first (`PS 2025/31`, `Saksnr.: 2026/114`, as some case systems number): a four-digit
    // year before the slash and a sequence number of at most three digits after it
    let year_first = seq.len() == 4
        && year.len() <= 3
        && as_written.contains('/')
        && seq.parse::<u32>().is_ok_and(|y| (1990..=2099).contains(&y));
    let (seq, year) = if year_first { (year, seq) } else { (seq, year) };
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
    let tail: String = before
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    ["ref", "arkiv", "journal", "j.nr", "jnr", "dok"].iter().any(|w| tail.contains(w))
}

/// Every case number written with a case word in `text`, with its byte range.
pub fn find_prefixed(text: &str) -> Vec<(CaseNum, usize, usize)> {
    let mut out = Vec::new();
    // cheap prefilter: every form needs a case word and a digit
    let lower = text.to_ascii_lowercase();
    if !(lower.contains("sak") || lower.contains("ps")) || !text.bytes().any(|b| b.is_ascii_digit()) {
        return out;
    }
    for c in PREFIXED.captures_iter(text) {
        let (Some(all), Some(seq), Some(sep), Some(year)) = (c.get(0), c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let after = &text[all.end()..];
        // `2025/311-4` style continuations and dates (`sak 12.03.2024`) are something else
        if after.starts_with(['/', '-', '.']) && after[1..].starts_with(|ch: char| ch.is_ascii_digit()) {
            continue;
        }
        if sep.as_str() != "/" && year.as_str().len() == 2 && seq.as_str().len() > 3 {
            continue;
        }
        if archive_context(&text[..all.start()]) {
            continue;
        }
        if let Some(n) = make(seq.as_str(), year.as_str(), all.as_str()) {
            out.push((n, all.start(), all.end()));
        }
    }
    out
}

/// A case number standing alone where the layout makes it one: `18/24` or `18/24 Title` at the
/// start of `text` (also after a case word). Returns the number and the rest of the text.
pub fn parse_bare(text: &str) -> Option<(CaseNum, &str)> {
    let t = text.trim_start();
    if let Some(c) = BARE.captures(t) {
        let all = c.get(0)?;
        let after = &t[all.end()..];
        if after.starts_with(['/', '-']) && after[1..].starts_with(|ch: char| ch.is_ascii_digit()) {
            return None;
        }
        let n = make(c.get(1)?.as_str(), c.get(2)?.as_str(), all.as_str())?;
        return Some((n, after));
    }
    let (n, start, end) = find_prefixed(t).into_iter().next()?;
    (start == 0).then(|| (n, &t[end..]))
}

static VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,4})\s*[-./]\s*(\d{4}|\d{1,3})\s*$").expect("valid regex"));

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

    fn key(s: &str) -> Vec<String> {
        find_prefixed(s).into_iter().map(|(n, _, _)| format!("{} {}", n.key(), n.as_written)).collect()
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
        ];
        for (text, want) in cases {
            assert_eq!(key(text), want.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{text}");
        }
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
