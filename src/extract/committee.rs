//! Committees from the register ([`crate::config::Register`]): full names and variants match
//! case-insensitively as whole words, abbreviations case-sensitively. FSU names are ordinary
//! words (`IKT`, `Rehabilitering`), so they count only beside an FSU marker (`FSU`, `fagleg(e)
//! samarbeidsutval`, `faglig samarbeidsutvalg`, `fagråd`) or in an `Utvalg:` field.

use crate::config::{CommitteeKind, Register};
use crate::lexicon::c as lc;
use crate::record::Committee;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Byte offset of `needle` in `hay` as a whole word; `lower` is `hay` lower-cased (passed in so
/// that it is computed once per text).
fn find_word(hay: &str, lower: &str, needle: &str, fold: bool) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let (h, n) = if fold { (lower, needle.to_lowercase()) } else { (hay, needle.to_string()) };
    let mut from = 0;
    while let Some(i) = h.get(from..).and_then(|s| s.find(&n)).map(|i| i + from) {
        let before = h[..i].chars().next_back();
        let after = h[i + n.len()..].chars().next();
        if !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char) {
            // lower-casing can change byte lengths; map back through the char count
            let chars = h[..i].chars().count();
            return Some(hay.char_indices().nth(chars).map_or(hay.len(), |(b, _)| b));
        }
        from = i + n.len().max(1);
    }
    None
}

/// The whole words of a text, as written and lower-cased: the prefilter of [`find_word`] for
/// the register's many names. A name found as a whole word starts with a whole word of the
/// text, its own first word (the characters before its first character that is not a word
/// character); a name whose first word is none of the text's words is not searched for.
struct TextWords<'a> {
    written: Vec<&'a str>,
    lower: Vec<&'a str>,
    /// The first characters of `written` and of `lower`: a name whose first character is none
    /// of them is ruled out before its first word is compared with every word.
    written_firsts: Firsts,
    lower_firsts: Firsts,
}

/// A set of characters (the first characters of a text's words): the ASCII ones as bits, the
/// others listed.
struct Firsts {
    ascii: u128,
    other: Vec<char>,
}

impl Firsts {
    fn of(words: &[&str]) -> Firsts {
        let mut f = Firsts { ascii: 0, other: Vec::new() };
        for c in words.iter().filter_map(|w| w.chars().next()) {
            if c.is_ascii() {
                f.ascii |= 1u128 << u32::from(c);
            } else {
                f.other.push(c);
            }
        }
        f
    }

    fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii >> u32::from(c) & 1 == 1
        } else {
            self.other.contains(&c)
        }
    }
}

impl<'a> TextWords<'a> {
    fn new(text: &'a str, lower: &'a str) -> TextWords<'a> {
        let words = |t: &'a str| -> Vec<&'a str> {
            t.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).collect()
        };
        let (written, lower) = (words(text), words(lower));
        TextWords { written_firsts: Firsts::of(&written), lower_firsts: Firsts::of(&lower), written, lower }
    }

    /// Whether `name` may be in the text as a whole word ([`find_word`] with `fold`).
    fn may_hold(&self, name: &str, fold: bool) -> bool {
        // the final sigma lower-cases by its place in a word, not character by character
        if name.contains('Σ') {
            return true;
        }
        let first_word = || {
            name.chars()
                .flat_map(move |c| {
                    let lowered = fold.then(|| c.to_lowercase());
                    let kept = (!fold).then_some(c);
                    lowered.into_iter().flatten().chain(kept)
                })
                .take_while(|c| is_word_char(*c))
        };
        // the first character of `first_word()`, without the iterator
        let first = name
            .chars()
            .next()
            .map(|c| if fold { c.to_lowercase().next().unwrap_or(c) } else { c })
            .filter(|c| is_word_char(*c));
        let Some(first) = first else { return true };
        let (words, firsts) =
            if fold { (&self.lower, &self.lower_firsts) } else { (&self.written, &self.written_firsts) };
        // a word's first character first (cheap), then the whole first word
        firsts.contains(first) && words.iter().any(|w| w.starts_with(first) && w.chars().eq(first_word()))
    }
}

fn has_fsu_marker(text: &str, l: &str) -> bool {
    find_word(text, l, "FSU", false).is_some()
        || crate::lexicon::forms(lc::FSU_MARKER).iter().any(|m| l.contains(m.as_str()))
}

/// The committee named first in `text`. `field` says the text is an `Utvalg:` field value,
/// where an FSU name alone is enough.
pub fn find(text: &str, register: &Register, field: bool) -> Option<Committee> {
    let lower = text.to_lowercase();
    let fsu_ok = field || has_fsu_marker(text, &lower);
    let words = TextWords::new(text, &lower);
    let mut best: Option<(usize, usize, &crate::config::CommitteeDef)> = None;
    for def in &register.committees {
        if def.kind == CommitteeKind::Fsu && !fsu_ok {
            continue;
        }
        let names = def.names.iter().map(|n| (n, true));
        let abbrevs = def.abbrev.iter().map(|n| (n, false));
        for (name, fold) in names.chain(abbrevs) {
            if !words.may_hold(name, fold) {
                continue;
            }
            if let Some(at) = find_word(text, &lower, name, fold) {
                let len = name.chars().count();
                let better = match best {
                    None => true,
                    Some((b_at, b_len, _)) => at < b_at || (at == b_at && len > b_len),
                };
                if better {
                    best = Some((at, len, def));
                }
            }
        }
    }
    best.map(|(_, _, def)| Committee { code: Some(def.code.clone()), name: def.name.clone() })
}

