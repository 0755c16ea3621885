//! Plan status facts, grant-table sums and filled-in evaluation forms.
//!
//! - **Sum rows** of a table (first cell `Sum`, `Totalt`, `Til saman`: [`SUM_ROW_WORDS`]) and
//!   tables of **declined** applications (caption or header `ikke innstilles`, `avslått`:
//!   [`DECLINED_WORDS`]) are marked, so reports never add a sum again or count a rejection.
//!
//! - **Status date** of a plan: a line `Status per: 01.09.2025`, `Statusrapport per 29.08.2025`
//!   ([`STATUS_DATE_WORDS`]) → `Plan::status_date`.
//! - **Comment column** of a plan table (`Kommentar`, `Merknad`, [`COMMENT_HEADERS`]) →
//!   `PlanItem::comment`, matched to the plan's items by the measure text.
//! - **Evaluation form** (the one `saksflyt evaluation` writes, filled in by the committee in
//!   Word or LibreOffice): a table with a `Ny status` column ([`NEW_STATUS_HEADERS`]) beside
//!   `Tiltak`. Each row becomes a plan item carrying the new status, the decision
//!   (videreføre/justere/avslutte → `continue`/`adjust`/`end`), the SMART check boxes and the
//!   comment; the form's `Møtedato` and `Saksnr.` fields become `Plan::form` and the status date.
//!   The store's derive step lays the form over the committee's current plan.
//!
//! Content controls are read by the DOCX reader as their shown text (an empty control shows
//! nothing); a check box is `☒` when ticked.

use super::{dates, fold, tables, Flat, LineKind};
use crate::model::Cell;
use crate::record::{EvaluationForm, Kind, Plan, PlanItem, Record};

/// Words that introduce a plan's status date (bokmål, nynorsk).
pub const STATUS_DATE_WORDS: &[&str] =
    &["status per", "statusrapport per", "status pr.", "status pr", "rapportert per", "status dato"];
/// Column headers of a plan's comment column (bokmål, nynorsk).
pub const COMMENT_HEADERS: &[&str] =
    &["kommentar", "kommentarar", "kommentarer", "merknad", "merknader", "merknadar", "kommentar/status"];
/// Column header of the measure (bokmål, nynorsk).
pub const MEASURE_HEADERS: &[&str] = &["tiltak", "tiltaksbeskrivelse", "tiltaksbeskriving", "aktivitet"];
/// Column header of an evaluation form's new status (bokmål, nynorsk).
pub const NEW_STATUS_HEADERS: &[&str] = &["ny status"];
/// Column header of an evaluation form's decision per measure (bokmål, nynorsk).
pub const DECISION_HEADERS: &[&str] = &["vedtak", "avgjerd", "avgjørelse", "beslutning"];
/// Decision words → the record's value (bokmål, nynorsk).
pub const DECISIONS: &[(&str, &str)] = &[
    ("videreføre", "continue"),
    ("vidareføre", "continue"),
    ("videreføres", "continue"),
    ("vidareførast", "continue"),
    ("justere", "adjust"),
    ("justerast", "adjust"),
    ("justeres", "adjust"),
    ("avslutte", "end"),
    ("avsluttast", "end"),
    ("avsluttes", "end"),
];
/// Field labels of the form's meeting date and case number (bokmål, nynorsk).
pub const MEETING_DATE_FIELDS: &[&str] = &["møtedato", "dato for møtet"];
pub const CASE_FIELDS: &[&str] = &["saksnr", "saksnr.", "saksnummer", "sak"];
/// First cells of a table's own sum rows (bokmål, nynorsk).
pub const SUM_ROW_WORDS: &[&str] = &[
    "sum",
    "sum totalt",
    "totalt",
    "total",
    "til sammen",
    "til saman",
    "i alt",
    "samlet",
    "samla",
    "sum tilskudd",
    "sum tilskot",
];
/// Words in a table's caption or header that mark rejected or declined applications (bokmål,
/// nynorsk).
pub const DECLINED_WORDS: &[&str] = &[
    "ikke innstilles",
    "ikkje innstilt",
    "ikkje innstilte",
    "ikke innstilt",
    "avslått",
    "avslåtte",
    "avslag",
    "avvist",
    "avviste",
    "ikke prioritert",
    "ikkje prioritert",
    "ikke tildelt",
    "ikkje tildelt",
    "ikke støttet",
    "ikkje støtta",
];

