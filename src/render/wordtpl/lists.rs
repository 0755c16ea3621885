//! `{% li level %}`: a paragraph with Word numbering (its own `w:numPr` or its style's, e.g.
//! *List Number*) repeated by a `{%p for %}` loop becomes a list item at `level`, and every list
//! starts again at its first number. After rendering, each marked paragraph gets `w:ilvl` from
//! its tag; a *list* is a run of marked paragraphs in one container (the body, a cell, a text
//! box) — any other paragraph, a table or the container's end closes it. Each list gets its own
//! `w:num` instance of the template's numbering (same abstract definition, so the user's number
//! format, indents and fonts stay) with a `w:startOverride` per level; a sub-list under an item
//! of another numbering (numbered points under a bullet) gets its own instance too, as Word would
//! otherwise continue its count. Bullet levels (no counter) keep the template's instance. New
//! ids follow the highest existing one in document order, so output is deterministic.

use super::template::{Tag, LI_MARK};
use super::xml::{Elem, Node};
use std::collections::BTreeMap;

/// The numbering and styles parts of a package, parsed, with the ids handed out so far.
pub struct Numbering {
    /// `word/numbering.xml` (or wherever the main part's relationship points), parsed; the
    /// template's own, until [`Numbering::finished`] puts the added instances in.
    root: Option<Elem>,
    styles: Option<Elem>,
    /// [`Numbering::style_size`] of each style asked for, as found (column fitting asks for every
    /// paragraph it measures; the styles do not change).
    sizes: std::cell::RefCell<std::collections::HashMap<String, Option<u32>>>,
    next_id: u64,
    /// The instances [`Numbering::restart`] made, in order, ids from `first_added` on: kept
    /// apart from `root` so a lookup is an index, not a search through every list of the
    /// document (a report restarts a list per case: thousands of instances), and kept as the
    /// markup they are written as (a tenth of a tree's memory).
    added: Vec<Added>,
    first_added: u64,
    changed: bool,
}

/// An instance made by [`Numbering::restart`]: its `w:abstractNumId` and its markup.
struct Added {
    abstract_id: Option<String>,
    xml: String,
}

/// Where a marked paragraph's numbering problem is.
pub struct ListProblem {
    pub tag: usize,
    pub reason: String,
}

impl Numbering {
    pub fn new(numbering: Option<Elem>, styles: Option<Elem>) -> Numbering {
        let next_id = numbering
            .as_ref()
            .and_then(list_root)
            .map(|l| l.elems().filter(|e| e.name == "w:num").filter_map(num_id).max().unwrap_or(0) + 1)
            .unwrap_or(1);
        Numbering {
            root: numbering,
            styles,
            sizes: Default::default(),
            next_id,
            added: Vec::new(),
            first_added: next_id,
            changed: false,
        }
    }

    /// The numbering part as it is to be written: the template's with the added instances after
    /// its last `w:num` or `w:abstractNum` (in the order they were made).
    pub fn finished(&mut self) -> Option<&Elem> {
        if !self.added.is_empty() {
            if let Some(root) = self.root.as_mut().and_then(list_root_mut) {
                let at = root
                    .children
                    .iter()
                    .rposition(
                        |n| matches!(n, Node::Elem(e) if e.name == "w:num" || e.name == "w:abstractNum"),
                    )
                    .map(|i| i + 1)
                    .unwrap_or(root.children.len());
                let added = std::mem::take(&mut self.added).into_iter().map(|a| Node::Raw(a.xml));
                root.children.splice(at..at, added);
            }
            self.first_added = self.next_id;
        }
        self.root.as_ref()
    }

    /// Whether new numbering instances were added (the part must be written back).
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// The numbering instance a paragraph uses: its own `w:numPr`, else its style's (following
    /// `w:basedOn`), else the default paragraph style's.
    fn base_of(&self, p: &Elem) -> Option<u64> {
        let ppr = p.child("w:pPr");
        if let Some(id) = ppr.and_then(|pr| pr.child("w:numPr")).and_then(|n| n.child("w:numId")) {
            return id.attr("w:val").and_then(|v| v.parse().ok()).filter(|v| *v > 0);
        }
        let styles = self.styles.as_ref().and_then(list_root)?;
        let mut style = match ppr.and_then(|pr| pr.child("w:pStyle")).and_then(|s| s.attr("w:val")) {
            Some(id) => styles.elems().find(|s| s.name == "w:style" && s.attr("w:styleId") == Some(id)),
            None => styles.elems().find(|s| {
                s.name == "w:style"
                    && s.attr("w:type") == Some("paragraph")
                    && matches!(s.attr("w:default"), Some("1" | "true" | "on"))
            }),
        };
        for _ in 0..20 {
            let s = style?;
            if let Some(id) =
                s.child("w:pPr").and_then(|pr| pr.child("w:numPr")).and_then(|n| n.child("w:numId"))
            {
                return id.attr("w:val").and_then(|v| v.parse().ok()).filter(|v| *v > 0);
            }
            let based = s.child("w:basedOn").and_then(|b| b.attr("w:val"))?;
            style = styles.elems().find(|x| x.name == "w:style" && x.attr("w:styleId") == Some(based));
        }
        None
    }

