//! Golden tests for extraction.
//!
//! - `tests/fixtures/extract/<case>/input.txt` (invented papers modelled on real layouts) →
//!   `expected.json`, the whole record;
//! - every sample in `samples/` (DOCX and text) → `tests/fixtures/samples/<name>.json`, the
//!   record with `source` normalised; both forms must give that same record (parity);
//! - the seeds in `../shared/seeds/` (skipped when absent): DOCX and text give the same record,
//!   up to the differences listed in [`normalise_seed`].
//!
//! `UPDATE_GOLDEN=1` rewrites the expected files (review the diff before committing).

use saksflyt::config::Register;
use saksflyt::read::{read_bytes, Limits};
use saksflyt::record::{Record, Source};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A missing `../shared` skips a test on a developer's machine, and fails it under CI.
fn absent(what: &str) {
    assert!(std::env::var_os("CI").is_none(), "{what} is absent: under CI it must be there");
    eprintln!("skipped: {what} is absent");
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn record(path: &Path) -> Record {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc =
        read_bytes(path, &bytes, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rel = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    let source = Source { path: rel, format: doc.format, sha256: saksflyt::util::sha256_hex(&bytes) };
    saksflyt::extract::extract(&doc, source, &Register::default())
}

/// The record as JSON with `source` replaced by a fixed value and the positions (`at`) removed:
/// both differ between the forms of one paper. Positions are checked on their own
/// (`positions_point_at_the_line_they_were_read_from`).
fn normalised(r: &Record) -> Value {
    let mut v = serde_json::to_value(r).expect("record serialises");
    v["source"] = Value::String("<normalised>".into());
    strip_at(&mut v);
    v
}

fn strip_at(v: &mut Value) {
    match v {
        Value::Object(o) => {
            o.remove("at");
            o.values_mut().for_each(strip_at);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_at),
        _ => {}
    }
}

fn check_golden(got: &Value, expected: &Path, failures: &mut Vec<String>) {
    let text = serde_json::to_string_pretty(got).expect("serialises") + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(expected, &text).expect("golden written");
        return;
    }
    let want = std::fs::read_to_string(expected).unwrap_or_default();
    if want != text {
        failures.push(format!("{} differs:\n{text}", expected.display()));
    }
}

#[test]
fn extract_fixtures_match_golden_records() {
    let dir = root().join("tests/fixtures/extract");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.txt").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "expected at least seven extract fixtures");
    let mut failures = Vec::new();
    for case in cases {
        let r = record(&case.join("input.txt"));
        check_golden(&normalised(&r), &case.join("expected.json"), &mut failures);
    }
    assert!(failures.is_empty(), "UPDATE_GOLDEN=1 to accept:\n{}", failures.join("\n"));
}

fn samples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("samples"))
        .expect("samples folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| root().join("samples").join(format!("{n}.txt")).is_file())
        .collect();
    names.sort();
    names
}

#[test]
fn samples_match_golden_records_in_both_forms() {
    let names = samples();
    assert!(names.len() >= 8, "expected the samples, found {names:?}");
    let out = root().join("tests/fixtures/samples");
    std::fs::create_dir_all(&out).expect("folder");
    let mut failures = Vec::new();
    for n in &names {
        // the golden file holds the DOCX record (with cell fills); the text form must give the
        // same record once fills are set aside (see `without_fills`)
        let docx = normalised(&record(&root().join(format!("samples/{n}.docx"))));
        check_golden(&docx, &out.join(format!("{n}.json")), &mut failures);
        let mut text = normalised(&record(&root().join(format!("samples/{n}.txt"))));
        let mut want = docx.clone();
        without_fills(&mut text);
        without_fills(&mut want);
        if text != want {
            failures.push(format!("{n}: the text form differs from the DOCX golden record"));
        }
    }
    assert!(failures.is_empty(), "UPDATE_GOLDEN=1 to accept:\n{}", failures.join("\n"));
}

