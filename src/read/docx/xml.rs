//! A small XML tree for the package parts, built with quick-xml.
//!
//! Elements and attributes are kept by **local name** only (`w:p` → `p`), so transitional
//! (`schemas.openxmlformats.org`) and Strict (`purl.oclc.org`) namespaces read the same. Text is
//! kept only inside the elements whose text matters (`w:t`, `w:delText`, `w:instrText`, `a:t`),
//! which keeps the tree small. A `<!DOCTYPE` anywhere refuses the part ([`ReadError::Dtd`]):
//! DOCX never needs one, and entities are the classic XML attack. Nesting is bounded so that
//! the recursive walkers above cannot overflow the stack.
//!
//! The parser runs on every part of every DOCX, so it allocates little: only the attributes a
//! reader asks for are kept ([`kept_attribute`]; fonts, sizes, spacing, revision-session ids and
//! the like, most of a part's attributes, are passed over), the local names of the common
//! elements are static strings ([`intern`]), and a node's children are gathered on one scratch
//! stack and moved into a vector of their exact size when the element closes.

use super::schema::{self, Ctx, Keep, Part};
use crate::read::{Limits, ReadError};
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::borrow::Cow;
use std::time::Instant;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 400;

/// XML events between two checks of the deadline and of the node budget.
const CHECK_EVERY: u64 = 4096;

/// One element: local name, attributes (local name → value) and children.
#[derive(Debug, Default, Clone)]
pub struct Element {
    /// Local name; a static string for the names OOXML uses ([`intern`]).
    pub name: Cow<'static, str>,
    /// The attributes a reader looks at ([`kept_attribute`]): local name → value.
    pub attrs: Vec<(&'static str, String)>,
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
        self.attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
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
    keeps_text_bytes(name.as_bytes())
}

fn keeps_text_bytes(local: &[u8]) -> bool {
    matches!(local, b"t" | b"delText" | b"instrText")
}

/// The local part of a qualified name (`w:p` → `p`).
fn local(qname: &[u8]) -> &[u8] {
    match qname.iter().rposition(|&b| b == b':') {
        Some(i) => qname.get(i + 1..).unwrap_or_default(),
        None => qname,
    }
}

/// A local name as a string: static for the names the OOXML parts are made of, else owned.
fn name_of(local: &[u8]) -> Cow<'static, str> {
    match std::str::from_utf8(local) {
        Ok(s) => intern(s).map_or_else(|| Cow::Owned(s.to_string()), Cow::Borrowed),
        Err(_) => Cow::Owned(String::from_utf8_lossy(local).into_owned()),
    }
}

