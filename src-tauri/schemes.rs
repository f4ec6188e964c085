//! The `thumb` and `original` URI schemes: the only way image bytes reach the page
//! (`thumb://localhost/<sha256>`, `http://thumb.localhost/<sha256>` on Windows). An original
//! never changes, so it is cacheable forever; a thumbnail is re-made under the same hash when
//! the photo is rotated, so it is fetched again each time (it comes from a local BLOB). The hash is validated before
//! anything is looked up; thumbnails come from the catalog the window shows (the library's
//! or the team server's), originals through the storage layer (a library's from its originals
//! folder, the path derived from the hash; a team catalog's from this computer's photo
//! cache, fetched from the server once).

use crate::state::AppState;
use shelf_core::library::is_sha256_hex;
use shelf_core::ErrorKind;
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

pub const THUMB: &str = "thumb";
pub const ORIGINAL: &str = "original";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The hash in `/<sha256>` (a trailing extension or query is not accepted).
fn hash_of(request: &Request<Vec<u8>>) -> Option<&str> {
    let hash = request.uri().path().trim_start_matches('/');
    is_sha256_hex(hash).then_some(hash)
}

fn status(code: StatusCode, text: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(text.as_bytes().to_vec())
        .unwrap_or_default()
}

fn bytes(mime: &str, cache: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::CACHE_CONTROL, cache)
        .header("X-Content-Type-Options", "nosniff")
        .body(body)
        .unwrap_or_default()
}

fn failure(err: &shelf_core::Error) -> Response<Vec<u8>> {
    match err.kind() {
        ErrorKind::NotFound => status(StatusCode::NOT_FOUND, "not found"),
        ErrorKind::Validation => status(StatusCode::BAD_REQUEST, "bad content hash"),
        _ => status(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
    }
}

/// What both schemes check first: a valid content hash and an open catalog (or the status
/// to refuse with).
fn target<'a, R: Runtime>(
    ctx: &'a UriSchemeContext<'_, R>,
    request: &Request<Vec<u8>>,
) -> Result<(String, tauri::State<'a, AppState>), (StatusCode, &'static str)> {
    let hash = hash_of(request).ok_or((StatusCode::BAD_REQUEST, "bad content hash"))?;
    let state = ctx
        .app_handle()
        .try_state::<AppState>()
        .ok_or((StatusCode::SERVICE_UNAVAILABLE, "catalog not open"))?;
    Ok((hash.to_owned(), state))
}

/// Checks the request, then answers it on a blocking thread with what `respond` (given the
/// app's state) makes of the hash: a catalog or file read must not hold up the window.
fn serve<R, F>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
    respond: impl FnOnce(&AppState) -> F,
) where
    R: Runtime,
    F: FnOnce(String) -> Response<Vec<u8>> + Send + 'static,
{
    let (hash, state) = match target(&ctx, &request) {
        Ok(found) => found,
        Err((code, text)) => return responder.respond(status(code, text)),
    };
    let answer = respond(&state);
    tauri::async_runtime::spawn_blocking(move || responder.respond(answer(hash)));
}

/// `thumb://localhost/<sha256>` → the thumbnail BLOB from the catalog.
pub fn thumb<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    serve(ctx, request, responder, |state| {
        let thumbnails = state.thumbnails();
        move |hash| match thumbnails.get(&hash) {
            Ok(thumb) => bytes(&thumb.mime, REVALIDATE, thumb.bytes),
            Err(err) => failure(&err),
        }
    });
}

/// `original://localhost/<sha256>` → the original file from the originals folder, or for a
/// type the web view can't show (HEIC, AVIF, TIFF) its JPEG rendition.
pub fn original<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    serve(ctx, request, responder, |state| {
        let originals = state.originals();
        move |hash| match originals.get(&hash) {
            Ok((body, mime)) => bytes(&mime, IMMUTABLE, body),
            Err(err) => failure(&err),
        }
    });
}
