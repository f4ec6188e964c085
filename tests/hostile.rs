//! Hostile bytes (issue 13's property tests): whatever a file holds, the image sniffers and
//! decoders (libheif and libjpeg-turbo included), the CSV reader and the backup vetting answer
//! with a value or an error, never a panic or a crash. Inputs are random bytes and real files
//! with random damage (flipped bytes, cuts), the way a bad download or disk leaves them.

use crate::util::{product, TestLibrary};
use proptest::prelude::*;
use shelf_core::backup;
use shelf_core::csv_import::{self, CsvImportOptions};
use shelf_core::images::decode;
use shelf_core::job::Job;
use std::sync::OnceLock;

/// Real files of every kind the decoders take, made once: the seeds damage starts from.
fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let picture = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(96, 64, |x, y| {
            image::Rgb([x as u8 * 2, y as u8 * 3, 90])
        }));
        let mut files = Vec::new();
        for format in [
            image::ImageFormat::Jpeg,
            image::ImageFormat::Png,
            image::ImageFormat::WebP,
            image::ImageFormat::Gif,
            image::ImageFormat::Tiff,
            image::ImageFormat::Bmp,
        ] {
            let mut bytes = std::io::Cursor::new(Vec::new());
            picture.write_to(&mut bytes, format).unwrap();
            files.push(bytes.into_inner());
        }
        files.push(heic(&picture));
        files
    })
}

fn heic(picture: &image::DynamicImage) -> Vec<u8> {
    use libheif_rs::{Channel, ColorSpace, CompressionFormat, HeifContext, Image, LibHeif, RgbChroma};
    let (w, h) = (picture.width(), picture.height());
    let mut image = Image::new(w, h, ColorSpace::Rgb(RgbChroma::Rgb)).unwrap();
    image.create_plane(Channel::Interleaved, w, h, 8).unwrap();
    let raw = picture.to_rgb8().into_raw();
    {
        let planes = image.planes_mut();
        let plane = planes.interleaved.unwrap();
        for (y, row) in raw.chunks_exact(w as usize * 3).enumerate() {
            plane.data[y * plane.stride..y * plane.stride + row.len()].copy_from_slice(row);
        }
    }
    let mut context = HeifContext::new().unwrap();
    let lib = LibHeif::new();
    let mut encoder = lib.encoder_for_format(CompressionFormat::Hevc).unwrap();
    context.encode_image(&image, &mut encoder, None).unwrap();
    context.write_to_bytes().unwrap()
}

/// A seed file with `flips` bytes changed at random places and cut at `cut` (per mille).
fn damaged() -> impl Strategy<Value = Vec<u8>> {
    (
        0..7usize,
        prop::collection::vec((any::<u32>(), any::<u8>()), 0..12),
        500..=1000u32,
    )
        .prop_map(|(seed, flips, cut)| {
            let mut bytes = seeds()[seed].clone();
            for (at, value) in flips {
                let len = bytes.len();
                bytes[at as usize % len] = value;
            }
            let keep = bytes.len() * cut as usize / 1000;
            bytes.truncate(keep.max(1));
            bytes
        })
}

fn decode_anything(bytes: &[u8]) {
    if let Ok(format) = decode::sniff(bytes) {
        let _ = decode::decode(bytes, format, 256);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_bytes_never_panic_the_sniffer_or_the_decoders(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        decode_anything(&bytes);
        // The same bytes behind each format's signature, to reach every decoder.
        for magic in [&b"\xff\xd8\xff\xe0"[..], b"\x89PNG\r\n\x1a\n", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", b"\0\0\0\x14ftypavif\0\0\0\0mif1"] {
            decode_anything(&[magic, &bytes].concat());
        }
    }

    #[test]
    fn damaged_photos_of_every_kind_are_refused_or_read_never_a_crash(bytes in damaged()) {
        decode_anything(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_csv_bytes_are_a_report_or_an_error(
        header in prop::sample::select(vec!["", "Handle,Title,Variant SKU,Variant Price\n", "sku,name,price\n", "Type,SKU,Name,Parent,Regular price\n"]),
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
    ) {
        let lib = TestLibrary::new();
        let path = lib.dir.path().join("hostile.csv");
        std::fs::write(&path, [header.as_bytes(), &bytes].concat()).unwrap();
        let mut catalog = lib.catalog();
        let before: i64 = catalog.conn().query_row("SELECT count(*) FROM products", [], |r| r.get(0)).unwrap();
        let options = CsvImportOptions::default();
        match csv_import::import(&mut catalog, &path, &options, &Job::silent()) {
            Ok(report) => prop_assert_eq!(report.refused == 0 || report.created == 0, true, "all or nothing: {:?}", report),
            Err(_) => {
                let after: i64 = catalog.conn().query_row("SELECT count(*) FROM products", [], |r| r.get(0)).unwrap();
                prop_assert_eq!(before, after, "a refused file writes nothing");
            }
        }
    }

    #[test]
    fn a_damaged_backup_is_refused_by_verification_never_a_crash(
        flips in prop::collection::vec((any::<u32>(), any::<u8>()), 1..8),
        cut in 300..=1000u32,
    ) {
        let bytes = backup_seed();
        let mut bytes = bytes.clone();
        for (at, value) in flips {
            let len = bytes.len();
            bytes[at as usize % len] = value;
        }
        bytes.truncate(bytes.len() * cut as usize / 1000);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.zip");
        std::fs::write(&path, &bytes).unwrap();
        // Usually refused; a flip in a byte nothing reads may leave it valid. Either way, an answer.
        let _ = backup::verify(&path, &Job::silent());
    }
}

/// A real backup of a small library with two products and a photo.
fn backup_seed() -> &'static Vec<u8> {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(|| {
        let lib = TestLibrary::new();
        let mut catalog = lib.catalog();
        let id = catalog.create_product(&product("HOST-1", "Mug", 900)).unwrap().id;
        catalog.create_product(&product("HOST-2", "Cup", 500)).unwrap();
        let photo = lib.dir.path().join("HOST-1.jpg");
        std::fs::write(&photo, &seeds()[0]).unwrap();
        shelf_core::images::import(
            &mut catalog,
            &[photo],
            shelf_core::images::ImportTarget::Product(id),
            &Job::silent(),
        )
        .unwrap();
        drop(catalog);
        let out = lib.dir.path().join("seed.zip");
        backup::create(&lib.library, &out, &Job::silent()).unwrap();
        std::fs::read(out).unwrap()
    })
}
