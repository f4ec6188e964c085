//! The people of a team server: an owner adds a person, who gets their own login role (in
//! the owners' or the staff's group) and their `users` row in one step (`add_person`,
//! migration 0006). The password is turned into a SCRAM-SHA-256 verifier here, so it never
//! travels to the server or into its logs; the person then logs in with
//! `shelf server login` or the app's Connect dialog, and the keyring keeps it on their
//! computer. An owner deactivates a person, or brings them back, with their login
//! (`set_active`, migration 0007), under the SQLite catalog's rules in its words
//! (`users::check_activation`).

use crate::catalog::users::{self, NewUser, Role, User};
use crate::error::{Error, Result};
use crate::rules;
use postgres::{GenericClient, Row};

const ADD_PERSON: &str = "SELECT add_person($1, $2, $3, $4)";
const SET_ACTIVE: &str = "SELECT set_person_active($1, $2)";
const SET_EMAIL: &str = "UPDATE users SET email = $2 WHERE id = $1";
/// As `user_from` reads them.
const LIST: &str = "SELECT id, username::text, display_name, email, role, is_active, iso_ms(created_at),
    iso_ms(deleted_at)
  FROM users ORDER BY username";

/// Adds `username` to the shop on the server `client` is logged in to (as an owner), with
/// `password` for their login; their `users` id.
pub fn add(
    client: &mut impl GenericClient,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
) -> Result<i64> {
    let username = rules::tidy(username);
    rules::check_username(&username)?;
    let display_name = match rules::tidy(display_name) {
        name if name.is_empty() => username.clone(),
        name => name,
    };
    if password.chars().count() < 8 {
        return Err(Error::validation(
            "password",
            "A login's password needs at least 8 characters.",
        ));
    }
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
    Ok(client
        .query_one(ADD_PERSON, &[&username, &display_name, &role.as_str(), &verifier])?
        .get(0))
}

/// A `users` row as the SQLite catalog reads one.
pub(crate) fn user_from(row: &Row) -> Result<User> {
    Ok(User {
        id: row.get(0),
        username: row.get(1),
        display_name: row.get(2),
        email: row.get(3),
        role: Role::parse(row.get(4))?,
        is_active: row.get::<_, i32>(5) == 1,
        created_at: row.get(6),
        deleted_at: row.get(7),
    })
}

/// Everyone on the shop's team, by username.
pub(crate) fn list(client: &mut impl GenericClient) -> Result<Vec<User>> {
    client.query(LIST, &[])?.iter().map(user_from).collect()
}

/// The person called `username` (without case) among `people`.
fn named(people: Vec<User>, username: &str) -> Result<User> {
    let username = username.trim();
    people
        .into_iter()
        .find(|u| u.username.eq_ignore_ascii_case(username))
        .ok_or_else(|| users::no_such_user(username))
}

/// A new person with their own login (`add`), and their email if given; one transaction.
pub(crate) fn create(
    client: &mut postgres::Client,
    new: NewUser<'_>,
    password: Option<&str>,
) -> Result<User> {
    let password = password.ok_or_else(|| {
        Error::validation(
            "password",
            "Give the new person a password for their login (at least 8 characters).",
        )
    })?;
    let email = new.email.map(rules::tidy).filter(|e| !e.is_empty());
    rules::check_email(email.as_deref())?;
    let mut tx = client.transaction()?;
    if named(list(&mut tx)?, new.username).is_ok() {
        return Err(users::username_taken(&rules::tidy(new.username)));
    }
    let id = add(&mut tx, new.username, new.display_name, new.role, password)?;
    if email.is_some() {
        tx.execute(SET_EMAIL, &[&id, &email])?;
    }
    let user = list(&mut tx)?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| Error::Internal(format!("The new person {id} is not listed.")))?;
    tx.commit()?;
    Ok(user)
}

/// Deactivates `username` (their login too) or brings them back, as `acting`.
pub(crate) fn set_active(
    client: &mut postgres::Client,
    acting: &User,
    username: &str,
    active: bool,
) -> Result<User> {
    let mut tx = client.transaction()?;
    let people = list(&mut tx)?;
    let owners = people
        .iter()
        .filter(|u| u.role == Role::Owner && u.is_active)
        .count();
    let user = named(people, username)?;
    users::check_activation(
        &user,
        active,
        acting.id,
        i64::try_from(owners).unwrap_or(i64::MAX),
    )?;
    tx.execute(SET_ACTIVE, &[&user.username, &active])?;
    let user = named(list(&mut tx)?, &user.username)?;
    tx.commit()?;
    Ok(user)
}
