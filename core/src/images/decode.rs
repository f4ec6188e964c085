//! Reading a photo safely: the format comes from the file's first bytes (never its name),
//! the dimensions from its header are checked against the limits BEFORE any pixel is
//! decoded, and JPEGs are decoded at reduced scale (DCT scaling), which is where almost all
//! of an import's time goes. HEIC, HEIF and AVIF go through libheif (see `heif`).

use super::budget::{self, Reservation};
use super::colour::{self, Hdr};
use crate::error::{Error, Result};
use image::metadata::Orientation;
use image::{DynamicImage, ImageBuffer, ImageDecoder, ImageFormat, ImageReader, Limits, Luma, Rgb, RgbImage};
use std::io::Cursor;

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Images with more pixels than this are refused from their header (decompression bombs).
pub const MAX_PIXELS: u64 = 100_000_000;
/// Images wider or taller than this are refused from their header (the schema's limit too).
pub const MAX_SIDE: u32 = 30_000;
/// The most memory one decoder may allocate (a 100 MP RGBA image is 400 MB).
const MAX_DECODER_ALLOC: u64 = budget::MAX_PER_IMAGE;
/// JPEGs made of more scans than this are refused: each scan of a progressive JPEG is
/// another pass over the whole picture, so a file of thousands of tiny scans takes minutes
/// to open. Encoders write about 10 (libjpeg) to 20 (mozjpeg); libjpeg-turbo's own guard
/// stops at 500.
pub const MAX_JPEG_SCANS: usize = 100;
/// A cut-short JPEG of which less than this share of the picture decoded is refused, not
/// imported with the rest grey.
const MIN_DECODED_SHARE: f64 = 0.5;

/// The formats the catalog stores, as the schema's `image_mime_known` check lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
    Tiff,
    Bmp,
    /// HEVC-coded HEIF: iPhones, Samsung and Xiaomi phones, `.hif` from cameras.
    Heic,
    /// HEIF whose brands name no codec we know from them (libheif finds out).
    Heif,
    /// AV1-coded HEIF.
    Avif,
}

/// Every format, in the order the schema lists them.
const ALL: [Format; 9] = [
    Format::Jpeg,
    Format::Png,
    Format::Webp,
    Format::Gif,
    Format::Tiff,
    Format::Bmp,
    Format::Heic,
    Format::Heif,
    Format::Avif,
];

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Tiff => "image/tiff",
            Format::Bmp => "image/bmp",
            Format::Heic => "image/heic",
            Format::Heif => "image/heif",
            Format::Avif => "image/avif",
        }
    }

    /// The extension of the stored original, derived from the content's format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Tiff => "tif",
            Format::Bmp => "bmp",
            Format::Heic => "heic",
            Format::Heif => "heif",
            Format::Avif => "avif",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Format> {
        ALL.into_iter().find(|f| f.mime() == mime)
    }

    /// The formats decoded by the extension: every one this module stores.
    pub fn all() -> &'static [Format] {
        &ALL
    }

    /// Whether a web view shows the original as it is; HEIF, AVIF and TIFF are shown
    /// through a JPEG rendition instead.
    pub fn shown_by_web_views(self) -> bool {
        matches!(
            self,
            Format::Jpeg | Format::Png | Format::Webp | Format::Gif | Format::Bmp
        )
    }

    /// Decoded by libheif rather than the image crate.
    pub fn is_heif(self) -> bool {
        matches!(self, Format::Heic | Format::Heif | Format::Avif)
    }

    /// The image crate's name for the format; `None` for those libheif decodes.
    fn image_format(self) -> Option<ImageFormat> {
        Some(match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Webp => ImageFormat::WebP,
            Format::Gif => ImageFormat::Gif,
            Format::Tiff => ImageFormat::Tiff,
            Format::Bmp => ImageFormat::Bmp,
            Format::Heic | Format::Heif | Format::Avif => return None,
        })
    }
}

