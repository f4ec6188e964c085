//! Column mappings the seller chose in the import preview, remembered per header row (in
//! the catalog's settings, so a backup keeps them): the next file with the same columns,
//! from the same shop or spreadsheet, is read the same way without asking again.

use super::layout::{normalise, Field};
use super::preview::Columns;
use crate::catalog::settings;
use crate::error::Result;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Serialize, Deserialize)]
struct Remembered {
    /// The normalised headers, compared in full (the key is only a hash of them).
    headers: Vec<String>,
    columns: Vec<Option<Field>>,
}

fn normalised(headers: &[String]) -> Vec<String> {
    headers.iter().map(|h| normalise(h)).collect()
}

/// `csv_mapping.<first 16 hex digits of the SHA-256 of the normalised header row>`.
pub fn key(headers: &[String]) -> String {
    let mut hash = Sha256::new();
    for header in normalised(headers) {
        hash.update(header.as_bytes());
        hash.update([0]);
    }
    format!("csv_mapping.{}", &hex::encode(hash.finalize())[..16])
}

/// The mapping chosen for a file with these headers, if one was. A stored value that does
/// not fit (edited by hand, or another header row with the same hash) is ignored.
pub fn recall(conn: &Connection, headers: &[String]) -> Result<Columns> {
    Ok(settings::get(conn, &key(headers))?.and_then(|value| read(headers, value)))
}

/// The columns a stored setting value holds for these headers, if it fits them.
pub fn read(headers: &[String], value: serde_json::Value) -> Columns {
    let stored = serde_json::from_value::<Remembered>(value).ok()?;
    let fits = stored.headers == normalised(headers) && stored.columns.len() == headers.len();
    fits.then_some(stored.columns)
}

/// The setting (key and value) that remembers `columns` for these headers.
pub fn entry(headers: &[String], columns: &[Option<Field>]) -> Result<(String, serde_json::Value)> {
    let value = serde_json::to_value(Remembered {
        headers: normalised(headers),
        columns: columns.to_vec(),
    })?;
    Ok((key(headers), value))
}
