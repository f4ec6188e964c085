//! Backup, verify and restore: round trips that give back identical tables and originals,
//! every kind of hostile or damaged archive refused with the live library untouched, backups
//! taken under concurrent writes, `kill -9` of a running backup or restore, older and newer
//! schemas, and automatic backups with their retention.

use crate::transfer::*;
use crate::util::*;
use shelf_core::backup::{self, ArchiveLimits, RetentionPolicy};
use shelf_core::catalog::products::ProductFields;
use shelf_core::job::Job;
use shelf_core::{Catalog, ErrorKind, Library};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn take_backup(lib: &TestLibrary, name: &str) -> PathBuf {
    let out = lib.dir.path().join(name);
    drop(lib.catalog()); // created and migrated
    backup::create(&lib.library, &out, &Job::silent()).unwrap();
    out
}

/// Everything in the library folder and in its parent folder, to prove nothing changed.
fn whole_state(lib: &TestLibrary) -> (BTreeMap<PathBuf, Vec<u8>>, Vec<String>) {
    let mut siblings: Vec<String> = std::fs::read_dir(lib.root().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    siblings.sort();
    (files_under(lib.root()), siblings)
}

#[test]
fn backup_then_restore_gives_identical_tables_and_originals() {
    for shape in [Shape::Empty, Shape::UnicodeHeavy, Shape::ManyImages] {
        let (lib, _) = library_with(shape);
        let tables = dump_tables(&lib.db_path());
        let originals = files_under(&lib.library.originals_dir());
        let file = take_backup(&lib, "backup.zip");
        let manifest = backup::verify(&file, &Job::silent()).unwrap();
        assert_eq!(manifest.entries.len(), originals.len() + 1, "{shape:?}");

        // The seller keeps working, then restores.
        let mut catalog = lib.catalog();
        catalog
            .create_product(&product("AFTER", "Made after the backup", 5))
            .unwrap();
        drop(catalog);
        let summary = backup::restore(&lib.library, &file, &Job::silent()).unwrap();
        assert_eq!(dump_tables(&lib.db_path()), tables, "{shape:?}");
        assert_eq!(files_under(&lib.library.originals_dir()), originals);
        assert!(
            summary.previous_library.join("catalog.db").is_file(),
            "the replaced library is kept"
        );
        assert!(summary
            .previous_library
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains("pre-restore-"));
        let catalog = lib.catalog();
        assert!(catalog.check().unwrap().is_clean());
    }
}

#[test]
fn photos_are_stored_and_the_catalog_is_deflated() {
    let (lib, _) = library_with(Shape::ManyImages);
    let file = take_backup(&lib, "backup.zip");
    let mut archive = ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        let expected = if entry.name().unwrap().ends_with(".jpg") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        assert_eq!(entry.compression(), expected, "{}", entry.name().unwrap());
    }
    let manifest: serde_json::Value = {
        let mut text = String::new();
        archive
            .by_name("manifest.json")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        serde_json::from_str(&text).unwrap()
    };
    assert_eq!(manifest["format"], "shelfkeeper-backup");
    assert_eq!(manifest["row_counts"]["products"], 6);
    assert!(manifest["created_at"].as_str().unwrap().ends_with('Z'));
}

/// One entry of a hand-built archive.
struct Entry {
    name: String,
    bytes: Vec<u8>,
    external_attributes: Option<u32>,
    symlink: bool,
    method: CompressionMethod,
}

fn entries_of(file: &Path) -> (Vec<Entry>, serde_json::Value) {
    let mut archive = ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut entries = Vec::new();
    let mut manifest = serde_json::Value::Null;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let name = entry.name().unwrap().into_owned();
        if name == "manifest.json" {
            manifest = serde_json::from_slice(&bytes).unwrap();
        } else {
            entries.push(Entry {
                name,
                bytes,
                external_attributes: None,
                symlink: false,
                method: CompressionMethod::Stored,
            });
        }
    }
    (entries, manifest)
}

