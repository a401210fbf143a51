//! The outbox: records waiting for central, in the order they were enqueued, and the dead letters.

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{Store, StoreError};

/// The longest idempotency key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 255;
/// The longest request path accepted, in bytes.
pub const MAX_PATH_BYTES: usize = 2048;
/// The largest body accepted, in bytes (a journal upload is the largest expected).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The longest failure reason kept with a record or a dead letter, in bytes; longer ones are cut.
pub const MAX_REASON_BYTES: usize = 1024;

/// A record's position in the outbox: assigned at enqueue, increasing, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seq(i64);

impl Seq {
    /// The number as SQLite stores it.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The record that holds an idempotency key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHolder {
    /// A record waiting in the outbox.
    Outbox(Seq),
    /// A dead letter: central refused the record for good.
    DeadLetter(Seq),
}

/// A name that is not one of an enum's stored names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// Which enum was being parsed.
    pub what: &'static str,
    /// The text that matched none of its names.
    pub value: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.value)
    }
}

impl std::error::Error for UnknownName {}

/// What kind of state change a record carries (stored by name, so adding one needs no migration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutboxKind {
    /// A check-in for an appointment, accepted offline where the rules allow it.
    CheckIn,
    /// A rating of the service.
    Rating,
    /// A question the citizen left.
    Question,
    /// Journal records (already masked: no raw biometrics, no full ID number).
    Journal,
    /// The kiosk's heartbeat.
    Heartbeat,
}

impl OutboxKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::CheckIn,
        Self::Rating,
        Self::Question,
        Self::Journal,
        Self::Heartbeat,
    ];

    /// The name stored in the `kind` column.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::Rating => "rating",
            Self::Question => "question",
            Self::Journal => "journal",
            Self::Heartbeat => "heartbeat",
        }
    }
}

impl fmt::Display for OutboxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutboxKind {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "outbox kind",
                value: s.to_owned(),
            })
    }
}

/// The HTTP method a record is replayed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// Every method, in declaration order.
    pub const ALL: [Self; 4] = [Self::Post, Self::Put, Self::Patch, Self::Delete];

    /// The method's name as HTTP spells it (and the `method` column stores it).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|method| method.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "method",
                value: s.to_owned(),
            })
    }
}

/// A state change to enqueue; the body may contain personal data (masked by its producer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    /// What kind of state change it is.
    pub kind: OutboxKind,
    /// The key central deduplicates on: visible ASCII, 1 to [`MAX_KEY_BYTES`] bytes, unique.
    pub idempotency_key: String,
    /// The HTTP method to replay it with.
    pub method: Method,
    /// The request path on central, starting with `/`, visible ASCII, at most [`MAX_PATH_BYTES`].
    pub path: String,
    /// The request body (JSON bytes), at most [`MAX_BODY_BYTES`].
    pub body: Vec<u8>,
    /// When the state change happened, in unix milliseconds (not negative).
    pub created_at_ms: i64,
}

/// A record waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Its position in the outbox.
    pub seq: Seq,
    /// What kind of state change it is.
    pub kind: OutboxKind,
    /// The key central deduplicates on; send it with every delivery attempt.
    pub idempotency_key: String,
    /// The HTTP method to replay it with.
    pub method: Method,
    /// The request path on central.
    pub path: String,
    /// The request body (JSON bytes; may contain personal data).
    pub body: Vec<u8>,
    /// When the state change happened, in unix milliseconds.
    pub created_at_ms: i64,
    /// How many deliveries failed with a retryable error so far.
    pub attempts: u32,
    /// The reason the last failed delivery gave, if any failed.
    pub last_error: Option<String>,
    /// The earliest time of the next delivery attempt, in unix milliseconds (0: at once).
    pub next_attempt_at_ms: i64,
}

/// A record central refused for good, kept for the admin screen instead of being dropped.
///
/// `kind` and `method` are the stored text: a dead letter may be a row this build could not
/// decode, and it is still shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The position it had in the outbox.
    pub seq: Seq,
    /// The stored kind name.
    pub kind: String,
    /// The idempotency key it was delivered with.
    pub idempotency_key: String,
    /// The stored method name.
    pub method: String,
    /// The request path on central.
    pub path: String,
    /// The request body (may contain personal data).
    pub body: Vec<u8>,
    /// When the state change happened, in unix milliseconds.
    pub created_at_ms: i64,
    /// How many deliveries had failed with a retryable error before it was refused.
    pub attempts: u32,
    /// Why it is here: central's reason, or why the row could not be decoded.
    pub reason: String,
    /// When it was moved here, in unix milliseconds.
    pub dead_at_ms: i64,
}

