//! CSV import as sellers meet it: Shopify files in both header layouts with the quirks of
//! real exports, all-or-nothing and skip-bad-rows modes, dry runs, updates that keep a
//! product's images, tags and history, and cancelling or killing a long import.

use crate::engines::{Engine, Shop, TestShop};
use crate::transfer::*;
use crate::util::*;
use rstest::rstest;
use shelf_core::catalog::history::product_history;
use shelf_core::catalog::products::{by_sku, Status};
use shelf_core::csv_import::{self, CsvFormat, CsvImportOptions, IssueKind, Layout};
use shelf_core::job::{CancelToken, Job};
use shelf_core::store::Store;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn import(lib: &TestLibrary, path: &Path, options: &CsvImportOptions) -> csv_import::CsvImportReport {
    let mut catalog = lib.catalog();
    csv_import::import(&mut catalog, path, options, &Job::silent()).unwrap()
}

/// A classic-layout admin export: BOM, CRLF, multi-line HTML with `""`, an apostrophe
/// barcode, a scientific-notation barcode, an ISBN with hyphens, prices with and without
/// decimals, TRUE/true, variant rows, image-only rows, a product with no SKU, unknown columns
/// (Google Shopping, metafields, Markets) and no Variant Inventory Qty in a second file.
const CLASSIC: &str = "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Option1 Linked To,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Image Position,Image Alt Text,Gift Card,SEO Title,SEO Description,Google Shopping / Google Product Category,Colour (product.metafields.shopify.color-pattern),Variant Image,Variant Weight Unit,Variant Tax Code,Cost per item,Included / United States,Price / United States,Compare At Price / United States,Status\r
linen-shirt,Linen Shirt,\"<p>Soft \"\"washed\"\" linen.</p>\r\n<ul>\r\n<li>Relaxed fit — unisex</li>\r\n</ul>\",Acme,Apparel & Accessories > Clothing > Shirts,Shirts,\"summer, linen\",TRUE,Size,S,,LS-S,0.0,shopify,12,deny,manual,72.00,,TRUE,TRUE,'100100717873410,https://cdn.shopify.invalid/s/files/1/shirt-front.jpg,1,Front,FALSE,,,,Blue,,kg,,30.00,TRUE,,,active\r
linen-shirt,,,,,,,,,M,,LS-M,0.0,shopify,8,deny,manual,72.00,,TRUE,TRUE,,,,,,,,,,,kg,,,,,,\r
linen-shirt,,,,,,,,,,,,,,,,,,,,,,https://cdn.shopify.invalid/s/files/1/shirt-back.jpg,2,Back,,,,,,,,,,,,,\r
no-sku-mug,Mug\u{00a0},<p>Stoneware</p>,Acme,,Kitchen,,true,Title,Default Title,,,0.0,shopify,3,deny,manual,149,,true,true,3.65275E+11,photos/mug.jpg,1,,false,,,,,,kg,,,,,,draft\r
isbn-book,The Book,,Acme,,Books,,FALSE,Title,Default Title,,BOOK-1,0,,0,deny,manual,19.5,,TRUE,TRUE,978-3-16-148410-0,,,,FALSE,,,,,,kg,,,,,,archived\r
";

