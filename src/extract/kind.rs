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
/// bytes; a word of a byte length no marker has is not looked up.
struct Markers {
    by_text: std::collections::HashMap<&'static [u8], (bool, bool), crate::util::QuickBuild>,
    /// Whether some marker has this many bytes (the index); its length is one more than the
    /// longest marker's.
    lengths: Vec<bool>,
}

static MARKERS: std::sync::LazyLock<Markers> = std::sync::LazyLock::new(|| {
    let nb = lexicon::forms_in(c::LANGUAGE_MARKER, lexicon::Lang::Nb);
    let nn = lexicon::forms_in(c::LANGUAGE_MARKER, lexicon::Lang::Nn);
    let by_text: std::collections::HashMap<_, _, _> =
        nb.iter().chain(nn).map(|w| (w.as_bytes(), (nb.contains(w), nn.contains(w)))).collect();
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

/// A character of a word (`c.is_alphanumeric()`, or `ò`, as the language test has always split
/// words); everything else separates words.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == 'ò'
}

/// Each ASCII byte's lower case, or 0 for a byte that separates words.
static ASCII_WORD: std::sync::LazyLock<[u8; 128]> = std::sync::LazyLock::new(|| {
    let mut t = [0u8; 128];
    for (b, slot) in (0u8..128).zip(t.iter_mut()) {
        if word_char(char::from(b)) {
            *slot = b.to_ascii_lowercase();
        }
    }
    t
});

/// The characters U+0080–U+00FF (æ, ø, å, é …): each one's lower case (one character in this
/// range), or `None` for one that separates words.
static LATIN1_WORD: std::sync::LazyLock<[Option<char>; 128]> = std::sync::LazyLock::new(|| {
    let mut t = [None; 128];
    for (cp, slot) in (0x80u32..0x100).zip(t.iter_mut()) {
        let Some(c) = char::from_u32(cp) else { continue };
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            // one lower-case character, classified as the lower-cased text is split
            *slot = word_char(l).then_some(l);
        }
    }
    t
});

/// Counts the language markers among the words of lower-cased text, fed one lower-case
/// character at a time: the word being read is kept (lower-cased) only up to the longest
/// marker's length, and looked up only when a marker has its length.
struct MarkerCount<'m> {
    markers: &'m Markers,
    /// The word being read, lower-cased: its first `len` bytes.
    word: [u8; MARKER_MAX_BYTES + 1],
    len: usize,
    /// The word is longer than every marker.
    long: bool,
    nb: usize,
    nn: usize,
}

/// Most bytes of a language marker (test `markers_fit_the_word_buffer`): the word buffer holds
/// one more.
const MARKER_MAX_BYTES: usize = 32;

impl<'m> MarkerCount<'m> {
    fn new(markers: &'m Markers) -> MarkerCount<'m> {
        MarkerCount { markers, word: [0; MARKER_MAX_BYTES + 1], len: 0, long: false, nb: 0, nn: 0 }
    }

    fn push_byte(&mut self, b: u8) {
        match self.word.get_mut(self.len) {
            Some(slot) if self.len < self.markers.lengths.len() => {
                *slot = b;
                self.len += 1;
            }
            _ => self.long = true,
        }
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.push_byte(b);
        }
    }

    /// A lower-case character of the text (of any kind).
    fn push_lower(&mut self, c: char) {
        if word_char(c) {
            self.push_char(c);
        } else {
            self.end_word();
        }
    }

    fn end_word(&mut self) {
        if !self.long && self.markers.has_len(self.len) {
            if let Some((b, n)) = self.word.get(..self.len).and_then(|w| self.markers.by_text.get(w)) {
                self.nb += usize::from(*b);
                self.nn += usize::from(*n);
            }
        }
        self.len = 0;
        self.long = false;
    }

