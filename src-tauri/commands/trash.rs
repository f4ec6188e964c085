//! The trash: products move there, come back, or are purged for good. Purging asks the seller
//! in a native dialog, in Rust, so no page script can delete anything for good on its own.

use crate::error::CommandResult;
use crate::picked;
use crate::state::AppState;
use tauri::{AppHandle, Manager, Runtime, State};

#[tauri::command]
pub async fn trash_products(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    state.edit(move |store| store.move_to_trash(&ids)).await
}

#[tauri::command]
pub async fn restore_products(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    state.edit(move |store| store.restore_from_trash(&ids)).await
}

/// Deletes products in the trash for good once the seller confirms; `None` when they don't.
#[tauri::command]
pub async fn purge_products<R: Runtime>(app: AppHandle<R>, ids: Vec<i64>) -> CommandResult<Option<usize>> {
    let question = format!(
        "{} product(s) will be deleted for good. Their history stays, but they can't be restored.",
        ids.len()
    );
    if !picked::confirm(&app, "Delete for good?", question, "Delete for good").await? {
        return Ok(None);
    }
    let state = app.state::<AppState>();
    state.edit(move |store| store.purge(&ids)).await.map(Some)
}

/// Empties what has been in the trash longer than `older_than_days`, once the seller
/// confirms; `None` when they don't.
#[tauri::command]
pub async fn empty_trash<R: Runtime>(
    app: AppHandle<R>,
    older_than_days: u32,
) -> CommandResult<Option<usize>> {
    let question = format!(
        "Every product that has been in the trash for more than {older_than_days} days will be deleted for good."
    );
    if !picked::confirm(&app, "Empty the trash?", question, "Empty the trash").await? {
        return Ok(None);
    }
    let state = app.state::<AppState>();
    state
        .edit(move |store| store.empty_trash_older_than(older_than_days))
        .await
        .map(Some)
}
