//! Photos as they come off phones: HEIC, HEIF and AVIF made here, with libheif's own encoder
//! (x265, through libheif-rs) where the test needs a transform, a profile or several images,
//! and with Debian's `heif-enc` (libheif-examples) for 10-bit, HDR and AVIF files. Every
//! thumbnail is checked by the colour of its pixels, never by its size alone.

use crate::images::{decode_thumbnail, displayed_at, outcome_of, quadrants};
use crate::util::{product, TestLibrary};
use image::{DynamicImage, Rgb, RgbImage};
use libheif_rs::{
    color_profile_types, Channel, ColorProfileRaw, ColorSpace, CompressionFormat, EncoderQuality,
    HeifContext, Image, LibHeif, RgbChroma,
};
use shelf_core::catalog::ProductId;
use shelf_core::export::{self, ExportFormat, PhotosOut};
use shelf_core::images::{self, ImportTarget};
use shelf_core::job::{Job, JobReport, Outcome};
use shelf_core::Catalog;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------- making HEIF files ----------

/// A HEIC of `pixels` (RGB or RGBA, 8-bit), with `edit` applied to the image before
/// encoding. (libheif 1.15 writes no rotation boxes; [`pillow_heic`] makes turned files.)
fn heic_with(pixels: &DynamicImage, edit: impl FnOnce(&mut Image)) -> Vec<u8> {
    let lib = LibHeif::new();
    let (w, h) = (pixels.width(), pixels.height());
    let alpha = pixels.color().has_alpha();
    let chroma = if alpha { RgbChroma::Rgba } else { RgbChroma::Rgb };
    let mut image = Image::new(w, h, ColorSpace::Rgb(chroma)).unwrap();
    image.create_plane(Channel::Interleaved, w, h, 8).unwrap();
    let raw = if alpha {
        pixels.to_rgba8().into_raw()
    } else {
        pixels.to_rgb8().into_raw()
    };
    let row = w as usize * if alpha { 4 } else { 3 };
    {
        let planes = image.planes_mut();
        let plane = planes.interleaved.unwrap();
        for (y, src) in raw.chunks_exact(row).enumerate() {
            plane.data[y * plane.stride..y * plane.stride + row].copy_from_slice(src);
        }
    }
    edit(&mut image);
    let mut context = HeifContext::new().unwrap();
    let mut encoder = lib.encoder_for_format(CompressionFormat::Hevc).unwrap();
    encoder.set_quality(EncoderQuality::Lossy(95)).unwrap();
    context.encode_image(&image, &mut encoder, None).unwrap();
    context.write_to_bytes().unwrap()
}

pub(crate) fn heic(pixels: &DynamicImage) -> Vec<u8> {
    heic_with(pixels, |_| {})
}

/// Runs `script` in Python with pillow-heif, `src` naming a PNG of `pixels` and `out` the
/// folder to write in.
fn pillow(dir: &Path, pixels: &DynamicImage, script: &str) {
    let input = dir.join("source.png");
    pixels.save(&input).unwrap();
    let run = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import sys, pillow_heif\nfrom PIL import Image\nsrc, out = sys.argv[1], sys.argv[2]\n{script}"
        ))
        .arg(&input)
        .arg(dir)
        .output()
        .expect("python3 runs");
    assert!(
        run.status.success(),
        "pillow-heif: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// HEICs shown turned by each EXIF-numbered `orientation`, written by pillow-heif (from
/// PyPI, installed by scripts/setup; its newer libheif writes the `irot` and `imir` boxes a
/// phone writes, turning the stored picture into the one the orientation describes).
fn pillow_heic(dir: &Path, pixels: &DynamicImage, orientations: &[u16]) -> Vec<Vec<u8>> {
    let list = orientations
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    pillow(
        dir,
        pixels,
        &format!(
            "for n in [{list}]:
    exif = Image.Exif()
    exif[0x0112] = n
    pillow_heif.from_pillow(Image.open(src)).save(f'{{out}}/turned-{{n}}.heic', quality=95, exif=exif.tobytes())"
        ),
    );
    orientations
        .iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(format!("turned-{n}.heic"))).unwrap();
            let has = |name: &[u8]| bytes.windows(4).any(|w| w == name);
            assert_eq!(
                has(b"irot") || has(b"imir"),
                *n != 1,
                "orientation {n}: transform boxes"
            );
            bytes
        })
        .collect()
}

