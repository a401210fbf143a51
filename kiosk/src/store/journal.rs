//! The session journal: what happened at the kiosk, append-only and hash-chained.
//!
//! Every entry has a number (1, 2, 3, ... without gaps), a UTC time, the session, the kiosk, the
//! flow and a typed [`JournalEvent`]; its hash is `SHA-256(prev_hash || canonical bytes)` as
//! [`central_api::journal`] defines it, and the first entry's `prev_hash` is 32 zero bytes. So a
//! changed, removed or reordered entry breaks the chain, and [`Journal::verify`] names the first
//! entry where it breaks.
//!
//! Contracts:
//! - Append-only in the database itself: triggers refuse `UPDATE` and `DELETE` on the table.
//!   Whoever can drop the triggers and rewrite the whole chain after an entry can hide a change
//!   locally; the copy uploaded to central then disagrees with it (central refuses a different
//!   entry under a number it holds), and cutting entries off the end that were already batched
//!   for upload is reported by [`Journal::verify`] as well.
//! - An append is one `BEGIN IMMEDIATE` transaction that reads the last hash and writes the next
//!   entry, so appenders on several connections (several [`Store`]s on one file) serialise and
//!   the chain stays whole.
//! - No personal data beyond what is needed: the events carry no ID number, name, phone number
//!   or image field at all, and every free-text field is screened on append: text that looks like
//!   an ID number (18 digits, or 17 and `X`; 15 digits) or a phone number (a run of 11 or more
//!   digits, spaces and hyphens between them allowed, or 10 starting with `0`) is refused with
//!   [`JournalError::PersonalData`], which names the field but never repeats the text.
//! - Upload: [`Journal::enqueue_upload`] puts the next run of entries not yet batched into the
//!   outbox as one `POST /v1/kiosk/journal` and records the batch in the same transaction; the
//!   outbox's replay delivers it. Its idempotency key is derived from the kiosk id and the run's
//!   first and last numbers, so the same run always carries the same key.
//! - The time is the caller's: nothing here reads the clock.

use std::fmt;

use central_api::dto::{self, JOURNAL_UPLOAD_MAX_ENTRIES, JournalUpload};
use central_api::journal::{GENESIS, canonical_bytes, chain_hash, event_json};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

use super::outbox::insert_record;
use super::{Method, NewRecord, OutboxKind, Seq, Store, StoreError};

pub use central_api::journal::{
    ExitReason, FaceCheckFailure, FaceCheckResult, JournalEvent, JournalFlow, OperatorAction,
    PrintOutcome,
};

/// Schema version 2: the journal, the triggers that keep it append-only, and the upload batches.
pub(super) const MIGRATION: &str = "
    CREATE TABLE journal (
        seq       INTEGER PRIMARY KEY,
        time      TEXT    NOT NULL,
        session   TEXT    NOT NULL,
        kiosk     TEXT    NOT NULL,
        flow      TEXT    NOT NULL,
        event     TEXT    NOT NULL,
        prev_hash BLOB    NOT NULL,
        hash      BLOB    NOT NULL
    );
    CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TABLE journal_upload (
        first_seq       INTEGER PRIMARY KEY,
        last_seq        INTEGER NOT NULL,
        idempotency_key TEXT    NOT NULL,
        enqueued_at     INTEGER NOT NULL
    );";

/// The longest free-text field accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 200;
/// The longest kiosk id accepted, in bytes (the contract's limit).
pub const MAX_KIOSK_ID_BYTES: usize = 64;
/// The most entries one upload batch carries (the outbox's body limit holds it with room).
pub const MAX_UPLOAD_BATCH: usize = 200;
/// The request path of a journal upload.
pub const UPLOAD_PATH: &str = "/v1/kiosk/journal";

/// The stored time format: RFC 3339 in UTC with milliseconds, e.g. `2026-11-28T02:05:12.345Z`.
const TIME_FORMAT: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

const ENTRY_COLUMNS: &str = "seq, time, session, kiosk, flow, event, prev_hash, hash";

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry<'a> {
    /// When it happened (any offset; stored in UTC, to the millisecond).
    pub at: OffsetDateTime,
    /// The session it belongs to.
    pub session: Uuid,
    /// The kiosk's id: 1 to [`MAX_KIOSK_ID_BYTES`] bytes of visible ASCII.
    pub kiosk: &'a str,
    /// The flow.
    pub flow: JournalFlow,
    /// What happened.
    pub event: JournalEvent,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// Its number: 1, 2, 3, ...
    pub seq: u64,
    /// When, as stored and hashed (RFC 3339, UTC, milliseconds).
    pub time: String,
    /// The session.
    pub session: Uuid,
    /// The kiosk.
    pub kiosk: String,
    /// The flow.
    pub flow: JournalFlow,
    /// What happened.
    pub event: JournalEvent,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub prev_hash: [u8; 32],
    /// This entry's hash.
    pub hash: [u8; 32],
}

impl JournalEntry {
    /// The entry as the upload carries it.
    pub fn to_dto(&self) -> dto::JournalEntry {
        dto::JournalEntry {
            seq: self.seq,
            time: self.time.clone(),
            session_id: self.session,
            flow: self.flow,
            event: self.event.clone(),
            prev_hash: hex::encode(self.prev_hash),
            hash: hex::encode(self.hash),
        }
    }
}

/// A batch of entries put into the outbox for upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadBatch {
    /// The first entry's number.
    pub first: u64,
    /// The last entry's number.
    pub last: u64,
    /// The outbox record carrying it.
    pub outbox_seq: Seq,
    /// Its idempotency key (see [`upload_key`]).
    pub idempotency_key: String,
}