    fn added(&self, id: u64) -> Option<&Added> {
        let i = usize::try_from(id.checked_sub(self.first_added)?).ok()?;
        self.added.get(i)
    }

    /// Instance `id` as an element (an added one read back from its markup).
    fn num(&self, id: u64) -> Option<Elem> {
        if let Some(a) = self.added(id) {
            return super::xml::parse(&a.xml).ok()?.elems().next().cloned();
        }
        list_root(self.root.as_ref()?)?.elems().find(|e| e.name == "w:num" && num_id(e) == Some(id)).cloned()
    }

    /// The abstract numbering instance `id` refers to.
    fn abstract_id(&self, id: u64) -> Option<&str> {
        if let Some(a) = self.added(id) {
            return a.abstract_id.as_deref();
        }
        let num =
            list_root(self.root.as_ref()?)?.elems().find(|e| e.name == "w:num" && num_id(e) == Some(id))?;
        num.child("w:abstractNumId")?.attr("w:val")
    }

    fn abstract_of(&self, id: u64) -> Option<&Elem> {
        let a = self.abstract_id(id)?;
        list_root(self.root.as_ref()?)?
            .elems()
            .find(|e| e.name == "w:abstractNum" && e.attr("w:abstractNumId") == Some(a))
    }

    /// The left indent and the hanging indent (twips) of level `lvl` of numbering instance `id`,
    /// as its definition gives them (`w:ind` `w:left`/`w:start`, `w:hanging`).
    pub fn level_indent(&self, id: u64, lvl: u8) -> Option<(u32, u32)> {
        let ind = self
            .abstract_of(id)?
            .elems()
            .find(|l| l.name == "w:lvl" && l.attr("w:ilvl") == Some(&lvl.to_string()))?
            .child("w:pPr")?
            .child("w:ind")?;
        let left = ind.attr("w:left").or_else(|| ind.attr("w:start"))?.parse().ok()?;
        let hanging = ind.attr("w:hanging").and_then(|v| v.parse().ok()).unwrap_or(0);
        Some((left, hanging))
    }

    /// The font size (half-points) of paragraph style `id` (following `w:basedOn`), or of the
    /// document's defaults.
    pub fn style_size(&self, id: Option<&str>) -> Option<u32> {
        let Some(id) = id else { return self.find_style_size(None) };
        if let Some(size) = self.sizes.borrow().get(id) {
            return *size;
        }
        let size = self.find_style_size(Some(id));
        self.sizes.borrow_mut().insert(id.to_string(), size);
        size
    }

    /// [`Numbering::style_size`], searched.
    fn find_style_size(&self, id: Option<&str>) -> Option<u32> {
        let styles = self.styles.as_ref().and_then(list_root)?;
        let size = |e: &Elem| -> Option<u32> { e.child("w:rPr")?.child("w:sz")?.attr("w:val")?.parse().ok() };
        let mut style =
            id.and_then(|id| styles.elems().find(|s| s.name == "w:style" && s.attr("w:styleId") == Some(id)));
        for _ in 0..20 {
            let Some(s) = style else { break };
            if let Some(sz) = size(s) {
                return Some(sz);
            }
            let based = s.child("w:basedOn").and_then(|b| b.attr("w:val"));
            style = based
                .and_then(|b| styles.elems().find(|x| x.name == "w:style" && x.attr("w:styleId") == Some(b)));
        }
        styles.child("w:docDefaults")?.child("w:rPrDefault").and_then(size)
    }

    /// Whether level `lvl` of instance `id` counts (a number format, not a bullet or nothing).
    fn counts(&self, id: u64, lvl: u8) -> bool {
        let fmt = self
            .abstract_of(id)
            .and_then(|a| a.elems().find(|l| l.name == "w:lvl" && l.attr("w:ilvl") == Some(&lvl.to_string())))
            .and_then(|l| l.child("w:numFmt"))
            .and_then(|f| f.attr("w:val"));
        !matches!(fmt, Some("bullet" | "none"))
    }

