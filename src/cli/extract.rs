//! `saksflyt extract FILE...` and `saksflyt schema`. (extract: issue 3.)

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// Documents to extract
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {}

pub fn run(_a: ExtractArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("extract is not implemented yet")
}

pub fn schema(_a: SchemaArgs) -> anyhow::Result<ExitCode> {
    let schema = schemars::schema_for!(saksflyt::record::Record);
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}