/// The static string of a common element local name of WordprocessingML, DrawingML, markup
/// compatibility and the package parts (relationships, content types).
fn intern(s: &str) -> Option<&'static str> {
    Some(match s {
        // the most frequent first: the arms are tried in order
        "r" => "r",
        "rPr" => "rPr",
        "t" => "t",
        "p" => "p",
        "pPr" => "pPr",
        "rFonts" => "rFonts",
        "sz" => "sz",
        "szCs" => "szCs",
        "lang" => "lang",
        "b" => "b",
        "bCs" => "bCs",
        "i" => "i",
        "iCs" => "iCs",
        "color" => "color",
        "spacing" => "spacing",
        "jc" => "jc",
        "ind" => "ind",
        "noProof" => "noProof",
        "tc" => "tc",
        "tcPr" => "tcPr",
        "tcW" => "tcW",
        "tr" => "tr",
        "pStyle" => "pStyle",
        "rStyle" => "rStyle",
        "proofErr" => "proofErr",
        "bookmarkStart" => "bookmarkStart",
        "bookmarkEnd" => "bookmarkEnd",
        "numPr" => "numPr",
        "ilvl" => "ilvl",
        "numId" => "numId",
        "tab" => "tab",
        "br" => "br",
        "shd" => "shd",
        "top" => "top",
        "left" => "left",
        "bottom" => "bottom",
        "right" => "right",
        "name" => "name",
        "basedOn" => "basedOn",
        "style" => "style",
        "lastRenderedPageBreak" => "lastRenderedPageBreak",
        "vanish" => "vanish",
        "u" => "u",
        "kern" => "kern",
        "document" => "document",
        "body" => "body",
        "tabs" => "tabs",
        "cr" => "cr",
        "tbl" => "tbl",
        "tblPr" => "tblPr",
        "tblGrid" => "tblGrid",
        "gridCol" => "gridCol",
        "trPr" => "trPr",
        "gridSpan" => "gridSpan",
        "gridBefore" => "gridBefore",
        "vMerge" => "vMerge",
        "hMerge" => "hMerge",
        "tblStyle" => "tblStyle",
        "vertAlign" => "vertAlign",
        "highlight" => "highlight",
        "caps" => "caps",
        "webHidden" => "webHidden",
        "sectPr" => "sectPr",
        "pgSz" => "pgSz",
        "pgMar" => "pgMar",
        "cols" => "cols",
        "docGrid" => "docGrid",
        "headerReference" => "headerReference",
        "footerReference" => "footerReference",
        "fldChar" => "fldChar",
        "instrText" => "instrText",
        "fldSimple" => "fldSimple",
        "hyperlink" => "hyperlink",
        "sdt" => "sdt",
        "sdtPr" => "sdtPr",
        "sdtContent" => "sdtContent",
        "sdtEndPr" => "sdtEndPr",
        "delText" => "delText",
        "ins" => "ins",
        "del" => "del",
        "tblW" => "tblW",
        "tblBorders" => "tblBorders",
        "tcBorders" => "tcBorders",
        "tblLook" => "tblLook",
        "tblLayout" => "tblLayout",
        "tblInd" => "tblInd",
        "tblCellMar" => "tblCellMar",
        "start" => "start",
        "end" => "end",
        "insideH" => "insideH",
        "insideV" => "insideV",
        "vAlign" => "vAlign",
        "trHeight" => "trHeight",
        "tblHeader" => "tblHeader",
        "cantSplit" => "cantSplit",
        "keepNext" => "keepNext",
        "keepLines" => "keepLines",
        "widowControl" => "widowControl",
        "outlineLvl" => "outlineLvl",
        "contextualSpacing" => "contextualSpacing",
        "next" => "next",
        "link" => "link",
        "uiPriority" => "uiPriority",
        "qFormat" => "qFormat",
        "semiHidden" => "semiHidden",
        "unhideWhenUsed" => "unhideWhenUsed",
        "styles" => "styles",
        "docDefaults" => "docDefaults",
        "rPrDefault" => "rPrDefault",
        "pPrDefault" => "pPrDefault",
        "latentStyles" => "latentStyles",
        "lsdException" => "lsdException",
        "numbering" => "numbering",
        "abstractNum" => "abstractNum",
        "abstractNumId" => "abstractNumId",
        "lvl" => "lvl",
        "lvlText" => "lvlText",
        "numFmt" => "numFmt",
        "lvlJc" => "lvlJc",
        "lvlRestart" => "lvlRestart",
        "nsid" => "nsid",
        "multiLevelType" => "multiLevelType",
        "tmpl" => "tmpl",
        "num" => "num",
        "lvlOverride" => "lvlOverride",
        "startOverride" => "startOverride",
        "footnote" => "footnote",
        "footnotes" => "footnotes",
        "endnote" => "endnote",
        "endnotes" => "endnotes",
        "footnoteReference" => "footnoteReference",
        "endnoteReference" => "endnoteReference",
        "hdr" => "hdr",
        "ftr" => "ftr",
        "Relationships" => "Relationships",
        "Relationship" => "Relationship",
        "drawing" => "drawing",
        "inline" => "inline",
        "anchor" => "anchor",
        "AlternateContent" => "AlternateContent",
        "Choice" => "Choice",
        "Fallback" => "Fallback",
        "txbxContent" => "txbxContent",
        "srgbClr" => "srgbClr",
        "sysClr" => "sysClr",
        "clrScheme" => "clrScheme",
        "default" => "default",
        _ => return None,
    })
}

