//! WooCommerce's product CSV, as its built-in importer (Products ▸ Import) reads it and its
//! exporter writes it: UTF-8 with a byte-order mark, columns mapped by their English names. A
//! product without options is one `simple` row; a product with options is a `variable` row
//! declaring each attribute with all its values, then one `variation` row per live variant
//! naming its parent by SKU and carrying one value per attribute and its own SKU, price,
//! stock, weight and barcode.
//!
//! Choices the importer dictates:
//! - `ID` stays empty. WooCommerce takes an ID as a WordPress post number, and with "Update
//!   existing products" it would overwrite whatever post has our catalog's number; rows are
//!   matched by SKU instead, and `Parent` names the parent's SKU (every product has one).
//! - `Published`: active → `1` (published), draft → `0` (draft), archived → `-1` (private:
//!   kept in the shop, hidden from buyers, as archived products are). A variation is always
//!   `1`, because for a variation `-1` means "disabled"; its parent's status is what hides it.
//! - The weight is in kilograms, the store default, stated in the header as the exporter does
//!   (`Weight (kg)`); the importer only maps the column whose unit matches the store's.
//! - A "was" price: when the compare-at price is above the price, `Sale price` is the price
//!   and `Regular price` the compare-at; otherwise `Regular price` is the price.
//! - Lists (categories, tags, images, attribute values) are comma-separated with a comma
//!   inside a value written `\,`, which the importer reads back as a comma.
//! - `Images` names the photo files (`<sha256>.jpg`) without a folder: the importer finds
//!   files already in the Media Library by name, so a seller uploads the images folder there
//!   first. Full URLs are fetched by the importer; local folders are not.
//!
//! Cells are neutralised against spreadsheet formulas like every CSV we write; WooCommerce's
//! own exporter prefixes the same `'` and its importer removes it.

use super::formula::neutralise;
use super::sellable::Sellable;
use super::{csv_error, finish_csv, write_all, ExportImage, ExportItem, Sink};
use crate::catalog::products::Status;
use crate::error::Result;
use crate::money::format_price;
use std::fs::File;
use std::io::BufWriter;

/// The columns, in the order WooCommerce's exporter writes them.
pub const WOOCOMMERCE_COLUMNS: [&str; 38] = [
    "ID",
    "Type",
    "SKU",
    "GTIN, UPC, EAN, or ISBN",
    "Name",
    "Published",
    "Is featured?",
    "Visibility in catalog",
    "Short description",
    "Description",
    "Tax status",
    "Tax class",
    "In stock?",
    "Stock",
    "Backorders allowed?",
    "Weight (kg)",
    "Sale price",
    "Regular price",
    "Categories",
    "Tags",
    "Images",
    "Parent",
    "Position",
    "Attribute 1 name",
    "Attribute 1 value(s)",
    "Attribute 1 visible",
    "Attribute 1 global",
    "Attribute 1 default",
    "Attribute 2 name",
    "Attribute 2 value(s)",
    "Attribute 2 visible",
    "Attribute 2 global",
    "Attribute 2 default",
    "Attribute 3 name",
    "Attribute 3 value(s)",
    "Attribute 3 visible",
    "Attribute 3 global",
    "Attribute 3 default",
];

/// WooCommerce's importer skips a leading byte-order mark, and spreadsheets need it to read
/// the file as UTF-8; its own exporter writes one.
const BOM: &[u8] = "\u{feff}".as_bytes();

fn column(name: &str) -> usize {
    let found = WOOCOMMERCE_COLUMNS.iter().position(|c| *c == name);
    debug_assert!(found.is_some(), "{name} is not a WooCommerce column");
    found.unwrap_or(0)
}

/// One row of the file, filled by column name.
struct Row(Vec<String>);

impl Row {
    fn new(kind: &str, sku: &str) -> Self {
        let mut row = Row(vec![String::new(); WOOCOMMERCE_COLUMNS.len()]);
        row.set("Type", kind);
        row.set("SKU", sku);
        row.set("Visibility in catalog", "visible");
        row.set("Is featured?", "0");
        row.set("Tax status", "taxable");
        row.set("Backorders allowed?", "0");
        row
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0[column(name)] = value.into();
    }

    fn attribute(&mut self, position: u8, part: &str, value: impl Into<String>) {
        self.set(&format!("Attribute {position} {part}"), value);
    }
}

pub(crate) struct WooCommerceCsv {
    writer: csv::Writer<BufWriter<File>>,
}

impl WooCommerceCsv {
    pub fn new(mut out: BufWriter<File>) -> Result<Self> {
        write_all(&mut out, BOM)?;
        let mut writer = csv::WriterBuilder::new().from_writer(out);
        writer.write_record(WOOCOMMERCE_COLUMNS).map_err(csv_error)?;
        Ok(WooCommerceCsv { writer })
    }

    fn write_row(&mut self, row: &Row) -> Result<()> {
        self.writer
            .write_record(row.0.iter().map(|c| neutralise(c).into_owned()))
            .map_err(csv_error)
    }
}

/// A value in a comma-separated list cell.
fn list_item(value: &str) -> String {
    value.replace(',', "\\,")
}

fn list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values.into_iter().map(list_item).collect::<Vec<_>>().join(", ")
}

