//! Long work as a job: imports, exports, backups, restores and deep checks all report
//! progress through the same type, stop at an item boundary when cancelled, and end with a
//! per-item report, whether the caller is the command line or the window.

use crate::error::{Error, ErrorKind, Result};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Shared flag a caller sets to stop a job; the job checks it between items.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How one item (a file, a CSV row, a backup entry) ended.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemResult {
    /// The file name, `line 12`, or the entry path.
    pub name: String,
    pub outcome: Outcome,
    /// What happened, in words a seller can act on.
    pub message: String,
    /// The error kind when refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ErrorKind>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    /// Done, but the seller should look (a truncated JPEG that still decoded...).
    Warning,
    /// Nothing needed doing (the same photo was already on the product...).
    Skipped,
    Refused,
}

impl ItemResult {
    pub fn done(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Done,
            message: message.into(),
            kind: None,
        }
    }

    pub fn warning(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Warning,
            message: message.into(),
            kind: None,
        }
    }

    pub fn skipped(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Skipped,
            message: message.into(),
            kind: None,
        }
    }

    pub fn refused(name: impl Into<String>, err: &Error) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Refused,
            message: err.to_string(),
            kind: Some(err.kind()),
        }
    }
}

/// A progress report: counts, bytes, the item being worked on and the last item's result.
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub bytes: u64,
    pub current: Option<String>,
    pub last: Option<ItemResult>,
}

/// What a finished (or cancelled) job did, item by item.
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobReport {
    pub items: Vec<ItemResult>,
    pub cancelled: bool,
}

impl JobReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.items.iter().filter(|i| i.outcome == outcome).count()
    }

    pub fn any_refused(&self) -> bool {
        self.count(Outcome::Refused) > 0
    }
}

type ProgressFn<'a> = dyn Fn(&Progress) + Send + Sync + 'a;

/// What a job is given: a way to report progress and a token to notice cancellation.
pub struct Job<'a> {
    pub cancel: CancelToken,
    progress: Box<ProgressFn<'a>>,
}

impl<'a> Job<'a> {
    pub fn new(cancel: CancelToken, progress: impl Fn(&Progress) + Send + Sync + 'a) -> Self {
        Self {
            cancel,
            progress: Box::new(progress),
        }
    }

    /// A job nobody watches (tests, scripts).
    pub fn silent() -> Job<'static> {
        Job {
            cancel: CancelToken::new(),
            progress: Box::new(|_| {}),
        }
    }

    pub fn report(&self, progress: &Progress) {
        (self.progress)(progress);
    }

    /// `Err(Cancelled)` once the caller has asked to stop.
    pub fn check_cancelled(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}
