//! DOCX reader tests: golden files for every fixture in `tests/fixtures/docx/<case>/`
//! (`input.docx` → `expected.json`, regenerate with `UPDATE_GOLDEN=1` and review the diff),
//! hand-written expectations for the list labels of each numbering case, the refusals, and a
//! LibreOffice round trip that must keep every label.

use saksflyt::model::{Block, Document};
use saksflyt::read::{read_file, Limits, ReadError};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx")
}

fn read_case(case: &str) -> Document {
    let path = fixtures().join(case).join("input.docx");
    match read_file(&path, &Limits::default()) {
        Ok(d) => d,
        Err(e) => panic!("{case}: {e}"),
    }
}

/// Every list item of a block list (table cells included), as "level label text".
fn items(blocks: &[Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::ListItem { level, label, text, .. } => {
                out.push(format!("{level} {} {}", label.as_deref().unwrap_or("(none)"), text.text))
            }
            Block::Table(t) => {
                for r in &t.rows {
                    for c in &r.cells {
                        items(&c.blocks, out);
                    }
                }
            }
            _ => {}
        }
    }
}

fn labels(case: &str) -> Vec<String> {
    let mut out = Vec::new();
    items(&read_case(case).blocks, &mut out);
    out
}

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    cases.retain(|p| p.join("input.docx").is_file());
    cases.sort();
    assert!(cases.len() >= 15, "fixtures missing: {cases:?}");
    let mut failed = Vec::new();
    for dir in cases {
        let case = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let doc = read_case(&case);
        let got = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        let expected_path = dir.join("expected.json");
        if update {
            std::fs::write(&expected_path, &got).unwrap_or_else(|e| panic!("{case}: {e}"));
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if want != got {
            failed.push(case);
        }
    }
    assert!(failed.is_empty(), "golden mismatch (UPDATE_GOLDEN=1 to regenerate, then review): {failed:?}");
}

#[test]
fn decimal_list_continues_after_interruption() {
    assert_eq!(
        labels("num-decimal-continue"),
        [
            "0 1. Utvalget tar orienteringen til etterretning.",
            "0 2. Saken sendes på høring til kommunene.",
            "0 3. Endelig vedtak fattes i neste møte.",
        ]
    );
}

#[test]
fn letter_formats_and_start() {
    assert_eq!(
        labels("num-letters"),
        [
            "0 a. Styrke legevaktsamarbeidet",
            "0 b. Felles opplæring for sykepleiere",
            "0 (A) Budsjett for 2025",
            "0 (B) Risikovurdering",
            "0 c) Tredje delpunkt starter på c",
            "0 d) Fjerde delpunkt",
        ]
    );
}

#[test]
fn roman_numerals() {
    let got: Vec<String> =
        labels("num-roman").iter().map(|s| s.split(' ').nth(1).unwrap_or("").to_string()).collect();
    assert_eq!(got, ["i.", "ii.", "iii.", "iv.", "v.", "vi.", "I", "II", "III", "IV"]);
}

#[test]
fn bullets_are_dashes_and_unordered() {
    let doc = read_case("num-bullets");
    let mut got = Vec::new();
    items(&doc.blocks, &mut got);
    assert_eq!(
        got,
        [
            "0 - Kommuneoverlege",
            "0 - Representant fra brukerrådet",
            "1 - Vara for brukerrådet",
            "0 - Sekretær",
            "0 (none) Uten synlig merke",
            "0 - Symbolpunkt",
        ]
    );
    assert!(doc.blocks.iter().all(|b| !matches!(b, Block::ListItem { ordered: true, .. })));
}

#[test]
fn multilevel_labels_reset_and_restart_rules() {
    assert_eq!(
        labels("num-multilevel"),
        [
            "0 1. Organisering",
            "1 1.1 Styringsgruppe",
            "1 1.2 Arbeidsgruppe",
            "2 1.2.1 Mandat for arbeidsgruppen",
            "2 1.2.2 Sammensetning",
            "1 1.3 Referansegruppe",
            "0 2. Økonomi",
            "1 2.1 Budsjett",
            "0 3. Fremdrift",
            "0 1. Første hovedpunkt",
            "1 a) underpunkt",
            "1 b) underpunkt",
            "0 2. Andre hovedpunkt",
            "1 c) underpunkt fortsetter",
            "0 I. Del én",
            "1 I-a punkt",
            "0 II. Del to",
            "1 II-a punkt",
        ]
    );
}

