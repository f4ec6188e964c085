//! Column mappings the seller chose in the import preview, remembered per header row (in
//! the catalog's settings, so a backup keeps them): the next file with the same columns,
//! from the same shop or spreadsheet, is read the same way without asking again.

use super::layout::{normalise, Field};
use crate::catalog::{settings, Write};
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
fn key(headers: &[String]) -> String {
    let mut hash = Sha256::new();
    for header in normalised(headers) {
        hash.update(header.as_bytes());
        hash.update([0]);
    }
    format!("csv_mapping.{}", &hex::encode(hash.finalize())[..16])
}

/// The mapping chosen for a file with these headers, if one was. A stored value that does
/// not fit (edited by hand, or another header row with the same hash) is ignored.
pub fn recall(conn: &Connection, headers: &[String]) -> Result<Option<Vec<Option<Field>>>> {
    let Some(value) = settings::get(conn, &key(headers))? else {
        return Ok(None);
    };
    let Ok(stored) = serde_json::from_value::<Remembered>(value) else {
        return Ok(None);
    };
    let fits = stored.headers == normalised(headers) && stored.columns.len() == headers.len();
    Ok(fits.then_some(stored.columns))
}

pub fn remember(w: &mut Write<'_>, headers: &[String], columns: &[Option<Field>]) -> Result<()> {
    let value = serde_json::to_value(Remembered {
        headers: normalised(headers),
        columns: columns.to_vec(),
    })?;
    settings::put(w, &key(headers), &value)
}
