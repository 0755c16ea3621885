//! The report commands: `evaluation`, `status-report`, `decision-log`, `annual-report`,
//! `templates`. Each loads the records and the decision log (from the store, or from
//! `--records FILE.jsonl` [+ `--log FILE.json`]), renders with `saksflyt::render` and writes
//! the DOCX atomically.

use anyhow::Context;
use clap::{Args, Subcommand};
use saksflyt::record::{LogEntry, Record};
use saksflyt::render::wordtpl::{self, documents::DocKind};
use saksflyt::render::{docs, DecisionLogOptions, Lang, ReportInput, StatusOptions, Templates};
use saksflyt::store::{LogFilter, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options every report command takes.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// The store (default: ./saksflyt.db, else the newest `run` output folder's DIR/saksflyt.db)
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Read records from this JSON Lines file instead of the store
    #[arg(long, value_name = "FILE.jsonl")]
    pub records: Option<PathBuf>,
    /// With --records: the decision log as a JSON array or JSON Lines (default: derived from the records)
    #[arg(long, value_name = "FILE", requires = "records")]
    pub log: Option<PathBuf>,
    /// Language of the document: nb (bokmål) or nn (nynorsk)
    #[arg(long, default_value = "nb", value_parser = parse_lang)]
    pub lang: Lang,
    /// Folder with Word templates (`saksflyt templates export DIR`) that replace the built-in
    /// ones, document by document
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Check the --templates folder's Word template of this document against this data: list
    /// every error (place, tag, reason) and write nothing; exit 1 on errors
    #[arg(long, requires = "templates")]
    pub check_template: bool,
    /// Committee register (default: ./saksflyt.toml if present, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use nb or nn"))
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt evaluation --db out/saksflyt.db --year 2025 --out skjema\n  saksflyt evaluation --year 2025 --fsu FSU-BARN --empty --out skjema\n\nSend the forms out; put the filled forms back among the papers and `run` again."
)]
pub struct EvaluationArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The year evaluated, four digits (the period is September–December of this year)
    #[arg(long, value_parser = super::parse_year)]
    pub year: i32,
    /// One FSU: register code (FSU-BARN) or part of its name
    #[arg(long, conflicts_with = "all")]
    pub fsu: Option<String>,
    /// All FSUs of the register (the default)
    #[arg(long)]
    pub all: bool,
    /// Also write a form for an FSU without an action plan for the year (an empty form with
    /// rows for new measures); without it such an FSU is reported and skipped
    #[arg(long)]
    pub empty: bool,
    /// Output folder (one form per FSU is written into it)
    #[arg(long, value_name = "DIR", required_unless_present = "check_template")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt status-report --db out/saksflyt.db --out statusrapport.docx\n  saksflyt status-report --committee FSU-BARN --out barn.docx"
)]
pub struct StatusReportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Only plans of this committee (code or part of the name)
    #[arg(long)]
    pub committee: Option<String>,
    /// Only plans whose title contains this text
    #[arg(long)]
    pub plan: Option<String>,
    /// Write the report even when nothing matches (it then says there is no data)
    #[arg(long)]
    pub empty: bool,
    /// Output file (.docx)
    #[arg(long, value_name = "FILE.docx", required_unless_present = "check_template")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt decision-log --db out/saksflyt.db --out vedtakslogg.docx\n  saksflyt decision-log --committee SSU --open --out ssu-opne.docx"
)]
pub struct DecisionLogArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Only entries of this committee (code or part of the name)
    #[arg(long)]
    pub committee: Option<String>,
    /// Only entries still open (open or overdue)
    #[arg(long)]
    pub open: bool,
    /// Output file (.docx)
    #[arg(long, value_name = "FILE.docx", required_unless_present = "check_template")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt annual-report --db out/saksflyt.db --year 2025 --out arsrapport-2025.docx\n  saksflyt annual-report --year 2025 --lang nn --out arsmelding-2025.docx"
)]
pub struct AnnualReportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The year reported on, four digits (meetings, cases, plans and grants of that year)
    #[arg(long, value_parser = super::parse_year)]
    pub year: i32,
    /// Output file (.docx)
    #[arg(long, value_name = "FILE.docx", required_unless_present = "check_template")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt templates export maler           the built-in templates, to edit in Word\n  saksflyt templates check maler/vedtakslogg.docx\n  saksflyt run ~/papers/2025 --out out --templates maler"
)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    pub action: TemplatesAction,
}

