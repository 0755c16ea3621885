//! Case papers: a document may hold many cases, split on `SAKSFREMLEGG`/`Saksframlegg` markers
//! and case headers (`Sak: 18/24 Title`, `PS 22/2025 Title`, a heading `21/23 Title`, a protocol
//! line `… behandling av sak 12/2025`). A document without headers but with a proposal or a
//! decision is one case, numbered by the first case number in its opening lines.
//!
//! Within a case: fields (`Utvalg:`, `Dato:`, `Saksansvarlig:`, `Saksbehandler:` …), sections
//! under heading-like lines, the proposal (*Forslag til vedtak*, *Innstilling* …) and decision
//! (*Vedtak*) as point trees, attachments under *Vedlegg*, and references to other cases with the
//! sentence they stand in.

use super::prefilter::{has_char, Words};
use super::{casenum, committee, dates, meeting::field, minutes, votes, Line, LineKind};
use crate::config::Register;
use crate::lexicon::{self, c as lc};
use crate::record::{Case, CaseNum, CaseRef, Committee, Point, Section};
use regex::Regex;
use std::sync::LazyLock;

/// What extraction knows about the document around its cases.
pub struct Ctx<'a> {
    pub register: &'a Register,
    pub meeting_date: Option<String>,
    pub year: Option<u32>,
    pub committee: Option<Committee>,
    /// The committee of each `Utvalg:` field value read so far in the document
    /// (`committee::from_field`, which searches the whole register): the cases of a protocol
    /// repeat the same value.
    pub field_committees: std::cell::RefCell<std::collections::HashMap<String, Option<Committee>>>,
}

impl Ctx<'_> {
    /// `committee::from_field(value, self.register)`, found once per value and document.
    fn committee_of_field(&self, value: &str) -> Option<Committee> {
        if let Some(known) = self.field_committees.borrow().get(value) {
            return known.clone();
        }
        let found = committee::from_field(value, self.register);
        self.field_committees.borrow_mut().insert(value.to_string(), found.clone());
        found
    }
}

fn lexicon_regex(pattern: String) -> Regex {
    Regex::new(&pattern).unwrap_or_else(|_| Regex::new("$^").expect("valid regex"))
}

/// A proposal heading: `[Kommunedirektørens] forslag til vedtak [fra …] [(…)]`, `Innstilling`,
/// `Tilråding`, `Framlegg til vedtak` (words from the lexicon).
static PROPOSAL: LazyLock<Regex> = LazyLock::new(|| {
    let who = lexicon::alternation(lc::PROPOSER);
    let what = lexicon::alternation(lc::PROPOSAL);
    let decision = lexicon::alternation(lc::DECISION);
    lexicon_regex(format!(
        r"(?i)^(?:(?:{who})\s+)?(?:{what})(?:\s+til\s+(?:{decision}|{what}|vedtak/innstilling))?(?:\s+(?:fra|frå)\s+\S+(?:\s+\S+){{0,4}})?(?:\s*\([^)]*\))?$"
    ))
});
/// A decision heading: `Vedtak`, `Formannskapets vedtak`, `Endeleg vedtak`, `Vedtak i SSU`.
static DECISION: LazyLock<Regex> = LazyLock::new(|| {
    let decision = lexicon::alternation(lc::DECISION);
    lexicon_regex(format!(r"(?i)^(?:\S+s\s+)?(?:{decision})(?:\s+i\s+\S+(?:\s+\S+)?)?(?:\s*\([^)]*\))?$"))
});
/// An attachments heading: `Vedlegg`, `Trykte vedlegg`, `Vedlegg 2`.
static ATTACH: LazyLock<Regex> = LazyLock::new(|| {
    let attach = lexicon::alternation(lc::FIELD_ATTACHMENTS);
    lexicon_regex(format!(r"(?i)^(?:{attach})(?:\s*[0-9]+)?$"))
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Proposal,
    Decision,
    Attachments,
    Other,
}

fn heading_text(l: &Line) -> String {
    l.text.trim().trim_end_matches([':', ';']).trim().to_string()
}

/// The body's code and the case number printed before a proposal or decision label by a case
/// system: `KS- 064/21 Vedtak`, `KST - 142/21 Vedtak`, `142/2021 Vedtak`, `LEV - Tilråding`,
/// `Kommunestyret - Vedtak`. Group `num` holds the case number.
static LABEL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    lexicon_regex(
        r"^(?:\p{Lu}\p{L}*(?:\s+\p{L}+){0,2}\s*[-–—]\s*)?(?:(?P<num>[0-9]{1,4}\s*/\s*(?:[0-9]{4}|[0-9]{2}))\s+)?"
            .to_string(),
    )
});
/// The body and date, or the adoption, printed after a label: `Vedtak - Kommunestyret
/// 09.12.2021`, `Vedtak, enstemmig`.
static LABEL_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    let unan = lexicon::alternation(lc::VOTE_UNANIMOUS);
    lexicon_regex(format!(
        r"(?:\s*[-–—]\s*\p{{Lu}}\p{{L}}*(?:\s+\p{{L}}+){{0,2}}(?:\s+[0-9]{{1,2}}\.[0-9]{{1,2}}\.[0-9]{{2,4}})?|\s*,\s*(?i:{unan}))$"
    ))
});

/// The prefilter of [`LABEL_SUFFIX`]: each of its forms starts with a dash or a comma.
const LABEL_SUFFIX_MARKS: &[char] = &['-', '–', '—', ','];

/// The prefilter of [`part_of`] (see [`super::prefilter`]): every part heading holds a
/// proposal, decision or attachments word of the lexicon ([`PROPOSAL`], [`DECISION`],
/// [`ATTACH`] each need one).
static PART_WORDS: LazyLock<Words> = LazyLock::new(|| {
    Words::new([lc::PROPOSAL, lc::DECISION, lc::FIELD_ATTACHMENTS].iter().flat_map(|k| lexicon::forms(k)))
});
/// The prefilter of [`label_number`]: a decision label holds a decision word.
static DECISION_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(lexicon::forms(lc::DECISION)));

/// The label's core (`Vedtak` of `KS- 064/21 Vedtak`) that matches `is_label`, and the case
/// number printed with it.
fn label_core(t: &str, is_label: impl Fn(&str) -> bool) -> Option<(String, Option<CaseNum>)> {
    if t.chars().count() > LABEL_MAX_CHARS {
        return None;
    }
    let (rest, num) = match LABEL_PREFIX.captures(t) {
        Some(c) => (
            c.get(0).map_or(t, |m| &t[m.end()..]),
            c.name("num").and_then(|m| casenum::parse_value(m.as_str())),
        ),
        None => (t, None),
    };
    let no_suffix = |s: &str| {
        if !has_char(s, LABEL_SUFFIX_MARKS) {
            return s.to_string();
        }
        LABEL_SUFFIX.find(s).map_or(s.to_string(), |m| s[..m.start()].to_string())
    };
    [rest.to_string(), no_suffix(rest), no_suffix(t)]
        .into_iter()
        .find(|c| !c.is_empty() && is_label(c))
        .map(|c| (c, num))
}

