//! The committee register (`saksflyt.toml`): which committees exist, their codes and the name
//! variants papers use. The embedded default describes Helsefellesskap Møre og Romsdal; a user's
//! file replaces it whole.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The embedded default register.
pub const DEFAULT_REGISTER: &str = include_str!("register.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("invalid config {path}: {message}")]
    Parse { path: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub partnership: Partnership,
    #[serde(rename = "committee")]
    pub committees: Vec<CommitteeDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partnership {
    pub name: String,
    pub short: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommitteeKind {
    Partnership,
    Ssu,
    Lsu,
    Fsu,
    Generic,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeDef {
    pub code: String,
    pub kind: CommitteeKind,
    /// The display name (bokmål).
    pub name: String,
    /// The display name in nynorsk documents, when it differs (`Strategisk samarbeidsutval`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_nn: Option<String>,
    /// Full names and variants, matched case-insensitively as whole words.
    #[serde(default)]
    pub names: Vec<String>,
    /// Short forms matched case-sensitively as whole words.
    #[serde(default)]
    pub abbrev: Vec<String>,
}

impl Default for Register {
    fn default() -> Self {
        Register::parse(DEFAULT_REGISTER, "<built-in register>").expect("the built-in register parses")
    }
}

impl Register {
    pub fn parse(text: &str, path: &str) -> Result<Register, ConfigError> {
        let register: Register = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: path.to_string(), message: e.to_string() })?;
        for (i, c) in register.committees.iter().enumerate() {
            check_code(&c.code).map_err(|why| ConfigError::Parse {
                path: path.to_string(),
                message: format!(
                    "committee {} ({:?}): field `code` = {:?} {why}",
                    i + 1,
                    crate::util::escape_controls(&c.name),
                    crate::util::escape_controls(&c.code)
                ),
            })?;
        }
        Ok(register)
    }

    pub fn load(path: &Path) -> Result<Register, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Io { path: path.display().to_string(), source })?;
        Register::parse(&text, &path.display().to_string())
    }

    /// `--config FILE` if given, else `./saksflyt.toml` if present, else the built-in register.
    pub fn discover(explicit: Option<&Path>) -> Result<Register, ConfigError> {
        match explicit {
            Some(p) => Register::load(p),
            None if Path::new("saksflyt.toml").is_file() => Register::load(Path::new("saksflyt.toml")),
            None => Ok(Register::default()),
        }
    }

    pub fn by_code(&self, code: &str) -> Option<&CommitteeDef> {
        self.committees.iter().find(|c| c.code.eq_ignore_ascii_case(code))
    }

    /// The faglege samarbeidsutval, in register order.
    pub fn fsus(&self) -> impl Iterator<Item = &CommitteeDef> {
        self.committees.iter().filter(|c| c.kind == CommitteeKind::Fsu)
    }
}

/// Most characters in a committee code.
pub const MAX_CODE_CHARS: usize = 64;

/// A committee code goes into file names (`evaluering-2025-fsu-barn.docx`): only letters,
/// digits, `-` and `_` are allowed, so no code can name a folder (`/`, `\\`, `..`), hide a
/// file (a leading dot) or carry control characters.
pub fn check_code(code: &str) -> Result<(), String> {
    if code.is_empty() {
        return Err("is empty".into());
    }
    if code.chars().count() > MAX_CODE_CHARS {
        return Err(format!("is longer than {MAX_CODE_CHARS} characters"));
    }
    if let Some(c) = code.chars().find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!(
            "holds {:?}: only letters, digits, '-' and '_' are allowed (codes are used in file names)",
            c
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_register_has_twelve_fsus_and_four_lsus() {
        let r = Register::default();
        assert_eq!(r.fsus().count(), 12);
        assert_eq!(r.committees.iter().filter(|c| c.kind == CommitteeKind::Lsu).count(), 4);
        assert!(r.by_code("ssu").is_some());
    }

    #[test]
    fn codes_that_could_name_a_path_are_refused() {
        for good in ["SSU", "FSU-BARN", "LSU_ÅLESUND", "Fsu2"] {
            assert!(check_code(good).is_ok(), "{good}");
        }
        for bad in ["", "X/../../../outside/PWNED", "..", ".hidden", "a\\b", "a\u{1b}[2J", "a b", "a.docx"] {
            assert!(check_code(bad).is_err(), "{bad:?}");
        }
        let toml = DEFAULT_REGISTER.replacen("code = \"SSU\"", "code = \"X/../../../outside/PWNED\"", 1);
        let e = Register::parse(&toml, "saksflyt.toml").unwrap_err().to_string();
        assert!(e.contains("saksflyt.toml") && e.contains("`code`") && e.contains("PWNED"), "{e}");
    }
}
