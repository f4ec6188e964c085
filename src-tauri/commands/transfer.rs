//! Moving products in and out: export (CSV, JSON, Shopify CSV), CSV import with a preview,
//! and backups. Files to write are chosen by the seller in a native save dialog opened from
//! Rust; files to read must have been picked (see `picked`).

use crate::background::run_job;
use crate::error::CommandResult;
use crate::picked;
use crate::state::AppState;
use shelf_core::backup::{self, BackupSummary};
use shelf_core::catalog::products::ProductQuery;
use shelf_core::csv_import::{self, CsvImportOptions, CsvImportReport, CsvPreview};
use shelf_core::export::{self, ExportFormat, ExportSummary};
use shelf_core::job::Progress;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

/// How many rows the CSV preview shows.
const PREVIEW_ROWS: usize = 20;

/// Asks where to save, then exports the products matching `query` (or only `ids`); with
/// `with_images`, the photos go to a folder beside the file. `None` when the seller cancels.
#[tauri::command]
pub async fn export_catalog<R: Runtime>(
    app: AppHandle<R>,
    format: ExportFormat,
    with_images: bool,
    query: ProductQuery,
    ids: Option<Vec<i64>>,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<ExportSummary>> {
    let Some(out) = picked::export_target(&app, format).await? else {
        return Ok(None);
    };
    let images = with_images.then(|| picked::images_folder_beside(&out));
    run_job(app, job_id, on_progress, move |catalog, job| {
        export::export(
            catalog,
            format,
            &out,
            images.as_deref(),
            &query,
            ids.as_deref(),
            job,
        )
    })
    .await
    .map(Some)
}

/// "Import CSV…": the native picker; `None` when cancelled.
#[tauri::command]
pub async fn pick_csv<R: Runtime>(app: AppHandle<R>) -> CommandResult<Option<String>> {
    picked::pick_csv(app).await
}

/// The first rows of a picked CSV file and how its columns map to product fields.
#[tauri::command]
pub async fn preview_csv(state: State<'_, AppState>, path: String) -> CommandResult<CsvPreview> {
    let path = state.picked.check(&[path])?.remove(0);
    crate::state::blocking(move || csv_import::preview(&path, PREVIEW_ROWS)).await
}

/// Imports a picked CSV file: all or nothing unless `skip_bad_rows`; `dry_run` only reports.
#[tauri::command]
pub async fn import_csv<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    options: picked::CsvImportArgs,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<CsvImportReport> {
    let path = app.state::<AppState>().picked.check(&[path])?.remove(0);
    let options = CsvImportOptions::from(options);
    run_job(app, job_id, on_progress, move |catalog, job| {
        csv_import::import(catalog, &path, &options, job)
    })
    .await
}

/// "Back up now": asks where (the library's backups folder by default), writes a verified
/// backup there. `None` when the seller cancels.
#[tauri::command]
pub async fn backup_now<R: Runtime>(
    app: AppHandle<R>,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<BackupSummary>> {
    let Some(out) = picked::backup_target(&app).await? else {
        return Ok(None);
    };
    run_job(app, job_id, on_progress, move |catalog, job| {
        backup::create(catalog, &out, job)
    })
    .await
    .map(Some)
}
