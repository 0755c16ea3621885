//! `saksflyt run PATH... --out DIR`: the whole job — ingest the papers into `DIR/saksflyt.db`,
//! export `DIR/records.jsonl`, and write every document into DIR: the evaluation template of
//! each FSU for the latest year in the data, the status report, the decision log and the annual
//! report. Exit code 1 when some file could not be read (the documents are written anyway).

use super::reports::{templates_of, write_doc, CommonArgs};
use anyhow::Context;
use clap::Args;
use saksflyt::config::Register;
use saksflyt::render::{data, docs, ReportInput};
use saksflyt::store::ingest::{self, Event, Outcome};
use saksflyt::store::{LogFilter, Store};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Files or folders of papers
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output folder (created if missing)
    #[arg(long)]
    pub out: PathBuf,
    /// The year of the evaluation templates and the annual report (default: the latest year in the data)
    #[arg(long)]
    pub year: Option<i32>,
    /// Language of the documents: nb (bokmål) or nn (nynorsk)
    #[arg(long, default_value = "nb", value_parser = parse_lang)]
    pub lang: saksflyt::render::Lang,
    /// Folder with templates that override the built-in ones, file by file
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Committee register (default: ./saksflyt.toml if present, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print only failures
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write evaluation forms for FSUs without an action plan for the year (empty forms)
    #[arg(long)]
    pub empty_forms: bool,
}

fn parse_lang(s: &str) -> Result<saksflyt::render::Lang, String> {
    saksflyt::render::Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use nb or nn"))
}

pub fn run(a: RunArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let register = Register::discover(a.config.as_deref())?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;
    // the output folder is never read back as papers, even when it lies inside an input folder
    let Some((candidates, skipped)) = super::ingest::walk_or_report(&a.paths, std::slice::from_ref(&a.out))
    else {
        return Ok(ExitCode::from(2));
    };
    let db = a.out.join("saksflyt.db");
    let mut store = Store::open(&db).with_context(|| format!("cannot open store {}", db.display()))?;
    let mut progress = |ev: Event| {
        if let Event::File { path, outcome: Outcome::Failed(reason) } = ev {
            eprintln!("{}", saksflyt::util::escape_controls(&format!("saksflyt: {path}: {reason}")));
        }
    };
    let summary = ingest::ingest(
        &mut store,
        &candidates,
        skipped,
        &register,
        &ingest::Options::default(),
        &mut progress,
    )?;

    // records.jsonl, as `saksflyt export` writes it.
    let records = store.records()?;
    let buf = super::ingest::jsonl(&records)?;
    let jsonl = a.out.join("records.jsonl");
    saksflyt::util::write_atomic(&jsonl, &buf)
        .with_context(|| format!("cannot write {}", jsonl.display()))?;
    if !a.quiet {
        println!("{}", jsonl.display());
    }

    super::ingest::review(&records, &a.out, a.quiet)?;

    let log = store.decision_log(&LogFilter::default())?;
    let all_documents = records.len();
    // One record per paper: the same paper in several formats counts once in every document.
    let records = saksflyt::store::derive::papers(&records);
    let mut input = ReportInput { records, log, register, lang: a.lang };
    // a paper too large for the documents is named and left out; the others' documents are written
    let mut document_failures = 0usize;
    for m in docs::leave_out_oversized(&mut input) {
        eprintln!("saksflyt: {}", saksflyt::util::escape_controls(&m));
        document_failures += 1;
    }
    let common = CommonArgs {
        db: db.clone(),
        records: None,
        log: None,
        lang: a.lang,
        templates: a.templates.clone(),
        check_template: false,
        config: a.config.clone(),
    };
    let templates = templates_of(&common, &saksflyt::render::wordtpl::documents::DocKind::ALL)?;
    if let Some(year) = a.year.filter(|y| !data::year_has_data(&input.records, *y)) {
        eprintln!(
            "saksflyt: no data for {year}: no meeting, case or action plan in the papers covers that year"
        );
        return Ok(ExitCode::from(1));
    }
    let year = a.year.or_else(|| data::latest_year(&input.records));
    let documents = match year {
        Some(year) => {
            if !a.empty_forms && !a.quiet {
                let with: Vec<String> = docs::fsus_with_plans(&input, year);
                let without: Vec<String> =
                    input.register.fsus().map(|d| d.code.clone()).filter(|c| !with.contains(c)).collect();
                if !without.is_empty() {
                    eprintln!(
                        "saksflyt: no evaluation form for {} (no action plan for {year}; --empty-forms writes empty ones)",
                        without.join(", ")
                    );
                }
            }
            docs::each(&templates, &input, year, a.empty_forms)
        }
        None => {
            eprintln!("saksflyt: warning: no dated records; evaluation templates and annual report skipped");
            vec![
                docs::status_report(&templates, &input, &Default::default()),
                docs::decision_log(&templates, &input, &Default::default()),
            ]
        }
    };
    // one document that fails (a template error, the output limit) never stops the others
    let mut written = 0usize;
    for doc in documents {
        let doc = match doc {
            Ok(doc) => doc,
            Err(e) => {
                eprintln!("saksflyt: error: {}", saksflyt::util::escape_controls(&e.to_string()));
                document_failures += 1;
                continue;
            }
        };
        if let Err(e) = saksflyt::util::check_file_name(&doc.file_name) {
            eprintln!("saksflyt: error: {e}");
            document_failures += 1;
            continue;
        }
        let path = a.out.join(&doc.file_name);
        if a.quiet {
            saksflyt::util::write_atomic(&path, &doc.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        } else {
            write_doc(&path, &doc)?;
        }
        written += 1;
    }
    if !a.quiet {
        let papers = input.records.len();
        debug_assert!(papers <= all_documents);
        let c = &summary.store;
        println!(
            "documents: {} read, {} unchanged, {} unsupported, {} failed; store {}: {} documents ({} papers: the same paper in several formats counts once), {} cases, {} decision points, {} plans; {} files written in {:.2} s",
            summary.read,
            summary.unchanged,
            summary.unsupported,
            summary.failed,
            db.display(),
            c.documents,
            papers,
            c.cases,
            c.decision_points,
            c.plans,
            written + 1,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if summary.failed > 0 || document_failures > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
