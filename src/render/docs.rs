//! The four documents: context → template → DOCX bytes. Entry points for the CLI.
//!
//! Every document is filled into a Word template (`super::wordtpl`): the user's `.docx` from the
//! `--templates` folder when it has one, else the built-in template of the document's language
//! (`super::wordtpl::builtin`). One way to make a document.

use super::data::{self, DecisionLogOptions, StatusOptions};
use super::wordtpl::{self, builtin, documents::DocKind, Charts, Images};
use super::{RenderError, ReportInput, Templates};
use std::sync::Arc;

pub use super::Rendered;

/// Largest Word template file read from a template folder.
pub const MAX_TEMPLATE_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Largest record (as JSON) of one paper that goes into the generated documents. A paper within
/// the read budget can still be so large (tens of thousands of points) that a document
/// listing it passes [`wordtpl::MAX_OUTPUT_BYTES`]; it is left out of the documents, named,
/// and stays in the store and `records.jsonl`, so the other papers' documents are written.
pub const MAX_PAPER_BYTES_IN_DOCUMENTS: u64 = crate::store::facts::MAX_PAPER_BYTES_IN_DOCUMENTS;

/// Leaves the papers whose record passes [`MAX_PAPER_BYTES_IN_DOCUMENTS`] (and the decision-log
/// entries only they are the source of) out of `input`; one message per paper, naming it.
pub fn leave_out_oversized(input: &mut ReportInput) -> Vec<String> {
    let mut dropped = std::collections::BTreeSet::new();
    let mut messages = Vec::new();
    input.records.retain(|r| {
        let size = serde_json::to_vec(r).map(|v| v.len() as u64).unwrap_or(u64::MAX);
        if size > MAX_PAPER_BYTES_IN_DOCUMENTS {
            messages.push(oversized_message(&r.source.path, size));
            dropped.insert(r.source.path.clone());
            false
        } else {
            true
        }
    });
    leave_out_log_of(&mut input.log, &dropped);
    messages
}

/// Fewest bytes of markup the built-in templates (the decision log, the status report and the
/// annual report, both languages) write for one listed decision-log entry besides its case
/// title and first line: its table row of eight or nine cells with their properties and
/// paragraphs. A lower bound, checked by rendering minimal entries (every field empty, each
/// status) in the unit test `a_listed_entry_costs_at_least_its_bound`.
pub const MIN_MARKUP_BYTES_PER_LISTED_ENTRY: u64 = 2_000;

/// The markup a listed entry's own words add at least: its case title and the first line of its
/// text (the documents' `title` and `head`), as the templates print them (`wordtpl::word_text`,
/// after `data::keep_amounts`).
pub fn listed_text_bytes(title: Option<&str>, text: &str) -> u64 {
    let head = data::keep_amounts(text.lines().next().unwrap_or(""));
    let title = title.map_or(0, |t| wordtpl::word_text(t).len());
    (title + wordtpl::word_text(&head).len()) as u64
}

/// The least markup a built-in template writes for `entries` listed entries whose words add
/// `text_bytes` ([`listed_text_bytes`]): a document past [`wordtpl::MAX_OUTPUT_BYTES`] by this
/// bound cannot be written, so it is refused before its entries are read.
pub fn listed_bytes_at_least(entries: u64, text_bytes: u64) -> u64 {
    entries.saturating_mul(MIN_MARKUP_BYTES_PER_LISTED_ENTRY).saturating_add(text_bytes)
}

/// What is said of a paper left out of the documents for its size.
pub fn oversized_message(path: &str, size: u64) -> String {
    format!(
        "{path}: left out of the generated documents: its record is {size} bytes, over the limit of {MAX_PAPER_BYTES_IN_DOCUMENTS} bytes per paper (it stays in the store)"
    )
}

/// Leaves out the decision-log entries whose sources are all among `dropped` papers.
pub fn leave_out_log_of(
    log: &mut Vec<crate::record::LogEntry>,
    dropped: &std::collections::BTreeSet<String>,
) {
    if !dropped.is_empty() {
        log.retain(|e| e.sources.is_empty() || !e.sources.iter().all(|s| dropped.contains(s)));
    }
}

