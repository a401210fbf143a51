//! The HTTP application: the routes of `api/src/spec.rs`, and the layers every request passes.
//!
//! Outermost first:
//! 1. faults and clock: counts the request, waits the injected latency, answers an injected
//!    error if one is due, and stamps `x-server-time` (unix ms, the server's clock) on every
//!    answer, errors and public routes included;
//! 2. authentication: reads the body (at most [`MAX_BODY_BYTES`], else `413`), and except for
//!    `GET /v1/time` and `GET /v1/certificates/verify/{code}` checks the kiosk's signature
//!    (`unauthenticated`) and then its timestamp against the server's clock (`clock_skew`),
//!    both `401`;
//! 3. the handlers, which parse their own input so every refusal is an
//!    [`ErrorBody`](central_api::dto::ErrorBody), and run their logic in one SQLite transaction
//!    ([`mutate`] for state-changing calls, with the idempotency store; [`read`] for the rest).

use super::error::ApiError;
use super::faults::{Counter, FaultHandle};
use super::guide::Guide;
use super::routes;
use super::store::{Db, IdempotentRequest, unix_ms};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use central_api::dto::ErrorCode;
use central_api::signing::{
    self, HEADER_IDEMPOTENCY_KEY, HEADER_KIOSK_ID, HEADER_SERVER_TIME, HEADER_SIGNATURE,
    HEADER_TIMESTAMP, MAX_SKEW_MS,
};
use rusqlite::Transaction;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Largest request body accepted (a face JPEG in base64 fits many times over).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Largest oversized body still read (and discarded) before the `413`.
const DRAIN_LIMIT_BYTES: usize = 4 * MAX_BODY_BYTES;

/// The business rules' parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// How long before a slot's start check-in opens.
    pub check_in_early: Duration,
    /// How long after a slot's start check-in closes.
    pub check_in_late: Duration,
    /// Walk-in tickets per service and day.
    pub walk_in_cap: u32,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Faults, clock, heartbeat configuration, counters.
    pub faults: FaultHandle,
    /// Kiosk id to HMAC key.
    pub kiosks: Arc<BTreeMap<String, Vec<u8>>>,
    /// Business rules.
    pub rules: Rules,
    /// Catalogue and FAQ.
    pub guide: Arc<Guide>,
}

/// What the logic of one request may read besides the database.
#[derive(Clone)]
pub struct Ctx {
    /// The server's clock at the request.
    pub now: OffsetDateTime,
    /// The signing kiosk (empty on public routes).
    pub kiosk_id: String,
    /// Business rules.
    pub rules: Rules,
    /// Catalogue and FAQ.
    pub guide: Arc<Guide>,
    /// Heartbeat configuration.
    pub config: BTreeMap<String, String>,
}

impl Ctx {
    /// The server's clock in unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        unix_ms(self.now)
    }
}

/// The authenticated request, put in the extensions by the authentication layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The kiosk that signed.
    pub kiosk_id: String,
    /// The method.
    pub method: String,
    /// The path with its query, as received and signed.
    pub path_and_query: String,
}

impl AppState {
    fn ctx(&self, kiosk_id: &str) -> Ctx {
        Ctx {
            now: self.faults.now(),
            kiosk_id: kiosk_id.to_owned(),
            rules: self.rules,
            guide: Arc::clone(&self.guide),
            config: self.faults.config(),
        }
    }
}