#[test]
fn overrides_restart_and_shared_abstract_continues() {
    assert_eq!(
        labels("num-overrides"),
        [
            "0 1. Rapporten tas til orientering.",
            "0 2. Saken følges opp i neste møte.",
            "0 1. Utvalget slutter seg til anbefalingen.",
            "0 2. Sekretariatet utreder alternativer.",
            "0 3. Punkt som fortsetter listen.",
            "0 5. Femte punkt.",
            "0 6. Sjette punkt.",
            "0 A. Bokstavpunkt.",
            "0 B. Neste bokstavpunkt.",
            "0 G. Sjuende punkt som bokstav.",
        ]
    );
}

#[test]
fn split_numids_count_per_abstract_list() {
    assert_eq!(
        labels("num-split-numids"),
        [
            "0 1. Første vedtakspunkt.",
            "0 2. Andre vedtakspunkt.",
            "1 a. delpunkt a",
            "1 b. delpunkt b",
            "0 3. Tredje vedtakspunkt.",
            "0 1. Ny liste starter på 1.",
            "0 2. og fortsetter.",
        ]
    );
}

#[test]
fn numbering_from_styles_and_style_links() {
    assert_eq!(
        labels("num-style"),
        [
            "0 1. Planen vedtas.",
            "1 a) med disse endringene",
            "1 b) og denne presiseringen",
            "0 2. Planen evalueres etter ett år.",
            "0 I. Punkt via nummereringsstil",
            "0 II. Neste punkt via nummereringsstil",
        ]
    );
}

#[test]
fn other_formats_and_undefined_lists() {
    let doc = read_case("num-formats");
    let mut got = Vec::new();
    items(&doc.blocks, &mut got);
    assert_eq!(
        got,
        [
            "0 (none) Uten nummer",
            "0 09. Null-fylt",
            "0 10. Null-fylt to",
            "0 I. Kapittel",
            "1 1.1 Juridisk nummerering"
        ]
    );
    let texts: Vec<&str> = doc.blocks.iter().filter_map(|b| b.text()).collect();
    assert!(texts.contains(&"Ukjent liste") && texts.contains(&"Nivå som ikke finnes"), "{texts:?}");
    assert!(doc.warnings.iter().any(|w| w.contains("numbering 99")), "{:?}", doc.warnings);
}

