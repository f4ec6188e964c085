//! Restore, designed so that no moment leaves a mix of two libraries:
//!
//! 1. The archive is vetted ([`super::archive`]) before anything is written.
//! 2. It is unpacked into a fresh staging folder beside the library
//!    (`<parent>/.<library>.restore-<stamp>/`), every entry re-hashed against the manifest,
//!    and the catalog snapshot checked. Only then is a `.restore-ready` marker written and
//!    synced. A refusal up to here removes the staging folder; the library was never touched.
//! 3. Two renames in the same parent folder: the library becomes
//!    `<parent>/<library>.pre-restore-<stamp>/` (kept, never deleted), then the staging folder
//!    becomes the library.
//!
//! A crash (or `kill -9`) before the first rename leaves the old library; after the second,
//! the new one. Between the two there is no library folder, only a ready staging folder:
//! [`recover_interrupted_restore`], which `Library::locate` calls at start, finishes the swap. After
//! the swap the catalog is opened once, which migrates a backup from an older schema.

use super::archive::{self, ArchiveLimits};
use super::manifest::BackupManifest;
use super::{check_snapshot_matches, clock, sync_parent, CATALOG_NAME};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::job::Job;
use crate::library::Library;
use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Written (and synced) in the staging folder once everything in it is verified.
const READY_MARKER: &str = ".restore-ready";

#[derive(Debug, Clone, Serialize)]
pub struct RestoreSummary {
    pub backup: PathBuf,
    pub library: PathBuf,
    /// Where the library that was replaced now lives (never deleted).
    pub previous_library: PathBuf,
    pub manifest: BackupManifest,
    /// The schema the backup had when it was older than this app (it was migrated).
    pub migrated_from: Option<i64>,
}

/// What a backup holds, from its manifest, after the same vetting a restore starts with
/// (names, sizes, entry count, no unpacking): shown to the seller before they confirm.
pub fn describe(backup: &Path) -> Result<BackupManifest> {
    archive::open_vetted(backup, &ArchiveLimits::default()).map(|(_, manifest)| manifest)
}

/// Restores `backup` over `library`. The caller must have closed its catalog; it reopens
/// the library afterwards.
pub fn restore(library: &Library, backup: &Path, job: &Job) -> Result<RestoreSummary> {
    restore_with_limits(library, backup, &ArchiveLimits::default(), job)
}

pub fn restore_with_limits(
    library: &Library,
    backup: &Path,
    limits: &ArchiveLimits,
    job: &Job,
) -> Result<RestoreSummary> {
    let (mut archive, manifest) = archive::open_vetted(backup, limits)?;
    let root = library.root().to_path_buf();
    let (parent, name) = parent_and_name(&root)?;
    check_free_space(&parent, manifest.total_bytes())?;
    let stamp = clock::stamp(clock::now_secs());
    let staging = unused(&parent, &format!(".{name}.restore-{stamp}"));
    std::fs::create_dir(&staging).map_err(|e| Error::io("Can't create the restore folder", &staging, e))?;
    if let Err(err) = stage(&mut archive, &manifest, backup, &staging, job) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    // Migrated and opened where it stands, before the swap: whatever fails here fails with
    // the live library untouched.
    let report = match open_staged(&staging) {
        Ok(report) => report,
        Err(err) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(err);
        }
    };
    let previous = unused(&parent, &format!("{name}.pre-restore-{stamp}"));
    std::fs::rename(&root, &previous).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staging);
        Error::io("Can't move the current library aside to", &previous, e)
    })?;
    if let Err(e) = std::fs::rename(&staging, &root) {
        // Put the old library back: nothing of it was changed.
        let _ = std::fs::rename(&previous, &root);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(Error::io(
            "Can't move the restored library into place at",
            &root,
            e,
        ));
    }
    sync_dir(&parent);
    let _ = std::fs::remove_file(root.join(READY_MARKER));
    // Opened once more in its place; should even that fail, the swap is undone, so the app
    // never goes on writing into a library that was moved aside.
    if let Err(err) = Library::create_at(&root).and_then(|restored| Catalog::open(&restored).map(drop)) {
        let failed = unused(&parent, &format!(".{name}.restore-failed-{stamp}"));
        if std::fs::rename(&root, &failed).is_ok() && std::fs::rename(&previous, &root).is_ok() {
            sync_dir(&parent);
            let _ = std::fs::remove_dir_all(&failed);
        }
        return Err(err);
    }
    Ok(RestoreSummary {
        backup: backup.to_path_buf(),
        library: root,
        previous_library: previous,
        migrated_from: (report.from < report.to).then_some(report.from),
        manifest,
    })
}

