//! Export: the catalog leaves the app as a generic CSV (every product field), a versioned
//! JSON document (full fidelity), Shopify's product CSV or WooCommerce's product CSV,
//! optionally with a folder of the original photos named so the file's rows point at them.
//! The shop formats write one row per variant ([`sellable`]).
//!
//! Products are streamed page by page (the product list's own filters and keyset paging), so
//! memory stays bounded whatever the catalog's size. CSV output neutralises spreadsheet
//! formulas ([`formula::neutralise`]); the catalog itself keeps the raw values. Prices are
//! written from integer minor units with [`crate::money::format_price`], never via a float.

pub(crate) mod formula;
mod generic;
mod images;
mod json;
mod sellable;
mod shopify;
mod woocommerce;

pub use formula::{neutralise, DANGEROUS_PREFIXES};
pub use generic::{GENERIC_COLUMNS, IMAGE_SEPARATOR};
pub use images::find_original;
pub use json::{JSON_FORMAT, JSON_VERSION};
pub use shopify::SHOPIFY_COLUMNS;
pub use woocommerce::WOOCOMMERCE_COLUMNS;

use crate::catalog::products::{Product, ProductQuery, SortKey};
use crate::catalog::ProductId;
use crate::error::{Error, Result};
use crate::job::{Job, Progress};
use crate::store::Store;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
    Shopify,
    Woocommerce,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" | "generic" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            "shopify" => Ok(ExportFormat::Shopify),
            "woocommerce" | "woo" => Ok(ExportFormat::Woocommerce),
            other => Err(Error::validation(
                "format",
                format!("{other:?} is not an export format; use csv, json, shopify or woocommerce."),
            )),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportSummary {
    pub format: ExportFormat,
    pub out: PathBuf,
    pub products: u64,
    /// Data rows written: the shop formats write one per variant, Shopify one more per photo
    /// beyond the variants' rows and WooCommerce one more for a variable product's parent.
    pub rows: u64,
    pub images_copied: u64,
    /// Originals a product uses whose file is missing from the library (the maintenance
    /// check reports them too); their names are still in the file.
    pub images_missing: Vec<String>,
    pub bytes: u64,
}

/// One photo of an exported product, in position order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExportImage {
    /// The name the file has in the images folder (`<sha256>.<ext>`), which the CSV rows use.
    pub file_name: String,
    pub sha256: String,
    pub position: i64,
    pub alt_text: String,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub byte_size: i64,
    /// The name the photo had when it was imported.
    pub original_file_name: String,
}

/// A product with everything the exporters write.
pub(crate) struct ExportItem {
    pub product: Product,
    pub images: Vec<ExportImage>,
    /// Photos a live variant shows that are not among `images`: a variant may keep pointing
    /// at a photo its product has since moved to the trash, and the file must still name a
    /// photo that the images folder holds.
    pub variant_images: Vec<ExportImage>,
}

impl ExportItem {
    /// The exported photo with this hash, from the product's photos or its variants'.
    pub fn image(&self, sha256: &str) -> Option<&ExportImage> {
        self.images
            .iter()
            .chain(&self.variant_images)
            .find(|i| i.sha256 == sha256)
    }
}

/// Whether an export writes the photos beside its file, and in what form: what the seller
/// picks in the export dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ExportPhotos {
    /// The file only.
    None,
    /// Every original, HEIC, HEIF and AVIF as a full-size JPEG (what the shops take).
    ShopReady,
    /// Every original exactly as it is in the library.
    Originals,
}

impl ExportPhotos {
    /// Where and how, given the folder they go to; `None` for [`ExportPhotos::None`].
    pub fn out_to(self, dir: &Path) -> Option<PhotosOut<'_>> {
        match self {
            ExportPhotos::None => None,
            ExportPhotos::ShopReady => Some(PhotosOut::to(dir)),
            ExportPhotos::Originals => Some(PhotosOut {
                dir,
                keep_originals: true,
            }),
        }
    }
}

/// Where an export's photos go, and in what form.
#[derive(Debug, Clone, Copy)]
pub struct PhotosOut<'a> {
    pub dir: &'a Path,
    /// HEIC, HEIF and AVIF originals as they are, instead of a full-size JPEG of each.
    pub keep_originals: bool,
}

impl<'a> PhotosOut<'a> {
    /// Photos into `dir`, HEIC and AVIF as JPEG (what the shops take).
    pub fn to(dir: &'a Path) -> Self {
        PhotosOut {
            dir,
            keep_originals: false,
        }
    }
}

