//! The watched inbox: a folder where a camera or phone sync drops photos. Each file is
//! imported once it has stopped changing (size and modification time stable for
//! [`SETTLE`]), matched to its product by the SKU in its name, then moved to `imported/`
//! (never deleted); a file that fails goes to `failed/` with a `.txt` beside it saying why.
//! Files already there at start are picked up, so nothing is lost across restarts.
//!
//! `notify` wakes the loop as soon as something changes; the folder is also listed on a
//! slow tick, because change events can be dropped (network drives, overflowing queues).

use super::import::{self, Candidate};
use super::ImportTarget;
use crate::error::{Error, Result};
use crate::job::{CancelToken, ItemResult, Job, JobReport, Outcome};
use crate::library::Library;
use crate::Catalog;
use notify::{RecursiveMode, Watcher};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

/// How long a file must stay unchanged before it counts as fully written.
pub const SETTLE: Duration = Duration::from_millis(1500);
/// An empty file may be a placeholder a sync tool fills later; it waits this long instead.
const SETTLE_EMPTY: Duration = Duration::from_secs(30);
const TICK: Duration = Duration::from_millis(250);
const IDLE_TICK: Duration = Duration::from_secs(2);
const IMPORTED: &str = "imported";
const FAILED: &str = "failed";
/// Names that partial downloads and copies carry until they are complete.
const PARTIAL_EXTENSIONS: [&str; 5] = ["part", "partial", "crdownload", "download", "tmp"];

/// Imports every image now in `inbox` (not its sub-folders) and files each one away.
pub fn scan_inbox_once(catalog: &mut Catalog, inbox: &Path, job: &Job) -> Result<JobReport> {
    let inbox = &catalog.library().check_service_folder(inbox, "inbox", false)?;
    prepare_folders(inbox)?;
    let files = inbox_files(inbox)?.into_iter().map(|(path, _)| path).collect();
    import_and_file(catalog, inbox, files, job)
}

/// Watches `inbox` until `cancel` is set, calling `on_report` for every file handled.
/// Blocking: the app runs it on its own thread.
pub fn watch(
    library: &Library,
    inbox: &Path,
    cancel: CancelToken,
    on_report: impl Fn(&ItemResult),
) -> Result<()> {
    let inbox = &library.check_service_folder(inbox, "inbox", false)?;
    prepare_folders(inbox)?;
    let mut catalog = Catalog::open(library)?;
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = sender.send(event);
    })
    .map_err(|e| watch_error(inbox, e))?;
    watcher
        .watch(inbox, RecursiveMode::NonRecursive)
        .map_err(|e| watch_error(inbox, e))?;
    let job = Job::new(cancel.clone(), |_| {});
    let mut seen: HashMap<PathBuf, Settling> = HashMap::new();
    while !cancel.is_cancelled() {
        let ready = settled_files(inbox, &mut seen)?;
        if !ready.is_empty() {
            match import_and_file(&mut catalog, inbox, ready.clone(), &job) {
                Ok(report) => report.items.iter().for_each(&on_report),
                Err(err) => on_report(&ItemResult::refused(inbox.display().to_string(), &err)),
            }
            for path in ready {
                seen.remove(&path);
            }
        }
        let tick = if seen.is_empty() { IDLE_TICK } else { TICK };
        if events.recv_timeout(tick).is_ok() {
            while events.try_recv().is_ok() {}
        }
    }
    Ok(())
}

fn watch_error(inbox: &Path, err: notify::Error) -> Error {
    let source = match err.kind {
        notify::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    };
    Error::io("Can't watch the inbox folder", inbox, source)
}

/// A file's size and modification time, and since when they have stayed so.
struct Settling {
    state: (u64, Option<SystemTime>),
    since: Instant,
}