/// What a free-text field looked like when it was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PersonalData {
    /// A resident ID number (18 characters: 17 digits and a digit or `X`; or 15 digits).
    IdNumber,
    /// A phone number (or another long number: a run of 11 or more digits).
    PhoneNumber,
}

impl fmt::Display for PersonalData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IdNumber => "an ID number",
            Self::PhoneNumber => "a phone number",
        })
    }
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BreakReason {
    /// The entry's content does not hash to its stored hash (it was changed).
    HashMismatch,
    /// The entry's `prev_hash` is not the previous entry's hash (reordered, or one replaced).
    PrevMismatch,
    /// The entry is missing: the next stored one has a higher number.
    Gap {
        /// The number stored where this one should be.
        found: u64,
    },
    /// Entries up to `uploaded_up_to` were batched for upload, but the journal ends before.
    Truncated {
        /// The last number batched for upload.
        uploaded_up_to: u64,
    },
    /// A column does not hold what an entry needs (wrong type, bad UTF-8, a hash not 32 bytes).
    Undecodable {
        /// What is wrong.
        detail: String,
    },
}

impl BreakReason {
    /// A stable name for the reason (`hash_mismatch`, `prev_mismatch`, `gap`, `truncated`,
    /// `undecodable`), for JSON output.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::HashMismatch => "hash_mismatch",
            Self::PrevMismatch => "prev_mismatch",
            Self::Gap { .. } => "gap",
            Self::Truncated { .. } => "truncated",
            Self::Undecodable { .. } => "undecodable",
        }
    }
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HashMismatch => f.write_str("its content does not match its hash"),
            Self::PrevMismatch => f.write_str("its prev_hash is not the previous entry's hash"),
            Self::Gap { found } => write!(f, "it is missing (the next stored entry is {found})"),
            Self::Truncated { uploaded_up_to } => write!(
                f,
                "it is missing: entries up to {uploaded_up_to} were batched for upload"
            ),
            Self::Undecodable { detail } => write!(f, "it cannot be read: {detail}"),
        }
    }
}

/// Where and why the chain breaks: the first broken entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first entry that breaks the chain.
    pub seq: u64,
    /// Why.
    pub reason: BreakReason,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "journal broken at entry {}: {}", self.seq, self.reason)
    }
}

/// What went wrong in the journal.
#[derive(Debug)]
#[non_exhaustive]
pub enum JournalError {
    /// The store failed (SQLite, or a row that does not decode).
    Store(StoreError),
    /// A free-text field looks like personal data; nothing was written. The text is not repeated.
    PersonalData {
        /// The field.
        field: &'static str,
        /// What it looks like.
        looks_like: PersonalData,
    },
    /// A field breaks a documented limit; nothing was written.
    InvalidEntry {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The chain is broken (from [`Journal::verify`], or when a batch to upload is checked).
    Broken(ChainBreak),
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(e) => write!(f, "journal store: {e}"),
            Self::PersonalData { field, looks_like } => write!(
                f,
                "journal entry refused: {field} looks like {looks_like} (personal data is not journaled)"
            ),
            Self::InvalidEntry { field, problem } => {
                write!(f, "invalid journal entry: {field} {problem}")
            }
            Self::Broken(at) => at.fmt(f),
        }
    }
}

impl std::error::Error for JournalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for JournalError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<rusqlite::Error> for JournalError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(e))
    }
}

/// The journal in a store file.
#[derive(Debug, Clone, Copy)]
pub struct Journal<'s> {
    store: &'s Store,
}

impl Store {
    /// The session journal kept in this store.
    pub fn journal(&self) -> Journal<'_> {
        Journal { store: self }
    }
}

