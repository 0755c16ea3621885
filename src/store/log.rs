//! The decision log (vedtakslogg): records → [`LogEntry`] lines. Pure: no I/O, no clock.
//!
//! Rules (README documents them for users):
//! - Records are first reduced to one per paper ([`super::derive::papers`]).
//! - Cases are merged across documents by committee + case number ([`super::case_key`]); a case
//!   without a number stays one case of its document.
//! - One entry per **top-level** point; sub-points are joined into the entry's text, one line
//!   each (`  a. …`), so the log keeps the structure without multiplying lines. The label is the
//!   written label without its final `.`/`)`, else the point's position (`1`, `2`, …).
//! - When a case has adopted decision points (from any of its documents — minutes first), those
//!   are the entries (`decision`); the proposal gives entries (`proposal`) only for cases
//!   without a decision.
//! - `responsible`, `deadline`, `routine` and the follow-ups come from the point as extracted
//!   ([`crate::extract::followup`]); this module reads no Norwegian text.
//! - `status`, first rule that applies: `placeholder` (the point, or one of its sub-points, is a
//!   placeholder); `routine` (approval of agenda or minutes, orientation: nothing to follow up);
//!   `followed_up` (a later point says it follows up *this* decision — `Oppfølging av sak 3/24`
//!   for every point of case 3/24, `jf. vedtak i sak 17/25 punkt 3` for point 3 only — its date
//!   is later, or, when a date is missing, its number is; and the point's deadline, if any, is
//!   not after the newest date in the records: a point with a future deadline stays open until
//!   then); `resolved` (a resolution done by being adopted: an approval, an allocation,
//!   support, comments given — `Point::resolution`); `overdue` (an adopted decision whose
//!   deadline is before the newest meeting or case date in the records — never the wall clock;
//!   a proposal is never overdue); else `open`. Merely mentioning a case is no follow-up.
//! - `deadline`: the point's own, or the new deadline set by the newest later adopted decision
//!   that moves it (`Point::moves_deadline`, naming this case and, if given, this point); then
//!   `deadline_moved` names that decision and the deadline before. `overdue` is judged against
//!   the new deadline, and an overdue entry carries `as_of`, the date it was judged against.
//! - `reason`: the referring sentence of the newest follow-up (for `followed_up`), or of a
//!   follow-up that came before a future deadline (for `open`).
//! - Entries are sorted by meeting date (undated last), committee, case number, kind, position.

use super::{case_key, committee_key, unnumbered_case_key};
use crate::record::{
    CaseNum, Committee, DeadlineMoved, FollowUp, Kind, LogEntry, LogStatus, Point, PointKind, Record,
};
use std::collections::{BTreeMap, BTreeSet};

/// Derive the decision log of a set of records.
pub fn derive(records: &[Record]) -> Vec<LogEntry> {
    // one record per paper: a paper kept in several formats counts once
    let papers = super::derive::papers(records);
    let mut order: Vec<&Record> = papers.iter().collect();
    order.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    let mut builder = LogBuilder::default();
    for rec in order {
        builder.add(rec);
    }
    builder.finish(as_of_papers(&papers))
}

/// The decision log built one paper at a time (what [`derive`] does, for a store that streams
/// its papers): [`LogBuilder::add`] the papers (one record per paper, in path order), then
/// [`LogBuilder::finish`] with the date the statuses are true for ([`as_of`]). Holds the
/// chosen points of each case, not the records.
#[derive(Default)]
pub struct LogBuilder {
    cases: BTreeMap<String, Agg>,
    // to_key → ((from_key, point) → follow-up); one follow-up per referring case and point.
    refs: BTreeMap<String, BTreeMap<(String, Option<String>), Referrer>>,
    // to_key → the adopted decisions that move its deadlines
    moves: BTreeMap<String, Vec<Move>>,
}

