//! PDF fonts: from a font dictionary to "code → Unicode text + advance width".
//!
//! Covers ToUnicode CMaps (`bfchar`/`bfrange`, code space ranges), simple encodings (WinAnsi,
//! MacRoman, Standard, `Differences` with glyph names — the base tables come from lopdf), Type0
//! CID fonts (Identity-H and other two-byte CMaps) with `W`/`DW` widths, simple-font `Widths`,
//! Type3 font matrices, and approximate widths for the standard 14 fonts without `Widths`.
//! Everything here is bounded: maps are capped and lookups never panic.

use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;

/// Most code → text entries kept from one ToUnicode map or `W` array.
const MAX_MAP_ENTRIES: usize = 200_000;
/// Most characters one character code maps to (a ligature is two or three; longer text for one
/// glyph is cut here, where it is produced).
pub const MAX_CODE_TEXT_CHARS: usize = 32;
/// Most text bytes in one parsed ToUnicode map.
const MAX_MAP_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// A decoded font, ready to turn string bytes into glyphs.
#[derive(Debug, Default)]
pub struct Font {
    /// Codes are read through [`Font::codespace`] (Type0 fonts); otherwise one byte each.
    pub two_byte: bool,
    /// Code space ranges of a Type0 font's CMap: (length in bytes, low bytes, high bytes).
    /// Empty means two bytes per code (Identity-H/V and the other predefined two-byte CMaps).
    codespace: Vec<(usize, [u8; 4], [u8; 4])>,
    /// Code → CID ranges of an embedded CMap (low, high, first CID); empty means CID = code.
    cid_ranges: Vec<(u32, u32, u32)>,
    /// Code → text from the ToUnicode map (shared by the fonts that use one map stream).
    to_unicode: std::rc::Rc<HashMap<u32, String>>,
    /// Code → text from the simple encoding (single-byte fonts).
    simple: Vec<Option<String>>,
    /// Widths in glyph units (1/1000 em after `scale`), by code.
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space → text space (0.001 except for Type3 fonts).
    pub scale: f32,
    pub bold: bool,
    pub italic: bool,
    /// The font is Type3 (glyphs drawn by content procedures we do not run).
    pub type3: bool,
}

/// One decoded character code.
pub struct Code<'a> {
    pub text: &'a str,
    /// Advance in text-space units per unit font size.
    pub width: f32,
    /// A single-byte code 32 (word spacing `Tw` applies).
    pub is_space_byte: bool,
}

impl Font {
    /// Decode a string's bytes into codes; calls `f` for each.
    pub fn each_code<'a>(&'a self, bytes: &[u8], mut f: impl FnMut(Code<'a>)) {
        if self.two_byte {
            let mut i = 0;
            while i < bytes.len() {
                let n = self.code_len(bytes.get(i..).unwrap_or(&[]));
                let code = code_of(bytes.get(i..i + n).unwrap_or(&[]));
                i += n;
                let cid = self.cid_of(code);
                // a one-byte code 32 is a space for word spacing (PDF 9.3.3)
                f(Code {
                    text: self.text_of(code),
                    width: self.width_of(cid),
                    is_space_byte: n == 1 && code == 32,
                });
            }
        } else {
            for &b in bytes {
                let code = b as u32;
                f(Code { text: self.text_of(code), width: self.width_of(code), is_space_byte: b == 32 });
            }
        }
    }

    /// Length of the code at the start of `bytes` by the code space ranges (PDF 9.7.6.2): the
    /// shortest range the leading bytes fall into; one byte when none matches.
    fn code_len(&self, bytes: &[u8]) -> usize {
        if self.codespace.is_empty() {
            return 2.min(bytes.len()).max(1);
        }
        for n in 1..=4usize {
            let Some(head) = bytes.get(..n) else { break };
            let fits = self.codespace.iter().any(|(len, lo, hi)| {
                *len == n && head.iter().enumerate().all(|(k, b)| *b >= lo[k] && *b <= hi[k])
            });
            if fits {
                return n;
            }
        }
        // no range matches: the shortest declared length, as pdf.js and poppler do
        let n = self.codespace.iter().map(|c| c.0).min().unwrap_or(1);
        n.min(bytes.len()).max(1)
    }

