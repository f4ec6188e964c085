//! Shop files with variants: Shopify (both layouts) with options, variant rows, image-only
//! rows and variants without SKUs; WooCommerce's variable products and variations (by
//! parent SKU or `id:NN`, before or after their parent, "any" values); Etsy listings in
//! English and Italian with their SKU cells. Files written from the facts in
//! ../shared/notes/shop-csv.md.
//!
//! Each test runs on both engines (`#[values(Engine::Sqlite, Engine::Server)]`): into a
//! library, and into a team catalog on the tests' PostgreSQL server as its owner, through
//! the storage layer, so one body proves both.

use crate::engines::{Engine, TestShop};
use crate::util::*;
use rstest::rstest;
use shelf_core::catalog::products::{Product, ProductQuery};
use shelf_core::csv_import::{CsvFormat, CsvImportOptions, CsvImportReport, IssueKind, Layout};
use shelf_core::job::Job;
use std::path::PathBuf;

fn import_text(t: &TestShop, name: &str, text: &str, options: &CsvImportOptions) -> CsvImportReport {
    let path = t.write(name, text.as_bytes());
    t.import(&path, options)
}

fn import(t: &TestShop, name: &str, text: &str) -> CsvImportReport {
    import_text(t, name, text, &CsvImportOptions::default())
}

fn product_of(t: &TestShop, sku: &str) -> Product {
    t.product(sku)
}

fn skip_bad_rows() -> CsvImportOptions {
    CsvImportOptions {
        skip_bad_rows: true,
        ..CsvImportOptions::default()
    }
}

/// (sku, option values, price, compare-at, stock, barcode) of each live variant.
type Row = (String, Vec<String>, i64, Option<i64>, i64, Option<String>);

fn variant_rows(p: &Product) -> Vec<Row> {
    p.variants
        .iter()
        .map(|v| {
            let values = [&v.option1, &v.option2, &v.option3]
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            (
                v.sku.clone(),
                values,
                v.price_minor,
                v.compare_at_minor,
                v.stock,
                v.barcode.clone(),
            )
        })
        .collect()
}

fn warnings(report: &CsvImportReport) -> Vec<String> {
    report
        .issues
        .iter()
        .filter(|i| i.kind == IssueKind::Warning)
        .map(|i| i.message.clone())
        .collect()
}

/// Two options, a variant without a SKU, compare-at prices, a variant image, image-only
/// rows, vendor and type; CRLF line endings.
const SHOPIFY_TEE: &str = "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,Variant Grams,Variant Inventory Qty,Variant Price,Variant Compare At Price,Variant Barcode,Image Src,Image Position,Variant Image,Cost per item,Status\r
tee,Organic Tee,<p>Soft</p>,Acme,Shirts,cotton,true,Size,S,Colour,Red,,,TEE-S-RED,180,5,20.00,25.00,0012345678905,https://cdn.shop.invalid/tee-1.jpg,1,https://cdn.shop.invalid/tee-red.jpg,8.00,active\r
tee,,,,,,,,S,,Blue,,,,180,3,20.00,,,https://cdn.shop.invalid/tee-2.jpg,2,,,\r
tee,,,,,,,,M,,Red,,,TEE-M-RED,200,0,22.00,25.00,,,,,,\r
tee,,,,,,,,,,,,,,,,,,,https://cdn.shop.invalid/tee-3.jpg,3,,,\r
mug,Mug,,Acme,Kitchen,,true,Title,Default Title,,,,,MUG-1,350,9,12,,,,,,,active\r
";