/// Grams as kilograms, from integers (`250` → `0.25`, `1500` → `1.5`, `2000` → `2`).
fn kilograms(grams: i64) -> String {
    let text = format!("{}.{:03}", grams / 1000, (grams % 1000).abs());
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn published(status: Status) -> &'static str {
    match status {
        Status::Active => "1",
        Status::Draft => "0",
        Status::Archived => "-1",
    }
}

/// The product's own columns, on a `simple` or `variable` row.
fn product_columns(row: &mut Row, item: &ExportItem) {
    let p = &item.product;
    row.set("Name", p.name.clone());
    row.set("Published", published(p.status));
    row.set("Description", p.description.clone());
    row.set(
        "Categories",
        p.category_path.as_deref().map(list_item).unwrap_or_default(),
    );
    row.set("Tags", list(p.tags.iter().map(String::as_str)));
    row.set("Images", list(item.images.iter().map(|i| i.file_name.as_str())));
    row.set("Position", "0");
}

/// What one item sells for, stock and weight (a `simple` or `variation` row).
fn selling_columns(row: &mut Row, item: &ExportItem, sold: &Sellable<'_>) {
    let units = item.product.minor_units;
    let price = format_price(sold.price_minor, units);
    match sold.compare_at_minor.filter(|was| *was > sold.price_minor) {
        Some(was) => {
            row.set("Sale price", price);
            row.set("Regular price", format_price(was, units));
        }
        None => row.set("Regular price", price),
    }
    row.set("In stock?", if sold.stock > 0 { "1" } else { "0" });
    row.set("Stock", sold.stock.to_string());
    row.set("GTIN, UPC, EAN, or ISBN", sold.barcode.unwrap_or_default());
    if let Some(grams) = sold.weight_grams {
        row.set("Weight (kg)", kilograms(grams));
    }
}

impl WooCommerceCsv {
    fn simple(&mut self, item: &ExportItem) -> Result<u64> {
        let sold = item.sellables();
        let mut row = Row::new("simple", &item.product.sku);
        product_columns(&mut row, item);
        if let Some(first) = sold.first() {
            selling_columns(&mut row, item, first);
        }
        self.write_row(&row)?;
        Ok(1)
    }

    /// The parent holds no price or stock of its own (its variations do); its weight and
    /// barcode stay, since a variation without a weight takes its parent's.
    fn variable(&mut self, item: &ExportItem) -> Result<u64> {
        let p = &item.product;
        let sold = item.sellables();
        let mut row = Row::new("variable", &p.sku);
        product_columns(&mut row, item);
        row.set(
            "In stock?",
            if sold.iter().any(|s| s.stock > 0) {
                "1"
            } else {
                "0"
            },
        );
        row.set("GTIN, UPC, EAN, or ISBN", p.barcode.clone().unwrap_or_default());
        if let Some(grams) = p.shop.weight_grams {
            row.set("Weight (kg)", kilograms(grams));
        }
        let first = sold.first().map(|s| s.values).unwrap_or_default();
        for option in &p.options {
            row.attribute(option.position, "name", option.name.clone());
            row.attribute(
                option.position,
                "value(s)",
                list(option.values.iter().map(String::as_str)),
            );
            row.attribute(option.position, "visible", "1");
            row.attribute(option.position, "global", "0");
            let default = first.get(usize::from(option.position) - 1).copied().flatten();
            row.attribute(option.position, "default", default.unwrap_or_default());
        }
        self.write_row(&row)?;
        for (index, variant) in sold.iter().enumerate() {
            let mut row = Row::new("variation", variant.sku);
            let values: Vec<&str> = variant.values.iter().flatten().copied().collect();
            row.set("Name", format!("{} - {}", p.name, values.join(", ")));
            row.set("Published", "1");
            row.set("Tax class", "parent");
            row.set("Parent", p.sku.clone());
            row.set("Position", (index + 1).to_string());
            selling_columns(&mut row, item, variant);
            if let Some(image) = variant.image {
                row.set("Images", list_item(&image.file_name));
            }
            for option in &p.options {
                let value = variant
                    .values
                    .get(usize::from(option.position) - 1)
                    .copied()
                    .flatten();
                row.attribute(option.position, "name", option.name.clone());
                row.attribute(
                    option.position,
                    "value(s)",
                    value.map(list_item).unwrap_or_default(),
                );
                row.attribute(option.position, "global", "0");
            }
            self.write_row(&row)?;
        }
        Ok(1 + sold.len() as u64)
    }
}

impl Sink for WooCommerceCsv {
    /// `Images` ignores `image_ref` (see the module's notes): the importer looks photos up in
    /// the Media Library by file name, where a folder prefix would keep it from finding them.
    fn product(&mut self, item: &ExportItem, _image_ref: &dyn Fn(&ExportImage) -> String) -> Result<u64> {
        if item.has_variants() {
            self.variable(item)
        } else {
            self.simple(item)
        }
    }

    fn finish(self: Box<Self>) -> Result<()> {
        finish_csv(self.writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_become_kilograms_without_a_float() {
        for (grams, kg) in [
            (0, "0"),
            (5, "0.005"),
            (250, "0.25"),
            (1000, "1"),
            (1234, "1.234"),
        ] {
            assert_eq!(kilograms(grams), kg);
        }
    }

    #[test]
    fn commas_inside_list_values_are_escaped() {
        assert_eq!(list(["Red, dark", "Blue"]), "Red\\, dark, Blue");
    }
}
