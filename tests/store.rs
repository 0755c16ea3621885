//! The store on hand-built records (tests/fixtures/store/*.json): round trip, idempotency,
//! replacement, case merging across documents, and the decision log with follow-ups.

use rusqlite::Connection;
use saksflyt::record::{LogStatus, PointKind, Record};
use saksflyt::store::{log, LogFilter, PutOutcome, Store};
use std::path::Path;

const FIXTURES: &[&str] =
    &["asu-2024-03-innkalling", "asu-2024-03-protokoll", "asu-2024-06-innkalling", "ssu-handlingsplan"];

fn fixtures() -> Vec<Record> {
    FIXTURES
        .iter()
        .map(|name| {
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/store/{name}.json"));
            let text = std::fs::read_to_string(&path).unwrap();
            let mut r: Record =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // The fixtures hold points as the case extractor finds them; the follow-up facts
            // (deadline, responsible, routine, follows-up) are added as `extract` does.
            saksflyt::extract::followup::annotate(&mut r, &saksflyt::config::Register::default());
            r
        })
        .collect()
}

fn filled(path: &Path) -> Store {
    let mut store = Store::open(path).unwrap();
    for r in fixtures() {
        assert_eq!(store.put_record(&r).unwrap(), PutOutcome::Inserted);
    }
    store
}

#[test]
fn round_trip_returns_the_records_sorted_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled(&dir.path().join("s.db"));
    let mut want = fixtures();
    want.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    assert_eq!(store.records().unwrap(), want);
    assert!(store.check().unwrap().is_empty());
    let c = store.counts().unwrap();
    assert_eq!((c.documents, c.meetings, c.plans, c.plan_items, c.tables, c.warnings), (4, 3, 1, 2, 1, 1));
    // 3/24, 6/24, 19/24, 20/24 and one unnumbered case.
    assert_eq!(c.cases, 5);
    // March: 2+1 proposal points, 2+1 decision points; June: 1+1 (+1 child) + 1 + 1.
    assert_eq!(c.decision_points, 3 + 3 + 5);
}

#[test]
fn schema_version_is_recorded_and_reopening_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let before = filled(&db).dump().unwrap();
    let conn = Connection::open(&db).unwrap();
    let v: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, saksflyt::store::schema::VERSION);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    assert_eq!(Store::open(&db).unwrap().dump().unwrap(), before);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    drop(Store::open(&db).unwrap());
    Connection::open(&db).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let err = Store::open(&db).err().unwrap();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn reingesting_the_same_records_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = filled(&dir.path().join("s.db"));
    let before = store.dump().unwrap();
    for r in fixtures() {
        assert_eq!(store.put_record(&r).unwrap(), PutOutcome::Unchanged);
    }
    assert_eq!(store.dump().unwrap(), before);
    // A second store fed the same records holds exactly the same rows.
    assert_eq!(filled(&dir.path().join("t.db")).dump().unwrap(), before);
}

