//! Action plans: tables with columns like Mål / Delmål / Tiltak / Tiltaksbeskrivelse / Status /
//! Ansvar / Frist, and — in documents that are plans (`handlingsplan`, `tiltaksplan` in the
//! title) without cases — heading-plus-bullets plans (a goal heading followed by measures).
//! Status comes from the status cell's shading, else its words or symbols, else the measure
//! cell's shading. The period (`2022 – 2024`) comes from the plan's title or the document's.

use super::{case::heading_like, fold, prefilter::Words, tables, Flat, Line, LineKind};
use crate::lexicon::{self, c as lc};
use crate::model::Cell;
use crate::record::{Period, Plan, PlanItem};
use regex::Regex;
use std::sync::LazyLock;

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:19|20)[0-9][0-9])\s*[-–—/]\s*((?:19|20)[0-9][0-9])\b").expect("valid regex")
});

/// `2022 – 2024`, `2023-2026` in `text`.
pub fn period(text: &str) -> Option<Period> {
    let c = PERIOD.captures(text)?;
    let from: i32 = c.get(1)?.as_str().parse().ok()?;
    let to: i32 = c.get(2)?.as_str().parse().ok()?;
    (to >= from && to - from <= 20).then_some(Period { from, to })
}

#[derive(Default)]
struct Cols {
    goal: Option<usize>,
    subgoal: Option<usize>,
    measure: Option<usize>,
    status: Option<usize>,
    responsible: Option<usize>,
    deadline: Option<usize>,
}

fn cols(head: &[Option<&Cell>]) -> Option<Cols> {
    let mut c = Cols::default();
    for (i, cell) in head.iter().enumerate() {
        let k = fold(&cell.map(|c| c.text()).unwrap_or_default()).to_lowercase();
        let k = k.trim_end_matches(['.', ':']);
        let first = k.split([' ', '/', '(']).next().unwrap_or("");
        match first {
            "mål" | "hovudmål" | "hovedmål" | "innsatsområde" | "område" | "målsetting"
                if c.goal.is_none() =>
            {
                c.goal = Some(i)
            }
            "delmål" => c.subgoal = Some(i),
            "tiltak" | "tiltaksbeskrivelse" | "tiltaksbeskriving" | "aktivitet" | "aktiviteter"
            | "tiltak/aktivitet"
                if c.measure.is_none() =>
            {
                c.measure = Some(i)
            }
            "status" | "måloppnåelse" | "måloppnåing" | "framdrift" | "fremdrift" if c.status.is_none() => {
                c.status = Some(i)
            }
            "ansvar" | "ansvarlig" | "ansvarleg" | "eier" | "eigar" if c.responsible.is_none() => {
                c.responsible = Some(i)
            }
            "frist" | "tidsfrist" | "når" | "tidsplan" | "tidsperiode" | "tid" if c.deadline.is_none() => {
                c.deadline = Some(i)
            }
            _ => {}
        }
    }
    let others =
        [c.goal, c.subgoal, c.status, c.responsible, c.deadline].iter().filter(|x| x.is_some()).count();
    (c.measure.is_some() && others >= 1).then_some(c)
}

/// The short heading or paragraph just before table `ti`, as its caption.
pub fn caption_before(lines: &[Line], ti: usize) -> Option<String> {
    let at = lines.iter().position(|l| l.table == Some(ti))?;
    let prev = lines.get(..at)?.iter().rev().take(2).find(|l| l.kind != LineKind::Table)?;
    (prev.text.chars().count() <= 150 && !prev.is_item()).then(|| prev.text.clone())
}

fn doc_title(lines: &[Line]) -> String {
    lines
        .iter()
        .find(|l| !l.text.is_empty() && l.kind != LineKind::Table)
        .map(|l| l.text.clone())
        .unwrap_or_default()
}

