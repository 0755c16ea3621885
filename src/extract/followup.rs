//! Follow-up facts of a decision point, found when the point is extracted: its deadline, the
//! responsible actor, whether it is routine, and which earlier decision it follows up.
//! The store only aggregates these fields; it reads no Norwegian text.
//!
//! **Deadlines** ([`deadline`]). Two kinds of phrase are read:
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
//!
//! **Responsible** ([`responsible`]): the acting subject (`ber X …`, `gir X i oppdrag`,
//! `X får i oppdrag`, `X bes …`, `Ansvar: X`, `Leiar sender …`).
//!
//! **Routine** ([`is_routine`]): approval of the agenda or the minutes, taking a matter to
//! orientation — points that ask nobody to do anything ([`ROUTINE_APPROVED`], [`ROUTINE_NOTED`]).
//!
//! **Follows up** ([`follows_up`]): a case number preceded by a follow-up phrase
//! ([`FOLLOW_UP_PHRASES`]: `Oppfølging av sak 3/24`, `jf. vedtak i sak 17/25 punkt 3`), with
//! the committee named at the number resolved through the register (`LSU Ålesund sak 07.25` →
//! `LSU-ALESUND`). Merely mentioning a case (`Viser til sak 16/25`) is not a follow-up.
//!
//! **Moves a deadline** ([`moves_deadline`]): a sentence with a deadline word (lexicon
//! `deadline_word`: `fristen`, `tidsfrist`), a moving phrase (lexicon `deadline_moved`: `vert
//! utsett til`, `forlenges til`, `ny frist`), a case number (`sak 12/25`, with its point and
//! committee when named) and a date after the phrase: the new deadline of that case's point.
//! The date is then no deadline of the moving point itself, and a point that only moves
//! deadlines asks nobody to act (a resolution).
//!
//! The word lists below are named constants with bokmål and nynorsk forms, to move into the
//! lexicon.

use crate::config::{CommitteeKind, Register};
use crate::extract::casenum;
use crate::extract::dates::{self, days_in_month, month_number as month, year4 as year, ymd};
use crate::extract::prefilter::{has_all, has_any, has_digit, Words};
use crate::lexicon::{self, c as lc};
use crate::record::{Case, FollowsUp, MovesDeadline, Point, Record};
use regex::Regex;
use std::sync::LazyLock;

/// Subjects of a routine approval: agenda, invitation, minutes (bokmål, nynorsk).
pub const ROUTINE_SUBJECTS: &[&str] = &[
    "innkalling",
    "innkallinga",
    "innkallingen",
    "saksliste",
    "sakliste",
    "sakslista",
    "saksliste",
    "saklisten",
    "sakslisten",
    "protokoll",
    "protokollen",
    "protokollar",
    "protokoller",
    "møtebok",
    "møteboka",
    "referat",
    "referatet",
    "dagsorden",
    "dagsordenen",
];
/// Verbs of a routine approval (bokmål, nynorsk).
pub const ROUTINE_APPROVED: &[&str] = &[
    "godkjennes",
    "godkjent",
    "godkjend",
    "godkjende",
    "godkjenner",
    "godkjenn",
    "vert godkjend",
    "blir godkjent",
    "vert godkjent",
];
/// `tar/tek … til orientering/etterretning/vitande` (bokmål, nynorsk).
pub const ROUTINE_NOTED_VERBS: &[&str] = &["tar", "tek", "tok", "tas", "takast", "tatt", "teke", "teken"];
/// The objects of [`ROUTINE_NOTED_VERBS`].
pub const ROUTINE_NOTED: &[&str] = &["orientering", "etterretning", "vitande", "vitende", "vitskap"];
/// Phrases that, right before a case number, make the text a follow-up of that case
/// (bokmål, nynorsk). Matched case-insensitively, white space free.
pub const FOLLOW_UP_PHRASES: &[&str] = &[
    "oppfølging av",
    "oppfølging",
    "som oppfølging av",
    "følger opp",
    "følgjer opp",
    "følger opp vedtak i",
    "følgjer opp vedtak i",
    "følger opp vedtaket i",
    "følgjer opp vedtaket i",
    "jf. vedtak i",
    "jf vedtak i",
    "jf. vedtaket i",
    "jamfør vedtak i",
    "jamfør vedtaket i",
    "i tråd med vedtak i",
    "i samsvar med vedtak i",
    "i samsvar med vedtaket i",
];
/// Verbs and phrases of a resolution that is done by being adopted: approvals, allocations,
/// support, joining, comments given (bokmål, nynorsk). A sentence with one of them and no one
/// asked to act asks for no follow-up.
pub const RESOLUTION_PHRASES: &[&str] = &[
    "godkjenner",
    "godkjenn",
    "godkjennes",
    "godkjennast",
    "vedtar",
    "vedtek",
    "vedtas",
    "vedtakast",
    "vert vedteken",
    "vert vedteke",
    "blir vedtatt",
    "fastsetter",
    "fastset",
    "fordeles",
    "fordelast",
    "tildeler",
    "tildeles",
    "tildelast",
    "slutter seg til",
    "sluttar seg til",
    "støtter",
    "støttar",
    "gir følgende innspill",
    "gir følgjande innspel",
    "gjev følgjande innspel",
    "gir slike innspill",
    "gjev slike innspel",
];
/// Compound deadline words that name somebody else's deadline, not a task of the body
/// (`Høyringsfristen er 01.12.2025`: the consultees' deadline) (bokmål, nynorsk).
pub const NOT_TASK_DEADLINES: &[&str] = &["høyringsfrist", "høringsfrist", "svarfrist"];
/// Words that name a point of a decision after a case number (`sak 17/25 punkt 3`).
pub const POINT_WORDS: &[&str] = &["punkt", "pkt", "pkt.", "vedtakspunkt"];

fn alternation(words: &[&str]) -> String {
    let mut v: Vec<String> =
        words.iter().map(|w| regex::escape(w).replace("\\ ", r"\s+").replace(' ', r"\s+")).collect();
    // longest first, so that `oppfølging av` wins over `oppfølging`
    v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    v.dedup();
    v.join("|")
}

static ROUTINE_APPROVAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:.*\b)?(?:{})\b.*\b(?:{})\b",
        alternation(ROUTINE_SUBJECTS),
        alternation(ROUTINE_APPROVED)
    ))
    .expect("valid regex")
});
static ROUTINE_NOTED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:{})\b[^;]{{0,160}}?\btil\s+(?:{})\s*[.;!]?\s*$",
        alternation(ROUTINE_NOTED_VERBS),
        alternation(ROUTINE_NOTED)
    ))
    .expect("valid regex")
});
static RESOLUTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|[^\p{{L}}])(?i:{})(?:$|[^\p{{L}}])", alternation(RESOLUTION_PHRASES)))
        .expect("valid regex")
});
static FOLLOW_UP_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|[^\p{{L}}])(?i:{})\s*$", alternation(FOLLOW_UP_PHRASES))).expect("valid regex")
});
static POINT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^\s*,?\s*(?:{})\s*([0-9]{{1,2}}(?:\.[0-9]{{1,2}})?[a-z]?)\b",
        alternation(POINT_WORDS)
    ))
    .expect("valid regex")
});

/// Prefilters (see [`crate::extract::prefilter`]) of the patterns above, by the words each
/// needs: [`ROUTINE_APPROVAL_RE`] an approval verb, [`ROUTINE_NOTED_RE`] an object of taking
/// note, [`RESOLUTION_RE`] a resolution phrase.
static ROUTINE_APPROVAL_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(ROUTINE_APPROVED));
/// [`ROUTINE_APPROVAL_RE`] also needs a subject word.
static ROUTINE_SUBJECT_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(ROUTINE_SUBJECTS));
static ROUTINE_NOTED_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(ROUTINE_NOTED));
static RESOLUTION_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(RESOLUTION_PHRASES));

fn routine_sentence(s: &str) -> bool {
    ROUTINE_APPROVAL_WORDS.any(s) && ROUTINE_SUBJECT_WORDS.any(s) && ROUTINE_APPROVAL_RE.is_match(s)
        || ROUTINE_NOTED_WORDS.any(s) && ROUTINE_NOTED_RE.is_match(s)
}

