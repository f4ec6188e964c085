//! The Rust validators (for friendly messages) and the schema's CHECK constraints (the last
//! line of defence) must agree: whatever one accepts the other accepts. Each property writes
//! the generated value through a plain connection inside a savepoint that is rolled back.

use crate::util::*;
use proptest::prelude::*;
use rusqlite::Connection;
use shelf_core::rules;

/// Text that exercises the rules' edges: spaces at the ends, tabs and newlines, commas, `@`,
/// dots, digits, letters, accents and a no-break space. (NUL is left out: SQLite's text
/// functions stop at it, and the Rust side refuses it outright.)
fn edgy_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(' '),
            Just('\t'),
            Just('\n'),
            Just(','),
            Just('@'),
            Just('.'),
            Just('-'),
            Just('_'),
            Just('é'),
            Just('\u{a0}'),
            Just('\u{7f}'),
            Just('\u{1}'),
            Just('<'),
            proptest::char::range('a', 'e'),
            proptest::char::range('A', 'C'),
            proptest::char::range('0', '9'),
        ],
        0..max,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn accepts(conn: &Connection, sql: &str, value: &dyn rusqlite::ToSql) -> bool {
    conn.execute_batch("SAVEPOINT probe").unwrap();
    let ok = conn.execute(sql, [value]).is_ok();
    conn.execute_batch("ROLLBACK TO probe; RELEASE probe").unwrap();
    ok
}

thread_local! {
    /// One catalog per test thread: every probe is rolled back, so cases cannot see each other.
    static CATALOG: (TestLibrary, Connection) = {
        let lib = TestLibrary::new();
        drop(lib.catalog());
        let conn = lib.plain_connection();
        (lib, conn)
    };
}

fn with_catalog<T>(f: impl FnOnce(&Connection) -> T) -> T {
    CATALOG.with(|(_, conn)| f(conn))
}

const SKU: &str = "INSERT INTO products (sku, name, price_minor, owner_id) VALUES (?1, 'n', 1, 1)";
const NAME: &str = "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('S', ?1, 1, 1)";
const PRICE: &str = "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('S', 'n', ?1, 1)";
const STOCK: &str =
    "INSERT INTO products (sku, name, price_minor, owner_id, stock) VALUES ('S', 'n', 1, 1, ?1)";
const BARCODE: &str =
    "INSERT INTO products (sku, name, price_minor, owner_id, barcode) VALUES ('S', 'n', 1, 1, ?1)";
const USERNAME: &str = "INSERT INTO users (username, display_name) VALUES (?1, 'd')";
const EMAIL: &str = "INSERT INTO users (username, display_name, email) VALUES ('u', 'd', ?1)";
const TAG: &str = "INSERT INTO tags (name) VALUES (?1)";
const CATEGORY: &str = "INSERT INTO categories (name) VALUES (?1)";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn text_rules_agree_with_the_schema(text in edgy_text(70)) {
        with_catalog(|conn| {
        prop_assert_eq!(rules::check_sku(&text).is_ok(), accepts(conn, SKU, &text), "sku {:?}", text);
        prop_assert_eq!(rules::check_name(&text).is_ok(), accepts(conn, NAME, &text), "name {:?}", text);
        prop_assert_eq!(rules::check_username(&text).is_ok(), accepts(conn, USERNAME, &text), "username {:?}", text);
        prop_assert_eq!(rules::check_email(Some(&text)).is_ok(), accepts(conn, EMAIL, &text), "email {:?}", text);
        prop_assert_eq!(rules::check_tag(&text).is_ok(), accepts(conn, TAG, &text), "tag {:?}", text);
        prop_assert_eq!(rules::check_category_name(&text).is_ok(), accepts(conn, CATEGORY, &text), "category {:?}", text);
        prop_assert_eq!(rules::check_barcode(Some(&text)).is_ok(), accepts(conn, BARCODE, &text), "barcode {:?}", text);
        Ok(())
        })?;
    }

    #[test]
    fn email_like_text_agrees(local in "[a-z.]{0,4}", at in "@{0,2}", domain in "[a-z.]{0,6}") {
        let email = format!("{local}{at}{domain}");
        let (rust, schema) = with_catalog(|conn| (rules::check_email(Some(&email)).is_ok(), accepts(conn, EMAIL, &email)));
        prop_assert_eq!(rust, schema, "email {:?}", email);
    }

    #[test]
    fn barcode_like_text_agrees(code in "[0-9]{0,16}[a-z-]{0,1}") {
        let (rust, schema) = with_catalog(|conn| (rules::check_barcode(Some(&code)).is_ok(), accepts(conn, BARCODE, &code)));
        prop_assert_eq!(rust, schema, "barcode {:?}", code);
    }

    #[test]
    fn number_rules_agree_with_the_schema(n in prop_oneof![any::<i64>(), -5i64..5, 999_999_990i64..1_000_000_010, 999_999_999_999_990i64..1_000_000_000_000_010]) {
        let (price_rust, price_schema, stock_rust, stock_schema) = with_catalog(|conn| (
            rules::check_price(n).is_ok(), accepts(conn, PRICE, &n),
            rules::check_stock(n).is_ok(), accepts(conn, STOCK, &n),
        ));
        prop_assert_eq!(price_rust, price_schema, "price {}", n);
        prop_assert_eq!(stock_rust, stock_schema, "stock {}", n);
    }
}