/// A format writer: a header, one call per product, a footer.
pub(crate) trait Sink {
    fn product(&mut self, item: &ExportItem, image_ref: &dyn Fn(&ExportImage) -> String) -> Result<u64>;
    fn finish(self: Box<Self>) -> Result<()>;
}

/// Writes the products matching `query` (its filters; sort and paging are ignored), or only
/// `only_ids` when given, to `out` in `format`. With `photos`, the originals are copied (or
/// HEIC/AVIF written as JPEG) into its folder and the rows name them relative to the output
/// file's folder.
///
/// `store` is either engine's catalog; it is read inside one snapshot ([`Store::snapshot`]),
/// so the file shows the catalog as it was when the export started. Give it a handle of its
/// own (a library's [`crate::Catalog::reader`], a second connection to the team server) and
/// the seller's edits save meanwhile.
pub fn export(
    store: &mut dyn Store,
    format: ExportFormat,
    out: &Path,
    photos: Option<PhotosOut<'_>>,
    query: &ProductQuery,
    only_ids: Option<&[ProductId]>,
    job: &Job,
) -> Result<ExportSummary> {
    let partial = partial_path(out);
    let mut written = None;
    let snapshot = store.snapshot(&mut |store| {
        written = Some(write_export(
            store, format, out, &partial, photos, query, only_ids, job,
        )?);
        Ok(())
    });
    let result = snapshot.map(|()| written.expect("written when the snapshot succeeded"));
    match result {
        Ok(mut summary) => {
            std::fs::rename(&partial, out).map_err(|e| Error::io("Can't save the export as", out, e))?;
            crate::library::sync_folder(&folder_of(out))?;
            summary.bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
            Ok(summary)
        }
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            Err(err)
        }
    }
}

/// The export is written beside its final name and renamed when complete, so a cancelled or
/// failed export never leaves a half file under the name the seller chose.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".partial-{}", std::process::id()));
    out.with_file_name(name)
}

#[allow(clippy::too_many_arguments)]
fn write_export(
    store: &mut dyn Store,
    format: ExportFormat,
    out: &Path,
    partial: &Path,
    photos: Option<PhotosOut<'_>>,
    query: &ProductQuery,
    only_ids: Option<&[ProductId]>,
    job: &Job,
) -> Result<ExportSummary> {
    let file = File::create(partial).map_err(|e| Error::io("Can't create the export file", partial, e))?;
    let writer = BufWriter::with_capacity(256 * 1024, file);
    let mut sink: Box<dyn Sink> = match format {
        ExportFormat::Csv => Box::new(generic::GenericCsv::new(writer)?),
        ExportFormat::Json => Box::new(json::JsonDocument::new(writer, store)?),
        ExportFormat::Shopify => Box::new(shopify::ShopifyCsv::new(writer, store)?),
        ExportFormat::Woocommerce => Box::new(woocommerce::WooCommerceCsv::new(writer)?),
    };
    let copier = photos
        .map(|photos| images::Copier::new(photos, out))
        .transpose()?;
    let mut summary = ExportSummary {
        format,
        out: out.to_path_buf(),
        products: 0,
        rows: 0,
        images_copied: 0,
        images_missing: Vec::new(),
        bytes: 0,
    };
    let total = match only_ids {
        Some(ids) => ids.len() as u64,
        None => 0,
    };
    let mut visit = |store: &mut dyn Store, id: ProductId| -> Result<()> {
        job.check_cancelled()?;
        let item = load_item(store, id)?;
        if let Some(copier) = &copier {
            for image in item.images.iter().chain(&item.variant_images) {
                match copier.copy(image, store)? {
                    images::Copied::Yes => summary.images_copied += 1,
                    images::Copied::AlreadyThere => {}
                    images::Copied::Missing => summary.images_missing.push(image.sha256.clone()),
                }
            }
        }
        let reference = |image: &ExportImage| match &copier {
            Some(c) => c.reference(image),
            None => image.file_name.clone(),
        };
        summary.rows += sink.product(&item, &reference)?;
        summary.products += 1;
        if summary.products.is_multiple_of(500) {
            job.report(&Progress {
                done: summary.products,
                total,
                current: Some(item.product.sku.clone()),
                ..Progress::default()
            });
        }
        Ok(())
    };
    match only_ids {
        Some(ids) => {
            for &id in ids {
                visit(store, id)?;
            }
        }
        None => for_each_matching(store, query, &mut visit)?,
    }
    sink.finish()?;
    if let Some(copier) = &copier {
        copier.finish()?;
    }
    job.report(&Progress {
        done: summary.products,
        total: summary.products,
        ..Progress::default()
    });
    Ok(summary)
}

