//! The import preview: the first rows of a file as the importer would read them, and the
//! mapping of its columns to fields (the layout's own, one the seller chose before for the
//! same header row, or the seller's choice for this import).

use super::layout::{self, CsvFormat, Field, Layout, Mapping, ALL_FIELDS};
use super::{rows, text};
use crate::error::{Error, Result};
use serde::Serialize;
use std::path::Path;

/// The first rows of a file as the importer would read them, for the mapping preview.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CsvPreview {
    pub layout: Layout,
    pub headers: Vec<String>,
    /// Per column: the product field it feeds, or `None` when ignored.
    pub mapping: Vec<Option<Field>>,
    /// Whether `mapping` is the one the seller chose for a file with these headers before.
    pub remembered: bool,
    /// What the mapping still lacks (no SKU column, say), for the seller to map by hand.
    pub problem: Option<String>,
    /// The fields a column can be mapped to.
    pub fields: Vec<Field>,
    pub rows: Vec<Vec<String>>,
}

/// Columns chosen for a file before, if any were: what the catalog remembers for a header
/// row (`Store::remembered_columns`).
pub type Columns = Option<Vec<Option<Field>>>;

/// How the file's columns will be read: the seller's choice for this import, else the one
/// `remembered` for this header row, else the layout's own. The bool says it was remembered.
pub(super) fn mapping_for(
    headers: &[String],
    remembered: Columns,
    format: CsvFormat,
    chosen: Option<&[Option<Field>]>,
) -> Result<(Mapping, bool)> {
    let guessed = layout::guess(headers, format)?;
    if let Some(columns) = chosen {
        return Ok((
            layout::chosen(guessed.layout, columns.to_vec(), guessed.grams_per_unit)?,
            false,
        ));
    }
    if let Some(columns) = remembered {
        if let Ok(mapping) = layout::chosen(guessed.layout, columns, guessed.grams_per_unit) {
            return Ok((mapping, true));
        }
    }
    Ok((layout::checked(guessed)?, false))
}

/// The first `rows` rows of `path`, with the mapping the import would use (`recall` gives
/// the columns remembered for a header row). A header row the importer cannot read on its
/// own is no error here: the preview says what is missing.
pub fn preview(
    recall: &mut dyn FnMut(&[String]) -> Result<Columns>,
    path: &Path,
    rows: usize,
    format: CsvFormat,
) -> Result<CsvPreview> {
    let mut opened = rows::open(path)?;
    let remembered = recall(&opened.headers)?;
    let (mapping, remembered, problem) = match mapping_for(&opened.headers, remembered, format, None) {
        Ok((mapping, remembered)) => (mapping, remembered, None),
        Err(Error::Validation { message, .. }) => {
            let guessed = layout::guess(&opened.headers, format)?;
            (guessed, false, Some(message))
        }
        Err(other) => return Err(other),
    };
    let encoding = opened.dialect.encoding;
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    for _ in 0..rows {
        // Bounded like the import: a runaway quote in the first rows stops the preview.
        opened.next_record_starts();
        let read = opened
            .reader
            .read_byte_record(&mut record)
            .map_err(|e| Error::validation("file", format!("The CSV file can't be read: {e}")))?;
        if !read {
            break;
        }
        out.push(record.iter().map(|c| text::shown(c, encoding)).collect());
    }
    Ok(CsvPreview {
        layout: mapping.layout,
        headers: opened.headers,
        mapping: mapping.columns,
        remembered,
        problem,
        fields: ALL_FIELDS.to_vec(),
        rows: out,
    })
}
