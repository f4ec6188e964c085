//! One draft checked against the catalog with the editor's own rules and messages
//! ([`ProductFields::tidied`], and `offers` for its variants), becoming a product to write
//! with its batch (see `batch`). An existing product (found by its shop handle, else its SKU)
//! is updated in place, so it keeps its id, images, tags and history and its `version`
//! moves on.

use super::destination::{in_savepoint, ImportRows};
use super::existing::{find, Product};
use super::fields::draft_fields;
use super::layout::Layout;

use super::offers::{self, Plan};
use super::rows::{issue, Draft, ImageRef};
use super::{cells, IssueKind, RowIssue};
use crate::catalog::products::ProductFields;
use crate::catalog::variants;
use crate::catalog::{ChangeKind, ProductId};
use crate::error::{Error, Result};
use crate::rules;
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
    /// savepoint after a batch has any to flush. (Only a new category is written while a
    /// row is checked; a team server makes one in a savepoint of its own, so a refusal
    /// there leaves its transaction usable.)
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

/// A checked row: nothing to write, or a product to write with the next batch.
pub enum Prepared {
    Unchanged { photos: Vec<Photo> },
    Write(Box<Pending>),
}

/// The product a row updates, as the import read it.
pub struct Existing {
    pub id: ProductId,
    /// Its version then: a team catalog refuses the write if someone saved it meanwhile.
    pub version: i64,
    pub tags: Vec<String>,
}

/// A checked product waiting for its batch to be written.
pub struct Pending {
    pub line: u64,
    pub fields: ProductFields,
    /// The product it updates, as the import read it; `None` for a new product.
    pub existing: Option<Existing>,
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
        let have = self.existing.as_ref().map_or(&[][..], |e| e.tags.as_slice());
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

/// New products' tags, by the ids they were written with (in `rows` order).
pub fn tags_of<'a>(ids: &[ProductId], rows: &[&'a Pending]) -> Vec<(ProductId, &'a [String])> {
    ids.iter()
        .zip(rows)
        .map(|(id, p)| (*id, p.fields.tags.as_slice()))
        .collect()
}

/// The tags a file adds to the products it updates, by their ids.
pub fn added_tags(rows: &[&Pending]) -> Vec<(ProductId, Vec<String>)> {
    rows.iter()
        .filter_map(|p| p.existing.as_ref().map(|e| (e.id, p.new_tags())))
        .collect()
}

/// The options and variants of the products among `rows` that sell through them, by the ids
/// they were written with.
pub fn plans_of<'a>(
    ids: &[ProductId],
    rows: &[&'a Pending],
) -> Vec<(ProductId, &'a [String], &'a [variants::VariantFields])> {
    ids.iter()
        .zip(rows)
        .filter_map(|(id, p)| {
            p.plan
                .as_ref()
                .map(|plan| (*id, plan.names.as_slice(), plan.variants.as_slice()))
        })
        .collect()
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
    rows: &mut dyn ImportRows,
    draft: &Draft,
    ctx: &mut Context,
    notes: &mut Vec<RowIssue>,
) -> Result<Prepared> {
    notes.extend(draft.notes.iter().cloned());
    if !ctx.savepoint_per_row {
        return prepare_inner(rows, draft, ctx, notes);
    }
    in_savepoint(rows, |rows| prepare_inner(rows, draft, ctx, notes))
}

fn prepare_inner(
    rows: &mut dyn ImportRows,
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
    let existing = find(rows, draft, &sku)?;
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
    let mut fields = draft_fields(rows, draft, sku, existing.as_ref(), ctx, notes)?;
    if ctx.layout.is_shop() {
        cells::lenient_barcode(&mut fields.barcode, draft.line, &fields.sku, notes);
    }
    let mut fields = fields.tidied()?;
    let plan = if sells_through_variants {
        let minor_units = ctx.minor_units[fields.currency.as_deref().unwrap_or_default()];
        let plan = offers::plan(
            rows,
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
        existing: existing.map(|p| Existing {
            id: p.id,
            version: p.version,
            tags: p.fields.tags,
        }),
        plan,
        photos,
    })))
}

/// A long import would announce a million ids; past the budget it announces one change with
/// id `*`, which means "reload the product list".
pub fn announce(rows: &mut dyn ImportRows, ctx: &mut Context, id: ProductId, outcome: RowOutcome) {
    let kind = if outcome == RowOutcome::Created {
        ChangeKind::Created
    } else {
        ChangeKind::Updated
    };
    match ctx.announce_budget {
        0 => {}
        1 => rows.announce(None, ChangeKind::Updated),
        _ => rows.announce(Some(id), kind),
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
