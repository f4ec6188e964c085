//! Options and variants (catalog-rules.md, "Variants and shop fields"): the schema's rules
//! proven from a plain SQLite connection, the core's API, the `shelf variant` commands, and
//! a catalog from before migration 0007 moving forward.

use crate::util::*;
use rstest::rstest;
use shelf_core::catalog::products::{self, BulkEdit, ProductQuery, ShopFields};
use shelf_core::catalog::variants::{self, OptionValues, VariantBulkEdit, VariantFields};
use shelf_core::catalog::{search, Catalog};
use shelf_core::error::ErrorKind;
use shelf_core::migrations::latest_version;
use shelf_core::money::PriceChange;

/// TEE with options Size and Colour and four variants (S/M × Red/Blue, 1000–1300 and stock
/// 1–4), a photo on TEE, and a plain product MUG.
fn seeded() -> TestLibrary {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let tee = catalog.create_product(&product("TEE", "Cotton tee", 0)).unwrap();
    catalog.create_product(&product("MUG", "Blue mug", 500)).unwrap();
    catalog
        .generate_variants(
            tee.id,
            &[
                OptionValues {
                    name: "Size".into(),
                    values: vec!["S".into(), "M".into()],
                },
                OptionValues {
                    name: "Colour".into(),
                    values: vec!["Red".into(), "Blue".into()],
                },
            ],
            1000,
            0,
        )
        .unwrap();
    for (n, sku) in ["TEE-S-RED", "TEE-S-BLUE", "TEE-M-RED", "TEE-M-BLUE"]
        .iter()
        .enumerate()
    {
        let v = variants::by_sku(catalog.conn(), sku).unwrap();
        let fields = VariantFields {
            stock: n as i64 + 1,
            price_minor: 1000 + 100 * n as i64,
            barcode: Some(format!("400000000000{n}")),
            ..fields_of(&v)
        };
        catalog.update_variant(v.id, v.version, &fields).unwrap();
    }
    drop(catalog);
    let conn = lib.plain_connection();
    conn.execute(
        "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) VALUES (?1, 10, 'image/jpeg', 4, 3, 'tee.jpg'), (?2, 10, 'image/jpeg', 4, 3, 'mug.jpg')",
        ["a".repeat(64), "b".repeat(64)],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO product_images (product_id, sha256, position) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), ?1, 0), ((SELECT id FROM products WHERE sku = 'MUG'), ?2, 0)",
        ["a".repeat(64), "b".repeat(64)],
    )
    .unwrap();
    lib
}

fn fields_of(v: &variants::Variant) -> VariantFields {
    VariantFields {
        sku: v.sku.clone(),
        option1: v.option1.clone(),
        option2: v.option2.clone(),
        option3: v.option3.clone(),
        price_minor: v.price_minor,
        compare_at_minor: v.compare_at_minor,
        cost_minor: v.cost_minor,
        stock: v.stock,
        barcode: v.barcode.clone(),
        weight_grams: v.weight_grams,
        image_sha256: v.image_sha256.clone(),
    }
}

const TEE: &str = "(SELECT id FROM products WHERE sku = 'TEE')";

