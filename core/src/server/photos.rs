//! A team catalog's photos. As an export reads them: each product's live photos in position
//! order, an original by its hash, and its bytes, which the server holds (`originals.bytes`,
//! checked against the hash by the server's own rule), read whole one at a time. As an
//! import writes them (`images::import`, which decides which product each file goes to): the
//! original sent from this computer's cache once (a photo the server has is not sent again),
//! its thumbnail, and the photo on its product, one savepoint per file. And as the editor
//! changes them: order, alt text, a quarter turn (the thumbnail made again from the bytes the
//! server holds) and removal, each one transaction, the SQLite catalog's refusals in its words.

use super::products::{insert_product, TeamCatalog};
use crate::catalog::products::ProductFields;
use crate::catalog::ProductId;
use crate::error::{Error, Result};
use crate::export::ExportImage;
use crate::images::import::{usable_sku, Destination, Keeper, PhotoRows, Prepared};
use crate::images::{self, ImportTarget, ProductImage};
use crate::job::ItemResult;
use postgres::{Client, Row, Transaction};

const PHOTOS_OF: &str = "SELECT i.sha256, i.position, i.alt_text, o.mime, o.width, o.height, o.byte_size,
    o.file_name
  FROM product_images AS i JOIN originals AS o ON o.sha256 = i.sha256
  WHERE i.product_id = $1 AND i.deleted_at IS NULL ORDER BY i.position, i.id";
const ORIGINAL_PHOTO: &str = "SELECT sha256, -1, '', mime, width, height, byte_size, file_name
  FROM originals WHERE sha256 = $1";
const ORIGINAL_BYTES: &str = "SELECT bytes FROM originals WHERE sha256 = $1";
/// As the SQLite catalog lists them (`images::product_images`).
const PRODUCT_IMAGES: &str = "SELECT i.id, i.product_id, i.sha256, i.position, i.alt_text, o.width, o.height,
    o.mime, o.byte_size, o.file_name, o.rotation, iso_ms(i.deleted_at)
  FROM product_images AS i JOIN originals AS o ON o.sha256 = i.sha256
  WHERE i.product_id = $1
  ORDER BY i.deleted_at IS NOT NULL, i.position, i.id";

pub(crate) fn photos_of(client: &mut Client, id: ProductId) -> Result<Vec<ExportImage>> {
    Ok(client.query(PHOTOS_OF, &[&id])?.iter().map(photo).collect())
}

pub(crate) fn original_photo(client: &mut Client, sha256: &str) -> Result<Option<ExportImage>> {
    Ok(client.query_opt(ORIGINAL_PHOTO, &[&sha256])?.as_ref().map(photo))
}

pub(crate) fn product_images(client: &mut Client, id: ProductId) -> Result<Vec<ProductImage>> {
    let rows = client.query(PRODUCT_IMAGES, &[&id])?;
    Ok(rows
        .iter()
        .map(|r| ProductImage {
            id: r.get(0),
            product_id: r.get(1),
            sha256: r.get(2),
            position: r.get::<_, i32>(3).into(),
            alt_text: r.get(4),
            width: r.get::<_, i32>(5).into(),
            height: r.get::<_, i32>(6).into(),
            mime: r.get(7),
            byte_size: r.get(8),
            file_name: r.get(9),
            rotation: r.get::<_, i32>(10).into(),
            deleted_at: r.get(11),
        })
        .collect())
}

pub(crate) fn original_bytes(client: &mut Client, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(client.query_opt(ORIGINAL_BYTES, &[&sha256])?.map(|r| r.get(0)))
}

fn photo(r: &Row) -> ExportImage {
    ExportImage::new(
        r.get(0),
        r.get::<_, i32>(1).into(),
        r.get(2),
        r.get(3),
        (r.get::<_, i32>(4).into(), r.get::<_, i32>(5).into()),
        r.get(6),
        r.get(7),
    )
}

const SKU_AND_TRASH: &str = "SELECT sku::text, deleted_at IS NOT NULL FROM products WHERE id = $1";
const ID_AND_TRASH_BY_SKU: &str = "SELECT id, deleted_at IS NOT NULL FROM products WHERE sku = $1::citext";
const HAS_ORIGINAL: &str = "SELECT 1 FROM originals WHERE sha256 = $1";
const INSERT_ORIGINAL: &str =
    "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name, bytes)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING";
