//! Budgets around lopdf's load step, which parses every object of the file before saksflyt's own
//! code runs.
//!
//! Three things can make that step cost far more than the file's size: several cross-reference
//! entries (or object-stream index entries) pointing at one offset, so one large object is
//! parsed once per entry; object-stream members whose offsets point into each other (a nested
//! array parsed once per level); and compressed object streams. They are answered here:
//!
//! - [`precheck`] reads the classic `xref` tables of the file as text before lopdf does and
//!   refuses in-use entries sharing an offset.
//! - [`filter`] is lopdf's load filter (called for each object as it is parsed, and for an
//!   object stream *before* lopdf expands it): it refuses an object stream whose index lists one
//!   offset twice, whose members run into each other, or whose expansion passes the byte budget,
//!   counts the parsed objects' size against a budget from the file's own size, and stops at the
//!   deadline. Once it refuses, every further object is dropped as soon as it is parsed, so
//!   memory stays bounded; the load's result is then refused with the reason.
//!
//! The filter is a plain function (lopdf's `FilterFunc`), so its state lives in a thread-local
//! set up by [`Guard::arm`] on the PDF worker thread (lopdf runs without its rayon feature,
//! so the load stays on that thread).

use lopdf::Object;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::time::Instant;

/// Parsed objects may hold at most this many nodes per byte of the file plus expanded object
/// streams (each node — a number, name, array — needs at least two bytes of source, so a file
/// parsed once stays well inside), plus [`BASE_NODES`].
const NODES_PER_BYTE_NUM: u64 = 1;
const NODES_PER_BYTE_DEN: u64 = 2;
/// Nodes allowed whatever the file's size.
const BASE_NODES: u64 = 1_000_000;
/// Most bytes all object streams of one file may expand to, together.
pub const MAX_OBJECT_STREAM_BYTES: u64 = 256 * 1024 * 1024;

struct State {
    deadline: Instant,
    part_limit: usize,
    nodes: u64,
    node_budget: u64,
    expanded: u64,
    /// Object numbers listed in object streams let through: lopdf hands their members to the
    /// filter and keeps what it returns, so those are returned whole.
    members: BTreeSet<u32>,
    /// An encrypted file loaded with its encryption hidden ([`hide_encryption`]): object
    /// streams are still ciphertext, so they are hidden from lopdf too, and expanded after
    /// decryption by [`decrypt`].
    hide_object_streams: bool,
    problem: Option<String>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// The filter's state for one load on this thread; dropped, it disarms the filter.
pub struct Guard;

impl Guard {
    pub fn arm(file_len: usize, part_limit: usize, deadline: Instant, encrypted: bool) -> Guard {
        let node_budget =
            (file_len as u64).saturating_mul(NODES_PER_BYTE_NUM) / NODES_PER_BYTE_DEN + BASE_NODES;
        STATE.with(|s| {
            *s.borrow_mut() = Some(State {
                deadline,
                part_limit,
                nodes: 0,
                node_budget,
                expanded: 0,
                members: BTreeSet::new(),
                hide_object_streams: encrypted,
                problem: None,
            })
        });
        Guard
    }

    /// Why the filter refused the load, if it did.
    pub fn problem(&self) -> Option<String> {
        STATE.with(|s| s.borrow().as_ref().and_then(|s| s.problem.clone()))
    }

