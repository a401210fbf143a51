//! Cases: progress, fees, payment and pickup.
//!
//! - Fees (reference, "Law that shapes the flows"): first, transfer, mortgage and advance-notice
//!   registrations cost 80 元 when residential and 550 元 otherwise; each certificate book beyond
//!   the first adds 10 元 (for first and transfer registrations, which issue a certificate of a
//!   right). Change, cancellation, correction, objection, seizure and other registrations, and
//!   refused or withdrawn cases, cost nothing. A case with nothing due reports `paid: true`.
//! - Payment: an order for the amount due with the QR payload `https://pay.invalid/o/{order}`,
//!   valid [`ORDER_TTL`]; creating one expires the case's earlier pending orders. The citizen
//!   "pays on their phone" in the simulator's way: an order answers `pending` to its first two
//!   queries and `paid` from the third on ([`POLLS_UNTIL_PAID`]; then the case's fees are
//!   paid); an order past its expiry unpaid is `expired`. `nothing_to_pay` when the case is paid
//!   or owes nothing.
//! - Pickup: ready once the certificate is issued (stage 发证); changeable until the case is
//!   archived, and never for a refused or withdrawn case or a business that issues nothing
//!   (`pickup_locked`). A courier needs a recipient, an address, an 11-digit mobile number
//!   starting with 1 and a 6-digit postal code (`400` otherwise). Window pickup is at
//!   [`PICKUP_WINDOW`].

use super::path_param;
use crate::central::app::{AppState, Ctx, Signed, created, mutate, ok, parse_json, read};
use crate::central::error::ApiError;
use crate::central::guide::{EXTRA_BOOK_FEE_FEN, NON_RESIDENTIAL_FEE_FEN, RESIDENTIAL_FEE_FEN};
use crate::central::seed::issues_certificate;
use crate::central::store::{from_unix_ms, next_counter, unix_ms};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use central_api::domain::{BusinessType, CaseNumber, CaseStage, CaseStatus, PickupMethod};
use central_api::dto::{
    CaseProgress, CourierAddress, ErrorCode, FeeItem, Fees, PaymentOrder, PaymentState, Pickup,
    PickupRequest, StageProgress,
};
use rusqlite::{OptionalExtension, Transaction, params};
use time::Duration;

/// How long a payment order stays payable.
pub const ORDER_TTL: Duration = Duration::minutes(15);
/// The query of an order that finds it paid.
pub const POLLS_UNTIL_PAID: u32 = 3;
/// Where window pickups happen.
pub const PICKUP_WINDOW: &str = "8号窗口";
/// Where the QR of a payment points; the order id is appended.
pub const PAY_URL_PREFIX: &str = "https://pay.invalid/o/";

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// 受理编号.
    pub case_number: String,
    /// Business type.
    pub business_type: BusinessType,
    /// Status.
    pub status: CaseStatus,
    /// Residential or not.
    pub residential: bool,
    /// Books beyond the first.
    pub extra_books: u32,
    /// Fees paid.
    pub paid: bool,
    /// Pickup method.
    pub pickup_method: Option<PickupMethod>,
    /// Pickup window.
    pub pickup_window: Option<String>,
    /// Rated.
    pub rated: bool,
    /// Stages.
    pub stages: Vec<StageProgress>,
}

fn not_found() -> ApiError {
    ApiError::not_found("case", "该办件")
}

/// The case with this number.
pub fn load_case(tx: &Transaction<'_>, case_number: &str) -> Result<Option<CaseRow>, ApiError> {
    let row = tx
        .query_row(
            "SELECT case_number, business_type, status, residential, extra_books, paid,
                 pickup_method, pickup_window, rated, stages_json
             FROM cases WHERE case_number = ?1",
            params![case_number],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, bool>(3)?,
                    row.get::<_, u32>(4)?,
                    row.get::<_, bool>(5)?,
                    row.get::<_, Option<String>>(6)?,
                    row.get::<_, Option<String>>(7)?,
                    row.get::<_, bool>(8)?,
                    row.get::<_, String>(9)?,
                ))
            },
        )
        .optional()?;
    let Some((
        number,
        business,
        status,
        residential,
        extra_books,
        paid,
        method,
        window,
        rated,
        stages,
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(CaseRow {
        case_number: number,
        business_type: business.parse().map_err(ApiError::internal)?,
        status: status.parse().map_err(ApiError::internal)?,
        residential,
        extra_books,
        paid,
        pickup_method: method
            .map(|m| m.parse())
            .transpose()
            .map_err(ApiError::internal)?,
        pickup_window: window,
        rated,
        stages: serde_json::from_str(&stages).map_err(ApiError::internal)?,
    }))
}

