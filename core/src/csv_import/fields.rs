//! A draft's product-level cells read into [`ProductFields`]: the file's value where the
//! file has the column, the product's current one (or the default for a new product) where it
//! has not; prices in the currency's minor units, weights in grams, categories found or made.

use super::destination::ImportRows;
use super::existing::Product;
use super::layout::Layout;
use super::rows::{issue, Draft};
use super::upsert::Context;
use super::{cells, IssueKind, RowIssue};
use crate::catalog::products::{ProductFields, ShopFields, Status};
use crate::error::{Error, Result};
use crate::money::parse_price;

/// The product the row describes: the file's cells where the file has the column, the
/// product's current values (or the defaults for a new one) where it has not.
pub fn draft_fields(
    rows: &mut dyn ImportRows,
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
    let (category_id, more_categories) = category(rows, draft, old, ctx.layout)?;
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
    rows: &mut dyn ImportRows,
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
    Ok((Some(rows.ensure_category(&first)?), paths))
}
