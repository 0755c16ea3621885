//! Derive steps over stored records, shared by the decision log and the reports. Pure: no I/O,
//! no clock, and no Norwegian text is interpreted here — only the fields extraction filled.
//!
//! - [`papers`]: one record per paper. The same paper kept as DOCX, PDF and text (or saved
//!   twice under other names) is one paper; its best form is kept (DOCX before PDF before
//!   text, then the path). Identity comes from the content, never the path: the kind (an
//!   invitation and the minutes of one meeting are two papers), the committee, the
//!   date, the set of case numbers (one reading may miss a few: [`MISSED_CASES`]) and the case
//!   an attachment belongs to must agree, and the words of the two records (titles, points,
//!   plan measures, table cells) must mostly be the same ([`SAME_PAPER_WORDS`]) or those of one
//!   must mostly be found in the other ([`SAME_PAPER_CONTAINED`]).
//! - [`current_plans`]: per committee the newest version of each action plan (copies count
//!   once), with the assessments of later evaluation forms laid over its measures (status,
//!   comment, decision, SMART boxes and the form's date).

use super::committee_key;
use crate::extract::review::Finding;
use crate::model::Format;
use crate::record::{Committee, Plan, Record};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Share of common words (Jaccard index) above which two records with the same committee, date
/// and case numbers are one paper.
pub const SAME_PAPER_WORDS: f64 = 0.6;
/// Share of the smaller record's words found in the other (overlap coefficient) above which two
/// such records are one paper: a copy whose tables a PDF producer broke up still holds the same
/// words. (Distinct papers of the samples and their twelve PDF producers stay below 0.65.)
pub const SAME_PAPER_CONTAINED: f64 = 0.8;
/// Case numbers one reading may miss (a case heading a PDF producer broke) and still be the same
/// paper: at most this share of the larger set, and at least one.
pub const MISSED_CASES: f64 = 0.2;
/// A reading with fewer content words than this (a producer whose tables or text could not be
/// read) adds nothing to count twice; with the same committee, date and case or attachment
/// target it is taken as the same paper.
pub const EMPTY_READING_WORDS: usize = 10;
/// Plan documents of one committee with the same status date: the overlap of words above which
/// they are one paper (a producer that broke the plan table keeps about half the words).
pub const SAME_PLAN_DOCUMENT_CONTAINED: f64 = 0.5;
/// Share of a plan's measures that must recur in another plan for the two to be copies.
pub const SAME_PLAN_MEASURES: f64 = 0.5;

/// DOCX before PDF before text (the most complete form of a paper first).
pub fn format_rank(f: Format) -> u8 {
    match f {
        Format::Docx => 0,
        Format::Pdf => 1,
        Format::Text => 2,
    }
}

/// The record's date: its meeting date, else its newest case date, else its plans' status date.
pub fn record_date(r: &Record) -> Option<String> {
    r.meeting
        .as_ref()
        .map(|m| m.date.clone())
        .or_else(|| r.cases.iter().filter_map(|c| c.date.clone()).max())
        .or_else(|| r.plans.iter().filter_map(|p| p.status_date.clone()).max())
}

/// Calls `each` with every text of a record whose words count for its identity: case titles,
/// points, sections, agenda titles, plan titles and measures, table cells.
fn word_texts(r: &Record, each: &mut dyn FnMut(&str)) {
    fn points(ps: &[crate::record::Point], each: &mut dyn FnMut(&str)) {
        for p in ps {
            each(&p.text);
            points(&p.children, each);
        }
    }
    for c in &r.cases {
        each(c.title.as_deref().unwrap_or(""));
        points(&c.proposal, each);
        points(&c.decision, each);
        for s in &c.sections {
            each(&s.text);
        }
    }
    for a in &r.agenda {
        each(&a.title);
    }
    for p in &r.plans {
        each(&p.title);
        for it in &p.items {
            each(&it.measure);
        }
    }
    for t in &r.tables {
        for row in &t.rows {
            for c in row {
                each(&c.text);
            }
        }
    }
}

/// The record's words (runs of letters and digits of at least three characters, lower case)
/// as [`WordSet`] hashes. The same set as hashing each distinct lower-cased word: a word is
/// lower-cased into one reused buffer and hashed there (no string per word, no set of strings;
/// duplicates go when the hashes are sorted).
pub fn word_set(r: &Record) -> WordSet {
    let mut hashes: Vec<u64> = Vec::new();
    let mut lower = String::new();
    word_texts(r, &mut |s: &str| {
        let bytes = s.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            // the next run of alphanumeric characters (`char::is_alphanumeric`; for ASCII that
            // is a letter or a digit, asked without decoding)
            let start = match next_word_char(s, at) {
                Some(i) => i,
                None => break,
            };
            let (end, ascii) = word_end(s, start);
            at = end;
            let w = &s[start..end];
            // at least three characters (bytes ≥ characters, so fewer than three bytes never are)
            if w.len() < 3 || (!ascii && w.chars().count() < 3) {
                continue;
            }
            lower.clear();
            if ascii {
                lower.push_str(w);
                lower.make_ascii_lowercase();
            } else {
                if w.contains('Σ') {
                    // `str::to_lowercase`'s final-sigma rule needs the whole word
                    lower.push_str(&w.to_lowercase());
                } else {
                    lower.extend(w.chars().flat_map(char::to_lowercase));
                }
            }
            hashes.push(WordSet::hash(&lower));
        }
    });
    WordSet::from_hashes(hashes)
}

/// The byte offset of the first alphanumeric character of `s` at or after `from` (a char
/// boundary).
fn next_word_char(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                return Some(i);
            }
            i += 1;
        } else {
            let c = s.get(i..)?.chars().next()?;
            if c.is_alphanumeric() {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }
    None
}

/// The end of the run of alphanumeric characters starting at `start`, and whether it is ASCII.
fn word_end(s: &str, start: usize) -> (usize, bool) {
    let bytes = s.as_bytes();
    let (mut i, mut ascii) = (start, true);
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            i += 1;
        } else {
            let Some(c) = s.get(i..).and_then(|t| t.chars().next()) else { break };
            if !c.is_alphanumeric() {
                break;
            }
            ascii = false;
            i += c.len_utf8();
        }
    }
    (i, ascii)
}

