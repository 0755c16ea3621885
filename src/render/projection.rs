//! A readable projection of a DOCX for tests and review: document properties, header and footer
//! text, then one line per body paragraph with its style, list numbering (numId/ilvl) and text,
//! and tables row by row with cell fill colours, spans and header-row marks. Sections show their
//! orientation. Snapshots of this text are checked in under `tests/snapshots/`.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::Read;

/// A failure to open the DOCX for projection.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("not a docx zip: {0}")]
    Zip(String),
    #[error("docx part {part} is not well-formed: {message}")]
    Xml { part: String, message: String },
}

/// Reads a part of the package as text.
pub fn part(bytes: &[u8], name: &str) -> Result<Option<String>, ProjectionError> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| ProjectionError::Zip(e.to_string()))?;
    let Ok(mut f) = zip.by_name(name) else { return Ok(None) };
    let mut s = String::new();
    f.read_to_string(&mut s).map_err(|e| ProjectionError::Zip(e.to_string()))?;
    Ok(Some(s))
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.to_string())
}

#[derive(Default)]
struct Para {
    style: Option<String>,
    num: Option<(String, String)>,
    text: String,
    sect: Option<String>,
}

#[derive(Default)]
struct Cell {
    fill: Option<String>,
    span: Option<String>,
    paras: Vec<String>,
}

