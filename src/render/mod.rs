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
///
/// Without `facts`, `records` are all the papers and what every document needs besides
/// (current plans, dates, newest years) is derived from them here. With `facts` (read from
/// the store, `store::facts`), those come from the facts and `records` holds only the papers
/// the documents at hand read (a year's papers, the plan papers); `log` may likewise hold only
/// the entries they show.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub records: Vec<Record>,
    pub log: Vec<LogEntry>,
    pub register: Register,
    pub lang: Lang,
    pub facts: Option<crate::store::facts::Facts>,
}

impl ReportInput {
    /// The papers of `records` (one per paper): as given with facts (the store's papers),
    /// else reduced here.
    pub fn papers(&self) -> std::borrow::Cow<'_, [Record]> {
        match &self.facts {
            Some(_) => std::borrow::Cow::Borrowed(&self.records),
            None => std::borrow::Cow::Owned(crate::store::derive::papers(&self.records)),
        }
    }

    /// The papers that define the traffic-light colours: the store's (any year) with facts,
    /// else those among `records`.
    pub fn legend_papers(&self) -> std::borrow::Cow<'_, [Record]> {
        match &self.facts {
            Some(f) => std::borrow::Cow::Borrowed(&f.legend_papers),
            None => std::borrow::Cow::Owned(
                self.records.iter().filter(|r| !r.status_legend.is_empty()).cloned().collect(),
            ),
        }
    }

    /// The current plans ([`crate::store::derive::current_plans`]).
    pub fn current_plans(&self) -> Vec<crate::store::derive::CurrentPlan> {
        match &self.facts {
            Some(f) => f.current_plans.clone(),
            None => crate::store::derive::current_plans(&self.records),
        }
    }

    /// The newest meeting or case date of the papers, optionally not after `until`
    /// ([`data::newest_date`]).
    pub fn newest_date(&self, until: Option<&str>) -> Option<String> {
        match &self.facts {
            Some(f) => f
                .dates
                .iter()
                .map(|(d, _)| d)
                .filter(|d| lang::parse_iso_date(d).is_some())
                .filter(|d| until.is_none_or(|u| d.as_str() <= u))
                .max()
                .cloned(),
            None => data::newest_date(&self.records, until),
        }
    }

    /// The date the decision log's statuses are true for ([`crate::store::log::as_of`]).
    pub fn as_of(&self) -> Option<String> {
        match &self.facts {
            Some(f) => f
                .dates
                .iter()
                .filter(|(d, form)| !form && crate::store::log::is_date(d))
                .map(|(d, _)| d)
                .max()
                .cloned(),
            None => crate::store::log::as_of(&self.records),
        }
    }

    /// The latest year of the data ([`data::latest_year`]).
    pub fn latest_year(&self) -> Option<i32> {
        match &self.facts {
            Some(f) => {
                let dates = f
                    .dates
                    .iter()
                    .filter(|(d, form)| !form && lang::parse_iso_date(d).is_some())
                    .map(|(d, _)| d)
                    .max()
                    .and_then(|d| lang::parse_iso_date(d).map(|(y, _, _)| y));
                dates.max(f.case_year).max(f.form_year)
            }
            None => data::latest_year(&self.records),
        }
    }
}