    /// Whether the filter stopped at the deadline.
    pub fn timed_out(&self) -> bool {
        STATE.with(|s| s.borrow().as_ref().is_some_and(|s| s.problem.as_deref() == Some(TIMEOUT)))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        STATE.with(|s| *s.borrow_mut() = None);
    }
}

const TIMEOUT: &str = "timeout";

/// The payload of the unwind that stops a refused load (raised with `resume_unwind`, so no panic
/// message is printed; [`super::load`] catches it and reports the guard's reason).
pub struct Abort;

/// lopdf's load filter (see the module documentation). Once the load is refused it is stopped
/// at once: the filter unwinds out of lopdf (caught by the caller), so no further object is
/// parsed and the time the load takes stays within the deadline plus one object.
pub fn filter(id: (u32, u16), obj: &mut Object) -> Option<((u32, u16), Object)> {
    let kept = filter_inner(id, obj);
    let refused = STATE.with(|s| s.borrow().as_ref().is_some_and(|s| s.problem.is_some()));
    if refused {
        std::panic::resume_unwind(Box::new(Abort));
    }
    kept
}

fn filter_inner(id: (u32, u16), obj: &mut Object) -> Option<((u32, u16), Object)> {
    STATE.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Some(st) = guard.as_mut() else {
            return Some((id, obj.clone()));
        };
        if st.problem.is_some() {
            return None;
        }
        if Instant::now() > st.deadline {
            st.problem = Some(TIMEOUT.into());
            return None;
        }
        if let Object::Stream(s) = obj {
            if s.dict.has_type(b"ObjStm") && st.hide_object_streams {
                s.dict.set("Type", Object::Name(HIDDEN_OBJECT_STREAM.to_vec()));
            } else if s.dict.has_type(b"ObjStm") {
                match check_object_stream(s, st.part_limit) {
                    Ok((ids, bytes)) => {
                        st.expanded = st.expanded.saturating_add(bytes);
                        // the expanded text is parsed too: it widens the node budget
                        st.node_budget = st.node_budget.saturating_add(bytes / NODES_PER_BYTE_DEN);
                        if st.expanded > MAX_OBJECT_STREAM_BYTES {
                            st.problem = Some(format!(
                                "object streams expand to more than {MAX_OBJECT_STREAM_BYTES} bytes"
                            ));
                            return None;
                        }
                        st.members.extend(ids);
                    }
                    Err(why) => {
                        st.problem = Some(format!("object stream {} refused: {why}", id.0));
                        return None;
                    }
                }
            }
        }
        st.nodes = st.nodes.saturating_add(nodes(obj, st.node_budget));
        if st.nodes > st.node_budget {
            st.problem = Some(format!(
                "its objects expand beyond the budget of {} parsed values for a file of this size \
                 (cross-reference entries sharing an object?)",
                st.node_budget
            ));
            return None;
        }
        // For an object parsed at its own offset lopdf keeps `obj` and ignores what is returned;
        // for an object-stream member it keeps what is returned.
        if id.1 == 0 && st.members.contains(&id.0) {
            Some((id, obj.clone()))
        } else {
            Some((id, Object::Null))
        }
    })
}

/// The `/Type` an object stream of an encrypted file carries while it is still ciphertext.
const HIDDEN_OBJECT_STREAM: &[u8] = b"SaksflytObjStmEncrypted";
/// The trailer key `/Encrypt` becomes in the copy lopdf loads (same length, so every offset
/// stays true).
const HIDDEN_ENCRYPT: &[u8] = b"/Encrypx";

/// lopdf loads an encrypted file by a path of its own that takes no load filter (and expands
/// its object streams without the checks above). So an encrypted file is loaded as if it were
/// not: a copy with each `/Encrypt` key renamed (same length) goes through the guarded load,
/// object streams hidden from lopdf, and [`decrypt`] then decrypts the loaded objects and
/// expands the object streams under the same checks and budget. `None` when the file names no
/// `/Encrypt` key.
pub fn hide_encryption(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut copy: Option<Vec<u8>> = None;
    let mut i = 0;
    while let Some(at) = find(bytes, b"/Encrypt", i) {
        i = at + 8;
        if bytes.get(at + 8).is_some_and(|&c| !delimiter(c)) {
            continue; // `/EncryptMetadata`
        }
        let c = copy.get_or_insert_with(|| bytes.to_vec());
        if let Some(key) = c.get_mut(at..at + 8) {
            key.copy_from_slice(HIDDEN_ENCRYPT);
        }
    }
    copy
}

