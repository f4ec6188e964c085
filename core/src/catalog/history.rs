//! History: a product's audit entries, newest first, as readable field changes; restoring an
//! old version writes those values back as a new, audited edit; undo reverses the acting
//! user's last product change the same way.

use super::products::{self, ProductFields, ShopFields, Status};
use super::{tags, trash, Catalog, ProductId, Write};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    pub audit_id: i64,
    pub at: String,
    pub actor: String,
    /// `created`, `edited`, `trashed`, `restored`, `deleted`, `tag_added`, `tag_removed`.
    pub what: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// Fields whose change is bookkeeping, not an edit a seller made.
const QUIET_FIELDS: &[&str] = &["updated_at", "version", "created_at", "id", "owner_id"];

const PRODUCT_ENTRIES: &str = "SELECT id, at, actor, table_name, action, old_values, new_values
  FROM audit_log
  WHERE (table_name = 'products' AND row_id = ?1)
     OR (table_name = 'product_tags' AND row_id >= ?2 AND row_id < ?3)
  ORDER BY id DESC LIMIT ?4";
const TAG_NAME: &str = "SELECT name FROM tags WHERE id = ?1";
const ENTRY: &str = "SELECT table_name, row_id, action, old_values, new_values FROM audit_log WHERE id = ?1";
const LAST_BY_ACTOR: &str = "SELECT id FROM audit_log
  WHERE table_name = 'products' AND actor_id = ?1 AND id NOT IN (SELECT audit_id FROM undo_log)
  ORDER BY id DESC LIMIT 1";
/// Remembers an undo (migration 0005): the entry it reversed, then the entries it wrote.
const LOG_UNDO: &str = "INSERT INTO undo_log (audit_id, role)
  SELECT ?1, 'reversed' UNION ALL
  SELECT id, 'written_by_undo' FROM audit_log WHERE id > ?2 AND id <= ?3
  ON CONFLICT (audit_id) DO NOTHING";
const MAX_AUDIT_ID: &str = "SELECT coalesce(max(id), 0) FROM audit_log";

pub fn product_history(conn: &Connection, id: ProductId, limit: u32) -> Result<Vec<HistoryEntry>> {
    // product_tags rows are keyed 'product_id:tag_id'; ';' sorts right after ':'.
    let (from, to) = (format!("{id}:"), format!("{id};"));
    let mut stmt = conn.prepare_cached(PRODUCT_ENTRIES)?;
    let rows = stmt.query_map((id, from, to, limit.max(1)), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (audit_id, at, actor, table, action, old, new) = row?;
        let raw = RawEntry {
            audit_id,
            at,
            actor,
            table,
            action,
            old: parse(old.as_deref())?,
            new: parse(new.as_deref())?,
        };
        entries.push(raw.read(|tag_id| {
            Ok(conn
                .prepare_cached(TAG_NAME)?
                .query_row([tag_id], |r| r.get(0))
                .optional()?)
        })?);
    }
    Ok(entries)
}

/// One audit entry of a product or its tags, as either engine's log holds it.
pub(crate) struct RawEntry {
    pub audit_id: i64,
    pub at: String,
    pub actor: String,
    pub table: String,
    pub action: String,
    pub old: Map<String, Value>,
    pub new: Map<String, Value>,
}

impl RawEntry {
    /// The entry as the history panel shows it; `tag_name` finds a tag's name by id.
    pub(crate) fn read(self, tag_name: impl FnOnce(i64) -> Result<Option<String>>) -> Result<HistoryEntry> {
        let (what, changes) = if self.table == "product_tags" {
            tag_entry(&self.action, &self.old, &self.new, tag_name)?
        } else {
            product_entry(&self.action, &self.old, &self.new)
        };
        Ok(HistoryEntry {
            audit_id: self.audit_id,
            at: self.at,
            actor: self.actor,
            what,
            changes,
        })
    }
}

/// What undoing one audited product change writes.
pub(crate) enum Reversal {
    /// A creation, or a restore, goes (back) to the trash.
    Trash,
    /// A move to the trash is restored.
    Restore,
    /// An edit: these values (the row before it) are written back.
    WriteBack(Map<String, Value>),
}

