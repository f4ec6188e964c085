//! Many products at once: the bulk insert of imports and benchmarks, and bulk edits.

use super::{get, with_sku, ProductFields, Status};
use crate::catalog::{
    categories, search, settings, tags, variants, Catalog, ChangeKind, Entity, ProductId, Write,
};
use crate::error::{Error, Result};
use crate::money::PriceChange;
use crate::rules;
use serde::{Deserialize, Serialize};

/// Many products in one statement, from a JSON array of rows (see `insert_batch`).
const INSERT_MANY: &str = "INSERT INTO products
    (sku, name, description, price_minor, currency, stock, status, category_id, owner_id, barcode,
     vendor, product_type, handle, compare_at_minor, cost_minor, weight_grams)
  SELECT value ->> 'sku', value ->> 'name', value ->> 'description', value ->> 'price_minor',
    value ->> 'currency', value ->> 'stock', value ->> 'status', value ->> 'category_id', ?2,
    value ->> 'barcode', value ->> 'vendor', value ->> 'product_type', value ->> 'handle',
    value ->> 'compare_at_minor', value ->> 'cost_minor', value ->> 'weight_grams'
  FROM json_each(?1) WHERE true ORDER BY key
  RETURNING id, sku";
/// Inserts tidied products in one statement and announces them; their ids in `batch` order.
fn insert_many(w: &mut Write<'_>, batch: &[ProductFields], default_currency: &str) -> Result<Vec<ProductId>> {
    let fields: Vec<&ProductFields> = batch.iter().collect();
    let ids = insert_rows(w, &fields, default_currency)?;
    for &id in &ids {
        w.record(Entity::Product, id, ChangeKind::Created);
    }
    Ok(ids)
}

/// The bulk INSERT itself, for `insert_many` and the CSV import's batches (which announce
/// their rows their own way): tidied products in one statement; their ids in `batch` order.
pub(crate) fn insert_rows(
    w: &mut Write<'_>,
    batch: &[&ProductFields],
    default_currency: &str,
) -> Result<Vec<ProductId>> {
    let json = serde_json::to_string(&insert_json(batch, default_currency))?;
    let owner = w.actor();
    let mut returned = Vec::with_capacity(batch.len());
    {
        let mut stmt = w.tx().prepare_cached(INSERT_MANY)?;
        let mut rows = stmt.query((json, owner))?;
        while let Some(row) = rows.next()? {
            returned.push((row.get::<_, ProductId>(0)?, row.get::<_, String>(1)?));
        }
    }
    ids_in_order(batch, returned)
}

/// Products to insert as the rows of a JSON array, the shape both engines' bulk inserts
/// read (a product without a currency takes `default_currency`).
pub(crate) fn insert_json(batch: &[&ProductFields], default_currency: &str) -> Vec<serde_json::Value> {
    batch
        .iter()
        .map(|f| {
            serde_json::json!({
                "sku": f.sku, "name": f.name, "description": f.description,
                "price_minor": f.price_minor, "stock": f.stock, "status": f.status.as_str(),
                "currency": f.currency.as_deref().unwrap_or(default_currency),
                "category_id": f.category_id, "barcode": f.barcode,
                "vendor": f.shop.vendor, "product_type": f.shop.product_type,
                "handle": f.shop.handle, "compare_at_minor": f.shop.compare_at_minor,
                "cost_minor": f.shop.cost_minor, "weight_grams": f.shop.weight_grams,
            })
        })
        .collect()
}

/// The ids a bulk insert returned with their SKUs, in `batch` order.
pub(crate) fn ids_in_order(
    batch: &[&ProductFields],
    returned: Vec<(ProductId, String)>,
) -> Result<Vec<ProductId>> {
    let by_sku: std::collections::HashMap<String, ProductId> = returned
        .into_iter()
        .map(|(id, sku)| (sku.to_ascii_lowercase(), id))
        .collect();
    batch
        .iter()
        .map(|f| by_sku.get(&f.sku.to_ascii_lowercase()).copied())
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::Internal("a bulk insert returned fewer rows than it was given".into()))
}