/// Runs Debian's `heif-enc` (installed by scripts/setup.d/images.sh) on a PNG.
fn heif_enc(dir: &Path, png: &DynamicImage, name: &str, args: &[&str]) -> Vec<u8> {
    let input = dir.join(format!("{name}.png"));
    png.save(&input).unwrap();
    let output = dir.join(name);
    let run = Command::new("heif-enc")
        .args(args)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("heif-enc is installed by scripts/setup (libheif-examples)");
    assert!(
        run.status.success(),
        "heif-enc: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::remove_file(&input).unwrap();
    std::fs::read(&output).unwrap()
}

fn close(pixel: &Rgb<u8>, expected: [u8; 3], tolerance: i32) -> bool {
    pixel
        .0
        .iter()
        .zip(expected)
        .all(|(&a, b)| (i32::from(a) - i32::from(b)).abs() <= tolerance)
}

/// The smallest EXIF block (big-endian TIFF, one IFD entry) that says `orientation`.
fn exif_orientation(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    tiff
}

// ---------- importing ----------

struct Imported {
    lib: TestLibrary,
    product: ProductId,
    report: JobReport,
}

/// Imports the named files onto one product of a fresh library.
fn import(files: &[(&str, Vec<u8>)]) -> Imported {
    let lib = TestLibrary::new();
    let dir = lib.dir.path().join("phone");
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let mut catalog = lib.catalog();
    let product = catalog
        .create_product(&product("PHONE-1", "Phone photos", 100))
        .unwrap()
        .id;
    let report = images::import(
        &mut catalog,
        &paths,
        ImportTarget::Product(product),
        &Job::silent(),
    )
    .unwrap();
    drop(catalog);
    Imported { lib, product, report }
}

impl Imported {
    fn catalog(&self) -> Catalog {
        self.lib.catalog()
    }

    fn outcome(&self, name: &str) -> (Outcome, String) {
        outcome_of(&self.report, name)
    }

    /// The photos of the product, in order: (sha256, mime, width, height).
    fn photos(&self) -> Vec<(String, String, i64, i64)> {
        let catalog = self.catalog();
        images::product_images(catalog.conn(), self.product)
            .unwrap()
            .into_iter()
            .map(|i| (i.sha256, i.mime, i.width, i.height))
            .collect()
    }

    fn thumbnail(&self, sha256: &str) -> RgbImage {
        decode_thumbnail(self.catalog().conn(), sha256)
    }
}

#[test]
fn heic_rotations_and_mirrors_are_applied_the_way_the_file_says() {
    let orientations = [1u16, 2, 3, 4, 5, 6, 7, 8];
    let (sw, sh) = (320, 240);
    let stored = DynamicImage::ImageRgb8(quadrants(sw, sh));
    let scratch = tempfile::tempdir().unwrap();
    let files: Vec<(String, Vec<u8>)> = pillow_heic(scratch.path(), &stored, &orientations)
        .into_iter()
        .zip(orientations)
        .map(|(bytes, n)| (format!("IMG_000{n}.HEIC"), bytes))
        .collect();
    let named: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let imported = import(&named);
    let photos = imported.photos();
    assert_eq!(photos.len(), 8, "{:?}", imported.report);
    for (&n, (sha, mime, width, height)) in orientations.iter().zip(&photos) {
        assert_eq!(mime, "image/heic");
        let turned = n >= 5;
        let (dw, dh) = if turned { (sh, sw) } else { (sw, sh) };
        assert_eq!(
            (*width, *height),
            (i64::from(dw), i64::from(dh)),
            "orientation {n}"
        );
        let thumb = imported.thumbnail(sha);
        assert_eq!(thumb.width() > thumb.height(), !turned, "orientation {n}");
        // The centre of each stored quadrant, and where it must be seen.
        for (sx, sy, colour) in [
            (sw / 4, sh / 4, [255, 0, 0]),
            (3 * sw / 4, sh / 4, [0, 255, 0]),
            (sw / 4, 3 * sh / 4, [0, 0, 255]),
            (3 * sw / 4, 3 * sh / 4, [255, 255, 255]),
        ] {
            let (dx, dy) = displayed_at(n, sx, sy, sw, sh);
            let x = dx * thumb.width() / dw;
            let y = dy * thumb.height() / dh;
            assert!(
                close(thumb.get_pixel(x, y), colour, 60),
                "orientation {n}: pixel ({x},{y}) is {:?}, expected {colour:?}",
                thumb.get_pixel(x, y)
            );
        }
    }
}

#[test]
fn an_exif_orientation_without_heif_transforms_is_not_applied() {
    // heif-enc keeps a JPEG's EXIF block (orientation 6 here) but writes no irot: the
    // picture is shown as stored, as phones and viewers that follow the HEIF rules show it.
    let lib = TestLibrary::new();
    let dir = lib.dir.path().to_path_buf();
    let jpeg_path = dir.join("turned.jpg");
    let picture = quadrants(320, 240);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
        .encode_image(&picture)
        .unwrap();
    // APP1 Exif segment right after SOI.
    let exif = exif_orientation(6);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((exif.len() + 8) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&exif);
    let with_exif = [&jpeg[..2], &segment, &jpeg[2..]].concat();
    std::fs::write(&jpeg_path, with_exif).unwrap();
    let out = dir.join("turned.heic");
    let run = Command::new("heif-enc")
        .arg(&jpeg_path)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let imported = import(&[("turned.heic", std::fs::read(&out).unwrap())]);
    let (sha, _, width, height) = imported.photos().remove(0);
    assert_eq!((width, height), (320, 240));
    let thumb = imported.thumbnail(&sha);
    assert!(thumb.width() > thumb.height());
    assert!(
        close(thumb.get_pixel(10, 10), [255, 0, 0], 60),
        "{:?}",
        thumb.get_pixel(10, 10)
    );
}

#[test]
fn the_primary_image_of_a_file_with_several_is_the_one_imported() {
    let lib = LibHeif::new();
    let mut context = HeifContext::new().unwrap();
    let mut encoder = lib.encoder_for_format(CompressionFormat::Hevc).unwrap();
    let mut primary = None;
    for colour in [[200, 30, 30], [30, 30, 200], [30, 200, 30]] {
        let pixels = DynamicImage::ImageRgb8(RgbImage::from_pixel(256, 192, Rgb(colour)));
        let bytes = heic(&pixels);
        let source = HeifContext::read_from_bytes(&bytes).unwrap();
        let decoded = lib
            .decode(
                &source.primary_image_handle().unwrap(),
                ColorSpace::Rgb(RgbChroma::Rgb),
                None,
            )
            .unwrap();
        let handle = context.encode_image(&decoded, &mut encoder, None).unwrap();
        if colour == [30, 30, 200] {
            primary = Some(handle);
        }
    }
    context.set_primary_image(&mut primary.unwrap()).unwrap();
    let burst = context.write_to_bytes().unwrap();
    assert_eq!(
        HeifContext::read_from_bytes(&burst)
            .unwrap()
            .number_of_top_level_images(),
        3
    );
    let imported = import(&[("burst.heic", burst)]);
    let (sha, ..) = imported.photos().remove(0);
    let thumb = imported.thumbnail(&sha);
    assert!(
        close(thumb.get_pixel(50, 50), [30, 30, 200], 20),
        "{:?}",
        thumb.get_pixel(50, 50)
    );
}

#[test]
fn transparency_is_flattened_on_white_and_an_icc_profile_is_converted_to_srgb() {
    let cut_out = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(256, 256, |x, _| {
        if x < 128 {
            image::Rgba([20, 20, 160, 255])
        } else {
            image::Rgba([20, 20, 160, 0])
        }
    }));
    // Mid grey in a linear-light profile is 188 in sRGB (128 if the profile were ignored).
    let linear = {
        let curve = moxcms::ToneReprCurve::Parametric(vec![1.0]);
        let mut profile = moxcms::ColorProfile::new_srgb();
        profile.red_trc = Some(curve.clone());
        profile.green_trc = Some(curve.clone());
        profile.blue_trc = Some(curve);
        profile.cicp = None;
        profile.encode().unwrap()
    };
    let grey = DynamicImage::ImageRgb8(RgbImage::from_pixel(256, 256, Rgb([128, 128, 128])));
    let tagged = heic_with(&grey, |image| {
        image
            .set_color_profile_raw(&ColorProfileRaw::new(color_profile_types::PROF, linear))
            .unwrap();
    });
    // Display P3 named by number (an nclx box, as many phones write it): a saturated P3 red
    // is redder in sRGB. (Neither libheif-rs 0.20 nor heif-enc 1.15 writes nclx boxes.)
    let red = DynamicImage::ImageRgb8(RgbImage::from_pixel(256, 256, Rgb([230, 60, 40])));
    let scratch = tempfile::tempdir().unwrap();
    pillow(
        scratch.path(),
        &red,
        "h = pillow_heif.from_pillow(Image.open(src))
h.info['nclx_profile'] = {'color_primaries': 12, 'transfer_characteristics': 13, 'matrix_coefficients': 6, 'full_range_flag': 1}
h.save(out + '/p3.heic', quality=95)",
    );
    let p3 = std::fs::read(scratch.path().join("p3.heic")).unwrap();
    let imported = import(&[
        ("cut-out.heic", heic(&cut_out)),
        ("linear.heic", tagged),
        ("p3.heic", p3),
    ]);
    let photos = imported.photos();
    assert_eq!(photos.len(), 3, "{:?}", imported.report);
    let thumb = imported.thumbnail(&photos[0].0);
    assert!(
        close(thumb.get_pixel(40, 128), [20, 20, 160], 25),
        "{:?}",
        thumb.get_pixel(40, 128)
    );
    assert!(
        close(thumb.get_pixel(220, 128), [255, 255, 255], 8),
        "{:?}",
        thumb.get_pixel(220, 128)
    );
    let thumb = imported.thumbnail(&photos[1].0);
    assert!(
        close(thumb.get_pixel(128, 128), [188, 188, 188], 8),
        "{:?}",
        thumb.get_pixel(128, 128)
    );
    // P3 (230, 60, 40) is about (250, 31, 14) in sRGB (worked out from the two colour spaces'
    // primaries and curves, not by the code under test).
    let thumb = imported.thumbnail(&photos[2].0);
    assert!(
        close(thumb.get_pixel(128, 128), [250, 31, 14], 10),
        "{:?}",
        thumb.get_pixel(128, 128)
    );
}

