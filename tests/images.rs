//! The image library: import (formats, limits, damage, dedup, SKU grouping, cancel, kill -9),
//! thumbnails pointing the right way, image operations, check/repair, and the inbox watcher.
//! Every image is generated here; nothing binary is committed.

use crate::util::{product, spawn_shelf, stderr, stdout, walk_files, Shared, TestLibrary};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use shelf_core::catalog::ProductId;
use shelf_core::images::{self, ImportTarget};
use shelf_core::job::{CancelToken, Job, JobReport, Outcome};
use shelf_core::Catalog;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------- generated images ----------

/// A photo-like picture: a gradient plus a pattern seeded by `seed`, so each seed is a
/// different photo (a different hash).
fn picture(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let n = x
            .wrapping_mul(31)
            .wrapping_add(y.wrapping_mul(17))
            .wrapping_add(seed.wrapping_mul(97));
        Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            (n % 251) as u8,
        ])
    })
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(image)
        .unwrap();
    bytes
}

fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

/// Inserts an EXIF APP1 segment holding only an Orientation tag right after SOI.
fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // big-endian TIFF header, IFD at 8
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // count
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims `width`×`height`, followed by a tiny (wrong) IDAT: a
/// decompression bomb's shape without the bomb.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn photos_dir(lib: &TestLibrary) -> PathBuf {
    let dir = lib.dir.path().join("photos");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn new_product(catalog: &mut Catalog, sku: &str) -> ProductId {
    catalog.create_product(&product(sku, "Thing", 100)).unwrap().id
}

pub(crate) fn outcome_of(report: &JobReport, name_ends: &str) -> (Outcome, String) {
    let item = report
        .items
        .iter()
        .find(|i| i.name.ends_with(name_ends))
        .unwrap_or_else(|| panic!("no result for {name_ends}: {report:?}"));
    (item.outcome, item.message.clone())
}

/// Every row's original exists, and the image checks find nothing.
fn assert_library_clean(lib: &TestLibrary) {
    drop(lib.catalog());
    let report = images::check_library(&lib.library, true, &Job::silent()).unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
}

pub(crate) fn decode_thumbnail(conn: &rusqlite::Connection, sha256: &str) -> RgbImage {
    let thumb = images::thumbnail(conn, sha256).unwrap();
    assert!(thumb.bytes.len() <= 65_536);
    image::load_from_memory(&thumb.bytes).unwrap().to_rgb8()
}

// ---------- import ----------

#[test]
fn jpeg_and_png_import_onto_a_product_with_originals_and_thumbnails() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let a = write(&dir, "front.jpg", &jpeg(&picture(1200, 800, 1)));
    let b = write(
        &dir,
        "back.png",
        &encoded(&DynamicImage::ImageRgb8(picture(300, 600, 2)), ImageFormat::Png),
    );
    let mut catalog = lib.catalog();
    let id = new_product(&mut catalog, "MUG-1");
    let report = images::import(
        &mut catalog,
        &[a.clone(), b],
        ImportTarget::Product(id),
        &Job::silent(),
    )
    .unwrap();
    assert_eq!(report.count(Outcome::Done), 2, "{report:?}");

    let list = images::product_images(catalog.conn(), id).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        (
            list[0].position,
            list[0].file_name.as_str(),
            list[0].width,
            list[0].height
        ),
        (0, "front.jpg", 1200, 800)
    );
    assert_eq!((list[1].position, list[1].mime.as_str()), (1, "image/png"));
    let (path, mime) = images::original_file(&catalog, &list[0].sha256).unwrap();
    assert_eq!(mime, "image/jpeg");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&a).unwrap(),
        "the original is a byte-for-byte copy"
    );
    assert!(path.starts_with(lib.root().join("originals").join(&list[0].sha256[..2])));
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
    let thumb = images::thumbnail(catalog.conn(), &list[0].sha256).unwrap();
    assert_eq!(
        (thumb.width, thumb.height, thumb.mime.as_str()),
        (256, 171, "image/jpeg")
    );
    let thumb = images::thumbnail(catalog.conn(), &list[1].sha256).unwrap();
    assert_eq!((thumb.width, thumb.height), (128, 256));
    assert!(std::fs::read_dir(lib.root().join("tmp"))
        .unwrap()
        .all(|e| e.unwrap().file_name() == "images.lock"));
    drop(catalog);
    assert_library_clean(&lib);
}

