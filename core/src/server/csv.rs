//! A team catalog's side of a CSV import (issue 14). The file is read, checked and reported
//! by `csv_import` exactly as for a library; here is only how the server answers and
//! writes. Each product is written in a savepoint of its own, with the editor's statements
//! (`products::insert_product`, `products::update_in`, `variants::import_into`), so a row
//! the server refuses (a rule, or someone else's save meanwhile) is that row's refusal and
//! leaves nothing behind, and its neighbours are written. The transactions are the
//! import's: all or nothing, or a batch at a time when skipping bad rows.
//!
//! The login acts: the server's triggers record each change with it and tell every open
//! window. The columns a person maps by hand are remembered in the server's settings
//! through `remember_csv_mapping` (migration 0009), which staff may call too.

use super::categories::ensure_path_in;
use super::products::{insert_product, product_in, update_in, TeamCatalog};
use super::push::SERVER_DEFAULT_CURRENCY;
use super::variants;
use crate::catalog::categories::CategoryId;
use crate::catalog::products::{AsFields, ProductFields};
use crate::catalog::{ChangeKind, ProductId};
use crate::csv_import::destination::{in_savepoint, Destination, ImportRows, Savepoint, Written};
use crate::csv_import::upsert::Pending;
use crate::csv_import::{remembered, Columns, Field};
use crate::error::{Error, Result};
use crate::images;
use crate::job::{Job, JobReport};
use postgres::{GenericClient, Transaction};
use std::collections::HashMap;
use std::path::PathBuf;

const SETTING: &str = "SELECT value FROM settings WHERE key = $1";
const REMEMBER: &str = "SELECT remember_csv_mapping($1, $2)";
const MINOR_UNITS: &str = "SELECT code, minor_units FROM currencies";
const ID_BY_SKU: &str = "SELECT id FROM products WHERE sku = $1::citext";
const ID_BY_HANDLE: &str = "SELECT id FROM products WHERE handle = $1::citext";
/// Who holds a SKU outside a product (`$2`, none when NULL): another product, or another
/// product's variant.
const HOLDER_OUTSIDE: &str = "SELECT 'product ' || name FROM products
  WHERE sku = $1::citext AND id IS DISTINCT FROM $2
  UNION ALL SELECT 'a variant of ' || p.name FROM variants AS v JOIN products AS p ON p.id = v.product_id
  WHERE v.sku = $1::citext AND v.product_id IS DISTINCT FROM $2";
const SET_VARIANT_IMAGE: &str =
    "UPDATE variants SET image_sha256 = $2 WHERE sku = $1::citext AND image_sha256 IS DISTINCT FROM $2";

/// The columns remembered on the server for a file with these headers.
pub(crate) fn remembered_columns(client: &mut impl GenericClient, headers: &[String]) -> Result<Columns> {
    let value: Option<serde_json::Value> = client
        .query_opt(SETTING, &[&remembered::key(headers)])?
        .map(|r| r.get(0));
    Ok(value.and_then(|v| remembered::read(headers, v)))
}

impl Destination for &mut TeamCatalog {
    fn remembered(&mut self, headers: &[String]) -> Result<Columns> {
        remembered_columns(self.client(), headers)
    }

    fn remember(&mut self, headers: &[String], columns: &[Option<Field>]) -> Result<()> {
        let (key, value) = remembered::entry(headers, columns)?;
        self.client().execute(REMEMBER, &[&key, &value])?;
        Ok(())
    }

    fn default_and_minor_units(&mut self) -> Result<(String, HashMap<String, u32>)> {
        let client = self.client();
        let default: String = client.query_one(SERVER_DEFAULT_CURRENCY, &[])?.get(0);
        let units = client
            .query(MINOR_UNITS, &[])?
            .iter()
            .map(|r| (r.get(0), u32::try_from(r.get::<_, i32>(1)).unwrap_or(0)))
            .collect();
        Ok((default, units))
    }

    fn transaction(&mut self, f: &mut dyn FnMut(&mut dyn ImportRows) -> Result<()>) -> Result<()> {
        let mut tx = self.client().transaction()?;
        // An Err drops the transaction, which rolls it back.
        f(&mut ServerRows {
            tx: &mut tx,
            categories: HashMap::new(),
        })?;
        tx.commit()?;
        Ok(())
    }

    fn downloads(&mut self) -> Result<PathBuf> {
        Ok(self.photo_cache()?.tmp_dir())
    }

    fn photo_target(&mut self, sku: &str) -> Result<Option<(ProductId, Vec<String>)>> {
        let client = self.client();
        let Some(id) = client
            .query_opt(ID_BY_SKU, &[&sku])?
            .map(|r| r.get::<_, ProductId>(0))
        else {
            return Ok(None);
        };
        let names = super::photos::product_images(client, id)?
            .into_iter()
            .map(|i| i.file_name)
            .collect();
        Ok(Some((id, names)))
    }

