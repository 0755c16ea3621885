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
    /// OCR of PDF pages without a text layer: auto (when tesseract is installed), off, require
    #[arg(long, value_enum, default_value = "auto")]
    pub ocr: super::OcrArg,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {}

pub fn run(a: ExtractArgs) -> anyhow::Result<ExitCode> {
    let register = Register::discover(a.config.as_deref())?;
    let limits = Limits { ocr: a.ocr.into(), ..Limits::default() };
    let many = a.files.len() > 1;
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &a.files {
        let result = std::fs::read(path).map_err(saksflyt::read::ReadError::from).and_then(|bytes| {
            if bytes.len() as u64 > limits.max_file_bytes {
                return Err(saksflyt::read::ReadError::TooLarge {
                    size: bytes.len() as u64,
                    limit: limits.max_file_bytes,
                });
            }
            let doc = read_bytes(path, &bytes, &limits)?;
            Ok((doc, saksflyt::util::sha256_hex(&bytes)))
        });
        match result {
            Ok((doc, sha256)) => {
                let source = Source { path: path.display().to_string(), format: doc.format, sha256 };
                let record = saksflyt::extract::extract(&doc, source, &register);
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
