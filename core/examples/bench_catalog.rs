//! The catalog benchmark (issue 2): bulk insert of N generated products (FTS and audit
//! triggers included), search latency by prefix length, page-of-100 latency per sort, and
//! `check`. Run with `scripts/bench-catalog` (release build); prints a Markdown table.

#[path = "common/mod.rs"]
mod common;
#[path = "common/typed.rs"]
mod typed;
use common::time_many;

use shelf_core::catalog::maintenance::stats;
use shelf_core::catalog::products::{self, ProductFields, ProductQuery, SortKey, Status};
use shelf_core::catalog::search;
use shelf_core::{Catalog, Library};
use std::time::Instant;

const ADJECTIVES: &[&str] = &[
    "blue", "rustic", "large", "small", "vintage", "handmade", "organic", "glazed", "striped", "matte",
    "golden", "linen", "woven", "classic", "modern", "scented",
];
const MATERIALS: &[&str] = &[
    "ceramic",
    "oak",
    "cotton",
    "leather",
    "glass",
    "steel",
    "bamboo",
    "wool",
    "copper",
    "marble",
    "porcelain",
    "silk",
];
const NOUNS: &[&str] = &[
    "mug", "bowl", "plate", "vase", "candle", "scarf", "apron", "basket", "lamp", "tray", "notebook",
    "pillow", "blanket", "teapot", "jug", "coaster", "frame", "wallet", "belt", "earrings",
];

/// Deterministic pseudo-random numbers (xorshift), so every run inserts the same catalog.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn generated(n: usize) -> impl Iterator<Item = ProductFields> {
    let mut rng = Rng(0x5eed_cafe);
    (0..n).map(move |i| {
        let (a, m, noun) = (rng.pick(ADJECTIVES), rng.pick(MATERIALS), rng.pick(NOUNS));
        let description = format!(
            "A {a} {noun} made of {m}. {} and {} finish, ideal as a gift. Care: wipe clean with a {} cloth.",
            rng.pick(ADJECTIVES),
            rng.pick(ADJECTIVES),
            rng.pick(MATERIALS)
        );
        ProductFields {
            sku: format!("{}-{:06}", &noun[..3].to_uppercase(), i),
            name: format!("{} {} {} {}", capitalise(a), m, noun, i % 97),
            description,
            price_minor: (rng.next() % 20_000) as i64 + 100,
            stock: (rng.next() % 200) as i64,
            status: [Status::Active, Status::Draft, Status::Archived][(rng.next() % 3) as usize],
            tags: vec![rng.pick(ADJECTIVES).to_owned()],
            ..ProductFields::default()
        }
    })
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// CPU seconds (user + system) this process has used, from /proc/self/stat: wall time alone
/// says little on a machine that is busy with other work.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<f64> = after_name
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    (fields.get(11).unwrap_or(&0.0) + fields.get(12).unwrap_or(&0.0)) / 100.0
}

