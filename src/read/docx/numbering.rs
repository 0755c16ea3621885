//! List numbering (numbering.xml) resolved to the label Word shows.
//!
//! Word's model: a paragraph names a `w:num` (numId) and a level (ilvl); the num points to an
//! `w:abstractNum` that defines up to nine levels (start, numFmt, lvlText such as `%1.%2`,
//! lvlRestart) and may override some of them (`w:lvlOverride` with `w:startOverride` or a whole
//! `w:lvl`). An abstractNum may instead link to a numbering style (`w:numStyleLink`), whose
//! numId leads to the abstractNum that really holds the levels (`w:styleLink`).
//!
//! Counting follows Word: counters are kept **per abstract list**, so several nums on the same
//! abstractNum (LibreOffice writes one num per paragraph, e.g. numIds 4/1/5/2/1 for one list)
//! continue one sequence; the first paragraph of a num that has a `startOverride` restarts
//! those levels (a num that only replaces a level's definition keeps counting, as Word does); a paragraph at level *n* resets the deeper levels (unless their `lvlRestart`
//! says otherwise); paragraphs between list items do not interrupt the count.

use super::styles::Styles;
use super::xml::{on_off, Element};
use std::collections::{BTreeMap, BTreeSet};

const LEVELS: usize = 9;

/// One numbering level.
#[derive(Debug, Clone, Default)]
pub struct Level {
    pub start: i64,
    pub fmt: String,
    pub text: String,
    /// `w:lvlRestart`: restart after this (1-based) level; 0 = never.
    pub restart: Option<u32>,
    pub is_lgl: bool,
    /// `w:pStyle`: the paragraph style tied to this level (outline-numbered headings).
    pub pstyle: Option<String>,
}

impl Level {
    fn parse(e: Element<'_>) -> Level {
        Level {
            // the schema default for an absent w:start is 0
            start: e.child_val("start").and_then(|v| v.trim().parse().ok()).unwrap_or(0),
            fmt: e.child_val("numFmt").unwrap_or("decimal").to_string(),
            text: e.child_val("lvlText").unwrap_or_default().to_string(),
            restart: e.child_val("lvlRestart").and_then(|v| v.trim().parse().ok()),
            is_lgl: on_off(e.child("isLgl")).unwrap_or(false),
            pstyle: e.child_val("pStyle").map(str::to_string),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Abstract {
    levels: BTreeMap<u8, Level>,
    num_style_link: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    start_overrides: BTreeMap<u8, i64>,
    level_overrides: BTreeMap<u8, Level>,
}

/// What a numbered paragraph shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub label: Option<String>,
    pub ordered: bool,
}

/// The numbering definitions plus the running counters of one document.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: BTreeMap<String, Abstract>,
    nums: BTreeMap<String, Num>,
    counters: BTreeMap<String, [Option<i64>; LEVELS]>,
    seen: BTreeSet<String>,
}

fn ilvl(e: Element<'_>) -> Option<u8> {
    e.attr("ilvl").and_then(|v| v.trim().parse::<u8>().ok()).filter(|l| usize::from(*l) < LEVELS)
}

impl Numbering {
    pub fn parse(root: Element<'_>) -> Numbering {
        let mut n = Numbering::default();
        for a in root.children_named("abstractNum") {
            let Some(id) = a.attr("abstractNumId") else { continue };
            let mut abs = Abstract {
                num_style_link: a.child_val("numStyleLink").map(str::to_string),
                ..Abstract::default()
            };
            for l in a.children_named("lvl") {
                if let Some(i) = ilvl(l) {
                    abs.levels.entry(i).or_insert_with(|| Level::parse(l));
                }
            }
            n.abstracts.entry(id.trim().to_string()).or_insert(abs);
        }
        for e in root.children_named("num") {
            let Some(id) = e.attr("numId") else { continue };
            let mut num = Num {
                abstract_id: e.child_val("abstractNumId").unwrap_or_default().trim().to_string(),
                ..Num::default()
            };
            for o in e.children_named("lvlOverride") {
                let Some(i) = ilvl(o) else { continue };
                if let Some(v) = o.child_val("startOverride").and_then(|v| v.trim().parse().ok()) {
                    num.start_overrides.insert(i, v);
                }
                if let Some(l) = o.child("lvl") {
                    num.level_overrides.insert(i, Level::parse(l));
                }
            }
            n.nums.entry(id.trim().to_string()).or_insert(num);
        }
        n
    }