/// The Word template of `kind`: the template folder's file when it has one, else the built-in
/// template in the input's language. Returns its name (for errors) and bytes.
pub fn word_template(
    t: &Templates,
    kind: DocKind,
    lang: super::Lang,
) -> Result<(String, Arc<Vec<u8>>), RenderError> {
    if let Some(p) = t.template_for(kind) {
        let name = p.display().to_string();
        let bytes = crate::util::read_capped(p, MAX_TEMPLATE_FILE_BYTES)
            .map_err(|source| RenderError::Io { path: name.clone(), source })?;
        return Ok((name, Arc::new(bytes)));
    }
    let file = builtin::file_name(kind);
    Ok((format!("built-in {file}"), builtin::template(kind, lang)?))
}

/// Fills the Word template of `kind` with `ctx`; the document's dates follow `ctx.created` and
/// its author is the partnership. The typed context is dropped once it is turned into JSON, so
/// a large document does not keep it alive while it is rendered.
fn fill<S: serde::Serialize>(
    t: &Templates,
    input: &ReportInput,
    kind: DocKind,
    ctx: S,
    charts: &Charts,
    file_name: String,
) -> Result<Rendered, RenderError> {
    fill_as(t, (input.lang, &input.register.partnership.name), kind, ctx, charts, file_name)
}

/// [`fill`] for a document in language `lang` by partnership `author`, its input already
/// dropped.
fn fill_as<S: serde::Serialize>(
    t: &Templates,
    (lang, author): (super::Lang, &str),
    kind: DocKind,
    ctx: S,
    charts: &Charts,
    file_name: String,
) -> Result<Rendered, RenderError> {
    let (name, template) = word_template(t, kind, lang)?;
    let json = serde_json::to_value(&ctx)
        .map_err(|e| RenderError::Template { name: name.clone(), message: format!("context: {e}") })?;
    // the typed context goes here, not at the end of the render (a shadowing `let` kept it)
    drop(ctx);
    let ctx = json;
    let created = ctx.get("created").and_then(|d| d.as_str()).map(str::to_string);
    let stamp = wordtpl::Stamp { date: created.as_deref(), creator: Some(author), mark: true };
    let bytes = wordtpl::render_stamped_owned(&template, &name, ctx, &Images::new(), charts, &stamp)?;
    Ok(Rendered { file_name, bytes, warnings: Vec::new() })
}

/// The evaluation template for one FSU (register code).
pub fn evaluation(
    t: &Templates,
    input: &ReportInput,
    year: i32,
    code: &str,
) -> Result<Rendered, RenderError> {
    let ctx = data::evaluation(input, year, code).ok_or_else(|| RenderError::Template {
        name: "evaluering.docx".into(),
        message: format!("no committee with code {code} in the register"),
    })?;
    let file = format!("evaluering-{year}-{}.docx", code.to_lowercase());
    fill(t, input, DocKind::Evaluation, ctx, &Charts::new(), file)
}

/// The status report on action plans.
pub fn status_report(
    t: &Templates,
    input: &ReportInput,
    opts: &StatusOptions,
) -> Result<Rendered, RenderError> {
    let ctx = data::status_report(input, opts);
    status_report_of(t, (input.lang, &input.register.partnership.name), ctx)
}

/// The context `make` builds from `input`, with the document's language and author (the
/// partnership); `input` is dropped before the document is rendered (the `*_owned` documents).
fn context_dropping<C>(input: ReportInput, make: impl FnOnce(&ReportInput) -> C) -> (C, super::Lang, String) {
    let ctx = make(&input);
    (ctx, input.lang, input.register.partnership.name)
}

/// [`status_report`] taking the input: it is dropped once the document's context is made, so
/// the records and entries are not held while the document is rendered.
pub fn status_report_owned(
    t: &Templates,
    input: ReportInput,
    opts: &StatusOptions,
) -> Result<Rendered, RenderError> {
    let ctx = data::status_report(&input, opts);
    status_report_made(t, input, ctx)
}

/// [`status_report_owned`] with the context already made from `input` (the command makes it
/// to tell an empty report first): `input` is dropped, and the context is not made twice.
pub fn status_report_made(
    t: &Templates,
    input: ReportInput,
    ctx: data::StatusCtx,
) -> Result<Rendered, RenderError> {
    let (ctx, lang, author) = context_dropping(input, |_| ctx);
    status_report_of(t, (lang, &author), ctx)
}

