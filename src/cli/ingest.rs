//! `saksflyt ingest`, `log`, `export`: flags, terminal output and exit codes over
//! [`saksflyt::store`].

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use saksflyt::record::{LogEntry, PointKind};
use saksflyt::store::ingest::{self, Event, Outcome};
use saksflyt::store::{LogFilter, Store};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt ingest samples --db saksflyt.db\n  saksflyt ingest ~/papers/2025 ~/papers/2026 --db saksflyt.db --json\n\n`saksflyt run` does this and writes the documents too."
)]
pub struct IngestArgs {
    /// Files or folders to ingest (folders are walked recursively; .docx, .pdf, .txt, .md)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The store (created if missing)
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
    /// Committee register (default: ./saksflyt.toml if present, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the summary as JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// Keep going when a file fails (the default; failures give exit code 1)
    #[arg(long, default_value_t = true, hide = true)]
    pub keep_going: bool,
    /// Re-read files even when their content is already stored
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt log --db out/saksflyt.db\n  saksflyt log --committee SSU --open\n  saksflyt log --open --json > open.json"
)]
pub struct LogArgs {
    /// The store (default: ./saksflyt.db, else the newest `run` output folder's DIR/saksflyt.db)
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Only this committee (code such as ASU, or a part of its name)
    #[arg(long)]
    pub committee: Option<String>,
    /// Only entries that still need action (status open or overdue)
    #[arg(long)]
    pub open: bool,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt export --db out/saksflyt.db --jsonl records.jsonl\n  saksflyt export --jsonl - | head -1"
)]
pub struct ExportArgs {
    /// The store (default: ./saksflyt.db, else the newest `run` output folder's DIR/saksflyt.db)
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Write all records as JSON Lines to FILE (`-` for stdout)
    #[arg(long, value_name = "FILE")]
    pub jsonl: PathBuf,
}

