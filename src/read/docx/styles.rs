//! Paragraph and character styles (styles.xml) and theme colours (theme1.xml).
//!
//! Styles are resolved through `w:basedOn` chains (bounded, loop-safe) for what the block model
//! needs: the heading level a paragraph style gives, the numbering it carries (`w:numPr` in the
//! style), bold/italic/hidden run properties, and the style name for localised heading names.

use super::xml::{on_off, Element};
use crate::util::QuickBuild;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// Longest `basedOn` chain followed.
const MAX_CHAIN: usize = 32;

/// One style as declared (not yet resolved).
#[derive(Debug, Default, Clone)]
pub struct Style {
    pub name: String,
    pub based_on: Option<String>,
    pub outline_lvl: Option<u8>,
    /// `w:numPr` in the style's pPr: (numId, ilvl).
    pub num_id: Option<String>,
    pub ilvl: Option<u8>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub vanish: Option<bool>,
}

/// All styles by styleId, plus the default paragraph style.
#[derive(Debug, Default)]
pub struct Styles {
    by_id: BTreeMap<String, Style>,
    default_para: Option<String>,
    /// What [`Styles::heading_level`], [`Styles::run_style`] and [`Styles::numbering`] said of
    /// each style id asked,
    /// so that a chain is resolved once per document, not once per paragraph and run.
    levels: RefCell<HashMap<String, Option<u8>, QuickBuild>>,
    runs: RefCell<HashMap<String, RunStyle, QuickBuild>>,
    nums: RefCell<HashMap<String, Option<StyleNumbering>, QuickBuild>>,
}

/// The numbering a paragraph style carries: `w:numId`, and `w:ilvl` when the style gives it.
pub type StyleNumbering = (String, Option<u8>);

/// Bold/italic/hidden as set by a style chain (`None`: the chain does not say).
#[derive(Debug, Default, Clone, Copy)]
pub struct RunStyle {
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub vanish: Option<bool>,
}

impl Styles {
    pub fn parse(root: Element<'_>) -> Styles {
        let mut s = Styles::default();
        for st in root.children_named("style") {
            let Some(id) = st.attr("styleId") else { continue };
            let ppr = st.child("pPr");
            let rpr = st.child("rPr");
            let num = ppr.and_then(|p| p.child("numPr"));
            let style = Style {
                name: st.child_val("name").unwrap_or(id).to_string(),
                based_on: st.child_val("basedOn").map(str::to_string),
                outline_lvl: ppr.and_then(|p| p.child_val("outlineLvl")).and_then(|v| v.trim().parse().ok()),
                num_id: num.and_then(|n| n.child_val("numId")).map(|v| v.trim().to_string()),
                ilvl: num.and_then(|n| n.child_val("ilvl")).and_then(|v| v.trim().parse().ok()),
                bold: on_off(rpr.and_then(|r| r.child("b"))),
                italic: on_off(rpr.and_then(|r| r.child("i"))),
                vanish: on_off(rpr.and_then(|r| r.child("vanish"))),
            };
            if st.attr("type") == Some("paragraph") {
                let is_default = matches!(st.attr("default"), Some("1" | "true" | "on"));
                if is_default && s.default_para.is_none() {
                    s.default_para = Some(id.to_string());
                }
            }
            s.by_id.entry(id.to_string()).or_insert(style);
        }
        s
    }

    /// The style chain from `id` up through `basedOn` (the style itself first).
    fn chain(&self, id: &str) -> Vec<&Style> {
        let mut out: Vec<&Style> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            if seen.contains(&c) || out.len() >= MAX_CHAIN {
                break;
            }
            seen.push(c);
            let Some(st) = self.by_id.get(c) else { break };
            out.push(st);
            cur = st.based_on.as_deref();
        }
        out
    }

    /// The paragraph style id in effect: the given one or the document default.
    pub fn para_style<'s>(&'s self, id: Option<&'s str>) -> Option<&'s str> {
        id.or(self.default_para.as_deref())
    }

    /// The heading level (1–6) a paragraph style gives, from its name (own or inherited) or
    /// its outline level.
    pub fn heading_level(&self, id: &str) -> Option<u8> {
        if let Some(known) = self.levels.borrow().get(id) {
            return *known;
        }
        let level = self.resolve_heading_level(id);
        self.levels.borrow_mut().insert(id.to_string(), level);
        level
    }

    fn resolve_heading_level(&self, id: &str) -> Option<u8> {
        if let Some(l) = heading_from_name(id) {
            return Some(l);
        }
        let chain = self.chain(id);
        if let Some(first) = chain.first() {
            if let Some(l) = heading_from_name(&first.name) {
                return Some(l);
            }
        }
        for st in &chain {
            if let Some(l) = st.outline_lvl {
                return (l < 6).then_some(l + 1);
            }
            if let Some(l) = heading_from_name(&st.name) {
                return Some(l);
            }
        }
        None
    }

    /// The numbering a paragraph style carries: (numId, ilvl if given), nearest in the chain.
    pub fn numbering(&self, id: &str) -> Option<StyleNumbering> {
        if let Some(known) = self.nums.borrow().get(id) {
            return known.clone();
        }
        let chain = self.chain(id);
        let found =
            chain.iter().find_map(|s| s.num_id.clone()).map(|num| (num, chain.iter().find_map(|s| s.ilvl)));
        self.nums.borrow_mut().insert(id.to_string(), found.clone());
        found
    }

    /// Bold/italic/hidden from a style chain (nearest setting wins).
    pub fn run_style(&self, id: Option<&str>) -> RunStyle {
        let Some(id) = id else { return RunStyle::default() };
        if let Some(known) = self.runs.borrow().get(id) {
            return *known;
        }
        let chain = self.chain(id);
        let style = RunStyle {
            bold: chain.iter().find_map(|s| s.bold),
            italic: chain.iter().find_map(|s| s.italic),
            vanish: chain.iter().find_map(|s| s.vanish),
        };
        self.runs.borrow_mut().insert(id.to_string(), style);
        style
    }
}

