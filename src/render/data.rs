//! The template contexts: what each document shows, computed from records and the decision log.
//! Pure functions of the input (sorted with stable keys, no clock). Words are the templates'
//! business; this module delivers facts (counts, dates, statuses as `green`/`yellow`/`red`).
//!
//! Nothing here reads Norwegian text: statuses, comments, dates and the SMART hint are record
//! fields filled by extraction; plans come from the store's derive step (`store::derive`).
//! The SMART boxes show the committee's own assessment from a filled evaluation form, else the
//! first heuristic hint made at extraction (`PlanItem::smart_hint`, `extract::plan::smart_hint`).

use super::ReportInput;
use crate::config::{CommitteeKind, Register};
use crate::record::{Committee, Kind, LogEntry, LogStatus, Point, PointKind, Record, Status};
use crate::store::derive::{self, CurrentPlan};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Filters of the status report.
#[derive(Debug, Clone, Default)]
pub struct StatusOptions {
    /// Committee code or name (part of it, case-insensitive).
    pub committee: Option<String>,
    /// Plan title (part of it, case-insensitive).
    pub plan: Option<String>,
}

/// The documents' `--committee` rule (register code, or part of the committee's name as
/// written or as the register names it in the document's language) as a predicate: the store
/// picks a committee's log entries with it (`Store::log_entries_of`).
pub fn committee_filter(input: &ReportInput, wanted: &str) -> impl Fn(&Committee) -> bool {
    let reg = localized(input);
    let wanted = wanted.to_string();
    move |c| matches_committee(&reg, Some(c), &wanted)
}

