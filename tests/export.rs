//! Export: generic CSV, JSON, Shopify and WooCommerce CSV, images alongside, filters,
//! spreadsheet safety, and round trips through the CSV importer into a fresh library.

/// Shopify and WooCommerce files of products with options and variants.
mod shops;

use crate::transfer::*;
use crate::util::*;
use shelf_core::catalog::products::{ProductQuery, Status};
use shelf_core::csv_import::{self, CsvImportOptions};
use shelf_core::export::{self, ExportFormat, DANGEROUS_PREFIXES};
use shelf_core::job::Job;
use std::path::Path;

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

fn export_all(
    lib: &TestLibrary,
    format: ExportFormat,
    out: &Path,
    images: Option<&Path>,
) -> export::ExportSummary {
    let catalog = lib.catalog();
    export::export(
        &mut catalog.reader().unwrap(),
        format,
        out,
        images.map(export::PhotosOut::to),
        &ProductQuery::default(),
        None,
        &Job::silent(),
    )
    .unwrap()
}

#[test]
fn generic_csv_has_every_field_and_round_trips_through_import() {
    for shape in [
        Shape::Empty,
        Shape::Plain(7),
        Shape::UnicodeHeavy,
        Shape::ManyImages,
    ] {
        let (lib, skus) = library_with(shape);
        let out = lib.dir.path().join("export.csv");
        let summary = export_all(&lib, ExportFormat::Csv, &out, None);
        assert_eq!(summary.products as usize, skus.len(), "{shape:?}");
        let (headers, rows) = read_csv(&out);
        assert_eq!(headers, export::GENERIC_COLUMNS);
        assert_eq!(rows.len(), skus.len());

        let fresh = TestLibrary::new();
        let mut catalog = fresh.catalog();
        let report =
            csv_import::import(&mut catalog, &out, &CsvImportOptions::default(), &Job::silent()).unwrap();
        assert_eq!(report.refused, 0, "{shape:?}: {:?}", report.issues);
        assert_eq!(report.created as usize, skus.len());
        assert_eq!(product_view(&catalog), product_view(&lib.catalog()), "{shape:?}");
    }
}

#[test]
fn every_dangerous_prefix_is_neutralised_in_csv_but_kept_in_the_catalog() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    for (i, prefix) in ["=", "+", "-", "@"].iter().enumerate() {
        catalog
            .create_product(&product(
                &format!("F{i}"),
                &format!("{prefix}cmd|' /C calc'!A0"),
                100,
            ))
            .unwrap();
    }
    for (i, prefix) in ["\t", "\r"].iter().enumerate() {
        let mut p = product(&format!("D{i}"), "Safe name", 100);
        p.description = format!("{prefix}=1+1");
        catalog.create_product(&p).unwrap();
    }
    for format in [
        ExportFormat::Csv,
        ExportFormat::Shopify,
        ExportFormat::Woocommerce,
    ] {
        let out = lib.dir.path().join("formulas.csv");
        export::export(
            &mut catalog.reader().unwrap(),
            format,
            &out,
            None,
            &ProductQuery::default(),
            None,
            &Job::silent(),
        )
        .unwrap();
        let (_, rows) = read_csv(&out);
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.starts_with(DANGEROUS_PREFIXES),
                    "{format:?}: unneutralised cell {cell:?}"
                );
            }
        }
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("'=cmd|"), "{format:?}");
        assert!(text.contains("'+cmd|") && text.contains("'-cmd|") && text.contains("'@cmd|"));
        assert!(text.contains("'\t=1+1") && text.contains("'\r=1+1"));
    }
    // The catalog keeps the raw value, and our own CSV reads back to it.
    assert_eq!(
        shelf_core::catalog::products::by_sku(catalog.conn(), "F0")
            .unwrap()
            .name,
        "=cmd|' /C calc'!A0"
    );
    let out = lib.dir.path().join("formulas.csv");
    export::export(
        &mut catalog.reader().unwrap(),
        ExportFormat::Csv,
        &out,
        None,
        &ProductQuery::default(),
        None,
        &Job::silent(),
    )
    .unwrap();
    let fresh = TestLibrary::new();
    let mut other = fresh.catalog();
    csv_import::import(&mut other, &out, &CsvImportOptions::default(), &Job::silent()).unwrap();
    assert_eq!(product_view(&other), product_view(&catalog));
}

#[test]
fn json_export_is_versioned_and_carries_images_in_position_order() {
    let (lib, skus) = library_with(Shape::ManyImages);
    let out = lib.dir.path().join("catalog.json");
    export_all(&lib, ExportFormat::Json, &out, None);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["format"], export::JSON_FORMAT);
    assert_eq!(doc["version"], export::JSON_VERSION);
    assert_eq!(doc["categories"].as_array().unwrap().len(), 3);
    let products = doc["products"].as_array().unwrap();
    assert_eq!(products.len(), skus.len());
    let last = products.iter().find(|p| p["sku"] == skus[5].as_str()).unwrap();
    let images = last["images"].as_array().unwrap();
    assert_eq!(images.len(), 12);
    let positions: Vec<i64> = images.iter().map(|i| i["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, (0..12).collect::<Vec<_>>());
    assert!(images[0]["alt_text"].as_str().unwrap().starts_with("Photo 0"));
    assert!(last["price_minor"].is_i64());

    let empty = TestLibrary::new();
    let out = empty.dir.path().join("empty.json");
    export_all(&empty, ExportFormat::Json, &out, None);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["products"].as_array().unwrap().len(), 0);
}