impl Journal<'_> {
    /// Appends `entry` after the last one and returns it as stored, once it is on disk.
    ///
    /// Refused before anything is written: free text that looks like personal data
    /// ([`JournalError::PersonalData`]), or a field out of its limits
    /// ([`JournalError::InvalidEntry`]).
    pub fn append(&self, entry: &NewEntry<'_>) -> Result<JournalEntry, JournalError> {
        check_kiosk(entry.kiosk)?;
        for (field, text) in entry.event.free_text() {
            check_text(field, text)?;
        }
        let time = entry
            .at
            .checked_to_offset(UtcOffset::UTC)
            .filter(|utc| (0..=9999).contains(&utc.year()))
            .and_then(|utc| utc.format(TIME_FORMAT).ok())
            .ok_or(JournalError::InvalidEntry {
                field: "at",
                problem: "must be a time between the years 0 and 9999 (RFC 3339)",
            })?;
        let session = entry.session.hyphenated().to_string();
        let event = event_json(&entry.event);

        let mut conn = self.store.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last = last_link(&tx)?;
        let (seq, prev_hash) = match last {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, GENESIS),
        };
        let canonical = canonical_bytes(
            seq,
            &time,
            &session,
            entry.kiosk,
            entry.flow.as_str(),
            &event,
        );
        let hash = chain_hash(&prev_hash, &canonical);
        tx.prepare_cached(
            "INSERT INTO journal (seq, time, session, kiosk, flow, event, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            seq_param(seq),
            time,
            session,
            entry.kiosk,
            entry.flow.as_str(),
            event,
            prev_hash,
            hash
        ])?;
        tx.commit()?;
        Ok(JournalEntry {
            seq,
            time,
            session: entry.session,
            kiosk: entry.kiosk.to_owned(),
            flow: entry.flow,
            event: entry.event.clone(),
            prev_hash,
            hash,
        })
    }

    /// Checks the whole chain: the number of entries when it is intact, or
    /// [`JournalError::Broken`] naming the first broken entry and why.
    ///
    /// Hashes the stored bytes as they are, so any change to an entry is seen, whether or not it
    /// still decodes. Holds the store's connection for the length of the scan.
    pub fn verify(&self) -> Result<u64, JournalError> {
        let mut conn = self.store.lock();
        // One read transaction: the scan and the upload mark see the same snapshot, whatever
        // other connections append meanwhile.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let uploaded_up_to = uploaded_up_to(&tx)?;
        let mut expected: u64 = 1;
        {
            let mut stmt =
                tx.prepare_cached(&format!("SELECT {ENTRY_COLUMNS} FROM journal ORDER BY seq"))?;
            let mut rows = stmt.query([])?;
            let mut prev = GENESIS;
            while let Some(row) = rows.next()? {
                prev = check_row(row, expected, &prev).map_err(JournalError::Broken)?;
                expected += 1;
            }
        }
        let count = expected - 1;
        if uploaded_up_to > count {
            return Err(JournalError::Broken(ChainBreak {
                seq: expected,
                reason: BreakReason::Truncated { uploaded_up_to },
            }));
        }
        Ok(count)
    }

    /// The last `n` entries, oldest first.
    ///
    /// A row that does not decode fails the call with [`StoreError::CorruptRow`].
    pub fn tail(&self, n: usize) -> Result<Vec<JournalEntry>, JournalError> {
        let conn = self.store.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM journal ORDER BY seq DESC LIMIT ?1"
        ))?;
        let mut rows = stmt.query([i64::try_from(n).unwrap_or(i64::MAX)])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(decode_entry(row)?);
        }
        out.reverse();
        Ok(out)
    }

    /// The number of the last entry (0 when the journal is empty).
    pub fn last_seq(&self) -> Result<u64, JournalError> {
        Ok(last_link(&self.store.lock())?.map_or(0, |(seq, _)| seq))
    }

    /// The number of the last entry batched for upload (0 when none was).
    pub fn uploaded_up_to(&self) -> Result<u64, JournalError> {
        uploaded_up_to(&self.store.lock())
    }

    /// Puts the next run of entries not yet batched (at most `max_entries`, clamped to 1 to
    /// [`MAX_UPLOAD_BATCH`]) into the outbox as one upload, and records the batch, in one
    /// transaction; `None` when every entry is batched already.
    ///
    /// A batch holds one kiosk's entries (it stops where the kiosk id changes). Its entries are
    /// checked against their hashes and each other first: a broken run is not uploaded
    /// ([`JournalError::Broken`]). Central accepts only the signing kiosk's journal: a batch of
    /// another kiosk id is refused there and kept as a dead letter.
    pub fn enqueue_upload(
        &self,
        max_entries: usize,
        now_ms: i64,
    ) -> Result<Option<UploadBatch>, JournalError> {
        let limit = max_entries.clamp(1, MAX_UPLOAD_BATCH.min(JOURNAL_UPLOAD_MAX_ENTRIES));
        let mut conn = self.store.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done = uploaded_up_to(&tx)?;
        let mut prev = if done == 0 {
            GENESIS
        } else {
            tx.prepare_cached("SELECT hash FROM journal WHERE seq = ?1")?
                .query_row([seq_param(done)], |row| row.get::<_, Vec<u8>>(0))
                .optional()?
                .and_then(|hash| <[u8; 32]>::try_from(hash).ok())
                .ok_or_else(|| {
                    JournalError::Broken(ChainBreak {
                        seq: done,
                        reason: BreakReason::Truncated {
                            uploaded_up_to: done,
                        },
                    })
                })?
        };
        let mut entries: Vec<JournalEntry> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM journal WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))?;
            let mut rows = stmt.query(params![seq_param(done), seq_param(limit as u64)])?;
            let mut expected = done + 1;
            while let Some(row) = rows.next()? {
                prev = check_row(row, expected, &prev).map_err(JournalError::Broken)?;
                let entry = decode_entry(row)?;
                if entries
                    .first()
                    .is_some_and(|first| first.kiosk != entry.kiosk)
                {
                    break;
                }
                entries.push(entry);
                expected += 1;
            }
        }
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Ok(None);
        };
        let (first_seq, last_seq, kiosk) = (first.seq, last.seq, first.kiosk.clone());
        let upload = JournalUpload {
            kiosk_id: kiosk.clone(),
            entries: entries.iter().map(JournalEntry::to_dto).collect(),
        };
        let body = serde_json::to_vec(&upload).map_err(|e| StoreError::CorruptRow {
            table: "journal",
            row: first_seq.to_string(),
            detail: format!("cannot encode the upload: {e}"),
        })?;
        let key = upload_key(&kiosk, first_seq, last_seq).to_string();
        let outbox_seq = insert_record(
            &tx,
            &NewRecord {
                kind: OutboxKind::Journal,
                idempotency_key: key.clone(),
                method: Method::Post,
                path: UPLOAD_PATH.to_owned(),
                body,
                created_at_ms: now_ms,
            },
        )?;
        tx.prepare_cached(
            "INSERT INTO journal_upload (first_seq, last_seq, idempotency_key, enqueued_at) \
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            seq_param(first_seq),
            seq_param(last_seq),
            key,
            now_ms
        ])?;
        tx.commit()?;
        Ok(Some(UploadBatch {
            first: first_seq,
            last: last_seq,
            outbox_seq,
            idempotency_key: key,
        }))
    }
}

