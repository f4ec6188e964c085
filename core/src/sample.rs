//! The first-start sample catalog: two dozen products in a few categories, each with a
//! generated photo imported through the image library like any seller's photo, so a new
//! seller can look around before entering their own products. Only for an empty catalog.

use crate::catalog::maintenance;
use crate::catalog::products::{ProductFields, Status};
use crate::error::{Error, Result};
use crate::images::{self, ImportTarget};
use crate::job::{Job, JobReport};
use crate::Catalog;
use image::{ImageFormat, Rgb, RgbImage};
use std::path::{Path, PathBuf};

/// (SKU, name, price in cents, stock, category, tags, photo colour)
type Sample = (
    &'static str,
    &'static str,
    i64,
    i64,
    &'static str,
    &'static str,
    [u8; 3],
);

const SAMPLES: &[Sample] = &[
    (
        "MUG-BLUE",
        "Stoneware mug, blue",
        1450,
        24,
        "Kitchen > Mugs",
        "ceramic,handmade",
        [52, 101, 164],
    ),
    (
        "MUG-SAND",
        "Stoneware mug, sand",
        1450,
        3,
        "Kitchen > Mugs",
        "ceramic,handmade",
        [214, 190, 150],
    ),
    (
        "MUG-MOSS",
        "Stoneware mug, moss",
        1450,
        0,
        "Kitchen > Mugs",
        "ceramic",
        [110, 130, 80],
    ),
    (
        "BOWL-SM",
        "Serving bowl, small",
        2200,
        12,
        "Kitchen > Bowls",
        "ceramic",
        [190, 90, 70],
    ),
    (
        "BOWL-LG",
        "Serving bowl, large",
        3400,
        6,
        "Kitchen > Bowls",
        "ceramic",
        [160, 60, 50],
    ),
    (
        "PLATE-4",
        "Dinner plates, set of 4",
        5600,
        8,
        "Kitchen > Plates",
        "ceramic,set",
        [235, 230, 220],
    ),
    (
        "TEA-EG",
        "Earl Grey, loose leaf 100 g",
        890,
        40,
        "Pantry > Tea",
        "organic",
        [120, 80, 60],
    ),
    (
        "TEA-GR",
        "Sencha green tea 100 g",
        1190,
        18,
        "Pantry > Tea",
        "organic",
        [120, 160, 90],
    ),
    (
        "TEA-MINT",
        "Peppermint tea 50 g",
        650,
        2,
        "Pantry > Tea",
        "organic,herbal",
        [80, 170, 130],
    ),
    (
        "HONEY-1",
        "Wildflower honey 250 g",
        990,
        15,
        "Pantry > Sweet",
        "local",
        [230, 170, 40],
    ),
    (
        "JAM-FIG",
        "Fig jam 200 g",
        720,
        9,
        "Pantry > Sweet",
        "local",
        [120, 40, 80],
    ),
    (
        "CANDLE-CE",
        "Soy candle, cedar",
        1800,
        20,
        "Home > Candles",
        "soy,gift",
        [150, 110, 80],
    ),
    (
        "CANDLE-LA",
        "Soy candle, lavender",
        1800,
        1,
        "Home > Candles",
        "soy,gift",
        [150, 130, 200],
    ),
    (
        "THROW-GR",
        "Wool throw, grey",
        8900,
        4,
        "Home > Textiles",
        "wool",
        [140, 140, 145],
    ),
    (
        "PILLOW-OC",
        "Linen cushion, ochre",
        3900,
        7,
        "Home > Textiles",
        "linen",
        [200, 150, 50],
    ),
    (
        "VASE-TALL",
        "Glass vase, tall",
        4200,
        5,
        "Home > Decor",
        "glass",
        [170, 200, 210],
    ),
    (
        "VASE-BUD",
        "Bud vase",
        1600,
        30,
        "Home > Decor",
        "glass,gift",
        [200, 220, 230],
    ),
    (
        "NOTE-A5",
        "Notebook A5, dotted",
        1200,
        50,
        "Stationery",
        "paper",
        [40, 60, 90],
    ),
    (
        "NOTE-A6",
        "Pocket notebook A6",
        800,
        60,
        "Stationery",
        "paper",
        [180, 60, 60],
    ),
    (
        "PEN-BR",
        "Brass pen",
        3500,
        10,
        "Stationery",
        "brass,gift",
        [190, 160, 80],
    ),
    (
        "CARD-SET",
        "Greeting cards, set of 6",
        1500,
        25,
        "Stationery",
        "paper,set",
        [230, 200, 200],
    ),
    (
        "SOAP-OAT",
        "Oat soap bar",
        600,
        45,
        "Bath",
        "vegan",
        [225, 210, 180],
    ),
    (
        "SOAP-CHAR",
        "Charcoal soap bar",
        650,
        0,
        "Bath",
        "vegan",
        [50, 50, 55],
    ),
    (
        "TOWEL-WH",
        "Cotton hand towel, white",
        1900,
        14,
        "Bath",
        "cotton",
        [245, 245, 240],
    ),
];

