//! Agenda tables (`Kl. | Saksnr. | Saker | Ansvarlig | Tid` and variants such as
//! `Saksnr. | Tittel`): columns are found by their header and confirmed by their values (a `Tid`
//! column of whole numbers holds minutes, of spans holds times). Each row gives a time span, a
//! case number (none for pauses), a title, sub-items (list items inside the cell, or a list that
//! lost its item breaks — see [`split_flat`]) and responsible persons (split on `/`, `,`, `og`).

use super::{casenum, dates, fold, Flat};
use crate::model::{Block, Cell};
use crate::record::AgendaItem;
use std::collections::BTreeSet;

#[derive(Default, Debug)]
struct Columns {
    time: Option<usize>,
    case: Option<usize>,
    title: Option<usize>,
    responsible: Option<usize>,
    minutes: Option<usize>,
}

fn header_key(s: &str) -> String {
    fold(s).to_lowercase().trim_end_matches(['.', ':']).to_string()
}

fn columns(grid: &[Vec<Option<&Cell>>]) -> Option<Columns> {
    let head = grid.first()?;
    let body = grid.get(1..).unwrap_or_default();
    if body.is_empty() {
        return None;
    }
    let share = |col: usize, f: &dyn Fn(&str) -> bool| -> f64 {
        let vals: Vec<String> =
            body.iter().filter_map(|r| r.get(col).copied().flatten()).map(|c| fold(&c.text())).collect();
        let filled: Vec<&String> = vals.iter().filter(|v| !v.is_empty()).collect();
        if filled.is_empty() {
            return 0.0;
        }
        filled.iter().filter(|v| f(v)).count() as f64 / filled.len() as f64
    };
    let mut c = Columns::default();
    for (i, cell) in head.iter().enumerate() {
        let k = header_key(&cell.map(|c| c.text()).unwrap_or_default());
        let is_span = share(i, &|v| dates::span(v).is_some()) >= 0.6;
        let is_num = share(i, &|v| v.parse::<u32>().is_ok()) >= 0.6;
        let is_case = share(i, &|v| casenum::parse_value(v).is_some()) >= 0.5;
        match k.as_str() {
            "kl" | "klokka" | "klokkeslett" | "tidspunkt" | "tid" | "når" if is_span && c.time.is_none() => {
                c.time = Some(i)
            }
            "tid" | "min" | "minutter" | "varighet" | "varigheit" | "tid (min)" | "tid (min.)" if is_num => {
                c.minutes = Some(i)
            }
            "saksnr" | "sak nr" | "saknr" | "nr" | "ps" | "saksnummer" if c.case.is_none() => {
                c.case = Some(i)
            }
            "sak" if is_case && c.case.is_none() => c.case = Some(i),
            "saker" | "sak" | "tittel" | "sakstittel" | "tema" | "innhold" | "innhald" | "saksliste"
            | "beskrivelse" | "agenda" | "program" | "emne"
                if c.title.is_none() =>
            {
                c.title = Some(i)
            }
            "ansvarlig" | "ansvar" | "innleder" | "innleiar" | "ved" | "presentert av" | "hvem" | "kven"
            | "innledere" | "innleiarar" | "ansvarleg" => c.responsible = Some(i),
            _ => {}
        }
    }
    (c.title.is_some() && (c.time.is_some() || c.case.is_some())).then_some(c)
}

/// Words that mark an organisation (an affiliation after a comma, not a person).
const ORG_WORDS: &[&str] = &[
    "helse",
    "hf",
    "kommune",
    "kommunane",
    "kommunene",
    "sykehus",
    "sjukehus",
    "sykehuset",
    "sjukehuset",
    "klinikk",
    "universitet",
    "høgskule",
    "høgskole",
    "ks",
    "fylkeskommune",
    "statsforvaltaren",
    "statsforvalteren",
    "sekretariatet",
];

