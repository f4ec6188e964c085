//! HEIC, HEIF and AVIF (the photos iPhones and many Android phones save, `.hif` from Sony and
//! Fujifilm cameras) through libheif, which decodes HEVC with libde265 and AV1 with dav1d or
//! aom. libheif does the parts phones get creative with: it assembles grid (tiled) images,
//! applies the file's rotation and mirror properties (`irot`/`imir`) while decoding, and its
//! own security limits stay at their defaults. We add what every other format gets here: the
//! size limits checked from the header before a pixel is decoded, only the primary image of
//! a file that holds several (bursts, depth maps, thumbnails), and the colour it is tagged
//! with handed on to the thumbnail code.
//!
//! Orientation: the HEIF transforms are the only ones applied. An EXIF orientation tag
//! inside a HEIF file describes the picture before those transforms (phones write both), so
//! applying it too would turn the photo twice; [`Decoded::orientation`] is always "none".

use super::budget;
use super::colour::{self, Hdr};
use super::decode::{check_dimensions, Decoded};
use crate::error::{Error, Result};
use image::metadata::Orientation;
use image::{DynamicImage, ImageBuffer, Rgb, Rgba};
use libheif_rs::{
    ColorPrimaries, ColorSpace, HeifContext, HeifError, ImageHandle, LibHeif, RgbChroma,
    TransferCharacteristics,
};
use std::sync::OnceLock;

/// libheif's global state, set up once for the process (its init is reference-counted and
/// loads codec plugins on first use).
fn libheif() -> &'static LibHeif {
    static LIBHEIF: OnceLock<LibHeif> = OnceLock::new();
    LIBHEIF.get_or_init(LibHeif::new)
}

fn damaged(error: &HeifError) -> Error {
    Error::Damaged(format!(
        "The image is damaged and can't be read ({}).",
        plain(error)
    ))
}

/// libheif's message without its enum names ("Invalid input: No 'ftyp' box" rather than
/// `InvalidInput(NoFtypBox) ...`), falling back to the names when it gives no message.
fn plain(error: &HeifError) -> String {
    if error.message.trim().is_empty() {
        format!("{:?}, {:?}", error.code, error.sub_code)
    } else {
        error.message.trim().to_owned()
    }
}

/// Decodes the primary image at full size (libheif has no reduced-scale decoding), with its
/// transforms applied, 8-bit unless it is a PQ HDR picture that needs tone mapping.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    let mut context = HeifContext::read_from_bytes(bytes).map_err(|e| damaged(&e))?;
    // One decoding thread per image: the import already runs one image per core.
    context.set_max_decoding_threads(1);
    let handle = context.primary_image_handle().map_err(|e| damaged(&e))?;
    // The size after the transforms; the coded size (`ispe`) has the same pixel count.
    let (width, height) = (handle.width(), handle.height());
    check_dimensions(width, height)?;
    let ispe = (handle.ispe_width(), handle.ispe_height());
    if ispe.0 > 0 && ispe.1 > 0 {
        check_dimensions(ispe.0 as u32, ispe.1 as u32)?;
    }
    let (icc, hdr) = colour_of(&handle);
    let alpha = handle.has_alpha_channel();
    let wide = hdr.is_some() && handle.luma_bits_per_pixel() > 8;
    // libheif's decoded planes (up to 3 samples a pixel), its interleaved RGB(A) and our
    // copy of it without row padding.
    let sample = if wide { 2 } else { 1 };
    let channels = if alpha { 4 } else { 3 };
    let memory = budget::reserve(u64::from(width) * u64::from(height) * sample * (3 + 2 * channels))?;
    let image = if wide {
        decode_wide(&handle, alpha)?
    } else {
        decode_8bit(&handle, alpha)?
    };
    Ok(Decoded {
        image,
        width,
        height,
        orientation: Orientation::NoTransforms,
        icc,
        hdr,
        warning: None,
        memory,
    })
}

