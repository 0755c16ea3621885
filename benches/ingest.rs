//! Ingest benchmark (`cargo bench --bench ingest`; not a test).
//!
//! Builds a reproducible corpus of at least 2,000 documents (`SAKSFLYT_BENCH_DOCS`, default 2000)
//! by copying the samples (`samples/`) and the seeds (`../shared/seeds`, when present) with fixed
//! rewrites of case numbers, dates and one word per copy — DOCX copies keep their real
//! structure: only `word/document.xml` is rewritten inside the zip — then measures:
//! 1. `saksflyt ingest` (the release binary) of the whole corpus into a new store (documents/s,
//!    MB/s, peak memory);
//! 2. the same again (everything unchanged: the hash skip);
//! 3. the DOCX part alone, and `pandoc -f docx -t json` on a sample of the same DOCX files;
//! 4. the PDF part alone, and `pdftotext -layout` on a sample of the same PDF files;
//! 5. in this process, on a sample of the same DOCX and PDF files: the reader alone, and the
//!    reader and extraction together (CPU time of this process, single-threaded), so that
//!    extraction's own cost per document sits beside the reader's;
//!
//! and prints, per CPU-second (user + system; steady on a shared machine), saksflyt read-only,
//! read + extract and ingest against pandoc (DOCX) and pdftotext (PDF) in the same run, with the
//! ratios. Peak memory and the children's CPU time come from `/usr/bin/time`.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The allocator of the `saksflyt` binary (`src/main.rs`), so that the in-process figures are
/// those of the program as shipped (why mimalloc: ARCHITECTURE.md, dependencies).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SHARE: [(&str, usize); 3] = [("docx", 70), ("pdf", 15), ("txt", 15)];
/// Files given to pandoc / pdftotext (one process each, as a user would run them).
const TOOL_SAMPLE: usize = 60;

