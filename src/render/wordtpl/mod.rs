//! Word templates: a `.docx` designed in Word with minijinja tags in its text, filled with a
//! context (JSON) to a new `.docx`. Everything outside the tags — styles, headers, footers,
//! numbering, page setup, images — is copied unchanged.
//!
//! Tag forms (see README › Word templates):
//! - `{{ expr }}` in a run: the value, with that run's formatting (`\n` → line break);
//! - `{% … %}` inside one paragraph (inline conditions and loops);
//! - `{%p … %}`, `{%tr … %}`, `{%tc … %}`: the statement replaces the paragraph, table row or
//!   table cell that holds the tag (conditional paragraphs, row loops, column conditions);
//! - `{% cellbg expr %}`: shades the cell (`green`/`yellow`/`red`, Norwegian words, `#RRGGBB`);
//! - `{% vm %}`: in a row loop, merges the cell vertically with the cell above when both show
//!   the same text;
//! - an image placeholder: a picture whose alt text is an image name given by the caller.
//!
//! Steps: [`template::prepare`] (rejoin split tags, lift block tags) → [`template::source`]
//! (one minijinja template per part, one tag per line) → render (strict undefined, fuel, output
//! cap, every value XML-escaped by the formatter) → [`post::finish`] (well-formed check, merges,
//! cells that lost their last paragraph) → list levels ([`lists`]) and table columns sized from
//! the filled content ([`fit`]: no word broken inside a cell) → a zip written byte-stably.

pub mod builtin;
pub mod documents;
mod fit;
mod lists;
pub mod post;
pub mod template;
pub mod xml;

use super::lang;
use minijinja::value::Value;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{Cursor, Read, Write};
pub use template::Loc;

/// The fixed part of a render's fuel. minijinja charges one fuel per instruction and per 64
/// bytes of data produced (`~`, `*`, filters, output), so fuel bounds both time and memory.
pub const BASE_FUEL: u64 = 2_000_000;

/// Largest markup one render may produce, in bytes.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// The environment variable that lowers [`MAX_OUTPUT_BYTES`] (never raises it): the refusals of
/// documents too large to write are tested on a small store with it.
pub const MAX_OUTPUT_ENV: &str = "SAKSFLYT_MAX_OUTPUT_BYTES";

/// The output limit in force: [`MAX_OUTPUT_BYTES`], or the lower value [`MAX_OUTPUT_ENV`] gives
/// (read once per process).
pub fn max_output_bytes() -> usize {
    static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var(MAX_OUTPUT_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .map_or(MAX_OUTPUT_BYTES, |v| v.min(MAX_OUTPUT_BYTES))
    })
}

/// Deepest macro/include recursion.
pub const MAX_RECURSION: usize = 64;

/// Fuel per byte of the context (as JSON) on top of [`BASE_FUEL`]: a template that walks its
/// data a few times over never runs out, a runaway loop still stops.
pub const FUEL_PER_CONTEXT_BYTE: u64 = 4;

/// The fuel of one render with `ctx`.
pub fn fuel_for(ctx: &serde_json::Value) -> u64 {
    // counted as written, not written into a buffer (the context of a large document is tens of
    // megabytes as JSON)
    let mut counter = ByteCount(0);
    let bytes = serde_json::to_writer(&mut counter, ctx).map(|()| counter.0).unwrap_or(0);
    BASE_FUEL.saturating_add(bytes.saturating_mul(FUEL_PER_CONTEXT_BYTE))
}

/// Counts the bytes written to it.
struct ByteCount(u64);

