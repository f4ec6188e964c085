//! Shared fixtures for the export, CSV import and backup tests: generated catalogs of
//! several shapes, with originals written to disk and linked by SQL (as the image pipeline
//! would leave them), and a whole-catalog dump to compare two libraries table by table.

use crate::util::*;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use shelf_core::catalog::products::{ProductFields, Status};
use shelf_core::{Catalog, Library};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The shapes of catalog the round-trip tests run on.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Empty,
    Plain(usize),
    UnicodeHeavy,
    ManyImages,
}

pub const UNICODE_NAMES: [&str; 8] = [
    "Tasse « Café » — édition spéciale",
    "茶碗 (抹茶用)",
    "Кружка «Утро»",
    "Müsli\u{00a0}Schale",
    "🧵 Thread, \"quoted\", and more",
    "=SUM(A1:A9) not a formula",
    "-10% sale item",
    "@mention +plus 'quote",
];

/// Fills `catalog` with products of the given shape; returns their SKUs.
pub fn fill(catalog: &mut Catalog, library: &Library, shape: Shape) -> Vec<String> {
    let kitchen = catalog.ensure_category_path("Home > Kitchen > Mugs").unwrap().id;
    let count = match shape {
        Shape::Empty => 0,
        Shape::Plain(n) => n,
        Shape::UnicodeHeavy => UNICODE_NAMES.len(),
        Shape::ManyImages => 6,
    };
    let mut skus = Vec::new();
    for i in 0..count {
        let name = match shape {
            Shape::UnicodeHeavy => UNICODE_NAMES[i].to_owned(),
            _ => format!("Product {i}"),
        };
        let description = match i % 3 {
            0 => String::new(),
            1 => "<p>Line one,\r\nline \"two\"</p>\n<ul><li>három</li></ul>".to_owned(),
            _ => "+ starts with plus\n= and equals".to_owned(),
        };
        let fields = ProductFields {
            sku: format!("SKU-{i:04}"),
            name,
            description,
            price_minor: 1999 + i as i64 * 101,
            stock: (i as i64 * 7) % 50,
            status: [Status::Draft, Status::Active, Status::Archived][i % 3],
            category_id: (i % 2 == 0).then_some(kitchen),
            barcode: (i % 2 == 1).then(|| format!("{:013}", 4006381333931u64 + i as u64)),
            tags: if i % 2 == 0 {
                vec!["gift".into(), "ceramic".into()]
            } else {
                vec![]
            },
            currency: if i % 4 == 3 { Some("JPY".into()) } else { None },
            ..ProductFields::default()
        };
        let p = catalog.create_product(&fields).unwrap();
        skus.push(p.sku);
    }
    if matches!(shape, Shape::ManyImages) {
        let conn = plain(library);
        for (i, sku) in skus.iter().enumerate() {
            for position in 0..(i + 1) * 2 {
                add_original(&conn, library, sku, position, &format!("{sku}-{position}"));
            }
        }
    }
    skus
}

fn plain(library: &Library) -> Connection {
    #[allow(clippy::disallowed_methods)]
    let conn = Connection::open(library.catalog_path()).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
        .unwrap();
    conn
}

/// Bytes that start like a JPEG and differ by `seed`, so each is its own original.
pub fn photo_bytes(seed: &str, size: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut state = Sha256::digest(seed.as_bytes()).to_vec();
    while bytes.len() < size {
        state = Sha256::digest(&state).to_vec();
        bytes.extend_from_slice(&state);
    }
    bytes.truncate(size);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// Writes an original to `originals/ab/<sha>.jpg`, its rows, and links it to the product.
pub fn add_original(conn: &Connection, library: &Library, sku: &str, position: usize, seed: &str) -> String {
    let bytes = photo_bytes(seed, 2000 + position * 37);
    let sha = hex::encode(Sha256::digest(&bytes));
    let path = library.original_path(&sha, "jpg").unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    conn.execute(
        "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) VALUES (?1, ?2, 'image/jpeg', 640, 480, ?3)
         ON CONFLICT (sha256) DO NOTHING",
        (&sha, bytes.len() as i64, format!("IMG_{position}.jpg")),
    )
    .unwrap();
    conn.execute(
        "INSERT INTO thumbnails (sha256, bytes, mime, width, height) VALUES (?1, ?2, 'image/jpeg', 256, 192)
         ON CONFLICT (sha256) DO NOTHING",
        (&sha, &bytes[..64]),
    )
    .unwrap();
    conn.execute(
        "INSERT INTO product_images (product_id, sha256, position, alt_text)
         SELECT id, ?2, ?3, ?4 FROM products WHERE sku = ?1",
        (sku, &sha, position as i64, format!("Photo {position} of {sku}")),
    )
    .unwrap();
    sha
}

/// The products as a seller sees them, by SKU: every field the generic CSV carries.
pub fn product_view(catalog: &Catalog) -> BTreeMap<String, serde_json::Value> {
    let mut stmt = catalog
        .conn()
        .prepare("SELECT sku FROM products WHERE deleted_at IS NULL ORDER BY sku")
        .unwrap();
    let skus: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    skus.into_iter()
        .map(|sku| {
            let p = shelf_core::catalog::products::by_sku(catalog.conn(), &sku).unwrap();
            let mut tags = p.tags.clone();
            tags.sort();
            let view = serde_json::json!({
                "name": p.name, "description": p.description, "price_minor": p.price_minor,
                "currency": p.currency, "stock": p.stock, "status": p.status,
                "category": p.category_path, "barcode": p.barcode, "tags": tags,
            });
            (sku, view)
        })
        .collect()
}

/// Every row of every table (as JSON text, in primary-key order) plus the schema version.
pub fn dump_tables(db: &Path) -> BTreeMap<String, Vec<String>> {
    #[allow(clippy::disallowed_methods)]
    let conn = Connection::open(db).unwrap();
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'product_search%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables.push("user_version".into());
    let mut out = BTreeMap::new();
    for table in tables {
        let rows: Vec<String> = if table == "user_version" {
            vec![conn
                .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                .unwrap()
                .to_string()]
        } else {
            let sql = format!("SELECT * FROM \"{table}\" ORDER BY 1, 2");
            let mut stmt = conn.prepare(&sql).unwrap();
            let n = stmt.column_count();
            stmt.query_map([], |r| {
                let cells: Vec<String> = (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect();
                Ok(cells.join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        out.insert(table, rows);
    }
    out
}

/// Every file under `dir`, relative path → bytes.
pub fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

/// A fresh test library already holding a catalog of `shape`.
pub fn library_with(shape: Shape) -> (TestLibrary, Vec<String>) {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let skus = fill(&mut catalog, &lib.library, shape);
    drop(catalog);
    (lib, skus)
}
