//! `saksflyt run PATH... --out DIR`: the whole job. (Issue 5.)

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Files or folders of papers
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output folder
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(_a: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("run is not implemented yet")
}
