//! The shop-file benchmark (issue 12), driven by `scripts/bench-shops`:
//! `bench_shops shopify OUT PRODUCTS VARIANTS [IMAGE_BASE_URL IMAGES]` writes a Shopify
//! admin export of that shape (the classic layout's 38 columns, one row per variant, every
//! variant with its own SKU, compare-at, grams and barcode; with a base URL, the first
//! IMAGES products get one photo URL each); `bench_shops search LIBRARY` times searches for
//! 2-5 letter prefixes of product names and variant SKUs and prints Markdown rows.

#[path = "common/mod.rs"]
mod common;
use common::time_many;

use shelf_core::catalog::search;
use shelf_core::{Catalog, Library};
use std::io::Write;

const HEADER: &str = "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Option1 Linked To,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Image Position,Image Alt Text,Gift Card,SEO Title,SEO Description,Google Shopping / Google Product Category,Variant Image,Variant Weight Unit,Variant Tax Code,Cost per item,Included / United States,Price / United States,Status";
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"];
const NOUNS: &[&str] = &["Tee", "Hoodie", "Scarf", "Apron", "Tote", "Beanie", "Sock", "Cap"];
const COLOURS: &[&str] = &["Red", "Blue", "Green", "Black", "Sand", "Olive"];

fn shopify(
    out: &str,
    products: usize,
    variants: usize,
    images: Option<(&str, usize)>,
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(w, "{HEADER}")?;
    for p in 0..products {
        let noun = NOUNS[p % NOUNS.len()];
        let colour = COLOURS[p % COLOURS.len()];
        let handle = format!("{}-{}-{p}", colour.to_lowercase(), noun.to_lowercase());
        let image = match images {
            Some((base, n)) if p < n => format!("{base}/{:02}.jpg", p % 40),
            _ => String::new(),
        };
        for v in 0..variants {
            let size = SIZES[v % SIZES.len()];
            let sku = format!("{}{:06}-{size}", &noun[..3].to_uppercase(), p);
            let barcode = format!("{:013}", 4_000_000_000_000u64 + (p * variants + v) as u64);
            let price = 1500 + (p % 40) * 100 + v * 50;
            let first = v == 0;
            writeln!(
                w,
                "{handle},{title},{body},{vendor},{category},{kind},{tags},{published},{oname},{size},,,,{sku},{grams},shopify,{qty},deny,manual,{price}.{cents:02},{compare},TRUE,TRUE,'{barcode},{image},{position},,FALSE,,,,,g,,{cost},TRUE,,{status}",
                title = if first { format!("{colour} {noun} {p}") } else { String::new() },
                body = if first { "\"<p>Soft, <strong>organic</strong> cotton.</p>\"" } else { "" },
                vendor = if first { "Acme Apparel" } else { "" },
                category = if first { "Apparel & Accessories > Clothing" } else { "" },
                kind = if first { noun } else { "" },
                tags = if first { "\"cotton, summer\"" } else { "" },
                published = if first { "TRUE" } else { "" },
                oname = if first { "Size" } else { "" },
                grams = 150 + v * 10,
                qty = (p + v) % 30,
                price = price / 100,
                cents = price % 100,
                compare = if v % 2 == 0 { format!("{}.00", price / 100 + 5) } else { String::new() },
                image = if first { image.as_str() } else { "" },
                position = if first && !image.is_empty() { "1" } else { "" },
                cost = if first { "6.50" } else { "" },
                status = if first { "active" } else { "" },
            )?;
        }
    }
    w.flush()
}

fn search_rows(library: &str) -> shelf_core::Result<()> {
    let library = Library::locate(Some(library.into()))?;
    let conn = Catalog::open_reader(&library)?;
    let queries: [(&str, &[&str]); 5] = [
        (
            "2-letter name prefix",
            &["te", "ho", "sc", "ap", "to", "be", "so", "ca"],
        ),
        (
            "3-letter name prefix",
            &["tee", "hoo", "sca", "apr", "tot", "bea", "soc", "red"],
        ),
        (
            "4-letter variant SKU prefix",
            &["TEE0", "HOO0", "SCA0", "APR0", "TOT0", "BEA0", "SOC0", "CAP0"],
        ),
        (
            "5-letter variant SKU prefix",
            &[
                "TEE00", "HOO01", "SCA02", "APR03", "TOT00", "BEA01", "SOC02", "CAP03",
            ],
        ),
        (
            "whole variant SKU",
            &["TEE000008-M", "HOO000009-S", "SCA000010-XS", "APR000011-M"],
        ),
    ];
    for (label, words) in queries {
        let (p50, p95) = time_many(400, |i| {
            let hits = search::search(&conn, words[i % words.len()], 50).unwrap_or_default();
            assert!(!hits.is_empty(), "no hit for {}", words[i % words.len()]);
        });
        println!("| search, {label}, top 50 | p50 {p50:.2} ms, p95 {p95:.2} ms |");
    }
    Ok(())
}

fn main() -> shelf_core::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse().ok());
    match args.get(1).map(String::as_str) {
        Some("shopify") => {
            let images = args.get(5).map(|base| (base.as_str(), number(6).unwrap_or(0)));
            shopify(
                &args[2],
                number(3).unwrap_or(25_000),
                number(4).unwrap_or(4),
                images,
            )
            .map_err(|e| shelf_core::Error::Internal(e.to_string()))
        }
        Some("search") => search_rows(&args[2]),
        _ => {
            eprintln!("usage: bench_shops shopify OUT PRODUCTS VARIANTS [BASE_URL IMAGES] | search LIBRARY");
            std::process::exit(2)
        }
    }
}
