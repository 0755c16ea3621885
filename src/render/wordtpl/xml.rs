//! A small XML tree that writes back what it read: qualified names, attribute order, text
//! (unescaped in memory, escaped on output), declarations and comments kept verbatim. Parts of a
//! template are parsed into it, changed, and written out again.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::util::QuickBuild;

/// Deepest element nesting accepted in a template part.
pub const MAX_DEPTH: usize = 1000;

/// An element or attribute name as written (`w:p`, `w:val`): shared, since a large part repeats
/// a few dozen names hundreds of thousands of times (a parse hands out one copy of each). Reads
/// as a `&str`. One pointer wide (the text sits behind the shared allocation), so an element
/// node stays small: a rendered part holds millions of them.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Name(std::sync::Arc<Box<str>>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(std::sync::Arc::new(s.into()))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(std::sync::Arc::new(s.into_boxed_str()))
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

/// An element's attributes: names and values (unescaped) in the order written. A parse shares
/// one copy of each distinct list (`w:tcW w:w="1070" w:type="dxa"` is repeated on every cell of a
/// column), so most elements own no attribute memory at all; a change copies the list first
/// (copy on write) when another element shares it. No attributes is no allocation. One pointer
/// wide.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Attrs(Option<std::sync::Arc<Vec<(Name, Name)>>>);

