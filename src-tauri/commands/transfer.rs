//! Moving products in and out: export (CSV, JSON, Shopify CSV), CSV import with a preview,
//! and backups. Files to write are chosen by the seller in a native save dialog opened from
//! Rust; files to read must have been picked (see `picked`).

use crate::background::{run_job, run_job_without_writer};
use crate::error::CommandResult;
use crate::picked;
use crate::state::AppState;
use shelf_core::backup::{self, BackupManifest, BackupSummary};
use shelf_core::catalog::products::ProductQuery;
use shelf_core::csv_import::{CsvFormat, CsvImportOptions, CsvImportReport, CsvPreview};
use shelf_core::export::{self, ExportFormat, ExportPhotos, ExportSummary};
use shelf_core::job::Progress;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

/// How many rows the CSV preview shows.
const PREVIEW_ROWS: usize = 20;

/// Asks where to save, then exports the products matching `query` (or only `ids`), with
/// the photos in a folder beside the file as `photos` says. `None` when the seller cancels.
#[tauri::command]
pub async fn export_catalog<R: Runtime>(
    app: AppHandle<R>,
    format: ExportFormat,
    photos: ExportPhotos,
    query: ProductQuery,
    ids: Option<Vec<i64>>,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<ExportSummary>> {
    let Some(out) = picked::export_target(&app, format).await? else {
        return Ok(None);
    };
    let folder = (photos != ExportPhotos::None).then(|| picked::images_folder_beside(&out));
    run_job_without_writer(app, job_id, on_progress, move |state, job| {
        export::export(
            &mut *state.own_reader()?,
            format,
            &out,
            folder.as_deref().and_then(|dir| photos.out_to(dir)),
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

/// The first rows of a picked CSV file and how its columns map to product fields (read as
/// `format`; a mapping the seller chose for the same header row before is used again).
#[tauri::command]
pub async fn preview_csv(
    state: State<'_, AppState>,
    path: String,
    format: CsvFormat,
) -> CommandResult<CsvPreview> {
    let path = state.picked.check(&[path])?.remove(0);
    state
        .browse(move |store| store.preview_csv(&path, PREVIEW_ROWS, format))
        .await
}

/// Imports a picked CSV file into the catalog the window shows: all or nothing unless
/// `skip_bad_rows`; `dry_run` only reports. Skipping bad rows, it takes a library's writer
/// one batch at a time, so edits save meanwhile (a team server's rows stay open to others).
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
    run_job_without_writer(app, job_id, on_progress, move |state, job| {
        state.import_csv(&path, &options, job)
    })
    .await
}

/// "Back up now": asks where (the library's backups folder by default), writes a verified
/// backup of the catalog the window shows there. `None` when the seller cancels.
#[tauri::command]
pub async fn backup_now<R: Runtime>(
    app: AppHandle<R>,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<BackupSummary>> {
    let Some(out) = picked::backup_target(&app).await? else {
        return Ok(None);
    };
    run_job_without_writer(app, job_id, on_progress, move |state, job| {
        state.back_up(&out, job)
    })
    .await
    .map(Some)
}

/// How long the seller can read "restored" before the app restarts on the restored library.
const RESTART_AFTER: std::time::Duration = std::time::Duration::from_millis(2500);

/// "Restore from backup…" (into this computer's library, so not while the window shows a
/// team catalog): the seller picks an archive, sees what it holds and confirms; it is
/// checked entry by entry in a staging folder and only then swapped in, the current library
/// moved aside (never deleted). The app's connections still point at the library that was
/// moved aside, so from that moment every write is refused, and the app restarts on the
/// restored library. Returns what to tell the seller; `None` when they cancel.
#[tauri::command]
pub async fn restore_from_backup<R: Runtime>(
    app: AppHandle<R>,
    job_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<String>> {
    app.state::<AppState>().refuse_on_team()?;
    let Some(path) = picked::pick_backup(&app).await? else {
        return Ok(None);
    };
    let manifest = {
        let path = path.clone();
        crate::state::blocking(move || backup::describe(&path)).await?
    };
    let library = app.state::<AppState>().library.clone();
    let question = restore_question(&manifest, library.root());
    if !picked::confirm(&app, "Restore from backup", question, "Restore").await? {
        return Ok(None);
    }
    let (restarting, marking) = (app.clone(), app.clone());
    let summary = run_job(app, job_id, on_progress, move |_writer, job| {
        let summary = backup::restore(&library, &path, job)?;
        marking.state::<AppState>().mark_replaced();
        Ok(summary)
    })
    .await?;
    std::thread::spawn(move || {
        std::thread::sleep(RESTART_AFTER);
        restarting.restart();
    });
    Ok(Some(format!(
        "Restored the backup of {}. Your previous library was kept at {}. Shelfkeeper is reopening…",
        summary.manifest.created_at,
        summary.previous_library.display()
    )))
}

/// The confirmation a seller reads before a restore replaces their library.
fn restore_question(manifest: &BackupManifest, library: &std::path::Path) -> String {
    let count = |table: &str| manifest.row_counts.get(table).copied().unwrap_or(0);
    let made = manifest
        .created_at
        .get(..16)
        .unwrap_or_default()
        .replace('T', " at ");
    format!(
        "This backup was made {made} UTC and holds {} products and {} photos.\n\n\
         Restoring replaces the catalog you have open now. Your current library is not \
         deleted: it is moved aside, next to {}, as a folder ending in “pre-restore”.",
        count("products"),
        count("originals"),
        library.display()
    )
}
