//! Variants: what a product with options sells, one row per combination of option values,
//! each with its own SKU, price, stock and barcode. The schema keeps the product's own price
//! (their lowest) and stock (their total) in step, and refuses a variant SKU that any product
//! or other variant holds. Edits carry the `version` they started from, as products' do.
//! Every write to `variants` lives here.

mod bulk;

mod edit;

use edit::apply_bulk;
pub(crate) use edit::{bulk_write, combinations_to_add, generated_fields, BulkWrite};

pub(crate) use bulk::{
    holder_outside, import_into, in_trash, insert_json, insert_with_options, same_fields, sku_for_import,
};

use super::{options, products, Catalog, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use crate::money::PriceChange;
use crate::rules;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub type VariantId = i64;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Variant {
    pub id: VariantId,
    pub product_id: ProductId,
    pub sku: String,
    pub position: i64,
    /// Its value for the product's option 1, 2 and 3 (absent where none is declared).
    pub option1: Option<String>,
    pub option2: Option<String>,
    pub option3: Option<String>,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub cost_minor: Option<i64>,
    pub stock: i64,
    pub barcode: Option<String>,
    pub weight_grams: Option<i64>,
    /// One of the product's photos.
    pub image_sha256: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub version: i64,
}

/// What the editor, the command line and importers may set on a variant.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct VariantFields {
    pub sku: String,
    pub option1: Option<String>,
    pub option2: Option<String>,
    pub option3: Option<String>,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub cost_minor: Option<i64>,
    pub stock: i64,
    pub barcode: Option<String>,
    pub weight_grams: Option<i64>,
    pub image_sha256: Option<String>,
}

impl VariantFields {
    pub fn tidied(&self) -> Result<VariantFields> {
        let fields = self.tidied_without_sku()?;
        rules::check_sku(&fields.sku)?;
        Ok(fields)
    }

    /// Tidies and checks every field but the SKU (an importer gives blank ones a SKU after).
    pub fn tidied_without_sku(&self) -> Result<VariantFields> {
        let value = |v: &Option<String>| v.as_deref().map(rules::tidy).filter(|v| !v.is_empty());
        let fields = VariantFields {
            sku: rules::tidy(&self.sku),
            option1: value(&self.option1),
            option2: value(&self.option2),
            option3: value(&self.option3),
            barcode: value(&self.barcode),
            image_sha256: value(&self.image_sha256),
            ..self.clone()
        };
        for v in [&fields.option1, &fields.option2, &fields.option3]
            .into_iter()
            .flatten()
        {
            rules::check_label("options", "An option value", v)?;
        }
        rules::check_price(fields.price_minor)?;
        rules::check_amount("compare_at", "The compare-at price", fields.compare_at_minor)?;
        rules::check_amount("cost", "The cost", fields.cost_minor)?;
        rules::check_stock(fields.stock)?;
        rules::check_barcode(fields.barcode.as_deref())?;
        rules::check_weight(fields.weight_grams)?;
        Ok(fields)
    }

    fn values(&self) -> [&Option<String>; 3] {
        [&self.option1, &self.option2, &self.option3]
    }
}

/// One change applied to every selected variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change", content = "value")]
pub enum VariantBulkEdit {
    SetPrice(i64),
    AdjustPrice(PriceChange),
    SetStock(i64),
}

/// The values of one option to combine with the others' (for generating variants).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OptionValues {
    pub name: String,
    pub values: Vec<String>,
}

macro_rules! select_variants {
    ($where:literal) => {
        concat!(
            "SELECT id, product_id, sku, position, option1, option2, option3, price_minor,
               compare_at_minor, cost_minor, stock, barcode, weight_grams, image_sha256,
               created_at, updated_at, deleted_at, version FROM variants ",
            $where
        )
    };
}

const OF_PRODUCT: &str =
    select_variants!("WHERE product_id = ?1 AND (deleted_at IS NOT NULL) = (?2 = 1) ORDER BY position, id");
const GET: &str = select_variants!("WHERE id = ?1");
const ID_BY_SKU: &str = "SELECT id FROM variants WHERE sku = ?1";
const NEXT_POSITION: &str = "SELECT coalesce(max(position) + 1, 0) FROM variants WHERE product_id = ?1";
const INSERT: &str = "INSERT INTO variants (product_id, sku, position, option1, option2, option3,
    price_minor, compare_at_minor, cost_minor, stock, barcode, weight_grams, image_sha256)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
