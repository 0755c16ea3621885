//! A small XML tree for the package parts, built with quick-xml.
//!
//! Elements and attributes are kept by **local name** only (`w:p` → `p`), so transitional
//! (`schemas.openxmlformats.org`) and Strict (`purl.oclc.org`) namespaces read the same. Text is
//! kept only inside the elements whose text matters (`w:t`, `w:delText`, `w:instrText`, `a:t`),
//! which keeps the tree small. A `<!DOCTYPE` anywhere refuses the part ([`ReadError::Dtd`]):
//! DOCX never needs one, and entities are the classic XML attack. Nesting is bounded so that
//! the recursive walkers above cannot overflow the stack.

use crate::read::{Limits, ReadError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::time::Instant;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 400;

/// One element: local name, attributes (local name → value) and children.
#[derive(Debug, Default, Clone)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The value of an attribute by local name (`w:val` → `val`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// All child elements with this local name.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.elements().filter(move |e| e.name == name)
    }

    /// `w:val` of the named child, e.g. `pPr.child_val("pStyle")`.
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("val"))
    }

    /// The concatenated text directly inside this element.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                s.push_str(t);
            }
        }
        s
    }

    /// Depth-first search for descendants with this local name (not descending into matches).
    pub fn find_all<'s>(&'s self, name: &str, out: &mut Vec<&'s Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }
}

/// An OOXML on/off property: present without `val`, or `val` not false/0/off.
pub fn on_off(e: Option<&Element>) -> Option<bool> {
    e.map(|e| !matches!(e.attr("val"), Some("0" | "false" | "off" | "none")))
}

fn keeps_text(name: &str) -> bool {
    matches!(name, "t" | "delText" | "instrText")
}

fn local(qname: &[u8]) -> String {
    let local = match qname.iter().rposition(|&b| b == b':') {
        Some(i) => qname.get(i + 1..).unwrap_or_default(),
        None => qname,
    };
    String::from_utf8_lossy(local).into_owned()
}

fn element(start: &BytesStart<'_>) -> Element {
    let mut attrs = Vec::new();
    for a in start.attributes().with_checks(false).flatten() {
        let key = a.key.as_ref();
        if key.starts_with(b"xmlns") {
            continue;
        }
        let raw = String::from_utf8_lossy(&a.value);
        let value =
            quick_xml::escape::unescape(&raw).map(|v| v.into_owned()).unwrap_or_else(|_| raw.to_string());
        attrs.push((local(key), value));
    }
    attrs.shrink_to_fit(); // a Vec grows to 4 slots: most elements have one attribute
    Element { name: local(start.name().as_ref()), attrs, children: Vec::new() }
}

/// Decode a part to UTF-8: strip a UTF-8 BOM, transcode UTF-16 (with BOM).
fn to_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return rest.into();
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc =
            if bytes.starts_with(&[0xFF, 0xFE]) { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (s, _) = enc.decode_with_bom_removal(bytes.get(2..).unwrap_or_default());
        return s.into_owned().into_bytes().into();
    }
    bytes.into()
}

/// Parse a part into its root element. `part` names the part in errors.
pub fn parse(bytes: &[u8], part: &str, limits: &Limits, started: Instant) -> Result<Element, ReadError> {
    let bytes = to_utf8(bytes);
    let mut reader = Reader::from_reader(bytes.as_ref());
    reader.config_mut().check_end_names = false;
    let bad = |e: String| ReadError::BadDocx(format!("malformed XML in {part}: {e}"));
    // stack[0] is a synthetic document node
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut events: u64 = 0;
    loop {
        events += 1;
        if events.is_multiple_of(4096) {
            super::package::check_deadline(started, limits)?;
            // Every event makes at most one node: bound the tree (each node costs ~100 bytes,
            // so a highly compressed part of empty runs cannot inflate into gigabytes).
            if events > limits.max_xml_nodes {
                return Err(ReadError::Budget(format!(
                    "{part} has more than {} XML tags and text pieces",
                    limits.max_xml_nodes
                )));
            }
        }
        let ev = reader.read_event().map_err(|e| bad(e.to_string()))?;
        match ev {
            Event::DocType(_) => return Err(ReadError::Dtd(part.to_string())),
            Event::Start(s) => {
                if stack.len() > MAX_DEPTH {
                    return Err(ReadError::BadDocx(format!(
                        "XML in {part} is nested deeper than {MAX_DEPTH} elements"
                    )));
                }
                stack.push(element(&s));
            }
            Event::Empty(s) => {
                let e = element(&s);
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Element(e));
                }
            }
            Event::End(_) => {
                if stack.len() > 1 {
                    if let Some(mut done) = stack.pop() {
                        // most elements have one or two children; without this every one keeps
                        // four slots (~320 bytes), tripling the tree
                        done.children.shrink_to_fit();
                        if let Some(top) = stack.last_mut() {
                            top.children.push(Node::Element(done));
                        }
                    }
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    if keeps_text(&top.name) {
                        let s = t.xml10_content().map_err(|e| bad(e.to_string()))?;
                        top.children.push(Node::Text(s.into_owned()));
                    }
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    if keeps_text(&top.name) {
                        top.children.push(Node::Text(String::from_utf8_lossy(&t).into_owned()));
                    }
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    if keeps_text(&top.name) {
                        let c = match r.resolve_char_ref() {
                            Ok(Some(c)) => Some(c),
                            Ok(None) => r.decode().ok().and_then(|n| crate::util::xml_predefined_entity(&n)),
                            Err(_) => None,
                        };
                        match c {
                            Some(c) => top.children.push(Node::Text(c.to_string())),
                            None => {
                                let name = String::from_utf8_lossy(&r).into_owned();
                                return Err(bad(format!("undeclared entity &{name};")));
                            }
                        }
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    // close elements left open by a truncated part
    while stack.len() > 1 {
        if let Some(done) = stack.pop() {
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Element(done));
            }
        }
    }
    let doc = stack.pop().unwrap_or_default();
    doc.children
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| ReadError::BadDocx(format!("{part} has no root element")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Element, ReadError> {
        parse(s.as_bytes(), "word/document.xml", &Limits::default(), Instant::now())
    }

    #[test]
    fn local_names_and_text() {
        let e = p(r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t xml:space="preserve"> a &amp; b&#x41;</w:t></w:r></w:p></w:body></w:document>"#)
            .unwrap();
        assert_eq!(e.name, "document");
        let t =
            e.child("body").and_then(|b| b.child("p")).and_then(|p| p.child("r")).and_then(|r| r.child("t"));
        assert_eq!(t.map(|t| t.text()), Some(" a & bA".to_string()));
        assert_eq!(t.and_then(|t| t.attr("space")), Some("preserve"));
    }

    #[test]
    fn doctype_refused() {
        let e = p(r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#);
        assert!(matches!(e, Err(ReadError::Dtd(ref s)) if s == "word/document.xml"), "{e:?}");
    }

    #[test]
    fn undeclared_entity_is_malformed() {
        let e = p(r#"<w:t>a &nbsp; b</w:t>"#);
        assert!(matches!(e, Err(ReadError::BadDocx(ref m)) if m.contains("&nbsp;")), "{e:?}");
    }

    #[test]
    fn too_deep_refused() {
        let s = "<a>".repeat(MAX_DEPTH + 10);
        assert!(matches!(p(&s), Err(ReadError::BadDocx(_))));
    }
}
