//! `saksflyt ingest` / `log` / `export` as a child process: re-runs give identical databases,
//! per-file isolation, and a batch killed mid-way is consistent and completes on a re-run.
//! Corpora are `samples/` and DOCX copies of the samples with changed case numbers.

use rusqlite::Connection;
use saksflyt::store::Store;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_saksflyt"))
}

fn ingest(dir: &Path, db: &Path, extra: &[&str]) -> Output {
    bin().arg("ingest").arg(dir).arg("--db").arg(db).args(extra).output().unwrap()
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Rewrite case numbers (`15/25` → `N/25`) and the first text run of a DOCX's
/// `word/document.xml`, keeping the package as it is otherwise.
fn docx_variant(data: &[u8], k: u32) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(data)).unwrap();
    let mut zout = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let case = regex::Regex::new(r"\b(\d{1,2})/(2\d)\b").unwrap();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        if f.name() == "word/document.xml" {
            let mut xml = String::new();
            f.read_to_string(&mut xml).unwrap();
            let xml = case.replace_all(&xml, |c: &regex::Captures| {
                let seq: u32 = c[1].parse().unwrap();
                format!("{}/{}", (seq + k) % 99 + 1, &c[2])
            });
            let xml = xml.replacen("</w:t>", &format!(" {k}</w:t>"), 1);
            zout.start_file("word/document.xml", opts).unwrap();
            zout.write_all(xml.as_bytes()).unwrap();
        } else {
            drop(f);
            zout.raw_copy_file(zin.by_index_raw(i).unwrap()).unwrap();
        }
    }
    zout.finish().unwrap().into_inner()
}

/// `n` DOCX papers made from the samples, with changed case numbers (a third in `sub/`).
fn docx_folder(dir: &Path, n: u32) -> PathBuf {
    let mut originals: Vec<PathBuf> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    originals.sort();
    assert!(!originals.is_empty(), "samples/*.docx");
    let data: Vec<Vec<u8>> = originals.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let folder = dir.join("papers");
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    for i in 0..n {
        let sub = if i % 3 == 2 { "sub/" } else { "" };
        let src = &data[i as usize % data.len()];
        std::fs::write(folder.join(format!("{sub}paper-{i:04}.docx")), docx_variant(src, i)).unwrap();
    }
    folder
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
fn ingesting_samples_twice_gives_an_identical_database() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = samples();
    let db = tmp.path().join("a.db");
    let first = ingest(&dir, &db, &["--json"]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    let s1: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let dump = Store::open(&db).unwrap().dump().unwrap();
    let failed = s1["failed"].as_u64().unwrap();
    assert_eq!(s1["read"].as_u64().unwrap() + failed, candidates(&dir) as u64);
    assert_eq!(first.status.code(), Some(if failed == 0 { 0 } else { 1 }), "{stderr}");
    // Every DOCX sample is stored (the DOCX reader is in place; text and PDF follow their readers).
    let stored: Vec<String> =
        Store::open(&db).unwrap().records().unwrap().into_iter().map(|r| r.source.path).collect();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "docx") {
            let key = saksflyt::store::ingest::display_key(&p);
            assert!(stored.contains(&key), "{key} stored; stderr: {stderr}");
        }
    }

    let second = ingest(&dir, &db, &["--json"]);
    assert_eq!(second.status.code(), first.status.code());
    let s2: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(s2["read"], 0);
    assert_eq!(s2["unchanged"], s1["read"]);
    assert_eq!(s2["failures"], s1["failures"]);
    assert_eq!(Store::open(&db).unwrap().dump().unwrap(), dump);

    // --force re-reads everything and still changes nothing; a fresh database is identical.
    ingest(&dir, &db, &["--force", "--quiet"]);
    assert_eq!(Store::open(&db).unwrap().dump().unwrap(), dump);
    let other = tmp.path().join("b.db");
    ingest(&dir, &other, &["--quiet"]);
    assert_eq!(Store::open(&other).unwrap().dump().unwrap(), dump);
}