/// The idempotency key of the upload of entries `first..=last` of `kiosk`'s journal: a UUID
/// (version 8) made of the first 16 bytes of
/// `SHA-256("kiosk-journal\n" + kiosk + "\n" + first + ".." + last)`.
pub fn upload_key(kiosk: &str, first: u64, last: u64) -> Uuid {
    let digest = Sha256::digest(format!("kiosk-journal\n{kiosk}\n{first}..{last}").as_bytes());
    let mut bytes = [0; 16];
    bytes.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The last entry's number and hash, if there is one.
fn last_link(conn: &Connection) -> Result<Option<(u64, [u8; 32])>, JournalError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((seq, hash)) = last else {
        return Ok(None);
    };
    let corrupt = |detail: &str| {
        JournalError::Store(StoreError::CorruptRow {
            table: "journal",
            row: seq.to_string(),
            detail: detail.to_owned(),
        })
    };
    let seq = u64::try_from(seq).map_err(|_| corrupt("negative seq"))?;
    let hash = <[u8; 32]>::try_from(hash).map_err(|_| corrupt("hash is not 32 bytes"))?;
    Ok(Some((seq, hash)))
}

/// The last entry number batched for upload.
fn uploaded_up_to(conn: &Connection) -> Result<u64, JournalError> {
    let last: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(last_seq), 0) FROM journal_upload")?
        .query_row([], |row| row.get(0))?;
    Ok(u64::try_from(last).unwrap_or(0))
}

/// Checks one stored row against the chain: it must be entry `expected`, link to `prev` and
/// hash to its stored hash. Returns its hash.
fn check_row(row: &Row<'_>, expected: u64, prev: &[u8; 32]) -> Result<[u8; 32], ChainBreak> {
    let at = |reason| ChainBreak {
        seq: expected,
        reason,
    };
    let undecodable = |detail: String| at(BreakReason::Undecodable { detail });
    let seq = row
        .get_ref(0)
        .ok()
        .and_then(|v| v.as_i64().ok())
        .and_then(|seq| u64::try_from(seq).ok())
        .ok_or_else(|| undecodable("seq is not a number".to_owned()))?;
    if seq != expected {
        return Err(at(BreakReason::Gap { found: seq }));
    }
    let text = |index: usize, name: &str| -> Result<&str, ChainBreak> {
        let bytes = match row.get_ref(index) {
            Ok(ValueRef::Text(bytes) | ValueRef::Blob(bytes)) => bytes,
            _ => return Err(undecodable(format!("{name} is not text"))),
        };
        std::str::from_utf8(bytes).map_err(|_| undecodable(format!("{name} is not UTF-8")))
    };
    let hash_of = |index: usize, name: &str| -> Result<[u8; 32], ChainBreak> {
        match row.get_ref(index) {
            Ok(ValueRef::Blob(bytes)) => <[u8; 32]>::try_from(bytes)
                .map_err(|_| undecodable(format!("{name} is not 32 bytes"))),
            _ => Err(undecodable(format!("{name} is not a blob"))),
        }
    };
    let prev_hash = hash_of(6, "prev_hash")?;
    if &prev_hash != prev {
        return Err(at(BreakReason::PrevMismatch));
    }
    let hash = hash_of(7, "hash")?;
    let canonical = canonical_bytes(
        seq,
        text(1, "time")?,
        text(2, "session")?,
        text(3, "kiosk")?,
        text(4, "flow")?,
        text(5, "event")?,
    );
    if chain_hash(&prev_hash, &canonical) != hash {
        return Err(at(BreakReason::HashMismatch));
    }
    Ok(hash)
}

/// Decodes a row into an entry (without checking the chain).
fn decode_entry(row: &Row<'_>) -> Result<JournalEntry, JournalError> {
    let seq: i64 = row.get(0)?;
    let corrupt = |detail: String| {
        JournalError::Store(StoreError::CorruptRow {
            table: "journal",
            row: seq.to_string(),
            detail,
        })
    };
    let text = |e: rusqlite::Error| corrupt(e.to_string());
    let session: String = row.get(2).map_err(text)?;
    let flow: String = row.get(4).map_err(text)?;
    let event: String = row.get(5).map_err(text)?;
    let prev_hash: Vec<u8> = row.get(6).map_err(text)?;
    let hash: Vec<u8> = row.get(7).map_err(text)?;
    Ok(JournalEntry {
        seq: u64::try_from(seq).map_err(|_| corrupt("negative seq".to_owned()))?,
        time: row.get(1).map_err(text)?,
        session: Uuid::parse_str(&session).map_err(|e| corrupt(format!("session: {e}")))?,
        kiosk: row.get(3).map_err(text)?,
        flow: JournalFlow::from_name(&flow)
            .ok_or_else(|| corrupt(format!("unknown flow {flow:?}")))?,
        event: serde_json::from_str(&event).map_err(|e| corrupt(format!("event: {e}")))?,
        prev_hash: <[u8; 32]>::try_from(prev_hash)
            .map_err(|_| corrupt("prev_hash is not 32 bytes".to_owned()))?,
        hash: <[u8; 32]>::try_from(hash).map_err(|_| corrupt("hash is not 32 bytes".to_owned()))?,
    })
}

