//! Which kind of CSV a file is, chosen from its header row, and which column feeds which
//! product field. Columns are matched by name (trimmed, case- and accent-insensitive, `_`
//! read as a space), never by position; columns we do not know are ignored. Shopify's
//! classic and new layouts, WooCommerce's exporter and Etsy's listing download (in English
//! and the languages Etsy localises its headers into) are recognised
//! (../shared/notes/shop-csv.md).

use super::names::{
    etsy_image, etsy_variation, weight_unit, ETSY_NAMES, GENERIC_NAMES, SHOPIFY_NAMES, WOOCOMMERCE_NAMES,
};
pub use super::names::{normalise, ALL_FIELDS};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CsvFormat {
    Generic,
    Shopify,
    Woocommerce,
    Etsy,
    /// Decide from the header row.
    Auto,
}

impl CsvFormat {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "generic" | "csv" => Ok(CsvFormat::Generic),
            "shopify" => Ok(CsvFormat::Shopify),
            "woocommerce" | "woo" => Ok(CsvFormat::Woocommerce),
            "etsy" => Ok(CsvFormat::Etsy),
            "auto" => Ok(CsvFormat::Auto),
            other => Err(Error::validation(
                "format",
                format!("{other:?} is not a CSV format; use auto, generic, shopify, woocommerce or etsy."),
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
    /// WooCommerce's own exporter: `ID`, `Type`, `SKU`, `Parent`, `Regular price`...
    Woocommerce,
    /// Etsy's `EtsyListingsDownload.csv`: `TITLE`, `PRICE`, `IMAGE1`..., one row per listing.
    Etsy,
}

impl Layout {
    pub fn is_shopify(self) -> bool {
        matches!(self, Layout::ShopifyClassic | Layout::ShopifyNew)
    }

    /// Shop files: they bring their own conventions (no SKU on every product, negative
    /// stock, odd barcodes), which the import bends to with a warning instead of refusing.
    pub fn is_shop(self) -> bool {
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
    /// WooCommerce: what the customer pays when set; the regular price is then the "was" price.
    SalePrice,
    CompareAt,
    Cost,
    /// In the unit the header names (grams for Shopify).
    Weight,
    Currency,
    Stock,
    Status,
    Published,
    Category,
    Vendor,
    ProductType,
    Tags,
    Barcode,
    /// Image file names or URLs in position order, several in one cell (`;` in Shelfkeeper's
    /// own files, `,` in WooCommerce's).
    Images,
    /// One image per cell (Shopify's `Image Src`; Etsy's `IMAGE1`..`IMAGE10`, all mapped).
    ImageSrc,
    ImagePosition,
    ImageAlt,
    VariantImage,
    Option1Name,
    Option1Value,
    Option2Name,
    Option2Value,
    Option3Name,
    Option3Value,
    /// Etsy's `VARIATION n TYPE`: the option's name when `VARIATION n NAME` is empty.
    Option1Type,
    Option2Type,
    /// WooCommerce: the row's own ID, the product type and the parent of a variation.
    ShopId,
    Kind,
    Parent,
}

impl Field {
    /// The option columns, by option: (name, value, Etsy's type).
    pub const OPTIONS: [(Field, Field, Option<Field>); 3] = [
        (Field::Option1Name, Field::Option1Value, Some(Field::Option1Type)),
        (Field::Option2Name, Field::Option2Value, Some(Field::Option2Type)),
        (Field::Option3Name, Field::Option3Value, None),
    ];

    /// Fields several columns may feed at once.
    fn repeats(self) -> bool {
        self == Field::ImageSrc
    }
}

/// Column index → field, for the chosen layout.
#[derive(Debug, Clone, Serialize)]
pub struct Mapping {
    pub layout: Layout,
    /// One entry per column: the field it feeds, or `None` when ignored.
    pub columns: Vec<Option<Field>>,
    /// What one unit of the weight column weighs in grams.
    pub grams_per_unit: f64,
}

impl Mapping {
    pub fn index_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    pub fn has(&self, field: Field) -> bool {
        self.index_of(field).is_some()
    }

    /// Every column that feeds `field`, in file order (Etsy's ten image columns).
    pub fn indices_of(&self, field: Field) -> impl Iterator<Item = usize> + '_ {
        self.columns
            .iter()
            .enumerate()
            .filter(move |(_, c)| **c == Some(field))
            .map(|(i, _)| i)
    }
}

/// The layout the header row looks like.
fn found_layout(names: &[String]) -> Layout {
    let has = |n: &str| names.iter().any(|h| h == n);
    let etsy_words = names
        .iter()
        .filter(|n| ETSY_NAMES.iter().any(|(e, _)| e == n))
        .count();
    if has("handle") {
        Layout::ShopifyClassic
    } else if has("url handle") {
        Layout::ShopifyNew
    } else if has("type") && has("name") && (has("parent") || has("regular price")) {
        Layout::Woocommerce
    } else if names.iter().any(|n| etsy_image(n) || etsy_variation(n).is_some())
        || (etsy_words >= 4 && !has("name"))
    {
        Layout::Etsy
    } else {
        Layout::Generic
    }
}

/// The field a normalised column name feeds in `layout`.
fn field_of(layout: Layout, name: &str) -> Option<Field> {
    let table = match layout {
        Layout::Generic => GENERIC_NAMES,
        Layout::ShopifyClassic | Layout::ShopifyNew => SHOPIFY_NAMES,
        Layout::Woocommerce => WOOCOMMERCE_NAMES,
        Layout::Etsy => ETSY_NAMES,
    };
    let found = table.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
    match layout {
        Layout::Woocommerce => found.or_else(|| weight_unit(name).map(|_| Field::Weight)),
        Layout::Etsy => found
            .or_else(|| etsy_image(name).then_some(Field::ImageSrc))
            .or_else(|| etsy_variation(name)),
        _ => found,
    }
}

/// The layout and mapping the headers suggest, before checking that the needed columns are
/// there (the preview shows them so the seller can map what is missing).
pub fn guess(headers: &[String], wanted: CsvFormat) -> Result<Mapping> {
    let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let found = found_layout(&names);
    let layout = match (wanted, found) {
        (CsvFormat::Auto, found) => found,
        (CsvFormat::Generic, _) => Layout::Generic,
        (CsvFormat::Shopify, found) if found.is_shopify() => found,
        (CsvFormat::Shopify, _) => {
            return Err(Error::validation(
                "format",
                "This file has no Handle (or URL handle) column, so it isn't a Shopify product CSV.",
            ))
        }
        (CsvFormat::Woocommerce, _) => Layout::Woocommerce,
        (CsvFormat::Etsy, _) => Layout::Etsy,
    };
    let mut columns: Vec<Option<Field>> = Vec::with_capacity(names.len());
    for name in &names {
        let field = field_of(layout, name);
        // The first column of a meaning wins; a repeat is ignored rather than guessed at.
        columns.push(field.filter(|f| f.repeats() || !columns.contains(&Some(*f))));
    }
    let grams_per_unit = match layout {
        Layout::Woocommerce => names.iter().find_map(|n| weight_unit(n)).unwrap_or(1.0),
        _ => 1.0,
    };
    Ok(Mapping {
        layout,
        columns,
        grams_per_unit,
    })
}

/// The seller's own choice of field per column (the preview's column mapping), for the
/// layout the file was read as; the same checks as a detected mapping.
pub fn chosen(layout: Layout, columns: Vec<Option<Field>>, grams_per_unit: f64) -> Result<Mapping> {
    let mut seen = Vec::new();
    for field in columns.iter().flatten() {
        if !field.repeats() && seen.contains(field) {
            return Err(Error::validation(
                "mapping",
                format!("Two columns are mapped to {field:?}; choose one of them."),
            ));
        }
        seen.push(*field);
    }
    checked(Mapping {
        layout,
        columns,
        grams_per_unit,
    })
}

pub fn checked(mapping: Mapping) -> Result<Mapping> {
    let needs = |ok: bool, message: &str| {
        if ok {
            Ok(())
        } else {
            Err(Error::validation("format", message.to_owned()))
        }
    };
    match mapping.layout {
        Layout::Generic => needs(
            mapping.has(Field::Sku) && mapping.has(Field::Name),
            "The first row must name the columns, with at least a SKU and a name column (name, title or product name), or be a Shopify, WooCommerce or Etsy product CSV.",
        )?,
        Layout::ShopifyClassic | Layout::ShopifyNew => {
            needs(mapping.has(Field::Name), "This Shopify CSV has no Title column.")?
        }
        Layout::Woocommerce => needs(
            mapping.has(Field::Name) && mapping.has(Field::Kind),
            "A WooCommerce product CSV needs its Type and Name columns.",
        )?,
        Layout::Etsy => needs(
            mapping.has(Field::Name),
            "This Etsy listings file has no TITLE column (map the listing's title column to Name in the preview).",
        )?,
    }
    Ok(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Picks the layout from the headers (or checks the one asked for) and maps the columns.
    fn detect(headers: &[String], wanted: CsvFormat) -> Result<Mapping> {
        checked(guess(headers, wanted)?)
    }

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

    #[test]
    fn woocommerce_and_etsy_are_recognised_with_units_and_languages() {
        let woo = detect(
            &headers(&[
                "\u{feff}ID",
                "Type",
                "SKU",
                "Name",
                "Weight (kg)",
                "Parent",
                "Regular price",
            ]),
            CsvFormat::Auto,
        )
        .unwrap();
        assert_eq!(woo.layout, Layout::Woocommerce);
        assert_eq!(woo.index_of(Field::Weight), Some(4));
        assert_eq!(woo.grams_per_unit, 1000.0);
        let etsy = detect(
            &headers(&[
                "TITOLO",
                "DESCRIZIONE",
                "PREZZO",
                "CODICE_VALUTA",
                "QUANTITÀ",
                "TAG",
                "IMMAGINE1",
                "IMMAGINE2",
                "VARIAZIONE 1 NOME",
                "VARIAZIONE 1 VALORI",
                "SKU",
            ]),
            CsvFormat::Auto,
        )
        .unwrap();
        assert_eq!(etsy.layout, Layout::Etsy);
        assert_eq!(etsy.index_of(Field::Stock), Some(4));
        assert_eq!(etsy.indices_of(Field::ImageSrc).collect::<Vec<_>>(), vec![6, 7]);
        assert_eq!(etsy.index_of(Field::Option1Name), Some(8));
        assert_eq!(etsy.index_of(Field::Option1Value), Some(9));
        assert_eq!(etsy.index_of(Field::Sku), Some(10));
        let english = detect(
            &headers(&[
                "TITLE",
                "PRICE",
                "CURRENCY_CODE",
                "QUANTITY",
                "IMAGE1",
                "VARIATION 1 TYPE",
                "SKU",
            ]),
            CsvFormat::Auto,
        )
        .unwrap();
        assert_eq!(english.layout, Layout::Etsy);
        assert_eq!(english.index_of(Field::Option1Type), Some(5));
    }
}
