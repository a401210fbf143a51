//! Kiosk management: `POST /v1/kiosk/heartbeat`, `POST /v1/kiosk/journal`, `GET /v1/time`.
//!
//! - Heartbeat: stored as received; the reply carries the server's clock and the configuration
//!   set through [`crate::central::FaultHandle::set_config`] (empty unless set).
//! - Journal: the records of one upload must have strictly increasing sequence numbers (`400`
//!   otherwise). Records at or below the highest number central already holds for the kiosk
//!   are skipped as already received (an upload retried under a new key); the reply's
//!   `accepted_up_to` is the highest number held after the upload (0 for none).

use crate::central::app::{AppState, Ctx, Signed, json_response, mutate, ok, parse_json, to_json};
use crate::central::error::ApiError;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use central_api::dto::{Heartbeat, HeartbeatReply, JournalReceipt, JournalUpload, ServerTime};
use rusqlite::{Transaction, params};

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
    if upload.records.windows(2).any(|w| match w {
        [a, b] => b.seq <= a.seq,
        _ => false,
    }) {
        return Err(ApiError::bad_request(
            "journal records must be in increasing seq order",
            "日志记录顺序有误",
        ));
    }
    let held: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM journal WHERE kiosk_id = ?1",
        params![ctx.kiosk_id],
        |row| row.get(0),
    )?;
    let held = u64::try_from(held).unwrap_or(0);
    let mut accepted_up_to = held;
    for record in upload.records.iter().filter(|r| r.seq > held) {
        tx.execute(
            "INSERT INTO journal (kiosk_id, seq, record_json, received_ms) VALUES (?1, ?2, ?3, ?4)",
            params![
                ctx.kiosk_id,
                i64::try_from(record.seq).map_err(ApiError::malformed)?,
                serde_json::to_string(record).map_err(ApiError::internal)?,
                ctx.now_ms()
            ],
        )?;
        accepted_up_to = record.seq;
    }
    Ok(JournalReceipt { accepted_up_to })
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
