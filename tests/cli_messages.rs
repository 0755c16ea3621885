//! What a secretariat sees: the messages, options and summaries of the commands (issue 20).
//! Each test runs the program as a user would and asserts what it says and writes.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_saksflyt"));
    c.env_remove("RUST_BACKTRACE");
    c
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A folder with a few sample papers (DOCX only, to keep it quick).
fn papers(dir: &Path, names: &[&str]) -> PathBuf {
    let p = dir.join("papers");
    std::fs::create_dir_all(&p).unwrap();
    for n in names {
        std::fs::copy(samples().join(n), p.join(n)).unwrap();
    }
    p
}

/// A one-page PDF with nothing on the page.
fn blank_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        "<< /Length 0 >>\nstream\n\nendstream",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    pdf
}

/// A copy of a DOCX with `text` put before the first text of `word/document.xml`.
fn docx_with_text(data: &[u8], text: &str) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(data)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "word/document.xml" {
            let xml = String::from_utf8(bytes).unwrap();
            let at = xml.find("<w:t>").or_else(|| xml.find("<w:t xml:space=\"preserve\">")).unwrap();
            let end = at + xml[at..].find('>').unwrap() + 1;
            bytes = format!("{}{text}{}", &xml[..end], &xml[end..]).into_bytes();
        }
        zout.start_file(name, opts).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

#[test]
fn a_one_committee_config_adds_to_the_built_in_register() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    papers(dir, &["eldreradet-saksframlegg-utkast.docx", "ssu-protokoll-2025-11-12.docx"]);
    // no partnership, no other committees: the built-in register stays and the committee is added
    std::fs::write(
        dir.join("saksflyt.toml"),
        "[[committee]]\ncode = \"ELDRERAD\"\nname = \"Eldrerådet i Fjordvik\"\n\n[lexicon]\ndecision = [\"Vedtak i kommunestyret\"]\n",
    )
    .unwrap();
    let o = run_in(dir, &["extract", "papers/eldreradet-saksframlegg-utkast.docx"]);
    assert!(o.status.success(), "{}", err(&o));
    let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rec["committee"]["code"], "ELDRERAD", "{rec}");
    assert!(err(&o).contains("saksflyt: config: saksflyt.toml (found in this folder) — built-in register + 1 committee and 1 lexicon form"), "{}", err(&o));
    // SSU keeps its committee (the file does not replace the register)
    let o = run_in(dir, &["extract", "papers/ssu-protokoll-2025-11-12.docx"]);
    let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rec["committee"]["code"], "SSU");
    // run: the evaluation forms of the built-in FSUs are still written, the review list has no
    // "not in the register" any more
    let o = run_in(dir, &["run", "papers", "--out", "out"]);
    assert!(o.status.success(), "{}", err(&o));
    let csv = std::fs::read_to_string(dir.join("out/review.csv")).unwrap();
    assert!(!csv.contains("not in the register"), "{csv}");
    // -q: no config line
    let o = run_in(dir, &["run", "-q", "papers", "--out", "out"]);
    assert!(o.status.success());
    assert_eq!(err(&o), "", "-q prints only failures");
    assert_eq!(out(&o), "");
}

#[test]
fn a_wrong_config_names_the_line_and_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    papers(dir, &["ssu-protokoll-2025-11-12.docx"]);
    let cases: &[(&str, &str)] = &[
        ("[[committee]]\ncode = \"X\"\nnmae = \"Y\"\n", "saksflyt.toml, line 3: there is no field `nmae`"),
        ("[[committee]]\nname = \"Eldrerådet\"\n", "saksflyt.toml, line 1: the field `code` is missing"),
        ("[[committee]]\ncode = \"ELDRE\"\n", "saksflyt.toml, line 2: the committee ELDRE is not in the built-in register, so it needs a `name`"),
        ("[lexicon]\nvedtak = [\"Vedtak\"]\n", "saksflyt.toml, line 2: [lexicon] has no concept `vedtak`"),
    ];
    for (text, want) in cases {
        std::fs::write(dir.join("saksflyt.toml"), text).unwrap();
        let o = run_in(dir, &["extract", "papers/ssu-protokoll-2025-11-12.docx"]);
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert!(err(&o).contains(want), "{text}: {}", err(&o));
    }
}

#[test]
fn config_init_writes_a_commented_example_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = run_in(dir, &["config", "init"]);
    assert!(o.status.success(), "{}", err(&o));
    let text = std::fs::read_to_string(dir.join("saksflyt.toml")).unwrap();
    assert!(text.contains("# [[committee]]") && text.contains("# [lexicon]"), "{text}");
    std::fs::write(dir.join("saksflyt.toml"), "# mine\n").unwrap();
    let o = run_in(dir, &["config", "init"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("exists and is not overwritten (pass --force"), "{}", err(&o));
    assert_eq!(std::fs::read_to_string(dir.join("saksflyt.toml")).unwrap(), "# mine\n");
    let o = run_in(dir, &["config", "show"]);
    assert!(o.status.success());
    assert!(out(&o).contains("FSU-BARN") && out(&o).contains("decision"), "{}", out(&o));
}

