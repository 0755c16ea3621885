//! The monitoring dashboard (issue 22): one self-contained HTML file with an overview of every
//! action plan, each plan's measures with their status history, and the decision log.
//!
//! Every count comes from the Word documents' own contexts ([`data::status_report`],
//! [`data::decision_log`], [`data::annual_report`]); this module adds only what those documents
//! do not show: the history of each measure's status across plan versions and evaluation forms
//! ([`history`]), the change since the previous evaluation round ([`change`]), and provenance
//! (block/page, source links).
//!
//! Safety: the page is rendered by minijinja with HTML autoescaping; the data the script reads
//! is JSON in a `<script type="application/json">` block with `<`, `>`, `&` and the line
//! separators escaped as `\uXXXX`, so no value can close the block. A Content-Security-Policy
//! allows only the page's own style and script (by SHA-256 hash) and `data:` images: the page
//! makes no request of any kind.

use super::data::{self, AreaCtx, Counts, DecisionLogOptions, ItemCtx, LogCtx, PlanCtx, StatusOptions};
use super::{Lang, RenderError, ReportInput};
use crate::record::{At, LogEntry, LogStatus, Record, Status};
use crate::store::facts::LogTally;
use crate::store::{committee_key, derive};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

const TEMPLATE: &str = include_str!("../../templates/dashboard/dashboard.html.j2");
const STYLE: &str = include_str!("../../templates/dashboard/dashboard.css");
const SCRIPT: &str = include_str!("../../templates/dashboard/dashboard.js");
const WORDS: &str = include_str!("../../templates/dashboard/words.toml");

/// Closed decision-log points (followed up, routine, not filled in) from meetings more than this
/// many years before the newest year in the data are summarised (counted per committee, year and
/// status) instead of listed one by one.
pub const FULL_LOG_YEARS: i32 = 2;
/// At most this many decision-log points are listed one by one (about 1.1 KB each): open points
/// first, then overdue, then closed ones, each newest meeting first; the rest are summarised like
/// old closed points. Every count in the overview still covers all points. (`summary_caption` in
/// `templates/dashboard/words.toml` names both numbers.)
pub const MAX_LOG_ROWS: usize = 3000;
/// History marks shown per measure; older ones are summarised as a count.
pub const MAX_MARKS: usize = 8;

/// How the page links to source papers, and how many log points it lists.
#[derive(Debug, Clone)]
pub struct DashboardOptions {
    /// Prefix for relative source paths (the way from the dashboard's folder to the folder the
    /// paths are relative to, `../`); `None`: relative paths are linked as they are.
    pub source_base: Option<String>,
    /// At most this many decision-log points listed ([`MAX_LOG_ROWS`]).
    pub max_log_rows: usize,
}

impl Default for DashboardOptions {
    fn default() -> Self {
        DashboardOptions { source_base: None, max_log_rows: MAX_LOG_ROWS }
    }
}

/// Closed points of meetings before this year are summarised, never listed: the newest year
/// of the data less [`FULL_LOG_YEARS`] (`None`: no date, nothing is old).
pub fn old_before(input: &ReportInput) -> Option<i32> {
    year_of(input.newest_date(None).as_deref()).map(|n| n - FULL_LOG_YEARS)
}

/// One status assessment of a measure: a plan version's status or an evaluation form's.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Mark {
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub status: Option<Status>,
    /// `plan` or `form`.
    pub kind: &'static str,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub path: String,
    /// A file name for display.
    pub name: String,
    pub href: Option<String>,
    pub block: Option<u32>,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: ItemCtx,
    /// The newest marks, oldest first.
    pub marks: Vec<Mark>,
    /// Marks left out (older than the shown ones).
    pub older_marks: usize,
    pub source: SourceRef,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalView {
    pub goal: Option<String>,
    pub items: Vec<ItemView>,
}

