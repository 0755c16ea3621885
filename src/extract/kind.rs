//! The document's kind and language.
//!
//! Kind, first match wins: an attachment (`Vedlegg til sak 12/24` near the top); minutes
//! (`protokoll`, `referat`, a `… behandling av sak` line); a meeting invitation (an agenda table,
//! or `innkalling`/`sakliste` near the top); a presentation (many headings with little text under
//! each, no proposal); a case paper (cases found); an action plan (plans found); else other.
//! Language: bokmål and nynorsk marker words counted; null when too few.

use super::{casenum, minutes, Flat, LineKind};
use crate::lexicon::{self, c};
use crate::record::{Case, Kind};

/// `Vedlegg til sak 12/24` near the top: the case the attachment belongs to.
pub fn attachment_of(flat: &Flat) -> Option<crate::record::CaseNum> {
    flat.lines.iter().take(4).find_map(|l| {
        let t = l.text.to_lowercase();
        if !t.starts_with("vedlegg") {
            return None;
        }
        casenum::find_prefixed(&l.text).into_iter().next().map(|(n, _, _)| n)
    })
}

pub fn classify(flat: &Flat, cases: &[Case], has_agenda: bool, has_plans: bool) -> Kind {
    let top: Vec<String> = flat.lines.iter().take(8).map(|l| l.text.to_lowercase()).collect();
    if top.iter().take(4).any(|t| t.starts_with("vedlegg") && !casenum::find_prefixed(t).is_empty()) {
        return Kind::Attachment;
    }
    // the document's own marker starts a line; a word inside a line (an attachment named
    // `Saksprotokoll …` in a saksframlegg) is a mention
    let starts_with =
        |t: &str, concept: &str| lexicon::forms(concept).iter().any(|f| t.starts_with(f.as_str()));
    let first_marker = top.iter().find(|t| starts_with(t, c::MINUTES) || starts_with(t, c::CASE_MARKER));
    let case_paper_first = first_marker.is_some_and(|t| !starts_with(t, c::MINUTES));
    let protocol = !case_paper_first
        && (first_marker.is_some() || flat.lines.iter().any(|l| minutes::behandling(&l.text).is_some()));
    if protocol {
        return Kind::Minutes;
    }
    if has_agenda
        || top.iter().any(|t| {
            t.starts_with("møteinnkalling")
                || t.starts_with("innkalling")
                || t.starts_with("sakliste")
                || t.starts_with("saksliste")
        })
    {
        return Kind::MeetingInvitation;
    }
    let headings = flat.lines.iter().filter(|l| matches!(l.kind, LineKind::Heading(_))).count();
    let has_points = cases.iter().any(|c| !c.proposal.is_empty() || !c.decision.is_empty());
    if headings >= 6 && !has_points && flat.lines.len() <= headings * 8 {
        return Kind::Presentation;
    }
    if !cases.is_empty() {
        return Kind::CasePaper;
    }
    if has_plans {
        return Kind::ActionPlan;
    }
    Kind::Other
}

const NN: &[&str] = &[
    "ikkje",
    "eg",
    "dei",
    "frå",
    "kva",
    "korleis",
    "vert",
    "vart",
    "òg",
    "berre",
    "saka",
    "utval",
    "kommunane",
    "sjukehus",
    "sjukehuset",
    "helseføretak",
    "tilskot",
    "vedtek",
    "kvart",
    "leiar",
    "gjeldande",
    "mellom",
    "skal",
    "heile",
    "desse",
    "noko",
    "nokre",
    "fylgje",
    "følgje",
    "hjå",
    "samrøystes",
    "handsaming",
    "framlegg",
    "sakshandsamar",
];
const NB: &[&str] = &[
    "ikke",
    "jeg",
    "de",
    "fra",
    "hva",
    "hvordan",
    "blir",
    "også",
    "bare",
    "saken",
    "utvalg",
    "kommunene",
    "sykehus",
    "sykehuset",
    "helseforetak",
    "tilskudd",
    "vedtar",
    "hver",
    "leder",
    "gjeldende",
    "hele",
    "disse",
    "noe",
    "noen",
    "følge",
    "hos",
    "enstemmig",
    "behandling",
    "forslag",
    "saksbehandler",
];

pub fn language(flat: &Flat) -> Option<String> {
    let (mut nn, mut nb) = (0usize, 0usize);
    for l in &flat.lines {
        let lower = l.text.to_lowercase();
        for w in lower.split(|c: char| !c.is_alphanumeric() && c != 'ò').filter(|w| !w.is_empty()) {
            if NN.contains(&w) && w != "mellom" && w != "skal" {
                nn += 1;
            }
            if NB.contains(&w) {
                nb += 1;
            }
        }
    }
    if nn + nb < 5 {
        return None;
    }
    Some(if nn > nb { "nn" } else { "nb" }.to_string())
}