const INSERT_THUMBNAIL: &str = "INSERT INTO thumbnails (sha256, bytes, mime, width, height)
  VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING";
const IMAGE_ON_PRODUCT: &str =
    "SELECT deleted_at IS NOT NULL FROM product_images WHERE product_id = $1 AND sha256 = $2";
const INSERT_PRODUCT_IMAGE: &str = "INSERT INTO product_images (product_id, sha256, position)
  VALUES ($1, $2, (SELECT coalesce(max(position) + 1, 0) FROM product_images WHERE product_id = $1))";

const SHOWN_IMAGE_IDS: &str = "SELECT id FROM product_images
  WHERE product_id = $1 AND deleted_at IS NULL ORDER BY position, id FOR UPDATE";
const SET_POSITIONS: &str = "UPDATE product_images AS i SET position = (o.n - 1)::integer
  FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n) WHERE i.id = o.id";
const SET_ALT_TEXT: &str = "UPDATE product_images SET alt_text = $2 WHERE id = $1";
const IMAGE_EXISTS: &str = "SELECT 1 FROM product_images WHERE id = $1";
const TRASH_IMAGE: &str = "UPDATE product_images SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL";
const RESTORE_IMAGE: &str = "UPDATE product_images SET deleted_at = NULL,
    position = (SELECT coalesce(max(position) + 1, 0) FROM product_images
                WHERE product_id = (SELECT product_id FROM product_images WHERE id = $1) AND deleted_at IS NULL)
  WHERE id = $1 AND deleted_at IS NOT NULL";
/// The photo's original, locked so two people turning it at once turn it twice, not once.
const IMAGE_ORIGINAL: &str = "SELECT o.sha256, o.rotation, o.bytes FROM product_images AS i
  JOIN originals AS o ON o.sha256 = i.sha256 WHERE i.id = $1 FOR UPDATE OF o";
const SET_ROTATION: &str = "UPDATE originals SET rotation = $2 WHERE sha256 = $1";
const UPSERT_THUMBNAIL: &str = "INSERT INTO thumbnails (sha256, bytes, mime, width, height)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (sha256) DO UPDATE SET bytes = excluded.bytes, mime = excluded.mime,
    width = excluded.width, height = excluded.height, created_at = now()";

