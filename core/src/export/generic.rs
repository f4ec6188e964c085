//! Generic CSV: one row per product, every product field, the category path, the tags and
//! the image file names in position order. UTF-8, RFC 4180 (the `csv` crate quotes fields
//! with commas, quotes or line breaks), a header row. The importer reads it back unchanged.

use super::formula::neutralise_reversible;
use super::{csv_error, finish_csv, ExportImage, ExportItem, Sink};
use crate::error::Result;
use crate::money::format_price;
use std::fs::File;
use std::io::BufWriter;

/// The header row, in order. The importer maps these names (case-insensitively).
pub const GENERIC_COLUMNS: [&str; 15] = [
    "id",
    "sku",
    "name",
    "description",
    "price",
    "currency",
    "stock",
    "status",
    "category",
    "tags",
    "barcode",
    "images",
    "created_at",
    "updated_at",
    "version",
];

/// Separates image file names in the `images` cell (`; ` never occurs in our names).
pub const IMAGE_SEPARATOR: &str = "; ";

pub(crate) struct GenericCsv {
    writer: csv::Writer<BufWriter<File>>,
}

impl GenericCsv {
    pub fn new(out: BufWriter<File>) -> Result<Self> {
        let mut writer = csv::WriterBuilder::new().from_writer(out);
        writer.write_record(GENERIC_COLUMNS).map_err(csv_error)?;
        Ok(GenericCsv { writer })
    }
}

impl Sink for GenericCsv {
    fn product(&mut self, item: &ExportItem, image_ref: &dyn Fn(&ExportImage) -> String) -> Result<u64> {
        let p = &item.product;
        let images: Vec<String> = item.images.iter().map(image_ref).collect();
        let cells = [
            p.id.to_string(),
            p.sku.clone(),
            p.name.clone(),
            p.description.clone(),
            format_price(p.price_minor, p.minor_units),
            p.currency.clone(),
            p.stock.to_string(),
            p.status.as_str().to_owned(),
            p.category_path.clone().unwrap_or_default(),
            p.tags.join(", "),
            p.barcode.clone().unwrap_or_default(),
            images.join(IMAGE_SEPARATOR),
            p.created_at.clone(),
            p.updated_at.clone(),
            p.version.to_string(),
        ];
        self.writer
            .write_record(cells.iter().map(|c| neutralise_reversible(c).into_owned()))
            .map_err(csv_error)?;
        Ok(1)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        finish_csv(self.writer)
    }
}
