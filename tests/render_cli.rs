//! The report commands and `run` from the command line: files written, messages, exit codes.

use std::path::Path;
use std::process::Command;

fn saksflyt() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_saksflyt"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

const RECORDS: &str = "tests/fixtures/render/records.jsonl";
const LOG: &str = "tests/fixtures/render/log.json";

#[test]
fn report_commands_write_docx_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let runs: Vec<Vec<String>> = vec![
        vec![
            "evaluation".into(),
            "--year".into(),
            "2024".into(),
            "--fsu".into(),
            "barn".into(),
            "--out".into(),
            d.display().to_string(),
        ],
        vec![
            "status-report".into(),
            "--committee".into(),
            "FSU-REHAB".into(),
            "--out".into(),
            d.join("s.docx").display().to_string(),
        ],
        vec![
            "decision-log".into(),
            "--open".into(),
            "--lang".into(),
            "nn".into(),
            "--out".into(),
            d.join("l.docx").display().to_string(),
        ],
        vec![
            "annual-report".into(),
            "--year".into(),
            "2024".into(),
            "--out".into(),
            d.join("a.docx").display().to_string(),
        ],
    ];
    for args in runs {
        let out = saksflyt().args(&args).args(["--records", RECORDS, "--log", LOG]).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    for f in ["evaluering-2024-fsu-barn.docx", "s.docx", "l.docx", "a.docx"] {
        let bytes = std::fs::read(d.join(f)).unwrap();
        assert_eq!(&bytes[..2], b"PK", "{f} is a zip");
    }
    // Only the FSU asked for; no temporary files left behind.
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 4);
}

#[test]
fn unknown_fsu_and_missing_store_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = saksflyt()
        .args(["evaluation", "--year", "2024", "--fsu", "ingen-slik", "--records", RECORDS, "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no FSU matches") && err.contains("FSU-BARN"), "{err}");
    let out = saksflyt()
        .args(["decision-log", "--db"])
        .arg(dir.path().join("none.db"))
        .arg("--out")
        .arg(dir.path().join("x.docx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store at"));
    assert!(!dir.path().join("none.db").exists(), "a reading command must not create a store");
}

