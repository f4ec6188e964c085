//! Rows are checked one at a time but written in batches. Row by row, every INSERT opened a
//! statement savepoint (the products table has triggers) and FTS5 flushed its pending index
//! data at each one: one tiny index segment per product, then merges, about 1 ms a product.
//! A batch is instead written in a few statements: the new products in one
//! `INSERT ... SELECT FROM json_each(?)` with the search index written once for all of them
//! (`search::index_after`), their tags in two more, and the updated products in one
//! `UPDATE ... FROM json_each(?)` (whose search triggers run inside that one statement).
//!
//! When SQLite refuses a batch statement (a rule the checks did not foresee, such as a
//! trigger added by another tool), the statement leaves nothing behind and its rows are
//! written again one by one, each in a savepoint, so the refusal names its own line and its
//! neighbours are written.
//!
//! Issues are kept with their row until the batch is written and then reported in file
//! order; a batch never holds two rows for the same SKU (the second must see the first), so
//! such a row writes the batch first.

use super::upsert::{self, Context, Pending, Photo, Prepared, RowOutcome, VariantImage};
use super::{IssueKind, RowIssue, Tally};
use crate::catalog::products::{self, ProductFields};
use crate::catalog::{search, tags, variants, ProductId, Write};
use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};

use super::rows::{Draft, Item};

/// One row of the file as the batch keeps it until it is written.
enum Slot {
    /// Nothing to write (refused, unreadable or unchanged): its issues and photos.
    Done {
        issues: Vec<RowIssue>,
        photos: Vec<Photo>,
        unchanged: bool,
    },
    Write {
        pending: Box<Pending>,
        notes: Vec<RowIssue>,
    },
}

/// The rows read since the last write.
#[derive(Default)]
pub struct Batch {
    slots: Vec<Slot>,
    skus: HashSet<String>,
}

impl Batch {
    /// Rows held (products waiting to be written, and the rest waiting to be reported).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Checks one item and keeps it for the batch; writes the batch first when it already
    /// holds a row for the same SKU.
    pub fn add(&mut self, w: &mut Write<'_>, item: Item, ctx: &mut Context, tally: &mut Tally) -> Result<()> {
        let draft = match item {
            Item::Unreadable(issue) => {
                self.slots.push(Slot::Done {
                    issues: vec![issue],
                    photos: Vec::new(),
                    unchanged: false,
                });
                return Ok(());
            }
            Item::Product(draft) => draft,
        };
        let keys = upsert::sku_keys(&draft, ctx.layout.is_shop());
        if keys.iter().any(|k| self.skus.contains(k)) {
            self.write(w, ctx, tally)?;
        }
        let mut notes = Vec::new();
        match upsert::prepare(w, &draft, ctx, &mut notes) {
            Ok(Prepared::Unchanged { photos }) => self.slots.push(Slot::Done {
                issues: notes,
                photos,
                unchanged: true,
            }),
            Ok(Prepared::Write(pending)) => {
                // Generated variant SKUs too: a later row must see them as taken.
                self.skus.extend(pending.sku_keys());
                self.slots.push(Slot::Write { pending, notes });
            }
            Err(err) => {
                let issues = refusal(err, &draft_sku(&draft), draft.line, notes)?;
                self.slots.push(Slot::Done {
                    issues,
                    photos: Vec::new(),
                    unchanged: false,
                });
            }
        }
        Ok(())
    }

    /// Writes the waiting products, then reports every row of the batch in file order.
    pub fn write(&mut self, w: &mut Write<'_>, ctx: &mut Context, tally: &mut Tally) -> Result<()> {
        let slots = std::mem::take(&mut self.slots);
        self.skus.clear();
        let pending: Vec<&Pending> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Write { pending, .. } => Some(pending.as_ref()),
                Slot::Done { .. } => None,
            })
            .collect();
        let (new, updates): (Vec<&Pending>, Vec<&Pending>) =
            pending.into_iter().partition(|p| p.existing.is_none());
        let mut written = write_new(w, &new, &ctx.default_currency)?;
        written.extend(write_updates(w, &updates)?);
        for slot in slots {
            report(w, slot, &mut written, ctx, tally)?;
        }
        Ok(())
    }
}

/// What became of each written row, by line.
type Written = HashMap<u64, Result<ProductId>>;

fn report(
    w: &mut Write<'_>,
    slot: Slot,
    written: &mut Written,
    ctx: &mut Context,
    tally: &mut Tally,
) -> Result<()> {
    match slot {
        Slot::Done {
            issues,
            photos,
            unchanged,
        } => {
            if unchanged {
                tally.counted(RowOutcome::Unchanged, 0);
            }
            ctx.photos.extend(photos);
            issues.into_iter().try_for_each(|i| tally.issue(i))
        }
        Slot::Write { pending, notes } => {
            let result = written
                .remove(&pending.line)
                .ok_or_else(|| Error::Internal("a CSV row was left out of its batch".into()))?;
            let issues = match result {
                Ok(id) => {
                    let variants = pending.plan.as_ref().map_or(0, |p| p.variants.len());
                    tally.counted(pending.outcome(), variants);
                    upsert::announce(w, ctx, id, pending.outcome());
                    ctx.photos.extend(pending.photos);
                    if let Some(plan) = &pending.plan {
                        let images = plan.variants.iter().zip(&plan.images);
                        ctx.variant_images.extend(images.filter_map(|(v, image)| {
                            image.clone().map(|source| VariantImage {
                                sku: v.sku.clone(),
                                source,
                            })
                        }));
                    }
                    notes
                }
                Err(err) => refusal(err, &pending.fields.sku, pending.line, notes)?,
            };
            issues.into_iter().try_for_each(|i| tally.issue(i))
        }
    }
}

