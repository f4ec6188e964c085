//! The storage layer: what the editor asks of a catalog, whichever engine holds it. A local
//! library is a [`Catalog`] on SQLite; a team catalog is a [`TeamCatalog`] on a PostgreSQL
//! server (issue 14). Code written against [`Store`] does not know which, and the tests run
//! each of its operations on both (`tests/store.rs`).
//!
//! It covers the product list and a product's life in the editor: pages, search,
//! categories by path, currencies and tags to choose from, open, create, save an edit (a
//! stale one is the same Conflict, carrying the row as it is now), the trash and purge, and
//! a product's photos (thumbnails, the viewer's copy, order, alt text, rotation, removal); a
//! photo import (`images::import`, the same pipeline on either engine) and a CSV import
//! (`csv_import`, likewise); a product's options and variants (add, generate, edit, trash,
//! restore, one change for many); what an export reads (one snapshot, each product's
//! photos and their originals); bulk edits of products, a product's history with restore,
//! undo, the categories and tags, and the shop's people. `shelf --server` runs its commands
//! through it, and the app's window everything it shows on a team catalog. Settings, the
//! inbox, automatic backups and the integrity check still run on a library only.
//!
//! The engines differ in who acts: a `Catalog` records its acting user (`set_actor`), while
//! on a server each person logs in as their own role and the server's triggers record that
//! login, so a staff member refused a purge is refused by the server itself.

use crate::catalog::categories::{self, Category};
use crate::catalog::currencies::{self, Currency};
use crate::catalog::history::{self, HistoryEntry};
use crate::catalog::products::{self, BulkEdit, Page, Product, ProductFields, ProductQuery};
use crate::catalog::search::{self, SearchHit};
use crate::catalog::tags::{self, Tag};
use crate::catalog::users::{self, NewUser, User};
use crate::catalog::variants::{self, OptionValues, Variant, VariantBulkEdit, VariantFields, VariantId};
use crate::catalog::{maintenance, settings, ProductId};
use crate::csv_import::{self, Columns, CsvFormat, CsvImportOptions, CsvImportReport, CsvPreview};
use crate::error::{Error, Result};
use crate::export::{self, ExportImage};
use crate::images::{self, ImportTarget, Thumbnail};
use crate::job::{Job, JobReport};
use crate::Catalog;
use std::path::{Path, PathBuf};

pub use crate::server::products::TeamCatalog;

/// Where an original photo's bytes are: a library's file, or a server's row read whole (one
/// photo at a time, so memory stays that of the largest photo).
pub enum Original {
    File(PathBuf),
    Bytes(Vec<u8>),
}

