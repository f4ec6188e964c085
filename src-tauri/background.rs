//! Long work (image imports, checks, later exports and backups) on its own blocking thread:
//! progress streams to the window through a [`Channel`], the job's cancel token is stored
//! under the id the UI chose so `cancel_job` can reach it, and the window stays responsive.

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use shelf_core::job::{Job, Progress};
use shelf_core::Catalog;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};

/// Runs `work` with the catalog's writer on a blocking thread as job `job_id`.
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
    app.state::<AppState>().refuse_if_replaced()?;
    let task = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let running = state.jobs.start(&job_id);
        // A window that went away mid-job just stops receiving progress; the job finishes.
        let job = Job::new(running.token.clone(), move |p: &Progress| {
            let _ = progress.send(p.clone());
        });
        let writer = state.writer_handle();
        let mut catalog = crate::state::lock_blocking(&writer);
        work(&mut catalog, &job)
    });
    match task.await {
        Ok(result) => result.map_err(CommandError::from),
        Err(err) => Err(CommandError::internal(format!(
            "The job stopped unexpectedly: {err}"
        ))),
    }
}
