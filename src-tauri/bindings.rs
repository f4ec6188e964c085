//! TypeScript declarations of every type that crosses the IPC boundary, generated from the
//! Rust types with ts-rs into `ui/src/lib/api/bindings/`. The test below regenerates them
//! into a temporary folder and fails when the committed files differ; run
//! `UPDATE_BINDINGS=1 cargo test -p shelfkeeper bindings` to rewrite them.

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

/// Where the UI imports the bindings from, relative to the repository root.
pub const BINDINGS_DIR: &str = "ui/src/lib/api/bindings";

/// Writes every command-facing type (and everything they reference) into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    // serde_json writes i64 as a JSON number, and catalog ids and prices stay far below
    // 2^53, so `number` is the honest TypeScript type (ts-rs defaults to `bigint`).
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    use shelf_core::catalog::{categories, currencies, history, maintenance, products, search, tags, users};
    shelf_core::ErrorReport::export_all(&cfg)?;
    shelf_core::catalog::Change::export_all(&cfg)?;
    shelf_core::job::Progress::export_all(&cfg)?;
    shelf_core::job::JobReport::export_all(&cfg)?;
    products::Product::export_all(&cfg)?;
    products::ProductFields::export_all(&cfg)?;
    products::ProductQuery::export_all(&cfg)?;
    products::Page::export_all(&cfg)?;
    products::BulkEdit::export_all(&cfg)?;
    shelf_core::catalog::variants::VariantFields::export_all(&cfg)?;
    shelf_core::catalog::variants::VariantBulkEdit::export_all(&cfg)?;
    shelf_core::catalog::variants::OptionValues::export_all(&cfg)?;
    search::SearchHit::export_all(&cfg)?;
    history::HistoryEntry::export_all(&cfg)?;
    users::User::export_all(&cfg)?;
    categories::Category::export_all(&cfg)?;
    tags::Tag::export_all(&cfg)?;
    currencies::Currency::export_all(&cfg)?;
    maintenance::CheckReport::export_all(&cfg)?;
    maintenance::Stats::export_all(&cfg)?;
    crate::info::LibraryInfo::export_all(&cfg)?;
    crate::menu::MenuAction::export_all(&cfg)?;
    crate::picked::ImportTargetArg::export_all(&cfg)?;
    shelf_core::images::ProductImage::export_all(&cfg)?;
    shelf_core::export::ExportSummary::export_all(&cfg)?;
    shelf_core::export::ExportPhotos::export_all(&cfg)?;
    shelf_core::csv_import::CsvPreview::export_all(&cfg)?;
    shelf_core::csv_import::CsvImportReport::export_all(&cfg)?;
    shelf_core::backup::BackupSummary::export_all(&cfg)?;
    crate::picked::CsvImportArgs::export_all(&cfg)?;
    crate::services::ServicesStatus::export_all(&cfg)?;
    crate::team::TeamStatus::export_all(&cfg)?;
    shelf_core::backup::auto::AutoBackup::export_all(&cfg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn read_dir(dir: &Path) -> BTreeMap<String, String> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return BTreeMap::new();
        };
        entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ts"))
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn committed_typescript_bindings_are_up_to_date() {
        let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_DIR);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            let _ = std::fs::remove_dir_all(&committed);
            export_all(&committed).unwrap();
        }
        let fresh = tempfile::tempdir().unwrap();
        export_all(fresh.path()).unwrap();
        let (want, have) = (read_dir(fresh.path()), read_dir(&committed));
        assert!(!want.is_empty());
        for (name, text) in &want {
            assert_eq!(
                have.get(name),
                Some(text),
                "{BINDINGS_DIR}/{name} is stale; run `UPDATE_BINDINGS=1 cargo test -p shelfkeeper bindings`"
            );
        }
        let extra: Vec<_> = have.keys().filter(|k| !want.contains_key(*k)).collect();
        assert!(
            extra.is_empty(),
            "{BINDINGS_DIR} has files no Rust type produces: {extra:?}"
        );
    }
}
