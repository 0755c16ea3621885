//! The command line: argument definitions and glue. The work lives in the library; only this
//! layer knows about paths given by the user, terminal output and exit codes
//! (0 ok, 1 input error, 2 usage error).

mod blocks;
mod dashboard;
mod extract;
mod ingest;
mod reports;
mod run;
mod wordtpl;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "saksflyt",
    version,
    about = "Committee papers in, records, decision log and Word documents out",
    long_about = "saksflyt reads committee papers of health partnerships (DOCX, PDF, text), extracts \
case numbers, proposed and adopted decisions, agendas, action plans and tables, keeps them in an \
embedded SQLite store with a decision log, and generates standard Word documents.",
    after_help = "Examples:\n  saksflyt run samples --out out\n  saksflyt blocks samples/asu-innkalling.docx\n  saksflyt extract papers/*.docx > records.jsonl"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a document's block model as JSON (headings, paragraphs, list items, tables)
    Blocks(blocks::BlocksArgs),
    /// Extract records (the JSON contract) from documents
    Extract(extract::ExtractArgs),
    /// Print the JSON Schema of the record contract
    Schema(extract::SchemaArgs),
    /// Read folders of papers into the store (SQLite), in parallel
    Ingest(ingest::IngestArgs),
    /// Show the decision log (vedtakslogg) from the store
    Log(ingest::LogArgs),
    /// Export all records from the store as JSON Lines
    Export(ingest::ExportArgs),
    /// Write the yearly evaluation template for each FSU (DOCX)
    Evaluation(reports::EvaluationArgs),
    /// Write the status report on action plans (DOCX)
    StatusReport(reports::StatusReportArgs),
    /// Write the decision log as a Word document (DOCX)
    DecisionLog(reports::DecisionLogArgs),
    /// Write the annual report to the partnerskapsmøte (DOCX)
    AnnualReport(reports::AnnualReportArgs),
    /// Export or list the built-in templates
    Templates(reports::TemplatesArgs),
    /// Write the monitoring dashboard: one self-contained HTML file (DIR/dashboard.html)
    Dashboard(dashboard::DashboardArgs),
    /// The whole job: ingest, export records and write all documents into one folder
    Run(run::RunArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Blocks(a) => blocks::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Schema(a) => extract::schema(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Log(a) => ingest::log(a),
        Command::Export(a) => ingest::export(a),
        Command::Evaluation(a) => reports::evaluation(a),
        Command::StatusReport(a) => reports::status_report(a),
        Command::DecisionLog(a) => reports::decision_log(a),
        Command::AnnualReport(a) => reports::annual_report(a),
        Command::Templates(a) => reports::templates(a),
        Command::Dashboard(a) => dashboard::run(a),
        Command::Run(a) => run::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("saksflyt: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// `--ocr` of the reading commands (PDF pages without a text layer).
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum OcrArg {
    /// Read scanned pages with tesseract when it is installed; otherwise warn how to enable it
    Auto,
    /// Never run OCR; scanned pages only give a warning
    Off,
    /// Fail on a scanned page that cannot be read with OCR
    Require,
}

impl From<OcrArg> for saksflyt::read::Ocr {
    fn from(a: OcrArg) -> Self {
        match a {
            OcrArg::Auto => saksflyt::read::Ocr::Auto,
            OcrArg::Off => saksflyt::read::Ocr::Off,
            OcrArg::Require => saksflyt::read::Ocr::Require,
        }
    }
}
