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

use super::scan::Scanner;
use super::schema::{self, Ctx, Keep, Part};
use crate::read::{Limits, ReadError};
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::time::Instant;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 400;

/// XML events between two checks of the deadline and of the node budget.
const CHECK_EVERY: u64 = 4096;

/// Bytes of XML per kept element to reserve room for up front (a guess on the small side:
/// the vectors still grow when a part keeps more).
const NODE_EVERY_BYTES: usize = 256;

/// Bytes of XML per byte of kept text and attribute values to reserve room for up front.
const BUF_EVERY_BYTES: usize = 16;

/// No node: the end of a sibling chain, an element without children.
const NONE: u32 = u32::MAX;

/// An element's local name: a static string ([`intern`], the schema's names) or a range of
/// [`Tree::buf`].
#[derive(Debug, Clone, Copy)]
enum Name {
    Static(&'static str),
    Buf(u32, u32),
}

/// One element of a [`Tree`]: links to its first child and next sibling, and ranges of its
/// attributes (in [`Tree::attrs`]) and of its text (in [`Tree::buf`]).
#[derive(Debug, Clone)]
struct NodeData {
    name: Name,
    first_child: u32,
    next_sibling: u32,
    /// `Tree::attrs[attrs.0..attrs.1]`.
    attrs: (u32, u32),
    /// `Tree::buf[text.0..text.1]`: the text pieces directly inside, concatenated.
    text: (u32, u32),
}

/// A parsed part: every kept element in one vector (document order, parents before their
/// children), linked by index; attribute values, text and the rare non-static names are
/// ranges of one string. Built without an allocation per node and dropped at once.
#[derive(Debug, Default)]
pub struct Tree {
    nodes: Vec<NodeData>,
    /// (local name, start, end in `buf`) of the kept attributes, element by element.
    attrs: Vec<(&'static str, u32, u32)>,
    buf: String,
    root: u32,
}

/// One element of a [`Tree`]: a copyable handle for the readers to walk the tree with.
#[derive(Clone, Copy)]
pub struct Element<'t> {
    tree: &'t Tree,
    id: u32,
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Element").field("name", &self.name()).field("id", &self.id).finish()
    }
}

impl Tree {
    /// The root element of the part.
    pub fn root(&self) -> Element<'_> {
        Element { tree: self, id: self.root }
    }

    fn node(&self, id: u32) -> Option<&NodeData> {
        self.nodes.get(id as usize)
    }

    fn str_at(&self, (start, end): (u32, u32)) -> &str {
        self.buf.get(start as usize..end as usize).unwrap_or_default()
    }

    fn name_of(&self, n: &NodeData) -> &str {
        match n.name {
            Name::Static(s) => s,
            Name::Buf(a, b) => self.str_at((a, b)),
        }
    }

    fn pos(&self) -> u32 {
        u32::try_from(self.buf.len()).unwrap_or(u32::MAX)
    }

    /// A new element without children; its attributes are added by [`Tree::add_attrs`].
    fn push_node(&mut self, name: Name) -> u32 {
        let id = u32::try_from(self.nodes.len()).unwrap_or(NONE);
        let a = u32::try_from(self.attrs.len()).unwrap_or(u32::MAX);
        self.nodes.push(NodeData {
            name,
            first_child: NONE,
            next_sibling: NONE,
            attrs: (a, a),
            text: (0, 0),
        });
        id
    }

    /// Append a text piece to the direct text of element `id`. The pieces of an element
    /// are kept contiguous: in the rare case that something else was stored after its text
    /// (a child element's attributes, in the general tree), its text moves to the end first.
    fn push_text(&mut self, id: u32, piece: &str) {
        let end = self.pos();
        let Some((start, stop)) = self.node(id).map(|n| n.text) else { return };
        let start = if start == stop {
            end
        } else if stop == end {
            start
        } else {
            let old = self.buf.get(start as usize..stop as usize).unwrap_or_default().to_string();
            self.buf.push_str(&old);
            end
        };
        self.buf.push_str(piece);
        let stop = self.pos();
        if let Some(n) = self.nodes.get_mut(id as usize) {
            n.text = (start, stop);
        }
    }

    /// Make `child` the last child of `parent`, after `last` (its last child so far, or
    /// [`NONE`]).
    fn link(&mut self, parent: u32, last: u32, child: u32) {
        let slot = if last == NONE {
            self.nodes.get_mut(parent as usize).map(|n| &mut n.first_child)
        } else {
            self.nodes.get_mut(last as usize).map(|n| &mut n.next_sibling)
        };
        if let Some(s) = slot {
            *s = child;
        }
    }

    /// Forget element `id` and everything stored after it (it is the last element and has
    /// no kept content).
    fn drop_last(&mut self, id: u32, buf_len: u32) {
        if let Some(n) = self.node(id) {
            let a = n.attrs.0 as usize;
            self.attrs.truncate(a);
        }
        self.nodes.truncate(id as usize);
        self.buf.truncate(buf_len as usize);
    }
}

