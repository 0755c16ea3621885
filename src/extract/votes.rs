//! Votes in minutes, as data: `For forslaget stemte 7: …` / `Imot forslaget stemte 4: …`,
//! alternative votes (`For forslag 1 stemte 7 … For forslag 2 stemte 5 … Dermed ble forslag 1
//! vedtatt` → the adopted proposal's count is `for`, the other's `against`), tallies
//! (`vedtatt med 7 mot 2 stemmer`) and unanimous adoptions (`Enstemmig vedtatt`, `Samrøystes`).
//!
//! The text is scanned for vote *events* in order (a wrapped protocol may hold several in one
//! paragraph), then events are grouped: a count for opens a vote, a count against or a second
//! alternative joins it, an adoption line (`Dermed ble … vedtatt`) closes it. Words come from the
//! lexicon.

use super::prefilter::{has_digit, WordGroups};
use super::Line;
use crate::lexicon::{self, c};
use crate::record::{At, Vote};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
enum Event {
    /// A count for a proposal, with the proposal's number in an alternative vote.
    For {
        which: Option<u32>,
        count: u32,
    },
    Against {
        count: u32,
    },
    /// `vedtatt med 7 mot 2 stemmer`.
    Tally {
        for_: u32,
        against: u32,
    },
    Unanimous {
        adopted: bool,
    },
    /// `Dermed ble forslag 2 vedtatt` / `… ikke vedtatt` / `Forslaget falt`.
    Adopted {
        which: Option<u32>,
        yes: bool,
    },
}

struct Patterns {
    all: Regex,
}

static P: LazyLock<Patterns> = LazyLock::new(|| {
    // every word in its shadow (see [`shadow`]), as the text is scanned
    let alt = |concept: &str| {
        lexicon::forms(concept)
            .iter()
            .map(|f| regex::escape(&shadow(f)).replace(' ', r"\s+"))
            .collect::<Vec<_>>()
            .join("|")
    };
    let obj = alt(c::VOTE_OBJECT);
    let verb = alt(c::VOTE_VERB);
    let against = alt(c::VOTE_AGAINST);
    let unan = alt(c::VOTE_UNANIMOUS);
    let adopted = alt(c::VOTE_ADOPTED);
    let fell = alt(c::VOTE_FELL);
    let thereby = alt(c::VOTE_THEREBY);
    let neg = alt(c::NEGATION);
    // one alternation of named groups, scanned left to right; ASCII only (`-u`): it runs on the
    // text's shadow, where `\b` is the Unicode word boundary of the text
    let all = format!(
        r"(?ix-u)
        (?P<against>\b(?:{against})\s+(?:{obj})(?:\s+(?:nr\.?\s*)?[0-9]+)?\s+(?:{verb})\s+(?P<ac>[0-9]+))
        | (?P<for>\bfor\s+(?:{obj})(?:\s+(?:nr\.?\s*)?(?P<fw>[0-9]+))?\s+(?:{verb})\s+(?P<fc>[0-9]+))
        | (?P<tally>\b(?:{adopted})\s+med\s+(?P<tf>[0-9]+)\s+(?:{against})\s+(?P<ta>[0-9]+))
        | (?P<tally2>\b(?P<tf2>[0-9]+)\s+(?:{against})\s+(?P<ta2>[0-9]+)\s+(?:{verb}))
        | (?P<unan>(?P<unneg>\b(?:{neg})\s+)?\b(?:{unan})\b(?P<unad>\s+(?:{adopted}))?)
        | (?P<adopt>\b(?:{thereby})\s+(?P<an1>(?:{neg})\s+)?(?:(?:{obj})(?:\s+(?:nr\.?\s*)?(?P<aw>[0-9]+))?\s+)?(?P<an2>(?:{neg})\s+)?(?:{adopted}))
        | (?P<fell>\b(?:{obj})(?:\s+(?P<fw2>[0-9]+))?\s+(?:{fell})\b)
        "
    );
    Patterns { all: Regex::new(&all).unwrap_or_else(|_| Regex::new("$^").expect("valid regex")) }
});

