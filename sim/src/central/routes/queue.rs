//! Appointments, check-in, slots, walk-in tickets and the queue (reference, "Queues and
//! appointments").
//!
//! - Today's appointments: those whose slot starts within 12 hours either side of the server's
//!   clock (a rolling day, so a demo started near midnight still finds its appointments), by
//!   verification or by booking code (an unknown code gives an empty list). A booked
//!   appointment whose check-in window has closed is reported `missed`.
//! - Check-in window: from `check_in_early` before to `check_in_late` after the slot start,
//!   inclusive. It is judged at the request's `checked_in_at` when that is not in the future
//!   (beyond the signature's skew bound) and not older than 12 hours (an offline check-in
//!   replayed from the kiosk's outbox), else at the server's clock. The person must match: the
//!   verification's holder, or the appointment's booking code.
//! - Tickets: one series per service (`A001`..`A999`) per day, shared by walk-ins and
//!   check-ins; the walk-in cap counts walk-ins only. Priority classes (elderly, disabled,
//!   pregnant, appointment) go ahead of normal tickets, first come first served within a class.
//!   People ahead: the waiting tickets of the new ticket's class or higher. Estimated wait:
//!   people ahead x the service's average minutes / its windows, rounded up.
//! - Slots: Monday to Friday, 30-minute slots from 09:00 to 12:00 and 13:30 to 17:00, each for
//!   [`SLOT_CAPACITY`] people, bookable from now until [`BOOKING_HORIZON_DAYS`] days ahead.

use super::identity::verified_person;
use super::{path_param, query_params};
use crate::central::app::{AppState, Ctx, Signed, created, mutate, ok, parse_json, read};
use crate::central::error::ApiError;
use crate::central::faults::BEIJING;
use crate::central::guide::{Service, service};
use crate::central::seed::SLOT_MINUTES;
use crate::central::store::{from_unix_ms, next_counter, priority_code, unix_ms};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use central_api::dto::{
    Appointment, AppointmentStatus, Appointments, BookingRequest, CheckInRequest, ErrorCode,
    Priority, QueueStatus, Slot, Slots, Ticket, TicketRequest,
};
use central_api::signing::MAX_SKEW_MS;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime, Time, Weekday};
use uuid::Uuid;

/// How far from now an appointment counts as today's.
pub const TODAY_SPAN: Duration = Duration::hours(12);
/// How old a kiosk's `checked_in_at` may be and still be judged (offline acceptance).
pub const OFFLINE_ACCEPTANCE: Duration = Duration::hours(12);
/// People per slot.
pub const SLOT_CAPACITY: u32 = 4;
/// How many days ahead slots are offered.
pub const BOOKING_HORIZON_DAYS: i64 = 30;
/// Highest number of a series (`A999`).
pub const SERIES_MAX: u32 = 999;

/// Where a time stands against a check-in window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Inside: check in.
    Open,
    /// Before the window: it opens then.
    TooEarly {
        /// The window's opening.
        earliest: OffsetDateTime,
    },
    /// After the window.
    TooLate,
}

/// Judges `at` against the window of a slot starting at `slot_start`.
pub fn judge(
    slot_start: OffsetDateTime,
    early: Duration,
    late: Duration,
    at: OffsetDateTime,
) -> Window {
    let earliest = slot_start - early;
    if at < earliest {
        Window::TooEarly { earliest }
    } else if at > slot_start + late {
        Window::TooLate
    } else {
        Window::Open
    }
}

/// The time a check-in is judged at: the kiosk's claim when plausible, else the server's clock.
pub fn judged_time(claimed: OffsetDateTime, now: OffsetDateTime) -> OffsetDateTime {
    let future_bound = now + Duration::milliseconds(MAX_SKEW_MS);
    if claimed <= future_bound && claimed >= now - OFFLINE_ACCEPTANCE {
        claimed
    } else {
        now
    }
}

/// The rank of a priority class: priority tickets go first.
fn class(priority: Priority) -> u8 {
    u8::from(priority != Priority::None)
}

