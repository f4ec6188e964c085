//! `shelf server ...`: team mode (issue 14).

use crate::output::Out;
use clap::Subcommand;
use shelf_core::server::{connect, pull, push};
use shelf_core::{Catalog, Library, Result};
use std::path::{Path, PathBuf};
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
        /// The shop's own certificate authority (PEM), when the server's certificate isn't
        /// from a public one.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
    /// Make this library (a new or empty folder, from --library) from a team server's
    /// catalog: every row, its history, its photos, compared row by row before it commits.
    Pull {
        /// The server: postgresql://you@host:5432/shop (no password in it).
        #[arg(long, value_name = "ADDRESS")]
        from: String,
        /// The shop's own certificate authority (PEM), as for push.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
}

/// `server pull` makes the library's catalog, so it runs before anything opens one.
pub fn pull(library: &Library, from: &str, ca: Option<&Path>, out: &Out) -> Result<ExitCode> {
    let mut client = connect::connect(from, ca)?;
    let report = pull::pull(&mut client, library.root())?;
    out.show(&report, || {
        let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
        format!(
            "Pulled {rows} rows (history included) and {} photos ({} bytes) into {} in {:.1} s; every row was compared with the server.",
            report.photos,
            report.photo_bytes,
            library.root().display(),
            report.seconds
        )
    });
    Ok(ExitCode::SUCCESS)
}

pub fn server(catalog: &Catalog, cmd: ServerCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        ServerCmd::Push { to, ca } => {
            let mut client = connect::connect(&to, ca.as_deref())?;
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
        ServerCmd::Pull { .. } => unreachable!("run before the catalog is opened"),
    }
}
