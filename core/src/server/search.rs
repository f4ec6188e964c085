//! Search-as-you-type on the team server, answering as `catalog::search` does on SQLite: an
//! exact SKU (a product's or a live variant's) first; one typed letter from the name and SKU
//! indexes; otherwise the newest 256 products whose search document holds every typed word
//! as a prefix, those whose SKU or name holds them all first, newest first within each.
//!
//! Each statement is written so the planner sees the typed prefixes (no CTE around the
//! tsquery), and connections plan every statement for its own values (`connect`); see
//! BENCHMARKS.md, "Team server", for what each choice measured.

use crate::catalog::products::Status;
use crate::catalog::search::{folded_words, one_letter_range, SearchHit, CANDIDATES};
use crate::error::Result;
use postgres::{Client, Row};

macro_rules! hit_select {
    () => {
        "SELECT p.id, p.sku::text, p.name, p.price_minor, p.currency, p.stock, p.status,
           (SELECT i.sha256 FROM product_images AS i
             WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1)"
    };
}

const EXACT_SKU: &str = concat!(
    hit_select!(),
    " FROM products AS p WHERE p.id IN (SELECT id FROM products WHERE sku = $1::citext
       UNION SELECT product_id FROM variants WHERE sku = $1::citext AND deleted_at IS NULL)
     AND p.deleted_at IS NULL"
);

/// One typed letter: names, then SKUs, that start with it, each from its own index.
const NAME_STARTS_WITH: &str = concat!(
    hit_select!(),
    " FROM products AS p WHERE lower(p.name) >= $1 AND lower(p.name) < $2 AND p.deleted_at IS NULL
      ORDER BY lower(p.name), p.id LIMIT $3"
);
const SKU_STARTS_WITH: &str = concat!(
    hit_select!(),
    " FROM products AS p WHERE lower(p.sku::text) >= $1 AND lower(p.sku::text) < $2
      AND p.deleted_at IS NULL ORDER BY lower(p.sku::text), p.id LIMIT $3"
);

/// The ranked search; `$1` is the typed prefixes, `$2` the same restricted to weight A (the
/// SKU's and name's words), so the ranking reads the stored document. `$3` is the exact SKU
/// already shown, `$4` the number of candidates and `$5` the limit. `matches` is where the
/// candidates come from (see `ONE_WORD` and `WORDS`).
macro_rules! ranked {
    ($matches:literal) => {
        concat!(
            hit_select!(),
            " FROM (SELECT c.product_id, c.document FROM ",
            $matches,
            " ORDER BY c.product_id DESC LIMIT $4) AS c
             JOIN products AS p ON p.id = c.product_id
             WHERE p.deleted_at IS NULL AND p.id NOT IN (SELECT id FROM products WHERE sku = $3::citext
               UNION SELECT product_id FROM variants WHERE sku = $3::citext AND deleted_at IS NULL)
             ORDER BY NOT (c.document @@ to_tsquery('simple', $2)), p.id DESC LIMIT $5"
        )
    };
}
/// One word matches thousands of products: walking ids newest first finds 256 soonest.
const ONE_WORD: &str = ranked!("product_search AS c WHERE c.document @@ to_tsquery('simple', $1)");
/// Several words match few products together, which the GIN index finds at once (the walk
/// would read most of the catalog). `OFFSET 0` plans the matching apart from the ordering.
const WORDS: &str = ranked!(
    "(SELECT product_id, document FROM product_search WHERE document @@ to_tsquery('simple', $1) OFFSET 0) AS c"
);

fn hit(row: &Row) -> SearchHit {
    SearchHit {
        id: row.get(0),
        sku: row.get(1),
        name: row.get(2),
        price_minor: row.get(3),
        currency: row.get(4),
        stock: row.get(5),
        status: Status::parse(row.get(6)).unwrap_or_default(),
        primary_image: row.get(7),
    }
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
    let mut hits: Vec<SearchHit> = client.query(EXACT_SKU, &[&typed])?.iter().map(hit).collect();
    if !hits.is_empty() && !typed.contains(char::is_whitespace) {
        return Ok(hits);
    }
    if let Some((from, to)) = one_letter_range(typed) {
        for statement in [NAME_STARTS_WITH, SKU_STARTS_WITH] {
            for row in client.query(statement, &[&from, &to, &limit])? {
                let found = hit(&row);
                if !hits.iter().any(|h| h.id == found.id) {
                    hits.push(found);
                }
            }
        }
        hits.truncate(limit as usize);
        return Ok(hits);
    }
    let statement = if words.len() > 1 { WORDS } else { ONE_WORD };
    let rest = limit - hits.len() as i64;
    let rows = client.query(
        statement,
        &[
            &prefixes(&words, ""),
            &prefixes(&words, "A"),
            &typed,
            &CANDIDATES.max(limit),
            &rest,
        ],
    )?;
    hits.extend(rows.iter().map(hit));
    Ok(hits)
}
