//! Rows are checked one at a time but written in batches (how a batch is written is the
//! destination's business: a library writes it in a few statements, see `library`).
//!
//! Issues are kept with their row until the batch is written and then reported in file
//! order; a batch never holds two rows for the same SKU (the second must see the first), so
//! such a row writes the batch first.

use super::destination::{ImportRows, Written};
use super::upsert::{self, Context, Pending, Photo, Prepared, RowOutcome, VariantImage};
use super::{IssueKind, RowIssue, Tally};
use crate::error::{Error, Result};
use std::collections::HashSet;

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
    pub fn add(
        &mut self,
        rows: &mut dyn ImportRows,
        item: Item,
        ctx: &mut Context,
        tally: &mut Tally,
    ) -> Result<()> {
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
            self.write(rows, ctx, tally)?;
        }
        let mut notes = Vec::new();
        match upsert::prepare(rows, &draft, ctx, &mut notes) {
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
    pub fn write(&mut self, rows: &mut dyn ImportRows, ctx: &mut Context, tally: &mut Tally) -> Result<()> {
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
        let mut written = rows.write(&new, &updates, &ctx.default_currency)?;
        for slot in slots {
            report(rows, slot, &mut written, ctx, tally)?;
        }
        Ok(())
    }
}

fn report(
    rows: &mut dyn ImportRows,
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
                    upsert::announce(rows, ctx, id, pending.outcome());
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