/// Projects the body (or a header/footer part): one line per paragraph, tables as rows.
fn project_part(xml: &str, part_name: &str) -> Result<Vec<String>, ProjectionError> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut para: Option<Para> = None;
    // Table nesting: each level holds the current row's cells and the row header flag.
    let mut tables: Vec<(Vec<Cell>, bool, Option<Cell>)> = Vec::new();
    let mut in_text = false;
    let mut in_instr = false;
    let err =
        |e: quick_xml::Error| ProjectionError::Xml { part: part_name.to_string(), message: e.to_string() };
    loop {
        let ev = r.read_event().map_err(err)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.name().as_ref() {
                    b"w:tbl" if !empty => {
                        let depth = tables.len();
                        tables.push((Vec::new(), false, None));
                        out.push(format!("{}[table]", "  ".repeat(depth)));
                    }
                    b"w:gridCol" => {
                        if let Some(line) = out.last_mut() {
                            if line.trim_start().starts_with("[table") {
                                line.push_str(&format!(" {}", attr(e, b"w:w").unwrap_or_default()));
                            }
                        }
                    }
                    b"w:tblStyle" => {
                        if let Some(line) = out.last_mut() {
                            line.push_str(&format!(" style={}", attr(e, b"w:val").unwrap_or_default()));
                        }
                    }
                    b"w:tr" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.0.clear();
                            t.1 = false;
                        }
                    }
                    b"w:tblHeader" => {
                        if let Some(t) = tables.last_mut() {
                            t.1 = true;
                        }
                    }
                    b"w:tc" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.2 = Some(Cell::default());
                        }
                    }
                    b"w:shd" => {
                        if let Some(Some(c)) = tables.last_mut().map(|t| &mut t.2) {
                            if para.is_none() {
                                c.fill = attr(e, b"w:fill");
                            }
                        }
                    }
                    b"w:gridSpan" => {
                        if let Some(Some(c)) = tables.last_mut().map(|t| &mut t.2) {
                            c.span = attr(e, b"w:val");
                        }
                    }
                    b"w:p" if !empty => para = Some(Para::default()),
                    b"w:p" => {
                        if let Some(Some(c)) = tables.last_mut().map(|t| &mut t.2) {
                            c.paras.push(String::new());
                        } else {
                            out.push(String::new());
                        }
                    }
                    b"w:pStyle" => {
                        if let Some(p) = para.as_mut() {
                            p.style = attr(e, b"w:val");
                        }
                    }
                    b"w:ilvl" => {
                        if let Some(p) = para.as_mut() {
                            let lvl = attr(e, b"w:val").unwrap_or_default();
                            p.num = Some((p.num.take().map(|n| n.0).unwrap_or_default(), lvl));
                        }
                    }
                    b"w:numId" => {
                        if let Some(p) = para.as_mut() {
                            let id = attr(e, b"w:val").unwrap_or_default();
                            p.num = Some((id, p.num.take().map(|n| n.1).unwrap_or_default()));
                        }
                    }
                    b"w:pgSz" => {
                        if let Some(p) = para.as_mut() {
                            p.sect = Some(attr(e, b"w:orient").unwrap_or_else(|| "portrait".into()));
                        } else {
                            out.push(format!(
                                "[section {}]",
                                attr(e, b"w:orient").unwrap_or_else(|| "portrait".into())
                            ));
                        }
                    }
                    b"w:t" if !empty => in_text = true,
                    b"w:instrText" if !empty => in_instr = true,
                    b"w:tab" if para.is_some() => {
                        if let Some(p) = para.as_mut() {
                            p.text.push('\t');
                        }
                    }
                    b"w:br" => {
                        if let Some(p) = para.as_mut() {
                            if attr(e, b"w:type").as_deref() == Some("page") {
                                p.text.push_str("[page break]");
                            } else {
                                p.text.push_str(" / ");
                            }
                        }
                    }
                    b"pic:cNvPr" => {
                        if let Some(p) = para.as_mut() {
                            p.text.push_str(&format!("[image {}]", attr(e, b"name").unwrap_or_default()));
                        }
                    }
                    b"wp:extent" => {
                        if let Some(p) = para.as_mut() {
                            let cx: u64 = attr(e, b"cx").and_then(|v| v.parse().ok()).unwrap_or(0);
                            let cy: u64 = attr(e, b"cy").and_then(|v| v.parse().ok()).unwrap_or(0);
                            p.text.push_str(&format!("[{}x{} mm]", cx / 36_000, cy / 36_000));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| ProjectionError::Xml {
                    part: part_name.to_string(),
                    message: e.to_string(),
                })?;
                if let Some(p) = para.as_mut() {
                    if in_text {
                        p.text.push_str(&s);
                    } else if in_instr {
                        p.text.push_str(&format!("{{{}}}", s.trim()));
                    }
                }
            }
            Event::GeneralRef(g) => {
                if let Some(p) = para.as_mut() {
                    if in_text {
                        let s = match g.decode().map(|c| c.to_string()).unwrap_or_default().as_str() {
                            "amp" => "&".to_string(),
                            "lt" => "<".to_string(),
                            "gt" => ">".to_string(),
                            "quot" => "\"".to_string(),
                            "apos" => "'".to_string(),
                            _ => g.resolve_char_ref().ok().flatten().map(String::from).unwrap_or_default(),
                        };
                        p.text.push_str(&s);
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:instrText" => in_instr = false,
                b"w:p" => {
                    if let Some(p) = para.take() {
                        let mut line = String::new();
                        if let Some(s) = &p.style {
                            line.push_str(&format!("[{s}]"));
                        }
                        if let Some((id, lvl)) = &p.num {
                            line.push_str(&format!("[num {id} lvl {lvl}]"));
                        }
                        if !p.text.is_empty() {
                            if !line.is_empty() {
                                line.push(' ');
                            }
                            line.push_str(&p.text);
                        }
                        if let Some(Some(c)) = tables.last_mut().map(|t| &mut t.2) {
                            c.paras.push(line);
                        } else {
                            if !line.is_empty() {
                                out.push(format!("{}{}", "  ".repeat(tables.len()), line));
                            }
                            if let Some(o) = p.sect {
                                out.push(format!("[section {o}]"));
                            }
                        }
                    }
                }
                b"w:tc" => {
                    if let Some(t) = tables.last_mut() {
                        if let Some(c) = t.2.take() {
                            t.0.push(c);
                        }
                    }
                }
                b"w:tr" => {
                    let depth = tables.len();
                    if let Some(t) = tables.last_mut() {
                        let cells: Vec<String> =
                            t.0.iter()
                                .map(|c| {
                                    let mut s = c
                                        .paras
                                        .iter()
                                        .filter(|p| !p.is_empty())
                                        .cloned()
                                        .collect::<Vec<_>>()
                                        .join(" ¶ ");
                                    if let Some(f) = &c.fill {
                                        s = format!("{{{f}}} {s}");
                                    }
                                    if let Some(sp) = &c.span {
                                        s = format!("{{span {sp}}} {s}");
                                    }
                                    s.trim().to_string()
                                })
                                .collect();
                        out.push(format!(
                            "{}{}| {} |",
                            "  ".repeat(depth),
                            if t.1 { "header " } else { "" },
                            cells.join(" | ")
                        ));
                    }
                }
                b"w:tbl" => {
                    tables.pop();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn core_value(core: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let Some(start) = core.find(&open) else { return String::new() };
    let rest = core.get(start..).unwrap_or_default();
    let Some(gt) = rest.find('>') else { return String::new() };
    let rest = rest.get(gt + 1..).unwrap_or_default();
    rest.split('<').next().unwrap_or_default().to_string()
}

/// The projection of a DOCX as text.
pub fn project(bytes: &[u8]) -> Result<String, ProjectionError> {
    let mut out = Vec::new();
    if let Some(core) = part(bytes, "docProps/core.xml")? {
        out.push(format!("title: {}", core_value(&core, "dc:title")));
        out.push(format!("subject: {}", core_value(&core, "dc:subject")));
        out.push(format!("created: {}", core_value(&core, "dcterms:created")));
    }
    for (label, name) in [("header", "word/header1.xml"), ("footer", "word/footer1.xml")] {
        if let Some(x) = part(bytes, name)? {
            let lines = project_part(&x, name)?;
            out.push(format!("{label}: {}", lines.join(" / ")));
        }
    }
    out.push("---".into());
    let doc = part(bytes, "word/document.xml")?
        .ok_or_else(|| ProjectionError::Zip("no word/document.xml".into()))?;
    out.extend(project_part(&doc, "word/document.xml")?);
    out.push(String::new());
    Ok(out.join("\n"))
}
