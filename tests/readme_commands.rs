//! Every command the README shows runs. The `saksflyt …` lines of the README's `sh` code blocks
//! (and `cargo run --release -- …`, the same program) are run in order, as a user would type
//! them, in a fresh folder holding `samples/` and `papers/` (a copy of the samples, as the README
//! tells the user to make); each must succeed. Every `toml` block of the README must be a valid
//! `saksflyt.toml` that adds what it shows.

use std::path::Path;
use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The code blocks of a markdown text with their language: (lang, body).
fn blocks(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for line in md.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("```") {
            match cur.take() {
                Some(b) => out.push(b),
                None => cur = Some((rest.trim().to_string(), String::new())),
            }
        } else if let Some((_, body)) = cur.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// The saksflyt command lines of the `sh` blocks, as argument lists (comments dropped).
fn commands(md: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (lang, body) in blocks(md) {
        if lang != "sh" {
            continue;
        }
        for line in body.lines() {
            let line = line.split(" #").next().unwrap_or("").trim();
            let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            let args = match words.first().map(String::as_str) {
                Some("saksflyt") => words[1..].to_vec(),
                Some("cargo") if words.get(1).map(String::as_str) == Some("run") => {
                    match words.iter().position(|w| w == "--") {
                        Some(i) => words[i + 1..].to_vec(),
                        None => continue,
                    }
                }
                _ => continue,
            };
            out.push(args);
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn the_readme_shows_commands_and_each_runs() {
    let md = readme();
    let cmds = commands(&md);
    assert!(cmds.len() >= 10, "the README shows the user's commands: {cmds:?}");
    for must in ["run", "log", "evaluation", "status-report", "annual-report", "templates", "config"] {
        assert!(
            cmds.iter().any(|c| c.first().map(String::as_str) == Some(must)),
            "README shows no `saksflyt {must}`"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    copy_dir(&samples, &tmp.path().join("samples"));
    copy_dir(&samples, &tmp.path().join("papers"));
    for args in &cmds {
        let o = Command::new(env!("CARGO_BIN_EXE_saksflyt"))
            .args(args)
            .current_dir(tmp.path())
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "saksflyt {}: exit {:?}\n{stderr}", args.join(" "), o.status.code());
        assert!(!stderr.contains("panicked"), "saksflyt {}: {stderr}", args.join(" "));
    }
    // what the walk-through says was written is there
    for f in [
        "out/saksflyt.db",
        "out/review.csv",
        "out/statusrapport.docx",
        "maler/vedtakslogg.docx",
        "saksflyt.toml",
    ] {
        assert!(tmp.path().join(f).is_file(), "{f}");
    }
}

#[test]
fn the_readme_toml_examples_are_valid_config_files() {
    let md = readme();
    let tomls: Vec<String> = blocks(&md).into_iter().filter(|(l, _)| l == "toml").map(|(_, b)| b).collect();
    assert!(!tomls.is_empty(), "the README shows a saksflyt.toml");
    let builtin = saksflyt::config::Register::default();
    for t in tomls {
        let r = saksflyt::config::Register::parse_additions(&t, "README.md")
            .unwrap_or_else(|e| panic!("{e}\n{t}"));
        assert!(
            r.committees.len() > builtin.committees.len() || !r.lexicon.is_empty(),
            "the example adds something: {t}"
        );
        // the built-in committees are all still there
        for c in &builtin.committees {
            assert!(r.by_code(&c.code).is_some(), "{} lost", c.code);
        }
    }
}

#[test]
fn the_readme_is_a_users_guide_and_links_the_developer_docs() {
    let md = readme();
    let lines = md.lines().count();
    assert!(lines <= 320, "README has {lines} lines; developer detail belongs in docs/");
    for doc in ["reading", "extraction", "templates", "performance", "robustness"] {
        let link = format!("docs/{doc}.md");
        assert!(md.contains(&link), "README links {link}");
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(&link).is_file(), "{link} exists");
    }
    for must in
        ["cargo install --path .", ".cargo/bin", "Windows", "macOS", "review.csv", "cargo test --locked"]
    {
        assert!(md.contains(must), "README says {must}");
    }
    // CI runs the README's test command
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(ci.contains("cargo test --locked"));
}
