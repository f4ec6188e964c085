//! Thumbnails: fit inside 256×256, converted to sRGB, EXIF orientation and the seller's
//! rotation applied to the small image only, transparency flattened on white (every thumbnail
//! is an opaque JPEG, so the grid looks the same whatever the source), and under the schema's
//! 64 KiB cap.

use super::colour;
use super::decode::Decoded;
use super::Thumbnail;
use crate::error::{Error, Result};
use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, Rgb, RgbImage};

/// The long side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 256;
/// The schema's `thumbnail_size_cap`, in bytes.
pub const THUMBNAIL_CAP: usize = 65_536;
/// Qualities tried in turn until the thumbnail fits under the cap.
const QUALITIES: [u8; 5] = [85, 75, 60, 45, 30];

/// Makes the thumbnail of a decoded photo with the stored `rotation` (clockwise degrees).
pub fn make(decoded: Decoded, rotation: i64) -> Result<Thumbnail> {
    encode(&render(decoded, THUMBNAIL_SIDE, rotation))
}

/// The picture as a seller sees it, fitting `side`×`side`: shrunk first (colour work on
/// the small image), tone-mapped or converted to sRGB, turned the way the file says and then
/// by the seller's `rotation`, and flattened on white. Thumbnails and JPEG renditions both.
pub fn render(decoded: Decoded, side: u32, rotation: i64) -> RgbImage {
    let Decoded {
        image,
        orientation,
        icc,
        hdr,
        ..
    } = decoded;
    let small = shrink(image, side);
    let mut small = match hdr {
        Some(hdr) => colour::tone_map(&small, hdr),
        None => colour::to_srgb(small, icc.as_deref()),
    };
    small.apply_orientation(orientation);
    small.apply_orientation(rotation_orientation(rotation));
    flatten_on_white(&small)
}

/// Shrinks to fit a `side`×`side` box; a smaller image is never enlarged.
fn shrink(image: DynamicImage, side: u32) -> DynamicImage {
    if image.width() <= side && image.height() <= side {
        image
    } else {
        image.thumbnail(side, side)
    }
}

fn rotation_orientation(rotation: i64) -> Orientation {
    match rotation.rem_euclid(360) {
        90 => Orientation::Rotate90,
        180 => Orientation::Rotate180,
        270 => Orientation::Rotate270,
        _ => Orientation::NoTransforms,
    }
}

/// Composites any alpha over white, in 8-bit sRGB.
fn flatten_on_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(src[3]);
        let blend = |c: u8| ((u16::from(c) * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
        *dst = Rgb([blend(src[0]), blend(src[1]), blend(src[2])]);
    }
    out
}

/// JPEG at the first quality that fits under the cap.
fn encode(image: &RgbImage) -> Result<Thumbnail> {
    for quality in QUALITIES {
        let mut bytes = Vec::with_capacity(32 * 1024);
        JpegEncoder::new_with_quality(&mut bytes, quality)
            .encode_image(image)
            .map_err(|e| Error::Internal(format!("Can't encode the thumbnail: {e}")))?;
        if bytes.len() <= THUMBNAIL_CAP {
            return Ok(Thumbnail {
                bytes,
                mime: "image/jpeg".into(),
                width: i64::from(image.width()),
                height: i64::from(image.height()),
            });
        }
    }
    Err(Error::refused(
        "The thumbnail of this photo stays over the 64 KiB cap even at low quality.",
    ))
}
