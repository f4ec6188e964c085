//! A team catalog kept open for hours, as the app's window keeps one: the address it was
//! opened with and a connection that is made again when the server went away and answers
//! again. Which server a library profile works on is remembered in the library's own
//! settings (`team_server`, an address without a password; the password stays in the
//! keyring), so the app reopens it at start. The address read back is checked as one typed
//! in (`connect::parse`): a settings row is not trusted.
//!
//! A lost connection costs the call that found it: a read is asked again once on a new
//! connection; a write is not (it may have reached the server before the connection broke),
//! so the seller's edit stays where it is and saving again meets either success or the
//! conflict view, never a second copy.

use super::connect;
use super::products::TeamCatalog;
use crate::catalog::settings;
use crate::error::{Error, Result};
use crate::Catalog;
use rusqlite::Connection;

/// The library setting naming the team server a profile works on.
pub const TEAM_SERVER_SETTING: &str = "team_server";

pub struct TeamSession {
    address: String,
    catalog: Option<TeamCatalog>,
}

impl TeamSession {
    /// A session on `address` that connects when it is first asked (with the password the
    /// keyring keeps), as a window reopening a team catalog at start does: a server that
    /// isn't answering yet is then said by each call, not by the opening.
    pub fn at(address: &str) -> Result<TeamSession> {
        connect::parse(address)?;
        Ok(TeamSession {
            address: address.to_owned(),
            catalog: None,
        })
    }

    /// Opens the team catalog at `address` now, with the password the keyring keeps for it.
    pub fn connect(address: &str) -> Result<TeamSession> {
        let catalog = TeamCatalog::open(connect::connect(address, None)?)?;
        Ok(Self::opened(address, catalog))
    }

    /// Opens it with a password just typed, which is kept in the keyring once the server
    /// has accepted it.
    pub fn log_in(address: &str, password: &str) -> Result<TeamSession> {
        let catalog = TeamCatalog::open(connect::log_in(address, None, password)?)?;
        Ok(Self::opened(address, catalog))
    }

    fn opened(address: &str, catalog: TeamCatalog) -> TeamSession {
        TeamSession {
            address: address.to_owned(),
            catalog: Some(catalog),
        }
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// Runs a read, asking it again once on a new connection if the old one was lost.
    pub fn read<T>(&mut self, mut f: impl FnMut(&mut TeamCatalog) -> Result<T>) -> Result<T> {
        match f(self.catalog()?) {
            Err(_) if self.lost() => f(self.catalog()?),
            done => done,
        }
    }

    /// Runs a write once; a lost connection is the error in plain words, and the next call
    /// connects again.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut TeamCatalog) -> Result<T>) -> Result<T> {
        f(self.catalog()?)
    }

    /// The catalog, connecting again first when the connection was lost.
    fn catalog(&mut self) -> Result<&mut TeamCatalog> {
        if self.lost() {
            self.catalog = None;
        }
        if self.catalog.is_none() {
            self.catalog = Some(TeamCatalog::open(connect::connect(&self.address, None)?)?);
        }
        Ok(self.catalog.as_mut().expect("connected just above"))
    }

    fn lost(&self) -> bool {
        self.catalog.as_ref().is_some_and(TeamCatalog::is_closed)
    }
}

/// The team server this library profile works on, if any: a remembered address, checked
/// as one typed in.
pub fn remembered(conn: &Connection) -> Result<Option<String>> {
    let Some(address) =
        settings::get(conn, TEAM_SERVER_SETTING)?.and_then(|value| value.as_str().map(str::to_owned))
    else {
        return Ok(None);
    };
    connect::parse(&address).map_err(|err| {
        Error::refused(format!(
            "The team server this library remembers isn't a usable address ({err}). Connect to the team server again."
        ))
    })?;
    Ok(Some(address))
}

impl Catalog {
    /// Remembers the team server this library profile works on (`None`: this computer's
    /// own catalog again).
    pub fn remember_team_server(&mut self, address: Option<&str>) -> Result<()> {
        let value = address.map_or(serde_json::Value::Null, serde_json::Value::from);
        self.put_setting(TEAM_SERVER_SETTING, &value)
    }
}
