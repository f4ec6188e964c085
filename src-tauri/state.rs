//! What the commands share: the catalog's one writer connection, read-only connections for
//! browsing (so the grid and search stay responsive while an import holds the writer), the
//! team catalog when this library profile works on one, the running jobs' cancel tokens, and
//! the paths the seller has just dropped or picked.
//!
//! Every database call runs on a blocking thread, never on the window's event loop or an
//! async worker. The grid, search and editor ask [`AppState::browse`] and [`AppState::edit`],
//! which run on whichever catalog the window shows: this computer's library or the team
//! server (issue 14), as do a photo or CSV import ([`AppState::import_photos`],
//! [`AppState::import_csv`]), an export
//! ([`AppState::own_reader`]) and "Back up now" ([`AppState::back_up`]). What runs on the
//! library only so far asks [`AppState::read`] and [`AppState::write`] or runs as a job with
//! the writer, which a window on a team catalog refuses rather than quietly reading or
//! changing this computer's copy.

use crate::background::BatchWriter;
use crate::error::{CommandError, CommandResult};
use crate::picked::PickedPaths;
use rusqlite::Connection;
use shelf_core::backup::{self, BackupSummary};
use shelf_core::csv_import::{self, CsvImportOptions, CsvImportReport};
use shelf_core::images::{self, ImportTarget, Thumbnail};
use shelf_core::job::{CancelToken, Job, JobReport};
use shelf_core::server::session::TeamSession;
use shelf_core::store::{Store, TeamCatalog};
use shelf_core::{Catalog, Library};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub struct AppState {
    pub library: Library,
    writer: Arc<Mutex<Catalog>>,
    /// For list/search/get commands.
    reader: Arc<Mutex<Catalog>>,
    /// For the `thumb` URI scheme, so a screenful of thumbnails doesn't queue behind a search.
    image_reader: Arc<Mutex<Connection>>,
    /// A second catalog handle that only looks up originals for the `original` URI scheme
    /// (the images API takes a `Catalog`), so the photo viewer works during an import.
    originals: Arc<Mutex<Catalog>>,
    pub jobs: Jobs,
    pub picked: PickedPaths,
    pub services: crate::services::Services,
    /// Set once a restore has swapped the library folder: the connections above still point
    /// at the library that was moved aside, so every write is refused until the app has
    /// restarted on the restored one.
    replaced: AtomicBool,
    /// The team catalog the window shows instead of the library's, when it shows one.
    team: Mutex<Option<Team>>,
}

/// A window on a team catalog: one session for the grid, search and editor, one for
/// thumbnails (so a screenful of them doesn't queue behind a search), and the flag that
/// stops the thread following others' changes.
#[derive(Clone)]
pub struct Team {
    pub address: String,
    session: Arc<Mutex<TeamSession>>,
    images: Arc<Mutex<TeamSession>>,
    /// Set once the window has left this server: the thread following its changes stops.
    pub left: Arc<AtomicBool>,
    /// Why the server can't be reached, while it can't (the follower's last word).
    pub problem: Arc<Mutex<Option<String>>>,
}

impl Team {
    /// The window's sessions on `first`'s server; the thumbnails' connects when first asked.
    pub fn new(first: TeamSession) -> shelf_core::Result<Team> {
        let images = TeamSession::at(first.address())?;
        Ok(Team {
            address: first.address().to_owned(),
            session: Arc::new(Mutex::new(first)),
            images: Arc::new(Mutex::new(images)),
            left: Arc::new(AtomicBool::new(false)),
            problem: Arc::new(Mutex::new(None)),
        })
    }
}

