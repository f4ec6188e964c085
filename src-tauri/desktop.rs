//! Hand-offs to the desktop: showing the library folder in the file manager.

use std::path::Path;
use std::process::{Command, Stdio};

/// Opens `folder` in the system file manager. Only ever called with the library root, which
/// Rust knows; no path from the page reaches here.
pub fn open_folder(folder: &Path) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    // Nothing to report to the page if no file manager is installed; the path is shown in
    // Help › About as well.
    let child = Command::new(opener)
        .arg(folder)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Ok(mut child) = child {
        // Reap it when it exits, so no zombie process is left behind.
        std::thread::spawn(move || child.wait());
    }
}