impl Attrs {
    /// The list to change, unshared first.
    fn make_mut(&mut self) -> &mut Vec<(Name, Name)> {
        std::sync::Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    pub fn push(&mut self, attr: (Name, Name)) {
        self.make_mut().push(attr);
    }

    pub fn clear(&mut self) {
        self.0 = None;
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut (Name, Name)> {
        if i >= self.len() {
            return None;
        }
        self.make_mut().get_mut(i)
    }

    /// Whether two lists are the one shared copy.
    #[cfg(test)]
    fn shares(&self, other: &Attrs) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Attrs {
    /// The shared list's address (0 for none): equal for elements that share one list.
    fn id(&self) -> usize {
        self.0.as_ref().map_or(0, |a| std::sync::Arc::as_ptr(a) as usize)
    }
}

/// Attribute lists changed alike, shared again: when elements that share a list get the same
/// change (column fitting sets one width on every cell of a column), the changed list is made
/// once and shared, instead of copied for each element.
#[derive(Default)]
pub struct SharedEdits {
    /// By the list's address and the change's key: the list (kept, so its address is not
    /// reused) and the changed list.
    done: std::collections::HashMap<(usize, String), (Attrs, Attrs)>,
}

impl SharedEdits {
    /// Applies `edit` to `e`'s attributes, or gives `e` the list the same `key` made of the same
    /// list before. `edit` changes only the attributes, the same way for the same `key`.
    pub fn apply(&mut self, e: &mut Elem, key: &str, edit: impl FnOnce(&mut Elem)) {
        let id = e.attrs.id();
        if let Some((_, changed)) = self.done.get(&(id, key.to_string())) {
            e.attrs = changed.clone();
            return;
        }
        let before = e.attrs.clone();
        edit(e);
        if id != 0 {
            self.done.insert((id, key.to_string()), (before, e.attrs.clone()));
        }
    }
}

impl std::ops::Deref for Attrs {
    type Target = [(Name, Name)];
    fn deref(&self) -> &[(Name, Name)] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl std::fmt::Debug for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Attrs {
    type Item = &'a (Name, Name);
    type IntoIter = std::slice::Iter<'a, (Name, Name)>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl FromIterator<(Name, Name)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (Name, Name)>>(iter: I) -> Attrs {
        let v: Vec<(Name, Name)> = iter.into_iter().collect();
        if v.is_empty() {
            Attrs(None)
        } else {
            Attrs(Some(std::sync::Arc::new(v)))
        }
    }
}

#[derive(Debug, Clone)]
pub enum Node {
    Elem(Elem),
    /// Character data, unescaped.
    Text(String),
    /// Written as is (`<?xml …?>`, comments, processing instructions).
    Raw(String),
    /// Template statements that replace this node (a `{%p %}`/`{%tr %}`/`{%tc %}` element);
    /// indexes into the tag table.
    Tags(Vec<usize>),
}

#[derive(Debug, Clone, Default)]
pub struct Elem {
    /// Qualified name as written (`w:p`).
    pub name: Name,
    /// Names and values (unescaped); a value is shared like a name: a rendered part repeats a
    /// few hundred values (`dxa`, `top`, a style's id) over a million times, and a whole list
    /// like a value ([`Attrs`]).
    pub attrs: Attrs,
    pub children: Vec<Node>,
}

impl Elem {
    pub fn new(name: &str, attrs: &[(&str, &str)]) -> Elem {
        Elem {
            name: name.into(),
            attrs: attrs.iter().map(|(k, v)| (Name::from(*k), Name::from(*v))).collect(),
            children: Vec::new(),
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Sets an attribute (in place, or added last). Setting the value it has changes nothing,
    /// so a list shared with other elements stays shared.
    pub fn set_attr(&mut self, name: &str, value: &str) {
        match self.attrs.iter().position(|(k, _)| k == name) {
            Some(i) if self.attrs.get(i).is_some_and(|(_, v)| v == value) => {}
            Some(i) => {
                if let Some((_, v)) = self.attrs.get_mut(i) {
                    *v = value.into();
                }
            }
            None => self.attrs.push((name.into(), value.into())),
        }
    }

    pub fn elems(&self) -> impl Iterator<Item = &Elem> {
        self.children.iter().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            _ => None,
        })
    }

    pub fn elems_mut(&mut self) -> impl Iterator<Item = &mut Elem> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            _ => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Elem> {
        self.elems().find(|e| e.name == name)
    }

    pub fn child_mut(&mut self, name: &str) -> Option<&mut Elem> {
        self.elems_mut().find(|e| e.name == name)
    }

    /// The text of all `w:t` below, in order.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        s
    }

    fn collect_text(&self, s: &mut String) {
        for n in &self.children {
            match n {
                Node::Elem(e) if e.name == "w:t" => {
                    for c in &e.children {
                        if let Node::Text(t) = c {
                            s.push_str(t);
                        }
                    }
                }
                Node::Elem(e) => e.collect_text(s),
                _ => {}
            }
        }
    }
}

/// The names of one parse, each kept once; the attribute values, each kept once; and the
/// attribute lists, each kept once.
#[derive(Default)]
struct Names {
    names: std::collections::HashMap<Vec<u8>, Name, QuickBuild>,
    values: std::collections::HashSet<Name, QuickBuild>,
    /// The attribute lists seen, by the addresses of their names and values (each kept once
    /// above, so equal lists have equal addresses).
    lists: std::collections::HashMap<Box<[usize]>, Attrs, QuickBuild>,
    /// The attributes of the element being read, and their addresses (the key into `lists`).
    attrs: Vec<(Name, Name)>,
    key: Vec<usize>,
    /// Start tags as written (`w:tcW w:w="1070" w:type="dxa"`), each with the name and list it
    /// was read as: a rendered part repeats a few hundred tags over and over, and a tag seen
    /// before is not read again (its attributes were 80 % of the parse's own work).
    tags: std::collections::HashMap<Box<[u8]>, (Name, Attrs), QuickBuild>,
}

/// Most attribute lists and start tags one parse keeps to share ([`Names`]): a part's repeated
/// ones appear early (in its first rows), while the unique ones (a paragraph's `w14:paraId`) would
/// only grow the tables.
const MAX_SHARED_TAGS: usize = 16_384;

/// Longest start tag (bytes) kept to be shared.
const MAX_SHARED_TAG_BYTES: usize = 256;

impl Names {
    fn get(&mut self, raw: &[u8]) -> Name {
        if let Some(n) = self.names.get(raw) {
            return n.clone();
        }
        let n = Name::from(String::from_utf8_lossy(raw).into_owned());
        self.names.insert(raw.to_vec(), n.clone());
        n
    }

    fn value(&mut self, value: &str) -> Name {
        if let Some(v) = self.values.get(value) {
            return v.clone();
        }
        let v = Name::from(value);
        self.values.insert(v.clone());
        v
    }

    /// Adds an attribute to the element being read.
    fn push_attr(&mut self, key: Name, value: Name) {
        self.key.push(std::sync::Arc::as_ptr(&key.0) as usize);
        self.key.push(std::sync::Arc::as_ptr(&value.0) as usize);
        self.attrs.push((key, value));
    }

    /// The attributes read since the last call, as the one shared copy of that list.
    fn take_attrs(&mut self) -> Attrs {
        if self.attrs.is_empty() {
            return Attrs::default();
        }
        let attrs = match self.lists.get(self.key.as_slice()) {
            Some(a) => a.clone(),
            None => {
                let a: Attrs = self.attrs.drain(..).collect();
                if self.lists.len() < MAX_SHARED_TAGS {
                    self.lists.insert(self.key.as_slice().into(), a.clone());
                }
                a
            }
        };
        self.attrs.clear();
        self.key.clear();
        attrs
    }
}

fn start_elem(s: &BytesStart<'_>, names: &mut Names) -> Result<Elem, String> {
    let tag: &[u8] = s;
    if let Some((name, attrs)) = names.tags.get(tag) {
        return Ok(Elem { name: name.clone(), attrs: attrs.clone(), children: Vec::new() });
    }
    let elem = read_start(s, names)?;
    if names.tags.len() < MAX_SHARED_TAGS && tag.len() <= MAX_SHARED_TAG_BYTES {
        names.tags.insert(tag.into(), (elem.name.clone(), elem.attrs.clone()));
    }
    Ok(elem)
}

/// A start tag's name and attributes, read.
fn read_start(s: &BytesStart<'_>, names: &mut Names) -> Result<Elem, String> {
    let name = names.get(s.name().as_ref());
    names.attrs.clear();
    names.key.clear();
    for a in s.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = names.get(a.key.as_ref());
        let raw = String::from_utf8_lossy(&a.value);
        let value = quick_xml::escape::unescape(&raw).map_err(|e| e.to_string())?;
        let value = names.value(&value);
        names.push_attr(key, value);
    }
    Ok(Elem { name, attrs: names.take_attrs(), children: Vec::new() })
}

/// Appends character data to the open element's children (`nodes[from..]`): to the text node
/// it ends with, or as a new one.
fn push_text(nodes: &mut Vec<Node>, from: usize, t: &str) {
    if nodes.len() > from {
        if let Some(Node::Text(prev)) = nodes.last_mut() {
            prev.push_str(t);
            return;
        }
    }
    nodes.push(Node::Text(t.to_string()));
}

/// A part as it is built from its events. The children of every open element are collected on
/// one shared stack (`nodes`) and moved into a vector of their exact length when the element
/// ends: a rendered part holds millions of nodes, and growing each element's own vector child by
/// child (then shrinking it) allocated, copied and freed most of the tree's memory several times
/// over.
struct Builder {
    /// The open elements, each with where its children start in `nodes`; the first is the root.
    open: Vec<(Elem, usize)>,
    nodes: Vec<Node>,
    names: Names,
}

impl Builder {
    fn new() -> Builder {
        Builder { open: vec![(Elem::default(), 0)], nodes: Vec::new(), names: Names::default() }
    }

