//! Which library is open, and the versions Help › About shows.

use crate::error::CommandResult;
use crate::info::{self, LibraryInfo};
use crate::state::AppState;
use tauri::State;

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> CommandResult<LibraryInfo> {
    state.write(|catalog| info::gather(catalog)).await
}

/// Shows the library folder in the file manager (the only folder this can open).
#[tauri::command]
pub fn open_library_folder(state: State<'_, AppState>) {
    crate::desktop::open_folder(state.library.root());
}