pub fn run(a: IngestArgs) -> anyhow::Result<ExitCode> {
    super::return_freed_memory_soon();
    let started = std::time::Instant::now();
    let quiet = super::quiet();
    let Some((candidates, skipped)) = walk_or_report(&a.paths, &[]) else {
        return Ok(ExitCode::from(2));
    };
    let register = super::load_config_unannounced(a.config.as_deref())?;
    let mut store = Store::open(&a.db).with_context(|| format!("cannot open store {}", a.db.display()))?;
    super::announce_config();
    let options = ingest::Options { force: a.force, ..ingest::Options::default() };

    let summary = {
        let bar = Bar::new(!quiet && !a.json);
        let mut progress = |ev: Event| bar.event(ev);
        ingest::ingest(&mut store, &candidates, skipped, &register, &options, &mut progress)?
    };
    let elapsed = started.elapsed();
    let review_dir = a.db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // the facts the reports read, derived once now that the records changed
    store.refresh_facts()?;
    let review = review(&store, &summary, review_dir, quiet || a.json)?;

    if a.json {
        let mut v = serde_json::to_value(&summary)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("elapsed_ms".into(), serde_json::json!(elapsed.as_millis() as u64));
            o.insert("db".into(), serde_json::json!(a.db.display().to_string()));
            o.insert("review".into(), serde_json::json!(review));
        }
        print_out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
    } else if !quiet {
        print_skipped(&summary);
        let c = &summary.store;
        let mut text = format!(
            "documents: {} read ({} replaced), {} skipped ({} unchanged, {} unsupported), {} failed\n",
            summary.read,
            summary.replaced,
            summary.unchanged + summary.unsupported,
            summary.unchanged,
            summary.unsupported,
            summary.failed
        );
        text.push_str(&format!(
            "store {}: {} documents, {} cases, {} decision points, {} plans, {} warnings; {:.2} s\n",
            a.db.display(),
            c.documents,
            c.cases,
            c.decision_points,
            c.plans,
            c.warnings,
            elapsed.as_secs_f64()
        ));
        print_out(&text)?;
    }
    Ok(if summary.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The progress of an ingest on a terminal: a bar with the file being read, failures printed
/// above it. Nothing when stderr is not a terminal or when quiet (failures are still printed).
pub(super) struct Bar(Option<ProgressBar>);

impl Bar {
    pub(super) fn new(show: bool) -> Bar {
        Bar((show && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template("reading {bar:30} {pos}/{len} {wide_msg}") {
                bar.set_style(style);
            }
            bar
        }))
    }

    pub(super) fn event(&self, ev: Event) {
        match ev {
            Event::Start { total } => {
                if let Some(b) = &self.0 {
                    b.set_length(total as u64);
                }
            }
            Event::File { path, outcome } => {
                if let Outcome::Failed(reason) = outcome {
                    let line =
                        saksflyt::util::escape_controls(&format!("saksflyt: {path}: {reason}")).into_owned();
                    match &self.0 {
                        Some(b) => b.suspend(|| eprintln!("{line}")),
                        None => eprintln!("{line}"),
                    }
                }
                if let Some(b) = &self.0 {
                    b.set_message(saksflyt::util::escape_controls(path).into_owned());
                    b.inc(1);
                }
            }
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// What a user does about a file that was skipped or could not be read.
pub(super) fn advice(path: &str, reason: &str) -> String {
    let ext = Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let convert = format!(
        "save it as .docx in Word (File › Save As › Word Document), or convert it: soffice --headless --convert-to docx \"{path}\" — then run again"
    );
    if reason.contains("legacy .doc")
        || matches!(ext.as_str(), "doc" | "rtf" | "odt" | "wpd" | "wps" | "pages" | "dot")
    {
        return convert;
    }
    if matches!(ext.as_str(), "xls" | "xlsx" | "ods" | "csv" | "ppt" | "pptx" | "odp") {
        return "spreadsheets and slides are not read: if it is a paper, save it as .docx or PDF".into();
    }
    if reason.contains("README")
        || reason.contains("hidden or lock")
        || reason.contains("output folder of saksflyt")
    {
        return "not a paper: nothing to do".into();
    }
    if reason.contains("symbolic link") {
        return "folders behind links are not followed: give the folder itself".into();
    }
    if reason.starts_with("unsupported file type") {
        return "not a paper (only .docx, .pdf, .txt and .md are read): nothing to do, or save the paper as .docx or PDF".into();
    }
    if reason.contains("needs a password") {
        return "ask the sender for a copy without a password (or print it to a new PDF)".into();
    }
    if reason.contains("empty") || reason.contains("truncated") {
        return "copy the file again from where it came from; if it opens in Word, save it again".into();
    }
    if reason.contains("no %PDF") || reason.contains("zip header") {
        return "the file is not what its name says: open it and save it again as .docx or PDF".into();
    }
    "open the file to check it; if it opens, save it again as .docx or PDF and run again".into()
}

/// The skipped files on stderr, one line per kind of file, every file named.
pub(super) fn print_skipped(summary: &ingest::Summary) {
    let mut by: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    for s in &summary.skipped {
        by.entry(s.reason.as_str()).or_default().push(s.path.as_str());
    }
    for (reason, paths) in by {
        let what = advice(paths[0], reason);
        eprintln!(
            "{}",
            saksflyt::util::escape_controls(&format!(
                "skipped {} ({reason}; {what}): {}",
                paths.len(),
                paths.join(", ")
            ))
        );
    }
}

/// Where a value was read, in the file's own terms (`line 48`, `page 2`, `paragraph 12`): the
/// file is read again to map the block to its place; `block N` if it cannot be.
fn places(file: &str) -> impl Fn(saksflyt::record::At) -> String {
    let doc = saksflyt::read::read_file(Path::new(file), &saksflyt::read::Limits::default()).ok();
    move |at| {
        let pos = doc.as_ref().and_then(|d| d.blocks.get(at.block as usize).map(|b| (d.format, b.pos())));
        match (pos, at.page) {
            (_, Some(p)) => format!("page {p}"),
            (Some((_, pos)), None) if pos.page.is_some() => format!("page {}", pos.page.unwrap_or(1)),
            (Some((saksflyt::model::Format::Text, pos)), None) => format!("line {}", pos.index),
            (Some((_, pos)), None) => format!("paragraph {}", pos.index + 1),
            (None, None) => format!("block {}", at.block),
        }
    }
}

/// The review list (`extract::review`) of the stored records, then every file this run could
/// not read and every file it skipped, each with what to do: written to `DIR/review.csv`
/// (atomically, always, so an empty list clears an old one) and, unless `quiet`, the papers'
/// findings and the failures listed on stderr. Returns how many rows there are.
pub(super) fn review(
    store: &Store,
    summary: &ingest::Summary,
    dir: &Path,
    quiet: bool,
) -> anyhow::Result<usize> {
    use saksflyt::extract::review::{check_with, csv, Finding};
    // one paper, one finding: a paper kept as DOCX, PDF and text is reviewed in its best form
    // (the store's papers; only those with something to review are read)
    let mut findings: Vec<Finding> = Vec::new();
    for r in &store.papers_to_review()? {
        findings.extend(check_with(r, &places(&r.source.path)));
    }
    // what the evaluation forms filled in and could not be applied, and why
    findings.extend(store.form_findings()?);
    let paper_findings = findings.len();
    for f in &summary.failures {
        findings.push(Finding {
            file: f.path.clone(),
            missing: format!("not read: {}", f.reason),
            look_at: advice(&f.path, &f.reason),
        });
    }
    for s in &summary.skipped {
        findings.push(Finding {
            file: s.path.clone(),
            missing: format!("skipped: {}", s.reason),
            look_at: advice(&s.path, &s.reason),
        });
    }
    let path = dir.join("review.csv");
    saksflyt::util::write_atomic(&path, csv(&findings).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if !quiet && paper_findings > 0 {
        let papers: std::collections::BTreeSet<&str> =
            findings[..paper_findings].iter().map(|f| f.file.as_str()).collect();
        let n = papers.len();
        eprintln!(
            "needs review: {n} {} ({paper_findings} {}; the list is in {}):",
            if n == 1 { "paper" } else { "papers" },
            if paper_findings == 1 { "finding" } else { "findings" },
            path.strip_prefix(".").unwrap_or(&path).display()
        );
        for f in &findings[..paper_findings] {
            eprintln!(
                "{}",
                saksflyt::util::escape_controls(&format!(
                    "  {}: {} — look at {}",
                    f.file, f.missing, f.look_at
                ))
            );
        }
    }
    Ok(findings.len())
}

/// Write to stdout; a closed pipe (`saksflyt log | head`) is not an error.
fn print_out(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Open an existing store (reading commands do not create one).
fn open_existing(db: &Path) -> anyhow::Result<Store> {
    if !db.is_file() {
        anyhow::bail!(
            "no store at {}: run `saksflyt run PAPERS --out DIR` first (it writes DIR/saksflyt.db)",
            db.display()
        );
    }
    Store::open(db).with_context(|| format!("cannot open store {}", db.display()))
}

pub fn log(a: LogArgs) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(&super::find_db(a.db.as_deref())?)?;
    // stale and locked by a running ingest: `decision_log` derives from the records instead
    super::reports::refresh_facts(&mut store)?;
    let filter = LogFilter { committee: a.committee.clone(), open_only: a.open };
    // streamed: the whole log of a large store is never held, neither as entries nor as text
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if a.json {
        write_log_json(&store, &filter, &mut out)
    } else {
        write_log_table(&store, &filter, &mut out)
    }
    .and_then(|()| out.flush().map_err(stdout_error));
    match written {
        // a closed pipe (`saksflyt log | head`) is not an error
        Err(saksflyt::store::StoreError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r?,
    }
    Ok(ExitCode::SUCCESS)
}

fn stdout_error(source: std::io::Error) -> saksflyt::store::StoreError {
    saksflyt::store::StoreError::Io { path: "stdout".into(), source }
}

/// The log as `serde_json::to_string_pretty` writes the array of its entries, one entry at a
/// time: each entry pretty-printed on its own and indented one level (its strings hold no
/// raw line breaks, so indenting its lines is the array's indentation).
fn write_log_json(
    store: &Store,
    filter: &LogFilter,
    out: &mut dyn std::io::Write,
) -> Result<(), saksflyt::store::StoreError> {
    let mut n = 0usize;
    store.each_log_entry(filter, &mut |e| {
        let json =
            serde_json::to_string_pretty(&e).map_err(|err| stdout_error(std::io::Error::other(err)))?;
        let mut text = String::with_capacity(json.len() + json.len() / 8 + 4);
        text.push_str(if n == 0 { "[\n" } else { ",\n" });
        for (i, line) in json.split('\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str("  ");
            text.push_str(line);
        }
        n += 1;
        out.write_all(text.as_bytes()).map_err(stdout_error)
    })?;
    out.write_all(if n == 0 { b"[]\n" } else { b"\n]\n" }).map_err(stdout_error)
}

/// The log as a plain-text table ([`log_row`]), one entry at a time.
fn write_log_table(
    store: &Store,
    filter: &LogFilter,
    out: &mut dyn std::io::Write,
) -> Result<(), saksflyt::store::StoreError> {
    let mut text = String::new();
    push_row(&mut text, &LOG_HEADER.map(str::to_string), &LOG_WIDTH);
    push_row(&mut text, &LOG_WIDTH.map(|w| "-".repeat(w)), &LOG_WIDTH);
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    let mut n = 0usize;
    store.each_log_entry(filter, &mut |e| {
        n += 1;
        out.write_all(log_row(&e).as_bytes()).map_err(stdout_error)
    })?;
    out.write_all(format!("{n} entries\n").as_bytes()).map_err(stdout_error)
}

pub fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing(&super::find_db(a.db.as_deref())?)?;
    // the stored JSON of each record, streamed (the store may be larger than memory)
    if a.jsonl.as_os_str() == "-" {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let written = store.write_records_jsonl(&mut out).and_then(|()| {
            out.flush().map_err(|source| saksflyt::store::StoreError::Io { path: "stdout".into(), source })
        });
        match written {
            // a closed pipe (`saksflyt export --jsonl - | head`) is not an error
            Err(saksflyt::store::StoreError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        }
    } else {
        saksflyt::util::write_atomic_with(&a.jsonl, |f| {
            let mut w = std::io::BufWriter::new(f);
            store.write_records_jsonl(&mut w).map_err(std::io::Error::other)?;
            w.flush()
        })
        .with_context(|| format!("cannot write {}", a.jsonl.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The files under `paths` to ingest, and those skipped; `None` (after printing why) when a path
/// given by the user does not exist — a usage error.
pub(super) fn walk_or_report(
    paths: &[PathBuf],
    exclude: &[PathBuf],
) -> Option<(Vec<ingest::Candidate>, Vec<ingest::Skipped>)> {
    match ingest::walk_excluding(paths, exclude) {
        Ok(x) => Some(x),
        Err(e) => {
            eprintln!("saksflyt: error: {e}");
            None
        }
    }
}

const LOG_HEADER: [&str; 8] =
    ["Date", "Committee", "Case", "Pt", "Status", "Deadline", "Responsible", "Text"];
const LOG_WIDTH: [usize; 8] = [10, 10, 7, 4, 11, 10, 16, 60];

/// One entry of the decision log as rows of the plain-text table; long cells wrap inside their
/// column.
fn log_row(e: &LogEntry) -> String {
    let mut text = e.text.clone();
    if e.kind == PointKind::Proposal {
        text = format!("(proposal) {text}");
    }
    for f in &e.follow_ups {
        let case = f.case.as_ref().map(|c| c.short()).unwrap_or_else(|| "?".into());
        let date = f.date.as_deref().unwrap_or("undated");
        text.push_str(&format!("\n→ followed up in {case} ({date}): {}", f.context));
    }
    let row = [
        e.meeting_date.clone().unwrap_or_default(),
        e.committee.as_ref().map(|c| c.code.clone().unwrap_or_else(|| c.name.clone())).unwrap_or_default(),
        e.case.as_ref().map(|c| c.short()).unwrap_or_default(),
        e.label.clone().unwrap_or_default(),
        e.status.as_str().to_string(),
        e.deadline.clone().unwrap_or_default(),
        e.responsible.clone().unwrap_or_default(),
        text,
    ];
    let mut out = String::new();
    push_row(&mut out, &row, &LOG_WIDTH);
    out
}

fn push_row(out: &mut String, cells: &[String; 8], width: &[usize; 8]) {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(width).map(|(c, w)| wrap(c, *w)).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    for line in 0..height {
        let mut s = String::new();
        for (i, col) in wrapped.iter().enumerate() {
            let cell = col.get(line).map(String::as_str).unwrap_or("");
            s.push_str(cell);
            if i + 1 < wrapped.len() {
                let pad = width[i].saturating_sub(cell.chars().count()) + 2;
                s.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    }
}

/// Wrap text at word boundaries to `width` characters; explicit line breaks are kept and words
/// longer than the width are cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let indent: String = para.chars().take_while(|c| *c == ' ').collect();
        let mut line = indent.clone();
        for word in para.split_whitespace() {
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > width {
                if line.trim().is_empty() {
                    lines.push(word.drain(..width).collect());
                } else {
                    lines.push(std::mem::replace(&mut line, indent.clone()));
                }
            }
            let word: String = word.into_iter().collect();
            let len = line.chars().count();
            if !line.trim().is_empty() && len + 1 + word.chars().count() > width {
                lines.push(std::mem::replace(&mut line, indent.clone()));
            }
            if !line.trim().is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}