/// The change of one plan since the previous evaluation round.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Change {
    /// `YYYY-MM-DD` of the previous round, when there is one.
    pub previous: Option<String>,
    /// (from, to, count): `from` is `None` for a new measure; statuses as `green`…, `none`.
    pub moves: Vec<(Option<&'static str>, &'static str, u32)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// Anchor id (`plan-1`).
    pub id: String,
    /// The committee's register code (or name) for filters.
    pub code: String,
    pub title: String,
    pub committee: Option<String>,
    pub owner: Option<String>,
    pub period: Option<String>,
    pub status_date: Option<String>,
    pub counts: Counts,
    pub source: SourceRef,
    pub forms: Vec<SourceRef>,
    pub goals: Vec<GoalView>,
    pub change: Change,
    /// The change in words (`2 gule → grønne, 1 ny rød`).
    pub change_text: String,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct CommitteeOpen {
    pub code: String,
    pub name: String,
    pub open: u32,
    pub overdue: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogRow {
    #[serde(flatten)]
    pub entry: LogCtx,
    pub code: String,
    pub year: Option<i32>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LogSummary {
    pub committee: String,
    pub year: Option<i32>,
    pub status: &'static str,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommitteeOption {
    pub code: String,
    pub name: String,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardCtx {
    pub lang: &'static str,
    pub partnership: String,
    /// `YYYY-MM-DD`: the newest date in the data.
    pub as_of: Option<String>,
    pub plans: Vec<PlanView>,
    /// The status report's totals over all plans.
    pub totals: Counts,
    /// The annual report's status per FSU for `year`.
    pub year: Option<i32>,
    pub fsu_status: Vec<AreaCtx>,
    pub fsu_totals: Counts,
    pub open_by_committee: Vec<CommitteeOpen>,
    /// The status report's open points (open + overdue).
    pub open_total: u32,
    pub overdue_total: u32,
    /// All decision-log points, by deadline (without a deadline last), except the summarised ones.
    pub log: Vec<LogRow>,
    pub log_total: usize,
    pub log_summary: Vec<LogSummary>,
    pub committees: Vec<CommitteeOption>,
    pub years: Vec<i32>,
}

fn status_key(s: Option<Status>) -> &'static str {
    s.map(Status::as_str).unwrap_or("none")
}

fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

/// Percent-encodes a path for an `href` (path separators kept).
fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn source_ref(opts: &DashboardOptions, path: &str, at: Option<At>) -> SourceRef {
    let href = if path.starts_with('/') {
        Some(format!("file://{}", encode_path(path)))
    } else if path.is_empty() || path.contains(':') {
        None
    } else {
        Some(format!("{}{}", opts.source_base.as_deref().unwrap_or(""), encode_path(path)))
    };
    SourceRef {
        path: path.to_string(),
        name: file_name(path),
        href,
        block: at.map(|a| a.block),
        page: at.and_then(|a| a.page),
    }
}

/// The status marks of each measure of `cp` (by [`derive::measure_key`]): every version of the
/// plan (same committee, [`derive::same_plan`]) and every evaluation form of the committee that
/// assessed the measure, oldest first; the same status on the same date once.
pub fn history(records: &[Record], cp: &derive::CurrentPlan) -> BTreeMap<String, Vec<Mark>> {
    let committee = committee_key(cp.committee.as_ref());
    let keys: BTreeSet<String> = cp.plan.items.iter().map(|i| derive::measure_key(&i.measure)).collect();
    let mut out: BTreeMap<String, Vec<Mark>> = BTreeMap::new();
    for r in records {
        let rc = committee_key(r.committee.as_ref());
        if !(rc == committee || rc.is_empty()) {
            continue;
        }
        for p in &r.plans {
            let kind = if p.form.is_some() { "form" } else { "plan" };
            if p.form.is_none() && !derive::same_plan(p, &cp.plan) {
                continue;
            }
            let date = p.status_date.clone().or_else(|| derive::record_date(r));
            for it in &p.items {
                let key = derive::measure_key(&it.measure);
                if key.is_empty() || !keys.contains(&key) || (kind == "form" && it.status.is_none()) {
                    continue;
                }
                out.entry(key).or_default().push(Mark {
                    date: date.clone(),
                    status: it.status,
                    kind,
                    source: r.source.path.clone(),
                });
            }
        }
    }
    for marks in out.values_mut() {
        marks.sort_by(|a, b| (&a.date, a.kind, &a.source).cmp(&(&b.date, b.kind, &b.source)));
        marks.dedup_by(|b, a| a.date == b.date && a.status == b.status);
    }
    out
}

/// The change of a plan's measures since the previous round: the newest round is the plan's
/// status date, the previous one the newest earlier date among its marks (plan versions and
/// forms). A measure's earlier status is its newest mark up to the previous round.
pub fn change(
    items: &[&ItemCtx],
    marks: &BTreeMap<String, Vec<Mark>>,
    all_marks: &[Mark],
    status_date: Option<&str>,
) -> Change {
    let latest =
        status_date.map(str::to_string).or_else(|| all_marks.iter().filter_map(|m| m.date.clone()).max());
    let Some(latest) = latest else { return Change::default() };
    let previous = all_marks.iter().filter_map(|m| m.date.clone()).filter(|d| *d < latest).max();
    let Some(previous) = previous else { return Change::default() };
    let mut moves: BTreeMap<(Option<&'static str>, &'static str), u32> = BTreeMap::new();
    let mut present: BTreeSet<String> = BTreeSet::new();
    for it in items {
        let key = derive::measure_key(&it.measure);
        present.insert(key.clone());
        let before = marks.get(&key).and_then(|ms| {
            ms.iter().rev().find(|m| m.date.as_deref().is_some_and(|d| d <= previous.as_str()))
        });
        let now = status_key(it.status);
        match before {
            None => *moves.entry((None, now)).or_default() += 1,
            Some(m) if status_key(m.status) != now => {
                *moves.entry((Some(status_key(m.status)), now)).or_default() += 1
            }
            Some(_) => {}
        }
    }
    Change { previous: Some(previous), moves: moves.into_iter().map(|((f, t), n)| (f, t, n)).collect() }
}

/// The words of the dashboard in `lang`.
pub fn words(lang: Lang) -> Result<BTreeMap<String, String>, RenderError> {
    let table: BTreeMap<String, BTreeMap<String, String>> = toml::from_str(WORDS)
        .map_err(|e| RenderError::Template { name: "dashboard/words.toml".into(), message: e.to_string() })?;
    Ok(table.into_iter().filter_map(|(k, v)| v.get(lang.code()).map(|w| (k, w.clone()))).collect())
}

/// `2 gule → grønne, 1 ny rød` (or `første statusrunde`, `ingen endring`).
pub fn change_text(c: &Change, w: &BTreeMap<String, String>) -> String {
    let word = |k: &str| w.get(k).cloned().unwrap_or_default();
    let colour = |s: &str, n: u32| word(&format!("{s}_{}", if n == 1 { "one" } else { "many" }));
    if c.previous.is_none() {
        return word("first_round");
    }
    let mut parts: Vec<String> = Vec::new();
    for (from, to, n) in c.moves.iter().filter(|m| m.0.is_some()) {
        parts.push(format!("{n} {} → {}", colour(from.unwrap_or("none"), *n), colour(to, *n)));
    }
    for (_, to, n) in c.moves.iter().filter(|m| m.0.is_none()) {
        let new = if *n == 1 { word("new_one") } else { word("new_many") };
        parts.push(format!("{n} {new} {}", colour(to, *n)));
    }
    if parts.is_empty() {
        word("no_change")
    } else {
        parts.join(", ")
    }
}

fn year_of(d: Option<&str>) -> Option<i32> {
    d.and_then(super::lang::parse_iso_date).map(|(y, _, _)| y)
}

/// The dashboard's context: the status report's plans (all committees), the annual report's
/// FSU status for the latest year, the decision log; plus history, change and provenance.
/// `input.log` is the whole decision log.
pub fn context(input: &ReportInput, opts: &DashboardOptions) -> Result<DashboardCtx, RenderError> {
    context_with(input, opts, None)
}

/// [`context`] from a part of the decision log: `input.log` holds at least the points the page
/// lists (every open and overdue point; of the closed ones not older than [`old_before`] the
/// newest meetings filling `opts.max_log_rows`: `Store::dashboard_log`), and `tally` counts
/// the whole log (`Store::log_tally`), so the summary of the points not listed and the log's
/// total come from the tally. `None`: `input.log` is the whole log and is counted here.
pub fn context_with(
    input: &ReportInput,
    opts: &DashboardOptions,
    tally: Option<&LogTally>,
) -> Result<DashboardCtx, RenderError> {
    let own_tally;
    let tally = match tally {
        Some(t) => t,
        None => {
            own_tally = LogTally::of(&input.log);
            &own_tally
        }
    };
    let w = words(input.lang)?;
    let status = data::status_report(input, &StatusOptions::default());
    // the secretariat's view: every body, the register's or not
    let log_ctx = data::decision_log(input, &DecisionLogOptions { all_bodies: true, ..Default::default() });
    let year = input.latest_year();
    let annual = year.map(|y| data::annual_report(input, y));
    let current = input.current_plans();

    let plans: Vec<PlanView> =
        status.plans.iter().enumerate().map(|(i, p)| plan_view(i, p, &current, input, opts, &w)).collect();

    // decision log: the entries with their committee code, year and sources
    let mut by_key: BTreeMap<LogKey, &LogEntry> = BTreeMap::new();
    for e in &input.log {
        by_key
            .entry((
                e.meeting_date.clone(),
                e.case.as_ref().map(|c| c.short()),
                e.label.clone(),
                e.text.clone(),
            ))
            .or_insert(e);
    }
    let key_of = |e: &LogCtx| (e.date.clone(), e.case.clone(), e.label.clone(), e.text.clone());
    let code_of = |e: &LogCtx| -> String {
        by_key
            .get(&key_of(e))
            .map(|le| committee_key(le.committee.as_ref()))
            .filter(|k| !k.is_empty())
            .or_else(|| e.committee.clone())
            .unwrap_or_default()
    };
    let old_before = old_before(input);
    // the summary: every closed point of the tally, less the closed points listed, plus the
    // open points the budget leaves out
    let reg = data::localized(input);
    let mut summary: BTreeMap<(String, Option<i32>, &'static str), i64> = BTreeMap::new();
    for t in tally.rows.iter().filter(|t| !matches!(t.status, LogStatus::Open | LogStatus::Overdue)) {
        let name = data::committee_name(&reg, t.committee.as_ref()).unwrap_or_default();
        *summary.entry((name, t.year, t.status.as_str())).or_default() += t.count as i64;
    }
    let mut candidates: Vec<&LogCtx> = Vec::new();
    for e in &log_ctx.entries {
        let y = year_of(e.date.as_deref());
        let open = matches!(e.status, "open" | "overdue");
        let old = match (y, old_before) {
            (Some(y), Some(b)) => y < b,
            _ => false,
        };
        if open || !old {
            candidates.push(e);
        }
    }
    let priority = |e: &LogCtx| match e.status {
        "open" => 0,
        "overdue" => 1,
        _ => 2,
    };
    // stable: within a priority the newest meetings first, else the decision log's order
    candidates.sort_by(|a, b| priority(a).cmp(&priority(b)).then_with(|| b.date.cmp(&a.date)));
    let mut log = Vec::new();
    for (i, e) in candidates.into_iter().enumerate() {
        let y = year_of(e.date.as_deref());
        let key = (e.committee.clone().unwrap_or_default(), y, e.status);
        let open = matches!(e.status, "open" | "overdue");
        if i >= opts.max_log_rows {
            if open {
                *summary.entry(key).or_default() += 1;
            }
            continue;
        }
        if !open {
            *summary.entry(key).or_default() -= 1;
        }
        let sources = by_key
            .get(&key_of(e))
            .map(|le| le.sources.iter().map(|s| source_ref(opts, s, None)).collect())
            .unwrap_or_default();
        log.push(LogRow { entry: e.clone(), code: code_of(e), year: y, sources });
    }
    // by deadline, points without one last; then as the decision log orders them
    log.sort_by(|a, b| {
        (a.entry.deadline.is_none(), &a.entry.deadline).cmp(&(b.entry.deadline.is_none(), &b.entry.deadline))
    });

    let mut open_by_committee: Vec<CommitteeOpen> = Vec::new();
    for e in &status.open {
        let name = e.committee.clone().unwrap_or_default();
        let code = code_of(e);
        let row = match open_by_committee.iter_mut().position(|c| c.code == code) {
            Some(i) => &mut open_by_committee[i],
            None => {
                open_by_committee.push(CommitteeOpen { code, name, ..Default::default() });
                open_by_committee.last_mut().expect("just pushed")
            }
        };
        if e.status == "overdue" {
            row.overdue += 1;
        } else {
            row.open += 1;
        }
    }

    let rank = |code: &str| {
        input.register.committees.iter().position(|d| d.code.eq_ignore_ascii_case(code)).unwrap_or(usize::MAX)
    };
    open_by_committee.sort_by(|a, b| (rank(&a.code), &a.name).cmp(&(rank(&b.code), &b.name)));
    let mut committees: Vec<CommitteeOption> = Vec::new();
    for (code, name) in
        plans.iter().map(|p| (p.code.clone(), p.committee.clone().unwrap_or_else(|| p.code.clone()))).chain(
            log.iter().map(|r| (r.code.clone(), r.entry.committee.clone().unwrap_or_else(|| r.code.clone()))),
        )
    {
        if !code.is_empty() && !committees.iter().any(|c| c.code == code) {
            committees.push(CommitteeOption { code, name });
        }
    }
    committees.sort_by(|a, b| (rank(&a.code), &a.name).cmp(&(rank(&b.code), &b.name)));
    let years: Vec<i32> =
        log.iter().filter_map(|r| r.year).collect::<BTreeSet<_>>().into_iter().rev().collect();

    Ok(DashboardCtx {
        lang: input.lang.code(),
        partnership: input.register.partnership.name.clone(),
        as_of: input.newest_date(None),
        totals: status.totals.clone(),
        year,
        fsu_status: annual.as_ref().map(|a| a.fsu_status.clone()).unwrap_or_default(),
        fsu_totals: annual.as_ref().map(|a| a.status_totals.clone()).unwrap_or_default(),
        open_total: open_by_committee.iter().map(|c| c.open).sum(),
        overdue_total: open_by_committee.iter().map(|c| c.overdue).sum(),
        open_by_committee,
        log_total: tally.total() as usize,
        log,
        log_summary: summary
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|((committee, year, status), count)| LogSummary {
                committee,
                year,
                status,
                count: count as u32,
            })
            .collect(),
        committees,
        years,
        plans,
    })
}

/// Longest plan anchor (the start of committee and title).
const PLAN_ID_CHARS: usize = 60;

/// A plan's anchor, stable while its committee and title stay: `plan-fsu-barn-mal-tiltak-og-status`
/// (ASCII, at most [`PLAN_ID_CHARS`]; `plan-N` for the N-th plan when that is empty).
fn plan_id(code: &str, title: &str, i: usize) -> String {
    let mut id = String::from("plan-");
    for c in format!("{code} {title}").to_lowercase().chars() {
        let mapped = match c {
            'æ' => "ae".to_string(),
            'ø' => "o".to_string(),
            'å' => "a".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_string(),
        };
        if mapped == "-" && id.ends_with('-') {
            continue;
        }
        id.push_str(&mapped);
    }
    let id: String = id.chars().take(PLAN_ID_CHARS).collect();
    let id = id.trim_end_matches('-').to_string();
    if id == "plan" {
        format!("plan-{}", i + 1)
    } else {
        id
    }
}

fn plan_view(
    i: usize,
    p: &PlanCtx,
    current: &[derive::CurrentPlan],
    input: &ReportInput,
    opts: &DashboardOptions,
    w: &BTreeMap<String, String>,
) -> PlanView {
    let cp = current.iter().find(|cp| cp.source == p.source_path && cp.plan.title == p.title);
    let marks = cp.map(|cp| history(&input.records, cp)).unwrap_or_default();
    let all_marks: Vec<Mark> = marks.values().flatten().cloned().collect();
    let items: Vec<&ItemCtx> = p.goals.iter().flat_map(|g| g.items.iter()).collect();
    let ch = change(&items, &marks, &all_marks, p.status_date.as_deref());
    let at_of = |index: usize| cp.and_then(|cp| cp.plan.items.get(index)).and_then(|it| it.at);
    let goals = p
        .goals
        .iter()
        .map(|g| GoalView {
            goal: g.goal.clone(),
            items: g
                .items
                .iter()
                .map(|it| {
                    let all = marks.get(&derive::measure_key(&it.measure)).cloned().unwrap_or_default();
                    let older = all.len().saturating_sub(MAX_MARKS);
                    ItemView {
                        item: it.clone(),
                        marks: all[older..].to_vec(),
                        older_marks: older,
                        source: source_ref(opts, &p.source_path, at_of(it.index)),
                    }
                })
                .collect(),
        })
        .collect();
    let code = cp
        .map(|cp| committee_key(cp.committee.as_ref()))
        .filter(|k| !k.is_empty())
        .or_else(|| p.committee.clone())
        .or_else(|| p.owner.clone())
        .unwrap_or_default();
    PlanView {
        id: plan_id(&code, &p.title, i),
        code,
        title: p.title.clone(),
        committee: p.committee.clone(),
        owner: p.owner.clone(),
        period: p.period.clone(),
        status_date: p.status_date.clone(),
        counts: p.counts.clone(),
        source: source_ref(opts, &p.source_path, None),
        forms: p.form_paths.iter().map(|f| source_ref(opts, f, None)).collect(),
        goals,
        change_text: change_text(&ch, w),
        change: ch,
    }
}

/// JSON for a `<script type="application/json">` block: `<`, `>`, `&`, U+2028 and U+2029 as
/// `\uXXXX` escapes (still the same JSON), so the text can never end the block.
pub fn script_json<T: Serialize>(value: &T) -> Result<String, RenderError> {
    let s = serde_json::to_string(value)
        .map_err(|e| RenderError::Template { name: "dashboard".into(), message: e.to_string() })?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Standard base64 (for CSP hashes).
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The CSP source of an inline element's text: `'sha256-…'`.
pub fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// The Content-Security-Policy of the page.
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// What the script reads from the JSON block.
#[derive(Serialize)]
struct ScriptData<'a> {
    words: &'a BTreeMap<String, String>,
    /// Status code → the URL word of the page's language (`red` → `rød`).
    slugs: BTreeMap<&'static str, String>,
    /// URL word in either language, or the code itself → status code.
    aliases: BTreeMap<String, &'static str>,
    plans: Vec<ScriptPlan<'a>>,
}

/// Measure statuses and decision-log statuses with the word key that names each.
const STATUS_WORDS: [(&str, &str); 10] = [
    ("green", "green_one"),
    ("yellow", "yellow_one"),
    ("red", "red_one"),
    ("none", "none_one"),
    ("open", "log_open"),
    ("overdue", "log_overdue"),
    ("followed_up", "log_followed_up"),
    ("routine", "log_routine"),
    ("resolved", "log_resolved"),
    ("placeholder", "log_placeholder"),
];

/// Status code → URL word of one language.
type Slugs = BTreeMap<&'static str, String>;
/// URL word (either language, or the code) → status code.
type Aliases = BTreeMap<String, &'static str>;
/// A decision-log entry's identity as its context shows it: meeting date, case, label, text.
type LogKey = (Option<String>, Option<String>, Option<String>, String);

/// A status word as it goes into the URL: lower case, spaces as `-` (`over-fristen`).
fn slug(word: &str) -> String {
    word.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// The URL words of the statuses in `lang`, and every accepted URL word → status code.
pub fn status_slugs(lang: Lang) -> Result<(Slugs, Aliases), RenderError> {
    let own = words(lang)?;
    let mut slugs = BTreeMap::new();
    let mut aliases = BTreeMap::new();
    for l in [Lang::Nb, Lang::Nn] {
        let w = words(l)?;
        for (code, key) in STATUS_WORDS {
            if let Some(word) = w.get(key) {
                aliases.insert(slug(word), code);
            }
        }
    }
    for (code, key) in STATUS_WORDS {
        aliases.insert(code.to_string(), code);
        aliases.insert(code.replace('_', "-"), code);
        slugs.insert(code, own.get(key).map(|w| slug(w)).unwrap_or_else(|| code.to_string()));
    }
    Ok((slugs, aliases))
}

#[derive(Serialize)]
struct ScriptPlan<'a> {
    id: &'a str,
    code: &'a str,
    title: &'a str,
    counts: &'a Counts,
}

/// Renders the dashboard: the HTML page as a string.
pub fn render(input: &ReportInput, opts: &DashboardOptions) -> Result<String, RenderError> {
    render_with(input, opts, None)
}

/// Renders the dashboard from a part of the decision log and the tally of the whole
/// ([`context_with`]).
pub fn render_with(
    input: &ReportInput,
    opts: &DashboardOptions,
    tally: Option<&LogTally>,
) -> Result<String, RenderError> {
    let ctx = context_with(input, opts, tally)?;
    render_ctx(&ctx, input.lang)
}

/// Renders a computed context (the tests compare the context with the DOM).
pub fn render_ctx(ctx: &DashboardCtx, lang: Lang) -> Result<String, RenderError> {
    let w = words(lang)?;
    let err = |e: minijinja::Error| RenderError::Template {
        name: "dashboard.html.j2".into(),
        message: format!("{e:#}"),
    };
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("date", |s: Option<String>| -> String {
        match s.as_deref().and_then(super::lang::parse_iso_date) {
            Some((y, m, d)) => format!("{d:02}.{m:02}.{y:04}"),
            None => s.unwrap_or_default(),
        }
    });
    env.add_filter("urlencode", |s: String| -> String { encode_path(&s).replace('/', "%2F") });
    env.add_template("dashboard.html.j2", TEMPLATE).map_err(err)?;
    let (slugs, aliases) = status_slugs(lang)?;
    let plan_codes: BTreeSet<&str> = ctx.plans.iter().map(|p| p.code.as_str()).collect();
    let log_codes: BTreeSet<&str> = ctx.log.iter().map(|r| r.code.as_str()).collect();
    let slug_value = minijinja::Value::from(minijinja::value::Serde(&slugs));
    let data = ScriptData {
        words: &w,
        slugs,
        aliases,
        plans: ctx
            .plans
            .iter()
            .map(|p| ScriptPlan { id: &p.id, code: &p.code, title: &p.title, counts: &p.counts })
            .collect(),
    };
    let json = script_json(&data)?;
    let tmpl = env.get_template("dashboard.html.j2").map_err(err)?;
    let html = tmpl
        .render(minijinja::context! {
            d => minijinja::Value::from(minijinja::value::Serde(ctx)),
            w => minijinja::Value::from(minijinja::value::Serde(&w)),
            csp => minijinja::Value::from_safe_string(csp()),
            slug => slug_value,
            plan_codes => minijinja::Value::from(minijinja::value::Serde(&plan_codes)),
            log_codes => minijinja::Value::from(minijinja::value::Serde(&log_codes)),
            style => minijinja::Value::from_safe_string(STYLE.to_string()),
            script => minijinja::Value::from_safe_string(SCRIPT.to_string()),
            data_json => minijinja::Value::from_safe_string(json),
        })
        .map_err(err)?;
    // minijinja writes `/` as `&#x2f;`; HTML needs no escape for it in text or quoted attributes,
    // and the sequence cannot come from anything else (a value's own `&` is written `&amp;`, the
    // inlined style, script and JSON hold none).
    Ok(html.replace("&#x2f;", "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_end_its_block() {
        let s = script_json(&vec!["</script><script>alert(1)</script>", "a & b", "\u{2028}"]).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn inline_style_and_script_hold_no_closing_tag() {
        assert!(!SCRIPT.to_lowercase().contains("</script"));
        assert!(!STYLE.to_lowercase().contains("</style"));
        // `render_ctx` turns every `&#x2f;` back into `/`: none may be the page's own
        for own in [SCRIPT, STYLE, TEMPLATE, WORDS] {
            assert!(!own.contains("&#x2f;"));
        }
    }

    #[test]
    fn change_in_words_agrees_in_number_nb_and_nn() {
        let c = Change {
            previous: Some("2025-03-01".into()),
            moves: vec![(Some("yellow"), "green", 2), (Some("green"), "red", 1), (None, "red", 1)],
        };
        assert_eq!(change_text(&c, &words(Lang::Nb).unwrap()), "2 gule → grønne, 1 grønn → rød, 1 ny rød");
        assert_eq!(change_text(&c, &words(Lang::Nn).unwrap()), "2 gule → grøne, 1 grøn → raud, 1 ny raud");
        let none = Change { previous: Some("2025-03-01".into()), ..Change::default() };
        assert_eq!(change_text(&none, &words(Lang::Nb).unwrap()), "ingen endring");
        assert_eq!(change_text(&Change::default(), &words(Lang::Nn).unwrap()), "første statusrunde");
    }
}
