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
    fold(s).to_lowercase().trim().trim_end_matches([':', '.']).trim().to_string()
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

fn column(head: &[Option<&Cell>], names: &[&str]) -> Option<usize> {
    head.iter().position(|c| {
        let k = key(&cell_text(*c));
        names.iter().any(|n| k == *n || k.starts_with(&format!("{n} ")))
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
                let first = row.iter().map(|c| key(&c.text)).find(|k| !k.is_empty()).unwrap_or_default();
                row.iter().any(|c| c.nok.is_some()) && SUM_ROW_WORDS.contains(&first.as_str())
            })
            .map(|(i, _)| i)
            .collect();
    }
}

/// Plan status date and comments, sum rows, and evaluation forms (see the module doc).
pub fn apply(flat: &Flat, r: &mut Record) {
    mark_sums(r);
    let status_date = flat.lines.iter().filter(|l| l.kind != LineKind::Table).find_map(|l| {
        let lower = l.text.to_lowercase();
        let at = STATUS_DATE_WORDS.iter().filter_map(|w| lower.find(w).map(|i| i + w.len())).min()?;
        dates::first_date(lower.get(at..)?, None)
    });
    if let Some(form) = evaluation_form(flat) {
        r.plans = vec![form];
        r.kind = Kind::ActionPlan;
        return;
    }
    for plan in &mut r.plans {
        if plan.status_date.is_none() {
            plan.status_date = status_date.clone();
        }
    }
    // comment columns
    for t in &flat.tables {
        let grid = t.grid();
        let Some(head) = grid.first() else { continue };
        let (Some(mc), Some(cc)) = (column(head, MEASURE_HEADERS), column(head, COMMENT_HEADERS)) else {
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
}

/// A filled-in (or empty) evaluation form as a plan.
fn evaluation_form(flat: &Flat) -> Option<Plan> {
    let mut meeting_date = None;
    let mut case = None;
    for l in &flat.lines {
        let Some((k, v)) = l.text.split_once(':') else { continue };
        let k = key(k);
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if meeting_date.is_none() && MEETING_DATE_FIELDS.contains(&k.as_str()) {
            meeting_date = dates::first_date(v, None);
        } else if case.is_none() && CASE_FIELDS.contains(&k.as_str()) {
            case = Some(v.to_string());
        }
    }
    for t in &flat.tables {
        let grid = t.grid();
        let Some(hi) = grid.iter().take(3).position(|row| column(row, NEW_STATUS_HEADERS).is_some()) else {
            continue;
        };
        let head = grid.get(hi)?;
        let (Some(mc), Some(sc)) = (column(head, MEASURE_HEADERS), column(head, NEW_STATUS_HEADERS)) else {
            continue;
        };
        let goal_c = column(head, &["mål"]);
        let dc = column(head, DECISION_HEADERS);
        let cc = column(head, COMMENT_HEADERS);
        // the five SMART columns stand between the measure and the last status
        let smart_cols: Vec<usize> = (mc + 1..mc + 6).collect();
        let mut items = Vec::new();
        for row in grid.iter().skip(hi + 1) {
            let text =
                |c: Option<usize>| c.map(|c| cell_text(row.get(c).copied().flatten())).unwrap_or_default();
            let measure_cell = text(Some(mc));
            let measure = measure_cell.split(" / ").next().unwrap_or("").trim().to_string();
            if measure.is_empty() {
                continue;
            }
            let status = tables::status_from_text(&text(Some(sc)));
            let decision_text = key(&text(dc));
            let decision =
                DECISIONS.iter().find(|(w, _)| decision_text.starts_with(w)).map(|(_, v)| v.to_string());
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
            let comment = Some(text(cc)).filter(|c| !c.is_empty());
            let goal = Some(text(goal_c)).filter(|g| !g.is_empty());
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
        return Some(Plan {
            title,
            items,
            status_date: meeting_date.clone(),
            form: Some(EvaluationForm { meeting_date, case }),
            ..Plan::default()
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_keys_ignore_case_punctuation_and_extra_lines() {
        assert_eq!(
            measure_key("Utgreie felles ROP-team for Nordmøre / Ansvar: LSU"),
            "utgreiefellesropteamfornordmøre"
        );
        assert_eq!(measure_key("Utgreie  felles ROP team for Nordmøre."), "utgreiefellesropteamfornordmøre");
    }
}
