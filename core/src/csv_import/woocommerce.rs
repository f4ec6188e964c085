//! WooCommerce's own exporter format. `simple`, `grouped` and `external` rows are products
//! as they are; a `variable` row declares its attributes with all their values and is held
//! until the end of the file, because its `variation` rows (which point at it by `Parent`:
//! its SKU, or `id:NN` for its `ID`) may come anywhere after or before it. A variation's blank
//! attribute value means "any": it becomes one variant per value, SKUs suffixed, and the
//! report says so. Held memory is one draft per variable product, never the whole file.

use super::layout::Field;
use super::rows::{issue, slug, Draft, Item, Row, VariantDraft};
use super::{IssueKind, RowIssue};
use crate::catalog::variants::MAX_VARIANTS;
use std::collections::HashMap;

/// What the variable products held until the end of the file may take, roughly: beyond it
/// a variable product is refused with a note, so a hostile file can't fill the memory.
const MAX_HELD_BYTES: usize = 128 * 1024 * 1024;

/// The variable products read so far and the variations waiting for theirs.
#[derive(Default)]
pub struct Woo {
    held: Vec<Parent>,
    /// Parent key (`sku:<lower sku>` or `id:<id>`) → index in `held`.
    keys: HashMap<String, usize>,
    orphans: Vec<(String, Variation)>,
    flushed: bool,
    /// About how much `held` and `orphans` take.
    held_bytes: usize,
}

/// About what a row held until the end of the file takes.
fn weight_of(draft: &Draft) -> usize {
    512 + draft.name.len() + draft.description.as_ref().map_or(0, String::len)
}

struct Parent {
    draft: Draft,
    /// Every value of each option, as the variable row declares them (for "any").
    values: Vec<Vec<String>>,
    /// Variations for "any" value of some option: the variation, its combinations and the
    /// options it leaves open. Resolved once every variation is in (see `finish`).
    any: Vec<(VariantDraft, Vec<Vec<String>>, Vec<String>)>,
}

/// A variation row: its variant, and its attribute (name, value) pairs in file order.
struct Variation {
    variant: VariantDraft,
    attributes: Vec<(String, String)>,
}

impl Woo {
    pub fn row(&mut self, row: Row<'_>, line: u64) -> Option<Item> {
        let kind = row.text(Field::Kind).to_ascii_lowercase();
        let kinds: Vec<&str> = kind.split(',').map(str::trim).collect();
        if self.held_bytes > MAX_HELD_BYTES {
            let message = format!(
                "This file holds more variable products and variations than can be gathered at once (about {} MB); split it into smaller files and import each.",
                MAX_HELD_BYTES / (1024 * 1024)
            );
            if kinds.contains(&"variation") || kinds.contains(&"variable") {
                return Some(Item::Unreadable(issue(
                    line,
                    row.get(Field::Sku).trim(),
                    IssueKind::Refused,
                    message,
                )));
            }
        }
        if kinds.contains(&"variation") {
            let parent = row.text(Field::Parent).trim().to_owned();
            let variation = variation(&row, line);
            self.held_bytes += 256;
            match self.keys.get(&key_of(&parent)) {
                Some(&i) => attach(&mut self.held[i], variation),
                None => self.orphans.push((parent, variation)),
            }
            return None;
        }
        let mut draft = product(&row, line, &kinds);
        if !kinds.contains(&"variable") {
            return Some(Item::Product(Box::new(draft)));
        }
        let values: Vec<Vec<String>> = (0..draft.option_names.len())
            .map(|i| split_list(&row.option_value(i)))
            .collect();
        draft.price = None;
        draft.stock = None;
        self.held_bytes += weight_of(&draft);
        let index = self.held.len();
        if let Some(id) = row.filled(Field::ShopId) {
            self.keys.insert(format!("id:{id}"), index);
        }
        if !draft.sku.trim().is_empty() {
            self.keys.insert(key_of(draft.sku.trim()), index);
        }
        self.held.push(Parent {
            draft,
            values,
            any: Vec::new(),
        });
        None
    }

