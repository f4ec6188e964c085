//! Reading a backup archive without trusting it. Before a single byte is extracted, the whole
//! central directory is vetted: entry count, sizes and compression ratios under caps (zip
//! bombs), names that are relative, clean and unique even after case folding and Unicode NFC
//! normalisation, regular files only (no symbolic links, hard links or devices, judged from
//! the zip external attributes), no encryption, and exactly the entries the manifest lists
//! with the sizes it gives. Entry contents are then streamed through SHA-256 and compared.

use super::manifest::{self, BackupManifest, MANIFEST_NAME};
use crate::error::{Error, Result};
use crate::job::{Job, Progress};
use crate::migrations;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;
use zip::{CompressionMethod, ZipArchive};

/// Caps that make a hostile archive fail fast instead of filling the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    pub max_entries: usize,
    pub max_total_bytes: u64,
    pub max_manifest_bytes: u64,
    /// Uncompressed/compressed ratio allowed for entries larger than `ratio_floor_bytes`.
    pub max_ratio: u64,
    pub ratio_floor_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_entries: 2_000_000,
            max_total_bytes: 2 << 40,
            max_manifest_bytes: 512 << 20,
            max_ratio: 200,
            ratio_floor_bytes: 1 << 20,
        }
    }
}

pub type Archive = ZipArchive<BufReader<File>>;

/// The archive reader's buffer. Small on purpose: every entry starts with a seek to its
/// local header, which empties the buffer, and the 30-byte header read then refills all of
/// it. With 1 MiB, a verification copied about four times the archive's bytes (entries
/// average a few hundred KiB); entry data is read in 1 MiB calls, which bypass a buffer
/// this size.
const READ_BUFFER: usize = 64 << 10;

/// Where an entry's bytes go while they are hashed: a file being unpacked, or nowhere.
pub type EntrySink<'a> = dyn FnMut(&str) -> Result<Option<Box<dyn Write>>> + 'a;

fn refused(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::Damaged(format!(
        "{} can't be used as a backup: {why}. Nothing was changed.",
        path.display()
    ))
}

/// Opens an archive that was already vetted (another reader of the same file).
pub fn open_again(path: &Path) -> Result<Archive> {
    let file = File::open(path).map_err(|e| Error::io("Can't open the backup", path, e))?;
    ZipArchive::new(BufReader::with_capacity(READ_BUFFER, file))
        .map_err(|e| refused(path, format!("it is not a readable zip file ({e})")))
}

/// Opens and vets `path`; returns the archive and its manifest.
pub fn open_vetted(path: &Path, limits: &ArchiveLimits) -> Result<(Archive, BackupManifest)> {
    let file = File::open(path).map_err(|e| Error::io("Can't open the backup", path, e))?;
    let mut archive = ZipArchive::new(BufReader::with_capacity(READ_BUFFER, file))
        .map_err(|e| refused(path, format!("it is not a readable zip file ({e})")))?;
    if archive.len() > limits.max_entries {
        return Err(refused(
            path,
            format!(
                "it has {} entries, more than the {} allowed",
                archive.len(),
                limits.max_entries
            ),
        ));
    }
    if archive.has_duplicate_names() {
        return Err(refused(path, "two entries have the same name"));
    }
    let sizes = vet_entries(&mut archive, path, limits)?;
    let manifest = read_manifest(&mut archive, path, limits)?;
    check_against_manifest(&manifest, &sizes, path)?;
    Ok((archive, manifest))
}

