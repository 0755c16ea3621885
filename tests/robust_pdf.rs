//! Robustness: every PDF in `../shared/robust/pdf/` (skipped when the folder is absent) is read
//! or refused with a clear, non-empty error within a time bound, never a panic. Files that open
//! with the empty user password must read; files that need a user password must be refused as
//! encrypted.

use saksflyt::read::{read_bytes, Limits, ReadError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Per-file bound for the test; the reader's own bound is set below it.
const BOUND: Duration = Duration::from_secs(20);

/// `../shared/robust/pdf` beside the repository (or beside a worktree's parent folder, or where
/// `SAKSFLYT_SHARED` points).
fn robust_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut candidates: Vec<PathBuf> =
        std::env::var_os("SAKSFLYT_SHARED").map(PathBuf::from).into_iter().collect();
    candidates.push(root.join("../shared"));
    candidates.push(root.join("../../shared"));
    candidates.into_iter().map(|c| c.join("robust/pdf")).find(|d| d.is_dir())
}

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = robust_dir()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    Some(files)
}

fn limits() -> Limits {
    Limits { max_millis: 10_000, ..Limits::default() }
}

/// Read in a thread with a timeout; `None` when the bound was exceeded.
fn read_bounded(path: &Path) -> Option<Result<saksflyt::model::Document, ReadError>> {
    let bytes = std::fs::read(path).ok()?;
    let p = path.to_path_buf();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| read_bytes(&p, &bytes, &limits()));
        let _ = tx.send(r);
    });
    match rx.recv_timeout(BOUND) {
        Ok(Ok(r)) => Some(r),
        Ok(Err(_)) => panic!("{}: the reader panicked", path.display()),
        Err(_) => None,
    }
}

#[test]
fn every_robust_pdf_is_read_or_refused_in_time() {
    let Some(files) = corpus() else {
        assert!(std::env::var_os("CI").is_none(), "../shared/robust/pdf absent under CI");
        eprintln!("../shared/robust/pdf absent: skipped");
        return;
    };
    assert!(!files.is_empty());
    let mut late = Vec::new();
    let (mut read, mut refused) = (0, 0);
    for f in &files {
        match read_bounded(f) {
            None => late.push(f.display().to_string()),
            Some(Ok(doc)) => {
                read += 1;
                assert!(doc.pages.unwrap_or(0) >= 1, "{}: no pages", f.display());
            }
            Some(Err(ReadError::Internal(m))) => panic!("{}: the reader panicked (caught): {m}", f.display()),
            Some(Err(e)) => {
                refused += 1;
                let msg = e.to_string();
                assert!(!msg.trim().is_empty(), "{}: empty error", f.display());
            }
        }
    }
    eprintln!("robust corpus: {read} read, {refused} refused of {}", files.len());
    assert!(late.is_empty(), "over {BOUND:?}: {late:?}");
    assert!(read * 2 > files.len(), "most files should read: {read} of {}", files.len());
}

fn named(name: &str) -> Option<PathBuf> {
    let p = robust_dir()?.join(name);
    p.is_file().then_some(p)
}

#[test]
fn empty_user_password_pdfs_are_decrypted() {
    for name in ["pypdf__r6-empty-password.pdf", "pdfjs__empty_protected.pdf"] {
        let Some(p) = named(name) else { continue };
        match read_bounded(&p) {
            Some(Ok(doc)) => assert!(doc.pages.unwrap_or(0) >= 1, "{name}"),
            other => panic!("{name}: expected a read, got {:?}", other.map(|r| r.map(|_| ()))),
        }
    }
    if let Some(p) = named("pypdf__r6-empty-password.pdf") {
        let doc = read_bounded(&p).and_then(Result::ok).expect("read");
        let text: String = doc.blocks.iter().filter_map(|b| b.text()).collect::<Vec<_>>().join(" ");
        assert!(!text.trim().is_empty(), "decrypted text expected");
    }
}

#[test]
fn user_password_pdfs_are_refused_as_encrypted() {
    for name in [
        "pypdf__r2-user-password.pdf",
        "pypdf__r4-aes-user-password.pdf",
        "pypdf__libreoffice-writer-password.pdf",
    ] {
        let Some(p) = named(name) else { continue };
        match read_bounded(&p) {
            Some(Err(ReadError::EncryptedPdf)) => {}
            other => panic!("{name}: expected EncryptedPdf, got {:?}", other.map(|r| r.map(|_| ()))),
        }
    }
}
