//! Prefilters: cheap tests that every match of an expensive pattern passes, run before it.
//!
//! The extraction patterns are written for readability: case-insensitive, with Unicode word
//! boundaries (`\b`) and letter classes, because Norwegian words hold æ, ø and å. Such a pattern
//! is slow to run over every line — the regex engine's lazy DFA cannot answer a Unicode `\b` on
//! non-ASCII text and falls back to its backtracker — and slow to build. Most lines cannot match
//! at all: they hold none of the words the pattern needs. A prefilter asks only that question,
//! with an engine path that is always fast, and the pattern runs (and is built, on first use) only
//! for the lines that pass.
//!
//! The rule (see `docs/extraction.md`): a prefilter must pass **every** text its pattern can
//! match — it may let through lines the pattern then rejects, never the reverse. So it tests
//! only what every alternative of the pattern requires: a word from the same lexicon forms, a
//! digit, a punctuation mark. [`Words`] matches its words case-insensitively with the same case
//! folding as the pattern's `(?i)`, without word boundaries (a word inside a longer word passes:
//! that is the safe direction).

use regex::Regex;

/// Words of which a text must hold at least one: a literal alternation without word boundaries
/// or classes, which the regex engine runs as a literal search or a DFA scan.
pub struct Words(Option<Regex>);

impl Words {
    /// Case-insensitive (as `(?i)` patterns are): `forms` as the lexicon writes them, a space
    /// matching any run of white space.
    pub fn new<S: AsRef<str>>(forms: impl IntoIterator<Item = S>) -> Words {
        Words::build(forms, true)
    }

    /// Case-sensitive, for patterns written without `(?i)`.
    pub fn exact<S: AsRef<str>>(forms: impl IntoIterator<Item = S>) -> Words {
        Words::build(forms, false)
    }

    fn build<S: AsRef<str>>(forms: impl IntoIterator<Item = S>, fold_case: bool) -> Words {
        let mut alts: Vec<String> = forms
            .into_iter()
            .map(|f| regex::escape(f.as_ref().trim()).replace(' ', r"\s+"))
            .filter(|f| !f.is_empty())
            .collect();
        alts.sort();
        alts.dedup();
        // no words: nothing to ask (a prefilter that cannot be built lets everything through)
        if alts.is_empty() {
            return Words(None);
        }
        let flags = if fold_case { "(?i)" } else { "" };
        Words(Regex::new(&format!("{flags}(?:{})", alts.join("|"))).ok())
    }

    /// Whether `text` holds one of the words (anywhere, also inside a longer word).
    pub fn any(&self, text: &str) -> bool {
        self.0.as_ref().is_none_or(|re| re.is_match(text))
    }
}

/// Whether `text` holds an ASCII digit (every number pattern needs one).
pub fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// Whether `text` holds one of the characters.
pub fn has_char(text: &str, chars: &[char]) -> bool {
    text.contains(chars)
}

/// Whether `text` holds every one of the plain strings (case-sensitive).
pub fn has_all(text: &str, parts: &[&str]) -> bool {
    parts.iter().all(|p| text.contains(p))
}

/// Whether `text` holds one of the plain strings (case-sensitive).
pub fn has_any(text: &str, parts: &[&str]) -> bool {
    parts.iter().any(|p| text.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_as_the_patterns_do() {
        let w = Words::new(["samrøystes", "forslag til vedtak", "vedtatt"]);
        for t in [
            "SAMRØYSTES vedteke",
            "Samrøystes",
            "Forslag  til\u{a0}vedtak",
            "ble VEDTATT.",
            // inside a longer word: passes (the pattern decides)
            "Vedtattes",
        ] {
            assert!(w.any(t), "{t}");
        }
        for t in ["samroystes", "forslag til", "vedtak", ""] {
            assert!(!w.any(t), "{t}");
        }
        let exact = Words::exact(["får"]);
        assert!(exact.any("Sekretariatet får i oppdrag"));
        assert!(!exact.any("FÅR"));
        // no words: lets everything through
        assert!(Words::new(Vec::<String>::new()).any("x"));
    }

    #[test]
    fn characters() {
        assert!(has_digit("sak 3"));
        assert!(!has_digit("sak tre"));
        assert!(has_char("Vedtak – Kommunestyret", &['-', '–', '—', ',']));
        assert!(!has_char("Vedtak", &['-', '–', '—', ',']));
        assert!(has_all("gir AU i oppdrag", &["gir", "oppdrag"]));
        assert!(!has_all("gir AU beskjed", &["gir", "oppdrag"]));
        assert!(has_any("Leiar sender", &["send", "legg"]));
        assert!(!has_any("Leiar", &["send", "legg"]));
    }
}
