//! The store's error type.

use std::fmt;

use super::outbox::KeyHolder;

/// What went wrong in the store.
///
/// `Sqlite` is SQLite's own error (disk full, I/O error, a corrupt file, the database locked past
/// the busy timeout); the other variants are decisions the store made.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error; the wrapped error says which.
    Sqlite(rusqlite::Error),
    /// The database could not be switched to WAL mode; `mode` is the journal mode it kept.
    WalUnavailable {
        /// The journal mode SQLite reported instead of `wal`.
        mode: String,
    },
    /// The file was written by a newer kiosk whose schema this build does not know.
    SchemaTooNew {
        /// The schema version found in the file (`PRAGMA user_version`).
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// The idempotency key is already in the outbox or in the dead letters; nothing was written.
    DuplicateKey {
        /// The key that was offered again.
        key: String,
        /// The record that already holds the key.
        held_by: KeyHolder,
    },
    /// The record was refused before anything was written: a field breaks a documented limit.
    InvalidRecord {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A stored row could not be decoded into its Rust type (it was reported, not unwrapped).
    CorruptRow {
        /// The table holding the row.
        table: &'static str,
        /// The row's sequence number or key, as text.
        row: String,
        /// What could not be decoded.
        detail: String,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(e) => write!(f, "sqlite: {e}"),
            Self::WalUnavailable { mode } => {
                write!(f, "cannot enable WAL journal mode (got {mode:?})")
            }
            Self::SchemaTooNew { found, supported } => write!(
                f,
                "store schema version {found} is newer than this build supports ({supported})"
            ),
            Self::DuplicateKey { key, held_by } => match held_by {
                KeyHolder::Outbox(seq) => {
                    write!(f, "idempotency key {key:?} already in the outbox as {seq}")
                }
                KeyHolder::DeadLetter(seq) => {
                    write!(
                        f,
                        "idempotency key {key:?} already in the dead letters as {seq}"
                    )
                }
            },
            Self::InvalidRecord { field, problem } => write!(f, "invalid {field}: {problem}"),
            Self::CorruptRow { table, row, detail } => {
                write!(f, "cannot decode {table} row {row}: {detail}")
            }
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sqlite(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}
