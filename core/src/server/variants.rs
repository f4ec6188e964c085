//! A team catalog's options and variants: the server's side of the variant panel and
//! `shelf variant`. The decisions and the sentences are the SQLite catalog's
//! (`catalog::variants`, `catalog::options`): which combinations to generate, their SKUs,
//! what a rename of options may do, a bulk edit's new price, and the friendly checks before
//! a write, asked of the server through [`VariantRows`]. The server's rules refuse the same
//! writes again if two people race, and its triggers roll a product's price and stock up
//! from its live variants, log each change with the login, and tell the other windows.
//!
//! Each change is one transaction. Adding variants or changing options first locks the
//! product's row, so two people generating sizes for one product take turns.

use super::products::product_in;
use crate::catalog::options::{self, OptionsChange};
use crate::catalog::products::{self, Product};
use crate::catalog::variants::{
    bulk_write, check_in, combinations_to_add, generated_fields, in_trash, insert_json, same_fields,
    stale_edit, BulkWrite, OptionValues, Variant, VariantBulkEdit, VariantFields, VariantId, VariantRows,
};
use crate::catalog::ProductId;
use crate::error::{Error, Result};
use crate::money::PriceChange;
use postgres::types::ToSql;
use postgres::{Client, GenericClient, Transaction};

const OF_PRODUCT: &str = "SELECT variant_json(v) FROM variants AS v
  WHERE v.product_id = $1 AND (v.deleted_at IS NOT NULL) = $2 ORDER BY v.position, v.id";
const GET: &str = "SELECT variant_json(v) FROM variants AS v WHERE v.id = $1";
/// The row an edit starts from, locked until the edit commits (a second save waits, then
/// finds the version moved).
const LOCK: &str = "SELECT variant_json(v) FROM variants AS v WHERE v.id = $1 FOR UPDATE";
const BY_SKU: &str = "SELECT variant_json(v) FROM variants AS v WHERE v.sku = $1::citext";
/// The product whose variants are about to change, locked for the transaction.
const LOCK_PRODUCT: &str = "SELECT sku::text FROM products WHERE id = $1 FOR UPDATE";
const SKU_HOLDER: &str = "SELECT 'product ' || name FROM products WHERE sku = $1::citext
  UNION ALL SELECT 'a variant of ' || p.name FROM variants AS v JOIN products AS p ON p.id = v.product_id
  WHERE v.sku = $1::citext AND v.id IS DISTINCT FROM $2";
const OPTIONS: &str =
    "SELECT position, name::text FROM product_options WHERE product_id = $1 ORDER BY position";
const TWIN: &str = "SELECT sku::text FROM variants WHERE product_id = $1 AND deleted_at IS NULL
  AND id IS DISTINCT FROM $5 AND coalesce(option1, '') = coalesce($2::citext, '')
  AND coalesce(option2, '') = coalesce($3::citext, '') AND coalesce(option3, '') = coalesce($4::citext, '')";
const IS_PRODUCT_PHOTO: &str = "SELECT 1 FROM product_images WHERE product_id = $1 AND sha256 = $2";
const ANY_VARIANT: &str = "SELECT EXISTS (SELECT 1 FROM variants WHERE product_id = $1)";
const REMOVE_OPTIONS: &str = "DELETE FROM product_options WHERE product_id = $1";
const ADD_OPTION: &str = "INSERT INTO product_options (product_id, position, name) VALUES ($1, $2, $3)";
const RENAME_OPTION: &str = "UPDATE product_options SET name = $3 WHERE product_id = $1 AND position = $2";
const NEXT_POSITION: &str = "SELECT coalesce(max(position) + 1, 0) FROM variants WHERE product_id = $1";
/// The fields are $1 to $11 (`field_params`), then the product and the position.
const INSERT: &str = "INSERT INTO variants (sku, option1, option2, option3, price_minor,
    compare_at_minor, cost_minor, stock, barcode, weight_grams, image_sha256, product_id, position)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";
/// New products' options and variants, each in one statement, from JSON arrays of rows in
/// the shape a library's bulk insert reads (`catalog::variants::insert_json`).
const ADD_OPTIONS_MANY: &str = "INSERT INTO product_options (product_id, position, name)
  SELECT o.product_id, o.position, o.name
  FROM json_to_recordset($1::json) AS o(product_id bigint, position integer, name text)";
const INSERT_MANY: &str = "INSERT INTO variants (product_id, sku, position, option1, option2, option3,
    price_minor, compare_at_minor, cost_minor, stock, barcode, weight_grams, image_sha256)
  SELECT v.product_id, v.sku, v.position, v.option1, v.option2, v.option3, v.price_minor,
    v.compare_at_minor, v.cost_minor, v.stock, v.barcode, v.weight_grams, v.image_sha256
  FROM json_to_recordset($1::json) AS v(product_id bigint, sku text, position integer,
    option1 text, option2 text, option3 text, price_minor bigint, compare_at_minor bigint,
    cost_minor bigint, stock bigint, barcode text, weight_grams bigint, image_sha256 text)";
