//! The built-in documents as Word templates. Each is written in the markup of
//! [`crate::render::markup`] (`templates/word/*.xml`, readable, with the tags as text; the words
//! that differ between bokmål and nynorsk as `[[key]]`, from `templates/word/words.toml`) and
//! turned into a `.docx` by the docx-rs writer + `package`, so the template has the documents'
//! styles, header, footer and page setup. Every built-in document is rendered from such a
//! template; `saksflyt templates export DIR` writes them for a user to edit in Word.

use super::documents::DocKind;
use super::{xml, WordTplError};
use crate::render::{docx, markup, package, Lang};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// (document, file name in a template folder, markup source).
pub const BUILTIN: &[(DocKind, &str, &str)] = &[
    (DocKind::StatusReport, "statusrapport.docx", include_str!("../../../templates/word/status-report.xml")),
    (DocKind::DecisionLog, "vedtakslogg.docx", include_str!("../../../templates/word/decision-log.xml")),
    (DocKind::AnnualReport, "arsrapport.docx", include_str!("../../../templates/word/annual-report.xml")),
    (DocKind::Evaluation, "evaluering.docx", include_str!("../../../templates/word/evaluation.xml")),
];

/// The bokmål and nynorsk words of the built-in templates (see the file's head).
pub const WORDS: &str = include_str!("../../../templates/word/words.toml");

/// `source` with every `[[key]]` replaced by the word of `lang`, looked up in the section of
/// `doc` first, then in `[common]`. An unknown key, or a key without the language, is an error.
pub fn resolve_words(doc: DocKind, source: &str, lang: Lang) -> Result<String, String> {
    let table: toml::Table = WORDS.parse().map_err(|e| format!("words.toml: {e}"))?;
    let word = |key: &str| -> Result<String, String> {
        let entry = [doc.name(), "common"]
            .iter()
            .filter_map(|s| table.get(*s).and_then(|t| t.get(key)))
            .next()
            .ok_or_else(|| format!("words.toml has no word [[{key}]] for {} or [common]", doc.name()))?;
        entry
            .get(lang.code())
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("words.toml: [[{key}]] has no {} form", lang.code()))
    };
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(i) = rest.find("[[") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let end = tail.find("]]").ok_or_else(|| format!("unclosed [[ in {}", doc.name()))?;
        let key = &tail[..end];
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("{}: [[{key}]] is not a word key", doc.name()));
        }
        out.push_str(&word(key)?);
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The built-in Word template of `kind` in `lang` (built once per process, then shared).
pub fn template(kind: DocKind, lang: Lang) -> Result<Arc<Vec<u8>>, WordTplError> {
    type Cache = Mutex<BTreeMap<(&'static str, &'static str), Arc<Vec<u8>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    let key = (kind.name(), lang.code());
    if let Some(b) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(b);
    }
    let (_, file, source) = BUILTIN.iter().find(|(k, _, _)| *k == kind).ok_or_else(|| {
        WordTplError::Package { file: kind.name().into(), message: "no built-in Word template".into() }
    })?;
    let source = resolve_words(kind, source, lang)
        .map_err(|message| WordTplError::Package { file: (*file).into(), message })?;
    let bytes = Arc::new(build(file, &source, lang)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(key, bytes.clone());
    }
    Ok(bytes)
}