/// Puts a product's shown photos in this order; the list must name each shown photo once.
pub(crate) fn reorder(client: &mut Client, product: ProductId, ids_in_order: &[i64]) -> Result<()> {
    let mut tx = client.transaction()?;
    let current: Vec<i64> = tx
        .query(SHOWN_IMAGE_IDS, &[&product])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    images::check_names_each_shown(current, ids_in_order)?;
    tx.execute(SET_POSITIONS, &[&ids_in_order])?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn set_alt_text(client: &mut Client, image_id: i64, text: &str) -> Result<()> {
    if client.execute(SET_ALT_TEXT, &[&image_id, &text.trim()])? == 0 {
        return Err(images::image_not_found(image_id));
    }
    Ok(())
}

/// Removes the photo from its product (`trashed`) or puts it back as its last photo.
pub(crate) fn set_trashed(client: &mut Client, image_id: i64, trashed: bool) -> Result<()> {
    let mut tx = client.transaction()?;
    if tx.query_opt(IMAGE_EXISTS, &[&image_id])?.is_none() {
        return Err(images::image_not_found(image_id));
    }
    tx.execute(if trashed { TRASH_IMAGE } else { RESTORE_IMAGE }, &[&image_id])?;
    tx.commit()?;
    Ok(())
}

/// Turns the photo 90° clockwise: the rotation stored and the thumbnail made again from the
/// original the server holds, which is left as it is.
pub(crate) fn rotate(client: &mut Client, image_id: i64) -> Result<()> {
    let mut tx = client.transaction()?;
    let row = tx
        .query_opt(IMAGE_ORIGINAL, &[&image_id])?
        .ok_or_else(|| images::image_not_found(image_id))?;
    let (sha256, rotation, bytes): (String, i32, Vec<u8>) = (row.get(0), row.get(1), row.get(2));
    drop(row);
    let rotation = (rotation + 90) % 360;
    let thumb = images::check::thumbnail_from_bytes(&bytes, rotation.into())?;
    drop(bytes);
    let (width, height) = (thumb.width as i32, thumb.height as i32);
    tx.execute(SET_ROTATION, &[&sha256, &rotation])?;
    tx.execute(
        UPSERT_THUMBNAIL,
        &[&sha256, &thumb.bytes, &thumb.mime, &width, &height],
    )?;
    tx.commit()?;
    Ok(())
}

impl Destination for &mut TeamCatalog {
    fn begin(&mut self, target: &ImportTarget) -> Result<Keeper> {
        if let ImportTarget::Product(id) = target {
            usable_sku(sku_and_trash(self.client(), *id)?, *id)?;
        }
        Ok(Keeper::Cache(self.photo_cache()?))
    }

    fn in_batch(
        &mut self,
        files: usize,
        each: &mut dyn FnMut(usize, &mut dyn PhotoRows) -> Result<ItemResult>,
    ) -> Result<Vec<Result<ItemResult>>> {
        let mut tx = self.client().transaction()?;
        let mut results = Vec::with_capacity(files);
        for index in 0..files {
            let mut file = tx.savepoint("import_file")?;
            let result = each(index, &mut TeamRows(&mut file));
            if result.is_ok() {
                file.commit()?;
            } else {
                file.rollback()?;
            }
            results.push(result);
        }
        tx.commit()?;
        Ok(results)
    }
}

fn sku_and_trash(client: &mut impl postgres::GenericClient, id: ProductId) -> Result<Option<(String, bool)>> {
    Ok(client
        .query_opt(SKU_AND_TRASH, &[&id])?
        .map(|r| (r.get(0), r.get(1))))
}

/// The server's side of [`PhotoRows`], in the file's savepoint.
struct TeamRows<'a, 'c>(&'a mut Transaction<'c>);

impl PhotoRows for TeamRows<'_, '_> {
    fn product_sku(&mut self, id: ProductId) -> Result<Option<(String, bool)>> {
        sku_and_trash(self.0, id)
    }

    fn product_by_sku(&mut self, sku: &str) -> Result<Option<(ProductId, bool)>> {
        Ok(self
            .0
            .query_opt(ID_AND_TRASH_BY_SKU, &[&sku])?
            .map(|r| (r.get(0), r.get(1))))
    }

    fn add_draft(&mut self, fields: &ProductFields) -> Result<ProductId> {
        insert_product(self.0, fields)
    }

    fn add_original(&mut self, p: &Prepared) -> Result<bool> {
        let new = self.0.query_opt(HAS_ORIGINAL, &[&p.sha256])?.is_none();
        if new {
            let bytes =
                std::fs::read(&p.kept).map_err(|e| Error::io("Can't read the cached photo", &p.kept, e))?;
            let (width, height) = (dimension(p.width)?, dimension(p.height)?);
            self.0.execute(
                INSERT_ORIGINAL,
                &[
                    &p.sha256,
                    &(p.byte_size as i64),
                    &p.format.mime(),
                    &width,
                    &height,
                    &p.file_name,
                    &bytes,
                ],
            )?;
        }
        if let Some(t) = &p.thumbnail {
            let (width, height) = (t.width as i32, t.height as i32);
            self.0
                .execute(INSERT_THUMBNAIL, &[&p.sha256, &t.bytes, &t.mime, &width, &height])?;
        }
        Ok(new)
    }

    fn image_on_product(&mut self, product: ProductId, sha256: &str) -> Result<Option<bool>> {
        Ok(self
            .0
            .query_opt(IMAGE_ON_PRODUCT, &[&product, &sha256])?
            .map(|r| r.get(0)))
    }

    fn add_to_product(&mut self, product: ProductId, sha256: &str) -> Result<()> {
        self.0.execute(INSERT_PRODUCT_IMAGE, &[&product, &sha256])?;
        Ok(())
    }
}

/// A photo's pixel size as the server's `integer` column; the rule (`width_in_range`) refuses
/// one out of range, as it would a huge number.
fn dimension(pixels: u32) -> Result<i32> {
    i32::try_from(pixels).map_err(|_| Error::Internal(format!("a photo {pixels} pixels wide")))
}
