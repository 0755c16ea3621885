//! Batch ingest: walk folders → read + extract in parallel → one writer stores in path order.
//!
//! - [`walk`] lists the files under the given paths, recursively and sorted; `.docx`, `.pdf`,
//!   `.txt` and `.md` are candidates, everything else (and hidden or Office lock files `~$…`)
//!   is skipped with a reason.
//! - [`ingest`] reads the candidates in chunks: rayon workers read, hash and extract the files of
//!   a chunk; the chunk goes over a channel to the calling thread, the single writer, which stores
//!   the records in path order, one transaction per chunk and a savepoint per document. A file
//!   whose path and SHA-256 are already stored is skipped without reading it further. A file that
//!   fails is reported with its reason and does not stop the batch.

use super::{is_document_error, Counts, PutOutcome, Store, StoreError};
use crate::config::Register;
use crate::model::Document;
use crate::read::{self, Limits};
use crate::record::{Record, Source};
use crate::{extract, util};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Files read in parallel before the writer gets them; bounds memory to a few chunks of records.
const CHUNK: usize = 32;

/// Extensions read (lower case).
pub const EXTENSIONS: &[&str] = &["docx", "pdf", "txt", "md"];

/// A file to ingest: where it is and the path it is stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub file: PathBuf,
    /// The path as given plus the part below a given folder, with `/` separators; a name that is
    /// not UTF-8 is escaped reversibly ([`util::os_name`]).
    pub key: String,
    /// Why this entry fails without being read (a sub-folder that cannot be listed, a name
    /// another file already stands under); it is reported in path order like any failure.
    pub problem: Option<String>,
}

/// A file that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Errors that stop a walk before anything is read.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: cannot list folder: {source}")]
    List { path: String, source: std::io::Error },
}

/// The candidates under `paths`, sorted by key and without duplicates, and the skipped files.
pub fn walk(paths: &[PathBuf]) -> Result<(Vec<Candidate>, Vec<Skipped>), WalkError> {
    walk_excluding(paths, &[])
}

/// [`walk`] that leaves out the folders in `exclude` (the folders saksflyt writes into, such as
/// `run --out`, so a run never reads its own output back as papers). A folder is recognised by
/// its canonical path, so `out`, `./out` and a path through a link to it are the same.
pub fn walk_excluding(
    paths: &[PathBuf],
    exclude: &[PathBuf],
) -> Result<(Vec<Candidate>, Vec<Skipped>), WalkError> {
    let exclude: Vec<PathBuf> = exclude.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let mut found = BTreeMap::new();
    let mut skipped = Vec::new();
    for p in paths {
        let key = display_key(p);
        let meta = std::fs::metadata(p).map_err(|_| WalkError::NotFound { path: key.clone() })?;
        if meta.is_dir() && is_excluded(p, &exclude) {
            skipped.push(Skipped { path: key, reason: OUTPUT_FOLDER.into() });
        } else if meta.is_dir() {
            // the folder given itself must be listable: that is a usage error
            let entries = list(p).map_err(|source| WalkError::List { path: key.clone(), source })?;
            walk_dir(entries, &key, &exclude, &mut found, &mut skipped);
        } else {
            consider(p.clone(), key, &mut found, &mut skipped);
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.dedup();
    let candidates =
        found.into_iter().map(|(key, (file, problem))| Candidate { file, key, problem }).collect();
    Ok((candidates, skipped))
}

/// A folder's entries as (name as text, path), sorted by name.
fn list(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        entries.push((util::os_name(&e.file_name()).into_owned(), e.path()));
    }
    entries.sort();
    Ok(entries)
}

type Found = BTreeMap<String, (PathBuf, Option<String>)>;

/// Why an output folder is not walked.
const OUTPUT_FOLDER: &str = "output folder of saksflyt (not read as papers)";

fn is_excluded(dir: &Path, exclude: &[PathBuf]) -> bool {
    !exclude.is_empty() && std::fs::canonicalize(dir).is_ok_and(|c| exclude.contains(&c))
}

fn walk_dir(
    entries: Vec<(String, PathBuf)>,
    key: &str,
    exclude: &[PathBuf],
    found: &mut Found,
    skipped: &mut Vec<Skipped>,
) {
    for (name, path) in entries {
        let child_key = if key.is_empty() || key == "." { name.clone() } else { format!("{key}/{name}") };
        // Symlinked folders are not followed (no loops); symlinked files are read.
        let is_link_dir =
            std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) && path.is_dir();
        if is_link_dir {
            skipped.push(Skipped { path: child_key, reason: "symbolic link to a folder".into() });
        } else if path.is_dir() {
            if name.starts_with('.') {
                continue;
            }
            if is_excluded(&path, exclude) {
                skipped.push(Skipped { path: child_key, reason: OUTPUT_FOLDER.into() });
                continue;
            }
            match list(&path) {
                Ok(entries) => walk_dir(entries, &child_key, exclude, found, skipped),
                // an unreadable sub-folder fails alone; the rest of the walk goes on
                Err(e) => {
                    found.insert(child_key, (path, Some(format!("cannot list folder: {e}"))));
                }
            }
        } else {
            consider(path, child_key, found, skipped);
        }
    }
}

