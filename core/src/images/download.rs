//! Photos a shop file names by URL (Shopify's `Image Src`, WooCommerce's `Images`, Etsy's
//! `IMAGE1`..): fetched with a few connections at a time into a folder the caller owns, each
//! URL once, then imported like any photo file (which checks pixels and decodes safely).
//!
//! What a hostile or broken server can do is bounded: https only (plain http is allowed to
//! this computer alone, for tests and local tools; a redirect may not leave https), at most
//! five redirects, a connect timeout and a whole-request timeout, the photo import's size
//! limit enforced while reading (whatever Content-Length says), and the type sniffed from the
//! bytes, never taken from the URL or the Content-Type. Cancelling stops between chunks of a
//! body, and a partial file is removed.

use super::decode::{self, MAX_FILE_BYTES};
use crate::error::{Error, Result};
use crate::job::{Job, Progress};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Downloads at once: enough to hide a CDN's latency, few enough to be polite to a shop's
/// server and to leave the cores to the thumbnailer.
pub const PARALLEL: usize = 4;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// One photo, start to finish (a 12 MP JPEG is a few MB).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_REDIRECTS: u32 = 5;

/// What became of each URL: the downloaded file, or why there is none (in a seller's words).
pub type Fetched = HashMap<String, std::result::Result<PathBuf, String>>;

/// Fetches every URL of `urls` not already in `done` into `dir`, `PARALLEL` at a time, and
/// adds the results to `done`. Progress counts URLs.
pub fn fetch_all(urls: &[String], dir: &Path, done: &mut Fetched, job: &Job) -> Result<()> {
    let mut todo: Vec<&String> = urls.iter().filter(|u| !done.contains_key(*u)).collect();
    todo.sort();
    todo.dedup();
    if todo.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("Can't create the download folder", dir, e))?;
    let agents = Agents::new();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(todo.len()));
    let finished = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(todo.len()) {
            scope.spawn(|| loop {
                if job.cancel.is_cancelled() {
                    break;
                }
                let Some(url) = todo.get(next.fetch_add(1, Ordering::SeqCst)) else {
                    break;
                };
                let result = fetch_one(&agents, url, dir, job);
                let count = finished.fetch_add(1, Ordering::SeqCst) + 1;
                job.report(&Progress {
                    done: count as u64,
                    total: todo.len() as u64,
                    current: Some(format!("Downloaded photo {count} of {}: {url}", todo.len())),
                    ..Progress::default()
                });
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(((*url).clone(), result));
            });
        }
    });
    for (url, result) in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        // A cancelled download is not an answer: a later import may fetch it again.
        if result.as_ref().is_err_and(|m| m == CANCELLED) {
            continue;
        }
        done.insert(url, result);
    }
    Ok(())
}

const CANCELLED: &str = "The download was cancelled.";

/// One agent for the web (https only, redirects included) and one for this computer.
struct Agents {
    web: ureq::Agent,
    local: ureq::Agent,
}

impl Agents {
    fn new() -> Self {
        let agent = |https_only: bool| {
            ureq::Agent::config_builder()
                .https_only(https_only)
                .max_redirects(MAX_REDIRECTS)
                .timeout_connect(Some(CONNECT_TIMEOUT))
                .timeout_global(Some(REQUEST_TIMEOUT))
                .user_agent(concat!("Shelfkeeper/", env!("CARGO_PKG_VERSION")))
                .build()
                .new_agent()
        };
        Agents {
            web: agent(true),
            local: agent(false),
        }
    }
}

/// Whether a URL's host is this computer (`localhost`, 127.0.0.0/8, ::1).
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The agent that may fetch `url`, or why none may.
fn agent_for<'a>(agents: &'a Agents, url: &str) -> std::result::Result<&'a ureq::Agent, String> {
    let uri: ureq::http::Uri = url.parse().map_err(|_| format!("{url} is not a web address."))?;
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(&agents.web),
        Some("http") if is_loopback(host) => Ok(&agents.local),
        Some("http") => Err(format!(
            "{url} is a plain http address; photos are only fetched over https (ask the shop for https links)."
        )),
        _ => Err(format!("{url} is not an http(s) address.")),
    }
}

