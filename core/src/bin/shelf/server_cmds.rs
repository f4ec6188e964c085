//! `shelf server ...`: team mode (issue 14).

use crate::output::Out;
use clap::Subcommand;
use shelf_core::server::{connect, push};
use shelf_core::{Catalog, Result};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ServerCmd {
    /// Copy this library (every row, its history, its photos) into an empty team server's
    /// database, compare it row by row, and only then commit. Run it as the role that owns
    /// the server's database.
    Push {
        /// The server: postgresql://you@host:5432/shop (no password in it).
        #[arg(long, value_name = "ADDRESS")]
        to: String,
    },
}

pub fn server(catalog: &Catalog, cmd: ServerCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        ServerCmd::Push { to } => {
            let mut client = connect::connect(&to)?;
            let report = push::push(catalog, &mut client)?;
            out.show(&report, || {
                let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
                let products = report
                    .tables
                    .iter()
                    .find(|(t, _)| t == "products")
                    .map_or(0, |(_, n)| *n);
                format!(
                    "Pushed {products} products ({rows} rows in all, history included) and {} photos ({} bytes) in {:.1} s; every row was read back and matches.",
                    report.photos, report.photo_bytes, report.seconds
                )
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}
