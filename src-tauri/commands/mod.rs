//! The commands the web UI invokes: glue only. Each takes the state and its arguments,
//! calls one core function on the right connection (the read-only one for browsing, the
//! writer for changes, both on a blocking thread; the team server's when the window shows a
//! team catalog), and returns the core's result or its
//! error as a [`crate::error::CommandError`]. No SQL, no loops over rows, no file I/O here.

pub mod categories;
pub mod images;
pub mod jobs;
pub mod library;
pub mod maintenance;
pub mod money;
pub mod products;
pub mod services;
pub mod settings;
pub mod tags;
pub mod team;
pub mod transfer;
pub mod trash;
pub mod users;
pub mod variants;
