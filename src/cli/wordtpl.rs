//! `saksflyt templates check FILE.docx` and `saksflyt templates render FILE.docx`: Word templates
//! (a `.docx` with tags, see README › Word templates) checked against sample data or filled with
//! the store's data.

use anyhow::Context;
use clap::{Args, ValueEnum};
use saksflyt::render::wordtpl::{self, documents, documents::DocKind};
use saksflyt::render::{Lang, ReportInput};
use saksflyt::store::ingest;
use saksflyt::store::Store;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum DocArg {
    Evaluation,
    StatusReport,
    DecisionLog,
    AnnualReport,
}

impl From<DocArg> for DocKind {
    fn from(d: DocArg) -> Self {
        match d {
            DocArg::Evaluation => DocKind::Evaluation,
            DocArg::StatusReport => DocKind::StatusReport,
            DocArg::DecisionLog => DocKind::DecisionLog,
            DocArg::AnnualReport => DocKind::AnnualReport,
        }
    }
}

/// Where the data comes from and which document's context the template gets.
#[derive(Args, Debug)]
pub struct DataArgs {
    /// The document the template is for (default: guessed from the file name: evaluering,
    /// status, vedtakslogg/decision, årsrapport/annual)
    #[arg(long, value_enum)]
    pub doc: Option<DocArg>,
    /// Records from this JSON Lines file
    #[arg(long, value_name = "FILE.jsonl", conflicts_with_all = ["db", "samples"])]
    pub records: Option<PathBuf>,
    /// Records and decision log from this store
    #[arg(long, conflicts_with = "samples")]
    pub db: Option<PathBuf>,
    /// Read and extract the papers in this folder (in memory) for the data
    #[arg(long, value_name = "DIR")]
    pub samples: Option<PathBuf>,
    /// The year, four digits (evaluation, annual report; default: the latest year in the data)
    #[arg(long, value_parser = super::parse_year)]
    pub year: Option<i32>,
    /// The FSU of an evaluation (register code; default: the first with data)
    #[arg(long)]
    pub fsu: Option<String>,
    /// Language of the words in the context: nb or nn
    #[arg(long, default_value = "nb", value_parser = parse_lang)]
    pub lang: Lang,
    /// Committee register (default: ./saksflyt.toml if present, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt templates check maler/vedtakslogg.docx\n  saksflyt templates check maler/vedtakslogg.docx --comments feil.docx"
)]
pub struct CheckArgs {
    /// The Word template
    pub file: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Also write a copy of the template with each error as a Word comment at its tag
    #[arg(long, value_name = "OUT.docx")]
    pub comments: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Example:\n  saksflyt templates render maler/vedtakslogg.docx --db out/saksflyt.db --out vedtakslogg.docx"
)]
pub struct RenderArgs {
    /// The Word template
    pub file: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Output file
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Example:\n  saksflyt templates context --doc decision-log --samples samples > data.json"
)]
pub struct ContextArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use nb or nn"))
}

