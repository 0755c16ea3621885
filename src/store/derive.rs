//! Derive steps over stored records, shared by the decision log and the reports. Pure: no I/O,
//! no clock, and no Norwegian text is interpreted here — only the fields extraction filled.
//!
//! - [`papers`]: one record per paper. The same paper kept as DOCX, PDF and text (or saved
//!   twice under other names) is one paper; its best form is kept (DOCX before PDF before
//!   text, then the path). Identity comes from the content, never the path: the committee, the
//!   date, the set of case numbers and the case an attachment belongs to must agree, and the
//!   words of the two records (titles, points, plan measures, table cells) must mostly be the
//!   same ([`SAME_PAPER_WORDS`]).
//! - [`current_plans`]: per committee the newest version of each action plan (copies count
//!   once), with the assessments of later evaluation forms laid over its measures (status,
//!   comment, decision, SMART boxes and the form's date).

use super::committee_key;
use crate::model::Format;
use crate::record::{Committee, Plan, Record};
use std::collections::BTreeSet;

/// Share of common words (Jaccard index) above which two records with the same committee, date
/// and case numbers are one paper.
pub const SAME_PAPER_WORDS: f64 = 0.6;
/// Share of a plan's measures that must recur in another plan for the two to be copies.
pub const SAME_PLAN_MEASURES: f64 = 0.5;

/// DOCX before PDF before text (the most complete form of a paper first).
pub fn format_rank(f: Format) -> u8 {
    match f {
        Format::Docx => 0,
        Format::Pdf => 1,
        Format::Text => 2,
    }
}

/// The record's date: its meeting date, else its newest case date, else its plans' status date.
pub fn record_date(r: &Record) -> Option<String> {
    r.meeting
        .as_ref()
        .map(|m| m.date.clone())
        .or_else(|| r.cases.iter().filter_map(|c| c.date.clone()).max())
        .or_else(|| r.plans.iter().filter_map(|p| p.status_date.clone()).max())
}

fn words(r: &Record) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |s: &str| {
        for w in s.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().count() >= 3 {
                out.insert(w.to_lowercase());
            }
        }
    };
    fn points(ps: &[crate::record::Point], add: &mut dyn FnMut(&str)) {
        for p in ps {
            add(&p.text);
            points(&p.children, add);
        }
    }
    for c in &r.cases {
        add(c.title.as_deref().unwrap_or(""));
        points(&c.proposal, &mut add);
        points(&c.decision, &mut add);
        for s in &c.sections {
            add(&s.text);
        }
    }
    for a in &r.agenda {
        add(&a.title);
    }
    for p in &r.plans {
        add(&p.title);
        for it in &p.items {
            add(&it.measure);
        }
    }
    for t in &r.tables {
        for row in &t.rows {
            for c in row {
                add(&c.text);
            }
        }
    }
    out
}

struct Identity {
    committee: String,
    date: Option<String>,
    cases: BTreeSet<String>,
    attachment_of: Option<String>,
    form: bool,
    words: BTreeSet<String>,
}

fn identity(r: &Record) -> Identity {
    Identity {
        committee: committee_key(r.committee.as_ref()),
        date: record_date(r),
        cases: r.cases.iter().filter_map(|c| c.number.as_ref().map(|n| n.key())).collect(),
        attachment_of: r.attachment_of.as_ref().map(|n| n.key()),
        form: r.plans.iter().any(|p| p.form.is_some()),
        words: words(r),
    }
}

fn same_paper(a: &Identity, b: &Identity) -> bool {
    let agree = |x: &Option<String>, y: &Option<String>| x.is_none() || y.is_none() || x == y;
    if a.form != b.form
        || a.cases != b.cases
        || a.attachment_of != b.attachment_of
        || !agree(&a.date, &b.date)
        || !(a.committee == b.committee || a.committee.is_empty() || b.committee.is_empty())
    {
        return false;
    }
    let union = a.words.union(&b.words).count();
    if union == 0 {
        return false;
    }
    let common = a.words.intersection(&b.words).count();
    common as f64 / union as f64 >= SAME_PAPER_WORDS
}

