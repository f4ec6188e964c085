//! The one error type of the core. Every failure a seller can meet carries a [`ErrorKind`]
//! the UI switches on, the field it concerns (when there is one) and a sentence the seller
//! can act on. SQLite's own refusals (named CHECK constraints, UNIQUE indexes, RAISE messages
//! of the guard triggers) are translated here, so that a rule enforced only by the schema
//! still reaches the seller in plain words.

use serde::Serialize;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The closed set of error kinds the UI and the command line switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input breaks a rule of the catalog (empty name, negative price...).
    Validation,
    /// Someone else saved first, or the value is already used.
    Conflict,
    /// The thing asked for does not exist.
    NotFound,
    /// The action is not allowed in this state (deleting a product outside the trash...).
    Refused,
    /// The catalog or a file is damaged or from a newer app.
    Damaged,
    /// The file system failed (disk full, permission denied...).
    Io,
    /// The seller cancelled a long job.
    Cancelled,
    /// A bug or an unexpected SQLite failure.
    Internal,
}

impl ErrorKind {
    /// Every kind, for the UI's runtime check of what a command rejected with.
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Validation,
        ErrorKind::Conflict,
        ErrorKind::NotFound,
        ErrorKind::Refused,
        ErrorKind::Damaged,
        ErrorKind::Io,
        ErrorKind::Cancelled,
        ErrorKind::Internal,
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Validation {
        field: Option<&'static str>,
        message: String,
    },
    /// A stale edit: `current` is the row as it is now, so the UI can show both versions.
    #[error("{message}")]
    Conflict {
        field: Option<&'static str>,
        message: String,
        current: Option<Box<serde_json::Value>>,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    Refused {
        field: Option<&'static str>,
        message: String,
    },
    #[error("{0}")]
    Damaged(String),
    #[error(
        "This catalog was made by a newer version of Shelfkeeper (schema {found}, this app \
         knows up to {supported}). Update Shelfkeeper to open it; the catalog was not changed."
    )]
    CatalogTooNew { found: i64, supported: i64 },
    #[error("{action} {}: {}", path.display(), plain_io(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// SQLite could not read or write the catalog file itself (disk full, disk gone,
    /// read-only), in words; whatever the failed write was, it was rolled back.
    #[error("{0}")]
    Storage(String),
    #[error("Cancelled.")]
    Cancelled,
    #[error("Unexpected database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation { .. } => ErrorKind::Validation,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Refused { .. } => ErrorKind::Refused,
            Error::Damaged(_) | Error::CatalogTooNew { .. } => ErrorKind::Damaged,
            Error::Io { .. } | Error::Storage(_) => ErrorKind::Io,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Sqlite(_) | Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The form field the error belongs to, so the editor can show it beside that field.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Validation { field, .. }
            | Error::Conflict { field, .. }
            | Error::Refused { field, .. } => *field,
            _ => None,
        }
    }

    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Error::Validation {
            field: Some(field),
            message: message.into(),
        }
    }

    /// The same error with `prefix` before its message (`"TEE-S: "`, `"The variant on line 4: "`),
    /// so a seller knows which row of many it is about. Other kinds are left as they are.
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            Error::Validation { field, message } => Error::Validation {
                field,
                message: format!("{prefix}{message}"),
            },
            Error::Conflict {
                field,
                message,
                current,
            } => Error::Conflict {
                field,
                message: format!("{prefix}{message}"),
                current,
            },
            other => other,
        }
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Error::Refused {
            field: None,
            message: message.into(),
        }
    }

    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The serialisable shape that crosses every boundary (command line `--json`, Tauri).
    pub fn to_report(&self) -> ErrorReport {
        let details = match self {
            Error::Conflict { current: Some(c), .. } => Some((**c).clone()),
            _ => None,
        };
        ErrorReport {
            kind: self.kind(),
            message: self.to_string(),
            field: self.field().map(str::to_owned),
            details,
        }
    }
}

/// `{kind, message, field?, details?}`: what the UI and scripts receive.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// A reference refused: SQLite reports every one as the same failure, and the team server's
/// named references (and its unnamed failure) read the same.
const REFERENCE_BROKEN: &str = "That refers to something that doesn't exist, or is still used elsewhere.";

