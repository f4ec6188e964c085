//! `shelf` subcommands that move the catalog in and out: export, CSV import, backup,
//! backup verification and restore. Each parses its arguments, calls one core function and
//! prints the result.

use crate::output::Out;
use clap::Args;
use shelf_core::backup;
use shelf_core::catalog::products::{ProductQuery, Status};
use shelf_core::csv_import::{self, CsvFormat, CsvImportOptions, CsvImportReport, Field};
use shelf_core::export::{self, ExportFormat, PhotosOut};
use shelf_core::job::Job;
use shelf_core::store::Store;
use shelf_core::{Catalog, Error, Library, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct ExportArgs {
    /// csv (every field), json (full fidelity), shopify (Shopify's product CSV) or
    /// woocommerce (WooCommerce's product CSV; also `woo`).
    #[arg(long, default_value = "csv")]
    format: String,
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Also copy the products' original photos into this folder (HEIC, HEIF and AVIF as a
    /// full-size JPEG each, which every shop takes).
    #[arg(long, value_name = "DIR")]
    images: Option<PathBuf>,
    /// With --images: copy HEIC, HEIF and AVIF originals as they are, not as JPEG.
    #[arg(long, requires = "images")]
    keep_originals: bool,
    #[arg(long)]
    status: Option<String>,
    /// Category path (`Home > Kitchen`).
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    tag: Option<String>,
    #[arg(long)]
    search: Option<String>,
}

#[derive(Args)]
pub struct ImportCsvArgs {
    file: PathBuf,
    /// auto, generic, shopify, woocommerce or etsy; auto (from the header row) when absent.
    #[arg(long)]
    format: Option<String>,
    /// Map a column by hand: `--column "TITEL=name"` (fields: sku, name, description, price,
    /// compare_at, cost, stock, barcode, category, tags, images, image_src, option1_name,
    /// option1_value...; `ignore` leaves the column out). The other columns keep the
    /// layout's mapping. Remembered for the next file with the same header row.
    #[arg(long = "column", value_name = "HEADER=FIELD")]
    columns: Vec<String>,
    /// Report what would be created, updated and refused, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import the good rows and list the bad ones in a report file (default: all or nothing).
    #[arg(long)]
    skip_bad_rows: bool,
    /// Where to write the report (default with --skip-bad-rows: FILE.import-report.csv).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// `shelf export`, from a library (through a read-only handle of its own) or a team server.
pub fn export(store: &mut dyn Store, args: ExportArgs, out: &Out) -> Result<ExitCode> {
    let format = ExportFormat::parse(&args.format)?;
    let query = ProductQuery {
        status: args.status.as_deref().map(Status::parse).transpose()?,
        category_id: args
            .category
            .as_deref()
            .map(|p| store.category_by_path(p).map(|c| c.id))
            .transpose()?,
        tag: args.tag,
        search: args.search,
        ..ProductQuery::default()
    };
    let summary = export::export(
        store,
        format,
        &args.out,
        args.images.as_deref().map(|dir| PhotosOut {
            dir,
            keep_originals: args.keep_originals,
        }),
        &query,
        None,
        &Job::silent(),
    )?;
    out.show(&summary, || {
        let mut text = format!(
            "Exported {} products ({} rows) to {}.",
            summary.products,
            summary.rows,
            summary.out.display()
        );
        if summary.images_copied > 0 {
            text.push_str(&format!(" Copied {} photos.", summary.images_copied));
        }
        if !summary.images_missing.is_empty() {
            text.push_str(&format!(
                " {} photos are missing from the library (run `shelf check`).",
                summary.images_missing.len()
            ));
        }
        text
    });
    Ok(ExitCode::SUCCESS)
}

pub fn import_csv(store: &mut dyn Store, args: ImportCsvArgs, out: &Out) -> Result<ExitCode> {
    let options = CsvImportOptions {
        format: args
            .format
            .as_deref()
            .map(CsvFormat::parse)
            .transpose()?
            .unwrap_or(CsvFormat::Auto),
        dry_run: args.dry_run,
        skip_bad_rows: args.skip_bad_rows,
        report_file: args.report,
        columns: None,
    };
    let options = CsvImportOptions {
        columns: hand_mapping(store, &args.file, options.format, &args.columns)?,
        ..options
    };
    let report = store.import_csv(&args.file, &options, &Job::silent())?;
    out.show(&report, || import_text(&report));
    Ok(if report.refused > 0 || report.cancelled {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The preview's mapping with the `--column` choices applied; `None` when there are none.
fn hand_mapping(
    store: &mut dyn Store,
    file: &Path,
    format: CsvFormat,
    choices: &[String],
) -> Result<Option<Vec<Option<Field>>>> {
    if choices.is_empty() {
        return Ok(None);
    }
    let preview = store.preview_csv(file, 0, format)?;
    let mut columns = preview.mapping;
    for choice in choices {
        let (header, field) = choice
            .rsplit_once('=')
            .ok_or_else(|| Error::validation("column", format!("{choice:?} is not HEADER=FIELD.")))?;
        let index = preview
            .headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(header.trim()))
            .ok_or_else(|| Error::validation("column", format!("The file has no column {header:?}.")))?;
        columns[index] = match field.trim() {
            "ignore" => None,
            name => Some(
                serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
                    Error::validation(
                        "column",
                        format!("{name:?} is not a field (see shelf import-csv --help)."),
                    )
                })?,
            ),
        };
    }
    Ok(Some(columns))
}

fn import_text(r: &CsvImportReport) -> String {
    let mut lines = Vec::new();
    let verb = if r.committed { "" } else { "would be " };
    lines.push(format!(
        "{} rows read: {} products {verb}created, {} {verb}updated, {} unchanged, {} refused.",
        r.rows_read, r.created, r.updated, r.unchanged, r.refused
    ));
    if r.dry_run {
        lines.push("Dry run: nothing was written.".into());
    } else if r.refused > 0 && !r.committed {
        lines.push(
            "Nothing was imported because some rows were refused (use --skip-bad-rows to import the rest)."
                .into(),
        );
    }
    if r.variants > 0 {
        lines.push(format!(
            "{} variants {verb}imported with their products.",
            r.variants
        ));
    }
    if r.variants_not_imported > 0 {
        lines.push(format!(
            "{} variant rows were left out: their product declares no options (see below).",
            r.variants_not_imported
        ));
    }
    if r.images_imported > 0 {
        lines.push(format!("{} photos were imported.", r.images_imported));
    }
    if r.images_not_fetched + r.images_not_imported > 0 {
        lines.push(format!(
            "{} photos by URL could not be downloaded and {} local photos could not be imported (see below).",
            r.images_not_fetched, r.images_not_imported
        ));
    }
    for issue in r
        .issues
        .iter()
        .filter(|i| i.kind != csv_import::IssueKind::ImageNotFetched)
    {
        lines.push(format!("line {}: {} {}", issue.line, issue.sku, issue.message));
    }
    if let Some(file) = &r.report_file {
        lines.push(format!("Report: {}", file.display()));
    }
    lines.join("\n")
}

#[derive(clap::Subcommand)]
pub enum AutoBackupCmd {
    /// Show the setting.
    Show,
    /// Switch automatic backups on (or change them).
    Set {
        #[arg(long)]
        folder: PathBuf,
        #[arg(long, default_value_t = 7)]
        daily: u32,
        #[arg(long, default_value_t = 4)]
        weekly: u32,
        #[arg(long, default_value_t = 24)]
        every_hours: u32,
    },
    /// Switch automatic backups off.
    Off,
    /// Run one automatic backup now with the saved setting.
    Run,
}

pub fn auto_backup(catalog: &mut Catalog, cmd: AutoBackupCmd, out: &Out) -> Result<ExitCode> {
    use shelf_core::backup::auto::{self, AutoBackup, AUTO_BACKUP_SETTING};
    match cmd {
        AutoBackupCmd::Show => {
            let setting = AutoBackup::of_catalog(catalog.conn());
            out.show(&setting, || match &setting {
                Some(s) => format!(
                    "Every {} hours into {}, keeping {} daily and {} weekly.",
                    s.every_hours, s.folder, s.daily, s.weekly
                ),
                None => "Automatic backups are off.".into(),
            });
        }
        AutoBackupCmd::Set {
            folder,
            daily,
            weekly,
            every_hours,
        } => {
            let setting = AutoBackup {
                folder: folder.display().to_string(),
                daily,
                weekly,
                every_hours,
            };
            setting.check()?;
            catalog
                .library()
                .check_service_folder(&folder, "automatic backup", true)?;
            catalog.put_setting(AUTO_BACKUP_SETTING, &serde_json::to_value(&setting)?)?;
            out.show(&setting, || {
                format!("Automatic backups go to {}.", setting.folder)
            });
        }
        AutoBackupCmd::Off => {
            catalog.put_setting(AUTO_BACKUP_SETTING, &serde_json::Value::Null)?;
            out.show(&serde_json::json!({"off": true}), || {
                "Automatic backups are off.".into()
            });
        }
        AutoBackupCmd::Run => {
            let setting = AutoBackup::of_catalog(catalog.conn()).ok_or_else(|| {
                Error::refused(
                    "Automatic backups are off; switch them on with `shelf auto-backup set --folder DIR`.",
                )
            })?;
            let library = catalog.library().clone();
            return match auto::back_up_once(&library, &setting, &shelf_core::job::CancelToken::new()) {
                Ok(message) => {
                    out.show(&serde_json::json!({"ok": true, "message": message}), || {
                        message.clone()
                    });
                    Ok(ExitCode::SUCCESS)
                }
                Err(message) => {
                    out.show(&serde_json::json!({"ok": false, "message": message}), || {
                        message.clone()
                    });
                    Ok(ExitCode::from(1))
                }
            };
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn backup(catalog: &Catalog, file: &Path, out: &Out) -> Result<ExitCode> {
    let summary = backup::create(catalog.library(), file, &Job::silent())?;
    out.show(&summary, || {
        let mut text = format!(
            "Backed up {} products and {} photos to {} ({} bytes); verified.",
            summary.row_counts.get("products").copied().unwrap_or(0),
            summary.originals,
            summary.path.display(),
            summary.bytes
        );
        if !summary.originals_missing.is_empty() {
            text.push_str(&format!(
                " {} photos were missing from the library and are not in the backup (run `shelf check`).",
                summary.originals_missing.len()
            ));
        }
        text
    });
    Ok(ExitCode::SUCCESS)
}

pub fn verify_backup(file: &Path, out: &Out) -> Result<ExitCode> {
    let manifest = backup::verify(file, &Job::silent())?;
    out.show(&manifest, || {
        format!(
            "{} is a good backup: {} entries, catalog schema {}, taken {}.",
            file.display(),
            manifest.entries.len(),
            manifest.schema_version,
            manifest.created_at
        )
    });
    Ok(ExitCode::SUCCESS)
}

/// Restores without ever opening the catalog first: the library folder is swapped whole.
pub fn restore(library: &Library, file: &Path, out: &Out) -> Result<ExitCode> {
    let summary = backup::restore(library, file, &Job::silent())?;
    out.show(&summary, || {
        let mut text = format!(
            "Restored {} into {}. The previous library is kept at {}.",
            file.display(),
            summary.library.display(),
            summary.previous_library.display()
        );
        if let Some(from) = summary.migrated_from {
            text.push_str(&format!(" The backup's catalog was upgraded from schema {from}."));
        }
        text
    });
    Ok(ExitCode::SUCCESS)
}