#[rstest]
fn shopify_variants_import_with_generated_skus_and_again_unchanged(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    let report = import(&t, "products_export.csv", SHOPIFY_TEE);
    assert_eq!(report.layout, Layout::ShopifyClassic);
    assert_eq!(
        (report.created, report.refused, report.variants),
        (2, 0, 3),
        "{:?}",
        report.issues
    );
    let tee = product_of(&t, "tee");
    assert_eq!(
        tee.options.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        ["Size", "Colour"]
    );
    let s = |v: &str| v.to_owned();
    assert_eq!(
        variant_rows(&tee),
        vec![
            (
                s("TEE-S-RED"),
                vec![s("S"), s("Red")],
                2000,
                Some(2500),
                5,
                Some(s("0012345678905"))
            ),
            (s("tee-S-BLUE"), vec![s("S"), s("Blue")], 2000, None, 3, None),
            (s("TEE-M-RED"), vec![s("M"), s("Red")], 2200, Some(2500), 0, None),
        ]
    );
    assert_eq!(tee.variants[0].weight_grams, Some(180));
    assert_eq!(tee.variants[0].cost_minor, Some(800));
    assert_eq!((tee.price_minor, tee.stock), (2000, 8));
    assert_eq!(tee.shop.vendor.as_deref(), Some("Acme"));
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("1 variant(s) had no SKU") && w.contains("tee-S-BLUE")),
        "{:?}",
        warnings(&report)
    );
    // Found by a variant's SKU and option value.
    let mut store = t.store();
    let hits = store.search("TEE-M", 10).unwrap();
    assert!(hits.iter().any(|h| h.id == tee.id), "{hits:?}");
    let exact = store.search("tee-m-red", 10).unwrap();
    assert_eq!(
        exact.iter().map(|h| h.id).collect::<Vec<_>>(),
        [tee.id],
        "a whole variant SKU finds its product"
    );
    // Written once with its rolled-up price and stock on SQLite (one audit row for the
    // product, none for roll-ups: migration 0008); on a server its variants go in with one
    // statement, whose one roll-up is one more row. One per variant and option.
    let roll_ups = i64::from(engine == Engine::Server);
    let audit = |table: &str| t.shop.count(&format!("audit_log WHERE table_name = '{table}'"));
    assert_eq!(
        (audit("products"), audit("variants"), audit("product_options")),
        (2 + roll_ups, 3, 2)
    );
    assert_eq!(
        tee.version, roll_ups,
        "bumped by one roll-up at most while it was imported"
    );
    // Four image URLs (three product rows and the variant's image), none fetched offline.
    assert_eq!(report.images_not_fetched, 4);
    let mug = product_of(&t, "MUG-1");
    assert!(mug.options.is_empty());
    assert_eq!(
        (mug.price_minor, mug.stock, mug.shop.weight_grams),
        (1200, 9, Some(350))
    );

    // The same file again changes nothing, generated SKUs included.
    let before = t.shop.contents();
    let again = import(&t, "products_export.csv", SHOPIFY_TEE);
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, 2),
        "{:?}",
        again.issues
    );
    assert!(
        t.shop.contents() == before,
        "the same file again wrote to the catalog"
    );

    // A new price and a new variant update the product in place.
    let edited = SHOPIFY_TEE
        .replace("TEE-M-RED,200,0,22.00", "TEE-M-RED,200,4,21.00")
        .replace(
            "mug,Mug",
            "tee,,,,,,,,L,,Red,,,TEE-L-RED,210,2,23.00,,,,,,,\r\nmug,Mug",
        );
    let update = import(&t, "products_export.csv", &edited);
    assert_eq!((update.created, update.updated), (0, 1), "{:?}", update.issues);
    let tee_after = product_of(&t, "tee");
    assert_eq!(tee_after.id, tee.id);
    assert!(tee_after.version > tee.version);
    let m = t.store().variant_by_sku("TEE-M-RED").unwrap();
    assert_eq!((m.price_minor, m.stock), (2100, 4));
    assert_eq!(tee_after.variants.len(), 4);
    assert_eq!((tee_after.price_minor, tee_after.stock), (2000, 14));
}

#[rstest]
fn a_product_an_earlier_import_made_from_its_first_variant_gains_its_variants(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    // What the first importer left: the first variant as a product, no handle.
    t.store()
        .create_product(&product("TEE-S-RED", "Organic Tee", 2000))
        .unwrap();
    let report = import(&t, "products_export.csv", SHOPIFY_TEE);
    assert_eq!(
        (report.created, report.updated, report.refused),
        (1, 1, 0),
        "{:?}",
        report.issues
    );
    let tee = product_of(&t, "tee");
    assert_eq!(tee.variants.len(), 3);
    assert_eq!(tee.variants[0].sku, "TEE-S-RED");
    assert_eq!(tee.shop.handle.as_deref(), Some("tee"));
}

