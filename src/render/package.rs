//! Packaging: docx-rs's parts → the DOCX zip, made byte-stable and completed.
//!
//! docx-rs numbers paragraphs and pictures from process-wide counters, stamps zip entries and
//! cannot write a title, a subject or repeated table header rows. This module therefore takes
//! the built parts ([`docx_rs::XMLDocx`]) and
//! - renumbers `w14:paraId`/`w14:textId` in document order,
//! - adds `<w:tblHeader/>` to header rows (marked `<w:cantSplit/>` by the writer),
//! - gives every section the running header and footer,
//! - repairs schema order ([`super::ooxml`]),
//! - adds a minimal theme part,
//! - writes its own `docProps/core.xml` (title, subject, creator, dates from the data),
//! - zips every part with a fixed timestamp (1980-01-01) in a fixed order.

use std::io::Write;
use zip::write::SimpleFileOptions;

/// Document properties for `docProps/core.xml`.
#[derive(Debug, Clone, Default)]
pub struct CoreProps {
    pub title: String,
    pub subject: String,
    pub creator: String,
    /// `YYYY-MM-DD`.
    pub created: Option<String>,
    pub language: String,
}

/// `s` escaped for XML text or an attribute value (one escaping for every writer:
/// [`super::wordtpl::xml::escape_attr`]).
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    super::wordtpl::xml::escape_attr(s, &mut out);
    out
}

fn core_xml(p: &CoreProps) -> Vec<u8> {
    let date = p.created.clone().unwrap_or_else(|| "2000-01-01".to_string());
    let stamp = format!("{date}T00:00:00Z");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties \
xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator>\
<cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>1</cp:revision>\
<dc:language>{}</dc:language>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:created>\
<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:modified></cp:coreProperties>",
        xml_escape(&p.title),
        xml_escape(&p.subject),
        xml_escape(&p.creator),
        xml_escape(&p.creator),
        xml_escape(&p.language),
    )
    .into_bytes()
}

/// A minimal Office theme: Word and validators expect `word/theme/theme1.xml`; docx-rs writes
/// none. Colours and fonts match the styles (Calibri, dark blue headings).
const THEME: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"saksflyt\"><a:themeElements>",
    "<a:clrScheme name=\"saksflyt\"><a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1>",
    "<a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1><a:dk2><a:srgbClr val=\"1F3864\"/></a:dk2>",
    "<a:lt2><a:srgbClr val=\"E7E6E6\"/></a:lt2><a:accent1><a:srgbClr val=\"2F5496\"/></a:accent1>",
    "<a:accent2><a:srgbClr val=\"00B050\"/></a:accent2><a:accent3><a:srgbClr val=\"FFC000\"/></a:accent3>",
    "<a:accent4><a:srgbClr val=\"FF0000\"/></a:accent4><a:accent5><a:srgbClr val=\"5B9BD5\"/></a:accent5>",
    "<a:accent6><a:srgbClr val=\"70AD47\"/></a:accent6><a:hlink><a:srgbClr val=\"0563C1\"/></a:hlink>",
    "<a:folHlink><a:srgbClr val=\"954F72\"/></a:folHlink></a:clrScheme>",
    "<a:fontScheme name=\"saksflyt\"><a:majorFont><a:latin typeface=\"Calibri\"/><a:ea typeface=\"\"/>",
    "<a:cs typeface=\"\"/></a:majorFont><a:minorFont><a:latin typeface=\"Calibri\"/><a:ea typeface=\"\"/>",
    "<a:cs typeface=\"\"/></a:minorFont></a:fontScheme>",
    "<a:fmtScheme name=\"saksflyt\"><a:fillStyleLst>",
    "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>",
    "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:fillStyleLst><a:lnStyleLst>",
    "<a:ln w=\"6350\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln>",
    "<a:ln w=\"12700\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln>",
    "<a:ln w=\"19050\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln></a:lnStyleLst>",
    "<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>",
    "<a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst>",
    "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>",
    "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme>",
    "</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
);

