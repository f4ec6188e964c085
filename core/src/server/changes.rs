//! Changes saved on other computers, as the change batches a window already handles: a
//! connection of its own LISTENs on `shelf_changes`, where the server's `notify_changed`
//! triggers name, on commit, the products (or categories, or tags) each statement touched.
//! Each notification becomes a [`Change`] per id, or an empty batch ("look again at everything", as for a write
//! by another program on a local library) when a statement touched more than 500 products.
//!
//! Any login may NOTIFY any channel, so a payload is not trusted: one that isn't what the
//! triggers send asks for a full refresh, which costs a window a reload and nothing else.
//! A window's own writes come back too; refreshing what it has just saved is harmless.

use super::connect;
use crate::catalog::{Change, ChangeKind, Entity};
use crate::error::{Error, Result};
use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const LISTEN: &str = "LISTEN shelf_changes";
/// Changes in one batch past which it is one "look again at everything".
const MAX_CHANGES: usize = 1000;
/// Notifications already arrived that one batch takes in at most (the rest, the next).
const MAX_NOTIFICATIONS: usize = 100_000;
/// How often [`follow`] looks at its stop flag.
const TICK: Duration = Duration::from_millis(250);
/// How long [`follow`] waits between attempts to reach a server that went away.
const RETRY: Duration = Duration::from_secs(2);

/// What `notify_changed` sends.
#[derive(Deserialize)]
struct Notification {
    table: String,
    ids: Option<Vec<i64>>,
}

pub struct Listener {
    client: Client,
}

impl Listener {
    /// Listens on `client`, a connection used for nothing else.
    pub fn start(mut client: Client) -> Result<Listener> {
        client.batch_execute(LISTEN)?;
        Ok(Listener { client })
    }

    /// Waits up to `timeout` for what others saved: `None` when nothing was, otherwise the
    /// changes (empty: refresh everything). A lost connection is an error in plain words;
    /// start a new listener once the server answers again, and refresh everything then.
    pub fn next(&mut self, timeout: Duration) -> Result<Option<Vec<Change>>> {
        if self.client.is_closed() {
            return Err(lost());
        }
        let mut notifications = self.client.notifications();
        let first = match notifications.timeout_iter(timeout).next() {
            Ok(Some(note)) => note,
            Ok(None) => return Ok(None),
            // A server shut down or a connection cut: there is nothing else it can be here.
            Err(_) => return Err(lost()),
        };
        // What has arrived with it joins its batch: a CSV import of thousands of products
        // commits thousands of notifications at once, which a window takes as one reload.
        let mut changes = changes_in(first.payload());
        let mut arrived = notifications.iter();
        for _ in 0..MAX_NOTIFICATIONS {
            let Ok(Some(note)) = arrived.next() else {
                break;
            };
            let more = changes_in(note.payload());
            if more.is_empty() || changes.len() + more.len() > MAX_CHANGES {
                changes.clear();
            } else if !changes.is_empty() {
                changes.extend(more);
            }
        }
        Ok(Some(changes))
    }
}

/// Follows what is saved on the server at `address` until `stop` is set, as the app's window
/// does: each batch goes to `on_batch`. When the server can't be reached or the connection
/// is lost, `on_status` gets the problem in words and the server is tried again every few
/// seconds; once it answers again, `on_status(None)` and an empty batch follow (what was
/// saved meanwhile is unknown, so everything is looked at again).
pub fn follow(
    address: &str,
    stop: &AtomicBool,
    mut on_batch: impl FnMut(Vec<Change>),
    mut on_status: impl FnMut(Option<&Error>),
) {
    let mut listener: Option<Listener> = None;
    let mut lost_since_reported = false;
    while !stop.load(Ordering::SeqCst) {
        let Some(listening) = listener.as_mut() else {
            match connect::connect(address, None).and_then(Listener::start) {
                Ok(started) => {
                    listener = Some(started);
                    if lost_since_reported {
                        lost_since_reported = false;
                        on_status(None);
                        on_batch(Vec::new());
                    }
                }
                Err(err) => {
                    if !lost_since_reported {
                        lost_since_reported = true;
                        on_status(Some(&err));
                    }
                    wait_unless_stopped(stop, RETRY);
                }
            }
            continue;
        };
        match listening.next(TICK) {
            Ok(Some(batch)) => on_batch(batch),
            Ok(None) => {}
            Err(err) => {
                listener = None;
                lost_since_reported = true;
                on_status(Some(&err));
            }
        }
    }
}

fn wait_unless_stopped(stop: &AtomicBool, wait: Duration) {
    let mut waited = Duration::ZERO;
    while waited < wait && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(TICK);
        waited += TICK;
    }
}

fn lost() -> Error {
    Error::Storage(
        "The team server stopped answering, so changes made on other computers can't be shown until it answers again."
            .into(),
    )
}

/// The changes a notification's payload names.
fn changes_in(payload: &str) -> Vec<Change> {
    let Ok(Notification {
        table,
        ids: Some(ids),
    }) = serde_json::from_str::<Notification>(payload)
    else {
        return Vec::new();
    };
    // Every other table's notification names products (a variant's, a photo's, a tag link's).
    let entity = match table.as_str() {
        "categories" => Entity::Category,
        "tags" => Entity::Tag,
        _ => Entity::Product,
    };
    ids.into_iter()
        .map(|id| Change {
            entity,
            id: id.to_string(),
            kind: ChangeKind::Updated,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::changes_in;
    use crate::catalog::Entity;

    #[test]
    fn a_payload_names_products_or_asks_for_everything() {
        let ids: Vec<String> = changes_in(r#"{"table":"variants","ids":[4,9]}"#)
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["4", "9"]);
        let category = &changes_in(r#"{"table":"categories","ids":[3]}"#)[0];
        assert_eq!((category.entity, category.id.as_str()), (Entity::Category, "3"));
        for everything in [
            r#"{"table":"products","ids":null}"#,
            "not json",
            r#"{"ids":[1]}"#,
            r#"{"table":"products","ids":["1; DROP"]}"#,
        ] {
            assert!(changes_in(everything).is_empty(), "{everything}");
        }
    }
}