impl<'t> Element<'t> {
    fn data(self) -> Option<&'t NodeData> {
        self.tree.node(self.id)
    }

    /// The local name (`w:p` → `p`).
    pub fn name(self) -> &'t str {
        self.data().map_or("", |n| self.tree.name_of(n))
    }

    /// The value of an attribute by local name (`w:val` → `val`).
    pub fn attr(self, name: &str) -> Option<&'t str> {
        let (a, b) = self.data()?.attrs;
        let tree = self.tree;
        tree.attrs
            .get(a as usize..b as usize)?
            .iter()
            .find(|(k, ..)| *k == name)
            .map(|&(_, s, e)| tree.str_at((s, e)))
    }

    /// Whether the element has any kept attribute.
    pub fn has_attrs(self) -> bool {
        self.data().is_some_and(|n| n.attrs.0 != n.attrs.1)
    }

    /// Child elements.
    pub fn elements(self) -> Children<'t> {
        Children { tree: self.tree, next: self.data().map_or(NONE, |n| n.first_child) }
    }

    /// The first child element with this local name.
    pub fn child(self, name: &str) -> Option<Element<'t>> {
        self.elements().find(|e| e.name() == name)
    }

    /// All child elements with this local name.
    pub fn children_named<'s>(self, name: &'s str) -> impl Iterator<Item = Element<'t>> + 's
    where
        't: 's,
    {
        self.elements().filter(move |e| e.name() == name)
    }

    /// `w:val` of the named child, e.g. `pPr.child_val("pStyle")`.
    pub fn child_val(self, name: &str) -> Option<&'t str> {
        self.child(name).and_then(|c| c.attr("val"))
    }

    /// The concatenated text directly inside this element.
    pub fn text(self) -> &'t str {
        self.data().map_or("", |n| self.tree.str_at(n.text))
    }

    /// Depth-first search for descendants with this local name (not descending into matches).
    pub fn find_all(self, name: &str, out: &mut Vec<Element<'t>>) {
        for e in self.elements() {
            if e.name() == name {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }
}

/// The child elements of an element, in document order.
pub struct Children<'t> {
    tree: &'t Tree,
    next: u32,
}

impl<'t> Iterator for Children<'t> {
    type Item = Element<'t>;

    fn next(&mut self) -> Option<Element<'t>> {
        let n = self.tree.node(self.next)?;
        let e = Element { tree: self.tree, id: self.next };
        self.next = n.next_sibling;
        Some(e)
    }
}

