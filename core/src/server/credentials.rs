//! Team-server passwords, kept in the system keyring (the Secret Service on Linux: GNOME
//! Keyring, KWallet) and nowhere else: not in a file, the catalog, a setting or an address.
//! One entry per login on one server's database, named `you@host:port/database`, so the
//! same person on two shops' servers has two.
//!
//! A computer without a keyring (a terminal over SSH, a desktop without one) can't keep a
//! password: it says so, and logins that need no password (peer, certificates, `trust` on
//! the shop's own network) still work.

use crate::error::{Error, Result};
use postgres::config::Host;
use postgres::Config;

/// The keyring's service name for every team-server password.
const SERVICE: &str = "Shelfkeeper team server";

/// The entry's name: the login, the server and the database.
pub fn entry_name(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{host}:{port}/{}",
        config.get_user().unwrap_or_default(),
        config.get_dbname().unwrap_or_default()
    )
}

fn entry(config: &Config) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &entry_name(config)).map_err(unavailable)
}

fn unavailable(err: keyring::Error) -> Error {
    Error::Refused {
        field: Some("keyring"),
        message: format!(
            "The system keyring can't be reached ({err}), and Shelfkeeper keeps server passwords only there. Unlock or start your desktop's keyring (GNOME Keyring, KWallet) and try again."
        ),
    }
}

/// Keeps `password` for the login and server of `config`, replacing any kept before.
pub fn remember(config: &Config, password: &str) -> Result<()> {
    entry(config)?.set_password(password).map_err(unavailable)
}

/// The password kept for the login and server of `config`. `None` when none is kept, or
/// when there is no keyring to ask (a login that needs none still works then).
pub fn recall(config: &Config) -> Option<String> {
    entry(config).ok()?.get_password().ok()
}

/// Forgets the kept password; `false` when none was kept.
pub fn forget(config: &Config) -> Result<bool> {
    match entry(config)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(err) => Err(unavailable(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::entry_name;
    use std::str::FromStr;

    #[test]
    fn one_entry_per_login_server_and_database() {
        for (address, name) in [
            (
                "postgresql://ann@shop.example.com/shop",
                "ann@shop.example.com:5432/shop",
            ),
            (
                "postgresql://ann@127.0.0.1:5433/stock",
                "ann@127.0.0.1:5433/stock",
            ),
            (
                "host=/run/postgresql user=bo dbname=shop",
                "bo@/run/postgresql:5432/shop",
            ),
        ] {
            let config = postgres::Config::from_str(address).unwrap();
            assert_eq!(entry_name(&config), name, "{address}");
        }
    }
}
