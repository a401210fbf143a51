//! The service guide, questions and ratings: `GET /v1/catalogue`, `GET /v1/faq` (cacheable:
//! `ETag`, and `304` for a matching `If-None-Match`), `POST /v1/questions`, `POST /v1/ratings`.
//!
//! - Questions: the text must not be blank (at most [`MAX_QUESTION_CHARS`] characters), the
//!   phone must be an 11-digit mobile number starting with 1, and a topic, when given, must be
//!   in the catalogue; else `400`.
//! - Ratings (reference, "Code formats"): one per case, and one per ticket of today
//!   (`already_rated`); 不满意 and 非常不满意 need at least one reason (`400`); an unknown case or
//!   ticket is `404`.

use crate::central::app::{AppState, Ctx, Signed, created, mutate, parse_json};
use crate::central::error::ApiError;
use crate::central::guide::etag_matches;
use crate::central::routes::cases::load_case;
use crate::central::routes::queue::day_key;
use crate::central::store::next_counter;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use central_api::dto::{
    ErrorCode, QuestionReceipt, QuestionRequest, RatingReceipt, RatingRequest, RatingTarget,
};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

/// Longest question accepted.
pub const MAX_QUESTION_CHARS: usize = 1_000;

/// A cacheable answer: `304` when the kiosk's ETag matches, else `200` with the body and
/// `ETag`.
fn cacheable<T: Serialize>(headers: &HeaderMap, etag: &str, value: &T) -> Response {
    let etag_header = HeaderValue::from_str(etag).ok();
    let matches = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match serde_json::to_vec(value) {
            Ok(body) => crate::central::app::json_response(StatusCode::OK, body),
            Err(e) => return ApiError::internal(e).into_response(),
        }
    };
    if let Some(etag) = etag_header {
        response.headers_mut().insert(ETAG, etag);
    }
    response
}

/// `GET /v1/catalogue`.
pub async fn get_catalogue(State(state): State<AppState>, headers: HeaderMap) -> Response {
    cacheable(
        &headers,
        &state.guide.catalogue_etag(),
        &state.guide.catalogue,
    )
}

/// `GET /v1/faq`.
pub async fn get_faq(State(state): State<AppState>, headers: HeaderMap) -> Response {
    cacheable(&headers, &state.guide.faq_etag(), &state.guide.faq)
}

/// Whether a text is an 11-digit mainland mobile number.
pub fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

fn question(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    request: &QuestionRequest,
) -> Result<QuestionReceipt, ApiError> {
    let text = request.text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request(
            "the question is empty",
            "请填写问题内容",
        ));
    }
    if text.chars().count() > MAX_QUESTION_CHARS {
        return Err(ApiError::bad_request(
            format!("the question is longer than {MAX_QUESTION_CHARS} characters"),
            "问题内容过长",
        ));
    }
    if !is_mobile(&request.phone) {
        return Err(ApiError::bad_request(
            "phone must be an 11-digit mobile number",
            "手机号码应为11位数字",
        ));
    }
    if let Some(topic) = &request.topic_code {
        if ctx.guide.topic(topic).is_none() {
            return Err(ApiError::bad_request(
                format!("no topic {topic:?}"),
                "没有该办事主题",
            ));
        }
    }
    let question_id = format!("Q{:06}", next_counter(tx, "question")?);
    tx.execute(
        "INSERT INTO questions (question_id, kiosk_id, text, phone, topic_code, asked_at, received_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            question_id,
            ctx.kiosk_id,
            text,
            request.phone,
            request.topic_code,
            request.asked_at.to_string(),
            ctx.now_ms()
        ],
    )?;
    Ok(QuestionReceipt { question_id })
}

fn rating(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    request: &RatingRequest,
) -> Result<RatingReceipt, ApiError> {
    if request.level.is_dissatisfied() && request.reasons.is_empty() {
        return Err(ApiError::bad_request(
            "a dissatisfied rating needs at least one reason",
            "请选择不满意的原因",
        ));
    }
    let (kind, target) = match &request.target {
        RatingTarget::Case { case_number } => {
            let case = load_case(tx, case_number.as_str())?
                .ok_or_else(|| ApiError::not_found("case", "该办件"))?;
            ("case", case.case_number)
        }
        RatingTarget::Ticket { ticket_number } => {
            let day = day_key(ctx.now);
            let known: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM tickets WHERE day = ?1 AND ticket_number = ?2",
                    params![day, ticket_number.trim()],
                    |row| row.get(0),
                )
                .optional()?;
            if known.is_none() {
                return Err(ApiError::not_found("ticket", "该排队号"));
            }
            ("ticket", format!("{day}/{}", ticket_number.trim()))
        }
    };
    let rated: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM ratings WHERE target_kind = ?1 AND target = ?2",
            params![kind, target],
            |row| row.get(0),
        )
        .optional()?;
    let case_rated = kind == "case"
        && tx.query_row(
            "SELECT rated FROM cases WHERE case_number = ?1",
            params![target],
            |row| row.get::<_, bool>(0),
        )?;
    if rated.is_some() || case_rated {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyRated,
            "already rated",
            "您已评价过",
        ));
    }
    let rating_id = format!("R{:06}", next_counter(tx, "rating")?);
    let reasons: Vec<&str> = request.reasons.iter().map(|r| r.as_str()).collect();
    tx.execute(
        "INSERT INTO ratings (rating_id, kiosk_id, target_kind, target, level, reasons, comment,
             rated_at, received_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            rating_id,
            ctx.kiosk_id,
            kind,
            target,
            request.level.as_str(),
            reasons.join(","),
            request.comment,
            request.rated_at.to_string(),
            ctx.now_ms()
        ],
    )?;
    if kind == "case" {
        tx.execute(
            "UPDATE cases SET rated = 1 WHERE case_number = ?1",
            params![target],
        )?;
    }
    Ok(RatingReceipt { rating_id })
}

/// `POST /v1/questions`.
pub async fn create_question(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let request: QuestionRequest = parse_json(body)?;
        created(&question(tx, ctx, &request)?)
    })
    .await
}

/// `POST /v1/ratings`.
pub async fn create_rating(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let request: RatingRequest = parse_json(body)?;
        created(&rating(tx, ctx, &request)?)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers() {
        assert!(is_mobile("13800138000"));
        assert!(!is_mobile("1380013800"));
        assert!(!is_mobile("03800138000"));
        assert!(!is_mobile("1380013800x"));
    }
}