#[test]
fn every_supported_format_imports_and_transparency_is_flattened_on_white() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(40, 30, Rgba([200, 0, 0, 0])));
    let wide = DynamicImage::ImageRgba16(image::ImageBuffer::from_fn(300, 200, |x, _| {
        image::Rgba([x as u16 * 200, 30000, 0, 65535])
    }));
    let rgb = DynamicImage::ImageRgb8(picture(320, 240, 3));
    let files = [
        write(&dir, "A-1.png", &encoded(&clear, ImageFormat::Png)),
        write(&dir, "A-1_2.png", &encoded(&wide, ImageFormat::Png)),
        write(&dir, "A-1_3.webp", &encoded(&rgb, ImageFormat::WebP)),
        write(
            &dir,
            "A-1_4.gif",
            &encoded(
                &DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(picture(64, 48, 4)).to_rgba8()),
                ImageFormat::Gif,
            ),
        ),
        write(
            &dir,
            "A-1_5.tif",
            &encoded(&DynamicImage::ImageRgb8(picture(64, 48, 5)), ImageFormat::Tiff),
        ),
        write(
            &dir,
            "A-1_6.bmp",
            &encoded(&DynamicImage::ImageRgb8(picture(64, 48, 6)), ImageFormat::Bmp),
        ),
    ];
    let mut catalog = lib.catalog();
    let report = images::import(&mut catalog, &files, ImportTarget::BySku, &Job::silent()).unwrap();
    assert_eq!(report.count(Outcome::Done), 6, "{report:?}");
    let id = shelf_core::catalog::products::id_by_sku(catalog.conn(), "A-1")
        .unwrap()
        .unwrap();
    let list = images::product_images(catalog.conn(), id).unwrap();
    let mimes: Vec<&str> = list.iter().map(|i| i.mime.as_str()).collect();
    assert_eq!(
        mimes,
        [
            "image/png",
            "image/png",
            "image/webp",
            "image/gif",
            "image/tiff",
            "image/bmp"
        ]
    );
    let flattened = decode_thumbnail(catalog.conn(), &list[0].sha256);
    let p = flattened.get_pixel(20, 15);
    assert!(
        p.0.iter().all(|&c| c > 245),
        "transparent pixels become white, got {p:?}"
    );
}

#[test]
fn the_same_photo_is_stored_once_and_a_second_import_to_the_same_product_says_so() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let bytes = jpeg(&picture(500, 400, 7));
    let a = write(&dir, "a.jpg", &bytes);
    let copy = write(&dir, "copy of a.jpeg", &bytes);
    let mut catalog = lib.catalog();
    let (p1, p2) = (new_product(&mut catalog, "P-1"), new_product(&mut catalog, "P-2"));
    let first = images::import(
        &mut catalog,
        std::slice::from_ref(&a),
        ImportTarget::Product(p1),
        &Job::silent(),
    )
    .unwrap();
    assert_eq!(first.count(Outcome::Done), 1);
    let again = images::import(
        &mut catalog,
        std::slice::from_ref(&copy),
        ImportTarget::Product(p1),
        &Job::silent(),
    )
    .unwrap();
    let (outcome, message) = outcome_of(&again, "copy of a.jpeg");
    assert_eq!(outcome, Outcome::Skipped);
    assert!(message.contains("already on P-1"), "{message}");
    let other = images::import(&mut catalog, &[copy], ImportTarget::Product(p2), &Job::silent()).unwrap();
    assert_eq!(other.count(Outcome::Done), 1);
    let originals: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM originals", [], |r| r.get(0))
        .unwrap();
    let links: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM product_images", [], |r| r.get(0))
        .unwrap();
    assert_eq!((originals, links), (1, 2));
    let files = walk_files(&lib.root().join("originals"));
    assert_eq!(files.len(), 1, "{files:?}");
}

#[test]
fn by_sku_groups_numbered_shots_in_order_and_creates_draft_products() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    write(
        &dir,
        "ABC-123 (3).png",
        &encoded(&DynamicImage::ImageRgb8(picture(50, 50, 13)), ImageFormat::Png),
    );
    write(&dir, "ABC-123_2.jpg", &jpeg(&picture(60, 50, 12)));
    write(&dir, "sub/ABC-123.jpg", &jpeg(&picture(70, 50, 11)));
    write(&dir, "EXIST-1.jpg", &jpeg(&picture(80, 50, 14)));
    let mut catalog = lib.catalog();
    let existing = new_product(&mut catalog, "EXIST-1");
    let report = images::import(&mut catalog, &[dir], ImportTarget::BySku, &Job::silent()).unwrap();
    assert_eq!(report.count(Outcome::Done), 4, "{report:?}");

    let created = shelf_core::catalog::products::by_sku(catalog.conn(), "ABC-123").unwrap();
    assert_eq!(created.status.as_str(), "draft");
    assert_eq!(created.price_minor, 0);
    let names: Vec<String> = images::product_images(catalog.conn(), created.id)
        .unwrap()
        .into_iter()
        .map(|i| i.file_name)
        .collect();
    assert_eq!(names, ["ABC-123.jpg", "ABC-123_2.jpg", "ABC-123 (3).png"]);
    assert_eq!(images::product_images(catalog.conn(), existing).unwrap().len(), 1);
    let products: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
        .unwrap();
    assert_eq!(products, 2);
}

// ---------- orientation ----------

/// Where stored pixel (sx, sy) of a `sw`×`sh` image is shown under each EXIF orientation
/// (written from the EXIF specification, not from the code under test).
pub(crate) fn displayed_at(orientation: u16, sx: u32, sy: u32, sw: u32, sh: u32) -> (u32, u32) {
    match orientation {
        1 => (sx, sy),
        2 => (sw - 1 - sx, sy),
        3 => (sw - 1 - sx, sh - 1 - sy),
        4 => (sx, sh - 1 - sy),
        5 => (sy, sx),
        6 => (sh - 1 - sy, sx),
        7 => (sh - 1 - sy, sw - 1 - sx),
        8 => (sy, sw - 1 - sx),
        _ => unreachable!(),
    }
}

/// Four flat quadrants: red, green / blue, white, as the seller should see them.
pub(crate) fn quadrants(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| match (x < w / 2, y < h / 2) {
        (true, true) => Rgb([255, 0, 0]),
        (false, true) => Rgb([0, 255, 0]),
        (true, false) => Rgb([0, 0, 255]),
        (false, false) => Rgb([255, 255, 255]),
    })
}

