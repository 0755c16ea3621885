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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behandling_lines() {
        let (n, d) = behandling("Formannskapets behandling av sak 12/2025 i møte den 14.03.2025:").unwrap();
        assert_eq!((n.seq, n.year, d.as_deref()), (12, 2025, Some("2025-03-14")));
        assert!(behandling("Behandling av søknad").is_none());
    }
}
