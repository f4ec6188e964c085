//! A library's side of a CSV import: SQLite, through the catalog's writer, taken once per
//! transaction (see `WriterAccess`) so the seller's edits are saved between batches.
//!
//! Rows are checked one at a time but written in batches. Row by row, every INSERT opened a
//! statement savepoint (the products table has triggers) and FTS5 flushed its pending index
//! data at each one: one tiny index segment per product, then merges, about 1 ms a product.
//! A batch is instead written in a few statements: the new products in one
//! `INSERT ... SELECT FROM json_each(?)` with the search index written once for all of them
//! (`search::index_after`), their tags in two more, and the updated products in one
//! `UPDATE ... FROM json_each(?)` (whose search triggers run inside that one statement).
//!
//! When SQLite refuses a batch statement (a rule the checks did not foresee, such as a
//! trigger added by another tool), the statement leaves nothing behind and its rows are
//! written again one by one, each in a savepoint, so the refusal names its own line and its
//! neighbours are written.

use super::destination::{Destination, ImportRows, Savepoint, Written};
use super::layout::Field;
use super::preview::Columns;
use super::remembered;
use super::upsert::{self, Pending};
use crate::catalog::categories::{self, CategoryId};
use crate::catalog::products::{self, AsFields, ProductFields};
use crate::catalog::{search, settings, tags, variants, ChangeKind, Entity, ProductId, Write, WriterAccess};
use crate::error::Result;
use crate::images;
use crate::job::{Job, JobReport};
use std::collections::HashMap;
use std::path::PathBuf;

const CURRENCIES: &str = "SELECT code, minor_units FROM currencies";
const SAVEPOINT: &str = "SAVEPOINT csv_row";
const RELEASE: &str = "RELEASE csv_row";
const UNDO: &str = "ROLLBACK TO csv_row; RELEASE csv_row";

/// A library's catalog as a CSV import's destination.
pub struct ToLibrary<W>(pub W);

impl<W: WriterAccess> Destination for ToLibrary<W> {
    fn remembered(&mut self, headers: &[String]) -> Result<Columns> {
        self.0.with_writer(|c| remembered::recall(c.conn(), headers))
    }

    fn remember(&mut self, headers: &[String], columns: &[Option<Field>]) -> Result<()> {
        let (key, value) = remembered::entry(headers, columns)?;
        self.0
            .with_writer(|c| c.write(|w| settings::put(w, &key, &value)))
    }

    fn default_and_minor_units(&mut self) -> Result<(String, HashMap<String, u32>)> {
        self.0.with_writer(|c| {
            let mut stmt = c.conn().prepare(CURRENCIES)?;
            let units = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok((settings::default_currency(c.conn())?, units))
        })
    }

    fn transaction(&mut self, f: &mut dyn FnMut(&mut dyn ImportRows) -> Result<()>) -> Result<()> {
        self.0
            .with_writer(|catalog| catalog.write(|w| f(&mut LibraryRows(w))))
    }

    fn downloads(&mut self) -> Result<PathBuf> {
        self.0.with_writer(|c| Ok(c.library().tmp_dir()))
    }

    fn photo_target(&mut self, sku: &str) -> Result<Option<(ProductId, Vec<String>)>> {
        self.0.with_writer(|c| {
            let Some(id) = products::id_by_sku(c.conn(), sku)? else {
                return Ok(None);
            };
            let names = images::product_images(c.conn(), id)?
                .into_iter()
                .map(|i| i.file_name)
                .collect();
            Ok(Some((id, names)))
        })
    }

    fn import_photo_files(&mut self, files: &[(PathBuf, ProductId)], job: &Job) -> Result<JobReport> {
        images::import_each(images::import::ToLibrary::new(&mut self.0), files, job)
    }

    fn set_variant_images(&mut self, links: &[(String, String)]) -> Result<()> {
        self.0.with_writer(|c| c.set_variant_images(links))?;
        Ok(())
    }
}

/// The library's side of [`ImportRows`], in the import's write transaction.
struct LibraryRows<'a, 'c>(&'a mut Write<'c>);

impl ImportRows for LibraryRows<'_, '_> {
    fn product_by_handle(&mut self, handle: &str) -> Result<Option<AsFields>> {
        products::as_fields_by_handle(self.0.tx(), handle)
    }

    fn product_by_sku(&mut self, sku: &str) -> Result<Option<AsFields>> {
        products::as_fields_by_sku(self.0.tx(), sku)
    }

    fn sku_holder_outside(&mut self, sku: &str, product: Option<ProductId>) -> Result<Option<String>> {
        variants::holder_outside(self.0.tx(), sku, product)
    }

    fn ensure_category(&mut self, path: &str) -> Result<CategoryId> {
        categories::ensure_path(self.0, path)
    }

    fn savepoint(&mut self, step: Savepoint) -> Result<()> {
        savepoint(self.0, step)
    }

    fn write(&mut self, new: &[&Pending], updates: &[&Pending], default_currency: &str) -> Result<Written> {
        let mut written = write_new(self.0, new, default_currency)?;
        written.extend(write_updates(self.0, updates)?);
        Ok(written)
    }