/// Heading level from a style name or id: `heading 1`, `Heading1`, `Overskrift 2` (nb/nn/da),
/// `Überschrift 3`, `Rubrik 1` (sv), `Otsikko 1` (fi), `Titre 1`, `Kop 1`, `Title`/`Tittel` → 1.
pub fn heading_from_name(name: &str) -> Option<u8> {
    let lower = name.trim().to_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(compact.as_str(), "title" | "tittel" | "titel" | "titre" | "otsikko") {
        return Some(1);
    }
    for prefix in ["heading", "overskrift", "überschrift", "rubrik", "otsikko", "titre", "kop", "titolo"] {
        if let Some(rest) = compact.strip_prefix(prefix) {
            if let Ok(n) = rest.parse::<u8>() {
                if (1..=6).contains(&n) {
                    return Some(n);
                }
                if (7..=9).contains(&n) {
                    return Some(6);
                }
            }
        }
    }
    None
}

/// Theme colour scheme (theme1.xml `a:clrScheme`): scheme name → `RRGGBB`.
#[derive(Debug, Default)]
pub struct Theme {
    colours: BTreeMap<String, String>,
}

impl Theme {
    pub fn parse(root: Element<'_>) -> Theme {
        let mut found = Vec::new();
        root.find_all("clrScheme", &mut found);
        let mut colours = BTreeMap::new();
        if let Some(scheme) = found.first() {
            for c in scheme.elements() {
                let value = c
                    .child("srgbClr")
                    .and_then(|s| s.attr("val"))
                    .or_else(|| c.child("sysClr").and_then(|s| s.attr("lastClr")));
                if let Some(v) = value.and_then(hex6) {
                    colours.insert(c.name().to_string(), v);
                }
            }
        }
        Theme { colours }
    }

    /// Resolve a `w:themeFill` value (`accent1`, `background1`, …) with optional tint/shade
    /// (hex bytes) to `RRGGBB`.
    pub fn resolve(&self, theme: &str, tint: Option<&str>, shade: Option<&str>) -> Option<String> {
        let key = match theme {
            "dark1" | "text1" => "dk1",
            "light1" | "background1" => "lt1",
            "dark2" | "text2" => "dk2",
            "light2" | "background2" => "lt2",
            "hyperlink" => "hlink",
            "followedHyperlink" => "folHlink",
            other => other,
        };
        let base = self.colours.get(key)?;
        let mut rgb = [0u8; 3];
        for (i, slot) in rgb.iter_mut().enumerate() {
            *slot = u8::from_str_radix(base.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        let byte = |s: Option<&str>| s.and_then(|v| u8::from_str_radix(v.trim(), 16).ok());
        if let Some(t) = byte(tint) {
            let f = f64::from(t) / 255.0;
            for c in &mut rgb {
                *c = (f64::from(*c) * f + 255.0 * (1.0 - f)).round().clamp(0.0, 255.0) as u8;
            }
        }
        if let Some(s) = byte(shade) {
            let f = f64::from(s) / 255.0;
            for c in &mut rgb {
                *c = (f64::from(*c) * f).round().clamp(0.0, 255.0) as u8;
            }
        }
        Some(format!("{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2]))
    }
}

/// `RRGGBB` (upper case) when `s` is six hex digits.
pub fn hex6(s: &str) -> Option<String> {
    let s = s.trim().trim_start_matches('#');
    (s.len() == 6 && s.chars().all(|c| c.is_ascii_hexdigit())).then(|| s.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names() {
        let cases: &[(&str, Option<u8>)] = &[
            ("heading 1", Some(1)),
            ("Heading2", Some(2)),
            ("Overskrift 3", Some(3)),
            ("overskrift6", Some(6)),
            ("Title", Some(1)),
            ("Tittel", Some(1)),
            ("Überschrift 2", Some(2)),
            ("Normal", None),
            ("heading", None),
            ("Overskrift 0", None),
            ("Body Text", None),
        ];
        for (name, want) in cases {
            assert_eq!(heading_from_name(name), *want, "{name}");
        }
    }

    #[test]
    fn theme_tint_and_shade() {
        let mut t = Theme::default();
        t.colours.insert("accent6".into(), "70AD47".into());
        t.colours.insert("lt1".into(), "FFFFFF".into());
        assert_eq!(t.resolve("accent6", None, None).as_deref(), Some("70AD47"));
        assert_eq!(t.resolve("background1", None, Some("D9")).as_deref(), Some("D9D9D9"));
        assert_eq!(t.resolve("accent6", Some("99"), None).as_deref(), Some("A9CE91"));
        assert_eq!(t.resolve("accent9", None, None), None);
    }
}
