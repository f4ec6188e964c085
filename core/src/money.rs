//! Prices are integers in the currency's minor unit (cents, yen, fils). Text is parsed and
//! written here digit by digit, never through a float, so 0.1 + 0.2 problems cannot reach a
//! seller's prices.

use crate::error::{Error, Result};

/// Parses a price typed or imported as text (`12`, `12.5`, `12.50`, `1,299.00`, `  7 `) into
/// minor units of a currency with `minor_units` decimals. More decimals than the currency has
/// is an error, not a silent rounding.
pub fn parse_price(text: &str, minor_units: u32) -> Result<i64> {
    let bad = |why: &str| Error::validation("price", format!("{text:?} is not a price: {why}."));
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    if cleaned.starts_with('-') {
        return Err(Error::validation("price", "The price can't be negative."));
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(bad("it is empty"));
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("use digits and one decimal point"));
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > minor_units as usize {
        return Err(bad(&format!("this currency has {minor_units} decimal places")));
    }
    let scale = 10i64.pow(minor_units);
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad("it is too large"))?
    };
    let fraction_minor: i64 = format!("{fraction:0<width$}", width = minor_units as usize)
        .parse::<i64>()
        .unwrap_or(0);
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction_minor))
        .ok_or_else(|| bad("it is too large"))
}

/// Writes minor units as a plain decimal (`1299` with 2 decimals is `12.99`).
pub fn format_price(minor: i64, minor_units: u32) -> String {
    if minor_units == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(minor_units);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = minor_units as usize
    )
}

/// A price change for bulk edits: a percentage in hundredths of a percent (1250 = +12.5 %)
/// or a fixed amount in minor units. Results round half away from zero to whole minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "by", content = "amount")]
pub enum PriceChange {
    PercentHundredths(i64),
    FixedMinor(i64),
}

impl PriceChange {
    pub fn apply(self, price_minor: i64) -> Option<i64> {
        match self {
            PriceChange::FixedMinor(delta) => price_minor.checked_add(delta),
            PriceChange::PercentHundredths(p) => {
                let delta = i128::from(price_minor) * i128::from(p);
                let rounded = (delta.abs() + 5_000) / 10_000 * delta.signum();
                i64::try_from(i128::from(price_minor) + rounded).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_parse_without_floats() {
        assert_eq!(parse_price("12.99", 2).unwrap(), 1299);
        assert_eq!(parse_price("149", 2).unwrap(), 14900);
        assert_eq!(parse_price("72.00", 2).unwrap(), 7200);
        assert_eq!(parse_price("1,299.5", 2).unwrap(), 129950);
        assert_eq!(parse_price("500", 0).unwrap(), 500);
        assert_eq!(parse_price("1.234", 3).unwrap(), 1234);
        assert_eq!(parse_price(".5", 2).unwrap(), 50);
        assert!(parse_price("12.999", 2).is_err());
        assert!(parse_price("-1", 2).is_err());
        assert!(parse_price("abc", 2).is_err());
        assert!(parse_price("", 2).is_err());
        assert!(parse_price("99999999999999999999", 2).is_err());
    }

    #[test]
    fn prices_format_from_minor_units() {
        assert_eq!(format_price(1299, 2), "12.99");
        assert_eq!(format_price(5, 2), "0.05");
        assert_eq!(format_price(500, 0), "500");
        assert_eq!(format_price(1234, 3), "1.234");
    }

    #[test]
    fn percentage_changes_round_half_away_from_zero() {
        assert_eq!(PriceChange::PercentHundredths(1000).apply(1999), Some(2199)); // 199.9 -> 200
        assert_eq!(PriceChange::PercentHundredths(-1000).apply(1995), Some(1795)); // 199.5 -> 200
        assert_eq!(PriceChange::PercentHundredths(250).apply(100), Some(103)); // 2.5 -> 3
        assert_eq!(PriceChange::FixedMinor(-100).apply(50), Some(-50));
    }
}
