//! Team mode (issue 14): one catalog on a PostgreSQL server, shared by the two to five people
//! of a shop, each logging in as their own role. The server enforces the same rules as the
//! SQLite catalog (`migrations/postgres/`), so a refusal names the same rule whichever engine
//! refused it and maps to the same sentence (`error::schema_rule`).
//!
//! This module holds what is particular to the server:
//! - `migrations`, `connect` (TLS, `--ca`) and `credentials` (passwords in the system
//!   keyring only);
//! - `products`, `pages`, `search`, `photos`, `variants`, `bulk`, `history`, `categories`,
//!   `tags`, `people` and `csv`: the server's side of the storage layer (`crate::store`),
//!   the product list, editor, variants, photo and CSV imports, bulk edits, history and
//!   undo, the shop's people and export on a team catalog;
//! - `changes`: what others saved, as the window's change batches (LISTEN/NOTIFY);
//! - `push` (a local library into an empty server), `pull` (a new library from a server) and
//!   `backup` (the same verified zip as a library's, restorable into either engine).
//!
//! - `session`: a team catalog kept open by the app's window, connecting again after a
//!   lost connection, and the team server a library profile remembers.
//!
//! `shelf --server` runs the catalog, import and export commands on a team catalog, and the
//! app's window everything it shows there (see `crate::store`).

pub mod backup;
pub mod bulk;
pub mod categories;
pub mod changes;
pub mod connect;
pub mod credentials;
pub mod csv;
pub mod history;
pub mod migrations;
pub mod pages;
pub mod people;
pub mod photos;
pub mod products;
pub mod pull;
pub mod push;
pub mod search;
pub mod session;
pub mod tags;
pub mod variants;

pub use postgres::Client;
