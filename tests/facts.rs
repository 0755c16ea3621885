//! The store's derived facts (schema version 3, `store::facts`): they equal the in-memory
//! derivation after papers are added, changed and removed; an older store migrates and derives
//! on first use; a report's queries read only the rows of its year or committee.

use rusqlite::Connection;
use saksflyt::record::{Case, CaseNum, Committee, LogEntry, Meeting, Point, Record, Source};
use saksflyt::store::{derive, log, LogFilter, PutOutcome, Store};
use std::collections::BTreeSet;

/// Minutes of `committee` on `date` with one case `seq/yy` of decision points.
fn minutes(path: &str, committee: &str, date: &str, seq: u32, points: &[&str]) -> Record {
    let year: u32 = date[..4].parse().unwrap();
    let mut r = Record::empty(Source {
        path: path.into(),
        format: saksflyt::model::Format::Text,
        sha256: format!("{:0>64}", path.len() + points.len()),
    });
    r.kind = saksflyt::record::Kind::Minutes;
    r.committee = Some(Committee { code: Some(committee.into()), name: committee.into() });
    r.meeting = Some(Meeting { date: date.into(), start: None, end: None, place: None });
    r.cases.push(Case {
        title: Some(format!("Sak om {path}")),
        date: Some(date.into()),
        decision: points
            .iter()
            .enumerate()
            .map(|(i, t)| Point {
                label: Some(format!("{}.", i + 1)),
                text: t.to_string(),
                ..Default::default()
            })
            .collect(),
        ..Case::numbered(Some(CaseNum { seq, year, as_written: format!("{seq}/{}", year % 100) }))
    });
    saksflyt::extract::followup::annotate(&mut r, &saksflyt::config::Register::default());
    r
}

fn corpus() -> Vec<Record> {
    let mut out = Vec::new();
    for (i, year) in [2023, 2024, 2025].iter().enumerate() {
        for (j, c) in ["SSU", "ASU", "FSU-BARN"].iter().enumerate() {
            let seq = (i * 3 + j + 1) as u32;
            out.push(minutes(
                &format!("p/{c}-{year}.txt"),
                c,
                &format!("{year}-0{}-1{j}", i + 3),
                seq,
                &[
                    &format!("Sekretariatet lager en oversikt over tiltak nummer {seq} innen 01.06.{year}."),
                    &format!("Utvalget drøfter saken {seq} i neste møte."),
                ],
            ));
        }
    }
    // a later SSU case following up an earlier one
    out.push(minutes(
        "p/SSU-2025-oppfolging.txt",
        "SSU",
        "2025-11-20",
        40,
        &["Oppfølging av sak 7/25: utvalget tar orienteringen til etterretning."],
    ));
    out
}

/// The facts of `store` equal what the in-memory path derives from `records`.
fn assert_facts_match(store: &Store, records: &[Record]) {
    assert!(!store.facts_stale().unwrap());
    assert_eq!(store.log_entries(&LogFilter::default(), None).unwrap(), log::derive(records));
    assert_eq!(store.decision_log(&LogFilter::default()).unwrap(), log::derive(records));
    let facts = store.facts().unwrap();
    assert_eq!(facts.current_plans, derive::current_plans(records));
    let papers = derive::papers(records);
    assert_eq!(store.paper_count().unwrap(), papers.len() as u64);
    let want_dates: BTreeSet<String> = papers
        .iter()
        .flat_map(|r| {
            r.meeting.iter().map(|m| m.date.clone()).chain(r.cases.iter().filter_map(|c| c.date.clone()))
        })
        .collect();
    let got_dates: BTreeSet<String> = facts.dates.iter().map(|(d, _)| d.clone()).collect();
    assert_eq!(got_dates, want_dates);
}

