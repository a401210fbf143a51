//! The kiosk's central client against the central simulator, every operation of the contract,
//! with the bodies on both sides checked against `api/central.yaml`, and faults injected.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use base64::Engine as _;
use central_api::domain::{CaseNumber, PickupMethod, QueryPurpose, RatingLevel, RatingReason};
use central_api::dto::*;
use kiosk::central::{CentralClient, CentralError, ClientConfig, Conditional, TlsConfig};
use kiosk_e2e::contract::Contract;
use kiosk_sim::central::{CentralSim, CentralSimConfig, ServerTls};
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

async fn sim() -> CentralSim {
    kiosk_sim::central::spawn(CentralSimConfig::default())
        .await
        .unwrap()
}

fn client_for(sim: &CentralSim) -> CentralClient {
    let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
    config.backoff = Duration::from_millis(20);
    config.timeouts.call = Duration::from_secs(2);
    CentralClient::new(config).unwrap()
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn jpeg() -> String {
    // SOI, APP0 marker start, then filler: central checks it is JPEG, not what it shows.
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend([0u8; 64]);
    bytes.extend([0xFF, 0xD9]);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn resident_identity() -> CardIdentity {
    CardIdentity {
        document_type: DocumentType::Resident,
        name: "张𠮷英".into(),
        id_number: IdNumberDto("11010519491231002X".into()),
        birth_date: time::macros::date!(1949 - 12 - 31),
    }
}

fn verification_request(identity: CardIdentity) -> VerificationRequest {
    VerificationRequest {
        identity,
        face_jpeg_base64: jpeg(),
        liveness: LivenessEvidence {
            challenges: vec![
                ChallengeEvidence {
                    challenge: "turn_left".into(),
                    passed: true,
                    duration_ms: 1800,
                },
                ChallengeEvidence {
                    challenge: "blink".into(),
                    passed: true,
                    duration_ms: 900,
                },
            ],
            frames: 84,
            detector: "yunet".into(),
        },
        consent: true,
    }
}

/// Checks a typed request against the contract.
fn request_ok<T: Serialize>(contract: &Contract, method: &str, path: &str, body: &T) {
    let value = serde_json::to_value(body).unwrap();
    contract.check_request(method, path, &value).unwrap();
}

/// Fetches a GET raw and checks its body against the contract.
async fn raw_get_ok(
    client: &CentralClient,
    contract: &Contract,
    template: &str,
    path: &str,
) -> Value {
    let raw = client.get_raw(path).await.unwrap();
    let body: Value = if raw.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&raw.body).unwrap()
    };
    contract
        .check_response("GET", template, raw.status, &body)
        .unwrap();
    body
}

