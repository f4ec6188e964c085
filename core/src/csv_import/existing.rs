//! The product a draft updates, as the import compares it: found by its shop handle, else
//! its SKU (or, for a product with variants, an earlier import's product made from its first
//! variant alone).

use super::rows::Draft;
use crate::catalog::products::{ProductFields, ShopFields, Status};
use crate::catalog::variants::{self, Variant};
use crate::catalog::{tags, ProductId};
use crate::error::Result;
use rusqlite::OptionalExtension;

/// The product a row would update: the columns the import compares and writes. (Not
/// `products::get`, which also builds the category path from the whole category tree.)
macro_rules! select_existing {
    ($where:literal) => {
        concat!(
            "SELECT id, sku, name, description, price_minor, currency, stock, status, category_id,
               barcode, deleted_at, vendor, product_type, handle, compare_at_minor, cost_minor,
               weight_grams, EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
             FROM products ",
            $where
        )
    };
}
const BY_SKU: &str = select_existing!("WHERE sku = ?1");
const BY_HANDLE: &str = select_existing!("WHERE handle = ?1");

pub struct Product {
    pub id: ProductId,
    pub fields: ProductFields,
    pub deleted_at: Option<String>,
    pub has_options: bool,
    /// Its live variants, when it has options.
    pub variants: Vec<Variant>,
}

fn existing(conn: &rusqlite::Connection, query: &str, key: &str) -> Result<Option<Product>> {
    let found = conn
        .prepare_cached(query)?
        .query_row([key], |r| {
            Ok(Product {
                id: r.get(0)?,
                fields: ProductFields {
                    sku: r.get(1)?,
                    name: r.get(2)?,
                    description: r.get(3)?,
                    price_minor: r.get(4)?,
                    currency: r.get(5)?,
                    stock: r.get(6)?,
                    status: Status::parse(r.get_ref(7)?.as_str()?).unwrap_or_default(),
                    category_id: r.get(8)?,
                    barcode: r.get(9)?,
                    tags: Vec::new(),
                    shop: ShopFields {
                        vendor: r.get(11)?,
                        product_type: r.get(12)?,
                        handle: r.get(13)?,
                        compare_at_minor: r.get(14)?,
                        cost_minor: r.get(15)?,
                        weight_grams: r.get(16)?,
                    },
                },
                deleted_at: r.get(10)?,
                has_options: r.get(17)?,
                variants: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut product) = found else {
        return Ok(None);
    };
    product.fields.tags = tags::of_product(conn, product.id)?;
    if product.has_options {
        product.variants = variants::of_product(conn, product.id, false)?;
    }
    Ok(Some(product))
}

/// The product a draft updates: the one with its shop handle, else its SKU; a product with
/// variants may also be one an earlier import made from its first variant alone (it then
/// takes the handle's SKU and sells through its variants).
pub fn find(conn: &rusqlite::Connection, draft: &Draft, sku: &str) -> Result<Option<Product>> {
    if let Some(handle) = &draft.url_handle {
        if let Some(found) = existing(conn, BY_HANDLE, handle)? {
            return Ok(Some(found));
        }
    }
    if let Some(found) = existing(conn, BY_SKU, sku)? {
        return Ok(Some(found));
    }
    match draft.variants.first() {
        Some(first) if !first.sku.trim().is_empty() => Ok(existing(conn, BY_SKU, first.sku.trim())?
            .filter(|p| !p.has_options && p.fields.shop.handle.is_none())),
        _ => Ok(None),
    }
}
