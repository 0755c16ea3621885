//! The markup templates render: a small XHTML subset, parsed into [`Markup`] for the DOCX
//! writer. Reference (also in README):
//!
//! - root `<document title=".." subject=".." created="YYYY-MM-DD" header=".." footer="Side {PAGE} av {NUMPAGES}">`
//! - `<h1>`–`<h3>` headings, `<p>` paragraphs (`class="title"`, `"subtitle"`, `"note"`, `"small"`)
//! - inline `<strong>`/`<b>`, `<em>`/`<i>`, `<br/>`
//! - `<ul>`/`<ol>` with `<li>`, nested lists inside `<li>`; `level="1"` starts a list one
//!   level down (sub-points under a point written as a paragraph)
//! - `<table widths="3,5,2" width="60">` (relative column widths, percent of the text width) with `<tr>` and `<th>`/`<td>`; cells take `class="green|yellow|red"`
//!   (status fill) and `small`, `fill="#RRGGBB"`, `colspan="N"`, `align="center|right"`, and hold
//!   inline content or `<p>`/`<ul>`/`<ol>`; a row of `<th>` cells is a header row repeated on every
//!   page; `<tr height="12">` sets a minimum row height in millimetres (rows to fill in);
//!   `<tr keep="next">` keeps a row on the page of the next one (group headings)
//! - `<img src="chart:NAME" width="160" alt="…"/>` (millimetres) embeds a chart the renderer
//!   drew; `alt` becomes the picture's description (alternative text)
//! - `<control kind="dropdown|checkbox|text|date" tag=".." title=".." options="A|B|C"
//!   placeholder=".." checked="true"/>` (inline): a Word content control (form field)
//! - `<pagebreak/>`; `<section orient="landscape">…</section>` puts its content on landscape pages
//!
//! Text is whitespace-collapsed like HTML. Unknown elements are an error naming the element, so a
//! typo in an overriding template shows up instead of silently losing content.

use quick_xml::events::Event;
use quick_xml::Reader;

/// A parse failure of rendered markup.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MarkupError {
    #[error("markup is not well-formed xml: {0}")]
    Xml(String),
    #[error("markup root must be <document>, found <{0}>")]
    Root(String),
    #[error("unknown markup element <{element}> inside <{parent}>")]
    Unknown { element: String, parent: String },
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Markup {
    pub title: String,
    pub subject: String,
    /// `YYYY-MM-DD`, the document's date (from the data, never the clock).
    pub created: Option<String>,
    /// Running header text.
    pub header: String,
    /// Running footer text with `{PAGE}` and `{NUMPAGES}` placeholders.
    pub footer: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1–3.
    Heading {
        level: u8,
        inlines: Vec<Inline>,
    },
    Para {
        class: Option<String>,
        inlines: Vec<Inline>,
    },
    List {
        ordered: bool,
        items: Vec<ListItem>,
        /// Nesting level the list starts at (`<ol level="1">`: `a)` numbering, indented), for
        /// sub-points shown under a point written as a paragraph.
        level: usize,
    },
    Table(Table),
    Image {
        name: String,
        width_mm: u32,
        /// Alternative text (`alt`), written as the picture's description for screen readers.
        alt: String,
    },
    PageBreak,
    Section {
        landscape: bool,
        blocks: Vec<Block>,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListItem {
    pub inlines: Vec<Inline>,
    /// Nested lists.
    pub children: Vec<Block>,
}

/// A run of text with its emphasis; `br` is a line break.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inline {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub br: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Relative column widths; empty means equal columns.
    pub widths: Vec<u32>,
    /// Share of the text width in percent (`<table width="60">`); 100 when absent.
    pub width_pct: u32,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// All cells are `<th>`: repeated at the top of every page.
    pub header: bool,
    /// Minimum height in millimetres (`<tr height="12">`), for rows to fill in by hand.
    pub height_mm: Option<u32>,
    /// `<tr keep="next">`: kept on the page of the row after it (a group heading row).
    pub keep_next: bool,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub header: bool,
    /// `RRGGBB` without `#`.
    pub fill: Option<String>,
    pub colspan: u32,
    pub align: Option<String>,
    /// `class="small"`: smaller text (narrow header cells).
    pub small: bool,
    pub blocks: Vec<Block>,
}

/// The status fills: green, yellow, red.
pub fn status_fill(class: &str) -> Option<&'static str> {
    match class {
        "green" => Some("00B050"),
        "yellow" => Some("FFC000"),
        "red" => Some("FF0000"),
        _ => None,
    }
}

