//! Reading the file as a stream of product drafts: one per row for the generic layout and
//! Etsy, one per handle group for Shopify (see `shopify`), one per product with its
//! variations for WooCommerce (see `woocommerce`). Only the current Shopify group, and
//! WooCommerce's variable products (whose variations may come anywhere in the file), are
//! held in memory.

use super::layout::{Field, Layout, Mapping};
use super::text::{self, Dialect, Encoding};
use super::woocommerce::Woo;
use super::{etsy, shopify, IssueKind, RowIssue};
use crate::error::{Error, Result};
use crate::export::formula;
use crate::rules;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// One image a row names.
#[derive(Debug, Clone)]
pub struct ImageRef {
    pub line: u64,
    pub source: String,
}

/// A product as the file gives it, before validation. `None` means the column is absent
/// (an update then keeps the product's value); `Some("")` means the cell is empty.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub line: u64,
    /// The SKU it gets when the file gives none (Shopify's handle, a WooCommerce ID, an Etsy
    /// title), and what that was made from, for the warning.
    pub handle: String,
    pub fallback: &'static str,
    /// The shop's URL handle, kept on the product (Shopify).
    pub url_handle: Option<String>,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub price: Option<String>,
    pub currency: Option<String>,
    pub stock: Option<String>,
    pub status: Option<String>,
    pub published: Option<String>,
    pub category: Option<String>,
    pub product_type: Option<String>,
    pub tags: Option<String>,
    pub barcode: Option<String>,
    pub vendor: Option<String>,
    pub compare_at: Option<String>,
    pub cost: Option<String>,
    /// In the unit of the file's weight column.
    pub weight: Option<String>,
    pub images: Vec<ImageRef>,
    /// Photos past the limit of one product, not held.
    pub images_left_out: u64,
    /// The product's options, in order; with them it sells through `variants`.
    pub option_names: Vec<String>,
    pub variants: Vec<VariantDraft>,
    /// What reading the rows found worth telling (variant rows left out, guesses made).
    pub notes: Vec<RowIssue>,
}

/// One variant as the file gives it: one value per option of its product.
#[derive(Debug, Clone, Default)]
pub struct VariantDraft {
    pub line: u64,
    pub sku: String,
    pub values: Vec<String>,
    pub price: Option<String>,
    pub compare_at: Option<String>,
    pub cost: Option<String>,
    pub stock: Option<String>,
    pub barcode: Option<String>,
    pub weight: Option<String>,
    /// An image URL or file name; it is also one of the product's images.
    pub image: Option<String>,
}

/// What the reader hands on: a product to import, or a row it could not read.
pub enum Item {
    Product(Box<Draft>),
    Unreadable(RowIssue),
}

/// The most bytes one record (one row, or one quoted cell spanning lines) may take. A real
/// product row is a few kilobytes even with long HTML; a record larger than this is a quote
/// that never closes, and reading on would hold the rest of the file in memory.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// The file as the `csv` reader sees it, counting what it has handed over, so that a record
/// passing [`MAX_RECORD_BYTES`] is stopped while it is read, not once it is all in memory.
pub struct Bounded {
    inner: BufReader<File>,
    read: u64,
    /// Where the record being read starts (set by [`Rows`] before each record).
    start: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The error a runaway record stops the reader with.
#[derive(Debug)]
struct RecordTooLarge;

impl std::fmt::Display for RecordTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a record larger than the limit")
    }
}

impl std::error::Error for RecordTooLarge {}

impl std::io::Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = self.start.load(std::sync::atomic::Ordering::Relaxed);
        if self.read.saturating_sub(start) > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(RecordTooLarge));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

pub struct Rows {
    reader: csv::Reader<Bounded>,
    record_start: std::sync::Arc<std::sync::atomic::AtomicU64>,
    encoding: Encoding,
    mapping: Mapping,
    record: csv::ByteRecord,
    pending: Option<Draft>,
    woo: Woo,
    pub rows_read: u64,
    finished: bool,
    /// The `csv` reader counts a CRLF's line when it reaches its `\n`, which it does only
    /// when it reads the next record; with CRLF files a record starts one line further on.
    crlf: bool,
}

/// An open CSV file, its header row read.
pub struct Opened {
    pub reader: csv::Reader<Bounded>,
    record_start: std::sync::Arc<std::sync::atomic::AtomicU64>,
    pub headers: Vec<String>,
    pub dialect: Dialect,
}

