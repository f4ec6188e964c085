//! Creating and editing one product.

use super::{get, stale_edit, Product, ProductFields};
use crate::catalog::{categories, settings, tags, Catalog, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

const INSERT: &str = "INSERT INTO products
    (sku, name, description, price_minor, currency, stock, status, category_id, owner_id, barcode,
     vendor, product_type, handle, compare_at_minor, cost_minor, weight_grams)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
const UPDATE: &str = "UPDATE products SET sku = ?1, name = ?2, description = ?3, price_minor = ?4,
    currency = ?5, stock = ?6, status = ?7, category_id = ?8, barcode = ?9,
    vendor = ?12, product_type = ?13, handle = ?14, compare_at_minor = ?15, cost_minor = ?16,
    weight_grams = ?17,
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = ?10 AND version = ?11";
/// Who holds a SKU: a product, or the product whose variant it is.
const SKU_OWNER: &str = "SELECT id, name FROM products WHERE sku = ?1
  UNION ALL SELECT p.id, p.name FROM variants AS v JOIN products AS p ON p.id = v.product_id
  WHERE v.sku = ?1";
const HANDLE_OWNER: &str = "SELECT id, name FROM products WHERE handle = ?1";
const CURRENCY_EXISTS: &str = "SELECT 1 FROM currencies WHERE code = ?1";

/// Friendly checks that need the database: the SKU is free, the currency and category exist.
fn check_references(conn: &Connection, fields: &ProductFields, this: Option<ProductId>) -> Result<()> {
    let taken = |statement: &str, field: &'static str, what: String, value: &str| -> Result<()> {
        let holder: Option<(ProductId, String)> = conn
            .prepare_cached(statement)?
            .query_row([value], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match holder.filter(|(id, _)| Some(*id) != this) {
            Some((id, name)) => Err(already_used(field, &what, &name, id)),
            None => Ok(()),
        }
    };
    taken(SKU_OWNER, "sku", format!("SKU {}", fields.sku), &fields.sku)?;
    if let Some(handle) = &fields.shop.handle {
        taken(HANDLE_OWNER, "handle", format!("The handle {handle}"), handle)?;
    }
    if let Some(code) = &fields.currency {
        if conn
            .prepare_cached(CURRENCY_EXISTS)?
            .query_row([code], |_| Ok(()))
            .optional()?
            .is_none()
        {
            return Err(unknown_currency(code));
        }
    }
    if let Some(category) = fields.category_id {
        categories::by_id(conn, category).map_err(|_| category_gone())?;
    }
    Ok(())
}

/// What the friendly checks say, on either engine.
pub(crate) fn already_used(field: &'static str, what: &str, name: &str, id: ProductId) -> Error {
    Error::Conflict {
        field: Some(field),
        message: format!("{what} is already used by {name} (product {id})."),
        current: None,
    }
}

pub(crate) fn unknown_currency(code: &str) -> Error {
    Error::validation(
        "currency",
        format!("{code} isn't a known currency (use an ISO 4217 code like USD or EUR)."),
    )
}

pub(crate) fn category_gone() -> Error {
    Error::validation("category", "That category doesn't exist any more.")
}

/// Inserts one product (fields already tidied and checked) and its tags.
pub(crate) fn insert(w: &mut Write<'_>, fields: &ProductFields, currency: &str) -> Result<ProductId> {
    let id = insert_row(w, fields, currency)?;
    if !fields.tags.is_empty() {
        tags::set_for_product(w, id, &fields.tags)?;
    }
    Ok(id)
}

/// Inserts the product row alone (its search entry follows by trigger).
pub(super) fn insert_row(w: &mut Write<'_>, fields: &ProductFields, currency: &str) -> Result<ProductId> {
    let owner = w.actor();
    let mut stmt = w.tx().prepare_cached(INSERT)?;
    stmt.execute(params![
        fields.sku,
        fields.name,
        fields.description,
        fields.price_minor,
        currency,
        fields.stock,
        fields.status.as_str(),
        fields.category_id,
        owner,
        fields.barcode,
        fields.shop.vendor,
        fields.shop.product_type,
        fields.shop.handle,
        fields.shop.compare_at_minor,
        fields.shop.cost_minor,
        fields.shop.weight_grams,
    ])?;
    drop(stmt);
    let id = w.tx().last_insert_rowid();
    w.record(Entity::Product, id, ChangeKind::Created);
    Ok(id)
}
/// [`Catalog::update_product`] inside a write already open: checks the edit, then writes it
/// if the product is still at `expected_version`.
pub(crate) fn update_in(
    w: &mut Write<'_>,
    id: ProductId,
    expected_version: i64,
    fields: &ProductFields,
) -> Result<()> {
    let fields = fields.tidied()?;
    let current = get(w.tx(), id)?;
    if current.version != expected_version {
        return Err(stale_edit(w.tx(), id)?);
    }
    check_references(w.tx(), &fields, Some(id))?;
    let mut fields = fields;
    if !current.options.is_empty() {
        // It sells through its variants: its price and stock are theirs (the schema refuses
        // anything else), so the editor's copies of them are not written.
        fields.price_minor = current.price_minor;
        fields.stock = current.stock;
    }
    let currency = fields.currency.clone().unwrap_or(current.currency);
    update_row(w, id, expected_version, &fields, &currency)
}

/// Writes `fields` over product `id` if it is still at `expected_version`.
fn update_row(
    w: &mut Write<'_>,
    id: ProductId,
    expected_version: i64,
    fields: &ProductFields,
    currency: &str,
) -> Result<()> {
    let changed = w.tx().prepare_cached(UPDATE)?.execute(params![
        fields.sku,
        fields.name,
        fields.description,
        fields.price_minor,
        currency,
        fields.stock,
        fields.status.as_str(),
        fields.category_id,
        fields.barcode,
        id,
        expected_version,
        fields.shop.vendor,
        fields.shop.product_type,
        fields.shop.handle,
        fields.shop.compare_at_minor,
        fields.shop.cost_minor,
        fields.shop.weight_grams,
    ])?;
    if changed == 0 {
        return Err(stale_edit(w.tx(), id)?);
    }
    tags::set_for_product(w, id, &fields.tags)?;
    w.record(Entity::Product, id, ChangeKind::Updated);
    Ok(())
}

impl Catalog {
    pub fn create_product(&mut self, fields: &ProductFields) -> Result<Product> {
        let fields = fields.tidied()?;
        check_references(self.conn(), &fields, None)?;
        let currency = match &fields.currency {
            Some(c) => c.clone(),
            None => settings::default_currency(self.conn())?,
        };
        let id = self.write(|w| insert(w, &fields, &currency))?;
        get(self.conn(), id)
    }

    /// Saves an edit that started from `expected_version`. If someone saved first, nothing is
    /// written and the error carries their version.
    pub fn update_product(
        &mut self,
        id: ProductId,
        expected_version: i64,
        fields: &ProductFields,
    ) -> Result<Product> {
        self.write(|w| update_in(w, id, expected_version, fields))?;
        get(self.conn(), id)
    }
}
