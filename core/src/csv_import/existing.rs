//! The product a draft updates, as the import compares it: found by its shop handle, else
//! its SKU (or, for a product with variants, an earlier import's product made from its first
//! variant alone).

use super::destination::ImportRows;
use super::rows::Draft;
/// The product as the import compares and writes it.
pub use crate::catalog::products::AsFields as Product;
use crate::error::Result;

/// The product a draft updates: the one with its shop handle, else its SKU; a product with
/// variants may also be one an earlier import made from its first variant alone (it then
/// takes the handle's SKU and sells through its variants).
pub fn find(rows: &mut dyn ImportRows, draft: &Draft, sku: &str) -> Result<Option<Product>> {
    if let Some(handle) = &draft.url_handle {
        if let Some(found) = rows.product_by_handle(handle)? {
            return Ok(Some(found));
        }
    }
    if let Some(found) = rows.product_by_sku(sku)? {
        return Ok(Some(found));
    }
    match draft.variants.first() {
        Some(first) if !first.sku.trim().is_empty() => Ok(rows
            .product_by_sku(first.sku.trim())?
            .filter(|p| !p.has_options && p.fields.shop.handle.is_none())),
        _ => Ok(None),
    }
}