/// Whether a point's own text is routine: every sentence approves the agenda or minutes, or
/// takes a matter to orientation.
pub fn is_routine(text: &str) -> bool {
    let mut sentences: Vec<&str> = Vec::new();
    let mut rest = text;
    while !rest.trim().is_empty() {
        let end = sentence_end(rest);
        sentences.push(rest[..end].trim());
        rest = rest.get(end + 1..).unwrap_or("");
    }
    sentences.retain(|s| s.chars().any(char::is_alphabetic));
    !sentences.is_empty() && sentences.iter().all(|s| routine_sentence(s))
}

/// Whether a point's own text is a resolution done by being adopted: every sentence approves,
/// allocates, supports, joins or gives comments ([`RESOLUTION_PHRASES`]), and nobody is asked
/// to act (no responsible; the caller also checks the deadline).
pub fn is_resolution(text: &str) -> bool {
    is_resolution_given(text, || responsible(text).is_none())
}

/// [`is_resolution`] with whether nobody is responsible, asked only when every sentence
/// resolves (the caller may know it already).
fn is_resolution_given(text: &str, nobody_responsible: impl FnOnce() -> bool) -> bool {
    let mut sentences: Vec<String> = Vec::new();
    let mut rest = text;
    let mut joined = false;
    while !rest.trim().is_empty() {
        let end = sentence_end(rest);
        let part = rest[..end].trim();
        // `… til fem tiltak, jf. vedlegg.`: an abbreviation's dot ends no sentence
        match sentences.last_mut() {
            Some(last) if joined => {
                last.push_str(". ");
                last.push_str(part);
            }
            _ => sentences.push(part.to_string()),
        }
        joined = is_abbreviation(part);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    sentences.retain(|s| s.chars().any(char::is_alphabetic));
    let someone_else_s_deadline = |s: &str| {
        let first = s.split_whitespace().next().unwrap_or("").to_lowercase();
        NOT_TASK_DEADLINES.iter().any(|w| first.starts_with(w))
    };
    !sentences.is_empty()
        && sentences.iter().all(|s| {
            RESOLUTION_WORDS.any(s) && RESOLUTION_RE.is_match(s)
                || is_routine(s)
                || someone_else_s_deadline(s)
                || moves_a_deadline(s)
        })
        && nobody_responsible()
}

static DEADLINE_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|[^\p{{L}}])(?i:{})(?:$|[^\p{{L}}])", lexicon::alternation(lc::DEADLINE_WORD)))
        .expect("valid regex")
});
static DEADLINE_MOVED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|[^\p{{L}}])(?i:{})(?:$|[^\p{{L}}])", lexicon::alternation(lc::DEADLINE_MOVED)))
        .expect("valid regex")
});
/// A point named before its case number (`punkt 2 i sak 12/25`).
static POINT_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[^\p{{L}}])(?i:{})\s*([0-9]{{1,2}}(?:\.[0-9]{{1,2}})?(?i:[a-z])?)\b",
        alternation(POINT_WORDS)
    ))
    .expect("valid regex")
});

/// The prefilter of [`DEADLINE_WORD_RE`] (its lexicon forms, without word boundaries).
static DEADLINE_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(lexicon::forms(lc::DEADLINE_WORD)));

/// Whether a sentence moves a deadline (a deadline word and a moving phrase).
fn moves_a_deadline(sentence: &str) -> bool {
    DEADLINE_WORDS.any(sentence)
        && DEADLINE_MOVED_RE.is_match(sentence)
        && DEADLINE_WORD_RE.is_match(sentence)
}

/// The deadlines of earlier decisions that `text` moves: per sentence with a deadline word, a
/// moving phrase, a case number and a date after the phrase, that case (its point and committee
/// when named) and the date.
pub fn moves_deadline(text: &str, register: &Register) -> Vec<MovesDeadline> {
    let mut out: Vec<MovesDeadline> = Vec::new();
    // cheap prefilters: a moved deadline holds a date (digits); most points name no deadline
    if !has_digit(text) || !DEADLINE_WORDS.any(text) || !DEADLINE_WORD_RE.is_match(text) {
        return out;
    }
    let mut rest = text;
    while !rest.trim().is_empty() {
        let end = sentence_end(rest);
        let sentence = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        if !DEADLINE_WORD_RE.is_match(sentence) {
            continue;
        }
        let Some(phrase) = DEADLINE_MOVED_RE.find(sentence) else { continue };
        let Some(date) = sentence.get(phrase.end()..).and_then(|t| dates::first_date(t, None)) else {
            continue;
        };
        for (n, start, end) in casenum::find_prefixed(sentence) {
            let before = sentence.get(..start).unwrap_or("");
            let committee = committee_at_end(before.trim_end_matches(['(', ' ']), register)
                .filter(|(_, at)| before.get(*at..).is_some_and(|t| t.trim_matches(['(', ' ']).len() < 40))
                .map(|(code, _)| code);
            let after = sentence.get(end..).unwrap_or("");
            let point = POINT_AFTER
                .captures(after)
                .or_else(|| POINT_BEFORE.captures_iter(before).last())
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string());
            let m = MovesDeadline {
                case: n,
                point,
                committee,
                deadline: date.clone(),
                context: sentence.trim().to_string(),
            };
            if !out.iter().any(|o| o.case.key() == m.case.key() && o.point == m.point) {
                out.push(m);
            }
        }
    }
    out
}

