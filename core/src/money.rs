//! Prices are integers in the currency's minor unit (cents, yen, fils). Text is parsed and
//! written here digit by digit, never through a float, so 0.1 + 0.2 problems cannot reach a
//! seller's prices.

use crate::error::{Error, Result};

/// Parses a price typed or imported as text into minor units of a currency with
/// `minor_units` decimals, in the notations sellers' spreadsheets use: `12`, `12.5`,
/// `1,299.00`, and with a decimal comma `12,50`, `1.299,00`, `1 299,00` (spaces, no-break
/// spaces and `'` group digits too). More decimals than the currency has is an error, not a
/// silent rounding, and so is a number whose notation could mean two amounts: reading
/// `12,50` as 1250 would be a hundredfold mistake nobody sees.
pub fn parse_price(text: &str, minor_units: u32) -> Result<i64> {
    let bad = |why: &str| Error::validation("price", format!("{text:?} is not a price: {why}."));
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '_'))
        .collect();
    if cleaned.starts_with('-') {
        return Err(Error::validation("price", "The price can't be negative."));
    }
    let (whole, fraction) = split_decimal(&cleaned, minor_units).map_err(&bad)?;
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

/// Splits `1,299.50` or `1.299,50` into the whole part without its group separators and the
/// fraction. With one kind of mark only, a single `.` is decimal, and a single `,` is decimal
/// unless exactly three digits follow it (`1,299` is a thousand and more, `12,50` twelve and a
/// half); a mark that repeats groups digits. Groups must be of three.
fn split_decimal(text: &str, minor_units: u32) -> std::result::Result<(String, &str), &'static str> {
    let (dot, comma) = (text.rfind('.'), text.rfind(','));
    let decimal = match (dot, comma) {
        (Some(d), Some(c)) => Some(d.max(c)),
        (Some(d), None) => (text.matches('.').count() == 1).then_some(d),
        (None, Some(c)) => {
            let after = text.len() - c - 1;
            let single = text.matches(',').count() == 1;
            if single && after == 3 && minor_units >= 3 {
                return Err("a comma before three digits could be a thousands or a decimal mark here; write it without grouping");
            }
            (single && after != 3).then_some(c)
        }
        (None, None) => None,
    };
    let (whole, fraction) = match decimal {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    if fraction.contains(['.', ',']) {
        return Err("use one decimal mark");
    }
    Ok((ungrouped(whole)?, fraction))
}

/// `1,299,000` or `1.299.000` as `1299000`; refuses groups that are not of three digits.
fn ungrouped(whole: &str) -> std::result::Result<String, &'static str> {
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    let one_kind_of_mark = !(whole.contains('.') && whole.contains(','));
    let tidy = groups.len() == 1
        || (one_kind_of_mark
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3));
    if tidy {
        Ok(groups.concat())
    } else {
        Err("digits are grouped in threes (1,299,000 or 1.299.000)")
    }
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

/// A price change for bulk edits: a percentage in hundredths of a percent (1250 = +12.5 %),
/// or an amount as the seller typed it (`+2.50`, `-1`), read in each product's own currency,
/// so +2.50 is 250 cents on a EUR product and refused on a JPY one (yen have no cents) rather
/// than 250 yen. Results round half away from zero to whole minor units.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "by", content = "amount")]
pub enum PriceChange {
    PercentHundredths(i64),
    Amount(String),
}

impl PriceChange {
    /// The new price of `price_minor` in a currency with `minor_units` decimals; `Ok(None)`
    /// when it would not fit in a price at all.
    pub fn apply(&self, price_minor: i64, minor_units: u32) -> Result<Option<i64>> {
        Ok(match self {
            PriceChange::Amount(text) => price_minor.checked_add(parse_signed(text, minor_units, "price")?),
            PriceChange::PercentHundredths(p) => {
                let delta = i128::from(price_minor) * i128::from(*p);
                let rounded = (delta.abs() + 5_000) / 10_000 * delta.signum();
                i64::try_from(i128::from(price_minor) + rounded).ok()
            }
        })
    }
}

/// A signed decimal with at most `places` decimals as an integer (`-12.5` with 2 places is
/// -1250), for price changes and percentages.
pub fn parse_signed(text: &str, places: u32, field: &'static str) -> Result<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let value = parse_price(digits, places).map_err(|_| {
        Error::validation(
            field,
            format!("{text:?} is not an amount with at most {places} decimals."),
        )
    })?;
    Ok(if negative { -value } else { value })
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

    /// Spreadsheets in most of Europe write a decimal comma; reading `12,50` as 1250 would
    /// turn a price a hundredfold without a word.
    #[test]
    fn prices_with_a_decimal_comma_or_digit_groups_keep_their_amount() {
        let eur = |text| parse_price(text, 2);
        assert_eq!(eur("12,50").unwrap(), 1250);
        assert_eq!(eur("12,5").unwrap(), 1250);
        assert_eq!(eur("0,99").unwrap(), 99);
        assert_eq!(eur("1.299,00").unwrap(), 129900);
        assert_eq!(eur("1 299,00").unwrap(), 129900);
        assert_eq!(eur("1\u{a0}299,00").unwrap(), 129900);
        assert_eq!(eur("1\u{202f}299,00").unwrap(), 129900);
        assert_eq!(eur("1'299.00").unwrap(), 129900);
        assert_eq!(eur("1,299").unwrap(), 129900);
        assert_eq!(eur("1,299,000").unwrap(), 129900000);
        assert_eq!(eur("1.299.000").unwrap(), 129900000);
        assert_eq!(eur("1.299.000,5").unwrap(), 129900050);
        assert!(eur("12,999").is_ok(), "a thousands group: 12999.00");
        assert!(eur("1,29,9").is_err());
        assert!(eur("12,50.00").is_err());
        assert!(eur("1.2,3").is_err());
        assert!(eur("1,2.3.4").is_err());
        assert!(eur("12,345.6.7").is_err());
        assert!(
            parse_price("1,299", 3).is_err(),
            "a thousand, or 1.299 of a dinar?"
        );
        assert_eq!(parse_price("1,2995", 4).unwrap(), 12995);
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
        let apply = |change: PriceChange, price: i64, places: u32| change.apply(price, places).unwrap();
        assert_eq!(apply(PriceChange::PercentHundredths(1000), 1999, 2), Some(2199)); // 199.9 -> 200
        assert_eq!(apply(PriceChange::PercentHundredths(-1000), 1995, 2), Some(1795)); // 199.5 -> 200
        assert_eq!(apply(PriceChange::PercentHundredths(250), 100, 2), Some(103)); // 2.5 -> 3
        assert_eq!(apply(PriceChange::Amount("-1.00".into()), 50, 2), Some(-50));
        assert_eq!(apply(PriceChange::Amount("+2,50".into()), 1000, 2), Some(1250));
        assert_eq!(apply(PriceChange::Amount("+3".into()), 1000, 0), Some(1003));
        assert!(
            PriceChange::Amount("+2.50".into()).apply(1000, 0).is_err(),
            "yen have no cents"
        );
    }
}