#[derive(Subcommand, Debug)]
pub enum TemplatesAction {
    /// Write the built-in templates into DIR for editing in Word (then pass --templates DIR)
    #[command(after_help = "Example:\n  saksflyt templates export maler && saksflyt templates list")]
    Export {
        /// The folder (created if missing)
        dir: PathBuf,
        /// Language of the templates' words: nb (bokmål) or nn (nynorsk)
        #[arg(long, default_value = "nb", value_parser = parse_lang)]
        lang: Lang,
        /// Overwrite templates already in DIR (your edits to them are lost)
        #[arg(long)]
        force: bool,
    },
    /// List the template file names a --templates folder is read by, and their documents
    #[command(after_help = "Example:\n  saksflyt templates list")]
    List,
    /// Check a Word template (.docx with tags) against sample data; list every error
    Check(super::wordtpl::CheckArgs),
    /// Fill a Word template (.docx with tags) with the store's data
    Render(super::wordtpl::RenderArgs),
    /// Print the data a Word template of --doc is filled with (JSON: the names tags can use)
    Context(super::wordtpl::ContextArgs),
}

/// Reads records from JSON Lines.
pub fn read_records_jsonl(path: &Path) -> anyhow::Result<Vec<Record>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(line)
            .with_context(|| format!("{}: line {}: not a record", path.display(), i + 1))?;
        out.push(r);
    }
    Ok(out)
}

