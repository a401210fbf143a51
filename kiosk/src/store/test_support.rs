//! Test helpers: a fresh store file per test, records to enqueue, a scripted deliverer.

use std::collections::VecDeque;
use std::future::{Future, ready};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{Deliver, Delivered, DeliveryError, Method, NewRecord, OutboxKind, OutboxRecord};

/// A directory of its own under the system temp dir, removed on drop.
pub(super) struct TempDir(PathBuf);

impl TempDir {
    /// Creates a directory whose name is unique to this process and call.
    pub(super) fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kiosk-store-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }

    /// The path of the store file inside it.
    pub(super) fn db(&self) -> PathBuf {
        self.0.join("store.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A rating record with key `key`, stamped `created_at_ms`.
pub(super) fn record(key: &str, created_at_ms: i64) -> NewRecord {
    NewRecord {
        kind: OutboxKind::Rating,
        idempotency_key: key.to_owned(),
        method: Method::Post,
        path: "/v1/ratings".to_owned(),
        body: format!(r#"{{"key":"{key}"}}"#).into_bytes(),
        created_at_ms,
    }
}

/// A deliverer that answers from a script (then confirms everything) and notes every key it saw.
#[derive(Default)]
pub(super) struct Scripted {
    /// The answers still to give, first one next.
    pub(super) script: VecDeque<Result<Delivered, DeliveryError>>,
    /// The keys of every record offered to it, in order.
    pub(super) seen: Vec<String>,
}

impl Scripted {
    /// A deliverer that gives `answers` first.
    pub(super) fn new(answers: impl IntoIterator<Item = Result<Delivered, DeliveryError>>) -> Self {
        Self {
            script: answers.into_iter().collect(),
            seen: Vec::new(),
        }
    }
}

impl Deliver for Scripted {
    fn deliver(
        &mut self,
        record: &OutboxRecord,
    ) -> impl Future<Output = Result<Delivered, DeliveryError>> + Send {
        self.seen.push(record.idempotency_key.clone());
        ready(self.script.pop_front().unwrap_or(Ok(Delivered::Applied)))
    }
}

/// A retryable failure with `reason`.
pub(super) fn retryable(reason: &str) -> Result<Delivered, DeliveryError> {
    Err(DeliveryError::Retryable {
        reason: reason.to_owned(),
        retry_after_ms: None,
    })
}

/// A permanent refusal with `reason`.
pub(super) fn rejected(reason: &str) -> Result<Delivered, DeliveryError> {
    Err(DeliveryError::Rejected {
        reason: reason.to_owned(),
    })
}