#[derive(Debug)]
enum Node {
    Element { name: String, attrs: Vec<(String, String)>, children: Vec<Node> },
    Text(String),
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Node::Element { attrs, .. } => attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()),
            Node::Text(_) => None,
        }
    }
}

fn xml_err(e: impl std::fmt::Display) -> MarkupError {
    MarkupError::Xml(e.to_string())
}

/// Parses the tree of elements and text.
fn parse_tree(src: &str) -> Result<Node, MarkupError> {
    let mut reader = Reader::from_str(src);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Node> = vec![Node::Element { name: String::new(), attrs: vec![], children: vec![] }];
    let push_child = |stack: &mut Vec<Node>, node: Node| -> Result<(), MarkupError> {
        match stack.last_mut() {
            Some(Node::Element { children, .. }) => {
                children.push(node);
                Ok(())
            }
            _ => Err(MarkupError::Xml("unbalanced elements".into())),
        }
    };
    let push_text = |stack: &mut Vec<Node>, text: &str| -> Result<(), MarkupError> {
        if let Some(Node::Element { children, .. }) = stack.last_mut() {
            if let Some(Node::Text(t)) = children.last_mut() {
                t.push_str(text);
                return Ok(());
            }
            children.push(Node::Text(text.to_string()));
            Ok(())
        } else {
            Err(MarkupError::Xml("unbalanced elements".into()))
        }
    };
    loop {
        match reader.read_event().map_err(xml_err)? {
            Event::Start(e) => {
                let (name, attrs) = element_head(&e)?;
                stack.push(Node::Element { name, attrs, children: vec![] });
            }
            Event::Empty(e) => {
                let (name, attrs) = element_head(&e)?;
                push_child(&mut stack, Node::Element { name, attrs, children: vec![] })?;
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| MarkupError::Xml("unbalanced elements".into()))?;
                if stack.is_empty() {
                    return Err(MarkupError::Xml("unbalanced elements".into()));
                }
                push_child(&mut stack, node)?;
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content().map_err(xml_err)?)?,
            Event::CData(t) => push_text(&mut stack, &t.decode().map_err(xml_err)?)?,
            Event::GeneralRef(r) => {
                let s = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(xml_err)?.map(String::from).unwrap_or_default()
                } else {
                    match r.decode().map_err(xml_err)?.as_ref() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        "nbsp" => "\u{a0}".to_string(),
                        other => return Err(MarkupError::Xml(format!("unknown entity &{other};"))),
                    }
                };
                push_text(&mut stack, &s)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(MarkupError::Xml("unclosed element at end of markup".into()));
    }
    let Some(Node::Element { children, .. }) = stack.pop() else {
        return Err(MarkupError::Xml("empty markup".into()));
    };
    children
        .into_iter()
        .find(|n| matches!(n, Node::Element { .. }))
        .ok_or_else(|| MarkupError::Xml("no root element".into()))
}

fn element_head(
    e: &quick_xml::events::BytesStart<'_>,
) -> Result<(String, Vec<(String, String)>), MarkupError> {
    let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(xml_err)?;
        let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(xml_err)?.to_string();
        attrs.push((key, value));
    }
    Ok((name, attrs))
}

/// Parses rendered markup into a [`Markup`].
pub fn parse(src: &str) -> Result<Markup, MarkupError> {
    let root = parse_tree(src)?;
    let Node::Element { name, children, .. } = &root else {
        return Err(MarkupError::Root(String::new()));
    };
    if name != "document" {
        return Err(MarkupError::Root(name.clone()));
    }
    Ok(Markup {
        title: root.attr("title").unwrap_or_default().to_string(),
        subject: root.attr("subject").unwrap_or_default().to_string(),
        created: root.attr("created").filter(|s| !s.is_empty()).map(str::to_string),
        header: root.attr("header").unwrap_or_default().to_string(),
        footer: root.attr("footer").unwrap_or("{PAGE} / {NUMPAGES}").to_string(),
        blocks: blocks(children, "document")?,
    })
}