fn num(m: Option<regex::Match>) -> Option<u32> {
    m.and_then(|m| m.as_str().parse().ok())
}

/// The prefilter of the vote pattern (see [`super::prefilter`]): what each of its alternatives
/// needs in a line — a unanimous or a fell word; a vote verb and a digit (counts for and
/// against, `7 mot 2 stemte`); an adopted word with a digit (`vedtatt med 7 mot 2`) or after a
/// `thereby` word (`Dermed ble … vedtatt`). A line with none of these is not scanned by the vote
/// pattern (most lines of a paper) nor shadowed. One search answers which of these word sets a
/// line holds (see [`WordGroups`]).
static GATE: LazyLock<WordGroups> = LazyLock::new(|| {
    let forms = |concepts: &[&str]| concepts.iter().flat_map(|k| lexicon::forms(k)).collect::<Vec<_>>();
    WordGroups::new(&[
        forms(&[c::VOTE_UNANIMOUS, c::VOTE_FELL]),
        forms(&[c::VOTE_VERB]),
        forms(&[c::VOTE_ADOPTED]),
        forms(&[c::VOTE_THEREBY]),
    ])
});

/// The word sets of [`GATE`], by bit.
const UNANIMOUS_OR_FELL: u32 = 1;
const VERB: u32 = 1 << 1;
const ADOPTED: u32 = 1 << 2;
const THEREBY: u32 = 1 << 3;

/// Whether `text` may hold a vote event (see [`GATE`]).
fn may_vote(text: &str) -> bool {
    let found = GATE.found(text);
    let has = |set: u32| found & set != 0;
    let digit = has_digit(text);
    has(UNANIMOUS_OR_FELL) || digit && has(VERB) || has(ADOPTED) && (digit || has(THEREBY))
}

/// The text's ASCII shadow, byte for byte as long: a character outside ASCII becomes as many
/// `a` as its bytes when it is a word character (a letter, a digit, a mark: `\w`), as many
/// spaces when it is white space, and as many `#` otherwise. Word boundaries, white space and
/// every byte offset of the text are those of its shadow, so the vote pattern runs on the
/// shadow in ASCII, where the regex engine's DFA answers `\b` (a Unicode `\b` on text with æ, ø
/// or å sends it to its slow backtracker). The pattern's own words are shadowed the same way:
/// `samrøystes` is `samraaystes` on both sides. (Two words that differ only in letters outside
/// ASCII of the same length share a shadow; no vote word has such a twin.)
fn shadow(text: &str) -> std::borrow::Cow<'_, str> {
    use super::prefilter::StandIn;
    let stand_in = |ch: char| {
        StandIn::EachByte(if regex_syntax::is_word_character(ch) {
            'a'
        } else if ch.is_whitespace() {
            ' '
        } else {
            '#'
        })
    };
    // (no character is refused: every text has this shadow)
    super::prefilter::ascii_shadow(text, stand_in).unwrap_or(std::borrow::Cow::Borrowed(text))
}

fn events(text: &str) -> Vec<(usize, Event)> {
    let mut out = Vec::new();
    if !may_vote(text) {
        return out;
    }
    let text = shadow(text);
    for cap in P.all.captures_iter(&text) {
        let at = cap.get(0).map_or(0, |m| m.start());
        let ev = if cap.name("against").is_some() {
            num(cap.name("ac")).map(|count| Event::Against { count })
        } else if cap.name("for").is_some() {
            num(cap.name("fc")).map(|count| Event::For { which: num(cap.name("fw")), count })
        } else if cap.name("tally").is_some() {
            num(cap.name("tf")).zip(num(cap.name("ta"))).map(|(f, a)| Event::Tally { for_: f, against: a })
        } else if cap.name("tally2").is_some() {
            num(cap.name("tf2")).zip(num(cap.name("ta2"))).map(|(f, a)| Event::Tally { for_: f, against: a })
        } else if cap.name("unan").is_some() {
            // `ikke enstemmig` is not a unanimous vote
            (cap.name("unneg").is_none()).then_some(Event::Unanimous { adopted: cap.name("unad").is_some() })
        } else if cap.name("adopt").is_some() {
            let yes = cap.name("an1").is_none() && cap.name("an2").is_none();
            Some(Event::Adopted { which: num(cap.name("aw")), yes })
        } else if cap.name("fell").is_some() {
            Some(Event::Adopted { which: num(cap.name("fw2")), yes: false })
        } else {
            None
        };
        if let Some(ev) = ev {
            out.push((at, ev));
        }
    }
    out
}