/// The ICC profile the pixels are in, or the colour the file's `nclx` box names: Display P3
/// (iPhones), BT.2020 (cameras' HDR modes); HLG is made to be watched as SDR, so it is
/// treated as BT.2020 SDR, while PQ needs tone mapping ([`Hdr`]).
fn colour_of(handle: &ImageHandle) -> (Option<Vec<u8>>, Option<Hdr>) {
    if let Some(profile) = handle.color_profile_raw() {
        if !profile.data.is_empty() {
            return (Some(profile.data), None);
        }
    }
    let Some(nclx) = handle.color_profile_nclx() else {
        return (None, None);
    };
    let wide = nclx.color_primaries() == ColorPrimaries::ITU_R_BT_2020_2_and_2100_0;
    if nclx.transfer_characteristics() == TransferCharacteristics::ITU_R_BT_2100_0_PQ {
        return (None, Some(Hdr::Pq { bt2020: wide }));
    }
    let icc = match nclx.color_primaries() {
        ColorPrimaries::SMPTE_EG_432_1 => colour::display_p3_icc(),
        ColorPrimaries::ITU_R_BT_2020_2_and_2100_0 => colour::bt2020_icc(),
        _ => None,
    };
    (icc, None)
}

/// 8-bit RGB or RGBA; 10- and 12-bit images are scaled down by libheif.
fn decode_8bit(handle: &ImageHandle, alpha: bool) -> Result<DynamicImage> {
    let chroma = if alpha { RgbChroma::Rgba } else { RgbChroma::Rgb };
    let (pixels, width, height, _) = decode_interleaved(handle, chroma, alpha, 1)?;
    let image = if alpha {
        ImageBuffer::<Rgba<u8>, _>::from_raw(width, height, pixels).map(DynamicImage::ImageRgba8)
    } else {
        ImageBuffer::<Rgb<u8>, _>::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8)
    };
    image.ok_or_else(short_plane)
}

/// 16-bit RGB(A) of a 10- or 12-bit image, its values stretched to the full 16-bit range, for
/// the tone mapping that brings PQ HDR to 8-bit sRGB.
fn decode_wide(handle: &ImageHandle, alpha: bool) -> Result<DynamicImage> {
    let chroma = if alpha {
        RgbChroma::HdrRgbaLe
    } else {
        RgbChroma::HdrRgbLe
    };
    let (bytes, width, height, bits) = decode_interleaved(handle, chroma, alpha, 2)?;
    let max = f32::from(((1u32 << bits.clamp(9, 16)) - 1) as u16);
    let wide: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| (f32::from(u16::from_le_bytes([c[0], c[1]])) / max * 65535.0).round() as u16)
        .collect();
    let image = if alpha {
        ImageBuffer::<Rgba<u16>, _>::from_raw(width, height, wide).map(DynamicImage::ImageRgba16)
    } else {
        ImageBuffer::<Rgb<u16>, _>::from_raw(width, height, wide).map(DynamicImage::ImageRgb16)
    };
    image.ok_or_else(short_plane)
}

/// Decodes to one interleaved plane of `chroma` (`bytes_per_sample` 1 or 2): its rows without
/// padding, its size and its bits per sample.
///
/// Decoding options are never passed: libheif-rs 0.20's `decode` frees the options it is
/// given before libheif reads them (a use-after-free that showed as rotations ignored at
/// random). libheif's defaults are what we want anyway: transforms applied, output in the
/// bit depth of the chroma asked for.
fn decode_interleaved(
    handle: &ImageHandle,
    chroma: RgbChroma,
    alpha: bool,
    bytes_per_sample: usize,
) -> Result<(Vec<u8>, u32, u32, u8)> {
    let image = libheif()
        .decode(handle, ColorSpace::Rgb(chroma), None)
        .map_err(|e| damaged(&e))?;
    let planes = image.planes();
    let plane = planes
        .interleaved
        .ok_or_else(|| Error::Internal("libheif gave no interleaved RGB plane".into()))?;
    let channels = if alpha { 4 } else { 3 };
    let row_bytes = plane.width as usize * channels * bytes_per_sample;
    let pixels = rows(plane.data, plane.stride, row_bytes, plane.height)?;
    Ok((pixels, plane.width, plane.height, plane.bits_per_pixel))
}

fn short_plane() -> Error {
    Error::Internal("libheif gave fewer pixels than its plane's size".into())
}

/// The rows of a plane without the padding at the end of each (`stride` ≥ the row's bytes).
fn rows(data: &[u8], stride: usize, row_bytes: usize, height: u32) -> Result<Vec<u8>> {
    let height = height as usize;
    if stride < row_bytes || data.len() < stride * height.saturating_sub(1) + row_bytes {
        return Err(Error::Internal(
            "libheif's plane is smaller than its size says".into(),
        ));
    }
    let mut out = Vec::with_capacity(row_bytes * height);
    for row in data.chunks(stride).take(height) {
        out.extend_from_slice(&row[..row_bytes]);
    }
    Ok(out)
}