fn write_archive(path: &Path, entries: &[Entry], manifest: &serde_json::Value) {
    let mut zip = ZipWriter::new(std::fs::File::create(path).unwrap());
    for e in entries {
        let mut options = SimpleFileOptions::default().compression_method(e.method);
        if e.symlink {
            zip.add_symlink(e.name.as_str(), String::from_utf8_lossy(&e.bytes), options)
                .unwrap();
            continue;
        }
        if let Some(attrs) = e.external_attributes {
            options = options.external_attributes(attrs);
        }
        zip.start_file(e.name.as_str(), options).unwrap();
        zip.write_all(&e.bytes).unwrap();
    }
    zip.start_file("manifest.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&serde_json::to_vec(manifest).unwrap()).unwrap();
    zip.finish().unwrap();
}

fn list_in_manifest(manifest: &mut serde_json::Value, name: &str, bytes: &[u8]) {
    manifest["entries"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"path": name, "size": bytes.len(), "sha256": sha256_hex(bytes)}));
}

fn extra(name: &str, bytes: &[u8]) -> Entry {
    Entry {
        name: name.into(),
        bytes: bytes.to_vec(),
        external_attributes: None,
        symlink: false,
        method: CompressionMethod::Stored,
    }
}

type Tamper = fn(&mut Vec<Entry>, &mut serde_json::Value);

/// Every hostile or damaged archive, as (what it is, how to make it from a good backup,
/// words the refusal must contain).
fn hostile_cases() -> Vec<(&'static str, Tamper, &'static str)> {
    vec![
        (
            "dot-dot name",
            |e, m| {
                e.push(extra("../escaped.txt", b"x"));
                list_in_manifest(m, "../escaped.txt", b"x");
            },
            "leaves its folder",
        ),
        (
            "nested dot-dot",
            |e, _| e[0].name = "originals/../../catalog.db".into(),
            "leaves its folder",
        ),
        (
            "absolute name",
            |e, _| e.push(extra("/tmp/shelf-evil.txt", b"x")),
            "absolute",
        ),
        (
            "windows name",
            |e, _| e.push(extra("C:\\evil.txt", b"x")),
            "absolute",
        ),
        (
            "symlink",
            |e, _| {
                let original = e.iter().position(|x| x.name.starts_with("originals/")).unwrap();
                e[original].symlink = true;
                e[original].bytes = b"/etc/passwd".to_vec();
            },
            "symbolic link",
        ),
        (
            "hard link or device (special file type)",
            |e, _| {
                let original = e.iter().position(|x| x.name.starts_with("originals/")).unwrap();
                e[original].external_attributes = Some(0o010644 << 16);
            },
            "not a regular file",
        ),
        (
            "names equal after case folding",
            |e, _| e.push(extra("CATALOG.DB", b"x")),
            "case and Unicode",
        ),
        (
            "names equal after NFC",
            |e, _| {
                e.push(extra("notes/cafe\u{301}.txt", b"x"));
                e.push(extra("notes/caf\u{e9}.txt", b"y"));
            },
            "case and Unicode",
        ),
        (
            "entry not in the manifest",
            |e, _| {
                let sha = "ab".repeat(32);
                e.push(extra(&format!("originals/ab/{sha}.jpg"), b"unlisted"));
            },
            "not listed in its manifest",
        ),
        (
            "manifest entry missing",
            |e, _| {
                let original = e.iter().position(|x| x.name.starts_with("originals/")).unwrap();
                e.remove(original);
            },
            "is missing",
        ),
        (
            "size disagrees",
            |_, m| {
                let entry = &mut m["entries"][1];
                entry["size"] = serde_json::json!(entry["size"].as_u64().unwrap() + 1);
            },
            "manifest says",
        ),
        (
            "hash disagrees",
            |e, _| {
                let original = e.iter().position(|x| x.name.starts_with("originals/")).unwrap();
                let last = e[original].bytes.len() - 3;
                e[original].bytes[last] ^= 0xFF;
            },
            "SHA-256",
        ),
        (
            "zip bomb",
            |e, m| {
                let zeros = vec![0u8; 64 << 20];
                let sha = sha256_hex(&zeros);
                let name = format!("originals/{}/{sha}.tif", &sha[..2]);
                list_in_manifest(m, &name, &zeros);
                e.push(Entry {
                    name,
                    bytes: zeros,
                    external_attributes: None,
                    symlink: false,
                    method: CompressionMethod::Deflated,
                });
            },
            "zip bomb",
        ),
        (
            "newer app",
            |_, m| m["schema_version"] = serde_json::json!(999),
            "newer Shelfkeeper",
        ),
        (
            "newer format",
            |_, m| m["format_version"] = serde_json::json!(99),
            "newer Shelfkeeper",
        ),
        (
            "not our manifest",
            |_, m| m["format"] = serde_json::json!("something-else"),
            "not a Shelfkeeper",
        ),
        (
            "damaged snapshot with a matching hash",
            |e, m| {
                let db = e.iter().position(|x| x.name == "catalog.db").unwrap();
                let len = e[db].bytes.len();
                for b in &mut e[db].bytes[len / 2..len / 2 + 4096] {
                    *b = 0x5A;
                }
                let fixed = sha256_hex(&e[db].bytes);
                for entry in m["entries"].as_array_mut().unwrap() {
                    if entry["path"] == "catalog.db" {
                        entry["sha256"] = serde_json::json!(fixed);
                    }
                }
            },
            "damaged",
        ),
    ]
}

