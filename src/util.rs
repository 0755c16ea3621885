//! Small helpers shared by the stages: atomic file writes, hashing, white-space folding, file
//! names as text, XML-safe text.

use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

/// The words [`fold`] joins: the runs between white space and no-break spaces.
pub fn fold_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}').filter(|w| !w.is_empty())
}

/// Fold white space (also no-break spaces) to single spaces and trim.
pub fn fold(s: &str) -> String {
    // most texts are folded already: one byte scan and a copy
    if is_folded(s) {
        return s.to_string();
    }
    // one pass, one allocation (it runs on every line of every paper)
    let mut out = String::with_capacity(s.len());
    for w in fold_words(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The bytes [`is_folded`] looks at: ASCII white space, and the first bytes of the UTF-8 forms
/// of the other white-space characters.
static FOLD_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special: [u8; 10] = [b' ', b'\t', b'\n', 0x0B, 0x0C, b'\r', 0xC2, 0xE1, 0xE2, 0xE3];
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Whether [`fold`] leaves `s` as it is: no white space but single spaces between words. Byte
/// by byte: ASCII white space other than a space, and the UTF-8 forms of the other white-space
/// characters (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000),
/// are found by their bytes; every other byte of a character is neither.
fn is_folded(s: &str) -> bool {
    let b = s.as_bytes();
    // most texts: neither leading nor trailing space, and no byte that needs a closer look
    // ([`plainly_spaced`]): folded, without the byte-by-byte walk below
    if b.first() != Some(&b' ') && b.last() != Some(&b' ') && plainly_spaced(b) {
        return true;
    }
    is_folded_bytewise(b)
}

/// Whether `b` holds no two spaces in a row and no byte [`is_folded_bytewise`] looks closer at
/// other than a space (no ASCII control character, no first byte 0xC2, 0xE1–0xE3 of a
/// white-space character's UTF-8 form). Asked of every byte without a branch per byte (the
/// compiler makes it a few vector instructions per block), as a text without such bytes is
/// folded unless it starts or ends with a space. Test `the_quick_fold_test_agrees_with_the_walk`.
fn plainly_spaced(b: &[u8]) -> bool {
    let look = |c: u8| (c < 0x20) | (c == 0xC2) | (c.wrapping_sub(0xE1) < 3);
    let pairs =
        b.iter().zip(b.iter().skip(1)).fold(false, |bad, (x, y)| bad | (*x == b' ' && *y == b' ') | look(*x));
    !(pairs || b.last().is_some_and(|c| look(*c)))
}

/// [`is_folded`] byte by byte.
fn is_folded_bytewise(b: &[u8]) -> bool {
    // a space at the start counts as one after a space
    let mut after_space = true;
    for (i, &c) in b.iter().enumerate() {
        // most bytes are none of those below: one table look-up for them
        if !FOLD_SPECIAL[usize::from(c)] {
            after_space = false;
            continue;
        }
        let next = |k: usize| b.get(i + k).copied();
        let white = match c {
            b' ' => {
                if after_space {
                    return false;
                }
                after_space = true;
                continue;
            }
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => true,
            0xC2 => matches!(next(1), Some(0x85 | 0xA0)),
            0xE1 => next(1) == Some(0x9A) && next(2) == Some(0x80),
            0xE2 => matches!(
                (next(1), next(2)),
                (Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) | (Some(0x81), Some(0x9F))
            ),
            0xE3 => next(1) == Some(0x80) && next(2) == Some(0x80),
            _ => false,
        };
        if white {
            return false;
        }
        after_space = false;
    }
    // no space at the end
    !after_space || b.is_empty()
}

/// A quick hash for short keys read from a document (eight bytes a step, as rustc's FxHash): the
/// default hasher's protection against chosen collisions is not needed for a lookup that only
/// saves memory or time (the names and values of a rendered part, looked up millions of times;
/// the words of a paper).
#[derive(Default)]
pub struct QuickHash(u64);

impl QuickHash {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for QuickHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
}

/// A `HashMap`/`HashSet` hasher of [`QuickHash`].
pub type QuickBuild = std::hash::BuildHasherDefault<QuickHash>;

// links the allocator into every build of the library (its tests too), not only the binary's
extern crate mimalloc as _;

extern "C" {
    /// mimalloc's option setter (the binary's global allocator, `src/main.rs`; linked with the
    /// `mimalloc` dependency).
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
}

/// `mi_option_allow_thp` in mimalloc's `mi_option_t` (v3's `mimalloc.h`; positions are kept
/// stable across versions, retired options keep theirs).
const MI_OPTION_ALLOW_THP: std::os::raw::c_int = 43;

/// `mi_option_purge_delay` in mimalloc's `mi_option_t`.
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;

/// Sets how long (ms) freed memory stays with the allocator before it goes back to the system
/// (0: at once). The commands choose (`cli::return_freed_memory_soon`).
pub fn free_memory_after(millis: std::os::raw::c_long) {
    // SAFETY: sets an integer option of the allocator; no memory is touched
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, millis) };
}

