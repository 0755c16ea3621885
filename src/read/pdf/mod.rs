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
pub mod guard;
mod layout;
mod lists;
mod ocr;
mod tables;

use super::{Limits, Ocr, ReadError};
use crate::model::{Document, Format};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Most glyphs kept from one document, to bound memory.
const MAX_GLYPHS: usize = 5_000_000;
/// Most pages of one document read by OCR.
const MAX_OCR_PAGES: usize = 50;
/// Time bound for rasterising and recognising one page; it extends the document's bound (within
/// the file's OCR budget, `Limits::max_ocr_millis`: a file of slow pages cannot hold a batch for
/// an hour).
const OCR_PAGE_MILLIS: u64 = 90_000;

/// Where OCR of one file stands.
struct OcrRun {
    /// Pages sent to OCR.
    pages: usize,
    /// Wall time spent in OCR (waiting for a free OCR place included).
    spent: Duration,
    /// The file's OCR budget.
    budget: Duration,
    /// The page at which the budget ran out: OCR stops there for the file.
    stopped_at: Option<usize>,
    /// The first page whose OCR failed (a program failed, or could not render the page).
    failure: Option<String>,
}

/// What the worker tells the waiting caller.
enum Msg {
    /// OCR of one page starts: wait this much longer.
    Extend(Duration),
    Done(Result<Document, ReadError>),
}

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
            let extend = |d: Duration| {
                let _ = tx.send(Msg::Extend(d));
            };
            let result = catch_unwind(AssertUnwindSafe(|| read_inner(&owned, &limits, &extend)));
            let result = result.unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic in the PDF parser".into());
                Err(ReadError::Internal(msg))
            });
            let _ = tx.send(Msg::Done(result));
        })
        .map_err(|e| ReadError::Internal(format!("cannot start the PDF worker: {e}")))?;
    // a little grace over the interpreter's own deadline, which returns a partial result
    let mut until = Instant::now() + Duration::from_millis(limits.max_millis.saturating_add(2000));
    loop {
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Msg::Extend(d)) => until += d,
            Ok(Msg::Done(result)) => {
                let _ = worker.join();
                return result;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => return Err(ReadError::Timeout(limits.max_millis)),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(ReadError::Internal("the PDF worker stopped".into()))
            }
        }
    }
}

fn read_inner(bytes: &[u8], limits: &Limits, extend: &dyn Fn(Duration)) -> Result<Document, ReadError> {
    let start = Instant::now();
    let deadline = start + Duration::from_millis(limits.max_millis);
    let part_limit = usize::try_from(limits.max_part_bytes).unwrap_or(usize::MAX);
    let pdf = load(bytes, part_limit, deadline, limits)?;
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
    let mut total_text = 0usize;
    let mut ocr = OcrRun {
        pages: 0,
        spent: Duration::ZERO,
        budget: Duration::from_millis(limits.max_ocr_millis),
        stopped_at: None,
        failure: None,
    };
    let read_pages = page_ids.len().min(limits.max_pages as usize);
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
        let mut page = page;
        if page.glyphs.iter().all(|g| g.text(&page).trim().is_empty()) {
            let t = Instant::now();
            ocr_page(bytes, n, &mut page, limits, extend, &mut ocr, &mut doc.warnings)?;
            // time spent in OCR does not count against the interpreter's bound
            ocr.spent += t.elapsed();
            interp.extend_deadline(t.elapsed());
        }
        total_glyphs += page.glyphs.len();
        total_text += page.text.len();
        pages.push(page);
        if total_glyphs > MAX_GLYPHS {
            doc.warnings.push(format!("stopped after page {n}: more than {MAX_GLYPHS} characters"));
            break;
        }
        if total_text as u64 > limits.max_text_bytes {
            return Err(ReadError::Budget(format!(
                "the text passes {} bytes by page {n} (the limit of the document's text)",
                limits.max_text_bytes
            )));
        }
    }
    let no_text = pages.iter().all(|p| p.text.trim().is_empty());
    if let Some(k) = ocr.stopped_at {
        let why = format!(
            "OCR stopped at page {k} of {read_pages}: the file's OCR time budget of {} s is spent",
            ocr.budget.as_secs_f32()
        );
        if no_text {
            return Err(ReadError::Budget(format!("{why}; no text was read")));
        }
        doc.warnings.push(format!("{why}; its scanned pages from page {k} on were not read"));
    } else if let Some(why) = ocr.failure.filter(|_| no_text) {
        return Err(ReadError::Budget(format!("no text could be read: {why}")));
    }
    doc.pages = Some(pages.len() as u32);
    layout::build(&pages, &mut doc);
    Ok(doc)
}