    /// Follow `w:numStyleLink` through the numbering style to the abstractNum that holds the
    /// levels (bounded, loop-safe).
    pub fn resolve_style_links(&mut self, styles: &Styles) {
        let ids: Vec<String> = self.nums.keys().cloned().collect();
        for id in ids {
            let Some(mut abs_id) = self.nums.get(&id).map(|n| n.abstract_id.clone()) else { continue };
            for _ in 0..8 {
                let Some(link) = self.abstracts.get(&abs_id).and_then(|a| a.num_style_link.clone()) else {
                    break;
                };
                let Some((linked_num, _)) = styles.numbering(&link) else { break };
                let Some(next) = self.nums.get(&linked_num).map(|n| n.abstract_id.clone()) else { break };
                if next == abs_id {
                    break;
                }
                abs_id = next;
            }
            if let Some(n) = self.nums.get_mut(&id) {
                n.abstract_id = abs_id;
            }
        }
    }

    /// The level of list `num_id` whose `w:pStyle` is `style_id`.
    pub fn level_for_style(&self, num_id: &str, style_id: &str) -> Option<u8> {
        let num = self.nums.get(num_id)?;
        (0..LEVELS as u8).find(|l| self.level(num, *l).and_then(|lv| lv.pstyle.as_deref()) == Some(style_id))
    }

    /// True when `num_id` names a defined num.
    pub fn has(&self, num_id: &str) -> bool {
        self.nums.contains_key(num_id)
    }

    fn level<'s>(&'s self, num: &'s Num, l: u8) -> Option<&'s Level> {
        num.level_overrides.get(&l).or_else(|| self.abstracts.get(&num.abstract_id)?.levels.get(&l))
    }

    fn start(&self, num: &Num, l: u8) -> i64 {
        num.start_overrides.get(&l).copied().or_else(|| self.level(num, l).map(|lv| lv.start)).unwrap_or(0)
    }

    /// Count one paragraph of list `num_id` at level `ilvl` and return its label; `None` when
    /// the num or the level is not defined (the paragraph is then not a list item).
    pub fn next(&mut self, num_id: &str, ilvl: u8) -> Option<Label> {
        let l = ilvl.min(LEVELS as u8 - 1);
        let num = self.nums.get(num_id)?;
        let level = self.level(num, l)?;
        let mut counters = self.counters.get(&num.abstract_id).copied().unwrap_or([None; LEVELS]);
        let first_use = !self.seen.contains(num_id);
        if first_use {
            // only startOverride restarts; a replaced w:lvl alone keeps the shared count
            for o in num.start_overrides.keys() {
                if let Some(c) = counters.get_mut(usize::from(*o)) {
                    *c = None;
                }
            }
        }
        let li = usize::from(l);
        let value = match counters.get(li).copied().flatten() {
            Some(c) => c.saturating_add(1),
            None => self.start(num, l),
        };
        if let Some(c) = counters.get_mut(li) {
            *c = Some(value);
        }
        for d in li + 1..LEVELS {
            let restart = self.level(num, d as u8).and_then(|lv| lv.restart);
            let reset = match restart {
                None => true,
                Some(0) => false,
                Some(r) => li < r as usize,
            };
            if reset {
                if let Some(c) = counters.get_mut(d) {
                    *c = None;
                }
            }
        }
        let label = self.label(num, level, l, &counters);
        // the counters and the first-use mark are stored without cloning the list
        let abstract_id = &num.abstract_id;
        match self.counters.get_mut(abstract_id) {
            Some(c) => *c = counters,
            None => {
                let key = abstract_id.clone();
                self.counters.insert(key, counters);
            }
        }
        if first_use {
            self.seen.insert(num_id.to_string());
        }
        Some(label)
    }

    /// The label of one paragraph at level `l` of `num` with the given counters.
    fn label(&self, num: &Num, level: &Level, l: u8, counters: &[Option<i64>; LEVELS]) -> Label {
        if level.fmt == "bullet" {
            // a blank bullet (lvlText " ") shows no marker
            let visible = !level.text.trim().is_empty();
            return Label { label: visible.then(|| "-".to_string()), ordered: false };
        }
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if out.len() >= MAX_LABEL_BYTES {
                // a label is a few characters; the rest of a runaway lvlText is dropped here,
                // where the label is made, not after it has been copied to every paragraph
                break;
            }
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)).filter(|d| (1..=9).contains(d)) {
                    chars.next();
                    let k = (d - 1) as u8;
                    let v =
                        counters.get(usize::from(k)).copied().flatten().unwrap_or_else(|| self.start(num, k));
                    let fmt = if level.is_lgl {
                        "decimal"
                    } else if k == l {
                        level.fmt.as_str()
                    } else {
                        self.level(num, k).map_or("decimal", |lv| lv.fmt.as_str())
                    };
                    out.push_str(&format_number(v, fmt));
                    continue;
                }
            }
            out.push(c);
        }
        let label = out.trim().to_string();
        let ordered = level.fmt != "none";
        Label { label: (!label.is_empty()).then_some(label), ordered }
    }
}