/// Most characters of a proposal or decision label with its case-system context.
const LABEL_MAX_CHARS: usize = 90;

/// The case number printed in a decision label (`KS- 064/21 Vedtak:` → 64/2021): whose decision it is.
fn label_number(l: &Line) -> Option<CaseNum> {
    if l.is_item() || l.kind == LineKind::Table || !DECISION_WORDS.any(&l.text) {
        return None;
    }
    label_core(&heading_text(l), |c| DECISION.is_match(c)).and_then(|(_, n)| n)
}

/// The special part a heading opens, if any.
fn part_of(l: &Line) -> Option<Part> {
    // a protocol numbers the proposals it sets against each other (`1)` / `Innstilling:`): an
    // item whose whole text is a part heading with its colon is that heading
    let labelled_heading = l.is_item() && l.text.trim_end().ends_with(':');
    if l.is_item() && !labelled_heading || l.kind == LineKind::Table || !PART_WORDS.any(part_window(&l.text))
    {
        return None;
    }
    let t = heading_text(l);
    // `Vedtak til sak 6/24`, `Vedtak i SSU sak 23/25`: another case's decision, quoted
    if !casenum::find_prefixed(&t).is_empty() {
        return None;
    }
    // each pattern asked of the heading once
    let (proposal, decision) = (PROPOSAL.is_match(&t), DECISION.is_match(&t));
    if !proposal && !decision && !labelled_heading && ATTACH.is_match(&t) {
        return Some(Part::Attachments);
    }
    if proposal {
        return Some(Part::Proposal);
    }
    if decision {
        return Some(Part::Decision);
    }
    let core = label_core(&t, |c| PROPOSAL.is_match(c) || DECISION.is_match(c)).map(|(c, _)| c)?;
    if PROPOSAL.is_match(&core) {
        Some(Part::Proposal)
    } else if DECISION.is_match(&core) {
        Some(Part::Decision)
    } else {
        None
    }
}

/// Where in a line [`part_of`] can find its word: the whole of a line as short as a label with
/// its case-system context ([`LABEL_MAX_CHARS`]); in a longer line only the first words, since
/// [`PROPOSAL`], [`DECISION`] and [`ATTACH`] are anchored at the start and put at most a
/// proposer's name ([`PROPOSAL`]) before the word. Most lines are sentences far longer than a
/// heading: their scan stops after a few words.
fn part_window(text: &str) -> &str {
    let t = text.trim().trim_end_matches([':', ';']).trim();
    if t.len() <= LABEL_MAX_CHARS || t.chars().count() <= LABEL_MAX_CHARS {
        return text;
    }
    let words = *PART_WINDOW_WORDS;
    match t.split_whitespace().nth(words - 1) {
        // the end of the window's last word
        Some(last) => &t[..last.as_ptr() as usize - t.as_ptr() as usize + last.len()],
        None => t,
    }
}

/// Words of a long line [`part_window`] looks at: a proposer's name of the most words in the
/// lexicon, then the part's own word.
static PART_WINDOW_WORDS: LazyLock<usize> = LazyLock::new(|| {
    1 + lexicon::forms(lc::PROPOSER).iter().map(|f| f.split_whitespace().count()).max().unwrap_or(0).max(1)
});

/// A line that opens a proposal or a decision (`Forslag til vedtak`, `Vedtak`).
pub fn opens_points(l: &Line) -> bool {
    matches!(part_of(l), Some(Part::Proposal | Part::Decision))
}

/// A line that reads as a heading: a heading block, a bold short line, or a short line without
/// closing punctuation.
pub fn heading_like(l: &Line) -> bool {
    heading_like_given(l, || part_of(l), || field(l.text.trim()).is_some_and(|(_, v)| !v.is_empty()))
}

/// [`heading_like`] with the line's part and whether it is a field with a value, where the
/// caller has them already (each is asked only when needed).
fn heading_like_given(
    l: &Line,
    part: impl FnOnce() -> Option<Part>,
    valued_field: impl FnOnce() -> bool,
) -> bool {
    match l.kind {
        LineKind::Heading(_) => return true,
        LineKind::Para => {}
        _ => return false,
    }
    let t = l.text.trim();
    let words = t.split_whitespace().count();
    if words == 0 {
        return false;
    }
    if part().is_some() {
        return true;
    }
    if valued_field() {
        return false;
    }
    let first_upper = t.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    if l.bold && words <= 15 && first_upper {
        return true;
    }
    let colon_ok = !t.ends_with(':') || words <= 4;
    first_upper
        && words <= 10
        && colon_ok
        && !t.ends_with(['.', ',', ';', '!', '?'])
        && !t.starts_with(['«', '"'])
}

fn is_marker(l: &Line) -> bool {
    !l.is_item() && lexicon::is(lc::CASE_MARKER, l.text.trim().trim_end_matches(':'))
}

/// A case header: `(number, title)`.
fn header(l: &Line) -> Option<(CaseNum, String)> {
    if l.is_item()
        || l.kind == LineKind::Table
        || l.text.len() > HEADER_MAX_CHARS && l.text.chars().count() > HEADER_MAX_CHARS
    {
        return None;
    }
    let t = l.text.trim();
    // the number first (most lines have none at their start), then the field test
    let prefixed = casenum::find_prefixed_at_start(t);
    let (n, rest) = match prefixed {
        Some((n, _, e)) => (n, &t[e..]),
        // (no case word at the start: what `parse_bare` reads is a bare number)
        None if matches!(l.kind, LineKind::Heading(_)) || l.bold => casenum::parse_bare_digits(t)?,
        // `064/21: Title` (a case system's header printed as a plain paragraph): the colon after
        // the number makes it a header, as a case list's `064/21 Title` without one is not
        None => casenum::parse_bare_digits(t).filter(|(_, rest)| colon_title(rest))?,
    };
    // `Saksnr.: 09-2025` is a field, read with the other fields; `Sak: 18/24 Title` is a header
    if field(t).is_some_and(|(k, _)| k != "sak") {
        return None;
    }
    let mut title = rest
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '.'))
        .trim();
    // a protocol's treatment line printed on the title's last line belongs to the body
    if let Some(cut) = (1..title.len())
        .rev()
        .filter(|i| title.is_char_boundary(*i))
        .find(|i| title[..*i].ends_with(' ') && minutes::behandling(&title[*i..]).is_some())
    {
        title = title[..cut].trim_end();
    }
    Some((n, title.to_string()))
}

/// Most characters of a case header line.
const HEADER_MAX_CHARS: usize = 250;

/// Most words of a letterhead line (`Helse Møre og Romsdal HF`).
const LETTERHEAD_MAX_WORDS: usize = 6;
/// Most words besides the case number on a marker line above a title (`Partnerskapsmøte sak 07-2026`).
const NUMBER_LINE_MAX_WORDS: usize = 2;

