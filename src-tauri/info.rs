//! What the window shows about the catalog it is on: this computer's library or a team
//! server, who is acting, the default currency, the versions for Help › About.

use serde::Serialize;
use shelf_core::catalog::users::User;
use shelf_core::store::Store;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LibraryInfo {
    /// The library folder (this computer's profile, also on a team catalog).
    pub root: String,
    /// The team server the window shows instead of the library's own catalog, if any.
    pub team_server: Option<String>,
    pub schema_version: i64,
    pub app_version: String,
    pub tauri_version: String,
    /// Who the history records as making changes: on a team server, the login's person.
    pub acting_user: User,
    /// Products outside the trash.
    pub product_count: i64,
    /// The currency new products get.
    pub default_currency: String,
}

pub fn gather(
    store: &mut dyn Store,
    root: String,
    team_server: Option<String>,
) -> shelf_core::Result<LibraryInfo> {
    Ok(LibraryInfo {
        root,
        team_server,
        schema_version: store.schema_version()?,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        tauri_version: tauri::VERSION.to_owned(),
        acting_user: store.acting_user()?,
        product_count: store.product_count()?,
        default_currency: store.currency_units(None)?.0,
    })
}
