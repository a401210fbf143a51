//! Records and query-result certificates: `GET /v1/records`, `GET /v1/records/property-check`,
//! `POST /v1/certificates`, `GET /v1/certificates/verify/{code}`.
//!
//! Views (reference, "Law that shapes the flows"): the holder's view shows the verified
//! person's own name and number in full and masks the other holders' numbers; the interested
//! party's view masks every holder's name and number and leaves out residence rights and locks.
//!
//! Certificates: the purpose is required (a missing or unknown one is `400`; `other` needs a
//! note). A holder's certificate lists their units (narrowed by `unit_codes`, each of which
//! must be theirs); an interested party's lists the units named in `unit_codes` (each must
//! exist), or the verified person's own units when none are named. No units: the "no record"
//! certificate, still `201`. The query number is `CX` + the day + a six-digit daily sequence;
//! the verification code is 12 characters from an alphabet without look-alikes; the QR
//! encodes `https://verify.invalid/c/{code}`.

use super::identity::{PersonRow, verified_person};
use super::{path_param, query_params};
use crate::central::app::{AppState, Ctx, Signed, created, mutate, parse_json, read};
use crate::central::error::ApiError;
use crate::central::store::{from_unix_ms, next_counter, unix_ms};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use central_api::domain::{QueryPurpose, RecordStatus, UnitCode, VerificationCode};
use central_api::dto::{
    Certificate, CertificateCheck, CertificateRequest, IdNumberDto, PropertyCheck, Records,
    Requester, Restriction, Unit,
};
use idcard::sensitive::{mask_name, mask_number};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Deserialize;
use uuid::Uuid;

/// The registration agency printed on certificates.
pub const AGENCY: &str = "北京市朝阳区不动产登记中心";
/// The agency's phone (Beijing's public service hotline).
pub const AGENCY_PHONE: &str = "12345";
/// Where the QR of a certificate points; `{code}` is appended.
pub const VERIFY_URL_PREFIX: &str = "https://verify.invalid/c/";
/// Characters of verification codes: no 0/O, 1/I.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Length of verification codes.
pub const CODE_LEN: usize = 12;

/// The `verification_id` query.
#[derive(Debug, Deserialize)]
pub struct VerificationQuery {
    verification_id: Uuid,
}

/// A unit and whether it is a dwelling.
struct StoredUnit {
    unit: Unit,
    residential: bool,
}

fn decode_unit(json: &str) -> Result<Unit, ApiError> {
    serde_json::from_str(json).map_err(ApiError::internal)
}

/// The units a person holds, by unit code.
fn units_of(tx: &Transaction<'_>, id_number: &str) -> Result<Vec<StoredUnit>, ApiError> {
    let mut statement = tx.prepare_cached(
        "SELECT u.unit_json, u.residential FROM units u
         JOIN holdings h ON h.unit_code = u.unit_code
         WHERE h.id_number = ?1 ORDER BY u.unit_code",
    )?;
    let rows = statement.query_map(params![id_number], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, bool>(1)?))
    })?;
    let mut units = Vec::new();
    for row in rows {
        let (json, residential) = row?;
        units.push(StoredUnit {
            unit: decode_unit(&json)?,
            residential,
        });
    }
    Ok(units)
}

fn unit_by_code(tx: &Transaction<'_>, code: &UnitCode) -> Result<Option<Unit>, ApiError> {
    let json: Option<String> = tx
        .query_row(
            "SELECT unit_json FROM units WHERE unit_code = ?1",
            params![code.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    json.as_deref().map(decode_unit).transpose()
}

/// The holder's view: the verified person's own number in full, the others' masked.
pub fn holder_view(mut unit: Unit, own_id_number: &str) -> Unit {
    for holder in &mut unit.holders {
        if holder.id_number.0 != own_id_number {
            holder.id_number = IdNumberDto(mask_number(&holder.id_number.0));
        }
    }
    unit
}

/// The interested party's view: names and numbers masked, no residence rights, no locks.
pub fn interested_party_view(mut unit: Unit) -> Unit {
    for holder in &mut unit.holders {
        holder.name = mask_name(&holder.name);
        holder.id_number = IdNumberDto(mask_number(&holder.id_number.0));
    }
    unit.restrictions.retain(|r| {
        !matches!(
            r,
            Restriction::ResidenceRight { .. } | Restriction::Lock { .. }
        )
    });
    unit
}

fn records(tx: &Transaction<'_>, ctx: &Ctx, verification_id: Uuid) -> Result<Records, ApiError> {
    let person = verified_person(tx, ctx, verification_id)?;
    let units = units_of(tx, &person.id_number)?
        .into_iter()
        .map(|stored| holder_view(stored.unit, &person.id_number))
        .collect();
    Ok(Records {
        units,
        as_of: ctx.now,
    })
}

fn property_check(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    verification_id: Uuid,
) -> Result<PropertyCheck, ApiError> {
    let person = verified_person(tx, ctx, verification_id)?;
    let count = units_of(tx, &person.id_number)?
        .iter()
        .filter(|s| s.residential && s.unit.status == RecordStatus::Current)
        .count();
    let residential_units = u32::try_from(count).unwrap_or(u32::MAX);
    Ok(PropertyCheck {
        has_property: residential_units > 0,
        residential_units,
    })
}

/// A fresh verification code.
fn verification_code() -> Result<VerificationCode, ApiError> {
    let bytes = Uuid::new_v4().into_bytes();
    let code: String = bytes
        .iter()
        .take(CODE_LEN)
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect();
    code.parse().map_err(ApiError::internal)
}

fn units_for_certificate(
    tx: &Transaction<'_>,
    person: &PersonRow,
    request: &CertificateRequest,
) -> Result<Vec<Unit>, ApiError> {
    let own = units_of(tx, &person.id_number)?;
    match (request.requester, &request.unit_codes) {
        (Requester::Holder, None) => Ok(own
            .into_iter()
            .map(|s| holder_view(s.unit, &person.id_number))
            .collect()),
        (Requester::Holder, Some(codes)) => {
            let mut units = Vec::new();
            for code in codes {
                let unit = own
                    .iter()
                    .find(|s| &s.unit.unit_code == code)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            format!("unit {code} is not among the holder's units"),
                            "所选不动产单元不在本人名下",
                        )
                    })?;
                units.push(holder_view(unit.unit.clone(), &person.id_number));
            }
            Ok(units)
        }
        (Requester::InterestedParty, None) => Ok(own
            .into_iter()
            .map(|s| interested_party_view(s.unit))
            .collect()),
        (Requester::InterestedParty, Some(codes)) => {
            let mut units = Vec::new();
            for code in codes {
                let unit = unit_by_code(tx, code)?.ok_or_else(|| {
                    ApiError::bad_request(
                        format!("unit {code} is not registered"),
                        "未找到该不动产单元",
                    )
                })?;
                units.push(interested_party_view(unit));
            }
            Ok(units)
        }
    }
}

