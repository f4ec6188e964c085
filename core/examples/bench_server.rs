//! The team-server benchmark (issue 14): `shelf server push` of a library into an empty
//! server (products per second, COPY), then on the server over loopback: search by prefix,
//! pages of 100, how long a change takes to reach another connection (LISTEN/NOTIFY), a
//! team backup beside a local one, and a photo import and a CSV import into either.
//! Run with `scripts/bench-server`, which makes the library with the catalog benchmark (so
//! its SQLite figures are of the same catalog, in the same run) and starts the server.
//!
//! Search is the core's `server::search` and the pages its `server::pages`, which the
//! storage layer (`shelf_core::store`) runs for `shelf --server`.
//!
//! Usage: bench_server LIBRARY ADDRESS

#[path = "common/mod.rs"]
mod common;
#[path = "common/typed.rs"]
mod typed;
use common::time_many;

use shelf_core::backup;
use shelf_core::catalog::products::{ProductQuery, SortKey};
use shelf_core::job::Job;
use shelf_core::server::{self, changes, connect, pages, push, search};
use shelf_core::store::Store;
use shelf_core::{Catalog, Library};
use std::time::Duration;

fn main() -> shelf_core::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(library), Some(address)) = (args.next(), args.next()) else {
        eprintln!("usage: bench_server LIBRARY ADDRESS");
        std::process::exit(2);
    };
    let library = Library::create_at(std::path::Path::new(&library))?;
    let catalog = Catalog::open(&library)?;
    let mut client = connect::connect(&address, None)?;

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

    prefix_searches(&mut client, "");
    let letters = typed::ONE_LETTER;
    let (p50, p95) = time_many(400, |i| {
        let hits = search::search(&mut client, letters[i % letters.len()], 50).unwrap();
        assert!(!hits.is_empty());
    });
    println!("| search, 1-letter prefix (names, then SKUs, from their indexes), top 50 | p50 {p50:.2} ms, p95 {p95:.2} ms |");

    // The product list as `shelf --server ... product list` pages it (`server::pages`).
    for (label, sort) in [("name", SortKey::Name), ("price", SortKey::Price)] {
        let mut query = ProductQuery {
            sort,
            limit: 100,
            ..ProductQuery::default()
        };
        let (p50, p95) = time_many(300, |i| {
            if i % 50 == 0 {
                query.after = None;
            }
            let page = pages::list(&mut client, &query).unwrap();
            assert_eq!(page.items.len(), 100);
            query.after = page.next;
        });
        println!(
            "| page of 100, sorted by {label} (pages 1-50 in turn) | p50 {p50:.2} ms, p95 {p95:.2} ms |"
        );
    }

    // A change made on one connection, seen by another that listens (the core's listener),
    // as a second window would.
    let mut window = changes::Listener::start(connect::connect(&address, None)?)?;
    let edit = client.prepare("UPDATE products SET stock = stock + 1 WHERE id = $1")?;
    let (p50, p95) = time_many(200, |i| {
        let id = i as i64 + 1;
        client.execute(&edit, &[&id]).unwrap();
        let batch = window
            .next(Duration::from_secs(1))
            .unwrap()
            .expect("the change within a second");
        assert_eq!(batch[0].id, id.to_string());
    });
    println!("| an edit committed on one connection, until another connection's listener has it | p50 {p50:.2} ms, p95 {p95:.2} ms |");

    // The same catalog's backup from either engine: the team backup is a pull into a
    // scratch library and that library's backup, so its figure beside the local one is
    // the price of the pull.
    let work = library.root().parent().unwrap_or(library.root()).to_path_buf();
    let job = Job::silent();
    let (local, _) = time_many(3, |i| {
        backup::create(&library, &work.join(format!("local-{i}.zip")), &job).unwrap();
    });
    let (team, _) = time_many(3, |i| {
        server::backup::back_up(&mut client, &work.join(format!("team-{i}.zip")), &job).unwrap();
    });
    println!(
        "| verified backup of the catalog, median of 3: local library, team server (`shelf server backup`) | {:.2} s, {:.2} s (team / local {:.2}) |",
        local / 1000.0,
        team / 1000.0,
        team / local
    );

    // The same import (`images::import`, what a drop or `shelf import` runs) of phone-sized
    // JPEGs onto one product, into the library and into the server; each run new photos.
    let photos = work.join("photos");
    let sets: Vec<Vec<std::path::PathBuf>> = (0..6).map(|set| phone_photos(&photos, set)).collect();
    let mut local_catalog = Catalog::open(&library)?;
    let product =
        shelf_core::catalog::products::list(local_catalog.conn(), &ProductQuery::default())?.items[0].id;
    let mut team = shelf_core::store::TeamCatalog::connect(&address, None)?;
    team.keep_photos_in(work.join("photo-cache"));
    let target = shelf_core::images::ImportTarget::Product(product);
    let (local, _) = time_many(3, |i| {
        let report = shelf_core::images::import(&mut local_catalog, &sets[i], target, &job).unwrap();
        assert!(!report.any_refused(), "{report:?}");
    });
    let (team_ms, _) = time_many(3, |i| {
        let report = team.import_photos(&sets[3 + i], target, &job).unwrap();
        assert!(!report.any_refused(), "{report:?}");
    });
    let each = sets[0].len() as f64;
    let bytes: u64 = sets
        .iter()
        .flatten()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    println!(
        "| photo import of {} new 12-megapixel JPEGs ({:.1} MB each) onto a product, median of 3: local library, team server (original sent, kept in this computer's cache) | {:.1} photos/s, {:.1} photos/s (team / local time {:.2}) |",
        sets[0].len(),
        bytes as f64 / (6.0 * each) / 1e6,
        each / (local / 1000.0),
        each / (team_ms / 1000.0),
        team_ms / local
    );

    // The same CSV import (`csv_import`, what Import CSV… and `shelf import-csv` run) of a
    // Shopify file of new products with three sizes each, into the library and into the
    // server as one transaction each; every run its own file.
    let files: Vec<std::path::PathBuf> = (0..6).map(|run| shopify_file(&work, run)).collect();
    // New products are owned by the login's person: the benchmark's login is the server's
    // administrator, one of the shop's people from here on.
    client.execute(
        "INSERT INTO users (username, display_name, role) VALUES (session_user, 'Benchmark', 'owner')",
        &[],
    )?;
    let options = shelf_core::csv_import::CsvImportOptions::default();
    let (local, _) = time_many(3, |i| {
        let report = shelf_core::csv_import::import(&mut local_catalog, &files[i], &options, &job).unwrap();
        assert_eq!(
            (report.created, report.refused),
            (CSV_PRODUCTS, 0),
            "{:?}",
            report.issues
        );
    });
    let (team_ms, _) = time_many(3, |i| {
        let report = team.import_csv(&files[3 + i], &options, &job).unwrap();
        assert_eq!(
            (report.created, report.refused),
            (CSV_PRODUCTS, 0),
            "{:?}",
            report.issues
        );
    });
    println!(
        "| CSV import of a Shopify file of {CSV_PRODUCTS} new products with 3 sizes each ({} rows), all or nothing, median of 3: local library, team server | {:.0} products/s, {:.0} products/s (team / local time {:.2}) |",
        CSV_PRODUCTS * 3,
        CSV_PRODUCTS as f64 / (local / 1000.0),
        CSV_PRODUCTS as f64 / (team_ms / 1000.0),
        team_ms / local
    );

    // The same searches once the catalog's 6,000 newest products (the imports above) match
    // none of their words: each search walks past them.
    client.batch_execute("VACUUM ANALYZE")?;
    prefix_searches(
        &mut client,
        ", after the imports (6,000 newest products match none of the words)",
    );
    Ok(())
}

