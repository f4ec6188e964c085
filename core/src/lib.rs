//! Shelfkeeper's core: the catalog database and everything a seller does with it, as plain
//! Rust with no Tauri in it. The desktop app, the `shelf` command line and the tests all call
//! this crate.

pub mod backup;
pub mod catalog;
pub mod csv_import;
pub mod db;
pub mod error;
pub mod export;
pub mod images;
pub mod job;
pub mod library;
pub mod migrations;
pub mod money;
pub mod rules;
pub mod sample;
pub mod server;
pub mod store;

pub use catalog::Catalog;
pub use error::{Error, ErrorKind, ErrorReport, Result};
pub use library::Library;
