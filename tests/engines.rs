//! The two engines a catalog lives on, for tests whose one body runs on both: a SQLite
//! library and a team server (a database of its own on the tests' PostgreSQL cluster).
//! Two people are two stores: two `Catalog`s on one library, or two logins on one server,
//! as two computers would be.

use crate::server::{server, TestDatabase};
use crate::util::*;
use shelf_core::catalog::products::Product;
use shelf_core::catalog::users::{NewUser, Role};
use shelf_core::csv_import::{CsvImportOptions, CsvImportReport};
use shelf_core::job::Job;
use shelf_core::store::{Store, TeamCatalog};
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Server,
}

/// One shop on one engine, with its people.
pub enum Shop {
    Sqlite(TestLibrary),
    Server(TestDatabase),
}

impl Shop {
    /// A shop whose owner is `olga`.
    pub fn new(engine: Engine) -> Shop {
        let shop = match engine {
            Engine::Sqlite => Shop::Sqlite(TestLibrary::new()),
            Engine::Server => Shop::Server(server().database()),
        };
        shop.add_person("olga", Role::Owner);
        shop
    }

    pub fn add_person(&self, username: &str, role: Role) {
        match self {
            Shop::Sqlite(lib) => {
                lib.catalog()
                    .create_user(NewUser {
                        username,
                        display_name: username,
                        email: None,
                        role,
                    })
                    .unwrap();
            }
            Shop::Server(db) => {
                db.add_person(username, role.as_str());
            }
        }
    }

    /// The catalog as `username` has it open on their computer (a team catalog's photo
    /// cache is the tests' own, shared: its files are named by their content).
    pub fn open_as(&self, username: &str) -> Box<dyn Store> {
        match self {
            Shop::Sqlite(lib) => {
                let mut catalog = lib.catalog();
                catalog.set_actor(username).unwrap();
                Box::new(catalog)
            }
            Shop::Server(db) => {
                let mut team = TeamCatalog::open(db.client_as(username)).unwrap();
                team.keep_photos_in(std::env::temp_dir().join("shelfkeeper-tests-photo-cache"));
                Box::new(team)
            }
        }
    }

    /// Who the audit log says made the product's last change.
    pub fn last_actor(&self, id: i64) -> String {
        const LAST: &str = "SELECT actor FROM audit_log WHERE table_name = 'products' AND CAST(row_id AS TEXT) = $1 ORDER BY id DESC LIMIT 1";
        match self {
            Shop::Sqlite(lib) => lib
                .plain_connection()
                .query_row(LAST, [id.to_string()], |r| r.get(0))
                .unwrap(),
            Shop::Server(db) => db.client().query_one(LAST, &[&id.to_string()]).unwrap().get(0),
        }
    }

    /// Every table's contents (a library's whole file), to compare before and after
    /// something that must write nothing.
    pub fn contents(&self) -> String {
        match self {
            Shop::Sqlite(lib) => sha256_hex(&lib.catalog_bytes()),
            Shop::Server(db) => format!("{:?}", db.fingerprint()),
        }
    }

    /// How many rows `table` holds, read from a plain connection.
    pub fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        match self {
            Shop::Sqlite(lib) => lib.plain_connection().query_row(&sql, [], |r| r.get(0)).unwrap(),
            Shop::Server(db) => db.client().query_one(&sql, &[]).unwrap().get(0),
        }
    }

    /// `shelf ARGS` on this shop as `username` (on a server, `--server` with their login;
    /// photos go to the tests' cache folder in `dir`).
    pub fn shelf_as(&self, username: &str, dir: &Path, args: &[&str]) -> Output {
        match self {
            Shop::Sqlite(lib) => lib.shelf(&[&["--as", username][..], args].concat()),
            Shop::Server(db) => std::process::Command::new(env!("CARGO_BIN_EXE_shelf"))
                .args(["--server", &db.url(username)])
                .args(args)
                .env("XDG_CACHE_HOME", dir.join("cache"))
                .env("SHELF_LIBRARY", dir.join("no-library"))
                .output()
                .unwrap(),
        }
    }
}

/// A shop on one engine whose owner is `olga`, and a folder for the files it imports and
/// exports.
pub struct TestShop {
    pub shop: Shop,
    pub files: TempDir,
}

impl TestShop {
    pub fn new(engine: Engine) -> TestShop {
        TestShop {
            shop: Shop::new(engine),
            files: tempfile::tempdir().unwrap(),
        }
    }

    /// The catalog as its owner has it open.
    pub fn store(&self) -> Box<dyn Store> {
        self.shop.open_as("olga")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.files.path().join(name)
    }

    /// Writes a file into the folder; its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Imports a CSV file as the owner.
    pub fn import(&self, path: &Path, options: &CsvImportOptions) -> CsvImportReport {
        self.store().import_csv(path, options, &Job::silent()).unwrap()
    }

    pub fn product(&self, sku: &str) -> Product {
        self.store().product_by_sku(sku).unwrap()
    }

    /// `shelf ARGS` on this shop as its owner.
    pub fn shelf(&self, args: &[&str]) -> Output {
        self.shop.shelf_as("olga", self.files.path(), args)
    }
}