    /// Takes one event; `false` at the end of the input.
    fn event(&mut self, ev: Event<'_>) -> Result<bool, String> {
        let nodes = &mut self.nodes;
        let from = self.open.last().map_or(0, |(_, f)| *f);
        match ev {
            Event::DocType(_) => return Err("a DOCTYPE is not allowed".into()),
            Event::Start(s) => {
                if self.open.len() > MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                }
                self.open.push((start_elem(&s, &mut self.names)?, nodes.len()));
            }
            Event::Empty(s) => nodes.push(Node::Elem(start_elem(&s, &mut self.names)?)),
            Event::End(_) => {
                if self.open.len() < 2 {
                    return Err("an end tag without a start tag".into());
                }
                if let Some((mut done, from)) = self.open.pop() {
                    done.children = nodes.drain(from..).collect();
                    nodes.push(Node::Elem(done));
                }
            }
            // the input is UTF-8 (a `&str`, or markup checked piece by piece), whatever its
            // declaration says
            Event::Text(t) => push_text(nodes, from, std::str::from_utf8(&t).map_err(|e| e.to_string())?),
            Event::CData(t) => push_text(nodes, from, &String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => std::str::from_utf8(&r).ok().and_then(crate::util::xml_predefined_entity),
                    Err(_) => None,
                };
                let Some(c) = c else {
                    return Err(format!("undeclared entity &{};", String::from_utf8_lossy(&r)));
                };
                push_text(nodes, from, c.encode_utf8(&mut [0; 4]));
            }
            Event::Decl(d) => nodes.push(Node::Raw(format!("<?{}?>", String::from_utf8_lossy(&d)))),
            Event::PI(p) => nodes.push(Node::Raw(format!("<?{}?>", String::from_utf8_lossy(&p)))),
            Event::Comment(c) => nodes.push(Node::Raw(format!("<!--{}-->", String::from_utf8_lossy(&c)))),
            Event::Eof => return Ok(false),
        }
        Ok(true)
    }

    /// The root holding the prolog and the document element.
    fn finish(mut self) -> Result<Elem, String> {
        if self.open.len() != 1 {
            return Err("the part ends inside an element".into());
        }
        let mut root = self.open.pop().map(|(e, _)| e).unwrap_or_default();
        self.nodes.shrink_to_fit();
        root.children = self.nodes;
        if !root.children.iter().any(|n| matches!(n, Node::Elem(_))) {
            return Err("no root element".into());
        }
        Ok(root)
    }
}

