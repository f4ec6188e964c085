//! A product's options (Size, Colour, Material): at most three, by position 1 to 3. The values
//! live on its variants (`variants.option1..3`); an option's values are the ones its live
//! variants use. Every write to `product_options` lives here.

use super::{Catalog, ChangeKind, Entity, ProductId, Write};
use crate::error::{Error, Result};
use crate::rules;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

pub const MAX_OPTIONS: usize = 3;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductOption {
    /// 1, 2 or 3: the variants' `option1`, `option2` or `option3`.
    pub position: u8,
    pub name: String,
    /// The values its live variants use, in variant order, each once.
    pub values: Vec<String>,
}

const OF_PRODUCT: &str = "SELECT position, name FROM product_options WHERE product_id = ?1 ORDER BY position";
const LIVE_VALUES: &str = "SELECT option1, option2, option3 FROM variants
  WHERE product_id = ?1 AND deleted_at IS NULL ORDER BY position, id";
const ANY_VARIANT: &str = "SELECT EXISTS (SELECT 1 FROM variants WHERE product_id = ?1)";
const REMOVE_ALL: &str = "DELETE FROM product_options WHERE product_id = ?1";
const ADD: &str = "INSERT INTO product_options (product_id, position, name) VALUES (?1, ?2, ?3)";
const ADD_MANY: &str = "INSERT INTO product_options (product_id, position, name)
  SELECT value ->> 'product_id', value ->> 'position', value ->> 'name' FROM json_each(?1)";
const RENAME: &str = "UPDATE product_options SET name = ?3 WHERE product_id = ?1 AND position = ?2";

pub fn of_product(conn: &Connection, product_id: ProductId) -> Result<Vec<ProductOption>> {
    let mut options: Vec<ProductOption> = conn
        .prepare_cached(OF_PRODUCT)?
        .query_map([product_id], |r| {
            Ok(ProductOption {
                position: r.get(0)?,
                name: r.get(1)?,
                values: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if options.is_empty() {
        return Ok(options);
    }
    let mut stmt = conn.prepare_cached(LIVE_VALUES)?;
    let rows = stmt.query_map([product_id], |r| {
        Ok([r.get::<_, Option<String>>(0)?, r.get(1)?, r.get(2)?])
    })?;
    for row in rows {
        let row = row?;
        for option in options.iter_mut() {
            let value = row.get(usize::from(option.position) - 1).cloned().flatten();
            if let Some(value) = value.filter(|v| !option.values.iter().any(|o| o.eq_ignore_ascii_case(v))) {
                option.values.push(value);
            }
        }
    }
    Ok(options)
}

/// Tidies and checks option names: at most three, none blank, no two alike (ignoring case).
pub fn tidy_names(names: &[String]) -> Result<Vec<String>> {
    let names: Vec<String> = names.iter().map(|n| rules::tidy(n)).collect();
    if names.len() > MAX_OPTIONS {
        return Err(Error::validation(
            "options",
            "A product can have at most three options (for example Size, Colour and Material).",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        rules::check_label("options", "An option name", name)?;
        if names[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(Error::validation(
                "options",
                format!("The option {name} is named twice; each option needs its own name."),
            ));
        }
    }
    Ok(names)
}

/// What giving a product the option names `names` does.
pub(crate) enum OptionsChange {
    /// It has them already.
    Same,
    /// The options at these positions get these names (its variants keep their values).
    Rename(Vec<(u8, String)>),
    /// Its options become these, by position from 1.
    Declare(Vec<String>),
}

/// The change from the product's option names now (`current`, by position) to `names`.
/// While it has variants (live or in the trash) the options can be renamed but not added or
/// removed, because every variant carries one value per option.
pub(crate) fn change_to(current: &[String], names: &[String], has_variants: bool) -> Result<OptionsChange> {
    let names = tidy_names(names)?;
    if current.iter().eq(names.iter()) {
        return Ok(OptionsChange::Same);
    }
    if !has_variants {
        return Ok(OptionsChange::Declare(names));
    }
    if names.len() != current.len() {
        return Err(Error::refused(
            "This product already has variants, each with one value per option, so its options can be renamed but not added or removed. Delete its variants (and empty them from the trash) first.",
        ));
    }
    Ok(OptionsChange::Rename(
        (1u8..)
            .zip(current.iter().zip(names))
            .filter(|(_, (old, new))| *old != new)
            .map(|(position, (_, new))| (position, new))
            .collect(),
    ))
}

/// Sets the product's option names, in order (see [`change_to`]).
pub(crate) fn declare(w: &mut Write<'_>, product_id: ProductId, names: &[String]) -> Result<()> {
    let current: Vec<String> = of_product(w.tx(), product_id)?
        .into_iter()
        .map(|o| o.name)
        .collect();
    let has_variants: bool = w
        .tx()
        .prepare_cached(ANY_VARIANT)?
        .query_row([product_id], |r| r.get(0))?;
    match change_to(&current, names, has_variants)? {
        OptionsChange::Same => return Ok(()),
        OptionsChange::Rename(renames) => {
            for (position, name) in renames {
                w.tx()
                    .prepare_cached(RENAME)?
                    .execute((product_id, position, name))?;
            }
        }
        OptionsChange::Declare(names) => {
            w.tx().prepare_cached(REMOVE_ALL)?.execute([product_id])?;
            for (position, name) in (1u8..).zip(&names) {
                w.tx()
                    .prepare_cached(ADD)?
                    .execute((product_id, position, name))?;
            }
        }
    }
    w.record(Entity::Product, product_id, ChangeKind::Updated);
    Ok(())
}

/// The options of many new products at once (a CSV import's batch), names already tidied:
/// one statement, all or none.
pub(crate) fn declare_many(w: &mut Write<'_>, products: &[(ProductId, &[String])]) -> Result<()> {
    let rows: Vec<serde_json::Value> = products
        .iter()
        .flat_map(|(id, names)| {
            (1u8..).zip(names.iter()).map(move |(position, name)| {
                serde_json::json!({"product_id": id, "position": position, "name": name})
            })
        })
        .collect();
    if !rows.is_empty() {
        w.tx()
            .prepare_cached(ADD_MANY)?
            .execute([serde_json::to_string(&rows)?])?;
    }
    Ok(())
}

/// Removes every option of a product being purged (its variants are already gone).
pub(crate) fn purge_of_product(w: &mut Write<'_>, product_id: ProductId) -> Result<()> {
    w.tx().prepare_cached(REMOVE_ALL)?.execute([product_id])?;
    Ok(())
}

impl Catalog {
    /// Gives a product its options (Size, Colour...), or renames them; see [`declare`].
    pub fn set_options(
        &mut self,
        product_id: ProductId,
        names: &[String],
    ) -> Result<super::products::Product> {
        super::products::get(self.conn(), product_id)?;
        self.write(|w| declare(w, product_id, names))?;
        super::products::get(self.conn(), product_id)
    }
}