/// `ftyp` brands of HEVC-coded HEIF (stills, sequences, multi-image files).
const HEVC_BRANDS: &[&[u8; 4]] = &[b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"];
/// AV1-coded HEIF.
const AVIF_BRANDS: &[&[u8; 4]] = &[b"avif", b"avis"];
/// Generic HEIF structure brands: the codec is in the file, not the brand.
const HEIF_BRANDS: &[&[u8; 4]] = &[b"mif1", b"msf1", b"mif2", b"miaf"];

/// The HEIF flavour an ISO base media file is, from its `ftyp` box: the major brand first,
/// then the compatible ones (some phones put `mif1` first). `None` for other ISO files
/// (MP4 and MOV videos, JPEG 2000).
fn heif_format(bytes: &[u8]) -> Option<Format> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let size = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let ftyp = bytes.get(8..size.clamp(16, 4096).min(bytes.len()))?;
    let major = ftyp.get(..4)?;
    let compatible = ftyp.get(8..).unwrap_or(&[]).chunks_exact(4);
    let brands = std::iter::once(major).chain(compatible);
    let is = |set: &[&[u8; 4]], brand: &[u8]| set.iter().any(|b| &b[..] == brand);
    let mut found = None;
    for brand in brands {
        if is(AVIF_BRANDS, brand) {
            return Some(Format::Avif);
        }
        if is(HEVC_BRANDS, brand) {
            found = Some(Format::Heic);
        } else if is(HEIF_BRANDS, brand) && found.is_none() {
            found = Some(Format::Heif);
        }
    }
    found
}

