//! Shelfkeeper's integration tests: one binary (ripgrep-style), against real SQLite files,
//! real images and the real `shelf` binary. Each module says what belongs in it.

/// Helpers: a fresh library folder per test, a `shelf` runner, a plain SQLite connection.
mod util;

/// Backup, verification, restore (hostile archives, kill -9, schemas) and automatic backups.
mod backup;
/// Catalog operations through the core's API: products, users, categories, tags, trash,
/// history, bulk edits, search, paging.
mod catalog_api;
/// The catalog rules of ../shared/design/catalog-rules.md, proven from a plain SQLite
/// connection outside the core's API.
mod catalog_rules;
/// The `shelf` command line, run as a real process.
mod cli;
/// CSV import: generic and both Shopify layouts, modes, messages, streaming and cancel.
mod csv_import;
/// The two engines a catalog lives on, for tests that run one body on both.
mod engines;
/// Export to generic CSV, JSON and Shopify CSV; spreadsheet safety; round trips.
mod export;
/// Phone photos: HEIC, HEIF and AVIF in (transforms, profiles, HDR, damage) and out.
mod heif;
/// Hostile bytes: random and damaged photos, CSVs and backups never panic or crash.
mod hostile;
/// A real HTTP server on 127.0.0.1 for the photo download tests.
mod http_server;
/// The image library: import, limits, thumbnails, operations, check/repair, the inbox.
mod images;
/// Migrations: forward from an older schema, newer-catalog refusal, pre-migration backup,
/// edited-migration detection.
mod migrations;
/// The Rust validators and the schema's CHECK constraints accept exactly the same values.
mod rules;
/// A throwaway PostgreSQL cluster for the team-mode tests, one database per test.
mod server;
/// Passwords for team servers: checked, kept in the system keyring, forgotten.
mod server_login;
/// `shelf server push`: a local library into an empty team server, verified.
mod server_push;
/// The team server's own rules: who acts, what staff may do, races, notifications, migrations.
mod server_rules;
/// Shop files with variants: Shopify, WooCommerce and Etsy, in and (round trips) out.
mod shop_files;
/// The storage layer: each operation on both engines, SQLite and the team server.
mod store;
/// The app window's team catalog, below the window: sessions, the remembered server, following.
mod team_window;
/// Fixtures shared by the export, CSV import and backup tests (issue 5).
mod transfer;
/// Options and variants: the schema's rules from a plain connection, the core's API, the
/// `shelf variant` commands, the migration from a catalog without them.
mod variants;
