//! Connecting to a team server, with the rules that hold before a byte is sent: a server that
//! is not on this computer (127.0.0.1, ::1, localhost or a Unix socket) is reached only over
//! TLS, with its certificate verified against the public authorities (webpki-roots, as the
//! photo downloads use) or the shop's own authority given with `--ca`, and a password never
//! travels in an address (a command line or a settings row would keep it): `log_in` checks it
//! with the server and keeps it in the system keyring (`credentials`), where `connect` finds
//! it. `sslmode=require` in the address asks for TLS on this computer too.

use super::credentials;
use crate::error::{Error, Result};
use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
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
    if !config.get_hosts().iter().all(on_this_computer) {
        config.ssl_mode(SslMode::Require);
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

/// Connects to the server at `address` (see [`parse`]) with the password the keyring keeps
/// for it, if any; `ca` is the certificate (PEM) of the shop's own certificate authority,
/// when its server's certificate isn't from a public one.
pub fn connect(address: &str, ca: Option<&Path>) -> Result<Client> {
    let mut config = parse(address)?;
    if let Some(password) = credentials::recall(&config) {
        config.password(password);
    }
    connect_with(&config, ca)
}

/// Connects with `password` (just typed) and, once the server has accepted it, keeps it in
/// the keyring for [`connect`]; a password the server refuses is not kept.
pub fn log_in(address: &str, ca: Option<&Path>, password: &str) -> Result<Client> {
    let mut config = parse(address)?;
    config.password(password);
    let client = connect_with(&config, ca)?;
    credentials::remember(&config, password)?;
    Ok(client)
}

/// Forgets the password kept for `address`; `false` when none was kept.
pub fn log_out(address: &str) -> Result<bool> {
    credentials::forget(&parse(address)?)
}

fn connect_with(config: &Config, ca: Option<&Path>) -> Result<Client> {
    if config.get_ssl_mode() != SslMode::Require {
        return config.connect(NoTls).map_err(|err| in_words(err, config, ca));
    }
    config.connect(tls(ca)?).map_err(|err| in_words(err, config, ca))
}

/// rustls (already the photo downloads' TLS) with the public authorities, and the shop's own.
fn tls(ca: Option<&Path>) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(ca) = ca {
        let unreadable = |e: rustls::pki_types::pem::Error| Error::Validation {
            field: Some("ca"),
            message: format!("{} is not a certificate in PEM form ({e}).", ca.display()),
        };
        for cert in CertificateDer::pem_file_iter(ca).map_err(unreadable)? {
            roots
                .add(cert.map_err(unreadable)?)
                .map_err(|e| Error::Validation {
                    field: Some("ca"),
                    message: format!("{} can't be used as an authority ({e}).", ca.display()),
                })?;
        }
    }
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Internal(format!("TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Why a connection could not be made, in words: a certificate that does not verify, a
/// server without TLS, a password it wants or refuses, a server that isn't there.
fn in_words(err: postgres::Error, config: &Config, ca: Option<&Path>) -> Error {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(cause) = source {
        // An io::Error hides the rustls error it carries from `source()`: look inside it.
        let inner = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn std::error::Error + 'static));
        let tls = inner.unwrap_or(cause).downcast_ref::<rustls::Error>();
        if let Some(rustls::Error::InvalidCertificate(why)) = tls {
            let hint = if ca.is_some() {
                "the certificate given with --ca did not sign it, or it is for another name"
            } else {
                "it isn't signed by an authority this computer trusts, or it is for another name; if the shop has its own authority, give its certificate with --ca"
            };
            return Error::Refused {
                field: Some("server"),
                message: format!(
                    "The team server's certificate can't be verified ({why:?}): {hint}. Nothing was sent."
                ),
            };
        }
        source = cause.source();
    }
    if err.to_string().contains("server does not support TLS") {
        return Error::Refused {
            field: Some("server"),
            message: "The team server doesn't offer TLS, and a server on another computer is reached only over TLS. Turn on ssl in its postgresql.conf. Nothing was sent.".into(),
        };
    }
    let login = credentials::entry_name(config);
    // tokio-postgres says "password missing" when the server asks for one and none was given.
    let cause = std::error::Error::source(&err)
        .map(|c| c.to_string())
        .unwrap_or_default();
    if cause.contains("password missing") {
        return Error::Refused {
            field: Some("password"),
            message: format!(
                "The team server asks {login} for a password, and this computer keeps none for that login. Type it once (in Connect to a team server…, or with `shelf server login ADDRESS`): it is then kept in the system keyring."
            ),
        };
    }
    if err.code() == Some(&postgres::error::SqlState::INVALID_PASSWORD) {
        return Error::Refused {
            field: Some("password"),
            message: format!(
                "The team server refused the password for {login}. Type the right one (in Connect to a team server…, or with `shelf server login ADDRESS`); nothing was sent."
            ),
        };
    }
    if err.as_db_error().is_some() {
        return Error::from(err);
    }
    Error::Storage(format!(
        "The team server can't be reached ({err}). Check the address, the network and that the server is running; nothing was sent."
    ))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn other_computers_need_tls_and_no_address_holds_a_password() {
        use postgres::config::SslMode;
        for (address, tls) in [
            ("postgresql://ann@127.0.0.1:5432/shop", false),
            ("postgresql://ann@localhost/shop", false),
            ("postgresql://ann@[::1]:5433/shop", false),
            ("host=127.0.0.1 port=5432 user=ann dbname=shop", false),
            ("host=/run/postgresql user=ann dbname=shop", false),
            ("postgresql://ann@127.0.0.1/shop?sslmode=require", true),
            ("postgresql://ann@shop.example.com/shop", true),
            ("postgresql://ann@192.168.1.20/shop?sslmode=disable", true),
        ] {
            let config = parse(address).unwrap_or_else(|e| panic!("{address}: {e}"));
            assert_eq!(config.get_ssl_mode() == SslMode::Require, tls, "{address}");
        }
        for (refused, says) in [
            ("postgresql://ann:secret@127.0.0.1/shop", "Leave the password out"),
            ("postgresql://127.0.0.1/shop", "needs your login"),
            ("not an address", "not a server address"),
        ] {
            let err = parse(refused).expect_err(refused).to_string();
            assert!(err.contains(says), "{refused}: {err}");
        }
    }
}
