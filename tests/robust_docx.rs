//! Robustness: every file in `../shared/robust/docx/` (real-world and fuzzer-made DOCX files from
//! other projects' test suites) is either read or refused with a clear error — within a time
//! bound and without a panic. Skipped when `../shared` is absent; `SAKSFLYT_SHARED` points
//! elsewhere (e.g. from a git worktree).

use saksflyt::read::{read_file, Limits, ReadError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const BOUND: Duration = Duration::from_secs(20);

#[test]
fn every_robust_docx_is_read_or_refused_in_time() {
    let shared = std::env::var_os("SAKSFLYT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let dir = shared.join("robust/docx");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(std::env::var_os("CI").is_none(), "{} absent under CI", dir.display());
        eprintln!("{} absent: skipped", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    let (mut read, mut refused) = (0, 0);
    for path in files {
        let (tx, rx) = mpsc::channel();
        let p = path.clone();
        let handle = std::thread::spawn(move || {
            // a caught panic (ReadError::Internal) is a failure, never a "clear refusal"
            let r = read_file(&p, &Limits::default()).map(|d| d.blocks.len()).map_err(|e| match e {
                ReadError::Internal(m) => format!("PANIC {m}"),
                e => e.to_string(),
            });
            let _ = tx.send(r);
        });
        let result = rx
            .recv_timeout(BOUND)
            .unwrap_or_else(|_| panic!("{}: no answer within {BOUND:?} (hang or panic)", path.display()));
        assert!(handle.join().is_ok(), "{}: the reader thread panicked", path.display());
        match result {
            Ok(_) => read += 1,
            Err(msg) => {
                assert!(!msg.trim().is_empty(), "{}: empty error message", path.display());
                assert!(!msg.starts_with("PANIC"), "{}: the reader panicked: {msg}", path.display());
                refused += 1;
                eprintln!("refused {}: {msg}", path.display());
            }
        }
    }
    eprintln!("robust docx: {read} read, {refused} refused");
    assert!(read > 0);
}

/// A small deterministic generator (no external crate) for the mutation test below.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        if n == 0 {
            0
        } else {
            ((self.0 >> 33) as usize) % n
        }
    }
}

const NASTY: &[&str] = &[
    "<w:numId w:val=\"-5\"/>",
    "<w:ilvl w:val=\"300\"/>",
    "<w:gridSpan w:val=\"99999999999\"/>",
    "<w:vMerge/>",
    "<w:lvlText w:val=\"%9%9%0%\"/>",
    "<w:start w:val=\"-9223372036854775808\"/>",
    "<w:startOverride w:val=\"9223372036854775807\"/>",
    "<w:fldChar w:fldCharType=\"begin\"/>",
    "<w:basedOn w:val=\"Normal\"/>",
    "<w:sym w:char=\"FFFFFFFFF\"/>",
    "<w:tbl><w:tr><w:tc>",
    "&#0;",
];

fn mutate(data: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut b = data.to_vec();
    for _ in 0..1 + rng.next(20) {
        let pos = rng.next(b.len());
        match rng.next(4) {
            0 => {
                if let Some(x) = b.get_mut(pos) {
                    *x = b"<>/=\"&;#%0123456789wlvtp: "[rng.next(26)];
                }
            }
            1 => {
                let end = (pos + 1 + rng.next(50)).min(b.len());
                b.drain(pos..end);
            }
            2 => {
                let from = rng.next(b.len());
                let to = (from + 1 + rng.next(400)).min(b.len());
                let slice: Vec<u8> = b.get(from..to).map(<[u8]>::to_vec).unwrap_or_default();
                b.splice(pos..pos, slice);
            }
            _ => {
                let s = NASTY[rng.next(NASTY.len())].as_bytes().to_vec();
                b.splice(pos..pos, s);
            }
        }
    }
    b
}

/// Mutated copies of every fixture (XML parts damaged, nasty values inserted, then re-zipped)
/// are read or refused with a message, never a panic or a hang.
#[test]
fn mutated_fixtures_never_panic() {
    use std::io::{Read, Write};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path().join("input.docx"))).filter(|p| p.is_file()).collect()
        })
        .unwrap_or_default();
    inputs.sort();
    assert!(!inputs.is_empty());
    let mut rng = Lcg(20240619);
    let (mut read, mut refused) = (0, 0);
    for input in &inputs {
        let bytes = std::fs::read(input).unwrap_or_default();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap_or_else(|e| panic!("{e}"));
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap_or_else(|e| panic!("{e}"));
            parts.push((f.name().to_string(), data));
        }
        for _ in 0..20 {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let opts =
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
            for (name, data) in &parts {
                let data = if name.ends_with(".xml") && rng.next(3) > 0 {
                    mutate(data, &mut rng)
                } else {
                    data.clone()
                };
                w.start_file(name.as_str(), opts).unwrap_or_else(|e| panic!("{e}"));
                w.write_all(&data).unwrap_or_else(|e| panic!("{e}"));
            }
            let zipped = w.finish().unwrap_or_else(|e| panic!("{e}")).into_inner();
            let (tx, rx) = mpsc::channel();
            let handle = std::thread::spawn(move || {
                let r = saksflyt::read::docx::read(&zipped, &Limits::default()).map_err(|e| match e {
                    ReadError::Internal(m) => format!("PANIC {m}"),
                    e => e.to_string(),
                });
                let _ = tx.send(r.map(|d| d.blocks.len()));
            });
            let result =
                rx.recv_timeout(BOUND).unwrap_or_else(|_| panic!("{}: mutated copy hung", input.display()));
            assert!(handle.join().is_ok(), "{}: panic on a mutated copy", input.display());
            match result {
                Ok(_) => read += 1,
                Err(m) => {
                    assert!(!m.trim().is_empty());
                    assert!(!m.starts_with("PANIC") && !m.contains("panic"), "{}: {m}", input.display());
                    refused += 1;
                }
            }
        }
    }
    eprintln!("mutated fixtures: {read} read, {refused} refused");
}
