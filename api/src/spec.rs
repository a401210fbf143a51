//! The OpenAPI 3.1 document of the central API, generated from the request and response types.
//!
//! The operations below are declarations only (their bodies are empty): the kiosk's client and
//! the simulator's server implement them. `api/central.yaml` is this document, committed; the
//! test `committed_document_is_current` fails when the two differ (regenerate with
//! `UPDATE_CENTRAL_YAML=1 cargo test -p central-api committed_document_is_current`).
#![allow(
    dead_code,
    reason = "operation declarations exist only for the OpenAPI document"
)]

use crate::dto::*;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};

/// The document, generated.
pub fn document() -> utoipa::openapi::OpenApi {
    CentralApi::openapi()
}

/// The document as YAML, as committed in `api/central.yaml`.
pub fn yaml() -> Result<String, String> {
    document().to_yaml().map_err(|e| e.to_string())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hall kiosk central API",
        version = "1.0.0",
        description = "What a self-service kiosk in a real-estate registration hall needs from the hall's central system: identity verification, registration records and query-result certificates, appointments and the queue, cases, fees and pickup, the service guide, questions and ratings, and kiosk management.\n\nEvery request carries the kiosk's identity and an HMAC-SHA256 signature (`x-kiosk-id`, `x-timestamp`, `x-signature`) over `METHOD\\nPATH?QUERY\\nTIMESTAMP_MS\\nSHA256_HEX(BODY)\\nKIOSK_ID`; the server refuses timestamps more than 300 s from its clock and sends its clock in `x-server-time` on every response. State-changing calls carry an `idempotency-key` (UUID): a repeat with the same key returns the first answer and changes nothing. Production runs over mutual TLS. Errors have the body `ErrorBody`.",
        license(name = "GPL-3.0-or-later", identifier = "GPL-3.0-or-later")
    ),
    paths(
        create_verification,
        get_records,
        get_property_check,
        issue_certificate,
        verify_certificate,
        get_appointments,
        check_in,
        get_slots,
        book,
        create_ticket,
        get_queue,
        get_case,
        get_fees,
        create_payment,
        get_payment,
        set_pickup,
        get_catalogue,
        get_faq,
        create_question,
        create_rating,
        heartbeat,
        upload_journal,
        get_time,
    ),
    modifiers(&Security),
    tags(
        (name = "identity", description = "Identity verification (card + face + liveness)"),
        (name = "records", description = "Registration records and query-result certificates"),
        (name = "queue", description = "Appointments, check-in, walk-in tickets"),
        (name = "cases", description = "Case progress, fees, payment, pickup"),
        (name = "guide", description = "Service guide, FAQ, questions, ratings"),
        (name = "kiosk", description = "Kiosk management"),
    )
)]
struct CentralApi;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "kiosk_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-signature",
                "HMAC-SHA256 of the canonical request with the kiosk's key; see the description",
            ))),
        );
    }
}

/// The headers every request carries.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
struct Signed {
    /// The kiosk's id.
    #[param(rename = "x-kiosk-id", example = "BJ-CY-KIOSK-01")]
    kiosk_id: String,
    /// Unix time of signing in milliseconds.
    #[param(rename = "x-timestamp", example = 1764292323000_i64)]
    timestamp: i64,
    /// Hex HMAC-SHA256 of the canonical request.
    #[param(rename = "x-signature", pattern = "^[0-9a-f]{64}$")]
    signature: String,
}

/// The headers of a state-changing request.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
struct SignedIdempotent {
    /// The kiosk's id.
    #[param(rename = "x-kiosk-id", example = "BJ-CY-KIOSK-01")]
    kiosk_id: String,
    /// Unix time of signing in milliseconds.
    #[param(rename = "x-timestamp", example = 1764292323000_i64)]
    timestamp: i64,
    /// Hex HMAC-SHA256 of the canonical request.
    #[param(rename = "x-signature", pattern = "^[0-9a-f]{64}$")]
    signature: String,
    /// A UUID; repeats with the same key return the first answer.
    #[param(rename = "idempotency-key", format = Uuid)]
    idempotency_key: String,
}

/// A verification id in the query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct VerificationQuery {
    /// From `POST /v1/identity/verifications`.
    verification_id: uuid::Uuid,
}

/// Who the appointments are for: a verification or a typed booking code.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct AppointmentQuery {
    /// From `POST /v1/identity/verifications`.
    verification_id: Option<uuid::Uuid>,
    /// The booking code the citizen received.
    booking_code: Option<String>,
}

/// Which slots.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct SlotQuery {
    /// Service code.
    service_code: String,
    /// Day, `YYYY-MM-DD`.
    #[param(format = Date)]
    date: String,
}

/// Conditional GET.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
struct Conditional {
    /// The ETag the kiosk holds.
    #[param(rename = "if-none-match")]
    if_none_match: Option<String>,
}