/// Turns off transparent huge pages for this process (the binary and the benchmarks call it
/// first). The allocator asks the kernel for huge pages (`MADV_HUGEPAGE`), and each first touch
/// of one then zeroes 2 MiB, however little of it is used, and again after memory is given back:
/// `saksflyt extract` of 630 DOCX spent up to a fifth of its CPU zeroing huge pages in the kernel
/// (with twice the resident memory), the 200,000-paper status report 1.1–1.5 s of system time
/// against 0.3 s without them (docs/performance.md, "Session 8"). The kernel's flag covers memory
/// mapped before the call too.
pub fn no_huge_pages() {
    // SAFETY: sets an integer option of the allocator; no memory is touched
    unsafe { mi_option_set(MI_OPTION_ALLOW_THP, 0) };
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only; on a kernel without it the call
    // fails harmlessly and huge pages stay as the system has them
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// SHA-256 of bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}

/// Whether XML 1.0 allows a character in a document (`Char` production: tab, line feed,
/// carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; Rust strings hold no
/// surrogates).
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text made safe for an XML 1.0 document: characters XML forbids are dropped, except vertical
/// tab and form feed (line-like breaks in pasted text), which become a space. The one place
/// where text from papers is cleaned before it can reach a DOCX writer.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    if s.chars().all(xml_allowed) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter_map(|c| match c {
                '\u{b}' | '\u{c}' => Some(' '),
                c if xml_allowed(c) => Some(c),
                _ => None,
            })
            .collect(),
    )
}

/// A file name as text, reversibly: valid UTF-8 is kept as it is; a name holding bytes that are
/// not UTF-8 keeps its valid parts with `\` doubled and writes each other byte as `\xHH`, so
/// `sak\xff.txt` and `sak\xfe.txt` stay two names.
pub fn os_name(name: &OsStr) -> Cow<'_, str> {
    if let Some(s) = name.to_str() {
        return Cow::Borrowed(s);
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "\\\\"));
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        Cow::Owned(out)
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy()
    }
}

/// Text for a terminal or a log line: control characters (C0, DEL, C1, and the line and
/// paragraph separators) are written as `\\u{..}` escapes (`\\n`, `\\t`, `\\r`, `\\e` for the
/// common ones), so a file name cannot clear the screen, move the cursor or forge a line.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if bad(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Check that `name` is one plain file name, to be joined to an output folder: not empty, not
/// `.` or `..`, no path separator, no control character.
pub fn check_file_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control);
    if bad {
        Err(format!("refused output file name {:?}: not one plain file name", escape_controls(name)))
    } else {
        Ok(())
    }
}

/// The temporary name [`write_atomic`] writes to before renaming: `.NAME.tmpPID.RANDOM` beside
/// it. The random part (clock, counter and address bits, hashed) makes the name unguessable, so
/// nobody can plant a file or link at it in advance; the file is still created exclusively.
fn temp_name(dir: &Path, name: &str, pid: u32, salt: u64) -> std::path::PathBuf {
    dir.join(format!(".{name}.tmp{pid}.{salt:016x}"))
}

