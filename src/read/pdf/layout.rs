//! Layout: positioned glyphs → lines → paragraphs, headings and list items in reading order.
//!
//! Per page: glyphs are grouped into lines by baseline and split into chunks at wide gaps (and at
//! vertical table rules); [`super::tables`] takes the lines that form tables; the remaining lines
//! become blocks. A new block starts at a list marker, a change of size or weight, a vertical gap
//! larger than the line pitch, an indented first line, or when the next line's first word would
//! have fitted on the previous line (so that line ended on purpose). Lines repeated at the top or
//! bottom of most pages (digits ignored, so page numbers match) are running headers/footers and
//! go to `Document::headers`/`footers`. A word hyphenated at a line end is joined.

use super::content::Page;
use super::tables;
use crate::model::{Block, Document, Emphasis, Pos, Text};
use std::collections::BTreeMap;

/// Gap (in font sizes) above which glyphs are separated by a space.
const WORD_GAP: f32 = 0.2;
/// Gap (in font sizes) above which a line is split into chunks (columns, tab stops).
const CHUNK_GAP: f32 = 0.9;

/// Character flags: (bold, italic).
pub type Flags = (bool, bool);

/// Horizontal run of text within a line, separated from its neighbours by a wide gap.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub x0: f32,
    pub x1: f32,
    pub text: String,
    pub flags: Vec<Flags>,
    /// Width of the chunk's first word.
    pub first_word: f32,
    /// The chunk's words with their extents, so that a chunk can be split at a word that
    /// starts a table column (typst sets cells so tight that neighbours form one chunk).
    pub words: Vec<Word>,
}

/// A word of a chunk: its horizontal extent and the index of its first character in the text.
#[derive(Debug, Clone, Copy)]
pub struct Word {
    pub x0: f32,
    pub x1: f32,
    pub at: usize,
}

impl Chunk {
    /// Split before word `k` (1 ≤ k < words): the text and flags before it, and from it on.
    pub fn split_at_word(&self, k: usize) -> Option<(Chunk, Chunk)> {
        let w = *self.words.get(k)?;
        let prev = *self.words.get(k.checked_sub(1)?)?;
        let chars: Vec<char> = self.text.chars().collect();
        if w.at == 0 || w.at > chars.len() || self.flags.len() != chars.len() {
            return None;
        }
        let mut left = Chunk {
            x0: self.x0,
            x1: prev.x1,
            text: chars[..w.at].iter().collect(),
            flags: self.flags[..w.at].to_vec(),
            first_word: self.first_word.min(prev.x1 - self.x0),
            words: self.words[..k].to_vec(),
        };
        trim_chunk(&mut left);
        let words: Vec<Word> = self.words[k..].iter().map(|v| Word { at: v.at - w.at, ..*v }).collect();
        let right = Chunk {
            x0: w.x0,
            x1: self.x1,
            text: chars[w.at..].iter().collect(),
            flags: self.flags[w.at..].to_vec(),
            first_word: (w.x1 - w.x0).max(0.01),
            words,
        };
        Some((left, right))
    }
}

/// A line of text on one page.
#[derive(Debug, Clone)]
pub struct Line {
    pub chunks: Vec<Chunk>,
    pub x0: f32,
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    pub size: f32,
    pub page: u32,
}

impl Line {
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.chunks {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&c.text);
        }
        s
    }

    fn flags(&self) -> Vec<Flags> {
        let mut f = Vec::new();
        for (i, c) in self.chunks.iter().enumerate() {
            if i > 0 {
                let prev = f.last().copied().unwrap_or((false, false));
                let next = c.flags.first().copied().unwrap_or((false, false));
                f.push((prev.0 && next.0, prev.1 && next.1));
            }
            f.extend_from_slice(&c.flags);
        }
        f
    }

    pub fn bold(&self) -> bool {
        let f = self.flags();
        let text = self.text();
        let mut any = false;
        for (ch, fl) in text.chars().zip(f.iter()) {
            if ch.is_alphanumeric() {
                if !fl.0 {
                    return false;
                }
                any = true;
            }
        }
        any
    }

    fn first_word(&self) -> f32 {
        self.chunks.first().map_or(0.0, |c| c.first_word)
    }
}