#[test]
fn hostile_and_damaged_archives_are_refused_before_the_library_changes() {
    let (lib, _) = library_with(Shape::ManyImages);
    let good = take_backup(&lib, "good.zip");
    let crafted_dir = tempfile::tempdir().unwrap();
    let before = whole_state(&lib);
    for (what, tamper, words) in hostile_cases() {
        let (mut entries, mut manifest) = entries_of(&good);
        tamper(&mut entries, &mut manifest);
        let bad = crafted_dir.path().join(format!("{}.zip", what.replace(' ', "-")));
        write_archive(&bad, &entries, &manifest);
        let err = backup::restore(&lib.library, &bad, &Job::silent()).expect_err(what);
        assert!(err.to_string().contains(words), "{what}: {err}");
        assert!(
            matches!(err.kind(), ErrorKind::Damaged | ErrorKind::Refused),
            "{what}: {:?}",
            err.kind()
        );
        assert!(
            backup::verify(&bad, &Job::silent()).is_err(),
            "{what}: verify must refuse too"
        );
        assert_eq!(
            whole_state(&lib),
            before,
            "{what}: the live library and its folder must be unchanged"
        );
        assert!(
            !Path::new("/tmp/shelf-evil.txt").exists()
                && !lib.root().parent().unwrap().join("escaped.txt").exists()
        );

        let cli = lib.shelf(&["restore", bad.to_str().unwrap()]);
        assert_eq!(cli.status.code(), Some(2), "{what}");
        assert!(stderr(&cli).contains(words), "{what}: {}", stderr(&cli));
        assert_eq!(whole_state(&lib), before, "{what} (command line)");
    }
    // Not a zip at all, and too many entries for the caps.
    let junk = crafted_dir.path().join("junk.zip");
    std::fs::write(&junk, b"PK\x03\x04 not really").unwrap();
    assert!(backup::restore(&lib.library, &junk, &Job::silent()).is_err());
    let tight = ArchiveLimits {
        max_entries: 3,
        ..ArchiveLimits::default()
    };
    let err = backup::restore_with_limits(&lib.library, &good, &tight, &Job::silent()).unwrap_err();
    assert!(err.to_string().contains("entries"), "{err}");
    assert_eq!(whole_state(&lib), before);
    // The good one still restores.
    backup::restore(&lib.library, &good, &Job::silent()).unwrap();
}

