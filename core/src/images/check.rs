//! Integrity of the image library: what `check` reports (missing originals, originals whose
//! bytes changed, thumbnails missing or over the cap, files no row names), what `repair`
//! fixes (thumbnails made again, orphans moved to `trash/`), and the sweep every open runs
//! after a crash (temporary files removed, orphans moved to `trash/`, never deleted).

use super::decode::{self, Format};
use super::store;
use super::thumbnail::{self, THUMBNAIL_CAP};
use super::Thumbnail;
use crate::catalog::maintenance::{check_database, CheckReport};
use crate::error::{Error, Result};
use crate::job::{ItemResult, Job, JobReport, Progress};
use crate::library::Library;
use crate::Catalog;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Read;
use std::path::PathBuf;

/// What the start-up sweep did.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SweepReport {
    pub temp_files_removed: usize,
    /// Where each orphan original went, inside `trash/originals/`.
    pub orphans_moved: Vec<PathBuf>,
    /// True when an import was running (here or in another process), so nothing was moved.
    pub skipped_busy: bool,
}

struct OriginalRow {
    sha256: String,
    mime: String,
    byte_size: i64,
    file_name: String,
}

const ORIGINALS: &str = "SELECT sha256, mime, byte_size, file_name FROM originals ORDER BY sha256";

