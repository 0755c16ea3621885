//! Dates and times as Norwegian papers write them: `19.06.2024`, `30.08.24`, `1.12.23`,
//! `2024-06-19`, `25. april` (year from context), `13. mars 2024`; times `13.00`, `13:00`, `0910`
//! and spans `13.00 – 17.00`, `kl 0910-0945`. Output: `YYYY-MM-DD` and `HH:MM`.

use regex::Regex;
use std::sync::LazyLock;

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^[0-9].])([0-9]{1,2})\.\s?([0-9]{1,2})\.\s?([0-9]{4}|[0-9]{2})(?:$|[^[0-9]])")
        .expect("valid regex")
});
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(20[0-9][0-9]|19[0-9][0-9])-([0-9]{2})-([0-9]{2})\b").expect("valid regex")
});
/// `13. mars 2024`, `25. april`, `1. okt.`: month names and abbreviations from the lexicon.
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    use crate::lexicon::{alternation, c};
    Regex::new(&format!(
        r"(?i)\b([0-9]{{1,2}})\.\s*({}|{})\.?(?:\s+([0-9]{{4}}))?\b",
        alternation(c::MONTHS),
        alternation(c::MONTH_ABBREV)
    ))
    .expect("valid regex")
});
/// The prefilter of [`KL`].
static KL_WORD: LazyLock<super::prefilter::Words> = LazyLock::new(|| super::prefilter::Words::new(["kl"]));
/// The prefilter of [`NAMED`] (see [`super::prefilter`]): a month's name or abbreviation.
static MONTH_WORDS: LazyLock<super::prefilter::Words> = LazyLock::new(|| {
    use crate::lexicon::{c, forms};
    super::prefilter::Words::new(forms(c::MONTHS).iter().chain(forms(c::MONTH_ABBREV)))
});
static SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{1,2})(?:[.:]([0-9]{2})|([0-9]{2}))?\s*(?:-|–|—|til)\s*([0-9]{1,2})(?:[.:]([0-9]{2})|([0-9]{2}))?\b")
        .expect("valid regex")
});
static TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([0-9]{1,2})(?:[.:]([0-9]{2})|([0-9]{2}))\b").expect("valid regex"));
static KL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bkl(?:okka|\.)?\s*").expect("valid regex"));

/// The months in calendar order by the letters that tell them apart (the lexicon's forms are
/// not ordered): `mars` and `mar` are 3, `okt` 10.
const MONTH_PREFIXES: [&str; 12] =
    ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"];

/// The month number of a Norwegian month name or its abbreviation (`mars`, `okt`).
pub fn month_number(name: &str) -> Option<u32> {
    let n = name.to_lowercase();
    MONTH_PREFIXES.iter().position(|m| n.starts_with(m)).map(|i| i as u32 + 1)
}

/// Days in month `m` of year `y` (0 for a month that does not exist).
pub fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