/// What the schema says when it refuses a write, as (kind, field, message). Keyed by the
/// constraint name, the `table.column` of a UNIQUE failure, or the guard trigger's RAISE text.
fn schema_rule(name: &str) -> Option<(ErrorKind, Option<&'static str>, &'static str)> {
    use ErrorKind::{Conflict, Damaged, Internal, Refused, Validation};
    let rule = match name {
        "sku_shape" => (
            Validation,
            Some("sku"),
            "The SKU must be 1 to 64 characters, with no spaces at either end and no line breaks or tabs.",
        ),
        "name_not_blank" => (
            Validation,
            Some("name"),
            "The name can't be empty, and must be at most 255 characters.",
        ),
        "name_no_control_chars" => (
            Validation,
            Some("name"),
            "The name can't contain line breaks or tabs.",
        ),
        "description_length" => (
            Validation,
            Some("description"),
            "The description is too long (at most 100,000 characters).",
        ),
        "price_not_negative" => (Validation, Some("price"), "The price can't be negative."),
        "price_in_range" => (Validation, Some("price"), "The price is too large."),
        "stock_not_negative" => (Validation, Some("stock"), "Stock can't be negative."),
        "stock_in_range" => (
            Validation,
            Some("stock"),
            "Stock is too large (at most 1,000,000,000).",
        ),
        "status_known" => (
            Validation,
            Some("status"),
            "The status must be draft, active or archived.",
        ),
        "barcode_digits" => (
            Validation,
            Some("barcode"),
            "A barcode is 8 to 14 digits (EAN, UPC or GTIN), with nothing else in it.",
        ),
        "version_not_negative" | "version_only_forward" => (
            Conflict,
            Some("version"),
            "This product was changed elsewhere; reload it before saving.",
        ),
        "products.sku" | "sku_unique" => (
            Conflict,
            Some("sku"),
            "That SKU is already used by another product.",
        ),
        "username_shape" => (
            Validation,
            Some("username"),
            "A username is 1 to 64 letters, digits, dots, dashes or underscores.",
        ),
        "display_name_not_blank" => (
            Validation,
            Some("display_name"),
            "The display name can't be empty, and must be at most 255 characters.",
        ),
        "email_shape" => (
            Validation,
            Some("email"),
            "That doesn't look like an email address (name@example.com).",
        ),
        "role_known" => (Validation, Some("role"), "A role is owner or staff."),
        "users.username" | "username_unique" => (Conflict, Some("username"), "That username is already taken."),
        "category_name_not_blank" => (
            Validation,
            Some("name"),
            "A category name can't be empty, and must be at most 255 characters.",
        ),
        "category_name_unique_in_parent" => (
            Conflict,
            Some("name"),
            "A category with that name already exists there.",
        ),
        "category_not_own_parent" | "category_cycle" => (
            Validation,
            Some("parent"),
            "A category can't be placed inside itself.",
        ),
        "category_in_use" => (
            Refused,
            None,
            "This category still has products. Move them to another category first.",
        ),
        "category_has_children" => (
            Refused,
            None,
            "This category has sub-categories. Move or delete them first.",
        ),
        "tag_name_shape" => (
            Validation,
            Some("tag"),
            "A tag is 1 to 64 characters, with no commas, line breaks or spaces at either end.",
        ),
        "tags.name" | "tag_name_unique" => (Conflict, Some("tag"), "That tag already exists."),
        "tag_in_use" => (
            Refused,
            None,
            "This tag is still on products. Remove it from them first.",
        ),
        "product_not_in_trash" => (
            Refused,
            None,
            "Only products in the trash can be deleted for good. Move it to the trash first.",
        ),
        "image_not_in_trash" => (Refused, None, "Only images in the trash can be deleted for good."),
        "product_id_is_fixed" => (Refused, None, "A product's id can't be changed."),
        "login_taken" => (
            Conflict,
            Some("username"),
            "The team server already has a login with that name (perhaps for another shop); choose another username.",
        ),
        "login_password_hashed" => (
            Validation,
            Some("password"),
            "A new login's password reaches the server only as a SCRAM-SHA-256 hash; use `shelf server add-person`, which makes one.",
        ),
        "server_makes_no_logins" => (
            Refused,
            None,
            "The team server doesn't let the catalog's owner make logins (it needs the CREATEROLE right). Ask whoever runs the server to grant it, or to make the login.",
        ),
        "user_owns_products" => (
            Refused,
            None,
            "This user still owns products, so they can't be deleted. Deactivate them instead.",
        ),
        "original_in_use" => (Refused, None, "This photo is still used by a product."),
        "original_is_immutable" => (Refused, None, "An imported original can't be changed."),
        "audit_log_append_only" | "deletion_log_append_only" => {
            (Refused, None, "The history logs can't be changed or deleted.")
        }
        "currency_unknown" => (
            Validation,
            Some("currency"),
            "That currency isn't known (use an ISO 4217 code like USD or EUR).",
        ),
        "thumbnail_size_cap" => (Validation, None, "The thumbnail is larger than the 64 KiB cap."),
        "variants.sku" | "variant_sku_unique" | "sku_taken" => (
            Conflict,
            Some("sku"),
            "That SKU is already used by another product or variant; every SKU you sell must be unique.",
        ),
        "variant_combination_unique" => (
            Conflict,
            Some("options"),
            "Another variant of this product already has these option values.",
        ),
        "option_name_unique" | "product_options.product_id" => (
            Conflict,
            Some("options"),
            "This product already has an option with that name or in that place.",
        ),
        "option_name_shape" => (
            Validation,
            Some("options"),
            "An option name must be 1 to 255 characters, with no line breaks or tabs.",
        ),
        "option_value_shape" => (
            Validation,
            Some("options"),
            "An option value must be 1 to 255 characters, with no line breaks or tabs.",
        ),
        "option_position_range" => (
            Validation,
            Some("options"),
            "A product can have at most three options (for example Size, Colour and Material).",
        ),
        "variant_position_range" => (Validation, Some("position"), "That position is out of range."),
        "variant_needs_options" => (
            Validation,
            Some("options"),
            "Give the product its options (for example Size) before adding variants.",
        ),
        "variant_options_mismatch" => (
            Validation,
            Some("options"),
            "A variant needs one value for each option its product has, and none for options it doesn't have.",
        ),
        "variant_image_not_of_product" => (
            Validation,
            Some("image"),
            "A variant's photo must be one of its product's photos.",
        ),
        "variant_not_in_trash" => (
            Refused,
            None,
            "Only variants in the trash (or of a product in the trash) can be deleted for good.",
        ),
        "variant_id_is_fixed" => (
            Refused,
            None,
            "A variant belongs to its product for good and keeps its id.",
        ),
        "option_in_use" => (
            Refused,
            Some("options"),
            "Variants still have values for this option (some may be in the trash). Delete those variants first.",
        ),
        "product_sells_through_variants" => (
            Refused,
            Some("price"),
            "This product sells through its variants: its price is their lowest and its stock their total. Change the variants instead.",
        ),
        "compare_at_not_negative" => (
            Validation,
            Some("compare_at"),
            "The compare-at price can't be negative or larger than a price can be.",
        ),
        "cost_not_negative" => (
            Validation,
            Some("cost"),
            "The cost can't be negative or larger than a price can be.",
        ),
        "weight_not_negative" => (
            Validation,
            Some("weight"),
            "The weight can't be negative (at most 1,000 tonnes, in grams).",
        ),
        "vendor_shape" => (
            Validation,
            Some("vendor"),
            "The vendor must be 1 to 255 characters, with no line breaks or tabs.",
        ),
        "product_type_shape" => (
            Validation,
            Some("product_type"),
            "The product type must be 1 to 255 characters, with no line breaks or tabs.",
        ),
        "handle_shape" => (
            Validation,
            Some("handle"),
            "The handle is part of a web address: 1 to 255 characters, no spaces, slashes, ? or #.",
        ),
        "product_handle_unique" => (
            Conflict,
            Some("handle"),
            "That handle is already used by another product.",
        ),
        "alt_text_length" => (
            Validation,
            Some("alt_text"),
            "Alt text can be at most 512 characters.",
        ),
        // The team server names its references (SQLite reports them all as one failure).
        "category_parent_exists" | "product_currency_known" | "product_category_exists"
        | "product_owner_exists" | "product_tag_product_exists" | "product_tag_tag_exists"
        | "thumbnail_original_exists" | "product_image_product_exists"
        | "product_image_original_exists" | "product_option_product_exists"
        | "variant_product_exists" | "variant_image_exists" | "undo_entry_exists" => (
            Refused,
            None,
            REFERENCE_BROKEN,
        ),
        "product_image_once_per_product" | "product_images.product_id" => (
            Conflict,
            Some("image"),
            "This photo is already on this product.",
        ),
        "stored_bytes_match" => (
            Damaged,
            Some("image"),
            "The photo's bytes don't match its name (its SHA-256 or its size); it was not saved.",
        ),
        "sellable_sku_table_known" | "sellable_sku_once_per_row" => (
            Internal,
            Some("sku"),
            "The server's register of SKUs refused the change; it was not saved.",
        ),
        // Rules of what the app itself writes (timestamps, photos' metadata, the logs, the
        // write context). A seller meets them only through another tool writing the file.
        "created_at_format" | "updated_at_format" | "deleted_at_format" | "imported_at_format" | "at_format" => (
            Validation,
            None,
            "A time must be written as 2026-12-01T09:30:00.000Z (UTC, milliseconds).",
        ),
        "is_active_boolean" | "search_deferred_flag" | "rollup_deferred_boolean" => {
            (Validation, None, "A yes/no value must be 0 or 1.")
        }
        "currency_code_shape" => (
            Validation,
            Some("currency"),
            "A currency code is three capital letters (ISO 4217, like EUR).",
        ),
        "currency_name_not_blank" => (Validation, Some("name"), "A currency needs a name."),
        "minor_units_range" => (
            Validation,
            Some("minor_units"),
            "A currency has 0 to 4 decimals.",
        ),
        "sha256_shape" => (
            Validation,
            Some("image"),
            "A photo is named by its SHA-256: 64 lower-case hexadecimal digits.",
        ),
        "byte_size_positive" => (Validation, Some("image"), "A photo can't be an empty file."),
        "width_in_range" | "height_in_range" => (
            Validation,
            Some("image"),
            "A photo's width and height must be 1 to 30,000 pixels.",
        ),
        "image_mime_known" => (
            Validation,
            Some("image"),
            "That is not a photo type the catalog keeps (JPEG, PNG, WebP, GIF, TIFF, BMP, HEIC, HEIF or AVIF).",
        ),
        "file_name_shape" => (
            Validation,
            Some("file_name"),
            "A photo's file name must be 1 to 1,024 characters, with no slashes or control characters.",
        ),
        "position_not_negative" => (Validation, Some("position"), "A position can't be negative."),
        "rotation_quarter_turns" => (
            Validation,
            Some("rotation"),
            "A photo turns in quarter turns only (0, 90, 180 or 270 degrees).",
        ),
        "thumbnail_width_range" | "thumbnail_height_range" | "thumbnail_mime_known" => (
            Validation,
            Some("image"),
            "A thumbnail is a JPEG of at most 256 × 256 pixels.",
        ),
        "setting_key_shape" => (
            Validation,
            Some("key"),
            "A setting's name is 1 to 64 lower-case letters, digits, dots or underscores.",
        ),
        "setting_value_json" => (Validation, Some("value"), "A setting's value must be valid JSON."),
        "csv_mapping_key" => (
            Refused,
            Some("key"),
            "Only the columns of a CSV import are remembered this way; other settings are the owner's to change.",
        ),
        "actor_not_blank" | "deleted_by_not_blank" => (
            Validation,
            None,
            "The log needs to know who acted.",
        ),
        "audit_table_name_not_blank" | "deletion_table_name_not_blank" | "audit_action_known" => (
            Validation,
            None,
            "A history entry names its table and whether it was an insert, update or delete.",
        ),
        "old_values_json" | "new_values_json" | "backup_data_json" => (
            Validation,
            None,
            "A history entry keeps the row as valid JSON.",
        ),
        "undo_role_known" => (
            Validation,
            None,
            "An undo entry is either the change reversed or the change undo wrote.",
        ),
        "write_context_required" | "write_context_single_row" => (
            Refused,
            None,
            "The catalog's write context has exactly one row, which must stay.",
        ),
        _ => return None,
    };
    Some(rule)
}