/// An `Utvalg:` field value: the register's committee if it names one, else the value itself.
pub fn from_field(value: &str, register: &Register) -> Option<Committee> {
    let v = value.trim().trim_end_matches('.').trim();
    if v.is_empty() {
        return None;
    }
    find(v, register, true).or_else(|| Some(Committee { code: None, name: v.to_string() }))
}

/// The deciding body of a protocol's treatment line, `Formannskaps behandling av sak 10/2026 …`,
/// `Hovedutvalg helse og omsorgs behandling av sak …`, `Formannskapet si handsaming av sak …`:
/// the name before the treatment word, out of the genitive; the register's committee when it
/// names one, else the name as written.
pub fn from_treatment(text: &str, register: &Register) -> Option<Committee> {
    // the treatment line and its genitive are defined once, in `minutes`
    let name = super::minutes::treatment_body(text)?;
    find(name, register, true).or_else(|| Some(Committee { code: None, name: name.to_string() }))
}

/// Most words of a line that names a body on its own (`Klagenemnda`, `Hovedutvalg for helse og
/// omsorg`).
const BODY_NAME_MAX_WORDS: usize = 8;

/// A line that is only a body's name: capitalised, short, no digits or colon, its last word ending
/// in a body head word from the lexicon in one of its words (`Klagenemnda`, `Eldrerådet`,
/// `Hovedutvalg helse og omsorg`, `Lokalt samarbeidsutval Sunnhordland`). The register's committee when it
/// names one.
pub fn body_name(text: &str, register: &Register) -> Option<Committee> {
    let t = text.trim().trim_end_matches('.');
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty()
        || words.len() > BODY_NAME_MAX_WORDS
        || !t.starts_with(char::is_uppercase)
        || t.contains([':', ';', '?', '!'])
        || t.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    // a row of column labels (`STYRE/RÅD/UTVALG MØTESTED MØTEDATO`) is no name
    let labels = t
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| {
            [
                lc::FIELD_COMMITTEE,
                lc::FIELD_MEETING_DATE,
                lc::FIELD_DATE,
                lc::FIELD_PLACE,
                lc::FIELD_CASE_NUMBER,
            ]
            .iter()
            .any(|c| crate::lexicon::is(c, w))
        })
        .count();
    if labels >= 2 {
        return None;
    }
    if let Some(c) = find(t, register, true) {
        return Some(c);
    }
    let heads = crate::lexicon::forms(crate::lexicon::c::BODY_HEAD);
    let ends_head = |w: &str| {
        let w = w.to_lowercase();
        heads.iter().any(|h| w.ends_with(h.as_str()))
    };
    words.iter().any(|w| ends_head(w)).then(|| Committee { code: None, name: t.to_string() })
}

#[cfg(test)]
mod tests {

    /// An FSU marker: the abbreviation `FSU` as a word (case-sensitive), or a lexicon
    /// `fsu_marker` word inside any word of the lower-cased text.
    #[test]
    fn fsu_markers() {
        let marked = |t: &str| has_fsu_marker(t, &t.to_lowercase());
        for t in [
            "FSU rehabilitering",
            "Fagleg samarbeidsutval for psykisk helse",
            "Samarbeidsutvalget",
            "Fagrådet for rus",
            "fagrad",
        ] {
            assert!(marked(t), "{t}");
        }
        for t in ["Fsu-møte", "Psykisk helse og rus", "samarbeid om utval", "fagdag", "FSUX"] {
            assert!(!marked(t), "{t}");
        }
    }
    use super::*;

    #[test]
    fn first_characters_as_a_set() {
        let words = ["ssu", "Ålesund", "\u{7f}x", "_a", "0", "ørsta", "İ"];
        let f = Firsts::of(&words);
        for c in ['s', 'Å', '\u{7f}', '_', '0', 'ø', 'İ'] {
            assert!(f.contains(c), "{c:?}");
        }
        for c in ['S', 'å', 'a', '\0', 'Ø', 'i', 'x'] {
            assert!(!f.contains(c), "{c:?}");
        }
    }