    /// At the end of the file: the variations whose parent came later are attached, then
    /// the variable products are handed on one by one, and variations with no parent in
    /// the file are reported.
    pub fn next_held(&mut self) -> Option<Item> {
        if !self.flushed {
            self.flushed = true;
            for (parent, variation) in std::mem::take(&mut self.orphans) {
                match self.keys.get(&key_of(&parent)) {
                    Some(&i) => attach(&mut self.held[i], variation),
                    None => self.orphans.push((parent, variation)),
                }
            }
            self.held.reverse();
            self.orphans.reverse();
        }
        if let Some(parent) = self.held.pop() {
            return Some(Item::Product(Box::new(finish(parent))));
        }
        let (parent, orphan) = self.orphans.pop()?;
        Some(Item::Unreadable(orphan_issue(&parent, &orphan.variant)))
    }
}

fn orphan_issue(parent: &str, variant: &VariantDraft) -> RowIssue {
    let message = if parent.is_empty() {
        "This variation has no Parent, so it belongs to no product.".to_owned()
    } else {
        format!("This variation's parent {parent} is not in this file (as a variable product's SKU, or its ID for id:NN), so it was not imported.")
    };
    issue(variant.line, variant.sku.trim(), IssueKind::Refused, message)
}

/// `id:12` stays an ID; a SKU is compared as the catalog compares SKUs, without case.
fn key_of(parent: &str) -> String {
    let parent = parent.trim();
    match parent.strip_prefix("id:") {
        Some(id) => format!("id:{}", id.trim()),
        None => format!("sku:{}", parent.to_lowercase()),
    }
}

/// WooCommerce joins list values with `, ` and escapes a comma inside a value as `\,`.
pub fn split_list(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                current.push(',');
                chars.next();
            }
            ',' => out.push(std::mem::take(&mut current)),
            other => current.push(other),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The price the customer pays and the "was" price: the sale price when there is one, the
/// regular price then being the compare-at price.
fn prices(row: &Row<'_>) -> (Option<String>, Option<String>) {
    match row.filled(Field::SalePrice) {
        Some(sale) => (Some(sale), row.filled(Field::Price)),
        None => (row.filled(Field::Price), None),
    }
}

/// `Published`: 1 is live, 0 a draft, -1 private (kept as a draft: not for sale).
fn status(row: &Row<'_>) -> Option<String> {
    row.filled(Field::Published).map(|p| {
        if p == "1" {
            "active".to_owned()
        } else {
            "draft".to_owned()
        }
    })
}

fn product(row: &Row<'_>, line: u64, kinds: &[&str]) -> Draft {
    let id = row.filled(Field::ShopId);
    let (price, compare_at) = prices(row);
    let no_stock_of_its_own = kinds.iter().any(|k| *k == "grouped" || *k == "external");
    let variable = kinds.contains(&"variable");
    let mut notes = Vec::new();
    if no_stock_of_its_own {
        notes.push(issue(
            line,
            row.get(Field::Sku).trim(),
            IssueKind::Warning,
            format!(
                "A {} product: it was imported as a product without stock of its own (the catalog has no {} products).",
                kinds[0], kinds[0]
            ),
        ));
    }
    Draft {
        line,
        handle: id.map_or_else(|| slug(&row.text(Field::Name)), |id| format!("WOO-{id}")),
        fallback: "its WooCommerce ID",
        sku: row.text(Field::Sku),
        name: row.text(Field::Name),
        description: row.cell(Field::Description),
        price,
        compare_at,
        stock: if no_stock_of_its_own {
            Some(String::new())
        } else {
            row.cell(Field::Stock)
        },
        status: status(row),
        category: row.cell(Field::Category),
        tags: row.cell(Field::Tags),
        barcode: row.cell(Field::Barcode),
        vendor: row.cell(Field::Vendor),
        cost: row.cell(Field::Cost),
        weight: row.cell(Field::Weight),
        images: row.image_list(line, ','),
        option_names: if variable { row.option_names() } else { Vec::new() },
        notes,
        ..Draft::default()
    }
}

