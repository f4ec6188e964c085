//! `shelf server ...`: team mode (issue 14).

use crate::output::Out;
use clap::Subcommand;
use shelf_core::catalog::users::Role;
use shelf_core::job::Job;
use shelf_core::server::{backup, connect, credentials, people, pull, push};
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
    /// Write a verified backup of the team server's catalog: the same zip `shelf backup`
    /// writes, which `shelf restore` (a local library) or `shelf server restore` takes.
    Backup {
        /// The server: postgresql://you@host:5432/shop (no password in it).
        #[arg(long, value_name = "ADDRESS")]
        from: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The shop's own certificate authority (PEM), as for push.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
    /// Restore a backup (of a team server or of a local library) into an empty team
    /// server database, compared row by row before it commits. Run it as the role that owns
    /// the server's database.
    Restore {
        file: PathBuf,
        /// The server: postgresql://you@host:5432/shop (no password in it).
        #[arg(long, value_name = "ADDRESS")]
        to: String,
        /// The shop's own certificate authority (PEM), as for push.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
    /// Log in to a team server once: the password is checked with the server and kept in the
    /// system keyring, where every later `shelf server` command (and the app) finds it.
    Login {
        /// The server: postgresql://you@host:5432/shop (no password in it).
        #[arg(value_name = "ADDRESS")]
        address: String,
        /// The shop's own certificate authority (PEM), as for push.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
        /// Read the password from the first line of standard input instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add a person to the shop on a team server (as an owner): their own login, in the
    /// owners' or the staff's group, with a password that only reaches the server hashed.
    AddPerson {
        /// The server, with your (an owner's) login: postgresql://you@host:5432/shop.
        #[arg(value_name = "ADDRESS")]
        address: String,
        /// Their username, which is also their login.
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// owner or staff.
        #[arg(long, default_value = "staff")]
        role: String,
        /// The shop's own certificate authority (PEM), as for push.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
        /// Read their password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Forget the password this computer keeps for a team server login.
    Logout {
        #[arg(value_name = "ADDRESS")]
        address: String,
    },
}

/// The commands that work on a server alone: they run before a library is even located
/// (which would make its folder). `None` for push and pull, which need the library.
pub fn without_library(cmd: &ServerCmd, out: &Out) -> Option<Result<ExitCode>> {
    match cmd {
        ServerCmd::Push { .. } | ServerCmd::Pull { .. } => None,
        ServerCmd::Backup { from, out: file, ca } => Some(back_up(from, file, ca.as_deref(), out)),
        ServerCmd::Restore { file, to, ca } => Some(restore(file, to, ca.as_deref(), out)),
        ServerCmd::Login {
            address,
            ca,
            password_stdin,
        } => Some(log_in(address, ca.as_deref(), *password_stdin, out)),
        ServerCmd::Logout { address } => Some(log_out(address, out)),
        ServerCmd::AddPerson {
            address,
            username,
            display_name,
            role,
            ca,
            password_stdin,
        } => Some(add_person(
            address,
            ca.as_deref(),
            username,
            display_name.as_deref(),
            role,
            *password_stdin,
            out,
        )),
    }
}

/// Pull makes the library's catalog, so it runs before anything opens one.
pub fn without_catalog(library: &Library, cmd: &ServerCmd, out: &Out) -> Option<Result<ExitCode>> {
    match cmd {
        ServerCmd::Pull { from, ca } => Some(pull(library, from, ca.as_deref(), out)),
        _ => None,
    }
}

/// A password from the first line of standard input, or asked for without echo.
fn read_password(from_stdin: bool, prompt: &str) -> Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| {
            shelf_core::Error::Internal(format!("Can't read the password from standard input: {e}"))
        })?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }
    rpassword::prompt_password(prompt)
        .map_err(|e| shelf_core::Error::Internal(format!("Can't ask for the password: {e}")))
}

fn log_in(address: &str, ca: Option<&Path>, from_stdin: bool, out: &Out) -> Result<ExitCode> {
    let login = credentials::entry_name(&connect::parse(address)?);
    let password = read_password(from_stdin, &format!("Password for {login}: "))?;
    connect::log_in(address, ca, &password)?;
    out.show(&serde_json::json!({ "login": login, "kept": true }), || {
        format!("Logged in as {login}; the password is kept in the system keyring.")
    });
    Ok(ExitCode::SUCCESS)
}

fn log_out(address: &str, out: &Out) -> Result<ExitCode> {
    let forgotten = connect::log_out(address)?;
    out.show(&serde_json::json!({ "forgotten": forgotten }), || {
        if forgotten {
            "The password for that login is no longer kept on this computer.".to_owned()
        } else {
            "This computer kept no password for that login.".to_owned()
        }
    });
    Ok(ExitCode::SUCCESS)
}

fn back_up(from: &str, file: &Path, ca: Option<&Path>, out: &Out) -> Result<ExitCode> {
    let mut client = connect::connect(from, ca)?;
    let summary = backup::back_up(&mut client, file, &Job::silent())?;
    out.show(&summary, || {
        format!(
            "Backed up the team catalog, {} products and {} photos, to {} ({} bytes); verified.",
            summary.row_counts.get("products").copied().unwrap_or(0),
            summary.originals,
            summary.path.display(),
            summary.bytes
        )
    });
    Ok(ExitCode::SUCCESS)
}

fn restore(file: &Path, to: &str, ca: Option<&Path>, out: &Out) -> Result<ExitCode> {
    let mut client = connect::connect(to, ca)?;
    let report = backup::restore_into(&mut client, file, &Job::silent())?;
    out.show(&report, || {
        let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
        format!(
            "Restored {} into the team server: {rows} rows (history included) and {} photos; every row was read back and matches.",
            file.display(),
            report.photos
        )
    });
    Ok(ExitCode::SUCCESS)
}

/// `server pull` makes the library's catalog, so it runs before anything opens one.
fn pull(library: &Library, from: &str, ca: Option<&Path>, out: &Out) -> Result<ExitCode> {
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
        _ => unreachable!("run before the catalog is opened"),
    }
}

fn add_person(
    address: &str,
    ca: Option<&Path>,
    username: &str,
    display_name: Option<&str>,
    role: &str,
    from_stdin: bool,
    out: &Out,
) -> Result<ExitCode> {
    let role = Role::parse(role)?;
    let mut client = connect::connect(address, ca)?;
    let password = read_password(from_stdin, &format!("Password for the new login {username}: "))?;
    let id = people::add(&mut client, username, display_name.unwrap_or(""), role, &password)?;
    out.show(
        &serde_json::json!({ "id": id, "username": username, "role": role.as_str() }),
        || {
            format!(
                "Added {username} ({}) with their own login. They log in once on their computer with `shelf server login`.",
                role.as_str()
            )
        },
    );
    Ok(ExitCode::SUCCESS)
}
