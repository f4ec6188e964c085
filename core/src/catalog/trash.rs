//! The trash: deleting a product in the app sets `deleted_at`; it can be restored. Purging is
//! the explicit, confirmed step that removes rows for good: children first, one transaction,
//! every removed row copied to `deletion_log` by the triggers.

use super::{options, products, variants, Catalog, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use rusqlite::OptionalExtension;

const TRASH: &str = "UPDATE products SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = ?1 AND deleted_at IS NULL";
const RESTORE: &str = "UPDATE products SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL";
const IN_TRASH: &str = "SELECT deleted_at IS NOT NULL FROM products WHERE id = ?1";
const PURGE_IMAGES: &str = "DELETE FROM product_images WHERE product_id = ?1";
const PURGE_TAGS: &str = "DELETE FROM product_tags WHERE product_id = ?1";
const PURGE_PRODUCT: &str = "DELETE FROM products WHERE id = ?1";
const TRASHED_BEFORE: &str = "SELECT id FROM products WHERE deleted_at IS NOT NULL
  AND deleted_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d days', ?1))";

impl Catalog {
    /// Moves products to the trash. Ones already there are left as they are.
    pub fn move_to_trash(&mut self, ids: &[ProductId]) -> Result<usize> {
        self.write(|w| trash_rows(w, ids))
    }

    pub fn restore_from_trash(&mut self, ids: &[ProductId]) -> Result<usize> {
        self.write(|w| restore_rows(w, ids))
    }

    /// Deletes trashed products for good, with their variants, options, image links and tags. A product that is
    /// not in the trash refuses the whole purge.
    pub fn purge(&mut self, ids: &[ProductId]) -> Result<usize> {
        self.write(|w| {
            for &id in ids {
                if !ensure_exists(w.tx(), id)? {
                    return Err(not_in_trash(id));
                }
                variants::purge_of_product(w, id)?;
                options::purge_of_product(w, id)?;
                w.tx().prepare_cached(PURGE_IMAGES)?.execute([id])?;
                w.tx().prepare_cached(PURGE_TAGS)?.execute([id])?;
                w.tx().prepare_cached(PURGE_PRODUCT)?.execute([id])?;
                w.record(Entity::Product, id, ChangeKind::Deleted);
            }
            Ok(ids.len())
        })
    }

    /// Purges everything that has been in the trash for more than `days` days.
    pub fn empty_trash_older_than(&mut self, days: u32) -> Result<usize> {
        let ids: Vec<ProductId> = {
            let mut stmt = self.conn().prepare_cached(TRASHED_BEFORE)?;
            let rows = stmt.query_map([days], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        self.purge(&ids)
    }
}

/// The refusal of a purge that names a product outside the trash, on either engine.
pub(crate) fn not_in_trash(id: ProductId) -> Error {
    Error::refused(format!(
        "Product {id} is not in the trash; only products in the trash can be deleted for good."
    ))
}

/// [`Catalog::move_to_trash`] inside a write already open (undo runs it with its own log).
pub(crate) fn trash_rows(w: &mut Write<'_>, ids: &[ProductId]) -> Result<usize> {
    set_in_trash(w, ids, TRASH, ChangeKind::Trashed)
}

/// [`Catalog::restore_from_trash`] inside a write already open.
pub(crate) fn restore_rows(w: &mut Write<'_>, ids: &[ProductId]) -> Result<usize> {
    set_in_trash(w, ids, RESTORE, ChangeKind::Restored)
}

/// Runs `statement` (TRASH or RESTORE) for each product, counting and announcing the ones it
/// changed; a missing product refuses the whole write.
fn set_in_trash(w: &mut Write<'_>, ids: &[ProductId], statement: &str, kind: ChangeKind) -> Result<usize> {
    let mut changed = 0;
    for &id in ids {
        ensure_exists(w.tx(), id)?;
        if w.tx().prepare_cached(statement)?.execute([id])? > 0 {
            changed += 1;
            w.record(Entity::Product, id, kind);
        }
    }
    Ok(changed)
}

/// Whether the product is in the trash; NotFound when there is no such product.
fn ensure_exists(conn: &rusqlite::Connection, id: ProductId) -> Result<bool> {
    conn.prepare_cached(IN_TRASH)?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| products::no_such_product(id))
}