    fn import_photo_files(&mut self, files: &[(PathBuf, ProductId)], job: &Job) -> Result<JobReport> {
        images::import_each(&mut **self, files, job)
    }

    fn set_variant_images(&mut self, links: &[(String, String)]) -> Result<()> {
        let mut tx = self.client().transaction()?;
        for (sku, sha256) in links {
            tx.execute(SET_VARIANT_IMAGE, &[sku, sha256])?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// The server's side of [`ImportRows`], in one of the import's transactions.
struct ServerRows<'a, 'c> {
    tx: &'a mut Transaction<'c>,
    /// The category paths found or made so far (a file names a few, over and over),
    /// forgotten when a savepoint is undone (it may have made one).
    categories: HashMap<String, CategoryId>,
}

impl ServerRows<'_, '_> {
    fn product_by(&mut self, statement: &str, key: &str) -> Result<Option<AsFields>> {
        let Some(id) = self
            .tx
            .query_opt(statement, &[&key])?
            .map(|r| r.get::<_, ProductId>(0))
        else {
            return Ok(None);
        };
        Ok(Some(product_in(self.tx, id)?.into()))
    }

    /// One checked product: the product itself (an update only from the version the
    /// import read), then its options and variants.
    fn write_one(&mut self, pending: &Pending) -> Result<ProductId> {
        match &pending.existing {
            Some(existing) => {
                update_in(self.tx, existing.id, existing.version, &pending.fields)
                    .map_err(|e| changed_meanwhile(e, &pending.fields.sku))?;
                if let Some(plan) = &pending.plan {
                    variants::import_into(self.tx, existing.id, &plan.names, &plan.variants)?;
                }
                Ok(existing.id)
            }
            None => {
                let Some(plan) = &pending.plan else {
                    return insert_product(self.tx, &pending.fields);
                };
                // In with no stock: declaring its options then rolls it up to what it has
                // (no variants, no stock) and changes nothing, and its variants' one
                // statement rolls it up once to theirs.
                let fields = ProductFields {
                    stock: 0,
                    ..pending.fields.clone()
                };
                let id = insert_product(self.tx, &fields)?;
                variants::import_new(self.tx, id, &plan.names, &plan.variants)?;
                Ok(id)
            }
        }
    }
}

/// A stale update is no conflict to settle in an editor here: the row is refused, saying why.
fn changed_meanwhile(err: Error, sku: &str) -> Error {
    match err {
        Error::Conflict {
            current: Some(_), ..
        } => Error::refused(format!(
            "Someone else saved {sku} while this file was being imported, so this row was not written over their change. Import the file again to bring it up to date."
        )),
        other => other,
    }
}

impl ImportRows for ServerRows<'_, '_> {
    fn product_by_handle(&mut self, handle: &str) -> Result<Option<AsFields>> {
        self.product_by(ID_BY_HANDLE, handle)
    }

    fn product_by_sku(&mut self, sku: &str) -> Result<Option<AsFields>> {
        self.product_by(ID_BY_SKU, sku)
    }

    fn sku_holder_outside(&mut self, sku: &str, product: Option<ProductId>) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_opt(HOLDER_OUTSIDE, &[&sku, &product])?
            .map(|r| r.get(0)))
    }

    /// A category it makes is made in a savepoint: one the server refuses (a name someone
    /// else gave a sibling a moment before) is that row's refusal, and the import's
    /// transaction goes on.
    fn ensure_category(&mut self, path: &str) -> Result<CategoryId> {
        if let Some(id) = self.categories.get(path) {
            return Ok(*id);
        }
        let id = in_savepoint(self, |rows| ensure_path_in(rows.tx, path))?;
        self.categories.insert(path.to_owned(), id);
        Ok(id)
    }

    fn savepoint(&mut self, step: Savepoint) -> Result<()> {
        if step == Savepoint::Undo {
            self.categories.clear();
        }
        self.tx.batch_execute(match step {
            Savepoint::Begin => "SAVEPOINT csv_row",
            Savepoint::Release => "RELEASE csv_row",
            Savepoint::Undo => "ROLLBACK TO csv_row; RELEASE csv_row",
        })?;
        Ok(())
    }

    fn write(&mut self, new: &[&Pending], updates: &[&Pending], _default_currency: &str) -> Result<Written> {
        let mut written = Written::with_capacity(new.len() + updates.len());
        for pending in new.iter().chain(updates) {
            let result = in_savepoint(self, |rows| rows.write_one(pending));
            written.insert(pending.line, result);
        }
        Ok(written)
    }

    /// The server's triggers tell every open window (LISTEN/NOTIFY), this one included.
    fn announce(&mut self, _product: Option<ProductId>, _kind: ChangeKind) {}
}
