//! What the editor and the command line do to variants: add, edit (against the version the
//! edit started from), trash and restore, one change for many, and generating one variant per
//! combination of option values with SKUs made from the product's.

use super::*;

pub(super) fn apply_bulk(w: &mut Write<'_>, variant: &Variant, edit: &VariantBulkEdit) -> Result<()> {
    match bulk_write(variant, edit, minor_units_of(w.tx(), variant.product_id)?)? {
        BulkWrite::Price(price) => w.tx().prepare_cached(SET_PRICE)?.execute((variant.id, price))?,
        BulkWrite::Stock(stock) => w.tx().prepare_cached(SET_STOCK)?.execute((variant.id, stock))?,
    };
    w.record(Entity::Product, variant.product_id, ChangeKind::Updated);
    Ok(())
}

/// A SKU for a generated variant: the product's SKU and the values, as `TEE-RED-M`, made
/// unique with `-2`, `-3`... when taken.
fn generated_sku(rows: &mut dyn VariantRows, base: &str, values: &[&str]) -> Result<String> {
    first_free(sku_from(base, values), &mut |candidate| {
        Ok(rows.sku_holder(candidate, None)?.is_none())
    })
}

/// Every combination of the values, in order (the first option varies slowest).
fn combinations(options: &[OptionValues]) -> Vec<Vec<String>> {
    options.iter().fold(vec![Vec::new()], |acc, option| {
        acc.iter()
            .flat_map(|prefix| {
                option.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(rules::tidy(v));
                    next
                })
            })
            .collect()
    })
}

/// The combinations of `options`' values to generate, checked: each option has a value,
/// there are not too many, and the product has not one already.
pub(crate) fn combinations_to_add(
    options: &[OptionValues],
    existing: &[Variant],
) -> Result<Vec<Vec<String>>> {
    if options.is_empty() || options.iter().any(|o| o.values.is_empty()) {
        return Err(Error::validation(
            "options",
            "Give each option at least one value.",
        ));
    }
    let combos = combinations(options);
    if combos.len() > MAX_VARIANTS {
        return Err(Error::validation(
            "options",
            format!(
                "These values make {} combinations; a product can have at most {MAX_VARIANTS} variants.",
                combos.len()
            ),
        ));
    }
    Ok(combos
        .into_iter()
        .filter(|combo| {
            !existing.iter().any(|v| {
                [&v.option1, &v.option2, &v.option3]
                    .iter()
                    .zip(combo)
                    .all(|(have, want)| have.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(want)))
            })
        })
        .collect())
}

/// A generated variant's fields: `combo`'s values, a SKU made from the product's, the price
/// and stock given (tidied and checked).
pub(crate) fn generated_fields(
    rows: &mut dyn VariantRows,
    product_sku: &str,
    combo: &[String],
    price_minor: i64,
    stock: i64,
) -> Result<VariantFields> {
    let values: Vec<&str> = combo.iter().map(String::as_str).collect();
    let mut fields = VariantFields {
        sku: generated_sku(rows, product_sku, &values)?,
        price_minor,
        stock,
        ..VariantFields::default()
    };
    let mut slots = [&mut fields.option1, &mut fields.option2, &mut fields.option3];
    for (slot, value) in slots.iter_mut().zip(combo) {
        **slot = Some(value.clone());
    }
    fields.tidied()
}

/// What a bulk edit writes to one variant: its new price, or its new stock.
pub(crate) enum BulkWrite {
    Price(i64),
    Stock(i64),
}

/// What `edit` makes of `variant` (priced in a currency of `minor_units` decimals), checked;
/// a refusal names the variant's SKU.
pub(crate) fn bulk_write(variant: &Variant, edit: &VariantBulkEdit, minor_units: u32) -> Result<BulkWrite> {
    let named = |e: Error| match e {
        Error::Validation { field, message } => Error::Validation {
            field,
            message: format!("{}: {message}", variant.sku),
        },
        other => other,
    };
    match edit {
        VariantBulkEdit::SetPrice(price) => {
            rules::check_price(*price).map_err(named)?;
            Ok(BulkWrite::Price(*price))
        }
        VariantBulkEdit::AdjustPrice(change) => {
            let price = change
                .apply(variant.price_minor, minor_units)
                .map_err(named)?
                .unwrap_or(-1);
            rules::check_price(price).map_err(named)?;
            Ok(BulkWrite::Price(price))
        }
        VariantBulkEdit::SetStock(stock) => {
            rules::check_stock(*stock).map_err(named)?;
            Ok(BulkWrite::Stock(*stock))
        }
    }
}

impl Catalog {
    pub fn create_variant(&mut self, product_id: ProductId, fields: &VariantFields) -> Result<Variant> {
        let fields = fields.tidied()?;
        products::get(self.conn(), product_id)?;
        let id = self.write(|w| insert(w, product_id, &fields))?;
        get(self.conn(), id)
    }

    /// Saves an edit of a variant that started from `expected_version`.
    pub fn update_variant(
        &mut self,
        id: VariantId,
        expected_version: i64,
        fields: &VariantFields,
    ) -> Result<Variant> {
        self.write(|w| update_in(w, id, expected_version, fields))?;
        get(self.conn(), id)
    }

    /// Moves variants to the trash (the product's price and stock then leave them out).
    pub fn trash_variants(&mut self, ids: &[VariantId]) -> Result<usize> {
        self.set_variants_in_trash(ids, TRASH)
    }

    /// Brings variants back; one whose combination a live variant now has is refused.
    pub fn restore_variants(&mut self, ids: &[VariantId]) -> Result<usize> {
        self.set_variants_in_trash(ids, RESTORE)
    }

    fn set_variants_in_trash(&mut self, ids: &[VariantId], statement: &str) -> Result<usize> {
        self.write(|w| {
            let mut changed = 0;
            for &id in ids {
                let variant = get(w.tx(), id)?;
                if w.tx().prepare_cached(statement)?.execute([id])? > 0 {
                    changed += 1;
                    w.record(Entity::Product, variant.product_id, ChangeKind::Updated);
                }
            }
            Ok(changed)
        })
    }

    /// One change to many variants, in one transaction: all or nothing.
    pub fn bulk_edit_variants(&mut self, ids: &[VariantId], edit: &VariantBulkEdit) -> Result<usize> {
        self.write(|w| {
            for &id in ids {
                let variant = get(w.tx(), id)?;
                apply_bulk(w, &variant, edit)?;
            }
            Ok(ids.len())
        })
    }

    /// Declares the options (when the product has no variants yet, or renames them) and
    /// adds a variant for every combination of their values that it lacks, at `price_minor`
    /// with `stock` each and a SKU made from the product's. One transaction.
    pub fn generate_variants(
        &mut self,
        product_id: ProductId,
        options: &[OptionValues],
        price_minor: i64,
        stock: i64,
    ) -> Result<products::Product> {
        let product = products::get(self.conn(), product_id)?;
        let names: Vec<String> = options.iter().map(|o| o.name.clone()).collect();
        self.write(|w| {
            options::declare(w, product_id, &names)?;
            let existing = of_product(w.tx(), product_id, false)?;
            for combo in combinations_to_add(options, &existing)? {
                let fields =
                    generated_fields(&mut LibraryRows(w.tx()), &product.sku, &combo, price_minor, stock)?;
                insert(w, product_id, &fields)?;
            }
            Ok(())
        })?;
        products::get(self.conn(), product_id)
    }
}
