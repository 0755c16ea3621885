//! The report commands: `evaluation`, `status-report`, `decision-log`, `annual-report`,
//! `templates`. (Issue 5.)

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct EvaluationArgs {
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
}

#[derive(Args, Debug)]
pub struct StatusReportArgs {
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
}

#[derive(Args, Debug)]
pub struct DecisionLogArgs {
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
}

#[derive(Args, Debug)]
pub struct AnnualReportArgs {
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
}

#[derive(Args, Debug)]
pub struct TemplatesArgs {}

pub fn evaluation(_a: EvaluationArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("evaluation is not implemented yet")
}

pub fn status_report(_a: StatusReportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("status-report is not implemented yet")
}

pub fn decision_log(_a: DecisionLogArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("decision-log is not implemented yet")
}

pub fn annual_report(_a: AnnualReportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("annual-report is not implemented yet")
}

pub fn templates(_a: TemplatesArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("templates is not implemented yet")
}
