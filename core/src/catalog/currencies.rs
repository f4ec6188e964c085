//! Currencies: reference data seeded by migration 0001. Prices are stored in a currency's
//! minor unit, so parsing and showing a price always goes through the currency's
//! `minor_units`, looked up here.

use crate::error::{Error, Result};
use crate::money;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Currency {
    /// ISO 4217 code, upper case.
    pub code: String,
    pub name: String,
    /// Decimal places of the minor unit (2 for USD, 0 for JPY, 3 for KWD).
    pub minor_units: u32,
}

const LIST: &str = "SELECT code, name, minor_units FROM currencies ORDER BY code";
const BY_CODE: &str = "SELECT code, name, minor_units FROM currencies WHERE code = ?1";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Currency> {
    Ok(Currency {
        code: r.get(0)?,
        name: r.get(1)?,
        minor_units: r.get(2)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<Currency>> {
    let mut stmt = conn.prepare_cached(LIST)?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn by_code(conn: &Connection, code: &str) -> Result<Currency> {
    let code = code.trim().to_ascii_uppercase();
    conn.query_row(BY_CODE, [&code], from_row)
        .optional()?
        .ok_or_else(|| {
            Error::validation(
                "currency",
                format!("{code:?} isn't a known currency (use an ISO 4217 code like USD or EUR)."),
            )
        })
}

/// Parses a typed price in `currency`'s minor unit (`12.5` EUR is 1250, `1200` JPY is 1200).
pub fn parse_price(conn: &Connection, text: &str, currency: &str) -> Result<i64> {
    money::parse_price(text, by_code(conn, currency)?.minor_units)
}

/// Shows minor units of `currency` as a plain decimal.
pub fn format_price(conn: &Connection, minor: i64, currency: &str) -> Result<String> {
    Ok(money::format_price(
        minor,
        by_code(conn, currency)?.minor_units,
    ))
}