#[rstest]
#[case::variant_sku_equal_to_a_product_sku_in_other_case(
    "INSERT INTO variants (product_id, sku, price_minor, option1, option2) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 'mug', 1, 'L', 'Red')",
    "sku_taken"
)]
#[case::variant_sku_equal_to_another_variant_in_other_case(
    "INSERT INTO variants (product_id, sku, price_minor, option1, option2) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 'tee-s-red', 1, 'L', 'Red')",
    "UNIQUE constraint failed: variants.sku"
)]
#[case::product_sku_equal_to_a_variant_sku(
    "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('Tee-M-Blue', 'Dup', 1, 1)",
    "sku_taken"
)]
#[case::product_renamed_onto_a_variant_sku(
    "UPDATE products SET sku = 'TEE-S-RED' WHERE sku = 'MUG'",
    "sku_taken"
)]
#[case::variant_renamed_onto_a_product_sku(
    "UPDATE variants SET sku = 'MUG' WHERE sku = 'TEE-S-RED'",
    "sku_taken"
)]
#[case::value_for_an_option_the_product_lacks(
    "INSERT INTO variants (product_id, sku, price_minor, option1, option2, option3) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 'TEE-L', 1, 'L', 'Red', 'Silk')",
    "variant_options_mismatch"
)]
#[case::no_value_for_a_declared_option(
    "INSERT INTO variants (product_id, sku, price_minor, option1) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 'TEE-L', 1, 'L')",
    "variant_options_mismatch"
)]
#[case::value_cleared_later(
    "UPDATE variants SET option2 = NULL WHERE sku = 'TEE-S-RED'",
    "variant_options_mismatch"
)]
#[case::variant_of_a_product_without_options(
    "INSERT INTO variants (product_id, sku, price_minor) VALUES ((SELECT id FROM products WHERE sku = 'MUG'), 'MUG-1', 1)",
    "variant_needs_options"
)]
#[case::same_combination_in_other_case(
    "INSERT INTO variants (product_id, sku, price_minor, option1, option2) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 'TEE-X', 1, 's', 'RED')",
    "variant_combination_unique"
)]
#[case::blank_option_value(
    "UPDATE variants SET option1 = '  ' WHERE sku = 'TEE-S-RED'",
    "option_value_shape"
)]
#[case::negative_variant_price(
    "UPDATE variants SET price_minor = -1 WHERE sku = 'TEE-S-RED'",
    "price_not_negative"
)]
#[case::negative_variant_stock(
    "UPDATE variants SET stock = -1 WHERE sku = 'TEE-S-RED'",
    "stock_not_negative"
)]
#[case::negative_compare_at(
    "UPDATE variants SET compare_at_minor = -1 WHERE sku = 'TEE-S-RED'",
    "compare_at_not_negative"
)]
#[case::text_in_variant_stock(
    "UPDATE variants SET stock = 'lots' WHERE sku = 'TEE-S-RED'",
    "cannot store TEXT value in INTEGER column"
)]
#[case::variant_barcode_with_letters(
    "UPDATE variants SET barcode = '12345ABC' WHERE sku = 'TEE-S-RED'",
    "barcode_digits"
)]
#[case::variant_photo_not_of_its_product(
    "UPDATE variants SET image_sha256 = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' WHERE sku = 'TEE-S-RED'",
    "variant_image_not_of_product"
)]
#[case::variant_photo_that_does_not_exist(
    "UPDATE variants SET image_sha256 = 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc' WHERE sku = 'TEE-S-RED'",
    "variant_image_not_of_product"
)]
#[case::stray_delete_of_variants("DELETE FROM variants", "variant_not_in_trash")]
#[case::option_in_use("DELETE FROM product_options", "option_in_use")]
#[case::fourth_option(
    "INSERT INTO product_options (product_id, position, name) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 4, 'Fit')",
    "option_position_range"
)]
#[case::option_named_twice(
    "INSERT INTO product_options (product_id, position, name) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 3, 'size')",
    "option_name_unique"
)]
#[case::product_stock_written_over_its_variants(
    "UPDATE products SET stock = 99 WHERE sku = 'TEE'",
    "product_sells_through_variants"
)]
#[case::product_price_written_over_its_variants(
    "UPDATE products SET price_minor = 1 WHERE sku = 'TEE'",
    "product_sells_through_variants"
)]
#[case::variant_moved_to_another_product(
    "UPDATE variants SET product_id = (SELECT id FROM products WHERE sku = 'MUG') WHERE sku = 'TEE-S-RED'",
    "variant_id_is_fixed"
)]
#[case::variant_version_backwards(
    "UPDATE variants SET version = 0 WHERE sku = 'TEE-S-RED'",
    "version_only_forward"
)]
#[case::bad_handle("UPDATE products SET handle = 'blue mug' WHERE sku = 'MUG'", "handle_shape")]
#[case::negative_product_cost("UPDATE products SET cost_minor = -5 WHERE sku = 'MUG'", "cost_not_negative")]
#[case::insert_or_replace_over_a_product_with_variants(
    "INSERT OR REPLACE INTO products (id, sku, name, price_minor, owner_id) VALUES ((SELECT id FROM products WHERE sku = 'TEE'), 'TEE', 'Replaced', 1, 1)",
    "FOREIGN KEY constraint failed"
)]
fn bad_variant_writes_are_refused_and_change_nothing(#[case] sql: &str, #[case] expected: &str) {
    seeded().assert_refused_unchanged(sql, expected);
}