/// A ticked check box as Word and LibreOffice write it.
pub const CHECKED: &[char] = &['☒', '☑', '✔', '✓', '■', 'x', 'X'];

fn key(s: &str) -> String {
    // one string: folded, lower-cased in place when ASCII (as `to_lowercase` would), copied
    // again only when trimming cut something
    let mut k = fold(s);
    if k.is_ascii() {
        k.make_ascii_lowercase();
    } else {
        k = k.to_lowercase();
    }
    let t = k.trim().trim_end_matches([':', '.']).trim();
    if t.len() == k.len() {
        k
    } else {
        t.to_string()
    }
}

fn cell_text(c: Option<&Cell>) -> String {
    c.map(|c| tables::squash(&c.text())).unwrap_or_default()
}

/// The measure key used to match a form row or comment to a plan item: letters and digits of
/// the measure's first line, lower case.
pub fn measure_key(m: &str) -> String {
    let first = m.split(" / ").next().unwrap_or(m);
    first.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The [`key`] of each cell of a header row, made once for all the columns asked of it.
fn head_keys(head: &[Option<&Cell>]) -> Vec<String> {
    head.iter().map(|c| key(&cell_text(*c))).collect()
}

/// Whether a cell of `row` may have a [`NEW_STATUS_HEADERS`] key: its first character other than
/// white space is `n` or `N` (a key is the text folded and lower-cased, and only these two
/// characters lower-case to one starting with `n`), without making the keys.
fn may_head_new_status(row: &[Option<&Cell>]) -> bool {
    row.iter().any(|c| c.is_some_and(|c| c.text().trim_start().starts_with(['n', 'N'])))
}

/// Whether [`column`] of `row`'s keys may find one of `names`: some cell's first character other
/// than white space lower-cases to a text starting with a name's first character (a key starts
/// with the lower case of that character), without making the keys.
fn may_have_column(row: &[Option<&Cell>], names: &[&str]) -> bool {
    row.iter().any(|c| {
        c.is_some_and(|c| {
            let first = c.text().trim_start().chars().next().and_then(|ch| ch.to_lowercase().next());
            first.is_some_and(|f| names.iter().any(|n| n.starts_with(f)))
        })
    })
}

/// The first column whose header key is one of `names`, or starts with one and a space.
fn column(keys: &[String], names: &[&str]) -> Option<usize> {
    keys.iter().position(|k| {
        names.iter().any(|n| k.strip_prefix(n).is_some_and(|r| r.is_empty() || r.starts_with(' ')))
    })
}

/// Mark the sum rows and declined-application tables of the record's tables.
fn mark_sums(r: &mut Record) {
    for t in &mut r.tables {
        let caption = t.caption.as_deref().unwrap_or("").to_lowercase();
        let header: String = t.header.iter().map(|c| c.text.to_lowercase()).collect::<Vec<_>>().join(" ");
        t.declined = DECLINED_WORDS.iter().any(|w| caption.contains(w) || header.contains(w));
        t.sum_rows = t
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| {
                // an amount first (cheap), then the label of the row's first filled cell
                row.iter().any(|c| c.nok.is_some()) && {
                    let first = row.iter().map(|c| key(&c.text)).find(|k| !k.is_empty()).unwrap_or_default();
                    SUM_ROW_WORDS.contains(&first.as_str())
                }
            })
            .map(|(i, _)| i)
            .collect();
    }
}

