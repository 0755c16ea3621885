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
    let Some((candidates, skipped)) = super::ingest::walk_or_report(&a.paths) else {
        return Ok(ExitCode::from(2));
    };
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;
    let db = a.out.join("saksflyt.db");
    let mut store = Store::open(&db).with_context(|| format!("cannot open store {}", db.display()))?;
    let mut progress = |ev: Event| {
        if let Event::File { path, outcome: Outcome::Failed(reason) } = ev {
            eprintln!("saksflyt: {path}: {reason}");
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

    // The store reflects the folders of this run: a paper no longer there leaves the store.
    let roots: Vec<String> = a.paths.iter().map(|p| ingest::display_key(p)).collect();
    let present: std::collections::BTreeSet<String> = candidates.iter().map(|c| c.key.clone()).collect();
    let (removed, outside) = store.remove_missing(&roots, &present)?;
    for p in &removed {
        eprintln!("saksflyt: {p}: no longer in the papers, removed from the store and the documents");
    }
    if outside > 0 && !a.quiet {
        eprintln!(
            "saksflyt: the store {} also holds {outside} documents from outside {} (earlier runs); they are in the documents too",
            db.display(),
            roots.join(", ")
        );
    }

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
    let input = ReportInput { records, log, register, lang: a.lang };
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
            docs::all(&templates, &input, year, a.empty_forms)?
        }
        None => {
            eprintln!("saksflyt: warning: no dated records; evaluation templates and annual report skipped");
            vec![
                docs::status_report(&templates, &input, &Default::default())?,
                docs::decision_log(&templates, &input, &Default::default())?,
            ]
        }
    };
    for doc in &documents {
        let path = a.out.join(&doc.file_name);
        if a.quiet {
            saksflyt::util::write_atomic(&path, &doc.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        } else {
            write_doc(&path, doc)?;
        }
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
            documents.len() + 1,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if summary.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
