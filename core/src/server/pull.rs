//! `shelf server pull`: a new local library made from a team server's catalog (every row,
//! the audit and deletion history, the photos), compared row by row with the server before
//! it is committed, as `push` does the other way.
//!
//! The server is read in one read-only REPEATABLE READ transaction, so the library is the
//! catalog as it was at one moment whatever the others save meanwhile. The library is
//! written in one SQLite transaction into a catalog the migrations have just made. SQLite
//! can't switch triggers off, so the transaction drops them and makes them again from their
//! own definitions before it commits (a restore compares the schema with the migrations',
//! and finds it the same); references are checked at commit (`defer_foreign_keys`) and by
//! `foreign_key_check` before it. Photos are written to `originals/` first, each checked
//! against its name; a pull that fails removes what it wrote.

use super::migrations as server_migrations;
use super::push::{
    column_list, compare_table, mismatch, server_cell, server_columns, Cell, Kind, Table, TABLES,
};
use crate::catalog::search::REINDEX_ALL;
use crate::db::{self, Access};
use crate::error::{Error, Result};
use crate::images::decode::Format;
use crate::images::store;
use crate::library::Library;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, IsolationLevel};
use rusqlite::types::Value;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Instant;

const TRIGGERS: &str = "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name";
const PHOTOS: &str = "SELECT sha256, mime, bytes FROM originals ORDER BY sha256";
const PUT_DEFAULT_CURRENCY: &str =
    "UPDATE settings SET value = json_quote(?1) WHERE key = 'default_currency'";

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PullReport {
    /// Rows copied and compared, per table.
    pub tables: Vec<(String, u64)>,
    pub photos: u64,
    pub photo_bytes: u64,
    pub seconds: f64,
}

/// Makes a library at `root`, a folder that holds no files yet (empty sub-folders are
/// fine: the command line makes them), from the server `client` is connected to, which must
/// be at this app's schema version. A pull that fails removes what it wrote.
pub fn pull(client: &mut Client, root: &Path) -> Result<PullReport> {
    let started = Instant::now();
    if holds_files(root)? {
        return Err(Error::Refused {
            field: Some("library"),
            message: format!(
                "{} already holds files; a pull makes a new library. Pick a new or empty folder.",
                root.display()
            ),
        });
    }
    let library = Library::create_at(root)?;
    let pulled = pull_into(client, &library);
    if pulled.is_err() {
        // The folder held no file before, so everything in it is this pull's.
        let _ = std::fs::remove_dir_all(library.root());
    }
    let mut report = pulled?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Whether `dir` (absent is fine) has a file anywhere in it; links count as files.
fn holds_files(dir: &Path) -> Result<bool> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io("Can't read", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("Can't read", dir, e))?;
        let kind = entry
            .file_type()
            .map_err(|e| Error::io("Can't read", entry.path(), e))?;
        if !kind.is_dir() || holds_files(&entry.path())? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Refuses a server whose catalog is not at this app's schema version.
fn refuse_other_schema(client: &mut Client) -> Result<()> {
    let version = server_migrations::current_version(client)?;
    if version == server_migrations::latest_version() {
        return Ok(());
    }
    Err(other_schema(version))
}

/// The refusal of a server catalog at `version`, another schema than this app's.
pub(super) fn other_schema(version: i64) -> Error {
    Error::Refused {
        field: Some("server"),
        message: format!(
            "The server's catalog is at schema {version} and this app writes {}. Connect once as the role that owns the shop's database (that brings the catalog up to date), then try again.",
            server_migrations::latest_version()
        ),
    }
}

fn pull_into(client: &mut Client, library: &Library) -> Result<PullReport> {
    refuse_other_schema(client)?;
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let mut report = PullReport::default();
    write_photos(&mut tx, library, &mut report)?;

    let mut conn = db::open(&library.catalog_path(), Access::ReadWrite)?;
    crate::migrations::migrate_to(
        &mut conn,
        crate::migrations::latest_version(),
        &library.backups_dir(),
    )?;
    let sqlite = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    sqlite.pragma_update(None, "defer_foreign_keys", true)?;
    let triggers: Vec<(String, String)> = sqlite
        .prepare(TRIGGERS)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &triggers {
        sqlite.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
    }
    for table in TABLES {
        copy_table(&mut tx, &sqlite, table)?;
    }
    let currency: String = tx.query_one(super::push::SERVER_DEFAULT_CURRENCY, &[])?.get(0);
    sqlite.execute(PUT_DEFAULT_CURRENCY, [&currency])?;
    sqlite.execute_batch(REINDEX_ALL)?;
    for (_, sql) in &triggers {
        sqlite.execute_batch(sql)?;
    }
    let broken: i64 = sqlite.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if broken > 0 {
        return Err(Error::Damaged(format!(
            "The server's catalog has {broken} references to rows that aren't there; nothing was pulled."
        )));
    }
    for table in TABLES {
        let rows = compare_table(&sqlite, &mut tx, table)?;
        report.tables.push((table.name.to_owned(), rows));
    }
    sqlite.commit()?;
    tx.commit()?;
    Ok(report)
}

/// Every photo's bytes into `originals/`, each checked against the hash it is named by
/// (the server checks it too; a file is trusted by what it is, not by where it came from).
fn write_photos(
    tx: &mut postgres::Transaction<'_>,
    library: &Library,
    report: &mut PullReport,
) -> Result<()> {
    let mut rows = tx.query_raw(PHOTOS, std::iter::empty::<i32>())?;
    while let Some(row) = rows.next()? {
        let (sha256, mime, bytes): (String, String, Vec<u8>) = (row.get(0), row.get(1), row.get(2));
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(mismatch("originals", "a photo's bytes"));
        }
        let format = Format::from_mime(&mime)
            .ok_or_else(|| Error::Damaged(format!("Photo {sha256} has an unknown type {mime}.")))?;
        store::write_original(library, &sha256, format, &bytes)?;
        report.photos += 1;
        report.photo_bytes += bytes.len() as u64;
    }
    Ok(())
}

/// One table's rows from the server into the library, as the library stores them: the logs'
/// row keys back to integers where they are integers, as SQLite wrote them.
fn copy_table(
    tx: &mut postgres::Transaction<'_>,
    sqlite: &rusqlite::Transaction<'_>,
    table: &Table,
) -> Result<()> {
    let placeholders = vec!["?"; table.columns.len()].join(", ");
    let mut insert = sqlite.prepare(&format!(
        "INSERT INTO {} ({}) VALUES ({placeholders})",
        table.name,
        column_list(table)
    ))?;
    let select = format!(
        "SELECT {} FROM {} ORDER BY {}",
        server_columns(table),
        table.name,
        table.key
    );
    let mut rows = tx.query_raw(select.as_str(), std::iter::empty::<i32>())?;
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(table.columns.len());
        for (i, (_, kind)) in table.columns.iter().enumerate() {
            values.push(match (server_cell(&row, i, *kind)?, kind) {
                (Cell::Null, _) => Value::Null,
                (Cell::Int(n), _) => Value::Integer(n),
                (Cell::Text(t), Kind::Any) => t.parse::<i64>().map_or(Value::Text(t), Value::Integer),
                (Cell::Text(t), _) => Value::Text(t),
                (Cell::Json(json), _) => Value::Text(json.to_string()),
                (Cell::Blob(b), _) => Value::Blob(b),
            });
        }
        insert.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}