#[test]
fn a_changed_file_replaces_its_old_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = filled(&dir.path().join("s.db"));
    let mut changed = fixtures().remove(2); // June invitation
    changed.source.sha256 = "e".repeat(64);
    changed.cases.retain(|c| c.number.as_ref().is_some_and(|n| n.seq == 19));
    changed.agenda.retain(|a| a.case.as_ref().is_some_and(|n| n.seq == 19));
    changed.warnings.clear();
    assert_eq!(store.put_record(&changed).unwrap(), PutOutcome::Replaced);
    assert!(store.check().unwrap().is_empty());
    let c = store.counts().unwrap();
    assert_eq!((c.documents, c.cases, c.warnings), (4, 3, 0), "20/24 and the unnumbered case are gone");
    assert_eq!(c.decision_points, 3 + 3 + 3);
    let recs = store.records().unwrap();
    assert!(recs.contains(&changed));
    // 3/24 is no longer followed up: the June paper that referred to it lost that case.
    let log = store.decision_log(&LogFilter::default()).unwrap();
    let e = log
        .iter()
        .find(|e| e.case.as_ref().is_some_and(|n| n.seq == 3) && e.label.as_deref() == Some("2"))
        .unwrap();
    assert!(e.follow_ups.is_empty());
    // Its deadline (01.05.2024) is before the newest meeting: overdue.
    assert_eq!(e.status, LogStatus::Overdue);

    // Same result as a fresh store given the final records in path order.
    let mut fresh = Store::open(&dir.path().join("fresh.db")).unwrap();
    for r in &recs {
        fresh.put_record(r).unwrap();
    }
    assert_eq!(fresh.records().unwrap(), recs);
    assert_eq!(fresh.counts().unwrap(), store.counts().unwrap());

    assert!(store.remove_document("papers/2024-06/asu-innkalling.docx").unwrap());
    assert_eq!(store.counts().unwrap().cases, 2);
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn a_case_in_several_documents_is_one_case_with_its_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    drop(filled(&db));
    let conn = Connection::open(&db).unwrap();
    let (n, title, date): (i64, String, String) = conn
        .query_row(
            "SELECT count(*), title, date FROM cases WHERE committee = 'ASU' AND seq = 3 AND year = 2024",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((n, title.as_str(), date.as_str()), (1, "Læringspunkter fra avviksgjennomgang", "2024-03-13"));
    let mut stmt = conn
        .prepare(
            "SELECT d.path, cs.role FROM case_sources cs JOIN documents d ON d.id = cs.document_id
             JOIN cases c ON c.id = cs.case_id WHERE c.key = 'ASU 3/2024' ORDER BY d.path, cs.role",
        )
        .unwrap();
    let sources: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    assert_eq!(
        sources,
        [
            ("papers/2024-03/asu-innkalling.docx".to_string(), "agenda".to_string()),
            ("papers/2024-03/asu-innkalling.docx".to_string(), "case".to_string()),
            ("papers/2024-03/asu-protokoll.docx".to_string(), "case".to_string()),
        ]
    );
    let refs: i64 = conn
        .query_row("SELECT count(*) FROM case_references WHERE to_key = 'ASU 3/2024'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(refs, 1);
}

#[test]
fn decision_log_links_follow_ups_and_derives_statuses() {
    let log = log::derive(&fixtures());
    let summary: Vec<(String, &str, PointKind, String, &str)> = log
        .iter()
        .map(|e| {
            (
                e.case.as_ref().map(|c| c.short()).unwrap_or_default(),
                e.meeting_date.as_deref().unwrap_or(""),
                e.kind,
                e.label.clone().unwrap_or_default(),
                e.status.as_str(),
            )
        })
        .collect();
    use PointKind::{Decision as D, Proposal as P};
    let want = [
        // `ASU tok saken til orientering.`: routine, never open.
        ("3/24", "2024-03-13", D, "1", "routine"),
        ("3/24", "2024-03-13", D, "2", "followed_up"),
        // unlabelled points (paragraphs, bullets) keep no label: none is invented
        ("6/24", "2024-03-13", D, "", "overdue"),
        ("19/24", "2024-06-19", P, "", "routine"),
        ("19/24", "2024-06-19", P, "", "placeholder"),
        ("20/24", "2024-06-19", P, "", "open"),
        ("", "2024-06-19", P, "", "routine"),
    ];
    let want: Vec<(String, &str, PointKind, String, &str)> =
        want.iter().map(|(c, d, k, l, s)| (c.to_string(), *d, *k, l.to_string(), *s)).collect();
    assert_eq!(summary, want);

    let e = &log[1];
    assert_eq!(e.responsible.as_deref(), Some("sekretariatet"));
    assert_eq!(e.deadline.as_deref(), Some("2024-05-01"));
    assert_eq!(e.case_title.as_deref(), Some("Læringspunkter fra avviksgjennomgang"));
    assert_eq!(e.follow_ups.len(), 1);
    let f = &e.follow_ups[0];
    assert_eq!(f.case.as_ref().map(|c| c.short()).as_deref(), Some("20/24"));
    assert_eq!(f.date.as_deref(), Some("2024-06-19"));
    assert_eq!(f.context, "Oppfølging sak 3/24 – læringspunkter");
    assert_eq!(e.reason.as_deref(), Some("Oppfølging sak 3/24 – læringspunkter"));
    assert_eq!(e.sources, ["papers/2024-03/asu-innkalling.docx", "papers/2024-03/asu-protokoll.docx"]);

    // Overdue relative to the newest meeting in the records (2024-06-19), not today's date.
    assert_eq!((log[2].responsible.as_deref(), log[2].deadline.as_deref()), (Some("AU"), Some("2024-05-15")));
    // Without the June papers the newest date is 2024-03-13: the deadline has not passed.
    let march: Vec<Record> = fixtures().into_iter().filter(|r| r.source.path.contains("2024-03")).collect();
    let early = log::derive(&march);
    let six = early.iter().find(|e| e.case.as_ref().is_some_and(|c| c.seq == 6)).unwrap();
    assert_eq!(six.status, LogStatus::Open);
    assert!(early.iter().all(|e| e.follow_ups.is_empty()));

    // The placeholder child is shown in the joined text; deadline of 20/24 from `i møte …`.
    assert_eq!(log[4].text, "ASU anbefaler at prosjektet:\n  – …");
    assert_eq!((log[5].responsible.as_deref(), log[5].deadline.as_deref()), (Some("AU"), Some("2024-09-11")));
}

#[test]
fn proposals_give_entries_only_for_cases_without_a_decision() {
    let log = log::derive(&fixtures());
    assert!(log
        .iter()
        .filter(|e| e.case.as_ref().is_some_and(|c| c.seq == 3 || c.seq == 6))
        .all(|e| e.kind == PointKind::Decision));
    // Without the minutes, 3/24 is logged from its proposal.
    let no_minutes: Vec<Record> =
        fixtures().into_iter().filter(|r| !r.source.path.contains("protokoll")).collect();
    let log = log::derive(&no_minutes);
    let three: Vec<_> = log.iter().filter(|e| e.case.as_ref().is_some_and(|c| c.seq == 3)).collect();
    assert_eq!(three.len(), 2);
    assert!(three.iter().all(|e| e.kind == PointKind::Proposal));
    assert_eq!(
        three.iter().map(|e| e.status).collect::<Vec<_>>(),
        [LogStatus::Routine, LogStatus::FollowedUp]
    );
}

#[test]
fn derive_does_not_depend_on_record_order() {
    let mut recs = fixtures();
    let forward = log::derive(&recs);
    recs.reverse();
    assert_eq!(log::derive(&recs), forward);
}

#[test]
fn store_log_filters_by_committee_and_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled(&dir.path().join("s.db"));
    let all = store.decision_log(&LogFilter::default()).unwrap();
    assert_eq!(all, log::derive(&fixtures()));
    let open = store.decision_log(&LogFilter { committee: None, open_only: true }).unwrap();
    // 6/24 (overdue) and 20/24; routine points are never open.
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|e| matches!(e.status, LogStatus::Open | LogStatus::Overdue)));
    assert_eq!(
        store.decision_log(&LogFilter { committee: Some("asu".into()), open_only: false }).unwrap(),
        all
    );
    assert!(store
        .decision_log(&LogFilter { committee: Some("SSU".into()), open_only: false })
        .unwrap()
        .is_empty());
    let by_name = LogFilter { committee: Some("administrativt".into()), open_only: false };
    assert_eq!(store.decision_log(&by_name).unwrap().len(), all.len());
}

