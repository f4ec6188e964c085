//! A window on a team catalog (issue 14): connecting to a server (a password typed in the
//! Connect dialog goes to the system keyring through the core, never to a file), reopening
//! at start the team server the library profile remembers, following what others save
//! (`catalog-changed`, through `shelf_core::server::changes::follow`) and saying when the
//! server can't be reached and when it answers again (`team-status`).

use crate::error::CommandResult;
use crate::events;
use crate::state::{blocking, AppState, Team};
use serde::Serialize;
use shelf_core::server::session::{self, TeamSession};
use shelf_core::Catalog;
use std::sync::atomic::Ordering;
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const TEAM_EVENT: &str = "team-status";

/// Which catalog the window shows, and what is wrong with the server's connection if
/// something is.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TeamStatus {
    /// The team server's address; `None` on this computer's own library.
    pub address: Option<String>,
    /// Why the server can't be reached, while it can't.
    pub problem: Option<String>,
}

pub fn status(state: &AppState) -> TeamStatus {
    match state.team() {
        Some(team) => TeamStatus {
            problem: team.problem.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            address: Some(team.address),
        },
        None => TeamStatus {
            address: None,
            problem: None,
        },
    }
}

/// At start: the team server the library profile remembers, if any. It connects when first
/// asked, so a server that isn't answering yet is said in the window, which shows it anyway
/// (never this computer's copy in its place).
pub fn resume<R: Runtime>(app: &AppHandle<R>, library: &Catalog) {
    let opened = session::remembered(library.conn())
        .and_then(|address| address.map(|a| TeamSession::at(&a)).transpose())
        .and_then(|session| session.map(Team::new).transpose());
    match opened {
        Ok(Some(team)) => show(app, team),
        Ok(None) => {}
        Err(err) => eprintln!("Shelfkeeper: the remembered team server can't be used: {err}"),
    }
}

/// Connects to the team server at `address` (with `password` just typed, or the one the
/// keyring keeps), remembers it for this library profile and shows it in the window.
pub async fn connect<R: Runtime>(
    app: &AppHandle<R>,
    address: String,
    password: Option<String>,
) -> CommandResult<()> {
    let team = blocking({
        let address = address.clone();
        move || {
            let session = match password {
                Some(password) => TeamSession::log_in(&address, &password)?,
                None => TeamSession::connect(&address)?,
            };
            Team::new(session)
        }
    })
    .await?;
    let state = app.state::<AppState>();
    state
        .write_library(move |library| library.remember_team_server(Some(&address)))
        .await?;
    show(app, team);
    Ok(())
}

/// Back to this computer's own library; the team server is forgotten for this profile (its
/// password stays in the keyring until `shelf server logout`).
pub async fn disconnect<R: Runtime>(app: &AppHandle<R>) -> CommandResult<()> {
    let state = app.state::<AppState>();
    state.set_team(None);
    state
        .write_library(|library| library.remember_team_server(None))
        .await?;
    announce(app);
    Ok(())
}

fn show<R: Runtime>(app: &AppHandle<R>, team: Team) {
    app.state::<AppState>().set_team(Some(team.clone()));
    follow(app, team);
    announce(app);
}

/// Everything the window shows may have changed: say which catalog it is on, and refresh.
fn announce<R: Runtime>(app: &AppHandle<R>) {
    let _ = app.emit(TEAM_EVENT, status(&app.state::<AppState>()));
    events::emit(app, &[]);
}

/// Follows what others save on `team`'s server on a thread of its own, until the window
/// leaves that server.
fn follow<R: Runtime>(app: &AppHandle<R>, team: Team) {
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("team-changes".into())
        .spawn(move || {
            shelf_core::server::changes::follow(
                &team.address,
                &team.left,
                |batch| events::emit(&app, &batch),
                |problem| {
                    if team.left.load(Ordering::SeqCst) {
                        return;
                    }
                    *team.problem.lock().unwrap_or_else(|e| e.into_inner()) =
                        problem.map(ToString::to_string);
                    let _ = app.emit(TEAM_EVENT, status(&app.state::<AppState>()));
                },
            );
        });
    if let Err(err) = spawned {
        eprintln!("Shelfkeeper: can't follow the team server's changes: {err}");
    }
}