/// The justified differences between a sample's DOCX and text forms:
/// - a text file cannot shade cells, so `tables[].header[].fill` and `tables[].rows[][].fill` are
///   null in the text form (plan item status still agrees: the text form names the colour);
/// - a text form saved in Windows-1252 carries the reader's warning `not UTF-8: decoded as
///   Windows-1252` (the LSU Kristiansund minutes are, on purpose).
fn without_fills(v: &mut Value) {
    if let Some(w) = v.get_mut("warnings").and_then(Value::as_array_mut) {
        w.retain(|x| x.as_str() != Some("not UTF-8: decoded as Windows-1252"));
    }
    if let Some(tables) = v.get_mut("tables").and_then(Value::as_array_mut) {
        for t in tables {
            for c in t.get_mut("header").and_then(Value::as_array_mut).into_iter().flatten() {
                c["fill"] = Value::Null;
            }
            for row in t.get_mut("rows").and_then(Value::as_array_mut).into_iter().flatten() {
                for c in row.as_array_mut().into_iter().flatten() {
                    c["fill"] = Value::Null;
                }
            }
        }
    }
}

#[test]
fn samples_docx_and_text_give_the_same_record() {
    for n in samples() {
        let mut a = normalised(&record(&root().join(format!("samples/{n}.txt"))));
        let mut b = normalised(&record(&root().join(format!("samples/{n}.docx"))));
        without_fills(&mut a);
        without_fills(&mut b);
        assert_eq!(a, b, "{n}: DOCX and text records differ");
    }
}

/// Known, justified differences between a seed's DOCX and text forms, all made by the converter
/// that produced the DOCX (pandoc from the text), not by saksflyt:
/// - pandoc's smart typography turns `'` into `’`, `"` into `“`/`”` and `...` into `…`;
/// - the seed's `tabs2pipe.py` collapses `//` in a URL inside a table cell to ` / `.
fn normalise_seed(v: &mut Value) {
    match v {
        Value::String(s) => {
            *s = s
                .replace('’', "'")
                .replace(['“', '”'], "\"")
                .replace('…', "...")
                .replace("https: / ", "https://");
        }
        Value::Array(a) => a.iter_mut().for_each(normalise_seed),
        Value::Object(o) => o.values_mut().for_each(normalise_seed),
        _ => {}
    }
}

