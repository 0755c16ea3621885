//! Stage 4 — **render**: records → templates → DOCX.
//!
//! Pure over data: [`ReportInput`] (records, decision log, register, language) in, DOCX bytes
//! out; no store, no clock, no file system except for template overrides read at start.
//! Steps: [`data`] builds each document's template context → [`templates`] renders minijinja
//! templates to the markup of [`markup`] → [`docx`] writes it with docx-rs → [`package`] zips it
//! byte-stably. [`chart`] draws the status chart; [`projection`] prints a DOCX as readable text
//! for tests.

pub mod chart;
pub mod dashboard;
pub mod data;
pub mod docs;
pub mod docx;
pub mod lang;
pub mod markup;
pub mod ooxml;
pub mod package;
pub mod projection;
pub mod templates;
pub mod wordtpl;

pub use data::{DecisionLogOptions, StatusOptions};
pub use lang::Lang;
pub use templates::Templates;

use crate::config::Register;
use crate::record::{LogEntry, Record};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("template {name} rendered invalid markup: {source}")]
    Markup { name: String, source: markup::MarkupError },
    #[error(transparent)]
    Chart(#[from] chart::ChartError),
    #[error("cannot package docx: {0}")]
    Package(String),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    WordTemplate(#[from] wordtpl::WordTplError),
}

/// One generated document.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Suggested file name (`evaluering-2024-fsu-barn.docx`).
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Non-fatal problems (e.g. a template asked for a chart that does not exist).
    pub warnings: Vec<String>,
}

/// Everything a document is made from.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub records: Vec<Record>,
    pub log: Vec<LogEntry>,
    pub register: Register,
    pub lang: Lang,
}
