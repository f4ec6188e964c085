//! The server's schema migrations: numbered SQL files in `migrations/postgres/`, embedded at
//! build time and applied in order, each in its own transaction, tracked in
//! `schema_migrations` with the SHA-256 of what was applied. As for SQLite
//! (`crate::migrations`): append-only, a server whose recorded hash differs is refused, and a
//! server migrated by a newer app is refused untouched.
//!
//! Two computers may connect to a fresh server at the same moment: the migrating transaction
//! takes a transaction-level advisory lock first, so the second waits, then finds the work
//! done.

use crate::error::{Error, Result};
use crate::migrations::{Migration, MigrationReport};
use postgres::Client;

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../../migrations/postgres/", $name)),
            rebuilds_tables: false,
        }
    };
}

/// Every server migration, in order. Add new ones at the end; never edit or reorder these.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_catalog.sql"),
    migration!(2, "0002_millisecond_timestamps.sql"),
    migration!(3, "0003_search_words_in_order.sql"),
    migration!(4, "0004_product_json.sql"),
    migration!(5, "0005_product_pages.sql"),
    migration!(6, "0006_people.sql"),
    migration!(7, "0007_person_active.sql"),
    migration!(8, "0008_history_and_taxonomy.sql"),
    migration!(9, "0009_csv_mappings.sql"),
    migration!(10, "0010_linear_statement_triggers.sql"),
    migration!(11, "0011_search_walk.sql"),
];

/// The server schema version this build of the app writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The advisory lock a migrating connection holds ("shelf" in ASCII).
const MIGRATION_LOCK: i64 = 0x73_6865_6c66;

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY NOT NULL,
  name text NOT NULL,
  sha256 text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)";
const TAKE_LOCK: &str = "SELECT pg_advisory_lock($1)";
const RELEASE_LOCK: &str = "SELECT pg_advisory_unlock($1)";
const LEDGER_EXISTS: &str = "SELECT to_regclass('schema_migrations') IS NOT NULL";
const APPLIED: &str = "SELECT version::bigint, sha256 FROM schema_migrations ORDER BY version";
const RECORD_APPLIED: &str = "INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)";

/// The schema version the server's database is at (0 for an empty database).
pub fn current_version(client: &mut Client) -> Result<i64> {
    Ok(applied(client)?.last().map_or(0, |(v, _)| *v))
}

fn applied(client: &mut Client) -> Result<Vec<(i64, String)>> {
    if !client.query_one(LEDGER_EXISTS, &[])?.get::<_, bool>(0) {
        return Ok(Vec::new());
    }
    Ok(client
        .query(APPLIED, &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Brings the server's database up to [`latest_version`]. A server backup is the server's
/// business (its own dumps and snapshots), so unlike SQLite no copy is taken first; each
/// migration is one transaction, and a failed one leaves the database as it was.
pub fn migrate(client: &mut Client) -> Result<MigrationReport> {
    // Held for the whole run, so a second computer migrating at the same moment waits, then
    // finds every migration done (each is still its own transaction).
    client.execute(TAKE_LOCK, &[&MIGRATION_LOCK])?;
    let migrated = migrate_holding_lock(client);
    let released = client.execute(RELEASE_LOCK, &[&MIGRATION_LOCK]);
    let report = migrated?;
    released?;
    Ok(report)
}

fn migrate_holding_lock(client: &mut Client) -> Result<MigrationReport> {
    client.batch_execute(CREATE_LEDGER)?;
    let from = current_version(client)?;
    let mut report = MigrationReport {
        from,
        to: from,
        backup: None,
    };
    for migration in MIGRATIONS {
        let mut tx = client.transaction()?;
        let done = verified(tx.query(APPLIED, &[])?.iter().map(|r| (r.get(0), r.get(1))))?;
        if done >= migration.version {
            continue;
        }
        tx.batch_execute(migration.sql)
            .map_err(|e| Error::Internal(format!("Server migration {} failed: {e}", migration.name)))?;
        tx.execute(
            RECORD_APPLIED,
            &[&(migration.version as i32), &migration.name, &migration.sha256()],
        )?;
        tx.commit()?;
        report.to = migration.version;
    }
    Ok(report)
}

/// The version the ledger's rows reach, once each is known to be what this app embeds.
fn verified(rows: impl Iterator<Item = (i64, String)>) -> Result<i64> {
    let mut done = 0;
    for (version, sha256) in rows {
        let Some(ours) = MIGRATIONS.iter().find(|m| m.version == version) else {
            return Err(Error::CatalogTooNew {
                found: version,
                supported: latest_version(),
            });
        };
        if ours.sha256() != sha256 {
            return Err(Error::Damaged(format!(
                "Server migration {} was changed after this server applied it; the catalog was not opened.",
                ours.name
            )));
        }
        done = version;
    }
    Ok(done)
}