fn has_stage(case: &CaseRow, stage: CaseStage) -> bool {
    case.stages.iter().any(|s| s.stage == stage)
}

/// The fee items of a case.
pub fn fee_items(case: &CaseRow) -> Vec<FeeItem> {
    if matches!(case.status, CaseStatus::Refused | CaseStatus::Withdrawn) {
        return Vec::new();
    }
    let mut items = Vec::new();
    let charged = matches!(
        case.business_type,
        BusinessType::First
            | BusinessType::Transfer
            | BusinessType::Mortgage
            | BusinessType::AdvanceNotice
    );
    if charged {
        items.push(FeeItem {
            name: if case.residential {
                "不动产登记费（住宅）".to_owned()
            } else {
                "不动产登记费（非住宅）".to_owned()
            },
            amount_fen: if case.residential {
                RESIDENTIAL_FEE_FEN
            } else {
                NON_RESIDENTIAL_FEE_FEN
            },
        });
    }
    let books = matches!(
        case.business_type,
        BusinessType::First | BusinessType::Transfer
    );
    if books && case.extra_books > 0 {
        items.push(FeeItem {
            name: format!("证书工本费（增加{}本）", case.extra_books),
            amount_fen: EXTRA_BOOK_FEE_FEN * i64::from(case.extra_books),
        });
    }
    items
}

/// The fees of a case.
pub fn fees(case: &CaseRow) -> Fees {
    let items = fee_items(case);
    let total_fen = items.iter().map(|i| i.amount_fen).sum();
    Fees {
        items,
        total_fen,
        paid: case.paid || total_fen == 0,
    }
}

/// Whether the pickup method can still change.
fn changeable(case: &CaseRow) -> bool {
    issues_certificate(case.business_type)
        && !matches!(case.status, CaseStatus::Refused | CaseStatus::Withdrawn)
        && !has_stage(case, CaseStage::Archive)
}

/// The pickup of a case.
pub fn pickup(case: &CaseRow) -> Pickup {
    Pickup {
        ready: has_stage(case, CaseStage::Issue),
        method: case.pickup_method,
        window: case.pickup_window.clone(),
        changeable: changeable(case),
    }
}

fn progress(case: &CaseRow) -> Result<CaseProgress, ApiError> {
    Ok(CaseProgress {
        case_number: case
            .case_number
            .parse::<CaseNumber>()
            .map_err(ApiError::internal)?,
        business_type: case.business_type,
        status: case.status,
        stages: case.stages.clone(),
        pickup: pickup(case),
        rated: case.rated,
    })
}

struct OrderRow {
    order_id: String,
    case_number: String,
    amount_fen: i64,
    state: String,
    queries: u32,
    expires_ms: i64,
}

fn order_dto(order: &OrderRow) -> PaymentOrder {
    PaymentOrder {
        order_id: order.order_id.clone(),
        qr_payload: format!("{PAY_URL_PREFIX}{}", order.order_id),
        amount_fen: order.amount_fen,
        state: match order.state.as_str() {
            "paid" => PaymentState::Paid,
            "expired" => PaymentState::Expired,
            "failed" => PaymentState::Failed,
            _ => PaymentState::Pending,
        },
        expires_at: from_unix_ms(order.expires_ms),
    }
}

