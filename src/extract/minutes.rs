//! Minutes (møteprotokoll, saksprotokoll): the line that opens a case's treatment
//! (`Formannskapets behandling av sak 12/2025 i møte den 14.03.2025`), and vote lines
//! (`For forslaget stemte 5: …`, `Enstemmig vedtatt`, `Samrøystes`) that close a decision.

use super::prefilter::{has_digit, Words};
use super::{casenum, dates};
use crate::record::CaseNum;
use regex::Regex;
use std::sync::LazyLock;

static BEHANDLING: LazyLock<Regex> = LazyLock::new(|| {
    let words = crate::lexicon::alternation(crate::lexicon::c::TREATMENT);
    // the body in the genitive (`Formannskapets`, `Eldrerådets`, `Formannskapet si`) before the
    // treatment word: `Ved behandling av sakene 95/24 …` is prose, not a protocol line
    Regex::new(&format!(
        r"(?i)^\s*(?P<body>(?-i:\p{{Lu}})[^:]{{0,100}}?)(?:s|\s+si|\s+sin|\s+sitt)\s+(?:{words})\s+av\s+(?P<num>sak\s+\S+)"
    ))
    .unwrap_or_else(|_| Regex::new("$^").expect("valid regex"))
});

/// The prefilter of [`BEHANDLING`] (see [`super::prefilter`]): a treatment word of the lexicon.
static TREATMENT_WORDS: LazyLock<Words> =
    LazyLock::new(|| Words::new(crate::lexicon::forms(crate::lexicon::c::TREATMENT)));

/// `X behandling av sak N [i møte den DATE]` (X, the deciding body, in the genitive): the case
/// number and the meeting date.
pub fn behandling(text: &str) -> Option<(CaseNum, Option<String>)> {
    // the case number is read with digits (see [`casenum::find_prefixed`])
    if !has_digit(text) || !may_be_treatment(text) {
        return None;
    }
    let c = BEHANDLING.captures(text)?;
    let at = c.name("num")?.start();
    let (n, _, _) = casenum::find_prefixed(&text[at..]).into_iter().next()?;
    let date = text.to_lowercase().find("møte").and_then(|i| dates::first_date(&text[i..], None));
    Some((n, date))
}

/// The deciding body of a treatment line, out of the genitive: `Formannskaps behandling av sak …`
/// → `Formannskap`, `Kontrollutvalet si handsaming av sak …` → `Kontrollutvalet`.
pub fn treatment_body(text: &str) -> Option<&str> {
    if !may_be_treatment(text) {
        return None;
    }
    BEHANDLING.captures(text)?.name("body").map(|m| m.as_str().trim())
}

/// Most characters of a treatment line.
const TREATMENT_MAX_CHARS: usize = 200;

/// The prefilter of [`BEHANDLING`]: a line no longer than a treatment line that starts with a
/// capital (the body's name; `char::is_uppercase` holds for every `\p{Lu}`) and holds a
/// treatment word.
fn may_be_treatment(text: &str) -> bool {
    text.trim_start().starts_with(char::is_uppercase)
        && (text.len() <= TREATMENT_MAX_CHARS || text.chars().count() <= TREATMENT_MAX_CHARS)
        && TREATMENT_WORDS.any(text)
}

/// Most characters of a route heading.
const ROUTE_MAX_CHARS: usize = 100;

