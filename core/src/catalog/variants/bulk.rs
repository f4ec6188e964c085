//! The importers' writes to `variants`: many new products' variants in one statement with
//! a single roll-up (migration 0008), a product brought to what a file says (matched by SKU),
//! SKUs for variants a file gave none, and variant photos set once their product's photos
//! are in.

use super::{
    check, first_free, get, insert, options, sku_from, update_in, Variant, VariantFields, VariantId,
    ID_BY_SKU,
};
use crate::catalog::{Catalog, ProductId, Write};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

/// Who else holds a SKU: a product other than `?2`, or a variant of another product.
const HOLDER_OUTSIDE: &str = "SELECT 'product ' || name FROM products WHERE sku = ?1 AND id IS NOT ?2
  UNION ALL SELECT 'a variant of ' || p.name FROM variants AS v JOIN products AS p ON p.id = v.product_id
  WHERE v.sku = ?1 AND v.product_id IS NOT ?2";
const INSERT_MANY: &str = "INSERT INTO variants (product_id, sku, position, option1, option2, option3,
    price_minor, compare_at_minor, cost_minor, stock, barcode, weight_grams, image_sha256)
  SELECT value ->> 'product_id', value ->> 'sku', value ->> 'position', value ->> 'option1',
    value ->> 'option2', value ->> 'option3', value ->> 'price_minor', value ->> 'compare_at_minor',
    value ->> 'cost_minor', value ->> 'stock', value ->> 'barcode', value ->> 'weight_grams',
    value ->> 'image_sha256'
  FROM json_each(?1) WHERE true ORDER BY key";
const SET_IMAGE: &str = "UPDATE variants SET image_sha256 = ?2 WHERE sku = ?1 AND image_sha256 IS NOT ?2";
/// Bulk inserts roll their products up once (migration 0008); see `insert_with_options`.
const DEFER_ROLL_UP: &str = "UPDATE write_context SET rollup_deferred = 1 WHERE id = 1";
const RESUME_ROLL_UP: &str = "UPDATE write_context SET rollup_deferred = 0 WHERE id = 1";
const ROLL_UP_MANY: &str = "UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0),
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id IN (SELECT value FROM json_each(?1))
    AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
    AND (price_minor IS NOT coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor)
      OR stock IS NOT coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0))";

/// Who holds `sku` outside `product` (another product, or another product's variant), for
/// an importer's checks before it writes.
pub(crate) fn holder_outside(
    conn: &Connection,
    sku: &str,
    product: Option<ProductId>,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(HOLDER_OUTSIDE)?
        .query_row((sku, product), |r| r.get(0))
        .optional()?)
}

/// A SKU for a variant the file gave none: the product's SKU and the option values
/// (`LINEN-SHIRT-S`), the first that `free` says is free (the import asks its catalog and
/// the SKUs it already gave out).
pub(crate) fn sku_for_import(
    base: &str,
    values: &[&str],
    free: &mut dyn FnMut(&str) -> Result<bool>,
) -> Result<String> {
    first_free(sku_from(base, values), free)
}

/// The options and variants of many new products at once (a CSV import's batch), names and
/// fields tidied and checked: two statements, then one roll-up for the batch (the triggers'
/// per-variant roll-ups are paused meanwhile, migration 0008). A product written with its
/// variants' lowest price and total stock is not touched by the roll-up.
pub(crate) fn insert_with_options(
    w: &mut Write<'_>,
    products: &[(ProductId, &[String], &[VariantFields])],
) -> Result<()> {
    if products.is_empty() {
        return Ok(());
    }
    w.tx().prepare_cached(DEFER_ROLL_UP)?.execute([])?;
    let names: Vec<(ProductId, &[String])> = products.iter().map(|(id, n, _)| (*id, *n)).collect();
    options::declare_many(w, &names)?;
    let variants: Vec<(ProductId, &[VariantFields])> = products.iter().map(|(id, _, v)| (*id, *v)).collect();
    insert_many(w, &variants)?;
    w.tx().prepare_cached(RESUME_ROLL_UP)?.execute([])?;
    let ids: Vec<ProductId> = products.iter().map(|(id, _, _)| *id).collect();
    w.tx()
        .prepare_cached(ROLL_UP_MANY)?
        .execute([serde_json::to_string(&ids)?])?;
    Ok(())
}