/// Decrypt a document loaded from [`hide_encryption`]'s copy with the empty user password
/// (lopdf's own decryption of the loaded objects), then expand its object streams with the
/// checks and budget of the load filter. Runs with the [`Guard`] of that load armed: a refusal
/// unwinds like the filter's.
pub fn decrypt(pdf: &mut lopdf::Document) -> Result<(), lopdf::Error> {
    let Ok(encrypt) = pdf.trailer.remove(&HIDDEN_ENCRYPT[1..]).ok_or(()) else {
        return Ok(()); // the latest trailer is not encrypted
    };
    pdf.trailer.set("Encrypt", encrypt);
    // hidden from lopdf's decryption, which would expand them unchecked
    let hidden: Vec<lopdf::ObjectId> = pdf
        .objects
        .iter()
        .filter(|(_, o)| o.as_stream().is_ok_and(|s| s.dict.has_type(HIDDEN_OBJECT_STREAM)))
        .map(|(id, _)| *id)
        .collect();
    match pdf.decrypt("") {
        // an object that does not decrypt keeps what could be decrypted, as in lopdf's own load
        Ok(()) | Err(lopdf::Error::Decryption(_)) => {}
        Err(e) => return Err(e),
    }
    STATE.with(|s| {
        if let Some(st) = s.borrow_mut().as_mut() {
            st.hide_object_streams = false;
        }
    });
    for id in hidden {
        let Some(Object::Stream(s)) = pdf.objects.get_mut(&id) else { continue };
        s.dict.set("Type", Object::Name(b"ObjStm".to_vec()));
        let mut container = Object::Stream(s.clone());
        // the checks of an object stream in the load filter (it unwinds on a refusal)
        filter(id, &mut container);
        let Object::Stream(s) = container else { continue };
        let part_limit = STATE.with(|st| st.borrow().as_ref().map(|st| st.part_limit));
        let Ok(members) = lopdf::ObjectStream::new_with_limit(&s, part_limit) else { continue };
        for (mid, mut obj) in members.objects {
            let listed_elsewhere = matches!(
                pdf.reference_table.get(mid.0),
                Some(lopdf::xref::XrefEntry::Compressed { container, .. }) if *container != id.0
            );
            if let Some((mid, obj)) = filter(mid, &mut obj) {
                if !listed_elsewhere {
                    pdf.objects.entry(mid).or_insert(obj);
                }
            }
        }
    }
    Ok(())
}

/// The number of values in `obj` (strings and stream data counted per 64 bytes), stopping
/// once past `cap`.
fn nodes(obj: &Object, cap: u64) -> u64 {
    let mut n = 0u64;
    let mut stack = vec![obj];
    while let Some(o) = stack.pop() {
        n += 1;
        match o {
            Object::Array(a) => stack.extend(a.iter()),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
            Object::Stream(s) => {
                n += s.content.len() as u64 / 64;
                stack.extend(s.dict.iter().map(|(_, v)| v));
            }
            Object::String(s, _) | Object::Name(s) => n += s.len() as u64 / 64,
            _ => {}
        }
        if n > cap {
            break;
        }
    }
    n
}

/// Check an object stream before lopdf expands it: its content within `part_limit`, its index
/// read as lopdf reads it (pairs of numbers before `/First`), no offset listed twice, and no
/// member running into the next (brackets, dictionaries and strings balanced within each
/// member's span). Returns the member object numbers and the expanded size.
fn check_object_stream(s: &lopdf::Stream, part_limit: usize) -> Result<(Vec<u32>, u64), String> {
    let content = s.get_plain_content_with_limit(part_limit).map_err(|e| e.to_string().to_lowercase())?;
    if content.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let first = s.dict.get(b"First").and_then(Object::as_i64).map_err(|_| "no /First".to_string())?;
    let first = usize::try_from(first).map_err(|_| "bad /First".to_string())?;
    let index = content.get(..first).ok_or("/First past the end")?;
    let text = std::str::from_utf8(index).map_err(|_| "index is not text".to_string())?;
    let numbers: Vec<Option<u32>> = text
        .split(['\r', '\n'])
        .flat_map(|line| line.split('%').next().unwrap_or_default().split_whitespace())
        .map(|n| n.parse::<u32>().ok())
        .collect();
    let mut ids = Vec::new();
    let mut offsets = Vec::new();
    for pair in numbers.chunks_exact(2) {
        let (Some(id), Some(off)) = (pair[0], pair[1]) else { continue };
        let off = first.saturating_add(off as usize);
        if off >= content.len() {
            continue;
        }
        ids.push(id);
        offsets.push(off);
    }
    let mut sorted = offsets.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err("several objects listed at one offset".into());
    }
    for (i, &start) in sorted.iter().enumerate() {
        let end = sorted.get(i + 1).copied().unwrap_or(content.len());
        if !balanced(content.get(start..end).unwrap_or_default()) {
            return Err("a member runs into the next one".into());
        }
    }
    Ok((ids, content.len() as u64))
}

