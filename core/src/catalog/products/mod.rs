//! Products: the seller's work. Edits carry the `version` they started from; a stale one is a
//! Conflict that carries the row as it is now. Lists page by keyset (the sort value and the id
//! of the last row seen), so page 1,000 costs what page 1 costs.
//!
//! By concern: `read` (one product), `page` (the list and grid), `write` (create and edit),
//! `bulk` (many products at once). Every write to `products` lives here.

mod bulk;
mod page;
mod read;
mod write;

pub use bulk::BulkEdit;
pub(crate) use bulk::{
    bulk_step, gone_meanwhile, ids_in_order, insert_json, insert_rows, update_json, update_rows, BulkStep,
};
pub use page::{list, Cursor, CursorValue, Page, ProductQuery, SortKey};
pub(crate) use page::{page_limit, page_of, start_cursor};
pub use read::{
    as_fields_by_handle, as_fields_by_sku, by_sku, get, given_handles, id_and_trash_by_sku, id_by_sku,
    sku_and_trash, AsFields,
};
pub(crate) use write::{already_used, category_gone, insert, unknown_currency, update_in};

use super::{options::ProductOption, tags, variants::Variant, ProductId};
use crate::error::{Error, Result};
use crate::rules;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Active,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Active => "active",
            Status::Archived => "archived",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "draft" => Ok(Status::Draft),
            "active" => Ok(Status::Active),
            "archived" => Ok(Status::Archived),
            _ => Err(Error::validation(
                "status",
                "The status must be draft, active or archived.",
            )),
        }
    }
}

/// A whole product as the editor shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Product {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    /// Decimal places of `currency`, so `price_minor` can be shown without guessing.
    pub minor_units: u32,
    pub stock: i64,
    pub status: Status,
    pub category_id: Option<i64>,
    pub category_path: Option<String>,
    pub owner_id: i64,
    pub barcode: Option<String>,
    pub tags: Vec<String>,
    pub primary_image: Option<String>,
    /// Vendor, type, handle, compare-at price, cost, weight.
    pub shop: ShopFields,
    /// Up to three (Size, Colour...), in position order; empty for a product without them.
    pub options: Vec<ProductOption>,
    /// Its live variants in position order. With options, `price_minor` is their lowest
    /// price and `stock` their total (kept by the schema's triggers).
    pub variants: Vec<Variant>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub version: i64,
}

/// What a shop keeps beside the basics; every field is optional.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ShopFields {
    pub vendor: Option<String>,
    pub product_type: Option<String>,
    /// The shop's URL handle (`blue-mug`), unique in the catalog when set.
    pub handle: Option<String>,
    /// The "was" price, in the product's currency.
    pub compare_at_minor: Option<i64>,
    /// What one costs the seller.
    pub cost_minor: Option<i64>,
    pub weight_grams: Option<i64>,
}

impl ShopFields {
    /// Empty text becomes absent; every field is checked like the schema checks it.
    pub fn tidied(&self) -> Result<ShopFields> {
        let text = |t: &Option<String>| t.as_deref().map(rules::tidy).filter(|t| !t.is_empty());
        let shop = ShopFields {
            vendor: text(&self.vendor),
            product_type: text(&self.product_type),
            handle: text(&self.handle),
            ..self.clone()
        };
        if let Some(vendor) = &shop.vendor {
            rules::check_label("vendor", "The vendor", vendor)?;
        }
        if let Some(kind) = &shop.product_type {
            rules::check_label("product_type", "The product type", kind)?;
        }
        if let Some(handle) = &shop.handle {
            rules::check_handle(handle)?;
        }
        rules::check_amount("compare_at", "The compare-at price", shop.compare_at_minor)?;
        rules::check_amount("cost", "The cost", shop.cost_minor)?;
        rules::check_weight(shop.weight_grams)?;
        Ok(shop)
    }
}

/// What the editor, the command line and importers may set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductFields {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price_minor: i64,
    /// ISO 4217 code; the catalog's default currency when absent.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub stock: i64,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub barcode: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub shop: ShopFields,
}

impl ProductFields {
    /// Tidies what a person typed (surrounding white space, an empty barcode) and checks
    /// every field, so the first problem is reported against its field.
    pub fn tidied(&self) -> Result<ProductFields> {
        let fields = ProductFields {
            sku: rules::tidy(&self.sku),
            name: rules::tidy(&self.name),
            description: self.description.clone(),
            price_minor: self.price_minor,
            currency: self.currency.as_deref().map(|c| c.trim().to_ascii_uppercase()),
            stock: self.stock,
            status: self.status,
            category_id: self.category_id,
            barcode: self.barcode.as_deref().map(rules::tidy).filter(|b| !b.is_empty()),
            tags: tags::tidy_names(&self.tags)?,
            shop: self.shop.tidied()?,
        };
        rules::check_sku(&fields.sku)?;
        rules::check_name(&fields.name)?;
        rules::check_description(&fields.description)?;
        rules::check_price(fields.price_minor)?;
        rules::check_stock(fields.stock)?;
        rules::check_barcode(fields.barcode.as_deref())?;
        Ok(fields)
    }
}

/// One row of the product list or grid.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductSummary {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub price_minor: i64,
    pub currency: String,
    pub minor_units: u32,
    pub stock: i64,
    pub status: Status,
    pub category_id: Option<i64>,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub version: i64,
    pub primary_image: Option<String>,
    /// The highest price of its live variants, when it has any (`price_minor` is the lowest).
    pub price_max_minor: Option<i64>,
    /// How many live variants it sells as (0 for a product without options).
    pub variant_count: i64,
}

pub(crate) fn status_from(text: &str) -> Status {
    Status::parse(text).unwrap_or_default()
}

/// The error for an edit whose version is no longer current: NotFound when the product is
/// gone, otherwise a Conflict carrying the current row for the side-by-side view.
fn stale_edit(conn: &Connection, id: ProductId) -> Result<Error> {
    stale_against(&get(conn, id)?)
}

/// The Conflict for an edit that started from an older version than `current`, on either
/// engine.
pub(crate) fn stale_against(current: &Product) -> Result<Error> {
    Ok(Error::Conflict {
        field: None,
        message: format!(
            "{} was changed by someone else since you opened it (now at version {}). Nothing was overwritten: compare both versions and choose.",
            current.name, current.version
        ),
        current: Some(Box::new(serde_json::to_value(current)?)),
    })
}

/// The error for a product id that names no product, on either engine.
pub(crate) fn no_such_product(id: ProductId) -> Error {
    Error::NotFound(format!("There is no product with id {id}."))
}

/// Names the product in an error from a bulk write, so the seller knows which row failed.
fn with_sku(err: Error, sku: &str) -> Error {
    err.prefixed(&format!("{sku}: "))
}
