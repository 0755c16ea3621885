//! Build script: a fingerprint of the sources that decide what a record contains (readers,
//! extraction, the record contract, the built-in register). The store keeps it per document and
//! re-extracts a document stored by another fingerprint (`store::EXTRACTOR_VERSION`), so records
//! never go stale after saksflyt changes. FNV-1a 64 over the sorted paths and their bytes:
//! deterministic, no dependencies.

use std::path::{Path, PathBuf};

const SOURCES: &[&str] =
    &["src/read", "src/extract", "src/model.rs", "src/record.rs", "src/register.toml", "src/util.rs"];

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        if let Ok(rd) = std::fs::read_dir(p) {
            for e in rd.flatten() {
                files(&e.path(), out);
            }
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let mut all = Vec::new();
    for s in SOURCES {
        println!("cargo:rerun-if-changed={s}");
        files(Path::new(s), &mut all);
    }
    all.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &all {
        eat(f.to_string_lossy().replace('\\', "/").as_bytes());
        eat(&std::fs::read(f).unwrap_or_default());
    }
    println!("cargo:rustc-env=SAKSFLYT_EXTRACTOR_FINGERPRINT={h:016x}");
}