#[utoipa::path(post, path = "/v1/identity/verifications", tag = "identity",
    params(SignedIdempotent), request_body = VerificationRequest,
    responses(
        (status = 201, description = "The person is the card's holder", body = Verification),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 422, description = "Refused: consent_missing, face_mismatch, liveness_failed or identity_unknown", body = ErrorBody,
            example = json!({"code": "face_mismatch", "message": "face does not match the card holder", "message_zh": "人脸与证件不一致，请到人工窗口办理"})),
        (status = 503, description = "Unavailable", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn create_verification() {}

#[utoipa::path(get, path = "/v1/records", tag = "records", params(Signed, VerificationQuery),
    responses(
        (status = 200, description = "The verified holder's units, with rights and restrictions", body = Records),
        (status = 400, description = "Malformed verification_id", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 403, description = "verification_expired", body = ErrorBody),
        (status = 503, description = "Unavailable", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_records() {}

#[utoipa::path(get, path = "/v1/records/property-check", tag = "records", params(Signed, VerificationQuery),
    responses(
        (status = 200, description = "有房无房", body = PropertyCheck),
        (status = 400, description = "Malformed verification_id", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 403, description = "verification_expired", body = ErrorBody),
        (status = 503, description = "Unavailable", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_property_check() {}

#[utoipa::path(post, path = "/v1/certificates", tag = "records",
    params(SignedIdempotent), request_body = CertificateRequest,
    responses(
        (status = 201, description = "Issued; content to print (no units: the no-record certificate)", body = Certificate),
        (status = 400, description = "Malformed request (purpose missing)", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 403, description = "verification_expired", body = ErrorBody),
        (status = 409, description = "idempotency_conflict", body = ErrorBody),
        (status = 503, description = "Unavailable", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn issue_certificate() {}

#[utoipa::path(get, path = "/v1/certificates/verify/{code}", tag = "records",
    params(("code" = String, Path, description = "The verification code printed on the certificate", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "Whether the code is genuine (public: no signature needed)", body = CertificateCheck),
        (status = 400, description = "Malformed code", body = ErrorBody),
    ))]
fn verify_certificate() {}

#[utoipa::path(get, path = "/v1/appointments", tag = "queue", params(Signed, AppointmentQuery),
    responses(
        (status = 200, description = "Today's appointments", body = Appointments),
        (status = 400, description = "Neither verification_id nor booking_code", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 403, description = "verification_expired", body = ErrorBody),
        (status = 503, description = "Unavailable", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_appointments() {}

#[utoipa::path(post, path = "/v1/appointments/{appointment_id}/check-in", tag = "queue",
    params(SignedIdempotent, ("appointment_id" = String, Path, description = "The appointment")),
    request_body = CheckInRequest,
    responses(
        (status = 200, description = "Checked in; the queue ticket", body = Ticket),
        (status = 400, description = "Neither verification_id nor booking_code", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 403, description = "verification_expired", body = ErrorBody),
        (status = 404, description = "not_found: no such appointment for this person or code", body = ErrorBody),
        (status = 409, description = "too_early (see earliest_at), too_late (walk_in_offered), already_checked_in, idempotency_conflict", body = ErrorBody,
            example = json!({"code": "too_early", "message": "check-in opens 60 minutes before the slot", "message_zh": "还未到签到时间", "earliest_at": "2026-11-28T13:00:00+08:00"})),
        (status = 503, description = "Unavailable", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn check_in() {}

#[utoipa::path(get, path = "/v1/slots", tag = "queue", params(Signed, SlotQuery),
    responses(
        (status = 200, description = "Bookable slots", body = Slots),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "Unknown service", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_slots() {}

#[utoipa::path(post, path = "/v1/appointments", tag = "queue",
    params(SignedIdempotent), request_body = BookingRequest,
    responses(
        (status = 201, description = "Booked", body = Appointment),
        (status = 400, description = "Unknown service or a slot that is not listed", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 403, description = "verification_expired", body = ErrorBody),
        (status = 409, description = "slot_taken, idempotency_conflict", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn book() {}

#[utoipa::path(post, path = "/v1/tickets", tag = "queue",
    params(SignedIdempotent), request_body = TicketRequest,
    responses(
        (status = 201, description = "A walk-in ticket", body = Ticket),
        (status = 400, description = "Malformed request (a walk-in cannot claim the appointment priority)", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 403, description = "verification_expired", body = ErrorBody),
        (status = 404, description = "Unknown service", body = ErrorBody),
        (status = 409, description = "daily_cap_reached, idempotency_conflict", body = ErrorBody),
        (status = 503, description = "Unavailable", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn create_ticket() {}

#[utoipa::path(get, path = "/v1/queue/{service_code}", tag = "queue",
    params(Signed, ("service_code" = String, Path, description = "The queue series")),
    responses(
        (status = 200, description = "The queue now", body = QueueStatus),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "Unknown service", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_queue() {}

#[utoipa::path(get, path = "/v1/cases/{case_number}", tag = "cases",
    params(Signed, ("case_number" = String, Path, description = "受理编号")),
    responses(
        (status = 200, description = "Progress", body = CaseProgress),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_case() {}

#[utoipa::path(get, path = "/v1/cases/{case_number}/fees", tag = "cases",
    params(Signed, ("case_number" = String, Path, description = "受理编号")),
    responses(
        (status = 200, description = "Fees", body = Fees),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_fees() {}

#[utoipa::path(post, path = "/v1/cases/{case_number}/payments", tag = "cases",
    params(SignedIdempotent, ("case_number" = String, Path, description = "受理编号")),
    responses(
        (status = 201, description = "A payment order with its QR payload", body = PaymentOrder),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "nothing_to_pay, idempotency_conflict", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn create_payment() {}

#[utoipa::path(get, path = "/v1/payments/{order_id}", tag = "cases",
    params(Signed, ("order_id" = String, Path, description = "The order")),
    responses(
        (status = 200, description = "The order's state", body = PaymentOrder),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_payment() {}

#[utoipa::path(put, path = "/v1/cases/{case_number}/pickup", tag = "cases",
    params(SignedIdempotent, ("case_number" = String, Path, description = "受理编号")),
    request_body = PickupRequest,
    responses(
        (status = 200, description = "Pickup chosen", body = Pickup),
        (status = 400, description = "Courier without an address, malformed phone", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "pickup_locked", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn set_pickup() {}

#[utoipa::path(get, path = "/v1/catalogue", tag = "guide", params(Signed, Conditional),
    responses(
        (status = 200, description = "The service-topic catalogue; `ETag` header set", body = Catalogue),
        (status = 304, description = "Unchanged since the ETag given"),
        (status = 401, description = "Signature refused", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_catalogue() {}

#[utoipa::path(get, path = "/v1/faq", tag = "guide", params(Signed, Conditional),
    responses(
        (status = 200, description = "The FAQ; `ETag` header set", body = Faq),
        (status = 304, description = "Unchanged since the ETag given"),
        (status = 401, description = "Signature refused", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn get_faq() {}

#[utoipa::path(post, path = "/v1/questions", tag = "guide",
    params(SignedIdempotent), request_body = QuestionRequest,
    responses(
        (status = 201, description = "Recorded", body = QuestionReceipt),
        (status = 400, description = "Empty question, malformed phone", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn create_question() {}

#[utoipa::path(post, path = "/v1/ratings", tag = "guide",
    params(SignedIdempotent), request_body = RatingRequest,
    responses(
        (status = 201, description = "Recorded", body = RatingReceipt),
        (status = 400, description = "Dissatisfied without a reason", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 404, description = "Unknown case or ticket", body = ErrorBody),
        (status = 409, description = "already_rated, idempotency_conflict", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn create_rating() {}

#[utoipa::path(post, path = "/v1/kiosk/heartbeat", tag = "kiosk",
    params(SignedIdempotent), request_body = Heartbeat,
    responses(
        (status = 200, description = "Server time and configuration changes", body = HeartbeatReply),
        (status = 400, description = "Malformed heartbeat", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn heartbeat() {}

#[utoipa::path(post, path = "/v1/kiosk/journal", tag = "kiosk",
    params(SignedIdempotent), request_body = JournalUpload,
    responses(
        (status = 200, description = "Accepted: how far central's copy of the journal reaches", body = JournalReceipt),
        (status = 400, description = "Malformed upload, or kiosk_id is not the signing kiosk", body = ErrorBody),
        (status = 401, description = "Signature refused", body = ErrorBody),
        (status = 409, description = "journal_chain_broken, idempotency_conflict", body = ErrorBody),
    ),
    security(("kiosk_signature" = [])))]
fn upload_journal() {}

#[utoipa::path(get, path = "/v1/time", tag = "kiosk",
    responses((status = 200, description = "The server's clock (public)", body = ServerTime)))]
fn get_time() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_document_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/central.yaml");
        let generated = yaml().unwrap();
        if std::env::var_os("UPDATE_CENTRAL_YAML").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == generated,
            "api/central.yaml is stale: regenerate with UPDATE_CENTRAL_YAML=1 cargo test -p central-api committed_document_is_current"
        );
    }

    #[test]
    fn document_is_openapi_3_1_with_every_operation() {
        let doc = serde_json::to_value(document()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = doc["paths"].as_object().unwrap();
        let operations: usize = paths
            .values()
            .map(|p| {
                p.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| *k != "parameters")
                    .count()
            })
            .sum();
        assert_eq!(operations, 23);
        for name in [
            "Unit",
            "Restriction",
            "Ticket",
            "ErrorBody",
            "Catalogue",
            "UnitCode",
        ] {
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{name} missing"
            );
        }
    }
}
