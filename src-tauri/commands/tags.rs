//! Tags: free labels on products.

use crate::error::CommandResult;
use crate::state::AppState;
use shelf_core::catalog::tags::Tag;
use tauri::State;

#[tauri::command]
pub async fn list_tags(state: State<'_, AppState>) -> CommandResult<Vec<Tag>> {
    state.browse(|store| store.tags()).await
}

#[tauri::command]
pub async fn rename_tag(state: State<'_, AppState>, old: String, new: String) -> CommandResult<()> {
    state.edit(move |store| store.rename_tag(&old, &new)).await
}

#[tauri::command]
pub async fn delete_tag(state: State<'_, AppState>, name: String) -> CommandResult<usize> {
    state.edit(move |store| store.delete_tag(&name)).await
}