/// Files whose size and time have not changed for long enough.
fn settled_files(inbox: &Path, seen: &mut HashMap<PathBuf, Settling>) -> Result<Vec<PathBuf>> {
    let now = Instant::now();
    let files = inbox_files(inbox)?;
    seen.retain(|path, _| files.iter().any(|(p, _)| p == path));
    let mut ready = Vec::new();
    for (path, meta) in files {
        let state = (meta.len(), meta.modified().ok());
        let entry = seen.entry(path.clone()).or_insert(Settling { state, since: now });
        if entry.state != state {
            *entry = Settling { state, since: now };
        }
        let settle = if state.0 == 0 { SETTLE_EMPTY } else { SETTLE };
        if now.duration_since(entry.since) >= settle {
            ready.push(path);
        }
    }
    Ok(ready)
}

fn prepare_folders(inbox: &Path) -> Result<()> {
    for name in [IMPORTED, FAILED] {
        let dir = inbox.join(name);
        fs::create_dir_all(&dir).map_err(|e| Error::io("Can't create", &dir, e))?;
    }
    Ok(())
}

/// The files directly in the inbox that may be photos (not hidden, not partial downloads).
fn inbox_files(inbox: &Path) -> Result<Vec<(PathBuf, fs::Metadata)>> {
    let entries = fs::read_dir(inbox).map_err(|e| Error::io("Can't list the inbox folder", inbox, e))?;
    let mut files = Vec::new();
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let partial = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| PARTIAL_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        if name.starts_with('.') || partial {
            continue;
        }
        if let Ok(meta) = fs::metadata(&path) {
            if meta.is_file() {
                files.push((path, meta));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Imports `files` by SKU and moves each to `imported/` or `failed/`.
fn import_and_file(catalog: &mut Catalog, inbox: &Path, files: Vec<PathBuf>, job: &Job) -> Result<JobReport> {
    let root = inbox
        .canonicalize()
        .map_err(|e| Error::io("Can't open the inbox folder", inbox, e))?;
    let candidates: Vec<Candidate> = files.iter().map(|path| confined(&root, path)).collect();
    let by_name: HashMap<String, PathBuf> = candidates
        .iter()
        .map(|c| (c.name.clone(), c.path.clone()))
        .collect();
    let mut report = import::run(
        import::ToLibrary::new(catalog),
        candidates,
        ImportTarget::BySku,
        job,
    )?;
    for item in &mut report.items {
        let Some(path) = by_name.get(&item.name) else {
            continue;
        };
        if let Err(err) = file_away(inbox, path, item) {
            item.message
                .push_str(&format!(" (It could not be moved out of the inbox: {err})"));
        }
    }
    Ok(report)
}

/// A candidate whose link, if it is one, must stay inside the inbox.
fn confined(root: &Path, path: &Path) -> Candidate {
    let mut candidate = Candidate::new(path.to_path_buf());
    let leaves = path
        .canonicalize()
        .map(|real| !real.starts_with(root))
        .unwrap_or(false);
    if leaves {
        candidate.problem = Some(Error::refused(
            "This is a link to a file outside the inbox folder; it was not imported.",
        ));
    }
    candidate
}

fn file_away(inbox: &Path, path: &Path, item: &ItemResult) -> Result<()> {
    let failed = item.outcome == Outcome::Refused;
    let folder = inbox.join(if failed { FAILED } else { IMPORTED });
    let target = free_name(&folder, path);
    fs::rename(path, &target).map_err(|e| Error::io("Can't move", path, e))?;
    if failed {
        let mut note = target.clone().into_os_string();
        note.push(".txt");
        let text = format!(
            "{}\n\nFix the file and put it back in the inbox folder to try again.\n",
            item.message
        );
        fs::write(&note, text).map_err(|e| Error::io("Can't write", PathBuf::from(&note), e))?;
    }
    Ok(())
}

/// `folder/name`, or `folder/stem (2).ext` and so on when that is taken.
fn free_name(folder: &Path, path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "photo".into());
    let target = folder.join(&name);
    if !target.exists() {
        return target;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|n| folder.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(target)
}
