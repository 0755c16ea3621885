//! Renders every document from the fixture records (`tests/fixtures/render/`) and checks a
//! readable projection of each DOCX against `tests/snapshots/*.txt` (`UPDATE_SNAPSHOTS=1`
//! rewrites them; review the diff). Also: byte-identical output, template overrides, and —
//! under CI or where the programs exist — LibreOffice and pandoc reading every document.

mod common;

use saksflyt::config::Register;
use saksflyt::render::docs::{self, Rendered};
use saksflyt::render::{projection, DecisionLogOptions, Lang, ReportInput, StatusOptions, Templates};
use std::path::{Path, PathBuf};
use std::process::Command;

fn input(lang: Lang) -> ReportInput {
    common::document_input(lang)
}

/// Every document the tests look at: (snapshot name, rendered document).
fn all_documents(t: &Templates) -> Vec<(&'static str, Rendered)> {
    let nb = input(Lang::Nb);
    let nn = input(Lang::Nn);
    vec![
        ("evaluation-fsu-barn", docs::evaluation(t, &nb, 2024, "FSU-BARN").unwrap()),
        ("evaluation-fsu-akutt-nn", docs::evaluation(t, &nn, 2024, "FSU-AKUTT").unwrap()),
        ("status-report", docs::status_report(t, &nb, &StatusOptions::default()).unwrap()),
        (
            "status-report-fsu-barn",
            docs::status_report(t, &nb, &StatusOptions { committee: Some("FSU-BARN".into()), plan: None })
                .unwrap(),
        ),
        ("decision-log", docs::decision_log(t, &nb, &DecisionLogOptions::default()).unwrap()),
        (
            "decision-log-open-nn",
            docs::decision_log(
                t,
                &nn,
                &DecisionLogOptions { committee: None, open: true, ..Default::default() },
            )
            .unwrap(),
        ),
        ("annual-report", docs::annual_report(t, &nb, 2024).unwrap()),
        ("annual-report-nn", docs::annual_report(t, &nn, 2024).unwrap()),
    ]
}

#[test]
fn projections_match_snapshots() {
    let t = Templates::new(None).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for (name, doc) in all_documents(&t) {
        assert!(doc.warnings.is_empty(), "{name}: {:?}", doc.warnings);
        let got = projection::project(&doc.bytes).unwrap();
        let path = dir.join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            failures.push(format!("{name}: projection differs from {}\n--- got ---\n{got}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}\n(UPDATE_SNAPSHOTS=1 regenerates)", failures.join("\n"));
}

#[test]
fn output_is_byte_identical() {
    let a = all_documents(&Templates::new(None).unwrap());
    let b = all_documents(&Templates::new(None).unwrap());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x.bytes == y.bytes, "{name}: two renders differ");
    }
    // Also across threads (docx-rs keeps thread-local counters).
    let c = std::thread::spawn(|| all_documents(&Templates::new(None).unwrap())).join().unwrap();
    for ((name, x), (_, y)) in a.iter().zip(&c) {
        assert!(x.bytes == y.bytes, "{name}: render on another thread differs");
    }
}

#[test]
fn word_structure_is_real() {
    let t = Templates::new(None).unwrap();
    let nb = input(Lang::Nb);
    let doc = docs::annual_report(&t, &nb, 2024).unwrap();
    let part = |n: &str| projection::part(&doc.bytes, n).unwrap().unwrap_or_default();
    let styles = part("word/styles.xml");
    for id in ["Title", "Heading1", "Heading2", "Heading3", "ListBullet", "ListNumber", "TableGrid"] {
        assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "style {id} missing");
    }
    let document = part("word/document.xml");
    assert!(document.contains("<w:tblHeader"), "no repeated header row");
    assert!(document.contains("w:orient=\"landscape\""), "no landscape section");
    assert!(document.contains("w:w=\"11906\"") && document.contains("w:h=\"16838\""), "not A4");
    // Real numbering: a case's decision points are a list of their own, a numbering instance
    // defined in numbering.xml that starts again at 1 (`{% li %}` in the Word template).
    assert!(document.contains("<w:numId w:val=\"5\"/>"), "ordered list without its own numbering");
    let numbering = part("word/numbering.xml");
    assert!(numbering.contains("<w:num w:numId=\"5\"><w:abstractNumId w:val=\"3\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/>"), "{numbering}");
    // Every section carries the header and footer.
    let sections = document.matches("<w:sectPr>").count();
    assert!(sections >= 3);
    assert_eq!(document.matches("<w:headerReference").count(), sections);
    assert_eq!(document.matches("<w:footerReference").count(), sections);
    let footer = part("word/footer1.xml");
    assert!(footer.contains("PAGE") && footer.contains("NUMPAGES"));
    let core = part("docProps/core.xml");
    assert!(core.contains("<dc:title>Årsrapport 2024</dc:title>"));
    assert!(
        core.contains("2024-09-11T00:00:00Z"),
        "created date must be the newest date in the data: {core}"
    );
    assert!(!document.contains("<w:tblGrid />"), "a table without grid");
    assert!(doc.bytes.windows(b"word/media/".len()).any(|w| w == b"word/media/"), "chart missing");
}