/// The fields are $1 to $11 (`field_params`), then the variant.
const UPDATE: &str = "UPDATE variants SET sku = $1, option1 = $2, option2 = $3, option3 = $4,
    price_minor = $5, compare_at_minor = $6, cost_minor = $7, stock = $8, barcode = $9,
    weight_grams = $10, image_sha256 = $11, version = version + 1, updated_at = now()
  WHERE id = $12";
const SET_PRICE: &str = "UPDATE variants SET price_minor = $2 WHERE id = $1";
const SET_STOCK: &str = "UPDATE variants SET stock = $2 WHERE id = $1";
const SET_STOCK_OF_PRODUCT: &str =
    "UPDATE variants SET stock = $2 WHERE product_id = $1 AND deleted_at IS NULL";
const TRASH: &str = "UPDATE variants SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL";
const RESTORE: &str = "UPDATE variants SET deleted_at = NULL WHERE id = $1 AND deleted_at IS NOT NULL";
const MINOR_UNITS_OF_PRODUCT: &str = "SELECT c.minor_units FROM products AS p
  JOIN currencies AS c ON c.code = p.currency WHERE p.id = $1";

/// The server's side of [`VariantRows`], in the write's transaction.
struct ServerRows<'t, 'c>(&'t mut Transaction<'c>);

impl VariantRows for ServerRows<'_, '_> {
    fn sku_holder(&mut self, sku: &str, this: Option<VariantId>) -> Result<Option<String>> {
        Ok(self.0.query_opt(SKU_HOLDER, &[&sku, &this])?.map(|r| r.get(0)))
    }

    fn declared_options(&mut self, product_id: ProductId) -> Result<Vec<(u8, String)>> {
        let rows = self.0.query(OPTIONS, &[&product_id])?;
        Ok(rows
            .iter()
            .map(|r| (u8::try_from(r.get::<_, i32>(0)).unwrap_or(u8::MAX), r.get(1)))
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
            .query_opt(TWIN, &[&product_id, o1, o2, o3, &this])?
            .map(|r| r.get(0)))
    }

    fn is_product_photo(&mut self, product_id: ProductId, sha256: &str) -> Result<bool> {
        Ok(self
            .0
            .query_opt(IS_PRODUCT_PHOTO, &[&product_id, &sha256])?
            .is_some())
    }
}

fn variant_from(json: Option<serde_json::Value>, id: impl FnOnce() -> Error) -> Result<Variant> {
    Ok(serde_json::from_value(json.ok_or_else(id)?)?)
}

fn get_in(client: &mut impl GenericClient, statement: &str, id: VariantId) -> Result<Variant> {
    let json = client.query_opt(statement, &[&id])?.map(|r| r.get(0));
    variant_from(json, || no_such_variant(id))
}

fn no_such_variant(id: VariantId) -> Error {
    Error::NotFound(format!("There is no variant with id {id}."))
}

/// The product's SKU, its row locked until the transaction ends.
fn lock_product(tx: &mut Transaction<'_>, id: ProductId) -> Result<String> {
    Ok(tx
        .query_opt(LOCK_PRODUCT, &[&id])?
        .ok_or_else(|| products::no_such_product(id))?
        .get(0))
}

/// The product's variants in position order: the live ones, or those in the trash.
pub(crate) fn of_product(
    client: &mut impl GenericClient,
    product_id: ProductId,
    in_trash: bool,
) -> Result<Vec<Variant>> {
    client
        .query(OF_PRODUCT, &[&product_id, &in_trash])?
        .into_iter()
        .map(|r| Ok(serde_json::from_value(r.get(0))?))
        .collect()
}

/// The variant with this SKU (compared without case).
pub(crate) fn by_sku(client: &mut Client, sku: &str) -> Result<Variant> {
    let sku = sku.trim();
    let json = client.query_opt(BY_SKU, &[&sku])?.map(|r| r.get(0));
    variant_from(json, || {
        Error::NotFound(format!("There is no variant with SKU {sku}."))
    })
}

/// Gives a product its options, or renames them (`options::change_to`).
pub(crate) fn set_options(client: &mut Client, product_id: ProductId, names: &[String]) -> Result<Product> {
    let mut tx = client.transaction()?;
    lock_product(&mut tx, product_id)?;
    declare(&mut tx, product_id, names)?;
    let product = product_in(&mut tx, product_id)?;
    tx.commit()?;
    Ok(product)
}

