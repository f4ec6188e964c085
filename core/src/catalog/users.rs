//! Users: the people who act on the catalog. The audit log names them. A user who owns
//! products is never deleted (the schema refuses it); they are deactivated instead.

use super::{Catalog, ChangeKind, Entity, UserId};
use crate::error::{Error, Result};
use crate::rules;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub is_active: bool,
    pub created_at: String,
    pub deleted_at: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Staff => "staff",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "owner" => Ok(Role::Owner),
            "staff" => Ok(Role::Staff),
            _ => Err(Error::validation("role", "A role is owner or staff.")),
        }
    }
}

const COLUMNS: &str = "id, username, display_name, email, role, is_active, created_at, deleted_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(4)?;
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        display_name: row.get(2)?,
        email: row.get(3)?,
        role: if role == "owner" { Role::Owner } else { Role::Staff },
        is_active: row.get(5)?,
        created_at: row.get(6)?,
        deleted_at: row.get(7)?,
    })
}

const FIRST_OWNER: &str = "SELECT id FROM users WHERE role = 'owner' AND is_active = 1 ORDER BY id LIMIT 1";
const INSERT: &str = "INSERT INTO users (username, display_name, email, role) VALUES (?1, ?2, ?3, ?4)";
const COUNT_OWNED: &str = "SELECT count(*) FROM products WHERE owner_id = ?1";

/// The acting user for a freshly opened catalog: the first active owner, created as
/// `owner` on first start.
pub(super) fn ensure_owner(conn: &mut Connection) -> Result<UserId> {
    if let Some(id) = conn.query_row(FIRST_OWNER, [], |r| r.get(0)).optional()? {
        return Ok(id);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(INSERT, ("owner", "Owner", None::<String>, "owner"))?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(id)
}

pub fn by_username(conn: &Connection, username: &str) -> Result<User> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM users WHERE username = ?1"),
        [username],
        from_row,
    )
    .optional()?
    .ok_or_else(|| no_such_user(username))
}

pub fn by_id(conn: &Connection, id: UserId) -> Result<User> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("There is no user with id {id}.")))
}

pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))?;
    let users = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(users)
}

pub(crate) fn no_such_user(username: &str) -> Error {
    Error::NotFound(format!("There is no user called {username:?}."))
}

pub(crate) fn username_taken(username: &str) -> Error {
    Error::Conflict {
        field: Some("username"),
        message: format!("The username {username} is already taken."),
        current: None,
    }
}

/// Whether `user` may be made `active` (or not) by `acting`, with `active_owners` owners
/// active now: the last active owner can't be deactivated, because someone must be able to
/// run the shop, and nobody deactivates themselves.
pub fn check_activation(user: &User, active: bool, acting: UserId, active_owners: i64) -> Result<()> {
    if !active && user.role == Role::Owner && active_owners <= 1 && user.is_active {
        return Err(Error::refused(format!(
            "{} is the only active owner; make another user an owner first.",
            user.display_name
        )));
    }
    if !active && user.id == acting {
        return Err(Error::refused(
            "You can't deactivate yourself; another owner can (act as them first).",
        ));
    }
    Ok(())
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
}

impl Catalog {
    pub fn create_user(&mut self, new: NewUser<'_>) -> Result<User> {
        let username = rules::tidy(new.username);
        let display_name = rules::tidy(new.display_name);
        let email = new.email.map(rules::tidy).filter(|e| !e.is_empty());
        rules::check_username(&username)?;
        rules::check_display_name(&display_name)?;
        rules::check_email(email.as_deref())?;
        if by_username(self.conn(), &username).is_ok() {
            return Err(username_taken(&username));
        }
        let id = self.write(|w| {
            w.tx()
                .execute(INSERT, (&username, &display_name, &email, new.role.as_str()))?;
            let id = w.tx().last_insert_rowid();
            w.record(Entity::User, id, ChangeKind::Created);
            Ok(id)
        })?;
        by_id(self.conn(), id)
    }

    pub fn rename_user(&mut self, username: &str, display_name: &str) -> Result<User> {
        let user = by_username(self.conn(), username)?;
        let display_name = rules::tidy(display_name);
        rules::check_display_name(&display_name)?;
        self.write(|w| {
            w.tx().execute(
                "UPDATE users SET display_name = ?1 WHERE id = ?2",
                (&display_name, user.id),
            )?;
            w.record(Entity::User, user.id, ChangeKind::Updated);
            Ok(())
        })?;
        by_id(self.conn(), user.id)
    }

    /// Deactivated users keep their products and history but can no longer act (see
    /// [`check_activation`]).
    pub fn set_user_active(&mut self, username: &str, active: bool) -> Result<User> {
        let user = by_username(self.conn(), username)?;
        check_activation(&user, active, self.actor(), self.active_owner_count()?)?;
        self.write(|w| {
            w.tx()
                .execute("UPDATE users SET is_active = ?1 WHERE id = ?2", (active, user.id))?;
            w.record(Entity::User, user.id, ChangeKind::Updated);
            Ok(())
        })?;
        by_id(self.conn(), user.id)
    }

    /// Deletes a user who owns nothing. One who owns products is refused with how many and
    /// what to do instead (the schema refuses it too, for other tools).
    pub fn delete_user(&mut self, username: &str) -> Result<()> {
        let user = by_username(self.conn(), username)?;
        let owned: i64 = self.conn().query_row(COUNT_OWNED, [user.id], |r| r.get(0))?;
        if owned > 0 {
            let s = if owned == 1 { "" } else { "s" };
            return Err(Error::refused(format!(
                "{} owns {owned} product{s}, so they can't be deleted. Deactivate them instead, or give their products to another user first.",
                user.display_name
            )));
        }
        if user.id == self.actor() {
            return Err(Error::refused(
                "You can't delete yourself; switch to another user first.",
            ));
        }
        if user.role == Role::Owner && user.is_active && self.active_owner_count()? <= 1 {
            return Err(Error::refused("The only active owner can't be deleted."));
        }
        self.write(|w| {
            w.tx().execute("DELETE FROM users WHERE id = ?1", [user.id])?;
            w.record(Entity::User, user.id, ChangeKind::Deleted);
            Ok(())
        })
    }

    fn active_owner_count(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM users WHERE role = 'owner' AND is_active = 1",
            [],
            |r| r.get(0),
        )?)
    }
}