fn consider(file: PathBuf, key: String, found: &mut Found, skipped: &mut Vec<Skipped>) {
    let name = file.file_name().map(|n| util::os_name(n).into_owned()).unwrap_or_default();
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_ascii_lowercase();
    if name.starts_with("~$") || name.starts_with('.') {
        skipped.push(Skipped { path: key, reason: "hidden or lock file".into() });
    } else if stem == "readme" && matches!(ext.as_str(), "md" | "txt" | "") {
        skipped.push(Skipped { path: key, reason: "a README (notes about the folder, not a paper)".into() });
    } else if !EXTENSIONS.contains(&ext.as_str()) {
        let what = if ext.is_empty() { "no extension".to_string() } else { format!(".{ext}") };
        skipped.push(Skipped { path: key, reason: format!("unsupported file type ({what})") });
    } else if let Some((other, _)) = found.get(&key) {
        if *other != file {
            // only a UTF-8 name that spells another's escape can get here: never drop silently
            let problem = format!("its stored name {key:?} is already taken by another file");
            let mut k = format!("{key} (2)");
            let mut n = 2;
            while found.contains_key(&k) {
                n += 1;
                k = format!("{key} ({n})");
            }
            found.insert(k, (file, Some(problem)));
        }
    } else {
        found.insert(key, (file, None));
    }
}

/// The stored form of a path given on the command line: `/` separators, no leading `./`.
pub fn display_key(p: &Path) -> String {
    let s = match p.to_str() {
        Some(s) => s.replace('\\', "/"),
        None => util::os_name(p.as_os_str()).into_owned(),
    };
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.trim_start_matches('/');
    }
    let s = s.trim_end_matches('/');
    if s.is_empty() {
        ".".to_string()
    } else {
        s.to_string()
    }
}

/// Ingest settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limits: Limits,
    /// Read and extract every file even when its hash is stored (a changed record still replaces
    /// the old one; an equal record changes nothing).
    pub force: bool,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Read and stored (new, or replacing an older version).
    Stored { replaced: bool, warnings: usize },
    /// Path and content already stored.
    Unchanged,
    /// Not read: not a paper (a document saksflyt wrote); the reason.
    Skipped(String),
    /// Could not be read or stored; the reason.
    Failed(String),
}

/// Progress events for the caller (the CLI's progress bar).
#[derive(Debug)]
pub enum Event<'a> {
    /// The walk is done: this many files will be looked at.
    Start { total: usize },
    /// One file is done.
    File { path: &'a str, outcome: &'a Outcome },
}

/// The result of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Documents read and stored in this run (new or changed).
    pub read: usize,
    /// Of those, how many replaced an older version.
    pub replaced: usize,
    /// Files whose path and content were already stored.
    pub unchanged: usize,
    /// Files not read (unsupported type, hidden, lock files).
    pub unsupported: usize,
    pub failed: usize,
    /// Warnings in the records stored in this run.
    pub warnings: usize,
    pub skipped: Vec<Skipped>,
    pub failures: Vec<Skipped>,
    /// The store's totals after the run.
    pub store: Counts,
}

/// Result of the parallel stage for one file.
enum Work {
    /// The record and its JSON.
    Record(Box<Record>, String),
    Unchanged,
    /// Not a paper (a document saksflyt wrote); the reason.
    Skipped(String),
    Failed(String),
}

