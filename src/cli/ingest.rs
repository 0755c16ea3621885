//! `saksflyt ingest`, `log`, `export`: flags, terminal output and exit codes over
//! [`saksflyt::store`].

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use saksflyt::config::Register;
use saksflyt::record::{LogEntry, PointKind};
use saksflyt::store::ingest::{self, Event, Outcome};
use saksflyt::store::{LogFilter, Store};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files or folders to ingest (folders are walked recursively; .docx, .pdf, .txt, .md)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The store
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
    /// Committee register (default: ./saksflyt.toml if present, else the built-in one)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print nothing but failures
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// Keep going when a file fails (the default; failures give exit code 1)
    #[arg(long, default_value_t = true)]
    pub keep_going: bool,
    /// Re-read files even when their content is already stored
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    /// The store
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
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
pub struct ExportArgs {
    /// The store
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
    /// Write all records as JSON Lines to FILE (`-` for stdout)
    #[arg(long, value_name = "FILE")]
    pub jsonl: PathBuf,
}

pub fn run(a: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let register = Register::discover(a.config.as_deref())?;
    let Some((candidates, skipped)) = walk_or_report(&a.paths) else {
        return Ok(ExitCode::from(2));
    };
    let mut store = Store::open(&a.db).with_context(|| format!("cannot open store {}", a.db.display()))?;
    let options = ingest::Options { force: a.force, ..ingest::Options::default() };

    let bar = if !a.quiet && !a.json && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        Some(bar)
    } else {
        None
    };
    let mut progress = |ev: Event| match ev {
        Event::Start { total } => {
            if let Some(b) = &bar {
                b.set_length(total as u64);
            }
        }
        Event::File { path, outcome } => {
            if let Outcome::Failed(reason) = outcome {
                let line = format!("saksflyt: {path}: {reason}");
                match &bar {
                    Some(b) => b.suspend(|| eprintln!("{line}")),
                    None => eprintln!("{line}"),
                }
            }
            if let Some(b) = &bar {
                b.set_message(path.to_string());
                b.inc(1);
            }
        }
    };
    let summary = ingest::ingest(&mut store, &candidates, skipped, &register, &options, &mut progress)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let review_dir = a.db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let review = review(&store.records()?, review_dir, a.quiet || a.json)?;

    if a.json {
        let mut v = serde_json::to_value(&summary)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("elapsed_ms".into(), serde_json::json!(elapsed.as_millis() as u64));
            o.insert("db".into(), serde_json::json!(a.db.display().to_string()));
            o.insert("review".into(), serde_json::json!(review));
        }
        print_out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
    } else if !a.quiet {
        for s in &summary.skipped {
            eprintln!("skipped {}: {}", s.path, s.reason);
        }
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

/// The review list (`extract::review`) of the stored records: written to `DIR/review.csv`
/// (atomically, always, so an empty list clears an old one) and, unless `quiet`, listed on
/// stderr. Returns how many findings there are.
pub(super) fn review(records: &[saksflyt::record::Record], dir: &Path, quiet: bool) -> anyhow::Result<usize> {
    // one paper, one finding: a paper kept as DOCX, PDF and text is reviewed in its best form
    let papers = saksflyt::store::derive::papers(records);
    let mut findings: Vec<_> = papers.iter().flat_map(saksflyt::extract::review::check).collect();
    // what the evaluation forms filled in and could not be applied, and why
    findings.extend(saksflyt::store::derive::form_findings(&papers));
    let path = dir.join("review.csv");
    saksflyt::util::write_atomic(&path, saksflyt::extract::review::csv(&findings).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if !quiet && !findings.is_empty() {
        let papers: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.file.as_str()).collect();
        let n = papers.len();
        eprintln!(
            "needs review: {n} {} ({} findings, in {}):",
            if n == 1 { "paper" } else { "papers" },
            findings.len(),
            path.display()
        );
        for f in &findings {
            eprintln!("  {}: {} — look at {}", f.file, f.missing, f.look_at);
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
        anyhow::bail!("no store at {}: run `saksflyt ingest PATH --db {}` first", db.display(), db.display());
    }
    Store::open(db).with_context(|| format!("cannot open store {}", db.display()))
}

pub fn log(a: LogArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing(&a.db)?;
    let filter = LogFilter { committee: a.committee.clone(), open_only: a.open };
    let entries = store.decision_log(&filter)?;
    if a.json {
        print_out(&format!("{}\n", serde_json::to_string_pretty(&entries)?))?;
    } else {
        print_out(&log_table(&entries))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing(&a.db)?;
    let buf = jsonl(&store.records()?)?;
    if a.jsonl.as_os_str() == "-" {
        print_out(&String::from_utf8_lossy(&buf))?;
    } else {
        saksflyt::util::write_atomic(&a.jsonl, &buf)
            .with_context(|| format!("cannot write {}", a.jsonl.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The files under `paths` to ingest, and those skipped; `None` (after printing why) when a path
/// given by the user does not exist — a usage error.
pub(super) fn walk_or_report(paths: &[PathBuf]) -> Option<(Vec<ingest::Candidate>, Vec<ingest::Skipped>)> {
    match ingest::walk(paths) {
        Ok(x) => Some(x),
        Err(e) => {
            eprintln!("saksflyt: error: {e}");
            None
        }
    }
}

/// Records as JSON Lines, one document a line (the `export` format).
pub(super) fn jsonl(records: &[saksflyt::record::Record]) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    for rec in records {
        serde_json::to_writer(&mut buf, rec)?;
        buf.push(b'\n');
    }
    Ok(buf)
}

/// The decision log as a plain-text table; long cells wrap inside their column.
fn log_table(entries: &[LogEntry]) -> String {
    const HEADER: [&str; 8] =
        ["Date", "Committee", "Case", "Pt", "Status", "Deadline", "Responsible", "Text"];
    const WIDTH: [usize; 8] = [10, 10, 7, 4, 11, 10, 16, 60];
    let mut out = String::new();
    push_row(&mut out, &HEADER.map(str::to_string), &WIDTH);
    push_row(&mut out, &WIDTH.map(|w| "-".repeat(w)), &WIDTH);
    for e in entries {
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
            e.committee
                .as_ref()
                .map(|c| c.code.clone().unwrap_or_else(|| c.name.clone()))
                .unwrap_or_default(),
            e.case.as_ref().map(|c| c.short()).unwrap_or_default(),
            e.label.clone().unwrap_or_default(),
            e.status.as_str().to_string(),
            e.deadline.clone().unwrap_or_default(),
            e.responsible.clone().unwrap_or_default(),
            text,
        ];
        push_row(&mut out, &row, &WIDTH);
    }
    out.push_str(&format!("{} entries\n", entries.len()));
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
