//! Product photos: import (from a drop or a picker, as a job), the images panel's operations,
//! and the first-start sample catalog.

use crate::background::{run_job, run_job_without_writer};
use crate::error::CommandResult;
use crate::picked::{self, ImportTargetArg};
use crate::state::AppState;
use shelf_core::images::ProductImage;
use shelf_core::job::{JobReport, Progress};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

/// Imports dropped or picked files and folders onto one product or by the SKU in each file
/// name, into the catalog the window shows. Paths nobody dropped or picked are refused
/// before anything is read.
#[tauri::command]
pub async fn import_images<R: Runtime>(
    app: AppHandle<R>,
    paths: Vec<String>,
    target: ImportTargetArg,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<JobReport> {
    let paths = app.state::<AppState>().picked.check(&paths)?;
    run_job_without_writer(app, job_id, on_progress, move |state, job| {
        state.import_photos(&paths, target.into(), job)
    })
    .await
}

/// Opens the native "Import images" picker; what the seller picks becomes importable.
#[tauri::command]
pub async fn pick_images<R: Runtime>(app: AppHandle<R>) -> CommandResult<Vec<String>> {
    picked::pick_images(app).await
}

#[tauri::command]
pub async fn product_images(state: State<'_, AppState>, product_id: i64) -> CommandResult<Vec<ProductImage>> {
    state.browse(move |store| store.product_images(product_id)).await
}

#[tauri::command]
pub async fn reorder_images(
    state: State<'_, AppState>,
    product_id: i64,
    image_ids: Vec<i64>,
) -> CommandResult<()> {
    state
        .edit(move |store| store.reorder_images(product_id, &image_ids))
        .await
}

#[tauri::command]
pub async fn set_image_alt_text(
    state: State<'_, AppState>,
    image_id: i64,
    text: String,
) -> CommandResult<()> {
    state
        .edit(move |store| store.set_image_alt_text(image_id, &text))
        .await
}

#[tauri::command]
pub async fn rotate_image(state: State<'_, AppState>, image_id: i64) -> CommandResult<()> {
    state.edit(move |store| store.rotate_image(image_id)).await
}

#[tauri::command]
pub async fn trash_image(state: State<'_, AppState>, image_id: i64) -> CommandResult<()> {
    state.edit(move |store| store.trash_image(image_id)).await
}

#[tauri::command]
pub async fn restore_image(state: State<'_, AppState>, image_id: i64) -> CommandResult<()> {
    state.edit(move |store| store.restore_image(image_id)).await
}

/// First start: a small catalog with generated photos to look around in.
#[tauri::command]
pub async fn load_sample_catalog<R: Runtime>(
    app: AppHandle<R>,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<JobReport> {
    run_job(app, job_id, on_progress, shelf_core::sample::load).await
}