#[test]
fn facts_follow_added_changed_and_removed_papers() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let mut records = corpus();
    for r in &records {
        assert_eq!(store.put_record(r).unwrap(), PutOutcome::Inserted);
    }
    assert!(store.facts_stale().unwrap(), "written papers make the facts stale");
    assert!(store.refresh_facts().unwrap());
    assert!(!store.refresh_facts().unwrap(), "fresh facts are not derived again");
    assert_facts_match(&store, &records);
    let before = store.log_entries(&LogFilter::default(), None).unwrap();
    assert!(before.iter().any(|e| !e.follow_ups.is_empty()), "the follow-up is linked");

    // added
    let added =
        minutes("p/ASU-2025-ny.txt", "ASU", "2025-12-01", 41, &["Leder sender brevet innen 01.02.2026."]);
    store.put_record(&added).unwrap();
    records.push(added);
    assert!(store.facts_stale().unwrap());
    store.refresh_facts().unwrap();
    assert_facts_match(&store, &records);
    assert_ne!(store.log_entries(&LogFilter::default(), None).unwrap(), before);

    // changed (same path, other content)
    let changed =
        minutes("p/ASU-2025-ny.txt", "ASU", "2025-12-02", 41, &["Leder sender to brev innen 01.03.2026."]);
    assert_eq!(store.put_record(&changed).unwrap(), PutOutcome::Replaced);
    records.retain(|r| r.source.path != changed.source.path);
    records.push(changed);
    store.refresh_facts().unwrap();
    assert_facts_match(&store, &records);

    // unchanged: the facts stay fresh
    store.put_record(&records[0]).unwrap();
    assert!(!store.facts_stale().unwrap());

    // removed (a paper no longer in the folder)
    let present: BTreeSet<String> =
        records.iter().map(|r| r.source.path.clone()).filter(|p| !p.contains("oppfolging")).collect();
    let (removed, _) = store.remove_missing(&["p".to_string()], &present).unwrap();
    assert_eq!(removed, ["p/SSU-2025-oppfolging.txt"]);
    records.retain(|r| present.contains(&r.source.path));
    assert!(store.facts_stale().unwrap());
    store.refresh_facts().unwrap();
    assert_facts_match(&store, &records);
    assert!(store.log_entries(&LogFilter::default(), None).unwrap().iter().all(|e| e.follow_ups.is_empty()));
}

#[test]
fn a_version_2_store_migrates_and_derives_on_first_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v2.db");
    let records = corpus();
    {
        let mut store = Store::open(&db).unwrap();
        for r in &records {
            store.put_record(r).unwrap();
        }
    }
    {
        // what a version-2 saksflyt left: the record tables, no facts
        let c = Connection::open(&db).unwrap();
        for v in saksflyt::store::schema::FACT_VIEWS {
            c.execute_batch(&format!("DROP VIEW {v}")).unwrap();
        }
        for t in saksflyt::store::schema::FACT_TABLES {
            c.execute_batch(&format!("DROP TABLE {t}")).unwrap();
        }
        c.execute_batch("PRAGMA user_version = 2").unwrap();
    }
    let mut store = Store::open(&db).unwrap();
    let v: u32 = Connection::open(&db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, saksflyt::store::schema::VERSION);
    assert!(store.facts_stale().unwrap(), "a migrated store derives its facts");
    // before deriving, the log still comes from the records
    assert_eq!(store.decision_log(&LogFilter::default()).unwrap(), log::derive(&records));
    assert!(store.refresh_facts().unwrap());
    assert_facts_match(&store, &records);
}

