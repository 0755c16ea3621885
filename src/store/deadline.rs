//! Deadline phrases in decision texts → `YYYY-MM-DD`.
//!
//! Two kinds of phrase are read:
//! - a deadline word followed directly by a date: `innen 11.09.2024`, `inna 11.09.24`,
//!   `innan den 1. oktober 2024`, `senest/seinast …`, `frist …`, `innen utgangen av 2024`
//!   (→ `2024-12-31`), `innen utgangen av juni 2024` / `innen juni 2024` (→ last day of the
//!   month), `innen 2025` (→ `2025-12-31`), `Søknadsfristen settes til 01.04.2026`;
//! - a return to the matter at a meeting: `komme tilbake … den 19.06.24`, `i møte 11.09.2024`,
//!   `i ASU-møtet 04.09.24`, `legges fram … 04.09.24` — the first numeric date after the phrase
//!   in the same sentence (`Protokoll fra møtet 11.06.2025` names no deadline).
//!
//! The earliest phrase in the text wins. Two-digit years are read as 20xx; impossible dates
//! (`31.02.2024`) and placeholders (`xx.xx.24`) give no deadline.

use crate::extract::dates::{days_in_month, month_number as month, year4 as year, ymd};
use regex::Regex;
use std::sync::LazyLock;

const MONTHS: &str = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember";

static DIRECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\b(?:innen|inna|innan|senest|seinast)|\b\w*frist(?:en)?(?:\s+(?:er|blir|vert))?(?:\s+(?:satt|sett|settes)\s+til)?:?)\s+(?:den\s+)?(?:(?P<d>\d{{1,2}})\.\s?(?P<m>\d{{1,2}})\.\s?(?P<y>\d{{4}}|\d{{2}})\b|(?P<d2>\d{{1,2}})\.?\s+(?P<m2>{MONTHS})\s+(?P<y2>\d{{4}})\b|(?:utgangen\s+av\s+)?(?:(?P<m3>{MONTHS})\s+)?(?P<y3>20\d{{2}})\b)"
    ))
    .expect("valid deadline regex")
});

static RETURN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bkomme?\s+tilbake\b|\btilbake\s+til\b|\b(?:i|på)\s+(?:\S+[\s-])?m(?:ø|o)tet?\b|\blegges?\s+fram\b|\bfremlegges\b|\bfremmes\b",
    )
    .expect("valid return regex")
});

static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})\b").expect("valid date regex")
});

/// The deadline a text names, as `YYYY-MM-DD`.
pub fn find(text: &str) -> Option<String> {
    let direct = DIRECT.captures_iter(text).find_map(|c| {
        let start = c.get(0)?.start();
        let date = if let (Some(d), Some(m), Some(y)) = (c.name("d"), c.name("m"), c.name("y")) {
            ymd(year(y.as_str())?, num(m.as_str())?, num(d.as_str())?)
        } else if let (Some(d), Some(m), Some(y)) = (c.name("d2"), c.name("m2"), c.name("y2")) {
            ymd(year(y.as_str())?, month(m.as_str())?, num(d.as_str())?)
        } else {
            let y = year(c.name("y3")?.as_str())?;
            let m = match c.name("m3") {
                Some(m) => month(m.as_str())?,
                None => 12,
            };
            ymd(y, m, days_in_month(y, m))
        }?;
        Some((start, date))
    });
    let ret = RETURN.find_iter(text).find_map(|m| {
        let rest = text.get(m.end()..)?;
        let sentence = &rest[..sentence_end(rest)];
        let c = NUMERIC_DATE.captures(sentence)?;
        let date =
            ymd(year(c.name("y")?.as_str())?, num(c.name("m")?.as_str())?, num(c.name("d")?.as_str())?)?;
        Some((m.start(), date))
    });
    match (direct, ret) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a.1 } else { b.1 }),
        (a, b) => a.or(b).map(|x| x.1),
    }
}

/// Byte offset of the end of the first sentence in `s` (a `.`, `!`, `?` or `;` followed by
/// white space and not part of a date or label, or a line break).
fn sentence_end(s: &str) -> usize {
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' | b';' | b'!' | b'?' => return i,
            b'.' => {
                let next_ws = bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace());
                let prev_digit = i > 0 && bytes.get(i - 1).is_some_and(|c| c.is_ascii_digit());
                if next_ws && !prev_digit {
                    return i;
                }
            }
            _ => {}
        }
    }
    s.len()
}

fn num(s: &str) -> Option<u32> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn deadline_phrases() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Sekretariatet legg fram saka innen 11.09.2024.", Some("2024-09-11")),
            ("Tilbakemelding inna 11.09.2024", Some("2024-09-11")),
            ("Svar innan 1.10.24 til sekretariatet", Some("2024-10-01")),
            ("Rapport innen den 1. oktober 2024", Some("2024-10-01")),
            ("Planen skal være ferdig innen utgangen av 2024", Some("2024-12-31")),
            ("innan utgangen av februar 2024", Some("2024-02-29")),
            ("innen juni 2025", Some("2025-06-30")),
            ("Arbeidet skal være ferdig innen 2026.", Some("2026-12-31")),
            ("ASU ber AU komme tilbake til saken i møtet den 19.06.24.", Some("2024-06-19")),
            ("Saken tas opp igjen i møte 11.09.2024", Some("2024-09-11")),
            ("Saken legges fram for ASU 04.09.24", Some("2024-09-04")),
            ("Frist: 15.03.2025", Some("2025-03-15")),
            ("seinast 3.4.2025", Some("2025-04-03")),
            ("Søknadsfristen settes til 01.04.2026.", Some("2026-04-01")),
            ("Høyringsfristen er 01.12.2025.", Some("2025-12-01")),
            ("Saken tas opp i ASU-møtet 04.09.24", Some("2024-09-04")),
            ("Utvalet ber om å få rapport frå prosjektet i møte 10.06.2026.", Some("2026-06-10")),
            // The earliest phrase wins.
            ("i møte 11.09.2024, med svar innen 01.09.2024", Some("2024-09-11")),
            // No deadline.
            ("ASU setter saken opp på sakskartet i ASU møte xx.xx.24", None),
            ("ASU tar saken til orientering.", None),
            ("Innen helse og omsorg er det 12.5 prosent", None),
            ("innen 31.02.2024", None),
            ("Vedtatt 12.03.2024 i sak 4/24", None),
            ("ASU ber AU komme tilbake til saken. Vedtatt 12.03.2024.", None),
            ("innen 99", None),
            ("Protokoll fra møtet 11.06.2025 godkjennes.", None),
            ("Innkalling til møte 11.06.2025 godkjennes.", None),
        ];
        for (text, want) in cases {
            assert_eq!(find(text).as_deref(), *want, "{text}");
        }
    }
}
