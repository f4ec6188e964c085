//! Paths the web UI may hand back to Rust: only files and folders the seller has just dropped
//! on the window or picked in a native dialog. Rust records them when the drop or the pick
//! happens (outside the web page's reach) and a command that takes paths from the UI accepts
//! only those, canonicalised, or what lies inside a dropped folder. A compromised page
//! therefore can't make the app read arbitrary files.

use crate::error::{CommandError, CommandResult};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How many recent drops/picks are remembered; older ones must be dropped again.
const REMEMBERED: usize = 256;

/// Files and folders to read (dropped, or picked to import), and folders picked as a place
/// to write to (the inbox, automatic backups): one never stands in for the other, so a
/// dropped folder can't become a backup target, nor a picked target be imported from.
#[derive(Default)]
pub struct PickedPaths {
    reads: Mutex<Vec<PathBuf>>,
    targets: Mutex<Vec<PathBuf>>,
}

fn remember_in<P: AsRef<Path>>(list: &Mutex<Vec<PathBuf>>, paths: impl IntoIterator<Item = P>) {
    let mut known = list.lock().unwrap_or_else(|p| p.into_inner());
    known.extend(paths.into_iter().filter_map(|p| p.as_ref().canonicalize().ok()));
    let excess = known.len().saturating_sub(REMEMBERED);
    known.drain(..excess);
}

/// The canonical form of a path from the UI. Fails closed: a path that can't be resolved
/// (gone, unreadable) is refused, never passed on as typed.
fn resolved(text: &str) -> CommandResult<PathBuf> {
    Path::new(text).canonicalize().map_err(|_| {
        CommandError::refused(format!(
            "{text} can't be found any more (moved or deleted since it was chosen); choose it again."
        ))
    })
}