/// What every library-only command meets while the window shows a team catalog.
fn not_on_team() -> shelf_core::Error {
    shelf_core::Error::refused(
        "This window shows the team catalog, and that works on this computer's own library only so far. Disconnect from the team server to use it there.",
    )
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves SQLite's connection itself intact (every write is
    // a transaction that rolled back), so carrying on with the inner value is safe.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// Opens (creating and migrating as needed) the library's catalog and its readers.
    pub fn open(library: Library) -> shelf_core::Result<Self> {
        let catalog = Catalog::open(&library)?;
        // Rule 9: files a crash left behind are swept on start-up (skipped while another
        // process imports; a failure here must not keep the seller out of their catalog).
        if let Err(err) = shelf_core::images::sweep_on_open(&library, catalog.conn()) {
            eprintln!("Shelfkeeper: start-up sweep of the originals folder failed: {err}");
        }
        let originals = Catalog::open(&library)?;
        let reader = catalog.reader()?;
        let image_reader = Catalog::open_reader(&library)?;
        Ok(AppState {
            library,
            writer: Arc::new(Mutex::new(catalog)),
            reader: Arc::new(Mutex::new(reader)),
            image_reader: Arc::new(Mutex::new(image_reader)),
            originals: Arc::new(Mutex::new(originals)),
            jobs: Jobs::default(),
            picked: PickedPaths::default(),
            services: crate::services::Services::default(),
            replaced: AtomicBool::new(false),
            team: Mutex::new(None),
        })
    }

    /// The team catalog the window shows, if it shows one.
    pub fn team(&self) -> Option<Team> {
        lock(&self.team).clone()
    }

    /// Shows `team` instead of the library's catalog (`None`: the library's again); the
    /// team it replaces, if any, stops following changes.
    pub fn set_team(&self, team: Option<Team>) {
        if let Some(old) = std::mem::replace(&mut *lock(&self.team), team) {
            old.left.store(true, Ordering::SeqCst);
        }
    }

    /// Runs a read of the catalog the window shows on a blocking thread: the team
    /// catalog's (asked again once on a new connection if the old one was lost) or the
    /// library's read-only connection.
    pub async fn browse<T, F>(&self, mut f: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnMut(&mut dyn Store) -> shelf_core::Result<T> + Send + 'static,
    {
        match self.team() {
            Some(team) => blocking(move || lock(&team.session).read(|catalog| f(catalog))).await,
            None => {
                let reader = Arc::clone(&self.reader);
                blocking(move || f(&mut *lock(&reader))).await
            }
        }
    }

    /// Runs a write to the catalog the window shows on a blocking thread: once on the team
    /// catalog (a lost connection is the error, and the edit stays in the editor), or with
    /// the library's writer.
    pub async fn edit<T, F>(&self, f: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> shelf_core::Result<T> + Send + 'static,
    {
        match self.team() {
            Some(team) => blocking(move || lock(&team.session).write(|catalog| f(catalog))).await,
            None => self.write(move |catalog| f(catalog)).await,
        }
    }

    /// A handle of its own on the catalog the window shows, for a long read on a job's
    /// thread (an export): a second connection to the team server, or a read-only one to
    /// the library, so the window's own keeps answering meanwhile.
    pub fn own_reader(&self) -> shelf_core::Result<Box<dyn Store>> {
        match self.team() {
            Some(team) => Ok(Box::new(TeamCatalog::connect(&team.address, None)?)),
            None => Ok(Box::new(lock(&self.reader).reader()?)),
        }
    }

    /// Writes a verified backup of the catalog the window shows to `out` (on a job's
    /// thread): the team server's, pulled through a scratch library beside the file, or
    /// the library's.
    pub fn back_up(&self, out: &Path, job: &Job) -> shelf_core::Result<BackupSummary> {
        match self.team() {
            Some(team) => {
                let mut client = shelf_core::server::connect::connect(&team.address, None)?;
                shelf_core::server::backup::back_up(&mut client, out, job)
            }
            None => backup::create(&self.library, out, job),
        }
    }

    /// Imports photos into the catalog the window shows (on a job's thread): the team
    /// server's, on a connection of the job's own, or the library's, taking its writer one
    /// batch at a time so the seller's edits are saved in between.
    pub fn import_photos(
        &self,
        paths: &[PathBuf],
        target: ImportTarget,
        job: &Job,
    ) -> shelf_core::Result<JobReport> {
        match self.team() {
            Some(team) => TeamCatalog::connect(&team.address, None)?.import_photos(paths, target, job),
            None => images::import(BatchWriter::new(self), paths, target, job),
        }
    }

    /// Imports a CSV file into the catalog the window shows (on a job's thread), as
    /// [`AppState::import_photos`] does: on a connection of the job's own to the team
    /// server, or with the library's writer taken one batch at a time.
    pub fn import_csv(
        &self,
        path: &Path,
        options: &CsvImportOptions,
        job: &Job,
    ) -> shelf_core::Result<CsvImportReport> {
        match self.team() {
            Some(team) => TeamCatalog::connect(&team.address, None)?.import_csv(path, options, job),
            None => csv_import::import(BatchWriter::new(self), path, options, job),
        }
    }

    /// Where the URI scheme's worker thread finds thumbnails: the catalog the window shows.
    pub fn thumbnails(&self) -> Thumbnails {
        match self.team() {
            Some(team) => Thumbnails::Team(team.images),
            None => Thumbnails::Library(Arc::clone(&self.image_reader)),
        }
    }

    /// Runs `f` with the library's read-only connection on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> shelf_core::Result<T> + Send + 'static,
    {
        self.refuse_on_team()?;
        let reader = Arc::clone(&self.reader);
        blocking(move || f(lock(&reader).conn())).await
    }

    /// Runs `f` with the library's writer on a blocking thread; waits while a job holds it.
    pub async fn write<T, F>(&self, f: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Catalog) -> shelf_core::Result<T> + Send + 'static,
    {
        self.refuse_if_replaced()?;
        self.refuse_on_team()?;
        self.write_library(f).await
    }

    /// Runs `f` with the library's writer whichever catalog the window shows: for what
    /// belongs to this computer's profile (which team server it works on).
    pub async fn write_library<T, F>(&self, f: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Catalog) -> shelf_core::Result<T> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        blocking(move || f(&mut lock(&writer))).await
    }

    /// What works on the library only refuses while the window shows a team catalog.
    pub fn refuse_on_team(&self) -> shelf_core::Result<()> {
        match self.team() {
            Some(_) => Err(not_on_team()),
            None => Ok(()),
        }
    }

    /// Marks the library as replaced by a restore (see `replaced`) and stops the background
    /// services, whose connections point at the library that was moved aside.
    pub fn mark_replaced(&self) {
        self.replaced.store(true, Ordering::SeqCst);
        self.services.stop_all();
    }

    /// The refusal every write meets between a restore and the restart that follows it.
    pub fn refuse_if_replaced(&self) -> shelf_core::Result<()> {
        if self.replaced.load(Ordering::SeqCst) {
            return Err(shelf_core::Error::refused(
                "The library was just restored from a backup; Shelfkeeper is reopening it. Try again in a moment.",
            ));
        }
        Ok(())
    }

    /// The writer for code that is already on a blocking thread (jobs, the change listener
    /// set-up).
    pub fn writer_blocking(&self) -> MutexGuard<'_, Catalog> {
        lock(&self.writer)
    }

    /// Where the URI scheme's worker thread finds what the photo viewer shows: the catalog
    /// the window shows.
    pub fn originals(&self) -> Originals {
        match self.team() {
            Some(team) => Originals::Team(team.images),
            None => Originals::Library(Arc::clone(&self.originals)),
        }
    }
}