/// A fresh random-ish 64-bit value for temp names (no dependency: the clock's nanoseconds, a
/// process-wide counter and a stack address, mixed by SHA-256).
fn salt() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let local = 0u8;
    let addr = &local as *const u8 as usize as u64;
    let mut h = Sha256::new();
    h.update(t.as_nanos().to_le_bytes());
    h.update(n.to_le_bytes());
    h.update(addr.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(d.get(..8).unwrap_or(&[0; 8]));
    u64::from_le_bytes(b)
}

/// A fresh unguessable 64-bit value (for temporary names).
pub fn fresh_salt() -> u64 {
    salt()
}

/// Create `path` as a new file: exclusively (`O_CREAT|O_EXCL`: an existing file or a symbolic
/// link there, even a dangling one, is an error, never followed) and with `O_NOFOLLOW`.
pub fn create_exclusive(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW).mode(0o666);
    }
    o.open(path)
}

/// Remove temporary files of earlier writes of `name` in `dir` whose process is gone (left by a
/// killed run). Files of a process still running are left alone, and so is anything that is not
/// a regular file (a symbolic link planted there is not ours to remove). Linux only (it needs
/// `/proc`); elsewhere nothing is removed.
pub fn remove_stale_temps(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.tmp");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        let pid = rest.split('.').next().unwrap_or(rest);
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        // `DirEntry::file_type` does not follow links: a link is never removed
        if !alive && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The bytes of the regular file at `path`, at most `limit` bytes (more is an error naming the
/// limit). For files a user hands saksflyt besides papers (Word templates).
pub fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!("larger than the limit of {limit} bytes")));
    }
    Ok(bytes)
}