    /// A new instance of `base` that starts every level at its first number.
    fn restart(&mut self, base: u64) -> u64 {
        let Some(num) = self.num(base) else { return base };
        let starts: Vec<(String, String)> = self
            .abstract_of(base)
            .map(|a| {
                a.elems()
                    .filter(|l| l.name == "w:lvl")
                    .filter_map(|l| {
                        let k = l.attr("w:ilvl")?.to_string();
                        let start = l.child("w:start").and_then(|s| s.attr("w:val")).unwrap_or("0");
                        Some((k, start.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let id = self.next_id;
        self.next_id += 1;
        let mut new = Elem::new("w:num", &[("w:numId", &id.to_string())]);
        // the abstract reference, then one override per level: the template's own override
        // (a redefined level stays) with its start made explicit
        let mut overrides: BTreeMap<String, Elem> = BTreeMap::new();
        for c in num.elems() {
            if c.name == "w:lvlOverride" {
                if let Some(k) = c.attr("w:ilvl") {
                    overrides.insert(k.to_string(), c.clone());
                }
            } else if c.name == "w:abstractNumId" {
                new.children.push(Node::Elem(c.clone()));
            }
        }
        let mut levels: Vec<(String, String)> = starts;
        for (k, o) in &overrides {
            if !levels.iter().any(|(l, _)| l == k) {
                let s = o.child("w:lvl").and_then(|l| l.child("w:start")).and_then(|s| s.attr("w:val"));
                levels.push((k.clone(), s.unwrap_or("0").to_string()));
            }
        }
        levels.sort_by_key(|(k, _)| k.parse::<u32>().unwrap_or(u32::MAX));
        for (k, start) in levels {
            let mut o = overrides.remove(&k).unwrap_or_else(|| Elem::new("w:lvlOverride", &[("w:ilvl", &k)]));
            let own =
                o.child("w:startOverride").and_then(|s| s.attr("w:val")).map(str::to_string).or_else(|| {
                    o.child("w:lvl")
                        .and_then(|l| l.child("w:start"))
                        .and_then(|s| s.attr("w:val"))
                        .map(str::to_string)
                });
            let start = own.unwrap_or(start);
            o.children.retain(|n| !matches!(n, Node::Elem(e) if e.name == "w:startOverride"));
            o.children.insert(0, Node::Elem(Elem::new("w:startOverride", &[("w:val", &start)])));
            new.children.push(Node::Elem(o));
        }
        if self.root.as_ref().and_then(list_root).is_some() {
            let abstract_id = new.child("w:abstractNumId").and_then(|a| a.attr("w:val")).map(str::to_string);
            let mut holder = Elem::default();
            holder.children.push(Node::Elem(new));
            self.added.push(Added { abstract_id, xml: super::xml::write(&holder) });
            self.changed = true;
        }
        id
    }
}

fn num_id(e: &Elem) -> Option<u64> {
    e.attr("w:numId").and_then(|v| v.parse().ok())
}

/// The document element below the parse root (which holds the prolog).
fn list_root(root: &Elem) -> Option<&Elem> {
    root.elems().next()
}

fn list_root_mut(root: &mut Elem) -> Option<&mut Elem> {
    root.elems_mut().next()
}

/// Numbers every marked paragraph of a rendered part; returns the problems (tag index, reason).
pub fn apply(root: &mut Elem, numbering: &mut Numbering, tags: &[Tag]) -> Vec<ListProblem> {
    let mut problems = Vec::new();
    container(root, numbering, &mut problems);
    // a tag that reported a problem once is enough
    problems.sort_by_key(|p| p.tag);
    problems.dedup_by_key(|p| p.tag);
    problems.retain(|p| p.tag < tags.len());
    problems
}

/// A list in use at a level: the base numbering and the instance its items use.
#[derive(Clone, Copy)]
struct Open {
    base: u64,
    inst: u64,
}

/// One level of the current list: the lists used at it since the item above it (so a numbered
/// list interrupted by a bullet at the same level goes on counting), and the latest item's.
#[derive(Clone, Default)]
struct Level {
    lists: Vec<Open>,
    current: Option<Open>,
}

fn container(e: &mut Elem, numbering: &mut Numbering, problems: &mut Vec<ListProblem>) {
    // levels of the current list: index = ilvl
    let mut stack: Vec<Level> = Vec::new();
    for c in e.elems_mut() {
        match c.name.as_str() {
            "w:p" => {
                let mark = c.child("w:pPr").and_then(|pr| pr.child(LI_MARK)).map(|m| {
                    (m.attr("tag").and_then(|t| t.parse::<usize>().ok()), m.attr("lvl").map(str::to_string))
                });
                match mark {
                    Some((tag, lvl)) => {
                        let tag = tag.unwrap_or(usize::MAX);
                        if let Some(pr) = c.child_mut("w:pPr") {
                            pr.children.retain(|n| !matches!(n, Node::Elem(m) if m.name == LI_MARK));
                        }
                        let lvl: u8 = lvl.and_then(|l| l.trim().parse().ok()).unwrap_or(0).min(8);
                        let Some(base) = numbering.base_of(c) else {
                            problems.push(ListProblem {
                                tag,
                                reason: "`li` needs a paragraph with list numbering: give it a numbered list style (List Number) or numbering in Word".into(),
                            });
                            stack.clear();
                            continue;
                        };
                        let inst = instance(&mut stack, numbering, base, lvl);
                        set_num(c, inst, lvl);
                    }
                    None => {
                        stack.clear();
                        // paragraphs hold text boxes with their own paragraphs
                        nested(c, numbering, problems);
                    }
                }
            }
            "w:tbl" => {
                stack.clear();
                nested(c, numbering, problems);
            }
            "w:sdt" => {
                stack.clear();
                nested(c, numbering, problems);
            }
            _ => nested(c, numbering, problems),
        }
    }
}

/// Containers below `e`: cells, text boxes, content controls' content.
fn nested(e: &mut Elem, numbering: &mut Numbering, problems: &mut Vec<ListProblem>) {
    for c in e.elems_mut() {
        if matches!(c.name.as_str(), "w:tc" | "w:txbxContent" | "w:sdtContent" | "w:body" | "w:hdr" | "w:ftr")
        {
            container(c, numbering, problems);
        } else {
            nested(c, numbering, problems);
        }
    }
}

/// The instance a list item at `lvl` of numbering `base` uses, given the open levels.
fn instance(stack: &mut Vec<Level>, numbering: &mut Numbering, base: u64, lvl: u8) -> u64 {
    let l = usize::from(lvl);
    stack.truncate(l + 1);
    let same_level = stack.get(l).and_then(|lv| lv.lists.iter().find(|o| o.base == base).copied());
    let parent = stack.get(..l).and_then(|s| s.iter().rev().find_map(|lv| lv.current));
    let inst = match (same_level, parent) {
        (Some(o), _) => o.inst,
        // a sub-list of the same numbering: Word restarts the lower level by itself
        (None, Some(p)) if p.base == base => p.inst,
        _ if !numbering.counts(base, lvl) => base,
        _ => numbering.restart(base),
    };
    if stack.len() <= l {
        stack.resize(l + 1, Level::default());
    }
    if let Some(lv) = stack.get_mut(l) {
        let open = Open { base, inst };
        if !lv.lists.iter().any(|o| o.base == base) {
            lv.lists.push(open);
        }
        lv.current = Some(open);
    }
    inst
}

/// Writes `w:numPr` (`w:ilvl`, `w:numId`) into the paragraph's properties in schema order.
fn set_num(p: &mut Elem, inst: u64, lvl: u8) {
    if p.child("w:pPr").is_none() {
        p.children.insert(0, Node::Elem(Elem::new("w:pPr", &[])));
    }
    let Some(pr) = p.child_mut("w:pPr") else { return };
    let mut num = Elem::new("w:numPr", &[]);
    num.children.push(Node::Elem(Elem::new("w:ilvl", &[("w:val", &lvl.to_string())])));
    num.children.push(Node::Elem(Elem::new("w:numId", &[("w:val", &inst.to_string())])));
    match pr.children.iter_mut().find(|n| matches!(n, Node::Elem(e) if e.name == "w:numPr")) {
        Some(slot) => *slot = Node::Elem(num),
        None => super::template::put_in_order(pr, num),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::wordtpl::xml;

    #[test]
    fn a_style_size_is_found_once_and_the_same_each_time() {
        let styles = xml::parse(
            r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:styleId="Big"><w:rPr><w:sz w:val="40"/></w:rPr></w:style><w:style w:styleId="BigToo"><w:basedOn w:val="Big"/></w:style><w:style w:styleId="Plain"/></w:styles>"#,
        )
        .unwrap();
        let n = Numbering::new(None, Some(styles));
        for _ in 0..2 {
            assert_eq!(n.style_size(Some("Big")), Some(40));
            assert_eq!(n.style_size(Some("BigToo")), Some(40), "from the style it is based on");
            assert_eq!(n.style_size(Some("Plain")), Some(22), "the document's default");
            assert_eq!(n.style_size(Some("Missing")), Some(22));
            assert_eq!(n.style_size(None), Some(22));
        }
        assert_eq!(n.sizes.borrow().len(), 4, "each style searched once");
        assert_eq!(Numbering::new(None, None).style_size(Some("Big")), None);
    }
}