#[test]
fn templates_override_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    let written = saksflyt::render::wordtpl::builtin::export(dir.path(), Lang::Nb).unwrap();
    assert_eq!(written.len(), saksflyt::render::wordtpl::builtin::BUILTIN.len());
    // A user rewrites the decision log's introduction in Word (here: in its XML) …
    let p = dir.path().join("vedtakslogg.docx");
    let template = std::fs::read(&p).unwrap();
    let doc = projection::part(&template, "word/document.xml").unwrap().unwrap();
    assert!(doc.contains(">Vedtaksloggen viser "), "{doc}");
    let edited = doc.replacen(">Vedtaksloggen viser ", ">Egen innledning &amp; mer. Vedtaksloggen viser ", 1);
    std::fs::write(
        &p,
        saksflyt::render::wordtpl::replace_part(&template, "t", "word/document.xml", edited.into_bytes())
            .unwrap(),
    )
    .unwrap();
    // … and removes the status report's template: that one falls back to the built-in.
    std::fs::remove_file(dir.path().join("statusrapport.docx")).unwrap();
    let t = Templates::new(Some(dir.path())).unwrap();
    let nb = input(Lang::Nb);
    let doc = docs::decision_log(&t, &nb, &DecisionLogOptions::default()).unwrap();
    let text = projection::project(&doc.bytes).unwrap();
    assert!(text.contains("Egen innledning & mer. Vedtaksloggen viser"), "{text}");
    let builtin =
        docs::status_report(&Templates::new(None).unwrap(), &nb, &StatusOptions::default()).unwrap();
    assert!(docs::status_report(&t, &nb, &StatusOptions::default()).unwrap().bytes == builtin.bytes);
}

#[test]
fn broken_word_template_names_the_file_and_the_tag() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("statusrapport.docx");
    std::fs::write(&p, "not a zip").unwrap();
    let t = Templates::new(Some(dir.path())).unwrap();
    let err = docs::status_report(&t, &input(Lang::Nb), &StatusOptions::default()).unwrap_err().to_string();
    assert!(err.contains("statusrapport.docx"), "{err}");
    assert!(Templates::new(Some(&dir.path().join("missing"))).unwrap_err().to_string().contains("missing"));
    // a misspelt variable in the exported template: the file, the place and the tag are named
    saksflyt::render::wordtpl::builtin::export(dir.path(), Lang::Nb).unwrap();
    let template = std::fs::read(&p).unwrap();
    let doc = projection::part(&template, "word/document.xml").unwrap().unwrap();
    let broken = doc.replacen("{{ totals.total }}", "{{ totalz.total }}", 1);
    assert_ne!(broken, doc);
    std::fs::write(
        &p,
        saksflyt::render::wordtpl::replace_part(&template, "t", "word/document.xml", broken.into_bytes())
            .unwrap(),
    )
    .unwrap();
    let err = docs::status_report(&t, &input(Lang::Nb), &StatusOptions::default()).unwrap_err().to_string();
    assert!(
        err.contains("statusrapport.docx") && err.contains("totalz") && err.contains("paragraph"),
        "{err}"
    );
}

#[test]
fn values_are_escaped() {
    // A case title holds `<2024>` and a point holds `&`: they must come out as text.
    let t = Templates::new(None).unwrap();
    let doc = docs::annual_report(&t, &input(Lang::Nb), 2024).unwrap();
    let text = projection::project(&doc.bytes).unwrap();
    assert!(text.contains("Orientering om økonomi <2024>"), "{text}");
}

