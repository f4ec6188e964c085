//! Categories: a tree (`parent_id`). A category that holds products or sub-categories is
//! never deleted; the refusal names the products so the seller knows what to move.

use super::{Catalog, ChangeKind, Entity, Write};
use crate::error::{Error, Result};
use crate::rules;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub type CategoryId = i64;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub parent_id: Option<CategoryId>,
    /// `Home > Kitchen > Mugs`, the form shops' CSV files use.
    pub path: String,
    pub product_count: i64,
}

/// Every category with its full path, in path order.
const LIST: &str = "WITH RECURSIVE tree(id, name, parent_id, path) AS (
    SELECT id, name, parent_id, name FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, c.name, c.parent_id, tree.path || ' > ' || c.name
    FROM categories AS c JOIN tree ON c.parent_id = tree.id
  )
  SELECT tree.id, tree.name, tree.parent_id, tree.path,
    (SELECT count(*) FROM products AS p WHERE p.category_id = tree.id AND p.deleted_at IS NULL)
  FROM tree ORDER BY tree.path COLLATE NOCASE";
const INSERT: &str = "INSERT INTO categories (name, parent_id) VALUES (?1, ?2)";
const FIND_IN_PARENT: &str = "SELECT id FROM categories WHERE name = ?1 COLLATE NOCASE AND parent_id IS ?2";
const PRODUCTS_IN: &str =
    "SELECT sku, name FROM products WHERE category_id = ?1 ORDER BY name COLLATE NOCASE LIMIT 5";
const COUNT_IN: &str = "SELECT count(*) FROM products WHERE category_id = ?1";

