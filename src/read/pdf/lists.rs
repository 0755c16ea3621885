//! List repair on the PDF reader's blocks: a PDF has no list structure, so a line break can cut a
//! numbered point in two (`2. Saka vert følgd opp i møte` / `11.02.2026.`) and a narrow layout can
//! put two points on one line (`… til orientering. 2. SSU ber …`). This pass, run after layout,
//! rejoins a wrapped continuation to the point above it and splits a line where the next label of
//! the sequence starts a new sentence. Points are list items, or paragraphs that start with an
//! ordered label (extraction reads those as points too).

use crate::model::{Block, Text};
use crate::read::text::ordered_label;
use crate::util::fold;

/// Rejoin wrapped points and split lines that hold two points.
pub fn repair(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for b in blocks {
        match b {
            Block::Paragraph { text, pos } => {
                let folded = fold(&text.text);
                if let Some((label, rest)) = ordered_label(&folded) {
                    let rest = rest.to_string();
                    for (label, piece) in split_items(label, rest) {
                        out.push(Block::Paragraph { text: Text::plain(format!("{label} {piece}")), pos });
                    }
                    continue;
                }
                if !folded.is_empty() {
                    if let Some(prev) = last_point_text(&mut out) {
                        if continues(prev, &folded) {
                            let joined = format!("{} {folded}", prev.text.trim_end());
                            prev.text = joined;
                            continue;
                        }
                    }
                }
                out.push(Block::Paragraph { text, pos });
            }
            Block::ListItem { level, label: Some(label), ordered: true, text, pos } => {
                let pieces = split_items(label, fold(&text.text));
                if pieces.len() == 1 {
                    let label = pieces.into_iter().next().map(|(l, _)| l);
                    out.push(Block::ListItem { level, label, ordered: true, text, pos });
                    continue;
                }
                for (label, piece) in pieces {
                    out.push(Block::ListItem {
                        level,
                        label: Some(label),
                        ordered: true,
                        text: Text::plain(piece),
                        pos,
                    });
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The text of the last block when it is a point (page breaks and empty paragraphs passed over).
fn last_point_text(out: &mut [Block]) -> Option<&mut Text> {
    let last = out.iter_mut().rev().find(|b| match b {
        Block::PageBreak { .. } => false,
        Block::Paragraph { text, .. } => !fold(&text.text).is_empty(),
        _ => true,
    })?;
    match last {
        Block::ListItem { text, .. } => Some(text),
        Block::Paragraph { text, .. } if ordered_label(&fold(&text.text)).is_some() => Some(text),
        _ => None,
    }
}

/// Whether `line` continues the point `prev`: it starts in lower case, or it is the last few
/// words of a sentence the point left open (`Romsdal.`, `11.02.2026.`).
fn continues(prev: &Text, line: &str) -> bool {
    let lower = line.chars().next().is_some_and(|c| c.is_lowercase());
    let open = !prev.text.trim_end().ends_with(['.', ':', ';', '!', '?']);
    let tail = line.split(' ').count() <= 3
        && (line.chars().next().is_some_and(|c| c.is_ascii_digit()) || line.ends_with(['.', ';']));
    lower || (open && tail)
}

/// `text` (which follows `label`) cut where the next labels of the sequence start new sentences.
fn split_items(mut label: String, mut rest: String) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while let Some((head, next, tail)) = split_next_item(&rest, &label) {
        out.push((std::mem::replace(&mut label, next), head));
        rest = tail;
    }
    out.push((label, rest));
    out
}

/// The label after `label` (`2.` after `1.`, `b.` after `a.`), if it has one.
fn next_label(label: &str) -> Option<String> {
    let (core, punct) = label.split_at(label.len().checked_sub(1)?);
    if !matches!(punct, "." | ")") {
        return None;
    }
    if let Ok(n) = core.parse::<u32>() {
        return Some(format!("{}{punct}", n + 1));
    }
    let mut chars = core.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_lowercase() && c != 'z' => {
            Some(format!("{}{punct}", (c as u8 + 1) as char))
        }
        _ => None,
    }
}

/// Split `text` where the next label of the sequence starts a new sentence:
/// `(text before, next label, text after)`.
fn split_next_item(text: &str, label: &str) -> Option<(String, String, String)> {
    let next = next_label(label)?;
    let needle = format!(" {next} ");
    let at = text.find(&needle)?;
    let before = text[..at].trim_end();
    let after = text[at + needle.len()..].trim_start();
    let ends_sentence =
        before.ends_with(['.', ':', ';', '!', '?']) || !next.starts_with(|c: char| c.is_ascii_digit());
    (ends_sentence && after.chars().next().is_some_and(char::is_alphabetic) && !before.is_empty())
        .then(|| (before.to_string(), next, after.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::flatten;
    use crate::model::{Document, Format, Pos};

    fn para(s: &str) -> Block {
        Block::Paragraph { text: Text::plain(s), pos: Pos::default() }
    }

    fn repaired(blocks: Vec<Block>) -> Document {
        let mut doc = Document::new(Format::Pdf);
        doc.blocks = repair(blocks);
        doc
    }

    #[test]
    fn wrapped_points_rejoin_and_two_points_on_a_line_split() {
        let doc = repaired(vec![
            para("1. Utvalet ber kommunane om å gå gjennom"),
            para("rutinane sine."),
            para("2. Saka vert følgd opp i møte"),
            para("11.02.2026."),
            para("Side 1 av 2"),
            para("Bakgrunn"),
        ]);
        let flat = flatten(&doc);
        let got: Vec<(bool, &str)> = flat.lines.iter().map(|l| (l.is_item(), l.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (true, "Utvalet ber kommunane om å gå gjennom rutinane sine."),
                (true, "Saka vert følgd opp i møte 11.02.2026."),
                (false, "Bakgrunn"),
            ]
        );
        let two = repaired(vec![para("1. Saka vert teken til orientering. 2. SSU ber om a. status b. plan")]);
        let texts: Vec<String> = flatten(&two).lines.iter().map(|l| l.text.clone()).collect();
        assert_eq!(texts, vec!["Saka vert teken til orientering.", "SSU ber om a. status b. plan"]);
    }
}