const UPDATE: &str = "UPDATE variants SET sku = ?1, option1 = ?2, option2 = ?3, option3 = ?4,
    price_minor = ?5, compare_at_minor = ?6, cost_minor = ?7, stock = ?8, barcode = ?9,
    weight_grams = ?10, image_sha256 = ?11,
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = ?12 AND version = ?13";
const SET_PRICE: &str = "UPDATE variants SET price_minor = ?2 WHERE id = ?1";
const SET_STOCK: &str = "UPDATE variants SET stock = ?2 WHERE id = ?1";
const SET_STOCK_OF_PRODUCT: &str =
    "UPDATE variants SET stock = ?2 WHERE product_id = ?1 AND deleted_at IS NULL";
const TRASH: &str = "UPDATE variants SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = ?1 AND deleted_at IS NULL";
const RESTORE: &str = "UPDATE variants SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL";
const PURGE_OF_PRODUCT: &str = "DELETE FROM variants WHERE product_id = ?1";
const SKU_HOLDER: &str = "SELECT 'product ' || name FROM products WHERE sku = ?1
  UNION ALL SELECT 'a variant of ' || p.name FROM variants AS v JOIN products AS p ON p.id = v.product_id
  WHERE v.sku = ?1 AND v.id IS NOT ?2";
const SAME_COMBINATION: &str = "SELECT sku FROM variants WHERE product_id = ?1 AND deleted_at IS NULL
  AND id IS NOT ?5 AND coalesce(option1, '') = coalesce(?2, '') COLLATE NOCASE
  AND coalesce(option2, '') = coalesce(?3, '') COLLATE NOCASE
  AND coalesce(option3, '') = coalesce(?4, '') COLLATE NOCASE";
const MINOR_UNITS_OF_PRODUCT: &str = "SELECT c.minor_units FROM products AS p
  JOIN currencies AS c ON c.code = p.currency WHERE p.id = ?1";
const IS_PRODUCT_PHOTO: &str = "SELECT 1 FROM product_images WHERE product_id = ?1 AND sha256 = ?2";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Variant> {
    Ok(Variant {
        id: r.get(0)?,
        product_id: r.get(1)?,
        sku: r.get(2)?,
        position: r.get(3)?,
        option1: r.get(4)?,
        option2: r.get(5)?,
        option3: r.get(6)?,
        price_minor: r.get(7)?,
        compare_at_minor: r.get(8)?,
        cost_minor: r.get(9)?,
        stock: r.get(10)?,
        barcode: r.get(11)?,
        weight_grams: r.get(12)?,
        image_sha256: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        deleted_at: r.get(16)?,
        version: r.get(17)?,
    })
}

/// The product's variants in position order: the live ones, or those in the trash.
pub fn of_product(conn: &Connection, product_id: ProductId, in_trash: bool) -> Result<Vec<Variant>> {
    Ok(conn
        .prepare_cached(OF_PRODUCT)?
        .query_map((product_id, in_trash), from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: VariantId) -> Result<Variant> {
    conn.prepare_cached(GET)?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("There is no variant with id {id}.")))
}

/// Like product SKUs, without regard to case.
pub fn by_sku(conn: &Connection, sku: &str) -> Result<Variant> {
    let id: Option<VariantId> = conn
        .prepare_cached(ID_BY_SKU)?
        .query_row([sku.trim()], |r| r.get(0))
        .optional()?;
    let id = id.ok_or_else(|| Error::NotFound(format!("There is no variant with SKU {}.", sku.trim())))?;
    get(conn, id)
}

/// The reads behind a variant's friendly checks, on either engine (a library's are below,
/// a team server's in `server::variants`).
pub(crate) trait VariantRows {
    /// Who holds `sku` other than variant `this`: `product NAME` or `a variant of NAME`.
    fn sku_holder(&mut self, sku: &str, this: Option<VariantId>) -> Result<Option<String>>;
    /// The product's options by position (1 to 3), with their names.
    fn declared_options(&mut self, product_id: ProductId) -> Result<Vec<(u8, String)>>;
    /// The SKU of a live variant of the product other than `this` with these values
    /// (compared without case).
    fn twin(
        &mut self,
        product_id: ProductId,
        values: [&Option<String>; 3],
        this: Option<VariantId>,
    ) -> Result<Option<String>>;
    /// Whether the photo is one of the product's.
    fn is_product_photo(&mut self, product_id: ProductId, sha256: &str) -> Result<bool>;
}

