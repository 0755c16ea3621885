//! Where the documents' Word templates come from: a user's template folder (`--templates DIR`,
//! `*.docx` as written by `saksflyt templates export DIR`), and the built-in templates of
//! [`super::wordtpl::builtin`] for every document the folder has no template for.

use super::RenderError;
use std::path::{Path, PathBuf};

/// Older template files (minijinja emitting an XHTML subset) that saksflyt no longer reads.
const RETIRED: &[&str] = &[
    "macros.xml.j2",
    "evaluation.xml.j2",
    "status-report.xml.j2",
    "decision-log.xml.j2",
    "annual-report.xml.j2",
];

/// The template folder of a run, if any.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    dir: Option<PathBuf>,
}

impl Templates {
    /// The built-in templates, each replaced by the folder's Word template of that document when
    /// `dir` has one. A folder that does not exist, or that holds only retired `.xml.j2`
    /// templates, is an error naming it.
    pub fn new(dir: Option<&Path>) -> Result<Templates, RenderError> {
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(RenderError::Io {
                    path: d.display().to_string(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, "template folder not found"),
                });
            }
            let retired: Vec<&str> = RETIRED.iter().copied().filter(|n| d.join(n).is_file()).collect();
            let word = super::wordtpl::builtin::BUILTIN.iter().any(|(_, f, _)| d.join(f).is_file());
            if !retired.is_empty() && !word {
                return Err(RenderError::Template {
                    name: d.join(retired[0]).display().to_string(),
                    message: format!(
                        "minijinja/XHTML templates ({}) are no longer read: the documents are Word templates now. Run `saksflyt templates export {}` and make the same changes in the .docx files (Word or LibreOffice)",
                        retired.join(", "),
                        d.display()
                    ),
                });
            }
        }
        Ok(Templates { dir: dir.map(Path::to_path_buf) })
    }

    /// The template folder, when one was given.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}