/// Plan status date and comments, sum rows, and evaluation forms (see the module doc).
pub fn apply(flat: &Flat, r: &mut Record) {
    mark_sums(r);
    if let Some(form) = evaluation_form(flat) {
        r.plans = vec![form];
        r.kind = Kind::ActionPlan;
        return;
    }
    // the document's status date, looked for only when a plan lacks its own
    if r.plans.iter().any(|p| p.status_date.is_none()) {
        // a line holds a status-date phrase only if it holds the phrase's first word
        static FIRST_WORDS: std::sync::LazyLock<super::prefilter::Words> =
            std::sync::LazyLock::new(|| super::prefilter::Words::new(STATUS_DATE_WORDS));
        let status_date = flat.lines.iter().filter(|l| l.kind != LineKind::Table).find_map(|l| {
            if !FIRST_WORDS.any(&l.text) {
                return None;
            }
            let lower = l.text.to_lowercase();
            let at = STATUS_DATE_WORDS.iter().filter_map(|w| lower.find(w).map(|i| i + w.len())).min()?;
            dates::first_date(lower.get(at..)?, None)
        });
        for plan in &mut r.plans {
            if plan.status_date.is_none() {
                plan.status_date = status_date.clone();
            }
        }
    }
    // comment columns
    for t in &flat.tables {
        let grid = t.grid();
        let Some(head) = grid.first() else { continue };
        if !may_have_column(head, MEASURE_HEADERS) || !may_have_column(head, COMMENT_HEADERS) {
            continue;
        }
        let keys = head_keys(head);
        let (Some(mc), Some(cc)) = (column(&keys, MEASURE_HEADERS), column(&keys, COMMENT_HEADERS)) else {
            continue;
        };
        for row in grid.iter().skip(1) {
            let measure = measure_key(&cell_text(row.get(mc).copied().flatten()));
            let comment = cell_text(row.get(cc).copied().flatten());
            if measure.is_empty() || comment.is_empty() {
                continue;
            }
            for plan in &mut r.plans {
                for it in &mut plan.items {
                    if it.comment.is_none() && measure_key(&it.measure) == measure {
                        it.comment = Some(comment.clone());
                    }
                }
            }
        }
    }
    complete_plans(r);
}

/// The derived facts of each plan item: the comment from a status cell that says more than the
/// colour, when no comment column gave one. (The first SMART hint is the plan reader's,
/// `extract::plan::smart_hint`; `PlanItem::smart` holds only a filled form's boxes.)
pub fn complete_plans(r: &mut Record) {
    status_text_as_comment(r);
}

/// A status cell with more than the colour (`Delvis gjennomført, venter på …`; the plan reader
/// keeps no status text that only names the colour) is the item's comment when the plan has no
/// comment column.
fn status_text_as_comment(r: &mut Record) {
    for plan in &mut r.plans {
        for it in &mut plan.items {
            if it.comment.is_none() {
                it.comment = it.status_text.clone().filter(|t| !t.trim().is_empty());
            }
        }
    }
}

/// Placeholder texts of the form's controls (`templates/word/words.toml`: `write`, `choose`,
/// `choose_date`, bokmål and nynorsk). Word hides them behind `w:showingPlcHdr`; LibreOffice
/// drops that flag on save, so a control it saved untouched shows its placeholder as text.
pub const PLACEHOLDER_TEXTS: &[&str] = &["skriv her", "velg dato", "vel dato", "velg", "vel"];

/// The cell's text without a control's placeholder: empty when it is only the placeholder, the
/// rest when the committee typed after it (`Skriv her Finansiert` → `Finansiert`).
pub fn without_placeholder(text: &str) -> String {
    let t = text.trim();
    // prefilter: a placeholder starts with the lower case of the text's first character (the
    // first character of it, as `İ` lower-cases to two)
    let first = t.chars().next().and_then(|c| c.to_lowercase().next());
    if !PLACEHOLDER_TEXTS.iter().any(|p| p.chars().next() == first) {
        return t.to_string();
    }
    let lower = t.to_lowercase();
    for p in PLACEHOLDER_TEXTS {
        let Some(rest) = lower.strip_prefix(p) else { continue };
        let rest_trimmed = rest.trim_start_matches([' ', '.', '…', ':', '/']);
        if rest_trimmed.is_empty() {
            return String::new();
        }
        // only a whole word (`Velgjørende` is no placeholder)
        if rest.starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let cut = t.len() - rest_trimmed.len();
        return t.get(cut..).unwrap_or("").trim().to_string();
    }
    t.to_string()
}

