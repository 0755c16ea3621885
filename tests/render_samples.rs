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

/// Least plausible advance of one character of table text, in thousandths of an em: narrower
/// than any font's average for Norwegian words (Calibri's lower-case average is about 0.47 em).
const LEAST_MILLI_EM_PER_CHAR: usize = 400;

/// The left indent of level `lvl` of numbering instance `num` in `numbering.xml`.
fn level_left(numbering: &str, num: &str, lvl: &str) -> Option<usize> {
    let num_re =
        regex::Regex::new(&format!(r#"<w:num w:numId="{num}"[^>]*>\s*<w:abstractNumId w:val="(\d+)"/>"#))
            .unwrap();
    let abs = num_re.captures(numbering)?.get(1)?.as_str().to_string();
    let start = numbering.find(&format!(r#"<w:abstractNum w:abstractNumId="{abs}""#))?;
    let body = &numbering[start..];
    let body = &body[..body.find("</w:abstractNum>")?];
    let lvl_at = body.find(&format!(r#"<w:lvl w:ilvl="{lvl}""#))?;
    let lvl_body = &body[lvl_at..];
    let lvl_body = &lvl_body[..lvl_body.find("</w:lvl>")?];
    regex::Regex::new(r#"<w:ind w:(?:left|start)="(\d+)""#)
        .unwrap()
        .captures(lvl_body)?
        .get(1)?
        .as_str()
        .parse()
        .ok()
}

/// No word (and no amount) can be broken inside a table cell of the decision log, the status
/// report or the annual report: in every single-column cell, each unbreakable piece of each
/// paragraph (split at spaces, after hyphens and slashes; a no-break space joins) fits the
/// cell's width less its margins and the paragraph's indent (its own, or its list level's), at
/// even the narrowest plausible width per character. Asserted on the XML, whatever renders it:
/// the samples hold `rehabiliteringstilbodet` in a narrow title column and
/// `kvardagsrehabilitering` in a list nested two levels deep in a decision cell.
#[test]
fn no_word_is_wider_than_its_table_cell() {
    let input = samples_input();
    let year = data::latest_year(&input.records).unwrap();
    let t = Templates::new(None).unwrap();
    let all = docs::all(&t, &input, year, false).unwrap();
    let tc_re = regex::Regex::new(r"(?s)<w:tc>(.*?)</w:tc>").unwrap();
    let w_re = regex::Regex::new(r#"<w:tcW w:w="(\d+)""#).unwrap();
    let p_re = regex::Regex::new(r"(?s)<w:p[ >](.*?)</w:p>").unwrap();
    let t_re = regex::Regex::new(r"(?s)<w:t(?: [^>]*)?>(.*?)</w:t>").unwrap();
    let own_ind = regex::Regex::new(r#"<w:ind w:(?:left|start)="(\d+)""#).unwrap();
    let num_re = regex::Regex::new(r#"<w:numPr><w:ilvl w:val="(\d+)"/><w:numId w:val="(\d+)"/>"#).unwrap();
    let sz_re = regex::Regex::new(r#"<w:sz w:val="(\d+)""#).unwrap();
    let mut checked = 0;
    let mut too_wide = Vec::new();
    for name in ["vedtakslogg.docx", "statusrapport.docx", &format!("arsrapport-{year}.docx")] {
        let d = all.iter().find(|d| d.file_name == name).unwrap();
        let xml = projection::part(&d.bytes, "word/document.xml").unwrap().unwrap();
        let numbering = projection::part(&d.bytes, "word/numbering.xml").unwrap().unwrap_or_default();
        // cell margins of the built-in tables: 80 twips each side (asserted, not assumed)
        assert!(
            xml.contains(r#"<w:left w:w="80" w:type="dxa"/>"#),
            "{name}: the tables' cell margins changed"
        );
        for tc in tc_re.captures_iter(&xml) {
            let tc = tc.get(1).unwrap().as_str();
            if tc.contains("<w:gridSpan") || tc.contains("<w:tbl>") {
                continue;
            }
            let width: usize = w_re.captures(tc).unwrap()[1].parse().unwrap();
            for p in p_re.captures_iter(tc) {
                let p = p.get(1).unwrap().as_str();
                let indent = own_ind.captures(p).map(|c| c[1].parse().unwrap()).or_else(|| {
                    let c = num_re.captures(p)?;
                    level_left(&numbering, &c[2], &c[1])
                });
                let size: usize = sz_re.captures(p).map_or(19, |c| c[1].parse().unwrap());
                let text: String = t_re.captures_iter(p).map(|c| c[1].to_string()).collect();
                let text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
                let room = width.saturating_sub(160 + indent.unwrap_or(0));
                for word in text.split([' ', '\t', '\n']).flat_map(|w| w.split_inclusive(['-', '/'])) {
                    let least = word.chars().count() * LEAST_MILLI_EM_PER_CHAR * size * 10 / 1000;
                    checked += 1;
                    if least > room {
                        too_wide.push(format!(
                            "{name}: «{word}» needs at least {least} twips, the cell has {room}"
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} words checked");
    assert!(too_wide.is_empty(), "{}", too_wide.join("\n"));
}
