//! `saksflyt ingest` / `log` / `export` as a child process: re-runs give identical databases,
//! per-file isolation, and a batch killed mid-way is consistent and completes on a re-run.

use rusqlite::Connection;
use saksflyt::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_saksflyt"))
}

fn ingest(dir: &Path, db: &Path, extra: &[&str]) -> Output {
    bin().arg("ingest").arg(dir).arg("--db").arg(db).args(extra).output().unwrap()
}

/// An invented case paper in plain text: committee ASU, case `seq/24`, one deadline, one
/// reference back to the previous case.
fn paper(seq: u32) -> String {
    let day = 1 + seq % 28;
    format!(
        "Administrativt samarbeidsutvalg (ASU)\n\n\
         Møtedato: {day:02}.09.2024\n\n\
         Sak {seq}/24 Oppfølging sak {prev}/24 – felles rutine nr. {seq}\n\n\
         Saksansvarlig: Kari Nordmann\n\n\
         Bakgrunn\n\n\
         Saken gjelder rutine nummer {seq} for samhandling mellom kommunene og sykehuset. \
         Arbeidsgruppen har sett på erfaringer fra tidligere møter.\n\n\
         Forslag til vedtak\n\n\
         1. ASU tar saken til orientering.\n\
         2. ASU ber sekretariatet legge fram en plan innen 01.12.2024.\n",
        prev = seq.saturating_sub(1).max(1)
    )
}

fn text_folder(dir: &Path, n: u32) -> PathBuf {
    let folder = dir.join("papers");
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    for i in 1..=n {
        let sub = if i % 3 == 0 { "sub/" } else { "" };
        std::fs::write(folder.join(format!("{sub}sak-{i:04}.txt")), paper(i)).unwrap();
    }
    folder
}

/// `samples/` when the repository has it, else a folder of generated text papers.
fn corpus(dir: &Path) -> PathBuf {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    if samples.is_dir() {
        samples
    } else {
        text_folder(dir, 12)
    }
}

fn documents(db: &Path) -> i64 {
    match Connection::open(db) {
        Ok(c) => c.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap_or(0),
        Err(_) => 0,
    }
}

fn candidates(dir: &Path) -> usize {
    saksflyt::store::ingest::walk(&[dir.to_path_buf()]).unwrap().0.len()
}

#[test]
fn ingesting_twice_gives_an_identical_database() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = corpus(tmp.path());
    let db = tmp.path().join("a.db");
    let first = ingest(&dir, &db, &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let dump = Store::open(&db).unwrap().dump().unwrap();
    assert_eq!(documents(&db) as usize, candidates(&dir));

    let second = ingest(&dir, &db, &["--json"]);
    assert!(second.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(summary["read"], 0);
    assert_eq!(summary["unchanged"].as_u64().unwrap() as usize, candidates(&dir));
    assert_eq!(Store::open(&db).unwrap().dump().unwrap(), dump);

    // --force re-reads everything and still changes nothing; a fresh database is identical.
    assert!(ingest(&dir, &db, &["--force", "--quiet"]).status.success());
    assert_eq!(Store::open(&db).unwrap().dump().unwrap(), dump);
    let other = tmp.path().join("b.db");
    assert!(ingest(&dir, &other, &["--quiet"]).status.success());
    assert_eq!(Store::open(&other).unwrap().dump().unwrap(), dump);
}

#[test]
fn a_corrupt_file_is_reported_and_the_others_are_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = text_folder(tmp.path(), 5);
    std::fs::write(dir.join("broken.docx"), b"PK\x03\x04 this is not a zip package at all").unwrap();
    std::fs::write(dir.join("bilde.png"), b"\x89PNG").unwrap();
    let db = tmp.path().join("s.db");
    let out = ingest(&dir, &db, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("papers/broken.docx: "), "{stderr}");
    assert!(stderr.contains("skipped ") && stderr.contains("bilde.png"), "{stderr}");
    assert_eq!(documents(&db), 5);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("5 read") && stdout.contains("1 failed"), "{stdout}");

    // The JSON summary says the same.
    let out = ingest(&dir, &db, &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["failed"].as_u64(), v["unchanged"].as_u64(), v["unsupported"].as_u64()),
        (Some(1), Some(5), Some(1))
    );
    assert!(v["failures"][0]["path"].as_str().unwrap().ends_with("papers/broken.docx"));
}

#[test]
fn usage_errors_exit_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin().args(["ingest", "--db"]).arg(tmp.path().join("x.db")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = ingest(&tmp.path().join("missing"), &tmp.path().join("x.db"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or folder"));
    assert!(!tmp.path().join("x.db").exists(), "a usage error creates no store");
}

#[test]
fn a_killed_ingest_leaves_a_consistent_store_that_a_rerun_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = text_folder(tmp.path(), 600);
    let total = candidates(&dir) as i64;

    let reference = tmp.path().join("reference.db");
    assert!(ingest(&dir, &reference, &["--quiet"]).status.success());
    assert_eq!(documents(&reference), total);

    let db = tmp.path().join("killed.db");
    let mut child = bin().arg("ingest").arg(&dir).arg("--db").arg(&db).arg("--quiet").spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while documents(&db) < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let stored = documents(&db);
    assert!(stored > 0 && stored < total, "killed mid-way: {stored} of {total} stored");
    {
        let store = Store::open(&db).unwrap();
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
        // Every stored document is whole: its record and its rows agree.
        let fresh_dir = tempfile::tempdir().unwrap();
        let mut fresh = Store::open(&fresh_dir.path().join("f.db")).unwrap();
        for r in store.records().unwrap() {
            fresh.put_record(&r).unwrap();
        }
        assert_eq!(fresh.dump().unwrap(), store.dump().unwrap());
    }

    let out = ingest(&dir, &db, &["--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["unchanged"].as_i64(), Some(stored));
    assert_eq!(v["read"].as_i64(), Some(total - stored));
    assert_eq!(Store::open(&db).unwrap().dump().unwrap(), Store::open(&reference).unwrap().dump().unwrap());
}

#[test]
fn export_writes_one_record_per_line_and_log_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = corpus(tmp.path());
    let db = tmp.path().join("s.db");
    assert!(ingest(&dir, &db, &["--quiet"]).status.success());
    let out = tmp.path().join("records.jsonl");
    let o = bin().args(["export", "--jsonl"]).arg(&out).arg("--db").arg(&db).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let records: Vec<saksflyt::record::Record> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records, Store::open(&db).unwrap().records().unwrap());
    assert_eq!(records.len(), candidates(&dir));

    let o = bin().args(["log", "--json", "--db"]).arg(&db).output().unwrap();
    assert!(o.status.success());
    let log: Vec<saksflyt::record::LogEntry> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(log, Store::open(&db).unwrap().decision_log(&Default::default()).unwrap());
    let o = bin().args(["log", "--db"]).arg(&db).output().unwrap();
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.starts_with("Date") && table.contains(&format!("{} entries", log.len())), "{table}");
    let o = bin().args(["log", "--db"]).arg(tmp.path().join("none.db")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}