fn close_to(pixel: &Rgb<u8>, expected: [u8; 3]) -> bool {
    pixel
        .0
        .iter()
        .zip(expected)
        .all(|(&a, b)| (i32::from(a) - i32::from(b)).abs() < 60)
}

#[test]
fn exif_orientations_1_to_8_make_thumbnails_that_point_the_right_way() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let (dw, dh) = (640u32, 320u32);
    let display = quadrants(dw, dh);
    let mut files = Vec::new();
    for orientation in 1..=8u16 {
        let (sw, sh) = if orientation >= 5 { (dh, dw) } else { (dw, dh) };
        let stored = RgbImage::from_fn(sw, sh, |sx, sy| {
            let (dx, dy) = displayed_at(orientation, sx, sy, sw, sh);
            *display.get_pixel(dx, dy)
        });
        files.push(write(
            &dir,
            &format!("O-{orientation}.jpg"),
            &with_orientation(&jpeg(&stored), orientation),
        ));
    }
    let mut catalog = lib.catalog();
    let report = images::import(&mut catalog, &files, ImportTarget::BySku, &Job::silent()).unwrap();
    assert_eq!(report.count(Outcome::Done), 8, "{report:?}");
    for orientation in 1..=8u16 {
        let id = shelf_core::catalog::products::id_by_sku(catalog.conn(), &format!("O-{orientation}"))
            .unwrap()
            .unwrap();
        let sha = &images::product_images(catalog.conn(), id).unwrap()[0].sha256;
        let thumb = decode_thumbnail(catalog.conn(), sha);
        assert_eq!(thumb.dimensions(), (256, 128), "orientation {orientation}");
        let corners = [
            (30, 30, [255, 0, 0]),
            (226, 30, [0, 255, 0]),
            (30, 98, [0, 0, 255]),
            (226, 98, [255, 255, 255]),
        ];
        for (x, y, colour) in corners {
            assert!(
                close_to(thumb.get_pixel(x, y), colour),
                "orientation {orientation}: pixel ({x},{y}) is {:?}, expected {colour:?}",
                thumb.get_pixel(x, y)
            );
        }
    }
}

#[test]
fn a_cmyk_jpeg_from_a_print_shop_gets_a_thumbnail_in_the_right_colours() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let (w, h) = (640u32, 320u32);
    let mut cmyk = Vec::new();
    for y in 0..h {
        for x in 0..w {
            cmyk.extend_from_slice(match (x < w / 2, y < h / 2) {
                (true, true) => &[0u8, 255, 255, 0], // red
                (false, true) => &[255, 0, 255, 0],  // green
                (true, false) => &[255, 255, 0, 0],  // blue
                (false, false) => &[0, 0, 0, 0],     // white
            });
        }
    }
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 90)
        .encode(&cmyk, w as u16, h as u16, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let path = write(&dir, "PRINT-1.jpg", &bytes);
    let mut catalog = lib.catalog();
    let report = images::import(&mut catalog, &[path], ImportTarget::BySku, &Job::silent()).unwrap();
    assert_eq!(report.count(Outcome::Done), 1, "{report:?}");
    let id = shelf_core::catalog::products::id_by_sku(catalog.conn(), "PRINT-1")
        .unwrap()
        .unwrap();
    let sha = &images::product_images(catalog.conn(), id).unwrap()[0].sha256;
    let thumb = decode_thumbnail(catalog.conn(), sha);
    assert_eq!(thumb.dimensions(), (256, 128));
    for (x, y, colour) in [
        (30, 30, [255, 0, 0]),
        (226, 30, [0, 255, 0]),
        (30, 98, [0, 0, 255]),
        (226, 98, [255, 255, 255]),
    ] {
        assert!(
            close_to(thumb.get_pixel(x, y), colour),
            "pixel ({x},{y}) is {:?}, expected {colour:?}",
            thumb.get_pixel(x, y)
        );
    }
}

/// An ICC profile whose tone curve is linear light: mid grey 128 in it is 188 in sRGB, a
/// difference no encoder's rounding hides.
fn linear_light_profile(grey: bool) -> Vec<u8> {
    let linear = moxcms::ToneReprCurve::Parametric(vec![1.0]);
    let mut profile = if grey {
        moxcms::ColorProfile::new_gray_with_gamma(1.0)
    } else {
        moxcms::ColorProfile::new_srgb()
    };
    if !grey {
        profile.red_trc = Some(linear.clone());
        profile.green_trc = Some(linear.clone());
        profile.blue_trc = Some(linear);
        profile.cicp = None; // else it still says "sRGB" and the curves are not read
    }
    profile.encode().unwrap()
}

/// `image` encoded as `format` with `icc` embedded (JPEG APP2, PNG iCCP, WebP ICCP).
fn tagged(image: &DynamicImage, format: ImageFormat, icc: Vec<u8>) -> Vec<u8> {
    use image::codecs::{png::PngEncoder, webp::WebPEncoder};
    fn write_with(mut encoder: impl image::ImageEncoder, image: &DynamicImage, icc: Vec<u8>) {
        encoder.set_icc_profile(icc).unwrap();
        let (w, h) = (image.width(), image.height());
        encoder
            .write_image(image.as_bytes(), w, h, image.color().into())
            .unwrap();
    }
    let mut bytes = Vec::new();
    match format {
        ImageFormat::Jpeg => write_with(JpegEncoder::new_with_quality(&mut bytes, 90), image, icc),
        ImageFormat::Png => write_with(PngEncoder::new(&mut bytes), image, icc),
        _ => write_with(WebPEncoder::new_lossless(&mut bytes), image, icc),
    }
    bytes
}