/// Group a page's glyphs into lines. `vrules` are x positions of vertical rules with their
/// y extent, which split chunks.
pub fn page_lines_of(page: &Page, page_no: u32, vrules: &[(f32, f32, f32)]) -> Vec<Line> {
    // rotated text (stamps, margin notes) is left out unless most of the page is rotated
    let rotated = page.glyphs.iter().filter(|g| g.rotated).count();
    let keep_rotated = rotated * 2 > page.glyphs.len();
    let mut idx: Vec<usize> = (0..page.glyphs.len())
        .filter(|&i| page.glyphs.get(i).is_some_and(|g| g.size > 0.5 && (keep_rotated || !g.rotated)))
        .collect();
    idx.sort_by(|&a, &b| {
        let (ga, gb) = (&page.glyphs[a], &page.glyphs[b]);
        gb.y.total_cmp(&ga.y).then(ga.x0.total_cmp(&gb.x0))
    });
    // cluster by baseline
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut cur_y = f32::NAN;
    let mut cur_size = 0.0f32;
    for &i in &idx {
        let g = &page.glyphs[i];
        let tol = 0.35 * g.size.min(if cur_size > 0.0 { cur_size } else { g.size });
        if groups.is_empty() || (cur_y - g.y).abs() > tol {
            groups.push(vec![i]);
            cur_y = g.y;
            cur_size = g.size;
        } else if let Some(last) = groups.last_mut() {
            last.push(i);
            cur_size = cur_size.max(g.size);
        }
    }
    let mut lines = Vec::with_capacity(groups.len());
    for mut grp in groups {
        grp.sort_by(|&a, &b| page.glyphs[a].x0.total_cmp(&page.glyphs[b].x0));
        let breaks = unmix_overlapping_runs(page, &mut grp);
        // the baseline of most characters, the largest size
        let size = grp.iter().map(|&i| page.glyphs[i].size).fold(0.0f32, f32::max);
        let y = {
            let mut ys: Vec<f32> = grp.iter().map(|&i| page.glyphs[i].y).collect();
            ys.sort_by(f32::total_cmp);
            ys.get(ys.len() / 2).copied().unwrap_or(0.0)
        };
        let mut chunks: Vec<Chunk> = Vec::new();
        let mut prev: Option<(f32, f32, &str)> = None; // x0, x1, text of previous glyph
        for (pos, &i) in grp.iter().enumerate() {
            let g = &page.glyphs[i];
            let t = g.text(page);
            if let Some((px0, px1, pt)) = prev {
                // the same glyph painted twice (fake bold, shadow): skip. The offset must be small
                // against the glyph's own width, or a double `l` in a narrow font would lose one.
                if pt == t && (g.x0 - px0).abs() < (0.1 * g.size).min(0.4 * (px1 - px0).max(0.0)) {
                    continue;
                }
                let gap = g.x0 - px1;
                let split_rule =
                    vrules.iter().any(|&(x, y0, y1)| x > px1 - 1.0 && x < g.x0 + 1.0 && y >= y0 && y <= y1);
                if gap > CHUNK_GAP * size || split_rule || breaks.contains(&pos) {
                    if let Some(c) = chunks.last_mut() {
                        trim_chunk(c);
                    }
                    chunks.push(new_chunk(g.x0));
                } else if gap > WORD_GAP * g.size.min(size) {
                    if let Some(c) = chunks.last_mut() {
                        if !c.text.ends_with(' ') && !t.starts_with(' ') {
                            push_text(c, " ", (g.bold, g.italic));
                            if c.first_word == 0.0 {
                                c.first_word = (px1 - c.x0).max(0.01);
                            }
                        }
                    }
                }
            } else {
                chunks.push(new_chunk(g.x0));
            }
            if let Some(c) = chunks.last_mut() {
                if c.text.is_empty() && t.trim().is_empty() {
                    // leading spaces do not start a chunk
                    c.x0 = g.x1;
                } else {
                    if c.text.is_empty() {
                        c.x0 = g.x0;
                    }
                    // a run the producer placed on its own starts a word even when it touches the
                    // text before it (LaTeX's `Barneavdelingen` running into the next cell's
                    // `01.06.2025`); no space is added, only the split point kept
                    let starts_word = (c.text.is_empty() || c.text.ends_with(' ') || g.placed)
                        && t.chars().next().is_some_and(|ch| !ch.is_whitespace());
                    if starts_word {
                        c.words.push(Word { x0: g.x0, x1: g.x1, at: c.flags.len() });
                    } else if let Some(w) = c.words.last_mut() {
                        if !t.trim().is_empty() && !c.text.ends_with(' ') {
                            w.x1 = g.x1;
                        }
                    }
                    push_text(c, t, (g.bold, g.italic));
                    if t.trim().is_empty() && c.first_word == 0.0 {
                        c.first_word = (g.x0 - c.x0).max(0.01);
                    }
                    if !t.trim().is_empty() {
                        c.x1 = g.x1;
                    }
                }
            }
            prev = Some((g.x0, g.x1, t));
        }
        for c in &mut chunks {
            trim_chunk(c);
            if c.first_word == 0.0 {
                // no space seen: the word spans up to the first inserted space or the chunk end
                c.first_word = c.x1 - c.x0;
            }
        }
        chunks.retain(|c| !c.text.is_empty());
        if chunks.is_empty() {
            continue;
        }
        let x0 = chunks.first().map_or(0.0, |c| c.x0);
        let x1 = chunks.last().map_or(0.0, |c| c.x1);
        lines.push(Line { chunks, x0, x1, y, size, page: page_no });
    }
    lines
}