/// Write a file atomically: a temporary file in the same folder, created exclusively under an
/// unguessable name and never through a symbolic link ([`create_exclusive`], retried under a
/// new name when one exists), fsync, then rename over the target (a rename replaces a link at
/// the target itself, it never writes through it). Readers never see a half-written file;
/// temporary files of this name left by a killed earlier run are removed first
/// ([`remove_stale_temps`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// [`write_atomic`] of what `write` writes (streamed: a large file need not be in memory).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    remove_stale_temps(dir, name);
    let mut attempt = 0;
    let (tmp, mut f) = loop {
        let tmp = temp_name(dir, name, std::process::id(), salt());
        match create_exclusive(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        write(&mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The start of `dc:identifier` in the core properties of a document saksflyt generated; the
/// SHA-256 (hex) of its main part follows. A reader that finds it, and the main part still has
/// that digest, knows saksflyt wrote the file and nobody changed its body since (a filled-in
/// evaluation form has another digest and is read).
pub const WRITTEN_MARK: &str = "saksflyt-output:sha256:";

/// Whether core properties `core_xml` mark a document whose main part `main` saksflyt wrote
/// unchanged (see [`WRITTEN_MARK`]).
pub fn written_by_saksflyt(core_xml: &[u8], main: &[u8]) -> bool {
    let mark = WRITTEN_MARK.as_bytes();
    let Some(at) = core_xml.windows(mark.len()).position(|w| w == mark) else { return false };
    let hex = core_xml.get(at + mark.len()..at + mark.len() + 64);
    hex.is_some_and(|h| h == sha256_hex(main).as_bytes())
}

/// Most end-of-central-directory signatures a zip file may hold. A package normally has one; a
/// few more can sit inside stored entries (an embedded workbook). The zip library tries every
/// one it finds from the end, re-reading the directory each time, so many of them cost time
/// without bound.
pub const MAX_EOCD_RECORDS: usize = 8;

/// Check a zip file's end records before a zip library opens it: exactly one usable
/// end-of-central-directory record at the end (at most [`MAX_EOCD_RECORDS`] signatures in the
/// whole file), at most `max_entries` entries as declared (zip64 counts included), a central
/// directory that fits in the file. Runs in one pass over the bytes, allocating nothing, so a
/// file that would make the library loop or allocate an entry table of millions is refused
/// first. Returns the declared number of entries.
pub fn zip_precheck(bytes: &[u8], max_entries: u64) -> Result<u64, String> {
    // count the signatures (memchr's vectorised search)
    if memchr::memmem::find_iter(bytes, ZIP_EOCD).nth(MAX_EOCD_RECORDS).is_some() {
        return Err(format!(
            "more than {MAX_EOCD_RECORDS} end-of-central-directory records (a normal package has one)"
        ));
    }
    zip_end(bytes, max_entries).map(|end| end.entries)
}

/// Signature of the end-of-central-directory record.
const ZIP_EOCD: &[u8; 4] = b"PK\x05\x06";

fn u16_at(bytes: &[u8], i: usize) -> Option<u64> {
    bytes.get(i..i.checked_add(2)?).map(|b| u16::from_le_bytes([b[0], b[1]]) as u64)
}

fn u32_at(bytes: &[u8], i: usize) -> Option<u64> {
    bytes.get(i..i.checked_add(4)?).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64)
}

fn u64_at(bytes: &[u8], i: usize) -> Option<u64> {
    bytes.get(i..i.checked_add(8)?).map(|b| {
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        u64::from_le_bytes(a)
    })
}

/// What a zip file's end records declare ([`zip_end`]).
struct ZipEnd {
    /// Where the end-of-central-directory record starts.
    at: usize,
    entries: u64,
    cd_size: u64,
    /// The central directory's offset as declared (a file with bytes before the archive has
    /// it that much lower than its place).
    cd_offset: u64,
}

/// The end records of a zip file, checked as [`zip_precheck`] says (without counting the
/// signatures in the whole file).
fn zip_end(bytes: &[u8], max_entries: u64) -> Result<ZipEnd, String> {
    const LOC64: &[u8; 4] = b"PK\x06\x07";
    const EOCD64: &[u8; 4] = b"PK\x06\x06";
    let n = bytes.len();
    // the record itself: within the last 64 KiB + 22 bytes, its comment ending at the end
    let lowest = n.saturating_sub(22 + 0xFFFF);
    let mut found = None;
    let mut at = n.saturating_sub(22);
    loop {
        if bytes.get(at..at + 4) == Some(ZIP_EOCD.as_slice())
            && u16_at(bytes, at + 20).is_some_and(|c| at as u64 + 22 + c <= n as u64)
        {
            found = Some(at);
            break;
        }
        if at == lowest || at == 0 {
            break;
        }
        at -= 1;
    }
    let Some(e) = found else {
        return Err("no end-of-central-directory record at the end of the file (truncated?)".into());
    };
    let mut entries = u16_at(bytes, e + 10).unwrap_or(0);
    let mut cd_size = u32_at(bytes, e + 12).unwrap_or(0);
    let mut cd_offset = u32_at(bytes, e + 16).unwrap_or(u64::MAX);
    let zip64 = entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF;
    if zip64 && e >= 20 && bytes.get(e - 20..e - 16) == Some(LOC64.as_slice()) {
        let at64 = u64_at(bytes, e - 20 + 8).unwrap_or(u64::MAX);
        let at64 = usize::try_from(at64).unwrap_or(usize::MAX);
        if bytes.get(at64..at64.saturating_add(4)) != Some(EOCD64.as_slice()) {
            return Err("the zip64 end record is missing or misplaced".into());
        }
        entries = u64_at(bytes, at64 + 32).unwrap_or(u64::MAX);
        cd_size = u64_at(bytes, at64 + 40).unwrap_or(u64::MAX);
        cd_offset = u64_at(bytes, at64 + 48).unwrap_or(u64::MAX);
    }
    if entries > max_entries {
        return Err(format!("{entries} entries declared, over the limit of {max_entries}"));
    }
    // a central directory entry takes at least 46 bytes
    if cd_size > n as u64 || entries.saturating_mul(46) > n as u64 {
        return Err(format!(
            "the central directory ({entries} entries, {cd_size} bytes) does not fit in the file"
        ));
    }
    Ok(ZipEnd { at: e, entries, cd_size, cd_offset })
}

/// One entry of a zip file's central directory ([`zip_entries`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipEntry<'a> {
    /// The name as stored.
    pub name: &'a [u8],
    /// The compression method (0 stored, 8 deflated).
    pub method: u16,
    /// The declared uncompressed size.
    pub size: u64,
    /// The declared compressed size.
    pub compressed_size: u64,
    /// Where the entry's local header starts in the file.
    pub local_header: usize,
}

/// The entries of a zip file's central directory, read straight from the bytes: the end
/// records as [`zip_precheck`] checks them (but not the count of signatures in the whole file),
/// at most `max_entries`, each within the directory. One pass over the directory, one
/// allocation; `Err` (why) when the directory is not where its end record says or an entry
/// does not fit. What a caller that needs only names and sizes uses instead of a zip library's
/// full table (ingest: the working-memory estimate and the generated-document check).
pub fn zip_entries(bytes: &[u8], max_entries: u64) -> Result<Vec<ZipEntry<'_>>, String> {
    const CDH: &[u8; 4] = b"PK\x01\x02";
    let end = zip_end(bytes, max_entries)?;
    // the directory ends where the end records begin; bytes before the archive (a
    // self-extractor) move everything by the same amount
    let place = (end.at as u64).checked_sub(end.cd_size).ok_or("the central directory does not fit")?;
    let shift = place.saturating_sub(end.cd_offset);
    let place = usize::try_from(place).map_err(|_| "the central directory does not fit")?;
    let dir = bytes.get(place..end.at).ok_or("the central directory does not fit")?;
    let mut out = Vec::with_capacity(end.entries as usize);
    let mut i = 0usize;
    for _ in 0..end.entries {
        if dir.get(i..i + 4) != Some(CDH.as_slice()) {
            return Err(format!("no central directory entry at byte {}", place + i));
        }
        let field = |at: usize| u16_at(dir, i + at).map(|v| v as usize).unwrap_or(0);
        let (name_len, extra_len, comment_len) = (field(28), field(30), field(32));
        let method = u16_at(dir, i + 10).unwrap_or(0) as u16;
        let mut compressed_size = u32_at(dir, i + 20).unwrap_or(0);
        let mut size = u32_at(dir, i + 24).unwrap_or(0);
        let mut local = u32_at(dir, i + 42).unwrap_or(0);
        let name_at = i + 46;
        let extra_at = name_at + name_len;
        let next = extra_at + extra_len + comment_len;
        let (Some(name), Some(mut extra)) =
            (dir.get(name_at..extra_at), dir.get(extra_at..extra_at + extra_len))
        else {
            return Err(format!("central directory entry at byte {} is cut off", place + i));
        };
        // zip64: the sizes and offset that do not fit in 32 bits, in this order
        while extra.len() >= 4 {
            let (id, len) = (u16_at(extra, 0).unwrap_or(0), u16_at(extra, 2).unwrap_or(0) as usize);
            let data = extra.get(4..4 + len).unwrap_or(&[]);
            if id == 1 {
                let mut j = 0;
                for v in [&mut size, &mut compressed_size, &mut local] {
                    if *v == 0xFFFF_FFFF {
                        *v = u64_at(data, j).unwrap_or(u64::MAX);
                        j += 8;
                    }
                }
            }
            extra = extra.get(4 + len..).unwrap_or(&[]);
        }
        let local_header = usize::try_from(local.saturating_add(shift)).unwrap_or(usize::MAX);
        out.push(ZipEntry { name, method, size, compressed_size, local_header });
        i = next;
    }
    Ok(out)
}

