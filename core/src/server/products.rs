//! A product's life in the editor on a team server: the server side of [`Store`].
//!
//! Each write is one transaction. Who acts is the login: the server's triggers record it in
//! the audit log and its grants decide what that login may do (staff can't purge), so
//! nothing here names an actor. The friendly checks before a write (the SKU or handle is
//! free, the currency and category exist) are the SQLite catalog's, asked of the server, so
//! a seller reads the same sentence on either engine; the server's rules refuse the same
//! writes again if two people race.

use crate::catalog::categories::Category;
use crate::catalog::currencies::Currency;
use crate::catalog::history::HistoryEntry;
use crate::catalog::products::{self, BulkEdit, Page, Product, ProductFields, ProductQuery};
use crate::catalog::search::SearchHit;
use crate::catalog::tags::Tag;
use crate::catalog::users::{NewUser, User};
use crate::catalog::variants::{OptionValues, Variant, VariantBulkEdit, VariantFields, VariantId};
use crate::catalog::{trash, ProductId};
use crate::csv_import::{self, Columns, CsvImportOptions, CsvImportReport};
use crate::error::{Error, Result};
use crate::export::ExportImage;
use crate::images::cache::PhotoCache;
use crate::images::{self, ImportTarget, Thumbnail};
use crate::job::{Job, JobReport};
use crate::store::{Original, Store};
use postgres::types::ToSql;
use postgres::{Client, GenericClient, Transaction};
use std::path::{Path, PathBuf};

const PRODUCT: &str = "SELECT product_json($1)";
pub(crate) const ID_BY_SKU: &str = "SELECT id FROM products WHERE sku = $1::citext";
/// The person the login is (`users.username`), for the owner of a new product.
const PERSON: &str = "SELECT id FROM users WHERE username = session_user AND is_active = 1";
/// Who holds a SKU: a product, or the product whose variant it is.
const SKU_OWNER: &str = "SELECT id, name FROM products WHERE sku = $1::citext
  UNION ALL SELECT p.id, p.name FROM variants AS v JOIN products AS p ON p.id = v.product_id
  WHERE v.sku = $1::citext";
const HANDLE_OWNER: &str = "SELECT id, name FROM products WHERE handle = $1::citext";
const CURRENCY_EXISTS: &str = "SELECT 1 FROM currencies WHERE code = $1";
const MINOR_UNITS: &str = "SELECT minor_units FROM currencies WHERE code = $1";
const CURRENCIES: &str = "SELECT code, name, minor_units FROM currencies ORDER BY code COLLATE \"C\"";
/// The login's person, whether active or not (a deactivated one still reads), as
/// `people::user_from` reads them.
const ME: &str = "SELECT id, username::text, display_name, email, role, is_active, iso_ms(created_at),
    iso_ms(deleted_at)
  FROM users WHERE username = session_user";
const GIVEN_HANDLES: &str = "SELECT handle::text FROM products WHERE handle IS NOT NULL";
const PRODUCT_COUNT: &str = "SELECT count(*) FROM products WHERE deleted_at IS NULL";
const THUMBNAIL: &str = "SELECT bytes, mime, width, height FROM thumbnails WHERE sha256 = $1";

