//! Robustness: every file in `../shared/robust/docx/` (real-world and fuzzer-made DOCX files from
//! other projects' test suites) is either read or refused with a clear error — within a time
//! bound and without a panic. Skipped when `../shared` is absent; `SAKSFLYT_SHARED` points
//! elsewhere (e.g. from a git worktree).

use saksflyt::read::{read_file, Limits};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(20);

#[test]
fn every_robust_docx_is_read_or_refused_in_time() {
    let shared = std::env::var_os("SAKSFLYT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let dir = shared.join("robust/docx");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("{} absent: skipped", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    let (mut read, mut refused) = (0, 0);
    for path in files {
        let (tx, rx) = mpsc::channel();
        let p = path.clone();
        let started = Instant::now();
        let handle = std::thread::spawn(move || {
            let r = read_file(&p, &Limits::default()).map(|d| d.blocks.len()).map_err(|e| e.to_string());
            let _ = tx.send(r);
        });
        let result = rx
            .recv_timeout(BOUND)
            .unwrap_or_else(|_| panic!("{}: no answer within {BOUND:?} (hang or panic)", path.display()));
        assert!(handle.join().is_ok(), "{}: the reader thread panicked", path.display());
        match result {
            Ok(_) => read += 1,
            Err(msg) => {
                assert!(!msg.trim().is_empty(), "{}: empty error message", path.display());
                refused += 1;
                eprintln!("refused {}: {msg}", path.display());
            }
        }
        assert!(started.elapsed() < BOUND, "{}: took {:?}", path.display(), started.elapsed());
    }
    eprintln!("robust docx: {read} read, {refused} refused");
    assert!(read > 0);
}
