//! Team mode: the window on a team server's catalog instead of this computer's library.

use crate::error::CommandResult;
use crate::state::AppState;
use crate::team::{self, TeamStatus};
use tauri::{AppHandle, Manager, Runtime};

/// Connects to the team server at `address` (`postgresql://you@host:5432/shop`) and shows
/// its catalog; `password` is kept in the system keyring once the server accepts it
/// (`None`: the one kept there, or none for a server that asks for none).
#[tauri::command]
pub async fn connect_team_server<R: Runtime>(
    app: AppHandle<R>,
    address: String,
    password: Option<String>,
) -> CommandResult<TeamStatus> {
    team::connect(&app, address, password).await?;
    Ok(team::status(&app.state::<AppState>()))
}

/// Shows this computer's own library again.
#[tauri::command]
pub async fn disconnect_team_server<R: Runtime>(app: AppHandle<R>) -> CommandResult<TeamStatus> {
    team::disconnect(&app).await?;
    Ok(team::status(&app.state::<AppState>()))
}

#[tauri::command]
pub fn team_status(state: tauri::State<'_, AppState>) -> TeamStatus {
    team::status(&state)
}