/// The variants of many new products at once, fields tidied and checked, options already
/// declared: one statement, all or none.
fn insert_many(w: &mut Write<'_>, products: &[(ProductId, &[VariantFields])]) -> Result<()> {
    let rows = insert_json(products);
    if !rows.is_empty() {
        w.tx()
            .prepare_cached(INSERT_MANY)?
            .execute([serde_json::to_string(&rows)?])?;
    }
    Ok(())
}

/// Many products' variants as the rows of a JSON array, positions from 0 in each product's
/// order: the shape both engines' bulk inserts read.
pub(crate) fn insert_json(products: &[(ProductId, &[VariantFields])]) -> Vec<serde_json::Value> {
    products
        .iter()
        .flat_map(|(id, variants)| {
            (0i64..).zip(variants.iter()).map(move |(position, f)| {
                serde_json::json!({
                    "product_id": id, "sku": f.sku, "position": position,
                    "option1": f.option1, "option2": f.option2, "option3": f.option3,
                    "price_minor": f.price_minor, "compare_at_minor": f.compare_at_minor,
                    "cost_minor": f.cost_minor, "stock": f.stock, "barcode": f.barcode,
                    "weight_grams": f.weight_grams, "image_sha256": f.image_sha256,
                })
            })
        })
        .collect()
}

/// Brings a product's options and variants to what an import file says: the options are
/// declared (or renamed), each variant is matched by SKU and updated when it differs, or
/// added. Variants the file does not name are left as they are; one in the trash is refused.
pub(crate) fn import_into(
    w: &mut Write<'_>,
    product_id: ProductId,
    names: &[String],
    variants: &[VariantFields],
) -> Result<()> {
    options::declare(w, product_id, names)?;
    for fields in variants {
        let found: Option<VariantId> = w
            .tx()
            .prepare_cached(ID_BY_SKU)?
            .query_row([&fields.sku], |r| r.get(0))
            .optional()?;
        let Some(id) = found else {
            insert(w, product_id, fields)?;
            continue;
        };
        let current = get(w.tx(), id)?;
        if current.product_id != product_id {
            check(w.tx(), product_id, fields, None)?;
        }
        if current.deleted_at.is_some() {
            return Err(in_trash(&current));
        }
        if !same_fields(&current, fields) {
            update_in(w, id, current.version, fields)?;
        }
    }
    Ok(())
}

/// Why an import can't bring a variant in the trash up to date.
pub(crate) fn in_trash(variant: &Variant) -> Error {
    Error::refused(format!(
        "The variant {} is in the trash. Restore it or empty the trash first.",
        variant.sku
    ))
}

/// Gives the variant with `sku` one of its product's photos (an import's variant image, once
/// the photos are in); the schema refuses a photo that is not its product's.
fn set_image(w: &mut Write<'_>, sku: &str, sha256: &str) -> Result<bool> {
    Ok(w.tx().prepare_cached(SET_IMAGE)?.execute((sku, sha256))? > 0)
}

impl Catalog {
    /// Sets variant images by SKU, each `(sku, sha256)`, in one transaction; how many changed.
    pub fn set_variant_images(&mut self, images: &[(String, String)]) -> Result<usize> {
        self.write(|w| {
            let mut changed = 0;
            for (sku, sha) in images {
                changed += usize::from(set_image(w, sku, sha)?);
            }
            Ok(changed)
        })
    }
}

/// Whether a variant already has these fields (its SKU compared as the catalog does).
pub(crate) fn same_fields(v: &Variant, f: &VariantFields) -> bool {
    v.sku.eq_ignore_ascii_case(&f.sku)
        && v.option1 == f.option1
        && v.option2 == f.option2
        && v.option3 == f.option3
        && v.price_minor == f.price_minor
        && v.compare_at_minor == f.compare_at_minor
        && v.cost_minor == f.cost_minor
        && v.stock == f.stock
        && v.barcode == f.barcode
        && v.weight_grams == f.weight_grams
        && (f.image_sha256.is_none() || v.image_sha256 == f.image_sha256)
}