    /// The words of `text` lower-cased (as `text.to_lowercase()` split at non-word characters).
    fn text(&mut self, text: &str) {
        let (ascii, latin1) = (&*ASCII_WORD, &*LATIN1_WORD);
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b < 0x80 {
                match ascii.get(usize::from(b)).copied().unwrap_or(0) {
                    0 => self.end_word(),
                    l => self.push_byte(l),
                }
                i += 1;
                continue;
            }
            let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else { break };
            i += c.len_utf8();
            match latin1.get((c as usize).wrapping_sub(0x80)) {
                Some(Some(l)) => self.push_char(*l),
                Some(None) => self.end_word(),
                // beyond U+00FF: its lower case, which may be several characters (`İ`)
                None => {
                    for l in c.to_lowercase() {
                        self.push_lower(l);
                    }
                }
            }
        }
        self.end_word();
    }
}

/// The language: the lexicon's bokmål and nynorsk marker words counted over the text; null
/// below [`LANGUAGE_MIN_MARKERS`].
pub fn language(flat: &Flat) -> Option<String> {
    let markers = &*MARKERS;
    let mut count = MarkerCount::new(markers);
    for l in &flat.lines {
        count.text(&l.text);
    }
    let (nb, nn) = (count.nb, count.nn);
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

    /// The count as it was defined: every line lower-cased, split at characters that are not
    /// alphanumeric (nor `ò`), each word looked up.
    fn counted_as_defined(lines: &[&str]) -> (usize, usize) {
        let m = &*MARKERS;
        let (mut nb, mut nn) = (0, 0);
        for l in lines {
            for w in l.to_lowercase().split(|c: char| !c.is_alphanumeric() && c != 'ò') {
                if let Some((b, n)) = m.by_text.get(w.as_bytes()) {
                    nb += usize::from(*b);
                    nn += usize::from(*n);
                }
            }
        }
        (nb, nn)
    }

    #[test]
    fn markers_fit_the_word_buffer() {
        assert!(MARKERS.by_text.keys().all(|w| w.len() <= MARKER_MAX_BYTES));
    }

    #[test]
    fn markers_counted_as_defined() {
        let markers: Vec<&str> =
            MARKERS.by_text.keys().map(|w| std::str::from_utf8(w).unwrap_or("")).collect();
        let mut lines: Vec<String> = vec![
            "Utvalet vedtek at saka vert send kommunane, og ikkje berre sjukehuset.".into(),
            "UTVALGET VEDTAR AT SAKEN SENDES – IKKE BARE «SYKEHUSET».".into(),
            // characters beyond U+00FF beside the words: dashes, quotes, the dotted capital I
            // (lower case `i` and a combining dot, which separates words), the Kelvin sign,
            // Greek, a ligature, digits and marks glued to words
            "Ikkje\u{2013}berre \u{201c}saka\u{201d} İKKJE ikkjeİ \u{212A}ommunane ΣΑΚΑ ﬁkk òg 12ikke ikke2 ikke\u{a0}og".into(),
            "Ærleg talt: ØKONOMI, Åpen ÆØÅ æøå ÿ µ ª º ² × ÷ ikkje×ikkje".into(),
            String::new(),
        ];
        // every marker in upper, lower and title case, alone and glued to other words
        for w in &markers {
            let title: String =
                w.chars().take(1).flat_map(char::to_uppercase).chain(w.chars().skip(1)).collect();
            lines.push(format!("{w} {} {title}-{w}x {w}ò x{w}", w.to_uppercase()));
        }
        for l in &lines {
            let mut got = MarkerCount::new(&MARKERS);
            got.text(l);
            assert_eq!((got.nb, got.nn), counted_as_defined(&[l]), "{l}");
        }
        // must count: markers in any case; must not: markers inside longer words
        let mut c = MarkerCount::new(&MARKERS);
        c.text("IKKJE Ikkje ikkje");
        assert_eq!(c.nn, 3);
        let mut c = MarkerCount::new(&MARKERS);
        c.text("ikkjeikkje xikkje ikkjex");
        assert_eq!(c.nn + c.nb, 0);
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
