//! The meeting a document belongs to: `Møtedato: 19.06.2024 kl. 13.00 – 17.00`, `Møtested: …`,
//! a line that starts with a date and gives a time (`1.12.23 LSU Molde kl 0910-0945`), or a
//! protocol line (`… i møte den 14.03.2025`); and the document's committee (`Utvalg:` field,
//! else the first committee named near the top).

use super::{committee, dates, fold, minutes, Line, LineKind};
use crate::config::Register;
use crate::lexicon::{self, c as lc};
use crate::record::{Committee, Meeting};

/// Most words of a field's key (`Key: value`).
const FIELD_KEY_MAX_WORDS: usize = 4;

/// Split `Key: value` (key of at most [`FIELD_KEY_MAX_WORDS`] words, no digit).
pub fn field(text: &str) -> Option<(String, &str)> {
    let (k, v) = text.split_once(':')?;
    if !could_be_key(k) {
        return None;
    }
    // one string: folded, lower-cased in place when ASCII (as `to_lowercase` would), cut
    let mut key = fold(k);
    if key.is_ascii() {
        key.make_ascii_lowercase();
    } else {
        key = key.to_lowercase();
    }
    key.truncate(key.trim_end_matches('.').len());
    // `Vedlegg (t):` — a plural marker in brackets after the label
    if let Some(open) = key.rfind(" (").filter(|_| key.ends_with(')')) {
        key.truncate(open);
    }
    if key.is_empty()
        || key.split(' ').count() > FIELD_KEY_MAX_WORDS
        || key.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some((key, v.trim()))
}

/// What [`field`] asks of a key, without folding it: a line of running text with a colon far
/// in is no field, and most lines are such. The part before the first `(` is kept whole in the
/// key (only a last ` (…)` is cut off), so a digit there, or more words than the key may hold
/// plus the one the bracket may be glued to, rule it out.
fn could_be_key(k: &str) -> bool {
    let kept = k.find('(').map_or(k, |p| &k[..p]);
    !kept.bytes().any(|b| b.is_ascii_digit())
        && kept.split_whitespace().nth(FIELD_KEY_MAX_WORDS + 1).is_none()
}

/// How many lines below a `Dato:` field a time field may stand to make it the meeting's date.
const TIME_FIELD_NEAR: usize = 3;

/// A `Tidspunkt: 14:15 - 14:30` / `Tid: kl. 10.00` field: the start and end.
fn time_field(text: &str) -> Option<(String, Option<String>)> {
    let (k, v) = field(text)?;
    // `Møtetid: Kl. 14:00` names the meeting's time only (no date in it)
    let meeting_time = lexicon::is(lc::FIELD_MEETING_DATE, &k) && dates::first_date(v, None).is_none();
    if !lexicon::is(lc::FIELD_TIME, &k) && !meeting_time {
        return None;
    }
    let v = v.trim();
    if let Some((a, b)) = dates::span(v) {
        return Some((a, Some(b)));
    }
    dates::time_after_kl(v).or_else(|| dates::time_after_kl(&format!("kl {v}")))
}