fn create_order(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    case_number: &str,
) -> Result<PaymentOrder, ApiError> {
    let case = load_case(tx, case_number)?.ok_or_else(not_found)?;
    let due = fees(&case);
    if case.paid || due.total_fen == 0 {
        return Err(ApiError::conflict(
            ErrorCode::NothingToPay,
            "the case has nothing to pay",
            "该办件无需缴费或已缴费",
        ));
    }
    tx.execute(
        "UPDATE payments SET state = 'expired' WHERE case_number = ?1 AND state = 'pending'",
        params![case.case_number],
    )?;
    let day = format!(
        "{:04}{:02}{:02}",
        ctx.now.year(),
        u8::from(ctx.now.month()),
        ctx.now.day()
    );
    let order = OrderRow {
        order_id: format!("PO{day}{:06}", next_counter(tx, "order")?),
        case_number: case.case_number,
        amount_fen: due.total_fen,
        state: "pending".to_owned(),
        queries: 0,
        expires_ms: unix_ms(ctx.now + ORDER_TTL),
    };
    tx.execute(
        "INSERT INTO payments (order_id, case_number, amount_fen, state, queries, created_ms, expires_ms)
         VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?5)",
        params![
            order.order_id,
            order.case_number,
            order.amount_fen,
            ctx.now_ms(),
            order.expires_ms
        ],
    )?;
    Ok(order_dto(&order))
}

