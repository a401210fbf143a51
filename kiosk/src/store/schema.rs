//! The versioned schema: one migration per version, recorded in `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Migration `i` takes the file from version `i` to version `i + 1`; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    // Version 1: the outbox, its dead letters and the service-guide cache.
    //
    // AUTOINCREMENT keeps sequence numbers from ever being reused, even after the queue drains,
    // so a dead letter keeps the number it had in the outbox without colliding with a later one.
    "CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT    NOT NULL,
        idempotency_key TEXT    NOT NULL UNIQUE,
        method          TEXT    NOT NULL,
        path            TEXT    NOT NULL,
        body            BLOB    NOT NULL,
        created_at      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        next_attempt_at INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE dead_letter (
        seq             INTEGER PRIMARY KEY,
        kind            TEXT    NOT NULL,
        idempotency_key TEXT    NOT NULL,
        method          TEXT    NOT NULL,
        path            TEXT    NOT NULL,
        body            BLOB    NOT NULL,
        created_at      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL,
        reason          TEXT    NOT NULL,
        dead_at         INTEGER NOT NULL
    );
    CREATE INDEX dead_letter_by_key ON dead_letter (idempotency_key);
    CREATE TABLE cache (
        key        TEXT    PRIMARY KEY,
        etag       TEXT,
        body       BLOB    NOT NULL,
        fetched_at INTEGER NOT NULL
    );",
    // Version 2: the session journal (see `journal.rs`).
    super::journal::MIGRATION,
];

/// The schema version this build writes.
pub(super) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the file up to [`SCHEMA_VERSION`], one transaction per migration.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        // Read the version inside the write transaction so two processes opening the same new
        // file cannot both apply a migration.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Ok(index) = usize::try_from(found) else {
            return Err(StoreError::CorruptRow {
                table: "pragma user_version",
                row: found.to_string(),
                detail: "negative schema version".to_owned(),
            });
        };
        let Some(sql) = MIGRATIONS.get(index) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
    }
}
