//! "Images alongside": the originals of exported products copied into a folder, named
//! `<sha256>.<ext>` (unique by construction), and referred to from the rows by their path
//! relative to the exported file's folder, so the importer finds them again. HEIC, HEIF and
//! AVIF originals go out as a full-size JPEG (`<sha256>.jpg`) unless the seller keeps the
//! originals: Etsy and many WooCommerce hosts refuse HEIC.

use super::{ExportImage, PhotosOut};
use crate::error::{Error, Result};
use crate::images::decode::{Format, MAX_SIDE};
use crate::images::rendition;
use crate::library::Library;
use crate::store::{Original, Store};
use std::path::{Component, Path, PathBuf};

pub(crate) enum Copied {
    Yes,
    AlreadyThere,
    Missing,
}

pub(crate) struct Copier {
    dir: PathBuf,
    /// How rows name the folder: relative to the export file when inside its folder.
    prefix: String,
    keep_originals: bool,
}

impl Copier {
    pub fn new(photos: PhotosOut<'_>, out: &Path) -> Result<Self> {
        let dir = photos.dir;
        std::fs::create_dir_all(dir).map_err(|e| Error::io("Can't create the images folder", dir, e))?;
        let dir = dir
            .canonicalize()
            .map_err(|e| Error::io("Can't open the images folder", dir, e))?;
        let out_dir = super::folder_of(out)
            .canonicalize()
            .map_err(|e| Error::io("Can't open the export folder", out, e))?;
        let prefix = match dir.strip_prefix(&out_dir) {
            Ok(rel) => relative_prefix(rel),
            Err(_) => format!("{}/", dir.display()),
        };
        Ok(Copier {
            dir,
            prefix,
            keep_originals: photos.keep_originals,
        })
    }

    pub fn reference(&self, image: &ExportImage) -> String {
        format!("{}{}", self.prefix, self.file_name(image))
    }

    /// The photo is written as a JPEG rather than copied.
    fn converts(&self, image: &ExportImage) -> Option<Format> {
        let format = Format::from_mime(&image.mime)?;
        (format.is_heif() && !self.keep_originals).then_some(format)
    }

    fn file_name(&self, image: &ExportImage) -> String {
        match self.converts(image) {
            Some(_) => format!("{}.jpg", image.sha256),
            None => image.file_name.clone(),
        }
    }

    /// Copies one original from `store`, or writes its JPEG, to a temporary name then
    /// renamed, unless it is already there (names are content hashes, so a file of the name
    /// is that photo).
    pub fn copy(&self, image: &ExportImage, store: &mut dyn Store) -> Result<Copied> {
        let name = self.file_name(image);
        let target = self.dir.join(&name);
        let converts = self.converts(image);
        let there = std::fs::metadata(&target)
            .is_ok_and(|m| m.len() > 0 && (converts.is_some() || m.len() == image.byte_size as u64));
        if there {
            return Ok(Copied::AlreadyThere);
        }
        let Some(source) = store.original(image)? else {
            return Ok(Copied::Missing);
        };
        let partial = self.dir.join(format!(".{name}.partial-{}", std::process::id()));
        let written = match (converts, source) {
            (None, Original::File(source)) => std::fs::copy(&source, &partial)
                .map(drop)
                .map_err(|e| Error::io("Can't copy the photo", &source, e)),
            (None, Original::Bytes(bytes)) => write_file(&partial, &bytes),
            (Some(format), source) => source
                .read()
                .and_then(|bytes| rendition::jpeg(&bytes, format, MAX_SIDE))
                .and_then(|jpeg| write_file(&partial, &jpeg)),
        };
        let placed = written
            .and_then(|()| {
                std::fs::File::open(&partial)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| Error::io("Can't flush the photo", &partial, e))
            })
            .and_then(|()| {
                std::fs::rename(&partial, &target)
                    .map_err(|e| Error::io("Can't save the photo as", &target, e))
            });
        if placed.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        placed.map(|()| Copied::Yes)
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io("Can't write the photo", path, e))
}

impl Copier {
    /// Flushes the folder's entries once every photo is in it.
    pub fn finish(&self) -> Result<()> {
        crate::library::sync_folder(&self.dir)
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