/// The fields are $1 to $15 here and in UPDATE (`field_params`).
const INSERT: &str = "INSERT INTO products
    (sku, name, description, price_minor, currency, stock, status, category_id, barcode,
     vendor, product_type, handle, compare_at_minor, cost_minor, weight_grams, owner_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id";
/// The row an edit starts from, locked until the edit commits, so a second save waits and
/// then finds the version moved.
const LOCK: &str = "SELECT version, currency, price_minor, stock,
    EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
  FROM products WHERE id = $1 FOR UPDATE";
const UPDATE: &str = "UPDATE products SET sku = $1, name = $2, description = $3, price_minor = $4,
    currency = $5, stock = $6, status = $7, category_id = $8, barcode = $9, vendor = $10,
    product_type = $11, handle = $12, compare_at_minor = $13, cost_minor = $14, weight_grams = $15,
    version = version + 1, updated_at = now()
  WHERE id = $16";
const DETACH_OTHER_TAGS: &str = "DELETE FROM product_tags WHERE product_id = $1
  AND tag_id NOT IN (SELECT id FROM tags WHERE name = ANY ($2::text[]::citext[]))";
const ADD_TAGS: &str = "INSERT INTO tags (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING";
const ATTACH_TAGS: &str = "INSERT INTO product_tags (product_id, tag_id)
  SELECT $1, id FROM tags WHERE name = ANY ($2::text[]::citext[]) ON CONFLICT DO NOTHING";
/// Many products' tags, from a JSON array of `{product_id, tag}`.
const ATTACH_MANY: &str = "INSERT INTO product_tags (product_id, tag_id)
  SELECT l.product_id, t.id FROM json_to_recordset($1::json) AS l(product_id bigint, tag text)
  JOIN tags AS t ON t.name = l.tag::citext
  ON CONFLICT DO NOTHING";
/// Many products from a JSON array of rows (`catalog::products::insert_json`), then the owner.
const INSERT_MANY: &str = "INSERT INTO products
    (sku, name, description, price_minor, currency, stock, status, category_id, barcode,
     vendor, product_type, handle, compare_at_minor, cost_minor, weight_grams, owner_id)
  SELECT r.sku, r.name, r.description, r.price_minor, r.currency, r.stock, r.status,
    r.category_id, r.barcode, r.vendor, r.product_type, r.handle, r.compare_at_minor,
    r.cost_minor, r.weight_grams, $2
  FROM json_to_recordset($1::json) AS r(sku text, name text, description text,
    price_minor bigint, currency text, stock bigint, status text, category_id bigint,
    barcode text, vendor text, product_type text, handle text, compare_at_minor bigint,
    cost_minor bigint, weight_grams bigint)
  RETURNING id, sku::text";
/// Many live products rewritten from a JSON array of rows (`catalog::products::update_json`
/// with each one's `version`), each only from that version.
const UPDATE_MANY: &str = "UPDATE products AS p SET sku = r.sku, name = r.name,
    description = r.description, price_minor = r.price_minor, currency = r.currency,
    stock = r.stock, status = r.status, category_id = r.category_id, barcode = r.barcode,
    vendor = r.vendor, product_type = r.product_type, handle = r.handle,
    compare_at_minor = r.compare_at_minor, cost_minor = r.cost_minor,
    weight_grams = r.weight_grams, version = p.version + 1, updated_at = now()
  FROM json_to_recordset($1::json) AS r(id bigint, version bigint, sku text, name text,
    description text, price_minor bigint, currency text, stock bigint, status text,
    category_id bigint, barcode text, vendor text, product_type text, handle text,
    compare_at_minor bigint, cost_minor bigint, weight_grams bigint)
  WHERE p.id = r.id AND p.version = r.version AND p.deleted_at IS NULL";
const DETACH_TAG: &str = "DELETE FROM product_tags WHERE product_id = $1
  AND tag_id IN (SELECT id FROM tags WHERE name = $2::citext)";

const MISSING: &str = "SELECT min(ids.id) FROM unnest($1::bigint[]) AS ids(id)
  WHERE NOT EXISTS (SELECT 1 FROM products AS p WHERE p.id = ids.id)";
pub(crate) const TRASH: &str =
    "UPDATE products SET deleted_at = now() WHERE id = ANY ($1) AND deleted_at IS NULL";
pub(crate) const RESTORE: &str =
    "UPDATE products SET deleted_at = NULL WHERE id = ANY ($1) AND deleted_at IS NOT NULL";
const TRASHED_BEFORE: &str = "SELECT id FROM products
  WHERE deleted_at IS NOT NULL AND deleted_at < now() - make_interval(days => $1)";
const NOT_IN_TRASH: &str = "SELECT min(id) FROM products WHERE id = ANY ($1) AND deleted_at IS NULL";
/// A purge, children first (each statement's triggers copy what it removes to the deletion log).
const PURGE: [&str; 5] = [
    "DELETE FROM variants WHERE product_id = ANY ($1)",
    "DELETE FROM product_options WHERE product_id = ANY ($1)",
    "DELETE FROM product_images WHERE product_id = ANY ($1)",
    "DELETE FROM product_tags WHERE product_id = ANY ($1)",
    "DELETE FROM products WHERE id = ANY ($1)",
];

/// One unchanging view for a long read (an export), which refuses writes.
const SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// A team catalog: a connection to the shop's server, logged in as one person.
pub struct TeamCatalog {
    client: Client,
    /// Where imports keep originals (`None`: this computer's cache).
    photo_cache: Option<PathBuf>,
}

impl TeamCatalog {
    /// Opens the catalog on the server `client` is connected to. A catalog at an older
    /// schema is brought up to date when the login owns the database (anyone else is
    /// refused, by the server); one at a newer schema is refused.
    pub fn open(mut client: Client) -> Result<TeamCatalog> {
        let version = super::migrations::current_version(&mut client)?;
        match version.cmp(&super::migrations::latest_version()) {
            std::cmp::Ordering::Less => {
                super::migrations::migrate(&mut client)?;
            }
            std::cmp::Ordering::Equal => {}
            std::cmp::Ordering::Greater => return Err(super::pull::other_schema(version)),
        }
        Ok(TeamCatalog {
            client,
            photo_cache: None,
        })
    }

    /// The team catalog at `address`, connected with the password the keyring keeps (and
    /// the shop's own certificate authority, if given).
    pub fn connect(address: &str, ca: Option<&std::path::Path>) -> Result<TeamCatalog> {
        TeamCatalog::open(super::connect::connect(address, ca)?)
    }

    /// Keeps the originals this catalog's imports send in `cache` instead of this
    /// computer's own cache.
    pub fn keep_photos_in(&mut self, cache: PathBuf) {
        self.photo_cache = Some(cache);
    }

    /// The connection, for the server's side of the other concerns (`server::photos`).
    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Where imports keep originals: the cache given, or this computer's.
    pub(crate) fn photo_cache(&self) -> Result<PhotoCache> {
        match &self.photo_cache {
            Some(root) => PhotoCache::at(root),
            None => PhotoCache::for_this_computer(),
        }
    }

    /// Whether the connection has been found lost (by the last call).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Runs `statement` (TRASH or RESTORE) over `ids` if every one is a product; the rows
    /// it changed.
    fn all_or_none(&mut self, statement: &str, ids: &[ProductId]) -> Result<usize> {
        let mut tx = self.client.transaction()?;
        refuse_missing(&mut tx, ids)?;
        let changed = tx.execute(statement, &[&ids])?;
        tx.commit()?;
        Ok(changed as usize)
    }
}

pub(crate) fn product_in(client: &mut impl GenericClient, id: ProductId) -> Result<Product> {
    let json: Option<serde_json::Value> = client.query_one(PRODUCT, &[&id])?.get(0);
    let json = json.ok_or_else(|| products::no_such_product(id))?;
    Ok(serde_json::from_value(json)?)
}

/// The SQLite catalog's friendly checks (`products::write`), asked of the server.
fn check_references(
    client: &mut impl GenericClient,
    fields: &ProductFields,
    this: Option<ProductId>,
) -> Result<()> {
    let mut taken = |statement: &str, field: &'static str, what: String, value: &str| -> Result<()> {
        let holder = client.query_opt(statement, &[&value])?;
        match holder.map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1))) {
            Some((id, name)) if Some(id) != this => Err(products::already_used(field, &what, &name, id)),
            _ => Ok(()),
        }
    };
    taken(SKU_OWNER, "sku", format!("SKU {}", fields.sku), &fields.sku)?;
    if let Some(handle) = &fields.shop.handle {
        taken(HANDLE_OWNER, "handle", format!("The handle {handle}"), handle)?;
    }
    if let Some(code) = &fields.currency {
        if client.query_opt(CURRENCY_EXISTS, &[code])?.is_none() {
            return Err(products::unknown_currency(code));
        }
    }
    if let Some(category) = fields.category_id {
        if client
            .query_opt(super::categories::CATEGORY_EXISTS, &[&category])?
            .is_none()
        {
            return Err(products::category_gone());
        }
    }
    Ok(())
}

