//! Schema migrations: numbered SQL files in `migrations/`, embedded at build time, applied in
//! order, each in its own transaction, tracked by `PRAGMA user_version`. Append-only: a
//! migration that has shipped is never edited (its SHA-256 is recorded when applied, and a
//! catalog whose recorded hash differs is refused), and a catalog from a newer app is refused
//! untouched.

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// The migration rebuilds a table (SQLite's 12-step procedure for changing a CHECK):
    /// dropping the old table must not run the RESTRICT references of the rows that point
    /// at it, so foreign keys are off for its transaction and checked before it commits.
    pub rebuilds_tables: bool,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        migration!($version, $name, false)
    };
    ($version:literal, $name:literal, rebuilds_tables) => {
        migration!($version, $name, true)
    };
    ($version:literal, $name:literal, $rebuilds:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../migrations/", $name)),
            rebuilds_tables: $rebuilds,
        }
    };
}

/// Every migration, in order. Add new ones at the end; never edit or reorder these.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_catalog.sql"),
    migration!(2, "0002_settings.sql"),
    migration!(3, "0003_image_rotation.sql"),
    migration!(4, "0004_search_batches.sql"),
    migration!(5, "0005_undo_log.sql"),
    migration!(6, "0006_search_flush_size.sql"),
    migration!(7, "0007_variants.sql"),
    migration!(8, "0008_rollup_batches.sql"),
    migration!(9, "0009_phone_photo_types.sql", rebuilds_tables),
];

/// The schema version this build of the app writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

impl Migration {
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
) STRICT";
const RECORD_APPLIED: &str = "INSERT INTO schema_migrations (version, name, sha256) VALUES (?1, ?2, ?3)";
const APPLIED_HASH: &str = "SELECT sha256 FROM schema_migrations WHERE version = ?1";

/// What a migration run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MigrationReport {
    pub from: i64,
    pub to: i64,
    /// The copy taken before migrating a catalog that already had data.
    pub backup: Option<PathBuf>,
}

pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the catalog up to `target` (normally [`latest_version`]). Before touching a catalog
/// that already has a schema, a consistent copy is written into `backup_dir` and fsynced.
pub fn migrate_to(conn: &mut Connection, target: i64, backup_dir: &Path) -> Result<MigrationReport> {
    let from = current_version(conn)?;
    if from > latest_version() {
        return Err(Error::CatalogTooNew {
            found: from,
            supported: latest_version(),
        });
    }
    verify_applied(conn, from)?;
    let mut report = MigrationReport {
        from,
        to: from,
        backup: None,
    };
    if from >= target {
        return Ok(report);
    }
    if from > 0 {
        report.backup = Some(backup_before_migrating(conn, from, backup_dir)?);
    }
    for migration in MIGRATIONS
        .iter()
        .filter(|m| m.version > from && m.version <= target)
    {
        apply(conn, migration)?;
        report.to = migration.version;
    }
    Ok(report)
}

/// Refuses a catalog in which an applied migration differs from the one this app embeds:
/// that means someone edited a shipped migration, and the schema is not what the code expects.
fn verify_applied(conn: &Connection, applied_up_to: i64) -> Result<()> {
    if applied_up_to == 0 {
        return Ok(());
    }
    conn.execute(CREATE_LEDGER, [])?;
    for migration in MIGRATIONS.iter().filter(|m| m.version <= applied_up_to) {
        let recorded: Option<String> = conn
            .query_row(APPLIED_HASH, [migration.version], |r| r.get(0))
            .optional()?;
        if recorded.is_some_and(|h| h != migration.sha256()) {
            return Err(Error::Damaged(format!(
                "Migration {} was changed after this catalog applied it; the catalog was not opened.",
                migration.name
            )));
        }
    }
    Ok(())
}

fn apply(conn: &mut Connection, migration: &Migration) -> Result<()> {
    if !migration.rebuilds_tables {
        return apply_in_transaction(conn, migration);
    }
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it, and
    // back on whatever the migration did; the transaction itself refuses broken references.
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_in_transaction(conn, migration);
    conn.pragma_update(None, "foreign_keys", true)?;
    applied
}

fn apply_in_transaction(conn: &mut Connection, migration: &Migration) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(migration.sql)
        .map_err(|e| Error::Internal(format!("Migration {} failed: {e}", migration.name)))?;
    tx.execute(CREATE_LEDGER, [])?;
    tx.execute(
        RECORD_APPLIED,
        (migration.version, migration.name, migration.sha256()),
    )?;
    tx.pragma_update(None, "user_version", migration.version)?;
    let violations: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if violations > 0 {
        return Err(Error::Damaged(format!(
            "Migration {} left {violations} broken references; it was rolled back.",
            migration.name
        )));
    }
    tx.commit()?;
    Ok(())
}

/// `VACUUM INTO` a timestamped file, then fsync it: a consistent copy even while other
/// connections read.
fn backup_before_migrating(conn: &Connection, from: i64, backup_dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(backup_dir).map_err(|e| Error::io("Can't create", backup_dir, e))?;
    let stamp: String = conn.query_row("SELECT strftime('%Y%m%dT%H%M%fZ','now')", [], |r| r.get(0))?;
    let path = backup_dir.join(format!("pre-migration-v{from}-{}.db", stamp.replace('.', "")));
    let target = path
        .to_str()
        .ok_or_else(|| Error::Internal("non-UTF-8 backup path".into()))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    std::fs::File::open(&path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("Can't flush the pre-migration backup", &path, e))?;
    Ok(path)
}