/// Filters of the decision log.
#[derive(Debug, Clone, Default)]
pub struct DecisionLogOptions {
    pub committee: Option<String>,
    /// Only entries still open (open or overdue).
    pub open: bool,
    /// Also the entries of bodies outside the register (the secretariat's own view; the
    /// partnership's documents leave them out).
    pub all_bodies: bool,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Smart {
    pub specific: bool,
    pub measurable: bool,
    pub achievable: bool,
    pub relevant: bool,
    pub time_bound: bool,
}

/// The display name of a committee: the register's name for a known code, else as written.
pub fn committee_name(register: &Register, c: Option<&Committee>) -> Option<String> {
    let c = c?;
    c.code
        .as_deref()
        .and_then(|code| register.by_code(code))
        .map(|d| d.name.clone())
        .or_else(|| Some(c.name.clone()))
}

/// Position of a committee in the register (unknown ones last), for stable ordering.
fn committee_rank(register: &Register, c: Option<&Committee>) -> usize {
    c.and_then(|c| c.code.as_deref())
        .and_then(|code| register.committees.iter().position(|d| d.code.eq_ignore_ascii_case(code)))
        .unwrap_or(usize::MAX)
}

fn matches_committee(register: &Register, c: Option<&Committee>, wanted: &str) -> bool {
    let w = wanted.trim().to_lowercase();
    let Some(c) = c else { return false };
    c.code.as_deref().is_some_and(|code| code.eq_ignore_ascii_case(wanted.trim()))
        || c.name.to_lowercase().contains(&w)
        || committee_name(register, Some(c)).is_some_and(|n| n.to_lowercase().contains(&w))
}

/// The record's date: its meeting date, else its newest case date.
pub fn record_date(r: &Record) -> Option<String> {
    r.meeting.as_ref().map(|m| m.date.clone()).or_else(|| r.cases.iter().filter_map(|c| c.date.clone()).max())
}

/// The newest date in the data (meeting and case dates), optionally not after `until`.
pub fn newest_date(records: &[Record], until: Option<&str>) -> Option<String> {
    records
        .iter()
        .flat_map(|r| {
            r.meeting.iter().map(|m| m.date.clone()).chain(r.cases.iter().filter_map(|c| c.date.clone()))
        })
        .filter(|d| super::lang::parse_iso_date(d).is_some())
        .filter(|d| until.is_none_or(|u| d.as_str() <= u))
        .max()
}

/// Points without empty placeholders (`-`, nothing after a colon).
fn real_points(points: &[Point]) -> Vec<Point> {
    points
        .iter()
        .filter(|p| !(p.placeholder && p.text.trim().is_empty() && p.children.is_empty()))
        .map(|p| Point { children: real_points(&p.children), ..p.clone() })
        .collect()
}

fn in_year(date: Option<&str>, year: i32) -> bool {
    date.and_then(super::lang::parse_iso_date).is_some_and(|(y, _, _)| y == year)
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemCtx {
    pub measure: String,
    pub status: Option<Status>,
    pub status_text: Option<String>,
    pub responsible: Option<String>,
    pub deadline: Option<String>,
    pub smart: Smart,
    /// The plan's comment column, or the comment of a later evaluation form.
    pub comment: Option<String>,
    /// `continue`, `adjust` or `end` from an evaluation form.
    pub decision: Option<String>,
    /// `YYYY-MM-DD`: when the status was assessed.
    pub assessed: Option<String>,
    /// Position of the item in its plan (form controls are tagged with it).
    pub index: usize,
    /// `YYYY-MM-DD`: when the comment was written (the plan's status date or the form's date).
    pub comment_date: Option<String>,
    /// `YYYY-MM-DD`: the measure was added in an evaluation form of this date.
    pub added: Option<String>,
    /// The SMART boxes are the committee's own (from a filled form).
    pub smart_by_committee: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalCtx {
    pub goal: Option<String>,
    pub items: Vec<ItemCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanCtx {
    pub title: String,
    pub committee: Option<String>,
    pub owner: Option<String>,
    pub period: Option<String>,
    pub date: Option<String>,
    /// `YYYY-MM-DD`: the plan's status date (`Status per …`), or the newest evaluation form's.
    pub status_date: Option<String>,
    pub source: String,
    /// Evaluation forms laid over the plan (their file names).
    pub forms: Vec<String>,
    /// The plan's paper and its forms as stored (paths): for links in a local view, never
    /// printed in a document.
    #[serde(skip)]
    pub source_path: String,
    #[serde(skip)]
    pub form_paths: Vec<String>,
    pub goals: Vec<GoalCtx>,
    pub counts: Counts,
    /// Some SMART boxes are the committee's own (a filled form was laid over the plan).
    pub smart_by_committee: bool,
    /// `YYYY-MM-DD`: the date of the newest form laid over the plan.
    pub form_date: Option<String>,
}

/// Whether a committee is one of the partnership's bodies (in the register): the partnership's
/// documents show only these; papers of other bodies go to the review list.
pub fn in_register(c: Option<&Committee>) -> bool {
    c.and_then(|c| c.code.as_ref()).is_some()
}

/// A case number as the paper wrote it (`07.25`, `09-2025`, `18/25`), so it can be found in
/// the archive; the committee style `18/25` when the written form holds no number.
pub fn written_number(n: &crate::record::CaseNum) -> String {
    let token = n
        .as_written
        .split_whitespace()
        .rev()
        .find(|t| t.chars().any(|c| c.is_ascii_digit()))
        .map(|t| t.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .unwrap_or("");
    let seq: String = token.chars().take_while(|c| c.is_ascii_digit()).collect();
    if seq.parse::<u32>().ok() == Some(n.seq) && token.len() > seq.len() {
        token.to_string()
    } else {
        n.short()
    }
}

/// Amounts and numbers keep together on a line: the space inside `2 400 000` and before `kr`
/// becomes a no-break space.
pub fn keep_amounts(text: &str) -> String {
    static GROUP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(\d) (\d{3}(?:\D|$))|(\d) (kr\b|mill\.|millioner|prosent|%)|\b(kr) (\d)")
            .expect("valid regex")
    });
    // every match has a space after a digit (`\d` is any Unicode decimal digit: `is_numeric`
    // takes in more) or `kr ` before one: most texts have neither and are not searched
    let mut chars = text.chars().peekable();
    let mut may_match = text.contains("kr ");
    while let (false, Some(c)) = (may_match, chars.next()) {
        may_match = c.is_numeric() && chars.peek() == Some(&' ');
    }
    if !may_match {
        return text.to_string();
    }
    let mut out = text.to_string();
    // twice: overlapping groups (`2 400 000`)
    for _ in 0..2 {
        out = GROUP
            .replace_all(&out, |c: &regex::Captures| {
                let g = |i: usize| c.get(i).map_or("", |m| m.as_str());
                if !g(1).is_empty() {
                    format!("{}\u{a0}{}", g(1), g(2))
                } else if !g(3).is_empty() {
                    format!("{}\u{a0}{}", g(3), g(4))
                } else {
                    format!("{}\u{a0}{}", g(5), g(6))
                }
            })
            .into_owned();
    }
    out
}

fn keep_amounts_in(points: &[Point]) -> Vec<Point> {
    points
        .iter()
        .map(|p| Point { text: keep_amounts(&p.text), children: keep_amounts_in(&p.children), ..p.clone() })
        .collect()
}

/// A paper's file name without its folders: documents sent to committees never show a local
/// path (`../papers/innkomne/…`).
pub fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Counts {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub none: u32,
    pub total: u32,
}

impl Counts {
    fn add(&mut self, s: Option<Status>) {
        match s {
            Some(Status::Green) => self.green += 1,
            Some(Status::Yellow) => self.yellow += 1,
            Some(Status::Red) => self.red += 1,
            None => self.none += 1,
        }
        self.total += 1;
    }
    fn merge(&mut self, o: &Counts) {
        self.green += o.green;
        self.yellow += o.yellow;
        self.red += o.red;
        self.none += o.none;
        self.total += o.total;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaCtx {
    pub name: String,
    pub counts: Counts,
    /// `YYYY-MM-DD`: the status date of the area's plan, when one area is one plan.
    pub status_date: Option<String>,
}

fn plan_ctx(register: &Register, cp: &CurrentPlan) -> PlanCtx {
    let p = &cp.plan;
    let mut goals: Vec<GoalCtx> = Vec::new();
    let mut counts = Counts::default();
    for (index, it) in p.items.iter().enumerate() {
        counts.add(it.status);
        let note = cp.notes.get(index).cloned().unwrap_or_default();
        // the committee's own assessment (a filled evaluation form), else extraction's first hint
        let [s, m, a, r, t] = it.smart.or(it.smart_hint).unwrap_or_default();
        let sm = Smart { specific: s, measurable: m, achievable: a, relevant: r, time_bound: t };
        let item = ItemCtx {
            measure: it.measure.clone(),
            status: it.status,
            status_text: it.status_text.clone(),
            responsible: it.responsible.clone(),
            deadline: it.deadline.clone(),
            smart: sm,
            comment: it.comment.clone(),
            decision: it.decision.clone(),
            assessed: it.assessed.clone(),
            index,
            comment_date: note.comment_date,
            added: note.added,
            smart_by_committee: note.smart_by_committee,
        };
        match goals.last_mut() {
            Some(g) if g.goal == it.goal => g.items.push(item),
            _ => goals.push(GoalCtx { goal: it.goal.clone(), items: vec![item] }),
        }
    }
    PlanCtx {
        title: p.title.clone(),
        committee: committee_name(register, cp.committee.as_ref()),
        owner: p.owner.clone(),
        period: p.period.map(|pd| {
            if pd.from == pd.to {
                pd.from.to_string()
            } else {
                format!("{}–{}", pd.from, pd.to)
            }
        }),
        date: cp.date.clone(),
        status_date: p.status_date.clone(),
        source: file_name(&cp.source),
        forms: cp.forms.iter().map(|f| file_name(f)).collect(),
        source_path: cp.source.clone(),
        form_paths: cp.forms.clone(),
        goals,
        counts,
        smart_by_committee: cp.notes.iter().any(|n| n.smart_by_committee),
        form_date: (!cp.forms.is_empty()).then(|| p.status_date.clone()).flatten(),
    }
}

/// Current plans ([`crate::store::derive::current_plans`]) in register order.
fn current_plans(register: &Register, input: &ReportInput) -> Vec<CurrentPlan> {
    sorted_plans(register, input.current_plans())
}

fn sorted_plans(register: &Register, plans: Vec<CurrentPlan>) -> Vec<CurrentPlan> {
    let mut kept = plans;
    kept.sort_by(|a, b| {
        (
            committee_rank(register, a.committee.as_ref()),
            committee_name(register, a.committee.as_ref()),
            a.plan.title.to_lowercase(),
        )
            .cmp(&(
                committee_rank(register, b.committee.as_ref()),
                committee_name(register, b.committee.as_ref()),
                b.plan.title.to_lowercase(),
            ))
    });
    kept
}

/// The current action plan of one FSU: the newest plan from a record of that committee (or,
/// for records without a committee, a plan whose owner or title names it).
/// A plan that speaks for `year`: its period covers the year, or (without a period) its record
/// is dated in the year.
fn plan_in_year(cp: &CurrentPlan, year: i32) -> bool {
    match cp.plan.period {
        Some(p) => p.from <= year && year <= p.to,
        None => in_year(cp.date.as_deref(), year),
    }
}

/// The plan of FSU `code` for `year` ([`fsu_plan`] restricted to plans covering the year).
pub fn fsu_plan_for_year(
    register: &Register,
    records: &[Record],
    code: &str,
    year: i32,
) -> Option<CurrentPlan> {
    fsu_plan_in(register, derive::current_plans(records), code, year)
}

/// [`fsu_plan_for_year`] among the current plans `plans`.
pub fn fsu_plan_in(
    register: &Register,
    plans: Vec<CurrentPlan>,
    code: &str,
    year: i32,
) -> Option<CurrentPlan> {
    fsu_plan(register, plans, code).filter(|cp| plan_in_year(cp, year))
}

fn fsu_plan(register: &Register, plans: Vec<CurrentPlan>, code: &str) -> Option<CurrentPlan> {
    let def = register.by_code(code)?;
    let mut names: Vec<String> = def.names.iter().map(|n| n.to_lowercase()).collect();
    names.push(def.name.to_lowercase());
    sorted_plans(register, plans)
        .into_iter()
        .filter(|cp| match &cp.committee {
            Some(c) => c.code.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(code)),
            None => {
                let hay = format!("{} {}", cp.plan.owner.as_deref().unwrap_or_default(), cp.plan.title)
                    .to_lowercase();
                names.iter().any(|n| hay.contains(n.as_str()))
            }
        })
        .max_by(|a, b| {
            let key = |cp: &CurrentPlan| (cp.date.clone(), cp.plan.period.map(|x| x.to), cp.plan.items.len());
            key(a).cmp(&key(b))
        })
}

#[derive(Debug, Clone, Serialize)]
pub struct LogCtx {
    pub committee: Option<String>,
    pub date: Option<String>,
    pub case: Option<String>,
    pub title: Option<String>,
    pub proposal: bool,
    pub label: Option<String>,
    pub text: String,
    /// The point's own text (its first line), shown above `sub_points` as a nested list.
    pub head: String,
    pub sub_points: Vec<Point>,
    pub responsible: Option<String>,
    pub deadline: Option<String>,
    pub status: &'static str,
    /// Why the point has its status: the referring sentence of a follow-up.
    pub reason: Option<String>,
    pub follow_ups: Vec<FollowCtx>,
    /// `YYYY-MM-DD`, for an overdue point: the date it is judged overdue against.
    pub as_of: Option<String>,
    /// The later decision that moved the deadline, when one did.
    pub moved: Option<MovedCtx>,
}

/// A later decision that moved a point's deadline.
#[derive(Debug, Clone, Serialize)]
pub struct MovedCtx {
    /// `YYYY-MM-DD`: the deadline before the move.
    pub from: Option<String>,
    pub case: Option<String>,
    pub date: Option<String>,
    pub committee: Option<String>,
    /// The sentence that moves it.
    pub context: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FollowCtx {
    pub case: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub committee: Option<String>,
    /// The sentence that follows up the point.
    pub context: String,
}

fn log_ctx(register: &Register, e: &LogEntry) -> LogCtx {
    LogCtx {
        committee: committee_name(register, e.committee.as_ref()),
        date: e.meeting_date.clone(),
        case: e.case.as_ref().map(written_number),
        title: e.case_title.clone(),
        proposal: e.kind == PointKind::Proposal,
        label: e.label.clone(),
        text: keep_amounts(&e.text),
        head: keep_amounts(e.text.lines().next().unwrap_or("")),
        sub_points: keep_amounts_in(&real_points(&e.sub_points)),
        responsible: e.responsible.clone(),
        deadline: e.deadline.clone(),
        status: e.status.as_str(),
        reason: e.reason.clone(),
        follow_ups: e
            .follow_ups
            .iter()
            .map(|f| FollowCtx {
                case: f.case.as_ref().map(written_number),
                title: f.title.clone(),
                date: f.date.clone(),
                committee: committee_name(register, f.committee.as_ref()),
                context: f.context.clone(),
            })
            .collect(),
        as_of: e.as_of.clone(),
        moved: e.deadline_moved.as_ref().map(|m| MovedCtx {
            from: m.from.clone(),
            case: m.case.as_ref().map(written_number),
            date: m.date.clone(),
            committee: committee_name(register, m.committee.as_ref()),
            context: m.context.clone(),
        }),
    }
}

fn is_open(e: &LogEntry) -> bool {
    matches!(e.status, LogStatus::Open | LogStatus::Overdue)
}

/// Log entries in a stable order: date, committee (register order), case, label.
fn sorted_log<'a>(register: &Register, log: &'a [LogEntry]) -> Vec<&'a LogEntry> {
    let mut v: Vec<&LogEntry> = log.iter().collect();
    // stable: within a case the points keep the paper's order
    v.sort_by(|a, b| {
        (&a.meeting_date, committee_rank(register, a.committee.as_ref()), &a.case).cmp(&(
            &b.meeting_date,
            committee_rank(register, b.committee.as_ref()),
            &b.case,
        ))
    });
    v
}

/// The register with the display names of the document's language (`name_nn` in nynorsk).
pub(crate) fn localized(input: &ReportInput) -> Register {
    let mut reg = input.register.clone();
    if input.lang == super::Lang::Nn {
        for c in &mut reg.committees {
            if let Some(nn) = c.name_nn.clone() {
                c.name = nn;
            }
        }
    }
    reg
}

/// Common fields of every document.
#[derive(Debug, Clone, Serialize)]
pub struct Common {
    pub lang: &'static str,
    pub partnership: String,
    pub created: Option<String>,
}

fn common(input: &ReportInput, created: Option<String>) -> Common {
    Common { lang: input.lang.code(), partnership: input.register.partnership.name.clone(), created }
}

#[derive(Debug, Clone, Serialize)]
pub struct FsuCtx {
    pub code: String,
    pub name: String,
}

/// The traffic lights as a paper of the partnership defines them (`Record::status_legend`):
/// the legend of the evaluation form and the status report, else the built-in one.
#[derive(Debug, Clone, Serialize)]
pub struct LegendCtx {
    pub green: Option<String>,
    pub yellow: Option<String>,
    pub red: Option<String>,
    /// The paper that gives them (file name) and its date.
    pub source: String,
    pub date: Option<String>,
}

/// The adopted definitions: from the papers of the partnership's bodies (never an evaluation
/// form, which repeats a legend), those of committee `prefer` first, then the newest paper.
pub fn legend(records: &[Record], prefer: Option<&str>) -> Option<LegendCtx> {
    // only the few papers that define colours are reduced to one per paper
    let defining: Vec<Record> = records.iter().filter(|r| !r.status_legend.is_empty()).cloned().collect();
    let papers = derive::papers(&defining);
    let r = papers.iter().filter(|r| !r.is_form() && in_register(r.committee.as_ref())).max_by_key(|r| {
        let own = prefer.is_some_and(|p| {
            r.committee.as_ref().and_then(|c| c.code.as_deref()).is_some_and(|c| c.eq_ignore_ascii_case(p))
        });
        (own, record_date(r), std::cmp::Reverse(r.source.path.clone()))
    })?;
    let text = |s: Status| r.status_legend.iter().find(|e| e.status == s).map(|e| e.text.clone());
    Some(LegendCtx {
        green: text(Status::Green),
        yellow: text(Status::Yellow),
        red: text(Status::Red),
        source: file_name(&r.source.path),
        date: record_date(r),
    })
}

/// Context of `evaluation.xml.j2`.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationCtx {
    #[serde(flatten)]
    pub common: Common,
    pub year: i32,
    pub fsu: FsuCtx,
    pub plan: Option<PlanCtx>,
    /// Empty rows for new measures (more when there is no plan).
    pub blank_rows: u32,
    /// The partnership's own traffic-light definitions, when a paper gives them.
    pub legend: Option<LegendCtx>,
}

pub fn evaluation(input: &ReportInput, year: i32, code: &str) -> Option<EvaluationCtx> {
    let localized = localized(input);
    let reg = &localized;
    let def = reg.by_code(code)?;
    let plan = fsu_plan_in(reg, input.current_plans(), &def.code, year).map(|cp| plan_ctx(reg, &cp));
    let created = input.newest_date(None).or_else(|| Some(format!("{year:04}-09-01")));
    Some(EvaluationCtx {
        common: common(input, created),
        year,
        fsu: FsuCtx { code: def.code.clone(), name: def.name.clone() },
        blank_rows: if plan.is_some() { 2 } else { 6 },
        plan,
        legend: legend(&input.legend_papers(), Some(&def.code)),
    })
}

/// Context of the status report's template (`templates/word/status-report.xml`).
#[derive(Debug, Clone, Serialize)]
pub struct StatusCtx {
    #[serde(flatten)]
    pub common: Common,
    pub committee: Option<String>,
    pub plan_filter: Option<String>,
    pub plans: Vec<PlanCtx>,
    /// `committee` when the plans come from several committees, else `goal`.
    pub area_kind: &'static str,
    pub areas: Vec<AreaCtx>,
    pub totals: Counts,
    pub chart: Option<String>,
    pub open: Vec<LogCtx>,
    /// `YYYY-MM-DD`: the plans' status date when they all share one (the subtitle's date).
    pub plans_as_of: Option<String>,
    /// `YYYY-MM-DD`: the date the open points' statuses are judged against (`Forfalt`: a
    /// deadline before it), the newest meeting or case date of the papers.
    pub deadlines_as_of: Option<String>,
    /// The partnership's own traffic-light definitions, when a paper gives them.
    pub legend: Option<LegendCtx>,
}

fn areas_of(plans: &[PlanCtx]) -> (&'static str, Vec<AreaCtx>) {
    let committees: BTreeSet<String> = plans
        .iter()
        .map(|p| p.committee.clone().or_else(|| p.owner.clone()).unwrap_or_else(|| p.title.clone()))
        .collect();
    let mut areas: Vec<AreaCtx> = Vec::new();
    let kind = if committees.len() > 1 { "committee" } else { "goal" };
    for p in plans {
        if kind == "committee" {
            let name = p.committee.clone().or_else(|| p.owner.clone()).unwrap_or_else(|| p.title.clone());
            match areas.iter_mut().find(|a| a.name == name) {
                Some(a) => a.counts.merge(&p.counts),
                None => {
                    areas.push(AreaCtx { name, counts: p.counts.clone(), status_date: p.status_date.clone() })
                }
            }
        } else {
            for g in &p.goals {
                let name = g.goal.clone().unwrap_or_else(|| p.title.clone());
                let mut c = Counts::default();
                for it in &g.items {
                    c.add(it.status);
                }
                match areas.iter_mut().find(|a| a.name == name) {
                    Some(a) => a.counts.merge(&c),
                    None => areas.push(AreaCtx { name, counts: c, status_date: p.status_date.clone() }),
                }
            }
        }
    }
    (kind, areas)
}

pub fn status_report(input: &ReportInput, opts: &StatusOptions) -> StatusCtx {
    let localized = localized(input);
    let reg = &localized;
    let plans: Vec<PlanCtx> = current_plans(reg, input)
        .iter()
        .filter(|cp| {
            opts.committee.as_deref().is_none_or(|c| {
                matches_committee(reg, cp.committee.as_ref(), c)
                    || cp.plan.owner.as_deref().is_some_and(|o| o.to_lowercase().contains(&c.to_lowercase()))
            })
        })
        .filter(|cp| {
            opts.plan
                .as_deref()
                .is_none_or(|t| cp.plan.title.to_lowercase().contains(&t.trim().to_lowercase()))
        })
        .map(|cp| plan_ctx(reg, cp))
        .collect();
    let (area_kind, areas) = areas_of(&plans);
    let mut totals = Counts::default();
    for p in &plans {
        totals.merge(&p.counts);
    }
    let open = sorted_log(reg, &input.log)
        .into_iter()
        .filter(|e| is_open(e))
        .filter(|e| in_register(e.committee.as_ref()))
        .filter(|e| opts.committee.as_deref().is_none_or(|c| matches_committee(reg, e.committee.as_ref(), c)))
        .map(|e| log_ctx(reg, e))
        .collect();
    // Each date says what it is true for: the plans' status date, the open points' date.
    let dates: BTreeSet<Option<String>> = plans.iter().map(|p| p.status_date.clone()).collect();
    let plans_as_of = match dates.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(d)] => Some(d.clone()),
        _ => None,
    };
    let deadlines_as_of = input.as_of();
    let as_of = plans.iter().filter_map(|p| p.status_date.clone()).max();
    StatusCtx {
        legend: legend(
            &input.legend_papers(),
            opts.committee.as_deref().and_then(|c| reg.by_code(c)).map(|d| d.code.as_str()),
        ),
        plans_as_of,
        deadlines_as_of,
        common: common(input, as_of.or_else(|| input.newest_date(None))),
        committee: opts.committee.clone(),
        plan_filter: opts.plan.clone(),
        chart: (totals.total > 0).then(|| "status".to_string()),
        area_kind,
        areas,
        totals,
        plans,
        open,
    }
}