/// The day key of a time (Beijing date).
pub fn day_key(at: OffsetDateTime) -> String {
    at.to_offset(BEIJING).date().to_string()
}

fn unknown_service(code: &str) -> ApiError {
    ApiError::not_found(&format!("service {code}"), "该业务")
}

// ---------------------------------------------------------------------------------------------
// Appointments

struct AppointmentRow {
    appointment_id: String,
    booking_code: String,
    id_number: String,
    service_code: String,
    slot_start_ms: i64,
    slot_end_ms: i64,
    status: String,
}

const APPOINTMENT_COLUMNS: &str =
    "appointment_id, booking_code, id_number, service_code, slot_start_ms, slot_end_ms, status";

fn appointment_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AppointmentRow> {
    Ok(AppointmentRow {
        appointment_id: row.get(0)?,
        booking_code: row.get(1)?,
        id_number: row.get(2)?,
        service_code: row.get(3)?,
        slot_start_ms: row.get(4)?,
        slot_end_ms: row.get(5)?,
        status: row.get(6)?,
    })
}

fn to_dto(row: &AppointmentRow, ctx: &Ctx) -> Appointment {
    let slot_start = from_unix_ms(row.slot_start_ms);
    let check_in_until = slot_start + ctx.rules.check_in_late;
    let status = match row.status.as_str() {
        "checked_in" => AppointmentStatus::CheckedIn,
        "cancelled" => AppointmentStatus::Cancelled,
        _ if ctx.now > check_in_until => AppointmentStatus::Missed,
        _ => AppointmentStatus::Booked,
    };
    Appointment {
        appointment_id: row.appointment_id.clone(),
        booking_code: row.booking_code.clone(),
        service_code: row.service_code.clone(),
        service_name: service(&row.service_code)
            .map(|s| s.name.to_owned())
            .unwrap_or_default(),
        slot_start,
        slot_end: from_unix_ms(row.slot_end_ms),
        status,
        check_in_from: slot_start - ctx.rules.check_in_early,
        check_in_until,
    }
}

/// The query of `GET /v1/appointments`.
#[derive(Debug, Deserialize)]
pub struct AppointmentQuery {
    verification_id: Option<Uuid>,
    booking_code: Option<String>,
}

fn appointments(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    query: &AppointmentQuery,
) -> Result<Appointments, ApiError> {
    let from = unix_ms(ctx.now - TODAY_SPAN);
    let to = unix_ms(ctx.now + TODAY_SPAN);
    let (sql_filter, key) = match (&query.verification_id, &query.booking_code) {
        (Some(id), _) => ("id_number", verified_person(tx, ctx, *id)?.id_number),
        (None, Some(code)) => ("booking_code", code.trim().to_owned()),
        (None, None) => {
            return Err(ApiError::bad_request(
                "give verification_id or booking_code",
                "请提供身份核验或预约码",
            ));
        }
    };
    let sql = format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM appointments
         WHERE {sql_filter} = ?1 AND slot_start_ms BETWEEN ?2 AND ?3 ORDER BY slot_start_ms"
    );
    let mut statement = tx.prepare_cached(&sql)?;
    let rows = statement.query_map(params![key, from, to], appointment_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(to_dto(&row?, ctx));
    }
    Ok(Appointments { appointments: out })
}