/// Parses a whole part; the result is a root holding the prolog and the document element.
pub fn parse(text: &str) -> Result<Elem, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut tree = Builder::new();
    loop {
        let ev = reader.read_event().map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        if !tree.event(ev)? {
            break;
        }
    }
    tree.finish()
}

/// Most bytes of one piece of [`Markup`] (a piece holds whole writes, so one write larger than
/// this is a piece of its own).
pub const MARKUP_PIECE_BYTES: usize = 1024 * 1024;

/// A rendered part's markup as written, in pieces of up to [`MARKUP_PIECE_BYTES`] (each valid
/// UTF-8), so that [`parse_markup`] frees what it has read while the tree grows: the markup of a
/// large part (tens of megabytes) and its whole tree are never in memory together.
#[derive(Debug, Default)]
pub struct Markup {
    /// The piece being read (the first), and where its unread bytes start.
    cur: String,
    at: usize,
    rest: std::collections::VecDeque<String>,
    len: usize,
}

impl Markup {
    /// The markup written in `pieces`; `None` when it is not UTF-8.
    pub fn from_pieces(pieces: Vec<Vec<u8>>) -> Option<Markup> {
        let len = pieces.iter().map(Vec::len).sum();
        let mut checked = std::collections::VecDeque::with_capacity(pieces.len());
        if let Some(i) = pieces.iter().position(|p| std::str::from_utf8(p).is_err()) {
            // a character cut between two pieces (a writer's write is whole text, so this does
            // not happen): from there on, the whole as one piece
            let whole = String::from_utf8(pieces[i..].concat()).ok()?;
            checked.extend(pieces.into_iter().take(i).filter_map(|p| String::from_utf8(p).ok()));
            checked.push_back(whole);
        } else {
            for piece in pieces {
                checked.push_back(String::from_utf8(piece).ok()?);
            }
        }
        let cur = checked.pop_front().unwrap_or_default();
        Some(Markup { cur, at: 0, rest: checked, len })
    }

    /// All bytes written.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The pieces not yet read to their end (tests).
    #[cfg(test)]
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.cur.as_str())
            .filter(|c| !c.is_empty())
            .chain(self.rest.iter().map(String::as_str))
    }

    /// The next piece, once the current one is read to its end: the read one is freed.
    #[cold]
    #[inline(never)]
    fn advance(&mut self) {
        while self.at >= self.cur.len() {
            self.at = 0;
            match self.rest.pop_front() {
                Some(next) => self.cur = next,
                None => {
                    self.cur = String::new();
                    break;
                }
            }
        }
    }
}

impl From<String> for Markup {
    fn from(text: String) -> Markup {
        let len = text.len();
        Markup { cur: text, at: 0, rest: Default::default(), len }
    }
}