/// The login's person, who owns the products they add.
pub(crate) fn person(client: &mut impl GenericClient) -> Result<i64> {
    client
        .query_opt(PERSON, &[])?
        .map(|r| r.get(0))
        .ok_or_else(not_a_person)
}

/// New products from tidied fields in one statement, owned by `owner`, as a library's bulk
/// insert (`catalog::products::insert_rows`, whose JSON rows it reads); their ids in `batch`
/// order. The friendly checks are left to the server's rules: a caller that wants a
/// refusal in words writes the products one by one instead.
pub(crate) fn insert_many(
    client: &mut impl GenericClient,
    batch: &[&ProductFields],
    default_currency: &str,
    owner: i64,
) -> Result<Vec<ProductId>> {
    let rows = serde_json::Value::from(products::insert_json(batch, default_currency));
    let returned = client
        .query(INSERT_MANY, &[&rows, &owner])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    products::ids_in_order(batch, returned)
}

/// Rewrites live products from tidied fields in one statement, each only from its version
/// in `versions`, as a library's bulk update (`catalog::products::update_rows`); a product
/// someone saved, trashed or deleted meanwhile refuses the whole call. Tags are the
/// caller's.
pub(crate) fn update_many(
    client: &mut impl GenericClient,
    rows: &[(ProductId, &ProductFields)],
    versions: &[i64],
) -> Result<()> {
    let mut json = products::update_json(rows);
    for (row, version) in json.iter_mut().zip(versions) {
        row["version"] = (*version).into();
    }
    if client.execute(UPDATE_MANY, &[&serde_json::Value::from(json)])? as usize != rows.len() {
        return Err(products::gone_meanwhile());
    }
    Ok(())
}