/// A form cell's status: only a colour word (`Grønn`, `raud`), else not taken (`Oransje`,
/// `Grønn/gul`): `Err` with the text as typed.
pub fn form_status(text: &str) -> Result<Option<crate::record::Status>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if tables::only_names_status(t) {
        if let Some(s) = tables::status_from_text(t) {
            return Ok(Some(s));
        }
    }
    Err(t.to_string())
}

/// A form cell's decision: one of [`DECISIONS`] (as a whole word at the start), else `Err`
/// with the text as typed (`Utsette`).
pub fn form_decision(text: &str) -> Result<Option<String>, String> {
    let k = key(text);
    if k.is_empty() {
        return Ok(None);
    }
    let first = k.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    DECISIONS
        .iter()
        .find(|(w, _)| first == *w)
        .map(|(_, v)| Some(v.to_string()))
        .ok_or_else(|| text.trim().to_string())
}

/// The year a form evaluates: the first year (19xx/20xx) in its title.
fn evaluated_year(title: &str) -> Option<i32> {
    title
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse::<i32>().ok())
        .find(|y| (1900..2100).contains(y))
}

/// A filled-in (or empty) evaluation form as a plan.
/// Whether [`key`] of `k` may be one of [`MEETING_DATE_FIELDS`] or [`CASE_FIELDS`]: its first
/// character (the lower case of `k`'s first character other than white space, as `key` folds
/// and lower-cases) starts one of them. Most lines with a colon are ruled out without making
/// their key (test `form_field_prefilter`).
fn may_be_form_field(k: &str) -> bool {
    let first = k.trim_start().chars().next().and_then(|c| c.to_lowercase().next());
    first.is_some_and(|c| MEETING_DATE_FIELDS.iter().chain(CASE_FIELDS).any(|f| f.starts_with(c)))
}