    fn cid_of(&self, code: u32) -> u32 {
        if self.cid_ranges.is_empty() {
            return code;
        }
        let i = self.cid_ranges.partition_point(|r| r.0 <= code);
        match i.checked_sub(1).and_then(|i| self.cid_ranges.get(i)) {
            Some(&(lo, hi, cid)) if code <= hi => cid.saturating_add(code - lo),
            _ => 0,
        }
    }

    fn text_of(&self, code: u32) -> &str {
        if let Some(t) = self.to_unicode.get(&code) {
            return t;
        }
        if !self.two_byte {
            if let Some(Some(t)) = self.simple.get(code as usize) {
                return t;
            }
        }
        ""
    }

    fn width_of(&self, code: u32) -> f32 {
        self.widths.get(&code).copied().unwrap_or(self.default_width) * self.scale
    }
}

/// Follow references (bounded) to the object itself.
pub fn deref<'a>(doc: &'a Document, mut obj: &'a Object) -> Option<&'a Object> {
    for _ in 0..16 {
        match obj {
            Object::Reference(id) => obj = doc.get_object(*id).ok()?,
            other => return Some(other),
        }
    }
    None
}

pub fn dict_get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    deref(doc, dict.get(key).ok()?)
}

pub fn num(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn name_of<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match dict_get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn stream_bytes(doc: &Document, obj: &Object, limit: usize) -> Option<Vec<u8>> {
    match deref(doc, obj)? {
        Object::Stream(s) => {
            if s.dict.get(b"Filter").is_ok() {
                s.decompressed_content_with_limit(limit).ok()
            } else if s.content.len() <= limit {
                Some(s.content.clone())
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Build a [`Font`] from its dictionary. Never fails: what cannot be read falls back to defaults.
pub fn load_font(doc: &Document, dict: &Dictionary, limit: usize, names: &mut GlyphNames) -> Font {
    let subtype = name_of(doc, dict, b"Subtype").unwrap_or(b"");
    let base_font = name_of(doc, dict, b"BaseFont").map(|n| String::from_utf8_lossy(n).into_owned());
    let mut font = Font { scale: 0.001, default_width: 500.0, ..Font::default() };
    let mut descriptor = dict_get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok());

    if subtype == b"Type0" {
        font.two_byte = true;
        match dict.get(b"Encoding").ok().and_then(|o| deref(doc, o)) {
            // Predefined mixed one/two-byte CMaps: bytes below 0x80 are one-byte codes.
            Some(Object::Name(enc)) if enc.ends_with(b"RKSJ-H") || enc.ends_with(b"EUC-H") => {
                font.codespace =
                    vec![(1, [0; 4], [0x80, 0, 0, 0]), (2, [0x81, 0x40, 0, 0], [0xFE, 0xFE, 0, 0])];
            }
            // an embedded CMap (Ghostscript's /OneByteIdentityH, subset CMaps of other producers)
            Some(Object::Stream(_)) => {
                if let Some(data) = dict.get(b"Encoding").ok().and_then(|o| stream_bytes(doc, o, limit)) {
                    let (space, ranges) = parse_cid_cmap(&data);
                    font.codespace = space;
                    font.cid_ranges = ranges;
                }
            }
            _ => {}
        }
        let descendant = dict_get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        if let Some(cid) = descendant {
            font.default_width = dict_get(doc, cid, b"DW").and_then(num).unwrap_or(1000.0);
            if let Some(Object::Array(w)) = dict_get(doc, cid, b"W") {
                read_cid_widths(doc, w, &mut font.widths);
            }
            descriptor =
                descriptor.or_else(|| dict_get(doc, cid, b"FontDescriptor").and_then(|o| o.as_dict().ok()));
        } else {
            font.default_width = 1000.0;
        }
    } else {
        if subtype == b"Type3" {
            font.type3 = true;
            if let Some(Object::Array(m)) = dict_get(doc, dict, b"FontMatrix") {
                if let Some(a) = m.first().and_then(num) {
                    if a.abs() > 1e-6 && a.abs() < 10.0 {
                        font.scale = a.abs();
                    }
                }
            }
        }
        font.simple = simple_encoding(doc, dict, base_font.as_deref(), names);
        let first = dict_get(doc, dict, b"FirstChar").and_then(num).unwrap_or(0.0).max(0.0) as u32;
        if let Some(Object::Array(w)) = dict_get(doc, dict, b"Widths") {
            for (i, o) in w.iter().take(256).enumerate() {
                if let Some(v) = deref(doc, o).and_then(num) {
                    font.widths.insert(first.saturating_add(i as u32), v);
                }
            }
        } else if let Some(b) = &base_font {
            standard_widths(b, &mut font.widths);
        }
        let missing = descriptor.and_then(|d| dict_get(doc, d, b"MissingWidth")).and_then(num);
        font.default_width = missing.filter(|m| *m > 0.0).unwrap_or_else(|| {
            if font.widths.is_empty() {
                500.0
            } else {
                let sum: f32 = font.widths.values().sum();
                sum / font.widths.len() as f32
            }
        });
        if font.type3 && font.default_width == 500.0 && font.widths.is_empty() {
            font.default_width = 0.5 / font.scale.max(1e-6);
        }
    }

    if let Ok(tu) = dict.get(b"ToUnicode") {
        // one map stream shared by many fonts is parsed once
        let id = tu.as_reference().ok();
        if let Some(map) = id.and_then(|id| names.to_unicode.get(&id)) {
            font.to_unicode = map.clone();
        } else if let Some(bytes) = stream_bytes(doc, tu, limit) {
            let mut map = HashMap::new();
            parse_to_unicode(&bytes, font.two_byte, &mut map);
            font.to_unicode = std::rc::Rc::new(map);
            if let Some(id) = id {
                names.to_unicode.insert(id, font.to_unicode.clone());
            }
        }
    }

    let lname = base_font.as_deref().unwrap_or("").to_ascii_lowercase();
    font.bold = ["bold", "black", "heavy", "semibold", "demi"].iter().any(|k| lname.contains(k));
    font.italic = lname.contains("italic") || lname.contains("oblique");
    if let Some(d) = descriptor {
        if let Some(w) = dict_get(doc, d, b"FontWeight").and_then(num) {
            font.bold |= w >= 600.0;
        }
        if let Some(flags) = dict_get(doc, d, b"Flags").and_then(num) {
            font.bold |= (flags as i64) & (1 << 18) != 0;
        }
        if let Some(a) = dict_get(doc, d, b"ItalicAngle").and_then(num) {
            font.italic |= a.abs() > 0.5;
        }
    }
    font
}

fn read_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() && out.len() < MAX_MAP_ENTRIES {
        let Some(first) = w.get(i).and_then(|o| deref(doc, o)).and_then(num) else { break };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate() {
                    if let Some(v) = deref(doc, o).and_then(num) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                let v = w.get(i + 2).and_then(|o| deref(doc, o)).and_then(num).unwrap_or(1000.0);
                let last = last.min(first.saturating_add((MAX_MAP_ENTRIES - out.len()) as u32));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// Glyph name → text, cached, resolved through lopdf's glyph list with `uniXXXX`/`uXXXX` forms;
/// also the parsed ToUnicode maps by stream object, so fonts sharing one parse it once.
#[derive(Default)]
pub struct GlyphNames {
    cache: HashMap<Vec<u8>, Option<String>>,
    to_unicode: HashMap<lopdf::ObjectId, std::rc::Rc<HashMap<u32, String>>>,
}

impl GlyphNames {
    pub fn resolve(&mut self, doc: &Document, name: &[u8]) -> Option<String> {
        if let Some(v) = self.cache.get(name) {
            return v.clone();
        }
        let v = resolve_glyph_name(doc, name);
        self.cache.insert(name.to_vec(), v.clone());
        v
    }
}

fn resolve_glyph_name(doc: &Document, name: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(name).ok()?;
    let base = s.split('.').next().unwrap_or(s);
    if let Some(hex) = base.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 {
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|k| u16::from_str_radix(hex.get(k * 4..k * 4 + 4)?, 16).ok())
                .collect();
            let t: String = char::decode_utf16(units).filter_map(Result::ok).collect();
            if !t.is_empty() {
                return Some(clean_text(&t));
            }
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) {
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                return Some(clean_text(&c.to_string()));
            }
        }
    }
    match base {
        "ff" => return Some("ff".into()),
        "fi" => return Some("fi".into()),
        "fl" => return Some("fl".into()),
        "ffi" => return Some("ffi".into()),
        "ffl" => return Some("ffl".into()),
        _ => {}
    }
    // lopdf keeps its glyph list private; ask it through a one-entry Differences encoding.
    let mut enc = Dictionary::new();
    enc.set("Differences", Object::Array(vec![Object::Integer(65), Object::Name(base.as_bytes().to_vec())]));
    let mut fd = Dictionary::new();
    fd.set("Type", Object::Name(b"Font".to_vec()));
    fd.set("Encoding", Object::Dictionary(enc));
    let t = fd.get_font_encoding(doc).ok()?.bytes_to_string(&[65]).ok()?;
    if t.is_empty() || (t == "A" && base != "A") {
        return None;
    }
    Some(clean_text(&t))
}

/// Text per single-byte code from `Encoding` (name or dictionary with `Differences`).
fn simple_encoding(
    doc: &Document,
    dict: &Dictionary,
    base_font: Option<&str>,
    names: &mut GlyphNames,
) -> Vec<Option<String>> {
    let enc = dict_get(doc, dict, b"Encoding");
    let base_name: &[u8] = match enc {
        Some(Object::Name(n)) => n,
        Some(Object::Dictionary(d)) => name_of(doc, d, b"BaseEncoding").unwrap_or(b""),
        _ => b"",
    };
    let symbolic = base_font.is_some_and(|b| {
        let l = b.to_ascii_lowercase();
        l.contains("symbol") || l.contains("dingbat") || l.contains("wingding")
    });
    let base_name: &[u8] = match base_name {
        b"WinAnsiEncoding" | b"MacRomanEncoding" | b"StandardEncoding" | b"MacExpertEncoding" => base_name,
        _ if symbolic => b"",
        // Unknown or absent: WinAnsi is what office software means in practice.
        _ => b"WinAnsiEncoding",
    };
    let mut table: Vec<Option<String>> = vec![None; 256];
    if !base_name.is_empty() {
        let mut fd = Dictionary::new();
        fd.set("Type", Object::Name(b"Font".to_vec()));
        fd.set("Encoding", Object::Name(base_name.to_vec()));
        if let Ok(e) = fd.get_font_encoding(doc) {
            for (b, slot) in table.iter_mut().enumerate() {
                if let Ok(t) = e.bytes_to_string(&[b as u8]) {
                    if !t.is_empty() {
                        *slot = Some(clean_text(&t));
                    }
                }
            }
        }
    } else {
        for (b, slot) in table.iter_mut().enumerate().skip(32) {
            *slot = char::from_u32(b as u32).map(|c| clean_text(&c.to_string()));
        }
    }
    if let Some(Object::Dictionary(d)) = enc {
        if let Some(Object::Array(diffs)) = dict_get(doc, d, b"Differences") {
            let mut code: i64 = 0;
            for o in diffs.iter().take(4096) {
                match deref(doc, o) {
                    Some(Object::Integer(c)) => code = *c,
                    Some(Object::Name(n)) => {
                        if (0..256).contains(&code) {
                            // an unknown glyph name keeps the base encoding's character
                            if let Some(t) = names.resolve(doc, n) {
                                if let Some(slot) = table.get_mut(code as usize) {
                                    *slot = Some(t);
                                }
                            }
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    table
}

/// Map presentation forms and private-use bullets to plain text.
pub fn clean_text(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            // Symbol / Wingdings bullets reached through private-use code points
            '\u{F0B7}' | '\u{F06C}' | '\u{F0A7}' | '\u{F076}' | '\u{F0D8}' | '\u{F0FC}' => out.push('•'),
            '\u{F02D}' => out.push('–'),
            // a soft hyphen that is shown marks a line-end hyphenation (typst's `/ActualText`): kept,
            // so that joining the lines drops it (`am-` / `bulant`), and shown as `-` otherwise
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => out.push(' '),
            '\0' => {}
            c if (c as u32) < 32 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

// ---- ToUnicode CMaps ----

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Hex(Vec<u8>),
    Word(&'a [u8]),
    Name(&'a [u8]),
    Open,
    Close,
}

fn tokenize(data: &[u8]) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data.get(i).copied().unwrap_or(b' ');
        match c {
            b'%' => {
                while i < data.len() && data.get(i) != Some(&b'\n') && data.get(i) != Some(&b'\r') {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let start = i + 1;
                let mut j = start;
                while j < data.len() && data.get(j) != Some(&b'>') {
                    j += 1;
                }
                let digits: Vec<u8> = data
                    .get(start..j)
                    .unwrap_or(&[])
                    .iter()
                    .copied()
                    .filter(|b| b.is_ascii_hexdigit())
                    .collect();
                let mut bytes = Vec::with_capacity(digits.len() / 2 + 1);
                for pair in digits.chunks(2) {
                    let hi = hexval(pair.first().copied().unwrap_or(b'0'));
                    let lo = hexval(pair.get(1).copied().unwrap_or(b'0'));
                    bytes.push(hi * 16 + lo);
                }
                out.push(Tok::Hex(bytes));
                i = j + 1;
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // literal strings are not used by the maps we need; skip them
                let mut depth = 0;
                while i < data.len() {
                    match data.get(i) {
                        Some(b'\\') => i += 1,
                        Some(b'(') => depth += 1,
                        Some(b')') => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'/' => {
                let start = i + 1;
                i += 1;
                while i < data.len() && !is_delim(data.get(i).copied().unwrap_or(b' ')) {
                    i += 1;
                }
                out.push(Tok::Name(data.get(start..i).unwrap_or(&[])));
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len() && !is_delim(data.get(i).copied().unwrap_or(b' ')) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                } else {
                    out.push(Tok::Word(data.get(start..i).unwrap_or(&[])));
                }
            }
        }
    }
    out
}

fn is_delim(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'<' | b'>' | b'[' | b']' | b'/' | b'(' | b')' | b'%')
}

fn hexval(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |acc, b| (acc << 8) | *b as u32)
}

fn utf16_text(bytes: &[u8]) -> String {
    // at most MAX_CODE_TEXT_CHARS characters (a surrogate pair is two units)
    let bytes = bytes.get(..MAX_CODE_TEXT_CHARS * 4).unwrap_or(bytes);
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| ((p.first().copied().unwrap_or(0) as u16) << 8) | p.get(1).copied().unwrap_or(0) as u16)
        .collect();
    // Ghostscript writes the text of ligature glyphs little-endian (`<66006900>` for "fi"):
    // several units, each an ASCII letter in the high byte and zero in the low, are swapped.
    let swapped = units.len() >= 2 && units.iter().all(|u| u & 0xFF == 0 && (0x21..0x7F).contains(&(u >> 8)));
    let units = units.into_iter().map(|u| if swapped { u.swap_bytes() } else { u });
    let t: String = char::decode_utf16(units).filter_map(Result::ok).take(MAX_CODE_TEXT_CHARS).collect();
    clean_text(&t)
}

/// Parse a ToUnicode CMap into `out`. Single-byte fonts keep only one-byte codes; a map whose
/// source codes are all one byte long is accepted for two-byte fonts too.
pub fn parse_to_unicode(data: &[u8], _two_byte: bool, out: &mut HashMap<u32, String>) {
    let toks = tokenize(data);
    let mut i = 0;
    let mut text_bytes = 0usize;
    let mut insert = |out: &mut HashMap<u32, String>, code: u32, text: String| {
        text_bytes += text.len();
        if text_bytes <= MAX_MAP_TEXT_BYTES {
            out.insert(code, text);
        }
    };
    while i < toks.len() && out.len() < MAX_MAP_ENTRIES {
        match toks.get(i) {
            Some(Tok::Word(b"beginbfchar")) => {
                i += 1;
                while let (Some(Tok::Hex(src)), Some(dst)) = (toks.get(i), toks.get(i + 1)) {
                    let text = match dst {
                        Tok::Hex(d) => utf16_text(d),
                        Tok::Name(n) => resolve_plain_name(n),
                        _ => String::new(),
                    };
                    insert(out, code_of(src), text);
                    i += 2;
                    if out.len() >= MAX_MAP_ENTRIES {
                        break;
                    }
                }
            }
            Some(Tok::Word(b"beginbfrange")) => {
                i += 1;
                while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) = (toks.get(i), toks.get(i + 1)) {
                    let (lo, hi) = (code_of(lo), code_of(hi));
                    match toks.get(i + 2) {
                        Some(Tok::Hex(dst)) => {
                            let span = hi.saturating_sub(lo).min((MAX_MAP_ENTRIES - out.len()) as u32);
                            let mut d = dst.clone();
                            for k in 0..=span {
                                insert(out, lo + k, utf16_text(&d));
                                // increment the last byte (with carry into the one before)
                                if let Some(last) = d.last_mut() {
                                    let (v, carry) = last.overflowing_add(1);
                                    *last = v;
                                    if carry && d.len() >= 2 {
                                        let n = d.len();
                                        if let Some(prev) = d.get_mut(n - 2) {
                                            *prev = prev.wrapping_add(1);
                                        }
                                    }
                                }
                            }
                            i += 3;
                        }
                        Some(Tok::Open) => {
                            let mut j = i + 3;
                            let mut k = 0u32;
                            while let Some(Tok::Hex(d)) = toks.get(j) {
                                if let Some(code) = lo.checked_add(k).filter(|c| *c <= hi) {
                                    insert(out, code, utf16_text(d));
                                }
                                k = k.saturating_add(1);
                                j += 1;
                            }
                            i = j + 1;
                        }
                        _ => break,
                    }
                    if out.len() >= MAX_MAP_ENTRIES {
                        break;
                    }
                }
            }
            _ => i += 1,
        }
    }
}

/// Parse an embedded CID CMap: its code space ranges and code → CID mappings (`cidrange`,
/// `cidchar`), sorted by code for lookup.
#[allow(clippy::type_complexity)]
fn parse_cid_cmap(data: &[u8]) -> (Vec<(usize, [u8; 4], [u8; 4])>, Vec<(u32, u32, u32)>) {
    let toks = tokenize(data);
    let mut space = Vec::new();
    let mut ranges: Vec<(u32, u32, u32)> = Vec::new();
    let mut i = 0;
    let int = |t: Option<&Tok>| match t {
        Some(Tok::Word(w)) => std::str::from_utf8(w).ok().and_then(|s| s.parse::<u32>().ok()),
        _ => None,
    };
    while i < toks.len() && ranges.len() < MAX_MAP_ENTRIES {
        match toks.get(i) {
            Some(Tok::Word(b"begincodespacerange")) => {
                i += 1;
                while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) = (toks.get(i), toks.get(i + 1)) {
                    if (1..=4).contains(&lo.len()) && lo.len() == hi.len() && space.len() < 64 {
                        let (mut l, mut h) = ([0u8; 4], [0u8; 4]);
                        l[..lo.len()].copy_from_slice(lo);
                        h[..hi.len()].copy_from_slice(hi);
                        space.push((lo.len(), l, h));
                    }
                    i += 2;
                }
            }
            Some(Tok::Word(b"begincidrange")) => {
                i += 1;
                while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(cid)) =
                    (toks.get(i), toks.get(i + 1), int(toks.get(i + 2)))
                {
                    ranges.push((code_of(lo), code_of(hi), cid));
                    i += 3;
                }
            }
            Some(Tok::Word(b"begincidchar")) => {
                i += 1;
                while let (Some(Tok::Hex(c)), Some(cid)) = (toks.get(i), int(toks.get(i + 1))) {
                    let c = code_of(c);
                    ranges.push((c, c, cid));
                    i += 2;
                }
            }
            _ => i += 1,
        }
    }
    ranges.sort_by_key(|r| r.0);
    // an identity map needs no table
    if ranges.len() == 1 && ranges.first().is_some_and(|r| r.0 == r.2) {
        ranges.clear();
    }
    (space, ranges)
}

fn resolve_plain_name(n: &[u8]) -> String {
    let s = String::from_utf8_lossy(n);
    if let Some(hex) = s.strip_prefix("uni") {
        if let Ok(v) = u32::from_str_radix(hex.get(..4).unwrap_or(""), 16) {
            if let Some(c) = char::from_u32(v) {
                return c.to_string();
            }
        }
    }
    String::new()
}

/// Approximate widths for the standard 14 fonts when a simple font omits `Widths`.
fn standard_widths(base_font: &str, out: &mut HashMap<u32, f32>) {
    let l = base_font.to_ascii_lowercase();
    if l.contains("courier") {
        for c in 32..256 {
            out.insert(c, 600.0);
        }
        return;
    }
    let table: &[u16] = if l.contains("times") {
        if l.contains("bold") {
            &TIMES_BOLD
        } else {
            &TIMES
        }
    } else if l.contains("bold") {
        &HELVETICA_BOLD
    } else {
        &HELVETICA
    };
    for (i, w) in table.iter().enumerate() {
        out.insert(32 + i as u32, *w as f32);
    }
}

// Widths of ASCII 32..=126 (Adobe AFM metrics).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
    500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
    556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278,
    556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584,
    556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
    333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];
const TIMES: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500, 500,
    500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333,
    389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469,
    500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389,
    278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];
const TIMES_BOLD: [u16; 95] = [
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500, 500,
    500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778, 778, 389,
    500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333, 278, 333, 581,
    500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389,
    333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_and_bfrange() {
        let cmap = b"begincmap 2 beginbfchar <0003> <0020> <0010> <00E6> endbfchar
            1 beginbfrange <0020> <0022> <00F8> <0030> <0031> [<00C5> <00AB>] endbfrange endcmap";
        let mut m = HashMap::new();
        parse_to_unicode(cmap, true, &mut m);
        assert_eq!(m.get(&3).map(String::as_str), Some(" "));
        assert_eq!(m.get(&0x10).map(String::as_str), Some("æ"));
        assert_eq!(m.get(&0x21).map(String::as_str), Some("ù"));
        assert_eq!(m.get(&0x30).map(String::as_str), Some("Å"));
        assert_eq!(m.get(&0x31).map(String::as_str), Some("«"));
    }

    #[test]
    fn standard_14_widths_by_letter() {
        // Adobe AFM widths: (font, char, width)
        for (font, c, w) in [
            ("Times-Bold", 'O', 778.0),
            ("Times-Bold", 'P', 611.0),
            ("Times-Bold", 'W', 1000.0),
            ("Times-Bold", 'a', 500.0),
            ("Times-Bold", '~', 520.0),
            ("Times-Roman", 'O', 722.0),
            ("Helvetica", 'l', 222.0),
            ("Helvetica-Bold", 'l', 278.0),
            ("Courier", 'l', 600.0),
        ] {
            let mut m = HashMap::new();
            standard_widths(font, &mut m);
            assert_eq!(m.get(&(c as u32)), Some(&w), "{font} {c}");
        }
    }

    #[test]
    fn ghostscript_little_endian_ligatures() {
        assert_eq!(utf16_text(&[0x66, 0x00, 0x69, 0x00]), "fi");
        assert_eq!(utf16_text(&[0x00, 0x66, 0x00, 0x6C]), "fl");
        assert_eq!(utf16_text(&[0xFB, 0x03]), "ffi");
    }

    #[test]
    fn one_byte_embedded_cmap() {
        let cmap =
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 begincidrange <00> <FF> 0 endcidrange";
        let (space, ranges) = parse_cid_cmap(cmap);
        let font = Font { two_byte: true, codespace: space, cid_ranges: ranges, ..Font::default() };
        let mut lens = Vec::new();
        font.each_code(b"Sak", |c| lens.push(c.is_space_byte));
        assert_eq!(lens.len(), 3);
        // mixed code space: <00>-<7F> one byte, <8000>-<FFFF> two bytes, with a CID offset
        let cmap = b"2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange
            1 begincidrange <8000> <80FF> 100 endcidrange 1 begincidchar <41> 7 endcidchar";
        let (space, ranges) = parse_cid_cmap(cmap);
        let font = Font { two_byte: true, codespace: space, cid_ranges: ranges, ..Font::default() };
        assert_eq!(font.code_len(&[0x41, 0x80]), 1);
        assert_eq!(font.code_len(&[0x80, 0x05]), 2);
        assert_eq!(font.cid_of(0x41), 7);
        assert_eq!(font.cid_of(0x8005), 105);
    }

    #[test]
    fn ligatures_and_private_bullets_are_cleaned() {
        assert_eq!(clean_text("\u{FB01}n\u{F0B7}"), "fin•");
    }
}
