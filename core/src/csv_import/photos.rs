//! The photos of the committed rows, imported through the image library one product at a
//! time so they keep their order: files beside the CSV as they are, URLs downloaded first
//! (`images::download`, a few at a time, each URL once per import) in chunks of products so
//! the downloads folder never holds more than a chunk's worth. A URL that fails is listed
//! with its line; the product stays imported. When nothing was written (a dry run, a refused
//! all-or-nothing import, a cancel), nothing is downloaded and each photo is listed instead.
//! Variants' own photos are linked once their product's photos are in.

use super::destination::Destination;
use super::rows::issue;
use super::upsert::{Photo, Source, VariantImage};
use super::{IssueKind, Tally};
use crate::catalog::ProductId;
use crate::error::{Error, Result};
use crate::images::download;
use crate::job::{ItemResult, Job, Outcome};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Photos downloaded before their products' import starts: a chunk's worth on disk at most.
const CHUNK_PHOTOS: usize = 32;

/// One product's photos, in file order.
struct Group {
    sku: String,
    line: u64,
    photos: Vec<Photo>,
}

fn groups(photos: Vec<Photo>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for photo in photos {
        match groups.last_mut() {
            Some(group) if group.sku == photo.sku => group.photos.push(photo),
            _ => groups.push(Group {
                sku: photo.sku.clone(),
                line: photo.line,
                photos: vec![photo],
            }),
        }
    }
    groups
}

fn shown(source: &Source) -> String {
    match source {
        Source::File(path) => path.display().to_string(),
        Source::Url(url) => url.clone(),
    }
}

pub fn import_photos(
    destination: &mut impl Destination,
    photos: Vec<Photo>,
    variant_images: Vec<VariantImage>,
    wrote: bool,
    tally: &mut Tally,
    job: &Job,
) -> Result<()> {
    let groups = groups(photos);
    if !wrote || job.cancel.is_cancelled() {
        for photo in groups.iter().flat_map(|g| &g.photos) {
            let (kind, verb) = match photo.source {
                Source::File(_) => (IssueKind::ImageNotImported, "imported"),
                Source::Url(_) => (IssueKind::ImageNotFetched, "downloaded"),
            };
            let message = format!("{} was not {verb}: nothing was written.", shown(&photo.source));
            tally.issue(issue(photo.line, &photo.sku, kind, message))?;
        }
        return Ok(());
    }
    let downloads = destination
        .downloads()?
        .join(format!("csv-photos-{}", std::process::id()));
    let result = import_groups(destination, &groups, &variant_images, &downloads, tally, job);
    let _ = std::fs::remove_dir_all(&downloads);
    result
}

fn import_groups(
    destination: &mut impl Destination,
    groups: &[Group],
    variant_images: &[VariantImage],
    downloads: &Path,
    tally: &mut Tally,
    job: &Job,
) -> Result<()> {
    let wanted: HashSet<&str> = variant_images.iter().map(|v| v.source.as_str()).collect();
    let mut fetched = download::Fetched::new();
    let mut hashes: HashMap<String, String> = HashMap::new();
    let mut start = 0;
    while start < groups.len() && !job.cancel.is_cancelled() {
        let mut end = start;
        let mut count = 0;
        while end < groups.len() && (count == 0 || count + groups[end].photos.len() <= CHUNK_PHOTOS) {
            count += groups[end].photos.len();
            end += 1;
        }
        let chunk = &groups[start..end];
        let mut targets = Vec::with_capacity(chunk.len());
        for group in chunk {
            targets.push(destination.photo_target(&group.sku)?);
        }
        let mut urls: Vec<String> = Vec::new();
        for (group, target) in chunk.iter().zip(&targets) {
            let Some((_, have)) = target else { continue };
            for photo in &group.photos {
                if let Source::Url(url) = &photo.source {
                    if wanted_url(url, have) {
                        urls.push(url.clone());
                    }
                }
            }
        }
        download::fetch_all(&urls, downloads, &mut fetched, job)?;
        let mut files: Vec<(PathBuf, ProductId)> = Vec::new();
        let mut owners: Vec<&Group> = Vec::new();
        for (group, target) in chunk.iter().zip(targets) {
            if let Some((id, have)) = target {
                for path in group_files(group, &have, &fetched, &wanted, &mut hashes, tally)? {
                    files.push((path, id));
                    owners.push(group);
                }
            }
        }
        if !files.is_empty() {
            let report = destination.import_photo_files(&files, job)?;
            for (item, group) in report.items.into_iter().zip(owners) {
                report_item(item, group, tally)?;
            }
        }
        start = end;
    }
    let links: Vec<(String, String)> = variant_images
        .iter()
        .filter_map(|v| hashes.get(&v.source).map(|sha| (v.sku.clone(), sha.clone())))
        .collect();
    if !links.is_empty() {
        destination.set_variant_images(&links)?;
    }
    Ok(())
}

/// Whether `url` is to be downloaded for a product whose photos have these file names.
fn wanted_url(url: &str, have: &[String]) -> bool {
    let prefix = download::url_prefix(url);
    !have.iter().any(|name| name.starts_with(&prefix))
}

/// The files of a group's photos that are to be imported, in order: files as they are,
/// downloads that succeeded (a failed one is listed with its line). Records the hash of each
/// photo a variant names.
fn group_files(
    group: &Group,
    have: &[String],
    fetched: &download::Fetched,
    wanted: &HashSet<&str>,
    hashes: &mut HashMap<String, String>,
    tally: &mut Tally,
) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for photo in &group.photos {
        let path = match &photo.source {
            Source::File(path) => path.clone(),
            Source::Url(url) if !wanted_url(url, have) => continue,
            Source::Url(url) => match fetched.get(url) {
                Some(Ok(path)) => path.clone(),
                Some(Err(message)) => {
                    tally.issue(issue(
                        photo.line,
                        &group.sku,
                        IssueKind::ImageNotFetched,
                        message.clone(),
                    ))?;
                    continue;
                }
                None => continue,
            },
        };
        if wanted.contains(photo.name.as_str()) {
            hashes.insert(photo.name.clone(), sha256_of(&path)?);
        }
        paths.push(path);
    }
    Ok(paths)
}

fn report_item(item: ItemResult, group: &Group, tally: &mut Tally) -> Result<()> {
    let kind = match item.outcome {
        Outcome::Done => {
            tally.report.images_imported += 1;
            return Ok(());
        }
        Outcome::Skipped => return Ok(()),
        Outcome::Warning => {
            tally.report.images_imported += 1;
            IssueKind::Warning
        }
        Outcome::Refused => IssueKind::ImageNotImported,
    };
    let message = format!("{}: {}", item.name, item.message);
    tally.issue(issue(group.line, &group.sku, kind, message))
}

fn sha256_of(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("Can't read the photo", path, e))?;
    let mut hash = Sha256::new();
    std::io::copy(&mut file, &mut hash).map_err(|e| Error::io("Can't read the photo", path, e))?;
    Ok(hex::encode(hash.finalize()))
}