#[test]
fn run_names_every_skipped_and_failed_file_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let p = papers(dir, &["ssu-protokoll-2025-11-12.docx", "lsu-molde-saksframlegg-sak-09-2025.docx"]);
    std::fs::write(p.join("gammel.doc"), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 legacy word").unwrap();
    std::fs::write(p.join("tom.pdf"), b"").unwrap();
    let full = std::fs::read(samples().join("ssu-innkalling-2025-09-10.docx")).unwrap();
    std::fs::write(p.join("avkappa.docx"), &full[..full.len() / 2]).unwrap();
    std::fs::write(p.join("blank.pdf"), blank_pdf()).unwrap();
    std::fs::write(p.join("README.md"), "# Om mappa\n\nHer ligg sakspapira.\n").unwrap();
    let o = run_in(dir, &["run", "papers", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "failed files give exit 1: {}", err(&o));
    let e = err(&o);
    assert!(e.contains("soffice --headless --convert-to docx \"papers/gammel.doc\""), "{e}");
    assert!(e.contains("papers/tom.pdf: the file is empty (0 bytes)"), "{e}");
    assert!(e.contains("papers/avkappa.docx") && e.contains("cut off or broken"), "{e}");
    assert!(!e.contains("EOCD)\n") && !e.contains("no %PDF- header"), "{e}");
    assert!(e.contains("papers/README.md") && e.contains("not a paper"), "{e}");
    let s = out(&o);
    assert!(s.contains("3 read") && s.contains("2 failed") && s.contains("2 skipped"), "{s}");
    let csv = std::fs::read_to_string(dir.join("out/review.csv")).unwrap();
    for (file, what) in [
        ("papers/gammel.doc", "soffice --headless --convert-to docx"),
        ("papers/tom.pdf", "not read: the file is empty"),
        ("papers/avkappa.docx", "not read: not a valid zip package: truncated"),
        ("papers/README.md", "skipped: a README"),
        ("papers/blank.pdf", "no text found (a blank page, or a scan"),
    ] {
        assert!(csv.lines().any(|l| l.starts_with(file) && l.contains(what)), "{file}: {what}\n{csv}");
    }
    // places are pages, lines or paragraphs, never bare block numbers
    assert!(!csv.contains("at block "), "{csv}");
}

#[test]
fn a_broken_template_stops_only_its_own_document() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    papers(
        dir,
        &[
            "ssu-protokoll-2025-11-12.docx",
            "fsu-barn-unge-handlingsplan-2025.docx",
            "vedlegg-tilskudd-sak-17-25.docx",
        ],
    );
    let o = run_in(dir, &["templates", "export", "maler"]);
    assert!(o.status.success(), "{}", err(&o));
    // export never overwrites an edited template
    let o = run_in(dir, &["templates", "export", "maler"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("not overwritten") && err(&o).contains("--force"), "{}", err(&o));
    assert!(run_in(dir, &["templates", "export", "maler", "--force"]).status.success());

    let t = dir.join("maler");
    let annual = std::fs::read(t.join("arsrapport.docx")).unwrap();
    std::fs::write(t.join("arsrapport.docx"), docx_with_text(&annual, "{% if broken %}")).unwrap();
    // saved from Word as a .dotx template: read as well
    std::fs::rename(t.join("vedtakslogg.docx"), t.join("vedtakslogg.dotx")).unwrap();
    let o = run_in(dir, &["run", "papers", "--out", "out", "--templates", "maler"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("arsrapport-2025.docx not written") && e.contains("never closed"), "{e}");
    assert!(e.contains("using Word template maler/vedtakslogg.dotx"), "{e}");
    assert!(out(&o).contains("NOT written: arsrapport-2025.docx"), "{}", out(&o));
    for f in ["statusrapport.docx", "vedtakslogg.docx", "evaluering-2025-fsu-barn.docx"] {
        assert!(dir.join("out").join(f).is_file(), "{f} is written: {e}");
    }
    assert!(!dir.join("out/arsrapport-2025.docx").exists());

    // a name Word users give: recognised when it is the only one for its document; others named
    std::fs::write(t.join("arsrapport.docx"), &annual).unwrap();
    std::fs::rename(t.join("arsrapport.docx"), t.join("Årsrapport mal.docx")).unwrap();
    std::fs::write(t.join("brevmal.docx"), &annual).unwrap();
    let o = run_in(dir, &["annual-report", "--year", "2025", "--templates", "maler", "--out", "a.docx"]);
    assert!(o.status.success(), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("using Word template maler/Årsrapport mal.docx"), "{e}");
    assert!(e.contains("maler/brevmal.docx is not used") && e.contains("evaluering.docx"), "{e}");
}

#[test]
fn exported_templates_and_documents_give_every_paragraph_a_style_in_python_docx() {
    let ok = Command::new("python3").args(["-c", "import docx"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "python-docx is installed by .ci/run");
        eprintln!("skipped: python3 with python-docx not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert!(run_in(dir, &["templates", "export", "maler"]).status.success());
    let script = "import docx,glob,sys\nn=0\nfor f in sorted(glob.glob('maler/*.docx')):\n  d=docx.Document(f)\n  ps=list(d.paragraphs)+[p for t in d.tables for r in t.rows for c in r.cells for p in c.paragraphs]\n  for p in ps:\n    assert p.style is not None, (f, p.text)\n    p.style.name\n    n+=1\nprint(n)\n";
    let o = Command::new("python3").args(["-c", script]).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{}", err(&o));
    let n: usize = out(&o).trim().parse().unwrap();
    assert!(n > 100, "{n} paragraphs walked");
}

#[test]
fn options_and_messages_agree_across_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    papers(dir, &["fsu-barn-unge-handlingsplan-2025.docx", "ssu-protokoll-2025-11-12.docx"]);
    // a store nowhere: the message says what to run
    let o = run_in(dir, &["log"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("saksflyt run PAPERS --out DIR"), "{}", err(&o));
    // after `run --out out`, the reading commands find out/saksflyt.db and say so
    assert!(run_in(dir, &["run", "-q", "papers", "--out", "out"]).status.success());
    let o = run_in(dir, &["log"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("saksflyt: store: out/saksflyt.db"), "{}", err(&o));
    let o = run_in(dir, &["status-report", "--out", "s.docx"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("config: built-in register"), "{}", err(&o));
    // four-digit years
    for cmd in [
        &["annual-report", "--year", "25", "--out", "a.docx"][..],
        &["run", "papers", "--out", "out", "--year", "25"],
    ] {
        let o = run_in(dir, cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        assert!(err(&o).contains("four digits, e.g. 2025"), "{cmd:?}: {}", err(&o));
    }
    // --out: a folder where a file is written, a file name where a folder is
    let o = run_in(dir, &["evaluation", "--year", "2025", "--out", "x.docx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("must be a folder"), "{}", err(&o));
    assert!(!dir.join("x.docx").exists());
    let o = run_in(dir, &["decision-log", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("is a folder"), "{}", err(&o));
    // one --empty spelling; the old one still works
    let o = run_in(dir, &["run", "--help"]);
    assert!(out(&o).contains("--empty") && !out(&o).contains("--empty-forms"), "{}", out(&o));
    let o = run_in(dir, &["run", "-q", "papers", "--out", "out", "--empty-forms"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(dir.join("out/evaluering-2025-fsu-ikt.docx").is_file());
    // -q: a document command prints nothing but failures
    let o = run_in(dir, &["-q", "decision-log", "--templates", "out", "--out", "v.docx"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!((out(&o).as_str(), err(&o).as_str()), ("", ""));
    // a template folder that does not exist: said once, in plain words
    let o = run_in(dir, &["status-report", "--templates", "finnesikke", "--out", "s.docx"]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.contains("finnesikke: no such template folder")
            && !e.contains("not found: template folder not found"),
        "{e}"
    );
}

#[test]
fn every_help_has_an_example() {
    let top = out(&bin().arg("--help").output().unwrap());
    assert!(top.contains("Examples:") && !top.contains("asu-innkalling"), "{top}");
    let subs = [
        &["run"][..],
        &["blocks"],
        &["extract"],
        &["schema"],
        &["ingest"],
        &["log"],
        &["export"],
        &["evaluation"],
        &["status-report"],
        &["decision-log"],
        &["annual-report"],
        &["templates"],
        &["templates", "export"],
        &["templates", "list"],
        &["templates", "check"],
        &["templates", "render"],
        &["templates", "context"],
        &["config"],
        &["config", "init"],
        &["config", "show"],
    ];
    for s in subs {
        let o = bin().args(s).arg("--help").output().unwrap();
        let h = out(&o);
        assert!(o.status.success() && h.contains("Example"), "saksflyt {} --help: {h}", s.join(" "));
        assert!(h.contains("saksflyt "), "{h}");
    }
    let annual = out(&bin().args(["annual-report", "--help"]).output().unwrap());
    assert!(annual.contains("The year reported on"), "{annual}");
}

/// A `[lexicon]` form in saksflyt.toml reaches extraction: a decision heading the built-in
/// lexicon does not know is read as the decision only with the file.
#[test]
fn lexicon_forms_from_the_config_reach_extraction() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("protokoll.txt"),
        "MØTEPROTOKOLL\n\nUtvalg: Strategisk samarbeidsutvalg\n\nMøtedato: 12.11.2025 kl. 09.00 – 13.00\n\nSak: 22/25 Godkjenning av innkalling\n\nBehandling\n\nLeder innledet.\n\nKonklusjon:\n\n1. Innkallingen godkjennes.\n2. Protokollen godkjennes.\n",
    )
    .unwrap();
    let decision = |o: &Output| -> usize {
        assert!(o.status.success(), "{}", err(o));
        let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        rec["cases"][0]["decision"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(
        decision(&run_in(dir, &["extract", "protokoll.txt"])),
        0,
        "not a decision heading without the file"
    );
    std::fs::write(dir.join("saksflyt.toml"), "[lexicon]\ndecision = [\"Konklusjon\"]\n").unwrap();
    assert_eq!(
        decision(&run_in(dir, &["extract", "protokoll.txt"])),
        2,
        "the file's form is a decision heading"
    );
}
