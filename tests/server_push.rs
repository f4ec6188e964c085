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
pub(crate) fn busy_library() -> TestLibrary {
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
fn shelf_server_push_moves_a_library_and_says_when_a_server_cant_be_reached() {
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
        "postgresql://olga@shop.example.invalid/shop",
    ]);
    assert!(!remote.status.success());
    assert!(
        stderr(&remote).contains("can't be reached"),
        "{}",
        stderr(&remote)
    );
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
        ("Z", "Zinc tray", vec![]),
        ("ZEN 2", "Zen garden", vec![]),
        ("TOWEL-1", "Linen towel", vec![]),
        ("TOWEL-2", "Linen towel, large", vec![]),
    ] {
        catalog
            .create_product(&shelf_core::catalog::products::ProductFields {
                tags,
                ..product(sku, name, 100)
            })
            .unwrap();
    }
    // Trashed products are candidates neither engine shows: the newest plain product (its
    // name matches "pro") and a linen towel (its name matches "line", as a third of the
    // plain products' descriptions do).
    let trashed = ["SKU-0399", "TOWEL-2"].map(|sku| {
        shelf_core::store::Store::product_by_sku(&mut catalog, sku)
            .unwrap()
            .id
    });
    catalog.move_to_trash(&trashed).unwrap();
    let db = server().empty_database();
    let mut client = db.client();
    push::push(&catalog, &mut client).unwrap();
    for limit in [5, 50] {
        for typed in [
            "blue", "bl", "b", "creme", "brûl", "blue mu", "pro 1", "pro", "line", "SKU-0042", "mug-9",
            "gift", "zzz", "  ", "z", "ze", "zen 2",
        ] {
            let ids = |hits: Vec<shelf_core::catalog::search::SearchHit>| -> Vec<i64> {
                hits.into_iter().map(|h| h.id).collect()
            };
            let on_sqlite = ids(shelf_core::catalog::search::search(catalog.conn(), typed, limit).unwrap());
            let on_server = ids(shelf_core::server::search::search(&mut client, typed, limit).unwrap());
            assert_eq!(on_server, on_sqlite, "{typed:?}, limit {limit}");
            if !["zzz", "  "].contains(&typed) {
                assert!(!on_server.is_empty(), "{typed:?} found nothing");
            }
            assert!(on_server.iter().all(|id| !trashed.contains(id)), "{typed:?}");
        }
    }
}

