//! Which elements of each package part the readers look at, so that [`super::xml::parse_part`]
//! builds only those into the tree.
//!
//! Most of a Word part is never read: run properties other than bold/italic/hidden and the
//! character style (fonts, sizes, languages, colours), paragraph spacing and indents, section
//! properties, table grids and borders, the latent styles of `styles.xml`, the paragraph and run
//! properties of every numbering level, the fonts and effects of the theme, image and shape
//! geometry. The tree builder still scans every byte of a part (so a malformed, hostile or
//! oversized part is refused exactly as before), but an element the readers never reach is
//! passed over with its whole subtree: no node, no attributes, no name.
//!
//! The rules mirror the readers: a context ([`Ctx`]) is what an element's children mean to the
//! code that walks it — [`Ctx::Blocks`] for the containers `body.rs` lowers with
//! `Walker::blocks`, [`Ctx::Inline`] for what `Walker::inline` walks, and so on. [`decide`]
//! says, for a child of a given local name, whether it is kept, whether its attributes are
//! needed and what its own children mean. A reader that starts looking at another element
//! adds it here (the tests in `tests/read_docx.rs` and the corpus comparison catch a miss: the
//! element would simply be absent from the tree).
//!
//! Two rules depend on more than the name, and are applied by the parser: in an
//! `mc:AlternateContent`, only the first `mc:Choice` (or, without one, the `mc:Fallback`) is
//! read, so a later branch is skipped once a `Choice` is kept; and under a drawing, where
//! `body.rs` searches any depth for text boxes, elements are kept without attributes and
//! dropped again when they close empty ([`Keep::prune`]).

/// Which part is being parsed, i.e. which reader will walk its tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Every element with the readers' attributes (the general tree, for tests and tools).
    Any,
    /// A relationships part (`_rels/*.rels`): `Relationship` elements.
    Relationships,
    /// `styles.xml`: [`super::styles::Styles::parse`].
    Styles,
    /// `numbering.xml`: [`super::numbering::Numbering::parse`].
    Numbering,
    /// The theme: the first `a:clrScheme` ([`super::styles::Theme::parse`]).
    Theme,
    /// The main document part: `w:body` lowered by [`super::body::Walker`].
    Main,
    /// Footnotes or endnotes: each note (with its `w:type`) lowered by the walker.
    Notes,
    /// A header or footer: the root lowered by the walker.
    HeaderFooter,
}

/// What the children of an element mean to its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Keep everything (the general tree).
    All,
    /// The synthetic node above the root element of a part.
    Top(Part),
    /// An element none of whose children is read (a property such as `w:b`, or `w:t`).
    Leaf,
    Relationships,
    Styles,
    Style,
    StylePPr,
    NumPr,
    RPr,
    Numbering,
    AbstractNum,
    Lvl,
    Num,
    LvlOverride,
    /// Searching the theme for its first `a:clrScheme` (any depth).
    ThemeSearch,
    ClrScheme,
    ClrEntry,
    Document,
    Notes,
    /// A block container (`Walker::blocks`): body, note, header, text box, content control, …
    Blocks,
    /// A table cell: blocks and `w:tcPr`.
    Cell,
    /// A block-level content control (`w:sdt`).
    SdtBlock,
    SdtPr,
    /// An `mc:AlternateContent` among blocks.
    AltBlocks,
    /// A paragraph: `w:pPr` and the inline content.
    Para,
    PPr,
    /// Inline content (`Walker::inline`): runs, hyperlinks, fields, inline content controls.
    Inline,
    SdtInline,
    AltInline,
    /// A run: its properties, text, tabs, breaks, symbols, field characters and drawings.
    Run,
    /// Under a drawing, picture, object or alternate content of a run: searched at any depth
    /// for text boxes (`w:txbxContent`).
    Zone,
    /// An `mc:AlternateContent` inside a [`Ctx::Zone`].
    ZoneAlt,
    /// A table, or a content control/insertion wrapping rows.
    Table,
    /// A table row: `w:trPr` and the cells.
    Row,
    /// A content control/insertion wrapping cells.
    RowWrap,
    TrPr,
    TcPr,
}