fn declare(tx: &mut Transaction<'_>, product_id: ProductId, names: &[String]) -> Result<()> {
    let current: Vec<String> = tx
        .query(OPTIONS, &[&product_id])?
        .iter()
        .map(|r| r.get(1))
        .collect();
    let has_variants: bool = tx.query_one(ANY_VARIANT, &[&product_id])?.get(0);
    match options::change_to(&current, names, has_variants)? {
        OptionsChange::Same => {}
        OptionsChange::Rename(renames) => {
            for (position, name) in renames {
                tx.execute(RENAME_OPTION, &[&product_id, &i32::from(position), &name])?;
            }
        }
        OptionsChange::Declare(names) => {
            tx.execute(REMOVE_OPTIONS, &[&product_id])?;
            for (position, name) in (1i32..).zip(&names) {
                tx.execute(ADD_OPTION, &[&product_id, &position, name])?;
            }
        }
    }
    Ok(())
}

/// Declares the options and adds a variant for every combination of their values the
/// product lacks (as `Catalog::generate_variants`). One transaction.
pub(crate) fn generate(
    client: &mut Client,
    product_id: ProductId,
    options: &[OptionValues],
    price_minor: i64,
    stock: i64,
) -> Result<Product> {
    let mut tx = client.transaction()?;
    let product_sku = lock_product(&mut tx, product_id)?;
    let names: Vec<String> = options.iter().map(|o| o.name.clone()).collect();
    declare(&mut tx, product_id, &names)?;
    let existing = of_product(&mut tx, product_id, false)?;
    for combo in combinations_to_add(options, &existing)? {
        let fields = generated_fields(&mut ServerRows(&mut tx), &product_sku, &combo, price_minor, stock)?;
        insert(&mut tx, product_id, &fields)?;
    }
    let product = product_in(&mut tx, product_id)?;
    tx.commit()?;
    Ok(product)
}

/// A variant at the end of the product's list (fields tidied), after the friendly checks.
fn insert(tx: &mut Transaction<'_>, product_id: ProductId, fields: &VariantFields) -> Result<VariantId> {
    check_in(&mut ServerRows(tx), product_id, fields, None)?;
    let position: i32 = tx.query_one(NEXT_POSITION, &[&product_id])?.get(0);
    let mut params = field_params(fields);
    params.extend([&product_id as &(dyn ToSql + Sync), &position]);
    Ok(tx.query_one(INSERT, &params)?.get(0))
}

/// The variant's fields as INSERT and UPDATE take them, $1 to $11.
fn field_params(f: &VariantFields) -> Vec<&(dyn ToSql + Sync)> {
    vec![
        &f.sku,
        &f.option1,
        &f.option2,
        &f.option3,
        &f.price_minor,
        &f.compare_at_minor,
        &f.cost_minor,
        &f.stock,
        &f.barcode,
        &f.weight_grams,
        &f.image_sha256,
    ]
}

pub(crate) fn create(client: &mut Client, product_id: ProductId, fields: &VariantFields) -> Result<Variant> {
    let fields = fields.tidied()?;
    let mut tx = client.transaction()?;
    lock_product(&mut tx, product_id)?;
    let id = insert(&mut tx, product_id, &fields)?;
    let variant = get_in(&mut tx, GET, id)?;
    tx.commit()?;
    Ok(variant)
}

/// Saves an edit of a variant that started from `expected_version`; a stale one writes
/// nothing and is the Conflict that carries the variant as it is now.
pub(crate) fn update(
    client: &mut Client,
    id: VariantId,
    expected_version: i64,
    fields: &VariantFields,
) -> Result<Variant> {
    let fields = fields.tidied()?;
    let mut tx = client.transaction()?;
    update_in(&mut tx, id, expected_version, &fields)?;
    let variant = get_in(&mut tx, GET, id)?;
    tx.commit()?;
    Ok(variant)
}

/// [`update`] with tidied fields, in the caller's transaction.
fn update_in(
    tx: &mut Transaction<'_>,
    id: VariantId,
    expected_version: i64,
    fields: &VariantFields,
) -> Result<()> {
    let current = get_in(tx, LOCK, id)?;
    if current.version != expected_version {
        return Err(stale_edit(current));
    }
    check_in(&mut ServerRows(tx), current.product_id, fields, Some(id))?;
    let mut params = field_params(fields);
    params.push(&id);
    tx.execute(UPDATE, &params)?;
    Ok(())
}

