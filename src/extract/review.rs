//! The review list: what a record lacks that its kind needs, so an incomplete paper is named
//! instead of passing silently. Pure over the record; the CLI prints the findings after
//! `ingest`/`run` and writes them to `review.csv`.
//!
//! A paper is flagged when it yields no committee, a committee not in the register, a case
//! without a number (a minutes or case paper), no proposal in a case paper, no decision in
//! minutes, no cases at all where its kind needs them, or an invitation without an agenda.

use crate::record::{At, Case, Kind, Record};
use serde::Serialize;

/// One thing to check in one paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The paper (the record's source path).
    pub file: String,
    /// What is missing or doubtful, in a few words (`no case number`).
    pub missing: String,
    /// Where to look: a case and the position it was read from.
    pub look_at: String,
}

fn place(at: Option<At>, at_place: &dyn Fn(At) -> String) -> String {
    match at {
        Some(at) => at_place(at),
        None => "the opening lines".to_string(),
    }
}

/// A position as the record knows it: the page (PDF), else the block's index.
fn block_place(at: At) -> String {
    match at {
        At { block, page: Some(p) } => format!("block {block}, page {p}"),
        At { block, page: None } => format!("block {block}"),
    }
}

/// A record in which nothing was recognised and too little text to tell its language: a blank
/// page, or a scan without a text layer.
fn is_blank(r: &Record) -> bool {
    r.kind == Kind::Other
        && r.language.is_none()
        && r.committee.is_none()
        && r.meeting.is_none()
        && r.cases.is_empty()
        && r.agenda.is_empty()
        && r.plans.is_empty()
        && r.tables.is_empty()
}

fn case_name(c: &Case) -> String {
    c.number.as_ref().map_or_else(|| "the unnumbered case".to_string(), |n| format!("case {}", n.key()))
}

/// The case says itself that there is no decision (`Ingen vedtak.`, `Saka vart utsett`).
fn says_no_decision(c: &Case) -> bool {
    let forms = crate::lexicon::forms(crate::lexicon::c::NO_DECISION);
    c.sections.iter().any(|s| {
        let t = crate::util::fold(&format!("{} {}", s.heading, s.text)).to_lowercase();
        forms.iter().any(|f| t.contains(f.as_str()))
    })
}

/// The findings for one record, in a fixed order.
pub fn check(r: &Record) -> Vec<Finding> {
    check_with(r, &block_place)
}

/// [`check`], with places named by `at_place` (the CLI names the line, paragraph or page of
/// the file the block was read from).
pub fn check_with(r: &Record, at_place: &dyn Fn(At) -> String) -> Vec<Finding> {
    let place = |at: Option<At>| place(at, at_place);
    let mut out = Vec::new();
    let mut add = |missing: String, look_at: String| {
        out.push(Finding { file: r.source.path.clone(), missing, look_at });
    };
    let needs_cases = matches!(r.kind, Kind::CasePaper | Kind::Minutes);
    match &r.committee {
        None if r.kind != Kind::Other && r.kind != Kind::Presentation => {
            add("no committee".into(), "the header (Utvalg/Saksgang, or the protocol's first line)".into())
        }
        Some(c) if c.code.is_none() => add(
            format!("committee not in the register: {}", c.name),
            "the header (if the name is right, add the committee to saksflyt.toml)".into(),
        ),
        _ => {}
    }
    if is_blank(r) {
        add(
            "no text found (a blank page, or a scan without a text layer?)".into(),
            "the file itself: a scan is read when tesseract is installed; else ask for the original".into(),
        );
    }
    if needs_cases && r.cases.is_empty() {
        add("no case found".into(), "the case header (Sak/PS N, or the treatment line)".into());
    }
    if r.kind == Kind::MeetingInvitation && r.agenda.is_empty() && r.cases.is_empty() {
        add("no agenda".into(), "the agenda (saksliste) table".into());
    }
    for c in &r.cases {
        if needs_cases && c.number.is_none() && r.kind == Kind::Minutes {
            add("no case number".into(), format!("{} at {}", case_name(c), place(c.at)));
        }
        if r.kind == Kind::CasePaper && c.number.is_none() {
            add("no case number (not yet numbered?)".into(), format!("{} at {}", case_name(c), place(c.at)));
        }
        if r.kind == Kind::CasePaper && c.proposal.is_empty() && c.decision.is_empty() {
            add(
                "no proposal".into(),
                format!("{} at {}: the Forslag til vedtak / Innstilling", case_name(c), place(c.at)),
            );
        }
        if r.kind == Kind::Minutes && c.decision.is_empty() && !says_no_decision(c) {
            add("no decision".into(), format!("{} at {}: the Vedtak", case_name(c), place(c.at)));
        }
    }
    out
}