impl std::io::Write for ByteCount {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(b.len() as u64);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What is left of one template's render budget, shared by all its parts.
struct Budget {
    fuel: u64,
    output: usize,
}

/// Collects output up to `cap` bytes, then fails (minijinja stops the render). The output is
/// kept in pieces of up to [`xml::MARKUP_PIECE_BYTES`], each holding whole writes: a large part is
/// never copied from a buffer to a doubled one, and its parse frees the pieces it has read
/// ([`xml::Markup`]).
pub(crate) struct CappedWriter {
    pub(crate) pieces: Vec<Vec<u8>>,
    pub(crate) len: usize,
    pub(crate) cap: usize,
    pub(crate) over: bool,
}

impl CappedWriter {
    pub(crate) fn new(cap: usize) -> CappedWriter {
        CappedWriter { pieces: Vec::new(), len: 0, cap, over: false }
    }
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.len + b.len() > self.cap {
            self.over = true;
            return Err(std::io::Error::other("template output too large"));
        }
        match self.pieces.last_mut() {
            // the first piece grows as usual (a small part takes little), later ones are made
            // at their full size
            Some(last) if last.len() + b.len() <= xml::MARKUP_PIECE_BYTES => {
                let need = last.len() + b.len();
                if need > last.capacity() {
                    // doubled, but never past a piece
                    let room = need.max(last.capacity() * 2).min(xml::MARKUP_PIECE_BYTES);
                    last.reserve_exact(room - last.len());
                }
                last.extend_from_slice(b);
            }
            Some(_) => {
                let mut piece = Vec::with_capacity(xml::MARKUP_PIECE_BYTES.max(b.len()));
                piece.extend_from_slice(b);
                self.pieces.push(piece);
            }
            None => self.pieces.push(b.to_vec()),
        }
        self.len += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Largest part read from a template, inflated.
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// Largest template package, inflated.
pub const MAX_PACKAGE_BYTES: u64 = 128 * 1024 * 1024;
/// Most entries in a template package.
pub const MAX_ENTRIES: usize = 10_000;
/// Most errors reported for one template.
pub const MAX_ERRORS: usize = 50;

/// Images for placeholders: name (the picture's alt text in the template) → PNG bytes.
pub type Images = BTreeMap<String, Vec<u8>>;

/// Charts for placeholders: name → what the chart shows. Each is drawn when it is placed, at the
/// aspect ratio of its placeholder picture (`wp:extent`), so it fills the box without distortion;
/// a chart's name given here wins over the same name in [`Images`].
pub type Charts = BTreeMap<String, crate::render::chart::ChartData>;

/// A tag that cannot be rendered: where it is, what it says, and why.
#[derive(Debug, Clone)]
pub struct TagError {
    pub loc: Loc,
    pub tag: String,
    pub reason: String,
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.tag.is_empty() {
            write!(f, "{}: {}", self.loc, self.reason)
        } else {
            write!(f, "{}: {}: {}", self.loc, self.tag, self.reason)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WordTplError {
    /// The file is not a usable DOCX package.
    #[error("{file}: {message}")]
    Package { file: String, message: String },
    /// One or more tags failed.
    #[error("{file}: {}", list(errors))]
    Tags { file: String, errors: Vec<TagError> },
}

fn list(errors: &[TagError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    if lines.len() == 1 {
        lines.concat()
    } else {
        format!("{} template errors:\n  {}", lines.len(), lines.join("\n  "))
    }
}

/// Renders `template` (DOCX bytes; `file` names it in errors) with `ctx`.
pub fn render(
    template: &[u8],
    file: &str,
    ctx: &serde_json::Value,
    images: &Images,
) -> Result<Vec<u8>, WordTplError> {
    render_with(template, file, ctx, images, &Charts::new())
}

/// [`render`] with charts drawn for their placeholders' boxes.
pub fn render_with(
    template: &[u8],
    file: &str,
    ctx: &serde_json::Value,
    images: &Images,
    charts: &Charts,
) -> Result<Vec<u8>, WordTplError> {
    render_stamped(template, file, ctx, images, charts, &Stamp::default())
}

/// What a generated document's properties say beside the template's: its dates (`YYYY-MM-DD`,
/// from the data, never the clock) and its author. `None` keeps the template's.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stamp<'a> {
    pub date: Option<&'a str>,
    pub creator: Option<&'a str>,
    /// Mark the document as saksflyt's output (`dc:identifier`, [`crate::util::WRITTEN_MARK`]
    /// and the digest of its main part), so a later `ingest` that meets it skips it.
    pub mark: bool,
}

/// [`render_with`], the document properties set from `stamp` in the same package write.
pub fn render_stamped(
    template: &[u8],
    file: &str,
    ctx: &serde_json::Value,
    images: &Images,
    charts: &Charts,
    stamp: &Stamp,
) -> Result<Vec<u8>, WordTplError> {
    finish_render(file, run(template, file, Cow::Borrowed(ctx), images, charts, stamp)?)
}

/// [`render_stamped`] taking the context: it is dropped once it is turned into the template's
/// values, so a large document does not hold it twice while it is rendered.
pub fn render_stamped_owned(
    template: &[u8],
    file: &str,
    ctx: serde_json::Value,
    images: &Images,
    charts: &Charts,
    stamp: &Stamp,
) -> Result<Vec<u8>, WordTplError> {
    finish_render(file, run(template, file, Cow::Owned(ctx), images, charts, stamp)?)
}

fn finish_render(file: &str, (bytes, errors): (Vec<u8>, Vec<TagError>)) -> Result<Vec<u8>, WordTplError> {
    if errors.is_empty() {
        Ok(bytes)
    } else {
        Err(WordTplError::Tags { file: file.to_string(), errors })
    }
}

/// Checks `template` against `ctx` without producing output: every tag error found (empty when
/// the template renders). Errors of the package itself are `Err`.
pub fn check(
    template: &[u8],
    file: &str,
    ctx: &serde_json::Value,
    images: &Images,
) -> Result<Vec<TagError>, WordTplError> {
    run(template, file, Cow::Borrowed(ctx), images, &Charts::new(), &Stamp::default()).map(|(_, e)| e)
}

/// The bytes of markup the tags of `template` produce with `ctx`, all parts together: what
/// [`max_output_bytes`] limits (the documents' lower bounds per listed entry are checked
/// against it). Nothing is written; a tag error is `Err`.
pub fn markup_bytes(template: &[u8], file: &str, ctx: &serde_json::Value) -> Result<usize, WordTplError> {
    let pkg = Package::open(template, file)?;
    let fuel = fuel_for(ctx);
    let env = environment(fuel);
    let mut budget = Budget { fuel, output: usize::MAX };
    let names = known_names(ctx);
    let value = Value::from(minijinja::value::Serde(ctx));
    let mut total = 0usize;
    for part in template_parts(&pkg) {
        let Some(bytes) = pkg.get(&part) else { continue };
        let text =
            std::str::from_utf8(bytes).map_err(|_| package_err(file, format!("{part} is not UTF-8")))?;
        let root = xml::parse(text).map_err(|e| package_err(file, format!("{part}: malformed XML: {e}")))?;
        let mut prep = template::prepare(&part, root, &BTreeSet::new());
        let out = render_part(&env, &part, &mut prep, &value, &names, &mut budget)
            .map_err(|errors| WordTplError::Tags { file: file.to_string(), errors })?;
        total = total.saturating_add(out.len());
    }
    Ok(total)
}

fn package_err(file: &str, message: impl Into<String>) -> WordTplError {
    WordTplError::Package { file: file.to_string(), message: message.into() }
}

/// A zip package read into memory, entries in their stored order.
struct Package {
    entries: Vec<(String, Vec<u8>)>,
}

impl Package {
    fn open(bytes: &[u8], file: &str) -> Result<Package, WordTplError> {
        crate::util::zip_precheck(bytes, MAX_ENTRIES as u64)
            .map_err(|e| package_err(file, format!("not a DOCX (zip) file: {e}")))?;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| package_err(file, format!("not a DOCX (zip) file: {e}")))?;
        if zip.len() > MAX_ENTRIES {
            return Err(package_err(file, format!("more than {MAX_ENTRIES} parts")));
        }
        let mut entries = Vec::new();
        let mut seen = BTreeSet::new();
        let mut total = 0u64;
        for i in 0..zip.len() {
            let mut f =
                zip.by_index(i).map_err(|e| package_err(file, format!("broken zip entry {i}: {e}")))?;
            if f.is_dir() {
                continue;
            }
            let name = f.name().to_string();
            let mut buf = Vec::new();
            (&mut f)
                .take(MAX_PART_BYTES + 1)
                .read_to_end(&mut buf)
                .map_err(|e| package_err(file, format!("cannot inflate {name}: {e}")))?;
            if buf.len() as u64 > MAX_PART_BYTES {
                return Err(package_err(file, format!("part {name} is larger than {MAX_PART_BYTES} bytes")));
            }
            total += buf.len() as u64;
            if total > MAX_PACKAGE_BYTES {
                return Err(package_err(
                    file,
                    format!("package is larger than {MAX_PACKAGE_BYTES} bytes inflated"),
                ));
            }
            if !seen.insert(name.to_ascii_lowercase()) {
                return Err(package_err(
                    file,
                    format!(
                        "two entries named {:?} (part names differ only in case)",
                        crate::util::escape_controls(&name)
                    ),
                ));
            }
            entries.push((name, buf));
        }
        Ok(Package { entries })
    }

    fn get(&self, name: &str) -> Option<&[u8]> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice())
    }

    fn put(&mut self, name: &str, bytes: Vec<u8>) {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some((_, b)) => *b = bytes,
            None => self.entries.push((name.to_string(), bytes)),
        }
    }

    /// Byte-stable zip: stored order, fixed timestamps, deflate.
    fn write(&self) -> Result<Vec<u8>, String> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(zip::DateTime::default());
            for (name, bytes) in &self.entries {
                zip.start_file(name.as_str(), opts).map_err(|e| e.to_string())?;
                zip.write_all(bytes).map_err(|e| e.to_string())?;
            }
            zip.finish().map_err(|e| e.to_string())?;
        }
        Ok(buf.into_inner())
    }
}

