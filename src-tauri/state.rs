//! What the commands share: the catalog's one writer connection, read-only connections for
//! browsing (so the grid and search stay responsive while an import holds the writer), the
//! running jobs' cancel tokens, and the paths the seller has just dropped or picked.
//!
//! Every database call runs on a blocking thread ([`AppState::read`], [`AppState::write`]),
//! never on the window's event loop or an async worker.

use crate::error::{CommandError, CommandResult};
use crate::picked::PickedPaths;
use rusqlite::Connection;
use shelf_core::job::CancelToken;
use shelf_core::{Catalog, Library};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub struct AppState {
    pub library: Library,
    writer: Arc<Mutex<Catalog>>,
    /// For list/search/get commands.
    reader: Arc<Mutex<Connection>>,
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
        let reader = Catalog::open_reader(&library)?;
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
        })
    }

    /// Runs `f` with the read-only connection on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> shelf_core::Result<T> + Send + 'static,
    {
        let reader = Arc::clone(&self.reader);
        blocking(move || f(&lock(&reader))).await
    }

    /// Runs `f` with the writer on a blocking thread; waits while a job holds it.
    pub async fn write<T, F>(&self, f: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Catalog) -> shelf_core::Result<T> + Send + 'static,
    {
        self.refuse_if_replaced()?;
        let writer = Arc::clone(&self.writer);
        blocking(move || f(&mut lock(&writer))).await
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

    /// The originals lookup, used from the URI scheme's worker thread.
    pub fn originals_handle(&self) -> Arc<Mutex<Catalog>> {
        Arc::clone(&self.originals)
    }

    /// The image reader, used from the URI scheme's worker thread.
    pub fn image_reader(&self) -> Arc<Mutex<Connection>> {
        Arc::clone(&self.image_reader)
    }
}

/// Locks a shared connection or catalog on the current (blocking) thread.
pub fn lock_blocking<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    lock(mutex)
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
