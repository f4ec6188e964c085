//! Colour management for thumbnails. Phones and cameras tag photos with the colour space they
//! were taken in (Display P3 on iPhones, Adobe RGB on many cameras, a grey profile from a
//! scanner); read as if they were sRGB, their colours come out dull or shifted. A thumbnail is
//! converted to sRGB through the photo's embedded ICC profile with moxcms (the colour engine
//! the image crate itself depends on), on the small image after shrinking: 65,536 pixels, not
//! 12 million. A profile that can't be read or applied is ignored, as browsers do: the photo
//! still imports, in its colours as stored.

use image::{DynamicImage, GenericImageView, RgbImage, RgbaImage};
use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
use std::sync::OnceLock;

/// A picture whose pixels are not SDR and need tone mapping to 8-bit sRGB: PQ (SMPTE ST
/// 2084) from a camera's or phone's HDR mode, coded in BT.2020 or in BT.709 primaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hdr {
    Pq { bt2020: bool },
}

/// ICC profiles for the colour spaces HEIF files name by number (`nclx`) instead of
/// embedding a profile, written once by moxcms so they take the same path as embedded ones.
pub fn display_p3_icc() -> Option<Vec<u8>> {
    static P3: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    P3.get_or_init(|| ColorProfile::new_display_p3().encode().ok())
        .clone()
}

pub fn bt2020_icc() -> Option<Vec<u8>> {
    static BT2020: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    BT2020
        .get_or_init(|| ColorProfile::new_bt2020().encode().ok())
        .clone()
}

/// HDR pixels (16-bit, PQ-coded) to 8-bit sRGB. Diffuse white in PQ is 203 cd/m² (ITU-R
/// BT.2408): it and everything below it are kept in proportion, highlights are rolled off
/// towards white (extended Reinhard on the brightest channel, so hues stay), and colours
/// outside sRGB are clipped only at the end. A face at 100-200 cd/m² lands in the upper
/// mid-tones, never on white.
pub fn tone_map(image: &DynamicImage, hdr: Hdr) -> DynamicImage {
    let Hdr::Pq { bt2020 } = hdr;
    let eotf = pq_table();
    let (width, height) = image.dimensions();
    let alpha = image.color().has_alpha();
    let wide = image.to_rgba16();
    let mut out = Vec::with_capacity(width as usize * height as usize * if alpha { 4 } else { 3 });
    for p in wide.pixels() {
        let mut rgb = [0, 1, 2].map(|c| eotf[usize::from(p[c] >> 4)]);
        if bt2020 {
            rgb = bt2020_to_bt709(rgb);
        }
        let peak = rgb[0].max(rgb[1]).max(rgb[2]);
        if peak > 0.0 {
            // The brightest PQ can code (10,000 cd/m²) lands on white; nothing clips.
            const WHITE: f32 = 10_000.0 / 203.0;
            let mapped = peak * (1.0 + peak / (WHITE * WHITE)) / (1.0 + peak);
            rgb = rgb.map(|c| c.max(0.0) * mapped / peak);
        }
        out.extend(rgb.map(srgb_encode));
        if alpha {
            out.push((p[3] >> 8) as u8);
        }
    }
    if alpha {
        RgbaImage::from_raw(width, height, out).map_or_else(|| image.clone(), DynamicImage::ImageRgba8)
    } else {
        RgbImage::from_raw(width, height, out).map_or_else(|| image.clone(), DynamicImage::ImageRgb8)
    }
}

/// PQ signal (12 bits of it) → linear light relative to diffuse white (203 cd/m²).
fn pq_table() -> &'static [f32; 4096] {
    static TABLE: OnceLock<Box<[f32; 4096]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        const M1: f64 = 2610.0 / 16384.0;
        const M2: f64 = 2523.0 / 4096.0 * 128.0;
        const C1: f64 = 3424.0 / 4096.0;
        const C2: f64 = 2413.0 / 4096.0 * 32.0;
        const C3: f64 = 2392.0 / 4096.0 * 32.0;
        let mut table = Box::new([0f32; 4096]);
        for (i, slot) in table.iter_mut().enumerate() {
            let e = (i as f64 + 0.5) / 4096.0;
            let p = e.powf(1.0 / M2);
            let y = ((p - C1).max(0.0) / (C2 - C3 * p)).powf(1.0 / M1);
            *slot = (y * 10_000.0 / 203.0) as f32;
        }
        table
    })
}

fn bt2020_to_bt709([r, g, b]: [f32; 3]) -> [f32; 3] {
    [
        1.660_491 * r - 0.587_641 * g - 0.072_850 * b,
        -0.124_550 * r + 1.132_9 * g - 0.008_349 * b,
        -0.018_151 * r - 0.100_579 * g + 1.118_73 * b,
    ]
}

fn srgb_encode(linear: f32) -> u8 {
    let c = linear.clamp(0.0, 1.0);
    let v = if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    (v * 255.0 + 0.5) as u8
}