fn blocks(nodes: &[Node], parent: &str) -> Result<Vec<Block>, MarkupError> {
    let mut out = Vec::new();
    let mut loose: Vec<Inline> = Vec::new();
    for node in nodes {
        let Node::Element { name, children, .. } = node else {
            // Stray text between blocks becomes a paragraph (cells rely on this).
            inlines_into(std::slice::from_ref(node), false, false, &mut loose, parent)?;
            continue;
        };
        if is_inline(name) {
            inlines_into(std::slice::from_ref(node), false, false, &mut loose, parent)?;
            continue;
        }
        flush_loose(&mut loose, &mut out);
        match name.as_str() {
            "h1" | "h2" | "h3" => {
                let level = name[1..].parse().unwrap_or(1);
                out.push(Block::Heading { level, inlines: inline_list(children, name)? });
            }
            "p" => out.push(Block::Para {
                class: node.attr("class").map(str::to_string),
                inlines: inline_list(children, name)?,
            }),
            "ul" | "ol" => out.push(list(node)?),
            "table" => out.push(Block::Table(table(node)?)),
            "img" => out.push(Block::Image {
                name: node.attr("src").unwrap_or_default().trim_start_matches("chart:").to_string(),
                width_mm: node.attr("width").and_then(|w| w.trim().parse().ok()).unwrap_or(160),
                alt: node.attr("alt").unwrap_or_default().to_string(),
            }),
            "pagebreak" => out.push(Block::PageBreak),
            "section" => out.push(Block::Section {
                landscape: node.attr("orient") == Some("landscape"),
                blocks: blocks(children, name)?,
            }),
            other => {
                return Err(MarkupError::Unknown { element: other.to_string(), parent: parent.to_string() })
            }
        }
    }
    flush_loose(&mut loose, &mut out);
    Ok(out)
}

fn flush_loose(loose: &mut Vec<Inline>, out: &mut Vec<Block>) {
    let inl = tidy(std::mem::take(loose));
    if !inl.is_empty() {
        out.push(Block::Para { class: None, inlines: inl });
    }
}

fn is_inline(name: &str) -> bool {
    matches!(name, "strong" | "b" | "em" | "i" | "br" | "span" | "control")
}

/// A content control travels through the writer as one run of marker text (private-use
/// characters, fields separated by [`CONTROL_SEP`]); the packager turns it into a `w:sdt`.
pub const CONTROL_START: char = '\u{E000}';
pub const CONTROL_SEP: char = '\u{E002}';
pub const CONTROL_END: char = '\u{E001}';

fn inline_list(nodes: &[Node], parent: &str) -> Result<Vec<Inline>, MarkupError> {
    let mut out = Vec::new();
    inlines_into(nodes, false, false, &mut out, parent)?;
    Ok(tidy(out))
}

fn inlines_into(
    nodes: &[Node],
    bold: bool,
    italic: bool,
    out: &mut Vec<Inline>,
    parent: &str,
) -> Result<(), MarkupError> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push(Inline { text: collapse(t), bold, italic, br: false }),
            Node::Element { name, children, .. } => match name.as_str() {
                "strong" | "b" => inlines_into(children, true, italic, out, name)?,
                "em" | "i" => inlines_into(children, bold, true, out, name)?,
                "span" => inlines_into(children, bold, italic, out, name)?,
                "br" => out.push(Inline { br: true, ..Inline::default() }),
                "control" => {
                    let a = |k: &str| {
                        node.attr(k).unwrap_or("").replace([CONTROL_START, CONTROL_SEP, CONTROL_END], "")
                    };
                    let text = format!(
                        "{CONTROL_START}{}{CONTROL_SEP}{}{CONTROL_SEP}{}{CONTROL_SEP}{}{CONTROL_SEP}{}{CONTROL_SEP}{}{CONTROL_END}",
                        a("kind"),
                        a("tag"),
                        a("options"),
                        a("placeholder"),
                        a("checked"),
                        a("title")
                    );
                    out.push(Inline { text, bold, italic, br: false });
                }
                other => {
                    return Err(MarkupError::Unknown {
                        element: other.to_string(),
                        parent: parent.to_string(),
                    })
                }
            },
        }
    }
    Ok(())
}

