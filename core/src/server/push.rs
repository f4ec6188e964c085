//! `shelf server push`: a local library's whole catalog (every row, the audit and deletion
//! history, the photos' bytes) copied into an empty team server, then read back and compared
//! row by row before anything is committed.
//!
//! One server transaction does it all, so a push that fails anywhere (a row the server
//! refuses, a photo missing from `originals/`, a dropped connection) leaves the server as
//! empty as it was. The rows are sent with COPY, in reference order. The copy keeps the
//! library's history as it is: the server's own triggers would log every copied row again as
//! a new insert by whoever pushes, and roll up and index one statement at a time, so the
//! migrating role (which owns the tables) switches its triggers off inside the transaction,
//! fills the SKU register and the search documents in one statement each, and switches them
//! on again before the comparison. The CHECKs, keys and unique constraints stay on
//! throughout; the references between the tables and the other indexes are dropped for the
//! copy and made again after it, inside the same transaction and from their own definitions
//! as the migrations wrote them, so each reference is checked over the whole table at once
//! and nothing commits unchecked.
//!
//! Read from the library inside one SQLite read transaction: what is pushed is the catalog
//! as it was when the push started, whatever is saved meanwhile.

use super::migrations;
use crate::error::{Error, Result};
use crate::images;
use crate::Catalog;
use postgres::Client;
use rusqlite::types::ValueRef;
use std::io::Write as _;
use std::time::Instant;

/// How a column is compared after the copy: timestamps in SQLite's text form, JSON as JSON
/// (the server stores it as jsonb, with its own key order and spacing), `Any` as text (the
/// logs' row keys are integers or 'a:b' text in SQLite, text on the server).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Int,
    Text,
    Time,
    Json,
    Blob,
    Any,
}
use Kind::{Any, Blob, Int, Json, Text, Time};

pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) columns: &'static [(&'static str, Kind)],
    /// The key both sides are read in, for the comparison.
    pub(super) key: &'static str,
}

const TS: Kind = Time;

/// Every table a catalog holds, in the order references allow. Settings are not here: of
/// the settings only the default currency belongs to the shop (the folders belong to each
/// computer), and it is written on its own.
pub(super) const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("display_name", Text),
            ("email", Text),
            ("role", Text),
            ("is_active", Int),
            ("created_at", TS),
            ("updated_at", TS),
            ("deleted_at", TS),
        ],
        key: "id",
    },
    Table {
        name: "categories",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("parent_id", Int),
            ("created_at", TS),
            ("updated_at", TS),
        ],
        key: "id",
    },
    Table {
        name: "tags",
        columns: &[("id", Int), ("name", Text), ("created_at", TS)],
        key: "id",
    },
    Table {
        name: "products",
        columns: &[
            ("id", Int),
            ("sku", Text),
            ("name", Text),
            ("description", Text),
            ("price_minor", Int),
            ("currency", Text),
            ("stock", Int),
            ("status", Text),
            ("category_id", Int),
            ("owner_id", Int),
            ("barcode", Text),
            ("created_at", TS),
            ("updated_at", TS),
            ("deleted_at", TS),
            ("version", Int),
            ("vendor", Text),
            ("product_type", Text),
            ("handle", Text),
            ("compare_at_minor", Int),
            ("cost_minor", Int),
            ("weight_grams", Int),
        ],
        key: "id",
    },
    Table {
        name: "product_tags",
        columns: &[("product_id", Int), ("tag_id", Int), ("created_at", TS)],
        key: "product_id, tag_id",
    },
    Table {
        name: "originals",
        columns: &[
            ("sha256", Text),
            ("byte_size", Int),
            ("mime", Text),
            ("width", Int),
            ("height", Int),
            ("file_name", Text),
            ("imported_at", TS),
            ("rotation", Int),
        ],
        key: "sha256",
    },
    Table {
        name: "thumbnails",
        columns: &[
            ("sha256", Text),
            ("bytes", Blob),
            ("mime", Text),
            ("width", Int),
            ("height", Int),
            ("created_at", TS),
        ],
        key: "sha256",
    },
    Table {
        name: "product_images",
        columns: &[
            ("id", Int),
            ("product_id", Int),
            ("sha256", Text),
            ("position", Int),
            ("alt_text", Text),
            ("created_at", TS),
            ("deleted_at", TS),
        ],
        key: "id",
    },
    Table {
        name: "product_options",
        columns: &[
            ("product_id", Int),
            ("position", Int),
            ("name", Text),
            ("created_at", TS),
            ("updated_at", TS),
        ],
        key: "product_id, position",
    },
    Table {
        name: "variants",
        columns: &[
            ("id", Int),
            ("product_id", Int),
            ("sku", Text),
            ("position", Int),
            ("option1", Text),
            ("option2", Text),
            ("option3", Text),
            ("price_minor", Int),
            ("compare_at_minor", Int),
            ("cost_minor", Int),
            ("stock", Int),
            ("barcode", Text),
            ("weight_grams", Int),
            ("image_sha256", Text),
            ("created_at", TS),
            ("updated_at", TS),
            ("deleted_at", TS),
            ("version", Int),
        ],
        key: "id",
    },
    Table {
        name: "audit_log",
        columns: &[
            ("id", Int),
            ("at", TS),
            ("actor", Text),
            ("actor_id", Int),
            ("table_name", Text),
            ("row_id", Any),
            ("action", Text),
            ("old_values", Json),
            ("new_values", Json),
        ],
        key: "id",
    },
    Table {
        name: "deletion_log",
        columns: &[
            ("id", Int),
            ("table_name", Text),
            ("record_id", Any),
            ("deleted_by", Text),
            ("deleted_at", TS),
            ("backup_data", Json),
        ],
        key: "id",
    },
    Table {
        name: "undo_log",
        columns: &[("audit_id", Int), ("role", Text)],
        key: "audit_id",
    },
];