/// The points of case `key` a text names (`Viser til sak 17/25, vedtakspunkt 4` → `4`).
fn points_named(text: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, _, end) in casenum::find_prefixed(text) {
        if n.key() != key {
            continue;
        }
        let after = text.get(end..).unwrap_or("");
        if let Some(p) = POINT_AFTER.captures(after).and_then(|c| c.get(1)) {
            let p = p.as_str().to_string();
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The committee named right at the end of `before` (`… i LSU Ålesund`), through the
/// register: names and variants case-insensitively, codes and abbreviations as written. An FSU
/// name counts only after `FSU`.
pub fn committee_at_end(before: &str, register: &Register) -> Option<(String, usize)> {
    let t = before.trim_end();
    let lower = t.to_lowercase();
    let lower_last = lower.chars().next_back();
    let mut best: Option<(String, usize)> = None;
    for def in &register.committees {
        // each form as a prefix and a body (`FSU ` and an FSU's name), made into one string only
        // when its last character lower-cased is the text's (a cheap test first)
        let fsu = if def.kind == CommitteeKind::Fsu { "FSU " } else { "" };
        let forms = [("", def.name.as_str(), true), ("", def.code.as_str(), false)]
            .into_iter()
            .chain(def.names.iter().map(|n| (fsu, n.as_str(), true)))
            .chain(def.abbrev.iter().map(|a| ("", a.as_str(), false)));
        for (prefix, body, fold) in forms {
            if prefix.trim().is_empty() && body.trim().is_empty() {
                continue;
            }
            // the final sigma lower-cases by its place in a word, not character by character
            let may_end = !fold
                || prefix.contains('Σ')
                || body.contains('Σ')
                || body
                    .chars()
                    .next_back()
                    .or_else(|| prefix.chars().next_back())
                    .and_then(|c| c.to_lowercase().last())
                    == lower_last;
            if !may_end {
                continue;
            }
            let form = if prefix.is_empty() {
                std::borrow::Cow::Borrowed(body)
            } else {
                format!("{prefix}{body}").into()
            };
            let hit = if fold { lower.ends_with(&form.to_lowercase()) } else { t.ends_with(form.as_ref()) };
            if !hit {
                continue;
            }
            let cut = if fold { lower.len() - form.to_lowercase().len() } else { t.len() - form.len() };
            // whole word: nothing alphanumeric right before the name
            if lower[..cut].chars().next_back().is_some_and(char::is_alphanumeric) {
                continue;
            }
            // lower-casing may change byte lengths; cut back by characters
            let chars = lower[..cut].chars().count();
            let at = t.char_indices().nth(chars).map_or(t.len(), |(b, _)| b);
            if best.as_ref().is_none_or(|(_, b)| at < *b) {
                best = Some((def.code.clone(), at));
            }
        }
    }
    best
}

/// The earlier decisions `text` says it follows up.
pub fn follows_up(text: &str, register: &Register) -> Vec<FollowsUp> {
    let mut out: Vec<FollowsUp> = Vec::new();
    for (n, start, end) in casenum::find_prefixed(text) {
        let Some(before) = text.get(..start) else { continue };
        // `… i LSU Ålesund sak 07.25`: strip the committee, then look for the phrase
        let (committee, head) = match committee_at_end(before, register) {
            Some((code, at)) => (Some(code), before.get(..at).unwrap_or("")),
            None => (None, before),
        };
        let head = head.trim_end();
        let stripped = head
            .strip_suffix(" i")
            .or_else(|| head.strip_suffix(" frå"))
            .or_else(|| head.strip_suffix(" fra"));
        if !FOLLOW_UP_TAIL.is_match(head) && !stripped.is_some_and(|h| FOLLOW_UP_TAIL.is_match(h)) {
            continue;
        }
        let after = text.get(end..).unwrap_or("");
        // `sak 15/25 i SSU`
        let committee = committee.or_else(|| {
            let a = after.trim_start();
            let rest =
                a.strip_prefix("i ").or_else(|| a.strip_prefix("frå ")).or_else(|| a.strip_prefix("fra "))?;
            let word_end = rest.find(['.', ';', ':', '–', '(']).unwrap_or(rest.len());
            let mut probe = rest.get(..word_end)?.trim().to_string();
            // shrink from the right until a committee name ends the probe
            loop {
                if let Some((code, 0)) = committee_at_end(probe.trim_end_matches([',', ' ']), register) {
                    return Some(code);
                }
                match probe.rfind(' ') {
                    Some(i) => probe.truncate(i),
                    None => return None,
                }
            }
        });
        let point = POINT_AFTER.captures(after).and_then(|c| c.get(1)).map(|m| m.as_str().to_string());
        let f = FollowsUp { case: n, point, committee, context: sentence_around(text, start, end) };
        if !out
            .iter()
            .any(|o| o.case.key() == f.case.key() && o.point == f.point && o.committee == f.committee)
        {
            out.push(f);
        }
    }
    out
}

/// The sentence of `text` around bytes `start..end`.
fn sentence_around(text: &str, start: usize, end: usize) -> String {
    // within a bounded window around the match (see `super::MAX_CONTEXT_BYTES`)
    let mut floor = start.saturating_sub(super::MAX_CONTEXT_BYTES);
    while floor > 0 && !text.is_char_boundary(floor) {
        floor -= 1;
    }
    let mut ceiling = end.saturating_add(super::MAX_CONTEXT_BYTES).min(text.len());
    while ceiling < text.len() && !text.is_char_boundary(ceiling) {
        ceiling += 1;
    }
    let before = text.get(floor..start).unwrap_or("");
    let from = floor
        + before
            .char_indices()
            .rev()
            .find(|(i, c)| {
                matches!(c, '.' | '!' | '?' | '\n')
                    && before.get(i + 1..).is_some_and(|r| r.starts_with(char::is_whitespace))
                    && !(*c == '.' && is_abbreviation(before.get(..*i).unwrap_or("")))
            })
            .map_or(0, |(i, _)| i + 1);
    let rest = text.get(end..ceiling).unwrap_or("");
    let to = end + sentence_end(rest);
    text.get(from..to.min(text.len())).unwrap_or("").trim().to_string()
}

/// Abbreviations whose dot ends no sentence (bokmål, nynorsk).
pub const ABBREVIATIONS: &[&str] =
    &["jf", "jfr", "pkt", "nr", "ca", "dvs", "mv", "evt", "bl.a", "o.l", "t.d", "f.eks", "ref"];

/// Whether `before` (text up to a dot) ends with an abbreviation.
fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("").to_lowercase();
    ABBREVIATIONS.contains(&word.as_str())
}

/// Fill the follow-up fields of every point of every case of `record`: deadline, responsible,
/// routine and follows-up (a case whose title follows up an earlier case passes that on to its
/// top-level points).
pub fn annotate(record: &mut Record, register: &Register) {
    for case in &mut record.cases {
        annotate_case(case, register);
    }
}

fn annotate_case(case: &mut Case, register: &Register) {
    let own = case.number.as_ref().map(|n| n.key());
    let mut from_title = case.title.as_deref().map(|t| follows_up(t, register)).unwrap_or_default();
    from_title.retain(|f| Some(f.case.key()) != own || f.committee.is_some());
    // `Oppfølging sak 17/25` in the title, `Viser til sak 17/25, vedtakspunkt 4` in the text:
    // the case follows up point 4, not the whole of 17/25
    let texts: Vec<&str> = case.sections.iter().map(|s| s.text.as_str()).collect();
    from_title = from_title
        .into_iter()
        .flat_map(|f| {
            if f.point.is_some() {
                return vec![f];
            }
            let key = f.case.key();
            let mut named: Vec<String> = Vec::new();
            for t in &texts {
                for p in points_named(t, &key) {
                    if !named.contains(&p) {
                        named.push(p);
                    }
                }
            }
            if named.is_empty() {
                vec![f]
            } else {
                named.into_iter().map(|p| FollowsUp { point: Some(p), ..f.clone() }).collect()
            }
        })
        .collect();
    for points in [&mut case.proposal, &mut case.decision] {
        for p in points.iter_mut() {
            annotate_point(p, register, own.as_deref());
            p.routine = !p.placeholder
                && p.responsible.is_none()
                && p.deadline.is_none()
                && p.children.iter().all(|c| c.placeholder && c.text.trim().is_empty())
                && is_routine(&p.text);
            // `p.responsible` is the text's responsible, else a child's: none means the text
            // names none
            p.resolution = !p.routine
                && !p.placeholder
                && p.responsible.is_none()
                && p.deadline.is_none()
                && is_resolution_given(&p.text, || true);
            for f in &from_title {
                if !p.follows_up.iter().any(|o| o.case.key() == f.case.key() && o.point == f.point) {
                    p.follows_up.push(f.clone());
                }
            }
        }
    }
}

fn annotate_point(p: &mut Point, register: &Register, own: Option<&str>) {
    for c in &mut p.children {
        annotate_point(c, register, own);
    }
    p.deadline = deadline(&p.text).or_else(|| p.children.iter().find_map(|c| c.deadline.clone()));
    p.responsible = responsible(&p.text).or_else(|| p.children.iter().find_map(|c| c.responsible.clone()));
    let mut f = follows_up(&p.text, register);
    f.retain(|f| Some(f.case.key().as_str()) != own || f.committee.is_some());
    for c in &p.children {
        for cf in &c.follows_up {
            if !f.iter().any(|o| o.case.key() == cf.case.key() && o.point == cf.point) {
                f.push(cf.clone());
            }
        }
    }
    p.follows_up = f;
    let mut moves = moves_deadline(&p.text, register);
    moves.retain(|m| Some(m.case.key().as_str()) != own || m.committee.is_some());
    for c in &p.children {
        for cm in &c.moves_deadline {
            if !moves.iter().any(|o| o.case.key() == cm.case.key() && o.point == cm.point) {
                moves.push(cm.clone());
            }
        }
    }
    // the new date is the earlier decision's deadline, not a task of this point
    if p.deadline.as_ref().is_some_and(|d| moves.iter().any(|m| &m.deadline == d)) {
        p.deadline = None;
    }
    p.moves_deadline = moves;
}

const MONTHS: &str = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember";

/// The deadline phrases as written (Unicode `\b` and `\w`, case-insensitive): the definition
/// [`DIRECT`] and [`RETURN`] run as, on the text's shadow ([`deadline_shadow`]).
fn direct_pattern() -> String {
    format!(
        r"(?i)(?:\b(?:innen|inna|innan|senest|seinast)|\b\w*frist(?:en)?(?:\s+(?:er|blir|vert))?(?:\s+(?:satt|sett|settes)\s+til)?:?)\s+(?:den\s+)?(?:(?P<d>[0-9]{{1,2}})\.\s?(?P<m>[0-9]{{1,2}})\.\s?(?P<y>[0-9]{{4}}|[0-9]{{2}})\b|(?P<d2>[0-9]{{1,2}})\.?\s+(?P<m2>{MONTHS})\s+(?P<y2>[0-9]{{4}})\b|(?:utgangen\s+av\s+)?(?:(?P<m3>{MONTHS})\s+)?(?P<y3>20[0-9]{{2}})\b)"
    )
}

/// See [`direct_pattern`].
const RETURN_PATTERN: &str = r"(?i)\bkomme?\s+tilbake\b|\btilbake\s+til\b|\b(?:i|på)\s+(?:\S+[\s-])?m(?:ø|o)tet?\b|\blegges?\s+fram\b|\bfremlegges\b|\bfremmes\b";

/// A pattern of [`direct_pattern`]'s or [`RETURN_PATTERN`]'s made to run on the shadow
/// ([`deadline_shadow`]): ASCII only (`-u`: `\b`, `\w`, `\s` of ASCII, which the regex engine's
/// DFA answers), `å` and `ø` written as their stand-ins, `\S` as the ASCII characters that are
/// not white space.
fn shadow_pattern(pattern: &str) -> String {
    pattern
        .replacen("(?i)", "(?i-u)", 1)
        .replace(r"\S", r"[\x00-\x08\x0E-\x1F!-\x7F]")
        .replace('å', SHADOW_AA)
        .replace('ø', SHADOW_OE)
}

static DIRECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&shadow_pattern(&direct_pattern())).expect("valid deadline regex"));