/// A relationship: (Id, Type, Target).
fn relationships(pkg: &Package, rels_part: &str) -> Vec<(String, String, String)> {
    let Some(text) = pkg.get(rels_part).and_then(|b| std::str::from_utf8(b).ok()) else { return Vec::new() };
    let Ok(root) = xml::parse(text) else { return Vec::new() };
    let mut out = Vec::new();
    for r in root.elems().flat_map(|e| e.elems()) {
        if let (Some(id), Some(ty), Some(target)) = (r.attr("Id"), r.attr("Type"), r.attr("Target")) {
            out.push((id.to_string(), ty.to_string(), target.to_string()));
        }
    }
    out
}

fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

fn resolve(part: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut segs: Vec<&str> = match part.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    for s in target.split('/') {
        match s {
            ".." => {
                segs.pop();
            }
            "." | "" => {}
            s => segs.push(s),
        }
    }
    segs.join("/")
}

/// The main document part and its headers and footers, in a fixed order.
fn template_parts(pkg: &Package) -> Vec<String> {
    let main = relationships(pkg, "_rels/.rels")
        .into_iter()
        .find(|(_, ty, _)| ty.ends_with("/officeDocument"))
        .map(|(_, _, t)| resolve("", &t))
        .unwrap_or_else(|| "word/document.xml".to_string());
    let mut parts = vec![main.clone()];
    let mut extra: Vec<String> = relationships(pkg, &rels_of(&main))
        .into_iter()
        .filter(|(_, ty, _)| ty.ends_with("/header") || ty.ends_with("/footer"))
        .map(|(_, _, t)| resolve(&main, &t))
        .filter(|p| pkg.get(p).is_some())
        .collect();
    extra.sort();
    extra.dedup();
    parts.extend(extra);
    parts
}

/// Renders every template part; returns the package (empty when errors) and the errors.
fn run(
    template: &[u8],
    file: &str,
    ctx: Cow<'_, serde_json::Value>,
    images: &Images,
    charts: &Charts,
    stamp: &Stamp,
) -> Result<(Vec<u8>, Vec<TagError>), WordTplError> {
    let mut pkg = Package::open(template, file)?;
    refuse_network_fetches(&pkg, file)?;
    let parts = template_parts(&pkg);
    if pkg.get(parts.first().map(String::as_str).unwrap_or_default()).is_none() {
        return Err(package_err(file, "no main document part (word/document.xml)"));
    }
    let fuel = fuel_for(&ctx);
    let mut env = environment(fuel);
    // one budget for the whole template: every part (body, each header and footer) draws fuel
    // and output from it, so 150 header parts cannot each take a fresh allowance
    let mut budget = Budget { fuel, output: max_output_bytes() };
    let names = known_names(&ctx);
    let value = Value::from(minijinja::value::Serde(&*ctx));
    drop(ctx);
    let image_names: BTreeSet<String> = images.keys().chain(charts.keys()).cloned().collect();
    // 1. every part's tags rendered while the context's values are alive, and the document
    // properties' tags; then the values go, so a large part's tree is built without them. What
    // each step would have raised is kept and raised in the order of step 2, part by part, as
    // one pass over the parts would.
    let mut rendered: Vec<Result<Option<Rendered>, WordTplError>> = Vec::new();
    for part in &parts {
        rendered.push(render_one(&pkg, file, part, &image_names, &mut env, &value, &names, &mut budget));
    }
    let core = core_props(&pkg, file, &value, stamp);
    drop(value);
    // 2. each part finished in order: parsed into a tree, lists numbered, tables fitted, written
    let mut errors = Vec::new();
    let mut media: Vec<Media> = Vec::new();
    let main = parts.first().cloned().unwrap_or_default();
    let (numbering_part, mut numbering) = numbering_of(&pkg, &main);
    for (part, one) in parts.iter().zip(rendered) {
        let Rendered { prep, out } = match one? {
            Some(r) => r,
            None => continue,
        };
        if !prep.problems.is_empty() {
            errors.extend(prep.problems.into_iter().map(|p| TagError {
                loc: p.loc,
                tag: p.tag,
                reason: p.reason,
            }));
            continue;
        }
        match out {
            Ok(out) => {
                let size = out.len();
                let mut root = post::finish(out).map_err(|e| {
                    package_err(file, format!("{part}: the tags produce broken Word XML ({e})"))
                })?;
                if root.has_elem(template::LI_MARK) {
                    for p in lists::apply(&mut root, &mut numbering, &prep.tags) {
                        if let Some(t) = prep.tags.get(p.tag) {
                            errors.push(TagError {
                                loc: t.loc.clone(),
                                tag: t.text.clone(),
                                reason: p.reason,
                            });
                        }
                    }
                }
                // columns sized from the filled content: no word broken inside a cell
                if root.has_elem("w:tbl") {
                    fit::fit_tables(&mut root, &numbering);
                }
                let finished = xml::write_owned(root, size);
                pkg.put(part, finished.into_bytes());
                for (name, rid) in &prep.image_rels {
                    media.push(Media {
                        part: part.clone(),
                        rid: rid.clone(),
                        name: name.clone(),
                        extent: prep.image_extents.get(name).copied(),
                    });
                }
            }
            Err(e) => errors.extend(e),
        }
        if errors.len() >= MAX_ERRORS {
            errors.truncate(MAX_ERRORS);
            break;
        }
    }
    if !errors.is_empty() {
        return Ok((Vec::new(), errors));
    }
    if let (true, Some(part), Some(root)) = (numbering.changed(), numbering_part, numbering.finished()) {
        pkg.put(&part, xml::write(root).into_bytes());
    }
    add_images(&mut pkg, &media, images, charts).map_err(|e| package_err(file, e))?;
    if let Some((core, bytes)) = core? {
        pkg.put(&core, bytes);
    }
    as_document(&mut pkg);
    if stamp.mark {
        mark_written(&mut pkg, &main, file)?;
    }
    let bytes = pkg.write().map_err(|e| package_err(file, format!("cannot write the package: {e}")))?;
    Ok((bytes, Vec::new()))
}

/// A template part prepared and its tags rendered (step 1 of [`run`]).
struct Rendered {
    prep: template::Prepared,
    /// The rendered markup, or the tags that failed (nothing rendered when `prep` has problems).
    out: Result<xml::Markup, Vec<TagError>>,
}

/// Step 1 of [`run`] for one part: read, prepared and rendered against the shared budget;
/// `None` for a part the package lacks.
#[allow(clippy::too_many_arguments)]
fn render_one(
    pkg: &Package,
    file: &str,
    part: &str,
    image_names: &BTreeSet<String>,
    env: &mut Environment<'static>,
    value: &Value,
    names: &BTreeSet<String>,
    budget: &mut Budget,
) -> Result<Option<Rendered>, WordTplError> {
    let Some(bytes) = pkg.get(part) else { return Ok(None) };
    let text = std::str::from_utf8(bytes).map_err(|_| package_err(file, format!("{part} is not UTF-8")))?;
    let root = xml::parse(text).map_err(|e| package_err(file, format!("{part}: malformed XML: {e}")))?;
    let mut prep = template::prepare(part, root, image_names);
    if !prep.problems.is_empty() {
        return Ok(Some(Rendered { prep, out: Ok(xml::Markup::default()) }));
    }
    env.set_fuel(Some(budget.fuel.max(1)));
    let out = render_part(env, part, &mut prep, value, names, budget);
    Ok(Some(Rendered { prep, out }))
}