/// Collapses runs of white space to one space.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            space = true;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Merges adjacent runs, trims the ends and drops empty runs.
fn tidy(runs: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for r in runs {
        if !r.br && r.text.is_empty() {
            continue;
        }
        let prev_ends_space = out.last().map(|p| p.br || p.text.ends_with(' ')).unwrap_or(true);
        let text = if prev_ends_space { r.text.trim_start().to_string() } else { r.text };
        if !r.br && text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(p)
                if !p.br
                    && !r.br
                    && p.bold == r.bold
                    && p.italic == r.italic
                    && !p.text.contains(CONTROL_END)
                    && !text.contains(CONTROL_START) =>
            {
                p.text.push_str(&text)
            }
            _ => out.push(Inline { text, ..r }),
        }
    }
    // Trim trailing space before breaks and at the end.
    for i in 0..out.len() {
        let next_is_br = out.get(i + 1).map(|n| n.br).unwrap_or(true);
        if next_is_br {
            if let Some(r) = out.get_mut(i) {
                let t = r.text.trim_end().to_string();
                r.text = t;
            }
        }
    }
    out.retain(|r| r.br || !r.text.is_empty());
    while out.last().map(|r| r.br).unwrap_or(false) {
        out.pop();
    }
    out
}

fn list(node: &Node) -> Result<Block, MarkupError> {
    let Node::Element { name, children, .. } = node else {
        return Err(MarkupError::Xml("list expected".into()));
    };
    let mut items = Vec::new();
    for child in children {
        match child {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Element { name: n, children: li, .. } if n == "li" => {
                let mut item = ListItem::default();
                let mut inl = Vec::new();
                for c in li {
                    match c {
                        Node::Element { name: sub, .. } if sub == "ul" || sub == "ol" => {
                            item.children.push(list(c)?)
                        }
                        _ => inlines_into(std::slice::from_ref(c), false, false, &mut inl, "li")?,
                    }
                }
                item.inlines = tidy(inl);
                items.push(item);
            }
            Node::Element { name: other, .. } => {
                return Err(MarkupError::Unknown { element: other.clone(), parent: name.clone() })
            }
            Node::Text(_) => {
                return Err(MarkupError::Unknown { element: "text".into(), parent: name.clone() })
            }
        }
    }
    let level = node.attr("level").and_then(|l| l.parse::<usize>().ok()).unwrap_or(0).min(4);
    Ok(Block::List { ordered: name == "ol", items, level })
}

fn table(node: &Node) -> Result<Table, MarkupError> {
    let Node::Element { children, .. } = node else {
        return Err(MarkupError::Xml("table expected".into()));
    };
    let widths = node
        .attr("widths")
        .map(|w| w.split(',').filter_map(|x| x.trim().parse::<u32>().ok()).filter(|&x| x > 0).collect())
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut row_nodes: Vec<&Node> = Vec::new();
    for child in children {
        match child {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Element { name, children: inner, .. } if name == "thead" || name == "tbody" => {
                row_nodes.extend(inner.iter().filter(|n| matches!(n, Node::Element { .. })))
            }
            Node::Element { name, .. } if name == "tr" => row_nodes.push(child),
            Node::Element { name, .. } => {
                return Err(MarkupError::Unknown { element: name.clone(), parent: "table".into() })
            }
            Node::Text(_) => {
                return Err(MarkupError::Unknown { element: "text".into(), parent: "table".into() })
            }
        }
    }
    for tr in row_nodes {
        let Node::Element { name, children: cells, .. } = tr else { continue };
        if name != "tr" {
            return Err(MarkupError::Unknown { element: name.clone(), parent: "table".into() });
        }
        let mut row = Row {
            height_mm: tr.attr("height").and_then(|h| h.trim().parse().ok()).filter(|&h: &u32| h <= 200),
            keep_next: tr.attr("keep") == Some("next"),
            ..Row::default()
        };
        for c in cells {
            match c {
                Node::Text(t) if t.trim().is_empty() => {}
                Node::Element { name, children: inner, .. } if name == "td" || name == "th" => {
                    let class = c.attr("class").unwrap_or_default();
                    let fill = c
                        .attr("fill")
                        .map(|f| f.trim_start_matches('#').to_ascii_uppercase())
                        .filter(|f| f.len() == 6 && f.chars().all(|ch| ch.is_ascii_hexdigit()))
                        .or_else(|| class.split_whitespace().find_map(status_fill).map(str::to_string));
                    row.cells.push(Cell {
                        header: name == "th",
                        fill,
                        colspan: c.attr("colspan").and_then(|s| s.trim().parse().ok()).unwrap_or(1).max(1),
                        align: c.attr("align").map(str::to_string),
                        small: class.split_whitespace().any(|k| k == "small"),
                        blocks: blocks(inner, name)?,
                    });
                }
                Node::Element { name, .. } => {
                    return Err(MarkupError::Unknown { element: name.clone(), parent: "tr".into() })
                }
                Node::Text(_) => {
                    return Err(MarkupError::Unknown { element: "text".into(), parent: "tr".into() })
                }
            }
        }
        row.header = !row.cells.is_empty() && row.cells.iter().all(|c| c.header);
        rows.push(row);
    }
    let width_pct =
        node.attr("width").and_then(|w| w.trim().trim_end_matches('%').parse().ok()).unwrap_or(100);
    Ok(Table { widths, width_pct: u32::clamp(width_pct, 10, 100), rows })
}