/// Checks every entry's metadata; returns name → declared size.
fn vet_entries(archive: &mut Archive, path: &Path, limits: &ArchiveLimits) -> Result<HashMap<String, u64>> {
    let mut folded_names = HashSet::new();
    let mut sizes = HashMap::new();
    let mut total: u64 = 0;
    // Where each entry's bytes lie in the file, and what may expand (all but the photos,
    // which are stored as they are).
    let mut spans: Vec<(u64, u64, String)> = Vec::with_capacity(archive.len());
    let mut compressible: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| refused(path, format!("entry {index} can't be read ({e})")))?;
        let name = String::from_utf8(entry.name_raw().to_vec())
            .map_err(|_| refused(path, format!("entry {index} has a name that isn't UTF-8")))?;
        check_name(&name).map_err(|why| refused(path, format!("the entry {name:?} {why}")))?;
        if entry.is_symlink() {
            return Err(refused(path, format!("the entry {name:?} is a symbolic link")));
        }
        if entry.is_dir() {
            return Err(refused(
                path,
                format!("the entry {name:?} is a folder entry, which backups never hold"),
            ));
        }
        if let Some(mode) = entry.unix_mode() {
            let kind = mode & 0o170000;
            if kind != 0 && kind != 0o100000 {
                return Err(refused(
                    path,
                    format!("the entry {name:?} is not a regular file (a link or device, mode {mode:o})"),
                ));
            }
        }
        if entry.encrypted() {
            return Err(refused(path, format!("the entry {name:?} is encrypted")));
        }
        if !matches!(
            entry.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(refused(
                path,
                format!("the entry {name:?} uses an unsupported compression"),
            ));
        }
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > limits.ratio_floor_bytes && size / packed.max(1) > limits.max_ratio {
            return Err(refused(
                path,
                format!(
                    "the entry {name:?} expands {}-fold (a zip bomb?)",
                    size / packed.max(1)
                ),
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(refused(
                path,
                "it would unpack to more than the size allowed (a zip bomb?)",
            ));
        }
        let folded: String = name.nfc().collect::<String>().to_lowercase();
        if !folded_names.insert(folded) {
            return Err(refused(
                path,
                format!(
                    "the entry {name:?} has the same name as another once case and Unicode form are ignored"
                ),
            ));
        }
        if let Some(start) = entry.data_start() {
            spans.push((entry.header_start(), start.saturating_add(packed), name.clone()));
        }
        if !name.starts_with("originals/") {
            compressible = compressible.saturating_add(size);
        }
        sizes.insert(name, size);
    }
    check_no_overlap(&mut spans, path)?;
    // A backup unpacks to about its own size: its photos are stored, only the catalog and
    // the manifest shrink. More than that is a bomb, whatever the per-entry ratios say.
    let file_size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    let allowed = file_size.saturating_add(compressible).saturating_add(1 << 20);
    if total > allowed {
        return Err(refused(
            path,
            format!("it would unpack to {total} bytes, far more than its own size (a zip bomb?)"),
        ));
    }
    Ok(sizes)
}

/// Two entries whose bytes overlap in the file (a way to make a small zip unpack to a lot)
/// are refused.
fn check_no_overlap(spans: &mut [(u64, u64, String)], path: &Path) -> Result<()> {
    spans.sort();
    for pair in spans.windows(2) {
        let ((_, end, first), (start, _, second)) = (&pair[0], &pair[1]);
        if start < end {
            return Err(refused(
                path,
                format!("the entries {first:?} and {second:?} share bytes in the file (a zip bomb?)"),
            ));
        }
    }
    Ok(())
}

/// A relative, clean, portable name: no absolute paths, drive letters, backslashes, `.` or
/// `..` parts, empty parts or control characters.
pub fn check_name(name: &str) -> std::result::Result<(), &'static str> {
    if name.is_empty() || name.len() > 1024 {
        return Err("has an empty or over-long name");
    }
    if name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return Err("has an absolute or non-portable path");
    }
    if name.chars().any(char::is_control) {
        return Err("has control characters in its name");
    }
    if name
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err("has a path that leaves its folder or has empty parts");
    }
    Ok(())
}

fn read_manifest(archive: &mut Archive, path: &Path, limits: &ArchiveLimits) -> Result<BackupManifest> {
    let entry = archive
        .by_name(MANIFEST_NAME)
        .map_err(|_| refused(path, "it has no manifest.json, so it isn't a Shelfkeeper backup"))?;
    if entry.size() > limits.max_manifest_bytes {
        return Err(refused(path, "its manifest is implausibly large"));
    }
    let mut text = Vec::new();
    entry
        .take(limits.max_manifest_bytes + 1)
        .read_to_end(&mut text)
        .map_err(|e| refused(path, format!("its manifest can't be read ({e})")))?;
    let manifest: BackupManifest =
        serde_json::from_slice(&text).map_err(|e| refused(path, format!("its manifest is damaged ({e})")))?;
    if manifest.format != manifest::FORMAT {
        return Err(refused(path, "its manifest is not a Shelfkeeper backup manifest"));
    }
    if manifest.format_version > manifest::FORMAT_VERSION
        || manifest.schema_version > migrations::latest_version()
    {
        return Err(Error::refused(format!(
            "{} was made by a newer Shelfkeeper ({}, catalog schema {}; this app knows up to {}). Update Shelfkeeper to restore it; nothing was changed.",
            path.display(),
            manifest.app_version,
            manifest.schema_version,
            migrations::latest_version()
        )));
    }
    Ok(manifest)
}

