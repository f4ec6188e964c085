//! A team catalog's photos as an export reads them: each product's live photos in position
//! order, an original by its hash, and its bytes, which the server holds (`originals.bytes`,
//! checked against the hash by the server's own rule). An original is read whole, one at a
//! time.

use crate::catalog::ProductId;
use crate::error::Result;
use crate::export::ExportImage;
use postgres::{Client, Row};

const PHOTOS_OF: &str = "SELECT i.sha256, i.position, i.alt_text, o.mime, o.width, o.height, o.byte_size,
    o.file_name
  FROM product_images AS i JOIN originals AS o ON o.sha256 = i.sha256
  WHERE i.product_id = $1 AND i.deleted_at IS NULL ORDER BY i.position, i.id";
const ORIGINAL_PHOTO: &str = "SELECT sha256, -1, '', mime, width, height, byte_size, file_name
  FROM originals WHERE sha256 = $1";
const ORIGINAL_BYTES: &str = "SELECT bytes FROM originals WHERE sha256 = $1";

pub(crate) fn photos_of(client: &mut Client, id: ProductId) -> Result<Vec<ExportImage>> {
    Ok(client.query(PHOTOS_OF, &[&id])?.iter().map(photo).collect())
}

pub(crate) fn original_photo(client: &mut Client, sha256: &str) -> Result<Option<ExportImage>> {
    Ok(client.query_opt(ORIGINAL_PHOTO, &[&sha256])?.as_ref().map(photo))
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