    #[test]
    fn the_word_prefilter_passes_every_name_found_and_stops_the_others() {
        let r = Register::default();
        let texts = [
            "Strategisk samarbeidsutvalg",
            "Møte i SSU 12.11.2025",
            "Referat frå Strategisk samarbeidsutval (SSU)",
            "LSU-Molde, sak 12/25",
            "fsu barn og unge",
            "Partnerskapsmøtet.",
            "Helse Møre og Romsdal HF",
            "İstanbul ssu",
            "Kommunestyret",
            "ingen utval her",
        ];
        for text in texts {
            let lower = text.to_lowercase();
            let words = TextWords::new(text, &lower);
            for def in &r.committees {
                let names = def.names.iter().map(|n| (n, true)).chain(def.abbrev.iter().map(|n| (n, false)));
                for (name, fold) in names {
                    if find_word(text, &lower, name, fold).is_some() {
                        assert!(words.may_hold(name, fold), "{name:?} in {text:?}");
                    }
                }
            }
        }
        let t = "ingen utval her";
        let lower = t.to_lowercase();
        let words = TextWords::new(t, &lower);
        for (name, fold) in
            [("Strategisk samarbeidsutvalg", true), ("SSU", false), ("utvalg", true), ("Utval", false)]
        {
            assert!(!words.may_hold(name, fold), "{name}");
        }
        for (name, fold) in [("Utval her", true), ("utval", false), ("UTVAL", true), ("-x", true)] {
            assert!(words.may_hold(name, fold), "{name}");
        }
    }

    #[test]
    fn body_names() {
        let r = Register::default();
        let cases: &[(&str, Option<&str>)] = &[
            ("Klagenemnda", Some("Klagenemnda")),
            ("Kontrollutvalet", Some("Kontrollutvalet")),
            ("Hovedutvalg helse og omsorg", Some("Hovedutvalg helse og omsorg")),
            (
                "Rådet for personer med funksjonsnedsettelse",
                Some("Rådet for personer med funksjonsnedsettelse"),
            ),
            ("Formannskapet", Some("Formannskapet")),
            // must not match: prose, dates, fields, words that only end like a body
            ("Møtedato: 12.02.2026", None),
            ("Følgende medlemmer møtte", None),
            ("Saksliste", None),
            ("Deltakelse", None),
            ("Det var godt oppmøte i rådet i år, og mange innspill.", None),
            ("STYRE/RÅD/UTVALG MØTESTED MØTEDATO", None),
            ("Utvalg Møtested Møtedato", None),
            ("Helse- og sosialutvalet", Some("Helse- og sosialutvalet")),
            ("Regionråd", Some("Regionråd")),
        ];
        for (t, want) in cases {
            assert_eq!(body_name(t, &r).map(|c| c.name).as_deref(), *want, "{t}");
        }
    }

    #[test]
    fn deciding_body_of_a_treatment_line() {
        let r = Register::default();
        type Want<'a> = Option<(Option<&'a str>, &'a str)>;
        let cases: &[(&str, Want)] = &[
            (
                "Formannskaps behandling av sak 10/2026 i møte den 12.02.2026:",
                Some((Some("FORMANNSKAP"), "Formannskapet")),
            ),
            (
                "Kommunestyrets behandling av sak 4/2025 i møte 3.3.2025",
                Some((Some("KOMMUNESTYRE"), "Kommunestyret")),
            ),
            (
                "Hovedutvalg helse og omsorgs behandling av sak 5/2026",
                Some((None, "Hovedutvalg helse og omsorg")),
            ),
            ("Eldrerådets behandling av sak 1/2026 i møte den 11.03.2026:", Some((None, "Eldrerådet"))),
            (
                "Lokalt samarbeidsutval Sunnhordland si handsaming av sak 3/2025",
                Some((None, "Lokalt samarbeidsutval Sunnhordland")),
            ),
            (
                "Strategisk samarbeidsutvalgs behandling av sak 12/2025",
                Some((Some("SSU"), "Strategisk samarbeidsutvalg")),
            ),
            // must not match: no treatment line, lower-case start, a treatment of something else
            ("Behandling av sak 3/2025 ble utsatt", None),
            ("videre behandling av sak 4/2025 skjer i juni", None),
            ("Formannskapets behandling av budsjettet", None),
        ];
        for (text, want) in cases {
            let got = from_treatment(text, &r);
            assert_eq!(got.as_ref().map(|c| (c.code.as_deref(), c.name.as_str())), *want, "{text}");
        }
    }

    #[test]
    fn committees_from_text() {
        let r = Register::default();
        let cases: &[(&str, bool, Option<&str>)] = &[
            ("Utvalg: Administrativt samarbeidsutvalg", false, Some("ASU")),
            ("1.12.23 LSU Molde kl 0910-0945", false, Some("LSU-MOLDE")),
            ("Viser til sak 11/24 i SSU-møte", false, Some("SSU")),
            ("Strategisk samarbeidsutval (SSU)", false, Some("SSU")),
            ("Lokalt samarbeidsutval Volda", false, Some("LSU-VOLDA")),
            ("Fagleg samarbeidsutval IKT", false, Some("FSU-IKT")),
            ("IKT", true, Some("FSU-IKT")),
            ("Opplæring i IKT for alle", false, None),
            ("Formannskapets behandling", false, Some("FORMANNSKAP")),
            ("au revoir", false, None),
        ];
        for (text, field, want) in cases {
            assert_eq!(find(text, &r, *field).and_then(|c| c.code).as_deref(), *want, "{text}");
        }
    }
}
