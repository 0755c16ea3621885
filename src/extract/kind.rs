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
    // a paper that opens with a case marker (SAKSFRAMLEGG) is a case paper, however many headings
    if headings >= 6 && !has_points && flat.lines.len() <= headings * 8 && !case_paper_first {
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

/// Fewest marker words before a language is decided.
const LANGUAGE_MIN_MARKERS: usize = 5;

/// The language markers, each form with whether it marks bokmål and nynorsk, looked up by their
/// text; a word of a byte length no marker has is skipped before it is lower-cased.
struct Markers {
    by_text: std::collections::HashMap<&'static str, (bool, bool), crate::util::QuickBuild>,
    /// Whether some marker has this many bytes (the index).
    lengths: Vec<bool>,
}

static MARKERS: std::sync::LazyLock<Markers> = std::sync::LazyLock::new(|| {
    let nb = lexicon::forms_in(c::LANGUAGE_MARKER, lexicon::Lang::Nb);
    let nn = lexicon::forms_in(c::LANGUAGE_MARKER, lexicon::Lang::Nn);
    let by_text: std::collections::HashMap<_, _, _> =
        nb.iter().chain(nn).map(|w| (w.as_str(), (nb.contains(w), nn.contains(w)))).collect();
    let mut lengths = vec![false; by_text.keys().map(|w| w.len() + 1).max().unwrap_or(0)];
    for w in by_text.keys() {
        lengths[w.len()] = true;
    }
    Markers { by_text, lengths }
});

impl Markers {
    /// Whether a word of `len` bytes may be a marker.
    fn has_len(&self, len: usize) -> bool {
        self.lengths.get(len).copied().unwrap_or(false)
    }
}

/// The language: the lexicon's bokmål and nynorsk marker words counted over the text; null
/// below [`LANGUAGE_MIN_MARKERS`].
pub fn language(flat: &Flat) -> Option<String> {
    let markers = &*MARKERS;
    let (mut nn, mut nb) = (0usize, 0usize);
    let mut count = |w: &str| {
        if let Some((b, n)) = markers.by_text.get(w) {
            nb += usize::from(*b);
            nn += usize::from(*n);
        }
    };
    let separator = |c: char| !c.is_alphanumeric() && c != 'ò';
    for l in &flat.lines {
        if l.text.bytes().all(|b| b < 0xC4) {
            // every character below U+0100: lower-casing keeps each character's class and
            // byte length, so the words split from the text as written are those of its lower
            // case, and only the words of a marker's length are lower-cased
            for w in l.text.split(separator).filter(|w| markers.has_len(w.len())) {
                if w.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
                    count(&w.to_lowercase());
                } else {
                    count(w);
                }
            }
        } else {
            let lower = l.text.to_lowercase();
            for w in lower.split(separator) {
                count(w);
            }
        }
    }
    if nn + nb < LANGUAGE_MIN_MARKERS {
        return None;
    }
    Some(if nn > nb { "nn" } else { "nb" }.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Line;

    fn flat(ls: &[&str]) -> Flat {
        Flat {
            lines: ls
                .iter()
                .map(|t| Line {
                    kind: LineKind::Para,
                    text: t.to_string(),
                    bold: false,
                    table: None,
                    at: None,
                })
                .collect(),
            tables: Vec::new(),
            field_tables: Vec::new(),
        }
    }

    #[test]
    fn kinds_by_marker() {
        let cases: &[(&[&str], Kind)] = &[
            (&["MØTEPROTOKOLL", "Klagenemnda"], Kind::Minutes),
            (&["Saksprotokoll", "Vedtak"], Kind::Minutes),
            (&["Referat frå møte i LSU"], Kind::Minutes),
            (&["Formannskaps behandling av sak 3/2026 i møte den 29.01.2026:"], Kind::Minutes),
            (&["Møteinnkalling", "Utval: SSU"], Kind::MeetingInvitation),
            (&["Vedlegg til sak 17/25", "Tilskudd"], Kind::Attachment),
            // must not: a saksframlegg that names an attached protocol is not minutes
            (&["SAKSFRAMLEGG", "Søknad om permisjon", "1 Saksprotokoll Søknad om fritak"], Kind::Other),
            (&["Notat om protokollen fra forrige møte"], Kind::Other),
        ];
        for (input, want) in cases {
            assert_eq!(classify(&flat(input), &[], false, false), *want, "{input:?}");
        }
    }

    #[test]
    fn language_by_marker_words() {
        let nn = flat(&["Utvalet vedtek at saka vert send kommunane, og ikkje berre sjukehuset."]);
        let nb = flat(&["Utvalget vedtar at saken sendes kommunene, og ikke bare sykehuset."]);
        assert_eq!(language(&nn).as_deref(), Some("nn"));
        assert_eq!(language(&nb).as_deref(), Some("nb"));
        assert_eq!(language(&flat(&["Budsjett 2026"])), None);
    }
}
