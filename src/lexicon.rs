//! The lexicon: the Norwegian words extraction looks for, by concept, in bokmål and nynorsk.
//!
//! The words are data (`src/lexicon.toml`, embedded); this module names the concepts and gives
//! them to the extractors as sets and as regex alternations. Only `extract` uses it: the store and
//! the renderer interpret no Norwegian text.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{LazyLock, OnceLock};

/// The concepts, as named in `lexicon.toml`.
pub mod c {
    pub const MONTHS: &str = "months";
    pub const MONTH_ABBREV: &str = "month_abbrev";
    pub const CASE_MARKER: &str = "case_marker";
    pub const TREATMENT: &str = "treatment";
    pub const FIELD_COMMITTEE: &str = "field_committee";
    pub const FIELD_MEETING_DATE: &str = "field_meeting_date";
    pub const FIELD_DATE: &str = "field_date";
    pub const FIELD_TIME: &str = "field_time";
    pub const FIELD_PLACE: &str = "field_place";
    pub const FIELD_OWNER: &str = "field_owner";
    pub const FIELD_OFFICER: &str = "field_officer";
    pub const FIELD_CASE_NUMBER: &str = "field_case_number";
    pub const FIELD_ARCHIVE: &str = "field_archive";
    pub const FIELD_ATTACHMENTS: &str = "field_attachments";
    pub const CASE_ROUTE: &str = "case_route";
    pub const PROPOSER: &str = "proposer";
    pub const PROPOSAL: &str = "proposal";
    pub const DECISION: &str = "decision";
    pub const NO_DECISION: &str = "no_decision";
    pub const VOTE_OBJECT: &str = "vote_object";
    pub const VOTE_VERB: &str = "vote_verb";
    pub const VOTE_AGAINST: &str = "vote_against";
    pub const VOTE_UNANIMOUS: &str = "vote_unanimous";
    pub const VOTE_ADOPTED: &str = "vote_adopted";
    pub const VOTE_FELL: &str = "vote_fell";
    pub const VOTE_THEREBY: &str = "vote_thereby";
    pub const NEGATION: &str = "negation";
    pub const MOTION_INTRO: &str = "motion_intro";
    pub const BODY_HEAD: &str = "body_head";
    pub const FUNCTION_WORD: &str = "function_word";
    pub const PLAN_WORD: &str = "plan_word";
    pub const STATUS_GREEN: &str = "status_green";
    pub const STATUS_YELLOW: &str = "status_yellow";
    pub const STATUS_RED: &str = "status_red";
    pub const STATUS_COLOUR: &str = "status_colour";
    pub const STATUS_RED_PHRASE: &str = "status_red_phrase";
    pub const STATUS_GREEN_PHRASE: &str = "status_green_phrase";
    pub const SMART_MEASURABLE: &str = "smart_measurable";
    pub const SMART_TIME: &str = "smart_time";
    pub const INVITATION: &str = "invitation";
    pub const MINUTES: &str = "minutes";
    pub const LANGUAGE_MARKER: &str = "language_marker";
    pub const ORGANISATION_HEAD: &str = "organisation_head";
    pub const MEETING_HELD: &str = "meeting_held";
    pub const NAME_JOINER: &str = "name_joiner";
    pub const CASE_LIST_HEADING: &str = "case_list_heading";
    pub const PLAN_MEASURE_LEAD: &str = "plan_measure_lead";
    pub const DEADLINE_WORD: &str = "deadline_word";
    pub const DEADLINE_MOVED: &str = "deadline_moved";
    pub const LIST_JOINER: &str = "list_joiner";
    pub const FSU_MARKER: &str = "fsu_marker";