impl PickedPaths {
    /// Records paths the seller dropped or picked to read (canonicalised; vanished paths
    /// are skipped).
    pub fn remember<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) {
        remember_in(&self.reads, paths);
    }

    /// Records a folder the seller picked for the app to write into.
    pub fn remember_target(&self, folder: &Path) {
        remember_in(&self.targets, [folder]);
    }

    /// Canonicalises each path from the UI and accepts it only when it is, or lies inside, a
    /// remembered drop or pick.
    pub fn check(&self, paths: &[String]) -> CommandResult<Vec<PathBuf>> {
        let known = self.reads.lock().unwrap_or_else(|p| p.into_inner());
        paths
            .iter()
            .map(|text| {
                let path = resolved(text)?;
                if known.iter().any(|k| path.starts_with(k)) {
                    Ok(path)
                } else {
                    Err(CommandError::refused(format!(
                        "{text} wasn't dropped on the window or picked in a dialog, so it wasn't imported."
                    )))
                }
            })
            .collect()
    }

    /// Accepts a folder to write into only when it is exactly one the seller just picked
    /// for that (not a folder inside it, not a dropped one).
    pub fn check_target(&self, text: &str) -> CommandResult<PathBuf> {
        let path = resolved(text)?;
        let known = self.targets.lock().unwrap_or_else(|p| p.into_inner());
        if known.contains(&path) {
            Ok(path)
        } else {
            Err(CommandError::refused(format!(
                "{text} wasn't picked as a folder for this in a dialog, so it wasn't saved."
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_picker_matches_phone_photo_names_in_any_case() {
        assert_eq!(any_case("heic"), "[hH][eE][iI][cC]");
        let patterns: Vec<String> = IMAGE_EXTENSIONS.iter().map(|e| any_case(e)).collect();
        for name in ["IMG_0001.HEIC", "img.heif", "DSC0001.HIF", "shot.Avif", "a.JPG"] {
            let ext = name.rsplit('.').next().unwrap();
            let matched = patterns.iter().any(|p| {
                p.len() == ext.len() * 4
                    && ext
                        .chars()
                        .zip(p.as_bytes().chunks(4))
                        .all(|(c, class)| class.contains(&(c as u8)))
            });
            assert!(matched, "{name}");
        }
    }

    #[test]
    fn only_dropped_paths_and_their_contents_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let dropped = dir.path().join("photos");
        std::fs::create_dir(&dropped).unwrap();
        std::fs::write(dropped.join("a.jpg"), b"x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"x").unwrap();
        let picked = PickedPaths::default();
        picked.remember([&dropped]);

        let inside = dropped.join("a.jpg").display().to_string();
        assert!(picked.check(&[inside]).is_ok());
        let outside = dir.path().join("secret.txt").display().to_string();
        assert_eq!(
            picked.check(&[outside]).unwrap_err().0.kind,
            shelf_core::ErrorKind::Refused
        );
        let sneaky = dropped.join("..").join("secret.txt").display().to_string();
        assert_eq!(
            picked.check(&[sneaky]).unwrap_err().0.kind,
            shelf_core::ErrorKind::Refused
        );
        // Fails closed: a path that can't be resolved is refused, not passed on as typed.
        let gone = dropped.join("gone.jpg").display().to_string();
        assert_eq!(
            picked.check(&[gone]).unwrap_err().0.kind,
            shelf_core::ErrorKind::Refused
        );
        // A dropped folder is something to read, never a place to write.
        assert!(picked.check_target(&dropped.display().to_string()).is_err());
        let target = dir.path().join("backups");
        std::fs::create_dir(&target).unwrap();
        picked.remember_target(&target);
        assert!(picked.check_target(&target.display().to_string()).is_ok());
        assert!(
            picked.check(&[target.display().to_string()]).is_err(),
            "a picked target is not readable"
        );
        let below = target.join("sub");
        std::fs::create_dir(&below).unwrap();
        assert!(
            picked.check_target(&below.display().to_string()).is_err(),
            "only the folder picked"
        );
    }
}

/// Where the UI wants dropped photos to go: `{kind: "product", id}` or `{kind: "by_sku"}`.
#[derive(Debug, Clone, Copy, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportTargetArg {
    /// All onto this product (a drop on its card or its images panel).
    Product { id: i64 },
    /// Grouped by the SKU in each file name (a drop anywhere else).
    BySku,
}

impl From<ImportTargetArg> for shelf_core::images::ImportTarget {
    fn from(arg: ImportTargetArg) -> Self {
        match arg {
            ImportTargetArg::Product { id } => shelf_core::images::ImportTarget::Product(id),
            ImportTargetArg::BySku => shelf_core::images::ImportTarget::BySku,
        }
    }
}

/// Image types the picker offers (the image library sniffs the bytes and refuses anything
/// else anyway): `.hif` is the HEIF of Sony and Fujifilm cameras.
const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "bmp", "heic", "heif", "hif", "avif",
];

/// A file-picker pattern that matches `extension` in any case (`IMG_0001.HEIC`,
/// `photo.Jpg`): GTK matches patterns case-sensitively, so each letter becomes `[hH]`.
fn any_case(extension: &str) -> String {
    extension
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Shows the native file picker (on a blocking thread: it waits for the seller) and
/// remembers what was picked, so the import command will accept it.
pub async fn pick_images<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> CommandResult<Vec<String>> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let patterns: Vec<String> = IMAGE_EXTENSIONS.iter().map(|e| any_case(e)).collect();
    let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
    let dialog = app
        .dialog()
        .file()
        .set_title("Import images")
        .add_filter("Images", &patterns);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_files())
        .await
        .map_err(|e| CommandError::internal(format!("The file picker failed: {e}")))?;
    let paths: Vec<PathBuf> = picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    app.state::<crate::state::AppState>().picked.remember(&paths);
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}

/// Shows a native dialog on a blocking thread (it waits for the seller).
async fn ask<T: Send + 'static>(show: impl FnOnce() -> T + Send + 'static) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(show)
        .await
        .map_err(|e| CommandError::internal(format!("The file dialog failed: {e}")))
}

/// "Import CSV…": the picked file becomes readable by `preview_csv` and `import_csv`.
pub async fn pick_csv<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> CommandResult<Option<String>> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let dialog = app
        .dialog()
        .file()
        .set_title("Import products from CSV")
        .add_filter("CSV", &["csv", "CSV", "txt"]);
    let picked = ask(move || dialog.blocking_pick_file())
        .await?
        .and_then(|p| p.into_path().ok());
    if let Some(path) = &picked {
        app.state::<crate::state::AppState>().picked.remember([path]);
    }
    Ok(picked.map(|p| p.display().to_string()))
}