fn main() {
    saksflyt::util::no_huge_pages();
    let total: usize = std::env::var("SAKSFLYT_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources: Vec<PathBuf> = [manifest.join("samples"), manifest.join("../shared/seeds")]
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    if sources.is_empty() {
        fail("no samples/ or ../shared/seeds to build the corpus from");
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| fail(&format!("cannot make a temporary folder: {e}")));
    // SAKSFLYT_BENCH_CORPUS=DIR builds the corpus there and keeps it (to profile the same files)
    let corpus = match std::env::var_os("SAKSFLYT_BENCH_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => tmp.path().join("corpus"),
    };

    let started = Instant::now();
    let (files, bytes) = build_corpus(&sources, &corpus, total);
    println!(
        "corpus: {files} documents, {:.1} MB from {} ({:.1} s to build)",
        mb(bytes),
        sources.iter().map(|s| s.display().to_string()).collect::<Vec<_>>().join(" and "),
        started.elapsed().as_secs_f64()
    );

    // SAKSFLYT_BENCH_INPROC=1: only the in-process read and read + extract figures (a quick
    // check while working on the reader or the rules; no ratio to a peer)
    if std::env::var_os("SAKSFLYT_BENCH_INPROC").is_some() {
        for format in ["docx", "pdf"] {
            if let Some(ip) = in_process(&corpus.join(format)) {
                println!(
                    "{format} in process: read {:.3} ms, extract {:.3} ms per document ({} files)",
                    ip.read_ms(),
                    ip.extract_ms(),
                    ip.docs
                );
            }
        }
        return;
    }

    let bin = env!("CARGO_BIN_EXE_saksflyt");
    let all = run_ingest(bin, &corpus, &tmp.path().join("all.db"));
    all.print("ingest (new store)", bytes);
    let again = run_ingest(bin, &corpus, &tmp.path().join("all.db"));
    again.print("ingest (re-run, all unchanged)", bytes);

    let docx_bytes = folder_bytes(&corpus.join("docx"));
    let docx = run_ingest(bin, &corpus.join("docx"), &tmp.path().join("docx.db"));
    docx.print("ingest DOCX only", docx_bytes);
    let pdf_bytes = folder_bytes(&corpus.join("pdf"));
    let pdf = run_ingest(bin, &corpus.join("pdf"), &tmp.path().join("pdf.db"));
    pdf.print("ingest PDF only", pdf_bytes);

    let pandoc = tool_rate("pandoc", &corpus.join("docx"), |f| {
        let mut c = Command::new("pandoc");
        c.args(["-f", "docx", "-t", "json", "-o", "/dev/null"]).arg(f);
        c
    });
    let pdftotext = tool_rate("pdftotext", &corpus.join("pdf"), |f| {
        let mut c = Command::new("pdftotext");
        c.args(["-layout"]).arg(f).arg("/dev/null");
        c
    });
    let docx_inproc = in_process(&corpus.join("docx"));
    let pdf_inproc = in_process(&corpus.join("pdf"));
    let peak = [&all, &again, &docx, &pdf].iter().filter_map(|r| r.peak_kb).max();
    if let Some(kb) = peak {
        println!("peak memory of any run: {:.1} MB (target < 200 MB)", kb as f64 / 1024.0);
    }

    println!();
    println!("documents per CPU-second, in this run (ratio = saksflyt ÷ peer):");
    for (what, peer_name, peer, inproc, ingest) in [
        ("DOCX", "pandoc -f docx -t json", pandoc, docx_inproc, &docx),
        ("PDF", "pdftotext -layout", pdftotext, pdf_inproc, &pdf),
    ] {
        let peer_cpu = peer.and_then(|(_, c)| c);
        match peer_cpu {
            Some(p) => {
                println!("  {what}: {peer_name} {p:.1} docs/CPU-s ({TOOL_SAMPLE} files, one process each)")
            }
            None => println!("  {what}: {peer_name} not installed: no ratio"),
        }
        let ratio =
            |ours: f64| peer_cpu.map_or(String::new(), |p| format!(" = {:.1}× {peer_name}", ours / p));
        if let Some(ip) = &inproc {
            println!(
                "    saksflyt read only:      {:>7.0} docs/CPU-s{}",
                ip.read_rate(),
                ratio(ip.read_rate())
            );
            println!(
                "    saksflyt read + extract: {:>7.0} docs/CPU-s{}",
                ip.extract_rate(),
                ratio(ip.extract_rate())
            );
            println!(
                "    per document: read {:.2} ms, extract {:.2} ms ({} files; extract ≤ read: {})",
                ip.read_ms(),
                ip.extract_ms(),
                ip.docs,
                if ip.extract_ms() <= ip.read_ms() { "yes" } else { "no" }
            );
        }
        if let Some(o) = ingest.docs_per_cpu_s() {
            println!("    saksflyt ingest:         {o:>7.0} docs/CPU-s{}", ratio(o));
        }
    }
}

/// CPU seconds this process has used (all threads), from `CLOCK_PROCESS_CPUTIME_ID`.
fn process_cpu() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant the kernel knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// Files of the in-process measurement (a spread sample of each part of the corpus).
const INPROC_SAMPLE: usize = 300;
/// Timed rounds over the in-process sample; the fastest counts.
const INPROC_ROUNDS: usize = 3;

/// The reader alone and reader + extraction, in this process on one thread.
struct InProcess {
    docs: usize,
    /// CPU seconds: reading all, and reading + extracting all.
    read: f64,
    read_extract: f64,
}

impl InProcess {
    fn read_rate(&self) -> f64 {
        self.docs as f64 / self.read.max(1e-9)
    }
    fn extract_rate(&self) -> f64 {
        self.docs as f64 / self.read_extract.max(1e-9)
    }
    fn read_ms(&self) -> f64 {
        1000.0 * self.read / self.docs.max(1) as f64
    }
    /// Extraction alone: read + extract less reading.
    fn extract_ms(&self) -> f64 {
        1000.0 * (self.read_extract - self.read).max(0.0) / self.docs.max(1) as f64
    }
}

fn in_process(dir: &Path) -> Option<InProcess> {
    use saksflyt::read::{read_bytes, Limits};
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).ok()?.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    let step = (files.len() / INPROC_SAMPLE).max(1);
    let inputs: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .step_by(step)
        .take(INPROC_SAMPLE)
        .filter_map(|p| Some((p.clone(), std::fs::read(&p).ok()?)))
        .collect();
    if inputs.is_empty() {
        return None;
    }
    let limits = Limits::default();
    let register = saksflyt::config::Register::default();
    // one untimed pass over every file: every pattern built and every cache warm, as in a long
    // ingest (a pattern first used by the 200th file is built once per process, not per file)
    for (p, b) in &inputs {
        if let Ok(doc) = read_bytes(p, b, &limits) {
            let source =
                saksflyt::record::Source { path: String::new(), format: doc.format, sha256: String::new() };
            std::hint::black_box(saksflyt::extract::extract(&doc, source, &register));
        }
    }
    // the fastest of a few rounds: CPU time on a shared machine only ever grows with others' load
    let (mut read, mut read_extract) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..INPROC_ROUNDS {
        let t0 = process_cpu();
        for (p, b) in &inputs {
            let _ = std::hint::black_box(read_bytes(p, b, &limits));
        }
        let t1 = process_cpu();
        for (p, b) in &inputs {
            if let Ok(doc) = read_bytes(p, b, &limits) {
                let source = saksflyt::record::Source {
                    path: p.display().to_string(),
                    format: doc.format,
                    sha256: String::new(),
                };
                std::hint::black_box(saksflyt::extract::extract(&doc, source, &register));
            }
        }
        let t2 = process_cpu();
        read = read.min(t1 - t0);
        read_extract = read_extract.min(t2 - t1);
    }
    Some(InProcess { docs: inputs.len(), read, read_extract })
}

