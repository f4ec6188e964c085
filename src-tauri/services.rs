//! The two background services a seller switches on in Settings: the watched inbox folder
//! (photos dropped there are imported by SKU, see `shelf_core::images::inbox`) and automatic
//! backups (into a folder they pick, keeping the last N daily and M weekly, see
//! `shelf_core::backup::schedule`). Each runs on its own thread with its own catalog
//! connection, starts from the catalog's settings when the app opens, and stops when its
//! setting is cleared or a restore replaces the library.
//!
//! Every outcome reaches the window as a `service-report` event and is kept for the Settings
//! screen: a failed automatic backup is shown, never swallowed.

use serde::Serialize;
use shelf_core::backup::auto;
pub use shelf_core::backup::auto::{AutoBackup, AUTO_BACKUP_SETTING, INBOX_SETTING};
use shelf_core::images::inbox;
use shelf_core::job::{CancelToken, ItemResult, Outcome};
use shelf_core::{Catalog, Library};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime};

pub const SERVICE_EVENT: &str = "service-report";
/// A backup on quit that failed, kept in the catalog to be shown at the next start (there is
/// no window left to show it in).
const FAILED_ON_QUIT_SETTING: &str = "auto_backup_failed_on_quit";
/// How many reports the Settings screen can show.
const KEPT_REPORTS: usize = 20;
/// How often a sleeping scheduler looks at its cancel token.
const NAP: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    Inbox,
    AutoBackup,
}

/// One thing a service did, or failed to do, in words a seller can read.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ServiceReport {
    pub service: Service,
    pub ok: bool,
    pub message: String,
}

/// What Settings shows: the two settings and the latest reports, newest first.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ServicesStatus {
    pub inbox_folder: Option<String>,
    pub auto_backup: Option<AutoBackup>,
    pub reports: Vec<ServiceReport>,
}

/// The running services' stop switches and their latest reports.
#[derive(Default)]
pub struct Services {
    inbox: Mutex<Option<CancelToken>>,
    auto_backup: Mutex<Option<CancelToken>>,
    reports: Mutex<Vec<ServiceReport>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Services {
    pub fn reports(&self) -> Vec<ServiceReport> {
        lock(&self.reports).clone()
    }

    pub fn stop_all(&self) {
        self.stop(Service::Inbox);
        self.stop(Service::AutoBackup);
    }

    fn slot(&self, service: Service) -> &Mutex<Option<CancelToken>> {
        match service {
            Service::Inbox => &self.inbox,
            Service::AutoBackup => &self.auto_backup,
        }
    }

    /// Stops `service` and returns a fresh token for its next run.
    fn restart(&self, service: Service) -> CancelToken {
        let token = CancelToken::new();
        if let Some(old) = lock(self.slot(service)).replace(token.clone()) {
            old.cancel();
        }
        token
    }

    pub fn stop(&self, service: Service) {
        if let Some(token) = lock(self.slot(service)).take() {
            token.cancel();
        }
    }
}

/// Keeps `report` for Settings and sends it to the window.
fn report<R: Runtime>(app: &AppHandle<R>, services: &Services, report: ServiceReport) {
    let mut kept = lock(&services.reports);
    kept.insert(0, report.clone());
    kept.truncate(KEPT_REPORTS);
    drop(kept);
    let _ = app.emit(SERVICE_EVENT, report);
}

fn app_state<R: Runtime>(app: &AppHandle<R>) -> Option<tauri::State<'_, crate::state::AppState>> {
    use tauri::Manager;
    app.try_state::<crate::state::AppState>()
}

/// Watches `folder` on its own thread until stopped; each imported or refused photo is
/// reported.
pub fn start_inbox<R: Runtime>(app: &AppHandle<R>, library: Library, folder: PathBuf) {
    let Some(state) = app_state(app) else { return };
    let token = state.services.restart(Service::Inbox);
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("inbox".into()).spawn(move || {
        let say = |ok: bool, message: String| {
            if let Some(state) = app_state(&app) {
                report(
                    &app,
                    &state.services,
                    ServiceReport {
                        service: Service::Inbox,
                        ok,
                        message,
                    },
                );
            }
        };
        let result = inbox::watch(&library, &folder, token, |item: &ItemResult| {
            say(item.outcome != Outcome::Refused, inbox_sentence(item));
        });
        if let Err(err) = result {
            say(false, format!("The inbox folder isn't being watched: {err}"));
        }
    });
    if let Err(err) = spawned {
        eprintln!("Shelfkeeper: can't start the inbox watcher: {err}");
    }
}