fn main() -> shelf_core::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("shelf-bench-{}", std::process::id()));
    let library = Library::create_at(&dir)?;
    let mut catalog = Catalog::open(&library)?;

    let (start, cpu) = (Instant::now(), cpu_seconds());
    catalog.insert_products(generated(n), 10_000)?;
    let (insert, insert_cpu) = (start.elapsed(), cpu_seconds() - cpu);
    println!("| step | result |\n|---|---|");
    println!(
        "| bulk insert of {n} products (FTS, audit and tag triggers included) | {:.2} s wall, {:.2} s CPU ({:.0} products/s) |",
        insert.as_secs_f64(),
        insert_cpu,
        n as f64 / insert.as_secs_f64()
    );

    let (start, cpu) = (Instant::now(), cpu_seconds());
    catalog.optimize()?;
    println!(
        "| optimize after the import (FTS merge, PRAGMA optimize) | {:.2} s wall, {:.2} s CPU |",
        start.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );

    let queries: &[(&str, &[&str])] = &[
        ("1-letter prefix", typed::ONE_LETTER),
        ("2-letter prefix", typed::TWO_LETTERS),
        ("3-letter prefix", typed::THREE_LETTERS),
        ("5-letter prefix", typed::FIVE_LETTERS),
        (
            "whole word",
            &[
                "teapot", "bamboo", "scarf", "earrings", "marble", "wallet", "copper", "apron",
            ],
        ),
        ("two words", typed::TWO_WORDS),
    ];
    for (label, words) in queries {
        let conn = catalog.conn();
        let (p50, p95) = time_many(400, |i| {
            let hits = search::search(conn, words[i % words.len()], 50).unwrap_or_default();
            assert!(!hits.is_empty());
        });
        println!("| search, {label}, top 50 | p50 {p50:.2} ms, p95 {p95:.2} ms |");
    }

    for sort in [
        SortKey::Name,
        SortKey::Sku,
        SortKey::Price,
        SortKey::Stock,
        SortKey::Updated,
    ] {
        let conn = catalog.conn();
        let mut query = ProductQuery {
            sort,
            limit: 100,
            ..ProductQuery::default()
        };
        let (p50, p95) = time_many(300, |i| {
            if i % 50 == 0 {
                query.after = None;
            }
            let page = products::list(conn, &query).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(page.items.len(), 100);
            query.after = page.next;
        });
        println!(
            "| page of 100, sorted by {sort:?} (pages 1-50 in turn) | p50 {p50:.2} ms, p95 {p95:.2} ms |"
        );
    }
    grid_keystrokes(&Catalog::open_reader(&library)?, "blue mu");
    let conn = catalog.conn();
    let filtered = ProductQuery {
        status: Some(Status::Active),
        stock_at_most: Some(20),
        limit: 100,
        ..ProductQuery::default()
    };
    let (p50, p95) = time_many(100, |_| {
        products::list(conn, &filtered).unwrap_or_else(|e| panic!("{e}"));
    });
    println!("| page of 100, active with stock <= 20, by name | p50 {p50:.2} ms, p95 {p95:.2} ms |");

    let start = Instant::now();
    let report = catalog.check()?;
    println!(
        "| check (integrity, foreign keys, FTS integrity) | {:.2} s, {} findings |",
        start.elapsed().as_secs_f64(),
        report.findings.len()
    );
    let s = stats(catalog.conn())?;
    println!(
        "| catalog file | {:.1} MB for {} products, {} audit entries |",
        s.file_bytes as f64 / 1e6,
        s.products,
        s.audit_entries
    );
    drop(catalog);
    // scripts/bench-server pushes this very catalog to a server, beside these figures.
    if let Some(keep) = std::env::var_os("SHELF_BENCH_KEEP") {
        std::fs::rename(&dir, &keep).map_err(|e| shelf_core::Error::io("Can't keep", &dir, e))?;
        return Ok(());
    }
    std::fs::remove_dir_all(&dir).map_err(|e| shelf_core::Error::io("Can't remove", &dir, e))?;

    // Where the insert time goes: the same insert into catalogs with parts of the schema
    // taken away (diagnostics only; the product never runs without them).
    for (label, parts) in ABLATIONS {
        let (wall, cpu) = insert_without(n, &parts.concat())?;
        println!("| for comparison only: the same insert {label} | {wall:.2} s wall, {cpu:.2} s CPU |");
    }
    Ok(())
}

const NO_AUDIT: &str = "DROP TRIGGER products_audit_insert; DROP TRIGGER product_tags_audit_insert;";
const NO_CHECKS: &str = "PRAGMA ignore_check_constraints = 1;";
const NO_PREFIXES: &str = "DROP TABLE product_search;
  CREATE VIRTUAL TABLE product_search USING fts5 (sku, name, description, tags,
    tokenize = 'unicode61 remove_diacritics 2');
  INSERT INTO product_search (product_search, rank) VALUES ('hashsize', 16777216);";