#[test]
fn photos_tagged_with_a_colour_profile_get_thumbnails_in_srgb() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let rgb = DynamicImage::ImageRgb8(RgbImage::from_pixel(600, 400, Rgb([128, 128, 128])));
    let grey = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(300, 300, image::Luma([128])));
    let files = [
        (
            "LIN-1.jpg",
            tagged(&rgb, ImageFormat::Jpeg, linear_light_profile(false)),
            188,
        ),
        (
            "LIN-2.png",
            tagged(&rgb, ImageFormat::Png, linear_light_profile(false)),
            188,
        ),
        (
            "LIN-3.webp",
            tagged(&rgb, ImageFormat::WebP, linear_light_profile(false)),
            188,
        ),
        (
            "LIN-4.png",
            tagged(&grey, ImageFormat::Png, linear_light_profile(true)),
            188,
        ),
        ("PLAIN-1.jpg", encoded(&rgb, ImageFormat::Jpeg), 128),
        (
            "BROKEN-1.jpg",
            tagged(&rgb, ImageFormat::Jpeg, b"not an ICC profile".to_vec()),
            128,
        ),
    ];
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, bytes, _)| write(&dir, name, bytes))
        .collect();
    let mut catalog = lib.catalog();
    let report = images::import(&mut catalog, &paths, ImportTarget::BySku, &Job::silent()).unwrap();
    assert_eq!(report.count(Outcome::Done), files.len(), "{report:?}");
    for (name, _, expected) in &files {
        let sku = name.split('.').next().unwrap();
        let id = shelf_core::catalog::products::id_by_sku(catalog.conn(), sku)
            .unwrap()
            .unwrap();
        let sha = &images::product_images(catalog.conn(), id).unwrap()[0].sha256;
        let thumb = decode_thumbnail(catalog.conn(), sha);
        let centre = thumb.get_pixel(thumb.width() / 2, thumb.height() / 2);
        assert!(
            centre.0.iter().all(|&c| (i32::from(c) - expected).abs() <= 4),
            "{name}: the thumbnail's centre is {centre:?}, expected grey {expected}"
        );
    }
    drop(catalog);
    assert_library_clean(&lib);
}

// ---------- limits and damage ----------

/// A JPEG of 190 scans keeps a decoder busy for minutes at large sizes (each scan of a
/// progressive file is another pass over the picture). cjpeg writes at most 100 from a scan
/// script, so the hostile file is cjpeg's 100 with its last scan repeated 90 times, as a
/// crafted file would: it is refused by its scan count before a pixel is decoded, while
/// cjpeg's usual progressive file of the same picture imports.
#[test]
fn a_jpeg_of_hundreds_of_scans_is_refused_and_an_ordinary_progressive_one_imports() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let scratch = lib.dir.path().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let source = scratch.join("in.bmp");
    picture(320, 240, 31).save(&source).unwrap();
    // The DC of every component, then each component's AC coefficients 1-32 one per scan
    // and 33-63 in one: 1 + 3 × 33 = 100 scans.
    let mut script = String::from("0,1,2: 0-0, 0, 0;\n");
    for component in 0..3 {
        for k in 1..33 {
            script.push_str(&format!("{component}: {k}-{k}, 0, 0;\n"));
        }
        script.push_str(&format!("{component}: 33-63, 0, 0;\n"));
    }
    let script_path = write(&scratch, "scans.txt", script.as_bytes());
    let cjpeg = |args: &[&std::ffi::OsStr], out: &Path| {
        let status = std::process::Command::new("cjpeg")
            .args(args)
            .arg("-outfile")
            .arg(out)
            .arg(&source)
            .status()
            .expect("cjpeg (libjpeg-turbo-progs, which scripts/setup installs)");
        assert!(status.success());
    };
    let hundred = scratch.join("hundred.jpg");
    cjpeg(&["-scans".as_ref(), script_path.as_os_str()], &hundred);
    cjpeg(&["-progressive".as_ref()], &dir.join("progressive.jpg"));
    let bytes = std::fs::read(&hundred).unwrap();
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap();
    let end = bytes.len() - 2;
    assert_eq!(bytes[end..], [0xFF, 0xD9]);
    let mut hostile = bytes[..end].to_vec();
    for _ in 0..90 {
        hostile.extend_from_slice(&bytes[last_scan..end]);
    }
    hostile.extend_from_slice(&[0xFF, 0xD9]);
    write(&dir, "many-scans.jpg", &hostile);

    let mut catalog = lib.catalog();
    let id = new_product(&mut catalog, "SCAN-1");
    let report = images::import(&mut catalog, &[dir], ImportTarget::Product(id), &Job::silent()).unwrap();
    let (outcome, message) = outcome_of(&report, "many-scans.jpg");
    assert_eq!(outcome, Outcome::Refused, "{message}");
    assert!(message.contains("190 scans"), "{message}");
    let (outcome, message) = outcome_of(&report, "progressive.jpg");
    assert_eq!(outcome, Outcome::Done, "{message}");
}