/// Pulls the rule name out of SQLite's constraint message: `CHECK constraint failed: NAME`,
/// `UNIQUE constraint failed: table.column`, `UNIQUE constraint failed: index 'NAME'`, or a
/// trigger's bare RAISE text.
fn rule_name(message: &str) -> &str {
    let name = message
        .strip_prefix("CHECK constraint failed: ")
        .or_else(|| message.strip_prefix("UNIQUE constraint failed: "))
        .unwrap_or(message);
    let name = name
        .strip_prefix("index '")
        .map_or(name, |n| n.trim_end_matches('\''));
    // A multi-column UNIQUE lists `t.a, t.b`; the first column names the rule well enough.
    name.split(", ").next().unwrap_or(name)
}

/// An operating-system error as a seller reads it: the usual causes named, with what to do.
fn plain_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::StorageFull => "the disk is full. Free some space, then try again.".to_owned(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (the folder or file isn't yours to change).".to_owned()
        }
        std::io::ErrorKind::ReadOnlyFilesystem => {
            "the disk is read-only (a locked card or a disk mounted read-only?).".to_owned()
        }
        _ if err.raw_os_error() == Some(rustix::io::Errno::IO.raw_os_error()) => {
            "the disk reported a read or write error (is it unplugged or failing?). Check the disk, then try again."
                .to_owned()
        }
        _ => err.to_string(),
    }
}

