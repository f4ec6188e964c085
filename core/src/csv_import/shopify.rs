//! Shopify's product CSV, both header layouts: rows are grouped by handle. The first row of
//! a handle carries the product and, unless its only option is Shopify's placeholder
//! (`Title` = `Default Title`), its first variant; later rows are further variants (own SKU,
//! price, stock, option values) or image-only rows (the handle and an image).

use super::layout::Field;
use super::rows::{issue, Draft, ImageRef, Item, Row, VariantDraft};
use super::IssueKind;
use crate::catalog::variants::MAX_VARIANTS;

/// The most photos one product may name (Shopify's own limit).
pub const MAX_IMAGES: usize = 250;

/// Adds a row to the current handle's group, or starts a new group and hands on the
/// finished one.
pub fn row(pending: &mut Option<Draft>, row: Row<'_>, line: u64) -> Option<Item> {
    let handle = row.get(Field::Handle).trim().to_owned();
    if handle.is_empty() {
        return Some(Item::Unreadable(issue(
            line,
            "",
            IssueKind::Refused,
            "This row has no handle, so it belongs to no product.".into(),
        )));
    }
    if let Some(current) = pending.as_mut().filter(|d| d.handle == handle) {
        further_row(current, &row, line);
        return None;
    }
    let finished = pending.replace(first_row(&row, line, handle));
    finished.map(|d| Item::Product(Box::new(d)))
}

/// Whether a row carries a variant, not just an image.
fn has_variant(row: &Row<'_>) -> bool {
    let mut fields = vec![Field::Sku, Field::Price, Field::Name];
    fields.extend(Field::OPTIONS.iter().map(|(_, value, _)| *value));
    fields.iter().any(|f| !row.get(*f).trim().is_empty())
}

/// Shopify's placeholder for a product without options: one option `Title` whose only
/// value is `Default Title`.
fn is_placeholder(names: &[String], row: &Row<'_>) -> bool {
    names.is_empty()
        || (names.len() == 1
            && names[0].eq_ignore_ascii_case("title")
            && row.option_value(0).eq_ignore_ascii_case("default title"))
}

fn first_row(row: &Row<'_>, line: u64, handle: String) -> Draft {
    let names = row.option_names();
    let mut draft = Draft {
        line,
        fallback: "the handle",
        url_handle: Some(handle.clone()),
        handle,
        name: row.text(Field::Name),
        description: row.cell(Field::Description),
        status: row.cell(Field::Status).filter(|s| !s.trim().is_empty()),
        published: row.cell(Field::Published),
        category: row.cell(Field::Category),
        product_type: row.cell(Field::ProductType),
        vendor: row.cell(Field::Vendor),
        tags: row.cell(Field::Tags),
        images: row.image(line).into_iter().collect(),
        ..Draft::default()
    };
    if is_placeholder(&names, row) {
        draft.sku = row.text(Field::Sku);
        draft.price = row.cell(Field::Price);
        draft.compare_at = row.cell(Field::CompareAt);
        draft.cost = row.cell(Field::Cost);
        draft.stock = row.cell(Field::Stock);
        draft.barcode = row.cell(Field::Barcode);
        draft.weight = row.cell(Field::Weight);
        add_variant_image(&mut draft, row.filled(Field::VariantImage), line);
    } else {
        draft.variants.push(variant(row, line, names.len()));
        add_variant_image(&mut draft, row.filled(Field::VariantImage), line);
        draft.option_names = names;
    }
    draft
}

fn further_row(current: &mut Draft, row: &Row<'_>, line: u64) {
    if let Some(image) = row.image(line) {
        keep_image(current, image);
    }
    if !has_variant(row) {
        return;
    }
    if current.option_names.is_empty() {
        current.notes.push(issue(
            line,
            &current.handle,
            IssueKind::VariantNotImported,
            "A further variant row, but the product's first row declares no options (Option1 Name), so this row was left out.".into(),
        ));
        return;
    }
    // One past the limit is kept, so the product is refused for it; the rest of a runaway
    // group is not held in memory.
    if current.variants.len() <= MAX_VARIANTS {
        current
            .variants
            .push(variant(row, line, current.option_names.len()));
    }
    add_variant_image(current, row.filled(Field::VariantImage), line);
}

/// A product's photos, up to [`MAX_IMAGES`]; past it, one note and no more held.
pub fn keep_image(draft: &mut Draft, image: super::rows::ImageRef) {
    if draft.images.len() < MAX_IMAGES {
        draft.images.push(image);
        return;
    }
    if draft.images_left_out == 0 {
        let message = format!(
            "This product names more than {MAX_IMAGES} photos (what Shopify allows); the rest were left out."
        );
        draft
            .notes
            .push(issue(image.line, &draft.handle, IssueKind::Warning, message));
    }
    draft.images_left_out += 1;
}

fn variant(row: &Row<'_>, line: u64, options: usize) -> VariantDraft {
    VariantDraft {
        line,
        sku: row.text(Field::Sku),
        values: (0..options).map(|i| row.option_value(i)).collect(),
        price: row.cell(Field::Price),
        compare_at: row.cell(Field::CompareAt),
        cost: row.cell(Field::Cost),
        stock: row.cell(Field::Stock),
        barcode: row.cell(Field::Barcode),
        weight: row.cell(Field::Weight),
        image: row.filled(Field::VariantImage),
    }
}

/// A variant's image is one of the product's: Shopify lists it among the product images
/// too, but a file edited by hand may not.
fn add_variant_image(draft: &mut Draft, image: Option<String>, line: u64) {
    if let Some(source) = image {
        if !draft.images.iter().any(|i| i.source == source) {
            keep_image(draft, ImageRef { line, source });
        }
    }
}
