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
    let register = std::sync::Arc::new(super::load_config(a.config.as_deref())?);
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

/// The lexicon entries that stand in `text`: ` [lexicon: decision «vedtak», …]`, or nothing.
fn lexicon_note(text: &str, only: &[&str]) -> String {
    let hits: Vec<String> = saksflyt::lexicon::label_matches(text)
        .into_iter()
        .filter(|(c, _)| only.is_empty() || only.contains(c))
        .map(|(c, f)| format!("{c} «{f}»"))
        .collect();
    if hits.is_empty() {
        String::new()
    } else {
        format!(" [lexicon: {}]", hits.join(", "))
    }
}

/// Most blocks above a first point where its label (`Vedtak:`, `Forslag til vedtak`) is looked for.
const LABEL_LOOKBACK: usize = 3;

/// The block of the label above a proposal's or decision's first point, and the lexicon entries
/// it matched.
fn label_above(
    doc: &saksflyt::model::Document,
    at: Option<saksflyt::record::At>,
    concepts: &[&str],
) -> Option<String> {
    let block = at?.block as usize;
    (block.saturating_sub(LABEL_LOOKBACK)..=block).rev().find_map(|i| {
        let text = doc.blocks.get(i)?.text()?;
        let note = lexicon_note(text, concepts);
        (!note.is_empty()).then(|| {
            let at = saksflyt::record::At { block: i as u32, page: doc.blocks.get(i)?.pos().page };
            Some(format!("{}{note}", source_line(doc, Some(at))))
        })?
    })
}

/// The first block near the top whose text matches one of `concepts`, with the entries.
fn field_line(doc: &saksflyt::model::Document, concepts: &[&str], value: &str) -> Option<String> {
    let value = value.to_lowercase();
    doc.blocks.iter().enumerate().take(80).find_map(|(i, b)| {
        let text = match b {
            saksflyt::model::Block::Table(t) => {
                t.rows.iter().flat_map(|r| r.cells.iter().map(|c| c.text())).collect::<Vec<_>>().join(" ")
            }
            _ => b.text()?.to_string(),
        };
        let note = lexicon_note(&text, concepts);
        (!note.is_empty() && (value.is_empty() || text.to_lowercase().contains(&value))).then(|| {
            let at = saksflyt::record::At { block: i as u32, page: b.pos().page };
            format!("{}{note}", source_line(doc, Some(at)))
        })
    })
}

fn explain(r: &saksflyt::record::Record, doc: &saksflyt::model::Document) -> String {
    use saksflyt::lexicon::c as lc;
    use saksflyt::record::Point;
    use std::fmt::Write as _;
    fn points(out: &mut String, doc: &saksflyt::model::Document, what: &str, ps: &[Point], depth: usize) {
        if depth == 0 {
            let concepts: &[&str] =
                if what == "proposal" { &[lc::PROPOSER, lc::PROPOSAL] } else { &[lc::DECISION] };
            if let Some(label) = ps.first().and_then(|p| label_above(doc, p.at, concepts)) {
                let _ = writeln!(out, "  {what} label ← {label}");
            }
        }
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
        if let Some(l) = field_line(doc, &[lc::FIELD_COMMITTEE, lc::MINUTES, lc::INVITATION], "") {
            let _ = writeln!(out, "  ← {l}");
        }
    }
    if let Some(m) = &r.meeting {
        let _ = writeln!(out, "meeting: {} {}", m.date, m.start.as_deref().unwrap_or(""));
        if let Some(l) =
            field_line(doc, &[lc::FIELD_MEETING_DATE, lc::FIELD_DATE, lc::MEETING_HELD, lc::TREATMENT], "")
        {
            let _ = writeln!(out, "  ← {l}");
        }
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
            let note = lexicon_note(&v.text, &[]);
            let _ = writeln!(out, "    ← {}{note}", source_line(doc, v.at));
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
