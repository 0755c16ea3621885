//! Case papers: a document may hold many cases, split on `SAKSFREMLEGG`/`Saksframlegg` markers
//! and case headers (`Sak: 18/24 Title`, `PS 22/2025 Title`, a heading `21/23 Title`, a protocol
//! line `… behandling av sak 12/2025`). A document without headers but with a proposal or a
//! decision is one case, numbered by the first case number in its opening lines.
//!
//! Within a case: fields (`Utvalg:`, `Dato:`, `Saksansvarlig:`, `Saksbehandler:` …), sections
//! under heading-like lines, the proposal (*Forslag til vedtak*, *Innstilling* …) and decision
//! (*Vedtak*) as point trees, attachments under *Vedlegg*, and references to other cases with the
//! sentence they stand in.

use super::{casenum, committee, dates, meeting::field, minutes, Line, LineKind};
use crate::config::Register;
use crate::record::{Case, CaseNum, CaseRef, Committee, Point, Section};
use regex::Regex;
use std::sync::LazyLock;

/// What extraction knows about the document around its cases.
pub struct Ctx<'a> {
    pub register: &'a Register,
    pub meeting_date: Option<String>,
    pub year: Option<u32>,
    pub committee: Option<Committee>,
}

static PROPOSAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:kommunedirektørens|kommunedirektøren sitt|rådmannens|rådmannen sitt|administrasjonens|daglig leders|dagleg leiar sitt|sekretariatets|ordførerens|arbeidsutvalgets|arbeidsutvalets|saksbehandlers)\s+)?(?:forslag|framlegg|innstilling|tilråding|tilråding|anbefaling)(?:\s+til\s+(?:vedtak|innstilling|vedtak/innstilling))?(?:\s+(?:fra|frå)\s+\S+(?:\s+\S+){0,4})?(?:\s*\([^)]*\))?$",
    )
    .expect("valid regex")
});
static DECISION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:\S+s|endelig|endeleg)\s+)?vedtak(?:\s+i\s+\S+(?:\s+\S+)?)?(?:\s*\([^)]*\))?$")
        .expect("valid regex")
});
static ATTACH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:trykte\s+|utrykte\s+)?(?:vedlegg|vedlagt|vedlagte dokument(?:er)?)(?:\s*\d+)?$")
        .expect("valid regex")
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Proposal,
    Decision,
    Attachments,
    Other,
}

fn heading_text(l: &Line) -> String {
    l.text.trim().trim_end_matches(':').trim().to_string()
}

/// The special part a heading opens, if any.
fn part_of(l: &Line) -> Option<Part> {
    if l.is_item() || l.kind == LineKind::Table {
        return None;
    }
    let t = heading_text(l);
    // `Vedtak til sak 6/24`, `Vedtak i SSU sak 23/25`: another case's decision, quoted
    if !casenum::find_prefixed(&t).is_empty() {
        return None;
    }
    if PROPOSAL.is_match(&t) {
        Some(Part::Proposal)
    } else if DECISION.is_match(&t) {
        Some(Part::Decision)
    } else if ATTACH.is_match(&t) {
        Some(Part::Attachments)
    } else {
        None
    }
}

/// A line that reads as a heading: a heading block, a bold short line, or a short line without
/// closing punctuation.
pub fn heading_like(l: &Line) -> bool {
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
    if part_of(l).is_some() {
        return true;
    }
    if field(t).is_some_and(|(_, v)| !v.is_empty()) {
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
    if l.is_item() {
        return false;
    }
    let t = l.text.trim().trim_end_matches(':').to_lowercase();
    matches!(t.as_str(), "saksfremlegg" | "saksframlegg" | "saksprotokoll" | "særutskrift")
}

/// A case header: `(number, title)`.
fn header(l: &Line) -> Option<(CaseNum, String)> {
    if l.is_item() || l.kind == LineKind::Table || l.text.chars().count() > 250 {
        return None;
    }
    let t = l.text.trim();
    // `Saksnr.: 09-2025` is a field, read with the other fields; `Sak: 18/24 Title` is a header
    if field(t).is_some_and(|(k, _)| k != "sak") {
        return None;
    }
    let prefixed = casenum::find_prefixed(t).into_iter().next().filter(|(_, s, _)| *s == 0);
    let (n, rest) = match prefixed {
        Some((n, _, e)) => (n, &t[e..]),
        None if matches!(l.kind, LineKind::Heading(_)) || l.bold => casenum::parse_bare(t)?,
        None => return None,
    };
    let title = rest
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '.'))
        .trim();
    Some((n, title.to_string()))
}

