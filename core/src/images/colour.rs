//! Colour management for thumbnails. Phones and cameras tag photos with the colour space they
//! were taken in (Display P3 on iPhones, Adobe RGB on many cameras, a grey profile from a
//! scanner); read as if they were sRGB, their colours come out dull or shifted. A thumbnail is
//! converted to sRGB through the photo's embedded ICC profile with moxcms (the colour engine
//! the image crate itself depends on), on the small image after shrinking: 65,536 pixels, not
//! 12 million. A profile that can't be read or applied is ignored, as browsers do: the photo
//! still imports, in its colours as stored.

use image::{DynamicImage, GenericImageView, RgbImage, RgbaImage};
use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

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
    fn an_unreadable_profile_leaves_the_pixels_alone() {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(2, 2, image::Rgb([10, 20, 30])));
        let same = to_srgb(image.clone(), Some(b"not a profile"));
        assert_eq!(same.to_rgb8(), image.to_rgb8());
    }
}