#[rstest]
fn a_variant_sku_held_by_another_product_refuses_that_product_and_writes_nothing(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    t.store()
        .create_product(&product("TEE-M-RED", "Someone else", 100))
        .unwrap();
    let before = t.shop.contents();
    let report = import(&t, "products_export.csv", SHOPIFY_TEE);
    assert!(!report.committed);
    assert_eq!(report.refused_lines(), vec![2]);
    let refusal = &report
        .issues
        .iter()
        .find(|i| i.kind == IssueKind::Refused)
        .unwrap()
        .message;
    assert_eq!(
        refusal,
        "The variant on line 4: SKU TEE-M-RED is already used by product Someone else."
    );
    assert!(
        t.shop.contents() == before,
        "all or nothing: the catalog is as it was"
    );

    let report = import_text(&t, "products_export.csv", SHOPIFY_TEE, &skip_bad_rows());
    assert_eq!((report.created, report.refused), (1, 1));
    assert!(
        t.store().product_by_sku("tee").is_err(),
        "the refused product left nothing behind"
    );
    assert!(t.store().variant_by_sku("TEE-S-RED").is_err());
}

/// WooCommerce's exporter: BOM, a variable product with variations pointing at it by SKU
/// and by `id:NN`, one variation before its parent, one for "any" colour, sale and regular
/// prices, weights in kg with no leading zero, several categories, grouped and external
/// products, and a variation whose parent is missing.
const WOO: &str = "\u{feff}ID,Type,SKU,Name,Published,Is featured?,Visibility in catalog,Short description,Description,In stock?,Stock,Backorders allowed?,Weight (kg),Sale price,Regular price,Categories,Tags,Images,Parent,Position,Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 1 global,Attribute 2 name,Attribute 2 value(s),Attribute 2 visible,Attribute 2 global
13,variation,HOOD-L-GRN,Hoodie - L,1,0,visible,,,1,2,0,.8,,45,,,,HOOD,3,Size,L,,1,Colour,Green,,1
10,variable,HOOD,Hoodie,1,0,visible,Warm,\"<p>Fleece, lined</p>\",1,,0,,,,\"Clothing > Hoodies, Sale\",winter,https://woo.shop.invalid/hood.jpg,,0,Size,\"M, L\",1,1,Colour,\"Blue, Green\",1,1
11,variation,HOOD-M-BLU,Hoodie - M,1,0,visible,,,1,5,0,.75,39,45,,,https://woo.shop.invalid/hood-m-blue.jpg,id:10,1,Size,M,,1,Colour,Blue,,1
12,variation,HOOD-M-ANY,Hoodie - M,1,0,visible,,,1,6,0,.75,,45,,,,HOOD,2,Size,M,,1,Colour,,,1
20,simple,CAP-1,Cap,0,0,visible,,,1,7,0,0.1,,15.5,Accessories,,,,0,,,,,,,,
30,grouped,SET-1,Gift set,1,0,visible,,,,,,,,,Gifts,,,,0,,,,,,,,
40,external,EXT-1,Partner lamp,1,0,visible,,,,,,,,99,Home,,,,0,,,,,,,,
50,variation,LOST-1,Lost,1,0,visible,,,1,1,0,,,5,,,,NOPE,0,Size,S,,1,,,,
";

#[rstest]
fn woocommerce_variable_products_gather_their_variations_wherever_they_are(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    let report = import_text(&t, "wc-product-export.csv", WOO, &skip_bad_rows());
    assert_eq!(report.layout, Layout::Woocommerce);
    assert_eq!((report.created, report.refused), (4, 1), "{:?}", report.issues);
    assert_eq!(report.refused_lines(), vec![9]);
    let hood = product_of(&t, "HOOD");
    assert_eq!(hood.category_path.as_deref(), Some("Clothing > Hoodies"));
    assert!(hood.tags.contains(&"Sale".to_owned()) && hood.tags.contains(&"winter".to_owned()));
    assert_eq!(hood.description, "<p>Fleece, lined</p>");
    let s = |v: &str| v.to_owned();
    assert_eq!(
        variant_rows(&hood),
        vec![
            (s("HOOD-L-GRN"), vec![s("L"), s("Green")], 4500, None, 2, None),
            (
                s("HOOD-M-BLU"),
                vec![s("M"), s("Blue")],
                3900,
                Some(4500),
                5,
                None
            ),
            // "Any colour" in size M: only green has no variation of its own.
            (s("HOOD-M-ANY"), vec![s("M"), s("Green")], 4500, None, 6, None),
        ]
    );
    assert_eq!(hood.variants[0].weight_grams, Some(800));
    assert_eq!(hood.variants[1].weight_grams, Some(750));
    assert_eq!((hood.price_minor, hood.stock), (3900, 13));
    assert!(
        warnings(&report).iter().any(|w| w.contains("for any Colour")),
        "{:?}",
        warnings(&report)
    );
    let cap = product_of(&t, "CAP-1");
    assert_eq!(
        (cap.price_minor, cap.stock, cap.shop.weight_grams),
        (1550, 7, Some(100))
    );
    assert_eq!(cap.status, shelf_core::catalog::products::Status::Draft);
    let set = product_of(&t, "SET-1");
    assert_eq!((set.price_minor, set.stock), (0, 0));
    assert_eq!(product_of(&t, "EXT-1").price_minor, 9900);
    let lost = report
        .issues
        .iter()
        .find(|i| i.kind == IssueKind::Refused)
        .unwrap();
    assert!(
        lost.message.contains("parent NOPE is not in this file"),
        "{}",
        lost.message
    );
    assert_eq!(report.images_not_fetched, 2);

    // The same file again: nothing changes.
    let again = import_text(&t, "wc-product-export.csv", WOO, &skip_bad_rows());
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, 4),
        "{:?}",
        again.issues
    );
}