    /// Every concept (the unit test checks each is in the data and non-empty).
    pub const ALL: &[&str] = &[
        MONTHS,
        MONTH_ABBREV,
        CASE_MARKER,
        TREATMENT,
        FIELD_COMMITTEE,
        FIELD_MEETING_DATE,
        FIELD_DATE,
        FIELD_TIME,
        FIELD_PLACE,
        FIELD_OWNER,
        FIELD_OFFICER,
        FIELD_CASE_NUMBER,
        FIELD_ARCHIVE,
        FIELD_ATTACHMENTS,
        CASE_ROUTE,
        PROPOSER,
        PROPOSAL,
        DECISION,
        NO_DECISION,
        VOTE_OBJECT,
        VOTE_VERB,
        VOTE_AGAINST,
        VOTE_UNANIMOUS,
        VOTE_ADOPTED,
        VOTE_FELL,
        VOTE_THEREBY,
        NEGATION,
        MOTION_INTRO,
        BODY_HEAD,
        FUNCTION_WORD,
        PLAN_WORD,
        STATUS_GREEN,
        STATUS_YELLOW,
        STATUS_RED,
        STATUS_COLOUR,
        STATUS_RED_PHRASE,
        STATUS_GREEN_PHRASE,
        SMART_MEASURABLE,
        SMART_TIME,
        INVITATION,
        MINUTES,
        LANGUAGE_MARKER,
        ORGANISATION_HEAD,
        MEETING_HELD,
        NAME_JOINER,
        CASE_LIST_HEADING,
        PLAN_MEASURE_LEAD,
        DEADLINE_WORD,
        DEADLINE_MOVED,
        LIST_JOINER,
        FSU_MARKER,
    ];
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    nb: Vec<String>,
    #[serde(default)]
    nn: Vec<String>,
}

struct Lexicon {
    /// concept → every form (nb ∪ nn), lower case, longest first.
    forms: BTreeMap<String, Vec<String>>,
    /// concept → the lengths of its forms and the forms (see [`is`]), found by a quick hash (it
    /// is asked of many lines of every paper).
    shape: std::collections::HashMap<String, (Shape, Vec<String>), crate::util::QuickBuild>,
    /// concept → the bokmål forms, and the nynorsk forms, as written in the data.
    nb: BTreeMap<String, Vec<String>>,
    nn: BTreeMap<String, Vec<String>>,
    /// form → the concepts it is a form of (see [`concepts_of`]).
    by_form: std::collections::HashMap<String, Vec<String>>,
    /// The most characters of any form of any concept.
    max_chars: usize,
}

/// The lengths of a concept's forms, which let [`is`] answer most texts without folding them.
#[derive(Debug, Clone, Copy, Default)]
struct Shape {
    /// The most characters of any form.
    max_chars: usize,
    /// Bit `n` set when a form has `n` characters (bit 63: 63 or more).
    lengths: u64,
}

/// The bit of [`Shape::lengths`] for a length in characters.
fn length_bit(chars: usize) -> u64 {
    1u64 << chars.min(63)
}

/// A written standard of Norwegian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nb,
    Nn,
}

/// Added forms by concept: (bokmål, nynorsk).
type Added = BTreeMap<String, (Vec<String>, Vec<String>)>;

/// Forms a user's `saksflyt.toml` adds ([`add_forms`]), set before the lexicon is first used.
static ADDED: OnceLock<Added> = OnceLock::new();

/// Adds a user's forms (`saksflyt.toml` `[lexicon]`: concept → bokmål and nynorsk forms) to the
/// built-in lexicon, for the whole process. The extractors compile their patterns from the
/// lexicon once, so this must come before the first extraction (the CLI does it right after
/// reading the config); adding other forms later is an error, adding the same ones again is not.
pub fn add_forms(forms: &BTreeMap<String, crate::config::LexiconForms>) -> Result<(), String> {
    let want: Added = forms.iter().map(|(k, f)| (k.clone(), (f.nb.clone(), f.nn.clone()))).collect();
    if let Some(unknown) = want.keys().find(|k| !c::ALL.contains(&k.as_str())) {
        return Err(format!("the lexicon has no concept {unknown}"));
    }
    if want.is_empty() && ADDED.get().is_none() {
        return Ok(());
    }
    let set = ADDED.get_or_init(|| want.clone());
    if *set != want || (BUILT.load(std::sync::atomic::Ordering::SeqCst) && !lexicon_has(&want)) {
        return Err("the lexicon is already in use with other forms".to_string());
    }
    Ok(())
}

fn lexicon_has(want: &Added) -> bool {
    want.iter().all(|(k, (nb, nn))| nb.iter().chain(nn).all(|f| forms(k).contains(&f.trim().to_lowercase())))
}