/// Calls `visit` with the id of every product matching the query's filters, in SKU order,
/// one page of ids at a time.
fn for_each_matching(
    store: &mut dyn Store,
    query: &ProductQuery,
    visit: &mut dyn FnMut(&mut dyn Store, ProductId) -> Result<()>,
) -> Result<()> {
    let mut page_query = ProductQuery {
        sort: SortKey::Sku,
        descending: false,
        after: None,
        limit: 1000,
        ..query.clone()
    };
    loop {
        let page = store.list(&page_query)?;
        for item in &page.items {
            visit(store, item.id)?;
        }
        match page.next {
            Some(next) => page_query.after = Some(next),
            None => return Ok(()),
        }
    }
}

/// The product's live photos in position order.
const IMAGES_OF: &str =
    "SELECT i.sha256, i.position, i.alt_text, o.mime, o.width, o.height, o.byte_size, o.file_name
  FROM product_images AS i JOIN originals AS o ON o.sha256 = i.sha256
  WHERE i.product_id = ?1 AND i.deleted_at IS NULL ORDER BY i.position, i.id";
/// One original, for a variant's photo that is not among its product's live photos.
const ORIGINAL: &str = "SELECT sha256, -1, '', mime, width, height, byte_size, file_name
  FROM originals WHERE sha256 = ?1";

/// A library's side of [`Store::photos`].
pub(crate) fn photos_of(conn: &Connection, id: ProductId) -> Result<Vec<ExportImage>> {
    Ok(conn
        .prepare_cached(IMAGES_OF)?
        .query_map([id], image_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A library's side of [`Store::original_photo`].
pub(crate) fn original_photo(conn: &Connection, sha256: &str) -> Result<Option<ExportImage>> {
    Ok(conn
        .prepare_cached(ORIGINAL)?
        .query_row([sha256], image_from_row)
        .optional()?)
}

fn image_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExportImage> {
    Ok(ExportImage::new(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        (r.get(4)?, r.get(5)?),
        r.get(6)?,
        r.get(7)?,
    ))
}

impl ExportImage {
    /// The photo as a row of either engine gives it (`position` -1 for a variant's photo
    /// its product no longer shows).
    pub(crate) fn new(
        sha256: String,
        position: i64,
        alt_text: String,
        mime: String,
        (width, height): (i64, i64),
        byte_size: i64,
        original_file_name: String,
    ) -> ExportImage {
        ExportImage {
            file_name: format!("{sha256}.{}", extension_for_mime(&mime)),
            sha256,
            position,
            alt_text,
            mime,
            width,
            height,
            byte_size,
            original_file_name,
        }
    }
}

fn load_item(store: &mut dyn Store, id: ProductId) -> Result<ExportItem> {
    let mut product = store.product(id)?;
    let images = store.photos(id)?;
    product.primary_image = images.first().map(|i| i.sha256.clone());
    let mut variant_images: Vec<ExportImage> = Vec::new();
    for sha in product.variants.iter().filter_map(|v| v.image_sha256.as_deref()) {
        let known = images.iter().chain(&variant_images).any(|i| i.sha256 == sha);
        if !known {
            if let Some(image) = store.original_photo(sha)? {
                variant_images.push(image);
            }
        }
    }
    Ok(ExportItem {
        product,
        images,
        variant_images,
    })
}

/// The file extension the library uses for an original of this type.
pub fn extension_for_mime(mime: &str) -> &'static str {
    crate::images::decode::Format::from_mime(mime).map_or("bin", |f| f.extension())
}

/// Ends a CSV export: the writer's buffer written out, then the file flushed to disk.
pub(crate) fn finish_csv(writer: csv::Writer<BufWriter<File>>) -> Result<()> {
    let inner = writer
        .into_inner()
        .map_err(|e| csv_error(csv::Error::from(e.into_error())))?;
    flush_to_disk(inner)
}

/// The folder a file is in (`.` for a bare name).
pub(crate) fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Flushes a buffered writer and the file under it to disk.
pub(crate) fn flush_to_disk(writer: BufWriter<File>) -> Result<()> {
    let file = writer
        .into_inner()
        .map_err(|e| Error::io("Can't write the export file", PathBuf::new(), e.into_error()))?;
    file.sync_all()
        .map_err(|e| Error::io("Can't flush the export file", PathBuf::new(), e))
}

pub(crate) fn csv_error(err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io("Can't write the export file", PathBuf::new(), e),
        other => Error::Internal(format!("CSV: {other:?}")),
    }
}

pub(crate) fn write_all(w: &mut impl Write, bytes: &[u8]) -> Result<()> {
    w.write_all(bytes)
        .map_err(|e| Error::io("Can't write the export file", PathBuf::new(), e))
}
