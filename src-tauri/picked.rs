//! Paths the web UI may hand back to Rust: only files and folders the seller has just dropped
//! on the window or picked in a native dialog. Rust records them when the drop or the pick
//! happens (outside the web page's reach) and a command that takes paths from the UI accepts
//! only those, canonicalised, or what lies inside a dropped folder. A compromised page
//! therefore can't make the app read arbitrary files.

use crate::error::{CommandError, CommandResult};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How many recent drops/picks are remembered; older ones must be dropped again.
const REMEMBERED: usize = 256;

#[derive(Default)]
pub struct PickedPaths(Mutex<Vec<PathBuf>>);

impl PickedPaths {
    /// Records paths the seller dropped or picked (canonicalised; vanished paths are skipped).
    pub fn remember<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) {
        let mut known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        known.extend(paths.into_iter().filter_map(|p| p.as_ref().canonicalize().ok()));
        let excess = known.len().saturating_sub(REMEMBERED);
        known.drain(..excess);
    }

    /// Canonicalises each path from the UI and accepts it only when it is, or lies inside, a
    /// remembered drop or pick.
    pub fn check(&self, paths: &[String]) -> CommandResult<Vec<PathBuf>> {
        let known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        paths
            .iter()
            .map(|text| {
                // A path that no longer exists can't be read by anyone; the job reports it
                // as refused item by item, and the rest of the drop carries on.
                let Ok(path) = Path::new(text).canonicalize() else {
                    return Ok(PathBuf::from(text));
                };
                if known.iter().any(|k| path.starts_with(k)) {
                    Ok(path)
                } else {
                    Err(CommandError::refused(format!(
                        "{text} wasn't dropped on the window or picked in a dialog, so it wasn't imported."
                    )))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dropped_paths_and_their_contents_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let dropped = dir.path().join("photos");
        std::fs::create_dir(&dropped).unwrap();
        std::fs::write(dropped.join("a.jpg"), b"x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"x").unwrap();
        let picked = PickedPaths::default();
        picked.remember([&dropped]);

        let inside = dropped.join("a.jpg").display().to_string();
        assert!(picked.check(&[inside]).is_ok());
        let outside = dir.path().join("secret.txt").display().to_string();
        assert_eq!(
            picked.check(&[outside]).unwrap_err().0.kind,
            shelf_core::ErrorKind::Refused
        );
        let sneaky = dropped.join("..").join("secret.txt").display().to_string();
        assert_eq!(
            picked.check(&[sneaky]).unwrap_err().0.kind,
            shelf_core::ErrorKind::Refused
        );
    }
}
