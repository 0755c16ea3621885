//! The four documents: context → template → DOCX bytes. Entry points for the CLI.
//!
//! The status report and the decision log are filled into Word templates (`super::wordtpl`): the
//! user's `.docx` from the `--templates` folder when it has one, else the built-in template of
//! the document's language. The evaluation form and the annual report still go the older way:
//! minijinja template → markup → docx-rs.

use super::chart::{self, ChartData};
use super::data::{self, Counts, DecisionLogOptions, StatusOptions};
use super::docx::{self as writer, Picture};
use super::package::{self, CoreProps};
use super::wordtpl::{self, builtin, documents::DocKind, Images};
use super::{markup, RenderError, ReportInput, Templates};
use std::collections::BTreeMap;
use std::sync::Arc;

pub use super::Rendered;

/// Largest Word template file read from a template folder.
pub const MAX_TEMPLATE_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The Word template of `kind`: the template folder's file when it has one, else the built-in
/// template in the input's language. Returns its name (for errors) and bytes.
pub fn word_template(
    t: &Templates,
    kind: DocKind,
    lang: super::Lang,
) -> Result<(String, Arc<Vec<u8>>), RenderError> {
    if let Some(p) = t.dir().and_then(|d| builtin::find(d, kind)) {
        let name = p.display().to_string();
        let bytes = crate::util::read_capped(&p, MAX_TEMPLATE_FILE_BYTES)
            .map_err(|source| RenderError::Io { path: name.clone(), source })?;
        return Ok((name, Arc::new(bytes)));
    }
    let file = builtin::BUILTIN.iter().find(|(k, _, _)| *k == kind).map(|(_, f, _)| *f).unwrap_or("");
    Ok((format!("built-in {file}"), builtin::template(kind, lang)?))
}

/// Fills the Word template of `kind` with `ctx`; the document's dates follow `ctx.created` and
/// its author is the partnership.
fn fill<S: serde::Serialize>(
    t: &Templates,
    input: &ReportInput,
    kind: DocKind,
    ctx: &S,
    images: &Images,
    file_name: String,
) -> Result<Rendered, RenderError> {
    let (name, template) = word_template(t, kind, input.lang)?;
    let ctx = serde_json::to_value(ctx)
        .map_err(|e| RenderError::Template { name: name.clone(), message: format!("context: {e}") })?;
    let bytes = wordtpl::render(&template, &name, &ctx, images)?;
    let date = ctx.get("created").and_then(|d| d.as_str());
    let bytes = wordtpl::set_core(&bytes, &name, date, Some(&input.register.partnership.name))?;
    Ok(Rendered { file_name, bytes, warnings: Vec::new() })
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
    let mut images = Images::new();
    if ctx.chart.is_some() {
        wordtpl::documents::chart_image(&mut images, input.lang, &ctx.areas, false)
            .map_err(|m| RenderError::Template { name: "status chart".into(), message: m })?;
    }
    fill(t, input, DocKind::StatusReport, &ctx, &images, "statusrapport.docx".into())
}

/// The decision log.
pub fn decision_log(
    t: &Templates,
    input: &ReportInput,
    opts: &DecisionLogOptions,
) -> Result<Rendered, RenderError> {
    let ctx = data::decision_log(input, opts);
    fill(t, input, DocKind::DecisionLog, &ctx, &Images::new(), "vedtakslogg.docx".into())
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