/// Context of the decision log's template (`templates/word/decision-log.xml`).
#[derive(Debug, Clone, Serialize)]
pub struct DecisionLogCtx {
    #[serde(flatten)]
    pub common: Common,
    pub committee: Option<String>,
    pub open_only: bool,
    pub entries: Vec<LogCtx>,
    pub counts: BTreeMap<&'static str, u32>,
}

pub fn decision_log(input: &ReportInput, opts: &DecisionLogOptions) -> DecisionLogCtx {
    let localized = localized(input);
    let reg = &localized;
    let entries: Vec<LogCtx> = sorted_log(reg, &input.log)
        .into_iter()
        .filter(|e| !opts.open || is_open(e))
        .filter(|e| match opts.committee.as_deref() {
            Some(c) => matches_committee(reg, e.committee.as_ref(), c),
            None => opts.all_bodies || in_register(e.committee.as_ref()),
        })
        .map(|e| log_ctx(reg, e))
        .collect();
    let mut counts = BTreeMap::new();
    for e in &entries {
        *counts.entry(e.status).or_insert(0) += 1;
    }
    DecisionLogCtx {
        common: common(input, input.newest_date(None)),
        committee: opts.committee.clone(),
        open_only: opts.open,
        entries,
        counts,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingsCtx {
    pub committee: Option<String>,
    pub dates: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseCtx {
    pub number: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub decision: Vec<Point>,
    pub proposal: Vec<Point>,
    /// Treated: from minutes, or with adopted decision points. A case known only from an
    /// invitation or a case paper is not counted as treated.
    pub decided: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitteeCasesCtx {
    pub committee: Option<String>,
    pub cases: Vec<CaseCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantCell {
    pub text: String,
    pub nok: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantTable {
    pub caption: Option<String>,
    pub committee: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<GrantCell>>,
    /// Per column: the sum when the column holds amounts.
    pub sums: Vec<Option<i64>>,
    /// The sum of the table's last amount column (the source's own sum rows left out).
    pub total: i64,
    /// The source's own total (its sum row's last amount), when it gives one.
    pub source_total: Option<i64>,
    /// Rejected or declined applications: shown, never added to the grant total.
    pub declined: bool,
}

/// A grant total that disagrees with the source's own sum row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GrantMismatch {
    pub source: String,
    pub caption: Option<String>,
    pub computed: i64,
    pub stated: i64,
}

/// Context of the annual report (`templates/word/annual-report.xml`).
#[derive(Debug, Clone, Serialize)]
pub struct AnnualCtx {
    #[serde(flatten)]
    pub common: Common,
    pub year: i32,
    pub meetings: Vec<MeetingsCtx>,
    pub meeting_count: usize,
    pub cases: Vec<CommitteeCasesCtx>,
    /// Cases treated in the year (minutes or adopted decisions).
    pub case_count: usize,
    /// Cases known only from an invitation or a case paper (a proposal, no decision yet).
    pub proposed_count: usize,
    pub fsu_status: Vec<AreaCtx>,
    pub status_totals: Counts,
    pub chart: Option<String>,
    pub open: Vec<LogCtx>,
    pub grants: Vec<GrantTable>,
    /// Granted amounts, each paper counted once, declined applications and sum rows left out.
    pub grants_total: i64,
    /// Declined applications' amounts (shown apart).
    pub declined_total: i64,
    /// Tables whose computed sum differs from the source's sum row.
    pub grant_mismatches: Vec<GrantMismatch>,
    /// Whether the year has any data at all (meetings, cases, plans, grants).
    pub has_data: bool,
    /// The caption of the declined applications' table as the paper words it
    /// (`Søknader som ikke innstilles`), when there is one.
    pub declined_caption: Option<String>,
    /// `YYYY-MM-DD`: the date the open points' statuses are judged against.
    pub deadlines_as_of: Option<String>,
}

/// A committee in register order: (rank, display name).
type CommitteeKey = (usize, Option<String>);

pub fn annual_report(input: &ReportInput, year: i32) -> AnnualCtx {
    let localized = localized(input);
    let reg = &localized;
    let end = format!("{year:04}-12-31");
    // Meetings: (committee, date) from meeting dates and case dates.
    let mut meetings: BTreeMap<CommitteeKey, BTreeSet<String>> = BTreeMap::new();
    let mut cases: BTreeMap<CommitteeKey, BTreeMap<(u32, u32, String), CaseCtx>> = BTreeMap::new();
    let papers = input.papers();
    for r in papers.iter() {
        let rc = r.committee.as_ref();
        if let Some(m) = r.meeting.as_ref().filter(|_| in_register(rc)) {
            if in_year(Some(&m.date), year) {
                let key = (committee_rank(reg, rc), committee_name(reg, rc));
                meetings.entry(key).or_default().insert(m.date.clone());
            }
        }
        for c in &r.cases {
            let cc = c.committee.as_ref().or(rc);
            if !in_register(cc) {
                continue;
            }
            let date = c.date.clone().or_else(|| r.meeting.as_ref().map(|m| m.date.clone()));
            let counts = c.number.as_ref().map(|n| n.year as i32 == year).unwrap_or(false)
                || (c.number.is_none() && in_year(date.as_deref(), year));
            if !counts {
                continue;
            }
            let key = (committee_rank(reg, cc), committee_name(reg, cc));
            // a meeting is a meeting's date (minutes, invitation, `Møtedato`), never the date a
            // case paper was written (`Dato:`)
            if r.kind == Kind::Minutes {
                if let Some(d) = &date {
                    if in_year(Some(d), year) {
                        meetings.entry(key.clone()).or_default().insert(d.clone());
                    }
                }
            }
            let ck = c
                .number
                .as_ref()
                .map(|n| (n.year, n.seq, String::new()))
                .unwrap_or_else(|| (0, 0, c.title.clone().unwrap_or_default()));
            let entry = cases.entry(key).or_default().entry(ck).or_insert_with(|| CaseCtx {
                number: c.number.as_ref().map(written_number),
                title: None,
                date: None,
                decision: Vec::new(),
                proposal: Vec::new(),
                decided: false,
            });
            // treated: minutes say so, or the case carries adopted decision points
            entry.decided |= r.kind == Kind::Minutes || !c.decision.is_empty();
            if entry.title.is_none() {
                entry.title = c.title.clone();
            }
            if entry.date.is_none() {
                entry.date = date.clone();
            }
            if entry.decision.is_empty() {
                entry.decision = real_points(&c.decision);
            }
            if entry.proposal.is_empty() {
                entry.proposal = real_points(&c.proposal);
            }
        }
    }
    let meetings: Vec<MeetingsCtx> = meetings
        .into_iter()
        .map(|((_, committee), dates)| MeetingsCtx { committee, dates: dates.into_iter().collect() })
        .collect();
    let meeting_count = meetings.iter().map(|m| m.dates.len()).sum();
    let cases: Vec<CommitteeCasesCtx> = cases
        .into_iter()
        .map(|((_, committee), cs)| CommitteeCasesCtx { committee, cases: cs.into_values().collect() })
        .collect();
    let case_count = cases.iter().flat_map(|c| c.cases.iter()).filter(|c| c.decided).count();
    let proposed_count = cases.iter().flat_map(|c| c.cases.iter()).filter(|c| !c.decided).count();

    // Action-plan status per FSU (register order).
    let mut fsu_status = Vec::new();
    let mut status_totals = Counts::default();
    for def in reg.committees.iter().filter(|d| d.kind == CommitteeKind::Fsu) {
        if let Some(cp) = fsu_plan_in(reg, input.current_plans(), &def.code, year) {
            let pc = plan_ctx(reg, &cp);
            status_totals.merge(&pc.counts);
            fsu_status.push(AreaCtx {
                name: def.name.clone(),
                counts: pc.counts,
                status_date: pc.status_date,
            });
        }
    }
    let open = sorted_log(reg, &input.log)
        .into_iter()
        .filter(|e| is_open(e))
        .filter(|e| in_register(e.committee.as_ref()))
        .filter(|e| e.meeting_date.as_deref().is_none_or(|d| d <= end.as_str()))
        .map(|e| log_ctx(reg, e))
        .collect();

    // Grants: tables with amounts from papers dated in the year (each paper once).
    let mut grants = Vec::new();
    let mut grant_mismatches = Vec::new();
    for r in papers.iter() {
        if !in_year(record_date(r).as_deref(), year) || !in_register(r.committee.as_ref()) {
            continue;
        }
        for t in &r.tables {
            if !t.rows.iter().flatten().any(|c| c.nok.is_some()) {
                continue;
            }
            let ncols =
                t.rows.iter().map(|row| row.len()).chain(std::iter::once(t.header.len())).max().unwrap_or(0);
            let mut sums: Vec<Option<i64>> = vec![None; ncols];
            for (ri, row) in t.rows.iter().enumerate() {
                if t.sum_rows.contains(&ri) {
                    continue;
                }
                for (i, c) in row.iter().enumerate() {
                    if let (Some(n), Some(s)) = (c.nok, sums.get_mut(i)) {
                        *s = Some(s.unwrap_or(0).saturating_add(n));
                    }
                }
            }
            let total = sums.iter().rev().find_map(|s| *s).unwrap_or(0);
            let source_total = t
                .sum_rows
                .iter()
                .filter_map(|&i| t.rows.get(i))
                .find_map(|row| row.iter().rev().find_map(|c| c.nok));
            if let Some(stated) = source_total {
                if stated != total {
                    grant_mismatches.push(GrantMismatch {
                        source: file_name(&r.source.path),
                        caption: t.caption.clone(),
                        computed: total,
                        stated,
                    });
                }
            }
            grants.push(GrantTable {
                caption: t.caption.clone(),
                committee: committee_name(reg, r.committee.as_ref()),
                header: t.header.iter().map(|c| c.text.clone()).collect(),
                rows: t
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !t.sum_rows.contains(i))
                    .map(|(_, row)| {
                        row.iter().map(|c| GrantCell { text: c.text.clone(), nok: c.nok }).collect()
                    })
                    .collect(),
                sums,
                total,
                source_total,
                declined: t.declined,
            });
        }
    }
    let grants_total =
        grants.iter().filter(|g| !g.declined).map(|g| g.total).fold(0i64, |a, b| a.saturating_add(b));
    let declined_total =
        grants.iter().filter(|g| g.declined).map(|g| g.total).fold(0i64, |a, b| a.saturating_add(b));
    let has_data = meeting_count > 0 || case_count > 0 || proposed_count > 0 || !grants.is_empty();
    let declined_caption = grants.iter().filter(|g| g.declined).find_map(|g| g.caption.clone());
    let created = input.newest_date(Some(&end)).or(Some(end.clone()));
    AnnualCtx {
        common: common(input, created),
        year,
        meetings,
        meeting_count,
        cases,
        case_count,
        proposed_count,
        chart: (status_totals.total > 0).then(|| "status".to_string()),
        fsu_status,
        status_totals,
        open,
        grants,
        grants_total,
        declined_total,
        grant_mismatches,
        has_data,
        declined_caption,
        deadlines_as_of: input.as_of(),
    }
}

/// Whether the data says anything about `year`: a meeting, case or plan status dated in it, a
/// case numbered in it, or a plan whose period covers it.
pub fn year_has_data(records: &[Record], year: i32) -> bool {
    records.iter().filter(|r| !r.is_form()).any(|r| {
        in_year(record_date(r).as_deref(), year)
            || r.cases.iter().any(|c| {
                c.number.as_ref().is_some_and(|n| n.year as i32 == year) || in_year(c.date.as_deref(), year)
            })
            || r.plans.iter().any(|p| p.period.is_some_and(|pd| pd.from <= year && year <= pd.to))
    })
}

/// The latest year in the data (meeting and case dates, case numbers), if any. Evaluation
/// forms count with the year they evaluate, not the date of their meeting.
pub fn latest_year(records: &[Record]) -> Option<i32> {
    let forms = records.iter().flat_map(|r| r.plans.iter()).filter_map(|p| p.form.as_ref()?.year).max();
    let records: Vec<Record> = records.iter().filter(|r| !r.is_form()).cloned().collect();
    let records = records.as_slice();
    let dates = newest_date(records, None).and_then(|d| super::lang::parse_iso_date(&d).map(|(y, _, _)| y));
    let numbers = records
        .iter()
        .flat_map(|r| r.cases.iter())
        .filter_map(|c| c.number.as_ref())
        .map(|n| n.year as i32)
        .max();
    dates.max(numbers).max(forms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_case_numbers_as_written() {
        assert_eq!(keep_amounts("en ramme på 2 400 000 kr."), "en ramme på 2\u{a0}400\u{a0}000\u{a0}kr.");
        assert_eq!(keep_amounts("kr 250 000 og 1,5 mill. kr"), "kr\u{a0}250\u{a0}000 og 1,5\u{a0}mill. kr");
        assert_eq!(keep_amounts("i 2025 og 2026 er det 12 saker"), "i 2025 og 2026 er det 12 saker");
        // the prefilter passes every text a group can match in, and only those are changed
        assert_eq!(keep_amounts("kr 5"), "kr\u{a0}5");
        assert_eq!(keep_amounts("\u{ff11} 000 kroner"), "\u{ff11}\u{a0}000 kroner");
        assert_eq!(keep_amounts("40 %"), "40\u{a0}%");
        assert_eq!(keep_amounts("ingen tall her, kr."), "ingen tall her, kr.");
        assert_eq!(keep_amounts(""), "");
        let n = |w: &str, seq, year| crate::record::CaseNum { seq, year, as_written: w.into() };
        assert_eq!(written_number(&n("Sak 07.25", 7, 2025)), "07.25");
        assert_eq!(written_number(&n("Sak 09-2025", 9, 2025)), "09-2025");
        assert_eq!(written_number(&n("Sak: 18/25", 18, 2025)), "18/25");
        assert_eq!(written_number(&n("", 18, 2025)), "18/25");
    }
}
