//! Language of the generated documents (bokmål or nynorsk) and Norwegian formatting of dates
//! (`19. juni 2024`) and amounts (`kr 250 000`). The words of the documents live in the
//! templates; only formatting that templates cannot do well lives here.

use serde::Serialize;

/// The written standard of a generated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bokmål (the default).
    #[default]
    Nb,
    /// Nynorsk.
    Nn,
}

impl Lang {
    /// `nb` or `nn`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
        }
    }

    /// Parses `nb`/`nn` (also `no`, `nob`, `nno`), case-insensitively.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nob" | "bokmal" | "bokmål" => Some(Lang::Nb),
            "nn" | "nno" | "nynorsk" => Some(Lang::Nn),
            _ => None,
        }
    }
}

/// Month names; bokmål and nynorsk spell them alike.
const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

/// The Norwegian month name for 1–12.
pub fn month_name(month: u32) -> Option<&'static str> {
    MONTHS.get(usize::try_from(month).ok()?.checked_sub(1)?).copied()
}

/// Splits `DD.MM.YYYY` into its numbers.
fn parse_dotted_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.trim().splitn(3, '.');
    let d: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next()?.trim().parse().ok()?;
    let y_text = parts.next()?.trim();
    if y_text.len() != 4 {
        return None;
    }
    let y: i32 = y_text.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

pub use crate::util::parse_iso_date;

/// `2024-06-19` (or `19.06.2024`) → `19. juni 2024`; any other text is returned unchanged.
pub fn format_date(s: &str) -> String {
    match parse_iso_date(s).or_else(|| parse_dotted_date(s)) {
        Some((y, m, d)) => match month_name(m) {
            Some(name) => format!("{d}. {name} {y}"),
            None => s.to_string(),
        },
        None => s.to_string(),
    }
}

/// `2025-10-01` → `01.10.2025` (the short form for a table cell); any other text unchanged.
pub fn format_numeric_date(s: &str) -> String {
    match parse_iso_date(s).or_else(|| parse_dotted_date(s)) {
        Some((y, m, d)) => format!("{d:02}.{m:02}.{y:04}"),
        None => s.to_string(),
    }
}

/// `250000` → `kr 250 000` (non-breaking spaces between groups of three digits).
pub fn format_nok(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("kr\u{a0}{sign}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_norwegian() {
        for (input, want) in [
            ("2024-06-19", "19. juni 2024"),
            ("2023-01-01", "1. januar 2023"),
            ("2024-12-31", "31. desember 2024"),
            ("2024-13-01", "2024-13-01"),
            ("01.06.2025", "1. juni 2025"),
            ("31.12.2026", "31. desember 2026"),
            ("1.6.25", "1.6.25"),
            ("neste år", "neste år"),
            ("", ""),
        ] {
            assert_eq!(format_date(input), want, "{input}");
        }
    }

    #[test]
    fn amounts_grouped() {
        assert_eq!(format_nok(250_000), "kr\u{a0}250\u{a0}000");
        assert_eq!(format_nok(1_200_000), "kr\u{a0}1\u{a0}200\u{a0}000");
        assert_eq!(format_nok(999), "kr\u{a0}999");
        assert_eq!(format_nok(-5000), "kr\u{a0}-5\u{a0}000");
    }

    #[test]
    fn lang_codes() {
        assert_eq!(Lang::parse("NN"), Some(Lang::Nn));
        assert_eq!(Lang::parse("nb"), Some(Lang::Nb));
        assert_eq!(Lang::parse("sv"), None);
    }
}
