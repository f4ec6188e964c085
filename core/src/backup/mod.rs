//! Backups: one `.zip` a seller can also open by hand, holding `manifest.json`, a consistent
//! `catalog.db` snapshot (SQLite's online backup API, taken while the app keeps working) and
//! `originals/...`. A backup is written under a temporary name, re-read and re-hashed, and
//! only then renamed to its final name. Restores go through a staging folder and two renames
//! (see [`restore`]). Automatic backups and their retention are in [`schedule`].

mod archive;
pub mod auto;
pub(crate) mod clock;
mod manifest;
pub mod restore;
pub mod schedule;
mod snapshot;
mod writer;

pub use archive::{check_name, ArchiveLimits};
pub use manifest::{BackupManifest, ManifestEntry, CATALOG_NAME, FORMAT, FORMAT_VERSION, MANIFEST_NAME};
pub use restore::{
    describe, recover_interrupted_restore, restore, restore_with_limits, sweep_abandoned_restores,
    RestoreSummary,
};
pub use schedule::{retention_deletions, run_scheduled, RetentionPolicy, ScheduledBackup};

use crate::error::{Error, Result};
use crate::export::extension_for_mime;
use crate::job::Job;
use crate::library::{is_sha256_hex, Library};
use crate::migrations;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use writer::Source;

/// What a finished (and verified) backup holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub entries: usize,
    pub originals: usize,
    pub schema_version: i64,
    pub created_at: String,
    pub row_counts: BTreeMap<String, i64>,
    /// Originals the snapshot lists whose file is missing from the library (the maintenance
    /// check reports them too). The backup holds everything else.
    pub originals_missing: Vec<String>,
}

const ORIGINALS_IN_SNAPSHOT: &str = "SELECT sha256, mime FROM originals ORDER BY sha256";

/// Writes a backup of the library to `out`, verifies it and only then gives it its name.
/// The live catalog is only read, through its own connection (SQLite's online backup), so
/// the writer stays free: in the app, edits are saved while a long backup copies photos.
pub fn create(library: &Library, out: &Path, job: &Job) -> Result<BackupSummary> {
    let work = scratch_dir(library)?;
    let partial = sibling_with_suffix(out, &format!(".partial-{}", std::process::id()));
    let result = create_in(library, out, &partial, &work, job);
    let _ = std::fs::remove_dir_all(&work);
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn create_in(library: &Library, out: &Path, partial: &Path, work: &Path, job: &Job) -> Result<BackupSummary> {
    let snapshot_path = work.join(CATALOG_NAME);
    snapshot::take(&library.catalog_path(), &snapshot_path)?;
    job.check_cancelled()?;
    let (originals, missing) = originals_of_snapshot(library, &snapshot_path)?;
    let mut sources: Vec<Source> = vec![(CATALOG_NAME.to_owned(), snapshot_path.clone())];
    sources.extend(originals);
    // The snapshot's integrity and foreign-key checks run on one core while the archive is
    // written on the others; the manifest (written last) needs their row counts.
    let (manifest, file) = std::thread::scope(|scope| {
        let checking = scope.spawn(|| snapshot::check(&snapshot_path));
        writer::write_archive(partial, &sources, || joined(checking), job)
    })?;
    same_bytes_as_checked(&snapshot_path, &manifest)?;
    verify_while_syncing(partial, file, &manifest, job)?;
    std::fs::rename(partial, out).map_err(|e| Error::io("Can't save the backup as", out, e))?;
    sync_parent(out);
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(BackupSummary {
        path: out.to_path_buf(),
        bytes,
        entries: manifest.entries.len() + 1,
        originals: manifest.entries.len() - 1,
        schema_version: manifest.schema_version,
        created_at: manifest.created_at,
        row_counts: manifest.row_counts,
        originals_missing: missing,
    })
}

fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    handle
        .join()
        .map_err(|_| Error::Internal("A backup thread failed.".into()))?
}

/// The snapshot was checked while it was being archived: its file must still hash to what
/// the archive holds, so the checks were of exactly those bytes.
fn same_bytes_as_checked(snapshot_path: &Path, manifest: &BackupManifest) -> Result<()> {
    let mut hasher = Sha256::new();
    let mut file = File::open(snapshot_path).map_err(|e| Error::io("Can't read", snapshot_path, e))?;
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io("Can't read", snapshot_path, e))?;
    let archived = manifest.entry(CATALOG_NAME).map(|e| e.sha256.as_str());
    if archived != Some(hex::encode(hasher.finalize()).as_str()) {
        return Err(Error::Internal(
            "The catalog snapshot changed while it was being backed up.".into(),
        ));
    }
    Ok(())
}

/// Re-reads and re-hashes every entry of the written file while a third thread flushes it
/// to disk; the backup is done only when both are. The snapshot's integrity and foreign
/// keys were checked on the very bytes now proven to be in the archive.
fn verify_while_syncing(partial: &Path, file: File, manifest: &BackupManifest, job: &Job) -> Result<()> {
    std::thread::scope(|scope| {
        let syncing = scope.spawn(move || file.sync_all());
        let verified = verify_written(partial, manifest, job);
        let synced = syncing
            .join()
            .map_err(|_| Error::Internal("A backup thread failed.".into()))?;
        verified?;
        synced.map_err(|e| Error::io("Can't flush the backup", partial, e))
    })
}

