//! Per-catalog settings (default currency, inbox folder...), as small JSON values.

use crate::error::CommandResult;
use crate::state::AppState;
use serde_json::Value;
use shelf_core::catalog::settings;
use tauri::State;

#[tauri::command]
pub async fn get_setting(state: State<'_, AppState>, key: String) -> CommandResult<Option<Value>> {
    state.read(move |conn| settings::get(conn, &key)).await
}

#[tauri::command]
pub async fn put_setting(
    state: State<'_, AppState>,
    key: String,
    value: Value,
) -> CommandResult<()> {
    state
        .write(move |catalog| catalog.put_setting(&key, &value))
        .await
}