/// Text runs that overlap on one line (typst lets a date overflow its narrow cell under the
/// next cell's status word: sorted by x, `01.06.2025` and `grønn` interleave as `01.06.202g5rønn`):
/// when a glyph starts well inside a different preceding glyph, the line's glyphs are regrouped
/// into runs in drawing order (each advancing left to right), the runs ordered by where they
/// start. Returns the positions in `grp` where a run starts over the previous one (a chunk break).
fn unmix_overlapping_runs(page: &Page, grp: &mut Vec<usize>) -> Vec<usize> {
    let glyph = |i: usize| page.glyphs.get(i);
    let overlapping = grp.windows(2).any(|w| match (glyph(w[0]), glyph(w[1])) {
        // letters or digits on both sides: an accent drawn over its letter is no second run
        (Some(a), Some(b)) => {
            b.x0 < a.x1 - 0.3 * a.size.min(b.size)
                && a.text(page) != b.text(page)
                && a.text(page).chars().next().is_some_and(char::is_alphanumeric)
                && b.text(page).chars().next().is_some_and(char::is_alphanumeric)
        }
        _ => false,
    });
    if !overlapping || grp.len() > 5_000 {
        return Vec::new();
    }
    let mut order = grp.clone();
    order.sort_unstable();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let Some(g) = glyph(i) else { continue };
        let mark = {
            let mut cs = g.text(page).chars();
            let accent = |c: char| matches!(c as u32, 0x02B0..=0x036F) || "¨´¸`^~¯".contains(c);
            cs.next().is_some_and(accent) && cs.next().is_none()
        };
        match runs.last_mut() {
            // (a mark drawn back over the text, e.g. an accent, stays with its run)
            Some(r)
                if mark || r.last().and_then(|&j| glyph(j)).is_some_and(|p| g.x0 >= p.x1 - 0.3 * g.size) =>
            {
                r.push(i)
            }
            _ => runs.push(vec![i]),
        }
    }
    runs.sort_by(|a, b| {
        let x = |r: &Vec<usize>| r.first().and_then(|&i| glyph(i)).map_or(0.0, |g| g.x0);
        x(a).total_cmp(&x(b))
    });
    grp.clear();
    let mut breaks = Vec::new();
    let mut reach = f32::MIN;
    for r in runs {
        let x0 = r.first().and_then(|&i| glyph(i)).map_or(0.0, |g| g.x0);
        if !grp.is_empty() && x0 < reach - 0.3 * glyph(r[0]).map_or(0.0, |g| g.size) {
            breaks.push(grp.len());
        }
        reach = reach.max(r.iter().filter_map(|&i| glyph(i)).map(|g| g.x1).fold(f32::MIN, f32::max));
        grp.extend(r);
    }
    breaks
}

fn new_chunk(x0: f32) -> Chunk {
    Chunk { x0, x1: x0, text: String::new(), flags: Vec::new(), first_word: 0.0, words: Vec::new() }
}

fn push_text(c: &mut Chunk, t: &str, fl: Flags) {
    for ch in t.chars() {
        let ch = if ch.is_whitespace() { ' ' } else { ch };
        if ch == ' ' && (c.text.is_empty() || c.text.ends_with(' ')) {
            continue;
        }
        c.text.push(ch);
        c.flags.push(fl);
    }
}

fn trim_chunk(c: &mut Chunk) {
    while c.text.ends_with(' ') {
        c.text.pop();
        c.flags.pop();
    }
}

/// A list marker at the start of a line: (label, ordered, width of marker in chars).
pub fn list_marker(text: &str) -> Option<(String, bool)> {
    let first = text.split(' ').next()?;
    if first.len() == text.len() && !(first.chars().count() == 1 && "•▪◦●○■\u{F0B7}".contains(first))
    {
        // a marker alone on its line is not a list item (a lone bullet is an empty item)
        return None;
    }
    let bullets = [
        '•', '–', '-', '▪', '◦', '●', '○', '■', '□', '➢', '✓', '*', '·', '\u{F0B7}', '—', '‣', '⁃', '►', '→',
        '✔',
    ];
    let mut cs = first.chars();
    let c0 = cs.next()?;
    if first.chars().count() == 1 && bullets.contains(&c0) {
        return Some((first.to_string(), false));
    }
    if first == "o" && text.len() > 2 {
        // Word's second-level bullet (Courier New "o") is too ambiguous as a word; skip
        return None;
    }
    let body = first.strip_suffix('.').or_else(|| first.strip_suffix(')'))?;
    let body = body.strip_prefix('(').unwrap_or(body);
    if body.is_empty() {
        return None;
    }
    let digits =
        body.split('.').all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()));
    let letter = body.chars().count() == 1 && body.chars().all(|c| c.is_alphabetic() && c.is_lowercase());
    let upper_letter = body.chars().count() == 1 && body.chars().all(|c| c.is_ascii_uppercase());
    let roman = body.len() <= 5 && body.chars().all(|c| matches!(c, 'i' | 'v' | 'x'));
    if digits || letter || roman || (upper_letter && first.ends_with(')')) {
        Some((first.to_string(), true))
    } else {
        None
    }
}

/// A paragraph-like block under construction.
struct Acc {
    text: String,
    flags: Vec<Flags>,
    size: f32,
    x0: f32,
    /// x where continuation lines start (text after a list marker)
    cont_x: f32,
    last: Line,
    lines: usize,
    marker: Option<(String, bool, f32)>,
    /// The marker was typed text (no gap after it): the item may turn out to be a paragraph
    typed: bool,
    page: u32,
    index: u32,
}

/// Join `next` onto a block's text, undoing a line-end hyphenation where the word continues.
fn join_line(text: &mut String, flags: &mut Vec<Flags>, next: &str, next_flags: &[Flags]) {
    let next_first = next.split(' ').next().unwrap_or("");
    let keep_words = ["og", "eller", "and", "or", "samt", "til", "som", "enn", "&"];
    let hyphenated = text.ends_with('-') && {
        let before: Vec<char> = text.chars().rev().skip(1).take(3).collect();
        before.len() == 3
            && before.iter().all(|c| c.is_alphabetic() && c.is_lowercase())
            && next_first.chars().next().is_some_and(|c| c.is_lowercase())
            && !keep_words.contains(&next_first.trim_end_matches([',', '.', ';', ':']))
    };
    if text.ends_with('\u{AD}') || hyphenated {
        text.pop();
        flags.pop();
    } else if text.ends_with('-')
        && text.chars().rev().nth(1).is_some_and(|c| c.is_ascii_digit())
        && next.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        // a range broken after its dash: 13.00- / 13.10
    } else if text.ends_with('-')
        && text.chars().rev().nth(1).is_some_and(|c| c.is_uppercase())
        && text.chars().rev().nth(2).is_some_and(|c| c.is_uppercase())
        && next_first.chars().next().is_some_and(|c| c.is_lowercase())
        && !keep_words.contains(&next_first.trim_end_matches([',', '.', ';', ':']))
    {
        // an acronym compound broken at its hyphen: SMART- / prinsippet
    } else if text.ends_with('-')
        && text.trim_end_matches('-').rsplit(' ').next().is_some_and(|w| (1..=2).contains(&w.chars().count()))
        && next_first.chars().next().is_some_and(|c| c.is_lowercase())
        && !keep_words.contains(&next_first.trim_end_matches([',', '.', ';', ':']))
    {
        // a short prefix broken at its hyphen: e- / meldingssystem
    } else if next.starts_with('_') || (text.ends_with('-') && next.starts_with('/')) {
        // an identifier or address broken before an underscore; `føde-` / `/barselavdelinga`
    } else if !text.is_empty() {
        let prev = flags.last().copied().unwrap_or((false, false));
        let nf = next_flags.first().copied().unwrap_or((false, false));
        text.push(' ');
        flags.push((prev.0 && nf.0, prev.1 && nf.1));
    }
    text.push_str(next);
    flags.extend_from_slice(next_flags);
}

