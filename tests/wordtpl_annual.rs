//! Word templates, issue 13 continued: decision points as the template's own numbered list
//! (`{% li %}` + `outline`), the annual report as a Word template, and the status chart drawn at
//! its placeholder's aspect ratio.

mod common;

use saksflyt::render::wordtpl::{self, xml, Images};
use serde_json::json;
use std::io::{Read, Write};

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A decimal list (`1.`, `a)`) as abstract 7, used by instance 1 (and by the `ListNumber` style).
fn numbering(level0_format: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {NS}><w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{level0_format}"/><w:lvlText w:val="%1."/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="–"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num></w:numbering>"#
    )
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="MyList"><w:name w:val="My List"/><w:basedOn w:val="ListNumber"/></w:style></w:styles>"#;

/// A DOCX with a body, numbering and styles.
fn docx(body: &str, numbering: Option<&str>) -> Vec<u8> {
    let mut ct = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    );
    let mut parts: Vec<(String, String)> = Vec::new();
    if let Some(n) = numbering {
        ct.push_str(r#"<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>"#);
        rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>"#);
        parts.push(("word/numbering.xml".into(), n.to_string()));
    }
    ct.push_str("</Types>");
    rels.push_str("</Relationships>");
    parts.push(("[Content_Types].xml".into(), ct));
    parts.push(("_rels/.rels".into(), r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.into()));
    parts.push(("word/_rels/document.xml.rels".into(), rels));
    parts.push(("word/styles.xml".into(), STYLES.into()));
    parts.push((
        "word/document.xml".into(),
        format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#),
    ));
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, text) in &parts {
            z.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn part(docx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("no part {name}"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

fn pr(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// A paragraph with its own numbering (instance 1, level 0) holding `text`.
fn numbered(text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
    )
}

/// A paragraph in style `style` (numbering from the style) holding `text`.
fn styled(style: &str, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
    )
}

/// The body's paragraphs as `text [numId/ilvl]`.
fn listed(docx: &[u8]) -> Vec<String> {
    let doc = xml::parse(&part(docx, "word/document.xml")).unwrap();
    let body = doc.elems().next().and_then(|d| d.child("w:body")).unwrap();
    let mut out = Vec::new();
    paragraphs(body, &mut out);
    out
}

fn paragraphs(e: &xml::Elem, out: &mut Vec<String>) {
    for c in e.elems() {
        if c.name == "w:p" {
            let num = c.child("w:pPr").and_then(|p| p.child("w:numPr"));
            let get =
                |n: &str| num.and_then(|x| x.child(n)).and_then(|x| x.attr("w:val")).map(str::to_string);
            let mut s = c.text();
            if let (Some(id), Some(l)) = (get("w:numId"), get("w:ilvl")) {
                s.push_str(&format!(" [{id}/{l}]"));
            }
            out.push(s);
        } else {
            paragraphs(c, out);
        }
    }
}

fn cases() -> serde_json::Value {
    json!({"cases": [
        {"title": "Sak 1/25", "decision": [
            {"label": "1.", "text": "Første", "children": [
                {"label": "a)", "text": "Første a", "children": []},
                {"label": "b)", "text": "Første b", "children": []}]},
            {"label": "2.", "text": "Andre", "children": [
                {"label": null, "text": "kulepunkt", "children": []}]},
            {"label": "3.", "text": "Tredje", "children": []}]},
        {"title": "Sak 2/25", "decision": [
            {"label": null, "text": "Følgende innspill gis:", "lead_in": true, "children": []},
            {"label": "1.", "text": "Eneste", "children": []}]}
    ]})
}

fn list_template(item: &str) -> Vec<u8> {
    let body = [
        pr("{%p for c in cases %}"),
        pr("{{ c.title }}"),
        pr("{%p for pt in c.decision | outline %}"),
        pr("{%p if pt.lead_in %}"),
        pr("{{ pt.text }}"),
        pr("{%p elif pt.numbered %}"),
        item.to_string(),
        pr("{%p else %}"),
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            "{% li pt.depth %}{{ pt.text }}"
        ),
        pr("{%p endif %}"),
        pr("{%p endfor %}"),
        pr("{%p endfor %}"),
    ]
    .concat();
    docx(&body, Some(&numbering("decimal")))
}

/// Points at their levels, numbering restarted per case with a new `w:num` (start overrides),
/// the label not written, bullets kept on the template's bullet list, lead-ins as paragraphs.
#[test]
fn list_items_take_levels_and_restart_per_case() {
    let t = list_template(&numbered("{% li pt.depth %}{{ pt.text }}"));
    let out = wordtpl::render(&t, "liste.docx", &cases(), &Images::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        listed(&out),
        [
            "Sak 1/25",
            "Første [3/0]",
            "Første a [3/1]",
            "Første b [3/1]",
            "Andre [3/0]",
            "kulepunkt [2/1]",
            "Tredje [3/0]",
            "Sak 2/25",
            "Følgende innspill gis:",
            "Eneste [4/0]",
        ]
    );
    let n = part(&out, "word/numbering.xml");
    for id in ["3", "4"] {
        let want = format!(
            r#"<w:num w:numId="{id}"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride><w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#
        );
        assert!(n.contains(&want), "{n}");
    }
    // the template's own definitions are untouched, the new instances come after the old ones
    assert!(
        n.contains(r#"<w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num><w:num w:numId="3">"#),
        "{n}"
    );
    assert!(n.ends_with("</w:num></w:numbering>"), "{n}");
    // no marker left, and the same input gives the same bytes
    assert!(!part(&out, "word/document.xml").contains("saksflyt-li"));
    assert_eq!(out, wordtpl::render(&t, "liste.docx", &cases(), &Images::new()).unwrap());
}

/// Numbering that comes from the paragraph's style (List Number, or a style based on it), in a
/// format the user chose (upper roman): the list keeps the format and restarts per case.
#[test]
fn list_style_changed_by_the_user_is_kept() {
    let t = list_template(&styled("MyList", "{% li pt.depth %}{{ pt.text }}"));
    let n = numbering("upperRoman");
    // the user's format in the template's numbering part
    let t = common::with_entry(&t, "word/numbering.xml", n.as_bytes());
    let out = wordtpl::render(&t, "liste.docx", &cases(), &Images::new()).unwrap_or_else(|e| panic!("{e}"));
    let got = listed(&out);
    assert_eq!(got[1], "Første [3/0]");
    assert_eq!(got[2], "Første a [3/1]");
    assert_eq!(got[9], "Eneste [4/0]");
    let numbering = part(&out, "word/numbering.xml");
    // the abstract definition (the user's upper roman) is the template's, unchanged
    assert!(numbering.contains(r#"<w:numFmt w:val="upperRoman"/>"#), "{numbering}");
    assert!(numbering.contains(r#"<w:num w:numId="4"><w:abstractNumId w:val="7"/>"#), "{numbering}");
    // the style stays on the paragraph
    assert!(part(&out, "word/document.xml")
        .contains(r#"<w:pStyle w:val="MyList"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>"#));
}

/// `li` in a paragraph without numbering is an error at the tag; a level that is not a number
/// too.
#[test]
fn list_tag_errors_are_located() {
    let body = [
        pr("{%p for pt in cases[0].decision | outline %}"),
        pr("{% li pt.depth %}{{ pt.text }}"),
        pr("{%p endfor %}"),
    ]
    .concat();
    let err = wordtpl::render(&docx(&body, Some(&numbering("decimal"))), "a.docx", &cases(), &Images::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("body, paragraph 2")
            && err.contains("{% li pt.depth %}")
            && err.contains("list numbering"),
        "{err}"
    );
    let body = [
        pr("{%p for pt in cases[0].decision | outline %}"),
        numbered("{% li pt.text %}{{ pt.text }}"),
        pr("{%p endfor %}"),
    ]
    .concat();
    let err = wordtpl::render(&docx(&body, Some(&numbering("decimal"))), "b.docx", &cases(), &Images::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("{% li pt.text %}") && err.contains("whole number from 0 to 8"), "{err}");
}

fn fixture_input(lang: saksflyt::render::Lang) -> saksflyt::render::ReportInput {
    common::fixture_input(lang)
}

/// A projection compared across writers: list instance ids renumbered in order of first use
/// (each writer allocates its own), and the status chart's line without its size (a Word
/// template's placeholder decides the box; see `chart_fills_its_placeholder_box`).
fn comparable(projection: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let re = regex::Regex::new(r"\[num (\d+) lvl").unwrap();
    projection
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let l = re
                .replace_all(l, |c: &regex::Captures| {
                    let id = c[1].to_string();
                    let k = ids.iter().position(|x| *x == id).unwrap_or_else(|| {
                        ids.push(id);
                        ids.len() - 1
                    });
                    format!("[list {k} lvl")
                })
                .to_string();
            if l.contains("[image") {
                "[chart]".to_string()
            } else {
                l
            }
        })
        .collect()
}

fn annual_from_export(dir: &std::path::Path, input: &saksflyt::render::ReportInput, year: i32) -> Vec<u8> {
    let t = saksflyt::render::Templates::new(Some(dir)).unwrap();
    saksflyt::render::docs::annual_report(&t, input, year).unwrap_or_else(|e| panic!("{e}")).bytes
}

/// The exported annual report template renders the built-in annual report's projection: every
/// paragraph with its style, every table row with fills and list numbering (levels, one list per
/// case), section orientation, document properties.
#[test]
fn exported_annual_report_renders_like_the_builtin() {
    use saksflyt::render::{docs, projection, Lang, Templates};
    let input = fixture_input(Lang::Nb);
    let dir = tempfile::tempdir().unwrap();
    let written = wordtpl::builtin::export(dir.path(), saksflyt::render::Lang::Nb).unwrap();
    assert!(written.contains(&dir.path().join("arsrapport.docx")));
    for year in [2024, 2025] {
        let builtin = docs::annual_report(&Templates::new(None).unwrap(), &input, year).unwrap();
        let from_word = annual_from_export(dir.path(), &input, year);
        let a = comparable(&projection::project(&builtin.bytes).unwrap());
        let b = comparable(&projection::project(&from_word).unwrap());
        let diff: Vec<String> = a
            .iter()
            .zip(b.iter().chain(std::iter::repeat(&String::new())))
            .filter(|(x, y)| x != y)
            .map(|(x, y)| format!("built-in: {x}\nWord:     {y}"))
            .collect();
        assert!(
            diff.is_empty() && a.len() == b.len(),
            "{year}:\n{}\n(built-in {} lines, Word {})",
            diff.join("\n"),
            a.len(),
            b.len()
        );
    }
}

/// The exported annual report template re-saved by LibreOffice (`--convert-to "docx:MS Word 2007
/// XML"`) renders the same text, table rows, fills and list levels.
#[test]
fn annual_report_template_resaved_by_libreoffice_renders_the_same() {
    use saksflyt::render::{projection, Lang};
    if std::process::Command::new("soffice").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "soffice is required under CI");
        eprintln!("skipped: soffice not installed");
        return;
    }
    let input = fixture_input(Lang::Nb);
    let dir = tempfile::tempdir().unwrap();
    wordtpl::builtin::export(dir.path(), saksflyt::render::Lang::Nb).unwrap();
    let outdir = dir.path().join("lo");
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.path().display());
    let st = std::process::Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(&outdir)
        .arg(dir.path().join("arsrapport.docx"))
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let a = comparable(&projection::project(&annual_from_export(dir.path(), &input, 2024)).unwrap());
    let b = comparable(&projection::project(&annual_from_export(&outdir, &input, 2024)).unwrap());
    // LibreOffice rounds column widths its own way and stores field results (page numbers)
    let loose = |v: Vec<String>| -> Vec<String> {
        let re = regex::Regex::new(r"(\{(PAGE|NUMPAGES)\})\d+").unwrap();
        v.into_iter()
            .map(|l| {
                if l.starts_with("[table]") {
                    "[table]".to_string()
                } else {
                    re.replace_all(&l, "$1").to_string()
                }
            })
            .collect()
    };
    let (a, b) = (loose(a), loose(b));
    // the chart found its placeholder in the re-saved template too, with its alt text
    let resaved = annual_from_export(&outdir, &input, 2024);
    let (ext, px) = placed_chart(&resaved);
    assert!(same_aspect(ext, px), "box {ext:?}, picture {px:?}");
    assert!(part(&resaved, "word/document.xml")
        .contains("per faglig samarbeidsutvalg: FSU Barn og unge, FSU Rehabilitering."));
    assert!(a.iter().any(|l| l.contains("[list 1 lvl 0] ASU slutter seg til forslaget")), "{a:#?}");
    assert!(a.contains(&"[section landscape]".to_string()), "{a:#?}");
    assert_eq!(a, b);
}

/// Width and height of a PNG (its IHDR).
fn png_size(png: &[u8]) -> (u64, u64) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let be = |b: &[u8]| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    (be(&png[16..20]), be(&png[20..24]))
}

/// The chart placed in a rendered document: its box (`wp:extent`) and its PNG's pixel size.
fn placed_chart(docx: &[u8]) -> ((u64, u64), (u64, u64)) {
    let doc = part(docx, "word/document.xml");
    let at = doc.find("rIdSaksflytImage").expect("a placed chart");
    let drawing = &doc[..at];
    let ext = &drawing[drawing.rfind("<wp:extent").expect("extent")..];
    let num = |key: &str| -> u64 {
        let i = ext.find(key).unwrap() + key.len();
        ext[i..].split('"').next().unwrap().parse().unwrap()
    };
    let (cx, cy) = (num("cx=\""), num("cy=\""));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut png = Vec::new();
    z.by_name("word/media/saksflyt-document-status-chart.png").unwrap().read_to_end(&mut png).unwrap();
    ((cx, cy), png_size(&png))
}

fn same_aspect((cx, cy): (u64, u64), (w, h): (u64, u64)) -> bool {
    let (a, b) = (cx as f64 / cy as f64, w as f64 / h as f64);
    (a - b).abs() / a < 0.005
}

/// The status chart is drawn at its placeholder's aspect ratio: the built-in box (5:2) and a box
/// the user made tall and narrow in Word both get a picture of their own shape, never a
/// stretched one.
#[test]
fn chart_fills_its_placeholder_box() {
    use saksflyt::render::{docs, Lang, Templates};
    let input = fixture_input(Lang::Nb);
    let doc = docs::annual_report(&Templates::new(None).unwrap(), &input, 2024).unwrap().bytes;
    let (ext, px) = placed_chart(&doc);
    assert!(same_aspect(ext, px), "box {ext:?}, picture {px:?}");
    assert_eq!(ext.0 * 2, ext.1 * 5, "the built-in box is 5:2: {ext:?}");
    // its alt text describes it in the document's words
    assert!(
        part(&doc, "word/document.xml").contains(r#"descr="Liggende stolpediagram over status for tiltak (grønn, gul, rød) per faglig samarbeidsutvalg: FSU Barn og unge, FSU Rehabilitering. Totalt: 3 grønne, 2 gule, 1 rød." id="1" name="status-chart" title="status-chart""#),
        "{}",
        part(&doc, "word/document.xml")
    );
    // the user resizes the placeholder in Word to 80 × 120 mm (both the frame and the picture)
    let dir = tempfile::tempdir().unwrap();
    wordtpl::builtin::export(dir.path(), Lang::Nb).unwrap();
    let path = dir.path().join("arsrapport.docx");
    let template = std::fs::read(&path).unwrap();
    let body = part(&template, "word/document.xml");
    let (cx, cy) = (80 * 36_000u64, 120 * 36_000u64);
    let re = regex::Regex::new(r#"(<wp:extent|<a:ext) cx="\d+" cy="\d+""#).unwrap();
    assert_eq!(re.find_iter(&body).count(), 2, "one placeholder: frame and picture");
    let body = re.replace_all(&body, format!(r#"$1 cx="{cx}" cy="{cy}""#).as_str()).to_string();
    std::fs::write(&path, common::with_entry(&template, "word/document.xml", body.as_bytes())).unwrap();
    let doc = annual_from_export(dir.path(), &input, 2024);
    let (ext, px) = placed_chart(&doc);
    assert_eq!(ext, (cx, cy), "the template's box is kept");
    assert!(same_aspect(ext, px), "box {ext:?}, picture {px:?}");
    assert!(px.1 > px.0, "a tall picture for a tall box: {px:?}");
}

/// `{% cellbg %}` with a value that gives no colour keeps the shading the cell has in the
/// template; a status colour replaces it; a cell without shading stays without.
#[test]
fn cellbg_without_colour_keeps_the_template_shading() {
    let cell = |shd: &str, text: &str| {
        format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/>{shd}<w:vAlign w:val="top"/></w:tcPr>{}</w:tc>"#,
            pr(text)
        )
    };
    let grey = r#"<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>"#;
    let body = format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid><w:tr>{}{}{}</w:tr></w:tbl>"#,
        cell(grey, "{% cellbg 'ukjent' %}a"),
        cell(grey, "{% cellbg 'green' %}b"),
        cell("", "{% cellbg 'ukjent' %}c")
    );
    let out = wordtpl::render(&docx(&body, None), "c.docx", &json!({}), &Images::new()).unwrap();
    let doc = part(&out, "word/document.xml");
    let cells: Vec<&str> = doc.split("<w:tc>").skip(1).collect();
    assert!(cells[0].contains(r#"<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/><w:vAlign"#), "{doc}");
    assert!(cells[1].contains(r#"w:fill="00B050""#) && !cells[1].contains("D9D9D9"), "{doc}");
    assert!(!cells[2].contains("<w:shd"), "{doc}");
    assert!(!doc.contains("saksflyt-"), "{doc}");
}

/// Broken or odd numbering parts never panic: an instance without its definition, a definition
/// without levels, an unparsable part, none at all — the render succeeds (the paragraph keeps the
/// instance it names) or fails with a located error.
#[test]
fn odd_numbering_parts_never_panic() {
    let t = |n: Option<&str>| {
        let body = [
            pr("{%p for pt in cases[0].decision | outline %}"),
            numbered("{% li pt.depth %}{{ pt.text }}"),
            pr("{%p endfor %}"),
        ]
        .concat();
        wordtpl::render(&docx(&body, n), "n.docx", &cases(), &Images::new())
    };
    let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
    let cases_ = [
        Some(format!(
            r#"{head}<w:numbering {NS}><w:num w:numId="1"><w:abstractNumId w:val="99"/></w:num></w:numbering>"#
        )),
        Some(format!(
            r#"{head}<w:numbering {NS}><w:abstractNum w:abstractNumId="7"/><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num></w:numbering>"#
        )),
        Some(format!(r#"{head}<w:numbering {NS}><w:num w:numId="x"/></w:numbering>"#)),
        Some("<w:numbering".to_string()),
        Some(String::new()),
        None,
    ];
    for n in &cases_ {
        match t(n.as_deref()) {
            Ok(out) => {
                let got = listed(&out);
                assert!(
                    got.iter().any(|l| l.starts_with("Første a [") && l.ends_with("/1]")),
                    "{n:?}: {got:?}"
                );
            }
            Err(e) => panic!("{n:?}: {e}"),
        }
    }
}

/// `saksflyt annual-report --templates DIR` renders from the folder's edited `arsrapport.docx`.
#[test]
fn cli_annual_report_uses_the_edited_word_template() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("maler");
    let bin = env!("CARGO_BIN_EXE_saksflyt");
    let out = std::process::Command::new(bin).args(["templates", "export"]).arg(&t).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("arsrapport.docx"));
    let path = t.join("arsrapport.docx");
    let template = std::fs::read(&path).unwrap();
    let body = part(&template, "word/document.xml");
    assert!(body.contains(">1 Møter</w:t>"), "{body}");
    let body = body.replacen(">1 Møter</w:t>", ">1 Møter i utvalgene</w:t>", 1);
    std::fs::write(&path, common::with_entry(&template, "word/document.xml", body.as_bytes())).unwrap();
    let records =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render/records.jsonl");
    let result = dir.path().join("arsrapport.docx");
    let out = std::process::Command::new(bin)
        .args(["annual-report", "--year", "2024", "--records"])
        .arg(&records)
        .arg("--templates")
        .arg(&t)
        .arg("--out")
        .arg(&result)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("using Word template"));
    let doc = part(&std::fs::read(&result).unwrap(), "word/document.xml");
    assert!(
        doc.contains(">1 Møter i utvalgene</w:t>") && doc.contains("Strategisk samarbeidsutvalg"),
        "{doc}"
    );
    assert!(part(&std::fs::read(&result).unwrap(), "docProps/core.xml")
        .contains("<dc:title>Årsrapport 2024</dc:title>"));
}

/// A numbered list interrupted by a bullet at the same level goes on counting: one list, one
/// instance.
#[test]
fn a_bullet_between_numbered_items_does_not_restart_the_count() {
    let body = [
        pr("{%p for it in items %}"),
        pr("{%p if it.k == 'n' %}"),
        numbered("{% li 0 %}{{ it.t }}"),
        pr("{%p else %}"),
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>{% li 0 %}{{ it.t }}</w:t></w:r></w:p>"#.to_string(),
        pr("{%p endif %}"),
        pr("{%p endfor %}"),
    ]
    .concat();
    let ctx = json!({"items": [{"k": "n", "t": "A"}, {"k": "b", "t": "merknad"}, {"k": "n", "t": "C"}]});
    let out =
        wordtpl::render(&docx(&body, Some(&numbering("decimal"))), "l.docx", &ctx, &Images::new()).unwrap();
    assert_eq!(listed(&out), ["A [3/0]", "merknad [2/0]", "C [3/0]"]);
}
