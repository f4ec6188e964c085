//! The storage layer: what the editor asks of a catalog, whichever engine holds it. A local
//! library is a [`Catalog`] on SQLite; a team catalog is a [`TeamCatalog`] on a PostgreSQL
//! server (issue 14). Code written against [`Store`] does not know which, and the tests run
//! each of its operations on both (`tests/store.rs`).
//!
//! So far it covers the product list and a product's life in the editor: pages, search,
//! categories by path, open, create, save an edit (a stale one is the same Conflict,
//! carrying the row as it is now), the trash and purge; `shelf --server` runs its product
//! and search commands through it. Variants, photos, imports, exports, history and the rest
//! of the catalog still run on SQLite only, and so does the app; they move behind this
//! trait one concern at a time.
//!
//! The engines differ in who acts: a `Catalog` records its acting user (`set_actor`), while
//! on a server each person logs in as their own role and the server's triggers record that
//! login, so a staff member refused a purge is refused by the server itself.

use crate::catalog::categories::{self, Category};
use crate::catalog::products::{self, Page, Product, ProductFields, ProductQuery};
use crate::catalog::search::{self, SearchHit};
use crate::catalog::ProductId;
use crate::catalog::{currencies, settings};
use crate::error::{Error, Result};
use crate::Catalog;

pub use crate::server::products::TeamCatalog;

pub trait Store {
    /// One product, whole (tags, options, live variants, category path, first photo).
    fn product(&mut self, id: ProductId) -> Result<Product>;
    /// The product with this SKU (compared without case), if there is one.
    fn product_id_by_sku(&mut self, sku: &str) -> Result<Option<ProductId>>;
    /// One page of the product list or grid: its filters, its order, after its cursor.
    fn list(&mut self, query: &ProductQuery) -> Result<Page>;
    /// The currency (the catalog's default when `None`) and its decimal places, for reading
    /// and showing prices.
    fn currency_units(&mut self, code: Option<&str>) -> Result<(String, u32)>;
    /// Every category with its path (`Home > Kitchen > Mugs`), in path order.
    fn categories(&mut self) -> Result<Vec<Category>>;
    /// Finds or creates every level of `A > B > C`; the last level.
    fn ensure_category_path(&mut self, path: &str) -> Result<Category>;
    /// Search as you type: an exact SKU first, then the best `limit` matches.
    fn search(&mut self, typed: &str, limit: u32) -> Result<Vec<SearchHit>>;
    fn create_product(&mut self, fields: &ProductFields) -> Result<Product>;
    /// Saves an edit that started from `expected_version`; if someone saved first, nothing
    /// is written and the Conflict carries their version.
    fn update_product(
        &mut self,
        id: ProductId,
        expected_version: i64,
        fields: &ProductFields,
    ) -> Result<Product>;
    /// Products to the trash; those already there are left as they are. Returns how many moved.
    fn move_to_trash(&mut self, ids: &[ProductId]) -> Result<usize>;
    fn restore_from_trash(&mut self, ids: &[ProductId]) -> Result<usize>;
    /// Deletes trashed products for good, with their variants, options, photo links and
    /// tags; one that is not in the trash refuses the whole purge.
    fn purge(&mut self, ids: &[ProductId]) -> Result<usize>;

    /// Purges everything that has been in the trash for more than `days` days.
    fn empty_trash_older_than(&mut self, days: u32) -> Result<usize>;

    /// A category by its path or, failing that, by a name only it has.
    fn category_by_path(&mut self, path: &str) -> Result<Category> {
        categories::find_by_path(self.categories()?, path)
    }

    /// The product with this SKU, or NotFound saying so.
    fn product_by_sku(&mut self, sku: &str) -> Result<Product> {
        let id = self
            .product_id_by_sku(sku)?
            .ok_or_else(|| Error::NotFound(format!("There is no product with SKU {}.", sku.trim())))?;
        self.product(id)
    }
}

impl Store for Catalog {
    fn product(&mut self, id: ProductId) -> Result<Product> {
        products::get(self.conn(), id)
    }

    fn product_id_by_sku(&mut self, sku: &str) -> Result<Option<ProductId>> {
        products::id_by_sku(self.conn(), sku)
    }

    fn list(&mut self, query: &ProductQuery) -> Result<Page> {
        products::list(self.conn(), query)
    }

    fn currency_units(&mut self, code: Option<&str>) -> Result<(String, u32)> {
        let code = match code {
            Some(code) => code.to_owned(),
            None => settings::default_currency(self.conn())?,
        };
        let currency = currencies::by_code(self.conn(), &code)?;
        Ok((currency.code, currency.minor_units))
    }

    fn empty_trash_older_than(&mut self, days: u32) -> Result<usize> {
        Catalog::empty_trash_older_than(self, days)
    }

    fn categories(&mut self) -> Result<Vec<Category>> {
        categories::list(self.conn())
    }

    fn ensure_category_path(&mut self, path: &str) -> Result<Category> {
        Catalog::ensure_category_path(self, path)
    }

    fn search(&mut self, typed: &str, limit: u32) -> Result<Vec<SearchHit>> {
        search::search(self.conn(), typed, limit)
    }

    fn create_product(&mut self, fields: &ProductFields) -> Result<Product> {
        Catalog::create_product(self, fields)
    }

    fn update_product(
        &mut self,
        id: ProductId,
        expected_version: i64,
        fields: &ProductFields,
    ) -> Result<Product> {
        Catalog::update_product(self, id, expected_version, fields)
    }

    fn move_to_trash(&mut self, ids: &[ProductId]) -> Result<usize> {
        Catalog::move_to_trash(self, ids)
    }

    fn restore_from_trash(&mut self, ids: &[ProductId]) -> Result<usize> {
        Catalog::restore_from_trash(self, ids)
    }

    fn purge(&mut self, ids: &[ProductId]) -> Result<usize> {
        Catalog::purge(self, ids)
    }
}