/// Whether a line holds a vote or an adoption (ends a proposal's text in minutes).
pub fn is_vote(text: &str) -> bool {
    LineVotes(events(text)).is_vote()
}

/// A line's vote events, found once: a case asks them of its lines for [`LineVotes::is_vote`]
/// and [`find_given`] (a table line has none, as [`find`] skips it and its text is empty).
pub struct LineVotes(Vec<(usize, Event)>);

impl LineVotes {
    pub fn of(l: &Line) -> LineVotes {
        if l.kind == super::LineKind::Table {
            return LineVotes(Vec::new());
        }
        LineVotes(events(&l.text))
    }

    /// [`is_vote`] of the line.
    pub fn is_vote(&self) -> bool {
        // only when the line starts with the vote: a sentence that mentions `enstemmig` in
        // passing is not a vote line
        let evs = &self.0;
        evs.first().is_some_and(|(at, _)| *at <= 3)
            || evs.iter().any(|(_, e)| matches!(e, Event::Unanimous { adopted: true }))
    }
}

#[derive(Default)]
struct Open {
    fors: Vec<(Option<u32>, u32)>,
    against: Option<u32>,
    adopted: Option<(Option<u32>, bool)>,
    text: Vec<String>,
    at: Option<At>,
}

impl Open {
    fn is_empty(&self) -> bool {
        self.fors.is_empty() && self.against.is_none()
    }

    fn into_vote(self) -> Option<Vote> {
        if self.is_empty() {
            return None;
        }
        let text = self.text.join(" ");
        let mut v = Vote::text_only(text);
        v.at = self.at;
        if self.fors.len() >= 2 {
            // an alternative vote: the adopted proposal's count for, the others' against
            let adopted_idx = match self.adopted {
                Some((Some(w), true)) => self.fors.iter().position(|(n, _)| *n == Some(w)),
                _ => None,
            }
            .or_else(|| {
                self.fors.iter().enumerate().max_by_key(|(i, (_, c))| (*c, usize::MAX - i)).map(|(i, _)| i)
            })
            .unwrap_or(0);
            let win = self.fors.get(adopted_idx).map_or(0, |f| f.1);
            let rest: u32 =
                self.fors.iter().enumerate().filter(|(i, _)| *i != adopted_idx).map(|(_, f)| f.1).sum();
            v.for_ = Some(win);
            v.against = Some(rest);
            v.adopted = Some(true);
        } else {
            v.for_ = self.fors.first().map(|f| f.1);
            v.against = self.against.or(v.for_.map(|_| 0));
            v.adopted = self.adopted.map(|(_, yes)| yes);
        }
        Some(v)
    }
}

/// The votes of a case, in order, from its lines.
pub fn find(lines: &[&Line]) -> Vec<Vote> {
    let events: Vec<LineVotes> = lines.iter().map(|l| LineVotes::of(l)).collect();
    find_given(lines, &events)
}

