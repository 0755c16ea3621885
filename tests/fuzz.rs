//! In-tree fuzzing: a deterministic mutation harness for the DOCX, PDF and text readers and for
//! extraction. No nightly and no extra crate: seeds are the samples and `../shared/robust/`
//! (and `../shared/seeds/`), mutated by a seeded generator — byte flips, interesting bytes,
//! deletions, duplications (amplification), truncation, splices of markup tokens; for DOCX the
//! XML parts inside the zip are mutated and re-zipped so the mutations reach the XML reader.
//!
//! Every mutated input goes through `read_bytes` and, when it reads, through extraction with the
//! per-file budget (`extract_within`). A finding is a panic (caught here or reported by a reader
//! as `ReadError::Internal`), an extraction that failed unexpectedly, or an input that ran out of
//! time. Findings are written to `target/fuzz-findings/` for replay and fail the test.
//!
//! Two more targets sit where a library does the work: lopdf's load step as saksflyt runs it
//! (`read::pdf::load`, its guard filter and pre-check; PDF structure tokens and duplicated xref
//! entries and object-stream indexes as mutations), and the zip directory (`util::zip_precheck`
//! and `Package::open` over DOCX whose central directory and end records are mutated: flipped,
//! repeated, counts changed). A finding there is a panic or a budget that did not hold.
//!
//! CI runs a bounded smoke mode (by default 300 text, 200 DOCX and 60 PDF inputs, 120 PDF loads,
//! 300 zip directories). Longer runs:
//!
//! ```text
//! SAKSFLYT_FUZZ_ITERS=5000 SAKSFLYT_FUZZ_SEED=7 cargo test --release --test fuzz -- --nocapture
//! ```

use saksflyt::config::Register;
use saksflyt::read::{read_bytes, Limits, ReadError};
use saksflyt::record::Source;
use saksflyt::store::ingest::extract_within;
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"*",
    b"**",
    b"***",
    b"[",
    b"](",
    b")",
    b"\\",
    b"\t",
    b"\n",
    b"\r\n",
    b"\x0c",
    b"# ",
    b"1. ",
    b"a) ",
    b"- ",
    b"<ul>",
    b"<li>",
    b"</li>",
    b"<p>",
    b"&amp;",
    b"&#x1;",
    b"&",
    b"\x01",
    b"\xff",
    b"\xef\xbb\xbf",
    b"<w:p>",
    b"</w:p>",
    b"<w:r/>",
    b"<w:t>x</w:t>",
    b"<w:tbl>",
    b"<w:tr><w:tc>",
    b"<w:numPr><w:ilvl w:val=\"9\"/><w:numId w:val=\"1\"/></w:numPr>",
    b"<!DOCTYPE x>",
    b"<w:gridSpan w:val=\"99999\"/>",
    b"<w:vMerge/>",
    b"obj",
    b"endobj",
    b"stream",
    b"BT",
    b"ET",
    b"Tj",
    b"TJ",
    b"Tf",
    b"re f",
    b"q",
    b"Q",
    b"cm",
    b"1e308",
    b"-1",
    b"99999999",
    b"/Length 0",
    b"trailer",
    b"Sak 12/25 ",
    b"Vedtak:",
    b"Dato: 01.02.2025 ",
    b"\xc3\xb8",
    b"0000000010 00000 n \r\n",
    b"/Type /ObjStm /N 8 /First 16 ",
    b"10 0 11 0 12 0 13 0 ",
    b"[0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]",
    b" 0 obj\n",
    b"endobj\n",
    b"xref\n0 3\n",
    b"/Type /XRef /W [1 4 2] ",
    b"/Index [0 3 10 80] ",
    b"\x02\x00\x00\x00\x05\x00\x00",
    b"/Encrypt 7 0 R ",
    b"/Prev 9 ",
];

