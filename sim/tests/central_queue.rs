//! Appointments, check-in windows, walk-in tickets, the queue, slots and booking.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests: a failed step is a failed test"
)]

mod central_support;

use central_api::dto::{
    Appointment, AppointmentStatus, Appointments, CardIdentity, ErrorCode, IdNumberDto, Priority,
    QueueStatus, Slots, Ticket,
};
use central_support::{Call, Client, chen, maria, smith, start, start_with, zhang};
use kiosk_sim::central::{CentralSimConfig, DemoHolder, Timing};
use serde_json::json;
use time::{Duration, OffsetDateTime, UtcOffset, Weekday};

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn appointment(holder: &DemoHolder, timing: Timing) -> &kiosk_sim::central::DemoAppointment {
    holder
        .appointments
        .iter()
        .find(|a| a.timing == timing)
        .unwrap()
}

fn check_in_by_code(code: &str, at: OffsetDateTime) -> serde_json::Value {
    json!({"booking_code": code, "checked_in_at": rfc3339(at)})
}

#[tokio::test]
async fn todays_appointments_by_verification_and_by_code() {
    let sim = start().await;
    let client = Client::new(&sim);
    let v = client.verify(zhang()).await.verification_id;
    let list: Appointments = client
        .get(&format!("/v1/appointments?verification_id={v}"))
        .await
        .expect(200);
    assert_eq!(list.appointments.len(), 3);
    let starts: Vec<OffsetDateTime> = list.appointments.iter().map(|a| a.slot_start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "by slot start");
    let holder = &sim.demo().holders[0];
    let past = appointment(holder, Timing::Past);
    let by_id = |id: &str| {
        list.appointments
            .iter()
            .find(|a| a.appointment_id == id)
            .unwrap()
    };
    assert_eq!(
        by_id(&past.appointment_id).status,
        AppointmentStatus::Missed
    );
    let now = by_id(&appointment(holder, Timing::Now).appointment_id);
    assert_eq!(now.status, AppointmentStatus::Booked);
    assert_eq!(now.check_in_from, now.slot_start - Duration::minutes(60));
    assert_eq!(now.check_in_until, now.slot_start + Duration::minutes(20));
    assert_eq!(now.slot_end - now.slot_start, Duration::minutes(30));
    assert!(!now.service_name.is_empty());

    let code = &appointment(holder, Timing::Later).booking_code;
    let list: Appointments = client
        .get(&format!("/v1/appointments?booking_code={code}"))
        .await
        .expect(200);
    assert_eq!(list.appointments.len(), 1);
    assert_eq!(&list.appointments[0].booking_code, code);
    let none: Appointments = client
        .get("/v1/appointments?booking_code=00000000")
        .await
        .expect(200);
    assert!(none.appointments.is_empty());
    client
        .get("/v1/appointments")
        .await
        .assert_error(400, ErrorCode::BadRequest);
    sim.shutdown().await;
}

#[tokio::test]
async fn check_in_window_and_its_refusals() {
    let sim = start().await;
    let client = Client::new(&sim);
    let holder = sim.demo().holders[0].clone();
    let now_appt = appointment(&holder, Timing::Now);
    let path = format!("/v1/appointments/{}/check-in", now_appt.appointment_id);
    let key = uuid::Uuid::new_v4().to_string();
    let request = check_in_by_code(&now_appt.booking_code, OffsetDateTime::now_utc());
    let first = client.ask(Call::post(&path, &request).key(&key)).await;
    let ticket: Ticket = first.expect(200);
    assert_eq!(ticket.priority, Priority::Appointment);
    assert_eq!(ticket.service_code, now_appt.service_code);
    assert!(ticket.ticket_number.starts_with(now_appt.service_code));
    assert_eq!(ticket.ticket_number.len(), 4);
    // The same request again: the same answer, byte for byte.
    let again = client.ask(Call::post(&path, &request).key(&key)).await;
    assert_eq!((again.status, &again.body), (200, &first.body));
    // Another key: already checked in.
    client
        .post(&path, &request)
        .await
        .assert_error(409, ErrorCode::AlreadyCheckedIn);

    let later = appointment(&holder, Timing::Later);
    let path = format!("/v1/appointments/{}/check-in", later.appointment_id);
    let error = client
        .post(
            &path,
            &check_in_by_code(&later.booking_code, OffsetDateTime::now_utc()),
        )
        .await
        .assert_error(409, ErrorCode::TooEarly);
    assert_eq!(
        error.earliest_at,
        Some(later.slot_start - Duration::minutes(60))
    );
    // A claimed time far in the future is not believed: still too early.
    let claimed = later.slot_start;
    client
        .post(&path, &check_in_by_code(&later.booking_code, claimed))
        .await
        .assert_error(409, ErrorCode::TooEarly);

    let past = appointment(&holder, Timing::Past);
    let path = format!("/v1/appointments/{}/check-in", past.appointment_id);
    let error = client
        .post(
            &path,
            &check_in_by_code(&past.booking_code, OffsetDateTime::now_utc()),
        )
        .await
        .assert_error(409, ErrorCode::TooLate);
    assert_eq!(error.walk_in_offered, Some(true));
    // The wrong booking code, an unknown appointment, nobody named: refused.
    client
        .post(
            &path,
            &check_in_by_code("00000000", OffsetDateTime::now_utc()),
        )
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .post(
            "/v1/appointments/APT-999999/check-in",
            &check_in_by_code("1", OffsetDateTime::now_utc()),
        )
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .post(
            &path,
            &json!({"checked_in_at": rfc3339(OffsetDateTime::now_utc())}),
        )
        .await
        .assert_error(400, ErrorCode::BadRequest);
    sim.shutdown().await;
}