impl LogBuilder {
    /// Add one paper.
    pub fn add(&mut self, rec: &Record) {
        let (cases, refs, moves) = (&mut self.cases, &mut self.refs, &mut self.moves);
        let path = rec.source.path.as_str();
        let doc_committee = committee_key(rec.committee.as_ref());
        let meeting_date = rec.meeting.as_ref().map(|m| m.date.clone()).filter(|d| is_date(d));
        for item in &rec.agenda {
            let Some(n) = &item.case else { continue };
            let agg = cases.entry(case_key(&doc_committee, n)).or_insert_with(|| Agg::new(Some(n.clone())));
            agg.sources.insert(path.to_string());
            agg.committee = agg.committee.take().or_else(|| rec.committee.clone());
            if agg.agenda_title.is_none() && !item.title.trim().is_empty() {
                agg.agenda_title = Some(item.title.clone());
            }
            if agg.agenda_date.is_none() {
                agg.agenda_date = meeting_date.clone();
            }
        }
        if let Some(n) = &rec.attachment_of {
            let agg = cases.entry(case_key(&doc_committee, n)).or_insert_with(|| Agg::new(Some(n.clone())));
            agg.sources.insert(path.to_string());
            agg.committee = agg.committee.take().or_else(|| rec.committee.clone());
        }
        for (pos, case) in rec.cases.iter().enumerate() {
            let committee = case.committee.clone().or_else(|| rec.committee.clone());
            let ckey = committee_key(committee.as_ref());
            let key = match &case.number {
                Some(n) => case_key(&ckey, n),
                None => unnumbered_case_key(path, pos),
            };
            let case_date = case.date.clone().filter(|d| is_date(d)).or_else(|| meeting_date.clone());
            let agg = cases.entry(key.clone()).or_insert_with(|| Agg::new(case.number.clone()));
            agg.sources.insert(path.to_string());
            agg.committee = agg.committee.take().or(committee.clone());
            if agg.title.is_none() {
                agg.title = case.title.clone().filter(|t| !t.trim().is_empty());
            }
            if agg.date.is_none() {
                agg.date = case_date.clone();
            }
            let entry_date = meeting_date.clone().or_else(|| case_date.clone());
            for (kind, points) in
                [(PointKind::Proposal, &case.proposal), (PointKind::Decision, &case.decision)]
            {
                if points.is_empty() {
                    continue;
                }
                let rank = (kind_rank(kind, rec.kind), path.to_string());
                let slot = match kind {
                    PointKind::Proposal => &mut agg.proposal,
                    PointKind::Decision => &mut agg.decision,
                };
                let candidate = Chosen { rank, date: entry_date.clone(), points: points.clone() };
                match slot {
                    Some(cur) if cur.rank <= candidate.rank => {}
                    _ => *slot = Some(candidate),
                }
            }
            let points = case.decision.iter().chain(case.proposal.iter());
            for f in points.flat_map(|p| p.follows_up.iter()) {
                let to_committee = f.committee.clone().unwrap_or_else(|| ckey.clone());
                let to = case_key(&to_committee, &f.case);
                if to == key {
                    continue;
                }
                let follow = FollowUp {
                    case: case.number.clone(),
                    title: case.title.clone(),
                    date: case_date.clone(),
                    committee: committee.clone(),
                    context: f.context.clone(),
                };
                let num = case.number.as_ref().map(|n| (n.year, n.seq));
                let slot = refs.entry(to).or_default().entry((key.clone(), f.point.clone()));
                slot.or_insert((num, follow));
            }
            // only an adopted decision moves a deadline
            for m in case.decision.iter().flat_map(|p| p.moves_deadline.iter()) {
                let to_committee = m.committee.clone().unwrap_or_else(|| ckey.clone());
                let to = case_key(&to_committee, &m.case);
                if to == key {
                    continue;
                }
                moves.entry(to).or_default().push(Move {
                    point: m.point.clone(),
                    num: case.number.as_ref().map(|n| (n.year, n.seq)),
                    deadline: m.deadline.clone(),
                    by: DeadlineMoved {
                        from: None,
                        case: case.number.clone(),
                        date: case_date.clone(),
                        committee: committee.clone(),
                        context: m.context.clone(),
                    },
                });
            }
        }
    }

