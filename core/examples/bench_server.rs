//! The team-server benchmark (issue 14): `shelf server push` of a library into an empty
//! server (products per second, COPY), then on the server over loopback: search by prefix,
//! pages of 100 and how long a change takes to reach another connection (LISTEN/NOTIFY).
//! Run with `scripts/bench-server`, which makes the library with the catalog benchmark (so
//! its SQLite figures are of the same catalog, in the same run) and starts the server.
//!
//! The search and paging statements are the ones the server's storage layer is to run; the
//! app does not run them yet (issue 14 is in progress), so these figures are the schema's.
//!
//! Usage: bench_server LIBRARY ADDRESS

#[path = "common/mod.rs"]
mod common;
use common::time_many;

use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;
use shelf_core::server::{connect, push};
use shelf_core::{Catalog, Library};
use std::time::Duration;

/// The newest 256 products whose document holds every typed prefix, ranked as SQLite's
/// search ranks them: those whose SKU or name holds them all first, newest first within.
/// `{matches}` is how the matches are found (see `ONE_WORD` and `WORDS`); `$2` is the same
/// prefixes restricted to weight A, the SKU's and name's words, so the ranking reads the
/// stored document instead of making one from the name for each candidate. The tsquery is
/// written where it is used, not in a CTE: the planner must see the prefix.
macro_rules! search {
    ($matches:literal) => {
        concat!(
            "SELECT p.id, p.sku::text, p.name, p.price_minor, p.currency, p.stock, p.status,
               (SELECT i.sha256 FROM product_images AS i
                 WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1)
             FROM (SELECT c.product_id, c.document FROM ",
            $matches,
            " ORDER BY c.product_id DESC LIMIT 256) AS c
             JOIN products AS p ON p.id = c.product_id
             WHERE p.deleted_at IS NULL
             ORDER BY NOT (c.document @@ to_tsquery('simple', $2)), p.id DESC LIMIT 50"
        )
    };
}
/// One word: a prefix matches thousands of products, and walking ids newest first finds 256
/// of them soonest.
const ONE_WORD: &str = search!("product_search AS c WHERE c.document @@ to_tsquery('simple', $1)");
/// Several words: together they match few products, which the GIN index finds at once; the
/// walk would read most of the catalog to find them (p95 32 ms for "blue mu" at 100,000).
/// `OFFSET 0` keeps the matching apart from the ordering, so it is planned on its own.
const WORDS: &str = search!(
    "(SELECT product_id, document FROM product_search WHERE document @@ to_tsquery('simple', $1) OFFSET 0) AS c"
);

/// One typed letter: names, then SKUs, that start with it, from their indexes (as SQLite does).
const SKU_STARTS_WITH: &str = "SELECT p.id, p.sku::text, p.name, p.price_minor
  FROM products AS p WHERE lower(p.sku::text) >= $1 AND lower(p.sku::text) < $2 AND p.deleted_at IS NULL
  ORDER BY lower(p.sku::text), p.id LIMIT 50";
const NAME_STARTS_WITH: &str = "SELECT p.id, p.sku::text, p.name, p.price_minor
  FROM products AS p WHERE lower(p.name) >= $1 AND lower(p.name) < $2 AND p.deleted_at IS NULL
  ORDER BY lower(p.name), p.id LIMIT 50";

const PAGE_BY_NAME: &str =
    "SELECT p.id, p.sku::text, p.name, p.price_minor, p.currency, p.stock, p.status, lower(p.name)
  FROM products AS p WHERE p.deleted_at IS NULL AND (lower(p.name), p.id) > ($1, $2)
  ORDER BY lower(p.name), p.id LIMIT 100";
const PAGE_BY_PRICE: &str =
    "SELECT p.id, p.sku::text, p.name, p.price_minor, p.currency, p.stock, p.status, p.price_minor::text
  FROM products AS p WHERE p.deleted_at IS NULL AND (p.price_minor, p.id) > ($1::text::bigint, $2)
  ORDER BY p.price_minor, p.id LIMIT 100";

/// What the seller typed as a tsquery: each word folded and prefix-matched (`weights` "A"
/// for the SKU's and name's words only); nothing but letters and digits reaches the query.
fn prefixes(typed: &str, weights: &str) -> String {
    typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("{}:*{weights}", w.to_lowercase()))
        .collect::<Vec<_>>()
        .join(" & ")
}