/// Most bytes of one list label (`%1.%2.%3` with long letter numbers is well under 100).
pub const MAX_LABEL_BYTES: usize = 256;

/// Format a counter value in a Word number format. Unknown formats fall back to decimal.
pub fn format_number(n: i64, fmt: &str) -> String {
    match fmt {
        "none" | "bullet" => String::new(),
        "decimalZero" if (0..10).contains(&n) => format!("0{n}"),
        "lowerLetter" => letters(n).unwrap_or_else(|| n.to_string()),
        "upperLetter" => letters(n).map(|s| s.to_uppercase()).unwrap_or_else(|| n.to_string()),
        "lowerRoman" => roman(n).map(|s| s.to_lowercase()).unwrap_or_else(|| n.to_string()),
        "upperRoman" => roman(n).unwrap_or_else(|| n.to_string()),
        _ => n.to_string(),
    }
}

/// Word's letter numbering: a..z, then aa..zz, aaa.. (the letter repeated).
fn letters(n: i64) -> Option<String> {
    if !(1..=26 * 50).contains(&n) {
        return None;
    }
    let idx = ((n - 1) % 26) as u8;
    let times = ((n - 1) / 26 + 1) as usize;
    Some(char::from(b'a' + idx).to_string().repeat(times))
}

fn roman(n: i64) -> Option<String> {
    if !(1..4000).contains(&n) {
        return None;
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        let cases: &[(i64, &str, &str)] = &[
            (1, "decimal", "1"),
            (12, "decimal", "12"),
            (3, "decimalZero", "03"),
            (10, "decimalZero", "10"),
            (1, "lowerLetter", "a"),
            (26, "lowerLetter", "z"),
            (27, "lowerLetter", "aa"),
            (28, "lowerLetter", "bb"),
            (53, "lowerLetter", "aaa"),
            (2, "upperLetter", "B"),
            (27, "upperLetter", "AA"),
            (0, "lowerLetter", "0"),
            (1, "lowerRoman", "i"),
            (4, "lowerRoman", "iv"),
            (9, "lowerRoman", "ix"),
            (14, "lowerRoman", "xiv"),
            (49, "upperRoman", "XLIX"),
            (1994, "upperRoman", "MCMXCIV"),
            (3999, "upperRoman", "MMMCMXCIX"),
            (4000, "upperRoman", "4000"),
            (0, "lowerRoman", "0"),
            (5, "bullet", ""),
            (5, "none", ""),
            (5, "ordinal", "5"),
            (-2, "decimal", "-2"),
        ];
        for (n, fmt, want) in cases {
            assert_eq!(format_number(*n, fmt), *want, "{n} {fmt}");
        }
    }

    fn numbering(xml: &str) -> Numbering {
        let root = super::super::xml::parse(
            xml.as_bytes(),
            "word/numbering.xml",
            &crate::read::Limits::default(),
            std::time::Instant::now(),
        )
        .unwrap();
        Numbering::parse(root.root())
    }

    const TWO_LEVEL: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%3)"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
    </w:numbering>"#;

    fn labels(n: &mut Numbering, seq: &[(&str, u8)]) -> Vec<String> {
        seq.iter().map(|(id, l)| n.next(id, *l).and_then(|x| x.label).unwrap_or_default()).collect()
    }

    #[test]
    fn counts_per_abstract_and_restarts_on_override() {
        let mut n = numbering(TWO_LEVEL);
        let got = labels(
            &mut n,
            &[("1", 0), ("1", 1), ("1", 1), ("2", 0), ("1", 1), ("1", 2), ("1", 2), ("3", 0), ("2", 0)],
        );
        assert_eq!(got, ["1.", "1.1", "1.2", "2.", "2.1", "(i)", "(ii)", "1.", "2."]);
        assert_eq!(n.next("9", 0), None);
    }
}