#[test]
fn every_limit_and_kind_of_damage_is_a_clear_per_file_refusal_and_the_rest_import() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let good = jpeg(&picture(400, 300, 21));
    write(&dir, "good.jpg", &good);
    write(&dir, "wide.png", &png_claiming(30_001, 10));
    write(&dir, "bomb.png", &png_claiming(20_000, 20_000));
    let huge = dir.join("huge.jpg");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(201 * 1024 * 1024).unwrap(); // sparse: costs no disk
    write(&dir, "empty.jpg", b"");
    write(&dir, "notes.jpg", b"these are my notes, not a photo");
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.resize(400, 0);
    write(&dir, "IMG_0001.HEIC", &heic);
    let other = jpeg(&picture(400, 300, 22));
    write(&dir, "no-end-marker.jpg", &other[..other.len() - 2]);
    write(&dir, "cut-in-half.jpg", &other[..other.len() * 6 / 10]);
    // Only a sliver of the picture is in the file: refused, not imported mostly grey.
    write(&dir, "sliver.jpg", &other[..other.len() * 15 / 100]);
    // A JPEG signature followed by noise: what a disk error or a bad download leaves.
    let mut corrupt = vec![0xFF, 0xD8, 0xFF, 0xE0];
    corrupt.extend((0u32..5000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    write(&dir, "corrupt.jpg", &corrupt);
    let outside = write(
        lib.dir.path(),
        "elsewhere/secret.jpg",
        &jpeg(&picture(50, 50, 24)),
    );
    std::os::unix::fs::symlink(&outside, dir.join("link.jpg")).unwrap();
    let missing = lib.dir.path().join("no-such-file.jpg");

    let mut catalog = lib.catalog();
    let id = new_product(&mut catalog, "LIM-1");
    let before: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM originals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(before, 0);
    let report = images::import(
        &mut catalog,
        &[dir.clone(), missing],
        ImportTarget::Product(id),
        &Job::silent(),
    )
    .unwrap();

    let expect = |name: &str, outcome: Outcome, words: &[&str]| {
        let (got, message) = outcome_of(&report, name);
        assert_eq!(got, outcome, "{name}: {message}");
        for word in words {
            assert!(
                message.contains(word),
                "{name}: {message:?} should mention {word:?}"
            );
        }
    };
    expect("good.jpg", Outcome::Done, &[]);
    expect("wide.png", Outcome::Refused, &["30001", "30000 pixels"]);
    expect("bomb.png", Outcome::Refused, &["400 megapixels"]);
    expect("huge.jpg", Outcome::Refused, &["200 MB"]);
    expect("empty.jpg", Outcome::Refused, &["empty"]);
    expect("notes.jpg", Outcome::Refused, &["not an image"]);
    expect("IMG_0001.HEIC", Outcome::Refused, &["damaged"]);
    expect("no-end-marker.jpg", Outcome::Warning, &["end marker"]);
    expect(
        "cut-in-half.jpg",
        Outcome::Warning,
        &["cut short", "% of the picture is not in the file"],
    );
    expect("sliver.jpg", Outcome::Refused, &["cut short", "only the top"]);
    expect("corrupt.jpg", Outcome::Refused, &["damaged"]);
    expect("link.jpg", Outcome::Refused, &["outside the chosen folder"]);
    expect("no-such-file.jpg", Outcome::Refused, &["no-such-file.jpg"]);
    assert_eq!(report.items.len(), 13);

    let stored: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM originals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 3, "only the good and the warned files are in the catalog");
    assert_eq!(
        walk_files(&lib.root().join("originals")).len(),
        3,
        "refused files leave nothing on disk"
    );
}

#[test]
fn a_png_named_jpg_is_stored_as_what_it_is() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let path = write(
        &dir,
        "W-1.jpg",
        &encoded(&DynamicImage::ImageRgb8(picture(90, 60, 31)), ImageFormat::Png),
    );
    let mut catalog = lib.catalog();
    images::import(&mut catalog, &[path], ImportTarget::BySku, &Job::silent()).unwrap();
    let id = shelf_core::catalog::products::id_by_sku(catalog.conn(), "W-1")
        .unwrap()
        .unwrap();
    let image = &images::product_images(catalog.conn(), id).unwrap()[0];
    assert_eq!(image.mime, "image/png");
    let (path, _) = images::original_file(&catalog, &image.sha256).unwrap();
    assert_eq!(path.extension().unwrap(), "png");
}

// ---------- cancel and crash ----------

#[test]
fn cancelling_mid_import_leaves_only_whole_imports() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    for i in 0..24 {
        write(&dir, &format!("C-{i}.jpg"), &jpeg(&picture(800, 600, 100 + i)));
    }
    let mut catalog = lib.catalog();
    let cancel = CancelToken::new();
    let token = cancel.clone();
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let job = Job::new(cancel, move |p| {
        seen.lock().unwrap().push(p.clone());
        if p.done == 3 {
            token.cancel();
        }
    });
    let report = images::import(&mut catalog, &[dir], ImportTarget::BySku, &job).unwrap();
    assert!(report.cancelled, "{report:?}");
    let last = progress.lock().unwrap().clone();
    assert_eq!(last.len(), report.items.len(), "one progress report per file");
    assert!(last
        .iter()
        .enumerate()
        .all(|(i, p)| p.done == i as u64 + 1 && p.total == 24 && p.last.is_some()));
    assert!(
        report.items.len() >= 3 && report.items.len() < 24,
        "{}",
        report.items.len()
    );
    let linked: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM product_images", [], |r| r.get(0))
        .unwrap();
    let products: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
        .unwrap();
    assert_eq!(linked as usize, report.count(Outcome::Done));
    assert_eq!(products, linked, "no product without its photo");
    drop(catalog);
    assert_library_clean(&lib);
}