/// Field codes that make Word fetch or run something when the document opens.
const FETCHING_FIELDS: [&str; 4] = ["INCLUDEPICTURE", "INCLUDETEXT", "DDEAUTO", "DDE "];

/// Refuse a template that would make every generated document fetch from the network when
/// opened: an external relationship other than a hyperlink (a linked picture, an attached
/// template, a linked object or frame) or a field that includes or links content
/// ([`FETCHING_FIELDS`]). Hyperlinks stay: they fetch nothing until clicked.
fn refuse_network_fetches(pkg: &Package, file: &str) -> Result<(), WordTplError> {
    for (name, bytes) in &pkg.entries {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".rels") {
            let text = String::from_utf8_lossy(bytes);
            for rel in text.split("<Relationship ").skip(1) {
                let rel = rel.split('>').next().unwrap_or_default();
                let external =
                    rel.contains("TargetMode=\"External\"") || rel.contains("TargetMode='External'");
                let attr = |key: &str| {
                    rel.split(&format!("{key}=\""))
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .unwrap_or_default()
                };
                if external && !attr("Type").ends_with("/hyperlink") {
                    let kind = attr("Type").rsplit('/').next().unwrap_or_default().to_string();
                    return Err(package_err(
                        file,
                        format!(
                            "{name}: an external {kind} relationship to {:?} would be fetched from the network whenever a generated document is opened; remove it (insert the picture or content itself)",
                            crate::util::escape_controls(attr("Target"))
                        ),
                    ));
                }
            }
        } else if lower.ends_with(".xml") {
            let text = String::from_utf8_lossy(bytes);
            // field instructions: `<w:instrText>…</w:instrText>` and `w:instr="…"`
            let complex = text.split("instrText").skip(1).filter_map(|r| {
                let r = r.split_once('>')?.1;
                Some(r.split('<').next().unwrap_or_default())
            });
            let simple = text.split("w:instr=\"").skip(1).map(|r| r.split('"').next().unwrap_or_default());
            let fetching = complex.chain(simple).find_map(|instr| {
                let upper = instr.trim_start().to_ascii_uppercase();
                FETCHING_FIELDS.iter().find(|f| upper.starts_with(*f) || upper.contains(&format!(" {f}")))
            });
            if let Some(f) = fetching {
                return Err(package_err(
                    file,
                    format!(
                        "{name}: the field {} would fetch content from the network (or another file) whenever a generated document is opened; remove it (insert the content itself)",
                        f.trim()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The numbering part (its name and parsed tree) and the styles of the main part, for `{% li %}`.
fn numbering_of(pkg: &Package, main: &str) -> (Option<String>, lists::Numbering) {
    let rels = relationships(pkg, &rels_of(main));
    let load = |suffix: &str| -> Option<(String, xml::Elem)> {
        let (_, _, target) = rels.iter().find(|(_, ty, _)| ty.ends_with(suffix))?;
        let name = resolve(main, target);
        let text = std::str::from_utf8(pkg.get(&name)?).ok()?;
        Some((name.clone(), xml::parse(text).ok()?))
    };
    let numbering = load("/numbering");
    let styles = load("/styles").map(|(_, s)| s);
    let name = numbering.as_ref().map(|(n, _)| n.clone());
    (name, lists::Numbering::new(numbering.map(|(_, n)| n), styles))
}

/// Renders one prepared part. A failing tag is recorded, made neutral and the render tried again,
/// so one pass reports every independent error (up to [`MAX_ERRORS`]).
fn render_part(
    env: &Environment<'static>,
    part: &str,
    prep: &mut template::Prepared,
    ctx: &Value,
    names: &BTreeSet<String>,
    budget: &mut Budget,
) -> Result<xml::Markup, Vec<TagError>> {
    let mut errors = Vec::new();
    let mut names = names.clone();
    for t in &prep.tags {
        bound_names(&t.code, &mut names);
    }
    for _ in 0..MAX_ERRORS {
        let (src, problems) = template::source(prep);
        if !problems.is_empty() {
            errors.extend(problems.into_iter().map(|p| TagError {
                loc: p.loc,
                tag: p.tag,
                reason: p.reason,
            }));
            return Err(errors);
        }
        let result = env.template_from_named_str(part, &src.text).and_then(|t| {
            let mut out = CappedWriter::new(budget.output);
            let r = t.render_captured_to(ctx.clone(), &mut out);
            if out.over {
                return Ok(Err(format!(
                    "the output passes the limit of {} bytes (all parts of the template together)",
                    max_output_bytes()
                )));
            }
            r.map(|captured| {
                let used = captured.state().fuel_levels().map_or(0, |(consumed, _)| consumed);
                Ok((out.pieces, out.len, used))
            })
        });
        let e = match result {
            Ok(Ok((pieces, len, used))) if errors.is_empty() => {
                budget.fuel = budget.fuel.saturating_sub(used);
                budget.output = budget.output.saturating_sub(len);
                return xml::Markup::from_pieces(pieces).ok_or_else(|| {
                    vec![TagError {
                        loc: first_loc(part, prep),
                        tag: String::new(),
                        reason: "output is not UTF-8".into(),
                    }]
                });
            }
            Ok(Ok(_)) => return Err(errors),
            Ok(Err(message)) => {
                errors.push(TagError { loc: first_loc(part, prep), tag: String::new(), reason: message });
                return Err(errors);
            }
            Err(e) => e,
        };
        let idx = e.line().and_then(|l| src.lines.range(..=l).next_back().map(|(_, i)| *i));
        let reason = reason(&e, idx.and_then(|i| prep.tags.get(i)), &names);
        match idx.and_then(|i| prep.tags.get_mut(i).map(|t| (i, t))) {
            Some((_, t)) if !t.neutral => {
                errors.push(TagError { loc: t.loc.clone(), tag: t.text.clone(), reason });
                t.neutral = true;
                if matches!(e.kind(), ErrorKind::OutOfFuel) {
                    return Err(errors);
                }
            }
            _ => {
                errors.push(TagError { loc: first_loc(part, prep), tag: String::new(), reason });
                return Err(errors);
            }
        }
    }
    Err(errors)
}

fn first_loc(part: &str, prep: &template::Prepared) -> Loc {
    prep.tags.first().map(|t| t.loc.clone()).unwrap_or(Loc {
        part: part.to_string(),
        paragraph: 0,
        cell: None,
        preview: String::new(),
    })
}

fn reason(e: &minijinja::Error, tag: Option<&template::Tag>, names: &BTreeSet<String>) -> String {
    match e.kind() {
        ErrorKind::UndefinedError => {
            if let Some(s) = tag.and_then(|t| suggest(&t.code, names)) {
                return s;
            }
        }
        ErrorKind::OutOfFuel => {
            return "ran out of template fuel (instructions and data produced): a runaway loop?".into()
        }
        _ => {}
    }
    match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    }
}

/// The filter the writer puts after a tag in an attribute value: the value attribute-escaped
/// (quotes too; line breaks as character references), passed to the formatter as [`AttrText`].
pub const ATTR_FILTER: &str = "saksflyt_attribute";

/// A value already escaped for an XML attribute. Only [`ATTR_FILTER`] makes one, from the
/// value's text, so no template text reaches the output unescaped.
#[derive(Debug)]
struct AttrText(String);

impl minijinja::value::Object for AttrText {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn render(self: &std::sync::Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The template environment: strict undefined, fuel, recursion bound, no loader (so no
/// include/import can read anything), every value escaped for WordprocessingML text.
fn environment(fuel: u64) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(fuel));
    env.set_recursion_limit(MAX_RECURSION);
    env.set_formatter(|out, _state, value| {
        if value.is_undefined() || value.is_none() {
            return Ok(());
        }
        if let Some(a) = value.downcast_object_ref::<AttrText>() {
            return out
                .write_str(&a.0)
                .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write failed"));
        }
        let s = match value.as_str() {
            Some(s) => s.to_string(),
            None => value.to_string(),
        };
        out.write_str(&word_text(&s))
            .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write failed"))
    });
    env.add_filter("nodate", |s: Option<String>| s.map(|s| lang::format_date(&s)).unwrap_or_default());
    env.add_filter("numdate", |s: Option<String>| {
        s.map(|s| lang::format_numeric_date(&s)).unwrap_or_default()
    });
    env.add_filter("nok", |n: Option<i64>| n.map(lang::format_nok).unwrap_or_default());
    env.add_filter("cellbg", |v: Value| cell_fill(&v));
    env.add_filter("listlevel", list_level);
    env.add_filter("outline", outline);
    env.add_filter(ATTR_FILTER, |v: Value| -> Result<Value, minijinja::Error> {
        // strict: an undefined value fails here as it does in text
        if v.is_undefined() {
            return Err(minijinja::Error::from(ErrorKind::UndefinedError));
        }
        let s = if v.is_none() {
            String::new()
        } else if let Some(a) = v.downcast_object_ref::<AttrText>() {
            return Ok(Value::from_object(AttrText(a.0.clone())));
        } else {
            v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
        };
        let mut out = String::with_capacity(s.len());
        xml::escape_attr(&s, &mut out);
        Ok(Value::from_object(AttrText(out)))
    });
    env
}

/// The value of `{% li level %}`: a whole number 0–8 (Word's nine list levels).
fn list_level(v: Value) -> Result<u8, minijinja::Error> {
    let n = i64::try_from(v.clone()).ok().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
    match n {
        Some(n) if (0..=8).contains(&n) => Ok(n as u8),
        Some(n) if n > 8 => Ok(8),
        _ => Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("the list level must be a whole number from 0 to 8, not {v}"),
        )),
    }
}

/// Deepest point nesting `outline` follows.
const MAX_OUTLINE_DEPTH: usize = 16;

/// `points | outline`: decision points (a tree: `text`, `label`, `children`, `lead_in`) as a flat
/// list in reading order, each with `depth` (0 = a top-level point) and `numbered` (its list is
/// numbered: the first point of the list has a label, as in the built-in documents); lead-ins
/// (`Følgende innspill gis:`) of the top level come first, with `lead_in` true. Every other field
/// of a point is kept. For `{%p for pt in case.decision | outline %}` around a `{% li pt.depth %}`
/// paragraph.
fn outline(points: Value) -> Result<Value, minijinja::Error> {
    let mut out: Vec<Value> = Vec::new();
    let items: Vec<Value> = match points.try_iter() {
        Ok(it) => it.collect(),
        Err(_) if points.is_none() || points.is_undefined() => Vec::new(),
        Err(e) => return Err(e),
    };
    let lead = |p: &Value| p.get_attr("lead_in").map(|v| v.is_true()).unwrap_or(false);
    for p in items.iter().filter(|p| lead(p)) {
        out.push(flat_point(p, 0, false, true));
    }
    let rest: Vec<Value> = items.into_iter().filter(|p| !lead(p)).collect();
    outline_into(&rest, 0, &mut out);
    Ok(Value::from(out))
}

fn outline_into(points: &[Value], depth: usize, out: &mut Vec<Value>) {
    if depth >= MAX_OUTLINE_DEPTH || out.len() >= 100_000 {
        return;
    }
    let numbered = points.first().and_then(|p| p.get_attr("label").ok()).is_some_and(|l| l.is_true());
    for p in points {
        out.push(flat_point(p, depth, numbered, false));
        let children: Vec<Value> = p
            .get_attr("children")
            .ok()
            .and_then(|c| c.try_iter().ok().map(|it| it.collect()))
            .unwrap_or_default();
        if !children.is_empty() {
            outline_into(&children, depth + 1, out);
        }
    }
}

fn flat_point(p: &Value, depth: usize, numbered: bool, lead_in: bool) -> Value {
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    if let Ok(keys) = p.try_iter() {
        if p.kind() == minijinja::value::ValueKind::Map {
            for k in keys {
                if let (Some(name), Ok(v)) = (k.as_str().map(str::to_string), p.get_item(&k)) {
                    if name != "children" {
                        m.insert(name, v);
                    }
                }
            }
        }
    }
    if p.kind() != minijinja::value::ValueKind::Map {
        m.insert("text".into(), p.clone());
    }
    m.insert("depth".into(), Value::from(depth));
    m.insert("numbered".into(), Value::from(numbered));
    m.insert("lead_in".into(), Value::from(lead_in));
    Value::from_object(m)
}

/// A value as text inside `w:t`: XML-escaped; line breaks and tabs become Word's own.
pub fn word_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let s = s.replace("\r\n", "\n");
    for c in s.chars() {
        match c {
            '\n' => out.push_str("</w:t><w:br/><w:t xml:space=\"preserve\">"),
            '\t' => out.push_str("</w:t><w:tab/><w:t xml:space=\"preserve\">"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if crate::util::xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// The fill of `{% cellbg %}`: traffic-light words (English, bokmål, nynorsk), the decision
/// log's statuses, or a hex colour; anything else is no shading ([`post::NO_FILL`], whose
/// `w:shd` the post pass removes).
pub fn cell_fill(v: &Value) -> String {
    let s = v.as_str().map(str::to_string).unwrap_or_else(|| {
        if v.is_none() || v.is_undefined() {
            String::new()
        } else {
            v.to_string()
        }
    });
    let s = s.trim().to_lowercase();
    match s.as_str() {
        // traffic lights, and the decision log's statuses (followed up, open, overdue)
        "green" | "grønn" | "grøn" | "followed_up" | "fulgt opp" | "fylgt opp" => return "00B050".into(),
        "yellow" | "gul" | "open" | "åpen" => return "FFC000".into(),
        "red" | "rød" | "raud" | "overdue" | "forfalt" | "forfalle" => return "FF0000".into(),
        _ => {}
    }
    let hex = s.strip_prefix('#').unwrap_or(&s);
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        hex.to_uppercase()
    } else {
        post::NO_FILL.into()
    }
}

/// Every key of every object in the context (bounded), for "did you mean".
fn known_names(ctx: &serde_json::Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![ctx];
    let mut seen = 0usize;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > 200_000 || out.len() > 10_000 {
            break;
        }
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    stack.push(v);
                }
            }
            serde_json::Value::Array(a) => stack.extend(a.iter().take(50)),
            _ => {}
        }
    }
    out
}

/// Names a statement binds (`for a, b in …`, `set x = …`).
fn bound_names(code: &str, names: &mut BTreeSet<String>) {
    let mut words = code.split_whitespace();
    match words.next() {
        Some("for") => {
            let head = code.trim_start_matches("for").split(" in ").next().unwrap_or_default();
            for n in head.split(',') {
                names.insert(n.trim().trim_matches(|c| c == '(' || c == ')').to_string());
            }
        }
        Some("set") | Some("macro") => {
            if let Some(n) = words.next() {
                let n = n.split(['=', '(']).next().unwrap_or_default();
                names.insert(n.to_string());
            }
        }
        _ => {}
    }
}

const WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "elif",
    "for",
    "endfor",
    "endif",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "loop",
    "set",
    "recursive",
    "range",
    "dict",
    "namespace",
    "debug",
    "with",
    "endwith",
    "filter",
    "endfilter",
    "macro",
    "endmacro",
    "call",
    "endcall",
    "caller",
    "varargs",
    "kwargs",
];

/// "unknown variable plann — did you mean plan?" for the first name in `code` the context lacks.
fn suggest(code: &str, names: &BTreeSet<String>) -> Option<String> {
    let b: Vec<char> = code.chars().collect();
    let mut i = 0;
    let mut prev_sig: Option<char> = None;
    let mut prev_word = String::new();
    while i < b.len() {
        let c = b[i];
        if c == '"' || c == '\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            i += 1;
            prev_sig = Some(c);
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            let mut path: Vec<String> = Vec::new();
            let mut seg = String::new();
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '.') {
                if b[i] == '.' {
                    path.push(std::mem::take(&mut seg));
                } else {
                    seg.push(b[i]);
                }
                i += 1;
            }
            path.push(seg);
            let called = b.get(i) == Some(&'(');
            let skip =
                matches!(prev_sig, Some('|')) || prev_word == "is" || (start > 0 && b[start - 1] == '.');
            let first = path.first().cloned().unwrap_or_default();
            prev_word = first.clone();
            prev_sig = Some('a');
            if skip || WORDS.contains(&first.as_str()) {
                continue;
            }
            let last = path.len().saturating_sub(1);
            for (k, s) in path.iter().enumerate() {
                if s.is_empty() || (called && k == last) || names.contains(s) {
                    continue;
                }
                let what = if k == 0 {
                    format!("unknown variable {s}")
                } else {
                    format!("unknown field {s} of {}", path[..k].join("."))
                };
                return Some(match nearest(s, names) {
                    Some(n) => format!("{what} — did you mean {n}?"),
                    None => what,
                });
            }
            continue;
        }
        if !c.is_whitespace() {
            prev_sig = Some(c);
            prev_word.clear();
        }
        i += 1;
    }
    None
}