#[test]
fn ten_bit_and_pq_hdr_photos_come_out_in_8_bit_srgb_without_clipping_faces_to_white() {
    let lib = TestLibrary::new();
    let dir = lib.dir.path().to_path_buf();
    // 16-bit PNG sources: heif-enc writes 10 bits from them.
    let mid = DynamicImage::ImageRgb16(image::ImageBuffer::from_pixel(
        256,
        256,
        Rgb([32768u16, 32768, 32768]),
    ));
    let sdr = heif_enc(&dir, &mid, "ten-bit.heic", &["-b", "10"]);
    // PQ: a face-like tone at about 200 cd/m² (PQ signal 0.58) and a 4000 cd/m² highlight (0.90).
    let hdr = DynamicImage::ImageRgb16(image::ImageBuffer::from_fn(256, 256, |x, _| {
        if x < 128 {
            Rgb([38_000u16, 36_000, 34_000])
        } else {
            Rgb([59_000u16, 59_000, 59_000])
        }
    }));
    let pq = heif_enc(
        &dir,
        &hdr,
        "pq.heic",
        &[
            "-b",
            "10",
            "--colour_primaries",
            "9",
            "--transfer_characteristic",
            "16",
            "--matrix_coefficients",
            "9",
        ],
    );
    let imported = import(&[("ten-bit.heic", sdr), ("pq.heic", pq)]);
    let photos = imported.photos();
    assert_eq!(photos.len(), 2, "{:?}", imported.report);
    let thumb = imported.thumbnail(&photos[0].0);
    assert!(
        close(thumb.get_pixel(128, 128), [128, 128, 128], 6),
        "{:?}",
        thumb.get_pixel(128, 128)
    );
    let thumb = imported.thumbnail(&photos[1].0);
    let face = thumb.get_pixel(40, 128);
    let highlight = thumb.get_pixel(220, 128);
    assert!(face.0.iter().all(|&c| (120..=225).contains(&c)), "face {face:?}");
    assert!(face[0] > face[2], "warm stays warm: {face:?}");
    assert!(
        highlight.0.iter().all(|&c| c > face[0]),
        "highlight {highlight:?} above face {face:?}"
    );
}