/// Downloads one URL into `dir`, named by the hash of the URL and the sniffed type.
fn fetch_one(agents: &Agents, url: &str, dir: &Path, job: &Job) -> std::result::Result<PathBuf, String> {
    let agent = agent_for(agents, url)?;
    let mut response = agent.get(url).call().map_err(|e| describe(url, &e))?;
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return Err(too_large(url));
    }
    let stem = file_stem(url);
    let partial = dir.join(format!("{stem}.part"));
    let result = copy_body(response.body_mut().as_reader(), &partial, url, job);
    let written = match result {
        Ok(path) => path,
        Err(message) => {
            let _ = std::fs::remove_file(&partial);
            return Err(message);
        }
    };
    let mut head = [0u8; 256];
    let n = std::fs::File::open(&written)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| format!("{url}: the download could not be read back ({e})."))?;
    let format = match decode::sniff(&head[..n]) {
        Ok(format) => format,
        Err(err) => {
            let _ = std::fs::remove_file(&written);
            return Err(format!("{url} is not a photo: {err}"));
        }
    };
    let path = dir.join(format!("{stem}.{}", format.extension()));
    std::fs::rename(&written, &path).map_err(|e| format!("{url}: the download could not be kept ({e})."))?;
    Ok(path)
}

/// The start of a downloaded photo's file name: a hash of its URL, so that a later import
/// can tell the photo is already there (`product_images.file_name` keeps it).
pub fn url_prefix(url: &str) -> String {
    format!("{}-", hex::encode(&Sha256::digest(url.as_bytes())[..6]))
}

/// The downloaded file's name without its extension: the URL's prefix and the last part of
/// its path, made safe (`3f2a9c1b0d4e-front`), so the seller still sees a name they know.
fn file_stem(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit('/').next().unwrap_or_default();
    let base = last.rsplit_once('.').map_or(last, |(b, _)| b);
    let safe: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    let safe = if safe.is_empty() { "photo".to_owned() } else { safe };
    format!("{}{safe}", url_prefix(url))
}

/// The body into `path`, refusing it once it passes the size limit, stopping on cancel.
fn copy_body(mut body: impl Read, path: &Path, url: &str, job: &Job) -> std::result::Result<PathBuf, String> {
    let mut file =
        std::fs::File::create(path).map_err(|e| format!("{url}: can't write the download ({e})."))?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        if job.cancel.is_cancelled() {
            return Err(CANCELLED.into());
        }
        let n = body
            .read(&mut buffer)
            .map_err(|e| format!("{url}: the download broke off ({e})."))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > MAX_FILE_BYTES {
            return Err(too_large(url));
        }
        file.write_all(&buffer[..n])
            .map_err(|e| format!("{url}: can't write the download ({e})."))?;
    }
    file.sync_all()
        .map_err(|e| format!("{url}: can't write the download ({e})."))?;
    Ok(path.to_path_buf())
}

fn too_large(url: &str) -> String {
    format!(
        "{url} is larger than a photo may be ({} MB), so it was not downloaded.",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// A failed request in words: the HTTP status, a timeout, a refused connection...
fn describe(url: &str, err: &ureq::Error) -> String {
    match err {
        ureq::Error::StatusCode(404) => format!("{url} was not found on the server (404)."),
        ureq::Error::StatusCode(code) => format!("{url}: the server answered {code} instead of the photo."),
        ureq::Error::Timeout(_) => format!("{url}: the server took too long to answer."),
        ureq::Error::TooManyRedirects => format!("{url} redirects too many times."),
        ureq::Error::RequireHttpsOnly(_) => {
            format!("{url} redirects to a plain http address, which is not followed.")
        }
        ureq::Error::HostNotFound => {
            format!("{url}: there is no such server (check the address, or the internet connection).")
        }
        ureq::Error::Io(e) => format!("{url}: the connection failed ({e})."),
        other => format!("{url} could not be downloaded ({other})."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_this_computer_is_fetched() {
        let agents = Agents::new();
        assert!(agent_for(&agents, "https://cdn.shopify.com/a.jpg").is_ok());
        assert!(agent_for(&agents, "http://127.0.0.1:8080/a.jpg").is_ok());
        assert!(agent_for(&agents, "http://localhost/a.jpg").is_ok());
        assert!(agent_for(&agents, "http://[::1]:9/a.jpg").is_ok());
        assert!(agent_for(&agents, "http://example.com/a.jpg")
            .unwrap_err()
            .contains("plain http"));
        assert!(agent_for(&agents, "ftp://example.com/a.jpg").is_err());
        assert!(agent_for(&agents, "file:///etc/passwd").is_err());
        assert!(agent_for(&agents, "not a url").is_err());
    }
}