/// SQLite's failures to read or write the file itself, which are not bugs but the disk's
/// state; `None` for everything else. A disk error while SQLite flushes a commit can leave
/// the change saved after all (the write-ahead log held it), so that case says "may not".
fn storage_failure(code: &rusqlite::ffi::Error) -> Option<String> {
    use rusqlite::ErrorCode;
    let not_saved = "so this wasn't saved and nothing in the catalog changed";
    let (what, outcome) = match code.code {
        ErrorCode::DiskFull => ("The disk that holds your library is full", not_saved),
        ErrorCode::SystemIoFailure => (
            "Shelfkeeper couldn't read or write the catalog file (a disk error: is the disk full, unplugged or failing?)",
            "so this change may not have been saved; look at it again once the disk is fixed",
        ),
        ErrorCode::ReadOnly => (
            "The catalog file can't be written (the disk or the file is read-only)",
            not_saved,
        ),
        ErrorCode::CannotOpen => (
            "The catalog file can't be opened (is the disk unplugged, or the folder moved?)",
            not_saved,
        ),
        _ => return None,
    };
    Some(format!(
        "{what}, {outcome}. Free some space or reconnect the disk, then try again. (SQLite error {})",
        code.extended_code
    ))
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(code, _) = &err {
            if let Some(message) = storage_failure(code) {
                return Error::Storage(message);
            }
        }
        let rusqlite::Error::SqliteFailure(code, Some(message)) = &err else {
            return Error::Sqlite(err);
        };
        if code.code != rusqlite::ErrorCode::ConstraintViolation {
            return Error::Sqlite(err);
        }
        if message == "FOREIGN KEY constraint failed" {
            return Error::refused(REFERENCE_BROKEN);
        }
        rule_error(rule_name(message)).unwrap_or(Error::Sqlite(err))
    }
}

