//! `shelf variant`: a product's variants (one per combination of its options' values).
//! Variants are named by their own SKU, products by theirs.

use crate::catalog_cmds::{set_amount, set_grams};
use crate::output::Out;
use clap::{Args, Subcommand};
use shelf_core::catalog::options::ProductOption;
use shelf_core::catalog::products::Product;
use shelf_core::catalog::variants::{self, OptionValues, Variant, VariantFields};
use shelf_core::money::{format_price, parse_price};
use shelf_core::store::Store;
use shelf_core::{Error, Result};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum VariantCmd {
    /// Add a variant to a product. A product without options gets the options named here
    /// (`--option Size=M --option Colour=Red`), in that order.
    Add {
        /// The product's SKU.
        product: String,
        #[command(flatten)]
        fields: VariantArgs,
    },
    /// Add a variant for every combination of the values (`--option Size=S,M,L`) that the
    /// product lacks, with SKUs made from the product's.
    Generate {
        product: String,
        /// NAME=VALUE,VALUE,...; once per option, at most three.
        #[arg(long = "option", value_name = "NAME=VALUES", required = true)]
        options: Vec<String>,
        #[arg(long, allow_hyphen_values = true)]
        price: String,
        #[arg(long, default_value_t = 0)]
        stock: i64,
    },
    /// List a product's variants (or the ones in the trash).
    List {
        product: String,
        #[arg(long)]
        trash: bool,
    },
    /// Change a variant's fields. Unnamed fields keep their value.
    Edit {
        /// The variant's SKU.
        #[arg(id = "target", value_name = "SKU")]
        target: String,
        #[command(flatten)]
        fields: VariantArgs,
        /// The version your edit started from; refused if the variant changed since.
        #[arg(long)]
        expect_version: Option<i64>,
    },
    /// Move variants to the trash (by their SKUs).
    Trash { skus: Vec<String> },
    /// Bring variants back from the trash.
    Restore { skus: Vec<String> },
}

#[derive(Args, Default)]
pub struct VariantArgs {
    #[arg(long)]
    sku: Option<String>,
    /// NAME=VALUE, once per option of the product.
    #[arg(long = "option", value_name = "NAME=VALUE")]
    options: Vec<String>,
    /// The price as written in the product's currency (12.99).
    #[arg(long, allow_hyphen_values = true)]
    price: Option<String>,
    /// The "was" price; empty to clear.
    #[arg(long, allow_hyphen_values = true)]
    compare_at: Option<String>,
    /// What one costs you; empty to clear.
    #[arg(long, allow_hyphen_values = true)]
    cost: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    stock: Option<i64>,
    /// Empty to clear.
    #[arg(long)]
    barcode: Option<String>,
    /// Weight in grams; empty to clear.
    #[arg(long)]
    weight_grams: Option<String>,
}

