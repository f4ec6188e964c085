//! CSV import: Shelfkeeper's generic CSV, Shopify's product CSV (classic and new header
//! layouts), WooCommerce's exporter format and Etsy's listing download, read as a stream
//! with bounded memory, each product (with its options and variants) checked with the
//! editor's rules and messages and reported by line number.
//!
//! Modes: all-or-nothing (default: one transaction, any refused row means nothing is
//! written and the report says which rows), skip bad rows (good rows committed in batches,
//! every problem written to a report file), and dry run (everything done inside a
//! transaction that is then rolled back, so the report is exactly what an import would do).
//! Cancelling leaves whole products only: the open transaction is rolled back. Rows are
//! checked one by one and their products written in batches (see `batch`), into a library
//! or a team catalog alike (see `destination`).

mod batch;
mod cells;
pub mod destination;
mod etsy;
mod existing;
mod fields;
mod layout;
mod library;
mod names;
pub(crate) mod offers;
mod photos;
pub(crate) mod preview;
pub(crate) mod remembered;
mod rows;
mod shopify;
mod text;
pub(crate) mod upsert;
mod woocommerce;

pub use layout::{CsvFormat, Field, Layout, Mapping, ALL_FIELDS};
pub use preview::{preview, Columns, CsvPreview};

use crate::catalog::WriterAccess;
use crate::error::{Error, Result};
use crate::export::neutralise;
use crate::job::{Job, Progress};
use batch::Batch;
use destination::Destination;
use library::ToLibrary;
use rows::Rows;
use serde::Serialize;
use std::path::{Path, PathBuf};
use text::Encoding;
use upsert::{Context, RowOutcome};

/// Rows per transaction when skipping bad rows.
const BATCH: usize = 2_000;
/// Rows checked before their products are written, in a few statements (see `batch`). Large
/// enough that the per-batch cost is small; small enough to keep memory bounded whatever the
/// size of the file.
const WRITE_BATCH: usize = 2_000;
/// Issues kept in the in-memory report; the report file gets all of them.
const MAX_ISSUES_IN_MEMORY: usize = 1000;
/// Change announcements per import before they collapse into one "reload everything".
const MAX_ANNOUNCED: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct CsvImportOptions {
    pub format: CsvFormat,
    pub dry_run: bool,
    pub skip_bad_rows: bool,
    /// Where to write every issue as CSV. With `skip_bad_rows` and none given, it is
    /// `<file>.import-report.csv` beside the imported file.
    pub report_file: Option<PathBuf>,
    /// The field each column feeds, as the seller chose in the preview; remembered for the
    /// next file with the same header row. `None`: the remembered choice, else the layout's.
    pub columns: Option<Vec<Option<Field>>>,
}

impl Default for CsvImportOptions {
    fn default() -> Self {
        CsvImportOptions {
            format: CsvFormat::Auto,
            dry_run: false,
            skip_bad_rows: false,
            report_file: None,
            columns: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// The product was not imported; the message says why.
    Refused,
    /// Imported, but the seller should look.
    Warning,
    /// A further variant row of a product whose first row declares no options.
    VariantNotImported,
    /// An image URL that could not be downloaded (or was not, in a dry run).
    ImageNotFetched,
    /// A local image file: not imported yet.
    ImageNotImported,
}

impl IssueKind {
    fn as_str(self) -> &'static str {
        match self {
            IssueKind::Refused => "refused",
            IssueKind::Warning => "warning",
            IssueKind::VariantNotImported => "variant_not_imported",
            IssueKind::ImageNotFetched => "image_not_fetched",
            IssueKind::ImageNotImported => "image_not_imported",
        }
    }
}

/// One problem or note, at its line of the file (the line a multi-line row starts on).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowIssue {
    pub line: u64,
    pub sku: String,
    pub kind: IssueKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CsvImportReport {
    pub layout: Layout,
    pub dry_run: bool,
    /// Whether anything was written (false for a dry run, and for an all-or-nothing import
    /// with a refused row).
    pub committed: bool,
    pub cancelled: bool,
    pub rows_read: u64,
    /// Products that were (or, when not committed, would have been) created / updated.
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Variants of the created and updated products (new, changed or as they were).
    pub variants: u64,
    pub refused: u64,
    pub warnings: u64,
    pub variants_not_imported: u64,
    pub images_imported: u64,
    pub images_not_fetched: u64,
    pub images_not_imported: u64,
    /// In file order; at most the first 1,000 (see `issues_truncated` and the report file).
    pub issues: Vec<RowIssue>,
    pub issues_truncated: bool,
    pub report_file: Option<PathBuf>,
}

impl CsvImportReport {
    fn new(layout: Layout, dry_run: bool) -> Self {
        CsvImportReport {
            layout,
            dry_run,
            committed: false,
            cancelled: false,
            rows_read: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            variants: 0,
            refused: 0,
            warnings: 0,
            variants_not_imported: 0,
            images_imported: 0,
            images_not_fetched: 0,
            images_not_imported: 0,
            issues: Vec::new(),
            issues_truncated: false,
            report_file: None,
        }
    }

