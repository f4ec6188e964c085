//! The import pipeline. One worker per core reads each file once, sniffs, hashes, decodes at
//! reduced scale, makes the thumbnail and stores the original (flushed and renamed) — all off
//! the writer. The writer (the caller's thread, which owns the catalog) commits the rows in
//! input order, in batches, each file in its own savepoint so one bad file never undoes the
//! others. Workers hand results over a bounded channel, so memory stays bounded by the
//! number of workers; cancellation stops workers taking new files, and everything they have
//! started is still committed whole.
//!
//! The pipeline is the same on either engine; a [`Destination`] says where the files and
//! rows go. A library keeps each original in its `originals/` and its rows in its catalog; a
//! team catalog (`server::photos`) keeps each original in this computer's [`PhotoCache`] and
//! sends it from there to the server with its rows. Which product a file goes to, and what
//! the seller reads for each file, is decided here once ([`link`]) for both.

use super::cache::PhotoCache;
use super::decode::{self, Format, MAX_FILE_BYTES};
use super::grouping::{sku_from_file_name, SkuName};
use super::store::{self, ImportLock};
use super::{thumbnail, ImportTarget, Thumbnail};
use crate::catalog::products::{self, ProductFields};
use crate::catalog::{settings, ChangeKind, Entity, ProductId, Write, WriterAccess};
use crate::error::{Error, Result};
use crate::job::{ItemResult, Job, JobReport, Progress};
use crate::library::Library;
use crate::Catalog;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};

/// Files per writer transaction at most (fewer when the workers are slower than the writer).
const BATCH: usize = 64;

/// One file to import, found on the command line, in a folder or in the inbox.
#[derive(Debug)]
pub struct Candidate {
    pub path: PathBuf,
    /// What the seller sees: the path as given or found.
    pub name: String,
    /// A problem found while listing (a link leaving the folder...), reported as its result.
    pub problem: Option<Error>,
    /// The product this file goes to, for [`ImportTarget::Each`].
    pub product: Option<ProductId>,
}

impl Candidate {
    pub fn new(path: PathBuf) -> Self {
        Candidate {
            name: path.display().to_string(),
            path,
            problem: None,
            product: None,
        }
    }
}

/// A file ready for the writer: its original is on disk, its thumbnail made.
pub struct Prepared {
    pub(crate) sha256: String,
    pub(crate) format: Format,
    pub(crate) byte_size: u64,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) file_name: String,
    /// Where the original is kept (in the library, or in this computer's cache).
    pub(crate) kept: PathBuf,
    /// `None` when the catalog already had this photo and its thumbnail.
    pub(crate) thumbnail: Option<Thumbnail>,
    warning: Option<String>,
}

/// Where workers keep each original before its rows are committed.
pub enum Keeper {
    /// A library's `originals/`, locked shared against its sweep for the whole import.
    Library { library: Library, _lock: ImportLock },
    /// This computer's cache of a team catalog's originals.
    Cache(PhotoCache),
}

impl Keeper {
    fn keep(&self, sha256: &str, format: Format, bytes: &[u8]) -> Result<PathBuf> {
        match self {
            Keeper::Library { library, .. } => store::write_original(library, sha256, format, bytes),
            Keeper::Cache(cache) => cache.keep(sha256, format, bytes),
        }
    }

    /// A worker's read-only view of the catalog, to skip the thumbnail of a photo it has.
    fn reader(&self) -> Option<Connection> {
        match self {
            Keeper::Library { library, .. } => Catalog::open_reader(library).ok(),
            Keeper::Cache(_) => None,
        }
    }
}

/// Where an import's files and rows go: a library or a team catalog.
pub trait Destination {
    /// Before any file is read: refuses a target product that is gone or in the trash, and
    /// says where the originals are kept.
    fn begin(&mut self, target: &ImportTarget) -> Result<Keeper>;
    /// One transaction for `files` files, `each(i, rows)` run for each in its own savepoint
    /// (undone when it fails). `Err` when the transaction as a whole could not be written.
    fn in_batch(
        &mut self,
        files: usize,
        each: &mut dyn FnMut(usize, &mut dyn PhotoRows) -> Result<ItemResult>,
    ) -> Result<Vec<Result<ItemResult>>>;
}

