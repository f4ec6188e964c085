//! Declares the app's commands so tauri-build generates an allow/deny permission for each;
//! `capabilities/main.json` then grants them to the main window only.

fn main() {
    let commands: &[&str] = include!("commands/list.rs");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(err) = tauri_build::try_build(attributes) {
        // build scripts report failures by panicking
        panic!("tauri-build failed: {err:#}");
    }
}
