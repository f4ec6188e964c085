//! Spreadsheet safety. A CSV cell that starts with `=`, `+`, `-` or `@` (or their full-width
//! forms `＝＋－＠`, which East Asian spreadsheets read the same; or a tab, line break or NUL,
//! which some spreadsheets skip before looking; or any of these after leading spaces) is run
//! as a formula when the file is opened (CSV injection, OWASP). Prefixing `'` makes every
//! spreadsheet show it as text. Only the written file is changed; the catalog keeps the raw
//! value. Every CSV the app writes goes through here: exports and import reports.

use std::borrow::Cow;

/// The first characters that make a spreadsheet treat a cell as a formula.
pub const DANGEROUS_PREFIXES: [char; 12] = [
    '=', '+', '-', '@', '\t', '\r', '\n', '\0', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
];

fn starts_dangerously(text: &str) -> bool {
    text.trim_start_matches([' ', '\u{a0}'])
        .starts_with(DANGEROUS_PREFIXES)
}

/// `'` + the text when it starts with a dangerous character, else the text unchanged.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if starts_dangerously(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Like [`neutralise`], and a text that already starts with `'` gets one more, so our own
/// generic CSV reads back to exactly the catalog's value ([`restore_reversible`]).
pub(crate) fn neutralise_reversible(text: &str) -> Cow<'_, str> {
    if starts_dangerously(text) || text.starts_with('\'') {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Undoes [`neutralise_reversible`].
pub(crate) fn restore_reversible(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_dangerously(rest) || rest.starts_with('\'') => rest,
        _ => text,
    }
}

/// Undoes [`neutralise`] for files that other tools (and our Shopify export) wrote.
pub(crate) fn restore(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_dangerously(rest) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dangerous_prefix_is_neutralised_and_restored() {
        for prefix in DANGEROUS_PREFIXES {
            let raw = format!("{prefix}HYPERLINK(\"http://x\")");
            let out = neutralise(&raw);
            assert_eq!(out, format!("'{raw}"));
            assert_eq!(restore(&out), raw);
            assert_eq!(restore_reversible(&neutralise_reversible(&raw)), raw);
        }
        for safe in ["Mug", "", "'quoted", "''", "12", " =x"] {
            assert_eq!(restore_reversible(&neutralise_reversible(safe)), safe);
        }
        assert_eq!(neutralise("Mug"), "Mug");
        assert_eq!(
            neutralise("  =1+1"),
            "'  =1+1",
            "spreadsheets skip leading spaces"
        );
        assert_eq!(
            neutralise("\u{ff1d}SUM(A1)"),
            "'\u{ff1d}SUM(A1)",
            "full-width equals"
        );
        assert_eq!(neutralise("\n=1"), "'\n=1");
    }
}
