//! What the window shows about the open library: where it is, who is acting, the versions
//! for Help › About.

use serde::Serialize;
use shelf_core::catalog::maintenance;
use shelf_core::catalog::users::{self, User};
use shelf_core::Catalog;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LibraryInfo {
    /// The library folder.
    pub root: String,
    pub schema_version: i64,
    pub app_version: String,
    pub tauri_version: String,
    /// Who the history records as making changes.
    pub acting_user: User,
    /// Products outside the trash.
    pub product_count: i64,
}

pub fn gather(catalog: &Catalog) -> shelf_core::Result<LibraryInfo> {
    let stats = maintenance::stats(catalog.conn())?;
    Ok(LibraryInfo {
        root: catalog.library().root().display().to_string(),
        schema_version: stats.schema_version,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        tauri_version: tauri::VERSION.to_owned(),
        acting_user: users::by_id(catalog.conn(), catalog.actor())?,
        product_count: stats.products,
    })
}
