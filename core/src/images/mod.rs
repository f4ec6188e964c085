//! The image library (rule 9 of the catalog rules): originals copied into the library folder
//! under their content hash and never modified, capped thumbnails in the catalog, and the
//! operations a seller does on a product's photos. The desktop app, the `shelf` command
//! line and the inbox watcher all call this module.
//!
//! Choices worth knowing:
//! - Every thumbnail is an opaque JPEG that fits 256×256; transparent images are flattened
//!   on white, so cut-outs look the same in the grid whatever their format.
//! - A photo's rotation belongs to the original (its thumbnail is shared by every product
//!   that uses it); `ProductImage.width/height` are the original's stored pixel size, before
//!   EXIF orientation and rotation.

pub mod budget;
pub mod cache;
pub mod check;
pub mod colour;
pub mod decode;
pub mod download;
pub mod grouping;
mod heif;
pub mod import;
pub mod inbox;
pub mod rendition;
pub mod store;
pub mod thumbnail;
mod walk;
mod webp;

pub use check::{check_library, repair, sweep_on_open, SweepReport};
pub use inbox::{scan_inbox_once, watch};
pub use rendition::viewable_file;

use crate::catalog::{ChangeKind, Entity, ProductId, WriterAccess};
use crate::error::{Error, Result};
use crate::job::{Job, JobReport};
use crate::library::is_sha256_hex;
use crate::Catalog;
use decode::Format;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::PathBuf;

/// Where imported photos go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportTarget {
    /// All onto this product.
    Product(ProductId),
    /// Grouped by the SKU in each file name (`ABC-123_2.jpg` → `ABC-123`), creating draft
    /// products for SKUs that don't exist yet.
    BySku,
    /// Each file to the product it is given with (see [`import_each`]).
    Each,
}

/// Imports files and folders (recursively). Every file gets a result; a bad file never
/// stops the others. Cancelling stops at a file boundary with only whole imports committed.
pub fn import(
    catalog: impl WriterAccess,
    paths: &[PathBuf],
    target: ImportTarget,
    job: &Job,
) -> Result<JobReport> {
    import_into(import::ToLibrary::new(catalog), paths, target, job)
}

/// [`import`] into either engine's catalog (a team catalog is `&mut TeamCatalog`).
pub fn import_into(
    destination: impl import::Destination,
    paths: &[PathBuf],
    target: ImportTarget,
    job: &Job,
) -> Result<JobReport> {
    import::run(destination, walk::candidates(paths), target, job)
}

/// Imports each file onto the product it is paired with, in the given order (a product's
/// photos keep theirs), with one worker per core across all of them: a CSV import's photos,
/// many products with one or two photos each.
pub fn import_each(
    destination: impl import::Destination,
    files: &[(PathBuf, ProductId)],
    job: &Job,
) -> Result<JobReport> {
    let candidates = files
        .iter()
        .map(|(path, product)| import::Candidate {
            product: Some(*product),
            ..import::Candidate::new(path.clone())
        })
        .collect();
    import::run(destination, candidates, ImportTarget::Each, job)
}

/// One photo on one product, with the original's metadata.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductImage {
    pub id: i64,
    pub product_id: i64,
    pub sha256: String,
    pub position: i64,
    pub alt_text: String,
    pub width: i64,
    pub height: i64,
    pub mime: String,
    pub byte_size: i64,
    pub file_name: String,
    /// Clockwise degrees: 0, 90, 180 or 270.
    pub rotation: i64,
    /// Set when the photo was removed from the product (restorable).
    pub deleted_at: Option<String>,
}

const PRODUCT_IMAGES: &str = "SELECT i.id, i.product_id, i.sha256, i.position, i.alt_text, o.width, o.height,
    o.mime, o.byte_size, o.file_name, o.rotation, i.deleted_at
  FROM product_images AS i JOIN originals AS o ON o.sha256 = i.sha256
  WHERE i.product_id = ?1
  ORDER BY i.deleted_at IS NOT NULL, i.position, i.id";

