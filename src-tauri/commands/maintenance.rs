//! Integrity check of the catalog and its photos, as a job with progress.

use crate::background::run_job_without_writer;
use crate::error::CommandResult;
use shelf_core::catalog::maintenance::CheckReport;
use shelf_core::images;
use shelf_core::job::Progress;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

/// The catalog file's checks, then the image library's (`deep` re-hashes every original),
/// through a read-only connection: the seller's edits save while it runs. The library's
/// only so far (refused while the window shows a team catalog).
#[tauri::command]
pub async fn check_catalog<R: Runtime>(
    app: AppHandle<R>,
    deep: bool,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<CheckReport> {
    run_job_without_writer(app, job_id, on_progress, move |state, job| {
        state.refuse_on_team()?;
        images::check_library(&state.library, deep, job)
    })
    .await
}