#[test]
fn shopify_classic_layout_imports_with_the_quirks_of_real_files() {
    let lib = TestLibrary::new();
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(CLASSIC.as_bytes());
    std::fs::create_dir_all(lib.dir.path().join("photos")).unwrap();
    std::fs::write(lib.dir.path().join("photos/mug.jpg"), photo_bytes("mug", 500)).unwrap();
    let path = write(lib.dir.path(), "products_export_1.csv", &bytes);
    let report = import(&lib, &path, &CsvImportOptions::default());
    assert_eq!(report.layout, Layout::ShopifyClassic);
    assert_eq!(report.refused, 0, "{:?}", report.issues);
    assert_eq!((report.created, report.updated), (3, 0));
    assert!(report.committed);
    assert_eq!(report.rows_read, 5);

    let catalog = lib.catalog();
    // The shirt has options: it sells through its variants and takes its handle as its SKU.
    let shirt = by_sku(catalog.conn(), "linen-shirt").unwrap();
    assert_eq!(shirt.name, "Linen Shirt");
    assert_eq!(
        shirt.description,
        "<p>Soft \"washed\" linen.</p>\r\n<ul>\r\n<li>Relaxed fit — unisex</li>\r\n</ul>"
    );
    assert_eq!(shirt.shop.handle.as_deref(), Some("linen-shirt"));
    assert_eq!(shirt.shop.vendor.as_deref(), Some("Acme"));
    assert_eq!(shirt.shop.product_type.as_deref(), Some("Shirts"));
    assert_eq!(shirt.options.len(), 1);
    assert_eq!(shirt.options[0].name, "Size");
    let skus: Vec<&str> = shirt.variants.iter().map(|v| v.sku.as_str()).collect();
    assert_eq!(skus, ["LS-S", "LS-M"]);
    assert_eq!(report.variants, 2);
    let small = &shirt.variants[0];
    assert_eq!(
        (
            small.option1.as_deref(),
            small.price_minor,
            small.stock,
            small.cost_minor,
            small.weight_grams
        ),
        (Some("S"), 7200, 12, Some(3000), Some(0))
    );
    assert_eq!(shirt.variants[1].stock, 8);
    // The product's own price and stock are its variants' lowest price and total stock.
    assert_eq!((shirt.price_minor, shirt.stock), (7200, 20));
    assert_eq!(shirt.status, Status::Active);
    // 15 digits after the spreadsheet's apostrophe: more than the catalog's 14, so it is left
    // empty with a warning instead of refusing the whole product.
    assert_eq!(small.barcode, None);
    assert_eq!(
        shirt.category_path.as_deref(),
        Some("Apparel & Accessories > Clothing > Shirts")
    );
    assert_eq!(shirt.tags, vec!["linen", "summer"]);

    let mug = by_sku(catalog.conn(), "no-sku-mug").unwrap();
    assert_eq!(mug.name, "Mug");
    assert_eq!(mug.price_minor, 14900);
    assert_eq!(
        mug.barcode, None,
        "digits rebuilt from scientific notation must never be stored"
    );
    assert_eq!(mug.status, Status::Draft);
    assert_eq!(mug.category_path.as_deref(), Some("Kitchen"));

    let book = by_sku(catalog.conn(), "BOOK-1").unwrap();
    assert_eq!(book.barcode.as_deref(), Some("9783161484100"));
    assert_eq!(book.price_minor, 1950);
    assert_eq!(book.status, Status::Archived);

    let kinds = |kind: IssueKind| {
        report
            .issues
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.line)
            .collect::<Vec<_>>()
    };
    // The shirt's row spans lines 2-5 (multi-line HTML); its variant is on 6, its image row on 7.
    assert_eq!(kinds(IssueKind::VariantNotImported), Vec::<u64>::new());
    assert_eq!(kinds(IssueKind::ImageNotFetched), vec![2, 7]);
    assert_eq!(kinds(IssueKind::ImageNotImported), vec![8]);
    let warnings: Vec<&str> = report
        .issues
        .iter()
        .filter(|i| i.kind == IssueKind::Warning)
        .map(|i| i.message.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("handle \"no-sku-mug\" is used as its SKU")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("scientific notation")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("The barcode 100100717873410 was left empty")),
        "{warnings:?}"
    );
}

/// Shopify's current template: Title first, Status ninth, new names, LF, no final newline.
const NEW_LAYOUT: &str = "Title,URL handle,Description,Vendor,Product category,Type,Tags,Published on online store,Status,SKU,Barcode,Option1 name,Option1 value,Option1 Linked To,Price,Compare-at price,Cost per item,Charge tax,Tax code,Unit price total measure,Inventory tracker,Inventory quantity,Continue selling when out of stock,Weight value (grams),Weight unit for display,Requires shipping,Fulfillment service,Product image URL,Image position,Image alt text,Variant image URL,Gift card,SEO title,SEO description,Google Shopping / Google product category
Ceramic Vase,ceramic-vase,\"<p>Hand thrown,
glazed.</p>\",Studio,Home & Garden > Decor > Vases,Vases,\"decor,  handmade \",TRUE,Active,VASE-1,'4006381333931,Title,Default Title,,35,,12,TRUE,,,shopify,4,DENY,0.0,g,TRUE,manual,https://images.shop.invalid/vase.jpg,1,Vase,,FALSE,,,
,ceramic-vase,,,,,,,,,,,,,,,,,,,,,,,,,,https://images.shop.invalid/vase-2.jpg,2,,,,,,
Big Vase,ceramic-vase-big,,Studio,,Vases,,FALSE,Draft,VASE-2,,Size,Big,,1299.99,,,TRUE,,,shopify,-2,DENY,0.0,g,TRUE,manual,,,,,FALSE,,,
,ceramic-vase-big,,,,,,,,VASE-2-XL,,,XL,,1399.99,,,TRUE,,,shopify,1,DENY,0.0,g,TRUE,manual,,,,,FALSE,,,";

