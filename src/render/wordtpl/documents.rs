//! The data a Word template of each built-in document is filled with: the same contexts the
//! built-in templates get (`super::super::data`), as JSON, plus the status chart as the image
//! `status-chart` where the document has one.

use super::{Charts, Images};
use crate::render::chart::ChartData;
use crate::render::data::{self, AreaCtx};
use crate::render::{Lang, ReportInput};

/// The image name a placeholder picture carries as alt text to receive the status chart.
pub const STATUS_CHART: &str = "status-chart";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Evaluation,
    StatusReport,
    DecisionLog,
    AnnualReport,
}

impl DocKind {
    pub const ALL: [DocKind; 4] =
        [DocKind::Evaluation, DocKind::StatusReport, DocKind::DecisionLog, DocKind::AnnualReport];

    pub fn name(self) -> &'static str {
        match self {
            DocKind::Evaluation => "evaluation",
            DocKind::StatusReport => "status-report",
            DocKind::DecisionLog => "decision-log",
            DocKind::AnnualReport => "annual-report",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The document a template file is for, from its name (`evaluering.docx`,
    /// `vedtakslogg-mal.docx`, `status-report.docx`, `årsrapport.docx`).
    pub fn guess(file_name: &str) -> Option<DocKind> {
        let n = file_name.to_lowercase();
        if n.contains("evalu") {
            Some(DocKind::Evaluation)
        } else if n.contains("status") {
            Some(DocKind::StatusReport)
        } else if n.contains("vedtak") || n.contains("decision") {
            Some(DocKind::DecisionLog)
        } else if n.contains("årsrapport") || n.contains("arsrapport") || n.contains("annual") {
            Some(DocKind::AnnualReport)
        } else {
            None
        }
    }
}

/// A context, its images and its charts (drawn for their placeholders' boxes).
#[derive(Debug, Clone)]
pub struct Filling {
    pub ctx: serde_json::Value,
    pub images: Images,
    pub charts: Charts,
}

/// The context of document `kind`. `year` defaults to the latest year in the records; `fsu`
/// (a register code) to the first FSU with data for that year.
pub fn filling(
    kind: DocKind,
    input: &ReportInput,
    year: Option<i32>,
    fsu: Option<&str>,
) -> Result<Filling, String> {
    let year = year.or_else(|| input.latest_year());
    let json = |v: Result<serde_json::Value, serde_json::Error>| {
        v.map_err(|e| format!("cannot serialise the context: {e}"))
    };
    let images = Images::new();
    let mut charts = Charts::new();
    let ctx = match kind {
        DocKind::Evaluation => {
            let year = year.ok_or("no dated records: give the year")?;
            let codes: Vec<String> = match fsu {
                Some(c) => vec![c.to_string()],
                None => input.register.fsus().map(|c| c.code.clone()).collect(),
            };
            let ctx = codes
                .iter()
                .find_map(|c| data::evaluation(input, year, c))
                .ok_or_else(|| format!("no FSU with an evaluation for {year}"))?;
            json(serde_json::to_value(&ctx))?
        }
        DocKind::StatusReport => {
            let ctx = data::status_report(input, &Default::default());
            status_chart(&mut charts, input.lang, &ctx.areas, false);
            json(serde_json::to_value(&ctx))?
        }
        DocKind::DecisionLog => json(serde_json::to_value(data::decision_log(input, &Default::default())))?,
        DocKind::AnnualReport => {
            let year = year.ok_or("no dated records: give the year")?;
            let ctx = data::annual_report(input, year);
            status_chart(&mut charts, input.lang, &ctx.fsu_status, true);
            json(serde_json::to_value(&ctx))?
        }
    };
    Ok(Filling { ctx, images, charts })
}

/// The status chart of `areas` as chart `status-chart` (drawn when placed, at its
/// placeholder's aspect ratio); nothing when there are no areas.
pub fn status_chart(charts: &mut Charts, lang: Lang, areas: &[AreaCtx], fsu: bool) {
    if areas.is_empty() {
        return;
    }
    let (title, legend, axis) = match lang {
        Lang::Nb => (
            if fsu {
                "Status for tiltak per faglig samarbeidsutvalg"
            } else {
                "Status for tiltak per område"
            },
            ["Grønn", "Gul", "Rød"],
            "Antall tiltak",
        ),
        Lang::Nn => (
            if fsu {
                "Status for tiltak per fagleg samarbeidsutval"
            } else {
                "Status for tiltak per område"
            },
            ["Grøn", "Gul", "Raud"],
            "Tal på tiltak",
        ),
    };
    let data = ChartData {
        title: title.into(),
        areas: areas
            .iter()
            .map(|a| (a.name.clone(), [a.counts.green, a.counts.yellow, a.counts.red]))
            .collect(),
        legend: legend.map(String::from),
        axis: axis.into(),
    };
    charts.insert(STATUS_CHART.to_string(), data);
}
