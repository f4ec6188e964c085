//! The library folder: one folder holds a seller's whole catalog. Every path the core
//! touches is derived here from the folder and a content hash, never taken from a row or
//! from the UI as-is.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Environment variable that points the app and the command line at another library.
pub const LIBRARY_ENV: &str = "SHELF_LIBRARY";

#[derive(Debug, Clone)]
pub struct Library {
    root: PathBuf,
}

impl Library {
    /// The library at `explicit`, else `$SHELF_LIBRARY`, else the platform's per-user data
    /// folder (`~/.local/share/Shelfkeeper` on Linux), as the app and the command line open it
    /// once when they start: a restore a crash interrupted between its two renames is
    /// finished (the verified folder beside it becomes the library rather than an empty one
    /// being made), and the staging folders of restores that never reached their swap are
    /// removed, so a later launch never installs one unasked.
    pub fn locate(explicit: Option<PathBuf>) -> Result<Self> {
        let root = explicit
            .or_else(|| std::env::var_os(LIBRARY_ENV).map(PathBuf::from))
            .or_else(|| dirs::data_dir().map(|d| d.join("Shelfkeeper")))
            .ok_or_else(|| {
                Error::Internal(format!(
                    "No data folder is known for this user; set {LIBRARY_ENV} to a folder."
                ))
            })?;
        crate::backup::recover_interrupted_restore(&root)?;
        let library = Self::create_at(&root)?;
        crate::backup::sweep_abandoned_restores(library.root());
        Ok(library)
    }

    /// Opens (creating when absent) the library folder at `root` and its sub-folders.
    pub fn create_at(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root).map_err(|e| Error::io("Can't create the library folder", root, e))?;
        let root = root
            .canonicalize()
            .map_err(|e| Error::io("Can't open the library folder", root, e))?;
        let library = Library { root };
        for dir in [
            library.originals_dir(),
            library.tmp_dir(),
            library.trash_dir(),
            library.backups_dir(),
        ] {
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("Can't create", &dir, e))?;
        }
        Ok(library)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder a service will move files out of or write into (the inbox, automatic
    /// backups), checked every time the service starts, whoever set it: the settings screen,
    /// another SQLite tool or a restored backup. It must be an absolute path to a folder
    /// (made when `create`), not the library folder, not inside it, not holding it, and not
    /// the home folder or the file system's root. Returns the folder, canonical. An inbox
    /// set to the library folder once moved `catalog.db` into `failed/`.
    pub fn check_service_folder(&self, folder: &Path, what: &str, create: bool) -> Result<PathBuf> {
        let refuse = |why: &str| {
            Err(Error::refused(format!(
                "The {what} folder {} can't be used: {why} Choose another folder in Settings.",
                folder.display()
            )))
        };
        if !folder.is_absolute() {
            return refuse("it is not a full path.");
        }
        if create {
            std::fs::create_dir_all(folder).map_err(|e| Error::io("Can't create the folder", folder, e))?;
        }
        let Ok(canonical) = folder.canonicalize() else {
            return refuse("it does not exist (or can't be opened).");
        };
        if !canonical.is_dir() {
            return refuse("it is not a folder.");
        }
        let library = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        if canonical.starts_with(&library) {
            return refuse("it is the library folder, or inside it, where the catalog lives.");
        }
        if library.starts_with(&canonical) {
            return refuse("it holds the library folder, where the catalog lives.");
        }
        let home = dirs::home_dir().and_then(|h| h.canonicalize().ok());
        if canonical.parent().is_none() || Some(&canonical) == home.as_ref() {
            return refuse("it is the home folder or the root of the disk, which hold far more than photos.");
        }
        Ok(canonical)
    }

    pub fn catalog_path(&self) -> PathBuf {
        self.root.join("catalog.db")
    }

    /// Content-addressed originals: `originals/ab/abcdef….jpg`.
    pub fn originals_dir(&self) -> PathBuf {
        self.root.join("originals")
    }

    /// Files being written; anything left here after a crash is swept on start-up.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Recoverable leftovers (orphan originals); never deleted by the app.
    pub fn trash_dir(&self) -> PathBuf {
        self.root.join("trash")
    }

    /// JPEG renditions of originals a web view can't show (HEIC, AVIF, TIFF): a cache made
    /// on demand, never backed up, safe to delete.
    pub fn renditions_dir(&self) -> PathBuf {
        self.root.join("renditions")
    }

    /// `renditions/ab/<sha256>.jpg`, from a checked hash like [`Library::original_path`].
    pub fn rendition_path(&self, sha256: &str) -> Result<PathBuf> {
        content_path(&self.renditions_dir(), sha256, "jpg")
    }

    /// Pre-migration copies and (by default) backups.
    pub fn backups_dir(&self) -> PathBuf {
        self.root.join("backups")
    }

    /// Where the original with this hash and extension lives. The hash is checked first, so
    /// no caller can make this point outside the originals folder.
    pub fn original_path(&self, sha256: &str, extension: &str) -> Result<PathBuf> {
        content_path(&self.originals_dir(), sha256, extension)
    }
}

/// `root/ab/<sha256>.<extension>`, the hash and extension checked first, so no caller can
/// make this point outside `root`.
pub(crate) fn content_path(root: &Path, sha256: &str, extension: &str) -> Result<PathBuf> {
    if !is_sha256_hex(sha256) {
        return Err(Error::Validation {
            field: Some("sha256"),
            message: format!("{sha256:?} is not a SHA-256 content hash."),
        });
    }
    if !extension
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        || extension.is_empty()
    {
        return Err(Error::Internal(format!("bad file extension {extension:?}")));
    }
    Ok(root.join(&sha256[..2]).join(format!("{sha256}.{extension}")))
}

/// Flushes a folder's entries (a rename into it, new files) to disk, so a power cut can't
/// lose a file's name while keeping its bytes. A no-op where folders can't be opened.
pub(crate) fn sync_folder(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("Can't flush the folder", dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// 64 lower-case hex digits, the shape the schema's `sha256_shape` check accepts.
/// How long a folder a job works in must go untouched before a sweep takes it as left by a
/// crash: no running restore, backup or import leaves its folder that long.
pub const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Whether the folder entry `entry` has gone untouched for [`ABANDONED_AFTER`].
pub fn abandoned(entry: &std::fs::DirEntry) -> bool {
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > ABANDONED_AFTER)
}

pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