fn status_report_of(
    t: &Templates,
    (lang, author): (super::Lang, &str),
    ctx: data::StatusCtx,
) -> Result<Rendered, RenderError> {
    let mut charts = Charts::new();
    if ctx.chart.is_some() {
        wordtpl::documents::status_chart(&mut charts, lang, &ctx.areas, false);
    }
    fill_as(t, (lang, author), DocKind::StatusReport, ctx, &charts, "statusrapport.docx".into())
}

/// The decision log.
pub fn decision_log(
    t: &Templates,
    input: &ReportInput,
    opts: &DecisionLogOptions,
) -> Result<Rendered, RenderError> {
    let ctx = data::decision_log(input, opts);
    fill(t, input, DocKind::DecisionLog, ctx, &Charts::new(), "vedtakslogg.docx".into())
}

/// [`decision_log`] taking the input: it is dropped once the document's context is made.
pub fn decision_log_owned(
    t: &Templates,
    input: ReportInput,
    opts: &DecisionLogOptions,
) -> Result<Rendered, RenderError> {
    let (ctx, lang, author) = context_dropping(input, |i| data::decision_log(i, opts));
    fill_as(t, (lang, &author), DocKind::DecisionLog, ctx, &Charts::new(), "vedtakslogg.docx".into())
}

/// The annual report for `year`.
pub fn annual_report(t: &Templates, input: &ReportInput, year: i32) -> Result<Rendered, RenderError> {
    let ctx = data::annual_report(input, year);
    annual_report_of(t, (input.lang, &input.register.partnership.name), ctx, year)
}

/// [`annual_report`] taking the input: it is dropped once the document's context is made (the
/// year's papers are the larger part of the process's memory until then).
pub fn annual_report_owned(t: &Templates, input: ReportInput, year: i32) -> Result<Rendered, RenderError> {
    let (ctx, lang, author) = context_dropping(input, |i| data::annual_report(i, year));
    annual_report_of(t, (lang, &author), ctx, year)
}

fn annual_report_of(
    t: &Templates,
    (lang, author): (super::Lang, &str),
    ctx: data::AnnualCtx,
    year: i32,
) -> Result<Rendered, RenderError> {
    let mut charts = Charts::new();
    if ctx.chart.is_some() {
        wordtpl::documents::status_chart(&mut charts, lang, &ctx.fsu_status, true);
    }
    let warnings: Vec<String> = ctx
        .grant_mismatches
        .iter()
        .map(|m| {
            format!(
                "{}: grant table {:?}: rows add up to kr {} but the source's sum row says kr {}",
                m.source,
                m.caption.as_deref().unwrap_or(""),
                m.computed,
                m.stated
            )
        })
        .collect();
    let mut doc =
        fill_as(t, (lang, author), DocKind::AnnualReport, ctx, &charts, format!("arsrapport-{year}.docx"))?;
    doc.warnings.extend(warnings);
    Ok(doc)
}

/// The FSUs (register codes) with an action plan covering `year`.
pub fn fsus_with_plans(input: &ReportInput, year: i32) -> Vec<String> {
    input
        .register
        .fsus()
        .filter(|d| data::fsu_plan_in(&input.register, input.current_plans(), &d.code, year).is_some())
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
    each(t, input, year, empty_forms).into_iter().collect()
}

