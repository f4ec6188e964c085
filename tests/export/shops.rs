//! The shop formats with variants: Shopify's rows grouped by handle and WooCommerce's
//! variable products, from a catalog with a plain product, a product whose options make
//! variants (one on sale, one with a barcode that starts with 0, photos on two of them, one
//! in the trash) and a product whose SKU would make another product's handle.

use super::{export_all, read_csv};
use crate::transfer::add_original;
use crate::util::*;
use shelf_core::catalog::products::{ShopFields, Status};
use shelf_core::catalog::variants::{self, OptionValues, VariantFields};
use shelf_core::export::{self, ExportFormat};
use std::collections::HashMap;
use std::path::Path;

/// The variants TEE sells once TEE-M-GREEN is in the trash.
const TEE_LIVE: [&str; 5] = [
    "TEE-S-RED",
    "TEE-S-BLUE",
    "TEE-S-GREEN",
    "TEE-M-RED",
    "TEE-M-BLUE",
];

struct ShopCatalog {
    lib: TestLibrary,
    /// TEE-S-BLUE's photo, one of TEE's live photos.
    blue_photo: String,
    /// TEE-M-BLUE's photo, which TEE has since moved to the trash.
    trashed_photo: String,
}

/// MUG: active, every shop field, 2 photos. TEE: draft, handle `cotton-tee`, Size (S, M) ×
/// Colour (Red, Blue, Green) at 20.00, 7 photos of which one is in the trash. COTTON-TEE:
/// archived, no photos; its SKU would make the handle TEE was given.
fn shop_catalog() -> ShopCatalog {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let home = catalog.ensure_category_path("Home > Kitchen").unwrap().id;
    let mut mug = product("MUG", "Blue mug", 1250);
    mug.status = Status::Active;
    mug.stock = 4;
    mug.category_id = Some(home);
    mug.barcode = Some("0012345678905".into());
    mug.tags = vec!["gift".into(), "ceramic".into()];
    mug.shop = ShopFields {
        vendor: Some("Acme Pottery".into()),
        product_type: Some("Mugs".into()),
        handle: Some("blue-mug".into()),
        compare_at_minor: Some(1500),
        cost_minor: Some(600),
        weight_grams: Some(1250),
    };
    catalog.create_product(&mug).unwrap();
    let mut tee = product("TEE", "Cotton tee", 0);
    tee.shop.handle = Some("cotton-tee".into());
    let tee = catalog.create_product(&tee).unwrap();
    let mut other = product("COTTON-TEE", "Other tee", 900);
    other.status = Status::Archived;
    catalog.create_product(&other).unwrap();
    let option = |name: &str, values: &[&str]| OptionValues {
        name: name.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    catalog
        .generate_variants(
            tee.id,
            &[
                option("Size", &["S", "M"]),
                option("Colour", &["Red", "Blue", "Green"]),
            ],
            2000,
            3,
        )
        .unwrap();
    let conn = lib.plain_connection();
    let photos: Vec<String> = (0..7)
        .map(|i| add_original(&conn, &lib.library, "TEE", i, &format!("tee-{i}")))
        .collect();
    for i in 0..2 {
        add_original(&conn, &lib.library, "MUG", i, &format!("mug-{i}"));
    }
    let mut edit = |sku: &str, change: &dyn Fn(&mut VariantFields)| {
        let v = variants::by_sku(catalog.conn(), sku).unwrap();
        let mut fields = VariantFields {
            sku: v.sku.clone(),
            option1: v.option1.clone(),
            option2: v.option2.clone(),
            price_minor: v.price_minor,
            stock: v.stock,
            ..VariantFields::default()
        };
        change(&mut fields);
        catalog.update_variant(v.id, v.version, &fields).unwrap();
    };
    edit("TEE-S-RED", &|f| {
        f.compare_at_minor = Some(2500);
        f.cost_minor = Some(900);
        f.weight_grams = Some(180);
    });
    edit("TEE-S-BLUE", &|f| f.image_sha256 = Some(photos[1].clone()));
    edit("TEE-S-GREEN", &|f| f.stock = 0);
    // A compare-at below the price is no sale.
    edit("TEE-M-RED", &|f| f.compare_at_minor = Some(1500));
    edit("TEE-M-BLUE", &|f| {
        f.barcode = Some("0400000000017".into());
        f.image_sha256 = Some(photos[6].clone());
    });
    let gone = variants::by_sku(catalog.conn(), "TEE-M-GREEN").unwrap();
    catalog.trash_variants(&[gone.id]).unwrap();
    conn.execute(
        "UPDATE product_images SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE sha256 = ?1",
        [&photos[6]],
    )
    .unwrap();
    drop(catalog);
    ShopCatalog {
        lib,
        blue_photo: photos[1].clone(),
        trashed_photo: photos[6].clone(),
    }
}

/// Rows keyed by a column's value, for the rows that have one.
fn by<'a>(headers: &[String], rows: &'a [Vec<String>], name: &str) -> HashMap<String, &'a Vec<String>> {
    let i = headers.iter().position(|h| h == name).unwrap();
    rows.iter()
        .filter(|r| !r[i].is_empty())
        .map(|r| (r[i].clone(), r))
        .collect()
}