fn emphasis(flags: &[Flags]) -> Vec<Emphasis> {
    let mut out: Vec<Emphasis> = Vec::new();
    let mut i = 0usize;
    while i < flags.len() {
        let f = flags.get(i).copied().unwrap_or((false, false));
        let mut j = i + 1;
        while j < flags.len() && flags.get(j).copied() == Some(f) {
            j += 1;
        }
        if f.0 || f.1 {
            out.push(Emphasis { start: i as u32, end: j as u32, bold: f.0, italic: f.1 });
        }
        i = j;
    }
    out
}

/// Typography of the whole document: body size, heading sizes, line pitch.
pub struct Style {
    pub body: f32,
    heading_sizes: Vec<f32>,
    /// Typical distance between baselines inside a paragraph, as a multiple of the size.
    pub pitch: f32,
    /// The producer hyphenates words at line ends (LaTeX, typst): then it breaks no word
    /// without a hyphen, and a lone word at a narrow cell's edge is a whole word.
    pub hyphenates: bool,
}

impl Style {
    fn heading_level(&self, size: f32) -> Option<u8> {
        if size < self.body * 1.15 {
            return None;
        }
        let rank = self.heading_sizes.iter().position(|s| (s - size).abs() < 0.6).unwrap_or(0);
        Some((rank as u8 + 1).min(6))
    }
}

pub fn style_of(lines: &[Line]) -> Style {
    let mut sizes: BTreeMap<i32, usize> = BTreeMap::new();
    for l in lines {
        let n: usize = l.chunks.iter().map(|c| c.text.len()).sum();
        *sizes.entry((l.size * 2.0).round() as i32).or_default() += n;
    }
    let body = sizes.iter().max_by_key(|(_, n)| **n).map(|(s, _)| *s as f32 / 2.0).unwrap_or(12.0).max(1.0);
    let mut heading_sizes: Vec<f32> = sizes
        .iter()
        .filter(|(s, n)| (**s as f32 / 2.0) >= body * 1.15 && **n > 0)
        .map(|(s, _)| *s as f32 / 2.0)
        .collect();
    heading_sizes.sort_by(|a, b| b.total_cmp(a));
    // line pitch: the smallest frequent distance between consecutive body lines
    let mut pitches: BTreeMap<i32, usize> = BTreeMap::new();
    for w in lines.windows(2) {
        if let [a, b] = w {
            if a.page == b.page && (a.size - body).abs() < 0.6 && (b.size - body).abs() < 0.6 {
                let p = (a.y - b.y) / body;
                if (0.9..2.6).contains(&p) {
                    *pitches.entry((p * 20.0).round() as i32).or_default() += 1;
                }
            }
        }
    }
    let total: usize = pitches.values().sum();
    let pitch = pitches
        .iter()
        .find(|(_, n)| **n * 10 >= total && **n >= 2)
        .map(|(p, _)| *p as f32 / 20.0)
        .unwrap_or(1.2)
        .clamp(1.0, 2.2);
    // words hyphenated at line ends (in any column): `…Brukermed-` / `virkning`, not a
    // suspended `rekrutterings-` / `og` nor a prefix `e-` / `melding`
    let hyphenated = lines
        .windows(2)
        .filter(|w| match w {
            [a, b] => a.chunks.iter().any(|ca| {
                let t = &ca.text;
                let word_end = t.chars().rev().skip(1).take(3).filter(|c| c.is_lowercase()).count() == 3;
                (t.ends_with('\u{AD}') || t.ends_with('-') && word_end)
                    && b.chunks.iter().any(|cb| {
                        let first = cb.text.split(' ').next().unwrap_or("");
                        (cb.x0 - ca.x0).abs() < 0.5 * a.size
                            && first.chars().next().is_some_and(char::is_lowercase)
                            && !["og", "eller", "and", "or", "samt", "til", "som"].contains(&first)
                    })
            }),
            _ => false,
        })
        .count();
    Style { body, heading_sizes, pitch, hyphenates: hyphenated >= 1 }
}