fn evaluation_form(flat: &Flat) -> Option<Plan> {
    let mut meeting_date = None;
    let mut date_text = None;
    let mut case = None;
    for l in &flat.lines {
        let Some((k, v)) = l.text.split_once(':') else { continue };
        if !may_be_form_field(k) {
            continue;
        }
        let k = key(k);
        // the value is read only for the two fields
        let date_field =
            meeting_date.is_none() && date_text.is_none() && MEETING_DATE_FIELDS.contains(&k.as_str());
        let case_field = case.is_none() && CASE_FIELDS.contains(&k.as_str());
        if !date_field && !case_field {
            continue;
        }
        let v = without_placeholder(v);
        if v.is_empty() {
            continue;
        }
        if date_field {
            meeting_date = whole_date(&v);
            if meeting_date.is_none() {
                date_text = Some(v.to_string());
            }
        } else {
            case = Some(v.to_string());
        }
    }
    for t in &flat.tables {
        let grid = t.grid();
        let Some((hi, keys)) = grid
            .iter()
            .take(3)
            .map(|row| if may_head_new_status(row) { head_keys(row) } else { Vec::new() })
            .enumerate()
            .find(|(_, keys)| column(keys, NEW_STATUS_HEADERS).is_some())
        else {
            continue;
        };
        let (Some(mc), Some(sc)) = (column(&keys, MEASURE_HEADERS), column(&keys, NEW_STATUS_HEADERS)) else {
            continue;
        };
        let goal_c = column(&keys, &["mål"]);
        let dc = column(&keys, DECISION_HEADERS);
        let cc = column(&keys, COMMENT_HEADERS);
        // the five SMART columns stand between the measure and the last status
        let smart_cols: Vec<usize> = (mc + 1..mc + 6).collect();
        let mut items = Vec::new();
        let mut problems = Vec::new();
        for row in grid.iter().skip(hi + 1) {
            let text = |c: Option<usize>| {
                c.map(|c| without_placeholder(&cell_text(row.get(c).copied().flatten()))).unwrap_or_default()
            };
            let measure_cell = text(Some(mc));
            let measure = measure_cell.split(" / ").next().unwrap_or("").trim().to_string();
            let status = match form_status(&text(Some(sc))) {
                Ok(s) => s,
                Err(typed) => {
                    problems.push(format!(
                        "status \"{typed}\" for \"{}\" is not green, yellow or red (Grønn/Gul/Rød): not applied",
                        if measure.is_empty() { "a blank row" } else { measure.as_str() }
                    ));
                    None
                }
            };
            let decision = match form_decision(&text(dc)) {
                Ok(d) => d,
                Err(typed) => {
                    problems.push(format!(
                        "decision \"{typed}\" for \"{}\" is none of Videreføre/Justere/Avslutte: not applied",
                        if measure.is_empty() { "a blank row" } else { measure.as_str() }
                    ));
                    None
                }
            };
            let comment = Some(text(cc)).filter(|c| !c.is_empty());
            let goal = Some(text(goal_c)).filter(|g| !g.is_empty());
            if measure.is_empty() {
                if status.is_some() || decision.is_some() || comment.is_some() || goal.is_some() {
                    problems.push(format!(
                        "a blank row has a status, decision or comment but no measure{}: not applied",
                        comment.as_deref().map(|c| format!(" (comment \"{c}\")")).unwrap_or_default()
                    ));
                }
                continue;
            }
            let boxes: Vec<String> = smart_cols.iter().map(|c| text(Some(*c))).collect();
            let smart = boxes.iter().all(|b| b.chars().count() <= 2).then(|| {
                let mut s = [false; 5];
                for (i, b) in boxes.iter().enumerate() {
                    if let Some(slot) = s.get_mut(i) {
                        *slot = b.chars().any(|c| CHECKED.contains(&c));
                    }
                }
                s
            });
            items.push(PlanItem {
                goal,
                measure,
                status,
                comment,
                decision,
                smart,
                assessed: meeting_date.clone().filter(|_| status.is_some()),
                ..PlanItem::default()
            });
        }
        let title = flat
            .lines
            .iter()
            .find(|l| l.kind != LineKind::Table && !l.text.is_empty())
            .map(|l| l.text.clone())
            .unwrap_or_default();
        let year = evaluated_year(&title);
        return Some(Plan {
            title,
            items,
            status_date: meeting_date.clone(),
            form: Some(EvaluationForm { meeting_date, case, year, date_text, problems }),
            ..Plan::default()
        });
    }
    None
}

