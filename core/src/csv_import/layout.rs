//! Which kind of CSV a file is, chosen from its header row, and which column feeds which
//! product field. Columns are matched by name (trimmed, case-insensitive), never by position;
//! columns we do not know are ignored. Shopify's classic and new layouts
//! (../shared/notes/shop-csv.md) are both recognised.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CsvFormat {
    Generic,
    Shopify,
    /// Decide from the header row.
    Auto,
}

impl CsvFormat {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "generic" | "csv" => Ok(CsvFormat::Generic),
            "shopify" => Ok(CsvFormat::Shopify),
            "auto" => Ok(CsvFormat::Auto),
            other => Err(Error::validation(
                "format",
                format!("{other:?} is not a CSV format; use generic or shopify."),
            )),
        }
    }
}

/// The layout found in the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Shelfkeeper's own export (`sku`, `name`, `price`...).
    Generic,
    /// Shopify admin exports: `Handle`, `Variant SKU`, `Body (HTML)`...
    ShopifyClassic,
    /// Shopify's current template: `URL handle`, `SKU`, `Description`...
    ShopifyNew,
}

impl Layout {
    pub fn is_shopify(self) -> bool {
        self != Layout::Generic
    }
}

/// What a column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Handle,
    Sku,
    Name,
    Description,
    Price,
    Currency,
    Stock,
    Status,
    Published,
    Category,
    ProductType,
    Tags,
    Barcode,
    /// Generic: image file names in position order, `; `-separated.
    Images,
    ImageSrc,
    ImagePosition,
    ImageAlt,
    /// A variant's option value: a later row with one is a variant.
    OptionValue,
}

/// A seller's own spreadsheet, or another shop's export: the names they commonly give each
/// column (WooCommerce's `Regular price` and `Stock`, Etsy's `TITLE`, `QUANTITY` and
/// `CURRENCY_CODE`, `EAN` for barcodes), compared without case, `_` read as a space.
const GENERIC_NAMES: &[(&str, Field)] = &[
    ("sku", Field::Sku),
    ("item sku", Field::Sku),
    ("product sku", Field::Sku),
    ("name", Field::Name),
    ("title", Field::Name),
    ("product name", Field::Name),
    ("description", Field::Description),
    ("price", Field::Price),
    ("regular price", Field::Price),
    ("currency", Field::Currency),
    ("currency code", Field::Currency),
    ("stock", Field::Stock),
    ("quantity", Field::Stock),
    ("qty", Field::Stock),
    ("stock quantity", Field::Stock),
    ("status", Field::Status),
    ("category", Field::Category),
    ("tags", Field::Tags),
    ("barcode", Field::Barcode),
    ("ean", Field::Barcode),
    ("gtin", Field::Barcode),
    ("upc", Field::Barcode),
    ("images", Field::Images),
];

/// Both Shopify layouts' names; the two never disagree on a meaning, so one table serves.
const SHOPIFY_NAMES: &[(&str, Field)] = &[
    ("handle", Field::Handle),
    ("url handle", Field::Handle),
    ("title", Field::Name),
    ("body (html)", Field::Description),
    ("description", Field::Description),
    ("variant sku", Field::Sku),
    ("sku", Field::Sku),
    ("variant price", Field::Price),
    ("price", Field::Price),
    ("variant inventory qty", Field::Stock),
    ("inventory quantity", Field::Stock),
    ("status", Field::Status),
    ("published", Field::Published),
    ("published on online store", Field::Published),
    ("product category", Field::Category),
    ("type", Field::ProductType),
    ("tags", Field::Tags),
    ("variant barcode", Field::Barcode),
    ("barcode", Field::Barcode),
    ("image src", Field::ImageSrc),
    ("product image url", Field::ImageSrc),
    ("image position", Field::ImagePosition),
    ("image alt text", Field::ImageAlt),
    ("option1 value", Field::OptionValue),
];

fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace('_', " ")
}

/// Column index → field, for the chosen layout.
#[derive(Debug, Clone, Serialize)]
pub struct Mapping {
    pub layout: Layout,
    /// One entry per column: the field it feeds, or `None` when ignored.
    pub columns: Vec<Option<Field>>,
}

impl Mapping {
    pub fn index_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    pub fn has(&self, field: Field) -> bool {
        self.index_of(field).is_some()
    }
}

/// Picks the layout from the headers (or checks the one asked for) and maps the columns.
pub fn detect(headers: &[String], wanted: CsvFormat) -> Result<Mapping> {
    let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let has = |n: &str| names.iter().any(|h| h == n);
    let layout = if has("handle") {
        Layout::ShopifyClassic
    } else if has("url handle") {
        Layout::ShopifyNew
    } else {
        Layout::Generic
    };
    let layout = match (wanted, layout) {
        (CsvFormat::Generic, _) => Layout::Generic,
        (CsvFormat::Shopify, Layout::Generic) => {
            return Err(Error::validation(
                "format",
                "This file has no Handle (or URL handle) column, so it isn't a Shopify product CSV.",
            ))
        }
        (_, found) => found,
    };
    let table = if layout.is_shopify() {
        SHOPIFY_NAMES
    } else {
        GENERIC_NAMES
    };
    let mut columns: Vec<Option<Field>> = Vec::with_capacity(names.len());
    for name in &names {
        let field = table.iter().find(|(n, _)| n == name).map(|(_, f)| *f);
        // The first column of a meaning wins; a repeat is ignored rather than guessed at.
        columns.push(field.filter(|f| !columns.contains(&Some(*f))));
    }
    let mapping = Mapping { layout, columns };
    if layout == Layout::Generic && !(mapping.has(Field::Sku) && mapping.has(Field::Name)) {
        return Err(Error::validation(
            "format",
            "The first row must name the columns, with at least a SKU and a name column (name, title or product name), or be a Shopify product CSV (Handle and Title).",
        ));
    }
    if layout.is_shopify() && !mapping.has(Field::Name) {
        return Err(Error::validation(
            "format",
            "This Shopify CSV has no Title column.",
        ));
    }
    Ok(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn layouts_are_chosen_from_the_header_row() {
        let classic = detect(
            &headers(&["\u{feff}Handle", "Title", "Variant SKU", "Mystery"]),
            CsvFormat::Auto,
        )
        .unwrap();
        assert_eq!(classic.layout, Layout::ShopifyClassic);
        assert_eq!(
            classic.columns,
            vec![Some(Field::Handle), Some(Field::Name), Some(Field::Sku), None]
        );
        let new = detect(
            &headers(&["Title", "URL handle", "SKU", "Price"]),
            CsvFormat::Auto,
        )
        .unwrap();
        assert_eq!(new.layout, Layout::ShopifyNew);
        assert_eq!(new.index_of(Field::Handle), Some(1));
        let generic = detect(&headers(&["id", "SKU", "name"]), CsvFormat::Auto).unwrap();
        assert_eq!(generic.layout, Layout::Generic);
        assert!(detect(&headers(&["a", "b"]), CsvFormat::Auto).is_err());
        assert!(detect(&headers(&["sku", "name"]), CsvFormat::Shopify).is_err());
    }
}