/// A save dialog ("Export…", "Back up now"): the seller chooses where the file goes, in Rust,
/// so the page never names a path to write. `None` when cancelled.
pub async fn pick_save_file<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    title: &str,
    folder: Option<PathBuf>,
    file_name: &str,
    filter: (&str, &[&str]),
) -> CommandResult<Option<PathBuf>> {
    use tauri_plugin_dialog::DialogExt;
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(filter.0, filter.1);
    if let Some(folder) = folder {
        dialog = dialog.set_directory(folder);
    }
    Ok(ask(move || dialog.blocking_save_file())
        .await?
        .and_then(|p| p.into_path().ok()))
}

/// Where an export goes: a save dialog with the format's extension.
pub async fn export_target<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    format: shelf_core::export::ExportFormat,
) -> CommandResult<Option<PathBuf>> {
    use shelf_core::export::ExportFormat;
    let (name, filter): (&str, (&str, &[&str])) = match format {
        ExportFormat::Csv => ("products.csv", ("CSV", &["csv"])),
        ExportFormat::Json => ("products.json", ("JSON", &["json"])),
        ExportFormat::Shopify => ("shopify-products.csv", ("CSV", &["csv"])),
        ExportFormat::Woocommerce => ("woocommerce-products.csv", ("CSV", &["csv"])),
    };
    pick_save_file(app, "Export products", None, name, filter).await
}

/// `products.csv` → `products-images/` beside it.
pub fn images_folder_beside(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    out.with_file_name(format!("{stem}-images"))
}

/// Where "Back up now" writes: a save dialog starting in the library's backups folder.
pub async fn backup_target<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> CommandResult<Option<PathBuf>> {
    use tauri::Manager;
    let folder = app.state::<crate::state::AppState>().library.backups_dir();
    pick_save_file(
        app,
        "Back up the catalog",
        Some(folder),
        "shelfkeeper-backup.zip",
        ("Zip archive", &["zip"]),
    )
    .await
}

/// "Restore from backup…": the archive to restore, picked in Rust (the page never names it).
/// Opens in the library's backups folder. `None` when cancelled.
pub async fn pick_backup<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> CommandResult<Option<PathBuf>> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let dialog = app
        .dialog()
        .file()
        .set_title("Restore from a backup")
        .set_directory(app.state::<crate::state::AppState>().library.backups_dir())
        .add_filter("Shelfkeeper backup", &["zip", "ZIP"]);
    let picked = ask(move || dialog.blocking_pick_file()).await?;
    Ok(picked.and_then(|p| p.into_path().ok()))
}

/// A folder picked in a native dialog (Settings' inbox and backup folders). `None` when
/// cancelled.
pub async fn pick_folder<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    title: &str,
) -> CommandResult<Option<PathBuf>> {
    use tauri_plugin_dialog::DialogExt;
    let dialog = app.dialog().file().set_title(title);
    let picked = ask(move || dialog.blocking_pick_folder()).await?;
    Ok(picked.and_then(|p| p.into_path().ok()))
}

/// A yes/no question in a native dialog; true when the seller chose `confirm`.
pub async fn confirm<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    title: &str,
    message: String,
    confirm: &str,
) -> CommandResult<bool> {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let dialog = app
        .dialog()
        .message(message)
        .title(title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            confirm.into(),
            "Cancel".into(),
        ));
    ask(move || dialog.blocking_show()).await
}

/// The CSV import's options as the UI sends them.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct CsvImportArgs {
    /// auto (from the header row), generic, shopify, woocommerce or etsy.
    pub format: shelf_core::csv_import::CsvFormat,
    /// The field each column feeds, as the seller mapped them in the preview; `null` to use
    /// the remembered or detected mapping.
    pub columns: Option<Vec<Option<shelf_core::csv_import::Field>>>,
    /// Only report what would happen.
    pub dry_run: bool,
    /// Import the good rows and list the bad ones, instead of all or nothing.
    pub skip_bad_rows: bool,
}

impl From<CsvImportArgs> for shelf_core::csv_import::CsvImportOptions {
    fn from(args: CsvImportArgs) -> Self {
        shelf_core::csv_import::CsvImportOptions {
            format: args.format,
            dry_run: args.dry_run,
            skip_bad_rows: args.skip_bad_rows,
            report_file: None,
            columns: args.columns,
        }
    }
}
