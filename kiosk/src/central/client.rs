//! The HTTP client of the central API (reqwest over rustls, mutual TLS in production).
//!
//! Every request is signed ([`central_api::signing`]); the server's clock, sent on every response,
//! keeps a clock offset current so timestamps stay within the server's skew bound even when the
//! kiosk's clock drifts, and a `clock_skew` refusal is corrected and retried once. Calls that are
//! safe to repeat — GETs, and POSTs/PUTs that carry an idempotency key, which central answers
//! once — are retried on network failures, time-outs and 5xx with capped exponential backoff.

use super::error::CentralError;
use central_api::dto::*;
use central_api::signing::{
    self, HEADER_IDEMPOTENCY_KEY, HEADER_KIOSK_ID, HEADER_SERVER_TIME, HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// Time-outs per kind of call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (TCP and TLS).
    pub connect: Duration,
    /// Ordinary calls.
    pub call: Duration,
    /// Identity verification (central compares faces) and certificate issue.
    pub slow_call: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(3),
            call: Duration::from_secs(8),
            slow_call: Duration::from_secs(20),
        }
    }
}

/// TLS material for mutual TLS.
#[derive(Clone, Default)]
pub struct TlsConfig {
    /// The CA that signed central's certificate (PEM); the only root trusted.
    pub ca_pem: Vec<u8>,
    /// The kiosk's certificate and private key (PEM, concatenated).
    pub identity_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

/// How to reach central.
#[derive(Clone)]
pub struct ClientConfig {
    /// `https://central.example:8443` (or `http://127.0.0.1:PORT` for the demo simulator).
    pub base_url: String,
    /// The kiosk's id.
    pub kiosk_id: String,
    /// The kiosk's signing key.
    pub key: Vec<u8>,
    /// Mutual TLS; `None` for plain HTTP on loopback only.
    pub tls: Option<TlsConfig>,
    /// Time-outs.
    pub timeouts: Timeouts,
    /// Retries of safe calls after the first attempt.
    pub retries: u32,
    /// First backoff; doubled per retry up to `backoff_cap`.
    pub backoff: Duration,
    /// Longest backoff.
    pub backoff_cap: Duration,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("kiosk_id", &self.kiosk_id)
            .field("tls", &self.tls.is_some())
            .field("timeouts", &self.timeouts)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// A configuration with the default time-outs and retries.
    pub fn new(
        base_url: impl Into<String>,
        kiosk_id: impl Into<String>,
        key: impl Into<Vec<u8>>,
    ) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into(),
            kiosk_id: kiosk_id.into(),
            key: key.into(),
            tls: None,
            timeouts: Timeouts::default(),
            retries: 2,
            backoff: Duration::from_millis(200),
            backoff_cap: Duration::from_secs(2),
        }
    }
}

/// A cacheable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conditional<T> {
    /// Unchanged since the ETag the kiosk sent.
    NotModified,
    /// A new version and its ETag.
    Fresh {
        /// The ETag to send next time.
        etag: Option<String>,
        /// The value.
        value: T,
    },
}

/// A raw answer, for the outbox (which stores bodies, not types) and diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
    /// The server's own time for the request, from its `server-timing` header, in milliseconds.
    pub server_ms: Option<f64>,
}

/// The `dur` of a `server-timing` header (`app;dur=1.234`), in milliseconds.
fn server_timing_ms(response: &reqwest::Response) -> Option<f64> {
    let value = response.headers().get("server-timing")?.to_str().ok()?;
    value
        .split([';', ','])
        .find_map(|part| part.trim().strip_prefix("dur="))
        .and_then(|dur| dur.parse().ok())
}

/// One call, before signing.
struct Call<'a> {
    method: Method,
    path: String,
    body: Option<Vec<u8>>,
    idempotency_key: Option<Uuid>,
    timeout: Duration,
    if_none_match: Option<&'a str>,
}

/// The central API client.
#[derive(Debug)]
pub struct CentralClient {
    http: reqwest::Client,
    config: ClientConfig,
    /// Server clock minus local clock, milliseconds.
    clock_offset_ms: AtomicI64,
}

fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl CentralClient {
    /// Builds a client. Fails when the TLS material is unreadable.
    pub fn new(config: ClientConfig) -> Result<CentralClient, CentralError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.timeouts.connect)
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("hall-kiosk/", env!("CARGO_PKG_VERSION")));
        if let Some(tls) = &config.tls {
            let ca = reqwest::Certificate::from_pem(&tls.ca_pem)
                .map_err(|e| CentralError::Config(format!("CA certificate: {e}")))?;
            let identity = reqwest::Identity::from_pem(&tls.identity_pem)
                .map_err(|e| CentralError::Config(format!("kiosk certificate or key: {e}")))?;
            builder = builder
                .use_rustls_tls()
                .tls_built_in_root_certs(false)
                .add_root_certificate(ca)
                .identity(identity)
                .https_only(true);
        } else if !is_loopback(&config.base_url) {
            return Err(CentralError::Config(
                "plain HTTP is allowed only on loopback; configure TLS".to_owned(),
            ));
        }
        let http = builder
            .build()
            .map_err(|e| CentralError::Config(format!("HTTP client: {e}")))?;
        Ok(CentralClient {
            http,
            config,
            clock_offset_ms: AtomicI64::new(0),
        })
    }

    /// The kiosk's id.
    pub fn kiosk_id(&self) -> &str {
        &self.config.kiosk_id
    }

    /// The current estimate of server clock minus local clock.
    pub fn clock_offset(&self) -> Duration {
        Duration::from_millis(self.clock_offset_ms.load(Ordering::Relaxed).unsigned_abs())
    }

    /// The current estimate of server clock minus local clock, signed, in milliseconds.
    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset_ms.load(Ordering::Relaxed)
    }

    /// Server time now, by the local clock corrected with the offset (for printed timestamps
    /// when central is unreachable, and for the journal).
    pub fn server_now_ms(&self) -> i64 {
        now_ms() + self.clock_offset_ms()
    }

    fn timeout(&self, slow: bool) -> Duration {
        if slow {
            self.config.timeouts.slow_call
        } else {
            self.config.timeouts.call
        }
    }

    async fn execute(&self, call: &Call<'_>) -> Result<reqwest::Response, CentralError> {
        let mut attempt = 0u32;
        let mut skew_retried = false;
        loop {
            let result = match self.attempt(call).await {
                Ok(resp) if resp.status() == StatusCode::UNAUTHORIZED => {
                    // A clock_skew refusal: the offset was just corrected from x-server-time,
                    // so the same call is signed again once.
                    let bytes = resp.bytes().await.unwrap_or_default();
                    let error = error_from(StatusCode::UNAUTHORIZED, &bytes);
                    if error.code() == Some(ErrorCode::ClockSkew) && !skew_retried {
                        skew_retried = true;
                        tracing::warn!(
                            offset_ms = self.clock_offset_ms(),
                            "clock skew refused; retrying with the corrected offset"
                        );
                        continue;
                    }
                    Err(error)
                }
                other => other,
            };
            let retryable = match &result {
                Ok(resp) => {
                    resp.status().is_server_error()
                        || resp.status() == StatusCode::TOO_MANY_REQUESTS
                }
                Err(e) => e.is_transient(),
            };
            if !retryable || attempt >= self.config.retries {
                return result;
            }
            let backoff = self
                .config
                .backoff
                .saturating_mul(2u32.saturating_pow(attempt))
                .min(self.config.backoff_cap);
            tracing::debug!(path = %call.path, attempt, ?backoff, "retrying central call");
            tokio::time::sleep(backoff).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, call: &Call<'_>) -> Result<reqwest::Response, CentralError> {
        let url = format!(
            "{}{}",
            self.config.base_url.trim_end_matches('/'),
            call.path
        );
        let body = call.body.as_deref().unwrap_or_default();
        let timestamp = self.server_now_ms();
        let canonical = signing::canonical(
            call.method.as_str(),
            &call.path,
            timestamp,
            body,
            &self.config.kiosk_id,
        );
        let mut request = self
            .http
            .request(call.method.clone(), url)
            .timeout(call.timeout)
            .header(HEADER_KIOSK_ID, &self.config.kiosk_id)
            .header(HEADER_TIMESTAMP, timestamp.to_string())
            .header(
                HEADER_SIGNATURE,
                signing::sign(&self.config.key, &canonical),
            );
        if let Some(key) = call.idempotency_key {
            request = request.header(HEADER_IDEMPOTENCY_KEY, key.to_string());
        }
        if let Some(etag) = call.if_none_match {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(body) = &call.body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let sent = now_ms();
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                CentralError::Timeout(call.timeout)
            } else {
                CentralError::Unreachable(error_chain(&e))
            }
        })?;
        self.observe_server_time(&response, sent);
        Ok(response)
    }

    /// Updates the clock offset from `x-server-time`, assuming the server stamped it halfway
    /// through the round trip.
    fn observe_server_time(&self, response: &reqwest::Response, sent_ms: i64) {
        let Some(server) = response
            .headers()
            .get(HEADER_SERVER_TIME)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<i64>().ok())
        else {
            return;
        };
        let received = now_ms();
        let local_mid = sent_ms + (received - sent_ms) / 2;
        self.clock_offset_ms
            .store(server - local_mid, Ordering::Relaxed);
    }

    async fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, CentralError> {
        let response = self.execute(&call).await?;
        decode(response).await
    }

    fn get(&self, path: String) -> Call<'static> {
        Call {
            method: Method::GET,
            path,
            body: None,
            idempotency_key: None,
            timeout: self.timeout(false),
            if_none_match: None,
        }
    }

    fn send_body<B: Serialize>(
        &self,
        method: Method,
        path: String,
        body: Option<&B>,
        key: Uuid,
        slow: bool,
    ) -> Result<Call<'static>, CentralError> {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| CentralError::Protocol(format!("cannot encode request: {e}")))?;
        Ok(Call {
            method,
            path,
            body,
            idempotency_key: Some(key),
            timeout: self.timeout(slow),
            if_none_match: None,
        })
    }

    /// Sends a stored request as it is (the outbox's replay), with its idempotency key.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        idempotency_key: Uuid,
    ) -> Result<RawResponse, CentralError> {
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| CentralError::Config(format!("bad method {method:?}")))?;
        let call = Call {
            method,
            path: path.to_owned(),
            body: (!body.is_empty()).then(|| body.to_vec()),
            idempotency_key: Some(idempotency_key),
            timeout: self.timeout(false),
            if_none_match: None,
        };
        let response = self.execute(&call).await?;
        let status = response.status();
        let server_ms = server_timing_ms(&response);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CentralError::Unreachable(error_chain(&e)))?;
        if status.is_success() {
            Ok(RawResponse {
                status: status.as_u16(),
                body: bytes.to_vec(),
                server_ms,
            })
        } else {
            Err(error_from(status, &bytes))
        }
    }

    /// A signed GET returning the raw answer, whatever its status (diagnostics and contract
    /// tests).
    pub async fn get_raw(&self, path: &str) -> Result<RawResponse, CentralError> {
        let response = self.execute(&self.get(path.to_owned())).await?;
        let status = response.status().as_u16();
        let server_ms = server_timing_ms(&response);
        let body = response
            .bytes()
            .await
            .map_err(|e| CentralError::Unreachable(error_chain(&e)))?;
        Ok(RawResponse {
            status,
            body: body.to_vec(),
            server_ms,
        })
    }

    // --- identity -------------------------------------------------------------------------

    /// Verifies the person at the kiosk against their card (face + liveness, with consent).
    pub async fn verify_identity(
        &self,
        request: &VerificationRequest,
        key: Uuid,
    ) -> Result<Verification, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/identity/verifications".into(),
            Some(request),
            key,
            true,
        )?;
        self.json(call).await
    }

    // --- records --------------------------------------------------------------------------

    /// The verified holder's units.
    pub async fn records(&self, verification_id: Uuid) -> Result<Records, CentralError> {
        self.json(self.get(format!("/v1/records?verification_id={verification_id}")))
            .await
    }

    /// 有房无房.
    pub async fn property_check(
        &self,
        verification_id: Uuid,
    ) -> Result<PropertyCheck, CentralError> {
        self.json(self.get(format!(
            "/v1/records/property-check?verification_id={verification_id}"
        )))
        .await
    }

    /// Issues a query-result certificate.
    pub async fn issue_certificate(
        &self,
        request: &CertificateRequest,
        key: Uuid,
    ) -> Result<Certificate, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/certificates".into(),
            Some(request),
            key,
            true,
        )?;
        self.json(call).await
    }

    /// Checks a certificate's verification code (public).
    pub async fn verify_certificate(&self, code: &str) -> Result<CertificateCheck, CentralError> {
        self.json(self.get(format!("/v1/certificates/verify/{}", path_segment(code))))
            .await
    }

    // --- queue ----------------------------------------------------------------------------

    /// Today's appointments of a verified person.
    pub async fn appointments_of(
        &self,
        verification_id: Uuid,
    ) -> Result<Appointments, CentralError> {
        self.json(self.get(format!(
            "/v1/appointments?verification_id={verification_id}"
        )))
        .await
    }

    /// Today's appointments under a typed booking code.
    pub async fn appointments_by_code(
        &self,
        booking_code: &str,
    ) -> Result<Appointments, CentralError> {
        self.json(self.get(format!(
            "/v1/appointments?booking_code={}",
            path_segment(booking_code)
        )))
        .await
    }

    /// Checks in for an appointment.
    pub async fn check_in(
        &self,
        appointment_id: &str,
        request: &CheckInRequest,
        key: Uuid,
    ) -> Result<Ticket, CentralError> {
        let path = format!("/v1/appointments/{}/check-in", path_segment(appointment_id));
        let call = self.send_body(Method::POST, path, Some(request), key, false)?;
        self.json(call).await
    }

    /// Bookable slots of a service on a day (`YYYY-MM-DD`).
    pub async fn slots(&self, service_code: &str, date: &str) -> Result<Slots, CentralError> {
        self.json(self.get(format!(
            "/v1/slots?service_code={}&date={}",
            path_segment(service_code),
            path_segment(date)
        )))
        .await
    }

    /// Books a slot.
    pub async fn book(
        &self,
        request: &BookingRequest,
        key: Uuid,
    ) -> Result<Appointment, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/appointments".into(),
            Some(request),
            key,
            false,
        )?;
        self.json(call).await
    }

    /// Takes a walk-in ticket.
    pub async fn create_ticket(
        &self,
        request: &TicketRequest,
        key: Uuid,
    ) -> Result<Ticket, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/tickets".into(),
            Some(request),
            key,
            false,
        )?;
        self.json(call).await
    }

    /// A service's queue.
    pub async fn queue(&self, service_code: &str) -> Result<QueueStatus, CentralError> {
        self.json(self.get(format!("/v1/queue/{}", path_segment(service_code))))
            .await
    }

    // --- cases ----------------------------------------------------------------------------

    /// A case's progress.
    pub async fn case(&self, case_number: &str) -> Result<CaseProgress, CentralError> {
        self.json(self.get(format!("/v1/cases/{}", path_segment(case_number))))
            .await
    }

    /// A case's fees.
    pub async fn fees(&self, case_number: &str) -> Result<Fees, CentralError> {
        self.json(self.get(format!("/v1/cases/{}/fees", path_segment(case_number))))
            .await
    }

    /// Creates a payment order for a case's fees.
    pub async fn create_payment(
        &self,
        case_number: &str,
        key: Uuid,
    ) -> Result<PaymentOrder, CentralError> {
        let path = format!("/v1/cases/{}/payments", path_segment(case_number));
        let call = self.send_body::<()>(Method::POST, path, None, key, false)?;
        self.json(call).await
    }

    /// A payment order's state.
    pub async fn payment(&self, order_id: &str) -> Result<PaymentOrder, CentralError> {
        self.json(self.get(format!("/v1/payments/{}", path_segment(order_id))))
            .await
    }

    /// Chooses how to receive the certificate.
    pub async fn set_pickup(
        &self,
        case_number: &str,
        request: &PickupRequest,
        key: Uuid,
    ) -> Result<Pickup, CentralError> {
        let path = format!("/v1/cases/{}/pickup", path_segment(case_number));
        let call = self.send_body(Method::PUT, path, Some(request), key, false)?;
        self.json(call).await
    }

    // --- guide ----------------------------------------------------------------------------

    async fn conditional<T: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Conditional<T>, CentralError> {
        let call = Call {
            if_none_match: etag,
            ..self.get(path.to_owned())
        };
        let response = self.execute(&call).await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified);
        }
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Conditional::Fresh {
            etag,
            value: decode(response).await?,
        })
    }

    /// The service-topic catalogue, unless unchanged since `etag`.
    pub async fn catalogue(
        &self,
        etag: Option<&str>,
    ) -> Result<Conditional<Catalogue>, CentralError> {
        self.conditional("/v1/catalogue", etag).await
    }

    /// The FAQ, unless unchanged since `etag`.
    pub async fn faq(&self, etag: Option<&str>) -> Result<Conditional<Faq>, CentralError> {
        self.conditional("/v1/faq", etag).await
    }

    /// Leaves a question.
    pub async fn create_question(
        &self,
        request: &QuestionRequest,
        key: Uuid,
    ) -> Result<QuestionReceipt, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/questions".into(),
            Some(request),
            key,
            false,
        )?;
        self.json(call).await
    }

    /// Rates a case or a ticket.
    pub async fn create_rating(
        &self,
        request: &RatingRequest,
        key: Uuid,
    ) -> Result<RatingReceipt, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/ratings".into(),
            Some(request),
            key,
            false,
        )?;
        self.json(call).await
    }

    // --- kiosk ----------------------------------------------------------------------------

    /// Sends the heartbeat.
    pub async fn heartbeat(
        &self,
        request: &Heartbeat,
        key: Uuid,
    ) -> Result<HeartbeatReply, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/kiosk/heartbeat".into(),
            Some(request),
            key,
            false,
        )?;
        self.json(call).await
    }

    /// Uploads a run of journal entries; `409 journal_chain_broken` when it does not continue
    /// the chain central holds for the kiosk.
    pub async fn upload_journal(
        &self,
        request: &JournalUpload,
        key: Uuid,
    ) -> Result<JournalReceipt, CentralError> {
        let call = self.send_body(
            Method::POST,
            "/v1/kiosk/journal".into(),
            Some(request),
            key,
            false,
        )?;
        self.json(call).await
    }

    /// The server's clock (also corrects the offset).
    pub async fn server_time(&self) -> Result<ServerTime, CentralError> {
        self.json(self.get("/v1/time".to_owned())).await
    }
}