/// Read, extract and store `candidates` (from [`walk`]); `skipped` is carried into the summary.
/// Only a failing database stops the batch; a record the database refuses (too big, a
/// constraint) fails alone.
pub fn ingest(
    store: &mut Store,
    candidates: &[Candidate],
    skipped: Vec<Skipped>,
    register: &Register,
    options: &Options,
    progress: &mut dyn FnMut(Event),
) -> Result<Summary, StoreError> {
    store.set_register(register);
    // SQLite's temporary files in memory: each record is written in a savepoint, and every
    // statement of it that changes rows in a transaction keeps the pages it changes in a
    // statement journal, by default a file (about 75 writes per document went there)
    store.conn.execute_batch("PRAGMA temp_store = MEMORY")?;
    let known = store.known_documents()?;
    let register = &Arc::new(register.clone());
    let mut summary = Summary { unsupported: skipped.len(), skipped, ..Summary::default() };
    progress(Event::Start { total: candidates.len() });

    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Work>>(2);
    let result = std::thread::scope(|scope| {
        let known = &known;
        scope.spawn(move || {
            for chunk in candidates.chunks(CHUNK) {
                let done: Vec<Work> =
                    chunk.par_iter().map(|c| process(c, known.get(&c.key), register, options)).collect();
                if tx.send(done).is_err() {
                    break; // The writer stopped (database error).
                }
            }
        });
        let mut next = candidates.iter();
        let mut write = |summary: &mut Summary, progress: &mut dyn FnMut(Event)| -> Result<(), StoreError> {
            for works in rx.iter() {
                // one transaction per chunk, a savepoint per record (`Store::begin_batch`); on a
                // database error the records stored before it are still committed
                store.begin_batch()?;
                let stored = store_chunk(store, works, &mut next, summary, progress);
                let committed = store.end_batch();
                stored?;
                committed?;
            }
            Ok(())
        };
        let r = write(&mut summary, progress);
        drop(rx);
        r
    });
    result?;
    summary.store = store.counts()?;
    Ok(summary)
}

/// Store the results of one chunk, in path order, and report each file.
fn store_chunk<'a>(
    store: &mut Store,
    works: Vec<Work>,
    next: &mut impl Iterator<Item = &'a Candidate>,
    summary: &mut Summary,
    progress: &mut dyn FnMut(Event),
) -> Result<(), StoreError> {
    for work in works {
        let Some(c) = next.next() else { break };
        let outcome = match work {
            Work::Unchanged => Outcome::Unchanged,
            Work::Skipped(reason) => Outcome::Skipped(reason),
            Work::Failed(reason) => Outcome::Failed(reason),
            Work::Record(rec, json) => match store.put_record_json(&rec, &json) {
                Ok(PutOutcome::Unchanged) => Outcome::Unchanged,
                Ok(o) => {
                    Outcome::Stored { replaced: o == PutOutcome::Replaced, warnings: rec.warnings.len() }
                }
                // this record cannot be stored (too big, a constraint): it fails
                // alone; any other database error stops the batch
                Err(e) if is_document_error(&e) => Outcome::Failed(format!("cannot store: {e}")),
                Err(e) => return Err(e),
            },
        };
        match &outcome {
            Outcome::Stored { replaced, warnings } => {
                summary.read += 1;
                summary.replaced += usize::from(*replaced);
                summary.warnings += warnings;
            }
            Outcome::Unchanged => summary.unchanged += 1,
            Outcome::Skipped(reason) => {
                summary.unsupported += 1;
                summary.skipped.push(Skipped { path: c.key.clone(), reason: reason.clone() });
            }
            Outcome::Failed(reason) => {
                summary.failed += 1;
                summary.failures.push(Skipped { path: c.key.clone(), reason: reason.clone() });
            }
        }
        progress(Event::File { path: &c.key, outcome: &outcome });
    }
    Ok(())
}

/// Why a generated document is not read as a paper.
pub const WRITTEN_BY_SAKSFLYT: &str =
    "written by saksflyt (a generated document, unchanged since; not read as a paper)";

