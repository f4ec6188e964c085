//! Shelfkeeper's desktop shell: a Tauri window over the catalog core. This crate holds only
//! glue: the commands (`commands/`), the shared state, the change events, the menu, the image
//! URI schemes and the generated TypeScript bindings. Everything a seller's data goes
//! through lives in `shelf-core`, which knows nothing of Tauri.

mod background;
pub mod bindings;
#[cfg(test)]
mod command_bindings;
mod commands;
mod desktop;
pub mod error;
mod events;
mod info;
mod menu;
mod picked;
mod schemes;
mod services;
pub mod state;
mod team;

use shelf_core::{Catalog, Library};
use state::AppState;
use std::path::PathBuf;
use tauri::{DragDropEvent, Listener, Manager, Runtime, WindowEvent};

/// The event a file drop arrives as (emitted by Tauri for a real drop, by the end-to-end
/// tests for a simulated one).
const DRAG_DROP_EVENT: &str = "tauri://drag-drop";

/// Starts the app on the library named by `--library DIR`, else `$SHELF_LIBRARY`, else the
/// platform data folder.
pub fn run() {
    let opened = Library::locate(library_argument(std::env::args())).and_then(AppState::open);
    let builder = match opened {
        Ok(state) => build_app(tauri::Builder::default(), state)
            .menu(menu::build)
            .on_menu_event(menu::on_event),
        // A catalog that can't be opened (made by a newer app, damaged, unreadable) is never
        // altered: the seller is told why, and the app stops.
        Err(err) => tauri::Builder::default()
            .plugin(tauri_plugin_dialog::init())
            .setup(move |app| {
                refuse_to_start(app.handle(), &err);
                Ok(())
            }),
    };
    match builder.build(tauri::generate_context!()) {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                services::back_up_on_quit(handle);
            }
        }),
        Err(err) => {
            eprintln!("Shelfkeeper couldn't start: {err}");
            std::process::exit(1);
        }
    }
}

/// `--library DIR` or `--library=DIR` from the command line.
fn library_argument(args: impl Iterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.skip(1);
    while let Some(arg) = args.next() {
        if arg == "--library" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--library=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

/// Everything but the context and the native menu, so tests can pass
/// `tauri::test::mock_builder()`.
pub fn build_app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation_guard())
        .register_asynchronous_uri_scheme_protocol(schemes::THUMB, schemes::thumb)
        .register_asynchronous_uri_scheme_protocol(schemes::ORIGINAL, schemes::original)
        .setup(move |app| {
            let state = app.state::<AppState>();
            let watcher = Catalog::open_reader(&state.library)?;
            let changes = events::start_forwarding(app.handle().clone(), watcher);
            state.writer_blocking().on_change(move |batch| {
                let _ = changes.send(batch.to_vec());
            });
            remember_drops(app.handle());
            services::start_from_settings(app.handle(), &state.library, &mut state.writer_blocking());
            team::resume(app.handle(), &state.writer_blocking());
            #[cfg(feature = "e2e")]
            app.add_capability(
                tauri::ipc::CapabilityBuilder::new("e2e-drop")
                    .window("main")
                    .permission("core:event:allow-emit-to"),
            )?;
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                if let Some(state) = window.try_state::<AppState>() {
                    state.picked.remember(paths);
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::library::library_info,
            commands::library::open_library_folder,
            commands::products::list_products,
            commands::products::search_products,
            commands::products::get_product,
            commands::products::create_product,
            commands::products::update_product,
            commands::products::bulk_edit,
            commands::products::product_history,
            commands::products::restore_version,
            commands::products::undo_last_change,
            commands::variants::set_options,
            commands::variants::generate_variants,
            commands::variants::create_variant,
            commands::variants::update_variant,
            commands::variants::trash_variants,
            commands::variants::restore_variants,
            commands::variants::bulk_edit_variants,
            commands::trash::trash_products,
            commands::trash::restore_products,
            commands::trash::purge_products,
            commands::trash::empty_trash,
            commands::money::parse_price,
            commands::money::format_price,
            commands::money::list_currencies,
            commands::users::list_users,
            commands::users::create_user,
            commands::users::switch_user,
            commands::users::set_user_active,
            commands::users::delete_user,
            commands::categories::list_categories,
            commands::categories::create_category,
            commands::categories::rename_category,
            commands::categories::move_category,
            commands::categories::delete_category,
            commands::tags::list_tags,
            commands::tags::rename_tag,
            commands::tags::delete_tag,
            commands::settings::get_setting,
            commands::settings::set_default_currency,
            commands::maintenance::check_catalog,
            commands::images::import_images,
            commands::images::pick_images,
            commands::images::product_images,
            commands::images::reorder_images,
            commands::images::set_image_alt_text,
            commands::images::rotate_image,
            commands::images::trash_image,
            commands::images::restore_image,
            commands::images::load_sample_catalog,
            commands::transfer::export_catalog,
            commands::transfer::pick_csv,
            commands::transfer::preview_csv,
            commands::transfer::import_csv,
            commands::transfer::backup_now,
            commands::transfer::restore_from_backup,
            commands::services::services_status,
            commands::services::choose_inbox_folder,
            commands::services::stop_inbox,
            commands::services::choose_backup_folder,
            commands::services::set_auto_backup,
            commands::jobs::cancel_job,
            commands::team::connect_team_server,
            commands::team::disconnect_team_server,
            commands::team::team_status,
        ])
}

/// The window shows the app's own pages and nothing else: a link, a redirect or a script
/// that tries to navigate it anywhere (a shop's website, a `file:` URL) is stopped. The app
/// is served from `tauri://localhost` (`http://tauri.localhost` on some platforms); a debug
/// build also from Vite's dev server on localhost.
fn navigation_guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            let own = url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost");
            let dev = cfg!(debug_assertions) && url.host_str() == Some("localhost");
            own || dev
        })
        .build()
}

/// Drop events also reach Rust listeners: the paths in them become importable (see
/// `picked`). Only Tauri itself (or, in `e2e` builds, the test page) emits this event.
fn remember_drops<R: Runtime>(app: &tauri::AppHandle<R>) {
    #[derive(serde::Deserialize)]
    struct Dropped {
        paths: Vec<PathBuf>,
    }
    let handle = app.clone();
    app.listen_any(DRAG_DROP_EVENT, move |event| {
        if let (Ok(dropped), Some(state)) = (
            serde_json::from_str::<Dropped>(event.payload()),
            handle.try_state::<AppState>(),
        ) {
            state.picked.remember(&dropped.paths);
        }
    });
}

/// A catalog that can't be opened (made by a newer app, damaged, unreadable) is never
/// altered: the seller is told why in a dialog, and the app stops when they close it. (The
/// dialog waits on the event loop, so it is shown from another thread.)
fn refuse_to_start<R: Runtime>(app: &tauri::AppHandle<R>, err: &shelf_core::Error) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
    eprintln!("Shelfkeeper can't open the catalog: {err}");
    let (app, message) = (app.clone(), err.to_string());
    std::thread::spawn(move || {
        app.dialog()
            .message(message)
            .title("Shelfkeeper can't open the catalog")
            .kind(MessageDialogKind::Error)
            .blocking_show();
        app.exit(1);
    });
}

#[cfg(test)]
mod tests;
