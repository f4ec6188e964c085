//! One draft checked against the catalog with the editor's own rules and messages
//! ([`ProductFields::tidied`]), becoming a product to write with its batch (see `batch`). An
//! existing product is updated in place, so it keeps its id, images, tags and history and
//! its `version` moves on. A product written on its own (when SQLite refuses a batch) goes
//! through `INSERT ... ON CONFLICT(sku) DO UPDATE` inside a savepoint: a refused row leaves
//! nothing behind.

use super::rows::{Draft, ImageRef};
use super::{IssueKind, RowIssue};
use crate::catalog::products::{ProductFields, ShopFields, Status};
use crate::catalog::{tags, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use crate::money::parse_price;
use crate::rules;
use rusqlite::OptionalExtension;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the import knows before the first row.
pub struct Context {
    pub shopify: bool,
    pub default_currency: String,
    pub minor_units: HashMap<String, u32>,
    pub csv_dir: PathBuf,
    /// Individual change announcements left before they collapse into one "everything".
    pub announce_budget: usize,
    /// Check each product in a savepoint so a refused one leaves no new category behind.
    /// Needed only when good rows are committed beside refused ones (skip bad rows):
    /// otherwise any refusal rolls the whole transaction back. A savepoint makes FTS5 flush
    /// its pending index data; products are indexed once per batch, so only the first
    /// savepoint after a batch has any to flush.
    pub savepoint_per_row: bool,
    /// Local photos named by accepted rows, imported through the image library once the
    /// rows are committed (the image import runs its own transactions).
    pub photos: Vec<Photo>,
}

/// A photo file a CSV row names, inside the CSV's folder.
#[derive(Debug, Clone)]
pub struct Photo {
    pub line: u64,
    pub sku: String,
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
}

const UPSERT: &str = "INSERT INTO products
    (sku, name, description, price_minor, currency, stock, status, category_id, owner_id, barcode)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
  ON CONFLICT (sku) DO UPDATE SET name = excluded.name, description = excluded.description,
    price_minor = excluded.price_minor, currency = excluded.currency, stock = excluded.stock,
    status = excluded.status, category_id = excluded.category_id, barcode = excluded.barcode,
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE products.deleted_at IS NULL
  RETURNING id";
/// The product a row would update: the columns the import compares and writes. (Not
/// `products::get`, which also builds the category path from the whole category tree.)
const EXISTING: &str = "SELECT id, sku, name, description, price_minor, currency, stock, status,
    category_id, barcode, deleted_at FROM products WHERE sku = ?1";

struct Product {
    id: ProductId,
    sku: String,
    name: String,
    description: String,
    price_minor: i64,
    currency: String,
    stock: i64,
    status: Status,
    category_id: Option<i64>,
    barcode: Option<String>,
    deleted_at: Option<String>,
    tags: Vec<String>,
}

fn existing(conn: &rusqlite::Connection, sku: &str) -> Result<Option<Product>> {
    let mut stmt = conn.prepare_cached(EXISTING)?;
    let found = stmt
        .query_row([sku], |r| {
            Ok(Product {
                id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                description: r.get(3)?,
                price_minor: r.get(4)?,
                currency: r.get(5)?,
                stock: r.get(6)?,
                status: Status::parse(r.get_ref(7)?.as_str()?).unwrap_or_default(),
                category_id: r.get(8)?,
                barcode: r.get(9)?,
                deleted_at: r.get(10)?,
                tags: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut product) = found else {
        return Ok(None);
    };
    product.tags = tags::of_product(conn, product.id)?;
    Ok(Some(product))
}

const FIND_CATEGORY: &str = "SELECT id FROM categories WHERE name = ?1 COLLATE NOCASE AND parent_id IS ?2";
const INSERT_CATEGORY: &str = "INSERT INTO categories (name, parent_id) VALUES (?1, ?2)";

/// A checked row: nothing to write, or a product to write with the next batch.
pub enum Prepared {
    Unchanged { photos: Vec<Photo> },
    Write(Box<Pending>),
}

/// A checked product waiting for its batch to be written.
pub struct Pending {
    pub line: u64,
    pub fields: ProductFields,
    /// The product it updates and the tags that product has; `None` for a new product.
    pub existing: Option<(ProductId, Vec<String>)>,
    pub photos: Vec<Photo>,
}

impl Pending {
    pub fn outcome(&self) -> RowOutcome {
        if self.existing.is_some() {
            RowOutcome::Updated
        } else {
            RowOutcome::Created
        }
    }

    /// The file's tags that the product does not have yet.
    pub fn new_tags(&self) -> Vec<String> {
        let have = self
            .existing
            .as_ref()
            .map_or(&[][..], |(_, tags)| tags.as_slice());
        self.fields
            .tags
            .iter()
            .filter(|t| !have.iter().any(|h| h.eq_ignore_ascii_case(t)))
            .cloned()
            .collect()
    }
}

const SAVEPOINT: &str = "SAVEPOINT csv_row";
const RELEASE: &str = "RELEASE csv_row";
const ROLLBACK: &str = "ROLLBACK TO csv_row; RELEASE csv_row";

/// Runs `f` inside a savepoint, so that when it fails it leaves nothing behind.
pub fn in_savepoint<T>(w: &mut Write<'_>, f: impl FnOnce(&mut Write<'_>) -> Result<T>) -> Result<T> {
    w.tx().execute_batch(SAVEPOINT)?;
    match f(w) {
        Ok(value) => {
            w.tx().execute_batch(RELEASE)?;
            Ok(value)
        }
        Err(err) => {
            w.tx().execute_batch(ROLLBACK)?;
            Err(err)
        }
    }
}

/// The SKU a draft will have, folded as the catalog compares SKUs (`COLLATE NOCASE`): two
/// rows with the same key must not be in one batch, the second has to see the first.
pub fn sku_key(draft: &Draft, shopify: bool) -> String {
    let sku = rules::tidy(&draft.sku);
    let sku = if sku.is_empty() && shopify {
        rules::tidy(&draft.handle)
    } else {
        sku
    };
    sku.to_ascii_lowercase()
}

/// Checks one draft against the catalog as it is (with the rows of earlier batches written)
/// without writing the product; `notes` collects warnings and image notes. Only a new
/// category can be written here, so in skip-bad-rows mode the checks run in a savepoint and
/// a refused row leaves no category behind.
pub fn prepare(
    w: &mut Write<'_>,
    draft: &Draft,
    ctx: &mut Context,
    notes: &mut Vec<RowIssue>,
) -> Result<Prepared> {
    if !ctx.savepoint_per_row {
        return prepare_inner(w, draft, ctx, notes);
    }
    in_savepoint(w, |w| prepare_inner(w, draft, ctx, notes))
}

/// Writes one checked product on its own, tags included (new tags only for an update). The
/// batch statements fall back to this when SQLite refuses one of their rows, so that the
/// refusal is reported for its own line.
pub fn write_one(w: &mut Write<'_>, pending: &Pending) -> Result<ProductId> {
    in_savepoint(w, |w| {
        let id = upsert(w, &pending.fields)?;
        for tag in pending.new_tags() {
            tags::add_to_product(w, id, &tag)?;
        }
        Ok(id)
    })
}

fn note(notes: &mut Vec<RowIssue>, line: u64, sku: &str, kind: IssueKind, message: String) {
    notes.push(RowIssue {
        line,
        sku: sku.to_owned(),
        kind,
        message,
        field: None,
    });
}

fn prepare_inner(
    w: &mut Write<'_>,
    draft: &Draft,
    ctx: &mut Context,
    notes: &mut Vec<RowIssue>,
) -> Result<Prepared> {
    let mut sku = rules::tidy(&draft.sku);
    if sku.is_empty() && ctx.shopify {
        sku = draft.handle.clone();
        note(
            notes,
            draft.line,
            &sku,
            IssueKind::Warning,
            format!("No SKU: the handle {sku:?} is used as its SKU."),
        );
    }
    let existing = existing(w.tx(), &sku)?;
    if let Some(p) = existing.as_ref().filter(|p| p.deleted_at.is_some()) {
        return Err(Error::refused(format!(
            "SKU {} belongs to {}, which is in the trash. Restore it or delete it for good first.",
            p.sku, p.name
        )));
    }
    let mut fields = draft_fields(w, draft, sku, existing.as_ref(), ctx, notes)?;
    if ctx.shopify {
        lenient_barcode(&mut fields, draft.line, notes);
    }
    let fields = fields.tidied()?;
    let photos: Vec<Photo> = draft
        .images
        .iter()
        .filter_map(|image| local_photo(image, &fields.sku, &ctx.csv_dir, notes))
        .collect();
    for line in &draft.variant_lines {
        note(
            notes,
            *line,
            &fields.sku,
            IssueKind::VariantNotImported,
            "A further variant of this product: variants are not imported yet, so this row was left out."
                .into(),
        );
    }
    if let Some(current) = &existing {
        if same_as(current, &fields) {
            return Ok(Prepared::Unchanged { photos });
        }
    }
    Ok(Prepared::Write(Box::new(Pending {
        line: draft.line,
        fields,
        existing: existing.map(|p| (p.id, p.tags)),
        photos,
    })))
}

/// Writes the product; its tags are kept and the file's tags added to them.
fn upsert(w: &mut Write<'_>, f: &ProductFields) -> Result<ProductId> {
    let mut stmt = w.tx().prepare_cached(UPSERT)?;
    let id: Option<ProductId> = stmt
        .query_row(
            rusqlite::params![
                f.sku,
                f.name,
                f.description,
                f.price_minor,
                f.currency,
                f.stock,
                f.status.as_str(),
                f.category_id,
                w.actor(),
                f.barcode,
            ],
            |r| r.get(0),
        )
        .optional()?;
    id.ok_or_else(|| Error::refused(format!("SKU {} belongs to a product in the trash.", f.sku)))
}

/// A long import would announce a million ids; past the budget it announces one change with
/// id `*`, which means "reload the product list".
pub fn announce(w: &mut Write<'_>, ctx: &mut Context, id: ProductId, outcome: RowOutcome) {
    let kind = if outcome == RowOutcome::Created {
        ChangeKind::Created
    } else {
        ChangeKind::Updated
    };
    match ctx.announce_budget {
        0 => {}
        1 => w.record(Entity::Product, "*", ChangeKind::Updated),
        _ => w.record(Entity::Product, id, kind),
    }
    ctx.announce_budget = ctx.announce_budget.saturating_sub(1);
}

fn same_as(current: &Product, f: &ProductFields) -> bool {
    current.name == f.name
        && current.description == f.description
        && current.price_minor == f.price_minor
        && Some(&current.currency) == f.currency.as_ref()
        && current.stock == f.stock
        && current.status == f.status
        && current.category_id == f.category_id
        && current.barcode == f.barcode
        && f.tags
            .iter()
            .all(|t| current.tags.iter().any(|c| c.eq_ignore_ascii_case(t)))
}

/// The product the row describes: the file's cells where the file has the column, the
/// product's current values (or the defaults for a new one) where it has not.
fn draft_fields(
    w: &mut Write<'_>,
    draft: &Draft,
    sku: String,
    existing: Option<&Product>,
    ctx: &Context,
    notes: &mut Vec<RowIssue>,
) -> Result<ProductFields> {
    let currency = draft
        .currency
        .as_deref()
        .map(|c| c.trim().to_ascii_uppercase())
        .or_else(|| existing.map(|p| p.currency.clone()))
        .unwrap_or_else(|| ctx.default_currency.clone());
    let minor_units = *ctx.minor_units.get(&currency).ok_or_else(|| {
        Error::validation(
            "currency",
            format!("{currency} isn't a known currency (use an ISO 4217 code like USD or EUR)."),
        )
    })?;
    let price_minor = match &draft.price {
        Some(text) => parse_price(text, minor_units)?,
        None => existing.map_or(0, |p| p.price_minor),
    };
    let stock = stock(draft, existing, ctx.shopify, notes, &sku)?;
    let status = status(draft, existing)?;
    let category_id = match category_text(draft) {
        Some(path) if path.trim().is_empty() => None,
        Some(path) => Some(ensure_category(w, &path)?),
        None => existing.and_then(|p| p.category_id),
    };
    let barcode = match &draft.barcode {
        Some(text) => clean_barcode(text, draft.line, &sku, notes),
        None => existing.and_then(|p| p.barcode.clone()),
    };
    let mut tags: Vec<String> = draft
        .tags
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(p) = existing {
        tags.extend(p.tags.iter().cloned());
    }
    Ok(ProductFields {
        sku,
        name: draft.name.clone(),
        description: draft
            .description
            .clone()
            .or_else(|| existing.map(|p| p.description.clone()))
            .unwrap_or_default(),
        price_minor,
        currency: Some(currency),
        stock,
        status,
        category_id,
        barcode,
        tags,
        // Shop fields are not read from CSV files yet; the import's UPDATE leaves them alone.
        shop: ShopFields::default(),
    })
}

fn stock(
    draft: &Draft,
    existing: Option<&Product>,
    shopify: bool,
    notes: &mut Vec<RowIssue>,
    sku: &str,
) -> Result<i64> {
    let keep = existing.map_or(0, |p| p.stock);
    let Some(text) = draft.stock.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(keep);
    };
    let value: i64 = text.replace([',', '_'], "").parse().map_err(|_| {
        Error::validation(
            "stock",
            format!("{text:?} is not a stock count: use a whole number."),
        )
    })?;
    if value < 0 && shopify {
        note(
            notes,
            draft.line,
            sku,
            IssueKind::Warning,
            format!("Stock {value} was read as 0 (the catalog holds no negative stock)."),
        );
        return Ok(0);
    }
    Ok(value)
}

fn status(draft: &Draft, existing: Option<&Product>) -> Result<Status> {
    if let Some(text) = draft.status.as_deref().filter(|t| !t.trim().is_empty()) {
        return Status::parse(text);
    }
    if let Some(published) = draft
        .published
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        return Ok(if published.eq_ignore_ascii_case("true") {
            Status::Active
        } else {
            Status::Draft
        });
    }
    Ok(existing.map_or(Status::Draft, |p| p.status))
}

/// Generic: `category`. Shopify: `Product Category`, else `Type`.
fn category_text(draft: &Draft) -> Option<String> {
    let non_empty = |c: &Option<String>| c.clone().filter(|t| !t.trim().is_empty());
    non_empty(&draft.category)
        .or_else(|| non_empty(&draft.product_type))
        .or_else(|| {
            draft
                .category
                .as_ref()
                .or(draft.product_type.as_ref())
                .map(|_| String::new())
        })
}

/// Finds or creates every level of `A > B > C` inside the import's transaction.
fn ensure_category(w: &mut Write<'_>, path: &str) -> Result<i64> {
    let mut parent: Option<i64> = None;
    for part in path.split('>').map(str::trim).filter(|p| !p.is_empty()) {
        rules::check_category_name(part)?;
        let found: Option<i64> = w
            .tx()
            .prepare_cached(FIND_CATEGORY)?
            .query_row((part, parent), |r| r.get(0))
            .optional()?;
        parent = Some(match found {
            Some(id) => id,
            None => {
                w.tx().execute(INSERT_CATEGORY, (part, parent))?;
                let id = w.tx().last_insert_rowid();
                w.record(Entity::Category, id, ChangeKind::Created);
                id
            }
        });
    }
    parent.ok_or_else(|| Error::validation("category", "The category path is empty."))
}

/// A barcode as spreadsheets leave it: a leading `'` (text marker) is dropped, ISBN hyphens
/// and spaces removed; scientific notation (`3.65275E+11`) has lost digits, so the barcode is
/// left empty with a warning rather than stored wrong.
pub fn clean_barcode(text: &str, line: u64, sku: &str, notes: &mut Vec<RowIssue>) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix('\'').unwrap_or(text).trim();
    if text.is_empty() {
        return None;
    }
    if is_scientific(text) {
        note(notes, line, sku, IssueKind::Warning, format!(
            "The barcode {text} was turned into scientific notation by a spreadsheet and its digits are lost; it was left empty. Type it in again."
        ));
        return None;
    }
    let digits: String = text.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(digits)
    } else {
        Some(text.to_owned())
    }
}

