//! Which catalog the window is on (the library's or a team server's), and the versions
//! Help › About shows.

use crate::error::CommandResult;
use crate::info::{self, LibraryInfo};
use crate::state::AppState;
use tauri::State;

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> CommandResult<LibraryInfo> {
    let root = state.library.root().display().to_string();
    let team = state.team().map(|team| team.address);
    state.edit(move |store| info::gather(store, root, team)).await
}

/// Shows the library folder in the file manager (the only folder this can open).
#[tauri::command]
pub fn open_library_folder(state: State<'_, AppState>) {
    crate::desktop::open_folder(state.library.root());
}