/// Deleting an original a variant shows is refused by name even when no product image row
/// points at it any more.
#[test]
fn a_photo_a_variant_shows_stays_in_use() {
    let lib = seeded();
    let conn = lib.plain_connection();
    conn.execute_batch(&format!(
        "UPDATE variants SET image_sha256 = '{a}' WHERE sku = 'TEE-S-RED';
         UPDATE products SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE sku = 'TEE';
         DELETE FROM product_images WHERE product_id = {TEE};",
        a = "a".repeat(64)
    ))
    .unwrap();
    let err = conn
        .execute("DELETE FROM originals WHERE sha256 = ?1", ["a".repeat(64)])
        .unwrap_err();
    assert!(err.to_string().contains("original_in_use"), "{err}");
}

#[test]
fn a_variant_written_by_another_tool_is_audited_rolled_up_and_searchable() {
    let lib = seeded();
    let conn = lib.plain_connection();
    conn.execute_batch(&format!(
        "INSERT INTO variants (product_id, sku, price_minor, stock, option1, option2, barcode)
           VALUES ({TEE}, 'TEE-XL-GREEN', 900, 10, 'XL', 'Green', '4006381333931');"
    ))
    .unwrap();
    let (price, stock): (i64, i64) = conn
        .query_row(
            "SELECT price_minor, stock FROM products WHERE sku = 'TEE'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (price, stock),
        (900, 1 + 2 + 3 + 4 + 10),
        "lowest price, total stock"
    );
    let actor: String = conn
        .query_row(
            "SELECT actor FROM audit_log WHERE table_name = 'variants' AND action = 'insert' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, "external");
    let version_before: i64 = conn
        .query_row(
            "SELECT version FROM variants WHERE sku = 'TEE-XL-GREEN'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("UPDATE variants SET stock = 3 WHERE sku = 'TEE-XL-GREEN'", [])
        .unwrap();
    let version_after: i64 = conn
        .query_row(
            "SELECT version FROM variants WHERE sku = 'TEE-XL-GREEN'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        version_after,
        version_before + 1,
        "an outside edit moves the version"
    );
    drop(conn);

    let catalog = lib.catalog();
    for typed in ["TEE-XL-GREEN", "green", "4006381333931", "tee-xl"] {
        let hits = search::search(catalog.conn(), typed, 10).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.sku.as_str()).collect::<Vec<_>>(),
            ["TEE"],
            "searching {typed:?}"
        );
    }
    assert!(catalog.check().unwrap().findings.is_empty());
}

#[test]
fn a_product_with_variants_reads_their_range_and_total() {
    let lib = seeded();
    let catalog = lib.catalog();
    let tee = products::by_sku(catalog.conn(), "TEE").unwrap();
    assert_eq!(
        tee.options
            .iter()
            .map(|o| (o.name.as_str(), o.values.join(",")))
            .collect::<Vec<_>>(),
        [("Size", "S,M".to_owned()), ("Colour", "Red,Blue".to_owned())]
    );
    assert_eq!(tee.variants.len(), 4);
    assert_eq!((tee.price_minor, tee.stock), (1000, 10));
    let page = products::list(catalog.conn(), &ProductQuery::default()).unwrap();
    let row = page.items.iter().find(|p| p.sku == "TEE").unwrap();
    assert_eq!(
        (row.price_minor, row.price_max_minor, row.variant_count),
        (1000, Some(1300), 4)
    );
    let mug = page.items.iter().find(|p| p.sku == "MUG").unwrap();
    assert_eq!((mug.price_max_minor, mug.variant_count), (None, 0));
}