fn refused(e: CentralError) -> (u16, ErrorBody) {
    match e {
        CentralError::Refused { status, body } => (status, body),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn error_ok(contract: &Contract, method: &str, path: &str, status: u16, body: &ErrorBody) {
    contract
        .check_response(method, path, status, &serde_json::to_value(body).unwrap())
        .unwrap();
    assert!(!body.message_zh.is_empty(), "{body:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_the_simulator_within_the_contract() {
    let contract = Contract::load();
    let sim = sim().await;
    let client = client_for(&sim);
    let mut covered = std::collections::BTreeSet::new();
    let mut cover = |m: &str, p: &str| {
        covered.insert((m.to_owned(), p.to_owned()));
    };

    // Time (public).
    let time: ServerTime = client.server_time().await.unwrap();
    assert!((time.server_time - OffsetDateTime::now_utc()).abs() < time::Duration::seconds(5));
    raw_get_ok(&client, &contract, "/v1/time", "/v1/time").await;
    cover("GET", "/v1/time");

    // Identity verification: refusals, then success.
    let mut no_consent = verification_request(resident_identity());
    no_consent.consent = false;
    request_ok(&contract, "POST", "/v1/identity/verifications", &no_consent);
    let (status, body) = refused(
        client
            .verify_identity(&no_consent, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (422, ErrorCode::ConsentMissing));
    error_ok(
        &contract,
        "POST",
        "/v1/identity/verifications",
        status,
        &body,
    );
    let mut failed_liveness = verification_request(resident_identity());
    failed_liveness.liveness.challenges[1].passed = false;
    let (_, body) = refused(
        client
            .verify_identity(&failed_liveness, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!(body.code, ErrorCode::LivenessFailed);
    let mut stranger = resident_identity();
    stranger.name = "王五".into();
    let (_, body) = refused(
        client
            .verify_identity(&verification_request(stranger), Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!(body.code, ErrorCode::IdentityUnknown);
    let request = verification_request(resident_identity());
    request_ok(&contract, "POST", "/v1/identity/verifications", &request);
    let verification = client
        .verify_identity(&request, Uuid::new_v4())
        .await
        .unwrap();
    assert!(verification.expires_at > OffsetDateTime::now_utc());
    cover("POST", "/v1/identity/verifications");
    let vid = verification.verification_id;

    // Records and the property check.
    let records = client.records(vid).await.unwrap();
    assert_eq!(
        records.units.len(),
        2,
        "the resident sample holds two units"
    );
    let restrictions: Vec<&Restriction> =
        records.units.iter().flat_map(|u| &u.restrictions).collect();
    assert!(
        restrictions
            .iter()
            .any(|r| matches!(r, Restriction::Mortgage { .. }))
    );
    assert!(
        restrictions
            .iter()
            .any(|r| matches!(r, Restriction::Seizure { .. }))
    );
    raw_get_ok(
        &client,
        &contract,
        "/v1/records",
        &format!("/v1/records?verification_id={vid}"),
    )
    .await;
    cover("GET", "/v1/records");
    let check = client.property_check(vid).await.unwrap();
    assert!(check.has_property && check.residential_units >= 1);
    raw_get_ok(
        &client,
        &contract,
        "/v1/records/property-check",
        &format!("/v1/records/property-check?verification_id={vid}"),
    )
    .await;
    cover("GET", "/v1/records/property-check");

    // Certificates: issue (idempotent), verify publicly.
    let cert_request = CertificateRequest {
        verification_id: vid,
        purpose: QueryPurpose::PurchaseQualification,
        purpose_note: None,
        requester: Requester::Holder,
        unit_codes: None,
    };
    request_ok(&contract, "POST", "/v1/certificates", &cert_request);
    let key = Uuid::new_v4();
    let certificate = client.issue_certificate(&cert_request, key).await.unwrap();
    assert_eq!(certificate.units.len(), 2);
    assert_eq!(certificate.requester_id_number.0, "11010519491231002X");
    let again = client.issue_certificate(&cert_request, key).await.unwrap();
    assert_eq!(
        again, certificate,
        "same idempotency key: the same certificate"
    );
    cover("POST", "/v1/certificates");
    let code = certificate.verification_code.to_string();
    let check = client.verify_certificate(&code).await.unwrap();
    assert!(check.valid);
    assert_eq!(check.units, Some(2));
    raw_get_ok(
        &client,
        &contract,
        "/v1/certificates/verify/{code}",
        &format!("/v1/certificates/verify/{code}"),
    )
    .await;
    let bogus = client.verify_certificate("NOSUCHCODE12").await.unwrap();
    assert!(!bogus.valid);
    cover("GET", "/v1/certificates/verify/{code}");

    // Appointments: today's, check-in inside the window, early and late refusals.
    let appointments = client.appointments_of(vid).await.unwrap();
    assert_eq!(appointments.appointments.len(), 3);
    raw_get_ok(
        &client,
        &contract,
        "/v1/appointments",
        &format!("/v1/appointments?verification_id={vid}"),
    )
    .await;
    cover("GET", "/v1/appointments");
    let now = OffsetDateTime::now_utc();
    let open = appointments
        .appointments
        .iter()
        .find(|a| a.check_in_from <= now && now <= a.check_in_until)
        .expect("one appointment open now");
    let by_code = client
        .appointments_by_code(&open.booking_code)
        .await
        .unwrap();
    assert_eq!(by_code.appointments[0].appointment_id, open.appointment_id);
    let check_in = CheckInRequest {
        verification_id: Some(vid),
        booking_code: None,
        checked_in_at: now,
    };
    let path = "/v1/appointments/{appointment_id}/check-in";
    request_ok(&contract, "POST", path, &check_in);
    let ticket = client
        .check_in(&open.appointment_id, &check_in, Uuid::new_v4())
        .await
        .unwrap();
    assert_eq!(ticket.priority, Priority::Appointment);
    let (status, body) = refused(
        client
            .check_in(&open.appointment_id, &check_in, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (409, ErrorCode::AlreadyCheckedIn));
    error_ok(&contract, "POST", path, status, &body);
    let later = appointments
        .appointments
        .iter()
        .find(|a| a.check_in_from > now)
        .unwrap();
    let (_, body) = refused(
        client
            .check_in(&later.appointment_id, &check_in, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!(body.code, ErrorCode::TooEarly);
    assert_eq!(body.earliest_at, Some(later.check_in_from));
    let past = appointments
        .appointments
        .iter()
        .find(|a| a.check_in_until < now)
        .unwrap();
    let (_, body) = refused(
        client
            .check_in(&past.appointment_id, &check_in, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!(body.code, ErrorCode::TooLate);
    assert_eq!(body.walk_in_offered, Some(true));
    cover("POST", path);

    // Slots and booking.
    let catalogue = match client.catalogue(None).await.unwrap() {
        Conditional::Fresh { value, etag } => {
            assert!(etag.is_some());
            value
        }
        Conditional::NotModified => panic!("no ETag was sent"),
    };
    let service = catalogue.topics[0].service_code.clone();
    // Slots are on working days: look up to a week ahead.
    let today = now.to_offset(time::macros::offset!(+8)).date();
    let mut booked = None;
    for ahead in 0..8 {
        let day = today + time::Duration::days(ahead);
        let date = format!(
            "{}-{:02}-{:02}",
            day.year(),
            u8::from(day.month()),
            day.day()
        );
        let slots = client.slots(&service, &date).await.unwrap();
        raw_get_ok(
            &client,
            &contract,
            "/v1/slots",
            &format!("/v1/slots?service_code={service}&date={date}"),
        )
        .await;
        if let Some(slot) = slots
            .slots
            .iter()
            .find(|s| s.remaining > 0 && s.start > now)
        {
            let booking = BookingRequest {
                verification_id: vid,
                service_code: service.clone(),
                slot_start: slot.start,
            };
            request_ok(&contract, "POST", "/v1/appointments", &booking);
            booked = Some(client.book(&booking, Uuid::new_v4()).await.unwrap());
            break;
        }
    }
    assert_eq!(
        booked.expect("a bookable slot within a week").status,
        AppointmentStatus::Booked
    );
    cover("GET", "/v1/slots");
    cover("POST", "/v1/appointments");

    // Walk-in tickets and the queue: priority goes ahead.
    let plain = TicketRequest {
        service_code: service.clone(),
        priority: Priority::None,
        verification_id: None,
    };
    request_ok(&contract, "POST", "/v1/tickets", &plain);
    let first = client.create_ticket(&plain, Uuid::new_v4()).await.unwrap();
    let elderly = TicketRequest {
        priority: Priority::Elderly,
        ..plain.clone()
    };
    let priority = client
        .create_ticket(&elderly, Uuid::new_v4())
        .await
        .unwrap();
    assert!(
        priority.people_ahead <= first.people_ahead,
        "{priority:?} vs {first:?}"
    );
    cover("POST", "/v1/tickets");
    let queue = client.queue(&service).await.unwrap();
    assert!(queue.waiting >= 2);
    raw_get_ok(
        &client,
        &contract,
        "/v1/queue/{service_code}",
        &format!("/v1/queue/{service}"),
    )
    .await;
    cover("GET", "/v1/queue/{service_code}");
    let (status, body) = refused(client.queue("NOPE").await.unwrap_err());
    assert_eq!((status, body.code), (404, ErrorCode::NotFound));

    // Cases, fees, payment, pickup.
    let holder = sim
        .demo()
        .holders
        .iter()
        .find(|h| h.card == "resident")
        .unwrap();
    let mut case_seen = None;
    for number in &holder.case_numbers {
        let case = client.case(number).await.unwrap();
        raw_get_ok(
            &client,
            &contract,
            "/v1/cases/{case_number}",
            &format!("/v1/cases/{number}"),
        )
        .await;
        assert!(!case.stages.is_empty());
        case_seen.get_or_insert(case);
    }
    cover("GET", "/v1/cases/{case_number}");
    let case = case_seen.expect("the resident sample has a case");
    let number = case.case_number.to_string();
    let fees = client.fees(&number).await.unwrap();
    raw_get_ok(
        &client,
        &contract,
        "/v1/cases/{case_number}/fees",
        &format!("/v1/cases/{number}/fees"),
    )
    .await;
    cover("GET", "/v1/cases/{case_number}/fees");
    assert_eq!(
        fees.total_fen,
        fees.items.iter().map(|i| i.amount_fen).sum::<i64>()
    );
    if !fees.paid && fees.total_fen > 0 {
        let order = client
            .create_payment(&number, Uuid::new_v4())
            .await
            .unwrap();
        assert_eq!(order.amount_fen, fees.total_fen);
        assert!(!order.qr_payload.is_empty());
        let mut state = order.state;
        for _ in 0..5 {
            state = client.payment(&order.order_id).await.unwrap().state;
            if state == PaymentState::Paid {
                break;
            }
        }
        assert_eq!(state, PaymentState::Paid);
        raw_get_ok(
            &client,
            &contract,
            "/v1/payments/{order_id}",
            &format!("/v1/payments/{}", order.order_id),
        )
        .await;
    }
    let (status, body) = refused(
        client
            .create_payment(&number, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (409, ErrorCode::NothingToPay));
    cover("POST", "/v1/cases/{case_number}/payments");
    cover("GET", "/v1/payments/{order_id}");
    let no_address = PickupRequest {
        method: PickupMethod::Courier,
        address: None,
    };
    let (status, body) = refused(
        client
            .set_pickup(&number, &no_address, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (400, ErrorCode::BadRequest));
    let courier = PickupRequest {
        method: PickupMethod::Courier,
        address: Some(CourierAddress {
            recipient: "张𠮷英".into(),
            phone: "13800138000".into(),
            address: "北京市朝阳区建国路甲88号院3号楼2单元1101号".into(),
            postal_code: "100022".into(),
        }),
    };
    request_ok(&contract, "PUT", "/v1/cases/{case_number}/pickup", &courier);
    match client.set_pickup(&number, &courier, Uuid::new_v4()).await {
        Ok(pickup) => assert_eq!(pickup.method, Some(courier.method)),
        Err(e) => {
            let (status, body) = refused(e);
            assert_eq!((status, body.code), (409, ErrorCode::PickupLocked));
        }
    }
    cover("PUT", "/v1/cases/{case_number}/pickup");

    // The service guide: ETag and 304.
    raw_get_ok(&client, &contract, "/v1/catalogue", "/v1/catalogue").await;
    let etag = match client.catalogue(None).await.unwrap() {
        Conditional::Fresh { etag, .. } => etag.unwrap(),
        Conditional::NotModified => panic!(),
    };
    assert_eq!(
        client.catalogue(Some(&etag)).await.unwrap(),
        Conditional::NotModified
    );
    assert!(catalogue.topics.iter().all(|t| !t.materials.is_empty()));
    cover("GET", "/v1/catalogue");
    raw_get_ok(&client, &contract, "/v1/faq", "/v1/faq").await;
    let faq = client.faq(None).await.unwrap();
    assert!(matches!(faq, Conditional::Fresh { ref value, .. } if !value.entries.is_empty()));
    cover("GET", "/v1/faq");

    // Questions and ratings.
    let question = QuestionRequest {
        text: "继承房产需要哪些材料？".into(),
        phone: "13800138000".into(),
        topic_code: None,
        asked_at: now,
    };
    request_ok(&contract, "POST", "/v1/questions", &question);
    client
        .create_question(&question, Uuid::new_v4())
        .await
        .unwrap();
    let bad_phone = QuestionRequest {
        phone: "12345".into(),
        ..question.clone()
    };
    let (status, body) = refused(
        client
            .create_question(&bad_phone, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (400, ErrorCode::BadRequest));
    cover("POST", "/v1/questions");
    let rating = RatingRequest {
        target: RatingTarget::Case {
            case_number: number.parse::<CaseNumber>().unwrap(),
        },
        level: RatingLevel::VerySatisfied,
        reasons: vec![],
        comment: None,
        rated_at: now,
    };
    request_ok(&contract, "POST", "/v1/ratings", &rating);
    let dissatisfied = RatingRequest {
        level: RatingLevel::Dissatisfied,
        ..rating.clone()
    };
    let (status, body) = refused(
        client
            .create_rating(&dissatisfied, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (400, ErrorCode::BadRequest));
    let with_reason = RatingRequest {
        reasons: vec![RatingReason::ALL[0]],
        ..dissatisfied
    };
    if !case.rated {
        client
            .create_rating(&with_reason, Uuid::new_v4())
            .await
            .unwrap();
    }
    let (status, body) = refused(
        client
            .create_rating(&rating, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (409, ErrorCode::AlreadyRated));
    cover("POST", "/v1/ratings");

    // Kiosk management.
    let heartbeat = Heartbeat {
        devices: vec![DeviceState {
            device: "idcard".into(),
            status: "online".into(),
            detail: None,
        }],
        software_version: "0.1.0".into(),
        outbox_depth: 0,
        uptime_s: 10,
    };
    request_ok(&contract, "POST", "/v1/kiosk/heartbeat", &heartbeat);
    let reply = client.heartbeat(&heartbeat, Uuid::new_v4()).await.unwrap();
    assert!((reply.server_time - OffsetDateTime::now_utc()).abs() < time::Duration::seconds(5));
    cover("POST", "/v1/kiosk/heartbeat");
    // A real journal entry, written by the kiosk's own journal, uploaded as its outbox would.
    let dir = kiosk_e2e::temp_dir("central-client-journal");
    let store = kiosk::store::Store::open(dir.join("kiosk.sqlite3")).unwrap();
    let appended = store
        .journal()
        .append(&kiosk::store::journal::NewEntry {
            at: now,
            session: Uuid::new_v4(),
            kiosk: "demo-kiosk",
            flow: central_api::journal::JournalFlow::RecordsQuery,
            event: central_api::journal::JournalEvent::SessionStarted,
        })
        .unwrap();
    let journal = JournalUpload {
        kiosk_id: "demo-kiosk".into(),
        entries: vec![appended.to_dto()],
    };
    request_ok(&contract, "POST", "/v1/kiosk/journal", &journal);
    let receipt = client
        .upload_journal(&journal, Uuid::new_v4())
        .await
        .unwrap();
    assert_eq!(
        (receipt.accepted_up_to, receipt.last_hash),
        (1, hex_of(&appended.hash))
    );
    // The same entry changed after it was hashed: central refuses the break.
    let mut changed = journal.clone();
    changed.entries[0].event = central_api::journal::JournalEvent::SessionEnded {
        exit: central_api::journal::ExitReason::Done,
    };
    let (status, body) = refused(
        client
            .upload_journal(&changed, Uuid::new_v4())
            .await
            .unwrap_err(),
    );
    assert_eq!((status, body.code), (409, ErrorCode::JournalChainBroken));
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
    cover("POST", "/v1/kiosk/journal");

    let all: std::collections::BTreeSet<(String, String)> =
        contract.operations().into_iter().collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "operations not exercised: {missing:?}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_and_unknown_kiosk_are_refused() {
    let sim = sim().await;
    let wrong_key = CentralClient::new(ClientConfig::new(
        sim.base_url(),
        "demo-kiosk",
        b"wrong".to_vec(),
    ))
    .unwrap();
    let (status, body) = refused(wrong_key.queue("A").await.unwrap_err());
    assert_eq!((status, body.code), (401, ErrorCode::Unauthenticated));
    let unknown = CentralClient::new(ClientConfig::new(
        sim.base_url(),
        "nobody",
        b"demo-key".to_vec(),
    ))
    .unwrap();
    let (status, _) = refused(unknown.queue("A").await.unwrap_err());
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clock_skew_is_corrected_from_server_time() {
    let sim = sim().await;
    // The server's clock runs ten minutes ahead: the first request is outside the bound.
    sim.faults().set_clock_offset_ms(600_000);
    let client = client_for(&sim);
    let queue = client.queue("A").await.unwrap();
    assert_eq!(queue.service_code, "A");
    let offset = client.clock_offset_ms();
    assert!((590_000..610_000).contains(&offset), "offset {offset}");
    // And it stays corrected.
    client.queue("A").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_where_safe() {
    let sim = sim().await;
    let client = client_for(&sim);
    sim.faults().fail_next(2, 503);
    client.queue("A").await.unwrap();
    // A POST with an idempotency key is safe to repeat too.
    sim.faults().fail_next(1, 500);
    let request = TicketRequest {
        service_code: "A".into(),
        priority: Priority::None,
        verification_id: None,
    };
    client
        .create_ticket(&request, Uuid::new_v4())
        .await
        .unwrap();
    // More failures than retries: a typed server error, transient.
    sim.faults().fail_next(10, 503);
    let err = client.queue("A").await.unwrap_err();
    assert!(
        matches!(err, CentralError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(err.code(), Some(ErrorCode::Unavailable));
    sim.faults().clear();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_replayed_without_a_second_effect() {
    let sim = sim().await;
    let client = client_for(&sim);
    let request = TicketRequest {
        service_code: "B".into(),
        priority: Priority::None,
        verification_id: None,
    };
    let before = client.queue("B").await.unwrap().waiting;
    // The server issues the ticket, then the connection drops before the answer arrives; the
    // client repeats with the same key and receives the same ticket.
    sim.faults().lose_next(1);
    let ticket = client
        .create_ticket(&request, Uuid::new_v4())
        .await
        .unwrap();
    let after = client.queue("B").await.unwrap().waiting;
    assert_eq!(after, before + 1, "one ticket issued, not two ({ticket:?})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_outs_and_outages_are_typed() {
    let sim = sim().await;
    let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
    config.timeouts.call = Duration::from_millis(300);
    config.retries = 1;
    config.backoff = Duration::from_millis(10);
    let client = CentralClient::new(config).unwrap();
    sim.faults().set_latency(Duration::from_millis(800));
    let err = client.queue("A").await.unwrap_err();
    assert!(matches!(err, CentralError::Timeout(_)), "{err:?}");
    assert!(err.is_transient());
    sim.faults().set_latency(Duration::ZERO);
    sim.faults().set_outage(true);
    let err = client.queue("A").await.unwrap_err();
    assert!(matches!(err, CentralError::Unreachable(_)), "{err:?}");
    assert!(err.message_zh().contains("人工窗口"));
    sim.faults().set_outage(false);
    client.queue("A").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_with_the_kiosk_certificate() {
    let pki = kiosk_sim::pki::TestPki::generate().unwrap();
    let sim = kiosk_sim::central::spawn(CentralSimConfig {
        tls: Some(ServerTls {
            cert_pem: pki.server_cert_pem.clone(),
            key_pem: pki.server_key_pem.clone(),
            client_ca_pem: pki.client_ca_pem.clone(),
        }),
        ..CentralSimConfig::default()
    })
    .await
    .unwrap();
    assert!(sim.base_url().starts_with("https://"));
    let make = |identity: &[u8]| {
        let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
        config.tls = Some(TlsConfig {
            ca_pem: pki.ca_pem.clone(),
            identity_pem: identity.to_vec(),
        });
        config.retries = 0;
        CentralClient::new(config).unwrap()
    };
    let good = make(&pki.client_identity_pem);
    assert_eq!(good.queue("A").await.unwrap().service_code, "A");
    let untrusted = make(&pki.untrusted_client_identity_pem);
    let err = untrusted.queue("A").await.unwrap_err();
    assert!(matches!(err, CentralError::Unreachable(_)), "{err:?}");
    // A client that does not trust the server's CA refuses it.
    let other = kiosk_sim::pki::TestPki::generate().unwrap();
    let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
    config.tls = Some(TlsConfig {
        ca_pem: other.ca_pem.clone(),
        identity_pem: pki.client_identity_pem.clone(),
    });
    config.retries = 0;
    let wrong_ca = CentralClient::new(config).unwrap();
    assert!(matches!(
        wrong_ca.queue("A").await.unwrap_err(),
        CentralError::Unreachable(_)
    ));
}