/// The decision for one element that is kept.
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    /// The local name as a static string, when the rule names it.
    pub name: Option<&'static str>,
    /// Whether the reader looks at its attributes.
    pub attrs: bool,
    /// What its children mean.
    pub ctx: Ctx,
    /// Dropped again when it closes without children (nothing below it is read).
    pub prune: bool,
    /// An `mc:Choice`/`mc:Fallback` branch: skipped when its `mc:AlternateContent` already has
    /// a kept `mc:Choice`.
    pub branch: bool,
    /// A property container its reader finds with `child` (the first of its name): a bit of
    /// [`Open`](super::xml)'s record of the names seen, so that a later one of the same name is
    /// skipped — also when the first was dropped empty ([`Keep::prune`]), which must not let a
    /// later one (`w:rPr` after `m:rPr` in a math run) take its place.
    pub once: u8,
}

const fn keep(name: &'static str, attrs: bool, ctx: Ctx) -> Option<Keep> {
    Some(Keep { name: Some(name), attrs, ctx, prune: false, branch: false, once: 0 })
}

const fn branch(name: &'static str, ctx: Ctx) -> Option<Keep> {
    Some(Keep { name: Some(name), attrs: false, ctx, prune: false, branch: true, once: 0 })
}

const fn any(attrs: bool, ctx: Ctx, prune: bool) -> Option<Keep> {
    Some(Keep { name: None, attrs, ctx, prune, branch: false, once: 0 })
}

/// A property whose `w:val` (or other attributes) is read and whose children are not.
/// An element searched through for a descendant and otherwise not read: its name does not
/// matter (an empty placeholder, so that no name is allocated) and it is dropped when it
/// closes empty.
const fn passage(ctx: Ctx) -> Option<Keep> {
    Some(Keep { name: Some(""), attrs: false, ctx, prune: true, branch: false, once: 0 })
}

/// A property container (`w:rPr`, `w:pPr`, …): its reader only asks for children, so it is
/// dropped when it closes without any kept child (absent and empty read the same); only the
/// first of its name under one parent is read ([`Keep::once`]).
const fn props(name: &'static str, ctx: Ctx) -> Option<Keep> {
    let once = match name.as_bytes() {
        b"pPr" => 1,
        b"rPr" => 2,
        b"numPr" => 4,
        b"tcPr" => 8,
        b"trPr" => 16,
        b"sdtPr" => 32,
        _ => 0,
    };
    Some(Keep { name: Some(name), attrs: false, ctx, prune: true, branch: false, once })
}

const fn prop(name: &'static str) -> Option<Keep> {
    keep(name, true, Ctx::Leaf)
}

/// The wrappers `Walker::blocks`, `collect_rows` and `collect_cells` walk through.
fn block_child(local: &[u8], cell: bool) -> Option<Keep> {
    match local {
        b"p" => keep("p", false, Ctx::Para),
        b"tbl" => keep("tbl", false, Ctx::Table),
        b"tcPr" if cell => props("tcPr", Ctx::TcPr),
        b"sdt" => keep("sdt", false, Ctx::SdtBlock),
        b"sdtContent" => keep("sdtContent", false, Ctx::Blocks),
        b"customXml" => keep("customXml", false, Ctx::Blocks),
        b"ins" => keep("ins", false, Ctx::Blocks),
        b"moveTo" => keep("moveTo", false, Ctx::Blocks),
        b"smartTag" => keep("smartTag", false, Ctx::Blocks),
        b"AlternateContent" => keep("AlternateContent", false, Ctx::AltBlocks),
        b"altChunk" => keep("altChunk", false, Ctx::Leaf),
        _ => None,
    }
}

fn inline_child(local: &[u8], para: bool) -> Option<Keep> {
    match local {
        b"r" => keep("r", false, Ctx::Run),
        b"pPr" if para => props("pPr", Ctx::PPr),
        b"hyperlink" => keep("hyperlink", false, Ctx::Inline),
        b"smartTag" => keep("smartTag", false, Ctx::Inline),
        b"customXml" => keep("customXml", false, Ctx::Inline),
        b"ins" => keep("ins", false, Ctx::Inline),
        b"moveTo" => keep("moveTo", false, Ctx::Inline),
        b"fldSimple" => keep("fldSimple", false, Ctx::Inline),
        b"bdo" => keep("bdo", false, Ctx::Inline),
        b"dir" => keep("dir", false, Ctx::Inline),
        b"sdtContent" => keep("sdtContent", false, Ctx::Inline),
        b"oMath" => keep("oMath", false, Ctx::Inline),
        b"oMathPara" => keep("oMathPara", false, Ctx::Inline),
        b"sdt" => keep("sdt", false, Ctx::SdtInline),
        b"AlternateContent" => keep("AlternateContent", false, Ctx::AltInline),
        _ => None,
    }
}