fn nearest<'a>(s: &str, names: &'a BTreeSet<String>) -> Option<&'a str> {
    let max = (s.chars().count() / 3).max(1);
    names
        .iter()
        .map(|n| (levenshtein(s, n), n))
        .filter(|(d, _)| *d <= max)
        // on a tie, a name of the same length (a letter mistyped rather than one missing)
        .min_by_key(|(d, n)| (*d, n.chars().count().abs_diff(s.chars().count()), n.len()))
        .map(|(_, n)| n.as_str())
}

/// Edit distance with transpositions (optimal string alignment): `titel` is 1 from `title`.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, v) in d.iter_mut().enumerate().take(w) {
        *v = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

const TEMPLATE_MAIN: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml";
const DOCUMENT_MAIN: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

/// A template saved by Word as `.dotx` renders to a document (`.docx`), not to another template.
fn as_document(pkg: &mut Package) {
    let ct = "[Content_Types].xml";
    let Some(text) = pkg.get(ct).and_then(|b| std::str::from_utf8(b).ok()).map(str::to_string) else {
        return;
    };
    if text.contains(TEMPLATE_MAIN) {
        pkg.put(ct, text.replace(TEMPLATE_MAIN, DOCUMENT_MAIN).into_bytes());
    }
}

const IMAGE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";