/// The reads and writes of one file's import, inside its savepoint, on either engine.
pub trait PhotoRows {
    /// The product's SKU and whether it is in the trash.
    fn product_sku(&mut self, id: ProductId) -> Result<Option<(String, bool)>>;
    /// The product with this SKU (without case) and whether it is in the trash.
    fn product_by_sku(&mut self, sku: &str) -> Result<Option<(ProductId, bool)>>;
    /// A new draft product (its currency the catalog's default).
    fn add_draft(&mut self, fields: &ProductFields) -> Result<ProductId>;
    /// The original's row (and thumbnail); false when the catalog already had it.
    fn add_original(&mut self, prepared: &Prepared) -> Result<bool>;
    /// `Some(removed)` when the photo is already on the product.
    fn image_on_product(&mut self, product: ProductId, sha256: &str) -> Result<Option<bool>>;
    /// The photo on the product, after its others.
    fn add_to_product(&mut self, product: ProductId, sha256: &str) -> Result<()>;
}

/// Imports `candidates` (in this order) into `destination`.
pub fn run(
    mut destination: impl Destination,
    mut candidates: Vec<Candidate>,
    target: ImportTarget,
    job: &Job,
) -> Result<JobReport> {
    if target == ImportTarget::BySku {
        candidates.sort_by_cached_key(|c| sku_from_file_name(&c.path).map(|s| (s.sku, s.index)));
    }
    let keeper = destination.begin(&target)?;
    let total = candidates.len();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total.max(1));
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::sync_channel::<(usize, Result<Prepared>)>(workers * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (keeper, candidates, next) = (&keeper, &candidates, &next);
            scope.spawn(move || {
                let reader = keeper.reader();
                while !job.cancel.is_cancelled() {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(candidate) = candidates.get(index) else {
                        break;
                    };
                    let prepared = prepare_guarded(keeper, reader.as_ref(), candidate);
                    if sender.send((index, prepared)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut writer = Writer {
            destination,
            candidates: &candidates,
            target: &target,
            job,
            report: JobReport::default(),
            progress: Progress {
                total: total as u64,
                ..Progress::default()
            },
        };
        writer.run(receiver);
        writer.report.cancelled = job.cancel.is_cancelled() && writer.report.items.len() < total;
        Ok(writer.report)
    })
}

/// A library's catalog as an import's destination.
pub struct ToLibrary<C> {
    catalog: C,
    /// The catalog's default currency, for draft products.
    currency: String,
}

impl<C: WriterAccess> ToLibrary<C> {
    pub fn new(catalog: C) -> Self {
        ToLibrary {
            catalog,
            currency: String::new(),
        }
    }
}

const SAVEPOINT: &str = "SAVEPOINT import_file";
const RELEASE: &str = "RELEASE import_file";
const UNDO: &str = "ROLLBACK TO import_file; RELEASE import_file";

impl<C: WriterAccess> Destination for ToLibrary<C> {
    fn begin(&mut self, target: &ImportTarget) -> Result<Keeper> {
        let (library, currency) = self.catalog.with_writer(|catalog| {
            if let ImportTarget::Product(id) = target {
                usable_sku(
                    products::sku_and_trash(catalog.conn(), *id)?.map(|(sku, t)| (sku, t.is_some())),
                    *id,
                )?;
            }
            Ok((
                catalog.library().clone(),
                settings::default_currency(catalog.conn())?,
            ))
        })?;
        self.currency = currency;
        let lock = store::lock_shared(&library)?;
        Ok(Keeper::Library { library, _lock: lock })
    }

    fn in_batch(
        &mut self,
        files: usize,
        each: &mut dyn FnMut(usize, &mut dyn PhotoRows) -> Result<ItemResult>,
    ) -> Result<Vec<Result<ItemResult>>> {
        let currency = &self.currency;
        self.catalog.with_writer(|catalog| {
            catalog.write(|w| {
                let mut results = Vec::with_capacity(files);
                for index in 0..files {
                    w.tx().execute_batch(SAVEPOINT)?;
                    let result = each(index, &mut LibraryRows { w, currency });
                    w.tx()
                        .execute_batch(if result.is_ok() { RELEASE } else { UNDO })?;
                    results.push(result);
                }
                Ok(results)
            })
        })
    }
}

/// The SKU of the product photos go to (`found`: its SKU and whether it is in the trash):
/// refused when it is gone or in the trash.
pub(crate) fn usable_sku(found: Option<(String, bool)>, id: ProductId) -> Result<String> {
    match found {
        None => Err(products::no_such_product(id)),
        Some((_, true)) => Err(Error::refused(
            "That product is in the trash; restore it before adding photos.",
        )),
        Some((sku, false)) => Ok(sku),
    }
}

/// [`prepare`], with a decoder panic on a hostile file turned into that file's refusal
/// instead of the end of the whole import.
fn prepare_guarded(keeper: &Keeper, reader: Option<&Connection>, candidate: &Candidate) -> Result<Prepared> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        prepare(keeper, reader, candidate)
    }))
    .unwrap_or_else(|_| {
        Err(Error::Damaged(
            "The image is damaged: its decoder gave up on it.".into(),
        ))
    })
}

