//! The FSU evaluation form as a Word template (`templates export` → `evaluering.docx`): it renders
//! the same form as the built-in path, and a user's edits in Word (a logo in the header, a column
//! removed, the heading font changed) survive `run --templates`.

mod common;

use saksflyt::render::projection;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_saksflyt"))
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn ok(mut c: Command) -> String {
    let o = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{c:?} failed: {stderr}");
    stderr
}

fn export(dir: &Path) {
    let mut c = bin();
    c.args(["templates", "export"]).arg(dir);
    ok(c);
}

fn run(templates: Option<&Path>, out: &Path) -> String {
    let mut c = bin();
    c.arg("run").arg(samples()).arg("--out").arg(out);
    if let Some(t) = templates {
        c.arg("--templates").arg(t);
    }
    ok(c)
}

fn part(docx: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|_| panic!("{}: no {name}", docx.display()))
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn forms(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("evaluering-") && n.ends_with(".docx"))
        .collect();
    v.sort();
    v
}

/// The projection without column widths (the built-in writer sizes the measures table by its
/// content, the Word template has the widths it was designed with, asserted below).
fn body(path: &Path) -> Vec<String> {
    projection::project(&std::fs::read(path).unwrap())
        .unwrap()
        .lines()
        .map(|l| match l.strip_prefix("[table] ") {
            Some(t) => format!("[table] {}", t.split(' ').next().unwrap_or_default()),
            None => l.to_string(),
        })
        .collect()
}