/// Whether arrays, dictionaries and strings opened in `span` close in it (comments and
/// escaped characters skipped), i.e. the object there does not reach past its span.
fn balanced(span: &[u8]) -> bool {
    let mut depth: i64 = 0;
    let mut i = 0;
    while let Some(&c) = span.get(i) {
        match c {
            b'%' => {
                while span.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
            }
            b'(' => {
                // a literal string: nested parentheses, backslash escapes
                let mut d = 1;
                i += 1;
                while d > 0 {
                    match span.get(i) {
                        None => return false,
                        Some(b'\\') => i += 1,
                        Some(b'(') => d += 1,
                        Some(b')') => d -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                continue;
            }
            b'<' if span.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'>' if span.get(i + 1) == Some(&b'>') => {
                depth -= 1;
                i += 1;
            }
            b'<' => {
                // a hex string
                while span.get(i).is_some_and(|&c| c != b'>') {
                    i += 1;
                }
                if span.get(i).is_none() {
                    return false;
                }
            }
            b'[' => depth += 1,
            b']' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
        i += 1;
    }
    depth == 0
}

/// Most cross-reference entries the pre-check reads (classic tables and streams together).
const MAX_XREF_ENTRIES: usize = 50_000_000;
/// Most values the pre-check reads in one cross-reference stream's dictionary (an `/Index` of
/// 500,000 subsections).
const MAX_XREF_DICT_VALUES: u32 = 1_000_000;
/// Most cross-reference streams the pre-check reads (a file has one per revision).
const MAX_XREF_STREAMS: usize = 1_000;
/// Most bytes the cross-reference streams of one file may decode to, together (12 million
/// entries of 5 bytes; a file of 100,000 objects needs 0.5 MB).
pub const MAX_XREF_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// Refuse a file whose cross-reference data lists one offset for two objects in use, or one
/// object-stream slot (stream, index) for two objects: lopdf would parse the object there once
/// per entry. The same object listed again at its place by a later incremental update (or by
/// both halves of a hybrid file) is fine. Two kinds are read before lopdf runs:
///
/// - classic `xref` tables, as text: each `xref` keyword at a line start, its subsections
///   (`first count`) and 20-byte entries (`oooooooooo ggggg n`);
/// - cross-reference streams (PDF 1.5): each indirect object whose dictionary has
///   `/Type /XRef`, its stream decoded (filters and predictors, within
///   [`MAX_XREF_STREAM_BYTES`] for all of them) and its `/W`-wide entries read per `/Index`.
pub fn precheck(bytes: &[u8]) -> Result<(), String> {
    let mut offsets: Vec<(u64, u64)> = Vec::new();
    let mut i = 0;
    while let Some(at) = find(bytes, b"xref", i) {
        i = at + 4;
        let line_start = at == 0 || matches!(bytes.get(at - 1), Some(b'\n' | b'\r'));
        if !line_start || bytes.get(at.saturating_sub(9)..at).is_some_and(|b| b.ends_with(b"start")) {
            continue;
        }
        let mut p = at + 4;
        // subsections
        while let Some((first, q)) = number(bytes, p) {
            let Some((count, q)) = number(bytes, q) else { break };
            p = q;
            for k in 0..count {
                let Some((off, q)) = number(bytes, p) else { break };
                let Some((_gen, q)) = number(bytes, q) else { break };
                let q = skip_space(bytes, q);
                let kind = bytes.get(q).copied();
                p = q + 1;
                if kind == Some(b'n') && off > 0 {
                    offsets.push((off, first.saturating_add(k)));
                }
                if offsets.len() > MAX_XREF_ENTRIES {
                    return Err("too many cross-reference entries".into());
                }
            }
        }
        i = i.max(p);
    }
    let mut slots: Vec<((u64, u64), u64)> = Vec::new();
    xref_streams(bytes, &mut offsets, &mut slots)?;
    offsets.sort_unstable();
    offsets.dedup();
    if let Some(w) = offsets.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!(
            "cross-reference entries of objects {} and {} share the offset {}",
            w[0].1, w[1].1, w[0].0
        ));
    }
    slots.sort_unstable();
    slots.dedup();
    if let Some(w) = slots.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!(
            "cross-reference entries of objects {} and {} share index {} of object stream {}",
            w[0].1, w[1].1, w[0].0 .1, w[0].0 .0
        ));
    }
    Ok(())
}