/// A form's meeting date: the field holds one real date and nothing else (`20.11.2025`,
/// `2025-11-20`, `20. november 2025`); `31.11.2025` or `20/11/2025` is none.
fn whole_date(v: &str) -> Option<String> {
    let found = dates::find_dates(v, None);
    let [(_, d)] = found.as_slice() else { return None };
    Some(d.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_field_prefilter() {
        // must pass: every field in any case and spacing
        for f in MEETING_DATE_FIELDS.iter().chain(CASE_FIELDS) {
            for k in
                [f.to_string(), f.to_uppercase(), format!(" \u{a0}{}", f.to_uppercase()), format!("{f}.")]
            {
                assert!(may_be_form_field(&k), "{k:?}");
                assert!(MEETING_DATE_FIELDS.iter().chain(CASE_FIELDS).any(|f| *f == key(&k)), "{k:?}");
            }
        }
        // must not: other keys (and whatever it rules out has no field key)
        for k in ["Tiltak", "Ansvar", "Kommentar", "", "   ", "İ", "Økonomi", "Vedtak"] {
            assert!(!may_be_form_field(k), "{k:?}");
            assert!(!MEETING_DATE_FIELDS.iter().chain(CASE_FIELDS).any(|f| *f == key(k)), "{k:?}");
        }
    }

    #[test]
    fn keys_as_defined() {
        let defined = |s: &str| fold(s).to_lowercase().trim().trim_end_matches([':', '.']).trim().to_string();
        for s in
            ["", " Ny status ", "MØTEDATO:", "Saksnr.", "Sak nr. :", "Tiltak", "a\u{a0} B .", "İD:", "..:"]
        {
            assert_eq!(key(s), defined(s), "{s:?}");
        }
    }

    #[test]
    fn new_status_header_prefilter() {
        // the prefilter assumes every header starts with `n`
        assert!(NEW_STATUS_HEADERS.iter().all(|h| h.starts_with('n')));
        // no character but `n` and `N` lower-cases to a text starting with `n`
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if c.to_lowercase().next() == Some('n') {
                assert!(c == 'n' || c == 'N', "{c:?}");
            }
        }
        use crate::model::{Block, Pos, Text};
        let cell = |t: &str| Cell {
            blocks: vec![Block::Paragraph { text: Text::plain(t), pos: Pos::default() }],
            ..Cell::default()
        };
        for (texts, want) in [
            (vec!["Tiltak", "Ny status"], true),
            (vec!["Tiltak", " \u{a0}NY STATUS:"], true),
            (vec!["Tiltak", "Status"], false),
            (vec!["", "Mål"], false),
        ] {
            let cells: Vec<Cell> = texts.iter().map(|t| cell(t)).collect();
            let row: Vec<Option<&Cell>> = cells.iter().map(Some).collect();
            assert_eq!(may_head_new_status(&row), want, "{texts:?}");
            // the keys agree: a new-status column only where the prefilter passes
            if !want {
                assert!(column(&head_keys(&row), NEW_STATUS_HEADERS).is_none(), "{texts:?}");
            }
        }
    }

    #[test]
    fn column_prefilter() {
        use crate::model::{Block, Pos, Text};
        let cell = |t: &str| Cell {
            blocks: vec![Block::Paragraph { text: Text::plain(t), pos: Pos::default() }],
            ..Cell::default()
        };
        let rows: &[&[&str]] = &[
            &["Tiltak", "Kommentar"],
            &[" TILTAKSBESKRIVELSE:", "Merknader"],
            &["Aktivitet", "Kommentar/status"],
            &["Mål", "Status"],
            &["", "İnnhald"],
            &["Tiltak nr", "Kommentarar til"],
            &["Xtiltak", "Ansvar"],
        ];
        for names in [MEASURE_HEADERS, COMMENT_HEADERS, NEW_STATUS_HEADERS] {
            assert!(names.iter().all(|n| !n.is_empty()));
            for texts in rows {
                let cells: Vec<Cell> = texts.iter().map(|t| cell(t)).collect();
                let row: Vec<Option<&Cell>> = cells.iter().map(Some).collect();
                // must pass every row whose keys hold the column
                if column(&head_keys(&row), names).is_some() {
                    assert!(may_have_column(&row, names), "{texts:?} {names:?}");
                }
            }
        }
        // must not: no cell starting with a name's first letter
        let cells: Vec<Cell> = ["Frist", "Status"].iter().map(|t| cell(t)).collect();
        let row: Vec<Option<&Cell>> = cells.iter().map(Some).collect();
        assert!(!may_have_column(&row, MEASURE_HEADERS) && !may_have_column(&row, COMMENT_HEADERS));
    }

    #[test]
    fn placeholders() {
        // must cut: the placeholder in any case, alone or before what was typed
        for (t, want) in [
            ("Skriv her", ""),
            ("skriv her.", ""),
            (" VELG DATO ", ""),
            ("Vel", ""),
            ("Skriv her Finansiert", "Finansiert"),
            ("Velg: Grønn", "Grønn"),
        ] {
            assert_eq!(without_placeholder(t), want, "{t}");
        }
        // must keep: other texts, a placeholder's start inside a word, an empty text
        for t in ["Grønn", "Velgjørende lag", "Skrivebord", "", "İnnhald", "Ålesund"] {
            assert_eq!(without_placeholder(t), t.trim(), "{t}");
        }
    }

    #[test]
    fn measure_keys_ignore_case_punctuation_and_extra_lines() {
        assert_eq!(
            measure_key("Utgreie felles ROP-team for Nordmøre / Ansvar: LSU"),
            "utgreiefellesropteamfornordmøre"
        );
        assert_eq!(measure_key("Utgreie  felles ROP team for Nordmøre."), "utgreiefellesropteamfornordmøre");
    }
}