#[test]
fn a_corrupt_file_is_reported_and_the_others_are_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = docx_folder(tmp.path(), 5);
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
    let dir = docx_folder(tmp.path(), 300);
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
    let dir = docx_folder(tmp.path(), 12);
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
    assert!(log.len() > 5, "{}", log.len());
    // streamed one entry at a time, the bytes are those of the whole array pretty-printed
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("{}\n", serde_json::to_string_pretty(&log).unwrap())
    );
    let o =
        bin().args(["log", "--json", "--committee", "NO-SUCH-COMMITTEE", "--db"]).arg(&db).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "[]\n");
    let o = bin().args(["log", "--db"]).arg(&db).output().unwrap();
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.starts_with("Date") && table.contains(&format!("{} entries", log.len())), "{table}");
    let o = bin().args(["log", "--db"]).arg(tmp.path().join("none.db")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn log_on_the_samples_links_follow_ups_and_derives_statuses() {
    use saksflyt::record::{LogEntry, LogStatus, PointKind};
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.db");
    ingest(&samples(), &db, &["--quiet"]);
    let log_json = |args: &[&str]| -> Vec<LogEntry> {
        let o = bin().args(["log", "--json", "--db"]).arg(&db).args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let log = log_json(&[]);
    let entry = |committee: &str, seq: u32, label: &str| -> &LogEntry {
        log.iter()
            .find(|e| {
                e.committee.as_ref().and_then(|c| c.code.as_deref()) == Some(committee)
                    && e.case.as_ref().is_some_and(|c| c.seq == seq && c.year == 2025)
                    && e.label.as_deref() == Some(label)
            })
            .unwrap_or_else(|| panic!("{committee} {seq}/25 point {label} in the log"))
    };

    // SSU 15/25 (10.09.2025) is followed up by SSU 23/25 (12.11.2025) and FSU Barn og unge 19/25.
    let e = entry("SSU", 15, "2");
    assert_eq!((e.kind, e.status), (PointKind::Proposal, LogStatus::FollowedUp));
    assert_eq!(e.responsible.as_deref(), Some("lederne i FSU-ene"));
    assert_eq!(e.deadline.as_deref(), Some("2025-10-15"));
    let by: Vec<(String, Option<&str>)> =
        e.follow_ups.iter().map(|f| (f.case.as_ref().unwrap().short(), f.date.as_deref())).collect();
    assert!(by.contains(&("23/25".into(), Some("2025-11-12"))), "{by:?}");
    assert!(e.follow_ups.iter().any(|f| f.context.starts_with("Oppfølging sak 15/25")));
    // One paper, one source: the invitation kept as DOCX, PDF and text counts once, as its DOCX.
    assert!(e.sources.iter().any(|s| s.ends_with("ssu-innkalling-2025-09-10.docx")), "{:?}", e.sources);
    assert!(!e.sources.iter().any(|s| s.contains("ssu-innkalling-2025-09-10.pdf")), "{:?}", e.sources);
    assert!(!e.sources.iter().any(|s| s.contains("ssu-innkalling-2025-09-10.txt")), "{:?}", e.sources);
    // SSU 24/25 follows up 17/25's point 4 only (`Viser til sak 17/25, vedtakspunkt 4`); point 1
    // (`slutter seg til … og tildeler …`) is a resolution done by being adopted.
    assert_eq!(entry("SSU", 17, "4").status, LogStatus::FollowedUp);
    assert_eq!(entry("SSU", 17, "1").status, LogStatus::Resolved);
    assert_ne!(entry("SSU", 17, "2").status, LogStatus::FollowedUp);
    // A placeholder point; a passed deadline (newest date in the samples is in December 2025);
    // a deadline still ahead; an adopted decision from the minutes.
    assert_eq!(entry("SSU", 14, "3").status, LogStatus::Placeholder);
    // a proposal whose deadline has passed is not overdue: only an adopted decision binds
    let late = entry("SSU", 18, "2");
    assert_eq!(
        (late.kind, late.deadline.as_deref(), late.status),
        (PointKind::Proposal, Some("2025-12-01"), LogStatus::Open)
    );
    let overdue =
        log.iter().find(|e| e.status == LogStatus::Overdue).expect("an adopted decision past its deadline");
    assert_eq!(overdue.kind, PointKind::Decision);
    let ahead = entry("LSU-MOLDE", 9, "3");
    assert_eq!((ahead.deadline.as_deref(), ahead.status), (Some("2026-03-11"), LogStatus::Open));
    let adopted = entry("SSU", 23, "3");
    assert_eq!((adopted.kind, adopted.responsible.as_deref()), (PointKind::Decision, Some("sekretariatet")));

    // Filters.
    let open = log_json(&["--open"]);
    assert!(
        !open.is_empty() && open.iter().all(|e| matches!(e.status, LogStatus::Open | LogStatus::Overdue))
    );
    let ssu = log_json(&["--committee", "ssu"]);
    assert!(
        !ssu.is_empty() && ssu.iter().all(|e| e.committee.as_ref().unwrap().code.as_deref() == Some("SSU"))
    );
    assert!(ssu.len() < log.len());
}

/// `run` ends with the review list: the draft sample (not yet numbered, for a body outside the
/// register) is named once — in its best form — on stderr and in `review.csv`; complete papers
/// are not.
#[test]
fn run_names_incomplete_papers_in_review_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = bin().args(["run", "--quiet"]).arg(samples()).arg("--out").arg(&out).output().unwrap();
    let csv = std::fs::read_to_string(out.join("review.csv")).expect("review.csv written");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.first().copied(), Some("file,missing,look_at"), "{csv}");
    let draft: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("eldreradet-saksframlegg-utkast") && !l.contains(",skipped: "))
        .collect();
    assert_eq!(draft.len(), 2, "{csv}");
    assert!(draft.iter().all(|l| l.contains("eldreradet-saksframlegg-utkast.docx")), "best form only: {csv}");
    assert!(draft.iter().any(|l| l.contains("no case number")), "{csv}");
    assert!(
        draft.iter().any(|l| l.contains("committee not in the register: Eldrerådet i Fjordvik")),
        "{csv}"
    );
    // the other rows are the files skipped (scripts, JSON, samples/README.md), each with what to do
    let papers: Vec<&&str> =
        lines[1..].iter().filter(|l| !l.contains(",skipped: ") && !l.contains(",\"skipped: ")).collect();
    assert_eq!(papers.len(), 2, "only the draft needs review: {csv}");
    assert!(lines.iter().any(|l| l.contains("samples/README.md") && l.contains("not a paper")), "{csv}");
    assert!(
        lines.iter().any(|l| l.contains("samples/make.py,skipped: unsupported file type (.py)")),
        "{csv}"
    );
    // --quiet keeps stderr free of the list; without it the list is printed
    assert!(!String::from_utf8_lossy(&o.stderr).contains("needs review"));
    let o = bin().arg("run").arg(samples()).arg("--out").arg(&out).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("needs review: 1 paper (2 findings"), "{err}");
}

/// `extract --explain` names, for each value, the line it was read from and the lexicon entry
/// (concept and form) that matched it (issue 17).
#[test]
fn explain_names_the_lexicon_entry_of_each_value() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/extract/protocol_route_headings_nn/input.txt");
    let out = bin().args(["extract", "--explain"]).arg(&fixture).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "[lexicon: minutes «møteprotokoll»]",
        "[lexicon: field_meeting_date «møtedato»]",
        "proposal label ← block 5 (line 10): \"Kommunedirektøren si innstilling:\" [lexicon: proposer «kommunedirektøren si», proposal «innstilling»]",
        "decision label ← block 10 (line 18): \"KS- 012/26 Vedtak:\" [lexicon: decision «vedtak»]",
        "vote_unanimous «samrøystes»",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // the formannskap's quoted decision is not this case's label
    assert!(!text.contains("decision label ← block 33"), "{text}");
}