/// A product's photos: the shown ones first, by position (0 is the primary), then removed ones.
pub fn product_images(conn: &Connection, product: ProductId) -> Result<Vec<ProductImage>> {
    let mut stmt = conn.prepare_cached(PRODUCT_IMAGES)?;
    let rows = stmt.query_map([product], |r| {
        Ok(ProductImage {
            id: r.get(0)?,
            product_id: r.get(1)?,
            sha256: r.get(2)?,
            position: r.get(3)?,
            alt_text: r.get(4)?,
            width: r.get(5)?,
            height: r.get(6)?,
            mime: r.get(7)?,
            byte_size: r.get(8)?,
            file_name: r.get(9)?,
            rotation: r.get(10)?,
            deleted_at: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A thumbnail as stored in the catalog.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Thumbnail {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub mime: String,
    pub width: i64,
    pub height: i64,
}

const THUMBNAIL: &str = "SELECT bytes, mime, width, height FROM thumbnails WHERE sha256 = ?1";

pub fn thumbnail(conn: &Connection, sha256: &str) -> Result<Thumbnail> {
    check_hash(sha256)?;
    conn.query_row(THUMBNAIL, [sha256], |r| {
        Ok(Thumbnail {
            bytes: r.get(0)?,
            mime: r.get(1)?,
            width: r.get(2)?,
            height: r.get(3)?,
        })
    })
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "There is no thumbnail for photo {sha256}; `shelf repair` makes missing ones."
        ))
    })
}

pub(crate) fn check_hash(sha256: &str) -> Result<()> {
    if is_sha256_hex(sha256) {
        Ok(())
    } else {
        Err(Error::validation(
            "sha256",
            format!("{sha256:?} is not a photo's content hash (64 hex digits)."),
        ))
    }
}

const ORIGINAL_MIME: &str = "SELECT mime FROM originals WHERE sha256 = ?1";

/// The original's path (derived from the hash, canonicalised and checked to be inside
/// `originals/`) and its MIME type.
pub fn original_file(catalog: &Catalog, sha256: &str) -> Result<(PathBuf, String)> {
    check_hash(sha256)?;
    let mime: String = catalog
        .conn()
        .query_row(ORIGINAL_MIME, [sha256], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("There is no photo {sha256} in the catalog.")))?;
    let format = Format::from_mime(&mime)
        .ok_or_else(|| Error::Damaged(format!("Photo {sha256} has an unknown type {mime}.")))?;
    let library = catalog.library();
    let path = library.original_path(sha256, format.extension())?;
    let missing = |e| Error::io("The original photo is missing:", &path, e);
    let real = path.canonicalize().map_err(missing)?;
    let root = library
        .originals_dir()
        .canonicalize()
        .map_err(|e| Error::io("Can't open", library.originals_dir(), e))?;
    if !real.starts_with(&root) {
        return Err(Error::Damaged(format!(
            "The original of {sha256} is a link out of the library folder; it was not opened."
        )));
    }
    Ok((real, mime))
}

const IMAGE_PRODUCT: &str = "SELECT product_id FROM product_images WHERE id = ?1";
const ACTIVE_IMAGE_IDS: &str =
    "SELECT id FROM product_images WHERE product_id = ?1 AND deleted_at IS NULL ORDER BY position, id";
const SET_POSITION: &str = "UPDATE product_images SET position = ?2 WHERE id = ?1";
const SET_ALT_TEXT: &str = "UPDATE product_images SET alt_text = ?2 WHERE id = ?1";
const TRASH_IMAGE: &str = "UPDATE product_images SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = ?1 AND deleted_at IS NULL";
const RESTORE_IMAGE: &str = "UPDATE product_images SET deleted_at = NULL,
    position = (SELECT coalesce(max(position) + 1, 0) FROM product_images
                WHERE product_id = (SELECT product_id FROM product_images WHERE id = ?1) AND deleted_at IS NULL)
  WHERE id = ?1 AND deleted_at IS NOT NULL";
const IMAGE_ORIGINAL: &str = "SELECT o.sha256, o.rotation FROM product_images AS i
  JOIN originals AS o ON o.sha256 = i.sha256 WHERE i.id = ?1";