/// A version-3 store holds its decision log in the table `log_entries` (staged in `log_stage`):
/// version 4 replaces both with `log_json`, `log_order` and the view `log_entries`, and derives
/// the log again, which reads as before.
#[test]
fn a_version_3_store_migrates_its_log_and_derives_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v3.db");
    let records = corpus();
    {
        let mut store = Store::open(&db).unwrap();
        for r in &records {
            store.put_record(r).unwrap();
        }
        store.refresh_facts().unwrap();
    }
    {
        // what version 3 left: the log as a table (one stale entry in it), the facts fresh
        let c = Connection::open(&db).unwrap();
        c.execute_batch(
            "DROP VIEW log_entries; DROP TABLE log_order; DROP TABLE log_json;
             CREATE TABLE log_entries (position INTEGER PRIMARY KEY, committee_code TEXT, committee_name TEXT,
                 meeting_date TEXT, meeting_year INTEGER, oversized_only INTEGER NOT NULL, status TEXT NOT NULL,
                 entry_json TEXT NOT NULL);
             CREATE INDEX log_entries_committee ON log_entries(committee_code, committee_name);
             CREATE TABLE log_stage (id INTEGER PRIMARY KEY, committee_code TEXT, committee_name TEXT,
                 meeting_date TEXT, meeting_year INTEGER, oversized_only INTEGER NOT NULL, status TEXT NOT NULL,
                 entry_json TEXT NOT NULL);
             INSERT INTO log_entries VALUES (0, NULL, NULL, NULL, NULL, 0, 'open', '{}');
             UPDATE facts_state SET value = '0' WHERE key = 'stale';
             PRAGMA user_version = 3;",
        )
        .unwrap();
    }
    let mut store = Store::open(&db).unwrap();
    let c = Connection::open(&db).unwrap();
    let v: u32 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, saksflyt::store::schema::VERSION);
    let kind: String =
        c.query_row("SELECT type FROM sqlite_master WHERE name = 'log_entries'", [], |r| r.get(0)).unwrap();
    assert_eq!(kind, "view");
    assert!(store.facts_stale().unwrap(), "the migrated log is derived again");
    assert!(store.refresh_facts().unwrap());
    assert_facts_match(&store, &records);
    // the tally reads `log_order`'s index alone
    let plan: Vec<String> = c
        .prepare(
            "EXPLAIN QUERY PLAN SELECT committee_code, committee_name, meeting_year, status, count(*)
             FROM log_order WHERE oversized_only = 0 GROUP BY status, meeting_year, committee_code, committee_name",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(plan.iter().all(|p| !p.contains("log_json")), "{plan:?}");
    assert!(plan.iter().any(|p| p.contains("COVERING INDEX log_order_tally")), "{plan:?}");
}

/// A store of `records` with its facts derived, opened again (its parsed-rows counter at 0).
fn fresh_store(records: &[Record]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    {
        let mut store = Store::open(&db).unwrap();
        for r in records {
            store.put_record(r).unwrap();
        }
        store.refresh_facts().unwrap();
    }
    let store = Store::open(&db).unwrap();
    (dir, store)
}

#[test]
fn a_report_reads_only_the_rows_of_its_year_and_committee() {
    let records = corpus();
    let (_dir, store) = fresh_store(&records);
    assert_eq!(store.parsed_rows(), 0);
    let of_2024 = store.papers_of_year(2024).unwrap();
    let paths: Vec<&str> = of_2024.iter().map(|r| r.source.path.as_str()).collect();
    assert_eq!(paths, ["p/ASU-2024.txt", "p/FSU-BARN-2024.txt", "p/SSU-2024.txt"]);
    assert_eq!(store.parsed_rows(), 3, "only the papers of 2024 are read");

    let all = log::derive(&records);
    let asu = LogFilter { committee: Some("asu".into()), open_only: false };
    let want: Vec<_> = all.iter().filter(|e| asu.matches(e)).cloned().collect();
    assert!(!want.is_empty() && want.len() < all.len());
    let before = store.parsed_rows();
    assert_eq!(store.log_entries(&asu, None).unwrap(), want);
    assert_eq!(store.parsed_rows() - before, want.len() as u64, "only ASU's entries are read");

    let open = LogFilter { committee: None, open_only: true };
    let want: Vec<_> = all.iter().filter(|e| open.matches(e)).cloned().collect();
    let before = store.parsed_rows();
    assert_eq!(store.log_entries(&open, None).unwrap(), want);
    assert_eq!(store.parsed_rows() - before, want.len() as u64, "only open entries are read");

    let until = store.log_entries(&open, Some("2024-12-31")).unwrap();
    let want: Vec<_> =
        want.into_iter().filter(|e| e.meeting_date.as_deref().is_none_or(|d| d <= "2024-12-31")).collect();
    assert_eq!(until, want);
}

