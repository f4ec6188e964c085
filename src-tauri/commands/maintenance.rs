//! Integrity check of the catalog, as a job with progress.

use crate::background::run_job;
use crate::error::CommandResult;
use shelf_core::catalog::maintenance::CheckReport;
use shelf_core::job::Progress;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

#[tauri::command]
pub async fn check_catalog<R: Runtime>(
    app: AppHandle<R>,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<CheckReport> {
    run_job(app, job_id, on_progress, |catalog, _job| catalog.check()).await
}