fn inbox_sentence(item: &ItemResult) -> String {
    let name = Path::new(&item.name)
        .file_name()
        .map_or_else(|| item.name.clone(), |n| n.to_string_lossy().into_owned());
    match item.outcome {
        Outcome::Refused => format!("Inbox: {name} was not imported: {}", item.message),
        _ => format!("Inbox: {name}: {}", item.message),
    }
}

/// Backs up every `every_hours` while the app is open, on its own thread until stopped. The
/// first run is right away, so a seller who turns backups on gets one (if anything changed
/// since the last one in that folder).
pub fn start_auto_backup<R: Runtime>(app: &AppHandle<R>, library: Library, settings: AutoBackup) {
    let Some(state) = app_state(app) else { return };
    let token = state.services.restart(Service::AutoBackup);
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("auto-backup".into())
        .spawn(move || {
            let every = Duration::from_secs(u64::from(settings.every_hours.max(1)) * 3600);
            while !token.is_cancelled() {
                if let Some(state) = app_state(&app) {
                    let outcome = back_up_once(&library, &settings, &token);
                    report(&app, &state.services, outcome);
                }
                let woke = Instant::now();
                while !token.is_cancelled() && woke.elapsed() < every {
                    std::thread::sleep(NAP);
                }
            }
        });
    if let Err(err) = spawned {
        eprintln!("Shelfkeeper: can't start automatic backups: {err}");
    }
}

/// One automatic backup (the core's policy, see `shelf_core::backup::auto`), as a report.
pub fn back_up_once(library: &Library, settings: &AutoBackup, cancel: &CancelToken) -> ServiceReport {
    let (ok, message) = match auto::back_up_once(library, settings, cancel) {
        Ok(message) => (true, message),
        Err(message) => (false, message),
    };
    ServiceReport {
        service: Service::AutoBackup,
        ok,
        message,
    }
}

/// On quit, one more automatic backup when something changed since the last one. A failure
/// is saved and shown when the app next starts.
pub fn back_up_on_quit<R: Runtime>(app: &AppHandle<R>) {
    let Some(state) = app_state(app) else { return };
    if state.refuse_if_replaced().is_err() {
        return;
    }
    state.services.stop_all();
    let mut writer = state.writer_blocking();
    let Some(settings) = auto_backup_setting(writer.conn()) else {
        return;
    };
    let outcome = back_up_once(&state.library, &settings, &CancelToken::new());
    if !outcome.ok {
        eprintln!("Shelfkeeper: {}", outcome.message);
        let _ = writer.put_setting(FAILED_ON_QUIT_SETTING, &serde_json::json!(outcome.message));
    }
}

/// Starts whatever the catalog's settings switch on (at app start), and reports a backup on
/// quit that failed last time.
pub fn start_from_settings<R: Runtime>(app: &AppHandle<R>, library: &Library, catalog: &mut Catalog) {
    let failed = shelf_core::catalog::settings::get(catalog.conn(), FAILED_ON_QUIT_SETTING);
    if let (Ok(Some(serde_json::Value::String(message))), Some(state)) = (failed, app_state(app)) {
        let message = format!("When Shelfkeeper last closed: {message}");
        report(
            app,
            &state.services,
            ServiceReport {
                service: Service::AutoBackup,
                ok: false,
                message,
            },
        );
        let _ = catalog.put_setting(FAILED_ON_QUIT_SETTING, &serde_json::Value::Null);
    }
    let conn = catalog.conn();
    if let Some(folder) = inbox_setting(conn) {
        start_inbox(app, library.clone(), folder);
    }
    if let Some(settings) = auto_backup_setting(conn) {
        start_auto_backup(app, library.clone(), settings);
    }
}

pub fn inbox_setting(conn: &rusqlite::Connection) -> Option<PathBuf> {
    auto::inbox_of_catalog(conn)
}

pub fn auto_backup_setting(conn: &rusqlite::Connection) -> Option<AutoBackup> {
    AutoBackup::of_catalog(conn)
}