/// An image placeholder found in a part.
struct Media {
    part: String,
    rid: String,
    name: String,
    /// The placeholder's size (EMU), for a chart drawn to fit it.
    extent: Option<(u64, u64)>,
}

/// Adds each placeholder's image as a new media part with a relationship from its part; the
/// drawing (extent, position, crop) stays as the template has it. A chart is drawn at the
/// placeholder's aspect ratio.
fn add_images(pkg: &mut Package, media: &[Media], images: &Images, charts: &Charts) -> Result<(), String> {
    if media.is_empty() {
        return Ok(());
    }
    let mut drawn: BTreeMap<(String, String), Vec<u8>> = BTreeMap::new();
    for m in media {
        if let Some(data) = charts.get(&m.name) {
            let (w, h) = match m.extent {
                Some((cx, cy)) => crate::render::chart::size_for(data, cx, cy),
                None => crate::render::chart::natural_size(data),
            };
            let (png, _, _) = crate::render::chart::draw_sized(data, w, h).map_err(|e| e.to_string())?;
            drawn.insert((m.part.clone(), m.name.clone()), png);
        }
    }
    let mut by_part: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for m in media {
        by_part.entry(m.part.as_str()).or_default().push((m.rid.as_str(), m.name.as_str()));
    }
    for (part, list) in by_part {
        let rels_part = rels_of(part);
        let text = match pkg.get(&rels_part) {
            Some(b) => String::from_utf8(b.to_vec()).map_err(|_| format!("{rels_part} is not UTF-8"))?,
            None => "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"></Relationships>".to_string(),
        };
        let mut root = xml::parse(&text).map_err(|e| format!("{rels_part}: {e}"))?;
        let stem = part.rsplit('/').next().unwrap_or(part).trim_end_matches(".xml").to_string();
        for (rid, name) in list {
            let Some(png) = drawn.get(&(part.to_string(), name.to_string())).or_else(|| images.get(name))
            else {
                continue;
            };
            let safe: String =
                name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
            let media_name = format!("media/saksflyt-{stem}-{safe}.png");
            let dir = part.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
            pkg.put(&format!("{dir}{media_name}"), png.clone());
            if let Some(rels) = root.elems_mut().next() {
                rels.children.push(xml::Node::Elem(xml::Elem::new(
                    "Relationship",
                    &[("Id", rid), ("Type", IMAGE_REL), ("Target", &media_name)],
                )));
            }
        }
        pkg.put(&rels_part, xml::write(&root).into_bytes());
    }
    // a Default for png in [Content_Types].xml
    let ct = "[Content_Types].xml";
    let text =
        pkg.get(ct).and_then(|b| std::str::from_utf8(b).ok()).ok_or("no [Content_Types].xml")?.to_string();
    let mut root = xml::parse(&text).map_err(|e| format!("{ct}: {e}"))?;
    if let Some(types) = root.elems_mut().next() {
        let has_png = types.elems().any(|e| {
            e.name == "Default" && e.attr("Extension").is_some_and(|x| x.eq_ignore_ascii_case("png"))
        });
        if !has_png {
            types.children.insert(
                0,
                xml::Node::Elem(xml::Elem::new(
                    "Default",
                    &[("Extension", "png"), ("ContentType", "image/png")],
                )),
            );
        }
    }
    pkg.put(ct, xml::write(&root).into_bytes());
    Ok(())
}

