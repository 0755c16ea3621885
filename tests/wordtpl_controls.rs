//! Word templates: tags in XML attribute values and content controls (`w:sdt`) in loops — the
//! machinery of the evaluation form (per-row control tags, check boxes, drop-down lists).

use saksflyt::render::wordtpl::{self, xml, Images};
use serde_json::json;
use std::io::{Read, Write};

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml""#;

/// A minimal DOCX with `body` as its body.
fn docx(body: &str) -> Vec<u8> {
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#)),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, text) in &parts {
            z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn document(docx: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    z.by_name("word/document.xml").unwrap().read_to_string(&mut s).unwrap();
    s
}

fn r(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}
fn pr(text: &str) -> String {
    format!("<w:p>{}</w:p>", r(text))
}
fn tc(inner: &str) -> String {
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{inner}</w:tc>"#)
}
fn tbl(rows: &[String]) -> String {
    format!(
        r#"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>{}</w:tbl>"#,
        rows.concat()
    )
}
fn tag_row(text: &str) -> String {
    format!(r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/></w:tcPr>{}</w:tc></w:tr>"#, pr(text))
}

/// A drop-down control (run level) whose tag, alias and list come from the row's item; its shown
/// text is a tag split over two runs with a spell-check mark between.
fn dropdown() -> String {
    r#"<w:p><w:sdt><w:sdtPr><w:alias w:val="Status for {{ it.title }}"/><w:tag w:val="saksflyt:status:{{ it.index }}"/><w:id w:val="-1861197070"/><w:showingPlcHdr/><w:dropDownList><w:listItem w:displayText="{{ words[0] }}" w:value="{{ words[0] }}"/><w:listItem w:displayText="{{ words[1] }}" w:value="{{ words[1] }}"/></w:dropDownList></w:sdtPr><w:sdtContent><w:r><w:t xml:space="preserve">Velg {{ it.</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:i/></w:rPr><w:t>title }}</w:t></w:r><w:proofErr w:type="spellEnd"/></w:sdtContent></w:sdt></w:p>"#.to_string()
}

/// A check box whose glyph (and so its state) comes from the item.
fn checkbox() -> String {
    r#"<w:p><w:sdt><w:sdtPr><w:tag w:val="saksflyt:smart:{{ it.index }}:1"/><w:id w:val="7"/><w14:checkbox><w14:checked w14:val="0"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{{ '☒' if it.ok else '☐' }}</w:t></w:r></w:sdtContent></w:sdt></w:p>"#.to_string()
}

fn ctx() -> serde_json::Value {
    json!({
        "words": ["Grønn", "Rød \"kritisk\" <&>"],
        "items": [
            {"index": 1, "title": "Rutine", "ok": true},
            {"index": 2, "title": "A \"quoted\" <b>&amp;</b>\nline", "ok": false},
            {"index": 3, "title": "Kurs", "ok": true}
        ]
    })
}

fn render(t: &[u8]) -> Vec<u8> {
    wordtpl::render(t, "skjema.docx", &ctx(), &Images::new()).unwrap_or_else(|e| panic!("{e}"))
}

fn all<'a>(e: &'a xml::Elem, name: &str, out: &mut Vec<&'a xml::Elem>) {
    for c in e.elems() {
        if c.name == name {
            out.push(c);
        }
        all(c, name, out);
    }
}

fn attrs_of(doc: &xml::Elem, name: &str, attr: &str) -> Vec<String> {
    let mut v = Vec::new();
    all(doc, name, &mut v);
    v.iter().filter_map(|e| e.attr(attr).map(str::to_string)).collect()
}

fn form_template() -> Vec<u8> {
    docx(&tbl(&[
        tag_row("{%tr for it in items %}"),
        format!("<w:tr>{}{}{}</w:tr>", tc(&pr("{{ it.index }}")), tc(&dropdown()), tc(&checkbox())),
        tag_row("{%tr endfor %}"),
    ]))
}

#[test]
fn controls_in_a_row_loop_get_per_row_tags_alias_list_items_and_state() {
    let out = render(&form_template());
    let text = document(&out);
    let doc = xml::parse(&text).expect("well-formed");
    // one drop-down and one check box per row, tagged by the row's item
    assert_eq!(
        attrs_of(&doc, "w:tag", "w:val"),
        [
            "saksflyt:status:1",
            "saksflyt:smart:1:1",
            "saksflyt:status:2",
            "saksflyt:smart:2:1",
            "saksflyt:status:3",
            "saksflyt:smart:3:1"
        ]
    );
    // values are attribute-escaped: the parsed attribute is the value itself, line break included
    let aliases = attrs_of(&doc, "w:alias", "w:val");
    assert_eq!(aliases[1], "Status for A \"quoted\" <b>&amp;</b>\nline");
    assert!(text.contains("w:val=\"Status for A &quot;quoted&quot; &lt;b&gt;&amp;amp;&lt;/b&gt;&#10;line\""));
    let items = attrs_of(&doc, "w:listItem", "w:displayText");
    assert_eq!(items.len(), 6);
    assert_eq!(items[1], "Rød \"kritisk\" <&>");
    // the split text tag inside the control's content is rejoined, in the run where it started
    assert!(text.contains(r#"<w:t xml:space="preserve">Velg Rutine</w:t>"#), "{text}");
    // each control has its own id, in document order
    assert_eq!(attrs_of(&doc, "w:id", "w:val"), ["1", "2", "3", "4", "5", "6"]);
    // the check box's state follows the glyph its tag shows
    assert_eq!(attrs_of(&doc, "w14:checked", "w14:val"), ["1", "0", "1"]);
    assert!(text.contains("☒") && text.contains("☐"));
    // byte-identical output twice
    assert_eq!(out, render(&form_template()));
}

#[test]
fn block_and_cell_level_controls_survive_paragraph_and_row_loops() {
    // a block-level control around a paragraph inside a paragraph loop; a cell-level control
    // around a cell in a row loop, with a text tag in its content
    let block = r#"<w:sdt><w:sdtPr><w:tag w:val="punkt:{{ it.index }}"/><w:id w:val="3"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>{{ it.title | upper }}</w:t></w:r></w:p></w:sdtContent></w:sdt>"#;
    let cell = r#"<w:sdt><w:sdtPr><w:tag w:val="celle:{{ it.index }}"/><w:id w:val="4"/></w:sdtPr><w:sdtContent><w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{{ it.index * 10 }}</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt>"#;
    let body = [
        pr("{%p for it in items if it.ok %}"),
        block.to_string(),
        pr("{%p endfor %}"),
        tbl(&[
            tag_row("{%tr for it in items %}"),
            format!("<w:tr>{}{cell}</w:tr>", tc(&pr("{{ it.title }}"))),
            tag_row("{%tr endfor %}"),
        ]),
    ]
    .concat();
    let out = render(&docx(&body));
    let text = document(&out);
    let doc = xml::parse(&text).expect("well-formed");
    assert_eq!(attrs_of(&doc, "w:tag", "w:val"), ["punkt:1", "punkt:3", "celle:1", "celle:2", "celle:3"]);
    assert!(text.contains(">RUTINE</w:t>") && text.contains(">KURS</w:t>"), "{text}");
    assert!(text.contains(">20</w:t>") && text.contains(">30</w:t>"), "{text}");
    let mut rows = Vec::new();
    all(&doc, "w:tr", &mut rows);
    assert_eq!(rows.len(), 3);
    assert_eq!(attrs_of(&doc, "w:id", "w:val"), ["1", "2", "3", "4", "5"]);

    // a column condition around a cell with a control: kept for the items that pass it
    let body = tbl(&[
        tag_row("{%tr for it in items %}"),
        format!(
            "<w:tr>{}{}{}{}{}</w:tr>",
            tc(&pr("{{ it.index }}")),
            tc(&pr("{%tc if it.ok %}")),
            tc(&checkbox()),
            tc(&pr("{%tc endif %}")),
            tc(&dropdown())
        ),
        tag_row("{%tr endfor %}"),
    ]);
    let text = document(&render(&docx(&body)));
    let doc = xml::parse(&text).expect("well-formed");
    assert_eq!(
        attrs_of(&doc, "w:tag", "w:val"),
        [
            "saksflyt:smart:1:1",
            "saksflyt:status:1",
            "saksflyt:status:2",
            "saksflyt:smart:3:1",
            "saksflyt:status:3"
        ]
    );
    assert_eq!(attrs_of(&doc, "w14:checked", "w14:val"), ["1", "1"]);
}

#[test]
fn attribute_tag_errors_are_located() {
    // a misspelt field in a control's tag, in the second row of the table
    let bad = dropdown().replace("it.index }}", "it.indx }}");
    let t = docx(&tbl(&[
        tag_row("{%tr for it in items %}"),
        format!("<w:tr>{}{}</w:tr>", tc(&pr("{{ it.index }}")), tc(&bad)),
        tag_row("{%tr endfor %}"),
    ]));
    let err = wordtpl::render(&t, "skjema.docx", &ctx(), &Images::new()).unwrap_err().to_string();
    assert!(
        err.contains("skjema.docx: body, table 1, row 2, cell 2, paragraph 3 «<w:tag w:val=\"saksflyt:status:{{ it.indx }}\">»: {{ it.indx }}: unknown field indx of it — did you mean index?"),
        "{err}"
    );
    // a statement and an unclosed tag in attribute values
    let t = docx(&format!(
        r#"<w:p><w:sdt><w:sdtPr><w:tag w:val="x{{% if a %}}y{{% endif %}}"/><w:alias w:val="{{{{ b"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt></w:p>"#,
        r("z")
    ));
    let errors = wordtpl::check(&t, "skjema.docx", &ctx(), &Images::new()).unwrap();
    let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(all.len(), 3, "{all:#?}");
    assert!(
        all[0].contains("{% if a %}: only {{ … }} tags can stand in an attribute value (w:val of w:tag)"),
        "{all:#?}"
    );
    assert!(
        all[2].contains("«<w:alias w:val=\"{{ b\">»: {{ b: the tag is not closed in this attribute value"),
        "{all:#?}"
    );
    // neither `|safe` nor a value can put markup into an attribute
    let t = docx(&format!(
        r#"<w:p><w:sdt><w:sdtPr><w:tag w:val="{{{{ words[1] | safe }}}}"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt></w:p>"#,
        r("z")
    ));
    let text = document(&render(&t));
    assert!(text.contains(r#"<w:tag w:val="Rød &quot;kritisk&quot; &lt;&amp;&gt;"/>"#), "{text}");
}

/// Deterministic mutations of the form template (characters cut, tags and quotes put into
/// attribute values and control contents): every result is a rendered, well-formed document or
/// a located error naming the file; never a panic.
#[test]
fn mutated_control_templates_never_panic() {
    let body = tbl(&[
        tag_row("{%tr for it in items %}"),
        format!("<w:tr>{}{}{}</w:tr>", tc(&pr("{{ it.index }}")), tc(&dropdown()), tc(&checkbox())),
        tag_row("{%tr endfor %}"),
    ]);
    let inserts = [
        "{{ it.index }}",
        "{{",
        "}}",
        "{% if it.ok %}",
        "{%tr endfor %}",
        "{# x #}",
        "\"",
        "&amp;",
        "&quot;{{ words[1] }}&quot;",
        "\u{E000}3\u{E001}",
        "{{ it.nope }}",
        "<w:sdt>",
        "</w:sdtContent>",
        "w14:val=\"{{ 1 if it.ok else 0 }}\"",
    ];
    let mut seed: u64 = 0xc0de;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..300 {
        let mut m: Vec<char> = body.chars().collect();
        let at = next(m.len());
        if next(2) == 0 {
            let len = next(30);
            m.drain(at..(at + len).min(m.len()));
        } else {
            for (k, c) in inserts[next(inserts.len())].chars().enumerate() {
                m.insert(at + k, c);
            }
        }
        let mutated: String = m.into_iter().collect();
        let t = docx(&mutated);
        match std::panic::catch_unwind(|| wordtpl::render(&t, "m.docx", &ctx(), &Images::new())) {
            Ok(Ok(out)) => {
                xml::parse(&document(&out)).expect("rendered output is well-formed");
                ok += 1;
            }
            Ok(Err(e)) => {
                assert!(e.to_string().starts_with("m.docx: "), "{e}");
                failed += 1;
            }
            Err(_) => panic!("panic on a mutated template:\n{mutated}"),
        }
    }
    assert!(ok > 30 && failed > 30, "ok {ok}, failed {failed}");
}

/// A template that carries the engine's own sentinel characters in an attribute can not move a
/// text tag (escaped for text, not for attributes) into that attribute.
#[test]
fn a_literal_sentinel_never_puts_a_text_value_into_an_attribute() {
    let t = docx(&format!(
        "{}<w:p><w:sdt><w:sdtPr><w:tag w:val=\"a\u{E000}0\u{E001}b\"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt></w:p>",
        pr("{{ words[1] }}"),
        r("z")
    ));
    let text = document(&render(&t));
    let doc = xml::parse(&text).expect("well-formed");
    assert_eq!(attrs_of(&doc, "w:tag", "w:val"), ["ab"]);
    assert!(text.contains("Rød \"kritisk\" &lt;&amp;&gt;</w:t>"), "{text}");
}
