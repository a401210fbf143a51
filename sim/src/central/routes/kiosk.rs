//! Kiosk management: `POST /v1/kiosk/heartbeat`, `POST /v1/kiosk/journal`, `GET /v1/time`.
//!
//! - Heartbeat: stored as received; the reply carries the server's clock and the configuration
//!   set through [`crate::central::FaultHandle::set_config`] (empty unless set).
//! - Journal: an upload's `kiosk_id` must be the signing kiosk (`400` otherwise). Every entry's
//!   hash is recomputed from its content ([`central_api::journal`]); the entries must continue
//!   the chain held for the kiosk: consecutive numbers, each `prev_hash` the hash before it, the
//!   first new one chained to the last entry held (64 zeros for none). An entry at or below the
//!   highest number held is skipped when its hash is the one held (an upload repeated under a new
//!   key) and is a break otherwise. Any break is `409 journal_chain_broken`, and nothing of the
//!   upload is kept. The reply's `accepted_up_to` and `last_hash` say how far the copy reaches.

use crate::central::app::{AppState, Ctx, Signed, json_response, mutate, ok, parse_json, to_json};
use crate::central::error::ApiError;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use central_api::dto::{
    ErrorCode, Heartbeat, HeartbeatReply, JOURNAL_UPLOAD_MAX_ENTRIES, JournalReceipt,
    JournalUpload, ServerTime,
};
use central_api::journal::{GENESIS, canonical_bytes, chain_hash, event_json};
use rusqlite::{OptionalExtension, Transaction, params};

fn heartbeat_logic(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    request: &Heartbeat,
) -> Result<HeartbeatReply, ApiError> {
    tx.execute(
        "INSERT INTO heartbeats (kiosk_id, received_ms, body_json) VALUES (?1, ?2, ?3)",
        params![
            ctx.kiosk_id,
            ctx.now_ms(),
            serde_json::to_string(request).map_err(ApiError::internal)?
        ],
    )?;
    Ok(HeartbeatReply {
        server_time: ctx.now,
        config: ctx.config.clone(),
    })
}

fn journal_logic(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    upload: &JournalUpload,
) -> Result<JournalReceipt, ApiError> {
    if upload.kiosk_id != ctx.kiosk_id {
        return Err(ApiError::bad_request(
            "journal kiosk_id is not the signing kiosk",
            "日志所属终端与签名终端不一致",
        ));
    }
    if upload.entries.len() > JOURNAL_UPLOAD_MAX_ENTRIES {
        return Err(ApiError::bad_request(
            format!("at most {JOURNAL_UPLOAD_MAX_ENTRIES} journal entries per upload"),
            "日志条目过多",
        ));
    }
    let held: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, json_extract(record_json, '$.hash') FROM journal \
             WHERE kiosk_id = ?1 ORDER BY seq DESC LIMIT 1",
            params![ctx.kiosk_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (held_seq, held_hash) = match held {
        Some((seq, hash)) => (u64::try_from(seq).unwrap_or(0), hash),
        None => (0, hex::encode(GENESIS)),
    };
    let (mut last_seq, mut last_hash) = (held_seq, held_hash);
    for entry in &upload.entries {
        let prev = decode_hash(&entry.prev_hash)?;
        let hash = decode_hash(&entry.hash)?;
        let canonical = canonical_bytes(
            entry.seq,
            &entry.time,
            &entry.session_id.hyphenated().to_string(),
            &upload.kiosk_id,
            entry.flow.as_str(),
            &event_json(&entry.event),
        );
        if chain_hash(&prev, &canonical) != hash {
            return Err(broken(entry.seq, "its hash does not match its content"));
        }
        if entry.seq <= held_seq {
            let stored: Option<String> = tx
                .query_row(
                    "SELECT json_extract(record_json, '$.hash') FROM journal \
                     WHERE kiosk_id = ?1 AND seq = ?2",
                    params![ctx.kiosk_id, seq_param(entry.seq)?],
                    |row| row.get(0),
                )
                .optional()?;
            if stored.as_deref() != Some(entry.hash.as_str()) {
                return Err(broken(
                    entry.seq,
                    "central holds a different entry under it",
                ));
            }
            continue;
        }
        if entry.seq != last_seq + 1 {
            return Err(broken(
                entry.seq,
                &format!("expected entry {} next", last_seq + 1),
            ));
        }
        if entry.prev_hash != last_hash {
            return Err(broken(
                entry.seq,
                "its prev_hash is not the previous entry's hash",
            ));
        }
        tx.execute(
            "INSERT INTO journal (kiosk_id, seq, record_json, received_ms) VALUES (?1, ?2, ?3, ?4)",
            params![
                ctx.kiosk_id,
                seq_param(entry.seq)?,
                serde_json::to_string(entry).map_err(ApiError::internal)?,
                ctx.now_ms()
            ],
        )?;
        last_seq = entry.seq;
        last_hash.clone_from(&entry.hash);
    }
    Ok(JournalReceipt {
        accepted_up_to: last_seq,
        last_hash,
    })
}

/// A hash from its lowercase hex.
fn decode_hash(text: &str) -> Result<[u8; 32], ApiError> {
    let mut out = [0; 32];
    if text.len() != 64 || text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::malformed("hashes are 64 lowercase hex digits"));
    }
    hex::decode_to_slice(text, &mut out).map_err(ApiError::malformed)?;
    Ok(out)
}

/// A sequence number as SQLite stores it.
fn seq_param(seq: u64) -> Result<i64, ApiError> {
    i64::try_from(seq).map_err(ApiError::malformed)
}

/// `409 journal_chain_broken` at `seq`.
fn broken(seq: u64, why: &str) -> ApiError {
    ApiError::conflict(
        ErrorCode::JournalChainBroken,
        format!("journal chain broken at entry {seq}: {why}"),
        "终端日志不连续",
    )
}

/// `POST /v1/kiosk/heartbeat`.
pub async fn heartbeat(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let request: Heartbeat = parse_json(body)?;
        ok(&heartbeat_logic(tx, ctx, &request)?)
    })
    .await
}

/// `POST /v1/kiosk/journal`.
pub async fn upload_journal(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let upload: JournalUpload = parse_json(body)?;
        ok(&journal_logic(tx, ctx, &upload)?)
    })
    .await
}

/// `GET /v1/time` (public).
pub async fn get_time(State(state): State<AppState>) -> Response {
    let now = ServerTime {
        server_time: state.faults.now(),
    };
    match to_json(&now) {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(refusal) => refusal.into_response(),
    }
}