/// Minutes of three committees a year over 2018–2025, each with a point with a deadline and a
/// routine one: old closed points to summarise, recent ones to list.
fn years_corpus() -> Vec<Record> {
    let mut out = Vec::new();
    for (i, year) in (2018..=2025).enumerate() {
        for (j, c) in ["SSU", "ASU", "FSU-BARN"].iter().enumerate() {
            let seq = (i * 3 + j + 1) as u32;
            out.push(minutes(
                &format!("y/{c}-{year}.txt"),
                c,
                &format!("{year}-0{}-1{j}", j + 3),
                seq,
                &[
                    &format!("Sekretariatet lager en oversikt over tiltak nummer {seq} innen 01.06.{year}."),
                    "Utvalget tar orienteringen til etterretning.",
                    "Protokollen godkjennes.",
                ],
            ));
        }
    }
    // follow-ups close some of the early points
    for (k, year) in [2019, 2021, 2024].iter().enumerate() {
        out.push(minutes(
            &format!("y/SSU-{year}-oppfolging.txt"),
            "SSU",
            &format!("{year}-11-2{k}"),
            60 + k as u32,
            &[&format!(
                "Oppfølging av sak {}/{}: utvalget tar orienteringen til etterretning.",
                k * 9 + 1,
                (year - 1) % 100
            )],
        ));
    }
    out
}

#[test]
fn the_dashboard_reads_only_the_points_it_lists_and_counts_the_rest_in_sql() {
    use saksflyt::render::dashboard::{self, DashboardOptions};
    use saksflyt::render::{data, Lang, ReportInput};
    use saksflyt::store::facts::LogTally;
    let records = years_corpus();
    let (_dir, store) = fresh_store(&records);
    let full = store.log_entries(&LogFilter::default(), None).unwrap();
    assert_eq!(full, log::derive(&records));

    // the SQL tally equals the counts of the whole log
    let tally = store.log_tally().unwrap();
    assert_eq!(tally, LogTally::of(&full));
    assert_eq!(tally.total(), full.len() as u64);

    // the input a store-backed dashboard reads: facts, the latest year's and the plan papers
    let facts = store.facts().unwrap();
    let mut input = ReportInput {
        records: Vec::new(),
        log: Vec::new(),
        register: saksflyt::config::Register::default(),
        lang: Lang::Nb,
        facts: Some(facts),
    };
    let year = input.latest_year().unwrap();
    input.records = store.papers_of_year(year).unwrap();
    input.records.extend(store.plan_papers().unwrap());
    let old_before = dashboard::old_before(&input);
    assert_eq!(old_before, Some(2023));
    let open = full.iter().filter(|e| matches!(e.status.as_str(), "open" | "overdue")).count();
    let old_closed = full
        .iter()
        .filter(|e| !matches!(e.status.as_str(), "open" | "overdue"))
        .filter(|e| e.meeting_date.as_deref().is_some_and(|d| d < "2023"))
        .count();
    assert!(open > 0 && old_closed > 0, "open {open}, old closed {old_closed}");
    let opts = DashboardOptions { max_log_rows: open + 4, ..Default::default() };

    // what the dashboard reads of the log: the open points and the newest closed ones
    let before = store.parsed_rows();
    let part = store.dashboard_log(old_before, opts.max_log_rows).unwrap();
    assert_eq!(store.parsed_rows() - before, part.len() as u64);
    assert!(part.len() < full.len() - old_closed, "read {} of {}", part.len(), full.len());
    let part_input = ReportInput { log: part.clone(), ..input.clone() };
    let ctx = dashboard::context_with(&part_input, &opts, Some(&tally)).unwrap();
    assert_eq!(ctx.log.len(), opts.max_log_rows);
    assert_eq!(ctx.log_total, full.len());
    // read but not listed: only closed points of the oldest listed meeting date (a tie the
    // dashboard's own order decides)
    let listed_closed: Vec<Option<String>> = ctx
        .log
        .iter()
        .filter(|r| !matches!(r.entry.status, "open" | "overdue"))
        .map(|r| r.entry.date.clone())
        .collect();
    let oldest_listed = listed_closed.iter().min().cloned().unwrap();
    let read_closed: Vec<&LogEntry> =
        part.iter().filter(|e| !matches!(e.status.as_str(), "open" | "overdue")).collect();
    assert!(read_closed.len() >= listed_closed.len());
    assert!(read_closed.iter().all(|e| e.meeting_date >= oldest_listed));
    let at_cutoff = read_closed.iter().filter(|e| e.meeting_date == oldest_listed).count();
    assert!(read_closed.len() - listed_closed.len() < at_cutoff.max(1));

    // the summary: every point not listed, counted from the whole log by committee, year, status
    let full_input = ReportInput { log: full.clone(), ..input.clone() };
    let all =
        data::decision_log(&full_input, &data::DecisionLogOptions { all_bodies: true, ..Default::default() });
    let year_of =
        |d: &Option<String>| d.as_deref().and_then(saksflyt::util::parse_iso_date).map(|(y, _, _)| y);
    let mut want: std::collections::BTreeMap<(String, Option<i32>, String), i64> = Default::default();
    for e in &all.entries {
        *want
            .entry((e.committee.clone().unwrap_or_default(), year_of(&e.date), e.status.to_string()))
            .or_default() += 1;
    }
    for r in &ctx.log {
        *want
            .get_mut(&(r.entry.committee.clone().unwrap_or_default(), r.year, r.entry.status.to_string()))
            .unwrap() -= 1;
    }
    want.retain(|_, n| *n > 0);
    let got: std::collections::BTreeMap<(String, Option<i32>, String), i64> = ctx
        .log_summary
        .iter()
        .map(|s| ((s.committee.clone(), s.year, s.status.to_string()), s.count as i64))
        .collect();
    assert_eq!(got, want);
    assert!(got.keys().any(|(_, y, _)| y.is_some_and(|y| y < 2023)), "old history summarised");

    // the page equals the one made from the whole log in memory
    assert_eq!(
        dashboard::render_with(&part_input, &opts, Some(&tally)).unwrap(),
        dashboard::render(&full_input, &opts).unwrap()
    );
}

