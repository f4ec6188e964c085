//! `shelf` subcommands over the catalog: products, users, categories, tags, history, check.
//! Each one parses its arguments, calls one core function and prints the result.

use crate::output::Out;
use clap::{Args, Subcommand};
use shelf_core::catalog::products::{
    self, BulkEdit, ProductFields, ProductQuery, ShopFields, SortKey, Status,
};
use shelf_core::catalog::users::{NewUser, Role};
use shelf_core::catalog::{maintenance, users, ProductId};
use shelf_core::money::{self, format_price, parse_price, PriceChange};
use shelf_core::store::Store;
use shelf_core::{Catalog, Error, Result};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ProductCmd {
    /// Add a product.
    Add(ProductArgs),
    /// List products (one page; --after continues).
    List(ListArgs),
    /// Show one product.
    Show { sku: String },
    /// Change a product's fields. Unnamed fields keep their value.
    Edit {
        #[arg(id = "target", value_name = "SKU")]
        target: String,
        #[command(flatten)]
        fields: ProductArgs,
        /// The version your edit started from; refused if the product changed since.
        #[arg(long)]
        expect_version: Option<i64>,
    },
    /// Move products to the trash.
    Trash { skus: Vec<String> },
    /// Bring products back from the trash.
    Restore { skus: Vec<String> },
    /// Delete products in the trash for good (asks nothing: scripts call this).
    Purge {
        skus: Vec<String>,
        /// Instead of SKUs: everything in the trash for more than this many days.
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u32>,
    },
}

#[derive(Args, Default)]
pub struct ProductArgs {
    #[arg(long)]
    sku: Option<String>,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// The price as written in the currency (12.99).
    #[arg(long, allow_hyphen_values = true)]
    price: Option<String>,
    #[arg(long)]
    currency: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    stock: Option<i64>,
    /// draft, active or archived.
    #[arg(long)]
    status: Option<String>,
    /// Category path (`Home > Kitchen`); created when missing. Empty to clear.
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    barcode: Option<String>,
    /// Comma-separated tags (replace the product's tags).
    #[arg(long)]
    tags: Option<String>,
    #[command(flatten)]
    shop: ShopArgs,
}

/// The shop fields; an empty value clears one.
#[derive(Args, Default)]
pub struct ShopArgs {
    #[arg(long)]
    vendor: Option<String>,
    #[arg(long = "type", value_name = "PRODUCT_TYPE")]
    product_type: Option<String>,
    /// The shop's URL handle (`blue-mug`).
    #[arg(long)]
    handle: Option<String>,
    /// The "was" price, as written in the currency.
    #[arg(long, allow_hyphen_values = true)]
    compare_at: Option<String>,
    /// What one costs you, as written in the currency.
    #[arg(long, allow_hyphen_values = true)]
    cost: Option<String>,
    /// Weight in grams.
    #[arg(long, allow_negative_numbers = true)]
    weight_grams: Option<String>,
}

impl ShopArgs {
    fn apply(self, shop: &mut ShopFields, minor_units: u32) -> Result<()> {
        let text = |v: Option<String>, into: &mut Option<String>| {
            if let Some(v) = v {
                *into = Some(v).filter(|v| !v.trim().is_empty());
            }
        };
        text(self.vendor, &mut shop.vendor);
        text(self.product_type, &mut shop.product_type);
        text(self.handle, &mut shop.handle);
        set_amount(self.compare_at, &mut shop.compare_at_minor, minor_units)?;
        set_amount(self.cost, &mut shop.cost_minor, minor_units)?;
        set_grams(self.weight_grams, &mut shop.weight_grams)
    }
}

/// An optional amount given on the command line: absent keeps `into`, empty clears it.
pub(crate) fn set_amount(text: Option<String>, into: &mut Option<i64>, minor_units: u32) -> Result<()> {
    if let Some(text) = text {
        *into = match text.trim() {
            "" => None,
            t => Some(parse_price(t, minor_units)?),
        };
    }
    Ok(())
}

/// An optional weight in grams, as `set_amount`.
pub(crate) fn set_grams(text: Option<String>, into: &mut Option<i64>) -> Result<()> {
    if let Some(text) = text {
        *into =
            match text.trim() {
                "" => None,
                g => Some(g.parse().map_err(|_| {
                    Error::validation("weight", format!("{g} isn't a weight in whole grams."))
                })?),
            };
    }
    Ok(())
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    tag: Option<String>,
    /// Only products with stock at or below N.
    #[arg(long, value_name = "N")]
    low_stock: Option<i64>,
    /// List the trash instead.
    #[arg(long)]
    trash: bool,
    #[arg(long)]
    search: Option<String>,
    /// name, sku, price, stock or updated.
    #[arg(long, default_value = "name")]
    sort: String,
    #[arg(long)]
    desc: bool,
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Continue after this cursor (printed as `next` by the previous page with --json).
    #[arg(long)]
    after: Option<String>,
}