#[test]
fn avif_imports_like_heic() {
    let lib = TestLibrary::new();
    let picture = DynamicImage::ImageRgb8(quadrants(128, 96));
    let avif = heif_enc(lib.dir.path(), &picture, "shot.avif", &["-A", "-q", "90"]);
    let imported = import(&[("shot.avif", avif.clone())]);
    let (sha, mime, ..) = imported.photos().remove(0);
    assert_eq!(mime, "image/avif");
    let thumb = imported.thumbnail(&sha);
    assert!(
        close(thumb.get_pixel(10, 10), [255, 0, 0], 40),
        "{:?}",
        thumb.get_pixel(10, 10)
    );
    let stored = imported
        .lib
        .root()
        .join("originals")
        .join(&sha[..2])
        .join(format!("{sha}.avif"));
    assert_eq!(
        std::fs::read(stored).unwrap(),
        avif,
        "the original is kept byte for byte"
    );
}

#[test]
fn broken_and_oversized_heic_files_are_refused_by_name_and_the_rest_import() {
    let good = heic(&DynamicImage::ImageRgb8(quadrants(256, 192)));
    // The header says 20000×10000 (200 MP): refused before anything is decoded.
    let mut huge = good.clone();
    let at = huge.windows(4).position(|w| w == b"ispe").unwrap() + 8;
    huge[at..at + 4].copy_from_slice(&20_000u32.to_be_bytes());
    huge[at + 4..at + 8].copy_from_slice(&10_000u32.to_be_bytes());
    let mut garbage = good[..64].to_vec();
    garbage.extend((0u32..4000).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8));
    let imported = import(&[
        ("IMG_0100.HEIC", good.clone()),
        ("IMG_0101.HEIC", good[..good.len() / 2].to_vec()),
        ("IMG_0102.HEIC", garbage),
        ("IMG_0103.HEIC", Vec::new()),
        ("IMG_0104.HEIC", huge),
    ]);
    assert_eq!(imported.outcome("IMG_0100.HEIC").0, Outcome::Done);
    for (name, words) in [
        ("IMG_0101.HEIC", "damaged"),
        ("IMG_0102.HEIC", "damaged"),
        ("IMG_0103.HEIC", "empty"),
        ("IMG_0104.HEIC", "200 megapixels"),
    ] {
        let (outcome, message) = imported.outcome(name);
        assert_eq!(outcome, Outcome::Refused, "{name}: {message}");
        assert!(
            message.contains(words),
            "{name}: {message:?} should say {words:?}"
        );
    }
    assert_eq!(imported.photos().len(), 1);
    let catalog = imported.catalog();
    let originals: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM originals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(originals, 1, "refused files leave no rows");
}

