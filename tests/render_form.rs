//! The evaluation form comes back: `saksflyt run` writes an evaluation form per FSU; the form is
//! filled in programmatically (content-control values edited inside the DOCX zip, as Word or
//! LibreOffice would save them), put beside the papers, and the next `run` shows the committee's
//! new assessment in the status report. Also: the samples' facts that must hold after a run
//! (grant total counted once, no routine point open, comments carried to the status report).

mod common;

use saksflyt::render::projection;
use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_saksflyt"))
}

/// The samples (DOCX, PDF, text) into `to`; with `producers`, also the PDFs of the producer
/// matrix (`tests/fixtures/pdf-producers/*`) except the scanned ones (OCR is slow and not what
/// these tests are about): every paper then comes in many prints, and must still count once.
fn copy_samples(to: &Path, producers: bool) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    copy_papers(&from, to);
    if producers {
        let producers = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf-producers");
        for e in std::fs::read_dir(producers).unwrap() {
            let dir = e.unwrap().path();
            if dir.is_dir() && dir.file_name().is_some_and(|n| n != "scan") {
                copy_papers(&dir, &to.join(dir.file_name().unwrap()));
            }
        }
    }
}

fn copy_papers(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "docx" || x == "pdf" || x == "txt") {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn run(papers: &Path, out: &Path) -> String {
    run_with(papers, out, None)
}

/// `run`, with the Word templates of `templates` when given.
fn run_with(papers: &Path, out: &Path, templates: Option<&Path>) -> String {
    let mut c = bin();
    c.arg("run").arg(papers).arg("--out").arg(out);
    if let Some(t) = templates {
        c.arg("--templates").arg(t);
    }
    let o = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "run failed: {stderr}");
    stderr
}

/// The readable projection, non-breaking spaces (amounts, dates) as plain spaces.
fn project(path: &Path) -> String {
    projection::project(&std::fs::read(path).unwrap()).unwrap().replace('\u{a0}', " ")
}

fn fill(xml: &str, tag: &str, value: &str) -> String {
    common::fill_control(xml, tag, value)
}

/// Rewrite one part of a DOCX zip.
fn rewrite(docx: &Path, part: &str, edit: impl Fn(&str) -> String, to: &Path) {
    common::rewrite_part(docx, part, edit, to)
}

/// The status cell and comment of the status report's row for `measure`.
fn row_of<'a>(status: &'a str, measure: &str) -> &'a str {
    status
        .lines()
        .find(|l| l.contains(measure) && l.starts_with("  | "))
        .unwrap_or_else(|| panic!("no row for {measure}"))
}

#[test]
fn a_filled_evaluation_form_updates_the_status_report() {
    filled_form_comes_back(false);
}

/// The same round trip with the form rendered from the exported Word template
/// (`templates export` → `evaluering.docx`, `run --templates`).
#[test]
fn a_filled_form_from_the_word_template_updates_the_status_report() {
    filled_form_comes_back(true);
}

