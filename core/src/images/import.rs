//! The import pipeline. One worker per core reads each file once, sniffs, hashes, decodes at
//! reduced scale, makes the thumbnail and stores the original (flushed and renamed) — all off
//! the writer. The writer (the caller's thread, which owns the catalog) commits the rows in
//! input order, in batches, each file in its own savepoint so one bad file never undoes the
//! others. Workers hand results over a bounded channel, so memory stays bounded by the
//! number of workers; cancellation stops workers taking new files, and everything they have
//! started is still committed whole.

use super::decode::{self, Format, MAX_FILE_BYTES};
use super::grouping::{sku_from_file_name, SkuName};
use super::{store, thumbnail, ImportTarget, Thumbnail};
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
struct Prepared {
    sha256: String,
    format: Format,
    byte_size: u64,
    width: u32,
    height: u32,
    file_name: String,
    /// `None` when the catalog already had this photo and its thumbnail.
    thumbnail: Option<Thumbnail>,
    warning: Option<String>,
}

/// Imports `candidates` (in this order) into the catalog.
pub fn run(
    mut catalog: impl WriterAccess,
    mut candidates: Vec<Candidate>,
    target: ImportTarget,
    job: &Job,
) -> Result<JobReport> {
    if target == ImportTarget::BySku {
        candidates.sort_by_cached_key(|c| sku_from_file_name(&c.path).map(|s| (s.sku, s.index)));
    }
    let (library, currency) = catalog.with_writer(|catalog| {
        if let ImportTarget::Product(id) = target {
            check_product_usable(catalog.conn(), id)?;
        }
        Ok((
            catalog.library().clone(),
            settings::default_currency(catalog.conn())?,
        ))
    })?;
    let _lock = store::lock_shared(&library)?;
    let total = candidates.len();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total.max(1));
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::sync_channel::<(usize, Result<Prepared>)>(workers * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (library, candidates, next) = (&library, &candidates, &next);
            scope.spawn(move || {
                let reader = Catalog::open_reader(library).ok();
                while !job.cancel.is_cancelled() {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(candidate) = candidates.get(index) else {
                        break;
                    };
                    let prepared = prepare_guarded(library, reader.as_ref(), candidate);
                    if sender.send((index, prepared)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut writer = Writer {
            catalog,
            candidates: &candidates,
            target: &target,
            currency: &currency,
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

fn check_product_usable(conn: &Connection, id: ProductId) -> Result<()> {
    product_sku(conn, id).map(|_| ())
}

/// The SKU of the product photos go to: refused when it is gone or in the trash.
fn product_sku(conn: &Connection, id: ProductId) -> Result<String> {
    match products::sku_and_trash(conn, id)? {
        None => Err(products::no_such_product(id)),
        Some((_, Some(_))) => Err(Error::refused(
            "That product is in the trash; restore it before adding photos.",
        )),
        Some((sku, None)) => Ok(sku),
    }
}

/// [`prepare`], with a decoder panic on a hostile file turned into that file's refusal
/// instead of the end of the whole import.
fn prepare_guarded(
    library: &Library,
    reader: Option<&Connection>,
    candidate: &Candidate,
) -> Result<Prepared> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        prepare(library, reader, candidate)
    }))
    .unwrap_or_else(|_| {
        Err(Error::Damaged(
            "The image is damaged: its decoder gave up on it.".into(),
        ))
    })
}

/// Everything a worker does for one file. The original is stored before this returns, so a
/// row committed later always has its file.
fn prepare(library: &Library, reader: Option<&Connection>, candidate: &Candidate) -> Result<Prepared> {
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
    let prepared = match known {
        Some((width, height)) => Prepared {
            sha256,
            format,
            byte_size: bytes.len() as u64,
            width,
            height,
            file_name,
            thumbnail: None,
            warning: None,
        },
        None => {
            let decoded = decode::decode(&bytes, format, thumbnail::THUMBNAIL_SIDE as u16)?;
            let (width, height, warning) = (decoded.width, decoded.height, decoded.warning.clone());
            let thumbnail = thumbnail::make(decoded, 0)?;
            Prepared {
                sha256,
                format,
                byte_size: bytes.len() as u64,
                width,
                height,
                file_name,
                thumbnail: Some(thumbnail),
                warning,
            }
        }
    };
    store::write_original(library, &prepared.sha256, format, &bytes)?;
    Ok(prepared)
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

/// The writer: commits prepared files in input order, taking the catalog's writer for one
/// batch at a time.
struct Writer<'a, 'j, C> {
    catalog: C,
    candidates: &'a [Candidate],
    target: &'a ImportTarget,
    currency: &'a str,
    job: &'a Job<'j>,
    report: JobReport,
    progress: Progress,
}

type Arrival = (usize, Result<Prepared>);

impl<C: WriterAccess> Writer<'_, '_, C> {
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
        let (candidates, target, currency) = (self.candidates, self.target, self.currency);
        let names: Vec<(String, u64)> = batch
            .iter()
            .map(|(i, p)| (candidates[*i].name.clone(), p.as_ref().map_or(0, |p| p.byte_size)))
            .collect();
        let written = self.catalog.with_writer(|catalog| {
            catalog.write(|w| {
                let mut results = Vec::with_capacity(batch.len());
                for (index, item) in batch {
                    let name = &candidates[index].name;
                    let result = match item {
                        Err(err) => ItemResult::refused(name, &err),
                        Ok(prepared) => commit_one(w, &candidates[index], &prepared, target, currency)
                            .unwrap_or_else(|err| ItemResult::refused(name, &err)),
                    };
                    results.push(result);
                }
                Ok(results)
            })
        });
        let results = written.unwrap_or_else(|err| {
            names
                .iter()
                .map(|(name, _)| ItemResult::refused(name, &err))
                .collect()
        });
        for (result, (name, bytes)) in results.into_iter().zip(names) {
            self.progress.done += 1;
            self.progress.bytes += bytes;
            self.progress.current = Some(name);
            self.progress.last = Some(result.clone());
            self.job.report(&self.progress);
            self.report.items.push(result);
        }
    }
}

/// Commits one file inside its own savepoint: all its rows, or none.
fn commit_one(
    w: &mut Write<'_>,
    candidate: &Candidate,
    prepared: &Prepared,
    target: &ImportTarget,
    currency: &str,
) -> Result<ItemResult> {
    w.tx().execute_batch("SAVEPOINT import_file")?;
    match link(w, candidate, prepared, target, currency) {
        Ok(result) => {
            w.tx().execute_batch("RELEASE import_file")?;
            Ok(result)
        }
        Err(err) => {
            w.tx()
                .execute_batch("ROLLBACK TO import_file; RELEASE import_file")?;
            Err(err)
        }
    }
}

const INSERT_ORIGINAL: &str = "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sha256) DO NOTHING";
const INSERT_THUMBNAIL: &str = "INSERT INTO thumbnails (sha256, bytes, mime, width, height)
  VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256) DO NOTHING";
const IMAGE_ON_PRODUCT: &str = "SELECT deleted_at FROM product_images WHERE product_id = ?1 AND sha256 = ?2";
const INSERT_PRODUCT_IMAGE: &str = "INSERT INTO product_images (product_id, sha256, position)
  VALUES (?1, ?2, (SELECT coalesce(max(position) + 1, 0) FROM product_images WHERE product_id = ?1))";

fn link(
    w: &mut Write<'_>,
    candidate: &Candidate,
    p: &Prepared,
    target: &ImportTarget,
    currency: &str,
) -> Result<ItemResult> {
    let (product, sku, created) = resolve_product(w, candidate, target, currency)?;
    let tx = w.tx();
    let new_original = tx.execute(
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
    let existing: Option<Option<String>> = tx
        .query_row(IMAGE_ON_PRODUCT, params![product, p.sha256], |r| r.get(0))
        .optional()?;
    if let Some(deleted_at) = existing {
        let where_ = if deleted_at.is_some() {
            " (in its removed photos; restore it from there)"
        } else {
            ""
        };
        return Ok(ItemResult::skipped(
            &candidate.name,
            format!("This photo is already on {sku}{where_}; nothing to do."),
        ));
    }
    tx.execute(INSERT_PRODUCT_IMAGE, params![product, p.sha256])?;
    let image_id = tx.last_insert_rowid();
    w.record(Entity::Image, image_id, ChangeKind::Created);
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
    w: &mut Write<'_>,
    candidate: &Candidate,
    target: &ImportTarget,
    currency: &str,
) -> Result<(ProductId, String, bool)> {
    if let ImportTarget::Product(id) = target {
        return Ok((*id, product_sku(w.tx(), *id)?, false));
    }
    if *target == ImportTarget::Each {
        let id = candidate
            .product
            .ok_or_else(|| Error::Internal("a photo was given no product".into()))?;
        return Ok((id, product_sku(w.tx(), id)?, false));
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
        if let Some((id, deleted_at)) = products::id_and_trash_by_sku(w.tx(), name)? {
            if deleted_at.is_some() {
                return Err(Error::refused(format!(
                    "Product {name} is in the trash; restore it before adding photos to it."
                )));
            }
            return Ok((id, product_sku(w.tx(), id)?, false));
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
    let id = products::insert(w, &fields, currency)?;
    Ok((id, fields.sku, true))
}
