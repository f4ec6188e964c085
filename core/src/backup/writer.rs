//! Writing a backup archive in one pass over its sources, on both cores: a reader thread
//! reads each file in 1 MiB chunks and hashes them (SHA-256, the manifest's), while the
//! calling thread writes the previous chunks into the zip (which computes the CRC-32 in the
//! same pass, with crc32fast's SIMD code). A bounded channel between them keeps at most a
//! few chunks in memory, and the chunk buffers go back to the reader to be reused.
//!
//! The finished file is returned unsynced: the caller flushes it to disk while it re-reads
//! and re-hashes the archive (both must be done before the backup gets its name). Starting
//! the flush earlier, while writing (`fsync`, or `sync_file_range` every 64 MiB), was
//! measured slower: the writes then queue behind the disk, which is the slowest part.

use super::manifest::{self, BackupManifest, ManifestEntry, MANIFEST_NAME};
use super::snapshot::SnapshotFacts;
use crate::error::{Error, Result};
use crate::job::{Job, Progress};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// An archive entry to write: its name in the archive and the file it comes from.
pub type Source = (String, PathBuf);

/// Bytes per read and per write: large enough that the system calls cost little.
const CHUNK: usize = 1 << 20;
/// Chunks read ahead of the writer.
const CHUNKS_AHEAD: usize = 4;

/// What the reader thread sends for each source, in order: its size, its data, its hash.
enum Piece {
    Start { size: u64 },
    Data { buffer: Vec<u8>, len: usize },
    End { sha256: String },
}

/// Writes `sources` (the catalog snapshot first) and then the manifest, whose snapshot facts
/// come from `facts` once every entry is written (the snapshot is checked meanwhile).
/// Returns the manifest and the written, not yet synced, file.
pub fn write_archive(
    partial: &Path,
    sources: &[Source],
    facts: impl FnOnce() -> Result<SnapshotFacts>,
    job: &Job,
) -> Result<(BackupManifest, File)> {
    let file = File::create(partial).map_err(|e| Error::io("Can't create the backup file", partial, e))?;
    let (pieces_tx, pieces) = mpsc::sync_channel(CHUNKS_AHEAD);
    let (spare_tx, spare) = mpsc::channel();
    std::thread::scope(|scope| {
        scope.spawn(move || read_sources(sources, &pieces_tx, &spare));
        let mut zip = ZipWriter::new(BufWriter::with_capacity(CHUNK, file));
        let out = Output {
            pieces,
            spare: spare_tx,
        };
        let entries = write_entries(&mut zip, sources, &out, partial, job)?;
        drop(out);
        let facts = facts()?;
        let manifest = BackupManifest {
            format: manifest::FORMAT.to_owned(),
            format_version: manifest::FORMAT_VERSION,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: facts.schema_version,
            created_at: facts.created_at,
            row_counts: facts.row_counts,
            entries,
        };
        let file = finish(zip, &manifest, partial)?;
        Ok((manifest, file))
    })
}

/// The writer's end of the channels.
struct Output {
    pieces: Receiver<Result<Piece>>,
    spare: Sender<Vec<u8>>,
}

impl Output {
    fn next(&self) -> Result<Piece> {
        self.pieces
            .recv()
            .map_err(|_| Error::Internal("The backup's reader thread stopped.".into()))?
    }
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::Internal(format!("writing the backup: {e}"))
}

/// Photos are already compressed: deflating them again costs time and saves nothing.
fn is_compressed_image(name: &str) -> bool {
    [".jpg", ".jpeg", ".png", ".webp", ".gif"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Photos are stored; the rest (the catalog) deflated at the fastest level: it is the one
/// entry the writer thread has to compress, so its time is on the backup's critical path.
fn options_for(name: &str, size: u64) -> SimpleFileOptions {
    let options = SimpleFileOptions::default()
        .unix_permissions(0o644)
        .large_file(size >= u64::from(u32::MAX));
    if is_compressed_image(name) {
        options.compression_method(CompressionMethod::Stored)
    } else {
        options
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1))
    }
}