/// `decision-log --committee X` reads only the entries of the committees the document's own rule
/// picks (code, the name as written, or the register's name: `strategisk` is SSU only by the
/// register), and its context equals the one made from the whole log.
#[test]
fn a_committees_decision_log_reads_only_that_committees_entries() {
    use saksflyt::render::{data, DecisionLogOptions, Lang, ReportInput};
    let records = corpus();
    let (_dir, store) = fresh_store(&records);
    let register = saksflyt::config::Register::default();
    let whole = ReportInput {
        records: Vec::new(),
        log: store.log_entries(&LogFilter::default(), None).unwrap(),
        register: register.clone(),
        lang: Lang::Nb,
        facts: Some(store.facts().unwrap()),
    };
    for (wanted, open) in [("strategisk", false), ("strategisk", true), ("FSU-BARN", false), ("asu", true)] {
        let keep = data::committee_filter(&whole, wanted);
        let before = store.parsed_rows();
        let part = store.log_entries_of(open, &keep).unwrap();
        let read = store.parsed_rows() - before;
        let want: Vec<_> = whole
            .log
            .iter()
            .filter(|e| e.committee.as_ref().is_some_and(&keep))
            .filter(|e| {
                !open
                    || matches!(
                        e.status,
                        saksflyt::record::LogStatus::Open | saksflyt::record::LogStatus::Overdue
                    )
            })
            .cloned()
            .collect();
        assert!(!part.is_empty() && part.len() < whole.log.len(), "{wanted}");
        assert_eq!(part, want, "{wanted}");
        assert_eq!(read, part.len() as u64, "{wanted}: only its entries are parsed");
        let opts = DecisionLogOptions { committee: Some(wanted.into()), open, ..Default::default() };
        let from_part = ReportInput { log: part, ..whole.clone() };
        let a = serde_json::to_string(&data::decision_log(&whole, &opts)).unwrap();
        let b = serde_json::to_string(&data::decision_log(&from_part, &opts)).unwrap();
        assert_eq!(a, b, "{wanted}: the same document context");
    }
}

