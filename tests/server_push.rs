//! `shelf server push`: a whole local library (rows, history, photos) into an empty team
//! server, compared row by row before it commits; refused, with the server left empty,
//! whenever anything is wrong.

use crate::server::{server, TestDatabase, ADMIN};
use crate::transfer::{library_with, Shape};
use crate::util::*;
use shelf_core::catalog::variants::OptionValues;
use shelf_core::server::push;
use shelf_core::ErrorKind;

/// A library with a bit of everything a push must carry: photos and thumbnails, tags, a
/// category whose parent was made after it, a product with variants, edits, a trashed and a
/// purged product (audit, deletion and undo logs), a second user and a default currency.
fn busy_library() -> TestLibrary {
    let (lib, skus) = library_with(Shape::ManyImages);
    let mut catalog = lib.catalog();
    let child = catalog.create_category("Cups", None).unwrap();
    let parent = catalog.create_category("Tableware", None).unwrap();
    catalog.move_category(child.id, Some(parent.id)).unwrap();
    let tee = catalog
        .create_product(&product("TEE", "Tee shirt", 1500))
        .unwrap();
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
            1500,
            3,
        )
        .unwrap();
    let gone = catalog.create_product(&product("GONE-1", "Gone", 5)).unwrap();
    catalog.move_to_trash(&[gone.id]).unwrap();
    catalog.purge(&[gone.id]).unwrap();
    // Two products to the trash, and the second taken out again by `shelf undo` below.
    for sku in ["BIN-1", "BIN-2"] {
        let trashed = catalog.create_product(&product(sku, "In the bin", 5)).unwrap();
        catalog.move_to_trash(&[trashed.id]).unwrap();
    }
    catalog
        .put_setting("default_currency", &serde_json::json!("EUR"))
        .unwrap();
    drop(catalog);
    assert!(lib.shelf(&["undo"]).status.success());
    assert!(skus.len() >= 6);
    lib
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.client().query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn a_pushed_library_arrives_whole_with_its_history_and_photos() {
    let lib = busy_library();
    let db = server().empty_database();
    let report = push::push(&lib.catalog(), &mut db.client()).unwrap();
    let local = lib.plain_connection();
    for (table, rows) in &report.tables {
        let ours: i64 = local
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(*rows as i64, ours, "{table}");
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM {table}")),
            ours,
            "{table}"
        );
    }
    assert!(report.photos >= 40, "{report:?}");
    let photo_bytes: i64 = local
        .query_row("SELECT sum(byte_size) FROM originals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(report.photo_bytes as i64, photo_bytes);
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit_log WHERE actor = 'shelfadmin'"),
        0,
        "the copied history is the library's, not a new insert by whoever pushed"
    );
    // The server's derived data is there, and its rules hold from the next write on.
    assert_eq!(
        count(
            &db,
            "SELECT product_id FROM product_search WHERE words LIKE '%tee-m-blue%'"
        ),
        count(&db, "SELECT id FROM products WHERE sku = 'TEE'"),
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM sellable_skus"),
        count(
            &db,
            "SELECT (SELECT count(*) FROM products) + (SELECT count(*) FROM variants)"
        ),
    );
    let mut client = db.client();
    let err = client
        .batch_execute(
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('tee-s-red', 'Dup', 1, 1)",
        )
        .unwrap_err();
    assert!(crate::server::server_error_text(&err).contains("sku_taken"));
    let new_id: i64 = client
        .query_one(
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('NEW-1', 'New', 1, 1) RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let highest: i64 = local
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'products'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(new_id > highest, "a purged product's id is never given out again");
    let currency: String = client
        .query_one(
            "SELECT value #>> '{}' FROM settings WHERE key = 'default_currency'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(currency, "EUR");
    assert_eq!(
        count(&db, "SELECT count(*) FROM products WHERE deleted_at IS NOT NULL"),
        1
    );
}

#[test]
fn a_second_push_or_a_missing_photo_is_refused_and_the_server_is_left_as_it_was() {
    let lib = busy_library();
    let db = server().empty_database();
    push::push(&lib.catalog(), &mut db.client()).unwrap();
    let before = db.fingerprint();
    let err = push::push(&lib.catalog(), &mut db.client()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert!(err.to_string().contains("already holds a catalog"), "{err}");
    assert!(db.fingerprint() == before);

    let db = server().empty_database();
    let photo = walk_files(&lib.root().join("originals")).pop().unwrap();
    std::fs::remove_file(&photo).unwrap();
    let err = push::push(&lib.catalog(), &mut db.client()).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM products"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log"), 0);
    let triggers_on = count(
        &db,
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'",
    );
    assert_eq!(triggers_on, 0, "a failed push leaves every trigger on");
}

#[test]
fn shelf_server_push_moves_a_library_and_refuses_a_server_it_cant_reach_safely() {
    let lib = busy_library();
    let db = server().empty_database();
    let address = format!("postgresql://{ADMIN}@127.0.0.1:{}/{}", db.port, db.name);
    let pushed = lib.shelf(&["server", "push", "--to", &address]);
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    assert!(
        stdout(&pushed).contains("every row was read back and matches"),
        "{}",
        stdout(&pushed)
    );
    assert!(count(&db, "SELECT count(*) FROM products") > 6);

    let remote = lib.shelf(&[
        "server",
        "push",
        "--to",
        "postgresql://olga@shop.example.com/shop",
    ]);
    assert!(!remote.status.success());
    assert!(stderr(&remote).contains("only over TLS"), "{}", stderr(&remote));
    let secret = lib.shelf(&[
        "server",
        "push",
        "--to",
        "postgresql://olga:hunter2@127.0.0.1/shop",
    ]);
    assert!(!secret.status.success());
    assert!(
        stderr(&secret).contains("Leave the password out"),
        "{}",
        stderr(&secret)
    );
}

#[test]
fn the_server_finds_what_sqlite_finds_in_the_same_order() {
    let (lib, _) = library_with(Shape::Plain(400));
    let mut catalog = lib.catalog();
    for (sku, name, tags) in [
        ("TEA-BLUE", "Crème brûlée teapot, blue", vec!["gift".to_owned()]),
        ("MUG-9", "Blue mug", vec![]),
        ("BOWL-7", "Glazed bowl", vec!["blue".to_owned()]),
    ] {
        catalog
            .create_product(&shelf_core::catalog::products::ProductFields {
                tags,
                ..product(sku, name, 100)
            })
            .unwrap();
    }
    let db = server().empty_database();
    let mut client = db.client();
    push::push(&catalog, &mut client).unwrap();
    for typed in [
        "blue", "bl", "b", "creme", "brûl", "blue mu", "pro 1", "SKU-0042", "mug-9", "gift", "zzz", "  ",
    ] {
        let ids = |hits: Vec<shelf_core::catalog::search::SearchHit>| -> Vec<i64> {
            hits.into_iter().map(|h| h.id).collect()
        };
        let on_sqlite = ids(shelf_core::catalog::search::search(catalog.conn(), typed, 50).unwrap());
        let on_server = ids(shelf_core::server::search::search(&mut client, typed, 50).unwrap());
        assert_eq!(on_server, on_sqlite, "{typed:?}");
        if !["zzz", "  "].contains(&typed) {
            assert!(!on_server.is_empty(), "{typed:?} found nothing");
        }
    }
}