struct Identity {
    /// An invitation and the minutes of one meeting share cases and words but are two papers.
    kind: crate::record::Kind,
    /// The plans of a plan document (no cases): copies of one plan are one paper.
    plans: Vec<Plan>,
    /// The plan document's status date (`Status per …`).
    status_date: Option<String>,
    committee: String,
    date: Option<String>,
    cases: BTreeSet<String>,
    attachment_of: Option<String>,
    form: bool,
    /// A form's filled values: two copies filled differently are two papers.
    form_values: String,
    /// The record's words ([`word_set`]), made only when a comparison reaches them (most
    /// records are never compared that far, see [`Sieve::offer`]).
    words: Option<WordSet>,
}

/// A record's words as sorted, distinct 64-bit hashes: the same counts of common and distinct
/// words as the words themselves (a collision among a paper's few thousand words is
/// negligible), in an eighth of the memory, so the store can hold the identities of every
/// paper while it streams them ([`Sieve`]).
#[derive(Debug, Default)]
pub struct WordSet(Box<[u64]>);

impl WordSet {
    /// A word's hash: [`crate::util::QuickHash`] of its bytes (the same hash for the same word
    /// in every run). A collision between two of a paper's few thousand words would make one
    /// word of two: negligible at 64 bits (and none among words of up to eight bytes).
    fn hash(word: &str) -> u64 {
        use std::hash::Hasher;
        let mut h = crate::util::QuickHash::default();
        h.write(word.as_bytes());
        h.finish()
    }

    /// The set of the given hashes (sorted, duplicates dropped).
    fn from_hashes(mut v: Vec<u64>) -> WordSet {
        v.sort_unstable();
        v.dedup();
        WordSet(v.into_boxed_slice())
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    /// The number of words in both sets.
    fn common(&self, other: &WordSet) -> usize {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut n) = (0, 0, 0);
        while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }
}

/// The identity of `r`, its words included.
#[cfg(test)]
fn identity(r: &Record) -> Identity {
    Identity { words: Some(word_set(r)), ..identity_without_words(r) }
}

/// The identity of `r` without its words (`words: None`).
fn identity_without_words(r: &Record) -> Identity {
    Identity {
        kind: r.kind,
        plans: if r.cases.is_empty() {
            r.plans.iter().filter(|p| p.form.is_none()).cloned().collect()
        } else {
            Vec::new()
        },
        status_date: r.plans.iter().filter_map(|p| p.status_date.clone()).max(),
        committee: committee_key(r.committee.as_ref()),
        date: record_date(r),
        cases: r.cases.iter().filter_map(|c| c.number.as_ref().map(|n| n.key())).collect(),
        attachment_of: r.attachment_of.as_ref().map(|n| n.key()),
        form: r.is_form(),
        form_values: form_values(r),
        words: None,
    }
}

/// The same case numbers, or one reading missing a few of the other's.
fn same_cases(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if !small.is_subset(large) {
        return false;
    }
    let missed = large.len() - small.len();
    missed == 0 || (!small.is_empty() && missed as f64 <= (large.len() as f64 * MISSED_CASES).max(1.0))
}

/// Whether two identities are one paper (the definition the sieve's steps add up to); both
/// hold their words.
#[cfg(test)]
fn same_paper(a: &Identity, b: &Identity) -> bool {
    let empty = WordSet::default();
    let (aw, bw) = (a.words.as_ref().unwrap_or(&empty), b.words.as_ref().unwrap_or(&empty));
    same_paper_before_words(a, b).unwrap_or_else(|| same_paper_by_words(a, b, aw, bw))
}

/// What [`same_paper`] decides without the records' words: `Some` answer, or `None` when the
/// words decide ([`same_paper_by_words`]).
fn same_paper_before_words(a: &Identity, b: &Identity) -> Option<bool> {
    let agree = |x: &Option<String>, y: &Option<String>| x.is_none() || y.is_none() || x == y;
    if a.form != b.form
        || a.form_values != b.form_values
        || a.kind != b.kind
        || !same_cases(&a.cases, &b.cases)
        || a.attachment_of != b.attachment_of
        || !agree(&a.date, &b.date)
        || !(a.committee == b.committee || a.committee.is_empty() || b.committee.is_empty())
    {
        return Some(false);
    }
    // plan documents holding the same plan (same title or mostly the same measures)
    if a.cases.is_empty()
        && b.cases.is_empty()
        && a.plans.iter().any(|pa| b.plans.iter().any(|pb| same_plan(pa, pb)))
    {
        return Some(true);
    }
    None
}

/// The rest of [`same_paper`] for two identities that [`same_paper_before_words`] left open,
/// with their words `aw` and `bw`.
fn same_paper_by_words(a: &Identity, b: &Identity, aw: &WordSet, bw: &WordSet) -> bool {
    let contained = || {
        let smaller = aw.len().min(bw.len());
        if smaller == 0 {
            0.0
        } else {
            aw.common(bw) as f64 / smaller as f64
        }
    };
    let plan_documents =
        !a.plans.is_empty() && !b.plans.is_empty() && a.cases.is_empty() && b.cases.is_empty();
    if plan_documents
        && a.status_date.is_some()
        && a.status_date == b.status_date
        && !a.committee.is_empty()
        && contained() >= SAME_PLAN_DOCUMENT_CONTAINED
    {
        return true;
    }
    let targeted = a.attachment_of.is_some() || !a.cases.is_empty();
    if targeted && aw.len().min(bw.len()) < EMPTY_READING_WORDS {
        return true;
    }
    let common = aw.common(bw);
    let union = aw.len() + bw.len() - common;
    if union == 0 {
        return false;
    }
    let smaller = aw.len().min(bw.len());
    common as f64 / union as f64 >= SAME_PAPER_WORDS
        || (smaller > 0 && common as f64 / smaller as f64 >= SAME_PAPER_CONTAINED)
}

