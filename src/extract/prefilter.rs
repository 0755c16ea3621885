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

use aho_corasick::{AhoCorasick, AhoCorasickKind};

/// Words of which a text must hold at least one, found by one multi-word literal search
/// (aho-corasick: no per-call cache, no regex engine). A form of several words is asked for by
/// its first word (`forslag til vedtak` → `forslag`): every text the pattern matches holds it.
pub struct Words {
    search: Option<AhoCorasick>,
}

impl Words {
    /// Case-insensitive, as `(?i)` patterns are: ASCII letters by the search, the other letters
    /// of a word (æ, ø, å, é …) by writing each word in both cases.
    pub fn new<S: AsRef<str>>(forms: impl IntoIterator<Item = S>) -> Words {
        Words::build(forms, true)
    }

    /// Case-sensitive, for patterns written without `(?i)`.
    pub fn exact<S: AsRef<str>>(forms: impl IntoIterator<Item = S>) -> Words {
        Words::build(forms, false)
    }

    fn build<S: AsRef<str>>(forms: impl IntoIterator<Item = S>, fold_case: bool) -> Words {
        let mut words: Vec<String> = Vec::new();
        for f in forms {
            let Some(first) = f.as_ref().split_whitespace().next() else { continue };
            if fold_case {
                words.extend(case_variants(&first.to_lowercase()));
            } else {
                words.push(first.to_string());
            }
        }
        if fold_case && !words.is_empty() {
            // letters that `(?i)` also folds to a letter of our words (the Kelvin sign, the long
            // s, the ångström sign, capital sharp s): a text holding one passes to the pattern
            words.extend(RARE_FOLDS.iter().map(|c| c.to_string()));
        }
        words.sort();
        words.dedup();
        Words { search: search_for(&words, fold_case) }
    }

    /// Whether `text` holds one of the words (anywhere, also inside a longer word).
    pub fn any(&self, text: &str) -> bool {
        self.search.as_ref().is_none_or(|ac| ac.is_match(text))
    }
}

/// Characters outside ASCII whose simple case folding (what `(?i)` uses) reaches a letter of
/// our words other than by one-letter upper/lower case: K (U+212A) ~ k, ſ (U+017F) ~ s,
/// Å (U+212B) ~ å, ẞ (U+1E9E) ~ ß.
const RARE_FOLDS: &[char] = &['\u{212A}', '\u{017F}', '\u{212B}', '\u{1E9E}'];

/// Several word sets asked at once: one search over a text answers which sets it holds a word
/// of (a bit per set, in the order given), where asking each set's [`Words`] would scan the text
/// once per set. Case-insensitive, first words and rare folds as [`Words::new`].
pub struct WordGroups {
    search: Option<AhoCorasick>,
    /// The sets each searched word belongs to (a bit per set), by the search's pattern index.
    sets_of: Vec<u32>,
    /// Every set's bit.
    all: u32,
}

impl WordGroups {
    /// At most 32 sets.
    pub fn new<S: AsRef<str>>(sets: &[Vec<S>]) -> WordGroups {
        let all = if sets.len() >= 32 { u32::MAX } else { (1u32 << sets.len()) - 1 };
        let mut words: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
        for (i, set) in sets.iter().enumerate().take(32) {
            for f in set {
                let Some(first) = f.as_ref().split_whitespace().next() else { continue };
                for v in case_variants(&first.to_lowercase()) {
                    *words.entry(v).or_default() |= 1 << i;
                }
            }
        }
        if !words.is_empty() {
            // a letter `(?i)` folds to one of our letters: the text may hold any set's word
            for c in RARE_FOLDS {
                *words.entry(c.to_string()).or_default() |= all;
            }
        }
        let (patterns, sets_of): (Vec<String>, Vec<u32>) = words.into_iter().unzip();
        WordGroups { search: search_for(&patterns, true), sets_of, all }
    }