/// A light grey picture standing in for the status chart in an exported template (its alt text
/// `status-chart` makes it the placeholder; size and position are the template's, and the chart
/// is drawn at its aspect ratio: 5:2, wide enough for a handful of bars).
fn placeholder_png() -> Result<Vec<u8>, String> {
    let (w, h) = (640u32, 256u32);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        let data = vec![0xE6u8; (w * h) as usize];
        writer.write_image_data(&data).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The `.docx` template of a built-in document, from its markup. The writer sizes table columns
/// by their longest words; the tags' words are not the document's, so the column widths are taken
/// from a second build of the markup with the tags removed.
pub fn build(name: &str, source: &str, lang: Lang) -> Result<Vec<u8>, WordTplError> {
    let with_tags = build_markup(name, source, lang)?;
    let plain = build_markup(name, &strip_controls(&strip_tags(source)), lang)?;
    let err = |message: String| WordTplError::Package { file: name.to_string(), message };
    let doc = |b: &[u8]| -> Result<xml::Elem, WordTplError> {
        let text = crate::render::projection::part(b, "word/document.xml")
            .map_err(|e| err(e.to_string()))?
            .ok_or_else(|| err("no word/document.xml".into()))?;
        xml::parse(&text).map_err(&err)
    };
    let mut target = doc(&with_tags)?;
    let widths = doc(&plain)?;
    let mut grids = Vec::new();
    collect_widths(&widths, &mut grids);
    let mut at = 0;
    apply_widths(&mut target, &grids, &mut at);
    merge_row_properties(&mut target);
    name_chart_placeholders(&mut target);
    super::replace_part(&with_tags, name, "word/document.xml", xml::write(&target).into_bytes())
}

/// The built-in templates' pictures are the status chart's placeholders: each gets the name
/// (Word's selection pane; LibreOffice keeps it, unlike the title) and the title `status-chart`,
/// which make it the placeholder, so its alt text (`descr`) can be a tag that describes the chart
/// in the document's words.
fn name_chart_placeholders(e: &mut xml::Elem) {
    if e.name == "wp:docPr" {
        e.set_attr("name", super::documents::STATUS_CHART);
        if e.attr("title").is_none() {
            e.set_attr("title", super::documents::STATUS_CHART);
        }
    }
    for c in e.elems_mut() {
        name_chart_placeholders(c);
    }
}

/// One `w:trPr` per row: the writer can emit two (`<w:trPr><w:cantSplit/></w:trPr><w:trPr/>`),
/// which the schema forbids; their children are joined into the first.
fn merge_row_properties(e: &mut xml::Elem) {
    if e.name == "w:tr" {
        let mut first: Option<usize> = None;
        let mut moved: Vec<xml::Node> = Vec::new();
        let mut i = 0;
        while i < e.children.len() {
            let is_pr = matches!(e.children.get(i), Some(xml::Node::Elem(c)) if c.name == "w:trPr");
            if is_pr && first.is_some() {
                if let xml::Node::Elem(c) = e.children.remove(i) {
                    moved.extend(c.children);
                }
                continue;
            }
            if is_pr {
                first = Some(i);
            }
            i += 1;
        }
        if let Some(xml::Node::Elem(pr)) = first.and_then(|f| e.children.get_mut(f)) {
            pr.children.extend(moved);
        }
    }
    for c in e.elems_mut() {
        merge_row_properties(c);
    }
}

/// The markup text without its `<control …/>` elements (for sizing columns: the writer would
/// count a control's internal marker as a word and widen its column for it).
fn strip_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<control ") {
        out.push_str(&rest[..i]);
        match rest[i..].find("/>") {
            Some(j) => rest = &rest[i + j + 2..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The markup text with every tag removed (for sizing columns).
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['{']) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let closer = if tail.starts_with("{{") {
            Some("}}")
        } else if tail.starts_with("{%") {
            Some("%}")
        } else {
            None
        };
        match closer.and_then(|c| tail.find(c).map(|j| j + c.len())) {
            Some(end) => rest = &tail[end..],
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Per table (document order): the grid column widths and each row's cell widths.
type Widths = (Vec<String>, Vec<Vec<String>>);

fn collect_widths(e: &xml::Elem, out: &mut Vec<Widths>) {
    for c in e.elems() {
        if c.name == "w:tbl" {
            let grid = c
                .child("w:tblGrid")
                .map(|g| g.elems().filter_map(|gc| gc.attr("w:w").map(str::to_string)).collect())
                .unwrap_or_default();
            let rows = c
                .elems()
                .filter(|r| r.name == "w:tr")
                .map(|r| {
                    r.elems()
                        .filter(|tc| tc.name == "w:tc")
                        .map(|tc| super::post::cell_width(tc).unwrap_or_default().to_string())
                        .collect()
                })
                .collect();
            out.push((grid, rows));
        }
        collect_widths(c, out);
    }
}

fn apply_widths(e: &mut xml::Elem, grids: &[Widths], at: &mut usize) {
    for c in e.elems_mut() {
        if c.name == "w:tbl" {
            if let Some((grid, rows)) = grids.get(*at) {
                if let Some(g) = c.child_mut("w:tblGrid") {
                    for (gc, w) in g.elems_mut().filter(|gc| gc.name == "w:gridCol").zip(grid) {
                        gc.set_attr("w:w", w);
                    }
                }
                for (r, ws) in c.elems_mut().filter(|r| r.name == "w:tr").zip(rows) {
                    for (tc, w) in r.elems_mut().filter(|tc| tc.name == "w:tc").zip(ws) {
                        if let Some(tw) = tc.child_mut("w:tcPr").and_then(|p| p.child_mut("w:tcW")) {
                            if !w.is_empty() {
                                tw.set_attr("w:w", w);
                            }
                        }
                    }
                }
            }
            *at += 1;
        }
        apply_widths(c, grids, at);
    }
}

fn build_markup(name: &str, source: &str, lang: Lang) -> Result<Vec<u8>, WordTplError> {
    let err = |message: String| WordTplError::Package { file: name.to_string(), message };
    let m = markup::parse(source).map_err(|e| err(format!("built-in markup: {e}")))?;
    let mut pictures = BTreeMap::new();
    let png = placeholder_png().map_err(|e| err(format!("placeholder picture: {e}")))?;
    pictures.insert("status".to_string(), docx::Picture { png, width_px: 640, height_px: 256 });
    let (doc, _) = docx::build(&m, &pictures);
    let props = package::CoreProps {
        title: m.title.clone(),
        subject: m.subject.clone(),
        creator: "saksflyt".into(),
        created: None,
        language: format!("{}-NO", lang.code()),
    };
    package::pack(doc.build(), &props, &markup::image_alts(&m))
        .map_err(|e| err(format!("cannot package: {e}")))
}

/// Writes every built-in Word template in `lang` into `dir` (created if missing).
pub fn export(dir: &Path, lang: Lang) -> Result<Vec<PathBuf>, WordTplError> {
    let io = |p: &Path, e: std::io::Error| WordTplError::Package {
        file: p.display().to_string(),
        message: format!("cannot write: {e}"),
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut out = Vec::new();
    for (kind, file, _) in BUILTIN {
        let bytes = template(*kind, lang)?;
        let p = dir.join(file);
        crate::util::write_atomic(&p, &bytes).map_err(|e| io(&p, e))?;
        out.push(p);
    }
    Ok(out)
}

/// The file name of `kind`'s Word template in a template folder (`vedtakslogg.docx`).
pub fn file_name(kind: DocKind) -> &'static str {
    BUILTIN.iter().find(|(k, _, _)| *k == kind).map(|(_, f, _)| *f).unwrap_or_default()
}

/// The Word template of `kind` in a template folder, when the folder has one.
pub fn find(dir: &Path, kind: DocKind) -> Option<PathBuf> {
    Some(dir.join(file_name(kind))).filter(|p| p.is_file() && !file_name(kind).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_builds_in_both_languages() {
        for (kind, file, _) in BUILTIN {
            for lang in [Lang::Nb, Lang::Nn] {
                let b = template(*kind, lang).unwrap_or_else(|e| panic!("{file} {lang:?}: {e}"));
                let doc = crate::render::projection::part(&b, "word/document.xml").unwrap().unwrap();
                assert!(!doc.contains("[["), "{file} {lang:?}: a word left unresolved");
            }
        }
    }

    #[test]
    fn words_resolve_from_the_document_then_common() {
        let nb = resolve_words(DocKind::StatusReport, "[[summary]] [[red]]", Lang::Nb).unwrap();
        let nn = resolve_words(DocKind::StatusReport, "[[summary]] [[red]]", Lang::Nn).unwrap();
        assert_eq!(nb, "Sammendrag Rød");
        assert_eq!(nn, "Samandrag Raud");
        // A document's own word is not seen from another document.
        assert!(resolve_words(DocKind::DecisionLog, "[[summary]]", Lang::Nb).is_err());
        assert!(resolve_words(DocKind::DecisionLog, "[[no such]]", Lang::Nb).is_err());
        assert!(resolve_words(DocKind::DecisionLog, "[[open_one", Lang::Nb).is_err());
        // Text without keys is untouched, also single brackets.
        assert_eq!(resolve_words(DocKind::DecisionLog, "a [b] c", Lang::Nb).unwrap(), "a [b] c");
    }

    #[test]
    fn every_word_has_both_languages() {
        let table: toml::Table = WORDS.parse().unwrap();
        for (section, t) in &table {
            for (key, v) in t.as_table().unwrap() {
                for l in ["nb", "nn"] {
                    let w = v.get(l).and_then(|w| w.as_str());
                    assert!(w.is_some(), "[{section}] {key} has no {l}");
                    let w = w.unwrap_or_default();
                    assert!(!w.contains(['\'', '{', '}']) || key == "footer", "[{section}] {key}: {w}");
                }
            }
        }
    }
}