fn check_in_logic(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    appointment_id: &str,
    request: &CheckInRequest,
) -> Result<Ticket, ApiError> {
    let not_found = || ApiError::not_found("appointment", "该预约");
    let row = tx
        .query_row(
            &format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE appointment_id = ?1"),
            params![appointment_id],
            appointment_row,
        )
        .optional()?
        .ok_or_else(not_found)?;
    match (&request.verification_id, &request.booking_code) {
        (Some(id), _) => {
            if verified_person(tx, ctx, *id)?.id_number != row.id_number {
                return Err(not_found());
            }
        }
        (None, Some(code)) => {
            if code.trim() != row.booking_code {
                return Err(not_found());
            }
        }
        (None, None) => {
            return Err(ApiError::bad_request(
                "give verification_id or booking_code",
                "请提供身份核验或预约码",
            ));
        }
    }
    match row.status.as_str() {
        "checked_in" => {
            return Err(ApiError::conflict(
                ErrorCode::AlreadyCheckedIn,
                "the appointment was already checked in",
                "该预约已签到",
            ));
        }
        "cancelled" => return Err(not_found()),
        _ => {}
    }
    let slot_start = from_unix_ms(row.slot_start_ms);
    let at = judged_time(request.checked_in_at, ctx.now);
    match judge(
        slot_start,
        ctx.rules.check_in_early,
        ctx.rules.check_in_late,
        at,
    ) {
        Window::TooEarly { earliest } => {
            return Err(ApiError::conflict(
                ErrorCode::TooEarly,
                format!(
                    "check-in opens {} minutes before the slot",
                    ctx.rules.check_in_early.whole_minutes()
                ),
                "还未到签到时间",
            )
            .with_earliest_at(earliest));
        }
        Window::TooLate => {
            return Err(ApiError::conflict(
                ErrorCode::TooLate,
                format!(
                    "check-in window closed {} minutes after the slot start",
                    ctx.rules.check_in_late.whole_minutes()
                ),
                "已超过签到时间，可领取现场号",
            )
            .with_walk_in_offered(true));
        }
        Window::Open => {}
    }
    let service = service(&row.service_code).ok_or_else(|| unknown_service(&row.service_code))?;
    let ticket = issue_ticket(tx, ctx, service, Priority::Appointment, "appointment")?;
    tx.execute(
        "UPDATE appointments SET status = 'checked_in', ticket_number = ?2, checked_in_ms = ?3
         WHERE appointment_id = ?1",
        params![appointment_id, ticket.ticket_number, unix_ms(at)],
    )?;
    Ok(ticket)
}

// ---------------------------------------------------------------------------------------------
// Tickets and the queue

/// Issues the next ticket of a series.
fn issue_ticket(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    service: &Service,
    priority: Priority,
    kind: &str,
) -> Result<Ticket, ApiError> {
    let day = day_key(ctx.now);
    let seq: u32 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM tickets WHERE day = ?1 AND service_code = ?2",
        params![day, service.code],
        |row| row.get(0),
    )?;
    if seq > SERIES_MAX {
        return Err(cap_reached(service));
    }
    let people_ahead: u32 = tx.query_row(
        "SELECT COUNT(*) FROM tickets WHERE day = ?1 AND service_code = ?2 AND state = 'waiting'
         AND (?3 = 0 OR priority != 'none')",
        params![day, service.code, class(priority)],
        |row| row.get(0),
    )?;
    let ticket_number = format!("{}{seq:03}", service.code);
    tx.execute(
        "INSERT INTO tickets (day, service_code, seq, ticket_number, priority, kind, state, issued_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7)",
        params![
            day,
            service.code,
            seq,
            ticket_number,
            priority_code(priority),
            kind,
            ctx.now_ms()
        ],
    )?;
    Ok(Ticket {
        ticket_number,
        service_code: service.code.to_owned(),
        service_name: service.name.to_owned(),
        priority,
        people_ahead,
        estimated_wait_minutes: estimated_wait(service, people_ahead),
        window: None,
        issued_at: ctx.now,
    })
}

/// People ahead x average minutes / windows, rounded up.
pub fn estimated_wait(service: &Service, people_ahead: u32) -> u32 {
    (people_ahead * service.average_minutes).div_ceil(service.windows.max(1))
}

fn cap_reached(service: &Service) -> ApiError {
    ApiError::conflict(
        ErrorCode::DailyCapReached,
        format!(
            "today's walk-in tickets for {} are all issued",
            service.code
        ),
        "今日该业务现场号已取完",
    )
}

fn walk_ins_today(tx: &Transaction<'_>, day: &str, service: &Service) -> Result<u32, ApiError> {
    Ok(tx.query_row(
        "SELECT COUNT(*) FROM tickets WHERE day = ?1 AND service_code = ?2 AND kind = 'walk_in'",
        params![day, service.code],
        |row| row.get(0),
    )?)
}