fn main() -> shelf_core::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(library), Some(address)) = (args.next(), args.next()) else {
        eprintln!("usage: bench_server LIBRARY ADDRESS");
        std::process::exit(2);
    };
    let library = Library::create_at(std::path::Path::new(&library))?;
    let catalog = Catalog::open(&library)?;
    let mut client = connect::connect(&address)?;

    let report = push::push(&catalog, &mut client)?;
    let products = report
        .tables
        .iter()
        .find(|(t, _)| t == "products")
        .map_or(0, |(_, n)| *n);
    let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
    println!("| step (server over loopback) | result |\n|---|---|");
    println!(
        "| `shelf server push` of {products} products ({rows} rows with the audit history), read back and compared | {:.2} s ({:.0} products/s) |",
        report.seconds,
        products as f64 / report.seconds
    );
    let steps: Vec<String> = report
        .steps
        .iter()
        .map(|(s, t)| format!("{s} {t:.2} s"))
        .collect();
    println!("| where the push's time went | {} |", steps.join(", "));
    client.batch_execute("VACUUM ANALYZE")?;

    let queries: &[(&str, &[&str])] = &[
        (
            "2-letter prefix",
            &["bl", "ce", "mu", "st", "va", "go", "li", "po"],
        ),
        (
            "3-letter prefix",
            &["blu", "cer", "mug", "str", "vas", "gol", "lin", "por"],
        ),
        (
            "4-letter prefix",
            &["rust", "cera", "cand", "stri", "vint", "gold", "line", "porc"],
        ),
        (
            "5-letter prefix",
            &[
                "rusti", "ceram", "candl", "strip", "vinta", "golde", "linen", "porce",
            ],
        ),
        (
            "two words",
            &[
                "blue mu", "oak tr", "silk sc", "glass va", "wool bl", "steel la", "linen ap", "jug 4",
            ],
        ),
    ];
    let (one_word, several) = (client.prepare(ONE_WORD)?, client.prepare(WORDS)?);
    for (label, words) in queries {
        let (p50, p95) = time_many(400, |i| {
            let typed = words[i % words.len()];
            let search = if typed.contains(' ') { &several } else { &one_word };
            let hits = client
                .query(search, &[&prefixes(typed, ""), &prefixes(typed, "A")])
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(!hits.is_empty(), "{}", words[i % words.len()]);
        });
        println!("| search, {label}, top 50 | p50 {p50:.2} ms, p95 {p95:.2} ms |");
    }
    let letters = ["b", "c", "m", "s", "v", "g", "l", "p"];
    let (by_name, by_sku) = (
        client.prepare(NAME_STARTS_WITH)?,
        client.prepare(SKU_STARTS_WITH)?,
    );
    let (p50, p95) = time_many(400, |i| {
        let from = letters[i % letters.len()];
        let to = ((from.as_bytes()[0] + 1) as char).to_string();
        let mut hits = client.query(&by_name, &[&from, &to]).unwrap();
        hits.extend(client.query(&by_sku, &[&from, &to]).unwrap());
        assert!(!hits.is_empty(), "{from}");
    });
    println!("| search, 1-letter prefix (names, then SKUs, from their indexes), top 50 | p50 {p50:.2} ms, p95 {p95:.2} ms |");

    for (label, sql, start) in [("name", PAGE_BY_NAME, ""), ("price", PAGE_BY_PRICE, "-1")] {
        let page = client.prepare(sql)?;
        let mut after: (String, i64) = (start.to_owned(), 0);
        let (p50, p95) = time_many(300, |i| {
            if i % 50 == 0 {
                after = (start.to_owned(), 0);
            }
            let rows = client.query(&page, &[&after.0, &after.1]).unwrap();
            assert_eq!(rows.len(), 100);
            let last = rows.last().unwrap();
            after = (last.get(7), last.get(0));
        });
        println!(
            "| page of 100, sorted by {label} (pages 1-50 in turn) | p50 {p50:.2} ms, p95 {p95:.2} ms |"
        );
    }

    // A change made on one connection, seen by another that listens, as a second window would.
    let mut window: Client = connect::connect(&address)?;
    window.batch_execute("LISTEN shelf_changes")?;
    let edit = client.prepare("UPDATE products SET stock = stock + 1 WHERE id = $1")?;
    let (p50, p95) = time_many(200, |i| {
        client.execute(&edit, &[&(i as i64 + 1)]).unwrap();
        let note = window
            .notifications()
            .timeout_iter(Duration::from_secs(1))
            .next()
            .unwrap()
            .expect("the change within a second");
        assert!(note.payload().contains("products"));
    });
    println!("| an edit committed on one connection, until another listening connection has it | p50 {p50:.2} ms, p95 {p95:.2} ms |");
    Ok(())
}