/// Read, hash and extract one file (runs on a rayon worker; never panics outward).
fn process(c: &Candidate, known_sha: Option<&String>, register: &Arc<Register>, options: &Options) -> Work {
    if let Some(problem) = &c.problem {
        return Work::Failed(problem.clone());
    }
    let limits = &options.limits;
    let bytes = match read::load(&c.file, limits) {
        Ok(b) => b,
        Err(e) => return Work::Failed(e.to_string()),
    };
    let sha256 = util::sha256_hex(&bytes);
    if !options.force && known_sha == Some(&sha256) {
        return Work::Unchanged;
    }
    // a zip's directory is read once here, for both the check and the estimate
    let entries = if bytes.starts_with(b"PK") {
        let entries = util::zip_entries(&bytes, read::docx::package::MAX_ZIP_ENTRIES).ok();
        if written_by_saksflyt(&bytes, entries.as_deref(), limits) {
            return Work::Skipped(WRITTEN_BY_SAKSFLYT.into());
        }
        entries
    } else {
        None
    };
    // wait until the working memory of the files in flight leaves room for this one
    let _permit = ADMISSION.acquire(estimate(&c.file, &bytes, entries.as_deref(), limits));
    let read = catch_unwind(AssertUnwindSafe(|| read::read_bytes(&c.file, &bytes, limits)));
    drop(bytes);
    let doc = match read {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => return Work::Failed(e.to_string()),
        Err(_) => return Work::Failed("reader failed unexpectedly (panic)".into()),
    };
    let source = Source { path: c.key.clone(), format: doc.format, sha256 };
    match extract_within_json(doc, source, register, limits) {
        Ok((rec, json)) => Work::Record(Box::new(rec), json),
        Err(e) => Work::Failed(e),
    }
}

/// Working memory admitted at once over the files read in parallel, in bytes. Whatever the number
/// of cores, files whose estimated working memory ([`working_memory`]) would pass this wait until
/// others finish (one file is always admitted, so nothing waits forever).
pub const MEMORY_BUDGET: u64 = 256 * 1024 * 1024;

static ADMISSION: Admission = Admission { used: Mutex::new(0), freed: Condvar::new() };

struct Admission {
    used: Mutex<u64>,
    freed: Condvar,
}

struct Permit(u64);