#[test]
fn a_backup_taken_while_another_thread_writes_restores_consistently() {
    let lib = TestLibrary::new();
    // The app's own connection, open before the writer starts (opening may write).
    let app = lib.catalog();
    let library = lib.library.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_writer = stop.clone();
    let writer = std::thread::spawn(move || {
        let mut catalog = Catalog::open(&library).unwrap();
        let mut n = 0;
        while !stop_writer.load(std::sync::atomic::Ordering::Relaxed) {
            let fields = ProductFields {
                sku: format!("W-{n}"),
                name: format!("Written during backup {n}"),
                price_minor: n,
                tags: vec!["one".into(), "two".into()],
                ..ProductFields::default()
            };
            catalog.create_product(&fields).unwrap();
            n += 1;
            // A busy seller, not a tight loop that would starve every other connection.
            std::thread::sleep(Duration::from_micros(500));
        }
        n
    });
    std::thread::sleep(Duration::from_millis(200));
    let mut files = Vec::new();
    for i in 0..3 {
        let out = lib.dir.path().join(format!("busy-{i}.zip"));
        backup::create(app.library(), &out, &Job::silent()).unwrap();
        files.push(out);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    for file in files {
        let target = TestLibrary::new();
        backup::restore(&target.library, &file, &Job::silent()).unwrap();
        let catalog = target.catalog();
        assert!(catalog.check().unwrap().is_clean());
        let products: i64 = catalog
            .conn()
            .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
            .unwrap();
        let tags: i64 = catalog
            .conn()
            .query_row("SELECT count(*) FROM product_tags", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            tags,
            2 * products,
            "every product came with both its tags: one moment, not a mix"
        );
        let audits: i64 = catalog
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE table_name = 'products' AND action = 'insert'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audits, products);
    }
}

/// A library big enough that backup and restore take a little while.
fn library_with_many_originals(count: usize) -> TestLibrary {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    for i in 0..20 {
        catalog
            .create_product(&product(&format!("P-{i}"), &format!("Product {i}"), 100 + i))
            .unwrap();
    }
    drop(catalog);
    #[allow(clippy::disallowed_methods)]
    let conn = rusqlite::Connection::open(lib.db_path()).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON; BEGIN").unwrap();
    for i in 0..count {
        let sha = add_original_sized(&conn, &lib.library, &format!("P-{}", i % 20), i, 150_000);
        assert_eq!(sha.len(), 64);
    }
    conn.execute_batch("COMMIT").unwrap();
    lib
}

fn add_original_sized(
    conn: &rusqlite::Connection,
    library: &Library,
    sku: &str,
    i: usize,
    size: usize,
) -> String {
    let bytes = photo_bytes(&format!("big-{i}"), size);
    let sha = sha256_hex(&bytes);
    let path = library.original_path(&sha, "jpg").unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    conn.execute(
        "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) VALUES (?1, ?2, 'image/jpeg', 800, 600, 'x.jpg')",
        (&sha, bytes.len() as i64),
    )
    .unwrap();
    conn.execute(
        "INSERT INTO product_images (product_id, sha256, position) SELECT id, ?2, ?3 FROM products WHERE sku = ?1",
        (sku, &sha, i as i64),
    )
    .unwrap();
    sha
}

