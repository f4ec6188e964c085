//! A team catalog's side of a CSV import (issue 14). The file is read, checked and reported
//! by `csv_import` exactly as for a library; here is only how the server answers and
//! writes. A batch of checked products is written in a few statements (the products, their
//! tags, their options, their variants), as a library writes its batches and from the same
//! JSON rows, so the server's statement triggers (search, roll-ups, the SKU register) run
//! once for the batch. When the server refuses the batch, its products are written one by
//! one with the editor's statements and friendly checks (`products::insert_product`,
//! `products::update_in`, `variants::import_into`), each in a savepoint, so a row the
//! server refuses (a rule, or someone else's save meanwhile) is that row's refusal, leaves
//! nothing behind, and its neighbours are written. The transactions are the import's: all
//! or nothing, or a batch at a time when skipping bad rows.
//!
//! The login acts: the server's triggers record each change with it and tell every open
//! window. The columns a person maps by hand are remembered in the server's settings
//! through `remember_csv_mapping` (migration 0009), which staff may call too.

use super::categories::ensure_path_in;
use super::products::{self, insert_product, product_in, update_in, TeamCatalog, ID_BY_SKU};
use super::push::SERVER_DEFAULT_CURRENCY;
use super::variants;
use crate::catalog::categories::CategoryId;
use crate::catalog::products::{AsFields, ProductFields};
use crate::catalog::{ChangeKind, ProductId};
use crate::csv_import::destination::{in_savepoint, Destination, ImportRows, Savepoint, Written};
use crate::csv_import::upsert::{self, Existing, Pending};
use crate::csv_import::{remembered, Columns, Field};
use crate::error::{Error, Result};
use crate::images;
use crate::job::{Job, JobReport};
use postgres::{GenericClient, Statement, Transaction};
use std::collections::HashMap;
use std::path::PathBuf;

const PLAN_ONCE: &str = "SET LOCAL plan_cache_mode = auto";
const SETTING: &str = "SELECT value FROM settings WHERE key = $1";
const REMEMBER: &str = "SELECT remember_csv_mapping($1, $2)";
const MINOR_UNITS: &str = "SELECT code, minor_units FROM currencies";
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
        // The same few statements run thousands of times here, each for a row or a batch,
        // and plan as well for one value as another: planned once, not on each run (the
        // connection plans each search for its own values, `server::connect`).
        tx.batch_execute(PLAN_ONCE)?;
        // An Err drops the transaction, which rolls it back.
        f(&mut ServerRows {
            tx: &mut tx,
            categories: HashMap::new(),
            statements: HashMap::new(),
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
    /// The lookups each row makes, prepared once: a statement prepared for each call is a
    /// second round trip to the server.
    statements: HashMap<&'static str, Statement>,
}

impl ServerRows<'_, '_> {
    /// `sql` prepared once for this transaction.
    fn prepared(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn product_by(&mut self, sql: &'static str, key: &str) -> Result<Option<AsFields>> {
        let statement = self.prepared(sql)?;
        let Some(id) = self
            .tx
            .query_opt(&statement, &[&key])?
            .map(|r| r.get::<_, ProductId>(0))
        else {
            return Ok(None);
        };
        Ok(Some(product_in(self.tx, id)?.into()))
    }

    /// Writes `rows` with `many`, all at once, in a savepoint; when the server refuses
    /// that, each on its own, so a refusal is said for its own line and its neighbours are
    /// written (as a library's batches do).
    fn at_once_or_one_by_one(
        &mut self,
        rows: &[&Pending],
        many: impl FnOnce(&mut Self, &[&Pending]) -> Result<Vec<ProductId>>,
    ) -> Result<Written> {
        if rows.is_empty() {
            return Ok(Written::new());
        }
        match in_savepoint(self, |s| many(s, rows)) {
            Ok(ids) => Ok(rows.iter().zip(ids).map(|(p, id)| (p.line, Ok(id))).collect()),
            Err(gone @ Error::Storage(_)) => Err(gone),
            Err(_) => Ok(rows
                .iter()
                .map(|p| (p.line, in_savepoint(self, |s| s.write_one(p))))
                .collect()),
        }
    }

    /// New products in a few statements: the products, their tags, their options and their
    /// variants. A product with variants goes in with no stock, so declaring its options
    /// changes nothing and its variants' statement rolls it up once.
    fn insert_many(&mut self, rows: &[&Pending], default_currency: &str) -> Result<Vec<ProductId>> {
        let owner = products::person(self.tx)?;
        let fields: Vec<ProductFields> = rows.iter().map(|p| as_inserted(p)).collect();
        let batch: Vec<&ProductFields> = fields.iter().collect();
        let ids = products::insert_many(self.tx, &batch, default_currency, owner)?;
        products::add_tags_many(self.tx, &upsert::tags_of(&ids, rows))?;
        variants::insert_with_options(self.tx, &upsert::plans_of(&ids, rows))?;
        Ok(ids)
    }

    /// Updated products in one statement, each only from the version the import read, then
    /// the tags the file adds, then each one's options and variants.
    fn update_many(&mut self, rows: &[&Pending]) -> Result<Vec<ProductId>> {
        let existing: Vec<&Existing> = rows.iter().filter_map(|p| p.existing.as_ref()).collect();
        let ids: Vec<ProductId> = existing.iter().map(|e| e.id).collect();
        let updates: Vec<(ProductId, &ProductFields)> =
            ids.iter().zip(rows).map(|(id, p)| (*id, &p.fields)).collect();
        let versions: Vec<i64> = existing.iter().map(|e| e.version).collect();
        products::update_many(self.tx, &updates, &versions)?;
        let new_tags = upsert::added_tags(rows);
        let links: Vec<(ProductId, &[String])> = new_tags.iter().map(|(id, t)| (*id, t.as_slice())).collect();
        products::add_tags_many(self.tx, &links)?;
        for (id, names, plan) in upsert::plans_of(&ids, rows) {
            variants::import_into(self.tx, id, names, plan)?;
        }
        Ok(ids)
    }

    /// One checked product on its own, with the editor's statements and friendly checks:
    /// the product (an update only from the version the import read), then its options and
    /// variants.
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
                let id = insert_product(self.tx, &as_inserted(pending))?;
                if let Some(plan) = &pending.plan {
                    variants::insert_with_options(self.tx, &[(id, &plan.names, &plan.variants)])?;
                }
                Ok(id)
            }
        }
    }
}

/// A new product as it is inserted: one with variants with no stock yet (see
/// `ServerRows::insert_many`).
fn as_inserted(pending: &Pending) -> ProductFields {
    ProductFields {
        stock: if pending.plan.is_some() {
            0
        } else {
            pending.fields.stock
        },
        ..pending.fields.clone()
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
        let statement = self.prepared(HOLDER_OUTSIDE)?;
        Ok(self
            .tx
            .query_opt(&statement, &[&sku, &product])?
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

    fn write(&mut self, new: &[&Pending], updates: &[&Pending], default_currency: &str) -> Result<Written> {
        let mut written =
            self.at_once_or_one_by_one(new, |rows, new| rows.insert_many(new, default_currency))?;
        written.extend(self.at_once_or_one_by_one(updates, ServerRows::update_many)?);
        Ok(written)
    }

    /// The server's triggers tell every open window (LISTEN/NOTIFY), this one included.
    fn announce(&mut self, _product: Option<ProductId>, _kind: ChangeKind) {}
}