/// Existing products rewritten from a JSON array of rows, in one statement (the search
/// triggers keep the index up to date inside it).
const UPDATE_MANY: &str = "UPDATE products SET sku = j.value ->> 'sku', name = j.value ->> 'name',
    description = j.value ->> 'description', price_minor = j.value ->> 'price_minor',
    currency = j.value ->> 'currency', stock = j.value ->> 'stock', status = j.value ->> 'status',
    category_id = j.value ->> 'category_id', barcode = j.value ->> 'barcode',
    vendor = j.value ->> 'vendor', product_type = j.value ->> 'product_type',
    handle = j.value ->> 'handle', compare_at_minor = j.value ->> 'compare_at_minor',
    cost_minor = j.value ->> 'cost_minor', weight_grams = j.value ->> 'weight_grams',
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  FROM json_each(?1) AS j
  WHERE products.id = j.value ->> 'id' AND products.deleted_at IS NULL";

/// Rewrites live products with tidied fields (the CSV import's updates), all in one
/// statement; a product in the trash, or one that is gone, fails the whole call. Tags are
/// left to the caller.
pub(crate) fn update_rows(w: &mut Write<'_>, rows: &[(ProductId, &ProductFields)]) -> Result<()> {
    let changed = w
        .tx()
        .prepare_cached(UPDATE_MANY)?
        .execute([serde_json::to_string(&update_json(rows))?])?;
    if changed != rows.len() {
        return Err(gone_meanwhile());
    }
    Ok(())
}

/// Products to rewrite as the rows of a JSON array, each with its `id`: the shape both
/// engines' bulk updates read.
pub(crate) fn update_json(rows: &[(ProductId, &ProductFields)]) -> Vec<serde_json::Value> {
    rows.iter()
        .map(|(id, f)| {
            serde_json::json!({
                "id": id, "sku": f.sku, "name": f.name, "description": f.description,
                "price_minor": f.price_minor, "stock": f.stock, "status": f.status.as_str(),
                "currency": f.currency, "category_id": f.category_id, "barcode": f.barcode,
                "vendor": f.shop.vendor, "product_type": f.shop.product_type,
                "handle": f.shop.handle, "compare_at_minor": f.shop.compare_at_minor,
                "cost_minor": f.shop.cost_minor, "weight_grams": f.shop.weight_grams,
            })
        })
        .collect()
}

/// A bulk update found fewer products than it was given.
pub(crate) fn gone_meanwhile() -> Error {
    Error::refused("A product this import updates was moved to the trash or deleted meanwhile.")
}

impl Catalog {
    /// `batch` rows, each batch all-or-nothing. Returns how many were inserted.
    pub fn insert_products(
        &mut self,
        products: impl IntoIterator<Item = ProductFields>,
        batch: usize,
    ) -> Result<usize> {
        let default_currency = settings::default_currency(self.conn())?;
        let mut pending = Vec::with_capacity(batch);
        let mut done = 0;
        for fields in products {
            pending.push(fields.tidied()?);
            if pending.len() == batch.max(1) {
                done += self.insert_batch(&pending, &default_currency)?;
                pending.clear();
            }
        }
        if !pending.is_empty() {
            done += self.insert_batch(&pending, &default_currency)?;
        }
        Ok(done)
    }

    /// One batch as three statements: every product, every tag link, then the search index
    /// for all of them. Row by row, each INSERT opens a statement savepoint, and FTS5 flushes
    /// its pending index at every savepoint: one tiny index segment per product, then merges
    /// (about 1 ms a product). When SQLite refuses the batch statement, the batch is replayed
    /// row by row inside the same transaction so the error names the row.
    fn insert_batch(&mut self, batch: &[ProductFields], default_currency: &str) -> Result<usize> {
        self.write(|w| {
            let ids = search::index_after(w, |w| {
                let ids = match insert_many(w, batch, default_currency) {
                    Ok(ids) => ids,
                    Err(_) => batch
                        .iter()
                        .map(|f| {
                            let currency = f.currency.as_deref().unwrap_or(default_currency);
                            super::write::insert_row(w, f, currency).map_err(|e| with_sku(e, &f.sku))
                        })
                        .collect::<Result<Vec<_>>>()?,
                };
                let links: Vec<(ProductId, &[String])> = ids
                    .iter()
                    .zip(batch)
                    .map(|(id, f)| (*id, f.tags.as_slice()))
                    .collect();
                tags::attach_many(w, &links)?;
                Ok(ids)
            })?;
            Ok(ids.len())
        })
    }

    /// Applies one change to many products in one transaction: all or nothing. A price change
    /// that would make any price negative refuses the whole edit and names the product.
    pub fn bulk_edit(&mut self, ids: &[ProductId], edit: &BulkEdit) -> Result<usize> {
        self.bulk_edit_all(ids, std::slice::from_ref(edit))
    }