#[test]
fn low_stock_looks_at_each_variant() {
    let lib = seeded();
    let catalog = lib.catalog();
    let low = |n: i64| -> Vec<String> {
        let query = ProductQuery {
            stock_at_most: Some(n),
            ..ProductQuery::default()
        };
        products::list(catalog.conn(), &query)
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.sku)
            .collect()
    };
    // TEE's total is 10, but its S/Red variant has 1.
    assert_eq!(low(1), ["MUG", "TEE"]);
    assert_eq!(low(0), ["MUG"]);
}

#[test]
fn a_stale_variant_edit_is_a_conflict_that_carries_the_current_variant() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let v = variants::by_sku(catalog.conn(), "TEE-M-RED").unwrap();
    let mine = VariantFields {
        stock: 50,
        ..fields_of(&v)
    };
    let theirs = VariantFields {
        stock: 7,
        ..fields_of(&v)
    };
    catalog.update_variant(v.id, v.version, &theirs).unwrap();
    let err = catalog.update_variant(v.id, v.version, &mine).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let current = err.to_report().details.expect("the current variant");
    assert_eq!(current["stock"], 7);
    assert_eq!(variants::get(catalog.conn(), v.id).unwrap().stock, 7);
}

#[rstest]
#[case::sku_of_a_product(VariantFields { sku: "MUG".into(), ..VariantFields::default() }, ErrorKind::Conflict, "sku")]
#[case::missing_value(VariantFields { sku: "TEE-L".into(), option1: Some("L".into()), ..VariantFields::default() }, ErrorKind::Validation, "options")]
#[case::same_values(VariantFields { sku: "TEE-L".into(), option1: Some("s".into()), option2: Some("red".into()), ..VariantFields::default() }, ErrorKind::Conflict, "options")]
#[case::negative_price(VariantFields { sku: "TEE-L".into(), option1: Some("L".into()), option2: Some("Red".into()), price_minor: -1, ..VariantFields::default() }, ErrorKind::Validation, "price")]
#[case::photo_of_another_product(VariantFields { sku: "TEE-L".into(), option1: Some("L".into()), option2: Some("Red".into()), image_sha256: Some("b".repeat(64)), ..VariantFields::default() }, ErrorKind::Validation, "image")]
fn the_core_explains_each_refused_variant(
    #[case] fields: VariantFields,
    #[case] kind: ErrorKind,
    #[case] field: &str,
) {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let tee = products::by_sku(catalog.conn(), "TEE").unwrap();
    let err = catalog.create_variant(tee.id, &fields).unwrap_err();
    assert_eq!((err.kind(), err.field()), (kind, Some(field)), "{err}");
    assert_eq!(products::by_sku(catalog.conn(), "TEE").unwrap().variants.len(), 4);
}

#[test]
fn trashing_a_variant_takes_it_out_of_the_product_and_restoring_brings_it_back() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let v = variants::by_sku(catalog.conn(), "TEE-S-RED").unwrap();
    assert_eq!(catalog.trash_variants(&[v.id]).unwrap(), 1);
    let tee = products::by_sku(catalog.conn(), "TEE").unwrap();
    assert_eq!((tee.price_minor, tee.stock, tee.variants.len()), (1100, 9, 3));
    // Its barcode no longer finds the product.
    assert!(search::search(catalog.conn(), "4000000000000", 5)
        .unwrap()
        .is_empty());
    assert_eq!(
        search::search(catalog.conn(), "4000000000001", 5).unwrap().len(),
        1
    );
    // A new S/Red while the old one is in the trash: restoring the old one is then refused.
    let again = catalog
        .create_variant(
            tee.id,
            &VariantFields {
                sku: "TEE-S-RED-2".into(),
                option1: Some("S".into()),
                option2: Some("Red".into()),
                price_minor: 1000,
                ..VariantFields::default()
            },
        )
        .unwrap();
    let err = catalog.restore_variants(&[v.id]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    catalog.trash_variants(&[again.id]).unwrap();
    assert_eq!(catalog.restore_variants(&[v.id]).unwrap(), 1);
    assert_eq!(products::by_sku(catalog.conn(), "TEE").unwrap().stock, 10);
}