/// The meeting, and the committee named on the meeting line (if any).
pub fn find(lines: &[Line], register: &Register) -> (Option<Meeting>, Option<Committee>) {
    let place = lines.iter().take(60).find_map(|l| {
        let (k, v) = field(&l.text)?;
        (lexicon::is(lc::FIELD_PLACE, &k) && !v.is_empty()).then(|| v.trim_end_matches('.').to_string())
    });
    for (i, l) in lines.iter().enumerate().take(60) {
        if l.is_item() || l.kind == LineKind::Table {
            continue;
        }
        let text = &l.text;
        // `Dato:` is the meeting's date when a time field stands beside it
        let timed = || lines.iter().skip(i + 1).take(TIME_FIELD_NEAR).any(|n| time_field(&n.text).is_some());
        let by_field = field(text)
            .filter(|(k, _)| {
                lexicon::is(lc::FIELD_MEETING_DATE, k) || lexicon::is(lc::FIELD_DATE, k) && timed()
            })
            .map(|(_, v)| v);
        // the cheap questions first (`kl` has a prefilter; the dates are all found)
        let starts_with_date = dates::time_after_kl(text).is_some()
            && text.chars().count() <= 120
            && dates::find_dates(text, None).first().is_some_and(|(at, _)| *at <= 3);
        let candidate = by_field.or(starts_with_date.then_some(text.as_str()));
        let Some(v) = candidate else { continue };
        let Some(date) = dates::first_date(v, None) else { continue };
        let (mut start, mut end) = match dates::time_after_kl(v) {
            Some((s, e)) => (Some(s), e),
            None => (None, None),
        };
        if start.is_none() && by_field.is_some() {
            // `Dato:` and `Tidspunkt:` on lines (or table cells) of their own
            if let Some((s, e)) = lines.iter().take(60).find_map(|l| time_field(&l.text)) {
                start = Some(s);
                end = e;
            }
        }
        let c = starts_with_date.then(|| committee::find(text, register, false)).flatten();
        return (Some(Meeting { date, start, end, place }), c);
    }
    // a sentence saying the meeting took place: `Møtet ble avholdt på Teams 12.03.2026`,
    // `Orienteringssak til møte i Eldrerådet tirsdag 4. mars 2026`
    for l in lines.iter().take(MEETING_PROSE_LINES).filter(|l| !l.is_item() && l.kind != LineKind::Table) {
        if let Some(date) = held_date(&l.text) {
            return (
                Some(Meeting {
                    date,
                    start: dates::time_after_kl(&l.text).map(|(s, _)| s),
                    end: None,
                    place,
                }),
                None,
            );
        }
    }
    // a protocol: "… behandling av sak 12/2025 i møte den 14.03.2025"
    for l in lines.iter().take(80) {
        if let Some((_, Some(date))) = minutes::behandling(&l.text) {
            return (Some(Meeting { date, start: None, end: None, place }), None);
        }
    }
    (None, None)
}

/// The body's name after a marker phrase that opens the line (`Innkalling til møte i
/// Eldrerådet` → `Eldrerådet`, `Møteprotokoll for Kontrollutvalet` → `Kontrollutvalet`).
fn after_marker(text: &str) -> &str {
    let t = text.trim();
    let lower = t.to_lowercase();
    for f in lexicon::forms(lc::INVITATION).iter().chain(lexicon::forms(lc::MINUTES)) {
        let Some(rest) = lower.strip_prefix(f.as_str()) else { continue };
        // joined by a dash, a colon or a function word (`i`, `for`, `til` — from the lexicon)
        let joint = if rest.starts_with(" - ") || rest.starts_with(": ") {
            Some(2)
        } else {
            rest.strip_prefix(' ')
                .and_then(|r| r.split_once(' '))
                .filter(|(w, _)| lexicon::is(lc::FUNCTION_WORD, w))
                .map(|(w, _)| w.len() + 2)
        };
        if let Some(n) = joint {
            return t.get(f.len() + n..).unwrap_or(t).trim();
        }
    }
    t
}

/// Most words of a body's name standing as the paper's first line.
const FIRST_LINE_NAME_MAX_WORDS: usize = 6;

/// How many opening lines may hold the sentence that says when the meeting was held.
const MEETING_PROSE_LINES: usize = 40;
/// Most words between the phrase and the date (`til møte i Eldrerådet tirsdag 4. mars 2026`).
const MEETING_PROSE_GAP_WORDS: usize = 8;

/// The prefilter (see `super::prefilter`) of [`held_date`]: a phrase found in the lower-cased
/// text holds its first word, each of whose characters is the lower case of the text's
/// character there, which the case-insensitive search finds (a first word alone in its phrase
/// does not end in `i`, which `İ` lower-cases to before a combining dot: test
/// `held_phrase_prefilter`).
static HELD_WORDS: std::sync::LazyLock<super::prefilter::Words> =
    std::sync::LazyLock::new(|| super::prefilter::Words::new(lexicon::forms(lc::MEETING_HELD)));