fn is_org(s: &str) -> bool {
    s.split(|c: char| !c.is_alphanumeric()).any(|w| ORG_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Split on `/`, `,`, `&`, `;` but keep `v/` (`ved`) with what follows.
fn split_keep_ved(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let ved = *c == '/'
            && i > 0
            && chars.get(i - 1) == Some(&'v')
            && (i < 2 || chars.get(i - 2).is_some_and(|p| !p.is_alphanumeric()));
        if matches!(c, '/' | ',' | '&' | ';') && !ved {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(*c);
        }
    }
    out
}

/// Split responsible persons on `/`, `,`, `og`, `&`; a part after a comma that names an
/// organisation (`Ola Vik, Helse Møre og Romsdal`) is an affiliation and left out.
pub fn split_people(s: &str) -> Vec<String> {
    let s = fold(s);
    let mut out = Vec::new();
    let s = s.replace("v/ ", "v/");
    let parts: Vec<String> = split_keep_ved(&s);
    for (i, part) in parts.iter().map(|p| p.as_str()).enumerate() {
        // `Ålesund kommune v/Kari Li og Volda sjukehus v/Per Ask`: the persons after `v/`
        if part.contains("v/") {
            for sub in part.split(" og ") {
                let person =
                    sub.rsplit_once("v/").map_or(sub, |(_, p)| p).trim().trim_end_matches(['.', ',']);
                if !person.is_empty() {
                    out.push(person.to_string());
                }
            }
            continue;
        }
        let after_comma = i > 0 && s.contains(&format!(",{part}"));
        let role = part.trim().chars().next().is_some_and(|c| c.is_lowercase());
        if after_comma && (is_org(part) || role) {
            continue;
        }
        if is_org(part) {
            // an organisation as the responsible one: keep it whole
            out.push(part.trim().trim_end_matches(['.', ',']).to_string());
            continue;
        }
        for p in part.split(" og ") {
            let p = p.trim().trim_end_matches(['.', ',']).trim();
            if !p.is_empty() {
                out.push(p.to_string());
            }
        }
    }
    out
}

/// Split a list whose item breaks were lost (`Saker til eventuelt Ekstraordinært møte …`): a new
/// item starts at a capitalised word that the document elsewhere writes in lower case (an
/// ordinary word, not a name), when the word after it is not capitalised too and the word before
/// does not end in `:`.
pub fn split_flat(text: &str, words: &BTreeSet<String>) -> Vec<String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut items: Vec<Vec<&str>> = vec![Vec::new()];
    for (i, tok) in tokens.iter().enumerate() {
        let starts_upper = tok.chars().next().is_some_and(|c| c.is_uppercase());
        let all_upper = tok.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase());
        let prev = if i == 0 { None } else { tokens.get(i - 1) };
        let next = tokens.get(i + 1);
        let common = words.contains(
            &tok.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_string(),
        );
        let next_upper = next.is_some_and(|n| n.chars().next().is_some_and(|c| c.is_uppercase()));
        let prev_ok = prev.is_some_and(|p| {
            !p.ends_with([':', '-', '–', '(', '«', '"'])
                && !["og", "i", "på", "for", "av", "til", "ved", "fra", "frå", "med", "om", "-", "–"]
                    .contains(p)
        });
        let current_len = items.last().map_or(0, |v| v.len());
        if starts_upper && !all_upper && common && !next_upper && prev_ok && current_len >= 2 {
            items.push(Vec::new());
        }
        if let Some(last) = items.last_mut() {
            last.push(tok);
        }
    }
    items.into_iter().filter(|v| !v.is_empty()).map(|v| v.join(" ")).collect()
}

/// Title and sub-items of a `Saker` cell.
fn title_and_items(cell: &Cell, words: &BTreeSet<String>) -> (String, Vec<String>) {
    let mut title = String::new();
    let mut items = Vec::new();
    for b in &cell.blocks {
        let Some(t) = b.text() else { continue };
        let t = fold(t);
        if t.is_empty() {
            continue;
        }
        match b {
            Block::ListItem { .. } => items.extend(split_flat(&t, words)),
            _ if title.is_empty() => {
                // a converter may flatten `title <ul>…</ul>` to `title / items`
                let mut parts = t.split(" / ");
                title = parts.next().unwrap_or_default().trim().to_string();
                for p in parts {
                    items.extend(split_flat(p.trim(), words));
                }
            }
            _ => items.extend(split_flat(&t, words)),
        }
    }
    (title, items.into_iter().filter(|s| !s.trim().is_empty()).collect())
}