    /// The refused rows, for "which rows" questions.
    pub fn refused_lines(&self) -> Vec<u64> {
        self.issues
            .iter()
            .filter(|i| i.kind == IssueKind::Refused)
            .map(|i| i.line)
            .collect()
    }
}

/// The running count, the issue list and the report file.
struct Tally {
    report: CsvImportReport,
    file: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
    /// Counts of the open transaction (created, updated, unchanged, variants), added to the
    /// report when it commits.
    pending: [u64; 4],
}

impl Tally {
    fn issue(&mut self, issue: RowIssue) -> Result<()> {
        let r = &mut self.report;
        match issue.kind {
            IssueKind::Refused => r.refused += 1,
            IssueKind::Warning => r.warnings += 1,
            IssueKind::VariantNotImported => r.variants_not_imported += 1,
            IssueKind::ImageNotFetched => r.images_not_fetched += 1,
            IssueKind::ImageNotImported => r.images_not_imported += 1,
        }
        if let Some(file) = &mut self.file {
            let line = issue.line.to_string();
            // A seller opens the report in a spreadsheet: a SKU or message like `=1+1` or
            // `-5 in stock` must stay text.
            let cells = [line.as_str(), issue.kind.as_str(), &issue.sku, &issue.message];
            file.write_record(cells.map(neutralise).iter().map(|c| c.as_bytes()))
                .map_err(|e| Error::Internal(format!("writing the import report: {e}")))?;
        }
        if r.issues.len() < MAX_ISSUES_IN_MEMORY {
            r.issues.push(issue);
        } else {
            r.issues_truncated = true;
        }
        Ok(())
    }

    fn counted(&mut self, outcome: RowOutcome, variants: usize) {
        let slot = match outcome {
            RowOutcome::Created => 0,
            RowOutcome::Updated => 1,
            RowOutcome::Unchanged => 2,
        };
        self.pending[slot] += 1;
        self.pending[3] += variants as u64;
    }

