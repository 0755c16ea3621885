//! Stage 3 — **store**: records → JSON and the embedded SQLite store with the decision log.
//! (To be written: issue 4.)

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(String),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}