/// Read the entries of every cross-reference stream in `bytes`: in-use objects as
/// (offset, object) into `offsets`, compressed ones as ((stream, index), object) into `slots`.
/// A stream that cannot be read here is left to lopdf (and the load filter).
fn xref_streams(
    bytes: &[u8],
    offsets: &mut Vec<(u64, u64)>,
    slots: &mut Vec<((u64, u64), u64)>,
) -> Result<(), String> {
    let mut decoded = 0usize;
    let mut seen = 0usize;
    let mut i = 0;
    while let Some(at) = find(bytes, b"/XRef", i) {
        i = at + 5;
        if bytes.get(at + 5).is_some_and(|&c| !delimiter(c)) {
            continue; // `/XRefStm` and other longer names
        }
        seen += 1;
        if seen > MAX_XREF_STREAMS {
            return Err(format!("more than {MAX_XREF_STREAMS} cross-reference streams"));
        }
        // the indirect object around it: `N G obj <<` within the few KB before
        let window = at.saturating_sub(4096);
        let Some(obj) = rfind(bytes.get(window..at).unwrap_or_default(), b"obj").map(|o| window + o + 3)
        else {
            continue;
        };
        let mut p = skip_ws(bytes, obj);
        let mut left = MAX_XREF_DICT_VALUES;
        let parsed = value(bytes, &mut p, 0, &mut left);
        if left == 0 {
            return Err(format!(
                "a cross-reference stream's dictionary holds more than {MAX_XREF_DICT_VALUES} values"
            ));
        }
        let Some(lopdf::Object::Dictionary(dict)) = parsed else { continue };
        if p <= at || !dict.has_type(b"XRef") {
            continue;
        }
        let Some(content) = stream_data(bytes, p, &dict) else { continue };
        let stream = lopdf::Stream::new(dict.clone(), content.to_vec());
        let data = match stream.get_plain_content_with_limit(MAX_XREF_STREAM_BYTES - decoded) {
            Ok(d) => d,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(format!(
                    "cross-reference streams decode to more than {MAX_XREF_STREAM_BYTES} bytes"
                ));
            }
            // a stream that does not decode is lopdf's to refuse or repair
            Err(_) => continue,
        };
        decoded += data.len();
        let widths: Vec<usize> = match dict.get(b"W").and_then(lopdf::Object::as_array) {
            Ok(w) => {
                w.iter().map(|v| v.as_i64().ok().and_then(|n| usize::try_from(n).ok()).unwrap_or(9)).collect()
            }
            Err(_) => continue,
        };
        let [w0, w1, w2] = widths[..] else { continue };
        if w0 > 8 || w1 > 8 || w2 > 8 || w0 + w1 + w2 == 0 {
            continue;
        }
        let size = dict.get(b"Size").and_then(lopdf::Object::as_i64).unwrap_or(0).max(0);
        let index: Vec<i64> = match dict.get(b"Index").and_then(lopdf::Object::as_array) {
            Ok(a) => a.iter().map(|v| v.as_i64().unwrap_or(-1)).collect(),
            Err(_) => vec![0, size],
        };
        let field = |b: &[u8]| b.iter().fold(0u64, |n, &c| (n << 8) | u64::from(c));
        let mut rows = data.chunks_exact(w0 + w1 + w2);
        for pair in index.chunks_exact(2) {
            let (Ok(first), Ok(count)) = (u64::try_from(pair[0]), u64::try_from(pair[1])) else { break };
            for k in 0..count {
                let Some(row) = rows.next() else { break };
                let kind = if w0 == 0 { 1 } else { field(&row[..w0]) };
                let a = field(&row[w0..w0 + w1]);
                let b = field(&row[w0 + w1..]);
                let id = first.saturating_add(k);
                match kind {
                    1 if a > 0 => offsets.push((a, id)),
                    2 => slots.push(((a, b), id)),
                    _ => {}
                }
                if offsets.len() + slots.len() > MAX_XREF_ENTRIES {
                    return Err("too many cross-reference entries".into());
                }
            }
        }
    }
    Ok(())
}