/// Tables whose id the server draws from an identity sequence: after the copy, each
/// sequence continues after the highest id copied, so no id is ever given out twice.
const IDENTITIES: &[&str] = &[
    "users",
    "categories",
    "tags",
    "products",
    "product_images",
    "variants",
    "audit_log",
    "deletion_log",
];

const SERVER_IS_EMPTY: &str =
    "SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM products)
  AND NOT EXISTS (SELECT 1 FROM categories) AND NOT EXISTS (SELECT 1 FROM tags)
  AND NOT EXISTS (SELECT 1 FROM originals) AND NOT EXISTS (SELECT 1 FROM audit_log)";
const FILL_SKU_REGISTER: &str = "INSERT INTO sellable_skus (sku, sold_by, row_id)
  SELECT sku, 'products', id FROM products UNION ALL SELECT sku, 'variants', id FROM variants";
const FILL_SEARCH: &str = "SELECT index_products(ARRAY(SELECT id FROM products))";
/// The secondary indexes of every table a push fills (not the keys and unique constraints,
/// which the copy must check): building an index over all the rows at once is several times
/// faster than growing it a row at a time, the search documents' GIN indexes most of all.
const SECONDARY_INDEXES: &str = "SELECT i.indexname::text, i.indexdef FROM pg_indexes AS i
  WHERE i.schemaname = 'public' AND i.tablename::text = ANY ($1)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c
      WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)";
pub(super) const PUT_DEFAULT_CURRENCY: &str =
    "UPDATE settings SET value = to_jsonb($1::text) WHERE key = 'default_currency'";
pub(super) const SERVER_DEFAULT_CURRENCY: &str =
    "SELECT value #>> '{}' FROM settings WHERE key = 'default_currency'";
/// The references between the tables a push fills. PostgreSQL checks a reference row by row,
/// with a query and a row lock on the referenced row each time (40 microseconds a product tag);
/// added back after the copy, each is checked once for the whole table by one join.
const REFERENCES: &str = "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
  FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
    AND conrelid::regclass::text = ANY ($1)";
/// Room for those builds (PostgreSQL's default is 64 MB), for this transaction only.
const INDEX_BUILD_MEMORY: &str = "SET LOCAL maintenance_work_mem = '256MB'";

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PushReport {
    /// Rows copied and compared, per table.
    pub tables: Vec<(String, u64)>,
    pub photos: u64,
    pub photo_bytes: u64,
    pub seconds: f64,
    /// Where the time went: migrating, copying, the derived data, reading back.
    pub steps: Vec<(String, f64)>,
}