fn kind_of(file: &Path, d: &DataArgs) -> anyhow::Result<DocKind> {
    if let Some(k) = d.doc {
        return Ok(k.into());
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    DocKind::guess(&name).with_context(|| {
        format!("{}: cannot tell which document this template is for: pass --doc", file.display())
    })
}

/// Records and log: from --records, --db, or the papers of --samples (default `samples/`, then
/// `saksflyt.db`).
fn input_of(d: &DataArgs) -> anyhow::Result<ReportInput> {
    let register = super::load_config(d.config.as_deref())?;
    if let Some(path) = &d.records {
        let records = super::reports::read_records_jsonl(path)?;
        let log = saksflyt::store::log::derive(&records);
        return Ok(ReportInput { records, log, register, lang: d.lang, facts: None });
    }
    let mut store = {
        let db = d.db.clone().or_else(|| {
            let default = PathBuf::from("saksflyt.db");
            (d.samples.is_none() && !Path::new("samples").is_dir() && default.is_file()).then_some(default)
        });
        match db {
            Some(db) => {
                if !db.is_file() {
                    anyhow::bail!("no store at {}", db.display());
                }
                Store::open(&db).with_context(|| format!("cannot open store {}", db.display()))?
            }
            None => {
                let dir = d.samples.clone().unwrap_or_else(|| PathBuf::from("samples"));
                if !dir.is_dir() {
                    anyhow::bail!(
                        "no data to check with: no folder {} (pass --samples DIR, --records FILE.jsonl or --db FILE)",
                        dir.display()
                    );
                }
                let (candidates, skipped) = ingest::walk(std::slice::from_ref(&dir))
                    .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
                let mut store = Store::open_in_memory()?;
                ingest::ingest(
                    &mut store,
                    &candidates,
                    skipped,
                    &register,
                    &ingest::Options::default(),
                    &mut |_| {},
                )?;
                store
            }
        }
    };
    // the store's facts, the papers of the year asked for (or the latest) and the plans
    let need = super::reports::Need {
        years: d.year.into_iter().collect(),
        latest_year: true,
        plan_papers: true,
        log: super::reports::LogNeed::All,
        fit: None,
    };
    let (input, messages) = super::reports::input_from_store(&mut store, &need, register, d.lang)?;
    for m in messages {
        eprintln!("saksflyt: warning: {}", saksflyt::util::escape_controls(&m));
    }
    Ok(input)
}

fn load(file: &Path, d: &DataArgs) -> anyhow::Result<(Vec<u8>, String, documents::Filling)> {
    let kind = kind_of(file, d)?;
    let bytes = read_template(file)?;
    let input = input_of(d)?;
    let filling = documents::filling(kind, &input, d.year, d.fsu.as_deref())
        .map_err(|e| anyhow::anyhow!("{}: {e}", kind.name()))?;
    Ok((bytes, file.display().to_string(), filling))
}

/// A Word template's bytes, within the size a template may have.
fn read_template(file: &Path) -> anyhow::Result<Vec<u8>> {
    saksflyt::util::read_capped(file, saksflyt::render::docs::MAX_TEMPLATE_FILE_BYTES)
        .with_context(|| format!("cannot read {}", file.display()))
}

/// Prints a check's outcome: `NAME: ok`, or every error and their count (with `hint` after it).
/// Exit 0 without errors, 1 with.
fn report(name: &str, errors: &[wordtpl::TagError], hint: &str) -> ExitCode {
    if errors.is_empty() {
        println!("{name}: ok");
        return ExitCode::SUCCESS;
    }
    for e in errors {
        eprintln!("{name}: {e}");
    }
    eprintln!("{name}: {} error{}{hint}", errors.len(), if errors.len() == 1 { "" } else { "s" });
    ExitCode::from(1)
}

/// Exit 0 when the template renders, 1 with every error listed (and the commented copy) if not.
pub fn check(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let (bytes, name, f) = load(&a.file, &a.data)?;
    let errors = wordtpl::check(&bytes, &name, &f.ctx, &f.images)?;
    if let Some(out) = &a.comments {
        let annotated = wordtpl::annotate(&bytes, &name, &errors)?;
        saksflyt::util::write_atomic(out, &annotated)
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    Ok(report(&name, &errors, ""))
}

pub fn render(a: RenderArgs) -> anyhow::Result<ExitCode> {
    let (bytes, name, f) = load(&a.file, &a.data)?;
    let out = wordtpl::render_with(&bytes, &name, &f.ctx, &f.images, &f.charts)?;
    saksflyt::util::write_atomic(&a.out, &out)
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    println!("{}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Prints the context a template of `--doc` gets, as JSON (the names its tags can use).
pub fn context(a: ContextArgs) -> anyhow::Result<ExitCode> {
    let kind: DocKind = a.data.doc.map(Into::into).context("pass --doc")?;
    let input = input_of(&a.data)?;
    let f = documents::filling(kind, &input, a.data.year, a.data.fsu.as_deref())
        .map_err(|e| anyhow::anyhow!("{}: {e}", kind.name()))?;
    println!("{}", serde_json::to_string_pretty(&f.ctx)?);
    Ok(ExitCode::SUCCESS)
}

/// `--check-template` on a document command: the `--templates` folder's Word template of `kind`
/// checked against the command's own data; every error listed, nothing written. Exit 1 on errors.
pub fn check_in_folder(
    dir: Option<&Path>,
    kind: DocKind,
    input: &ReportInput,
    year: Option<i32>,
    fsu: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let dir =
        dir.context("--check-template checks the Word template of --templates DIR: pass --templates")?;
    let file = wordtpl::builtin::file_name(kind);
    let folder = saksflyt::render::Templates::new(Some(dir))?;
    let path = folder.template_for(kind).map(Path::to_path_buf).with_context(|| {
        format!(
            "{} has no {file} to check (`saksflyt templates export` writes it; names recognised: {})",
            dir.display(),
            saksflyt::render::templates::recognised_names()
        )
    })?;
    let name = path.display().to_string();
    let bytes = read_template(&path)?;
    let f =
        documents::filling(kind, input, year, fsu).map_err(|e| anyhow::anyhow!("{}: {e}", kind.name()))?;
    let errors = wordtpl::check(&bytes, &name, &f.ctx, &f.images)?;
    let hint = format!(
        " (`saksflyt templates check {name} --comments OUT.docx` writes them as Word comments at the tags)"
    );
    Ok(report(&name, &errors, &hint))
}
