//! Migrations: forward from an older schema with data in it, the pre-migration backup,
//! refusal of a newer catalog, and detection of a shipped migration that was edited.

use crate::util::*;
use shelf_core::catalog::search;
use shelf_core::migrations::{latest_version, MIGRATIONS};
use shelf_core::{Catalog, Error};

/// The SHA-256 of every migration as shipped. A migration is never edited once shipped: add a
/// new one instead. If this test fails, undo the edit to the old file.
const SHIPPED: &[(&str, &str)] = &[
    (
        "0001_catalog.sql",
        "a358cb1d70ec39a4ccf5aae406fc253993681ab607e33983ed011d309bd36955",
    ),
    (
        "0002_settings.sql",
        "ba90780d806c2bb9784fdabd9bfcc30564e256826ffc85f18239cfede0f1bce7",
    ),
    (
        "0003_image_rotation.sql",
        "5c04fefdc1a0e8d7aa11a414ed16637ec3a6a18910bdc28d1cac133a632bfbf7",
    ),
    (
        "0004_search_batches.sql",
        "498542ed089533143f73e2493cf5a42fbf63e747feec16fa92fe519f6b3b8abe",
    ),
    (
        "0005_undo_log.sql",
        "c6e099140ebb0b743963cf9cd093294bedcc184d2855c89f01595bcafefad678",
    ),
    (
        "0006_search_flush_size.sql",
        "03aedf11cbe9277a2804f10faea62592edc09e127caedaca639a779aab8a88eb",
    ),
    (
        "0007_variants.sql",
        "82d22fe71fa557f89c44c538b107a2c34d20dcf607266a410e5487fbfcd3a36b",
    ),
    (
        "0008_rollup_batches.sql",
        "dfecbb51de52385bcec196f7353d258d91942dbe107be7605c9ff21e35d6ca6a",
    ),
];

#[test]
fn shipped_migrations_are_never_edited() {
    for (name, sha) in SHIPPED {
        let migration = MIGRATIONS
            .iter()
            .find(|m| m.name == *name)
            .unwrap_or_else(|| panic!("{name} was removed"));
        assert_eq!(
            migration.sha256(),
            *sha,
            "{name} was edited after it shipped; add a new migration instead"
        );
    }
    let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(
        versions,
        (1..=latest_version()).collect::<Vec<_>>(),
        "versions are 1, 2, 3... in order"
    );
}

#[test]
fn all_migrations_apply_to_an_empty_file_with_no_broken_references() {
    let lib = TestLibrary::new();
    let catalog = lib.catalog();
    let version: i64 = catalog
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, latest_version());
    let broken: i64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(broken, 0);
    assert!(
        std::fs::read_dir(lib.library.backups_dir())
            .unwrap()
            .next()
            .is_none(),
        "a new catalog needs no pre-migration backup"
    );
}

#[test]
fn a_catalog_at_migration_1_with_data_migrates_forward_after_a_backup() {
    let lib = TestLibrary::new();
    {
        let (old, report) = Catalog::open_at_version(&lib.library, 1).unwrap();
        assert_eq!(report.to, 1);
        old.conn()
            .execute("INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('OLD-1', 'Made by an older app', 500, 1)", [])
            .unwrap();
    }
    let settings_exists = |conn: &rusqlite::Connection| -> bool {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'settings'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    };
    assert!(!settings_exists(&lib.plain_connection()));

    let (catalog, report) = Catalog::open_at_version(&lib.library, latest_version()).unwrap();
    assert_eq!((report.from, report.to), (1, latest_version()));
    assert!(settings_exists(catalog.conn()));
    let p = shelf_core::catalog::products::by_sku(catalog.conn(), "OLD-1").unwrap();
    assert_eq!(p.price_minor, 500);
    assert_eq!(
        shelf_core::catalog::settings::default_currency(catalog.conn()).unwrap(),
        "USD"
    );

    let backup = report
        .backup
        .expect("a non-empty catalog is backed up before migrating");
    assert!(backup.starts_with(lib.library.backups_dir()));
    #[allow(clippy::disallowed_methods)]
    let copy = rusqlite::Connection::open(&backup).unwrap();
    let (version, sku): (i64, String) = copy
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), sku FROM products",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, sku.as_str()), (1, "OLD-1"));
}

/// 0004 rebuilds the search index with longer prefixes: products (and their tags) written
/// under an older schema must still be found afterwards, by any prefix length.
#[test]
fn migration_4_reindexes_the_products_an_older_catalog_holds() {
    let lib = TestLibrary::new();
    {
        let (old, _) = Catalog::open_at_version(&lib.library, 3).unwrap();
        old.conn()
            .execute_batch(
                "INSERT INTO products (sku, name, description, price_minor, owner_id)
                   VALUES ('OLD-1', 'Porcelain teapot', 'Hand thrown', 2500, 1);
                 INSERT INTO tags (name) VALUES ('wedding');
                 INSERT INTO product_tags (product_id, tag_id) VALUES (1, 1);",
            )
            .unwrap();
    }
    let (catalog, report) = Catalog::open_at_version(&lib.library, latest_version()).unwrap();
    assert_eq!(report.from, 3);
    for typed in ["po", "porc", "porcel", "porcelain", "thrown", "weddi", "OLD-1"] {
        let hits = search::search(catalog.conn(), typed, 10).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.sku.as_str()).collect::<Vec<_>>(),
            ["OLD-1"],
            "searching {typed:?} after the migration"
        );
    }
    assert!(catalog.check().unwrap().findings.is_empty());
}