/// The archive holds exactly the manifest's entries (plus the manifest), with its sizes.
fn check_against_manifest(
    manifest: &BackupManifest,
    sizes: &HashMap<String, u64>,
    path: &Path,
) -> Result<()> {
    let mut listed = HashSet::new();
    for entry in &manifest.entries {
        if !manifest::is_expected_path(&entry.path) || check_name(&entry.path).is_err() {
            return Err(refused(
                path,
                format!("its manifest lists an unexpected entry {:?}", entry.path),
            ));
        }
        if !listed.insert(entry.path.as_str()) {
            return Err(refused(
                path,
                format!("its manifest lists {:?} twice", entry.path),
            ));
        }
        match sizes.get(&entry.path) {
            None => {
                return Err(refused(
                    path,
                    format!("the entry {:?} listed in its manifest is missing", entry.path),
                ))
            }
            Some(size) if *size != entry.size => {
                return Err(refused(
                    path,
                    format!(
                        "the entry {:?} is {size} bytes but its manifest says {}",
                        entry.path, entry.size
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    if manifest.entry(manifest::CATALOG_NAME).is_none() {
        return Err(refused(path, "it holds no catalog.db"));
    }
    if let Some(extra) = sizes
        .keys()
        .find(|n| n.as_str() != MANIFEST_NAME && !listed.contains(n.as_str()))
    {
        return Err(refused(
            path,
            format!("the entry {extra:?} is not listed in its manifest"),
        ));
    }
    Ok(())
}

/// Streams every manifest entry through SHA-256 into `sink(entry path)` (a file being
/// extracted, or nothing), checking size and hash. `sink` returning `None` discards.
pub fn stream_entries(
    archive: &mut Archive,
    manifest: &BackupManifest,
    path: &Path,
    job: &Job,
    sink: &mut EntrySink<'_>,
) -> Result<()> {
    let total = manifest.total_bytes();
    let mut done_bytes = 0;
    let mut buffer = vec![0u8; 1 << 20];
    for (index, expected) in manifest.entries.iter().enumerate() {
        job.check_cancelled()?;
        let entry = archive
            .by_name(&expected.path)
            .map_err(|e| refused(path, format!("the entry {:?} can't be read ({e})", expected.path)))?;
        let mut reader = entry.take(expected.size + 1);
        let mut out = sink(&expected.path)?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            let n = reader
                .read(&mut buffer)
                .map_err(|e| refused(path, format!("the entry {:?} is damaged ({e})", expected.path)))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > expected.size {
                return Err(refused(
                    path,
                    format!("the entry {:?} is larger than its manifest says", expected.path),
                ));
            }
            hasher.update(&buffer[..n]);
            if let Some(out) = out.as_mut() {
                out.write_all(&buffer[..n])
                    .map_err(|e| Error::io("Can't write", Path::new(&expected.path), e))?;
            }
        }
        if let Some(mut out) = out {
            out.flush()
                .map_err(|e| Error::io("Can't write", Path::new(&expected.path), e))?;
        }
        if size != expected.size || hex::encode(hasher.finalize()) != expected.sha256 {
            return Err(refused(
                path,
                format!(
                    "the entry {:?} doesn't match its manifest (size or SHA-256 differ)",
                    expected.path
                ),
            ));
        }
        done_bytes += size;
        job.report(&Progress {
            done: index as u64 + 1,
            total: manifest.entries.len() as u64,
            bytes: done_bytes,
            current: Some(expected.path.clone()),
            last: None,
        });
        let _ = total;
    }
    Ok(())
}
