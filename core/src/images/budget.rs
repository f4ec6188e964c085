//! One memory budget for decoding photos, shared by every thread of the process: the
//! import's workers (one per core), the viewer's renditions and `repair`. Each decode
//! reserves what the file's header says the decoder will hold, before any pixel is decoded,
//! and waits while others hold the budget. So on a 16-core machine sixteen 40-megapixel
//! PNGs are decoded a few at a time, not all at once, and decoding never holds more than
//! [`DECODE_BUDGET`] whatever the photos. A photo that alone needs more than
//! [`MAX_PER_IMAGE`] is refused from its header.

use crate::error::{Error, Result};
use std::sync::{Condvar, Mutex, MutexGuard};

/// The most memory all decodes in the process hold at once.
pub const DECODE_BUDGET: u64 = 768 * 1024 * 1024;
/// The most memory one decode may hold (a 100 MP RGBA image is 400 MB).
pub const MAX_PER_IMAGE: u64 = 512 * 1024 * 1024;

/// A budget of bytes, shared by the threads that reserve from it.
pub struct Budget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// Bytes held from a [`Budget`]; given back when dropped.
#[must_use = "the bytes are given back as soon as the reservation is dropped"]
pub struct Reservation {
    budget: &'static Budget,
    bytes: u64,
}

impl Budget {
    pub const fn new(total: u64) -> Self {
        Budget {
            total,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn used(&self) -> MutexGuard<'_, u64> {
        // The count is updated in one statement, so a panic elsewhere never leaves it torn.
        self.used.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until `bytes` fit beside what others hold, then holds them. More than the
    /// whole budget is refused.
    pub fn reserve(&'static self, bytes: u64) -> Result<Reservation> {
        if bytes > self.total.min(MAX_PER_IMAGE) {
            return Err(too_much(bytes));
        }
        let mut used = self.used();
        while *used + bytes > self.total {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *used += bytes;
        Ok(Reservation { budget: self, bytes })
    }

    /// Like [`Budget::reserve`] but never waits: `None` while others hold too much.
    pub fn try_reserve(&'static self, bytes: u64) -> Option<Reservation> {
        let mut used = self.used();
        (bytes <= self.total && *used + bytes <= self.total).then(|| {
            *used += bytes;
            Reservation { budget: self, bytes }
        })
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        *self.budget.used() -= self.bytes;
        self.budget.freed.notify_all();
    }
}

static DECODING: Budget = Budget::new(DECODE_BUDGET);

/// Reserves `bytes` of the process's decoding budget (see the module's documentation).
pub fn reserve(bytes: u64) -> Result<Reservation> {
    DECODING.reserve(bytes)
}

fn too_much(bytes: u64) -> Error {
    Error::refused(format!(
        "The image needs {} MB of memory to open (it is very large, or has 16-bit colour); the limit is {} MB. Save a smaller copy and import it again.",
        bytes / 1_000_000,
        MAX_PER_IMAGE / 1_000_000
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_reservation_waits_until_the_budget_has_room() {
        static BUDGET: Budget = Budget::new(100);
        let first = BUDGET.reserve(60).unwrap();
        assert!(
            BUDGET.try_reserve(60).is_none(),
            "60 + 60 is over the budget of 100"
        );
        let (sent, got) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let second = BUDGET.reserve(60).unwrap();
            sent.send(()).unwrap();
            drop(second);
        });
        // Held back while the first holds its 60 (it can only be early if the budget is broken).
        assert!(got.recv_timeout(Duration::from_millis(200)).is_err());
        drop(first);
        got.recv_timeout(Duration::from_secs(10))
            .expect("the second reservation went ahead once the first was given back");
        waiter.join().unwrap();
        assert!(BUDGET.try_reserve(100).is_some(), "everything was given back");
    }

    #[test]
    fn more_than_one_image_may_hold_is_refused() {
        let err = reserve(MAX_PER_IMAGE + 1).err().unwrap();
        assert!(err.to_string().contains("MB of memory"), "{err}");
    }
}
