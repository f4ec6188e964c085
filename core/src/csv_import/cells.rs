//! Cells as spreadsheets and shops leave them, read into the catalog's units: stock counts,
//! optional amounts, weights in the file's unit, and barcodes with a spreadsheet's marks.

use super::rows::issue;
use super::{IssueKind, RowIssue};
use crate::error::{Error, Result};
use crate::money::parse_price;
use crate::rules;

/// A stock count: `1,200` and `1_200` read as 1200. A shop's negative stock (oversold) is
/// read as 0 with a warning; Shelfkeeper's own files must not have one.
pub fn stock(text: &str, shop: bool, line: u64, sku: &str, notes: &mut Vec<RowIssue>) -> Result<Option<i64>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value: i64 = text.replace([',', '_'], "").parse().map_err(|_| {
        Error::validation(
            "stock",
            format!("{text:?} is not a stock count: use a whole number."),
        )
    })?;
    if value < 0 && shop {
        notes.push(issue(
            line,
            sku,
            IssueKind::Warning,
            format!("Stock {value} was read as 0 (the catalog holds no negative stock)."),
        ));
        return Ok(Some(0));
    }
    Ok(Some(value))
}

/// An optional amount (compare-at price, cost): blank is none.
pub fn amount(text: Option<&str>, minor_units: u32) -> Result<Option<i64>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parse_price(t, minor_units).map(Some),
        None => Ok(None),
    }
}

/// A weight in the file's unit, as whole grams: `.5` (kg) is 500, `0.0` is 0.
pub fn grams(text: &str, grams_per_unit: f64) -> Result<Option<i64>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value: f64 = text
        .replace(',', ".")
        .parse()
        .map_err(|_| Error::validation("weight", format!("{text:?} is not a weight: use a number.")))?;
    let grams = (value * grams_per_unit).round();
    if !grams.is_finite() || grams < 0.0 || grams > rules::MAX_WEIGHT_GRAMS as f64 {
        return Err(Error::validation(
            "weight",
            format!(
                "The weight {text} can't be negative or larger than {} kg.",
                rules::MAX_WEIGHT_GRAMS / 1000
            ),
        ));
    }
    Ok(Some(grams as i64))
}

/// A barcode as spreadsheets leave it: a leading `'` (text marker) is dropped, ISBN hyphens
/// and spaces removed; scientific notation (`3.65275E+11`) has lost digits, so the barcode is
/// left empty with a warning rather than stored wrong.
pub fn clean_barcode(text: &str, line: u64, sku: &str, notes: &mut Vec<RowIssue>) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix('\'').unwrap_or(text).trim();
    if text.is_empty() {
        return None;
    }
    if is_scientific(text) {
        notes.push(issue(line, sku, IssueKind::Warning, format!(
            "The barcode {text} was turned into scientific notation by a spreadsheet and its digits are lost; it was left empty. Type it in again."
        )));
        return None;
    }
    let digits: String = text.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(digits)
    } else {
        Some(text.to_owned())
    }
}

/// Shops store any text as a barcode (15-digit codes and `N/A` occur in real exports); the
/// catalog holds 8 to 14 digits. Rather than refuse the whole product, the barcode is left
/// empty and the seller told why, with the editor's own words.
pub fn lenient_barcode(barcode: &mut Option<String>, line: u64, sku: &str, notes: &mut Vec<RowIssue>) {
    if let Err(err) = rules::check_barcode(barcode.as_deref()) {
        let code = barcode.take().unwrap_or_default();
        notes.push(issue(
            line,
            sku,
            IssueKind::Warning,
            format!("The barcode {code} was left empty: {err}"),
        ));
    }
}

fn is_scientific(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.trim_start_matches(['+', '-']);
    !mantissa.is_empty()
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barcodes_are_cleaned_like_a_careful_person_would() {
        let mut notes = Vec::new();
        assert_eq!(
            clean_barcode("'100100717873410", 2, "A", &mut notes).as_deref(),
            Some("100100717873410")
        );
        assert_eq!(
            clean_barcode("978-3-16-148410-0", 2, "A", &mut notes).as_deref(),
            Some("9783161484100")
        );
        assert!(notes.is_empty());
        assert_eq!(clean_barcode("3.65275E+11", 2, "A", &mut notes), None);
        assert_eq!(clean_barcode("'3.65275e+11", 2, "A", &mut notes), None);
        assert_eq!(notes.len(), 2);
        assert_eq!(clean_barcode("  ", 2, "A", &mut notes), None);
        assert_eq!(clean_barcode("N/A", 2, "A", &mut notes).as_deref(), Some("N/A"));
    }

    #[test]
    fn weights_are_read_in_the_files_unit() {
        assert_eq!(grams(".5", 1000.0).unwrap(), Some(500));
        assert_eq!(grams("0.0", 1.0).unwrap(), Some(0));
        assert_eq!(grams("1,5", 453.592_37).unwrap(), Some(680));
        assert_eq!(grams("", 1.0).unwrap(), None);
        assert!(grams("heavy", 1.0).is_err());
        assert!(grams("-1", 1.0).is_err());
    }
}
