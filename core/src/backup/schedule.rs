//! Automatic backups: [`run_scheduled`] is what the app calls on a timer and on quit. It
//! makes a backup into the seller's folder when the catalog changed since the last one,
//! then prunes that folder with the retention policy ([`retention_deletions`], a pure
//! function). Every failure is returned for the app to show; nothing is swallowed. Only
//! files named like our backups (`shelf-backup-YYYYMMDDTHHMMSSZ.zip`) are ever deleted.

use super::{clock, create, BackupSummary};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::job::Job;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const PREFIX: &str = "shelf-backup-";
const SUFFIX: &str = ".zip";
const STATE_FILE: &str = ".shelf-backup-state.json";
const LAST_CHANGE: &str = "SELECT coalesce(max(id), 0) FROM audit_log";

/// Keep the newest backup of each of the last `daily` days that have one, and of each of
/// the last `weekly` ISO weeks that have one. The newest backup is always kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub daily: usize,
    pub weekly: usize,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy { daily: 7, weekly: 4 }
    }
}

/// Which of the backups taken at `taken_at` (Unix seconds, any order) to delete, as
/// indices into `taken_at`.
pub fn retention_deletions(taken_at: &[i64], policy: &RetentionPolicy) -> Vec<usize> {
    let mut order: Vec<usize> = (0..taken_at.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(taken_at[i]));
    let mut keep = HashSet::new();
    if let Some(&newest) = order.first() {
        keep.insert(newest);
    }
    for (period, limit) in [
        (clock::day_of as fn(i64) -> i64, policy.daily),
        (clock::week_of, policy.weekly),
    ] {
        let mut seen = HashSet::new();
        for &i in &order {
            if seen.len() >= limit && !seen.contains(&period(taken_at[i])) {
                break;
            }
            if seen.insert(period(taken_at[i])) {
                keep.insert(i);
            }
        }
    }
    let mut delete: Vec<usize> = (0..taken_at.len()).filter(|i| !keep.contains(i)).collect();
    delete.sort_unstable();
    delete
}

/// What an automatic backup run did.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledBackup {
    /// The new backup, or `None` when nothing changed since the last one.
    pub created: Option<BackupSummary>,
    pub deleted: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct State {
    catalog: PathBuf,
    last_change: i64,
}