#[derive(Subcommand)]
pub enum UserCmd {
    Add {
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// owner or staff.
        #[arg(long, default_value = "staff")]
        role: String,
    },
    List,
    Rename {
        username: String,
        display_name: String,
    },
    Deactivate {
        username: String,
    },
    Activate {
        username: String,
    },
    Delete {
        username: String,
    },
}

#[derive(Subcommand)]
pub enum CategoryCmd {
    /// Add a category path (`Home > Kitchen > Mugs`), creating missing levels.
    Add {
        path: String,
    },
    List,
    Rename {
        path: String,
        name: String,
    },
    /// Move under another category (or to the top with no parent).
    Move {
        path: String,
        parent: Option<String>,
    },
    Delete {
        path: String,
    },
}

#[derive(Subcommand)]
pub enum TagCmd {
    List,
    Rename {
        name: String,
        new_name: String,
    },
    /// Remove the tag from every product and delete it.
    Delete {
        name: String,
    },
}

#[derive(Args)]
pub struct BulkArgs {
    /// The products to change.
    #[arg(required = true)]
    skus: Vec<String>,
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    add_tag: Option<String>,
    #[arg(long)]
    remove_tag: Option<String>,
    /// Change prices by a percentage: 10, -12.5.
    #[arg(long, allow_hyphen_values = true)]
    price_percent: Option<String>,
    /// Change prices by a fixed amount in the currency: 2.50, -1.
    #[arg(long, allow_hyphen_values = true)]
    price_add: Option<String>,
}

pub fn init(catalog: &Catalog, out: &Out) -> Result<ExitCode> {
    let stats = maintenance::stats(catalog.conn())?;
    out.show(
        &serde_json::json!({"library": catalog.library().root(), "schema_version": stats.schema_version}),
        || {
            format!(
                "Library ready at {} (schema {}).",
                catalog.library().root().display(),
                stats.schema_version
            )
        },
    );
    Ok(ExitCode::SUCCESS)
}

