//! The native menu. A click is forwarded to the web UI as a `menu` event carrying the item's
//! id (a [`MenuAction`]), so the UI's own buttons and the menu run the same code. Items whose
//! feature isn't built yet are left out rather than shown dead. "Open library folder" and
//! "Quit" are handled here, because they need nothing from the page.

use serde::Serialize;
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const MENU_EVENT: &str = "menu";

/// Every menu item the UI can receive, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum MenuAction {
    NewProduct,
    ImportImages,
    ImportCsv,
    Export,
    BackupNow,
    RestoreBackup,
    OpenLibraryFolder,
    ConnectTeamServer,
    Undo,
    Find,
    ViewGrid,
    ViewTable,
    ViewTrash,
    ViewHistory,
    About,
}

impl MenuAction {
    const ALL: [MenuAction; 15] = [
        MenuAction::NewProduct,
        MenuAction::ImportImages,
        MenuAction::ImportCsv,
        MenuAction::Export,
        MenuAction::BackupNow,
        MenuAction::RestoreBackup,
        MenuAction::OpenLibraryFolder,
        MenuAction::ConnectTeamServer,
        MenuAction::Undo,
        MenuAction::Find,
        MenuAction::ViewGrid,
        MenuAction::ViewTable,
        MenuAction::ViewTrash,
        MenuAction::ViewHistory,
        MenuAction::About,
    ];

    pub fn id(self) -> &'static str {
        match self {
            MenuAction::NewProduct => "new-product",
            MenuAction::ImportImages => "import-images",
            MenuAction::ImportCsv => "import-csv",
            MenuAction::Export => "export",
            MenuAction::BackupNow => "backup-now",
            MenuAction::RestoreBackup => "restore-backup",
            MenuAction::OpenLibraryFolder => "open-library-folder",
            MenuAction::ConnectTeamServer => "connect-team-server",
            MenuAction::Undo => "undo",
            MenuAction::Find => "find",
            MenuAction::ViewGrid => "view-grid",
            MenuAction::ViewTable => "view-table",
            MenuAction::ViewTrash => "view-trash",
            MenuAction::ViewHistory => "view-history",
            MenuAction::About => "about",
        }
    }

    fn label(self) -> &'static str {
        match self {
            MenuAction::NewProduct => "New product",
            MenuAction::ImportImages => "Import images…",
            MenuAction::ImportCsv => "Import CSV…",
            MenuAction::Export => "Export…",
            MenuAction::BackupNow => "Back up now",
            MenuAction::RestoreBackup => "Restore from backup…",
            MenuAction::OpenLibraryFolder => "Open library folder",
            MenuAction::ConnectTeamServer => "Connect to a team server…",
            MenuAction::Undo => "Undo last change",
            MenuAction::Find => "Find",
            MenuAction::ViewGrid => "Grid",
            MenuAction::ViewTable => "Table",
            MenuAction::ViewTrash => "Trash",
            MenuAction::ViewHistory => "History",
            MenuAction::About => "About Shelfkeeper",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// Builds File, Edit, View and Help. (Keyboard shortcuts are the page's: a GTK accelerator
/// for Ctrl+Z would steal undo from the text fields.)
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item = |a: MenuAction| MenuItemBuilder::with_id(a.id(), a.label()).build(app);
    let file = SubmenuBuilder::new(app, "File")
        .item(&item(MenuAction::NewProduct)?)
        .item(&item(MenuAction::ImportImages)?)
        .item(&item(MenuAction::ImportCsv)?)
        .item(&item(MenuAction::Export)?)
        .separator()
        .item(&item(MenuAction::BackupNow)?)
        .item(&item(MenuAction::RestoreBackup)?)
        .item(&item(MenuAction::OpenLibraryFolder)?)
        .separator()
        .item(&item(MenuAction::ConnectTeamServer)?)
        .separator()
        .quit()
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .item(&item(MenuAction::Undo)?)
        .separator()
        .item(&item(MenuAction::Find)?)
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(&item(MenuAction::ViewGrid)?)
        .item(&item(MenuAction::ViewTable)?)
        .separator()
        .item(&item(MenuAction::ViewTrash)?)
        .item(&item(MenuAction::ViewHistory)?)
        .build()?;
    let help = SubmenuBuilder::new(app, "Help")
        .item(&item(MenuAction::About)?)
        .build()?;
    MenuBuilder::new(app).items(&[&file, &edit, &view, &help]).build()
}

/// Handles a menu click: the library folder opens here, everything else goes to the page.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(action) = MenuAction::from_id(event.id().as_ref()) else {
        return;
    };
    if action == MenuAction::OpenLibraryFolder {
        if let Some(state) = app.try_state::<crate::state::AppState>() {
            crate::desktop::open_folder(state.library.root());
        }
        return;
    }
    let _ = app.emit(MENU_EVENT, action);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_id_serialises_as_the_id_the_ui_receives() {
        for action in MenuAction::ALL {
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                serde_json::json!(action.id())
            );
            assert_eq!(MenuAction::from_id(action.id()), Some(action));
        }
    }
}