/// The outbox head as replay sees it: a record, or a row it cannot decode.
pub(super) enum Head {
    /// The first record in the outbox.
    Record(OutboxRecord),
    /// The first row in the outbox, which does not decode; the reason says why.
    Undecodable {
        /// The row's sequence number.
        seq: Seq,
        /// What could not be decoded.
        detail: String,
    },
}

const RECORD_COLUMNS: &str = "seq, kind, idempotency_key, method, path, body, created_at, \
                              attempts, last_error, next_attempt_at";

impl Store {
    /// Appends a record to the outbox and returns its sequence number once it is on disk.
    ///
    /// An idempotency key that is already in the outbox or the dead letters is refused with
    /// [`StoreError::DuplicateKey`], which names the record holding it; no second row is ever
    /// written. (A caller that retries an enqueue after a crash can treat that as success.) A key
    /// whose record was delivered and removed is accepted again; central deduplicates it.
    pub fn enqueue(&self, record: &NewRecord) -> Result<Seq, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq = insert_record(&tx, record)?;
        tx.commit()?;
        Ok(seq)
    }

    /// The record holding `idempotency_key`, if the outbox or the dead letters hold one.
    pub fn find_key(&self, idempotency_key: &str) -> Result<Option<KeyHolder>, StoreError> {
        find_key(&self.lock(), idempotency_key)
    }

    /// How many records wait in the outbox.
    pub fn depth(&self) -> Result<u64, StoreError> {
        count(self, "SELECT COUNT(*) FROM outbox")
    }

    /// How long the oldest waiting record has waited at `now_ms`, in milliseconds (`None`: empty).
    ///
    /// A record stamped later than `now_ms` (the clock went back) counts as zero.
    pub fn oldest_age(&self, now_ms: i64) -> Result<Option<u64>, StoreError> {
        let conn = self.lock();
        let oldest: Option<i64> = conn
            .prepare_cached("SELECT MIN(created_at) FROM outbox")?
            .query_row([], |row| row.get(0))?;
        Ok(oldest.map(|created| u64::try_from(now_ms.saturating_sub(created)).unwrap_or(0)))
    }

    /// The first `limit` waiting records in replay order (for the admin screen).
    ///
    /// A row that does not decode fails the call with [`StoreError::CorruptRow`].
    pub fn pending(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM outbox ORDER BY seq LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit_param(limit)], decode_record_row)?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, record) = row?;
            out.push(record.map_err(|detail| corrupt("outbox", seq, detail))?);
        }
        Ok(out)
    }

    /// Makes every waiting record due at once (for "send now" on the admin screen, or when the
    /// network comes back); returns how many records had a pending back-off.
    pub fn reset_backoff(&self) -> Result<usize, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached("UPDATE outbox SET next_attempt_at = 0 WHERE next_attempt_at != 0")?
            .execute([])?;
        Ok(changed)
    }

    /// The records central refused for good, oldest first.
    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, kind, idempotency_key, method, path, body, created_at, attempts, \
             reason, dead_at FROM dead_letter ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |row| {
            let seq = Seq(row.get(0)?);
            Ok((seq, decode_dead_letter(seq, row)))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, letter) = row?;
            out.push(letter.map_err(|e| corrupt("dead_letter", seq, e.to_string()))?);
        }
        Ok(out)
    }

    /// How many dead letters there are (for the heartbeat).
    pub fn dead_letter_count(&self) -> Result<u64, StoreError> {
        count(self, "SELECT COUNT(*) FROM dead_letter")
    }

    /// The first record of the outbox, or `None` when it is empty.
    pub(super) fn head(&self) -> Result<Option<Head>, StoreError> {
        let conn = self.lock();
        let head = conn
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM outbox ORDER BY seq LIMIT 1"
            ))?
            .query_row([], decode_record_row)
            .optional()?;
        Ok(head.map(|(seq, record)| match record {
            Ok(record) => Head::Record(record),
            Err(detail) => Head::Undecodable { seq, detail },
        }))
    }

    /// Removes the confirmed records; one durable transaction for all of them.
    pub(super) fn confirm(&self, seqs: &[Seq]) -> Result<(), StoreError> {
        if seqs.is_empty() {
            return Ok(());
        }
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?;
            for seq in seqs {
                stmt.execute([seq.0])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a retryable failure of `seq` and when to try it next.
    pub(super) fn defer(
        &self,
        seq: Seq,
        error: &str,
        next_attempt_at_ms: i64,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.prepare_cached(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 \
             WHERE seq = ?1",
        )?
        .execute(params![seq.0, cap_reason(error), next_attempt_at_ms])?;
        Ok(())
    }

    /// Moves `seq` from the outbox to the dead letters with `reason`, in one transaction.
    ///
    /// Copies the row in SQL, casting every column, so that a row Rust cannot decode moves too.
    pub(super) fn bury(&self, seq: Seq, reason: &str, now_ms: i64) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO dead_letter (seq, kind, idempotency_key, method, path, body, \
                                      created_at, attempts, reason, dead_at) \
             SELECT seq, CAST(kind AS TEXT), CAST(idempotency_key AS TEXT), \
                    CAST(method AS TEXT), CAST(path AS TEXT), CAST(body AS BLOB), \
                    CAST(created_at AS INTEGER), CAST(attempts AS INTEGER), ?2, ?3 \
             FROM outbox WHERE seq = ?1",
        )?
        .execute(params![seq.0, cap_reason(reason), now_ms])?;
        tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
            .execute([seq.0])?;
        tx.commit()?;
        Ok(())
    }
}