/// Gives each product the tags named with it as well as those it has (names tidied).
pub(crate) fn add_tags_many(client: &mut impl GenericClient, links: &[(ProductId, &[String])]) -> Result<()> {
    let names: Vec<&String> = links.iter().flat_map(|(_, names)| names.iter()).collect();
    if names.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = links
        .iter()
        .flat_map(|(id, names)| {
            names
                .iter()
                .map(move |tag| serde_json::json!({"product_id": id, "tag": tag}))
        })
        .collect();
    client.execute(ADD_TAGS, &[&names])?;
    client.execute(ATTACH_MANY, &[&serde_json::Value::from(rows)])?;
    Ok(())
}

/// Gives the product exactly `names` (tidied) as its tags.
fn set_tags(client: &mut impl GenericClient, id: ProductId, names: &[String]) -> Result<()> {
    client.execute(DETACH_OTHER_TAGS, &[&id, &names])?;
    add_tags(client, id, names)
}

/// Gives the product the tags `names` (tidied) as well as those it has.
pub(crate) fn add_tags(client: &mut impl GenericClient, id: ProductId, names: &[String]) -> Result<()> {
    client.execute(ADD_TAGS, &[&names])?;
    client.execute(ATTACH_TAGS, &[&id, &names])?;
    Ok(())
}

/// Takes the tag called `name` (compared without case) off the product, if it has it.
pub(crate) fn remove_tag(client: &mut impl GenericClient, id: ProductId, name: &str) -> Result<()> {
    client.execute(DETACH_TAG, &[&id, &name])?;
    Ok(())
}

/// A new product from tidied `fields`, owned by the login's person (in the caller's
/// transaction).
pub(crate) fn insert_product(client: &mut impl GenericClient, fields: &ProductFields) -> Result<ProductId> {
    check_references(client, fields, None)?;
    let owner = person(client)?;
    let currency = match &fields.currency {
        Some(code) => code.clone(),
        None => client
            .query_one(super::push::SERVER_DEFAULT_CURRENCY, &[])?
            .get(0),
    };
    let status = fields.status.as_str();
    let mut params = field_params(fields, &currency, &status);
    params.push(&owner);
    let id: i64 = client.query_one(INSERT, &params)?.get(0);
    if !fields.tags.is_empty() {
        add_tags(client, id, &fields.tags)?;
    }
    Ok(id)
}

/// The product's fields as INSERT and UPDATE take them, $1 to $15 (`status` is
/// `fields.status` as text).
fn field_params<'a>(
    fields: &'a ProductFields,
    currency: &'a String,
    status: &'a &'static str,
) -> Vec<&'a (dyn ToSql + Sync)> {
    let shop = &fields.shop;
    vec![
        &fields.sku,
        &fields.name,
        &fields.description,
        &fields.price_minor,
        currency,
        &fields.stock,
        status,
        &fields.category_id,
        &fields.barcode,
        &shop.vendor,
        &shop.product_type,
        &shop.handle,
        &shop.compare_at_minor,
        &shop.cost_minor,
        &shop.weight_grams,
    ]
}

