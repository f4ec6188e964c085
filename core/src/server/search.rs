//! Search-as-you-type on the team server, answering as `catalog::search` does on SQLite: an
//! exact SKU (a product's or a live variant's) first; one typed letter from the name and SKU
//! indexes; otherwise the newest 256 products whose search document holds every typed word
//! as a prefix, those whose SKU or name holds them all first, newest first within each.
//!
//! A search is one statement and one round trip: the exact SKU's products and the rest,
//! each row marked with its part, sent with its parameters' types (`query_typed`, no prepare
//! round trip) and planned for its own values. Each statement is written so the planner sees
//! the typed prefixes (no CTE around the tsquery); see BENCHMARKS.md, "Team server", for
//! what each choice measured.

use crate::catalog::products::Status;
use crate::catalog::search::{folded_words, one_letter_range, SearchHit, CANDIDATES};
use crate::error::Result;
use postgres::types::Type;
use postgres::{Client, Row};

/// The live products whose SKU, or a live variant's, is `$1` (the search as typed), then
/// those products as the statement's part 0.
macro_rules! with_exact {
    () => {
        concat!(
            "WITH exact AS MATERIALIZED (SELECT p.id FROM products AS p WHERE p.deleted_at IS NULL
               AND p.id IN (SELECT id FROM products WHERE sku = $1::citext
                 UNION SELECT product_id FROM variants WHERE sku = $1::citext AND deleted_at IS NULL))
             ",
            hit_select!(0),
            " FROM exact JOIN products AS p ON p.id = exact.id"
        )
    };
}

/// A hit's columns, after the number of the statement's part it comes from.
macro_rules! hit_select {
    ($part:literal) => {
        concat!(
            "SELECT ",
            $part,
            ", p.id, p.sku::text, p.name, p.price_minor, p.currency, p.stock, p.status,
               (SELECT i.sha256 FROM product_images AS i
                 WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1)"
        )
    };
}

/// One typed letter: names (part 1), then SKUs (part 2), that start with it, each from its
/// own index, unless an SKU is that letter. `$2` and `$3` are the range, `$4` the limit.
const ONE_LETTER: &str = concat!(
    with_exact!(),
    " UNION ALL (",
    hit_select!(1),
    " FROM products AS p WHERE lower(p.name) >= $2 AND lower(p.name) < $3 AND p.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM exact)
      ORDER BY lower(p.name), p.id LIMIT $4)
     UNION ALL (",
    hit_select!(2),
    " FROM products AS p WHERE lower(p.sku::text) >= $2 AND lower(p.sku::text) < $3
        AND p.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM exact)
      ORDER BY lower(p.sku::text), p.id LIMIT $4)"
);

/// The ranked search (part 1), unless an SKU is what was typed and it has no space (`$2`
/// says whether it has). `$3` is the typed prefixes, `$4` the same restricted to weight A
/// (the SKU's and name's words), so the ranking reads the stored document; `$5` is the number
/// of candidates and `$6` the limit. The exact SKU's products are taken out of these rows by
/// the caller: a subquery here, its cost counted once per candidate, made the planner
/// hash-join every product instead (40 ms at 106,000 products; BENCHMARKS.md).
///
/// One word matches thousands of products: `search_candidates` (postgres migration 0011)
/// walks ids newest first, as SQLite's index does, and stops once the limit's worth of
/// weight-A matches is found or at the last candidate.
const ONE_WORD: &str = concat!(
    with_exact!(),
    " UNION ALL (",
    hit_select!(1),
    " FROM unnest(search_candidates(to_tsquery('simple', $3), to_tsquery('simple', $4), $5, $6))
        WITH ORDINALITY AS c(id, n)
      JOIN products AS p ON p.id = c.id
      WHERE $2 OR NOT EXISTS (SELECT 1 FROM exact)
      ORDER BY c.n)"
);
/// Several words match few products together, which the GIN index finds at once (the walk
/// would read most of the catalog); `OFFSET 0` plans the matching apart from the ordering.
/// The newest candidates are ranked here, as `search_candidates` ranks them.
const WORDS: &str = concat!(
    with_exact!(),
    " UNION ALL (",
    hit_select!(1),
    " FROM (SELECT c.product_id, c.document FROM (SELECT product_id, document FROM product_search
          WHERE document @@ to_tsquery('simple', $3) OFFSET 0) AS c
        ORDER BY c.product_id DESC LIMIT $5) AS c
      JOIN products AS p ON p.id = c.product_id
      WHERE p.deleted_at IS NULL AND ($2 OR NOT EXISTS (SELECT 1 FROM exact))
      ORDER BY NOT (c.document @@ to_tsquery('simple', $4)), p.id DESC LIMIT $6)"
);

/// A row's part of the statement and its hit.
fn hit(row: &Row) -> (i32, SearchHit) {
    let hit = SearchHit {
        id: row.get(1),
        sku: row.get(2),
        name: row.get(3),
        price_minor: row.get(4),
        currency: row.get(5),
        stock: row.get(6),
        status: Status::parse(row.get(7)).unwrap_or_default(),
        primary_image: row.get(8),
    };
    (row.get(0), hit)
}

/// The typed words as a tsquery of prefixes (`weight` "A" for the SKU's and name's words
/// only). Only letters and digits reach it, folded as the documents are.
pub(super) fn prefixes(words: &[String], weight: &str) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*{weight}"))
        .collect::<Vec<_>>()
        .join(" & ")
}

pub fn search(client: &mut Client, typed: &str, limit: u32) -> Result<Vec<SearchHit>> {
    let typed = typed.trim();
    let limit = i64::from(limit.clamp(1, 1000));
    let words = folded_words(typed);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<(i32, SearchHit)> = if let Some((from, to)) = one_letter_range(typed) {
        client.query_typed(
            ONE_LETTER,
            &[
                (&typed, Type::TEXT),
                (&from, Type::TEXT),
                (&to, Type::TEXT),
                (&limit, Type::INT8),
            ],
        )?
    } else {
        client.query_typed(
            if words.len() > 1 { WORDS } else { ONE_WORD },
            &[
                (&typed, Type::TEXT),
                (&typed.contains(char::is_whitespace), Type::BOOL),
                (&prefixes(&words, ""), Type::TEXT),
                (&prefixes(&words, "A"), Type::TEXT),
                (&CANDIDATES.max(limit), Type::INT8),
                (&limit, Type::INT8),
            ],
        )?
    }
    .iter()
    .map(hit)
    .collect();
    // The parts in order (a parallel plan may interleave them), each in its own order.
    rows.sort_by_key(|(part, _)| *part);
    let mut hits: Vec<SearchHit> = Vec::with_capacity(rows.len());
    for (_, found) in rows {
        if !hits.iter().any(|h| h.id == found.id) {
            hits.push(found);
        }
    }
    hits.truncate(limit as usize);
    Ok(hits)
}
