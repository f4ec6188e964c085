//! Search-as-you-type over the FTS5 table `product_search` (sku, name, description, tags).
//! Each typed word is matched as a prefix; SKU and name weigh more than the description.

use super::products::Status;
use super::{ProductId, Write};
use crate::error::Result;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

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

/// An exact SKU (the product's or one of its variants') always comes first, however old the
/// product.
const EXACT_SKU: &str = concat!(
    hit_select!(),
    " FROM products AS p WHERE p.id IN (SELECT id FROM products WHERE sku = ?1
       UNION SELECT product_id FROM variants WHERE sku = ?1 AND deleted_at IS NULL)
     AND p.deleted_at IS NULL"
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
pub(crate) const CANDIDATES: i64 = 256;

/// The newest candidates (FTS5 walks rowids in descending order natively and stops at the
/// limit, so this costs the same at 100,000 products as at 1,000).
const CANDIDATE_IDS: &str = "SELECT rowid FROM product_search WHERE product_search MATCH ?1
  ORDER BY rowid DESC LIMIT ?2";

/// What the ranking reads of each candidate (a JSON array of ids).
const CANDIDATE_TEXT: &str = "SELECT p.id, p.sku, p.name FROM json_each(?1) AS j
  JOIN products AS p ON p.id = j.value WHERE p.deleted_at IS NULL";

/// The products behind the best candidates, in the order given (a JSON array of ids), so
/// the catalog rows are read only for what is shown.
const HITS_IN_ORDER: &str = concat!(
    hit_select!(),
    " FROM json_each(?1) AS j JOIN products AS p ON p.id = j.value
      WHERE p.deleted_at IS NULL AND p.id NOT IN (SELECT id FROM products WHERE sku = ?2
        UNION SELECT product_id FROM variants WHERE sku = ?2 AND deleted_at IS NULL)
      ORDER BY j.key LIMIT ?3"
);

/// What the search index holds of product `p` (migration 0007): its SKU, name, description,
/// tags, and its live variants' SKUs, barcodes and option values.
macro_rules! indexed_text {
    () => {
        "SELECT p.id, p.sku, p.name, p.description,
           (SELECT coalesce(group_concat(t.name, ' '), '') FROM product_tags AS pt
             JOIN tags AS t ON t.id = pt.tag_id WHERE pt.product_id = p.id),
           (SELECT coalesce(group_concat(v.sku || ' ' || coalesce(v.barcode, '') || ' '
               || coalesce(v.option1, '') || ' ' || coalesce(v.option2, '') || ' '
               || coalesce(v.option3, ''), ' '), '')
             FROM variants AS v WHERE v.product_id = p.id AND v.deleted_at IS NULL)"
    };
}
/// Rebuilding the whole index (maintenance): every product, as `INDEX_PRODUCTS` indexes some.
pub(crate) const REINDEX_ALL: &str = concat!(
    "DELETE FROM product_search; INSERT INTO product_search (rowid, sku, name, description, tags, variants) ",
    indexed_text!(),
    " FROM products AS p;"
);

/// Bulk inserts index their batch in one statement (migration 0004): the search triggers
/// skip rows while the flag is set, which only ever happens inside one write transaction.
const DEFER_INDEXING: &str = "UPDATE write_context SET search_deferred = 1 WHERE id = 1";
const RESUME_INDEXING: &str = "UPDATE write_context SET search_deferred = 0 WHERE id = 1";
const INDEX_PRODUCTS: &str = concat!(
    "INSERT INTO product_search (rowid, sku, name, description, tags, variants) ",
    indexed_text!(),
    " FROM json_each(?1) AS j JOIN products AS p ON p.id = j.value"
);

