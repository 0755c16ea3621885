//! Stage 1 — **read**: DOCX, PDF and text files → the block model ([`crate::model::Document`]).
//!
//! [`read_file`] picks the reader from the file's content (zip / `%PDF` / OLE magic) and extension,
//! enforces the size limits, and turns every failure into a [`ReadError`] naming the file.
//! Readers never panic on any input; code that might (third-party parsers) runs inside
//! `catch_unwind` and a time bound.

pub mod docx;
pub mod pdf;
pub mod text;

use crate::model::{Document, Format};
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
    /// OCR of PDF pages without a text layer.
    pub ocr: Ocr,
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
            max_unzipped_bytes: 500 * 1024 * 1024,
            max_part_bytes: 100 * 1024 * 1024,
            max_pages: 2000,
            max_millis: 30_000,
            ocr: Ocr::Auto,
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
    #[error("OCR required but not possible: {0}")]
    Ocr(String),
    #[error("reader failed unexpectedly: {0}")]
    Internal(String),
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
    let meta = std::fs::metadata(path)?;
    if meta.len() > limits.max_file_bytes {
        return Err(ReadError::TooLarge { size: meta.len(), limit: limits.max_file_bytes });
    }
    let bytes = std::fs::read(path)?;
    read_bytes(path, &bytes, limits)
}

/// Read bytes already in memory; `path` only picks the format and names the file.
pub fn read_bytes(path: &Path, bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit: limits.max_file_bytes });
    }
    match detect(path, &bytes[..bytes.len().min(1024)])? {
        Format::Docx => docx::read(bytes, limits),
        Format::Pdf => pdf::read(bytes, limits),
        Format::Text => text::read(bytes, limits),
    }
}