fn verify_written(partial: &Path, manifest: &BackupManifest, job: &Job) -> Result<()> {
    let (_, reread) = archive::open_vetted(partial, &ArchiveLimits::default())?;
    if reread != *manifest {
        return Err(Error::Damaged(
            "The backup's manifest didn't read back as written.".into(),
        ));
    }
    rehash_in_parallel(partial, &reread, job)
}

/// Re-reads and re-hashes every entry, the entries shared out over the machine's cores (each
/// thread with its own reader of the file): hashing is most of a verification's cost.
fn rehash_in_parallel(path: &Path, manifest: &BackupManifest, job: &Job) -> Result<()> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let mut shares: Vec<BackupManifest> = (0..threads)
        .map(|_| BackupManifest {
            entries: Vec::new(),
            ..manifest.clone()
        })
        .collect();
    let mut loads = vec![0u64; threads];
    let mut entries = manifest.entries.clone();
    entries.sort_by_key(|e| std::cmp::Reverse(e.size));
    for entry in entries {
        let lightest = (0..threads).min_by_key(|&t| loads[t]).unwrap_or(0);
        loads[lightest] += entry.size;
        shares[lightest].entries.push(entry);
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .iter()
            .map(|share| {
                scope.spawn(move || {
                    let mut archive = archive::open_again(path)?;
                    archive::stream_entries(&mut archive, share, path, job, &mut |_| Ok(None))
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| Error::Internal("A backup verification thread failed.".into()))??;
        }
        Ok(())
    })
}

/// A private folder under the library's `tmp/` for the snapshot.
fn scratch_dir(library: &Library) -> Result<PathBuf> {
    let dir = library
        .tmp_dir()
        .join(format!("backup-{}-{}", std::process::id(), clock::now_nanos()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("Can't create", &dir, e))?;
    Ok(dir)
}

fn sibling_with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The originals the snapshot's rows name, located on disk: exactly what the snapshot needs,
/// whatever was imported or purged since it was taken.
fn originals_of_snapshot(library: &Library, snapshot: &Path) -> Result<(Vec<Source>, Vec<String>)> {
    let conn = crate::db::open(snapshot, crate::db::Access::Snapshot)?;
    let rows: Vec<(String, String)> = conn
        .prepare(ORIGINALS_IN_SNAPSHOT)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(conn);
    snapshot::remove_side_files(snapshot);
    let mut found = Vec::with_capacity(rows.len());
    let mut missing = Vec::new();
    for (sha, mime) in rows {
        if !is_sha256_hex(&sha) {
            missing.push(sha);
            continue;
        }
        match crate::export::find_original(library, &sha, &mime)? {
            Some(path) => {
                let ext = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .filter(|e| {
                        e.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) && !e.is_empty()
                    })
                    .unwrap_or(extension_for_mime(&mime))
                    .to_owned();
                found.push((format!("originals/{}/{sha}.{ext}", &sha[..2]), path));
            }
            None => missing.push(sha),
        }
    }
    Ok((found, missing))
}

/// Checks a backup file end to end: the archive is vetted, every entry re-read and
/// re-hashed against the manifest, and the catalog snapshot (unpacked to a temporary file)
/// passes the integrity and foreign-key checks with the manifest's row counts.
pub fn verify(path: &Path, job: &Job) -> Result<BackupManifest> {
    verify_with_limits(path, &ArchiveLimits::default(), job)
}

pub fn verify_with_limits(path: &Path, limits: &ArchiveLimits, job: &Job) -> Result<BackupManifest> {
    let (mut archive, manifest) = archive::open_vetted(path, limits)?;
    let scratch = std::env::temp_dir().join(format!(
        "shelf-verify-{}-{}",
        std::process::id(),
        clock::now_nanos()
    ));
    std::fs::create_dir_all(&scratch).map_err(|e| Error::io("Can't create", &scratch, e))?;
    let result = verify_in(&mut archive, &manifest, path, &scratch, job);
    let _ = std::fs::remove_dir_all(&scratch);
    result.map(|()| manifest)
}

fn verify_in(
    archive: &mut archive::Archive,
    manifest: &BackupManifest,
    path: &Path,
    scratch: &Path,
    job: &Job,
) -> Result<()> {
    let snapshot_path = scratch.join(CATALOG_NAME);
    archive::stream_entries(archive, manifest, path, job, &mut |name| {
        if name != CATALOG_NAME {
            return Ok(None);
        }
        let file = File::create(&snapshot_path).map_err(|e| Error::io("Can't create", &snapshot_path, e))?;
        Ok(Some(Box::new(BufWriter::new(file))))
    })?;
    check_snapshot_matches(&snapshot_path, manifest)
}

/// The unpacked snapshot passes its checks and has the manifest's version and row counts.
pub(crate) fn check_snapshot_matches(snapshot_path: &Path, manifest: &BackupManifest) -> Result<()> {
    let facts = snapshot::check(snapshot_path)?;
    if facts.schema_version != manifest.schema_version || facts.row_counts != manifest.row_counts {
        return Err(Error::Damaged(
            "The backup's catalog doesn't match its manifest (schema version or row counts differ); nothing was changed."
                .into(),
        ));
    }
    if facts.schema_version > migrations::latest_version() {
        return Err(Error::refused(
            "The backup was made by a newer Shelfkeeper; nothing was changed.",
        ));
    }
    Ok(())
}

/// Makes a rename durable (best effort: some file systems can't sync folders).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(parent) {
            let _ = dir.sync_all();
        }
    }
}
