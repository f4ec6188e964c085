//! Long work (photo and CSV imports, exports, backups, checks, restores) on its own blocking
//! thread: progress streams to the window through a [`Channel`], the job's cancel token is
//! stored under the id the UI chose so `cancel_job` can reach it, and the window stays
//! responsive. A job holds the catalog's writer throughout ([`run_job`]), or doesn't take it
//! ([`run_job_without_writer`]) but for a batch at a time ([`BatchWriter`]: photo and CSV
//! imports); the less it holds, the sooner the seller's edits are saved.

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use shelf_core::catalog::WriterAccess;
use shelf_core::job::{Job, Progress};
use shelf_core::Catalog;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};

/// Runs `work` with the library's writer on a blocking thread as job `job_id`, holding the
/// writer throughout (the seller's edits wait until it ends); refused while the window
/// shows a team catalog.
pub async fn run_job<R, T, F>(
    app: AppHandle<R>,
    job_id: String,
    progress: Channel<Progress>,
    work: F,
) -> CommandResult<T>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(&mut Catalog, &Job<'_>) -> shelf_core::Result<T> + Send + 'static,
{
    app.state::<AppState>().refuse_on_team()?;
    run_job_without_writer(app, job_id, progress, move |state, job| {
        work(&mut state.writer_blocking(), job)
    })
    .await
}

/// The writer, taken for one batch at a time; refused once a restore has replaced the
/// library under the job (its connection points at the library moved aside).
pub struct BatchWriter<'a> {
    state: &'a AppState,
}

impl<'a> BatchWriter<'a> {
    pub fn new(state: &'a AppState) -> Self {
        BatchWriter { state }
    }
}

impl WriterAccess for BatchWriter<'_> {
    fn with_writer<T>(
        &mut self,
        f: impl FnOnce(&mut Catalog) -> shelf_core::Result<T>,
    ) -> shelf_core::Result<T> {
        self.state.refuse_if_replaced()?;
        f(&mut self.state.writer_blocking())
    }
}

/// The job's thread, cancel token and progress channel around `work`, which takes the
/// writer itself if it needs it (a backup doesn't: it reads through its own connection).
pub async fn run_job_without_writer<R, T, F>(
    app: AppHandle<R>,
    job_id: String,
    progress: Channel<Progress>,
    work: F,
) -> CommandResult<T>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(&AppState, &Job<'_>) -> shelf_core::Result<T> + Send + 'static,
{
    app.state::<AppState>().refuse_if_replaced()?;
    let task = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let running = state.jobs.start(&job_id);
        // A window that went away mid-job just stops receiving progress; the job finishes.
        let job = Job::new(running.token.clone(), move |p: &Progress| {
            let _ = progress.send(p.clone());
        });
        work(&state, &job)
    });
    match task.await {
        Ok(result) => result.map_err(CommandError::from),
        Err(err) => Err(CommandError::internal(format!(
            "The job stopped unexpectedly: {err}"
        ))),
    }
}
