//! Bench (not a test): records per second for `extract` over the samples (DOCX and text), and for
//! read + extract together. Run with `cargo bench --bench extract`.

use saksflyt::config::Register;
use saksflyt::read::{read_bytes, Limits};
use saksflyt::record::Source;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("samples")];
    if !dirs[0].is_dir() {
        dirs = vec![root.join("tests/fixtures/extract")];
    }
    let mut files = Vec::new();
    for d in dirs {
        let mut stack = vec![d];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() && p.file_name().is_some_and(|n| n != "src" && n != "content") {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "docx" || x == "txt") {
                    if let Ok(bytes) = std::fs::read(&p) {
                        files.push((p, bytes));
                    }
                }
            }
        }
    }
    files.sort();
    files
}

fn main() {
    let register = Register::default();
    let limits = Limits::default();
    let files = inputs();
    if files.is_empty() {
        eprintln!("no inputs found");
        return;
    }
    let docs: Vec<_> = files
        .iter()
        .filter_map(|(p, b)| read_bytes(p, b, &limits).ok().map(|d| (p.display().to_string(), d)))
        .collect();
    let budget = Duration::from_secs(3);

    let (mut n, start) = (0u64, Instant::now());
    while start.elapsed() < budget {
        for (path, doc) in &docs {
            let source = Source { path: path.clone(), format: doc.format, sha256: String::new() };
            std::hint::black_box(saksflyt::extract::extract(doc, source, &register));
            n += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "extract:        {:>9.0} records/s ({n} records over {} documents in {secs:.2} s)",
        n as f64 / secs,
        docs.len()
    );

    let (mut n, start) = (0u64, Instant::now());
    while start.elapsed() < budget {
        for (p, bytes) in &files {
            if let Ok(doc) = read_bytes(p, bytes, &limits) {
                let source =
                    Source { path: p.display().to_string(), format: doc.format, sha256: String::new() };
                std::hint::black_box(saksflyt::extract::extract(&doc, source, &register));
                n += 1;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("read + extract: {:>9.0} records/s ({n} records in {secs:.2} s)", n as f64 / secs);
}
