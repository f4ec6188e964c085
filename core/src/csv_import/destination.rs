//! Where a CSV import reads and writes: this computer's library (`library`) or a team
//! catalog on a PostgreSQL server (`server::csv`). The import reads, checks and reports a
//! file the same way for both; what it asks of the catalog goes through these two traits:
//! a [`Destination`] before and after the rows (remembered columns, currencies, the
//! transactions, the photos) and, inside each transaction, its [`ImportRows`].

use super::layout::Field;
use super::preview::Columns;
use super::upsert::Pending;
use crate::catalog::categories::CategoryId;
use crate::catalog::products::AsFields;
use crate::catalog::{ChangeKind, ProductId};
use crate::error::Result;
use crate::job::{Job, JobReport};
use std::collections::HashMap;
use std::path::PathBuf;

/// What became of each written row, by its line: the product's id, or why it was refused.
pub type Written = HashMap<u64, Result<ProductId>>;

/// A catalog a CSV import goes into.
pub trait Destination {
    /// The columns the seller chose before for a file with this header row, if they did.
    fn remembered(&mut self, headers: &[String]) -> Result<Columns>;
    /// Remembers the seller's columns for the next file with this header row.
    fn remember(&mut self, headers: &[String], columns: &[Option<Field>]) -> Result<()>;
    /// The catalog's default currency, and the decimal places of every currency it knows.
    fn default_and_minor_units(&mut self) -> Result<(String, HashMap<String, u32>)>;
    /// Runs `f` in one transaction, committed when `f` returns `Ok`; an `Err` from `f`
    /// rolls everything back and is the result.
    fn transaction(&mut self, f: &mut dyn FnMut(&mut dyn ImportRows) -> Result<()>) -> Result<()>;
    /// A folder of this computer's for the photos being downloaded (made, and emptied by
    /// the caller afterwards).
    fn downloads(&mut self) -> Result<PathBuf>;
    /// The product with this SKU and the file names of the photos it has.
    fn photo_target(&mut self, sku: &str) -> Result<Option<(ProductId, Vec<String>)>>;
    /// Imports each file onto the product it is paired with (`images::import_each`).
    fn import_photo_files(&mut self, files: &[(PathBuf, ProductId)], job: &Job) -> Result<JobReport>;
    /// Gives variants (by SKU) one of their product's photos (by content hash), in one
    /// transaction.
    fn set_variant_images(&mut self, links: &[(String, String)]) -> Result<()>;
}

/// A step of a savepoint around one row's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Savepoint {
    Begin,
    Release,
    Undo,
}

/// The reads and writes of an import inside one of its transactions.
pub trait ImportRows {
    /// The product with this shop handle (compared without case), as the import compares it.
    fn product_by_handle(&mut self, handle: &str) -> Result<Option<AsFields>>;
    /// The product with this SKU (compared without case), as the import compares it.
    fn product_by_sku(&mut self, sku: &str) -> Result<Option<AsFields>>;
    /// Who holds `sku` outside `product`: `product NAME` or `a variant of NAME`.
    fn sku_holder_outside(&mut self, sku: &str, product: Option<ProductId>) -> Result<Option<String>>;
    /// Finds or creates every level of `A > B > C`; the last level.
    fn ensure_category(&mut self, path: &str) -> Result<CategoryId>;
    fn savepoint(&mut self, step: Savepoint) -> Result<()>;
    /// Writes checked products, new and updated, with their tags, options and variants.
    /// A product the catalog refuses is that row's `Err` and leaves nothing behind; the
    /// call's own `Err` means the transaction can't go on (a failing disk, a lost server).
    fn write(&mut self, new: &[&Pending], updates: &[&Pending], default_currency: &str) -> Result<Written>;
    /// Tells the open windows about a product the import wrote (`None`: about so many that
    /// they had better reload everything).
    fn announce(&mut self, product: Option<ProductId>, kind: ChangeKind);
}

/// Runs `f` inside a savepoint, so that when it fails it leaves nothing behind.
pub fn in_savepoint<R: ImportRows + ?Sized, T>(
    rows: &mut R,
    f: impl FnOnce(&mut R) -> Result<T>,
) -> Result<T> {
    rows.savepoint(Savepoint::Begin)?;
    let result = f(rows);
    rows.savepoint(if result.is_ok() {
        Savepoint::Release
    } else {
        Savepoint::Undo
    })?;
    result
}