/// Inserts `record` inside the caller's write transaction (the enqueue step that another
/// table's change can share, so both commit or neither does): validated, key checked.
pub(super) fn insert_record(tx: &Connection, record: &NewRecord) -> Result<Seq, StoreError> {
    validate(record)?;
    if let Some(held_by) = find_key(tx, &record.idempotency_key)? {
        return Err(StoreError::DuplicateKey {
            key: record.idempotency_key.clone(),
            held_by,
        });
    }
    tx.prepare_cached(
        "INSERT INTO outbox (kind, idempotency_key, method, path, body, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        record.kind.as_str(),
        record.idempotency_key,
        record.method.as_str(),
        record.path,
        record.body,
        record.created_at_ms,
    ])?;
    Ok(Seq(tx.last_insert_rowid()))
}

/// Checks the documented limits before anything is written.
fn validate(record: &NewRecord) -> Result<(), StoreError> {
    let invalid = |field, problem| Err(StoreError::InvalidRecord { field, problem });
    let key = &record.idempotency_key;
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return invalid("idempotency_key", "must be 1 to MAX_KEY_BYTES bytes long");
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return invalid(
            "idempotency_key",
            "must be visible ASCII (it is sent as a header)",
        );
    }
    let path = &record.path;
    if !path.starts_with('/') || path.len() > MAX_PATH_BYTES {
        return invalid(
            "path",
            "must start with '/' and be at most MAX_PATH_BYTES long",
        );
    }
    if !path.bytes().all(|b| b.is_ascii_graphic()) {
        return invalid("path", "must be visible ASCII");
    }
    if record.body.len() > MAX_BODY_BYTES {
        return invalid("body", "must be at most MAX_BODY_BYTES long");
    }
    if record.created_at_ms < 0 {
        return invalid("created_at_ms", "must not be negative");
    }
    Ok(())
}

/// `reason` cut to at most [`MAX_REASON_BYTES`], on a character boundary.
fn cap_reason(reason: &str) -> &str {
    let mut end = reason.len().min(MAX_REASON_BYTES);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason.get(..end).unwrap_or_default()
}

/// Looks the key up in the outbox, then in the dead letters.
fn find_key(conn: &Connection, key: &str) -> Result<Option<KeyHolder>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT seq, 0 FROM outbox WHERE idempotency_key = ?1 \
             UNION ALL SELECT seq, 1 FROM dead_letter WHERE idempotency_key = ?1 \
             LIMIT 1",
        )?
        .query_row([key], |row| {
            let seq = Seq(row.get(0)?);
            Ok(if row.get(1)? {
                KeyHolder::DeadLetter(seq)
            } else {
                KeyHolder::Outbox(seq)
            })
        })
        .optional()?;
    Ok(found)
}

