//! Categories: a tree the seller arranges.

use crate::error::CommandResult;
use crate::state::AppState;
use shelf_core::catalog::categories::Category;
use tauri::State;

#[tauri::command]
pub async fn list_categories(state: State<'_, AppState>) -> CommandResult<Vec<Category>> {
    state.browse(|store| store.categories()).await
}

#[tauri::command]
pub async fn create_category(
    state: State<'_, AppState>,
    name: String,
    parent_id: Option<i64>,
) -> CommandResult<Category> {
    state
        .edit(move |store| store.create_category(&name, parent_id))
        .await
}

#[tauri::command]
pub async fn rename_category(state: State<'_, AppState>, id: i64, name: String) -> CommandResult<Category> {
    state.edit(move |store| store.rename_category(id, &name)).await
}

#[tauri::command]
pub async fn move_category(
    state: State<'_, AppState>,
    id: i64,
    parent_id: Option<i64>,
) -> CommandResult<Category> {
    state.edit(move |store| store.move_category(id, parent_id)).await
}

#[tauri::command]
pub async fn delete_category(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state.edit(move |store| store.delete_category(id)).await
}