/// The router with every operation and both layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/v1/identity/verifications",
            post(routes::identity::create_verification),
        )
        .route("/v1/records", get(routes::records::get_records))
        .route(
            "/v1/records/property-check",
            get(routes::records::get_property_check),
        )
        .route("/v1/certificates", post(routes::records::issue_certificate))
        .route(
            "/v1/certificates/verify/{code}",
            get(routes::records::verify_certificate),
        )
        .route(
            "/v1/appointments",
            get(routes::queue::get_appointments).post(routes::queue::book),
        )
        .route(
            "/v1/appointments/{appointment_id}/check-in",
            post(routes::queue::check_in),
        )
        .route("/v1/slots", get(routes::queue::get_slots))
        .route("/v1/tickets", post(routes::queue::create_ticket))
        .route("/v1/queue/{service_code}", get(routes::queue::get_queue))
        .route("/v1/cases/{case_number}", get(routes::cases::get_case))
        .route("/v1/cases/{case_number}/fees", get(routes::cases::get_fees))
        .route(
            "/v1/cases/{case_number}/payments",
            post(routes::cases::create_payment),
        )
        .route("/v1/payments/{order_id}", get(routes::cases::get_payment))
        .route(
            "/v1/cases/{case_number}/pickup",
            put(routes::cases::set_pickup),
        )
        .route("/v1/catalogue", get(routes::guide::get_catalogue))
        .route("/v1/faq", get(routes::guide::get_faq))
        .route("/v1/questions", post(routes::guide::create_question))
        .route("/v1/ratings", post(routes::guide::create_rating))
        .route("/v1/kiosk/heartbeat", post(routes::kiosk::heartbeat))
        .route("/v1/kiosk/journal", post(routes::kiosk::upload_journal))
        .route("/v1/time", get(routes::kiosk::get_time))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults_and_clock,
        ))
        .with_state(state)
}

async fn no_route() -> ApiError {
    ApiError::not_found("route", "该服务")
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::BadRequest,
        "method not allowed on this path",
        "请求方式有误",
    )
}

/// Layer 1: counters, latency, injected errors, `x-server-time`, and `server-timing` (the
/// server's own time for the request, so a client can measure its overhead against it).
async fn faults_and_clock(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let faults = &state.faults;
    faults.bump(Counter::Requests);
    let latency = faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut response = match faults.take_error() {
        Some(status) => {
            faults.bump(Counter::InjectedErrors);
            injected_error(status).into_response()
        }
        None => next.run(request).await,
    };
    let now = unix_ms(faults.now()).to_string();
    if let Ok(value) = HeaderValue::from_str(&now) {
        response.headers_mut().insert(HEADER_SERVER_TIME, value);
    }
    let took = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={took:.3}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// The answer of an injected error: `internal` for 500, `unavailable` otherwise.
fn injected_error(status: u16) -> ApiError {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        ApiError::new(
            status,
            ErrorCode::Internal,
            "injected internal error",
            "系统内部错误，请稍后重试",
        )
    } else {
        ApiError::new(
            status,
            ErrorCode::Unavailable,
            "central system unavailable (injected)",
            "系统暂时无法使用，请稍后重试",
        )
        .with_retry_after_ms(1_000)
    }
}

fn is_public(method: &Method, path: &str) -> bool {
    method == Method::GET && (path == "/v1/time" || path.starts_with("/v1/certificates/verify/"))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::BadRequest,
        format!("request body larger than {MAX_BODY_BYTES} bytes"),
        "请求内容过大",
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Layer 2: body limit, signature, clock skew.
async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let declared =
        header(&parts.headers, CONTENT_LENGTH.as_str()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        // Read a moderately oversized body before refusing it, so the client, still sending,
        // gets the answer instead of a reset connection.
        if declared.is_some_and(|n| n <= DRAIN_LIMIT_BYTES as u64) {
            let _ = axum::body::to_bytes(body, DRAIN_LIMIT_BYTES).await;
        }
        return too_large().into_response();
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return too_large().into_response();
    };
    if !is_public(&parts.method, parts.uri.path()) {
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        match verify_signature(
            &state,
            &parts.headers,
            parts.method.as_str(),
            &path_and_query,
            &bytes,
        ) {
            Ok(kiosk_id) => {
                parts.extensions.insert(Signed {
                    kiosk_id,
                    method: parts.method.as_str().to_owned(),
                    path_and_query,
                });
            }
            Err(refusal) => return refusal.into_response(),
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Checks the signature, then the timestamp; the signing kiosk's id on success.
fn verify_signature(
    state: &AppState,
    headers: &HeaderMap,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> Result<String, ApiError> {
    let refuse = |message: &str| {
        state.faults.bump(Counter::SignatureFailures);
        ApiError::unauthenticated(message)
    };
    let kiosk_id = header(headers, HEADER_KIOSK_ID).ok_or_else(|| refuse("x-kiosk-id missing"))?;
    let timestamp = header(headers, HEADER_TIMESTAMP)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| refuse("x-timestamp missing or not unix milliseconds"))?;
    let signature =
        header(headers, HEADER_SIGNATURE).ok_or_else(|| refuse("x-signature missing"))?;
    let key = state
        .kiosks
        .get(kiosk_id)
        .ok_or_else(|| refuse("unknown kiosk"))?;
    let canonical = signing::canonical(method, path_and_query, timestamp, body, kiosk_id);
    if !signing::verify(key, &canonical, signature.trim()) {
        return Err(refuse("signature does not match the request"));
    }
    let skew = unix_ms(state.faults.now()).saturating_sub(timestamp);
    if skew.abs() > MAX_SKEW_MS {
        state.faults.bump(Counter::ClockSkewRefusals);
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::ClockSkew,
            format!(
                "timestamp {skew} ms from the server's clock (limit {MAX_SKEW_MS} ms): see x-server-time"
            ),
            "终端时钟与服务器不一致，请校准后重试",
        ));
    }
    Ok(kiosk_id.to_owned())
}

/// A JSON answer.
pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(CONTENT_TYPE, "application/json")], body).into_response()
}

