//! The catalog: one SQLite file, opened through [`crate::db::open`], migrated on open, and
//! written only through [`Catalog::write`], which makes every user action one
//! `BEGIN IMMEDIATE` transaction, records who acted (for the audit triggers) and announces
//! what changed once it has committed.

pub mod categories;
pub mod currencies;
pub mod history;
pub mod maintenance;
pub mod options;
pub mod products;
pub mod search;
pub mod settings;
pub mod tags;
pub mod trash;
pub mod users;
pub mod variants;

use crate::db::{self, Access};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::migrations::{self, MigrationReport};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;

pub type ProductId = i64;
pub type UserId = i64;

/// What a committed write changed, so a window can refresh just that (habit 7 of the style
/// guide: writes announce themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    pub entity: Entity,
    pub id: String,
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Product,
    User,
    Category,
    Tag,
    Image,
    Settings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Updated,
    Trashed,
    Restored,
    Deleted,
}

type ChangeListener = Box<dyn Fn(&[Change]) + Send>;

pub struct Catalog {
    conn: Connection,
    library: Library,
    actor: UserId,
    listener: Option<ChangeListener>,
}

/// A write transaction in progress: the SQLite transaction plus the changes it will announce.
pub struct Write<'c> {
    tx: Transaction<'c>,
    changes: Vec<Change>,
    actor: UserId,
}

impl<'c> Write<'c> {
    pub fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    pub fn actor(&self) -> UserId {
        self.actor
    }

    pub fn record(&mut self, entity: Entity, id: impl ToString, kind: ChangeKind) {
        self.changes.push(Change {
            entity,
            id: id.to_string(),
            kind,
        });
    }
}

/// How long work reaches the catalog's writer. The command line owns it for the whole job;
/// the app shares it with the seller's edits, and a photo import that takes it one batch at a
/// time lets an edit be saved in between instead of waiting half a minute for a thousand
/// photos.
pub trait WriterAccess {
    /// Runs `f` with the writer; an `Err` from the access itself refuses `f`'s work.
    fn with_writer<T>(&mut self, f: impl FnOnce(&mut Catalog) -> Result<T>) -> Result<T>;
}

impl WriterAccess for Catalog {
    fn with_writer<T>(&mut self, f: impl FnOnce(&mut Catalog) -> Result<T>) -> Result<T> {
        f(self)
    }
}

/// So a job can lend its writer to a step (a CSV import to its photo import) and keep it.
impl<W: WriterAccess> WriterAccess for &mut W {
    fn with_writer<T>(&mut self, f: impl FnOnce(&mut Catalog) -> Result<T>) -> Result<T> {
        (**self).with_writer(f)
    }
}

const SET_ACTOR: &str = "UPDATE write_context SET actor_id = ?1 WHERE id = 1";
/// Also resumes search indexing (see `search::index_after`) and roll-ups (see
/// `variants::insert_with_options`), so no commit leaves them paused.
const CLEAR_ACTOR: &str =
    "UPDATE write_context SET actor_id = NULL, search_deferred = 0, rollup_deferred = 0 WHERE id = 1";

impl Catalog {
    /// Opens the library's catalog, creating and migrating it as needed. On first start an
    /// owner user is created and becomes the acting user.
    ///
    /// It only opens and migrates. Tidying after a crash (finishing a restore, sweeping
    /// temporary files and orphan originals) is done once per process by
    /// [`Library::locate`] and [`crate::images::sweep_on_open`], which the app and the command
    /// line call when they start; the services and second handles opened later don't.
    pub fn open(library: &Library) -> Result<Self> {
        let (catalog, _) = Self::open_at_version(library, migrations::latest_version())?;
        Ok(catalog)
    }

    /// Like [`Catalog::open`] but migrates only up to `target`: tests use it to build a
    /// catalog as an older app left it.
    pub fn open_at_version(library: &Library, target: i64) -> Result<(Self, MigrationReport)> {
        let mut conn = db::open(&library.catalog_path(), Access::ReadWrite)?;
        let report = migrations::migrate_to(&mut conn, target, &library.backups_dir())?;
        let actor = users::ensure_owner(&mut conn)?;
        let catalog = Catalog {
            conn,
            library: library.clone(),
            actor,
            listener: None,
        };
        Ok((catalog, report))
    }

    /// A second, read-only connection to the same catalog (WAL lets it read while the
    /// writer writes). It refuses writes.
    pub fn open_reader(library: &Library) -> Result<Connection> {
        db::open(&library.catalog_path(), Access::ReadOnly)
    }

    /// A read-only handle on the same catalog, for browsing beside this one through
    /// [`crate::store::Store`] (the grid and search stay responsive while an import holds
    /// the writer). SQLite refuses every write through it; who acts is this handle's
    /// business, so ask this one.
    pub fn reader(&self) -> Result<Catalog> {
        Ok(Catalog {
            conn: Self::open_reader(&self.library)?,
            library: self.library.clone(),
            actor: self.actor,
            listener: None,
        })
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    /// For reads. Writes go through [`Catalog::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn actor(&self) -> UserId {
        self.actor
    }

    /// Switches the acting user (recorded in the audit log for every later write).
    pub fn set_actor(&mut self, username: &str) -> Result<users::User> {
        let user = users::by_username(&self.conn, username)?;
        if !user.is_active {
            return Err(Error::refused(format!(
                "{} is deactivated; reactivate them before acting as them.",
                user.display_name
            )));
        }
        self.actor = user.id;
        Ok(user)
    }

    /// Called after every committed write with what it changed.
    pub fn on_change(&mut self, listener: impl Fn(&[Change]) + Send + 'static) {
        self.listener = Some(Box::new(listener));
    }

    /// Runs `f` as one `BEGIN IMMEDIATE` transaction acting as the current user. Any error
    /// rolls everything back; after commit the recorded changes are announced.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Write<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(SET_ACTOR, [self.actor])?;
        let mut write = Write {
            tx,
            changes: Vec::new(),
            actor: self.actor,
        };
        let value = f(&mut write)?;
        let Write { tx, changes, .. } = write;
        tx.execute(CLEAR_ACTOR, [])?;
        tx.commit()?;
        if let (Some(listener), false) = (&self.listener, changes.is_empty()) {
            listener(&changes);
        }
        Ok(value)
    }
}
