//! Users: who is acting (recorded in the history), owners and staff.

use crate::error::CommandResult;
use crate::state::AppState;
use shelf_core::catalog::users::{self, NewUser, Role, User};
use tauri::State;

#[tauri::command]
pub async fn list_users(state: State<'_, AppState>) -> CommandResult<Vec<User>> {
    state.read(users::list).await
}

#[tauri::command]
pub async fn create_user(
    state: State<'_, AppState>,
    username: String,
    display_name: String,
    email: Option<String>,
    role: Role,
) -> CommandResult<User> {
    state
        .write(move |catalog| {
            catalog.create_user(NewUser {
                username: &username,
                display_name: &display_name,
                email: email.as_deref(),
                role,
            })
        })
        .await
}

#[tauri::command]
pub async fn switch_user(state: State<'_, AppState>, username: String) -> CommandResult<User> {
    state
        .write(move |catalog| catalog.set_actor(&username))
        .await
}

#[tauri::command]
pub async fn set_user_active(
    state: State<'_, AppState>,
    username: String,
    active: bool,
) -> CommandResult<User> {
    state
        .write(move |catalog| catalog.set_user_active(&username, active))
        .await
}

#[tauri::command]
pub async fn delete_user(state: State<'_, AppState>, username: String) -> CommandResult<()> {
    state
        .write(move |catalog| catalog.delete_user(&username))
        .await
}