/// Etsy listing downloads: English with two variations and one SKU per combination, a
/// listing without any SKU, and an Italian shop's headers.
const ETSY: &str = r#"TITLE,DESCRIPTION,PRICE,CURRENCY_CODE,QUANTITY,TAGS,MATERIALS,IMAGE1,IMAGE2,IMAGE3,IMAGE4,IMAGE5,IMAGE6,IMAGE7,IMAGE8,IMAGE9,IMAGE10,VARIATION 1 TYPE,VARIATION 1 NAME,VARIATION 1 VALUES,VARIATION 2 TYPE,VARIATION 2 NAME,VARIATION 2 VALUES,SKU
Silver ring,Hand made,45.00,EUR,6,"ring,silver",silver,https://i.etsy.invalid/r1.jpg,https://i.etsy.invalid/r2.jpg,,,,,,,,,Size,Ring size,"6,7",Colour,,"Silver,Gold","RING-6-S,RING-6-G,RING-7-S,RING-7-G"
Linen napkins,Set of four,18.00,EUR,7,"linen,table",linen,,,,,,,,,,,,,,,,,
"#;

const ETSY_ITALIAN: &str = r#"TITOLO,DESCRIZIONE,PREZZO,CODICE_VALUTA,QUANTITÀ,TAG,MATERIALI,IMMAGINE1,VARIAZIONE 1 TIPO,VARIAZIONE 1 NOME,VARIAZIONE 1 VALORI,SKU
Tazza in ceramica,Fatta a mano,22.50,EUR,3,"tazza,ceramica",gres,https://i.etsy.invalid/t1.jpg,,,,TAZZA-1
"#;

#[rstest]
fn etsy_listings_keep_every_sku_in_english_and_italian(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    let report = import(&t, "EtsyListingsDownload.csv", ETSY);
    assert_eq!(report.layout, Layout::Etsy);
    assert_eq!(
        (report.created, report.refused, report.variants),
        (2, 0, 4),
        "{:?}",
        report.issues
    );
    let ring = product_of(&t, "ETSY-SILVER-RING");
    assert_eq!(
        ring.options.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        ["Ring size", "Colour"]
    );
    let skus: Vec<(&str, Option<&str>, Option<&str>, i64)> = ring
        .variants
        .iter()
        .map(|v| {
            (
                v.sku.as_str(),
                v.option1.as_deref(),
                v.option2.as_deref(),
                v.stock,
            )
        })
        .collect();
    assert_eq!(
        skus,
        [
            ("RING-6-S", Some("6"), Some("Silver"), 6),
            ("RING-6-G", Some("6"), Some("Gold"), 0),
            ("RING-7-S", Some("7"), Some("Silver"), 0),
            ("RING-7-G", Some("7"), Some("Gold"), 0),
        ]
    );
    assert_eq!(
        (ring.price_minor, ring.stock, ring.currency.as_str()),
        (4500, 6, "EUR")
    );
    let napkins = product_of(&t, "ETSY-LINEN-NAPKINS");
    assert_eq!((napkins.price_minor, napkins.stock), (1800, 7));
    let notes = warnings(&report);
    assert!(
        notes
            .iter()
            .any(|w| w.contains("No SKU: the listing's title \"ETSY-LINEN-NAPKINS\"")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|w| w.contains("listing's quantity")),
        "{notes:?}"
    );

    let report = import(&t, "EtsyListingsDownload-it.csv", ETSY_ITALIAN);
    assert_eq!(report.layout, Layout::Etsy);
    assert_eq!((report.created, report.refused), (1, 0), "{:?}", report.issues);
    let mug = product_of(&t, "TAZZA-1");
    assert_eq!(
        (mug.name.as_str(), mug.price_minor, mug.stock),
        ("Tazza in ceramica", 2250, 3)
    );
    assert_eq!(mug.tags, ["ceramica", "tazza"]);
}