    fn announce(&mut self, product: Option<ProductId>, kind: ChangeKind) {
        match product {
            Some(id) => self.0.record(Entity::Product, id, kind),
            None => self.0.record(Entity::Product, "*", ChangeKind::Updated),
        }
    }
}

fn savepoint(w: &mut Write<'_>, step: Savepoint) -> Result<()> {
    w.tx().execute_batch(match step {
        Savepoint::Begin => SAVEPOINT,
        Savepoint::Release => RELEASE,
        Savepoint::Undo => UNDO,
    })?;
    Ok(())
}

/// Runs `f` inside a savepoint, so that when it fails it leaves nothing behind.
fn in_savepoint<T>(w: &mut Write<'_>, f: impl FnOnce(&mut Write<'_>) -> Result<T>) -> Result<T> {
    savepoint(w, Savepoint::Begin)?;
    let result = f(w);
    savepoint(
        w,
        if result.is_ok() {
            Savepoint::Release
        } else {
            Savepoint::Undo
        },
    )?;
    result
}

/// New products with their tags, indexed for search once for the whole batch.
fn write_new(w: &mut Write<'_>, rows: &[&Pending], default_currency: &str) -> Result<Written> {
    if rows.is_empty() {
        return Ok(Written::new());
    }
    let mut written = Written::with_capacity(rows.len());
    search::index_after(w, |w| {
        match insert_many(w, rows, default_currency) {
            Ok(ids) => written.extend(rows.iter().zip(ids).map(|(p, id)| (p.line, Ok(id)))),
            Err(_) => {
                for row in rows {
                    written.insert(row.line, write_one(w, row));
                }
            }
        }
        Ok(rows
            .iter()
            .filter_map(|p| written.get(&p.line).and_then(|r| r.as_ref().ok().copied()))
            .collect())
    })?;
    Ok(written)
}

/// The batch's new products, their tags, options and variants, all or none (a statement
/// that fails leaves nothing behind, and so does this, in a savepoint); their ids in `rows`
/// order.
fn insert_many(w: &mut Write<'_>, rows: &[&Pending], default_currency: &str) -> Result<Vec<ProductId>> {
    in_savepoint(w, |w| {
        let fields: Vec<&ProductFields> = rows.iter().map(|p| &p.fields).collect();
        let ids = products::insert_rows(w, &fields, default_currency)?;
        tags::attach_many(w, &upsert::tags_of(&ids, rows))?;
        variants::insert_with_options(w, &upsert::plans_of(&ids, rows))?;
        Ok(ids)
    })
}

/// Updated products, then the tags the file adds to them (the search triggers keep the
/// index up to date, inside these statements).
fn write_updates(w: &mut Write<'_>, rows: &[&Pending]) -> Result<Written> {
    if rows.is_empty() {
        return Ok(Written::new());
    }
    match update_many(w, rows) {
        Ok(()) => Ok(rows
            .iter()
            .filter_map(|p| p.existing.as_ref().map(|e| (p.line, Ok(e.id))))
            .collect()),
        Err(_) => Ok(rows.iter().map(|p| (p.line, write_one(w, p))).collect()),
    }
}

fn update_many(w: &mut Write<'_>, rows: &[&Pending]) -> Result<()> {
    in_savepoint(w, |w| {
        let ids: Vec<ProductId> = rows
            .iter()
            .filter_map(|p| p.existing.as_ref().map(|e| e.id))
            .collect();
        let updates: Vec<(ProductId, &ProductFields)> =
            ids.iter().zip(rows).map(|(id, p)| (*id, &p.fields)).collect();
        products::update_rows(w, &updates)?;
        let new_tags = upsert::added_tags(rows);
        let links: Vec<(ProductId, &[String])> = new_tags.iter().map(|(id, t)| (*id, t.as_slice())).collect();
        tags::attach_many(w, &links)?;
        for (id, names, plan) in upsert::plans_of(&ids, rows) {
            variants::import_into(w, id, names, plan)?;
        }
        Ok(())
    })
}

/// Writes one checked product on its own: the product, its new tags, its options and
/// variants. The batch statements fall back to this when SQLite refuses one of their rows,
/// so that the refusal is reported for its own line.
fn write_one(w: &mut Write<'_>, pending: &Pending) -> Result<ProductId> {
    in_savepoint(w, |w| {
        let id = match &pending.existing {
            Some(existing) => {
                products::update_rows(w, &[(existing.id, &pending.fields)])?;
                existing.id
            }
            None => {
                let currency = pending.fields.currency.clone().unwrap_or_default();
                products::insert_rows(w, &[&pending.fields], &currency)?[0]
            }
        };
        for tag in pending.new_tags() {
            tags::add_to_product(w, id, &tag)?;
        }
        if let Some(plan) = &pending.plan {
            variants::import_into(w, id, &plan.names, &plan.variants)?;
        }
        Ok(id)
    })
}