/// Plans in the document and the indices of the tables they came from.
pub fn extract(flat: &Flat, has_cases: bool) -> (Vec<Plan>, Vec<usize>) {
    let mut plans = Vec::new();
    let mut used = Vec::new();
    let title0 = doc_title(&flat.lines);
    for (ti, t) in flat.tables.iter().enumerate() {
        let grid = t.grid();
        let Some(head) = grid.first() else { continue };
        let Some(c) = cols(head) else { continue };
        used.push(ti);
        let title = caption_before(&flat.lines, ti).unwrap_or_else(|| title0.clone());
        let table_at = flat.lines.iter().find(|l| l.table == Some(ti)).and_then(|l| l.at);
        let mut items = Vec::new();
        let text_of = |row: &[Option<&Cell>], i: Option<usize>| -> Option<String> {
            let s = tables::squash(&row.get(i?).copied().flatten()?.text());
            (!s.is_empty()).then_some(s)
        };
        let mut last_goal: Option<String> = None;
        for row in grid.iter().skip(1) {
            let Some(measure) = text_of(row, c.measure) else { continue };
            // a row broken by a page: only the measure, going on in lower case
            let alone =
                (0..row.len()).filter(|i| Some(*i) != c.measure).all(|i| text_of(row, Some(i)).is_none());
            if alone && measure.starts_with(char::is_lowercase) {
                if let Some(prev) = items.last_mut() {
                    let prev: &mut PlanItem = prev;
                    prev.measure.push(' ');
                    prev.measure.push_str(&measure);
                    continue;
                }
            }
            // a goal cell left empty under a merged or repeated goal carries the one above
            let main = match text_of(row, c.goal) {
                Some(g) => {
                    last_goal = Some(carried(&g));
                    Some(g)
                }
                None => last_goal.clone(),
            };
            let goal = match (main, text_of(row, c.subgoal)) {
                (Some(g), Some(s)) => Some(format!("{g} – {s}")),
                (g, s) => g.or(s),
            };
            let status_cell = c.status.and_then(|i| row.get(i).copied().flatten());
            let measure_cell = c.measure.and_then(|i| row.get(i).copied().flatten());
            let status_text = text_of(row, c.status);
            let status = status_cell
                .and_then(|s| s.fill.as_deref())
                .and_then(tables::status_from_fill)
                .or_else(|| status_text.as_deref().and_then(tables::status_from_text))
                .or_else(|| measure_cell.and_then(|m| m.fill.as_deref()).and_then(tables::status_from_fill));
            items.push(PlanItem {
                goal,
                measure,
                status,
                status_text: status_text.filter(|t| !tables::only_names_status(t)),
                responsible: text_of(row, c.responsible),
                deadline: text_of(row, c.deadline),
                at: table_at,
                ..PlanItem::default()
            });
        }
        // the plan's caption, the document's first line, or its first heading (a browser prints
        // the paper's page header above the title once, as a line of the body)
        let first_heading = flat.lines.iter().find(|l| matches!(l.kind, LineKind::Heading(_)));
        let period = period(&title)
            .or_else(|| period(&title0))
            .or_else(|| first_heading.and_then(|l| period(&l.text)));
        plans.push(Plan { title, period, owner: None, items, ..Plan::default() });
    }
    if plans.is_empty() && !has_cases && has_plan_word(&title0) {
        if let Some(p) = heading_plan(&flat.lines, &title0, false) {
            plans.push(p);
        }
    }
    if plans.is_empty() {
        // a plan written as prose (inside a case paper, or a paper whose first line names no
        // plan): a heading naming a plan (`Handlingsdel 2026–2027`), or a lead-in naming the
        // plan's measures (`Følgjande tiltak inngår i handlingsplanen:`), then goal or area
        // headings with bullet measures, up to the proposal or decision
        // the plan word first: its prefilter rules out almost every line before the heading test
        let starts = |l: &Line| !l.is_item() && has_plan_word(&l.text) && (heading_like(l) || lead_in(l));
        if let Some(start) = flat.lines.iter().position(starts) {
            let rest = flat.lines.get(start + 1..).unwrap_or_default();
            let end = rest.iter().position(super::case::opens_points).unwrap_or(rest.len());
            let head = flat.lines.get(start);
            let title = head.map(|l| l.text.trim_end_matches(':').to_string()).unwrap_or_default();
            let opened = head.is_some_and(lead_in);
            if let Some(p) = heading_plan(rest.get(..end).unwrap_or_default(), &title, opened) {
                if p.items.len() >= PLAN_IN_CASE_MIN_ITEMS {
                    plans.push(p);
                }
            }
        }
    }
    for p in &mut plans {
        for it in &mut p.items {
            it.smart_hint = Some(smart_hint(it));
        }
    }
    (plans, used)
}