#[test]
fn an_edit_is_saved_between_the_batches_of_a_long_import() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    for i in 0..24 {
        write(&dir, &format!("E-{i}.jpg"), &jpeg(&picture(800, 600, 300 + i)));
    }
    let catalog = Mutex::new(lib.catalog());
    let id = new_product(&mut catalog.lock().unwrap(), "EDIT-1");
    let edited_at = Mutex::new(None);
    let job = Job::new(CancelToken::new(), |p| {
        if p.done == p.total || edited_at.lock().unwrap().is_some() {
            return;
        }
        // The seller saves an edit from another thread while the import is under way: the
        // writer must be free between batches.
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut writer = catalog
                    .try_lock()
                    .expect("the import holds the writer between batches");
                let version = shelf_core::catalog::products::get(writer.conn(), id)
                    .unwrap()
                    .version;
                writer
                    .update_product(id, version, &product("EDIT-1", "Renamed mid-import", 250))
                    .unwrap();
            })
            .join()
            .unwrap();
        });
        *edited_at.lock().unwrap() = Some(p.done);
    });
    let report = images::import(Shared(&catalog), &[dir], ImportTarget::BySku, &job).unwrap();
    assert_eq!(report.count(Outcome::Done), 24, "{report:?}");
    drop(job);
    let edited_at = edited_at
        .lock()
        .unwrap()
        .expect("an edit went in before the last file");
    assert!(edited_at < 24, "{edited_at}");
    let catalog = catalog.into_inner().unwrap();
    let saved = shelf_core::catalog::products::get(catalog.conn(), id).unwrap();
    assert_eq!(
        (saved.name.as_str(), saved.price_minor),
        ("Renamed mid-import", 250)
    );
    drop(catalog);
    assert_library_clean(&lib);
}

#[test]
fn kill_9_mid_import_then_check_finds_nothing_wrong() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    // One photo, made distinct per file by bytes after its end marker (as phones append).
    let photo = jpeg(&picture(2400, 1800, 300));
    for i in 0..150 {
        let mut bytes = photo.clone();
        bytes.extend_from_slice(format!("copy {i}").as_bytes());
        write(&dir, &format!("K-{i}.jpg"), &bytes);
    }
    drop(lib.catalog());
    for delay_ms in [100u64, 300, 700] {
        let mut child = spawn_shelf(lib.root(), &["import", "--by-sku", dir.to_str().unwrap()]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        if delay_ms == 100 {
            let linked: i64 = lib
                .plain_connection()
                .query_row("SELECT count(*) FROM product_images", [], |r| r.get(0))
                .unwrap();
            assert!(linked < 150, "the first kill must land mid-import");
        }
        let check = lib.shelf(&["check", "--deep"]);
        assert!(
            check.status.success(),
            "after kill at {delay_ms} ms: {}{}",
            stdout(&check),
            stderr(&check)
        );
        assert!(stdout(&check).contains("No problems found."));
    }
    assert!(std::fs::read_dir(lib.root().join("tmp"))
        .unwrap()
        .all(|e| e.unwrap().file_name() == "images.lock"));
}

// ---------- operations ----------

#[test]
fn reorder_alt_text_trash_restore_and_rotate() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let files: Vec<PathBuf> = (0..3)
        .map(|i| write(&dir, &format!("{i}.jpg"), &jpeg(&picture(400, 200, 40 + i))))
        .collect();
    let mut catalog = lib.catalog();
    let id = new_product(&mut catalog, "OPS-1");
    images::import(&mut catalog, &files, ImportTarget::Product(id), &Job::silent()).unwrap();
    let ids: Vec<i64> = images::product_images(catalog.conn(), id)
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();

    catalog.reorder_images(id, &[ids[2], ids[0], ids[1]]).unwrap();
    let order: Vec<i64> = images::product_images(catalog.conn(), id)
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(order, [ids[2], ids[0], ids[1]]);
    assert!(
        catalog.reorder_images(id, &[ids[0]]).is_err(),
        "a list missing photos is refused"
    );

    catalog.set_image_alt_text(ids[0], "  Red mug, front  ").unwrap();
    assert!(catalog.set_image_alt_text(ids[0], &"x".repeat(600)).is_err());
    catalog.trash_image(ids[1]).unwrap();
    let list = images::product_images(catalog.conn(), id).unwrap();
    assert_eq!(list.iter().filter(|i| i.deleted_at.is_none()).count(), 2);
    assert_eq!(
        list.iter().find(|i| i.id == ids[0]).unwrap().alt_text,
        "Red mug, front"
    );
    catalog.restore_image(ids[1]).unwrap();
    assert!(images::product_images(catalog.conn(), id)
        .unwrap()
        .iter()
        .all(|i| i.deleted_at.is_none()));

    let sha = images::product_images(catalog.conn(), id)
        .unwrap()
        .into_iter()
        .find(|i| i.id == ids[0])
        .unwrap()
        .sha256;
    let (path, _) = images::original_file(&catalog, &sha).unwrap();
    let original = std::fs::read(&path).unwrap();
    catalog.rotate_image(ids[0]).unwrap();
    let thumb = images::thumbnail(catalog.conn(), &sha).unwrap();
    assert_eq!((thumb.width, thumb.height), (128, 256));
    let image = images::product_images(catalog.conn(), id)
        .unwrap()
        .into_iter()
        .find(|i| i.id == ids[0])
        .unwrap();
    assert_eq!(image.rotation, 90);
    let logged: String = catalog
        .conn()
        .query_row(
            "SELECT new_values FROM audit_log WHERE table_name = 'originals' AND action = 'update' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let logged: serde_json::Value = serde_json::from_str(&logged).unwrap();
    assert_eq!(
        logged["rotation"], 90,
        "migration 0003's audit trigger records the rotation"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        original,
        "the original is untouched"
    );
    for _ in 0..3 {
        catalog.rotate_image(ids[0]).unwrap();
    }
    let image = images::product_images(catalog.conn(), id)
        .unwrap()
        .into_iter()
        .find(|i| i.id == ids[0])
        .unwrap();
    assert_eq!(image.rotation, 0);
}

