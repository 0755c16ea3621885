//! `saksflyt run PATH... --out DIR`: the whole job — ingest the papers into `DIR/saksflyt.db`,
//! export `DIR/records.jsonl`, write `DIR/review.csv` (papers to look at, files not read, files
//! skipped) and every document into DIR: the evaluation form of each FSU with a plan for the
//! year, the status report, the decision log and the annual report. One document that cannot be
//! made (a broken template) does not stop the others; the summary names it. Exit code 1 when
//! some file could not be read or some document not written.

use super::reports::{templates_of, CommonArgs, LogNeed, Need};
use anyhow::Context;
use clap::Args;
use saksflyt::render::{data, docs, DecisionLogOptions, StatusOptions};
use saksflyt::store::ingest;
use saksflyt::store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt run samples --out out\n  saksflyt run ~/papers/2025 --out rapporter --year 2025 --lang nn\n  saksflyt run ~/papers/2025 --out rapporter --templates maler\n\nRun it again after new papers arrive: unchanged files are not read again, nothing is counted twice."
)]
pub struct RunArgs {
    /// Files or folders of papers (folders are read with their sub-folders)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output folder (created if missing): saksflyt.db, records.jsonl, review.csv and the documents
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The year of the evaluation forms and the annual report, four digits (default: the latest year in the data)
    #[arg(long, value_parser = super::parse_year)]
    pub year: Option<i32>,
    /// Language of the documents: nb (bokmål) or nn (nynorsk)
    #[arg(long, default_value = "nb", value_parser = parse_lang)]
    pub lang: saksflyt::render::Lang,
    /// Folder with Word templates (`saksflyt templates export DIR`) that replace the built-in ones, document by document
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Committee register (default: ./saksflyt.toml if present, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also write evaluation forms for FSUs without an action plan for the year (empty forms)
    #[arg(long, alias = "empty-forms")]
    pub empty: bool,
}

fn parse_lang(s: &str) -> Result<saksflyt::render::Lang, String> {
    saksflyt::render::Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use nb or nn"))
}

pub fn run(a: RunArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let quiet = super::quiet();
    if a.out.is_file() || a.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx")) {
        eprintln!(
            "saksflyt: error: --out {} must be a folder (run writes several files into it), e.g. --out out",
            a.out.display()
        );
        return Ok(ExitCode::from(2));
    }
    let register = super::load_config_unannounced(a.config.as_deref())?;
    let common = CommonArgs {
        db: None,
        records: None,
        log: None,
        lang: a.lang,
        templates: a.templates.clone(),
        check_template: false,
        config: a.config.clone(),
    };
    // the template folder is checked before anything is read
    let templates = templates_of(&common, &saksflyt::render::wordtpl::documents::DocKind::ALL)?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;
    // the output folder is never read back as papers, even when it lies inside an input folder
    let Some((candidates, skipped)) = super::ingest::walk_or_report(&a.paths, std::slice::from_ref(&a.out))
    else {
        return Ok(ExitCode::from(2));
    };
    let db = a.out.join("saksflyt.db");
    let mut store = Store::open(&db).with_context(|| format!("cannot open store {}", db.display()))?;
    super::announce_config();
    let summary = {
        let bar = super::ingest::Bar::new(!quiet);
        let mut progress = |ev: ingest::Event| bar.event(ev);
        ingest::ingest(
            &mut store,
            &candidates,
            skipped,
            &register,
            &ingest::Options::default(),
            &mut progress,
        )?
    };

    // The store reflects the folders of this run: a paper no longer there leaves the store.
    let roots: Vec<String> = a.paths.iter().map(|p| ingest::display_key(p)).collect();
    let present: std::collections::BTreeSet<String> = candidates.iter().map(|c| c.key.clone()).collect();
    let (removed, outside) = store.remove_missing(&roots, &present)?;
    for p in &removed {
        eprintln!("saksflyt: {p}: no longer in the papers, removed from the store and the documents");
    }
    if outside > 0 && !quiet {
        eprintln!(
            "saksflyt: the store {} also holds {outside} documents from outside {} (earlier runs); they are in the documents too",
            db.display(),
            roots.join(", ")
        );
    }

    // the facts the documents read, derived once now that the records changed
    store.refresh_facts()?;