#[test]
fn templates_export_then_override() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("maler");
    let out = saksflyt().args(["templates", "export"]).arg(&t).output().unwrap();
    assert!(out.status.success());
    for f in ["evaluering.docx", "statusrapport.docx", "vedtakslogg.docx", "arsrapport.docx"] {
        assert!(t.join(f).is_file(), "{f} not exported");
    }
    assert!(!t.join("macros.xml.j2").exists(), "retired templates are not written");
    let out = saksflyt()
        .args(["decision-log", "--records", RECORDS, "--log", LOG, "--templates"])
        .arg(&t)
        .arg("--out")
        .arg(dir.path().join("l.docx"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("using Word template") && err.contains("vedtakslogg.docx"), "{err}");
    // nynorsk templates: the words in the template are nynorsk
    let nn = dir.path().join("nn");
    let out = saksflyt().args(["templates", "export", "--lang", "nn"]).arg(&nn).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = |p: &Path| {
        saksflyt::render::projection::part(&std::fs::read(p).unwrap(), "word/document.xml").unwrap().unwrap()
    };
    let nn_doc = doc(&nn.join("statusrapport.docx"));
    let nb_doc = doc(&t.join("statusrapport.docx"));
    assert!(nn_doc.contains("Samandrag") && nn_doc.contains("handlingsplanar"), "{nn_doc}");
    assert!(nb_doc.contains("Sammendrag") && !nb_doc.contains("Samandrag"), "{nb_doc}");
    assert!(doc(&nn.join("vedtakslogg.docx")).contains("Ikkje utfylt"));
    // a folder of the retired minijinja templates is refused with a way forward
    let old = dir.path().join("gamle");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("decision-log.xml.j2"), "<document></document>").unwrap();
    let out = saksflyt()
        .args(["decision-log", "--records", RECORDS, "--log", LOG, "--templates"])
        .arg(&old)
        .arg("--out")
        .arg(dir.path().join("l2.docx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("decision-log.xml.j2") && err.contains("templates export"), "{err}");
}

#[test]
fn run_writes_the_store_records_and_all_documents() {
    let dir = tempfile::tempdir().unwrap();
    let out = saksflyt().args(["run", "samples", "-q", "--out"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    for want in
        ["saksflyt.db", "records.jsonl", "statusrapport.docx", "vedtakslogg.docx", "arsrapport-2025.docx"]
    {
        assert!(names.iter().any(|n| n == want), "{want} missing in {names:?}");
    }
    // Forms only for the FSUs with an action plan for 2025 (without -q the others are named).
    let mut forms: Vec<&String> = names.iter().filter(|n| n.starts_with("evaluering-2025-")).collect();
    forms.sort();
    assert_eq!(forms, ["evaluering-2025-fsu-barn.docx", "evaluering-2025-fsu-psyk.docx"]);
    let jsonl = std::fs::read_to_string(dir.path().join("records.jsonl")).unwrap();
    assert!(jsonl.lines().count() > 10);
    assert!(Path::new(&dir.path().join("saksflyt.db")).metadata().unwrap().len() > 0);
}

#[test]
fn a_year_committee_or_fsu_without_data_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = saksflyt().args(["run", "samples", "-q", "--out"]).arg(dir.path()).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let db = dir.path().join("saksflyt.db");
    let check = |args: &[&str], want: &str| {
        let o = saksflyt().args(args).arg("--db").arg(&db).output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    };
    let out = dir.path().join("x");
    let o = out.to_str().unwrap();
    check(&["annual-report", "--year", "2019", "--out", o], "no data for 2019");
    check(&["evaluation", "--year", "2019", "--out", o], "no data for 2019");
    check(&["evaluation", "--year", "2025", "--fsu", "FSU-IKT", "--out", o], "no action plan");
    check(&["status-report", "--committee", "FSU-IKT", "--out", o], "no data");
    assert!(!out.exists(), "nothing is written");
    // Asked for explicitly: the empty form is written.
    let e = saksflyt()
        .args(["evaluation", "--year", "2025", "--fsu", "FSU-IKT", "--empty", "--out", o, "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    assert!(out.join("evaluering-2025-fsu-ikt.docx").is_file());
}

/// `--check-template`: the folder's Word template of the document checked against the
/// command's data; every error with its place and tag; nothing written.
#[test]
fn check_template_lists_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t");
    assert!(saksflyt().args(["templates", "export"]).arg(&t).output().unwrap().status.success());
    let check = |cmd: &str| {
        saksflyt()
            .args([cmd, "--records", RECORDS, "--log", LOG, "--check-template", "--templates"])
            .arg(&t)
            .output()
            .unwrap()
    };
    let out = check("decision-log");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("vedtakslogg.docx: ok"));
    // a misspelt variable in the status report's template
    let p = t.join("statusrapport.docx");
    let bytes = std::fs::read(&p).unwrap();
    let doc = saksflyt::render::projection::part(&bytes, "word/document.xml").unwrap().unwrap();
    let broken = doc.replacen("{{ totals.total }}", "{{ totalz.total }}", 1);
    assert_ne!(broken, doc);
    let bytes =
        saksflyt::render::wordtpl::replace_part(&bytes, "t", "word/document.xml", broken.into_bytes())
            .unwrap();
    std::fs::write(&p, bytes).unwrap();
    let out = check("status-report");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("statusrapport.docx: body, paragraph") && err.contains("{{ totalz.total }}"),
        "{err}"
    );
    assert!(err.contains("unknown variable totalz"), "{err}");
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(written, vec![std::ffi::OsString::from("t")], "nothing but the templates: {written:?}");
    // without --templates there is nothing to check
    let out = saksflyt()
        .args(["status-report", "--records", RECORDS, "--log", LOG, "--check-template"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--templates"));
}

/// A document whose listed decision points cannot fit the output limit is refused before its
/// entries are read: the message names the count and how to narrow it, exit 1, nothing written.
/// Tested on the samples' store with the limit lowered (`SAKSFLYT_MAX_OUTPUT_BYTES`) just under
/// the bound of its rows; without it the same documents are written, and a folder's own template
/// (which may print less per entry) is not refused early — here, the exported built-in one,
/// the renderer refuses it on the same limit (the bound refuses nothing the renderer would write).
#[test]
fn a_document_over_the_output_limit_is_refused_before_its_entries_are_read() {
    use saksflyt::render::docs::MIN_MARKUP_BYTES_PER_LISTED_ENTRY as ROW;
    use saksflyt::render::wordtpl::MAX_OUTPUT_ENV;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let out = saksflyt().args(["-q", "ingest", "samples", "--db", db]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = saksflyt().args(["-q", "log", "--db", db, "--json"]).output().unwrap();
    let log: Vec<serde_json::Value> = serde_json::from_slice(&log.stdout).unwrap();
    let registered: Vec<&serde_json::Value> =
        log.iter().filter(|e| e["committee"]["code"].is_string()).collect();
    let open = registered.iter().filter(|e| matches!(e["status"].as_str(), Some("open" | "overdue"))).count();
    assert!(open > 0 && registered.len() > open);
    let open_2025 = registered
        .iter()
        .filter(|e| matches!(e["status"].as_str(), Some("open" | "overdue")))
        .filter(|e| e["meeting_date"].as_str().is_none_or(|d| d <= "2025-12-31"))
        .count();
    assert!(open_2025 > 0);
    let target = dir.path().join("doc.docx");
    let target_s = target.to_str().unwrap();
    let run = |args: &[&str], limit: Option<usize>| {
        let mut c = saksflyt();
        c.args(["-q"]).args(args).args(["--db", db, "--out", target_s]);
        if let Some(l) = limit {
            c.env(MAX_OUTPUT_ENV, l.to_string());
        }
        let out = c.output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let cases: [(&[&str], usize, String, &str); 3] = [
        (
            &["decision-log"],
            registered.len(),
            format!("the decision log would list {} decision points", registered.len()),
            "narrow it with --committee or --open",
        ),
        (
            &["status-report", "--empty"],
            open,
            format!("the status report would list {open} open decision points"),
            "narrow it with --committee",
        ),
        (
            &["annual-report", "--year", "2025"],
            open_2025,
            format!("the annual report would list {open_2025} open decision points"),
            "still open at the end of 2025",
        ),
    ];
    let templates = dir.path().join("maler");
    let out = saksflyt().args(["templates", "export", templates.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    for (args, listed, says, narrow) in cases {
        let limit = listed * ROW as usize - 1;
        let (code, err) = run(args, Some(limit));
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(err.contains(&says) && err.contains(narrow), "{args:?}: {err}");
        assert!(err.contains(&format!("over the limit of {limit} bytes per document")), "{err}");
        assert!(!target.exists(), "{args:?}: nothing written");
        // a folder's template is filled as before: the renderer meets the same limit
        let mut with_folder = args.to_vec();
        with_folder.extend(["--templates", templates.to_str().unwrap()]);
        let (code, err) = run(&with_folder, Some(limit));
        assert_eq!(code, Some(1), "{with_folder:?}: {err}");
        assert!(err.contains("the output passes the limit") && !err.contains("would list"), "{err}");
        assert!(!target.exists());
        // the whole limit: written
        let (code, err) = run(args, None);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(target.exists());
        std::fs::remove_file(&target).unwrap();
    }
}
