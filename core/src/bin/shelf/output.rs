//! How `shelf` prints: text for people, JSON for scripts, errors as one line on stderr.
//!
//! Nothing here panics when the terminal or the file the output goes to fails (a full disk,
//! a closed pipe): `println!` would, after the work was done. A failed print is remembered
//! and `main` ends with exit status 2 and a sentence saying the work itself was done.

use serde::Serialize;
use shelf_core::Error;
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Out {
    pub json: bool,
}

/// Exit status for refusals and errors (1 is kept for "done, but something was refused").
pub const EXIT_ERROR: u8 = 2;

/// Set when a line could not be written to stdout.
static PRINT_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes one line to stdout, remembering a failure instead of panicking.
pub fn say(text: impl std::fmt::Display) {
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{text}").and_then(|()| stdout.flush()).is_err() {
        PRINT_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Writes one line to stderr; if even that fails there is no one left to tell.
pub fn warn(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The exit status a successful run ends with: `code`, unless its report could not be
/// printed.
pub fn finish(code: ExitCode) -> ExitCode {
    if PRINT_FAILED.load(Ordering::Relaxed) {
        warn("shelf: the command finished, but its report could not be printed (is the disk full, or the output closed?).");
        return ExitCode::from(EXIT_ERROR);
    }
    code
}

impl Out {
    /// Prints `value` as JSON, or `text` for people.
    pub fn show<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            say(serde_json::to_string_pretty(value).unwrap_or_default());
        } else {
            let text = text();
            if !text.is_empty() {
                say(text);
            }
        }
    }

    /// One JSON object per line (for per-file results), or a line of text.
    #[allow(dead_code)] // the image import commands print through this; they land on their own branch
    pub fn line<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            say(serde_json::to_string(value).unwrap_or_default());
        } else {
            say(text());
        }
    }

    pub fn error(&self, err: &Error) -> ExitCode {
        if self.json {
            warn(serde_json::to_string(&err.to_report()).unwrap_or_default());
        } else {
            warn(format_args!("shelf: {err}"));
        }
        ExitCode::from(EXIT_ERROR)
    }
}
