//! Search-as-you-type over the FTS5 table `product_search` (sku, name, description, tags).
//! Each typed word is matched as a prefix; SKU and name weigh more than the description.

use super::products::Status;
use crate::error::Result;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// Turns what the seller typed into an FTS5 query: every word quoted and prefix-matched, so
/// FTS syntax characters (`"`, `*`, `-`, `NEAR`, ...) in the input are just text. `None` when
/// nothing searchable was typed.
pub fn fts_query(typed: &str) -> Option<String> {
    let words: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub price_minor: i64,
    pub currency: String,
    pub stock: i64,
    pub status: Status,
    pub primary_image: Option<String>,
}

/// Best matches first: an exact SKU, then bm25 with SKU x10, name x5, tags x2, description x1.
const SEARCH: &str = "SELECT p.id, p.sku, p.name, p.price_minor, p.currency, p.stock, p.status,
    (SELECT i.sha256 FROM product_images AS i
      WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1)
  FROM product_search AS s JOIN products AS p ON p.id = s.rowid
  WHERE product_search MATCH ?1 AND p.deleted_at IS NULL
  ORDER BY p.sku = ?2 DESC, bm25(product_search, 10.0, 5.0, 1.0, 2.0)
  LIMIT ?3";

pub fn search(conn: &Connection, typed: &str, limit: u32) -> Result<Vec<SearchHit>> {
    let Some(query) = fts_query(typed) else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare_cached(SEARCH)?;
    let hits = stmt
        .query_map((query, typed.trim(), limit.clamp(1, 1000)), |r| {
            Ok(SearchHit {
                id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                price_minor: r.get(3)?,
                currency: r.get(4)?,
                stock: r.get(5)?,
                status: Status::parse(r.get_ref(6)?.as_str()?).unwrap_or_default(),
                primary_image: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn typed_text_becomes_quoted_prefix_terms() {
        assert_eq!(fts_query("blue mu").as_deref(), Some("\"blue\"* \"mu\"*"));
        assert_eq!(fts_query("ABC-12").as_deref(), Some("\"ABC\"* \"12\"*"));
        assert_eq!(fts_query("\"*NEAR(").as_deref(), Some("\"NEAR\"*"));
        assert_eq!(fts_query("  -- "), None);
        assert_eq!(fts_query("Crème brûlée").as_deref(), Some("\"Crème\"* \"brûlée\"*"));
    }
}
