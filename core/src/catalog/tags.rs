//! Tags: free labels on products (`product_tags`). Deleting a tag takes it off its products
//! first, in the same transaction, so each removal is in the audit log.

use super::{Catalog, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use crate::rules;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub type TagId = i64;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tag {
    pub id: TagId,
    pub name: String,
    pub product_count: i64,
}

const LIST: &str = "SELECT t.id, t.name, count(pt.product_id) FROM tags AS t
  LEFT JOIN product_tags AS pt ON pt.tag_id = t.id GROUP BY t.id ORDER BY t.name";
const FIND: &str = "SELECT id FROM tags WHERE name = ?1";
const INSERT: &str = "INSERT INTO tags (name) VALUES (?1)";
const OF_PRODUCT: &str = "SELECT t.name FROM product_tags AS pt JOIN tags AS t ON t.id = pt.tag_id
  WHERE pt.product_id = ?1 ORDER BY t.name";
const ATTACH: &str = "INSERT INTO product_tags (product_id, tag_id) VALUES (?1, ?2)
  ON CONFLICT (product_id, tag_id) DO NOTHING";
/// Bulk forms for `attach_many`: one statement each, whatever the number of links.
const INSERT_MANY: &str = "INSERT INTO tags (name) SELECT DISTINCT value ->> '$[1]' FROM json_each(?1)
  WHERE true ON CONFLICT (name) DO NOTHING RETURNING id";
const ATTACH_MANY: &str = "INSERT INTO product_tags (product_id, tag_id)
  SELECT j.value ->> '$[0]', t.id FROM json_each(?1) AS j JOIN tags AS t ON t.name = j.value ->> '$[1]'
  WHERE true ORDER BY j.key ON CONFLICT (product_id, tag_id) DO NOTHING";
const DETACH: &str = "DELETE FROM product_tags WHERE product_id = ?1 AND tag_id = ?2";

pub fn list(conn: &Connection) -> Result<Vec<Tag>> {
    let mut stmt = conn.prepare_cached(LIST)?;
    let rows = stmt.query_map([], |r| {
        Ok(Tag {
            id: r.get(0)?,
            name: r.get(1)?,
            product_count: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn of_product(conn: &Connection, product: ProductId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(OF_PRODUCT)?;
    let rows = stmt.query_map([product], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Tidies and checks a list of tag names, dropping blanks and duplicates (case-insensitive).
pub fn tidy_names(names: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for name in names.iter().map(|n| rules::tidy(n)).filter(|n| !n.is_empty()) {
        rules::check_tag(&name)?;
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&name)) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The tag's id, creating it when new.
pub(crate) fn ensure(w: &mut Write<'_>, name: &str) -> Result<TagId> {
    if let Some(id) = w
        .tx()
        .prepare_cached(FIND)?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    w.tx().prepare_cached(INSERT)?.execute([name])?;
    let id = w.tx().last_insert_rowid();
    w.record(Entity::Tag, id, ChangeKind::Created);
    Ok(id)
}

/// Makes the product's tags exactly `names` (already tidied).
pub(crate) fn set_for_product(w: &mut Write<'_>, product: ProductId, names: &[String]) -> Result<()> {
    let current = of_product(w.tx(), product)?;
    for old in current
        .iter()
        .filter(|o| !names.iter().any(|n| n.eq_ignore_ascii_case(o)))
    {
        let id: TagId = w.tx().prepare_cached(FIND)?.query_row([old], |r| r.get(0))?;
        w.tx().prepare_cached(DETACH)?.execute((product, id))?;
    }
    for name in names
        .iter()
        .filter(|n| !current.iter().any(|o| o.eq_ignore_ascii_case(n)))
    {
        let id = ensure(w, name)?;
        w.tx().prepare_cached(ATTACH)?.execute((product, id))?;
    }
    Ok(())
}

/// Adds tidied tags to many products in two statements (tags first, then the links, in
/// product order so the search index is updated in one pass).
pub(crate) fn attach_many(w: &mut Write<'_>, links: &[(ProductId, &[String])]) -> Result<()> {
    let pairs: Vec<(ProductId, &String)> = links
        .iter()
        .flat_map(|(id, names)| names.iter().map(move |n| (*id, n)))
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(&pairs)?;
    let created: Vec<TagId> = w
        .tx()
        .prepare_cached(INSERT_MANY)?
        .query_map([&json], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in created {
        w.record(Entity::Tag, id, ChangeKind::Created);
    }
    w.tx().prepare_cached(ATTACH_MANY)?.execute([&json])?;
    Ok(())
}

pub(crate) fn add_to_product(w: &mut Write<'_>, product: ProductId, name: &str) -> Result<()> {
    let id = ensure(w, name)?;
    w.tx().prepare_cached(ATTACH)?.execute((product, id))?;
    Ok(())
}

pub(crate) fn remove_from_product(w: &mut Write<'_>, product: ProductId, name: &str) -> Result<()> {
    if let Some(id) = w
        .tx()
        .query_row(FIND, [name], |r| r.get::<_, TagId>(0))
        .optional()?
    {
        w.tx().prepare_cached(DETACH)?.execute((product, id))?;
    }
    Ok(())
}

/// The id of the tag called `name`, or NotFound.
fn existing(conn: &Connection, name: &str) -> Result<TagId> {
    conn.prepare_cached(FIND)?
        .query_row([name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| no_such_tag(name))
}

pub(crate) fn no_such_tag(name: &str) -> Error {
    Error::NotFound(format!("There is no tag {name:?}."))
}

const RENAME: &str = "UPDATE tags SET name = ?1 WHERE id = ?2";
/// A merge: the renamed tag's products get the tag it merges into (those that have both
/// keep one link).
const MOVE_LINKS: &str = "INSERT INTO product_tags (product_id, tag_id)
  SELECT product_id, ?2 FROM product_tags WHERE tag_id = ?1 ORDER BY product_id
  ON CONFLICT (product_id, tag_id) DO NOTHING";
const DETACH_ALL: &str = "DELETE FROM product_tags WHERE tag_id = ?1";
const DELETE: &str = "DELETE FROM tags WHERE id = ?1";

impl Catalog {
    /// Renames a tag. A name another tag already has merges the two: what a seller means
    /// when they rename "sales" to "sale".
    pub fn rename_tag(&mut self, old: &str, new: &str) -> Result<()> {
        let new = rules::tidy(new);
        rules::check_tag(&new)?;
        self.write(|w| {
            let id = existing(w.tx(), old)?;
            let other = w
                .tx()
                .prepare_cached(FIND)?
                .query_row([&new], |r| r.get::<_, TagId>(0))
                .optional()?;
            match other {
                Some(into) if into != id => merge(w, id, into),
                _ => {
                    w.tx().prepare_cached(RENAME)?.execute((&new, id))?;
                    w.record(Entity::Tag, id, ChangeKind::Updated);
                    Ok(())
                }
            }
        })
    }

    /// Takes the tag off every product, then deletes it; one transaction, all audited.
    pub fn delete_tag(&mut self, name: &str) -> Result<usize> {
        self.write(|w| {
            let id = existing(w.tx(), name)?;
            let removed = w.tx().prepare_cached(DETACH_ALL)?.execute([id])?;
            w.tx().prepare_cached(DELETE)?.execute([id])?;
            w.record(Entity::Tag, id, ChangeKind::Deleted);
            Ok(removed)
        })
    }
}

/// Moves tag `from`'s products onto tag `into`, then deletes `from`; every link change is
/// audited by the product_tags triggers.
fn merge(w: &mut Write<'_>, from: TagId, into: TagId) -> Result<()> {
    w.tx().prepare_cached(MOVE_LINKS)?.execute((from, into))?;
    w.tx().prepare_cached(DETACH_ALL)?.execute([from])?;
    w.tx().prepare_cached(DELETE)?.execute([from])?;
    w.record(Entity::Tag, from, ChangeKind::Deleted);
    w.record(Entity::Tag, into, ChangeKind::Updated);
    Ok(())
}
