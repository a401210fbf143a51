//! `POST /v1/identity/verifications`: is the person at the kiosk the card's holder?
//!
//! The simulator's rules, checked in this order (each refusal is `422`):
//! 1. `consent_missing`: `consent` is false (PIPL Art. 29: nothing else is looked at);
//! 2. `identity_unknown`: the document number is not a registered person, or the name differs
//!    (the Chinese name, or for a foreigner's card also the English name, ignoring case and
//!    spacing);
//! 3. `liveness_failed`: fewer than two challenges, or any challenge not passed;
//! 4. `face_mismatch`: the face is not base64 of JPEG bytes (they start `FF D8`), or the person
//!    is one seeded as a face mismatch ([`crate::central::Demo::face_mismatch`]).
//!
//! Otherwise `201` with a verification id valid for [`VERIFICATION_TTL`]; the records,
//! certificate, appointment and booking calls refuse an unknown or expired id with `403
//! verification_expired`. The face is never stored.

use crate::central::app::{AppState, Ctx, Signed, created, mutate, parse_json};
use crate::central::error::ApiError;
use crate::central::seed::document_type_from_code;
use crate::central::store::unix_ms;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine as _;
use central_api::dto::{DocumentType, ErrorCode, Verification, VerificationRequest};
use rusqlite::{OptionalExtension, Transaction, params};
use time::Duration;
use uuid::Uuid;

/// How long a verification stays valid.
pub const VERIFICATION_TTL: Duration = Duration::minutes(10);

/// Fewest liveness challenges accepted.
pub const MIN_CHALLENGES: usize = 2;

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// Document number.
    pub id_number: String,
    /// Name.
    pub name: String,
    /// English name (foreigners).
    pub english_name: Option<String>,
    /// Card type.
    pub document_type: Option<DocumentType>,
    /// Whether the face never matches.
    pub face_mismatch: bool,
}

/// The person with this document number.
pub fn person(tx: &Transaction<'_>, id_number: &str) -> Result<Option<PersonRow>, ApiError> {
    Ok(tx
        .query_row(
            "SELECT id_number, name, english_name, document_type, face_mismatch
             FROM persons WHERE id_number = ?1",
            params![id_number],
            |row| {
                Ok(PersonRow {
                    id_number: row.get(0)?,
                    name: row.get(1)?,
                    english_name: row.get(2)?,
                    document_type: document_type_from_code(&row.get::<_, String>(3)?),
                    face_mismatch: row.get(4)?,
                })
            },
        )
        .optional()?)
}

/// The person a verification id stands for, if it is known and not expired.
pub fn verified_person(tx: &Transaction<'_>, ctx: &Ctx, id: Uuid) -> Result<PersonRow, ApiError> {
    let id_number: Option<String> = tx
        .query_row(
            "SELECT id_number FROM verifications WHERE verification_id = ?1 AND expires_ms > ?2",
            params![id.hyphenated().to_string(), ctx.now_ms()],
            |row| row.get(0),
        )
        .optional()?;
    let id_number = id_number.ok_or_else(ApiError::verification_expired)?;
    person(tx, &id_number)?.ok_or_else(ApiError::verification_expired)
}

/// Compares names the way a card and a register may differ: case and spacing.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split(|c: char| c.is_whitespace() || c == ',' || c == '·')
            .filter(|w| !w.is_empty())
            .map(str::to_uppercase)
            .collect::<Vec<_>>()
    };
    norm(a) == norm(b)
}

/// Whether the payload is base64 of something that starts like a JPEG.
fn looks_like_jpeg(face_base64: &str) -> bool {
    let engine = base64::engine::general_purpose::STANDARD;
    engine
        .decode(face_base64.trim())
        .is_ok_and(|bytes| bytes.starts_with(&[0xFF, 0xD8]))
}

/// The rules, in order; the verification on success.
pub fn verify(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    request: &VerificationRequest,
) -> Result<Verification, ApiError> {
    if !request.consent {
        return Err(ApiError::unprocessable(
            ErrorCode::ConsentMissing,
            "the citizen did not consent to face verification",
            "未同意人脸核验，请到人工窗口办理",
        ));
    }
    let identity = &request.identity;
    let known = person(tx, identity.id_number.0.trim())?.filter(|p| {
        same_name(&p.name, &identity.name)
            || p.english_name
                .as_deref()
                .is_some_and(|english| same_name(english, &identity.name))
    });
    let Some(person) = known else {
        return Err(ApiError::unprocessable(
            ErrorCode::IdentityUnknown,
            "the document is not known to the registration system",
            "登记系统中未找到该证件信息，请到人工窗口办理",
        ));
    };
    let challenges = &request.liveness.challenges;
    if challenges.len() < MIN_CHALLENGES || challenges.iter().any(|c| !c.passed) {
        return Err(ApiError::unprocessable(
            ErrorCode::LivenessFailed,
            format!("liveness not shown: at least {MIN_CHALLENGES} challenges must pass"),
            "活体检测未通过，请重试或到人工窗口办理",
        ));
    }
    if person.face_mismatch || !looks_like_jpeg(&request.face_jpeg_base64) {
        return Err(ApiError::unprocessable(
            ErrorCode::FaceMismatch,
            "face does not match the card holder",
            "人脸与证件不一致，请到人工窗口办理",
        ));
    }
    let verification = Verification {
        verification_id: Uuid::new_v4(),
        expires_at: ctx.now + VERIFICATION_TTL,
    };
    tx.execute(
        "INSERT INTO verifications (verification_id, id_number, kiosk_id, created_ms, expires_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            verification.verification_id.hyphenated().to_string(),
            person.id_number,
            ctx.kiosk_id,
            ctx.now_ms(),
            unix_ms(verification.expires_at)
        ],
    )?;
    Ok(verification)
}

/// The handler.
pub async fn create_verification(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let request: VerificationRequest = parse_json(body)?;
        let verification = verify(tx, ctx, &request)?;
        created(&verification)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_and_spacing() {
        assert!(same_name("SMITH, JOHN WILLIAM", "smith john  william"));
        assert!(same_name("张𠮷英", " 张𠮷英 "));
        assert!(!same_name("张𠮷英", "张吉英"));
    }

    #[test]
    fn jpeg_sniffing() {
        let engine = base64::engine::general_purpose::STANDARD;
        assert!(looks_like_jpeg(&engine.encode([0xFF, 0xD8, 0xFF, 0xE0])));
        assert!(!looks_like_jpeg(&engine.encode(b"\x89PNG")));
        assert!(!looks_like_jpeg("not base64!"));
        assert!(!looks_like_jpeg(""));
    }
}
