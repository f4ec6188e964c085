//! Lossy and lossless WebP decoded by libwebp straight at thumbnail scale (its own
//! rescaler, as vipsthumbnail does), instead of decoding every pixel first. The unsafe FFI
//! is kept to this file: libwebp writes into a buffer we own and sized ourselves.

use super::budget::{self, Reservation};
use super::decode::check_dimensions;
use crate::error::Result;
use image::{DynamicImage, RgbaImage};
use libwebp_sys as webp;

/// The picture fitted inside `target`×`target`, the full size from the header and the
/// decoding budget it holds, or `Ok(None)` for what this path doesn't handle (animations,
/// anything libwebp refuses), which the image crate then decodes or reports as damaged.
pub fn decode_scaled(bytes: &[u8], target: u32) -> Result<Option<(DynamicImage, u32, u32, Reservation)>> {
    // SAFETY: WebPDecoderConfig is a plain C struct; all-zero is a valid value (null
    // pointers, zero sizes), and WebPInitDecoderConfig then sets it up as libwebp expects.
    let mut config: webp::WebPDecoderConfig = unsafe { std::mem::zeroed() };
    // SAFETY: `config` is a valid, exclusively borrowed config.
    if !unsafe { webp::WebPInitDecoderConfig(&mut config) } {
        return Ok(None);
    }
    // SAFETY: reads at most `bytes.len()` bytes from `bytes`; writes only `config.input`.
    let status = unsafe { webp::WebPGetFeatures(bytes.as_ptr(), bytes.len(), &mut config.input) };
    if status != webp::VP8StatusCode::VP8_STATUS_OK || config.input.has_animation != 0 {
        return Ok(None);
    }
    let (Ok(width), Ok(height)) = (
        u32::try_from(config.input.width),
        u32::try_from(config.input.height),
    ) else {
        return Ok(None);
    };
    check_dimensions(width, height)?;
    // A lossless WebP is decoded whole, 4 bytes a pixel, before libwebp scales it.
    let memory = budget::reserve(u64::from(width) * u64::from(height) * 4)?;
    let (w, h) = fit(width, height, target);
    let (Ok(scaled_w), Ok(scaled_h), Ok(stride)) = (i32::try_from(w), i32::try_from(h), i32::try_from(w * 4))
    else {
        return Ok(None);
    };
    let mut pixels = vec![0u8; w as usize * h as usize * 4];
    config.options.use_scaling = 1;
    config.options.scaled_width = scaled_w;
    config.options.scaled_height = scaled_h;
    config.options.use_threads = 0;
    config.output.colorspace = webp::WEBP_CSP_MODE::MODE_RGBA;
    config.output.is_external_memory = 1;
    config.output.u.RGBA = webp::WebPRGBABuffer {
        rgba: pixels.as_mut_ptr(),
        stride,
        size: pixels.len(),
    };
    // SAFETY: libwebp reads at most `bytes.len()` bytes and writes at most `size` bytes with
    // `stride` into `pixels`, which outlives the call; the buffer is external memory, so
    // WebPFreeDecBuffer frees nothing of ours (it is called for libwebp's own bookkeeping).
    let status = unsafe {
        let status = webp::WebPDecode(bytes.as_ptr(), bytes.len(), &mut config);
        webp::WebPFreeDecBuffer(&mut config.output);
        status
    };
    if status != webp::VP8StatusCode::VP8_STATUS_OK {
        return Ok(None);
    }
    Ok(RgbaImage::from_raw(w, h, pixels).map(|rgba| (DynamicImage::ImageRgba8(rgba), width, height, memory)))
}

/// `width`×`height` scaled to fit inside `target`×`target`, never enlarged.
fn fit(width: u32, height: u32, target: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= target {
        return (width, height);
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(target) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
    };
    (scale(width), scale(height))
}