/// Fewest words of a measure that is specific.
const SMART_SPECIFIC_MIN_WORDS: usize = 5;

/// The first, heuristic SMART assessment of a measure, `[S, M, A, R, T]`:
/// - specific: at least [`SMART_SPECIFIC_MIN_WORDS`] words;
/// - measurable: a number, a percentage or a counting word (lexicon `smart_measurable`);
/// - achievable: someone is named responsible;
/// - relevant: the measure sits under a goal;
/// - time-bound: a deadline, or the text names a year, a date, a month or a time word (lexicon
///   `smart_time`, `months`).
pub fn smart_hint(item: &PlanItem) -> [bool; 5] {
    static YEAR_OR_DATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(19|20)[0-9]{2}\b|\b[0-9]{1,2}\.[0-9]{1,2}\.").expect("valid regex"));
    let (measurable_forms, time_forms, month_forms) = &*SMART_FORMS;
    let has = |joined: &str, forms: &Forms| forms.between_spaces(joined);
    let (measure_words, measure_count) = joined_words(&[&item.measure]);
    let status = item.status_text.as_deref().unwrap_or_default();
    let measurable = item.measure.contains(|c: char| c.is_ascii_digit() || c == '%')
        || has(&measure_words, measurable_forms);
    let time = item.deadline.as_deref().is_some_and(|d| !d.trim().is_empty())
        || (has_digit(&item.measure) || has_digit(status))
            && YEAR_OR_DATE.is_match(&format!("{} {status}", item.measure))
        || {
            let (all, _) = joined_words(&[&item.measure, status]);
            has(&all, time_forms) || has(&all, month_forms)
        };
    [
        measure_count >= SMART_SPECIFIC_MIN_WORDS,
        measurable,
        item.responsible.as_deref().is_some_and(|r| !r.trim().is_empty()),
        item.goal.as_deref().is_some_and(|g| !g.trim().is_empty()),
        time,
    ]
}

/// A concept's forms for [`Forms::between_spaces`]: those of one word by their text, the others
/// (with a space, or empty) listed.
struct Forms {
    words: std::collections::HashSet<&'static str, crate::util::QuickBuild>,
    others: Vec<&'static str>,
}

impl Forms {
    fn of(concept: &str) -> Forms {
        let forms = lexicon::forms(concept);
        let (words, others): (Vec<&'static str>, Vec<&'static str>) =
            forms.iter().map(String::as_str).partition(|f| !f.is_empty() && !f.contains(' '));
        Forms { words: words.into_iter().collect(), others }
    }

    /// Whether one of the forms stands between two spaces of `joined` (words joined by single
    /// spaces, a space at either end: [`joined_words`]): a form of one word is one of its words,
    /// looked up; the others are searched for.
    fn between_spaces(&self, joined: &str) -> bool {
        joined.split(' ').any(|w| !w.is_empty() && self.words.contains(w))
            || self.others.iter().any(|f| between_spaces(joined, f))
    }
}

/// The SMART hint's forms: measurable, time, months.
static SMART_FORMS: LazyLock<(Forms, Forms, Forms)> =
    LazyLock::new(|| (Forms::of(lc::SMART_MEASURABLE), Forms::of(lc::SMART_TIME), Forms::of(lc::MONTHS)));

/// The lower-cased words (runs of alphanumeric characters) of `parts`, each followed by a space,
/// after a space: as `format!(" {} ", words.join(" "))` (two spaces when there is no word), and
/// how many. The parts are lower-cased one by one, as their text joined by spaces would be (a
/// space ends a word and no lower-casing looks across it).
fn joined_words(parts: &[&str]) -> (String, usize) {
    let mut out = String::from(" ");
    let mut count = 0;
    for part in parts {
        for w in part.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            out.push_str(w);
            out.push(' ');
            count += 1;
        }
    }
    if count == 0 {
        out.push(' ');
    }
    (out, count)
}

