//! Users: who is acting (recorded in the history), owners and staff. On a team catalog the
//! list, adding a person (with their login's password) and deactivating one work on the
//! server; who acts there is the login, so switching and deleting are the library's.

use crate::error::CommandResult;
use crate::state::AppState;
use shelf_core::catalog::users::{NewUser, Role, User};
use tauri::State;

#[tauri::command]
pub async fn list_users(state: State<'_, AppState>) -> CommandResult<Vec<User>> {
    state.browse(|store| store.users()).await
}

#[tauri::command]
pub async fn create_user(
    state: State<'_, AppState>,
    username: String,
    display_name: String,
    email: Option<String>,
    role: Role,
    password: Option<String>,
) -> CommandResult<User> {
    state
        .edit(move |store| {
            let new = NewUser {
                username: &username,
                display_name: &display_name,
                email: email.as_deref(),
                role,
            };
            store.add_person(new, password.as_deref())
        })
        .await
}

#[tauri::command]
pub async fn switch_user(state: State<'_, AppState>, username: String) -> CommandResult<User> {
    state.write(move |catalog| catalog.set_actor(&username)).await
}

#[tauri::command]
pub async fn set_user_active(
    state: State<'_, AppState>,
    username: String,
    active: bool,
) -> CommandResult<User> {
    state
        .edit(move |store| store.set_user_active(&username, active))
        .await
}

#[tauri::command]
pub async fn delete_user(state: State<'_, AppState>, username: String) -> CommandResult<()> {
    state.write(move |catalog| catalog.delete_user(&username)).await
}
