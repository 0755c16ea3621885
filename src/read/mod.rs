//! Stage 1 — **read**: DOCX, PDF and text files → the block model ([`crate::model::Document`]).
//!
//! [`read_file`] picks the reader from the file's content (zip / `%PDF` / OLE magic) and extension,
//! enforces the size limits, and turns every failure into a [`ReadError`] naming the file.
//! Readers never panic on any input; code that might (third-party parsers) runs inside
//! `catch_unwind` and a time bound.

pub mod docx;
pub mod pdf;
pub mod text;

use crate::model::{Block, Document, Format};
use std::io::Read;
use std::path::Path;

/// Size limits every reader enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest total uncompressed size of a zip package (DOCX), in bytes.
    pub max_unzipped_bytes: u64,
    /// Largest single decompressed stream or XML part, in bytes.
    pub max_part_bytes: u64,
    /// Most pages read from a PDF.
    pub max_pages: u32,
    /// Wall-clock bound for reading one file, in milliseconds (each page read by OCR adds
    /// its own bound, see `read::pdf`).
    pub max_millis: u64,
    /// Largest plain-text file accepted, in bytes (text needs no more; a bigger `.txt` is a log
    /// or a dump, not a committee paper).
    pub max_text_file_bytes: u64,
    /// Most XML elements and text nodes in one DOCX part (bounds the parsed tree: ~100 bytes
    /// each, whatever the compression ratio).
    pub max_xml_nodes: u64,
    /// Most blocks in a read document, counting list items, table cells and the blocks inside
    /// cells, headers, footers and notes.
    pub max_blocks: u64,
    /// Most text in a read document, in bytes (absolute ceiling).
    pub max_text_bytes: u64,
    /// Most text per input byte: text may be at most this multiple of the file size (plus
    /// 64 KiB), so a small compressed file cannot inflate into a huge model.
    pub max_text_amplification: u64,
    /// Largest extracted record, as JSON, in bytes.
    pub max_record_bytes: u64,
    /// OCR of PDF pages without a text layer.
    pub ocr: Ocr,
    /// Wall-clock bound for all OCR of one file, in milliseconds (every OCR program of the
    /// file together, waiting for a free OCR place included): each program is killed at what
    /// is left of it. Default [`OCR_FILE_MILLIS`]; the environment variable
    /// [`OCR_SECONDS_VAR`] sets it in seconds.
    pub max_ocr_millis: u64,
}

/// Default wall-clock bound for all OCR of one file (see [`Limits::max_ocr_millis`]).
pub const OCR_FILE_MILLIS: u64 = 180_000;

/// Environment variable that sets [`Limits::max_ocr_millis`] in whole seconds (1 to 86,400).
pub const OCR_SECONDS_VAR: &str = "SAKSFLYT_OCR_SECONDS";

/// The OCR budget of one file from [`OCR_SECONDS_VAR`], or the default when unset or not a
/// number of seconds from 1 to 86,400.
fn ocr_file_millis() -> u64 {
    std::env::var(OCR_SECONDS_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| (1..=86_400).contains(s))
        .map_or(OCR_FILE_MILLIS, |s| s * 1000)
}

/// Whether PDF pages without a text layer (scans) are read with OCR (tesseract).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Ocr {
    /// When tesseract is installed; otherwise a warning says how to enable it.
    #[default]
    Auto,
    /// Never; such pages keep a warning.
    Off,
    /// Always: a page that needs OCR and cannot get it is an error.
    Require,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200 * 1024 * 1024,
            max_unzipped_bytes: 128 * 1024 * 1024,
            max_part_bytes: 32 * 1024 * 1024,
            max_pages: 2000,
            max_millis: if cfg!(debug_assertions) { 120_000 } else { 30_000 },
            max_text_file_bytes: 32 * 1024 * 1024,
            max_xml_nodes: 1_000_000,
            max_blocks: 200_000,
            max_text_bytes: 32 * 1024 * 1024,
            max_text_amplification: 1000,
            max_record_bytes: 16 * 1024 * 1024,
            ocr: Ocr::Auto,
            max_ocr_millis: ocr_file_millis(),
        }
    }
}

/// Why a file could not be read. Messages are lower-case, without a final dot; the CLI prefixes
/// the path.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot open: {0}")]
    Io(#[from] std::io::Error),
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    #[error("encrypted or legacy .doc (OLE container) — save as .docx")]
    LegacyOrEncrypted,
    #[error("not a valid zip package: {0}")]
    BadZip(String),
    #[error("zip bomb refused: {0}")]
    ZipBomb(String),
    #[error("invalid DOCX: {0}")]
    BadDocx(String),
    #[error("XML with a DTD or external entities refused in {0}")]
    Dtd(String),
    #[error("invalid PDF: {0}")]
    BadPdf(String),
    #[error("encrypted PDF that needs a password")]
    EncryptedPdf,
    #[error("cannot decode text: {0}")]
    Encoding(String),
    #[error("reading took longer than {0} ms")]
    Timeout(u64),
    #[error("not a regular file ({0}): only regular files are read")]
    NotRegular(String),
    #[error("over the per-file budget: {0}")]
    Budget(String),
    #[error("OCR required but not possible: {0}")]
    Ocr(String),
    #[error("reader failed unexpectedly: {0}")]
    Internal(String),
    #[error("the file is empty (0 bytes): nothing to read — was it copied or saved completely?")]
    Empty,
}