fn has_digit(t: &str) -> bool {
    t.bytes().any(|b| b.is_ascii_digit())
}

/// Whether `form` stands in `text` with a space straight before and after it (as `text`
/// contains ` {form} `, without making that string; occurrences may overlap).
fn between_spaces(text: &str, form: &str) -> bool {
    let mut from = 0;
    while let Some(k) = text.get(from..).and_then(|t| t.find(form)) {
        let i = from + k;
        if text[..i].ends_with(' ') && text[i + form.len()..].starts_with(' ') {
            return true;
        }
        // the next occurrence may start inside this one
        from = i + text[i..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Fewest measures for a plan written as headings and bullets inside a case paper.
const PLAN_IN_CASE_MIN_ITEMS: usize = 2;

/// Most characters of a goal carried down into the rows (or bullets) below it: a real goal is a
/// sentence or two; a huge one is kept whole in its own row and cut (with `…`) where copied.
pub const MAX_CARRIED_GOAL_CHARS: usize = 600;

/// `goal` as copied into another row: at most [`MAX_CARRIED_GOAL_CHARS`] characters.
fn carried(goal: &str) -> String {
    match goal.char_indices().nth(MAX_CARRIED_GOAL_CHARS) {
        Some((at, _)) => format!("{}…", goal.get(..at).unwrap_or_default()),
        None => goal.to_string(),
    }
}

/// The prefilter (see `super::prefilter`) of [`has_plan_word`]: a word of the lower-cased text
/// that is a form is, in the text as written, a run of characters each lower-casing to the
/// form's character, which the case-insensitive search finds (no form ends in `i`, which `İ`
/// lower-cases to before a combining dot: test `plan_word_prefilter`).
static PLAN_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(lexicon::forms(lc::PLAN_WORD)));

/// A text naming a plan (`handlingsplan`, `handlingsdel`: the lexicon's `plan_word`).
fn has_plan_word(t: &str) -> bool {
    if !PLAN_WORDS.any(t) {
        return false;
    }
    let forms = lexicon::forms(lc::PLAN_WORD);
    t.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|x| forms.iter().any(|w| x == w.as_str()))
}

/// A lead-in that announces a list of measures: a paragraph closing with `:` that names them
/// (`Følgende tiltak prioriteres:`, `Tiltak:`, `Vi vil gjennomføre desse aktivitetane:`; the
/// lexicon's `plan_measure_lead`).
fn lead_in(l: &Line) -> bool {
    if l.is_item() || !l.text.trim_end().ends_with(':') {
        return false;
    }
    let t = l.text.trim();
    let lower = t.to_lowercase();
    lexicon::forms(lc::PLAN_MEASURE_LEAD)
        .iter()
        .any(|w| lower.split(|c: char| !c.is_alphanumeric()).any(|x| x == w.as_str()))
}

/// A goal heading followed by bullet measures, repeated; a lead-in naming measures opens a list
/// of its own (under the goal above it, if any). `opened`: the list is open from the start.
fn heading_plan(lines: &[Line], title: &str, opened: bool) -> Option<Plan> {
    let mut items = Vec::new();
    let mut goal: Option<String> = None;
    let mut open = opened;
    for l in lines {
        if l.is_item() {
            if goal.is_some() || open {
                let g = &goal;
                let (status, text) = match tables::status_from_text(&l.text) {
                    Some(s) if l.text.starts_with(['🟢', '🟡', '🔴']) => {
                        (Some(s), l.text.trim_start_matches(['🟢', '🟡', '🔴']).trim().to_string())
                    }
                    s => (s.filter(|_| l.text.contains(['🟢', '🟡', '🔴'])), l.text.clone()),
                };
                if !text.is_empty() {
                    items.push(PlanItem {
                        goal: g.as_deref().map(carried),
                        measure: text,
                        status,
                        status_text: None,
                        responsible: None,
                        deadline: None,
                        at: l.at,
                        ..PlanItem::default()
                    });
                }
            }
        } else if lead_in(l) {
            open = true;
        } else if heading_like(l) {
            if has_plan_word(&l.text) {
                // a plan's own title (`Handlingsdel 2026–2027`) heads no goal
                goal = None;
            } else {
                goal = Some(l.text.trim_end_matches(':').to_string());
            }
        } else {
            // prose between lists closes a lead-in's list
            open = false;
        }
    }
    (!items.is_empty()).then(|| Plan {
        title: title.to_string(),
        period: period(title),
        owner: None,
        items,
        ..Plan::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_word_prefilter() {
        // the test without its prefilter
        let full = |t: &str| {
            let forms = lexicon::forms(lc::PLAN_WORD);
            t.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|x| forms.iter().any(|w| x == w))
        };
        // must pass: every case, a form inside a line, the Kelvin and ångström signs
        for yes in [
            "Handlingsplan 2024–2026",
            "HANDLINGSPLANEN FOR LSU",
            "Revidert ÅRSPLAN:",
            "Tiltaksplan",
            "Årsplan",
            "Tilta\u{212A}splan",
            "\u{212B}rsplan",
            "Handlingsdel 2026–2027",
            "Sjå handlingsdelen.",
        ] {
            assert!(PLAN_WORDS.any(yes), "{yes}");
            assert_eq!(has_plan_word(yes), full(yes), "{yes}");
        }
        // `İ` lower-cases to `i` and a combining dot (a separator): a form ending in `i` would
        // need the prefilter to pass it
        for f in lexicon::forms(lc::PLAN_WORD) {
            assert!(!f.ends_with('i'), "{f}");
        }
        // must not: no form at all
        for no in ["Plan for tiltak", "Handlingsprogram 2024", "Årsmelding", "Referat"] {
            assert!(!PLAN_WORDS.any(no), "{no}");
            assert!(!full(no), "{no}");
        }
        // passes the prefilter, not the test: a form inside a longer word
        assert!(PLAN_WORDS.any("Årsplanlegging") && !has_plan_word("Årsplanlegging"));
    }

    #[test]
    fn forms_between_spaces() {
        // as ` {form} ` in the text: one word, several, overlapping occurrences, the ends
        for (text, form) in
            [(" a b ", "a"), (" innen utgangen av ", "innen utgangen"), (" cb a b a b ", "b a b"), ("  ", "")]
        {
            assert!(
                between_spaces(text, form) && text.contains(&format!(" {form} ")),
                "{form:?} in {text:?}"
            );
        }
        for (text, form) in [(" ab ", "a"), (" mars2026 ", "mars"), (" a ", "a b"), (" a ", "")] {
            assert!(
                !between_spaces(text, form) && !text.contains(&format!(" {form} ")),
                "{form:?} in {text:?}"
            );
        }
    }

    #[test]
    fn forms_between_spaces_as_searched() {
        for concept in [lc::SMART_MEASURABLE, lc::SMART_TIME, lc::MONTHS] {
            let forms = Forms::of(concept);
            let searched = |j: &str| lexicon::forms(concept).iter().any(|f| between_spaces(j, f));
            let mut texts = vec!["", "Auke talet på kommunar", "innen juni", "x"];
            texts.extend(lexicon::forms(concept).iter().map(String::as_str));
            let extra: Vec<String> =
                lexicon::forms(concept).iter().map(|f| format!("{f}x og x{f} {f}")).collect();
            texts.extend(extra.iter().map(String::as_str));
            for t in texts {
                let (j, _) = joined_words(&[t]);
                assert_eq!(forms.between_spaces(&j), searched(&j), "{concept}: {t:?}");
            }
        }
    }

    #[test]
    fn joined_words_as_defined() {
        let defined = |t: &str| {
            let ws: Vec<String> = t
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            (format!(" {} ", ws.join(" ")), ws.len())
        };
        for (a, b) in [
            ("", ""),
            ("Øke andel", ""),
            ("", "Innen JUNI"),
            ("ΟΔΟΣ", "Σ"),
            ("Auke talet på kommunar", "i rute, 12 %"),
            ("İD-kort", "ja"),
            ("  ", " - "),
        ] {
            assert_eq!(joined_words(&[a]), defined(a), "{a:?}");
            assert_eq!(joined_words(&[a, b]), defined(&format!("{a} {b}")), "{a:?} {b:?}");
        }
    }

    #[test]
    fn smart_hints() {
        let item = |measure: &str, goal: Option<&str>, resp: Option<&str>, deadline: Option<&str>| PlanItem {
            goal: goal.map(str::to_string),
            measure: measure.to_string(),
            responsible: resp.map(str::to_string),
            deadline: deadline.map(str::to_string),
            ..PlanItem::default()
        };
        let cases: &[(PlanItem, [bool; 5])] = &[
            (
                item(
                    "Etablere felles rutine for utskrivning innen juni 2025",
                    Some("Mål"),
                    Some("LSU"),
                    None,
                ),
                [true; 5],
            ),
            (item("Bedre samarbeid", None, None, None), [false; 5]),
            (
                item("Øke andel pasienter med plan", None, None, Some("2025-06-01")),
                [true, true, false, false, true],
            ),
            // nynorsk words
            (
                item("Auke talet på kommunar med felles rutine innan hausten", None, None, None),
                [true, false, false, false, true],
            ),
            (
                item("Halvere ventetida for alle pasientar", None, None, None),
                [true, true, false, false, false],
            ),
            // must not: a year inside a longer number, a count word inside another word
            (item("Ring 12020304 ved behov", None, None, None), [false, true, false, false, false]),
            (
                item("Delta i allemannsretten-prosjektet i kommunen", None, None, None),
                [true, false, false, false, false],
            ),
        ];
        for (it, want) in cases {
            assert_eq!(smart_hint(it), *want, "{}", it.measure);
        }
    }

    #[test]
    fn periods() {
        assert_eq!(period("Handlingsplan 2022 – 2024"), Some(Period { from: 2022, to: 2024 }));
        assert_eq!(period("plan 2023-2026"), Some(Period { from: 2023, to: 2026 }));
        assert_eq!(period("Sak 18/24"), None);
    }

    #[test]
    fn plans_written_as_prose() {
        fn item(t: &str) -> Line {
            Line {
                kind: LineKind::Item { level: 0, label: Some("-".into()), ordered: false },
                ..Line::para(t)
            }
        }
        let p = |ls: &[Line]| {
            heading_plan(ls, "Handlingsdel", false)
                .map(|p| p.items.into_iter().map(|i| (i.goal, i.measure)).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        // a lead-in opens a list without a goal; area headings give goals; a plan's own title
        // heads no goal
        let got = p(&[
            Line::para("Handlingsdel 2026–2027"),
            Line::para("Følgende tiltak prioriteres:"),
            item("Felles kurs"),
            Line::para("Tidlig innsats"),
            item("Kartlegging av barn"),
        ]);
        assert_eq!(
            got,
            vec![
                (None, "Felles kurs".to_string()),
                (Some("Tidlig innsats".to_string()), "Kartlegging av barn".to_string())
            ]
        );
        for yes in ["Følgende tiltak prioriteres:", "Vi vil gjennomføre desse aktivitetane:", "Tiltak:"] {
            assert!(lead_in(&Line::para(yes)), "{yes}");
        }
        // must not: a lead-in without a measure word, a sentence naming measures, a list item
        for no in ["Utvalet ber om følgjande:", "Tiltaka er omtalte i vedlegget.", "Vedlegg:"] {
            assert!(!lead_in(&Line::para(no)), "{no}");
        }
        assert!(!lead_in(&item("Tiltak:")));
        // must not: bullets after a prose paragraph that closed a lead-in's list, with no goal
        assert!(p(&[
            Line::para("Tiltak:"),
            Line::para("Dette er ein lang forklarande tekst som ikkje er ein overskrift, og som sluttar med punktum."),
            item("Eit punkt i prosaen"),
        ])
        .is_empty());
    }
}