/// The format of `bytes`, from their magic numbers.
pub fn sniff(bytes: &[u8]) -> Result<Format> {
    if bytes.is_empty() {
        return Err(Error::validation(
            "file",
            "The file is empty (0 bytes); it may not have finished copying.",
        ));
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let format = if starts(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Format::Gif
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Format::Webp
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Format::Tiff
    } else if starts(b"BM") && bytes.len() > 26 {
        Format::Bmp
    } else if let Some(heif) = heif_format(bytes) {
        heif
    } else {
        return Err(unsupported(bytes));
    };
    Ok(format)
}

/// Why a file that is not one of our formats was refused, naming videos (a phone's Live
/// Photo or motion clip dropped with its stills) when it is one.
fn unsupported(bytes: &[u8]) -> Error {
    if bytes.get(4..8) == Some(b"ftyp") {
        return Error::validation(
            "file",
            "This is a video or another non-photo file (MP4, MOV); only photos can be imported.",
        );
    }
    Error::validation(
        "file",
        "This is not an image Shelfkeeper can read (JPEG, PNG, WebP, GIF, TIFF, BMP, HEIC, HEIF or AVIF), whatever its name says.",
    )
}

/// Refuses images whose header promises more pixels than the limits allow.
pub fn check_dimensions(width: u32, height: u32) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::Damaged(
            "The image says it is 0 pixels wide or tall; the file is damaged.".into(),
        ));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::refused(format!(
            "The image is {width}×{height} pixels; the largest side Shelfkeeper accepts is {MAX_SIDE} pixels. Resize it and import it again."
        )));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(Error::refused(format!(
            "The image is {:.0} megapixels ({width}×{height}); the limit is {} megapixels. Resize it and import it again.",
            pixels as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// A photo decoded for its thumbnail: pixels at (possibly) reduced scale, the full size from
/// the header, the EXIF orientation still to apply, the ICC profile the pixels are in (see
/// `colour`) or the HDR coding to tone-map, a warning for damage that decoded, and the
/// share of the decoding budget the pixels hold until they are dropped.
pub struct Decoded {
    pub image: DynamicImage,
    pub width: u32,
    pub height: u32,
    pub orientation: Orientation,
    pub icc: Option<Vec<u8>>,
    pub hdr: Option<Hdr>,
    pub warning: Option<String>,
    pub memory: Reservation,
}

/// Decodes `bytes` (already sniffed as `format`) to an image at least `target` pixels on a
/// side where the format can decode smaller (JPEG), else at full size.
pub fn decode(bytes: &[u8], format: Format, target: u16) -> Result<Decoded> {
    match format {
        Format::Jpeg => decode_jpeg(bytes, target),
        Format::Webp => decode_webp(bytes, target),
        Format::Heic | Format::Heif | Format::Avif => super::heif::decode(bytes),
        _ => decode_other(bytes, format),
    }
}

impl Decoded {
    fn undamaged(
        image: DynamicImage,
        width: u32,
        height: u32,
        orientation: Orientation,
        icc: Option<Vec<u8>>,
        memory: Reservation,
    ) -> Self {
        Decoded {
            image,
            width,
            height,
            orientation,
            icc,
            hdr: None,
            warning: None,
            memory,
        }
    }
}

fn damaged(what: impl std::fmt::Display) -> Error {
    Error::Damaged(format!("The image is damaged and can't be read ({what})."))
}

/// WebP through libwebp at thumbnail scale, with the EXIF orientation read by the image
/// crate from the file's chunks (cheap: no pixels are decoded for it).
fn decode_webp(bytes: &[u8], target: u16) -> Result<Decoded> {
    let Some((image, width, height, memory)) = super::webp::decode_scaled(bytes, u32::from(target))? else {
        return decode_other(bytes, Format::Webp);
    };
    let mut chunks = ImageReader::with_format(Cursor::new(bytes), ImageFormat::WebP)
        .into_decoder()
        .ok();
    let orientation = chunks
        .as_mut()
        .and_then(|d| d.orientation().ok())
        .unwrap_or(Orientation::NoTransforms);
    let icc = chunks.as_mut().and_then(|d| d.icc_profile().ok().flatten());
    Ok(Decoded::undamaged(image, width, height, orientation, icc, memory))
}

fn decode_other(bytes: &[u8], format: Format) -> Result<Decoded> {
    let format = format
        .image_format()
        .ok_or_else(|| Error::Internal(format!("{format:?} is not the image crate's to decode")))?;
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader.into_dimensions().map_err(damaged)?;
    check_dimensions(width, height)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let memory = budget::reserve(decoder.total_bytes())?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => Error::refused(
            "The image needs too much memory to open (it is very large or has 16-bit colour). Save a smaller copy and import it again.",
        ),
        other => damaged(other),
    })?;
    Ok(Decoded::undamaged(image, width, height, orientation, icc, memory))
}

/// JPEGs go through libjpeg-turbo (SIMD, DCT scaling) when they are whole and not CMYK;
/// cut-short, CMYK and anything TurboJPEG stumbles on go through jpeg-decoder, which also
/// gives the error the seller sees for a damaged file.
fn decode_jpeg(bytes: &[u8], target: u16) -> Result<Decoded> {
    let layout = jpeg_layout(bytes);
    if layout.scans > MAX_JPEG_SCANS {
        return Err(Error::refused(format!(
            "The JPEG is made of {} scans (a photo has a few dozen at most), so it would take minutes to open. Save it again from a photo editor and import it again.",
            layout.scans
        )));
    }
    let orientation = layout
        .exif
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let icc = colour::jpeg_icc(&layout.icc_chunks);
    if layout.has_end_marker {
        if let Some((image, width, height, memory)) = decode_jpeg_turbo(bytes, &layout, u32::from(target))? {
            return Ok(Decoded::undamaged(image, width, height, orientation, icc, memory));
        }
    }
    decode_jpeg_fallback(bytes, &layout, target, orientation, icc)
}

/// What a JPEG decoder holds to decode `width`×`height` into `out_pixels` pixels of 3 bytes:
/// the output, and for a progressive or multi-scan file every DCT coefficient of the picture
/// (2 bytes per sample of each component, at that component's sampling), which libjpeg and
/// jpeg-decoder both keep until the last scan.
fn jpeg_memory(layout: &JpegLayout, width: u32, height: u32, out_pixels: u64) -> u64 {
    let output = out_pixels * 3;
    if !layout.progressive && layout.scans <= 1 {
        return output;
    }
    let pixels = u64::from(width) * u64::from(height);
    let (h_max, v_max) = layout
        .sampling
        .iter()
        .fold((1, 1), |(h, v), &(hc, vc)| (h.max(hc), v.max(vc)));
    let samples: u64 = if layout.sampling.is_empty() {
        pixels * 3
    } else {
        layout
            .sampling
            .iter()
            .map(|&(hc, vc)| pixels * u64::from(hc) * u64::from(vc) / (u64::from(h_max) * u64::from(v_max)))
            .sum()
    };
    output + samples * 2
}

/// `Ok(None)` when TurboJPEG can't do it (the fallback decides whether the file is damaged).
fn decode_jpeg_turbo(
    bytes: &[u8],
    layout: &JpegLayout,
    target: u32,
) -> Result<Option<(DynamicImage, u32, u32, Reservation)>> {
    let Ok(mut decompressor) = turbojpeg::Decompressor::new() else {
        return Ok(None);
    };
    let Ok(header) = decompressor.read_header(bytes) else {
        return Ok(None);
    };
    if matches!(
        header.colorspace,
        turbojpeg::Colorspace::CMYK | turbojpeg::Colorspace::YCCK
    ) {
        return Ok(None);
    }
    let width = u32::try_from(header.width).unwrap_or(u32::MAX);
    let height = u32::try_from(header.height).unwrap_or(u32::MAX);
    check_dimensions(width, height)?;
    // The smallest n/8 DCT scale whose long side still covers the thumbnail.
    let eighths = (1..=8u32)
        .find(|k| width.max(height) * k / 8 >= target)
        .unwrap_or(8);
    let w = (width * eighths).div_ceil(8) as usize;
    let h = (height * eighths).div_ceil(8) as usize;
    let memory = budget::reserve(jpeg_memory(layout, width, height, (w * h) as u64))?;
    let mut image = turbojpeg::Image {
        pixels: vec![0u8; w * h * 3],
        width: w,
        pitch: w * 3,
        height: h,
        format: turbojpeg::PixelFormat::RGB,
    };
    if decompressor.decompress(bytes, image.as_deref_mut()).is_err() {
        return Ok(None);
    }
    Ok(RgbImage::from_raw(w as u32, h as u32, image.pixels)
        .map(|rgb| (DynamicImage::ImageRgb8(rgb), width, height, memory)))
}

fn decode_jpeg_fallback(
    bytes: &[u8],
    layout: &JpegLayout,
    target: u16,
    orientation: Orientation,
    icc: Option<Vec<u8>>,
) -> Result<Decoded> {
    let cut_short = !layout.has_end_marker;
    // A cut-short file: give the decoder the end marker it needs to finish, and tell the
    // seller how much of the picture is missing. Only damaged files pay for this copy.
    let patched;
    let whole = if cut_short {
        patched = [bytes, &[0xFF, 0xD9]].concat();
        &patched[..]
    } else {
        bytes
    };
    let (mut decoder, info, (w, h)) = jpeg_decoder_at(whole, target)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let output = u64::from(w) * u64::from(h);
    // A cut-short file is decoded twice (see `missing_share`).
    let twice = if cut_short { output * 3 } else { 0 };
    let memory = budget::reserve(jpeg_memory(layout, width, height, output) + twice)?;
    let image = jpeg_pixels(
        decoder.decode().map_err(damaged)?,
        u32::from(w),
        u32::from(h),
        info.pixel_format,
    )?;
    let warning = if cut_short {
        Some(cut_short_warning(bytes, &image, target)?)
    } else {
        None
    };
    Ok(Decoded {
        image,
        width,
        height,
        orientation,
        icc,
        hdr: None,
        warning,
        memory,
    })
}

type JpegDecoder<'a> = jpeg_decoder::Decoder<Cursor<&'a [u8]>>;

/// jpeg-decoder set up for `bytes` at the smallest scale covering `target`: the decoder, the
/// frame's size and format (checked against the limits), and the size it will decode to.
fn jpeg_decoder_at(
    bytes: &[u8],
    target: u16,
) -> Result<(JpegDecoder<'_>, jpeg_decoder::ImageInfo, (u16, u16))> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(damaged)?;
    let info = decoder.info().ok_or_else(|| damaged("no frame header"))?;
    check_dimensions(u32::from(info.width), u32::from(info.height))?;
    decoder.set_max_decoding_buffer_size(MAX_DECODER_ALLOC as usize);
    let size = decoder.scale(target, target).map_err(damaged)?;
    Ok((decoder, info, size))
}

/// The warning for a cut-short JPEG, or its refusal when most of the picture is missing.
fn cut_short_warning(bytes: &[u8], image: &DynamicImage, target: u16) -> Result<String> {
    let Some(missing) = missing_share(bytes, image, target) else {
        return Ok(
            "The JPEG is cut short (its end marker is missing): part of the picture may be grey. \
                   It was imported; check it, and import a complete copy if one exists."
                .to_owned(),
        );
    };
    let decoded = 1.0 - missing;
    if decoded < MIN_DECODED_SHARE {
        return Err(Error::Damaged(format!(
            "The JPEG is cut short: only the top {:.0}% of the picture is in the file, the rest would be made up. It may not have finished copying; import a complete copy.",
            (decoded * 100.0).floor()
        )));
    }
    Ok(format!(
        "The JPEG is cut short (its end marker is missing): the bottom {:.0}% of the picture is not in the file and shows as grey or noise. \
         It was imported; check it, and import a complete copy if one exists.",
        (missing * 100.0).ceil().max(1.0)
    ))
}

/// The share of the picture's rows a cut-short JPEG does not hold. Past the cut the decoder
/// reads zero bits, which always decode to something, so the rows after the cut come out
/// made up rather than missing. Decoded again a little shorter still (`TRIM` bytes less),
/// the rows that come out the same in both are the ones the shorter file holds, and the
/// first row that differs is where its made-up pixels start: at most `TRIM` bytes of
/// picture before the end of the file. `None` when the shorter copy doesn't decode.
fn missing_share(bytes: &[u8], image: &DynamicImage, target: u16) -> Option<f64> {
    const TRIM: usize = 512;
    let shorter = [bytes.get(..bytes.len().checked_sub(TRIM)?)?, &[0xFF, 0xD9]].concat();
    let (mut decoder, info, (w, h)) = jpeg_decoder_at(&shorter, target).ok()?;
    let pixels = decoder.decode().ok()?;
    let other = jpeg_pixels(pixels, u32::from(w), u32::from(h), info.pixel_format)
        .ok()?
        .to_rgb8();
    let ours = image.to_rgb8();
    let same = ours
        .rows()
        .zip(other.rows())
        .take_while(|(a, b)| a.clone().eq(b.clone()))
        .count();
    Some(1.0 - same as f64 / f64::from(ours.height().max(1)))
}

fn jpeg_pixels(pixels: Vec<u8>, w: u32, h: u32, format: jpeg_decoder::PixelFormat) -> Result<DynamicImage> {
    use jpeg_decoder::PixelFormat;
    let short = || damaged("fewer pixels than the header says");
    let image = match format {
        PixelFormat::L8 => {
            DynamicImage::ImageLuma8(ImageBuffer::<Luma<u8>, _>::from_raw(w, h, pixels).ok_or_else(short)?)
        }
        PixelFormat::L16 => {
            let wide: Vec<u16> = pixels
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            DynamicImage::ImageLuma16(ImageBuffer::<Luma<u16>, _>::from_raw(w, h, wide).ok_or_else(short)?)
        }
        PixelFormat::RGB24 => {
            DynamicImage::ImageRgb8(ImageBuffer::<Rgb<u8>, _>::from_raw(w, h, pixels).ok_or_else(short)?)
        }
        PixelFormat::CMYK32 => DynamicImage::ImageRgb8(cmyk_to_rgb(&pixels, w, h).ok_or_else(short)?),
    };
    Ok(image)
}

/// Naive CMYK → RGB (no ICC profile): good enough for a thumbnail of a print-shop JPEG.
fn cmyk_to_rgb(pixels: &[u8], w: u32, h: u32) -> Option<RgbImage> {
    let rgb: Vec<u8> = pixels
        .chunks_exact(4)
        .flat_map(|p| {
            let k = 255 - u16::from(p[3]);
            let channel = |c: u8| ((255 - u16::from(c)) * k / 255) as u8;
            [channel(p[0]), channel(p[1]), channel(p[2])]
        })
        .collect();
    RgbImage::from_raw(w, h, rgb)
}

/// What the JPEG's marker segments tell before decoding: its EXIF block (TIFF header on), the
/// chunks of its ICC profile, whether it is progressive and each component's sampling
/// factors (from the frame header), how many scans it has, and whether an end-of-image
/// marker follows them.
#[derive(Default)]
struct JpegLayout<'a> {
    exif: Option<&'a [u8]>,
    icc_chunks: Vec<&'a [u8]>,
    progressive: bool,
    sampling: Vec<(u8, u8)>,
    scans: usize,
    has_end_marker: bool,
}