const NO_DESCRIPTIONS: &str = "DROP TABLE product_search;
  CREATE VIRTUAL TABLE product_search USING fts5 (sku, name, description UNINDEXED, tags,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6');
  INSERT INTO product_search (product_search, rank) VALUES ('hashsize', 16777216);";
const NO_SORT_INDEXES: &str = "DROP INDEX products_category; DROP INDEX products_owner;
  DROP INDEX products_currency; DROP INDEX products_barcode; DROP INDEX products_by_price;
  DROP INDEX products_by_stock; DROP INDEX products_by_updated;";
const AS_BEFORE_0006: &str = "PRAGMA temp_store = DEFAULT;
  INSERT INTO product_search (product_search, rank) VALUES ('hashsize', 1048576);";
const NO_SEARCH_INDEX: &str = "DROP TABLE product_search;
  CREATE TABLE product_search (rowid INTEGER PRIMARY KEY, sku, name, description, tags);";

/// Each diagnostic row: what is taken away (or put back), and the SQL that does it.
const ABLATIONS: &[(&str, &[&str])] = &[
    (
        "as before migration 0006: FTS flushes every 1 MiB, statement journals in files",
        &[AS_BEFORE_0006],
    ),
    ("without the audit-log triggers", &[NO_AUDIT]),
    ("without any CHECK constraint", &[NO_CHECKS]),
    ("without the search index's prefix indexes", &[NO_PREFIXES]),
    ("without descriptions in the search index", &[NO_DESCRIPTIONS]),
    (
        "without seven of the products table's indexes",
        &[NO_SORT_INDEXES],
    ),
    (
        "without audit triggers, CHECKs, prefix indexes or those seven indexes",
        &[NO_AUDIT, NO_CHECKS, NO_PREFIXES, NO_SORT_INDEXES],
    ),
    (
        "as the row above, and a plain table instead of the search index",
        &[NO_AUDIT, NO_CHECKS, NO_SEARCH_INDEX, NO_SORT_INDEXES],
    ),
];

/// Times the bulk insert of `n` products into a fresh catalog after running `sql` on it.
fn insert_without(n: usize, sql: &str) -> shelf_core::Result<(f64, f64)> {
    let dir = std::env::temp_dir().join(format!("shelf-bench-diag-{}", std::process::id()));
    let library = Library::create_at(&dir)?;
    let mut catalog = Catalog::open(&library)?;
    catalog.conn().execute_batch(sql)?;
    let (start, cpu) = (Instant::now(), cpu_seconds());
    catalog.insert_products(generated(n), 10_000)?;
    let timing = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    drop(catalog);
    std::fs::remove_dir_all(&dir).map_err(|e| shelf_core::Error::io("Can't remove", &dir, e))?;
    Ok(timing)
}

/// The desktop grid while the seller types: its first page (100, by name) filtered by each
/// prefix of `typed`, as `products::list` serves it to the window on every keystroke,
/// through a reader connection like the app's. `first` is the call that finds that text's
/// pages outside the reader's cache.
fn grid_keystrokes(reader: &rusqlite::Connection, typed: &str) {
    for end in 1..=typed.len() {
        let text = &typed[..end];
        if text.ends_with(' ') {
            continue;
        }
        let query = ProductQuery {
            search: Some(text.to_owned()),
            limit: 100,
            ..ProductQuery::default()
        };
        let start = Instant::now();
        products::list(reader, &query).unwrap_or_else(|e| panic!("{e}"));
        let first = start.elapsed().as_secs_f64() * 1000.0;
        let (p50, p95) = time_many(100, |_| {
            products::list(reader, &query).unwrap_or_else(|e| panic!("{e}"));
        });
        println!(
            "| grid's first page of 100 by name, search {text:?} | first {first:.2} ms, then p50 {p50:.2} ms, p95 {p95:.2} ms |"
        );
    }
}