/// Reads a response: the typed body on success, the typed error otherwise.
async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, CentralError> {
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| CentralError::Unreachable(error_chain(&e)))?;
    if status.is_success() {
        serde_json::from_slice(&bytes)
            .map_err(|e| CentralError::Protocol(format!("HTTP {status} body: {e}")))
    } else {
        Err(error_from(status, &bytes))
    }
}

fn error_from(status: StatusCode, bytes: &[u8]) -> CentralError {
    let body = serde_json::from_slice::<ErrorBody>(bytes).ok();
    match (status.is_server_error(), body) {
        (true, body) => CentralError::Server {
            status: status.as_u16(),
            body,
        },
        (false, Some(body)) => CentralError::Refused {
            status: status.as_u16(),
            body,
        },
        (false, None) => CentralError::Protocol(format!("HTTP {status} without an error body")),
    }
}

/// The error and its sources in one line (reqwest's own message hides the cause).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Percent-encodes a value for a path segment or a query value.
fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn is_loopback(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    host == "localhost"
        || host == "127.0.0.1"
        || host.starts_with("127.")
        || rest.starts_with("[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("BDC-2026-001"), "BDC-2026-001");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(path_segment("京"), "%E4%BA%AC");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(is_loopback("http://127.0.0.1:8080"));
        assert!(is_loopback("http://localhost:1"));
        assert!(is_loopback("http://[::1]:80/"));
        assert!(!is_loopback("http://central.example"));
        let config = ClientConfig::new("http://10.1.2.3:80", "k", b"key".to_vec());
        assert!(matches!(
            CentralClient::new(config),
            Err(CentralError::Config(_))
        ));
    }
}
