//! DOCX reader: a Word package → [`Document`].
//!
//! Two stages, as in pandoc's reader: [`package`] opens the zip safely and [`xml`] parses each
//! part into a small tree (local names only, DTDs refused); then [`styles`], [`numbering`] and
//! [`body`] lower the WordprocessingML to the block model, resolving what Word computes at
//! display time — heading levels from styles, list labels from numbering.xml, merged and shaded
//! table cells. Parts are found through the package relationships (`_rels/.rels`,
//! `word/_rels/document.xml.rels`), with the conventional names as fallback, so Strict OOXML
//! and re-saved files read too. Footnotes/endnotes go to [`Document::notes`], headers and
//! footers to their own lists.
//!
//! The parts are read directly with `zip` + `quick-xml` rather than through docx-rs: docx-rs
//! computes no list labels, keeps cell shading private and has known panics (ARCHITECTURE.md).

pub mod body;
pub mod numbering;
pub mod package;
pub mod scan;
pub mod schema;
pub mod styles;
pub mod xml;

use crate::model::{Document, Format};
use crate::read::{Limits, ReadError};
use package::Package;
use schema::Part;
use std::panic::{catch_unwind, AssertUnwindSafe};
use xml::{Element, Tree};

/// Read DOCX bytes. Never panics: any panic in the code below is caught and reported as
/// [`ReadError::Internal`]; time is bounded by `limits.max_millis`.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    match catch_unwind(AssertUnwindSafe(|| read_inner(bytes, limits))) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(ReadError::Internal(format!("panic in the DOCX reader: {msg}")))
        }
    }
}

/// One relationship of a part.
struct Rel {
    kind: String,
    target: String,
}

/// Whether `bytes` is a document saksflyt generated and nobody changed since (its core
/// properties carry [`crate::util::WRITTEN_MARK`] with the digest of its main part). Only the
/// small core-properties part is read unless the mark is there. Ingest skips such files, so a
/// run never reads its own reports back as papers; `extract` on one file still reads it.
pub fn written_by_saksflyt(bytes: &[u8], limits: &Limits) -> bool {
    let Ok(mut pkg) = Package::open(bytes, limits) else { return false };
    let Ok(Some(core)) = pkg.read("docProps/core.xml") else { return false };
    let mark = crate::util::WRITTEN_MARK.as_bytes();
    if !core.windows(mark.len()).any(|w| w == mark) {
        return false;
    }
    match pkg.read("word/document.xml") {
        Ok(Some(main)) => crate::util::written_by_saksflyt(&core, &main),
        _ => false,
    }
}

fn read_inner(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let mut pkg = Package::open(bytes, limits)?;
    let started = pkg.started();
    let mut doc = Document::new(Format::Docx);

    let root_rels = parse_opt(&mut pkg, "_rels/.rels", Part::Relationships, limits, &mut doc.warnings)?;
    let main = root_rels
        .as_ref()
        .map(|r| rels(r.root(), ""))
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.kind == "officeDocument")
        .map(|r| r.target)
        .filter(|t| pkg.has(t))
        .unwrap_or_else(|| "word/document.xml".to_string());
    let Some(main_bytes) = pkg.read(&main)? else {
        return Err(ReadError::BadDocx(missing_main(&pkg)));
    };
    let document = xml::parse_part(&main_bytes, &main, Part::Main, limits, started)?;
    drop(main_bytes);

    let (dir, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
    let rels_name =
        if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
    let doc_rels = parse_opt(&mut pkg, &rels_name, Part::Relationships, limits, &mut doc.warnings)?
        .map(|r| rels(r.root(), dir))
        .unwrap_or_default();
    let target = |kind: &str, fallback: &str| -> String {
        doc_rels.iter().find(|r| r.kind == kind).map(|r| r.target.clone()).unwrap_or_else(|| {
            if dir.is_empty() {
                fallback.to_string()
            } else {
                format!("{dir}/{fallback}")
            }
        })
    };

    let styles = match parse_opt(
        &mut pkg,
        &target("styles", "styles.xml"),
        Part::Styles,
        limits,
        &mut doc.warnings,
    )? {
        Some(t) => styles::Styles::parse(t.root()),
        None => styles::Styles::default(),
    };
    let theme = match parse_opt(
        &mut pkg,
        &target("theme", "theme/theme1.xml"),
        Part::Theme,
        limits,
        &mut doc.warnings,
    )? {
        Some(t) => styles::Theme::parse(t.root()),
        None => styles::Theme::default(),
    };
    let mut numbering = match parse_opt(
        &mut pkg,
        &target("numbering", "numbering.xml"),
        Part::Numbering,
        limits,
        &mut doc.warnings,
    )? {
        Some(t) => numbering::Numbering::parse(t.root()),
        None => numbering::Numbering::default(),
    };
    numbering.resolve_style_links(&styles);

    let mut walker = body::Walker::new(&styles, &mut numbering, &theme, *limits, started);
    let Some(body_el) = document.root().child("body") else {
        return Err(ReadError::BadDocx(format!("{main} has no w:body")));
    };
    doc.blocks = walker.part(body_el)?;

    for kind in ["footnotes", "endnotes"] {
        let name = target(kind, &format!("{kind}.xml"));
        let Some(root) = parse_opt(&mut pkg, &name, Part::Notes, limits, &mut walker.warnings)? else {
            continue;
        };
        // the notes' content is lowered as one container (indices run on from note to note)
        let notes: Vec<Element<'_>> = root
            .root()
            .elements()
            .filter(|n| {
                !matches!(n.attr("type"), Some("separator" | "continuationSeparator" | "continuationNotice"))
            })
            .collect();
        let blocks = walker.parts(&notes)?;
        doc.notes.extend(blocks);
    }

    for (kind, out) in [("header", &mut doc.headers), ("footer", &mut doc.footers)] {
        let mut names: Vec<String> =
            doc_rels.iter().filter(|r| r.kind == kind).map(|r| r.target.clone()).collect();
        names.sort_by_key(|n| natural_key(n));
        names.dedup();
        for name in names {
            if let Some(root) = parse_opt(&mut pkg, &name, Part::HeaderFooter, limits, &mut walker.warnings)?
            {
                out.extend(walker.part(root.root())?);
            }
        }
    }
    doc.warnings.append(&mut walker.warnings);
    Ok(doc)
}