/// The raw data of the stream whose dictionary ends at `p`: `/Length` bytes after the
/// `stream` keyword when it is a number that fits, else up to `endstream`.
fn stream_data<'a>(bytes: &'a [u8], p: usize, dict: &lopdf::Dictionary) -> Option<&'a [u8]> {
    let p = skip_ws(bytes, p);
    if bytes.get(p..p + 6) != Some(b"stream") {
        return None;
    }
    let mut start = p + 6;
    if bytes.get(start) == Some(&b'\r') {
        start += 1;
    }
    if bytes.get(start) == Some(&b'\n') {
        start += 1;
    }
    let by_length = dict
        .get(b"Length")
        .and_then(lopdf::Object::as_i64)
        .ok()
        .and_then(|n| usize::try_from(n).ok())
        .and_then(|n| bytes.get(start..start.checked_add(n)?));
    by_length.or_else(|| {
        let end = find(bytes, b"endstream", start)?;
        let mut data = bytes.get(start..end)?;
        while let [rest @ .., b'\r' | b'\n'] = data {
            data = rest;
        }
        Some(data)
    })
}

/// PDF delimiters and white space (a name ends at one).
fn delimiter(c: u8) -> bool {
    c.is_ascii_whitespace() || b"()<>[]{}/%\0".contains(&c)
}

/// White space and comments skipped.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(c) if c.is_ascii_whitespace() || *c == 0 => i += 1,
            Some(b'%') => {
                while b.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
            }
            _ => return i,
        }
    }
}

