//! The four documents: context → template → markup → DOCX bytes. Entry points for the CLI.

use super::chart::{self, ChartData};
use super::data::{self, Counts, DecisionLogOptions, StatusOptions};
use super::docx::{self as writer, Picture};
use super::package::{self, CoreProps};
use super::{markup, RenderError, ReportInput, Templates};
use std::collections::BTreeMap;

/// One generated document.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Suggested file name (`evaluering-2024-fsu-barn.docx`).
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Non-fatal problems (e.g. a template asked for a chart that does not exist).
    pub warnings: Vec<String>,
}

fn chart_words(input: &ReportInput, fsu: bool) -> (String, [String; 3], String) {
    match input.lang {
        super::Lang::Nb => (
            if fsu {
                "Status for tiltak per faglig samarbeidsutvalg"
            } else {
                "Status for tiltak per område"
            }
            .into(),
            ["Grønn".into(), "Gul".into(), "Rød".into()],
            "Antall tiltak".into(),
        ),
        super::Lang::Nn => (
            if fsu {
                "Status for tiltak per fagleg samarbeidsutval"
            } else {
                "Status for tiltak per område"
            }
            .into(),
            ["Grøn".into(), "Gul".into(), "Raud".into()],
            "Tal på tiltak".into(),
        ),
    }
}

fn status_chart(
    input: &ReportInput,
    areas: &[data::AreaCtx],
    fsu: bool,
) -> Result<BTreeMap<String, Picture>, RenderError> {
    let (title, legend, axis) = chart_words(input, fsu);
    let data = ChartData {
        title,
        areas: areas
            .iter()
            .map(|a| {
                let Counts { green, yellow, red, .. } = a.counts;
                (a.name.clone(), [green, yellow, red])
            })
            .collect(),
        legend,
        axis,
    };
    let (png, width_px, height_px) = chart::draw(&data)?;
    let mut m = BTreeMap::new();
    m.insert("status".to_string(), Picture { png, width_px, height_px });
    Ok(m)
}

/// Renders template `name` with `ctx` and writes the DOCX.
fn finish<S: serde::Serialize>(
    t: &Templates,
    input: &ReportInput,
    name: &str,
    ctx: &S,
    pictures: &BTreeMap<String, Picture>,
    file_name: String,
) -> Result<Rendered, RenderError> {
    let text = t.render(name, ctx)?;
    let m = markup::parse(&text).map_err(|source| RenderError::Markup { name: name.to_string(), source })?;
    let (docx, missing) = writer::build(&m, pictures);
    let props = CoreProps {
        title: m.title.clone(),
        subject: m.subject.clone(),
        creator: input.register.partnership.name.clone(),
        created: m.created.clone(),
        language: match input.lang {
            super::Lang::Nb => "nb-NO".into(),
            super::Lang::Nn => "nn-NO".into(),
        },
    };
    let alts = markup::image_alts(&m);
    let bytes =
        package::pack(docx.build(), &props, &alts).map_err(|e| RenderError::Package(e.to_string()))?;
    let warnings = missing.into_iter().map(|n| format!("{name}: no chart named {n:?}")).collect();
    Ok(Rendered { file_name, bytes, warnings })
}

/// The evaluation template for one FSU (register code).
pub fn evaluation(
    t: &Templates,
    input: &ReportInput,
    year: i32,
    code: &str,
) -> Result<Rendered, RenderError> {
    let ctx = data::evaluation(input, year, code).ok_or_else(|| RenderError::Template {
        name: "evaluation.xml.j2".into(),
        message: format!("no committee with code {code} in the register"),
    })?;
    let file = format!("evaluering-{year}-{}.docx", code.to_lowercase());
    finish(t, input, "evaluation.xml.j2", &ctx, &BTreeMap::new(), file)
}

/// The status report on action plans.
pub fn status_report(
    t: &Templates,
    input: &ReportInput,
    opts: &StatusOptions,
) -> Result<Rendered, RenderError> {
    let ctx = data::status_report(input, opts);
    let pictures =
        if ctx.chart.is_some() { status_chart(input, &ctx.areas, false)? } else { BTreeMap::new() };
    finish(t, input, "status-report.xml.j2", &ctx, &pictures, "statusrapport.docx".into())
}

/// The decision log.
pub fn decision_log(
    t: &Templates,
    input: &ReportInput,
    opts: &DecisionLogOptions,
) -> Result<Rendered, RenderError> {
    let ctx = data::decision_log(input, opts);
    finish(t, input, "decision-log.xml.j2", &ctx, &BTreeMap::new(), "vedtakslogg.docx".into())
}

/// The annual report for `year`.
pub fn annual_report(t: &Templates, input: &ReportInput, year: i32) -> Result<Rendered, RenderError> {
    let ctx = data::annual_report(input, year);
    let pictures =
        if ctx.chart.is_some() { status_chart(input, &ctx.fsu_status, true)? } else { BTreeMap::new() };
    let mut doc =
        finish(t, input, "annual-report.xml.j2", &ctx, &pictures, format!("arsrapport-{year}.docx"))?;
    for m in &ctx.grant_mismatches {
        doc.warnings.push(format!(
            "{}: grant table {:?}: rows add up to kr {} but the source's sum row says kr {}",
            m.source,
            m.caption.as_deref().unwrap_or(""),
            m.computed,
            m.stated
        ));
    }
    Ok(doc)
}

/// The FSUs (register codes) with an action plan covering `year`.
pub fn fsus_with_plans(input: &ReportInput, year: i32) -> Vec<String> {
    input
        .register
        .fsus()
        .filter(|d| data::fsu_plan_for_year(&input.register, &input.records, &d.code, year).is_some())
        .map(|d| d.code.clone())
        .collect()
}

/// Everything `run` writes: one evaluation form per FSU with a plan for `year` (every FSU
/// when `empty_forms`), the status report, the decision log and the annual report, in this
/// order.
pub fn all(
    t: &Templates,
    input: &ReportInput,
    year: i32,
    empty_forms: bool,
) -> Result<Vec<Rendered>, RenderError> {
    let mut out = Vec::new();
    let codes: Vec<String> = if empty_forms {
        input.register.fsus().map(|d| d.code.clone()).collect()
    } else {
        fsus_with_plans(input, year)
    };
    for code in codes {
        out.push(evaluation(t, input, year, &code)?);
    }
    out.push(status_report(t, input, &StatusOptions::default())?);
    out.push(decision_log(t, input, &DecisionLogOptions::default())?);
    out.push(annual_report(t, input, year)?);
    Ok(out)
}