/// Creates the sample products and imports a generated photo for each (by SKU in the file
/// name). Refused when the catalog already has products, so nothing of the seller's is mixed
/// with sample data.
pub fn load(catalog: &mut Catalog, job: &Job) -> Result<JobReport> {
    let stats = maintenance::stats(catalog.conn())?;
    if stats.products + stats.in_trash > 0 {
        return Err(Error::refused(
            "The sample catalog can only be loaded into an empty catalog.",
        ));
    }
    let mut fields = Vec::with_capacity(SAMPLES.len());
    for (sku, name, price, stock, category, tags, _) in SAMPLES {
        let category_id = Some(catalog.ensure_category_path(category)?.id);
        fields.push(ProductFields {
            sku: (*sku).to_owned(),
            name: (*name).to_owned(),
            description: format!("{name}. A sample product: edit it, or move it to the trash."),
            price_minor: *price,
            currency: None,
            stock: *stock,
            status: Status::Active,
            category_id,
            barcode: None,
            tags: tags.split(',').map(str::to_owned).collect(),
            ..ProductFields::default()
        });
    }
    catalog.insert_products(fields, SAMPLES.len())?;
    let folder = catalog
        .library()
        .tmp_dir()
        .join(format!("sample-{}", std::process::id()));
    let photos = write_photos(&folder);
    let report = photos.and_then(|paths| images::import(catalog, &paths, ImportTarget::BySku, job));
    // The photos are copies now (or the import failed); the generated files aren't needed.
    let _ = std::fs::remove_dir_all(&folder);
    report
}

fn write_photos(folder: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(folder).map_err(|e| Error::io("Can't create", folder, e))?;
    SAMPLES
        .iter()
        .map(|(sku, .., colour)| {
            let path = folder.join(format!("{sku}.jpg"));
            photo(*colour)
                .save_with_format(&path, ImageFormat::Jpeg)
                .map_err(|e| {
                    Error::Internal(format!("Can't write the sample photo {}: {e}", path.display()))
                })?;
            Ok(path)
        })
        .collect()
}

/// A 640×480 "product shot": the product's colour as a rounded block on a soft backdrop.
fn photo([r, g, b]: [u8; 3]) -> RgbImage {
    let (w, h) = (640u32, 480u32);
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as i64 - 320, y as i64 - 250);
        let inside = (dx * dx) / 4 + dy * dy < 150 * 150 && dy > -170;
        let shade = 235 - (y * 30 / h) as u8;
        if inside {
            let light = (170 - dx.clamp(-170, 170)) as u16 / 8;
            Rgb([
                r.saturating_add(light as u8),
                g.saturating_add(light as u8),
                b.saturating_add(light as u8),
            ])
        } else if y > 400 {
            Rgb([shade - 25, shade - 27, shade - 30])
        } else {
            Rgb([shade, shade - 2, shade - 5])
        }
    })
}