/// A direct PDF value at `*i` (dictionaries, arrays, names, numbers, references, strings,
/// booleans, null), enough to read a cross-reference stream's dictionary; `None` on anything
/// else. Nesting is bounded.
fn value(b: &[u8], i: &mut usize, depth: usize, left: &mut u32) -> Option<lopdf::Object> {
    use lopdf::Object;
    if depth > 16 {
        return None;
    }
    *left = left.checked_sub(1)?;
    *i = skip_ws(b, *i);
    match *b.get(*i)? {
        b'<' if b.get(*i + 1) == Some(&b'<') => {
            *i += 2;
            let mut dict = lopdf::Dictionary::new();
            loop {
                *i = skip_ws(b, *i);
                if b.get(*i..*i + 2) == Some(b">>") {
                    *i += 2;
                    return Some(Object::Dictionary(dict));
                }
                let Object::Name(key) = value(b, i, depth + 1, left)? else { return None };
                let v = value(b, i, depth + 1, left)?;
                dict.set(key, v);
            }
        }
        b'[' => {
            *i += 1;
            let mut items = Vec::new();
            loop {
                *i = skip_ws(b, *i);
                if b.get(*i) == Some(&b']') {
                    *i += 1;
                    return Some(Object::Array(items));
                }
                items.push(value(b, i, depth + 1, left)?);
            }
        }
        b'/' => {
            let start = *i + 1;
            *i = start;
            while b.get(*i).is_some_and(|&c| !delimiter(c)) {
                *i += 1;
            }
            Some(Object::Name(b.get(start..*i)?.to_vec()))
        }
        b'(' => {
            let mut d = 0;
            loop {
                match b.get(*i)? {
                    b'\\' => *i += 1,
                    b'(' => d += 1,
                    b')' => {
                        d -= 1;
                        if d == 0 {
                            *i += 1;
                            return Some(Object::Null);
                        }
                    }
                    _ => {}
                }
                *i += 1;
            }
        }
        b'<' => {
            *i += find(b, b">", *i)? - *i + 1;
            Some(Object::Null)
        }
        c if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => {
            let start = *i;
            *i += 1;
            while b.get(*i).is_some_and(|&c| c.is_ascii_digit() || c == b'.') {
                *i += 1;
            }
            let text = std::str::from_utf8(b.get(start..*i)?).ok()?;
            let Ok(n) = text.parse::<i64>() else {
                return Some(Object::Real(text.parse().unwrap_or(0.0)));
            };
            // `N G R`
            let save = *i;
            if let Some((g, j)) = number(b, *i) {
                let j = skip_ws(b, j);
                if b.get(j) == Some(&b'R') && b.get(j + 1).is_none_or(|&c| delimiter(c)) {
                    *i = j + 1;
                    return Some(Object::Reference((u32::try_from(n).ok()?, u16::try_from(g).ok()?)));
                }
            }
            *i = save;
            Some(Object::Integer(n))
        }
        _ => {
            for (word, v) in [
                (&b"true"[..], Object::Boolean(true)),
                (b"false", Object::Boolean(false)),
                (b"null", Object::Null),
            ] {
                if b.get(*i..*i + word.len()) == Some(word) {
                    *i += word.len();
                    return Some(v);
                }
            }
            None
        }
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(off) = hay.get(i..).and_then(|r| r.iter().position(|&b| b == needle[0])) {
        let at = i + off;
        if hay.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// A decimal number after white space, and the position after it.
fn number(b: &[u8], i: usize) -> Option<(u64, usize)> {
    let start = skip_space(b, i);
    let mut j = start;
    let mut n: u64 = 0;
    while let Some(c) = b.get(j).filter(|c| c.is_ascii_digit()) {
        n = n.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
        j += 1;
    }
    (j > start).then_some((n, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_must_close_within_their_span() {
        assert!(balanced(b"<< /A [1 2 (a[b) <41>] >> "));
        assert!(balanced(b"(x\\)y) 12 % [ comment\n"));
        assert!(!balanced(b"[[1 2"));
        assert!(!balanced(b"<< /A 1"));
        assert!(!balanced(b"]"));
    }

    #[test]
    fn classic_xref_entries_sharing_an_offset_are_refused() {
        let ok =
            b"%PDF-1.4\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000074 00000 n \ntrailer\n";
        assert!(precheck(ok).is_ok());
        let dup = b"%PDF-1.4\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000009 00000 n \ntrailer\nstartxref\n9\n";
        assert!(precheck(dup).unwrap_err().contains("share the offset 9"));
        // an incremental update listing object 1 again at its offset
        let again = b"%PDF-1.4\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\nxref\n1 1\n0000000009 00000 n \ntrailer\n";
        assert!(precheck(again).is_ok());
    }

    /// A file with one uncompressed cross-reference stream (`/W [1 2 1]`) of `rows`
    /// (type, field 2, field 3) for objects `first..`.
    fn with_xref_stream(first: u32, rows: &[(u8, u16, u8)], extra: &str) -> Vec<u8> {
        let mut data = Vec::new();
        for (t, a, b) in rows {
            data.push(*t);
            data.extend_from_slice(&a.to_be_bytes());
            data.push(*b);
        }
        let mut f = b"%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
        f.extend_from_slice(
            format!(
                "9 0 obj\n<< /Type /XRef /Size 10 /W [1 2 1] /Index [{first} {}] {extra}/Length {} >>\nstream\n",
                rows.len(),
                data.len()
            )
            .as_bytes(),
        );
        f.extend_from_slice(&data);
        f.extend_from_slice(b"\nendstream\nendobj\nstartxref\n44\n%%EOF\n");
        f
    }

    #[test]
    fn cross_reference_streams_sharing_offsets_or_slots_are_refused() {
        let ok = with_xref_stream(0, &[(0, 0, 255), (1, 9, 0), (2, 4, 0), (2, 4, 1), (1, 44, 0)], "");
        assert!(precheck(&ok).is_ok());
        let dup = with_xref_stream(0, &[(0, 0, 255), (1, 9, 0), (1, 9, 0)], "");
        assert!(
            precheck(&dup).unwrap_err().contains("objects 1 and 2 share the offset 9"),
            "{:?}",
            precheck(&dup)
        );
        let slot = with_xref_stream(3, &[(2, 4, 1), (2, 4, 1)], "/Prev 7 ");
        assert!(precheck(&slot).unwrap_err().contains("objects 3 and 4 share index 1 of object stream 4"));
        // a classic table and a stream listing the same object at its offset (a hybrid file)
        let mut hybrid = with_xref_stream(1, &[(1, 9, 0)], "");
        hybrid.extend_from_slice(b"xref\n1 1\n0000000009 00000 n \ntrailer\n");
        assert!(precheck(&hybrid).is_ok());
        // ... and another object at that offset
        hybrid.extend_from_slice(b"xref\n5 1\n0000000009 00000 n \ntrailer\n");
        assert!(precheck(&hybrid).is_err());
        // `/XRefStm` is a key, not a cross-reference stream's type
        let named = b"%PDF-1.5\ntrailer\n<< /XRefStm 9 /Size 3 >>\n".to_vec();
        assert!(precheck(&named).is_ok());
    }

    #[test]
    fn dictionaries_of_cross_reference_streams_are_read() {
        let text = b"<< /Type /XRef /W [1 4 2] /Index [0 3 10 2] /ID [<AB01> (x\\)y)] /Root 1 0 R /Info 2 0 R /Encrypt 3 0 R /F true /R -1.5 /D << /Predictor 12 /Columns 7 >> >>stream";
        let mut i = 0;
        let Some(Object::Dictionary(d)) = value(text, &mut i, 0, &mut 100) else { panic!("no dictionary") };
        assert!(d.has_type(b"XRef"));
        assert_eq!(d.get(b"W").and_then(Object::as_array).map(Vec::len).ok(), Some(3));
        assert_eq!(d.get(b"Root").and_then(Object::as_reference).ok(), Some((1, 0)));
        assert!(d.get(b"D").and_then(Object::as_dict).is_ok_and(|p| p.has(b"Columns")));
        assert_eq!(&text[i..], b"stream");
        let mut i = 0;
        assert!(value(&[b'['; 64], &mut i, 0, &mut 100).is_none(), "nesting is bounded");
        let mut left = 1000;
        assert!(value(format!("[{}]", "1 ".repeat(2000)).as_bytes(), &mut 0, 0, &mut left).is_none());
        assert_eq!(left, 0, "values are counted");
    }

    #[test]
    fn encryption_keys_are_renamed_in_place() {
        let f = b"%PDF-1.5\ntrailer\n<< /Encrypt 7 0 R /Root 1 0 R >>\n7 0 obj << /EncryptMetadata false >>"
            .to_vec();
        let hidden = hide_encryption(&f).expect("a copy");
        assert_eq!(hidden.len(), f.len());
        assert!(hidden.windows(13).any(|w| w == b"/Encrypx 7 0 "));
        assert!(hidden.windows(16).any(|w| w == b"/EncryptMetadata"));
        assert!(hide_encryption(b"%PDF-1.5\n/EncryptMetadata true").is_none());
    }
}