/// Opens `path` and reads its header row, with the delimiter and encoding `text::sniff`
/// finds. Quoted multi-line fields, CRLF or LF, a final newline or none, and a UTF-8
/// byte-order mark are all handled by the `csv` reader.
pub fn open(path: &Path) -> Result<Opened> {
    let dialect = text::sniff(path)?;
    let file = File::open(path).map_err(|e| Error::io("Can't open the CSV file", path, e))?;
    let record_start = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let bounded = Bounded {
        inner: BufReader::with_capacity(256 * 1024, file),
        read: 0,
        start: record_start.clone(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .delimiter(dialect.delimiter)
        .from_reader(bounded);
    let headers = reader
        .byte_headers()
        .map_err(|e| read_error(path, e))?
        .iter()
        .map(|h| {
            text::shown(h, dialect.encoding)
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect();
    Ok(Opened {
        reader,
        record_start,
        headers,
        dialect,
    })
}

impl Opened {
    /// Marks where the next record starts, for the size limit.
    pub fn next_record_starts(&self) {
        let at = self.reader.position().byte();
        self.record_start.store(at, std::sync::atomic::Ordering::Relaxed);
    }
}

fn is_runaway(err: &csv::Error) -> bool {
    matches!(err.kind(), csv::ErrorKind::Io(e) if e.get_ref().is_some_and(|inner| inner.is::<RecordTooLarge>()))
}

fn read_error(path: &Path, err: csv::Error) -> Error {
    if is_runaway(&err) {
        return runaway_record(None);
    }
    let line = err.position().map(|p| p.line()).unwrap_or(0);
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io("Can't read the CSV file", path, e),
        other => Error::validation(
            "file",
            format!("Line {line} of the CSV file can't be read: {other:?}"),
        ),
    }
}

impl Rows {
    pub fn new(opened: Opened, mapping: Mapping) -> Self {
        Rows {
            reader: opened.reader,
            record_start: opened.record_start,
            encoding: opened.dialect.encoding,
            mapping,
            record: csv::ByteRecord::new(),
            pending: None,
            woo: Woo::default(),
            rows_read: 0,
            finished: false,
            crlf: opened.dialect.header_crlf,
        }
    }

    pub fn layout(&self) -> Layout {
        self.mapping.layout
    }

    pub fn grams_per_unit(&self) -> f64 {
        self.mapping.grams_per_unit
    }

    /// Bytes read so far, for progress.
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The next product or unreadable row; `None` at the end of the file.
    pub fn next_item(&mut self, path: &Path) -> Result<Option<Item>> {
        loop {
            if self.finished {
                if let Some(draft) = self.pending.take() {
                    return Ok(Some(Item::Product(Box::new(draft))));
                }
                return Ok(self.woo.next_held());
            }
            // The reader stands at the start of the next record: the line it begins on (a
            // quoted multi-line record spans several).
            let line = self.reader.position().line() + u64::from(self.crlf);
            let starts = self.reader.position().byte();
            self.record_start
                .store(starts, std::sync::atomic::Ordering::Relaxed);
            let read = match self.reader.read_byte_record(&mut self.record) {
                Ok(read) => read,
                // A quote that never closes: the rows before it stand, nothing after it can
                // be read; the refusal names the line where it starts.
                Err(e) if is_runaway(&e) => {
                    self.finished = true;
                    let message = runaway_record(Some(line)).to_string();
                    return Ok(Some(Item::Unreadable(issue(
                        line,
                        "",
                        IssueKind::Refused,
                        message,
                    ))));
                }
                Err(e) => return Err(read_error(path, e)),
            };
            if !read {
                self.finished = true;
                continue;
            }
            self.rows_read += 1;
            let cells = match decode(&self.record, self.encoding) {
                Ok(cells) => cells,
                Err(message) => {
                    return Ok(Some(Item::Unreadable(issue(
                        line,
                        "",
                        IssueKind::Refused,
                        message,
                    ))))
                }
            };
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let row = Row {
                cells: &cells,
                mapping: &self.mapping,
            };
            let item = match self.mapping.layout {
                Layout::Generic => Some(Item::Product(Box::new(row.generic_draft(line)))),
                Layout::ShopifyClassic | Layout::ShopifyNew => shopify::row(&mut self.pending, row, line),
                Layout::Woocommerce => self.woo.row(row, line),
                Layout::Etsy => Some(Item::Product(Box::new(etsy::draft(&row, line)))),
            };
            if let Some(item) = item {
                return Ok(Some(item));
            }
        }
    }
}

/// A title as the base of a SKU: letters and digits in upper case, dashes between words, at
/// most 40 characters.
/// A record past [`MAX_RECORD_BYTES`]: a quote opened on `line` and never closed.
pub fn runaway_record(line: Option<u64>) -> Error {
    let at = line.map_or_else(|| "A row".to_owned(), |l| format!("The row starting on line {l}"));
    Error::validation(
        "file",
        format!(
            "{at} is larger than {} MB: a quote (\") opens a cell there and never closes, so the rest of the file reads as one cell. Check that line in a text editor, close the quote, and import again; rows before it were read.",
            MAX_RECORD_BYTES / (1024 * 1024)
        ),
    )
}

pub fn slug(title: &str) -> String {
    let slug: String = rules::sku_part(title).chars().take(40).collect();
    slug.trim_end_matches('-').to_owned()
}

pub fn issue(line: u64, sku: &str, kind: IssueKind, message: String) -> RowIssue {
    RowIssue {
        line,
        sku: sku.to_owned(),
        kind,
        message,
        field: None,
    }
}

fn decode(record: &csv::ByteRecord, encoding: Encoding) -> std::result::Result<Vec<String>, String> {
    record
        .iter()
        .map(|cell| text::decode(cell, encoding))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            "This row isn't UTF-8 text, though the rest of the file is. Save the file as \"CSV UTF-8\" and import it again.".to_owned()
        })
}

/// One row of the file, read through the mapping.
pub struct Row<'a> {
    cells: &'a [String],
    mapping: &'a Mapping,
}