const SET_ROTATION: &str = "UPDATE originals SET rotation = ?2 WHERE sha256 = ?1";
const UPSERT_THUMBNAIL: &str = "INSERT INTO thumbnails (sha256, bytes, mime, width, height)
  VALUES (?1, ?2, ?3, ?4, ?5)
  ON CONFLICT (sha256) DO UPDATE SET bytes = excluded.bytes, mime = excluded.mime,
    width = excluded.width, height = excluded.height,
    created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')";

/// Refuses a reorder that does not name each of the product's shown photos (`current`)
/// exactly once: someone changed them meanwhile.
pub(crate) fn check_names_each_shown(mut current: Vec<i64>, ids_in_order: &[i64]) -> Result<()> {
    let mut wanted = ids_in_order.to_vec();
    current.sort_unstable();
    wanted.sort_unstable();
    if current != wanted {
        return Err(Error::Conflict {
            field: Some("images"),
            message:
                "The photos of this product changed while you were reordering them; reload and try again."
                    .into(),
            current: None,
        });
    }
    Ok(())
}

pub(crate) fn image_not_found(image_id: i64) -> Error {
    Error::NotFound(format!("There is no product photo with id {image_id}."))
}

impl Catalog {
    /// Puts a product's shown photos in this order (the first becomes the primary image).
    /// The list must name each shown photo exactly once.
    pub fn reorder_images(&mut self, product: ProductId, image_ids_in_order: &[i64]) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(ACTIVE_IMAGE_IDS)?;
        let current: Vec<i64> = stmt
            .query_map([product], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        check_names_each_shown(current, image_ids_in_order)?;
        self.write(|w| {
            for (position, id) in image_ids_in_order.iter().enumerate() {
                w.tx().execute(SET_POSITION, params![id, position as i64])?;
                w.record(Entity::Image, id, ChangeKind::Updated);
            }
            w.record(Entity::Product, product, ChangeKind::Updated);
            Ok(())
        })
    }

    /// Sets the text that describes a photo to people who can't see it.
    pub fn set_image_alt_text(&mut self, image_id: i64, text: &str) -> Result<()> {
        let text = text.trim();
        self.write(|w| {
            if w.tx().execute(SET_ALT_TEXT, params![image_id, text])? == 0 {
                return Err(image_not_found(image_id));
            }
            w.record(Entity::Image, image_id, ChangeKind::Updated);
            Ok(())
        })
    }

    /// Turns the photo 90° clockwise: the rotation is stored, the thumbnail made again from
    /// the original, and the original file is left untouched.
    pub fn rotate_image(&mut self, image_id: i64) -> Result<()> {
        let (sha256, rotation): (String, i64) = self
            .conn()
            .query_row(IMAGE_ORIGINAL, [image_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| image_not_found(image_id))?;
        let rotation = (rotation + 90) % 360;
        let thumb = check::thumbnail_from_original(self, &sha256, rotation)?;
        self.write(|w| {
            w.tx().execute(SET_ROTATION, params![sha256, rotation])?;
            w.tx().execute(
                UPSERT_THUMBNAIL,
                params![sha256, thumb.bytes, thumb.mime, thumb.width, thumb.height],
            )?;
            w.record(Entity::Image, image_id, ChangeKind::Updated);
            Ok(())
        })
    }

    /// Removes a photo from its product into the trash (restorable; the original stays).
    pub fn trash_image(&mut self, image_id: i64) -> Result<()> {
        self.set_image_trashed(image_id, TRASH_IMAGE, ChangeKind::Trashed)
    }

    /// Puts a removed photo back on its product, as its last image.
    pub fn restore_image(&mut self, image_id: i64) -> Result<()> {
        self.set_image_trashed(image_id, RESTORE_IMAGE, ChangeKind::Restored)
    }

    fn set_image_trashed(&mut self, image_id: i64, statement: &str, kind: ChangeKind) -> Result<()> {
        self.write(|w| {
            let product: i64 = w
                .tx()
                .query_row(IMAGE_PRODUCT, [image_id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| image_not_found(image_id))?;
            if w.tx().execute(statement, [image_id])? == 1 {
                w.record(Entity::Image, image_id, kind);
                w.record(Entity::Product, product, ChangeKind::Updated);
            }
            Ok(())
        })
    }
}
