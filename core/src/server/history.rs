//! A product's history on a team server: the server side of [`Store`]'s history, restore and
//! undo. The log is the server's own (its triggers write every change with the login that
//! made it); what an entry means, what a restore writes back and what an undo reverses are
//! decided by `catalog::history`, so both engines show and do the same.

use super::products::{product_in, update_in, RESTORE, TRASH};
use crate::catalog::history::{self, fields_from, HistoryEntry, RawEntry, Reversal};
use crate::catalog::products::{self, Product};
use crate::catalog::ProductId;
use crate::error::Result;
use postgres::Client;
use serde_json::Value;

/// A product's entries and its tags' (keyed 'product_id:tag_id'), newest first.
const PRODUCT_ENTRIES: &str = "SELECT id, iso_ms(at), actor, table_name, action, old_values, new_values
  FROM audit_log
  WHERE (table_name = 'products' AND row_id = $1)
     OR (table_name = 'product_tags' AND split_part(row_id, ':', 1) = $1)
  ORDER BY id DESC LIMIT $2";
const TAG_NAME: &str = "SELECT name::text FROM tags WHERE id = $1";
const ENTRY: &str = "SELECT table_name, row_id, action, old_values, new_values FROM audit_log WHERE id = $1";
/// The login's latest product change not undone yet.
const LAST_BY_ME: &str = "SELECT a.id, a.row_id, a.action, a.old_values, a.new_values
  FROM audit_log AS a
  WHERE a.table_name = 'products'
    AND a.actor_id = (SELECT id FROM users WHERE username = session_user)
    AND NOT EXISTS (SELECT 1 FROM undo_log AS u WHERE u.audit_id = a.id)
  ORDER BY a.id DESC LIMIT 1";
const LOCK: &str = "SELECT version FROM products WHERE id = $1 FOR UPDATE";
const MAX_AUDIT_ID: &str = "SELECT coalesce(max(id), 0) FROM audit_log";
/// Remembers an undo: the entry it reversed, then what it wrote. The product's row is locked
/// for the undo, so its entries after `$2` are the undo's own (other people's changes to
/// other rows, written meanwhile, are not marked).
const LOG_UNDO: &str = "INSERT INTO undo_log (audit_id, role)
  SELECT $1, 'reversed' UNION ALL
  SELECT id, 'written_by_undo' FROM audit_log
    WHERE id > $2 AND table_name = 'products' AND row_id = $3
  ON CONFLICT (audit_id) DO NOTHING";

/// Up to `limit` entries of the product and its tags, newest first.
pub(crate) fn product_history(client: &mut Client, id: ProductId, limit: u32) -> Result<Vec<HistoryEntry>> {
    let limit = i64::from(limit.max(1));
    let rows = client.query(PRODUCT_ENTRIES, &[&id.to_string(), &limit])?;
    rows.iter()
        .map(|r| {
            let raw = RawEntry {
                audit_id: r.get(0),
                at: r.get(1),
                actor: r.get(2),
                table: r.get(3),
                action: r.get(4),
                old: history::as_map(r.get::<_, Option<Value>>(5)),
                new: history::as_map(r.get::<_, Option<Value>>(6)),
            };
            raw.read(|tag_id| Ok(client.query_opt(TAG_NAME, &[&tag_id])?.map(|r| r.get(0))))
        })
        .collect()
}

/// Writes back the product as history entry `audit_id` left it, as a new edit.
pub(crate) fn restore_version(
    client: &mut Client,
    product: ProductId,
    audit_id: i64,
    expected_version: i64,
) -> Result<Product> {
    let row = client
        .query_opt(ENTRY, &[&audit_id])?
        .ok_or_else(|| history::no_such_entry(audit_id))?;
    let row_id: String = row.get(1);
    let values = history::restorable(
        product,
        row.get(0),
        row_id.parse().ok(),
        row.get(2),
        history::as_map(row.get(3)),
        history::as_map(row.get(4)),
    )?;
    let mut tx = client.transaction()?;
    let tags = product_in(&mut tx, product)?.tags;
    let restored = update_in(&mut tx, product, expected_version, &fields_from(&values, tags)?)?;
    tx.commit()?;
    Ok(restored)
}

/// Reverses the login's latest product change not undone yet, and remembers it in
/// `undo_log`, in one transaction. None when there is nothing to undo.
pub(crate) fn undo_last_change(client: &mut Client) -> Result<Option<Product>> {
    let mut tx = client.transaction()?;
    let Some(last) = tx.query_opt(LAST_BY_ME, &[])? else {
        return Ok(None);
    };
    let (audit_id, row_id, action): (i64, String, String) = (last.get(0), last.get(1), last.get(2));
    let id: ProductId = row_id
        .parse()
        .map_err(|_| crate::Error::Damaged(format!("History entry {audit_id} names no product.")))?;
    let version: i64 = tx
        .query_opt(LOCK, &[&id])?
        .ok_or_else(|| products::no_such_product(id))?
        .get(0);
    let before_undo: i64 = tx.query_one(MAX_AUDIT_ID, &[])?.get(0);
    let new = history::as_map(last.get(4));
    match history::reversal(&action, history::as_map(last.get(3)), &new) {
        Reversal::Trash => {
            tx.execute(TRASH, &[&&[id][..]])?;
        }
        Reversal::Restore => {
            tx.execute(RESTORE, &[&&[id][..]])?;
        }
        Reversal::WriteBack(old) => {
            let tags = product_in(&mut tx, id)?.tags;
            update_in(&mut tx, id, version, &fields_from(&old, tags)?)?;
        }
    }
    tx.execute(LOG_UNDO, &[&audit_id, &before_undo, &row_id])?;
    let product = product_in(&mut tx, id)?;
    tx.commit()?;
    Ok(Some(product))
}
