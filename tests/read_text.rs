//! Golden tests for the text reader: each `tests/fixtures/text/<case>/input.txt` is read and its
//! block model compared with `expected.json` next to it. `UPDATE_GOLDEN=1` rewrites the expected
//! files (review the diff before committing).

use saksflyt::read::{read_bytes, Limits};
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixture folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.txt").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn text_fixtures_match_golden_blocks() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dirs = cases();
    assert!(dirs.len() >= 5, "expected at least five text fixtures, found {}", dirs.len());
    let mut failed = Vec::new();
    for dir in dirs {
        let input = dir.join("input.txt");
        let bytes = std::fs::read(&input).expect("fixture readable");
        let doc = read_bytes(&input, &bytes, &Limits::default()).expect("fixture reads");
        let got = serde_json::to_string_pretty(&doc).expect("serialises") + "\n";
        let expected_path = dir.join("expected.json");
        if update {
            std::fs::write(&expected_path, &got).expect("golden written");
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if want != got {
            failed.push(format!("{}:\n{got}", dir.display()));
        }
    }
    assert!(failed.is_empty(), "golden mismatch (UPDATE_GOLDEN=1 to accept):\n{}", failed.join("\n"));
}
