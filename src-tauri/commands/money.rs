//! Prices: the editor never parses or formats money itself, so 0.1 + 0.2 can't reach a price.

use crate::error::CommandResult;
use crate::state::AppState;
use shelf_core::catalog::currencies::Currency;
use tauri::State;

#[tauri::command]
pub async fn parse_price(state: State<'_, AppState>, text: String, currency: String) -> CommandResult<i64> {
    state
        .browse(move |store| store.parse_price(&text, &currency))
        .await
}

#[tauri::command]
pub async fn format_price(state: State<'_, AppState>, minor: i64, currency: String) -> CommandResult<String> {
    state
        .browse(move |store| store.format_price(minor, &currency))
        .await
}

#[tauri::command]
pub async fn list_currencies(state: State<'_, AppState>) -> CommandResult<Vec<Currency>> {
    state.browse(|store| store.currencies()).await
}