/// Shopify stores any text as a barcode (15-digit codes and `N/A` occur in real exports);
/// the catalog holds 8 to 14 digits. Rather than refuse the whole product, the barcode is
/// left empty and the seller told why, with the editor's own words.
fn lenient_barcode(fields: &mut ProductFields, line: u64, notes: &mut Vec<RowIssue>) {
    if let Err(err) = rules::check_barcode(fields.barcode.as_deref()) {
        let code = fields.barcode.take().unwrap_or_default();
        note(
            notes,
            line,
            &fields.sku,
            IssueKind::Warning,
            format!("The barcode {code} was left empty: {err}"),
        );
    }
}

fn is_scientific(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.trim_start_matches(['+', '-']);
    !mantissa.is_empty()
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

/// Sorts the images a row names: URLs are listed as not fetched (Shelfkeeper works offline);
/// a file beside the CSV (or in a folder below it) is returned for the image library; a
/// missing file, or one outside the CSV's folder, is listed with the reason.
fn local_photo(image: &ImageRef, sku: &str, csv_dir: &Path, notes: &mut Vec<RowIssue>) -> Option<Photo> {
    let source = &image.source;
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        let message = format!("{source} is on the web and was not fetched (Shelfkeeper works offline).");
        note(notes, image.line, sku, IssueKind::ImageNotFetched, message);
        return None;
    }
    let inside = csv_dir.canonicalize().ok().and_then(|dir| {
        let path = dir.join(source).canonicalize().ok()?;
        (path.starts_with(&dir) && path.is_file()).then_some(path)
    });
    if inside.is_none() {
        let message = format!("{source} was not found in the CSV file's folder.");
        note(notes, image.line, sku, IssueKind::ImageNotImported, message);
    }
    inside.map(|path| Photo {
        line: image.line,
        sku: sku.to_owned(),
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barcodes_are_cleaned_like_a_careful_person_would() {
        let mut notes = Vec::new();
        assert_eq!(
            clean_barcode("'100100717873410", 2, "A", &mut notes).as_deref(),
            Some("100100717873410")
        );
        assert_eq!(
            clean_barcode("978-3-16-148410-0", 2, "A", &mut notes).as_deref(),
            Some("9783161484100")
        );
        assert!(notes.is_empty());
        assert_eq!(clean_barcode("3.65275E+11", 2, "A", &mut notes), None);
        assert_eq!(clean_barcode("'3.65275e+11", 2, "A", &mut notes), None);
        assert_eq!(notes.len(), 2);
        assert_eq!(clean_barcode("  ", 2, "A", &mut notes), None);
        assert_eq!(clean_barcode("N/A", 2, "A", &mut notes).as_deref(), Some("N/A"));
    }
}