/// One record per paper (see the module doc), in path order of the kept records. Candidates
/// are compared within their committee (and with records without one), so the work grows with
/// the papers per committee, not with the square of the corpus.
pub fn papers(records: &[Record]) -> Vec<Record> {
    let mut order: Vec<&Record> = records.iter().collect();
    // best form first, so the first of a paper's group is the one kept
    order.sort_by(|a, b| {
        (format_rank(a.source.format), &a.source.path).cmp(&(format_rank(b.source.format), &b.source.path))
    });
    let mut sieve = Sieve::default();
    let mut kept: Vec<&Record> = Vec::new();
    for r in order {
        // (a kept position always names a record of `kept`)
        let words = &mut |i: usize| {
            Ok::<_, std::convert::Infallible>(kept.get(i).map_or_else(WordSet::default, |k| word_set(k)))
        };
        if matches!(sieve.offer(r, words), Ok(true)) {
            kept.push(r);
        }
    }
    let mut out: Vec<Record> = kept.into_iter().cloned().collect();
    out.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    out
}

/// The one-paper-per-paper reduction of [`papers`], one record at a time: offer the records
/// best form first (format rank, then path); [`Sieve::offer`] says whether the record is a
/// paper of its own (kept) or a copy of one kept before. Only the identities of kept records
/// are held, so the store can stream its records through it.
///
/// A new record is compared only with the kept records that [`same_paper`] could accept: those
/// of its class (kind, form, form values: compared first there), of its committee or of none
/// (every committee when it has none), and that have no case numbers when it has none, or share
/// one of its case numbers when it has some ([`same_cases`] holds only then). So the work per
/// record grows with the copies of its cases, not with the papers of its committee.
#[derive(Default)]
pub struct Sieve {
    kept: Vec<Identity>,
    classes: HashMap<Class, BTreeMap<String, Bucket>>,
}

/// What two records must share to be one paper ([`same_paper`]'s first test).
#[derive(PartialEq, Eq, Hash)]
struct Class {
    kind: crate::record::Kind,
    form: bool,
    form_values: String,
}

/// The kept records of one class and committee (positions in [`Sieve::kept`]).
#[derive(Default)]
struct Bucket {
    without_cases: Vec<usize>,
    by_case: HashMap<String, Vec<usize>>,
}

impl Bucket {
    /// The kept records that may hold the same case numbers as `cases` (see [`Sieve`]); a
    /// record sharing several of them comes more than once.
    fn candidates<'a>(&'a self, cases: &'a BTreeSet<String>) -> Box<dyn Iterator<Item = usize> + 'a> {
        if cases.is_empty() {
            Box::new(self.without_cases.iter().copied())
        } else {
            Box::new(cases.iter().filter_map(|c| self.by_case.get(c)).flatten().copied())
        }
    }
}

impl Sieve {
    /// Whether `r` is kept (not the same paper as a record kept before). `kept_words(i)` gives
    /// the words ([`word_set`]) of the `i`-th kept record (in the order they were kept); it is
    /// asked only when a comparison reaches the words, once per kept record, so the words of
    /// most records are never made and none are held for records never compared.
    pub fn offer<E>(
        &mut self,
        r: &Record,
        kept_words: &mut dyn FnMut(usize) -> Result<WordSet, E>,
    ) -> Result<bool, E> {
        let mut id = identity_without_words(r);
        let class = Class { kind: id.kind, form: id.form, form_values: id.form_values.clone() };
        // the kept records it may be a copy of
        let candidates: Vec<usize> = match self.classes.get(&class) {
            None => Vec::new(),
            Some(committees) => {
                let buckets: Vec<&Bucket> = if id.committee.is_empty() {
                    committees.values().collect()
                } else {
                    [id.committee.as_str(), ""].iter().filter_map(|c| committees.get(*c)).collect()
                };
                buckets.into_iter().flat_map(|b| b.candidates(&id.cases)).collect()
            }
        };
        let mut dup = false;
        for i in candidates {
            let Some(k) = self.kept.get(i) else { continue };
            let same = match same_paper_before_words(k, &id) {
                Some(answer) => answer,
                None => {
                    if k.words.is_none() {
                        let w = kept_words(i)?;
                        if let Some(k) = self.kept.get_mut(i) {
                            k.words = Some(w);
                        }
                    }
                    if id.words.is_none() {
                        id.words = Some(word_set(r));
                    }
                    match (self.kept.get(i), id.words.as_ref()) {
                        (Some(k @ Identity { words: Some(kw), .. }), Some(own)) => {
                            same_paper_by_words(k, &id, kw, own)
                        }
                        _ => false,
                    }
                }
            };
            if same {
                dup = true;
                break;
            }
        }
        if !dup {
            let at = self.kept.len();
            let bucket = self.classes.entry(class).or_default().entry(id.committee.clone()).or_default();
            if id.cases.is_empty() {
                bucket.without_cases.push(at);
            }
            for c in &id.cases {
                bucket.by_case.entry(c.clone()).or_default().push(at);
            }
            self.kept.push(id);
        }
        Ok(!dup)
    }
}

/// An action plan as the reports show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CurrentPlan {
    pub committee: Option<Committee>,
    /// The source document (path) of the plan.
    pub source: String,
    /// The date of the plan's record ([`record_date`]).
    pub date: Option<String>,
    /// The plan with later evaluation forms laid over it.
    pub plan: Plan,
    /// Evaluation forms applied, as their source paths.
    pub forms: Vec<String>,
    /// Per item of `plan` (same order): what the forms did to it.
    pub notes: Vec<ItemNote>,
}

/// What the evaluation forms did to one plan item.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ItemNote {
    /// `YYYY-MM-DD`: the date the item's comment was written (the plan's status date, or the
    /// date of the form that gave it), so an older comment is never shown as new.
    pub comment_date: Option<String>,
    /// `YYYY-MM-DD`: the measure was added in the blank rows of the form of this date.
    pub added: Option<String>,
    /// The SMART boxes are the committee's own (a filled form's), not extraction's first hint.
    pub smart_by_committee: bool,
}

