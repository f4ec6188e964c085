//! Shopify's product CSV in the classic layout that store admins export and Shopify imports:
//! every column of Shopify's template, one row per product (its only variant, "Default
//! Title") and one further row per extra image carrying just the handle and the image.

use super::formula::neutralise;
use super::{csv_error, flush_to_disk, ExportImage, ExportItem, Sink};
use crate::catalog::products::Status;
use crate::error::Result;
use crate::money::format_price;
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
    SHOPIFY_COLUMNS.iter().position(|c| *c == name).unwrap_or(0)
}

pub(crate) struct ShopifyCsv {
    writer: csv::Writer<BufWriter<File>>,
    /// Handles already written: Shopify groups rows by handle, so two products must never
    /// share one. Grows with the product count (a short string each).
    handles: HashSet<String>,
}

impl ShopifyCsv {
    pub fn new(out: BufWriter<File>) -> Result<Self> {
        let mut writer = csv::WriterBuilder::new().from_writer(out);
        writer.write_record(SHOPIFY_COLUMNS).map_err(csv_error)?;
        Ok(ShopifyCsv {
            writer,
            handles: HashSet::new(),
        })
    }

    /// A URL handle from the SKU (lower case, letters and digits, dashes), made unique.
    fn handle_for(&mut self, sku: &str) -> String {
        let mut base = String::new();
        for c in sku.chars().flat_map(char::to_lowercase) {
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

    fn write_row(&mut self, row: &[String]) -> Result<()> {
        self.writer
            .write_record(row.iter().map(|c| neutralise(c).into_owned()))
            .map_err(csv_error)
    }
}

fn yes_no(value: bool) -> String {
    if value { "TRUE" } else { "FALSE" }.to_owned()
}

impl Sink for ShopifyCsv {
    fn product(&mut self, item: &ExportItem, image_ref: &dyn Fn(&ExportImage) -> String) -> Result<u64> {
        let p = &item.product;
        let handle = self.handle_for(&p.sku);
        let mut row = vec![String::new(); SHOPIFY_COLUMNS.len()];
        let mut set = |name: &str, value: String| row[column(name)] = value;
        set("Handle", handle.clone());
        set("Title", p.name.clone());
        set("Body (HTML)", p.description.clone());
        set("Type", p.category_path.clone().unwrap_or_default());
        set("Tags", p.tags.join(", "));
        set("Published", yes_no(p.status == Status::Active));
        set("Option1 Name", "Title".into());
        set("Option1 Value", "Default Title".into());
        set("Variant SKU", p.sku.clone());
        set("Variant Grams", "0".into());
        set("Variant Inventory Tracker", "shopify".into());
        set("Variant Inventory Qty", p.stock.to_string());
        set("Variant Inventory Policy", "deny".into());
        set("Variant Fulfillment Service", "manual".into());
        set("Variant Price", format_price(p.price_minor, p.minor_units));
        set("Variant Requires Shipping", yes_no(true));
        set("Variant Taxable", yes_no(true));
        set("Variant Barcode", p.barcode.clone().unwrap_or_default());
        set("Gift Card", yes_no(false));
        set("Variant Weight Unit", "kg".into());
        set("Status", p.status.as_str().into());
        if let Some(first) = item.images.first() {
            set("Image Src", image_ref(first));
            set("Image Position", "1".into());
            set("Image Alt Text", first.alt_text.clone());
        }
        self.write_row(&row)?;
        for (index, image) in item.images.iter().enumerate().skip(1) {
            let mut extra = vec![String::new(); SHOPIFY_COLUMNS.len()];
            extra[column("Handle")] = handle.clone();
            extra[column("Image Src")] = image_ref(image);
            extra[column("Image Position")] = (index + 1).to_string();
            extra[column("Image Alt Text")] = image.alt_text.clone();
            self.write_row(&extra)?;
        }
        Ok(item.images.len().max(1) as u64)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let inner = self
            .writer
            .into_inner()
            .map_err(|e| csv_error(csv::Error::from(e.into_error())))?;
        flush_to_disk(inner)
    }
}
