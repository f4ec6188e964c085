//! Etsy's listing download: one row per listing, at most two variations with their values
//! comma-joined, no price or quantity per combination, and a SKU cell that may hold one SKU
//! per combination, one for the listing, or none. Every SKU in the cell stays a sellable SKU
//! of its listing; a listing without one gets one made from its title, and the report says so.

use super::layout::Field;
use super::rows::{issue, slug, Draft, ImageRef, Row, VariantDraft};
use super::woocommerce::split_list;
use super::IssueKind;

pub fn draft(row: &Row<'_>, line: u64) -> Draft {
    let name = row.text(Field::Name);
    let skus = split_list(&row.text(Field::Sku));
    let images = row
        .all(Field::ImageSrc)
        .into_iter()
        .map(|source| ImageRef { line, source })
        .collect();
    let mut draft = Draft {
        line,
        handle: format!("ETSY-{}", slug(&name)),
        fallback: "the listing's title",
        name,
        description: row.cell(Field::Description),
        price: row.cell(Field::Price),
        currency: row.filled(Field::Currency),
        stock: row.cell(Field::Stock),
        tags: row.cell(Field::Tags),
        barcode: row.cell(Field::Barcode),
        images,
        ..Draft::default()
    };
    let options: Vec<(String, Vec<String>)> = row
        .option_names()
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, split_list(&row.option_value(i))))
        .filter(|(_, values)| !values.is_empty())
        .collect();
    if options.is_empty() && skus.len() <= 1 {
        draft.sku = skus.into_iter().next().unwrap_or_default();
        return draft;
    }
    let combos: Vec<Vec<String>> = if options.is_empty() {
        // Several SKUs and no variations: each SKU is a variant, told apart by its SKU.
        draft.option_names = vec!["SKU".into()];
        skus.iter().map(|s| vec![s.clone()]).collect()
    } else {
        draft.option_names = options.iter().map(|(n, _)| n.clone()).collect();
        options.iter().fold(vec![Vec::new()], |acc, (_, values)| {
            acc.iter()
                .flat_map(|c| {
                    values.iter().map(move |v| {
                        let mut next = c.clone();
                        next.push(v.clone());
                        next
                    })
                })
                .collect()
        })
    };
    if !skus.is_empty() && skus.len() != combos.len() {
        draft.notes.push(issue(
            line,
            &skus.join(", "),
            IssueKind::Warning,
            format!(
                "The listing has {} combinations and {} SKUs: they were given in order, {}.",
                combos.len(),
                skus.len(),
                if skus.len() > combos.len() {
                    format!(
                        "and {} was left without a combination",
                        skus[combos.len()..].join(", ")
                    )
                } else {
                    "and the combinations without one got a SKU made from the listing's".to_owned()
                }
            ),
        ));
    }
    let count = combos.len();
    for (i, values) in combos.into_iter().enumerate() {
        draft.variants.push(VariantDraft {
            line,
            sku: skus.get(i).cloned().unwrap_or_default(),
            values,
            price: draft.price.clone(),
            // Etsy gives the listing's quantity, not each combination's.
            stock: Some(if i == 0 {
                draft.stock.clone().unwrap_or_default()
            } else {
                "0".into()
            }),
            ..VariantDraft::default()
        });
    }
    if count > 1
        && draft
            .stock
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty() && s.trim() != "0")
    {
        draft.notes.push(issue(
            line,
            "",
            IssueKind::Warning,
            format!("Etsy's file gives the listing's quantity, not each combination's: all of it is on the first of its {count} variants. Check their stock."),
        ));
    }
    draft
}