/// The findings as CSV (header `file,missing,look_at`; fields quoted where needed).
pub fn csv(findings: &[Finding]) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = String::from("file,missing,look_at\n");
    for f in findings {
        out.push_str(&format!("{},{},{}\n", field(&f.file), field(&f.missing), field(&f.look_at)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;
    use crate::record::{CaseNum, Committee, Point, Source};

    fn record(kind: Kind) -> Record {
        let mut r =
            Record::empty(Source { path: "a.txt".into(), format: Format::Text, sha256: String::new() });
        r.kind = kind;
        r
    }

    fn case(number: bool, proposal: bool, decision: bool) -> Case {
        let point = || {
            vec![Point {
                label: None,
                text: "x".into(),
                placeholder: false,
                children: vec![],
                lead_in: false,
                at: None,
                ..Point::default()
            }]
        };
        Case {
            number: number.then(|| CaseNum { seq: 1, year: 2026, as_written: "1/26".into() }),
            title: None,
            committee: None,
            date: None,
            owners: vec![],
            officers: vec![],
            proposal: if proposal { point() } else { vec![] },
            decision: if decision { point() } else { vec![] },
            references: vec![],
            attachments: vec![],
            sections: vec![],
            archive_ref: None,
            votes: vec![],
            at: Some(At { block: 3, page: None }),
        }
    }

    fn missing(r: &Record) -> Vec<String> {
        check(r).into_iter().map(|f| f.missing).collect()
    }

    #[test]
    fn complete_papers_pass_and_incomplete_ones_are_named() {
        let known = Some(Committee { code: Some("SSU".into()), name: "Strategisk samarbeidsutvalg".into() });
        // complete: minutes with a numbered case and a decision, a registered committee
        let mut r = record(Kind::Minutes);
        r.committee = known.clone();
        r.cases = vec![case(true, false, true)];
        assert!(check(&r).is_empty());
        // minutes without a decision
        r.cases = vec![case(true, true, false)];
        assert_eq!(missing(&r), vec!["no decision"]);
        // a case paper without a proposal and without a number
        let mut r = record(Kind::CasePaper);
        r.committee = known;
        r.cases = vec![case(false, false, false)];
        assert_eq!(missing(&r), vec!["no case number (not yet numbered?)", "no proposal"]);
        // a committee outside the register, and none at all
        let mut r = record(Kind::Minutes);
        r.committee = Some(Committee { code: None, name: "Eldrerådet".into() });
        r.cases = vec![case(true, false, true)];
        assert_eq!(missing(&r), vec!["committee not in the register: Eldrerådet"]);
        r.committee = None;
        assert_eq!(missing(&r), vec!["no committee"]);
        // other documents with text need nothing; one with no text at all is named
        let mut other = record(Kind::Other);
        other.language = Some("nb".into());
        assert!(check(&other).is_empty());
        assert_eq!(
            missing(&record(Kind::Other)),
            vec!["no text found (a blank page, or a scan without a text layer?)"]
        );
    }

    #[test]
    fn a_postponed_case_needs_no_decision() {
        // forms that say the case was postponed or has no decision, and text that does not
        let says = |t: &str| {
            let mut c = case(true, true, false);
            c.sections = vec![crate::record::Section { heading: "Behandling".into(), text: t.into() }];
            says_no_decision(&c)
        };
        for t in [
            "Saken ble vedtatt utsatt.",
            "Saka vart utsett til neste møte.",
            "Ingen vedtak.",
            "Saken utsettes.",
        ] {
            assert!(says(t), "{t}");
        }
        for t in ["Saken ble drøftet.", "Forslaget ble vedtatt."] {
            assert!(!says(t), "{t}");
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let f = Finding { file: "a, b.txt".into(), missing: "no \"x\"".into(), look_at: "here".into() };
        assert_eq!(csv(&[f]), "file,missing,look_at\n\"a, b.txt\",\"no \"\"x\"\"\",here\n");
    }
}