/// Lines → blocks. `right` is the right edge of the text column.
pub fn blocks_from_lines(
    lines: &[Line],
    style: &Style,
    right: f32,
    first_index: u32,
    in_cell: bool,
) -> Vec<Block> {
    let mut out = Vec::new();
    let mut acc: Option<Acc> = None;
    let mut index = first_index;
    let cell_left = lines.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
    // a cell whose producer marks its hyphenation (shown soft hyphens) breaks no word without one
    let marks_hyphens =
        in_cell && lines.iter().any(|l| l.chunks.last().is_some_and(|c| c.text.ends_with('\u{AD}')));
    for line in lines {
        let text = line.text();
        let flags = line.flags();
        let raw_marker = list_marker(&text);
        let base_break = match &acc {
            None => true,
            Some(a) => {
                let prev = &a.last;
                let pitch = prev.y - line.y;
                let fits = prev.x1 + 0.35 * line.size + line.first_word() < right - 0.5 * line.size;
                // in a table cell the right edge is uncertain (padding, lists set narrower):
                // a lower-case line after an unfinished one continues it
                let continues = in_cell
                    && raw_marker.is_none()
                    && text.chars().next().is_some_and(char::is_lowercase)
                    && !a.text.trim_end().ends_with(['.', ':', ';', '!', '?']);
                // (its baseline may also be pulled towards a neighbouring cell's line)
                let gap_break = line.page != prev.page && a.text.ends_with(['.', ':', '!', '?'])
                    || line.page == prev.page
                        && (pitch > style.pitch * 1.3 * prev.size.max(line.size) || pitch < 0.0)
                        && !(continues
                            && pitch > 0.0
                            && pitch < style.pitch * 2.0 * prev.size.max(line.size));
                let fits = fits && !continues;
                let size_break = (prev.size - line.size).abs() > 0.12 * prev.size.max(line.size);
                let prev_end_bold = a.flags.last().is_some_and(|f| f.0);
                let weight_break = (prev.bold() && !line.bold()) || (!prev_end_bold && line.bold());
                let indent = line.x0 > a.cont_x + 0.8 * line.size && (a.marker.is_none() || a.lines > 0);
                // typed "1. text" wrapping back under its number is a paragraph, not a list item
                let typed_wrap = a.typed
                    && a.lines == 1
                    && raw_marker.is_none()
                    && (line.x0 - a.x0).abs() < 0.5 * line.size;
                // (in a cell, a continued line may go back to where the block began: typst sets a
                // cell's `1. Barn og unge …` as a list whose later lines wrap under the number)
                let outdent = line.x0 < a.cont_x - 0.8 * line.size
                    && line.page == prev.page
                    && !typed_wrap
                    && !(continues && line.x0 > a.x0 - 0.5 * line.size);
                // a number alone on a cell's first line, its text below (typst's list in a cell)
                let lone_label = in_cell
                    && a.lines == 1
                    && !a.text.contains(' ')
                    && list_marker(&format!("{} x", a.text)).is_some_and(|(_, ordered)| ordered)
                    && raw_marker.is_none();
                // the next line's first word would have fitted: the previous line ended on purpose
                (gap_break || size_break || weight_break || indent || outdent || fits) && !lone_label
            }
        };
        // a marker counts when it stands apart (own chunk), is a bullet, or the line starts a
        // new block anyway; a dash or number that merely wraps to a line start does not
        let own_chunk = |label: &str| line.chunks.first().is_some_and(|c| c.text == label);
        let marker = raw_marker.clone().filter(|(label, ordered)| {
            // a number typed into a table cell ("3. Brukarmedverknad") is the cell's text
            !(in_cell && *ordered && !own_chunk(label))
        });
        let marker = marker.filter(|(label, _)| {
            base_break
                || line.chunks.first().is_some_and(|c| c.text == *label)
                || label.starts_with(['•', '▪', '●', '\u{F0B7}'])
        });
        let starts_new = base_break || marker.is_some();
        if starts_new {
            if let Some(a) = acc.take() {
                out.push(finish(a, style));
            }
            let (body_text, body_flags, m, cont_x) = match &marker {
                Some((label, ordered)) => {
                    let skip = label.chars().count();
                    let rest: String = text.chars().skip(skip).collect();
                    let lead = rest.len() - rest.trim_start().len();
                    let rest_flags: Vec<Flags> = flags.iter().copied().skip(skip + lead).collect();
                    let own = line.chunks.first().is_some_and(|c| c.text == *label);
                    let cont = match line.chunks.get(1) {
                        Some(c) if own => c.x0,
                        _ => line.x0 + (skip as f32 + 1.0) * 0.5 * line.size,
                    };
                    (
                        rest.trim_start().to_string(),
                        rest_flags,
                        Some((label.clone(), *ordered, line.x0)),
                        cont,
                    )
                }
                // a number typed into a cell, its text hanging after it: lines go on there
                None if in_cell && raw_marker.as_ref().is_some_and(|(_, ordered)| *ordered) => {
                    let hang = line.chunks.first().and_then(|c| c.words.get(1)).map_or(line.x0, |w| w.x0);
                    (text.clone(), flags.clone(), None, hang)
                }
                None => (text.clone(), flags.clone(), None, line.x0),
            };
            acc = Some(Acc {
                text: body_text,
                flags: body_flags,
                size: line.size,
                x0: line.x0,
                cont_x,
                last: line.clone(),
                lines: 1,
                typed: marker
                    .as_ref()
                    .is_some_and(|(l, _)| !own_chunk(l) && !l.starts_with(['•', '▪', '●', '\u{F0B7}'])),
                marker: m,
                page: line.page,
                index,
            });
            index += 1;
        } else if let Some(a) = acc.as_mut() {
            if a.typed && a.lines == 1 && raw_marker.is_none() && (line.x0 - a.x0).abs() < 0.5 * line.size {
                if let Some((label, _, _)) = a.marker.take() {
                    let n = label.chars().count() + 1;
                    let f = a.flags.first().copied().unwrap_or((false, false));
                    a.text = format!("{label} {}", a.text);
                    a.flags.splice(0..0, std::iter::repeat_n(f, n));
                    a.cont_x = line.x0;
                }
            }
            // a word broken inside a narrow table cell
            // (the piece fills the cell's width: a lone word that merely left too little room for
            // the next one, as justified typst cells do, is a word of its own)
            let broken = in_cell
                && !a.last.text().contains(' ')
                && right - a.last.x1 < 0.8 * line.size
                && a.last.x1 - a.last.x0 >= 0.85 * (right - cell_left)
                && !a.text.ends_with('\u{AD}')
                && !marks_hyphens
                && !style.hyphenates
                && text.chars().next().is_some_and(|c| c.is_lowercase() || c == '.');
            if broken {
                a.text.push_str(&text);
                a.flags.extend_from_slice(&flags);
            } else {
                join_line(&mut a.text, &mut a.flags, &text, &flags);
            }
            if a.lines == 1 && a.marker.is_none() {
                a.cont_x = line.x0;
            }
            a.last = line.clone();
            a.lines += 1;
        }
    }
    if let Some(a) = acc.take() {
        out.push(finish(a, style));
    }
    out
}