#[test]
fn kill_9_during_backup_leaves_the_live_catalog_unchanged() {
    let lib = library_with_many_originals(300);
    let before = lib.catalog_bytes();
    let originals = files_under(&lib.library.originals_dir());
    let out = lib.dir.path().join("killed.zip");
    for delay in [30, 120, 300] {
        let mut child = spawn_shelf(lib.root(), &["backup", "--out", out.to_str().unwrap()]);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(lib.catalog_bytes(), before, "killed after {delay} ms");
        assert_eq!(files_under(&lib.library.originals_dir()), originals);
        if out.exists() {
            // Only a finished, verified backup ever gets the final name.
            backup::verify(&out, &Job::silent()).unwrap();
            std::fs::remove_file(&out).unwrap();
        }
    }
    let done = lib.shelf(&["backup", "--out", out.to_str().unwrap()]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(lib
        .shelf(&["verify-backup", out.to_str().unwrap()])
        .status
        .success());
}

#[test]
fn kill_9_during_restore_leaves_either_the_old_or_the_new_library() {
    let source = library_with_many_originals(60);
    let file = source.dir.path().join("new.zip");
    assert!(source
        .shelf(&["backup", "--out", file.to_str().unwrap()])
        .status
        .success());
    let new_tables = dump_tables(&source.db_path());
    // How long one whole restore takes here, to kill at points spread across it.
    let (timing, _) = library_with(Shape::Plain(3));
    let started = std::time::Instant::now();
    assert!(timing
        .shelf(&["restore", file.to_str().unwrap()])
        .status
        .success());
    let whole = started.elapsed();
    let mut seen = (0, 0);
    for percent in [2, 10, 25, 40, 55, 70, 85, 95, 100, 110, 0] {
        let (lib, _) = library_with(Shape::Plain(3));
        let old_tables = dump_tables(&lib.db_path());
        let root = lib.root().to_path_buf();
        let mut child = spawn_shelf(&root, &["restore", file.to_str().unwrap()]);
        if percent > 0 {
            std::thread::sleep(whole * percent / 100);
            let _ = child.kill();
        }
        child.wait().unwrap();
        // Opening the library finishes a swap cut between its two renames, as the app and
        // `shelf` open it (`Library::create_at` alone would make an empty folder there).
        let library = Library::locate(Some(root.clone())).unwrap();
        let now = dump_tables(&library.catalog_path());
        if now == old_tables {
            seen.0 += 1;
        } else {
            assert_eq!(
                now, new_tables,
                "killed at {percent}%: neither the old nor the new library"
            );
            assert_eq!(
                files_under(&library.originals_dir()),
                files_under(&source.library.originals_dir())
            );
            seen.1 += 1;
        }
        assert!(Catalog::open(&library).unwrap().check().unwrap().is_clean());
    }
    assert!(seen.0 > 0 && seen.1 > 0, "both outcomes should occur: {seen:?}");
}

#[test]
fn an_interrupted_swap_is_finished_when_the_library_is_opened() {
    let (lib, _) = library_with(Shape::Plain(2));
    let file = take_backup(&lib, "b.zip");
    let tables = dump_tables(&lib.db_path());
    // Restore into a scratch library, then simulate the crash between the two renames.
    let scratch = TestLibrary::new();
    backup::restore(&scratch.library, &file, &Job::silent()).unwrap();
    let root = scratch.root().to_path_buf();
    let staging = root.parent().unwrap().join(format!(
        ".{}.restore-20990101T000000Z",
        root.file_name().unwrap().to_str().unwrap()
    ));
    std::fs::rename(&root, &staging).unwrap();
    std::fs::write(staging.join(".restore-ready"), b"").unwrap();
    let reopened = Library::locate(Some(root.clone())).unwrap();
    assert_eq!(dump_tables(&reopened.catalog_path()), tables);
    assert!(!staging.exists());
    // A staging folder that was never marked ready is not used.
    let half = TestLibrary::new();
    let half_root = half.root().to_path_buf();
    let unready = half_root.parent().unwrap().join(format!(
        ".{}.restore-x",
        half_root.file_name().unwrap().to_str().unwrap()
    ));
    std::fs::create_dir(&unready).unwrap();
    std::fs::remove_dir_all(&half_root).unwrap();
    let fresh = Library::locate(Some(half_root.clone())).unwrap();
    assert!(unready.exists());
    assert!(!fresh.catalog_path().exists());
}

#[test]
fn a_backup_from_an_older_schema_is_migrated_after_restore() {
    let old = TestLibrary::new();
    let (catalog, _) = Catalog::open_at_version(&old.library, 1).unwrap();
    let file = old.dir.path().join("v1.zip");
    let manifest = backup::create(catalog.library(), &file, &Job::silent()).unwrap();
    assert_eq!(manifest.schema_version, 1);
    drop(catalog);
    let lib = TestLibrary::new();
    let summary = backup::restore(&lib.library, &file, &Job::silent()).unwrap();
    assert_eq!(summary.migrated_from, Some(1));
    let version: i64 = lib
        .plain_connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, shelf_core::migrations::latest_version());
}