/// Runs a `SELECT COUNT(*)` query.
fn count(store: &Store, sql: &str) -> Result<u64, StoreError> {
    let conn = store.lock();
    let n: i64 = conn.prepare_cached(sql)?.query_row([], |row| row.get(0))?;
    // COUNT(*) is never negative.
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A `LIMIT` parameter: SQLite takes a signed 64-bit integer.
fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Builds the error for a row that did not decode.
fn corrupt(table: &'static str, seq: Seq, detail: String) -> StoreError {
    StoreError::CorruptRow {
        table,
        row: seq.to_string(),
        detail,
    }
}

/// Reads an outbox row: its sequence number (an SQLite error if even that fails), and the
/// record or why it does not decode.
fn decode_record_row(row: &Row<'_>) -> rusqlite::Result<(Seq, Result<OutboxRecord, String>)> {
    let seq = Seq(row.get(0)?);
    Ok((seq, decode_record(seq, row)))
}

/// Decodes the columns after `seq` of an outbox row.
fn decode_record(seq: Seq, row: &Row<'_>) -> Result<OutboxRecord, String> {
    let text = |e: rusqlite::Error| e.to_string();
    let kind: String = row.get(1).map_err(text)?;
    let method: String = row.get(3).map_err(text)?;
    Ok(OutboxRecord {
        seq,
        kind: kind.parse().map_err(|e: UnknownName| e.to_string())?,
        idempotency_key: row.get(2).map_err(text)?,
        method: method.parse().map_err(|e: UnknownName| e.to_string())?,
        path: row.get(4).map_err(text)?,
        body: row.get(5).map_err(text)?,
        created_at_ms: row.get(6).map_err(text)?,
        attempts: row.get(7).map_err(text)?,
        last_error: row.get(8).map_err(text)?,
        next_attempt_at_ms: row.get(9).map_err(text)?,
    })
}

/// Decodes the columns after `seq` of a dead-letter row.
fn decode_dead_letter(seq: Seq, row: &Row<'_>) -> rusqlite::Result<DeadLetter> {
    Ok(DeadLetter {
        seq,
        kind: row.get(1)?,
        idempotency_key: row.get(2)?,
        method: row.get(3)?,
        path: row.get(4)?,
        body: row.get(5)?,
        created_at_ms: row.get(6)?,
        attempts: row.get(7)?,
        reason: row.get(8)?,
        dead_at_ms: row.get(9)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{TempDir, record};
    use super::*;

    #[test]
    fn enqueue_keeps_every_field_in_order() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let mut heartbeat = record("hb-1", 7);
        heartbeat.kind = OutboxKind::Heartbeat;
        heartbeat.method = Method::Put;
        heartbeat.path = "/v1/kiosks/K1/heartbeat".to_owned();
        let a = store.enqueue(&record("a", 5)).unwrap();
        let b = store.enqueue(&heartbeat).unwrap();
        assert!(a < b);
        let pending = store.pending(10).unwrap();
        assert_eq!(
            pending.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![a, b]
        );
        let got = &pending[1];
        assert_eq!(got.kind, OutboxKind::Heartbeat);
        assert_eq!(got.idempotency_key, "hb-1");
        assert_eq!(got.method, Method::Put);
        assert_eq!(got.path, "/v1/kiosks/K1/heartbeat");
        assert_eq!(got.body, heartbeat.body);
        assert_eq!(got.created_at_ms, 7);
        assert_eq!(
            (
                got.attempts,
                got.last_error.as_deref(),
                got.next_attempt_at_ms
            ),
            (0, None, 0)
        );
        assert_eq!(store.pending(1).unwrap().len(), 1);
    }

    #[test]
    fn a_duplicate_key_is_refused_and_writes_nothing() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let first = store.enqueue(&record("k", 1)).unwrap();
        let mut again = record("k", 2);
        again.body = b"{}".to_vec();
        match store.enqueue(&again) {
            Err(StoreError::DuplicateKey { key, held_by }) => {
                assert_eq!((key.as_str(), held_by), ("k", KeyHolder::Outbox(first)));
            }
            other => panic!("expected DuplicateKey, got {other:?}"),
        }
        assert_eq!(store.depth().unwrap(), 1);
        assert_eq!(store.pending(10).unwrap()[0].created_at_ms, 1);
        assert_eq!(store.find_key("k").unwrap(), Some(KeyHolder::Outbox(first)));
        assert_eq!(store.find_key("other").unwrap(), None);
    }

    #[test]
    fn a_key_held_by_a_dead_letter_is_refused() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let seq = store.enqueue(&record("k", 1)).unwrap();
        store.bury(seq, "refused", 2).unwrap();
        assert!(matches!(
            store.enqueue(&record("k", 3)),
            Err(StoreError::DuplicateKey { held_by, .. }) if held_by == KeyHolder::DeadLetter(seq)
        ));
        assert_eq!(store.depth().unwrap(), 0);
    }

    #[test]
    fn records_breaking_a_limit_are_refused() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        /// Breaks one field of a valid record.
        type Breaker = fn(&mut NewRecord);
        let cases: [(&str, Breaker); 7] = [
            ("idempotency_key", |r| r.idempotency_key.clear()),
            ("idempotency_key", |r| r.idempotency_key = "a b".to_owned()),
            ("idempotency_key", |r| {
                r.idempotency_key = "k".repeat(MAX_KEY_BYTES + 1)
            }),
            ("path", |r| r.path = "v1/ratings".to_owned()),
            ("path", |r| r.path = "/v1/ratings\n".to_owned()),
            ("body", |r| r.body = vec![b' '; MAX_BODY_BYTES + 1]),
            ("created_at_ms", |r| r.created_at_ms = -1),
        ];
        for (expected, break_it) in cases {
            let mut bad = record("k", 1);
            break_it(&mut bad);
            match store.enqueue(&bad) {
                Err(StoreError::InvalidRecord { field, .. }) => assert_eq!(field, expected),
                other => panic!("expected InvalidRecord({expected}), got {other:?}"),
            }
        }
        assert_eq!(store.depth().unwrap(), 0);
        let mut largest = record(&"k".repeat(MAX_KEY_BYTES), 1);
        largest.body = vec![b' '; MAX_BODY_BYTES];
        store.enqueue(&largest).unwrap();
    }

    #[test]
    fn depth_and_oldest_age() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        assert_eq!(store.depth().unwrap(), 0);
        assert_eq!(store.oldest_age(1_000).unwrap(), None);
        store.enqueue(&record("a", 400)).unwrap();
        store.enqueue(&record("b", 300)).unwrap();
        store.enqueue(&record("c", 900)).unwrap();
        assert_eq!(store.depth().unwrap(), 3);
        assert_eq!(store.oldest_age(1_000).unwrap(), Some(700));
        // The clock went back: not a negative age.
        assert_eq!(store.oldest_age(100).unwrap(), Some(0));
        assert_eq!(store.dead_letter_count().unwrap(), 0);
    }

    #[test]
    fn kind_and_method_names_round_trip() {
        for kind in OutboxKind::ALL {
            assert_eq!(kind.as_str().parse::<OutboxKind>(), Ok(kind));
        }
        for method in Method::ALL {
            assert_eq!(method.as_str().parse::<Method>(), Ok(method));
        }
        assert_eq!(OutboxKind::CheckIn.as_str(), "check_in");
        let err = "payment".parse::<OutboxKind>().unwrap_err();
        assert_eq!(err.value, "payment");
        assert!("post".parse::<Method>().is_err());
    }

    #[test]
    fn an_undecodable_row_is_reported_not_unwrapped() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        store.enqueue(&record("a", 1)).unwrap();
        store
            .lock()
            .execute("UPDATE outbox SET kind = 'teleport'", [])
            .unwrap();
        match store.pending(10) {
            Err(StoreError::CorruptRow { table, detail, .. }) => {
                assert_eq!(table, "outbox");
                assert!(detail.contains("teleport"), "{detail}");
            }
            other => panic!("expected CorruptRow, got {other:?}"),
        }
        store
            .lock()
            .execute("UPDATE outbox SET kind = 'rating', attempts = -3", [])
            .unwrap();
        assert!(matches!(
            store.pending(10),
            Err(StoreError::CorruptRow { .. })
        ));
    }

    #[test]
    fn long_reasons_are_cut_on_a_character_boundary() {
        assert_eq!(cap_reason("short"), "short");
        let long = "é".repeat(MAX_REASON_BYTES);
        let cut = cap_reason(&long);
        assert!(cut.len() <= MAX_REASON_BYTES && cut.len() > MAX_REASON_BYTES - 2);
        assert!(cut.chars().all(|c| c == 'é'));

        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let seq = store.enqueue(&record("a", 1)).unwrap();
        store.defer(seq, &long, 5).unwrap();
        let head = store.pending(1).unwrap().remove(0);
        assert_eq!(head.last_error.as_deref(), Some(cut));
        store.bury(seq, &long, 6).unwrap();
        assert_eq!(store.dead_letters().unwrap()[0].reason, cut);
    }

    #[test]
    fn reset_backoff_makes_everything_due() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let a = store.enqueue(&record("a", 1)).unwrap();
        store.enqueue(&record("b", 1)).unwrap();
        store.defer(a, "down", 60_000).unwrap();
        assert_eq!(store.reset_backoff().unwrap(), 1);
        let head = &store.pending(1).unwrap()[0];
        assert_eq!((head.attempts, head.next_attempt_at_ms), (1, 0));
        assert_eq!(store.reset_backoff().unwrap(), 0);
    }
}