/// A number as SQLite stores it (journal numbers stay far below `i64::MAX`).
fn seq_param(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// Checks the kiosk id's limits.
fn check_kiosk(kiosk: &str) -> Result<(), JournalError> {
    if kiosk.is_empty()
        || kiosk.len() > MAX_KIOSK_ID_BYTES
        || !kiosk.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(JournalError::InvalidEntry {
            field: "kiosk",
            problem: "must be 1 to 64 bytes of visible ASCII",
        });
    }
    Ok(())
}

/// Checks a free-text field: length, control characters, and personal data.
fn check_text(field: &'static str, text: &str) -> Result<(), JournalError> {
    if text.is_empty() || text.len() > MAX_TEXT_BYTES {
        return Err(JournalError::InvalidEntry {
            field,
            problem: "must be 1 to MAX_TEXT_BYTES bytes long",
        });
    }
    if text.chars().any(char::is_control) {
        return Err(JournalError::InvalidEntry {
            field,
            problem: "must not contain control characters",
        });
    }
    match looks_like_personal_data(text) {
        Some(looks_like) => Err(JournalError::PersonalData { field, looks_like }),
        None => Ok(()),
    }
}

/// Whether `text` holds something that looks like an ID or phone number.
///
/// Digits are read in groups: a single space or hyphen between two digits joins them (ID and
/// phone numbers are often written in blocks), anything else ends the group. A group of 18
/// digits, 17 digits directly followed by `X` or `x`, or 15 digits is an ID number; a group of 11
/// or more digits, or of 10 starting with `0` (a landline with its area code), is a phone number.
/// Full-width digits count as digits.
pub fn looks_like_personal_data(text: &str) -> Option<PersonalData> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let Some(first) = chars.get(i).copied().and_then(digit) else {
            i += 1;
            continue;
        };
        let mut count = 1;
        let mut j = i + 1;
        loop {
            match chars.get(j).copied() {
                Some(c) if digit(c).is_some() => {
                    count += 1;
                    j += 1;
                }
                Some(' ' | '-') if chars.get(j + 1).copied().and_then(digit).is_some() => {
                    j += 1;
                }
                _ => break,
            }
        }
        let x_follows = matches!(chars.get(j), Some('X' | 'x' | 'Ｘ' | 'ｘ'));
        if count == 18 || count == 15 || (count == 17 && x_follows) {
            return Some(PersonalData::IdNumber);
        }
        if count >= 11 || (count == 10 && first == 0) {
            return Some(PersonalData::PhoneNumber);
        }
        i = j;
    }
    None
}

