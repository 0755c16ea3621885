//! The committee register (`saksflyt.toml`): which committees exist, their codes and the name
//! variants papers use. The embedded default describes Helsefellesskap Møre og Romsdal; a user's
//! file **adds** to it — committees, more names for built-in committees, the partnership's name,
//! and lexicon forms (`[lexicon] decision = ["Vedtak i kommunestyret"]`). A wrong file is an
//! error naming the line and the field in plain words.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The embedded default register.
pub const DEFAULT_REGISTER: &str = include_str!("register.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub partnership: Partnership,
    #[serde(rename = "committee")]
    pub committees: Vec<CommitteeDef>,
    /// Lexicon forms a user's file adds, by concept (`crate::lexicon::c`). Empty for the built-in
    /// register (and then left out of its fingerprint, so older stores stay fresh).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lexicon: BTreeMap<String, LexiconForms>,
}

/// Forms added to one lexicon concept: bokmål and nynorsk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexiconForms {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nb: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nn: Vec<String>,
}

/// Where the register in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// No file: the built-in register.
    BuiltIn,
    /// A user's file (`--config FILE` or `./saksflyt.toml`) added to the built-in register.
    File { path: PathBuf, explicit: bool },
}

/// A user's `saksflyt.toml` as written: every part optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFile {
    #[serde(default)]
    partnership: Option<UserPartnership>,
    #[serde(default, rename = "committee")]
    committees: Vec<UserCommittee>,
    #[serde(default)]
    lexicon: BTreeMap<String, UserForms>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserPartnership {
    name: Option<String>,
    short: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserCommittee {
    code: String,
    kind: Option<CommitteeKind>,
    name: Option<String>,
    name_nn: Option<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    abbrev: Vec<String>,
}

/// `concept = ["form", …]` (both languages) or `concept = { nb = [...], nn = [...] }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum UserForms {
    Both(Vec<String>),
    ByLang(LexiconForms),
}

