//! The team server's own rules, from plain connections and psql as each person's login: who
//! acted is the login, staff can't purge or manage users whatever client they use, two people
//! can't sell one SKU, a change reaches the other windows at once, and the server's
//! migrations are tracked and refused when newer or edited. The rules both engines share are
//! the parameterised cases of `catalog_rules`.

use crate::server::{server, server_error_text, TestDatabase, ADMIN};
use crate::util::*;
use postgres::fallible_iterator::FallibleIterator;
use shelf_core::server::migrations;
use shelf_core::{Error, ErrorKind};
use std::time::{Duration, Instant};

/// A database whose owner `olga` has one product, MUG-1; its id.
pub(crate) fn with_owner_and_product() -> (TestDatabase, i64) {
    let db = server().database();
    let owner = db.add_person("olga", "owner");
    let product: i64 = db
        .client()
        .query_one(
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('MUG-1', 'Mug', 900, $1) RETURNING id",
            &[&owner],
        )
        .unwrap()
        .get(0);
    (db, product)
}

fn last_audit(db: &TestDatabase) -> (String, Option<i64>, String) {
    let row = db
        .client()
        .query_one(
            "SELECT actor, actor_id, action FROM audit_log ORDER BY id DESC LIMIT 1",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[test]
fn the_logs_name_the_login_that_acted() {
    let (db, product) = with_owner_and_product();
    assert_eq!(
        last_audit(&db),
        (ADMIN.to_owned(), None, "insert".to_owned()),
        "a role with no user row is logged by its role name"
    );
    let ann = db.add_person("ann", "staff");
    db.client_as("ann")
        .execute("UPDATE products SET stock = 4 WHERE id = $1", &[&product])
        .unwrap();
    assert_eq!(
        last_audit(&db),
        ("ann".to_owned(), Some(ann), "update".to_owned())
    );
    let version: i64 = db
        .client()
        .query_one("SELECT version FROM products WHERE id = $1", &[&product])
        .unwrap()
        .get(0);
    assert_eq!(version, 1, "an edit from any client moves the version");
}

#[test]
fn staff_edit_and_trash_but_the_server_refuses_them_purges_and_user_changes() {
    let (db, product) = with_owner_and_product();
    db.add_person("sam", "staff");
    let mut sam = db.client_as("sam");
    sam.execute(
        "UPDATE products SET name = 'Blue mug', deleted_at = now() WHERE id = $1",
        &[&product],
    )
    .unwrap();
    for sql in [
        "DELETE FROM products WHERE sku = 'MUG-1'",
        "UPDATE users SET role = 'owner' WHERE username = 'sam'",
        "INSERT INTO users (username, display_name) VALUES ('eve', 'Eve')",
        "INSERT INTO audit_log (table_name, row_id, action) VALUES ('products', '1', 'insert')",
        "UPDATE settings SET value = '\"EUR\"' WHERE key = 'default_currency'",
        "DELETE FROM sellable_skus",
    ] {
        let before = db.fingerprint();
        let err = sam.batch_execute(sql).expect_err(sql);
        let said = Error::from(err);
        assert_eq!(said.kind(), ErrorKind::Refused, "{sql}: {said}");
        assert!(said.to_string().contains("are for owners"), "{sql}: {said}");
        assert!(db.fingerprint() == before, "{sql} changed something");
    }
    // The same refusal from psql, the tool a staff member could reach for.
    let psql = db.psql("sam", "DELETE FROM products WHERE sku = 'MUG-1'");
    assert!(!psql.status.success());
    assert!(String::from_utf8_lossy(&psql.stderr).contains("permission denied for table products"));
    // An owner purges, and the deletion log says who.
    db.client_as("olga")
        .execute("DELETE FROM products WHERE id = $1", &[&product])
        .unwrap();
    let by: String = db
        .client()
        .query_one(
            "SELECT deleted_by FROM deletion_log WHERE table_name = 'products'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(by, "olga");
}

/// Staff may remember a CSV file's hand-mapped columns (postgres migration 0009), and only
/// those: `remember_csv_mapping` refuses any other key, the default currency included, from
/// a client and from psql alike, and changes nothing when it refuses.
#[test]
fn staff_remember_csv_columns_but_no_other_setting_through_the_mapping_function() {
    let (db, _) = with_owner_and_product();
    db.add_person("sam", "staff");
    let mut sam = db.client_as("sam");
    sam.execute(
        "SELECT remember_csv_mapping('csv_mapping.0123456789abcdef', '{\"Title\": \"name\"}')",
        &[],
    )
    .unwrap();
    let remembered: String = db
        .client()
        .query_one(
            "SELECT value ->> 'Title' FROM settings WHERE key = 'csv_mapping.0123456789abcdef'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(remembered, "name");
    for key in [
        "default_currency",
        "csv_mapping.0123",
        "csv_mapping.0123456789ABCDEF",
        "csv_mapping.0123456789abcdef0",
    ] {
        let before = db.fingerprint();
        let sql = format!("SELECT remember_csv_mapping('{key}', '\"GBP\"')");
        let said = Error::from(sam.batch_execute(&sql).expect_err(&sql));
        assert_eq!(said.kind(), ErrorKind::Refused, "{key}: {said}");
        assert!(
            said.to_string().contains("Only the columns of a CSV import"),
            "{key}: {said}"
        );
        assert!(db.fingerprint() == before, "{key} changed something");
        let psql = db.psql("sam", &sql);
        assert!(!psql.status.success(), "{key}");
        assert!(
            String::from_utf8_lossy(&psql.stderr).contains("csv_mapping_key"),
            "{key}"
        );
    }
    let currency: String = db
        .client()
        .query_one(
            "SELECT value #>> '{}' FROM settings WHERE key = 'default_currency'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(currency, "USD");
}

#[test]
fn two_people_selling_one_sku_at_the_same_moment_cannot_both_succeed() {
    let (db, owner_product) = with_owner_and_product();
    let mut first = db.client();
    let mut tx = first.transaction().unwrap();
    tx.execute(
        "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('RACE-1', 'First', 1, 1)",
        &[],
    )
    .unwrap();
    let url = db.url(ADMIN);
    let second = std::thread::spawn(move || {
        let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        other.batch_execute(
            "BEGIN;
             INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('TEE', 'Tee', 1, 1);
             INSERT INTO product_options (product_id, position, name) SELECT id, 1, 'Size' FROM products WHERE sku = 'TEE';
             INSERT INTO variants (product_id, sku, option1, price_minor) SELECT id, 'race-1', 'S', 1 FROM products WHERE sku = 'TEE';
             COMMIT;",
        )
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !second.is_finished(),
        "the second SKU must wait for the first transaction"
    );
    tx.commit().unwrap();
    let err = second.join().unwrap().expect_err("one SKU, sold twice");
    assert!(server_error_text(&err).contains("sku_taken"), "{err:?}");
    let said = Error::from(err);
    assert_eq!(said.kind(), ErrorKind::Conflict);
    let tees: i64 = db
        .client()
        .query_one("SELECT count(*) FROM products WHERE sku = 'TEE'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tees, 0, "the refused transaction left nothing behind");
    assert!(owner_product > 0);
}

#[test]
fn a_product_with_variants_rolls_up_once_per_statement_and_is_searchable_by_them() {
    let (db, product) = with_owner_and_product();
    let mut client = db.client();
    client
        .batch_execute(&format!(
            "INSERT INTO product_options (product_id, position, name) VALUES ({product}, 1, 'Size');
             INSERT INTO variants (product_id, sku, option1, price_minor, stock, barcode) VALUES
               ({product}, 'MUG-1-S', 'Small', 700, 2, '40123455'), ({product}, 'MUG-1-L', 'Large', 1100, 3, NULL);
             INSERT INTO tags (name) VALUES ('ceramic');
             INSERT INTO product_tags (product_id, tag_id) SELECT {product}, id FROM tags;"
        ))
        .unwrap();
    let row = client
        .query_one(
            "SELECT price_minor, stock, version FROM products WHERE id = $1",
            &[&product],
        )
        .unwrap();
    let (price, stock, version): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((price, stock), (700, 5));
    assert_eq!(version, 1, "both variants in one statement: one roll-up");
    let err = client
        .execute("UPDATE products SET stock = 99 WHERE id = $1", &[&product])
        .unwrap_err();
    assert!(server_error_text(&err).contains("product_sells_through_variants"));
    client
        .batch_execute("UPDATE tags SET name = 'stoneware'")
        .unwrap();
    let words: String = client
        .query_one(
            "SELECT words FROM product_search WHERE product_id = $1",
            &[&product],
        )
        .unwrap()
        .get(0);
    for expected in ["mug-1", "mug-1-s", "40123455", "small", "large", "stoneware"] {
        assert!(words.contains(expected), "{expected} not in {words}");
    }
    assert!(
        !words.contains("ceramic"),
        "a renamed tag is searched by its new name"
    );
    let found: i64 = client
        .query_one(
            "SELECT product_id FROM product_search WHERE document @@ to_tsquery('simple', 'stonew:* & larg:*')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(found, product);
}

#[test]
fn a_change_reaches_a_listening_window_within_a_second() {
    let (db, product) = with_owner_and_product();
    let mut window = db.client();
    window.batch_execute("LISTEN shelf_changes").unwrap();
    let started = Instant::now();
    db.client()
        .execute("UPDATE products SET stock = 7 WHERE id = $1", &[&product])
        .unwrap();
    let note = window
        .notifications()
        .timeout_iter(Duration::from_secs(1))
        .next()
        .unwrap()
        .expect("a notification within a second");
    let payload: serde_json::Value = serde_json::from_str(note.payload()).unwrap();
    assert_eq!(
        payload,
        serde_json::json!({"table": "products", "ids": [product]})
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    // A statement of more than 500 products says "look again at everything", within NOTIFY's
    // 8000 bytes.
    db.client()
        .batch_execute(
            "INSERT INTO products (sku, name, price_minor, owner_id)
             SELECT 'BULK-' || n, 'Bulk ' || n, n, 1 FROM generate_series(1, 600) AS n",
        )
        .unwrap();
    let note = window
        .notifications()
        .timeout_iter(Duration::from_secs(5))
        .next()
        .unwrap()
        .expect("a notification for the bulk insert");
    let payload: serde_json::Value = serde_json::from_str(note.payload()).unwrap();
    assert_eq!(payload, serde_json::json!({"table": "products", "ids": null}));
}

#[test]
fn a_photo_must_be_the_bytes_its_hash_names() {
    let db = server().database();
    let err = db
        .client()
        .batch_execute(
            "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name, bytes)
             VALUES (encode(sha256('one photo'), 'hex'), 11, 'image/jpeg', 1, 1, 'a.jpg', 'another one')",
        )
        .unwrap_err();
    let said = Error::from(err);
    assert_eq!(said.kind(), ErrorKind::Damaged, "{said}");
    assert!(said.to_string().contains("don't match its name"), "{said}");
}

#[test]
fn server_refusals_read_as_the_same_sentences_as_sqlite() {
    let lib = TestLibrary::new();
    lib.catalog()
        .create_product(&product("ABC-1", "Mug", 100))
        .unwrap();
    let (db, _) = with_owner_and_product();
    for (sqlite, server_sql) in [
        (
            "UPDATE products SET price_minor = -1",
            "UPDATE products SET price_minor = -1",
        ),
        (
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('abc-1', 'Dup', 1, 1)",
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('mug-1', 'Dup', 1, 1)",
        ),
        ("DELETE FROM products", "DELETE FROM products"),
        (
            "UPDATE products SET status = 'sold'",
            "UPDATE products SET status = 'sold'",
        ),
    ] {
        let from_sqlite = Error::from(lib.plain_connection().execute_batch(sqlite).unwrap_err());
        let from_server = Error::from(db.client().batch_execute(server_sql).unwrap_err());
        assert_eq!(from_server.to_string(), from_sqlite.to_string(), "{server_sql}");
        assert_eq!(from_server.kind(), from_sqlite.kind());
    }
}

#[test]
fn every_reference_on_the_server_is_indexed_and_restrictive() {
    let db = server().database();
    let rows = db
        .client()
        .query(
            "SELECT c.conname::text, c.conrelid::regclass::text, c.confdeltype::text,
               EXISTS (SELECT 1 FROM pg_index AS i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
             FROM pg_constraint AS c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace",
            &[],
        )
        .unwrap();
    assert!(rows.len() >= 13, "only {} references", rows.len());
    for row in rows {
        let (name, table, on_delete, indexed): (String, String, String, bool) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        assert!(
            on_delete == "r" || on_delete == "a",
            "{table}.{name} is not RESTRICT"
        );
        assert!(indexed, "{table}.{name} has no index");
    }
}

#[test]
fn psql_reads_and_writes_the_server_catalog_and_gets_each_refusal_by_name() {
    let (db, _) = with_owner_and_product();
    let ok = db.psql(
        "olga",
        "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('PSQL-1', 'From psql', 5, 1)",
    );
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let refused = db.psql(
        "olga",
        "UPDATE products SET price_minor = -5 WHERE sku = 'PSQL-1'",
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("price_not_negative"));
    let listed = db.psql(
        "olga",
        "SELECT actor FROM audit_log WHERE row_id = (SELECT id::text FROM products WHERE sku = 'PSQL-1')",
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains("olga"));
}

#[test]
fn migrating_a_fresh_server_twice_at_once_applies_each_migration_once() {
    let db = server().empty_database();
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let url = db.url(ADMIN);
            std::thread::spawn(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                migrations::migrate(&mut client).map(|r| (r.from, r.to))
            })
        })
        .collect();
    let mut reports: Vec<(i64, i64)> = threads.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
    reports.sort();
    let latest = migrations::latest_version();
    assert_eq!(
        reports,
        [(0, latest), (latest, latest)],
        "one migrated, the other found it done"
    );
    let mut client = db.client();
    assert_eq!(migrations::current_version(&mut client).unwrap(), latest);
    let again = migrations::migrate(&mut client).unwrap();
    assert_eq!((again.from, again.to), (latest, latest));
}

#[test]
fn a_server_migrated_by_a_newer_app_or_an_edited_migration_is_refused_untouched() {
    let db = server().database();
    let mut client = db.client();
    client
        .batch_execute(
            "INSERT INTO schema_migrations (version, name, sha256) VALUES (99, '0099_future.sql', 'f')",
        )
        .unwrap();
    let before = db.fingerprint();
    let err = migrations::migrate(&mut client).unwrap_err();
    assert!(matches!(err, Error::CatalogTooNew { found: 99, .. }), "{err}");
    assert!(db.fingerprint() == before);

    let db = server().database();
    let mut client = db.client();
    client
        .batch_execute("UPDATE schema_migrations SET sha256 = repeat('0', 64) WHERE version = 1")
        .unwrap();
    let err = migrations::migrate(&mut client).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Damaged);
    assert!(err.to_string().contains("0001_catalog.sql was changed"), "{err}");
}

#[test]
fn a_dropped_connection_is_said_in_plain_words() {
    let (db, product) = with_owner_and_product();
    let mut window = db.client_as("olga");
    let pid: i32 = window.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    db.client()
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let err = window
        .execute("UPDATE products SET stock = 3 WHERE id = $1", &[&product])
        .unwrap_err();
    let said = Error::from(err);
    assert_eq!(said.kind(), ErrorKind::Io, "{said}");
    assert!(
        said.to_string().starts_with("The team server stopped answering"),
        "{said}"
    );
    assert!(said.to_string().contains("may not have been saved"), "{said}");
}

#[test]
fn a_server_over_tls_is_verified_and_a_certificate_that_does_not_verify_is_refused() {
    use shelf_core::server::connect;
    let db = server().database();
    let address = format!(
        "postgresql://{ADMIN}@localhost:{}/{}?sslmode=require",
        db.port, db.name
    );
    let untrusted = connect::connect(&address, None)
        .err()
        .expect("an untrusted certificate");
    assert_eq!(untrusted.kind(), ErrorKind::Refused, "{untrusted}");
    assert!(untrusted.to_string().contains("can't be verified"), "{untrusted}");
    assert!(untrusted.to_string().contains("--ca"), "{untrusted}");
    let wrong = connect::connect(&address, Some(&server().other_ca()))
        .err()
        .expect("a certificate of another authority");
    assert!(wrong.to_string().contains("did not sign it"), "{wrong}");
    let mut client = connect::connect(&address, Some(&server().ca())).unwrap();
    let over_tls: bool = client
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    assert!(over_tls);
    let plain: bool = db
        .client()
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    assert!(!plain, "on this computer, TLS only when asked for");
}

/// The server's own guards, each refusing a bad write from a plain connection and leaving
/// every table as it was: the rules the shared cases of `catalog_rules` don't reach (variants
/// and options, truncation, immutable photos, nested categories, the default currency).
#[rstest::rstest]
#[case::variant_of_a_product_without_options(
    "INSERT INTO variants (product_id, sku, option1, price_minor) SELECT id, 'MUG-1-X', 'X', 1 FROM products WHERE sku = 'MUG-1'",
    "variant_needs_options"
)]
#[case::value_for_an_option_the_product_lacks(
    "INSERT INTO variants (product_id, sku, option1, option2, price_minor) SELECT id, 'TEE-X', 'X', 'Y', 1 FROM products WHERE sku = 'TEE'",
    "variant_options_mismatch"
)]
#[case::value_cleared_later(
    "UPDATE variants SET option1 = NULL WHERE sku = 'TEE-S'",
    "variant_options_mismatch"
)]
#[case::same_combination_in_other_case(
    "INSERT INTO variants (product_id, sku, option1, price_minor) SELECT id, 'TEE-S2', 's', 1 FROM products WHERE sku = 'TEE'",
    "variant_combination_unique"
)]
#[case::blank_option_value("UPDATE variants SET option1 = ' ' WHERE sku = 'TEE-S'", "option_value_shape")]
#[case::variant_sku_renamed_onto_a_product(
    "UPDATE variants SET sku = 'mug-1' WHERE sku = 'TEE-S'",
    "sku_taken"
)]
#[case::product_renamed_onto_a_variant("UPDATE products SET sku = 'tee-m' WHERE sku = 'MUG-1'", "sku_taken")]
#[case::variant_photo_not_of_its_product(
    "UPDATE variants SET image_sha256 = encode(sha256('mug'), 'hex') WHERE sku = 'TEE-S'",
    "variant_image_not_of_product"
)]
#[case::stray_delete_of_variants("DELETE FROM variants", "variant_not_in_trash")]
#[case::variant_moved_to_another_product(
    "UPDATE variants SET product_id = (SELECT id FROM products WHERE sku = 'MUG-1') WHERE sku = 'TEE-S'",
    "variant_id_is_fixed"
)]
#[case::variant_version_backwards(
    "UPDATE variants SET version = 0 WHERE sku = 'TEE-S'",
    "version_only_forward"
)]
#[case::option_in_use("DELETE FROM product_options", "option_in_use")]
#[case::option_moved_while_in_use("UPDATE product_options SET position = 2", "option_in_use")]
#[case::fourth_option(
    "INSERT INTO product_options (product_id, position, name) SELECT id, 4, 'Fit' FROM products WHERE sku = 'TEE'",
    "option_position_range"
)]
#[case::option_named_twice_in_other_case(
    "INSERT INTO product_options (product_id, position, name) SELECT id, 2, 'SIZE' FROM products WHERE sku = 'TEE'",
    "option_name_unique"
)]
#[case::product_stock_written_over_its_variants(
    "UPDATE products SET stock = 99 WHERE sku = 'TEE'",
    "product_sells_through_variants"
)]
#[case::truncate_products("TRUNCATE products CASCADE", "product_not_in_trash")]
#[case::truncate_variants("TRUNCATE variants CASCADE", "variant_not_in_trash")]
#[case::truncate_audit_log("TRUNCATE audit_log CASCADE", "audit_log_append_only")]
#[case::photo_changed_in_place("UPDATE originals SET mime = 'image/png'", "original_is_immutable")]
#[case::category_with_children("DELETE FROM categories WHERE name = 'Home'", "category_has_children")]
#[case::category_under_its_own_child(
    "UPDATE categories SET parent_id = (SELECT id FROM categories WHERE name = 'Kitchen') WHERE name = 'Home'",
    "category_cycle"
)]
#[case::unknown_default_currency(
    "UPDATE settings SET value = '\"XYZ\"' WHERE key = 'default_currency'",
    "currency_unknown"
)]
#[case::person_with_an_unknown_role(
    "SELECT add_person('pw_eve', 'Eve', 'boss', 'SCRAM-SHA-256$4096:c2FsdA==$a:b')",
    "role_known"
)]
#[case::person_with_a_plain_password(
    "SELECT add_person('pw_eve', 'Eve', 'staff', 'plain text password')",
    "login_password_hashed"
)]
#[case::person_with_a_badly_shaped_username(
    "SELECT add_person('eve smith', 'Eve', 'staff', 'SCRAM-SHA-256$4096:c2FsdA==$a:b')",
    "username_shape"
)]
fn the_servers_own_guards_refuse_bad_writes_and_change_nothing(#[case] sql: &str, #[case] expected: &str) {
    let (db, _) = with_owner_and_product();
    db.client()
        .batch_execute(
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('TEE', 'Tee', 1, 1);
             INSERT INTO product_options (product_id, position, name) SELECT id, 1, 'Size' FROM products WHERE sku = 'TEE';
             INSERT INTO variants (product_id, sku, option1, price_minor, stock)
               SELECT id, v.sku, v.size, 500, 2 FROM products, (VALUES ('TEE-S', 'S'), ('TEE-M', 'M')) AS v (sku, size)
               WHERE products.sku = 'TEE';
             UPDATE variants SET stock = 3 WHERE sku = 'TEE-S';
             INSERT INTO originals (sha256, byte_size, mime, width, height, file_name, bytes)
               VALUES (encode(sha256('mug'), 'hex'), 3, 'image/jpeg', 4, 3, 'mug.jpg', 'mug');
             INSERT INTO product_images (product_id, sha256) SELECT id, encode(sha256('mug'), 'hex') FROM products WHERE sku = 'MUG-1';
             INSERT INTO categories (name) VALUES ('Home');
             INSERT INTO categories (name, parent_id) SELECT 'Kitchen', id FROM categories WHERE name = 'Home';",
        )
        .unwrap();
    db.assert_refused_unchanged(sql, expected);
}