fn finish(a: Acc, style: &Style) -> Block {
    let pos = Pos { index: a.index, page: Some(a.page) };
    let mut flags = a.flags;
    flags.truncate(a.text.chars().count());
    // a shown soft hyphen that no line join removed is a printed hyphen
    let text = Text { emphasis: emphasis(&flags), text: a.text.replace('\u{AD}', "-") };
    if let Some((label, ordered, x)) = a.marker {
        // level is settled later from the marker's indent
        return Block::ListItem {
            level: (x.max(0.0) / 4.0).min(250.0) as u8,
            label: Some(label),
            ordered,
            text,
            pos,
        };
    }
    if let Some(level) = style.heading_level(a.size) {
        if a.lines <= 3 && text.text.chars().count() < 200 {
            return Block::Heading { level, text, pos };
        }
    }
    let _ = a.x0;
    Block::Paragraph { text, pos }
}

/// Turn list items' raw indents (x / 4 stored in `level`) into nesting levels. Within each run
/// of consecutive list items, distinct indents in ascending order are levels 0, 1, …; a bullet
/// right after an ordered item at the same indent becomes that item's child.
/// Drop empty bullet items that only hold a nested list (a lone `•` followed by a deeper item):
/// the DOCX reader sees the nested item alone. Runs before levels are settled (raw indents).
fn drop_empty_holders(blocks: &mut Vec<Block>) {
    let mut keep = Vec::with_capacity(blocks.len());
    let mut it = std::mem::take(blocks).into_iter().peekable();
    while let Some(b) = it.next() {
        if let Block::ListItem { level, text, .. } = &b {
            let deeper = matches!(it.peek(), Some(Block::ListItem { level: next, .. }) if *next > *level + 2);
            if text.text.is_empty() && deeper {
                continue;
            }
        }
        keep.push(b);
    }
    *blocks = keep;
}

fn settle_list_levels(blocks: &mut [Block]) {
    let mut i = 0;
    while i < blocks.len() {
        if let Some(Block::Table(t)) = blocks.get_mut(i) {
            for r in &mut t.rows {
                for c in &mut r.cells {
                    settle_list_levels(&mut c.blocks);
                }
            }
        }
        if !matches!(blocks.get(i), Some(Block::ListItem { .. })) {
            i += 1;
            continue;
        }
        let mut j = i;
        while matches!(blocks.get(j), Some(Block::ListItem { .. })) {
            j += 1;
        }
        if let Some(run) = blocks.get_mut(i..j) {
            settle_run(run);
        }
        i = j;
    }
}

fn settle_run(run: &mut [Block]) {
    let mut indents: Vec<u8> = run
        .iter()
        .filter_map(|b| if let Block::ListItem { level, .. } = b { Some(*level) } else { None })
        .collect();
    indents.sort_unstable();
    // merge indents closer than 8 pt (2 units)
    let mut clusters: Vec<u8> = Vec::new();
    for i in indents {
        if clusters.last().is_none_or(|&c| i > c + 2) {
            clusters.push(i);
        }
    }
    let mut prev: Option<(u8, bool, u8)> = None; // raw indent, ordered, assigned level
    for b in run.iter_mut() {
        if let Block::ListItem { level, ordered, .. } = b {
            let raw = *level;
            let mut lv = clusters.iter().rposition(|&c| raw + 2 >= c).unwrap_or(0) as u8;
            if let Some((pr, po, pl)) = prev {
                if raw.abs_diff(pr) <= 2 && po && !*ordered {
                    lv = pl + 1;
                } else if raw.abs_diff(pr) <= 2 && !po && !*ordered {
                    lv = pl;
                }
            }
            *level = lv.min(8);
            prev = Some((raw, *ordered, *level));
        }
    }
}

/// Normalised key for running header/footer detection: digits folded, spaces collapsed.
fn running_key(text: &str) -> String {
    let mut k = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !k.ends_with('#') {
                k.push('#');
            }
        } else if !c.is_whitespace() {
            k.extend(c.to_lowercase());
        }
    }
    k
}

fn is_page_number(text: &str) -> bool {
    let t = text.trim().trim_matches(['-', '–', ' ']).to_lowercase();
    let t = t.strip_prefix("side").or_else(|| t.strip_prefix("page")).unwrap_or(&t).trim().to_string();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.split(['/', ' '])
            .filter(|w| !w.is_empty())
            .all(|w| w.chars().all(|c| c.is_ascii_digit()) || w == "av" || w == "of")
}