fn read_log(path: &Path) -> anyhow::Result<Vec<LogEntry>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(&text)
            .with_context(|| format!("{}: not a decision log", path.display()));
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        out.push(
            serde_json::from_str(line)
                .with_context(|| format!("{}: line {}: not a log entry", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

/// What of the store a document reads (the store's derived facts give the rest).
#[derive(Debug, Clone, Default)]
pub struct Need {
    /// The papers of these years.
    pub years: Vec<i32>,
    /// Also the papers of the latest year of the data.
    pub latest_year: bool,
    /// The papers with action plans and evaluation forms (a plan's history).
    pub plan_papers: bool,
    pub log: LogNeed,
    /// The document whose listing of `log` must fit the output limit: refused before any entry
    /// is read when it cannot ([`refuse_unfit`]). Only for a built-in template (a folder's own
    /// template may print less per entry).
    pub fit: Option<Fit>,
}

/// A document that lists decision-log entries (those of [`Need::log`]) in a built-in template.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The document, as the refusal names it (`the decision log`).
    pub document: &'static str,
    /// Only the entries of the partnership's bodies (`render::data::in_register`).
    pub registered_only: bool,
    /// Only the entries of the committees the documents' `--committee` rule picks.
    pub committee: Option<String>,
    /// How to ask for less, for the refusal (`narrow it with --committee or --open`).
    pub narrow: String,
}

/// Which decision-log entries a document reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LogNeed {
    /// The whole log.
    #[default]
    All,
    /// Only open and overdue entries.
    Open,
    /// Only open and overdue entries of a meeting on or before the date (or undated).
    OpenUntil(String),
    /// The entries of the committees the documents' `--committee` rule picks
    /// (`render::data::committee_filter`); only open and overdue ones with `open`.
    Committee { open: bool, wanted: String },
    /// None.
    Nothing,
}

/// Loads what the documents are made from: from `--records` (everything, derived in memory),
/// else from the store's facts and only the rows `need` names.
pub fn load_input(c: &CommonArgs, need: &Need) -> anyhow::Result<ReportInput> {
    super::return_freed_memory_soon();
    let register = super::load_config(c.config.as_deref())?;
    let (input, messages) = match &c.records {
        Some(path) => {
            let records = read_records_jsonl(path)?;
            let log = match &c.log {
                Some(l) => read_log(l)?,
                None => derive_log(&records),
            };
            // One record per paper: the same paper in several formats counts once in every document.
            let records = saksflyt::store::derive::papers(&records);
            let mut input = ReportInput { records, log, register, lang: c.lang, facts: None };
            let messages = docs::leave_out_oversized(&mut input);
            (input, messages)
        }
        None => {
            let mut store = open_store(&super::find_db(c.db.as_deref())?)?;
            input_from_store(&mut store, need, register, c.lang)?
        }
    };
    for m in messages {
        eprintln!("saksflyt: warning: {}", saksflyt::util::escape_controls(&m));
    }
    Ok(input)
}

/// The input of documents from the store: its derived facts (derived first when stale: an
/// older store, an interrupted ingest), the papers and log entries `need` names, papers too
/// large for the documents left out (one message each).
pub fn input_from_store(
    store: &mut Store,
    need: &Need,
    register: saksflyt::config::Register,
    lang: Lang,
) -> anyhow::Result<(ReportInput, Vec<String>)> {
    refresh_facts(store)?;
    let facts = store.facts()?;
    let mut input = ReportInput { records: Vec::new(), log: Vec::new(), register, lang, facts: Some(facts) };
    if let Some(fit) = &need.fit {
        refuse_unfit(store, &input, &need.log, fit)?;
    }
    let mut years: std::collections::BTreeSet<i32> = need.years.iter().copied().collect();
    if need.latest_year {
        years.extend(input.latest_year());
    }
    let mut papers: std::collections::BTreeMap<String, Record> = std::collections::BTreeMap::new();
    for y in years {
        papers.extend(store.papers_of_year(y)?.into_iter().map(|r| (r.source.path.clone(), r)));
    }
    if need.plan_papers {
        papers.extend(store.plan_papers()?.into_iter().map(|r| (r.source.path.clone(), r)));
    }
    input.records = papers.into_values().collect();
    let open = LogFilter { committee: None, open_only: true };
    input.log = match &need.log {
        LogNeed::All => store.log_entries(&LogFilter::default(), None)?,
        LogNeed::Open => store.log_entries(&open, None)?,
        LogNeed::OpenUntil(d) => store.log_entries(&open, Some(d))?,
        LogNeed::Committee { open, wanted } => {
            let keep = saksflyt::render::data::committee_filter(&input, wanted);
            store.log_entries_of(*open, &keep)?
        }
        LogNeed::Nothing => Vec::new(),
    };
    let oversized = store.oversized()?;
    let messages = oversized.iter().map(|o| docs::oversized_message(&o.path, o.bytes)).collect();
    let dropped: std::collections::BTreeSet<String> = oversized.into_iter().map(|o| o.path).collect();
    docs::leave_out_log_of(&mut input.log, &dropped);
    Ok((input, messages))
}

/// Listings whose least markup ([`docs::listed_bytes_at_least`] of the entries alone) is under
/// this share of the output limit are not measured further: their entries' words would have to
/// make up the rest, and reading them costs more than it can save.
const MEASURE_WORDS_FROM: u64 = 4;

/// Refuses a document before its entries are read when the built-in template cannot write what
/// it lists within the output limit ([`wordtpl::max_output_bytes`]): the entries are counted in SQL, and when their
/// rows alone are near the limit their titles and first lines are measured too
/// (`Store::listed_texts`, no entry parsed). A document under the bound goes on to be rendered
/// as before, so nothing that could be written is refused.
pub fn refuse_unfit(store: &Store, input: &ReportInput, log: &LogNeed, fit: &Fit) -> anyhow::Result<()> {
    let (open_only, until) = match log {
        LogNeed::All => (false, None),
        LogNeed::Open => (true, None),
        LogNeed::OpenUntil(d) => (true, Some(d.as_str())),
        LogNeed::Committee { open, .. } => (*open, None),
        LogNeed::Nothing => return Ok(()),
    };
    let keep = fit.committee.as_deref().map(|c| saksflyt::render::data::committee_filter(input, c));
    let listed = saksflyt::store::facts::Listed {
        open_only,
        until,
        registered_only: fit.registered_only,
        keep: keep.as_ref().map(|k| k as &dyn Fn(&saksflyt::record::Committee) -> bool),
    };
    let limit = wordtpl::max_output_bytes() as u64;
    let entries = store.listed_count(&listed)?;
    let mut least = docs::listed_bytes_at_least(entries, 0);
    if least <= limit && least >= limit / MEASURE_WORDS_FROM {
        let mut words = 0u64;
        store.listed_texts(&listed, &mut |title, text| words += docs::listed_text_bytes(title, text))?;
        least = docs::listed_bytes_at_least(entries, words);
    }
    if least > limit {
        anyhow::bail!(
            "{} would list {entries} {}decision points: at least {} of Word markup, over the limit of {} per document; {}",
            fit.document,
            if open_only { "open " } else { "" },
            megabytes(least),
            megabytes(limit),
            fit.narrow
        );
    }
    Ok(())
}

/// A size in MB (MiB) for a message, rounded down to a tenth (`173.2 MB`, `64 MB`); under one
/// MB in bytes.
fn megabytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    match bytes {
        b if b < MB => format!("{b} bytes"),
        b if b % MB == 0 => format!("{} MB", b / MB),
        b => format!("{}.{} MB", b / MB, (b % MB) * 10 / MB),
    }
}