/// Whether [`LEXICON`] has been built (its forms are then fixed for the process).
static BUILT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    BUILT.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut raw: BTreeMap<String, Entry> = toml::from_str(include_str!("lexicon.toml")).unwrap_or_default();
    for (k, (nb, nn)) in ADDED.get().into_iter().flatten() {
        if let Some(e) = raw.get_mut(k) {
            e.nb.extend(nb.iter().cloned());
            e.nn.extend(nn.iter().cloned());
        }
    }
    let lower = |v: &Vec<String>| v.iter().map(|w| w.trim().to_lowercase()).collect::<Vec<_>>();
    let nb = raw.iter().map(|(k, e)| (k.clone(), lower(&e.nb))).collect();
    let nn = raw.iter().map(|(k, e)| (k.clone(), lower(&e.nn))).collect();
    let forms: BTreeMap<String, Vec<String>> = raw
        .into_iter()
        .map(|(k, e)| {
            let mut v: Vec<String> = e.nb.into_iter().chain(e.nn).map(|w| w.trim().to_lowercase()).collect();
            v.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
            v.dedup();
            (k, v)
        })
        .collect();
    let shape = forms
        .iter()
        .map(|(k, v): (&String, &Vec<String>)| {
            let shape = v.iter().map(|f| f.chars().count()).fold(Shape::default(), |s, n| Shape {
                max_chars: s.max_chars.max(n),
                lengths: s.lengths | length_bit(n),
            });
            (k.clone(), (shape, v.clone()))
        })
        .collect();
    let mut by_form: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for (k, v) in &forms {
        for f in v {
            by_form.entry(f.clone()).or_default().push(k.clone());
        }
    }
    let max_chars = forms.values().flatten().map(|f| f.chars().count()).max().unwrap_or(0);
    Lexicon { forms, shape, nb, nn, by_form, max_chars }
});

/// The forms of a concept in one written standard.
pub fn forms_in(concept: &str, lang: Lang) -> &'static [String] {
    let map = match lang {
        Lang::Nb => &LEXICON.nb,
        Lang::Nn => &LEXICON.nn,
    };
    map.get(concept).map_or(&[], Vec::as_slice)
}

/// Every form of a concept (bokmål and nynorsk), lower case, longest first.
pub fn forms(concept: &str) -> &'static [String] {
    LEXICON.forms.get(concept).map_or(&[], Vec::as_slice)
}

/// Whether `text` (any case, white space folded) is one of the concept's forms.
pub fn is(concept: &str, text: &str) -> bool {
    let Some((shape, concept_forms)) = LEXICON.shape.get(concept) else { return false };
    // prefilters, without folding or allocating: folding white space and lower-casing never
    // make a text shorter than its characters other than white space, so a text with more of
    // them than the longest form cannot be one (most lines asked are sentences, far longer than
    // any label); and when every character is below U+0130 (lower-casing each gives one
    // character) the folded text's length is known, and no form of another length can match
    let (mut chars, mut words, mut in_word, mut exact) = (0usize, 0usize, false, true);
    let mut first: Option<char> = None;
    for ch in text.chars() {
        if ch.is_whitespace() || ch == '\u{a0}' {
            in_word = false;
            continue;
        }
        if chars == 0 {
            first = Some(ch);
        }
        chars += 1;
        if chars > shape.max_chars {
            return false;
        }
        if !in_word {
            words += 1;
            in_word = true;
        }
        exact &= ch < '\u{130}';
    }
    if exact && shape.lengths & length_bit(chars + words.saturating_sub(1)) == 0 {
        return false;
    }
    // the capital sigma's lower case depends on its neighbours (`str::to_lowercase`'s final
    // sigma): that text is folded and lower-cased whole; any other is compared as it goes
    if text.contains('Σ') {
        let t = crate::util::fold(text).to_lowercase();
        return forms(concept).contains(&t);
    }
    // a form starts with the lower case of the text's first character (the first comparison
    // [`folded_lower_is`] makes): the others are not compared
    let first = first.and_then(|c| c.to_lowercase().next());
    concept_forms.iter().any(|f| first.is_none_or(|c| f.starts_with(c)) && folded_lower_is(text, f))
}

/// Whether `crate::util::fold(text).to_lowercase() == form`, for a text without a capital sigma
/// (whose lower case is then that of each character), without making the folded text: the
/// text's words (`util::fold_words`) are lower-cased character by character against the form,
/// one space between them.
fn folded_lower_is(text: &str, form: &str) -> bool {
    let mut want = form.chars();
    for (i, word) in crate::util::fold_words(text).enumerate() {
        if i > 0 && want.next() != Some(' ') {
            return false;
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            if want.next() != Some(c) {
                return false;
            }
        }
    }
    want.next().is_none()
}

/// The concepts `text` (any case, white space folded) is a form of, in the order of their
/// names: `is(c, text)` for each `c` in it and no other. One folding and one look-up, where
/// asking [`is`] of many concepts would fold the text for each.
pub fn concepts_of(text: &str) -> &'static [String] {
    let lexicon = &*LEXICON;
    if text.chars().filter(|c| !(c.is_whitespace() || *c == '\u{a0}')).nth(lexicon.max_chars).is_some() {
        return &[];
    }
    lexicon.by_form.get(&crate::util::fold(text).to_lowercase()).map_or(&[], Vec::as_slice)
}

