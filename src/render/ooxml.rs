//! Schema-order repair for the WordprocessingML parts docx-rs writes. docx-rs emits several
//! property elements out of the order the OOXML schema prescribes (`w:pStyle` after `w:rPr`,
//! `w:tblStyle` last, `w:shd` after `w:vAlign`, header references after `w:pgSz` …), puts
//! `w:rPr` where the schema has none, writes `w:type` on `w:gridCol` and a duplicate `Normal`
//! style. Word tolerates much of it, strict validators do not. This pass re-sorts the children
//! of the affected containers by the schema sequence (stable: unknown children keep their
//! order, after the known ones), drops the invalid pieces, and leaves text and attributes
//! byte-for-byte as they were.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Schema sequences (CT_PPrBase, CT_RPr, CT_TblPr, CT_TcPr, CT_Style, CT_SectPr, CT_NumPr,
/// CT_Lvl, CT_Settings — the parts that matter here).
/// The schema order of the children of property element `container` (`w:pPr`, `w:tcPr`, …).
pub(crate) fn order(container: &str) -> Option<&'static [&'static str]> {
    Some(match container {
        "w:pPr" => &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:framePr",
            "w:widowControl",
            "w:numPr",
            "w:suppressLineNumbers",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        ],
        "w:rPr" => &[
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:caps",
            "w:smallCaps",
            "w:strike",
            "w:dstrike",
            "w:outline",
            "w:shadow",
            "w:emboss",
            "w:imprint",
            "w:noProof",
            "w:snapToGrid",
            "w:vanish",
            "w:webHidden",
            "w:color",
            "w:spacing",
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
        ],
        "w:tblPr" => &[
            "w:tblStyle",
            "w:tblpPr",
            "w:tblOverlap",
            "w:bidiVisual",
            "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize",
            "w:tblW",
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
            "w:tblCaption",
            "w:tblDescription",
        ],
        "w:tcPr" => &[
            "w:cnfStyle",
            "w:tcW",
            "w:gridSpan",
            "w:hMerge",
            "w:vMerge",
            "w:tcBorders",
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
        ],
        "w:style" => &[
            "w:name",
            "w:aliases",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:autoRedefine",
            "w:hidden",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:locked",
            "w:personal",
            "w:personalCompose",
            "w:personalReply",
            "w:rsid",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:trPr",
            "w:tcPr",
            "w:tblStylePr",
        ],
        "w:sectPr" => &[
            "w:headerReference",
            "w:footerReference",
            "w:footnotePr",
            "w:endnotePr",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:paperSrc",
            "w:pgBorders",
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        ],
        "w:numPr" => &["w:ilvl", "w:numId", "w:numberingChange", "w:ins"],
        "w:lvl" => &[
            "w:start",
            "w:numFmt",
            "w:lvlRestart",
            "w:pStyle",
            "w:isLgl",
            "w:suff",
            "w:lvlText",
            "w:lvlPicBulletId",
            "w:legacy",
            "w:lvlJc",
            "w:pPr",
            "w:rPr",
        ],
        "w:settings" => &[
            "w:writeProtection",
            "w:view",
            "w:zoom",
            "w:removePersonalInformation",
            "w:removeDateAndTime",
            "w:doNotDisplayPageBoundaries",
            "w:displayBackgroundShape",
            "w:mirrorMargins",
            "w:gutterAtTop",
            "w:hideSpellingErrors",
            "w:hideGrammaticalErrors",
            "w:proofState",
            "w:trackRevisions",
            "w:documentProtection",
            "w:defaultTabStop",
            "w:autoHyphenation",
            "w:evenAndOddHeaders",
            "w:characterSpacingControl",
            "w:footnotePr",
            "w:endnotePr",
            "w:compat",
            "w:docVars",
            "w:rsids",
        ],
        _ => return None,
    })
}

#[derive(Debug)]
enum Node {
    Elem(Elem),
    /// Text, references, comments: already escaped, written back as they were.
    Raw(String),
}

#[derive(Debug)]
struct Elem {
    name: String,
    /// The raw attribute text after the name (with its leading space).
    attrs: String,
    children: Vec<Node>,
}

