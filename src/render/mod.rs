//! Stage 4 — **render**: records → templates → DOCX. (To be written: issue 5.)

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}