/// A line a browser or case system prints in the page margin: a URL, a trailing page counter
/// (`… 1/3`, `Side 1 av 3`), or a leading print time stamp (`30.11.2026, 17:36 …`, `11/30/26, 5:40 PM`).
/// `page` and `pages` (1-based number, count) must match a counter, so `sak 17/25` is no counter.
fn is_browser_furniture(text: &str, page: usize, pages: usize) -> bool {
    let t = text.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let url = words.iter().any(|w| w.contains("://") || w.starts_with("www."));
    let counter = |w: &str| {
        let mut p = w.split('/');
        matches!((p.next(), p.next(), p.next()), (Some(a), Some(b), None)
            if !a.is_empty() && !b.is_empty() && a.len() <= 3 && b.len() <= 3
                && a.parse::<usize>().ok() == Some(page) && b.parse::<usize>().ok() == Some(pages))
    };
    let last_counter = words.last().is_some_and(|w| counter(w));
    let side = {
        let l = t.to_lowercase();
        words.len() >= 4
            && (l.contains("side ") && l.contains(" av ") || l.contains("page ") && l.contains(" of "))
            && words
                .iter()
                .rev()
                .take(3)
                .filter(|w| w.parse::<usize>().is_ok_and(|v| v == page || v == pages))
                .count()
                == 2
    };
    let stamp = {
        let first = words.first().map_or("", |w| w.trim_end_matches(','));
        let second = words.get(1).copied().unwrap_or("");
        let date_like = first.len() >= 6
            && first.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '/' || c == '-')
            && first.chars().filter(|c| !c.is_ascii_digit()).count() == 2;
        let time_like = second.len() >= 4
            && second.contains(':')
            && second.chars().all(|c| c.is_ascii_digit() || c == ':');
        date_like && time_like
    };
    url || last_counter || side || stamp
}

/// Remove running headers and footers from the pages' lines; returns (headers, footers) text.
fn strip_running(pages: &mut [Vec<Line>], heights: &[f32]) -> (Vec<String>, Vec<String>) {
    let n = pages.len();
    let mut headers = Vec::new();
    let mut footers = Vec::new();
    if n == 0 {
        return (headers, footers);
    }
    // candidates: the first and last two lines of a page, within 12 % of the page height;
    // with few pages the text must repeat exactly (page numbers aside)
    let few = n <= 3;
    let key = running_key;
    let band = |i: usize, len: usize, l: &Line, h: f32| -> (bool, bool) {
        let band = (h * 0.12).max(90.0);
        (i < 2 && l.y > h - band, i + 2 >= len && l.y < band)
    };
    let mut counts: BTreeMap<(bool, String), usize> = BTreeMap::new();
    for (p, lines) in pages.iter().enumerate() {
        let h = heights.get(p).copied().unwrap_or(792.0);
        let mut seen = std::collections::BTreeSet::new();
        for (i, l) in lines.iter().enumerate() {
            let (top, bottom) = band(i, lines.len(), l, h);
            if top || bottom {
                seen.insert((top, key(&l.text())));
            }
        }
        for k in seen {
            *counts.entry(k).or_default() += 1;
        }
    }
    let needed = if few { n } else { (n * 2).div_ceil(3) };
    for (p, lines) in pages.iter_mut().enumerate() {
        let h = heights.get(p).copied().unwrap_or(792.0);
        let len = lines.len();
        let mut keep = Vec::with_capacity(len);
        for (i, l) in lines.drain(..).enumerate() {
            let (top, bottom) = band(i, len, &l, h);
            let text = l.text();
            let repeated =
                (top || bottom) && n >= 2 && counts.get(&(top, key(&text))).is_some_and(|&c| c >= needed);
            let number = (top || bottom) && (is_page_number(&text) || is_browser_furniture(&text, p + 1, n));
            if repeated || number {
                let list = if top { &mut headers } else { &mut footers };
                if !number && !list.contains(&text) {
                    list.push(text);
                }
                continue;
            }
            keep.push(l);
        }
        *lines = keep;
    }
    (headers, footers)
}

/// The right edge of the text column: the largest line end among the longer lines.
fn right_edge(lines: &[Line]) -> f32 {
    let mut ends: Vec<f32> = lines.iter().filter(|l| l.text().chars().count() > 25).map(|l| l.x1).collect();
    ends.sort_by(f32::total_cmp);
    let n = ends.len();
    ends.get(n.saturating_sub(1 + n / 20))
        .copied()
        .or_else(|| lines.iter().map(|l| l.x1).reduce(f32::max))
        .unwrap_or(0.0)
}

/// One item of a page in reading order.
enum Item {
    Lines(Vec<Line>),
    Table(crate::model::Table, u32),
}

