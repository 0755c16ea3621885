//! PDF throughput: saksflyt's reader against `pdftotext -layout` on the same files, in the same
//! run, in pages per wall-clock second and per CPU second (ours: this process's CPU time;
//! pdftotext's: its child processes' CPU time, both from `/proc/self/stat`). Files: the seeds and
//! robust corpus in `../shared` (when present; robust files either tool refuses are left out),
//! `tests/fixtures/pdf` and the producer matrix `tests/fixtures/pdf-producers/*/` (text PDFs; the scan is
//! left out, OCR is off).
//!
//! The bar (issue 12): on text PDFs saksflyt reads at least half as many pages per CPU second as
//! pdftotext; the last line says whether it holds, and the bench exits with 1 when it does not.
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

fn producers() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf-producers");
    let mut v = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.sort();
    for d in dirs.iter().filter(|d| d.is_dir() && !d.ends_with("scan")) {
        v.extend(pdfs_in(d));
    }
    v
}

/// CPU seconds so far: (this process, its waited-for children), from `/proc/self/stat`.
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name (which may contain spaces) start at field 3
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    let tick = 100.0; // USER_HZ on Linux
    let at = |i: usize| f.get(i).copied().unwrap_or(0.0) / tick;
    // utime, stime, cutime, cstime are fields 14..=17, i.e. 11..=14 here
    (at(11) + at(12), at(13) + at(14))
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

/// (wall seconds, CPU seconds of self, CPU seconds of children) per read of one file, averaged
/// over repeated reads.
fn time_per_read(mut f: impl FnMut() -> bool) -> Option<(f64, f64, f64)> {
    let start = Instant::now();
    let (c0, k0) = cpu();
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
    let (c1, k1) = cpu();
    let n = f64::from(n);
    Some((start.elapsed().as_secs_f64() / n, (c1 - c0) / n, (k1 - k0) / n))
}

#[derive(Default)]
struct Total {
    pages: u64,
    ours: f64,
    theirs: f64,
    ours_cpu: f64,
    theirs_cpu: f64,
}

fn main() {
    let have_pdftotext = Command::new("pdftotext").arg("-v").stderr(Stdio::null()).status().is_ok();
    let mut sets: Vec<(&str, Vec<PathBuf>)> = Vec::new();
    if let Some(sh) = shared() {
        sets.push(("seeds", pdfs_in(&sh.join("seeds"))));
        sets.push(("robust", pdfs_in(&sh.join("robust/pdf"))));
    }
    sets.push(("fixtures", fixtures()));
    sets.push(("producers", producers()));
    let limits = Limits { max_millis: 5_000, ocr: saksflyt::read::Ocr::Off, ..Limits::default() };
    println!(
        "{:<10} {:>6} {:>12} {:>14} {:>7} {:>14} {:>15} {:>7}",
        "set",
        "pages",
        "saksflyt p/s",
        "pdftotext p/s",
        "ratio",
        "saksflyt p/cpu",
        "pdftotext p/cpu",
        "ratio"
    );
    let mut all = Total::default();
    let mut text = Total::default();
    for (name, files) in sets {
        let mut t = Total::default();
        for f in files {
            let Ok(bytes) = std::fs::read(&f) else { continue };
            let Ok(doc) = read_bytes(&f, &bytes, &limits) else { continue };
            let pages = u64::from(doc.pages.unwrap_or(0));
            if pages == 0 || (have_pdftotext && !pdftotext(&f)) {
                continue;
            }
            let Some((ours, ours_cpu, _)) = time_per_read(|| read_bytes(&f, &bytes, &limits).is_ok()) else {
                continue;
            };
            let (theirs, _, theirs_cpu) = if have_pdftotext {
                time_per_read(|| pdftotext(&f)).unwrap_or_default()
            } else {
                Default::default()
            };
            t.pages += pages;
            t.ours += ours;
            t.theirs += theirs;
            t.ours_cpu += ours_cpu;
            t.theirs_cpu += theirs_cpu;
        }
        print_row(name, &t, have_pdftotext);
        for (sum, add) in [(&mut all, &t)].into_iter().chain((name != "robust").then_some((&mut text, &t))) {
            sum.pages += add.pages;
            sum.ours += add.ours;
            sum.theirs += add.theirs;
            sum.ours_cpu += add.ours_cpu;
            sum.theirs_cpu += add.theirs_cpu;
        }
    }
    print_row("all", &all, have_pdftotext);
    if !have_pdftotext {
        println!("pdftotext not found: no comparison");
        return;
    }
    // text PDFs: everything but the robust (damaged, hostile) corpus
    let ratio = rate(text.pages, text.ours_cpu) / rate(text.pages, text.theirs_cpu).max(1e-9);
    let ok = ratio >= 0.5;
    println!(
        "text PDFs: saksflyt {:.1} pages per CPU second, pdftotext {:.1}: {ratio:.2}x ({})",
        rate(text.pages, text.ours_cpu),
        rate(text.pages, text.theirs_cpu),
        if ok { "ok: at least half of pdftotext's" } else { "SLOWER than half of pdftotext's" }
    );
    if !ok {
        std::process::exit(1);
    }
}

fn rate(pages: u64, secs: f64) -> f64 {
    if secs > 0.0 {
        pages as f64 / secs
    } else {
        0.0
    }
}

fn print_row(name: &str, t: &Total, cmp: bool) {
    let ours = rate(t.pages, t.ours);
    let theirs = if cmp { rate(t.pages, t.theirs) } else { 0.0 };
    let ratio = if theirs > 0.0 { ours / theirs } else { 0.0 };
    let ours_cpu = rate(t.pages, t.ours_cpu);
    let theirs_cpu = if cmp { rate(t.pages, t.theirs_cpu) } else { 0.0 };
    let ratio_cpu = if theirs_cpu > 0.0 { ours_cpu / theirs_cpu } else { 0.0 };
    println!(
        "{name:<10} {:>6} {ours:>12.1} {theirs:>14.1} {ratio:>6.2}x {ours_cpu:>14.1} {theirs_cpu:>15.1} {ratio_cpu:>6.2}x",
        t.pages
    );
}