#[test]
fn seeds_docx_and_text_give_the_same_record() {
    let seeds = root().join("../shared/seeds");
    if !seeds.is_dir() {
        absent("../shared/seeds");
        return;
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .expect("seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && p.with_extension("docx").is_file())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for txt in names {
        let mut a = normalised(&record(&txt));
        let mut b = normalised(&record(&txt.with_extension("docx")));
        normalise_seed(&mut a);
        normalise_seed(&mut b);
        assert_eq!(a, b, "{}: DOCX and text records differ", txt.display());
    }
}

#[test]
fn extract_cli_prints_json_lines_and_reports_failures() {
    let bin = env!("CARGO_BIN_EXE_saksflyt");
    let a = root().join("tests/fixtures/extract/nynorsk_framlegg/input.txt");
    let b = root().join("tests/fixtures/extract/attachment_grants/input.txt");
    let out = std::process::Command::new(bin)
        .arg("extract")
        .arg(&a)
        .arg("no-such-file.txt")
        .arg(&b)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one JSON line per readable file: {stdout}");
    for l in &lines {
        let v: Value = serde_json::from_str(l).expect("each line is JSON");
        assert_eq!(v["schema_version"], saksflyt::record::SCHEMA_VERSION);
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-such-file.txt"), "stderr names the file: {stderr}");
    let one = std::process::Command::new(bin).arg("extract").arg(&a).output().expect("runs");
    assert!(one.status.success());
    let v: Value = serde_json::from_slice(&one.stdout).expect("one pretty JSON object");
    assert_eq!(v["cases"][0]["number"]["seq"], 4);
    assert_eq!(v["source"]["path"], a.display().to_string());
}

/// Facts the samples' README states, checked independently of the golden files.
#[test]
fn sample_facts_hold() {
    let r = record(&root().join("samples/ssu-innkalling-2025-09-10.docx"));
    let m = r.meeting.as_ref().expect("meeting");
    assert_eq!(
        (m.date.as_str(), m.start.as_deref(), m.end.as_deref()),
        ("2025-09-10", Some("09:00"), Some("14:30"))
    );
    assert_eq!(r.agenda.len(), 11);
    assert_eq!(r.agenda.iter().filter(|a| a.case.is_some()).count(), 8);
    assert_eq!(r.cases.len(), 8);
    assert_eq!(r.cases.iter().filter(|c| !c.proposal.is_empty()).count(), 7);
    assert!(r.cases.iter().flat_map(|c| &c.proposal).flat_map(|p| &p.children).any(|p| p.placeholder));

    let r = record(&root().join("samples/ssu-protokoll-2025-11-12.txt"));
    assert_eq!(r.kind, saksflyt::record::Kind::Minutes);
    assert_eq!(r.cases.len(), 5);
    assert_eq!(r.cases.iter().filter(|c| !c.decision.is_empty()).count(), 4);
    let c24 = r.cases.iter().find(|c| c.number.as_ref().is_some_and(|n| n.seq == 24)).expect("24/25");
    assert_eq!((c24.proposal.len(), c24.decision.len()), (2, 3));

    for (name, want) in [
        ("fsu-barn-unge-handlingsplan-2025", [2, 3, 2]),
        ("fsu-psykisk-helse-rus-handlingsplan-2025", [2, 2, 1]),
    ] {
        let r = record(&root().join(format!("samples/{name}.docx")));
        let items: Vec<_> = r.plans.iter().flat_map(|p| &p.items).collect();
        let count = |s| items.iter().filter(|i| i.status == Some(s)).count();
        use saksflyt::record::Status::*;
        assert_eq!([count(Green), count(Yellow), count(Red)], want, "{name}");
    }

    let r = record(&root().join("samples/vedlegg-tilskudd-sak-17-25.docx"));
    assert_eq!(r.kind, saksflyt::record::Kind::Attachment);
    let amounts: Vec<i64> = r.tables.iter().flat_map(|t| &t.rows).flatten().filter_map(|c| c.nok).collect();
    for a in [250_000, 1_200_000, 1_500_000, 180_000, 320_000, 3_450_000] {
        assert!(amounts.contains(&a), "amount {a} missing from {amounts:?}");
    }
}

/// Extraction never panics: odd text built here, and every robustness DOCX in `../shared/robust/`
/// that the reader accepts (skipped when `../shared` is absent).
#[test]
fn extract_survives_odd_input() {
    let odd = [
        "",
        "\t\t\t\n\t",
        "Sak: 99999999999999999999/24\nSak 0/00\nPS 1/1\n§ 6-2",
        "Kl.\tSaksnr.\tSaker\tTid\n25.99-99.99\t1/24\t<ul><li>\tx\n",
        "Forslag til vedtak\n\n-\n -\n  -\n1.\na.\ni.\n**\n*",
        "Møtedato: 31.02.2024 kl. 99.99 – 25.61\nVedtak:\n- İstanbul İİ\n",
        "Tid\tSak\tTittel\tMin\n\t1/24\tA\t4294967295\n\t2/24\tB\t4294967295\n",
        "Vedlegg til sak 1/24\nMål\tTiltak\tStatus\n\t\t#zz\n",
    ];
    for text in odd {
        let doc = saksflyt::read::text::parse(text);
        let source = Source { path: "odd.txt".into(), format: doc.format, sha256: String::new() };
        let mut meeting = "Møtedato: 02.05.2025 kl 09.00\n".to_string();
        meeting.push_str(text);
        let _ = saksflyt::extract::extract(&doc, source.clone(), &Register::default());
        let doc = saksflyt::read::text::parse(&meeting);
        let _ = saksflyt::extract::extract(&doc, source, &Register::default());
    }
    let robust = root().join("../shared/robust/docx");
    let Ok(entries) = std::fs::read_dir(&robust) else {
        absent("../shared/robust");
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let Ok(bytes) = std::fs::read(&p) else { continue };
        if let Ok(doc) = read_bytes(&p, &bytes, &Limits::default()) {
            let source = Source { path: p.display().to_string(), format: doc.format, sha256: String::new() };
            let r = saksflyt::extract::extract(&doc, source, &Register::default());
            assert_eq!(r.schema_version, saksflyt::record::SCHEMA_VERSION);
        }
    }
}

/// Each invented layout-class fixture gives the facts its class is about (the golden files hold
/// the whole record; this states what the class must show, so a regression names the class).
#[test]
fn layout_classes_give_their_facts() {
    let dir = root().join("tests/fixtures/extract");
    let rec = |name: &str| record(&dir.join(name).join("input.txt"));
    let committee = |r: &Record| r.committee.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let votes = |r: &Record| -> Vec<(Option<u32>, Option<u32>, bool)> {
        r.cases.iter().flat_map(|c| c.votes.iter().map(|v| (v.for_, v.against, v.unanimous))).collect()
    };
    let texts = |ps: &[saksflyt::record::Point]| ps.iter().map(|p| p.text.clone()).collect::<Vec<_>>();

    // a protocol's treatment line names the deciding body (outside the register); `1.Tekst`
    // labels; bullets under a numbered point; a plain vote counts 0 against
    let r = rec("protocol_treatment_line");
    assert_eq!(committee(&r), "Hovedutval for helse og omsorg");
    let c = &r.cases[0];
    assert_eq!(c.title, None, "a protocol case has no title line below its treatment line");
    assert_eq!(c.decision.len(), 2);
    assert_eq!(c.decision[1].children.len(), 2);
    assert_eq!(votes(&r), vec![(Some(9), Some(0), false)]);

    // alternatives set against each other: the innstilling is the proposal, the adopted
    // alternative's count is `for`
    let r = rec("protocol_alternative_vote");
    let c = &r.cases[0];
    assert_eq!(c.proposal.len(), 2, "{:?}", texts(&c.proposal));
    assert!(c.decision[0].text.contains("250 000"));
    assert_eq!(votes(&r), vec![(Some(6), Some(3), false)]);

    // a case-route table printed as lines; an unnumbered saksframlegg with fields, title,
    // a numbered attachment list, a lead-in and ➢ bullets that drift
    let r = rec("saksframlegg_route_flattened");
    assert_eq!(committee(&r), "Eldrerådet");
    let c = &r.cases[0];
    assert_eq!(c.number, None);
    assert_eq!(c.title.as_deref(), Some("Innspill til helse- og omsorgsplan 2027"));
    assert_eq!(c.officers, vec!["Ola Berg"]);
    assert_eq!(c.archive_ref.as_deref(), Some("2026/311"));
    assert_eq!(c.attachments, vec!["Utkast til helse- og omsorgsplan 2027"]);
    assert!(c.proposal[0].lead_in);
    assert_eq!(c.proposal.len(), 3);
    assert_eq!(c.proposal[1].children.len(), 2);
    assert_eq!(c.proposal[2].children.len(), 2, "drifting bullets are siblings");

    // a long title line followed directly by an attachment list printed without its heading
    // (`1 Saksprotokoll …`): the numbered line is not a wrapped part of the title
    let r = rec("saksframlegg_unlabelled_attachments");
    let c = &r.cases[0];
    assert_eq!(
        c.title.as_deref(),
        Some("Søknad om fritak fra verv som medlem av eldrerådet for perioden 01.02.2026-31.07.2026 - Per Hansen")
    );
    assert_eq!(c.proposal.len(), 1);

    // a protocol header (marker, then the body's name), nynorsk treatment line, time field,
    // unanimous vote
    let r = rec("protocol_marker_body_nn");
    assert_eq!(committee(&r), "Kontrollutvalet");
    let m = r.meeting.as_ref().expect("meeting");
    assert_eq!(
        (m.date.as_str(), m.start.as_deref(), m.end.as_deref()),
        ("2026-02-18", Some("09:00"), Some("11:30"))
    );
    assert_eq!(r.cases.len(), 2);
    assert_eq!(votes(&r), vec![(None, None, true)]);

    // an action plan written as headings with bullets inside a case paper, in nynorsk, for a
    // body outside the register
    let r = rec("plan_inside_case_paper");
    assert_eq!(r.kind, saksflyt::record::Kind::CasePaper);
    assert_eq!(committee(&r), "Lokalt samarbeidsutval Sunnhordland");
    let p = r.plans.first().expect("a plan inside the case paper");
    assert_eq!(p.items.len(), 4);
    assert_eq!(p.items[2].goal.as_deref(), Some("Betre kosthald blant eldre"));

    // a route table with several rows: the first row gives committee, date and case number
    let r = rec("route_table_rows");
    assert_eq!(committee(&r), "Hovedutvalg for oppvekst");
    let c = &r.cases[0];
    assert_eq!(c.number.as_ref().map(|n| n.key()).as_deref(), Some("14/2026"));
    assert_eq!(c.date.as_deref(), Some("2026-03-12"));

    // a protocol as a case system prints it (issue 17): label/value pairs side by side in the
    // header, `NNN/YY: Title` headers as plain paragraphs, nynorsk `si innstilling`, route
    // headings (`16.03.2026 Kommunestyret`) over each body's treatment, decision labels with the
    // body's code and the case number (`KS- 013/26 Vedtak:`), an earlier body's treatment and
    // decision quoted below (not this meeting's), a second point indented deeper, an adoption
    // lead-in, a closing note in parentheses, a date inside a title, amounts in points
    let r = rec("protocol_route_headings_nn");
    assert_eq!(committee(&r), "Kommunestyret");
    let m = r.meeting.as_ref().expect("meeting from the label/value grid");
    assert_eq!((m.date.as_str(), m.start.as_deref()), ("2026-03-16", Some("18:00")));
    let nums: Vec<String> = r.cases.iter().filter_map(|c| c.number.as_ref().map(|n| n.key())).collect();
    assert_eq!(nums, vec!["12/2026", "13/2026", "14/2026"]);
    assert!(
        r.cases.iter().all(|c| c.date.as_deref() == Some("2026-03-16")),
        "the meeting's date, not the title's"
    );
    let c = &r.cases[1];
    assert_eq!(c.title.as_deref(), Some("Tilskot til lag og organisasjonar i kommunen"));
    assert_eq!(texts(&c.proposal).len(), 2, "the note in parentheses is no point: {:?}", texts(&c.proposal));
    assert_eq!(c.proposal[1].label.as_deref(), Some("2."), "2. is a sibling of 1. whatever its indent");
    assert_eq!(c.proposal[0].amounts.iter().map(|a| a.nok).collect::<Vec<_>>(), vec![40_000]);
    assert_eq!(texts(&c.decision).len(), 2, "the adoption lead-in is a vote: {:?}", texts(&c.decision));
    assert_eq!(c.decision[0].amounts.iter().map(|a| a.nok).collect::<Vec<_>>(), vec![60_000]);
    let v: Vec<_> = c.votes.iter().map(|v| (v.for_, v.against, v.unanimous)).collect();
    assert_eq!(
        v,
        vec![(Some(11), Some(6), false), (None, None, true)],
        "the formannskap's 5-2 is not this meeting's"
    );

    // a partnership's case paper from another region: a letterhead and a marker line carrying
    // the case number above the title, labels without colons (`Utval Partnarskapsmøtet`,
    // `Møtedato 12.03.2026`), two pairs on one line, `Vedlegg (t):`
    let r = rec("casepaper_letterhead_marker_nn");
    let c = &r.cases[0];
    assert_eq!(c.number.as_ref().map(|n| n.key()).as_deref(), Some("7/2026"));
    assert_eq!(c.title.as_deref(), Some("Felles handlingsplan for barn og unge 2026–2027"));
    assert_eq!(c.committee.as_ref().and_then(|c| c.code.as_deref()), Some("PM"));
    assert_eq!(c.date.as_deref(), Some("2026-03-12"));
    assert_eq!(c.officers, vec!["Kari Li"]);
    assert_eq!(c.archive_ref.as_deref(), Some("25/1234"));
    assert_eq!(c.attachments.len(), 2);
    assert_eq!(c.proposal.len(), 2);

    // a body outside the register named on the first line, the meeting date in a sentence, a
    // decision label with its adoption (`Vedtak, samrøystes;`)
    let r = rec("protocol_body_first_line_nn");
    assert_eq!(committee(&r), "Helse- og sosialutvalet");
    let m = r.meeting.as_ref().expect("meeting from the sentence");
    assert_eq!((m.date.as_str(), m.start.as_deref()), ("2026-03-04", Some("10:00")));
    let c = &r.cases[0];
    assert_eq!(texts(&c.decision), vec!["Utvalet løyver kr 25 000 til frivilligsentralen for 2026."]);
    assert_eq!(votes(&r), vec![(None, None, true)]);

    // --- issue 17, classes 3, 8, 9 (case lists, references, text reader joins) ---
    let agenda = |r: &Record| -> Vec<(String, String)> {
        r.agenda
            .iter()
            .map(|a| (a.case.as_ref().map(|n| n.key()).unwrap_or_default(), a.title.clone()))
            .collect()
    };
    let pairs =
        |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    // a saksliste without times: zero-padded numbers, an archive-number column, wrapped titles;
    // a table of contents with year-first `PS 26/031` numbers keeps no page numbers
    let r = rec("case_list_lines");
    assert_eq!(
        agenda(&r),
        pairs(&[
            ("21/2026", "Godkjenning av innkalling og saksliste"),
            ("22/2026", "Revidert plan for samarbeid om legevakt og øyeblikkeleg hjelp"),
            ("23/2026", "Orientering om dagtilbod for personar med demens"),
            ("24/2026", "Eventuelt"),
            ("31/2026", "Referatsaker"),
            ("32/2026", "Tertialrapport 1 for 2026"),
            ("33/2026", "Orienteringssaker"),
        ])
    );
    assert_eq!(r.kind, saksflyt::record::Kind::MeetingInvitation);
    let titles: Vec<_> = r.cases.iter().filter_map(|c| c.title.clone()).collect();
    assert_eq!(titles, vec!["Referatsaker", "Tertialrapport 1 for 2026", "Orienteringssaker"]);

    // references with a body's prefix or a compound case word; a year-less `sak 1` and an
    // archive case are no references
    let r = rec("references_body_prefix");
    let refs: Vec<String> = r.cases[0].references.iter().map(|x| x.number.key()).collect();
    assert_eq!(refs, vec!["142/2025", "18/2026", "118/2025", "12/2025", "31/2025"]);

    // a `Forfall:` line ending on `og`, then `Sak NN/YY` rows: each row its own line (three
    // agenda rows); pipe-delimited rows are a table
    let r = rec("text_rows_not_joined");
    assert_eq!(
        agenda(&r),
        pairs(&[
            ("40/2026", "Godkjenning av innkalling"),
            ("41/2026", "Kjøp av tenester frå nabokommunen"),
            ("42/2026", "Tertialrapport"),
        ])
    );
    let t = r.tables.first().expect("the pipe rows as a table");
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1][1].text, "rådgjevar");

    // a handlingsdel written as prose inside a case paper: a lead-in naming measures opens a list
    // without a goal, area headings give goals
    let r = rec("plan_prose_lead_in");
    let p = r.plans.first().expect("a plan written as prose");
    let items: Vec<(Option<&str>, &str)> =
        p.items.iter().map(|i| (i.goal.as_deref(), i.measure.as_str())).collect();
    assert_eq!(items.len(), 5, "{items:?}");
    assert_eq!(items[0], (None, "Felles kurs for tilsette i skule og barnevern"));
    assert_eq!(items[3], (Some("Tidleg innsats"), "Oppfølgingsteam i kvar kommune"));
    assert_eq!(items[4].0, Some("Samarbeid med frivillige"));
}

