//! The whole pipeline on the shipped samples: ingest `samples/` into an in-memory store, render
//! every document `run` writes, and compare readable projections with
//! `tests/snapshots/samples-*.txt` (`UPDATE_SNAPSHOTS=1` rewrites them; extraction changes show
//! up here as reviewed diffs). Also checks facts that must hold whatever the extraction.

use saksflyt::config::Register;
use saksflyt::render::{data, docs, projection, Lang, ReportInput, Templates};
use saksflyt::store::ingest;
use saksflyt::store::{LogFilter, Store};
use std::path::{Path, PathBuf};

fn samples_input() -> ReportInput {
    // Relative path: record sources (shown in the documents) must not depend on the checkout.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).unwrap();
    let (candidates, skipped) = ingest::walk(&[PathBuf::from("samples")]).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let register = Register::default();
    let summary =
        ingest::ingest(&mut store, &candidates, skipped, &register, &ingest::Options::default(), &mut |_| {})
            .unwrap();
    assert_eq!(summary.failed, 0, "{:?}", summary.failures);
    // As the CLI does: one record per paper (the samples hold each paper in several formats).
    let records = saksflyt::store::derive::papers(&store.records().unwrap());
    let log = store.decision_log(&LogFilter::default()).unwrap();
    ReportInput { records, log, register, lang: Lang::Nb, facts: None }
}

#[test]
fn samples_render_to_the_expected_documents() {
    let input = samples_input();
    assert!(!input.records.is_empty());
    let year = data::latest_year(&input.records).expect("the samples are dated");
    let t = Templates::new(None).unwrap();
    let all = docs::all(&t, &input, year, false).unwrap();
    // Evaluation forms for the FSUs with a plan for the year (FSU Barn og unge, FSU Psykisk helse og rus).
    assert_eq!(all.len(), 2 + 3);

    let project = |name: &str| {
        let d = all.iter().find(|d| d.file_name == name).unwrap_or_else(|| panic!("{name} not rendered"));
        assert!(d.warnings.is_empty(), "{name}: {:?}", d.warnings);
        projection::project(&d.bytes).unwrap()
    };
    // Facts independent of extraction details.
    let log = project("vedtakslogg.docx");
    let rows = log.lines().filter(|l| l.starts_with("  | ")).count();
    // the partnership's decision log shows the register's bodies (the eldreråd's draft goes to review)
    let register_entries = input.log.iter().filter(|e| data::in_register(e.committee.as_ref())).count();
    assert!(register_entries < input.log.len(), "the samples have a paper of a body outside the register");
    assert_eq!(rows, register_entries, "one decision-log row per log entry of a register body");
    let status = project("statusrapport.docx");
    assert!(status.contains("{00B050}") && status.contains("[image "), "status colours and the chart");
    let annual = project(&format!("arsrapport-{year}.docx"));
    assert!(annual.contains(&format!("[Title] Årsrapport {year}")));

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for d in &all {
        let name = format!("samples-{}", d.file_name.trim_end_matches(".docx"));
        let got = projection::project(&d.bytes).unwrap();
        let path = dir.join(format!("{name}.txt"));
        if update {
            std::fs::write(&path, &got).unwrap();
        } else if std::fs::read_to_string(&path).unwrap_or_default() != got {
            failures.push(format!("{name}: projection differs from {}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(UPDATE_SNAPSHOTS=1 regenerates; review the diff)",
        failures.join("\n")
    );
}

fn have(program: &str) -> bool {
    // Spawning is the test: some tools (pdfinfo) exit non-zero on --version.
    std::process::Command::new(program).arg("--version").output().is_ok()
}

#[test]
fn sample_documents_open_in_libreoffice_and_pandoc() {
    if !have("soffice") || !have("pandoc") || !have("pdfinfo") {
        assert!(std::env::var_os("CI").is_none(), "soffice, pandoc and pdfinfo are required under CI");
        eprintln!("skipping: soffice, pandoc or pdfinfo not installed");
        return;
    }
    let input = samples_input();
    let year = data::latest_year(&input.records).expect("the samples are dated");
    let t = Templates::new(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for d in docs::all(&t, &input, year, false).unwrap() {
        let p = dir.path().join(&d.file_name);
        std::fs::write(&p, &d.bytes).unwrap();
        files.push(p);
    }
    let out = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "soffice failed: {}", String::from_utf8_lossy(&out.stderr));
    for f in &files {
        let pdf = f.with_extension("pdf");
        let info = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let text = String::from_utf8_lossy(&info.stdout);
        let pages: u32 = text
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").and_then(|v| v.trim().parse().ok()))
            .unwrap_or(0);
        assert!(pages >= 1, "{}: no pages", pdf.display());
        let plain = std::process::Command::new("pandoc")
            .args(["-s", "-f", "docx", "-t", "plain"])
            .arg(f)
            .output()
            .unwrap();
        assert!(plain.status.success(), "{}: pandoc failed", f.display());
        assert!(!plain.stdout.is_empty(), "{}: pandoc read no text", f.display());
    }
}