fn parent_and_name(root: &Path) -> Result<(PathBuf, String)> {
    let parent = root.parent().map(Path::to_path_buf);
    let name = root.file_name().and_then(|n| n.to_str()).map(str::to_owned);
    match (parent, name) {
        (Some(parent), Some(name)) => Ok((parent, name)),
        _ => Err(Error::refused(format!(
            "The library folder {} can't be restored over in place.",
            root.display()
        ))),
    }
}

/// `base`, or `base-2`, `base-3`... whichever does not exist yet.
fn unused(parent: &Path, base: &str) -> PathBuf {
    let mut candidate = parent.join(base);
    let mut n = 2;
    while candidate.exists() {
        candidate = parent.join(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// Migrates the staged catalog to this app's schema and opens it, inside the staging folder.
fn open_staged(staging: &Path) -> Result<crate::migrations::MigrationReport> {
    let staged = Library::create_at(staging)?;
    let (catalog, report) = Catalog::open_at_version(&staged, crate::migrations::latest_version())?;
    drop(catalog);
    Ok(report)
}

/// Refuses a restore the disk has no room for, before anything is unpacked: the backup's
/// size, a fiftieth more for the file system, and 64 MiB to spare.
fn check_free_space(parent: &Path, unpacked: u64) -> Result<()> {
    let needed = unpacked.saturating_add(unpacked / 50).saturating_add(64 << 20);
    let Some(free) = free_bytes(parent) else {
        return Ok(());
    };
    if free < needed {
        return Err(Error::refused(format!(
            "Restoring needs about {} MB free beside the library, and the disk has {} MB. Nothing was changed; free some space and try again.",
            needed / 1_000_000,
            free / 1_000_000
        )));
    }
    Ok(())
}

/// Bytes an unprivileged process may still write on the file system holding `folder`.
#[cfg(unix)]
fn free_bytes(folder: &Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(folder).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

#[cfg(not(unix))]
fn free_bytes(_folder: &Path) -> Option<u64> {
    None
}

/// Unpacks and checks everything into `staging`, then marks it ready.
fn stage(
    archive: &mut archive::Archive,
    manifest: &BackupManifest,
    backup: &Path,
    staging: &Path,
    job: &Job,
) -> Result<()> {
    let mut written: Vec<PathBuf> = Vec::with_capacity(manifest.entries.len());
    archive::stream_entries(archive, manifest, backup, job, &mut |name| {
        // The name passed the archive checks and the manifest's shape check (`catalog.db`
        // or `originals/ab/<sha256>.<ext>`), so joining it stays inside the staging folder.
        let target = name
            .split('/')
            .fold(staging.to_path_buf(), |path, part| path.join(part));
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("Can't create", dir, e))?;
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| Error::io("Can't create", &target, e))?;
        written.push(target);
        Ok(Some(Box::new(BufWriter::with_capacity(1 << 20, file))))
    })?;
    // Every file is flushed to disk before the ready marker vouches for it. Syncing them in
    // one pass after writing lets the kernel write back in parallel meanwhile.
    for path in &written {
        File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io("Can't flush", path, e))?;
    }
    // And the folders that name them (`originals/ab/`, up to the staging folder), so their
    // entries survive a power cut too.
    let folders: std::collections::BTreeSet<&Path> = written.iter().filter_map(|p| p.parent()).collect();
    for folder in folders {
        sync_dir(folder);
    }
    check_snapshot_matches(&staging.join(CATALOG_NAME), manifest)?;
    for dir in ["originals", "tmp", "trash", "backups"] {
        let path = staging.join(dir);
        std::fs::create_dir_all(&path).map_err(|e| Error::io("Can't create", &path, e))?;
    }
    let marker = staging.join(READY_MARKER);
    File::create(&marker)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("Can't mark the restore ready", &marker, e))?;
    sync_dir(staging);
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    sync_parent(dir);
}