/// `image` in sRGB, given the ICC profile it was tagged with (if any).
pub fn to_srgb(image: DynamicImage, icc: Option<&[u8]>) -> DynamicImage {
    let Some(profile) = icc.and_then(|bytes| ColorProfile::new_from_slice(bytes).ok()) else {
        return image;
    };
    convert(&image, &profile).unwrap_or(image)
}

/// `None` when the profile doesn't fit the pixels (a grey profile on a colour image, a CMYK
/// profile on decoded RGB) or moxcms can't build the transform.
fn convert(image: &DynamicImage, profile: &ColorProfile) -> Option<DynamicImage> {
    let alpha = image.color().has_alpha();
    let (from, pixels) = match (profile.color_space, alpha) {
        (DataColorSpace::Rgb, false) => (Layout::Rgb, image.to_rgb8().into_raw()),
        (DataColorSpace::Rgb, true) => (Layout::Rgba, image.to_rgba8().into_raw()),
        (DataColorSpace::Gray, _) if image.color().has_color() => return None,
        (DataColorSpace::Gray, false) => (Layout::Gray, image.to_luma8().into_raw()),
        (DataColorSpace::Gray, true) => (Layout::GrayAlpha, image.to_luma_alpha8().into_raw()),
        _ => return None,
    };
    let to = if alpha { Layout::Rgba } else { Layout::Rgb };
    let transform = profile
        .create_transform_8bit(from, &ColorProfile::new_srgb(), to, TransformOptions::default())
        .ok()?;
    let (width, height) = image.dimensions();
    let mut out = vec![0u8; width as usize * height as usize * to.channels()];
    transform.transform(&pixels, &mut out).ok()?;
    if alpha {
        RgbaImage::from_raw(width, height, out).map(DynamicImage::ImageRgba8)
    } else {
        RgbImage::from_raw(width, height, out).map(DynamicImage::ImageRgb8)
    }
}

/// The ICC profile carried in a JPEG's APP2 segments (`ICC_PROFILE\0`, then the chunk's
/// number from 1 and the count, then its part of the profile), joined in order. `None` when
/// a chunk is missing or numbered oddly: half a profile is no profile.
pub fn jpeg_icc(chunks: &[&[u8]]) -> Option<Vec<u8>> {
    let count = usize::from(*chunks.first()?.get(1)?);
    if chunks.len() != count {
        return None;
    }
    let mut ordered: Vec<&[u8]> = vec![&[]; count];
    for chunk in chunks {
        let (&number, rest) = chunk.split_first()?;
        let slot = ordered.get_mut(usize::from(number).checked_sub(1)?)?;
        if !slot.is_empty() || rest.first() != Some(&(count as u8)) {
            return None;
        }
        *slot = &rest[1..];
    }
    Some(ordered.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_chunks_join_in_their_numbered_order() {
        let chunks: [&[u8]; 2] = [&[2, 2, b'c', b'd'], &[1, 2, b'a', b'b']];
        assert_eq!(jpeg_icc(&chunks).as_deref(), Some(&b"abcd"[..]));
        let missing: [&[u8]; 1] = [&[1, 2, b'a']];
        assert_eq!(jpeg_icc(&missing), None);
        let twice: [&[u8]; 2] = [&[1, 2, b'a'], &[1, 2, b'b']];
        assert_eq!(jpeg_icc(&twice), None);
        assert_eq!(jpeg_icc(&[]), None);
    }

    #[test]
    fn profiles_named_by_number_convert_like_embedded_ones() {
        // Display P3 (230, 60, 40) is about (250, 31, 14) in sRGB, worked out by hand from
        // the two spaces' primaries (D65 both) and the sRGB curve they share.
        let red = DynamicImage::ImageRgb8(RgbImage::from_pixel(2, 2, image::Rgb([230, 60, 40])));
        let srgb = to_srgb(red, display_p3_icc().as_deref()).to_rgb8();
        let got = srgb.get_pixel(0, 0).0;
        for (a, b) in got.iter().zip([250u8, 31, 14]) {
            assert!(a.abs_diff(b) <= 4, "{got:?}");
        }
    }

    #[test]
    fn pq_diffuse_white_is_kept_below_white_and_highlights_above_it() {
        // PQ 0.58 is about 203 cd/m² (diffuse white); 0.75 about 1,000 cd/m².
        let pixels = |v: f32| image::Rgb([(v * 65535.0) as u16; 3]);
        let image = DynamicImage::ImageRgb16(image::ImageBuffer::from_fn(2, 1, |x, _| {
            pixels(if x == 0 { 0.58 } else { 0.75 })
        }));
        let out = tone_map(&image, Hdr::Pq { bt2020: true }).to_rgb8();
        let (white, bright) = (out.get_pixel(0, 0)[0], out.get_pixel(1, 0)[0]);
        assert!((170..=215).contains(&white), "{white}");
        assert!(bright > white && bright < 255, "{bright}");
    }

    #[test]
    fn an_unreadable_profile_leaves_the_pixels_alone() {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(2, 2, image::Rgb([10, 20, 30])));
        let same = to_srgb(image.clone(), Some(b"not a profile"));
        assert_eq!(same.to_rgb8(), image.to_rgb8());
    }
}