/// Derives the store's facts when they are stale (an older store, an interrupted ingest). While
/// another saksflyt writes the store (it stays locked past the busy wait), the facts of the last
/// derivation are used, with a note: reading never fails for a running ingest.
pub fn refresh_facts(store: &mut Store) -> anyhow::Result<()> {
    match store.refresh_facts() {
        Ok(_) => Ok(()),
        Err(e) if saksflyt::store::is_busy(&e) => {
            eprintln!(
                "saksflyt: note: another saksflyt is writing the store; this uses the facts of its last complete ingest"
            );
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// The decision log derived from records (the store's pure derivation).
fn derive_log(records: &[Record]) -> Vec<LogEntry> {
    saksflyt::store::log::derive(records)
}

/// An existing store (reading commands do not create one).
pub fn open_store(db: &Path) -> anyhow::Result<Store> {
    if !db.is_file() {
        anyhow::bail!(
            "no store at {}: run `saksflyt ingest PATH --db {}` first, or pass --records FILE.jsonl",
            db.display(),
            db.display()
        );
    }
    Store::open(db).with_context(|| format!("cannot open store {}", db.display()))
}

/// The templates of the `--templates` folder for documents `kinds`, each Word template used
/// announced on stderr (not when only checking, not with `-q`), and the folder's Word files
/// that no document uses named with the reason.
pub fn templates_of(c: &CommonArgs, kinds: &[DocKind]) -> anyhow::Result<Templates> {
    let t = Templates::new(c.templates.as_deref())?;
    if !c.check_template && !super::quiet() {
        for kind in kinds {
            if let Some(p) = t.template_for(*kind) {
                eprintln!("saksflyt: using Word template {} for the {}", p.display(), kind.name());
            }
        }
        for (p, why) in t.unused() {
            eprintln!("saksflyt: {} is not used: {why}", p.display());
        }
    }
    Ok(t)
}

/// Whether document `kind` is made from its built-in template (no `--templates` folder, or
/// one without a template for it) and written: the case [`Fit`] holds for.
fn fits_builtin(c: &CommonArgs, kind: DocKind) -> bool {
    if c.check_template || c.records.is_some() {
        return false;
    }
    match &c.templates {
        None => true,
        Some(_) => Templates::new(c.templates.as_deref()).is_ok_and(|t| t.template_for(kind).is_none()),
    }
}

/// `--out FILE.docx` of a one-document command: not a folder (a usage error); a name without
/// `.docx` is written as given, with a note.
fn check_out_file(out: &Path) -> anyhow::Result<()> {
    if out.is_dir() {
        return Err(super::Usage(format!(
            "--out {} is a folder: give the Word file to write, e.g. --out {}",
            out.display(),
            out.join("dokument.docx").display()
        ))
        .into());
    }
    if !out.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx")) && !super::quiet() {
        eprintln!(
            "saksflyt: note: --out {} does not end in .docx; the file is a Word document (Word opens it by that ending)",
            out.display()
        );
    }
    Ok(())
}

/// Writes a rendered document atomically and reports it.
pub fn write_doc(path: &Path, doc: &docs::Rendered) -> anyhow::Result<()> {
    // a document's own name (from the register's codes) is one plain file name, never a path
    saksflyt::util::check_file_name(&doc.file_name).map_err(anyhow::Error::msg)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    saksflyt::util::write_atomic(path, &doc.bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    for w in &doc.warnings {
        eprintln!("saksflyt: warning: {w}");
    }
    if !super::quiet() {
        println!("{}", path.display());
    }
    Ok(())
}

pub fn evaluation(a: EvaluationArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = a
        .out
        .as_deref()
        .filter(|o| o.is_file() || o.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx")))
    {
        return Err(super::Usage(format!(
            "--out {} must be a folder: one form per FSU is written into it, e.g. --out skjema",
            out.display()
        ))
        .into());
    }
    let need = Need { years: vec![a.year], log: LogNeed::Nothing, ..Need::default() };
    let input = load_input(&a.common, &need)?;
    let t = templates_of(&a.common, &[DocKind::Evaluation])?;
    let codes: Vec<String> = match &a.fsu {
        Some(want) => {
            let w = want.to_lowercase();
            let found: Vec<String> = input
                .register
                .fsus()
                .filter(|d| {
                    d.code.eq_ignore_ascii_case(want)
                        || d.name.to_lowercase().contains(&w)
                        || d.names.iter().any(|n| n.to_lowercase().contains(&w))
                })
                .map(|d| d.code.clone())
                .collect();
            if found.is_empty() {
                let known: Vec<String> = input.register.fsus().map(|d| d.code.clone()).collect();
                anyhow::bail!("no FSU matches {want:?}; the register has {}", known.join(", "));
            }
            found
        }
        None => input.register.fsus().map(|d| d.code.clone()).collect(),
    };
    if !saksflyt::render::data::year_has_data(&input.records, a.year) {
        eprintln!(
            "saksflyt: no data for {}: no meeting, case or action plan in the store covers that year",
            a.year
        );
        return Ok(ExitCode::from(1));
    }
    let with_plans = docs::fsus_with_plans(&input, a.year);
    let (codes, without): (Vec<String>, Vec<String>) =
        codes.into_iter().partition(|c| a.empty || with_plans.contains(c));
    if !without.is_empty() {
        eprintln!(
            "saksflyt: no action plan for {} in {}: {} (use --empty to write empty forms)",
            if without.len() == 1 { "this FSU" } else { "these FSUs" },
            a.year,
            without.join(", ")
        );
    }
    if codes.is_empty() {
        return Ok(ExitCode::from(1));
    }
    if a.common.check_template {
        let dir = a.common.templates.as_deref();
        return super::wordtpl::check_in_folder(
            dir,
            DocKind::Evaluation,
            &input,
            Some(a.year),
            codes.first().map(String::as_str),
        );
    }
    let out = a.out.as_deref().context("pass --out DIR")?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for code in codes {
        let doc = docs::evaluation(&t, &input, a.year, &code)?;
        write_doc(&out.join(&doc.file_name), &doc)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn status_report(a: StatusReportArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &a.out {
        check_out_file(out)?;
    }
    let fit = fits_builtin(&a.common, DocKind::StatusReport).then(|| Fit {
        document: "the status report",
        registered_only: true,
        committee: a.committee.clone(),
        narrow: "narrow it with --committee".into(),
    });
    let input = load_input(&a.common, &Need { log: LogNeed::Open, fit, ..Need::default() })?;
    let t = templates_of(&a.common, &[DocKind::StatusReport])?;
    let opts = StatusOptions { committee: a.committee, plan: a.plan };
    let ctx = saksflyt::render::data::status_report(&input, &opts);
    if ctx.plans.is_empty() && ctx.open.is_empty() && !a.empty {
        eprintln!(
            "saksflyt: no data: no action plan or open decision point matches{}{} (use --empty to write the report anyway)",
            opts.committee.as_deref().map(|c| format!(" committee {c:?}")).unwrap_or_default(),
            opts.plan.as_deref().map(|p| format!(" plan {p:?}")).unwrap_or_default(),
        );
        return Ok(ExitCode::from(1));
    }
    if a.common.check_template {
        return super::wordtpl::check_in_folder(
            a.common.templates.as_deref(),
            DocKind::StatusReport,
            &input,
            None,
            None,
        );
    }
    let out = a.out.as_deref().context("pass --out FILE")?;
    // the context made above is the document's: made once, and not held beside a second one
    let doc = docs::status_report_made(&t, input, ctx)?;
    write_doc(out, &doc)?;
    Ok(ExitCode::SUCCESS)
}

pub fn decision_log(a: DecisionLogArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &a.out {
        check_out_file(out)?;
    }
    let log = match &a.committee {
        // one committee's entries only (the document's own committee rule picks them)
        Some(c) => LogNeed::Committee { open: a.open, wanted: c.clone() },
        None if a.open => LogNeed::Open,
        None => LogNeed::All,
    };
    let narrow = match (&a.committee, a.open) {
        (None, false) => "narrow it with --committee or --open",
        (None, true) => "narrow it with --committee",
        (Some(_), false) => "narrow it with --open",
        (Some(_), true) => "`saksflyt log --committee C --open` lists them",
    };
    let fit = fits_builtin(&a.common, DocKind::DecisionLog).then(|| Fit {
        document: "the decision log",
        // the partnership's bodies only, unless one committee is asked for by name
        registered_only: a.committee.is_none(),
        committee: a.committee.clone(),
        narrow: format!("{narrow} (`saksflyt log` and the dashboard show the whole log)"),
    });
    let input = load_input(&a.common, &Need { log, fit, ..Need::default() })?;
    let t = templates_of(&a.common, &[DocKind::DecisionLog])?;
    let opts = DecisionLogOptions { committee: a.committee, open: a.open, ..Default::default() };
    if a.common.check_template {
        return super::wordtpl::check_in_folder(
            a.common.templates.as_deref(),
            DocKind::DecisionLog,
            &input,
            None,
            None,
        );
    }
    let out = a.out.as_deref().context("pass --out FILE")?;
    let doc = docs::decision_log_owned(&t, input, &opts)?;
    write_doc(out, &doc)?;
    Ok(ExitCode::SUCCESS)
}

pub fn annual_report(a: AnnualReportArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &a.out {
        check_out_file(out)?;
    }
    let need = Need {
        years: vec![a.year],
        log: LogNeed::OpenUntil(format!("{:04}-12-31", a.year)),
        fit: fits_builtin(&a.common, DocKind::AnnualReport).then(|| Fit {
            document: "the annual report",
            registered_only: true,
            committee: None,
            narrow: format!(
                "it lists every decision point still open at the end of {} (`saksflyt log --open` lists them)",
                a.year
            ),
        }),
        ..Need::default()
    };
    let input = load_input(&a.common, &need)?;
    let t = templates_of(&a.common, &[DocKind::AnnualReport])?;
    if !saksflyt::render::data::year_has_data(&input.records, a.year) {
        eprintln!(
            "saksflyt: no data for {}: no meeting, case or action plan in the store covers that year",
            a.year
        );
        return Ok(ExitCode::from(1));
    }
    if a.common.check_template {
        let dir = a.common.templates.as_deref();
        return super::wordtpl::check_in_folder(dir, DocKind::AnnualReport, &input, Some(a.year), None);
    }
    let out = a.out.as_deref().context("pass --out FILE")?;
    let doc = docs::annual_report_owned(&t, input, a.year)?;
    write_doc(out, &doc)?;
    Ok(ExitCode::SUCCESS)
}

pub fn templates(a: TemplatesArgs) -> anyhow::Result<ExitCode> {
    match a.action {
        TemplatesAction::Export { dir, lang, force } => {
            let existing: Vec<String> = wordtpl::builtin::BUILTIN
                .iter()
                .map(|(_, f, _)| dir.join(f))
                .filter(|p| p.exists())
                .map(|p| p.display().to_string())
                .collect();
            if !existing.is_empty() && !force {
                eprintln!(
                    "saksflyt: not overwritten: {} (your edited templates?); pass --force to replace them, or export into another folder",
                    existing.join(", ")
                );
                return Ok(ExitCode::from(1));
            }
            for p in wordtpl::builtin::export(&dir, lang)? {
                println!("{}", p.display());
            }
        }
        TemplatesAction::List => {
            for (kind, name, _) in wordtpl::builtin::BUILTIN {
                println!("{name}\t{}", kind.name());
            }
            if !super::quiet() {
                eprintln!(
                    "A --templates folder's files are found by these names (or the same names ending in .dotx); a file whose name says the document (Årsrapport mal.docx) is used when it is the only one."
                );
            }
        }
        TemplatesAction::Check(c) => return super::wordtpl::check(c),
        TemplatesAction::Render(r) => return super::wordtpl::render(r),
        TemplatesAction::Context(c) => return super::wordtpl::context(c),
    }
    Ok(ExitCode::SUCCESS)
}