/// An OOXML on/off property: present without `val`, or `val` not false/0/off.
pub fn on_off(e: Option<Element<'_>>) -> Option<bool> {
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

/// A local name as stored: static for the names the OOXML parts are made of, else a range of
/// the tree's buffer.
fn name_of(tree: &mut Tree, local: &[u8]) -> Name {
    let s = String::from_utf8_lossy(local);
    match intern(&s) {
        Some(st) => Name::Static(st),
        None => {
            let start = tree.pos();
            tree.buf.push_str(&s);
            Name::Buf(start, tree.pos())
        }
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

/// Store a kept attribute value: UTF-8 (invalid bytes replaced), entities and character
/// references resolved (kept as they are when they do not resolve).
fn push_value(tree: &mut Tree, key: &'static str, value: &[u8]) {
    let start = tree.pos();
    // (the common case checked without building the lossy chunks)
    let raw = match std::str::from_utf8(value) {
        Ok(v) => std::borrow::Cow::Borrowed(v),
        Err(_) => String::from_utf8_lossy(value),
    };
    if raw.contains('&') {
        match quick_xml::escape::unescape(&raw) {
            Ok(v) => tree.buf.push_str(&v),
            Err(_) => tree.buf.push_str(&raw),
        }
    } else {
        tree.buf.push_str(&raw);
    }
    let end = tree.pos();
    tree.attrs.push((key, start, end));
}

/// The element for a start tag the schema keeps: a new node (not yet linked to its parent).
fn kept_element(tree: &mut Tree, start: &BytesStart<'_>, local_name: &[u8], k: &Keep) -> u32 {
    let name = match k.name {
        Some(n) => Name::Static(n),
        None => name_of(tree, local_name),
    };
    let id = tree.push_node(name);
    if k.attrs {
        for a in start.attributes().with_checks(false).flatten() {
            if let Some(key) = kept_attribute(local(a.key.as_ref())) {
                push_value(tree, key, &a.value);
            }
        }
        let end = u32::try_from(tree.attrs.len()).unwrap_or(u32::MAX);
        if let Some(n) = tree.nodes.get_mut(id as usize) {
            n.attrs.1 = end;
        }
    }
    id
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
pub(super) fn tag_end(tag: &[u8]) -> Option<usize> {
    // The common case at once: the first `>`, when the quotes before it are all of one kind
    // and balanced (then none of them is open at that `>`, and no `>` comes earlier).
    let first = memchr::memchr(b'>', tag)?;
    let (mut double, mut single) = (0u32, 0u32);
    for &b in tag.get(..first)? {
        double += u32::from(b == b'"');
        single += u32::from(b == b'\'');
    }
    if (single == 0 && double % 2 == 0) || (double == 0 && single % 2 == 0) {
        return Some(first);
    }
    tag_end_quoted(tag)
}

/// [`tag_end`] quote by quote.
fn tag_end_quoted(tag: &[u8]) -> Option<usize> {
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
pub fn parse(bytes: &[u8], part: &str, limits: &Limits, started: Instant) -> Result<Tree, ReadError> {
    parse_part(bytes, part, Part::Any, limits, started)
}

/// An open element being built: its node, its last kept child so far and what its children
/// mean.
struct Open {
    id: u32,
    /// Its last kept child ([`NONE`]: none yet).
    last: u32,
    /// Whether anything was kept inside it (an element or a text piece).
    content: bool,
    /// Whether its text is kept (`w:t`, …: [`keeps_text`]).
    text: bool,
    ctx: Ctx,
    prune: bool,
    /// The first-only property containers ([`Keep::once`]) met among its children.
    once_seen: u8,
    /// The length of the tree's string buffer before it: it is cut back to this when the
    /// element is pruned.
    buf_len: u32,
}

/// Close the innermost open element: link it to its parent, or forget it when it is pruned
/// ([`Keep::prune`]) and nothing inside it was kept. The synthetic top node stays open.
fn close(tree: &mut Tree, stack: &mut Vec<Open>) {
    if stack.len() <= 1 {
        return;
    }
    let Some(o) = stack.pop() else { return };
    if o.prune && !o.content {
        // nothing was kept inside it, so it is the last node and owns the end of the buffers
        tree.drop_last(o.id, o.buf_len);
        return;
    }
    if let Some(p) = stack.last_mut() {
        tree.link(p.id, p.last, o.id);
        p.last = o.id;
        p.content = true;
    }
}

/// The decision for a child named `local` of the innermost kept element.
fn decide(tree: &Tree, stack: &mut [Open], scheme_found: &mut bool, local: &[u8]) -> Option<Keep> {
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
        let parent = Element { tree, id: top.id };
        if parent.elements().any(|e| e.name() == "Choice") {
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
}

/// Add a kept text piece to the innermost open element.
fn push_text(tree: &mut Tree, stack: &mut [Open], piece: &str) {
    if let Some(top) = stack.last_mut() {
        tree.push_text(top.id, piece);
        top.content = true;
    }
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
) -> Result<Tree, ReadError> {
    let bytes = to_utf8(bytes);
    // the fast scanner first; where it stops, quick-xml reads the part again from its start
    if let Some(mut scanner) = Scanner::new(&bytes) {
        match build(&mut scanner, part, kind, limits, started) {
            Ok(tree) => return Ok(tree),
            Err(Fail::Read(e)) => return Err(e),
            Err(Fail::Halt) => {}
        }
    }
    let mut reader = Reader::from_reader(bytes.as_ref());
    reader.config_mut().check_end_names = false;
    build(&mut reader, part, kind, limits, started).map_err(|f| match f {
        Fail::Read(e) => e,
        Fail::Halt => ReadError::Internal(format!("the XML reader of {part} stopped without an error")),
    })
}

/// Why [`build`] gave no tree.
enum Fail {
    /// The part is refused or malformed: the reader's error.
    Read(ReadError),
    /// The fast scanner met XML it does not cover.
    Halt,
}

impl From<ReadError> for Fail {
    fn from(e: ReadError) -> Self {
        Fail::Read(e)
    }
}

/// Where [`build`]'s events come from: quick-xml's reader, or the fast [`Scanner`] that gives
/// the same events for plain XML and stops on anything else.
trait Source<'a> {
    /// The next event; `Err(None)` when the scanner stops, `Err(Some(message))` for
    /// quick-xml's error.
    fn next_event(&mut self) -> Result<Event<'a>, Option<String>>;
    /// The input not read yet.
    fn rest(&self) -> &'a [u8];
    /// Continue at a later point of the input (after a passed-over element's content).
    fn set_rest(&mut self, rest: &'a [u8]);
    /// How text is decoded.
    fn decoder(&self) -> Decoder;
}

impl<'a> Source<'a> for Reader<&'a [u8]> {
    fn next_event(&mut self) -> Result<Event<'a>, Option<String>> {
        self.read_event().map_err(|e| Some(e.to_string()))
    }

    fn rest(&self) -> &'a [u8] {
        self.get_ref()
    }

    fn set_rest(&mut self, rest: &'a [u8]) {
        *self.get_mut() = rest;
    }

    fn decoder(&self) -> Decoder {
        Reader::decoder(self)
    }
}

impl<'a> Source<'a> for Scanner<'a> {
    fn next_event(&mut self) -> Result<Event<'a>, Option<String>> {
        Scanner::next_event(self).map_err(|_| None)
    }

    fn rest(&self) -> &'a [u8] {
        Scanner::rest(self)
    }

    fn set_rest(&mut self, rest: &'a [u8]) {
        Scanner::set_rest(self, rest);
    }

    fn decoder(&self) -> Decoder {
        // the scanner stops on any encoding but UTF-8: quick-xml's default decoder
        Reader::from_reader(&b""[..]).decoder()
    }
}

