//! Products: the seller's work. Edits carry the `version` they started from; a stale one is a
//! Conflict that carries the row as it is now. Lists page by keyset (the sort value and the id
//! of the last row seen), so page 1,000 costs what page 1 costs.

use super::{categories, search, settings, tags, Catalog, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use crate::money::PriceChange;
use crate::rules;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Active,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Active => "active",
            Status::Archived => "archived",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "draft" => Ok(Status::Draft),
            "active" => Ok(Status::Active),
            "archived" => Ok(Status::Archived),
            _ => Err(Error::validation(
                "status",
                "The status must be draft, active or archived.",
            )),
        }
    }
}

/// A whole product as the editor shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Product {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    /// Decimal places of `currency`, so `price_minor` can be shown without guessing.
    pub minor_units: u32,
    pub stock: i64,
    pub status: Status,
    pub category_id: Option<i64>,
    pub category_path: Option<String>,
    pub owner_id: i64,
    pub barcode: Option<String>,
    pub tags: Vec<String>,
    pub primary_image: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub version: i64,
}

/// What the editor, the command line and importers may set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductFields {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price_minor: i64,
    /// ISO 4217 code; the catalog's default currency when absent.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub stock: i64,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub barcode: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl ProductFields {
    /// Tidies what a person typed (surrounding white space, an empty barcode) and checks
    /// every field, so the first problem is reported against its field.
    pub fn tidied(&self) -> Result<ProductFields> {
        let fields = ProductFields {
            sku: rules::tidy(&self.sku),
            name: rules::tidy(&self.name),
            description: self.description.clone(),
            price_minor: self.price_minor,
            currency: self.currency.as_deref().map(|c| c.trim().to_ascii_uppercase()),
            stock: self.stock,
            status: self.status,
            category_id: self.category_id,
            barcode: self.barcode.as_deref().map(rules::tidy).filter(|b| !b.is_empty()),
            tags: tags::tidy_names(&self.tags)?,
        };
        rules::check_sku(&fields.sku)?;
        rules::check_name(&fields.name)?;
        rules::check_description(&fields.description)?;
        rules::check_price(fields.price_minor)?;
        rules::check_stock(fields.stock)?;
        rules::check_barcode(fields.barcode.as_deref())?;
        Ok(fields)
    }
}

/// One row of the product list or grid.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductSummary {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub price_minor: i64,
    pub currency: String,
    pub minor_units: u32,
    pub stock: i64,
    pub status: Status,
    pub category_id: Option<i64>,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub version: i64,
    pub primary_image: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Name,
    Sku,
    Price,
    Stock,
    Updated,
}