/// Agenda items from the document's agenda tables, and the indices of those tables.
pub fn extract(flat: &Flat, words: &BTreeSet<String>) -> (Vec<AgendaItem>, Vec<usize>) {
    let mut out = Vec::new();
    let mut used = Vec::new();
    for (ti, t) in flat.tables.iter().enumerate() {
        let grid = t.grid();
        let Some(cols) = columns(&grid) else { continue };
        used.push(ti);
        for row in grid.iter().skip(1) {
            let text = |c: Option<usize>| -> String {
                c.and_then(|i| row.get(i).copied().flatten()).map(|c| fold(&c.text())).unwrap_or_default()
            };
            let span = dates::span(&text(cols.time));
            let case_text = text(cols.case);
            let case = casenum::parse_value(&case_text);
            let Some(title_cell) = cols.title.and_then(|i| row.get(i).copied().flatten()) else { continue };
            let (title, sub_items) = title_and_items(title_cell, words);
            if title.is_empty() || (span.is_none() && case.is_none()) {
                continue;
            }
            let (start, end) = span.unwrap_or_default();
            let minutes = text(cols.minutes).parse().ok().or_else(|| dates::minutes_between(&start, &end));
            let responsible = split_people(&text(cols.responsible));
            out.push(AgendaItem { case, start, end, minutes, title, sub_items, responsible });
        }
    }
    (out, used)
}

/// An agenda with minutes but no times: times follow from the meeting's start.
pub fn fill_times(items: &mut [AgendaItem], meeting_start: &str) {
    if items.is_empty() || items.iter().any(|i| !i.start.is_empty() || i.minutes.is_none()) {
        return;
    }
    let Some(mut at) = dates::minutes_between("00:00", meeting_start) else { return };
    for item in items.iter_mut() {
        let len = item.minutes.unwrap_or(0);
        item.start = format!("{:02}:{:02}", at / 60 % 24, at % 60);
        at = at.saturating_add(len);
        item.end = format!("{:02}:{:02}", at / 60 % 24, at % 60);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people() {
        assert_eq!(split_people("Kari Li, Ola Vik og Per Berg,"), vec!["Kari Li", "Ola Vik", "Per Berg"]);
        assert_eq!(split_people("Siri C. Dahl/ Åse Moe"), vec!["Siri C. Dahl", "Åse Moe"]);
        assert_eq!(split_people("Eva Lid/Ola Vik, Helse Møre og Romsdal"), vec!["Eva Lid", "Ola Vik"]);
        assert_eq!(split_people("Anne Lie, leder LSU Volda"), vec!["Anne Lie"]);
        assert_eq!(
            split_people("Sula kommune v/Eli Moe, Volda sjukehus v/ Per Ask"),
            vec!["Eli Moe", "Per Ask"]
        );
        assert_eq!(
            split_people("Klinikk for psykisk helse og rus"),
            vec!["Klinikk for psykisk helse og rus"]
        );
        assert_eq!(
            split_people("Sula kommune v/ Eli Moe og Volda sjukehus v/ Per Ask"),
            vec!["Eli Moe", "Per Ask"]
        );
    }

    #[test]
    fn flat_lists_split_at_common_capitalised_words() {
        let words: BTreeSet<String> = ["ekstraordinært", "erfaringer", "koordinert", "helse", "status"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            split_flat("Saker til eventuelt Ekstraordinært møte; 30.08 kl. 09-12", &words),
            vec!["Saker til eventuelt", "Ekstraordinært møte; 30.08 kl. 09-12"]
        );
        assert_eq!(
            split_flat("Status i Bergen Erfaringer «go live» Helse Vest Koordinert nedetid", &words),
            vec!["Status i Bergen", "Erfaringer «go live» Helse Vest", "Koordinert nedetid"]
        );
        assert_eq!(
            split_flat("Tema: Status for VI - et prosjekt", &words),
            vec!["Tema: Status for VI - et prosjekt"]
        );
    }
}
