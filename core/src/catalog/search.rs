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

macro_rules! hit_select {
    () => {
        "SELECT p.id, p.sku, p.name, p.price_minor, p.currency, p.stock, p.status,
           (SELECT i.sha256 FROM product_images AS i
             WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1)"
    };
}

/// An exact SKU always comes first, however old the product.
const EXACT_SKU: &str = concat!(
    hit_select!(),
    " FROM products AS p WHERE p.sku = ?1 AND p.deleted_at IS NULL"
);

/// One typed character: names, then SKUs, that start with it, straight from their indexes
/// (two statements: an OR of the two ranges would defeat both indexes). A one-letter FTS
/// prefix would gather every word in the catalog that starts with it.
const NAME_STARTS_WITH: &str = concat!(
    hit_select!(),
    " FROM products AS p
      WHERE p.name COLLATE NOCASE >= ?1 AND p.name COLLATE NOCASE < ?2 AND p.deleted_at IS NULL
      ORDER BY p.name COLLATE NOCASE, p.id LIMIT ?3"
);
const SKU_STARTS_WITH: &str = concat!(
    hit_select!(),
    " FROM products AS p
      WHERE p.sku >= ?1 AND p.sku < ?2 AND p.deleted_at IS NULL
      ORDER BY p.sku, p.id LIMIT ?3"
);

/// How many of the newest matches are ranked. Ranking every match of a broad prefix costs
/// time in proportion to the catalog; ranking a bounded set keeps each keystroke cheap, and
/// a query that matches fewer products than this (most of them, past two letters) is
/// ranked exactly.
const CANDIDATES: i64 = 512;

/// The oldest product id among the newest `CANDIDATES` matches (FTS5 walks rowids in
/// descending order natively and stops at the limit).
const CANDIDATE_FLOOR: &str = "SELECT min(rowid) FROM (SELECT rowid FROM product_search
  WHERE product_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2)";

/// Best matches first by bm25 with SKU x10, name x5, tags x2, description x1, among the
/// candidates (a rowid range, which FTS5 applies while it walks the index).
const RANKED: &str = concat!(
    hit_select!(),
    " FROM product_search AS s JOIN products AS p ON p.id = s.rowid
      WHERE product_search MATCH ?1 AND s.rowid >= ?2 AND p.deleted_at IS NULL AND p.sku <> ?3
      ORDER BY bm25(product_search, 10.0, 5.0, 1.0, 2.0)
      LIMIT ?4"
);

fn hit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SearchHit> {
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
}

pub fn search(conn: &Connection, typed: &str, limit: u32) -> Result<Vec<SearchHit>> {
    let typed = typed.trim();
    let limit = i64::from(limit.clamp(1, 1000));
    let Some(query) = fts_query(typed) else {
        return Ok(Vec::new());
    };
    let mut hits: Vec<SearchHit> = conn
        .prepare_cached(EXACT_SKU)?
        .query_map([typed], hit_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut chars = typed.chars();
    if let (Some(first), None) = (chars.next(), chars.next()) {
        let next = char::from_u32(first.to_ascii_lowercase() as u32 + 1).unwrap_or(char::MAX);
        let (from, to) = (first.to_ascii_lowercase().to_string(), next.to_string());
        for statement in [NAME_STARTS_WITH, SKU_STARTS_WITH] {
            let mut stmt = conn.prepare_cached(statement)?;
            for hit in stmt.query_map((&from, &to, limit), hit_from_row)? {
                let hit = hit?;
                if !hits.iter().any(|h| h.id == hit.id) {
                    hits.push(hit);
                }
            }
        }
        hits.truncate(limit as usize);
        return Ok(hits);
    }
    let floor: Option<i64> = conn
        .prepare_cached(CANDIDATE_FLOOR)?
        .query_row((&query, CANDIDATES), |r| r.get(0))?;
    let Some(floor) = floor else { return Ok(hits) };
    let mut stmt = conn.prepare_cached(RANKED)?;
    let ranked = stmt.query_map((&query, floor, typed, limit - hits.len() as i64), hit_from_row)?;
    hits.extend(ranked.collect::<rusqlite::Result<Vec<_>>>()?);
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
        assert_eq!(
            fts_query("Crème brûlée").as_deref(),
            Some("\"Crème\"* \"brûlée\"*")
        );
    }
}