/// A line printed above a paper's title that is not its title: a letterhead (an organisation's
/// name: capitalised words ending in an organisation word from the lexicon, `Tindeland kommune`,
/// `Helse Nordvik HF`), a document marker (`SAKSFRAMLEGG`, `Møteprotokoll`), a line that only
/// carries the case number (`Partnerskapsmøte sak 07-2026`, `Sak 12/25`) or a date alone.
fn above_title(l: &Line) -> bool {
    let t = l.text.trim();
    if is_marker(l) || lexicon::is(lc::MINUTES, t) || lexicon::is(lc::INVITATION, t) {
        return true;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let letterhead = (2..=LETTERHEAD_MAX_WORDS).contains(&words.len())
        && words.last().is_some_and(|w| lexicon::is(lc::ORGANISATION_HEAD, w))
        && words[..words.len() - 1]
            .iter()
            .all(|w| w.starts_with(char::is_uppercase) || lexicon::is(lc::NAME_JOINER, w))
        && !t.contains([':', '.', ','])
        || words.len() == 1 && lexicon::is(lc::ORGANISATION_HEAD, t);
    if letterhead {
        return true;
    }
    if let Some((_, s, e)) = casenum::find_prefixed(t).into_iter().next() {
        let rest = format!("{} {}", &t[..s], &t[e..]);
        if rest.split_whitespace().count() <= NUMBER_LINE_MAX_WORDS {
            return true;
        }
    }
    dates::first_date(t, None).is_some()
        && t.split_whitespace().count() <= 2
        && !t.contains(char::is_alphabetic)
}

/// `: Title` after a bare case number: a colon, then a capitalised word.
fn colon_title(rest: &str) -> bool {
    rest.strip_prefix(':')
        .is_some_and(|r| r.starts_with(char::is_whitespace) && r.trim_start().starts_with(char::is_uppercase))
}

/// Split persons on `/`, `,` and ` og `.
fn people(v: &str) -> Vec<String> {
    super::agenda::split_people(v)
}

/// The sentence around byte range `[s, e)` of `text`.
fn sentence(text: &str, s: usize, e: usize) -> String {
    let bytes = text.as_bytes();
    // the sentence, within a bounded window around the match: one sentence naming thousands of
    // cases stores a window per reference, not the whole sentence each time
    let floor = s.saturating_sub(super::MAX_CONTEXT_BYTES);
    let ceiling = e.saturating_add(super::MAX_CONTEXT_BYTES).min(bytes.len());
    let mut a = s;
    while a > floor {
        let c = bytes.get(a - 1).copied().unwrap_or(b' ');
        if (c == b'.' || c == b'!' || c == b'?') && bytes.get(a).is_some_and(|n| *n == b' ') {
            break;
        }
        a -= 1;
    }
    let mut b = e;
    while b < ceiling {
        let c = bytes[b];
        if (c == b'.' || c == b'!' || c == b'?') && bytes.get(b + 1).is_none_or(|n| *n == b' ') {
            b += 1;
            break;
        }
        b += 1;
    }
    while a < text.len() && !text.is_char_boundary(a) {
        a += 1;
    }
    while b < text.len() && !text.is_char_boundary(b) {
        b += 1;
    }
    text.get(a..b.min(text.len())).map(|s| s.trim().to_string()).unwrap_or_default()
}

/// Case starts: (line index where the case begins, header line index, number, title). A marker
/// (`SAKSFREMLEGG`) opens a case; a header that follows it before any proposal or decision gives
/// that case its number and title. A header without a marker opens a case of its own.
fn starts(lines: &[Line], parts: &[Option<Part>]) -> Vec<(usize, usize, Option<CaseNum>, String)> {
    let mut out: Vec<(usize, usize, Option<CaseNum>, String)> = Vec::new();
    let mut open_marker: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        if is_marker(l) {
            out.push((i, i, None, String::new()));
            open_marker = Some(out.len() - 1);
            continue;
        }
        if matches!(parts.get(i).copied().flatten(), Some(Part::Proposal | Part::Decision)) {
            open_marker = None;
        }
        let found = header(l).or_else(|| minutes::behandling(&l.text).map(|(n, _)| (n, String::new())));
        let Some((n, title)) = found else { continue };
        let last_num = out.last().and_then(|c| c.2.clone());
        let same = |n: &CaseNum| last_num.as_ref().is_some_and(|c| c.seq == n.seq && c.year == n.year);
        if let Some(k) = open_marker.take() {
            if let Some(c) = out.get_mut(k) {
                *c = (c.0, i, Some(n), title);
            }
            continue;
        }
        if same(&n) {
            // the same header again (a case list's entry, then the case's own heading): the case
            // starts at the later one; a treatment line under its header changes nothing
            let is_header = !title.is_empty();
            if let Some(last) = out.last_mut().filter(|c| is_header && !c.3.is_empty()) {
                *last = (i, i, Some(n), title);
            }
            continue;
        }
        out.push((i, i, Some(n), title));
    }
    out
}

/// All cases in the document, and warnings (placeholders).
pub fn extract(lines: &[Line], ctx: &Ctx) -> (Vec<Case>, Vec<String>) {
    // each line's part, asked once for the case starts, the titles and the bodies
    let parts: Vec<Option<Part>> = lines.iter().map(part_of).collect();
    let part_at = |i: usize| parts.get(i).copied().flatten();
    let mut found = starts(lines, &parts);
    let starts_empty = found.is_empty();
    if found.is_empty() {
        if !parts.iter().any(|p| matches!(p, Some(Part::Proposal | Part::Decision))) {
            return (Vec::new(), Vec::new());
        }
        // one case: numbered by the first case number near the top, titled by the first line
        let num = lines
            .iter()
            .take(8)
            .filter(|l| !l.is_item())
            .find_map(|l| casenum::find_prefixed(&l.text).into_iter().next());
        let title_at = lines.iter().enumerate().position(|(i, l)| {
            matches!(l.kind, LineKind::Heading(_) | LineKind::Para)
                && field(&l.text).is_none()
                && part_at(i).is_none()
                && !above_title(l)
        });
        let title = title_at.and_then(|i| lines.get(i)).map(|l| l.text.clone()).unwrap_or_default();
        found.push((0, title_at.unwrap_or(usize::MAX), num.map(|(n, _, _)| n), title));
    }
    let fallback = starts_empty;
    let mut cases = Vec::new();
    let mut warnings = Vec::new();
    for (k, (begin, head, number, title)) in found.iter().enumerate() {
        let end = found.get(k + 1).map_or(lines.len(), |n| n.0);
        // a title wrapped onto the next line goes on there
        let mut title = title.clone();
        let wrapped = (!title.is_empty() && !fallback && head + 1 < end)
            .then(|| lines.get(head + 1))
            .flatten()
            .filter(|next| title_goes_on(&title, next, part_at(head + 1), ctx));
        if let Some(next) = wrapped {
            title = format!("{} {}", title.trim_end(), next.text.trim());
        }
        let skip = if wrapped.is_some() { head + 1 } else { usize::MAX };
        // the body: from the marker (or header) to the next case, without the header line
        let from = if fallback || *head == usize::MAX { 0 } else { begin + 1 };
        let (body, body_parts): (Vec<&Line>, Vec<Option<Part>>) = (from..end)
            .filter(|i| i != head && *i != skip)
            .filter_map(|i| Some((lines.get(i)?, part_at(i))))
            .unzip();
        let header_line = lines.get(*head);
        cases.push(one(&body, &body_parts, number.clone(), title, header_line, ctx, &mut warnings));
    }
    (dedupe(cases), warnings)
}

