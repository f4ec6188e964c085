//! Every rule of catalog-rules.md, proven from a plain SQLite connection opened on the file
//! the app created, outside the core's API: the bad writes a seller's other tools could make
//! are refused by SQLite itself, and leave the catalog byte-for-byte as it was.

use crate::server::{server, TestDatabase};
use crate::util::*;
use rstest::rstest;
use rusqlite::Connection;
use shelf_core::catalog::products::ProductFields;

/// A catalog with one owner, one product (ABC-1, with a tag and an image), a category, and
/// a purged product (so both logs have rows).
fn seeded() -> TestLibrary {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let gone = catalog.create_product(&product("GONE-1", "Purged", 1)).unwrap();
    catalog.move_to_trash(&[gone.id]).unwrap();
    catalog.purge(&[gone.id]).unwrap();
    let kitchen = catalog.ensure_category_path("Kitchen").unwrap();
    catalog
        .create_product(&ProductFields {
            category_id: Some(kitchen.id),
            tags: vec!["blue".into()],
            ..product("ABC-1", "Blue mug", 1299)
        })
        .unwrap();
    drop(catalog);
    let conn = lib.plain_connection();
    let sha = "a".repeat(64);
    conn.execute(
        "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) VALUES (?1, 10, 'image/jpeg', 4, 3, 'mug.jpg')",
        [&sha],
    )
    .unwrap();
    let id: i64 = conn
        .query_row("SELECT id FROM products WHERE sku = 'ABC-1'", [], |r| r.get(0))
        .unwrap();
    conn.execute(
        "INSERT INTO product_images (product_id, sha256, position) VALUES (?1, ?2, 0)",
        (id, &sha),
    )
    .unwrap();
    lib
}