/// What a document lists of the decision log is counted in SQL without parsing an entry
/// (`Store::listed_count`, `Store::listed_texts`: the early refusal of a document too large to
/// write), and the count is exactly what the document's own context lists: the decision log
/// (all, open, one committee, a body outside the register), the status report's and the annual
/// report's open points.
#[test]
fn the_entries_a_document_lists_are_counted_in_sql() {
    use saksflyt::render::wordtpl::word_text;
    use saksflyt::render::{data, docs, DecisionLogOptions, Lang, ReportInput, StatusOptions};
    use saksflyt::store::facts::Listed;
    let mut records = corpus();
    // a body outside the register: the partnership's documents leave it out unless named
    let mut other = minutes(
        "p/styret-2025.txt",
        "SSU",
        "2025-05-02",
        9,
        &["Styret ber daglig leder lage en plan innen 01.09.2025 & mer."],
    );
    other.committee = Some(Committee { code: None, name: "Styret i Foreningen".into() });
    records.push(other);
    let (_dir, store) = fresh_store(&records);
    let whole = ReportInput {
        records: Vec::new(),
        log: store.log_entries(&LogFilter::default(), None).unwrap(),
        register: saksflyt::config::Register::default(),
        lang: Lang::Nb,
        facts: Some(store.facts().unwrap()),
    };
    let words = |entries: &[data::LogCtx]| -> u64 {
        entries
            .iter()
            .map(|e| (word_text(e.title.as_deref().unwrap_or("")).len() + word_text(&e.head).len()) as u64)
            .sum()
    };
    let measure = |listed: &Listed<'_>| -> (u64, u64) {
        let before = store.parsed_rows();
        let n = store.listed_count(listed).unwrap();
        let mut w = 0;
        store.listed_texts(listed, &mut |t, x| w += docs::listed_text_bytes(t, x)).unwrap();
        assert_eq!(store.parsed_rows(), before, "no entry parsed");
        (n, w)
    };
    // the decision log: all of the register's bodies, open ones, one committee, the other body
    for (committee, open) in
        [(None, false), (None, true), (Some("ssu"), false), (Some("asu"), true), (Some("Styret"), false)]
    {
        let opts =
            DecisionLogOptions { committee: committee.map(str::to_string), open, ..Default::default() };
        let ctx = data::decision_log(&whole, &opts);
        let keep = committee.map(|c| data::committee_filter(&whole, c));
        let listed = Listed {
            open_only: open,
            until: None,
            registered_only: committee.is_none(),
            keep: keep.as_ref().map(|k| k as &dyn Fn(&Committee) -> bool),
        };
        assert!(!ctx.entries.is_empty(), "{committee:?} {open}");
        assert_eq!(measure(&listed), (ctx.entries.len() as u64, words(&ctx.entries)), "{committee:?} {open}");
    }
    let all = Listed { registered_only: true, ..Default::default() };
    assert!(
        store.listed_count(&all).unwrap() < whole.log.len() as u64,
        "the other body's entries are left out"
    );
    // the status report's open points (all, one committee) and the annual report's
    for committee in [None, Some("FSU-BARN")] {
        let ctx = data::status_report(
            &whole,
            &StatusOptions { committee: committee.map(str::to_string), plan: None },
        );
        let keep = committee.map(|c| data::committee_filter(&whole, c));
        let listed = Listed {
            open_only: true,
            registered_only: true,
            keep: keep.as_ref().map(|k| k as &dyn Fn(&Committee) -> bool),
            ..Default::default()
        };
        assert!(!ctx.open.is_empty());
        assert_eq!(measure(&listed), (ctx.open.len() as u64, words(&ctx.open)), "{committee:?}");
    }
    for year in [2023, 2024, 2025] {
        let ctx = data::annual_report(&whole, year);
        let end = format!("{year}-12-31");
        let listed = Listed { open_only: true, until: Some(&end), registered_only: true, keep: None };
        assert_eq!(measure(&listed), (ctx.open.len() as u64, words(&ctx.open)), "{year}");
    }
}
