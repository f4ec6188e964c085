//! The product a draft updates, as the import compares it: found by its shop handle, else
//! its SKU (or, for a product with variants, an earlier import's product made from its first
//! variant alone).

use super::rows::Draft;
use crate::catalog::products;
/// The product as the import compares and writes it.
pub use crate::catalog::products::AsFields as Product;
use crate::error::Result;

/// The product a draft updates: the one with its shop handle, else its SKU; a product with
/// variants may also be one an earlier import made from its first variant alone (it then
/// takes the handle's SKU and sells through its variants).
pub fn find(conn: &rusqlite::Connection, draft: &Draft, sku: &str) -> Result<Option<Product>> {
    if let Some(handle) = &draft.url_handle {
        if let Some(found) = products::as_fields_by_handle(conn, handle)? {
            return Ok(Some(found));
        }
    }
    if let Some(found) = products::as_fields_by_sku(conn, sku)? {
        return Ok(Some(found));
    }
    match draft.variants.first() {
        Some(first) if !first.sku.trim().is_empty() => {
            Ok(products::as_fields_by_sku(conn, first.sku.trim())?
                .filter(|p| !p.has_options && p.fields.shop.handle.is_none()))
        }
        _ => Ok(None),
    }
}
