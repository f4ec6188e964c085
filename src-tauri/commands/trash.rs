//! The trash: products move there, come back, or are purged for good (after confirmation in
//! the UI).

use crate::error::CommandResult;
use crate::state::AppState;
use tauri::State;

#[tauri::command]
pub async fn trash_products(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    state
        .write(move |catalog| catalog.move_to_trash(&ids))
        .await
}

#[tauri::command]
pub async fn restore_products(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    state
        .write(move |catalog| catalog.restore_from_trash(&ids))
        .await
}

#[tauri::command]
pub async fn purge_products(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    state.write(move |catalog| catalog.purge(&ids)).await
}

#[tauri::command]
pub async fn empty_trash(state: State<'_, AppState>, older_than_days: u32) -> CommandResult<usize> {
    state
        .write(move |catalog| catalog.empty_trash_older_than(older_than_days))
        .await
}