/// One record per paper (see the module doc), in path order of the kept records.
pub fn papers(records: &[Record]) -> Vec<Record> {
    let mut order: Vec<&Record> = records.iter().collect();
    // best form first, so the first of a paper's group is the one kept
    order.sort_by(|a, b| {
        (format_rank(a.source.format), &a.source.path).cmp(&(format_rank(b.source.format), &b.source.path))
    });
    let mut kept: Vec<(&Record, Identity)> = Vec::new();
    for r in order {
        let id = identity(r);
        if !kept.iter().any(|(_, k)| same_paper(k, &id)) {
            kept.push((r, id));
        }
    }
    let mut out: Vec<Record> = kept.into_iter().map(|(r, _)| r.clone()).collect();
    out.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    out
}

/// An action plan as the reports show it.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentPlan {
    pub committee: Option<Committee>,
    /// The source document (path) of the plan.
    pub source: String,
    /// The date of the plan's record ([`record_date`]).
    pub date: Option<String>,
    /// The plan with later evaluation forms laid over it.
    pub plan: Plan,
    /// Evaluation forms applied, as their source paths.
    pub forms: Vec<String>,
}

/// Letters and digits of the measure's text, lower case: the key that matches a measure across
/// copies, versions and evaluation forms.
pub fn measure_key(m: &str) -> String {
    m.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Whether two plans are copies or versions of one another: same title, or more than half of
/// the smaller plan's measures appear in the other.
pub fn same_plan(a: &Plan, b: &Plan) -> bool {
    if a.title.trim().eq_ignore_ascii_case(b.title.trim()) {
        return true;
    }
    let ka: BTreeSet<String> =
        a.items.iter().map(|i| measure_key(&i.measure)).filter(|k| !k.is_empty()).collect();
    let kb: BTreeSet<String> =
        b.items.iter().map(|i| measure_key(&i.measure)).filter(|k| !k.is_empty()).collect();
    let small = ka.len().min(kb.len());
    small > 0 && ka.intersection(&kb).count() as f64 > small as f64 * SAME_PLAN_MEASURES
}

/// The current plans: per committee the newest version of each plan, the most complete copy,
/// with later evaluation forms of that committee laid over its measures. Ordered by committee
/// key, then title.
pub fn current_plans(records: &[Record]) -> Vec<CurrentPlan> {
    let mut all: Vec<(&Record, &Plan)> = records
        .iter()
        .flat_map(|r| r.plans.iter().filter(|p| p.form.is_none()).map(move |p| (r, p)))
        .collect();
    // Best first: newest, then the longest period, the most measures, the best format, the path.
    all.sort_by(|(ra, pa), (rb, pb)| {
        (
            record_date(rb),
            pb.period.map(|x| x.to),
            pb.items.len(),
            format_rank(ra.source.format),
            &ra.source.path,
            &pa.title,
        )
            .cmp(&(
                record_date(ra),
                pa.period.map(|x| x.to),
                pa.items.len(),
                format_rank(rb.source.format),
                &rb.source.path,
                &pb.title,
            ))
    });
    let mut kept: Vec<(&Record, &Plan)> = Vec::new();
    for (r, p) in all {
        let committee = committee_key(r.committee.as_ref());
        let dup =
            kept.iter().any(|(kr, kp)| committee_key(kr.committee.as_ref()) == committee && same_plan(kp, p));
        if !dup {
            kept.push((r, p));
        }
    }
    // Forms, oldest first, so the newest assessment is applied last.
    let mut forms: Vec<(&Record, &Plan)> = records
        .iter()
        .flat_map(|r| r.plans.iter().filter(|p| p.form.is_some()).map(move |p| (r, p)))
        .collect();
    forms.sort_by(|(ra, pa), (rb, pb)| {
        (&pa.status_date, &ra.source.path).cmp(&(&pb.status_date, &rb.source.path))
    });
    let mut out: Vec<CurrentPlan> = kept
        .into_iter()
        .map(|(r, p)| {
            let mut plan = p.clone();
            for it in &mut plan.items {
                if it.assessed.is_none() && it.status.is_some() {
                    it.assessed = plan.status_date.clone();
                }
            }
            let mut applied = Vec::new();
            let committee = committee_key(r.committee.as_ref());
            for (fr, form) in &forms {
                let fc = committee_key(fr.committee.as_ref());
                if !(fc == committee || fc.is_empty()) {
                    continue;
                }
                // a form older than the plan's own status says nothing new
                if let (Some(fd), Some(pd)) = (&form.status_date, &plan.status_date) {
                    if fd < pd {
                        continue;
                    }
                }
                let mut used = false;
                for fi in &form.items {
                    let key = measure_key(&fi.measure);
                    let Some(it) =
                        plan.items.iter_mut().find(|it| !key.is_empty() && measure_key(&it.measure) == key)
                    else {
                        continue;
                    };
                    if fi.status.is_some() {
                        it.status = fi.status;
                        it.status_text = None;
                        it.assessed = form.status_date.clone();
                        used = true;
                    }
                    if fi.comment.is_some() {
                        it.comment = fi.comment.clone();
                        used = true;
                    }
                    if fi.decision.is_some() {
                        it.decision = fi.decision.clone();
                        used = true;
                    }
                    if fi.smart.is_some() {
                        it.smart = fi.smart;
                    }
                }
                if used {
                    if form.status_date.is_some() {
                        plan.status_date = form.status_date.clone();
                    }
                    applied.push(fr.source.path.clone());
                }
            }
            CurrentPlan {
                committee: r.committee.clone(),
                source: r.source.path.clone(),
                date: record_date(r),
                plan,
                forms: applied,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (committee_key(a.committee.as_ref()), a.plan.title.to_lowercase())
            .cmp(&(committee_key(b.committee.as_ref()), b.plan.title.to_lowercase()))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{PlanItem, Source, Status};

    fn rec(path: &str, format: Format, measures: &[&str]) -> Record {
        let mut r = Record::empty(Source { path: path.into(), format, sha256: String::new() });
        r.committee = Some(Committee { code: Some("FSU-PSYK".into()), name: "FSU".into() });
        r.plans.push(Plan {
            title: "Mål, tiltak og status".into(),
            status_date: Some("2025-09-01".into()),
            items: measures
                .iter()
                .map(|m| PlanItem {
                    measure: m.to_string(),
                    status: Some(Status::Red),
                    ..PlanItem::default()
                })
                .collect(),
            ..Plan::default()
        });
        r
    }

    #[test]
    fn one_paper_in_three_formats_is_one_and_docx_is_kept() {
        let ms = ["Utgreie felles ROP-team", "Felles opplæring i pakkeforløp"];
        let recs = vec![
            rec("p.txt", Format::Text, &ms),
            rec("p.pdf", Format::Pdf, &ms),
            rec("p.docx", Format::Docx, &ms),
            rec("other.docx", Format::Docx, &["Noe helt annet tiltak", "Enda et tiltak her"]),
        ];
        let kept: Vec<String> = papers(&recs).into_iter().map(|r| r.source.path).collect();
        assert_eq!(kept, ["other.docx", "p.docx"]);
    }

    #[test]
    fn a_later_form_updates_status_comment_and_date() {
        let plan = rec("plan.docx", Format::Docx, &["Utgreie felles ROP-team", "Felles opplæring"]);
        let mut form = rec("form.docx", Format::Docx, &["Utgreie felles ROP-team."]);
        form.plans[0].status_date = Some("2025-11-20".into());
        form.plans[0].form =
            Some(crate::record::EvaluationForm { meeting_date: Some("2025-11-20".into()), case: None });
        form.plans[0].items[0].status = Some(Status::Green);
        form.plans[0].items[0].comment = Some("Finansiert".into());
        let cur = current_plans(&[plan, form]);
        assert_eq!(cur.len(), 1);
        let it = &cur[0].plan.items[0];
        assert_eq!(
            (it.status, it.comment.as_deref(), it.assessed.as_deref()),
            (Some(Status::Green), Some("Finansiert"), Some("2025-11-20"))
        );
        assert_eq!(cur[0].plan.items[1].assessed.as_deref(), Some("2025-09-01"));
        assert_eq!(cur[0].plan.status_date.as_deref(), Some("2025-11-20"));
        assert_eq!(cur[0].forms, ["form.docx"]);
    }
}