/// Parse an optional part. Absent → `None`; malformed → a warning and `None`; a DTD, a zip
/// bomb or the time limit → the error.
fn parse_opt(
    pkg: &mut Package<'_>,
    name: &str,
    kind: Part,
    limits: &Limits,
    warnings: &mut Vec<String>,
) -> Result<Option<Tree>, ReadError> {
    let Some(bytes) = pkg.read(name)? else { return Ok(None) };
    match xml::parse_part(&bytes, name, kind, limits, pkg.started()) {
        Ok(e) => Ok(Some(e)),
        Err(ReadError::BadDocx(m)) => {
            warnings.push(format!("{m}; part skipped"));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Relationships of a part: (type suffix such as `styles`, resolved part name). External
/// targets are skipped.
fn rels(root: Element<'_>, base_dir: &str) -> Vec<Rel> {
    let mut out = Vec::new();
    for r in root.children_named("Relationship") {
        if r.attr("TargetMode") == Some("External") {
            continue;
        }
        let (Some(kind), Some(target)) = (r.attr("Type"), r.attr("Target")) else { continue };
        let kind = kind.rsplit('/').next().unwrap_or(kind).to_string();
        out.push(Rel { kind, target: resolve(base_dir, target) });
    }
    out
}

/// Resolve a relationship target against the source part's folder (`..`, `.` and a leading `/`).
fn resolve(base_dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined;
    let path = if let Some(abs) = target.strip_prefix('/') {
        abs
    } else {
        joined = if base_dir.is_empty() { target.to_string() } else { format!("{base_dir}/{target}") };
        joined.as_str()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Sort key putting `header2.xml` before `header10.xml`.
fn natural_key(s: &str) -> (String, u64) {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let prefix: String = s.chars().filter(|c| !c.is_ascii_digit()).collect();
    (prefix, digits.parse().unwrap_or(0))
}

fn missing_main(pkg: &Package<'_>) -> String {
    let names: Vec<&str> = pkg.names().collect();
    let hint = if names.iter().any(|n| n.starts_with("xl/")) {
        " (this looks like a spreadsheet, .xlsx)"
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        " (this looks like a presentation, .pptx)"
    } else if names.contains(&"content.xml") {
        " (this looks like an OpenDocument file, .odt)"
    } else {
        ""
    };
    format!("missing word/document.xml, the main document part{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_targets() {
        let cases = [
            ("word", "styles.xml", "word/styles.xml"),
            ("word", "/word/numbering.xml", "word/numbering.xml"),
            ("word", "../customXml/item1.xml", "customXml/item1.xml"),
            ("", "word/document.xml", "word/document.xml"),
            ("word", "./theme/theme1.xml", "word/theme/theme1.xml"),
        ];
        for (base, t, want) in cases {
            assert_eq!(resolve(base, t), want, "{base} {t}");
        }
    }
}