    /// The sets `text` holds a word of (anywhere, also inside a longer word); every set when
    /// the search could not be built.
    pub fn found(&self, text: &str) -> u32 {
        let Some(ac) = &self.search else { return self.all };
        let mut found = 0;
        for m in ac.find_overlapping_iter(text) {
            found |= self.sets_of.get(m.pattern().as_usize()).copied().unwrap_or(self.all);
            if found == self.all {
                break;
            }
        }
        found
    }
}

/// The search for `words`: a DFA, one table step per byte, built once per process. No words:
/// nothing to ask (a prefilter that cannot be built lets everything through).
fn search_for(words: &[String], fold_case: bool) -> Option<AhoCorasick> {
    if words.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(fold_case)
        .build(words)
        .ok()
}

/// `word` (lower case) with each non-ASCII letter in both cases (`røyst` → `røyst`, `rØyst`);
/// ASCII letters are folded by the search itself.
fn case_variants(word: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in word.chars() {
        let mut forms = vec![c];
        if !c.is_ascii() {
            let one = |s: String| {
                let mut it = s.chars();
                it.next().filter(|_| it.next().is_none())
            };
            // a letter that maps to one letter (`ß` → `SS` is no simple case fold)
            for other in
                [one(c.to_uppercase().collect()), one(c.to_lowercase().collect())].into_iter().flatten()
            {
                if !forms.contains(&other) {
                    forms.push(other);
                }
            }
        }
        out = out
            .iter()
            .flat_map(|prefix| {
                forms.iter().map(move |f| {
                    let mut s = prefix.clone();
                    s.push(*f);
                    s
                })
            })
            .collect();
    }
    out
}

/// Whether `text` holds an ASCII digit (every number pattern needs one). Asked a block of
/// [`DIGIT_BLOCK`] bytes at a time without a branch per byte (the compiler makes each block a few
/// vector instructions), so a line without a digit costs a fraction of a byte-by-byte scan.
pub fn has_digit(text: &str) -> bool {
    let mut blocks = text.as_bytes().chunks_exact(DIGIT_BLOCK);
    for block in blocks.by_ref() {
        if block.iter().fold(false, |found, b| found | b.is_ascii_digit()) {
            return true;
        }
    }
    blocks.remainder().iter().any(|b| b.is_ascii_digit())
}

/// Bytes [`has_digit`] asks at once.
const DIGIT_BLOCK: usize = 32;

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