#[rstest]
#[case::negative_price(
    "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('N-1', 'Neg', -1, 1)",
    "price_not_negative"
)]
#[case::empty_name(
    "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('E-1', '   ', 1, 1)",
    "name_not_blank"
)]
#[case::sku_differs_only_in_case(
    "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('abc-1', 'Dup', 1, 1)",
    "UNIQUE constraint failed: products.sku"
)]
#[case::sku_with_spaces(
    "INSERT INTO products (sku, name, price_minor, owner_id) VALUES (' S-1', 'Sp', 1, 1)",
    "sku_shape"
)]
#[case::sku_with_newline(
    "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('S' || char(10) || '1', 'Nl', 1, 1)",
    "sku_shape"
)]
#[case::text_in_integer_column(
    "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('T-1', 'Text', 'abc', 1)",
    "cannot store TEXT value in INTEGER column"
)]
#[case::unknown_category(
    "INSERT INTO products (sku, name, price_minor, owner_id, category_id) VALUES ('C-1', 'Cat', 1, 1, 999)",
    "FOREIGN KEY constraint failed"
)]
#[case::unknown_currency(
    "INSERT INTO products (sku, name, price_minor, owner_id, currency) VALUES ('C-2', 'Cur', 1, 1, 'XYZ')",
    "FOREIGN KEY constraint failed"
)]
#[case::negative_stock("UPDATE products SET stock = -5 WHERE sku = 'ABC-1'", "stock_not_negative")]
#[case::unknown_status("UPDATE products SET status = 'sold' WHERE sku = 'ABC-1'", "status_known")]
#[case::barcode_with_letters(
    "UPDATE products SET barcode = '12345ABC' WHERE sku = 'ABC-1'",
    "barcode_digits"
)]
#[case::bad_email(
    "INSERT INTO users (username, display_name, email) VALUES ('bo', 'Bo', 'not an email')",
    "email_shape"
)]
#[case::boolean_not_boolean(
    "INSERT INTO users (username, display_name, is_active) VALUES ('cy', 'Cy', 2)",
    "is_active_boolean"
)]
#[case::username_case_duplicate(
    "INSERT INTO users (username, display_name) VALUES ('OWNER', 'Dup')",
    "UNIQUE constraint failed: users.username"
)]
#[case::bad_timestamp(
    "UPDATE products SET updated_at = '2026-13-01 10:00' WHERE sku = 'ABC-1'",
    "updated_at_format"
)]
#[case::user_who_owns_products("DELETE FROM users WHERE id = 1", "user_owns_products")]
#[case::category_in_use("DELETE FROM categories", "category_in_use")]
#[case::stray_delete_of_products("DELETE FROM products", "product_not_in_trash")]
#[case::image_outside_trash("DELETE FROM product_images", "image_not_in_trash")]
#[case::original_in_use("DELETE FROM originals", "original_in_use")]
#[case::tag_in_use("DELETE FROM tags", "tag_in_use")]
#[case::insert_or_replace_over_product_with_images("INSERT OR REPLACE INTO products (id, sku, name, price_minor, owner_id) VALUES ((SELECT id FROM products WHERE sku = 'ABC-1'), 'ABC-1', 'Replaced', 1, 1)", "FOREIGN KEY constraint failed")]
#[case::replace_into_by_sku(
    "REPLACE INTO products (sku, name, price_minor, owner_id) VALUES ('abc-1', 'Replaced', 1, 1)",
    "FOREIGN KEY constraint failed"
)]
#[case::audit_log_delete("DELETE FROM audit_log", "audit_log_append_only")]
#[case::audit_log_update("UPDATE audit_log SET actor = 'someone'", "audit_log_append_only")]
#[case::deletion_log_delete("DELETE FROM deletion_log", "deletion_log_append_only")]
#[case::thumbnail_over_cap("INSERT INTO thumbnails (sha256, bytes, mime, width, height) VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', zeroblob(65537), 'image/webp', 10, 10)", "thumbnail_size_cap")]
#[case::empty_thumbnail("INSERT INTO thumbnails (sha256, bytes, mime, width, height) VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', x'', 'image/webp', 10, 10)", "thumbnail_size_cap")]
#[case::uppercase_hash("INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) VALUES ('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 1, 'image/jpeg', 1, 1, 'x.jpg')", "sha256_shape")]
#[case::invalid_json_in_log(
    "INSERT INTO deletion_log (table_name, record_id, backup_data) VALUES ('products', 1, '{oops')",
    "backup_data_json"
)]
#[case::category_cycle(
    "INSERT INTO categories (id, name, parent_id) VALUES (50, 'Loop', 50)",
    "category_not_own_parent"
)]
#[case::version_backwards("UPDATE products SET version = -1 WHERE sku = 'ABC-1'", "version")]
fn bad_writes_are_refused_and_change_nothing(
    #[case] sql: &str,
    #[case] expected: &str,
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    match engine {
        Engine::Sqlite => seeded().assert_refused_unchanged(sql, expected),
        Engine::Server => {
            let (sql, expected) = in_server_dialect(sql, expected);
            seeded_server().assert_refused_unchanged(&sql, &expected);
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Engine {
    Sqlite,
    /// The team server (PostgreSQL), from a plain connection as psql or a script would.
    Server,
}

/// The same bad write as the team server's SQL says it, and how the server names its
/// refusal where the words differ (a UNIQUE is named by its constraint, a type error by the
/// type). SQLite's `INSERT OR REPLACE` has no PostgreSQL form: its danger there is a delete
/// and insert, which the trash guard refuses the same way.
fn in_server_dialect(sql: &str, expected: &str) -> (String, String) {
    const SQL: &[(&str, &str)] = &[
        ("char(10)", "chr(10)"),
        ("zeroblob(65537)", "decode(repeat('00', 65537), 'hex')"),
        ("x''", "'\\x'::bytea"),
        (
            "(sha256, byte_size, mime, width, height, file_name) VALUES ('AAAA",
            "(sha256, byte_size, mime, width, height, file_name, bytes) VALUES ('AAAA",
        ),
        ("'x.jpg')", "'x.jpg', 'x')"),
        (
            "INSERT OR REPLACE INTO products (id, sku, name, price_minor, owner_id) VALUES ((SELECT id FROM products WHERE sku = 'ABC-1'), 'ABC-1', 'Replaced', 1, 1)",
            "DELETE FROM products WHERE sku = 'ABC-1'; INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('ABC-1', 'Replaced', 1, 1)",
        ),
        (
            "REPLACE INTO products (sku, name, price_minor, owner_id) VALUES ('abc-1', 'Replaced', 1, 1)",
            "DELETE FROM products WHERE sku = 'abc-1'; INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('abc-1', 'Replaced', 1, 1)",
        ),
    ];
    let sql = SQL
        .iter()
        .fold(sql.to_owned(), |sql, (from, to)| sql.replace(from, to));
    let expected = match expected {
        "UNIQUE constraint failed: products.sku" => "sku_unique",
        "UNIQUE constraint failed: users.username" => "username_unique",
        "cannot store TEXT value in INTEGER column" => "invalid input syntax for type bigint",
        "FOREIGN KEY constraint failed" if sql.starts_with("DELETE") => "product_not_in_trash",
        "FOREIGN KEY constraint failed" => "violates foreign key constraint",
        "updated_at_format" => "date/time field value out of range",
        "backup_data_json" => "invalid input syntax for type json",
        other => other,
    };
    (sql, expected.to_owned())
}

/// The team server's counterpart of [`seeded`], written from a plain connection: an owner,
/// ABC-1 in Kitchen with the tag "blue" and a photo, and a purged product (so both logs have
/// rows).
fn seeded_server() -> TestDatabase {
    let db = server().database();
    db.client()
        .batch_execute(
            "INSERT INTO users (username, display_name, role) VALUES ('owner', 'Owner', 'owner');
             INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('GONE-1', 'Purged', 1, 1);
             UPDATE products SET deleted_at = now() WHERE sku = 'GONE-1';
             DELETE FROM products WHERE sku = 'GONE-1';
             INSERT INTO categories (name) VALUES ('Kitchen');
             INSERT INTO products (sku, name, price_minor, owner_id, category_id)
               VALUES ('ABC-1', 'Blue mug', 1299, 1, (SELECT id FROM categories WHERE name = 'Kitchen'));
             INSERT INTO tags (name) VALUES ('blue');
             INSERT INTO product_tags (product_id, tag_id) SELECT p.id, t.id FROM products AS p, tags AS t;
             INSERT INTO originals (sha256, byte_size, mime, width, height, file_name, bytes)
               VALUES (encode(sha256('mug'), 'hex'), 3, 'image/jpeg', 4, 3, 'mug.jpg', 'mug');
             INSERT INTO product_images (product_id, sha256, position)
               SELECT id, encode(sha256('mug'), 'hex'), 0 FROM products WHERE sku = 'ABC-1';",
        )
        .unwrap();
    db
}

#[test]
fn every_ordinary_table_is_strict_and_every_reference_is_indexed_and_restrictive() {
    let lib = seeded();
    let conn = lib.plain_connection();
    let tables: Vec<(String, bool)> = conn
        .prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'product_search%'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() >= 12, "{tables:?}");
    for (table, strict) in &tables {
        assert!(strict, "table {table} is not STRICT");
        let fks: Vec<(String, String, String)> = conn
            .prepare("SELECT \"from\", on_delete, on_update FROM pragma_foreign_key_list(?1)")
            .unwrap()
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (column, on_delete, _) in fks {
            assert!(
                on_delete == "RESTRICT" || on_delete == "NO ACTION",
                "{table}.{column} is ON DELETE {on_delete}"
            );
            let indexed: bool = conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i WHERE i.name = ?2 AND i.seqno = 0)
                     OR EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2 AND pk = 1)",
                    [table.as_str(), column.as_str()],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(
                indexed,
                "{table}.{column} references another table but has no index"
            );
        }
    }
}