fn fail(msg: &str) -> ! {
    eprintln!("bench: {msg}");
    std::process::exit(2)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

struct Run {
    seconds: f64,
    /// User + system CPU seconds of the child (from `/usr/bin/time`).
    cpu: Option<f64>,
    peak_kb: Option<u64>,
    summary: serde_json::Value,
}

impl Run {
    fn docs(&self) -> u64 {
        ["read", "unchanged", "failed"].iter().filter_map(|k| self.summary[k].as_u64()).sum()
    }

    fn docs_per_s(&self) -> f64 {
        self.docs() as f64 / self.seconds.max(1e-9)
    }

    /// Documents per CPU-second: less sensitive to other load on the machine.
    fn docs_per_cpu_s(&self) -> Option<f64> {
        self.cpu.map(|c| self.docs() as f64 / c.max(1e-9))
    }

    fn print(&self, what: &str, bytes: u64) {
        let s = &self.summary;
        println!(
            "{what}: {} documents in {:.2} s = {:.0} docs/s, {:.1} MB/s, peak {} (read {}, unchanged {}, failed {}; store: {} cases, {} decision points, {} plans)",
            self.docs(),
            self.seconds,
            self.docs_per_s(),
            mb(bytes) / self.seconds.max(1e-9),
            self.peak_kb.map_or("n/a".to_string(), |kb| format!("{:.1} MB", kb as f64 / 1024.0)),
            s["read"],
            s["unchanged"],
            s["failed"],
            s["store"]["cases"],
            s["store"]["decision_points"],
            s["store"]["plans"],
        );
        if let (Some(cpu), Some(rate)) = (self.cpu, self.docs_per_cpu_s()) {
            println!("  CPU: {cpu:.2} s user+system = {rate:.0} docs per CPU-second");
        }
        if let Some(n) = s["failed"].as_u64().filter(|n| *n > 0) {
            println!("  note: {n} files failed (see `saksflyt ingest` on the corpus): these figures are not full reads");
        }
    }
}

/// Run `saksflyt ingest DIR --db DB --json` under `/usr/bin/time` when present.
fn run_ingest(bin: &str, dir: &Path, db: &Path) -> Run {
    let timer = Path::new("/usr/bin/time");
    let mut cmd = if timer.is_file() {
        let mut c = Command::new(timer);
        c.args(["-f", "maxrss_kb=%M cpu=%U %S"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("ingest").arg(dir).arg("--db").arg(db).arg("--json");
    let started = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| fail(&format!("cannot run {bin}: {e}")));
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let timing = stderr.lines().rev().find_map(|l| l.strip_prefix("maxrss_kb="));
    let peak_kb = timing.and_then(|t| t.split_whitespace().next()?.parse().ok());
    let cpu = timing.and_then(|t| cpu_seconds(t.split_once("cpu=")?.1));
    let summary = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| fail(&format!("ingest printed no JSON summary ({e}): {stderr}")));
    Run { seconds, cpu, peak_kb, summary }
}

/// `"0.52 0.03"` (user, system) → 0.55.
fn cpu_seconds(s: &str) -> Option<f64> {
    s.split_whitespace().map(|x| x.parse::<f64>().ok()).sum()
}

/// Documents per wall-clock second and per CPU-second of `tool`, run once per file on up to
/// [`TOOL_SAMPLE`] files of `dir` (CPU time from `/usr/bin/time` when present).
fn tool_rate(tool: &str, dir: &Path, cmd: impl Fn(&Path) -> Command) -> Option<(f64, Option<f64>)> {
    if Command::new(tool).arg("-v").output().is_err() {
        return None;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).ok()?.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    let step = (files.len() / TOOL_SAMPLE).max(1);
    let sample: Vec<&PathBuf> = files.iter().step_by(step).take(TOOL_SAMPLE).collect();
    let timer = Path::new("/usr/bin/time").is_file();
    let started = Instant::now();
    let mut cpu = Some(0.0);
    for f in &sample {
        let inner = cmd(f);
        let mut c = if timer {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "cpu=%U %S"]).arg(inner.get_program()).args(inner.get_args());
            c
        } else {
            inner
        };
        let out = c.output().ok()?;
        if !out.status.success() {
            eprintln!("bench: {tool} failed on {}", f.display());
        }
        let used = String::from_utf8_lossy(&out.stderr)
            .lines()
            .rev()
            .find_map(|l| cpu_seconds(l.strip_prefix("cpu=")?));
        cpu = cpu.zip(used).map(|(a, b)| a + b);
    }
    let n = sample.len() as f64;
    Some((n / started.elapsed().as_secs_f64().max(1e-9), cpu.filter(|c| *c > 0.0).map(|c| n / c)))
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

/// Copy the samples and seeds into `corpus/{docx,pdf,txt}` until `total` documents exist
/// (copy `k` of the sorted originals gets rewrite `k`: the same corpus on every run); returns
/// the number of files and their total size.
fn build_corpus(sources: &[PathBuf], corpus: &Path, total: usize) -> (usize, u64) {
    let mut count = 0;
    let mut bytes = 0;
    for (ext, share) in SHARE {
        let mut originals: Vec<PathBuf> = Vec::new();
        for source in sources {
            let mut these: Vec<PathBuf> = std::fs::read_dir(source)
                .unwrap_or_else(|e| fail(&format!("cannot list {}: {e}", source.display())))
                .filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
                .collect();
            these.sort();
            originals.extend(these);
        }
        if originals.is_empty() {
            continue;
        }
        let out = corpus.join(ext);
        std::fs::create_dir_all(&out)
            .unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", out.display())));
        // DOCX takes what the rounding of the others leaves.
        let others: usize = SHARE.iter().filter(|(e, _)| *e != "docx").map(|(_, s)| total * s / 100).sum();
        let n = if ext == "docx" { total - others } else { total * share / 100 };
        for k in 0..n {
            let Some(orig) = originals.get(k % originals.len()) else { continue };
            let data =
                std::fs::read(orig).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", orig.display())));
            let copy = match ext {
                "docx" => {
                    rewrite_docx(&data, k).unwrap_or_else(|e| fail(&format!("{}: {e}", orig.display())))
                }
                "txt" => vary(&String::from_utf8_lossy(&data), k).into_bytes(),
                // A PDF's text sits in compressed streams: copies get a distinct trailing comment
                // (a changed hash), their content stays that of the sample.
                _ => {
                    let mut d = data;
                    d.extend_from_slice(format!("\n% copy {k}\n").as_bytes());
                    d
                }
            };
            let stem = orig.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
            let path = out.join(format!("{stem}-{k:05}.{ext}"));
            std::fs::write(&path, &copy)
                .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", path.display())));
            count += 1;
            bytes += copy.len() as u64;
        }
    }
    (count, bytes)
}

/// Change case numbers, years and a word of text for copy `k` (the same rewrite for DOCX XML
/// and plain text: only digits and one marker change, so the markup stays valid).
fn vary(text: &str, k: usize) -> String {
    let year_shift = (k % 20) as u32;
    let seq_shift = ((k / 20) % 50) as u32;
    let case = regex::Regex::new(r"\b(\d{1,2})([/.-])(2\d)\b").unwrap_or_else(|e| fail(&e.to_string()));
    let text = case.replace_all(text, |c: &regex::Captures| {
        let seq: u32 = c[1].parse().unwrap_or(1);
        let yy: u32 = c[3].parse().unwrap_or(25);
        format!("{}{}{:02}", (seq + seq_shift - 1) % 99 + 1, &c[2], (yy + year_shift) % 100)
    });
    let date =
        regex::Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.(20\d\d)\b").unwrap_or_else(|e| fail(&e.to_string()));
    let text = date.replace_all(&text, |c: &regex::Captures| {
        let y: u32 = c[3].parse().unwrap_or(2025);
        format!("{}.{}.{}", &c[1], &c[2], y + year_shift)
    });
    text.replacen("helsefellesskap", &format!("helsefellesskap (kopi {k})"), 1)
}

fn rewrite_docx(data: &[u8], k: usize) -> Result<Vec<u8>, String> {
    let mut zin = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| e.to_string())?;
    let mut zout = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).map_err(|e| e.to_string())?;
        if f.name() == "word/document.xml" {
            let mut xml = String::new();
            f.read_to_string(&mut xml).map_err(|e| e.to_string())?;
            zout.start_file("word/document.xml", opts).map_err(|e| e.to_string())?;
            zout.write_all(vary(&xml, k).as_bytes()).map_err(|e| e.to_string())?;
        } else {
            drop(f);
            let raw = zin.by_index_raw(i).map_err(|e| e.to_string())?;
            zout.raw_copy_file(raw).map_err(|e| e.to_string())?;
        }
    }
    Ok(zout.finish().map_err(|e| e.to_string())?.into_inner())
}
