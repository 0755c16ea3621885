//! Small helpers shared by the stages: atomic file writes, hashing, white-space folding, file
//! names as text, XML-safe text.

use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

/// Fold white space (also no-break spaces) to single spaces and trim.
pub fn fold(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// SHA-256 of bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
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

/// The temporary name [`write_atomic`] writes to before renaming: `.NAME.tmpPID` beside it.
fn temp_name(dir: &Path, name: &str, pid: u32) -> std::path::PathBuf {
    dir.join(format!(".{name}.tmp{pid}"))
}

/// Remove temporary files of earlier writes of `name` in `dir` whose process is gone (left by a
/// killed run). Files of a process still running are left alone. Linux only (it needs `/proc`);
/// elsewhere nothing is removed.
pub fn remove_stale_temps(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.tmp");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
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

/// Write a file atomically: a temporary file in the same folder, fsync, then rename over the
/// target. Readers never see a half-written file; temporary files of this name left by a killed
/// earlier run are removed first ([`remove_stale_temps`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    remove_stale_temps(dir, name);
    let tmp = temp_name(dir, name, std::process::id());
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let dead = temp_name(dir.path(), "logg.docx", 4_999_999);
        let live = temp_name(dir.path(), "logg.docx.other", std::process::id());
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

    #[test]
    fn sha256_of_empty() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