    /// Several changes to many products in one transaction (`shelf bulk --status ... --tag
    /// ...`): all of them or none.
    pub fn bulk_edit_all(&mut self, ids: &[ProductId], edits: &[BulkEdit]) -> Result<usize> {
        for edit in edits {
            if let BulkEdit::SetCategory(Some(category)) = edit {
                categories::by_id(self.conn(), *category)?;
            }
        }
        self.write(|w| {
            for edit in edits {
                for &id in ids {
                    apply_bulk(w, id, edit)?;
                }
            }
            Ok(ids.len())
        })
    }
}

/// One change applied to every selected product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change", content = "value")]
pub enum BulkEdit {
    SetStatus(Status),
    SetCategory(Option<i64>),
    AddTag(String),
    RemoveTag(String),
    AdjustPrice(PriceChange),
    SetStock(i64),
}

const BUMP: &str = "UPDATE products SET version = version + 1,
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1";
const SET_STATUS: &str = "UPDATE products SET status = ?1 WHERE id = ?2";
const SET_CATEGORY: &str = "UPDATE products SET category_id = ?1 WHERE id = ?2";
const SET_STOCK: &str = "UPDATE products SET stock = ?1 WHERE id = ?2";
const SET_PRICE: &str = "UPDATE products SET price_minor = ?1 WHERE id = ?2";

/// What one bulk change writes to one product, decided (and checked) the same way on
/// either engine.
pub(crate) enum BulkStep<'a> {
    Status(Status),
    Category(Option<i64>),
    Stock(i64),
    Price(i64),
    /// A product with options sells through its variants: the change reaches each live one.
    VariantStock(i64),
    VariantPrices(&'a PriceChange),
    /// A tag (tidied) added or taken off; the product's version moves on with it.
    AddTag(String),
    RemoveTag(&'a str),
}

/// The step `edit` takes for `product` as it is now: a price that would go below zero, or a
/// stock or tag the rules refuse, is refused, naming the product's SKU where it is its value.
pub(crate) fn bulk_step<'a>(product: &super::Product, edit: &'a BulkEdit) -> Result<BulkStep<'a>> {
    let has_options = !product.options.is_empty();
    Ok(match edit {
        BulkEdit::SetStatus(status) => BulkStep::Status(*status),
        BulkEdit::SetCategory(category) => BulkStep::Category(*category),
        BulkEdit::SetStock(stock) => {
            rules::check_stock(*stock)?;
            if has_options {
                BulkStep::VariantStock(*stock)
            } else {
                BulkStep::Stock(*stock)
            }
        }
        BulkEdit::AdjustPrice(change) if has_options => BulkStep::VariantPrices(change),
        BulkEdit::AdjustPrice(change) => {
            let price = change
                .apply(product.price_minor, product.minor_units)
                .map_err(|e| with_sku(e, &product.sku))?
                .unwrap_or(-1);
            rules::check_price(price).map_err(|e| with_sku(e, &product.sku))?;
            BulkStep::Price(price)
        }
        BulkEdit::AddTag(tag) => {
            let tag = rules::tidy(tag);
            rules::check_tag(&tag)?;
            BulkStep::AddTag(tag)
        }
        BulkEdit::RemoveTag(tag) => BulkStep::RemoveTag(tag),
    })
}

fn apply_bulk(w: &mut Write<'_>, id: ProductId, edit: &BulkEdit) -> Result<()> {
    let product = get(w.tx(), id)?;
    match bulk_step(&product, edit)? {
        BulkStep::Status(status) => {
            w.tx()
                .prepare_cached(SET_STATUS)?
                .execute((status.as_str(), id))?;
        }
        BulkStep::Category(category) => {
            w.tx().prepare_cached(SET_CATEGORY)?.execute((category, id))?;
        }
        BulkStep::Stock(stock) => {
            w.tx().prepare_cached(SET_STOCK)?.execute((stock, id))?;
        }
        BulkStep::Price(price) => {
            w.tx().prepare_cached(SET_PRICE)?.execute((price, id))?;
        }
        BulkStep::VariantStock(stock) => variants::set_stock_of_product(w, id, stock)?,
        BulkStep::VariantPrices(change) => variants::adjust_prices_of_product(w, id, change)?,
        BulkStep::AddTag(tag) => {
            tags::add_to_product(w, id, &tag)?;
            w.tx().prepare_cached(BUMP)?.execute([id])?;
        }
        BulkStep::RemoveTag(tag) => {
            tags::remove_from_product(w, id, tag)?;
            w.tx().prepare_cached(BUMP)?.execute([id])?;
        }
    }
    w.record(Entity::Product, id, ChangeKind::Updated);
    Ok(())
}