/// The example `saksflyt config init` writes: every line commented out, so it changes nothing
/// until a secretariat edits it.
pub const EXAMPLE: &str = include_str!("saksflyt.example.toml");

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
    /// A complete register (the built-in one's format: `[partnership]` and every committee).
    pub fn parse(text: &str, path: &str) -> Result<Register, ConfigError> {
        let register: Register = toml::from_str(text).map_err(|e| parse_error(text, path, &e))?;
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

    /// The built-in register with a user's file (`saksflyt.toml`) added to it: new committees
    /// appended; a committee with a built-in code gets the file's names and abbreviations added
    /// (and its kind or display names replaced when given); `[partnership]` fields replace the
    /// built-in ones; `[lexicon]` forms are added to the concepts of `src/lexicon.toml`.
    pub fn parse_additions(text: &str, path: &str) -> Result<Register, ConfigError> {
        let user: UserFile = toml::from_str(text).map_err(|e| parse_error(text, path, &e))?;
        let mut reg = Register::default();
        let err = |needle: &str, message: String| ConfigError::Parse {
            path: format!(
                "{path}{}",
                line_of(text, needle).map(|l| format!(", line {l}")).unwrap_or_default()
            ),
            message,
        };
        if let Some(p) = user.partnership {
            if let Some(n) = p.name.filter(|n| !n.trim().is_empty()) {
                reg.partnership.name = n;
            }
            if let Some(s) = p.short.filter(|s| !s.trim().is_empty()) {
                reg.partnership.short = s;
            }
        }
        for c in user.committees {
            let code = c.code.trim().to_string();
            if code.is_empty() {
                return Err(err(
                    "code",
                    "a [[committee]] has an empty `code`: give it a short code such as ELDRERAD".into(),
                ));
            }
            if let Err(why) = check_code(&code) {
                return Err(err(
                    &code,
                    format!(
                        "committee {:?}: field `code` = {:?} {why}",
                        c.name.as_deref().unwrap_or(""),
                        crate::util::escape_controls(&code)
                    ),
                ));
            }
            if let Some(def) = reg.committees.iter_mut().find(|d| d.code.eq_ignore_ascii_case(&code)) {
                if let Some(k) = c.kind {
                    def.kind = k;
                }
                if let Some(n) = c.name {
                    def.name = n;
                }
                if c.name_nn.is_some() {
                    def.name_nn = c.name_nn;
                }
                for n in c.names {
                    if !def.names.contains(&n) {
                        def.names.push(n);
                    }
                }
                for a in c.abbrev {
                    if !def.abbrev.contains(&a) {
                        def.abbrev.push(a);
                    }
                }
                continue;
            }
            let Some(name) = c.name.filter(|n| !n.trim().is_empty()) else {
                return Err(err(
                    &code,
                    format!("the committee {code} is not in the built-in register, so it needs a `name` (the name papers use, e.g. name = \"Eldrerådet\")"),
                ));
            };
            let mut names = c.names;
            if !names.contains(&name) {
                names.insert(0, name.clone());
            }
            reg.committees.push(CommitteeDef {
                code,
                kind: c.kind.unwrap_or(CommitteeKind::Generic),
                name,
                name_nn: c.name_nn,
                names,
                abbrev: c.abbrev,
            });
        }
        for (concept, forms) in user.lexicon {
            if !crate::lexicon::c::ALL.contains(&concept.as_str()) {
                let near = crate::lexicon::c::ALL
                    .iter()
                    .min_by_key(|k| crate::util::edit_distance(k, &concept))
                    .filter(|k| crate::util::edit_distance(k, &concept) <= 3)
                    .map(|k| format!(" — did you mean {k}?"))
                    .unwrap_or_default();
                return Err(err(
                    &concept,
                    format!(
                        "[lexicon] has no concept `{concept}`{near} (the concepts are: {})",
                        crate::lexicon::c::ALL.join(", ")
                    ),
                ));
            }
            let forms = match forms {
                UserForms::Both(v) => LexiconForms { nb: v.clone(), nn: v },
                UserForms::ByLang(f) => f,
            };
            if forms.nb.iter().chain(&forms.nn).any(|f| f.trim().is_empty()) {
                return Err(err(&concept, format!("[lexicon] {concept}: a form is empty")));
            }
            reg.lexicon.insert(concept, forms);
        }
        Ok(reg)
    }

    /// The built-in register with the additions of the file at `path`.
    pub fn load(path: &Path) -> Result<Register, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Io { path: path.display().to_string(), source })?;
        Register::parse_additions(&text, &path.display().to_string())
    }

    /// `--config FILE` if given, else `./saksflyt.toml` if present, else the built-in register.
    pub fn discover(explicit: Option<&Path>) -> Result<Register, ConfigError> {
        Register::discover_with_source(explicit).map(|(r, _)| r)
    }

    /// [`Register::discover`], and where the register came from.
    pub fn discover_with_source(explicit: Option<&Path>) -> Result<(Register, ConfigSource), ConfigError> {
        match explicit {
            Some(p) => Ok((Register::load(p)?, ConfigSource::File { path: p.to_path_buf(), explicit: true })),
            None if Path::new("saksflyt.toml").is_file() => {
                let p = PathBuf::from("saksflyt.toml");
                Ok((Register::load(&p)?, ConfigSource::File { path: p, explicit: false }))
            }
            None => Ok((Register::default(), ConfigSource::BuiltIn)),
        }
    }

    /// One line for the user: which register is in use and what a file added.
    pub fn describe(&self, source: &ConfigSource) -> String {
        let builtin = Register::default();
        match source {
            ConfigSource::BuiltIn => format!(
                "built-in register ({}, {} committees; no saksflyt.toml in this folder — `saksflyt config init` writes one)",
                self.partnership.name,
                self.committees.len()
            ),
            ConfigSource::File { path, explicit } => {
                let added = self.committees.len().saturating_sub(builtin.committees.len());
                let forms: usize = self.lexicon.values().map(|f| f.nb.len().max(f.nn.len())).sum();
                format!(
                    "{}{} — built-in register + {added} committee{} and {forms} lexicon form{} ({} committees in all)",
                    path.display(),
                    if *explicit { "" } else { " (found in this folder)" },
                    if added == 1 { "" } else { "s" },
                    if forms == 1 { "" } else { "s" },
                    self.committees.len()
                )
            }
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

/// The 1-based line of the first line of `text` that mentions `needle` (for messages).
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| !l.trim_start().starts_with('#') && l.contains(needle)).map(|i| i + 1)
}