/// Build the document's blocks from the interpreted pages.
pub fn build(pages: &[Page], doc: &mut Document) {
    // lines per page, running headers/footers off, then the tables
    let mut page_lines: Vec<Vec<Line>> = Vec::with_capacity(pages.len());
    let mut page_rules = Vec::with_capacity(pages.len());
    for (i, p) in pages.iter().enumerate() {
        let rules = tables::Rules::from_page(p);
        page_lines.push(page_lines_of(p, i as u32 + 1, &rules.vertical_spans()));
        page_rules.push(rules);
    }
    if std::env::var_os("SAKSFLYT_PDF_DEBUG").is_some() {
        for l in page_lines.iter().flatten() {
            let xs: Vec<String> = l.chunks.iter().map(|c| format!("{:.1}-{:.1}", c.x0, c.x1)).collect();
            eprintln!("p{} y{:.1} s{:.1} [{}] {}", l.page, l.y, l.size, xs.join(" "), l.text());
        }
    }
    let heights: Vec<f32> = pages.iter().map(|p| p.height).collect();
    let (headers, footers) = strip_running(&mut page_lines, &heights);
    let all: Vec<Line> = page_lines.iter().flatten().cloned().collect();
    let style = style_of(&all);
    let right = right_edge(&all);
    drop(all);
    let mut page_tables: Vec<Vec<tables::Found>> = Vec::with_capacity(pages.len());
    for (i, (lines, rules)) in page_lines.iter_mut().zip(&page_rules).enumerate() {
        page_tables.push(tables::find(lines, rules, &style, i as u32 + 1));
    }

    let mut items: Vec<Item> = Vec::new();
    for (lines, found) in page_lines.into_iter().zip(page_tables) {
        // interleave lines and tables by vertical position
        let mut found = found.into_iter().peekable();
        let mut run: Vec<Line> = Vec::new();
        for l in lines {
            while found.peek().is_some_and(|t| t.top >= l.y) {
                if let Some(t) = found.next() {
                    if !run.is_empty() {
                        items.push(Item::Lines(std::mem::take(&mut run)));
                    }
                    items.push(Item::Table(t.table, t.page));
                }
            }
            run.push(l);
        }
        if !run.is_empty() {
            items.push(Item::Lines(run));
        }
        for t in found {
            items.push(Item::Table(t.table, t.page));
        }
    }
    // join runs of lines across page breaks so paragraphs may continue
    let mut merged: Vec<Item> = Vec::new();
    for it in items {
        match (merged.last_mut(), it) {
            (Some(Item::Lines(prev)), Item::Lines(next)) => prev.extend(next),
            (Some(Item::Table(prev, _)), Item::Table(next, page)) => {
                if !tables::continue_table(prev, &next) {
                    merged.push(Item::Table(next, page));
                }
            }
            (_, it) => merged.push(it),
        }
    }
    let mut blocks = Vec::new();
    let mut index = 0u32;
    for it in merged {
        match it {
            Item::Lines(lines) => {
                let b = blocks_from_lines(&lines, &style, right, index, false);
                index += b.len() as u32;
                blocks.extend(b);
            }
            Item::Table(mut t, page) => {
                t.pos = Pos { index, page: Some(page) };
                index += 1;
                blocks.push(Block::Table(t));
            }
        }
    }
    drop_empty_holders(&mut blocks);
    settle_list_levels(&mut blocks);
    doc.blocks = super::lists::repair(blocks);
    doc.headers =
        headers.into_iter().map(|t| Block::Paragraph { text: Text::plain(t), pos: Pos::default() }).collect();
    doc.footers =
        footers.into_iter().map(|t| Block::Paragraph { text: Text::plain(t), pos: Pos::default() }).collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(a: &str, b: &str) -> String {
        let mut t = a.to_string();
        let mut f = vec![(false, false); a.chars().count()];
        join_line(&mut t, &mut f, b, &vec![(false, false); b.chars().count()]);
        assert_eq!(f.len(), t.chars().count());
        t
    }

    #[test]
    fn line_joins() {
        let cases = [
            ("ny samhandlings-", "avtale om", "ny samhandlingsavtale om"),
            ("Rekrutterings-", "og samhandling", "Rekrutterings- og samhandling"),
            ("kl. 13.00-", "13.10", "kl. 13.00-13.10"),
            ("etter SMART-", "prinsippet", "etter SMART-prinsippet"),
            ("nedetid på e-", "meldingssystem", "nedetid på e-meldingssystem"),
            ("vanlig linje", "fortsetter her", "vanlig linje fortsetter her"),
            ("Fjord-", "Byen", "Fjord- Byen"),
        ];
        for (a, b, want) in cases {
            assert_eq!(joined(a, b), want, "{a:?} + {b:?}");
        }
    }

    #[test]
    fn browser_margin_lines() {
        // (text, page, pages, furniture?)
        for (t, p, n, want) in [
            ("file:///tmp/html/ssu-protokoll.html 1/3", 1, 3, true),
            ("https://saker.example.no/sak/123", 1, 1, true),
            ("30.11.2026, 17:36 Møteprotokoll SSU", 1, 2, true),
            ("11/30/26, 5:40 PM Saksframlegg", 1, 1, true),
            ("Side 2 av 3", 2, 3, true),
            ("Vedlegg til sak 17/25", 1, 2, false),
            ("Sak 2/3 er utsett", 2, 3, false),
            ("Møtedato: 10.09.2025 kl. 09.00", 1, 1, false),
        ] {
            assert_eq!(is_browser_furniture(t, p, n), want, "{t}");
        }
    }

    #[test]
    fn list_markers() {
        let cases = [
            ("1. Innkalling godkjennes", Some(("1.", true))),
            ("a) kartlegge", Some(("a)", true))),
            ("iii. Manglende epikrise", Some(("iii.", true))),
            ("2.1 Felles forløp", None),
            ("• Utvalgsstruktur", Some(("•", false))),
            ("– omtrent fem prosent", Some(("–", false))),
            ("•", Some(("•", false))),
            ("1.", None),
            ("Sak: 18/24", None),
            ("19.06.2024 kl. 13", None),
        ];
        for (text, want) in cases {
            let got = list_marker(text);
            assert_eq!(got.as_ref().map(|(l, o)| (l.as_str(), *o)), want, "{text:?}");
        }
    }
}
