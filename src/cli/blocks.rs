//! `saksflyt blocks FILE`: the block model as JSON.

use anyhow::Context;
use clap::Args;
use saksflyt::read::{read_file, Limits};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(after_help = "Example:\n  saksflyt blocks samples/ssu-innkalling-2025-09-10.docx | less")]
pub struct BlocksArgs {
    /// The document (.docx, .pdf, .txt, .md)
    pub file: PathBuf,
    /// Print compact JSON on one line
    #[arg(long)]
    pub compact: bool,
    /// OCR of PDF pages without a text layer: auto (when tesseract is installed), off, require
    #[arg(long, value_enum, default_value = "auto")]
    pub ocr: super::OcrArg,
}

pub fn run(a: BlocksArgs) -> anyhow::Result<ExitCode> {
    let doc = read_file(&a.file, &Limits { ocr: a.ocr.into(), ..Limits::default() })
        .with_context(|| a.file.display().to_string())?;
    let json = if a.compact { serde_json::to_string(&doc)? } else { serde_json::to_string_pretty(&doc)? };
    println!("{json}");
    Ok(ExitCode::SUCCESS)
}