/// Everything a worker does for one file. The original is kept before this returns, so a
/// row committed later always has its file.
fn prepare(keeper: &Keeper, reader: Option<&Connection>, candidate: &Candidate) -> Result<Prepared> {
    if let Some(problem) = &candidate.problem {
        return Err(clone_error(problem));
    }
    let bytes = read_limited(&candidate.path)?;
    let format = decode::sniff(&bytes)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let file_name = display_file_name(&candidate.path);
    let known = match reader {
        Some(conn) => known_dimensions(conn, &sha256)?,
        None => None,
    };
    let (width, height, thumbnail, warning) = match known {
        Some((width, height)) => (width, height, None, None),
        None => {
            let decoded = decode::decode(&bytes, format, thumbnail::THUMBNAIL_SIDE as u16)?;
            let (width, height, warning) = (decoded.width, decoded.height, decoded.warning.clone());
            (width, height, Some(thumbnail::make(decoded, 0)?), warning)
        }
    };
    // Only a file that decoded is kept: a refused one leaves nothing on disk.
    let kept = keeper.keep(&sha256, format, &bytes)?;
    Ok(Prepared {
        sha256,
        format,
        byte_size: bytes.len() as u64,
        width,
        height,
        file_name,
        kept,
        thumbnail,
        warning,
    })
}

