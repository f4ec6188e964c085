//! The people of a team server: an owner adds a person, who gets their own login role (in
//! the owners' or the staff's group) and their `users` row in one step (`add_person`,
//! migration 0006). The password is turned into a SCRAM-SHA-256 verifier here, so it never
//! travels to the server or into its logs; the person then logs in with
//! `shelf server login`, and the keyring keeps it on their computer.

use crate::catalog::users::Role;
use crate::error::{Error, Result};
use crate::rules;
use postgres::Client;

const ADD_PERSON: &str = "SELECT add_person($1, $2, $3, $4)";

/// Adds `username` to the shop on the server `client` is logged in to (as an owner), with
/// `password` for their login; their `users` id.
pub fn add(
    client: &mut Client,
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