#[test]
fn original_file_refuses_anything_but_a_content_hash() {
    let lib = TestLibrary::new();
    let catalog = lib.catalog();
    assert!(images::original_file(&catalog, "../../etc/passwd").is_err());
    assert!(images::original_file(&catalog, &"a".repeat(64)).is_err());
}

// ---------- check and repair ----------

#[test]
fn check_reports_damage_and_repair_fixes_what_it_can() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    let files: Vec<PathBuf> = (0..3)
        .map(|i| write(&dir, &format!("R-{i}.jpg"), &jpeg(&picture(300, 200, 60 + i))))
        .collect();
    let mut catalog = lib.catalog();
    images::import(&mut catalog, &files, ImportTarget::BySku, &Job::silent()).unwrap();
    let shas: Vec<String> = {
        let mut stmt = catalog
            .conn()
            .prepare("SELECT sha256 FROM originals ORDER BY file_name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    drop(catalog);
    let plain = lib.plain_connection();
    plain
        .execute("DELETE FROM thumbnails WHERE sha256 = ?1", [&shas[0]])
        .unwrap();
    drop(plain);
    let catalog = lib.catalog();
    let (missing, _) = images::original_file(&catalog, &shas[1]).unwrap();
    let (changed, _) = images::original_file(&catalog, &shas[2]).unwrap();
    drop(catalog);
    std::fs::remove_file(&missing).unwrap();
    let mut perms = std::fs::metadata(&changed).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&changed, perms).unwrap();
    let mut bytes = std::fs::read(&changed).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&changed, &bytes).unwrap();

    let mut catalog = lib.catalog();
    // An orphan that appears while the catalog is open (no start-up sweep runs after it).
    let orphan = write(
        &lib.root().join("originals").join("ab"),
        &format!("{}.jpg", "ab".repeat(32)),
        b"stray",
    );
    let shallow = images::check_library(catalog.library(), false, &Job::silent()).unwrap();
    let kinds = |r: &shelf_core::catalog::maintenance::CheckReport| {
        let mut k: Vec<String> = r.findings.iter().map(|f| f.kind.clone()).collect();
        k.sort();
        k
    };
    assert_eq!(
        kinds(&shallow),
        ["original_missing", "orphan_file", "thumbnail_missing"]
    );
    let missing_message = &shallow
        .findings
        .iter()
        .find(|f| f.kind == "original_missing")
        .unwrap()
        .message;
    assert!(
        missing_message.starts_with("The photo R-1.jpg (of ") && missing_message.contains("(R-1))"),
        "names the photo and the product it shows: {missing_message}"
    );
    let deep = images::check_library(catalog.library(), true, &Job::silent()).unwrap();
    assert_eq!(
        kinds(&deep),
        [
            "original_changed",
            "original_missing",
            "orphan_file",
            "thumbnail_missing"
        ]
    );

    let report = images::repair(&mut catalog, &Job::silent()).unwrap();
    assert_eq!(report.count(Outcome::Done), 2, "{report:?}");
    assert!(!orphan.exists());
    assert!(
        lib.root()
            .join("trash/originals")
            .join(orphan.file_name().unwrap())
            .exists(),
        "orphans are kept in trash/"
    );
    assert!(images::thumbnail(catalog.conn(), &shas[0]).is_ok());
    let after = images::check_library(catalog.library(), true, &Job::silent()).unwrap();
    assert_eq!(
        kinds(&after),
        ["original_changed", "original_missing"],
        "repair can't invent lost originals"
    );
}

#[test]
fn starting_shelf_sweeps_temp_files_and_orphans_into_trash_and_opening_a_catalog_does_not() {
    let lib = TestLibrary::new();
    drop(lib.catalog());
    write(&lib.root().join("tmp"), "leftover.part", b"half a photo");
    // A crashed backup's scratch folder, a day old, and one a running backup is using.
    let stale = lib.root().join("tmp/backup-999-1");
    write(&stale, "catalog.db", b"snapshot");
    std::fs::File::open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600))
        .unwrap();
    let running = lib.root().join("tmp/backup-998-2");
    write(&running, "catalog.db", b"snapshot");
    let orphan = write(
        &lib.root().join("originals").join("cd"),
        &format!("{}.png", "cd".repeat(32)),
        b"lost",
    );
    // A second handle (a service, the viewer's) opens without touching anything.
    drop(lib.catalog());
    assert!(lib.root().join("tmp/leftover.part").exists() && orphan.exists() && stale.exists());
    // Starting the command line (as starting the app) sweeps once.
    let started = lib.shelf(&["stats"]);
    assert!(started.status.success(), "{}", stderr(&started));
    assert!(!lib.root().join("tmp/leftover.part").exists());
    assert!(!stale.exists(), "a crashed job's folder is swept");
    assert!(running.exists(), "a folder in use is left alone");
    assert!(!orphan.exists());
    assert_eq!(
        std::fs::read(
            lib.root()
                .join("trash/originals")
                .join(orphan.file_name().unwrap())
        )
        .unwrap(),
        b"lost"
    );
}

