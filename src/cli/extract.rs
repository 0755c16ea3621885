//! `saksflyt extract FILE...` and `saksflyt schema`.
//!
//! One file prints one pretty JSON record; several print JSON Lines (one record per line), in
//! the order given. A file that cannot be read is reported on stderr with its path and the
//! reason; the others are still printed, and the exit code is 1.

use clap::Args;
use saksflyt::read::{read_bytes, Limits};
use saksflyt::record::Source;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt extract samples/ssu-protokoll-2025-11-12.docx\n  saksflyt extract --explain samples/ssu-protokoll-2025-11-12.txt\n  saksflyt extract papers/*.docx papers/*.txt > records.jsonl\n  saksflyt extract --config saksflyt.toml innkalling.docx"
)]
pub struct ExtractArgs {
    /// Documents to extract (.docx, .pdf, .txt, .md)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Committee register (TOML); default: ./saksflyt.toml if present, else the built-in one
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Instead of JSON, show each case, point, vote and plan item with the line it was read
    /// from (block index, and the line, paragraph or page in the file)
    #[arg(long)]
    pub explain: bool,
    /// OCR of PDF pages without a text layer: auto (when tesseract is installed), off, require
    #[arg(long, value_enum, default_value = "auto")]
    pub ocr: super::OcrArg,
}

#[derive(Args, Debug)]
#[command(after_help = "Example:\n  saksflyt schema > record.schema.json")]
pub struct SchemaArgs {}

pub fn run(a: ExtractArgs) -> anyhow::Result<ExitCode> {
    let register = super::load_config(a.config.as_deref())?;
    let limits = Limits { ocr: a.ocr.into(), ..Limits::default() };
    let many = a.files.len() > 1;
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &a.files {
        let result = saksflyt::read::load(path, &limits).and_then(|bytes| {
            let doc = read_bytes(path, &bytes, &limits)?;
            Ok((doc, saksflyt::util::sha256_hex(&bytes)))
        });
        match result {
            Ok((doc, sha256)) => {
                let source = Source { path: path.display().to_string(), format: doc.format, sha256 };
                let explain_doc = a.explain.then(|| doc.clone());
                let record = match saksflyt::store::ingest::extract_within(doc, source, &register, &limits) {
                    Ok(r) => r,
                    Err(e) => {
                        failed = true;
                        eprintln!(
                            "{}",
                            saksflyt::util::escape_controls(&format!("saksflyt: {}: {e}", path.display()))
                        );
                        continue;
                    }
                };
                if let Some(doc) = &explain_doc {
                    write!(out, "{}", explain(&record, doc))?;
                    continue;
                }
                let json = if many {
                    serde_json::to_string(&record)?
                } else {
                    serde_json::to_string_pretty(&record)?
                };
                writeln!(out, "{json}")?;
            }
            Err(e) => {
                failed = true;
                eprintln!(
                    "{}",
                    saksflyt::util::escape_controls(&format!("saksflyt: {}: {e}", path.display()))
                );
            }
        }
    }
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Where a value was read, as a secretariat checks it: the block, its place in the file and the
/// start of its text.
fn source_line(doc: &saksflyt::model::Document, at: Option<saksflyt::record::At>) -> String {
    use saksflyt::model::{Block, Format};
    let Some(at) = at else { return "(no position)".to_string() };
    let Some(b) = doc.blocks.get(at.block as usize) else { return format!("block {}", at.block) };
    let pos = b.pos();
    let place = match (doc.format, pos.page) {
        (_, Some(p)) => format!("page {p}"),
        (Format::Text, None) => format!("line {}", pos.index),
        (_, None) => format!("paragraph {}", pos.index + 1),
    };
    let text = match b {
        Block::Table(t) => format!("[table, {} rows]", t.rows.len()),
        _ => b.text().unwrap_or_default().to_string(),
    };
    let short: String = text.chars().take(90).collect();
    let more = if text.chars().count() > 90 { "…" } else { "" };
    format!("block {} ({place}): \"{short}{more}\"", at.block)
}

fn explain(r: &saksflyt::record::Record, doc: &saksflyt::model::Document) -> String {
    use saksflyt::record::Point;
    use std::fmt::Write as _;
    fn points(out: &mut String, doc: &saksflyt::model::Document, what: &str, ps: &[Point], depth: usize) {
        for p in ps {
            let label = p.label.clone().unwrap_or_else(|| "•".to_string());
            let text: String =
                if p.placeholder { "(placeholder)".to_string() } else { p.text.chars().take(60).collect() };
            let _ = writeln!(out, "{:indent$}{what} {label} {text}", "", indent = 2 + depth * 2);
            let _ = writeln!(out, "{:indent$}  ← {}", "", source_line(doc, p.at), indent = 2 + depth * 2);
            points(out, doc, what, &p.children, depth + 1);
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}, {} blocks)", r.source.path, r.kind.as_str(), doc.blocks.len());
    if let Some(c) = &r.committee {
        let _ = writeln!(
            out,
            "committee: {}{}",
            c.name,
            c.code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default()
        );
    }
    if let Some(m) = &r.meeting {
        let _ = writeln!(out, "meeting: {} {}", m.date, m.start.as_deref().unwrap_or(""));
    }
    for c in &r.cases {
        let num = c.number.as_ref().map_or("(no number)".to_string(), |n| n.key());
        let _ = writeln!(out, "case {num}: {}", c.title.as_deref().unwrap_or(""));
        let _ = writeln!(out, "  ← {}", source_line(doc, c.at));
        points(&mut out, doc, "proposal", &c.proposal, 0);
        points(&mut out, doc, "decision", &c.decision, 0);
        for v in &c.votes {
            let count = match (v.for_, v.against) {
                (Some(f), Some(a)) => format!("{f}–{a}"),
                _ if v.unanimous => "unanimous".to_string(),
                _ => "?".to_string(),
            };
            let adopted = match v.adopted {
                Some(true) => ", adopted",
                Some(false) => ", not adopted",
                None => "",
            };
            let _ = writeln!(out, "  vote {count}{adopted}");
            let _ = writeln!(out, "    ← {}", source_line(doc, v.at));
        }
    }
    for p in &r.plans {
        let _ = writeln!(out, "plan: {}", p.title);
        for i in &p.items {
            let status = i.status.map_or("-", |s| s.as_str());
            let m: String = i.measure.chars().take(60).collect();
            let _ = writeln!(out, "  item [{status}] {m}");
            let _ = writeln!(out, "    ← {}", source_line(doc, i.at));
        }
    }
    out
}

pub fn schema(_a: SchemaArgs) -> anyhow::Result<ExitCode> {
    let schema = schemars::schema_for!(saksflyt::record::Record);
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}