/// Every position a record carries points at the block the value was read from: a point's or
/// plan item's text appears in its block (all samples, all three forms).
#[test]
fn positions_point_at_the_line_they_were_read_from() {
    use saksflyt::model::Block;
    for n in samples() {
        for ext in ["txt", "docx", "pdf"] {
            let path = root().join(format!("samples/{n}.{ext}"));
            let bytes = std::fs::read(&path).expect("sample");
            let doc = read_bytes(&path, &bytes, &Limits::default()).expect("read");
            let source = Source { path: n.clone(), format: doc.format, sha256: String::new() };
            let r = saksflyt::extract::extract(&doc, source, &Register::default());
            let block_text = |at: Option<saksflyt::record::At>| -> String {
                let b = at.and_then(|a| doc.blocks.get(a.block as usize)).expect("a position in range");
                match b {
                    Block::Table(t) => t
                        .rows
                        .iter()
                        .flat_map(|r| r.cells.iter().map(|c| c.text()))
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => b.text().unwrap_or_default().to_string(),
                }
            };
            let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            fn all(ps: &[saksflyt::record::Point], out: &mut Vec<saksflyt::record::Point>) {
                for p in ps {
                    out.push(p.clone());
                    all(&p.children, out);
                }
            }
            for c in &r.cases {
                assert!(c.at.is_some(), "{n}.{ext}: a case without a position");
                let mut ps = Vec::new();
                all(&c.proposal, &mut ps);
                all(&c.decision, &mut ps);
                for p in ps.iter().filter(|p| !p.placeholder) {
                    let head: String = fold(&p.text).chars().take(25).collect();
                    assert!(fold(&block_text(p.at)).contains(&head), "{n}.{ext}: {head:?} not in its block");
                }
                for v in &c.votes {
                    assert!(
                        fold(&block_text(v.at)).contains(&fold(&v.text).chars().take(20).collect::<String>())
                    );
                }
            }
            for p in &r.plans {
                for i in &p.items {
                    let head: String = fold(&i.measure).chars().take(20).collect();
                    assert!(fold(&block_text(i.at)).contains(&head), "{n}.{ext}: {head:?} not in its block");
                }
            }
        }
    }
}