/// Finishes a restore that was interrupted between its two renames: when the library
/// folder `root` is missing and a verified staging folder for it exists beside it, the
/// staging folder becomes the library. Does nothing in every other case.
pub fn recover_interrupted_restore(root: &Path) -> Result<Option<PathBuf>> {
    if root.exists() {
        return Ok(None);
    }
    let (Some(parent), Some(name)) = (root.parent(), root.file_name().and_then(|n| n.to_str())) else {
        return Ok(None);
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(None);
    };
    let prefix = format!(".{name}.restore-");
    let mut ready: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix)))
        .map(|e| e.path())
        .filter(|p| p.join(READY_MARKER).is_file())
        .collect();
    ready.sort();
    let Some(newest) = ready.pop() else {
        return Ok(None);
    };
    std::fs::rename(&newest, root)
        .map_err(|e| Error::io("Can't finish the interrupted restore into", root, e))?;
    sync_dir(parent);
    let _ = std::fs::remove_file(root.join(READY_MARKER));
    Ok(Some(newest))
}

/// Removes the staging folders of restores that never reached their swap (a crash while
/// unpacking, or before the first rename) beside a library that is in place: they are
/// copies of a backup that still exists, and a later launch must not install one unasked.
/// Only folders untouched for a day are taken, so a restore another process is running
/// right now keeps its own. Returns how many were removed.
pub fn sweep_abandoned_restores(root: &Path) -> usize {
    let (Some(parent), Some(name)) = (root.parent(), root.file_name().and_then(|n| n.to_str())) else {
        return 0;
    };
    if !root.is_dir() {
        return 0;
    }
    let prefix = format!(".{name}.restore-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix)))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(crate::library::abandoned)
        .filter(|e| std::fs::remove_dir_all(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_restore_folders_beside_a_library_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("Shelfkeeper");
        std::fs::create_dir(&root).unwrap();
        for staged in [".Shelfkeeper.restore-1", ".Shelfkeeper.restore-2"] {
            std::fs::create_dir(dir.path().join(staged)).unwrap();
            std::fs::write(dir.path().join(staged).join("catalog.db"), b"x").unwrap();
        }
        std::fs::write(dir.path().join(".Shelfkeeper.restore-2").join(READY_MARKER), b"").unwrap();
        std::fs::create_dir(dir.path().join("Other.restore-1")).unwrap();
        std::fs::create_dir(dir.path().join(".Shelfkeeper.restore-3")).unwrap();
        assert_eq!(
            sweep_abandoned_restores(&root),
            0,
            "a restore may be running right now"
        );
        let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
        for staged in [
            ".Shelfkeeper.restore-1",
            ".Shelfkeeper.restore-2",
            "Other.restore-1",
        ] {
            File::open(dir.path().join(staged))
                .unwrap()
                .set_modified(two_days_ago)
                .unwrap();
        }
        assert_eq!(sweep_abandoned_restores(&root), 2);
        assert!(
            dir.path().join(".Shelfkeeper.restore-3").exists(),
            "a fresh one stays"
        );
        assert!(dir.path().join("Other.restore-1").exists(), "only this library's");
        assert!(root.is_dir());
    }

    #[test]
    fn a_restore_the_disk_has_no_room_for_is_refused_first() {
        let here = std::env::temp_dir();
        let err = check_free_space(&here, u64::MAX / 4).unwrap_err();
        assert!(err.to_string().contains("MB free"), "{err}");
        assert!(check_free_space(&here, 1).is_ok());
    }
}