#[test]
fn the_core_opens_with_the_documented_connection_settings() {
    let lib = TestLibrary::new();
    let catalog = lib.catalog();
    let conn = catalog.conn();
    let pragma = |name: &str| -> String {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| format!("{v:?}"))
        .unwrap()
    };
    assert_eq!(pragma("foreign_keys"), "Integer(1)");
    assert_eq!(pragma("journal_mode"), "Text(\"wal\")");
    assert_eq!(pragma("synchronous"), "Integer(2)", "FULL");
    assert_eq!(pragma("auto_vacuum"), "Integer(2)", "INCREMENTAL");
    assert_eq!(pragma("temp_store"), "Integer(2)", "MEMORY");
    assert!(conn.busy_timeout(shelf_core::db::BUSY_TIMEOUT).is_ok());
}

/// Migration 0006: a bulk batch's search entries are written out once, not every 1 MiB.
#[test]
fn the_search_index_holds_a_whole_batch_before_writing_it_out() {
    let lib = TestLibrary::new();
    drop(lib.catalog());
    let hashsize: i64 = lib
        .plain_connection()
        .query_row(
            "SELECT v FROM product_search_config WHERE k = 'hashsize'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashsize, 16 * 1024 * 1024);
}

#[test]
fn outside_writes_are_audited_as_external_and_bump_the_version() {
    let lib = seeded();
    let conn = lib.plain_connection();
    conn.execute("UPDATE products SET price_minor = 1500 WHERE sku = 'ABC-1'", [])
        .unwrap();
    let (version, price): (i64, i64) = conn
        .query_row(
            "SELECT version, price_minor FROM products WHERE sku = 'ABC-1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (version, price),
        (1, 1500),
        "an outside edit must move the version so stale app edits are caught"
    );
    let (actor, action, old, new): (String, String, i64, i64) = conn
        .query_row(
            "SELECT actor, action, old_values ->> '$.price_minor', new_values ->> '$.price_minor' FROM audit_log WHERE table_name = 'products' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (actor.as_str(), action.as_str(), old, new),
        ("external", "update", 1299, 1500)
    );
    conn.execute(
        "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('EXT-1', 'From a script', 5, 1)",
        [],
    )
    .unwrap();
    let inserts: i64 = conn.query_row("SELECT count(*) FROM audit_log WHERE action = 'insert' AND table_name = 'products' AND actor = 'external'", [], |r| r.get(0)).unwrap();
    assert_eq!(inserts, 1);
    conn.execute(
        "UPDATE products SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE sku = 'EXT-1'",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM products WHERE sku = 'EXT-1'", [])
        .unwrap();
    let deletes: i64 = conn.query_row("SELECT count(*) FROM audit_log WHERE action = 'delete' AND table_name = 'products' AND actor = 'external'", [], |r| r.get(0)).unwrap();
    assert_eq!(deletes, 1);
    let backup: String = conn.query_row("SELECT backup_data FROM deletion_log WHERE table_name = 'products' AND deleted_by = 'external' ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    let row: serde_json::Value = serde_json::from_str(&backup).unwrap();
    assert_eq!(row["sku"], "EXT-1");
}

#[test]
fn app_writes_are_audited_with_the_acting_user() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    catalog
        .create_user(shelf_core::catalog::users::NewUser {
            username: "anna",
            display_name: "Anna",
            email: None,
            role: shelf_core::catalog::users::Role::Staff,
        })
        .unwrap();
    catalog.set_actor("anna").unwrap();
    let p = shelf_core::catalog::products::by_sku(catalog.conn(), "ABC-1").unwrap();
    catalog
        .update_product(
            p.id,
            p.version,
            &ProductFields {
                name: "Blue mug XL".into(),
                ..product("ABC-1", "x", 1299)
            },
        )
        .unwrap();
    drop(catalog);
    let conn = lib.plain_connection();
    let actor: String = conn
        .query_row(
            "SELECT actor FROM audit_log WHERE table_name = 'products' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, "anna");
    let leftover: Option<i64> = conn
        .query_row("SELECT actor_id FROM write_context", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        leftover, None,
        "the acting user must not leak to other connections after commit"
    );
}

#[test]
fn purge_removes_children_first_and_logs_every_row() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let id = shelf_core::catalog::products::id_by_sku(catalog.conn(), "ABC-1")
        .unwrap()
        .unwrap();
    let logged_before: i64 = catalog
        .conn()
        .query_row("SELECT max(id) FROM deletion_log", [], |r| r.get(0))
        .unwrap();
    catalog.move_to_trash(&[id]).unwrap();
    catalog.purge(&[id]).unwrap();
    drop(catalog);
    let conn = lib.plain_connection();
    let logged: Vec<String> = conn
        .prepare("SELECT table_name FROM deletion_log WHERE json_valid(backup_data) AND id > ?1 ORDER BY id")
        .unwrap()
        .query_map([logged_before], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(logged, ["product_images", "product_tags", "products"]);
    let left: i64 = conn
        .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    let originals: i64 = conn
        .query_row("SELECT count(*) FROM originals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(originals, 1, "purging a product never deletes the photo itself");
}

#[test]
fn upsert_keeps_images_tags_and_history() {
    let lib = seeded();
    let conn = lib.plain_connection();
    conn.execute(
        "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('abc-1', 'Blue mug', 1999, 1)
         ON CONFLICT (sku) DO UPDATE SET price_minor = excluded.price_minor",
        [],
    )
    .unwrap();
    let (images, tags, price): (i64, i64, i64) = conn
        .query_row("SELECT (SELECT count(*) FROM product_images), (SELECT count(*) FROM product_tags), price_minor FROM products WHERE sku = 'ABC-1'", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    assert_eq!((images, tags, price), (1, 1, 1999));
}

#[test]
fn the_search_index_follows_writes_from_any_client() {
    let lib = seeded();
    let conn = lib.plain_connection();
    conn.execute(
        "UPDATE products SET name = 'Green teapot' WHERE sku = 'ABC-1'",
        [],
    )
    .unwrap();
    conn.execute("INSERT INTO tags (name) VALUES ('ceramic')", [])
        .unwrap();
    conn.execute("INSERT INTO product_tags (product_id, tag_id) VALUES ((SELECT id FROM products WHERE sku = 'ABC-1'), (SELECT id FROM tags WHERE name = 'ceramic'))", []).unwrap();
    let hit = |q: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM product_search WHERE product_search MATCH ?1",
            [q],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(hit("\"tea\"*"), 1);
    assert_eq!(hit("\"mug\"*"), 0);
    assert_eq!(hit("\"cer\"*"), 1);
    drop(conn);
    assert!(lib.catalog().check().unwrap().is_clean());
}

/// Debian 12's own `sqlite3` (3.40) must open a catalog the app made and write to it: sellers'
/// tools are older than the SQLite bundled into the app.
#[test]
fn debian_sqlite3_shell_opens_and_writes_the_catalog() {
    let lib = seeded();
    let output = std::process::Command::new("sqlite3")
        .arg(lib.db_path())
        .arg("PRAGMA foreign_keys = ON; INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('SH-1', 'From the shell', 250, 1); UPDATE products SET stock = 3 WHERE sku = 'SH-1'; SELECT sqlite_version(); SELECT count(*) FROM audit_log WHERE actor = 'external' AND table_name = 'products'; PRAGMA integrity_check;")
        .output()
        .expect("the sqlite3 shell must be installed (scripts/setup installs it)");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("3."), "{out}");
    assert_eq!(
        lines[1], "2",
        "insert + update, and the touch trigger's bookkeeping is not audited twice: {out}"
    );
    assert_eq!(lines[2], "ok");
    let catalog = lib.catalog();
    let p = shelf_core::catalog::products::by_sku(catalog.conn(), "sh-1").unwrap();
    assert_eq!((p.stock, p.version), (3, 1));
}

#[test]
fn a_reader_keeps_reading_while_a_write_is_in_progress() {
    let lib = seeded();
    let mut catalog = lib.catalog();
    let reader: Connection = shelf_core::Catalog::open_reader(&lib.library).unwrap();
    let count = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM products", [], |r| r.get(0))
            .unwrap()
    };
    catalog
        .write(|w| {
            w.tx().execute(
                "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('W-1', 'Writing', 1, 1)",
                [],
            )?;
            assert_eq!(
                count(&reader),
                1,
                "the reader sees the last committed state, without waiting"
            );
            Ok(())
        })
        .unwrap();
    assert_eq!(count(&reader), 2);
    assert!(
        reader.execute("DELETE FROM products", []).is_err(),
        "reader connections are read-only"
    );
}

/// The core opens every catalog defensively: the schema it finds (from another tool, or a
/// restored backup) is not trusted to run side effects, and the schema can't be rewritten
/// in place through the app's connections.
#[test]
fn the_core_opens_catalogs_defensively() {
    let lib = TestLibrary::new();
    let catalog = lib.catalog();
    let trusted: i64 = catalog
        .conn()
        .query_row("PRAGMA trusted_schema", [], |r| r.get(0))
        .unwrap();
    assert_eq!(trusted, 0);
    let rewrite = catalog.conn().execute_batch(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE TABLE products (x)' WHERE name = 'products';",
    );
    assert!(
        rewrite.is_err(),
        "defensive mode refuses editing the schema table"
    );
}
