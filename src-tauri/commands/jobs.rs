//! Cancelling long work. Every long command takes a `job_id` the UI chose (a random UUID), so
//! the UI can cancel it at any moment, even before the first progress message arrives.

use crate::state::AppState;
use tauri::State;

/// Asks job `job_id` to stop at its next item; `false` when it has already finished.
#[tauri::command]
pub fn cancel_job(state: State<'_, AppState>, job_id: String) -> bool {
    state.jobs.cancel(&job_id)
}