/// A library's side of [`VariantRows`].
pub(crate) struct LibraryRows<'c>(pub &'c Connection);

impl VariantRows for LibraryRows<'_> {
    fn sku_holder(&mut self, sku: &str, this: Option<VariantId>) -> Result<Option<String>> {
        Ok(self
            .0
            .prepare_cached(SKU_HOLDER)?
            .query_row((sku, this), |r| r.get(0))
            .optional()?)
    }

    fn declared_options(&mut self, product_id: ProductId) -> Result<Vec<(u8, String)>> {
        Ok(options::of_product(self.0, product_id)?
            .into_iter()
            .map(|o| (o.position, o.name))
            .collect())
    }

    fn twin(
        &mut self,
        product_id: ProductId,
        [o1, o2, o3]: [&Option<String>; 3],
        this: Option<VariantId>,
    ) -> Result<Option<String>> {
        Ok(self
            .0
            .prepare_cached(SAME_COMBINATION)?
            .query_row(params![product_id, o1, o2, o3, this], |r| r.get(0))
            .optional()?)
    }

    fn is_product_photo(&mut self, product_id: ProductId, sha256: &str) -> Result<bool> {
        Ok(self
            .0
            .prepare_cached(IS_PRODUCT_PHOTO)?
            .query_row((product_id, sha256), |_| Ok(()))
            .optional()?
            .is_some())
    }
}

/// The friendly checks before a write in a library (see [`check_in`]).
fn check(
    conn: &Connection,
    product_id: ProductId,
    fields: &VariantFields,
    this: Option<VariantId>,
) -> Result<()> {
    check_in(&mut LibraryRows(conn), product_id, fields, this)
}

/// The friendly checks before a write, on either engine (the schema makes each of them
/// again): the SKU is free, the values fit the product's options, the combination is new,
/// the photo is the product's.
pub(crate) fn check_in(
    rows: &mut dyn VariantRows,
    product_id: ProductId,
    fields: &VariantFields,
    this: Option<VariantId>,
) -> Result<()> {
    if let Some(holder) = rows.sku_holder(&fields.sku, this)? {
        return Err(Error::Conflict {
            field: Some("sku"),
            message: format!("SKU {} is already used by {holder}.", fields.sku),
            current: None,
        });
    }
    let declared = rows.declared_options(product_id)?;
    if declared.is_empty() {
        return Err(Error::validation(
            "options",
            "Give the product its options (for example Size) before adding variants.",
        ));
    }
    for (position, value) in (1u8..).zip(fields.values()) {
        let option = declared.iter().find(|(p, _)| *p == position);
        match (option, value) {
            (Some((_, name)), None) => {
                return Err(Error::validation(
                    "options",
                    format!("Give this variant a value for {name}."),
                ))
            }
            (None, Some(value)) => {
                return Err(Error::validation(
                    "options",
                    format!("This product has no option {position}, so the value {value} has nowhere to go."),
                ))
            }
            _ => {}
        }
    }
    if let Some(twin) = rows.twin(product_id, fields.values(), this)? {
        return Err(Error::Conflict {
            field: Some("options"),
            message: format!("The variant {twin} already has these option values."),
            current: None,
        });
    }
    if let Some(sha) = &fields.image_sha256 {
        if !rows.is_product_photo(product_id, sha)? {
            return Err(Error::validation(
                "image",
                "A variant's photo must be one of its product's photos.",
            ));
        }
    }
    Ok(())
}

