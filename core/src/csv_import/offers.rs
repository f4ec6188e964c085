//! A draft's variants checked the way the editor checks them, before anything is written:
//! option names, one value per option, prices, stock, barcodes and weights in the catalog's
//! units, SKUs unique in the file and free in the catalog (a variant without one gets one
//! made from the product's SKU and its values, and the report says so), no combination
//! twice. What the schema checks again when the batch is written.

use super::destination::ImportRows;
use super::rows::{issue, Draft, VariantDraft};
use super::upsert::Context;
use super::{cells, IssueKind, RowIssue};
use crate::catalog::variants::{self, VariantFields, MAX_VARIANTS};
use crate::catalog::{options, ProductId};
use crate::error::{Error, Result};
use crate::money::parse_price;
use crate::rules;
use std::collections::HashSet;

/// The options and variants a product will have once written.
#[derive(Debug, Clone)]
pub struct Plan {
    pub names: Vec<String>,
    pub variants: Vec<VariantFields>,
    /// Each variant's photo as the file names it (a URL or file name), in `variants` order.
    pub images: Vec<Option<String>>,
}

impl Plan {
    /// The product's own price and stock while it sells through variants: their lowest
    /// price and their total stock (what the schema's triggers keep).
    pub fn price_and_stock(&self) -> (i64, i64) {
        let price = self.variants.iter().map(|v| v.price_minor).min().unwrap_or(0);
        (price, self.variants.iter().map(|v| v.stock).sum())
    }
}

/// Checks `draft`'s variants for a product with SKU `product_sku` (`product` when it exists).
pub fn plan(
    rows: &mut dyn ImportRows,
    draft: &Draft,
    product_sku: &str,
    product: Option<ProductId>,
    minor_units: u32,
    ctx: &Context,
    notes: &mut Vec<RowIssue>,
) -> Result<Plan> {
    let names = options::tidy_names(&draft.option_names)?;
    if draft.variants.len() > MAX_VARIANTS {
        return Err(Error::validation(
            "variants",
            format!(
                "{} variants is more than a product can have ({MAX_VARIANTS}).",
                draft.variants.len()
            ),
        ));
    }
    let mut variants = Vec::with_capacity(draft.variants.len());
    for v in &draft.variants {
        variants.push(fields(v, &names, minor_units, ctx, notes).map_err(|e| on_line(v.line, e))?);
    }
    give_skus(rows, &mut variants, &draft.variants, product_sku, product, notes)?;
    let mut skus = HashSet::new();
    let mut combos = HashSet::new();
    for (v, row) in variants.iter().zip(&draft.variants) {
        let sku = v.sku.to_lowercase();
        if sku == product_sku.to_lowercase() || !skus.insert(sku) {
            return Err(on_line(
                row.line,
                Error::validation("sku", format!("The SKU {} is used twice in this product.", v.sku)),
            ));
        }
        let combo: Vec<String> = [&v.option1, &v.option2, &v.option3]
            .iter()
            .map(|o| o.as_deref().unwrap_or("").to_lowercase())
            .collect();
        if !combos.insert(combo) {
            return Err(on_line(
                row.line,
                Error::validation(
                    "options",
                    format!(
                        "The variant {} has the same option values as another variant of this product.",
                        v.sku
                    ),
                ),
            ));
        }
        if let Some(holder) = rows.sku_holder_outside(&v.sku, product)? {
            return Err(on_line(
                row.line,
                Error::Conflict {
                    field: Some("sku"),
                    message: format!("SKU {} is already used by {holder}.", v.sku),
                    current: None,
                },
            ));
        }
    }
    let images = draft.variants.iter().map(|v| v.image.clone()).collect();
    Ok(Plan {
        names,
        variants,
        images,
    })
}

/// An error about one variant, told with its line.
fn on_line(line: u64, err: Error) -> Error {
    err.prefixed(&format!("The variant on line {line}: "))
}

fn fields(
    v: &VariantDraft,
    names: &[String],
    minor_units: u32,
    ctx: &Context,
    notes: &mut Vec<RowIssue>,
) -> Result<VariantFields> {
    let values: Vec<String> = v.values.iter().map(|x| rules::tidy(x)).collect();
    for (i, name) in names.iter().enumerate() {
        if values.get(i).is_none_or(|x| x.is_empty()) {
            return Err(Error::validation(
                "options",
                format!("it has no value for {name}."),
            ));
        }
    }
    let value = |i: usize| values.get(i).cloned().filter(|_| i < names.len());
    let sku = rules::tidy(&v.sku);
    let price = match v.price.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => parse_price(text, minor_units)?,
        None => 0,
    };
    let stock = cells::stock(
        v.stock.as_deref().unwrap_or(""),
        ctx.layout.is_shop(),
        v.line,
        &sku,
        notes,
    )?;
    let mut barcode = v
        .barcode
        .as_deref()
        .and_then(|b| cells::clean_barcode(b, v.line, &sku, notes));
    if ctx.layout.is_shop() {
        cells::lenient_barcode(&mut barcode, v.line, &sku, notes);
    }
    VariantFields {
        sku,
        option1: value(0),
        option2: value(1),
        option3: value(2),
        price_minor: price,
        compare_at_minor: cells::amount(v.compare_at.as_deref(), minor_units)?,
        cost_minor: cells::amount(v.cost.as_deref(), minor_units)?,
        stock: stock.unwrap_or(0),
        barcode,
        weight_grams: cells::grams(v.weight.as_deref().unwrap_or(""), ctx.grams_per_unit)?,
        image_sha256: None,
    }
    .tidied_without_sku()
}

/// Variants the file gave no SKU get `PRODUCT-SKU-VALUE...`, unique in the file and the
/// catalog; one warning per product names the first few.
fn give_skus(
    catalog: &mut dyn ImportRows,
    variants: &mut [VariantFields],
    rows: &[VariantDraft],
    product_sku: &str,
    product: Option<ProductId>,
    notes: &mut Vec<RowIssue>,
) -> Result<()> {
    let mut given: Vec<String> = variants
        .iter()
        .filter(|v| !v.sku.is_empty())
        .map(|v| v.sku.to_lowercase())
        .collect();
    let mut made = Vec::new();
    for v in variants.iter_mut().filter(|v| v.sku.is_empty()) {
        let values: Vec<&str> = [&v.option1, &v.option2, &v.option3]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        v.sku = variants::sku_for_import(product_sku, &values, &mut |candidate| {
            Ok(!given.contains(&candidate.to_lowercase())
                && catalog.sku_holder_outside(candidate, product)?.is_none())
        })?;
        given.push(v.sku.to_lowercase());
        made.push(v.sku.clone());
    }
    for v in variants.iter() {
        rules::check_sku(&v.sku)?;
    }
    if let (Some(first), Some(row)) = (made.first(), rows.first()) {
        let shown: Vec<&str> = made.iter().take(3).map(String::as_str).collect();
        let more = if made.len() > 3 { ", ..." } else { "" };
        notes.push(issue(
            row.line,
            first,
            IssueKind::Warning,
            format!(
                "{} variant(s) had no SKU and were given one made from {product_sku} and their option values: {}{more}.",
                made.len(),
                shown.join(", ")
            ),
        ));
    }
    Ok(())
}
