//! A product's options and variants, on the catalog the window shows (a library or a team
//! server).

use crate::error::CommandResult;
use crate::state::AppState;
use shelf_core::catalog::products::Product;
use shelf_core::catalog::variants::{OptionValues, Variant, VariantBulkEdit, VariantFields};
use tauri::State;

#[tauri::command]
pub async fn set_options(
    state: State<'_, AppState>,
    product_id: i64,
    names: Vec<String>,
) -> CommandResult<Product> {
    state
        .edit(move |store| store.set_options(product_id, &names))
        .await
}

#[tauri::command]
pub async fn generate_variants(
    state: State<'_, AppState>,
    product_id: i64,
    options: Vec<OptionValues>,
    price_minor: i64,
    stock: i64,
) -> CommandResult<Product> {
    state
        .edit(move |store| store.generate_variants(product_id, &options, price_minor, stock))
        .await
}

#[tauri::command]
pub async fn create_variant(
    state: State<'_, AppState>,
    product_id: i64,
    fields: VariantFields,
) -> CommandResult<Variant> {
    state
        .edit(move |store| store.create_variant(product_id, &fields))
        .await
}

#[tauri::command]
pub async fn update_variant(
    state: State<'_, AppState>,
    id: i64,
    expected_version: i64,
    fields: VariantFields,
) -> CommandResult<Variant> {
    state
        .edit(move |store| store.update_variant(id, expected_version, &fields))
        .await
}

#[tauri::command]
pub async fn trash_variants(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    state.edit(move |store| store.trash_variants(&ids)).await
}

#[tauri::command]
pub async fn restore_variants(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    state.edit(move |store| store.restore_variants(&ids)).await
}

#[tauri::command]
pub async fn bulk_edit_variants(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    edit: VariantBulkEdit,
) -> CommandResult<usize> {
    state
        .edit(move |store| store.bulk_edit_variants(&ids, &edit))
        .await
}