fn schema(conn: &rusqlite::Connection) -> Vec<(String, Option<String>)> {
    conn.prepare("SELECT name, sql FROM sqlite_schema ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// One log entry: id, who, the row key with its SQLite type, old and new values as JSON.
type LogEntry = (
    i64,
    String,
    String,
    Option<serde_json::Value>,
    Option<serde_json::Value>,
);

fn logs(conn: &rusqlite::Connection) -> Vec<LogEntry> {
    let json = |text: Option<String>| text.map(|t| serde_json::from_str::<serde_json::Value>(&t).unwrap());
    conn.prepare("SELECT id, actor, typeof(row_id) || ':' || row_id, old_values, new_values FROM audit_log UNION ALL SELECT id, deleted_by, typeof(record_id) || ':' || record_id, NULL, backup_data FROM deletion_log ORDER BY 1, 3")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, json(r.get(3)?), json(r.get(4)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_pulled_library_is_the_pushed_one_row_for_row_and_file_for_file() {
    let lib = busy_library();
    let db = server().empty_database();
    push::push(&lib.catalog(), &mut db.client()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pulled");
    let report = shelf_core::server::pull::pull(&mut db.client(), &root).unwrap();
    assert!(report.photos >= 40, "{report:?}");
    let pulled = shelf_core::Library::create_at(&root).unwrap();

    // Every table but the logs (their JSON comes back with the server's key order and
    // spacing), the settings' timestamps and the migration ledger's, byte for byte.
    let mut ours = crate::transfer::dump_tables(&lib.db_path());
    let mut theirs = crate::transfer::dump_tables(&pulled.catalog_path());
    for table in ["audit_log", "deletion_log", "settings", "schema_migrations"] {
        ours.remove(table);
        theirs.remove(table);
    }
    assert_eq!(theirs, ours);
    let (local, copy) = (
        lib.plain_connection(),
        plain_connection_to(&pulled.catalog_path()),
    );
    assert_eq!(logs(&copy), logs(&local), "the history, row keys' types included");
    assert_eq!(
        schema(&copy),
        schema(&local),
        "the triggers are made again exactly"
    );
    let currency: String = copy
        .query_row(
            "SELECT value ->> '$' FROM settings WHERE key = 'default_currency'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(currency, "EUR");
    assert_eq!(
        crate::transfer::files_under(&pulled.originals_dir()),
        crate::transfer::files_under(&lib.library.originals_dir())
    );
    // It is a library like any other: it checks clean, finds by variant SKU, and keeps
    // auditing.
    let check = shelf_in(&root, &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    let found = shelf_in(&root, &["search", "tee-m-blue"]);
    assert!(stdout(&found).contains("TEE"), "{}", stdout(&found));
    let edit = shelf_in(&root, &["product", "edit", "TEE", "--name", "Tee shirt, pulled"]);
    assert!(edit.status.success(), "{}", stderr(&edit));
}

#[test]
fn a_pull_refuses_a_folder_with_files_and_a_server_without_a_catalog_and_leaves_both_alone() {
    let db = server().empty_database();
    let dir = tempfile::tempdir().unwrap();
    let busy = dir.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let err = shelf_core::server::pull::pull(&mut db.client(), &busy).unwrap_err();
    assert!(err.to_string().contains("already holds files"), "{err}");
    assert_eq!(std::fs::read_to_string(busy.join("notes.txt")).unwrap(), "mine");

    let fresh = dir.path().join("fresh");
    let err = shelf_core::server::pull::pull(&mut db.client(), &fresh).unwrap_err();
    assert!(err.to_string().contains("schema 0"), "{err}");
    assert!(!fresh.exists(), "a failed pull removes what it made");
    let server_db = count(&db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    assert_eq!(server_db, 0, "a pull never migrates the server");
}

#[test]
fn shelf_server_pull_makes_a_library_from_the_server() {
    let lib = busy_library();
    let db = server().empty_database();
    push::push(&lib.catalog(), &mut db.client()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("laptop");
    let address = format!("postgresql://{ADMIN}@127.0.0.1:{}/{}", db.port, db.name);
    let pulled = shelf_in(&root, &["server", "pull", "--from", &address]);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    assert!(
        stdout(&pulled).contains("every row was compared"),
        "{}",
        stdout(&pulled)
    );
    let listed = shelf_in(&root, &["product", "list"]);
    assert!(stdout(&listed).contains("SKU-0003"), "{}", stdout(&listed));
}

/// A plain connection to another library's catalog, as `TestLibrary::plain_connection`.
fn plain_connection_to(path: &std::path::Path) -> rusqlite::Connection {
    #[allow(clippy::disallowed_methods)]
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    conn
}

/// A server's tables but those that record when they were made (the migration ledger, and
/// the settings rows a migration wrote and a push updated).
fn contents(db: &TestDatabase) -> Vec<(String, String)> {
    db.fingerprint()
        .into_iter()
        .filter(|(table, _)| table != "schema_migrations" && table != "settings")
        .collect()
}

#[test]
fn a_team_backup_is_a_verified_zip_that_restores_into_a_library_or_another_server() {
    let lib = busy_library();
    let source = server().empty_database();
    push::push(&lib.catalog(), &mut source.client()).unwrap();
    // Saved on the server after the push: the backup is of the server, not of the library.
    source
        .client()
        .execute(
            "UPDATE products SET name = 'Tee shirt, as the team left it' WHERE sku = 'TEE'",
            &[],
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("team.zip");
    let unused = dir.path().join("unused-library");
    let backed_up = shelf_in(
        &unused,
        &[
            "server",
            "backup",
            "--from",
            &source.url(ADMIN),
            "--out",
            zip.to_str().unwrap(),
        ],
    );
    assert!(backed_up.status.success(), "{}", stderr(&backed_up));
    assert!(stdout(&backed_up).contains("verified"), "{}", stdout(&backed_up));
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "the scratch library is gone: {beside:?}");
    let verified = shelf_in(&unused, &["verify-backup", zip.to_str().unwrap()]);
    assert!(verified.status.success(), "{}", stderr(&verified));

    // Into a local library: what a pull of the server gives, row for row.
    let local = dir.path().join("local");
    let restored = shelf_in(&local, &["restore", zip.to_str().unwrap()]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let pulled = dir.path().join("pulled");
    shelf_core::server::pull::pull(&mut source.client(), &pulled).unwrap();
    let mut from_zip = crate::transfer::dump_tables(&local.join("catalog.db"));
    let mut from_server = crate::transfer::dump_tables(&pulled.join("catalog.db"));
    for table in ["settings", "schema_migrations"] {
        from_zip.remove(table);
        from_server.remove(table);
    }
    assert_eq!(from_zip, from_server);
    assert_eq!(
        crate::transfer::files_under(&local.join("originals")),
        crate::transfer::files_under(&pulled.join("originals"))
    );
    let shown = shelf_in(&local, &["product", "show", "TEE"]);
    assert!(
        stdout(&shown).contains("as the team left it"),
        "{}",
        stdout(&shown)
    );

    // Into another server: the same catalog, derived tables and SKU register included.
    let target = server().empty_database();
    let into_server = shelf_in(
        &unused,
        &[
            "server",
            "restore",
            zip.to_str().unwrap(),
            "--to",
            &target.url(ADMIN),
        ],
    );
    assert!(into_server.status.success(), "{}", stderr(&into_server));
    assert!(
        stdout(&into_server).contains("matches"),
        "{}",
        stdout(&into_server)
    );
    assert_eq!(contents(&target), contents(&source));
}

#[test]
fn a_team_restore_refuses_a_server_with_a_catalog_or_a_bad_backup_and_changes_nothing() {
    let lib = busy_library();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("shop.zip");
    assert!(lib
        .shelf(&["backup", "--out", zip.to_str().unwrap()])
        .status
        .success());
    let busy = server().empty_database();
    push::push(&lib.catalog(), &mut busy.client()).unwrap();
    let before = busy.fingerprint();
    let job = shelf_core::job::Job::silent();
    let err = shelf_core::server::backup::restore_into(&mut busy.client(), &zip, &job).unwrap_err();
    assert!(err.to_string().contains("already holds a catalog"), "{err}");
    assert_eq!(busy.fingerprint(), before);

    // A damaged backup: one byte of the catalog snapshot flipped in the middle of the zip.
    let mut bytes = std::fs::read(&zip).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, bytes).unwrap();
    let empty = server().empty_database();
    let err = shelf_core::server::backup::restore_into(&mut empty.client(), &damaged, &job).unwrap_err();
    assert_ne!(err.kind(), ErrorKind::Internal, "{err}");
    assert_eq!(
        count(&empty, "SELECT count(*) FROM products") + count(&empty, "SELECT count(*) FROM users"),
        0,
        "{err}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap_or_default())
        .filter(|name| name.starts_with(&format!("shelfkeeper-team-restore-{}-", std::process::id())))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
