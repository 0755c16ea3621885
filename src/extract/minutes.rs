//! Minutes (møteprotokoll, saksprotokoll): the line that opens a case's treatment
//! (`Formannskapets behandling av sak 12/2025 i møte den 14.03.2025`), and vote lines
//! (`For forslaget stemte 5: …`, `Enstemmig vedtatt`, `Samrøystes`) that close a decision.

use super::{casenum, dates};
use crate::record::CaseNum;
use regex::Regex;
use std::sync::LazyLock;

static BEHANDLING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bbehandling\s+av\s+(sak\s*\S+)").expect("valid regex"));

/// `… behandling av sak N [i møte den DATE]`: the case number and the meeting date.
pub fn behandling(text: &str) -> Option<(CaseNum, Option<String>)> {
    if text.chars().count() > 200 {
        return None;
    }
    let c = BEHANDLING.captures(text)?;
    let at = c.get(1)?.start();
    let (n, _, _) = casenum::find_prefixed(&text[at..]).into_iter().next()?;
    let date = text.to_lowercase().find("møte").and_then(|i| dates::first_date(&text[i..], None));
    Some((n, date))
}

/// A vote or adoption line.
pub fn is_vote(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let t = t.trim_end_matches(['.', '!']);
    t.starts_with("enstemmig")
        || t.starts_with("samrøystes")
        || t.starts_with("for forslaget stemte")
        || t.starts_with("mot forslaget stemte")
        || t.starts_with("votering")
        || t.starts_with("avstemming")
        || t.starts_with("avrøysting")
        || t.starts_with("forslaget ble vedtatt")
        || t.starts_with("forslaget vart vedteke")
        || t.contains(" mot ") && t.contains("stemmer")
        || t == "vedtatt"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behandling_lines() {
        let (n, d) = behandling("Formannskapets behandling av sak 12/2025 i møte den 14.03.2025:").unwrap();
        assert_eq!((n.seq, n.year, d.as_deref()), (12, 2025, Some("2025-03-14")));
        assert!(behandling("Behandling av søknad").is_none());
    }

    #[test]
    fn votes() {
        for t in [
            "Enstemmig vedtatt.",
            "Samrøystes vedteke",
            "For forslaget stemte 5: Ap, H",
            "Vedtatt med 7 mot 2 stemmer",
        ] {
            assert!(is_vote(t), "{t}");
        }
        assert!(!is_vote("Kommunen vedtar budsjettet"));
    }
}