/// On a library or a team server alike (`shelf --server ADDRESS variant ...`).
pub fn variant(store: &mut dyn Store, cmd: VariantCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        VariantCmd::Add { product, fields } => {
            let mut product = store.product_by_sku(&product)?;
            let pairs = name_value_pairs(&fields.options)?;
            if product.options.is_empty() && !pairs.is_empty() {
                let names: Vec<String> = pairs.iter().map(|(n, _)| n.clone()).collect();
                product = store.set_options(product.id, &names)?;
            }
            let base = VariantFields {
                price_minor: product.price_minor,
                ..VariantFields::default()
            };
            let fields = fields.into_fields(&product, base)?;
            let variant = store.create_variant(product.id, &fields)?;
            out.show(&variant, || {
                format!("Added variant {} to {}.", variant.sku, product.sku)
            });
        }
        VariantCmd::Generate {
            product,
            options,
            price,
            stock,
        } => {
            let product = store.product_by_sku(&product)?;
            let options = name_value_pairs(&options)?
                .into_iter()
                .map(|(name, values)| OptionValues {
                    name,
                    values: values
                        .split(',')
                        .map(str::to_owned)
                        .filter(|v| !v.trim().is_empty())
                        .collect(),
                })
                .collect::<Vec<_>>();
            let price = parse_price(&price, product.minor_units)?;
            let before = product.variants.len();
            let product = store.generate_variants(product.id, &options, price, stock)?;
            let added = product.variants.len() - before;
            out.show(&product, || {
                format!(
                    "Added {added} variants to {} ({} in all).",
                    product.sku,
                    product.variants.len()
                )
            });
        }
        VariantCmd::List { product, trash } => {
            let product = store.product_by_sku(&product)?;
            let list = store.variants(product.id, trash)?;
            out.show(&list, || {
                list.iter()
                    .map(|v| variant_line(v, product.minor_units))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        VariantCmd::Edit {
            target,
            fields,
            expect_version,
        } => {
            let current = store.variant_by_sku(&target)?;
            let product = store.product(current.product_id)?;
            let version = expect_version.unwrap_or(current.version);
            let base = VariantFields {
                sku: current.sku.clone(),
                option1: current.option1.clone(),
                option2: current.option2.clone(),
                option3: current.option3.clone(),
                price_minor: current.price_minor,
                compare_at_minor: current.compare_at_minor,
                cost_minor: current.cost_minor,
                stock: current.stock,
                barcode: current.barcode.clone(),
                weight_grams: current.weight_grams,
                image_sha256: current.image_sha256.clone(),
            };
            let fields = fields.into_fields(&product, base)?;
            let variant = store.update_variant(current.id, version, &fields)?;
            out.show(&variant, || {
                format!("Saved variant {} (version {}).", variant.sku, variant.version)
            });
        }
        VariantCmd::Trash { skus } => {
            let ids = ids_of(store, &skus)?;
            let n = store.trash_variants(&ids)?;
            out.show(&serde_json::json!({"trashed": n}), || {
                format!("Moved {n} to the trash.")
            });
        }
        VariantCmd::Restore { skus } => {
            let ids = ids_of(store, &skus)?;
            let n = store.restore_variants(&ids)?;
            out.show(&serde_json::json!({"restored": n}), || {
                format!("Restored {n} from the trash.")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ids_of(store: &mut dyn Store, skus: &[String]) -> Result<Vec<variants::VariantId>> {
    skus.iter().map(|sku| Ok(store.variant_by_sku(sku)?.id)).collect()
}

/// `Size=M` as ("Size", "M").
fn name_value_pairs(args: &[String]) -> Result<Vec<(String, String)>> {
    args.iter()
        .map(|arg| {
            let (name, value) = arg.split_once('=').ok_or_else(|| {
                Error::validation(
                    "options",
                    format!("{arg:?}: write an option as NAME=VALUE, like Size=M."),
                )
            })?;
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// Where the value of option `name` goes (1 to 3), by the product's option names.
fn slot_of(options: &[ProductOption], name: &str) -> Result<u8> {
    options
        .iter()
        .find(|o| o.name.eq_ignore_ascii_case(name))
        .map(|o| o.position)
        .ok_or_else(|| {
            let known: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
            Error::validation(
                "options",
                format!(
                    "This product has no option {name} (its options: {}).",
                    known.join(", ")
                ),
            )
        })
}

impl VariantArgs {
    /// `base` with every field given on the command line replaced.
    fn into_fields(self, product: &Product, base: VariantFields) -> Result<VariantFields> {
        let units = product.minor_units;
        let mut f = base;
        for (name, value) in name_value_pairs(&self.options)? {
            let slot = match slot_of(&product.options, &name)? {
                1 => &mut f.option1,
                2 => &mut f.option2,
                _ => &mut f.option3,
            };
            *slot = Some(value);
        }
        f.sku = self.sku.unwrap_or(f.sku);
        if let Some(price) = self.price {
            f.price_minor = parse_price(&price, units)?;
        }
        set_amount(self.compare_at, &mut f.compare_at_minor, units)?;
        set_amount(self.cost, &mut f.cost_minor, units)?;
        f.stock = self.stock.unwrap_or(f.stock);
        if let Some(barcode) = self.barcode {
            f.barcode = Some(barcode).filter(|b| !b.trim().is_empty());
        }
        set_grams(self.weight_grams, &mut f.weight_grams)?;
        Ok(f)
    }
}

/// One line per variant: SKU, option values, price, stock.
pub fn variant_line(v: &Variant, minor_units: u32) -> String {
    let values: Vec<&str> = [&v.option1, &v.option2, &v.option3]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    format!(
        "  {:<20} {:<24} {:>12}  stock {}{}",
        v.sku,
        values.join(" / "),
        format_price(v.price_minor, minor_units),
        v.stock,
        v.barcode
            .as_deref()
            .map(|b| format!("  barcode {b}"))
            .unwrap_or_default()
    )
}