/// Registers the theme part in the content types and the document's relationships.
fn add_theme(content_types: &[u8], document_rels: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let ct = String::from_utf8_lossy(content_types).replacen(
        "</Types>",
        "<Override PartName=\"/word/theme/theme1.xml\" \
ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\" /></Types>",
        1,
    );
    let rels = String::from_utf8_lossy(document_rels).replacen(
        "</Relationships>",
        "<Relationship Id=\"rIdTheme1\" \
Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\" />\
</Relationships>",
        1,
    );
    (ct.into_bytes(), rels.into_bytes())
}

/// Replaces the value of every `attr="XXXXXXXX"` with a counter in document order.
fn renumber(xml: &str, attr: &str, counter: &mut u32) -> String {
    let needle = format!("{attr}=\"");
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(pos) = rest.find(&needle) {
        let (head, tail) = rest.split_at(pos + needle.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(0);
        *counter += 1;
        out.push_str(&format!("{:08X}", *counter));
        rest = tail.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Fixes the body part: ids, header rows, section headers and footers.
fn fix_document(xml: &str, header_rid: Option<&str>, footer_rid: Option<&str>) -> String {
    let mut n = 0;
    let mut s = renumber(xml, "w14:paraId", &mut n);
    let mut t = 0;
    s = renumber(&s, "w14:textId", &mut t);
    s = s.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />");
    // Every section that lacks header/footer references gets the document's.
    let mut refs = String::new();
    if let Some(h) = header_rid {
        refs.push_str(&format!("<w:headerReference w:type=\"default\" r:id=\"{h}\" />"));
    }
    if let Some(f) = footer_rid {
        refs.push_str(&format!("<w:footerReference w:type=\"default\" r:id=\"{f}\" />"));
    }
    if refs.is_empty() {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 256);
    let mut rest = s.as_str();
    while let Some(pos) = rest.find("<w:sectPr>") {
        let (head, tail) = rest.split_at(pos + "<w:sectPr>".len());
        out.push_str(head);
        let end = tail.find("</w:sectPr>").unwrap_or(tail.len());
        if !tail.get(..end).unwrap_or_default().contains("<w:headerReference") {
            out.push_str(&refs);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// One content control, as the markup's marker run carries it.
struct Control<'a> {
    kind: &'a str,
    tag: &'a str,
    options: Vec<&'a str>,
    placeholder: &'a str,
    checked: bool,
    /// `checked="{{ expr }}"` (a Word template): the box shows `{{ '☒' if (expr) else '☐' }}`,
    /// and the template engine sets its state from that glyph.
    checked_tag: Option<&'a str>,
    title: &'a str,
}

fn control_xml(c: &Control, id: u32, rpr: &str) -> String {
    let run = |text: &str| format!("<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>", xml_escape(text));
    let mut pr = String::new();
    if !c.title.is_empty() {
        pr.push_str(&format!("<w:alias w:val=\"{}\" />", xml_escape(c.title)));
    }
    pr.push_str(&format!("<w:tag w:val=\"{}\" /><w:id w:val=\"{id}\" />", xml_escape(c.tag)));
    let content = match c.kind {
        "checkbox" => {
            pr.push_str(&format!(
                "<w14:checkbox><w14:checked w14:val=\"{}\" /><w14:checkedState w14:val=\"2612\" w14:font=\"MS Gothic\" /><w14:uncheckedState w14:val=\"2610\" w14:font=\"MS Gothic\" /></w14:checkbox>",
                u8::from(c.checked)
            ));
            match c.checked_tag {
                Some(expr) => run(&format!("{{{{ '☒' if ({expr}) else '☐' }}}}")),
                None => run(if c.checked { "☒" } else { "☐" }),
            }
        }
        "dropdown" => {
            pr.push_str("<w:showingPlcHdr /><w:dropDownList>");
            for o in &c.options {
                let o = xml_escape(o);
                pr.push_str(&format!("<w:listItem w:displayText=\"{o}\" w:value=\"{o}\" />"));
            }
            pr.push_str("</w:dropDownList>");
            run(c.placeholder)
        }
        "date" => {
            pr.push_str("<w:showingPlcHdr /><w:date><w:dateFormat w:val=\"dd.MM.yyyy\" /><w:lid w:val=\"nb-NO\" /><w:storeMappedDataAs w:val=\"dateTime\" /><w:calendar w:val=\"gregorian\" /></w:date>");
            run(c.placeholder)
        }
        _ => {
            pr.push_str("<w:showingPlcHdr /><w:text w:multiLine=\"1\" />");
            run(c.placeholder)
        }
    };
    format!("<w:sdt><w:sdtPr>{pr}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>")
}

/// Replaces every marker run written for a `<control>` by its content control (`w:sdt`).
fn insert_controls(xml: &str) -> String {
    use super::markup::{CONTROL_END, CONTROL_SEP, CONTROL_START};
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut id = 0u32;
    while let Some(m) = rest.find(CONTROL_START) {
        let Some(end_rel) = rest[m..].find(CONTROL_END) else { break };
        let end = m + end_rel + CONTROL_END.len_utf8();
        // the run around the marker
        let run_start = rest[..m].rfind("<w:r>").into_iter().chain(rest[..m].rfind("<w:r ")).max();
        let run_end = rest[end..].find("</w:r>").map(|i| end + i + "</w:r>".len());
        let (Some(rs), Some(re)) = (run_start, run_end) else { break };
        let run = &rest[rs..m];
        let rpr = run
            .find("<w:rPr>")
            .and_then(|a| run.find("</w:rPr>").map(|b| &run[a..b + "</w:rPr>".len()]))
            .unwrap_or("");
        let marker = &rest[m + CONTROL_START.len_utf8()..end - CONTROL_END.len_utf8()];
        let f: Vec<&str> = marker.split(CONTROL_SEP).collect();
        let get = |i: usize| f.get(i).copied().unwrap_or("");
        let c = Control {
            kind: get(0),
            tag: get(1),
            options: get(2).split('|').filter(|o| !o.is_empty()).collect(),
            placeholder: get(3),
            checked: get(4) == "true",
            checked_tag: get(4)
                .trim()
                .strip_prefix("{{")
                .and_then(|e| e.strip_suffix("}}"))
                .map(str::trim)
                .filter(|e| !e.is_empty()),
            title: get(5),
        };
        id += 1;
        out.push_str(&rest[..rs]);
        // markers were escaped by the writer; the fields are unescaped for the control
        let unescape = |s: &str| {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        };
        let (tag, options, placeholder, title) = (
            unescape(c.tag),
            c.options.iter().map(|o| unescape(o)).collect::<Vec<_>>(),
            unescape(c.placeholder),
            unescape(c.title),
        );
        let checked_tag = c.checked_tag.map(unescape);
        let c = Control {
            checked_tag: checked_tag.as_deref(),
            tag: &tag,
            options: options.iter().map(String::as_str).collect(),
            placeholder: &placeholder,
            title: &title,
            ..c
        };
        out.push_str(&control_xml(&c, id, rpr));
        rest = &rest[re..];
    }
    out.push_str(rest);
    out
}

/// Adds each picture's alternative text (`descr` on `wp:docPr`), in document order.
fn describe_pictures(xml: &str, alts: &[String]) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut alts = alts.iter();
    while let Some(i) = rest.find("<wp:docPr ") {
        let head_end = i + "<wp:docPr ".len();
        out.push_str(&rest[..head_end]);
        rest = &rest[head_end..];
        if let Some(alt) = alts.next().filter(|a| !a.is_empty()) {
            if !rest.split('>').next().unwrap_or("").contains("descr=") {
                out.push_str(&format!("descr=\"{}\" ", xml_escape(alt)));
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every table row gets `w:cantSplit`: a row is never split across pages (a status cell on one
/// page and its deadline on the next).
fn rows_cant_split(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut rest = xml;
    while let Some(i) = rest.find("<w:tr") {
        let after = &rest[i + "<w:tr".len()..];
        if !(after.starts_with('>') || after.starts_with(' ')) {
            out.push_str(&rest[..i + "<w:tr".len()]);
            rest = after;
            continue;
        }
        let Some(close) = after.find('>') else { break };
        let tag_end = i + "<w:tr".len() + close + 1;
        out.push_str(&rest[..tag_end]);
        rest = &rest[tag_end..];
        // docx-rs writes an empty row-properties element as `<w:trPr />`: fill that one
        if let Some(after_empty) = rest.strip_prefix("<w:trPr />").or_else(|| rest.strip_prefix("<w:trPr/>"))
        {
            out.push_str("<w:trPr><w:cantSplit /></w:trPr>");
            rest = after_empty;
        } else if let Some(pr) = rest.strip_prefix("<w:trPr>") {
            let end = pr.find("</w:trPr>").unwrap_or(0);
            out.push_str("<w:trPr>");
            if !pr[..end].contains("<w:cantSplit") {
                out.push_str("<w:cantSplit />");
            }
            rest = pr;
        } else {
            out.push_str("<w:trPr><w:cantSplit /></w:trPr>");
        }
    }
    out.push_str(rest);
    out
}

/// The document's language on the run defaults (`w:lang`), so Word checks spelling in bokmål
/// or nynorsk rather than English.
fn default_language(styles: &str, lang: &str) -> String {
    let tag = format!("<w:lang w:val=\"{lang}\" w:eastAsia=\"{lang}\" w:bidi=\"ar-SA\" />");
    match styles.find("<w:rPrDefault><w:rPr>") {
        Some(i) => {
            let from = i + "<w:rPrDefault><w:rPr>".len();
            match styles[from..].find("</w:rPr>") {
                Some(j) => format!("{}{}{}", &styles[..from + j], tag, &styles[from + j..]),
                None => styles.to_string(),
            }
        }
        None => styles.to_string(),
    }
}

/// Finds `Id` of the relationship of the given type suffix (`/header`, `/footer`).
fn rel_id(rels: &str, kind: &str) -> Option<String> {
    let ty = format!("relationships/{kind}\"");
    for rel in rels.split("<Relationship ").skip(1) {
        if rel.contains(&ty) {
            let start = rel.find("Id=\"")? + 4;
            let end = rel.get(start..)?.find('"')? + start;
            return rel.get(start..end).map(str::to_string);
        }
    }
    None
}

/// Zips the parts of `x` into DOCX bytes.
/// `alts` are the pictures' alternative texts in document order.
pub fn pack(x: docx_rs::XMLDocx, props: &CoreProps, alts: &[String]) -> zip::result::ZipResult<Vec<u8>> {
    let doc_rels = String::from_utf8_lossy(&x.document_rels).to_string();
    let header_rid = rel_id(&doc_rels, "header");
    let footer_rid = rel_id(&doc_rels, "footer");
    let document =
        fix_document(&String::from_utf8_lossy(&x.document), header_rid.as_deref(), footer_rid.as_deref());
    let document =
        describe_pictures(&rows_cant_split(&insert_controls(&super::ooxml::repair(&document))), alts)
            // the date picker speaks the document's language (nn-NO in a nynorsk form)
            .replace(
                "<w:lid w:val=\"nb-NO\" />",
                &format!("<w:lid w:val=\"{}\" />", xml_escape(&props.language)),
            );
    let (content_types, document_rels) = add_theme(&x.content_type, &x.document_rels);
    let fixed = |b: &[u8]| super::ooxml::repair(&String::from_utf8_lossy(b)).into_bytes();
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), content_types),
        ("_rels/.rels".into(), x.rels),
        ("docProps/app.xml".into(), x.doc_props.app),
        ("docProps/core.xml".into(), core_xml(props)),
        ("docProps/custom.xml".into(), x.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), document_rels),
        ("word/theme/theme1.xml".into(), THEME.as_bytes().to_vec()),
        ("word/document.xml".into(), document.into_bytes()),
        (
            "word/styles.xml".into(),
            default_language(&String::from_utf8_lossy(&fixed(&x.styles)), &props.language).into_bytes(),
        ),
        ("word/settings.xml".into(), fixed(&x.settings)),
        ("word/fontTable.xml".into(), x.font_table),
        ("word/comments.xml".into(), x.comments),
        ("word/numbering.xml".into(), fixed(&x.numberings)),
        ("word/commentsExtended.xml".into(), x.comments_extended),
        ("word/footnotes.xml".into(), x.footnotes),
    ];
    let mut counter = 0;
    for (i, h) in x.headers.iter().enumerate() {
        let h = super::ooxml::repair(&renumber(&String::from_utf8_lossy(h), "w14:paraId", &mut counter));
        parts.push((format!("word/header{}.xml", i + 1), h.into_bytes()));
        if let Some(r) = x.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), r.clone()));
        }
    }
    for (i, f) in x.footers.iter().enumerate() {
        let f = super::ooxml::repair(&renumber(&String::from_utf8_lossy(f), "w14:paraId", &mut counter));
        parts.push((format!("word/footer{}.xml", i + 1), f.into_bytes()));
        if let Some(r) = x.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), r.clone()));
        }
    }
    let mut media = x.media;
    media.sort_by(|a, b| a.0.cmp(&b.0));
    for (id, bytes) in media {
        parts.push((format!("word/media/{id}.png"), bytes));
    }

    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        for (name, bytes) in parts {
            zip.start_file(name, options)?;
            zip.write_all(&bytes)?;
        }
        zip.finish()?;
    }
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_cannot_split_and_the_language_is_set() {
        let s = rows_cant_split("<w:tbl><w:tr><w:tc/></w:tr><w:tr w14:paraId=\"1\"><w:trPr><w:trHeight w:val=\"5\" /></w:trPr></w:tr><w:tr><w:trPr><w:cantSplit /><w:tblHeader /></w:trPr></w:tr></w:tbl>");
        assert_eq!(s.matches("<w:cantSplit />").count(), 3, "{s}");
        // an empty `<w:trPr />` is filled, never doubled
        let s = rows_cant_split("<w:tbl><w:tr><w:trPr /><w:tc/></w:tr></w:tbl>");
        assert_eq!(s.matches("<w:trPr").count(), 1, "{s}");
        assert_eq!(s.matches("<w:cantSplit />").count(), 1, "{s}");
        let st = default_language(
            "<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"21\" /></w:rPr></w:rPrDefault>",
            "nn-NO",
        );
        assert!(st.contains("<w:sz w:val=\"21\" /><w:lang w:val=\"nn-NO\""), "{st}");
    }

    #[test]
    fn pictures_get_their_alternative_text() {
        let s = describe_pictures(
            "<wp:docPr id=\"1\" name=\"Figure\" /><wp:docPr id=\"2\" />",
            &["A \"chart\"".into()],
        );
        assert_eq!(
            s,
            "<wp:docPr descr=\"A &quot;chart&quot;\" id=\"1\" name=\"Figure\" /><wp:docPr id=\"2\" />"
        );
    }

    #[test]
    fn renumbers_in_order() {
        let mut n = 0;
        let s = renumber(r#"<w:p w14:paraId="0000abcd"/><w:p w14:paraId="00000001"/>"#, "w14:paraId", &mut n);
        assert_eq!(s, r#"<w:p w14:paraId="00000001"/><w:p w14:paraId="00000002"/>"#);
    }

    #[test]
    fn sections_get_header_and_footer() {
        let s = fix_document("<w:sectPr><w:pgSz /></w:sectPr>", Some("rIdHeader1"), Some("rIdFooter1"));
        assert!(s.starts_with("<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader1\" />"));
        assert!(s.contains("rIdFooter1"));
    }
}