fn filled_form_comes_back(word_template: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let papers = tmp.path().join("papers");
    copy_samples(&papers, false);
    let templates = tmp.path().join("maler");
    if word_template {
        let o = bin().args(["templates", "export"]).arg(&templates).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // only the evaluation form's Word template: the reports stay built-in
        for e in std::fs::read_dir(&templates).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n != "evaluering.docx") {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    let templates = word_template.then_some(templates.as_path());
    let out = tmp.path().join("out");
    let stderr = run_with(&papers, &out, templates);
    assert_eq!(stderr.contains("using Word template"), word_template, "{stderr}");

    // Before: the ROP team is red with the plan's comment.
    let before = project(&out.join("statusrapport.docx"));
    let rop = row_of(&before, "Utgreie felles ROP-team for Nordmøre");
    assert!(rop.contains("{FF0000}") && rop.contains("Manglar finansiering"), "{rop}");

    // The committee fills in the form: ROP team (item 2) green with a comment and a decision,
    // FACT (item 3) red; meeting date and case number.
    let form = out.join("evaluering-2025-fsu-psyk.docx");
    let filled = papers.join("evaluering-fsu-psyk-utfylt.docx");
    rewrite(
        &form,
        "word/document.xml",
        |xml| {
            let xml = fill(xml, "saksflyt:meeting-date", "20.11.2025");
            let xml = fill(&xml, "saksflyt:case", "31/25");
            let xml = fill(&xml, "saksflyt:status:2", "Grønn");
            let xml = fill(&xml, "saksflyt:decision:2", "Videreføre");
            let xml = fill(&xml, "saksflyt:comment:2", "Finansiering avklart i budsjettet for 2026");
            fill(&xml, "saksflyt:status:3", "Rød")
        },
        &filled,
    );
    // The filled form reads as an evaluation form.
    let o = bin().arg("extract").arg(&filled).output().unwrap();
    let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let plan = &rec["plans"][0];
    assert_eq!(plan["form"]["meeting_date"], "2025-11-20");
    assert_eq!(plan["form"]["case"], "31/25");
    assert_eq!(plan["items"][2]["status"], "green");
    assert_eq!(plan["items"][2]["decision"], "continue");
    assert_eq!(plan["items"][0]["status"], serde_json::Value::Null, "an untouched drop-down has no value");
    assert!(rec["cases"].as_array().unwrap().is_empty(), "a form is no case paper");

    // After the re-run: new statuses, the form's comment and date.
    run_with(&papers, &out, templates);
    let after = project(&out.join("statusrapport.docx"));
    let rop = row_of(&after, "Utgreie felles ROP-team for Nordmøre");
    assert!(rop.contains("{00B050}") && rop.contains("Finansiering avklart"), "{rop}");
    assert!(rop.contains("Videreføres"), "{rop}");
    let fact = row_of(&after, "Vidareføre FACT-team i Molde og Ålesund");
    assert!(fact.contains("{FF0000}"), "{fact}");
    // Untouched measures keep the plan's status and comment.
    let first = row_of(&after, "Innføre samtale med kommunen før utskriving");
    assert!(first.contains("{00B050}") && first.contains("Innført ved alle døgnpostar"), "{first}");
    assert!(after.contains("Status per 20. november 2025"), "the form's date is the new status date");
    // The annual report counts the new assessment too.
    let annual = project(&out.join("arsrapport-2025.docx"));
    let psyk = annual
        .lines()
        .find(|l| l.contains("FSU Psykisk helse og rus") && l.matches("[TableText]").count() == 6)
        .unwrap();
    // Before: green 1.1 and 2.2, yellow 1.2 and 3.1, red 2.1. After: green 1.1 and 2.1, red 2.2.
    assert!(psyk.contains("[TableText] 2 | [TableText] 2 | [TableText] 1 |"), "{psyk}");
}

#[test]
fn samples_run_counts_each_paper_once_and_keeps_routine_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let papers = tmp.path().join("papers");
    copy_samples(&papers, true);
    run(&papers, &out);
    let annual = project(&out.join("arsrapport-2025.docx"));
    // The attachment's granted amounts: 250 000 + 1 200 000 + 1 500 000 + 180 000 + 320 000,
    // once, although the paper is there as DOCX, PDF and text; declined applications apart.
    assert!(annual.contains("Sum tilskudd 2025: kr 3 450 000"), "{annual}");
    assert_eq!(annual.matches("[Heading3] Søknader som ikke innstilles").count(), 1);
    // the summary words the declined applications as the paper does
    assert!(
        annual.contains("Søknader som ikke innstilles (samlet, ikke med i summen): kr 2 700 000"),
        "{annual}"
    );
    // No routine point in the open lists.
    for doc in ["arsrapport-2025.docx", "statusrapport.docx"] {
        let text = project(&out.join(doc));
        for routine in [
            "godkjennes.",
            "vert godkjend.",
            "tar saken til orientering.",
            "til vitande.",
            "til etterretning.",
        ] {
            let open_rows: Vec<&str> = text
                .lines()
                .filter(|l| l.starts_with("  | ") && l.contains(routine) && l.contains("{FFC000}"))
                .collect();
            assert!(open_rows.is_empty(), "{doc}: routine points open: {open_rows:?}");
        }
    }
    // No point is followed up by a mere mention: every followed-up row names its follow-up case.
    let log = project(&out.join("vedtakslogg.docx"));
    for l in log.lines().filter(|l| l.contains("Fulgt opp |")) {
        assert!(l.contains("Oppfølging") || l.contains("jf."), "{l}");
    }
    // The status report shows each measure's comment.
    let status = project(&out.join("statusrapport.docx"));
    assert!(status.contains("Manglar finansiering") && status.contains("Status per 1. september 2025"));
    // The plans are there once, whichever of the PDF producers garbled a copy.
    assert!(status.contains("Rapporten omfatter 2 handlingsplaner og 12 tiltak"), "{status}");
}
