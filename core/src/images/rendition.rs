//! JPEG copies of originals that a web view or a shop can't take as they are: the window
//! can't show HEIC, HEIF, AVIF or TIFF, and Etsy and many WooCommerce hosts refuse HEIC.
//! The original is never replaced. For the viewer the copy is about 2048 px on its long side,
//! made once and kept in `renditions/` (a cache: not backed up, made again when missing); for
//! an export it is full size. Either is in sRGB, the way up the file says (HEIF transforms,
//! EXIF orientation), without the seller's rotation, which is applied wherever the original
//! is shown (the viewer turns both alike), and flattened on white.

use super::cache::PhotoCache;
use super::decode::{self, Format};
use super::{original_file, store, thumbnail};
use crate::error::{Error, Result};
use crate::Catalog;
use image::codecs::jpeg::JpegEncoder;
use std::path::PathBuf;

/// The long side of the viewer's rendition, in pixels.
pub const VIEWER_SIDE: u32 = 2048;
const QUALITY: u8 = 90;

/// A JPEG of `bytes` (sniffed as `format`) fitting `side`×`side` (never enlarged).
pub fn jpeg(bytes: &[u8], format: Format, side: u32) -> Result<Vec<u8>> {
    let target = u16::try_from(side).unwrap_or(u16::MAX);
    let decoded = decode::decode(bytes, format, target)?;
    let picture = thumbnail::render(decoded, side, 0);
    let mut out = Vec::with_capacity(picture.as_raw().len() / 8);
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&picture)
        .map_err(|e| Error::Internal(format!("Can't encode the JPEG copy: {e}")))?;
    Ok(out)
}

/// What the viewer shows for a team catalog's photo (`mime` its type), from this computer's
/// cache: the original when a web view can show it (fetched from the server with `fetch`
/// and kept, when the cache lacks it), else its JPEG rendition, made once and kept. The
/// bytes and their MIME type.
pub fn viewable_in_cache(
    cache: &PhotoCache,
    sha256: &str,
    mime: &str,
    fetch: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<(Vec<u8>, String)> {
    let format = Format::from_mime(mime)
        .ok_or_else(|| Error::Damaged(format!("Photo {sha256} has an unknown type {mime}.")))?;
    let shown = format.shown_by_web_views();
    if !shown {
        if let Some(jpeg) = cache.rendition(sha256)? {
            return Ok((jpeg, "image/jpeg".into()));
        }
    }
    let original = match cache.read(sha256, format)? {
        Some(bytes) => bytes,
        None => {
            let bytes = fetch()?;
            cache.keep(sha256, format, &bytes)?;
            bytes
        }
    };
    if shown {
        return Ok((original, mime.to_owned()));
    }
    let rendition = jpeg(&original, format, VIEWER_SIDE)?;
    cache.keep_rendition(sha256, &rendition)?;
    Ok((rendition, "image/jpeg".into()))
}

/// What the viewer shows for a photo: its original when a web view can show that, else the
/// JPEG rendition, made now if it is not in the cache yet. The path and its MIME type.
pub fn viewable_file(catalog: &Catalog, sha256: &str) -> Result<(PathBuf, String)> {
    let (original, mime) = original_file(catalog, sha256)?;
    let format = Format::from_mime(&mime)
        .ok_or_else(|| Error::Damaged(format!("Photo {sha256} has an unknown type {mime}.")))?;
    if format.shown_by_web_views() {
        return Ok((original, mime));
    }
    let library = catalog.library();
    let cached = library.rendition_path(sha256)?;
    if cached.metadata().is_ok_and(|m| m.len() > 0) {
        return Ok((cached, "image/jpeg".into()));
    }
    let bytes =
        std::fs::read(&original).map_err(|e| Error::io("Can't read the original photo", &original, e))?;
    let rendition = jpeg(&bytes, format, VIEWER_SIDE)?;
    let path = store::write_rendition(library, sha256, &rendition)?;
    Ok((path, "image/jpeg".into()))
}