/// Reads the whole file (once), refusing anything over the size limit before reading it.
fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let meta = fs::metadata(path).map_err(|e| Error::io("Can't read", path, e))?;
    if !meta.is_file() {
        return Err(Error::validation(
            "file",
            "This is not a file (a folder or a device?).",
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let bytes = fs::read(path).map_err(|e| Error::io("Can't read", path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_big(len: u64) -> Error {
    Error::refused(format!(
        "The file is {} MB; the largest photo Shelfkeeper accepts is {} MB. Save a smaller copy and import that.",
        len / 1_000_000,
        MAX_FILE_BYTES / 1024 / 1024
    ))
}

/// The file's own name, as the `file_name_shape` check accepts it (control characters out).
fn display_file_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = name
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(1024)
        .collect();
    if clean.is_empty() {
        "photo".into()
    } else {
        clean
    }
}

const KNOWN_WITH_THUMBNAIL: &str = "SELECT o.width, o.height FROM originals AS o
  JOIN thumbnails AS t ON t.sha256 = o.sha256 WHERE o.sha256 = ?1";

fn known_dimensions(conn: &Connection, sha256: &str) -> Result<Option<(u32, u32)>> {
    Ok(conn
        .query_row(KNOWN_WITH_THUMBNAIL, [sha256], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// `Error` is not `Clone` (it can hold an io::Error); listing problems are re-made by kind.
fn clone_error(err: &Error) -> Error {
    match err {
        Error::Io { action, path, source } => Error::io(
            action,
            path.clone(),
            std::io::Error::new(source.kind(), source.to_string()),
        ),
        Error::Refused { field, message } => Error::Refused {
            field: *field,
            message: message.clone(),
        },
        Error::Validation { field, message } => Error::Validation {
            field: *field,
            message: message.clone(),
        },
        other => Error::Internal(other.to_string()),
    }
}

/// The writer: commits prepared files in input order, one batch per transaction.
struct Writer<'a, 'j, D> {
    destination: D,
    candidates: &'a [Candidate],
    target: &'a ImportTarget,
    job: &'a Job<'j>,
    report: JobReport,
    progress: Progress,
}

type Arrival = (usize, Result<Prepared>);

impl<D: Destination> Writer<'_, '_, D> {
    fn run(&mut self, receiver: Receiver<Arrival>) {
        let mut waiting: BTreeMap<usize, Result<Prepared>> = BTreeMap::new();
        let mut next = 0;
        while let Ok(first) = receiver.recv() {
            waiting.insert(first.0, first.1);
            loop {
                match receiver.try_recv() {
                    Ok((index, item)) => {
                        waiting.insert(index, item);
                    }
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
                if waiting.len() >= BATCH {
                    break;
                }
            }
            let mut batch = Vec::new();
            while let Some(item) = waiting.remove(&next) {
                batch.push((next, item));
                next += 1;
                if batch.len() == BATCH {
                    self.commit(std::mem::take(&mut batch));
                }
            }
            self.commit(batch);
        }
    }

    /// One transaction for the batch, one savepoint per file.
    fn commit(&mut self, batch: Vec<(usize, Result<Prepared>)>) {
        if batch.is_empty() {
            return;
        }
        let (candidates, target) = (self.candidates, self.target);
        let names: Vec<(String, u64)> = batch
            .iter()
            .map(|(i, p)| (candidates[*i].name.clone(), p.as_ref().map_or(0, |p| p.byte_size)))
            .collect();
        let mut results: Vec<Option<ItemResult>> = vec![None; batch.len()];
        let mut ready = Vec::with_capacity(batch.len());
        for (at, (index, item)) in batch.into_iter().enumerate() {
            match item {
                Err(err) => results[at] = Some(ItemResult::refused(&names[at].0, &err)),
                Ok(prepared) => ready.push((at, index, prepared)),
            }
        }
        if !ready.is_empty() {
            let written = self.destination.in_batch(ready.len(), &mut |i, rows| {
                let (_, index, prepared) = &ready[i];
                link(rows, &candidates[*index], prepared, target)
            });
            for (n, (at, _, _)) in ready.iter().enumerate() {
                let name = &names[*at].0;
                results[*at] = Some(match &written {
                    Ok(each) => match &each[n] {
                        Ok(result) => result.clone(),
                        Err(err) => ItemResult::refused(name, err),
                    },
                    Err(err) => ItemResult::refused(name, err),
                });
            }
        }
        let results = results.into_iter().flatten();
        for (result, (name, bytes)) in results.zip(names) {
            self.progress.done += 1;
            self.progress.bytes += bytes;
            self.progress.current = Some(name);
            self.progress.last = Some(result.clone());
            self.job.report(&self.progress);
            self.report.items.push(result);
        }
    }
}

/// A library's side of [`PhotoRows`]: its catalog's writer, in the file's savepoint.
struct LibraryRows<'w, 't> {
    w: &'w mut Write<'t>,
    currency: &'w str,
}

const INSERT_ORIGINAL: &str = "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sha256) DO NOTHING";
const INSERT_THUMBNAIL: &str = "INSERT INTO thumbnails (sha256, bytes, mime, width, height)
  VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256) DO NOTHING";
const IMAGE_ON_PRODUCT: &str =
    "SELECT deleted_at IS NOT NULL FROM product_images WHERE product_id = ?1 AND sha256 = ?2";
const INSERT_PRODUCT_IMAGE: &str = "INSERT INTO product_images (product_id, sha256, position)
  VALUES (?1, ?2, (SELECT coalesce(max(position) + 1, 0) FROM product_images WHERE product_id = ?1))";

impl PhotoRows for LibraryRows<'_, '_> {
    fn product_sku(&mut self, id: ProductId) -> Result<Option<(String, bool)>> {
        Ok(products::sku_and_trash(self.w.tx(), id)?.map(|(sku, trashed)| (sku, trashed.is_some())))
    }

    fn product_by_sku(&mut self, sku: &str) -> Result<Option<(ProductId, bool)>> {
        Ok(products::id_and_trash_by_sku(self.w.tx(), sku)?.map(|(id, trashed)| (id, trashed.is_some())))
    }

    fn add_draft(&mut self, fields: &ProductFields) -> Result<ProductId> {
        products::insert(self.w, fields, self.currency)
    }

    fn add_original(&mut self, p: &Prepared) -> Result<bool> {
        let tx = self.w.tx();
        let new = tx.execute(
            INSERT_ORIGINAL,
            params![
                p.sha256,
                p.byte_size as i64,
                p.format.mime(),
                p.width,
                p.height,
                p.file_name
            ],
        )? == 1;
        if let Some(t) = &p.thumbnail {
            tx.execute(
                INSERT_THUMBNAIL,
                params![p.sha256, t.bytes, t.mime, t.width, t.height],
            )?;
        }
        Ok(new)
    }

    fn image_on_product(&mut self, product: ProductId, sha256: &str) -> Result<Option<bool>> {
        Ok(self
            .w
            .tx()
            .query_row(IMAGE_ON_PRODUCT, params![product, sha256], |r| r.get(0))
            .optional()?)
    }

    fn add_to_product(&mut self, product: ProductId, sha256: &str) -> Result<()> {
        let tx = self.w.tx();
        tx.execute(INSERT_PRODUCT_IMAGE, params![product, sha256])?;
        let image_id = tx.last_insert_rowid();
        self.w.record(Entity::Image, image_id, ChangeKind::Created);
        Ok(())
    }
}

/// One file's rows: its original, and the photo on the product it goes to.
fn link(
    rows: &mut dyn PhotoRows,
    candidate: &Candidate,
    p: &Prepared,
    target: &ImportTarget,
) -> Result<ItemResult> {
    let (product, sku, created) = resolve_product(rows, candidate, target)?;
    let new_original = rows.add_original(p)?;
    if let Some(removed) = rows.image_on_product(product, &p.sha256)? {
        let where_ = if removed {
            " (in its removed photos; restore it from there)"
        } else {
            ""
        };
        return Ok(ItemResult::skipped(
            &candidate.name,
            format!("This photo is already on {sku}{where_}; nothing to do."),
        ));
    }
    rows.add_to_product(product, &p.sha256)?;
    let mut message = format!("Added to {sku}");
    if created {
        message.push_str(" (new draft product)");
    }
    if !new_original {
        message.push_str("; the same photo was already in the library, so it is stored once");
    }
    message.push('.');
    Ok(match &p.warning {
        Some(warning) => ItemResult::warning(&candidate.name, format!("{message} {warning}")),
        None => ItemResult::done(&candidate.name, message),
    })
}

/// The product a file goes to: the given one, or the one its file name names (created as a
/// draft when the SKU is new). Returns (id, SKU, created).
fn resolve_product(
    rows: &mut dyn PhotoRows,
    candidate: &Candidate,
    target: &ImportTarget,
) -> Result<(ProductId, String, bool)> {
    let given = match target {
        ImportTarget::Product(id) => Some(*id),
        ImportTarget::Each => Some(
            candidate
                .product
                .ok_or_else(|| Error::Internal("a photo was given no product".into()))?,
        ),
        ImportTarget::BySku => None,
    };
    if let Some(id) = given {
        return Ok((id, usable_sku(rows.product_sku(id)?, id)?, false));
    }
    let Some(SkuName { sku, .. }) = sku_from_file_name(&candidate.path) else {
        return Err(Error::validation(
            "sku",
            "The file name has no SKU in it (name photos like ABC-123.jpg, ABC-123_2.jpg).",
        ));
    };
    // A whole name that is already a SKU wins over the numbering rule (`PART_12` stays `PART_12`).
    let whole = candidate
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .map(str::trim)
        .unwrap_or_default();
    for name in [whole, sku.as_str()] {
        if let Some((id, trashed)) = rows.product_by_sku(name)? {
            if trashed {
                return Err(Error::refused(format!(
                    "Product {name} is in the trash; restore it before adding photos to it."
                )));
            }
            return Ok((id, usable_sku(rows.product_sku(id)?, id)?, false));
        }
    }
    let fields = ProductFields {
        sku: sku.clone(),
        name: sku.clone(),
        price_minor: 0,
        ..ProductFields::default()
    }
    .tidied()
    .map_err(|e| Error::validation("sku", format!("{sku:?} from the file name can't be a SKU: {e}")))?;
    let id = rows.add_draft(&fields)?;
    Ok((id, fields.sku, true))
}