/// The date of a sentence saying the meeting took place (a lexicon `meeting_held` phrase, then a
/// date within a few words).
fn held_date(text: &str) -> Option<String> {
    if text.chars().count() > 250 || !HELD_WORDS.any(text) {
        return None;
    }
    let lower = text.to_lowercase();
    let at = crate::lexicon::forms(lc::MEETING_HELD).iter().find_map(|f| {
        lower.find(f.as_str()).filter(|i| *i == 0 || lower[..*i].ends_with(' ')).map(|i| i + f.len())
    })?;
    let rest = text.get(at..)?;
    let (pos, date) = dates::find_dates(rest, None).into_iter().next()?;
    // the date belongs to the phrase: no clause or sentence break between them
    let gap = rest.get(..pos)?;
    (gap.split_whitespace().count() <= MEETING_PROSE_GAP_WORDS && !gap.contains([',', '.', ';']))
        .then_some(date)
}

/// The document's committee: the `Utvalg:` field near the top, else the first committee named in
/// the opening lines.
pub fn doc_committee(lines: &[Line], register: &Register) -> Option<Committee> {
    for l in lines.iter().take(40) {
        if let Some((k, v)) = field(&l.text) {
            if lexicon::is(lc::FIELD_COMMITTEE, &k) {
                return committee::from_field(v, register);
            }
        }
    }
    // a protocol or invitation header: the marker line, then the body's name on a line of its own
    let marker = |l: &Line| lexicon::is(lc::MINUTES, &l.text) || lexicon::is(lc::INVITATION, &l.text);
    for w in lines.iter().take(12).collect::<Vec<_>>().windows(2) {
        let [m, name] = w else { continue };
        if marker(m) {
            if let Some(c) = committee::body_name(&name.text, register) {
                return Some(c);
            }
        }
    }
    // the body's name as the paper's first line (above its marker, or alone at the top)
    if let Some(c) = lines
        .iter()
        .take(3)
        .filter(|l| l.kind != LineKind::Table && !l.is_item())
        .take_while(|l| !marker(l))
        .filter(|l| {
            let t = l.text.trim();
            !t.ends_with(['.', '!', '?'])
                && !t.contains(',')
                && t.split_whitespace().count() <= FIRST_LINE_NAME_MAX_WORDS
        })
        .find_map(|l| committee::body_name(after_marker(&l.text), register))
    {
        return Some(c);
    }
    // a protocol: the body whose treatment this is (`Formannskaps behandling av sak …`)
    if let Some(c) = lines.iter().take(80).find_map(|l| committee::from_treatment(&l.text, register)) {
        return Some(c);
    }
    lines
        .iter()
        .take(12)
        .filter(|l| l.kind != LineKind::Table)
        .find_map(|l| committee::find(&l.text, register, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys() {
        // must match: keys of up to four words, a dot, a plural marker, no-break spaces
        for (text, key) in [
            ("Dato: 12.03.2026", "dato"),
            ("Møtested: Rådhuset", "møtested"),
            ("Saksnr.: 09-2025", "saksnr"),
            ("Vedlegg (t): Budsjett", "vedlegg"),
            ("Arkiv\u{a0}sak  nr: 2", "arkiv sak nr"),
            ("Dato for neste møte: 1.1.2027", "dato for neste møte"),
            ("Ansvarlig for oppfølging (navn): Kari", "ansvarlig for oppfølging"),
            ("Ein to tre fire (fem seks): x", "ein to tre fire"),
        ] {
            assert_eq!(field(text).map(|(k, _)| k), Some(key.to_string()), "{text}");
        }
        // must not: five words, a digit in the key, no colon, running text with a colon late
        for text in [
            "Ein to tre fire fem: x",
            "Sak 12: Tittel",
            "Dato 2026: x",
            "Ingen kolon her",
            "Utvalet drøfta saka og kom fram til følgjande: vedtak",
            "Ein to tre fire fem (seks): x",
            "Punkt 3 (a): x",
        ] {
            assert_eq!(field(text), None, "{text}");
        }
    }

    #[test]
    fn held_phrase_prefilter() {
        // must pass: every phrase in lower, upper and title case, inside a line
        for f in lexicon::forms(lc::MEETING_HELD) {
            let title: String =
                f.chars().take(1).flat_map(char::to_uppercase).chain(f.chars().skip(1)).collect();
            for t in [f.clone(), f.to_uppercase(), format!("Orienteringssak {title} 4. mars 2026")] {
                assert!(HELD_WORDS.any(&t), "{t}");
            }
            assert!(f.contains(' ') || !f.ends_with('i'), "{f}");
        }
        assert!(HELD_WORDS.any("MØTET BLE AVHOLDT 12.03.2026"));
        // must not: no phrase's first word
        for no in ["Saka vart send 12.03.2025", "Dato: 12.03.2026", "Saksbehandler: Ola"] {
            assert!(!HELD_WORDS.any(no) && held_date(no).is_none(), "{no}");
        }
    }

    fn lines(ls: &[&str]) -> Vec<Line> {
        ls.iter().map(|t| Line::para(t)).collect()
    }

    #[test]
    fn meeting_date_and_time_forms() {
        let r = Register::default();
        type Want<'a> = Option<(&'a str, Option<&'a str>, Option<&'a str>)>;
        let cases: &[(&[&str], Want)] = &[
            (&["Møtedato: 19.06.2024 kl. 13.00 – 17.00"], Some(("2024-06-19", Some("13:00"), Some("17:00")))),
            (
                &["Møtedato: 12.02.2026", "Tidspunkt: 14:15 - 14:30"],
                Some(("2026-02-12", Some("14:15"), Some("14:30"))),
            ),
            (&["Dato: 03.03.2026", "Tid: kl. 10.00"], Some(("2026-03-03", Some("10:00"), None))),
            (
                &["Tid og stad: 4. mars 2026 kl 09.00-11.00, Ålesund"],
                Some(("2026-03-04", Some("09:00"), Some("11:00"))),
            ),
            (&["1.12.23 LSU Molde kl 0910-0945"], Some(("2023-12-01", Some("09:10"), Some("09:45")))),
            (
                &["Formannskapets behandling av sak 12/2025 i møte den 14.03.2025:"],
                Some(("2025-03-14", None, None)),
            ),
            (&["Møtet ble avholdt på Teams 12.03.2026 kl. 10.00."], Some(("2026-03-12", Some("10:00"), None))),
            (&["Orienteringssak til møte i Eldrerådet tirsdag 4. mars 2026"], Some(("2026-03-04", None, None))),
            (&["Tid/sted: Tirsdag 4. mars 2026, Rådhuset"], Some(("2026-03-04", None, None))),
            // must not: a plain `Dato:` with no time beside it is the paper's date, not a meeting
            (&["Dato: 03.03.2026", "Saksbehandler: Ola Berg"], None),
            (&["Vi viser til møtet 12.03.2025."], None),
            (&["Saka vart sendt til møte i juni, og svaret kom 12.03.2025 etter lang tid og mange runder."], None),
        ];
        for (input, want) in cases {
            let (m, _) = find(&lines(input), &r);
            let got = m.as_ref().map(|m| (m.date.as_str(), m.start.as_deref(), m.end.as_deref()));
            assert_eq!(got, *want, "{input:?}");
        }
    }

    #[test]
    fn document_committee_forms() {
        let r = Register::default();
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["Utvalg: Strategisk samarbeidsutvalg"], Some("Strategisk samarbeidsutvalg")),
            (&["Utval: Eldrerådet"], Some("Eldrerådet")),
            (&["MØTEPROTOKOLL", "Klagenemnda", "Møtedato: 12.02.2026"], Some("Klagenemnda")),
            (&["Helse- og sosialutvalet", "MØTEPROTOKOLL"], Some("Helse- og sosialutvalet")),
            (&["Innkalling til møte i Eldrerådet", "Møtedato: 12.02.2026"], Some("Eldrerådet")),
            (
                &["Møteinnkalling", "Lokalt samarbeidsutval Sunnhordland"],
                Some("Lokalt samarbeidsutval Sunnhordland"),
            ),
            // the deciding body, not the first body mentioned
            (
                &[
                    "Saka gjeld eit vedtak i Kommunestyret.",
                    "Formannskaps behandling av sak 3/2026 i møte den 29.01.2026:",
                ],
                Some("Formannskapet"),
            ),
            // must not: a marker followed by prose
            (&["MØTEPROTOKOLL", "Følgende medlemmer møtte"], None),
        ];
        for (input, want) in cases {
            assert_eq!(doc_committee(&lines(input), &r).map(|c| c.name).as_deref(), *want, "{input:?}");
        }
    }
}