#[tokio::test]
async fn an_offline_check_in_is_judged_at_its_own_time() {
    let sim = start().await;
    let client = Client::new(&sim);
    let holder = sim.demo().holders[1].clone();
    let past = appointment(&holder, Timing::Past);
    // The kiosk accepted it ten minutes before the slot while central was down, and replays it.
    let at = past.slot_start - Duration::minutes(10);
    let v = client.verify(smith()).await.verification_id;
    let body = json!({"verification_id": v, "checked_in_at": rfc3339(at)});
    let path = format!("/v1/appointments/{}/check-in", past.appointment_id);
    let ticket: Ticket = client.post(&path, &body).await.expect(200);
    assert_eq!(ticket.priority, Priority::Appointment);
    // Someone else's verification does not check in 史密斯's appointment.
    let other = appointment(&holder, Timing::Now);
    let m = client.verify(maria()).await.verification_id;
    let body = json!({"verification_id": m, "checked_in_at": rfc3339(OffsetDateTime::now_utc())});
    client
        .post(
            &format!("/v1/appointments/{}/check-in", other.appointment_id),
            &body,
        )
        .await
        .assert_error(404, ErrorCode::NotFound);
    let list: Appointments = client
        .get(&format!(
            "/v1/appointments?booking_code={}",
            past.booking_code
        ))
        .await
        .expect(200);
    assert_eq!(list.appointments[0].status, AppointmentStatus::CheckedIn);
    sim.shutdown().await;
}

#[tokio::test]
async fn walk_in_tickets_priority_and_the_queue() {
    let sim = start().await;
    let client = Client::new(&sim);
    let before: QueueStatus = client.get("/v1/queue/E").await.expect(200);
    let normal: Ticket = client
        .post("/v1/tickets", &json!({"service_code": "E"}))
        .await
        .expect(201);
    assert_eq!(normal.people_ahead, before.waiting);
    assert_eq!(normal.priority, Priority::None);
    assert!(normal.ticket_number.starts_with('E'));
    let elderly: Ticket = client
        .post(
            "/v1/tickets",
            &json!({"service_code": "E", "priority": "elderly"}),
        )
        .await
        .expect(201);
    assert!(
        elderly.people_ahead < normal.people_ahead + 1,
        "priority goes ahead of normal tickets"
    );
    let pregnant: Ticket = client
        .post(
            "/v1/tickets",
            &json!({"service_code": "E", "priority": "pregnant"}),
        )
        .await
        .expect(201);
    assert_eq!(pregnant.people_ahead, elderly.people_ahead + 1);
    let last: Ticket = client
        .post("/v1/tickets", &json!({"service_code": "E"}))
        .await
        .expect(201);
    assert_eq!(last.people_ahead, before.waiting + 3);
    assert!(last.estimated_wait_minutes >= normal.estimated_wait_minutes);
    let seq = |t: &Ticket| t.ticket_number[1..].parse::<u32>().unwrap();
    assert_eq!(seq(&last), seq(&normal) + 3, "one series for every class");

    let after: QueueStatus = client.get("/v1/queue/E").await.expect(200);
    assert_eq!(after.waiting, before.waiting + 4);
    assert_eq!(after.walk_in_remaining, before.walk_in_remaining - 4);
    // Calling goes by class: the elderly ticket (or an earlier priority one) is called first.
    let (called, window) = sim.call_next("E").await.unwrap().unwrap();
    assert!(window.ends_with("号窗口"));
    let status: QueueStatus = client.get("/v1/queue/E").await.expect(200);
    assert_eq!(status.now_serving.as_deref(), Some(called.as_str()));
    assert_eq!(status.waiting, after.waiting - 1);

    client
        .post("/v1/tickets", &json!({"service_code": "Z"}))
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .get("/v1/queue/Z")
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .post(
            "/v1/tickets",
            &json!({"service_code": "E", "priority": "appointment"}),
        )
        .await
        .assert_error(400, ErrorCode::BadRequest);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_daily_walk_in_cap() {
    let sim = start_with(CentralSimConfig {
        walk_in_cap: 10,
        ..CentralSimConfig::default()
    })
    .await;
    let client = Client::new(&sim);
    let status: QueueStatus = client.get("/v1/queue/B").await.expect(200);
    assert!(status.walk_in_remaining > 0);
    for _ in 0..status.walk_in_remaining {
        assert_eq!(
            client
                .post("/v1/tickets", &json!({"service_code": "B"}))
                .await
                .status,
            201
        );
    }
    client
        .post("/v1/tickets", &json!({"service_code": "B"}))
        .await
        .assert_error(409, ErrorCode::DailyCapReached);
    let status: QueueStatus = client.get("/v1/queue/B").await.expect(200);
    assert_eq!(status.walk_in_remaining, 0);
    // Other series are not affected.
    assert_eq!(
        client
            .post("/v1/tickets", &json!({"service_code": "C"}))
            .await
            .status,
        201
    );
    sim.shutdown().await;
}

/// The next working day after today (Beijing), as `YYYY-MM-DD` and its date.
fn next_working_day() -> time::Date {
    let beijing = UtcOffset::from_hms(8, 0, 0).unwrap();
    let mut day = OffsetDateTime::now_utc().to_offset(beijing).date() + Duration::days(1);
    while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        day += Duration::days(1);
    }
    day
}