/// The product commands, on a local library or a team server alike (`Store`).
pub fn product(store: &mut dyn Store, cmd: ProductCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        ProductCmd::Add(args) => {
            let fields = args.into_fields(store, ProductFields::default())?;
            let product = store.create_product(&fields)?;
            out.show(&product, || format!("Added {} {}.", product.sku, product.name));
        }
        ProductCmd::List(args) => {
            let query = args.query(store)?;
            let page = store.list(&query)?;
            out.show(&page, || page_text(&page));
        }
        ProductCmd::Show { sku } => {
            let product = store.product_by_sku(&sku)?;
            out.show(&product, || product_text(&product));
        }
        ProductCmd::Edit {
            target,
            fields,
            expect_version,
        } => {
            let current = store.product_by_sku(&target)?;
            let version = expect_version.unwrap_or(current.version);
            let base = ProductFields {
                sku: current.sku.clone(),
                name: current.name.clone(),
                description: current.description.clone(),
                price_minor: current.price_minor,
                currency: Some(current.currency.clone()),
                stock: current.stock,
                status: current.status,
                category_id: current.category_id,
                barcode: current.barcode.clone(),
                tags: current.tags.clone(),
                shop: current.shop.clone(),
            };
            let fields = fields.into_fields(store, base)?;
            let product = store.update_product(current.id, version, &fields)?;
            out.show(&product, || {
                format!("Saved {} (version {}).", product.sku, product.version)
            });
        }
        ProductCmd::Trash { skus } => {
            let ids = ids_of(store, &skus)?;
            let n = store.move_to_trash(&ids)?;
            out.show(&serde_json::json!({"trashed": n}), || {
                format!("Moved {n} to the trash.")
            });
        }
        ProductCmd::Restore { skus } => {
            let ids = ids_of(store, &skus)?;
            let n = store.restore_from_trash(&ids)?;
            out.show(&serde_json::json!({"restored": n}), || {
                format!("Restored {n} from the trash.")
            });
        }
        ProductCmd::Purge { skus, older_than } => {
            let n = match older_than {
                Some(days) => store.empty_trash_older_than(days)?,
                None => {
                    let ids = ids_of(store, &skus)?;
                    store.purge(&ids)?
                }
            };
            out.show(&serde_json::json!({"purged": n}), || {
                format!("Deleted {n} for good.")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ids_of(store: &mut dyn Store, skus: &[String]) -> Result<Vec<ProductId>> {
    skus.iter()
        .map(|sku| {
            store
                .product_id_by_sku(sku)?
                .ok_or_else(|| Error::NotFound(format!("There is no product with SKU {sku}.")))
        })
        .collect()
}

impl ProductArgs {
    /// `base` with every field that was given on the command line replaced.
    fn into_fields(self, store: &mut dyn Store, base: ProductFields) -> Result<ProductFields> {
        let mut f = base;
        if let Some(currency) = self.currency {
            f.currency = Some(currency.trim().to_ascii_uppercase());
        }
        let (_, units) = store.currency_units(f.currency.as_deref())?;
        if let Some(price) = self.price {
            f.price_minor = parse_price(&price, units)?;
        }
        self.shop.apply(&mut f.shop, units)?;
        f.sku = self.sku.unwrap_or(f.sku);
        f.name = self.name.unwrap_or(f.name);
        f.description = self.description.unwrap_or(f.description);
        f.stock = self.stock.unwrap_or(f.stock);
        if let Some(status) = self.status {
            f.status = Status::parse(&status)?;
        }
        if let Some(category) = self.category {
            f.category_id = match category.trim() {
                "" => None,
                path => Some(store.ensure_category_path(path)?.id),
            };
        }
        if let Some(barcode) = self.barcode {
            f.barcode = Some(barcode).filter(|b| !b.trim().is_empty());
        }
        if let Some(tags) = self.tags {
            f.tags = tags.split(',').map(str::to_owned).collect();
        }
        Ok(f)
    }
}

impl ListArgs {
    fn query(self, store: &mut dyn Store) -> Result<ProductQuery> {
        let sort = match self.sort.as_str() {
            "name" => SortKey::Name,
            "sku" => SortKey::Sku,
            "price" => SortKey::Price,
            "stock" => SortKey::Stock,
            "updated" => SortKey::Updated,
            other => {
                return Err(Error::validation(
                    "sort",
                    format!("Can't sort by {other:?}; use name, sku, price, stock or updated."),
                ))
            }
        };
        Ok(ProductQuery {
            status: self.status.as_deref().map(Status::parse).transpose()?,
            category_id: self
                .category
                .as_deref()
                .map(|p| store.category_by_path(p).map(|c| c.id))
                .transpose()?,
            tag: self.tag,
            stock_at_most: self.low_stock,
            in_trash: self.trash,
            search: self.search,
            sort,
            descending: self.desc,
            after: self.after.as_deref().map(serde_json::from_str).transpose()?,
            limit: self.limit,
        })
    }
}

fn page_text(page: &products::Page) -> String {
    let mut lines: Vec<String> = page
        .items
        .iter()
        .map(|p| {
            format!(
                "{:<20} {:<40} {:>12} {} {:>7}  {}",
                p.sku,
                p.name,
                format_price(p.price_minor, p.minor_units),
                p.currency,
                p.stock,
                p.status.as_str()
            )
        })
        .collect();
    if let Some(next) = &page.next {
        lines.push(format!(
            "(more: --after '{}')",
            serde_json::to_string(next).unwrap_or_default()
        ));
    }
    lines.join("\n")
}

fn product_text(p: &products::Product) -> String {
    let mut lines = vec![
        format!("{} — {}", p.sku, p.name),
        format!(
            "price     {} {}",
            format_price(p.price_minor, p.minor_units),
            p.currency
        ),
        format!("stock     {}", p.stock),
        format!(
            "status    {}{}",
            p.status.as_str(),
            if p.deleted_at.is_some() {
                " (in the trash)"
            } else {
                ""
            }
        ),
    ];
    if let Some(path) = &p.category_path {
        lines.push(format!("category  {path}"));
    }
    if let Some(barcode) = &p.barcode {
        lines.push(format!("barcode   {barcode}"));
    }
    if !p.tags.is_empty() {
        lines.push(format!("tags      {}", p.tags.join(", ")));
    }
    let shop = &p.shop;
    for (label, value) in [
        ("vendor", shop.vendor.clone()),
        ("type", shop.product_type.clone()),
        ("handle", shop.handle.clone()),
        (
            "was",
            shop.compare_at_minor.map(|m| format_price(m, p.minor_units)),
        ),
        ("cost", shop.cost_minor.map(|m| format_price(m, p.minor_units))),
        ("weight", shop.weight_grams.map(|g| format!("{g} g"))),
    ] {
        if let Some(value) = value {
            lines.push(format!("{label:<9} {value}"));
        }
    }
    if !p.options.is_empty() {
        for option in &p.options {
            lines.push(format!(
                "option {}  {}: {}",
                option.position,
                option.name,
                option.values.join(", ")
            ));
        }
        lines.push(format!("variants  {}", p.variants.len()));
        lines.extend(
            p.variants
                .iter()
                .map(|v| crate::variant_cmds::variant_line(v, p.minor_units)),
        );
    }
    lines.push(format!("version   {} (updated {})", p.version, p.updated_at));
    if !p.description.is_empty() {
        lines.push(String::new());
        lines.push(p.description.clone());
    }
    lines.join("\n")
}

pub fn search(store: &mut dyn Store, text: &str, limit: u32, out: &Out) -> Result<ExitCode> {
    let hits = store.search(text, limit)?;
    out.show(&hits, || {
        hits.iter()
            .map(|h| format!("{:<20} {}", h.sku, h.name))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(ExitCode::SUCCESS)
}

pub fn history(store: &mut dyn Store, sku: &str, restore: Option<i64>, out: &Out) -> Result<ExitCode> {
    let product = store.product_by_sku(sku)?;
    if let Some(entry) = restore {
        let restored = store.restore_version(product.id, entry, product.version)?;
        out.show(&restored, || {
            format!(
                "Restored {} as it was after entry {entry} (now version {}).",
                restored.sku, restored.version
            )
        });
        return Ok(ExitCode::SUCCESS);
    }
    let entries = store.product_history(product.id, 200)?;
    out.show(&entries, || {
        entries
            .iter()
            .map(|e| {
                let changes: Vec<String> = e
                    .changes
                    .iter()
                    .map(|c| format!("{}: {} → {}", c.field, c.before, c.after))
                    .collect();
                format!(
                    "#{:<6} {} {:<10} {:<11} {}",
                    e.audit_id,
                    e.at,
                    e.actor,
                    e.what,
                    changes.join("; ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(ExitCode::SUCCESS)
}

pub fn undo(store: &mut dyn Store, out: &Out) -> Result<ExitCode> {
    let undone = store.undo_last_change()?;
    out.show(&undone, || match &undone {
        Some(p) => format!("Undid your last change to {} {}.", p.sku, p.name),
        None => "Nothing to undo.".into(),
    });
    Ok(ExitCode::SUCCESS)
}

pub fn user(catalog: &mut Catalog, cmd: UserCmd, out: &Out) -> Result<ExitCode> {
    let user = match cmd {
        UserCmd::Add {
            username,
            display_name,
            email,
            role,
        } => catalog.create_user(NewUser {
            display_name: display_name.as_deref().unwrap_or(&username),
            username: &username,
            email: email.as_deref(),
            role: Role::parse(&role)?,
        })?,
        UserCmd::List => {
            let list = users::list(catalog.conn())?;
            out.show(&list, || {
                list.iter()
                    .map(|u| {
                        format!(
                            "{:<20} {:<30} {:<6} {}",
                            u.username,
                            u.display_name,
                            u.role.as_str(),
                            if u.is_active { "active" } else { "deactivated" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            return Ok(ExitCode::SUCCESS);
        }
        UserCmd::Rename {
            username,
            display_name,
        } => catalog.rename_user(&username, &display_name)?,
        UserCmd::Deactivate { username } => catalog.set_user_active(&username, false)?,
        UserCmd::Activate { username } => catalog.set_user_active(&username, true)?,
        UserCmd::Delete { username } => {
            catalog.delete_user(&username)?;
            out.show(&serde_json::json!({"deleted": username}), || {
                format!("Deleted user {username}.")
            });
            return Ok(ExitCode::SUCCESS);
        }
    };
    out.show(&user, || {
        format!(
            "{} ({}), {}, {}",
            user.username,
            user.display_name,
            user.role.as_str(),
            if user.is_active { "active" } else { "deactivated" }
        )
    });
    Ok(ExitCode::SUCCESS)
}

pub fn category(store: &mut dyn Store, cmd: CategoryCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        CategoryCmd::Add { path } => {
            let c = store.ensure_category_path(&path)?;
            out.show(&c, || format!("Category {} (id {}).", c.path, c.id));
        }
        CategoryCmd::List => {
            let list = store.categories()?;
            out.show(&list, || {
                list.iter()
                    .map(|c| format!("{:<50} {:>6} products", c.path, c.product_count))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CategoryCmd::Rename { path, name } => {
            let id = store.category_by_path(&path)?.id;
            let c = store.rename_category(id, &name)?;
            out.show(&c, || format!("Renamed to {}.", c.path));
        }
        CategoryCmd::Move { path, parent } => {
            let id = store.category_by_path(&path)?.id;
            let parent = parent
                .as_deref()
                .map(|p| store.category_by_path(p).map(|c| c.id))
                .transpose()?;
            let c = store.move_category(id, parent)?;
            out.show(&c, || format!("Moved to {}.", c.path));
        }
        CategoryCmd::Delete { path } => {
            let c = store.category_by_path(&path)?;
            store.delete_category(c.id)?;
            out.show(&serde_json::json!({"deleted": c.path}), || {
                format!("Deleted {}.", c.path)
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn tag(store: &mut dyn Store, cmd: TagCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        TagCmd::List => {
            let list = store.tags()?;
            out.show(&list, || {
                list.iter()
                    .map(|t| format!("{:<30} {:>6} products", t.name, t.product_count))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TagCmd::Rename { name, new_name } => {
            store.rename_tag(&name, &new_name)?;
            out.show(&serde_json::json!({"renamed": name, "to": new_name}), || {
                format!("Renamed {name} to {new_name}.")
            });
        }
        TagCmd::Delete { name } => {
            let n = store.delete_tag(&name)?;
            out.show(&serde_json::json!({"deleted": name, "removed_from": n}), || {
                format!("Deleted {name} (was on {n} products).")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn bulk(store: &mut dyn Store, args: BulkArgs, out: &Out) -> Result<ExitCode> {
    let ids = ids_of(store, &args.skus)?;
    let mut edits = Vec::new();
    if let Some(status) = &args.status {
        edits.push(BulkEdit::SetStatus(Status::parse(status)?));
    }
    if let Some(path) = &args.category {
        let id = if path.trim().is_empty() {
            None
        } else {
            Some(store.ensure_category_path(path)?.id)
        };
        edits.push(BulkEdit::SetCategory(id));
    }
    if let Some(tag) = args.add_tag {
        edits.push(BulkEdit::AddTag(tag));
    }
    if let Some(tag) = args.remove_tag {
        edits.push(BulkEdit::RemoveTag(tag));
    }
    if let Some(percent) = &args.price_percent {
        let hundredths = money::parse_signed(percent, 2, "price-percent")?;
        edits.push(BulkEdit::AdjustPrice(PriceChange::PercentHundredths(hundredths)));
    }
    if let Some(amount) = &args.price_add {
        // Read in each product's own currency by the core.
        edits.push(BulkEdit::AdjustPrice(PriceChange::Amount(amount.clone())));
    }
    if edits.is_empty() {
        return Err(Error::validation("bulk", "Say what to change (--status, --category, --add-tag, --remove-tag, --price-percent, --price-add)."));
    }
    store.bulk_edit_all(&ids, &edits)?;
    out.show(&serde_json::json!({"changed": ids.len()}), || {
        format!("Changed {} products.", ids.len())
    });
    Ok(ExitCode::SUCCESS)
}

pub fn optimize(catalog: &mut Catalog, rebuild_search: bool, out: &Out) -> Result<ExitCode> {
    if rebuild_search {
        catalog.rebuild_search()?;
    }
    catalog.optimize()?;
    out.show(&serde_json::json!({"optimized": true}), || "Optimized.".into());
    Ok(ExitCode::SUCCESS)
}

pub fn stats(catalog: &Catalog, out: &Out) -> Result<ExitCode> {
    let s = maintenance::stats(catalog.conn())?;
    out.show(&s, || {
        format!(
            "products {} (active {}, draft {}, archived {}), in trash {}\nusers {}, categories {}, tags {}\noriginals {} ({} bytes)\naudit entries {}, schema {}, catalog file {} bytes",
            s.products, s.active, s.draft, s.archived, s.in_trash, s.users, s.categories, s.tags, s.originals, s.original_bytes, s.audit_entries, s.schema_version, s.file_bytes
        )
    });
    Ok(ExitCode::SUCCESS)
}