/// The reversal of one audited product change: a creation goes to the trash, a trash or
/// restore is turned round, an edit has its old values written back.
pub(crate) fn reversal(action: &str, old: Map<String, Value>, new: &Map<String, Value>) -> Reversal {
    let trashed = |m: &Map<String, Value>| m.get("deleted_at").is_some_and(|v| !v.is_null());
    match action {
        "insert" => Reversal::Trash,
        "update" if trashed(&old) != trashed(new) => {
            if trashed(new) {
                Reversal::Restore
            } else {
                Reversal::Trash
            }
        }
        _ => Reversal::WriteBack(old),
    }
}

/// The values a restore writes back from one entry (the row after it; before it, for a
/// deletion), once the entry is known to be this product's.
pub(crate) fn restorable(
    product: ProductId,
    table: &str,
    row_id: Option<i64>,
    action: &str,
    old: Map<String, Value>,
    new: Map<String, Value>,
) -> Result<Map<String, Value>> {
    if table != "products" || row_id != Some(product) {
        return Err(Error::validation(
            "history",
            "That history entry belongs to another product.",
        ));
    }
    Ok(if action == "delete" { old } else { new })
}

pub(crate) fn no_such_entry(audit_id: i64) -> Error {
    Error::NotFound(format!("There is no history entry {audit_id}."))
}

/// Writes the reversal of one audited product change (see `reversal`).
fn reverse(
    w: &mut Write<'_>,
    row_id: ProductId,
    action: &str,
    old: Map<String, Value>,
    new: &Map<String, Value>,
) -> Result<()> {
    match reversal(action, old, new) {
        Reversal::Trash => {
            trash::trash_rows(w, &[row_id])?;
        }
        Reversal::Restore => {
            trash::restore_rows(w, &[row_id])?;
        }
        Reversal::WriteBack(old) => {
            let current = products::get(w.tx(), row_id)?;
            let fields = fields_from(&old, current.tags)?;
            products::update_in(w, row_id, current.version, &fields)?;
        }
    }
    Ok(())
}

pub(crate) fn parse(text: Option<&str>) -> Result<Map<String, Value>> {
    Ok(as_map(text.map(serde_json::from_str::<Value>).transpose()?))
}