#[test]
fn shopify_export_has_the_template_columns_and_one_row_per_extra_image() {
    let (lib, skus) = library_with(Shape::ManyImages);
    let out = lib.dir.path().join("shopify.csv");
    let images = lib.dir.path().join("images");
    let summary = export_all(&lib, ExportFormat::Shopify, &out, Some(&images));
    let (headers, rows) = read_csv(&out);
    for column in [
        "Handle",
        "Title",
        "Body (HTML)",
        "Vendor",
        "Product Category",
        "Type",
        "Tags",
        "Published",
        "Option1 Name",
        "Option1 Value",
        "Variant SKU",
        "Variant Grams",
        "Variant Inventory Tracker",
        "Variant Inventory Qty",
        "Variant Inventory Policy",
        "Variant Fulfillment Service",
        "Variant Price",
        "Variant Compare At Price",
        "Variant Requires Shipping",
        "Variant Taxable",
        "Variant Barcode",
        "Image Src",
        "Image Position",
        "Image Alt Text",
        "Gift Card",
        "SEO Title",
        "SEO Description",
        "Variant Image",
        "Variant Weight Unit",
        "Variant Tax Code",
        "Cost per item",
        "Status",
    ] {
        assert!(headers.iter().any(|h| h == column), "missing {column}");
    }
    assert_eq!(headers.first().map(String::as_str), Some("Handle"));
    assert_eq!(headers.last().map(String::as_str), Some("Status"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    // Product i has 2(i+1) images: one product row plus 2(i+1)-1 image rows.
    let expected_rows: usize = (0..skus.len()).map(|i| 2 * (i + 1)).sum();
    assert_eq!(rows.len(), expected_rows);
    assert_eq!(summary.images_copied as usize, expected_rows);
    let first = &rows[0];
    assert_eq!(first[col("Variant SKU")], "SKU-0000");
    assert_eq!(first[col("Variant Price")], "19.99");
    assert_eq!(first[col("Image Position")], "1");
    let second = &rows[1];
    assert_eq!(second[col("Handle")], first[col("Handle")]);
    assert_eq!(second[col("Title")], "");
    assert_eq!(second[col("Image Position")], "2");
    for row in &rows {
        let src = &row[col("Image Src")];
        assert!(src.starts_with("images/"), "{src}");
        assert!(out.parent().unwrap().join(src).is_file(), "{src} not written");
    }
    // JPY has no minor units: the price is written without decimals, never via a float.
    let jpy = rows.iter().find(|r| r[col("Variant SKU")] == "SKU-0003").unwrap();
    assert_eq!(jpy[col("Variant Price")], "2302");
}

#[test]
fn shopify_export_round_trips_through_the_shopify_importer() {
    let (lib, _) = library_with(Shape::UnicodeHeavy);
    let out = lib.dir.path().join("shopify.csv");
    export_all(&lib, ExportFormat::Shopify, &out, None);
    let fresh = TestLibrary::new();
    let mut catalog = fresh.catalog();
    let report =
        csv_import::import(&mut catalog, &out, &CsvImportOptions::default(), &Job::silent()).unwrap();
    assert_eq!(report.layout, csv_import::Layout::ShopifyClassic);
    assert_eq!(report.refused, 0, "{:?}", report.issues);
    // Shopify CSV carries no currency: compare the products in the store's currency.
    let original = product_view(&lib.catalog());
    let in_usd = |view: std::collections::BTreeMap<String, serde_json::Value>| {
        view.into_iter()
            .filter(|(sku, _)| original[sku]["currency"] == "USD")
            .collect::<Vec<_>>()
    };
    assert_eq!(in_usd(product_view(&catalog)).len(), 6);
    assert_eq!(in_usd(product_view(&catalog)), in_usd(original.clone()));
}

#[test]
fn filters_and_the_selection_choose_what_is_exported() {
    let (lib, _) = library_with(Shape::Plain(9));
    let catalog = lib.catalog();
    let out = lib.dir.path().join("active.csv");
    let query = ProductQuery {
        status: Some(Status::Active),
        ..ProductQuery::default()
    };
    let summary = export::export(
        &mut catalog.reader().unwrap(),
        ExportFormat::Csv,
        &out,
        None,
        &query,
        None,
        &Job::silent(),
    )
    .unwrap();
    assert_eq!(summary.products, 3);
    let (_, rows) = read_csv(&out);
    assert!(rows.iter().all(|r| r[7] == "active"));

    let query = ProductQuery {
        tag: Some("gift".into()),
        search: Some("Product".into()),
        ..ProductQuery::default()
    };
    let summary = export::export(
        &mut catalog.reader().unwrap(),
        ExportFormat::Csv,
        &out,
        None,
        &query,
        None,
        &Job::silent(),
    )
    .unwrap();
    assert_eq!(summary.products, 5);

    let ids: Vec<i64> = ["SKU-0002", "SKU-0005"]
        .iter()
        .map(|s| {
            shelf_core::catalog::products::id_by_sku(catalog.conn(), s)
                .unwrap()
                .unwrap()
        })
        .collect();
    let summary = export::export(
        &mut catalog.reader().unwrap(),
        ExportFormat::Json,
        &out,
        None,
        &ProductQuery::default(),
        Some(&ids),
        &Job::silent(),
    )
    .unwrap();
    assert_eq!(summary.products, 2);
}

#[test]
fn shelf_export_writes_each_format_from_the_command_line() {
    let (lib, _) = library_with(Shape::ManyImages);
    for format in ["csv", "json", "shopify", "woocommerce"] {
        let out = lib.dir.path().join(format!("out.{format}"));
        let images = lib.dir.path().join(format!("images-{format}"));
        let run = lib.shelf(&[
            "export",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            "--images",
            images.to_str().unwrap(),
            "--status",
            "active",
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        assert!(out.is_file());
        assert!(std::fs::read_dir(&images).unwrap().count() > 0);
    }
    let bad = lib.shelf(&["export", "--format", "xml", "--out", "x.xml"]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("csv, json, shopify or woocommerce"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn an_export_shows_the_catalog_as_it_was_when_it_started() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let fields = (0..1200).map(|i| product(&format!("P-{i:04}"), &format!("Item {i:04}"), 100));
    catalog.insert_products(fields, 1000).unwrap();
    let late = shelf_core::catalog::products::id_by_sku(catalog.conn(), "P-1100")
        .unwrap()
        .unwrap();
    let out = lib.dir.path().join("during-edit.csv");
    let edited = std::sync::atomic::AtomicBool::new(false);
    // Half-way through (progress comes every 500 products), the seller renames a product
    // the export has not reached yet, through another connection, as the app does.
    let job = Job::new(Default::default(), |_| {
        if !edited.swap(true, std::sync::atomic::Ordering::SeqCst) {
            let mut other = lib.catalog();
            let version = shelf_core::catalog::products::get(other.conn(), late)
                .unwrap()
                .version;
            other
                .update_product(late, version, &product("P-1100", "Renamed meanwhile", 100))
                .unwrap();
        }
    });
    let summary = export::export(
        &mut catalog.reader().unwrap(),
        ExportFormat::Csv,
        &out,
        None,
        &ProductQuery::default(),
        None,
        &job,
    )
    .unwrap();
    drop(job);
    assert_eq!(summary.products, 1200);
    assert!(edited.into_inner(), "the edit was made mid-export");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("Item 1100"),
        "the export kept its starting snapshot"
    );
    assert!(!text.contains("Renamed meanwhile"));
    let now = shelf_core::catalog::products::get(catalog.conn(), late).unwrap();
    assert_eq!(now.name, "Renamed meanwhile", "the edit itself was saved");
}

/// Durability, traced: `shelf export --images` run under `strace -e fsync` must flush the
/// file, every photo before it is renamed into place, the photos' folder and the folder the
/// file was renamed in. (A power cut after "Exported" must not leave names without bytes.)
#[test]
fn an_export_with_photos_flushes_every_file_and_both_folders() {
    let (lib, _) = library_with(Shape::ManyImages);
    let out_dir = lib.dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join("shop.csv");
    let images = out_dir.join("shop-images");
    let trace = lib.dir.path().join("fsync.trace");
    let run = std::process::Command::new("strace")
        .args(["-f", "-y", "-e", "trace=fsync,fdatasync", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_shelf"))
        .arg("--library")
        .arg(lib.root())
        .args(["export", "--format", "shopify", "--out"])
        .arg(&out)
        .arg("--images")
        .arg(&images)
        .env_remove("SHELF_LIBRARY")
        .output()
        .expect("strace is installed by scripts/setup");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let traced = std::fs::read_to_string(&trace).unwrap();
    let synced = |path: &Path| {
        let shown = format!("<{}>", path.canonicalize().unwrap().display());
        traced
            .lines()
            .any(|l| l.contains("sync(") && l.contains(&shown) && l.ends_with("= 0"))
    };
    assert!(
        synced(&out_dir),
        "the export's folder after the rename:\n{traced}"
    );
    assert!(synced(&images), "the photos' folder:\n{traced}");
    let photos = std::fs::read_dir(&images).unwrap().count();
    assert!(photos >= 12, "{photos} photos");
    let synced_photos = traced
        .lines()
        .filter(|l| l.contains("sync(") && l.contains(".partial-") && l.contains("shop-images"))
        .count();
    assert_eq!(
        synced_photos, photos,
        "each photo flushed before its rename:\n{traced}"
    );
    assert!(
        traced
            .lines()
            .any(|l| l.contains("sync(") && l.contains("shop.csv")),
        "the file itself:\n{traced}"
    );
}