/// [`find`], with each line's events found already (`events[i]` of `lines[i]`).
pub fn find_given(lines: &[&Line], events: &[LineVotes]) -> Vec<Vote> {
    let mut out = Vec::new();
    let mut open = Open::default();
    let flush = |open: &mut Open, out: &mut Vec<Vote>| {
        if let Some(v) = std::mem::take(open).into_vote() {
            out.push(v);
        }
    };
    for (&l, evs) in lines.iter().zip(events) {
        if l.kind == super::LineKind::Table || evs.0.is_empty() {
            continue;
        }
        let evs = evs.0.iter().cloned();
        let note = |open: &mut Open, l: &Line| {
            if open.text.last() != Some(&l.text) {
                open.text.push(l.text.clone());
            }
            if open.at.is_none() {
                open.at = l.at;
            }
        };
        for (_, ev) in evs {
            match ev {
                Event::For { which, count } => {
                    let joins = !open.is_empty()
                        && open.against.is_none()
                        && open.adopted.is_none()
                        && which.is_some()
                        && open.fors.iter().all(|(w, _)| w.is_some() && *w != which);
                    if !joins {
                        flush(&mut open, &mut out);
                    }
                    open.fors.push((which, count));
                    note(&mut open, l);
                }
                Event::Against { count } => {
                    if open.against.is_some() || open.adopted.is_some() {
                        flush(&mut open, &mut out);
                    }
                    open.against = Some(count);
                    note(&mut open, l);
                }
                Event::Tally { for_, against } => {
                    flush(&mut open, &mut out);
                    let mut v = Vote::text_only(l.text.clone());
                    v.for_ = Some(for_);
                    v.against = Some(against);
                    v.adopted = Some(true);
                    v.at = l.at;
                    out.push(v);
                }
                Event::Unanimous { adopted } => {
                    flush(&mut open, &mut out);
                    let mut v = Vote::text_only(l.text.clone());
                    v.unanimous = true;
                    v.adopted = adopted.then_some(true);
                    v.at = l.at;
                    out.push(v);
                }
                Event::Adopted { which, yes } => {
                    if !open.is_empty() {
                        open.adopted = Some((which, yes));
                        note(&mut open, l);
                        flush(&mut open, &mut out);
                    }
                }
            }
        }
    }
    flush(&mut open, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(ls: &[&str]) -> Vec<Line> {
        ls.iter().map(|t| Line::para(t)).collect()
    }

    fn sig(v: &Vote) -> (Option<u32>, Option<u32>, bool, Option<bool>) {
        (v.for_, v.against, v.unanimous, v.adopted)
    }

    #[test]
    fn votes_from_protocol_lines() {
        type Want = &'static [(Option<u32>, Option<u32>, bool, Option<bool>)];
        let cases: &[(&[&str], Want)] = &[
            // a plain vote, no count against: 0 against
            (&["For forslaget stemte 9: Ola (A), Kari (B).", "Dermed ble innstillingen vedtatt."], &[(Some(9), Some(0), false, Some(true))]),
            // for and against
            (
                &["For forslaget stemte 4: Ola (A).", "Imot forslaget stemte 7: Kari (B).", "Dermed ble forslaget ikke vedtatt."],
                &[(Some(4), Some(7), false, Some(false))],
            ),
            (&["For forslaget stemte 4: Ola (A). Mot forslaget stemte 7: Kari (B)."], &[(Some(4), Some(7), false, None)]),
            // an alternative vote: the adopted proposal's count is `for`
            (
                &["For forslag 1 stemte 7: Ola (A).", "For forslag 2 stemte 5: Kari (B).", "Dermed ble forslag 1 vedtatt."],
                &[(Some(7), Some(5), false, Some(true))],
            ),
            (
                &["For forslag 1 stemte 4: Ola.", "For forslag 2 stemte 9: Kari.", "Ikke til stede (1): Per.", "Dermed ble forslag 2 vedtatt."],
                &[(Some(9), Some(4), false, Some(true))],
            ),
            // two votes in one wrapped paragraph
            (
                &["For forslaget stemte 12: A, B. Dermed ble forslaget vedtatt. For forslaget stemte 3: C. Imot forslaget stemte 9: D."],
                &[(Some(12), Some(0), false, Some(true)), (Some(3), Some(9), false, None)],
            ),
            // unanimous, bokmål and nynorsk
            (&["Forslag til vedtak enstemmig vedtatt."], &[(None, None, true, Some(true))]),
            (&["Enstemmig."], &[(None, None, true, None)]),
            (&["Innstillinga vart samrøystes vedteke."], &[(None, None, true, Some(true))]),
            // tallies
            (&["Innstillingen ble vedtatt med 7 mot 2 stemmer."], &[(Some(7), Some(2), false, Some(true))]),
            (&["Framlegget vart vedteke med 8 mot 3 røyster."], &[(Some(8), Some(3), false, Some(true))]),
            // nynorsk counts
            (&["For framlegget røysta 6: Ola.", "Mot framlegget røysta 1: Kari."], &[(Some(6), Some(1), false, None)]),
            // must NOT match
            (&["Vedtaket var ikke enstemmig i fjor, og saka kom tilbake."], &[]),
            (&["Kommunen vedtar budsjettet for 2026."], &[]),
            (&["Dermed ble forslaget vedtatt."], &[]),
            (&["Forslag til vedtak"], &[]),
            (&["Det ble stemt over 3 forslag."], &[]),
        ];
        for (input, want) in cases {
            let got: Vec<_> = find(&lines(input).iter().collect::<Vec<_>>()).iter().map(sig).collect();
            assert_eq!(&got, want, "{input:?}");
        }
    }

    /// The prefilter passes every form the vote pattern reads (and so every line above), and
    /// keeps ordinary lines away from it.
    #[test]
    fn vote_prefilter() {
        for t in [
            "Enstemmig vedtatt.",
            "SAMRØYSTES",
            "Innstillinga vart samrøystes vedteke.",
            "For forslaget stemte 5: Ap, H",
            "Mot framlegget røysta 1: Kari.",
            "Framlegget vart vedteke med 8 mot 3 røyster.",
            "Dermed ble forslag 1 vedtatt.",
            "Forslaget falt.",
        ] {
            assert!(may_vote(t), "{t}");
            assert!(!events(t).is_empty(), "{t}");
        }
        for t in [
            "Kommunen vedtar budsjettet for 2026.",
            "Forslag til vedtak",
            "Det ble stemt over forslaget.",
            "Saken gjelder forslag 2 fra rådet.",
            "Økonomi og særlige forhold",
            // adopted, but neither counted nor closing a vote
            "Planen ble vedtatt i kommunestyret i fjor.",
        ] {
            assert!(!may_vote(t), "{t}");
        }
    }

    #[test]
    fn vote_lines() {
        for t in [
            "Enstemmig vedtatt.",
            "Samrøystes vedteke",
            "For forslaget stemte 5: Ap, H",
            "Imot forslaget stemte 2: Ola",
        ] {
            assert!(is_vote(t), "{t}");
        }
        for t in ["Kommunen vedtar budsjettet", "Forslag til vedtak", "Saken gjelder forslag 2 fra rådet."] {
            assert!(!is_vote(t), "{t}");
        }
    }

    #[test]
    fn the_shadow_keeps_offsets_and_word_boundaries() {
        for t in ["Samrøystes vedteke – «ja»", "Æ\u{a0}ø\u{2009}å€", "plain ascii", "e\u{301}nstemmig"]
        {
            let s = shadow(t);
            assert_eq!(s.len(), t.len(), "{t}");
            assert!(s.is_ascii(), "{t}");
            // every character boundary of the text is one of the shadow's
            assert!(t.char_indices().all(|(i, _)| s.is_char_boundary(i)), "{t}");
        }
        assert_eq!(shadow("Samrøystes – ja"), "Samraaystes ### ja");
        assert_eq!(shadow("a\u{a0}b"), "a  b");
        // a vote word after a letter outside ASCII is inside a word (no boundary) …
        for t in ["Æenstemmig vedtatt.", "Forslagetø falt", "Innstillinga vart ysamrøystes vedteke"] {
            assert!(!is_vote(t) && events(t).is_empty(), "{t}");
        }
        // … and after punctuation or white space outside ASCII it starts one
        for t in ["–\u{a0}Enstemmig vedtatt.", "«Samrøystes» vedteke", "Forslaget\u{2009}falt"] {
            assert!(!events(t).is_empty(), "{t}");
        }
        // offsets are those of the text
        let t = "Sakshandsaming: Samrøystes vedteke.";
        assert_eq!(events(t).first().map(|(at, _)| *at), t.find("Samrøystes"));
    }
}
