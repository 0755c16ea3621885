//! Helpers shared by the test binaries (`mod common;` in each that uses them).
#![allow(dead_code)]

use saksflyt::render::{Lang, ReportInput};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// `tests/fixtures/render`: hand-written records and decision log for the documents.
pub fn render_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render")
}

/// The records of `tests/fixtures/render/records.jsonl`.
pub fn fixture_records() -> Vec<saksflyt::record::Record> {
    let text = std::fs::read_to_string(render_fixtures().join("records.jsonl")).unwrap();
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The fixture records with the decision log derived from them, in `lang`.
pub fn fixture_input(lang: Lang) -> ReportInput {
    let records = fixture_records();
    let log = saksflyt::store::log::derive(&records);
    ReportInput { records, log, register: saksflyt::config::Register::default(), lang, facts: None }
}

/// A copy of the zip `docx` with entry `name` replaced by `bytes` (the other entries and their
/// order kept).
pub fn with_entry(docx: &[u8], name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let entry = f.name().to_string();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            w.start_file(entry.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(if entry == name { bytes } else { &b }).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

/// The fixture records as extraction would leave them (each plan item's first SMART hint, the
/// comment from a status cell that says more than its colour) with the fixture decision log
/// (`log.json`), in `lang`: the input of the document snapshots.
pub fn document_input(lang: Lang) -> ReportInput {
    let mut records = fixture_records();
    for r in &mut records {
        saksflyt::extract::form::complete_plans(r);
        for p in &mut r.plans {
            for it in &mut p.items {
                if it.smart_hint.is_none() {
                    it.smart_hint = Some(saksflyt::extract::plan::smart_hint(it));
                }
            }
        }
    }
    let log =
        serde_json::from_str(&std::fs::read_to_string(render_fixtures().join("log.json")).unwrap()).unwrap();
    ReportInput { records, log, register: saksflyt::config::Register::default(), lang, facts: None }
}

/// Set the value of the content control tagged `tag` in a document part: the shown text
/// becomes `value` and the placeholder flag goes, as Word writes a filled control.
pub fn fill_control(xml: &str, tag: &str, value: &str) -> String {
    let at = xml.find(&format!("w:val=\"{tag}\"")).unwrap_or_else(|| panic!("no control {tag}"));
    let start = xml[..at].rfind("<w:sdt>").unwrap();
    let end = at + xml[at..].find("</w:sdt>").unwrap();
    let sdt = &xml[start..end];
    let sdt = sdt.replace("<w:showingPlcHdr />", "").replace("<w:showingPlcHdr/>", "");
    let t0 = sdt.find("<w:t xml:space=\"preserve\">").unwrap() + "<w:t xml:space=\"preserve\">".len();
    let t1 = t0 + sdt[t0..].find("</w:t>").unwrap();
    let filled = format!("{}{}{}", &sdt[..t0], value, &sdt[t1..]);
    format!("{}{}{}", &xml[..start], filled, &xml[end..])
}

/// Copy the DOCX `docx` to `to` with one part rewritten by `edit`.
pub fn rewrite_part(docx: &Path, part: &str, edit: impl Fn(&str) -> String, to: &Path) {
    let bytes = std::fs::read(docx).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut xml = String::new();
    z.by_name(part).unwrap().read_to_string(&mut xml).unwrap();
    std::fs::write(to, with_entry(&bytes, part, edit(&xml).as_bytes())).unwrap();
}