/// A page without a text layer: recognise it with OCR when it paints an image and OCR is on
/// and available, within what is left of the file's OCR budget; otherwise say why not (and how
/// to enable it).
fn ocr_page(
    bytes: &[u8],
    n: usize,
    page: &mut content::Page,
    limits: &Limits,
    extend: &dyn Fn(Duration),
    run: &mut OcrRun,
    warnings: &mut Vec<String>,
) -> Result<(), ReadError> {
    if page.images == 0 {
        warnings.push(format!("no text layer on page {n} (blank page?)"));
        return Ok(());
    }
    let fail = |why: String, warnings: &mut Vec<String>| {
        if limits.ocr == Ocr::Require {
            Err(ReadError::Ocr(format!("page {n} has no text layer: {why}")))
        } else {
            warnings.push(format!("no text layer on page {n} (scanned?): {why}"));
            Ok(())
        }
    };
    if limits.ocr == Ocr::Off {
        warnings.push(format!("no text layer on page {n} (scanned?); OCR is off"));
        return Ok(());
    }
    let langs = match ocr::engine() {
        Ok(l) => l,
        Err(why) => return fail(format!("{why}; {}", ocr::HOW_TO_ENABLE), warnings),
    };
    if run.stopped_at.is_some() {
        // said once for the file, after its last page
        return Ok(());
    }
    if run.pages >= MAX_OCR_PAGES {
        return fail(format!("only the first {MAX_OCR_PAGES} scanned pages are read with OCR"), warnings);
    }
    let left = run.budget.saturating_sub(run.spent);
    let page_bound = Duration::from_millis(OCR_PAGE_MILLIS);
    let budget_bound = left < page_bound;
    if left.is_zero() {
        run.stopped_at = Some(n);
        return spent(run, n, limits);
    }
    run.pages += 1;
    let bound = page_bound.min(left);
    extend(bound);
    match ocr::recognise(bytes, n, page.width, page.height, Instant::now() + bound) {
        Ok(o) if o.words > 0 => {
            warnings.push(format!(
                "page {n} read by OCR (tesseract, {langs}): {} words, mean confidence {:.0} %",
                o.words, o.confidence
            ));
            ocr::apply(page, o);
            Ok(())
        }
        Ok(_) => fail("OCR found no words".into(), warnings),
        Err(ocr::OcrError::Time(_)) if budget_bound => {
            run.stopped_at = Some(n);
            spent(run, n, limits)
        }
        Err(ocr::OcrError::Time(why)) => {
            fail(format!("OCR passed the page's time of {} s ({why})", OCR_PAGE_MILLIS / 1000), warnings)
        }
        Err(ocr::OcrError::Failed(why)) => {
            run.failure.get_or_insert_with(|| format!("page {n}: {why}"));
            fail(format!("OCR failed: {why}"), warnings)
        }
        Err(ocr::OcrError::Unavailable(why)) => fail(format!("OCR failed: {why}"), warnings),
    }
}

/// The file's OCR budget ran out at page `n`: an error with `--ocr require`, otherwise said
/// once after the last page (see `read_inner`).
fn spent(run: &OcrRun, n: usize, limits: &Limits) -> Result<(), ReadError> {
    if limits.ocr == Ocr::Require {
        return Err(ReadError::Budget(format!(
            "OCR stopped at page {n}: the file's OCR time budget of {} s is spent",
            run.budget.as_secs_f32()
        )));
    }
    Ok(())
}

/// lopdf's load step under saksflyt's budgets ([`guard`]): the classic cross-reference tables
/// pre-checked, every parsed object counted and the deadline watched by the load filter. A
/// filtered load skips lopdf's own second try with a rebuilt cross-reference table (it would
/// run unfiltered), so that try is made here, filtered too.
pub fn load(
    bytes: &[u8],
    part_limit: usize,
    deadline: Instant,
    limits: &Limits,
) -> Result<lopdf::Document, ReadError> {
    guard::precheck(bytes).map_err(ReadError::BadPdf)?;
    // an encrypted file goes through the same guarded load (see `guard::hide_encryption`)
    let hidden = guard::hide_encryption(bytes);
    let encrypted = hidden.is_some();
    let bytes = hidden.as_deref().unwrap_or(bytes);
    let once = |force_reconstruct: bool| -> Result<lopdf::Document, ReadError> {
        let g = guard::Guard::arm(bytes.len(), part_limit, deadline, encrypted);
        let opts = lopdf::LoadOptions {
            max_decompressed_size: Some(part_limit),
            filter: Some(guard::filter),
            force_reconstruct,
            ..lopdf::LoadOptions::default()
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut pdf = lopdf::Document::load_mem_with_options(bytes, opts)?;
            if encrypted {
                guard::decrypt(&mut pdf)?;
            }
            Ok(pdf)
        }));
        if g.timed_out() {
            return Err(ReadError::Timeout(limits.max_millis));
        }
        if let Some(why) = g.problem() {
            return Err(ReadError::Budget(format!("PDF load step: {why}")));
        }
        match result {
            Ok(r) => r.map_err(load_error),
            Err(p) => std::panic::resume_unwind(p),
        }
    };
    let page_tree = |pdf: &lopdf::Document| {
        pdf.catalog()
            .and_then(|c| c.get(b"Pages"))
            .and_then(lopdf::Object::as_reference)
            .and_then(|root| pdf.get_dictionary(root))
            .is_ok_and(|root| root.has(b"Kids"))
    };
    let pdf = once(false)?;
    if page_tree(&pdf)
        || pdf.is_encrypted()
        || pdf.xref_recovery == Some(lopdf::xref::XrefRecovery::Reconstructed)
    {
        return Ok(pdf);
    }
    match once(true) {
        Ok(rebuilt) if page_tree(&rebuilt) => Ok(rebuilt),
        Ok(_) => Ok(pdf),
        Err(e @ (ReadError::Timeout(_) | ReadError::Budget(_))) => Err(e),
        Err(_) => Ok(pdf),
    }
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