/// Start-of-frame markers (every one but DHT C4, JPG C8 and DAC CC); C2, C6, CA and CE are
/// the progressive ones.
fn frame_kind(marker: u8) -> Option<bool> {
    match marker {
        0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
            Some(matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE))
        }
        _ => None,
    }
}

/// The sampling factors of each component listed in a frame header's body.
fn sampling_factors(body: &[u8]) -> Vec<(u8, u8)> {
    let count = body.get(5).copied().unwrap_or(0) as usize;
    body.get(6..6 + 3 * count)
        .unwrap_or(&[])
        .chunks_exact(3)
        .map(|c| ((c[1] >> 4).max(1), (c[1] & 0x0F).max(1)))
        .collect()
}

/// Walks the marker segments up to the first scan. After it, entropy-coded data stuffs every
/// 0xFF as FF 00, so an FF DA there starts another scan and an FF D9 is the real end marker
/// (bytes a phone appends after it, such as a motion photo's video, are not counted and
/// don't hide a cut-short file).
fn jpeg_layout(bytes: &[u8]) -> JpegLayout<'_> {
    let mut layout = JpegLayout::default();
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            break;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let body = bytes.get(at + 4..at + 2 + len);
        if marker == 0xE1 && layout.exif.is_none() {
            layout.exif = body.and_then(|b| b.strip_prefix(b"Exif\0\0"));
        }
        if marker == 0xE2 {
            layout
                .icc_chunks
                .extend(body.and_then(|b| b.strip_prefix(b"ICC_PROFILE\0")));
        }
        if let (Some(progressive), true) = (frame_kind(marker), layout.sampling.is_empty()) {
            layout.progressive = progressive;
            layout.sampling = sampling_factors(bytes.get(at + 4..at + 2 + len).unwrap_or(&[]));
        }
        if marker == 0xDA {
            let scan = bytes.get(at + 2 + len..).unwrap_or(&[]);
            layout.scans = 1;
            for at in memchr::memchr_iter(0xFF, scan) {
                match scan.get(at + 1) {
                    Some(0xD9) => {
                        layout.has_end_marker = true;
                        break;
                    }
                    Some(0xDA) => layout.scans += 1,
                    _ => {}
                }
            }
            return layout;
        }
        at += 2 + len;
    }
    layout
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len() as u32;
        let mut bytes = size.to_be_bytes().to_vec();
        bytes.extend_from_slice(b"ftyp");
        bytes.extend_from_slice(major);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        compatible.iter().for_each(|b| bytes.extend_from_slice(&b[..]));
        bytes.extend_from_slice(b"\0\0\0\x08meta");
        bytes
    }

    #[test]
    fn heif_flavours_come_from_the_brands() {
        assert_eq!(sniff(&ftyp(b"heic", &[b"mif1", b"heic"])).unwrap(), Format::Heic);
        assert_eq!(sniff(&ftyp(b"mif1", &[b"heic", b"miaf"])).unwrap(), Format::Heic);
        assert_eq!(sniff(&ftyp(b"heix", &[b"mif1"])).unwrap(), Format::Heic);
        assert_eq!(sniff(&ftyp(b"avif", &[b"mif1", b"miaf"])).unwrap(), Format::Avif);
        assert_eq!(sniff(&ftyp(b"mif1", &[b"miaf", b"avif"])).unwrap(), Format::Avif);
        assert_eq!(sniff(&ftyp(b"mif1", &[b"miaf"])).unwrap(), Format::Heif);
        let video = sniff(&ftyp(b"isom", &[b"mp41", b"avc1"])).unwrap_err();
        assert!(video.to_string().contains("video"), "{video}");
        // A size that claims more than the file holds reads only what is there.
        let mut lying = ftyp(b"mif1", &[b"heic"]);
        lying[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(sniff(&lying).unwrap(), Format::Heic);
    }

    #[test]
    fn limits_are_checked_from_the_header() {
        assert!(check_dimensions(30_000, 3_000).is_ok());
        assert!(check_dimensions(30_001, 10).is_err());
        assert!(check_dimensions(10_001, 10_000).is_err());
        assert!(check_dimensions(10_000, 10_000).is_ok());
    }
}