impl Row<'_> {
    pub fn get(&self, field: Field) -> &str {
        self.mapping
            .index_of(field)
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    /// The cell of a column the file has, with spreadsheet neutralisation undone; `None` when
    /// the file has no such column.
    pub fn cell(&self, field: Field) -> Option<String> {
        let shop = self.mapping.layout.is_shop();
        self.mapping.index_of(field).map(|i| {
            let raw = self.cells.get(i).map_or("", String::as_str);
            if shop {
                formula::restore(raw)
            } else {
                formula::restore_reversible(raw)
            }
            .to_owned()
        })
    }

    pub fn text(&self, field: Field) -> String {
        self.cell(field).unwrap_or_default()
    }

    /// A cell that is there and not blank, trimmed.
    pub fn filled(&self, field: Field) -> Option<String> {
        self.cell(field)
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
    }

    /// Every non-blank cell of the columns that feed `field` (Etsy's image columns).
    pub fn all(&self, field: Field) -> Vec<String> {
        self.mapping
            .indices_of(field)
            .filter_map(|i| self.cells.get(i))
            .map(|c| formula::restore(c).trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect()
    }

    pub fn image(&self, line: u64) -> Option<ImageRef> {
        let source = self.text(Field::ImageSrc).trim().to_owned();
        (!source.is_empty()).then_some(ImageRef { line, source })
    }

    /// The images of a cell that lists several, split at `separator`.
    pub fn image_list(&self, line: u64, separator: char) -> Vec<ImageRef> {
        self.text(Field::Images)
            .split(separator)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| ImageRef {
                line,
                source: s.to_owned(),
            })
            .collect()
    }

    /// The option names of the row, in order (Etsy's type stands in for a blank name).
    pub fn option_names(&self) -> Vec<String> {
        Field::OPTIONS
            .iter()
            .filter_map(|(name, _, kind)| self.filled(*name).or_else(|| kind.and_then(|k| self.filled(k))))
            .collect()
    }

    /// The row's option values, one per option column pair that has a name.
    pub fn option_value(&self, position: usize) -> String {
        Field::OPTIONS
            .get(position)
            .map(|(_, value, _)| self.text(*value).trim().to_owned())
            .unwrap_or_default()
    }

    fn generic_draft(&self, line: u64) -> Draft {
        let images = self.image_list(line, ';');
        let sku = self.text(Field::Sku);
        Draft {
            line,
            handle: sku.trim().to_owned(),
            sku,
            name: self.text(Field::Name),
            description: self.cell(Field::Description),
            price: self.cell(Field::Price),
            currency: self.cell(Field::Currency).filter(|c| !c.trim().is_empty()),
            stock: self.cell(Field::Stock),
            status: self.cell(Field::Status),
            category: self.cell(Field::Category),
            tags: self.cell(Field::Tags),
            barcode: self.cell(Field::Barcode),
            vendor: self.cell(Field::Vendor),
            product_type: self.cell(Field::ProductType),
            url_handle: self.filled(Field::Handle),
            compare_at: self.cell(Field::CompareAt),
            cost: self.cell(Field::Cost),
            weight: self.cell(Field::Weight),
            images,
            ..Draft::default()
        }
    }
}
