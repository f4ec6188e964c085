//! Per-catalog settings (default currency, inbox folder...), as small JSON values. The
//! default currency is set on whichever catalog the window shows; the inbox and automatic
//! backups are this computer's library's (see `services`).

use crate::error::CommandResult;
use crate::state::AppState;
use serde_json::Value;
use shelf_core::catalog::settings;
use tauri::State;

#[tauri::command]
pub async fn get_setting(state: State<'_, AppState>, key: String) -> CommandResult<Option<Value>> {
    state.read(move |conn| settings::get(conn, &key)).await
}

/// Makes `code` the currency new products get, in the catalog the window shows (a team
/// server's is its owners' to change).
#[tauri::command]
pub async fn set_default_currency(state: State<'_, AppState>, code: String) -> CommandResult<()> {
    state.edit(move |store| store.set_default_currency(&code)).await
}