#[test]
fn the_viewer_gets_a_cached_jpeg_rendition_and_exports_write_jpeg_unless_originals_are_kept() {
    let big = DynamicImage::ImageRgb8(RgbImage::from_fn(3000, 2000, |x, y| {
        Rgb([(x / 12) as u8, (y / 8) as u8, 90])
    }));
    let scratch = tempfile::tempdir().unwrap();
    let original = pillow_heic(scratch.path(), &big, &[6]).remove(0);
    let jpeg_photo = {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&quadrants(300, 200))
            .unwrap();
        out
    };
    let imported = import(&[("IMG_2000.HEIC", original.clone()), ("plain.jpg", jpeg_photo)]);
    let photos = imported.photos();
    let (heic_sha, jpeg_sha) = (&photos[0].0, &photos[1].0);
    let catalog = imported.catalog();

    let (path, mime) = images::viewable_file(&catalog, heic_sha).unwrap();
    assert_eq!(mime, "image/jpeg");
    assert!(
        path.starts_with(imported.lib.root().join("renditions")),
        "{path:?}"
    );
    let shown = image::load_from_memory(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        (shown.width(), shown.height()),
        (1365, 2048),
        "turned, long side 2048"
    );
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let (again, _) = images::viewable_file(&catalog, heic_sha).unwrap();
    assert_eq!(again, path);
    assert_eq!(
        std::fs::metadata(&again).unwrap().modified().unwrap(),
        modified,
        "made once"
    );
    let (plain, mime) = images::viewable_file(&catalog, jpeg_sha).unwrap();
    assert_eq!(mime, "image/jpeg");
    assert!(plain.starts_with(imported.lib.root().join("originals")));
    let stored = imported
        .lib
        .root()
        .join("originals")
        .join(&heic_sha[..2])
        .join(format!("{heic_sha}.heic"));
    assert_eq!(
        std::fs::read(stored).unwrap(),
        original,
        "the original is untouched"
    );

    for keep_originals in [false, true] {
        let out = imported
            .lib
            .dir
            .path()
            .join(format!("export-{keep_originals}/products.csv"));
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let dir = out.parent().unwrap().join("images");
        let summary = export::export(
            &mut catalog.reader().unwrap(),
            ExportFormat::Shopify,
            &out,
            Some(PhotosOut {
                dir: &dir,
                keep_originals,
            }),
            &Default::default(),
            None,
            &Job::silent(),
        )
        .unwrap();
        assert_eq!(summary.images_copied, 2);
        let csv = std::fs::read_to_string(&out).unwrap();
        let jpeg_name = format!("{heic_sha}.jpg");
        let heic_name = format!("{heic_sha}.heic");
        if keep_originals {
            assert_eq!(std::fs::read(dir.join(&heic_name)).unwrap(), original);
            assert!(csv.contains(&heic_name) && !csv.contains(&jpeg_name));
        } else {
            let written = std::fs::read(dir.join(&jpeg_name)).unwrap();
            let full = image::load_from_memory_with_format(&written, image::ImageFormat::Jpeg).unwrap();
            assert_eq!((full.width(), full.height()), (2000, 3000), "full size, turned");
            assert!(!dir.join(&heic_name).exists());
            assert!(csv.contains(&jpeg_name) && !csv.contains(&heic_name), "{csv}");
        }
    }
}

