//! `shelf`: the catalog from the command line, over the same core as the desktop app.
//! Human-readable output by default, `--json` for scripts; exit status 0 on success, 1 when
//! a check finds problems or an import refuses some files, 2 on any refusal or error (with a
//! one-line reason on stderr).

mod catalog_cmds;
mod image_cmds;
mod output;
mod server_cmds;
mod transfer_cmds;
mod variant_cmds;

use clap::{Parser, Subcommand};
use output::Out;
use shelf_core::store::TeamCatalog;
use shelf_core::{Catalog, Library};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "shelf",
    version,
    about = "Shelfkeeper's product catalog from the command line"
)]
struct Cli {
    /// The library folder (catalog.db, originals/...). Defaults to $SHELF_LIBRARY, then the
    /// per-user data folder.
    #[arg(long, global = true, env = "SHELF_LIBRARY", value_name = "DIR")]
    library: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Act as this user (recorded in the audit log). Defaults to the first owner.
    #[arg(long = "as", global = true, value_name = "USERNAME")]
    as_user: Option<String>,
    /// Work on a team server's catalog instead of a library:
    /// postgresql://you@host:5432/shop (no password in it; `shelf server login` keeps it).
    /// So far `product` and `search` run there.
    #[arg(long, global = true, value_name = "ADDRESS")]
    server: Option<String>,
    /// The shop's own certificate authority (PEM), for --server.
    #[arg(long, global = true, value_name = "FILE")]
    server_ca: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the library folder and catalog (or migrate an existing one).
    Init,
    /// Add, list, show, edit, trash, restore and purge products.
    #[command(subcommand)]
    Product(catalog_cmds::ProductCmd),
    /// A product's variants (sizes, colours...): add, list, edit, trash, restore.
    #[command(subcommand)]
    Variant(variant_cmds::VariantCmd),
    /// Search-as-you-type over SKU, name, description, tags and variants.
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// A product's history, newest first.
    History {
        sku: String,
        /// Write the product back as it was after this history entry.
        #[arg(long, value_name = "ENTRY")]
        restore: Option<i64>,
    },
    /// Undo your last product change.
    Undo,
    /// Users: add, list, rename, deactivate, delete.
    #[command(subcommand)]
    User(catalog_cmds::UserCmd),
    /// Categories: add, list, rename, move, delete.
    #[command(subcommand)]
    Category(catalog_cmds::CategoryCmd),
    /// Tags: list, rename, delete.
    #[command(subcommand)]
    Tag(catalog_cmds::TagCmd),
    /// Change many products at once (one transaction).
    Bulk(catalog_cmds::BulkArgs),
    /// Look for damage; exit status 1 when anything is found.
    Check {
        /// Also re-hash every original photo (slow; finds files changed in place).
        #[arg(long)]
        deep: bool,
    },
    /// Tidy the catalog file (PRAGMA optimize, search index merge, incremental vacuum).
    Optimize {
        /// Rebuild the search index from the products.
        #[arg(long)]
        rebuild_search: bool,
    },
    /// Counts of products, images, users...
    Stats,
    /// Import photos: onto one product (--product SKU) or grouped by the SKU in their names.
    Import(image_cmds::ImportArgs),
    /// List a product's photos.
    Images { sku: String },
    /// Write a photo's thumbnail to a file.
    Thumbnail {
        sha256: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Watch a folder and import each photo that lands in it (by SKU in its name).
    Watch { dir: PathBuf },
    /// Make missing thumbnails again and move files the catalog doesn't know to the trash folder.
    Repair,
    /// Write products to a CSV, JSON or Shopify CSV file (and their photos to a folder).
    Export(transfer_cmds::ExportArgs),
    /// Import products from a CSV file: generic, Shopify, WooCommerce or Etsy (all or nothing by default).
    ImportCsv(transfer_cmds::ImportCsvArgs),
    /// Write a verified backup (.zip: manifest, catalog snapshot, original photos).
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The automatic backups of Settings: show the setting, set it, or run one now (a backup
    /// when something changed, then the retention policy), as the app's scheduler does.
    #[command(subcommand)]
    AutoBackup(transfer_cmds::AutoBackupCmd),
    /// Check a backup file end to end without changing anything.
    VerifyBackup { file: PathBuf },
    /// Replace the library with a backup; the current one is moved aside, never deleted.
    Restore { file: PathBuf },
    /// Team mode: move a library to or from a shared PostgreSQL server, and back it up.
    #[command(subcommand)]
    Server(server_cmds::ServerCmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out { json: cli.json };
    match run(cli, &out) {
        Ok(code) => output::finish(code),
        Err(err) => out.error(&err),
    }
}

fn run(cli: Cli, out: &Out) -> shelf_core::Result<ExitCode> {
    if let Some(address) = &cli.server {
        return on_team_server(
            address,
            cli.server_ca.as_deref(),
            cli.as_user.is_some(),
            cli.command,
            out,
        );
    }
    if let Command::Server(cmd) = &cli.command {
        if let Some(done) = server_cmds::without_library(cmd, out) {
            return done;
        }
    }
    let library = Library::locate(cli.library)?;
    // These must not open (and so migrate or lock) the catalog first.
    match &cli.command {
        Command::VerifyBackup { file } => return transfer_cmds::verify_backup(file, out),
        Command::Restore { file } => return transfer_cmds::restore(&library, file, out),
        Command::Server(cmd) => {
            if let Some(done) = server_cmds::without_catalog(&library, cmd, out) {
                return done;
            }
        }
        _ => {}
    }
    let mut catalog = Catalog::open(&library)?;
    // Once per start, as the app does: files a crash left behind (rule 9). Never fatal: `check`
    // reports whatever could not be tidied.
    if let Err(err) = shelf_core::images::sweep_on_open(&library, catalog.conn()) {
        output::warn(format_args!(
            "shelf: tidying the originals folder after a crash failed: {err}"
        ));
    }
    if let Some(user) = &cli.as_user {
        catalog.set_actor(user)?;
    }
    match cli.command {
        Command::Init => catalog_cmds::init(&catalog, out),
        Command::Product(cmd) => catalog_cmds::product(&mut catalog, cmd, out),
        Command::Variant(cmd) => variant_cmds::variant(&mut catalog, cmd, out),
        Command::Search { text, limit } => catalog_cmds::search(&mut catalog, &text, limit, out),
        Command::History { sku, restore } => catalog_cmds::history(&mut catalog, &sku, restore, out),
        Command::Undo => catalog_cmds::undo(&mut catalog, out),
        Command::User(cmd) => catalog_cmds::user(&mut catalog, cmd, out),
        Command::Category(cmd) => catalog_cmds::category(&mut catalog, cmd, out),
        Command::Tag(cmd) => catalog_cmds::tag(&mut catalog, cmd, out),
        Command::Bulk(args) => catalog_cmds::bulk(&mut catalog, args, out),
        Command::Check { deep } => image_cmds::check(&catalog, deep, out),
        Command::Optimize { rebuild_search } => catalog_cmds::optimize(&mut catalog, rebuild_search, out),
        Command::Stats => catalog_cmds::stats(&catalog, out),
        Command::Import(args) => image_cmds::import(&mut catalog, args, out),
        Command::Images { sku } => image_cmds::list(&catalog, &sku, out),
        Command::Thumbnail { sha256, out: file } => image_cmds::thumbnail(&catalog, &sha256, &file, out),
        Command::Watch { dir } => image_cmds::watch(catalog, &dir, out),
        Command::Repair => image_cmds::repair(&mut catalog, out),
        Command::Export(args) => transfer_cmds::export(&mut catalog.reader()?, args, out),
        Command::ImportCsv(args) => transfer_cmds::import_csv(&mut catalog, args, out),
        Command::Backup { out: file } => transfer_cmds::backup(&catalog, &file, out),
        Command::AutoBackup(cmd) => transfer_cmds::auto_backup(&mut catalog, cmd, out),
        Command::Server(cmd) => server_cmds::server(&catalog, cmd, out),
        Command::VerifyBackup { .. } | Command::Restore { .. } => {
            unreachable!("handled before opening the catalog")
        }
    }
}

/// `shelf --server ADDRESS ...`: the commands the storage layer carries to a team server so
/// far, run by the same code as on a library; the others say so.
fn on_team_server(
    address: &str,
    ca: Option<&std::path::Path>,
    acting_as: bool,
    command: Command,
    out: &Out,
) -> shelf_core::Result<ExitCode> {
    if acting_as {
        return Err(shelf_core::Error::refused(
            "On a team server you act as the login you connect with; leave out --as (connect as that person instead).",
        ));
    }
    let team = || TeamCatalog::connect(address, ca);
    match command {
        Command::Product(cmd) => catalog_cmds::product(&mut team()?, cmd, out),
        Command::Variant(cmd) => variant_cmds::variant(&mut team()?, cmd, out),
        Command::Search { text, limit } => catalog_cmds::search(&mut team()?, &text, limit, out),
        Command::History { sku, restore } => catalog_cmds::history(&mut team()?, &sku, restore, out),
        Command::Undo => catalog_cmds::undo(&mut team()?, out),
        Command::Bulk(args) => catalog_cmds::bulk(&mut team()?, args, out),
        Command::Category(cmd) => catalog_cmds::category(&mut team()?, cmd, out),
        Command::Tag(cmd) => catalog_cmds::tag(&mut team()?, cmd, out),
        Command::Export(args) => transfer_cmds::export(&mut team()?, args, out),
        Command::Import(args) => image_cmds::import(&mut team()?, args, out),
        Command::ImportCsv(args) => transfer_cmds::import_csv(&mut team()?, args, out),
        _ => Err(shelf_core::Error::refused(
            "That command works on a local library; on a team server, `shelf --server` runs `product`, `variant`, `search`, `history`, `undo`, `bulk`, `category`, `tag`, `import`, `import-csv` and `export`. Leave out --server to use this computer's library.",
        )),
    }
}
