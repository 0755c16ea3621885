//! `saksflyt dashboard --out DIR`: the monitoring dashboard, one self-contained HTML file
//! (`DIR/dashboard.html`), from the store (or `--records`). `run` writes it too
//! ([`write_dashboard`]).

use super::reports::{load_input, CommonArgs, LogNeed, Need};
use anyhow::Context;
use clap::Args;
use saksflyt::render::dashboard::{self, DashboardOptions};
use saksflyt::render::{Lang, ReportInput};
use saksflyt::store::facts::LogTally;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

/// The file the dashboard is written to inside the output folder.
pub const FILE_NAME: &str = "dashboard.html";

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt dashboard --db out/saksflyt.db --out out      writes out/dashboard.html\n  saksflyt dashboard --out out --lang nn                 in nynorsk"
)]
pub struct DashboardArgs {
    /// The store (default: ./saksflyt.db, else the newest `run` output folder's DIR/saksflyt.db)
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Read records from this JSON Lines file instead of the store
    #[arg(long, value_name = "FILE.jsonl")]
    pub records: Option<PathBuf>,
    /// With --records: the decision log as a JSON array or JSON Lines (default: derived from the records)
    #[arg(long, value_name = "FILE", requires = "records")]
    pub log: Option<PathBuf>,
    /// Language of the page: nb (bokmål) or nn (nynorsk)
    #[arg(long, default_value = "nb", value_parser = parse_lang)]
    pub lang: Lang,
    /// Committee register (default: ./saksflyt.toml if present, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output folder (created if missing); the page is DIR/dashboard.html
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use nb or nn"))
}

pub fn run(a: DashboardArgs) -> anyhow::Result<ExitCode> {
    let common = CommonArgs {
        db: a.db,
        records: a.records,
        log: a.log,
        lang: a.lang,
        templates: None,
        check_template: false,
        config: a.config,
    };
    if common.records.is_some() {
        let need = super::reports::Need { latest_year: true, plan_papers: true, ..Default::default() };
        let input = load_input(&common, &need)?;
        write_dashboard(&a.out, &input, None, super::quiet())?;
        return Ok(ExitCode::SUCCESS);
    }
    // from the store: the papers of the latest year and the plan papers, only the log points
    // the page lists, and the rest of the log as counts (`Store::log_tally`)
    let register = super::load_config(common.config.as_deref())?;
    let mut store = super::reports::open_store(&super::find_db(common.db.as_deref())?)?;
    let need = Need { latest_year: true, plan_papers: true, log: LogNeed::Nothing, ..Default::default() };
    let (mut input, messages) = super::reports::input_from_store(&mut store, &need, register, common.lang)?;
    for m in messages {
        eprintln!("saksflyt: warning: {}", saksflyt::util::escape_controls(&m));
    }
    input.log = store.dashboard_log(dashboard::old_before(&input), dashboard::MAX_LOG_ROWS)?;
    let tally = store.log_tally()?;
    write_dashboard(&a.out, &input, Some(&tally), super::quiet())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `out/dashboard.html` atomically (and prints its path unless `quiet`); source papers
/// are linked relative to `out`. `tally`: the whole log's counts when `input.log` holds only
/// the points the page lists ([`dashboard::render_with`]); `None` when it is the whole log.
pub fn write_dashboard(
    out: &Path,
    input: &ReportInput,
    tally: Option<&LogTally>,
    quiet: bool,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let opts = DashboardOptions { source_base: source_base(out), ..Default::default() };
    let html = dashboard::render_with(input, &opts, tally)?;
    let path = out.join(FILE_NAME);
    saksflyt::util::write_atomic(&path, html.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if !quiet {
        println!("{}", path.display());
    }
    Ok(path)
}

/// The way from `out` back to the working folder (relative source paths start there): `../`.
fn source_base(out: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
    let out = out.canonicalize().ok()?;
    let from: Vec<Component> = out.components().collect();
    let to: Vec<Component> = cwd.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut s = "../".repeat(from.len() - common);
    for c in &to[common..] {
        s.push_str(&c.as_os_str().to_string_lossy());
        s.push('/');
    }
    Some(s)
}
