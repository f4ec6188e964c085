//! "Images alongside": the originals of exported products copied into a folder, named
//! `<sha256>.<ext>` (unique by construction), and referred to from the rows by their path
//! relative to the exported file's folder, so the importer finds them again.

use super::ExportImage;
use crate::error::{Error, Result};
use crate::library::Library;
use std::path::{Component, Path, PathBuf};

pub(crate) enum Copied {
    Yes,
    AlreadyThere,
    Missing,
}

pub(crate) struct Copier {
    library: Library,
    dir: PathBuf,
    /// How rows name the folder: relative to the export file when inside its folder.
    prefix: String,
}

impl Copier {
    pub fn new(library: &Library, dir: &Path, out: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("Can't create the images folder", dir, e))?;
        let dir = dir
            .canonicalize()
            .map_err(|e| Error::io("Can't open the images folder", dir, e))?;
        let out_dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            .canonicalize()
            .map_err(|e| Error::io("Can't open the export folder", out, e))?;
        let prefix = match dir.strip_prefix(&out_dir) {
            Ok(rel) => relative_prefix(rel),
            Err(_) => format!("{}/", dir.display()),
        };
        Ok(Copier {
            library: library.clone(),
            dir,
            prefix,
        })
    }

    pub fn reference(&self, image: &ExportImage) -> String {
        format!("{}{}", self.prefix, image.file_name)
    }

    /// Copies one original (to a temporary name, then renamed) unless it is already there.
    pub fn copy(&self, image: &ExportImage) -> Result<Copied> {
        let target = self.dir.join(&image.file_name);
        if std::fs::metadata(&target).is_ok_and(|m| m.len() == image.byte_size as u64) {
            return Ok(Copied::AlreadyThere);
        }
        let Some(source) = find_original(&self.library, &image.sha256, &image.mime)? else {
            return Ok(Copied::Missing);
        };
        let partial = self
            .dir
            .join(format!(".{}.partial-{}", image.file_name, std::process::id()));
        std::fs::copy(&source, &partial).map_err(|e| Error::io("Can't copy the photo", &source, e))?;
        std::fs::rename(&partial, &target).map_err(|e| Error::io("Can't save the photo as", &target, e))?;
        Ok(Copied::Yes)
    }
}

fn relative_prefix(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// The original's file: `originals/ab/<sha256>.<ext>` with the extension of its type, or,
/// when the images module chose another extension, any `<sha256>.*` in that folder.
pub fn find_original(library: &Library, sha256: &str, mime: &str) -> Result<Option<PathBuf>> {
    let expected = library.original_path(sha256, super::extension_for_mime(mime))?;
    if expected.is_file() {
        return Ok(Some(expected));
    }
    let Some(folder) = expected.parent() else {
        return Ok(None);
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(None);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let stem_matches = path.file_stem().and_then(|s| s.to_str()) == Some(sha256);
        if stem_matches && entry.file_type().is_ok_and(|t| t.is_file()) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}