#[rstest]
fn a_dry_run_of_a_shop_file_with_variants_writes_nothing_and_counts_everything(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let t = TestShop::new(engine);
    let before = t.shop.contents();
    let dry = CsvImportOptions {
        dry_run: true,
        format: CsvFormat::Shopify,
        ..CsvImportOptions::default()
    };
    let report = import_text(&t, "products_export.csv", SHOPIFY_TEE, &dry);
    assert!(!report.committed);
    assert_eq!((report.created, report.variants), (2, 3));
    assert!(t.shop.contents() == before, "a dry run wrote to the catalog");
}

/// A German Etsy shop's download with headers the importer does not know: the preview says
/// what is missing, the seller maps the columns, and the next file with the same header row
/// is read with that mapping without asking again (in the app and from `shelf`).
#[rstest]
fn columns_mapped_by_hand_are_remembered_for_the_same_header_row(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    use shelf_core::catalog::users::Role;
    use shelf_core::csv_import::Field;
    let t = TestShop::new(engine);
    // Staff import too, and what they map is remembered for everyone.
    t.shop.add_person("sam", Role::Staff);
    let sam = || t.shop.open_as("sam");
    let text = "ARTIKELNAME,KURZTEXT,VERKAUFSPREIS,BESTAND,ARTIKELNUMMER\nHolzbrett,Eiche,29.90,4,BRETT-1\n";
    let path = t.path("Angebote.csv");
    std::fs::write(&path, text).unwrap();
    let preview = sam().preview_csv(&path, 5, CsvFormat::Auto).unwrap();
    assert_eq!(preview.mapping, vec![None; 5]);
    assert!(
        preview.problem.as_deref().is_some_and(|p| p.contains("SKU")),
        "{:?}",
        preview.problem
    );
    assert!(!preview.remembered);
    assert!(preview.fields.contains(&Field::CompareAt));

    let columns = vec![
        Some(Field::Name),
        Some(Field::Description),
        Some(Field::Price),
        Some(Field::Stock),
        Some(Field::Sku),
    ];
    let dry = CsvImportOptions {
        columns: Some(columns.clone()),
        dry_run: true,
        ..CsvImportOptions::default()
    };
    assert_eq!(sam().import_csv(&path, &dry, &Job::silent()).unwrap().created, 1);
    assert!(
        !sam().preview_csv(&path, 5, CsvFormat::Auto).unwrap().remembered,
        "a dry run remembers nothing"
    );
    let chosen = CsvImportOptions {
        columns: Some(columns.clone()),
        ..CsvImportOptions::default()
    };
    assert_eq!(
        sam().import_csv(&path, &chosen, &Job::silent()).unwrap().created,
        1
    );
    let board = product_of(&t, "BRETT-1");
    assert_eq!(
        (board.name.as_str(), board.price_minor, board.stock),
        ("Holzbrett", 2990, 4)
    );

    // Next month's file: same columns, other rows. No mapping given; the remembered one is used.
    let next = "ARTIKELNAME,KURZTEXT,VERKAUFSPREIS,BESTAND,ARTIKELNUMMER\nSchale,Ton,12.00,2,SCHALE-1\n";
    let preview_path = t.path("Angebote-2.csv");
    std::fs::write(&preview_path, next).unwrap();
    let preview = t.store().preview_csv(&preview_path, 5, CsvFormat::Auto).unwrap();
    assert!(preview.remembered);
    assert_eq!(preview.mapping, columns);
    assert_eq!(preview.problem, None);
    let shelf = |args: &[&str]| t.shop.shelf_as("olga", t.files.path(), args);
    let cli = shelf(&["import-csv", preview_path.to_str().unwrap()]);
    assert_eq!(cli.status.code(), Some(0), "{}", stderr(&cli));
    assert_eq!(product_of(&t, "SCHALE-1").price_minor, 1200);

    // From the command line, a column mapped by name.
    let third = "ARTIKELNAME,ARTIKELNUMMER,PREIS NETTO\nKorb,KORB-1,8.50\n";
    let third_path = t.path("Andere.csv");
    std::fs::write(&third_path, third).unwrap();
    let cli = shelf(&[
        "import-csv",
        third_path.to_str().unwrap(),
        "--column",
        "ARTIKELNAME=name",
        "--column",
        "artikelnummer=sku",
        "--column",
        "PREIS NETTO=price",
    ]);
    assert_eq!(cli.status.code(), Some(0), "{} {}", stdout(&cli), stderr(&cli));
    assert_eq!(product_of(&t, "KORB-1").price_minor, 850);
    let bad = shelf(&[
        "import-csv",
        third_path.to_str().unwrap(),
        "--column",
        "PREIS NETTO=preis",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("\"preis\" is not a field"),
        "{}",
        stderr(&bad)
    );
}

/// What a round trip must keep, product by product: SKU, name, options, and per variant its
/// SKU, values, price, compare-at, stock and barcode.
type Shape = Vec<(String, String, Vec<String>, i64, i64, Option<String>, Vec<Row>)>;

fn shape(t: &TestShop) -> Shape {
    let mut store = t.store();
    let page = store
        .list(&ProductQuery {
            limit: 1000,
            ..ProductQuery::default()
        })
        .unwrap();
    let mut out: Shape = page
        .items
        .iter()
        .map(|s| {
            let p = store.product(s.id).unwrap();
            let options = p.options.iter().map(|o| o.name.clone()).collect();
            let barcode = p.barcode.clone();
            (
                p.sku.clone(),
                p.name.clone(),
                options,
                p.price_minor,
                p.stock,
                barcode,
                variant_rows(&p),
            )
        })
        .collect();
    out.sort();
    out
}

fn export_to(t: &TestShop, format: shelf_core::export::ExportFormat, name: &str) -> PathBuf {
    let out = t.path(name);
    shelf_core::export::export(
        &mut *t.store(),
        format,
        &out,
        None,
        &Default::default(),
        None,
        &Job::silent(),
    )
    .unwrap();
    out
}

fn import_file(t: &TestShop, path: &std::path::Path, format: CsvFormat) -> CsvImportReport {
    let options = CsvImportOptions {
        format,
        ..CsvImportOptions::default()
    };
    t.import(path, &options)
}

#[rstest]
fn shopify_and_woocommerce_files_round_trip_through_a_fresh_catalog(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    use shelf_core::export::ExportFormat;
    let cases = [
        (
            "products_export.csv",
            SHOPIFY_TEE,
            ExportFormat::Shopify,
            CsvFormat::Shopify,
        ),
        (
            "wc-product-export.csv",
            WOO,
            ExportFormat::Woocommerce,
            CsvFormat::Woocommerce,
        ),
    ];
    for (name, text, out_format, in_format) in cases {
        let first = TestShop::new(engine);
        import_text(&first, name, text, &skip_bad_rows());
        let exported = export_to(&first, out_format, "out.csv");
        let second = TestShop::new(engine);
        let report = import_file(&second, &exported, in_format);
        assert_eq!(report.refused, 0, "{name}: {:?}", report.issues);
        assert_eq!(
            shape(&second),
            shape(&first),
            "{name} exported and imported again"
        );
        assert!(!shape(&first).is_empty());
    }
}

#[test]
fn a_woocommerce_catalog_exported_as_shopify_is_a_valid_shopify_file() {
    use shelf_core::export::ExportFormat;
    let woo = TestShop::new(Engine::Sqlite);
    import_text(&woo, "wc-product-export.csv", WOO, &skip_bad_rows());
    let exported = export_to(&woo, ExportFormat::Shopify, "for-shopify.csv");
    let shopify = TestShop::new(Engine::Sqlite);
    let report = import_file(&shopify, &exported, CsvFormat::Shopify);
    assert_eq!(report.layout, Layout::ShopifyClassic);
    assert_eq!((report.refused, report.created), (0, 4), "{:?}", report.issues);
    let hood = product_of(&shopify, "HOOD");
    assert_eq!(variant_rows(&hood), variant_rows(&product_of(&woo, "HOOD")));
    // Every row names its product by handle; option names are on each product's first row.
    let mut reader = csv::Reader::from_path(&exported).unwrap();
    let headers = reader.headers().unwrap().clone();
    let handle = headers.iter().position(|h| h == "Handle").unwrap();
    for record in reader.records() {
        assert!(!record.unwrap()[handle].is_empty());
    }
}

fn jpeg(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(64, 48, image::Rgb([shade, 90, 160]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Photos by URL from a real server on 127.0.0.1: each URL fetched once (the variant's image
/// is also a product photo), in position order, a redirect followed, a 404, an HTML page
/// and a lying Content-Length listed with their lines while the products still import, the
/// variant linked to its photo, and a dry run that downloads nothing.
#[rstest]
fn photos_by_url_are_downloaded_once_each_and_failures_are_listed_by_line(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    use crate::http_server::{Reply, Server};
    let routes = [
        ("/front.jpg", Reply::Body("image/jpeg", jpeg(30))),
        ("/red.jpg", Reply::Body("image/jpeg", jpeg(120))),
        ("/old-back.jpg", Reply::Redirect("/back.jpg".into())),
        ("/back.jpg", Reply::Body("image/jpeg", jpeg(220))),
        (
            "/page.jpg",
            Reply::Body("text/html", b"<html>Sign in</html>".to_vec()),
        ),
        ("/short.jpg", Reply::Lies(5_000)),
        ("/loop.jpg", Reply::Redirect("/loop.jpg".into())),
    ];
    let server = Server::start(routes.into_iter().map(|(p, r)| (p.to_owned(), r)).collect());
    let u = |p: &str| server.url(p);
    let csv = format!(
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Image Src,Image Position,Variant Image\n\
         tee,Tee,Colour,Red,TEE-RED,20,{front},1,{red}\n\
         tee,,,Blue,TEE-BLUE,20,{red},2,\n\
         tee,,,,,,{old_back},3,\n\
         tee,,,,,,{missing},4,\n\
         mug,Mug,Title,Default Title,MUG-1,9,{page},1,\n\
         mug,,,,,,{short},2,\n\
         mug,,,,,,{looping},3,\n\
         mug,,,,,,{front},4,\n",
        front = u("/front.jpg"),
        red = u("/red.jpg"),
        old_back = u("/old-back.jpg"),
        missing = u("/missing.jpg"),
        page = u("/page.jpg"),
        short = u("/short.jpg"),
        looping = u("/loop.jpg"),
    );
    let t = TestShop::new(engine);
    let dry = CsvImportOptions {
        dry_run: true,
        ..CsvImportOptions::default()
    };
    let report = import_text(&t, "products_export.csv", &csv, &dry);
    assert_eq!(report.images_imported, 0);
    assert_eq!(server.hits("/front.jpg"), 0, "a dry run downloads nothing");

    let report = import(&t, "products_export.csv", &csv);
    assert_eq!((report.created, report.refused), (2, 0), "{:?}", report.issues);
    assert_eq!(report.images_imported, 4, "{:?}", report.issues);
    assert_eq!(server.hits("/front.jpg"), 1, "each URL is fetched once");
    assert_eq!(server.hits("/red.jpg"), 1);
    assert_eq!(server.hits("/back.jpg"), 1);
    let failed: Vec<(u64, &str)> = report
        .issues
        .iter()
        .filter(|i| i.kind == IssueKind::ImageNotFetched)
        .map(|i| (i.line, i.message.as_str()))
        .collect();
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(
        failed
            .iter()
            .any(|(l, m)| *l == 5 && m.contains("not found on the server (404)")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|(l, m)| *l == 6 && m.contains("is not a photo")),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|(l, m)| *l == 7 && m.contains("broke off")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|(l, m)| *l == 8 && m.contains("redirects too many times")),
        "{failed:?}"
    );

    let mut store = t.store();
    let tee = store.product_by_sku("tee").unwrap();
    let photos = store.product_images(tee.id).unwrap();
    assert_eq!(photos.len(), 3, "front, red and back, in position order");
    let red_sha = &photos[1].sha256;
    assert_eq!(
        tee.variants[0].image_sha256.as_ref(),
        Some(red_sha),
        "the variant shows its photo"
    );
    let mug = store.product_by_sku("MUG-1").unwrap();
    assert_eq!(store.product_images(mug.id).unwrap().len(), 1);

    // The same file again: the products have their photos, nothing is downloaded again.
    drop(store);
    let again = import(&t, "products_export.csv", &csv);
    assert_eq!(again.refused, 0);
    assert_eq!(server.hits("/front.jpg"), 1);
}
