//! `shelf` subcommands over the image library: import, images, thumbnail, watch, repair, and
//! the image half of check. Each parses its arguments, calls one core function and prints.

use crate::output::{self, Out};
use clap::Args;
use shelf_core::catalog::products;
use shelf_core::images::{self, ImportTarget};
use shelf_core::job::{CancelToken, ItemResult, Job, JobReport, Outcome};
use shelf_core::store::Store;
use shelf_core::{Catalog, Error, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct ImportArgs {
    /// Attach every photo to this product.
    #[arg(
        long,
        value_name = "SKU",
        required_unless_present = "by_sku",
        conflicts_with = "by_sku"
    )]
    product: Option<String>,
    /// Group photos by the SKU in their file names (ABC-123.jpg, ABC-123_2.jpg, ABC-123 (3).png),
    /// creating draft products for new SKUs.
    #[arg(long)]
    by_sku: bool,
    /// Files and folders (searched recursively).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

fn print_item(out: &Out, item: &ItemResult) {
    out.line(item, || {
        format!(
            "{:<8} {}: {}",
            outcome_word(item.outcome),
            item.name,
            item.message
        )
    });
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Done => "done",
        Outcome::Warning => "warning",
        Outcome::Skipped => "skipped",
        Outcome::Refused => "refused",
    }
}

/// Exit 0 when every file was imported (or already there), 1 when any was refused.
pub fn import(store: &mut dyn Store, args: ImportArgs, out: &Out) -> Result<ExitCode> {
    let target = match &args.product {
        Some(sku) => ImportTarget::Product(store.product_by_sku(sku)?.id),
        None => ImportTarget::BySku,
    };
    let job = Job::new(CancelToken::new(), |progress| {
        if let Some(item) = &progress.last {
            print_item(out, item);
        }
    });
    let report = store.import_photos(&args.paths, target, &job)?;
    if !out.json {
        output::say(summary(&report));
    }
    Ok(if report.any_refused() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn summary(report: &JobReport) -> String {
    format!(
        "{} files: {} imported, {} with warnings, {} already there, {} refused{}",
        report.items.len(),
        report.count(Outcome::Done),
        report.count(Outcome::Warning),
        report.count(Outcome::Skipped),
        report.count(Outcome::Refused),
        if report.cancelled { " (cancelled)" } else { "" }
    )
}

/// A product's photos with their metadata.
pub fn list(catalog: &Catalog, sku: &str, out: &Out) -> Result<ExitCode> {
    let product = products::by_sku(catalog.conn(), sku)?;
    let list = images::product_images(catalog.conn(), product.id)?;
    out.show(&list, || {
        if list.is_empty() {
            return format!("{} has no photos.", product.sku);
        }
        list.iter()
            .map(|i| {
                let removed = if i.deleted_at.is_some() { "  (removed)" } else { "" };
                format!(
                    "#{:<3} id {:<5} {}  {}×{} {} {} bytes, rotated {}°  {}{removed}{}",
                    i.position,
                    i.id,
                    &i.sha256[..12],
                    i.width,
                    i.height,
                    i.mime,
                    i.byte_size,
                    i.rotation,
                    i.file_name,
                    if i.alt_text.is_empty() {
                        String::new()
                    } else {
                        format!("  alt: {}", i.alt_text)
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(ExitCode::SUCCESS)
}

/// Writes a photo's thumbnail to a file.
pub fn thumbnail(catalog: &Catalog, sha256: &str, file: &Path, out: &Out) -> Result<ExitCode> {
    let thumb = images::thumbnail(catalog.conn(), sha256)?;
    std::fs::write(file, &thumb.bytes).map_err(|e| Error::io("Can't write", file, e))?;
    out.show(&thumb, || {
        format!(
            "Wrote {}×{} {} to {}.",
            thumb.width,
            thumb.height,
            thumb.mime,
            file.display()
        )
    });
    Ok(ExitCode::SUCCESS)
}

/// Watches a folder until interrupted, printing a line per file.
pub fn watch(catalog: Catalog, dir: &Path, out: &Out) -> Result<ExitCode> {
    let library = catalog.library().clone();
    drop(catalog);
    if !out.json {
        output::warn(format_args!("Watching {} (Ctrl-C to stop).", dir.display()));
    }
    images::watch(&library, dir, CancelToken::new(), |item| print_item(out, item))?;
    Ok(ExitCode::SUCCESS)
}

/// Makes missing thumbnails again and moves orphan files to the trash folder.
pub fn repair(catalog: &mut Catalog, out: &Out) -> Result<ExitCode> {
    let report = images::repair(catalog, &Job::silent())?;
    for item in &report.items {
        print_item(out, item);
    }
    if !out.json && report.items.is_empty() {
        output::say("Nothing to repair.");
    }
    Ok(if report.any_refused() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The catalog's own checks plus the image library's; `--deep` re-hashes every original.
pub fn check(catalog: &Catalog, deep: bool, out: &Out) -> Result<ExitCode> {
    let job = Job::new(CancelToken::new(), |p| {
        if deep && !out.json && p.done % 100 == 0 && p.done > 0 {
            output::warn(format_args!("checked {}/{} originals", p.done, p.total));
        }
    });
    let report = images::check_library(catalog.library(), deep, &job)?;
    out.show(&report, || {
        if report.is_clean() {
            "No problems found.".into()
        } else {
            report
                .findings
                .iter()
                .map(|f| format!("{}: {}", f.kind, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        }
    });
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
