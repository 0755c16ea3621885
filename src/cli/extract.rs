//! `saksflyt extract FILE...` and `saksflyt schema`.
//!
//! One file prints one pretty JSON record; several print JSON Lines (one record per line), in
//! the order given. A file that cannot be read is reported on stderr with its path and the
//! reason; the others are still printed, and the exit code is 1.

use clap::Args;
use saksflyt::config::Register;
use saksflyt::read::{read_bytes, Limits};
use saksflyt::record::Source;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt extract sak.docx\n  saksflyt extract papers/*.docx papers/*.txt > records.jsonl\n  saksflyt extract --config saksflyt.toml innkalling.docx"
)]
pub struct ExtractArgs {
    /// Documents to extract (.docx, .pdf, .txt, .md)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Committee register (TOML); default: ./saksflyt.toml if present, else the built-in one
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {}

pub fn run(a: ExtractArgs) -> anyhow::Result<ExitCode> {
    let register = Register::discover(a.config.as_deref())?;
    let limits = Limits::default();
    let many = a.files.len() > 1;
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &a.files {
        let started = std::time::Instant::now();
        let result = saksflyt::read::load(path, &limits).and_then(|bytes| {
            let doc = read_bytes(path, &bytes, &limits)?;
            Ok((doc, saksflyt::util::sha256_hex(&bytes)))
        });
        match result {
            Ok((doc, sha256)) => {
                let source = Source { path: path.display().to_string(), format: doc.format, sha256 };
                let record =
                    match saksflyt::store::ingest::extract_within(doc, source, &register, &limits, started) {
                        Ok(r) => r,
                        Err(e) => {
                            failed = true;
                            eprintln!("saksflyt: {}: {e}", path.display());
                            continue;
                        }
                    };
                let json = if many {
                    serde_json::to_string(&record)?
                } else {
                    serde_json::to_string_pretty(&record)?
                };
                writeln!(out, "{json}")?;
            }
            Err(e) => {
                failed = true;
                eprintln!("saksflyt: {}: {e}", path.display());
            }
        }
    }
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn schema(_a: SchemaArgs) -> anyhow::Result<ExitCode> {
    let schema = schemars::schema_for!(saksflyt::record::Record);
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}