#[test]
fn headings_from_names_outline_levels_and_emphasis() {
    let doc = read_case("headings-emphasis");
    let heads: Vec<(u8, &str)> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text, .. } => Some((*level, text.text.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        heads,
        [
            (1, "Møteinnkalling"),
            (1, "Sak 14/25 Budsjett"),
            (2, "Bakgrunn"),
            (3, "Vurdering"),
            (2, "Sak 15/25 Ny avtale"),
            (1, "1 Innledning"),
            (1, "1 Mål"),
            (2, "1.1 Delmål"),
            (2, "1.2 Tiltak"),
        ]
    );
    let para = |start: &str| {
        doc.blocks
            .iter()
            .find_map(|b| match b {
                Block::Paragraph { text, .. } if text.text.starts_with(start) => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no paragraph {start}"))
    };
    let t = para("Dette er");
    let spans: Vec<(u32, u32, bool, bool)> =
        t.emphasis.iter().map(|e| (e.start, e.end, e.bold, e.italic)).collect();
    assert_eq!(spans, [(9, 12, true, false), (16, 22, false, true), (26, 41, true, false)]);
    let s = para("Stil:");
    let spans: Vec<(u32, u32, bool, bool)> =
        s.emphasis.iter().map(|e| (e.start, e.end, e.bold, e.italic)).collect();
    assert_eq!(spans, [(6, 11, true, false), (15, 22, false, true)]);
    assert!(para("Alt fett").all_bold());
    assert!(para("Forslag til vedtak").all_bold());
}

#[test]
fn merged_cells_become_spans() {
    let doc = read_case("table-merged");
    let Some(Block::Table(t)) = doc.blocks.first() else { panic!("no table: {:?}", doc.blocks) };
    let shape: Vec<Vec<(String, u32, u32)>> =
        t.rows.iter().map(|r| r.cells.iter().map(|c| (c.text(), c.col_span, c.row_span)).collect()).collect();
    let s = |x: &str, c: u32, r: u32| (x.to_string(), c, r);
    assert_eq!(
        shape,
        vec![
            vec![s("Tiltak", 1, 1), s("Ansvar", 1, 1), s("Frist", 1, 1)],
            vec![s("Felles rutiner", 1, 2), s("Kommunene", 1, 1), s("2025", 1, 1)],
            vec![s("Sykehuset", 1, 1), s("2026", 1, 1)],
            vec![s("Kompetanseplan for hele helsefellesskapet", 2, 1), s("2025", 1, 1)],
            vec![s("Evaluering", 1, 1), s("Sekretariatet og utvalget", 2, 2)],
            vec![s("Rapport", 1, 1)],
            vec![s("", 1, 1), s("Kun to celler", 1, 1), s("etter gridBefore", 1, 1)],
            vec![s("Før gridAfter", 1, 1)],
        ]
    );
    assert!(t.rows.first().is_some_and(|r| r.header));
    assert!(t.rows.iter().skip(1).all(|r| !r.header));
    let grid = t.grid();
    let col0: Vec<String> = grid
        .iter()
        .take(3)
        .map(|r| r.first().copied().flatten().map(|c| c.text()).unwrap_or_default())
        .collect();
    assert_eq!(col0, ["Tiltak", "Felles rutiner", "Felles rutiner"]);
    let row7: Vec<String> = grid
        .get(6)
        .map(|r| r.iter().map(|c| c.map(|c| c.text()).unwrap_or_default()).collect())
        .unwrap_or_default();
    assert_eq!(row7, ["", "Kun to celler", "etter gridBefore"], "gridBefore keeps the columns aligned");
}

#[test]
fn nested_tables_and_shading() {
    let doc = read_case("table-nested-shading");
    let Some(Block::Table(t)) = doc.blocks.get(1) else { panic!("no table: {:?}", doc.blocks) };
    let fills: Vec<Vec<Option<&str>>> =
        t.rows.iter().map(|r| r.cells.iter().map(|c| c.fill.as_deref()).collect()).collect();
    assert_eq!(
        fills,
        vec![
            vec![None, None, None],
            vec![None, Some("#00B050"), None],
            vec![None, Some("#FFFF00"), None],
            vec![None, Some("#FF0000"), None],
            vec![Some("#70AD47"), Some("#B4C7E7"), Some("#D9D9D9")],
            vec![Some("#92D050"), None, None],
        ]
    );
    let nested = t.rows.get(3).and_then(|r| r.cells.get(2)).and_then(|c| c.blocks.first());
    let Some(Block::Table(inner)) = nested else { panic!("no nested table: {nested:?}") };
    assert_eq!(inner.rows.len(), 2);
    assert_eq!(
        inner.rows.first().and_then(|r| r.cells.get(1)).and_then(|c| c.fill.as_deref()),
        Some("#FFC000")
    );
    assert_eq!(inner.pos, t.pos);
}

#[test]
fn tracked_changes_keep_insertions_drop_deletions() {
    let doc = read_case("tracked-changes");
    let texts: Vec<&str> = doc.blocks.iter().filter_map(|b| b.text()).collect();
    assert_eq!(texts, ["Utvalget enstemmig vedtok planen.", "Flyttet ny plass"]);
    let Some(Block::Table(t)) = doc.blocks.last() else { panic!("no table") };
    assert_eq!(t.rows.len(), 1);
}

#[test]
fn fields_links_hidden_text_and_breaks() {
    let doc = read_case("fields-inline");
    let texts: Vec<&str> = doc.blocks.iter().filter_map(|b| b.text()).collect();
    assert_eq!(
        texts,
        [
            "Side 3 av 9",
            "Dato: 01.02.2025",
            "Nestet: ja.",
            "Se helsefellesskapet.no for mer.",
            "Synlig tekst.",
            "Sak 16/25 i innholdskontroll",
            "Inline kontroll og Molde.",
            "Pil → og ≥",
            "Kolonne1\tKolonne2\nNy linje",
            "Før sideskift",
            "Etter sideskift",
            "Avsnitt med sideskift før",
            "Ødelagt felt:",
            "Teksten etter er synlig.",
        ]
    );
    let breaks = doc.blocks.iter().filter(|b| matches!(b, Block::PageBreak { .. })).count();
    assert_eq!(breaks, 2);
}

#[test]
fn notes_headers_footers_and_text_boxes_kept_apart() {
    let doc = read_case("notes-headers");
    let body: Vec<&str> = doc.blocks.iter().filter_map(|b| b.text()).collect();
    assert_eq!(
        body,
        [
            "Brødtekst med fotnote.",
            "Avsnitt som forankrer en tekstboks.",
            "Tekst i tekstboks",
            "Siste avsnitt."
        ]
    );
    assert_eq!(doc.blocks.get(2).map(|b| b.pos().index), Some(1), "text box takes its anchor's position");
    let notes: Vec<&str> = doc.notes.iter().filter_map(|b| b.text()).collect();
    assert_eq!(notes, ["Se sak 3/24 i referatet.", "Sluttnote om finansiering."]);
    let headers: Vec<&str> = doc.headers.iter().filter_map(|b| b.text()).collect();
    assert_eq!(headers, ["Helsefellesskap Nordvest – Strategisk samarbeidsutvalg"]);
    let footers: Vec<&str> = doc.footers.iter().filter_map(|b| b.text()).collect();
    assert_eq!(footers, ["Side 1"]);
}

#[test]
fn strict_ooxml_reads_like_transitional() {
    let doc = read_case("strict");
    assert!(matches!(doc.blocks.first(), Some(Block::Heading { level: 1, .. })), "{:?}", doc.blocks);
    assert_eq!(labels("strict"), ["0 1. Første punkt", "0 2. Andre punkt"]);
    let Some(Block::Table(t)) = doc.blocks.last() else { panic!("no table") };
    assert_eq!(t.rows.first().and_then(|r| r.cells.first()).and_then(|c| c.fill.as_deref()), Some("#00B050"));
}

#[test]
fn libreoffice_made_files() {
    assert_eq!(
        labels("lo-forslag-til-vedtak"),
        [
            "0 1. Utvalget slutter seg til forslaget om felles rutine.",
            "0 2. Rutinen gjelder fra 1. mars, med disse forbeholdene:",
            "1 a. kommunene får tre måneder til opplæring",
            "1 b. sykehuset melder avvik månedlig",
            "0 3. Sekretariatet rapporterer til utvalget innen utgangen av året.",
            "0 4. ",
            "0 - Vedlegg 1: Rutinebeskrivelse",
            "0 - Vedlegg 2: Høringsuttalelser",
        ]
    );
    let doc = read_case("lo-statustabell");
    let Some(t) = doc.blocks.iter().find_map(|b| match b {
        Block::Table(t) => Some(t),
        _ => None,
    }) else {
        panic!("no table")
    };
    let status: Vec<(String, Option<&str>)> =
        t.rows.iter().filter_map(|r| r.cells.last()).map(|c| (c.text(), c.fill.as_deref())).collect();
    assert_eq!(
        status,
        [
            ("Status".to_string(), None),
            ("Grønn".to_string(), Some("#00B050")),
            ("Gul".to_string(), Some("#FFC000")),
            ("Rød".to_string(), Some("#FF0000")),
            ("Rød".to_string(), Some("#FF0000")),
            ("Gul".to_string(), None),
        ]
    );
    let spans: Vec<(String, u32)> = t
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| c.row_span > 1 || c.col_span > 1)
        .map(|c| (c.text(), c.row_span * 10 + c.col_span))
        .collect();
    assert_eq!(spans, [("Rekruttering".to_string(), 21), ("Samlet vurdering".to_string(), 12)]);
}

fn refuse(name: &str, limits: &Limits) -> ReadError {
    let path = fixtures().join("refuse").join(name);
    match read_file(&path, limits) {
        Ok(d) => panic!("{name} was read: {d:?}"),
        Err(e) => {
            assert!(!e.to_string().is_empty());
            e
        }
    }
}

#[test]
fn refusals_name_the_reason() {
    let l = Limits::default();
    assert!(matches!(refuse("legacy-ole.docx", &l), ReadError::LegacyOrEncrypted));
    assert!(matches!(refuse("not-zip.docx", &l), ReadError::BadZip(_)));
    let e = refuse("truncated.docx", &l);
    assert!(matches!(e, ReadError::BadZip(ref m) if m.contains("truncated")), "{e}");
    let e = refuse("no-document.docx", &l);
    assert!(matches!(e, ReadError::BadDocx(ref m) if m.contains("word/document.xml")), "{e}");
    let e = refuse("dtd.docx", &l);
    assert!(matches!(e, ReadError::Dtd(ref p) if p == "word/document.xml"), "{e}");
    let small = Limits { max_unzipped_bytes: 1_000_000, max_part_bytes: 500_000, ..Limits::default() };
    assert!(matches!(refuse("bomb.docx", &small), ReadError::ZipBomb(_)));
    let e = refuse("bomb-lying.docx", &small);
    assert!(matches!(e, ReadError::ZipBomb(_) | ReadError::BadZip(_)), "{e}");
    let tiny_total = Limits { max_unzipped_bytes: 100, ..Limits::default() };
    let e = read_file(&fixtures().join("num-roman/input.docx"), &tiny_total);
    assert!(matches!(e, Err(ReadError::ZipBomb(_))), "{e:?}");
    // the lying bomb reads fine when the limits allow its real size: the limit is what refuses
    assert!(read_file(&fixtures().join("refuse/bomb.docx"), &Limits::default()).is_ok());
}

#[test]
fn time_limit_is_enforced() {
    let l = Limits { max_millis: 0, ..Limits::default() };
    std::thread::sleep(std::time::Duration::from_millis(2));
    let e = read_file(&fixtures().join("num-multilevel/input.docx"), &l);
    assert!(matches!(e, Err(ReadError::Timeout(0))), "{e:?}");
}

/// LibreOffice re-saves split lists across numIds; the labels must not change. (num-multilevel is
/// left out: LibreOffice drops `w:lvlRestart w:val="0"`, so its own rendering changes too.)
#[test]
fn libreoffice_round_trip_keeps_labels() {
    let Some(soffice) = which("soffice") else {
        assert!(std::env::var_os("CI").is_none(), "soffice is required under CI");
        eprintln!("soffice not found: round trip skipped");
        return;
    };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        "num-split-numids",
        "num-overrides",
        "num-decimal-continue",
        "num-letters",
        "num-style",
        "lo-forslag-til-vedtak",
    ];
    let mut cmd = std::process::Command::new(&soffice);
    cmd.arg(format!("-env:UserInstallation=file://{}/profile", tmp.path().display()))
        .args(["--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(tmp.path().join("out"));
    for case in cases {
        let src = tmp.path().join(format!("{case}.docx"));
        std::fs::copy(fixtures().join(case).join("input.docx"), &src).unwrap_or_else(|e| panic!("{e}"));
        cmd.arg(src);
    }
    let status = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
    for case in cases {
        let doc = read_file(&tmp.path().join("out").join(format!("{case}.docx")), &Limits::default())
            .unwrap_or_else(|e| panic!("{case} after LibreOffice: {e}"));
        let mut after = Vec::new();
        items(&doc.blocks, &mut after);
        assert_eq!(after, labels(case), "{case}: labels changed after a LibreOffice re-save");
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

fn shared() -> PathBuf {
    std::env::var_os("SAKSFLYT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// The ASU seed (a real meeting invitation): every *Forslag til vedtak* is followed by a list
/// numbered from `1.`, lettered sub-points exist, the agenda is a table; a LibreOffice re-save
/// (which splits the lists over many numIds) keeps every label. Skipped without `../shared`.
#[test]
fn asu_seed_proposals_agenda_and_round_trip() {
    let seed = shared().join("seeds/asu-innkalling-2024-06-19.docx");
    if !seed.is_file() {
        eprintln!("{} absent: skipped", seed.display());
        return;
    }
    let doc = read_file(&seed, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut proposals = 0;
    for (i, b) in doc.blocks.iter().enumerate() {
        if b.text() == Some("Forslag til vedtak") {
            proposals += 1;
            let next = doc.blocks.get(i + 1);
            assert!(
                matches!(next, Some(Block::ListItem { label: Some(l), level: 0, ordered: true, .. }) if l == "1."),
                "after proposal {proposals}: {next:?}"
            );
        }
    }
    assert!(proposals >= 8, "{proposals} proposals");
    let mut all = Vec::new();
    items(&doc.blocks, &mut all);
    for want in ["1 a. ", "1 b. ", "1 c. ", "0 7. "] {
        assert!(all.iter().any(|s| s.starts_with(want)), "no {want:?} item");
    }
    let agenda = doc.blocks.iter().find_map(|b| match b {
        Block::Table(t) => Some(t),
        _ => None,
    });
    assert!(agenda.is_some_and(|t| t.rows.len() >= 10 && t.width() == 5), "{agenda:?}");

    let Some(soffice) = which("soffice") else {
        assert!(std::env::var_os("CI").is_none(), "soffice is required under CI");
        return;
    };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(&soffice)
        .arg(format!("-env:UserInstallation=file://{}/profile", tmp.path().display()))
        .args(["--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(tmp.path())
        .arg(&seed)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success());
    let resaved = read_file(&tmp.path().join("asu-innkalling-2024-06-19.docx"), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut after = Vec::new();
    items(&resaved.blocks, &mut after);
    assert_eq!(after, all, "labels changed after a LibreOffice re-save");
}