fn originals(conn: &Connection) -> Result<Vec<OriginalRow>> {
    let mut stmt = conn.prepare(ORIGINALS)?;
    let rows = stmt.query_map([], |r| {
        Ok(OriginalRow {
            sha256: r.get(0)?,
            mime: r.get(1)?,
            byte_size: r.get(2)?,
            file_name: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `sha256.ext` of every original the catalog names.
fn known_names(rows: &[OriginalRow]) -> HashSet<String> {
    rows.iter()
        .filter_map(|r| Format::from_mime(&r.mime).map(|f| format!("{}.{}", r.sha256, f.extension())))
        .collect()
}

fn path_of(library: &Library, row: &OriginalRow) -> Result<PathBuf> {
    let format = Format::from_mime(&row.mime)
        .ok_or_else(|| Error::Damaged(format!("Photo {} has an unknown type {}.", row.sha256, row.mime)))?;
    library.original_path(&row.sha256, format.extension())
}

/// After a crash: removes temporary files and moves originals that no row names into
/// `trash/originals/`. Skipped (and says so) while any import holds the import lock.
pub fn sweep_on_open(library: &Library, conn: &Connection) -> Result<SweepReport> {
    let Some(_lock) = store::try_lock_exclusive(library)? else {
        return Ok(SweepReport {
            skipped_busy: true,
            ..SweepReport::default()
        });
    };
    let mut report = SweepReport::default();
    for temp in store::temp_files(library)? {
        if fs::remove_file(&temp).is_ok() {
            report.temp_files_removed += 1;
        }
    }
    for stale in store::stale_temp_dirs(library)? {
        if fs::remove_dir_all(&stale).is_ok() {
            report.temp_files_removed += 1;
        }
    }
    let known = known_names(&originals(conn)?);
    for orphan in store::orphans(library, &known)? {
        report.orphans_moved.push(store::move_to_trash(library, &orphan)?);
    }
    Ok(report)
}

const THUMBNAILS_OVER_CAP: &str = "SELECT sha256, length(bytes) FROM thumbnails WHERE length(bytes) > ?1";
const MISSING_THUMBNAILS: &str = "SELECT o.sha256, o.file_name FROM originals AS o
  LEFT JOIN thumbnails AS t ON t.sha256 = o.sha256 WHERE t.sha256 IS NULL";

/// The whole `check`: the catalog file's own checks, then the image library's. It reads
/// through its own read-only connection, so it neither waits for nor holds up the writer: a
/// deep check of a large photo library takes minutes, and the seller's edits save meanwhile.
/// With `deep`, every original is read and hashed again (with progress), which finds files
/// changed in place.
pub fn check_library(library: &Library, deep: bool, job: &Job) -> Result<CheckReport> {
    let conn = Catalog::open_reader(library)?;
    let mut report = CheckReport::default();
    check_database(&conn, &mut report)?;
    check_originals(&conn, library, deep, job, &mut report)?;
    check_thumbnails(&conn, &mut report)?;
    check_orphans(&conn, library, &mut report)?;
    Ok(report)
}

/// Each original's file: there, the size it was imported at, and with `deep` the same hash.
/// A row purged while the check runs is not reported missing (its file went with it).
fn check_originals(
    conn: &Connection,
    library: &Library,
    deep: bool,
    job: &Job,
    report: &mut CheckReport,
) -> Result<()> {
    let rows = originals(conn)?;
    let mut progress = Progress {
        total: rows.len() as u64,
        ..Progress::default()
    };
    for row in &rows {
        job.check_cancelled()?;
        let path = path_of(library, row)?;
        progress.current = Some(row.file_name.clone());
        match fs::metadata(&path) {
            Err(_) if !still_listed(conn, &row.sha256)? => {}
            Err(_) => report.add("original_missing", missing(conn, row, &path)?),
            Ok(meta) if meta.len() != row.byte_size as u64 => {
                report.add("original_changed", changed(conn, row, &path)?)
            }
            Ok(meta) => {
                if deep && hash_file(&path)? != row.sha256 {
                    report.add("original_changed", changed(conn, row, &path)?);
                }
                progress.bytes += meta.len();
            }
        }
        progress.done += 1;
        job.report(&progress);
    }
    Ok(())
}

const STILL_LISTED: &str = "SELECT 1 FROM originals WHERE sha256 = ?1";

fn still_listed(conn: &Connection, sha256: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(STILL_LISTED)?
        .query_row([sha256], |_| Ok(()))
        .optional()?
        .is_some())
}

fn check_thumbnails(conn: &Connection, report: &mut CheckReport) -> Result<()> {
    let mut stmt = conn.prepare(THUMBNAILS_OVER_CAP)?;
    for row in stmt.query_map([THUMBNAIL_CAP as i64], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (sha256, len) = row?;
        report.add(
            "thumbnail_too_large",
            format!("The thumbnail of {sha256} is {len} bytes, over the {THUMBNAIL_CAP}-byte cap."),
        );
    }
    let mut stmt = conn.prepare(MISSING_THUMBNAILS)?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (sha256, name) = row?;
        report.add(
            "thumbnail_missing",
            format!("{name} ({sha256}) has no thumbnail; `shelf repair` makes it again."),
        );
    }
    Ok(())
}

/// Files in `originals/` that no row names. An import writes its files before it commits
/// their rows, so while one runs (it holds the import lock) this part is skipped rather than
/// reporting its files as strays. The rows are read again under the lock, not reused from
/// `check_originals`: an import may have committed new ones during a long deep check.
fn check_orphans(conn: &Connection, library: &Library, report: &mut CheckReport) -> Result<()> {
    let Some(_no_import_running) = store::try_lock_exclusive(library)? else {
        return Ok(());
    };
    for orphan in store::orphans(library, &known_names(&originals(conn)?))? {
        report.add(
            "orphan_file",
            format!(
                "{} is not in the catalog; `shelf repair` moves it to the trash folder.",
                orphan.display()
            ),
        );
    }
    Ok(())
}

fn missing(conn: &Connection, row: &OriginalRow, path: &std::path::Path) -> Result<String> {
    Ok(format!(
        "The photo {} is missing from the library folder: it belongs at {}. Put the file back there (from a backup or where you first had it).",
        photo_of(conn, row)?,
        path.display()
    ))
}

fn changed(conn: &Connection, row: &OriginalRow, path: &std::path::Path) -> Result<String> {
    Ok(format!(
        "The photo {} at {} is not the file that was imported: its content has changed since. Put the original back from a backup.",
        photo_of(conn, row)?,
        path.display()
    ))
}

const PRODUCTS_USING: &str = "SELECT p.name || ' (' || p.sku || ')' FROM product_images AS i
  JOIN products AS p ON p.id = i.product_id WHERE i.sha256 = ?1 ORDER BY p.name, p.id LIMIT 4";

/// A photo as a seller knows it: its file name and the products it shows, e.g.
/// "front.jpg (of Linen shirt (LS-S))".
fn photo_of(conn: &Connection, row: &OriginalRow) -> Result<String> {
    let products: Vec<String> = conn
        .prepare_cached(PRODUCTS_USING)?
        .query_map([&row.sha256], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if products.is_empty() {
        row.file_name.clone()
    } else {
        format!("{} (of {})", row.file_name, products.join(", "))
    })
}

fn hash_file(path: &std::path::Path) -> Result<String> {
    let io = |e| Error::io("Can't read", path, e);
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Makes an original's thumbnail again from its file, with `rotation` applied.
pub fn thumbnail_from_original(catalog: &Catalog, sha256: &str, rotation: i64) -> Result<Thumbnail> {
    let (path, _) = super::original_file(catalog, sha256)?;
    let bytes = fs::read(&path).map_err(|e| Error::io("Can't read", &path, e))?;
    thumbnail_from_bytes(&bytes, rotation)
}

/// The thumbnail of an original's `bytes`, turned `rotation` degrees clockwise.
pub(crate) fn thumbnail_from_bytes(bytes: &[u8], rotation: i64) -> Result<Thumbnail> {
    let format = decode::sniff(bytes)?;
    let decoded = decode::decode(bytes, format, thumbnail::THUMBNAIL_SIDE as u16)?;
    thumbnail::make(decoded, rotation)
}

const MISSING_THUMBNAILS_WITH_ROTATION: &str = "SELECT o.sha256, o.file_name, o.rotation FROM originals AS o
  LEFT JOIN thumbnails AS t ON t.sha256 = o.sha256 WHERE t.sha256 IS NULL";
const INSERT_THUMBNAIL: &str = "INSERT INTO thumbnails (sha256, bytes, mime, width, height)
  VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256) DO NOTHING";

/// Makes missing thumbnails again and moves orphan files to `trash/originals/`.
pub fn repair(catalog: &mut Catalog, job: &Job) -> Result<JobReport> {
    let mut report = JobReport::default();
    let mut stmt = catalog.conn().prepare(MISSING_THUMBNAILS_WITH_ROTATION)?;
    let missing: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    for (sha256, name, rotation) in missing {
        if job.check_cancelled().is_err() {
            report.cancelled = true;
            return Ok(report);
        }
        let made = thumbnail_from_original(catalog, &sha256, rotation).and_then(|t| {
            catalog.write(|w| {
                w.tx().execute(
                    INSERT_THUMBNAIL,
                    params![sha256, t.bytes, t.mime, t.width, t.height],
                )?;
                Ok(())
            })
        });
        report.items.push(match made {
            Ok(()) => ItemResult::done(&name, "Thumbnail made again."),
            Err(err) => ItemResult::refused(&name, &err),
        });
    }
    let sweep = sweep_on_open(catalog.library(), catalog.conn())?;
    if sweep.skipped_busy {
        report.items.push(ItemResult::refused(
            "orphan files",
            &Error::refused("An import is running; run repair again when it has finished."),
        ));
    }
    for moved in sweep.orphans_moved {
        report.items.push(ItemResult::done(
            moved.display().to_string(),
            "Not in the catalog: moved to the trash folder.",
        ));
    }
    Ok(report)
}