/// `docx` with part `name` replaced by `bytes`.
pub fn replace_part(docx: &[u8], file: &str, name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, WordTplError> {
    let mut pkg = Package::open(docx, file)?;
    pkg.put(name, bytes);
    pkg.write().map_err(|e| package_err(file, format!("cannot write the package: {e}")))
}

/// The core-properties part (its name from the package relationships, else the conventional
/// one) and its text, when the package has one.
fn core_part(pkg: &Package) -> Option<(String, String)> {
    let core = relationships(pkg, "_rels/.rels")
        .into_iter()
        .find(|(_, ty, _)| ty.ends_with("/metadata/core-properties"))
        .map(|(_, _, t)| resolve("", &t))
        .unwrap_or_else(|| "docProps/core.xml".to_string());
    let text = pkg.get(&core).and_then(|b| std::str::from_utf8(b).ok())?.to_string();
    Some((core, text))
}

/// The document properties: tags in the title and subject filled (`Årsrapport {{ year }}`), with
/// the same environment as the body (values as plain text: the XML writer escapes them; a
/// property without tags is left as it is), then the dates and author of `stamp` set.
/// The core properties part with its tags rendered and `stamp` applied: its name and bytes, or
/// `None` when it stays as it is.
fn core_props(
    pkg: &Package,
    file: &str,
    ctx: &Value,
    stamp: &Stamp,
) -> Result<Option<(String, Vec<u8>)>, WordTplError> {
    let Some((core, text)) = core_part(pkg) else { return Ok(None) };
    let tagged = text.contains("{{") || text.contains("{%");
    if !tagged && stamp.date.is_none() && stamp.creator.is_none() {
        return Ok(None);
    }
    let mut root = xml::parse(&text).map_err(|e| package_err(file, format!("{core}: {e}")))?;
    let mut env = environment(BASE_FUEL);
    env.set_formatter(|out, _state, value| {
        if value.is_undefined() || value.is_none() {
            return Ok(());
        }
        let s = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
        let s: String = s.chars().filter(|c| crate::util::xml_allowed(*c)).collect();
        out.write_str(&s).map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write failed"))
    });
    if let Some(props) = root.elems_mut().next() {
        for e in props.elems_mut() {
            let value = match e.name.as_str() {
                "dc:title" | "dc:subject" => {
                    let t: String = e
                        .children
                        .iter()
                        .filter_map(|n| if let xml::Node::Text(t) = n { Some(t.as_str()) } else { None })
                        .collect();
                    if !t.contains("{{") && !t.contains("{%") {
                        continue;
                    }
                    Some(env.render_str(&t, ctx.clone()).map_err(|err| {
                        package_err(
                            file,
                            format!(
                                "document property {} «{t}»: {}",
                                e.name,
                                reason(&err, None, &BTreeSet::new())
                            ),
                        )
                    })?)
                }
                "dcterms:created" | "dcterms:modified" => stamp.date.map(|d| format!("{d}T00:00:00Z")),
                "dc:creator" | "cp:lastModifiedBy" => stamp.creator.map(str::to_string),
                _ => None,
            };
            if let Some(v) = value {
                e.children = vec![xml::Node::Text(v)];
            }
        }
    }
    Ok(Some((core, xml::write(&root).into_bytes())))
}

/// Set `dc:identifier` of the core properties to [`crate::util::WRITTEN_MARK`] and the SHA-256 of
/// the main part as it is written (nothing when the package has no core properties).
fn mark_written(pkg: &mut Package, main: &str, file: &str) -> Result<(), WordTplError> {
    let Some(digest) = pkg.get(main).map(crate::util::sha256_hex) else { return Ok(()) };
    let Some((core, text)) = core_part(pkg) else { return Ok(()) };
    let mut root = xml::parse(&text).map_err(|e| package_err(file, format!("{core}: {e}")))?;
    let value = format!("{}{digest}", crate::util::WRITTEN_MARK);
    if let Some(props) = root.elems_mut().next() {
        if !props.attrs.iter().any(|(k, _)| *k == "xmlns:dc") {
            props.attrs.push(("xmlns:dc".into(), "http://purl.org/dc/elements/1.1/".into()));
        }
        let has = props.elems_mut().any(|e| e.name == "dc:identifier");
        if has {
            for e in props.elems_mut().filter(|e| e.name == "dc:identifier") {
                e.children = vec![xml::Node::Text(value.clone())];
            }
        } else {
            let mut e = xml::Elem::new("dc:identifier", &[]);
            e.children.push(xml::Node::Text(value));
            props.children.push(xml::Node::Elem(e));
        }
    }
    pkg.put(&core, xml::write(&root).into_bytes());
    Ok(())
}

const COMMENTS_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const COMMENTS_CT: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A copy of `template` with each error as a Word comment on the paragraph of its tag (errors in
/// headers and footers go to the first paragraph of the body, naming their part).
pub fn annotate(template: &[u8], file: &str, errors: &[TagError]) -> Result<Vec<u8>, WordTplError> {
    let mut pkg = Package::open(template, file)?;
    let parts = template_parts(&pkg);
    let main = parts.first().cloned().unwrap_or_else(|| "word/document.xml".into());
    let text = pkg
        .get(&main)
        .and_then(|b| std::str::from_utf8(b).ok())
        .ok_or_else(|| package_err(file, format!("no readable {main}")))?
        .to_string();
    let mut root = xml::parse(&text).map_err(|e| package_err(file, format!("{main}: malformed XML: {e}")))?;
    let comments_part = "word/comments.xml";
    let mut comments = match pkg.get(comments_part).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(t) => xml::parse(t).map_err(|e| package_err(file, format!("{comments_part}: {e}")))?,
        None => {
            let mut r = xml::Elem::default();
            r.children
                .push(xml::Node::Raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>".into()));
            r.children.push(xml::Node::Elem(xml::Elem::new("w:comments", &[("xmlns:w", W_NS)])));
            r
        }
    };
    let first_id = comments
        .elems()
        .flat_map(|c| c.elems())
        .filter_map(|c| c.attr("w:id").and_then(|v| v.parse::<u64>().ok()))
        .max()
        .map(|m| m + 1)
        .unwrap_or(0);
    // paragraph number → comment texts
    let mut at: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for e in errors {
        if e.loc.part == main && e.loc.paragraph > 0 {
            let msg = if e.tag.is_empty() { e.reason.clone() } else { format!("{}: {}", e.tag, e.reason) };
            at.entry(e.loc.paragraph).or_default().push(msg);
        } else {
            at.entry(1).or_default().push(e.to_string());
        }
    }
    let mut next = first_id;
    let mut count = 0usize;
    let mut added: Vec<(u64, String)> = Vec::new();
    mark_paragraphs(&mut root, &mut count, &at, &mut next, &mut added);
    if let Some(list) = comments.elems_mut().next() {
        for (id, msg) in &added {
            let mut c = xml::Elem::new(
                "w:comment",
                &[("w:id", &id.to_string()), ("w:author", "saksflyt"), ("w:initials", "sf")],
            );
            let mut p = xml::Elem::new("w:p", &[]);
            let mut r = xml::Elem::new("w:r", &[]);
            let mut t = xml::Elem::new("w:t", &[("xml:space", "preserve")]);
            t.children.push(xml::Node::Text(msg.clone()));
            r.children.push(xml::Node::Elem(t));
            p.children.push(xml::Node::Elem(r));
            c.children.push(xml::Node::Elem(p));
            list.children.push(xml::Node::Elem(c));
        }
    }
    pkg.put(&main, xml::write(&root).into_bytes());
    let had_comments = pkg.get(comments_part).is_some();
    pkg.put(comments_part, xml::write(&comments).into_bytes());
    if !had_comments {
        let rels_part = rels_of(&main);
        let text = pkg
            .get(&rels_part)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| package_err(file, format!("no {rels_part}")))?
            .to_string();
        let mut rels = xml::parse(&text).map_err(|e| package_err(file, format!("{rels_part}: {e}")))?;
        if let Some(list) = rels.elems_mut().next() {
            list.children.push(xml::Node::Elem(xml::Elem::new(
                "Relationship",
                &[("Id", "rIdSaksflytComments"), ("Type", COMMENTS_REL), ("Target", "comments.xml")],
            )));
        }
        pkg.put(&rels_part, xml::write(&rels).into_bytes());
        let ct = "[Content_Types].xml";
        let text = pkg
            .get(ct)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| package_err(file, "no [Content_Types].xml"))?
            .to_string();
        let mut types = xml::parse(&text).map_err(|e| package_err(file, format!("{ct}: {e}")))?;
        if let Some(list) = types.elems_mut().next() {
            list.children.push(xml::Node::Elem(xml::Elem::new(
                "Override",
                &[("PartName", "/word/comments.xml"), ("ContentType", COMMENTS_CT)],
            )));
        }
        pkg.put(ct, xml::write(&types).into_bytes());
    }
    pkg.write().map_err(|e| package_err(file, format!("cannot write the package: {e}")))
}