    /// The log entries, in the log's order; `newest` is the date the statuses are true for.
    pub fn finish(self, newest: Option<String>) -> Vec<LogEntry> {
        let (cases, refs, moves) = (self.cases, self.refs, self.moves);
        let mut keyed: Vec<(SortKey, Vec<LogEntry>)> = Vec::new();
        // each case is dropped once its entries are made
        for (key, agg) in cases {
            let (key, agg) = (&key, &agg);
            let (kind, chosen) = match (&agg.decision, &agg.proposal) {
                (Some(d), _) => (PointKind::Decision, d),
                (None, Some(p)) => (PointKind::Proposal, p),
                (None, None) => continue,
            };
            let meeting_date =
                chosen.date.clone().or_else(|| agg.agenda_date.clone()).or_else(|| agg.date.clone());
            let this_num = agg.number.as_ref().map(|n| (n.year, n.seq));
            let referrers: Vec<(&Option<String>, &FollowUp)> = refs
                .get(key)
                .map(|m| {
                    m.iter()
                        .filter(|(_, (num, fu))| {
                            is_later(fu.date.as_deref(), *num, meeting_date.as_deref(), this_num)
                        })
                        .map(|((_, point), (_, fu))| (point, fu))
                        .collect()
                })
                .unwrap_or_default();
            let sources: Vec<String> = agg.sources.iter().cloned().collect();
            let title = agg.title.clone().or_else(|| agg.agenda_title.clone());
            let entries = chosen
                .points
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.lead_in)
                .map(|(i, p)| {
                    let text = joined_text(p);
                    let label = label(p, i);
                    let mut follow_ups: Vec<FollowUp> = referrers
                        .iter()
                        .filter(|(point, _)| point.as_deref().is_none_or(|pt| same_label(pt, &label)))
                        .map(|(_, fu)| (*fu).clone())
                        .collect();
                    follow_ups.sort_by(|a, b| (&a.date, &a.case).cmp(&(&b.date, &b.case)));
                    follow_ups.dedup();
                    // the newest later decision that moved this point's deadline
                    let moved = moves.get(key).and_then(|v| {
                        v.iter()
                            .filter(|m| m.point.as_deref().is_none_or(|pt| same_label(pt, &label)))
                            .filter(|m| {
                                is_later(m.by.date.as_deref(), m.num, meeting_date.as_deref(), this_num)
                            })
                            .max_by(|a, b| (&a.by.date, a.num).cmp(&(&b.by.date, b.num)))
                    });
                    let deadline_moved =
                        moved.map(|m| DeadlineMoved { from: p.deadline.clone(), ..m.by.clone() });
                    let deadline = moved.map(|m| m.deadline.clone()).or_else(|| p.deadline.clone());
                    let deadline_passed =
                        deadline.as_deref().is_none_or(|d| newest.as_deref().is_some_and(|n| d <= n));
                    let (status, reason) = if has_placeholder(p) {
                        (LogStatus::Placeholder, None)
                    } else if p.routine {
                        (LogStatus::Routine, None)
                    } else if p.resolution {
                        (LogStatus::Resolved, None)
                    } else if !follow_ups.is_empty() && deadline_passed {
                        (LogStatus::FollowedUp, follow_ups.last().map(|f| f.context.clone()))
                    } else if kind == PointKind::Decision
                        && matches!((&deadline, &newest), (Some(d), Some(n)) if d < n)
                    {
                        // only an adopted decision can be overdue: a proposal's deadline binds
                        // nobody until it is adopted
                        (LogStatus::Overdue, None)
                    } else {
                        (LogStatus::Open, follow_ups.last().map(|f| f.context.clone()))
                    };
                    LogEntry {
                        committee: agg.committee.clone(),
                        meeting_date: meeting_date.clone(),
                        case: agg.number.clone(),
                        case_title: title.clone(),
                        kind,
                        // the label as the paper wrote it: a bullet point has none
                        label: p
                            .label
                            .as_deref()
                            .map(|l| l.trim().trim_end_matches(['.', ')']).trim().to_string())
                            .filter(|l| !l.is_empty()),
                        responsible: p.responsible.clone(),
                        text,
                        sub_points: p.children.clone(),
                        deadline,
                        status,
                        follow_ups,
                        routine: p.routine,
                        reason,
                        as_of: (status == LogStatus::Overdue).then(|| newest.clone()).flatten(),
                        deadline_moved,
                        sources: sources.clone(),
                    }
                })
                .collect();
            let sort = SortKey {
                undated: meeting_date.is_none(),
                date: meeting_date.clone().unwrap_or_default(),
                committee: committee_key(agg.committee.as_ref()),
                number: this_num.unwrap_or((u32::MAX, u32::MAX)),
                key: key.clone(),
            };
            keyed.push((sort, entries));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.into_iter().flat_map(|(_, e)| e).collect()
    }
}

/// The date the log's statuses are true for: the newest meeting or case date of the papers
/// (never the wall clock). `overdue` means a deadline before this date. Evaluation forms (whose
/// meeting evaluates an earlier period) do not move it.
pub fn as_of(records: &[Record]) -> Option<String> {
    as_of_papers(&super::derive::papers(records))
}

pub fn as_of_papers(papers: &[Record]) -> Option<String> {
    papers
        .iter()
        .filter(|r| !r.is_form())
        .flat_map(|r| {
            r.meeting.iter().map(|m| m.date.as_str()).chain(r.cases.iter().filter_map(|c| c.date.as_deref()))
        })
        .filter(|d| is_date(d))
        .max()
        .map(str::to_string)
}