/// Copies `catalog` into the server `client` is connected to. The server's database must
/// hold no catalog yet (it is migrated first if it has no schema); the client must be the
/// role that owns its tables (the one that migrated it).
pub fn push(catalog: &Catalog, client: &mut Client) -> Result<PushReport> {
    let started = Instant::now();
    migrations::migrate(client)?;
    let migrated = started.elapsed().as_secs_f64();
    let conn = catalog.conn();
    conn.execute_batch("BEGIN")?;
    let pushed = push_snapshot(catalog, client);
    conn.execute_batch("COMMIT")?;
    let mut report = pushed?;
    report.steps.insert(0, ("migrate".into(), migrated));
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// A push only fills a server that holds no catalog yet (its schema may be there).
pub(super) fn refuse_unless_empty(client: &mut impl postgres::GenericClient) -> Result<()> {
    if client.query_one(SERVER_IS_EMPTY, &[])?.get::<_, bool>(0) {
        return Ok(());
    }
    Err(Error::Refused {
        field: Some("server"),
        message: "The server already holds a catalog; a push only fills an empty one. Nothing was changed."
            .into(),
    })
}

fn push_snapshot(catalog: &Catalog, client: &mut Client) -> Result<PushReport> {
    let mut tx = client.transaction()?;
    refuse_unless_empty(&mut tx)?;
    for table in TABLES {
        tx.batch_execute(&format!("ALTER TABLE {} DISABLE TRIGGER USER", table.name))?;
    }
    let filled: Vec<&str> = TABLES
        .iter()
        .map(|t| t.name)
        .chain(["product_search", "sellable_skus"])
        .collect();
    let indexes: Vec<(String, String)> = tx
        .query(SECONDARY_INDEXES, &[&filled])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (name, _) in &indexes {
        tx.batch_execute(&format!("DROP INDEX {name}"))?;
    }
    let references: Vec<(String, String, String)> = tx
        .query(REFERENCES, &[&filled])?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    for (table, name, _) in &references {
        tx.batch_execute(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}"))?;
    }
    let mut report = PushReport::default();
    let mut step = Instant::now();
    let mut lap = |report: &mut PushReport, name: &str| {
        report.steps.push((name.to_owned(), step.elapsed().as_secs_f64()));
        step = Instant::now();
    };
    for table in TABLES {
        copy_table(catalog, &mut tx, table, &mut report)?;
        lap(&mut report, &format!("copy {}", table.name));
    }
    tx.batch_execute(FILL_SKU_REGISTER)?;
    lap(&mut report, "sku register");
    tx.batch_execute(FILL_SEARCH)?;
    lap(&mut report, "search documents");
    tx.batch_execute(INDEX_BUILD_MEMORY)?;
    for (_, definition) in &indexes {
        tx.batch_execute(definition)?;
    }
    lap(&mut report, "indexes");
    for (table, name, definition) in &references {
        tx.batch_execute(&format!("ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))?;
    }
    lap(&mut report, "references");
    for table in IDENTITIES {
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
        ))?;
    }
    for table in TABLES {
        tx.batch_execute(&format!("ALTER TABLE {} ENABLE TRIGGER USER", table.name))?;
    }
    let currency = crate::catalog::settings::default_currency(catalog.conn())?;
    tx.execute(PUT_DEFAULT_CURRENCY, &[&currency])?;
    for table in TABLES {
        let rows = compare_table(catalog.conn(), &mut tx, table)?;
        report.tables.push((table.name.to_owned(), rows));
    }
    let theirs: String = tx.query_one(SERVER_DEFAULT_CURRENCY, &[])?.get(0);
    if theirs != currency {
        return Err(mismatch("settings", "default_currency"));
    }
    lap(&mut report, "read back and compare");
    tx.commit()?;
    lap(&mut report, "commit");
    Ok(report)
}

pub(super) fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(", ")
}

/// COPY one table's rows in the text format: tab-separated, `\N` for NULL, backslash escapes.
fn copy_table(
    catalog: &Catalog,
    tx: &mut postgres::Transaction<'_>,
    table: &Table,
    report: &mut PushReport,
) -> Result<()> {
    let columns = column_list(table);
    let photos = table.name == "originals";
    let select = format!("SELECT {columns} FROM {} ORDER BY {}", table.name, table.key);
    let copy = if photos {
        format!("COPY {} ({columns}, bytes) FROM STDIN", table.name)
    } else {
        format!("COPY {} ({columns}) FROM STDIN", table.name)
    };
    let mut writer = tx.copy_in(copy.as_str())?;
    let mut stmt = catalog.conn().prepare(&select)?;
    let mut rows = stmt.query([])?;
    let mut line = Vec::with_capacity(4096);
    while let Some(row) = rows.next()? {
        line.clear();
        for i in 0..table.columns.len() {
            if i > 0 {
                line.push(b'\t');
            }
            put_value(&mut line, row.get_ref(i)?, table.name)?;
        }
        if photos {
            let sha256: String = row.get(0)?;
            let (path, _) = images::original_file(catalog, &sha256)?;
            let bytes = std::fs::read(&path).map_err(|e| Error::io("Can't read the photo", &path, e))?;
            line.extend_from_slice(b"\t\\\\x");
            line.extend_from_slice(hex::encode(&bytes).as_bytes());
            report.photos += 1;
            report.photo_bytes += bytes.len() as u64;
        }
        line.push(b'\n');
        writer.write_all(&line).map_err(|e| {
            Error::Storage(format!(
                "The team server stopped taking rows of {}: {e}. Nothing was pushed.",
                table.name
            ))
        })?;
    }
    writer.finish()?;
    Ok(())
}

