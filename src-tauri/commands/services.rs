//! Settings › Inbox folder and Automatic backups (see `crate::services`). Folders are picked
//! in a native dialog opened from Rust; the page only ever sends back a folder it was given.

use crate::error::CommandResult;
use crate::picked;
use crate::services::{self, AutoBackup, Service, ServicesStatus, AUTO_BACKUP_SETTING, INBOX_SETTING};
use crate::state::AppState;
use std::path::Path;
use tauri::{AppHandle, Manager, Runtime, State};

#[tauri::command]
pub async fn services_status(state: State<'_, AppState>) -> CommandResult<ServicesStatus> {
    let reports = state.services.reports();
    state
        .read(move |conn| {
            Ok(ServicesStatus {
                inbox_folder: services::inbox_setting(conn).map(|p| p.display().to_string()),
                auto_backup: services::auto_backup_setting(conn),
                reports,
            })
        })
        .await
}

/// Asks for the inbox folder, saves it and starts watching it. `None` when cancelled.
#[tauri::command]
pub async fn choose_inbox_folder<R: Runtime>(app: AppHandle<R>) -> CommandResult<Option<String>> {
    let Some(folder) = picked::pick_folder(&app, "Choose the inbox folder to watch").await? else {
        return Ok(None);
    };
    let state = app.state::<AppState>();
    refuse_inside_library(&folder, &state.library, "inbox")?;
    let text = folder.display().to_string();
    let value = serde_json::json!(text);
    state
        .write(move |catalog| catalog.put_setting(INBOX_SETTING, &value))
        .await?;
    services::start_inbox(&app, state.library.clone(), folder);
    Ok(Some(text))
}

#[tauri::command]
pub async fn stop_inbox(state: State<'_, AppState>) -> CommandResult<()> {
    state.services.stop(Service::Inbox);
    state
        .write(|catalog| catalog.put_setting(INBOX_SETTING, &serde_json::Value::Null))
        .await
}

/// Asks for the automatic-backup folder; the answer may then be passed to `set_auto_backup`.
#[tauri::command]
pub async fn choose_backup_folder<R: Runtime>(app: AppHandle<R>) -> CommandResult<Option<String>> {
    let folder = picked::pick_folder(&app, "Choose where automatic backups go").await?;
    if let Some(folder) = &folder {
        app.state::<AppState>().picked.remember_target(folder);
    }
    Ok(folder.map(|f| f.display().to_string()))
}

/// Saves the automatic-backup setting (or turns backups off with `None`) and restarts the
/// scheduler. The folder must be the one already saved or one the seller just picked.
#[tauri::command]
pub async fn set_auto_backup<R: Runtime>(
    app: AppHandle<R>,
    settings: Option<AutoBackup>,
) -> CommandResult<()> {
    let state = app.state::<AppState>();
    let Some(settings) = settings else {
        state.services.stop(Service::AutoBackup);
        return state
            .write(|catalog| catalog.put_setting(AUTO_BACKUP_SETTING, &serde_json::Value::Null))
            .await;
    };
    settings.check()?;
    let saved = state.read(|conn| Ok(services::auto_backup_setting(conn))).await?;
    if saved.as_ref().map(|s| &s.folder) != Some(&settings.folder) {
        state.picked.check_target(&settings.folder)?;
    }
    refuse_inside_library(Path::new(&settings.folder), &state.library, "automatic backup")?;
    let value = serde_json::to_value(&settings).map_err(shelf_core::Error::from)?;
    state
        .write(move |catalog| catalog.put_setting(AUTO_BACKUP_SETTING, &value))
        .await?;
    services::start_auto_backup(&app, state.library.clone(), settings);
    Ok(())
}

/// The core's check of a service folder (not the library, not inside it, not holding it...),
/// before the choice is saved; the service checks again each time it starts.
fn refuse_inside_library(folder: &Path, library: &shelf_core::Library, what: &str) -> CommandResult<()> {
    library.check_service_folder(folder, what, false)?;
    Ok(())
}