/// A date of three dotted runs of digits (`14.12.2021`), as a route heading prints it.
fn is_dotted_date(w: &str) -> bool {
    let mut parts = 0;
    for p in w.split('.') {
        parts += 1;
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    parts == 3
}

/// Most words of the body's name in a route heading.
const ROUTE_BODY_MAX_WORDS: usize = 6;

/// A route heading of a protocol: the body and the date of one treatment of the case, printed on
/// a line of its own in either order (`14.12.2021 Kommunestyret`, `Kommunestyret 16.12.2021:`,
/// `Formannskapet 30.11.2021`). Returns the date and the body's name. A protocol quotes the
/// earlier bodies' treatments of a case under such headings.
pub fn route_heading(text: &str, register: &crate::config::Register) -> Option<(String, String)> {
    let colon = text.trim_end().ends_with(':');
    let t = text.trim().trim_end_matches(':').trim();
    if t.len() > ROUTE_MAX_CHARS && t.chars().count() > ROUTE_MAX_CHARS {
        return None;
    }
    // the date is the first word, or the last of a label: a line whose first word is no date,
    // and whose last is none or has no colon after it (most lines), is no route heading
    let mut ends = t.split_whitespace();
    let first_is_date = ends.next().is_some_and(is_dotted_date);
    if !(first_is_date || colon && ends.next_back().is_some_and(is_dotted_date)) {
        return None;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let is_date = is_dotted_date;
    let (date, body) = match words.as_slice() {
        [first, rest @ ..] if is_date(first) => (*first, rest),
        // the body first is a label (`Kommunestyret 16.12.2021:`); without the colon it is prose
        [rest @ .., last] if colon && is_date(last) => (*last, rest),
        _ => return None,
    };
    let name = body.join(" ");
    let plain = |w: &&str| w.chars().all(|c| c.is_alphabetic() || matches!(c, '-' | '/' | ','));
    if body.is_empty()
        || body.len() > ROUTE_BODY_MAX_WORDS
        || !name.starts_with(char::is_uppercase)
        || !body.iter().all(plain)
        || super::committee::body_name(&name, register).is_none()
    {
        return None;
    }
    Some((dates::first_date(date, None)?, name))
}

static MOTION: LazyLock<Regex> = LazyLock::new(|| {
    let words = crate::lexicon::alternation(crate::lexicon::c::MOTION_INTRO);
    Regex::new(&format!(r"(?i)\b(?:{words})\b")).unwrap_or_else(|_| Regex::new("$^").expect("valid regex"))
});

/// A protocol's line that brings in a member's motion or sets one against another
/// (`Ola Nordmann (Sp) fremmet følgende alternative forslag:`, `Dette ble satt opp mot:`): the
/// administration's proposal ends before it.
pub fn is_motion(text: &str) -> bool {
    text.chars().count() <= 200 && text.trim_end().ends_with(':') && MOTION.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behandling_lines() {
        let (n, d) = behandling("Formannskapets behandling av sak 12/2025 i møte den 14.03.2025:").unwrap();
        assert_eq!((n.seq, n.year, d.as_deref()), (12, 2025, Some("2025-03-14")));
        assert!(behandling("Behandling av søknad").is_none());
        let (n, _) = behandling("Eldrerådet si handsaming av sak 4/2026 i møte 2.2.2026").unwrap();
        assert_eq!((n.seq, n.year), (4, 2026));
        // leading white space, a capital outside ASCII
        let (n, _) = behandling("  Økonomiutvalets handsaming av sak 7/2026").unwrap();
        assert_eq!((n.seq, n.year), (7, 2026));
        for t in ["Formannskapets behandling av sak 12/2025", "  Økonomiutvalets handsaming av sak 7/2026"] {
            assert!(may_be_treatment(t), "{t}");
        }
        // the prefilter must not let through: a small letter or a digit first, no treatment word
        for t in
            ["formannskapets behandling av sak 12/2025", "12 behandling av sak 3/2025", "Formannskapets møte"]
        {
            assert!(!may_be_treatment(t), "{t}");
        }
        // must not match: prose about a treatment, a plural `sakene`, no body
        for t in [
            "Ved behandling av sakene 95/24 og 38/25 valgte partiet å ikke velge settemedlemmer.",
            "Ved behandling av sak 12/2025 ble det stemt over to forslag.",
            "Behandling av sak 3/2025 ble utsatt",
            "etter behandling av sak 4/2025 i møtet",
        ] {
            assert!(behandling(t).is_none(), "{t}");
        }
    }

    #[test]
    fn route_headings() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("14.12.2021 Kommunestyret", Some(("2021-12-14", "Kommunestyret"))),
            ("Kommunestyret 16.12.2021:", Some(("2021-12-16", "Kommunestyret"))),
            (
                "02.03.2026 Hovedutval for helse og omsorg",
                Some(("2026-03-02", "Hovedutval for helse og omsorg")),
            ),
            // must not: prose with a date, a date range, a date and a number, a lower-case start
            ("Møtet ble holdt 14.12.2021", None),
            ("12.03.2024 Frist for innspill", None),
            ("14.12.2021 kl. 10.00", None),
            ("Saka vart handsama 14.12.2021 i formannskapet", None),
            ("14.12.2021", None),
            ("01.01.2026 30.06.2026", None),
            ("Sak 12/2025 14.12.2021", None),
        ];
        let r = crate::config::Register::default();
        for (t, want) in cases {
            let got = route_heading(t, &r);
            assert_eq!(got.as_ref().map(|(d, b)| (d.as_str(), b.as_str())), *want, "{t}");
        }
    }

    /// The prefilter of [`route_heading`]: a dotted date as the first word, or as the last
    /// before a colon.
    #[test]
    fn route_heading_dates() {
        for w in ["14.12.2021", "1.2.26", "01.01.2026"] {
            assert!(is_dotted_date(w), "{w}");
        }
        // must not: two or four parts, an empty part, a letter, another separator
        for w in
            ["14.12", "14.12.2021.", "1.2.3.4", ".12.2021", "14.12.202l", "14/12/2021", "14.12.2021:", ""]
        {
            assert!(!is_dotted_date(w), "{w}");
        }
        let r = crate::config::Register::default();
        // a date neither first nor last-with-colon: ruled out before the body's name is asked
        for t in ["Kommunestyret 16.12.2021", "Kommunestyret den 16.12.2021 kl 10:", "Kommunestyret"] {
            assert!(route_heading(t, &r).is_none(), "{t}");
        }
    }

    #[test]
    fn motion_lines() {
        for t in [
            "Kari Nordmann (Høyre) fremmet følgende alternative forslag:",
            "Dette ble satt opp mot:",
            "Per Hansen (Sp) sette fram følgjande framlegg:",
            "Ola (Ap) fremmet følgende tilleggsforslag:",
        ] {
            assert!(is_motion(t), "{t}");
        }
        // must not match: the proposal's own lead-in, prose that mentions a motion
        for t in [
            "Følgende innspill gis fra kommunen:",
            "Kari Nordmann fremmet følgende forslag i forrige møte, og det ble vedtatt.",
            "Kommunedirektørens forslag til vedtak:",
        ] {
            assert!(!is_motion(t), "{t}");
        }
    }
}