fn parse(xml: &str) -> Option<(String, Vec<Node>)> {
    let mut r = Reader::from_str(xml);
    r.config_mut().trim_text(false);
    let mut prolog = String::new();
    let mut stack: Vec<Elem> = vec![Elem { name: String::new(), attrs: String::new(), children: vec![] }];
    loop {
        let ev = r.read_event().ok()?;
        match ev {
            Event::Decl(d) => prolog.push_str(&format!("<?{}?>", String::from_utf8_lossy(&d))),
            Event::Start(e) => stack.push(Elem {
                name: String::from_utf8_lossy(e.name().as_ref()).to_string(),
                attrs: String::from_utf8_lossy(e.attributes_raw()).to_string(),
                children: vec![],
            }),
            Event::Empty(e) => {
                let el = Elem {
                    name: String::from_utf8_lossy(e.name().as_ref()).to_string(),
                    attrs: String::from_utf8_lossy(e.attributes_raw()).to_string(),
                    children: vec![],
                };
                stack.last_mut()?.children.push(Node::Elem(el));
            }
            Event::End(_) => {
                let el = stack.pop()?;
                stack.last_mut()?.children.push(Node::Elem(el));
            }
            Event::Text(t) => {
                stack.last_mut()?.children.push(Node::Raw(String::from_utf8_lossy(&t).to_string()))
            }
            Event::GeneralRef(g) => {
                stack.last_mut()?.children.push(Node::Raw(format!("&{};", String::from_utf8_lossy(&g))))
            }
            Event::CData(c) => stack
                .last_mut()?
                .children
                .push(Node::Raw(format!("<![CDATA[{}]]>", String::from_utf8_lossy(&c)))),
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if stack.len() != 1 {
        return None;
    }
    Some((prolog, stack.pop()?.children))
}

fn style_id(attrs: &str) -> Option<&str> {
    let start = attrs.find("w:styleId=\"")? + "w:styleId=\"".len();
    let end = attrs.get(start..)?.find('"')? + start;
    attrs.get(start..end)
}

fn fix(el: &mut Elem, parent: &str) {
    // CT_PPrGeneral (styles, numbering levels, defaults) has no run properties.
    if el.name == "w:pPr" && matches!(parent, "w:style" | "w:lvl" | "w:pPrDefault") {
        el.children.retain(|c| !matches!(c, Node::Elem(e) if e.name == "w:rPr"));
    }
    if el.name == "w:gridCol" {
        el.attrs = el.attrs.replace(" w:type=\"dxa\"", "");
    }
    if el.name == "w:styles" {
        // Keep the last definition of a style id (docx-rs writes a default Normal first).
        let mut seen = std::collections::BTreeSet::new();
        let mut keep = vec![true; el.children.len()];
        for (i, c) in el.children.iter().enumerate().rev() {
            if let Node::Elem(e) = c {
                if let Some(id) = style_id(&e.attrs) {
                    if !seen.insert(id.to_string()) {
                        if let Some(k) = keep.get_mut(i) {
                            *k = false;
                        }
                    }
                }
            }
        }
        let mut it = keep.into_iter();
        el.children.retain(|_| it.next().unwrap_or(true));
        // Word's default paragraph style is marked `w:default="1"`; without the mark python-docx
        // finds no style for a paragraph without `w:pStyle` (`p.style` is None).
        let is_default =
            |e: &Elem| e.attrs.contains("w:default=\"1\"") || e.attrs.contains("w:default=\"true\"");
        let paragraph = |e: &Elem| e.name == "w:style" && e.attrs.contains("w:type=\"paragraph\"");
        let has_default =
            el.children.iter().any(|c| matches!(c, Node::Elem(e) if paragraph(e) && is_default(e)));
        if !has_default {
            if let Some(Node::Elem(normal)) = el
                .children
                .iter_mut()
                .find(|c| matches!(c, Node::Elem(e) if paragraph(e) && style_id(&e.attrs) == Some("Normal")))
            {
                normal.attrs = format!("{} w:default=\"1\"", normal.attrs.trim_end());
            }
        }
    }
    let name = el.name.clone();
    for c in el.children.iter_mut() {
        if let Node::Elem(e) = c {
            fix(e, &name);
        }
    }
    if let Some(seq) = order(&el.name) {
        let rank = |n: &Node| match n {
            Node::Elem(e) => seq.iter().position(|s| *s == e.name).unwrap_or(seq.len()),
            Node::Raw(_) => seq.len(),
        };
        el.children.sort_by_key(rank);
    }
}

fn write(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Raw(s) => out.push_str(s),
            Node::Elem(e) if e.children.is_empty() => {
                out.push('<');
                out.push_str(&e.name);
                out.push_str(e.attrs.trim_end());
                out.push_str(" />");
            }
            Node::Elem(e) => {
                out.push('<');
                out.push_str(&e.name);
                out.push_str(e.attrs.trim_end());
                out.push('>');
                write(&e.children, out);
                out.push_str("</");
                out.push_str(&e.name);
                out.push('>');
            }
        }
    }
}

/// Repairs one XML part; returns it unchanged when it cannot be parsed.
pub fn repair(xml: &str) -> String {
    let Some((prolog, mut nodes)) = parse(xml) else { return xml.to_string() };
    for n in nodes.iter_mut() {
        if let Node::Elem(e) = n {
            fix(e, "");
        }
    }
    let mut out = String::with_capacity(xml.len());
    out.push_str(&prolog);
    write(&nodes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_style_is_marked_as_the_default_paragraph_style() {
        let s = repair(
            r#"<w:styles><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /></w:style></w:styles>"#,
        );
        assert!(s.contains(r#"w:styleId="Normal" w:default="1""#), "{s}");
        // a template that already has a default keeps it
        let kept = r#"<w:styles><w:style w:type="paragraph" w:default="1" w:styleId="Body"><w:name w:val="Body" /></w:style><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /></w:style></w:styles>"#;
        assert_eq!(repair(kept), kept);
    }

    #[test]
    fn sorts_by_schema_and_keeps_text() {
        let s = repair(
            r#"<?xml version="1.0"?><w:p><w:pPr><w:rPr /><w:jc w:val="left" /><w:pStyle w:val="A" /></w:pPr><w:r><w:t>a &amp; b</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            s,
            r#"<?xml version="1.0"?><w:p><w:pPr><w:pStyle w:val="A" /><w:jc w:val="left" /><w:rPr /></w:pPr><w:r><w:t>a &amp; b</w:t></w:r></w:p>"#
        );
    }

    #[test]
    fn drops_duplicate_styles_and_style_run_props() {
        let s = repair(
            r#"<w:styles><w:style w:styleId="Normal"><w:name w:val="x" /></w:style><w:style w:styleId="Normal"><w:pPr><w:rPr /><w:spacing /></w:pPr><w:name w:val="Normal" /></w:style></w:styles>"#,
        );
        assert_eq!(
            s,
            r#"<w:styles><w:style w:styleId="Normal"><w:name w:val="Normal" /><w:pPr><w:spacing /></w:pPr></w:style></w:styles>"#
        );
    }

    #[test]
    fn broken_xml_is_left_alone() {
        assert_eq!(repair("<a><b></a>"), "<a><b></a>");
    }
}