impl Original {
    pub fn read(self) -> Result<Vec<u8>> {
        match self {
            Original::File(path) => {
                std::fs::read(&path).map_err(|e| Error::io("Can't read the photo", &path, e))
            }
            Original::Bytes(bytes) => Ok(bytes),
        }
    }
}

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
    /// Every currency the catalog knows, by code.
    fn currencies(&mut self) -> Result<Vec<Currency>>;
    /// Makes `code` the currency new products get; one the catalog doesn't know is refused
    /// (`currency_unknown`). On a team server it is the owners' to change.
    fn set_default_currency(&mut self, code: &str) -> Result<()>;
    /// Every category with its path (`Home > Kitchen > Mugs`), in path order.
    fn categories(&mut self) -> Result<Vec<Category>>;
    /// Every tag with how many products carry it, by name.
    fn tags(&mut self) -> Result<Vec<Tag>>;
    /// Who the history records as making this store's changes: a library's acting user, a
    /// server login's person.
    fn acting_user(&mut self) -> Result<User>;
    /// Everyone who works on the catalog, by username.
    fn users(&mut self) -> Result<Vec<User>>;
    /// A new person. On a team server they get their own login with `password` (at least 8
    /// characters; only its SCRAM hash reaches the server); a library's people have no
    /// passwords, so one given is refused.
    fn add_person(&mut self, new: NewUser<'_>, password: Option<&str>) -> Result<User>;
    /// Deactivates a person (their products and history stay) or brings them back; on a team
    /// server their login with them. Never the last active owner, nor yourself.
    fn set_user_active(&mut self, username: &str, active: bool) -> Result<User>;
    /// Products outside the trash.
    fn product_count(&mut self) -> Result<i64>;
    /// The catalog's schema version (its migrations).
    fn schema_version(&mut self) -> Result<i64>;
    /// The thumbnail of the photo with this content hash.
    fn thumbnail(&mut self, sha256: &str) -> Result<Thumbnail>;
    /// Finds or creates every level of `A > B > C`; the last level.
    fn ensure_category_path(&mut self, path: &str) -> Result<Category>;
    /// A new category named `name` (tidied) at the top or under `parent_id`; a name its
    /// siblings already have (without case) is refused.
    fn create_category(&mut self, name: &str, parent_id: Option<i64>) -> Result<Category>;
    /// Renames a category (a sibling of the same name is refused).
    fn rename_category(&mut self, id: i64, name: &str) -> Result<Category>;
    /// Moves a category under another one, or to the top (`None`); a cycle is refused.
    fn move_category(&mut self, id: i64, parent_id: Option<i64>) -> Result<Category>;
    /// Refused while products (the trash included) or sub-categories use it, naming them.
    fn delete_category(&mut self, id: i64) -> Result<()>;
    /// Renames a tag; a name another tag already has merges the two.
    fn rename_tag(&mut self, old: &str, new: &str) -> Result<()>;
    /// Takes a tag off every product and deletes it; the number of products it was on.
    fn delete_tag(&mut self, name: &str) -> Result<usize>;
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

    /// The product's variants in position order: the live ones, or those in the trash.
    fn variants(&mut self, product: ProductId, in_trash: bool) -> Result<Vec<Variant>>;
    /// The variant with this SKU (compared without case), or NotFound saying so.
    fn variant_by_sku(&mut self, sku: &str) -> Result<Variant>;
    /// Gives a product its options (Size, Colour...) or renames them; while it has variants
    /// they can be renamed but not added or removed.
    fn set_options(&mut self, product: ProductId, names: &[String]) -> Result<Product>;
    /// Declares the options and adds a variant for every combination of their values the
    /// product lacks, at `price_minor` with `stock` each and a SKU made from the product's.
    fn generate_variants(
        &mut self,
        product: ProductId,
        options: &[OptionValues],
        price_minor: i64,
        stock: i64,
    ) -> Result<Product>;
    /// A new variant at the end of the product's list.
    fn create_variant(&mut self, product: ProductId, fields: &VariantFields) -> Result<Variant>;
    /// Saves an edit of a variant that started from `expected_version`; if someone saved
    /// first, nothing is written and the Conflict carries their version.
    fn update_variant(
        &mut self,
        id: VariantId,
        expected_version: i64,
        fields: &VariantFields,
    ) -> Result<Variant>;
    /// Variants to the trash (the product's price and stock then leave them out); how many moved.
    fn trash_variants(&mut self, ids: &[VariantId]) -> Result<usize>;
    /// Brings variants back; one whose combination a live variant now has is refused.
    fn restore_variants(&mut self, ids: &[VariantId]) -> Result<usize>;
    /// One change (a price, a price change, a stock) to many variants: all or nothing.
    fn bulk_edit_variants(&mut self, ids: &[VariantId], edit: &VariantBulkEdit) -> Result<usize>;

    /// Purges everything that has been in the trash for more than `days` days.
    /// Several changes to many products, in one transaction: all of them or none. A price
    /// change that would make any price negative refuses the whole edit and names the SKU.
    fn bulk_edit_all(&mut self, ids: &[ProductId], edits: &[BulkEdit]) -> Result<usize>;
    /// Up to `limit` entries of a product's history (and its tags'), newest first.
    fn product_history(&mut self, id: ProductId, limit: u32) -> Result<Vec<HistoryEntry>>;
    /// Writes back the product as history entry `audit_id` left it, as a new edit made from
    /// `expected_version` (a stale one is the usual Conflict).
    fn restore_version(
        &mut self,
        product: ProductId,
        audit_id: i64,
        expected_version: i64,
    ) -> Result<Product>;
    /// Reverses the acting person's latest product change not undone yet; None when there is
    /// nothing to undo.
    fn undo_last_change(&mut self) -> Result<Option<Product>>;
    fn empty_trash_older_than(&mut self, days: u32) -> Result<usize>;

    /// Runs `f` on one unchanging view of the catalog (a read transaction), so what it reads
    /// is the catalog as it was when it started, whatever others save meanwhile. `f`'s
    /// error is the result; nothing `f` does through it is meant to write.
    fn snapshot(&mut self, f: &mut dyn FnMut(&mut dyn Store) -> Result<()>) -> Result<()>;
    /// A product's photos as the editor shows them: the shown ones by position (0 is the
    /// primary), then the removed ones.
    fn product_images(&mut self, id: ProductId) -> Result<Vec<images::ProductImage>>;
    /// What the photo viewer shows for a photo: its original, or the JPEG copy of one a web
    /// view can't show (HEIC), with its MIME type.
    fn viewable_photo(&mut self, sha256: &str) -> Result<(Vec<u8>, String)>;
    /// Puts a product's shown photos in this order (the first becomes the primary); the
    /// list must name each shown photo once, or it is a Conflict (someone changed them).
    fn reorder_images(&mut self, product: ProductId, image_ids_in_order: &[i64]) -> Result<()>;
    /// The text that describes a photo to people who can't see it.
    fn set_image_alt_text(&mut self, image_id: i64, text: &str) -> Result<()>;
    /// Turns a photo 90° clockwise (its thumbnail made again; the original untouched).
    fn rotate_image(&mut self, image_id: i64) -> Result<()>;
    /// Removes a photo from its product into its removed photos (the original stays).
    fn trash_image(&mut self, image_id: i64) -> Result<()>;
    /// Puts a removed photo back on its product, as its last photo.
    fn restore_image(&mut self, image_id: i64) -> Result<()>;
    /// The product's live photos in position order, named as an export names them.
    fn photos(&mut self, id: ProductId) -> Result<Vec<ExportImage>>;
    /// The original photo with this hash, if the catalog has it (a variant may show a photo
    /// its product has since moved to the trash).
    fn original_photo(&mut self, sha256: &str) -> Result<Option<ExportImage>>;
    /// Where the original's bytes are; `None` when they are missing (a library's file gone,
    /// which the integrity check reports).
    fn original(&mut self, image: &ExportImage) -> Result<Option<Original>>;
    /// Every handle the seller gave a product, trash included.
    fn handles(&mut self) -> Result<Vec<String>>;
    /// Imports photo files and folders onto one product or by the SKU in each file name
    /// (`images::import`): every file gets a result, and a bad one never stops the others.
    fn import_photos(&mut self, paths: &[PathBuf], target: ImportTarget, job: &Job) -> Result<JobReport>;
    /// Imports a shop's or a spreadsheet's CSV file (`csv_import`): every row gets its line
    /// in the report, and a refused one is never half written.
    fn import_csv(&mut self, path: &Path, options: &CsvImportOptions, job: &Job) -> Result<CsvImportReport>;
    /// The columns the seller mapped by hand for a CSV file with this header row before.
    fn remembered_columns(&mut self, headers: &[String]) -> Result<Columns>;

    /// The first `rows` rows of a CSV file and how its columns will be read.
    fn preview_csv(&mut self, path: &Path, rows: usize, format: CsvFormat) -> Result<CsvPreview> {
        csv_import::preview(
            &mut |headers| self.remembered_columns(headers),
            path,
            rows,
            format,
        )
    }

    /// Reads a price typed in `currency` as minor units (the editor never parses money).
    fn parse_price(&mut self, text: &str, currency: &str) -> Result<i64> {
        let (_, units) = self.currency_units(Some(currency))?;
        crate::money::parse_price(text, units)
    }

    /// Shows minor units of `currency` as a plain decimal.
    fn format_price(&mut self, minor: i64, currency: &str) -> Result<String> {
        let (_, units) = self.currency_units(Some(currency))?;
        Ok(crate::money::format_price(minor, units))
    }

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

/// A read transaction: SQLite takes its snapshot at the first read after BEGIN.
const BEGIN: &str = "BEGIN DEFERRED";
const COMMIT: &str = "COMMIT";
const ROLLBACK: &str = "ROLLBACK";

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

    fn bulk_edit_all(&mut self, ids: &[ProductId], edits: &[BulkEdit]) -> Result<usize> {
        Catalog::bulk_edit_all(self, ids, edits)
    }

    fn product_history(&mut self, id: ProductId, limit: u32) -> Result<Vec<HistoryEntry>> {
        history::product_history(self.conn(), id, limit)
    }

    fn restore_version(
        &mut self,
        product: ProductId,
        audit_id: i64,
        expected_version: i64,
    ) -> Result<Product> {
        Catalog::restore_version(self, product, audit_id, expected_version)
    }

    fn undo_last_change(&mut self) -> Result<Option<Product>> {
        Catalog::undo_last_change(self)
    }

    fn snapshot(&mut self, f: &mut dyn FnMut(&mut dyn Store) -> Result<()>) -> Result<()> {
        self.conn().execute_batch(BEGIN)?;
        let done = f(self);
        let ended = self
            .conn()
            .execute_batch(if done.is_ok() { COMMIT } else { ROLLBACK });
        done.and(ended.map_err(Error::from))
    }

    fn photos(&mut self, id: ProductId) -> Result<Vec<ExportImage>> {
        export::photos_of(self.conn(), id)
    }

    fn original_photo(&mut self, sha256: &str) -> Result<Option<ExportImage>> {
        export::original_photo(self.conn(), sha256)
    }

    fn original(&mut self, image: &ExportImage) -> Result<Option<Original>> {
        Ok(export::find_original(self.library(), &image.sha256, &image.mime)?.map(Original::File))
    }

    fn handles(&mut self) -> Result<Vec<String>> {
        products::given_handles(self.conn())
    }

    fn currencies(&mut self) -> Result<Vec<Currency>> {
        currencies::list(self.conn())
    }

    fn set_default_currency(&mut self, code: &str) -> Result<()> {
        let code = code.trim().to_ascii_uppercase();
        self.put_setting(settings::DEFAULT_CURRENCY, &serde_json::Value::from(code))
    }

    fn categories(&mut self) -> Result<Vec<Category>> {
        categories::list(self.conn())
    }

    fn tags(&mut self) -> Result<Vec<Tag>> {
        tags::list(self.conn())
    }

    fn acting_user(&mut self) -> Result<User> {
        users::by_id(self.conn(), self.actor())
    }

    fn users(&mut self) -> Result<Vec<User>> {
        users::list(self.conn())
    }

    fn add_person(&mut self, new: NewUser<'_>, password: Option<&str>) -> Result<User> {
        if password.is_some() {
            return Err(Error::refused(
                "People in this computer's library have no passwords: whoever uses it picks who they act as. Passwords are for a team server's logins.",
            ));
        }
        Catalog::create_user(self, new)
    }

    fn set_user_active(&mut self, username: &str, active: bool) -> Result<User> {
        Catalog::set_user_active(self, username, active)
    }

    fn product_count(&mut self) -> Result<i64> {
        Ok(maintenance::stats(self.conn())?.products)
    }

    fn schema_version(&mut self) -> Result<i64> {
        crate::migrations::current_version(self.conn())
    }

    fn thumbnail(&mut self, sha256: &str) -> Result<Thumbnail> {
        images::thumbnail(self.conn(), sha256)
    }

    fn import_photos(&mut self, paths: &[PathBuf], target: ImportTarget, job: &Job) -> Result<JobReport> {
        images::import(self, paths, target, job)
    }

    fn import_csv(&mut self, path: &Path, options: &CsvImportOptions, job: &Job) -> Result<CsvImportReport> {
        csv_import::import(self, path, options, job)
    }

    fn remembered_columns(&mut self, headers: &[String]) -> Result<Columns> {
        csv_import::remembered::recall(self.conn(), headers)
    }

    fn product_images(&mut self, id: ProductId) -> Result<Vec<images::ProductImage>> {
        images::product_images(self.conn(), id)
    }

    fn viewable_photo(&mut self, sha256: &str) -> Result<(Vec<u8>, String)> {
        let (path, mime) = images::viewable_file(self, sha256)?;
        let bytes = std::fs::read(&path).map_err(|e| Error::io("Can't read the original photo", &path, e))?;
        Ok((bytes, mime))
    }

    fn reorder_images(&mut self, product: ProductId, image_ids_in_order: &[i64]) -> Result<()> {
        Catalog::reorder_images(self, product, image_ids_in_order)
    }

    fn set_image_alt_text(&mut self, image_id: i64, text: &str) -> Result<()> {
        Catalog::set_image_alt_text(self, image_id, text)
    }

    fn rotate_image(&mut self, image_id: i64) -> Result<()> {
        Catalog::rotate_image(self, image_id)
    }

    fn trash_image(&mut self, image_id: i64) -> Result<()> {
        Catalog::trash_image(self, image_id)
    }

    fn restore_image(&mut self, image_id: i64) -> Result<()> {
        Catalog::restore_image(self, image_id)
    }

    fn ensure_category_path(&mut self, path: &str) -> Result<Category> {
        Catalog::ensure_category_path(self, path)
    }

    fn create_category(&mut self, name: &str, parent_id: Option<i64>) -> Result<Category> {
        Catalog::create_category(self, name, parent_id)
    }

    fn rename_category(&mut self, id: i64, name: &str) -> Result<Category> {
        Catalog::rename_category(self, id, name)
    }

    fn move_category(&mut self, id: i64, parent_id: Option<i64>) -> Result<Category> {
        Catalog::move_category(self, id, parent_id)
    }

    fn delete_category(&mut self, id: i64) -> Result<()> {
        Catalog::delete_category(self, id)
    }

    fn rename_tag(&mut self, old: &str, new: &str) -> Result<()> {
        Catalog::rename_tag(self, old, new)
    }

    fn delete_tag(&mut self, name: &str) -> Result<usize> {
        Catalog::delete_tag(self, name)
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

    fn variants(&mut self, product: ProductId, in_trash: bool) -> Result<Vec<Variant>> {
        variants::of_product(self.conn(), product, in_trash)
    }

    fn variant_by_sku(&mut self, sku: &str) -> Result<Variant> {
        variants::by_sku(self.conn(), sku)
    }

    fn set_options(&mut self, product: ProductId, names: &[String]) -> Result<Product> {
        Catalog::set_options(self, product, names)
    }

    fn generate_variants(
        &mut self,
        product: ProductId,
        options: &[OptionValues],
        price_minor: i64,
        stock: i64,
    ) -> Result<Product> {
        Catalog::generate_variants(self, product, options, price_minor, stock)
    }

    fn create_variant(&mut self, product: ProductId, fields: &VariantFields) -> Result<Variant> {
        Catalog::create_variant(self, product, fields)
    }

    fn update_variant(
        &mut self,
        id: VariantId,
        expected_version: i64,
        fields: &VariantFields,
    ) -> Result<Variant> {
        Catalog::update_variant(self, id, expected_version, fields)
    }

    fn trash_variants(&mut self, ids: &[VariantId]) -> Result<usize> {
        Catalog::trash_variants(self, ids)
    }

    fn restore_variants(&mut self, ids: &[VariantId]) -> Result<usize> {
        Catalog::restore_variants(self, ids)
    }

    fn bulk_edit_variants(&mut self, ids: &[VariantId], edit: &VariantBulkEdit) -> Result<usize> {
        Catalog::bulk_edit_variants(self, ids, edit)
    }
}