/// Most words of the line a case title wraps onto.
const TITLE_WRAP_MAX_WORDS: usize = 12;

/// Whether the line after a case header holds the rest of its title: a short line that is no
/// part, field, header or route heading, which starts in lower case, or follows a title ending on
/// a function word or a hyphen (`… plan- og` / `bygningslova for Sveio kommune`), or is a year
/// alone (`… og folkehelse` / `2022`).
fn title_goes_on(title: &str, next: &Line, next_part: Option<Part>, ctx: &Ctx) -> bool {
    if next.is_item() || next.kind == LineKind::Table || next_part.is_some() || is_marker(next) {
        return false;
    }
    let t = next.text.trim();
    let words = t.split_whitespace().count();
    if words == 0
        || words > TITLE_WRAP_MAX_WORDS
        || t.ends_with(':')
        || field(t).is_some()
        || header(next).is_some()
        || minutes::route_heading(t, ctx.register).is_some()
    {
        return false;
    }
    let last = title.split_whitespace().last().unwrap_or_default();
    let open_end = last.ends_with(['-', '–']) || lexicon::is(lc::FUNCTION_WORD, last);
    let lower = t.starts_with(char::is_lowercase);
    let year = dates::year4(t).is_some() && t.len() == 4;
    lower || open_end || year
}

/// A case number seen twice (a meeting's case list, then the case itself) is one case: the
/// occurrence with the most proposal, decision and votes is kept, at its own place.
fn dedupe(cases: Vec<Case>) -> Vec<Case> {
    // content that only the case itself has; a tie goes to the later occurrence (a meeting's
    // case list comes before the cases). One pass with a map: linear in the number of cases.
    let weight = |c: &Case| c.proposal.len() + c.decision.len() + c.votes.len();
    let mut best: std::collections::BTreeMap<String, (usize, usize)> = std::collections::BTreeMap::new();
    for (j, c) in cases.iter().enumerate() {
        if let Some(k) = c.number.as_ref().map(CaseNum::key) {
            let w = (weight(c), j);
            let e = best.entry(k).or_insert(w);
            if w > *e {
                *e = w;
            }
        }
    }
    cases
        .into_iter()
        .enumerate()
        .filter(|(j, c)| c.number.as_ref().is_none_or(|n| best.get(&n.key()).is_some_and(|(_, b)| b == j)))
        .map(|(_, c)| c)
        .collect()
}