/// Split persons on `/`, `,` and ` og `.
fn people(v: &str) -> Vec<String> {
    super::agenda::split_people(v)
}

/// The sentence around byte range `[s, e)` of `text`.
fn sentence(text: &str, s: usize, e: usize) -> String {
    let bytes = text.as_bytes();
    let mut a = s;
    while a > 0 {
        let c = bytes.get(a - 1).copied().unwrap_or(b' ');
        if (c == b'.' || c == b'!' || c == b'?') && bytes.get(a).is_some_and(|n| *n == b' ') {
            break;
        }
        a -= 1;
    }
    let mut b = e;
    while b < bytes.len() {
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
fn starts(lines: &[Line]) -> Vec<(usize, usize, Option<CaseNum>, String)> {
    let mut out: Vec<(usize, usize, Option<CaseNum>, String)> = Vec::new();
    let mut open_marker: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        if is_marker(l) {
            out.push((i, i, None, String::new()));
            open_marker = Some(out.len() - 1);
            continue;
        }
        if matches!(part_of(l), Some(Part::Proposal | Part::Decision)) {
            open_marker = None;
        }
        let last_num = out.last().and_then(|c| c.2.clone());
        let same = |n: &CaseNum| last_num.as_ref().is_some_and(|c| c.seq == n.seq && c.year == n.year);
        let found = header(l).or_else(|| minutes::behandling(&l.text).map(|(n, _)| (n, String::new())));
        let Some((n, title)) = found else { continue };
        if let Some(k) = open_marker.take() {
            if let Some(c) = out.get_mut(k) {
                *c = (c.0, i, Some(n), title);
            }
            continue;
        }
        if same(&n) {
            continue;
        }
        out.push((i, i, Some(n), title));
    }
    out
}

/// All cases in the document, and warnings (placeholders).
pub fn extract(lines: &[Line], ctx: &Ctx) -> (Vec<Case>, Vec<String>) {
    let mut found = starts(lines);
    let starts_empty = found.is_empty();
    if found.is_empty() {
        if !lines.iter().any(|l| part_of(l).is_some_and(|p| p == Part::Proposal || p == Part::Decision)) {
            return (Vec::new(), Vec::new());
        }
        // one case: numbered by the first case number near the top, titled by the first line
        let num = lines
            .iter()
            .take(8)
            .filter(|l| !l.is_item())
            .find_map(|l| casenum::find_prefixed(&l.text).into_iter().next());
        let title_at = lines.iter().position(|l| {
            matches!(l.kind, LineKind::Heading(_) | LineKind::Para)
                && field(&l.text).is_none()
                && part_of(l).is_none()
        });
        let title = title_at.and_then(|i| lines.get(i)).map(|l| l.text.clone()).unwrap_or_default();
        found.push((0, title_at.unwrap_or(usize::MAX), num.map(|(n, _, _)| n), title));
    }
    let fallback = starts_empty;
    let mut cases = Vec::new();
    let mut warnings = Vec::new();
    for (k, (begin, head, number, title)) in found.iter().enumerate() {
        let end = found.get(k + 1).map_or(lines.len(), |n| n.0);
        // the body: from the marker (or header) to the next case, without the header line
        let from = if fallback || *head == usize::MAX { 0 } else { begin + 1 };
        let body: Vec<Line> =
            (from..end).filter(|i| i != head).filter_map(|i| lines.get(i).cloned()).collect();
        let header_line = lines.get(*head);
        cases.push(one(&body, number.clone(), title.clone(), header_line, ctx, &mut warnings));
    }
    (cases, warnings)
}

fn one(
    body: &[Line],
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
    };
    let mut header_date = header_line.and_then(|l| dates::first_date(&l.text, ctx.year));
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
    while i < body.len() {
        let l = &body[i];
        i += 1;
        if let Some(v) = field(&l.text).filter(|(k, v)| k == "vedlegg" && !v.is_empty()).map(|(_, v)| v) {
            case.attachments.extend(
                v.split(';').map(|s| s.trim().trim_end_matches('.').to_string()).filter(|s| !s.is_empty()),
            );
            continue;
        }
        if !seen_section && !l.is_item() {
            if let Some((k, v)) = field(&l.text) {
                let handled = match k.as_str() {
                    "utvalg" | "utval" | "organ" => {
                        case.committee = committee::from_field(v, ctx.register);
                        true
                    }
                    "dato" | "møtedato" | "møtedato og tid" => {
                        case.date = case.date.take().or_else(|| dates::first_date(v, ctx.year));
                        true
                    }
                    "saksansvarlig" | "saksansvarleg" | "ansvarlig" | "ansvarleg" => {
                        case.owners = people(v);
                        true
                    }
                    "saksbehandler" | "sakshandsamar" | "saksbeh" | "saksbehandlar" => {
                        case.officers = people(v);
                        true
                    }
                    "saksnr" | "saksnummer" | "sak nr" | "sak" | "saknr" => {
                        if case.number.is_none() {
                            case.number = casenum::parse_value(v);
                        }
                        true
                    }
                    "arkivsaksnr" | "arkivsak" | "vår ref" | "arkivreferanse" | "arkiv" | "journalpost" => {
                        if case.archive_ref.is_none() && !v.is_empty() {
                            case.archive_ref = Some(v.to_string());
                        }
                        true
                    }
                    "vedlegg" if !v.is_empty() => {
                        case.attachments
                            .extend(v.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
                        true
                    }
                    _ => false,
                };
                if handled {
                    continue;
                }
            }
        }
        if title.is_empty()
            && case.number.is_some()
            && !seen_section
            && l.kind != LineKind::Table
            && !l.is_item()
            && part_of(l).is_none()
            && field(&l.text).is_none()
        {
            title = l.text.clone();
            continue;
        }
        let opens = part_of(l);
        if opens.is_some() || heading_like(l) {
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
                    && (list_started && l.kind == LineKind::Para
                        || minutes::is_vote(&l.text)
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
    let label = case.number.as_ref().map_or("(unnumbered)".to_string(), |n| n.short());
    for (part, heading, content) in &parts {
        match part {
            Part::Proposal | Part::Decision => {
                let mut points = points(content);
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
                    if !t.is_empty() && t.chars().count() <= 200 {
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
    case.votes =
        body.iter().filter(|l| !l.is_item() && minutes::is_vote(&l.text)).map(|l| l.text.clone()).collect();
    // references: every case number written with a case word, except the case's own
    let own = case.number.as_ref().map(|n| n.key());
    let mut texts: Vec<&str> = vec![title.as_str()];
    texts.extend(body.iter().map(|l| l.text.as_str()));
    for t in texts {
        for (n, s, e) in casenum::find_prefixed(t) {
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
    // `Arbeidsutvalget legger fram følgende innstilling:` above the list only introduces it
    let intro = content.first().is_some_and(|f| f.kind == LineKind::Para && f.text.trim_end().ends_with(':'))
        && content.get(1).is_some_and(|n| n.is_item());
    let content = if intro { content.get(1..).unwrap_or_default() } else { content };
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
                (i32::from(*level), kind, label.clone())
            }
            LineKind::Table => continue,
        };
        // find the parent: pop while the top is deeper, or at the same depth with an equal or
        // lower-ranked (more inner) kind
        while let Some(top) = stack.last() {
            let pop = if kind == LabelKind::Para {
                true
            } else if top.kind == LabelKind::Para {
                false
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
        let point = Point {
            label: shown,
            text: if placeholder { String::new() } else { text },
            placeholder,
            ..Point::default()
        };
        stack.push(Open { depth, kind, label, point });
    }
    close_to(&mut stack, &mut roots, 0);
    roots
}

fn is_bullet(label: &str) -> bool {
    matches!(label, "-" | "*" | "•" | "–" | "▪" | "◦" | "●" | "o" | "")
}

/// A point that announces a list (ends with `:`, or says `følgende`/`følgjande`) but has no
/// sub-points gets a placeholder child.
fn announce_placeholders(points: &mut [Point]) {
    for p in points.iter_mut() {
        if p.children.is_empty() && !p.placeholder {
            let t = p.text.trim().to_lowercase();
            if t.ends_with(':') || t.contains("følgende") || t.contains("følgjande") {
                p.children.push(Point {
                    label: None,
                    text: String::new(),
                    placeholder: true,
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