/// [`all`], each document on its own: one that fails (a template error, the output limit)
/// leaves the others.
pub fn each(
    t: &Templates,
    input: &ReportInput,
    year: i32,
    empty_forms: bool,
) -> Vec<Result<Rendered, RenderError>> {
    let mut out = Vec::new();
    let codes: Vec<String> = if empty_forms {
        input.register.fsus().map(|d| d.code.clone()).collect()
    } else {
        fsus_with_plans(input, year)
    };
    for code in codes {
        out.push(evaluation(t, input, year, &code));
    }
    out.push(status_report(t, input, &StatusOptions::default()));
    out.push(decision_log(t, input, &DecisionLogOptions::default()));
    out.push(annual_report(t, input, year));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Committee, LogEntry, LogStatus, PointKind};
    use crate::render::Lang;

    /// An entry with every field the templates print empty: the least a listed entry can cost.
    fn minimal(status: LogStatus, title: Option<&str>, text: &str) -> LogEntry {
        LogEntry {
            committee: Some(Committee { code: Some(String::new()), name: String::new() }),
            meeting_date: None,
            case: None,
            case_title: title.map(str::to_string),
            kind: PointKind::Decision,
            label: None,
            text: text.to_string(),
            sub_points: Vec::new(),
            responsible: None,
            deadline: None,
            status,
            follow_ups: Vec::new(),
            routine: false,
            reason: None,
            as_of: None,
            deadline_moved: None,
            sources: Vec::new(),
        }
    }

    /// The markup bytes of each built-in document listing `log`.
    fn markup(lang: Lang, log: Vec<LogEntry>) -> Vec<(DocKind, usize)> {
        let input = ReportInput {
            records: Vec::new(),
            log,
            register: crate::config::Register::default(),
            lang,
            facts: None,
        };
        let contexts = [
            (DocKind::DecisionLog, serde_json::to_value(data::decision_log(&input, &Default::default()))),
            (DocKind::StatusReport, serde_json::to_value(data::status_report(&input, &Default::default()))),
            (DocKind::AnnualReport, serde_json::to_value(data::annual_report(&input, 2025))),
        ];
        contexts
            .into_iter()
            .map(|(kind, ctx)| {
                let template = builtin::template(kind, lang).unwrap();
                (kind, wordtpl::markup_bytes(&template, "built-in", &ctx.unwrap()).unwrap())
            })
            .collect()
    }

    #[test]
    fn the_status_report_from_a_made_context_is_the_same_document() {
        let input = || ReportInput {
            records: Vec::new(),
            log: vec![
                minimal(LogStatus::Open, Some("Sak"), "Første punkt"),
                minimal(LogStatus::Overdue, None, "Andre punkt"),
            ],
            register: crate::config::Register::default(),
            lang: Lang::Nn,
            facts: None,
        };
        let t = Templates::default();
        let opts = StatusOptions::default();
        let owned = status_report_owned(&t, input(), &opts).unwrap();
        let made = input();
        let ctx = data::status_report(&made, &opts);
        let from = status_report_made(&t, made, ctx).unwrap();
        assert_eq!(owned.file_name, from.file_name);
        assert!(owned.bytes == from.bytes, "the same bytes");
        let empty = status_report_owned(&t, ReportInput { log: Vec::new(), ..input() }, &opts).unwrap();
        assert!(empty.bytes != from.bytes, "the entries are in the document");
    }

    #[test]
    fn a_listed_entry_costs_at_least_its_bound() {
        // the documents list open and overdue entries; the decision log every status
        let statuses = [
            LogStatus::Open,
            LogStatus::Overdue,
            LogStatus::FollowedUp,
            LogStatus::Placeholder,
            LogStatus::Routine,
            LogStatus::Resolved,
        ];
        let words = [
            (None, ""),
            (Some("Tittel & <sak>"), "Første linje\r\nandre\tlinje"),
            (Some("\u{1}"), "1 000 kr"),
        ];
        let n = 3;
        let mut least = u64::MAX;
        for lang in [Lang::Nb, Lang::Nn] {
            let base = markup(lang, vec![minimal(LogStatus::Open, None, "")]);
            for status in statuses {
                for (title, text) in words {
                    let mut log = vec![minimal(LogStatus::Open, None, "")];
                    log.extend((0..n).map(|_| minimal(status, title, text)));
                    for ((kind, before), (_, after)) in base.iter().zip(markup(lang, log)) {
                        let listed = match kind {
                            DocKind::DecisionLog => true,
                            _ => matches!(status, LogStatus::Open | LogStatus::Overdue),
                        };
                        if !listed {
                            continue;
                        }
                        let grew = (after - before) as u64;
                        let bound = listed_bytes_at_least(n, n * listed_text_bytes(title, text));
                        assert!(
                            grew >= bound,
                            "{kind:?} {lang:?} {status:?} {title:?}: {n} entries added {grew} bytes, under the bound {bound}"
                        );
                        least = least.min(grew / n - listed_text_bytes(title, text));
                    }
                }
            }
        }
        // the bound stays close to what a row costs (2,086 bytes when it was set): a bound far
        // below it would refuse too little
        assert!(
            least < MIN_MARKUP_BYTES_PER_LISTED_ENTRY + MIN_MARKUP_BYTES_PER_LISTED_ENTRY / 10,
            "a row costs at least {least} bytes: raise MIN_MARKUP_BYTES_PER_LISTED_ENTRY"
        );
        eprintln!("least markup per listed entry besides its words: {least} bytes");
    }
}
