//! Shopify's product CSV in the classic layout that store admins export and Shopify imports:
//! every column of Shopify's template, rows grouped by handle as Shopify writes them. The
//! first row carries the product and its first variant (or its only one, "Default Title",
//! for a product without options); each further variant has a row with just the handle, its
//! option values and its own columns; photos go one per row, on the variant rows first and
//! then on image-only rows (the handle and the image).
//!
//! Barcodes are written as the catalog holds them (`0012345678905`): Shopify reads the
//! column as text and keeps the leading zeros. Marking them as text for spreadsheets (`'`,
//! `="..."`) would land in Shopify as part of the barcode, so a seller who edits the file in
//! a spreadsheet must open that column as text.

use super::formula::neutralise;
use super::sellable::Sellable;
use super::{csv_error, finish_csv, ExportImage, ExportItem, Sink};
use crate::catalog::products::{Product, Status};
use crate::error::Result;
use crate::money::format_price;
use crate::store::Store;
use std::collections::HashSet;
use std::fs::File;
use std::io::BufWriter;

/// The classic template's columns, in Shopify's order.
pub const SHOPIFY_COLUMNS: [&str; 46] = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option1 Linked To",
    "Option2 Name",
    "Option2 Value",
    "Option2 Linked To",
    "Option3 Name",
    "Option3 Value",
    "Option3 Linked To",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "Gift Card",
    "SEO Title",
    "SEO Description",
    "Google Shopping / Google Product Category",
    "Google Shopping / Gender",
    "Google Shopping / Age Group",
    "Google Shopping / MPN",
    "Google Shopping / Condition",
    "Google Shopping / Custom Product",
    "Variant Image",
    "Variant Weight Unit",
    "Variant Tax Code",
    "Cost per item",
    "Included / International",
    "Status",
];

fn column(name: &str) -> usize {
    let found = SHOPIFY_COLUMNS.iter().position(|c| *c == name);
    debug_assert!(found.is_some(), "{name} is not a Shopify column");
    found.unwrap_or(0)
}

/// One row of the file, filled by column name.
struct Row(Vec<String>);

impl Row {
    fn new(handle: &str) -> Self {
        let mut row = Row(vec![String::new(); SHOPIFY_COLUMNS.len()]);
        row.set("Handle", handle);
        row
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0[column(name)] = value.into();
    }
}

pub(crate) struct ShopifyCsv {
    writer: csv::Writer<BufWriter<File>>,
    /// Handles given or already written, in lower case: Shopify groups rows by handle (and
    /// ignores case), so two products must never share one. Every handle a seller gave a
    /// product is read before the first row, so that a handle made from another product's
    /// SKU never takes one of them. Grows with the product count (a short string each).
    handles: HashSet<String>,
}

impl ShopifyCsv {
    pub fn new(out: BufWriter<File>, store: &mut dyn Store) -> Result<Self> {
        let handles = store.handles()?.into_iter().map(|h| h.to_lowercase()).collect();
        let mut writer = csv::WriterBuilder::new().from_writer(out);
        writer.write_record(SHOPIFY_COLUMNS).map_err(csv_error)?;
        Ok(ShopifyCsv { writer, handles })
    }

    /// The product's own handle when the seller gave one, else one made from the SKU (lower
    /// case, letters and digits, dashes), made unique.
    fn handle_for(&mut self, product: &Product) -> String {
        if let Some(given) = &product.shop.handle {
            return given.clone();
        }
        let mut base = String::new();
        for c in product.sku.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                base.push(c);
            } else if !base.ends_with('-') {
                base.push('-');
            }
        }
        let base = base.trim_matches('-').to_owned();
        let base = if base.is_empty() {
            "product".to_owned()
        } else {
            base
        };
        let mut handle = base.clone();
        let mut n = 2;
        while self.handles.contains(&handle) {
            handle = format!("{base}-{n}");
            n += 1;
        }
        self.handles.insert(handle.clone());
        handle
    }

    fn write_row(&mut self, row: &Row) -> Result<()> {
        self.writer
            .write_record(row.0.iter().map(|c| neutralise(c).into_owned()))
            .map_err(csv_error)
    }
}