fn variation(row: &Row<'_>, line: u64) -> Variation {
    let (price, compare_at) = prices(row);
    let attributes = Field::OPTIONS
        .iter()
        .enumerate()
        .filter_map(|(i, (name, _, _))| row.filled(*name).map(|n| (n, row.option_value(i))))
        .collect();
    Variation {
        variant: VariantDraft {
            line,
            sku: row.text(Field::Sku),
            price,
            compare_at,
            cost: row.cell(Field::Cost),
            stock: row.cell(Field::Stock),
            barcode: row.cell(Field::Barcode),
            weight: row.cell(Field::Weight),
            image: row.image_list(line, ',').into_iter().next().map(|i| i.source),
            values: Vec::new(),
        },
        attributes,
    }
}

/// Gives the variation one value per option of its parent, matched by attribute name; a
/// blank (or missing) value means "any" and makes one variant per declared value.
fn attach(parent: &mut Parent, variation: Variation) {
    let draft = &mut parent.draft;
    // One past the limit is kept, so the product is refused for it; no more is held.
    if draft.variants.len() + parent.any.len() > MAX_VARIANTS {
        return;
    }
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    let mut any = Vec::new();
    for (i, name) in draft.option_names.iter().enumerate() {
        let value = variation
            .attributes
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty());
        let choices = match value {
            Some(v) => vec![v],
            None => {
                any.push(name.clone());
                parent.values.get(i).cloned().unwrap_or_default()
            }
        };
        combos = combos
            .into_iter()
            .flat_map(|c| {
                choices.iter().map(move |v| {
                    let mut next = c.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    if let Some(image) = &variation.variant.image {
        if !draft.images.iter().any(|i| &i.source == image) {
            draft.images.push(super::rows::ImageRef {
                line: variation.variant.line,
                source: image.clone(),
            });
        }
    }
    if any.is_empty() {
        let mut variant = variation.variant;
        variant.values = combos.pop().unwrap_or_default();
        draft.variants.push(variant);
    } else {
        parent.any.push((variation.variant, combos, any));
    }
}

/// The variable product with all its variations: an "any" variation covers the
/// combinations no specific variation (nor an earlier "any") has, one variant each, its SKU
/// suffixed `-1`, `-2`... when it covers more than one, its stock on the first.
fn finish(parent: Parent) -> Draft {
    let mut draft = parent.draft;
    let key = |values: &[String]| values.iter().map(|v| v.to_lowercase()).collect::<Vec<_>>();
    let mut taken: Vec<Vec<String>> = draft.variants.iter().map(|v| key(&v.values)).collect();
    for (base, combos, any) in parent.any {
        let open: Vec<Vec<String>> = combos.into_iter().filter(|c| !taken.contains(&key(c))).collect();
        taken.extend(open.iter().map(|c| key(c)));
        let sku = base.sku.trim().to_owned();
        let count = open.len();
        for (n, values) in open.into_iter().enumerate() {
            let mut variant = base.clone();
            if !sku.is_empty() && count > 1 {
                variant.sku = format!("{sku}-{}", n + 1);
            }
            if n > 0 {
                // One stock for "any": it is kept on the first variant, not counted N times.
                variant.stock = Some("0".into());
            }
            variant.values = values;
            draft.variants.push(variant);
        }
        let message = match count {
            0 => "This variation is for any value, but every combination already has its own variation, so it was left out.".to_owned(),
            1 => format!(
                "This variation is for any {}; one combination had no variation of its own, and it became that variant.",
                any.join(" and any ")
            ),
            _ => format!(
                "This variation is for any {}: it became {count} variants, one per combination no other variation covers{}, with its stock on the first.",
                any.join(" and any "),
                if sku.is_empty() { String::new() } else { format!(" ({sku}-1, {sku}-2...)") }
            ),
        };
        draft
            .notes
            .push(issue(base.line, &sku, IssueKind::Warning, message));
    }
    draft.variants.sort_by_key(|v| v.line);
    draft
}
