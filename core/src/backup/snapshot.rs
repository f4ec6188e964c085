//! The catalog snapshot: taken with SQLite's online backup API from a separate read-only
//! connection in one step, so it is one consistent read transaction while the app keeps
//! writing (WAL lets the writer carry on); and checked (integrity, foreign keys, schema
//! version, row counts) before a backup is reported done or a restore goes ahead.

use crate::db::{self, Access};
use crate::error::{Error, Result};
use crate::migrations;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// What a checked snapshot holds.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotFacts {
    pub schema_version: i64,
    pub created_at: String,
    pub row_counts: BTreeMap<String, i64>,
}

const TABLES: &str =
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

/// Copies the catalog at `source` into a new file `target` as one consistent snapshot.
pub fn take(source: &Path, target: &Path) -> Result<()> {
    let from = db::open(source, Access::ReadOnly)?;
    let mut to = db::open(target, Access::ReadWrite)?;
    // A scratch file: the backup archive is what is made durable (and it is synced before it
    // gets its name), so the copy need not wait for the disk at each of its commits.
    to.pragma_update(None, "synchronous", "OFF")?;
    {
        let backup = Backup::new(&from, &mut to)?;
        // All pages in one step: one read transaction, so the copy is of one moment.
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
    // A single self-contained file: fold the WAL back in and leave no side files.
    let _: String = to.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    to.close().map_err(|(_, e)| Error::from(e))
}

/// Checks a snapshot file: schema not newer than this app, `integrity_check` ok, no
/// foreign-key violations. Returns its version and row counts.
pub fn check(path: &Path) -> Result<SnapshotFacts> {
    let conn = open_for_check(path)?;
    let facts = check_conn(&conn, path);
    drop(conn);
    remove_side_files(path);
    // SQLite's own complaints about the file (malformed, not a database) mean damage.
    facts.map_err(|e| match e {
        Error::Sqlite(inner) => Error::Damaged(format!("The catalog in the backup is damaged: {inner}.")),
        other => other,
    })
}

fn open_for_check(path: &Path) -> Result<Connection> {
    db::open(path, Access::Snapshot)
        .map_err(|e| Error::Damaged(format!("The catalog in the backup can't be opened: {e}")))
}

fn check_conn(conn: &Connection, path: &Path) -> Result<SnapshotFacts> {
    let schema_version = migrations::current_version(conn)?;
    if schema_version > migrations::latest_version() {
        return Err(Error::refused(format!(
            "The backup's catalog was made by a newer Shelfkeeper (schema {schema_version}; this app knows up to {}). Update Shelfkeeper to restore it; nothing was changed.",
            migrations::latest_version()
        )));
    }
    check_schema(conn, path, schema_version)?;
    let damaged =
        |what: String| Error::Damaged(format!("The catalog in {} is damaged: {what}.", path.display()));
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        return Err(damaged(format!("integrity check says {}", integrity.join("; "))));
    }
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if broken > 0 {
        return Err(damaged(format!("{broken} rows refer to rows that don't exist")));
    }
    let created_at: String =
        conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%fZ','now')", [], |r| r.get(0))?;
    Ok(SnapshotFacts {
        schema_version,
        created_at,
        row_counts: row_counts(conn)?,
    })
}

pub fn row_counts(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let tables: Vec<String> = conn
        .prepare(TABLES)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut counts = BTreeMap::new();
    for table in tables {
        // Table names come from sqlite_schema, not from input; quoted as identifiers.
        let sql = format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\""));
        counts.insert(table, conn.query_row(&sql, [], |r| r.get(0))?);
    }
    Ok(counts)
}

/// `-wal` and `-shm` left by a check connection.
/// Every object of a schema but SQLite's own, by name: its type and its SQL, white space
/// folded.
const SCHEMA: &str = "SELECT name, type, coalesce(sql, '') FROM sqlite_schema
  WHERE name NOT LIKE 'sqlite_%' ORDER BY name";

type Schema = std::collections::BTreeMap<String, (String, String)>;

fn schema_of(conn: &Connection) -> Result<Schema> {
    let mut stmt = conn.prepare(SCHEMA)?;
    let rows = stmt.query_map([], |r| {
        let sql: String = r.get(2)?;
        Ok((
            r.get(0)?,
            (r.get(1)?, sql.split_whitespace().collect::<Vec<_>>().join(" ")),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The schema this app's migrations make for `version`, built in a scratch file beside
/// `path` (removed after).
fn reference_schema(path: &Path, version: i64) -> Result<Schema> {
    let scratch = path.with_extension("reference.db");
    let _ = std::fs::remove_file(&scratch);
    let made = (|| {
        let mut conn = db::open(&scratch, Access::ReadWrite)?;
        migrations::migrate_to(&mut conn, version, path.parent().unwrap_or(path))?;
        schema_of(&conn)
    })();
    let _ = std::fs::remove_file(&scratch);
    remove_side_files(&scratch);
    made
}

/// A backup's catalog must have exactly the schema the app makes for its version: a trigger,
/// view or index added, a CHECK or audit trigger dropped, a table changed, each is refused by
/// name (a hostile or tampered backup would otherwise bring its own rules in).
fn check_schema(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    let found = schema_of(conn)?;
    let expected = reference_schema(path, version)?;
    let mut differences = Vec::new();
    for (name, (kind, sql)) in &found {
        match expected.get(name) {
            None => differences.push(format!("an extra {kind} {name}")),
            Some((want_kind, want_sql)) if want_kind != kind || want_sql != sql => {
                differences.push(format!("a changed {kind} {name}"))
            }
            Some(_) => {}
        }
    }
    for (name, (kind, _)) in &expected {
        if !found.contains_key(name) {
            differences.push(format!("no {kind} {name}"));
        }
    }
    if differences.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = differences.iter().take(5).map(String::as_str).collect();
    Err(Error::Damaged(format!(
        "The catalog in the backup is not one Shelfkeeper made: it has {}{}. Nothing was changed.",
        shown.join(", "),
        if differences.len() > 5 { ", ..." } else { "" }
    )))
}

pub fn remove_side_files(path: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(side));
    }
}