/// The alternative texts of the document's pictures, in document order.
pub fn image_alts(m: &Markup) -> Vec<String> {
    fn walk(blocks: &[Block], out: &mut Vec<String>) {
        for b in blocks {
            match b {
                Block::Image { alt, .. } => out.push(alt.clone()),
                Block::Section { blocks, .. } => walk(blocks, out),
                Block::Table(t) => {
                    for r in &t.rows {
                        for c in &r.cells {
                            walk(&c.blocks, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&m.blocks, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_subset() {
        let m = parse(
            r##"<document title="T" header="H"><h1>Til  <em>tittel</em></h1>
            <p>Ein <strong>fet</strong> tekst &amp; meir<br/>ny linje</p>
            <ul><li>a<ol><li>a1</li></ol></li><li>b</li></ul>
            <section orient="landscape"><table widths="1,2"><tr><th>A</th><th>B</th></tr>
            <tr><td class="green">Grønn</td><td colspan="2" fill="#ABCDEF"><p>x</p><p>y</p></td></tr></table></section>
            <img src="chart:status"/><pagebreak/></document>"##,
        )
        .unwrap();
        assert_eq!(m.title, "T");
        assert_eq!(m.blocks.len(), 6);
        let Block::Heading { level: 1, inlines } = &m.blocks[0] else { panic!() };
        assert_eq!(inlines.len(), 2);
        assert_eq!(inlines[0].text, "Til ");
        assert!(inlines[1].italic);
        let Block::Para { inlines, .. } = &m.blocks[1] else { panic!() };
        assert_eq!(inlines[2].text, " tekst & meir");
        assert!(inlines[3].br);
        let Block::List { ordered: false, items, .. } = &m.blocks[2] else { panic!() };
        assert_eq!(items[0].children.len(), 1);
        let Block::Section { landscape: true, blocks } = &m.blocks[3] else { panic!() };
        let Block::Table(t) = &blocks[0] else { panic!() };
        assert!(t.rows[0].header);
        assert_eq!(t.rows[1].cells[0].fill.as_deref(), Some("00B050"));
        assert_eq!(t.rows[1].cells[1].fill.as_deref(), Some("ABCDEF"));
        assert_eq!(t.rows[1].cells[1].colspan, 2);
        assert_eq!(t.rows[1].cells[1].blocks.len(), 2);
    }

    #[test]
    fn unknown_element_is_named() {
        let e = parse("<document><blink>x</blink></document>").unwrap_err();
        assert_eq!(e, MarkupError::Unknown { element: "blink".into(), parent: "document".into() });
    }

    #[test]
    fn broken_markup_is_an_error_not_a_panic() {
        for src in ["", "<document>", "<p>x</p>", "<document><p></document>", "<document>&bogus;</document>"]
        {
            assert!(parse(src).is_err(), "{src}");
        }
    }
}