/// Letters and digits of the measure's text, lower case: the key that matches a measure across
/// copies, versions and evaluation forms.
pub fn measure_key(m: &str) -> String {
    m.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Whether two plans are copies or versions of one another: same title, or more than half of
/// the smaller plan's measures appear in the other.
pub fn same_plan(a: &Plan, b: &Plan) -> bool {
    if a.title.trim().eq_ignore_ascii_case(b.title.trim()) {
        return true;
    }
    let ka: BTreeSet<String> =
        a.items.iter().map(|i| measure_key(&i.measure)).filter(|k| !k.is_empty()).collect();
    let kb: BTreeSet<String> =
        b.items.iter().map(|i| measure_key(&i.measure)).filter(|k| !k.is_empty()).collect();
    let small = ka.len().min(kb.len());
    small > 0 && ka.intersection(&kb).count() as f64 > small as f64 * SAME_PLAN_MEASURES
}

/// The current plans: per committee the newest version of each plan, the most complete copy,
/// with later evaluation forms of that committee laid over its measures (see
/// [`plans_and_findings`]). Ordered by committee key, then title.
pub fn current_plans(records: &[Record]) -> Vec<CurrentPlan> {
    plans_and_findings(records).0
}

/// What the evaluation forms among the records could not give the plans: for the review list
/// (every value a committee filled in is either applied or named here, with why).
pub fn form_findings(records: &[Record]) -> Vec<Finding> {
    plans_and_findings(records).1
}

/// The signature of a form's filled values (two copies with other values are two papers).
fn form_values(r: &Record) -> String {
    let mut out = String::new();
    for p in r.plans.iter().filter(|p| p.form.is_some()) {
        if let Some(f) = &p.form {
            out.push_str(&format!("{:?}|{:?}|{:?}|", f.meeting_date, f.date_text, f.problems));
        }
        for it in &p.items {
            out.push_str(&format!(
                "{}:{:?}:{:?}:{:?}:{:?};",
                measure_key(&it.measure),
                it.status,
                it.decision,
                it.comment,
                it.smart
            ));
        }
    }
    out
}

/// One evaluation form (or several copies filled for the same meeting, merged) to lay over a
/// plan.
struct FormSet<'a> {
    committee: String,
    record: &'a Record,
    date: String,
    files: Vec<String>,
    items: Vec<crate::record::PlanItem>,
    year: Option<i32>,
    title: String,
}

fn finding(file: &str, missing: String) -> Finding {
    Finding {
        file: file.to_string(),
        missing,
        look_at: "the evaluation form (Møtedato and the measures table)".into(),
    }
}

/// Whether a form item carries anything the committee filled in.
fn has_values(it: &crate::record::PlanItem) -> bool {
    it.status.is_some() || it.decision.is_some() || it.comment.is_some()
}

fn describe(it: &crate::record::PlanItem) -> String {
    let mut parts = Vec::new();
    if let Some(s) = it.status {
        parts.push(format!("status {}", s.as_str()));
    }
    if let Some(d) = &it.decision {
        parts.push(format!("decision {d}"));
    }
    if let Some(c) = &it.comment {
        parts.push(format!("comment \"{c}\""));
    }
    format!("\"{}\" ({})", it.measure, parts.join(", "))
}

