//! Forwards what the catalog changed to the window as `catalog-changed` events, batched so
//! an import of 500 photos becomes a few events, not 500. Writes made by another program on
//! the same library (the `shelf` command line, an inbox import) are noticed through SQLite's
//! `data_version` and announced as an empty batch, which tells the UI "refresh what you show".

use rusqlite::Connection;
use shelf_core::catalog::Change;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime};

pub const CATALOG_CHANGED: &str = "catalog-changed";
/// Changes arriving within this window after the first one go out together.
const COALESCE: Duration = Duration::from_millis(100);
/// How often the catalog file is checked for writes by other programs.
const EXTERNAL_POLL: Duration = Duration::from_millis(1000);

/// Starts the forwarding thread and returns the sender the catalog's change listener uses.
/// `watcher` is a read-only connection used only to read `PRAGMA data_version`.
pub fn start_forwarding<R: Runtime>(app: AppHandle<R>, watcher: Connection) -> Sender<Vec<Change>> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("catalog-changed".into())
        .spawn(move || forward(&app, &receiver, &watcher))
        .ok();
    sender
}

fn data_version(conn: &Connection) -> Option<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0)).ok()
}

fn forward<R: Runtime>(app: &AppHandle<R>, receiver: &Receiver<Vec<Change>>, watcher: &Connection) {
    let mut seen = data_version(watcher);
    loop {
        match receiver.recv_timeout(EXTERNAL_POLL) {
            Ok(first) => {
                let batch = coalesce(first, receiver);
                emit(app, &batch);
                // Our own writes move data_version too; they have just been announced.
                seen = data_version(watcher);
            }
            Err(RecvTimeoutError::Timeout) => {
                let now = data_version(watcher);
                if now != seen {
                    seen = now;
                    emit(app, &[]);
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Collects everything that arrives within [`COALESCE`] of the first change.
fn coalesce(first: Vec<Change>, receiver: &Receiver<Vec<Change>>) -> Vec<Change> {
    let deadline = Instant::now() + COALESCE;
    let mut batch = first;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match receiver.recv_timeout(left) {
            Ok(more) => batch.extend(more),
            Err(_) => break,
        }
    }
    batch.dedup();
    batch
}

pub fn emit<R: Runtime>(app: &AppHandle<R>, batch: &[Change]) {
    // No window (closing down) means nobody to tell.
    let _ = app.emit(CATALOG_CHANGED, batch);
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelf_core::catalog::{ChangeKind, Entity};

    fn change(id: i64) -> Change {
        Change {
            entity: Entity::Product,
            id: id.to_string(),
            kind: ChangeKind::Updated,
        }
    }

    #[test]
    fn changes_within_the_window_go_out_as_one_batch() {
        let (sender, receiver) = mpsc::channel();
        sender.send(vec![change(2)]).unwrap();
        sender.send(vec![change(3), change(3)]).unwrap();
        let batch = coalesce(vec![change(1)], &receiver);
        assert_eq!(batch, vec![change(1), change(2), change(3)]);
    }
}