/// A TOML error in plain words, with its line: `saksflyt.toml, line 4: …`.
fn parse_error(text: &str, path: &str, e: &toml::de::Error) -> ConfigError {
    let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let raw = e.message().trim();
    let field =
        |m: &str, prefix: &str| m.strip_prefix(prefix).and_then(|r| r.split('`').nth(1).map(str::to_string));
    let message = if let Some(f) = field(raw, "missing field") {
        format!("the field `{f}` is missing here")
    } else if let Some(f) = field(raw, "unknown field") {
        let expected = raw
            .split_once("expected")
            .map(|(_, e)| format!(" (known fields: {})", e.trim().trim_start_matches("one of").trim()))
            .unwrap_or_default();
        format!("there is no field `{f}`{expected}")
    } else if raw.starts_with("unknown variant") {
        format!("{raw} (a committee's kind is one of partnership, ssu, lsu, fsu, generic)")
    } else if raw.contains("did not match any variant") {
        "a lexicon entry is a list of forms in quotes, `decision = [\"Vedtak i kommunestyret\"]`, or `{ nb = [...], nn = [...] }`".to_string()
    } else {
        raw.to_string()
    };
    let path = match line {
        Some(l) => format!("{path}, line {l}"),
        None => path.to_string(),
    };
    ConfigError::Parse { path, message }
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

    #[test]
    fn a_file_adds_to_the_built_in_register_and_lexicon() {
        let text = "[[committee]]\ncode = \"ELDRERAD\"\nname = \"Eldrerådet\"\n\n[[committee]]\ncode = \"ssu\"\nnames = [\"SSU Møre\"]\n\n[lexicon]\ndecision = [\"Vedtak i kommunestyret\"]\n";
        let r = Register::parse_additions(text, "saksflyt.toml").unwrap();
        let builtin = Register::default();
        assert_eq!(r.committees.len(), builtin.committees.len() + 1);
        assert_eq!(r.partnership, builtin.partnership);
        let e = r.by_code("ELDRERAD").unwrap();
        assert_eq!((e.kind, e.names.clone()), (CommitteeKind::Generic, vec!["Eldrerådet".to_string()]));
        assert!(r.by_code("SSU").unwrap().names.contains(&"SSU Møre".to_string()));
        assert_eq!(r.by_code("SSU").unwrap().kind, CommitteeKind::Ssu);
        assert_eq!(r.lexicon["decision"].nb, vec!["Vedtak i kommunestyret".to_string()]);
        assert_eq!(r.fsus().count(), 12);
    }

    #[test]
    fn an_empty_file_and_the_example_are_the_built_in_register() {
        assert_eq!(Register::parse_additions("", "x").unwrap(), Register::default());
        assert_eq!(Register::parse_additions(EXAMPLE, "x").unwrap(), Register::default());
        // and the example, uncommented, is a valid file that adds
        let uncommented: String = EXAMPLE
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| !r.starts_with(' ') && (r.contains('=') || r.starts_with('[')))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let r = Register::parse_additions(&uncommented, "x").unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert!(r.committees.len() > Register::default().committees.len(), "{uncommented}");
        assert!(!r.lexicon.is_empty());
    }

    #[test]
    fn a_wrong_file_names_the_line_and_the_field() {
        let cases: &[(&str, &str)] = &[
            (
                "[[committee]]\ncode = \"X\"\n",
                "line 2: the committee X is not in the built-in register, so it needs a `name`",
            ),
            ("\n[[committee]]\nname = \"Eldrerådet\"\n", "line 2: the field `code` is missing"),
            ("[[committee]]\ncode = \"X\"\nname = \"Y\"\nkind = \"council\"\n", "line 4: unknown variant"),
            ("[[committee]]\ncode = \"X\"\nnmae = \"Y\"\n", "line 3: there is no field `nmae`"),
            (
                "[lexicon]\ndecisoin = [\"Vedtak\"]\n",
                "line 2: [lexicon] has no concept `decisoin` — did you mean decision?",
            ),
            ("[lexicon]\ndecision = \"Vedtak\"\n", "line 2: a lexicon entry is a list"),
            ("[partnership\n", "line 1"),
        ];
        for (text, want) in cases {
            let e = Register::parse_additions(text, "saksflyt.toml").unwrap_err().to_string();
            assert!(e.starts_with("saksflyt.toml, line"), "{text}: {e}");
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}
