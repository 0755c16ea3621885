//! `saksflyt config init` and `saksflyt config show`: the configuration file a secretariat edits
//! to add committees and words to the built-in register and lexicon.

use anyhow::Context;
use clap::{Args, Subcommand};
use saksflyt::config::{Register, EXAMPLE};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  saksflyt config init             write ./saksflyt.toml (a commented example) to edit\n  saksflyt config show             the committees and words in use, and where they come from"
)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Subcommand, Debug)]
pub enum ConfigAction {
    /// Write a commented example saksflyt.toml (everything commented out: it changes nothing until edited)
    #[command(after_help = "Example:\n  saksflyt config init && nano saksflyt.toml")]
    Init {
        /// Where to write it
        #[arg(default_value = "saksflyt.toml")]
        file: PathBuf,
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
    /// Show the register in use: every committee (code, kind, name) and the lexicon forms added
    #[command(after_help = "Example:\n  saksflyt config show --config saksflyt.toml")]
    Show {
        /// The file (default: ./saksflyt.toml if present, else the built-in register)
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

pub fn run(a: ConfigArgs) -> anyhow::Result<ExitCode> {
    match a.action {
        ConfigAction::Init { file, force } => {
            if file.exists() && !force {
                eprintln!(
                    "saksflyt: {} exists and is not overwritten (pass --force to replace it)",
                    file.display()
                );
                return Ok(ExitCode::from(1));
            }
            saksflyt::util::write_atomic(&file, EXAMPLE.as_bytes())
                .with_context(|| format!("cannot write {}", file.display()))?;
            println!("{}", file.display());
            if !super::quiet() {
                eprintln!(
                    "saksflyt: wrote an example config; every line is commented out — remove the \"# \" in front of what you need. Commands run in this folder now read it."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ConfigAction::Show { config } => {
            let (register, source) = Register::discover_with_source(config.as_deref())?;
            let mut out = format!("config: {}\n", register.describe(&source));
            out.push_str(&format!(
                "partnership: {} ({})\n\ncommittees:\n",
                register.partnership.name, register.partnership.short
            ));
            for c in &register.committees {
                let kind = serde_json::to_value(c.kind)?.as_str().unwrap_or("").to_string();
                out.push_str(&format!("  {:<18} {:<12} {}\n", c.code, kind, c.name));
            }
            out.push_str("\nlexicon concepts (a [lexicon] entry adds forms to one of these):\n");
            for k in saksflyt::lexicon::c::ALL {
                let added = register.lexicon.get(*k).map(|f| {
                    let mut all: Vec<&String> = f.nb.iter().chain(&f.nn).collect();
                    all.dedup();
                    format!("   + {}", all.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", "))
                });
                out.push_str(&format!("  {k}{}\n", added.unwrap_or_default()));
            }
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
