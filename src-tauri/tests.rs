//! Command-layer tests through Tauri's mock runtime: real catalog files in a temporary
//! library, requests going through the real IPC path, permission checks and serialisation.

use super::*;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

struct TestApp {
    _dir: tempfile::TempDir,
    library: Library,
    webview: tauri::WebviewWindow<tauri::test::MockRuntime>,
    _app: tauri::App<tauri::test::MockRuntime>,
}

fn app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::create_at(dir.path()).unwrap();
    let state = AppState::open(library.clone()).unwrap();
    // The real context (capabilities, CSP) on the mock runtime, so permission checks are real.
    let app = build_app(mock_builder(), state)
        .build(tauri::generate_context!(test = true))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    TestApp {
        _dir: dir,
        library,
        webview,
        _app: app,
    }
}

impl TestApp {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().unwrap())
    }
}

fn mug() -> Value {
    json!({"fields": {"sku": "MUG-1", "name": "Blue mug", "description": "", "price_minor": 1250,
        "currency": "EUR", "stock": 3, "status": "active", "category_id": null, "barcode": null, "tags": []}})
}

#[test]
fn a_product_created_through_the_window_is_in_the_catalog_file() {
    let app = app();
    let product = app.invoke("create_product", mug()).unwrap();
    assert_eq!(product["sku"], "MUG-1");
    assert_eq!(product["minor_units"], 2);
    let catalog = Catalog::open(&app.library).unwrap();
    let stored = shelf_core::catalog::products::by_sku(catalog.conn(), "MUG-1").unwrap();
    assert_eq!(stored.price_minor, 1250);
}

#[test]
fn a_negative_price_comes_back_as_a_validation_error_on_the_price_field() {
    let app = app();
    let mut args = mug();
    args["fields"]["price_minor"] = json!(-1);
    let err = app.invoke("create_product", args).unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["field"], "price");
    assert_eq!(
        app.invoke("list_products", json!({"query": {}})).unwrap()["items"],
        json!([])
    );
}

#[test]
fn a_stale_edit_is_a_conflict_carrying_the_current_product() {
    let app = app();
    let product = app.invoke("create_product", mug()).unwrap();
    let id = product["id"].clone();
    let mut edit = mug();
    edit["id"] = id.clone();
    edit["expectedVersion"] = product["version"].clone();
    edit["fields"]["name"] = json!("Red mug");
    app.invoke("update_product", edit.clone()).unwrap();
    edit["fields"]["name"] = json!("Green mug");
    let err = app.invoke("update_product", edit).unwrap_err();
    assert_eq!(err["kind"], "conflict");
    assert_eq!(err["details"]["name"], "Red mug");
}

#[test]
fn search_and_prices_go_through_the_core() {
    let app = app();
    app.invoke("create_product", mug()).unwrap();
    let hits = app
        .invoke("search_products", json!({"text": "blu", "limit": 10}))
        .unwrap();
    assert_eq!(hits[0]["sku"], "MUG-1");
    assert_eq!(
        app.invoke("parse_price", json!({"text": "12.5", "currency": "eur"}))
            .unwrap(),
        json!(1250)
    );
    assert_eq!(
        app.invoke("parse_price", json!({"text": "12.5", "currency": "JPY"}))
            .unwrap_err()["field"],
        "price"
    );
    assert_eq!(
        app.invoke("format_price", json!({"minor": 1250, "currency": "EUR"}))
            .unwrap(),
        json!("12.50")
    );
}

#[test]
fn library_info_names_the_folder_and_the_acting_owner() {
    let app = app();
    let info = app.invoke("library_info", json!({})).unwrap();
    assert_eq!(info["root"], json!(app.library.root().display().to_string()));
    assert_eq!(info["acting_user"]["role"], "owner");
}

#[test]
fn commands_are_refused_outside_the_main_window() {
    let app = app();
    let other = WebviewWindowBuilder::new(&app._app, "other", Default::default())
        .build()
        .unwrap();
    let request = InvokeRequest {
        cmd: "list_users".into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(json!({})),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    assert!(get_ipc_response(&other, request).is_err());
}

#[test]
fn every_declared_command_is_granted_to_the_main_window_and_nothing_else() {
    let commands: &[&str] = include!("commands/list.rs");
    let capability: Value = serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
    assert_eq!(capability["windows"], json!(["main"]));
    let granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = commands
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    expected.extend([
        "core:event:allow-listen".to_owned(),
        "core:event:allow-unlisten".to_owned(),
    ]);
    let (mut granted_sorted, mut expected_sorted) = (granted.clone(), expected);
    granted_sorted.sort();
    expected_sorted.sort();
    assert_eq!(granted_sorted, expected_sorted);
}

#[test]
fn the_library_argument_is_read_in_both_spellings() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>().into_iter();
    assert_eq!(
        library_argument(args(&["app", "--library", "/x"])),
        Some(PathBuf::from("/x"))
    );
    assert_eq!(
        library_argument(args(&["app", "--library=/y"])),
        Some(PathBuf::from("/y"))
    );
    assert_eq!(library_argument(args(&["app"])), None);
}

/// The window's content security policy: the app's own scripts and styles, photos from its
/// own schemes, IPC, and nothing from anywhere else; no forms sent, no frames, no plugins,
/// no `<base>` moving relative URLs elsewhere.
#[test]
fn the_content_security_policy_lets_nothing_remote_in() {
    let conf: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "form-action 'none'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    for part in csp.split(';') {
        for source in part.split_whitespace().skip(1) {
            let local = source.starts_with('\'')
                || source.ends_with(':')
                || source.ends_with(".localhost")
                || source.contains("://thumb.localhost")
                || source.contains("://original.localhost")
                || source.contains("://ipc.localhost");
            assert!(local, "{source} in the CSP is not the app's own");
        }
    }
}