/// The value of an ASCII or full-width decimal digit.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(u32::from(c) - u32::from('０')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::TempDir;
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;
    use time::macros::datetime;

    const KIOSK: &str = "BJ-CY-KIOSK-01";

    fn at(ms: i64) -> OffsetDateTime {
        datetime!(2026-11-28 09:00 +08:00) + time::Duration::milliseconds(ms)
    }

    fn entry(i: i64, event: JournalEvent) -> NewEntry<'static> {
        NewEntry {
            at: at(i),
            session: Uuid::from_u128(u128::try_from(i / 4).unwrap()),
            kiosk: KIOSK,
            flow: JournalFlow::ALL[usize::try_from(i).unwrap() % JournalFlow::ALL.len()],
            event,
        }
    }

    /// A varied event for position `i`.
    fn event(i: i64) -> JournalEvent {
        match i % 6 {
            0 => JournalEvent::SessionStarted,
            1 => JournalEvent::StepEntered {
                step: format!("step_{i}"),
            },
            2 => JournalEvent::PrintResult {
                printer: "ticket".into(),
                job: format!("{i}"),
                outcome: PrintOutcome::Failed {
                    reason: "paper out".into(),
                },
            },
            3 => JournalEvent::FaceCheck {
                outcome: FaceCheckResult::Passed,
            },
            4 => JournalEvent::QueryNumber {
                query_number: "Q20240105000123".parse().unwrap(),
            },
            _ => JournalEvent::SessionEnded {
                exit: ExitReason::CardLifted,
            },
        }
    }

    fn fill(store: &Store, n: i64) {
        for i in 0..n {
            store.journal().append(&entry(i, event(i))).unwrap();
        }
    }

    /// A raw connection to the same file with the append-only triggers dropped (as an attacker
    /// with file access would).
    fn tamper(dir: &TempDir) -> Connection {
        let conn = Connection::open(dir.db()).unwrap();
        conn.execute_batch("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;")
            .unwrap();
        conn
    }

    fn broken_at(store: &Store) -> ChainBreak {
        match store.journal().verify() {
            Err(JournalError::Broken(at)) => at,
            other => panic!("expected a broken chain, got {other:?}"),
        }
    }

    #[test]
    fn entries_chain_from_genesis_with_the_documented_hash() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let journal = store.journal();
        assert_eq!(journal.verify().unwrap(), 0);
        let session = Uuid::from_u128(0x6f1c_2a4e_8d3b_4c1a_9e2f_0a1b_2c3d_4e5f);
        let first = journal
            .append(&NewEntry {
                at: datetime!(2026-11-28 10:05:12.345_678 +08:00),
                session,
                kiosk: KIOSK,
                flow: JournalFlow::WalkIn,
                event: JournalEvent::SessionStarted,
            })
            .unwrap();
        assert_eq!(first.seq, 1);
        assert_eq!(first.time, "2026-11-28T02:05:12.345Z", "UTC, milliseconds");
        assert_eq!(first.prev_hash, GENESIS);
        // The hash recomputed by hand from the documented canonical form.
        let canonical = format!(
            r#"{{"seq":1,"time":"2026-11-28T02:05:12.345Z","session":"{session}","kiosk":"{KIOSK}","flow":"walk_in","event":{{"type":"session_started"}}}}"#
        );
        let mut hasher = Sha256::new();
        hasher.update([0u8; 32]);
        hasher.update(canonical.as_bytes());
        assert_eq!(first.hash, <[u8; 32]>::from(hasher.finalize()));

        let second = journal
            .append(&entry(
                1,
                JournalEvent::Outcome {
                    outcome: "ticket_printed".into(),
                },
            ))
            .unwrap();
        assert_eq!((second.seq, second.prev_hash), (2, first.hash));
        assert_eq!(journal.verify().unwrap(), 2);
        assert_eq!(journal.last_seq().unwrap(), 2);
        assert_eq!(journal.tail(10).unwrap(), vec![first, second]);
    }

    #[test]
    fn the_database_refuses_update_and_delete() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 3);
        let conn = Connection::open(dir.db()).unwrap();
        for sql in [
            "UPDATE journal SET event = '{\"type\":\"session_started\"}' WHERE seq = 2",
            "DELETE FROM journal WHERE seq = 3",
            "DELETE FROM journal",
        ] {
            let err = conn.execute(sql, []).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(store.journal().verify().unwrap(), 3);
    }

    #[test]
    fn an_edited_event_is_a_hash_mismatch_at_that_entry() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 10);
        tamper(&dir)
            .execute(
                "UPDATE journal SET event = replace(event, 'paper out', 'printed') WHERE seq = 3",
                [],
            )
            .unwrap();
        assert_eq!(
            broken_at(&store),
            ChainBreak {
                seq: 3,
                reason: BreakReason::HashMismatch
            }
        );
    }

    #[test]
    fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 10);
        let conn = tamper(&dir);
        // Rewrite entry 5 with a new time and a hash that matches it.
        let (time, session, kiosk, flow, event, prev): (
            String,
            String,
            String,
            String,
            String,
            Vec<u8>,
        ) = conn
            .query_row(
                "SELECT time, session, kiosk, flow, event, prev_hash FROM journal WHERE seq = 5",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .unwrap();
        let time = time.replace("T01", "T02");
        let prev: [u8; 32] = prev.try_into().unwrap();
        let hash = chain_hash(
            &prev,
            &canonical_bytes(5, &time, &session, &kiosk, &flow, &event),
        );
        conn.execute(
            "UPDATE journal SET time = ?1, hash = ?2 WHERE seq = 5",
            params![time, hash],
        )
        .unwrap();
        assert_eq!(
            broken_at(&store),
            ChainBreak {
                seq: 6,
                reason: BreakReason::PrevMismatch
            }
        );
    }

    #[test]
    fn a_deleted_entry_is_a_gap() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 10);
        tamper(&dir)
            .execute("DELETE FROM journal WHERE seq = 4", [])
            .unwrap();
        assert_eq!(
            broken_at(&store),
            ChainBreak {
                seq: 4,
                reason: BreakReason::Gap { found: 5 }
            }
        );
        // The first entry removed: the chain no longer starts at 1.
        tamper_again(&dir, "DELETE FROM journal WHERE seq = 1");
        assert_eq!(broken_at(&store).seq, 1);
    }

    fn tamper_again(dir: &TempDir, sql: &str) {
        Connection::open(dir.db())
            .unwrap()
            .execute(sql, [])
            .unwrap();
    }

    #[test]
    fn reordered_entries_break_the_link() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 10);
        // Swap entries 6 and 7 (numbers stay, contents move).
        tamper(&dir)
            .execute_batch(
                "UPDATE journal SET seq = -6 WHERE seq = 6;
                 UPDATE journal SET seq = 6 WHERE seq = 7;
                 UPDATE journal SET seq = 7 WHERE seq = -6;",
            )
            .unwrap();
        assert_eq!(
            broken_at(&store),
            ChainBreak {
                seq: 6,
                reason: BreakReason::PrevMismatch
            }
        );
    }

    #[test]
    fn a_cut_off_tail_already_batched_for_upload_is_reported() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 10);
        store.journal().enqueue_upload(100, 1).unwrap().unwrap();
        tamper(&dir)
            .execute("DELETE FROM journal WHERE seq > 8", [])
            .unwrap();
        assert_eq!(
            broken_at(&store),
            ChainBreak {
                seq: 9,
                reason: BreakReason::Truncated { uploaded_up_to: 10 }
            }
        );
    }

    #[test]
    fn a_column_of_the_wrong_type_is_undecodable_not_a_panic() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 3);
        tamper(&dir)
            .execute("UPDATE journal SET hash = 'x' WHERE seq = 2", [])
            .unwrap();
        let at = broken_at(&store);
        assert_eq!(at.seq, 2);
        assert!(matches!(at.reason, BreakReason::Undecodable { .. }), "{at}");
        assert!(store.journal().tail(5).is_err(), "tail reports the row");
    }

    #[test]
    fn free_text_that_looks_like_personal_data_is_refused_and_not_repeated() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let journal = store.journal();
        let cases: [(JournalEvent, &str, PersonalData); 6] = [
            (
                JournalEvent::DeviceFault {
                    device: "idcard".into(),
                    fault: "card 11010519491231002X refused".into(),
                },
                "fault",
                PersonalData::IdNumber,
            ),
            (
                JournalEvent::DeviceFault {
                    device: "idcard".into(),
                    fault: "holder 110105194912310021".into(),
                },
                "fault",
                PersonalData::IdNumber,
            ),
            (
                JournalEvent::StepEntered {
                    step: "call 138 0013 8000".into(),
                },
                "step",
                PersonalData::PhoneNumber,
            ),
            (
                JournalEvent::Outcome {
                    outcome: "callback_+86-13800138000".into(),
                },
                "outcome",
                PersonalData::PhoneNumber,
            ),
            (
                JournalEvent::PrintResult {
                    printer: "a4".into(),
                    job: "7".into(),
                    outcome: PrintOutcome::Failed {
                        reason: "ring 010-12345678 for service".into(),
                    },
                },
                "reason",
                PersonalData::PhoneNumber,
            ),
            (
                JournalEvent::Operator {
                    action: OperatorAction::PaperReplaced {
                        printer: "１３８００１３８０００".into(),
                    },
                },
                "printer",
                PersonalData::PhoneNumber,
            ),
        ];
        for (event, field, looks_like) in cases {
            let err = journal.append(&entry(0, event.clone())).unwrap_err();
            match &err {
                JournalError::PersonalData {
                    field: f,
                    looks_like: l,
                } => assert_eq!((*f, *l), (field, looks_like), "{event:?}"),
                other => panic!("{event:?}: expected PersonalData, got {other:?}"),
            }
            let shown = format!("{err} {err:?}");
            assert!(
                !shown.contains("0013") && !shown.contains("1949") && !shown.contains("1234"),
                "{shown}"
            );
        }
        assert_eq!(journal.last_seq().unwrap(), 0, "nothing was written");
    }

    #[test]
    fn ordinary_numbers_in_free_text_are_accepted() {
        for text in [
            "paper out after 120 lines",
            "status 0x12 at 2026-11-28 10:55:05",
            "job 4711",
            "notice v2.3",
            "cover open (error 1002)",
            "0755-1234",
        ] {
            assert_eq!(looks_like_personal_data(text), None, "{text}");
        }
        for (text, kind) in [
            ("13800138000", PersonalData::PhoneNumber),
            ("0512-1234567", PersonalData::PhoneNumber),
            ("021 6123456", PersonalData::PhoneNumber),
            ("110105491231002", PersonalData::IdNumber),
            ("1101 0519 4912 3100 2x", PersonalData::IdNumber),
        ] {
            assert_eq!(looks_like_personal_data(text), Some(kind), "{text}");
        }
    }

    #[test]
    fn limits_are_typed_errors() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let journal = store.journal();
        let long = JournalEvent::StepEntered {
            step: "x".repeat(MAX_TEXT_BYTES + 1),
        };
        let control = JournalEvent::StepEntered {
            step: "a\nb".into(),
        };
        let empty = JournalEvent::Outcome {
            outcome: String::new(),
        };
        for event in [long, control, empty] {
            assert!(matches!(
                journal.append(&entry(0, event)),
                Err(JournalError::InvalidEntry { .. })
            ));
        }
        let mut bad_kiosk = entry(0, JournalEvent::SessionStarted);
        bad_kiosk.kiosk = "kiosk one";
        assert!(matches!(
            journal.append(&bad_kiosk),
            Err(JournalError::InvalidEntry { field: "kiosk", .. })
        ));
        for far in [
            datetime!(-0001-01-01 00:00 UTC),
            datetime!(9999-12-31 23:00 -05:00),
        ] {
            let mut far_entry = entry(0, JournalEvent::SessionStarted);
            far_entry.at = far;
            assert!(matches!(
                journal.append(&far_entry),
                Err(JournalError::InvalidEntry { field: "at", .. })
            ));
        }
    }

    #[test]
    fn concurrent_appenders_on_two_connections_keep_one_chain() {
        let dir = TempDir::new();
        let a = Arc::new(Store::open(dir.db()).unwrap());
        let b = Arc::new(Store::open(dir.db()).unwrap());
        let threads: Vec<_> = [a.clone(), b.clone(), a.clone(), b.clone()]
            .into_iter()
            .enumerate()
            .map(|(t, store)| {
                std::thread::spawn(move || {
                    for i in 0..50 {
                        let n = i64::try_from(t * 1000 + i).unwrap();
                        store.journal().append(&entry(n, event(n))).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(a.journal().verify().unwrap(), 200);
        assert_eq!(b.journal().verify().unwrap(), 200);
    }

    #[test]
    fn a_reopened_store_continues_the_chain() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 5);
        let last = store.journal().tail(1).unwrap().remove(0);
        drop(store);
        let store = Store::open(dir.db()).unwrap();
        let next = store
            .journal()
            .append(&entry(5, JournalEvent::SessionStarted))
            .unwrap();
        assert_eq!((next.seq, next.prev_hash), (6, last.hash));
        assert_eq!(store.journal().verify().unwrap(), 6);
    }

    #[test]
    fn uploads_are_batched_into_the_outbox_once_each() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        let journal = store.journal();
        assert_eq!(journal.enqueue_upload(100, 1).unwrap(), None);
        fill(&store, 250);
        let mut batches = Vec::new();
        while let Some(batch) = journal.enqueue_upload(100, 1_000).unwrap() {
            batches.push(batch);
        }
        assert_eq!(
            batches
                .iter()
                .map(|b| (b.first, b.last))
                .collect::<Vec<_>>(),
            vec![(1, 100), (101, 200), (201, 250)]
        );
        assert_eq!(journal.uploaded_up_to().unwrap(), 250);
        assert_eq!(store.depth().unwrap(), 3);
        let pending = store.pending(10).unwrap();
        let first = &pending[0];
        assert_eq!(
            (first.kind, first.method, first.path.as_str()),
            (OutboxKind::Journal, Method::Post, UPLOAD_PATH)
        );
        assert_eq!(first.idempotency_key, upload_key(KIOSK, 1, 100).to_string());
        assert_eq!(
            upload_key(KIOSK, 1, 100),
            upload_key(KIOSK, 1, 100),
            "the key is derived, not random"
        );
        assert_ne!(upload_key(KIOSK, 1, 100), upload_key(KIOSK, 1, 99));
        let body: JournalUpload = serde_json::from_slice(&first.body).unwrap();
        assert_eq!(body.kiosk_id, KIOSK);
        assert_eq!(body.entries.len(), 100);
        assert_eq!(body.entries[0].prev_hash, "0".repeat(64));
        assert_eq!(body.entries[1].prev_hash, body.entries[0].hash);
        assert_eq!(body.entries[0], journal.tail(250).unwrap()[0].to_dto());
        // No ID number field anywhere in an upload.
        let text = String::from_utf8(first.body.clone()).unwrap();
        assert!(!text.contains("id_number"));

        // New entries go in the next batch, chained to the last uploaded one.
        fill(&store, 1);
        let next = journal.enqueue_upload(100, 2_000).unwrap().unwrap();
        assert_eq!((next.first, next.last), (251, 251));
        // The outbox record and the batch commit together: a duplicate key writes neither.
        assert_eq!(journal.uploaded_up_to().unwrap(), 251);
    }

    #[test]
    fn a_batch_stops_where_the_kiosk_id_changes() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 3);
        let mut renamed = entry(3, JournalEvent::SessionStarted);
        renamed.kiosk = "BJ-CY-KIOSK-02";
        store.journal().append(&renamed).unwrap();
        let first = store.journal().enqueue_upload(100, 1).unwrap().unwrap();
        assert_eq!((first.first, first.last), (1, 3));
        let second = store.journal().enqueue_upload(100, 1).unwrap().unwrap();
        assert_eq!((second.first, second.last), (4, 4));
    }

    #[test]
    fn a_tampered_entry_is_not_uploaded() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        fill(&store, 5);
        tamper(&dir)
            .execute("UPDATE journal SET flow = 'walk_in' WHERE seq = 2", [])
            .unwrap();
        match store.journal().enqueue_upload(100, 1) {
            Err(JournalError::Broken(at)) => assert_eq!(at.seq, 2),
            other => panic!("expected a broken chain, got {other:?}"),
        }
        assert_eq!(store.depth().unwrap(), 0);
        assert_eq!(store.journal().uploaded_up_to().unwrap(), 0);
    }

    fn any_event() -> impl Strategy<Value = JournalEvent> {
        let text = "[a-z_ ]{1,20}";
        prop_oneof![
            Just(JournalEvent::SessionStarted),
            text.prop_map(|step| JournalEvent::StepEntered { step }),
            text.prop_map(|outcome| JournalEvent::Outcome { outcome }),
            (text, "[0-9]{1,6}", proptest::option::of(text)).prop_map(|(printer, job, failed)| {
                JournalEvent::PrintResult {
                    printer,
                    job,
                    outcome: failed.map_or(PrintOutcome::Printed, |reason| PrintOutcome::Failed {
                        reason,
                    }),
                }
            }),
            ("[a-z]{2,10}", "[\\PC]{1,40}").prop_filter_map("personal data", |(device, fault)| {
                (looks_like_personal_data(&fault).is_none())
                    .then_some(JournalEvent::DeviceFault { device, fault })
            }),
            Just(JournalEvent::FaceCheck {
                outcome: FaceCheckResult::Failed {
                    reason: FaceCheckFailure::Mismatch
                }
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn any_appends_verify_and_any_byte_changed_in_an_event_is_detected(
            events in proptest::collection::vec(any_event(), 1..12),
            pick in any::<prop::sample::Index>(),
            byte in any::<prop::sample::Index>(),
            value in any::<u8>(),
        ) {
            let dir = TempDir::new();
            let store = Store::open(dir.db()).unwrap();
            for (i, event) in events.iter().enumerate() {
                let i = i64::try_from(i).unwrap();
                store.journal().append(&entry(i, event.clone())).unwrap();
            }
            let n = u64::try_from(events.len()).unwrap();
            prop_assert_eq!(store.journal().verify().unwrap(), n);

            let seq = i64::try_from(pick.index(events.len()) + 1).unwrap();
            let conn = tamper(&dir);
            let mut stored: Vec<u8> = conn
                .query_row("SELECT CAST(event AS BLOB) FROM journal WHERE seq = ?1", [seq], |r| r.get(0))
                .unwrap();
            let at = byte.index(stored.len());
            prop_assume!(stored[at] != value);
            stored[at] = value;
            // Written back as text when it is still UTF-8, as a blob otherwise.
            match String::from_utf8(stored) {
                Ok(text) => conn.execute("UPDATE journal SET event = ?1 WHERE seq = ?2", params![text, seq]),
                Err(e) => conn.execute("UPDATE journal SET event = ?1 WHERE seq = ?2", params![e.into_bytes(), seq]),
            }
            .unwrap();
            let broken = broken_at(&store);
            prop_assert_eq!(broken.seq, u64::try_from(seq).unwrap());
            prop_assert!(
                matches!(broken.reason, BreakReason::HashMismatch | BreakReason::Undecodable { .. }),
                "{}", broken
            );
        }
    }
}
