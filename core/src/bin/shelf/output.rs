//! How `shelf` prints: text for people, JSON for scripts, errors as one line on stderr.

use serde::Serialize;
use shelf_core::Error;
use std::process::ExitCode;

pub struct Out {
    pub json: bool,
}

/// Exit status for refusals and errors (1 is kept for "done, but something was refused").
pub const EXIT_ERROR: u8 = 2;

impl Out {
    /// Prints `value` as JSON, or `text` for people.
    pub fn show<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
        } else {
            let text = text();
            if !text.is_empty() {
                println!("{text}");
            }
        }
    }

    /// One JSON object per line (for per-file results), or a line of text.
    #[allow(dead_code)] // the image import commands print through this; they land on their own branch
    pub fn line<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            println!("{}", serde_json::to_string(value).unwrap_or_default());
        } else {
            println!("{}", text());
        }
    }

    pub fn error(&self, err: &Error) -> ExitCode {
        if self.json {
            eprintln!("{}", serde_json::to_string(&err.to_report()).unwrap_or_default());
        } else {
            eprintln!("shelf: {err}");
        }
        ExitCode::from(EXIT_ERROR)
    }
}