/// One case from its body's lines and each line's part ([`part_of`]).
fn one(
    body: &[&Line],
    body_parts: &[Option<Part>],
    number: Option<CaseNum>,
    mut title: String,
    header_line: Option<&Line>,
    ctx: &Ctx,
    warnings: &mut Vec<String>,
) -> Case {
    let mut case = Case {
        number,
        title: None,
        committee: None,
        date: None,
        owners: Vec::new(),
        officers: Vec::new(),
        proposal: Vec::new(),
        decision: Vec::new(),
        references: Vec::new(),
        attachments: Vec::new(),
        sections: Vec::new(),
        archive_ref: None,
        votes: Vec::new(),
        at: header_line.or_else(|| body.first().copied()).and_then(|l| l.at),
    };
    // a case opened by `SAKSFRAMLEGG` without a number still has its title after the fields;
    // a case opened by a protocol's treatment line has no title line below it (`Behandling` is
    // a section)
    let opened_by_marker = header_line.is_some_and(is_marker);
    let opened_by_treatment = header_line.is_some_and(|l| minutes::behandling(&l.text).is_some());
    // a date in the title is the title's (`Protokoll frå møte 17.11.2021`), not the case's
    let mut header_date = header_line.and_then(|l| {
        let t = if title.trim().is_empty() { l.text.clone() } else { l.text.replace(title.trim(), "") };
        dates::first_date(&t, ctx.year)
    });
    if header_date.is_none() {
        if let Some(n) = &case.number {
            // the line that gave the number may carry the date (`Viser til sak 11/24 i SSU-møte, 13.03.2024`)
            header_date = body
                .iter()
                .take(8)
                .find(|l| casenum::find_prefixed(&l.text).iter().any(|(m, _, _)| m.key() == n.key()))
                .and_then(|l| dates::first_date(&l.text, ctx.year));
        }
    }
    let mut i = 0;
    let mut seen_section = false;
    let mut current: Option<(Part, String, Vec<&Line>)> = None;
    let mut parts: Vec<(Part, String, Vec<&Line>)> = Vec::new();
    // under a route heading of another treatment (an earlier body's, on another date): quoted
    let mut foreign = false;
    let mut routed = false;
    let mut own_lines: Vec<&Line> = Vec::with_capacity(body.len());
    // each own line's vote events, found once (asked below and by `votes::find_given`)
    let mut own_votes: Vec<votes::LineVotes> = Vec::with_capacity(body.len());
    while i < body.len() {
        let l = body[i];
        let part = body_parts.get(i).copied().flatten();
        i += 1;
        if !l.is_item() && l.kind != LineKind::Table {
            if let Some((date, name)) = minutes::route_heading(&l.text, ctx.register) {
                foreign = foreign_treatment(&date, &name, ctx);
                routed = true;
                seen_section = true;
                if let Some(c) = current.take() {
                    parts.push(c);
                }
                current = Some((Part::Other, heading_text(l), Vec::new()));
                continue;
            }
        }
        if foreign {
            if let Some((_, _, content)) = current.as_mut() {
                content.push(l);
            }
            continue;
        }
        own_lines.push(l);
        own_votes.push(votes::LineVotes::of(l));
        // asked of every line below, once: the field it is (the part it opens is asked above)
        let fld = field(&l.text);
        // a letterhead or a marker line above the title opens no section
        if !seen_section && l.kind != LineKind::Table && !l.is_item() && fld.is_none() && above_title(l) {
            continue;
        }
        if let Some(v) = fld.as_ref().filter(|(k, v)| k == "vedlegg" && !v.is_empty()).map(|(_, v)| *v) {
            case.attachments.extend(
                v.split(';').map(|s| s.trim().trim_end_matches('.').to_string()).filter(|s| !s.is_empty()),
            );
            continue;
        }
        if !seen_section && !l.is_item() {
            if let Some((k, v)) = &fld {
                let v = *v;
                // the key's concepts found once (`is(c, k)` for each, see `lexicon::concepts_of`)
                let concepts = lexicon::concepts_of(k);
                let is = |concept: &str| concepts.iter().any(|c| c == concept);
                let handled = if is(lc::FIELD_COMMITTEE) {
                    case.committee = ctx.committee_of_field(v);
                    true
                } else if is(lc::FIELD_DATE) || is(lc::FIELD_MEETING_DATE) {
                    case.date = case.date.take().or_else(|| dates::first_date(v, ctx.year));
                    true
                } else if is(lc::FIELD_OWNER) {
                    case.owners = people(v);
                    true
                } else if is(lc::FIELD_OFFICER) {
                    case.officers = people(v);
                    true
                } else if is(lc::FIELD_CASE_NUMBER) {
                    if case.number.is_none() {
                        case.number = casenum::parse_value(v);
                    }
                    true
                } else if is(lc::FIELD_ARCHIVE) {
                    if case.archive_ref.is_none() && !v.is_empty() {
                        case.archive_ref = Some(v.to_string());
                    }
                    true
                } else if is(lc::FIELD_ATTACHMENTS) && !v.is_empty() {
                    case.attachments
                        .extend(v.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
                    true
                } else {
                    false
                };
                if handled {
                    continue;
                }
            }
        }
        if title.is_empty()
            && !opened_by_treatment
            && (case.number.is_some() || opened_by_marker)
            && !seen_section
            && l.kind != LineKind::Table
            && !l.is_item()
            && part.is_none()
            && fld.is_none()
            && !above_title(l)
        {
            title = l.text.clone();
            continue;
        }
        // a flattened attachment table: a bare running number, then the attachment's title
        let bare_number = |t: &str| !t.trim().is_empty() && t.trim().chars().all(|ch| ch.is_ascii_digit());
        let in_attachments = current.as_ref().is_some_and(|(p, _, _)| *p == Part::Attachments);
        let after_running_number = in_attachments
            && current.as_ref().is_some_and(|(_, _, c)| c.last().is_some_and(|x| bare_number(&x.text)));
        if in_attachments && bare_number(&l.text) || after_running_number && part.is_none() && !l.is_item() {
            if let Some((_, _, content)) = current.as_mut() {
                content.push(l);
            }
            continue;
        }
        let mut opens = part;
        // `FS- 090/21 Vedtak:` under case 066/21: another body's decision in another case, quoted
        if opens == Some(Part::Decision) {
            let own = case.number.as_ref().map(CaseNum::key);
            if label_number(l).is_some_and(|n| own.is_some_and(|o| o != n.key())) {
                opens = Some(Part::Other);
            }
        }
        // the first line under `Vedtak`/`Innstilling` is its text, however short
        let first_of_points = current
            .as_ref()
            .is_some_and(|(p, _, c)| matches!(p, Part::Proposal | Part::Decision) && c.is_empty());
        let valued_field = || fld.as_ref().is_some_and(|(_, v)| !v.is_empty());
        if opens.is_some() || heading_like_given(l, || opens, valued_field) && !first_of_points {
            seen_section = true;
            if let Some(c) = current.take() {
                parts.push(c);
            }
            current = Some((opens.unwrap_or(Part::Other), heading_text(l), Vec::new()));
            continue;
        }
        match current.as_mut() {
            Some((part, _, content)) => {
                // a list-style proposal ends at the first plain paragraph after its items
                let list_started = content.first().is_some_and(|f| f.is_item());
                let point_part = matches!(part, Part::Proposal | Part::Decision);
                if point_part
                    && (list_started
                        && l.kind == LineKind::Para
                        && !continues_list(content, body.get(i..).unwrap_or_default())
                        || own_votes.last().is_some_and(votes::LineVotes::is_vote)
                        || minutes::is_motion(&l.text)
                        || l.kind == LineKind::Table)
                {
                    let done = current.take();
                    if let Some(c) = done {
                        parts.push(c);
                    }
                    current = Some((Part::Other, String::new(), vec![l]));
                    continue;
                }
                content.push(l);
            }
            None => current = Some((Part::Other, String::new(), vec![l])),
        }
    }
    if let Some(c) = current.take() {
        parts.push(c);
    }
    // a protocol that prints the administration's proposal without a label, directly under the
    // case header and before the first treatment: that text is the proposal
    if routed && !parts.iter().any(|(p, _, _)| *p == Part::Proposal) {
        if let Some(first) =
            parts.first_mut().filter(|(p, h, c)| *p == Part::Other && h.is_empty() && !c.is_empty())
        {
            first.0 = Part::Proposal;
        }
    }
    let label = case.number.as_ref().map_or("(unnumbered)".to_string(), |n| n.short());
    for (part, heading, content) in &parts {
        match part {
            Part::Proposal | Part::Decision => {
                let content = point_lines(content);
                let mut points = points(&content);
                announce_placeholders(&mut points);
                let what = if *part == Part::Proposal { "proposal" } else { "decision" };
                for p in placeholder_paths(&points, "") {
                    warnings.push(format!(
                        "case {label}: {what} point {p} is a placeholder (the text is not finished)"
                    ));
                }
                let target = if *part == Part::Proposal { &mut case.proposal } else { &mut case.decision };
                if target.is_empty() {
                    *target = points;
                }
            }
            Part::Attachments => {
                for l in content {
                    let t = l.text.trim();
                    // a bare running number of a flattened attachment table is not a title
                    let number_only = t.chars().all(|c| c.is_ascii_digit() || c == '.');
                    if !t.is_empty() && !number_only && t.chars().count() <= 200 {
                        case.attachments.push(t.trim_end_matches(['.', ';']).to_string());
                    }
                }
            }
            Part::Other => {
                let text = content
                    .iter()
                    .filter(|l| l.kind != LineKind::Table && !l.text.is_empty())
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                if !heading.is_empty() || !text.is_empty() {
                    case.sections.push(Section { heading: heading.clone(), text });
                }
            }
        }
    }
    case.votes = votes::find_given(&own_lines, &own_votes);
    // references: every case number written with a case word or a body's code, except the
    // case's own
    let own = case.number.as_ref().map(|n| n.key());
    let mut texts: Vec<&str> = vec![title.as_str()];
    texts.extend(body.iter().map(|l| l.text.as_str()));
    for t in texts {
        for (n, s, e) in casenum::find_references(t) {
            if Some(n.key()) == own || case.references.iter().any(|r| r.number.key() == n.key()) {
                continue;
            }
            case.references.push(CaseRef { context: sentence(t, s, e), number: n });
        }
    }
    let title = title.trim().to_string();
    case.title = (!title.is_empty()).then_some(title);
    case.date = case.date.or(header_date).or_else(|| ctx.meeting_date.clone());
    if case.committee.is_none() {
        case.committee = ctx.committee.clone();
    }
    case
}

/// Whether a route heading names another treatment than this meeting's: another date than the
/// meeting's, or (no meeting date known) another body than the document's.
fn foreign_treatment(date: &str, name: &str, ctx: &Ctx) -> bool {
    if let Some(m) = &ctx.meeting_date {
        return m != date;
    }
    match (&ctx.committee, committee::find(name, ctx.register, true)) {
        (Some(own), Some(other)) => own.name != other.name,
        (Some(own), None) => !crate::util::fold(&own.name).eq_ignore_ascii_case(&crate::util::fold(name)),
        _ => false,
    }
}

/// Most lines a paragraph may interrupt a numbered list and the list still go on after it.
const LIST_INTERRUPTION_MAX: usize = 3;

/// After a paragraph that interrupts a proposal's numbered list: whether the list goes on (the
/// next numbered item within [`LIST_INTERRUPTION_MAX`] lines carries the next number).
fn continues_list(content: &[&Line], rest: &[&Line]) -> bool {
    let number = |l: &Line| match &l.kind {
        LineKind::Item { label: Some(lab), .. } => lab.trim_end_matches(['.', ')']).parse::<u32>().ok(),
        _ => None,
    };
    let Some(last) = content.iter().rev().find_map(|l| number(l)) else { return false };
    rest.iter().take(LIST_INTERRUPTION_MAX).find_map(|l| number(l)).is_some_and(|n| n == last + 1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum LabelKind {
    Para,
    Number,
    Letter,
    Roman,
    Bullet,
}

fn label_kind(label: Option<&str>, prev: Option<(LabelKind, Option<&str>)>) -> LabelKind {
    let Some(l) = label else { return LabelKind::Bullet };
    let core = l.trim_end_matches(['.', ')']);
    if core.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return LabelKind::Number;
    }
    // single `c.`/`l.` are letters; `i.`, `v.`, `x.` and longer runs are roman
    let roman = !core.is_empty()
        && core.chars().all(|c| "ivxlcIVXLC".contains(c))
        && (core.chars().count() > 1 || "ivxIVX".contains(core));
    if roman {
        // `i.` right after `h.` is a letter
        let after_letter = prev.is_some_and(|(k, p)| {
            k == LabelKind::Letter
                && p.and_then(|p| p.chars().next())
                    .is_some_and(|c| core.chars().next().is_some_and(|r| (c as u32) + 1 == r as u32))
        });
        if !(core.chars().count() == 1 && after_letter) {
            return LabelKind::Roman;
        }
    }
    if core.chars().count() == 1 && core.chars().all(|c| c.is_alphabetic()) {
        return LabelKind::Letter;
    }
    LabelKind::Bullet
}

fn is_placeholder_text(t: &str) -> bool {
    matches!(t.trim(), "" | "-" | "–" | "—" | "…" | "...")
}

/// Build the point tree from a proposal's or decision's lines. Paragraphs are top-level points;
/// list items nest by level, then by label kind (numbers ⊃ letters ⊃ roman ⊃ bullets), so a
/// bullet run after a numbered point, or items after a paragraph, become its sub-points.
fn points(content: &[&Line]) -> Vec<Point> {
    // (depth, kind, label, point) stack, depth -1 for paragraphs
    struct Open {
        depth: i32,
        kind: LabelKind,
        label: Option<String>,
        point: Point,
    }
    let mut roots: Vec<Point> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    fn close_to(stack: &mut Vec<Open>, roots: &mut Vec<Point>, keep: usize) {
        while stack.len() > keep {
            let Some(o) = stack.pop() else { break };
            match stack.last_mut() {
                Some(parent) => parent.point.children.push(o.point),
                None => roots.push(o.point),
            }
        }
    }
    for (li, l) in content.iter().enumerate() {
        // an empty item directly above a deeper item only wraps it (a converter's artefact)
        if let LineKind::Item { level, .. } = l.kind {
            let deeper = content
                .get(li + 1)
                .is_some_and(|n| matches!(n.kind, LineKind::Item { level: m, .. } if m > level));
            if is_placeholder_text(&l.text) && deeper {
                continue;
            }
        }
        let (depth, kind, label) = match &l.kind {
            LineKind::Para | LineKind::Heading(_) => (-1, LabelKind::Para, None),
            LineKind::Item { level, label, .. } => {
                let prev = stack.last().map(|o| (o.kind, o.label.as_deref()));
                let kind = label_kind(label.as_deref().filter(|l| !is_bullet(l)), prev);
                // `2.` after an open `1.` is its sibling whatever its indent (a PDF may indent
                // the second point deeper than the first)
                let depth = label
                    .as_deref()
                    .and_then(label_value)
                    .and_then(|n| {
                        stack.iter().rev().find(|o| {
                            o.kind == LabelKind::Number
                                && o.label.as_deref().and_then(label_value) == Some(n.wrapping_sub(1))
                        })
                    })
                    .filter(|_| kind == LabelKind::Number)
                    .map_or(i32::from(*level), |o| o.depth);
                (depth, kind, label.clone())
            }
            LineKind::Table => continue,
        };
        // find the parent: pop while the top is deeper, or at the same depth with an equal or
        // lower-ranked (more inner) kind
        while let Some(top) = stack.last() {
            let pop = if kind == LabelKind::Para {
                true
            } else if top.kind == LabelKind::Para {
                // a numbered list after a paragraph is the proposal's own points, siblings of
                // the lead-in (`Følgende innspill gis:` / `1. …`); bullets after it are its parts
                kind == LabelKind::Number
            } else if top.depth > depth {
                true
            } else if top.depth == depth {
                top.kind >= kind
            } else {
                false
            };
            if !pop {
                break;
            }
            let keep = stack.len() - 1;
            close_to(&mut stack, &mut roots, keep);
        }
        let text = l.text.trim().to_string();
        let placeholder = is_placeholder_text(&text);
        let shown = label.clone().filter(|l| !is_bullet(l));
        let amounts = super::tables::amounts(&text)
            .into_iter()
            .map(|(nok, text)| crate::record::Amount { nok, text })
            .collect();
        let point = Point {
            label: shown,
            amounts,
            text: if placeholder { String::new() } else { text },
            placeholder,
            children: Vec::new(),
            lead_in: false,
            at: l.at,
            ..Point::default()
        };
        stack.push(Open { depth, kind, label, point });
    }
    close_to(&mut stack, &mut roots, 0);
    roots
}

/// Most words of an adoption statement that introduces a decision (`Kommunestyret vedtar
/// samrøystes:`).
const ADOPTION_LEAD_MAX_WORDS: usize = 8;

/// The lines of a proposal or decision that are points: not an adoption statement that introduces
/// the decision (`Samrøystes vedtak:`, `Kommunestyret vedtar samrøystes:` — a vote), and not a note
/// in parentheses after the points (`(Kommunestyret gjør endelig vedtak).`).
fn point_lines<'a>(content: &[&'a Line]) -> Vec<&'a Line> {
    let adoption = |l: &Line| {
        let t = l.text.trim();
        !l.is_item()
            && t.ends_with(':')
            && t.split_whitespace().count() <= ADOPTION_LEAD_MAX_WORDS
            && t.split(|c: char| !c.is_alphanumeric()).any(|w| lexicon::is(lc::VOTE_UNANIMOUS, w))
    };
    let note = |l: &Line| {
        let t = l.text.trim().trim_end_matches('.');
        !l.is_item() && t.starts_with('(') && t.ends_with(')') && !t[1..].contains('(')
    };
    let mut out: Vec<&Line> = content.to_vec();
    if out.first().is_some_and(|l| adoption(l)) {
        out.remove(0);
    }
    while out.len() > 1 && out.last().is_some_and(|l| note(l)) {
        out.pop();
    }
    out
}

