//! Agenda tables (`Kl. | Saksnr. | Saker | Ansvarlig | Tid` and variants such as
//! `Saksnr. | Tittel`): columns are found by their header and confirmed by their values (a `Tid`
//! column of whole numbers holds minutes, of spans holds times). Each row gives a time span, a
//! case number (none for pauses), a title, sub-items (list items inside the cell, or a list that
//! lost its item breaks — see [`split_flat`]) and responsible persons (split on `/`, `,`, `og`).

use super::{casenum, dates, fold, Flat, Line, LineKind};
use crate::lexicon::{self, c as lc};
use crate::model::{Block, Cell};
use crate::record::AgendaItem;
use regex::Regex;
use std::sync::LazyLock;

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
        // what the column's values are, looked at only for the headers that ask
        let is_span = || share(i, &|v| dates::span(v).is_some()) >= 0.6;
        let is_num = || share(i, &|v| v.parse::<u32>().is_ok()) >= 0.6;
        let is_case = || share(i, &|v| casenum::parse_value(v).is_some()) >= 0.5;
        match k.as_str() {
            "kl" | "klokka" | "klokkeslett" | "tidspunkt" | "tid" | "når"
                if c.time.is_none() && is_span() =>
            {
                c.time = Some(i)
            }
            "tid" | "min" | "minutter" | "varighet" | "varigheit" | "tid (min)" | "tid (min.)"
                if is_num() =>
            {
                c.minutes = Some(i)
            }
            "saksnr" | "sak nr" | "saknr" | "nr" | "ps" | "saksnummer" if c.case.is_none() => {
                c.case = Some(i)
            }
            "sak" if c.case.is_none() && is_case() => c.case = Some(i),
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
    // the two characters before the current one
    let (mut prev, mut prev2): (Option<char>, Option<char>) = (None, None);
    for c in s.chars() {
        let ved = c == '/' && prev == Some('v') && prev2.is_none_or(|p| !p.is_alphanumeric());
        if matches!(c, '/' | ',' | '&' | ';') && !ved {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
        (prev2, prev) = (prev, Some(c));
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
        // `s` holds `,{part}`: a comma with the part after it
        let after_comma =
            i > 0 && s.match_indices(',').any(|(at, _)| s.get(at + 1..).is_some_and(|r| r.starts_with(part)));
        let role = part.trim().chars().next().is_some_and(|c| c.is_lowercase());
        let org = is_org(part);
        if after_comma && (org || role) {
            continue;
        }
        if org {
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
/// does not end in `:`. `common_word` answers whether a word (lower-cased, punctuation trimmed)
/// is one the document writes in lower case, asked only for a word that passes the other tests.
pub fn split_flat(text: &str, common_word: impl Fn(&str) -> bool) -> Vec<String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut items: Vec<Vec<&str>> = vec![Vec::new()];
    for (i, tok) in tokens.iter().enumerate() {
        let starts_upper = tok.chars().next().is_some_and(|c| c.is_uppercase());
        let all_upper = tok.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase());
        let prev = if i == 0 { None } else { tokens.get(i - 1) };
        let next = tokens.get(i + 1);
        let common =
            || common_word(tok.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric() && c != '-'));
        let next_upper = next.is_some_and(|n| n.chars().next().is_some_and(|c| c.is_uppercase()));
        let prev_ok = prev.is_some_and(|p| {
            !p.ends_with([':', '-', '–', '(', '«', '"'])
                && !["og", "i", "på", "for", "av", "til", "ved", "fra", "frå", "med", "om", "-", "–"]
                    .contains(p)
        });
        let current_len = items.last().map_or(0, |v| v.len());
        if starts_upper && !all_upper && !next_upper && prev_ok && current_len >= 2 && common() {
            items.push(Vec::new());
        }
        if let Some(last) = items.last_mut() {
            last.push(tok);
        }
    }
    items.into_iter().filter(|v| !v.is_empty()).map(|v| v.join(" ")).collect()
}

/// Title and sub-items of a `Saker` cell.
fn title_and_items(cell: &Cell, words: &super::Words<'_>) -> (String, Vec<String>) {
    let mut title = String::new();
    let mut items = Vec::new();
    for b in &cell.blocks {
        let Some(t) = b.text() else { continue };
        let t = fold(t);
        if t.is_empty() {
            continue;
        }
        match b {
            Block::ListItem { .. } => items.extend(split_flat(&t, |w| words.contains(w))),
            _ if title.is_empty() => {
                // a converter may flatten `title <ul>…</ul>` to `title / items`
                let mut parts = t.split(" / ");
                title = parts.next().unwrap_or_default().trim().to_string();
                for p in parts {
                    items.extend(split_flat(p.trim(), |w| words.contains(w)));
                }
            }
            _ => items.extend(split_flat(&t, |w| words.contains(w))),
        }
    }
    (title, items.into_iter().filter(|s| !s.trim().is_empty()).collect())
}

/// Agenda items from the document's agenda tables, and the indices of those tables.
pub fn extract(flat: &Flat, words: &super::Words<'_>) -> (Vec<AgendaItem>, Vec<usize>) {
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

/// Fewest rows of a case list printed as lines without a list heading above it.
const CASE_LIST_MIN_ROWS: usize = 3;
/// Most lines between a list heading (`Saksliste`) and its first row (a column-label line such
/// as `Saksnr. Arkivnr. Tittel`).
const CASE_LIST_HEAD_GAP: usize = 2;
/// Most words of a column-label line between a list heading and its rows.
const CASE_LIST_LABEL_MAX_WORDS: usize = 4;
/// Most words of a line that continues a wrapped title, or of a title in a column read apart.
const CASE_LIST_WRAP_MAX_WORDS: usize = 12;
/// Share of a list's rows that must end in a page number for the list to be a table of contents.
const TOC_MIN_SHARE: f64 = 0.75;

static ARCHIVE_LEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{2,4}/[0-9]{1,6}(?:-[0-9]+)?\s+").expect("valid regex"));
static ARCHIVE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+[0-9]{2,4}/[0-9]{3,}(?:-[0-9]+)?$").expect("valid regex"));
static PAGE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\s*\.{2,}\s*|\s+)([0-9]{1,3})$").expect("valid regex"));

/// A case-list row: `012/26 Title`, `PS 12/26 Title`, `PS 26/012 Title`, `Sak 12/26: Title`,
/// `012/26 26/1234 Title` (an archive-number column, dropped: a title never opens with a
/// second number of that shape). The title may be empty (a column
/// printed apart from its numbers).
fn list_row(text: &str) -> Option<(crate::record::CaseNum, String)> {
    let (n, rest) = casenum::parse_bare(text)?;
    let rest = rest.trim_start_matches([':', '-', '–', ' ', '\t']);
    let rest = ARCHIVE_LEAD.replace(rest, "");
    let rest = ARCHIVE_TAIL.replace(&rest, "");
    let title = rest.trim();
    // a title starts with a capital, a digit or a quote: `12/26 av dei …` is running text
    if title.chars().next().is_some_and(|c| c.is_lowercase()) {
        return None;
    }
    Some((n, title.to_string()))
}

static LIST_HEADING_WORDS: LazyLock<super::prefilter::Words> =
    LazyLock::new(|| super::prefilter::Words::new(lexicon::forms(lc::CASE_LIST_HEADING)));

/// A list heading (`Saksliste`, `Sakskart`, `Innhald`), a label of the lexicon.
fn list_heading(l: &Line) -> bool {
    let t = l.text.trim().trim_end_matches(':').trim();
    // prefilter (see `super::prefilter`): both tests need a list heading's form at the start of
    // the line, so its first word holds the form's first word
    if !LIST_HEADING_WORDS.any(t.split_whitespace().next().unwrap_or_default()) {
        return false;
    }
    if lexicon::is(lc::CASE_LIST_HEADING, t) {
        return true;
    }
    let lower = fold(t).to_lowercase();
    lexicon::forms(lc::CASE_LIST_HEADING)
        .iter()
        .any(|f| lower.strip_prefix(f.as_str()).is_some_and(|r| r.starts_with(' ')))
}

/// Whether `next` continues the title `title` (a list printed with wrapped lines): it starts in
/// lower case, is a year alone, or the title ends on a function word or a hyphen.
fn title_goes_on(title: &str, next: &str) -> bool {
    let words = next.split_whitespace().count();
    if words == 0 || words > CASE_LIST_WRAP_MAX_WORDS || next.trim_end().ends_with(':') {
        return false;
    }
    let last = title.split_whitespace().last().unwrap_or_default();
    let open_end = last.ends_with(['-', '–']) || lexicon::is(lc::FUNCTION_WORD, last);
    let year = next.len() == 4 && dates::year4(next).is_some();
    next.starts_with(char::is_lowercase) || open_end || year
}

/// A title in a column printed apart from its numbers: short, no sentence.
fn column_title(l: &Line) -> bool {
    let t = l.text.trim();
    let words = t.split_whitespace().count();
    l.kind != LineKind::Table
        && (1..=CASE_LIST_WRAP_MAX_WORDS).contains(&words)
        && !t.ends_with(['.', ':'])
        && list_row(t).is_none()
}

/// A table of contents: most rows end in a page number, and the numbers never fall. Their page
/// numbers (and dot leaders) are cut from the titles.
fn strip_page_numbers(rows: &mut [(crate::record::CaseNum, String)]) {
    let pages: Vec<Option<u32>> = rows
        .iter()
        .map(|(_, t)| PAGE_TAIL.captures(t).and_then(|c| c.get(1)?.as_str().parse().ok()))
        .collect();
    let found: Vec<u32> = pages.iter().flatten().copied().collect();
    let share = found.len() as f64 / rows.len().max(1) as f64;
    if rows.len() < 2 || share < TOC_MIN_SHARE || found.windows(2).any(|w| w[1] < w[0]) {
        return;
    }
    for (_, t) in rows.iter_mut() {
        let cut = PAGE_TAIL.replace(t, "").trim().to_string();
        if !cut.is_empty() {
            *t = cut;
        }
    }
}

/// Case lists printed as lines, without times (a saksliste, a sakskart, a table of contents, a
/// table whose grid was lost): rows `012/26 Title` under a list heading, or a run of at least
/// [`CASE_LIST_MIN_ROWS`] such rows of one year in rising order. A wrapped title is joined; a
/// column of numbers printed before its column of titles is paired in order only when the
/// counts agree (else the rows keep no title and are dropped, never a neighbour's title).
pub fn from_lines(lines: &[Line]) -> Vec<AgendaItem> {
    let mut out: Vec<AgendaItem> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // a list heading straight above, or above column labels (`Saksnr. Tittel`)
        let Some(first) = lines.get(i).filter(|l| l.kind != LineKind::Table).and_then(|l| list_row(&l.text))
        else {
            i += 1;
            continue;
        };
        // asked only for a line that opens a list
        let headed = (1..=CASE_LIST_HEAD_GAP + 1).any(|back| {
            i >= back
                && lines.get(i - back).is_some_and(list_heading)
                && lines.get(i + 1 - back..i).is_some_and(|gap| {
                    gap.iter().all(|l| l.text.split_whitespace().count() <= CASE_LIST_LABEL_MAX_WORDS)
                })
        });
        let mut rows = vec![first];
        let mut j = i + 1;
        while let Some(l) = lines.get(j) {
            if l.kind == LineKind::Table {
                break;
            }
            if let Some(row) = list_row(&l.text) {
                rows.push(row);
                j += 1;
                continue;
            }
            let Some(last) = rows.last_mut() else { break };
            // a short line between two rows is the wrapped end of the title above it
            let between =
                lines.get(j + 1).is_some_and(|n| n.kind != LineKind::Table && list_row(&n.text).is_some())
                    && l.text.split_whitespace().count() <= CASE_LIST_WRAP_MAX_WORDS;
            if !last.1.is_empty() && !list_heading(l) && (between || title_goes_on(&last.1, l.text.trim())) {
                let next = l.text.trim();
                // `arealdel 2018-` / `2030`: a range broken at its hyphen
                let glue = last.1.ends_with(['-', '–']) && next.starts_with(|c: char| c.is_ascii_digit());
                last.1 = if glue { format!("{}{next}", last.1) } else { format!("{} {next}", last.1) };
                j += 1;
                continue;
            }
            break;
        }
        // numbers printed apart from their titles: the titles follow, one per number
        let untitled = rows.iter().rev().take_while(|(_, t)| t.is_empty()).count();
        if untitled > 0 {
            let titles: Vec<&Line> = lines.iter().skip(j).take_while(|l| column_title(l)).collect();
            if titles.len() == untitled {
                let from = rows.len() - untitled;
                for (row, l) in rows.iter_mut().skip(from).zip(&titles) {
                    row.1 = l.text.trim().to_string();
                }
                j += untitled;
            }
        }
        rows.retain(|(_, t)| !t.is_empty());
        let one_year = rows.windows(2).all(|w| w[0].0.year == w[1].0.year && w[0].0.seq < w[1].0.seq);
        if !rows.is_empty() && (headed || rows.len() >= CASE_LIST_MIN_ROWS && one_year) {
            strip_page_numbers(&mut rows);
            for (n, title) in rows {
                if out.iter().any(|a| a.case.as_ref().is_some_and(|c| c.key() == n.key())) {
                    continue;
                }
                out.push(AgendaItem {
                    case: Some(n),
                    start: String::new(),
                    end: String::new(),
                    minutes: None,
                    title,
                    sub_items: Vec::new(),
                    responsible: Vec::new(),
                });
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// A case whose header is a row of a table of contents (`PS 26/033 Orienteringssaker 9`) takes
/// the row's title without its page number.
pub fn strip_case_pages(agenda: &[AgendaItem], cases: &mut [crate::record::Case]) {
    for case in cases.iter_mut() {
        let Some(key) = case.number.as_ref().map(|n| n.key()) else { continue };
        let Some(row) = agenda.iter().find(|a| a.case.as_ref().is_some_and(|n| n.key() == key)) else {
            continue;
        };
        let Some(title) = case.title.as_deref() else { continue };
        let page_only = title
            .strip_prefix(row.title.as_str())
            .is_some_and(|rest| !rest.is_empty() && PAGE_TAIL.replace(rest, "").trim().is_empty());
        if page_only {
            case.title = Some(row.title.clone());
        }
    }
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
    fn people_helpers_as_defined() {
        let split_defined = |s: &str| {
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
        };
        let org_defined = |s: &str| {
            s.split(|c: char| !c.is_alphanumeric()).any(|w| ORG_WORDS.contains(&w.to_lowercase().as_str()))
        };
        for s in [
            "",
            "v/",
            "/v/",
            "v/Kari",
            "av/Kari, Ola v/Per; Eli & Ask",
            "Sula kommune v/Eli Moe, Volda sjukehus v/Per Ask",
            "Ola/Kari,,HELSE Vest",
            "Klinikk for psykisk helse",
            "Sjukehuset/KS",
            "Helseføretak",
            "İKS",
            "ΣHF",
        ] {
            assert_eq!(split_keep_ved(s), split_defined(s), "{s:?}");
            assert_eq!(is_org(s), org_defined(s), "{s:?}");
        }
    }

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
        let words: super::super::WordSet = ["ekstraordinært", "erfaringer", "koordinert", "helse", "status"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            split_flat("Saker til eventuelt Ekstraordinært møte; 30.08 kl. 09-12", |w| words.contains(w)),
            vec!["Saker til eventuelt", "Ekstraordinært møte; 30.08 kl. 09-12"]
        );
        assert_eq!(
            split_flat("Status i Bergen Erfaringer «go live» Helse Vest Koordinert nedetid", |w| words
                .contains(w)),
            vec!["Status i Bergen", "Erfaringer «go live» Helse Vest", "Koordinert nedetid"]
        );
        assert_eq!(
            split_flat("Tema: Status for VI - et prosjekt", |w| words.contains(w)),
            vec!["Tema: Status for VI - et prosjekt"]
        );
    }

    #[test]
    fn document_words_asked_one_at_a_time_as_the_set() {
        use crate::model::{Block, Cell, Pos, Row, Table, Text};
        let lines = [
            "Saker til eventuelt: ekstraordinært møte",
            "status-rapport frå Helse Vest, «go live»; koordinert nedetid",
            "Åpen dag — økonomi, 2026-plan og ÆØÅ",
            "aa aaa a-b x.y İstanbul ıi",
        ];
        let cell = |t: &str| Cell {
            blocks: vec![Block::Paragraph { text: Text::plain(t), pos: Pos::default() }],
            ..Cell::default()
        };
        let flat = super::super::Flat {
            lines: lines.iter().map(|t| Line::para(t)).collect(),
            tables: vec![Table {
                rows: vec![Row { cells: vec![cell("tabell-ord"), cell("Ikkje\nlinjeskift")], header: false }],
                pos: Pos::default(),
            }],
            field_tables: Vec::new(),
        };
        let set = super::super::lexicon(&flat);
        let words = super::super::Words::new(&flat);
        let mut asked: Vec<String> = set.iter().cloned().collect();
        // must not: capitalised, inside a longer word, across a split, empty, digits first
        asked.extend(
            [
                "",
                "Helse",
                "helse",
                "vest",
                "a",
                "aa",
                "b",
                "a-b",
                "x.y",
                "x",
                "y",
                "go",
                "live",
                "2026-plan",
                "plan",
                "linjeskift",
                "ikkje",
                "tabell",
                "ord",
                "tabell-ord",
                "stanbul",
                "i",
                "ıi",
                "øk",
                "økonomi",
                "åpen",
                "dag",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        for w in &asked {
            assert_eq!(words.contains(w), set.contains(w), "{w:?}");
        }
        assert!(words.contains("tabell-ord") && words.contains("linjeskift") && !words.contains("Helse"));
    }

    fn rows(texts: &[&str]) -> Vec<(String, String)> {
        let lines: Vec<Line> = texts.iter().map(|t| Line::para(t)).collect();
        from_lines(&lines)
            .into_iter()
            .map(|a| (a.case.map(|n| n.key()).unwrap_or_default(), a.title))
            .collect()
    }

    fn want(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect()
    }

    #[test]
    fn case_lists_printed_as_lines() {
        // zero-padded numbers under a heading, with an archive-number column and a wrapped title
        assert_eq!(
            rows(&[
                "Saksliste",
                "Saksnr. Arkivnr. Tittel",
                "012/26 26/1187 Godkjenning av innkalling",
                "013/26 25/2290 Revidert plan for samarbeid om",
                "legevakt og øyeblikkeleg hjelp"
            ]),
            want(&[
                ("12/2026", "Godkjenning av innkalling"),
                ("13/2026", "Revidert plan for samarbeid om legevakt og øyeblikkeleg hjelp")
            ])
        );
        // a wrapped last line: a year alone, a range broken at its hyphen, a short line between
        // two rows
        assert_eq!(
            rows(&[
                "Saksliste",
                "031/26 Plan for idrett og friluftsliv",
                "2027",
                "032/26 Arealdel 2026-",
                "2038",
                "033/26 Arealdel for Nordvik",
                "Sentrum",
                "034/26 Eventuelt"
            ]),
            want(&[
                ("31/2026", "Plan for idrett og friluftsliv 2027"),
                ("32/2026", "Arealdel 2026-2038"),
                ("33/2026", "Arealdel for Nordvik Sentrum"),
                ("34/2026", "Eventuelt")
            ])
        );
        // must not: the heading of a second list is no part of the first list's last title
        assert_eq!(
            rows(&["Saksliste", "031/26 Referatsaker", "Innhald", "Sak 31/26 Referatsaker 2"]),
            want(&[("31/2026", "Referatsaker")])
        );
        // must not: a heading after the last row is no part of its title
        assert_eq!(
            rows(&["Saksliste", "031/26 Referatsaker", "Kommunedirektøren si innstilling"]),
            want(&[("31/2026", "Referatsaker")])
        );
        // `PS` with year-first zero-padded numbers, three rows without a heading
        assert_eq!(
            rows(&["PS 26/004 Budsjett for 2026", "PS 26/005 Tertialrapport", "PS 26/006 Eventuelt"]),
            want(&[("4/2026", "Budsjett for 2026"), ("5/2026", "Tertialrapport"), ("6/2026", "Eventuelt")])
        );
        // a table of contents: page numbers and dot leaders go, a title's own number stays
        assert_eq!(
            rows(&[
                "Innhald",
                "Sak 4/26 Referatsaker 3",
                "Sak 5/26 Orienteringssaker ..... 13",
                "Sak 6/26 Tertialrapport 1 17"
            ]),
            want(&[
                ("4/2026", "Referatsaker"),
                ("5/2026", "Orienteringssaker"),
                ("6/2026", "Tertialrapport 1")
            ])
        );
        // a column of numbers printed before its column of titles: paired in order
        assert_eq!(
            rows(&["Sakskart", "021/26", "022/26", "Årsmelding", "Kurs for tilsette"]),
            want(&[("21/2026", "Årsmelding"), ("22/2026", "Kurs for tilsette")])
        );
        // must not: counts that disagree attach no title (no row); two rows without a heading;
        // a history of cases from several years; running text that starts with a number
        assert_eq!(rows(&["Sakskart", "021/26", "022/26", "Årsmelding"]), want(&[]));
        assert_eq!(rows(&["012/26 Godkjenning", "013/26 Referat"]), want(&[]));
        assert_eq!(rows(&["Sak 12/24 Plan", "Sak 30/24 Budsjett", "Sak 2/25 Rapport"]), want(&[]));
        assert_eq!(rows(&["Saksliste", "12/26 av dei spurde svarte ja"]), want(&[]));
        // a list of page numbers that fall is no table of contents
        assert_eq!(
            rows(&["Innhald", "Sak 4/26 Tertialrapport 2", "Sak 5/26 Tertialrapport 1"]),
            want(&[("4/2026", "Tertialrapport 2"), ("5/2026", "Tertialrapport 1")])
        );
    }
}