fn put_value(line: &mut Vec<u8>, value: ValueRef<'_>, table: &str) -> Result<()> {
    match value {
        ValueRef::Null => line.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => line.extend_from_slice(i.to_string().as_bytes()),
        ValueRef::Real(f) => line.extend_from_slice(f.to_string().as_bytes()),
        ValueRef::Text(text) => {
            std::str::from_utf8(text).map_err(|_| {
                Error::Damaged(format!(
                    "A row of {table} holds text that is not UTF-8; nothing was pushed. Run shelf check."
                ))
            })?;
            for &b in text {
                match b {
                    b'\\' => line.extend_from_slice(b"\\\\"),
                    b'\t' => line.extend_from_slice(b"\\t"),
                    b'\n' => line.extend_from_slice(b"\\n"),
                    b'\r' => line.extend_from_slice(b"\\r"),
                    _ => line.push(b),
                }
            }
        }
        ValueRef::Blob(bytes) => {
            line.extend_from_slice(b"\\\\x");
            line.extend_from_slice(hex::encode(bytes).as_bytes());
        }
    }
    Ok(())
}

/// One value as both sides are compared.
#[derive(Debug, PartialEq)]
pub(super) enum Cell {
    Null,
    Int(i64),
    Text(String),
    Json(serde_json::Value),
    Blob(Vec<u8>),
}

/// The server's columns of `table` as the library writes them: timestamps in SQLite's text
/// form, citext and jsonb as text.
pub(super) fn server_columns(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|(c, kind)| match kind {
            Int => format!("{c}::bigint"),
            Time => format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"),
            Blob => (*c).to_owned(),
            Text | Json | Any => format!("{c}::text"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads `table` from the server and from the library in key order and compares every value
/// of every row; returns the number of rows.
pub(super) fn compare_table(
    conn: &rusqlite::Connection,
    tx: &mut postgres::Transaction<'_>,
    table: &Table,
) -> Result<u64> {
    let theirs = server_columns(table);
    let ours = table
        .columns
        .iter()
        .map(|(c, kind)| match kind {
            Any => format!("CAST({c} AS TEXT)"),
            _ => (*c).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let server_rows = tx.query_raw(
        format!("SELECT {theirs} FROM {} ORDER BY {}", table.name, table.key).as_str(),
        std::iter::empty::<i32>(),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {ours} FROM {} ORDER BY {}",
        table.name, table.key
    ))?;
    let mut local_rows = stmt.query([])?;
    let mut count = 0u64;
    let mut server_rows = server_rows;
    loop {
        use postgres::fallible_iterator::FallibleIterator;
        let (local, server) = (local_rows.next()?, server_rows.next()?);
        let (local, server) = match (local, server) {
            (None, None) => return Ok(count),
            (Some(local), Some(server)) => (local, server),
            _ => return Err(mismatch(table.name, "the number of rows")),
        };
        for (i, (column, kind)) in table.columns.iter().enumerate() {
            let ours = local_cell(local.get_ref(i)?, *kind)?;
            let theirs = server_cell(&server, i, *kind)?;
            if ours != theirs {
                return Err(mismatch(table.name, column));
            }
        }
        count += 1;
    }
}

fn local_cell(value: ValueRef<'_>, kind: Kind) -> Result<Cell> {
    Ok(match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Real(f) => Cell::Text(f.to_string()),
        ValueRef::Text(t) if kind == Json => Cell::Json(serde_json::from_slice(t)?),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
    })
}

pub(super) fn server_cell(row: &postgres::Row, i: usize, kind: Kind) -> Result<Cell> {
    Ok(match kind {
        Int => row.try_get::<_, Option<i64>>(i)?.map_or(Cell::Null, Cell::Int),
        Blob => row
            .try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Cell::Null, Cell::Blob),
        Json => match row.try_get::<_, Option<String>>(i)? {
            Some(text) => Cell::Json(serde_json::from_str(&text)?),
            None => Cell::Null,
        },
        Text | Time | Any => row
            .try_get::<_, Option<String>>(i)?
            .map_or(Cell::Null, Cell::Text),
    })
}

pub(super) fn mismatch(table: &str, column: &str) -> Error {
    Error::Damaged(format!(
        "Read back from the server, {table} differs from the library in {column}; the push was undone and the server is empty again."
    ))
}