/// Issues a certificate.
pub fn issue(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    request: &CertificateRequest,
) -> Result<Certificate, ApiError> {
    if request.purpose == QueryPurpose::Other
        && request
            .purpose_note
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
    {
        return Err(ApiError::bad_request(
            "purpose other needs a purpose_note",
            "查询目的为“其他”时须填写说明",
        ));
    }
    let person = verified_person(tx, ctx, request.verification_id)?;
    let units = units_for_certificate(tx, &person, request)?;
    let day = format!(
        "{:04}{:02}{:02}",
        ctx.now.year(),
        u8::from(ctx.now.month()),
        ctx.now.day()
    );
    let serial = next_counter(tx, &format!("query:{day}"))?;
    let query_number = format!("CX{day}{serial:06}")
        .parse()
        .map_err(ApiError::internal)?;
    let verification_code = loop {
        let code = verification_code()?;
        let taken: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM certificates WHERE verification_code = ?1",
                params![code.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        if taken.is_none() {
            break code;
        }
    };
    let (requester_name, requester_id_number) = match request.requester {
        Requester::Holder => (person.name.clone(), person.id_number.clone()),
        Requester::InterestedParty => (mask_name(&person.name), mask_number(&person.id_number)),
    };
    let certificate = Certificate {
        verification_url: format!("{VERIFY_URL_PREFIX}{verification_code}"),
        query_number,
        verification_code,
        issued_at: ctx.now,
        agency: AGENCY.to_owned(),
        agency_phone: AGENCY_PHONE.to_owned(),
        requester_name,
        requester_id_number: IdNumberDto(requester_id_number),
        purpose: request.purpose,
        units,
    };
    tx.execute(
        "INSERT INTO certificates (verification_code, query_number, issued_ms, units, requester,
             purpose, kiosk_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            certificate.verification_code.as_str(),
            certificate.query_number.as_str(),
            unix_ms(ctx.now),
            i64::try_from(certificate.units.len()).unwrap_or(i64::MAX),
            match request.requester {
                Requester::Holder => "holder",
                Requester::InterestedParty => "interested_party",
            },
            request.purpose.as_str(),
            ctx.kiosk_id
        ],
    )?;
    Ok(certificate)
}

/// Checks a verification code.
pub fn check(tx: &Transaction<'_>, code: &VerificationCode) -> Result<CertificateCheck, ApiError> {
    let row: Option<(String, i64, u32)> = tx
        .query_row(
            "SELECT query_number, issued_ms, units FROM certificates WHERE verification_code = ?1",
            params![code.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        Some((query_number, issued_ms, units)) => CertificateCheck {
            valid: true,
            query_number: Some(query_number.parse().map_err(ApiError::internal)?),
            issued_at: Some(from_unix_ms(issued_ms)),
            units: Some(units),
        },
        None => CertificateCheck {
            valid: false,
            query_number: None,
            issued_at: None,
            units: None,
        },
    })
}

/// `GET /v1/records`.
pub async fn get_records(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    query: Result<Query<VerificationQuery>, QueryRejection>,
) -> Response {
    match query_params(query) {
        Ok(q) => {
            read(&state, &signed.kiosk_id, move |tx, ctx| {
                records(tx, ctx, q.verification_id)
            })
            .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// `GET /v1/records/property-check`.
pub async fn get_property_check(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    query: Result<Query<VerificationQuery>, QueryRejection>,
) -> Response {
    match query_params(query) {
        Ok(q) => {
            read(&state, &signed.kiosk_id, move |tx, ctx| {
                property_check(tx, ctx, q.verification_id)
            })
            .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /v1/certificates`.
pub async fn issue_certificate(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let request: CertificateRequest = parse_json(body)?;
        created(&issue(tx, ctx, &request)?)
    })
    .await
}

/// `GET /v1/certificates/verify/{code}` (public).
pub async fn verify_certificate(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let code = path_param(path).and_then(|code| {
        code.parse::<VerificationCode>()
            .map_err(|e| ApiError::bad_request(e.to_string(), "核验码格式有误"))
    });
    match code {
        Ok(code) => read(&state, "", move |tx, _| check(tx, &code)).await,
        Err(refusal) => refusal.into_response(),
    }
}