#[test]
fn a_listener_turns_what_others_save_into_change_batches_and_says_when_the_server_is_gone() {
    use shelf_core::catalog::{ChangeKind, Entity};
    use shelf_core::server::changes::Listener;
    let (db, product) = with_owner_and_product();
    let mut client = db.client();
    let backend: i32 = client.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    let mut listener = Listener::start(client).unwrap();
    assert_eq!(listener.next(Duration::from_millis(200)).unwrap(), None);

    let started = Instant::now();
    db.client()
        .execute("UPDATE products SET stock = 9 WHERE id = $1", &[&product])
        .unwrap();
    let batch = listener
        .next(Duration::from_secs(1))
        .unwrap()
        .expect("a batch within a second");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(batch.len(), 1);
    assert_eq!(
        (batch[0].entity, batch[0].id.clone(), batch[0].kind),
        (Entity::Product, product.to_string(), ChangeKind::Updated)
    );
    // A category renamed by psql (or another window) is a category change.
    let category: i64 = db
        .client()
        .query_one("INSERT INTO categories (name) VALUES ('Lamps') RETURNING id", &[])
        .unwrap()
        .get(0);
    let added = listener.next(Duration::from_secs(1)).unwrap().unwrap();
    assert_eq!(
        (added[0].entity, added[0].id.clone()),
        (Entity::Category, category.to_string())
    );
    // Anyone may NOTIFY the channel: what isn't the triggers' shape asks for a full refresh.
    db.client()
        .batch_execute("NOTIFY shelf_changes, '{\"ids\": \"everything; DROP TABLE products\"}'")
        .unwrap();
    assert_eq!(listener.next(Duration::from_secs(1)).unwrap(), Some(vec![]));
    // What one commit sends arrives as one batch (a CSV import's thousands of rows are one
    // reload, not thousands); past a thousand changes, one "look again at everything".
    db.client()
        .batch_execute(&format!(
            "BEGIN; UPDATE products SET stock = 8 WHERE id = {product};
             INSERT INTO categories (name) VALUES ('Rugs'); INSERT INTO tags (name) VALUES ('wool'); COMMIT"
        ))
        .unwrap();
    // (Once all of them are here: the batch is what has arrived.)
    std::thread::sleep(Duration::from_millis(500));
    let batch = listener.next(Duration::from_secs(1)).unwrap().unwrap();
    let entities: Vec<Entity> = batch.iter().map(|c| c.entity).collect();
    assert_eq!(entities, [Entity::Product, Entity::Category, Entity::Tag]);
    db.client()
        .batch_execute(
            "DO $$ BEGIN FOR i IN 1..1001 LOOP INSERT INTO categories (name) VALUES ('Shelf ' || i); END LOOP; END $$",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(listener.next(Duration::from_secs(5)).unwrap(), Some(vec![]));
    assert_eq!(
        listener.next(Duration::from_millis(300)).unwrap(),
        None,
        "the thousand came as one batch"
    );

    db.client()
        .execute("SELECT pg_terminate_backend($1)", &[&backend])
        .unwrap();
    let err = listener.next(Duration::from_secs(5)).unwrap_err();
    assert_eq!(err.kind(), shelf_core::ErrorKind::Io, "{err}");
    assert!(err.to_string().contains("stopped answering"), "{err}");
    assert!(
        listener.next(Duration::from_millis(10)).is_err(),
        "and stays said"
    );
}