/// A logged row's values (none, for the side of an insert or delete that has no row).
pub(crate) fn as_map(value: Option<Value>) -> Map<String, Value> {
    match value {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn product_entry(
    action: &str,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> (String, Vec<FieldChange>) {
    let was_trashed = old.get("deleted_at").is_some_and(|v| !v.is_null());
    let is_trashed = new.get("deleted_at").is_some_and(|v| !v.is_null());
    let what = match action {
        "insert" => "created",
        "delete" => "deleted",
        _ if !was_trashed && is_trashed => "trashed",
        _ if was_trashed && !is_trashed => "restored",
        _ => "edited",
    };
    let keys = new.keys().chain(old.keys().filter(|k| !new.contains_key(*k)));
    let changes = keys
        .filter(|k| !QUIET_FIELDS.contains(&k.as_str()) && *k != "deleted_at")
        .filter(|k| old.get(*k) != new.get(*k))
        .filter(|k| action == "update" || !new.get(*k).or(old.get(*k)).is_some_and(Value::is_null))
        .map(|k| FieldChange {
            field: k.clone(),
            before: old.get(k).cloned().unwrap_or(Value::Null),
            after: new.get(k).cloned().unwrap_or(Value::Null),
        })
        .collect();
    (what.to_owned(), changes)
}

fn tag_entry(
    action: &str,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    tag_name: impl FnOnce(i64) -> Result<Option<String>>,
) -> Result<(String, Vec<FieldChange>)> {
    let row = if action == "insert" { new } else { old };
    let tag_id = row.get("tag_id").and_then(Value::as_i64).unwrap_or(0);
    let name = tag_name(tag_id)?.unwrap_or_else(|| format!("tag #{tag_id}"));
    let (what, before, after) = if action == "insert" {
        ("tag_added", Value::Null, Value::String(name))
    } else {
        ("tag_removed", Value::String(name), Value::Null)
    };
    Ok((
        what.to_owned(),
        vec![FieldChange {
            field: "tags".into(),
            before,
            after,
        }],
    ))
}

/// The product fields as one audit row recorded them.
pub(crate) fn fields_from(values: &Map<String, Value>, tags: Vec<String>) -> Result<ProductFields> {
    let text = |k: &str| values.get(k).and_then(Value::as_str).map(str::to_owned);
    let int = |k: &str| values.get(k).and_then(Value::as_i64);
    let damaged = || Error::Damaged("That history entry is incomplete and can't be restored.".into());
    Ok(ProductFields {
        sku: text("sku").ok_or_else(damaged)?,
        name: text("name").ok_or_else(damaged)?,
        description: text("description").unwrap_or_default(),
        price_minor: int("price_minor").ok_or_else(damaged)?,
        currency: text("currency"),
        stock: int("stock").unwrap_or(0),
        status: Status::parse(&text("status").unwrap_or_default()).unwrap_or_default(),
        category_id: int("category_id"),
        barcode: text("barcode"),
        tags,
        // Entries from before migration 0007 have none of these: absent, as they were then.
        shop: ShopFields {
            vendor: text("vendor"),
            product_type: text("product_type"),
            handle: text("handle"),
            compare_at_minor: int("compare_at_minor"),
            cost_minor: int("cost_minor"),
            weight_grams: int("weight_grams"),
        },
    })
}

impl Catalog {
    /// Writes back the product as it was right after history entry `audit_id` (as it was
    /// before it, for a deletion), as a new edit that is itself in the history.
    pub fn restore_version(
        &mut self,
        product: ProductId,
        audit_id: i64,
        expected_version: i64,
    ) -> Result<products::Product> {
        let (table, row_id, action, old, new): (String, Option<i64>, String, Option<String>, Option<String>) =
            self.conn()
                .query_row(ENTRY, [audit_id], |r| {
                    Ok((r.get(0)?, r.get(1).ok(), r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?
                .ok_or_else(|| no_such_entry(audit_id))?;
        let (old, new) = (parse(old.as_deref())?, parse(new.as_deref())?);
        let values = restorable(product, &table, row_id, &action, old, new)?;
        let fields = fields_from(&values, tags::of_product(self.conn(), product)?)?;
        self.update_product(product, expected_version, &fields)
    }

    /// Reverses the acting user's most recent product change not undone yet (in this or an
    /// earlier session, see `undo_log`): an edit is written back, a trash is restored, a
    /// restore is trashed again, a creation is moved to the trash. Returns the product, or
    /// None when there is nothing to undo.
    ///
    /// The reversal and its entry in `undo_log` are one transaction, so a crash leaves
    /// either both or neither.
    pub fn undo_last_change(&mut self) -> Result<Option<products::Product>> {
        let Some(audit_id): Option<i64> = self
            .conn()
            .query_row(LAST_BY_ACTOR, [self.actor()], |r| r.get(0))
            .optional()?
        else {
            return Ok(None);
        };
        let (_, row_id, action, old, new): (String, i64, String, Option<String>, Option<String>) =
            self.conn().query_row(ENTRY, [audit_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        let (old, new) = (parse(old.as_deref())?, parse(new.as_deref())?);
        self.write(move |w| {
            let before_undo: i64 = w.tx().query_row(MAX_AUDIT_ID, [], |r| r.get(0))?;
            reverse(w, row_id, &action, old, &new)?;
            let after_undo: i64 = w.tx().query_row(MAX_AUDIT_ID, [], |r| r.get(0))?;
            w.tx()
                .prepare_cached(LOG_UNDO)?
                .execute((audit_id, before_undo, after_undo))?;
            Ok(())
        })?;
        Ok(Some(products::get(self.conn(), row_id)?))
    }
}