/// The number of a numbered label (`2.` → 2, `3)` → 3).
fn label_value(label: &str) -> Option<u32> {
    label.trim().trim_end_matches(['.', ')']).parse().ok()
}

fn is_bullet(label: &str) -> bool {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (None, _) => true,
        (Some(c), None) => c == 'o' || crate::model::BULLETS.contains(&c),
        _ => false,
    }
}

/// A point that announces a list (ends with `:`, or says `følgende`/`følgjande`) but has no
/// sub-points gets a placeholder child.
fn announce_placeholders(points: &mut [Point]) {
    let n = points.len();
    for (i, p) in points.iter_mut().enumerate() {
        // a lead-in followed by sibling points announces them, not a missing list
        let followed = i + 1 < n && p.label.is_none();
        if followed && p.children.is_empty() && p.text.trim_end().ends_with(':') {
            p.lead_in = true;
        }
        if p.children.is_empty() && !p.placeholder && !followed {
            let t = p.text.trim().to_lowercase();
            if t.ends_with(':') || t.contains("følgende") || t.contains("følgjande") {
                p.children.push(Point {
                    label: None,
                    text: String::new(),
                    placeholder: true,
                    children: Vec::new(),
                    lead_in: false,
                    at: p.at,
                    ..Point::default()
                });
            }
        } else {
            announce_placeholders(&mut p.children);
        }
    }
}