/// New products' options and variants, as an import checked them (`csv_import::offers`),
/// as a library's import writes them (`catalog::variants::insert_with_options`): all their
/// options in one statement, then all their variants in one, so each product is rolled up
/// once for all of them. The server's rules check every row again.
pub(crate) fn insert_with_options(
    tx: &mut Transaction<'_>,
    products: &[(ProductId, &[String], &[VariantFields])],
) -> Result<()> {
    if products.is_empty() {
        return Ok(());
    }
    let options: Vec<serde_json::Value> = products
        .iter()
        .flat_map(|(id, names, _)| {
            (1..).zip(names.iter()).map(move |(position, name)| {
                serde_json::json!({"product_id": id, "position": position, "name": name})
            })
        })
        .collect();
    tx.execute(ADD_OPTIONS_MANY, &[&serde_json::Value::from(options)])?;
    let variants: Vec<(ProductId, &[VariantFields])> = products.iter().map(|(id, _, v)| (*id, *v)).collect();
    let rows = serde_json::Value::from(insert_json(&variants));
    tx.execute(INSERT_MANY, &[&rows])?;
    Ok(())
}

/// Brings a product's options and variants to what an import file says, as a library's
/// import does (`catalog::variants::import_into`): the options are declared (or renamed),
/// each variant is matched by SKU and updated when it differs, or added; variants the file
/// does not name are left as they are, and one in the trash is refused. In the caller's
/// transaction, which holds the product.
pub(crate) fn import_into(
    tx: &mut Transaction<'_>,
    product_id: ProductId,
    names: &[String],
    variants: &[VariantFields],
) -> Result<()> {
    declare(tx, product_id, names)?;
    for fields in variants {
        let found: Option<serde_json::Value> = tx.query_opt(BY_SKU, &[&fields.sku])?.map(|r| r.get(0));
        let Some(json) = found else {
            insert(tx, product_id, fields)?;
            continue;
        };
        let current: Variant = serde_json::from_value(json)?;
        if current.product_id != product_id {
            check_in(&mut ServerRows(tx), product_id, fields, None)?;
        }
        if current.deleted_at.is_some() {
            return Err(in_trash(&current));
        }
        if !same_fields(&current, fields) {
            update_in(tx, current.id, current.version, fields)?;
        }
    }
    Ok(())
}

/// Moves variants to the trash (`TRASH`) or brings them back (`RESTORE`); an unknown one
/// refuses them all. How many changed.
fn set_in_trash(client: &mut Client, ids: &[VariantId], statement: &str) -> Result<usize> {
    let mut tx = client.transaction()?;
    let mut changed = 0;
    for &id in ids {
        get_in(&mut tx, GET, id)?;
        changed += tx.execute(statement, &[&id])? as usize;
    }
    tx.commit()?;
    Ok(changed)
}

pub(crate) fn trash(client: &mut Client, ids: &[VariantId]) -> Result<usize> {
    set_in_trash(client, ids, TRASH)
}

/// Brings variants back; one whose combination a live variant now has is refused by the
/// server (`variant_combination_unique`).
pub(crate) fn restore(client: &mut Client, ids: &[VariantId]) -> Result<usize> {
    set_in_trash(client, ids, RESTORE)
}

/// One change to many variants, in one transaction: all or nothing.
pub(crate) fn bulk_edit(client: &mut Client, ids: &[VariantId], edit: &VariantBulkEdit) -> Result<usize> {
    let mut tx = client.transaction()?;
    for &id in ids {
        let variant = get_in(&mut tx, LOCK, id)?;
        bulk_edit_one(&mut tx, &variant, edit)?;
    }
    tx.commit()?;
    Ok(ids.len())
}

fn bulk_edit_one(tx: &mut Transaction<'_>, variant: &Variant, edit: &VariantBulkEdit) -> Result<()> {
    let units: i32 = tx
        .query_one(MINOR_UNITS_OF_PRODUCT, &[&variant.product_id])?
        .get(0);
    match bulk_write(variant, edit, u32::try_from(units).unwrap_or(0))? {
        BulkWrite::Price(price) => tx.execute(SET_PRICE, &[&variant.id, &price])?,
        BulkWrite::Stock(stock) => tx.execute(SET_STOCK, &[&variant.id, &stock])?,
    };
    Ok(())
}

/// Sets the stock of every live variant of a product (a bulk edit of products).
pub(crate) fn set_stock_of_product(
    tx: &mut Transaction<'_>,
    product_id: ProductId,
    stock: i64,
) -> Result<()> {
    tx.execute(SET_STOCK_OF_PRODUCT, &[&product_id, &stock])?;
    Ok(())
}

/// Applies a price change to every live variant of a product (a bulk edit of products).
pub(crate) fn adjust_prices_of_product(
    tx: &mut Transaction<'_>,
    product_id: ProductId,
    change: &PriceChange,
) -> Result<()> {
    for variant in of_product(tx, product_id, false)? {
        bulk_edit_one(tx, &variant, &VariantBulkEdit::AdjustPrice(change.clone()))?;
    }
    Ok(())
}