#[test]
fn bulk_edits_of_products_reach_their_variants() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let tee = products::by_sku(catalog.conn(), "TEE").unwrap();
    let mug = products::by_sku(catalog.conn(), "MUG").unwrap();
    catalog
        .bulk_edit(&[tee.id, mug.id], &BulkEdit::SetStock(5))
        .unwrap();
    let tee = products::get(catalog.conn(), tee.id).unwrap();
    assert_eq!(tee.stock, 20);
    assert!(tee.variants.iter().all(|v| v.stock == 5));
    assert_eq!(products::get(catalog.conn(), mug.id).unwrap().stock, 5);
    catalog
        .bulk_edit(
            &[tee.id],
            &BulkEdit::AdjustPrice(PriceChange::Amount("-0.50".into())),
        )
        .unwrap();
    let prices: Vec<i64> = products::get(catalog.conn(), tee.id)
        .unwrap()
        .variants
        .iter()
        .map(|v| v.price_minor)
        .collect();
    assert_eq!(prices, [950, 1050, 1150, 1250]);
    let ids: Vec<i64> = products::get(catalog.conn(), tee.id)
        .unwrap()
        .variants
        .iter()
        .map(|v| v.id)
        .collect();
    catalog
        .bulk_edit_variants(&ids[..2], &VariantBulkEdit::SetPrice(2000))
        .unwrap();
    assert_eq!(products::get(catalog.conn(), tee.id).unwrap().price_minor, 1150);
    // All or nothing: one price would go negative, so none changes.
    let err = catalog
        .bulk_edit_variants(
            &ids,
            &VariantBulkEdit::AdjustPrice(PriceChange::Amount("-12.00".into())),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(products::get(catalog.conn(), tee.id).unwrap().price_minor, 1150);
}

#[test]
fn purging_a_product_removes_its_variants_and_options_first_and_logs_them() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let tee = products::by_sku(catalog.conn(), "TEE").unwrap();
    let v = variants::by_sku(catalog.conn(), "TEE-S-RED").unwrap();
    catalog.trash_variants(&[v.id]).unwrap();
    catalog.move_to_trash(&[tee.id]).unwrap();
    catalog.purge(&[tee.id]).unwrap();
    let logged = |table: &str| -> i64 {
        catalog
            .conn()
            .query_row(
                "SELECT count(*) FROM deletion_log WHERE table_name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        (logged("variants"), logged("product_options"), logged("products")),
        (4, 2, 1)
    );
    let left: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM variants", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn options_can_be_renamed_but_not_added_while_variants_exist() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let tee = products::by_sku(catalog.conn(), "TEE").unwrap();
    let renamed = catalog
        .set_options(tee.id, &["Size".into(), "Color".into()])
        .unwrap();
    assert_eq!(renamed.options[1].name, "Color");
    let err = catalog
        .set_options(tee.id, &["Size".into(), "Color".into(), "Fit".into()])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    let err = catalog
        .set_options(tee.id, &["Size".into(), "size".into()])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
}