/// Serialises a value for an answer.
pub fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(ApiError::internal)
}

/// `201 Created` with a JSON body.
pub fn created<T: Serialize>(value: &T) -> Result<(StatusCode, Vec<u8>), ApiError> {
    Ok((StatusCode::CREATED, to_json(value)?))
}

/// `200 OK` with a JSON body.
pub fn ok<T: Serialize>(value: &T) -> Result<(StatusCode, Vec<u8>), ApiError> {
    Ok((StatusCode::OK, to_json(value)?))
}

/// Parses a JSON body; any failure (syntax, a missing field, a domain value that does not
/// parse) is `400 bad_request` with the parser's message.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(ApiError::malformed)
}

/// The `idempotency-key` header, which must be a UUID.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = header(headers, HEADER_IDEMPOTENCY_KEY).ok_or_else(|| {
        ApiError::bad_request("idempotency-key header missing", "请求缺少幂等标识")
    })?;
    let uuid = Uuid::parse_str(key.trim()).map_err(|_| {
        ApiError::bad_request("idempotency-key is not a UUID", "请求的幂等标识格式有误")
    })?;
    Ok(uuid.hyphenated().to_string())
}

/// Runs a state-changing request: requires an idempotency key, replays or refuses a repeat,
/// and runs `work` with its effect and the stored answer in one transaction.
pub async fn mutate<F>(
    state: &AppState,
    signed: &Signed,
    headers: &HeaderMap,
    body: Bytes,
    work: F,
) -> Response
where
    F: FnOnce(&Transaction<'_>, &Ctx, &[u8]) -> Result<(StatusCode, Vec<u8>), ApiError>
        + Send
        + 'static,
{
    let key = match idempotency_key(headers) {
        Ok(key) => key,
        Err(refusal) => return refusal.into_response(),
    };
    let request = IdempotentRequest::new(
        &signed.kiosk_id,
        &key,
        &signed.method,
        &signed.path_and_query,
        &body,
    );
    let ctx = state.ctx(&signed.kiosk_id);
    let now_ms = ctx.now_ms();
    match state
        .db
        .idempotent(request, now_ms, move |tx| work(tx, &ctx, &body))
        .await
    {
        Ok(answer) => {
            if answer.replayed {
                state.faults.bump(Counter::IdempotentReplays);
            }
            json_response(answer.status, answer.body)
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// Runs a read (which may still record something, such as a payment poll) in one transaction
/// and answers `200` with its JSON.
pub async fn read<T, F>(state: &AppState, kiosk_id: &str, work: F) -> Response
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Transaction<'_>, &Ctx) -> Result<T, ApiError> + Send + 'static,
{
    let ctx = state.ctx(kiosk_id);
    let result = state
        .db
        .transaction(move |tx| work(tx, &ctx).and_then(|value| to_json(&value)))
        .await;
    match result {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(refusal) => refusal.into_response(),
    }
}