/// Backs the catalog up into `folder` if it changed since the last automatic backup there,
/// then applies `policy` to the backups in `folder`.
pub fn run_scheduled(
    catalog: &Catalog,
    folder: &Path,
    policy: &RetentionPolicy,
    job: &Job,
) -> Result<ScheduledBackup> {
    let folder = &catalog
        .library()
        .check_service_folder(folder, "automatic backup", true)?;
    let last_change: i64 = catalog.conn().query_row(LAST_CHANGE, [], |r| r.get(0))?;
    let state = State {
        catalog: catalog.library().catalog_path(),
        last_change,
    };
    let state_path = folder.join(STATE_FILE);
    let previous: Option<State> = std::fs::read(&state_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let have_backup = !backups_in(folder)?.is_empty();
    let created = if previous.as_ref() == Some(&state) && have_backup {
        None
    } else {
        let out = next_name(folder);
        let summary = create(catalog.library(), &out, job)?;
        if !summary.originals_missing.is_empty() {
            // Not a good backup: it is set aside under a name the rotation does not count,
            // the older, complete ones stay, and the next run tries again (no state written),
            // so the seller keeps hearing of it.
            let aside = summary.path.with_extension("zip.incomplete");
            std::fs::rename(&summary.path, &aside)
                .map_err(|e| Error::io("Can't set the incomplete backup aside", &aside, e))?;
            return Err(incomplete(&summary, &aside));
        }
        write_state(&state_path, &state)?;
        Some(summary)
    };
    let backups = backups_in(folder)?;
    let stamps: Vec<i64> = backups.iter().map(|(_, t)| *t).collect();
    let doomed: HashSet<usize> = retention_deletions(&stamps, policy).into_iter().collect();
    let (mut deleted, mut kept) = (Vec::new(), Vec::new());
    for (i, (path, _)) in backups.into_iter().enumerate() {
        if doomed.contains(&i) {
            std::fs::remove_file(&path).map_err(|e| Error::io("Can't delete the old backup", &path, e))?;
            deleted.push(path);
        } else {
            kept.push(path);
        }
    }
    Ok(ScheduledBackup {
        created,
        deleted,
        kept,
    })
}

/// A backup that lacks some photos, in words: what is missing and what was kept.
fn incomplete(summary: &BackupSummary, aside: &Path) -> Error {
    let shown: Vec<&str> = summary
        .originals_missing
        .iter()
        .take(3)
        .map(String::as_str)
        .collect();
    Error::Damaged(format!(
        "The automatic backup (set aside as {}) is missing {} photo(s) whose files are gone from the library ({}{}); no older backup was deleted. Run Integrity check to see which products they belong to.",
        aside.display(),
        summary.originals_missing.len(),
        shown.join(", "),
        if summary.originals_missing.len() > 3 { ", ..." } else { "" }
    ))
}

fn next_name(folder: &Path) -> PathBuf {
    let stamp = clock::stamp(clock::now_secs());
    let mut path = folder.join(format!("{PREFIX}{stamp}{SUFFIX}"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{PREFIX}{stamp}-{n}{SUFFIX}"));
        n += 1;
    }
    path
}

/// Our backups in `folder`, with the time in their names.
fn backups_in(folder: &Path) -> Result<Vec<(PathBuf, i64)>> {
    let entries =
        std::fs::read_dir(folder).map_err(|e| Error::io("Can't list the backup folder", folder, e))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name.strip_prefix(PREFIX).and_then(|n| n.strip_suffix(SUFFIX)) else {
            continue;
        };
        let stamp = middle.split('-').next().unwrap_or(middle);
        if let Some(secs) = clock::parse_stamp(stamp) {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                found.push((entry.path(), secs));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn write_state(path: &Path, state: &State) -> Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, serde_json::to_vec(state)?)
        .map_err(|e| Error::io("Can't write", &partial, e))?;
    std::fs::rename(&partial, path).map_err(|e| Error::io("Can't write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn retention_keeps_the_last_n_days_and_m_weeks() {
        // Monday 2026-11-23 12:00 UTC, going back 60 days, two backups a day.
        let monday = clock::parse_stamp("20261123T120000Z").unwrap();
        let stamps: Vec<i64> = (0..60)
            .flat_map(|d| [monday - d * DAY, monday - d * DAY - 3600])
            .collect();
        let policy = RetentionPolicy { daily: 7, weekly: 4 };
        let deleted = retention_deletions(&stamps, &policy);
        let kept: Vec<i64> = (0..stamps.len())
            .filter(|i| !deleted.contains(i))
            .map(|i| stamps[i])
            .collect();
        // 7 days (newest of each) + the newest of 3 earlier weeks (the 4th week is this one).
        let days: Vec<i64> = (0..7).map(|d| monday - d * DAY).collect();
        for day in &days {
            assert!(kept.contains(day), "newest of day {day} kept");
        }
        assert!(
            !kept.contains(&(monday - 3600)),
            "older backup of a kept day is deleted"
        );
        // Weeks start on Monday: this week (today), last week (its newest is Sunday, already
        // kept as a day), and the newest of the two weeks before: the Sundays 8 and 15 days ago.
        assert!(kept.contains(&(monday - 8 * DAY)) && kept.contains(&(monday - 15 * DAY)));
        assert!(!kept.contains(&(monday - 22 * DAY)));
        assert_eq!(kept.len(), 7 + 2, "{kept:?}");
        assert!(retention_deletions(&[], &policy).is_empty());
        assert!(
            retention_deletions(&[5], &RetentionPolicy { daily: 0, weekly: 0 }).is_empty(),
            "the newest always stays"
        );
    }

    #[test]
    fn retention_is_independent_of_input_order() {
        let stamps = [10 * DAY, 2 * DAY, 30 * DAY, 3 * DAY, 29 * DAY];
        let policy = RetentionPolicy { daily: 2, weekly: 0 };
        let deleted: Vec<i64> = retention_deletions(&stamps, &policy)
            .into_iter()
            .map(|i| stamps[i])
            .collect();
        assert_eq!(deleted.len(), 3);
        assert!(!deleted.contains(&(30 * DAY)) && !deleted.contains(&(29 * DAY)));
    }
}