/// `YYYY-MM-DD` when the date exists (years 1990–2099).
pub fn ymd(y: u32, m: u32, d: u32) -> Option<String> {
    ((1..=days_in_month(y, m)).contains(&d) && (1990..=2099).contains(&y))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A year as written: two digits are 20xx.
pub fn year4(s: &str) -> Option<u32> {
    let y: u32 = s.parse().ok()?;
    match s.len() {
        2 => Some(2000 + y),
        4 => Some(y),
        _ => None,
    }
}

/// Every date in `text`, in order, with its byte offset. `year` fills in dates written without
/// one (`25. april`).
pub fn find_dates(text: &str, year: Option<u32>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return out;
    }
    // prefilters: [`NUMERIC`] and [`NAMED`] need a dot after the day, [`ISO`] a dash
    let dot = text.contains('.');
    for c in dot.then(|| NUMERIC.captures_iter(text)).into_iter().flatten() {
        let (Some(d), Some(m), Some(y)) = (c.get(1), c.get(2), c.get(3)) else { continue };
        let parsed = (|| ymd(year4(y.as_str())?, m.as_str().parse().ok()?, d.as_str().parse().ok()?))();
        if let Some(s) = parsed {
            out.push((d.start(), s));
        }
    }
    for c in text.contains('-').then(|| ISO.captures_iter(text)).into_iter().flatten() {
        let (Some(all), Some(y), Some(m), Some(d)) = (c.get(0), c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        if let Some(s) =
            (|| ymd(y.as_str().parse().ok()?, m.as_str().parse().ok()?, d.as_str().parse().ok()?))()
        {
            out.push((all.start(), s));
        }
    }
    for c in (dot && MONTH_WORDS.any(text)).then(|| NAMED.captures_iter(text)).into_iter().flatten() {
        let (Some(all), Some(d), Some(m)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        let y = c.get(3).and_then(|y| y.as_str().parse().ok()).or(year);
        if let Some(s) = (|| ymd(y?, month_number(m.as_str())?, d.as_str().parse().ok()?))() {
            out.push((all.start(), s));
        }
    }
    out.sort();
    out
}

/// The first date in `text`.
pub fn first_date(text: &str, year: Option<u32>) -> Option<String> {
    find_dates(text, year).into_iter().next().map(|(_, d)| d)
}

fn hhmm(h: &str, m: Option<&str>) -> Option<String> {
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.map_or(Some(0), |m| m.parse().ok())?;
    (h <= 24 && m <= 59).then(|| format!("{h:02}:{m:02}"))
}

/// A time span at the start of `text` (an agenda cell): `13.00-13.10`, `15.35 – 15.45`,
/// `0910-0945`, `09-12`.
pub fn span(text: &str) -> Option<(String, String)> {
    // prefilter: a span at the start starts with a digit
    let t = text.trim();
    if !t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let c = SPAN.captures(t)?;
    if c.get(0)?.start() != 0 {
        return None;
    }
    let m1 = c.get(2).or(c.get(3)).map(|m| m.as_str());
    let m2 = c.get(5).or(c.get(6)).map(|m| m.as_str());
    Some((hhmm(c.get(1)?.as_str(), m1)?, hhmm(c.get(4)?.as_str(), m2)?))
}

/// The meeting time after `kl`: a span (`kl. 13.00 – 17.00`, `kl 0910-0945`) or a start only.
pub fn time_after_kl(text: &str) -> Option<(String, Option<String>)> {
    if !KL_WORD.any(text) {
        return None;
    }
    let m = KL.find(text)?;
    let rest = &text[m.end()..];
    if let Some((a, b)) = span(rest) {
        return Some((a, Some(b)));
    }
    let c = TIME.captures(rest)?;
    if c.get(0)?.start() != 0 {
        return None;
    }
    Some((hhmm(c.get(1)?.as_str(), c.get(2).or(c.get(3)).map(|m| m.as_str()))?, None))
}

/// Minutes between two `HH:MM` times.
pub fn minutes_between(a: &str, b: &str) -> Option<u32> {
    let p = |s: &str| -> Option<u32> {
        let (h, m) = s.split_once(':')?;
        Some(h.parse::<u32>().ok()? * 60 + m.parse::<u32>().ok()?)
    };
    p(b)?.checked_sub(p(a)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_month_form_of_the_lexicon_has_its_number() {
        use crate::lexicon::{c, forms};
        let names = forms(c::MONTHS);
        assert_eq!(names.len(), 12);
        let mut numbers: Vec<u32> = names.iter().map(|m| month_number(m).expect(m)).collect();
        numbers.sort();
        assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
        for a in forms(c::MONTH_ABBREV) {
            assert!(month_number(a).is_some(), "{a}");
        }
        assert_eq!(first_date("den 3. okt. 2025", None), Some("2025-10-03".to_string()));
    }

    #[test]
    fn dates() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Møtedato: 19.06.2024 kl. 13.00", Some("2024-06-19")),
            ("fredag 30.08.24 kl. 09-12", Some("2024-08-30")),
            ("1.12.23 LSU Molde", Some("2023-12-01")),
            ("den 25. april", Some("2024-04-25")),
            ("13. mars 2023", Some("2023-03-13")),
            ("2024-06-19", Some("2024-06-19")),
            ("kl. 13.00", None),
            ("31.02.2024", None),
            ("versjon 1.2.3.4", None),
        ];
        for (text, want) in cases {
            assert_eq!(first_date(text, Some(2024)).as_deref(), *want, "{text}");
        }
    }

    #[test]
    fn spans_and_times() {
        assert_eq!(span("13.00-13.10"), Some(("13:00".into(), "13:10".into())));
        assert_eq!(span("15.35 – 15.45"), Some(("15:35".into(), "15:45".into())));
        assert_eq!(span("0910-0945"), Some(("09:10".into(), "09:45".into())));
        assert_eq!(span("Pause"), None);
        assert_eq!(
            time_after_kl("19.06.2024 kl. 13.00 – 17.00"),
            Some(("13:00".into(), Some("17:00".into())))
        );
        assert_eq!(
            time_after_kl("1.12.23 LSU Molde kl 0910-0945"),
            Some(("09:10".into(), Some("09:45".into())))
        );
        assert_eq!(time_after_kl("kl. 10.30"), Some(("10:30".into(), None)));
        assert_eq!(minutes_between("13:50", "14:10"), Some(20));
    }
}