/// The issues of a refused row: the refusal, then its warnings (its other notes are about
/// what it would have brought in). A failing disk or database is no row's fault: it stops
/// the import.
fn refusal(err: Error, sku: &str, line: u64, mut notes: Vec<RowIssue>) -> Result<Vec<RowIssue>> {
    if matches!(
        err,
        Error::Sqlite(_) | Error::Storage(_) | Error::Io { .. } | Error::Internal(_)
    ) {
        return Err(err);
    }
    notes.retain(|n| n.kind == IssueKind::Warning);
    let mut issues = vec![RowIssue {
        line,
        sku: sku.to_owned(),
        kind: IssueKind::Refused,
        message: err.to_string(),
        field: err.field().map(str::to_owned),
    }];
    issues.extend(notes);
    Ok(issues)
}

fn draft_sku(draft: &Draft) -> String {
    if draft.sku.trim().is_empty() {
        draft.handle.clone()
    } else {
        draft.sku.trim().to_owned()
    }
}

/// New products with their tags, indexed for search once for the whole batch.
fn write_new(w: &mut Write<'_>, rows: &[&Pending], default_currency: &str) -> Result<Written> {
    if rows.is_empty() {
        return Ok(Written::new());
    }
    let mut written = Written::with_capacity(rows.len());
    search::index_after(w, |w| {
        match insert_many(w, rows, default_currency) {
            Ok(ids) => written.extend(rows.iter().zip(ids).map(|(p, id)| (p.line, Ok(id)))),
            Err(_) => {
                for row in rows {
                    written.insert(row.line, upsert::write_one(w, row));
                }
            }
        }
        Ok(rows
            .iter()
            .filter_map(|p| written.get(&p.line).and_then(|r| r.as_ref().ok().copied()))
            .collect())
    })?;
    Ok(written)
}

/// The batch's new products, their tags, options and variants, all or none (a statement
/// that fails leaves nothing behind, and so does this, in a savepoint); their ids in `rows`
/// order.
fn insert_many(w: &mut Write<'_>, rows: &[&Pending], default_currency: &str) -> Result<Vec<ProductId>> {
    upsert::in_savepoint(w, |w| {
        let fields: Vec<&ProductFields> = rows.iter().map(|p| &p.fields).collect();
        let ids = products::insert_rows(w, &fields, default_currency)?;
        let links: Vec<(ProductId, &[String])> = ids
            .iter()
            .zip(rows)
            .map(|(id, p)| (*id, p.fields.tags.as_slice()))
            .collect();
        tags::attach_many(w, &links)?;
        let written: Vec<(ProductId, &Pending)> = ids.iter().copied().zip(rows.iter().copied()).collect();
        upsert::write_new_plans(w, &written)?;
        Ok(ids)
    })
}

/// Updated products, then the tags the file adds to them (the search triggers keep the
/// index up to date, inside these statements).
fn write_updates(w: &mut Write<'_>, rows: &[&Pending]) -> Result<Written> {
    if rows.is_empty() {
        return Ok(Written::new());
    }
    match update_many(w, rows) {
        Ok(()) => Ok(rows
            .iter()
            .filter_map(|p| p.existing.as_ref().map(|(id, _)| (p.line, Ok(*id))))
            .collect()),
        Err(_) => Ok(rows.iter().map(|p| (p.line, upsert::write_one(w, p))).collect()),
    }
}

fn update_many(w: &mut Write<'_>, rows: &[&Pending]) -> Result<()> {
    upsert::in_savepoint(w, |w| {
        let updates: Vec<(ProductId, &ProductFields)> = rows
            .iter()
            .filter_map(|p| p.existing.as_ref().map(|(id, _)| (*id, &p.fields)))
            .collect();
        products::update_rows(w, &updates)?;
        let new_tags: Vec<(ProductId, Vec<String>)> = rows
            .iter()
            .filter_map(|p| p.existing.as_ref().map(|(id, _)| (*id, p.new_tags())))
            .collect();
        let links: Vec<(ProductId, &[String])> = new_tags.iter().map(|(id, t)| (*id, t.as_slice())).collect();
        tags::attach_many(w, &links)?;
        for (id, pending) in &updates_with_plans(rows) {
            if let Some(plan) = &pending.plan {
                variants::import_into(w, *id, &plan.names, &plan.variants)?;
            }
        }
        Ok(())
    })
}

fn updates_with_plans<'a>(rows: &[&'a Pending]) -> Vec<(ProductId, &'a Pending)> {
    rows.iter()
        .filter(|p| p.plan.is_some())
        .filter_map(|p| p.existing.as_ref().map(|(id, _)| (*id, *p)))
        .collect()
}