#[test]
fn generated_variants_get_skus_from_the_product_and_skip_what_exists() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let tee = products::by_sku(catalog.conn(), "TEE").unwrap();
    let options = [
        OptionValues {
            name: "Size".into(),
            values: vec!["S".into(), "M".into(), "XL".into()],
        },
        OptionValues {
            name: "Colour".into(),
            values: vec!["Red".into(), "Blue".into()],
        },
    ];
    let tee = catalog.generate_variants(tee.id, &options, 1500, 2).unwrap();
    let skus: Vec<&str> = tee.variants.iter().map(|v| v.sku.as_str()).collect();
    assert_eq!(
        skus,
        [
            "TEE-S-RED",
            "TEE-S-BLUE",
            "TEE-M-RED",
            "TEE-M-BLUE",
            "TEE-XL-RED",
            "TEE-XL-BLUE"
        ]
    );
    assert_eq!(tee.stock, 10 + 4);
}

#[test]
fn shop_fields_are_kept_checked_and_unique() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let shop = ShopFields {
        vendor: Some("Acme".into()),
        product_type: Some("Mugs".into()),
        handle: Some("blue-mug".into()),
        compare_at_minor: Some(1500),
        cost_minor: Some(400),
        weight_grams: Some(350),
    };
    let mug = catalog
        .create_product(&shelf_core::catalog::products::ProductFields {
            shop: shop.clone(),
            ..product("MUG", "Blue mug", 1200)
        })
        .unwrap();
    assert_eq!(mug.shop, shop);
    let err = catalog
        .create_product(&shelf_core::catalog::products::ProductFields {
            shop: ShopFields {
                handle: Some("Blue-Mug".into()),
                ..ShopFields::default()
            },
            ..product("MUG-2", "Other mug", 1200)
        })
        .unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::Conflict, Some("handle")));
    let err = catalog
        .create_product(&shelf_core::catalog::products::ProductFields {
            shop: ShopFields {
                weight_grams: Some(-1),
                ..ShopFields::default()
            },
            ..product("MUG-3", "Other mug", 1200)
        })
        .unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::Validation, Some("weight")));
}

