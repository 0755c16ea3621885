//! The command line: argument definitions and glue. The work lives in the library; only this
//! layer knows about paths given by the user, terminal output and exit codes
//! (0 ok, 1 input error, 2 usage error).

mod blocks;
mod config;
mod dashboard;
mod extract;
mod ingest;
mod reports;
mod run;
mod wordtpl;

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// `-q`: print only failures (set once from the command line).
static QUIET: AtomicBool = AtomicBool::new(false);

/// Whether `-q` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

#[derive(Parser, Debug)]
#[command(
    name = "saksflyt",
    version,
    about = "Committee papers in, records, decision log and Word documents out",
    long_about = "saksflyt reads committee papers of health partnerships (DOCX, PDF, text), extracts \
case numbers, proposed and adopted decisions, agendas, action plans and tables, keeps them in an \
embedded SQLite store with a decision log, and generates standard Word documents.",
    after_help = "Examples:\n  saksflyt run samples --out out                 the whole job: store, review.csv, documents\n  saksflyt log --db out/saksflyt.db --open       what still needs action\n  saksflyt extract samples/ssu-protokoll-2025-11-12.docx\n  saksflyt config init                           a saksflyt.toml to teach it committees and words\n\nEvery command has --help with an example. Exit codes: 0 ok, 1 some input failed, 2 usage error."
)]
pub struct Cli {
    /// Print only failures (no progress, summaries or notes)
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a document's block model as JSON (headings, paragraphs, list items, tables; for
    /// debugging what the reader sees)
    Blocks(blocks::BlocksArgs),
    /// Extract records (the JSON contract) from documents
    Extract(extract::ExtractArgs),
    /// Print the JSON Schema of the record contract
    Schema(extract::SchemaArgs),
    /// Read folders of papers into the store (SQLite), in parallel
    Ingest(ingest::IngestArgs),
    /// Show the decision log (vedtakslogg) from the store
    Log(ingest::LogArgs),
    /// Export all records from the store as JSON Lines
    Export(ingest::ExportArgs),
    /// Write the yearly evaluation template for each FSU (DOCX)
    Evaluation(reports::EvaluationArgs),
    /// Write the status report on action plans (DOCX)
    StatusReport(reports::StatusReportArgs),
    /// Write the decision log as a Word document (DOCX)
    DecisionLog(reports::DecisionLogArgs),
    /// Write the annual report to the partnerskapsmøte (DOCX)
    AnnualReport(reports::AnnualReportArgs),
    /// Word templates: export the built-in ones to edit, list them, check, render, show their data
    Templates(reports::TemplatesArgs),
    /// Write the monitoring dashboard: one self-contained HTML file (DIR/dashboard.html)
    Dashboard(dashboard::DashboardArgs),
    /// The whole job: ingest, export records, write review.csv and all documents into one folder
    Run(run::RunArgs),
    /// The configuration file (saksflyt.toml): write a commented example, or show what is in use
    Config(config::ConfigArgs),
}