fn yes_no(value: bool) -> String {
    if value { "TRUE" } else { "FALSE" }.to_owned()
}

/// The product's own columns, on its first row only.
fn product_columns(row: &mut Row, item: &ExportItem) {
    let p = &item.product;
    row.set("Title", p.name.clone());
    row.set("Body (HTML)", p.description.clone());
    row.set("Vendor", p.shop.vendor.clone().unwrap_or_default());
    // Shopify's "Product Category" takes only Shopify's own taxonomy, so the seller's
    // category path can't go there; it stays in Type when the product has no type of its own.
    let kind = p.shop.product_type.clone().or_else(|| p.category_path.clone());
    row.set("Type", kind.unwrap_or_default());
    row.set("Tags", p.tags.join(", "));
    row.set("Published", yes_no(p.status == Status::Active));
    if item.has_variants() {
        for option in &p.options {
            row.set(&format!("Option{} Name", option.position), option.name.clone());
        }
    } else {
        row.set("Option1 Name", "Title");
    }
    row.set("Gift Card", yes_no(false));
    row.set("Status", p.status.as_str());
}

/// One variant's columns (or the product's, as its only variant).
fn variant_columns(
    row: &mut Row,
    item: &ExportItem,
    sold: &Sellable<'_>,
    image_ref: &dyn Fn(&ExportImage) -> String,
) {
    let units = item.product.minor_units;
    if item.has_variants() {
        for (position, value) in (1..).zip(sold.values) {
            if let Some(value) = value {
                row.set(&format!("Option{position} Value"), value);
            }
        }
    } else {
        row.set("Option1 Value", "Default Title");
    }
    row.set("Variant SKU", sold.sku);
    row.set("Variant Inventory Tracker", "shopify");
    row.set("Variant Inventory Qty", sold.stock.to_string());
    row.set("Variant Inventory Policy", "deny");
    row.set("Variant Fulfillment Service", "manual");
    row.set("Variant Price", format_price(sold.price_minor, units));
    if let Some(compare_at) = sold.compare_at_minor {
        row.set("Variant Compare At Price", format_price(compare_at, units));
    }
    if let Some(cost) = sold.cost_minor {
        row.set("Cost per item", format_price(cost, units));
    }
    row.set("Variant Requires Shipping", yes_no(true));
    row.set("Variant Taxable", yes_no(true));
    row.set("Variant Barcode", sold.barcode.unwrap_or_default());
    // Grams always; the unit is only how Shopify shows the weight.
    if let Some(grams) = sold.weight_grams {
        row.set("Variant Grams", grams.to_string());
        row.set("Variant Weight Unit", if grams >= 1000 { "kg" } else { "g" });
    }
    if let Some(image) = sold.image {
        row.set("Variant Image", image_ref(image));
    }
}

fn image_columns(
    row: &mut Row,
    index: usize,
    image: &ExportImage,
    image_ref: &dyn Fn(&ExportImage) -> String,
) {
    row.set("Image Src", image_ref(image));
    row.set("Image Position", (index + 1).to_string());
    row.set("Image Alt Text", image.alt_text.clone());
}

impl Sink for ShopifyCsv {
    fn product(&mut self, item: &ExportItem, image_ref: &dyn Fn(&ExportImage) -> String) -> Result<u64> {
        let handle = self.handle_for(&item.product);
        let sold = item.sellables();
        let mut images = item.images.iter().enumerate();
        for (index, variant) in sold.iter().enumerate() {
            let mut row = Row::new(&handle);
            if index == 0 {
                product_columns(&mut row, item);
            }
            variant_columns(&mut row, item, variant, image_ref);
            if let Some((position, image)) = images.next() {
                image_columns(&mut row, position, image, image_ref);
            }
            self.write_row(&row)?;
        }
        let mut rows = sold.len() as u64;
        for (position, image) in images {
            let mut row = Row::new(&handle);
            image_columns(&mut row, position, image, image_ref);
            self.write_row(&row)?;
            rows += 1;
        }
        Ok(rows)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        finish_csv(self.writer)
    }
}
