//! Originals on disk, named by content hash. A file is written under `tmp/`, flushed,
//! made read-only and renamed into `originals/ab/`, and the folder is flushed, all BEFORE its
//! row is committed: a crash can leave a file without a row (swept to `trash/` on the next
//! open), never a row without a file.
//!
//! An import holds a shared lock on `tmp/images.lock` for its whole run; the sweep and
//! `repair` only move files while they hold it exclusively, so they never take a file that a
//! running import (in this or another process) has renamed but not yet committed.

use super::decode::Format;
use crate::error::{Error, Result};
use crate::library::{is_sha256_hex, sync_folder, Library};
use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const LOCK_NAME: &str = "images.lock";

/// Copies `bytes` to the original's place unless it is already there.
pub fn write_original(library: &Library, sha256: &str, format: Format, bytes: &[u8]) -> Result<PathBuf> {
    let path = library.original_path(sha256, format.extension())?;
    place(&library.tmp_dir(), &path, sha256, bytes)?;
    Ok(path)
}

/// Saves the JPEG rendition of an original (`renditions/ab/<sha256>.jpg`), the same way.
pub fn write_rendition(library: &Library, sha256: &str, bytes: &[u8]) -> Result<PathBuf> {
    let path = library.rendition_path(sha256)?;
    place(&library.tmp_dir(), &path, sha256, bytes)?;
    Ok(path)
}

/// Writes `bytes` to `path` whole or not at all: under `tmp` (on the same disk), flushed,
/// made read-only, renamed into place and the folder flushed. A file already there at that
/// length is kept (the names are content hashes).
pub(crate) fn place(tmp: &Path, path: &Path, sha256: &str, bytes: &[u8]) -> Result<()> {
    if fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(());
    }
    let dir = path
        .parent()
        .ok_or_else(|| Error::Internal("a photo's path has no folder".into()))?;
    if !dir.exists() {
        fs::create_dir_all(dir).map_err(|e| Error::io("Can't create", dir, e))?;
        if let Some(parent) = dir.parent() {
            sync_folder(parent)?;
        }
    }
    let temp = temp_path(tmp, sha256);
    let result = write_temp(&temp, bytes)
        .and_then(|()| fs::rename(&temp, path).map_err(|e| Error::io("Can't move the photo into", path, e)));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_folder(dir)
}

/// A name no other writer (thread or process) uses at the same time.
fn temp_path(tmp: &Path, sha256: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    tmp.join(format!("{sha256}.{}.{n}.part", std::process::id()))
}

fn write_temp(temp: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| Error::io("Can't write the photo to", temp, e);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    let mut permissions = file.metadata().map_err(io)?.permissions();
    permissions.set_readonly(true);
    file.set_permissions(permissions).map_err(io)?;
    file.sync_all().map_err(io)
}

/// The lock an import holds shared, and the sweep exclusively.
pub struct ImportLock(#[allow(dead_code)] File);

fn lock_file(library: &Library) -> Result<File> {
    let path = library.tmp_dir().join(LOCK_NAME);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io("Can't open the import lock", &path, e))
}

/// Held for the whole of an import; many imports may run at once.
pub fn lock_shared(library: &Library) -> Result<ImportLock> {
    let file = lock_file(library)?;
    file.lock_shared()
        .map_err(|e| Error::io("Can't lock", library.tmp_dir(), e))?;
    Ok(ImportLock(file))
}

/// `None` while any import runs (then moving files would race it).
pub fn try_lock_exclusive(library: &Library) -> Result<Option<ImportLock>> {
    let file = lock_file(library)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(ImportLock(file))),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(Error::io("Can't lock", library.tmp_dir(), e)),
    }
}

/// Leftover temporary files (not the lock).
pub fn temp_files(library: &Library) -> Result<Vec<PathBuf>> {
    let dir = library.tmp_dir();
    let entries = fs::read_dir(&dir).map_err(|e| Error::io("Can't list", &dir, e))?;
    Ok(entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() != LOCK_NAME && e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect())
}

/// Folders in `tmp/` a crashed job left (a backup's scratch folder, a CSV import's downloads)
/// untouched for a day: no running job is still using them.
pub fn stale_temp_dirs(library: &Library) -> Result<Vec<PathBuf>> {
    let dir = library.tmp_dir();
    let entries = fs::read_dir(&dir).map_err(|e| Error::io("Can't list", &dir, e))?;
    Ok(entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(crate::library::abandoned)
        .map(|e| e.path())
        .collect())
}

/// A file under `originals/`, with the hash and format its name claims (when it has one).
pub struct StoredFile {
    pub path: PathBuf,
    pub sha256: Option<String>,
    pub format: Option<Format>,
}

/// Every file under `originals/<2 hex>/`.
pub fn stored_files(library: &Library) -> Result<Vec<StoredFile>> {
    let root = library.originals_dir();
    let mut files = Vec::new();
    for shard in fs::read_dir(&root).map_err(|e| Error::io("Can't list", &root, e))? {
        let shard = shard.map_err(|e| Error::io("Can't list", &root, e))?;
        let shard_path = shard.path();
        if !shard.file_type().is_ok_and(|t| t.is_dir()) {
            files.push(StoredFile {
                path: shard_path,
                sha256: None,
                format: None,
            });
            continue;
        }
        for entry in fs::read_dir(&shard_path).map_err(|e| Error::io("Can't list", &shard_path, e))? {
            let path = entry.map_err(|e| Error::io("Can't list", &shard_path, e))?.path();
            let (sha256, format) = parse_name(&path);
            files.push(StoredFile { path, sha256, format });
        }
    }
    Ok(files)
}

fn parse_name(path: &Path) -> (Option<String>, Option<Format>) {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| is_sha256_hex(s));
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(|ext| Format::all().iter().copied().find(|f| f.extension() == ext));
    match (stem, format) {
        (Some(s), Some(f)) => (Some(s.to_owned()), Some(f)),
        _ => (None, None),
    }
}

/// Files under `originals/` that no `originals` row names (`known` holds `sha256.ext`).
pub fn orphans(library: &Library, known: &HashSet<String>) -> Result<Vec<PathBuf>> {
    Ok(stored_files(library)?
        .into_iter()
        .filter(|f| match (&f.sha256, f.format) {
            (Some(sha), Some(format)) => !known.contains(&format!("{sha}.{}", format.extension())),
            _ => true,
        })
        .map(|f| f.path)
        .collect())
}

/// Moves `path` into `trash/originals/`, never overwriting what is already there.
pub fn move_to_trash(library: &Library, path: &Path) -> Result<PathBuf> {
    let dir = library.trash_dir().join("originals");
    fs::create_dir_all(&dir).map_err(|e| Error::io("Can't create", &dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let mut target = dir.join(&name);
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("{name}.{n}"));
        n += 1;
    }
    fs::rename(path, &target).map_err(|e| Error::io("Can't move to the trash", path, e))?;
    sync_folder(&dir)?;
    Ok(target)
}