static RETURN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&shadow_pattern(RETURN_PATTERN)).expect("valid return regex"));

/// The stand-ins of `å`/`Å` and `ø`/`Ø` in the shadow: two ASCII word characters, as long as
/// the letter, that no other character's shadow holds (a text with `_` has no shadow).
const SHADOW_AA: &str = "_1";
const SHADOW_OE: &str = "_0";

/// Characters outside ASCII that the patterns' `(?i)` folds to one of their letters other than
/// `å`/`Å` and `ø`/`Ø` themselves (the Kelvin sign ~ k, the long s ~ s, the ångström sign ~ å):
/// a text holding one has no shadow (test `deadline_shadow_folds`).
const SHADOW_FOLDS: &[char] = &['\u{212A}', '\u{017F}', '\u{212B}'];

/// The text's ASCII shadow for the deadline patterns, byte for byte as long: `å`/`Å` and
/// `ø`/`Ø` become [`SHADOW_AA`] and [`SHADOW_OE`], every other character outside ASCII as many
/// `a` as its bytes when it is a word character (`\w`), as many `#` otherwise. Word boundaries,
/// `\w` runs, `\S` runs and byte offsets are those of the text, so the patterns find on the
/// shadow, with the engine's DFA, what they find on the text with Unicode `\b` (the
/// backtracker). No shadow (`None`, the text is searched as it is) for a text with `_` (the
/// stand-ins' character), white space outside ASCII (a single `\s` would meet two bytes) or a
/// [`SHADOW_FOLDS`] character. Test `deadline_patterns_match_on_the_shadow_as_on_the_text`.
fn deadline_shadow(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    use super::prefilter::StandIn;
    if text.contains('_') {
        return None;
    }
    super::prefilter::ascii_shadow(text, |ch| match ch {
        'å' | 'Å' => StandIn::Bytes(SHADOW_AA),
        'ø' | 'Ø' => StandIn::Bytes(SHADOW_OE),
        _ if ch.is_whitespace() || SHADOW_FOLDS.contains(&ch) => StandIn::Refuse,
        _ => StandIn::EachByte(if regex_syntax::is_word_character(ch) { 'a' } else { '#' }),
    })
}

/// [`DIRECT`] and [`RETURN`] as written, for a text without a shadow (rare: built on first use).
static DIRECT_TEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&direct_pattern()).expect("valid deadline regex"));
static RETURN_TEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(RETURN_PATTERN).expect("valid return regex"));

static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4}|[0-9]{2})\b")
        .expect("valid date regex")
});

/// The prefilter of [`DIRECT`]: a deadline word (`\w*frist` ends in `frist`).
const DIRECT_WORDS: &[&str] = &["innen", "inna", "innan", "senest", "seinast", "frist"];
/// The prefilter of [`RETURN`]: a word every one of its phrases holds (`fremlegges` holds
/// `legge`, `møtet` holds `møte`).
const RETURN_WORDS: &[&str] = &["tilbake", "møte", "mote", "legge", "fremmes"];
static DEADLINE_GATE: LazyLock<(Words, Words)> =
    LazyLock::new(|| (Words::new(DIRECT_WORDS), Words::new(RETURN_WORDS)));

/// The deadline a text names, as `YYYY-MM-DD`.
pub fn deadline(text: &str) -> Option<String> {
    // every deadline holds a date or a year: digits
    if !has_digit(text) {
        return None;
    }
    let (direct_words, return_words) = &*DEADLINE_GATE;
    let (may_direct, may_return) = (direct_words.any(text), return_words.any(text));
    if !may_direct && !may_return {
        return None;
    }
    // the patterns run on the shadow (offsets are the text's), or on the text when it has none
    let shadow = deadline_shadow(text);
    let (hay, direct_re, return_re) = match &shadow {
        Some(s) => (s.as_ref(), &*DIRECT, &*RETURN),
        None => (text, &*DIRECT_TEXT, &*RETURN_TEXT),
    };
    let direct = may_direct.then(|| direct_re.captures_iter(hay)).into_iter().flatten().find_map(|c| {
        let all = c.get(0)?;
        let start = all.start();
        let group = |name: &str| c.name(name).and_then(|m| text.get(m.range()));
        let word = text.get(all.range())?.split_whitespace().next().unwrap_or("").to_lowercase();
        if NOT_TASK_DEADLINES.iter().any(|w| word.starts_with(w)) {
            return None;
        }
        let date = if let (Some(d), Some(m), Some(y)) = (group("d"), group("m"), group("y")) {
            ymd(year(y)?, num(m)?, num(d)?)
        } else if let (Some(d), Some(m), Some(y)) = (group("d2"), group("m2"), group("y2")) {
            ymd(year(y)?, month(m)?, num(d)?)
        } else {
            let y = year(group("y3")?)?;
            let m = match group("m3") {
                Some(m) => month(m)?,
                None => 12,
            };
            ymd(y, m, days_in_month(y, m))
        }?;
        Some((start, date))
    });
    let ret = may_return.then(|| return_re.find_iter(hay)).into_iter().flatten().find_map(|m| {
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

// The actor patterns use only group 1 of their first match, so a word boundary is written as
// the character that makes it (`(?:^|\W)` before a word, `(?:$|\W)` after one): the same
// matches and groups, but no Unicode `\b`, which would keep the regex engine off its DFA on text
// with æ, ø or å (tests: `actor_patterns_match_as_with_word_boundaries`).
static GIR_OPPDRAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\W)gir\s+(.{1,60}?)\s+(?:i\s+)?oppdrag(?:$|\W)").expect("valid regex")
});
static FAR_OPPDRAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[.;:]\s+)((?:\S+\s+){0,3}?\S+)\s+(?:får\s+i\s+oppdrag|får\s+ansvar(?:et)?(?:$|\W)|bes(?:$|\W)|blir\s+bedt\s+om|vert\s+beden(?:$|\W))",
    )
    .expect("valid regex")
});
/// A sentence that starts with its actor: `Sekretariatet legger fram …`, `Leiar sender …`.
static ACTOR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[.;:]\s+)((?:\S+\s+){0,3}?\S+)\s+(?:sender|send|legger\s+fram|legg\s+fram|utarbeider|utarbeidar|rapporterer|følger\s+opp|følgjer\s+opp)(?:$|\W)",
    )
    .expect("valid regex")
});
static ANSVAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\W)ansvar(?:leg|lig)?\s*:\s*([^.;\n]{1,60})").expect("valid regex")
});
/// `ber` and white space after a word boundary: the definition of [`ber_ends`] (tests).
#[cfg(test)]
static BER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bber\s+").expect("valid regex"));