#[test]
fn shopify_new_layout_imports_by_column_name() {
    let lib = TestLibrary::new();
    let path = write(lib.dir.path(), "template.csv", NEW_LAYOUT.as_bytes());
    let report = import(&lib, &path, &CsvImportOptions::default());
    assert_eq!(report.layout, Layout::ShopifyNew);
    assert_eq!(report.refused, 0, "{:?}", report.issues);
    assert_eq!(report.created, 2);
    assert_eq!(report.variants_not_imported, 0);
    assert_eq!(report.variants, 2);
    let catalog = lib.catalog();
    let vase = by_sku(catalog.conn(), "VASE-1").unwrap();
    assert_eq!(vase.description, "<p>Hand thrown,\nglazed.</p>");
    assert_eq!(vase.price_minor, 3500);
    assert_eq!(vase.stock, 4);
    assert_eq!(vase.status, Status::Active);
    assert_eq!(vase.barcode.as_deref(), Some("4006381333931"));
    assert_eq!(vase.tags, vec!["decor", "handmade"]);
    assert_eq!(
        (vase.shop.cost_minor, vase.shop.weight_grams),
        (Some(1200), Some(0))
    );
    assert!(
        vase.options.is_empty(),
        "Default Title is Shopify's placeholder, not an option"
    );
    let big = by_sku(catalog.conn(), "ceramic-vase-big").unwrap();
    let variants: Vec<(&str, Option<&str>, i64, i64)> = big
        .variants
        .iter()
        .map(|v| (v.sku.as_str(), v.option1.as_deref(), v.price_minor, v.stock))
        .collect();
    assert_eq!(
        variants,
        [
            ("VASE-2", Some("Big"), 129999, 0),
            ("VASE-2-XL", Some("XL"), 139999, 1)
        ],
        "negative Shopify stock is read as 0 with a warning"
    );
    assert_eq!((big.price_minor, big.stock), (129999, 1));
    assert_eq!(big.status, Status::Draft);
    assert!(report
        .issues
        .iter()
        .any(|i| i.kind == IssueKind::Warning && i.message.contains("Stock -2 was read as 0")));
}

const WITH_BAD_ROWS: &str = "sku,name,price,stock,status,barcode
OK-1,Good one,10.00,1,active,
BAD-1,,5.00,1,active,
OK-2,Good two,12.5,2,draft,
BAD-2,Negative,-3,1,active,
BAD-3,Odd status,3,1,sold,
BAD-4,Bad barcode,3,1,active,12AB
";

#[rstest]
fn all_or_nothing_writes_nothing_and_names_every_refused_row(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    t.store()
        .create_product(&product("KEEP", "Already here", 100))
        .unwrap();
    let before = t.shop.contents();
    let path = t.write("bad.csv", WITH_BAD_ROWS.as_bytes());
    let report = t.import(&path, &CsvImportOptions::default());
    assert!(!report.committed);
    assert_eq!(report.refused, 4);
    assert_eq!(report.refused_lines(), vec![3, 5, 6, 7]);
    let messages: Vec<&str> = report.issues.iter().map(|i| i.message.as_str()).collect();
    assert!(
        messages.contains(&"The name can't be empty, and must be at most 255 characters."),
        "{messages:?}"
    );
    assert!(messages.contains(&"The price can't be negative."));
    assert!(messages.contains(&"The status must be draft, active or archived."));
    assert!(messages.contains(&"A barcode is 8 to 14 digits (EAN, UPC or GTIN), with nothing else in it."));
    assert_eq!(
        t.shop.contents(),
        before,
        "a refused all-or-nothing import must leave the catalog as it was"
    );

    let cli = t.shelf(&["import-csv", path.to_str().unwrap()]);
    assert_eq!(cli.status.code(), Some(1), "{}", stderr(&cli));
    assert!(stdout(&cli).contains("line 3:"), "{}", stdout(&cli));
    assert_eq!(t.shop.contents(), before);
}

#[rstest]
fn skip_bad_rows_imports_the_good_ones_and_writes_a_report_file(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    let path = t.write("bad.csv", WITH_BAD_ROWS.as_bytes());
    let options = CsvImportOptions {
        skip_bad_rows: true,
        ..CsvImportOptions::default()
    };
    let report = t.import(&path, &options);
    assert!(report.committed);
    assert_eq!((report.created, report.refused), (2, 4));
    let report_file = report.report_file.clone().unwrap();
    let text = std::fs::read_to_string(&report_file).unwrap();
    assert!(text.starts_with("line,outcome,sku,message"));
    assert!(
        text.contains("5,refused,BAD-2,The price can't be negative."),
        "{text}"
    );
    assert_eq!(t.product("OK-2").price_minor, 1250);
    assert!(t.store().product_by_sku("BAD-1").is_err());
    assert_eq!(
        t.shop.count("products"),
        2,
        "the refused rows left nothing behind"
    );
}

