//! A team catalog's tags: the list, renaming (a name another tag has merges the two) and
//! deleting, with the SQLite catalog's sentences (`catalog::tags`). Each change is one
//! transaction; the server's triggers log every link it moves.

use crate::catalog::tags::{self, Tag};
use crate::error::Result;
use crate::rules;
use postgres::{Client, GenericClient};

/// As SQLite lists them: by name without case.
const TAGS: &str = "SELECT t.id, t.name::text, count(pt.product_id) FROM tags AS t
  LEFT JOIN product_tags AS pt ON pt.tag_id = t.id
  GROUP BY t.id ORDER BY nocase(t.name::text) COLLATE \"C\", t.id";
const FIND: &str = "SELECT id FROM tags WHERE name = $1::citext";
const RENAME: &str = "UPDATE tags SET name = $2 WHERE id = $1";
/// A merge: the renamed tag's products get the tag it merges into.
const MOVE_LINKS: &str = "INSERT INTO product_tags (product_id, tag_id)
  SELECT product_id, $2 FROM product_tags WHERE tag_id = $1 ORDER BY product_id
  ON CONFLICT (product_id, tag_id) DO NOTHING";
const DETACH_ALL: &str = "DELETE FROM product_tags WHERE tag_id = $1";
const DELETE: &str = "DELETE FROM tags WHERE id = $1";

pub(crate) fn list(client: &mut impl GenericClient) -> Result<Vec<Tag>> {
    Ok(client
        .query(TAGS, &[])?
        .iter()
        .map(|r| Tag {
            id: r.get(0),
            name: r.get(1),
            product_count: r.get(2),
        })
        .collect())
}

fn find(client: &mut impl GenericClient, name: &str) -> Result<Option<i64>> {
    Ok(client.query_opt(FIND, &[&name])?.map(|r| r.get(0)))
}

/// Renames a tag; a name another tag already has merges the two.
pub(crate) fn rename(client: &mut Client, old: &str, new: &str) -> Result<()> {
    let new = rules::tidy(new);
    rules::check_tag(&new)?;
    let mut tx = client.transaction()?;
    let id = find(&mut tx, old)?.ok_or_else(|| tags::no_such_tag(old))?;
    match find(&mut tx, &new)? {
        Some(into) if into != id => {
            tx.execute(MOVE_LINKS, &[&id, &into])?;
            tx.execute(DETACH_ALL, &[&id])?;
            tx.execute(DELETE, &[&id])?;
        }
        _ => {
            tx.execute(RENAME, &[&id, &new])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Takes the tag off every product, then deletes it; the number of products it was on.
pub(crate) fn delete(client: &mut Client, name: &str) -> Result<usize> {
    let mut tx = client.transaction()?;
    let id = find(&mut tx, name)?.ok_or_else(|| tags::no_such_tag(name))?;
    let removed = tx.execute(DETACH_ALL, &[&id])?;
    tx.execute(DELETE, &[&id])?;
    tx.commit()?;
    Ok(removed as usize)
}
