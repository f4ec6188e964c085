//! Team mode (issue 14): one catalog on a PostgreSQL server, shared by the two to five people
//! of a shop, each logging in as their own role. The server enforces the same rules as the
//! SQLite catalog (`migrations/postgres/`), so a refusal names the same rule whichever engine
//! refused it and maps to the same sentence (`error::schema_rule`).
//!
//! This module holds what is particular to the server: its migrations, the connection rules,
//! `push` (a local library into an empty server), `pull` (a new library from a server) and
//! `search`, the first of the catalog's
//! reads on the server.
//! The catalog code above it is not yet split over the two engines; until it is, the app and
//! `shelf` open SQLite libraries only.

pub mod backup;
pub mod changes;
pub mod connect;
pub mod credentials;
pub mod migrations;
pub mod pages;
pub mod products;
pub mod pull;
pub mod push;
pub mod search;

pub use postgres::Client;
