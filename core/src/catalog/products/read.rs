//! One product, whole, as the editor shows it.

use super::{status_from, Product, ProductFields, ShopFields, Status};
use crate::catalog::variants::Variant;
use crate::catalog::{categories, options, tags, variants, ProductId};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

const GET: &str = "SELECT p.id, p.sku, p.name, p.description, p.price_minor, p.currency,
    c.minor_units, p.stock, p.status, p.category_id, p.owner_id, p.barcode, p.created_at,
    p.updated_at, p.deleted_at, p.version,
    (SELECT i.sha256 FROM product_images AS i
      WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1),
    p.vendor, p.product_type, p.handle, p.compare_at_minor, p.cost_minor, p.weight_grams
  FROM products AS p JOIN currencies AS c ON c.code = p.currency WHERE p.id = ?1";
const ID_BY_SKU: &str = "SELECT id FROM products WHERE sku = ?1";
const GIVEN_HANDLES: &str = "SELECT handle FROM products WHERE handle IS NOT NULL";
const SKU_AND_TRASH: &str = "SELECT sku, deleted_at FROM products WHERE id = ?1";
const ID_AND_TRASH_BY_SKU: &str = "SELECT id, deleted_at FROM products WHERE sku = ?1";

pub fn get(conn: &Connection, id: ProductId) -> Result<Product> {
    let mut product = conn
        .prepare_cached(GET)?
        .query_row([id], |r| {
            Ok(Product {
                id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                description: r.get(3)?,
                price_minor: r.get(4)?,
                currency: r.get(5)?,
                minor_units: r.get(6)?,
                stock: r.get(7)?,
                status: status_from(r.get_ref(8)?.as_str()?),
                category_id: r.get(9)?,
                category_path: None,
                owner_id: r.get(10)?,
                barcode: r.get(11)?,
                created_at: r.get(12)?,
                updated_at: r.get(13)?,
                deleted_at: r.get(14)?,
                version: r.get(15)?,
                primary_image: r.get(16)?,
                tags: Vec::new(),
                shop: ShopFields {
                    vendor: r.get(17)?,
                    product_type: r.get(18)?,
                    handle: r.get(19)?,
                    compare_at_minor: r.get(20)?,
                    cost_minor: r.get(21)?,
                    weight_grams: r.get(22)?,
                },
                options: Vec::new(),
                variants: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| super::no_such_product(id))?;
    product.tags = tags::of_product(conn, id)?;
    product.options = options::of_product(conn, id)?;
    if !product.options.is_empty() {
        product.variants = variants::of_product(conn, id, false)?;
    }
    if let Some(category) = product.category_id {
        product.category_path = Some(categories::path_of(conn, category)?);
    }
    Ok(product)
}

/// SKUs are unique without regard to case, so `abc-1` finds `ABC-1`.
pub fn id_by_sku(conn: &Connection, sku: &str) -> Result<Option<ProductId>> {
    Ok(conn
        .prepare_cached(ID_BY_SKU)?
        .query_row([sku.trim()], |r| r.get(0))
        .optional()?)
}

/// Every handle the seller gave a product, trash included.
pub fn given_handles(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(GIVEN_HANDLES)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// A product's SKU, and since when it is in the trash (if it is): what a photo import needs
/// to know of the product it adds to. `None` when there is no such product.
pub fn sku_and_trash(conn: &Connection, id: ProductId) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .prepare_cached(SKU_AND_TRASH)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The product with `sku` (compared as SKUs are, without case) and since when it is in the
/// trash, if it is.
pub fn id_and_trash_by_sku(conn: &Connection, sku: &str) -> Result<Option<(ProductId, Option<String>)>> {
    Ok(conn
        .prepare_cached(ID_AND_TRASH_BY_SKU)?
        .query_row([sku], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub fn by_sku(conn: &Connection, sku: &str) -> Result<Product> {
    let id = id_by_sku(conn, sku)?
        .ok_or_else(|| Error::NotFound(format!("There is no product with SKU {}.", sku.trim())))?;
    get(conn, id)
}

/// A product as its editable fields, for an importer to compare a file's row with and write
/// over: the columns it compares and writes. (Not [`get`], which also builds the category
/// path from the whole category tree.)
macro_rules! select_existing {
    ($where:literal) => {
        concat!(
            "SELECT id, sku, name, description, price_minor, currency, stock, status, category_id,
               barcode, deleted_at, vendor, product_type, handle, compare_at_minor, cost_minor,
               weight_grams, EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id),
               version
             FROM products ",
            $where
        )
    };
}
const BY_SKU: &str = select_existing!("WHERE sku = ?1");
const BY_HANDLE: &str = select_existing!("WHERE handle = ?1");

pub struct AsFields {
    pub id: ProductId,
    pub fields: ProductFields,
    pub deleted_at: Option<String>,
    pub has_options: bool,
    /// Its live variants, when it has options.
    pub variants: Vec<Variant>,
    pub version: i64,
}

impl From<Product> for AsFields {
    fn from(p: Product) -> AsFields {
        AsFields {
            id: p.id,
            fields: ProductFields {
                sku: p.sku,
                name: p.name,
                description: p.description,
                price_minor: p.price_minor,
                currency: Some(p.currency),
                stock: p.stock,
                status: p.status,
                category_id: p.category_id,
                barcode: p.barcode,
                tags: p.tags,
                shop: p.shop,
            },
            deleted_at: p.deleted_at,
            has_options: !p.options.is_empty(),
            variants: p.variants,
            version: p.version,
        }
    }
}

fn as_fields(conn: &Connection, query: &str, key: &str) -> Result<Option<AsFields>> {
    let found = conn
        .prepare_cached(query)?
        .query_row([key], |r| {
            Ok(AsFields {
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
                version: r.get(18)?,
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

/// The product with this SKU (compared without case) as its editable fields.
pub fn as_fields_by_sku(conn: &Connection, sku: &str) -> Result<Option<AsFields>> {
    as_fields(conn, BY_SKU, sku)
}

/// The product with this shop handle (compared without case) as its editable fields.
pub fn as_fields_by_handle(conn: &Connection, handle: &str) -> Result<Option<AsFields>> {
    as_fields(conn, BY_HANDLE, handle)
}