/// What a character outside ASCII becomes in an ASCII shadow ([`ascii_shadow`]).
pub enum StandIn {
    /// This ASCII character, once per byte of the character.
    EachByte(char),
    /// These ASCII bytes (as many as the character's).
    Bytes(&'static str),
    /// The text has no shadow.
    Refuse,
}

/// The text's ASCII shadow, byte for byte as long: ASCII as it is, every other character as
/// `stand_in` says; `None` when it refuses one. A pattern written for the shadow runs in ASCII,
/// where the regex engine's DFA answers `\b` and `\w` (a Unicode `\b` on text with æ, ø or å
/// sends it to its slow backtracker), and finds the text's byte offsets. The rules' shadows:
/// `votes::shadow`, `casenum::casenum_shadow`, `followup::deadline_shadow`.
pub fn ascii_shadow(text: &str, stand_in: impl Fn(char) -> StandIn) -> Option<std::borrow::Cow<'_, str>> {
    if text.is_ascii() {
        return Some(std::borrow::Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii() {
            out.push(ch);
            continue;
        }
        match stand_in(ch) {
            StandIn::EachByte(c) => out.extend(std::iter::repeat_n(c, ch.len_utf8())),
            StandIn::Bytes(b) => out.push_str(b),
            StandIn::Refuse => return None,
        }
    }
    Some(std::borrow::Cow::Owned(out))
}

/// Every match of `re` in `hay` from byte `at` on, as the byte spans of each of its groups:
/// what a rewritten pattern (on a shadow of the text, say) must give exactly as the one it
/// replaces (tests).
#[cfg(test)]
pub fn capture_spans(re: &regex::Regex, hay: &str, at: usize) -> Vec<Vec<Option<(usize, usize)>>> {
    let mut out = Vec::new();
    let mut from = at;
    while let Some(c) = re.captures_at(hay, from) {
        out.push(c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect::<Vec<_>>());
        let Some(m) = c.get(0) else { break };
        // the next search starts after this match (one character on after an empty one)
        from = if m.end() > m.start() {
            m.end()
        } else {
            match hay.get(m.end()..).and_then(|r| r.chars().next()) {
                Some(ch) => m.end() + ch.len_utf8(),
                None => break,
            }
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_as_the_patterns_do() {
        let w = Words::new(["samrøystes", "forslag til vedtak", "vedtatt", "Ærend"]);
        for t in [
            "SAMRØYSTES vedteke",
            "Samrøystes",
            "SamrØystes",
            "Forslag  til\u{a0}vedtak",
            // a form of several words is asked for by its first word
            "forslag",
            "ble VEDTATT.",
            "ærend",
            "ÆREND",
            // inside a longer word: passes (the pattern decides)
            "Vedtattes",
            // what `(?i)` also folds: passes
            "ſamrøyſtes",
        ] {
            assert!(w.any(t), "{t}");
        }
        for t in ["samroystes", "vedtak", "", "Kommunen vedtar budsjettet"] {
            assert!(!w.any(t), "{t}");
        }
        let exact = Words::exact(["får"]);
        assert!(exact.any("Sekretariatet får i oppdrag"));
        assert!(!exact.any("FÅR"));
        // no words: lets everything through
        assert!(Words::new(Vec::<String>::new()).any("x"));
    }

    #[test]
    fn word_groups_answer_each_set_as_its_words_would() {
        let sets =
            vec![vec!["samrøystes", "enstemmig"], vec!["stemte"], vec!["vedtatt", "vedteke"], vec!["dermed"]];
        let groups = WordGroups::new(&sets);
        for t in [
            "Enstemmig vedtatt.",
            "SAMRØYSTES",
            "For forslaget stemte 5: Ap, H",
            "Dermed ble forslag 1 vedtatt",
            "Vedtattes",
            "ſtemte",
            "",
            "Kommunen vedtar budsjettet",
            "enstemmigvedtatt dermedstemte",
        ] {
            let want = sets.iter().enumerate().fold(0u32, |m, (i, set)| {
                if Words::new(set.iter().copied()).any(t) {
                    m | 1 << i
                } else {
                    m
                }
            });
            assert_eq!(groups.found(t), want, "{t}");
        }
        assert_eq!(groups.found("Enstemmig vedtatt."), 0b0101);
        assert_eq!(groups.found("ingenting"), 0);
        // no words: every set, as an unbuilt prefilter lets everything through
        assert_eq!(WordGroups::new::<&str>(&[vec![], vec![]]).found("x"), 0b11);
    }

    #[test]
    fn characters() {
        assert!(has_digit("sak 3"));
        assert!(!has_digit("sak tre"));
        // a digit at every place of blocks and their remainder; none in letters, signs, æøå
        for len in [1, DIGIT_BLOCK - 1, DIGIT_BLOCK, DIGIT_BLOCK + 1, 3 * DIGIT_BLOCK + 5] {
            let plain = "aø/:æ ".chars().cycle().take(len).collect::<String>();
            assert!(!has_digit(&plain), "{len}");
            for at in 0..len {
                let mut t = "x".repeat(len).into_bytes();
                t[at] = if at % 2 == 0 { b'0' } else { b'9' };
                assert!(has_digit(std::str::from_utf8(&t).unwrap_or_default()), "{len} {at}");
            }
        }
        assert!(has_char("Vedtak – Kommunestyret", &['-', '–', '—', ',']));
        assert!(!has_char("Vedtak", &['-', '–', '—', ',']));
        assert!(has_all("gir AU i oppdrag", &["gir", "oppdrag"]));
        assert!(!has_all("gir AU beskjed", &["gir", "oppdrag"]));
        assert!(has_any("Leiar sender", &["send", "legg"]));
        assert!(!has_any("Leiar", &["send", "legg"]));
    }
}