#[test]
fn a_catalog_from_a_newer_app_is_refused_and_left_untouched() {
    let lib = TestLibrary::new();
    drop(lib.catalog());
    lib.plain_connection()
        .execute_batch("PRAGMA user_version = 999")
        .unwrap();
    let before = lib.catalog_bytes();
    let err = Catalog::open(&lib.library).err().expect("must refuse");
    assert!(matches!(err, Error::CatalogTooNew { found: 999, .. }), "{err:?}");
    assert_eq!(err.kind(), shelf_core::ErrorKind::Damaged);
    assert!(err.to_string().contains("newer version of Shelfkeeper"));
    assert!(lib.catalog_bytes() == before);
}

#[test]
fn a_catalog_whose_applied_migration_differs_is_refused() {
    let lib = TestLibrary::new();
    drop(lib.catalog());
    lib.plain_connection()
        .execute(
            "UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1",
            [],
        )
        .unwrap();
    let err = Catalog::open(&lib.library).err().expect("must refuse");
    assert!(err.to_string().contains("0001_catalog.sql was changed"), "{err}");
}

/// 0009 rebuilds `originals` to let HEIC, HEIF and AVIF in (SQLite's 12-step procedure):
/// every row and every reference to it survive, its triggers are back, and the new list of
/// types is the schema's, not only the app's.
#[test]
fn migration_9_rebuilds_originals_keeping_rows_references_and_triggers() {
    let lib = TestLibrary::new();
    let sha = "ab".repeat(32);
    {
        let (old, _) = Catalog::open_at_version(&lib.library, 8).unwrap();
        let conn = old.conn();
        conn.execute_batch(&format!(
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('MIG-9', 'Mug', 500, 1);
             INSERT INTO originals (sha256, byte_size, mime, width, height, file_name, rotation)
               VALUES ('{sha}', 1234, 'image/jpeg', 640, 480, 'mug.jpg', 90);
             INSERT INTO thumbnails (sha256, bytes, mime, width, height) VALUES ('{sha}', x'FFD8FFD9', 'image/jpeg', 256, 192);
             INSERT INTO product_images (product_id, sha256) SELECT id, '{sha}' FROM products WHERE sku = 'MIG-9';"
        ))
        .unwrap();
        let refused = conn.execute(
            "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) VALUES (?1, 1, 'image/heic', 1, 1, 'a.heic')",
            ["cd".repeat(32)],
        );
        assert!(refused.unwrap_err().to_string().contains("image_mime_known"));
    }
    let (catalog, report) = Catalog::open_at_version(&lib.library, 9).unwrap();
    assert_eq!(report.to, 9);
    let conn = catalog.conn();
    let kept: (String, i64, String, i64) = conn
        .query_row(
            "SELECT o.mime, o.rotation, o.file_name, count(i.id) FROM originals AS o JOIN product_images AS i ON i.sha256 = o.sha256",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(kept, ("image/jpeg".into(), 90, "mug.jpg".into(), 1));
    let fk_on: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk_on, 1, "foreign keys are back on after the rebuild");
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(broken, 0);
    let triggers: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'originals' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        triggers,
        [
            "originals_are_immutable",
            "originals_audit_delete",
            "originals_audit_insert",
            "originals_audit_update",
            "originals_delete_refused_while_used",
            "originals_deletion_log",
        ]
    );
    // The rules hold from a plain connection, as before.
    let plain = lib.plain_connection();
    let in_use = plain.execute("DELETE FROM originals WHERE sha256 = ?1", [&sha]);
    assert!(in_use.unwrap_err().to_string().contains("original_in_use"));
    let immutable = plain.execute(
        "UPDATE originals SET mime = 'image/png' WHERE sha256 = ?1",
        [&sha],
    );
    assert!(immutable
        .unwrap_err()
        .to_string()
        .contains("original_is_immutable"));
    let types = [
        ("image/heic", true),
        ("image/heif", true),
        ("image/avif", true),
        ("image/x-raw", false),
    ];
    for (n, (mime, ok)) in types.into_iter().enumerate() {
        let inserted = plain.execute(
            "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) VALUES (?1, 1, ?2, 1, 1, 'phone.heic')",
            rusqlite::params![format!("{n:0>64}"), mime],
        );
        assert_eq!(inserted.is_ok(), ok, "{mime}: {inserted:?}");
    }
}
