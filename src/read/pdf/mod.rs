//! PDF reader: PDF bytes → [`crate::model::Document`], the same block model as DOCX.
//!
//! Pipeline: lopdf loads (and, with the empty user password, decrypts) the file →
//! [`content`] runs each page's content stream into positioned glyphs and painted shapes, using
//! [`fonts`] to decode text → [`tables`] finds ruled tables (and their cell fills) in the shapes,
//! or aligned columns in the text → [`layout`] turns the rest into lines, paragraphs, headings
//! and list items in reading order, and removes running headers and footers.
//!
//! Safety: loading runs on a worker thread with a wall-clock bound (`Limits::max_millis`) inside
//! `catch_unwind`; streams are decompressed with `Limits::max_part_bytes` as the bound; the
//! interpreter checks the deadline and caps operators, glyphs and Form XObject depth.

mod content;
mod fonts;
mod layout;
mod lists;
mod tables;

use super::{Limits, ReadError};
use crate::model::{Document, Format};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Most glyphs kept from one document, to bound memory.
const MAX_GLYPHS: usize = 5_000_000;

/// Read a PDF. Runs the work on a worker thread so that a runaway parse cannot hold the caller
/// past `limits.max_millis`.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let owned = bytes.to_vec();
    let limits = *limits;
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("saksflyt-pdf".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| read_inner(&owned, &limits)));
            let result = result.unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic in the PDF parser".into());
                Err(ReadError::Internal(msg))
            });
            let _ = tx.send(result);
        })
        .map_err(|e| ReadError::Internal(format!("cannot start the PDF worker: {e}")))?;
    // a little grace over the interpreter's own deadline, which returns a partial result
    match rx.recv_timeout(Duration::from_millis(limits.max_millis.saturating_add(2000))) {
        Ok(result) => {
            let _ = worker.join();
            result
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(ReadError::Timeout(limits.max_millis)),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(ReadError::Internal("the PDF worker stopped".into()))
        }
    }
}

fn read_inner(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let start = Instant::now();
    let deadline = start + Duration::from_millis(limits.max_millis);
    let part_limit = usize::try_from(limits.max_part_bytes).unwrap_or(usize::MAX);
    let opts =
        lopdf::LoadOptions { max_decompressed_size: Some(part_limit), ..lopdf::LoadOptions::default() };
    let pdf = lopdf::Document::load_mem_with_options(bytes, opts).map_err(load_error)?;
    if pdf.is_encrypted() {
        return Err(ReadError::EncryptedPdf);
    }
    if Instant::now() > deadline {
        return Err(ReadError::Timeout(limits.max_millis));
    }
    let page_ids: Vec<lopdf::ObjectId> = pdf.page_iter().take(limits.max_pages as usize + 1).collect();
    if page_ids.is_empty() {
        return Err(ReadError::BadPdf("no pages found".into()));
    }
    let mut doc = Document::new(Format::Pdf);
    if page_ids.len() > limits.max_pages as usize {
        doc.warnings.push(format!("only the first {} pages were read", limits.max_pages));
    }
    let mut interp = content::Interp::new(&pdf, part_limit, deadline);
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut total_glyphs = 0usize;
    for (i, id) in page_ids.iter().take(limits.max_pages as usize).enumerate() {
        let page = interp.page(*id);
        if interp.timed_out {
            return Err(ReadError::Timeout(limits.max_millis));
        }
        let n = i + 1;
        if page.damaged {
            doc.warnings.push(format!("page {n}: content stream damaged, read what could be read"));
        }
        if page.truncated {
            doc.warnings.push(format!("page {n}: too many glyphs, the rest was skipped"));
        }
        if page.glyphs.iter().all(|g| g.text(&page).trim().is_empty()) {
            doc.warnings.push(format!("no text layer on page {n} (scanned?)"));
        }
        total_glyphs += page.glyphs.len();
        pages.push(page);
        if total_glyphs > MAX_GLYPHS {
            doc.warnings.push(format!("stopped after page {n}: more than {MAX_GLYPHS} characters"));
            break;
        }
    }
    doc.pages = Some(pages.len() as u32);
    layout::build(&pages, &mut doc);
    Ok(doc)
}

fn load_error(e: lopdf::Error) -> ReadError {
    match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => ReadError::EncryptedPdf,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }) => {
            ReadError::BadPdf(format!("a stream decompresses to more than {limit} bytes"))
        }
        other => ReadError::BadPdf(other.to_string().to_lowercase()),
    }
}
