//! A fast reader of the plain XML that package parts are made of, giving the very events
//! quick-xml gives, or stopping.
//!
//! [`super::xml::parse_part`] runs on every part of every DOCX, and quick-xml's general event
//! loop (states, configuration, the stack of open names, errors with positions) costs several
//! hundred instructions per event. This reader covers the XML Word writes: an XML declaration
//! in UTF-8, start, empty and end tags, text, and the references `&amp;`, `&#x41;`, … in text.
//! For that input it produces, event by event, exactly the events quick-xml 0.41 produces with
//! the parser's configuration (only `check_end_names` off): the same tags split at the same
//! `>` (quotes respected), the same text pieces split at `<` and `&`, the same references.
//!
//! On anything else it stops with [`Halt`] *before* giving an event that could differ: a
//! comment, CDATA section, DOCTYPE or processing instruction, a declared encoding other than
//! UTF-8, a part that is not UTF-8, a reference without its `;`, an end tag without an open
//! element, a part cut off inside a tag, input that does not start with `<`. The caller then
//! parses the part again from its start with quick-xml, so errors, refusals and the tree of
//! any such part are quick-xml's, exactly as before.

use quick_xml::events::{BytesDecl, BytesEnd, BytesRef, BytesStart, BytesText, Event};

/// The fast reader stopped: the part is read again with quick-xml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Halt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before text (or a tag).
    Text,
    /// At a `&` in text.
    Ref,
    /// At a `<`.
    Markup,
    /// The input is used up.
    Done,
}

/// The reader over one part (UTF-8, any BOM already removed).
pub struct Scanner<'a> {
    /// The whole part, checked to be UTF-8 once: every piece cut at `<`, `>`, `&` or `;` is
    /// then UTF-8 too.
    all: &'a str,
    /// Where reading continues.
    pos: usize,
    state: State,
    /// Elements open (start tags without their end tag yet).
    depth: usize,
}

/// XML whitespace, as quick-xml defines it.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

/// The length of the name at the start of a tag's content: up to the first whitespace.
fn name_len(content: &[u8]) -> usize {
    content.iter().position(|&b| is_space(b)).unwrap_or(content.len())
}

impl<'a> Scanner<'a> {
    /// A reader for `input`, or `None` when it does not start the way the parts Word writes
    /// do (with `<`, not UTF-16: quick-xml's encoding detection then has the first word) or
    /// is not UTF-8.
    pub fn new(input: &'a [u8]) -> Option<Self> {
        match input {
            [b'<', second, ..] if *second != 0 => {
                let all = std::str::from_utf8(input).ok()?;
                Some(Scanner { all, pos: 0, state: State::Text, depth: 0 })
            }
            _ => None,
        }
    }

    /// The input not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.all.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// Continue at `rest`, a later point of the input (the end of [`Scanner::rest`]), in text
    /// (after a tag).
    pub fn set_rest(&mut self, rest: &'a [u8]) {
        self.pos = self.all.len().saturating_sub(rest.len()).max(self.pos);
    }

