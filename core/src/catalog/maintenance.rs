//! Maintenance: `check` looks for damage without changing anything a seller made;
//! `optimize` keeps the file fast and small; `stats` counts.

use super::Catalog;
use crate::error::Result;
use rusqlite::Connection;
use serde::Serialize;

/// One thing `check` found wrong.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// `integrity`, `foreign_key`, `search_index`, and the image checks' kinds.
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckReport {
    pub findings: Vec<Finding>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    pub fn add(&mut self, kind: &str, message: impl Into<String>) {
        self.findings.push(Finding {
            kind: kind.to_owned(),
            message: message.into(),
        });
    }
}

const FTS_OUT_OF_SYNC: &str = "SELECT count(*) FROM products AS p
  LEFT JOIN product_search AS s ON s.rowid = p.id
  WHERE s.rowid IS NULL OR s.sku IS NOT p.sku OR s.name IS NOT p.name
     OR s.description IS NOT p.description";
const FTS_ORPHANS: &str = "SELECT count(*) FROM product_search
  WHERE rowid NOT IN (SELECT id FROM products)";

/// SQLite's `integrity_check`, `foreign_key_check`, and whether the search rows match the
/// products. Reads only, so it runs on a read-only connection beside the writer. The
/// search index's own structural check is inside `integrity_check`: since SQLite 3.44 it
/// runs each FTS5 table's `'integrity-check'` and reports what that finds as `fts5:` lines
/// (running the command as well reported the same damage twice, and needs a write lock).
pub fn check_database(conn: &Connection, report: &mut CheckReport) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = line?;
        match line.as_str() {
            "ok" => {}
            l if l.starts_with("fts5:") => report.add(
                "search_index",
                format!("The search index is damaged ({l}); run `shelf optimize --rebuild-search`."),
            ),
            _ => report.add("integrity", line),
        }
    }
    let mut stmt = conn.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (table, rowid, parent) = row?;
        report.add(
            "foreign_key",
            format!(
                "{table} row {} points at a missing {parent} row",
                rowid.unwrap_or(-1)
            ),
        );
    }
    let out_of_sync: i64 = conn.query_row(FTS_OUT_OF_SYNC, [], |r| r.get(0))?;
    let orphans: i64 = conn.query_row(FTS_ORPHANS, [], |r| r.get(0))?;
    if out_of_sync + orphans > 0 {
        report.add(
            "search_index",
            format!(
                "{} search entries don't match their products; run `shelf optimize --rebuild-search`.",
                out_of_sync + orphans
            ),
        );
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Stats {
    pub products: i64,
    pub active: i64,
    pub draft: i64,
    pub archived: i64,
    pub in_trash: i64,
    pub users: i64,
    pub categories: i64,
    pub tags: i64,
    pub originals: i64,
    pub original_bytes: i64,
    pub audit_entries: i64,
    pub schema_version: i64,
    pub file_bytes: i64,
}

const STATS: &str = "SELECT
  (SELECT count(*) FROM products WHERE deleted_at IS NULL),
  (SELECT count(*) FROM products WHERE deleted_at IS NULL AND status = 'active'),
  (SELECT count(*) FROM products WHERE deleted_at IS NULL AND status = 'draft'),
  (SELECT count(*) FROM products WHERE deleted_at IS NULL AND status = 'archived'),
  (SELECT count(*) FROM products WHERE deleted_at IS NOT NULL),
  (SELECT count(*) FROM users),
  (SELECT count(*) FROM categories),
  (SELECT count(*) FROM tags),
  (SELECT count(*) FROM originals),
  (SELECT coalesce(sum(byte_size), 0) FROM originals),
  (SELECT count(*) FROM audit_log),
  (SELECT user_version FROM pragma_user_version),
  (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size)";

pub fn stats(conn: &Connection) -> Result<Stats> {
    Ok(conn.query_row(STATS, [], |r| {
        Ok(Stats {
            products: r.get(0)?,
            active: r.get(1)?,
            draft: r.get(2)?,
            archived: r.get(3)?,
            in_trash: r.get(4)?,
            users: r.get(5)?,
            categories: r.get(6)?,
            tags: r.get(7)?,
            originals: r.get(8)?,
            original_bytes: r.get(9)?,
            audit_entries: r.get(10)?,
            schema_version: r.get(11)?,
            file_bytes: r.get(12)?,
        })
    })?)
}

impl Catalog {
    /// Checks the catalog file through this connection. (`images::check_library` checks the
    /// file and the photos through a reader of its own.)
    pub fn check(&self) -> Result<CheckReport> {
        let mut report = CheckReport::default();
        check_database(self.conn(), &mut report)?;
        Ok(report)
    }

    /// `PRAGMA optimize`, merges the search index's segments and returns free pages to the
    /// file system (the catalog uses incremental auto-vacuum).
    pub fn optimize(&self) -> Result<()> {
        self.conn().execute(
            "INSERT INTO product_search (product_search) VALUES ('optimize')",
            [],
        )?;
        self.conn()
            .execute_batch("PRAGMA optimize; PRAGMA incremental_vacuum;")?;
        Ok(())
    }

    /// Rebuilds the search index from the products and their tags (after damage, or after
    /// another tool bypassed the triggers).
    pub fn rebuild_search(&mut self) -> Result<()> {
        self.write(|w| {
            w.tx().execute_batch(super::search::REINDEX_ALL)?;
            Ok(())
        })
    }
}