/// The concepts whose forms label a value (headings, fields, votes, markers): what
/// `saksflyt extract --explain` names for each line a value was read from.
pub const LABEL_CONCEPTS: &[&str] = &[
    c::CASE_MARKER,
    c::MINUTES,
    c::INVITATION,
    c::TREATMENT,
    c::FIELD_COMMITTEE,
    c::FIELD_MEETING_DATE,
    c::FIELD_DATE,
    c::FIELD_TIME,
    c::FIELD_PLACE,
    c::FIELD_OWNER,
    c::FIELD_OFFICER,
    c::FIELD_CASE_NUMBER,
    c::FIELD_ARCHIVE,
    c::FIELD_ATTACHMENTS,
    c::CASE_ROUTE,
    c::PROPOSER,
    c::PROPOSAL,
    c::DECISION,
    c::NO_DECISION,
    c::VOTE_OBJECT,
    c::VOTE_VERB,
    c::VOTE_AGAINST,
    c::VOTE_UNANIMOUS,
    c::VOTE_ADOPTED,
    c::VOTE_FELL,
    c::VOTE_THEREBY,
    c::MOTION_INTRO,
    c::MEETING_HELD,
    c::PLAN_WORD,
];

/// Which label concepts' forms stand in `text` as whole words: `(concept, form)`, the longest
/// form of each concept, in [`LABEL_CONCEPTS`] order.
pub fn label_matches(text: &str) -> Vec<(&'static str, String)> {
    let lower = crate::util::fold(text).to_lowercase();
    let word_at = |i: usize, len: usize| {
        let before = lower[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = lower[i + len..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    };
    let mut out = Vec::new();
    for concept in LABEL_CONCEPTS {
        // forms are longest first: the first that stands as whole words names the concept
        let hit = forms(concept)
            .iter()
            .find(|f| !f.is_empty() && lower.match_indices(f.as_str()).any(|(i, m)| word_at(i, m.len())));
        if let Some(f) = hit {
            out.push((*concept, f.clone()));
        }
    }
    out
}

/// The concept as a regex alternation (no group), longest form first; spaces match any run of
/// white space.
pub fn alternation(concept: &str) -> String {
    forms(concept).iter().map(|f| regex::escape(f).replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_concept_is_in_the_data() {
        for k in c::ALL {
            assert!(!forms(k).is_empty(), "lexicon.toml has no forms for {k}");
        }
        // and nothing in the data is unnamed
        for k in LEXICON.forms.keys() {
            assert!(c::ALL.contains(&k.as_str()), "{k} is in lexicon.toml but not named in lexicon::c");
        }
    }

    #[test]
    fn concepts_of_a_text_are_those_it_is_a_form_of() {
        for text in
            ["Vedtak", "  FORSLAG  til vedtak", "Saksbehandler", "innstilling", "vedtaket", "ikke noe", ""]
        {
            let got: Vec<&str> = concepts_of(text).iter().map(String::as_str).collect();
            let want: Vec<&str> = LEXICON.forms.keys().map(String::as_str).filter(|c| is(c, text)).collect();
            assert_eq!(got, want, "{text:?}");
        }
        assert!(concepts_of("Vedtak").iter().any(|c| c == c::DECISION));
        assert!(concepts_of("ikke noe").is_empty());
    }

    #[test]
    fn a_form_is_compared_as_the_folded_lower_case_text() {
        // the definition, `fold(text).to_lowercase() == form`, over texts of every shape: white
        // space of any kind and amount, capitals, characters whose lower case is longer (İ), the
        // capital sigma (final or not), prefixes and extensions of forms, empty texts
        let texts = [
            "Forslag til vedtak",
            "  FORSLAG\ttil\u{a0}\u{a0}VEDTAK \n",
            "forslag til vedtak.",
            "forslag til",
            "forslag til vedtak og mer",
            "Forslagtil vedtak",
            "",
            "   ",
            "VEDTAK",
            "vedtakİ",
            "İ",
            "i\u{307}",
            "ΣΟΦΟΣ",
            "σοφος",
            "ΣΟΦΟΣ ΣΟΦΟΣ",
            "Ærlig ØL å",
        ];
        let forms = [
            "forslag til vedtak",
            "vedtak",
            "vedtaki\u{307}",
            "i\u{307}",
            "σοφος",
            "σοφοσ",
            "σοφος σοφος",
            "ærlig øl å",
            "",
        ];
        let mut matched = 0;
        for t in texts {
            for f in forms {
                if t.contains('Σ') {
                    continue; // `is` folds these whole
                }
                let want = crate::util::fold(t).to_lowercase() == f;
                assert_eq!(folded_lower_is(t, f), want, "{t:?} against {f:?}");
                matched += usize::from(want);
            }
        }
        assert!(matched >= 6, "{matched}");
        // the capital sigma goes the definition's way through `is`
        assert!(!is(c::DECISION, "ΣVEDTAK"));
    }

    /// `is` (its length and first-character tests, its quick concept look-up) answers as its
    /// definition, `forms(c).contains(fold(text).to_lowercase())`, for every concept over every
    /// form written in other cases and spacing, and other concepts' forms.
    #[test]
    fn is_answers_as_the_definition() {
        let mut texts: Vec<String> = vec![String::new(), "  ".into(), "İ".into(), "i\u{307}x".into()];
        for f in c::ALL.iter().flat_map(|k| forms(k)) {
            let title: String =
                f.chars().take(1).flat_map(char::to_uppercase).chain(f.chars().skip(1)).collect();
            texts.push(f.clone());
            texts.push(f.to_uppercase());
            texts.push(format!(" \u{a0}{title}\t"));
            texts.push(format!("x{f}"));
            texts.push(f.chars().skip(1).collect());
        }
        for k in c::ALL {
            for t in &texts {
                let want = forms(k).contains(&crate::util::fold(t).to_lowercase());
                assert_eq!(is(k, t), want, "{k} {t:?}");
            }
        }
    }

    #[test]
    fn length_prefilter_keeps_folded_and_cased_forms() {
        let cases: &[(&str, &str, bool)] = &[
            // white space of any kind and any amount folds to one space
            (c::PROPOSAL, "Forslag  til\u{a0}vedtak", true),
            (c::PROPOSAL, "  FORSLAG TIL VEDTAK\t", true),
            (c::DECISION, "VEDTAK", true),
            // one character more or less than every form
            (c::DECISION, "Vedtakk", false),
            (c::DECISION, "Vedta", false),
            (c::PROPOSAL, "Forslag tilvedtak", false),
            // characters whose lower case is longer skip the length test, never a match
            (c::DECISION, "VEDTAKİ", false),
            (c::DECISION, "", false),
            ("no such concept", "vedtak", false),
        ];
        for (concept, text, want) in cases {
            assert_eq!(is(concept, text), *want, "{concept}: {text:?}");
        }
    }

    #[test]
    fn forms_match_both_languages_and_nothing_else() {
        let cases: &[(&str, &str, bool)] = &[
            (c::PROPOSAL, "Innstilling", true),
            (c::PROPOSAL, "framlegg til vedtak", true),
            (c::PROPOSAL, "Tilråding", true),
            (c::PROPOSAL, "vedtak", false),
            (c::DECISION, "Vedtak", true),
            (c::DECISION, "endeleg vedtak", true),
            (c::FIELD_OFFICER, "Sakshandsamar", true),
            (c::FIELD_OFFICER, "Saksbehandler", true),
            (c::FIELD_OFFICER, "Saksansvarlig", false),
            (c::VOTE_UNANIMOUS, "samrøystes", true),
            (c::VOTE_UNANIMOUS, "enstemmig", true),
            (c::VOTE_UNANIMOUS, "flertall", false),
        ];
        for (concept, text, want) in cases {
            assert_eq!(is(concept, text), *want, "{concept}: {text}");
        }
    }

    #[test]
    fn label_matches_name_concept_and_form() {
        let got = label_matches("KS- 064/21 Vedtak:");
        assert!(got.contains(&(c::DECISION, "vedtak".to_string())), "{got:?}");
        let got = label_matches("Kommunedirektøren si innstilling:");
        assert!(got.contains(&(c::PROPOSER, "kommunedirektøren si".to_string())), "{got:?}");
        assert!(got.contains(&(c::PROPOSAL, "innstilling".to_string())), "{got:?}");
        // must not: a form inside a longer word
        assert!(!label_matches("Vedtaksmyndighet").iter().any(|(k, _)| *k == c::DECISION));
    }

    #[test]
    fn alternation_is_longest_first() {
        let a = alternation(c::PROPOSAL);
        let long = a.find(r"forslag\s+til\s+vedtak").unwrap();
        let short = a.find("|forslag|").map_or(a.len(), |i| i);
        assert!(long < short, "{a}");
    }
}
