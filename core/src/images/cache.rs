//! This computer's cache of a team catalog's original photos (issue 14). An import on a team
//! catalog keeps each original here first, named by its content hash as a library's
//! `originals/` are and written the same way (flushed, read-only, renamed into place), and
//! then sends it to the server from here, one file at a time, so memory stays that of one
//! photo however many the import holds. The cache is only a copy: the server holds every
//! original and checks each one against its hash (`stored_bytes_match`), so a cached file
//! that changed on disk is refused there, never stored.
//!
//! The photo viewer reads a team catalog's originals through the cache too: one the cache
//! lacks is fetched from the server once and kept, and a HEIC's JPEG rendition is made once
//! and kept beside the originals (`renditions/`), as a library keeps its own.
//!
//! The cache is one folder per person on this computer (`~/.cache/shelfkeeper/photos`), not
//! a setting and not read from any catalog, and shared by every team server: the names are
//! content hashes.

use super::decode::Format;
use super::store;
use crate::error::{Error, Result};
use crate::library::content_path;
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

pub struct PhotoCache {
    root: PathBuf,
}

impl PhotoCache {
    /// The cache in `root` (made if it is not there), as its real path.
    pub fn at(root: &Path) -> Result<PhotoCache> {
        let tmp = root.join("tmp");
        fs::create_dir_all(&tmp).map_err(|e| Error::io("Can't create the photo cache", &tmp, e))?;
        let root = root
            .canonicalize()
            .map_err(|e| Error::io("Can't open the photo cache", root, e))?;
        if !root.is_dir() {
            return Err(Error::refused(format!(
                "The photo cache {} is not a folder.",
                root.display()
            )));
        }
        Ok(PhotoCache { root })
    }

    /// Where files are written before they take their place (made by [`PhotoCache::at`]).
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// The cache of the person running Shelfkeeper on this computer.
    pub fn for_this_computer() -> Result<PhotoCache> {
        let base = dirs::cache_dir().ok_or_else(|| {
            Error::refused("This computer has no cache folder for Shelfkeeper's photos (is HOME set?).")
        })?;
        PhotoCache::at(&base.join("shelfkeeper").join("photos"))
    }

    /// Keeps `bytes` (whose hash is `sha256`) unless the cache has them; where they are. A
    /// cached file that no longer matches its name is replaced.
    pub fn keep(&self, sha256: &str, format: Format, bytes: &[u8]) -> Result<PathBuf> {
        let path = content_path(&self.root, sha256, format.extension())?;
        if path.exists() && self.read(sha256, format)?.is_none() {
            fs::remove_file(&path)
                .map_err(|e| Error::io("Can't replace the damaged cached photo", &path, e))?;
        }
        store::place(&self.tmp_dir(), &path, sha256, bytes)?;
        Ok(path)
    }

    /// The original's bytes, if the cache holds them whole (checked against their name).
    pub fn read(&self, sha256: &str, format: Format) -> Result<Option<Vec<u8>>> {
        let path = content_path(&self.root, sha256, format.extension())?;
        Ok(fs::read(&path)
            .ok()
            .filter(|bytes| hex::encode(Sha256::digest(bytes)) == sha256))
    }

    /// Keeps the viewer's JPEG copy of the original with this hash.
    pub fn keep_rendition(&self, sha256: &str, jpeg: &[u8]) -> Result<()> {
        let path = content_path(&self.root.join("renditions"), sha256, "jpg")?;
        store::place(&self.tmp_dir(), &path, sha256, jpeg)
    }

    /// The viewer's JPEG copy of the original with this hash, if it was made before.
    pub fn rendition(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let path = content_path(&self.root.join("renditions"), sha256, "jpg")?;
        Ok(fs::read(&path).ok().filter(|jpeg| !jpeg.is_empty()))
    }
}