pub enum Originals {
    Team(Arc<Mutex<TeamSession>>),
    Library(Arc<Mutex<Catalog>>),
}

impl Originals {
    /// The viewer's bytes for the photo with this content hash, and their MIME type (on a
    /// blocking thread).
    pub fn get(&self, sha256: &str) -> shelf_core::Result<(Vec<u8>, String)> {
        match self {
            Originals::Team(session) => lock(session).read(|catalog| catalog.viewable_photo(sha256)),
            Originals::Library(catalog) => lock(catalog).viewable_photo(sha256),
        }
    }
}

pub enum Thumbnails {
    Team(Arc<Mutex<TeamSession>>),
    Library(Arc<Mutex<Connection>>),
}

impl Thumbnails {
    /// The thumbnail of the photo with this content hash (on a blocking thread).
    pub fn get(&self, sha256: &str) -> shelf_core::Result<Thumbnail> {
        match self {
            Thumbnails::Team(session) => lock(session).read(|catalog| catalog.thumbnail(sha256)),
            Thumbnails::Library(reader) => shelf_core::images::thumbnail(&lock(reader), sha256),
        }
    }
}

/// Runs `f` on a blocking thread (for core calls that need no connection, like reading a
/// picked file).
pub async fn blocking<T, F>(f: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> shelf_core::Result<T> + Send + 'static,
{
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(result) => result.map_err(CommandError::from),
        Err(err) => Err(CommandError::internal(format!(
            "The catalog worker stopped unexpectedly: {err}"
        ))),
    }
}

/// Cancel tokens of running jobs, by the job id the UI chose.
#[derive(Default)]
pub struct Jobs(Mutex<HashMap<String, CancelToken>>);

impl Jobs {
    /// Registers a job; the token is removed again when the returned guard drops.
    pub fn start(&self, id: &str) -> JobGuard<'_> {
        let token = CancelToken::new();
        lock(&self.0).insert(id.to_owned(), token.clone());
        JobGuard {
            jobs: self,
            id: id.to_owned(),
            token,
        }
    }

    /// Asks a running job to stop at its next item. Unknown ids (already finished) are fine.
    pub fn cancel(&self, id: &str) -> bool {
        lock(&self.0).get(id).map(CancelToken::cancel).is_some()
    }
}

pub struct JobGuard<'a> {
    jobs: &'a Jobs,
    id: String,
    pub token: CancelToken,
}

impl Drop for JobGuard<'_> {
    fn drop(&mut self) {
        lock(&self.jobs.0).remove(&self.id);
    }
}
