//! The product list and grid on a team server: `catalog::products::list`'s filters, orders
//! and keyset pages, in the same order row for row. Names and SKUs sort by `nocase()`
//! under the "C" collation, as SQLite's NOCASE sorts (migration 0005, which indexes each
//! order); every page seeks in its order's index from the cursor, so page 1,000 costs what
//! page 1 costs.

use super::search::prefixes;
use crate::catalog::products::{
    page_limit, page_of, start_cursor, status_from, CursorValue, Page, ProductQuery, ProductSummary, SortKey,
};
use crate::catalog::search::folded_words;
use crate::error::{Error, Result};
use postgres::types::{ToSql, Type};
use postgres::{Client, Row};

/// The list filters; $1 status, $2 category, $3 tag, $4 stock at most, $5 trash, $6 the
/// typed words as a tsquery of prefixes, then $7/$8 the cursor (sort value, id) and $9 the
/// limit. `$key` is the order and `$cursor` the cursor's value as the order compares it.
macro_rules! page_sql {
    ($key:literal, $cursor:literal, $cmp:literal, $dir:literal) => {
        concat!(
            "SELECT p.id, p.sku::text, p.name, p.price_minor, p.currency, c.minor_units, p.stock,
               p.status, p.category_id, iso_ms(p.updated_at), iso_ms(p.deleted_at), p.version,
               (SELECT i.sha256 FROM product_images AS i
                 WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1),
               (SELECT max(v.price_minor) FROM variants AS v
                 WHERE v.product_id = p.id AND v.deleted_at IS NULL),
               (SELECT count(*) FROM variants AS v WHERE v.product_id = p.id AND v.deleted_at IS NULL)
             FROM products AS p JOIN currencies AS c ON c.code = p.currency
             WHERE ($1::text IS NULL OR p.status = $1::text)
               AND ($2::bigint IS NULL OR p.category_id = $2::bigint)
               AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM product_tags AS pt JOIN tags AS t
                     ON t.id = pt.tag_id WHERE pt.product_id = p.id AND t.name = $3::text::citext))
               AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM variants AS v WHERE v.product_id = p.id
                     AND v.deleted_at IS NULL AND v.stock <= $4::bigint)
                 OR (p.stock <= $4::bigint AND NOT EXISTS (SELECT 1 FROM variants AS v
                     WHERE v.product_id = p.id AND v.deleted_at IS NULL)))
               AND (p.deleted_at IS NOT NULL) = $5
               AND ($6::text IS NULL OR p.id IN (SELECT product_id FROM product_search
                     WHERE document @@ to_tsquery('simple', $6::text)))
               AND (",
            $key,
            ", p.id) ",
            $cmp,
            " (",
            $cursor,
            ", $8)
             ORDER BY ",
            $key,
            " ",
            $dir,
            ", p.id ",
            $dir,
            " LIMIT $9"
        )
    };
}

macro_rules! both_ways {
    ($key:literal, $cursor:literal) => {
        [
            page_sql!($key, $cursor, ">", "ASC"),
            page_sql!($key, $cursor, "<", "DESC"),
        ]
    };
}

const BY_NAME: [&str; 2] = both_ways!("nocase(p.name) COLLATE \"C\"", "nocase($7::text) COLLATE \"C\"");
const BY_SKU: [&str; 2] = both_ways!(
    "nocase(p.sku::text) COLLATE \"C\"",
    "nocase($7::text) COLLATE \"C\""
);
const BY_PRICE: [&str; 2] = both_ways!("p.price_minor", "$7::bigint");
const BY_STOCK: [&str; 2] = both_ways!("p.stock", "$7::bigint");
const BY_UPDATED: [&str; 2] = both_ways!("p.updated_at", "$7::text::timestamptz");

/// The statement of one order (public for the tests that read its plan).
pub fn statement(sort: SortKey, descending: bool) -> &'static str {
    let both = match sort {
        SortKey::Name => &BY_NAME,
        SortKey::Sku => &BY_SKU,
        SortKey::Price => &BY_PRICE,
        SortKey::Stock => &BY_STOCK,
        SortKey::Updated => &BY_UPDATED,
    };
    both[usize::from(descending)]
}

fn summary(r: &Row) -> ProductSummary {
    ProductSummary {
        id: r.get(0),
        sku: r.get(1),
        name: r.get(2),
        price_minor: r.get(3),
        currency: r.get(4),
        minor_units: r.get::<_, i32>(5) as u32,
        stock: r.get(6),
        status: status_from(r.get(7)),
        category_id: r.get(8),
        updated_at: r.get(9),
        deleted_at: r.get(10),
        version: r.get(11),
        primary_image: r.get(12),
        price_max_minor: r.get(13),
        variant_count: r.get(14),
    }
}

/// One page of products in the query's order.
pub fn list(client: &mut Client, query: &ProductQuery) -> Result<Page> {
    let limit = page_limit(query);
    let words = query.search.as_deref().map(folded_words).unwrap_or_default();
    if query.search.as_deref().is_some_and(|s| !s.trim().is_empty()) && words.is_empty() {
        return Ok(page_of(Vec::new(), limit, query.sort));
    }
    let matching = (!words.is_empty()).then(|| prefixes(&words, ""));
    let cursor = query
        .after
        .clone()
        .unwrap_or_else(|| start_cursor(query.sort, query.descending));
    let (cursor_value, cursor_type): (Box<dyn ToSql + Sync>, Type) = match (query.sort, cursor.value) {
        // Before (or after) every time there is: the first page of the order by last change.
        (SortKey::Updated, _) if query.after.is_none() => (
            Box::new(if query.descending { "infinity" } else { "-infinity" }),
            Type::TEXT,
        ),
        (SortKey::Price | SortKey::Stock, CursorValue::Number(n)) => (Box::new(n), Type::INT8),
        (SortKey::Name | SortKey::Sku | SortKey::Updated, CursorValue::Text(t)) => (Box::new(t), Type::TEXT),
        _ => {
            return Err(Error::validation(
                "after",
                "That cursor belongs to another sort order; start again from the first page.",
            ))
        }
    };
    // Sent with its parameters' types: one round trip, no statement prepared first.
    let rows = client.query_typed(
        statement(query.sort, query.descending),
        &[
            (&query.status.map(|s| s.as_str()), Type::TEXT),
            (&query.category_id, Type::INT8),
            (&query.tag, Type::TEXT),
            (&query.stock_at_most, Type::INT8),
            (&query.in_trash, Type::BOOL),
            (&matching, Type::TEXT),
            (cursor_value.as_ref(), cursor_type),
            (&cursor.id, Type::INT8),
            (&(i64::from(limit) + 1), Type::INT8),
        ],
    )?;
    Ok(page_of(rows.iter().map(summary).collect(), limit, query.sort))
}