    /// `all[from..to]`, or a halt (never, for cuts at ASCII delimiters).
    fn piece(&self, from: usize, to: usize) -> Result<&'a str, Halt> {
        self.all.get(from..to).ok_or(Halt)
    }

    /// The next event, as quick-xml would give it, or [`Halt`].
    pub fn next_event(&mut self) -> Result<Event<'a>, Halt> {
        loop {
            match self.state {
                State::Done => return Ok(Event::Eof),
                State::Text => {
                    let rest = self.rest();
                    // most text between tags is empty: no search for it
                    let found = match rest.first() {
                        Some(b'<') => Some(0),
                        _ => memchr::memchr2(b'<', b'&', rest),
                    };
                    match found {
                        Some(0) => {
                            self.state = if rest.first() == Some(&b'<') { State::Markup } else { State::Ref };
                        }
                        Some(i) => {
                            let text = self.piece(self.pos, self.pos + i)?;
                            self.pos += i;
                            self.state = if rest.get(i) == Some(&b'<') { State::Markup } else { State::Ref };
                            return Ok(Event::Text(BytesText::from_escaped(text)));
                        }
                        None => {
                            let text = self.piece(self.pos, self.all.len())?;
                            self.pos = self.all.len();
                            self.state = State::Done;
                            if text.is_empty() {
                                return Ok(Event::Eof);
                            }
                            return Ok(Event::Text(BytesText::from_escaped(text)));
                        }
                    }
                }
                State::Ref => {
                    // `&name;`: the name up to the first `;`, unless `&` or `<` comes first
                    let after = self.rest().get(1..).ok_or(Halt)?;
                    let i = memchr::memchr3(b';', b'&', b'<', after).ok_or(Halt)?;
                    if after.get(i) != Some(&b';') {
                        return Err(Halt);
                    }
                    let name = self.piece(self.pos + 1, self.pos + 1 + i)?;
                    self.pos += i + 2;
                    self.state = State::Text;
                    return Ok(Event::GeneralRef(BytesRef::new(name)));
                }
                State::Markup => return self.markup(),
            }
        }
    }

    /// A tag, at `<`.
    fn markup(&mut self) -> Result<Event<'a>, Halt> {
        let tag = self.rest();
        let at = self.pos;
        match tag.get(1) {
            None | Some(b'!') => Err(Halt),
            Some(b'?') => {
                // only the XML declaration: `<?xml …?>`, ending at the first `?>`
                let end = memchr::memchr_iter(b'>', tag)
                    .find(|&i| i > 0 && tag.get(i - 1) == Some(&b'?'))
                    .ok_or(Halt)?;
                if end < 4 {
                    return Err(Halt);
                }
                let content = tag.get(2..end - 1).ok_or(Halt)?;
                let is_decl = content.starts_with(b"xml") && content.get(3).is_none_or(|&b| is_space(b));
                if !is_decl {
                    return Err(Halt);
                }
                let decl =
                    BytesDecl::from_start(BytesStart::from_content(self.piece(at + 2, at + end - 1)?, 3));
                // a declared encoding other than UTF-8 changes how quick-xml decodes text
                if decl.encoder().is_some_and(|e| e != encoding_rs::UTF_8) {
                    return Err(Halt);
                }
                self.pos = at + end + 1;
                self.state = State::Text;
                Ok(Event::Decl(decl))
            }
            Some(b'/') => {
                let end = super::xml::tag_end(tag).ok_or(Halt)?;
                // quick-xml refuses an end tag without an open element
                self.depth = self.depth.checked_sub(1).ok_or(Halt)?;
                self.pos = at + end + 1;
                self.state = State::Text;
                Ok(Event::End(BytesEnd::new("")))
            }
            Some(_) => {
                let end = super::xml::tag_end(tag).ok_or(Halt)?;
                let content = tag.get(1..end).ok_or(Halt)?;
                self.pos = at + end + 1;
                self.state = State::Text;
                if content.last() == Some(&b'/') {
                    let inner = content.get(..content.len() - 1).unwrap_or_default();
                    let s = self.piece(at + 1, at + end - 1)?;
                    Ok(Event::Empty(BytesStart::from_content(s, name_len(inner))))
                } else {
                    let s = self.piece(at + 1, at + end)?;
                    self.depth += 1;
                    Ok(Event::Start(BytesStart::from_content(s, name_len(content))))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;

    /// Both readers' events as text, the scanner's up to where it stops.
    fn both(xml: &str) -> (Vec<String>, Option<Vec<String>>) {
        let show = |e: &Event<'_>| match e {
            Event::Start(s) => format!("start {:?} {:?}", s.name().as_ref(), &**s),
            Event::Empty(s) => format!("empty {:?} {:?}", s.name().as_ref(), &**s),
            Event::End(_) => "end".to_string(),
            Event::Text(t) => format!("text {:?}", t.xml10_content().ok()),
            Event::GeneralRef(r) => format!("ref {:?} {:?}", &**r, r.resolve_char_ref().ok()),
            Event::Decl(_) => "decl".to_string(),
            Event::Eof => "eof".to_string(),
            other => format!("{other:?}"),
        };
        let mut reader = Reader::from_reader(xml.as_bytes());
        reader.config_mut().check_end_names = false;
        let mut quick = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(e) => quick.push(show(&e)),
                Err(e) => {
                    quick.push(format!("error {e}"));
                    break;
                }
            }
        }
        let fast = Scanner::new(xml.as_bytes()).and_then(|mut s| {
            let mut out = Vec::new();
            loop {
                match s.next_event() {
                    Ok(Event::Eof) => return Some(out),
                    Ok(e) => out.push(show(&e)),
                    Err(Halt) => return None,
                }
            }
        });
        (quick, fast)
    }

    #[test]
    fn the_events_of_quick_xml_or_a_halt() {
        let same = [
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#.to_string()
                + "\r\n<w:document xmlns:w=\"w\"><w:body><w:p w:rsidR=\"1\"><w:r><w:t xml:space=\"preserve\"> a &amp; b&#x41;&#233;&lt;</w:t></w:r></w:p></w:body></w:document>",
            "<a x='1>2' y=\"'>\"><b/><c />text > more<d/ ></a >".to_string(),
            "<a>line\r\nend\rx</a>tail".to_string(),
            "<a>\u{e6}\u{f8}\u{e5}<b val=\"\u{e9}\"/></a>".to_string(),
            "<?xml version='1.0' encoding='utf-8'?><a>&bogus;&#xZZ;</a>".to_string(),
            "<a><b><c>cut".to_string(),
            "<x/>".to_string(),
            "<x></x></y>".to_string(),
        ];
        for xml in &same {
            let (quick, fast) = both(xml);
            if xml.ends_with("</y>") {
                // an end tag too many: quick-xml's error, the scanner stops before it
                assert!(quick.last().is_some_and(|e| e.starts_with("error")), "{quick:?}");
                assert!(fast.is_none());
                continue;
            }
            assert_eq!(Some(quick), fast, "{xml}");
        }
        let halts = [
            "<a><!-- c --></a>",
            "<a><![CDATA[x]]></a>",
            "<!DOCTYPE a><a/>",
            "<a><?pi x?></a>",
            "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a/>",
            "<a>x &amp y</a>",
            "<a>x & y</a>",
            "<a><b",
            "<a x=\"1></a>",
            " <a/>",
            "\u{feff}<a/>",
            "<",
        ];
        for xml in halts {
            let (_, fast) = both(xml);
            assert_eq!(fast, None, "{xml}");
        }
        // bytes that are not UTF-8 anywhere: quick-xml reads the part
        for bad in [&b"<a>\xff</a>"[..], b"<a \xff/>", b"<a>&\xff;</a>", b"<a/><!-- \xff -->"] {
            assert!(Scanner::new(bad).is_none(), "{bad:?}");
        }
    }
}