#[tokio::test]
async fn slots_and_booking() {
    let sim = start().await;
    let client = Client::new(&sim);
    let day = next_working_day();
    let slots: Slots = client
        .get(&format!("/v1/slots?service_code=A&date={day}"))
        .await
        .expect(200);
    assert_eq!(slots.slots.len(), 13);
    assert!(slots.slots.iter().all(|s| s.remaining == 4));
    let slot = slots.slots[0].clone();

    let people = [zhang(), smith(), maria(), chen()];
    let mut codes = Vec::new();
    for person in people {
        let v = client.verify(person).await.verification_id;
        let body =
            json!({"verification_id": v, "service_code": "A", "slot_start": rfc3339(slot.start)});
        let booked: Appointment = client.post("/v1/appointments", &body).await.expect(201);
        assert_eq!(booked.status, AppointmentStatus::Booked);
        assert_eq!(booked.slot_start, slot.start);
        assert_eq!(booked.booking_code.len(), 8);
        codes.push(booked.booking_code);
        if codes.len() == 1 {
            // The same person again: taken.
            client
                .post("/v1/appointments", &body)
                .await
                .assert_error(409, ErrorCode::SlotTaken);
        }
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 4);
    let slots: Slots = client
        .get(&format!("/v1/slots?service_code=A&date={day}"))
        .await
        .expect(200);
    assert_eq!(slots.slots[0].remaining, 0);
    assert_eq!(slots.slots[1].remaining, 4);
    // A fifth person finds the slot full.
    let fifth = sim
        .demo()
        .without_property
        .iter()
        .find(|p| !sim.demo().face_mismatch.contains(p))
        .unwrap();
    let identity = CardIdentity {
        document_type: fifth.document_type,
        name: fifth.name.clone(),
        id_number: IdNumberDto(fifth.id_number.clone()),
        birth_date: time::macros::date!(1980 - 01 - 01),
    };
    let v = client.verify(identity).await.verification_id;
    let body =
        json!({"verification_id": v, "service_code": "A", "slot_start": rfc3339(slot.start)});
    client
        .post("/v1/appointments", &body)
        .await
        .assert_error(409, ErrorCode::SlotTaken);
    // Not a listed slot, an unknown service: malformed.
    let odd = json!({"verification_id": v, "service_code": "A", "slot_start": rfc3339(slot.start + Duration::minutes(7))});
    client
        .post("/v1/appointments", &odd)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    let unknown =
        json!({"verification_id": v, "service_code": "Q", "slot_start": rfc3339(slot.start)});
    client
        .post("/v1/appointments", &unknown)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    client
        .get(&format!("/v1/slots?service_code=Q&date={day}"))
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .get("/v1/slots?service_code=A&date=tomorrow")
        .await
        .assert_error(400, ErrorCode::BadRequest);
    let mut weekend = day;
    while weekend.weekday() != Weekday::Saturday {
        weekend += Duration::days(1);
    }
    let none: Slots = client
        .get(&format!("/v1/slots?service_code=A&date={weekend}"))
        .await
        .expect(200);
    assert!(none.slots.is_empty());
    sim.shutdown().await;
}
