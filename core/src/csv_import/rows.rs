//! Reading the file as a stream of product drafts: one per row for the generic layout, one
//! per handle group for Shopify (the first row is the product, later rows are variants or
//! image-only rows). Only the current group is held in memory.

use super::layout::{Field, Layout, Mapping};
use super::text::{self, Dialect, Encoding};
use super::{IssueKind, RowIssue};
use crate::error::{Error, Result};
use crate::export::formula;
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
    pub handle: String,
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
    pub images: Vec<ImageRef>,
    /// Variant rows of this product, left for later and reported.
    pub variant_lines: Vec<u64>,
}

/// What the reader hands on: a product to import, or a row it could not read.
pub enum Item {
    Product(Box<Draft>),
    Unreadable(RowIssue),
}

pub struct Rows {
    reader: csv::Reader<BufReader<File>>,
    encoding: Encoding,
    mapping: Mapping,
    record: csv::ByteRecord,
    pending: Option<Draft>,
    pub rows_read: u64,
    finished: bool,
    /// The `csv` reader counts a CRLF's line when it reaches its `\n`, which it does only
    /// when it reads the next record; with CRLF files a record starts one line further on.
    crlf: bool,
}

/// An open CSV file, its header row read.
pub struct Opened {
    pub reader: csv::Reader<BufReader<File>>,
    pub headers: Vec<String>,
    pub dialect: Dialect,
}

/// Opens `path` and reads its header row, with the delimiter and encoding `text::sniff`
/// finds. Quoted multi-line fields, CRLF or LF, a final newline or none, and a UTF-8
/// byte-order mark are all handled by the `csv` reader.
pub fn open(path: &Path) -> Result<Opened> {
    let dialect = text::sniff(path)?;
    let file = File::open(path).map_err(|e| Error::io("Can't open the CSV file", path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .delimiter(dialect.delimiter)
        .from_reader(BufReader::with_capacity(256 * 1024, file));
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
        headers,
        dialect,
    })
}

fn read_error(path: &Path, err: csv::Error) -> Error {
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
            encoding: opened.dialect.encoding,
            mapping,
            record: csv::ByteRecord::new(),
            pending: None,
            rows_read: 0,
            finished: false,
            crlf: opened.dialect.header_crlf,
        }
    }

    pub fn layout(&self) -> Layout {
        self.mapping.layout
    }

    /// Bytes read so far, for progress.
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The next product or unreadable row; `None` at the end of the file.
    pub fn next_item(&mut self, path: &Path) -> Result<Option<Item>> {
        loop {
            if self.finished {
                return Ok(self.pending.take().map(|d| Item::Product(Box::new(d))));
            }
            // The reader stands at the start of the next record: the line it begins on (a
            // quoted multi-line record spans several).
            let line = self.reader.position().line() + u64::from(self.crlf);
            if !self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| read_error(path, e))?
            {
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
            if !self.mapping.layout.is_shopify() {
                return Ok(Some(Item::Product(Box::new(row.generic_draft(line)))));
            }
            if let Some(item) = shopify_row(&mut self.pending, row, line) {
                return Ok(Some(item));
            }
        }
    }
}

/// Adds a Shopify row to the current handle's group, or starts a new group and hands on the
/// finished one.
fn shopify_row(pending: &mut Option<Draft>, row: Row<'_>, line: u64) -> Option<Item> {
    let handle = row.get(Field::Handle).trim().to_owned();
    if handle.is_empty() {
        return Some(Item::Unreadable(issue(
            line,
            "",
            IssueKind::Refused,
            "This row has no handle, so it belongs to no product.".into(),
        )));
    }
    if let Some(current) = pending.as_mut().filter(|d| d.handle == handle) {
        let is_variant = [Field::Sku, Field::Price, Field::OptionValue, Field::Name]
            .iter()
            .any(|f| !row.get(*f).trim().is_empty());
        if is_variant {
            current.variant_lines.push(line);
        }
        if let Some(image) = row.image(line) {
            current.images.push(image);
        }
        return None;
    }
    let finished = pending.replace(row.shopify_draft(line, handle));
    finished.map(|d| Item::Product(Box::new(d)))
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

struct Row<'a> {
    cells: &'a [String],
    mapping: &'a Mapping,
}

impl Row<'_> {
    fn get(&self, field: Field) -> &str {
        self.mapping
            .index_of(field)
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    /// The cell of a column the file has, with spreadsheet neutralisation undone; `None` when
    /// the file has no such column.
    fn cell(&self, field: Field) -> Option<String> {
        let shopify = self.mapping.layout.is_shopify();
        self.mapping.index_of(field).map(|i| {
            let raw = self.cells.get(i).map_or("", String::as_str);
            if shopify {
                formula::restore(raw)
            } else {
                formula::restore_reversible(raw)
            }
            .to_owned()
        })
    }

    fn text(&self, field: Field) -> String {
        self.cell(field).unwrap_or_default()
    }

    fn image(&self, line: u64) -> Option<ImageRef> {
        let source = self.text(Field::ImageSrc).trim().to_owned();
        (!source.is_empty()).then_some(ImageRef { line, source })
    }

    fn generic_draft(&self, line: u64) -> Draft {
        let images = self
            .text(Field::Images)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| ImageRef {
                line,
                source: s.to_owned(),
            })
            .collect();
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
            images,
            ..Draft::default()
        }
    }

    fn shopify_draft(&self, line: u64, handle: String) -> Draft {
        Draft {
            line,
            handle,
            sku: self.text(Field::Sku),
            name: self.text(Field::Name),
            description: self.cell(Field::Description),
            price: self.cell(Field::Price),
            stock: self.cell(Field::Stock),
            status: self.cell(Field::Status).filter(|s| !s.trim().is_empty()),
            published: self.cell(Field::Published),
            category: self.cell(Field::Category),
            product_type: self.cell(Field::ProductType),
            tags: self.cell(Field::Tags),
            barcode: self.cell(Field::Barcode),
            images: self.image(line).into_iter().collect(),
            ..Draft::default()
        }
    }
}
