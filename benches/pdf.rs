//! PDF throughput: saksflyt's reader against `pdftotext -layout` on the same files, in the same
//! run, in pages per second. Files: the seeds and robust corpus in `../shared` (when present;
//! robust files either tool refuses are left out) and `tests/fixtures/pdf`.
//!
//! Run: `cargo bench --bench pdf`

use saksflyt::read::{read_bytes, Limits};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Each file is read repeatedly until this much time has passed (at least once).
const PER_FILE: Duration = Duration::from_millis(300);

fn shared() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [root.join("../shared"), root.join("../../shared")].into_iter().find(|p| p.is_dir())
}

fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "pdf"));
    v.sort();
    v
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path().join("input.pdf"))).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file());
    v.sort();
    v
}

fn pdftotext(path: &Path) -> bool {
    Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Seconds per read of one file, averaged over repeated reads.
fn time_per_read(mut f: impl FnMut() -> bool) -> Option<f64> {
    let start = Instant::now();
    let mut n = 0u32;
    loop {
        if !f() {
            return None;
        }
        n += 1;
        if start.elapsed() >= PER_FILE {
            break;
        }
    }
    Some(start.elapsed().as_secs_f64() / n as f64)
}

struct Total {
    pages: u64,
    ours: f64,
    theirs: f64,
}

fn main() {
    let have_pdftotext = Command::new("pdftotext").arg("-v").stderr(Stdio::null()).status().is_ok();
    let mut sets: Vec<(&str, Vec<PathBuf>)> = Vec::new();
    if let Some(sh) = shared() {
        sets.push(("seeds", pdfs_in(&sh.join("seeds"))));
        sets.push(("robust", pdfs_in(&sh.join("robust/pdf"))));
    }
    sets.push(("fixtures", fixtures()));
    let limits = Limits { max_millis: 5_000, ..Limits::default() };
    println!("{:<10} {:>6} {:>12} {:>14} {:>7}", "set", "pages", "saksflyt p/s", "pdftotext p/s", "ratio");
    let mut all = Total { pages: 0, ours: 0.0, theirs: 0.0 };
    for (name, files) in sets {
        let mut t = Total { pages: 0, ours: 0.0, theirs: 0.0 };
        for f in files {
            let Ok(bytes) = std::fs::read(&f) else { continue };
            let Ok(doc) = read_bytes(&f, &bytes, &limits) else { continue };
            let pages = u64::from(doc.pages.unwrap_or(0));
            if pages == 0 || (have_pdftotext && !pdftotext(&f)) {
                continue;
            }
            let Some(ours) = time_per_read(|| read_bytes(&f, &bytes, &limits).is_ok()) else { continue };
            let theirs = if have_pdftotext { time_per_read(|| pdftotext(&f)).unwrap_or(0.0) } else { 0.0 };
            t.pages += pages;
            t.ours += ours;
            t.theirs += theirs;
        }
        print_row(name, &t, have_pdftotext);
        all.pages += t.pages;
        all.ours += t.ours;
        all.theirs += t.theirs;
    }
    print_row("all", &all, have_pdftotext);
    if !have_pdftotext {
        println!("pdftotext not found: no comparison");
    }
}

fn print_row(name: &str, t: &Total, cmp: bool) {
    let ours = if t.ours > 0.0 { t.pages as f64 / t.ours } else { 0.0 };
    let theirs = if cmp && t.theirs > 0.0 { t.pages as f64 / t.theirs } else { 0.0 };
    let ratio = if theirs > 0.0 { ours / theirs } else { 0.0 };
    println!("{name:<10} {:>6} {ours:>12.1} {theirs:>14.1} {ratio:>6.2}x", t.pages);
}
