//! Idempotency and fault injection: replays, conflicts, latency, injected errors, dropped
//! requests, lost answers, outages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests: a failed step is a failed test"
)]

mod central_support;

use central_api::dto::{Certificate, ErrorCode, QueueStatus, Ticket};
use central_support::{Call, Client, start, start_with, zhang};
use kiosk_sim::central::{CentralSimConfig, Command};
use serde_json::json;
use std::time::{Duration, Instant};

async fn waiting(client: &Client, code: &str) -> u32 {
    let status: QueueStatus = client.get(&format!("/v1/queue/{code}")).await.expect(200);
    status.waiting
}

#[tokio::test]
async fn a_repeat_replays_the_first_answer_and_applies_once() {
    let sim = start().await;
    let client = Client::new(&sim);
    let before = waiting(&client, "A").await;
    let call = Call::post("/v1/tickets", &json!({"service_code": "A"}));
    let first = client.ask(call.clone()).await;
    let ticket: Ticket = first.expect(201);
    let second = client.ask(call.clone()).await;
    assert_eq!(second.status, 201);
    assert_eq!(second.body, first.body, "byte for byte");
    assert_eq!(waiting(&client, "A").await, before + 1, "applied once");
    assert_eq!(sim.stats().idempotent_replays, 1);
    // The same key with another body is a conflict.
    let conflict = Call::post("/v1/tickets", &json!({"service_code": "B"}))
        .key(call.idempotency_key.as_deref().unwrap());
    client
        .ask(conflict)
        .await
        .assert_error(409, ErrorCode::IdempotencyConflict);
    // The same key on another path is a conflict too.
    let elsewhere = Call::post("/v1/questions", &json!({"service_code": "A"}))
        .key(call.idempotency_key.as_deref().unwrap());
    client
        .ask(elsewhere)
        .await
        .assert_error(409, ErrorCode::IdempotencyConflict);
    let _ = ticket;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_certificate_replay_keeps_its_query_number() {
    let sim = start().await;
    let client = Client::new(&sim);
    let v = client.verify(zhang()).await.verification_id;
    let call = Call::post(
        "/v1/certificates",
        &json!({"verification_id": v, "purpose": "loan", "requester": "holder"}),
    );
    let first: Certificate = client.ask(call.clone()).await.expect(201);
    let again: Certificate = client.ask(call).await.expect(201);
    assert_eq!(first, again);
    sim.shutdown().await;
}

#[tokio::test]
async fn keys_belong_to_their_kiosk_and_refusals_are_not_stored() {
    let sim = start_with(CentralSimConfig {
        kiosks: vec![
            ("kiosk-a".into(), b"key-a".to_vec()),
            ("kiosk-b".into(), b"key-b".to_vec()),
        ],
        ..CentralSimConfig::default()
    })
    .await;
    let a = Client {
        kiosk_id: "kiosk-a".into(),
        key: b"key-a".to_vec(),
        ..Client::new(&sim)
    };
    let b = Client {
        kiosk_id: "kiosk-b".into(),
        key: b"key-b".to_vec(),
        ..Client::new(&sim)
    };
    let key = uuid::Uuid::new_v4().to_string();
    // Refused (unknown service): nothing stored under the key...
    a.ask(Call::post("/v1/tickets", &json!({"service_code": "Z"})).key(&key))
        .await
        .assert_error(404, ErrorCode::NotFound);
    // ...so the key is still free for another request.
    let ta: Ticket = a
        .ask(Call::post("/v1/tickets", &json!({"service_code": "A"})).key(&key))
        .await
        .expect(201);
    // Another kiosk's identical key is its own.
    let tb: Ticket = b
        .ask(Call::post("/v1/tickets", &json!({"service_code": "A"})).key(&key))
        .await
        .expect(201);
    assert_ne!(ta.ticket_number, tb.ticket_number);
    sim.shutdown().await;
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let sim = start().await;
    let client = Client::new(&sim);
    sim.run(Command::Latency(Duration::from_millis(300)))
        .await
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        client.ask(Call::get("/v1/time").unsigned()).await.status,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    sim.run(Command::Clear).await.unwrap();
    assert_eq!(sim.faults().state().latency, Duration::ZERO);
    sim.shutdown().await;
}

#[tokio::test]
async fn injected_errors_then_normal_service() {
    let sim = start().await;
    let client = Client::new(&sim);
    sim.run(Command::Errors {
        count: 2,
        status: 503,
    })
    .await
    .unwrap();
    for _ in 0..2 {
        let error = client
            .ask(Call::get("/v1/time").unsigned())
            .await
            .assert_error(503, ErrorCode::Unavailable);
        assert!(error.retry_after_ms.is_some());
    }
    assert_eq!(
        client.ask(Call::get("/v1/time").unsigned()).await.status,
        200
    );
    sim.faults().fail_next(1, 500);
    client
        .get("/v1/catalogue")
        .await
        .assert_error(500, ErrorCode::Internal);
    assert_eq!(client.get("/v1/catalogue").await.status, 200);
    assert_eq!(sim.stats().injected_errors, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_dropped_request_has_no_effect() {
    let sim = start().await;
    let client = Client::new(&sim);
    let before = waiting(&client, "C").await;
    sim.run(Command::Drop(1)).await.unwrap();
    let call = Call::post("/v1/tickets", &json!({"service_code": "C"}));
    assert!(
        client.call(call.clone()).await.is_err(),
        "closed without an answer"
    );
    assert_eq!(waiting(&client, "C").await, before, "no effect");
    // Retried with the same key: applied now.
    let _: Ticket = client.ask(call).await.expect(201);
    assert_eq!(waiting(&client, "C").await, before + 1);
    assert_eq!(sim.stats().dropped, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lost_answer_is_recovered_by_the_idempotency_key() {
    let sim = start().await;
    let client = Client::new(&sim);
    let before = waiting(&client, "D").await;
    sim.run(Command::Lose(1)).await.unwrap();
    let call = Call::post("/v1/tickets", &json!({"service_code": "D"}));
    assert!(
        client.call(call.clone()).await.is_err(),
        "the answer was lost"
    );
    assert_eq!(
        waiting(&client, "D").await,
        before + 1,
        "but the ticket was issued"
    );
    let ticket: Ticket = client.ask(call).await.expect(201);
    assert_eq!(ticket.people_ahead, before, "the first answer, replayed");
    assert_eq!(
        waiting(&client, "D").await,
        before + 1,
        "and not issued twice"
    );
    let stats = sim.stats();
    assert_eq!((stats.lost_responses, stats.idempotent_replays), (1, 1));
    sim.shutdown().await;
}

#[tokio::test]
async fn an_outage_closes_every_connection_until_it_ends() {
    let sim = start().await;
    let client = Client::new(&sim);
    sim.run(Command::Outage(true)).await.unwrap();
    assert!(client.call(Call::get("/v1/time").unsigned()).await.is_err());
    assert!(client.call(Call::get("/v1/catalogue")).await.is_err());
    assert!(sim.stats().refused_connections >= 2);
    sim.run(Command::Outage(false)).await.unwrap();
    assert_eq!(
        client.ask(Call::get("/v1/time").unsigned()).await.status,
        200
    );
    let lines = sim.run(Command::Status).await.unwrap();
    assert!(lines[0].starts_with("STATUS requests="), "{}", lines[0]);
    assert!(lines[0].contains("outage=off"));
    sim.shutdown().await;
}
