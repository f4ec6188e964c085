//! Per-catalog settings (migration 0002): small JSON values by key.

use super::{Catalog, ChangeKind, Entity, Write};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

const GET: &str = "SELECT value FROM settings WHERE key = ?1";
const PUT: &str = "INSERT INTO settings (key, value) VALUES (?1, ?2)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')";

pub fn get(conn: &Connection, key: &str) -> Result<Option<serde_json::Value>> {
    let text: Option<String> = conn.query_row(GET, [key], |r| r.get(0)).optional()?;
    text.map(|t| serde_json::from_str(&t).map_err(Error::from))
        .transpose()
}

/// The setting that names the currency new products get.
pub const DEFAULT_CURRENCY: &str = "default_currency";

/// The currency new products get when none is given.
pub fn default_currency(conn: &Connection) -> Result<String> {
    Ok(get(conn, DEFAULT_CURRENCY)?
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "USD".to_owned()))
}

/// Sets one setting inside the caller's transaction.
pub(crate) fn put(w: &mut Write<'_>, key: &str, value: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string(value)?;
    w.tx().prepare_cached(PUT)?.execute((key, &text))?;
    w.record(Entity::Settings, key, ChangeKind::Updated);
    Ok(())
}

impl Catalog {
    pub fn put_setting(&mut self, key: &str, value: &serde_json::Value) -> Result<()> {
        self.write(|w| put(w, key, value))
    }
}