/// Saves an edit of product `id` made from `expected_version` (in the caller's transaction);
/// a stale one is the Conflict carrying the product as it is now.
pub(crate) fn update_in(
    tx: &mut Transaction<'_>,
    id: ProductId,
    expected_version: i64,
    fields: &ProductFields,
) -> Result<Product> {
    let mut fields = fields.tidied()?;
    let current = tx
        .query_opt(LOCK, &[&id])?
        .ok_or_else(|| products::no_such_product(id))?;
    let (version, currency, price, stock, has_options): (i64, String, i64, i64, bool) = (
        current.get(0),
        current.get(1),
        current.get(2),
        current.get(3),
        current.get(4),
    );
    if version != expected_version {
        return Err(products::stale_against(&product_in(tx, id)?)?);
    }
    check_references(tx, &fields, Some(id))?;
    if has_options {
        // It sells through its variants: its price and stock are theirs.
        fields.price_minor = price;
        fields.stock = stock;
    }
    let currency = fields.currency.clone().unwrap_or(currency);
    let status = fields.status.as_str();
    let mut params = field_params(&fields, &currency, &status);
    params.push(&id);
    tx.execute(UPDATE, &params)?;
    set_tags(tx, id, &fields.tags)?;
    product_in(tx, id)
}

fn not_a_person() -> Error {
    Error::refused(
        "Your login isn't one of the shop's people on this server (or they are deactivated); ask the owner to add you.",
    )
}

/// The first id of `ids` that is not a product, as NotFound.
pub(crate) fn refuse_missing(client: &mut impl GenericClient, ids: &[ProductId]) -> Result<()> {
    match client.query_one(MISSING, &[&ids])?.get::<_, Option<i64>>(0) {
        Some(id) => Err(products::no_such_product(id)),
        None => Ok(()),
    }
}

impl Store for TeamCatalog {
    fn product(&mut self, id: ProductId) -> Result<Product> {
        product_in(&mut self.client, id)
    }

    fn product_id_by_sku(&mut self, sku: &str) -> Result<Option<ProductId>> {
        Ok(self
            .client
            .query_opt(ID_BY_SKU, &[&sku.trim()])?
            .map(|r| r.get(0)))
    }

    fn list(&mut self, query: &ProductQuery) -> Result<Page> {
        super::pages::list(&mut self.client, query)
    }

    fn currency_units(&mut self, code: Option<&str>) -> Result<(String, u32)> {
        let code = match code {
            Some(code) => code.trim().to_ascii_uppercase(),
            None => self
                .client
                .query_one(super::push::SERVER_DEFAULT_CURRENCY, &[])?
                .get(0),
        };
        match self.client.query_opt(MINOR_UNITS, &[&code])? {
            Some(row) => Ok((code, row.get::<_, i32>(0) as u32)),
            None => Err(products::unknown_currency(&code)),
        }
    }

    fn snapshot(&mut self, f: &mut dyn FnMut(&mut dyn Store) -> Result<()>) -> Result<()> {
        self.client.batch_execute(SNAPSHOT)?;
        let done = f(self);
        let ended = self
            .client
            .batch_execute(if done.is_ok() { "COMMIT" } else { "ROLLBACK" });
        done.and(ended.map_err(Error::from))
    }

    fn photos(&mut self, id: ProductId) -> Result<Vec<ExportImage>> {
        super::photos::photos_of(&mut self.client, id)
    }

    fn original_photo(&mut self, sha256: &str) -> Result<Option<ExportImage>> {
        super::photos::original_photo(&mut self.client, sha256)
    }

    fn original(&mut self, image: &ExportImage) -> Result<Option<Original>> {
        Ok(super::photos::original_bytes(&mut self.client, &image.sha256)?.map(Original::Bytes))
    }