pub fn main() -> ExitCode {
    saksflyt::util::no_huge_pages();
    let cli = Cli::parse();
    QUIET.store(cli.quiet, Ordering::Relaxed);
    let result = match cli.command {
        Command::Blocks(a) => blocks::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Schema(a) => extract::schema(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Log(a) => ingest::log(a),
        Command::Export(a) => ingest::export(a),
        Command::Evaluation(a) => reports::evaluation(a),
        Command::StatusReport(a) => reports::status_report(a),
        Command::DecisionLog(a) => reports::decision_log(a),
        Command::AnnualReport(a) => reports::annual_report(a),
        Command::Templates(a) => reports::templates(a),
        Command::Dashboard(a) => dashboard::run(a),
        Command::Run(a) => run::run(a),
        Command::Config(a) => config::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.downcast_ref::<Usage>().is_some() => {
            eprintln!("saksflyt: error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            let text = format!("saksflyt: error: {e:#}");
            let lines: Vec<String> =
                text.split('\n').map(|l| saksflyt::util::escape_controls(l).into_owned()).collect();
            eprintln!("{}", lines.join("\n"));
            ExitCode::from(1)
        }
    }
}

/// `--ocr` of the reading commands (PDF pages without a text layer).
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum OcrArg {
    /// Read scanned pages with tesseract when it is installed; otherwise warn how to enable it
    Auto,
    /// Never run OCR; scanned pages only give a warning
    Off,
    /// Fail on a scanned page that cannot be read with OCR
    Require,
}

impl From<OcrArg> for saksflyt::read::Ocr {
    fn from(a: OcrArg) -> Self {
        match a {
            OcrArg::Auto => saksflyt::read::Ocr::Auto,
            OcrArg::Off => saksflyt::read::Ocr::Off,
            OcrArg::Require => saksflyt::read::Ocr::Require,
        }
    }
}

/// The register of `--config FILE` (else `./saksflyt.toml`, else the built-in one), with its
/// lexicon forms added to the lexicon; says on stderr which config is in use (not with `-q`).
pub fn load_config(explicit: Option<&Path>) -> anyhow::Result<saksflyt::config::Register> {
    let register = load_config_unannounced(explicit)?;
    announce_config();
    Ok(register)
}

/// Which config is in use, said once by [`announce_config`].
static CONFIG_LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// [`load_config`] without the line on stderr yet: `run` and `ingest` say it once the store is
/// open, so a run that cannot start prints only why.
pub fn load_config_unannounced(explicit: Option<&Path>) -> anyhow::Result<saksflyt::config::Register> {
    let (register, source) = saksflyt::config::Register::discover_with_source(explicit)?;
    saksflyt::lexicon::add_forms(&register.lexicon).map_err(|e| anyhow::anyhow!("{e}"))?;
    let _ = CONFIG_LINE.set(register.describe(&source));
    Ok(register)
}

/// Says on stderr which config is in use (not with `-q`).
pub fn announce_config() {
    if let (Some(line), false) = (CONFIG_LINE.get(), quiet()) {
        eprintln!("saksflyt: config: {line}");
    }
}

/// `--year`: a four-digit year.
pub fn parse_year(s: &str) -> Result<i32, String> {
    match s.trim().parse::<i32>() {
        Ok(y) if (1900..=2200).contains(&y) && s.trim().len() == 4 => Ok(y),
        Ok(y) if (0..100).contains(&y) => Err(format!("give the year with four digits, e.g. {}", 2000 + y)),
        _ => Err("give the year with four digits, e.g. 2025".to_string()),
    }
}

/// The store a reading command uses: `--db FILE` when given; else `./saksflyt.db`; else the
/// store of the newest `run` output folder here (`DIR/saksflyt.db`, announced on stderr). The
/// error names where it looked and what to run.
pub fn find_db(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = explicit {
        if !p.is_file() {
            anyhow::bail!(
                "no store at {}: run `saksflyt run PAPERS --out DIR` first (it writes DIR/saksflyt.db), or check the path",
                p.display()
            );
        }
        return Ok(p.to_path_buf());
    }
    let default = PathBuf::from("saksflyt.db");
    if default.is_file() {
        return Ok(default);
    }
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(".")
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path().join("saksflyt.db"))
                .filter(|p| p.is_file())
                .map(|p| (p.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), p))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    let names = |found: &[(std::time::SystemTime, PathBuf)]| {
        found.iter().map(|(_, p)| display(p)).collect::<Vec<_>>().join(", ")
    };
    match found.last() {
        Some((_, p)) => {
            if !quiet() {
                let others = if found.len() > 1 { format!("; also here: {}", names(&found[..found.len() - 1])) } else { String::new() };
                eprintln!("saksflyt: store: {} (the newest `run` output in this folder; --db FILE for another{others})", display(p));
            }
            Ok(p.clone())
        }
        None => anyhow::bail!(
            "no store here: neither saksflyt.db nor DIR/saksflyt.db of a `saksflyt run PAPERS --out DIR` in this folder; run that first, or pass --db FILE"
        ),
    }
}

/// A path as the user would type it (`out/saksflyt.db`, not `./out/saksflyt.db`).
fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// A usage error found after parsing (a wrong `--out`): exit code 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// How long (ms) freed memory stays with the allocator before it goes back to the system. A
/// document is made in steps that each free a large structure before the next is built (the
/// records, the context, its JSON and template values, the rendered text, the tree of a part):
/// given back within this delay, the steps' peaks do not add up in the process's resident
/// memory (annual-report at 20,000 papers: 144 MB at 0, 146 MB at 100, 154 MB at 1000). At 0
/// (given back at once) memory freed and allocated again right away is faulted in and zeroed by
/// the kernel anew each time: the 200,000-paper status report spent 1.3 s more in the kernel
/// (docs/performance.md, "Scale").
const FREED_MEMORY_DELAY_MS: std::os::raw::c_long = 100;

/// Sets the allocator to give freed memory back after [`FREED_MEMORY_DELAY_MS`] (documents and
/// ingest). Ingest gave it back at once while huge pages were on (peak at 20,000 papers 135 →
/// 105 MB); with them off (`saksflyt::util::no_huge_pages`), giving back at once cost more than
/// it saved: every chunk of read documents faulted its pages in anew and each give-back
/// interrupted the other threads to flush their address caches (20,000 papers: 9.5 → 8.3 s CPU,
/// peak 68 → 79 MB; docs/performance.md, "Session 9").
fn return_freed_memory_soon() {
    saksflyt::util::free_memory_after(FREED_MEMORY_DELAY_MS);
}