/// Runs `insert` (which must return the ids of the products it inserted) with the search
/// triggers paused, then indexes those products, tags included, in one statement. Indexed
/// row by row, each product went into FTS5 twice (once bare, once when its tags were
/// attached) and FTS5 flushes its pending index at every statement, so this is most of the
/// difference between a slow and a fast bulk insert.
pub(crate) fn index_after(
    w: &mut Write<'_>,
    insert: impl FnOnce(&mut Write<'_>) -> Result<Vec<ProductId>>,
) -> Result<Vec<ProductId>> {
    w.tx().prepare_cached(DEFER_INDEXING)?.execute([])?;
    let ids = insert(w)?;
    w.tx().prepare_cached(RESUME_INDEXING)?.execute([])?;
    let json = serde_json::to_string(&ids)?;
    w.tx().prepare_cached(INDEX_PRODUCTS)?.execute([json])?;
    Ok(ids)
}

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
    // A whole SKU (typed or scanned) is what the seller wants: its product, at once. Its
    // parts as prefixes (`TEE-000008-M` has a one-letter `m`) would match most of the
    // catalog and cost tens of milliseconds to rank.
    if !hits.is_empty() && !typed.contains(char::is_whitespace) {
        return Ok(hits);
    }
    if let Some((from, to)) = one_letter_range(typed) {
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
    let best = ranked_candidates(conn, &query, typed, CANDIDATES.max(limit))?;
    let mut stmt = conn.prepare_cached(HITS_IN_ORDER)?;
    let rows = stmt.query_map((best, typed, limit - hits.len() as i64), hit_from_row)?;
    hits.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    Ok(hits)
}

/// One typed character as the range of text that starts with it, from the letter (lower
/// case) to the character after it; `None` unless exactly one character was typed.
pub(crate) fn one_letter_range(typed: &str) -> Option<(String, String)> {
    let mut chars = typed.chars();
    let (Some(first), None) = (chars.next(), chars.next()) else {
        return None;
    };
    let first = first.to_ascii_lowercase();
    let next = char::from_u32(first as u32 + 1).unwrap_or(char::MAX);
    Some((first.to_string(), next.to_string()))
}

/// The ranking: among the newest `count` matches, products where every typed word starts a
/// word of their SKU or name come first, then the rest (matches in tags and descriptions);
/// newest first within each. Returns the ids as a JSON array for `HITS_IN_ORDER`.
///
/// The FTS index decides what matches; this only orders, so the word test here need only
/// agree with the tokenizer on ordinary text. (The first ranking was bm25 with column
/// weights: it counts every match of each prefix to weigh it, a few milliseconds a
/// keystroke for a common prefix. An FTS5 column filter has the same cost when no name
/// matches, because it scans for one.)
fn ranked_candidates(conn: &Connection, query: &str, typed: &str, count: i64) -> Result<String> {
    let ids: Vec<i64> = conn
        .prepare_cached(CANDIDATE_IDS)?
        .query_map((query, count), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let words = folded_words(typed);
    let mut stmt = conn.prepare_cached(CANDIDATE_TEXT)?;
    let mut ranked: Vec<(bool, i64)> = stmt
        .query_map([serde_json::to_string(&ids)?], |r| {
            let (id, sku, name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let own = folded_words(&format!("{sku} {name}"));
            let in_name = words
                .iter()
                .all(|w| own.iter().any(|o| o.starts_with(w.as_str())));
            Ok((!in_name, id))
        })?
        .collect::<rusqlite::Result<_>>()?;
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let ranked: Vec<i64> = ranked.into_iter().map(|(_, id)| id).collect();
    Ok(serde_json::to_string(&ranked)?)
}

/// Words as FTS5's `unicode61 remove_diacritics 2` tokenizer sees them, near enough:
/// split at anything that is not a letter or digit, accents removed, lower case.
pub(crate) fn folded_words(text: &str) -> Vec<String> {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{folded_words, fts_query};

    #[test]
    fn words_are_folded_like_the_tokenizer() {
        assert_eq!(
            folded_words("Crème BRÛLÉE-set 12"),
            ["creme", "brulee", "set", "12"]
        );
        assert_eq!(folded_words("  "), Vec::<String>::new());
    }

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
