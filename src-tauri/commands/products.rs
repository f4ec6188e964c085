//! Browsing and editing products.

use crate::error::CommandResult;
use crate::state::AppState;
use shelf_core::catalog::history::HistoryEntry;
use shelf_core::catalog::products::{BulkEdit, Page, Product, ProductFields, ProductQuery};
use shelf_core::catalog::search::SearchHit;
use tauri::State;

/// How many history entries the editor's history panel shows.
const HISTORY_LIMIT: u32 = 200;

#[tauri::command]
pub async fn list_products(state: State<'_, AppState>, query: ProductQuery) -> CommandResult<Page> {
    state.browse(move |store| store.list(&query)).await
}

#[tauri::command]
pub async fn search_products(
    state: State<'_, AppState>,
    text: String,
    limit: u32,
) -> CommandResult<Vec<SearchHit>> {
    state.browse(move |store| store.search(&text, limit)).await
}

#[tauri::command]
pub async fn get_product(state: State<'_, AppState>, id: i64) -> CommandResult<Product> {
    state.browse(move |store| store.product(id)).await
}

#[tauri::command]
pub async fn create_product(state: State<'_, AppState>, fields: ProductFields) -> CommandResult<Product> {
    state.edit(move |store| store.create_product(&fields)).await
}

#[tauri::command]
pub async fn update_product(
    state: State<'_, AppState>,
    id: i64,
    expected_version: i64,
    fields: ProductFields,
) -> CommandResult<Product> {
    state
        .edit(move |store| store.update_product(id, expected_version, &fields))
        .await
}

#[tauri::command]
pub async fn bulk_edit(state: State<'_, AppState>, ids: Vec<i64>, edit: BulkEdit) -> CommandResult<usize> {
    state
        .edit(move |store| store.bulk_edit_all(&ids, std::slice::from_ref(&edit)))
        .await
}

#[tauri::command]
pub async fn product_history(state: State<'_, AppState>, id: i64) -> CommandResult<Vec<HistoryEntry>> {
    state
        .browse(move |store| store.product_history(id, HISTORY_LIMIT))
        .await
}

#[tauri::command]
pub async fn restore_version(
    state: State<'_, AppState>,
    id: i64,
    audit_id: i64,
    expected_version: i64,
) -> CommandResult<Product> {
    state
        .edit(move |store| store.restore_version(id, audit_id, expected_version))
        .await
}

#[tauri::command]
pub async fn undo_last_change(state: State<'_, AppState>) -> CommandResult<Option<Product>> {
    state.edit(|store| store.undo_last_change()).await
}