/// Where the previous page ended: its last row's sort value and id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cursor {
    pub value: CursorValue,
    pub id: ProductId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum CursorValue {
    Number(i64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ProductQuery {
    pub status: Option<Status>,
    pub category_id: Option<i64>,
    pub tag: Option<String>,
    /// Low stock: at or below this many.
    pub stock_at_most: Option<i64>,
    /// The trash instead of the live catalog.
    pub in_trash: bool,
    /// Words typed in the search box; each is matched as a prefix.
    pub search: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<Cursor>,
    /// At most 1,000; 100 when 0.
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Page {
    pub items: Vec<ProductSummary>,
    /// Pass back as `after` for the next page; absent on the last page.
    pub next: Option<Cursor>,
}

macro_rules! summary_select {
    () => {
        "SELECT p.id, p.sku, p.name, p.price_minor, p.currency, c.minor_units, p.stock, p.status,
           p.category_id, p.updated_at, p.deleted_at, p.version,
           (SELECT i.sha256 FROM product_images AS i
             WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1)
         FROM products AS p JOIN currencies AS c ON c.code = p.currency"
    };
}

/// The list filters; ?1 status, ?2 category, ?3 tag, ?4 stock at most, ?5 trash, ?6 FTS query,
/// then ?7/?8 the cursor (sort value, id) and ?9 the limit.
macro_rules! page_sql {
    ($key:literal, $after_cursor:literal, $dir:literal) => {
        concat!(
            summary_select!(),
            " WHERE (?1 IS NULL OR p.status = ?1)
              AND (?2 IS NULL OR p.category_id = ?2)
              AND (?3 IS NULL OR EXISTS (SELECT 1 FROM product_tags AS pt JOIN tags AS t
                    ON t.id = pt.tag_id WHERE pt.product_id = p.id AND t.name = ?3))
              AND (?4 IS NULL OR p.stock <= ?4)
              AND (p.deleted_at IS NOT NULL) = (?5 = 1)
              AND (?6 IS NULL OR p.id IN (SELECT rowid FROM product_search WHERE product_search MATCH ?6))
              AND ",
            $after_cursor,
            "
             ORDER BY ",
            $key,
            " ",
            $dir,
            ", p.id ",
            $dir,
            " LIMIT ?9"
        )
    };
}

/// The statement for one sort order. Row values (`(key, id) > (?, ?)`) let SQLite seek in
/// the sort's index; for the case-insensitive name they don't (SQLite will not match a row
/// value with a COLLATE to the index), so the name sort spells the same condition as a
/// range plus a tie-break, which it does seek on.
fn page_statement(sort: SortKey, descending: bool) -> &'static str {
    match (sort, descending) {
        (SortKey::Name, false) => page_sql!(
            "p.name COLLATE NOCASE",
            "p.name COLLATE NOCASE >= ?7 AND (p.name COLLATE NOCASE > ?7 OR p.id > ?8)",
            "ASC"
        ),
        (SortKey::Name, true) => page_sql!(
            "p.name COLLATE NOCASE",
            "p.name COLLATE NOCASE <= ?7 AND (p.name COLLATE NOCASE < ?7 OR p.id < ?8)",
            "DESC"
        ),
        (SortKey::Sku, false) => page_sql!("p.sku", "(p.sku, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Sku, true) => page_sql!("p.sku", "(p.sku, p.id) < (?7, ?8)", "DESC"),
        (SortKey::Price, false) => page_sql!("p.price_minor", "(p.price_minor, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Price, true) => page_sql!("p.price_minor", "(p.price_minor, p.id) < (?7, ?8)", "DESC"),
        (SortKey::Stock, false) => page_sql!("p.stock", "(p.stock, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Stock, true) => page_sql!("p.stock", "(p.stock, p.id) < (?7, ?8)", "DESC"),
        (SortKey::Updated, false) => page_sql!("p.updated_at", "(p.updated_at, p.id) > (?7, ?8)", "ASC"),
        (SortKey::Updated, true) => page_sql!("p.updated_at", "(p.updated_at, p.id) < (?7, ?8)", "DESC"),
    }
}

/// The cursor that comes before every row in this order (first page).
fn start_cursor(sort: SortKey, descending: bool) -> Cursor {
    let value = match (sort, descending) {
        (SortKey::Price | SortKey::Stock, false) => CursorValue::Number(i64::MIN),
        (SortKey::Price | SortKey::Stock, true) => CursorValue::Number(i64::MAX),
        (_, false) => CursorValue::Text(String::new()),
        (_, true) => CursorValue::Text("\u{10FFFF}".repeat(4)),
    };
    Cursor {
        value,
        id: if descending { i64::MAX } else { i64::MIN },
    }
}

fn cursor_of(item: &ProductSummary, sort: SortKey) -> Cursor {
    let value = match sort {
        SortKey::Name => CursorValue::Text(item.name.clone()),
        SortKey::Sku => CursorValue::Text(item.sku.clone()),
        SortKey::Price => CursorValue::Number(item.price_minor),
        SortKey::Stock => CursorValue::Number(item.stock),
        SortKey::Updated => CursorValue::Text(item.updated_at.clone()),
    };
    Cursor { value, id: item.id }
}

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ProductSummary> {
    Ok(ProductSummary {
        id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        price_minor: r.get(3)?,
        currency: r.get(4)?,
        minor_units: r.get(5)?,
        stock: r.get(6)?,
        status: status_from(r.get_ref(7)?.as_str()?),
        category_id: r.get(8)?,
        updated_at: r.get(9)?,
        deleted_at: r.get(10)?,
        version: r.get(11)?,
        primary_image: r.get(12)?,
    })
}

fn status_from(text: &str) -> Status {
    Status::parse(text).unwrap_or_default()
}

/// One page of products in the query's order.
pub fn list(conn: &Connection, query: &ProductQuery) -> Result<Page> {
    let limit = match query.limit {
        0 => 100,
        n => n.min(1000),
    };
    let cursor = query
        .after
        .clone()
        .unwrap_or_else(|| start_cursor(query.sort, query.descending));
    let cursor_value = match cursor.value {
        CursorValue::Number(n) => Value::Integer(n),
        CursorValue::Text(t) => Value::Text(t),
    };
    let fts = query.search.as_deref().and_then(search::fts_query);
    if query.search.as_deref().is_some_and(|s| !s.trim().is_empty()) && fts.is_none() {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let mut stmt = conn.prepare_cached(page_statement(query.sort, query.descending))?;
    let items: Vec<ProductSummary> = stmt
        .query_map(
            params![
                query.status.map(Status::as_str),
                query.category_id,
                query.tag,
                query.stock_at_most,
                query.in_trash,
                fts,
                cursor_value,
                cursor.id,
                limit + 1,
            ],
            summary_from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    let mut items = items;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|last| cursor_of(last, query.sort))
    } else {
        None
    };
    Ok(Page { items, next })
}

const GET: &str = "SELECT p.id, p.sku, p.name, p.description, p.price_minor, p.currency,
    c.minor_units, p.stock, p.status, p.category_id, p.owner_id, p.barcode, p.created_at,
    p.updated_at, p.deleted_at, p.version,
    (SELECT i.sha256 FROM product_images AS i
      WHERE i.product_id = p.id AND i.deleted_at IS NULL ORDER BY i.position, i.id LIMIT 1)
  FROM products AS p JOIN currencies AS c ON c.code = p.currency WHERE p.id = ?1";
const ID_BY_SKU: &str = "SELECT id FROM products WHERE sku = ?1";

pub fn get(conn: &Connection, id: ProductId) -> Result<Product> {
    let mut product = conn
        .prepare_cached(GET)?
        .query_row([id], |r| {
            Ok(Product {
                id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                description: r.get(3)?,
                price_minor: r.get(4)?,
                currency: r.get(5)?,
                minor_units: r.get(6)?,
                stock: r.get(7)?,
                status: status_from(r.get_ref(8)?.as_str()?),
                category_id: r.get(9)?,
                category_path: None,
                owner_id: r.get(10)?,
                barcode: r.get(11)?,
                created_at: r.get(12)?,
                updated_at: r.get(13)?,
                deleted_at: r.get(14)?,
                version: r.get(15)?,
                primary_image: r.get(16)?,
                tags: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("There is no product with id {id}.")))?;
    product.tags = tags::of_product(conn, id)?;
    if let Some(category) = product.category_id {
        product.category_path = Some(categories::path_of(conn, category)?);
    }
    Ok(product)
}

/// SKUs are unique without regard to case, so `abc-1` finds `ABC-1`.
pub fn id_by_sku(conn: &Connection, sku: &str) -> Result<Option<ProductId>> {
    Ok(conn
        .prepare_cached(ID_BY_SKU)?
        .query_row([sku.trim()], |r| r.get(0))
        .optional()?)
}

pub fn by_sku(conn: &Connection, sku: &str) -> Result<Product> {
    let id = id_by_sku(conn, sku)?
        .ok_or_else(|| Error::NotFound(format!("There is no product with SKU {}.", sku.trim())))?;
    get(conn, id)
}

const INSERT: &str = "INSERT INTO products
    (sku, name, description, price_minor, currency, stock, status, category_id, owner_id, barcode)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
/// Many products in one statement, from a JSON array of rows (see `insert_batch`).
const INSERT_MANY: &str = "INSERT INTO products
    (sku, name, description, price_minor, currency, stock, status, category_id, owner_id, barcode)
  SELECT value ->> 'sku', value ->> 'name', value ->> 'description', value ->> 'price_minor',
    value ->> 'currency', value ->> 'stock', value ->> 'status', value ->> 'category_id', ?2,
    value ->> 'barcode'
  FROM json_each(?1) WHERE true ORDER BY key
  RETURNING id, sku";
const UPDATE: &str = "UPDATE products SET sku = ?1, name = ?2, description = ?3, price_minor = ?4,
    currency = ?5, stock = ?6, status = ?7, category_id = ?8, barcode = ?9,
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = ?10 AND version = ?11";
const SKU_OWNER: &str = "SELECT id, name FROM products WHERE sku = ?1";
const CURRENCY_EXISTS: &str = "SELECT 1 FROM currencies WHERE code = ?1";

/// Friendly checks that need the database: the SKU is free, the currency and category exist.
fn check_references(conn: &Connection, fields: &ProductFields, this: Option<ProductId>) -> Result<()> {
    let holder: Option<(ProductId, String)> = conn
        .prepare_cached(SKU_OWNER)?
        .query_row([&fields.sku], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, name)) = holder.filter(|(id, _)| Some(*id) != this) {
        return Err(Error::Conflict {
            field: Some("sku"),
            message: format!("SKU {} is already used by {name} (product {id}).", fields.sku),
            current: None,
        });
    }
    if let Some(code) = &fields.currency {
        if conn
            .prepare_cached(CURRENCY_EXISTS)?
            .query_row([code], |_| Ok(()))
            .optional()?
            .is_none()
        {
            return Err(Error::validation(
                "currency",
                format!("{code} isn't a known currency (use an ISO 4217 code like USD or EUR)."),
            ));
        }
    }
    if let Some(category) = fields.category_id {
        categories::by_id(conn, category)
            .map_err(|_| Error::validation("category", "That category doesn't exist any more."))?;
    }
    Ok(())
}

/// Inserts one product (fields already tidied and checked) and its tags.
pub(crate) fn insert(w: &mut Write<'_>, fields: &ProductFields, currency: &str) -> Result<ProductId> {
    let id = insert_row(w, fields, currency)?;
    if !fields.tags.is_empty() {
        tags::set_for_product(w, id, &fields.tags)?;
    }
    Ok(id)
}

/// Inserts the product row alone (its search entry follows by trigger).
fn insert_row(w: &mut Write<'_>, fields: &ProductFields, currency: &str) -> Result<ProductId> {
    let owner = w.actor();
    let mut stmt = w.tx().prepare_cached(INSERT)?;
    stmt.execute(params![
        fields.sku,
        fields.name,
        fields.description,
        fields.price_minor,
        currency,
        fields.stock,
        fields.status.as_str(),
        fields.category_id,
        owner,
        fields.barcode,
    ])?;
    drop(stmt);
    let id = w.tx().last_insert_rowid();
    w.record(Entity::Product, id, ChangeKind::Created);
    Ok(id)
}

/// Inserts tidied products in one statement and announces them; their ids in `batch` order.
fn insert_many(w: &mut Write<'_>, batch: &[ProductFields], default_currency: &str) -> Result<Vec<ProductId>> {
    let fields: Vec<&ProductFields> = batch.iter().collect();
    let ids = insert_rows(w, &fields, default_currency)?;
    for &id in &ids {
        w.record(Entity::Product, id, ChangeKind::Created);
    }
    Ok(ids)
}

/// The bulk INSERT itself, for `insert_many` and the CSV import's batches (which announce
/// their rows their own way): tidied products in one statement; their ids in `batch` order.
pub(crate) fn insert_rows(
    w: &mut Write<'_>,
    batch: &[&ProductFields],
    default_currency: &str,
) -> Result<Vec<ProductId>> {
    let rows: Vec<serde_json::Value> = batch
        .iter()
        .map(|f| {
            serde_json::json!({
                "sku": f.sku, "name": f.name, "description": f.description,
                "price_minor": f.price_minor, "stock": f.stock, "status": f.status.as_str(),
                "currency": f.currency.as_deref().unwrap_or(default_currency),
                "category_id": f.category_id, "barcode": f.barcode,
            })
        })
        .collect();
    let json = serde_json::to_string(&rows)?;
    let owner = w.actor();
    let mut by_sku = std::collections::HashMap::with_capacity(batch.len());
    {
        let mut stmt = w.tx().prepare_cached(INSERT_MANY)?;
        let mut returned = stmt.query((json, owner))?;
        while let Some(row) = returned.next()? {
            by_sku.insert(
                row.get::<_, String>(1)?.to_ascii_lowercase(),
                row.get::<_, ProductId>(0)?,
            );
        }
    }
    let ids = batch
        .iter()
        .map(|f| by_sku.get(&f.sku.to_ascii_lowercase()).copied())
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::Internal("a bulk insert returned fewer rows than it was given".into()))?;
    Ok(ids)
}

/// [`Catalog::update_product`] inside a write already open: checks the edit, then writes it
/// if the product is still at `expected_version`.
pub(crate) fn update_in(
    w: &mut Write<'_>,
    id: ProductId,
    expected_version: i64,
    fields: &ProductFields,
) -> Result<()> {
    let fields = fields.tidied()?;
    let current = get(w.tx(), id)?;
    if current.version != expected_version {
        return Err(stale_edit(w.tx(), id)?);
    }
    check_references(w.tx(), &fields, Some(id))?;
    let currency = fields.currency.clone().unwrap_or(current.currency);
    update_row(w, id, expected_version, &fields, &currency)
}

/// Writes `fields` over product `id` if it is still at `expected_version`.
pub(crate) fn update_row(
    w: &mut Write<'_>,
    id: ProductId,
    expected_version: i64,
    fields: &ProductFields,
    currency: &str,
) -> Result<()> {
    let changed = w.tx().prepare_cached(UPDATE)?.execute(params![
        fields.sku,
        fields.name,
        fields.description,
        fields.price_minor,
        currency,
        fields.stock,
        fields.status.as_str(),
        fields.category_id,
        fields.barcode,
        id,
        expected_version,
    ])?;
    if changed == 0 {
        return Err(stale_edit(w.tx(), id)?);
    }
    tags::set_for_product(w, id, &fields.tags)?;
    w.record(Entity::Product, id, ChangeKind::Updated);
    Ok(())
}

/// The error for an edit whose version is no longer current: NotFound when the product is
/// gone, otherwise a Conflict carrying the current row for the side-by-side view.
fn stale_edit(conn: &Connection, id: ProductId) -> Result<Error> {
    let current = get(conn, id)?;
    Ok(Error::Conflict {
        field: None,
        message: format!(
            "{} was changed by someone else since you opened it (now at version {}). Nothing was overwritten: compare both versions and choose.",
            current.name, current.version
        ),
        current: Some(Box::new(serde_json::to_value(&current)?)),
    })
}

impl Catalog {
    pub fn create_product(&mut self, fields: &ProductFields) -> Result<Product> {
        let fields = fields.tidied()?;
        check_references(self.conn(), &fields, None)?;
        let currency = match &fields.currency {
            Some(c) => c.clone(),
            None => settings::default_currency(self.conn())?,
        };
        let id = self.write(|w| insert(w, &fields, &currency))?;
        get(self.conn(), id)
    }

    /// Saves an edit that started from `expected_version`. If someone saved first, nothing is
    /// written and the error carries their version.
    pub fn update_product(
        &mut self,
        id: ProductId,
        expected_version: i64,
        fields: &ProductFields,
    ) -> Result<Product> {
        self.write(|w| update_in(w, id, expected_version, fields))?;
        get(self.conn(), id)
    }

    /// The bulk path for imports and benchmarks: many products, committed every
    /// `batch` rows, each batch all-or-nothing. Returns how many were inserted.
    pub fn insert_products(
        &mut self,
        products: impl IntoIterator<Item = ProductFields>,
        batch: usize,
    ) -> Result<usize> {
        let default_currency = settings::default_currency(self.conn())?;
        let mut pending = Vec::with_capacity(batch);
        let mut done = 0;
        for fields in products {
            pending.push(fields.tidied()?);
            if pending.len() == batch.max(1) {
                done += self.insert_batch(&pending, &default_currency)?;
                pending.clear();
            }
        }
        if !pending.is_empty() {
            done += self.insert_batch(&pending, &default_currency)?;
        }
        Ok(done)
    }

    /// One batch as three statements: every product, every tag link, then the search index
    /// for all of them. Row by row, each INSERT opens a statement savepoint, and FTS5 flushes
    /// its pending index at every savepoint: one tiny index segment per product, then merges
    /// (about 1 ms a product). When SQLite refuses the batch statement, the batch is replayed
    /// row by row inside the same transaction so the error names the row.
    fn insert_batch(&mut self, batch: &[ProductFields], default_currency: &str) -> Result<usize> {
        self.write(|w| {
            let ids = search::index_after(w, |w| {
                let ids = match insert_many(w, batch, default_currency) {
                    Ok(ids) => ids,
                    Err(_) => batch
                        .iter()
                        .map(|f| {
                            let currency = f.currency.as_deref().unwrap_or(default_currency);
                            insert_row(w, f, currency).map_err(|e| with_sku(e, &f.sku))
                        })
                        .collect::<Result<Vec<_>>>()?,
                };
                let links: Vec<(ProductId, &[String])> = ids
                    .iter()
                    .zip(batch)
                    .map(|(id, f)| (*id, f.tags.as_slice()))
                    .collect();
                tags::attach_many(w, &links)?;
                Ok(ids)
            })?;
            Ok(ids.len())
        })
    }

    /// Applies one change to many products in one transaction: all or nothing. A price change
    /// that would make any price negative refuses the whole edit and names the product.
    pub fn bulk_edit(&mut self, ids: &[ProductId], edit: &BulkEdit) -> Result<usize> {
        if let BulkEdit::SetCategory(Some(category)) = edit {
            categories::by_id(self.conn(), *category)?;
        }
        self.write(|w| {
            for &id in ids {
                apply_bulk(w, id, edit)?;
            }
            Ok(ids.len())
        })
    }
}

/// Names the product in an error from a bulk write, so the seller knows which row failed.
fn with_sku(err: Error, sku: &str) -> Error {
    match err {
        Error::Validation { field, message } => Error::Validation {
            field,
            message: format!("{sku}: {message}"),
        },
        Error::Conflict {
            field,
            message,
            current,
        } => Error::Conflict {
            field,
            message: format!("{sku}: {message}"),
            current,
        },
        other => other,
    }
}

/// One change applied to every selected product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change", content = "value")]
pub enum BulkEdit {
    SetStatus(Status),
    SetCategory(Option<i64>),
    AddTag(String),
    RemoveTag(String),
    AdjustPrice(PriceChange),
    SetStock(i64),
}

const BUMP: &str = "UPDATE products SET version = version + 1,
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1";

fn apply_bulk(w: &mut Write<'_>, id: ProductId, edit: &BulkEdit) -> Result<()> {
    let product = get(w.tx(), id)?;
    let tx = w.tx();
    match edit {
        BulkEdit::SetStatus(status) => {
            tx.prepare_cached("UPDATE products SET status = ?1 WHERE id = ?2")?
                .execute((status.as_str(), id))?;
        }
        BulkEdit::SetCategory(category) => {
            tx.prepare_cached("UPDATE products SET category_id = ?1 WHERE id = ?2")?
                .execute((category, id))?;
        }
        BulkEdit::SetStock(stock) => {
            rules::check_stock(*stock)?;
            tx.prepare_cached("UPDATE products SET stock = ?1 WHERE id = ?2")?
                .execute((stock, id))?;
        }
        BulkEdit::AdjustPrice(change) => {
            let price = change.apply(product.price_minor).unwrap_or(-1);
            rules::check_price(price).map_err(|e| with_sku(e, &product.sku))?;
            tx.prepare_cached("UPDATE products SET price_minor = ?1 WHERE id = ?2")?
                .execute((price, id))?;
        }
        BulkEdit::AddTag(tag) => {
            let tag = rules::tidy(tag);
            rules::check_tag(&tag)?;
            tags::add_to_product(w, id, &tag)?;
            w.tx().prepare_cached(BUMP)?.execute([id])?;
        }
        BulkEdit::RemoveTag(tag) => {
            tags::remove_from_product(w, id, tag)?;
            w.tx().prepare_cached(BUMP)?.execute([id])?;
        }
    }
    w.record(Entity::Product, id, ChangeKind::Updated);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Library;

    /// A page deep in the list must cost what the first page costs: every sort order seeks
    /// in its index from the cursor instead of scanning from the start.
    #[test]
    fn every_sort_order_seeks_from_the_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(&Library::create_at(dir.path()).unwrap()).unwrap();
        for sort in [
            SortKey::Name,
            SortKey::Sku,
            SortKey::Price,
            SortKey::Stock,
            SortKey::Updated,
        ] {
            for descending in [false, true] {
                let sql = format!("EXPLAIN QUERY PLAN {}", page_statement(sort, descending));
                let mut stmt = catalog.conn().prepare(&sql).unwrap();
                let plan: Vec<String> = stmt
                    .query_map(rusqlite::params_from_iter([rusqlite::types::Null; 9]), |r| {
                        r.get::<_, String>(3)
                    })
                    .unwrap()
                    .map(|l| l.unwrap())
                    .collect();
                let outer = plan.iter().find(|l| l.contains(" p USING")).unwrap();
                let seeks =
                    outer.starts_with("SEARCH p USING") && (outer.contains('>') || outer.contains('<'));
                assert!(seeks, "{sort:?} desc={descending}: {plan:?}");
            }
        }
    }
}