/// The ends of the matches of `\bber\s+` in `text`, in order, as the regex ([`BER`]) finds
/// them, without its engine (a Unicode `\b` beside æ, ø or å sends it to its backtracker):
/// `ber` with no word character (the regex's `\w`) before it and one or more white-space
/// characters after it, all of which the match takes; the search goes on after a match.
fn ber_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(k) = text.get(from..).and_then(|t| t.find("ber")) {
            let at = from + k;
            let after = text.get(at + 3..).unwrap_or("");
            let white = after.len() - after.trim_start().len();
            let boundary = !text
                .get(..at)
                .and_then(|t| t.chars().next_back())
                .is_some_and(regex_syntax::is_word_character);
            if boundary && white > 0 {
                from = at + 3 + white;
                return Some(from);
            }
            // `ber` cannot start inside itself: the next one starts after its `b`
            from = at + 1;
        }
        None
    })
}
/// Prefilters of the actor patterns (case-sensitive, as the patterns are): [`GIR_OPPDRAG`] needs
/// `gir` and `oppdrag`, and these the verbs of [`FAR_OPPDRAG`] and
/// [`ACTOR_FIRST`] (`sender`/`send`, `legger`/`legg fram`, `utarbeider`/`utarbeidar`,
/// `følger`/`følgjer opp`).
const FAR_OPPDRAG_WORDS: &[&str] = &["får", "bes", "blir", "vert"];
const ACTOR_FIRST_WORDS: &[&str] = &["send", "legg", "utarbeid", "rapporterer", "følg"];
static ANSVAR_WORD: LazyLock<Words> = LazyLock::new(|| Words::new(["ansvar"]));

/// Words that continue a responsible's name (`leiar for kvart FSU`, `kommunene og sykehuset`).
const CONNECTORS: &[&str] = &["for", "og", "ved", "til", "på", "av", "i"];
/// Determiners and quantifiers: the noun after them belongs to the name (`for kvart FSU`,
/// `de lokale samarbeidsutvalgene`).
const DETERMINERS: &[&str] =
    &["kvart", "kvar", "hvert", "hver", "alle", "dei", "de", "begge", "den", "det", "dei", "sine", "sitt"];
/// First words that start no name (`ber om …`, `ber at …`).
const NOT_A_NAME: &[&str] = &["om", "at", "å", "seg", "deg", "dere", "dykk", "meg", "oss", "ikke", "ikkje"];
/// Nouns that end an organisation's name after a proper name (`Molde sjukehus`).
const ORG_NOUNS: &[&str] = &["sjukehus", "sykehus", "kommune", "kommunar", "kommuner", "HF", "helseforetak"];
/// Auxiliaries: a subject before them is acted on (`Revidert plan vert send …`).
const AUXILIARIES: &[&str] = &["vert", "blir", "skal", "er", "kan", "må", "bør"];
/// Sentence subjects that are things, not actors.
const NOT_ACTORS: &[&str] = &["det", "dette", "som", "saken", "saka", "rutinen", "planen", "protokollen"];

/// The acting subject named in a point: `ASU ber sekretariatet …` → `sekretariatet`,
/// `gir AU i oppdrag` → `AU`, `ber leiar for kvart FSU sende …` → `leiar for kvart FSU`,
/// `Sekretariatet får i oppdrag …` / `Leiar sender …` → the sentence's subject.
pub fn responsible(text: &str) -> Option<String> {
    if let Some(c) = has_all(text, &["gir", "oppdrag"]).then(|| GIR_OPPDRAG.captures(text)).flatten() {
        let who = c.get(1)?.as_str().trim();
        if !who.is_empty() && who.split_whitespace().count() <= 6 {
            return Some(clean(who));
        }
    }
    for end in ber_ends(text) {
        if let Some(who) = name_after(text.get(end..)?) {
            return Some(who);
        }
    }
    for (re, words) in [(&FAR_OPPDRAG, FAR_OPPDRAG_WORDS), (&ACTOR_FIRST, ACTOR_FIRST_WORDS)] {
        if !has_any(text, words) {
            continue;
        }
        if let Some(who) = re.captures(text).and_then(|c| c.get(1)) {
            let who = who.as_str().trim();
            let first = who.split_whitespace().next().unwrap_or("").to_lowercase();
            let passive = who.split_whitespace().any(|w| AUXILIARIES.contains(&w.to_lowercase().as_str()));
            if !passive && !NOT_A_NAME.contains(&first.as_str()) && !NOT_ACTORS.contains(&first.as_str()) {
                return Some(clean(who));
            }
        }
    }
    if !ANSVAR_WORD.any(text) {
        return None;
    }
    ANSVAR.captures(text).and_then(|c| c.get(1)).map(|m| clean(m.as_str()))
}

fn bare(w: &str) -> &str {
    w.trim_end_matches([',', '.', ';', ':'])
}

