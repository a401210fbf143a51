//! The simulator's SQLite database: the schema, one connection behind a mutex used from
//! blocking threads, and the idempotency store.
//!
//! Idempotency (contract: `api/src/spec.rs`, description): a state-changing request carries an
//! `idempotency-key`. The first successful answer is stored under (kiosk id, key) with the
//! SHA-256 of method, path and body, in the same transaction as the request's effect, so a crash
//! cannot keep one without the other. A repeat with the same request gets the stored answer
//! byte for byte and changes nothing; a repeat with a different request is refused
//! `idempotency_conflict`. Refusals are not stored: a refused request changed nothing, so its
//! repeat is judged afresh (a `too_early` check-in retried with the same key succeeds once the
//! window opens).

use super::error::ApiError;
use super::faults::BEIJING;
use super::seed::{SeedData, document_type_code};
use axum::http::StatusCode;
use central_api::domain::RecordStatus;
use central_api::dto::{ErrorCode, Priority};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use time::OffsetDateTime;

/// The schema. Times are unix milliseconds; structured records (units, stages) are the
/// contract's own JSON, so the simulator cannot drift from it.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    id_number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    english_name TEXT,
    document_type TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    face_mismatch INTEGER NOT NULL DEFAULT 0,
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS units (
    unit_code TEXT PRIMARY KEY,
    residential INTEGER NOT NULL,
    current INTEGER NOT NULL,
    unit_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS holdings (
    unit_code TEXT NOT NULL,
    id_number TEXT NOT NULL,
    PRIMARY KEY (unit_code, id_number)
);
CREATE INDEX IF NOT EXISTS holdings_by_person ON holdings (id_number);
CREATE TABLE IF NOT EXISTS verifications (
    verification_id TEXT PRIMARY KEY,
    id_number TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS certificates (
    verification_code TEXT PRIMARY KEY,
    query_number TEXT NOT NULL UNIQUE,
    issued_ms INTEGER NOT NULL,
    units INTEGER NOT NULL,
    requester TEXT NOT NULL,
    purpose TEXT NOT NULL,
    kiosk_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS services (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    average_minutes INTEGER NOT NULL,
    windows INTEGER NOT NULL,
    first_window INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS appointments (
    appointment_id TEXT PRIMARY KEY,
    booking_code TEXT NOT NULL UNIQUE,
    id_number TEXT NOT NULL,
    service_code TEXT NOT NULL,
    slot_start_ms INTEGER NOT NULL,
    slot_end_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    ticket_number TEXT,
    checked_in_ms INTEGER,
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS appointments_by_person ON appointments (id_number);
CREATE TABLE IF NOT EXISTS tickets (
    day TEXT NOT NULL,
    service_code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ticket_number TEXT NOT NULL,
    priority TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    issued_ms INTEGER NOT NULL,
    window TEXT,
    PRIMARY KEY (day, service_code, seq)
);
CREATE TABLE IF NOT EXISTS cases (
    case_number TEXT PRIMARY KEY,
    id_number TEXT NOT NULL,
    business_type TEXT NOT NULL,
    status TEXT NOT NULL,
    residential INTEGER NOT NULL,
    extra_books INTEGER NOT NULL,
    paid INTEGER NOT NULL,
    pickup_method TEXT,
    pickup_window TEXT,
    courier_json TEXT,
    rated INTEGER NOT NULL DEFAULT 0,
    stages_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
    order_id TEXT PRIMARY KEY,
    case_number TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    state TEXT NOT NULL,
    queries INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
    question_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    text TEXT NOT NULL,
    phone TEXT NOT NULL,
    topic_code TEXT,
    asked_at TEXT NOT NULL,
    received_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    rating_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    level TEXT NOT NULL,
    reasons TEXT NOT NULL,
    comment TEXT,
    rated_at TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    UNIQUE (target_kind, target)
);
CREATE TABLE IF NOT EXISTS heartbeats (
    kiosk_id TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    body_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS journal (
    kiosk_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    record_json TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, seq)
);
CREATE TABLE IF NOT EXISTS idempotency (
    kiosk_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, key)
);
";

/// The database: one connection, used under a mutex from blocking threads.
#[derive(Debug, Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

/// A stored or fresh answer to a state-changing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body.
    pub body: Vec<u8>,
    /// Whether it came from the idempotency store.
    pub replayed: bool,
}

/// The identity of a state-changing request for the idempotency store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentRequest {
    /// The signing kiosk.
    pub kiosk_id: String,
    /// The `idempotency-key` header.
    pub key: String,
    /// SHA-256 over method, path with query, and body, hex.
    pub request_hash: String,
}

impl IdempotentRequest {
    /// Hashes the request as received.
    pub fn new(kiosk_id: &str, key: &str, method: &str, path_and_query: &str, body: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(method.as_bytes());
        hasher.update(b"\n");
        hasher.update(path_and_query.as_bytes());
        hasher.update(b"\n");
        hasher.update(body);
        IdempotentRequest {
            kiosk_id: kiosk_id.to_owned(),
            key: key.to_owned(),
            request_hash: hex::encode(hasher.finalize()),
        }
    }
}

impl Db {
    /// Opens (creating if needed) the database file, or an in-memory one for `None`, and
    /// creates the schema.
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Db> {
        let conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                // WAL: readers (an operator's sqlite3 shell) do not block the simulator.
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` in one immediate transaction on a blocking thread; commits on `Ok`, rolls
    /// back on `Err`.
    pub async fn transaction<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, ApiError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs `work` in one immediate transaction for setting up (seeding, script commands).
    pub async fn setup<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> anyhow::Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await?
    }

    /// Runs a state-changing request once per idempotency key: replays a stored answer, refuses
    /// a key reused for another request, or runs `work` and stores its successful answer with
    /// its effect.
    pub async fn idempotent<F>(
        &self,
        request: IdempotentRequest,
        now_ms: i64,
        work: F,
    ) -> Result<Answer, ApiError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<(StatusCode, Vec<u8>), ApiError> + Send + 'static,
    {
        self.transaction(move |tx| {
            let stored: Option<(String, u16, Vec<u8>)> = tx
                .query_row(
                    "SELECT request_hash, status, body FROM idempotency
                     WHERE kiosk_id = ?1 AND key = ?2",
                    params![request.kiosk_id, request.key],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            if let Some((hash, status, body)) = stored {
                if hash != request.request_hash {
                    return Err(ApiError::conflict(
                        ErrorCode::IdempotencyConflict,
                        "idempotency key already used for a different request",
                        "请求标识重复，请重新操作",
                    ));
                }
                let status = StatusCode::from_u16(status).map_err(ApiError::internal)?;
                return Ok(Answer {
                    status,
                    body,
                    replayed: true,
                });
            }
            let (status, body) = work(tx)?;
            tx.execute(
                "INSERT INTO idempotency (kiosk_id, key, request_hash, status, body, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    request.kiosk_id,
                    request.key,
                    request.request_hash,
                    status.as_u16(),
                    body,
                    now_ms
                ],
            )?;
            Ok(Answer {
                status,
                body,
                replayed: false,
            })
        })
        .await
    }
}

/// The next value of a named counter, starting at 1 (ids, query numbers, ticket series).
pub fn next_counter(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<i64> {
    tx.query_row(
        "INSERT INTO counters (name, value) VALUES (?1, 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1
         RETURNING value",
        params![name],
        |row| row.get(0),
    )
}

/// A value of the meta table.
pub fn meta(tx: &Transaction<'_>, key: &str) -> rusqlite::Result<Option<String>> {
    tx.query_row(
        "SELECT value FROM meta WHERE key = ?1",
        params![key],
        |row| row.get(0),
    )
    .optional()
}

/// Sets a value of the meta table.
pub fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Puts the seeded registry into the database.
///
/// A new database gets everything. A database seeded before with the same seed keeps its state
/// (cases, payments, tickets, ratings...) and only gets the seeded appointments moved to today
/// and, if today has no tickets yet, the morning's queue. A database seeded with another seed is
/// refused: its data would not match the demo values the simulator announces.
pub fn install(tx: &Transaction<'_>, data: &SeedData, seed: u64, day: &str) -> anyhow::Result<()> {
    match meta(tx, "seed")? {
        Some(stored) if stored == seed.to_string() => {}
        Some(stored) => anyhow::bail!(
            "the database was seeded with --seed {stored}, not {seed}: use another file or the same seed"
        ),
        None => {
            insert_registry(tx, data)?;
            set_meta(tx, "seed", &seed.to_string())?;
        }
    }
    for a in &data.appointments {
        tx.execute(
            "INSERT INTO appointments (appointment_id, booking_code, id_number, service_code,
                 slot_start_ms, slot_end_ms, status, builtin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'booked', ?7)
             ON CONFLICT (appointment_id) DO UPDATE SET
                 slot_start_ms = excluded.slot_start_ms, slot_end_ms = excluded.slot_end_ms,
                 status = 'booked', ticket_number = NULL, checked_in_ms = NULL",
            params![
                a.appointment_id,
                a.booking_code,
                a.id_number,
                a.service_code,
                unix_ms(a.slot_start),
                unix_ms(a.slot_end),
                a.builtin
            ],
        )?;
    }
    let seeded = i64::try_from(data.appointments.len())?;
    tx.execute(
        "INSERT INTO counters (name, value) VALUES ('appointment', ?1)
         ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)",
        params![seeded],
    )?;
    let tickets_today: i64 = tx.query_row(
        "SELECT COUNT(*) FROM tickets WHERE day = ?1",
        params![day],
        |row| row.get(0),
    )?;
    if tickets_today == 0 {
        for t in &data.tickets {
            tx.execute(
                "INSERT INTO tickets (day, service_code, seq, ticket_number, priority, kind, state,
                     issued_ms, window)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'walk_in', ?6, ?7, ?8)",
                params![
                    day,
                    t.service_code,
                    t.seq,
                    format!("{}{:03}", t.service_code, t.seq),
                    priority_code(t.priority),
                    t.state.as_str(),
                    unix_ms(t.issued_at),
                    t.window
                ],
            )?;
        }
    }
    Ok(())
}

fn insert_registry(tx: &Transaction<'_>, data: &SeedData) -> anyhow::Result<()> {
    for p in &data.persons {
        tx.execute(
            "INSERT INTO persons (id_number, name, english_name, document_type, birth_date,
                 face_mismatch, builtin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.id_number,
                p.name,
                p.english_name,
                document_type_code(p.document_type),
                p.birth_date.to_string(),
                p.face_mismatch,
                p.builtin
            ],
        )?;
    }
    for u in &data.units {
        let code = u.unit.unit_code.as_str();
        tx.execute(
            "INSERT INTO units (unit_code, residential, current, unit_json) VALUES (?1, ?2, ?3, ?4)",
            params![
                code,
                u.residential,
                u.unit.status == RecordStatus::Current,
                serde_json::to_string(&u.unit)?
            ],
        )?;
        for holder in &u.unit.holders {
            tx.execute(
                "INSERT INTO holdings (unit_code, id_number) VALUES (?1, ?2)",
                params![code, holder.id_number.0],
            )?;
        }
    }
    for c in &data.cases {
        tx.execute(
            "INSERT INTO cases (case_number, id_number, business_type, status, residential,
                 extra_books, paid, pickup_method, pickup_window, rated, stages_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                c.case_number.as_str(),
                c.id_number,
                c.business_type.as_str(),
                c.status.as_str(),
                c.residential,
                c.extra_books,
                c.paid,
                c.pickup_method.map(|m| m.as_str()),
                c.pickup_window,
                c.rated,
                serde_json::to_string(&c.stages)?
            ],
        )?;
    }
    Ok(())
}

/// Unix milliseconds of a time.
pub fn unix_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The time of unix milliseconds, in Beijing time.
pub fn from_unix_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(BEIJING)
}

/// The stored (wire) code of a priority class.
pub const fn priority_code(priority: Priority) -> &'static str {
    match priority {
        Priority::None => "none",
        Priority::Elderly => "elderly",
        Priority::Disabled => "disabled",
        Priority::Pregnant => "pregnant",
        Priority::Appointment => "appointment",
    }
}

/// The priority class of a stored code.
pub fn priority_from_code(code: &str) -> Priority {
    match code {
        "elderly" => Priority::Elderly,
        "disabled" => Priority::Disabled,
        "pregnant" => Priority::Pregnant,
        "appointment" => Priority::Appointment,
        _ => Priority::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(key: &str, body: &[u8]) -> IdempotentRequest {
        IdempotentRequest::new("k", key, "POST", "/v1/x", body)
    }

    #[tokio::test]
    async fn stores_once_replays_and_refuses_another_request() {
        let db = Db::open(None).unwrap();
        let effect = |tx: &Transaction<'_>| {
            let n = next_counter(tx, "effect")?;
            Ok((StatusCode::CREATED, n.to_string().into_bytes()))
        };
        let first = db.idempotent(request("a", b"1"), 0, effect).await.unwrap();
        assert_eq!(
            (first.status, first.body.as_slice(), first.replayed),
            (StatusCode::CREATED, &b"1"[..], false)
        );
        let again = db.idempotent(request("a", b"1"), 0, effect).await.unwrap();
        assert_eq!((again.body.as_slice(), again.replayed), (&b"1"[..], true));
        let conflict = db
            .idempotent(request("a", b"2"), 0, effect)
            .await
            .unwrap_err();
        assert_eq!(conflict.body.code, ErrorCode::IdempotencyConflict);
        let other = db.idempotent(request("b", b"1"), 0, effect).await.unwrap();
        assert_eq!(other.body, b"2");
    }

    #[tokio::test]
    async fn a_refusal_is_rolled_back_and_not_stored() {
        let db = Db::open(None).unwrap();
        let refused = db
            .idempotent(request("a", b"1"), 0, |tx| {
                next_counter(tx, "effect")?;
                Err(ApiError::bad_request("no", "不"))
            })
            .await
            .unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        let value = db
            .transaction(|tx| Ok(next_counter(tx, "effect")?))
            .await
            .unwrap();
        assert_eq!(value, 1, "the refused request's effect was rolled back");
        let retried = db
            .idempotent(request("a", b"1"), 0, |_| {
                Ok((StatusCode::OK, b"ok".to_vec()))
            })
            .await
            .unwrap();
        assert!(!retried.replayed);
    }
}