#[test]
fn automatic_backups_run_when_something_changed_and_keep_the_policy() {
    let (lib, _) = library_with(Shape::Plain(2));
    let folder = lib.dir.path().join("auto");
    let policy = RetentionPolicy { daily: 1, weekly: 0 };
    let mut catalog = lib.catalog();
    let first = backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).unwrap();
    assert!(first.created.is_some());
    let again = backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).unwrap();
    assert!(again.created.is_none(), "nothing changed, so no new backup");
    catalog.create_product(&product("NEW", "New", 1)).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let third = backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).unwrap();
    let made = third.created.unwrap();
    assert_eq!(
        third.deleted.len(),
        1,
        "one daily backup is kept: the older one of today goes"
    );
    assert_eq!(third.kept, vec![made.path.clone()]);
    std::fs::write(folder.join("not-ours.zip"), b"keep me").unwrap();
    catalog.create_product(&product("NEW2", "New 2", 1)).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).unwrap();
    assert!(
        folder.join("not-ours.zip").exists(),
        "files that aren't our backups are never deleted"
    );
    // Failures are returned, not swallowed.
    let blocked = lib.dir.path().join("a-file");
    std::fs::write(&blocked, b"").unwrap();
    assert!(backup::run_scheduled(&catalog, &blocked, &policy, &Job::silent()).is_err());
}

/// Settings can come from anywhere (another SQLite tool, a restored backup): each service
/// checks its folder when it starts. An inbox or backup folder that is the library, inside
/// it, holding it, or not a full path is refused by name, and nothing in the library moves.
#[test]
fn services_refuse_folders_that_would_turn_them_against_the_library() {
    use shelf_core::images::inbox;
    let (lib, _) = library_with(Shape::Plain(2));
    let root = lib.library.root().to_path_buf();
    let before = lib.catalog_bytes();
    let policy = RetentionPolicy { daily: 1, weekly: 0 };
    let catalog = lib.catalog();
    for (folder, why) in [
        (root.clone(), "the library folder"),
        (root.join("originals"), "inside it"),
        (root.parent().unwrap().to_path_buf(), "holds the library"),
        (PathBuf::from("relative/folder"), "not a full path"),
    ] {
        let err = backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused, "{folder:?}: {err}");
        assert!(err.to_string().contains(why), "{folder:?}: {err}");
        let mut writer = lib.catalog();
        let err = inbox::scan_inbox_once(&mut writer, &folder, &Job::silent()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused, "{folder:?}: {err}");
    }
    drop(catalog);
    assert!(root.join("catalog.db").is_file(), "the catalog stays where it is");
    assert!(!root.join("failed").exists() && !root.join("imported").exists());
    assert!(lib.catalog_bytes() == before, "nothing in the catalog changed");
}

/// An automatic backup that lacks photos (their files gone from the library) is a failure
/// the seller hears of, set aside, and never rotates out the complete backups before it.
#[test]
fn an_automatic_backup_missing_photos_fails_and_prunes_nothing() {
    let (lib, _) = library_with(Shape::ManyImages);
    let folder = lib.dir.path().join("auto");
    let policy = RetentionPolicy { daily: 1, weekly: 0 };
    let mut catalog = lib.catalog();
    let good = backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).unwrap();
    let good = good.created.unwrap().path;
    // One original disappears behind the app's back.
    let gone = walk_files(&lib.library.originals_dir())
        .into_iter()
        .next()
        .unwrap();
    std::fs::remove_file(&gone).unwrap();
    catalog.create_product(&product("NEW-1", "New", 1)).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let err = backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Damaged, "{err}");
    assert!(err.to_string().contains("missing 1 photo"), "{err}");
    assert!(good.exists(), "the complete backup is kept");
    let aside: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip.incomplete"))
        .collect();
    assert_eq!(aside.len(), 1, "the incomplete backup is set aside, not counted");
    // Still failing next time, not silently skipped as "nothing changed".
    assert!(backup::run_scheduled(&catalog, &folder, &policy, &Job::silent()).is_err());
}