fn is_acronym(w: &str) -> bool {
    let w = bare(w);
    starts_upper(w) && w.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// The name at the start of `rest`: the first word, extended over determiners, connectors,
/// committee names (`FSU Svangerskap, fødsel og barselomsorg`) and organisation nouns.
fn name_after(rest: &str) -> Option<String> {
    let words: Vec<&str> = rest.split_whitespace().take(16).collect();
    let first = *words.first()?;
    if bare(first).is_empty() || NOT_A_NAME.contains(&bare(first).to_lowercase().as_str()) {
        return None;
    }
    let mut taken: Vec<&str> = Vec::new();
    let mut i = 0;
    if !phrase(&words, &mut i, &mut taken) {
        return Some(clean(&taken.join(" ")));
    }
    while let Some(&w) = words.get(i) {
        let lower = w.to_lowercase();
        if !CONNECTORS.contains(&lower.as_str()) {
            break;
        }
        let Some(&next) = words.get(i + 1) else { break };
        let next_lower = bare(next).to_lowercase();
        let name_like = starts_upper(next) || DETERMINERS.contains(&next_lower.as_str());
        // `i`, `til`, `på`, `av` only before a name (`leiar i FSU`), not `i samarbeid med`.
        if (!name_like && lower != "og" && lower != "for" && lower != "ved")
            || NOT_A_NAME.contains(&next_lower.as_str())
        {
            break;
        }
        taken.push(w);
        i += 1;
        if !phrase(&words, &mut i, &mut taken) {
            break;
        }
    }
    Some(clean(&taken.join(" ")))
}

/// Take a noun phrase of `words` starting at `i` into `taken`; false when punctuation ended the
/// name.
fn phrase<'a>(words: &[&'a str], i: &mut usize, taken: &mut Vec<&'a str>) -> bool {
    {
        // Determiner + up to two words, ending at a noun-like word (`de lokale samarbeidsutvalgene`).
        while let Some(&w) = words.get(*i) {
            taken.push(bare(w));
            *i += 1;
            if bare(w).len() != w.len() {
                return false;
            }
            if !DETERMINERS.contains(&bare(w).to_lowercase().as_str()) {
                break;
            }
            let noun_at = words.iter().enumerate().skip(*i).take(2).find(|(_, w)| {
                let n = bare(w).to_lowercase();
                is_acronym(w) || ["ene", "ane", "et", "en", "a", "er", "ar"].iter().any(|e| n.ends_with(e))
            });
            if let Some((j, last)) = noun_at {
                taken.extend(words.iter().skip(*i).take(j + 1 - *i).map(|w| bare(w)));
                *i = j + 1;
                return bare(last).len() == last.len();
            }
        }
        // A committee code followed by its name (`FSU IKT`, `FSU Svangerskap, fødsel og …`),
        // a proper name followed by an organisation noun (`Molde sjukehus`).
        let mut list = false;
        while let Some(&w) = words.get(*i) {
            let prev = taken.last().copied().unwrap_or("");
            let after_code = is_acronym(prev) && starts_upper(w);
            let org = starts_upper(prev) && ORG_NOUNS.contains(&bare(w));
            if !(is_acronym(w) || after_code || org || list) {
                break;
            }
            list = w.ends_with(',');
            taken.push(if list { w } else { bare(w) });
            *i += 1;
            if bare(w).len() != w.len() && !list {
                return false;
            }
        }
        true
    }
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").trim_matches([',', '.', ';', ':']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ber_found_as_the_pattern_finds_it() {
        for t in [
            "",
            "ber",
            "ber ",
            "ASU ber sekretariatet",
            "ber ber x",
            "berber ber\tx",
            "september ber  om",
            "Ber ber",
            "æber x øber y ber\u{a0}z",
            "_ber x 1ber y -ber z",
            "overber\u{2003}x (ber\ny",
            "ber\u{301} x",
        ] {
            let want: Vec<usize> = BER.find_iter(t).map(|m| m.end()).collect();
            assert_eq!(ber_ends(t).collect::<Vec<_>>(), want, "{t:?}");
        }
    }

    #[test]
    fn actor_patterns_match_as_with_word_boundaries() {
        // the patterns as written with `\b`: the same first match's group 1, on texts with a
        // boundary or none before and after the words, in ASCII and beside æ, ø, å
        let with_b = [
            (&*GIR_OPPDRAG, r"\bgir\s+(.{1,60}?)\s+(?:i\s+)?oppdrag\b"),
            (
                &*FAR_OPPDRAG,
                r"(?:^|[.;:]\s+)((?:\S+\s+){0,3}?\S+)\s+(?:får\s+i\s+oppdrag|får\s+ansvar(?:et)?\b|bes\b|blir\s+bedt\s+om|vert\s+beden\b)",
            ),
            (
                &*ACTOR_FIRST,
                r"(?:^|[.;:]\s+)((?:\S+\s+){0,3}?\S+)\s+(?:sender|send|legger\s+fram|legg\s+fram|utarbeider|utarbeidar|rapporterer|følger\s+opp|følgjer\s+opp)\b",
            ),
            (&*ANSVAR, r"(?i)\bansvar(?:leg|lig)?\s*:\s*([^.;\n]{1,60})"),
        ];
        let texts = [
            "SSU gir AU i oppdrag å lage ein plan.",
            "SSU gir sekretariatet oppdrag",
            "SSU gir sekretariatet oppdraget",
            "Ågir AU i oppdrag",
            "øgir AU oppdrag.",
            "Sekretariatet får i oppdrag å følgje opp.",
            "Sekretariatet får ansvaret for saka.",
            "Sekretariatet får ansvaretø for saka.",
            "Leiar bes sende saka. Kommunane bes.",
            "Leiar besø sende saka",
            "Rådet vert beden om svar",
            "Rådet vert bedenå om svar",
            "Leiar sender planen. Sekretariatet legger fram saka.",
            "Leiar senderå planen",
            "Kommunane følgjer opp.",
            "Ansvar: Kommunedirektøren.",
            "Ansvarleg: Leiar i ASU",
            "Delansvar: ingen",
            "Øansvar: ingen",
            "ansvarlig:   Fastlegekontoret; andre",
            "",
        ];
        for (now, old) in with_b {
            let old = Regex::new(old).expect("valid regex");
            for t in texts {
                let group = |re: &Regex| re.captures(t).and_then(|c| c.get(1)).map(|m| m.range());
                assert_eq!(group(now), group(&old), "{} on {t:?}", now.as_str());
            }
        }
    }

    /// The prefilters of the follow-up patterns pass what each pattern reads (any case, æøå)
    /// and keep other sentences from them.
    #[test]
    fn followup_prefilters() {
        let (direct, ret) = &*DEADLINE_GATE;
        for t in
            ["innen 11.09.2024", "INNAN 1.10.24", "Seinast 3.4.2025", "Søknadsfristen settes til 01.04.2026"]
        {
            assert!(direct.any(t) && deadline_shadow(t).is_some_and(|s| DIRECT.is_match(&s)), "{t}");
        }
        for t in ["komme tilbake til saken", "i ASU-MØTET 04.09.24", "legges fram", "Saka fremmes"] {
            assert!(ret.any(t) && deadline_shadow(t).is_some_and(|s| RETURN.is_match(&s)), "{t}");
        }
        for t in ["ASU tar saken til orientering.", "Budsjettet for 2026"] {
            assert!(!direct.any(t) && !ret.any(t), "{t}");
        }
        for t in ["Protokollen godkjennes.", "Innkallinga vert GODKJEND", "SAKSLISTE OG MØTEBOK GODKJENT"] {
            assert!(
                ROUTINE_APPROVAL_WORDS.any(t)
                    && ROUTINE_SUBJECT_WORDS.any(t)
                    && ROUTINE_APPROVAL_RE.is_match(t),
                "{t}"
            );
        }
        // must not: an approval of something else (the subject prefilter stops it, as the
        // pattern would)
        for t in ["Planen godkjennes.", "Budsjettet vert godkjent"] {
            assert!(!ROUTINE_SUBJECT_WORDS.any(t) && !ROUTINE_APPROVAL_RE.is_match(t), "{t}");
        }
        // every subject form passes its prefilter in upper and lower case
        for w in ROUTINE_SUBJECTS {
            assert!(ROUTINE_SUBJECT_WORDS.any(w) && ROUTINE_SUBJECT_WORDS.any(&w.to_uppercase()), "{w}");
        }
        for t in ["ASU tar saken til orientering.", "Utvalet tek saka til VITANDE"] {
            assert!(ROUTINE_NOTED_WORDS.any(t) && ROUTINE_NOTED_RE.is_match(t), "{t}");
        }
        for t in
            ["SSU godkjenner planen.", "Midlane vert fordelt og tildelast kommunane", "LSU sluttar seg til"]
        {
            assert!(RESOLUTION_WORDS.any(t) && RESOLUTION_RE.is_match(t), "{t}");
        }
        for t in ["Sekretariatet lager en plan", "Saken gjelder samhandling"] {
            assert!(
                !ROUTINE_APPROVAL_WORDS.any(t) && !ROUTINE_NOTED_WORDS.any(t) && !RESOLUTION_WORDS.any(t),
                "{t}"
            );
        }
        // the actor patterns' words, case-sensitive as the patterns are
        assert!(has_any("Sekretariatet får i oppdrag", FAR_OPPDRAG_WORDS));
        assert!(has_any("Leiar følgjer opp", ACTOR_FIRST_WORDS));
        assert!(!has_any("Saken gjelder samhandling", FAR_OPPDRAG_WORDS));
        assert!(!has_any("Saken gjelder samhandling", ACTOR_FIRST_WORDS));
        assert!(ANSVAR_WORD.any("ANSVARLEG: Kari") && !ANSVAR_WORD.any("Kari Nordmann"));
    }

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
            // the consultees' deadline is no task of the body
            ("Høyringsfristen er 01.12.2025.", None),
            ("Høringsfristen er satt til 01.12.2025.", None),
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
            assert_eq!(deadline(text).as_deref(), *want, "{text}");
        }
    }

    /// The deadline patterns on the shadow find what they find as written on the text: the same
    /// matches, each group at the same offsets.
    #[test]
    fn deadline_patterns_match_on_the_shadow_as_on_the_text() {
        let spans = |re: &Regex, hay: &str| crate::extract::prefilter::capture_spans(re, hay, 0);
        let phrases = [
            "innen 12.03.2026",
            "Innan 1. mars 2026",
            "seinast den 3.4.25",
            "Svarfristen er satt til 1.2.2026",
            "frist: utgangen av juni 2026",
            "høyringsfrist 1. desember 2026",
            "Fristen vert sett til 2027",
            "Søknadsfrist blir 05.05.2026",
            "innen 31.02.2024",
            "innen 12.03.20255",
            "kommer tilbake til saka 12.03.2026",
            "KOMME TILBAKE",
            "i møte 11.09.2024",
            "på styremøtet 3.4.2025",
            "PÅ MØTE",
            "i neste møte",
            "på ASU-møte 1.2.2026",
            "på sitt møtet",
            "legges fram 3.3.2026",
            "legge fram",
            "fremlegges",
            "fremmes",
            "på måten",
            "i mote",
            "i mæte",
            "pæ møte",
            "i m_0te",
            "Ønskjer svar innen utgangen av 2026",
        ];
        let glue = [
            "", " ", "ø", "æ", "å", "Å", "é", "–", "«", "_", "\u{a0}", "\u{212A}", "ſ", "\u{212B}", "1", ".",
            "-", "\n", "e\u{301}",
        ];
        let mut texts: Vec<String> = Vec::new();
        for p in phrases {
            for a in glue {
                for b in glue {
                    texts.push(format!("{a}{p}{b}"));
                }
                texts.push(format!("Saka{a}{p} og {a}{p}"));
                texts.push(format!("{a}{}", p.to_uppercase()));
                texts.push(p.replace(' ', a));
                texts.push(p.replace(['ø', 'å'], a));
            }
        }
        let (direct, ret) = (Regex::new(&direct_pattern()).unwrap(), Regex::new(RETURN_PATTERN).unwrap());
        let mut shadowed = 0;
        for t in &texts {
            let Some(sh) = deadline_shadow(t) else { continue };
            shadowed += usize::from(!t.is_ascii());
            assert_eq!(sh.len(), t.len(), "{t:?}");
            assert_eq!(spans(&DIRECT, &sh), spans(&direct, t), "{t:?}");
            assert_eq!(spans(&RETURN, &sh), spans(&ret, t), "{t:?}");
        }
        // texts with æ, ø, å are compared, not only ASCII ones
        assert!(shadowed > 1000, "{shadowed}");
        // the test finds matches to compare
        assert!(texts.iter().filter(|t| direct.is_match(t)).count() > 500);
        assert!(texts.iter().filter(|t| ret.is_match(t)).count() > 500);
    }

    /// Every character outside ASCII that the patterns' `(?i)` folds to a letter they hold is
    /// `å`, `ø` (their stand-ins) or one of [`SHADOW_FOLDS`] (no shadow).
    #[test]
    fn deadline_shadow_folds() {
        let letter = Regex::new("(?i)^[a-zåø]$").unwrap();
        let mut buf = [0u8; 4];
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            if letter.is_match(c.encode_utf8(&mut buf)) {
                assert!(matches!(c, 'å' | 'Å' | 'ø' | 'Ø') || SHADOW_FOLDS.contains(&c), "{c:?}");
            }
        }
        for c in SHADOW_FOLDS {
            assert!(deadline_shadow(&format!("innen {c} 2026")).is_none(), "{c:?}");
        }
        assert!(deadline_shadow("innen\u{a0}2026").is_none());
        assert!(deadline_shadow("i m_0te").is_none());
        assert_eq!(deadline_shadow("på møte – «é»").as_deref(), Some("p_1 m_0te ### ##aa##"));
    }

    #[test]
    fn responsible_phrases() {
        let cases: &[(&str, Option<&str>)] = &[
            ("ASU ber sekretariatet utarbeide en vedtakslogg", Some("sekretariatet")),
            ("ASU ber forhandlingsutvalget arbeide videre med en utredning", Some("forhandlingsutvalget")),
            ("SSU ber leiar for kvart FSU sende inn årsmelding", Some("leiar for kvart FSU")),
            ("ASU gir sekretariatet i oppdrag å utrede muligheter", Some("sekretariatet")),
            ("ASU gir AU i oppdrag å følge opp", Some("AU")),
            ("ASU ber kommunene og sykehuset om å melde tilbake", Some("kommunene og sykehuset")),
            ("ASU ber AU om å komme tilbake til saken", Some("AU")),
            ("ASU ber om en ny vurdering", None),
            ("ASU tar saken til orientering.", None),
            ("ASU gir sin tilslutning til revidert fremdriftsplan", None),
            ("Sekretariatet får i oppdrag å lage en plan", Some("Sekretariatet")),
            ("Ansvar: Kommunalsjef helse.", Some("Kommunalsjef helse")),
            ("ASU ber sekretariatet i samarbeid med AU lage utkast", Some("sekretariatet")),
            ("LSU ber leiar i FSU psykisk helse følgje opp", Some("leiar i FSU")),
            ("SSU ber de lokale samarbeidsutvalgene følge opp", Some("de lokale samarbeidsutvalgene")),
            ("SSU ber alle kommunene melde inn", Some("alle kommunene")),
            (
                "SSU ber FSU Svangerskap, fødsel og barselomsorg utrede en modell",
                Some("FSU Svangerskap, fødsel og barselomsorg"),
            ),
            ("SSU ber FSU Helseberedskap og FSU IKT om å levere", Some("FSU Helseberedskap og FSU IKT")),
            ("LSU Molde ber kommunane og Molde sjukehus om å:", Some("kommunane og Molde sjukehus")),
            ("SSU ber FSU IKT se de to sakene i sammenheng.", Some("FSU IKT")),
            ("Leiar sender innspelet til sekretariatet innan 15.10.2025.", Some("Leiar")),
            ("Sekretariatet legger fram regnskap for 2025 i møte 22.04.2026.", Some("Sekretariatet")),
            ("tiltak 3.2 får leiar av utvalet som ansvarleg", None),
            ("Rutinen skal evaluerast i møte 11.03.2026.", None),
            ("Revidert handlingsplan vert send SSU innan 15.10.2025.", None),
            ("Saken følges opp i møte 11.02.2026.", None),
            ("Utvalet ber om å få rapport frå prosjektet", None),
        ];
        for (text, want) in cases {
            assert_eq!(responsible(text).as_deref(), *want, "{text}");
        }
    }

    #[test]
    fn routine_points() {
        let cases: &[(&str, bool)] = &[
            ("Innkallingen og saklisten godkjennes.", true),
            ("Innkalling og saksliste vert godkjend.", true),
            ("Protokoll fra møtet 11.06.2025 godkjennes.", true),
            ("Protokoll frå møtet 10.09.2025 vert godkjend.", true),
            ("SSU tar saken til orientering.", true),
            ("FSU Barn og unge tek orienteringa til vitande.", true),
            ("LSU Kristiansund tar orienteringen til etterretning.", true),
            ("SSU tar statusrapportene fra de faglige samarbeidsutvalgene til orientering.", true),
            ("SSU tar saken til orientering og ber sekretariatet lage en plan.", false),
            ("SSU godkjenner budsjett for sekretariatet 2026.", false),
            ("Saken sendes FSU Akuttmedisinsk kjede til orientering.", false),
            ("Rutinen skal evaluerast i møte 11.03.2026.", false),
            ("SSU ber LSU-ene følge opp lærepunktene.", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_routine(text), *want, "{text}");
        }
    }

    #[test]
    fn resolution_points() {
        let cases: &[(&str, bool)] = &[
            ("SSU godkjenner budsjett for sekretariatet 2026 med en ramme på 2 400 000 kr.", true),
            ("Partnerskapsmøtet godkjenner felles handlingsplan 2026.", true),
            ("Kostnadene fordeles slik:", true),
            ("Møteplanen for 2026 vert vedteken.", true),
            ("LSU Kristiansund gir følgende innspill til høringen:", true),
            ("FSU Barn og unge sluttar seg til forslaget frå arbeidsgruppa.", true),
            ("SSU støtter søknaden om midler til prosjektet.", true),
            ("SSU tildeler midler slik det går fram av vedlegget.", true),
            ("SSU slutter seg til innstillingen og tildeler 3 450 000 kr til fem tiltak, jf. vedlegg.", true),
            ("Høyringsfristen er 01.12.2025.", true),
            // actions: someone is asked to do something
            ("SSU godkjenner planen og ber sekretariatet sende den ut.", false),
            ("Leder sender innspillet til sekretariatet.", false),
            ("SSU ber FSU-ene revidere handlingsplanene.", false),
            ("Arbeidsgruppen skal legge fram kriterier.", false),
            ("Saken følges opp i møte 11.02.2026.", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_resolution(text), *want, "{text}");
        }
    }

    #[test]
    fn a_title_follow_up_narrows_to_the_points_the_text_names() {
        let r = Register::default();
        let mut case = Case {
            number: None,
            title: Some("Oppfølging sak 17/25 – kriterier for tilskudd 2026".into()),
            committee: None,
            date: None,
            owners: vec![],
            officers: vec![],
            proposal: vec![],
            decision: vec![Point { label: Some("1.".into()), text: "Kriteriene vedtas.".into(), ..Point::default() }],
            references: vec![],
            attachments: vec![],
            sections: vec![crate::record::Section {
                heading: "Bakgrunn".into(),
                text: "Viser til sak 17/25, vedtakspunkt 4, der arbeidsgruppen ble bedt om å legge fram forslag."
                    .into(),
            }],
            archive_ref: None,
            votes: vec![],
            at: None,
        };
        annotate_case(&mut case, &r);
        let f = &case.decision[0].follows_up;
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].case.key().as_str(), f[0].point.as_deref()), ("17/2025", Some("4")));
    }

    #[test]
    fn follow_up_phrases() {
        let r = Register::default();
        type Want<'a> = Option<(&'a str, Option<&'a str>, Option<&'a str>)>;
        let cases: &[(&str, Want)] = &[
            ("Oppfølging sak 3/25 – avvik ved utskrivning", Some(("3/2025", None, None))),
            ("Oppfølging av sak 3/24", Some(("3/2024", None, None))),
            ("jf. vedtak i sak 17/25 punkt 3", Some(("17/2025", Some("3"), None))),
            (
                "Revidert plan vert send SSU innan 15.10.2025, jf. vedtak i SSU sak 15/25.",
                Some(("15/2025", None, Some("SSU"))),
            ),
            (
                "Som oppfølging av LSU Ålesund sak 07.25 legg vi fram",
                Some(("7/2025", None, Some("LSU-ALESUND"))),
            ),
            ("Saka følgjer opp sak 12/25 i FSU Barn og unge.", Some(("12/2025", None, Some("FSU-BARN")))),
            ("Viser til sak 16/25. SSU ber FSU IKT se de to sakene i sammenheng.", None),
            ("I sak 15/25 vart det vedteke at planen skal reviderast.", None),
            ("Saka vart drøfta i LSU Ålesund sak 07.25.", None),
        ];
        for (text, want) in cases {
            let got = follows_up(text, &r);
            match want {
                None => assert!(got.is_empty(), "{text}: {got:?}"),
                Some((key, point, committee)) => {
                    let f = got.first().unwrap_or_else(|| panic!("{text}: no follow-up"));
                    assert_eq!(f.case.key(), *key, "{text}");
                    assert_eq!(f.point.as_deref(), *point, "{text}");
                    assert_eq!(f.committee.as_deref(), *committee, "{text}");
                }
            }
        }
    }

    #[test]
    fn the_deadline_word_prefilter_passes_every_sentence_its_pattern_matches() {
        for text in [
            "Fristen for sak 12/25 vert utsett til 01.03.2026.",
            "FRISTEN I SAK 9/25 FORLENGES TIL 31.01.26.",
            "Tidsfristen for sak 3/25 er flyttet til 1. juni 2026.",
            "Rapporteringsfristen i sak 21/25 vert endra til 10.02.2026",
        ] {
            assert!(DEADLINE_WORDS.any(text), "{text}");
        }
        for text in ["Saka vert utsett til møtet 11.02.2026.", "Sekretariatet følgjer opp."] {
            assert!(!DEADLINE_WORDS.any(text) && !DEADLINE_WORD_RE.is_match(text), "{text}");
        }
    }

    #[test]
    fn deadline_moves() {
        let r = Register::default();
        type Want<'a> = Option<(&'a str, Option<&'a str>, &'a str)>;
        let cases: &[(&str, Want)] = &[
            // must match: bokmål and nynorsk, the point before or after the case, dates in words
            (
                "Fristen for kartleggingsrapporten (sak 12/25) vert utsett til 01.03.2026.",
                Some(("12/2025", None, "2026-03-01")),
            ),
            (
                "Ny frist for punkt 2 i sak 14/25 er 15. april 2026.",
                Some(("14/2025", Some("2"), "2026-04-15")),
            ),
            ("Fristen i sak 9/25 punkt 3 forlenges til 31.01.26.", Some(("9/2025", Some("3"), "2026-01-31"))),
            ("Tidsfristen for sak 3/25 er flyttet til 1. juni 2026.", Some(("3/2025", None, "2026-06-01"))),
            (
                "Rapporteringsfristen i sak 21/25 vert endra til 10.02.2026",
                Some(("21/2025", None, "2026-02-10")),
            ),
            // must not: no moving phrase, no deadline word, no case, no date, a date before the phrase
            ("Fristen for sak 12/25 er 01.12.2025.", None),
            ("Saka vert utsett til møtet 11.02.2026, jf. sak 12/25.", None),
            ("Fristen vert utsett til 01.03.2026.", None),
            ("Fristen i sak 12/25 vert utsett.", None),
            ("Innen 01.12.2025 skal fristen i sak 12/25 utsettes til neste møte.", None),
            ("Høyringsfristen i sak 12/25 vert utsett til 01.03.2026.", None),
        ];
        for (text, want) in cases {
            let got = moves_deadline(text, &r);
            match want {
                None => assert!(got.is_empty(), "{text}: {got:?}"),
                Some((key, point, date)) => {
                    let m = got.first().unwrap_or_else(|| panic!("{text}: no move"));
                    assert_eq!(
                        (m.case.key().as_str(), m.point.as_deref(), m.deadline.as_str()),
                        (*key, *point, *date),
                        "{text}"
                    );
                    assert_eq!(m.context, *text, "{text}");
                }
            }
        }
        // the moving point: the date is not its own deadline, and it asks nobody to act
        let mut case = Case {
            title: Some("Status for kartlegginga".into()),
            decision: vec![Point {
                label: Some("1.".into()),
                text: "Fristen for kartleggingsrapporten (sak 12/25) vert utsett til 01.03.2026.".into(),
                ..Point::default()
            }],
            ..Case::numbered(None)
        };
        annotate_case(&mut case, &r);
        let p = &case.decision[0];
        assert_eq!(p.deadline, None);
        assert!(p.resolution, "{p:?}");
        assert_eq!(p.moves_deadline.len(), 1);
    }

    /// [`committee_at_end`] as it was defined: every form made and lower-cased.
    fn committee_at_end_as_defined(before: &str, register: &Register) -> Option<(String, usize)> {
        let t = before.trim_end();
        let lower = t.to_lowercase();
        let mut best: Option<(String, usize)> = None;
        for def in &register.committees {
            let mut forms: Vec<(String, bool)> = vec![(def.name.clone(), true), (def.code.clone(), false)];
            for n in &def.names {
                let n = if def.kind == CommitteeKind::Fsu { format!("FSU {n}") } else { n.clone() };
                forms.push((n, true));
            }
            forms.extend(def.abbrev.iter().map(|a| (a.clone(), false)));
            for (form, fold) in forms {
                if form.trim().is_empty() {
                    continue;
                }
                let hit = if fold { lower.ends_with(&form.to_lowercase()) } else { t.ends_with(&form) };
                if !hit {
                    continue;
                }
                let cut = if fold { lower.len() - form.to_lowercase().len() } else { t.len() - form.len() };
                if lower[..cut].chars().next_back().is_some_and(char::is_alphanumeric) {
                    continue;
                }
                let chars = lower[..cut].chars().count();
                let at = t.char_indices().nth(chars).map_or(t.len(), |(b, _)| b);
                if best.as_ref().is_none_or(|(_, b)| at < *b) {
                    best = Some((def.code.clone(), at));
                }
            }
        }
        best
    }

    #[test]
    fn committees_at_the_end_as_defined() {
        let r = Register::default();
        let mut texts: Vec<String> = vec![
            String::new(),
            " ".into(),
            "Oppfølging av".into(),
            "i LSU Ålesund".into(),
            "I LSU ÅLESUND  ".into(),
            "jf. vedtak i xSSU".into(),
            "İSTANBUL".into(),
            "ΣΣ".into(),
        ];
        for def in &r.committees {
            for n in def.names.iter().chain([&def.name, &def.code]).chain(&def.abbrev) {
                texts.push(format!("vedtak i {n}"));
                texts.push(format!("vedtak i FSU {}", n.to_uppercase()));
                texts.push(format!("vedtak i {}", n.to_lowercase()));
                texts.push(format!("vedtak i x{n}"));
            }
        }
        for t in &texts {
            assert_eq!(committee_at_end(t, &r), committee_at_end_as_defined(t, &r), "{t:?}");
        }
    }

    /// Every committee of the built-in register resolves from its name, its code and each name
    /// variant and abbreviation written before a case number.
    #[test]
    fn references_resolve_every_register_committee() {
        let r = Register::default();
        for def in &r.committees {
            let mut forms = vec![def.name.clone(), def.code.clone()];
            for n in &def.names {
                forms.push(if def.kind == CommitteeKind::Fsu { format!("FSU {n}") } else { n.clone() });
            }
            forms.extend(def.abbrev.iter().cloned());
            for form in forms {
                let text = format!("Oppfølging av {form} sak 07.25: status");
                let got = follows_up(&text, &r);
                assert_eq!(
                    got.first().and_then(|f| f.committee.as_deref()),
                    Some(def.code.as_str()),
                    "{text}"
                );
                let text = format!("jf. vedtak i sak 07.25 i {form}.");
                let got = follows_up(&text, &r);
                assert_eq!(
                    got.first().and_then(|f| f.committee.as_deref()),
                    Some(def.code.as_str()),
                    "{text}"
                );
            }
        }
    }
}
