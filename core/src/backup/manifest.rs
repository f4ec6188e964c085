//! `manifest.json`, the table of contents of a backup: what made it, when, how many rows
//! each table had, and the size and SHA-256 of every other entry. Restore trusts nothing in
//! the archive that the manifest does not vouch for.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MANIFEST_NAME: &str = "manifest.json";
pub const CATALOG_NAME: &str = "catalog.db";
pub const FORMAT: &str = "shelfkeeper-backup";
/// Bumped when the archive layout changes incompatibly; newer formats are refused.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BackupManifest {
    pub format: String,
    pub format_version: u32,
    pub app_version: String,
    /// The catalog schema (`PRAGMA user_version`) of the snapshot.
    pub schema_version: i64,
    /// `YYYY-MM-DDTHH:MM:SS.sssZ`, UTC, when the snapshot was taken.
    pub created_at: String,
    pub row_counts: BTreeMap<String, i64>,
    pub entries: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl BackupManifest {
    pub fn entry(&self, path: &str) -> Option<&ManifestEntry> {
        self.entries.iter().find(|e| e.path == path)
    }

    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }
}

/// Whether `path` is a name a Shelfkeeper backup can hold: `catalog.db`, or
/// `originals/<first two hex>/<sha256>.<ext>` with the folder matching the hash.
pub fn is_expected_path(path: &str) -> bool {
    if path == CATALOG_NAME {
        return true;
    }
    let mut parts = path.split('/');
    let (Some("originals"), Some(folder), Some(file), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some((hash, ext)) = file.split_once('.') else {
        return false;
    };
    crate::library::is_sha256_hex(hash)
        && hash.starts_with(folder)
        && folder.len() == 2
        && (1..=8).contains(&ext.len())
        && ext.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_catalog_and_content_addressed_originals_are_expected() {
        let sha = "ab".repeat(32);
        assert!(is_expected_path("catalog.db"));
        assert!(is_expected_path(&format!("originals/ab/{sha}.jpg")));
        assert!(!is_expected_path(&format!("originals/cd/{sha}.jpg")));
        assert!(!is_expected_path(&format!("originals/ab/{sha}.JPG")));
        assert!(!is_expected_path(&format!("originals/ab/../{sha}.jpg")));
        assert!(!is_expected_path("originals/ab/x.jpg"));
        assert!(!is_expected_path("../catalog.db"));
    }
}