#[test]
fn the_command_line_adds_lists_edits_trashes_and_restores_variants() {
    let lib = TestLibrary::new();
    let ok = |args: &[&str]| {
        let out = lib.shelf(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    ok(&[
        "product", "add", "--sku", "HAT", "--name", "Wool hat", "--price", "20.00",
    ]);
    ok(&[
        "variant",
        "add",
        "HAT",
        "--sku",
        "HAT-S-GREY",
        "--option",
        "Size=S",
        "--option",
        "Colour=Grey",
        "--price",
        "18.50",
        "--stock",
        "4",
    ]);
    ok(&[
        "variant",
        "generate",
        "HAT",
        "--option",
        "Size=S,M",
        "--option",
        "Colour=Grey,Navy",
        "--price",
        "21",
        "--stock",
        "1",
    ]);
    let listed = ok(&["--json", "variant", "list", "HAT"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let skus: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["HAT-S-GREY", "HAT-S-NAVY", "HAT-M-GREY", "HAT-M-NAVY"]);
    ok(&[
        "variant",
        "edit",
        "HAT-M-NAVY",
        "--price",
        "25",
        "--barcode",
        "4006381333931",
    ]);
    let shown: serde_json::Value = serde_json::from_str(&ok(&["--json", "product", "show", "HAT"])).unwrap();
    assert_eq!(shown["options"][1]["name"], "Colour");
    assert_eq!(shown["variants"].as_array().unwrap().len(), 4);
    assert_eq!(
        (shown["price_minor"].as_i64(), shown["stock"].as_i64()),
        (Some(1850), Some(7))
    );
    let text = ok(&["product", "show", "HAT"]);
    assert!(
        text.contains("HAT-M-NAVY") && text.contains("Size: S, M"),
        "{text}"
    );
    ok(&["variant", "trash", "HAT-S-GREY"]);
    let trashed: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "variant", "list", "HAT", "--trash"])).unwrap();
    assert_eq!(trashed[0]["sku"], "HAT-S-GREY");
    ok(&["variant", "restore", "HAT-S-GREY"]);
    // A refusal is one line on stderr, exit status 2, and the catalog unchanged.
    let out = lib.shelf(&[
        "variant",
        "add",
        "HAT",
        "--sku",
        "hat",
        "--option",
        "Size=L",
        "--option",
        "Colour=Red",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already used"), "{}", stderr(&out));
    let out = lib.shelf(&["variant", "edit", "HAT-S-GREY", "--option", "Fit=Slim"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no option Fit"), "{}", stderr(&out));
    assert!(ok(&["search", "navy"]).contains("HAT"));
}

/// A catalog made before migration 0007 opens with the same products, prices, stock and
/// search results, and can take variants afterwards.
#[test]
fn a_catalog_from_before_variants_moves_forward_unchanged_in_meaning() {
    let lib = TestLibrary::new();
    {
        let (old, _) = Catalog::open_at_version(&lib.library, 6).unwrap();
        old.conn()
            .execute_batch(
                "INSERT INTO products (sku, name, description, price_minor, stock, owner_id, barcode)
                   VALUES ('OLD-1', 'Porcelain teapot', 'Hand thrown', 2500, 3, 1, '4006381333931');
                 INSERT INTO tags (name) VALUES ('wedding');
                 INSERT INTO product_tags (product_id, tag_id) VALUES (1, 1);",
            )
            .unwrap();
    }
    let (mut catalog, report) = Catalog::open_at_version(&lib.library, latest_version()).unwrap();
    assert_eq!(report.from, 6);
    assert!(report.backup.is_some(), "a pre-migration backup");
    let p = products::by_sku(catalog.conn(), "OLD-1").unwrap();
    assert_eq!(
        (p.price_minor, p.stock, p.barcode.as_deref()),
        (2500, 3, Some("4006381333931"))
    );
    assert_eq!(p.shop, ShopFields::default());
    assert!(p.options.is_empty() && p.variants.is_empty());
    for typed in ["porc", "thrown", "weddi", "OLD-1"] {
        let hits = search::search(catalog.conn(), typed, 10).unwrap();
        assert_eq!(hits.len(), 1, "searching {typed:?}");
    }
    assert!(catalog.check().unwrap().findings.is_empty());
    let p = catalog
        .generate_variants(
            p.id,
            &[OptionValues {
                name: "Colour".into(),
                values: vec!["White".into()],
            }],
            2600,
            2,
        )
        .unwrap();
    assert_eq!((p.price_minor, p.stock), (2600, 2));
}

/// Migration 0008 from a plain SQLite connection: a variant written by another tool still
/// rolls its product up (one write, one version step), a write that changes no total leaves
/// the product alone, and the roll-up pause flag takes only 0 or 1.
#[test]
fn roll_ups_from_another_tool_write_the_product_once_and_only_on_a_change() {
    let lib = seeded();
    let conn = lib.plain_connection();
    let product = |conn: &rusqlite::Connection| -> (i64, i64, i64) {
        conn.query_row(
            &format!("SELECT price_minor, stock, version FROM products WHERE id = {TEE}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    let audits = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM audit_log WHERE table_name = 'products' AND action = 'update'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (_, stock, version) = product(&conn);
    let updates = audits(&conn);
    conn.execute(
        &format!("INSERT INTO variants (product_id, sku, price_minor, stock, option1, option2) VALUES ({TEE}, 'TEE-L-RED', 900, 5, 'L', 'Red')"),
        [],
    )
    .unwrap();
    assert_eq!(
        product(&conn),
        (900, stock + 5, version + 1),
        "lowest price, total stock, one version step"
    );
    assert_eq!(
        audits(&conn),
        updates + 1,
        "one write of the product, one audit row"
    );
    // The same stock again changes no total: the product is not written.
    conn.execute("UPDATE variants SET stock = 5 WHERE sku = 'TEE-L-RED'", [])
        .unwrap();
    assert_eq!(product(&conn), (900, stock + 5, version + 1));
    assert_eq!(audits(&conn), updates + 1);
    drop(conn);
    lib.assert_refused_unchanged(
        "UPDATE write_context SET rollup_deferred = 2 WHERE id = 1",
        "rollup_deferred_boolean",
    );
}