/// Inserts one variant at the end of the product's list (fields already tidied).
pub(crate) fn insert(w: &mut Write<'_>, product_id: ProductId, fields: &VariantFields) -> Result<VariantId> {
    check(w.tx(), product_id, fields, None)?;
    let position: i64 = w
        .tx()
        .prepare_cached(NEXT_POSITION)?
        .query_row([product_id], |r| r.get(0))?;
    w.tx().prepare_cached(INSERT)?.execute(params![
        product_id,
        fields.sku,
        position,
        fields.option1,
        fields.option2,
        fields.option3,
        fields.price_minor,
        fields.compare_at_minor,
        fields.cost_minor,
        fields.stock,
        fields.barcode,
        fields.weight_grams,
        fields.image_sha256,
    ])?;
    let id = w.tx().last_insert_rowid();
    w.record(Entity::Product, product_id, ChangeKind::Updated);
    Ok(id)
}

/// Writes `fields` over variant `id` if it is still at `expected_version`; a stale edit is a
/// Conflict that carries the variant as it is now.
pub(crate) fn update_in(
    w: &mut Write<'_>,
    id: VariantId,
    expected_version: i64,
    fields: &VariantFields,
) -> Result<()> {
    let fields = fields.tidied()?;
    let current = get(w.tx(), id)?;
    if current.version != expected_version {
        return Err(stale_edit(current));
    }
    check(w.tx(), current.product_id, &fields, Some(id))?;
    let changed = w.tx().prepare_cached(UPDATE)?.execute(params![
        fields.sku,
        fields.option1,
        fields.option2,
        fields.option3,
        fields.price_minor,
        fields.compare_at_minor,
        fields.cost_minor,
        fields.stock,
        fields.barcode,
        fields.weight_grams,
        fields.image_sha256,
        id,
        expected_version,
    ])?;
    if changed == 0 {
        return Err(stale_edit(get(w.tx(), id)?));
    }
    w.record(Entity::Product, current.product_id, ChangeKind::Updated);
    Ok(())
}

pub(crate) fn stale_edit(current: Variant) -> Error {
    let message = format!(
        "The variant {} was changed by someone else since you opened it (now at version {}). Nothing was overwritten: compare both versions and choose.",
        current.sku, current.version
    );
    Error::Conflict {
        field: None,
        message,
        current: serde_json::to_value(&current).ok().map(Box::new),
    }
}

/// Sets every live variant of a product to `stock` (bulk edit of products).
pub(crate) fn set_stock_of_product(w: &mut Write<'_>, product_id: ProductId, stock: i64) -> Result<()> {
    w.tx()
        .prepare_cached(SET_STOCK_OF_PRODUCT)?
        .execute((product_id, stock))?;
    Ok(())
}

/// Applies a price change to every live variant of a product (bulk edit of products).
pub(crate) fn adjust_prices_of_product(
    w: &mut Write<'_>,
    product_id: ProductId,
    change: &PriceChange,
) -> Result<()> {
    for variant in of_product(w.tx(), product_id, false)? {
        apply_bulk(w, &variant, &VariantBulkEdit::AdjustPrice(change.clone()))?;
    }
    Ok(())
}

/// The decimals of the currency a product (and so each of its variants) is priced in.
fn minor_units_of(conn: &Connection, product_id: ProductId) -> Result<u32> {
    Ok(conn
        .prepare_cached(MINOR_UNITS_OF_PRODUCT)?
        .query_row([product_id], |r| r.get(0))?)
}

/// Removes every variant of a product being purged (it is in the trash, so the schema lets it).
pub(crate) fn purge_of_product(w: &mut Write<'_>, product_id: ProductId) -> Result<()> {
    w.tx().prepare_cached(PURGE_OF_PRODUCT)?.execute([product_id])?;
    Ok(())
}

/// `base` and each value in upper case, non-alphanumerics as dashes, at most 60 characters.
fn sku_from(base: &str, values: &[&str]) -> String {
    let mut sku = base.to_owned();
    for value in values {
        sku.push('-');
        sku.push_str(&rules::sku_part(value));
    }
    let sku: String = sku.chars().take(60).collect();
    sku.trim_end_matches('-').to_owned()
}

/// `sku` if it is `free`, or the first free of `sku-2`, `sku-3`...
fn first_free(sku: String, free: &mut dyn FnMut(&str) -> Result<bool>) -> Result<String> {
    if free(&sku)? {
        return Ok(sku);
    }
    for n in 2.. {
        let candidate = format!("{sku}-{n}");
        if free(&candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!("an unbounded range always finds a free SKU")
}

/// The most variants one product may have (what Shopify allows).
pub const MAX_VARIANTS: usize = 2048;
