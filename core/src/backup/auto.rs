//! Automatic backups as the seller sets them up in Settings (or `shelf auto-backup`): the
//! setting's shape and limits, where it is kept, and one run (a backup when something
//! changed, then the retention policy), in words a seller can read. The app's scheduler and
//! the command line both run it from here.

use super::{run_scheduled, RetentionPolicy};
use crate::catalog::settings;
use crate::error::{Error, Result};
use crate::job::{CancelToken, Job};
use crate::{Catalog, Library};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The catalog settings the two services start from.
pub const INBOX_SETTING: &str = "inbox_folder";
pub const AUTO_BACKUP_SETTING: &str = "auto_backup";

/// The automatic-backup setting as stored in the catalog and edited in Settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AutoBackup {
    /// The folder the seller picked.
    pub folder: String,
    /// Keep the newest backup of each of the last `daily` days...
    pub daily: u32,
    /// ...and of each of the last `weekly` weeks.
    pub weekly: u32,
    /// Back up this often while the app is open (and on quit), when something changed.
    pub every_hours: u32,
}

impl AutoBackup {
    /// The limits Settings offers: every 1 to 168 hours; 0-60 daily and 0-104 weekly kept, at
    /// least one in all. (The folder is checked by the run itself, every time.)
    pub fn check(&self) -> Result<()> {
        if !(1..=168).contains(&self.every_hours) {
            return Err(Error::refused("Back up every 1 to 168 hours."));
        }
        if self.daily > 60 || self.weekly > 104 || self.daily + self.weekly == 0 {
            return Err(Error::refused(
                "Keep 0 to 60 daily and 0 to 104 weekly backups, and at least one in all.",
            ));
        }
        Ok(())
    }

    /// The setting the catalog holds, if any (one another tool garbled reads as none).
    pub fn of_catalog(conn: &Connection) -> Option<AutoBackup> {
        let value = settings::get(conn, AUTO_BACKUP_SETTING).ok()??;
        serde_json::from_value(value).ok()
    }
}

/// The inbox folder the catalog's settings name, if any (checked when the inbox starts).
pub fn inbox_of_catalog(conn: &Connection) -> Option<PathBuf> {
    let value = settings::get(conn, INBOX_SETTING).ok()??;
    value.as_str().map(PathBuf::from)
}

/// One automatic backup (skipped when nothing changed since the last one), then the
/// retention policy; `Ok` with what was done, `Err` with why not, both in words.
pub fn back_up_once(
    library: &Library,
    setting: &AutoBackup,
    cancel: &CancelToken,
) -> std::result::Result<String, String> {
    let policy = RetentionPolicy {
        daily: setting.daily as usize,
        weekly: setting.weekly as usize,
    };
    let folder = PathBuf::from(&setting.folder);
    let job = Job::new(cancel.clone(), |_| {});
    let result = setting
        .check()
        .and_then(|()| Catalog::open(library))
        .and_then(|catalog| run_scheduled(&catalog, &folder, &policy, &job));
    match result {
        Ok(done) => Ok(match done.created {
            Some(summary) => format!(
                "Automatic backup saved to {} ({} kept, {} old ones removed).",
                summary.path.display(),
                done.kept.len(),
                done.deleted.len()
            ),
            None => "Automatic backup: nothing changed since the last one.".into(),
        }),
        Err(err) => Err(format!("The automatic backup failed: {err}")),
    }
}