#[rstest]
fn dry_run_reports_creates_updates_and_refusals_without_writing(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    t.store()
        .create_product(&product("OK-1", "Old name", 100))
        .unwrap();
    let before = t.shop.contents();
    let path = t.write("bad.csv", WITH_BAD_ROWS.as_bytes());
    for skip in [false, true] {
        let options = CsvImportOptions {
            dry_run: true,
            skip_bad_rows: skip,
            ..CsvImportOptions::default()
        };
        let report = t.import(&path, &options);
        assert!(!report.committed);
        assert_eq!(
            (report.created, report.updated, report.refused),
            (1, 1, 4),
            "skip={skip}"
        );
    }
    let cli = t.shelf(&["import-csv", "--dry-run", path.to_str().unwrap()]);
    assert!(stdout(&cli).contains("Dry run"), "{}", stdout(&cli));
    assert_eq!(t.shop.contents(), before);
}

#[test]
fn an_update_keeps_images_tags_and_history_and_bumps_the_version() {
    let (lib, _) = library_with(Shape::ManyImages);
    let catalog = lib.catalog();
    let before = by_sku(catalog.conn(), "SKU-0002").unwrap();
    let images_before: i64 = catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM product_images WHERE product_id = ?1",
            [before.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(images_before > 0 && !before.tags.is_empty());
    drop(catalog);
    let path = write(
        lib.dir.path(),
        "update.csv",
        "sku,name,price,tags\nsku-0002,Renamed by CSV,99.00,new-tag\nSKU-0004,Product 4,24.03,\n".as_bytes(),
    );
    let report = import(
        &lib,
        &path,
        &CsvImportOptions {
            format: CsvFormat::Generic,
            ..CsvImportOptions::default()
        },
    );
    assert_eq!(
        (report.updated, report.unchanged, report.refused),
        (1, 1, 0),
        "{:?}",
        report.issues
    );
    let catalog = lib.catalog();
    let after = by_sku(catalog.conn(), "SKU-0002").unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(after.sku, "SKU-0002");
    assert_eq!(after.name, "Renamed by CSV");
    assert_eq!(after.price_minor, 9900);
    assert_eq!(after.version, before.version + 1);
    assert_eq!(
        after.description, before.description,
        "a column the file lacks keeps its value"
    );
    assert!(after.tags.contains(&"new-tag".to_owned()) && before.tags.iter().all(|t| after.tags.contains(t)));
    let images_after: i64 = catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM product_images WHERE product_id = ?1",
            [after.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(images_after, images_before);
    let history = product_history(catalog.conn(), after.id, 100).unwrap();
    assert!(
        history.len() >= 2,
        "the creation and the update are both in the history"
    );
}

/// What Excel saves as plain "CSV" where the comma is the decimal mark: semicolons between
/// cells, decimal commas, Windows-1252 text, CRLF. Every price keeps its amount, every
/// accent its letter, and the report says the encoding was a guess.
#[test]
fn a_european_excel_csv_imports_with_its_accents_and_decimal_commas() {
    let lib = TestLibrary::new();
    let bytes = b"sku;name;price;stock;description\r\n\
        TA-1;Tasse caf\xe9;12,50;3;\"Fa\xefence; 25 cl\"\r\n\
        TA-2;Cr\xe8me br\xfbl\xe9e \x96 set;1.299,00;1;\x80 prix net\r\n\
        TA-3;Teller;7;0;\r\n";
    let path = write(lib.dir.path(), "Artikel.csv", bytes);
    let preview = lib.catalog().preview_csv(&path, 2, CsvFormat::Auto).unwrap();
    assert_eq!(preview.headers, ["sku", "name", "price", "stock", "description"]);
    assert_eq!(preview.rows[0][1], "Tasse café");
    let report = import(&lib, &path, &CsvImportOptions::default());
    assert_eq!(report.refused, 0, "{:?}", report.issues);
    assert_eq!(report.created, 3);
    assert_eq!(report.warnings, 1);
    assert!(
        report.issues[0].message.contains("Windows-1252"),
        "{:?}",
        report.issues
    );
    let catalog = lib.catalog();
    let cup = by_sku(catalog.conn(), "TA-1").unwrap();
    assert_eq!(
        (cup.name.as_str(), cup.price_minor, cup.stock),
        ("Tasse café", 1250, 3)
    );
    assert_eq!(cup.description, "Faïence; 25 cl");
    let set = by_sku(catalog.conn(), "TA-2").unwrap();
    assert_eq!(
        (set.name.as_str(), set.price_minor),
        ("Crème brûlée – set", 129_900)
    );
    assert_eq!(set.description, "€ prix net");
    assert_eq!(by_sku(catalog.conn(), "TA-3").unwrap().price_minor, 700);
}

/// Other shops' exports and sellers' own sheets name the columns their way: WooCommerce's
/// `Regular price` and `Stock`, Etsy's upper-case `TITLE`, `QUANTITY`, `CURRENCY_CODE`.
#[test]
fn other_shops_column_names_are_understood() {
    let lib = TestLibrary::new();
    let woo = "\u{feff}ID,Type,SKU,Name,Published,Short description,Description,In stock?,Stock,Sale price,Regular price,Categories,Tags,Images\n\
        44,simple,WOO-1,Woven basket,1,Small,\"<p>Hand-woven</p>\",1,12,,24.5,Home > Baskets,\"woven, gift\",\n";
    let path = write(lib.dir.path(), "wc-product-export.csv", woo.as_bytes());
    let report = import(&lib, &path, &CsvImportOptions::default());
    assert_eq!((report.created, report.refused), (1, 0), "{:?}", report.issues);
    let etsy = "TITLE,DESCRIPTION,PRICE,CURRENCY_CODE,QUANTITY,TAGS,SKU,EAN\n\
        Linen napkins,Set of four,18.00,EUR,7,\"linen,table\",ETSY-1,4006381333931\n";
    let path = write(lib.dir.path(), "EtsyListingsDownload.csv", etsy.as_bytes());
    let report = import(&lib, &path, &CsvImportOptions::default());
    assert_eq!((report.created, report.refused), (1, 0), "{:?}", report.issues);
    let catalog = lib.catalog();
    let basket = by_sku(catalog.conn(), "WOO-1").unwrap();
    assert_eq!(
        (basket.name.as_str(), basket.price_minor, basket.stock),
        ("Woven basket", 2450, 12)
    );
    assert_eq!(basket.tags, ["gift", "woven"]);
    let napkins = by_sku(catalog.conn(), "ETSY-1").unwrap();
    assert_eq!(
        (
            napkins.name.as_str(),
            napkins.price_minor,
            napkins.stock,
            napkins.currency.as_str()
        ),
        ("Linen napkins", 1800, 7, "EUR")
    );
    assert_eq!(napkins.barcode.as_deref(), Some("4006381333931"));
}

#[test]
fn a_tab_separated_file_imports_like_a_comma_separated_one() {
    let lib = TestLibrary::new();
    let text = "sku\tname\tprice\ttags\nTAB-1\tTabbed, with a comma\t3.50\tsummer, linen\n";
    let path = write(lib.dir.path(), "export.tsv", text.as_bytes());
    let report = import(&lib, &path, &CsvImportOptions::default());
    assert_eq!(
        (report.created, report.refused, report.warnings),
        (1, 0, 0),
        "{:?}",
        report.issues
    );
    let catalog = lib.catalog();
    let tabbed = by_sku(catalog.conn(), "TAB-1").unwrap();
    assert_eq!(
        (tabbed.name.as_str(), tabbed.price_minor),
        ("Tabbed, with a comma", 350)
    );
    assert_eq!(tabbed.tags, ["linen", "summer"]);
}

#[test]
fn unreadable_rows_are_refused_with_their_line_number() {
    let lib = TestLibrary::new();
    // A UTF-8 file (its first row says so) with one row that isn't.
    let mut bytes = "sku,name,price\nA-1,Crème,1\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"A-2,Caf\xe9 latin-1,2\nA-3,\"Multi\nline name\",3\n");
    let path = write(lib.dir.path(), "latin1.csv", &bytes);
    let report = import(
        &lib,
        &path,
        &CsvImportOptions {
            skip_bad_rows: true,
            ..CsvImportOptions::default()
        },
    );
    assert_eq!(report.refused_lines(), vec![3, 4]);
    assert!(report.issues[0].message.contains("UTF-8"));
    assert!(report.issues[1].message.contains("line breaks"));
    assert_eq!(report.created, 1);
}

fn big_file(dir: &Path, rows: usize) -> PathBuf {
    let mut text = String::from("sku,name,description,price,stock,status,tags\n");
    for i in 0..rows {
        text.push_str(&format!(
            "BULK-{i:07},Bulk product {i},\"desc, with comma\",{}.{:02},{},active,bulk\n",
            i % 500,
            i % 100,
            i % 90
        ));
    }
    write(dir, "big.csv", text.as_bytes())
}

#[test]
fn a_cancelled_import_leaves_whole_products_only() {
    let lib = TestLibrary::new();
    let path = big_file(lib.dir.path(), 20_000);
    for skip in [false, true] {
        let token = CancelToken::new();
        let trigger = token.clone();
        let job = Job::new(token, move |progress| {
            if progress.done > 0 && progress.done < progress.total {
                trigger.cancel();
            }
        });
        let mut catalog = lib.catalog();
        let options = CsvImportOptions {
            skip_bad_rows: skip,
            ..CsvImportOptions::default()
        };
        let report = csv_import::import(&mut catalog, &path, &options, &job).unwrap();
        assert!(report.cancelled);
        let count: i64 = catalog
            .conn()
            .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
            .unwrap();
        let tagged: i64 = catalog
            .conn()
            .query_row("SELECT count(*) FROM product_tags", [], |r| r.get(0))
            .unwrap();
        if skip {
            assert!(
                count > 0 && count < 20_000 && count % 500 == 0,
                "whole batches only, got {count}"
            );
            assert_eq!(report.created as i64, count);
        } else {
            assert_eq!(count, 0, "all or nothing: a cancelled import writes nothing");
        }
        assert_eq!(tagged, count, "every product came in whole, with its tag");
        if skip {
            break;
        }
    }
}

/// Skipping bad rows, the import takes the writer one batch at a time: an edit the seller
/// saves from another thread goes in between two batches, not after the whole file.
#[test]
fn an_edit_is_saved_between_the_batches_of_a_csv_import() {
    let lib = TestLibrary::new();
    let path = big_file(lib.dir.path(), 10_000);
    let catalog = std::sync::Mutex::new(lib.catalog());
    let id = catalog
        .lock()
        .unwrap()
        .create_product(&product("EDIT-1", "Thing", 100))
        .unwrap()
        .id;
    let edited_at = std::sync::Mutex::new(None);
    let job = Job::new(CancelToken::new(), |p| {
        if p.done == 0 || p.done == p.total || edited_at.lock().unwrap().is_some() {
            return;
        }
        let saved = std::thread::scope(|s| {
            s.spawn(|| {
                // Inside a batch the import holds the writer; between batches it is free.
                let Ok(mut writer) = catalog.try_lock() else {
                    return false;
                };
                let version = by_sku(writer.conn(), "EDIT-1").unwrap().version;
                writer
                    .update_product(id, version, &product("EDIT-1", "Renamed mid-import", 250))
                    .unwrap();
                true
            })
            .join()
            .unwrap()
        });
        if saved {
            *edited_at.lock().unwrap() = Some(p.done);
        }
    });
    let options = CsvImportOptions {
        skip_bad_rows: true,
        ..CsvImportOptions::default()
    };
    let report = csv_import::import(Shared(&catalog), &path, &options, &job).unwrap();
    assert_eq!(report.created, 10_000);
    drop(job);
    let total = std::fs::metadata(&path).unwrap().len();
    let edited_at = edited_at.lock().unwrap().expect("an edit went in mid-import");
    assert!(edited_at < total, "{edited_at} of {total}");
    let catalog = catalog.into_inner().unwrap();
    let saved = by_sku(catalog.conn(), "EDIT-1").unwrap();
    assert_eq!(
        (saved.name.as_str(), saved.price_minor),
        ("Renamed mid-import", 250)
    );
}

/// `shelf import-csv` killed with SIGKILL `after` its start; whether it was still running.
fn kill_csv_import(lib: &TestLibrary, path: &Path, skip_bad_rows: bool, after: Duration) -> bool {
    let path = path.to_str().unwrap();
    let args: &[&str] = if skip_bad_rows {
        &["import-csv", path, "--skip-bad-rows"]
    } else {
        &["import-csv", path]
    };
    let mut child = spawn_shelf(lib.root(), args);
    std::thread::sleep(after);
    child.kill().unwrap();
    !child.wait().unwrap().success()
}

fn count(lib: &TestLibrary, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    lib.plain_connection().query_row(&sql, [], |r| r.get(0)).unwrap()
}

/// A crash at any moment of an import: all or nothing leaves the catalog file exactly as it
/// was; skipping bad rows leaves whole batches, every product with its tag; `check` finds
/// nothing wrong, and running the import again finishes the job.
#[test]
fn kill_9_mid_csv_import_leaves_whole_products_only() {
    let lib = TestLibrary::new();
    let path = big_file(lib.dir.path(), 20_000);
    drop(lib.catalog());
    // How long one whole import takes here, to kill at moments spread across it.
    let scratch = TestLibrary::new();
    let start = std::time::Instant::now();
    assert!(shelf_in(scratch.root(), &["import-csv", path.to_str().unwrap()])
        .status
        .success());
    let whole = start.elapsed();
    let before = lib.catalog_bytes();
    assert!(
        kill_csv_import(&lib, &path, false, whole / 2),
        "killed before it ended"
    );
    assert_eq!(
        lib.catalog_bytes(),
        before,
        "all or nothing: a crash writes nothing"
    );
    let mut mid_import = 0;
    for percent in [30, 60, 90] {
        let running = kill_csv_import(&lib, &path, true, whole * percent / 100);
        let (products, tagged) = (count(&lib, "products"), count(&lib, "product_tags"));
        assert_eq!(
            tagged, products,
            "killed at {percent}%: every product has its tag"
        );
        assert_eq!(products % 2_000, 0, "killed at {percent}%: whole batches only");
        mid_import += i32::from(running && products > 0 && products < 20_000);
        let check = lib.shelf(&["check"]);
        assert!(check.status.success(), "killed at {percent}%: {}", stdout(&check));
    }
    assert!(mid_import > 0, "at least one kill must land between batches");
    let again = lib.shelf(&["import-csv", path.to_str().unwrap(), "--skip-bad-rows"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        (count(&lib, "products"), count(&lib, "product_tags")),
        (20_000, 20_000)
    );
}

#[test]
fn a_large_file_streams_through_with_progress() {
    let lib = TestLibrary::new();
    let path = big_file(lib.dir.path(), 30_000);
    let reports = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = reports.clone();
    let job = Job::new(CancelToken::new(), move |_| {
        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let mut catalog = lib.catalog();
    let report = csv_import::import(&mut catalog, &path, &CsvImportOptions::default(), &job).unwrap();
    assert_eq!(report.created, 30_000);
    assert!(reports.load(std::sync::atomic::Ordering::Relaxed) >= 30);
    let preview = catalog.preview_csv(&path, 3, CsvFormat::Auto).unwrap();
    assert_eq!(preview.layout, Layout::Generic);
    assert_eq!(preview.rows.len(), 3);
    assert_eq!(preview.mapping[0], Some(csv_import::Field::Sku));
}

/// Photos a CSV names beside it go through the image library into their product, in order;
/// one outside the CSV's folder is listed, never read.
#[test]
fn local_photos_named_in_a_csv_are_imported_into_their_product() {
    let lib = TestLibrary::new();
    let dir = lib.dir.path().join("shop");
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    for (name, shade) in [("front.jpg", 40u8), ("back.jpg", 200u8)] {
        let img = image::RgbImage::from_pixel(64, 48, image::Rgb([shade, 90, 160]));
        img.save(dir.join("photos").join(name)).unwrap();
    }
    std::fs::write(lib.dir.path().join("secret.jpg"), b"outside").unwrap();
    let csv = "Handle,Title,Variant SKU,Variant Price,Image Src,Image Position,Status\n\
               mug,Mug,MUG-1,10,photos/front.jpg,1,active\n\
               mug,,,,photos/back.jpg,2,\n\
               mug,,,,../secret.jpg,3,\n";
    let path = write(&dir, "products.csv", csv.as_bytes());
    let report = import(
        &lib,
        &path,
        &CsvImportOptions {
            format: CsvFormat::Auto,
            dry_run: false,
            skip_bad_rows: false,
            report_file: None,
            columns: None,
        },
    );
    assert_eq!(report.images_imported, 2, "{:?}", report.issues);
    assert_eq!(report.images_not_imported, 1);
    assert!(report.issues.iter().any(|i| i
        .message
        .contains("../secret.jpg was not found in the CSV file's folder")));
    let catalog = lib.catalog();
    let mug = by_sku(catalog.conn(), "MUG-1").unwrap();
    let images = shelf_core::images::product_images(catalog.conn(), mug.id).unwrap();
    let names: Vec<&str> = images.iter().map(|i| i.file_name.as_str()).collect();
    assert_eq!(names, ["front.jpg", "back.jpg"]);
}

/// A row the catalog refuses although the importer's checks passed it (here a rule another
/// tool added as a trigger) sits in the middle of a batch: on SQLite the batch statement
/// fails and its rows are written again one by one; on a server each row is written in a
/// savepoint of its own. Only that row is refused, with its line number. (The server's file
/// is shorter: it has no batches to fall in the middle of.)
#[rstest]
fn a_row_refused_inside_a_batch_is_reported_by_line_and_its_neighbours_are_imported(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    let (rows, refused) = match engine {
        Engine::Sqlite => (5_000, 3_000),
        Engine::Server => (400, 200),
    };
    let path = big_file(t.files.path(), rows);
    let (sku, line) = (format!("BULK-{refused:07}"), refused as u64 + 2);
    let trigger_when = format!("NEW.sku = '{sku}'");
    match &t.shop {
        Shop::Sqlite(lib) => lib
            .plain_connection()
            .execute_batch(&format!(
                "CREATE TRIGGER test_refuse_one BEFORE INSERT ON products WHEN {trigger_when}
                 BEGIN SELECT RAISE(ABORT, 'price_in_range'); END;",
            ))
            .unwrap(),
        Shop::Server(db) => db
            .client()
            .batch_execute(&format!(
                "CREATE FUNCTION test_refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN PERFORM refuse('price_in_range'); RETURN NULL; END $$;
                 CREATE TRIGGER test_refuse_one BEFORE INSERT ON products FOR EACH ROW
                 WHEN ({trigger_when}) EXECUTE FUNCTION test_refuse_one();",
            ))
            .unwrap(),
    }
    let before = t.shop.contents();
    let report = t.import(&path, &CsvImportOptions::default());
    assert!(!report.committed);
    assert_eq!(report.refused_lines(), vec![line]);
    assert_eq!(t.shop.contents(), before, "all or nothing still writes nothing");

    let options = CsvImportOptions {
        skip_bad_rows: true,
        ..CsvImportOptions::default()
    };
    let report = t.import(&path, &options);
    assert!(report.committed);
    assert_eq!((report.created, report.refused), (rows as u64 - 1, 1));
    assert_eq!(report.refused_lines(), vec![line]);
    assert_eq!(report.issues[0].sku, sku);
    assert_eq!(report.issues[0].message, "The price is too large.");
    let mut store = t.store();
    assert!(store.product_by_sku(&sku).is_err());
    for neighbour in [refused - 1, refused + 1] {
        let neighbour = format!("BULK-{neighbour:07}");
        let product = store.product_by_sku(&neighbour).unwrap();
        assert_eq!(product.tags, vec!["bulk".to_owned()]);
        let words = format!("product {}", product.name.rsplit(' ').next().unwrap());
        let hits = store.search(&words, 5).unwrap();
        assert_eq!(
            hits.first().map(|h| h.id),
            Some(product.id),
            "{neighbour} is searchable"
        );
    }
    let counts = ["products", "product_tags", "product_search"].map(|table| t.shop.count(table));
    assert_eq!(counts, [rows as i64 - 1; 3]);
}

/// A file that names the same product twice: the second row updates what the first created,
/// even when both fall in the same batch.
#[rstest]
fn a_product_named_twice_in_one_file_is_created_then_updated(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    let path = t.write(
        "twice.csv",
        b"sku,name,price,tags\nTW-1,First,1.00,one\nTW-2,Other,2.00,\ntw-1,Second,3.00,two\n",
    );
    let report = t.import(&path, &CsvImportOptions::default());
    assert_eq!(
        (report.created, report.updated, report.refused),
        (2, 1, 0),
        "{:?}",
        report.issues
    );
    let product = t.product("TW-1");
    assert_eq!((product.name.as_str(), product.price_minor), ("Second", 300));
    assert_eq!(product.tags, vec!["one".to_owned(), "two".to_owned()]);
    let hits = t.store().search("two", 5).unwrap();
    assert_eq!(
        hits.first().map(|h| h.id),
        Some(product.id),
        "the update's tag is searchable"
    );
}

/// The import report is a CSV a seller opens in a spreadsheet: a SKU or message that starts
/// like a formula (`=`, `+`, `-`, `@`, full-width `＝`, or after spaces) is written as text.
#[test]
fn the_import_report_never_holds_a_live_formula() {
    let lib = TestLibrary::new();
    let text = "sku,name,price\n=HYPERLINK(\"http://x\"),,1\n\u{ff1d}1+1,,2\n  @SUM(A1),,3\nOK-1,Fine,4\n";
    let path = write(lib.dir.path(), "hostile.csv", text.as_bytes());
    let options = CsvImportOptions {
        skip_bad_rows: true,
        ..CsvImportOptions::default()
    };
    let report = import(&lib, &path, &options);
    assert_eq!((report.created, report.refused), (1, 3), "{:?}", report.issues);
    let written = std::fs::read_to_string(report.report_file.unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(written.as_bytes());
    let skus: Vec<String> = reader.records().map(|r| r.unwrap()[2].to_owned()).collect();
    assert_eq!(skus, ["'=HYPERLINK(\"http://x\")", "'\u{ff1d}1+1", "'@SUM(A1)"]);
}

/// A quote that never closes would make the rest of the file one cell, held in memory: the
/// reader stops at the record-size limit, names the line where the quote opens, and keeps the
/// rows before it (when skipping bad rows) or writes nothing (all or nothing).
#[test]
fn a_runaway_quote_is_refused_by_its_line_without_reading_the_rest_into_memory() {
    let lib = TestLibrary::new();
    let mut text = String::from("sku,name,price\nOK-1,Fine,1\nBAD-1,\"Never closed,2\n");
    let filler = "x".repeat(1024) + "\n";
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&filler);
    }
    let path = write(lib.dir.path(), "runaway.csv", text.as_bytes());
    let skip = CsvImportOptions {
        skip_bad_rows: true,
        ..CsvImportOptions::default()
    };
    let report = import(&lib, &path, &skip);
    assert_eq!((report.created, report.refused), (1, 1), "{:?}", report.issues);
    let refusal = report
        .issues
        .iter()
        .find(|i| i.kind == IssueKind::Refused)
        .unwrap();
    assert_eq!(refusal.line, 3);
    assert!(refusal.message.contains("never closes"), "{}", refusal.message);
    assert!(by_sku(lib.catalog().conn(), "OK-1").is_ok());

    let other = TestLibrary::new();
    drop(other.catalog());
    let before = other.catalog_bytes();
    let report = import(&other, &path, &CsvImportOptions::default());
    assert!(!report.committed);
    assert_eq!(report.refused_lines(), vec![3]);
    assert!(other.catalog_bytes() == before, "all or nothing: nothing written");
}