fn placeholder_paths(points: &[Point], prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let name = p
            .label
            .clone()
            .map(|l| l.trim_end_matches(['.', ')']).to_string())
            .unwrap_or_else(|| (i + 1).to_string());
        let path = if prefix.is_empty() { name } else { format!("{prefix}.{name}") };
        if p.placeholder {
            out.push(path.clone());
        }
        out.extend(placeholder_paths(&p.children, &path));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefilters of the part headings and labels pass every heading the patterns read, in
    /// any case, and keep ordinary lines from them.
    #[test]
    fn part_prefilters() {
        for t in [
            "Forslag til vedtak",
            "FRAMLEGG TIL VEDTAK",
            "Kommunedirektørens innstilling:",
            "Tilråding",
            "TILRÅDING",
            "Vedtak",
            "Endeleg vedtak",
            "KS- 064/21 Vedtak:",
            "Vedlegg",
            "Trykte vedlegg",
            "Uprenta vedlegg",
        ] {
            assert!(PART_WORDS.any(t), "{t}");
            assert!(part_of(&line(t)).is_some(), "{t}");
        }
        for t in ["Bakgrunn", "Saksopplysninger", "Økonomiske konsekvenser", "Kommunen har 12 ansatte."] {
            assert!(!PART_WORDS.any(t), "{t}");
        }
        // a long line: its heading's word stands among its first words, after a proposer's name
        let long = "(med dei endringane som arbeidsutvalet gjorde i møtet sitt, og med tillegg om evaluering i 2027)";
        for t in [
            format!("Kommunedirektøren sitt forslag til vedtak {long}"),
            format!("Dagleg leiar si tilråding {long}"),
            format!("Formannskapets vedtak {long}"),
        ] {
            assert!(t.chars().count() > LABEL_MAX_CHARS && PART_WORDS.any(part_window(&t)), "{t}");
            assert!(part_of(&line(&t)).is_some(), "{t}");
        }
        // must not: the word deep in a sentence (no part heading starts there), which the
        // window leaves out; a short line is looked at whole
        let sentence =
            "Styret drøfta saka grundig i to møte og gjorde til slutt eit samrøystes vedtak om å halde fram";
        assert!(!PART_WORDS.any(part_window(sentence)) && part_of(&line(sentence)).is_none());
        assert_eq!(part_window("Saka gjeld vedtak"), "Saka gjeld vedtak");
        assert!(DECISION_WORDS.any("Formannskapets VEDTAK"));
        assert!(!DECISION_WORDS.any("Forslag til innstilling"));
        // the label suffix starts with a dash or a comma
        for t in ["Vedtak - Kommunestyret 09.12.2021", "Vedtak – Formannskapet", "Vedtak, enstemmig"] {
            assert!(has_char(t, LABEL_SUFFIX_MARKS) && LABEL_SUFFIX.is_match(t), "{t}");
        }
        assert!(!has_char("Vedtak i SSU", LABEL_SUFFIX_MARKS));
    }

    fn line(text: &str) -> Line {
        Line::para(text)
    }

    #[test]
    fn case_system_labels() {
        type Want = Option<(Part, Option<&'static str>)>;
        let cases: &[(&str, Want)] = &[
            ("KS- 064/21 Vedtak:", Some((Part::Decision, Some("64/2021")))),
            ("KST - 142/21 Vedtak:", Some((Part::Decision, Some("142/2021")))),
            ("142/2021 Vedtak:", Some((Part::Decision, Some("142/2021")))),
            ("Kommunestyret - Vedtak:", Some((Part::Decision, None))),
            ("Vedtak - Kommunestyret 09.12.2021:", Some((Part::Decision, None))),
            ("Vedtak, enstemmig:", Some((Part::Decision, None))),
            ("LEV - Tilråding:", Some((Part::Proposal, None))),
            ("Kommunedirektøren si innstilling:", Some((Part::Proposal, None))),
            ("Rådmannen si tilråding:", Some((Part::Proposal, None))),
            ("Innstilling fra kommunedirektøren:", Some((Part::Proposal, None))),
            // must not: a quoted decision of another case, prose, a title with a dash
            ("Vedtak i SSU sak 23/25", None),
            ("Saka vart send tilbake - vedtaket vart ikkje gjort.", None),
            ("Budsjett 2022 - økonomiplan", None),
            ("Behandling i møtet:", None),
        ];
        for (t, want) in cases {
            let l = line(t);
            let got = part_of(&l).map(|p| (p, label_number(&l).map(|n| n.key())));
            let want = want.map(|(p, n)| (p, n.map(str::to_string)));
            assert_eq!(got, want, "{t}");
        }
    }

    #[test]
    fn wrapped_titles() {
        let r = Register::default();
        let ctx = Ctx {
            register: &r,
            meeting_date: None,
            year: None,
            committee: None,
            field_committees: Default::default(),
        };
        let cases: &[(&str, &str, bool)] = &[
            ("Strategi for tilsyn etter plan- og", "bygningslova for kommunen 2022–2026", true),
            ("Oppfølging av rapport – Forum for oppvekst i", "Sunnhordland", true),
            ("Val av representantar til Ungdomsråd", "for perioden 2022 - 2023", true),
            ("Rullering av handlingsplan for folkehelse", "2022", true),
            // must not: a proposal label, a section heading after a whole title, a route heading
            ("Godkjenning av protokoll", "Kommunedirektøren si innstilling:", false),
            ("Budsjett 2027", "Saksopplysningar", false),
            ("Avtale om drift av", "14.12.2021 Kommunestyret", false),
            ("Møteplan for 2027", "1. Møteplanen vert vedteken.", false),
        ];
        for (title, next, want) in cases {
            let n = if let Some(rest) = next.strip_prefix("1. ") { item("1.", rest) } else { line(next) };
            assert_eq!(title_goes_on(title, &n, part_of(&n), &ctx), *want, "{title} / {next}");
        }
    }

    #[test]
    fn lines_above_a_title() {
        for t in [
            "Tindeland kommune",
            "Helse Møre og Romsdal HF",
            "SAKSFRAMLEGG",
            "Partnerskapsmøte sak 07-2026",
            "Sak 12/25",
            "12.03.2026",
        ] {
            assert!(above_title(&line(t)), "{t}");
        }
        // must not: titles (one naming a kommune, one with a case number inside a sentence)
        for t in [
            "Budsjett for Tindeland kommune",
            "Felles handlingsplan for barn og unge 2026–2027",
            "Oppfølging av sak 12/25 om legevakta i kommunen",
            "Kommunestyret",
        ] {
            assert!(!above_title(&line(t)), "{t}");
        }
    }

    #[test]
    fn point_lines_drop_adoption_lead_ins_and_notes() {
        let ls = [
            line("Kommunestyret vedtek samrøystes:"),
            item("1.", "Planen vert vedteken."),
            line("(Kommunestyret gjer endeleg vedtak)."),
        ];
        let refs: Vec<&Line> = ls.iter().collect();
        let got: Vec<&str> = point_lines(&refs).iter().map(|l| l.text.as_str()).collect();
        assert_eq!(got, vec!["Planen vert vedteken."]);
        // must not: a lead-in that is no adoption, a point with a parenthesis inside
        let ls = [line("Følgjande vert vedteke:"), item("1.", "Planen (utkast) vert vedteken.")];
        let refs: Vec<&Line> = ls.iter().collect();
        assert_eq!(point_lines(&refs).len(), 2);
    }

    #[test]
    fn colon_headers_in_paragraphs() {
        assert_eq!(
            header(&line("064/21: Godkjenning av protokoll")).map(|(n, t)| (n.key(), t)),
            Some(("64/2021".into(), "Godkjenning av protokoll".into()))
        );
        // must not: a case list row without the colon, a ratio, a time
        assert!(header(&line("064/21 Godkjenning av protokoll")).is_none());
        assert!(header(&line("2/3: av medlemmene")).is_none());
        assert!(header(&line("12/24:")).is_none());
    }

    fn item(label: &str, text: &str) -> Line {
        Line {
            kind: LineKind::Item { level: 0, label: Some(label.to_string()), ordered: true },
            text: text.to_string(),
            bold: false,
            table: None,
            at: None,
        }
    }

    #[test]
    fn part_headings() {
        use Part::*;
        let cases: &[(&str, Option<Part>)] = &[
            ("Forslag til vedtak", Some(Proposal)),
            ("Kommunedirektørens forslag til vedtak:", Some(Proposal)),
            ("Innstilling:", Some(Proposal)),
            ("Rådmannens innstilling", Some(Proposal)),
            ("Framlegg til vedtak", Some(Proposal)),
            ("Tilråding", Some(Proposal)),
            ("Forslag til vedtak fra arbeidsutvalget", Some(Proposal)),
            ("Vedtak", Some(Decision)),
            ("Formannskapets vedtak", Some(Decision)),
            ("Endeleg vedtak", Some(Decision)),
            ("Vedtak i SSU", Some(Decision)),
            ("Vedlegg:", Some(Attachments)),
            ("Trykte vedlegg", Some(Attachments)),
            // must not match: another case's decision quoted, prose, a field with a value
            ("Vedtak i sak 6/24", None),
            ("Forslaget ble vedtatt mot to stemmer", None),
            ("Vedtaket skal følges opp av kommunene.", None),
            ("Saksopplysninger", None),
            ("Vedlegg til sak 12/24", None),
        ];
        for (text, want) in cases {
            assert_eq!(part_of(&line(text)), *want, "{text}");
        }
        // a protocol's numbered alternative: `1) Innstilling:` is the heading, `1. Vedtak` a point
        assert_eq!(part_of(&item("1)", "Innstilling:")), Some(Proposal));
        assert_eq!(part_of(&item("1.", "Vedtak om tilskudd gjelder fra 2026")), None);
    }

    #[test]
    fn case_headers() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("Sak: 18/24 Orientering om legevakt", Some(("18/2024", "Orientering om legevakt"))),
            ("PS 22/2025 Budsjett 2026", Some(("22/2025", "Budsjett 2026"))),
            ("Sak 09-2022 – Felles rutine", Some(("9/2022", "Felles rutine"))),
            // a treatment line printed on the title's last line is not part of the title
            (
                "PS 4/26 Tiltak for unge i 2026 Ungdomsrådets behandling av sak 4/2026 i møte den 20.01.2026:",
                Some(("4/2026", "Tiltak for unge i 2026")),
            ),
            // must not match: a field, prose that mentions a case, an archive reference
            ("Saksnr.: 09-2025", None),
            ("Viser til sak 11/24 i SSU-møte", None),
            ("Arkivsak 2025/1234", None),
        ];
        for (text, want) in cases {
            let got = header(&line(text));
            assert_eq!(
                got.as_ref().map(|(n, t)| (n.key(), t.as_str())),
                want.map(|(k, t)| (k.to_string(), t)),
                "{text}"
            );
        }
    }

    #[test]
    fn a_case_list_before_the_cases_does_not_make_cases() {
        let lines: Vec<Line> = [
            "Saksliste",
            "PS 1/26 Godkjenning av protokoll",
            "PS 2/26 Budsjett Offl. § 13",
            "PS 1/26 Godkjenning av protokoll",
            "Ungdomsrådets behandling av sak 1/2026 i møte den 20.01.2026:",
            "Vedtak",
            "Protokollen godkjennes.",
            "PS 2/26 Budsjett",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let register = Register::default();
        let ctx = Ctx {
            register: &register,
            meeting_date: None,
            year: Some(2026),
            committee: None,
            field_committees: Default::default(),
        };
        let (cases, _) = extract(&lines, &ctx);
        let got: Vec<(String, String, usize)> = cases
            .iter()
            .map(|c| {
                let n = c.number.as_ref().map(|n| n.key()).unwrap_or_default();
                (n, c.title.clone().unwrap_or_default(), c.decision.len())
            })
            .collect();
        // one case per number, from its own heading (title without the list's columns), with
        // its decision; the treatment line under a header does not start another case
        assert_eq!(
            got,
            vec![
                ("1/2026".to_string(), "Godkjenning av protokoll".to_string(), 1),
                ("2/2026".to_string(), "Budsjett".to_string(), 0)
            ]
        );
    }

    #[test]
    fn lists_continue_after_an_interrupting_paragraph() {
        let a = item("1.", "Første punkt");
        let b = item("2.", "Andre punkt");
        let content = vec![&a, &b];
        // the next numbered item carries the next number: the list goes on
        let refs = |ls: &[Line]| -> bool { continues_list(&content, &ls.iter().collect::<Vec<_>>()) };
        assert!(refs(&[line("Mellomtekst."), item("3.", "Tredje punkt")]));
        // must not: a new list, or no list within reach
        assert!(!refs(&[item("1.", "Ny liste")]));
        assert!(!refs(&[line("a"), line("b"), line("c"), item("3.", "for langt unna")]));
    }
}
