//! saksflyt — committee papers of Norwegian health partnerships in, records and Word documents out.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! 1. [`read`] — DOCX, PDF, text → [`model::Document`] (blocks);
//! 2. [`extract`] — blocks → [`record::Record`] (the JSON contract);
//! 3. [`store`] — records → JSON Lines and the SQLite store with the decision log;
//! 4. [`render`] — records → templates → DOCX.
//!
//! [`config`] holds the committee register, [`lexicon`] the Norwegian words extraction looks for; the CLI (in `src/cli/`) is a thin layer on top.

pub mod config;
pub mod extract;
pub mod lexicon;
pub mod model;
pub mod read;
pub mod record;
pub mod render;
pub mod store;
pub mod util;