impl Admission {
    fn acquire(&'static self, want: u64) -> Permit {
        let want = want.min(MEMORY_BUDGET);
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used > 0 && *used + want > MEMORY_BUDGET {
            used = self.freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += want;
        Permit(want)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut used = ADMISSION.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(self.0);
        ADMISSION.freed.notify_all();
    }
}

/// Estimated peak working memory of reading and extracting a file: for DOCX eight times the
/// declared size of its XML parts (the tree of a part of empty elements takes about six times
/// its text while its vectors grow; declared sizes are checked again while inflating), for text
/// six times the file (decoded text, lines, blocks), for PDF four times the file plus 8 MB.
pub fn working_memory(path: &Path, bytes: &[u8], limits: &Limits) -> u64 {
    let entries = util::zip_entries(bytes, read::docx::package::MAX_ZIP_ENTRIES).ok();
    estimate(path, bytes, entries.as_deref(), limits)
}

/// [`working_memory`] with the zip's directory already read (`None`: not a zip, or one whose
/// directory cannot be read, which the reader refuses: its XML counts as nothing).
fn estimate(path: &Path, bytes: &[u8], entries: Option<&[util::ZipEntry]>, limits: &Limits) -> u64 {
    let len = bytes.len() as u64;
    let head = &bytes[..bytes.len().min(1024)];
    match read::detect(path, head) {
        Ok(crate::model::Format::Docx) => {
            let xml = entries
                .unwrap_or_default()
                .iter()
                .filter(|e| e.name.ends_with(b".xml"))
                .map(|e| e.size.min(limits.max_part_bytes))
                .fold(0u64, u64::saturating_add);
            len.saturating_add(xml.min(limits.max_unzipped_bytes).saturating_mul(8))
        }
        Ok(crate::model::Format::Pdf) => len.saturating_mul(4).saturating_add(8 << 20),
        _ => len.saturating_mul(6).saturating_add(1 << 20),
    }
}

/// The core-properties part a generated document carries its mark in.
const CORE_PART: &[u8] = b"docprops/core.xml";

/// Whether a zip is a document saksflyt wrote, unchanged since
/// ([`read::docx::written_by_saksflyt`]). Nearly every paper says no in its core properties, so
/// those are looked at first from the directory already read (`entries`): a package whose
/// core properties are missing or lack [`util::WRITTEN_MARK`] is no such document, without
/// the zip library reading the whole directory again. Anything else (the mark found, a part
/// that cannot be inflated here) is left to the full check.
fn written_by_saksflyt(bytes: &[u8], entries: Option<&[util::ZipEntry]>, limits: &Limits) -> bool {
    if let Some(entries) = entries {
        // part names as the reader takes them: leading `/`s trimmed, case ignored
        let core = || {
            entries.iter().filter(|e| {
                let start = e.name.iter().position(|&b| b != b'/').unwrap_or(e.name.len());
                e.name[start..].eq_ignore_ascii_case(CORE_PART)
            })
        };
        let unmarked = |e: &util::ZipEntry| -> bool {
            inflate_entry(bytes, e, limits.max_part_bytes)
                .is_some_and(|xml| memchr::memmem::find(&xml, util::WRITTEN_MARK.as_bytes()).is_none())
        };
        if core().all(unmarked) {
            return false;
        }
    }
    read::docx::written_by_saksflyt(bytes, limits)
}

/// The inflated content of one zip entry, read from its local header; `None` when it cannot be
/// read here (damaged, encrypted, another method, past `max` bytes).
fn inflate_entry(bytes: &[u8], e: &util::ZipEntry, max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    if e.size > max {
        return None;
    }
    let mut at = std::io::Cursor::new(bytes.get(e.local_header..)?);
    let file =
        zip::read::read_zipfile_from_stream_with_compressed_size(&mut at, e.compressed_size).ok()??;
    // (the declared size reserved only up to a small part's: the declaration may lie)
    let mut out = Vec::with_capacity(e.size.min(1 << 20) as usize);
    file.take(max + 1).read_to_end(&mut out).ok()?;
    (out.len() as u64 <= max).then_some(out)
}

/// Extract a record within the time budget (`limits.max_millis`; reading has its own bound of
/// the same length, which the PDF reader extends by the time OCR took) and check its size
/// (`limits.max_record_bytes` as JSON).
///
/// Extraction is pure and cannot be interrupted, so it runs on a thread of its own: each calling
/// thread keeps one long-lived extraction thread ([`ExtractionThread`]), so a batch does not
/// start a thread per file and the regex engines' per-thread caches stay warm from file to file.
/// When the budget runs out the file fails with a message naming the limit and the batch goes
/// on: the caller forgets that thread (it finishes in the background, its result is dropped and
/// it ends) and starts a new one for the next file. A panic is caught and reported.
pub fn extract_within(
    doc: Document,
    source: Source,
    register: &Arc<Register>,
    limits: &Limits,
) -> Result<Record, String> {
    extract_within_json(doc, source, register, limits).map(|(rec, _)| rec)
}

/// [`extract_within`], and the record as JSON (`serde_json::to_string`, made to check its size),
/// which ingest stores as it is.
pub fn extract_within_json(
    doc: Document,
    source: Source,
    register: &Arc<Register>,
    limits: &Limits,
) -> Result<(Record, String), String> {
    let left = Duration::from_millis(limits.max_millis);
    let job = Job { doc, source, register: Arc::clone(register) };
    let rec = EXTRACTION_THREAD.with(|slot| {
        let mut slot = slot.borrow_mut();
        let thread = match &mut *slot {
            Some(thread) => thread,
            empty => empty.insert(ExtractionThread::start()?),
        };
        if thread.jobs.send(job).is_err() {
            *slot = None;
            return Err("extraction failed unexpectedly".into());
        }
        match thread.results.recv_timeout(left) {
            Ok(Ok(rec)) => Ok(rec),
            Ok(Err(())) => Err("extraction failed unexpectedly (panic)".into()),
            Err(RecvTimeoutError::Timeout) => {
                // the thread is still busy with this file: leave it to finish alone
                *slot = None;
                Err(format!("over the per-file budget: extraction took longer than {} ms", limits.max_millis))
            }
            Err(RecvTimeoutError::Disconnected) => {
                *slot = None;
                Err("extraction failed unexpectedly".into())
            }
        }
    })?;
    let json = serde_json::to_string(&rec).map_err(|e| format!("cannot write the record as JSON: {e}"))?;
    let size = json.len() as u64;
    if size > limits.max_record_bytes {
        return Err(format!(
            "over the per-file budget: the extracted record is {size} bytes as JSON, over the limit of {} bytes",
            limits.max_record_bytes
        ));
    }
    Ok((rec, json))
}

/// One file's extraction, sent to an [`ExtractionThread`].
struct Job {
    doc: Document,
    source: Source,
    register: Arc<Register>,
}

/// A long-lived thread that extracts the files its caller sends, one at a time.
struct ExtractionThread {
    jobs: SyncSender<Job>,
    results: Receiver<Result<Record, ()>>,
}

impl ExtractionThread {
    fn start() -> Result<Self, String> {
        let (jobs, job_rx) = std::sync::mpsc::sync_channel::<Job>(1);
        let (result_tx, results) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("extract".into())
            .spawn(move || {
                // ends when the caller drops its end (its thread ended, or it gave up on a file)
                for Job { doc, source, register } in job_rx {
                    let rec = catch_unwind(AssertUnwindSafe(|| extract::extract(&doc, source, &register)));
                    drop(doc);
                    if result_tx.send(rec.map_err(|_| ())).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| format!("cannot start extraction: {e}"))?;
        Ok(ExtractionThread { jobs, results })
    }
}

thread_local! {
    /// The extraction thread of the calling thread (a rayon worker of ingest, or the main thread).
    static EXTRACTION_THREAD: RefCell<Option<ExtractionThread>> = const { RefCell::new(None) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;

    fn paper(lines: usize) -> Document {
        let text: String = (1..=lines)
            .map(|i| format!("Sak {i}/26 Oppfølging av sak {i}/25\nVedtak:\n1. Tiltaket videreføres innen 01.06.2026.\n"))
            .collect();
        read::read_bytes(Path::new("paper.txt"), text.as_bytes(), &Limits::default()).expect("text reads")
    }

    fn source(path: &str) -> Source {
        Source { path: path.into(), format: Format::Text, sha256: String::new() }
    }

    /// A package of deflated parts.
    fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            z.start_file(*name, o).expect("part");
            z.write_all(data).expect("write");
        }
        z.finish().expect("zip").into_inner()
    }

    #[test]
    fn the_generated_document_check_from_the_directory_agrees_with_the_readers() {
        let main: &[u8] = b"<w:document>body</w:document>";
        let marked = format!("<cp:keywords>{}{}</cp:keywords>", util::WRITTEN_MARK, util::sha256_hex(main));
        let other = format!("<cp:keywords>{}{}</cp:keywords>", util::WRITTEN_MARK, util::sha256_hex(b"x"));
        let cases: [(&str, Vec<u8>, bool); 6] = [
            ("no core properties", package(&[("word/document.xml", main)]), false),
            (
                "no mark",
                package(&[("docProps/core.xml", b"<cp:coreProperties/>"), ("word/document.xml", main)]),
                false,
            ),
            (
                "mark, body unchanged",
                package(&[("docProps/core.xml", marked.as_bytes()), ("word/document.xml", main)]),
                true,
            ),
            (
                "mark, body changed",
                package(&[("docProps/core.xml", other.as_bytes()), ("word/document.xml", main)]),
                false,
            ),
            (
                "part name in other case",
                package(&[("/DOCPROPS/Core.xml", marked.as_bytes()), ("word/document.xml", main)]),
                true,
            ),
            (
                "two core parts",
                package(&[
                    ("docProps/core.xml", b"<x/>"),
                    ("DOCPROPS/CORE.XML", marked.as_bytes()),
                    ("word/document.xml", main),
                ]),
                false,
            ),
        ];
        let limits = Limits::default();
        for (what, bytes, want) in &cases {
            let entries = util::zip_entries(bytes, 100).expect(what);
            assert_eq!(read::docx::written_by_saksflyt(bytes, &limits), *want, "reader: {what}");
            assert_eq!(written_by_saksflyt(bytes, Some(&entries), &limits), *want, "{what}");
            assert_eq!(written_by_saksflyt(bytes, None, &limits), *want, "{what} (no directory)");
        }
    }

    #[test]
    fn a_file_given_up_on_does_not_answer_for_the_next() {
        let register = Arc::new(Register::default());
        // no time at all: the caller gives up on the file while its thread is still at it
        let none = Limits { max_millis: 0, ..Limits::default() };
        let first = extract_within(paper(2_000), source("first.txt"), &register, &none);
        assert!(first.as_ref().is_err_and(|e| e.contains("took longer")), "{first:?}");
        // the next file on this thread gets a new extraction thread and its own record
        let second = extract_within(paper(2), source("second.txt"), &register, &Limits::default());
        assert_eq!(second.map(|r| r.source.path), Ok("second.txt".to_string()));
        let third = extract_within(paper(1), source("third.txt"), &register, &Limits::default());
        assert_eq!(third.map(|r| r.source.path), Ok("third.txt".to_string()));
    }
}
