//! Test helpers: every test gets its own library folder and talks to it through the core,
//! the real `shelf` binary, or a plain SQLite connection like any other tool would.

#![allow(dead_code)]

use rusqlite::Connection;
use shelf_core::catalog::products::ProductFields;
use shelf_core::{Catalog, Library};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// A fresh library folder that disappears with the test.
pub struct TestLibrary {
    pub dir: TempDir,
    pub library: Library,
}

impl TestLibrary {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let library = Library::create_at(&dir.path().join("library")).expect("library folder");
        TestLibrary { dir, library }
    }

    pub fn root(&self) -> &Path {
        self.library.root()
    }

    pub fn catalog(&self) -> Catalog {
        Catalog::open(&self.library).expect("open catalog")
    }

    pub fn db_path(&self) -> PathBuf {
        self.library.catalog_path()
    }

    /// A connection like a seller's sqlite3 shell or Python script: not the core's opener,
    /// just foreign keys turned on as any careful client would.
    pub fn plain_connection(&self) -> Connection {
        #[allow(clippy::disallowed_methods)]
        let conn = Connection::open(self.db_path()).expect("plain connection");
        conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
        conn
    }

    /// Runs `shelf --library <this library> args...`.
    pub fn shelf(&self, args: &[&str]) -> Output {
        shelf_in(self.root(), args)
    }

    /// Runs `sql` from a plain connection and asserts that SQLite refuses it with a message
    /// containing `expected`, leaving every byte of the catalog as it was.
    pub fn assert_refused_unchanged(&self, sql: &str, expected: &str) {
        let before = self.catalog_bytes();
        let conn = self.plain_connection();
        let err = conn
            .execute_batch(sql)
            .expect_err("SQLite must refuse this write");
        assert!(
            err.to_string().contains(expected),
            "{sql}\n  refused with {err}, expected {expected}"
        );
        drop(conn);
        assert!(
            self.catalog_bytes() == before,
            "the refused write changed the catalog file"
        );
    }

    /// Every byte of catalog.db with its WAL checkpointed first, to prove a refused write
    /// left the file exactly as it was.
    pub fn catalog_bytes(&self) -> Vec<u8> {
        let conn = self.plain_connection();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        drop(conn);
        std::fs::read(self.db_path()).unwrap()
    }
}

pub fn shelf_in(library: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shelf"))
        .arg("--library")
        .arg(library)
        .args(args)
        .env_remove("SHELF_LIBRARY")
        .output()
        .expect("run shelf")
}

/// `shelf` started in the background, quiet, for tests that kill it mid-way.
pub fn spawn_shelf(library: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_shelf"))
        .arg("--library")
        .arg(library)
        .args(args)
        .env_remove("SHELF_LIBRARY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start shelf")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A product with sensible defaults; override what the test is about.
pub fn product(sku: &str, name: &str, price_minor: i64) -> ProductFields {
    ProductFields {
        sku: sku.into(),
        name: name.into(),
        price_minor,
        ..ProductFields::default()
    }
}

/// The app's way of sharing the writer: taken for each batch, as `BatchWriter` does.
pub struct Shared<'a>(pub &'a std::sync::Mutex<Catalog>);

impl shelf_core::catalog::WriterAccess for Shared<'_> {
    fn with_writer<T>(
        &mut self,
        f: impl FnOnce(&mut Catalog) -> shelf_core::Result<T>,
    ) -> shelf_core::Result<T> {
        f(&mut self.0.lock().unwrap())
    }
}

/// A file's content hash as the catalog names originals.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Every file below `dir`, folders walked.
pub fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().unwrap().is_dir() {
                out.extend(walk_files(&entry.path()));
            } else {
                out.push(entry.path());
            }
        }
    }
    out
}
