//! A team catalog's categories: the server's side of the editor's category picker and the
//! Categories screen. The sentences are the SQLite catalog's (`catalog::categories`); the
//! server's own rules (`category_name_unique_in_parent`, `category_cycle`,
//! `category_has_children`) refuse the rest in the same words, psql included.

use crate::catalog::categories::{self, Category, CategoryId};
use crate::error::{Error, Result};
use crate::rules;
use postgres::{Client, GenericClient};

pub(crate) const CATEGORY_EXISTS: &str = "SELECT 1 FROM categories WHERE id = $1";
/// Every category with its full path, in path order as SQLite orders it (NOCASE).
const CATEGORIES: &str = "WITH RECURSIVE tree(id, name, parent_id, path) AS (
    SELECT id, name, parent_id, name FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, c.name, c.parent_id, tree.path || ' > ' || c.name
    FROM categories AS c JOIN tree ON c.parent_id = tree.id)
  SELECT tree.id, tree.name, tree.parent_id, tree.path,
    (SELECT count(*) FROM products AS p WHERE p.category_id = tree.id AND p.deleted_at IS NULL)
  FROM tree ORDER BY nocase(tree.path) COLLATE \"C\", tree.id";
const CATEGORY_IN_PARENT: &str = "SELECT id FROM categories
  WHERE nocase(name) = nocase($1) AND parent_id IS NOT DISTINCT FROM $2";
const ADD_CATEGORY: &str = "INSERT INTO categories (name, parent_id) VALUES ($1, $2) RETURNING id";
const RENAME: &str = "UPDATE categories SET name = $2 WHERE id = $1";
const MOVE: &str = "UPDATE categories SET parent_id = $2 WHERE id = $1";
const DELETE: &str = "DELETE FROM categories WHERE id = $1";
/// Products using a category, the trash included, as SQLite names them.
const COUNT_IN: &str = "SELECT count(*) FROM products WHERE category_id = $1";
const PRODUCTS_IN: &str = "SELECT sku::text, name FROM products WHERE category_id = $1
  ORDER BY nocase(name) COLLATE \"C\" LIMIT 5";

pub(crate) fn list(client: &mut impl GenericClient) -> Result<Vec<Category>> {
    Ok(client
        .query(CATEGORIES, &[])?
        .iter()
        .map(|r| Category {
            id: r.get(0),
            name: r.get(1),
            parent_id: r.get(2),
            path: r.get(3),
            product_count: r.get(4),
        })
        .collect())
}

fn by_id(client: &mut impl GenericClient, id: CategoryId) -> Result<Category> {
    categories::find_by_id(list(client)?, id)
}

/// Finds or creates every level of `A > B > C`; the last level.
pub(crate) fn ensure_path(client: &mut Client, path: &str) -> Result<Category> {
    let mut tx = client.transaction()?;
    let id = ensure_path_in(&mut tx, path)?;
    tx.commit()?;
    by_id(client, id)
}

/// [`ensure_path`] in the caller's transaction; the last level's id.
pub(crate) fn ensure_path_in(client: &mut impl GenericClient, path: &str) -> Result<CategoryId> {
    let mut parent: Option<CategoryId> = None;
    for part in categories::normalise_path(path)
        .split(" > ")
        .filter(|p| !p.is_empty())
    {
        rules::check_category_name(part)?;
        parent = Some(match client.query_opt(CATEGORY_IN_PARENT, &[&part, &parent])? {
            Some(row) => row.get(0),
            None => client.query_one(ADD_CATEGORY, &[&part, &parent])?.get(0),
        });
    }
    parent.ok_or_else(|| Error::validation("category", "The category path is empty."))
}

pub(crate) fn create(client: &mut Client, name: &str, parent_id: Option<CategoryId>) -> Result<Category> {
    let name = categories::tidied_name(name)?;
    if let Some(parent) = parent_id {
        if client.query_opt(CATEGORY_EXISTS, &[&parent])?.is_none() {
            return Err(categories::no_such_category(parent));
        }
    }
    let id: CategoryId = client.query_one(ADD_CATEGORY, &[&name, &parent_id])?.get(0);
    by_id(client, id)
}

pub(crate) fn rename(client: &mut Client, id: CategoryId, name: &str) -> Result<Category> {
    let name = categories::tidied_name(name)?;
    change(client, id, RENAME, &name)
}

/// Moves a category under another one (or to the top); the server refuses cycles.
pub(crate) fn move_to(
    client: &mut Client,
    id: CategoryId,
    parent_id: Option<CategoryId>,
) -> Result<Category> {
    change(client, id, MOVE, &parent_id)
}

fn change(
    client: &mut Client,
    id: CategoryId,
    statement: &str,
    value: &(dyn postgres::types::ToSql + Sync),
) -> Result<Category> {
    if client.execute(statement, &[&id, value])? == 0 {
        return Err(categories::no_such_category(id));
    }
    by_id(client, id)
}

/// Refused while products (in the trash too) use it, naming them; the server refuses one
/// with sub-categories.
pub(crate) fn delete(client: &mut Client, id: CategoryId) -> Result<()> {
    let category = by_id(client, id)?;
    let count: i64 = client.query_one(COUNT_IN, &[&id])?.get(0);
    if count > 0 {
        let names: Vec<String> = client
            .query(PRODUCTS_IN, &[&id])?
            .iter()
            .map(|r| format!("{} ({})", r.get::<_, String>(1), r.get::<_, String>(0)))
            .collect();
        return Err(categories::in_use(&category, count, &names));
    }
    client.execute(DELETE, &[&id])?;
    Ok(())
}