/// A later decision's move of a case's deadline.
struct Move {
    /// The point it names, if any.
    point: Option<String>,
    /// The moving case's number (year, seq).
    num: Option<(u32, u32)>,
    /// `YYYY-MM-DD`: the new deadline.
    deadline: String,
    by: DeadlineMoved,
}

/// A referring case's number (year, seq) and the follow-up it makes.
type Referrer = (Option<(u32, u32)>, FollowUp);

/// The log's order of an entry, rebuilt from the entry (for a log derived in parts, one
/// committee at a time, as the store does): meeting date (undated last), committee, case
/// number, then the entry's `index` in its part, which holds the rest of the order (the parts
/// are whole committees, so two parts never tie).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryOrder {
    undated: bool,
    date: String,
    committee: String,
    number: (u32, u32),
    index: usize,
}

impl EntryOrder {
    pub fn of(e: &LogEntry, index: usize) -> EntryOrder {
        EntryOrder {
            undated: e.meeting_date.is_none(),
            date: e.meeting_date.clone().unwrap_or_default(),
            committee: committee_key(e.committee.as_ref()),
            number: e.case.as_ref().map_or((u32::MAX, u32::MAX), |n| (n.year, n.seq)),
            index,
        }
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    undated: bool,
    date: String,
    committee: String,
    number: (u32, u32),
    key: String,
}

struct Chosen {
    /// Lower is preferred: document kind, then path.
    rank: (u8, String),
    date: Option<String>,
    points: Vec<Point>,
}

struct Agg {
    number: Option<CaseNum>,
    committee: Option<Committee>,
    title: Option<String>,
    agenda_title: Option<String>,
    date: Option<String>,
    agenda_date: Option<String>,
    sources: BTreeSet<String>,
    proposal: Option<Chosen>,
    decision: Option<Chosen>,
}

impl Agg {
    fn new(number: Option<CaseNum>) -> Self {
        Agg {
            number,
            committee: None,
            title: None,
            agenda_title: None,
            date: None,
            agenda_date: None,
            sources: BTreeSet::new(),
            proposal: None,
            decision: None,
        }
    }
}

/// Which document's points win when several carry them: decisions from minutes, proposals from
/// the case paper.
fn kind_rank(point: PointKind, doc: Kind) -> u8 {
    let order: &[Kind] = match point {
        PointKind::Decision => &[Kind::Minutes, Kind::CasePaper, Kind::MeetingInvitation, Kind::Attachment],
        PointKind::Proposal => &[Kind::CasePaper, Kind::MeetingInvitation, Kind::Minutes, Kind::Attachment],
    };
    order.iter().position(|k| *k == doc).map_or(9, |p| p as u8)
}

/// Whether the referring case comes after the referred one: a later date; a higher number only
/// when a date is missing (`Viser til sak 16/25` in case 19/25 of the same meeting is no follow-up).
fn is_later(
    from_date: Option<&str>,
    from_num: Option<(u32, u32)>,
    to_date: Option<&str>,
    to_num: Option<(u32, u32)>,
) -> bool {
    match (from_date, to_date) {
        (Some(a), Some(b)) => a > b,
        _ => matches!((from_num, to_num), (Some(a), Some(b)) if a > b),
    }
}

/// Whether `s` has the shape `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

fn has_placeholder(p: &Point) -> bool {
    p.placeholder || p.children.iter().any(has_placeholder)
}

fn label(p: &Point, index: usize) -> String {
    let written = p.label.as_deref().map(|l| l.trim().trim_end_matches(['.', ')']).trim()).unwrap_or("");
    if written.is_empty() {
        format!("{}", index + 1)
    } else {
        written.to_string()
    }
}

/// The point's text with its sub-points, one line each, indented by depth.
fn joined_text(p: &Point) -> String {
    let mut out =
        if p.placeholder && p.text.trim().is_empty() { "…".to_string() } else { p.text.trim().to_string() };
    fn walk(children: &[Point], depth: usize, out: &mut String) {
        for c in children {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
            let marker = c.label.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or("–");
            out.push_str(marker);
            out.push(' ');
            if c.placeholder && c.text.trim().is_empty() {
                out.push('…');
            } else {
                out.push_str(c.text.trim());
            }
            walk(&c.children, depth + 1, out);
        }
    }
    walk(&p.children, 1, &mut out);
    out
}

/// Whether a point named in a follow-up (`punkt 3`, `3.`, `3a`) is this entry's label.
fn same_label(named: &str, label: &str) -> bool {
    let n = named.trim().trim_end_matches(['.', ')']);
    n.eq_ignore_ascii_case(label)
}
