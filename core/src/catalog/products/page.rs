//! The product list and grid: filters, sort orders and keyset pages.

use super::{status_from, ProductSummary, Status};
use crate::catalog::{search, ProductId};
use crate::error::Result;
use rusqlite::types::Value;
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Name,
    Sku,
    Price,
    Stock,
    Updated,
}

/// Where the previous page ended: its last row's sort value and id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cursor {
    pub value: CursorValue,
    pub id: ProductId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum CursorValue {
    Number(i64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ProductQuery {
    pub status: Option<Status>,
    pub category_id: Option<i64>,
    pub tag: Option<String>,
    /// Low stock: at or below this many (for a product with variants, any of its variants).
    pub stock_at_most: Option<i64>,
    /// The trash instead of the live catalog.
    pub in_trash: bool,
    /// Words typed in the search box; each is matched as a prefix.
    pub search: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<Cursor>,
    /// At most 1,000; 100 when 0.
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Page {
    pub items: Vec<ProductSummary>,
    /// Pass back as `after` for the next page; absent on the last page.
    pub next: Option<Cursor>,
}

macro_rules! summary_select {
    () => {
        "SELECT p.id, p.sku, p.name, p.price_minor, p.currency, c.minor_units, p.stock, p.status,
           p.category_id, p.updated_at, p.deleted_at, p.version,
           (SELECT i.sha256 FROM product_images AS i
             WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1),
           (SELECT max(v.price_minor) FROM variants AS v
             WHERE v.product_id = p.id AND v.deleted_at IS NULL),
           (SELECT count(*) FROM variants AS v WHERE v.product_id = p.id AND v.deleted_at IS NULL)
         FROM products AS p JOIN currencies AS c ON c.code = p.currency"
    };
}

/// The list filters; ?1 status, ?2 category, ?3 tag, ?4 stock at most, ?5 trash, ?6 FTS query,
/// then ?7/?8 the cursor (sort value, id) and ?9 the limit.
macro_rules! page_sql {
    ($key:literal, $after_cursor:literal, $dir:literal) => {
        concat!(
            summary_select!(),
            " WHERE (?1 IS NULL OR p.status = ?1)
              AND (?2 IS NULL OR p.category_id = ?2)
              AND (?3 IS NULL OR EXISTS (SELECT 1 FROM product_tags AS pt JOIN tags AS t
                    ON t.id = pt.tag_id WHERE pt.product_id = p.id AND t.name = ?3))
              AND (?4 IS NULL OR EXISTS (SELECT 1 FROM variants AS v WHERE v.product_id = p.id
                    AND v.deleted_at IS NULL AND v.stock <= ?4)
                OR (p.stock <= ?4 AND NOT EXISTS (SELECT 1 FROM variants AS v
                    WHERE v.product_id = p.id AND v.deleted_at IS NULL)))
              AND (p.deleted_at IS NOT NULL) = (?5 = 1)
              AND (?6 IS NULL OR p.id IN (SELECT rowid FROM product_search WHERE product_search MATCH ?6))
              AND ",
            $after_cursor,
            "
             ORDER BY ",
            $key,
            " ",
            $dir,
            ", p.id ",
            $dir,
            " LIMIT ?9"
        )
    };
}

/// The statement for one sort order. Row values (`(key, id) > (?, ?)`) let SQLite seek in
/// the sort's index; for the case-insensitive name they don't (SQLite will not match a row
/// value with a COLLATE to the index), so the name sort spells the same condition as a
/// range plus a tie-break, which it does seek on.
fn page_statement(sort: SortKey, descending: bool) -> &'static str {
    match (sort, descending) {
        (SortKey::Name, false) => page_sql!(
            "p.name COLLATE NOCASE",
            "p.name COLLATE NOCASE >= ?7 AND (p.name COLLATE NOCASE > ?7 OR p.id > ?8)",
            "ASC"
        ),
        (SortKey::Name, true) => page_sql!(
            "p.name COLLATE NOCASE",
            "p.name COLLATE NOCASE <= ?7 AND (p.name COLLATE NOCASE < ?7 OR p.id < ?8)",
            "DESC"
        ),
        (SortKey::Sku, false) => page_sql!("p.sku", "(p.sku, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Sku, true) => page_sql!("p.sku", "(p.sku, p.id) < (?7, ?8)", "DESC"),
        (SortKey::Price, false) => page_sql!("p.price_minor", "(p.price_minor, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Price, true) => page_sql!("p.price_minor", "(p.price_minor, p.id) < (?7, ?8)", "DESC"),
        (SortKey::Stock, false) => page_sql!("p.stock", "(p.stock, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Stock, true) => page_sql!("p.stock", "(p.stock, p.id) < (?7, ?8)", "DESC"),
        (SortKey::Updated, false) => page_sql!("p.updated_at", "(p.updated_at, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Updated, true) => page_sql!("p.updated_at", "(p.updated_at, p.id) < (?7, ?8)", "DESC"),
    }
}

/// The cursor that comes before every row in this order (first page).
pub(crate) fn start_cursor(sort: SortKey, descending: bool) -> Cursor {
    let value = match (sort, descending) {
        (SortKey::Price | SortKey::Stock, false) => CursorValue::Number(i64::MIN),
        (SortKey::Price | SortKey::Stock, true) => CursorValue::Number(i64::MAX),
        (_, false) => CursorValue::Text(String::new()),
        (_, true) => CursorValue::Text("\u{10FFFF}".repeat(4)),
    };
    Cursor {
        value,
        id: if descending { i64::MAX } else { i64::MIN },
    }
}

fn cursor_of(item: &ProductSummary, sort: SortKey) -> Cursor {
    let value = match sort {
        SortKey::Name => CursorValue::Text(item.name.clone()),
        SortKey::Sku => CursorValue::Text(item.sku.clone()),
        SortKey::Price => CursorValue::Number(item.price_minor),
        SortKey::Stock => CursorValue::Number(item.stock),
        SortKey::Updated => CursorValue::Text(item.updated_at.clone()),
    };
    Cursor { value, id: item.id }
}

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ProductSummary> {
    Ok(ProductSummary {
        id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        price_minor: r.get(3)?,
        currency: r.get(4)?,
        minor_units: r.get(5)?,
        stock: r.get(6)?,
        status: status_from(r.get_ref(7)?.as_str()?),
        category_id: r.get(8)?,
        updated_at: r.get(9)?,
        deleted_at: r.get(10)?,
        version: r.get(11)?,
        primary_image: r.get(12)?,
        price_max_minor: r.get(13)?,
        variant_count: r.get(14)?,
    })
}

/// How many rows a page of `query` holds.
pub(crate) fn page_limit(query: &ProductQuery) -> u32 {
    match query.limit {
        0 => 100,
        n => n.min(1000),
    }
}

/// A page from the `limit + 1` rows read for it: the extra row, if it came, says there is a
/// next page, which starts after the last row kept.
pub(crate) fn page_of(mut items: Vec<ProductSummary>, limit: u32, sort: SortKey) -> Page {
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|last| cursor_of(last, sort))
    } else {
        None
    };
    Page { items, next }
}

/// One page of products in the query's order.
pub fn list(conn: &Connection, query: &ProductQuery) -> Result<Page> {
    let limit = page_limit(query);
    let cursor = query
        .after
        .clone()
        .unwrap_or_else(|| start_cursor(query.sort, query.descending));
    let cursor_value = match cursor.value {
        CursorValue::Number(n) => Value::Integer(n),
        CursorValue::Text(t) => Value::Text(t),
    };
    let fts = query.search.as_deref().and_then(search::fts_query);
    if query.search.as_deref().is_some_and(|s| !s.trim().is_empty()) && fts.is_none() {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let mut stmt = conn.prepare_cached(page_statement(query.sort, query.descending))?;
    let items: Vec<ProductSummary> = stmt
        .query_map(
            params![
                query.status.map(Status::as_str),
                query.category_id,
                query.tag,
                query.stock_at_most,
                query.in_trash,
                fts,
                cursor_value,
                cursor.id,
                limit + 1,
            ],
            summary_from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(page_of(items, limit, query.sort))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalog, Library};

    /// A page deep in the list must cost what the first page costs: every sort order seeks
    /// in its index from the cursor instead of scanning from the start.
    #[test]
    fn every_sort_order_seeks_from_the_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(&Library::create_at(dir.path()).unwrap()).unwrap();
        for sort in [
            SortKey::Name,
            SortKey::Sku,
            SortKey::Price,
            SortKey::Stock,
            SortKey::Updated,
        ] {
            for descending in [false, true] {
                let sql = format!("EXPLAIN QUERY PLAN {}", page_statement(sort, descending));
                let mut stmt = catalog.conn().prepare(&sql).unwrap();
                let plan: Vec<String> = stmt
                    .query_map(rusqlite::params_from_iter([rusqlite::types::Null; 9]), |r| {
                        r.get::<_, String>(3)
                    })
                    .unwrap()
                    .map(|l| l.unwrap())
                    .collect();
                let outer = plan.iter().find(|l| l.contains(" p USING")).unwrap();
                let seeks =
                    outer.starts_with("SEARCH p USING") && (outer.contains('>') || outer.contains('<'));
                assert!(seeks, "{sort:?} desc={descending}: {plan:?}");
            }
        }
    }
}
