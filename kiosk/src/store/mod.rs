//! The kiosk's own SQLite store: the offline outbox, the session journal and the service-guide
//! cache.
//!
//! The outbox holds the state changes that must reach central even when central is unreachable
//! (check-ins accepted offline, ratings, questions, journal records, heartbeats). A record is
//! durable when [`Store::enqueue`] returns (WAL journal, `synchronous=FULL`), and leaves the outbox
//! only after central has confirmed it ([`replay`]); a crash at any point costs at most a second
//! delivery of the record in flight, under the same idempotency key, which central deduplicates.
//! Records central refuses for good move to the dead letters, where they are kept, not lost.
//!
//! The journal ([`journal`]) is the append-only, hash-chained record of every session, uploaded
//! to central through the outbox.
//!
//! The cache keeps the catalogue, FAQ and materials so that the service guide works offline.
//!
//! Contracts:
//! - The API is blocking: every call is a short SQLite transaction, and a write waits for the
//!   disk. Async callers run it on `spawn_blocking`; [`Store`] is `Send + Sync`, so it can sit in
//!   an `Arc`. [`replay`] is the one async function; it does its store steps inline (see there).
//! - The store never reads the clock: callers pass the time in, as unix milliseconds (`*_ms`).
//! - Bodies are opaque bytes (JSON for the outbox) and may contain personal data. The store does
//!   not inspect or mask them: whoever enqueues masks first (journal uploads carry no ID
//!   number at all: the journal refuses text that looks like one). The file is created
//!   readable by its owner only.
//! - The store does not panic on what it reads: a row that cannot be decoded is reported as
//!   [`StoreError::CorruptRow`], and an undecodable outbox head is moved to the dead letters so it
//!   cannot block the queue.
//!
//! Needs SQLite 3.24 or newer (the system library).

mod cache;
mod error;
pub mod journal;

/// The store's file name in the kiosk's state folder (`[store] state_dir`).
pub const STORE_FILE: &str = "kiosk.sqlite";

mod outbox;
mod replay;
mod schema;
#[cfg(test)]
mod test_support;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

pub use cache::CachedEntry;
pub use error::StoreError;
pub use journal::{Journal, JournalError};
pub use outbox::{
    DeadLetter, KeyHolder, MAX_BODY_BYTES, MAX_KEY_BYTES, MAX_PATH_BYTES, MAX_REASON_BYTES, Method,
    NewRecord, OutboxKind, OutboxRecord, Seq, UnknownName,
};
pub use replay::{
    Backoff, Deliver, Delivered, DeliveryError, ReplayReport, StopReason, replay,
    replay_with_backoff,
};

/// How long a write waits for another connection's write to finish before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One open store file: the outbox, its dead letters and the cache.
#[derive(Debug)]
pub struct Store {
    /// The connection; every method holds the lock for one short transaction and no longer.
    conn: Mutex<Connection>,
    /// Set while a [`replay`] runs, so a second one on the same store stops instead of racing.
    replaying: AtomicBool,
}

impl Store {
    /// Opens the store file at `path`, creating it (and migrating its schema) if needed.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        create_private(path);
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::WalUnavailable { mode });
        }
        // FULL: in WAL mode a commit then waits for the WAL to reach the disk, so a record is
        // durable (power loss included) when `enqueue` returns.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "trusted_schema", "OFF")?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            replaying: AtomicBool::new(false),
        })
    }

    /// The schema version this build writes (`PRAGMA user_version` of an up-to-date file).
    pub const fn schema_version() -> i64 {
        schema::SCHEMA_VERSION
    }

    /// Frees the page cache this connection holds (`sqlite3_db_release_memory`); SQLite reads
    /// the pages back from the file (or the OS cache) when they are needed again. The cache is
    /// bounded anyway (SQLite's default `cache_size`, 2 MB); this gives it back early, e.g. when
    /// the kiosk goes idle, and lets a measurement tell the store's share of SQLite's memory.
    ///
    /// # Errors
    /// SQLite refused (a busy connection).
    pub fn release_memory(&self) -> Result<(), StoreError> {
        Ok(self.lock().release_memory()?)
    }

    /// Locks the connection; a panic in another holder leaves no open transaction behind
    /// (rusqlite rolls back on drop), so a poisoned lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Creates the file readable and writable by its owner only, if it does not exist yet; SQLite
/// gives the `-wal` and `-shm` files the same permissions.
#[cfg(unix)]
fn create_private(path: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    // Failure is not an error here: SQLite reports a file it cannot open or create.
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
}

/// Leaves the file to SQLite on systems without Unix permissions.
#[cfg(not(unix))]
fn create_private(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::test_support::{TempDir, record};
    use super::*;

    #[test]
    fn release_memory_keeps_the_data() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        store
            .cache_put("faq", Some("\"v1\""), b"[faq]", 10)
            .unwrap();
        store.release_memory().unwrap();
        assert_eq!(store.cache_get("faq").unwrap().unwrap().body, b"[faq]");
    }

    #[test]
    fn open_enables_wal_full_sync_and_the_current_schema() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let conn = store.lock();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous=FULL is 2");
        assert_eq!(fk, 1);
        assert_eq!(version, Store::schema_version());
    }

    #[test]
    fn reopen_after_close_keeps_everything() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        store.enqueue(&record("a", 1)).unwrap();
        store.enqueue(&record("b", 2)).unwrap();
        store
            .cache_put("faq", Some("\"v1\""), b"[faq]", 10)
            .unwrap();
        let before = store.pending(10).unwrap();
        drop(store);

        let store = Store::open(dir.db()).unwrap();
        assert_eq!(store.pending(10).unwrap(), before);
        assert_eq!(store.depth().unwrap(), 2);
        let faq = store.cache_get("faq").unwrap().unwrap();
        assert_eq!(faq.body, b"[faq]");
        assert_eq!(faq.etag.as_deref(), Some("\"v1\""));
        // Sequence numbers keep increasing across a reopen.
        let c = store.enqueue(&record("c", 3)).unwrap();
        assert!(before.iter().all(|r| r.seq < c));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = TempDir::new();
        drop(Store::open(dir.db()).unwrap());
        let conn = Connection::open(dir.db()).unwrap();
        conn.pragma_update(None, "user_version", Store::schema_version() + 1)
            .unwrap();
        drop(conn);
        match Store::open(dir.db()) {
            Err(StoreError::SchemaTooNew { found, supported }) => {
                assert_eq!(found, Store::schema_version() + 1);
                assert_eq!(supported, Store::schema_version());
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        store.enqueue(&record("a", 1)).unwrap();
        let mode = std::fs::metadata(dir.db()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let mut wal = dir.db().into_os_string();
        wal.push("-wal");
        let mode = std::fs::metadata(wal).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn the_store_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Store>();
    }
}