#[test]
fn empty_input_renders_every_document() {
    let t = Templates::new(None).unwrap();
    let empty = ReportInput {
        records: vec![],
        log: vec![],
        register: Register::default(),
        lang: Lang::Nb,
        facts: None,
    };
    let all = docs::all(&t, &empty, 2024, true).unwrap();
    assert_eq!(all.len(), Register::default().fsus().count() + 3);
    let text = projection::project(&all[0].bytes).unwrap();
    assert!(text.contains("Utvalget har ingen registrert handlingsplan"), "{text}");
}

fn have(program: &str) -> bool {
    // Spawning is the test: some tools (pdfinfo) exit non-zero on --version.
    Command::new(program).arg("--version").output().is_ok()
}

/// Whether an external-program test must run (CI) or may skip (program absent locally).
fn must_run(program: &str) -> bool {
    if have(program) {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{program} is required under CI");
    eprintln!("skipping: {program} not installed");
    false
}

fn write_all(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let t = Templates::new(None).unwrap();
    all_documents(&t)
        .into_iter()
        .map(|(name, doc)| {
            let p = dir.join(format!("{name}.docx"));
            std::fs::write(&p, &doc.bytes).unwrap();
            (name, p)
        })
        .collect()
}

#[test]
fn libreoffice_opens_every_document() {
    if !must_run("soffice") || !must_run("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files = write_all(dir.path());
    let profile = dir.path().join("lo-profile");
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(files.iter().map(|(_, p)| p))
        .output()
        .unwrap();
    assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
    // What each document must say once rendered (never how many pages one renderer and its
    // fonts make: that differs with and without Calibri-metric fonts such as Carlito).
    let expected: &[(&str, &[&str])] = &[
        ("evaluation-fsu-barn", &["Evaluering og triagering", "Ny status", "Bedre samarbeid"]),
        ("evaluation-fsu-akutt-nn", &["Evaluering og triagering", "Ny status"]),
        ("status-report", &["Statusrapport"]),
        ("status-report-fsu-barn", &["Statusrapport"]),
        ("decision-log", &["Vedtakslogg"]),
        ("decision-log-open-nn", &["Vedtakslogg"]),
        ("annual-report", &["Årsrapport", "Tilskudd"]),
        ("annual-report-nn", &["Årsrapport", "Tilskot"]),
    ];
    for (name, words) in expected {
        let pdf = dir.path().join(format!("{name}.pdf"));
        assert!(pdf.is_file(), "{name}: no pdf");
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let text = String::from_utf8_lossy(&info.stdout);
        let pages: u32 = text
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().parse().unwrap_or(0)))
            .unwrap_or(0);
        assert!(pages >= 1, "{name}: no pages");
        let out = Command::new("pdftotext").arg(&pdf).arg("-").output();
        let Ok(out) = out else {
            assert!(std::env::var_os("CI").is_none(), "pdftotext is required under CI");
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        for w in *words {
            assert!(text.contains(w), "{name}: rendered PDF lacks {w:?}");
        }
    }
}

#[test]
fn pandoc_reads_the_text_back() {
    if !must_run("pandoc") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let expected: &[(&str, &[&str])] = &[
        ("evaluation-fsu-barn", &["Evaluering og triagering 2024", "Målsetting", "Tidsbestemt", "Gul"]),
        (
            "evaluation-fsu-akutt-nn",
            &["FSU Akuttmedisinsk kjede", "Målsetjing", "ingen registrert handlingsplan"],
        ),
        (
            "status-report",
            &["Statusrapport for handlingsplaner", "Rød", "Utsatt på grunn av kapasitet", "Forfalt"],
        ),
        ("status-report-fsu-barn", &["FSU Barn og unge", "Psykisk helse hos unge"]),
        ("decision-log", &["Vedtakslogg", "18/24", "Fulgt opp", "Sak 26/24", "1. oktober 2024"]),
        ("decision-log-open-nn", &["Berre opne punkt", "Over fristen", "Open"]),
        (
            "annual-report",
            &["Årsrapport 2024", "Tildelte samhandlingstilskudd 2024", "kr 1 200 000", "19. juni 2024"],
        ),
        ("annual-report-nn", &["Årsrapport 2024", "Tilskot", "Handsama saker"]),
    ];
    for (name, path) in write_all(dir.path()) {
        let out = Command::new("pandoc")
            .args(["-s", "-f", "docx", "-t", "plain", "--wrap=none"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: pandoc failed");
        let text = String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ");
        let want = expected.iter().find(|(n, _)| *n == name).map(|(_, w)| *w).unwrap_or(&[]);
        for w in want {
            assert!(text.contains(w), "{name}: pandoc text lacks {w:?}:\n{text}");
        }
    }
}