    fn handles(&mut self) -> Result<Vec<String>> {
        Ok(self
            .client
            .query(GIVEN_HANDLES, &[])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn bulk_edit_all(&mut self, ids: &[ProductId], edits: &[BulkEdit]) -> Result<usize> {
        super::bulk::bulk_edit_all(&mut self.client, ids, edits)
    }

    fn product_history(&mut self, id: ProductId, limit: u32) -> Result<Vec<HistoryEntry>> {
        super::history::product_history(&mut self.client, id, limit)
    }

    fn restore_version(
        &mut self,
        product: ProductId,
        audit_id: i64,
        expected_version: i64,
    ) -> Result<Product> {
        super::history::restore_version(&mut self.client, product, audit_id, expected_version)
    }

    fn undo_last_change(&mut self) -> Result<Option<Product>> {
        super::history::undo_last_change(&mut self.client)
    }

    fn empty_trash_older_than(&mut self, days: u32) -> Result<usize> {
        let ids: Vec<i64> = self
            .client
            .query(TRASHED_BEFORE, &[&i32::try_from(days).unwrap_or(i32::MAX)])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        self.purge(&ids)
    }

    fn currencies(&mut self) -> Result<Vec<Currency>> {
        Ok(self
            .client
            .query(CURRENCIES, &[])?
            .iter()
            .map(|r| Currency {
                code: r.get(0),
                name: r.get(1),
                minor_units: r.get::<_, i32>(2) as u32,
            })
            .collect())
    }

    fn set_default_currency(&mut self, code: &str) -> Result<()> {
        let code = code.trim().to_ascii_uppercase();
        self.client.execute(super::push::PUT_DEFAULT_CURRENCY, &[&code])?;
        Ok(())
    }

    fn tags(&mut self) -> Result<Vec<Tag>> {
        super::tags::list(&mut self.client)
    }

    fn acting_user(&mut self) -> Result<User> {
        let row = self.client.query_opt(ME, &[])?.ok_or_else(not_a_person)?;
        super::people::user_from(&row)
    }

    fn users(&mut self) -> Result<Vec<User>> {
        super::people::list(&mut self.client)
    }

    fn add_person(&mut self, new: NewUser<'_>, password: Option<&str>) -> Result<User> {
        super::people::create(&mut self.client, new, password)
    }

    fn set_user_active(&mut self, username: &str, active: bool) -> Result<User> {
        let me = self.acting_user()?;
        super::people::set_active(&mut self.client, &me, username, active)
    }

    fn product_count(&mut self) -> Result<i64> {
        Ok(self.client.query_one(PRODUCT_COUNT, &[])?.get(0))
    }

    fn schema_version(&mut self) -> Result<i64> {
        super::migrations::current_version(&mut self.client)
    }

    fn product_images(&mut self, id: ProductId) -> Result<Vec<images::ProductImage>> {
        super::photos::product_images(&mut self.client, id)
    }

    fn viewable_photo(&mut self, sha256: &str) -> Result<(Vec<u8>, String)> {
        images::check_hash(sha256)?;
        let not_here = || Error::NotFound(format!("There is no photo {sha256} in the catalog."));
        let image = super::photos::original_photo(&mut self.client, sha256)?.ok_or_else(not_here)?;
        let cache = self.photo_cache()?;
        images::rendition::viewable_in_cache(&cache, sha256, &image.mime, || {
            super::photos::original_bytes(&mut self.client, sha256)?.ok_or_else(not_here)
        })
    }

    fn reorder_images(&mut self, product: ProductId, image_ids_in_order: &[i64]) -> Result<()> {
        super::photos::reorder(&mut self.client, product, image_ids_in_order)
    }

    fn set_image_alt_text(&mut self, image_id: i64, text: &str) -> Result<()> {
        super::photos::set_alt_text(&mut self.client, image_id, text)
    }

    fn rotate_image(&mut self, image_id: i64) -> Result<()> {
        super::photos::rotate(&mut self.client, image_id)
    }

    fn trash_image(&mut self, image_id: i64) -> Result<()> {
        super::photos::set_trashed(&mut self.client, image_id, true)
    }

    fn restore_image(&mut self, image_id: i64) -> Result<()> {
        super::photos::set_trashed(&mut self.client, image_id, false)
    }

    fn import_photos(&mut self, paths: &[PathBuf], target: ImportTarget, job: &Job) -> Result<JobReport> {
        images::import_into(self, paths, target, job)
    }

    fn import_csv(&mut self, path: &Path, options: &CsvImportOptions, job: &Job) -> Result<CsvImportReport> {
        csv_import::import_into(self, path, options, job)
    }

    fn remembered_columns(&mut self, headers: &[String]) -> Result<Columns> {
        super::csv::remembered_columns(&mut self.client, headers)
    }

    fn thumbnail(&mut self, sha256: &str) -> Result<Thumbnail> {
        images::check_hash(sha256)?;
        let row = self
            .client
            .query_opt(THUMBNAIL, &[&sha256])?
            .ok_or_else(|| Error::NotFound(format!("No thumbnail for photo {sha256}.")))?;
        Ok(Thumbnail {
            bytes: row.get(0),
            mime: row.get(1),
            width: row.get::<_, i32>(2).into(),
            height: row.get::<_, i32>(3).into(),
        })
    }

    fn categories(&mut self) -> Result<Vec<Category>> {
        super::categories::list(&mut self.client)
    }

    fn ensure_category_path(&mut self, path: &str) -> Result<Category> {
        super::categories::ensure_path(&mut self.client, path)
    }

    fn create_category(&mut self, name: &str, parent_id: Option<i64>) -> Result<Category> {
        super::categories::create(&mut self.client, name, parent_id)
    }

    fn rename_category(&mut self, id: i64, name: &str) -> Result<Category> {
        super::categories::rename(&mut self.client, id, name)
    }

    fn move_category(&mut self, id: i64, parent_id: Option<i64>) -> Result<Category> {
        super::categories::move_to(&mut self.client, id, parent_id)
    }

    fn delete_category(&mut self, id: i64) -> Result<()> {
        super::categories::delete(&mut self.client, id)
    }

    fn rename_tag(&mut self, old: &str, new: &str) -> Result<()> {
        super::tags::rename(&mut self.client, old, new)
    }

    fn delete_tag(&mut self, name: &str) -> Result<usize> {
        super::tags::delete(&mut self.client, name)
    }

    fn search(&mut self, typed: &str, limit: u32) -> Result<Vec<SearchHit>> {
        super::search::search(&mut self.client, typed, limit)
    }

    fn create_product(&mut self, fields: &ProductFields) -> Result<Product> {
        let fields = fields.tidied()?;
        let mut tx = self.client.transaction()?;
        let id = insert_product(&mut tx, &fields)?;
        let product = product_in(&mut tx, id)?;
        tx.commit()?;
        Ok(product)
    }

    fn update_product(
        &mut self,
        id: ProductId,
        expected_version: i64,
        fields: &ProductFields,
    ) -> Result<Product> {
        let mut tx = self.client.transaction()?;
        let product = update_in(&mut tx, id, expected_version, fields)?;
        tx.commit()?;
        Ok(product)
    }

    fn move_to_trash(&mut self, ids: &[ProductId]) -> Result<usize> {
        self.all_or_none(TRASH, ids)
    }

    fn variants(&mut self, product: ProductId, in_trash: bool) -> Result<Vec<Variant>> {
        super::variants::of_product(&mut self.client, product, in_trash)
    }

    fn variant_by_sku(&mut self, sku: &str) -> Result<Variant> {
        super::variants::by_sku(&mut self.client, sku)
    }

    fn set_options(&mut self, product: ProductId, names: &[String]) -> Result<Product> {
        super::variants::set_options(&mut self.client, product, names)
    }

    fn generate_variants(
        &mut self,
        product: ProductId,
        options: &[OptionValues],
        price_minor: i64,
        stock: i64,
    ) -> Result<Product> {
        super::variants::generate(&mut self.client, product, options, price_minor, stock)
    }

    fn create_variant(&mut self, product: ProductId, fields: &VariantFields) -> Result<Variant> {
        super::variants::create(&mut self.client, product, fields)
    }

    fn update_variant(
        &mut self,
        id: VariantId,
        expected_version: i64,
        fields: &VariantFields,
    ) -> Result<Variant> {
        super::variants::update(&mut self.client, id, expected_version, fields)
    }

    fn trash_variants(&mut self, ids: &[VariantId]) -> Result<usize> {
        super::variants::trash(&mut self.client, ids)
    }

    fn restore_variants(&mut self, ids: &[VariantId]) -> Result<usize> {
        super::variants::restore(&mut self.client, ids)
    }

    fn bulk_edit_variants(&mut self, ids: &[VariantId], edit: &VariantBulkEdit) -> Result<usize> {
        super::variants::bulk_edit(&mut self.client, ids, edit)
    }

    fn restore_from_trash(&mut self, ids: &[ProductId]) -> Result<usize> {
        self.all_or_none(RESTORE, ids)
    }

    fn purge(&mut self, ids: &[ProductId]) -> Result<usize> {
        let mut tx = self.client.transaction()?;
        refuse_missing(&mut tx, ids)?;
        if let Some(id) = tx.query_one(NOT_IN_TRASH, &[&ids])?.get::<_, Option<i64>>(0) {
            return Err(trash::not_in_trash(id));
        }
        for statement in PURGE {
            tx.execute(statement, &[&ids])?;
        }
        tx.commit()?;
        Ok(ids.len())
    }
}