    fn settle(&mut self) {
        self.report.created += self.pending[0];
        self.report.updated += self.pending[1];
        self.report.unchanged += self.pending[2];
        self.report.variants += self.pending[3];
        self.pending = [0; 4];
    }
}

/// Imports `path` into a library's catalog as `options` say (see [`import_into`]). The
/// writer is taken per transaction: once for an all-or-nothing import or a dry run, per
/// batch of rows when skipping bad rows, per product for the photos, so the seller's edits
/// are saved in between.
pub fn import(
    writer: impl WriterAccess,
    path: &Path,
    options: &CsvImportOptions,
    job: &Job,
) -> Result<CsvImportReport> {
    import_into(ToLibrary(writer), path, options, job)
}

/// Imports `path` into either engine's catalog (a team catalog is `&mut TeamCatalog`) as
/// `options` say. Row problems are in the report; only a file that can't be read at all
/// (or a failing disk, or a lost server) is an `Err`.
pub fn import_into(
    mut destination: impl Destination,
    path: &Path,
    options: &CsvImportOptions,
    job: &Job,
) -> Result<CsvImportReport> {
    let opened = rows::open(path)?;
    let chosen = options.columns.as_deref();
    let headers = opened.headers.clone();
    let remembered = destination.remembered(&headers)?;
    let (mapping, _) = preview::mapping_for(&headers, remembered, options.format, chosen)?;
    if let (Some(columns), false) = (chosen, options.dry_run) {
        destination.remember(&headers, columns)?;
    }
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let encoding = opened.dialect.encoding;
    let mut rows = Rows::new(opened, mapping);
    let (default_currency, minor_units) = destination.default_and_minor_units()?;
    let mut ctx = Context {
        layout: rows.layout(),
        grams_per_unit: rows.grams_per_unit(),
        default_currency,
        minor_units,
        csv_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        announce_budget: MAX_ANNOUNCED,
        savepoint_per_row: options.skip_bad_rows && !options.dry_run,
        photos: Vec::new(),
        variant_images: Vec::new(),
    };
    let report_path = options
        .report_file
        .clone()
        .or_else(|| options.skip_bad_rows.then(|| default_report_path(path)));
    let file = report_path.as_deref().map(open_report).transpose()?;
    let mut tally = Tally {
        report: CsvImportReport::new(rows.layout(), options.dry_run),
        file,
        pending: [0; 4],
    };
    tally.report.report_file = report_path;
    if encoding == Encoding::Windows1252 {
        tally.issue(read_as_windows_1252())?;
    }
    let batch = if options.skip_bad_rows && !options.dry_run {
        BATCH
    } else {
        usize::MAX
    };
    let mut done = false;
    while !done {
        let mut rollback = false;
        let result = destination.transaction(&mut |catalog| {
            let mut pending = Batch::default();
            let mut in_batch = 0;
            while in_batch < batch {
                if job.cancel.is_cancelled() {
                    tally.report.cancelled = true;
                    break;
                }
                let Some(item) = rows.next_item(path)? else {
                    done = true;
                    break;
                };
                in_batch += 1;
                pending.add(catalog, item, &mut ctx, &mut tally)?;
                if pending.len() >= WRITE_BATCH {
                    pending.write(catalog, &mut ctx, &mut tally)?;
                }
                if rows.rows_read.is_multiple_of(1000) {
                    job.report(&progress_at(rows.position(), total));
                }
            }
            pending.write(catalog, &mut ctx, &mut tally)?;
            let refused_all_or_nothing = !options.skip_bad_rows && tally.report.refused > 0;
            rollback =
                options.dry_run || refused_all_or_nothing || (tally.report.cancelled && batch == usize::MAX);
            if rollback {
                return Err(Error::Cancelled);
            }
            Ok(())
        });
        match result {
            Ok(()) => {
                tally.settle();
                tally.report.committed |= tally.report.created + tally.report.updated > 0;
            }
            Err(_) if rollback => {
                // Dry run or all-or-nothing refusal: the counts say what would have happened.
                if !tally.report.cancelled {
                    tally.settle();
                }
                done = true;
            }
            Err(err) => return Err(err),
        }
        if tally.report.cancelled {
            done = true;
        }
        job.report(&progress_at(rows.position(), total));
    }
    tally.report.rows_read = rows.rows_read;
    let wrote =
        !options.dry_run && !(batch == usize::MAX && (tally.report.refused > 0 || tally.report.cancelled));
    photos::import_photos(
        &mut destination,
        std::mem::take(&mut ctx.photos),
        std::mem::take(&mut ctx.variant_images),
        wrote,
        &mut tally,
        job,
    )?;
    if let Some(mut file) = tally.file.take() {
        file.flush()
            .map_err(|e| Error::io("Can't write the import report", PathBuf::new(), e))?;
    }
    job.report(&progress_at(total, total));
    Ok(tally.report)
}

/// The note that the file's encoding was a guess, so the seller checks its accents.
fn read_as_windows_1252() -> RowIssue {
    rows::issue(
        1,
        "",
        IssueKind::Warning,
        "This file isn't UTF-8, so it was read as Windows-1252 (what Excel saves as plain \"CSV\" on Windows). Check that accented letters look right; \"CSV UTF-8\" avoids the guess.".into(),
    )
}

/// Progress through the file, in bytes read.
fn progress_at(position: u64, total: u64) -> Progress {
    Progress {
        done: position,
        total,
        bytes: position,
        ..Progress::default()
    }
}

fn default_report_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".import-report.csv");
    path.with_file_name(name)
}

fn open_report(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let file =
        std::fs::File::create(path).map_err(|e| Error::io("Can't create the import report", path, e))?;
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
    writer
        .write_record(["line", "outcome", "sku", "message"])
        .map_err(|e| Error::Internal(format!("writing the import report: {e}")))?;
    Ok(writer)
}