fn poll_order(tx: &Transaction<'_>, ctx: &Ctx, order_id: &str) -> Result<PaymentOrder, ApiError> {
    let mut order = tx
        .query_row(
            "SELECT order_id, case_number, amount_fen, state, queries, expires_ms
             FROM payments WHERE order_id = ?1",
            params![order_id],
            |row| {
                Ok(OrderRow {
                    order_id: row.get(0)?,
                    case_number: row.get(1)?,
                    amount_fen: row.get(2)?,
                    state: row.get(3)?,
                    queries: row.get(4)?,
                    expires_ms: row.get(5)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| ApiError::not_found("payment order", "该缴费订单"))?;
    order.queries = order.queries.saturating_add(1);
    if order.state == "pending" {
        if ctx.now_ms() > order.expires_ms {
            order.state = "expired".to_owned();
        } else if order.queries >= POLLS_UNTIL_PAID {
            order.state = "paid".to_owned();
            tx.execute(
                "UPDATE cases SET paid = 1 WHERE case_number = ?1",
                params![order.case_number],
            )?;
        }
    }
    tx.execute(
        "UPDATE payments SET queries = ?2, state = ?3 WHERE order_id = ?1",
        params![order.order_id, order.queries, order.state],
    )?;
    Ok(order_dto(&order))
}

fn all_digits(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a courier address.
pub fn check_address(address: Option<&CourierAddress>) -> Result<&CourierAddress, ApiError> {
    let address = address.ok_or_else(|| {
        ApiError::bad_request("courier pickup needs an address", "邮寄须填写收件地址")
    })?;
    if address.recipient.trim().is_empty() || address.address.trim().is_empty() {
        return Err(ApiError::bad_request(
            "courier address needs a recipient and an address",
            "请填写收件人和详细地址",
        ));
    }
    if !all_digits(&address.phone, 11) || !address.phone.starts_with('1') {
        return Err(ApiError::bad_request(
            "phone must be an 11-digit mobile number",
            "手机号码应为11位数字",
        ));
    }
    if !all_digits(&address.postal_code, 6) {
        return Err(ApiError::bad_request(
            "postal code must be 6 digits",
            "邮政编码应为6位数字",
        ));
    }
    Ok(address)
}

fn choose_pickup(
    tx: &Transaction<'_>,
    case_number: &str,
    request: &PickupRequest,
) -> Result<Pickup, ApiError> {
    let courier = match request.method {
        PickupMethod::Courier => Some(
            serde_json::to_string(check_address(request.address.as_ref())?)
                .map_err(ApiError::internal)?,
        ),
        _ => None,
    };
    let mut case = load_case(tx, case_number)?.ok_or_else(not_found)?;
    if !changeable(&case) {
        return Err(ApiError::conflict(
            ErrorCode::PickupLocked,
            "the pickup method can no longer be changed",
            "领证方式已不能变更",
        ));
    }
    case.pickup_method = Some(request.method);
    case.pickup_window = (request.method == PickupMethod::Window).then(|| PICKUP_WINDOW.to_owned());
    tx.execute(
        "UPDATE cases SET pickup_method = ?2, pickup_window = ?3, courier_json = ?4 WHERE case_number = ?1",
        params![
            case.case_number,
            request.method.as_str(),
            case.pickup_window,
            courier
        ],
    )?;
    Ok(pickup(&case))
}

/// `GET /v1/cases/{case_number}`.
pub async fn get_case(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    match path_param(path) {
        Ok(number) => {
            read(&state, &signed.kiosk_id, move |tx, _| {
                progress(&load_case(tx, &number)?.ok_or_else(not_found)?)
            })
            .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// `GET /v1/cases/{case_number}/fees`.
pub async fn get_fees(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    match path_param(path) {
        Ok(number) => {
            read(&state, &signed.kiosk_id, move |tx, _| {
                Ok(fees(&load_case(tx, &number)?.ok_or_else(not_found)?))
            })
            .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /v1/cases/{case_number}/payments`.
pub async fn create_payment(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let number = match path_param(path) {
        Ok(number) => number,
        Err(refusal) => return refusal.into_response(),
    };
    mutate(&state, &signed, &headers, body, move |tx, ctx, _| {
        created(&create_order(tx, ctx, &number)?)
    })
    .await
}

/// `GET /v1/payments/{order_id}`.
pub async fn get_payment(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    match path_param(path) {
        Ok(order_id) => {
            read(&state, &signed.kiosk_id, move |tx, ctx| {
                poll_order(tx, ctx, &order_id)
            })
            .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// `PUT /v1/cases/{case_number}/pickup`.
pub async fn set_pickup(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let number = match path_param(path) {
        Ok(number) => number,
        Err(refusal) => return refusal.into_response(),
    };
    mutate(&state, &signed, &headers, body, move |tx, _, body| {
        let request: PickupRequest = parse_json(body)?;
        ok(&choose_pickup(tx, &number, &request)?)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(
        business: BusinessType,
        status: CaseStatus,
        residential: bool,
        extra_books: u32,
    ) -> CaseRow {
        CaseRow {
            case_number: "BDC-1".into(),
            business_type: business,
            status,
            residential,
            extra_books,
            paid: false,
            pickup_method: None,
            pickup_window: None,
            rated: false,
            stages: Vec::new(),
        }
    }

    #[test]
    fn fees_follow_the_reference() {
        let f = fees(&case(
            BusinessType::Transfer,
            CaseStatus::InProgress,
            true,
            2,
        ));
        assert_eq!(f.total_fen, 8_000 + 2 * 1_000);
        assert!(!f.paid);
        let f = fees(&case(
            BusinessType::Transfer,
            CaseStatus::InProgress,
            false,
            0,
        ));
        assert_eq!(f.total_fen, 55_000);
        let f = fees(&case(
            BusinessType::Mortgage,
            CaseStatus::InProgress,
            true,
            1,
        ));
        assert_eq!(
            f.total_fen, 8_000,
            "a mortgage issues a proof, no extra books"
        );
        for free in [
            BusinessType::Cancellation,
            BusinessType::Objection,
            BusinessType::Seizure,
            BusinessType::Correction,
        ] {
            let f = fees(&case(free, CaseStatus::InProgress, true, 1));
            assert_eq!(f.total_fen, 0);
            assert!(f.paid);
        }
        assert_eq!(
            fees(&case(BusinessType::Transfer, CaseStatus::Refused, true, 0)).total_fen,
            0
        );
    }

    #[test]
    fn courier_address_rules() {
        let good = CourierAddress {
            recipient: "张三".into(),
            phone: "13800138000".into(),
            address: "北京市朝阳区建国路1号".into(),
            postal_code: "100020".into(),
        };
        assert!(check_address(Some(&good)).is_ok());
        assert!(check_address(None).is_err());
        for (phone, postal) in [
            ("1380013800", "100020"),
            ("23800138000", "100020"),
            ("13800138000", "10002"),
            ("13800138000", "10002a"),
        ] {
            let bad = CourierAddress {
                phone: phone.into(),
                postal_code: postal.into(),
                ..good.clone()
            };
            assert!(check_address(Some(&bad)).is_err(), "{phone} {postal}");
        }
    }
}