#[test]
fn the_sweep_leaves_files_alone_while_an_import_holds_the_lock() {
    let lib = TestLibrary::new();
    drop(lib.catalog());
    let fresh = write(
        &lib.root().join("originals").join("ef"),
        &format!("{}.jpg", "ef".repeat(32)),
        b"renamed, row not yet committed",
    );
    let import_lock = images::store::lock_shared(&lib.library).unwrap();
    let catalog = lib.catalog();
    let report = images::sweep_on_open(&lib.library, catalog.conn()).unwrap();
    assert!(report.skipped_busy);
    assert!(fresh.exists(), "a running import's file is not taken");
    drop(import_lock);
    let report = images::sweep_on_open(&lib.library, catalog.conn()).unwrap();
    assert_eq!(report.orphans_moved.len(), 1);
}

// ---------- inbox ----------

#[test]
fn the_inbox_watcher_imports_a_file_written_slowly_and_files_away_failures() {
    let lib = TestLibrary::new();
    drop(lib.catalog());
    let inbox = lib.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    write(&inbox, "EARLY-1.jpg", &jpeg(&picture(300, 200, 70))); // there before the watcher starts
    let cancel = CancelToken::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let watcher = {
        let (library, inbox, cancel, seen) =
            (lib.library.clone(), inbox.clone(), cancel.clone(), seen.clone());
        std::thread::spawn(move || {
            images::watch(&library, &inbox, cancel, |item| {
                seen.lock().unwrap().push(item.clone())
            })
        })
    };
    // A big-ish photo written in chunks with pauses, like a slow sync.
    let bytes = jpeg(&picture(1600, 1200, 71));
    let slow = inbox.join("SLOW-1.jpg");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&slow).unwrap();
        for chunk in bytes.chunks(bytes.len() / 5 + 1) {
            file.write_all(chunk).unwrap();
            file.flush().unwrap();
            std::thread::sleep(Duration::from_millis(400));
        }
    }
    write(&inbox, "BAD-1.jpg", b"not a photo at all");
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.lock().unwrap().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    cancel.cancel();
    watcher.join().unwrap().unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter()
            .all(|i| i.name.ends_with("BAD-1.jpg") || i.outcome == Outcome::Done),
        "{seen:?}"
    );
    assert!(inbox.join("imported/EARLY-1.jpg").exists());
    assert_eq!(std::fs::read(inbox.join("imported/SLOW-1.jpg")).unwrap(), bytes);
    assert!(inbox.join("failed/BAD-1.jpg").exists());
    let why = std::fs::read_to_string(inbox.join("failed/BAD-1.jpg.txt")).unwrap();
    assert!(why.contains("not an image"), "{why}");
    assert!(!slow.exists());
    let catalog = lib.catalog();
    let id = shelf_core::catalog::products::id_by_sku(catalog.conn(), "SLOW-1")
        .unwrap()
        .unwrap();
    let list = images::product_images(catalog.conn(), id).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].byte_size as usize,
        bytes.len(),
        "imported whole, not half-written"
    );
}

// ---------- command line ----------

#[test]
fn shelf_import_prints_a_line_per_file_and_exits_1_when_any_was_refused() {
    let lib = TestLibrary::new();
    let dir = photos_dir(&lib);
    write(&dir, "CLI-1.jpg", &jpeg(&picture(300, 200, 80)));
    write(&dir, "CLI-1_2.jpg", &jpeg(&picture(300, 200, 81)));
    write(&dir, "CLI-2.jpg", b"");
    let dir_arg = dir.to_str().unwrap();
    let out = lib.shelf(&["import", "--by-sku", dir_arg]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("3 files: 2 imported, 0 with warnings, 0 already there, 1 refused"),
        "{text}"
    );

    let again = lib.shelf(&["--json", "import", "--by-sku", &format!("{dir_arg}/CLI-1.jpg")]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let lines: Vec<serde_json::Value> = stdout(&again)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "skipped");

    let listed = lib.shelf(&["--json", "images", "CLI-1"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&listed)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let sha = list[0]["sha256"].as_str().unwrap();
    let file = lib.dir.path().join("thumb.jpg");
    let thumb = lib.shelf(&["thumbnail", sha, "--out", file.to_str().unwrap()]);
    assert!(thumb.status.success(), "{}", stderr(&thumb));
    assert_eq!(image::open(&file).unwrap().width(), 256);

    let check = lib.shelf(&["check", "--deep"]);
    assert!(check.status.success(), "{}", stdout(&check));
    let repair = lib.shelf(&["repair"]);
    assert!(repair.status.success());
    assert!(stdout(&repair).contains("Nothing to repair."));
}