/// Counts paragraphs as [`template::prepare`] does and puts comment marks on the listed ones.
fn mark_paragraphs(
    e: &mut xml::Elem,
    count: &mut usize,
    at: &BTreeMap<usize, Vec<String>>,
    next: &mut u64,
    added: &mut Vec<(u64, String)>,
) {
    let mut here: Vec<u64> = Vec::new();
    if e.name == "w:p" {
        *count += 1;
        if let Some(msgs) = at.get(count) {
            for m in msgs {
                here.push(*next);
                added.push((*next, m.clone()));
                *next += 1;
            }
        }
    }
    for c in e.elems_mut() {
        mark_paragraphs(c, count, at, next, added);
    }
    if here.is_empty() {
        return;
    }
    let start = e
        .children
        .iter()
        .position(|n| !matches!(n, xml::Node::Elem(c) if c.name == "w:pPr"))
        .unwrap_or(e.children.len());
    for (k, id) in here.iter().enumerate() {
        e.children.insert(
            start + k,
            xml::Node::Elem(xml::Elem::new("w:commentRangeStart", &[("w:id", &id.to_string())])),
        );
    }
    for id in &here {
        let id = id.to_string();
        e.children.push(xml::Node::Elem(xml::Elem::new("w:commentRangeEnd", &[("w:id", &id)])));
        let mut r = xml::Elem::new("w:r", &[]);
        r.children.push(xml::Node::Elem(xml::Elem::new("w:commentReference", &[("w:id", &id)])));
        e.children.push(xml::Node::Elem(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_kept_in_pieces_of_whole_writes() {
        use std::io::Write;
        let mut small = CappedWriter::new(64 << 20);
        small.write_all(&[b'a'; 1000]).unwrap();
        assert_eq!(small.pieces.len(), 1);
        assert!(small.pieces[0].capacity() < 1 << 20, "a small part grows as usual");
        let mut large = CappedWriter::new(16 << 20);
        let line = "æøå <w:t>tekst</w:t>\n".repeat(1000);
        let mut written = 0;
        while written + line.len() <= 12 << 20 {
            large.write_all(line.as_bytes()).unwrap();
            written += line.len();
        }
        assert_eq!(large.len, written);
        assert!(large.pieces.len() >= 12, "{} pieces", large.pieces.len());
        for p in &large.pieces {
            assert!(p.len() <= xml::MARKUP_PIECE_BYTES && p.len() % line.len() == 0, "whole writes");
            assert!(p.capacity() <= xml::MARKUP_PIECE_BYTES, "never a doubled buffer");
        }
        assert!(large.write_all(&vec![b'a'; 5 << 20]).is_err(), "the cap still holds");
        assert!(large.over);
        let markup = xml::Markup::from_pieces(large.pieces).unwrap();
        assert_eq!(markup.len(), written);
        assert!(markup.pieces().all(|p| p.len() % line.len() == 0));
    }

    #[test]
    fn suggestions() {
        let names: BTreeSet<String> =
            ["plan", "items", "title", "item"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            suggest("plann.title", &names).as_deref(),
            Some("unknown variable plann — did you mean plan?")
        );
        assert_eq!(
            suggest("plan.titel | upper", &names).as_deref(),
            Some("unknown field titel of plan — did you mean title?")
        );
        assert_eq!(suggest("'plann' ~ plan.title", &names), None);
        assert_eq!(suggest("item.title is defined", &names), None);
        let names: BTreeSet<String> = ["total", "totals"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            suggest("totalz.green", &names).as_deref(),
            Some("unknown variable totalz — did you mean totals?")
        );
    }

    #[test]
    fn fills_and_text() {
        assert_eq!(cell_fill(&Value::from("grønn")), "00B050");
        assert_eq!(cell_fill(&Value::from("#92d050")), "92D050");
        assert_eq!(cell_fill(&Value::from("<x>")), post::NO_FILL);
        assert_eq!(word_text("a<b>&\nc"), "a&lt;b&gt;&amp;</w:t><w:br/><w:t xml:space=\"preserve\">c");
        assert_eq!(resolve("word/document.xml", "../customXml/a.xml"), "customXml/a.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
    }
}