/// Build the tree of a part from `src`'s events (see [`parse_part`]).
fn build<'a, S: Source<'a>>(
    src: &mut S,
    part: &str,
    kind: Part,
    limits: &Limits,
    started: Instant,
) -> Result<Tree, Fail> {
    let len = src.rest().len();
    let bad = |e: String| ReadError::BadDocx(format!("malformed XML in {part}: {e}"));
    let mut tree = Tree {
        nodes: Vec::with_capacity(len / NODE_EVERY_BYTES + 8),
        attrs: Vec::new(),
        buf: String::with_capacity(len / BUF_EVERY_BYTES + 64),
        root: NONE,
    };
    // the open kept elements; the first is a synthetic document node
    let top = tree.push_node(Name::Static(""));
    let mut stack: Vec<Open> = vec![Open {
        id: top,
        last: NONE,
        content: false,
        text: false,
        ctx: Ctx::Top(kind),
        prune: false,
        once_seen: 0,
        buf_len: 0,
    }];
    // the open elements passed over (inside the last kept one), innermost last: whether each
    // is a text element, whose text is still checked (not kept) so that errors stay the same
    let mut skipped: Vec<bool> = Vec::new();
    // the theme's first colour scheme was found: nothing after it is read
    let mut scheme_found = false;
    let budget = || {
        ReadError::Budget(format!("{part} has more than {} XML tags and text pieces", limits.max_xml_nodes))
    };
    let mut scratch: Vec<bool> = Vec::new();
    let mut events: u64 = 0;
    loop {
        events += 1;
        if events.is_multiple_of(CHECK_EVERY) {
            super::package::check_deadline(started, limits)?;
            // Every event makes at most one node: bound the tree (a highly compressed part of
            // empty runs cannot inflate into gigabytes).
            if events > limits.max_xml_nodes {
                return Err(budget().into());
            }
        }
        let ev = match src.next_event() {
            Ok(ev) => ev,
            Err(Some(e)) => return Err(bad(e).into()),
            Err(None) => return Err(Fail::Halt),
        };
        // (whether the innermost open element keeps its text, whether it is passed over)
        let text_here = |stack: &Vec<Open>, skipped: &Vec<bool>| match skipped.last() {
            Some(&t) => (t, true),
            None => (stack.last().is_some_and(|top| top.text), false),
        };
        match ev {
            Event::DocType(_) => return Err(ReadError::Dtd(part.to_string()).into()),
            Event::Start(s) => {
                if stack.len() + skipped.len() > MAX_DEPTH {
                    return Err(ReadError::BadDocx(format!(
                        "XML in {part} is nested deeper than {MAX_DEPTH} elements"
                    ))
                    .into());
                }
                let qname = s.name();
                let local_name = local(qname.as_ref());
                if !skipped.is_empty() {
                    skipped.push(keeps_text_bytes(local_name));
                    continue;
                }
                if let Some(k) = decide(&tree, &mut stack, &mut scheme_found, local_name) {
                    let buf_len = tree.pos();
                    let id = kept_element(&mut tree, &s, local_name, &k);
                    let text = keeps_text(Element { tree: &tree, id }.name());
                    stack.push(Open {
                        id,
                        last: NONE,
                        content: false,
                        text,
                        ctx: k.ctx,
                        prune: k.prune,
                        once_seen: 0,
                        buf_len,
                    });
                    continue;
                }
                let text_root = keeps_text_bytes(local_name);
                skipped.push(text_root);
                // the whole content at once, when it is plain tags and text; its end tag is
                // then read (and counted) as usual
                let depth_left = (MAX_DEPTH + 1).saturating_sub(stack.len() + skipped.len());
                let input: &'a [u8] = src.rest();
                if let Some((len, n)) =
                    skip_content(input, text_root, depth_left, src.decoder(), &mut scratch)
                {
                    let rest = input.get(len..).unwrap_or_default();
                    src.set_rest(rest);
                    let before = events;
                    events += n;
                    // the checks the event loop would have made on the way
                    let mut at = (before / CHECK_EVERY + 1) * CHECK_EVERY;
                    while at <= events {
                        super::package::check_deadline(started, limits)?;
                        if at > limits.max_xml_nodes {
                            return Err(budget().into());
                        }
                        at += CHECK_EVERY;
                    }
                }
            }
            Event::Empty(s) => {
                if skipped.is_empty() {
                    let qname = s.name();
                    let local_name = local(qname.as_ref());
                    if let Some(k) = decide(&tree, &mut stack, &mut scheme_found, local_name) {
                        if !k.prune {
                            let id = kept_element(&mut tree, &s, local_name, &k);
                            if let Some(p) = stack.last_mut() {
                                tree.link(p.id, p.last, id);
                                p.last = id;
                                p.content = true;
                            }
                        }
                    }
                }
            }
            Event::End(_) => {
                if skipped.pop().is_none() {
                    close(&mut tree, &mut stack);
                }
            }
            Event::Text(t) => {
                let (keeps, passed_over) = text_here(&stack, &skipped);
                if keeps {
                    let s = t.xml10_content().map_err(|e| bad(e.to_string()))?;
                    if !passed_over {
                        push_text(&mut tree, &mut stack, &s);
                    }
                }
            }
            Event::CData(t) => {
                let (keeps, passed_over) = text_here(&stack, &skipped);
                if keeps && !passed_over {
                    push_text(&mut tree, &mut stack, &String::from_utf8_lossy(&t));
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
                        Some(c) if !passed_over => {
                            push_text(&mut tree, &mut stack, c.encode_utf8(&mut [0u8; 4]));
                        }
                        Some(_) => {}
                        None => {
                            let name = String::from_utf8_lossy(&r).into_owned();
                            return Err(bad(format!("undeclared entity &{name};")).into());
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
        close(&mut tree, &mut stack);
    }
    let root = tree.node(top).map_or(NONE, |n| n.first_child);
    if tree.node(root).is_none() {
        return Err(ReadError::BadDocx(format!("{part} has no root element")).into());
    }
    tree.root = root;
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Tree, ReadError> {
        parse(s.as_bytes(), "word/document.xml", &Limits::default(), Instant::now())
    }

    #[test]
    fn local_names_and_text() {
        let e = p(r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t xml:space="preserve"> a &amp; b&#x41;</w:t></w:r></w:p></w:body></w:document>"#)
            .unwrap();
        let e = e.root();
        assert_eq!(e.name(), "document");
        let t =
            e.child("body").and_then(|b| b.child("p")).and_then(|p| p.child("r")).and_then(|r| r.child("t"));
        assert_eq!(t.map(|t| t.text()), Some(" a & bA"));
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
        let e = e.root();
        assert_eq!(e.attr("val"), Some("a&b"));
        for dropped in ["customAttr", "rsidR", "paraId"] {
            assert_eq!(e.attr(dropped), None, "{dropped}");
        }
        assert_eq!(e.elements().next().map(|c| c.name()), Some("newThing"));
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
    fn same_outcome(xml: &str, limits: &Limits) -> Result<Tree, ReadError> {
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
        let body = root.root().child("body").unwrap();
        assert_eq!(body.elements().map(|e| e.name()).collect::<Vec<_>>(), ["p"]);
        let p = body.child("p").unwrap();
        // spacing is not read: the empty pPr is dropped, as is the drawing without a text box
        // and the empty w:t
        assert!(p.child("pPr").is_none() && !p.has_attrs());
        let runs: Vec<Element<'_>> = p.children_named("r").collect();
        let rpr = runs[0].child("rPr").unwrap();
        assert_eq!(rpr.elements().map(|e| e.name()).collect::<Vec<_>>(), ["b"]);
        assert_eq!(runs[0].child("t").map(Element::text), Some("a"));
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
        let bold = |root: Element<'_>| {
            let r = root.child("body")?.child("p")?.child("oMath")?.child("r")?;
            Some(r.child("rPr")?.child("b").is_some())
        };
        let all = parse(xml.as_bytes(), "word/document.xml", &Limits::default(), Instant::now()).unwrap();
        let main = same_outcome(&xml, &Limits::default()).unwrap();
        assert_eq!(bold(all.root()), Some(false));
        assert_ne!(bold(main.root()), Some(true));
    }

    #[test]
    fn tag_end_agrees_with_the_quote_by_quote_scan() {
        // every tag of up to 7 bytes over the bytes that matter
        let alphabet = [b'a', b'"', b'\'', b'>', b' '];
        let mut tag = vec![b'<'];
        let mut checked = 0;
        for len in 0..=7u32 {
            for mut code in 0..alphabet.len().pow(len) {
                tag.truncate(1);
                for _ in 0..len {
                    tag.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                assert_eq!(tag_end(&tag), tag_end_quoted(&tag), "{:?}", String::from_utf8_lossy(&tag));
                checked += 1;
            }
        }
        assert!(checked > 90_000, "{checked}");
        // and longer ones, the length of attribute-laden tags
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 64) as usize;
            tag.truncate(1);
            let mut bits = seed;
            for i in 0..len {
                if i % 20 == 0 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    bits = seed;
                }
                // mostly letters, some quotes and '>'
                tag.push(match bits % 8 {
                    0 => b'"',
                    1 => b'>',
                    2 if i % 3 == 0 => b'\'',
                    _ => b'a',
                });
                bits /= 8;
            }
            assert_eq!(tag_end(&tag), tag_end_quoted(&tag), "{:?}", String::from_utf8_lossy(&tag));
        }
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

#[cfg(test)]
mod arena {
    use super::*;

    /// The tree as text: `name[attr="value";]"text"(children )`.
    fn dump(e: Element<'_>, out: &mut String) {
        out.push_str(e.name());
        if e.has_attrs() {
            out.push('[');
            let (a, b) = e.data().map_or((0, 0), |n| n.attrs);
            for &(k, s, t) in e.tree.attrs.get(a as usize..b as usize).unwrap_or_default() {
                out.push_str(&format!("{k}={:?};", e.tree.str_at((s, t))));
            }
            out.push(']');
        }
        let t = e.text();
        if !t.is_empty() {
            out.push_str(&format!("{t:?}"));
        }
        if e.elements().next().is_some() {
            out.push('(');
            for c in e.elements() {
                dump(c, out);
                out.push(' ');
            }
            out.push(')');
        }
    }

    /// The trees of the owned-node parser this arena replaced, recorded from it for
    /// [`super::tricky::CASES`]: entities and character references, CDATA, text elements
    /// inside text elements, comments and processing instructions inside text, Strict and
    /// transitional namespaces, empty and pruned elements, alternate content, truncated parts
    /// and the errors.
    const BEFORE: &[&str] = &[
        r#"document(body(p(r(t[space="preserve";]" a & bA<" t t ) ) ) )"#,
        r#"document(body(p(r(t" a & bA<" ) ) ) )"#,
        r#"document(body(p(pPr(pStyle[val="H\"1";] numPr(ilvl[val="1";] numId[val="3";] ) ) r(rPr(b i[val="0";] ) t"x < y©z" tab br[type="page";] ) ) tbl(tr(trPr(tblHeader ) tc(tcPr(gridSpan[val="2";] shd[val="clear";fill="FF0000";themeFill="accent1";] ) p ) ) ) ) )"#,
        r#"x[val="v&w";](t"onetwothree"(t"inner" ) unknownElem[val="2";] )"#,
        r#"document(body(p(r(drawing((((((txbxContent(p(r(t"box" ) ) ) ) ) ) ) ) ) AlternateContent(Choice((txbxContent(p(r(t"c1" ) ) ) ) ) ) ) ) AlternateContent(Fallback(p(r(t"f" ) ) ) Choice(p(r(t"c" ) ) ) ) ) )"#,
        r#"document(body(p(oMath(r(t"x" ) ) r(t"q" ) ) sdt(sdtPr(showingPlcHdr date[fullDate="2025-01-02T00:00:00Z";] ) sdtContent(p(r(t"s" ) ) ) ) ) )"#,
        r#"styles(style[type="paragraph";default="1";styleId="Normal";](name[val="Normal";] basedOn[val="X";] pPr(outlineLvl[val="0";] numPr(numId[val="4";] ) ) rPr(b ) ) style[styleId="E";] )"#,
        r#"numbering(abstractNum[abstractNumId="0";](numStyleLink[val="L";] lvl[ilvl="0";](start[val="1";] numFmt[val="decimal";] lvlText[val="%1.";] isLgl pStyle[val="H1";] ) ) num[numId="1";](abstractNumId[val="0";] lvlOverride[ilvl="0";](startOverride[val="5";] lvl[ilvl="0";](start[val="2";] ) ) ) )"#,
        r#"theme((clrScheme(dk1(sysClr[val="windowText";lastClr="000000";] ) accent1(srgbClr[val="4472C4";] ) ) ) )"#,
        r#"Relationships(Relationship[Type="http://x/styles";Target="styles.xml";] Relationship[Type="http://x/hyperlink";Target="http://a?b&c";TargetMode="External";] )"#,
        r#"footnotes(footnote[type="separator";](p(r ) ) footnote(p(r(t"note" ) ) ) )"#,
        r#"hdr(p(r(t"head" ) ) tbl(sdt(sdtContent(tr(sdt(sdtContent(tc(p ) ) ) ) ) ) ) )"#,
        r#"document(body(p(r(t"cut" ) ) ) )"#,
        r#"document(body )"#,
        r#"ERR BadDocx("word/x.xml has no root element")"#,
        r#"ERR BadDocx("malformed XML in word/x.xml: undeclared entity &bogus;")"#,
        r#"document(body(p(r(t"line1\nline2\nline3" ) ) ) )"#,
        r#"x(y t"æøå" )"#,
        r#"x(y[val="éé&";char="&bad; &amp;";font="a\"b";] t"abc" t"\rA" )"#,
        r#"document(body(p(r(t"a" t"b" ) ) p(pPr(rPr(vanish ) ) ) ) )"#,
        r#"document(body(p(hyperlink(r(t"h" ) ) fldSimple(r(fldChar[fldCharType="begin";] sym[font="Symbol";char="F0B7";] ) ) ) ) )"#,
    ];

    #[test]
    fn the_arena_gives_the_trees_of_the_owned_parser() {
        assert_eq!(super::tricky::CASES.len(), BEFORE.len());
        for ((kind, xml), want) in super::tricky::CASES.iter().zip(BEFORE) {
            let r = parse_part(xml.as_bytes(), "word/x.xml", *kind, &Limits::default(), Instant::now());
            let got = match r {
                Ok(t) => {
                    let mut s = String::new();
                    dump(t.root(), &mut s);
                    s
                }
                Err(e) => format!("ERR {e:?}"),
            };
            assert_eq!(&got, want, "{kind:?} {xml}");
        }
    }

    #[test]
    fn text_pieces_stay_together_when_a_child_comes_between() {
        // in the general tree a text element may hold a kept element with attributes: its
        // own text moves to the end of the buffer and stays one string
        let t = parse(
            r#"<x><t>ab<y val="v"/>cd<t>in</t>ef</t></x>"#.as_bytes(),
            "x.xml",
            &Limits::default(),
            Instant::now(),
        )
        .unwrap();
        let outer = t.root().child("t").unwrap();
        assert_eq!(outer.text(), "abcdef");
        assert_eq!(outer.child("y").and_then(|y| y.attr("val")), Some("v"));
        assert_eq!(outer.child("t").map(Element::text), Some("in"));
        assert_eq!(outer.elements().map(Element::name).collect::<Vec<_>>(), ["y", "t"]);
    }

    #[test]
    fn pruned_elements_leave_nothing_behind() {
        // an empty pPr and an empty drawing are dropped with their buffers; the next sibling
        // is linked in their place
        let xml = r#"<w:document><w:body><w:p><w:pPr><w:spacing/></w:pPr><w:r><w:drawing><a:x><a:y/></a:x></w:drawing><w:t>k</w:t></w:r></w:p></w:body></w:document>"#;
        let t = parse_part(xml.as_bytes(), "d.xml", Part::Main, &Limits::default(), Instant::now()).unwrap();
        let p = t.root().child("body").and_then(|b| b.child("p")).unwrap();
        assert_eq!(p.elements().map(Element::name).collect::<Vec<_>>(), ["r"]);
        let r = p.child("r").unwrap();
        assert_eq!(r.elements().map(Element::name).collect::<Vec<_>>(), ["t"]);
        // document, body, p, r, t and the synthetic top node
        assert_eq!(t.nodes.len(), 6);
        assert_eq!(t.buf, "k");
        assert!(t.attrs.is_empty());
    }
}

#[cfg(test)]
mod tricky {
    use super::Part;
    pub const CASES: &[(Part, &str)] = &[
        (Part::Any, r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t xml:space="preserve"> a &amp; b&#x41;&lt;</w:t><w:t/><w:t></w:t></w:r></w:p></w:body></w:document>"#),
        (Part::Main, r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t xml:space="preserve"> a &amp; b&#x41;&lt;</w:t><w:t/><w:t></w:t></w:r></w:p></w:body></w:document>"#),
        (Part::Main, r#"<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body><w:p><w:pPr><w:pStyle w:val="H&quot;1"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:rPr><w:b/><w:i w:val="0"/><m:x/></w:rPr><w:t><![CDATA[x < y]]>&#169;z</w:t><w:tab/><w:br w:type="page"/></w:r></w:p><w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:shd w:val="clear" w:fill="FF0000" w:themeFill="accent1"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>"#),
        (Part::Any, r#"<a:x xmlns:a="a" b:c="1" val="v&amp;w"><a:t>one<a:t>inner</a:t>two<![CDATA[three]]></a:t><unknownElem val="2">ignored text</unknownElem><!-- c --><?pi x?></a:x>"#),
        (Part::Main, r#"<w:document><w:body><w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing><w:drawing><wp:inline/></w:drawing><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>c1</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Choice><w:t>c2</w:t></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>fb</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p><mc:AlternateContent><mc:Fallback><w:p><w:r><w:t>f</w:t></w:r></w:p></mc:Fallback><mc:Choice><w:p><w:r><w:t>c</w:t></w:r></w:p></mc:Choice></mc:AlternateContent></w:body></w:document>"#),
        (Part::Main, r#"<w:document><w:body><w:p><m:oMath><m:r><m:rPr><m:sty m:val="p"/></m:rPr><w:rPr><w:b/></w:rPr><m:t>x</m:t></m:r></m:oMath><w:r><w:rPr></w:rPr><w:rPr><w:b/></w:rPr><w:t>q</w:t></w:r></w:p><w:sdt><w:sdtPr><w:showingPlcHdr/><w:date w:fullDate="2025-01-02T00:00:00Z"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>s</w:t></w:r></w:p></w:sdtContent></w:sdt><w:sectPr><w:pgSz w:w="1"/></w:sectPr></w:body></w:document>"#),
        (Part::Styles, r#"<w:styles><w:docDefaults/><w:latentStyles><w:lsdException w:name="x"/></w:latentStyles><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:basedOn w:val="X"/><w:pPr><w:outlineLvl w:val="0"/><w:numPr><w:numId w:val="4"/></w:numPr><w:spacing/></w:pPr><w:rPr><w:b/><w:sz w:val="2"/></w:rPr></w:style><w:style w:styleId="E"><w:pPr/><w:rPr><w:sz/></w:rPr></w:style></w:styles>"#),
        (Part::Numbering, r#"<w:numbering><w:abstractNum w:abstractNumId="0" w15:restartNumberingAfterBreak="0"><w:nsid w:val="1"/><w:numStyleLink w:val="L"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:isLgl/><w:pStyle w:val="H1"/><w:pPr><w:ind/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/><w:lvl w:ilvl="0"><w:start w:val="2"/></w:lvl></w:lvlOverride></w:num></w:numbering>"#),
        (Part::Theme, r#"<a:theme><a:themeElements><a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:accent1><a:srgbClr val="4472C4"/></a:accent1></a:clrScheme><a:clrScheme name="Second"><a:dk1><a:srgbClr val="111111"/></a:dk1></a:clrScheme></a:themeElements></a:theme>"#),
        (Part::Relationships, r#"<Relationships xmlns="r"><Relationship Id="rId1" Type="http://x/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://x/hyperlink" Target="http://a?b&amp;c" TargetMode="External"/></Relationships>"#),
        (Part::Notes, r#"<w:footnotes><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>note</w:t></w:r></w:p></w:footnote></w:footnotes>"#),
        (Part::HeaderFooter, r#"<w:hdr><w:p><w:r><w:t>head</w:t></w:r></w:p><w:tbl><w:sdt><w:sdtContent><w:tr><w:sdt><w:sdtContent><w:tc><w:p/></w:tc></w:sdtContent></w:sdt></w:tr></w:sdtContent></w:sdt></w:tbl></w:hdr>"#),
        (Part::Main, r#"<w:document><w:body><w:p><w:r><w:t>cut"#),
        (Part::Main, r#"<w:document><w:body></w:body></w:document><w:document><w:body><w:p/></w:body></w:document>"#),
        (Part::Main, r#"<?xml version="1.0"?><!-- only a comment -->"#),
        (Part::Main, r#"<w:document><w:body><w:p><w:r><w:t>a &bogus; b</w:t></w:r></w:p></w:body></w:document>"#),
        (Part::Main, "<w:document><w:body><w:p><w:r><w:t>line1\r\nline2\rline3</w:t></w:r></w:p></w:body></w:document>"),
        (Part::Any, "<x><y a=\"\u{e9}&#233;&amp;\"/><t>\u{e6}\u{f8}\u{e5}</t></x>"),
        (Part::Any, "<x><y val=\"\u{e9}&#233;&amp;\" char=\"&bad; &amp;\" w:font='a\"b'/><t>a<!-- c -->b<?p?>c</t><t>&#xD;&#65;</t></x>"),
        (Part::Main, "<w:document><w:body><w:p><w:r><w:t>a</w:t><w:t>b</w:t><w:delText>d</w:delText><w:instrText>i</w:instrText></w:r></w:p><w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr></w:p></w:body></w:document>"),
        (Part::Main, r#"<w:document><w:body><w:p w:rsidR="1"><w:hyperlink><w:r><w:t>h</w:t></w:r></w:hyperlink><w:fldSimple><w:r><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE</w:instrText><w:sym w:font="Symbol" w:char="F0B7"/></w:r></w:fldSimple></w:p></w:body></w:document>"#),
    ];
}
