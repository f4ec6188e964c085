//! Connecting to a team server, with the rules that hold before a byte is sent: a server that
//! is not on this computer is reached only over TLS, and a password never travels in an
//! address (a command line or a settings row would keep it); it belongs in the system
//! keyring.
//!
//! This version connects to servers on this computer (127.0.0.1, ::1, localhost or a Unix
//! socket) only: the TLS connector and the keyring are the next part of team mode, and until
//! they exist a remote address is refused rather than reached in the clear.

use crate::error::{Error, Result};
use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use std::str::FromStr;
use std::time::Duration;

/// How long a connection attempt may take before the seller is told the server isn't answering.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads a server address: a `postgresql://user@host:port/database` URL or `key=value` pairs.
pub fn parse(address: &str) -> Result<Config> {
    let mut config = Config::from_str(address).map_err(|e| Error::Validation {
        field: Some("server"),
        message: format!("That is not a server address ({e}). Write it as postgresql://you@host:5432/shop."),
    })?;
    if config.get_password().is_some() {
        return Err(Error::Validation {
            field: Some("server"),
            message: "Leave the password out of the server address: it would be kept in your shell's history or the catalog. Shelfkeeper keeps it in the system keyring.".into(),
        });
    }
    if config.get_dbname().is_none() || config.get_user().is_none() {
        return Err(Error::Validation {
            field: Some("server"),
            message: "The server address needs your login and the shop's database: postgresql://you@host:5432/shop.".into(),
        });
    }
    if let Some(host) = config.get_hosts().iter().find(|h| !on_this_computer(h)) {
        let name = match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        };
        return Err(Error::Refused {
            field: Some("server"),
            message: format!(
                "{name} is not on this computer, and this version of Shelfkeeper reaches other computers' servers only over TLS, which it can't do yet. Nothing was sent."
            ),
        });
    }
    config.connect_timeout(CONNECT_TIMEOUT);
    config.application_name("shelfkeeper");
    // Every search and page is planned for its own values: a prepared statement's generic
    // plan can't know that "b" matches a third of the catalog and "blue mu" ten products,
    // and picked plans 30 to 100 times slower for broad prefixes (BENCHMARKS.md).
    config.options("-c plan_cache_mode=force_custom_plan");
    Ok(config)
}

fn on_this_computer(host: &Host) -> bool {
    match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name == "localhost"
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
}

/// Connects to the server at `address` (see [`parse`]).
pub fn connect(address: &str) -> Result<Client> {
    Ok(parse(address)?.connect(NoTls)?)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn only_servers_on_this_computer_and_no_passwords_in_addresses() {
        for ok in [
            "postgresql://ann@127.0.0.1:5432/shop",
            "postgresql://ann@localhost/shop",
            "postgresql://ann@[::1]:5433/shop",
            "host=127.0.0.1 port=5432 user=ann dbname=shop",
            "host=/run/postgresql user=ann dbname=shop",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok).err());
        }
        for (refused, says) in [
            ("postgresql://ann@shop.example.com/shop", "only over TLS"),
            ("postgresql://ann@192.168.1.20/shop", "only over TLS"),
            ("postgresql://ann:secret@127.0.0.1/shop", "Leave the password out"),
            ("postgresql://127.0.0.1/shop", "needs your login"),
            ("not an address", "not a server address"),
        ] {
            let err = parse(refused).expect_err(refused).to_string();
            assert!(err.contains(says), "{refused}: {err}");
        }
    }
}