pub fn list(conn: &Connection) -> Result<Vec<Category>> {
    let mut stmt = conn.prepare_cached(LIST)?;
    let rows = stmt.query_map([], |r| {
        Ok(Category {
            id: r.get(0)?,
            name: r.get(1)?,
            parent_id: r.get(2)?,
            path: r.get(3)?,
            product_count: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `Home > Kitchen > Mugs` for one category, walking up its ancestors only (the whole tree
/// is not needed to name one product's category).
const PATH_OF: &str = "WITH RECURSIVE up(id, name, parent_id, depth) AS (
    SELECT id, name, parent_id, 0 FROM categories WHERE id = ?1
    UNION ALL
    SELECT c.id, c.name, c.parent_id, up.depth + 1 FROM categories AS c JOIN up ON c.id = up.parent_id
  )
  SELECT group_concat(name, ' > ') FROM (SELECT name FROM up ORDER BY depth DESC)";

pub fn path_of(conn: &Connection, id: CategoryId) -> Result<String> {
    let path: Option<String> = conn.prepare_cached(PATH_OF)?.query_row([id], |r| r.get(0))?;
    path.ok_or_else(|| no_such_category(id))
}

pub fn by_id(conn: &Connection, id: CategoryId) -> Result<Category> {
    find_by_id(list(conn)?, id)
}

pub(crate) fn no_such_category(id: CategoryId) -> Error {
    Error::NotFound(format!("There is no category with id {id}."))
}

/// [`by_id`] among `all`, the catalog's categories on either engine.
pub(crate) fn find_by_id(all: Vec<Category>, id: CategoryId) -> Result<Category> {
    all.into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| no_such_category(id))
}

/// Finds a category by its path (`Kitchen > Mugs`) or, failing that, by a unique name.
pub fn by_path(conn: &Connection, path: &str) -> Result<Category> {
    find_by_path(list(conn)?, path)
}

/// [`by_path`] among `all`, the catalog's categories on either engine.
pub(crate) fn find_by_path(all: Vec<Category>, path: &str) -> Result<Category> {
    let wanted = normalise_path(path);
    if let Some(c) = all.iter().find(|c| c.path.eq_ignore_ascii_case(&wanted)) {
        return Ok(c.clone());
    }
    let mut by_name = all.into_iter().filter(|c| c.name.eq_ignore_ascii_case(&wanted));
    match (by_name.next(), by_name.next()) {
        (Some(c), None) => Ok(c),
        (Some(_), Some(_)) => Err(Error::validation(
            "category",
            format!(
                "More than one category is called {wanted:?}; give its whole path, like \"Home > {wanted}\"."
            ),
        )),
        _ => Err(Error::NotFound(format!("There is no category {wanted:?}."))),
    }
}

pub(crate) fn normalise_path(path: &str) -> String {
    path.split('>')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" > ")
}

/// Finds or creates every level of `A > B > C` inside the caller's transaction (the
/// editor's "new category" and the CSV import's category columns); the last level's id.
pub(crate) fn ensure_path(w: &mut Write<'_>, path: &str) -> Result<CategoryId> {
    let mut parent: Option<CategoryId> = None;
    for part in normalise_path(path).split(" > ").filter(|p| !p.is_empty()) {
        rules::check_category_name(part)?;
        let found: Option<CategoryId> = w
            .tx()
            .prepare_cached(FIND_IN_PARENT)?
            .query_row((part, parent), |r| r.get(0))
            .optional()?;
        parent = Some(match found {
            Some(id) => id,
            None => {
                w.tx().prepare_cached(INSERT)?.execute((part, parent))?;
                let id = w.tx().last_insert_rowid();
                w.record(Entity::Category, id, ChangeKind::Created);
                id
            }
        });
    }
    parent.ok_or_else(|| Error::validation("category", "The category path is empty."))
}

/// A category name as the seller typed it, tidied, or the rule it breaks.
pub(crate) fn tidied_name(name: &str) -> Result<String> {
    let name = rules::tidy(name);
    rules::check_category_name(&name)?;
    Ok(name)
}

/// The refusal to delete a category products use (the trash included), naming up to five
/// of the `count` of them (`names`: "Name (SKU)").
pub(crate) fn in_use(category: &Category, count: i64, names: &[String]) -> Error {
    let more = if count > names.len() as i64 {
        format!(" and {} more", count - names.len() as i64)
    } else {
        String::new()
    };
    Error::refused(format!(
        "{} is used by {}{more}. Move those products to another category first.",
        category.path,
        names.join(", ")
    ))
}

impl Catalog {
    pub fn create_category(&mut self, name: &str, parent_id: Option<CategoryId>) -> Result<Category> {
        let name = tidied_name(name)?;
        if let Some(parent) = parent_id {
            by_id(self.conn(), parent)?;
        }
        let id = self.write(|w| {
            w.tx().prepare_cached(INSERT)?.execute((&name, parent_id))?;
            let id = w.tx().last_insert_rowid();
            w.record(Entity::Category, id, ChangeKind::Created);
            Ok(id)
        })?;
        by_id(self.conn(), id)
    }

    /// Creates every missing level of `Home > Kitchen > Mugs` and returns the last one.
    pub fn ensure_category_path(&mut self, path: &str) -> Result<Category> {
        let id = self.write(|w| ensure_path(w, path))?;
        by_id(self.conn(), id)
    }

    pub fn rename_category(&mut self, id: CategoryId, name: &str) -> Result<Category> {
        let name = tidied_name(name)?;
        self.change_category(id, "UPDATE categories SET name = ?1 WHERE id = ?2", (&name, id))
    }

    /// Moves a category under another one (or to the top); the schema refuses cycles.
    pub fn move_category(&mut self, id: CategoryId, parent_id: Option<CategoryId>) -> Result<Category> {
        self.change_category(
            id,
            "UPDATE categories SET parent_id = ?1 WHERE id = ?2",
            (parent_id, id),
        )
    }

    /// Runs one UPDATE on category `id` as a user action and returns the category after it.
    fn change_category(
        &mut self,
        id: CategoryId,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Category> {
        self.write(|w| {
            if w.tx().execute(sql, params)? == 0 {
                return Err(no_such_category(id));
            }
            w.record(Entity::Category, id, ChangeKind::Updated);
            Ok(())
        })?;
        by_id(self.conn(), id)
    }

    /// Refused while products (in the trash too) use it; the message names them.
    pub fn delete_category(&mut self, id: CategoryId) -> Result<()> {
        let category = by_id(self.conn(), id)?;
        let count: i64 = self.conn().query_row(COUNT_IN, [id], |r| r.get(0))?;
        if count > 0 {
            let mut stmt = self.conn().prepare_cached(PRODUCTS_IN)?;
            let names: Vec<String> = stmt
                .query_map([id], |r| {
                    Ok(format!("{} ({})", r.get::<_, String>(1)?, r.get::<_, String>(0)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            return Err(in_use(&category, count, &names));
        }
        self.write(|w| {
            w.tx()
                .prepare_cached("DELETE FROM categories WHERE id = ?1")?
                .execute([id])?;
            w.record(Entity::Category, id, ChangeKind::Deleted);
            Ok(())
        })
    }
}
