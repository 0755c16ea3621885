//! Bench: render every document `run` writes (one evaluation per FSU of the register, the status
//! report, the decision log and the annual report) from a set of records, and print the time.
//! Records: `BENCH_RECORDS=FILE.jsonl` (e.g. `out/records.jsonl` after `saksflyt run samples
//! --out out`) or the render fixtures. Run: `cargo bench --bench render`. Also times the dashboard
//! (`render::dashboard`, issue 22) on the same input, as a ratio to the Word documents.

use saksflyt::config::Register;
use saksflyt::record::{LogEntry, Record};
use saksflyt::render::{docs, Lang, ReportInput, Templates};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let records_path = std::env::var_os("BENCH_RECORDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tests/fixtures/render/records.jsonl"));
    let text = match std::fs::read_to_string(&records_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {}: {e}", records_path.display());
            std::process::exit(1);
        }
    };
    let records: Vec<Record> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let log_path = root.join("tests/fixtures/render/log.json");
    let log: Vec<LogEntry> = if std::env::var_os("BENCH_RECORDS").is_none() {
        std::fs::read_to_string(&log_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    } else {
        saksflyt::store::log::derive(&records)
    };
    let input = ReportInput { records, log, register: Register::default(), lang: Lang::Nb, facts: None };
    let year = saksflyt::render::data::latest_year(&input.records).unwrap_or(2024);
    let templates = Templates::new(None).expect("built-in templates load");
    // Warm up (font registration, template compilation).
    let docs_count = docs::all(&templates, &input, year, true).expect("renders").len();
    let runs = 10;
    let mut times = Vec::new();
    let mut bytes = 0usize;
    for _ in 0..runs {
        let start = Instant::now();
        let all = docs::all(&templates, &input, year, true).expect("renders");
        times.push(start.elapsed());
        bytes = all.iter().map(|d| d.bytes.len()).sum();
    }
    times.sort();
    let median = times[runs / 2];
    println!(
        "render: {} records, {docs_count} documents ({bytes} bytes) in {:.1} ms (median of {runs}; min {:.1} ms, max {:.1} ms)",
        input.records.len(),
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[runs - 1].as_secs_f64() * 1000.0,
    );
    let opts = saksflyt::render::dashboard::DashboardOptions::default();
    let mut dtimes = Vec::new();
    let mut page = 0usize;
    for _ in 0..runs {
        let start = Instant::now();
        page = saksflyt::render::dashboard::render(&input, &opts).expect("dashboard renders").len();
        dtimes.push(start.elapsed());
    }
    dtimes.sort();
    println!(
        "dashboard: {page} bytes in {:.1} ms (median of {runs}); {:.2} × the Word documents' time",
        dtimes[runs / 2].as_secs_f64() * 1000.0,
        dtimes[runs / 2].as_secs_f64() / median.as_secs_f64(),
    );
}