/// Two entries pointing at the same bytes of the file (an overlapping zip, the trick of the
/// small archive that unpacks to terabytes) are refused before anything is unpacked.
#[test]
fn an_archive_whose_entries_share_bytes_is_refused() {
    let (lib, _) = library_with(Shape::Plain(2));
    let good = take_backup(&lib, "good.zip");
    let mut bytes = std::fs::read(&good).unwrap();
    // The central directory's second entry is made to point at the first entry's data.
    let central: Vec<usize> = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == [0x50, 0x4b, 0x01, 0x02])
        .map(|(i, _)| i)
        .collect();
    assert!(central.len() >= 2);
    let first_offset = bytes[central[0] + 42..central[0] + 46].to_vec();
    bytes[central[1] + 42..central[1] + 46].copy_from_slice(&first_offset);
    let bad = lib.dir.path().join("overlapping.zip");
    std::fs::write(&bad, &bytes).unwrap();
    let before = whole_state(&lib);
    let err = backup::restore(&lib.library, &bad, &Job::silent()).unwrap_err();
    assert!(err.to_string().contains("share bytes"), "{err}");
    assert_eq!(whole_state(&lib), before);
}

/// A backup whose catalog carries a schema the app never made (here an extra trigger, the
/// way a hostile backup would bring its own rules) is refused by name before the swap.
#[test]
fn a_backup_whose_catalog_schema_was_tampered_with_is_refused_by_name() {
    let (lib, _) = library_with(Shape::Plain(2));
    let good = take_backup(&lib, "good.zip");
    let (mut entries, mut manifest) = entries_of(&good);
    let at = entries.iter().position(|e| e.name == "catalog.db").unwrap();
    let scratch = lib.dir.path().join("tamper.db");
    std::fs::write(&scratch, &entries[at].bytes).unwrap();
    {
        #[allow(clippy::disallowed_methods)] // the outside tool that tampers with the file
        let conn = rusqlite::Connection::open(&scratch).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = DELETE;
             CREATE TRIGGER steal AFTER INSERT ON products BEGIN SELECT 1; END;",
        )
        .unwrap();
    }
    let bytes = std::fs::read(&scratch).unwrap();
    for listed in manifest["entries"].as_array_mut().unwrap() {
        if listed["path"] == "catalog.db" {
            listed["size"] = bytes.len().into();
            listed["sha256"] = sha256_hex(&bytes).into();
        }
    }
    entries[at].bytes = bytes;
    let bad = lib.dir.path().join("tampered.zip");
    write_archive(&bad, &entries, &manifest);
    let before = whole_state(&lib);
    let err = backup::restore(&lib.library, &bad, &Job::silent()).unwrap_err();
    assert!(err.to_string().contains("an extra trigger steal"), "{err}");
    assert_eq!(whole_state(&lib), before);
}

/// `shelf auto-backup` runs the app's automatic-backup policy from the command line: set,
/// run (a backup when something changed), run again (nothing changed), and a folder that
/// would turn the service against the library refused.
#[test]
fn shelf_auto_backup_runs_the_same_policy_as_the_app() {
    let (lib, _) = library_with(Shape::Plain(2));
    let folder = lib.dir.path().join("auto");
    let set = lib.shelf(&[
        "auto-backup",
        "set",
        "--folder",
        folder.to_str().unwrap(),
        "--daily",
        "2",
    ]);
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let first = lib.shelf(&["auto-backup", "run"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("Automatic backup saved to"),
        "{}",
        stdout(&first)
    );
    let again = lib.shelf(&["auto-backup", "run"]);
    assert!(stdout(&again).contains("nothing changed"), "{}", stdout(&again));
    let inside = lib.shelf(&[
        "auto-backup",
        "set",
        "--folder",
        lib.library.root().to_str().unwrap(),
    ]);
    assert_eq!(inside.status.code(), Some(2), "{}", stdout(&inside));
    assert!(stderr(&inside).contains("library folder"), "{}", stderr(&inside));
    let bad = lib.shelf(&[
        "auto-backup",
        "set",
        "--folder",
        folder.to_str().unwrap(),
        "--every-hours",
        "0",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}
