//! The one place that opens the catalog file. Every PRAGMA the catalog rules ask for is set
//! and checked here, so no caller can forget one (clippy's `disallowed-methods` points every
//! other `Connection::open` at this module).

use crate::error::{Error, Result};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// How long a write waits for another writer (another app window, the CLI, a seller's
/// sqlite3 shell) before giving up with "database is locked".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The writer's page cache, in KiB (a negative `cache_size` is KiB, not pages).
const WRITER_CACHE_KIB: i64 = -65536;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// May write. Creates the file when absent.
    ReadWrite,
    /// Reads only (`query_only`), for readers beside the one writer.
    ReadOnly,
    /// A self-contained file nothing else writes (a backup's snapshot, an unpacked backup):
    /// opened read-only as it is, its journal mode left alone, so reading it never changes a
    /// byte of it. Switching it to WAL, as the catalog's connections do, rewrites its header;
    /// a backup hashes the snapshot while it is being checked, and must hash what was checked.
    Snapshot,
}

/// Opens `path` with the catalog's connection settings:
/// - `auto_vacuum = INCREMENTAL` before the first table exists (it cannot change later);
/// - WAL, so readers never block the writer and the writer never blocks readers;
/// - `synchronous = FULL`: in WAL mode NORMAL can lose the last commits on power loss, and a
///   seller's last edits matter more than the few hundred microseconds per commit FULL costs
///   (see BENCHMARKS.md);
/// - foreign keys on, and verified, because SQLite silently ignores the PRAGMA in some builds;
/// - a 64 MiB page cache for the writer (SQLite's default is 2 MiB): a bulk insert updates
///   eight indexes and the search index in key order, not insertion order, and with the
///   small cache it re-reads the same pages from the OS over and over (about 20% of a
///   100,000-product insert);
/// - `temp_store = MEMORY`: every INSERT on a table with triggers or foreign keys keeps a
///   statement journal so it can be undone alone, and by default that journal is a temporary
///   file written with a system call per page (a third of the time of row-by-row inserts, 5%
///   of a batched bulk insert). In memory it costs a copy; sorts for ORDER BY and index
///   building also stay in memory, which at catalog sizes is a few MiB.
pub fn open(path: &Path, access: Access) -> Result<Connection> {
    let flags = match access {
        Access::Snapshot => OpenFlags::SQLITE_OPEN_READ_ONLY,
        Access::ReadWrite | Access::ReadOnly => {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        }
    };
    #[allow(clippy::disallowed_methods)] // this is the opener everything else must use
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // A catalog may come from anywhere (another tool, a restored backup): its schema is not
    // trusted to run functions with side effects from triggers or views, and defensive mode
    // refuses writes that can corrupt the file (`writable_schema`, direct page edits).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    // Statements on tables with triggers compile those triggers too: keep them prepared.
    conn.set_prepared_statement_cache_capacity(128);
    if access == Access::Snapshot {
        return finish(conn, access);
    }
    let fresh: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    if fresh == 0 {
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    }
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Damaged(format!(
            "The catalog could not switch to WAL mode (it is in {mode} mode); is the folder on a network drive?"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    finish(conn, access)
}

/// The settings every connection gets, whatever its access: foreign keys (verified), memory
/// temp store, and the writer's cache or the readers' `query_only`.
fn finish(conn: Connection, access: Access) -> Result<Connection> {
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    if !fk {
        return Err(Error::Internal("SQLite refused to turn foreign keys on.".into()));
    }
    match access {
        Access::ReadWrite => conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?,
        Access::ReadOnly | Access::Snapshot => conn.pragma_update(None, "query_only", true)?,
    }
    Ok(conn)
}