fn walk_in(tx: &Transaction<'_>, ctx: &Ctx, request: &TicketRequest) -> Result<Ticket, ApiError> {
    let service = service(request.service_code.trim())
        .ok_or_else(|| unknown_service(&request.service_code))?;
    if request.priority == Priority::Appointment {
        return Err(ApiError::bad_request(
            "the appointment class comes from checking in, not from a walk-in ticket",
            "预约优先须通过预约签到取得",
        ));
    }
    if walk_ins_today(tx, &day_key(ctx.now), service)? >= ctx.rules.walk_in_cap {
        return Err(cap_reached(service));
    }
    issue_ticket(tx, ctx, service, request.priority, "walk_in")
}

fn queue_status(tx: &Transaction<'_>, ctx: &Ctx, code: &str) -> Result<QueueStatus, ApiError> {
    let service = service(code).ok_or_else(|| unknown_service(code))?;
    let day = day_key(ctx.now);
    let waiting: u32 = tx.query_row(
        "SELECT COUNT(*) FROM tickets WHERE day = ?1 AND service_code = ?2 AND state = 'waiting'",
        params![day, service.code],
        |row| row.get(0),
    )?;
    let now_serving: Option<String> = tx
        .query_row(
            "SELECT ticket_number FROM tickets WHERE day = ?1 AND service_code = ?2
             AND state = 'called' ORDER BY rowid DESC LIMIT 1",
            params![day, service.code],
            |row| row.get(0),
        )
        .optional()?;
    let issued = walk_ins_today(tx, &day, service)?;
    Ok(QueueStatus {
        service_code: service.code.to_owned(),
        waiting,
        estimated_wait_minutes: estimated_wait(service, waiting),
        now_serving,
        walk_in_remaining: ctx.rules.walk_in_cap.saturating_sub(issued),
    })
}

/// Calls the next waiting ticket of a series to a window (priority classes first): the ticket
/// called before is done. The number and window called, or `None` when nobody waits.
pub fn call_next(
    tx: &Transaction<'_>,
    now: OffsetDateTime,
    code: &str,
) -> anyhow::Result<Option<(String, String)>> {
    let service = service(code).ok_or_else(|| anyhow::anyhow!("no service {code:?}"))?;
    let day = day_key(now);
    tx.execute(
        "UPDATE tickets SET state = 'done' WHERE day = ?1 AND service_code = ?2 AND state = 'called'",
        params![day, service.code],
    )?;
    let next: Option<(u32, String)> = tx
        .query_row(
            "SELECT seq, ticket_number FROM tickets WHERE day = ?1 AND service_code = ?2
             AND state = 'waiting' ORDER BY (priority != 'none') DESC, seq LIMIT 1",
            params![day, service.code],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((seq, number)) = next else {
        return Ok(None);
    };
    let window = format!(
        "{}号窗口",
        service.first_window + seq % service.windows.max(1)
    );
    tx.execute(
        "UPDATE tickets SET state = 'called', window = ?4 WHERE day = ?1 AND service_code = ?2 AND seq = ?3",
        params![day, service.code, seq, window],
    )?;
    Ok(Some((number, window)))
}

// ---------------------------------------------------------------------------------------------
// Slots and booking

/// Slot starts of a working day (Beijing time).
pub fn day_slots(date: Date) -> Vec<OffsetDateTime> {
    if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return Vec::new();
    }
    let mut starts = Vec::new();
    for (from, until) in [((9, 0), (12, 0)), ((13, 30), (17, 0))] {
        let (Ok(from), Ok(until)) = (
            Time::from_hms(from.0, from.1, 0),
            Time::from_hms(until.0, until.1, 0),
        ) else {
            continue;
        };
        let mut at = date.with_time(from).assume_offset(BEIJING);
        let end = date.with_time(until).assume_offset(BEIJING);
        while at + Duration::minutes(SLOT_MINUTES) <= end {
            starts.push(at);
            at += Duration::minutes(SLOT_MINUTES);
        }
    }
    starts
}

