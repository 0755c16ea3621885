//! Where the documents' Word templates come from: a user's template folder (`--templates DIR`,
//! `*.docx` as written by `saksflyt templates export DIR`), and the built-in templates of
//! [`super::wordtpl::builtin`] for every document the folder has no template for.

use super::wordtpl::documents::DocKind;
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
    /// The Word template found in the folder for each document.
    found: Vec<(DocKind, PathBuf)>,
    /// Word files in the folder that are no document's template, each with why.
    unused: Unused,
}

/// Word files of a template folder no document uses, each with the reason.
type Unused = Vec<(PathBuf, String)>;

/// The names a template folder's files are recognised by, for messages.
pub fn recognised_names() -> String {
    let names: Vec<String> = super::wordtpl::builtin::BUILTIN.iter().map(|(_, f, _)| f.to_string()).collect();
    format!("{} (or the same names ending in .dotx)", names.join(", "))
}

/// The Word template of each document in `dir`: `evaluering.docx` (or `.dotx`) by its exact name
/// first; else the one Word file whose name says which document it is (`Årsrapport mal.docx`).
/// Returns the templates found and the Word files not used, with the reason.
fn scan(dir: &Path) -> (Vec<(DocKind, PathBuf)>, Unused) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        p.is_file()
            && !name.starts_with("~$")
            && !name.starts_with('.')
            && matches!(ext.as_str(), "docx" | "dotx")
    });
    files.sort();
    let mut found = Vec::new();
    for (kind, file, _) in super::wordtpl::builtin::BUILTIN {
        let stem = file.trim_end_matches(".docx");
        let exact = files.iter().find(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.eq_ignore_ascii_case(file) || n.eq_ignore_ascii_case(&format!("{stem}.dotx"))
            })
        });
        let guessed: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.file_name().and_then(|n| n.to_str()).and_then(DocKind::guess) == Some(*kind))
            .collect();
        match (exact, guessed.as_slice()) {
            (Some(p), _) => found.push((*kind, p.clone())),
            (None, [one]) => found.push((*kind, (*one).clone())),
            _ => {}
        }
    }
    let unused = files
        .into_iter()
        .filter(|p| !found.iter().any(|(_, f)| f == p))
        .map(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let why = match DocKind::guess(name) {
                Some(k) => format!(
                    "another file in the folder is the {} template; keep one, named {}",
                    k.name(),
                    super::wordtpl::builtin::file_name(k)
                ),
                None => format!("its name says no document; the names recognised are {}", recognised_names()),
            };
            (p, why)
        })
        .collect();
    (found, unused)
}

impl Templates {
    /// The built-in templates, each replaced by the folder's Word template of that document when
    /// `dir` has one. A folder that does not exist, or that holds only retired `.xml.j2`
    /// templates, is an error naming it.
    pub fn new(dir: Option<&Path>) -> Result<Templates, RenderError> {
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(RenderError::Template {
                    name: d.display().to_string(),
                    message: format!(
                        "no such template folder (`saksflyt templates export {}` writes the built-in templates there to edit)",
                        d.display()
                    ),
                });
            }
            let retired: Vec<&str> = RETIRED.iter().copied().filter(|n| d.join(n).is_file()).collect();
            let (found, unused) = scan(d);
            let word = !found.is_empty();
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
            return Ok(Templates { dir: Some(d.to_path_buf()), found, unused });
        }
        Ok(Templates::default())
    }

    /// The folder's Word template of `kind`, when it has one.
    pub fn template_for(&self, kind: DocKind) -> Option<&Path> {
        self.found.iter().find(|(k, _)| *k == kind).map(|(_, p)| p.as_path())
    }

    /// Word files in the folder that no document uses, each with the reason.
    pub fn unused(&self) -> &[(PathBuf, String)] {
        &self.unused
    }

    /// The template folder, when one was given.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}