/// Forms grouped by committee and meeting date; copies that disagree on a value give no value
/// for it (each disagreement is a finding), copies that agree count once.
fn form_sets<'a>(papers: &'a [Record], findings: &mut Vec<Finding>) -> Vec<FormSet<'a>> {
    let mut groups: BTreeMap<(String, String), Vec<(&'a Record, &'a Plan)>> = BTreeMap::new();
    for r in papers {
        for p in r.plans.iter() {
            let Some(f) = &p.form else { continue };
            let path = r.source.path.as_str();
            for problem in &f.problems {
                findings.push(finding(path, problem.clone()));
            }
            let filled: Vec<&crate::record::PlanItem> = p.items.iter().filter(|i| has_values(i)).collect();
            let Some(date) = f.meeting_date.clone() else {
                if filled.is_empty() && f.date_text.is_none() {
                    findings.push(finding(
                        path,
                        "evaluation form with nothing filled in (no meeting date, no status, decision or comment): nothing applied".into(),
                    ));
                    continue;
                }
                let what = match &f.date_text {
                    Some(t) => format!("meeting date \"{t}\" is not a date"),
                    None => "no meeting date (Møtedato)".to_string(),
                };
                let values = if filled.is_empty() {
                    String::new()
                } else {
                    format!(": {}", filled.iter().map(|i| describe(i)).collect::<Vec<_>>().join("; "))
                };
                findings.push(finding(path, format!("{what}: form not applied{values}")));
                continue;
            };
            groups.entry((committee_key(r.committee.as_ref()), date)).or_default().push((r, p));
        }
    }
    let mut sets = Vec::new();
    for ((committee, date), forms) in groups {
        let Some((first, first_plan)) = forms.first().copied() else { continue };
        let files: Vec<String> = forms.iter().map(|(r, _)| r.source.path.clone()).collect();
        // measures in the order of the first form, then new ones of the others
        let mut keys: Vec<String> = Vec::new();
        for (_, p) in &forms {
            for it in &p.items {
                let k = measure_key(&it.measure);
                if !k.is_empty() && !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let mut items = Vec::new();
        for k in keys {
            let copies: Vec<(&str, &crate::record::PlanItem)> = forms
                .iter()
                .flat_map(|(r, p)| {
                    p.items
                        .iter()
                        .filter(|i| measure_key(&i.measure) == k)
                        .map(move |i| (r.source.path.as_str(), i))
                })
                .collect();
            let Some((_, base)) = copies.first() else { continue };
            let mut merged = (*base).clone();
            fn pick<T: Clone + PartialEq + std::fmt::Debug>(
                copies: &[(&str, &crate::record::PlanItem)],
                get: impl Fn(&crate::record::PlanItem) -> Option<T>,
                what: &str,
                findings: &mut Vec<Finding>,
            ) -> Option<T> {
                let mut values: Vec<(T, Vec<&str>)> = Vec::new();
                for (file, it) in copies {
                    if let Some(v) = get(it) {
                        match values.iter_mut().find(|(x, _)| *x == v) {
                            Some((_, files)) => files.push(file),
                            None => values.push((v, vec![file])),
                        }
                    }
                }
                match values.as_slice() {
                    [] => None,
                    [(v, _)] => Some(v.clone()),
                    many => {
                        let measure = copies.first().map(|(_, i)| i.measure.as_str()).unwrap_or("");
                        let said = many
                            .iter()
                            .map(|(v, files)| format!("{v:?} in {}", files.join(", ")))
                            .collect::<Vec<_>>()
                            .join(" but ");
                        for (file, _) in copies {
                            findings.push(Finding {
                                file: file.to_string(),
                                missing: format!(
                                    "copies of the evaluation form disagree on the {what} of \"{measure}\": {said}; neither applied"
                                ),
                                look_at: "the evaluation forms of the same meeting: keep one".into(),
                            });
                        }
                        None
                    }
                }
            }
            merged.status = pick(&copies, |i| i.status, "status", findings);
            merged.decision = pick(&copies, |i| i.decision.clone(), "decision", findings);
            merged.comment = pick(&copies, |i| i.comment.clone(), "comment", findings);
            merged.smart = pick(&copies, |i| i.smart, "SMART boxes", findings);
            merged.goal = pick(&copies, |i| i.goal.clone(), "goal", findings);
            merged.assessed = merged.status.map(|_| date.clone());
            items.push(merged);
        }
        findings.dedup();
        sets.push(FormSet {
            committee,
            record: first,
            date,
            files,
            items,
            year: first_plan.form.as_ref().and_then(|f| f.year),
            title: first_plan.title.clone(),
        });
    }
    sets.sort_by(|a, b| (&a.date, &a.files).cmp(&(&b.date, &b.files)));
    sets
}

/// The current plans (see [`current_plans`]) and the findings of the forms laid over them.
///
/// A form is laid over the newest plan of its committee that shares a measure with it (or the
/// committee's only plan): each filled status, decision and comment replaces the plan's, a
/// measure typed into a blank row is added, the SMART boxes become the committee's own. A form
/// is not applied, and named in the findings, when its meeting date is missing or no date, when
/// it is older than the plan's own status, when it fills in nothing, or when it has no plan
/// and no committee; a form of a committee without a plan becomes that committee's plan.
pub fn plans_and_findings(records: &[Record]) -> (Vec<CurrentPlan>, Vec<Finding>) {
    let papers = papers(records);
    let records = papers.as_slice();
    let mut findings = Vec::new();
    let mut all: Vec<(&Record, &Plan)> = records
        .iter()
        .flat_map(|r| r.plans.iter().filter(|p| p.form.is_none()).map(move |p| (r, p)))
        .collect();
    // Best first: newest, then the longest period, the most measures, the best format, the path.
    all.sort_by(|(ra, pa), (rb, pb)| {
        (
            record_date(rb),
            pb.period.map(|x| x.to),
            pb.items.len(),
            format_rank(ra.source.format),
            &ra.source.path,
            &pa.title,
        )
            .cmp(&(
                record_date(ra),
                pa.period.map(|x| x.to),
                pa.items.len(),
                format_rank(rb.source.format),
                &rb.source.path,
                &pb.title,
            ))
    });
    let mut kept: Vec<(&Record, &Plan)> = Vec::new();
    for (r, p) in all {
        let committee = committee_key(r.committee.as_ref());
        let dup =
            kept.iter().any(|(kr, kp)| committee_key(kr.committee.as_ref()) == committee && same_plan(kp, p));
        if !dup {
            kept.push((r, p));
        }
    }
    let mut out: Vec<CurrentPlan> = kept
        .into_iter()
        .map(|(r, p)| {
            let mut plan = p.clone();
            for it in &mut plan.items {
                if it.assessed.is_none() && it.status.is_some() {
                    it.assessed = plan.status_date.clone();
                }
            }
            let notes = plan
                .items
                .iter()
                .map(|it| ItemNote {
                    comment_date: it.comment.as_ref().and(plan.status_date.clone()),
                    ..ItemNote::default()
                })
                .collect();
            CurrentPlan {
                committee: r.committee.clone(),
                source: r.source.path.clone(),
                date: record_date(r),
                plan,
                forms: Vec::new(),
                notes,
            }
        })
        .collect();
    // Forms, oldest meeting first, so the newest assessment is applied last.
    for set in form_sets(records, &mut findings) {
        let keys: BTreeSet<String> = set.items.iter().map(|i| measure_key(&i.measure)).collect();
        let shared = |cp: &CurrentPlan| {
            cp.plan.items.iter().filter(|it| keys.contains(&measure_key(&it.measure))).count()
        };
        let target = out
            .iter_mut()
            .filter(|cp| {
                let c = committee_key(cp.committee.as_ref());
                c == set.committee || (set.committee.is_empty() && shared(cp) > 0)
            })
            .max_by_key(|cp| (shared(cp), cp.date.clone()));
        let filled_items: Vec<&crate::record::PlanItem> =
            set.items.iter().filter(|i| has_values(i)).collect();
        let Some(cp) = target else {
            if set.items.is_empty() {
                for f in &set.files {
                    findings
                        .push(finding(f, "evaluation form with nothing filled in: nothing applied".into()));
                }
                continue;
            }
            if set.committee.is_empty() {
                for f in &set.files {
                    findings.push(finding(
                        f,
                        "evaluation form without a committee (Utval/Utvalg) and no plan shares its measures: not applied".into(),
                    ));
                }
                continue;
            }
            // A committee without a plan: the form's measures are its plan.
            let items: Vec<crate::record::PlanItem> = set.items.clone();
            let notes = items
                .iter()
                .map(|it| ItemNote {
                    comment_date: it.comment.as_ref().map(|_| set.date.clone()),
                    added: Some(set.date.clone()),
                    smart_by_committee: it.smart.is_some(),
                })
                .collect();
            out.push(CurrentPlan {
                committee: set.record.committee.clone(),
                source: set.record.source.path.clone(),
                date: Some(set.date.clone()),
                plan: Plan {
                    title: set.title.clone(),
                    period: set.year.map(|y| crate::record::Period { from: y, to: y }),
                    items,
                    status_date: Some(set.date.clone()),
                    ..Plan::default()
                },
                forms: set.files.clone(),
                notes,
            });
            continue;
        };
        if let Some(pd) = cp.plan.status_date.clone().filter(|pd| set.date < *pd) {
            for f in &set.files {
                let values: Vec<String> = filled_items.iter().map(|i| describe(i)).collect();
                findings.push(finding(
                    f,
                    format!(
                        "evaluation form of {} is older than the plan's status ({pd}, {}): not applied{}",
                        set.date,
                        cp.source,
                        if values.is_empty() { String::new() } else { format!(": {}", values.join("; ")) }
                    ),
                ));
            }
            continue;
        }
        // Anything new? A value, a new measure, or SMART boxes other than the ones printed.
        let changes_smart = set.items.iter().any(|fi| {
            let k = measure_key(&fi.measure);
            cp.plan
                .items
                .iter()
                .find(|it| measure_key(&it.measure) == k)
                .is_some_and(|it| fi.smart.is_some() && fi.smart != it.smart.or(it.smart_hint))
        });
        let new_measures = set.items.iter().any(|fi| {
            let k = measure_key(&fi.measure);
            !k.is_empty() && !cp.plan.items.iter().any(|it| measure_key(&it.measure) == k)
        });
        if filled_items.is_empty() && !changes_smart && !new_measures {
            for f in &set.files {
                findings.push(finding(f, "evaluation form with nothing filled in: nothing applied".into()));
            }
            continue;
        }
        for fi in &set.items {
            let key = measure_key(&fi.measure);
            match cp.plan.items.iter().position(|it| !key.is_empty() && measure_key(&it.measure) == key) {
                Some(i) => {
                    let (Some(it), Some(note)) = (cp.plan.items.get_mut(i), cp.notes.get_mut(i)) else {
                        continue;
                    };
                    if fi.status.is_some() {
                        it.status = fi.status;
                        it.status_text = None;
                        it.assessed = Some(set.date.clone());
                    }
                    if fi.comment.is_some() {
                        it.comment = fi.comment.clone();
                        note.comment_date = Some(set.date.clone());
                    }
                    if fi.decision.is_some() {
                        it.decision = fi.decision.clone();
                    }
                    if fi.smart.is_some() {
                        it.smart = fi.smart;
                        note.smart_by_committee = true;
                    }
                }
                None if !key.is_empty() => {
                    let mut it = fi.clone();
                    it.assessed = it.status.map(|_| set.date.clone());
                    cp.notes.push(ItemNote {
                        comment_date: it.comment.as_ref().map(|_| set.date.clone()),
                        added: Some(set.date.clone()),
                        smart_by_committee: it.smart.is_some(),
                    });
                    cp.plan.items.push(it);
                }
                None => {}
            }
        }
        cp.plan.status_date = Some(set.date.clone());
        cp.forms.extend(set.files.iter().cloned());
    }
    out.sort_by(|a, b| {
        (committee_key(a.committee.as_ref()), a.plan.title.to_lowercase())
            .cmp(&(committee_key(b.committee.as_ref()), b.plan.title.to_lowercase()))
    });
    (out, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{PlanItem, Source, Status};

    fn rec(path: &str, format: Format, measures: &[&str]) -> Record {
        let mut r = Record::empty(Source { path: path.into(), format, sha256: String::new() });
        r.committee = Some(Committee { code: Some("FSU-PSYK".into()), name: "FSU".into() });
        r.plans.push(Plan {
            title: "Mål, tiltak og status".into(),
            status_date: Some("2025-09-01".into()),
            items: measures
                .iter()
                .map(|m| PlanItem {
                    measure: m.to_string(),
                    status: Some(Status::Red),
                    ..PlanItem::default()
                })
                .collect(),
            ..Plan::default()
        });
        r
    }

    #[test]
    fn the_word_set_is_that_of_the_distinct_lower_cased_words() {
        // the definition: the distinct words of three or more characters, `to_lowercase`d, hashed
        let texts = [
            "Tiltak TILTAK tiltak; ÆRE ære Ærlig – ok, Øy øya ÅS ås",
            "ΣΟΦΟΣ σοφος ΟΔΟΣ: final sigma ΣΣΣ, İstanbul, ǅemal, 2025/26, 123 ab9 x1y",
            "",
            "Straße STRASSE ﬁnans",
        ];
        let r = rec("p.docx", Format::Docx, &texts);
        let mut want: BTreeSet<String> = BTreeSet::new();
        for t in texts.iter().chain(["Mål, tiltak og status"].iter()) {
            for w in t.split(|c: char| !c.is_alphanumeric()) {
                if w.chars().count() >= 3 {
                    want.insert(w.to_lowercase());
                }
            }
        }
        let want = WordSet::from_hashes(want.iter().map(|w| WordSet::hash(w)).collect());
        assert_eq!(word_set(&r).0, want.0);
        assert!(want.len() >= 20, "{}", want.len());
    }

    /// The sieve's buckets (class, committee, case numbers) skip only records [`same_paper`]
    /// refuses: over records of every combination of kind, committee (with none), case numbers
    /// (none, shared, a subset, disjoint), form values and words, it keeps exactly what comparing
    /// each record with every kept one keeps.
    #[test]
    fn the_sieve_keeps_what_comparing_with_every_kept_record_keeps() {
        use crate::record::{Case, CaseNum, Kind};
        let case =
            |seq: u32| Case::numbered(Some(CaseNum { seq, year: 2025, as_written: format!("{seq}/25") }));
        let committees = [None, Some("FSU-PSYK"), Some("FSU-BARN")];
        let case_sets: [&[u32]; 6] = [&[], &[1], &[1, 2], &[1, 2, 3], &[2, 3, 4, 5, 6], &[7]];
        let texts = ["Felles opplæring i pakkeforløp for rus", "Noe helt annet tiltak med egne ord"];
        let mut records = Vec::new();
        let mut n = 0;
        for kind in [Kind::CasePaper, Kind::Minutes] {
            for committee in committees {
                for cases in case_sets {
                    for (ti, text) in texts.iter().enumerate() {
                        for copy in 0..2 {
                            n += 1;
                            let format = [Format::Docx, Format::Pdf, Format::Text][n % 3];
                            let mut r = rec(&format!("{n:03}-{copy}.x"), format, &[text]);
                            r.kind = kind;
                            r.committee =
                                committee.map(|c| Committee { code: Some(c.into()), name: "FSU".into() });
                            r.cases = cases.iter().map(|&s| case(s)).collect();
                            // forms: two copies filled alike, and one filled otherwise
                            if ti == 1 {
                                r.plans[0].form = Some(crate::record::EvaluationForm::default());
                                r.plans[0].items[0].comment = (copy == 1).then(|| "utfylt".into());
                            }
                            records.push(r);
                        }
                    }
                }
            }
        }
        let mut order: Vec<&Record> = records.iter().collect();
        order.sort_by(|a, b| {
            (format_rank(a.source.format), &a.source.path)
                .cmp(&(format_rank(b.source.format), &b.source.path))
        });
        let mut kept: Vec<Identity> = Vec::new();
        let mut want: Vec<String> = Vec::new();
        for r in order {
            let id = identity(r);
            if !kept.iter().any(|k| same_paper(k, &id)) {
                want.push(r.source.path.clone());
                kept.push(id);
            }
        }
        want.sort();
        let got: Vec<String> = papers(&records).into_iter().map(|r| r.source.path).collect();
        assert_eq!(got, want);
        // the combinations keep some and drop some
        assert!(got.len() > 20 && got.len() < records.len() / 2, "{} of {}", got.len(), records.len());
    }

    /// The sieve makes a kept record's words only when a comparison reaches them, and once.
    #[test]
    fn the_sieve_asks_for_a_kept_records_words_only_when_a_comparison_needs_them() {
        use crate::record::{Case, CaseNum};
        let case =
            |seq: u32| Case::numbered(Some(CaseNum { seq, year: 2025, as_written: format!("{seq}/25") }));
        let with_case = |path: &str, format, seq| {
            let mut r = rec(path, format, &["Felles opplæring i pakkeforløp for rus"]);
            r.cases = vec![case(seq)];
            r
        };
        let records = [
            with_case("a.docx", Format::Docx, 1),
            with_case("b.docx", Format::Docx, 2),
            with_case("c.docx", Format::Docx, 3),
            // copies of a.docx: they share its case, so the words decide
            with_case("a.pdf", Format::Pdf, 1),
            with_case("a.txt", Format::Text, 1),
        ];
        let mut sieve = Sieve::default();
        let mut asked: Vec<usize> = Vec::new();
        let mut kept: Vec<bool> = Vec::new();
        for r in &records {
            let got = sieve.offer(r, &mut |i| {
                asked.push(i);
                Ok::<_, std::convert::Infallible>(records.get(i).map_or_else(WordSet::default, word_set))
            });
            kept.push(matches!(got, Ok(true)));
        }
        assert_eq!(kept, [true, true, true, false, false]);
        // only a.docx's words, once (b and c were never compared with anything)
        assert_eq!(asked, [0]);
    }

    #[test]
    fn one_paper_in_three_formats_is_one_and_docx_is_kept() {
        let ms = ["Utgreie felles ROP-team", "Felles opplæring i pakkeforløp"];
        let recs = vec![
            rec("p.txt", Format::Text, &ms),
            rec("p.pdf", Format::Pdf, &ms),
            rec("p.docx", Format::Docx, &ms),
            {
                let mut o = rec("other.docx", Format::Docx, &["Noe helt annet tiltak", "Enda et tiltak her"]);
                o.committee = Some(Committee { code: Some("FSU-BARN".into()), name: "FSU".into() });
                o
            },
        ];
        let kept: Vec<String> = papers(&recs).into_iter().map(|r| r.source.path).collect();
        assert_eq!(kept, ["other.docx", "p.docx"]);
    }

    #[test]
    fn a_reading_that_missed_a_case_or_broke_a_table_is_the_same_paper() {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
        assert!(same_cases(&set(&["1/2025", "2/2025", "3/2025"]), &set(&["1/2025", "3/2025"])));
        assert!(!same_cases(&set(&["1/2025", "2/2025", "3/2025"]), &set(&["1/2025"])));
        assert!(!same_cases(&set(&["1/2025"]), &set(&["2/2025"])));
        assert!(!same_cases(&set(&[]), &set(&["2/2025"])));
        let id = |w: &[&str]| Identity {
            kind: crate::record::Kind::Attachment,
            plans: Vec::new(),
            status_date: None,
            committee: "SSU".into(),
            date: Some("2025-09-10".into()),
            cases: BTreeSet::new(),
            attachment_of: Some("17/2025".into()),
            form: false,
            form_values: String::new(),
            words: Some(WordSet::from_hashes(w.iter().map(|x| WordSet::hash(x)).collect())),
        };
        // Broken table cells: few words of their own, all found in the full reading.
        let full = id(&[
            "tilskudd",
            "kombinert",
            "sykepleierstilling",
            "medisinsk",
            "avdeling",
            "kristiansund",
            "kommune",
            "molde",
            "sula",
            "volda",
        ]);
        let broken = id(&["tilskudd", "kombinert", "kristiansund", "kommune", "molde"]);
        assert!(same_paper(&full, &broken));
        // Another attachment to the same case shares few words.
        let other = id(&[
            "budsjett",
            "sekretariat",
            "lønn",
            "reise",
            "kommune",
            "drift",
            "husleie",
            "møter",
            "kurs",
            "porto",
            "kontor",
        ]);
        assert!(!same_paper(&full, &other));
        // A reading that found (almost) nothing counts nothing twice.
        assert!(same_paper(&full, &id(&[])));
    }

    #[test]
    fn a_later_form_updates_status_comment_and_date() {
        let plan = rec("plan.docx", Format::Docx, &["Utgreie felles ROP-team", "Felles opplæring"]);
        let mut form = rec("form.docx", Format::Docx, &["Utgreie felles ROP-team."]);
        form.plans[0].status_date = Some("2025-11-20".into());
        form.plans[0].form = Some(crate::record::EvaluationForm {
            meeting_date: Some("2025-11-20".into()),
            ..Default::default()
        });
        form.plans[0].items[0].status = Some(Status::Green);
        form.plans[0].items[0].comment = Some("Finansiert".into());
        let cur = current_plans(&[plan, form]);
        assert_eq!(cur.len(), 1);
        let it = &cur[0].plan.items[0];
        assert_eq!(
            (it.status, it.comment.as_deref(), it.assessed.as_deref()),
            (Some(Status::Green), Some("Finansiert"), Some("2025-11-20"))
        );
        assert_eq!(cur[0].plan.items[1].assessed.as_deref(), Some("2025-09-01"));
        assert_eq!(cur[0].plan.status_date.as_deref(), Some("2025-11-20"));
        assert_eq!(cur[0].forms, ["form.docx"]);
    }

    fn form(path: &str, date: Option<&str>, rows: &[(&str, Option<Status>, Option<&str>)]) -> Record {
        let mut r = rec(path, Format::Docx, &[]);
        r.plans[0].status_date = date.map(str::to_string);
        r.plans[0].form = Some(crate::record::EvaluationForm {
            meeting_date: date.map(str::to_string),
            ..Default::default()
        });
        r.plans[0].items = rows
            .iter()
            .map(|(m, s, c)| PlanItem {
                measure: m.to_string(),
                status: *s,
                comment: c.map(str::to_string),
                ..PlanItem::default()
            })
            .collect();
        r
    }

    #[test]
    fn a_measure_typed_into_a_blank_row_joins_the_plan() {
        let plan = rec("plan.docx", Format::Docx, &["Utgreie felles ROP-team", "Felles opplæring"]);
        let f = form(
            "form.docx",
            Some("2025-11-20"),
            &[("Ny ruspoliklinikk i Molde", Some(Status::Yellow), None)],
        );
        let (cur, findings) = plans_and_findings(&[plan, f]);
        assert!(findings.is_empty(), "{findings:?}");
        let items = &cur[0].plan.items;
        assert_eq!(items.len(), 3);
        assert_eq!(
            (items[2].measure.as_str(), items[2].status),
            ("Ny ruspoliklinikk i Molde", Some(Status::Yellow))
        );
        assert_eq!(cur[0].notes[2].added.as_deref(), Some("2025-11-20"));
    }

    #[test]
    fn a_form_of_a_committee_without_a_plan_becomes_its_plan() {
        let f = form(
            "form.docx",
            Some("2026-01-15"),
            &[("Felles kurs for fastleger", Some(Status::Green), Some("Holdt i mars"))],
        );
        let (cur, findings) = plans_and_findings(&[f]);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(cur.len(), 1);
        assert_eq!(cur[0].plan.items[0].comment.as_deref(), Some("Holdt i mars"));
    }

    #[test]
    fn an_older_form_an_undated_form_and_an_empty_form_are_reported_not_dropped() {
        let plan = rec("plan.docx", Format::Docx, &["Utgreie felles ROP-team", "Felles opplæring"]);
        let old =
            form("old.docx", Some("2025-06-01"), &[("Utgreie felles ROP-team", Some(Status::Green), None)]);
        let undated = form("undated.docx", None, &[("Felles opplæring", Some(Status::Green), None)]);
        let empty = form("empty.docx", Some("2025-11-20"), &[("Felles opplæring", None, None)]);
        let (cur, findings) = plans_and_findings(&[plan, old, undated, empty]);
        assert_eq!(cur[0].plan.items[0].status, Some(Status::Red), "nothing applied");
        let said: Vec<(&str, &str)> =
            findings.iter().map(|f| (f.file.as_str(), f.missing.as_str())).collect();
        assert!(
            said.iter()
                .any(|(f, m)| *f == "old.docx" && m.contains("older than the plan's status (2025-09-01")),
            "{said:?}"
        );
        assert!(
            said.iter().any(|(f, m)| *f == "undated.docx"
                && m.contains("no meeting date")
                && m.contains("status green")),
            "{said:?}"
        );
        assert!(said.iter().any(|(f, m)| *f == "empty.docx" && m.contains("nothing filled in")), "{said:?}");
    }

    #[test]
    fn two_copies_that_disagree_apply_neither_value_and_say_so() {
        let plan = rec("plan.docx", Format::Docx, &["Utgreie felles ROP-team", "Felles opplæring"]);
        let a = form(
            "a-utkast.docx",
            Some("2025-11-20"),
            &[
                ("Utgreie felles ROP-team", Some(Status::Green), Some("Avklart")),
                ("Felles opplæring", Some(Status::Yellow), None),
            ],
        );
        let b = form(
            "b-rettet.docx",
            Some("2025-11-20"),
            &[
                ("Utgreie felles ROP-team", Some(Status::Yellow), Some("Avklart")),
                ("Felles opplæring", Some(Status::Yellow), None),
            ],
        );
        let (cur, findings) = plans_and_findings(&[plan, a, b]);
        let items = &cur[0].plan.items;
        assert_eq!(items[0].status, Some(Status::Red), "the disputed status is not applied");
        assert_eq!(items[0].comment.as_deref(), Some("Avklart"), "the agreed comment is");
        assert_eq!(items[1].status, Some(Status::Yellow));
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(
            findings.iter().all(|f| f.missing.contains("disagree on the status")
                && f.missing.contains("a-utkast.docx")
                && f.missing.contains("b-rettet.docx")),
            "{findings:?}"
        );
    }
}
