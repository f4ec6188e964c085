//! Backups of a team catalog: the same verified zip a local library makes, so one backup
//! restores into either engine.
//!
//! Neither direction has a format or a check of its own; each is two steps that already
//! verify everything, joined through a scratch library that is removed whatever happens:
//! - [`back_up`] pulls the server (one REPEATABLE READ snapshot, every row compared) into a
//!   scratch library beside the backup file, then writes that library's backup (snapshot
//!   integrity and references checked, archive read back and verified).
//! - [`restore_into`] restores the backup into a scratch library (vetted, staged, migrated,
//!   schema compared), then pushes that into an empty server database (every row compared
//!   before it commits). A server that already holds a catalog is refused before any of that.
//!
//! The scratch library holds one copy of the photos for as long as the step takes: a team
//! backup needs the photos' size free twice over beside the file (once for the zip).

use super::{migrations, pull, push};
use crate::backup::{self, BackupSummary};
use crate::error::{Error, Result};
use crate::job::Job;
use crate::{Catalog, Library};
use postgres::Client;
use std::path::{Path, PathBuf};

/// Writes a verified backup of the server's catalog to `out`.
pub fn back_up(client: &mut Client, out: &Path, job: &Job) -> Result<BackupSummary> {
    let beside = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    let scratch = Scratch::new(beside, &format!(".{name}.team"))?;
    let root = scratch.0.join("library");
    pull::pull(client, &root)?;
    job.check_cancelled()?;
    backup::create(&Library::create_at(&root)?, out, job)
}

/// Restores `backup` into the server `client` is connected to, whose database must hold no
/// catalog yet; the client must be the role that owns the database, as for a push.
pub fn restore_into(client: &mut Client, backup: &Path, job: &Job) -> Result<push::PushReport> {
    migrations::migrate(client)?;
    push::refuse_unless_empty(client)?;
    let scratch = Scratch::new(&std::env::temp_dir(), "shelfkeeper-team-restore")?;
    let library = Library::create_at(&scratch.0.join("library"))?;
    backup::restore(&library, backup, job)?;
    job.check_cancelled()?;
    push::push(&Catalog::open(&library)?, client)
}

/// A folder of this process's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(parent: &Path, name: &str) -> Result<Scratch> {
        let dir = parent.join(format!(
            "{name}-{}-{}",
            std::process::id(),
            crate::backup::clock::now_nanos()
        ));
        std::fs::create_dir(&dir).map_err(|e| Error::io("Can't create the scratch folder", &dir, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