fn column<'a>(headers: &'a [String]) -> impl Fn(&str) -> usize + 'a {
    move |name| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
}

#[test]
fn shopify_export_writes_one_row_per_live_variant_and_the_photos_after_them() {
    let shop = shop_catalog();
    let out = shop.lib.dir.path().join("shopify.csv");
    let images = shop.lib.dir.path().join("images");
    let summary = export_all(&shop.lib, ExportFormat::Shopify, &out, Some(&images));
    let (headers, rows) = read_csv(&out);
    assert_eq!(headers, export::SHOPIFY_COLUMNS);
    let col = column(&headers);
    // COTTON-TEE 1; MUG 1 + 1 image-only; TEE 5 variants + 1 image-only (6 live photos).
    assert_eq!((rows.len(), summary.rows, summary.products), (9, 9, 3));
    let handles: Vec<&str> = rows.iter().map(|r| r[col("Handle")].as_str()).collect();
    assert_eq!(
        handles[0], "cotton-tee-2",
        "a made handle never takes a given one"
    );
    assert_eq!(&handles[1..3], ["blue-mug", "blue-mug"]);
    assert!(handles[3..].iter().all(|h| *h == "cotton-tee"));

    let skus: Vec<&str> = rows
        .iter()
        .map(|r| r[col("Variant SKU")].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let mut expected = vec!["COTTON-TEE", "MUG"];
    expected.extend(TEE_LIVE);
    assert_eq!(
        skus, expected,
        "each live variant once, the trashed one and TEE itself never"
    );

    let tee = &rows[3..];
    assert_eq!(tee[0][col("Title")], "Cotton tee");
    assert_eq!(
        (
            tee[0][col("Option1 Name")].as_str(),
            tee[0][col("Option2 Name")].as_str()
        ),
        ("Size", "Colour")
    );
    assert_eq!(
        (
            tee[0][col("Option1 Value")].as_str(),
            tee[0][col("Option2 Value")].as_str()
        ),
        ("S", "Red")
    );
    for row in &tee[1..] {
        for name in ["Title", "Option1 Name", "Option2 Name", "Status", "Published"] {
            assert_eq!(row[col(name)], "", "{name} belongs on the first row only");
        }
    }
    let positions: Vec<&str> = tee.iter().map(|r| r[col("Image Position")].as_str()).collect();
    assert_eq!(positions, ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(
        tee[5][col("Variant SKU")],
        "",
        "the sixth photo has a row of its own"
    );
    assert_eq!(tee[5][col("Option1 Value")], "");

    let sku = by(&headers, &rows, "Variant SKU");
    let red = sku["TEE-S-RED"];
    assert_eq!(
        [
            &red[col("Variant Price")],
            &red[col("Variant Compare At Price")],
            &red[col("Cost per item")],
            &red[col("Variant Grams")],
            &red[col("Variant Weight Unit")],
        ],
        ["20.00", "25.00", "9.00", "180", "g"]
    );
    assert_eq!(sku["TEE-M-BLUE"][col("Variant Barcode")], "0400000000017");
    assert_eq!(sku["TEE-S-GREEN"][col("Variant Inventory Qty")], "0");
    for (variant, sha) in [
        ("TEE-S-BLUE", &shop.blue_photo),
        ("TEE-M-BLUE", &shop.trashed_photo),
    ] {
        let named = &sku[variant][col("Variant Image")];
        assert_eq!(*named, format!("images/{sha}.jpg"), "{variant}");
        assert!(out.parent().unwrap().join(named).is_file(), "{named} was copied");
    }
    assert_eq!(
        summary.images_copied, 9,
        "8 live photos and the trashed one a variant shows"
    );

    let mug = sku["MUG"];
    for (name, value) in [
        ("Title", "Blue mug"),
        ("Vendor", "Acme Pottery"),
        ("Type", "Mugs"),
        ("Option1 Name", "Title"),
        ("Option1 Value", "Default Title"),
        ("Variant Price", "12.50"),
        ("Variant Compare At Price", "15.00"),
        ("Cost per item", "6.00"),
        ("Variant Grams", "1250"),
        ("Variant Weight Unit", "kg"),
        ("Variant Barcode", "0012345678905"),
        ("Published", "TRUE"),
        ("Status", "active"),
    ] {
        assert_eq!(mug[col(name)], value, "{name}");
    }
    assert_eq!(sku["COTTON-TEE"][col("Status")], "archived");
}

#[test]
fn woocommerce_export_writes_variable_products_with_their_variations() {
    let shop = shop_catalog();
    let out = shop.lib.dir.path().join("woo.csv");
    let images = shop.lib.dir.path().join("woo-images");
    let summary = export_all(&shop.lib, ExportFormat::Woocommerce, &out, Some(&images));
    assert!(
        std::fs::read(&out).unwrap().starts_with("\u{feff}ID,".as_bytes()),
        "BOM first"
    );
    let (headers, rows) = read_csv(&out);
    assert_eq!(headers, export::WOOCOMMERCE_COLUMNS);
    let col = column(&headers);
    assert_eq!((rows.len(), summary.rows, summary.products), (8, 8, 3));
    let kinds: Vec<&str> = rows.iter().map(|r| r[col("Type")].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "simple",
            "simple",
            "variable",
            "variation",
            "variation",
            "variation",
            "variation",
            "variation"
        ]
    );
    let skus: Vec<&str> = rows[3..].iter().map(|r| r[col("SKU")].as_str()).collect();
    assert_eq!(skus, TEE_LIVE);
    assert!(rows.iter().all(|r| r[col("ID")].is_empty()));
    let sku = by(&headers, &rows, "SKU");

    let tee = sku["TEE"];
    assert_eq!(tee[col("Published")], "0", "draft");
    assert_eq!(
        (tee[col("Regular price")].as_str(), tee[col("Stock")].as_str()),
        ("", "")
    );
    for (name, value) in [
        ("Attribute 1 name", "Size"),
        ("Attribute 1 value(s)", "S, M"),
        ("Attribute 2 name", "Colour"),
        ("Attribute 2 value(s)", "Red, Blue, Green"),
        ("Attribute 1 visible", "1"),
        ("Attribute 1 global", "0"),
        ("Attribute 1 default", "S"),
        ("Attribute 2 default", "Red"),
    ] {
        assert_eq!(tee[col(name)], value, "{name}");
    }
    let photos: Vec<&str> = tee[col("Images")].split(", ").collect();
    assert_eq!(photos.len(), 6, "the live photos, by file name");
    assert!(photos.iter().all(|p| p.ends_with(".jpg") && !p.contains('/')));
    for variation in &rows[3..] {
        assert_eq!(variation[col("Parent")], "TEE");
        assert_eq!(variation[col("Attribute 1 name")], "Size");
        assert_eq!(variation[col("Published")], "1");
    }
    let (s_red, m_red) = (sku["TEE-S-RED"], sku["TEE-M-RED"]);
    assert_eq!(
        (
            s_red[col("Attribute 1 value(s)")].as_str(),
            s_red[col("Attribute 2 value(s)")].as_str()
        ),
        ("S", "Red")
    );
    assert_eq!(s_red[col("Name")], "Cotton tee - S, Red");
    assert_eq!(
        (
            s_red[col("Sale price")].as_str(),
            s_red[col("Regular price")].as_str()
        ),
        ("20.00", "25.00"),
        "on sale: the compare-at is the regular price"
    );
    assert_eq!(
        (
            m_red[col("Sale price")].as_str(),
            m_red[col("Regular price")].as_str()
        ),
        ("", "20.00"),
        "a compare-at below the price is no sale"
    );
    assert_eq!(s_red[col("Weight (kg)")], "0.18");
    assert_eq!(sku["TEE-M-BLUE"][col("GTIN, UPC, EAN, or ISBN")], "0400000000017");
    let green = sku["TEE-S-GREEN"];
    assert_eq!(
        (green[col("In stock?")].as_str(), green[col("Stock")].as_str()),
        ("0", "0")
    );
    let named = &sku["TEE-M-BLUE"][col("Images")];
    assert_eq!(*named, format!("{}.jpg", shop.trashed_photo));
    assert!(
        images.join(named).is_file(),
        "a variant's photo is copied even when trashed"
    );

    let mug = sku["MUG"];
    for (name, value) in [
        ("Name", "Blue mug"),
        ("Published", "1"),
        ("Sale price", "12.50"),
        ("Regular price", "15.00"),
        ("In stock?", "1"),
        ("Stock", "4"),
        ("Weight (kg)", "1.25"),
        ("GTIN, UPC, EAN, or ISBN", "0012345678905"),
        ("Categories", "Home > Kitchen"),
    ] {
        assert_eq!(mug[col(name)], value, "{name}");
    }
    let mut tags: Vec<&str> = mug[col("Tags")].split(", ").collect();
    tags.sort();
    assert_eq!(tags, ["ceramic", "gift"]);
    // WooCommerce's own exporter writes a private product's -1 as '-1, and its importer
    // reads that back.
    assert_eq!(sku["COTTON-TEE"][col("Published")], "'-1");
}

#[test]
fn shelf_export_writes_woocommerce_with_every_photo_the_rows_name() {
    let shop = shop_catalog();
    for format in ["woocommerce", "woo"] {
        let out = shop.lib.dir.path().join(format!("{format}.csv"));
        let images = shop.lib.dir.path().join(format!("{format}-images"));
        let run = shop.lib.shelf(&[
            "--json",
            "export",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            "--images",
            images.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        let summary: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
        assert_eq!(summary["format"], "woocommerce");
        assert_eq!(
            (summary["products"].as_i64(), summary["rows"].as_i64()),
            (Some(3), Some(8))
        );
        assert_eq!(summary["images_copied"], 9);
        assert!(images_in(&images).contains(&format!("{}.jpg", shop.trashed_photo)));
    }
}

fn images_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}