#[test]
fn an_attachment_is_a_source_of_its_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut store = filled(&db);
    let mut att = fixtures().remove(3);
    att.source.path = "papers/2024-03/vedlegg-sak-6-24.docx".into();
    att.committee = fixtures()[0].committee.clone();
    att.kind = saksflyt::record::Kind::Attachment;
    att.attachment_of = Some(saksflyt::record::CaseNum { seq: 6, year: 2024, as_written: "sak 6/24".into() });
    store.put_record(&att).unwrap();
    let conn = Connection::open(&db).unwrap();
    let roles: Vec<String> = conn
        .prepare(
            "SELECT cs.role FROM case_sources cs JOIN cases c ON c.id = cs.case_id
             WHERE c.key = 'ASU 6/2024' ORDER BY cs.document_id, cs.role",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(roles, ["agenda", "case", "case", "attachment"]);
    let log = store.decision_log(&LogFilter::default()).unwrap();
    let six = log.iter().find(|e| e.case.as_ref().is_some_and(|c| c.seq == 6)).unwrap();
    assert!(six.sources.contains(&att.source.path), "{:?}", six.sources);
}

/// A record of one case with decision points, for the follow-up rules.
fn case_record(path: &str, date: &str, seq: u32, title: &str, points: &[&str]) -> Record {
    let mut r = Record::empty(saksflyt::record::Source {
        path: path.into(),
        format: saksflyt::model::Format::Text,
        sha256: "0".repeat(64),
    });
    r.committee = Some(saksflyt::record::Committee { code: Some("SSU".into()), name: "SSU".into() });
    r.meeting = Some(saksflyt::record::Meeting { date: date.into(), start: None, end: None, place: None });
    r.cases.push(saksflyt::record::Case {
        title: Some(title.into()),
        date: Some(date.into()),
        decision: points
            .iter()
            .enumerate()
            .map(|(i, t)| saksflyt::record::Point {
                label: Some(format!("{}.", i + 1)),
                text: t.to_string(),
                ..Default::default()
            })
            .collect(),
        ..saksflyt::record::Case::numbered(Some(saksflyt::record::CaseNum {
            seq,
            year: 2025,
            as_written: format!("{seq}/25"),
        }))
    });
    saksflyt::extract::followup::annotate(&mut r, &saksflyt::config::Register::default());
    r
}