/// The error a refusal by the schema's rule `name` becomes, the same from either engine.
fn rule_error(name: &str) -> Option<Error> {
    let (kind, field, text) = schema_rule(name)?;
    let message = text.to_owned();
    Some(match kind {
        ErrorKind::Validation => Error::Validation { field, message },
        ErrorKind::Conflict => Error::Conflict {
            field,
            message,
            current: None,
        },
        ErrorKind::Damaged => Error::Damaged(message),
        ErrorKind::Internal => Error::Internal(message),
        _ => Error::Refused { field, message },
    })
}

/// The team server's refusals map through the same rule names as SQLite's; a login that
/// lacks the grant (staff asking to purge) is told so; anything that is not the server
/// answering (a dropped connection, a timeout) is said in words, without claiming the
/// change was or wasn't saved, because a commit cut off mid-way can't know.
impl From<postgres::Error> for Error {
    fn from(err: postgres::Error) -> Self {
        use postgres::error::SqlState;
        let gone = || {
            Error::Storage(format!(
                "The team server stopped answering ({err}). Check the network and that the server is running, then try again; the last change may not have been saved."
            ))
        };
        let Some(db) = err.as_db_error() else {
            return gone();
        };
        // A connection failure (class 08) or a server shutting down (57P01 to 57P03) is the
        // server going away, whatever words it sent first.
        if db.code().code().starts_with("08") || db.code().code().starts_with("57P") {
            return gone();
        }
        if let Some(rule) = db.constraint().and_then(rule_error) {
            return rule;
        }
        match *db.code() {
            SqlState::INSUFFICIENT_PRIVILEGE => Error::Refused {
                field: None,
                message: "Your login on the team server may not do that: purging from the trash, managing people, changing the catalog's settings and restoring a backup are for owners.".into(),
            },
            SqlState::FOREIGN_KEY_VIOLATION => Error::refused(
                REFERENCE_BROKEN,
            ),
            _ => Error::Internal(format!("Unexpected server error: {}", db.message())),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::Internal(format!("JSON: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_named_in_plain_words() {
        let full = Error::io(
            "Can't write the photo to",
            "/lib/tmp/x.part",
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        assert_eq!(
            full.to_string(),
            "Can't write the photo to /lib/tmp/x.part: the disk is full. Free some space, then try again."
        );
        assert_eq!(full.kind(), ErrorKind::Io);
        let failing = Error::io(
            "Can't write the photo to",
            "/lib/tmp/x.part",
            std::io::Error::from_raw_os_error(rustix::io::Errno::IO.raw_os_error()),
        );
        assert!(failing.to_string().ends_with("the disk reported a read or write error (is it unplugged or failing?). Check the disk, then try again."), "{failing}");
    }

    /// Every named constraint, unique index and refusal of every migration, SQLite's and the
    /// team server's, maps to a kind and a sentence a seller can act on.
    #[test]
    fn every_rule_name_in_the_migrations_has_a_sentence() {
        let (mut missing, mut seen) = (Vec::new(), 0);
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let files = std::fs::read_dir(root)
            .unwrap()
            .chain(std::fs::read_dir(format!("{root}/postgres")).unwrap())
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"));
        for file in files {
            let text = std::fs::read_to_string(file).unwrap();
            let after = |marker: &str| text.split(marker).skip(1).collect::<Vec<_>>();
            let names = [
                "CONSTRAINT ",
                "RAISE(ABORT, '",
                "UNIQUE INDEX ",
                "refuse('",
                "refuse_with('",
            ]
            .into_iter()
            .flat_map(after)
            .map(|rest| {
                rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
            })
            .filter(|name| !name.is_empty()); // `CONSTRAINT = rule` in a RAISE
            for name in names {
                seen += 1;
                if schema_rule(name).is_none() && !missing.contains(&name.to_owned()) {
                    missing.push(name.to_owned());
                }
            }
        }
        assert!(seen > 200, "only {seen} rule names found in the migrations");
        assert!(missing.is_empty(), "rules without a sentence: {missing:?}");
    }

    #[test]
    fn rule_names_are_extracted_from_sqlite_messages() {
        assert_eq!(
            rule_name("CHECK constraint failed: price_not_negative"),
            "price_not_negative"
        );
        assert_eq!(
            rule_name("UNIQUE constraint failed: products.sku"),
            "products.sku"
        );
        assert_eq!(
            rule_name("UNIQUE constraint failed: index 'category_name_unique_in_parent'"),
            "category_name_unique_in_parent"
        );
        assert_eq!(rule_name("product_not_in_trash"), "product_not_in_trash");
    }

    #[test]
    fn error_report_serialises_to_the_boundary_shape() {
        let report = Error::validation("price", "The price can't be negative.").to_report();
        assert_eq!(
            serde_json::to_value(report).unwrap(),
            serde_json::json!({"kind": "validation", "message": "The price can't be negative.", "field": "price"})
        );
    }
}