/// The attributes the readers look at ([`Element::attr`]), as static strings; every other
/// attribute (fonts, sizes, spacing, revision-session ids, …: most of a part's attributes) is
/// not kept. A reader that needs another attribute adds it here (a unit test checks that every
/// `attr("…")` in `src/read/docx` is in this list).
fn kept_attribute(local: &[u8]) -> Option<&'static str> {
    Some(match local {
        b"val" => "val",
        b"type" => "type",
        b"styleId" => "styleId",
        b"default" => "default",
        b"space" => "space",
        b"numId" => "numId",
        b"ilvl" => "ilvl",
        b"abstractNumId" => "abstractNumId",
        b"fldCharType" => "fldCharType",
        b"fill" => "fill",
        b"color" => "color",
        b"themeFill" => "themeFill",
        b"themeFillTint" => "themeFillTint",
        b"themeFillShade" => "themeFillShade",
        b"lastClr" => "lastClr",
        b"fullDate" => "fullDate",
        b"font" => "font",
        b"char" => "char",
        b"Type" => "Type",
        b"Target" => "Target",
        b"TargetMode" => "TargetMode",
        _ => return None,
    })
}

fn element(
    start: &BytesStart<'_>,
    name: Cow<'static, str>,
    attrs: bool,
    scratch: &mut Vec<(&'static str, String)>,
) -> Element {
    if !attrs {
        return Element { name, attrs: Vec::new(), children: Vec::new() };
    }
    // gathered on a scratch vector, then moved into one of their exact number
    scratch.clear();
    for a in start.attributes().with_checks(false).flatten() {
        let Some(key) = kept_attribute(local(a.key.as_ref())) else { continue };
        let raw = String::from_utf8_lossy(&a.value);
        let value = if raw.contains('&') {
            quick_xml::escape::unescape(&raw).map(Cow::into_owned).unwrap_or_else(|_| raw.to_string())
        } else {
            raw.into_owned()
        };
        scratch.push((key, value));
    }
    let mut kept = Vec::with_capacity(scratch.len());
    kept.append(scratch);
    Element { name, attrs: kept, children: Vec::new() }
}

/// The element for a start tag the schema keeps.
fn kept_element(
    start: &BytesStart<'_>,
    local_name: &[u8],
    k: &Keep,
    scratch: &mut Vec<(&'static str, String)>,
) -> Element {
    let name = match k.name {
        Some(n) => Cow::Borrowed(n),
        None => name_of(local_name),
    };
    element(start, name, k.attrs, scratch)
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

/// The end of a tag that starts at `tag[0] == b'<'`: the index of its `>`, quotes respected,
/// exactly as quick-xml's element parser finds it.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for i in memchr::memchr3_iter(b'>', b'\'', b'"', tag) {
        let b = *tag.get(i)?;
        match quote {
            None if b == b'>' => return Some(i),
            None => quote = Some(b),
            Some(q) if q == b => quote = None,
            Some(_) => {}
        }
    }
    None
}

/// Pass over the content of an element the reader does not read, at the byte level: the
/// input just after its start tag → the offset of its own end tag and the number of XML events
/// quick-xml would have made on the way (tags and text pieces), so that the caller can move the
/// reader there and count the same budget. `None` when anything could make quick-xml report
/// an error or an event this scan does not model (a comment, CDATA, processing instruction or
/// DTD, an entity or character reference, text of a text element that is not UTF-8, nesting
/// past `depth_left`, the end of the input): the caller then reads the subtree event by event
/// as before. `text_root` says whether the element itself is a text element (`w:t`, …), whose
/// text quick-xml would check with `decoder`; `open` is scratch space.
fn skip_content(
    input: &[u8],
    text_root: bool,
    depth_left: usize,
    decoder: Decoder,
    open: &mut Vec<bool>,
) -> Option<(usize, u64)> {
    open.clear();
    let mut pos = 0;
    let mut events = 0u64;
    loop {
        let rest = input.get(pos..)?;
        let i = memchr::memchr2(b'<', b'&', rest)?;
        if rest.get(i) != Some(&b'<') {
            return None;
        }
        if i > 0 {
            events += 1;
            // the check quick-xml's text decoding makes (the part's declared encoding)
            if open.last().copied().unwrap_or(text_root) && decoder.decode(rest.get(..i)?).is_err() {
                return None;
            }
        }
        let tag = rest.get(i..)?;
        match tag.get(1)? {
            b'!' | b'?' => return None,
            b'/' => {
                if open.pop().is_none() {
                    return Some((pos + i, events));
                }
                pos += i + tag_end(tag)? + 1;
                events += 1;
            }
            _ => {
                let end = tag_end(tag)?;
                let content = tag.get(1..end)?;
                events += 1;
                if content.last() != Some(&b'/') {
                    if open.len() >= depth_left {
                        return None;
                    }
                    let name_len = content
                        .iter()
                        .position(|b| matches!(b, b' ' | b'\r' | b'\n' | b'\t'))
                        .unwrap_or(content.len());
                    open.push(keeps_text_bytes(local(content.get(..name_len)?)));
                }
                pos += i + end + 1;
            }
        }
    }
}

/// Parse a part into its root element with every element kept (the general tree). `part`
/// names the part in errors.
pub fn parse(bytes: &[u8], part: &str, limits: &Limits, started: Instant) -> Result<Element, ReadError> {
    parse_part(bytes, part, Part::Any, limits, started)
}

/// An open element being built, with where its children start on the scratch stack and what
/// its children mean.
struct Open {
    el: Element,
    from: usize,
    ctx: Ctx,
    prune: bool,
    /// The first-only property containers ([`Keep::once`]) met among its children.
    once_seen: u8,
}

/// Parse a part into its root element, keeping only what the reader of that `kind` of part
/// looks at ([`schema`](super::schema)). Every byte is still scanned: errors, refusals and
/// budgets are those of the whole part. `part` names the part in errors.
pub fn parse_part(
    bytes: &[u8],
    part: &str,
    kind: Part,
    limits: &Limits,
    started: Instant,
) -> Result<Element, ReadError> {
    let bytes = to_utf8(bytes);
    let mut reader = Reader::from_reader(bytes.as_ref());
    reader.config_mut().check_end_names = false;
    let bad = |e: String| ReadError::BadDocx(format!("malformed XML in {part}: {e}"));
    // the open kept elements; the first is a synthetic document node
    let mut stack: Vec<Open> =
        vec![Open { el: Element::default(), from: 0, ctx: Ctx::Top(kind), prune: false, once_seen: 0 }];
    // the open elements passed over (inside the last kept one), innermost last: whether each
    // is a text element, whose text is still checked (not kept) so that errors stay the same
    let mut skipped: Vec<bool> = Vec::new();
    // the children of the open elements, in document order; an element's are moved into a
    // vector of their exact size when it closes
    let mut pending: Vec<Node> = Vec::new();
    // the theme's first colour scheme was found: nothing after it is read
    let mut scheme_found = false;
    let close = |stack: &mut Vec<Open>, pending: &mut Vec<Node>| {
        if let Some(Open { el: mut done, from, prune, .. }) = stack.pop() {
            let from = from.min(pending.len());
            if prune && from == pending.len() {
                return;
            }
            done.children = pending.drain(from..).collect();
            pending.push(Node::Element(done));
        }
    };
    // the decision for a child of the innermost kept element
    let decide = |stack: &mut Vec<Open>, pending: &Vec<Node>, scheme_found: &mut bool, local: &[u8]| {
        let top = stack.last_mut()?;
        let k = schema::decide(top.ctx, local)?;
        if k.once != 0 {
            // only the first of its name is read, kept or dropped empty
            if top.once_seen & k.once != 0 {
                return None;
            }
            top.once_seen |= k.once;
        }
        if k.branch {
            // only the first Choice of an mc:AlternateContent (else its Fallback) is read
            let siblings = pending.get(top.from..).unwrap_or_default();
            if siblings.iter().any(|n| matches!(n, Node::Element(e) if e.name == "Choice")) {
                return None;
            }
        }
        if top.ctx == Ctx::ThemeSearch {
            if *scheme_found {
                return None;
            }
            *scheme_found = k.ctx == Ctx::ClrScheme;
        }
        Some(k)
    };
    let budget = || {
        ReadError::Budget(format!("{part} has more than {} XML tags and text pieces", limits.max_xml_nodes))
    };
    let mut scratch: Vec<bool> = Vec::new();
    let mut attr_scratch: Vec<(&'static str, String)> = Vec::new();
    let mut events: u64 = 0;
    loop {
        events += 1;
        if events.is_multiple_of(CHECK_EVERY) {
            super::package::check_deadline(started, limits)?;
            // Every event makes at most one node: bound the tree (each node costs ~100 bytes,
            // so a highly compressed part of empty runs cannot inflate into gigabytes).
            if events > limits.max_xml_nodes {
                return Err(budget());
            }
        }
        let ev = reader.read_event().map_err(|e| bad(e.to_string()))?;
        // (whether the innermost open element keeps its text, whether it is passed over)
        let text_here = |stack: &Vec<Open>, skipped: &Vec<bool>| match skipped.last() {
            Some(&t) => (t, true),
            None => (stack.last().is_some_and(|top| keeps_text(&top.el.name)), false),
        };
        match ev {
            Event::DocType(_) => return Err(ReadError::Dtd(part.to_string())),
            Event::Start(s) => {
                if stack.len() + skipped.len() > MAX_DEPTH {
                    return Err(ReadError::BadDocx(format!(
                        "XML in {part} is nested deeper than {MAX_DEPTH} elements"
                    )));
                }
                let qname = s.name();
                let local_name = local(qname.as_ref());
                if !skipped.is_empty() {
                    skipped.push(keeps_text_bytes(local_name));
                    continue;
                }
                if let Some(k) = decide(&mut stack, &pending, &mut scheme_found, local_name) {
                    stack.push(Open {
                        el: kept_element(&s, local_name, &k, &mut attr_scratch),
                        from: pending.len(),
                        ctx: k.ctx,
                        prune: k.prune,
                        once_seen: 0,
                    });
                    continue;
                }
                let text_root = keeps_text_bytes(local_name);
                skipped.push(text_root);
                // the whole content at once, when it is plain tags and text; its end tag is
                // then read (and counted) as usual
                let depth_left = (MAX_DEPTH + 1).saturating_sub(stack.len() + skipped.len());
                let input: &[u8] = reader.get_ref();
                if let Some((len, n)) =
                    skip_content(input, text_root, depth_left, reader.decoder(), &mut scratch)
                {
                    let rest = input.get(len..).unwrap_or_default();
                    *reader.get_mut() = rest;
                    let before = events;
                    events += n;
                    // the checks the event loop would have made on the way
                    let mut at = (before / CHECK_EVERY + 1) * CHECK_EVERY;
                    while at <= events {
                        super::package::check_deadline(started, limits)?;
                        if at > limits.max_xml_nodes {
                            return Err(budget());
                        }
                        at += CHECK_EVERY;
                    }
                }
            }
            Event::Empty(s) => {
                if skipped.is_empty() {
                    let qname = s.name();
                    let local_name = local(qname.as_ref());
                    if let Some(k) = decide(&mut stack, &pending, &mut scheme_found, local_name) {
                        if !k.prune {
                            pending.push(Node::Element(kept_element(&s, local_name, &k, &mut attr_scratch)));
                        }
                    }
                }
            }
            Event::End(_) => {
                if skipped.pop().is_none() && stack.len() > 1 {
                    close(&mut stack, &mut pending);
                }
            }
            Event::Text(t) => {
                let (keeps, passed_over) = text_here(&stack, &skipped);
                if keeps {
                    let s = t.xml10_content().map_err(|e| bad(e.to_string()))?;
                    if !passed_over {
                        pending.push(Node::Text(s.into_owned()));
                    }
                }
            }
            Event::CData(t) => {
                let (keeps, passed_over) = text_here(&stack, &skipped);
                if keeps && !passed_over {
                    pending.push(Node::Text(String::from_utf8_lossy(&t).into_owned()));
                }
            }
            Event::GeneralRef(r) => {
                let (keeps, passed_over) = text_here(&stack, &skipped);
                if keeps {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        Ok(None) => r.decode().ok().and_then(|n| crate::util::xml_predefined_entity(&n)),
                        Err(_) => None,
                    };
                    match c {
                        Some(c) if !passed_over => pending.push(Node::Text(c.to_string())),
                        Some(_) => {}
                        None => {
                            let name = String::from_utf8_lossy(&r).into_owned();
                            return Err(bad(format!("undeclared entity &{name};")));
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
        close(&mut stack, &mut pending);
    }
    pending
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
    fn names_are_interned_and_others_kept() {
        for n in ["p", "r", "t", "pPr", "tbl", "style", "Relationship", "clrScheme"] {
            assert_eq!(intern(n), Some(n));
        }
        for other in ["", "pp", "P", "w:p", "rsidR", "unknownElement", "valx"] {
            assert_eq!(intern(other), None, "{other}");
        }
        let e =
            p(r#"<w:p w:rsidR="00A1" w14:paraId="1" w:val="a&amp;b" w:customAttr="x"><w:newThing/></w:p>"#)
                .unwrap();
        assert_eq!(e.attr("val"), Some("a&b"));
        for dropped in ["customAttr", "rsidR", "paraId"] {
            assert_eq!(e.attr(dropped), None, "{dropped}");
        }
        assert_eq!(e.elements().next().map(|c| c.name.as_ref()), Some("newThing"));
    }

    #[test]
    fn every_attribute_a_reader_asks_for_is_kept() {
        let sources = [
            include_str!("body.rs"),
            include_str!("mod.rs"),
            include_str!("numbering.rs"),
            include_str!("styles.rs"),
            include_str!("package.rs"),
        ];
        let mut asked = 0;
        for src in sources {
            for piece in src.split("attr(\"").skip(1) {
                let name = piece.split('"').next().unwrap_or_default();
                asked += 1;
                assert_eq!(
                    kept_attribute(name.as_bytes()),
                    Some(name),
                    "attr(\"{name}\") is not kept by the parser"
                );
            }
        }
        assert!(asked > 10, "{asked}");
        assert_eq!(kept_attribute(b"rFonts"), None);
    }

    /// The part parsed for the body reader and as the general tree: the same error, or both
    /// fine.
    fn same_outcome(xml: &str, limits: &Limits) -> Result<Element, ReadError> {
        let all = parse(xml.as_bytes(), "word/document.xml", limits, Instant::now());
        let main = parse_part(xml.as_bytes(), "word/document.xml", Part::Main, limits, Instant::now());
        match (&all, &main) {
            (Err(a), Err(m)) => assert_eq!(format!("{a:?}"), format!("{m:?}"), "{xml}"),
            (Ok(_), Ok(_)) => {}
            _ => panic!("{xml}: general tree {all:?}, body reader's tree {main:?}"),
        }
        main
    }

    fn doc(body: &str) -> String {
        format!(r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#)
    }

    #[test]
    fn skipped_subtrees_are_refused_as_before() {
        let limits = Limits::default();
        let deep = format!(
            "<w:sectPr>{}{}</w:sectPr>",
            "<w:x>".repeat(MAX_DEPTH + 5),
            "</w:x>".repeat(MAX_DEPTH + 5)
        );
        let cases = [
            // a DTD inside run properties
            doc("<w:p><w:r><w:rPr><w:rFonts/><!DOCTYPE x></w:rPr></w:r></w:p>"),
            // an undeclared entity in deleted text (w:del is not read, its text is still checked)
            doc("<w:p><w:del><w:r><w:delText>a &nbsp; b</w:delText></w:r></w:del></w:p>"),
            // nesting past the limit inside section properties
            doc(&deep),
            // end tags without a start, after a skipped subtree
            doc("<w:sectPr><w:pgSz/></w:sectPr></w:x></w:y></w:z>"),
            // cut off inside a skipped subtree, inside a tag, inside a quoted value
            r#"<w:document xmlns:w="w"><w:body><w:sectPr><w:pgSz"#.to_string(),
            r#"<w:document xmlns:w="w"><w:body><w:sectPr><w:pgSz w:w="1>"#.to_string(),
            r#"<w:document xmlns:w="w"><w:body><w:sectPr><w:cols>"#.to_string(),
            // a comment, a processing instruction and CDATA in skipped content
            doc("<w:sectPr><!-- a > b --><?pi x?><w:x><![CDATA[<]]></w:x></w:sectPr><w:p/>"),
            // '>' inside quoted attribute values of skipped and kept tags
            doc(r#"<w:sectPr><w:x a="1>2" b='3>4'/></w:sectPr><w:p w:x="a>b"><w:r><w:t>x</w:t></w:r></w:p>"#),
        ];
        for xml in &cases {
            let _ = same_outcome(xml, &limits);
        }
        assert!(matches!(same_outcome(&cases[0], &limits), Err(ReadError::Dtd(_))));
        assert!(
            matches!(same_outcome(&cases[1], &limits), Err(ReadError::BadDocx(ref m)) if m.contains("&nbsp;"))
        );
        assert!(
            matches!(same_outcome(&cases[2], &limits), Err(ReadError::BadDocx(ref m)) if m.contains("deeper"))
        );
        assert!(
            matches!(same_outcome(&cases[3], &limits), Err(ReadError::BadDocx(ref m)) if m.contains("ill-formed"))
        );
    }

    #[test]
    fn skipped_tags_count_against_the_budget() {
        let limits = Limits { max_xml_nodes: CHECK_EVERY, ..Limits::default() };
        // the document, body and sectPr tags, their three end tags and the end of input: 7
        // events besides the empty tags; the budget is checked at event 2 × CHECK_EVERY
        let fits = CHECK_EVERY as usize * 2 - 8;
        for (n, refused) in [(fits, false), (fits + 1, true)] {
            let xml = format!(
                r#"<w:document xmlns:w="w"><w:body><w:sectPr>{}</w:sectPr></w:body></w:document>"#,
                "<w:x/>".repeat(n)
            );
            let got = same_outcome(&xml, &limits);
            assert_eq!(matches!(got, Err(ReadError::Budget(_))), refused, "{n}: {got:?}");
        }
    }

    #[test]
    fn the_body_tree_keeps_what_the_reader_reads() {
        let xml = doc(concat!(
            r#"<w:p w:rsidR="1"><w:pPr><w:spacing w:after="0"/></w:pPr>"#,
            r#"<w:r><w:rPr><w:rFonts w:ascii="A"/><w:b/><w:sz w:val="20"/></w:rPr><w:t>a</w:t></w:r>"#,
            r#"<w:r><w:drawing><wp:inline><a:graphic/></wp:inline></w:drawing><w:t></w:t></w:r></w:p>"#,
            r#"<w:sectPr><w:pgSz w:w="1"/></w:sectPr>"#
        ));
        let root = same_outcome(&xml, &Limits::default()).unwrap();
        let body = root.child("body").unwrap();
        assert_eq!(body.elements().map(|e| e.name.as_ref()).collect::<Vec<_>>(), ["p"]);
        let p = body.child("p").unwrap();
        // spacing is not read: the empty pPr is dropped, as is the drawing without a text box
        // and the empty w:t
        assert!(p.child("pPr").is_none() && p.attrs.is_empty());
        let runs: Vec<&Element> = p.children_named("r").collect();
        let rpr = runs[0].child("rPr").unwrap();
        assert_eq!(rpr.elements().map(|e| e.name.as_ref()).collect::<Vec<_>>(), ["b"]);
        assert_eq!(runs[0].child("t").map(Element::text).as_deref(), Some("a"));
        assert_eq!(runs[1].elements().count(), 0);
    }

    #[test]
    fn a_dropped_property_container_is_not_replaced_by_a_later_one() {
        // a math run: m:rPr (nothing the reader reads) before w:rPr; the reader's
        // `child("rPr")` finds the first, so w:b of the second must stay unread
        let xml = doc(concat!(
            r#"<w:p><m:oMath><m:r><m:rPr><m:sty m:val="p"/></m:rPr><w:rPr><w:b/></w:rPr>"#,
            r#"<m:t>x</m:t></m:r></m:oMath></w:p>"#
        ));
        let bold = |root: &Element| {
            let r = root.child("body")?.child("p")?.child("oMath")?.child("r")?;
            Some(r.child("rPr")?.child("b").is_some())
        };
        let all = parse(xml.as_bytes(), "word/document.xml", &Limits::default(), Instant::now()).unwrap();
        let main = same_outcome(&xml, &Limits::default()).unwrap();
        assert_eq!(bold(&all), Some(false));
        assert_ne!(bold(&main), Some(true));
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