/// The format a file will be read as, from its first bytes and its extension.
pub fn detect(path: &Path, head: &[u8]) -> Result<Format, ReadError> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(Format::Docx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(ReadError::LegacyOrEncrypted);
    }
    if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Ok(Format::Pdf);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "docx" | "docm" => Err(ReadError::BadZip("the file does not start with a zip header".into())),
        "pdf" => Err(ReadError::BadPdf("no %PDF- header".into())),
        "txt" | "md" | "markdown" | "text" | "" => Ok(Format::Text),
        other => Err(ReadError::Unsupported(format!(".{other}"))),
    }
}

/// Read a file into the block model.
pub fn read_file(path: &Path, limits: &Limits) -> Result<Document, ReadError> {
    let bytes = load(path, limits)?;
    read_bytes(path, &bytes, limits)
}

/// The bytes of a file, refusing anything but a regular file (FIFOs, devices, sockets and
/// folders are refused by type; a symbolic link is followed and its target checked). The file is
/// opened without blocking (a FIFO cannot hang the open), its type and size are taken from the
/// open handle, and at most `max_file_bytes + 1` bytes are read, so the limit holds for what is
/// actually read even if the file grows.
pub fn load(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    let ft = meta.file_type();
    if !ft.is_file() {
        return Err(ReadError::NotRegular(file_kind(&ft).into()));
    }
    let limit = limits.max_file_bytes;
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: meta.len(), limit });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const O_NONBLOCK: i32 = 0o4000;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const O_NONBLOCK: i32 = 0x0004; // macOS and the BSDs
    std::fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn file_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// Read bytes already in memory; `path` only picks the format and names the file. The result is
/// checked against the document budget ([`check_document`]).
pub fn read_bytes(path: &Path, bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit: limits.max_file_bytes });
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if bytes.is_empty() && matches!(ext.as_str(), "docx" | "docm" | "dotx" | "pdf") {
        return Err(ReadError::Empty);
    }
    let doc = match detect(path, &bytes[..bytes.len().min(1024)])? {
        Format::Docx => docx::read(bytes, limits),
        Format::Pdf => pdf::read(bytes, limits),
        Format::Text => text::read(bytes, limits),
    }?;
    check_document(&doc, bytes.len() as u64, limits)?;
    Ok(doc)
}

/// The size of a read document: (blocks, text bytes), counting list items, table cells and the
/// blocks inside cells, and the headers, footers and notes.
pub fn document_size(doc: &Document) -> (u64, u64) {
    fn walk(blocks: &[Block], n: &mut u64, text: &mut u64) {
        for b in blocks {
            *n += 1;
            match b {
                Block::Table(t) => {
                    for row in &t.rows {
                        for cell in &row.cells {
                            *n += 1;
                            walk(&cell.blocks, n, text);
                        }
                    }
                }
                other => *text += other.text().map_or(0, |t| t.len() as u64),
            }
        }
    }
    let (mut n, mut text) = (0, 0);
    for part in [&doc.blocks, &doc.headers, &doc.footers, &doc.notes] {
        walk(part, &mut n, &mut text);
    }
    (n, text)
}

/// The text budget for an input of `input_bytes`: the amplification cap, under the ceiling.
pub fn text_budget(input_bytes: u64, limits: &Limits) -> u64 {
    input_bytes
        .saturating_mul(limits.max_text_amplification)
        .saturating_add(64 * 1024)
        .min(limits.max_text_bytes)
}

/// Refuse a document over the budget: more blocks than `max_blocks`, or more text than
/// [`text_budget`]. Keeps extraction (whose work grows with the blocks) and the record bounded.
pub fn check_document(doc: &Document, input_bytes: u64, limits: &Limits) -> Result<(), ReadError> {
    let (blocks, text) = document_size(doc);
    if blocks > limits.max_blocks {
        return Err(ReadError::Budget(format!(
            "{blocks} blocks (paragraphs, list items, table cells), over the limit of {}",
            limits.max_blocks
        )));
    }
    let budget = text_budget(input_bytes, limits);
    if text > budget {
        return Err(ReadError::Budget(format!(
            "{text} bytes of text from a {input_bytes}-byte file, over the limit of {budget} bytes"
        )));
    }
    Ok(())
}