/// The ranked search's figures for 2 to 5 typed letters and for two words; `when` is said
/// after each label.
fn prefix_searches(client: &mut postgres::Client, when: &str) {
    let queries: &[(&str, &[&str])] = &[
        ("2-letter prefix", typed::TWO_LETTERS),
        ("3-letter prefix", typed::THREE_LETTERS),
        (
            "4-letter prefix",
            &["rust", "cera", "cand", "stri", "vint", "gold", "line", "porc"],
        ),
        ("5-letter prefix", typed::FIVE_LETTERS),
        ("two words", typed::TWO_WORDS),
    ];
    for (label, words) in queries {
        let (p50, p95) = time_many(400, |i| {
            let typed = words[i % words.len()];
            let hits = search::search(client, typed, 50).unwrap_or_else(|e| panic!("{e}"));
            assert!(!hits.is_empty(), "{typed}");
        });
        println!("| search, {label}, top 50{when} | p50 {p50:.2} ms, p95 {p95:.2} ms |");
    }
}

/// Products in each file of the CSV import benchmark.
const CSV_PRODUCTS: u64 = 2_000;

/// A Shopify product CSV of `CSV_PRODUCTS` products new to the catalog (their handles and
/// SKUs carry `run`), each with sizes S, M and L.
fn shopify_file(dir: &std::path::Path, run: usize) -> std::path::PathBuf {
    let mut text = String::from(
        "Handle,Title,Body (HTML),Vendor,Type,Tags,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n",
    );
    for n in 0..CSV_PRODUCTS {
        for (i, size) in ["S", "M", "L"].iter().enumerate() {
            let first = i == 0;
            text.push_str(&format!(
                "run{run}-tee-{n},{},{},{},{},{},{},{size},RUN{run}-TEE-{n}-{size},{}.{:02},{},{}\n",
                if first {
                    format!("Tee {n} of run {run}")
                } else {
                    String::new()
                },
                if first { "<p>Organic cotton</p>" } else { "" },
                if first { "Acme" } else { "" },
                if first { "Shirts" } else { "" },
                if first { "\"cotton, summer\"" } else { "" },
                if first { "Size" } else { "" },
                10 + i,
                n % 100,
                n % 7,
                if first { "active" } else { "" },
            ));
        }
    }
    let path = dir.join(format!("shopify-{run}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

/// 20 photos the size a phone takes (4000×3000), different in every set.
fn phone_photos(dir: &std::path::Path, set: u32) -> Vec<std::path::PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (0..20)
        .map(|n| {
            let seed = set * 100 + n;
            let pixels = image::RgbImage::from_fn(4000, 3000, |x, y| {
                let v = (x.wrapping_mul(31) ^ y.wrapping_mul(17)).wrapping_add(seed * 7919);
                image::Rgb([(v % 251) as u8, (x / 16 + seed) as u8, (y / 12) as u8])
            });
            let path = dir.join(format!("set{set}-{n}.jpg"));
            pixels.save(&path).unwrap();
            path
        })
        .collect()
}