/// The character of one of XML's five predefined entities (`amp`, `lt`, `gt`, `quot`, `apos`).
pub fn xml_predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// The Levenshtein distance of two short strings, in characters (for "did you mean").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Splits `YYYY-MM-DD` into its numbers; `None` when the text is not such a date.
pub fn parse_iso_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.get(..2)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_turned_off_for_the_process() {
        no_huge_pages();
        // SAFETY: PR_GET_THP_DISABLE takes no pointer; it returns the process's flag
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) }, 1);
    }

    #[test]
    fn the_quick_fold_test_agrees_with_the_walk() {
        let parts = [
            "a", " ", "  ", "æ", "\u{a0}", "\u{2013}", "§", "\u{3000}", "\t", "\u{1c}", "«", "\u{2028}", " ",
        ];
        let mut texts = vec![String::new()];
        for a in parts {
            for b in parts {
                for c in parts {
                    texts.push(format!("{a}{b}{c}"));
                    texts.push(format!("{a}Forslag til{b}vedtak{c}"));
                    texts.push(format!("{}{a}{b}x{c}", "ord ".repeat(9)));
                }
            }
        }
        for t in &texts {
            assert_eq!(is_folded(t), is_folded_bytewise(t.as_bytes()), "{t:?}");
        }
    }

    #[test]
    fn folded_texts_are_recognised() {
        // must be left as they are: single spaces between words, any other characters
        for t in
            ["", "a", "Forslag til vedtak", "Sak 12/25 – «Budsjett» § 3 · 5 €", "Økonomi og æøå", "a\u{1c}b"]
        {
            assert!(is_folded(t), "{t:?}");
        }
        // must be folded: every white-space character, doubled, leading or trailing spaces
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| c.is_whitespace() && *c != ' ') {
            let t = format!("a{c}b");
            assert!(!is_folded(&t), "U+{:04X}", c as u32);
            assert_eq!(fold(&t), "a b", "U+{:04X}", c as u32);
        }
        for t in [" a", "a ", "a  b", " ", "  "] {
            assert!(!is_folded(t), "{t:?}");
        }
        assert_eq!(fold("  Sak\u{a0} 12/25\t Tittel \u{3000}"), "Sak 12/25 Tittel");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_temps_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("logg.docx");
        // a pid that cannot be running (above the kernel's pid_max), and our own (running)
        let dead = temp_name(dir.path(), "logg.docx", 4_999_999, 7);
        let live = temp_name(dir.path(), "logg.docx.other", std::process::id(), 7);
        std::fs::write(&dead, b"half").unwrap();
        std::fs::write(&live, b"busy").unwrap();
        write_atomic(&p, b"whole").unwrap();
        assert!(!dead.exists(), "stale temp file left behind");
        assert!(live.exists(), "another name's temp file removed");
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
    }

    /// Every class of code point: the ones XML 1.0 forbids are gone (VT/FF as spaces), all
    /// others kept unchanged.
    #[test]
    fn xml_text_drops_exactly_what_xml_forbids() {
        let classes: &[(std::ops::RangeInclusive<u32>, bool)] = &[
            (0x00..=0x08, false),
            (0x09..=0x0A, true),
            (0x0B..=0x0C, false),
            (0x0D..=0x0D, true),
            (0x0E..=0x1F, false),
            (0x20..=0x7E, true),
            (0x7F..=0x9F, true), // C1 controls: discouraged, but allowed by XML 1.0
            (0xA0..=0xD7FF, true),
            (0xE000..=0xFFFD, true),
            (0xFFFE..=0xFFFF, false),
            (0x10000..=0x10FFFF, true),
        ];
        for (range, allowed) in classes {
            for cp in range.clone() {
                let c = char::from_u32(cp).unwrap();
                assert_eq!(xml_allowed(c), *allowed, "U+{cp:04X}");
                let s = format!("a{c}b");
                let out = xml_text(&s);
                if *allowed {
                    assert_eq!(out, s, "U+{cp:04X} changed");
                } else if cp == 0x0B || cp == 0x0C {
                    assert_eq!(out, "a b", "U+{cp:04X}");
                } else {
                    assert_eq!(out, "ab", "U+{cp:04X} kept");
                }
            }
        }
        assert!(matches!(xml_text("vanlig tekst æøå"), Cow::Borrowed(_)));
    }

    #[cfg(unix)]
    #[test]
    fn file_names_are_kept_apart_and_reversible() {
        use std::os::unix::ffi::OsStrExt;
        let a = os_name(OsStr::from_bytes(b"sak\xff.txt")).into_owned();
        let b = os_name(OsStr::from_bytes(b"sak\xfe.txt")).into_owned();
        assert_eq!(a, "sak\\xff.txt");
        assert_ne!(a, b);
        assert_eq!(os_name(OsStr::new("møte.docx")), "møte.docx");
        let c = os_name(OsStr::from_bytes(b"a\\b\xe5.txt")).into_owned();
        assert_eq!(c, "a\\\\b\\xe5.txt");
    }

    fn small_zip(names: &[&str]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for n in names {
            z.start_file(*n, o).unwrap();
            z.write_all(b"x").unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_precheck_counts_end_records_and_entries() {
        let ok = small_zip(&["a.xml", "b.xml"]);
        assert_eq!(zip_precheck(&ok, 10), Ok(2));
        assert!(zip_precheck(&ok, 1).unwrap_err().contains("over the limit of 1"));
        // the end record repeated: refused before any zip library sees it
        let eocd = ok.get(ok.len() - 22..).unwrap().to_vec();
        let mut many = ok.clone();
        for _ in 0..100 {
            many.extend_from_slice(&eocd);
        }
        assert!(zip_precheck(&many, 10).unwrap_err().contains("end-of-central-directory"));
        assert!(zip_precheck(b"PK\x03\x04 no end", 10).is_err());
        assert!(zip_precheck(b"", 10).is_err());
        // a declared count of millions with nothing behind it
        let mut lying = ok.clone();
        let e = lying.len() - 22;
        lying[e + 8..e + 12].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
        assert!(zip_precheck(&lying, 100_000).is_err());
    }

    #[test]
    fn zip_entries_are_the_zip_librarys_directory() {
        let mut packages = vec![small_zip(&["a.xml", "word/b.xml", "c.bin"])];
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        for e in std::fs::read_dir(&samples).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "docx") {
                packages.push(std::fs::read(&p).unwrap());
            }
        }
        assert!(packages.len() > 3, "{}", packages.len());
        for bytes in &packages {
            let ours = zip_entries(bytes, 10_000).unwrap();
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
            assert_eq!(ours.len(), z.len());
            for (i, e) in ours.iter().enumerate() {
                let theirs = z.by_index_raw(i).unwrap();
                assert_eq!(e.name, theirs.name().as_bytes());
                assert_eq!((e.size, e.compressed_size), (theirs.size(), theirs.compressed_size()));
                assert_eq!(e.local_header as u64, theirs.header_start());
                assert_eq!(e.method == 0, theirs.compression() == zip::CompressionMethod::Stored);
            }
        }
        // bytes before the archive (a self-extractor) move every entry by as much
        let mut shifted = b"#!stub\n".to_vec();
        shifted.extend_from_slice(&packages[0]);
        let moved = zip_entries(&shifted, 10).unwrap();
        let plain = zip_entries(&packages[0], 10).unwrap();
        assert!(moved
            .iter()
            .zip(&plain)
            .all(|(m, p)| m.local_header == p.local_header + 7 && m.name == p.name));
        // refused: over the entry limit, cut off, a directory that is not where it is declared
        assert!(zip_entries(&packages[0], 2).is_err());
        let ok = &packages[0];
        assert!(zip_entries(&ok[..ok.len() - 30], 10).is_err());
        let mut lying = ok.clone();
        let e = lying.len() - 22;
        lying[e + 12..e + 16].copy_from_slice(&3u32.to_le_bytes());
        assert!(zip_entries(&lying, 10).is_err());
        assert!(zip_entries(b"", 10).is_err());
    }

    #[test]
    fn created_exclusively_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let link = dir.path().join("link");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        #[cfg(unix)]
        assert!(create_exclusive(&link).is_err());
        assert!(create_exclusive(&victim).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_ne!(salt(), salt());
    }

    #[test]
    fn controls_are_escaped_for_the_terminal() {
        assert_eq!(escape_controls("møte.docx"), "møte.docx");
        assert_eq!(escape_controls("a\u{1b}[2Jb\nsaksflyt: x"), "a\\e[2Jb\\nsaksflyt: x");
        assert_eq!(escape_controls("\u{7f}\u{85}"), "\\u{7f}\\u{85}");
        assert!(check_file_name("vedtakslogg.docx").is_ok());
        for bad in ["", "..", "a/b", "a\\b", "a\nb"] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sha256_of_empty() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
