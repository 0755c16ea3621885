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
        toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: path.to_string(), message: e.to_string() })
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
}