impl std::io::Read for Markup {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        let n = {
            let unread = self.fill_buf()?;
            let n = unread.len().min(out.len());
            out[..n].copy_from_slice(&unread[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl std::io::BufRead for Markup {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at >= self.cur.len() && !self.rest.is_empty() {
            self.advance();
        }
        Ok(self.cur.as_bytes().get(self.at..).unwrap_or_default())
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
        if self.at >= self.cur.len() {
            self.advance();
        }
    }
}

/// [`parse`] of rendered markup, each piece freed once it is read.
pub fn parse_markup(mut markup: Markup) -> Result<Elem, String> {
    if markup.cur.starts_with('\u{feff}') {
        markup.at = '\u{feff}'.len_utf8();
    }
    let mut reader = Reader::from_reader(markup);
    reader.config_mut().check_end_names = true;
    let mut tree = Builder::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        if !tree.event(ev)? {
            break;
        }
    }
    tree.finish()
}

impl Elem {
    /// Whether this element or one below it is named `name`.
    pub fn has_elem(&self, name: &str) -> bool {
        self.elems().any(|e| e.name == name || e.has_elem(name))
    }
}

/// Escapes character data.
pub fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if crate::util::xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// Escapes an attribute value.
pub fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if crate::util::xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// Writes a parsed part back as plain XML (no template tags may remain in it).
pub fn write(root: &Elem) -> String {
    write_sized(root, 0)
}

/// [`write`] into a string made for about `size` bytes (the part's size before it was parsed),
/// so a large part is not copied from buffer to buffer as it grows.
pub fn write_sized(root: &Elem, size: usize) -> String {
    let mut out = String::with_capacity(size);
    for n in &root.children {
        write_node(n, &mut out);
    }
    out
}

/// [`write_sized`] taking the tree: each element is dropped as soon as it is written, so a
/// large part's tree and its written text are not both whole in memory.
pub fn write_owned(root: Elem, size: usize) -> String {
    let mut out = String::with_capacity(size);
    for n in root.children {
        write_node_owned(n, &mut out);
    }
    out
}

/// An element's start tag without its closing `>` or `/>`: `<name a="v"`.
fn write_open(e: &Elem, out: &mut String) {
    out.push('<');
    out.push_str(&e.name);
    for (k, v) in &e.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape_attr(v, out);
        out.push('"');
    }
}

/// [`write_node`], dropping the node's children as they are written.
fn write_node_owned(n: Node, out: &mut String) {
    match n {
        Node::Elem(e) => {
            if e.children.is_empty() {
                write_node(&Node::Elem(e), out);
                return;
            }
            write_open(&e, out);
            out.push('>');
            for c in e.children {
                write_node_owned(c, out);
            }
            out.push_str("</");
            out.push_str(&e.name);
            out.push('>');
        }
        other => write_node(&other, out),
    }
}

fn write_node(n: &Node, out: &mut String) {
    match n {
        Node::Elem(e) => {
            write_open(e, out);
            if e.children.is_empty() {
                out.push_str("/>");
            } else {
                out.push('>');
                for c in &e.children {
                    write_node(c, out);
                }
                out.push_str("</");
                out.push_str(&e.name);
                out.push('>');
            }
        }
        Node::Text(t) => escape_text(t, out),
        Node::Raw(r) => out.push_str(r),
        Node::Tags(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let src = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="x"><w:body><w:p w:rsidR="00A1"><w:r><w:t xml:space="preserve"> a &amp; b &lt; c</w:t></w:r><w:r><w:t>&#65;&quot;</w:t></w:r></w:p><!-- c --></w:body></w:document>"#;
        let t = parse(src).unwrap();
        let out = write(&t);
        assert_eq!(write_owned(t.clone(), 0), out, "the consuming write writes the same");
        assert!(out.contains(r#"<w:t xml:space="preserve"> a &amp; b &lt; c</w:t>"#), "{out}");
        assert!(out.contains("<w:t>A\"</w:t>"), "{out}");
        assert!(out.contains("<!-- c -->"));
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<!DOCTYPE x><a/>").is_err());
    }

    #[test]
    fn nested_children_stay_in_order_and_values_are_shared() {
        let src = r#"<a k="v">x<b k="v"><c/>y&amp;z<d k="w">t</d></b><e/>q</a>"#;
        let t = parse(src).unwrap();
        assert_eq!(write(&t), r#"<a k="v">x<b k="v"><c/>y&amp;z<d k="w">t</d></b><e/>q</a>"#);
        let a = t.child("a").unwrap();
        assert_eq!(a.children.len(), 4, "text, b, e, text");
        assert_eq!(a.children.capacity(), 4, "no spare room kept");
        let b = a.child("b").unwrap();
        assert!(matches!(&b.children[1], Node::Text(s) if s == "y&z"), "one text node");
        assert!(std::sync::Arc::ptr_eq(&a.attrs[0].1 .0, &b.attrs[0].1 .0), "one copy of a value");
        assert!(a.attrs.shares(&b.attrs), "one copy of an attribute list");
        assert!(!a.attrs.shares(&b.child("d").unwrap().attrs), "another value, another list");
        assert_eq!(b.child("d").unwrap().attr("k"), Some("w"));
        assert!(parse("<a><b></b>").is_err(), "unclosed");
        assert!(parse("</a>").is_err());
    }

    #[test]
    fn a_start_tag_seen_before_is_the_same_element() {
        let src = r#"<a><b k="v" n="&amp;1"/><b k="v" n="&amp;1">x</b><b k="v"  n="&amp;1"/><c k="v"/></a>"#;
        let t = parse(src).unwrap();
        let a = t.child("a").unwrap();
        let b: Vec<&Elem> = a.elems().collect();
        assert_eq!(b.len(), 4);
        for e in &b[..3] {
            assert_eq!(e.name, "b");
            assert_eq!(e.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(), ["k=v", "n=&1"]);
        }
        assert!(b[0].attrs.shares(&b[1].attrs) && b[1].attrs.shares(&b[2].attrs), "one list");
        assert!(std::sync::Arc::ptr_eq(&b[0].name.0, &b[1].name.0));
        assert_eq!(b[3].attr("k"), Some("v"));
        assert_eq!(
            write(&t),
            r#"<a><b k="v" n="&amp;1"/><b k="v" n="&amp;1">x</b><b k="v" n="&amp;1"/><c k="v"/></a>"#
        );
        // a tag in error is an error each time
        assert!(parse(r#"<a><b k="1" k="2"/><b k="1" k="2"/></a>"#).is_err());
        // past the most tags kept, tags are still read right
        let many: String = (0..MAX_SHARED_TAGS + 10).map(|i| format!(r#"<p id="{i}"/>"#)).collect();
        let t = parse(&format!("<r>{many}<p id=\"7\"/></r>")).unwrap();
        let r = t.child("r").unwrap();
        assert_eq!(r.elems().count(), MAX_SHARED_TAGS + 11);
        assert_eq!(r.elems().last().unwrap().attr("id"), Some("7"));
        assert_eq!(
            r.elems().nth(MAX_SHARED_TAGS + 5).unwrap().attr("id"),
            Some(&*(MAX_SHARED_TAGS + 5).to_string())
        );
    }

    #[test]
    fn a_shared_attribute_list_is_copied_before_a_change() {
        let mut t = parse(r#"<a><b k="v" n="1"/><b k="v" n="1"/></a>"#).unwrap();
        let a = t.child_mut("a").unwrap();
        let [Node::Elem(first), Node::Elem(second)] = &mut a.children[..] else { panic!("two elements") };
        assert!(first.attrs.shares(&second.attrs));
        second.set_attr("k", "v");
        assert!(first.attrs.shares(&second.attrs), "the same value: still shared");
        second.set_attr("k", "w");
        second.set_attr("m", "2");
        assert!(!first.attrs.shares(&second.attrs));
        assert_eq!(first.attr("k"), Some("v"), "the other element keeps its value");
        assert_eq!(first.attrs.len(), 2);
        assert_eq!(write(&t), r#"<a><b k="v" n="1"/><b k="w" n="1" m="2"/></a>"#);
        let mut e = Elem::new("x", &[]);
        assert!(e.attrs.is_empty());
        e.attrs.push(("y".into(), "z".into()));
        assert_eq!(e.attr("y"), Some("z"));
        e.attrs.clear();
        assert!(e.attrs.is_empty() && e.attrs.get_mut(0).is_none());
    }

    /// `text` cut at the byte offsets `cuts` (character boundaries), as a writer's pieces.
    fn pieces(text: &str, cuts: &[usize]) -> Markup {
        let mut at = 0;
        let mut out = Vec::new();
        for &c in cuts.iter().chain(std::iter::once(&text.len())) {
            out.push(text.as_bytes()[at..c].to_vec());
            at = c;
        }
        Markup::from_pieces(out).unwrap()
    }

    #[test]
    fn markup_in_pieces_parses_as_the_whole_text() {
        // the declaration's encoding is not followed: the text is UTF-8 either way
        let src = "\u{feff}<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<w:document xmlns:w=\"x\"><w:body><w:p a=\"1&amp;2\"><w:r><w:t xml:space=\"preserve\"> æ &amp; ø &#65;</w:t></w:r></w:p><!-- c --><w:p/></w:body></w:document>";
        let whole = write(&parse(src).unwrap());
        assert!(whole.contains("> æ &amp; ø A</w:t>") && !whole.contains('\u{feff}'), "{whole}");
        let cuts: Vec<usize> = (1..src.len()).filter(|i| src.is_char_boundary(*i)).collect();
        for &i in &cuts {
            assert_eq!(write(&parse_markup(pieces(src, &[i])).unwrap()), whole, "cut at {i}");
            for &j in cuts.iter().filter(|j| **j > i).step_by(7) {
                assert_eq!(write(&parse_markup(pieces(src, &[i, j])).unwrap()), whole, "cut at {i}, {j}");
            }
        }
        for bad in ["<a><b></a>", "<a>", "</a>", "<a>&foo;</a>", "<!DOCTYPE x><a/>", "x", "<a x=\"1></a>"] {
            let expected = parse(bad).unwrap_err();
            for i in 0..bad.len() {
                assert_eq!(parse_markup(pieces(bad, &[i])).unwrap_err(), expected, "{bad} cut at {i}");
            }
        }
    }

    #[test]
    fn markup_is_freed_as_it_is_read() {
        use std::io::BufRead;
        let mut m = pieces("<a>b</a>", &[3, 4]);
        assert_eq!(m.len(), 8);
        assert_eq!(m.fill_buf().unwrap(), b"<a>");
        m.consume(2);
        assert_eq!(m.fill_buf().unwrap(), b">");
        m.consume(1);
        assert_eq!(m.pieces().count(), 2, "the first piece, read, is gone");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut m, &mut rest).unwrap();
        assert_eq!(rest, "b</a>");
        assert_eq!(m.pieces().count(), 0);
        assert!(Markup::from_pieces(vec![vec![0xc3], vec![0xa6]]).is_some(), "a character across pieces");
        assert!(Markup::from_pieces(vec![vec![b'a'], vec![0xa6]]).is_none(), "not UTF-8");
    }

    #[test]
    fn lists_changed_alike_are_shared_again() {
        let mut t =
            parse(r#"<r><c w="1" t="dxa"/><c w="1" t="dxa"/><c w="1" t="dxa"/><c w="2" t="dxa"/></r>"#)
                .unwrap();
        let r = t.child_mut("r").unwrap();
        let mut edits = SharedEdits::default();
        let keys = ["5", "5", "6", "5"];
        for (c, key) in r.elems_mut().zip(keys) {
            edits.apply(c, key, |c| c.set_attr("w", key));
        }
        let c: Vec<&Elem> = r.elems().collect();
        assert!(c[0].attrs.shares(&c[1].attrs), "same list, same change: one list");
        assert!(!c[0].attrs.shares(&c[2].attrs) && !c[0].attrs.shares(&c[3].attrs));
        assert_eq!(
            write(&t),
            r#"<r><c w="5" t="dxa"/><c w="5" t="dxa"/><c w="6" t="dxa"/><c w="5" t="dxa"/></r>"#
        );
    }

    #[test]
    fn a_node_is_five_words() {
        // a rendered part holds millions of nodes: a name, an attribute list and the children
        assert!(std::mem::size_of::<Node>() <= 40, "{}", std::mem::size_of::<Node>());
        assert_eq!(std::mem::size_of::<Name>(), 8);
        assert_eq!(std::mem::size_of::<Attrs>(), 8);
    }

    #[test]
    fn the_quick_hash_tells_names_apart() {
        use std::hash::BuildHasher;
        let h = |s: &[u8]| QuickBuild::default().hash_one(s);
        assert_ne!(h(b"w:val"), h(b"w:va"));
        assert_ne!(h(b"w:tblGrid"), h(b"w:tblGrie"), "past the first eight bytes");
        assert_eq!(h(b"w:tcW"), h(b"w:tcW"));
    }
}
