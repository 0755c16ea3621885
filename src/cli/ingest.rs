//! `saksflyt ingest`, `log`, `export`. (Issue 4.)

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files or folders to ingest
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The store
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long, default_value = "saksflyt.db")]
    pub db: PathBuf,
}

pub fn run(_a: IngestArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("ingest is not implemented yet")
}

pub fn log(_a: LogArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("log is not implemented yet")
}

pub fn export(_a: ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("export is not implemented yet")
}