// ---------- grid images (how iPhones store a photo: 512×512 tiles) ----------

/// The payload of the first top-level box of `kind` in an ISO BMFF file, and of the first
/// box of `kind` anywhere (found by its name, for the small files libheif writes here).
fn top_level_payload<'a>(file: &'a [u8], kind: &[u8; 4]) -> &'a [u8] {
    let mut at = 0;
    while at + 8 <= file.len() {
        let size = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
        if &file[at + 4..at + 8] == kind {
            return &file[at + 8..at + size];
        }
        at += size;
    }
    panic!("no {kind:?} box");
}

fn whole_box<'a>(file: &'a [u8], kind: &[u8; 4]) -> &'a [u8] {
    let at = file.windows(4).position(|w| w == kind).unwrap() - 4;
    let size = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
    &file[at..at + size]
}

fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

fn full_box(kind: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    boxed(kind, &[&[version, 0, 0, 0][..], payload].concat())
}

/// A 2×2 grid HEIC assembled from four single-tile HEICs, as ISO/IEC 23008-12 lays it out:
/// a `grid` item (the primary) deriving from four hidden `hvc1` tile items through a `dimg`
/// reference, each tile with its own decoder configuration.
fn grid_heic(tiles: &[Vec<u8>; 4], tile_w: u16, tile_h: u16) -> Vec<u8> {
    let ftyp = boxed(b"ftyp", b"heic\0\0\0\0mif1heicmiaf");
    let hdlr = full_box(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
    let pitm = full_box(b"pitm", 0, &1u16.to_be_bytes());
    let infe = |id: u16, kind: &[u8; 4], hidden: bool| {
        let payload = [&id.to_be_bytes()[..], &[0, 0], kind, b"\0"].concat();
        // Version 2; flag 1 hides a tile from viewers that list the images.
        boxed(b"infe", &[&[2, 0, 0, u8::from(hidden)][..], &payload].concat())
    };
    let mut entries = 5u16.to_be_bytes().to_vec();
    entries.extend(infe(1, b"grid", false));
    for id in 2..=5 {
        entries.extend(infe(id, b"hvc1", true));
    }
    let iinf = full_box(b"iinf", 0, &entries);
    let dimg = boxed(
        b"dimg",
        &[1u16, 4, 2, 3, 4, 5]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect::<Vec<_>>(),
    );
    let iref = full_box(b"iref", 0, &dimg);
    let grid_data = [
        &[0u8, 0, 1, 1][..],
        &(tile_w * 2).to_be_bytes(),
        &(tile_h * 2).to_be_bytes(),
    ]
    .concat();
    let payloads: Vec<&[u8]> = std::iter::once(&grid_data[..])
        .chain(tiles.iter().map(|t| top_level_payload(t, b"mdat")))
        .collect();
    // Properties: 1-4 each tile's hvcC, 5 the tile size, 6 the whole picture's size.
    let ispe = |w: u16, h: u16| {
        full_box(
            b"ispe",
            0,
            &[u32::from(w).to_be_bytes(), u32::from(h).to_be_bytes()].concat(),
        )
    };
    let mut ipco = Vec::new();
    for tile in tiles {
        ipco.extend_from_slice(whole_box(tile, b"hvcC"));
    }
    ipco.extend(ispe(tile_w, tile_h));
    ipco.extend(ispe(tile_w * 2, tile_h * 2));
    let mut ipma = 5u32.to_be_bytes().to_vec();
    ipma.extend([0, 1, 1, 6]);
    for (n, id) in (2u16..=5).enumerate() {
        ipma.extend(id.to_be_bytes());
        ipma.extend([2, 0x80 | (n as u8 + 1), 5]);
    }
    let iprp = boxed(
        b"iprp",
        &[boxed(b"ipco", &ipco), full_box(b"ipma", 0, &ipma)].concat(),
    );
    // iloc (version 0, 4-byte offsets and lengths): offsets are filled in once the meta box's
    // size is known, since the data follows it.
    let iloc = |base: u32| {
        let mut b = vec![0x44, 0x00];
        b.extend(5u16.to_be_bytes());
        let mut offset = base;
        for (id, payload) in (1u16..).zip(&payloads) {
            b.extend(id.to_be_bytes());
            b.extend([0, 0, 0, 1]); // data reference 0, one extent
            b.extend(offset.to_be_bytes());
            b.extend((payload.len() as u32).to_be_bytes());
            offset += payload.len() as u32;
        }
        full_box(b"iloc", 0, &b)
    };
    let meta = |base| {
        full_box(
            b"meta",
            0,
            &[&hdlr[..], &pitm, &iloc(base), &iinf, &iref, &iprp].concat(),
        )
    };
    let data_start = (ftyp.len() + meta(0).len() + 8) as u32;
    let mdat = boxed(b"mdat", &payloads.concat());
    [ftyp, meta(data_start), mdat].concat()
}

#[test]
fn a_grid_heic_like_an_iphones_is_assembled_from_its_tiles() {
    let colours = [[220, 30, 30], [30, 200, 30], [30, 30, 220], [240, 240, 240]];
    let (tw, th) = (256u16, 192u16);
    let tiles = colours.map(|c| {
        heic(&DynamicImage::ImageRgb8(RgbImage::from_pixel(
            tw.into(),
            th.into(),
            Rgb(c),
        )))
    });
    let grid = grid_heic(&tiles, tw, th);
    let imported = import(&[("IMG_4000.HEIC", grid)]);
    let (outcome, message) = imported.outcome("IMG_4000.HEIC");
    assert_eq!(outcome, Outcome::Done, "{message}");
    let (sha, _, width, height) = imported.photos().remove(0);
    assert_eq!((width, height), (512, 384), "the whole picture, not a tile");
    let thumb = imported.thumbnail(&sha);
    assert_eq!((thumb.width(), thumb.height()), (256, 192));
    for (x, y, colour) in [
        (64, 48, colours[0]),
        (192, 48, colours[1]),
        (64, 144, colours[2]),
        (192, 144, colours[3]),
    ] {
        assert!(
            close(thumb.get_pixel(x, y), colour, 25),
            "({x},{y}) is {:?}, expected {colour:?}",
            thumb.get_pixel(x, y)
        );
    }
}

#[test]
fn a_shop_file_naming_heic_photos_by_url_imports_them_as_heic() {
    use crate::http_server::{Reply, Server};
    use shelf_core::csv_import::{self, CsvImportOptions};
    let photo = heic(&DynamicImage::ImageRgb8(quadrants(320, 240)));
    // Served under a .jpg name with a generic type, as CDNs do: the bytes decide.
    let routes = [(
        "/cdn/IMG_0001.jpg".to_owned(),
        Reply::Body("application/octet-stream", photo.clone()),
    )];
    let server = Server::start(routes.into_iter().collect());
    let lib = TestLibrary::new();
    let path = lib.dir.path().join("products_export.csv");
    std::fs::write(
        &path,
        format!(
            "Handle,Title,Variant SKU,Variant Price,Image Src,Image Position\nmug,Mug,MUG-1,9,{},1\n",
            server.url("/cdn/IMG_0001.jpg")
        ),
    )
    .unwrap();
    let mut catalog = lib.catalog();
    let report =
        csv_import::import(&mut catalog, &path, &CsvImportOptions::default(), &Job::silent()).unwrap();
    assert_eq!(report.images_imported, 1, "{:?}", report.issues);
    let mug = shelf_core::catalog::products::by_sku(catalog.conn(), "MUG-1").unwrap();
    let photos = images::product_images(catalog.conn(), mug.id).unwrap();
    assert_eq!(photos[0].mime, "image/heic");
    let stored = lib
        .root()
        .join("originals")
        .join(&photos[0].sha256[..2])
        .join(format!("{}.heic", photos[0].sha256));
    assert_eq!(std::fs::read(stored).unwrap(), photo);
}

#[test]
fn shelf_import_and_the_inbox_take_heic_like_any_photo() {
    let lib = TestLibrary::new();
    let dir = lib.dir.path().join("card");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("CAM-1.HIF"),
        heic(&DynamicImage::ImageRgb8(quadrants(320, 240))),
    )
    .unwrap();
    drop(lib.catalog());
    let out = crate::util::shelf_in(lib.root(), &["import", "--by-sku", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}{}",
        crate::util::stdout(&out),
        crate::util::stderr(&out)
    );
    let catalog = lib.catalog();
    let cam = shelf_core::catalog::products::by_sku(catalog.conn(), "CAM-1").unwrap();
    assert_eq!(
        images::product_images(catalog.conn(), cam.id).unwrap()[0].mime,
        "image/heic"
    );
    drop(catalog);

    let inbox = lib.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(
        inbox.join("CAM-2.heic"),
        heic(&DynamicImage::ImageRgb8(quadrants(256, 256))),
    )
    .unwrap();
    let mut catalog = lib.catalog();
    images::scan_inbox_once(&mut catalog, &inbox, &Job::silent()).unwrap();
    let cam2 = shelf_core::catalog::products::by_sku(catalog.conn(), "CAM-2").unwrap();
    assert_eq!(
        images::product_images(catalog.conn(), cam2.id).unwrap()[0].mime,
        "image/heic"
    );
}

#[test]
fn a_backup_keeps_heic_originals_byte_for_byte_and_restores_them() {
    let photo = heic(&DynamicImage::ImageRgb8(quadrants(320, 240)));
    let imported = import(&[("IMG_0500.HEIC", photo.clone())]);
    let (sha, ..) = imported.photos().remove(0);
    let zip = imported.lib.dir.path().join("backup.zip");
    shelf_core::backup::create(&imported.lib.library, &zip, &Job::silent()).unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut entry = archive
        .by_name(&format!("originals/{}/{sha}.heic", &sha[..2]))
        .unwrap();
    let mut kept = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut kept).unwrap();
    assert_eq!(kept, photo, "the backup holds the original, not a conversion");
    drop(entry);

    let other = TestLibrary::new();
    drop(other.catalog());
    shelf_core::backup::restore(&other.library, &zip, &Job::silent()).unwrap();
    let stored = other
        .root()
        .join("originals")
        .join(&sha[..2])
        .join(format!("{sha}.heic"));
    assert_eq!(std::fs::read(stored).unwrap(), photo);
    let catalog = other.catalog();
    let thumb = images::thumbnail(catalog.conn(), &sha).unwrap();
    assert_eq!(thumb.mime, "image/jpeg");
}