/// The grid column widths of each table in a document (twips).
fn grids(path: &Path) -> Vec<Vec<u32>> {
    let xml = part(path, "word/document.xml");
    xml.split("<w:tblGrid>")
        .skip(1)
        .map(|g| {
            g.split("</w:tblGrid>")
                .next()
                .unwrap()
                .split("w:w=\"")
                .skip(1)
                .map(|w| w.split('"').next().unwrap().parse().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn evaluation_form_from_the_word_template_matches_the_builtin() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t");
    export(&t);
    assert!(t.join("evaluering.docx").is_file());
    let builtin = tmp.path().join("builtin");
    run(None, &builtin);
    let word = tmp.path().join("word");
    let stderr = run(Some(&t), &word);
    assert!(stderr.contains("using Word template") && stderr.contains("evaluering.docx"), "{stderr}");
    let names = forms(&builtin);
    assert_eq!(names, ["evaluering-2025-fsu-barn.docx", "evaluering-2025-fsu-psyk.docx"]);
    assert_eq!(forms(&word), names);
    for n in &names {
        let a = body(&builtin.join(n));
        let b = body(&word.join(n));
        let only_a: Vec<&String> = a.iter().filter(|l| !b.contains(l)).collect();
        let only_b: Vec<&String> = b.iter().filter(|l| !a.contains(l)).collect();
        assert!(
            only_a.is_empty() && only_b.is_empty(),
            "{n}: built-in only:\n{only_a:#?}\nWord template only:\n{only_b:#?}"
        );
        assert_eq!(a.len(), b.len(), "{n}");
        // the content controls: same tags, same kinds, in the same order
        let tags = |p: &Path| -> Vec<String> {
            let xml = part(p, "word/document.xml");
            xml.split("<w:tag w:val=\"").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
        };
        assert_eq!(tags(&builtin.join(n)), tags(&word.join(n)), "{n}");
    }
    // the measures table has the template's widths: the measure column the widest, the SMART
    // columns narrow (the built-in writer gave the first SMART column more than the measure)
    for n in &names {
        let g = grids(&word.join(n));
        let m = g.last().unwrap();
        assert_eq!(m.len(), 11, "{g:?}");
        assert_eq!(m.iter().max(), Some(&m[1]), "{m:?}");
        assert!(m[2..7].iter().all(|w| *w < m[0]), "{m:?}");
    }
    // `saksflyt evaluation --templates` renders the same forms from the store `run` wrote
    let ev = tmp.path().join("ev");
    let mut c = bin();
    c.arg("evaluation").arg("--db").arg(word.join("saksflyt.db")).args(["--year", "2025", "--templates"]);
    c.arg(&t).arg("--out").arg(&ev);
    let stderr = ok(c);
    assert!(stderr.contains("using Word template") && stderr.contains("evaluering.docx"), "{stderr}");
    for n in &names {
        assert_eq!(std::fs::read(word.join(n)).unwrap(), std::fs::read(ev.join(n)).unwrap(), "{n}");
    }
    // byte-identical output twice
    let again = tmp.path().join("again");
    run(Some(&t), &again);
    for n in &names {
        assert_eq!(std::fs::read(word.join(n)).unwrap(), std::fs::read(again.join(n)).unwrap(), "{n}");
    }
}

/// The fixture records (`tests/fixtures/render/`), as `tests/render.rs` reads them.
fn fixture_input(lang: saksflyt::render::Lang) -> saksflyt::render::ReportInput {
    common::document_input(lang)
}

/// The built-in Word template in bokmål and nynorsk (words from `templates/word/words.toml`):
/// the exported template renders exactly the built-in form, in the language's words.
#[test]
fn builtin_evaluation_template_in_both_languages_is_the_exported_one() {
    use saksflyt::render::{docs, wordtpl, Lang, Templates};
    let t = Templates::new(None).unwrap();
    for (lang, fsu) in [(Lang::Nb, "FSU-BARN"), (Lang::Nn, "FSU-AKUTT")] {
        let input = fixture_input(lang);
        let builtin = docs::evaluation(&t, &input, 2024, fsu).unwrap();
        let dir = tempfile::tempdir().unwrap();
        wordtpl::builtin::export(dir.path(), lang).unwrap();
        let exported =
            docs::evaluation(&Templates::new(Some(dir.path())).unwrap(), &input, 2024, fsu).unwrap();
        assert_eq!(builtin.file_name, exported.file_name);
        assert!(builtin.bytes == exported.bytes, "{fsu} {lang:?}: the exported template renders differently");
        let file = dir.path().join("out.docx");
        std::fs::write(&file, &builtin.bytes).unwrap();
        let text = body(&file).join("\n");
        let (want, not) =
            if lang == Lang::Nn { ("Vel dato", "Velg dato") } else { ("Velg dato", "Vel dato") };
        assert!(text.contains(want) && !text.contains(not), "{text}");
    }
}

/// Every part of a DOCX: name → text (binary parts as bytes in `media`).
fn parts(
    path: &Path,
) -> (std::collections::BTreeMap<String, String>, std::collections::BTreeMap<String, Vec<u8>>) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let (mut text, mut media) = (std::collections::BTreeMap::new(), std::collections::BTreeMap::new());
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        match String::from_utf8(b) {
            Ok(s) => {
                text.insert(name, s);
            }
            Err(e) => {
                media.insert(name, e.into_bytes());
            }
        }
    }
    (text, media)
}

/// The measures table (the one with a "Ny status" column): its grid width in columns, each
/// row's cells' total span, and how many of its cells have a status colour.
fn measures_table(document: &str) -> (usize, Vec<usize>, usize) {
    let doc = saksflyt::render::wordtpl::xml::parse(document).unwrap();
    let mut tables = Vec::new();
    fn walk<'a>(
        e: &'a saksflyt::render::wordtpl::xml::Elem,
        out: &mut Vec<&'a saksflyt::render::wordtpl::xml::Elem>,
    ) {
        for c in e.elems() {
            if c.name == "w:tbl" {
                out.push(c);
            }
            walk(c, out);
        }
    }
    walk(&doc, &mut tables);
    let t = tables.into_iter().find(|t| t.text().contains("Ny status")).expect("the measures table");
    let grid = t.child("w:tblGrid").unwrap().elems().filter(|g| g.name == "w:gridCol").count();
    let spans = t
        .elems()
        .filter(|r| r.name == "w:tr")
        .map(|r| {
            r.elems()
                .filter(|c| c.name == "w:tc")
                .map(|c| {
                    c.child("w:tcPr")
                        .and_then(|p| p.child("w:gridSpan"))
                        .and_then(|g| g.attr("w:val"))
                        .map_or(1, |v| v.parse().unwrap())
                })
                .sum()
        })
        .collect();
    // the status fills of its cells
    let fills = saksflyt::render::wordtpl::xml::write(&{
        let mut root = saksflyt::render::wordtpl::xml::Elem::default();
        root.children.push(saksflyt::render::wordtpl::xml::Node::Elem(t.clone()));
        root
    });
    let fills = ["00B050", "FFC000", "FF0000"]
        .iter()
        .map(|f| fills.matches(&format!("w:fill=\"{f}\"")).count())
        .sum();
    (grid, spans, fills)
}