fn write_entries(
    zip: &mut ZipWriter<BufWriter<File>>,
    sources: &[Source],
    out: &Output,
    partial: &Path,
    job: &Job,
) -> Result<Vec<ManifestEntry>> {
    let mut entries = Vec::with_capacity(sources.len());
    let mut bytes = 0u64;
    for (index, (name, path)) in sources.iter().enumerate() {
        job.check_cancelled()?;
        let Piece::Start { size } = out.next()? else {
            return Err(Error::Internal(
                "The backup's reader thread lost its place.".into(),
            ));
        };
        zip.start_file(name.as_str(), options_for(name, size))
            .map_err(zip_err)?;
        let mut written = 0u64;
        let sha256 = loop {
            match out.next()? {
                Piece::Data { buffer, len } => {
                    zip.write_all(&buffer[..len])
                        .map_err(|e| Error::io("Can't write the backup", partial, e))?;
                    written += len as u64;
                    let _ = out.spare.send(buffer);
                }
                Piece::End { sha256 } => break sha256,
                Piece::Start { .. } => {
                    return Err(Error::Internal(format!(
                        "The backup's reader skipped part of {}.",
                        path.display()
                    )))
                }
            }
        };
        bytes += written;
        entries.push(ManifestEntry {
            path: name.clone(),
            size: written,
            sha256,
        });
        if index.is_multiple_of(50) {
            job.report(&Progress {
                done: index as u64 + 1,
                total: sources.len() as u64,
                bytes,
                current: Some(name.clone()),
                last: None,
            });
        }
    }
    Ok(entries)
}

/// Adds the manifest and the central directory; returns the file.
fn finish(mut zip: ZipWriter<BufWriter<File>>, manifest: &BackupManifest, partial: &Path) -> Result<File> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    zip.start_file(MANIFEST_NAME, options).map_err(zip_err)?;
    zip.write_all(&serde_json::to_vec_pretty(manifest)?)
        .map_err(|e| Error::io("Can't write the backup", partial, e))?;
    let writer = zip.finish().map_err(zip_err)?;
    writer
        .into_inner()
        .map_err(|e| Error::io("Can't write the backup", partial, e.into_error()))
}

/// The reader thread: every source in order, as `Start`, `Data`..., `End`. Stops at the
/// first error (sent on) or when the writer has gone (it failed or was cancelled).
fn read_sources(sources: &[Source], pieces: &SyncSender<Result<Piece>>, spare: &Receiver<Vec<u8>>) {
    for (_, path) in sources {
        match read_one(path, pieces, spare) {
            Ok(true) => {}
            Ok(false) => return,
            Err(err) => {
                let _ = pieces.send(Err(err));
                return;
            }
        }
    }
}

/// Sends one file; `Ok(false)` when the writer has gone.
fn read_one(path: &Path, pieces: &SyncSender<Result<Piece>>, spare: &Receiver<Vec<u8>>) -> Result<bool> {
    let cant_read = |e| Error::io("Can't read", path, e);
    let mut input = File::open(path).map_err(cant_read)?;
    let size = input.metadata().map_err(cant_read)?.len();
    if pieces.send(Ok(Piece::Start { size })).is_err() {
        return Ok(false);
    }
    let mut hasher = Sha256::new();
    loop {
        let mut buffer = spare.try_recv().unwrap_or_else(|_| vec![0u8; CHUNK]);
        let len = match input.read(&mut buffer) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            read => read.map_err(cant_read)?,
        };
        if len == 0 {
            let sha256 = hex::encode(hasher.finalize());
            return Ok(pieces.send(Ok(Piece::End { sha256 })).is_ok());
        }
        hasher.update(&buffer[..len]);
        if pieces.send(Ok(Piece::Data { buffer, len })).is_err() {
            return Ok(false);
        }
    }
}
