//! One draft checked against the catalog with the editor's own rules and messages
//! ([`ProductFields::tidied`], and `offers` for its variants), becoming a product to write
//! with its batch (see `batch`). An existing product (found by its shop handle, else its SKU)
//! is updated in place, so it keeps its id, images, tags and history and its `version`
//! moves on. A product written on its own (when SQLite refuses a batch) goes through the
//! same statements for one row inside a savepoint: a refused row leaves nothing behind.

use super::layout::Layout;
use super::offers::{self, Plan};
use super::rows::{issue, Draft, ImageRef};
use super::{cells, IssueKind, RowIssue};
use crate::catalog::products::{self, ProductFields, ShopFields, Status};
use crate::catalog::variants::{self, Variant};
use crate::catalog::{categories, tags, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use crate::money::parse_price;
use crate::rules;
use rusqlite::OptionalExtension;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the import knows before the first row.
pub struct Context {
    pub layout: Layout,
    /// What one unit of the file's weight column weighs in grams.
    pub grams_per_unit: f64,
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
    /// Photos named by accepted rows (files beside the CSV, or URLs), imported through the
    /// image library once the rows are committed (the image import runs its own
    /// transactions); and the variants' own photos among them.
    pub photos: Vec<Photo>,
    pub variant_images: Vec<VariantImage>,
}

/// A photo a CSV row names: a file inside the CSV's folder, or a URL to download.
#[derive(Debug, Clone)]
pub struct Photo {
    pub line: u64,
    pub sku: String,
    /// As the file names it (variant images refer to photos by this).
    pub name: String,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    File(PathBuf),
    Url(String),
}

/// A variant's photo, by the source the file names it with (one of its product's photos).
#[derive(Debug, Clone)]
pub struct VariantImage {
    pub sku: String,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
}

/// The product a row would update: the columns the import compares and writes. (Not
/// `products::get`, which also builds the category path from the whole category tree.)
macro_rules! select_existing {
    ($where:literal) => {
        concat!(
            "SELECT id, sku, name, description, price_minor, currency, stock, status, category_id,
               barcode, deleted_at, vendor, product_type, handle, compare_at_minor, cost_minor,
               weight_grams, EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
             FROM products ",
            $where
        )
    };
}
const BY_SKU: &str = select_existing!("WHERE sku = ?1");
const BY_HANDLE: &str = select_existing!("WHERE handle = ?1");

struct Product {
    id: ProductId,
    fields: ProductFields,
    deleted_at: Option<String>,
    has_options: bool,
    /// Its live variants, when it has options.
    variants: Vec<Variant>,
}

fn existing(conn: &rusqlite::Connection, query: &str, key: &str) -> Result<Option<Product>> {
    let found = conn
        .prepare_cached(query)?
        .query_row([key], |r| {
            Ok(Product {
                id: r.get(0)?,
                fields: ProductFields {
                    sku: r.get(1)?,
                    name: r.get(2)?,
                    description: r.get(3)?,
                    price_minor: r.get(4)?,
                    currency: r.get(5)?,
                    stock: r.get(6)?,
                    status: Status::parse(r.get_ref(7)?.as_str()?).unwrap_or_default(),
                    category_id: r.get(8)?,
                    barcode: r.get(9)?,
                    tags: Vec::new(),
                    shop: ShopFields {
                        vendor: r.get(11)?,
                        product_type: r.get(12)?,
                        handle: r.get(13)?,
                        compare_at_minor: r.get(14)?,
                        cost_minor: r.get(15)?,
                        weight_grams: r.get(16)?,
                    },
                },
                deleted_at: r.get(10)?,
                has_options: r.get(17)?,
                variants: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut product) = found else {
        return Ok(None);
    };
    product.fields.tags = tags::of_product(conn, product.id)?;
    if product.has_options {
        product.variants = variants::of_product(conn, product.id, false)?;
    }
    Ok(Some(product))
}

/// The product a draft updates: the one with its shop handle, else its SKU; a product with
/// variants may also be one an earlier import made from its first variant alone (it then
/// takes the handle's SKU and sells through its variants).
fn find(conn: &rusqlite::Connection, draft: &Draft, sku: &str) -> Result<Option<Product>> {
    if let Some(handle) = &draft.url_handle {
        if let Some(found) = existing(conn, BY_HANDLE, handle)? {
            return Ok(Some(found));
        }
    }
    if let Some(found) = existing(conn, BY_SKU, sku)? {
        return Ok(Some(found));
    }
    match draft.variants.first() {
        Some(first) if !first.sku.trim().is_empty() => Ok(existing(conn, BY_SKU, first.sku.trim())?
            .filter(|p| !p.has_options && p.fields.shop.handle.is_none())),
        _ => Ok(None),
    }
}

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
    /// Its options and variants, for a product that sells through them.
    pub plan: Option<Plan>,
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

    /// Every SKU the product will hold, folded as the catalog compares SKUs.
    pub fn sku_keys(&self) -> Vec<String> {
        let mut keys = vec![self.fields.sku.to_lowercase()];
        if let Some(plan) = &self.plan {
            keys.extend(plan.variants.iter().map(|v| v.sku.to_lowercase()));
        }
        keys
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

/// The SKUs a draft will hold, folded as the catalog compares SKUs (`COLLATE NOCASE`): two
/// rows sharing one must not be in one batch, the second has to see the first.
pub fn sku_keys(draft: &Draft, shop: bool) -> Vec<String> {
    let sku = rules::tidy(&draft.sku);
    let sku = if sku.is_empty() && shop {
        rules::tidy(&draft.handle)
    } else {
        sku
    };
    let mut keys = vec![sku.to_lowercase()];
    keys.extend(
        draft
            .variants
            .iter()
            .map(|v| rules::tidy(&v.sku).to_lowercase())
            .filter(|s| !s.is_empty()),
    );
    keys
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
    notes.extend(draft.notes.iter().cloned());
    if !ctx.savepoint_per_row {
        return prepare_inner(w, draft, ctx, notes);
    }
    in_savepoint(w, |w| prepare_inner(w, draft, ctx, notes))
}

/// Writes one checked product on its own: the product, its new tags, its options and
/// variants. The batch statements fall back to this when SQLite refuses one of their rows,
/// so that the refusal is reported for its own line.
pub fn write_one(w: &mut Write<'_>, pending: &Pending) -> Result<ProductId> {
    in_savepoint(w, |w| {
        let id = match &pending.existing {
            Some((id, _)) => {
                products::update_rows(w, &[(*id, &pending.fields)])?;
                *id
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

/// The options and variants of a batch's new products, in a few statements.
pub fn write_new_plans(w: &mut Write<'_>, written: &[(ProductId, &Pending)]) -> Result<()> {
    let planned: Vec<(ProductId, &[String], &[variants::VariantFields])> = written
        .iter()
        .filter_map(|(id, p)| {
            p.plan
                .as_ref()
                .map(|plan| (*id, plan.names.as_slice(), plan.variants.as_slice()))
        })
        .collect();
    variants::insert_with_options(w, &planned)
}

fn prepare_inner(
    w: &mut Write<'_>,
    draft: &Draft,
    ctx: &mut Context,
    notes: &mut Vec<RowIssue>,
) -> Result<Prepared> {
    let sells_through_variants = !draft.option_names.is_empty();
    let mut sku = rules::tidy(&draft.sku);
    if sku.is_empty() && ctx.layout.is_shop() {
        sku = rules::tidy(&draft.handle);
        // A Shopify product with options has no SKU of its own: its variants carry them.
        if !(sells_through_variants && ctx.layout.is_shopify()) {
            let message = format!("No SKU: {} {sku:?} is used as its SKU.", draft.fallback);
            notes.push(issue(draft.line, &sku, IssueKind::Warning, message));
        }
    }
    let existing = find(w.tx(), draft, &sku)?;
    if let Some(p) = existing.as_ref().filter(|p| p.deleted_at.is_some()) {
        return Err(Error::refused(format!(
            "SKU {} belongs to {}, which is in the trash. Restore it or delete it for good first.",
            p.fields.sku, p.fields.name
        )));
    }
    if let Some(p) = &existing {
        // The same SKU in other letter case stays as the catalog has it.
        if p.fields.sku.eq_ignore_ascii_case(&sku) {
            sku.clone_from(&p.fields.sku);
        }
    }
    let mut fields = draft_fields(w, draft, sku, existing.as_ref(), ctx, notes)?;
    if ctx.layout.is_shop() {
        cells::lenient_barcode(&mut fields.barcode, draft.line, &fields.sku, notes);
    }
    let mut fields = fields.tidied()?;
    let plan = if sells_through_variants {
        let minor_units = ctx.minor_units[fields.currency.as_deref().unwrap_or_default()];
        let plan = offers::plan(
            w.tx(),
            draft,
            &fields.sku,
            existing.as_ref().map(|p| p.id),
            minor_units,
            ctx,
            notes,
        )?;
        (fields.price_minor, fields.stock) = match &existing {
            // The schema keeps these as its variants' lowest price and total stock.
            Some(p) if p.has_options => (p.fields.price_minor, p.fields.stock),
            _ => plan.price_and_stock(),
        };
        Some(plan)
    } else {
        None
    };
    let photos: Vec<Photo> = draft
        .images
        .iter()
        .filter_map(|image| photo(image, &fields.sku, &ctx.csv_dir, notes))
        .collect();
    if let Some(current) = &existing {
        if same_as(current, &fields, plan.as_ref()) {
            return Ok(Prepared::Unchanged { photos });
        }
    }
    Ok(Prepared::Write(Box::new(Pending {
        line: draft.line,
        fields,
        existing: existing.map(|p| (p.id, p.fields.tags)),
        plan,
        photos,
    })))
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

fn same_as(current: &Product, f: &ProductFields, plan: Option<&Plan>) -> bool {
    let c = &current.fields;
    let same_product = c.sku == f.sku
        && c.name == f.name
        && c.description == f.description
        && c.price_minor == f.price_minor
        && c.currency == f.currency
        && c.stock == f.stock
        && c.status == f.status
        && c.category_id == f.category_id
        && c.barcode == f.barcode
        && c.shop == f.shop
        && f.tags
            .iter()
            .all(|t| c.tags.iter().any(|have| have.eq_ignore_ascii_case(t)));
    let same_variants = match plan {
        None => !current.has_options,
        Some(plan) => {
            current.has_options
                && plan
                    .variants
                    .iter()
                    .all(|v| current.variants.iter().any(|have| variants::same_fields(have, v)))
        }
    };
    same_product && same_variants
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
    let old = existing.map(|p| &p.fields);
    let currency = draft
        .currency
        .as_deref()
        .map(|c| c.trim().to_ascii_uppercase())
        .or_else(|| old.and_then(|p| p.currency.clone()))
        .unwrap_or_else(|| ctx.default_currency.clone());
    let minor_units = *ctx.minor_units.get(&currency).ok_or_else(|| {
        Error::validation(
            "currency",
            format!("{currency} isn't a known currency (use an ISO 4217 code like USD or EUR)."),
        )
    })?;
    let price_minor = match &draft.price {
        Some(text) => parse_price(text, minor_units)?,
        None => old.map_or(0, |p| p.price_minor),
    };
    let stock = cells::stock(
        draft.stock.as_deref().unwrap_or(""),
        ctx.layout.is_shop(),
        draft.line,
        &sku,
        notes,
    )?
    .unwrap_or_else(|| old.map_or(0, |p| p.stock));
    let (category_id, more_categories) = category(w, draft, old, ctx.layout)?;
    let barcode = match &draft.barcode {
        Some(text) => cells::clean_barcode(text, draft.line, &sku, notes),
        None => old.and_then(|p| p.barcode.clone()),
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
    if !more_categories.is_empty() {
        let message = format!(
            "The product is in more than one category; the catalog keeps one, so {} became tags.",
            more_categories.join(", ")
        );
        notes.push(issue(draft.line, &sku, IssueKind::Warning, message));
        tags.extend(more_categories);
    }
    if let Some(p) = old {
        tags.extend(p.tags.iter().cloned());
    }
    let keep = |text: &Option<String>, current: Option<&String>| match text {
        Some(t) => Some(t.clone()),
        None => current.cloned(),
    };
    let old_shop = old.map(|p| &p.shop);
    let amount = |text: &Option<String>, current: Option<i64>| match text {
        Some(t) => cells::amount(Some(t), minor_units),
        None => Ok(current),
    };
    let shop = ShopFields {
        vendor: keep(&draft.vendor, old_shop.and_then(|s| s.vendor.as_ref())),
        product_type: keep(
            &draft.product_type,
            old_shop.and_then(|s| s.product_type.as_ref()),
        ),
        handle: keep(&draft.url_handle, old_shop.and_then(|s| s.handle.as_ref())),
        compare_at_minor: amount(&draft.compare_at, old_shop.and_then(|s| s.compare_at_minor))?,
        cost_minor: amount(&draft.cost, old_shop.and_then(|s| s.cost_minor))?,
        weight_grams: match &draft.weight {
            Some(t) => cells::grams(t, ctx.grams_per_unit)?,
            None => old_shop.and_then(|s| s.weight_grams),
        },
    };
    Ok(ProductFields {
        sku,
        name: draft.name.clone(),
        description: draft
            .description
            .clone()
            .or_else(|| old.map(|p| p.description.clone()))
            .unwrap_or_default(),
        price_minor,
        currency: Some(currency),
        stock,
        status: status(draft, old)?,
        category_id,
        barcode,
        tags,
        shop,
    })
}

fn status(draft: &Draft, existing: Option<&ProductFields>) -> Result<Status> {
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

/// The product's category and the further category paths the file gives it (WooCommerce
/// lists several, comma-separated). Generic: `category`. Shopify: `Product Category`, else
/// `Type`. An empty cell clears the category; no column keeps it.
fn category(
    w: &mut Write<'_>,
    draft: &Draft,
    existing: Option<&ProductFields>,
    layout: Layout,
) -> Result<(Option<i64>, Vec<String>)> {
    let non_empty = |c: &Option<String>| c.clone().filter(|t| !t.trim().is_empty());
    let text = non_empty(&draft.category).or_else(|| non_empty(&draft.product_type));
    let Some(text) = text else {
        let cleared = draft.category.is_some() || draft.product_type.is_some();
        return Ok((
            if cleared {
                None
            } else {
                existing.and_then(|p| p.category_id)
            },
            Vec::new(),
        ));
    };
    let mut paths = if layout == Layout::Woocommerce {
        super::woocommerce::split_list(&text)
    } else {
        vec![text]
    };
    let first = paths.remove(0);
    Ok((Some(categories::ensure_path(w, &first)?), paths))
}

/// Sorts the images a row names: a URL is kept to download once the rows are committed; a
/// file beside the CSV (or in a folder below it) is kept for the image library; a missing
/// file, or one outside the CSV's folder, is listed with the reason.
fn photo(image: &ImageRef, sku: &str, csv_dir: &Path, notes: &mut Vec<RowIssue>) -> Option<Photo> {
    let source = &image.source;
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        let url = if lower.starts_with("//") {
            format!("https:{source}")
        } else {
            source.clone()
        };
        return Some(Photo {
            line: image.line,
            sku: sku.to_owned(),
            name: source.clone(),
            source: Source::Url(url),
        });
    }
    let inside = csv_dir.canonicalize().ok().and_then(|dir| {
        let path = dir.join(source).canonicalize().ok()?;
        (path.starts_with(&dir) && path.is_file()).then_some(path)
    });
    if inside.is_none() {
        let message = format!("{source} was not found in the CSV file's folder.");
        notes.push(issue(image.line, sku, IssueKind::ImageNotImported, message));
    }
    inside.map(|path| Photo {
        line: image.line,
        sku: sku.to_owned(),
        name: source.clone(),
        source: Source::File(path),
    })
}