    // records.jsonl, as `saksflyt export` writes it.
    let jsonl = a.out.join("records.jsonl");
    saksflyt::util::write_atomic_with(&jsonl, |f| {
        let mut w = std::io::BufWriter::new(f);
        store.write_records_jsonl(&mut w).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut w)
    })
    .with_context(|| format!("cannot write {}", jsonl.display()))?;
    let mut written = vec![jsonl.display().to_string()];

    let review_rows = super::ingest::review(&store, &summary, &a.out, quiet)?;
    written.push(a.out.join("review.csv").display().to_string());

    let all_documents = store.counts()?.documents as usize;
    // One record per paper (the store's papers): the same paper in several formats counts once
    // in every document; the documents read the papers of their year and the plans.
    let need = Need {
        years: a.year.into_iter().collect(),
        latest_year: true,
        plan_papers: true,
        log: LogNeed::All,
        fit: None,
    };
    let (input, messages) = super::reports::input_from_store(&mut store, &need, register, a.lang)?;
    // a paper too large for the documents is named and left out; the others' documents are written
    let mut left_out = 0usize;
    for m in messages {
        eprintln!("saksflyt: {}", saksflyt::util::escape_controls(&m));
        left_out += 1;
    }
    let papers_in_documents = store.paper_count()? as usize - left_out;
    if let Some(year) = a.year.filter(|y| !data::year_has_data(&input.records, *y)) {
        eprintln!(
            "saksflyt: no data for {year}: no meeting, case or action plan in the papers covers that year (the store and review.csv are written; no documents)"
        );
        return Ok(ExitCode::from(1));
    }
    let year = a.year.or_else(|| data::latest_year(&input.records));

    // Each document on its own: one that fails (a broken template) leaves the others.
    type Make<'a> = Box<dyn Fn() -> Result<docs::Rendered, saksflyt::render::RenderError> + 'a>;
    let mut jobs: Vec<(String, Make)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    match year {
        Some(year) => {
            let with: Vec<String> = docs::fsus_with_plans(&input, year);
            let codes: Vec<String> = input
                .register
                .fsus()
                .map(|d| d.code.clone())
                .filter(|c| a.empty || with.contains(c))
                .collect();
            let without: Vec<String> =
                input.register.fsus().map(|d| d.code.clone()).filter(|c| !codes.contains(c)).collect();
            if !without.is_empty() {
                notes.push(format!(
                    "no evaluation form for {} (no action plan for {year}; --empty writes empty ones)",
                    without.join(", ")
                ));
            }
            for code in codes {
                let name = format!("evaluering-{year}-{}.docx", code.to_lowercase());
                let (input, templates) = (&input, &templates);
                jobs.push((name, Box::new(move || docs::evaluation(templates, input, year, &code))));
            }
        }
        None => notes.push("no dated records: no evaluation forms and no annual report".to_string()),
    }
    let (i, t) = (&input, &templates);
    jobs.push((
        "statusrapport.docx".into(),
        Box::new(move || docs::status_report(t, i, &StatusOptions::default())),
    ));
    jobs.push((
        "vedtakslogg.docx".into(),
        Box::new(move || docs::decision_log(t, i, &DecisionLogOptions::default())),
    ));
    if let Some(year) = year {
        jobs.push((format!("arsrapport-{year}.docx"), Box::new(move || docs::annual_report(t, i, year))));
    }
    let mut not_written: Vec<String> = Vec::new();
    if !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("writing {} documents …", jobs.len());
    }
    for (name, make) in &jobs {
        match make() {
            Ok(doc) => {
                if let Err(e) = saksflyt::util::check_file_name(&doc.file_name) {
                    eprintln!("saksflyt: {name} not written: {e}");
                    not_written.push(name.clone());
                    continue;
                }
                let path = a.out.join(&doc.file_name);
                saksflyt::util::write_atomic(&path, &doc.bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                for w in &doc.warnings {
                    eprintln!("saksflyt: warning: {w}");
                }
                written.push(path.display().to_string());
            }
            Err(e) => {
                eprintln!(
                    "saksflyt: {name} not written: {}",
                    saksflyt::util::escape_controls(&e.to_string())
                );
                not_written.push(name.clone());
            }
        }
    }
    // the dashboard beside the Word documents; a failure leaves the others
    match super::dashboard::write_dashboard(&a.out, &input, None, true) {
        Ok(path) => written.push(path.display().to_string()),
        Err(e) => {
            eprintln!(
                "saksflyt: dashboard.html not written: {}",
                saksflyt::util::escape_controls(&format!("{e:#}"))
            );
            not_written.push("dashboard.html".into());
        }
    }

    if !quiet {
        for n in &notes {
            eprintln!("saksflyt: {n}");
        }
        if !summary.skipped.is_empty() {
            super::ingest::print_skipped(&summary);
        }
        for f in &summary.failures {
            eprintln!(
                "{}",
                saksflyt::util::escape_controls(&format!(
                    "not read: {}: {} — {}",
                    f.path,
                    f.reason,
                    super::ingest::advice(&f.path, &f.reason)
                ))
            );
        }
        for w in &written {
            println!("{w}");
        }
        let papers = papers_in_documents;
        let c = &summary.store;
        println!(
            "files: {} read, {} unchanged, {} skipped (not papers), {} failed; store {}: {} {} = {} {} (the same paper in several formats counts once), {} cases, {} decision points, {} plans",
            summary.read,
            summary.unchanged,
            summary.unsupported,
            summary.failed,
            db.display(),
            c.documents,
            if c.documents == 1 { "document" } else { "documents" },
            papers,
            if papers == 1 { "paper" } else { "papers" },
            c.cases,
            c.decision_points,
            c.plans
        );
        println!(
            "{} files written in {:.1} s{}{}",
            written.len(),
            started.elapsed().as_secs_f64(),
            if review_rows > 0 {
                let papers = review_rows - summary.failures.len() - summary.skipped.len();
                format!(
                    "; review.csv: {papers} {} about papers, {} {} not read, {} skipped",
                    if papers == 1 { "finding" } else { "findings" },
                    summary.failures.len(),
                    if summary.failures.len() == 1 { "file" } else { "files" },
                    summary.skipped.len()
                )
            } else {
                String::new()
            },
            if not_written.is_empty() {
                String::new()
            } else {
                format!("; NOT written: {}", not_written.join(", "))
            }
        );
        debug_assert!(papers <= all_documents);
    }
    Ok(if summary.failed > 0 || !not_written.is_empty() || left_out > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