fn booked_in_slot(
    tx: &Transaction<'_>,
    service: &Service,
    start: OffsetDateTime,
) -> Result<u32, ApiError> {
    Ok(tx.query_row(
        "SELECT COUNT(*) FROM appointments WHERE service_code = ?1 AND slot_start_ms = ?2
         AND status != 'cancelled'",
        params![service.code, unix_ms(start)],
        |row| row.get(0),
    )?)
}

/// The query of `GET /v1/slots`.
#[derive(Debug, Deserialize)]
pub struct SlotQuery {
    service_code: String,
    date: String,
}

fn bookable(date: Date, now: OffsetDateTime) -> Vec<OffsetDateTime> {
    let today = now.to_offset(BEIJING).date();
    if date < today || date > today + Duration::days(BOOKING_HORIZON_DAYS) {
        return Vec::new();
    }
    day_slots(date).into_iter().filter(|s| *s > now).collect()
}

fn slots(tx: &Transaction<'_>, ctx: &Ctx, query: &SlotQuery) -> Result<Slots, ApiError> {
    let date = Date::parse(
        query.date.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|e| ApiError::bad_request(format!("date must be YYYY-MM-DD: {e}"), "日期格式有误"))?;
    let service =
        service(query.service_code.trim()).ok_or_else(|| unknown_service(&query.service_code))?;
    let mut out = Vec::new();
    for start in bookable(date, ctx.now) {
        let taken = booked_in_slot(tx, service, start)?;
        out.push(Slot {
            start,
            end: start + Duration::minutes(SLOT_MINUTES),
            remaining: SLOT_CAPACITY.saturating_sub(taken),
        });
    }
    Ok(Slots { slots: out })
}