#[test]
fn follow_up_is_per_point_and_a_mention_is_none() {
    let earlier = case_record(
        "a.txt",
        "2025-03-01",
        3,
        "Tilskudd",
        &[
            "SSU tar saken til orientering.",
            "SSU ber sekretariatet lage kriterier innen 01.05.2025.",
            "Tiltakene rapporterer innen 15.10.2026.",
            "SSU ber AU om å lage en plan.",
        ],
    );
    // Mentions case 3/25 only: no follow-up.
    let mention = case_record(
        "b.txt",
        "2025-06-01",
        9,
        "Orientering",
        &["Viser til sak 3/25. SSU ber AU se sakene i sammenheng."],
    );
    let log = log::derive(&[earlier.clone(), mention]);
    let three: Vec<_> = log.iter().filter(|e| e.case.as_ref().is_some_and(|c| c.seq == 3)).collect();
    assert_eq!(
        three.iter().map(|e| e.status).collect::<Vec<_>>(),
        [LogStatus::Routine, LogStatus::Overdue, LogStatus::Open, LogStatus::Open]
    );
    assert!(three.iter().all(|e| e.follow_ups.is_empty()));

    // Follows up point 2 only.
    let point = case_record(
        "c.txt",
        "2025-06-01",
        10,
        "Kriterier",
        &["SSU vedtar kriteriene, jf. vedtak i sak 3/25 punkt 2."],
    );
    let log = log::derive(&[earlier.clone(), point]);
    let three: Vec<_> = log.iter().filter(|e| e.case.as_ref().is_some_and(|c| c.seq == 3)).collect();
    assert_eq!(
        three.iter().map(|e| e.status).collect::<Vec<_>>(),
        [LogStatus::Routine, LogStatus::FollowedUp, LogStatus::Open, LogStatus::Open]
    );
    assert_eq!(three[1].reason.as_deref(), Some("SSU vedtar kriteriene, jf. vedtak i sak 3/25 punkt 2."));

    // The whole case is followed up; the point with a future deadline stays open until then.
    let whole = case_record(
        "d.txt",
        "2025-06-01",
        11,
        "Oppfølging av sak 3/25 – tilskudd",
        &["SSU godkjenner rapporten."],
    );
    let log = log::derive(&[earlier, whole]);
    let three: Vec<_> = log.iter().filter(|e| e.case.as_ref().is_some_and(|c| c.seq == 3)).collect();
    assert_eq!(
        three.iter().map(|e| e.status).collect::<Vec<_>>(),
        [LogStatus::Routine, LogStatus::FollowedUp, LogStatus::Open, LogStatus::FollowedUp]
    );
    assert_eq!(three[2].follow_ups.len(), 1, "the follow-up is shown, the status waits for the deadline");
}

#[test]
fn a_changed_register_or_extractor_makes_documents_stale() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let register = saksflyt::config::Register::default();
    let mut store = Store::open(&db).unwrap();
    store.set_register(&register);
    for r in fixtures() {
        store.put_record(&r).unwrap();
    }
    assert_eq!(store.known_documents().unwrap().len(), 4);
    // Another register: every document is stale (ingest reads them again).
    let mut other = register.clone();
    other.committees[0].names.push("Partnarskapsmøte".into());
    store.set_register(&other);
    assert!(store.known_documents().unwrap().is_empty());
    // Re-extracting gives the same records: nothing changes but the stamp.
    let before = store.records().unwrap();
    for r in fixtures() {
        assert_eq!(store.put_record(&r).unwrap(), PutOutcome::Unchanged);
    }
    assert_eq!(store.known_documents().unwrap().len(), 4);
    assert_eq!(store.records().unwrap(), before);
    // Another saksflyt: a database stamped by another extractor version is stale too.
    drop(store);
    Connection::open(&db).unwrap().execute_batch("UPDATE documents SET extractor = '0.0.0+old'").unwrap();
    let mut store = Store::open(&db).unwrap();
    store.set_register(&other);
    assert!(store.known_documents().unwrap().is_empty());
}

#[test]
fn a_version_1_database_is_migrated_and_re_extracted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v1.db");
    {
        let c = Connection::open(&db).unwrap();
        // The version-1 documents table, as an older saksflyt wrote it.
        c.execute_batch(
            "CREATE TABLE documents (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
             format TEXT NOT NULL, kind TEXT NOT NULL, language TEXT, committee_code TEXT, committee_name TEXT,
             warnings INTEGER NOT NULL, record_json TEXT NOT NULL);
             INSERT INTO documents VALUES (1, 'a.docx', 'abc', 'docx', 'other', NULL, NULL, NULL, 0, '{}');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    // Migration 1 → 2 runs only the steps after version 1; the old document has no stamp.
    let store = Store::open(&db);
    let store = match store {
        Ok(s) => s,
        Err(e) => panic!("migration failed: {e}"),
    };
    assert!(store.known_documents().unwrap().is_empty(), "an unstamped document is re-extracted");
    let v: u32 = Connection::open(&db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, saksflyt::store::schema::VERSION);
}