/// Mutate `data` in place with 1–4 random operations.
fn mutate(data: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = [0u8, 0xff, 0x7f, b'*', b'[', b'<', b'&', b'\t', b'\n', 1][rng.below(10)];
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                data.drain(i..i + n);
            }
            3 if len > 0 => {
                // duplicate a range several times: amplification
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(512));
                let chunk = data[i..i + n].to_vec();
                let times = 1 + rng.below(64);
                let at = rng.below(len + 1);
                let mut ins = Vec::with_capacity(n * times);
                for _ in 0..times {
                    ins.extend_from_slice(&chunk);
                }
                data.splice(at..at, ins);
            }
            4 if len > 0 => data.truncate(rng.below(len)),
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let times = if rng.below(8) == 0 { 1 + rng.below(2000) } else { 1 };
                let at = rng.below(len + 1);
                let ins: Vec<u8> = t.iter().copied().cycle().take(t.len() * times).collect();
                data.splice(at..at, ins);
            }
        }
    }
}

/// Mutate the XML parts of a DOCX and re-zip it (stored); non-zip input is mutated as bytes.
fn mutate_docx(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(data)) else {
        let mut d = data.to_vec();
        mutate(&mut d, rng);
        return d;
    };
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let Ok(mut f) = archive.by_index(i) else { continue };
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        if f.read_to_end(&mut bytes).is_err() {
            continue;
        }
        parts.push((name, bytes));
    }
    let xml: Vec<usize> = (0..parts.len()).filter(|i| parts[*i].0.ends_with(".xml")).collect();
    if let Some(&i) = xml.get(rng.below(xml.len().max(1))) {
        // prefer the main document most of the time
        let i = parts
            .iter()
            .position(|(n, _)| n == "word/document.xml")
            .filter(|_| rng.below(3) > 0)
            .unwrap_or(i);
        mutate(&mut parts[i].1, rng);
    }
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in &parts {
        if w.start_file(name.as_str(), opts).is_err() || w.write_all(bytes).is_err() {
            break;
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn seeds(ext: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared =
        std::env::var_os("SAKSFLYT_SHARED").map(PathBuf::from).unwrap_or_else(|| root.join("../shared"));
    let mut dirs = vec![root.join("samples")];
    if shared.is_dir() {
        dirs.extend([shared.join("robust").join(ext), shared.join("seeds")]);
    } else {
        assert!(std::env::var_os("CI").is_none(), "{} missing under CI", shared.display());
    }
    let mut out = Vec::new();
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for p in files {
            if p.extension().is_some_and(|x| x == ext) && p.is_file() {
                if let Ok(b) = std::fs::read(&p) {
                    if b.len() <= 2 * 1024 * 1024 {
                        out.push((p, b));
                    }
                }
            }
        }
    }
    assert!(!out.is_empty(), "no .{ext} seeds");
    out
}

/// Figures of one campaign.
#[derive(Default, Debug)]
struct Stats {
    execs: usize,
    read: usize,
    refused: usize,
    findings: Vec<String>,
}

fn fuzz(ext: &str) -> Stats {
    // smoke defaults: the PDF reader is the slowest in a debug build
    let default = match ext {
        "pdf" => 60,
        "docx" => 200,
        _ => 300,
    };
    let iters: usize =
        std::env::var("SAKSFLYT_FUZZ_ITERS").ok().and_then(|s| s.parse().ok()).unwrap_or(default);
    let seed: u64 = std::env::var("SAKSFLYT_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ ext.len() as u64 ^ 0x5eed);
    let corpus = seeds(ext);
    let register = std::sync::Arc::new(Register::default());
    let limits = Limits::default();
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    let started = Instant::now();
    let mut st = Stats::default();
    let name = PathBuf::from(format!("fuzz.{ext}"));
    for n in 0..iters {
        let (seed_path, seed_bytes) = &corpus[rng.below(corpus.len())];
        let input = if ext == "docx" {
            mutate_docx(seed_bytes, &mut rng)
        } else {
            let mut d = seed_bytes.clone();
            mutate(&mut d, &mut rng);
            d
        };
        st.execs += 1;
        let finding = match catch_unwind(AssertUnwindSafe(|| read_bytes(&name, &input, &limits))) {
            Err(_) => Some("panic in read_bytes".to_string()),
            Ok(Err(ReadError::Internal(m))) => Some(format!("caught panic: {m}")),
            Ok(Err(ReadError::Timeout(ms))) => Some(format!("reading took over {ms} ms")),
            Ok(Err(_)) => {
                st.refused += 1;
                None
            }
            Ok(Ok(doc)) => {
                let source = Source {
                    path: name.display().to_string(),
                    format: doc.format,
                    sha256: saksflyt::util::sha256_hex(&input),
                };
                match extract_within(doc, source, &register, &limits) {
                    Ok(_) => {
                        st.read += 1;
                        None
                    }
                    Err(e) if e.contains("unexpectedly") || e.contains("took longer") => Some(e),
                    Err(_) => {
                        st.refused += 1;
                        None
                    }
                }
            }
        };
        if let Some(f) = finding {
            let _ = std::fs::create_dir_all(&out_dir);
            let file = out_dir.join(format!("{ext}-{seed}-{n}.{ext}"));
            let _ = std::fs::write(&file, &input);
            st.findings.push(format!("{} (from {}): {f}", file.display(), seed_path.display()));
        }
    }
    eprintln!(
        "fuzz .{ext}: {} executions in {:.1} s ({} read, {} refused), {} findings, seed {seed}, {} seeds",
        st.execs,
        started.elapsed().as_secs_f64(),
        st.read,
        st.refused,
        st.findings.len(),
        corpus.len()
    );
    st
}

fn check(ext: &str) {
    let st = fuzz(ext);
    assert!(st.findings.is_empty(), "findings:\n{}", st.findings.join("\n"));
    assert!(st.read > 0, "no mutated .{ext} input was read at all: the harness is not exercising the reader");
}

#[test]
fn fuzz_text_reader_and_extraction() {
    check("txt");
}

#[test]
fn fuzz_docx_reader_and_extraction() {
    check("docx");
}

#[test]
fn fuzz_pdf_reader_and_extraction() {
    check("pdf");
}

fn iters(default: usize) -> usize {
    std::env::var("SAKSFLYT_FUZZ_ITERS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn fuzz_seed() -> u64 {
    std::env::var("SAKSFLYT_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1)
}

fn keep_finding(kind: &str, n: usize, input: &[u8], what: String, findings: &mut Vec<String>) {
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    let _ = std::fs::create_dir_all(&out_dir);
    let file = out_dir.join(format!("{kind}-{}-{n}", fuzz_seed()));
    let _ = std::fs::write(&file, input);
    findings.push(format!("{}: {what}", file.display()));
}

/// lopdf's load step as saksflyt runs it (pre-check, guard filter, deadline): no panic escapes,
/// no load runs out of time, whatever the cross-reference tables and object streams say.
#[test]
fn fuzz_pdf_load_step() {
    let corpus = seeds("pdf");
    let limits = Limits::default();
    let part_limit = limits.max_part_bytes as usize;
    let mut rng = Rng(fuzz_seed().wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x10ad);
    let mut findings = Vec::new();
    let (mut loaded, mut refused) = (0, 0);
    for n in 0..iters(120) {
        let (_, seed_bytes) = &corpus[rng.below(corpus.len())];
        let mut input = seed_bytes.clone();
        mutate(&mut input, &mut rng);
        let deadline = Instant::now() + std::time::Duration::from_millis(limits.max_millis);
        let r = catch_unwind(AssertUnwindSafe(|| {
            saksflyt::read::pdf::load(&input, part_limit, deadline, &limits)
        }));
        match r {
            Err(_) => keep_finding("pdfload", n, &input, "panic in the load step".into(), &mut findings),
            Ok(Err(ReadError::Timeout(ms))) => {
                keep_finding("pdfload", n, &input, format!("load over {ms} ms"), &mut findings)
            }
            Ok(Err(_)) => refused += 1,
            Ok(Ok(_)) => loaded += 1,
        }
    }
    eprintln!("fuzz PDF load: {loaded} loaded, {refused} refused, {} findings", findings.len());
    assert!(findings.is_empty(), "findings:\n{}", findings.join("\n"));
    assert!(loaded > 0, "no mutated PDF loaded: the harness is not exercising the load step");
}

/// Mutate the end of a zip: its central directory and end records.
fn mutate_zip_tail(data: &mut Vec<u8>, rng: &mut Rng) {
    let len = data.len();
    if len < 22 {
        mutate(data, rng);
        return;
    }
    match rng.below(5) {
        0 => {
            // flips in the last 2 KiB
            for _ in 0..1 + rng.below(8) {
                let i = len - 1 - rng.below(len.min(2048));
                data[i] ^= 1 << rng.below(8);
            }
        }
        1 => {
            // the end record repeated
            let eocd = data[len - 22..].to_vec();
            for _ in 0..1 + rng.below(20_000) {
                data.extend_from_slice(&eocd);
            }
        }
        2 => {
            // entry counts, directory size or offset changed
            let field = len - 22 + [8, 10, 12, 16][rng.below(4)];
            let v: [u8; 4] = [[0xff; 4], [0; 4], [0xff, 0xff, 0, 0], [0x10, 0x27, 0, 0]][rng.below(4)];
            let w = if field >= len - 12 { 4 } else { 2 };
            data[field..field + w].copy_from_slice(&v[..w]);
        }
        3 => {
            // junk or a zip64 locator before the end record
            let junk: &[u8] = [
                &b"PK\x06\x07\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\x7f\x01\0\0\0"[..],
                b"PK\x01\x02",
                b"\0\0\0\0",
            ][rng.below(3)];
            data.splice(len - 22..len - 22, junk.iter().copied());
        }
        _ => mutate(data, rng),
    }
}

/// The zip directory: `zip_precheck`, `zip_entries` and `Package::open` over DOCX with mutated
/// end records and directories never panic and never run past the deadline.
#[test]
fn fuzz_zip_directory() {
    let corpus = seeds("docx");
    let limits = Limits::default();
    let mut rng = Rng(fuzz_seed().wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x21b);
    let mut findings = Vec::new();
    let (mut opened, mut refused) = (0, 0);
    for n in 0..iters(300) {
        let (_, seed_bytes) = &corpus[rng.below(corpus.len())];
        let mut input = seed_bytes.clone();
        mutate_zip_tail(&mut input, &mut rng);
        let r = catch_unwind(AssertUnwindSafe(|| {
            let _ = saksflyt::util::zip_precheck(&input, saksflyt::read::docx::package::MAX_ZIP_ENTRIES);
            // ingest's own read of the directory (the memory estimate, the generated-document check)
            let _ = saksflyt::util::zip_entries(&input, saksflyt::read::docx::package::MAX_ZIP_ENTRIES);
            saksflyt::read::docx::package::Package::open(&input, &limits).map(|p| p.names().count())
        }));
        match r {
            Err(_) => keep_finding("zipdir", n, &input, "panic opening the package".into(), &mut findings),
            Ok(Err(ReadError::Timeout(ms))) => {
                keep_finding("zipdir", n, &input, format!("open over {ms} ms"), &mut findings)
            }
            Ok(Err(_)) => refused += 1,
            Ok(Ok(entries)) if entries as u64 > saksflyt::read::docx::package::MAX_ZIP_ENTRIES => {
                keep_finding(
                    "zipdir",
                    n,
                    &input,
                    format!("{entries} entries passed the limit"),
                    &mut findings,
                )
            }
            Ok(Ok(_)) => opened += 1,
        }
    }
    eprintln!("fuzz zip directory: {opened} opened, {refused} refused, {} findings", findings.len());
    assert!(findings.is_empty(), "findings:\n{}", findings.join("\n"));
    assert!(opened > 0 && refused > 0, "the harness is not exercising the zip directory");
}

/// Replays files given in `SAKSFLYT_FUZZ_REPLAY` (a folder), e.g. the findings of a campaign.
#[test]
fn replay_findings() {
    let Some(dir) = std::env::var_os("SAKSFLYT_FUZZ_REPLAY") else { return };
    let register = std::sync::Arc::new(Register::default());
    let limits = Limits::default();
    for e in std::fs::read_dir(Path::new(&dir)).expect("replay folder").flatten() {
        let p = e.path();
        let bytes = std::fs::read(&p).expect("read");
        let r = read_bytes(&p, &bytes, &limits);
        assert!(!matches!(r, Err(ReadError::Internal(_))), "{}: {r:?}", p.display());
        if let Ok(doc) = r {
            let source = Source { path: p.display().to_string(), format: doc.format, sha256: String::new() };
            let rec = extract_within(doc, source, &register, &limits);
            assert!(
                rec.as_ref().err().is_none_or(|e| !e.contains("unexpectedly")),
                "{}: {rec:?}",
                p.display()
            );
        }
    }
}