fn book_logic(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    request: &BookingRequest,
) -> Result<Appointment, ApiError> {
    let person = verified_person(tx, ctx, request.verification_id)?;
    let service = service(request.service_code.trim()).ok_or_else(|| {
        ApiError::bad_request(
            format!("no service {:?}", request.service_code),
            "没有该业务",
        )
    })?;
    let start = request.slot_start;
    if !bookable(start.to_offset(BEIJING).date(), ctx.now).contains(&start) {
        return Err(ApiError::bad_request(
            "slot_start is not a bookable slot",
            "所选时段不可预约",
        ));
    }
    let mine: u32 = tx.query_row(
        "SELECT COUNT(*) FROM appointments WHERE service_code = ?1 AND slot_start_ms = ?2
         AND id_number = ?3 AND status != 'cancelled'",
        params![service.code, unix_ms(start), person.id_number],
        |row| row.get(0),
    )?;
    if mine > 0 || booked_in_slot(tx, service, start)? >= SLOT_CAPACITY {
        return Err(ApiError::conflict(
            ErrorCode::SlotTaken,
            "the slot is taken",
            "该时段已约满",
        ));
    }
    let appointment_id = format!("APT-{:06}", next_counter(tx, "appointment")?);
    let booking_code = loop {
        let random = Uuid::new_v4().as_u128();
        let code = format!("{:08}", 10_000_000 + random % 90_000_000);
        let taken: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM appointments WHERE booking_code = ?1",
                params![code],
                |row| row.get(0),
            )
            .optional()?;
        if taken.is_none() {
            break code;
        }
    };
    let end = start + Duration::minutes(SLOT_MINUTES);
    tx.execute(
        "INSERT INTO appointments (appointment_id, booking_code, id_number, service_code,
             slot_start_ms, slot_end_ms, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'booked')",
        params![
            appointment_id,
            booking_code,
            person.id_number,
            service.code,
            unix_ms(start),
            unix_ms(end)
        ],
    )?;
    Ok(to_dto(
        &AppointmentRow {
            appointment_id,
            booking_code,
            id_number: person.id_number,
            service_code: service.code.to_owned(),
            slot_start_ms: unix_ms(start),
            slot_end_ms: unix_ms(end),
            status: "booked".to_owned(),
        },
        ctx,
    ))
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// `GET /v1/appointments`.
pub async fn get_appointments(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    query: Result<Query<AppointmentQuery>, QueryRejection>,
) -> Response {
    match query_params(query) {
        Ok(q) => {
            read(&state, &signed.kiosk_id, move |tx, ctx| {
                appointments(tx, ctx, &q)
            })
            .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /v1/appointments/{appointment_id}/check-in`.
pub async fn check_in(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let appointment_id = match path_param(path) {
        Ok(id) => id,
        Err(refusal) => return refusal.into_response(),
    };
    mutate(&state, &signed, &headers, body, move |tx, ctx, body| {
        let request: CheckInRequest = parse_json(body)?;
        ok(&check_in_logic(tx, ctx, &appointment_id, &request)?)
    })
    .await
}

/// `GET /v1/slots`.
pub async fn get_slots(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    query: Result<Query<SlotQuery>, QueryRejection>,
) -> Response {
    match query_params(query) {
        Ok(q) => read(&state, &signed.kiosk_id, move |tx, ctx| slots(tx, ctx, &q)).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /v1/appointments`.
pub async fn book(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let request: BookingRequest = parse_json(body)?;
        created(&book_logic(tx, ctx, &request)?)
    })
    .await
}

/// `POST /v1/tickets`.
pub async fn create_ticket(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(&state, &signed, &headers, body, |tx, ctx, body| {
        let request: TicketRequest = parse_json(body)?;
        created(&walk_in(tx, ctx, &request)?)
    })
    .await
}

/// `GET /v1/queue/{service_code}`.
pub async fn get_queue(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    match path_param(path) {
        Ok(code) => {
            read(&state, &signed.kiosk_id, move |tx, ctx| {
                queue_status(tx, ctx, &code)
            })
            .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const EARLY: Duration = Duration::minutes(60);
    const LATE: Duration = Duration::minutes(20);

    #[test]
    fn window_edges_are_inclusive() {
        let slot = datetime!(2026-11-28 14:00 +08:00);
        assert_eq!(
            judge(slot, EARLY, LATE, slot - Duration::minutes(61)),
            Window::TooEarly {
                earliest: datetime!(2026-11-28 13:00 +08:00)
            }
        );
        assert_eq!(judge(slot, EARLY, LATE, slot - EARLY), Window::Open);
        assert_eq!(judge(slot, EARLY, LATE, slot + LATE), Window::Open);
        assert_eq!(
            judge(slot, EARLY, LATE, slot + LATE + Duration::seconds(1)),
            Window::TooLate
        );
    }

    #[test]
    fn claimed_check_in_time_is_used_only_when_plausible() {
        let now = datetime!(2026-11-28 14:00 +08:00);
        let earlier = now - Duration::hours(3);
        assert_eq!(judged_time(earlier, now), earlier);
        assert_eq!(
            judged_time(now + Duration::minutes(4), now),
            now + Duration::minutes(4)
        );
        assert_eq!(judged_time(now + Duration::minutes(6), now), now);
        assert_eq!(judged_time(now - Duration::hours(13), now), now);
    }

    #[test]
    fn working_day_slots() {
        let friday = time::macros::date!(2026 - 11 - 27);
        let slots = day_slots(friday);
        assert_eq!(slots.len(), 13);
        assert_eq!(slots[0], datetime!(2026-11-27 09:00 +08:00));
        assert_eq!(slots[5], datetime!(2026-11-27 11:30 +08:00));
        assert_eq!(slots[6], datetime!(2026-11-27 13:30 +08:00));
        assert_eq!(slots[12], datetime!(2026-11-27 16:30 +08:00));
        assert!(day_slots(time::macros::date!(2026 - 11 - 28)).is_empty());
    }

    #[test]
    fn estimated_wait_rounds_up_over_windows() {
        let a = service("A").unwrap();
        assert_eq!(estimated_wait(a, 0), 0);
        assert_eq!(estimated_wait(a, 1), a.average_minutes.div_ceil(a.windows));
        assert_eq!(estimated_wait(a, a.windows), a.average_minutes);
    }
}