/// Whether (and how) a child named `local` of an element whose children mean `ctx` is kept.
/// `None`: the child and its whole subtree are passed over.
pub fn decide(ctx: Ctx, local: &[u8]) -> Option<Keep> {
    match ctx {
        Ctx::All => any(true, Ctx::All, false),
        Ctx::Top(part) => any(
            false,
            match part {
                Part::Any => return any(true, Ctx::All, false),
                Part::Relationships => Ctx::Relationships,
                Part::Styles => Ctx::Styles,
                Part::Numbering => Ctx::Numbering,
                Part::Theme => Ctx::ThemeSearch,
                Part::Main => Ctx::Document,
                Part::Notes => Ctx::Notes,
                Part::HeaderFooter => Ctx::Blocks,
            },
            false,
        ),
        Ctx::Leaf => None,
        Ctx::Relationships => match local {
            b"Relationship" => prop("Relationship"),
            _ => None,
        },
        Ctx::Styles => match local {
            b"style" => keep("style", true, Ctx::Style),
            _ => None,
        },
        Ctx::Style => match local {
            b"name" => prop("name"),
            b"basedOn" => prop("basedOn"),
            b"pPr" => props("pPr", Ctx::StylePPr),
            b"rPr" => props("rPr", Ctx::RPr),
            _ => None,
        },
        Ctx::StylePPr => match local {
            b"outlineLvl" => prop("outlineLvl"),
            b"numPr" => props("numPr", Ctx::NumPr),
            _ => None,
        },
        Ctx::NumPr => match local {
            b"numId" => prop("numId"),
            b"ilvl" => prop("ilvl"),
            _ => None,
        },
        Ctx::RPr => match local {
            b"b" => prop("b"),
            b"i" => prop("i"),
            b"rStyle" => prop("rStyle"),
            b"vanish" => prop("vanish"),
            _ => None,
        },
        Ctx::Numbering => match local {
            b"abstractNum" => keep("abstractNum", true, Ctx::AbstractNum),
            b"num" => keep("num", true, Ctx::Num),
            _ => None,
        },
        Ctx::AbstractNum => match local {
            b"lvl" => keep("lvl", true, Ctx::Lvl),
            b"numStyleLink" => prop("numStyleLink"),
            _ => None,
        },
        Ctx::Lvl => match local {
            b"start" => prop("start"),
            b"numFmt" => prop("numFmt"),
            b"lvlText" => prop("lvlText"),
            b"lvlRestart" => prop("lvlRestart"),
            b"isLgl" => prop("isLgl"),
            b"pStyle" => prop("pStyle"),
            _ => None,
        },
        Ctx::Num => match local {
            b"abstractNumId" => prop("abstractNumId"),
            b"lvlOverride" => keep("lvlOverride", true, Ctx::LvlOverride),
            _ => None,
        },
        Ctx::LvlOverride => match local {
            b"startOverride" => prop("startOverride"),
            b"lvl" => keep("lvl", true, Ctx::Lvl),
            _ => None,
        },
        // the parser stops searching once the first clrScheme is found
        Ctx::ThemeSearch => match local {
            b"clrScheme" => keep("clrScheme", false, Ctx::ClrScheme),
            _ => passage(Ctx::ThemeSearch),
        },
        Ctx::ClrScheme => any(false, Ctx::ClrEntry, false),
        Ctx::ClrEntry => match local {
            b"srgbClr" => prop("srgbClr"),
            b"sysClr" => prop("sysClr"),
            _ => None,
        },
        Ctx::Document => match local {
            b"body" => keep("body", false, Ctx::Blocks),
            _ => None,
        },
        Ctx::Notes => any(true, Ctx::Blocks, false),
        Ctx::Blocks => block_child(local, false),
        Ctx::Cell => block_child(local, true),
        Ctx::SdtBlock => match local {
            b"sdtPr" => props("sdtPr", Ctx::SdtPr),
            b"sdtContent" => keep("sdtContent", false, Ctx::Blocks),
            _ => None,
        },
        Ctx::SdtPr => match local {
            b"showingPlcHdr" => prop("showingPlcHdr"),
            b"date" => prop("date"),
            _ => None,
        },
        Ctx::AltBlocks => match local {
            b"Choice" => branch("Choice", Ctx::Blocks),
            b"Fallback" => branch("Fallback", Ctx::Blocks),
            _ => None,
        },
        Ctx::Para => inline_child(local, true),
        Ctx::PPr => match local {
            b"pStyle" => prop("pStyle"),
            b"numPr" => props("numPr", Ctx::NumPr),
            b"rPr" => props("rPr", Ctx::RPr),
            b"pageBreakBefore" => prop("pageBreakBefore"),
            _ => None,
        },
        Ctx::Inline => inline_child(local, false),
        Ctx::SdtInline => match local {
            b"sdtPr" => props("sdtPr", Ctx::SdtPr),
            b"sdtContent" => keep("sdtContent", false, Ctx::Inline),
            _ => None,
        },
        Ctx::AltInline => match local {
            b"Choice" => branch("Choice", Ctx::Inline),
            b"Fallback" => branch("Fallback", Ctx::Inline),
            _ => None,
        },
        Ctx::Run => match local {
            // an empty w:t adds nothing (every w:t of a run is read: no `once`)
            b"t" => Some(Keep {
                name: Some("t"),
                attrs: false,
                ctx: Ctx::Leaf,
                prune: true,
                branch: false,
                once: 0,
            }),
            b"rPr" => props("rPr", Ctx::RPr),
            b"tab" => keep("tab", false, Ctx::Leaf),
            b"br" => prop("br"),
            b"cr" => keep("cr", false, Ctx::Leaf),
            b"fldChar" => prop("fldChar"),
            b"sym" => prop("sym"),
            b"ptab" => keep("ptab", false, Ctx::Leaf),
            b"noBreakHyphen" => keep("noBreakHyphen", false, Ctx::Leaf),
            b"drawing" => Some(Keep {
                name: Some("drawing"),
                attrs: false,
                ctx: Ctx::Zone,
                prune: true,
                branch: false,
                once: 0,
            }),
            b"pict" => Some(Keep {
                name: Some("pict"),
                attrs: false,
                ctx: Ctx::Zone,
                prune: true,
                branch: false,
                once: 0,
            }),
            b"object" => Some(Keep {
                name: Some("object"),
                attrs: false,
                ctx: Ctx::Zone,
                prune: true,
                branch: false,
                once: 0,
            }),
            b"AlternateContent" => Some(Keep {
                name: Some("AlternateContent"),
                attrs: false,
                ctx: Ctx::ZoneAlt,
                prune: true,
                branch: false,
                once: 0,
            }),
            _ => None,
        },
        Ctx::Zone => match local {
            b"txbxContent" => keep("txbxContent", false, Ctx::Blocks),
            b"AlternateContent" => Some(Keep {
                name: Some("AlternateContent"),
                attrs: false,
                ctx: Ctx::ZoneAlt,
                prune: true,
                branch: false,
                once: 0,
            }),
            _ => passage(Ctx::Zone),
        },
        Ctx::ZoneAlt => match local {
            b"Choice" => branch("Choice", Ctx::Zone),
            b"Fallback" => branch("Fallback", Ctx::Zone),
            _ => None,
        },
        Ctx::Table => match local {
            b"tr" => keep("tr", false, Ctx::Row),
            b"sdt" => keep("sdt", false, Ctx::Table),
            b"sdtContent" => keep("sdtContent", false, Ctx::Table),
            b"customXml" => keep("customXml", false, Ctx::Table),
            b"ins" => keep("ins", false, Ctx::Table),
            b"moveTo" => keep("moveTo", false, Ctx::Table),
            _ => None,
        },
        Ctx::Row | Ctx::RowWrap => match local {
            b"tc" => keep("tc", false, Ctx::Cell),
            b"trPr" if ctx == Ctx::Row => props("trPr", Ctx::TrPr),
            b"sdt" => keep("sdt", false, Ctx::RowWrap),
            b"sdtContent" => keep("sdtContent", false, Ctx::RowWrap),
            b"customXml" => keep("customXml", false, Ctx::RowWrap),
            b"ins" => keep("ins", false, Ctx::RowWrap),
            b"moveTo" => keep("moveTo", false, Ctx::RowWrap),
            _ => None,
        },
        Ctx::TrPr => match local {
            b"del" => keep("del", false, Ctx::Leaf),
            b"tblHeader" => prop("tblHeader"),
            b"gridBefore" => prop("gridBefore"),
            _ => None,
        },
        Ctx::TcPr => match local {
            b"gridSpan" => prop("gridSpan"),
            b"vMerge" => prop("vMerge"),
            b"hMerge" => prop("hMerge"),
            b"shd" => prop("shd"),
            _ => None,
        },
    }
}
