//! The built-in templates (embedded with `include_str!`) and file-by-file overrides from a
//! folder (`--templates DIR`). Templates are minijinja with HTML auto-escaping on; they render
//! the markup described in [`super::markup`]. Filters: `nodate` (`2024-06-19` → `19. juni 2024`),
//! `nok` (`250000` → `kr 250 000`).

use super::lang;
use super::wordtpl::{CappedWriter, BASE_FUEL, MAX_OUTPUT_BYTES, MAX_RECURSION};
use super::RenderError;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::error::Error as _;
use std::path::Path;

/// The built-in templates: (file name, source).
pub const BUILTIN: &[(&str, &str)] = &[
    ("macros.xml.j2", include_str!("../../templates/macros.xml.j2")),
    ("evaluation.xml.j2", include_str!("../../templates/evaluation.xml.j2")),
    ("annual-report.xml.j2", include_str!("../../templates/annual-report.xml.j2")),
];

/// The fuel of one render: [`BASE_FUEL`] plus one per byte of the context (as JSON). The
/// built-in templates use about a third of a fuel per context byte (annual report on the
/// samples: 22,000 fuel for 66 KB), and at most 22,000 in all; a runaway loop, or a string doubled
/// in a loop, stops after at most 128 MB + 64 bytes per context byte of data.
pub fn fuel_for<S: serde::Serialize>(ctx: &S) -> u64 {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len() as u64;
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    let _ = serde_json::to_writer(&mut n, ctx);
    BASE_FUEL.saturating_add(n.0)
}

/// A ready template environment.
pub struct Templates {
    env: Environment<'static>,
    /// The `--templates` folder (Word templates `*.docx` and older `*.xml.j2` overrides).
    dir: Option<std::path::PathBuf>,
    /// Names taken from the override folder.
    pub overridden: Vec<String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").field("overridden", &self.overridden).finish()
    }
}

fn template_error(name: &str, e: &minijinja::Error) -> RenderError {
    let mut message = e.to_string();
    if let Some(line) = e.line() {
        message = format!("line {line}: {message}");
    }
    let mut src = e.source();
    while let Some(s) = src {
        message.push_str(&format!(": {s}"));
        src = s.source();
    }
    RenderError::Template { name: name.to_string(), message }
}

impl Templates {
    /// The built-in templates, each replaced by `DIR/<name>` when that file exists.
    pub fn new(overrides: Option<&Path>) -> Result<Templates, RenderError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_recursion_limit(MAX_RECURSION);
        env.add_filter("nodate", |s: Option<String>| s.map(|s| lang::format_date(&s)).unwrap_or_default());
        env.add_filter("nok", |n: Option<i64>| n.map(lang::format_nok).unwrap_or_default());
        if let Some(dir) = overrides.filter(|d| !d.is_dir()) {
            return Err(RenderError::Io {
                path: dir.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "template folder not found"),
            });
        }
        let mut overridden = Vec::new();
        for (name, builtin) in BUILTIN {
            let custom = match overrides {
                Some(dir) => {
                    let p = dir.join(name);
                    if p.is_file() {
                        let text = std::fs::read_to_string(&p)
                            .map_err(|source| RenderError::Io { path: p.display().to_string(), source })?;
                        overridden.push((*name).to_string());
                        Some(text)
                    } else {
                        None
                    }
                }
                None => None,
            };
            match custom {
                Some(text) => env.add_template_owned(*name, text),
                None => env.add_template(name, builtin),
            }
            .map_err(|e| template_error(name, &e))?;
        }
        Ok(Templates { env, dir: overrides.map(Path::to_path_buf), overridden })
    }

    /// The template folder, when one was given.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Renders template `name` with `ctx` to markup text, within [`fuel_for`] and
    /// [`MAX_OUTPUT_BYTES`]. Characters XML 1.0 forbids are removed from the result here
    /// ([`crate::util::xml_text`]): every text that reaches the DOCX writer passes through this
    /// markup, so a control character in a paper can never make a generated document invalid.
    pub fn render<S: serde::Serialize>(&self, name: &str, ctx: &S) -> Result<String, RenderError> {
        let mut out = CappedWriter { buf: Vec::new(), cap: MAX_OUTPUT_BYTES, over: false };
        let fuel = fuel_for(ctx);
        let mut env = self.env.clone();
        env.set_fuel(Some(fuel));
        let t = env.get_template(name).map_err(|e| template_error(name, &e))?;
        if let Err(e) = t.render_captured_to(minijinja::value::Serde(ctx), &mut out) {
            if out.over {
                return Err(RenderError::Template {
                    name: name.to_string(),
                    message: format!("output passes the limit of {MAX_OUTPUT_BYTES} bytes"),
                });
            }
            if e.kind() == minijinja::ErrorKind::OutOfFuel {
                return Err(RenderError::Template {
                    name: name.to_string(),
                    message: format!(
                        "ran out of fuel ({fuel}: template instructions and data produced) — a runaway loop or a value growing without bound?"
                    ),
                });
            }
            return Err(template_error(name, &e));
        }
        let text = String::from_utf8(out.buf).map_err(|e| RenderError::Template {
            name: name.to_string(),
            message: format!("output is not UTF-8: {e}"),
        })?;
        Ok(match crate::util::xml_text(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(clean) => clean,
        })
    }
}

/// Writes the built-in templates into `dir` (created if missing); returns the written paths.
pub fn export(dir: &Path) -> Result<Vec<std::path::PathBuf>, RenderError> {
    std::fs::create_dir_all(dir)
        .map_err(|source| RenderError::Io { path: dir.display().to_string(), source })?;
    let mut out = Vec::new();
    for (name, src) in BUILTIN {
        let p = dir.join(name);
        crate::util::write_atomic(&p, src.as_bytes())
            .map_err(|source| RenderError::Io { path: p.display().to_string(), source })?;
        out.push(p);
    }
    Ok(out)
}