/// The "done when": `templates export t/`, a scripted edit of `t/evaluering.docx` (a logo
/// in the header, a column of the measures table removed, the heading font changed), then
/// `run samples --templates t/` writes evaluation forms that keep the logo, lose the column and
/// use the font — and still read back as forms.
#[test]
fn edited_evaluation_template_keeps_logo_loses_column_and_uses_font() {
    let has = Command::new("python3").args(["-c", "import docx"]).output().is_ok_and(|o| o.status.success());
    if !has {
        assert!(std::env::var_os("CI").is_none(), "python-docx is required under CI");
        eprintln!("skipped: python-docx not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t");
    export(&t);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordtpl");
    let logo = fixtures.join("logo.png");
    let template = t.join("evaluering.docx");
    let mut c = Command::new("python3");
    c.arg(fixtures.join("edit_evaluation.py")).arg(&template).arg(&template).arg(&logo).arg("DejaVu Serif");
    ok(c);
    let out = tmp.path().join("out");
    run(Some(&t), &out);
    let builtin = tmp.path().join("builtin");
    run(None, &builtin);
    let names = forms(&out);
    assert_eq!(names.len(), 2, "{names:?}");
    let logo_bytes = std::fs::read(&logo).unwrap();
    for n in &names {
        let (text, media) = parts(&out.join(n));
        let document = &text["word/document.xml"];
        // 1. the logo: every section's header shows a picture whose part is the logo
        let rels = &text["word/_rels/document.xml.rels"];
        let headers: Vec<&str> = rels
            .split("<Relationship ")
            .filter(|r| r.contains("relationships/header\""))
            .map(|r| r.split("Target=\"").nth(1).unwrap().split('"').next().unwrap())
            .collect();
        assert!(!headers.is_empty(), "{rels}");
        for h in &headers {
            let xml = &text[&format!("word/{h}")];
            assert!(xml.contains("<pic:pic") || xml.contains(":pic "), "{n}: {h} has no picture: {xml}");
            let hrels = &text[&format!("word/_rels/{h}.rels")];
            let target = hrels
                .split("<Relationship ")
                .find(|r| r.contains("relationships/image\""))
                .and_then(|r| r.split("Target=\"").nth(1))
                .and_then(|t| t.split('"').next())
                .unwrap_or_else(|| panic!("{n}: {h} has no image relationship: {hrels}"));
            assert_eq!(media[&format!("word/{target}")], logo_bytes, "{n}: {target}");
        }
        // the partnership's name still fills the header beside the logo
        assert!(text[&format!("word/{}", headers[0])].contains("Helse"), "{n}");
        // 2. the measures table has one column fewer, in every row, and the header text is gone
        let builtin_document = &parts(&builtin.join(n)).0["word/document.xml"];
        let (grid, spans, fills) = measures_table(document);
        let (builtin_grid, _, builtin_fills) = measures_table(builtin_document);
        assert_eq!((builtin_grid, grid), (11, 10), "{n}");
        assert!(spans.iter().all(|s| *s == 10), "{n}: {spans:?}");
        assert!(builtin_document.contains("Sist kjente status"));
        assert!(!document.contains("Sist kjente status"), "{n}");
        // its cells went too: the column held the status colours (`{% cellbg %}`), now none
        assert!(builtin_fills >= 3 && fills == 0, "{n}: {builtin_fills} → {fills}");
        // 3. the headings' style has the new font; the heading runs do not override it
        let styles = &text["word/styles.xml"];
        let h1 = styles.split("<w:style ").find(|s| s.contains("w:styleId=\"Heading1\"")).unwrap();
        assert!(h1.contains("w:ascii=\"DejaVu Serif\""), "{h1}");
        let heading = document
            .split("<w:p ")
            .chain(document.split("<w:p>"))
            .find(|p| p.contains("Tiltak i handlingsplanen</w:t>"))
            .unwrap();
        assert!(heading.contains("<w:pStyle w:val=\"Heading1\"/>"), "{heading}");
        assert!(!heading.split("</w:p>").next().unwrap().contains("w:rFonts"), "{heading}");
        // the form still reads back: its measures and their new-status column
        let o = bin().arg("extract").arg(out.join(n)).output().unwrap();
        let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let items = rec["plans"][0]["items"].as_array().map_or(0, Vec::len);
        assert!(items >= 3, "{n}: {}", rec["plans"]);
    }
}

/// The exported evaluation template re-saved by LibreOffice (`--convert-to "docx:MS Word 2007
/// XML"`) still renders a form that reads back as the same measures. LibreOffice 7 drops the
/// controls' `w:tag`/`w:alias` when it saves; the form is read by its columns, so it still
/// comes back.
#[test]
fn evaluation_template_resaved_by_libreoffice_still_renders_the_form() {
    if Command::new("soffice").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "soffice is required under CI");
        eprintln!("skipped: soffice not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t");
    export(&t);
    let lo = tmp.path().join("lo");
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", tmp.path().display());
    let mut c = Command::new("soffice");
    c.args([profile.as_str(), "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(&lo)
        .arg(t.join("evaluering.docx"));
    ok(c);
    let measures = |templates: &Path, out: &Path| -> serde_json::Value {
        let mut c = bin();
        c.arg("run").arg(samples()).arg("--out").arg(out).arg("--quiet").arg("--templates").arg(templates);
        ok(c);
        let o = bin().arg("extract").arg(out.join("evaluering-2025-fsu-psyk.docx")).output().unwrap();
        let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let items: Vec<serde_json::Value> = rec["plans"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| serde_json::json!([i["measure"], i["smart"], i["status"]]))
            .collect();
        serde_json::Value::from(items)
    };
    let a = measures(&t, &tmp.path().join("a"));
    let b = measures(&lo, &tmp.path().join("b"));
    assert!(a.as_array().unwrap().len() >= 5, "{a}");
    assert_eq!(a, b);
}

/// `templates check` on the exported form: ok; with a misspelt field in a control's tag
/// attribute, exit 1 naming the table, row, cell, paragraph, the attribute and the tag.
#[test]
fn check_names_a_misspelt_tag_in_a_control_attribute() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t");
    export(&t);
    let good = t.join("evaluering.docx");
    let check = |file: &Path| {
        bin().args(["templates", "check"]).arg(file).arg("--samples").arg(samples()).output().unwrap()
    };
    let o = check(&good);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bad = tmp.path().join("evaluering-feil.docx");
    let mut zin = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        if name == "word/document.xml" {
            let s = String::from_utf8(b).unwrap();
            assert!(s.contains("saksflyt:status:{{ it.index }}"));
            b = s.replacen("saksflyt:status:{{ it.index }}", "saksflyt:status:{{ it.indx }}", 1).into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(&b).unwrap();
    }
    zout.finish().unwrap();
    let o = check(&bad);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("evaluering-feil.docx: body, table 4, row 5, cell 9, paragraph ")
            && stderr.contains(
                "«<w:tag w:val=\"saksflyt:status:{{ it.indx }}\">»: {{ it.indx }}: unknown field indx of it — did you mean index?"
            ),
        "{stderr}"
    );
}
