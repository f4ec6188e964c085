//! The JSON export: full fidelity, versioned. Its shape (version 1), written as one document:
//!
//! ```text
//! {
//!   "format": "shelfkeeper-catalog",     // always this string
//!   "version": 1,                        // bumped on any incompatible change
//!   "schema_version": 2,                 // the catalog schema it was exported from (a
//!                                        // team server's counts its own migrations)
//!   "app_version": "0.1.0",
//!   "categories": [ {"id", "name", "parent_id", "path"} ... ],
//!   "tags": [ "name" ... ],
//!   "products": [ {
//!       "id", "sku", "name", "description",
//!       "price_minor" (integer, minor units), "price" (decimal text), "currency", "minor_units",
//!       "stock", "status" (draft|active|archived), "category_id", "category_path",
//!       "owner_id", "barcode", "tags": [..], "created_at", "updated_at", "deleted_at", "version",
//!       "shop": {"vendor", "product_type", "handle", "compare_at_minor", "cost_minor",
//!                "weight_grams"},
//!       "options": [ {"position", "name", "values": [..]} ... ],
//!       "variants": [ {"id", "sku", "position", "option1".."option3", "price_minor",
//!                      "compare_at_minor", "cost_minor", "stock", "barcode", "weight_grams",
//!                      "image_sha256", ...} ... ],           // live ones, position order
//!       "images": [ {"file_name", "sha256", "position", "alt_text", "mime", "width", "height",
//!                    "byte_size", "original_file_name"} ... ]   // position order
//!   } ... ]
//! }
//! ```
//! Timestamps are the catalog's `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC). Prices are integers; `price`
//! is the same amount as text for people reading the file. Products are written one at a
//! time, so the document is never held in memory whole.

use super::{flush_to_disk, write_all, ExportImage, ExportItem, Sink};
use crate::error::Result;
use crate::money::format_price;
use crate::store::Store;
use crate::Error;
use serde::Serialize;
use std::fs::File;
use std::io::BufWriter;

pub const JSON_FORMAT: &str = "shelfkeeper-catalog";
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonCategory<'a> {
    id: i64,
    name: &'a str,
    parent_id: Option<i64>,
    path: &'a str,
}

#[derive(Serialize)]
struct JsonProduct<'a> {
    #[serde(flatten)]
    product: &'a crate::catalog::products::Product,
    price: String,
    images: Vec<ExportImage>,
}

pub(crate) struct JsonDocument {
    writer: BufWriter<File>,
    first: bool,
}

impl JsonDocument {
    pub fn new(mut writer: BufWriter<File>, store: &mut dyn Store) -> Result<Self> {
        let cats = store.categories()?;
        let cats: Vec<JsonCategory<'_>> = cats
            .iter()
            .map(|c| JsonCategory {
                id: c.id,
                name: &c.name,
                parent_id: c.parent_id,
                path: &c.path,
            })
            .collect();
        let tag_names: Vec<String> = store.tags()?.into_iter().map(|t| t.name).collect();
        let head = format!(
            "{{\n\"format\": {},\n\"version\": {JSON_VERSION},\n\"schema_version\": {},\n\"app_version\": {},\n\"categories\": {},\n\"tags\": {},\n\"products\": [",
            serde_json::to_string(JSON_FORMAT)?,
            store.schema_version()?,
            serde_json::to_string(env!("CARGO_PKG_VERSION"))?,
            serde_json::to_string(&cats)?,
            serde_json::to_string(&tag_names)?,
        );
        write_all(&mut writer, head.as_bytes())?;
        Ok(JsonDocument { writer, first: true })
    }
}

impl Sink for JsonDocument {
    fn product(&mut self, item: &ExportItem, image_ref: &dyn Fn(&ExportImage) -> String) -> Result<u64> {
        let p = &item.product;
        let images = item
            .images
            .iter()
            .map(|i| ExportImage {
                file_name: image_ref(i),
                ..i.clone()
            })
            .collect();
        let value = JsonProduct {
            product: p,
            price: format_price(p.price_minor, p.minor_units),
            images,
        };
        let separator: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        write_all(&mut self.writer, separator)?;
        serde_json::to_writer(&mut self.writer, &value).map_err(Error::from)?;
        Ok(1)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        write_all(&mut self.writer, b"\n]\n}\n")?;
        flush_to_disk(self.writer)
    }
}
