//! Bulk edits of products on a team server: one change (or several) to many products, in
//! one transaction, all or none. What each change writes to each product, and what it
//! refuses, is the SQLite catalog's decision (`products::bulk_step`), so a price cut that
//! would go below zero names the same SKU in the same words on either engine.

use super::categories::CATEGORY_EXISTS;
use super::products::{add_tags, product_in, refuse_missing, remove_tag};
use crate::catalog::categories;
use crate::catalog::products::{bulk_step, BulkEdit, BulkStep};
use crate::catalog::ProductId;
use crate::error::Result;
use postgres::Client;

/// The products edited, locked until the edit commits (in id order, so two bulk edits of
/// overlapping selections take turns rather than deadlock).
const LOCK: &str = "SELECT 1 FROM products WHERE id = ANY ($1) ORDER BY id FOR UPDATE";
const SET_STATUS: &str = "UPDATE products SET status = $2 WHERE id = $1";
const SET_CATEGORY: &str = "UPDATE products SET category_id = $2 WHERE id = $1";
const SET_STOCK: &str = "UPDATE products SET stock = $2 WHERE id = $1";
const SET_PRICE: &str = "UPDATE products SET price_minor = $2 WHERE id = $1";
/// A tag change is an edit of the product: its version moves on (the server's triggers move
/// `updated_at` with it).
const BUMP: &str = "UPDATE products SET version = version + 1 WHERE id = $1";

/// Applies every edit to every product of `ids`, all or none; the number of products.
pub(crate) fn bulk_edit_all(client: &mut Client, ids: &[ProductId], edits: &[BulkEdit]) -> Result<usize> {
    for edit in edits {
        if let BulkEdit::SetCategory(Some(category)) = edit {
            if client.query_opt(CATEGORY_EXISTS, &[category])?.is_none() {
                return Err(categories::no_such_category(*category));
            }
        }
    }
    let mut tx = client.transaction()?;
    refuse_missing(&mut tx, ids)?;
    tx.execute(LOCK, &[&ids])?;
    for edit in edits {
        for &id in ids {
            let product = product_in(&mut tx, id)?;
            match bulk_step(&product, edit)? {
                BulkStep::Status(status) => tx.execute(SET_STATUS, &[&id, &status.as_str()])?,
                BulkStep::Category(category) => tx.execute(SET_CATEGORY, &[&id, &category])?,
                BulkStep::Stock(stock) => tx.execute(SET_STOCK, &[&id, &stock])?,
                BulkStep::Price(price) => tx.execute(SET_PRICE, &[&id, &price])?,
                BulkStep::VariantStock(stock) => {
                    super::variants::set_stock_of_product(&mut tx, id, stock)?;
                    0
                }
                BulkStep::VariantPrices(change) => {
                    super::variants::adjust_prices_of_product(&mut tx, id, change)?;
                    0
                }
                BulkStep::AddTag(tag) => {
                    add_tags(&mut tx, id, &[tag])?;
                    tx.execute(BUMP, &[&id])?
                }
                BulkStep::RemoveTag(tag) => {
                    remove_tag(&mut tx, id, tag)?;
                    tx.execute(BUMP, &[&id])?
                }
            };
        }
    }
    tx.commit()?;
    Ok(ids.len())
}
