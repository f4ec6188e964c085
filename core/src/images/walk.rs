//! Turning the paths a seller gave into files to import. A file named directly is taken as
//! chosen; a folder is searched recursively, and every file found in it must canonicalise
//! inside it, so a link in a folder can't pull in files from elsewhere on the disk. Linked
//! folders are not followed (no loops), and hidden files (`.DS_Store`...) are left alone.

use super::import::Candidate;
use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

pub fn candidates(paths: &[PathBuf]) -> Vec<Candidate> {
    let mut found = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => match path.canonicalize() {
                Ok(root) => walk(&root, path, &mut found),
                Err(e) => found.push(problem(path, Error::io("Can't open the folder", path, e))),
            },
            Ok(_) => found.push(Candidate::new(path.clone())),
            Err(e) => found.push(problem(path, Error::io("Can't read", path, e))),
        }
    }
    found
}

fn problem(path: &Path, err: Error) -> Candidate {
    Candidate {
        problem: Some(err),
        ..Candidate::new(path.to_path_buf())
    }
}

/// Files under `dir` (shown as under `shown`), each checked to resolve inside `root`.
fn walk(root: &Path, shown: &Path, found: &mut Vec<Candidate>) {
    let entries = match fs::read_dir(shown) {
        Ok(entries) => entries,
        Err(e) => return found.push(problem(shown, Error::io("Can't list the folder", shown, e))),
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            found.push(problem(
                &path,
                Error::refused("Can't tell what this is; it was skipped."),
            ));
            continue;
        };
        if kind.is_dir() {
            walk(root, &path, found);
        } else if kind.is_symlink() {
            linked(root, &path, found);
        } else {
            found.push(Candidate::new(path));
        }
    }
}

fn linked(root: &Path, path: &Path, found: &mut Vec<Candidate>) {
    match path.canonicalize() {
        Err(e) => found.push(problem(path, Error::io("This link points nowhere:", path, e))),
        Ok(target) if !target.starts_with(root) => found.push(problem(
            path,
            Error::refused("This is a link to a file outside the chosen folder; it was not imported. Import that file directly if you mean it."),
        )),
        Ok(target) if target.is_dir() => {}
        Ok(_) => found.push(Candidate::new(path.to_path_buf())),
    }
}
